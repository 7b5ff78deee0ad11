//! The search view: ranked hits with snippets, the answer shown first, "did you mean".

use kref_index::{DocType, Hit, answer};
use serde::{Deserialize, Serialize};

/// What `kref search --json` prints and `kref/search` answers. Stable: fields are only added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchView {
    pub query: String,
    pub results: Vec<HitView>,
    /// The best result with a one-line summary when the top results agree on one kind or
    /// field, else `null`.
    pub answer: Option<AnswerView>,
    /// Other inputs that find something, when this one found nothing.
    pub did_you_mean: Vec<String>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitView {
    /// 1-based position in `results`.
    pub rank: usize,
    /// Pass it to `kref show` (or `/show/ID`).
    pub id: String,
    /// `section`, `entry` or `schema`.
    #[serde(rename = "type")]
    pub doc_type: DocType,
    /// `builtin` or `user`.
    pub source: String,
    pub title: String,
    pub breadcrumb: String,
    /// The note's path (`builtin:...` for the built-in corpus, `schema:...` for the schema).
    pub path: String,
    /// 1-based line in `path` (0 for schema results).
    pub line: u32,
    pub kinds: Vec<String>,
    /// Relevance, comparable only within one result list.
    pub score: f64,
    pub snippet: String,
    /// Byte ranges `[start, end)` of the matched words in `snippet`.
    pub highlights: Vec<[usize; 2]>,
    /// The first sentence of the result's text.
    pub summary: String,
    /// A schema field's allowed values.
    pub values: Vec<String>,
}

/// The result shown first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerView {
    /// Its `rank` in `results`.
    pub rank: usize,
    pub id: String,
    pub title: String,
    /// `CronJob › concurrencyPolicy`.
    pub subject: String,
    pub kind: String,
    pub field: Option<String>,
    pub summary: String,
    pub values: Vec<String>,
}

impl SearchView {
    /// The view of a search for `query` that returned `hits` (and, when it found nothing, these
    /// `suggestions`).
    pub fn new(query: &str, hits: &[Hit], suggestions: &[String]) -> SearchView {
        let answer = answer(hits).map(|a| AnswerView {
            rank: a.hit + 1,
            id: hits[a.hit].id.clone(),
            title: a.title.clone(),
            subject: a.subject.display(),
            kind: a.subject.kind.clone(),
            field: a.subject.field.clone(),
            summary: a.summary,
            values: a.values,
        });
        SearchView {
            query: query.to_string(),
            results: hits.iter().enumerate().map(|(i, h)| HitView::new(i + 1, h)).collect(),
            answer,
            did_you_mean: suggestions.to_vec(),
        }
    }

    /// The results in the order people read them: the answer first, then the rest by rank.
    pub fn answer_first(&self) -> (Option<(&AnswerView, &HitView)>, Vec<&HitView>) {
        let answer =
            self.answer.as_ref().and_then(|a| self.results.iter().find(|h| h.rank == a.rank).map(|h| (a, h)));
        let rest = self.results.iter().filter(|h| answer.is_none_or(|(a, _)| a.rank != h.rank)).collect();
        (answer, rest)
    }
}

impl HitView {
    fn new(rank: usize, h: &Hit) -> HitView {
        HitView {
            rank,
            id: h.id.clone(),
            doc_type: h.doc_type,
            source: h.origin.as_str().to_string(),
            title: h.title.clone(),
            breadcrumb: h.breadcrumb.clone(),
            path: h.file.clone(),
            line: h.line,
            kinds: h.kinds.clone(),
            score: f64::from(h.score),
            snippet: h.snippet.text.clone(),
            highlights: h.snippet.highlights.iter().map(|r| [r.start, r.end]).collect(),
            summary: h.summary.clone(),
            values: h.values.clone(),
        }
    }

    /// The snippet cut into plain and matched pieces (`true` = matched), skipping ranges that are
    /// out of order, out of bounds or not on character boundaries.
    pub fn snippet_parts(&self) -> Vec<(&str, bool)> {
        let text = self.snippet.as_str();
        let mut out = Vec::new();
        let mut pos = 0;
        for &[start, end] in &self.highlights {
            if start < pos
                || end > text.len()
                || start > end
                || !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
            {
                continue;
            }
            if start > pos {
                out.push((&text[pos..start], false));
            }
            if end > start {
                out.push((&text[start..end], true));
            }
            pos = end;
        }
        if pos < text.len() {
            out.push((&text[pos..], false));
        }
        out
    }
}
