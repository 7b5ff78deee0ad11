//! `kref search`: ranked full-text search with highlighted snippets, for people and for scripts.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;
use kref_corpus::Origin;
use kref_index::{Hit, Query};
use serde_json::json;

use super::NotesArgs;
use super::index::{ProgressBar, open_for_search};
use super::output::{DIM, MATCH, Outcome, PATH, TITLE, print_json};

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
    let settings = args.notes.settings()?;
    let index = open_for_search(&settings, &ProgressBar::for_stderr())?;
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
    if args.json {
        print_json(&hits_json(&query.text, &hits))?;
    } else {
        print_human(&hits)?;
    }
    if hits.is_empty() {
        if !args.json {
            let mut err = anstream::stderr();
            let _ = writeln!(
                err,
                "no results for {:?}; try fewer or other words{}",
                query.text,
                if query.kind.is_some() || query.origin.is_some() { ", or drop --kind/--source" } else { "" }
            );
        }
        return Ok(Outcome::NothingFound);
    }
    Ok(Outcome::Found)
}

/// The `--json` shape. Stable: fields are only ever added.
pub fn hits_json(query: &str, hits: &[Hit]) -> serde_json::Value {
    json!({
        "query": query,
        "results": hits.iter().enumerate().map(|(i, h)| json!({
            "rank": i + 1,
            "id": h.id,
            "type": format!("{:?}", h.doc_type).to_lowercase(),
            "source": h.origin.as_str(),
            "title": h.title,
            "breadcrumb": h.breadcrumb,
            "path": h.file,
            "line": h.line,
            "kinds": h.kinds,
            "score": h.score,
            "snippet": h.snippet.text,
            "highlights": h.snippet.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn print_human(hits: &[Hit]) -> Result<()> {
    let mut out = anstream::stdout().lock();
    for (i, hit) in hits.iter().enumerate() {
        let tag = match hit.origin {
            Origin::User => " [your notes]",
            Origin::Builtin => "",
        };
        writeln!(out, "{TITLE}{:>2}. {}{TITLE:#}{DIM}{tag}{DIM:#}", i + 1, hit.title)?;
        if !hit.breadcrumb.is_empty() && hit.breadcrumb != hit.title {
            writeln!(out, "    {DIM}{}{DIM:#}", hit.breadcrumb)?;
        }
        if hit.line > 0 {
            writeln!(out, "    {PATH}{}:{}{PATH:#}", hit.file, hit.line)?;
        } else {
            writeln!(out, "    {PATH}{}{PATH:#}", hit.file)?;
        }
        let snippet = highlighted(&hit.snippet.text, &hit.snippet.highlights);
        if !snippet.trim().is_empty() {
            writeln!(out, "    {snippet}")?;
        }
        if i + 1 < hits.len() {
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The snippet on one line with its matches styled.
fn highlighted(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::new();
    let mut pos = 0;
    for r in ranges {
        if r.start < pos
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&text[pos..r.start]);
        out.push_str(&format!("{MATCH}{}{MATCH:#}", &text[r.start..r.end]));
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
