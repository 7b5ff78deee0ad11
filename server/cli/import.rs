//! `kref import`: load OpenAPI documents and CRD manifests into the cache, beside the built-in schema.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::output::{BOLD, Outcome};
use crate::kb::config::cache_dir;
use crate::kb::schemas;

/// Arguments of `kref import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// OpenAPI v2/v3 documents (`kubectl get --raw /openapi/v2 > cluster.json`) and CRD manifests,
    /// or folders of them (.json, .yaml, .yml).
    pub paths: Vec<PathBuf>,
    /// List the stored imports.
    #[arg(long, conflicts_with = "paths")]
    pub list: bool,
    /// Remove a stored import by name (as `--list` shows it).
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
    pub remove: Option<String>,
}

fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(false)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file() && is_schema_file(e.path()))
                .map(|e| e.path().to_path_buf())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn is_schema_file(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml"))
}

pub fn run(args: &ImportArgs) -> Result<Outcome> {
    let cache = cache_dir();
    let mut out = anstream::stdout().lock();
    if args.list {
        let (stored, warnings) = schemas::list(&cache);
        for w in warnings {
            super::output::warn(&w);
        }
        if stored.is_empty() {
            writeln!(out, "no imported schemas; add one with `kref import FILE`")?;
            return Ok(Outcome::NothingFound);
        }
        for (s, _) in stored {
            writeln!(out, "{BOLD}{}{BOLD:#}: {} kinds ({})", s.name, s.kinds, s.path.display())?;
        }
        return Ok(Outcome::Found);
    }
    if let Some(name) = &args.remove {
        if schemas::remove(&cache, name)? {
            writeln!(out, "removed the imported schema {name}")?;
            return Ok(Outcome::Found);
        }
        bail!("no imported schema named {name:?}; see `kref import --list`");
    }
    if args.paths.is_empty() {
        bail!("name at least one OpenAPI document or CRD manifest: `kref import crds.yaml`");
    }
    let files = expand(&args.paths)?;
    if files.is_empty() {
        bail!("no .json, .yaml or .yml files found in the given folders");
    }
    // Read everything first: one bad file stores nothing.
    let mut sources = Vec::new();
    for file in &files {
        sources.push(schemas::read_schema_file(file)?);
    }
    for source in &sources {
        let path = schemas::store(&cache, source)?;
        let kinds: Vec<String> =
            source.kinds.iter().map(|k| format!("{}/{}", k.api_version(), k.kind)).collect();
        writeln!(out, "{BOLD}imported{BOLD:#} {}: {} kinds ({})", source.name, kinds.len(), path.display())?;
        for k in kinds.iter().take(20) {
            writeln!(out, "  {k}")?;
        }
        if kinds.len() > 20 {
            writeln!(out, "  ... and {} more", kinds.len() - 20)?;
        }
    }
    Ok(Outcome::Found)
}
