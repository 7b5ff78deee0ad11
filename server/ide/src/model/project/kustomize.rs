//! What a kustomization file refers to: the resources, components and patches it includes and
//! the ConfigMaps and Secrets it generates, read from its parsed text. The foundation the units
//! (and later the overlay builder) stand on. Pure: paths are returned as written.

use kref_yaml::{File, Node};

/// An object a kustomization generates (`configMapGenerator`, `secretGenerator`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// `ConfigMap` or `Secret`.
    pub kind: &'static str,
    pub name: String,
    pub namespace: Option<String>,
}

/// The references of one kustomization (Kustomization or Component).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kustomization {
    /// `kind: Component`.
    pub component: bool,
    /// `resources` and the deprecated `bases`: files, folders with a kustomization, or remote
    /// targets (left as written).
    pub resources: Vec<String>,
    pub components: Vec<String>,
    /// Files of strategic-merge patches: `patches[].path`, `patchesStrategicMerge` entries
    /// that are paths (not inline patches).
    pub patches: Vec<String>,
    /// Files of JSON 6902 patches: `patchesJson6902[].path`.
    pub json_patches: Vec<String>,
    /// `crds`: CRD files used as schemas for the custom resources.
    pub crds: Vec<String>,
    pub generated: Vec<Generated>,
    /// `namespace`: set on every object.
    pub namespace: Option<String>,
}

impl Kustomization {
    /// Every local path it names that brings objects or patches in (remote targets left out).
    pub fn local_paths(&self) -> impl Iterator<Item = &str> {
        self.resources
            .iter()
            .chain(&self.components)
            .chain(&self.patches)
            .chain(&self.json_patches)
            .chain(&self.crds)
            .map(String::as_str)
            .filter(|p| !is_remote(p))
    }
}

/// Is a resource a remote target (`github.com/org/repo//path?ref=v1`, `https://...`), which
/// cannot be read offline?
pub fn is_remote(path: &str) -> bool {
    path.contains("://")
        || path.starts_with("github.com/")
        || path.starts_with("gitlab.com/")
        || path.starts_with("bitbucket.org/")
        || path.starts_with("git@")
        || path.contains("?ref=")
        || path.contains(".git//")
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_sequence)
        .map(|items| {
            items
                .iter()
                .filter_map(Node::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Reads the references of a kustomization file (its first document with content).
pub fn parse(file: &File) -> Kustomization {
    let mut k = Kustomization::default();
    let Some(root) = file.documents.iter().find_map(|d| d.root.as_ref().filter(|r| r.as_mapping().is_some()))
    else {
        return k;
    };
    k.component = root.get("kind").and_then(Node::as_str) == Some("Component");
    k.resources = strings(root.get("resources"));
    k.resources.extend(strings(root.get("bases")));
    k.components = strings(root.get("components"));
    k.crds = strings(root.get("crds"));
    k.namespace = root.get("namespace").and_then(Node::as_str).map(str::to_string).filter(|s| !s.is_empty());
    for entry in root.get("patches").and_then(Node::as_sequence).unwrap_or(&[]) {
        if let Some(path) = entry.get("path").and_then(Node::as_str) {
            k.patches.push(path.trim().to_string());
        } else if let Some(path) = entry.as_str().filter(|s| is_path(s)) {
            k.patches.push(path.trim().to_string());
        }
    }
    for entry in root.get("patchesStrategicMerge").and_then(Node::as_sequence).unwrap_or(&[]) {
        if let Some(path) = entry.as_str().filter(|s| is_path(s)) {
            k.patches.push(path.trim().to_string());
        }
    }
    for entry in root.get("patchesJson6902").and_then(Node::as_sequence).unwrap_or(&[]) {
        if let Some(path) = entry.get("path").and_then(Node::as_str) {
            k.json_patches.push(path.trim().to_string());
        }
    }
    for (key, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
        for entry in root.get(key).and_then(Node::as_sequence).unwrap_or(&[]) {
            if let Some(name) = entry.get("name").and_then(Node::as_str).filter(|n| !n.is_empty()) {
                let namespace = entry
                    .get("namespace")
                    .and_then(Node::as_str)
                    .map(str::to_string)
                    .or_else(|| k.namespace.clone());
                k.generated.push(Generated { kind, name: name.to_string(), namespace });
            }
        }
    }
    k
}

/// An entry of `patchesStrategicMerge` or `patches` that is a file path rather than an inline
/// patch (which holds line breaks or `key: value`).
fn is_path(s: &str) -> bool {
    !s.contains('\n') && !s.contains(": ") && !s.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_reference() {
        let text = "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
- ../base
- extra.yaml
- github.com/org/repo//deploy?ref=v1
bases: [../old]
components: [../components/tls]
patches:
- path: replicas.yaml
- target: {kind: Deployment}
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 3
patchesStrategicMerge:
- memory.yaml
- |-
  apiVersion: v1
  kind: Service
patchesJson6902:
- target: {kind: Ingress, name: web}
  path: ingress-ops.yaml
crds: [crds/widget.yaml]
configMapGenerator:
- name: settings
  literals: [a=b]
secretGenerator:
- name: creds
  namespace: other
";
        let k = parse(&kref_yaml::parse(text));
        assert_eq!(k.resources, ["../base", "extra.yaml", "github.com/org/repo//deploy?ref=v1", "../old"]);
        assert_eq!(k.components, ["../components/tls"]);
        assert_eq!(k.patches, ["replicas.yaml", "memory.yaml"]);
        assert_eq!(k.json_patches, ["ingress-ops.yaml"]);
        assert_eq!(k.crds, ["crds/widget.yaml"]);
        assert_eq!(
            k.generated,
            [
                Generated { kind: "ConfigMap", name: "settings".into(), namespace: Some("shop".into()) },
                Generated { kind: "Secret", name: "creds".into(), namespace: Some("other".into()) },
            ]
        );
        assert!(!k.local_paths().any(|p| p.contains("github.com")));
        assert!(!k.component);
    }
}
