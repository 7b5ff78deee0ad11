//! `kref export --format ndjson`: every search document as one JSON object per line, for loading
//! the same knowledge into a distributed search engine (docs/scale.md).

use std::collections::HashSet;
use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;

use super::NotesArgs;
use super::output::{Outcome, warn};
use crate::analysis::views::ExportDoc;
use crate::kb::config::cache_dir;
use crate::kb::documents::for_each_source;

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line: id, type, title, breadcrumb, kinds, text, source, path, line,
    /// tags, aliases, prior.
    Ndjson,
}

/// Arguments of `kref export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
    pub format: ExportFormat,
    #[command(flatten)]
    pub notes: NotesArgs,
}

pub fn run(args: &ExportArgs) -> Result<Outcome> {
    let settings = args.notes.settings()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut count = 0usize;
    // The schema documents of a field that several API versions of a kind share carry the same
    // id (and title): one of them is written, so that `id` can be the document's key.
    let mut seen: HashSet<String> = HashSet::new();
    let warnings = for_each_source(&cache_dir(), &settings.notes, |docs| {
        for doc in &docs {
            if !seen.insert(doc.id.clone()) {
                continue;
            }
            serde_json::to_writer(&mut out, &ExportDoc::new(doc))?;
            out.write_all(b"\n")?;
            count += 1;
        }
        Ok(())
    })?;
    out.flush()?;
    for w in warnings {
        warn(&w);
    }
    Ok(if count == 0 { Outcome::NothingFound } else { Outcome::Found })
}
