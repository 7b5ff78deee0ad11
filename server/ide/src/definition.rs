//! Go to definition across documents and files: from a reference (a ConfigMap, Secret, claim or
//! ServiceAccount a pod uses, an Ingress backend, an HPA target, a StatefulSet's Service, a
//! binding's role or ServiceAccount, a class name) to the object it names, and from a selector
//! (Service, PodDisruptionBudget, NetworkPolicy) to the workloads whose pods it selects.
//!
//! Pure: the caller passes this file's objects and the workspace's, and turns the answer into
//! locations.

use kref_yaml::{File, TextRange};

use crate::model::object::document_objects;
pub use crate::model::refs::Target;
use crate::model::refs::references;
use crate::model::{Object, View, Workspace, ns_compatible};

/// A reference under the cursor: what it names, where it is written, the namespace of its
/// object (as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub target: Target,
    pub range: TextRange,
    pub namespace: Option<String>,
}

/// Where a definition is: `file` is `None` for the file asked about, else the workspace key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub file: Option<String>,
    pub range: TextRange,
    pub line: u32,
    /// `Deployment web`, for clients that list several.
    pub label: String,
}

/// The reference at `offset`, if the cursor is on one (in a document, or an item of a List).
pub fn reference_at(file: &File, offset: usize) -> Option<Reference> {
    let index = file.document_at(offset);
    let doc = file.documents.get(index)?;
    let obj = document_objects(file.text(), index, doc)
        .into_iter()
        .find(|o| o.range.start <= offset && offset <= o.range.end)?;
    let namespace = obj.namespace.clone().filter(|n| !n.is_empty());
    references(&obj).into_iter().find(|r| r.span.start <= offset && offset <= r.span.end).map(|r| Reference {
        target: r.target,
        range: r.range,
        namespace,
    })
}

/// The definitions of `reference` among this file's objects (`local`, from its current text)
/// and the workspace's other files (`key` is this file's key there).
pub fn definitions(reference: &Reference, key: &str, local: &[Object], ws: &Workspace) -> Vec<Definition> {
    let view = View::new(key, local, ws);
    let ns = reference.namespace.as_deref();
    let found: Vec<(Option<&str>, &Object)> = match &reference.target {
        Target::Object { kind, name } => view
            .named(kind, name)
            .into_iter()
            .filter(|(_, o)| ns_compatible(o.namespace.as_deref(), ns))
            .collect(),
        Target::Pods(selector) => view
            .pods_in_files(ns)
            .into_iter()
            .filter(|(_, o)| o.pod_labels.as_ref().is_some_and(|l| selector.matches(l)))
            .collect(),
    };
    found
        .into_iter()
        .map(|(file, o)| Definition {
            file: file.map(str::to_string),
            range: o.range,
            line: o.line,
            label: format!("{} {}", o.kind, o.name.as_deref().unwrap_or("?")),
        })
        .collect()
}

/// [`reference_at`] and [`definitions`] in one: what the cursor's reference names, in this file
/// and the workspace.
pub fn definition(
    file: &File,
    offset: usize,
    key: &str,
    ws: &Workspace,
) -> Option<(Reference, Vec<Definition>)> {
    let reference = reference_at(file, offset)?;
    let local = Object::of_file(file);
    let found = definitions(&reference, key, &local, ws);
    Some((reference, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: deployer
      containers:
        - name: web
          image: nginx:1.27
          envFrom:
            - configMapRef:
                name: settings
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
";

    const OTHER: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {mode: fast}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
";

    fn offset_of(text: &str, needle: &str, nth: usize) -> usize {
        text.match_indices(needle).nth(nth).map(|(i, _)| i + 1).unwrap()
    }

    fn find(text: &str, needle: &str, nth: usize) -> Option<(Reference, Vec<Definition>)> {
        let file = kref_yaml::parse(text);
        let mut ws = Workspace::new();
        ws.update("/w/other.yaml", &kref_yaml::parse(OTHER));
        ws.update("/w/app.yaml", &file);
        definition(&file, offset_of(text, needle, nth), "/w/app.yaml", &ws)
    }

    #[test]
    fn references_lead_to_objects_in_other_files_and_this_one() {
        let (r, defs) = find(APP, "settings", 0).unwrap();
        assert_eq!(r.target, Target::Object { kind: "ConfigMap".into(), name: "settings".into() });
        assert_eq!(defs.len(), 1);
        assert_eq!(defs[0].file.as_deref(), Some("/w/other.yaml"));
        assert_eq!((defs[0].line, defs[0].label.as_str()), (3, "ConfigMap settings"));

        let (_, defs) = find(APP, "deployer", 0).unwrap();
        assert_eq!(defs[0].label, "ServiceAccount deployer");

        // The Ingress backend names the Service of the same file (not its duplicate in the
        // workspace copy of this file).
        let (_, defs) = find(APP, "web, port", 0).unwrap();
        assert_eq!(defs.len(), 1, "{defs:?}");
        assert_eq!(defs[0].file, None);
        assert_eq!((defs[0].label.as_str(), defs[0].line), ("Service web", 22));
    }

    #[test]
    fn targets_roles_and_services_by_their_own_kind_fields() {
        let text = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployers
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy}
subjects:
  - {kind: ServiceAccount, name: deployer}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deploy
rules: []
";
        let file = kref_yaml::parse(text);
        let mut ws = Workspace::new();
        ws.update("/w/app.yaml", &kref_yaml::parse(APP));
        ws.update("/w/other.yaml", &kref_yaml::parse(OTHER));
        let at = |needle: &str| definition(&file, offset_of(text, needle, 0), "/w/rbac.yaml", &ws).unwrap().1;
        let hpa = at("web}");
        assert_eq!((hpa[0].file.as_deref(), hpa[0].label.as_str()), (Some("/w/app.yaml"), "Deployment web"));
        let role = at("deploy}");
        assert_eq!((role[0].file.as_deref(), role[0].label.as_str()), (None, "Role deploy"));
        let account = at("deployer}");
        assert_eq!(account[0].label, "ServiceAccount deployer");
    }

    #[test]
    fn selectors_lead_to_the_workloads_they_select() {
        let (r, defs) = find(APP, "selector:\n    app", 0).unwrap();
        assert!(matches!(r.target, Target::Pods(_)));
        assert_eq!(defs.iter().map(|d| d.label.as_str()).collect::<Vec<_>>(), ["Deployment web"]);
        // On a plain field there is nothing to go to.
        assert!(find(APP, "image", 0).is_none());
    }
}
