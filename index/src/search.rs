//! Search requests and results as plain data, and running a request against a searcher.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

use kref_corpus::Origin;
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery};
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::IndexError;
use crate::answer::first_sentence;
use crate::doc::{DocType, parse_origin};
use crate::index::VocabularyFn;
use crate::packed::{PackedEntry, Scorer, entries_of};
use crate::query::{
    EXACT_ENTRY_BONUS, EXACT_TITLE_BONUS, Item, QueryBuilder, filter_query, parse_user_query,
};
use crate::schema::{CLASS_NOTE, CLASS_RULE, CLASS_SCHEMA, Fields, exact_keys};
use crate::schema_docs::ALLOWED_VALUES;
use crate::tokenizer::{PART_PREFIX, snippet_analyzer};

/// Snippets are cut to about this many bytes.
pub const SNIPPET_MAX_CHARS: usize = 160;
/// Requests for more hits than this get this many.
pub const MAX_LIMIT: usize = 10_000;
/// The factor of the rules' notes when the input asks about a diagnostic ("... warning").
const RULE_INTENT_FACTOR: f32 = 2.0;
/// The exponent of documents' priors for questions of three or more words.
const PRIOR_WEIGHT_IN_QUESTIONS: f32 = 0.5;
/// The factor of schema documents' scores for questions in words that name no field or kind.
const SCHEMA_IN_QUESTIONS: f32 = 0.5;
/// The factor of entries about fields (and values) for questions that ask for a setting.
const FIELD_INTENT_FACTOR: f32 = 1.6;
/// Results fetched from tantivy per search (at least), re-ranked by prior and word coverage; the
/// entries kept inside the best [`EXPANDED_SECTIONS`] of them compete with them.
const CANDIDATES: usize = 40;

/// A search request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// What the user typed: words, identifiers, `"quoted phrases"`; anything else is ignored.
    pub text: String,
    /// At most this many hits (0 → none).
    pub limit: usize,
    /// Only documents about this kind or term (exact, ignoring case).
    pub kind: Option<String>,
    pub origin: Option<Origin>,
    pub doc_type: Option<DocType>,
}

impl Query {
    /// A request for the 20 best hits, unfiltered.
    pub fn new(text: impl Into<String>) -> Query {
        Query { text: text.into(), limit: 20, kind: None, origin: None, doc_type: None }
    }
}

/// An excerpt of a hit with the matched words marked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snippet {
    /// At most about [`SNIPPET_MAX_CHARS`] bytes of the body (or the title), line breaks turned into
    /// spaces.
    pub text: String,
    /// Byte ranges in `text` of the matched words, sorted and not overlapping.
    pub highlights: Vec<Range<usize>>,
}

/// One search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: String,
    pub doc_type: DocType,
    pub origin: Origin,
    pub title: String,
    pub breadcrumb: String,
    pub file: String,
    pub line: u32,
    /// Kinds and terms as written in the notes.
    pub kinds: Vec<String>,
    /// Relevance; only comparable within one result list (documents titled exactly like the
    /// query carry a large bonus).
    pub score: f32,
    pub snippet: Snippet,
    /// One line: the first sentence of the document's text (its title when it has none).
    pub summary: String,
    /// The allowed values of a schema field.
    pub values: Vec<String>,
}

/// The analyzer queries are analyzed with (cloned per search).
pub(crate) struct Analyzers {
    pub text: TextAnalyzer,
}

/// Runs `query` on `searcher`.
pub(crate) fn run(
    searcher: &Searcher,
    fields: &Fields,
    analyzers: &Analyzers,
    vocabulary: VocabularyFn<'_>,
    query: &Query,
) -> Result<Vec<Hit>, IndexError> {
    let limit = query.limit.min(MAX_LIMIT);
    if limit == 0 {
        return Ok(Vec::new());
    }
    let items = parse_user_query(&query.text);
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut ranked = rank(searcher, fields, analyzers, vocabulary, query, &items, limit)?;
    if ranked.as_ref().is_none_or(|(top, _)| top.is_empty())
        && items.iter().any(|i| matches!(i, Item::Phrase(_)))
    {
        // Quotes pasted with an error message (`no matches for kind "Ingress" in version
        // "extensions/v1beta1"`) are not meant as exact phrases: when they find nothing, the
        // quoted words are searched like the others.
        let words: Vec<Item> = items
            .into_iter()
            .flat_map(|i| match i {
                Item::Word(w) => vec![Item::Word(w)],
                Item::Phrase(ws) => ws.into_iter().map(Item::Word).collect(),
            })
            .collect();
        ranked = rank(searcher, fields, analyzers, vocabulary, query, &words, limit)?;
    }
    let Some((top, main)) = ranked else {
        return Ok(Vec::new());
    };
    if top.is_empty() {
        return Ok(Vec::new());
    }
    let body_snippets = snippet_generator(searcher, &*main, &[fields.body])?;
    // Titles are searched through the `heading` field (and the titles of entries kept inside
    // sections through the sections' bodies): those terms highlight the stored title.
    let title_snippets = snippet_generator(searcher, &*main, &[fields.heading, fields.body])?;
    let mut hits = Vec::with_capacity(top.len());
    let mut stored = Stored::default();
    for (score, found) in top {
        let doc = stored.doc(searcher, found.address)?;
        let origin = parse_origin(&first_text(doc, fields.origin)).unwrap_or(Origin::User);
        let file = first_text(doc, fields.file);
        let breadcrumb = first_text(doc, fields.breadcrumb);
        if let Some(i) = found.entry {
            let entries = stored.entries(searcher, fields, found.address)?;
            let Some(entry) = entries.get(i as usize).cloned() else { continue };
            let body = entry.body(&first_text(stored.doc(searcher, found.address)?, fields.body));
            let title = entry.title.clone();
            let kind = entry.kind.clone();
            let snippet = make_snippet(&body_snippets, &title_snippets, &body, &title);
            let summary = if body.trim().is_empty() { title.clone() } else { first_sentence(&body) };
            hits.push(Hit {
                id: entry.id(&file),
                doc_type: DocType::Entry,
                origin,
                breadcrumb,
                file,
                line: entry.line,
                kinds: if kind.is_empty() { Vec::new() } else { vec![kind] },
                title,
                score,
                snippet,
                summary,
                values: Vec::new(),
            });
            continue;
        }
        let title = first_text(doc, fields.title);
        let body = first_text(doc, fields.body);
        let snippet = make_snippet(&body_snippets, &title_snippets, &body, &title);
        let (text, values) = split_allowed_values(&body);
        let summary = if text.trim().is_empty() { title.clone() } else { first_sentence(text) };
        hits.push(Hit {
            id: first_text(doc, fields.id),
            doc_type: DocType::parse(&first_text(doc, fields.doc_type)).unwrap_or(DocType::Section),
            origin,
            breadcrumb,
            file,
            line: doc
                .get_first(fields.line)
                .and_then(|v| v.as_u64())
                .and_then(|l| u32::try_from(l).ok())
                .unwrap_or(0),
            kinds: doc.get_all(fields.kinds_display).filter_map(|v| v.as_str().map(str::to_string)).collect(),
            title,
            score,
            snippet,
            summary,
            values,
        });
    }
    Ok(hits)
}

/// An entry found: score, what it is, prior, the number of words it matches, about a field?
type Expanded = (Score, Found, f32, usize, bool);

/// Stored documents and their packed entries, read once per search.
#[derive(Default)]
struct Stored {
    docs: HashMap<DocAddress, TantivyDocument>,
    entries: HashMap<DocAddress, Rc<Vec<PackedEntry>>>,
}

impl Stored {
    fn doc(&mut self, searcher: &Searcher, address: DocAddress) -> Result<&TantivyDocument, IndexError> {
        match self.docs.entry(address) {
            std::collections::hash_map::Entry::Occupied(e) => Ok(e.into_mut()),
            std::collections::hash_map::Entry::Vacant(v) => Ok(v.insert(searcher.doc(address)?)),
        }
    }

    fn entries(
        &mut self,
        searcher: &Searcher,
        fields: &Fields,
        address: DocAddress,
    ) -> Result<Rc<Vec<PackedEntry>>, IndexError> {
        if let Some(e) = self.entries.get(&address) {
            return Ok(e.clone());
        }
        let list = Rc::new(entries_of(self.doc(searcher, address)?, fields));
        self.entries.insert(address, list.clone());
        Ok(list)
    }
}

/// A schema document's description and the values of its `Allowed values:` line.
fn split_allowed_values(body: &str) -> (&str, Vec<String>) {
    match body.rsplit_once(ALLOWED_VALUES) {
        Some((text, values)) if !values.contains('\n') => {
            (text, values.split(", ").map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect())
        }
        _ => (body, Vec::new()),
    }
}

/// A result: a document, or an entry kept inside a section document (its index there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Found {
    address: DocAddress,
    entry: Option<u32>,
}

impl Found {
    fn doc(address: DocAddress) -> Found {
        Found { address, entry: None }
    }
}

/// Ranked results, best first, and the text query that found them (for snippets).
type Ranked = (Vec<(Score, Found)>, Box<dyn TantivyQuery>);

/// The best `limit` documents for `items`, best first (those titled like the input, then the
/// rest by score times prior), with the text query for snippets; `None` when the input can match
/// nothing.
fn rank(
    searcher: &Searcher,
    fields: &Fields,
    analyzers: &Analyzers,
    vocabulary: VocabularyFn<'_>,
    query: &Query,
    items: &[Item],
    limit: usize,
) -> Result<Option<Ranked>, IndexError> {
    let mut filters = Vec::new();
    if let Some(kind) = &query.kind {
        filters.push(filter_query(fields.kinds, &kind.trim().to_lowercase()));
    }
    if let Some(origin) = query.origin {
        filters.push(filter_query(fields.origin, origin.as_str()));
    }
    match query.doc_type {
        // Entries are documents of their own or kept inside sections: look in both.
        Some(DocType::Entry) => filters.push(Box::new(BooleanQuery::new(vec![
            (Occur::Should, filter_query(fields.doc_type, DocType::Entry.as_str())),
            (Occur::Should, filter_query(fields.doc_type, DocType::Section.as_str())),
        ]))),
        Some(doc_type) => filters.push(filter_query(fields.doc_type, doc_type.as_str())),
        None => {}
    }
    let want_entries = query.doc_type.is_none_or(|t| t == DocType::Entry);
    let want_kind = query.kind.as_ref().map(|k| k.trim().to_lowercase());
    let mut builder = QueryBuilder {
        searcher,
        fields,
        text: analyzers.text.clone(),
        vocabulary,
        error: None,
        recording: Vec::new(),
    };
    let built = builder.build(items, filters);
    if let Some(e) = builder.error {
        return Err(e);
    }
    let Some(built) = built else {
        return Ok(None);
    };
    // A question in words is answered by notes: schema documents yield to them unless the
    // question names a field or kind (or is a single word, or a dotted path).
    // A question that asks for a setting is answered by a field: schema documents compete, and
    // entries about fields count more.
    let schema_factor = if built.names_identifier
        || built.content_words <= 1
        || dotted_path(&query.text)
        || built.field_intent
    {
        1.0
    } else {
        SCHEMA_IN_QUESTIONS
    };
    let field_factor = if built.field_intent { FIELD_INTENT_FACTOR } else { 1.0 };
    // What a document is (a kind's own entry, a note's introduction) tells how good an answer
    // it makes to "what is X"; a longer question is answered by the text that matches it.
    let prior_weight = if built.content_words <= 2 { 1.0 } else { PRIOR_WEIGHT_IN_QUESTIONS };
    let rule_factor = if built.rule_intent { RULE_INTENT_FACTOR } else { 1.0 };
    let mut ctx = Expand {
        searcher,
        fields,
        scorer: Scorer::new(searcher, fields, &built.plan, analyzers.text.clone()),
        stored: Stored::default(),
        want_kind,
        keep_sections: query.doc_type != Some(DocType::Entry),
    };
    // Documents titled like the query first, then the best of the rest.
    let mut top: Vec<(Score, Found)> = Vec::new();
    if let Some(exact) = &built.exact {
        // Among documents titled alike, what they are decides too: the kind's own entry
        // before a field entry that happens to end in the same word.
        let mut titled = searcher.search(&**exact, &TopDocs::with_limit(limit))?;
        apply_priors(searcher, fields, [1.0, 1.0], 1.0, &mut titled);
        let titled = titled.into_iter().filter(|(_, a)| ctx.keep_doc(*a));
        top.extend(titled.map(|(score, address)| (score, Found::doc(address))));
    }
    if let Some(entry_exact) = built.entry_exact.as_ref().filter(|_| want_entries) {
        let sections: Vec<DocAddress> = searcher
            .search(&**entry_exact, &TopDocs::with_limit(limit))?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let keys = &built.plan.exact_keys;
        let titled = ctx.expand(&sections, |e| exact_keys(&e.title).iter().any(|k| keys.contains(k)))?;
        top.extend(
            titled
                .into_iter()
                .map(|(score, found, prior, _, _)| ((score + EXACT_ENTRY_BONUS) * prior, found)),
        );
    }
    top.sort_by(|a, b| b.0.total_cmp(&a.0));
    top.truncate(limit);
    for (score, _) in &mut top {
        *score += EXACT_TITLE_BONUS;
    }
    // The rest, best first: every document matching some word, each score weighed by the share of
    // the words it matches (a long question should not be won by a short title that shares one
    // common word with it, nor by a long section that mentions all of them in passing).
    {
        let seen: HashSet<Found> = top.iter().map(|(_, f)| *f).collect();
        // Fetch a few more than needed and re-rank them by each document's prior, so the
        // kind's own entry can overtake a short passage that merely mentions the words.
        let mut rest =
            searcher.search(&*built.main, &TopDocs::with_limit(limit.saturating_mul(3).max(CANDIDATES)))?;
        // The entries kept inside the best sections compete with them.
        let sections: Vec<DocAddress> =
            rest.iter().take(EXPANDED_SECTIONS).map(|(_, a)| *a).filter(|a| ctx.is_section(*a)).collect();
        let entries = if want_entries { ctx.expand(&sections, |_| true)? } else { Vec::new() };
        // Neighbouring words found together: scored for these results only.
        if !built.plan.extra.is_empty() {
            let addresses: Vec<DocAddress> = rest.iter().map(|(_, a)| *a).collect();
            ctx.scorer.load_extra(&addresses);
            for (score, address) in &mut rest {
                *score += ctx.scorer.doc_extra(*address);
            }
        }
        let words = built.plan.words.len().max(1) as f32;
        let addresses: Vec<DocAddress> = rest.iter().map(|(_, a)| *a).collect();
        ctx.scorer.load_presence(&addresses);
        for (score, address) in &mut rest {
            *score *= ctx.scorer.doc_words(*address) as f32 / words;
        }
        apply_priors(searcher, fields, [schema_factor, rule_factor], prior_weight, &mut rest);
        let mut found: Vec<(Score, Found)> =
            rest.into_iter().filter(|(_, a)| ctx.keep_doc(*a)).map(|(s, a)| (s, Found::doc(a))).collect();
        for (score, entry, prior, matched, is_field) in entries {
            let class_factor = if ctx.class(entry.address) == CLASS_RULE { rule_factor } else { 1.0 };
            let class_factor = if is_field { class_factor * field_factor } else { class_factor };
            let prior = if prior_weight == 1.0 { prior } else { prior.powf(prior_weight) };
            found.push((score * prior * class_factor * matched as f32 / words, entry));
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        let room = limit - top.len();
        top.extend(found.into_iter().filter(|(_, f)| !seen.contains(f)).take(room));
    }
    Ok(Some((top, built.main)))
}

/// Section documents whose entries are scored in each pass (the best this many results).
const EXPANDED_SECTIONS: usize = 40;

/// Expands section documents into the entries kept inside them.
struct Expand<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    scorer: Scorer<'a>,
    stored: Stored,
    /// `--kind`, lower-cased: entries about another kind are left out.
    want_kind: Option<String>,
    /// Sections are results themselves (not when only entries are asked for).
    keep_sections: bool,
}

impl Expand<'_> {
    fn class(&self, address: DocAddress) -> u64 {
        let name = self.searcher.schema().get_field_name(self.fields.class);
        self.searcher
            .segment_reader(address.segment_ord)
            .fast_fields()
            .u64(name)
            .ok()
            .and_then(|c| c.first(address.doc_id))
            .unwrap_or(CLASS_NOTE)
    }

    /// How many entries the document at `address` keeps inside it.
    fn packed(&self, address: DocAddress) -> u64 {
        let name = self.searcher.schema().get_field_name(self.fields.packed);
        self.searcher
            .segment_reader(address.segment_ord)
            .fast_fields()
            .u64(name)
            .ok()
            .and_then(|c| c.first(address.doc_id))
            .unwrap_or(0)
    }

    fn is_section(&self, address: DocAddress) -> bool {
        self.class(address) != CLASS_SCHEMA
    }

    /// Whether the document at `address` is a result itself.
    fn keep_doc(&mut self, address: DocAddress) -> bool {
        if self.keep_sections {
            return true;
        }
        // Only entries were asked for: a section is not one.
        let Ok(doc) = self.stored.doc(self.searcher, address) else { return false };
        first_text(doc, self.fields.doc_type) == DocType::Entry.as_str()
    }

    /// The entries of `sections` that pass `keep` (and the kind asked for), with their text
    /// score, prior, the number of words they match and whether they are about a field or value.
    /// Every entry must match the quoted phrases and some word.
    fn expand(
        &mut self,
        sections: &[DocAddress],
        keep: impl Fn(&PackedEntry) -> bool,
    ) -> Result<Vec<Expanded>, IndexError> {
        let mut with_entries: Vec<(DocAddress, Rc<Vec<PackedEntry>>)> = Vec::new();
        for &address in sections {
            // Only sections that keep entries are read from the store.
            if self.packed(address) == 0 {
                continue;
            }
            let entries = self.stored.entries(self.searcher, self.fields, address)?;
            if !entries.is_empty() {
                with_entries.push((address, entries));
            }
        }
        let addresses: Vec<DocAddress> = with_entries.iter().map(|(a, _)| *a).collect();
        self.scorer.load_entries(&addresses);
        let mut out = Vec::new();
        for (address, entries) in with_entries {
            for (i, entry) in entries.iter().enumerate() {
                if !keep(entry) || self.want_kind.as_ref().is_some_and(|k| entry.kind.to_lowercase() != *k) {
                    continue;
                }
                let scored = self.scorer.score(address, entry);
                if scored.score <= 0.0 || !scored.phrases {
                    continue;
                }
                let found = Found { address, entry: u32::try_from(i).ok() };
                let is_field = entry.key.starts_with("field:") || entry.key.starts_with("value:");
                out.push((scored.score, found, entry.prior, scored.words, is_field));
            }
        }
        Ok(out)
    }
}

/// "Did you mean" inputs for `text` that find something (see [`QueryBuilder::suggestions`]).
pub(crate) fn suggest(
    searcher: &Searcher,
    fields: &Fields,
    analyzers: &Analyzers,
    vocabulary: VocabularyFn<'_>,
    text: &str,
) -> Result<Vec<String>, IndexError> {
    let items = parse_user_query(text);
    let mut builder = QueryBuilder {
        searcher,
        fields,
        text: analyzers.text.clone(),
        vocabulary,
        error: None,
        recording: Vec::new(),
    };
    let suggestions = builder.suggestions(&items);
    if let Some(e) = builder.error {
        return Err(e);
    }
    let mut out = Vec::new();
    for suggestion in suggestions {
        let probe = Query { limit: 1, ..Query::new(suggestion.clone()) };
        if !run(searcher, fields, analyzers, vocabulary, &probe)?.is_empty() && !out.contains(&suggestion) {
            out.push(suggestion);
        }
    }
    Ok(out)
}

/// A snippet generator for `field` that highlights the terms `query` has in it, like
/// [`SnippetGenerator::create`] but with [`snippet_analyzer`], which stems only words that can
/// match.
/// Multiplies each score by its document's prior raised to `prior_weight` (and schema documents'
/// by `schema_factor`, rule notes' by `rule_factor`) and sorts best first.
fn apply_priors(
    searcher: &Searcher,
    fields: &Fields,
    [schema_factor, rule_factor]: [f32; 2],
    prior_weight: f32,
    hits: &mut [(Score, DocAddress)],
) {
    let prior_name = searcher.schema().get_field_name(fields.prior).to_string();
    let class_name = searcher.schema().get_field_name(fields.class).to_string();
    type Columns = (Option<Column<f64>>, Option<Column<u64>>);
    let mut columns: Vec<Option<Columns>> = Vec::new();
    for (score, address) in hits.iter_mut() {
        let ord = address.segment_ord as usize;
        if columns.len() <= ord {
            columns.resize_with(ord + 1, || None);
        }
        let (prior, class) = columns[ord].get_or_insert_with(|| {
            let fast = searcher.segment_reader(address.segment_ord).fast_fields();
            (fast.f64(&prior_name).ok(), fast.u64(&class_name).ok())
        });
        let prior = prior.as_ref().and_then(|c| c.first(address.doc_id)).unwrap_or(1.0);
        let class = class.as_ref().and_then(|c| c.first(address.doc_id)).unwrap_or(CLASS_NOTE);
        let factor = match class {
            CLASS_SCHEMA => schema_factor,
            CLASS_RULE => rule_factor,
            _ => 1.0,
        };
        let prior = if prior_weight == 1.0 { prior as f32 } else { (prior as f32).powf(prior_weight) };
        *score *= prior * factor;
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
}

/// `spec.selector`, `rollingUpdate.maxSurge`: a dot between letters or digits.
fn dotted_path(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(3).any(|w| w[1] == '.' && w[0].is_alphanumeric() && w[2].is_alphanumeric())
}

fn snippet_generator(
    searcher: &Searcher,
    query: &dyn TantivyQuery,
    from: &[Field],
) -> Result<SnippetGenerator, IndexError> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if from.contains(&term.field()) {
            terms.insert(term);
        }
    });
    let field = from[0];
    let mut weighted: BTreeMap<String, Score> = BTreeMap::new();
    let mut initials: Vec<char> = Vec::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else { continue };
        let doc_freq = searcher.doc_freq(term)?;
        if doc_freq > 0 {
            weighted.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
            // Words of identifiers are matched by their letters, after the marker.
            let word = text.strip_prefix(PART_PREFIX).unwrap_or(text);
            initials.extend(word.chars().next().filter(|c| !initials.contains(c)));
        }
    }
    Ok(SnippetGenerator::new(weighted, snippet_analyzer(initials), field, SNIPPET_MAX_CHARS))
}

fn first_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

/// The body excerpt around the matched words; the title's when the body has none; else the start
/// of the body.
fn make_snippet(
    body_gen: &SnippetGenerator,
    title_gen: &SnippetGenerator,
    body: &str,
    title: &str,
) -> Snippet {
    for (generator, text) in [(body_gen, body), (title_gen, title)] {
        let s = generator.snippet(text);
        if !s.highlighted().is_empty() {
            return clean(s.fragment(), s.highlighted());
        }
    }
    let fallback = if body.trim().is_empty() { title } else { body };
    let mut end = fallback.len().min(SNIPPET_MAX_CHARS);
    while !fallback.is_char_boundary(end) {
        end -= 1;
    }
    clean(&fallback[..end], &[])
}

/// Turns line breaks and tabs into spaces (byte lengths are unchanged, so ranges stay valid) and
/// makes the ranges sorted, in bounds and non-overlapping.
fn clean(text: &str, ranges: &[Range<usize>]) -> Snippet {
    let text: String = text.chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
    let mut sorted: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .cloned()
        .collect();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut highlights: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match highlights.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => highlights.push(r),
        }
    }
    Snippet { text, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_merges_and_drops_bad_ranges() {
        let s = clean("ab\ncd ef", &[4..6, 0..2, 1..3, 7..20, 5..5]);
        assert_eq!(s.text, "ab cd ef");
        assert_eq!(s.highlights, [0..3, 4..6]);
        let s = clean("é x", &[1..2, 3..4]);
        assert_eq!(s.highlights, vec![Range { start: 3, end: 4 }]);
    }
}
