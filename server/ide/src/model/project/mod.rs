//! The project around a file: what each YAML file is ([`classify`]), where it sits in a Helm
//! chart ([`chart`]), what kustomizations refer to ([`kustomize`]), and which files are applied together ([`units`]). Shared by
//! `kref check` and the language server so both see the same classes and units. Pure: the
//! callers read files and pass their paths and parsed text in.

pub mod chart;
pub mod classify;
pub mod kustomize;
pub mod units;

pub use chart::{FileRole, role};
pub use classify::{Content, DocClass, FileClass, HelmPart, KustomizePart, OtherYaml, Place};
pub use kustomize::{Generated, Kustomization};
pub use units::{DeclaredUnit, Layout, LayoutFile, Placed, Unit, UnitKind};

use std::path::{Path, PathBuf};

/// What the layout needs to know of one file, read once from its parsed text (the language
/// server keeps it for files on disk, so a new layout needs no reading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// Absolute path, `None` for a document that is no file.
    pub path: Option<PathBuf>,
    /// The folder it was found under.
    pub root: Option<PathBuf>,
    pub content: Content,
    /// For kustomization files: what they refer to.
    pub kustomization: Option<Kustomization>,
}

impl FileFacts {
    /// Reads the facts of a parsed file found at `path` under `root`.
    pub fn read(path: Option<&Path>, root: Option<&Path>, file: &kref_yaml::File) -> FileFacts {
        let rel = match (path, root) {
            (Some(p), Some(r)) => p.strip_prefix(r).unwrap_or(p),
            (Some(p), None) => p,
            _ => Path::new(""),
        };
        let content = classify::content_class(rel, file);
        let kustomization = matches!(content.class, FileClass::Kustomize(_)).then(|| kustomize::parse(file));
        FileFacts {
            path: path.map(Path::to_path_buf),
            root: root.map(Path::to_path_buf),
            content,
            kustomization,
        }
    }
}

/// Lays out files known by key with their facts (see [`Layout::build`]).
pub fn lay_out<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a FileFacts)>,
    declared: &[DeclaredUnit],
) -> Layout {
    let files: Vec<LayoutFile<'a>> = files
        .into_iter()
        .map(|(key, f)| LayoutFile {
            key,
            path: f.path.as_deref(),
            root: f.root.as_deref(),
            content: &f.content,
            kustomization: f.kustomization.as_ref(),
        })
        .collect();
    Layout::build(&files, declared)
}
