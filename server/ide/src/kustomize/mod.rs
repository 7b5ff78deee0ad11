//! Kustomize beyond classification: which schema kind a kustomization file is (also when it
//! leaves `apiVersion` and `kind` out), the paths it names and where they point ([`refs`]).
//! Pure: file contents and the facts of paths come in from the callers ([`Fs`]).

pub mod build;
pub mod check;
pub mod hover;
pub mod json6902;
pub mod refs;
pub mod rendered;

use std::path::{Path, PathBuf};

use kref_corpus::schema::Kind;
use kref_corpus::schema::kustomize::{COMPONENT_API_VERSION, KUSTOMIZATION_API_VERSION};

pub use crate::model::project::kustomize::{has_kustomization_keys, implied_kustomization};

use super::knowledge::Knowledge;

/// The schema kind of a kustomization document: `kind: Component` is a Component, anything
/// else (or nothing) a Kustomization.
pub fn schema_kind<'k>(kb: &'k Knowledge, kind: Option<&str>) -> Option<&'k Kind> {
    match kind {
        Some("Component") => kb.schema.kind_for(COMPONENT_API_VERSION, "Component"),
        _ => kb.schema.kind_for(KUSTOMIZATION_API_VERSION, "Kustomization"),
    }
}

/// What the caller knows of a path on disk (or in the editor's open documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    Missing,
}

/// The file system as the Kustomize features see it: the CLI reads the disk, the language
/// server lays its open documents over it, tests use a map.
pub trait Fs: Sync {
    fn entry(&self, path: &Path) -> Entry;
    /// The text of a file (`None` when missing or not text).
    fn read(&self, path: &Path) -> Option<String>;
}

/// The kustomization file of a folder, if it has one.
pub fn kustomization_in(fs: &dyn Fs, dir: &Path) -> Option<PathBuf> {
    crate::model::project::classify::KUSTOMIZATION_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| fs.entry(p) == Entry::File)
}

/// Joins a path as Kustomize does: relative to the kustomization's folder, `.` and `..`
/// folded away (without asking the disk).
pub fn join(dir: &Path, rel: &str) -> PathBuf {
    let mut out = if Path::new(rel).is_absolute() { PathBuf::new() } else { dir.to_path_buf() };
    for part in Path::new(rel).components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A map of files for tests: path → text (folders are implied by the paths).
#[derive(Debug, Default, Clone)]
pub struct MemFs {
    pub files: std::collections::BTreeMap<PathBuf, String>,
}

impl MemFs {
    pub fn new<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> MemFs {
        MemFs { files: files.into_iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect() }
    }
}

impl Fs for MemFs {
    fn entry(&self, path: &Path) -> Entry {
        if self.files.contains_key(path) {
            Entry::File
        } else if self.files.keys().any(|p| p.starts_with(path)) {
            Entry::Dir
        } else {
            Entry::Missing
        }
    }

    fn read(&self, path: &Path) -> Option<String> {
        self.files.get(path).cloned()
    }
}
