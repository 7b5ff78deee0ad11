//! From what a user typed to a tantivy query: lenient parsing, identifier-aware term expansion,
//! field boosts, typo correction and the exact-title boost.

use std::sync::OnceLock;

use kref_corpus::concepts::{self, synonyms};
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::IndexError;
use crate::index::VocabularyFn;
use crate::schema::{ENTRY_KEY_PREFIX, Fields, IDENT_KEY_PREFIX, RULE_NOTES, normalize_exact, phrasing_key};
use crate::tokenizer::{Analyzed, PART_PREFIX, analyze, part_term};

/// Input beyond this many bytes is ignored: nobody types more, and it bounds the query size.
const MAX_QUERY_BYTES: usize = 1024;
/// Words beyond this many are ignored.
const MAX_WORDS: usize = 32;
/// Corrections kept per misspelled word.
const MAX_CORRECTIONS: usize = 3;
/// Dictionary terms examined per misspelled word and segment, to bound the cost of odd input.
const MAX_FUZZY_SCAN: usize = 2_000;

/// Field boosts: headings ≫ tags > body > kinds.
pub(crate) const BOOST_HEADING: f32 = 2.0;
pub(crate) const BOOST_KINDS: f32 = 0.5;
pub(crate) const BOOST_TAGS: f32 = 1.5;
pub(crate) const BOOST_BODY: f32 = 1.0;
/// Phrasings of the concept layer attached to a document: what people call its topic.
pub(crate) const BOOST_ALIASES: f32 = 1.0;
/// A whole phrasing of the concept layer found in the input, per word of the phrasing.
const BOOST_PHRASING: f32 = 1.0;
/// Phrasings longer than this many words are not looked for.
const MAX_PHRASING_WORDS: usize = 4;
/// Weight of a word that means the same as one typed (the concept layer's `words`).
const SYNONYM_WEIGHT: f32 = 0.8;
/// Inputs longer than this get no exact-title variants with synonyms.
const MAX_SYNONYM_VARIANT_WORDS: usize = 4;
/// Weight of a word found as a piece of an identifier, relative to the word on its own.
pub(crate) const PART_WEIGHT: f32 = 0.3;
/// The phrase of an identifier's words (`maxSurge` → "max surge") only finds documents that spell
/// the identifier as separate words. When the identifier itself is in this many documents of a
/// field, those cannot reach the top of the list, and the phrase (expensive on frequent words,
/// and it keeps tantivy from pruning the union) is left out for that field.
const PHRASE_SKIP_DOC_FREQ: u64 = 256;
/// Weight of a typo correction relative to a word as typed.
const CORRECTION_WEIGHT: f32 = 0.8;
/// Added to documents titled exactly like the query: larger than any text score, so they rank
/// first.
/// Weight of a pair of neighbouring query words found together.
const PROXIMITY_BOOST: f32 = 1.5;
/// Longer inputs get no pair clauses (each costs a phrase query).
const MAX_PROXIMITY_WORDS: usize = 8;

pub(crate) const EXACT_TITLE_BONUS: f32 = 1000.0;
/// Added on top for entries titled exactly like the query, so they beat sections of that title.
pub(crate) const EXACT_ENTRY_BONUS: f32 = 100.0;

/// A piece of user input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// A bare word or identifier.
    Word(String),
    /// Words in double quotes (an unclosed quote runs to the end).
    Phrase(Vec<String>),
}

/// A scoring clause as data: a term (or a phrase of terms) in one field, with its boost. The
/// tantivy query is built from the same clauses; entries kept inside a section document are
/// scored from them ([`crate::packed::EntryScorer`]).
#[derive(Clone, Debug)]
pub(crate) struct Clause {
    pub field: Field,
    pub terms: Vec<String>,
    pub boost: f32,
}

/// The clauses of a query, as data.
#[derive(Clone, Debug, Default)]
pub(crate) struct Plan {
    /// The clauses of each word of the input (their scores add up; a word matches when any of
    /// its clauses does), in the order of the tantivy query's word clauses.
    pub words: Vec<Vec<Clause>>,
    /// Clauses that add to any match but are left out of the tantivy query: neighbouring words
    /// found together (phrases), scored for the best results only.
    pub extra: Vec<Clause>,
    /// Quoted phrases: a match must match a clause of each.
    pub required: Vec<Vec<Clause>>,
    /// The input normalized as titles are ([`normalize_exact`]), as typed, corrected or with
    /// a word that means the same: an entry titled so is titled like the input.
    pub exact_keys: Vec<String>,
}

/// Splits user input into words and quoted phrases. Never fails: anything that is not a letter,
/// digit or double quote separates words, so query syntax (`foo:bar`, `(((`, `*`, `+x -y`) reads
/// as the words it contains.
pub(crate) fn parse_user_query(input: &str) -> Vec<Item> {
    let mut end = input.len().min(MAX_QUERY_BYTES);
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    let mut items = Vec::new();
    let mut phrase: Option<Vec<String>> = None;
    let mut word = String::new();
    let mut count = 0;
    let mut flush = |word: &mut String, phrase: &mut Option<Vec<String>>, items: &mut Vec<Item>| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        if count >= MAX_WORDS {
            return;
        }
        count += 1;
        match phrase {
            Some(p) => p.push(w),
            None => items.push(Item::Word(w)),
        }
    };
    for c in input[..end].chars() {
        if c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut phrase, &mut items);
        if c == '"' {
            match phrase.take() {
                Some(words) => push_phrase(&mut items, words),
                None => phrase = Some(Vec::new()),
            }
        }
    }
    flush(&mut word, &mut phrase, &mut items);
    if let Some(words) = phrase {
        push_phrase(&mut items, words);
    }
    items
}

fn push_phrase(items: &mut Vec<Item>, mut words: Vec<String>) {
    match words.len() {
        0 => {}
        1 => items.extend(words.pop().map(Item::Word)),
        _ => items.push(Item::Phrase(words)),
    }
}

/// A Levenshtein automaton walked over a term dictionary (as tantivy's `FuzzyTermQuery` does).
struct DfaAutomaton<'a>(&'a DFA);

/// The exact-title queries (whole titles, entries' titles) and the keys they match.
type ExactQueries = (Option<Box<dyn Query>>, Option<Box<dyn Query>>, Vec<String>);

impl tantivy_fst::Automaton for DfaAutomaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Builders are expensive (tables for every distance); build each once per process.
fn lev_builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if distance <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// The edit distance allowed for a misspelled word of `len` characters (transpositions count 1).
pub(crate) fn fuzzy_distance(len: usize) -> Option<u8> {
    match len {
        0..=3 => None,
        4..=7 => Some(1),
        _ => Some(2),
    }
}

/// Turns parsed input into tantivy queries.
pub(crate) struct QueryBuilder<'a, 'v> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    /// The analyzer of the text fields (stemmed).
    pub text: TextAnalyzer,
    /// The typo-correction vocabulary, if the index has one (loaded on first use).
    pub vocabulary: VocabularyFn<'v>,
    /// The first error met (a damaged vocabulary), for the caller to report.
    pub error: Option<IndexError>,
    /// The clauses added since it was last taken (see [`Plan`]).
    pub recording: Vec<Clause>,
}

/// What [`QueryBuilder::build`] produced.
pub(crate) struct Built {
    /// The ranked text query, with phrases and filters as required clauses. Without phrases and
    /// filters it is a plain union of term queries, which tantivy evaluates with block-max WAND.
    pub main: Box<dyn Query>,
    /// Documents titled exactly like the query (same phrases and filters), scored by the text
    /// query plus [`EXACT_ENTRY_BONUS`] for entries; `None` when no title matches. The caller
    /// ranks these first ([`EXACT_TITLE_BONUS`]). Kept apart from `main` so that `main` stays
    /// prunable.
    pub exact: Option<Box<dyn Query>>,
    /// Sections that keep an entry titled exactly like the query (same phrases and filters).
    pub entry_exact: Option<Box<dyn Query>>,
    /// The clauses of `main`, as data.
    pub plan: Plan,
    /// The input names an identifier (`maxSurge`, a typed `imagepullpolicy` that titles a
    /// document): schema documents compete with notes instead of yielding to them.
    pub names_identifier: bool,
    /// The input asks about a diagnostic of `kref check` (it contains a phrasing of a concept
    /// answered by the rules' notes: "warning", "flagged"...).
    pub rule_intent: bool,
    /// Words other than stop words.
    pub content_words: usize,
    /// The input asks for a setting ("which setting...", "how many...", "how long..."): entries
    /// about fields answer it better than the kind's or a section.
    pub field_intent: bool,
}

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON { query } else { Box::new(BoostQuery::new(query, boost)) }
}

fn term_query(field: Field, text: &str, record: IndexRecordOption) -> Box<dyn Query> {
    Box::new(TermQuery::new(term(field, text), record))
}

/// A query matching documents that have the filter value, adding nothing to the score.
pub(crate) fn filter_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(term_query(field, value, IndexRecordOption::Basic), 0.0))
}

/// The whole token and the words of one analyzed input word (the words without
/// [`crate::tokenizer::PART_PREFIX`]).
struct WordTerms {
    whole: Option<String>,
    parts: Vec<String>,
}

fn word_terms(tokens: Vec<Analyzed>) -> WordTerms {
    let split = tokens.iter().any(|t| t.span > 1) || tokens.len() > 1;
    if !split {
        return WordTerms { whole: tokens.into_iter().next().map(|t| t.text), parts: Vec::new() };
    }
    let mut whole = None;
    let mut parts = Vec::new();
    for t in tokens {
        if t.span > 1 {
            whole = Some(t.text)
        } else {
            parts.push(t.text.strip_prefix(PART_PREFIX).map(str::to_string).unwrap_or(t.text))
        }
    }
    WordTerms { whole, parts }
}

impl QueryBuilder<'_, '_> {
    fn doc_freq(&self, field: Field, text: &str) -> u64 {
        self.searcher.doc_freq(&term(field, text)).unwrap_or(0)
    }

    /// A boosted term query if the term occurs at all (absent terms are left out: they match
    /// nothing and would keep tantivy from pruning the union).
    fn push_term(&mut self, field: Field, text: &str, boost: f32, out: &mut Vec<Box<dyn Query>>) -> bool {
        if self.doc_freq(field, text) == 0 {
            self.record_title_only(field, std::slice::from_ref(&text.to_string()), boost);
            return false;
        }
        out.push(boosted(term_query(field, text, IndexRecordOption::WithFreqs), boost));
        self.recording.push(Clause { field, terms: vec![text.to_string()], boost });
        true
    }

    /// The titles of entries kept inside sections are read from the sections' bodies, not from
    /// `heading`: a title clause whose terms are in no heading but in some body still scores
    /// those entries (it is left out of the tantivy query, where it would match nothing).
    fn record_title_only(&mut self, field: Field, terms: &[String], boost: f32) {
        if field == self.fields.heading && terms.iter().all(|t| self.doc_freq(self.fields.body, t) > 0) {
            self.recording.push(Clause { field, terms: terms.to_vec(), boost });
        }
    }

    /// A boosted phrase query of `terms` in `field` if every term occurs there.
    fn push_phrase(
        &mut self,
        field: Field,
        terms: &[String],
        boost: f32,
        out: &mut Vec<Box<dyn Query>>,
    ) -> bool {
        match terms {
            [] => false,
            [one] => self.push_term(field, one, boost, out),
            many => {
                if many.iter().any(|t| self.doc_freq(field, t) == 0) {
                    self.record_title_only(field, many, boost);
                    return false;
                }
                let phrase = PhraseQuery::new(many.iter().map(|t| term(field, t)).collect());
                out.push(boosted(Box::new(phrase), boost));
                self.recording.push(Clause { field, terms: many.to_vec(), boost });
                true
            }
        }
    }

    /// Adds the scoring clauses of one word: its term in the title, breadcrumb, body, tags and
    /// kinds. A plain word also matches the same word inside identifiers, at [`PART_WEIGHT`]
    /// ("store" finds `awsElasticBlockStore`, below a passage about storing); an identifier
    /// matches whole, and as the phrase of its words, both inside longer identifiers and written
    /// out (`maxSurge` → "max surge"). Returns false when the word occurs nowhere.
    fn word_clauses(&mut self, word: &str, weight: f32, out: &mut Vec<Box<dyn Query>>) -> bool {
        let f = *self.fields;
        let terms = word_terms(analyze(&mut self.text, word));
        let mut found = self.push_term(f.kinds, &word.to_lowercase(), BOOST_KINDS * weight, out);
        for (field, boost, positions) in [
            (f.heading, BOOST_HEADING, true),
            (f.body, BOOST_BODY, true),
            (f.tags, BOOST_TAGS, false),
            (f.aliases, BOOST_ALIASES, true),
        ] {
            let boost = boost * weight;
            let whole_freq = terms.whole.as_ref().map_or(0, |w| self.doc_freq(field, w));
            if let Some(whole) = terms.whole.as_deref() {
                if whole_freq > 0 {
                    out.push(boosted(term_query(field, whole, IndexRecordOption::WithFreqs), boost));
                    self.recording.push(Clause { field, terms: vec![whole.to_string()], boost });
                    found = true;
                } else {
                    self.record_title_only(field, std::slice::from_ref(&whole.to_string()), boost);
                }
            }
            match (terms.whole.as_deref(), terms.parts.as_slice()) {
                (Some(plain), []) => {
                    found |= self.push_term(field, &part_term(plain), boost * PART_WEIGHT, out)
                }
                (_, [one]) => {
                    found |= self.push_term(field, one, boost, out);
                    found |= self.push_term(field, &part_term(one), boost * PART_WEIGHT, out);
                }
                (_, parts) if positions && parts.len() > 1 && whole_freq < PHRASE_SKIP_DOC_FREQ => {
                    let marked: Vec<String> = parts.iter().map(|p| part_term(p)).collect();
                    found |= self.push_phrase(field, &marked, boost, out);
                    found |= self.push_phrase(field, parts, boost, out);
                }
                _ => {}
            }
        }
        found
    }

    /// Words of the vocabulary within the allowed edit distance of `word`, closest and most
    /// frequent first; only those at the smallest distance found are kept.
    fn corrections(&mut self, word: &str) -> Vec<String> {
        match fuzzy_distance(word.chars().count()) {
            Some(distance) => self.corrections_within(word, distance),
            None => Vec::new(),
        }
    }

    /// [`QueryBuilder::corrections`] within `distance` edits.
    fn corrections_within(&mut self, word: &str, distance: u8) -> Vec<String> {
        use tantivy_fst::{IntoStreamer, Streamer};
        let vocabulary = match (self.vocabulary)() {
            Ok(Some(v)) => v,
            Ok(None) => return Vec::new(),
            Err(e) => {
                self.error.get_or_insert(e);
                return Vec::new();
            }
        };
        let lower = word.to_lowercase();
        let dfa = lev_builder(distance).build_dfa(&lower);
        let mut ranked: Vec<(String, u8, u64)> = Vec::new();
        let mut stream = vocabulary.search(DfaAutomaton(&dfa)).into_stream();
        while ranked.len() < MAX_FUZZY_SCAN
            && let Some((key, count)) = stream.next()
        {
            let Ok(key) = std::str::from_utf8(key) else { continue };
            let Distance::Exact(d) = dfa.eval(key) else { continue };
            ranked.push((key.to_string(), d, count));
        }
        ranked.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        let best = ranked.first().map(|r| r.1);
        ranked.into_iter().take_while(|r| Some(r.1) == best).take(MAX_CORRECTIONS).map(|r| r.0).collect()
    }

    /// A word found nowhere and with no close spelling, read as two words of the vocabulary
    /// written together (`crashloop` → `crash loop`, `imagepull` → `image pull`): of the splits
    /// into halves of three letters or more that are both words of the text, the one whose rarer
    /// half is the most frequent.
    fn split_compound(&mut self, word: &str) -> Option<[String; 2]> {
        let lower = word.to_lowercase();
        if lower.chars().count() < 6 || !lower.chars().all(char::is_alphanumeric) {
            return None;
        }
        let vocabulary = match (self.vocabulary)() {
            Ok(Some(v)) => v,
            Ok(None) => return None,
            Err(e) => {
                self.error.get_or_insert(e);
                return None;
            }
        };
        let mut best: Option<(u64, usize)> = None;
        for (at, _) in lower.char_indices().skip(3) {
            let (head, tail) = lower.split_at(at);
            if tail.chars().count() < 3 {
                break;
            }
            if let (Some(a), Some(b)) = (vocabulary.get(head), vocabulary.get(tail)) {
                let weakest = a.min(b);
                if best.is_none_or(|(w, _)| weakest > w) {
                    best = Some((weakest, at));
                }
            }
        }
        best.map(|(_, at)| [lower[..at].to_string(), lower[at..].to_string()])
    }

    /// "Did you mean": the input with each word that occurs nowhere replaced by the closest word
    /// of the vocabulary, allowing one edit more than the search itself corrects (so these are
    /// guesses to offer, not to apply); the second and third closest words of the first unknown
    /// word give more inputs. Empty when every word occurs or none has a close word.
    pub(crate) fn suggestions(&mut self, items: &[Item]) -> Vec<String> {
        let words: Vec<String> = items
            .iter()
            .flat_map(|i| match i {
                Item::Word(w) => vec![w.clone()],
                Item::Phrase(ws) => ws.clone(),
            })
            .collect();
        let mut candidates: Vec<Vec<String>> = Vec::with_capacity(words.len());
        let mut unknown = false;
        for word in &words {
            let mut probe = Vec::new();
            if is_stop_word(word) || self.word_clauses(word, 1.0, &mut probe) {
                candidates.push(vec![word.clone()]);
                continue;
            }
            let distance = fuzzy_distance(word.chars().count()).map_or(1, |d| d + 1).min(2);
            let found = self.corrections_within(word, distance);
            unknown |= !found.is_empty();
            candidates.push(if found.is_empty() { vec![word.clone()] } else { found });
        }
        if !unknown {
            return Vec::new();
        }
        let best: Vec<String> = candidates.iter().map(|c| c[0].clone()).collect();
        let mut out = vec![best.join(" ")];
        if let Some(i) = candidates.iter().position(|c| c.len() > 1) {
            for alternative in candidates[i].iter().skip(1) {
                let mut v = best.clone();
                v[i] = alternative.clone();
                out.push(v.join(" "));
            }
        }
        out.dedup();
        out
    }

    /// Stemmed terms of a phrase, identifiers replaced by their words: as written out, and as
    /// the words of an identifier (`["rolling", "update"]` → `roll updat`, `_roll _updat`).
    fn phrase_terms(&mut self, words: &[String]) -> (Vec<String>, Vec<String>) {
        let mut prose = Vec::new();
        for word in words {
            let t = word_terms(analyze(&mut self.text, word));
            if t.parts.is_empty() {
                prose.extend(t.whole);
            } else {
                prose.extend(t.parts);
            }
        }
        let marked = prose.iter().map(|t| part_term(t)).collect();
        (prose, marked)
    }

    /// The phrase in the title, breadcrumb, body or aliases, written out or as an identifier.
    fn phrase_clause(&mut self, words: &[String]) -> Option<Box<dyn Query>> {
        let f = *self.fields;
        let (prose, marked) = self.phrase_terms(words);
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        for (field, boost) in [(f.heading, BOOST_HEADING), (f.body, BOOST_BODY), (f.aliases, BOOST_ALIASES)] {
            self.push_phrase(field, &prose, boost, &mut should);
            let marked_boost = if marked.len() > 1 { boost } else { boost * PART_WEIGHT };
            self.push_phrase(field, &marked, marked_boost, &mut should);
        }
        (!should.is_empty()).then(|| union(should))
    }

    /// Builds the queries for `items` and the `filters` (each a required clause). `None` when
    /// the input can match nothing.
    pub(crate) fn build(&mut self, items: &[Item], filters: Vec<Box<dyn Query>>) -> Option<Built> {
        // One clause per word (a union over its fields), so that "how many of the words match"
        // can count words rather than fields.
        let mut text: Vec<Box<dyn Query>> = Vec::new();
        // The same clauses in one flat union: tantivy prunes a union of term queries (block-max
        // WAND), not a union of unions.
        let mut flat: Vec<Box<dyn Query>> = Vec::new();
        let mut phrases: Vec<Box<dyn Query>> = Vec::new();
        let mut typed: Vec<String> = Vec::new();
        let mut corrected: Vec<String> = Vec::new();
        let mut plan = Plan::default();
        let content_words = items.iter().filter(|i| matches!(i, Item::Word(w) if !is_stop_word(w))).count();
        for item in items {
            self.recording.clear();
            match item {
                Item::Word(word) => {
                    typed.push(word.clone());
                    if content_words > 0 && is_stop_word(word) {
                        // "how do I run a job every night": the function words only add noise
                        // (they still count for the exact-title match).
                        corrected.push(word.clone());
                        continue;
                    }
                    let mut clauses = Vec::new();
                    if self.word_clauses(word, 1.0, &mut clauses) {
                        corrected.push(word.clone());
                    } else {
                        // Only words found nowhere are corrected: the common path stays exact.
                        let fixes = self.corrections(word);
                        if fixes.is_empty()
                            && let Some(parts) = self.split_compound(word)
                        {
                            // Two words run together (`crashloop`, `imagepull`): searched as
                            // neighbouring words, which also finds the identifiers they start.
                            for part in &parts {
                                self.word_clauses(part, CORRECTION_WEIGHT, &mut clauses);
                            }
                            corrected.extend(parts);
                        } else {
                            for fix in &fixes {
                                self.word_clauses(fix, CORRECTION_WEIGHT, &mut clauses);
                            }
                            corrected.push(fixes.into_iter().next().unwrap_or_else(|| word.clone()));
                        }
                    }
                    // Words that mean the same (`hpa`, `horizontalpodautoscaler`) count as this word.
                    let key = corrected.last().map(|w| w.to_lowercase()).unwrap_or_default();
                    for other in synonyms().get(&key).into_iter().flatten() {
                        self.word_clauses(other, SYNONYM_WEIGHT, &mut clauses);
                    }
                    if !clauses.is_empty() {
                        flat.extend(clauses.iter().map(|q| q.box_clone()));
                        text.push(union(clauses));
                        plan.words.push(std::mem::take(&mut self.recording));
                    }
                }
                Item::Phrase(words) => {
                    if let Some(q) = self.phrase_clause(words) {
                        phrases.push(q);
                        plan.required.push(std::mem::take(&mut self.recording));
                        typed.extend(words.iter().cloned());
                        corrected.extend(words.iter().cloned());
                    }
                }
            }
        }
        if text.is_empty() && phrases.is_empty() {
            return None;
        }
        let (exact, entry_exact, exact_keys) =
            self.exact_query(&typed, &corrected, &text, &phrases, &filters);
        plan.exact_keys = exact_keys;
        // A field or kind is named when a word is written in camelCase, or when a word or two or
        // three neighbouring words spell a compound name some document is titled by
        // (`imagepullpolicy`, "restart policy", "termination grace period").
        let named_words: Vec<String> =
            corrected.iter().filter(|w| !is_stop_word(w)).map(|w| w.to_lowercase()).collect();
        let names_identifier = typed.iter().any(|w| camel_case(w))
            || (1..=3).any(|len| {
                named_words.windows(len).any(|run| {
                    let ident = format!("{IDENT_KEY_PREFIX}{}", run.concat());
                    self.doc_freq(self.fields.exact, &ident) > 0
                })
            });
        // Neighbouring words that stand together in a document score extra ("node drain",
        // "concurrency policy", which also matches the identifier `concurrencyPolicy`).
        let content: Vec<String> = corrected.iter().filter(|w| !is_stop_word(w)).cloned().collect();
        let mut proximity: Vec<Box<dyn Query>> = Vec::new();
        self.recording.clear();
        // Runs of words that are a whole phrasing of the concept layer (`forbid traffic`, in
        // any order) point to the documents that answer it.
        let mut rule_intent = false;
        for len in 1..=MAX_PHRASING_WORDS.min(content.len()) {
            for run in content.windows(len) {
                let key = phrasing_key(run.iter().map(String::as_str));
                rule_intent |= rule_phrasings().contains(&key);
                if !key.is_empty() && self.doc_freq(self.fields.concepts, &key) > 0 {
                    let q = term_query(self.fields.concepts, &key, IndexRecordOption::WithFreqs);
                    proximity.push(boosted(q, BOOST_PHRASING * len as f32));
                }
            }
        }
        // Phrase clauses would keep tantivy from pruning the union (every document with any of
        // the words would be scored): the pairs are scored afterwards, for the best results only
        // (`Plan::extra`).
        plan.extra.clear();
        if content.len() <= MAX_PROXIMITY_WORDS {
            for pair in content.windows(2) {
                self.recording.clear();
                let _ = self.phrase_clause(pair);
                for mut clause in self.recording.drain(..) {
                    clause.boost *= PROXIMITY_BOOST;
                    plan.extra.push(clause);
                }
            }
        }
        self.recording.clear();
        let any = (!flat.is_empty()).then(|| {
            flat.extend(proximity);
            union(flat)
        });
        let main = combine(any, phrases, filters);
        let lower: Vec<String> = typed.iter().map(|w| w.to_lowercase()).collect();
        let field_intent = lower.iter().any(|w| FIELD_INTENT_WORDS.contains(&w.as_str()))
            || lower
                .windows(2)
                .any(|p| p[0] == "how" && ["many", "long", "much", "often"].contains(&p[1].as_str()));
        Some(Built {
            main,
            exact,
            entry_exact,
            plan,
            names_identifier,
            rule_intent,
            content_words,
            field_intent,
        })
    }

    /// The query of documents titled like the input as typed (or as corrected), scored by the
    /// `text` clauses. Each clause is intersected with the title match on its own, so that
    /// scoring costs in proportion to the (few) titled documents, not to the clauses' postings.
    fn exact_query(
        &self,
        typed: &[String],
        corrected: &[String],
        text: &[Box<dyn Query>],
        phrases: &[Box<dyn Query>],
        filters: &[Box<dyn Query>],
    ) -> ExactQueries {
        let f = self.fields;
        let mut keys: Vec<String> = Vec::new();
        let mut own: Vec<String> = Vec::new();
        let mut entries: Vec<String> = Vec::new();
        // The input as typed, as corrected, and with a word replaced by one that means the same
        // (`pvc` → `persistentvolumeclaim`, so the PersistentVolumeClaim entry counts as titled).
        let mut variants: Vec<Vec<String>> = vec![typed.to_vec(), corrected.to_vec()];
        if corrected.len() <= MAX_SYNONYM_VARIANT_WORDS {
            for (i, word) in corrected.iter().enumerate() {
                for other in synonyms().get(&word.to_lowercase()).into_iter().flatten() {
                    let mut v = corrected.to_vec();
                    v[i] = other.clone();
                    variants.push(v);
                }
            }
        }
        for words in &variants {
            let key = normalize_exact(&words.join(" "));
            if key.is_empty() || keys.contains(&key) {
                continue;
            }
            if self.doc_freq(f.exact, &key) > 0 {
                own.push(key.clone());
            }
            let entry_key = format!("{ENTRY_KEY_PREFIX}{key}");
            if self.doc_freq(f.exact, &entry_key) > 0 {
                entries.push(entry_key);
            }
            keys.push(key);
        }
        let titled_by = |keys: &[String]| -> Option<Box<dyn Query>> {
            if keys.is_empty() {
                return None;
            }
            let titled: Box<dyn Query> = Box::new(BooleanQuery::new(
                keys.iter()
                    .map(|k| (Occur::Should, term_query(f.exact, k, IndexRecordOption::Basic)))
                    .collect(),
            ));
            let titled: Box<dyn Query> = Box::new(ConstScoreQuery::new(titled, 0.0));
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for clause in text {
                let restricted = BooleanQuery::new(vec![
                    (Occur::Must, titled.box_clone()),
                    (Occur::Must, clause.box_clone()),
                ]);
                clauses.push((Occur::Should, Box::new(restricted)));
            }
            clauses.push((Occur::Must, titled));
            clauses.extend(phrases.iter().map(|q| (Occur::Must, q.box_clone())));
            clauses.extend(filters.iter().map(|q| (Occur::Must, q.box_clone())));
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    term_query(f.doc_type, "entry", IndexRecordOption::Basic),
                    EXACT_ENTRY_BONUS,
                )),
            ));
            Some(Box::new(BooleanQuery::new(clauses)))
        };
        (titled_by(&own), titled_by(&entries), keys)
    }
}

/// A union of clauses (scores add up).
fn union(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(clauses.into_iter().map(|q| (Occur::Should, q)).collect()))
}

/// The text clause with the required phrases and filters.
fn combine(
    text: Option<Box<dyn Query>>,
    phrases: Vec<Box<dyn Query>>,
    filters: Vec<Box<dyn Query>>,
) -> Box<dyn Query> {
    match text {
        Some(text) if phrases.is_empty() && filters.is_empty() => text,
        text => {
            // With required clauses present, a union would become optional: keep it required
            // unless a phrase already requires a match.
            let occur = if phrases.is_empty() { Occur::Must } else { Occur::Should };
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            clauses.extend(text.map(|t| (occur, t)));
            clauses.extend(phrases.into_iter().map(|q| (Occur::Must, q)));
            clauses.extend(filters.into_iter().map(|q| (Occur::Must, q)));
            Box::new(BooleanQuery::new(clauses))
        }
    }
}

/// English function words that carry no meaning in a question ("how do I ...", "why doesn't
/// it ..."), with the pieces contractions leave behind (`doesn't` → `doesn`; the `t` is kept: notes
/// write symptoms the same way, "can't reach").
const STOP_WORDS: &[&str] = &[
    "a", "about", "am", "an", "and", "are", "aren", "as", "at", "be", "been", "being", "by", "can", "could",
    "couldn", "d", "did", "didn", "do", "does", "doesn", "don", "for", "from", "had", "has", "hasn", "have",
    "haven", "how", "i", "if", "im", "in", "into", "is", "isn", "it", "its", "ll", "m", "me", "my", "of",
    "on", "or", "our", "please", "re", "s", "should", "shouldn", "so", "than", "that", "the", "their",
    "them", "then", "there", "these", "this", "to", "use", "ve", "was", "wasn", "we", "were", "weren",
    "what", "when", "where", "which", "who", "why", "will", "with", "won", "would", "wouldn", "you", "your",
];

/// Words that ask for a setting rather than about a topic.
const FIELD_INTENT_WORDS: &[&str] =
    &["setting", "settings", "field", "fields", "option", "options", "parameter", "parameters", "property"];

/// The keys ([`phrasing_key`]) of the phrasings of built-in concepts answered by the notes of
/// `kref check`'s rules as a whole (a `rules/` folder answer).
fn rule_phrasings() -> &'static std::collections::HashSet<String> {
    static KEYS: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let folder = RULE_NOTES.strip_prefix(kref_corpus::builtin::PATH_PREFIX).unwrap_or(RULE_NOTES);
        concepts::folder_phrasings()
            .iter()
            .filter(|(f, _)| f == folder)
            .flat_map(|(_, phrasings)| {
                phrasings.iter().map(|p| phrasing_key(p.split(|ch: char| !ch.is_alphanumeric())))
            })
            .filter(|k| !k.is_empty())
            .collect()
    })
}

/// A word written in camelCase (`maxSurge`, `CrashLoopBackOff`): a lower-case letter or digit
/// followed by an upper-case letter.
pub(crate) fn camel_case(word: &str) -> bool {
    word.chars()
        .zip(word.chars().skip(1))
        .any(|(a, b)| (a.is_lowercase() || a.is_numeric()) && b.is_uppercase())
}

pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Item {
        Item::Word(s.to_string())
    }

    #[test]
    fn parses_words_and_phrases_leniently() {
        assert_eq!(parse_user_query("rolling update"), [w("rolling"), w("update")]);
        assert_eq!(
            parse_user_query("\"rolling update\" pods"),
            [Item::Phrase(vec!["rolling".into(), "update".into()]), w("pods")]
        );
        assert_eq!(
            parse_user_query("\"unclosed phrase"),
            [Item::Phrase(vec!["unclosed".into(), "phrase".into()])]
        );
        assert_eq!(parse_user_query("foo:bar"), [w("foo"), w("bar")]);
        assert_eq!(parse_user_query("rollingUpdate.maxSurge"), [w("rollingUpdate"), w("maxSurge")]);
        assert_eq!(parse_user_query("\"single\""), [w("single")]);
        for odd in ["", "   ", "(((", "*", "\"", "\"\"", ":::", "-", "+", "~^"] {
            assert!(parse_user_query(odd).is_empty(), "{odd:?}");
        }
        let many = "word ".repeat(100);
        assert_eq!(parse_user_query(&many).len(), MAX_WORDS);
        let long = "é".repeat(2000);
        assert_eq!(parse_user_query(&long).len(), 1);
    }

    #[test]
    fn fuzzy_distance_by_length() {
        assert_eq!(fuzzy_distance(3), None);
        assert_eq!(fuzzy_distance(4), Some(1));
        assert_eq!(fuzzy_distance(7), Some(1));
        assert_eq!(fuzzy_distance(8), Some(2));
        assert_eq!(fuzzy_distance(20), Some(2));
    }

    #[test]
    fn automaton_counts_transpositions_as_one() {
        let dfa = lev_builder(1).build_dfa("concurrency");
        assert_eq!(dfa.eval("concurency"), Distance::Exact(1));
        assert_eq!(dfa.eval("cnocurrency"), Distance::Exact(1));
        assert!(matches!(dfa.eval("concurent"), Distance::AtLeast(_)));
    }
}
