//! The tantivy schema and the mapping of a [`Doc`] onto it.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

use crate::doc::{BREADCRUMB_SEPARATOR, Doc, DocType};
use crate::query::is_stop_word;
use crate::tokenizer::{TEXT_ANALYZER, identifier_word_ranges, stem_into, stem_word, text_analyzer};

/// The fields of the index, resolved once.
///
/// Each text is analysed once: a document's headings in `heading`, its text in `body`. There is
/// no separate typo vocabulary (corrections walk the term dictionaries of the analysed fields).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    /// Stored only.
    pub id: Field,
    /// Raw (`section`, `entry`, `schema`), stored.
    pub doc_type: Field,
    /// Raw (`builtin`, `user`), stored.
    pub origin: Field,
    /// Raw, stored: the key of incremental removal.
    pub file: Field,
    /// Stored only.
    pub line: Field,
    pub prior: Field,
    /// Stored only (searched through `heading`).
    pub title: Field,
    /// Stored only (a section's is searched through `heading`).
    pub breadcrumb: Field,
    /// Stemmed text with positions: the title, and for sections their heading path as well.
    pub heading: Field,
    /// Stemmed text with positions, stored (snippets are made from it).
    pub body: Field,
    /// Stemmed text with frequencies.
    pub tags: Field,
    /// Raw, lower-cased: the `kind` filter and a ranking signal (with frequencies, which
    /// tantivy's block-max WAND needs to prune a union that includes it).
    pub kinds: Field,
    /// Stored only: `kinds` as written.
    pub kinds_display: Field,
    /// Raw, lower-cased normalized names the document is titled by (see [`exact_keys`]).
    pub exact: Field,
    /// Stemmed text with positions: the phrasings the concept layer attaches to the document.
    pub aliases: Field,
    /// Fast: what the document is, for priors that depend on the question ([`CLASS_SCHEMA`]...).
    pub class: Field,
    /// Raw: each phrasing of `aliases` as a key of its sorted word stems ([`phrasing_key`]), so a
    /// question that contains a whole phrasing matches it, in any order.
    pub concepts: Field,
    /// Stored only: the entries kept inside a section document ([`crate::packed::PackedEntry`],
    /// as JSON).
    pub entries: Field,
    /// Fast: how many entries a section document keeps inside it.
    pub packed: Field,
}

/// [`Fields::class`] of notes' sections and entries.
pub(crate) const CLASS_NOTE: u64 = 0;
/// [`Fields::class`] of schema documents.
pub(crate) const CLASS_SCHEMA: u64 = 1;
/// [`Fields::class`] of the notes of `kref check`'s rules (`builtin:rules/`).
pub(crate) const CLASS_RULE: u64 = 2;
/// Where the notes of `kref check`'s rules live.
pub(crate) const RULE_NOTES: &str = "builtin:rules/";
/// Prefix of the [`Fields::exact`] keys that name a compound identifier a document is titled by
/// (`ident:imagepullpolicy`): tells a typed `imagepullpolicy` from a plain word.
pub(crate) const IDENT_KEY_PREFIX: &str = "ident:";
/// Prefix of the [`Fields::exact`] keys of the entries kept inside a section document
/// (`entry:maxsurg`): the section holds an entry titled so.
pub(crate) const ENTRY_KEY_PREFIX: &str = "entry:";

const FIELD_NAMES: [&str; 19] = [
    "id",
    "doc_type",
    "origin",
    "file",
    "line",
    "title",
    "breadcrumb",
    "heading",
    "body",
    "tags",
    "kinds",
    "kinds_display",
    "exact",
    "prior",
    "aliases",
    "class",
    "concepts",
    "entries",
    "packed",
];

fn text(analyzer: &str, record: IndexRecordOption, stored: bool, fieldnorms: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record)
            .set_fieldnorms(fieldnorms),
    );
    if stored { options.set_stored() } else { options }
}

/// Builds the schema. Changing it requires bumping [`crate::INDEX_SCHEMA_VERSION`].
pub(crate) fn build_schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STORED);
    b.add_text_field("doc_type", STRING | STORED);
    b.add_text_field("origin", STRING | STORED);
    b.add_text_field("file", STRING | STORED);
    b.add_u64_field("line", NumericOptions::default().set_stored());
    let positions = IndexRecordOption::WithFreqsAndPositions;
    b.add_text_field("title", STORED);
    b.add_text_field("breadcrumb", STORED);
    b.add_text_field("heading", text(TEXT_ANALYZER, positions, false, true));
    b.add_text_field("body", text(TEXT_ANALYZER, positions, true, true));
    b.add_text_field("tags", text(TEXT_ANALYZER, IndexRecordOption::WithFreqs, false, true));
    b.add_text_field("kinds", text("raw", IndexRecordOption::WithFreqs, false, true));
    b.add_text_field("kinds_display", STORED);
    b.add_text_field("exact", text("raw", IndexRecordOption::Basic, false, false));
    b.add_f64_field("prior", NumericOptions::default().set_fast());
    // No field norms: a document with many phrasings matches each as well as one with a few.
    b.add_text_field("aliases", text(TEXT_ANALYZER, positions, false, false));
    b.add_u64_field("class", NumericOptions::default().set_fast());
    b.add_text_field("concepts", text("raw", IndexRecordOption::WithFreqs, false, false));
    b.add_text_field("entries", STORED);
    b.add_u64_field("packed", NumericOptions::default().set_fast());
    b.build()
}

impl Fields {
    /// Resolves the fields of `schema`; `Err` names the first one missing.
    pub(crate) fn resolve(schema: &Schema) -> Result<Fields, String> {
        let mut found = Vec::with_capacity(FIELD_NAMES.len());
        for name in FIELD_NAMES {
            found.push(schema.get_field(name).map_err(|_| format!("field `{name}` is missing"))?);
        }
        Ok(Fields {
            id: found[0],
            doc_type: found[1],
            origin: found[2],
            file: found[3],
            line: found[4],
            title: found[5],
            breadcrumb: found[6],
            heading: found[7],
            body: found[8],
            tags: found[9],
            kinds: found[10],
            kinds_display: found[11],
            exact: found[12],
            prior: found[13],
            aliases: found[14],
            class: found[15],
            concepts: found[16],
            entries: found[17],
            packed: found[18],
        })
    }
}

/// Registers kref's analyzers; needed on every [`Index`] handle, since tantivy does not persist
/// custom analyzers.
pub(crate) fn register_analyzers(index: &Index) {
    index.tokenizers().register(TEXT_ANALYZER, text_analyzer());
}

/// Normalizes a name for exact comparison: lower-case letters and digits, each word stemmed,
/// words separated by one space (`Deployment › rollingUpdate.maxSurge` →
/// `deploy rollingupd maxsurg`), so that `cronjob schedules` is titled like `CronJob › schedule`.
pub(crate) fn normalize_exact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut lower = String::new();
    for word in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        stem_into(&lower, &mut out);
    }
    out
}

/// The names a document counts as titled by, for the exact-title boost: the whole title, its last
/// breadcrumb segment (`Deployment › strategy` → `strategy`), the last part of a dotted field path
/// (`rollingUpdate.maxSurge` → `maxSurge`), and each side of `A / B` titles.
pub(crate) fn exact_keys(title: &str) -> Vec<String> {
    let mut raw: Vec<&str> = vec![title];
    let last = title.rsplit(BREADCRUMB_SEPARATOR).next().unwrap_or(title).trim();
    raw.push(last);
    if !last.contains(char::is_whitespace)
        && let Some((_, tail)) = last.rsplit_once('.')
    {
        raw.push(tail);
    }
    if title.contains(" / ") {
        raw.extend(title.split(" / "));
    }
    let mut keys: Vec<String> = Vec::new();
    for key in raw.into_iter().map(normalize_exact) {
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The [`IDENT_KEY_PREFIX`] keys of the compound identifiers in a title: every run of letters and
/// digits made of two or more words (`Pod.spec.volumes[].awsElasticBlockStore` →
/// `ident:awselasticblockstore`; `Deployment` and `spec` are single words and give none).
pub(crate) fn compound_identifiers(title: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for run in title.split(|c: char| !c.is_alphanumeric()).filter(|r| !r.is_empty()) {
        if identifier_word_ranges(run).len() >= 2 {
            let key = format!("{IDENT_KEY_PREFIX}{}", run.to_lowercase());
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// The key of a phrasing or of a run of query words: the stems of its words other than stop
/// words, sorted and joined by spaces (`forbid traffic`, `traffic forbidden` → `forbid traffic`).
pub(crate) fn phrasing_key<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut stems: Vec<String> = words
        .into_iter()
        .filter(|w| !w.is_empty() && !is_stop_word(w))
        .map(|w| stem_word(&w.to_lowercase()))
        .collect();
    stems.sort();
    stems.dedup();
    stems.join(" ")
}

/// Maps documents onto the schema: each section keeps the entries that read inside it (see
/// [`crate::packed`]); other entries, and every other document, become documents of their own.
pub(crate) fn pack(f: &Fields, docs: &[Doc]) -> Vec<TantivyDocument> {
    let inside = crate::packed::assign(docs);
    docs.iter()
        .zip(inside)
        .filter_map(|(doc, placement)| match placement {
            crate::packed::Placement::Inside => None,
            crate::packed::Placement::Alone(entries) => Some(to_tantivy(f, doc, &entries)),
        })
        .collect()
}

/// Maps a [`Doc`] onto the schema, with the entries kept inside it (a section's).
pub(crate) fn to_tantivy(f: &Fields, doc: &Doc, entries: &[&Doc]) -> TantivyDocument {
    let mut d = TantivyDocument::new();
    d.add_text(f.id, &doc.id);
    d.add_text(f.doc_type, doc.doc_type.as_str());
    d.add_text(f.origin, doc.origin.as_str());
    d.add_text(f.file, &doc.file);
    d.add_u64(f.line, u64::from(doc.line));
    d.add_f64(f.prior, f64::from(doc.prior));
    let class = if doc.doc_type == DocType::Schema {
        CLASS_SCHEMA
    } else if doc.file.starts_with(RULE_NOTES) {
        CLASS_RULE
    } else {
        CLASS_NOTE
    };
    d.add_u64(f.class, class);
    d.add_text(f.title, &doc.title);
    d.add_text(f.breadcrumb, &doc.breadcrumb);
    // The heading is searched once per document: its title, and for a section its heading path
    // too (`Deployment › Pitfalls`: the section's own title counts twice, as a title and as the
    // end of its path). An entry's heading path is its section's, which is searched there.
    d.add_text(f.heading, &doc.title);
    if doc.doc_type == DocType::Section {
        d.add_text(f.heading, &doc.breadcrumb);
    }
    d.add_text(f.body, &doc.body);
    let mut lower: Vec<String> = Vec::with_capacity(doc.kinds.len());
    for kind in &doc.kinds {
        let l = kind.to_lowercase();
        if !lower.contains(&l) {
            d.add_text(f.kinds, &l);
            d.add_text(f.kinds_display, kind);
            lower.push(l);
        }
    }
    for tag in &doc.tags {
        d.add_text(f.tags, tag);
    }
    for key in exact_keys(&doc.title) {
        d.add_text(f.exact, &key);
    }
    // Entries and schema documents are titled by field and kind names; sections by phrases.
    if doc.doc_type != DocType::Section {
        for ident in compound_identifiers(&doc.title) {
            d.add_text(f.exact, &ident);
        }
    }
    if !entries.is_empty() {
        crate::packed::add_entries(f, &mut d, doc, entries);
        d.add_u64(f.packed, entries.len() as u64);
    }
    let mut keys: Vec<String> = Vec::new();
    for alias in &doc.aliases {
        d.add_text(f.aliases, alias);
        let key = phrasing_key(alias.split(|c: char| !c.is_alphanumeric()));
        if !key.is_empty() && !keys.contains(&key) {
            d.add_text(f.concepts, &key);
            keys.push(key);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_resolves() {
        let schema = build_schema();
        assert!(Fields::resolve(&schema).is_ok());
        let mut b = Schema::builder();
        b.add_text_field("id", STRING);
        assert_eq!(Fields::resolve(&b.build()).unwrap_err(), "field `doc_type` is missing");
    }

    #[test]
    fn exact_keys_cover_names() {
        assert_eq!(exact_keys("StatefulSet"), ["statefulset"]);
        assert_eq!(
            exact_keys("Deployment › rollingUpdate.maxSurge"),
            ["deploy rollingupd maxsurg", "rollingupd maxsurg", "maxsurg"]
        );
        assert_eq!(
            exact_keys("ImagePullBackOff / ErrImagePull"),
            ["imagepullbackoff errimagepul", "imagepullbackoff", "errimagepul"]
        );
        assert_eq!(exact_keys("Rolling updates"), ["roll updat"]);
        assert!(exact_keys(" › ").is_empty());
        assert_eq!(normalize_exact("  CronJob › concurrencyPolicy "), "cronjob concurrencypolici");
        assert_eq!(normalize_exact("cronjob schedules"), normalize_exact("CronJob › schedule"));
        assert_eq!(
            compound_identifiers("Pod.spec.volumes[].awsElasticBlockStore"),
            ["ident:awselasticblockstore"]
        );
        assert_eq!(
            compound_identifiers("Deployment › rollingUpdate.maxSurge"),
            ["ident:rollingupdate", "ident:maxsurge"]
        );
        assert!(compound_identifiers("Deployment › strategy").is_empty());
        assert_eq!(phrasing_key(["forbid", "traffic"]), phrasing_key(["Traffic", "forbid"]));
        assert_eq!(phrasing_key("store a password".split(' ')), "password store");
    }
}
