//! `kref search`: ranked full-text search with highlighted snippets, for people and for scripts.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;
use kref_corpus::Origin;
use kref_index::{Hit, Query, answer};
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
    // "Did you mean" only when nothing was found: it costs a few more searches.
    let suggestions = if hits.is_empty() { index.suggest(&query.text)? } else { Vec::new() };
    if args.json {
        print_json(&results_json(&query.text, &hits, &suggestions))?;
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
            if !suggestions.is_empty() {
                let list: Vec<String> = suggestions.iter().map(|s| format!("kref search {s}")).collect();
                let _ = writeln!(err, "did you mean: {}", list.join(" | "));
            }
        }
        return Ok(Outcome::NothingFound);
    }
    Ok(Outcome::Found)
}

/// The `--json` shape (and the `kref/search` answer). Stable: fields are only ever added.
///
/// `answer` is the best result with a one-line summary when the top results agree on one kind
/// or field (else `null`); `did_you_mean` lists other inputs that find something when this one
/// found nothing.
pub fn results_json(query: &str, hits: &[Hit], suggestions: &[String]) -> serde_json::Value {
    let mut value = hits_json(query, hits);
    if let Some(object) = value.as_object_mut() {
        object.insert("answer".into(), answer_json(hits));
        object.insert("did_you_mean".into(), json!(suggestions));
    }
    value
}

fn answer_json(hits: &[Hit]) -> serde_json::Value {
    match answer(hits) {
        Some(a) => json!({
            "rank": a.hit + 1,
            "id": hits[a.hit].id,
            "title": a.title,
            "subject": a.subject.display(),
            "kind": a.subject.kind,
            "field": a.subject.field,
            "summary": a.summary,
            "values": a.values,
        }),
        None => serde_json::Value::Null,
    }
}

/// The list part of [`results_json`].
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
            "summary": h.summary,
            "values": h.values,
        })).collect::<Vec<_>>(),
    })
}

fn print_human(hits: &[Hit]) -> Result<()> {
    let mut out = anstream::stdout().lock();
    let answered = answer(hits);
    if let Some(a) = &answered {
        // The answer first, with its one-line summary; then the rest of the list.
        let hit = &hits[a.hit];
        writeln!(out, "{TITLE}Answer: {}{TITLE:#}{DIM}{}{DIM:#}", a.title, origin_tag(hit))?;
        if !a.summary.is_empty() {
            writeln!(out, "    {}", a.summary)?;
        }
        print_location(&mut out, hit)?;
        if hits.len() > 1 {
            writeln!(out)?;
        }
    }
    let rest: Vec<(usize, &Hit)> =
        hits.iter().enumerate().filter(|(i, _)| answered.as_ref().is_none_or(|a| a.hit != *i)).collect();
    for (n, (i, hit)) in rest.iter().enumerate() {
        writeln!(out, "{TITLE}{:>2}. {}{TITLE:#}{DIM}{}{DIM:#}", i + 1, hit.title, origin_tag(hit))?;
        if !hit.breadcrumb.is_empty() && hit.breadcrumb != hit.title {
            writeln!(out, "    {DIM}{}{DIM:#}", hit.breadcrumb)?;
        }
        print_location(&mut out, hit)?;
        let snippet = highlighted(&hit.snippet.text, &hit.snippet.highlights);
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

fn origin_tag(hit: &Hit) -> &'static str {
    match hit.origin {
        Origin::User => " [your notes]",
        Origin::Builtin => "",
    }
}

fn print_location(out: &mut impl Write, hit: &Hit) -> Result<()> {
    if hit.line > 0 {
        writeln!(out, "    {PATH}{}:{}{PATH:#}", hit.file, hit.line)?;
    } else {
        writeln!(out, "    {PATH}{}{PATH:#}", hit.file)?;
    }
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
