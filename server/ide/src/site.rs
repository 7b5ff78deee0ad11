//! From a located cursor to schema terms: the document's kind and the schema path under it.

use kref_corpus::schema::{Kind, Resolved};
use kref_yaml::{Document, File, Location, Node, NodeValue, Segment};

use super::model::schema_path;

use super::knowledge::Knowledge;

/// The schema kind a manifest names: the exact apiVersion/kind first, then the same kind name in
/// another version (a removed `extensions/v1beta1` Deployment still gets `apps/v1` fields), then a
/// case-insensitive match. Plurals and short names are not kinds in a manifest, so they do not
/// count.
pub fn kind_of<'k>(kb: &'k Knowledge, api_version: Option<&str>, kind: &str) -> Option<&'k Kind> {
    let schema = &kb.schema;
    if let Some(av) = api_version
        && let Some(k) = schema.kind_for(av, kind)
    {
        return Some(k);
    }
    let named = schema.kinds_named(kind);
    let exact = |k: &Kind| k.kind == kind && !k.subresource;
    if let Some(av) = api_version
        && let Some(k) = named.iter().find(|k| exact(k) && k.has_api_version(av))
    {
        return Some(k);
    }
    named
        .iter()
        .find(|k| exact(k))
        .or_else(|| named.iter().find(|k| k.kind.eq_ignore_ascii_case(kind) && !k.subresource))
        .copied()
}

/// The schema kind of the document a location is in.
pub fn located_kind<'k>(kb: &'k Knowledge, loc: &Location) -> Option<&'k Kind> {
    kind_of(kb, loc.api_version.as_deref(), loc.kind.as_deref()?)
}

/// Resolves a YAML path below `kind`; `None` when a key is not in the schema.
pub fn resolve<'k>(kb: &'k Knowledge, kind: &'k Kind, path: &[Segment]) -> Option<Resolved<'k>> {
    kb.schema.resolve_in(kind, &schema_path(path)?).ok()
}

/// The document at `loc` and its node at the location's path, if that node exists.
pub fn node_at<'f>(file: &'f File, loc: &Location) -> Option<&'f Node> {
    file.documents.get(loc.document)?.at_path(&loc.path)
}

/// Is the node at the location's path a flow collection (`{...}`, `[...]`)?
pub fn in_flow(file: &File, loc: &Location) -> bool {
    node_at(file, loc).is_some_and(|n| n.flow)
}

/// Does this document put list items deeper than their key (`key:\n  - a`) rather than at the
/// key's column (`key:\n- a`)? Decided by its first block list under a key; indented when it has
/// none.
pub fn indents_sequences(file: &File, doc: &Document) -> bool {
    for (_, pair) in doc.pairs().take(2000) {
        if let NodeValue::Sequence(items) = &pair.value.value
            && !pair.value.flow
            && !items.is_empty()
        {
            return column(file, pair.value.range.start) > column(file, pair.key_range.start);
        }
    }
    true
}

/// The byte column of `offset` on its line.
pub fn column(file: &File, offset: usize) -> usize {
    offset - line_start(file, offset)
}

/// The offset of the start of the line holding `offset`.
pub fn line_start(file: &File, offset: usize) -> usize {
    let index = file.line_index();
    index.line_range(index.line_of(offset)).map_or(0, |r| r.start)
}

/// The indentation step to use for the document at `index`: its own, or, for a document with no
/// content yet, that of the nearest document before it that has some.
pub fn indent_unit(file: &File, index: usize) -> usize {
    let own = file.documents.get(index);
    if let Some(doc) = own
        && doc.root.is_some()
    {
        return doc.indent_unit.max(1);
    }
    file.documents[..index.min(file.documents.len())]
        .iter()
        .rev()
        .find(|d| d.root.is_some())
        .map_or(2, |d| d.indent_unit.max(1))
}
