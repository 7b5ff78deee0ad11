//! The knowledge base snapshot the features read: the schema, the note entries by subject, and the
//! search index. Immutable once built; shared behind an `Arc`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kref_corpus::schema::{KubeVersion, Schema};
use kref_corpus::{Note, Origin, Subject};
use kref_index::{DocType, Query, SearchIndex};

/// One note entry, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEntry {
    pub subject: Subject,
    /// Markdown.
    pub text: String,
    pub origin: Origin,
    /// `builtin:...` or the user's file path.
    pub path: String,
    pub line: u32,
    /// The title of the section the entry sits in.
    pub section: String,
    /// A value named inside a field's sentence rather than an item of its own; its `text` is the
    /// words after the value, a period, and the whole sentence.
    pub inline: bool,
}

/// Everything hover, completion, explain and the checks read.
pub struct Knowledge {
    pub schema: Arc<Schema>,
    /// The Kubernetes version lifecycle checks aim at.
    pub kube_version: KubeVersion,
    /// Full-text search over notes, when available.
    pub search: Option<Arc<SearchIndex>>,
    /// Entries by lower-cased kind (terms under the empty string).
    entries: HashMap<String, Vec<NoteEntry>>,
    /// Answers of [`Knowledge::related`], by query and kind: hover asks the same few questions
    /// over and over.
    related: Mutex<HashMap<RelatedKey, Vec<Related>>>,
}

/// A [`Knowledge::related`] question: query, kind, limit.
type RelatedKey = (String, Option<String>, usize);

/// A note found for a subject, for "See also" lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The id of the best section of it (`kref show ID`).
    pub id: String,
    /// The note's title (the first heading of its breadcrumb).
    pub title: String,
}

/// Answers kept per snapshot before the cache of related sections starts over.
const RELATED_CACHE_MAX: usize = 4096;

impl std::fmt::Debug for Knowledge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Knowledge")
            .field("kinds", &self.schema.kind_count())
            .field("entries", &self.entries.values().map(Vec::len).sum::<usize>())
            .finish_non_exhaustive()
    }
}

impl Knowledge {
    /// Builds the snapshot. `notes` may come in any order: user entries are always listed before
    /// built-in ones.
    pub fn new(
        schema: Arc<Schema>,
        notes: &[Note],
        search: Option<Arc<SearchIndex>>,
        kube_version: KubeVersion,
    ) -> Knowledge {
        let mut entries: HashMap<String, Vec<NoteEntry>> = HashMap::new();
        for note in notes {
            let titles: HashMap<&str, &str> =
                note.sections.iter().map(|s| (s.id.as_str(), s.title.as_str())).collect();
            for entry in &note.entries {
                let key = entry.subject.kind().unwrap_or("").to_ascii_lowercase();
                entries.entry(key).or_default().push(NoteEntry {
                    subject: entry.subject.clone(),
                    text: entry.text.clone(),
                    origin: note.origin,
                    path: note.path.clone(),
                    line: entry.line,
                    section: titles.get(entry.section_id.as_str()).copied().unwrap_or("").to_string(),
                    inline: entry.inline,
                });
            }
        }
        for list in entries.values_mut() {
            // User notes first, then built-in; stable within each.
            list.sort_by_key(|e| e.origin != Origin::User);
        }
        Knowledge { schema, kube_version, search, entries, related: Mutex::default() }
    }

    /// The same knowledge with another search index (built later, or reloaded).
    pub fn with_search(&self, search: Option<Arc<SearchIndex>>) -> Knowledge {
        Knowledge {
            schema: self.schema.clone(),
            kube_version: self.kube_version,
            search,
            entries: self.entries.clone(),
            related: Mutex::default(),
        }
    }

    /// Up to `limit` notes whose sections a search for `query` finds (about `kind` when given),
    /// best first, one per note title. Empty without a search index. Answers are cached.
    pub fn related(&self, query: &str, kind: Option<&str>, limit: usize) -> Vec<Related> {
        let Some(index) = &self.search else { return Vec::new() };
        let key = (query.to_string(), kind.map(str::to_string), limit);
        if let Ok(cache) = self.related.lock()
            && let Some(hit) = cache.get(&key)
        {
            return hit.clone();
        }
        let request = Query {
            text: query.to_string(),
            limit: limit + 2,
            kind: kind.map(str::to_string),
            origin: None,
            doc_type: Some(DocType::Section),
        };
        let mut out: Vec<Related> = Vec::new();
        for hit in index.search(&request).unwrap_or_default() {
            if out.len() >= limit {
                break;
            }
            // The note's own title: a section's ("Entries", "Example") means little alone.
            let note = hit.breadcrumb.split(kref_index::BREADCRUMB_SEPARATOR).next().map(str::trim);
            let title = note.filter(|t| !t.is_empty()).unwrap_or(&hit.title).to_string();
            if !out.iter().any(|r| r.title.eq_ignore_ascii_case(&title)) {
                out.push(Related { id: hit.id, title });
            }
        }
        if let Ok(mut cache) = self.related.lock() {
            if cache.len() >= RELATED_CACHE_MAX {
                cache.clear();
            }
            cache.insert(key, out.clone());
        }
        out
    }

    fn of_kind(&self, kind: &str) -> &[NoteEntry] {
        self.entries.get(&kind.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }

    /// Entries about the kind itself.
    pub fn kind_entries(&self, kind: &str) -> Vec<&NoteEntry> {
        self.of_kind(kind).iter().filter(|e| matches!(e.subject, Subject::Kind { .. })).collect()
    }

    /// Kinds whose entries apply at this path: the kind, and `Pod` inside a pod template
    /// (`Job` inside a CronJob's job template), with the path below the template.
    fn kinds_for<'p>(&self, kind: &'p str, path: &'p [&'p str]) -> Vec<(&'p str, &'p [&'p str])> {
        let mut out = vec![(kind, path)];
        if let Some((template, rest)) = crate::model::template_at(kind, path) {
            // spec.template.spec.containers → spec.containers of a Pod.
            out.push((template.as_str(), rest));
        }
        out
    }

    /// Entries about the field at `path` (keys only, no indexes) of `kind`, most specific first.
    pub fn field_entries(&self, kind: &str, path: &[&str]) -> Vec<&NoteEntry> {
        let mut out: Vec<(usize, &NoteEntry)> = Vec::new();
        for (k, p) in self.kinds_for(kind, path) {
            for e in self.of_kind(k) {
                if let Subject::Field { field, .. } = &e.subject
                    && let Some(len) = suffix_match(field, p)
                {
                    out.push((len, e));
                }
            }
        }
        // A longer matched suffix is a more specific entry; user notes stay first on ties.
        out.sort_by_key(|(len, e)| (std::cmp::Reverse(*len), e.origin != Origin::User));
        dedup(out.into_iter().map(|(_, e)| e).collect())
    }

    /// Entries about `value` of the field at `path`. Values noted directly under a kind (no field)
    /// match when the field allows that value.
    pub fn value_entries(
        &self,
        kind: &str,
        path: &[&str],
        value: &str,
        field_allows: bool,
    ) -> Vec<&NoteEntry> {
        let mut out = Vec::new();
        for (k, p) in self.kinds_for(kind, path) {
            for e in self.of_kind(k) {
                if let Subject::Value { field, value: v, .. } = &e.subject
                    && v == value
                {
                    let matches = match field {
                        Some(field) => suffix_match(field, p).is_some() || parent_match(field, p),
                        None => field_allows,
                    };
                    if matches {
                        out.push(e);
                    }
                }
            }
        }
        out.sort_by_key(|e| e.origin != Origin::User);
        dedup(out)
    }

    /// Entries about a term (`kubelet`, `CrashLoopBackOff`), case-insensitive.
    pub fn term_entries(&self, term: &str) -> Vec<&NoteEntry> {
        self.of_kind("")
            .iter()
            .filter(|e| matches!(&e.subject, Subject::Term { term: t } if t.eq_ignore_ascii_case(term)))
            .collect()
    }

    /// Every entry about a term (a function, a built-in object, a concept), with the term.
    pub fn term_list(&self) -> impl Iterator<Item = (&str, &NoteEntry)> {
        self.of_kind("").iter().filter_map(|e| match &e.subject {
            Subject::Term { term } => Some((term.as_str(), e)),
            _ => None,
        })
    }

    /// Every entry, for linting notes against the schema.
    pub fn all_entries(&self) -> impl Iterator<Item = &NoteEntry> {
        self.entries.values().flatten()
    }
}

/// Does the dotted `field` (`strategy.type`, `restartPolicy`) name the end of `path`? Returns
/// how many keys matched.
fn suffix_match(field: &str, path: &[&str]) -> Option<usize> {
    let parts: Vec<&str> =
        field.split('.').map(|p| p.trim_end_matches("[]")).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.len() > path.len() {
        return None;
    }
    let tail = &path[path.len() - parts.len()..];
    (tail == parts.as_slice()).then_some(parts.len())
}

/// Values noted under an object field (`strategy` › `RollingUpdate`) belong to its `type` child:
/// the path `spec.strategy.type` matches the field `strategy`.
fn parent_match(field: &str, path: &[&str]) -> bool {
    path.split_last().is_some_and(|(last, parent)| *last == "type" && suffix_match(field, parent).is_some())
}

fn dedup(entries: Vec<&NoteEntry>) -> Vec<&NoteEntry> {
    let mut out: Vec<&NoteEntry> = Vec::with_capacity(entries.len());
    for e in entries {
        if !out.iter().any(|o| o.path == e.path && o.line == e.line && o.subject == e.subject) {
            out.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert_eq!(suffix_match("strategy.type", &["spec", "strategy", "type"]), Some(2));
        assert_eq!(suffix_match("restartPolicy", &["spec", "template", "spec", "restartPolicy"]), Some(1));
        assert_eq!(suffix_match("containers[].ports", &["spec", "containers", "ports"]), Some(2));
        assert_eq!(suffix_match("replicas", &["spec", "strategy"]), None);
        assert!(parent_match("strategy", &["spec", "strategy", "type"]));
    }
}
