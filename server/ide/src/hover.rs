//! Hover: what the key or value under the cursor means, from the schema and the notes.

use kref_yaml::{File, Location, Segment, Target, TextRange};

use super::docs::{self, FieldSite};
use super::knowledge::Knowledge;
use super::model::path_keys;
use super::site::{kind_of, located_kind, resolve};

/// A hover answer: Markdown for the range it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
    /// What is explained, as `Deployment.spec.strategy`, `Deployment` or `apps/v1`.
    pub subject: String,
}

/// Explains the key or value at `offset`: the kind, the apiVersion, a field, or a value of an
/// enumerated field. `None` on comments, blank space and keys the schema does not know.
pub fn hover(file: &File, offset: usize, kb: &Knowledge) -> Option<Hover> {
    // A JSON 6902 path in a kustomization's inline patch: the field of its target it names.
    if let Some(h) = crate::kustomize::hover::inline(file, offset, kb) {
        return Some(h);
    }
    let loc = crate::model::object::item_location(file, file.locate(offset));
    let (range, value) = match &loc.target {
        Target::Key { range, .. } => (*range, None),
        Target::Value { range, text, .. } if !range.is_empty() => (*range, Some(text.as_str())),
        _ => return None,
    };
    let (markdown, subject) = explain_location(&loc, value, kb)?;
    Some(Hover { range, markdown, subject })
}

/// The Markdown and subject for a located key (`value: None`) or value.
fn explain_location(loc: &Location, value: Option<&str>, kb: &Knowledge) -> Option<(String, String)> {
    let top = match loc.path.0.as_slice() {
        [Segment::Key(k)] => Some(k.as_str()),
        _ => None,
    };
    match top {
        Some("kind") => {
            let name = match value {
                Some(v) => v.to_string(),
                None => loc.kind.clone()?,
            };
            if name.is_empty() {
                return None;
            }
            return Some(match kind_of(kb, loc.api_version.as_deref(), &name) {
                Some(kind) => (docs::kind_doc(kb, kind, loc.api_version.as_deref()), kind.kind.clone()),
                None => (docs::unknown_kind_doc(kb, &name, loc.api_version.as_deref()), name),
            });
        }
        Some("apiVersion") => {
            let av = match value {
                Some(v) => v.to_string(),
                None => loc.api_version.clone()?,
            };
            if av.is_empty() {
                return None;
            }
            let kind = loc.kind.as_deref().map(|k| kind_of(kb, Some(&av), k).map_or(k, |k| k.kind.as_str()));
            return Some((docs::api_version_doc(kb, &av, kind), av));
        }
        _ => {}
    }
    let doc_kind = loc.kind.as_deref()?;
    let Some(kind) = located_kind(kb, loc) else {
        // A field of a kind the schema lacks: say why there is nothing to show.
        if loc.path.len() == 1 && value.is_none() {
            return Some((docs::unknown_kind_doc(kb, doc_kind, loc.api_version.as_deref()), doc_kind.into()));
        }
        return None;
    };
    let resolved = resolve(kb, kind, &loc.path)?;
    let keys = path_keys(&loc.path);
    let site = FieldSite { kind, resolved: &resolved, keys: &keys, doc_kind };
    let subject = format!("{}.{}", kind.kind, resolved.path);
    if let Some(v) = value
        && let Some(md) = docs::value_doc(kb, &site, v)
    {
        return Some((md, subject));
    }
    Some((docs::field_doc(kb, &site), subject))
}

/// `kref/explain`: the field (or kind, or apiVersion) at `offset`, with the same Markdown hover
/// shows; on a new key being typed or a blank line, the object that receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// `Deployment.spec.strategy`, `Deployment`, `apps/v1`.
    pub path: String,
    pub markdown: String,
}

/// Explains the position at `offset` (see [`Explained`]).
pub fn explain(file: &File, offset: usize, kb: &Knowledge) -> Option<Explained> {
    if let Some(h) = hover(file, offset, kb) {
        return Some(Explained { path: h.subject, markdown: h.markdown });
    }
    let loc = crate::model::object::item_location(file, file.locate(offset));
    if !matches!(loc.target, Target::NewKey { .. } | Target::NewItem { .. } | Target::Value { .. }) {
        return None;
    }
    let doc_kind = loc.kind.as_deref()?;
    let kind = located_kind(kb, &loc)?;
    if loc.path.is_empty() {
        return Some(Explained {
            path: kind.kind.clone(),
            markdown: docs::kind_doc(kb, kind, loc.api_version.as_deref()),
        });
    }
    // The mapping or list that receives what is being typed.
    let mut path = loc.path.0.clone();
    while matches!(path.last(), Some(Segment::Index(_))) {
        path.pop();
    }
    if path.is_empty() {
        return None;
    }
    let resolved = resolve(kb, kind, &path)?;
    let keys = path_keys(&path);
    let site = FieldSite { kind, resolved: &resolved, keys: &keys, doc_kind };
    Some(Explained { path: format!("{}.{}", kind.kind, resolved.path), markdown: docs::field_doc(kb, &site) })
}
