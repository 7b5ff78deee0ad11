//! The explain view: a kind or field of the schema with its type, required, default, allowed
//! values, lifecycle, description, the notes about it (the user's first) and its fields one level
//! down, as `kref explain` shows it.

use kref_corpus::schema::{Kind, ResolveError, Resolved, Schema, lifecycle};
use serde::{Deserialize, Serialize};

use crate::knowledge::{Knowledge, NoteEntry};
use crate::model::canonical_keys;
use crate::schema_doc::source_text;

/// What `kref explain --json` prints. Stable: fields are only added. The names before `group`
/// are the original ones (hence `apiVersion`); every later field is snake_case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainView {
    pub kind: String,
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `built-in` or the name of the import the kind comes from.
    pub source: String,
    /// `Deployment.spec.strategy` (canonical: `[]` after lists), or the kind alone.
    pub path: String,
    /// `Object` for a kind; `string`, `[]Container`, `map[string]string`, ... for a field.
    #[serde(rename = "type")]
    pub type_name: String,
    pub required: bool,
    pub default: Option<String>,
    pub deprecated: Option<String>,
    /// Allowed values with what each means.
    #[serde(rename = "enum")]
    pub values: Vec<ValueView>,
    pub description: String,
    /// The notes about it, the user's first.
    pub notes: Vec<ExplainNote>,
    /// Its fields, one level down.
    pub fields: Vec<FieldRow>,
    /// The API group (empty for the core group).
    pub group: String,
    pub version: String,
    /// The resource name: `deployments`.
    pub plural: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
    /// `built-in schema (Kubernetes 1.37)` or `imported from NAME`.
    pub source_text: String,
    /// The field's name (`null` for the kind itself).
    pub field: Option<String>,
    /// Deprecation and removal of this apiVersion/kind, when known.
    pub lifecycle: Option<LifecycleView>,
    /// The way up: the kind, then each field of the path, each with its `target`.
    pub breadcrumbs: Vec<Crumb>,
    /// The kind is the one its name resolves to without an apiVersion (else targets need it).
    pub preferred_version: bool,
}

/// An allowed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueView {
    pub value: String,
    pub note: String,
}

/// A note entry about the kind or field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainNote {
    /// `builtin` or `user`.
    pub source: String,
    pub path: String,
    pub line: u32,
    /// Markdown.
    pub text: String,
    /// The entry's id, for `kref show` (`field:CronJob.concurrencyPolicy@path:line`).
    pub id: String,
    /// What it is about: `CronJob › concurrencyPolicy`.
    pub subject: String,
    /// The title of the section it sits in.
    pub section: String,
}

/// A field one level down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRow {
    pub name: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub required: bool,
    #[serde(rename = "enum")]
    pub values: Vec<String>,
    /// The first sentence of its description.
    pub description: String,
    /// What to explain to see it: `Deployment.spec.strategy`.
    pub target: String,
    /// It is an object (or a list or map of them) with fields of its own.
    pub object: bool,
    pub default: Option<String>,
}

/// One step of the way up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crumb {
    pub name: String,
    /// What to explain to go there: `Deployment`, `Deployment.spec`.
    pub target: String,
}

/// The API lifecycle of the kind's apiVersion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleView {
    pub introduced: Option<String>,
    pub deprecated: Option<String>,
    pub removed: Option<String>,
    /// `apps/v1 Deployment`.
    pub replacement: Option<String>,
    pub note: Option<String>,
}

/// The explanation `kref/explain` gives of the field under the cursor: its path and Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainAtView {
    pub path: String,
    pub markdown: String,
}

/// What to explain: `RESOURCE[.field.path]` as `kubectl explain` takes it, and an apiVersion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExplainTarget {
    /// `deploy.spec.strategy`, `cronjob`, `pods.spec.containers.ports`.
    pub resource: String,
    /// `autoscaling/v2`: pick the kind of this version.
    pub api_version: Option<String>,
}

/// The kind part and the field path of a target (`deploy.spec` → `deploy`, `spec`).
fn split_resource(resource: &str) -> (&str, &str) {
    match resource.find(['.', '[']) {
        Some(i) => (&resource[..i], resource[i..].trim_start_matches('.')),
        None => (resource, ""),
    }
}

/// Resolves a target: kinds, plurals and short names, case-insensitive.
pub fn resolve_target<'s>(schema: &'s Schema, target: &ExplainTarget) -> Result<Resolved<'s>, ResolveError> {
    let (name, path) = split_resource(target.resource.trim());
    let kind = match &target.api_version {
        Some(v) => schema.kind_in(v, name).ok_or_else(|| ResolveError::UnknownKind {
            name: format!("{name} in {v}"),
            suggestions: schema.kinds_named(name).iter().map(|k| k.api_version()).collect(),
        })?,
        None => schema.kind(name).ok_or_else(|| ResolveError::UnknownKind {
            name: name.to_string(),
            suggestions: schema.suggest_kinds(name),
        })?,
    };
    schema.resolve_in(kind, path)
}

fn notes_for<'k>(kb: &'k Knowledge, resolved: &Resolved<'_>) -> Vec<&'k NoteEntry> {
    let kind = &resolved.kind.kind;
    if resolved.fields.is_empty() {
        kb.kind_entries(kind)
    } else {
        kb.field_entries(kind, &canonical_keys(&resolved.path))
    }
}

fn lifecycle_view(kind: &Kind) -> Option<LifecycleView> {
    let l = lifecycle::lifecycle(&kind.api_version(), &kind.kind)?;
    Some(LifecycleView {
        introduced: l.introduced.map(|v| v.to_string()),
        deprecated: l.deprecated.map(|v| v.to_string()),
        removed: l.removed.map(|v| v.to_string()),
        replacement: l.replacement.as_ref().map(ToString::to_string),
        note: l.note.clone(),
    })
}

/// The view of a resolved kind or field, with the notes `kb` holds about it.
pub fn explain_view(kb: &Knowledge, resolved: &Resolved<'_>) -> ExplainView {
    let schema = &kb.schema;
    let kind = resolved.kind;
    let field = resolved.field();
    let children = resolved.object().map_or(&[][..], |t| schema.children(t));
    let path_keys = canonical_keys(&resolved.path);
    let mut breadcrumbs = vec![Crumb { name: kind.kind.clone(), target: kind.kind.clone() }];
    let mut target = kind.kind.clone();
    for key in &path_keys {
        target = format!("{target}.{key}");
        breadcrumbs.push(Crumb { name: (*key).to_string(), target: target.clone() });
    }
    ExplainView {
        kind: kind.kind.clone(),
        api_version: kind.api_version(),
        source: kind.source.to_string(),
        path: if resolved.path.is_empty() {
            kind.kind.clone()
        } else {
            format!("{}.{}", kind.kind, resolved.path)
        },
        type_name: field.map_or_else(|| "Object".to_string(), |f| schema.display_type(&f.ty)),
        required: field.is_some_and(|f| f.required),
        default: field.and_then(|f| f.default.clone()),
        deprecated: field.and_then(|f| f.deprecated.clone()),
        values: field
            .map(|f| {
                f.values_for_kind(Some(&kind.kind))
                    .into_iter()
                    .map(|v| ValueView { value: v.value.clone(), note: v.note.clone() })
                    .collect()
            })
            .unwrap_or_default(),
        description: field.map_or(kind.description.as_str(), |f| f.description.as_str()).to_string(),
        notes: notes_for(kb, resolved)
            .into_iter()
            .map(|n| ExplainNote {
                source: n.origin.as_str().to_string(),
                path: n.path.clone(),
                line: n.line,
                text: n.text.clone(),
                id: format!("{}@{}:{}", n.subject.key(), n.path, n.line),
                subject: n.subject.breadcrumb(),
                section: n.section.clone(),
            })
            .collect(),
        fields: children
            .iter()
            .map(|c| FieldRow {
                name: c.name.clone(),
                type_name: schema.display_type(&c.ty),
                required: c.required,
                values: c.values_for_kind(Some(&kind.kind)).iter().map(|v| v.value.clone()).collect(),
                description: first_sentence(&c.description),
                target: format!("{target}.{}", c.name),
                object: c.ty.object().is_some(),
                default: c.default.clone(),
            })
            .collect(),
        group: kind.group.clone(),
        version: kind.version.clone(),
        plural: kind.plural.clone(),
        short_names: kind.short_names.clone(),
        namespaced: kind.namespaced,
        source_text: source_text(kind),
        field: field.map(|f| f.name.clone()),
        lifecycle: lifecycle_view(kind),
        breadcrumbs,
        preferred_version: schema
            .kind(&kind.kind)
            .is_some_and(|k| k.group == kind.group && k.version == kind.version && k.source == kind.source),
    }
}

/// The first sentence of a description, for one-line summaries.
pub fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}
