//! The knowledge base on disk: settings, the user's note folders and the search index cache.
//!
//! This is the IO layer shared by the CLI and the language server; the corpus and index crates
//! below it receive plain data and paths.

pub mod charts;
pub mod config;
pub mod disk;
pub mod documents;
pub mod manifests;
pub mod schemas;
pub mod sources;
pub mod store;

use std::sync::Arc;

use kref_corpus::schema::{BUILTIN_KUBERNETES_VERSION, KubeVersion};

use crate::analysis::knowledge::Knowledge;
use config::{Settings, cache_dir};

/// The target Kubernetes version: the settings' `kubernetesVersion`, else the built-in schema's.
/// An unreadable version is reported and the default used.
pub fn kube_version(settings: &Settings, warnings: &mut Vec<String>) -> KubeVersion {
    let default = KubeVersion::parse(BUILTIN_KUBERNETES_VERSION).unwrap_or(KubeVersion::new(1, 37));
    match settings.kubernetes_version.as_deref() {
        None => default,
        Some(text) => KubeVersion::parse(text).unwrap_or_else(|| {
            warnings.push(format!(
                "kubernetesVersion {text:?} is not a version like \"1.33\"; using {BUILTIN_KUBERNETES_VERSION}"
            ));
            default
        }),
    }
}

/// Loads everything the features read: the schema with imports, every note's entries, and
/// (when `search` is given) the search index. Problems come back as warnings.
pub fn load_knowledge(
    settings: &Settings,
    search: Option<Arc<kref_index::SearchIndex>>,
) -> (Knowledge, Vec<String>) {
    let (schema, mut warnings) = schemas::load_schema(&cache_dir(), &settings.schemas);
    let (notes, note_warnings) = store::load_notes(&settings.notes);
    warnings.extend(note_warnings);
    let version = kube_version(settings, &mut warnings);
    (Knowledge::new(schema, &notes, search, version), warnings)
}
