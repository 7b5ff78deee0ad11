//! Imported schemas on disk: `kref import` stores each as a compact file in the cache folder, and
//! every command loads them (plus `schemas:` from the config) over the built-in schema.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use kref_corpus::schema::{Schema, SchemaSource, import};

/// The folder of stored imports: `<cache>/schemas`.
pub fn store_dir(cache: &Path) -> PathBuf {
    cache.join("schemas")
}

/// Extension of stored imports.
const EXT: &str = "kschema";

/// A stored import, by the name it was given.
#[derive(Debug, Clone)]
pub struct Stored {
    pub name: String,
    pub path: PathBuf,
    pub kinds: usize,
}

fn file_name_for(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let hash = &blake3::hash(name.as_bytes()).to_hex()[..8];
    format!("{safe}-{hash}.{EXT}")
}

/// Reads one OpenAPI or CRD file into a schema source named after the file.
pub fn read_schema_file(path: &Path) -> Result<SchemaSource> {
    let bytes = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let name =
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    import(&name, &bytes).with_context(|| format!("could not import {}", path.display()))
}

/// Stores an import atomically (temporary file, then rename), replacing one of the same name.
pub fn store(cache: &Path, source: &SchemaSource) -> Result<PathBuf> {
    let dir = store_dir(cache);
    super::store::create_private_dir(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let target = dir.join(file_name_for(&source.name));
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("could not write in {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, &source.to_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("could not store {}", target.display()))?;
    Ok(target)
}

/// Lists stored imports, sorted by name; unreadable ones come back as warnings.
pub fn list(cache: &Path) -> (Vec<(Stored, SchemaSource)>, Vec<String>) {
    let dir = store_dir(cache);
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else { return (out, warnings) };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some(EXT) {
            continue;
        }
        match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| SchemaSource::from_bytes(&b).map_err(|e| e.to_string()))
        {
            Ok(source) => {
                out.push((Stored { name: source.name.clone(), path, kinds: source.kinds.len() }, source))
            }
            Err(e) => warnings.push(format!(
                "ignored the stored schema {} ({e}); run `kref import` on its source again",
                path.display()
            )),
        }
    }
    out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    (out, warnings)
}

/// Removes the stored import with this name; returns whether there was one.
pub fn remove(cache: &Path, name: &str) -> Result<bool> {
    let path = store_dir(cache).join(file_name_for(name));
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("could not remove {}", path.display())),
    }
}

/// `schema` with the CustomResourceDefinitions of manifests laid over it: `(name, text)` of
/// files that hold at least one CRD. A file that does not import is a warning and changes
/// nothing.
pub fn with_crds(schema: Arc<Schema>, files: &[(&str, &str)]) -> (Arc<Schema>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut overlaid: Option<Schema> = None;
    for (name, text) in files {
        match kref_corpus::schema::import_crds(name, text.as_bytes()) {
            Ok(source) => overlaid = Some(overlaid.as_ref().unwrap_or(&schema).with_overlay(&source)),
            Err(e) => {
                warnings.push(format!("{name}: its CustomResourceDefinitions are not used as schemas: {e}"))
            }
        }
    }
    (overlaid.map_or(schema, Arc::new), warnings)
}

/// The built-in schema with stored imports and the config's `schemas:` files laid over it
/// (later ones win). Problems are warnings: a bad import never hides the built-in schema.
pub fn load_schema(cache: &Path, config_schemas: &[PathBuf]) -> (Arc<Schema>, Vec<String>) {
    let (stored, mut warnings) = list(cache);
    let mut sources: Vec<SchemaSource> = stored.into_iter().map(|(_, s)| s).collect();
    for path in config_schemas {
        match read_schema_file(path) {
            Ok(source) => sources.push(source),
            Err(e) => warnings.push(format!("{e:#}")),
        }
    }
    if sources.is_empty() {
        return (Arc::new(Schema::builtin().clone()), warnings);
    }
    let mut schema = Schema::builtin().clone();
    for source in &sources {
        schema = schema.with_overlay(source);
    }
    (Arc::new(schema), warnings)
}
