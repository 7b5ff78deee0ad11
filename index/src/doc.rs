//! Search documents as plain data, and how a parsed note becomes them.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use kref_corpus::builtin::PATH_PREFIX;
use kref_corpus::concepts::{self, Target};
use kref_corpus::{Note, Origin, Subject};
use serde::{Deserialize, Serialize};

/// What a search document stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocType {
    /// A heading of a note and the text under it.
    Section,
    /// A note's entry about a kind, field, value or term.
    Entry,
    /// A kind or field of the Kubernetes schema.
    Schema,
}

impl DocType {
    /// The stable lower-case name used in the index and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Section => "section",
            DocType::Entry => "entry",
            DocType::Schema => "schema",
        }
    }

    /// The inverse of [`DocType::as_str`].
    pub fn parse(s: &str) -> Option<DocType> {
        match s {
            "section" => Some(DocType::Section),
            "entry" => Some(DocType::Entry),
            "schema" => Some(DocType::Schema),
            _ => None,
        }
    }
}

/// Parses [`Origin::as_str`] back.
pub(crate) fn parse_origin(s: &str) -> Option<Origin> {
    match s {
        "builtin" => Some(Origin::Builtin),
        "user" => Some(Origin::User),
        _ => None,
    }
}

/// One search document.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    /// Unique in the index.
    pub id: String,
    pub doc_type: DocType,
    pub origin: Origin,
    /// The note path it came from (the key for incremental removal); `schema:...` for schema docs.
    pub file: String,
    /// 1-based line in `file`.
    pub line: u32,
    pub title: String,
    /// Where the document sits: `Workloads › Deployment`.
    pub breadcrumb: String,
    /// Kinds and terms the document is about (filtered on exactly, ignoring case).
    pub kinds: Vec<String>,
    /// Plain text.
    pub body: String,
    pub tags: Vec<String>,
    /// What people call the document's topic in their own words (the concept layer's phrasings,
    /// a note's `aliases`): searched like a title.
    pub aliases: Vec<String>,
    /// A multiplier applied to the relevance of the top hits: what the document is tells how
    /// good an answer it makes (a kind's own entry answers "what is X"); 1.0 is neutral.
    pub prior: f32,
    /// For an entry: where it reads in its section's text. The index keeps such an entry inside
    /// its section's document (its words are the section's, analysed once) instead of as a
    /// document of its own, and scores it from the section's postings.
    pub within: Option<Within>,
}

/// Where an entry reads in the text (`body`) of the section document it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Within {
    /// The section document's `id`.
    pub section: String,
    /// Bytes of the section's body: the entry's names and explanation.
    pub span: std::ops::Range<usize>,
    /// Where the explanation starts (after the names), in bytes of the section's body.
    pub body_start: usize,
}

/// Priors of [`Doc::prior`] by what a document is.
pub mod prior {
    /// The entry that defines a kind.
    pub const KIND_ENTRY: f32 = 1.4;
    /// The text a note opens with, under its top heading.
    pub const NOTE_INTRO: f32 = 1.2;
    /// The entry about a field.
    pub const FIELD_ENTRY: f32 = 1.15;
    /// Anything else.
    pub const NEUTRAL: f32 = 1.0;
    /// A kind or field of the API schema: reference text, ranked below the notes that explain it.
    pub const SCHEMA: f32 = 0.85;
    /// A value named in passing inside a sentence.
    pub const INLINE_VALUE: f32 = 0.8;
    /// Applied on top for the user's own notes: they are shown first among equals.
    pub const USER_NOTE: f32 = 1.3;
    /// Applied on top for the notes of `kref check`'s rules (`builtin:rules/`): they answer
    /// "what does this diagnostic mean", rarely a question asked in words.
    pub const RULE_NOTE: f32 = 0.7;
}

/// The separator of breadcrumbs, as [`Subject::breadcrumb`] writes it.
pub const BREADCRUMB_SEPARATOR: &str = " › ";

/// The built-in concept layer by target: what [`docs_from_note`] attaches to built-in documents.
#[derive(Default)]
struct ConceptIndex {
    /// Section id (`builtin:...#...`) → phrasings.
    sections: HashMap<String, Vec<&'static str>>,
    /// Note path (`builtin:...`) → phrasings of its first section.
    notes: HashMap<String, Vec<&'static str>>,
    /// Folder prefix (`builtin:rules/`) → phrasings of the first section of its notes.
    folders: Vec<(String, Vec<&'static str>)>,
    /// Entry subject key → phrasings.
    entries: HashMap<String, Vec<&'static str>>,
}

fn concept_index() -> &'static ConceptIndex {
    static INDEX: OnceLock<ConceptIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = ConceptIndex::default();
        for concept in concepts::builtin() {
            let phrasings: Vec<&'static str> =
                concept.phrasings.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
            for target in concept.targets() {
                let list = match target {
                    Target::Section(id) => index.sections.entry(format!("{PATH_PREFIX}{id}")).or_default(),
                    Target::Note(path) => index.notes.entry(format!("{PATH_PREFIX}{path}")).or_default(),
                    Target::Entry(key) => index.entries.entry(key.to_string()).or_default(),
                    Target::Folder(prefix) => {
                        index.folders.push((format!("{PATH_PREFIX}{prefix}"), Vec::new()));
                        &mut index.folders.last_mut().expect("just pushed").1
                    }
                };
                list.extend(phrasings.iter().copied());
            }
        }
        index
    })
}

/// The phrasings a note's documents get: `(for its first section, by section id, by entry key)`.
/// Built-in notes get the concept layer's; a user's note gets its own front matter `aliases`
/// on its first section.
fn note_aliases(note: &Note) -> (Vec<String>, &'static ConceptIndex) {
    static EMPTY: OnceLock<ConceptIndex> = OnceLock::new();
    let mut first: Vec<String> =
        note.aliases.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    if note.origin != Origin::Builtin || !note.path.starts_with(PATH_PREFIX) {
        return (first, EMPTY.get_or_init(ConceptIndex::default));
    }
    let index = concept_index();
    first.extend(index.notes.get(&note.path).into_iter().flatten().map(|p| p.to_string()));
    for (prefix, phrasings) in &index.folders {
        if note.path.starts_with(prefix.as_str()) {
            first.extend(phrasings.iter().map(|p| p.to_string()));
        }
    }
    (first, index)
}

/// The search documents of a note: one per section and one per entry.
///
/// Sections: `id` is the section id, `title` its heading, `breadcrumb` the heading path,
/// `kinds` its kinds and terms. Entries: `id` is `<subject key>@<note path>:<line>` (made unique
/// with a `~2`, `~3`… suffix), `title` the subject's breadcrumb (`Deployment › strategy`),
/// `breadcrumb` the heading path of the section the entry is written in, `body` the entry's text
/// and `kinds` the subject's kind (or term). `aliases` are the phrasings of the concept layer
/// (built-in notes) or of the note's front matter (its first section).
pub fn docs_from_note(note: &Note) -> Vec<Doc> {
    let mut docs = Vec::with_capacity(note.sections.len() + note.entries.len());
    let (mut first_aliases, concepts) = note_aliases(note);
    let first_section = note.sections.iter().position(|s| s.level > 0).unwrap_or(0);
    let mut ids: HashSet<String> = HashSet::new();
    let origin_factor = if note.origin == Origin::User {
        prior::USER_NOTE
    } else if note.path.starts_with(crate::schema::RULE_NOTES) {
        prior::RULE_NOTE
    } else {
        1.0
    };
    for (i, section) in note.sections.iter().enumerate() {
        let mut aliases = if i == first_section { std::mem::take(&mut first_aliases) } else { Vec::new() };
        aliases.extend(concepts.sections.get(&section.id).into_iter().flatten().map(|p| p.to_string()));
        let mut kinds: Vec<String> = Vec::new();
        for k in section.kinds.iter().chain(&section.terms) {
            if !kinds.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                kinds.push(k.clone());
            }
        }
        let breadcrumb = if section.heading_path.is_empty() {
            section.title.clone()
        } else {
            section.heading_path.join(BREADCRUMB_SEPARATOR)
        };
        let id = unique_id(&mut ids, section.id.clone());
        docs.push(Doc {
            id,
            doc_type: DocType::Section,
            origin: note.origin,
            file: note.path.clone(),
            line: section.line_start,
            title: section.title.clone(),
            breadcrumb,
            kinds,
            body: section.text.clone(),
            tags: note.tags.clone(),
            aliases,
            prior: origin_factor * if section.level == 1 { prior::NOTE_INTRO } else { prior::NEUTRAL },
            within: None,
        });
    }
    // Each entry's breadcrumb is its section's (sections are few: a list beats a map).
    let breadcrumbs: Vec<(&str, &str)> =
        note.sections.iter().zip(&docs).map(|(s, d)| (s.id.as_str(), d.breadcrumb.as_str())).collect();
    let mut entry_docs = Vec::with_capacity(note.entries.len());
    for entry in &note.entries {
        let subject = &entry.subject;
        let kind = match subject {
            Subject::Term { term } => term.clone(),
            _ => subject.kind().unwrap_or_default().to_string(),
        };
        let breadcrumb = breadcrumbs
            .iter()
            .find(|(id, _)| *id == entry.section_id)
            .map_or_else(|| note.title.clone(), |(_, b)| b.to_string());
        let key = subject.key();
        let id = unique_id(&mut ids, format!("{key}@{}:{}", note.path, entry.line));
        entry_docs.push(Doc {
            id,
            doc_type: DocType::Entry,
            origin: note.origin,
            file: note.path.clone(),
            line: entry.line,
            title: subject.breadcrumb(),
            breadcrumb,
            kinds: if kind.is_empty() { Vec::new() } else { vec![kind] },
            body: entry.text.clone(),
            tags: note.tags.clone(),
            aliases: concepts.entries.get(&key).into_iter().flatten().map(|p| p.to_string()).collect(),
            prior: origin_factor
                * match subject {
                    Subject::Kind { .. } => prior::KIND_ENTRY,
                    Subject::Field { .. } => prior::FIELD_ENTRY,
                    _ if entry.inline => prior::INLINE_VALUE,
                    _ => prior::NEUTRAL,
                },
            within: (!entry.span.is_empty()).then(|| Within {
                section: entry.section_id.clone(),
                span: entry.span.clone(),
                body_start: entry.body_start,
            }),
        });
    }
    docs.extend(entry_docs);
    docs
}

fn unique_id(seen: &mut HashSet<String>, base: String) -> String {
    if seen.insert(base.clone()) {
        return base;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}~{n}");
        if seen.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kref_corpus::parse_note;

    #[test]
    fn sections_and_entries_become_docs() {
        let md = "---\ntags: [rollout]\n---\n# Workloads\n\n## Deployment\n\nKeeps Pods running.\n\n- `Deployment`: stateless.\n  - `strategy`: how Pods are replaced.\n    - `RollingUpdate`: the default.\n";
        let note = parse_note("builtin:workloads.md", Origin::Builtin, md);
        let docs = docs_from_note(&note);
        let section = docs.iter().find(|d| d.id == "builtin:workloads.md#workloads-deployment").unwrap();
        assert_eq!(section.doc_type, DocType::Section);
        assert_eq!(section.title, "Deployment");
        assert_eq!(section.breadcrumb, "Workloads › Deployment");
        assert_eq!(section.kinds, ["Deployment"]);
        assert_eq!(section.tags, ["rollout"]);
        assert_eq!(section.file, "builtin:workloads.md");
        assert_eq!(section.line, 6);
        assert!(section.body.contains("Keeps Pods running."));

        let value = docs
            .iter()
            .find(|d| d.id == "value:Deployment.strategy=RollingUpdate@builtin:workloads.md:12")
            .unwrap();
        assert_eq!(value.doc_type, DocType::Entry);
        assert_eq!(value.title, "Deployment › strategy › RollingUpdate");
        assert_eq!(value.breadcrumb, "Workloads › Deployment");
        assert_eq!(value.kinds, ["Deployment"]);
        assert_eq!(value.body, "the default.");
        assert_eq!(value.line, 12);
        assert_eq!(value.origin, Origin::Builtin);
    }

    #[test]
    fn ids_are_unique_and_terms_are_kinds() {
        let md = "# T\n- `kubelet`: node agent.\n- `Affinity`, `NodeAffinity`: rules.\n";
        let note = parse_note("n.md", Origin::User, md);
        let docs = docs_from_note(&note);
        let ids: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), docs.len());
        let kubelet = docs.iter().find(|d| d.title == "kubelet").unwrap();
        assert_eq!(kubelet.kinds, ["kubelet"]);
        let mut seen = HashSet::new();
        assert_eq!(unique_id(&mut seen, "a".into()), "a");
        assert_eq!(unique_id(&mut seen, "a".into()), "a~2");
        assert_eq!(unique_id(&mut seen, "a".into()), "a~3");
    }

    #[test]
    fn doc_type_names_round_trip() {
        for t in [DocType::Section, DocType::Entry, DocType::Schema] {
            assert_eq!(DocType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{}\"", t.as_str()));
        }
        assert_eq!(DocType::parse("x"), None);
        assert_eq!(parse_origin("user"), Some(Origin::User));
        assert_eq!(parse_origin("builtin"), Some(Origin::Builtin));
        assert_eq!(parse_origin(""), None);
    }
}
