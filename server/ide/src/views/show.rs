//! The section view: one note section (or one kind or field of the schema) with its Markdown,
//! and how a section is found by id, entry id, path or title.

use kref_corpus::schema::Schema;
use kref_corpus::{Note, Section};
use serde::{Deserialize, Serialize};

use crate::schema_doc::schema_section;

/// What `kref show --json` prints and `kref/show` answers. Stable: fields are only added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    /// The headings above it and its own, joined by ` › ` (for schema results: where the kind
    /// comes from).
    pub breadcrumb: String,
    /// `builtin` or `user`.
    pub source: String,
    /// The note's path; the id for schema results.
    pub path: String,
    /// 1-based, inclusive (0 for schema results).
    pub line_start: u32,
    pub line_end: u32,
    pub kinds: Vec<String>,
    /// The section's Markdown, its heading included.
    pub markdown: String,
}

impl SectionView {
    /// A section of a note.
    pub fn of_note(note: &Note, section: &Section) -> SectionView {
        SectionView {
            id: section.id.clone(),
            title: section.title.clone(),
            breadcrumb: section.heading_path.join(" › "),
            source: note.origin.as_str().to_string(),
            path: note.path.clone(),
            line_start: section.line_start,
            line_end: section.line_end,
            kinds: section.kinds.clone(),
            markdown: section.markdown.clone(),
        }
    }

    /// A kind or field of the schema, by the id of its search result (`schema:kind:apps/v1/Deployment`,
    /// `schema:field:CronJob.spec.schedule`); `None` when it names nothing.
    pub fn of_schema(schema: &Schema, id: &str) -> Option<SectionView> {
        let section = schema_section(schema, id)?;
        Some(SectionView {
            id: id.to_string(),
            title: section.title,
            breadcrumb: section.source,
            source: if section.builtin { "builtin" } else { "user" }.to_string(),
            path: id.to_string(),
            line_start: 0,
            line_end: 0,
            kinds: vec![section.kind],
            markdown: section.markdown,
        })
    }

    /// The section `target` names among `notes`, or among the schema for `schema:` ids.
    pub fn find(notes: &[Note], schema: &Schema, target: &str) -> Option<SectionView> {
        if target.starts_with("schema:") {
            return SectionView::of_schema(schema, target);
        }
        find_section(notes, target).map(|(note, section)| SectionView::of_note(note, section))
    }
}

/// Finds a section: exact id, an entry id (`kind:X@path:line`) or a note path, then exact title
/// (case-insensitive, the user's notes first), then an id that ends with the target.
pub fn find_section<'a>(notes: &'a [Note], target: &str) -> Option<(&'a Note, &'a Section)> {
    let target = target.trim();
    // Every id ends with "": an empty target would show an arbitrary section.
    if target.is_empty() {
        return None;
    }
    let by_location = |path: &str, line: Option<u32>| {
        let note = notes.iter().find(|n| n.path == path)?;
        let section = match line {
            Some(line) => note.sections.iter().rev().find(|s| s.line_start <= line)?,
            None => note.sections.first()?,
        };
        Some((note, section))
    };
    if let Some((_, location)) = target.split_once('@')
        && let Some((path, line)) = location.rsplit_once(':')
        && let Ok(line) = line.parse::<u32>()
        && let Some(found) = by_location(path, Some(line))
    {
        return Some(found);
    }
    if let Some(found) = by_location(target, None) {
        return Some(found);
    }
    let all = || {
        // The user's notes come after the built-in ones in `notes`; prefer them for titles.
        notes.iter().rev().flat_map(|n| n.sections.iter().map(move |s| (n, s)))
    };
    all()
        .find(|(_, s)| s.id == target)
        .or_else(|| all().find(|(_, s)| s.title.eq_ignore_ascii_case(target)))
        .or_else(|| all().find(|(_, s)| s.title.trim_matches('`').eq_ignore_ascii_case(target)))
        .or_else(|| all().find(|(_, s)| s.id.ends_with(target)))
}
