//! The paths a kustomization names (resources, components, bases, crds, patch files,
//! generator files, Helm values files, replacement and plugin files) with where each is
//! written, whether each exists as Kustomize needs it, and the target under the cursor for go
//! to definition. Remote targets are recognised and left alone (a hint: not checkable offline).

use std::path::{Path, PathBuf};

use kref_yaml::{File, Node, TextRange};

use super::{Entry, Fs, join, kustomization_in};
use crate::model::project::kustomize::is_remote;

/// What a path must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// A file, or a folder with a kustomization (`resources`, `bases`).
    Resource,
    /// A folder with a kustomization (`components`; a file is accepted too, as Kustomize does
    /// for a Component file).
    Kustomization,
    /// A file.
    File,
}

/// One path written in a kustomization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    /// The field it is under: `resources`, `patches`, `configMapGenerator`, ...
    pub field: &'static str,
    /// The path as written (for generator files, the part after `key=`).
    pub path: String,
    /// Where the path is written (the part after `key=` for generator files).
    pub range: TextRange,
    pub want: Want,
}

/// Where a path points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file.
    File(PathBuf),
    /// A folder, and the kustomization file in it (`None`: a folder without one).
    Dir(PathBuf, Option<PathBuf>),
    Missing(PathBuf),
    /// A remote target (`github.com/...?ref=`, `https://...`): not readable offline.
    Remote,
}

fn scalar(node: &Node) -> Option<(&str, TextRange)> {
    let text = node.as_str()?;
    (!text.trim().is_empty() && !text.contains('\n')).then_some((text, node.range))
}

/// Every path of a kustomization document, in order of appearance by field.
pub fn path_refs(root: &Node) -> Vec<PathRef> {
    let mut out = Vec::new();
    let mut push = |field: &'static str, node: &Node, want: Want| {
        if let Some((text, range)) = scalar(node) {
            out.push(PathRef { field, path: text.trim().to_string(), range, want });
        }
    };
    let seq = |key: &str| root.get(key).and_then(Node::as_sequence).unwrap_or(&[]);
    for (field, want) in [
        ("resources", Want::Resource),
        ("bases", Want::Resource),
        ("components", Want::Kustomization),
        ("crds", Want::File),
        ("configurations", Want::File),
        ("generators", Want::Resource),
        ("transformers", Want::Resource),
        ("validators", Want::Resource),
    ] {
        for item in seq(field) {
            push(field, item, want);
        }
    }
    for item in seq("patches") {
        if let Some(p) = item.get("path") {
            push("patches", p, Want::File);
        }
    }
    for item in seq("patchesStrategicMerge") {
        // Inline patches hold `key: value` text; only the other entries are files.
        if item.as_str().is_some_and(|s| !s.contains(": ") && !s.contains('\n')) {
            push("patchesStrategicMerge", item, Want::File);
        }
    }
    for item in seq("patchesJson6902") {
        if let Some(p) = item.get("path") {
            push("patchesJson6902", p, Want::File);
        }
    }
    for item in seq("replacements") {
        if let Some(p) = item.get("path") {
            push("replacements", p, Want::File);
        }
    }
    for field in ["configMapGenerator", "secretGenerator"] {
        for item in seq(field) {
            for f in item.get("files").and_then(Node::as_sequence).unwrap_or(&[]) {
                let Some((text, range)) = scalar(f) else { continue };
                // `key=path`: the path is what follows the first `=`.
                let (path, start) = match text.split_once('=') {
                    Some((_, p)) => (p, range.end - p.len()),
                    None => (text, range.start),
                };
                let quoted = range.len() != text.len();
                let range = if quoted { range } else { TextRange::new(start, range.end) };
                out.push(PathRef { field, path: path.trim().to_string(), range, want: Want::File });
            }
            for e in item.get("envs").and_then(Node::as_sequence).unwrap_or(&[]) {
                if let Some((text, range)) = scalar(e) {
                    out.push(PathRef { field, path: text.trim().to_string(), range, want: Want::File });
                }
            }
            if let Some(e) = item.get("env")
                && let Some((text, range)) = scalar(e)
            {
                out.push(PathRef { field, path: text.trim().to_string(), range, want: Want::File });
            }
        }
    }
    for item in seq("helmCharts") {
        if let Some(v) = item.get("valuesFile")
            && let Some((text, range)) = scalar(v)
            && !is_remote(text)
        {
            out.push(PathRef { field: "helmCharts", path: text.trim().to_string(), range, want: Want::File });
        }
        for v in item.get("additionalValuesFiles").and_then(Node::as_sequence).unwrap_or(&[]) {
            if let Some((text, range)) = scalar(v) {
                out.push(PathRef {
                    field: "helmCharts",
                    path: text.trim().to_string(),
                    range,
                    want: Want::File,
                });
            }
        }
    }
    out
}

/// Where `path` (written in the kustomization of folder `dir`) points.
pub fn resolve(fs: &dyn Fs, dir: &Path, path: &str) -> Resolved {
    if is_remote(path) {
        return Resolved::Remote;
    }
    let full = join(dir, path);
    match fs.entry(&full) {
        Entry::File => Resolved::File(full),
        Entry::Dir => {
            let k = kustomization_in(fs, &full);
            Resolved::Dir(full, k)
        }
        Entry::Missing => Resolved::Missing(full),
    }
}

/// A problem with one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    pub range: TextRange,
    /// `kustomize-path` (error) or `kustomize-remote` (hint).
    pub rule: &'static str,
    pub message: String,
}

/// The problems of the paths of a kustomization file in folder `dir`.
pub fn check_paths(file: &File, dir: &Path, fs: &dyn Fs) -> Vec<PathProblem> {
    let mut out = Vec::new();
    for doc in &file.documents {
        let Some(root) = doc.root.as_ref().filter(|r| r.as_mapping().is_some()) else { continue };
        for r in path_refs(root) {
            let problem = match (resolve(fs, dir, &r.path), r.want) {
                (Resolved::Remote, _) => Some((
                    "kustomize-remote",
                    format!(
                        "{} {:?} is a remote target: kref does not fetch it (no network), so what it brings is not checked",
                        r.field, r.path
                    ),
                )),
                (Resolved::Missing(_), _) => Some((
                    "kustomize-path",
                    format!("{} {:?}: no such file or folder next to this kustomization", r.field, r.path),
                )),
                (Resolved::Dir(_, None), Want::Resource | Want::Kustomization) => Some((
                    "kustomize-path",
                    format!(
                        "{} {:?}: the folder has no kustomization.yaml; list its files instead, or add one",
                        r.field, r.path
                    ),
                )),
                (Resolved::Dir(..), Want::File) => Some((
                    "kustomize-path",
                    format!("{} {:?}: this is a folder; a file is expected here", r.field, r.path),
                )),
                _ => None,
            };
            if let Some((rule, message)) = problem {
                out.push(PathProblem { range: r.range, rule, message });
            }
        }
    }
    out
}

/// The file a path under the cursor points at (a folder's kustomization file), for go to
/// definition; `None` off a path, on a remote target, or when it does not exist.
pub fn definition_at(file: &File, offset: usize, dir: &Path, fs: &dyn Fs) -> Option<(TextRange, PathBuf)> {
    let doc = file.documents.get(file.document_at(offset))?;
    let root = doc.root.as_ref()?;
    let r = path_refs(root).into_iter().find(|r| r.range.start <= offset && offset <= r.range.end)?;
    match resolve(fs, dir, &r.path) {
        Resolved::File(p) => Some((r.range, p)),
        Resolved::Dir(_, Some(k)) => Some((r.range, k)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::MemFs;
    use super::*;

    const TEXT: &str = "resources:
- deploy.yaml
- ../base
- ../empty
- gone.yaml
- https://github.com/org/repo//deploy?ref=v1
components: [../components/tls]
patches:
- path: patches/replicas.yaml
- patch: |-
    kind: Deployment
patchesStrategicMerge:
- memory.yaml
configMapGenerator:
- name: settings
  files: [conf=app.properties, missing.txt]
  envs: [.env]
";

    fn fs() -> MemFs {
        MemFs::new([
            ("/p/overlay/deploy.yaml", "kind: Deployment"),
            ("/p/base/kustomization.yaml", "resources: []"),
            ("/p/empty/notes.txt", "x"),
            ("/p/components/tls/kustomization.yaml", "kind: Component"),
            ("/p/overlay/patches/replicas.yaml", "kind: Deployment"),
            ("/p/overlay/app.properties", "a=b"),
            ("/p/overlay/.env", "A=B"),
        ])
    }

    #[test]
    fn every_path_is_found_and_checked() {
        let file = kref_yaml::parse(TEXT);
        let refs = path_refs(file.documents[0].root.as_ref().unwrap());
        let paths: Vec<(&str, &str)> = refs.iter().map(|r| (r.field, r.path.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("resources", "deploy.yaml"),
                ("resources", "../base"),
                ("resources", "../empty"),
                ("resources", "gone.yaml"),
                ("resources", "https://github.com/org/repo//deploy?ref=v1"),
                ("components", "../components/tls"),
                ("patches", "patches/replicas.yaml"),
                ("patchesStrategicMerge", "memory.yaml"),
                ("configMapGenerator", "app.properties"),
                ("configMapGenerator", "missing.txt"),
                ("configMapGenerator", ".env"),
            ]
        );
        let app = refs.iter().find(|r| r.path == "app.properties").unwrap();
        assert_eq!(&TEXT[app.range.start..app.range.end], "app.properties");
        let problems = check_paths(&file, Path::new("/p/overlay"), &fs());
        let lines: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.rule, p.message)).collect();
        assert_eq!(
            lines,
            [
                "kustomize-path: resources \"../empty\": the folder has no kustomization.yaml; list its files instead, or add one",
                "kustomize-path: resources \"gone.yaml\": no such file or folder next to this kustomization",
                "kustomize-remote: resources \"https://github.com/org/repo//deploy?ref=v1\" is a remote target: kref does not fetch it (no network), so what it brings is not checked",
                "kustomize-path: patchesStrategicMerge \"memory.yaml\": no such file or folder next to this kustomization",
                "kustomize-path: configMapGenerator \"missing.txt\": no such file or folder next to this kustomization",
            ]
        );
    }

    #[test]
    fn definitions_go_to_files_and_kustomizations() {
        let file = kref_yaml::parse(TEXT);
        let at = |needle: &str| TEXT.find(needle).unwrap() + 1;
        let def =
            |needle: &str| definition_at(&file, at(needle), Path::new("/p/overlay"), &fs()).map(|d| d.1);
        assert_eq!(def("../base"), Some(PathBuf::from("/p/base/kustomization.yaml")));
        assert_eq!(def("deploy.yaml"), Some(PathBuf::from("/p/overlay/deploy.yaml")));
        assert_eq!(def("../components"), Some(PathBuf::from("/p/components/tls/kustomization.yaml")));
        assert_eq!(def("app.prop"), Some(PathBuf::from("/p/overlay/app.properties")));
        assert_eq!(def("gone.yaml"), None);
        assert_eq!(def("https"), None);
        assert_eq!(def("name: settings"), None);
    }
}
