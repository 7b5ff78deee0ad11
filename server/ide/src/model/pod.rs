//! Pods wherever they sit: a Pod's own spec, the pod template of a workload (Deployment,
//! StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, PodTemplate), the Job
//! template of a CronJob and the pod template inside it, in a document or an item of a List.
//! One table says where; the checks, the cross-document rules, definitions and the notes
//! lookup (`Pod` notes inside a pod template, `Job` notes inside a job template) all read it.

use kref_yaml::Node;

use super::object::ObjectAt;
use super::yaml::{at, get, items, text_of};

/// A Pod Security Standards level: what a Namespace enforces
/// (`pod-security.kubernetes.io/enforce`), and the level a security rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PssLevel {
    Baseline,
    Restricted,
}

impl PssLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

/// What an embedded template stamps out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateKind {
    Pod,
    Job,
}

impl TemplateKind {
    /// The kind name: `Pod`, `Job`.
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Pod => "Pod",
            TemplateKind::Job => "Job",
        }
    }
}

/// An object template a kind embeds: what it stamps out and the keys that lead to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Embedded {
    pub kind: TemplateKind,
    pub path: &'static [&'static str],
}

/// Where a kind keeps pods: the templates it embeds (outermost first) and its pod spec. The
/// one table of pod-running kinds: checks, references, the workspace, definitions and the
/// notes lookup all read it (through [`embedded`], [`template_at`] and [`pod_spec_path`]).
struct Pods {
    embedded: &'static [Embedded],
    spec: PodSpecPath,
}

const POD: Pods = Pods { embedded: &[], spec: PodSpecPath { spec: &["spec"], template_metadata: None } };
const WORKLOAD: Pods = Pods {
    embedded: &[Embedded { kind: TemplateKind::Pod, path: &["spec", "template"] }],
    spec: PodSpecPath {
        spec: &["spec", "template", "spec"],
        template_metadata: Some(&["spec", "template", "metadata"]),
    },
};
const POD_TEMPLATE: Pods = Pods {
    embedded: &[Embedded { kind: TemplateKind::Pod, path: &["template"] }],
    spec: PodSpecPath { spec: &["template", "spec"], template_metadata: Some(&["template", "metadata"]) },
};
const CRON_JOB: Pods = Pods {
    embedded: &[
        Embedded { kind: TemplateKind::Job, path: &["spec", "jobTemplate"] },
        Embedded { kind: TemplateKind::Pod, path: &["spec", "jobTemplate", "spec", "template"] },
    ],
    spec: PodSpecPath {
        spec: &["spec", "jobTemplate", "spec", "template", "spec"],
        template_metadata: Some(&["spec", "jobTemplate", "spec", "template", "metadata"]),
    },
};

/// The built-in kinds that run pods.
fn pods_of(kind: &str) -> Option<&'static Pods> {
    Some(match kind {
        "Pod" => &POD,
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ReplicationController" | "Job" => {
            &WORKLOAD
        }
        "PodTemplate" => &POD_TEMPLATE,
        "CronJob" => &CRON_JOB,
        _ => return None,
    })
}

/// The templates a built-in kind embeds, outermost first (none for a Pod: it is a pod itself).
pub fn embedded(kind: &str) -> &'static [Embedded] {
    pods_of(kind).map_or(&[], |p| p.embedded)
}

/// Keys that hold an object template in kinds the table does not know (custom resources).
const TEMPLATE_KEYS: &[(&str, TemplateKind)] =
    &[("template", TemplateKind::Pod), ("jobTemplate", TemplateKind::Job)];

/// The innermost object template that `keys` (a path from an object's root, list indexes left
/// out) lies in, and the keys below it: `spec.template.spec.containers` of a Deployment is
/// `spec.containers` of a Pod, `spec.jobTemplate.spec.backoffLimit` of a CronJob is
/// `spec.backoffLimit` of a Job. Built-in kinds by [`embedded`]; other kinds by the keys
/// `template` and `jobTemplate`. `None` outside any template (and for a Pod's own fields).
pub fn template_at<'k>(kind: &str, keys: &'k [&'k str]) -> Option<(TemplateKind, &'k [&'k str])> {
    if kind.eq_ignore_ascii_case("Pod") {
        return None;
    }
    if let Some(pods) = pods_of(kind) {
        return pods
            .embedded
            .iter()
            .rev()
            .find(|e| keys.starts_with(e.path))
            .map(|e| (e.kind, &keys[e.path.len()..]));
    }
    let pos = keys.iter().rposition(|k| TEMPLATE_KEYS.iter().any(|(key, _)| k == key))?;
    let kind = TEMPLATE_KEYS.iter().find(|(key, _)| *key == keys[pos]).map(|(_, t)| *t)?;
    Some((kind, &keys[pos + 1..]))
}

/// Where a kind describes its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodSpecPath {
    /// The pod spec: `spec` of a Pod, `spec.template.spec` of a Deployment.
    pub spec: &'static [&'static str],
    /// The pod template's metadata (`spec.template.metadata`); `None` for a Pod, whose own
    /// metadata it is.
    pub template_metadata: Option<&'static [&'static str]>,
}

impl PodSpecPath {
    /// The pod template (`spec.template`); `None` for a Pod.
    pub fn template(&self) -> Option<&'static [&'static str]> {
        self.template_metadata?;
        self.spec.split_last().map(|(_, template)| template)
    }
}

/// Where a pod spec sits in a built-in kind.
pub fn pod_spec_path(kind: &str) -> Option<PodSpecPath> {
    pods_of(kind).map(|p| p.spec)
}

/// The pod spec of an object (a document or a List item) of a built-in kind that runs pods.
pub fn pod_spec<'n>(obj: &ObjectAt<'n>) -> Option<&'n Node> {
    if !obj.is_builtin() {
        return None;
    }
    let path = pod_spec_path(obj.kind_name())?;
    at(obj.node, path.spec).filter(|n| n.as_mapping().is_some())
}

/// The metadata of an object's pod template: from the table for a built-in kind (`None` for a
/// Pod, which has no template), `spec.template.metadata` for a custom resource shaped like a
/// workload (Argo Rollouts and the like copy that shape).
pub fn template_metadata<'n>(obj: &ObjectAt<'n>) -> Option<&'n Node> {
    let path: &[&str] = if obj.is_builtin() {
        pod_spec_path(obj.kind_name())?.template_metadata?
    } else {
        &["spec", "template", "metadata"]
    };
    at(obj.node, path)
}

/// The labels a workload's pods get: the template's labels (a Pod's own labels).
pub fn pod_labels<'n>(root: &'n Node, kind: &str) -> Option<&'n Node> {
    match pod_spec_path(kind)?.template_metadata {
        Some(meta) => at(root, meta).and_then(|m| get(m, "labels")),
        None => at(root, &["metadata", "labels"]),
    }
}

/// The names of a StatefulSet's volume claim templates: the claims its pods get, and volumes
/// of its pod template by those names.
pub fn claim_templates<'n>(obj: &ObjectAt<'n>) -> Vec<&'n str> {
    if obj.kind_name() != "StatefulSet" || !obj.is_builtin() {
        return Vec::new();
    }
    at(obj.node, &["spec", "volumeClaimTemplates"])
        .map(items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|t| at(t, &["metadata", "name"]).and_then(text_of))
        .collect()
}

/// One container of a pod spec.
#[derive(Debug, Clone, Copy)]
pub struct ContainerAt<'n> {
    pub node: &'n Node,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'static str,
}

impl ContainerAt<'_> {
    pub fn name(&self) -> &str {
        get(self.node, "name").and_then(text_of).unwrap_or("?")
    }

    pub fn is_init(&self) -> bool {
        self.list == "initContainers"
    }

    /// An init container with `restartPolicy: Always` runs beside the app (a sidecar).
    pub fn is_sidecar(&self) -> bool {
        self.is_init() && get(self.node, "restartPolicy").and_then(text_of) == Some("Always")
    }
}

/// Every container of a pod spec: regular, init and ephemeral ones.
pub fn containers(spec: &Node) -> Vec<ContainerAt<'_>> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(l) = get(spec, list) {
            for node in items(l) {
                if node.as_mapping().is_some() {
                    out.push(ContainerAt { node, list });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pod_spec_is_the_spec_of_the_innermost_pod_template() {
        for kind in [
            "Pod",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "ReplicationController",
            "Job",
            "PodTemplate",
            "CronJob",
        ] {
            let path = pod_spec_path(kind).unwrap();
            match embedded(kind).iter().rev().find(|e| e.kind == TemplateKind::Pod) {
                Some(t) => {
                    assert_eq!(path.spec, [t.path, &["spec"]].concat(), "{kind}");
                    assert_eq!(path.template_metadata.unwrap(), [t.path, &["metadata"]].concat(), "{kind}");
                    assert_eq!(path.template(), Some(t.path), "{kind}");
                }
                None => assert_eq!((kind, path.template_metadata), ("Pod", None)),
            }
        }
        assert!(pod_spec_path("Service").is_none() && embedded("Service").is_empty());
    }

    #[test]
    fn templates_by_kind_and_by_key() {
        let keys = ["spec", "template", "spec", "containers", "image"];
        assert_eq!(template_at("Deployment", &keys), Some((TemplateKind::Pod, &keys[2..])));
        let keys = ["spec", "jobTemplate", "spec", "backoffLimit"];
        assert_eq!(template_at("CronJob", &keys), Some((TemplateKind::Job, &keys[2..])));
        let keys = ["spec", "jobTemplate", "spec", "template", "spec", "restartPolicy"];
        assert_eq!(template_at("CronJob", &keys), Some((TemplateKind::Pod, &keys[4..])));
        assert_eq!(template_at("Deployment", &["spec", "replicas"]), None);
        assert_eq!(template_at("Pod", &["spec", "containers"]), None);
        // A custom resource: by its `template` key.
        let keys = ["spec", "template", "spec", "containers"];
        assert_eq!(template_at("Rollout", &keys), Some((TemplateKind::Pod, &keys[2..])));
        assert_eq!(template_at("Rollout", &["spec", "replicas"]), None);
    }

    #[test]
    fn pod_specs_of_workloads_cron_jobs_and_list_items() {
        let text = "apiVersion: batch/v1
kind: CronJob
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: c}}
        spec: {containers: [{name: a}]}
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  spec:
    template:
      metadata: {labels: {app: d}}
      spec: {initContainers: [{name: i, restartPolicy: Always}], containers: [{name: b}]}
- apiVersion: example.com/v1
  kind: Deployment
  spec: {template: {spec: {containers: [{name: x}]}}}
";
        let file = kref_yaml::parse(text);
        let objects = super::super::object::objects(&file);
        let names = |o: &ObjectAt<'_>| -> Vec<String> {
            pod_spec(o).map(containers).unwrap_or_default().iter().map(|c| c.name().to_string()).collect()
        };
        assert_eq!(names(&objects[0]), ["a"]);
        assert_eq!(names(&objects[1]), ["i", "b"]);
        assert!(containers(pod_spec(&objects[1]).unwrap())[0].is_sidecar());
        assert!(names(&objects[2]).is_empty(), "a custom resource of the same kind name runs no pods here");
        let labels = pod_labels(objects[0].node, "CronJob").unwrap();
        assert_eq!(super::super::yaml::string_map(labels), [("app", "c")]);
    }
}
