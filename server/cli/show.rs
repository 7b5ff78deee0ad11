//! `kref show`: print a whole note section, found by id, by title, or failing those by search.

use std::io::Write;

use anyhow::Result;

use super::NotesArgs;
use super::output::{DIM, Outcome, PATH, print_json};
use super::render::render_markdown;
use crate::analysis::views::{SectionView, find_section};
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

/// `kref show` of a schema search result (its id starts with `schema:`).
fn show_schema(settings: &crate::kb::config::Settings, id: &str, json: bool) -> Result<Outcome> {
    let (schema, warnings) =
        crate::kb::schemas::load_schema(&crate::kb::config::cache_dir(), &settings.schemas);
    for w in warnings {
        super::output::warn(&w);
    }
    let Some(view) = SectionView::of_schema(&schema, id) else {
        let mut err = anstream::stderr();
        let _ = writeln!(
            err,
            "no kind or field with the id {id:?}; find one with `kref search` or `kref explain`"
        );
        return Ok(Outcome::NothingFound);
    };
    if json {
        print_json(&view)?;
        return Ok(Outcome::Found);
    }
    let mut out = anstream::stdout().lock();
    out.write_all(render_markdown(&view.markdown).as_bytes())?;
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
    let Some(view) = find_section(&notes, &target).map(|(note, section)| SectionView::of_note(note, section))
    else {
        let mut err = anstream::stderr();
        let _ = writeln!(
            err,
            "no section with the id or title {target:?}; find one with `kref search {target}` and pass its id"
        );
        return Ok(Outcome::NothingFound);
    };
    if args.json {
        print_json(&view)?;
        return Ok(Outcome::Found);
    }
    let mut out = anstream::stdout().lock();
    writeln!(out, "{PATH}{}:{}-{}{PATH:#}", view.path, view.line_start, view.line_end)?;
    if !view.breadcrumb.is_empty() && view.breadcrumb != view.title {
        writeln!(out, "{DIM}{}{DIM:#}", view.breadcrumb)?;
    }
    writeln!(out)?;
    out.write_all(render_markdown(&view.markdown).as_bytes())?;
    out.flush()?;
    Ok(Outcome::Found)
}
