//! Notes checked against the schema: entries that name no known kind, field or value, with the
//! closest match (typos in notes). Used by `kref index --check` and by the corpus lint tests.

use std::collections::{BTreeSet, HashSet};

use kref_corpus::Subject;
use kref_corpus::schema::{Field, FieldType, Schema, TypeRef, suggest};

use super::knowledge::{Knowledge, NoteEntry};

/// One entry that does not match the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteProblem {
    pub path: String,
    pub line: u32,
    /// The entry's subject, as `Deployment › strategy › Rolling`.
    pub subject: String,
    pub message: String,
}

/// Every field name below a kind's root (bounded, cycle-safe), for suggestions.
fn field_names(schema: &Schema, root: TypeRef) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut seen = HashSet::new();
    let mut stack = vec![root];
    while let Some(t) = stack.pop() {
        if !seen.insert(t) || seen.len() > 2000 {
            continue;
        }
        for f in schema.children(t) {
            names.insert(f.name.clone());
            if let Some(child) = f.ty.object() {
                stack.push(child);
            }
        }
    }
    names
}

/// Fields of `kind` matching a note's field name or dotted suffix; `Pod` fields are also looked
/// for in pod templates, so `restartPolicy` under `Job` is found, and every served version of
/// the kind is tried (`regarding` is a field of `events.k8s.io/v1` Event only). A path that
/// continues into a map names a key (`resources.requests.storage`), which counts as found.
fn fields_named<'s>(schema: &'s Schema, kind: &str, field: &str) -> Vec<&'s Field> {
    let field = field.replace("[]", "");
    let mut names: Vec<String> = vec![kind.to_string()];
    names.extend(schema.kinds_named(kind).iter().map(|k| format!("{}.{}", k.plural, k.group)));
    if !kind.eq_ignore_ascii_case("Pod") {
        names.push("Pod".to_string());
    }
    for name in &names {
        let found: Vec<&Field> =
            schema.find_fields_named(name, &field).into_iter().map(|p| p.field).collect();
        if !found.is_empty() {
            return found;
        }
        if let Some((parent, _key)) = field.rsplit_once('.') {
            let maps: Vec<&Field> = schema
                .find_fields_named(name, parent)
                .into_iter()
                .map(|p| p.field)
                .filter(|f| matches!(f.ty, FieldType::Map(_)))
                .collect();
            if !maps.is_empty() {
                return maps;
            }
        }
    }
    Vec::new()
}

/// Allowed values of a field, looking into an object's `type` child (`strategy` → `strategy.type`).
fn values_of<'s>(schema: &'s Schema, field: &'s Field) -> Option<Vec<&'s str>> {
    if field.enum_open {
        return None;
    }
    if !field.enum_values.is_empty() {
        return Some(field.enum_values.iter().map(|v| v.value.as_str()).collect());
    }
    let object = field.ty.object().or_else(|| field.ty.element().object())?;
    let ty = schema.children(object).iter().find(|c| c.name == "type")?;
    if ty.enum_values.is_empty() || ty.enum_open {
        return None;
    }
    Some(ty.enum_values.iter().map(|v| v.value.as_str()).collect())
}

fn check_entry(
    schema: &Schema,
    entry: &NoteEntry,
    names_cache: &mut Vec<(String, BTreeSet<String>)>,
) -> Option<String> {
    let kind_name = entry.subject.kind()?;
    let Some(kind) = schema.kind(kind_name) else {
        let suggestions = schema.suggest_kinds(kind_name);
        return Some(match suggestions.first() {
            Some(s) => format!("{kind_name} is not a known kind; did you mean {s}?"),
            None => format!(
                "{kind_name} is not a kind of the schema; if it is a custom resource, `kref import` its CRD"
            ),
        });
    };
    let mut names_for = |root: TypeRef, key: &str| -> BTreeSet<String> {
        if let Some((_, names)) = names_cache.iter().find(|(k, _)| k == key) {
            return names.clone();
        }
        let names = field_names(schema, root);
        names_cache.push((key.to_string(), names.clone()));
        names
    };
    match &entry.subject {
        Subject::Field { field, .. } => {
            if fields_named(schema, &kind.kind, field).is_empty() {
                let last = field.rsplit('.').next().unwrap_or(field).replace("[]", "");
                let names = names_for(kind.root, &kind.kind);
                let close = suggest(names.iter().map(String::as_str), &last);
                return Some(match close.first() {
                    Some(s) => format!("{} has no field {field}; did you mean {s}?", kind.kind),
                    None => format!("{} has no field {field}", kind.kind),
                });
            }
            None
        }
        Subject::Value { field: Some(field), value, .. } => {
            let fields = fields_named(schema, &kind.kind, field);
            if fields.is_empty() {
                return Some(format!("{} has no field {field}", kind.kind));
            }
            let mut allowed: Vec<&str> = Vec::new();
            for f in &fields {
                match values_of(schema, f) {
                    None => return None,
                    Some(values) if values.contains(&value.as_str()) => return None,
                    Some(values) => allowed.extend(values),
                }
            }
            if allowed.is_empty() {
                return None;
            }
            allowed.sort_unstable();
            allowed.dedup();
            let close = suggest(allowed.iter().copied(), value);
            Some(match close.first() {
                Some(s) => format!("{value} is not an allowed value of {field}; did you mean {s}?"),
                None => {
                    format!("{value} is not an allowed value of {field} (allowed: {})", allowed.join(", "))
                }
            })
        }
        _ => None,
    }
}

/// Checks every entry (built-in and the user's) against the schema. Values found inside a
/// sentence and values noted directly under a kind are not checked: they are weak evidence.
pub fn check_notes(kb: &Knowledge, include: impl Fn(&NoteEntry) -> bool) -> Vec<NoteProblem> {
    let mut cache = Vec::new();
    let mut problems: Vec<NoteProblem> = kb
        .all_entries()
        .filter(|e| !e.inline && include(e))
        .filter_map(|e| {
            check_entry(&kb.schema, e, &mut cache).map(|message| NoteProblem {
                path: e.path.clone(),
                line: e.line,
                subject: e.subject.breadcrumb(),
                message,
            })
        })
        .collect();
    problems.sort_by(|a, b| (&a.path, a.line, &a.subject).cmp(&(&b.path, b.line, &b.subject)));
    problems.dedup();
    problems
}
