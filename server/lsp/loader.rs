//! Building the knowledge base for the server, off the request path: settings, schema (built-in,
//! stored imports and `schemas:` files) and notes first, then the search index, which may need
//! building.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use kref_corpus::Note;
use kref_index::SearchIndex;

use crate::analysis::Knowledge;
use crate::kb::config::{Overrides, Settings, cache_dir, load_settings};
use crate::kb::kube_version;
use crate::kb::schemas::load_schema;
use crate::kb::store::{NoProgress, Refresh, load_notes, open_index};

/// The knowledge the server answers from, with what it was built from.
pub struct Loaded {
    pub knowledge: Arc<Knowledge>,
    /// Every note, built-in first (for `kref/show`).
    pub notes: Arc<Vec<Note>>,
    pub settings: Settings,
}

/// Settings, schema and notes: everything but the search index. Never fails: a broken config file
/// or schema file is a warning, and the rest still loads.
pub fn load_base(overrides: &Overrides) -> (Loaded, Vec<String>) {
    let started = Instant::now();
    let mut warnings = Vec::new();
    let settings = match load_settings(overrides) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!("{e:#}; using the editor's settings only"));
            Settings {
                notes: overrides.notes.clone(),
                schemas: overrides.schemas.clone(),
                kubernetes_version: overrides.kubernetes_version.clone(),
                units: Vec::new(),
                sources: Vec::new(),
            }
        }
    };
    let (schema, schema_warnings) = load_schema(&cache_dir(), &settings.schemas);
    warnings.extend(schema_warnings);
    let (notes, note_warnings) = load_notes(&settings.notes);
    warnings.extend(note_warnings);
    let kube_version = kube_version(&settings, &mut warnings);
    let knowledge = Arc::new(Knowledge::new(schema, &notes, None, kube_version));
    tracing::info!(
        "knowledge loaded in {:.1} ms: {} kinds, {} notes ({} note folders, {} schema files)",
        started.elapsed().as_secs_f64() * 1000.0,
        knowledge.schema.kind_count(),
        notes.len(),
        settings.notes.len(),
        settings.schemas.len()
    );
    (Loaded { knowledge, notes: Arc::new(notes), settings }, warnings)
}

/// Opens (building or refreshing if needed) the search index of these note folders.
pub fn load_search(notes: &[PathBuf]) -> anyhow::Result<(SearchIndex, Vec<String>)> {
    let started = Instant::now();
    let (index, report) = open_index(&cache_dir(), notes, Refresh::Quick, &NoProgress)?;
    tracing::info!(
        "search index ready in {:.1} ms ({} files{})",
        started.elapsed().as_secs_f64() * 1000.0,
        report.files,
        report.rebuilt.as_deref().map(|r| format!(", rebuilt: {r}")).unwrap_or_default()
    );
    Ok((index, report.warnings))
}
