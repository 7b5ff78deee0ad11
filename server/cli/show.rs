//! `kref show`: print a whole note section, found by id, by title, or failing those by search.

use std::io::Write;

use anyhow::Result;
use kref_corpus::{Note, Section};
use serde_json::json;

use super::NotesArgs;
use super::output::{DIM, Outcome, PATH, print_json};
use super::render::render_markdown;
use crate::analysis::schema_doc::schema_section;
use crate::kb::store::load_notes;

/// Arguments of `kref show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A section id (as `kref search --json` prints it) or a title.
    #[arg(required = true, num_args = 1..)]
    pub target: Vec<String>,
    /// Print the section as JSON (id, title, path, lines, markdown).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub notes: NotesArgs,
}

/// Finds a section: exact id, an entry id (`kind:X@path:line`) or a note path, then exact title
/// (case-insensitive, the user's notes first), then an id that ends with the target.
pub fn find_section<'a>(notes: &'a [Note], target: &str) -> Option<(&'a Note, &'a Section)> {
    let target = target.trim();
    // Every id ends with "": an empty target would show an arbitrary section.
    if target.is_empty() {
        return None;
    }
    let by_location = |path: &str, line: Option<u32>| {
        let note = notes.iter().find(|n| n.path == path)?;
        let section = match line {
            Some(line) => note.sections.iter().rev().find(|s| s.line_start <= line)?,
            None => note.sections.first()?,
        };
        Some((note, section))
    };
    if let Some((_, location)) = target.split_once('@')
        && let Some((path, line)) = location.rsplit_once(':')
        && let Ok(line) = line.parse::<u32>()
        && let Some(found) = by_location(path, Some(line))
    {
        return Some(found);
    }
    if let Some(found) = by_location(target, None) {
        return Some(found);
    }
    let all = || {
        // The user's notes come after the built-in ones in `notes`; prefer them for titles.
        notes.iter().rev().flat_map(|n| n.sections.iter().map(move |s| (n, s)))
    };
    all()
        .find(|(_, s)| s.id == target)
        .or_else(|| all().find(|(_, s)| s.title.eq_ignore_ascii_case(target)))
        .or_else(|| all().find(|(_, s)| s.title.trim_matches('`').eq_ignore_ascii_case(target)))
        .or_else(|| all().find(|(_, s)| s.id.ends_with(target)))
}

/// A section as `kref show --json` prints it (and `kref/show` answers).
pub fn section_json(note: &Note, section: &Section) -> serde_json::Value {
    json!({
        "id": section.id,
        "title": section.title,
        "breadcrumb": section.heading_path.join(" › "),
        "source": note.origin.as_str(),
        "path": note.path,
        "line_start": section.line_start,
        "line_end": section.line_end,
        "kinds": section.kinds,
        "markdown": section.markdown,
    })
}

/// A schema search result in the same shape as [`section_json`].
pub fn schema_json(schema: &kref_corpus::Schema, id: &str) -> Option<serde_json::Value> {
    let section = schema_section(schema, id)?;
    Some(json!({
        "id": id,
        "title": section.title,
        "breadcrumb": section.source,
        "source": if section.builtin { "builtin" } else { "user" },
        "path": id,
        "line_start": 0,
        "line_end": 0,
        "kinds": [section.kind],
        "markdown": section.markdown,
    }))
}

/// `kref show` of a schema search result (its id starts with `schema:`).
fn show_schema(settings: &crate::kb::config::Settings, id: &str, json: bool) -> Result<Outcome> {
    let (schema, warnings) =
        crate::kb::schemas::load_schema(&crate::kb::config::cache_dir(), &settings.schemas);
    for w in warnings {
        super::output::warn(&w);
    }
    let Some(section) = schema_section(&schema, id) else {
        let mut err = anstream::stderr();
        let _ = writeln!(
            err,
            "no kind or field with the id {id:?}; find one with `kref search` or `kref explain`"
        );
        return Ok(Outcome::NothingFound);
    };
    if json {
        print_json(&schema_json(&schema, id).unwrap_or_default())?;
        return Ok(Outcome::Found);
    }
    let mut out = anstream::stdout().lock();
    out.write_all(render_markdown(&section.markdown).as_bytes())?;
    out.flush()?;
    Ok(Outcome::Found)
}

pub fn run(args: &ShowArgs) -> Result<Outcome> {
    let settings = args.notes.settings()?;
    let target = args.target.join(" ");
    if target.starts_with("schema:") {
        return show_schema(&settings, &target, args.json);
    }
    let (notes, warnings) = load_notes(&settings.notes);
    for w in warnings {
        super::output::warn(&w);
    }
    let Some((note, section)) = find_section(&notes, &target) else {
        let mut err = anstream::stderr();
        let _ = writeln!(
            err,
            "no section with the id or title {target:?}; find one with `kref search {target}` and pass its id"
        );
        return Ok(Outcome::NothingFound);
    };
    if args.json {
        print_json(&section_json(note, section))?;
        return Ok(Outcome::Found);
    }
    let mut out = anstream::stdout().lock();
    writeln!(out, "{PATH}{}:{}-{}{PATH:#}", note.path, section.line_start, section.line_end)?;
    if section.heading_path.len() > 1 {
        writeln!(out, "{DIM}{}{DIM:#}", section.heading_path.join(" › "))?;
    }
    writeln!(out)?;
    out.write_all(render_markdown(&section.markdown).as_bytes())?;
    out.flush()?;
    Ok(Outcome::Found)
}
