//! `kref search`: ranked full-text search with highlighted snippets, for people and for scripts.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;
use kref_corpus::Origin;
use kref_index::Query;

use super::NotesArgs;
use super::index::{ProgressBar, open_for_search};
use super::output::{DIM, MATCH, Outcome, PATH, TITLE, print_json};
use crate::analysis::views::{HitView, SearchView};

/// `--source` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceFilter {
    Builtin,
    User,
}

/// Arguments of `kref search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// What to look for: words, a phrase in "quotes", a field name like maxSurge.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// How many results to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Print results as JSON (stable format, see README).
    #[arg(long)]
    pub json: bool,
    /// Only results about this kind (case-insensitive): Deployment, CronJob, ...
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Only results from the built-in notes or from yours.
    #[arg(long, value_enum)]
    pub source: Option<SourceFilter>,
    #[command(flatten)]
    pub notes: NotesArgs,
}

pub fn run(args: &SearchArgs) -> Result<Outcome> {
    let mut trace = Trace::from_env();
    let settings = args.notes.settings()?;
    trace.mark("settings");
    let index = open_for_search(&settings, &ProgressBar::for_stderr())?;
    trace.mark("open index");
    let query = Query {
        text: args.query.join(" "),
        limit: args.limit.max(1),
        kind: args.kind.clone(),
        origin: args.source.map(|s| match s {
            SourceFilter::Builtin => Origin::Builtin,
            SourceFilter::User => Origin::User,
        }),
        doc_type: None,
    };
    let hits = index.search(&query)?;
    // "Did you mean" only when nothing was found: it costs a few more searches.
    let suggestions = if hits.is_empty() { index.suggest(&query.text)? } else { Vec::new() };
    trace.mark("search");
    let view = SearchView::new(&query.text, &hits, &suggestions);
    if args.json {
        print_json(&view)?;
    } else {
        print_human(&view)?;
    }
    trace.mark("print");
    if hits.is_empty() {
        if !args.json {
            let mut err = anstream::stderr();
            let _ = writeln!(
                err,
                "no results for {:?}; try fewer or other words{}",
                query.text,
                if query.kind.is_some() || query.origin.is_some() { ", or drop --kind/--source" } else { "" }
            );
            if !suggestions.is_empty() {
                let list: Vec<String> = suggestions.iter().map(|s| format!("kref search {s}")).collect();
                let _ = writeln!(err, "did you mean: {}", list.join(" | "));
            }
        }
        return Ok(Outcome::NothingFound);
    }
    Ok(Outcome::Found)
}

fn print_human(view: &SearchView) -> Result<()> {
    let mut out = anstream::stdout().lock();
    let (answered, rest) = view.answer_first();
    if let Some((a, hit)) = answered {
        // The answer first, with its one-line summary; then the rest of the list.
        writeln!(out, "{TITLE}Answer: {}{TITLE:#}{DIM}{}{DIM:#}", a.title, origin_tag(hit))?;
        if !a.summary.is_empty() {
            writeln!(out, "    {}", a.summary)?;
        }
        print_location(&mut out, hit)?;
        if view.results.len() > 1 {
            writeln!(out)?;
        }
    }
    for (n, hit) in rest.iter().enumerate() {
        writeln!(out, "{TITLE}{:>2}. {}{TITLE:#}{DIM}{}{DIM:#}", hit.rank, hit.title, origin_tag(hit))?;
        if !hit.breadcrumb.is_empty() && hit.breadcrumb != hit.title {
            writeln!(out, "    {DIM}{}{DIM:#}", hit.breadcrumb)?;
        }
        print_location(&mut out, hit)?;
        let snippet = highlighted(hit);
        if !snippet.trim().is_empty() {
            writeln!(out, "    {snippet}")?;
        }
        if n + 1 < rest.len() {
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn origin_tag(hit: &HitView) -> &'static str {
    if hit.source == Origin::User.as_str() { " [your notes]" } else { "" }
}

fn print_location(out: &mut impl Write, hit: &HitView) -> Result<()> {
    if hit.line > 0 {
        writeln!(out, "    {PATH}{}:{}{PATH:#}", hit.path, hit.line)?;
    } else {
        writeln!(out, "    {PATH}{}{PATH:#}", hit.path)?;
    }
    Ok(())
}

/// The snippet on one line with its matches styled.
fn highlighted(hit: &HitView) -> String {
    let mut out = String::new();
    for (text, matched) in hit.snippet_parts() {
        if matched {
            out.push_str(&format!("{MATCH}{text}{MATCH:#}"));
        } else {
            out.push_str(text);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `KREF_TRACE=1`: the time each step of a search took, on standard error (to see where a
/// process's time goes; see docs/BENCHMARKS.md).
struct Trace(Option<std::time::Instant>);

impl Trace {
    fn from_env() -> Trace {
        Trace(std::env::var_os("KREF_TRACE").filter(|v| !v.is_empty()).map(|_| std::time::Instant::now()))
    }

    fn mark(&mut self, step: &str) {
        if let Some(start) = &mut self.0 {
            let now = std::time::Instant::now();
            eprintln!("kref trace: {step}: {:.3} ms", (now - *start).as_secs_f64() * 1000.0);
            *start = now;
        }
    }
}
