//! `kref index`: build or refresh the on-disk index, with a progress bar when there is real work.

use std::io::Write;

use anyhow::Result;
use kref_index::SearchIndex;

use super::output::{BOLD, Outcome, PATH, warn};
use super::{NotesArgs, stderr_is_tty};
use crate::analysis::notes_check::check_notes;
use crate::kb::config::{Settings, cache_dir};
use crate::kb::store::{self, Progress, Refresh, Report};

/// Arguments of `kref index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Throw the index away and build it again.
    #[arg(long)]
    pub rebuild: bool,
    /// Check your notes against the schema: report entries naming no known kind, field or value,
    /// with the closest match (exit 1 when there are problems).
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub notes: NotesArgs,
}

/// A progress bar on stderr, shown only on a terminal and only for real work.
pub struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
}

impl ProgressBar {
    /// A bar that draws on stderr when it is a terminal, and stays silent otherwise.
    pub fn for_stderr() -> Self {
        ProgressBar { bar: stderr_is_tty().then(indicatif::ProgressBar::hidden) }
    }
}

/// Below this many files the work is too quick to be worth a bar.
const BAR_MIN_FILES: u64 = 200;

impl Progress for ProgressBar {
    fn start(&self, total: u64) {
        if let Some(bar) = &self.bar
            && total >= BAR_MIN_FILES
        {
            bar.set_length(total);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("indexing notes {bar:30} {pos}/{len} files")
            {
                bar.set_style(style);
            }
        }
    }
    fn advance(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn report_warnings(report: &Report) {
    if let Some(reason) = &report.rebuilt
        && reason != "a rebuild was asked for"
    {
        warn(&format!("rebuilt the search index because {reason}"));
    }
    for w in &report.warnings {
        warn(w);
    }
}

/// Opens the index for a search: refreshed cheaply, problems reported as warnings.
pub fn open_for_search(settings: &Settings, progress: &dyn Progress) -> Result<SearchIndex> {
    let (index, report) = store::open_index(&cache_dir(), &settings.notes, Refresh::Quick, progress)?;
    report_warnings(&report);
    Ok(index)
}

/// `kref index --check`: the user's note entries checked against the schema.
fn check(settings: &Settings) -> Result<Outcome> {
    let (kb, warnings) = crate::kb::load_knowledge(settings, None);
    for w in warnings {
        warn(&w);
    }
    let problems = check_notes(&kb, |e| e.origin == kref_corpus::Origin::User);
    let mut out = anstream::stdout().lock();
    for p in &problems {
        writeln!(out, "{PATH}{}:{}{PATH:#}: {BOLD}{}{BOLD:#}: {}", p.path, p.line, p.subject, p.message)?;
    }
    if problems.is_empty() {
        writeln!(out, "your notes match the schema")?;
        return Ok(Outcome::Found);
    }
    writeln!(out, "{} entries name no known kind, field or value", problems.len())?;
    Ok(Outcome::NothingFound)
}

pub fn run(args: &IndexArgs) -> Result<Outcome> {
    let settings = args.notes.settings()?;
    if args.check {
        return check(&settings);
    }
    let mode = if args.rebuild { Refresh::Rebuild } else { Refresh::Full };
    let cache = cache_dir();
    let (index, report) = store::open_index(&cache, &settings.notes, mode, &ProgressBar::for_stderr())?;
    report_warnings(&report);
    let mut out = anstream::stdout().lock();
    let location = if report.in_memory {
        "in memory only".to_string()
    } else {
        store::index_dir(&cache, &settings.notes).display().to_string()
    };
    if report.changed_anything() {
        writeln!(
            out,
            "{BOLD}indexed{BOLD:#} {} files ({} added, {} changed, {} removed), {} documents, at {location}",
            report.files,
            report.added,
            report.changed,
            report.removed,
            index.doc_count()
        )?;
    } else {
        writeln!(
            out,
            "index up to date: {} files, {} documents, at {location}",
            report.files,
            index.doc_count()
        )?;
    }
    Ok(Outcome::Found)
}
