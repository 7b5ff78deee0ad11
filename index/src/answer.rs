//! Answers, not just hits: when the best results agree on one subject (a kind, or a field of a
//! kind), that subject's best document is the answer, with a one-line summary (the field's
//! allowed values, the first sentence of its text); and "did you mean" for input that finds
//! nothing.

use crate::doc::DocType;
use crate::search::Hit;

/// How many of the best hits are looked at to decide whether they agree on one subject.
const AGREEING_HITS: usize = 3;
/// Summaries are cut to about this many bytes, at a word boundary.
pub const SUMMARY_MAX_CHARS: usize = 200;

/// What a hit is about: a kind, or a field of a kind (by name, as in its last path segment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub kind: String,
    /// The field's name (`imagePullPolicy`), `None` for the kind itself.
    pub field: Option<String>,
}

impl Subject {
    /// `Pod › imagePullPolicy`, `Secret`.
    pub fn display(&self) -> String {
        match &self.field {
            Some(f) => format!("{} › {f}", self.kind),
            None => self.kind.clone(),
        }
    }
}

/// The answer to a search: one of its hits, with what makes it the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// Index of the answering hit in the result list.
    pub hit: usize,
    pub subject: Subject,
    /// The answering hit's title (`Deployment › strategy.type`, `CronJob.spec.concurrencyPolicy`).
    pub title: String,
    /// One line: the allowed values of a field (when the results name them) and the first
    /// sentence of the answer's text.
    pub summary: String,
    /// Allowed values of the field, when a schema result or the notes list them.
    pub values: Vec<String>,
}

/// The subject of an entry or schema hit; sections have none (they are about a topic, not one
/// field).
pub fn subject_of(hit: &Hit) -> Option<Subject> {
    match hit.doc_type {
        DocType::Section => None,
        DocType::Entry => {
            let key = hit.id.split_once('@').map_or(hit.id.as_str(), |(k, _)| k);
            if let Some(kind) = key.strip_prefix("kind:") {
                return Some(Subject { kind: kind.to_string(), field: None });
            }
            let (kind, path) = key
                .strip_prefix("field:")
                .or_else(|| key.strip_prefix("value:").map(|v| v.split_once('=').map_or(v, |(f, _)| f)))?
                .split_once('.')?;
            let field = path.rsplit('.').next().filter(|f| !f.is_empty() && *f != "*")?;
            Some(Subject { kind: kind.to_string(), field: Some(field.to_string()) })
        }
        DocType::Schema => {
            if let Some(rest) = hit.id.strip_prefix("schema:kind:") {
                let kind = rest.rsplit('/').next()?;
                return Some(Subject { kind: kind.to_string(), field: None });
            }
            let path = hit.id.strip_prefix("schema:field:")?;
            let (kind, rest) = path.split_once('.')?;
            let field = rest.rsplit('.').next()?.trim_end_matches("[]");
            Some(Subject { kind: kind.to_string(), field: Some(field.to_string()) })
        }
    }
}

/// The answer when the best hits agree: the first hit is an entry or schema document, and so
/// is at least one more of the first [`AGREEING_HITS`], all of them about the first one's kind
/// (its fields, or the kind itself). The answer is the first hit, about its own subject.
pub fn answer(hits: &[Hit]) -> Option<Answer> {
    let first = subject_of(hits.first()?)?;
    let top = &hits[..hits.len().min(AGREEING_HITS)];
    let subjects: Vec<Subject> = top.iter().filter_map(subject_of).collect();
    if subjects.len() < 2 || subjects.iter().any(|s| s.kind != first.kind) {
        return None;
    }
    let same: Vec<&Hit> = hits.iter().filter(|h| subject_of(h).as_ref() == Some(&first)).collect();
    let mut values: Vec<String> = Vec::new();
    if first.field.is_some() {
        for h in &same {
            for v in &h.values {
                if !values.contains(v) {
                    values.push(v.clone());
                }
            }
        }
        for h in hits.iter().filter(|h| h.doc_type == DocType::Entry && h.id.starts_with("value:")) {
            if subject_of(h).as_ref() == Some(&first)
                && let Some(v) = value_of(h)
                && !values.contains(&v)
            {
                values.push(v);
            }
        }
    }
    let sentence = &hits[0].summary;
    let summary = match (values.is_empty(), sentence.is_empty()) {
        (true, _) => sentence.clone(),
        (false, true) => format!("Allowed values: {}.", values.join(", ")),
        (false, false) => format!("Allowed values: {}. {sentence}", values.join(", ")),
    };
    let title = hits[0].title.clone();
    Some(Answer { hit: 0, subject: first, title, summary: clip(&summary, SUMMARY_MAX_CHARS), values })
}

fn value_of(hit: &Hit) -> Option<String> {
    let key = hit.id.split_once('@').map_or(hit.id.as_str(), |(k, _)| k);
    key.strip_prefix("value:")?.split_once('=').map(|(_, v)| v.to_string())
}

/// The first sentence of `text`, as one line without Markdown emphasis or code marks, starting
/// with a capital letter, cut to [`SUMMARY_MAX_CHARS`].
pub fn first_sentence(text: &str) -> String {
    let flat: String =
        text.split_whitespace().collect::<Vec<_>>().join(" ").replace("**", "").replace('`', "");
    let mut end = flat.len();
    for (i, _) in flat.match_indices(". ") {
        // "e.g. x" and "i.e. x" do not end a sentence.
        let before = &flat[..i];
        if before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with("etc") {
            continue;
        }
        end = i + 1;
        break;
    }
    let sentence = clip(&flat[..end], SUMMARY_MAX_CHARS);
    let mut chars = sentence.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => sentence,
    }
}

/// `s` cut to at most `max` bytes at a word boundary, with `…` when cut.
fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &s[..end];
    let cut = cut.rfind(' ').filter(|&i| i > max / 2).map_or(cut, |i| &cut[..i]);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}
