//! Entries kept inside their section's document: a note's entries (a kind, a field, a value
//! explained in a list item) read inside their section's text, so the index analyses that text
//! once, in the section, and each entry points at its words there by token positions. Search
//! scores such an entry from the section's postings the way tantivy scores a document (BM25 over
//! its title and its text), so it ranks as it would as a document of its own.
//!
//! Entries with phrasings of their own (the concept layer's) stay documents of their own: their
//! phrasings are searched like titles.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocId, DocSet, Searcher, TERMINATED, TantivyDocument, Term};

use crate::doc::{Doc, DocType};
use crate::query::{Clause, Plan};
use crate::schema::{ENTRY_KEY_PREFIX, Fields, compound_identifiers, exact_keys};
use crate::tokenizer::{analyze, positions_at};

/// An entry kept inside a section document: what search needs to score and show it. Stored as
/// JSON in the section's `entries` field, with short names: a notes folder has hundreds of
/// thousands of entries.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub(crate) struct PackedEntry {
    /// The id's subject key (`field:Deployment.replicas`): the id is `<key>@<file>:<line>`...
    #[serde(rename = "k")]
    pub key: String,
    /// ...followed by this (`~2` for a second entry of the same subject on one line).
    #[serde(rename = "s", default, skip_serializing_if = "String::is_empty")]
    pub suffix: String,
    /// The whole id, when it is not of that shape.
    #[serde(rename = "i", default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The title, when it is not the one its key gives ([`title_of_key`]).
    #[serde(rename = "t", default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(rename = "l")]
    pub line: u32,
    /// The kind (or term) it is about, when it is not the one its key gives.
    #[serde(rename = "n", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(rename = "p")]
    pub prior: f32,
    /// Token positions in the section's body: where its names start, where its explanation
    /// starts, where it ends.
    #[serde(rename = "a")]
    pub at: [u32; 3],
    /// Its explanation: bytes of the section's body...
    #[serde(rename = "b")]
    pub bytes: [u32; 2],
    /// ...or its own text, when that reads otherwise (a value named inside a field's sentence).
    #[serde(rename = "x", default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// The title and kind (or term) of an entry with subject key `key`, as
/// `kref_corpus::Subject` writes them: `field:Deployment.strategy` → `Deployment › strategy`,
/// `Deployment`.
fn title_of_key(key: &str) -> Option<(String, String)> {
    let (what, rest) = key.split_once(':')?;
    match what {
        "kind" => Some((rest.to_string(), rest.to_string())),
        "term" => Some((rest.to_string(), rest.to_string())),
        "field" => {
            let (kind, field) = rest.split_once('.')?;
            Some((format!("{kind} › {field}"), kind.to_string()))
        }
        "value" => {
            let (kind, rest) = rest.split_once('.')?;
            let (field, value) = rest.split_once('=')?;
            let title = if field == "*" {
                format!("{kind} › {value}")
            } else {
                format!("{kind} › {field} › {value}")
            };
            Some((title, kind.to_string()))
        }
        _ => None,
    }
}

/// Whether [`title_of_key`] of `key` is `(title, kind)`, without making them.
fn key_gives(key: &str, title: &str, kind: &str) -> bool {
    const SEP: &str = " › ";
    let Some((what, rest)) = key.split_once(':') else { return false };
    match what {
        "kind" | "term" => rest == title && rest == kind,
        "field" => rest.split_once('.').is_some_and(|(k, field)| {
            k == kind && title.strip_prefix(k).and_then(|t| t.strip_prefix(SEP)) == Some(field)
        }),
        "value" => {
            let Some((k, rest)) = rest.split_once('.') else { return false };
            let Some((field, value)) = rest.split_once('=') else { return false };
            let Some(t) = title.strip_prefix(k).and_then(|t| t.strip_prefix(SEP)) else { return false };
            let t =
                if field == "*" { Some(t) } else { t.strip_prefix(field).and_then(|t| t.strip_prefix(SEP)) };
            k == kind && t == Some(value)
        }
        _ => false,
    }
}

impl PackedEntry {
    /// Fills in the title and kind its key gives (they are not stored then).
    fn resolve(&mut self) {
        if self.title.is_empty() || self.kind.is_empty() {
            let (title, kind) = title_of_key(&self.key).unwrap_or_default();
            if self.title.is_empty() {
                self.title = title;
            }
            if self.kind.is_empty() {
                self.kind = kind;
            }
        }
    }

    fn names(&self) -> std::ops::Range<u32> {
        self.at[0]..self.at[1].max(self.at[0])
    }
    fn words(&self) -> std::ops::Range<u32> {
        self.at[1]..self.at[2].max(self.at[1])
    }

    /// The entry's id (see [`crate::Doc::id`]) in the note `file`.
    pub(crate) fn id(&self, file: &str) -> String {
        if self.id.is_empty() {
            format!("{}@{file}:{}{}", self.key, self.line, self.suffix)
        } else {
            self.id.clone()
        }
    }

    /// The entry's text, read from its section's `body`.
    pub(crate) fn body(&self, body: &str) -> String {
        if !self.text.is_empty() {
            return self.text.clone();
        }
        let [from, to] = self.bytes.map(|b| b as usize);
        body.get(from..to.max(from)).unwrap_or_default().trim().to_string()
    }
}

/// Where [`assign`] puts a document.
pub(crate) enum Placement<'a> {
    /// Kept inside its section.
    Inside,
    /// A document of its own, keeping these entries inside it (a section's).
    Alone(Vec<&'a Doc>),
}

/// Decides which entries of `docs` are kept inside their section: those that point into a
/// section of `docs` (`within`) and have no phrasings of their own.
pub(crate) fn assign(docs: &[Doc]) -> Vec<Placement<'_>> {
    let sections: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.doc_type == DocType::Section)
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut out: Vec<Placement<'_>> = docs.iter().map(|_| Placement::Alone(Vec::new())).collect();
    for (i, doc) in docs.iter().enumerate() {
        if doc.doc_type != DocType::Entry {
            continue;
        }
        let Some(within) = &doc.within else { continue };
        let Some(&s) = sections.get(within.section.as_str()) else { continue };
        let body = &docs[s].body;
        let fits = !within.span.is_empty()
            && within.span.end <= body.len()
            && (within.span.start..=within.span.end).contains(&within.body_start);
        if !fits {
            continue;
        }
        if !doc.aliases.is_empty() {
            // Its own words, as an entry inside the section reads them.
            continue;
        }
        out[i] = Placement::Inside;
        if let Placement::Alone(list) = &mut out[s] {
            list.push(doc);
        }
    }
    out
}

/// Adds `entries` to `section`'s document `d`: their data (stored) and the keys they are titled
/// by (`exact`, marked with [`ENTRY_KEY_PREFIX`]; compound identifiers as they are).
pub(crate) fn add_entries(f: &Fields, d: &mut TantivyDocument, section: &Doc, entries: &[&Doc]) {
    let mut offsets = Vec::with_capacity(entries.len() * 3);
    for e in entries {
        if let Some(w) = &e.within {
            offsets.extend([w.span.start, w.body_start, w.span.end]);
        }
    }
    let positions = positions_at(&section.body, &offsets);
    let mut packed = Vec::with_capacity(entries.len());
    let mut keys: Vec<String> = Vec::new();
    for (e, at) in entries.iter().zip(positions.chunks_exact(3)) {
        let Some(within) = &e.within else { continue };
        let (key, suffix, id) = match split_id(&e.id, &e.file, e.line) {
            Some((key, suffix)) => (key.to_string(), suffix.to_string(), String::new()),
            None => (String::new(), String::new(), e.id.clone()),
        };
        let kind = e.kinds.first().map(String::as_str).unwrap_or_default();
        let (title, kind) = if key_gives(&key, &e.title, kind) {
            (String::new(), String::new())
        } else {
            (e.title.clone(), kind.to_string())
        };
        let range = section.body.get(within.body_start..within.span.end).unwrap_or_default();
        // Values named inside a field's sentence have a text of their own.
        let text = if is_plain_range(range, &e.body) { String::new() } else { e.body.clone() };
        packed.push(PackedEntry {
            key,
            suffix,
            id,
            title,
            line: e.line,
            kind,
            prior: e.prior,
            at: [at[0], at[1], at[2]],
            bytes: [within.body_start, within.span.end].map(|b| u32::try_from(b).unwrap_or(u32::MAX)),
            text,
        });
        title_keys(&e.title, &mut keys);
    }
    keys.sort_unstable();
    keys.dedup();
    for key in &keys {
        d.add_text(f.exact, key);
    }
    if let Ok(json) = serde_json::to_string(&packed) {
        d.add_text(f.entries, json);
    }
}

/// An entry's id `<key>@<file>:<line><suffix>` split into its key and suffix; `None` when it is
/// not of that shape.
fn split_id<'i>(id: &'i str, file: &str, line: u32) -> Option<(&'i str, &'i str)> {
    let line = line.to_string();
    for (at, _) in id.match_indices('@') {
        let rest = id[at + 1..]
            .strip_prefix(file)
            .and_then(|r| r.strip_prefix(':'))
            .and_then(|r| r.strip_prefix(&*line));
        if let Some(suffix) = rest
            && !suffix.starts_with(|c: char| c.is_ascii_digit())
        {
            return Some((&id[..at], suffix));
        }
    }
    None
}

/// Whether an entry's own `text` says what the section's `range` says (the same words, the
/// section's without Markdown marks, and without the summary lines of the entries nested under
/// it): then the range is shown for it rather than a copy kept.
fn is_plain_range(range: &str, text: &str) -> bool {
    let own = text.split("\n- `").next().unwrap_or(text);
    if range.trim() == own.trim() {
        return true;
    }
    // Letters and digits compared byte by byte, ignoring ASCII case; any run of other bytes is
    // one separator (the same on both sides).
    fn letters(s: &str) -> impl Iterator<Item = u8> + '_ {
        let word = |b: &u8| b.is_ascii_alphanumeric() || *b >= 0x80;
        let mut gap = false;
        s.trim_matches(|c: char| !c.is_alphanumeric()).bytes().filter_map(move |b| {
            if word(&b) {
                gap = false;
                Some(b.to_ascii_lowercase())
            } else if gap {
                None
            } else {
                gap = true;
                Some(b' ')
            }
        })
    }
    letters(range).eq(letters(own))
}

/// Adds the [`crate::schema::Fields::exact`] keys of an entry titled `title` to `keys` (unless
/// there): [`exact_keys`] marked with [`ENTRY_KEY_PREFIX`], and its compound identifiers.
/// Remembered per thread: notes repeat the same titles (`Deployment › replicas`) many times.
fn title_keys(title: &str, keys: &mut Vec<String>) {
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<String, std::rc::Rc<[String]>>> = Default::default();
    }
    let found = CACHE.with(|c| c.borrow().get(title).cloned());
    let list = found.unwrap_or_else(|| {
        let mut list: Vec<String> =
            exact_keys(title).into_iter().map(|k| format!("{ENTRY_KEY_PREFIX}{k}")).collect();
        list.extend(compound_identifiers(title));
        let list: std::rc::Rc<[String]> = list.into();
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= TITLE_KEYS_CACHED {
                c.clear();
            }
            c.insert(title.to_string(), list.clone());
        });
        list
    });
    keys.extend(list.iter().cloned());
}

/// Titles whose keys a thread remembers.
const TITLE_KEYS_CACHED: usize = 20_000;

/// The entries kept inside a stored section document (none when it has none or they cannot be
/// read).
pub(crate) fn entries_of(doc: &TantivyDocument, f: &Fields) -> Vec<PackedEntry> {
    use tantivy::schema::Value;
    let mut entries: Vec<PackedEntry> = doc
        .get_first(f.entries)
        .and_then(|v| v.as_str())
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    for e in &mut entries {
        e.resolve();
    }
    entries
}

/// How one entry scored against a [`Plan`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntryScore {
    pub score: f32,
    /// How many of the plan's words it matched.
    pub words: usize,
    /// It matched every quoted phrase.
    pub phrases: bool,
}

/// Scores what the tantivy query leaves out, from postings read for the best results only: the
/// entries kept inside section documents against a whole [`Plan`] (per clause, BM25 with the
/// index's statistics, over the entry's title (its kind and the names it reads under in the
/// body) for title clauses and over its explanation for body clauses), and the plan's phrase
/// clauses ([`Plan::extra`]) for documents.
pub(crate) struct Scorer<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    plan: &'a Plan,
    analyzer: TextAnalyzer,
    /// BM25 weights per clause (by its address in the plan, which outlives the scorer).
    weights: FxHashMap<usize, Option<Bm25Weight>>,
    kind_tokens: HashMap<String, Vec<String>>,
    /// Positions per (segment, doc, field) and term, for the documents loaded.
    positions: FxHashMap<(u32, DocId, Field), FxHashMap<String, Vec<u32>>>,
    /// Term frequency and field norm id of tags terms per (segment, doc) and term.
    tags: FxHashMap<(u32, DocId), FxHashMap<String, (u32, u8)>>,
    /// Documents whose postings were read, per field.
    loaded: std::collections::HashSet<(DocAddress, Field)>,
    /// Word terms found per (segment, doc, field, term), and the documents looked at per field.
    present: FxHashMap<(u32, DocId, Field), FxHashSet<String>>,
    present_loaded: std::collections::HashSet<(DocAddress, Field)>,
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(
        searcher: &'a Searcher,
        fields: &'a Fields,
        plan: &'a Plan,
        analyzer: TextAnalyzer,
    ) -> Self {
        Scorer {
            searcher,
            fields,
            plan,
            analyzer,
            weights: FxHashMap::default(),
            kind_tokens: HashMap::new(),
            positions: FxHashMap::default(),
            tags: FxHashMap::default(),
            loaded: Default::default(),
            present: Default::default(),
            present_loaded: Default::default(),
        }
    }

    fn clauses(&self) -> impl Iterator<Item = &'a Clause> {
        let plan = self.plan;
        plan.words.iter().flatten().chain(&plan.extra).chain(plan.required.iter().flatten())
    }

    /// Reads what scoring the entries of the section documents at `sections` needs: the
    /// positions in their bodies of every term the plan looks for in titles and bodies, and the
    /// frequencies of its tags terms.
    pub(crate) fn load_entries(&mut self, sections: &[DocAddress]) {
        let f = *self.fields;
        let mut terms: Vec<String> = Vec::new();
        let mut tag_terms: Vec<String> = Vec::new();
        for clause in self.clauses() {
            let list = if clause.field == f.heading || clause.field == f.body {
                &mut terms
            } else if clause.field == f.tags {
                &mut tag_terms
            } else {
                continue;
            };
            for t in &clause.terms {
                if !list.contains(t) {
                    list.push(t.clone());
                }
            }
        }
        self.read_positions(sections, f.body, &terms);
        self.read_tags(sections, &tag_terms);
    }

    /// Reads the positions of the terms of the plan's phrase clauses ([`Plan::extra`]) in the
    /// documents at `docs`.
    pub(crate) fn load_extra(&mut self, docs: &[DocAddress]) {
        for (field, terms) in terms_by_field(&self.plan.extra) {
            self.read_positions(docs, field, &terms);
        }
    }

    /// Reads the positions of `terms` in `field` of the documents at `addresses` (those not
    /// read yet): one pass over each term's postings per segment.
    fn read_positions(&mut self, addresses: &[DocAddress], field: Field, terms: &[String]) {
        let mut by_segment: HashMap<u32, Vec<DocId>> = HashMap::new();
        for a in addresses {
            if self.loaded.insert((*a, field)) {
                by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
            }
        }
        for (segment_ord, mut docs) in by_segment {
            docs.sort_unstable();
            let Ok(inverted) = self.searcher.segment_reader(segment_ord).inverted_index(field) else {
                continue;
            };
            for t in terms {
                let term = Term::from_field_text(field, t);
                let Ok(Some(mut postings)) =
                    inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)
                else {
                    continue;
                };
                let mut current = postings.doc();
                for &doc in &docs {
                    if current < doc {
                        current = postings.seek(doc);
                    }
                    if current == TERMINATED {
                        break;
                    }
                    if current == doc {
                        let mut out = Vec::new();
                        postings.positions(&mut out);
                        self.positions.entry((segment_ord, doc, field)).or_default().insert(t.clone(), out);
                    }
                }
            }
        }
    }

    fn read_tags(&mut self, addresses: &[DocAddress], terms: &[String]) {
        if terms.is_empty() {
            return;
        }
        let f = self.fields;
        let mut by_segment: HashMap<u32, Vec<DocId>> = HashMap::new();
        for a in addresses {
            by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
        }
        for (segment_ord, mut docs) in by_segment {
            docs.sort_unstable();
            docs.dedup();
            let reader = self.searcher.segment_reader(segment_ord);
            let norms = reader.fieldnorms_readers().get_field(f.tags).ok().flatten();
            let Ok(inverted) = reader.inverted_index(f.tags) else { continue };
            for t in terms {
                let term = Term::from_field_text(f.tags, t);
                let Ok(Some(mut postings)) = inverted.read_postings(&term, IndexRecordOption::WithFreqs)
                else {
                    continue;
                };
                let mut current = postings.doc();
                for &doc in &docs {
                    if current < doc {
                        current = postings.seek(doc);
                    }
                    if current == TERMINATED {
                        break;
                    }
                    if current == doc {
                        let norm = norms.as_ref().map_or(1, |n: &FieldNormReader| n.fieldnorm_id(doc));
                        self.tags
                            .entry((segment_ord, doc))
                            .or_default()
                            .insert(t.clone(), (postings.term_freq(), norm));
                    }
                }
            }
        }
    }

    fn weight(&mut self, clause: &Clause) -> Option<Bm25Weight> {
        let key = clause as *const Clause as usize;
        if let Some(w) = self.weights.get(&key) {
            return w.clone();
        }
        let list: Vec<Term> = clause.terms.iter().map(|t| Term::from_field_text(clause.field, t)).collect();
        let weight = if list.is_empty() { None } else { Bm25Weight::for_terms(self.searcher, &list).ok() };
        self.weights.insert(key, weight.clone());
        weight
    }

    /// The analysed words of an entry's title that its names in the section's body do not
    /// spell: the kind of a field (`Deployment` of `Deployment › replicas`), the kind and field of
    /// a value; nothing for a kind or a term, whose title is their name.
    fn title_extras(&mut self, entry: &PackedEntry) -> Vec<String> {
        let extra = match entry.key.split_once(':') {
            Some(("field", _)) => entry.kind.clone(),
            Some(("value", _)) => {
                // `Kind › field › Value`: all but the last part.
                entry
                    .title
                    .rsplit_once(" › ")
                    .map_or_else(|| entry.kind.clone(), |(head, _)| head.to_string())
            }
            _ => return Vec::new(),
        };
        if let Some(t) = self.kind_tokens.get(&extra) {
            return t.clone();
        }
        let tokens: Vec<String> = analyze(&mut self.analyzer, &extra).into_iter().map(|t| t.text).collect();
        self.kind_tokens.insert(extra, tokens.clone());
        tokens
    }

    /// How often `terms` (a phrase when several) occur in `range` of `field` of the document at
    /// `address`.
    fn count(&self, address: DocAddress, field: Field, terms: &[String], range: std::ops::Range<u32>) -> u32 {
        let Some(map) = self.positions.get(&(address.segment_ord, address.doc_id, field)) else { return 0 };
        let Some(first) = terms.first().and_then(|t| map.get(t.as_str())) else { return 0 };
        let rest: Vec<&Vec<u32>> = match terms[1..].iter().map(|t| map.get(t.as_str())).collect() {
            Some(rest) => rest,
            None => return 0,
        };
        let last = u32::try_from(terms.len()).unwrap_or(u32::MAX) - 1;
        first
            .iter()
            .filter(|&&p| range.contains(&p) && p.saturating_add(last) < range.end)
            .filter(|&&p| {
                rest.iter().enumerate().all(|(i, ps)| ps.binary_search(&(p + 1 + i as u32)).is_ok())
            })
            .count() as u32
    }

    /// Reads which of the plan's word terms occur in the documents at `docs` (any field the
    /// words are looked for in).
    pub(crate) fn load_presence(&mut self, docs: &[DocAddress]) {
        for (field, terms) in terms_by_field(self.plan.words.iter().flatten()) {
            let mut by_segment: HashMap<u32, Vec<DocId>> = HashMap::new();
            for a in docs {
                if self.present_loaded.insert((*a, field)) {
                    by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
                }
            }
            for (segment_ord, mut list) in by_segment {
                list.sort_unstable();
                let Ok(inverted) = self.searcher.segment_reader(segment_ord).inverted_index(field) else {
                    continue;
                };
                for t in &terms {
                    let term = Term::from_field_text(field, t);
                    let Ok(Some(mut postings)) = inverted.read_postings(&term, IndexRecordOption::Basic)
                    else {
                        continue;
                    };
                    let mut current = postings.doc();
                    for &doc in &list {
                        if current < doc {
                            current = postings.seek(doc);
                        }
                        if current == TERMINATED {
                            break;
                        }
                        if current == doc {
                            self.present.entry((segment_ord, doc, field)).or_default().insert(t.clone());
                        }
                    }
                }
            }
        }
    }

    /// How many of the plan's words occur in the document at `address` (after
    /// [`Scorer::load_presence`] of it).
    pub(crate) fn doc_words(&self, address: DocAddress) -> usize {
        self.plan
            .words
            .iter()
            .filter(|clauses| {
                clauses.iter().any(|c| {
                    self.present
                        .get(&(address.segment_ord, address.doc_id, c.field))
                        .is_some_and(|found| c.terms.iter().all(|t| found.contains(t.as_str())))
                })
            })
            .count()
    }

    /// The score of the plan's phrase clauses ([`Plan::extra`]) for the document at `address`
    /// (after [`Scorer::load_extra`] of it), as tantivy's phrase queries would score them.
    pub(crate) fn doc_extra(&mut self, address: DocAddress) -> f32 {
        let reader = self.searcher.segment_reader(address.segment_ord);
        let mut score = 0.0;
        for clause in &self.plan.extra {
            let tf = self.count(address, clause.field, &clause.terms, 0..u32::MAX);
            if tf == 0 {
                continue;
            }
            let norm = reader
                .fieldnorms_readers()
                .get_field(clause.field)
                .ok()
                .flatten()
                .map_or(FieldNormReader::fieldnorm_to_id(1), |n| n.fieldnorm_id(address.doc_id));
            if let Some(w) = self.weight(clause) {
                score += w.boost_by(clause.boost).score(norm, tf);
            }
        }
        score
    }

    /// The score of one clause for `entry` of the section at `address`.
    fn clause_score(&mut self, address: DocAddress, entry: &PackedEntry, clause: &Clause) -> f32 {
        let f = *self.fields;
        let (tf, len) = if clause.field == f.heading {
            let extras = self.title_extras(entry);
            let mut tf = self.count(address, f.body, &clause.terms, entry.names());
            if let [one] = clause.terms.as_slice() {
                tf += extras.iter().filter(|k| *k == one).count() as u32;
            }
            (tf, entry.names().len() as u32 + extras.len() as u32)
        } else if clause.field == f.body {
            (self.count(address, f.body, &clause.terms, entry.words()), entry.words().len() as u32)
        } else if clause.field == f.kinds {
            let hit = clause.terms.len() == 1 && entry.kind.to_lowercase() == clause.terms[0];
            (u32::from(hit), 1)
        } else if clause.field == f.tags {
            let [one] = clause.terms.as_slice() else { return 0.0 };
            let found = self
                .tags
                .get(&(address.segment_ord, address.doc_id))
                .and_then(|m| m.get(one.as_str()))
                .copied();
            match found {
                Some((tf, norm)) => {
                    let Some(w) = self.weight(clause) else { return 0.0 };
                    return w.boost_by(clause.boost).score(norm, tf);
                }
                None => return 0.0,
            }
        } else {
            return 0.0;
        };
        if tf == 0 {
            return 0.0;
        }
        let Some(w) = self.weight(clause) else { return 0.0 };
        w.boost_by(clause.boost).score(FieldNormReader::fieldnorm_to_id(len.max(1)), tf)
    }

    /// Scores `entry` of the section at `address` (after [`Scorer::load_entries`] of it).
    pub(crate) fn score(&mut self, address: DocAddress, entry: &PackedEntry) -> EntryScore {
        let plan = self.plan;
        let mut score = 0.0;
        let mut words = 0;
        for clauses in &plan.words {
            let mut word = 0.0;
            for clause in clauses {
                word += self.clause_score(address, entry, clause);
            }
            if word > 0.0 {
                words += 1;
                score += word;
            }
        }
        for clause in &plan.extra {
            score += self.clause_score(address, entry, clause);
        }
        let mut phrases = true;
        for group in &plan.required {
            let mut found = 0.0;
            for clause in group {
                found += self.clause_score(address, entry, clause);
            }
            phrases &= found > 0.0;
            score += found;
        }
        EntryScore { score, words, phrases }
    }
}

/// The distinct terms of `clauses`, grouped by the field they are looked for in (fields in the
/// order they first appear, terms in the order they first appear).
fn terms_by_field<'a>(clauses: impl IntoIterator<Item = &'a Clause>) -> Vec<(Field, Vec<String>)> {
    let mut by_field: Vec<(Field, Vec<String>)> = Vec::new();
    for clause in clauses {
        let at = match by_field.iter().position(|(f, _)| *f == clause.field) {
            Some(i) => i,
            None => {
                by_field.push((clause.field, Vec::new()));
                by_field.len() - 1
            }
        };
        for t in &clause.terms {
            if !by_field[at].1.contains(t) {
                by_field[at].1.push(t.clone());
            }
        }
    }
    by_field
}

#[cfg(test)]
mod tests {
    use super::*;
    use kref_corpus::{Origin, parse_note};

    #[test]
    fn entries_point_at_their_words() {
        let md = "# Deployment\n\nKeeps Pods.\n\n- `Deployment`: manages ReplicaSets.\n  - `strategy`: how old Pods are replaced.\n    - `RollingUpdate`: the default.\n  - `rollingUpdate.maxSurge`: extra Pods above the count.\n";
        let note = parse_note("/notes/d.md", Origin::User, md);
        let docs = crate::docs_from_note(&note);
        let section = &docs[0];
        for e in docs.iter().filter(|d| d.doc_type == DocType::Entry) {
            let w = e.within.as_ref().unwrap();
            assert!(
                section.body[w.span.start..w.body_start].starts_with(e.title.rsplit(" › ").next().unwrap())
            );
        }
        let kept = assign(&docs);
        let mut inside: Vec<&str> = docs
            .iter()
            .zip(&kept)
            .filter(|(_, p)| matches!(p, Placement::Inside))
            .map(|(d, _)| d.title.as_str())
            .collect();
        inside.sort_unstable();
        assert_eq!(
            inside,
            [
                "Deployment",
                "Deployment › rollingUpdate.maxSurge",
                "Deployment › strategy",
                "Deployment › strategy › RollingUpdate",
            ]
        );
    }

    #[test]
    fn titles_come_from_keys() {
        for (key, title, kind) in [
            ("kind:Pod", "Pod", "Pod"),
            ("term:kubelet", "kubelet", "kubelet"),
            ("field:Deployment.rollingUpdate.maxSurge", "Deployment › rollingUpdate.maxSurge", "Deployment"),
            ("value:Pod.restartPolicy=Never", "Pod › restartPolicy › Never", "Pod"),
            ("value:Pod.*=Never", "Pod › Never", "Pod"),
        ] {
            assert_eq!(title_of_key(key), Some((title.to_string(), kind.to_string())), "{key}");
            assert!(key_gives(key, title, kind), "{key}");
            assert!(!key_gives(key, &format!("{title}x"), kind), "{key}");
        }
        assert!(!key_gives("field:Pod.x", "Pod › x", "Deployment"));
        assert_eq!(title_of_key("odd"), None);
        assert!(is_plain_range(" desired number of pods.\n", "desired number of Pods\n- `x`: y"));
        assert!(!is_plain_range("replicas: desired number", "(default). desired number"));
    }

    #[test]
    fn an_entry_inside_its_section_is_found_like_a_document() {
        let md = "# Deployment\n\nA Deployment keeps identical Pods running.\n\n- `Deployment`: manages ReplicaSets.\n  - `strategy`: how old Pods are replaced by new ones.\n  - `rollingUpdate.maxSurge`: how many extra Pods may exist above the desired count.\n\n## Rolling updates\n\nPods are replaced in batches, bounded by max surge.\n";
        let note = parse_note("/notes/deployment.md", Origin::User, md);
        let index =
            crate::SearchIndex::in_ram(crate::docs_from_note(&note), crate::Manifest::default()).unwrap();
        assert_eq!(index.doc_count(), 5);
        let top = |q: &str| index.search(&crate::Query::new(q)).unwrap().remove(0);
        let hit = top("maxSurge");
        assert_eq!(hit.id, "field:Deployment.rollingUpdate.maxSurge@/notes/deployment.md:7");
        assert_eq!(hit.doc_type, DocType::Entry);
        assert_eq!(
            (hit.title.as_str(), hit.breadcrumb.as_str(), hit.line),
            ("Deployment › rollingUpdate.maxSurge", "Deployment", 7)
        );
        assert_eq!(hit.kinds, ["Deployment"]);
        assert_eq!(hit.summary, "How many extra Pods may exist above the desired count.");
        assert_eq!(&hit.snippet.text[hit.snippet.highlights[0].clone()], "maxSurge");
        assert_eq!(top("extra pods above the desired count").id, hit.id);
        assert_eq!(top("old pods replaced").title, "Deployment › strategy");
    }
}
