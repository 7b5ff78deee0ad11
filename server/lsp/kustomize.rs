//! The editor's view of Kustomize overlays: the disk with the open documents over it, the
//! findings of each overlay a file is built into (shown on that file, base files included),
//! hover on a JSON 6902 patch file's paths, and what overlays do to a hovered field. The IO
//! (reading the disk) happens here; the features are `crate::analysis::kustomize`'s.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kref_yaml::File;

use super::documents::Documents;
use super::workspace;
use crate::analysis::Knowledge;
use crate::analysis::diagnostics::{Diagnostic, RuleConfig};
use crate::analysis::kustomize::{build, hover, json6902, rendered};
use crate::kb::disk::DiskFs;

/// Overlays built, kept until an open document or a watched file changes (hover in a base file
/// and each diagnostics run would otherwise build the overlay again).
#[derive(Default)]
pub struct Builds {
    /// Bumped on every watched-file event.
    disk: AtomicU64,
    kept: Mutex<HashMap<String, (u64, Arc<build::Build>)>>,
}

impl Builds {
    /// Files changed on disk: every build is stale.
    pub fn disk_changed(&self) {
        self.disk.fetch_add(1, Ordering::SeqCst);
    }

    /// What the builds depend on: the disk's generation and each open document's version.
    fn stamp(&self, docs: &Documents) -> u64 {
        let mut versions: Vec<(String, i32)> =
            docs.snapshots().into_iter().map(|s| (s.uri, s.version)).collect();
        versions.sort();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.disk.load(Ordering::SeqCst).hash(&mut h);
        versions.hash(&mut h);
        h.finish()
    }

    /// The build of each overlay (kustomization file), from the cache when nothing changed.
    pub fn get(
        &self,
        overlays: &[String],
        docs: &Documents,
        fs: &DiskFs,
    ) -> Vec<(String, Arc<build::Build>)> {
        let stamp = self.stamp(docs);
        overlays
            .iter()
            .map(|k| {
                if let Ok(kept) = self.kept.lock()
                    && let Some((s, b)) = kept.get(k)
                    && *s == stamp
                {
                    return (k.clone(), b.clone());
                }
                let b = Arc::new(build::build(fs, Path::new(k)));
                if let Ok(mut kept) = self.kept.lock() {
                    kept.retain(|_, (s, _)| *s == stamp);
                    kept.insert(k.clone(), (stamp, b.clone()));
                }
                (k.clone(), b)
            })
            .collect()
    }
}

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
    docs: &Documents,
    builds: &Builds,
    kb: &Knowledge,
    config: &RuleConfig,
) -> Vec<Diagnostic> {
    let path = Path::new(key);
    if overlays.is_empty() || !path.is_absolute() {
        return Vec::new();
    }
    let fs = disk_fs(docs);
    let built = builds.get(overlays, docs, &fs);
    let refs: Vec<(&Path, &build::Build)> =
        built.iter().map(|(k, b)| (Path::new(k.as_str()), b.as_ref())).collect();
    rendered::findings_in(&refs, path, &fs, kb, config)
}

/// Hover on a `path` or `from` of a JSON 6902 patch file: the field of each target it names.
pub fn patch_file_hover(
    key: &str,
    file: &File,
    offset: usize,
    docs: &Documents,
    kb: &Knowledge,
) -> Option<crate::analysis::Hover> {
    let path = Path::new(key);
    if !path.is_absolute() || !json6902::is_operations(file) {
        return None;
    }
    let fs = &disk_fs(docs);
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
    docs: &Documents,
    builds: &Builds,
    roots: &[PathBuf],
) -> Vec<String> {
    let path = Path::new(key);
    if overlays.is_empty() || !path.is_absolute() || !hover::in_named_object(file, offset) {
        return Vec::new();
    }
    let fs = &disk_fs(docs);
    let built = builds.get(overlays, docs, fs);
    let refs: Vec<&build::Build> =
        built.iter().map(|(_, b)| b.as_ref()).filter(|b| b.problems.is_empty()).collect();
    let shown = |p: &Path| match workspace::root_of(roots, p) {
        Some(root) => p.strip_prefix(root).unwrap_or(p).display().to_string(),
        None => p.display().to_string(),
    };
    hover::patched_notes(&refs, fs, path, file, offset, &shown)
}
