//! The editor's view of Kustomize overlays: the disk with the open documents over it, the
//! findings of each overlay a file is built into (shown on that file, base files included),
//! hover on a JSON 6902 patch file's paths, and what overlays do to a hovered field. The IO
//! (reading the disk) happens here; the features are `crate::analysis::kustomize`'s.

use std::path::{Path, PathBuf};

use kref_yaml::File;

use super::documents::Documents;
use super::workspace;
use crate::analysis::Knowledge;
use crate::analysis::diagnostics::{Diagnostic, RuleConfig};
use crate::analysis::kustomize::{build, hover, json6902, rendered};
use crate::kb::disk::DiskFs;

/// The disk, with each open document's text in place of its file.
pub fn disk_fs(docs: &Documents) -> DiskFs {
    let mut fs = DiskFs::default();
    for s in docs.snapshots() {
        let key = workspace::key_of_uri(&s.uri);
        let path = PathBuf::from(&key);
        if path.is_absolute() {
            fs.open.insert(path, s.text.to_string());
        }
    }
    fs
}

/// The as-built findings of the overlays `overlays` (kustomization files) about the file `key`.
pub fn as_built(
    overlays: &[String],
    key: &str,
    fs: &DiskFs,
    kb: &Knowledge,
    config: &RuleConfig,
) -> Vec<Diagnostic> {
    let path = Path::new(key);
    if overlays.is_empty() || !path.is_absolute() {
        return Vec::new();
    }
    let overlays: Vec<&Path> = overlays.iter().map(Path::new).collect();
    rendered::findings_for(&overlays, path, fs, kb, config)
}

/// Hover on a `path` or `from` of a JSON 6902 patch file: the field of each target it names.
pub fn patch_file_hover(
    key: &str,
    file: &File,
    offset: usize,
    fs: &DiskFs,
    kb: &Knowledge,
) -> Option<crate::analysis::Hover> {
    let path = Path::new(key);
    if !path.is_absolute() || !json6902::is_operations(file) {
        return None;
    }
    let targets = hover::patch_file_targets(fs, path);
    hover::patch_file(file, offset, &targets, kb)
}

/// Lines about what the overlays `key` is built into do to the field at `offset` (see
/// [`hover::patched_notes`]); paths shown relative to the workspace folder holding them.
pub fn patched_notes(
    overlays: &[String],
    key: &str,
    file: &File,
    offset: usize,
    fs: &DiskFs,
    roots: &[PathBuf],
) -> Vec<String> {
    let path = Path::new(key);
    if overlays.is_empty() || !path.is_absolute() || !hover::in_named_object(file, offset) {
        return Vec::new();
    }
    let builds: Vec<build::Build> =
        overlays.iter().map(|k| build::build(fs, Path::new(k))).filter(|b| b.problems.is_empty()).collect();
    let refs: Vec<&build::Build> = builds.iter().collect();
    let shown = |p: &Path| match workspace::root_of(roots, p) {
        Some(root) => p.strip_prefix(root).unwrap_or(p).display().to_string(),
        None => p.display().to_string(),
    };
    hover::patched_notes(&refs, fs, path, file, offset, &shown)
}
