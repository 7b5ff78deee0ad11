//! The Kubernetes API schema model: kinds, the field type graph, enum facts and API lifecycle.
//!
//! [`Schema::builtin`] is every kind of the Kubernetes release k8s-openapi's `latest` feature
//! describes, generated at build time and decoded on first use. Imported OpenAPI documents and
//! CRDs ([`import`]) are laid over it with [`Schema::with_overlay`]: an imported kind replaces the
//! built-in kind of the same group/version/kind and records where it came from.
//!
//! Lookups take kind names, plurals and `kubectl` short names, case-insensitively; paths go
//! through arrays and maps (`spec.template.spec.containers[].ports[].protocol`, also without `[]`
//! or with `[0]`).

mod builtin;
mod convert;
pub mod defaults;
pub mod enums;
mod error;
mod export;
pub mod import;
pub mod kustomize;
pub mod lifecycle;
mod model;
mod openapi;
mod shortnames;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

pub use builtin::{BUILTIN_KUBERNETES_VERSION, builtin_source_bytes};
pub use error::ImportError;
pub use import::{import, import_crds, import_openapi, import_openapi_v2, import_openapi_v3};
pub use lifecycle::{ApiStatus, KubeVersion, Lifecycle, Replacement, api_status, lifecycle};
pub use model::{
    Alternatives, Bound, Checks, Combine, DecodeError, EnumRestriction, EnumValue, Field, FieldType, Kind,
    KindSource, SchemaSource, TypeDef, TypeRef, Validation,
};
pub use shortnames::{SHORT_NAMES, guess_plural};

/// How deep [`Schema::find_fields_named`] looks below a kind (`spec.template.spec.containers[]`
/// `.securityContext.seccompProfile.type` is 7 fields deep).
pub const FIND_MAX_DEPTH: usize = 12;

/// An immutable, indexed schema: kinds and their shared type graph.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    types: Vec<Arc<TypeDef>>,
    kinds: Vec<Arc<Kind>>,
    /// Lower-case kind name, plural, singular, short name, `plural.group` → kind indexes,
    /// most preferred first.
    names: HashMap<String, Vec<usize>>,
    /// (apiVersion, kind) → kind index.
    gvk: HashMap<(String, String), usize>,
    type_names: HashMap<String, TypeRef>,
    /// Names of the sources laid over the built-in schema, in order.
    overlays: Vec<String>,
}

/// A resolved field path.
#[derive(Clone, Debug)]
pub struct Resolved<'a> {
    pub kind: &'a Kind,
    /// The fields named by the path, outermost first (map keys and indexes add none).
    pub fields: Vec<&'a Field>,
    /// The type at the end of the path (after any `[]` or map key).
    pub ty: FieldType,
    /// The canonical path: `spec.template.spec.containers[].ports[].protocol`.
    pub path: String,
}

impl<'a> Resolved<'a> {
    /// The last field of the path (`None` for the kind itself).
    pub fn field(&self) -> Option<&'a Field> {
        self.fields.last().copied()
    }

    /// The object type whose fields come next, if the path ends at (a list or map of) objects.
    pub fn object(&self) -> Option<TypeRef> {
        self.ty.object()
    }
}

/// A field found by [`Schema::find_fields_named`].
#[derive(Clone, Debug)]
pub struct FieldPath<'a> {
    /// `spec.strategy.rollingUpdate.maxSurge`.
    pub path: String,
    pub field: &'a Field,
    /// The object type that has the field.
    pub owner: TypeRef,
}

/// Why a path does not resolve.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("unknown kind or resource {name:?}{}", did_you_mean(.suggestions))]
    UnknownKind { name: String, suggestions: Vec<String> },
    #[error("{kind} has no field {name:?} at {}{}", where_text(.at), did_you_mean(.suggestions))]
    UnknownField { kind: String, at: String, name: String, suggestions: Vec<String> },
    #[error("{kind}: {at} is {ty}, which has no fields (cannot go on to {name:?})")]
    NotAnObject { kind: String, at: String, ty: String, name: String },
    #[error("bad field path {path:?}: {reason}")]
    BadPath { path: String, reason: String },
}

fn where_text(path: &str) -> String {
    if path.is_empty() { "the top level".into() } else { path.to_string() }
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    }
}

/// One segment of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg<'p> {
    Name(&'p str),
    /// `[]`, `[*]`, `[0]` or `[key]`.
    Index(&'p str),
}

fn parse_path(path: &str) -> Result<Vec<Seg<'_>>, ResolveError> {
    let bad = |reason: &str| ResolveError::BadPath { path: path.to_string(), reason: reason.to_string() };
    let mut segs = Vec::new();
    let bytes = path.as_bytes();
    let mut i = 0;
    let mut start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'.' => {
                if i > start {
                    segs.push(Seg::Name(&path[start..i]));
                } else if !matches!(segs.last(), Some(Seg::Index(_))) || i == 0 {
                    return Err(bad("empty segment"));
                }
                i += 1;
                start = i;
            }
            b'[' => {
                if i > start {
                    segs.push(Seg::Name(&path[start..i]));
                }
                let Some(close) = path[i..].find(']') else { return Err(bad("unclosed [")) };
                let inner = path[i + 1..i + close].trim_matches(|c| c == '"' || c == '\'');
                segs.push(Seg::Index(inner));
                i += close + 1;
                start = i;
            }
            b']' => return Err(bad("] without [")),
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        segs.push(Seg::Name(&path[start..]));
    } else if path.ends_with('.') {
        return Err(bad("ends with ."));
    }
    Ok(segs)
}

/// Stability rank of an API version: (stage, major, minor), higher is preferred
/// (`v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1`).
fn version_rank(version: &str) -> (u8, u32, u32) {
    let rest = version.strip_prefix('v').unwrap_or(version);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let major = digits.parse().unwrap_or(0);
    let tail = &rest[digits.len()..];
    let (stage, minor_text) = if let Some(m) = tail.strip_prefix("beta") {
        (1, m)
    } else if let Some(m) = tail.strip_prefix("alpha") {
        (0, m)
    } else if tail.is_empty() {
        (2, "")
    } else {
        (0, "")
    };
    (stage, major, minor_text.parse().unwrap_or(0))
}

/// Up to three candidates close to `input` (case-insensitive edit distance and Jaro-Winkler).
pub fn suggest<'c>(candidates: impl IntoIterator<Item = &'c str>, input: &str) -> Vec<String> {
    let needle = input.to_ascii_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, i64, String)> = Vec::new();
    let mut seen = HashSet::new();
    for cand in candidates {
        if !seen.insert(cand) {
            continue;
        }
        let lower = cand.to_ascii_lowercase();
        let distance = strsim::damerau_levenshtein(&needle, &lower);
        let jw = strsim::jaro_winkler(&needle, &lower);
        let limit = (needle.len().max(lower.len()) / 3).max(1);
        let close = distance <= limit
            || jw >= 0.9
            || (needle.len() >= 3 && (lower.starts_with(&needle) || lower.contains(&needle)));
        if close && lower != needle || (lower == needle && cand != input) {
            scored.push((distance, -((jw * 1000.0) as i64), cand.to_string()));
        }
    }
    scored.sort();
    scored.into_iter().take(3).map(|(_, _, c)| c).collect()
}

impl Schema {
    /// The built-in schema (decoded on first use; a few milliseconds).
    pub fn builtin() -> &'static Schema {
        builtin::schema()
    }

    /// An indexed schema of one source.
    pub fn from_source(source: SchemaSource) -> Schema {
        let mut schema = Schema {
            types: source.types.into_iter().map(Arc::new).collect(),
            kinds: source.kinds.into_iter().map(Arc::new).collect(),
            ..Schema::default()
        };
        schema.reindex();
        schema
    }

    /// This schema with `imported` laid over it: its kinds replace kinds of the same
    /// group/version/kind and add the others; its types that only name a definition (a CRD's
    /// `metadata`) link to the definition of that name here; its fields without enum values take
    /// those of the same field of a same-named definition here.
    pub fn with_overlay(&self, imported: &SchemaSource) -> Schema {
        let mut out = self.clone();
        let offset = out.types.len() as u32;
        let n = imported.types.len() as u32;
        // Where each imported type ends up: external stubs resolve to existing definitions.
        let target: Vec<TypeRef> = imported
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| match (t.external, self.type_names.get(&t.name)) {
                (true, Some(existing)) => *existing,
                _ => TypeRef(offset + i as u32),
            })
            .collect();
        let map = |t: TypeRef| target.get(t.index()).copied().unwrap_or(TypeRef(offset + n));
        for ty in &imported.types {
            let mut ty = ty.clone();
            let base = self.type_names.get(&ty.name).and_then(|t| self.types.get(t.index()));
            for field in &mut ty.fields {
                field.ty.remap(&map);
                if let Some(base_field) = base.and_then(|b| b.field(&field.name)) {
                    if field.enum_values.is_empty() {
                        field.enum_values.clone_from(&base_field.enum_values);
                        field.enum_open = base_field.enum_open;
                        field.restrictions.clone_from(&base_field.restrictions);
                    }
                    if field.default.is_none() {
                        field.default.clone_from(&base_field.default);
                    }
                }
            }
            out.types.push(Arc::new(ty));
        }
        for kind in &imported.kinds {
            let mut kind = kind.clone();
            kind.root = map(kind.root);
            let existing = out
                .kinds
                .iter()
                .position(|k| k.group == kind.group && k.version == kind.version && k.kind == kind.kind);
            match existing {
                Some(i) => out.kinds[i] = Arc::new(kind),
                None => out.kinds.push(Arc::new(kind)),
            }
        }
        out.overlays.push(imported.name.clone());
        out.reindex();
        out
    }

    fn reindex(&mut self) {
        self.names.clear();
        self.gvk.clear();
        self.type_names.clear();
        for (i, ty) in self.types.iter().enumerate() {
            if !ty.external {
                self.type_names.insert(ty.name.clone(), TypeRef(i as u32));
            }
        }
        for (i, kind) in self.kinds.iter().enumerate() {
            self.gvk.insert((kind.api_version(), kind.kind.clone()), i);
            let mut keys = vec![kind.kind.to_ascii_lowercase(), kind.plural.to_ascii_lowercase()];
            keys.extend(kind.short_names.iter().map(|s| s.to_ascii_lowercase()));
            if !kind.group.is_empty() {
                keys.push(format!("{}.{}", kind.plural.to_ascii_lowercase(), kind.group));
                keys.push(format!("{}.{}", kind.kind.to_ascii_lowercase(), kind.group));
                keys.push(format!("{}.{}.{}", kind.plural.to_ascii_lowercase(), kind.version, kind.group));
            }
            keys.sort();
            keys.dedup();
            // Kinds that are not resources have no plural: `kref explain ""` found one of them.
            keys.retain(|k| !k.is_empty() && !k.starts_with('.'));
            for key in keys {
                self.names.entry(key).or_default().push(i);
            }
        }
        let kinds = &self.kinds;
        let pref = |i: &usize| {
            let k = &kinds[*i];
            let (stage, major, minor) = version_rank(&k.version);
            (
                k.subresource,
                k.source != KindSource::Builtin && !k.group.is_empty() && k.group.contains('.'),
                !k.group.is_empty(),
                std::cmp::Reverse((stage, major, minor)),
                k.group.clone(),
            )
        };
        for list in self.names.values_mut() {
            list.sort_by_key(pref);
        }
    }

    /// Every kind, in no particular order.
    pub fn kinds(&self) -> impl Iterator<Item = &Kind> {
        self.kinds.iter().map(|k| k.as_ref())
    }

    /// Number of kinds.
    pub fn kind_count(&self) -> usize {
        self.kinds.len()
    }

    /// Number of shared type definitions.
    pub fn type_count(&self) -> usize {
        self.types.len()
    }

    /// Names of the sources laid over the built-in schema.
    pub fn overlays(&self) -> &[String] {
        &self.overlays
    }

    /// The preferred kind for a kind name, plural, singular or short name (`Deployment`,
    /// `deployments`, `deploy`, `deployments.apps`), case-insensitive. Among versions, GA beats
    /// beta beats alpha, the core group beats others and built-in beats imported CRD groups.
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds_named(name).into_iter().next()
    }

    /// Every kind a name matches, most preferred first.
    pub fn kinds_named(&self, name: &str) -> Vec<&Kind> {
        let key = name.trim().to_ascii_lowercase();
        self.names
            .get(&key)
            .map(|list| list.iter().map(|&i| self.kinds[i].as_ref()).collect())
            .unwrap_or_default()
    }

    /// The kind of a manifest's `apiVersion` and `kind` (exact, as the API server matches them).
    pub fn kind_for(&self, api_version: &str, kind: &str) -> Option<&Kind> {
        self.gvk.get(&(api_version.to_string(), kind.to_string())).map(|&i| self.kinds[i].as_ref())
    }

    /// A name matching `name` under `api_version` (case-insensitive kind, plural or short name).
    pub fn kind_in(&self, api_version: &str, name: &str) -> Option<&Kind> {
        self.kinds_named(name).into_iter().find(|k| k.has_api_version(api_version))
    }

    /// Kind names close to an unknown `name` (for "did you mean").
    pub fn suggest_kinds(&self, name: &str) -> Vec<String> {
        let lower = name.to_ascii_lowercase();
        let mut out = Vec::new();
        for key in suggest(self.names.keys().map(String::as_str), &lower) {
            if let Some(kind) = self.kind(&key)
                && !out.contains(&kind.kind)
            {
                out.push(kind.kind.clone());
            }
        }
        out
    }

    /// A type definition.
    pub fn type_def(&self, t: TypeRef) -> Option<&TypeDef> {
        self.types.get(t.index()).map(|t| t.as_ref())
    }

    /// The type of a definition name (`io.k8s.api.core.v1.Container`).
    pub fn type_named(&self, name: &str) -> Option<TypeRef> {
        self.type_names.get(name).copied()
    }

    /// The fields of an object type (empty for an unknown reference).
    pub fn children(&self, t: TypeRef) -> &[Field] {
        self.type_def(t).map(|t| t.fields.as_slice()).unwrap_or(&[])
    }

    /// A readable type: `[]Container`, `map[string]string`, `int-or-string`, `Quantity`.
    pub fn display_type(&self, ty: &FieldType) -> String {
        ty.display_with(&|t| self.type_def(t).map(|d| d.title.clone()).unwrap_or_else(|| "Object".into()))
    }

    /// Resolves `path` below the kind `kind` names (any name [`Schema::kind`] accepts).
    pub fn resolve(&self, kind: &str, path: &str) -> Result<Resolved<'_>, ResolveError> {
        let Some(k) = self.kind(kind) else {
            return Err(ResolveError::UnknownKind {
                name: kind.to_string(),
                suggestions: self.suggest_kinds(kind),
            });
        };
        self.resolve_in(k, path)
    }

    /// Resolves `RESOURCE[.field.path]` as `kubectl explain` takes it: `deploy.spec.replicas`.
    pub fn resolve_dotted(&self, dotted: &str) -> Result<Resolved<'_>, ResolveError> {
        let (kind, path) = match dotted.find(['.', '[']) {
            Some(i) => (&dotted[..i], dotted[i..].trim_start_matches('.')),
            None => (dotted, ""),
        };
        self.resolve(kind, path)
    }

    /// Resolves `path` below `kind`. An empty path is the kind itself.
    pub fn resolve_in<'s>(&'s self, kind: &'s Kind, path: &str) -> Result<Resolved<'s>, ResolveError> {
        let segs = parse_path(path.trim())?;
        let mut fields: Vec<&Field> = Vec::new();
        let mut ty = FieldType::Object(kind.root);
        let mut canonical = String::new();
        for seg in segs {
            if let FieldType::Union(alts) = &ty {
                ty = self.union_alternative(alts, &seg);
            }
            match seg {
                Seg::Index(key) => match ty {
                    FieldType::Array(inner) => {
                        canonical.push_str("[]");
                        ty = *inner;
                    }
                    FieldType::Map(inner) => {
                        canonical.push_str(&format!("[{key}]"));
                        ty = *inner;
                    }
                    FieldType::FreeForm => canonical.push_str(&format!("[{key}]")),
                    other => {
                        return Err(ResolveError::NotAnObject {
                            kind: kind.kind.clone(),
                            at: canonical,
                            ty: self.display_type(&other),
                            name: format!("[{key}]"),
                        });
                    }
                },
                Seg::Name(name) => loop {
                    match ty {
                        FieldType::Array(inner) => {
                            canonical.push_str("[]");
                            ty = *inner;
                        }
                        FieldType::Map(inner) => {
                            canonical.push_str(&format!("[{name}]"));
                            ty = *inner;
                            break;
                        }
                        FieldType::FreeForm => {
                            push_name(&mut canonical, name);
                            break;
                        }
                        FieldType::Object(t) => {
                            let def = self.type_def(t);
                            match def.and_then(|d| d.field(name)) {
                                Some(field) => {
                                    push_name(&mut canonical, &field.name);
                                    fields.push(field);
                                    ty = field.ty.clone();
                                }
                                None if def.is_some_and(|d| d.open) => {
                                    push_name(&mut canonical, name);
                                    ty = FieldType::FreeForm;
                                }
                                None => {
                                    let names = self.children(t).iter().map(|f| f.name.as_str());
                                    return Err(ResolveError::UnknownField {
                                        kind: kind.kind.clone(),
                                        at: canonical,
                                        name: name.to_string(),
                                        suggestions: suggest(names, name),
                                    });
                                }
                            }
                            break;
                        }
                        other => {
                            return Err(ResolveError::NotAnObject {
                                kind: kind.kind.clone(),
                                at: canonical,
                                ty: self.display_type(&other),
                                name: name.to_string(),
                            });
                        }
                    }
                },
            }
        }
        Ok(Resolved { kind, fields, ty, path: canonical })
    }

    /// The alternative of a union a path step goes into: the first object type that has the
    /// field (for a name), else the first list or map, else free-form.
    fn union_alternative(&self, alts: &[FieldType], seg: &Seg<'_>) -> FieldType {
        if let Seg::Name(name) = seg {
            let has = |t: &FieldType| match t {
                FieldType::Object(r) => self.type_def(*r).is_some_and(|d| d.open || d.field(name).is_some()),
                _ => false,
            };
            if let Some(t) = alts.iter().find(|t| has(t)) {
                return t.clone();
            }
        }
        let container = |t: &&FieldType| match seg {
            Seg::Index(_) => matches!(t, FieldType::Array(_) | FieldType::Map(_)),
            Seg::Name(_) => matches!(t, FieldType::Map(_) | FieldType::Object(_)),
        };
        alts.iter().find(container).cloned().unwrap_or(FieldType::FreeForm)
    }

    /// Every path in `kind`'s tree whose last field is `name`, or whose last fields are the
    /// dotted suffix `name` (`rollingUpdate.maxSurge`): breadth-first, shallowest first, at
    /// most [`FIND_MAX_DEPTH`] fields deep, never entering a type twice on one path. Used to
    /// attach notes that name a field without its full path.
    pub fn find_fields_named(&self, kind: &str, name: &str) -> Vec<FieldPath<'_>> {
        let Some(k) = self.kind(kind) else { return Vec::new() };
        let wanted: Vec<&str> =
            name.split('.').map(|s| s.trim_end_matches("[]")).filter(|s| !s.is_empty()).collect();
        let Some(&last) = wanted.last() else { return Vec::new() };
        let mut out = Vec::new();
        // (type, path of field names, display path, types on the path)
        let mut queue: VecDeque<(TypeRef, Vec<&str>, String, Vec<TypeRef>)> = VecDeque::new();
        queue.push_back((k.root, Vec::new(), String::new(), vec![k.root]));
        let mut budget = 200_000usize;
        while let Some((t, names, path, seen)) = queue.pop_front() {
            for field in self.children(t) {
                budget = budget.saturating_sub(1);
                if budget == 0 {
                    return out;
                }
                let mut field_path = path.clone();
                push_name(&mut field_path, &field.name);
                let mut field_names = names.clone();
                field_names.push(&field.name);
                if field.name == last && field_names.ends_with(&wanted) {
                    out.push(FieldPath { path: field_path.clone(), field, owner: t });
                }
                if field_names.len() >= FIND_MAX_DEPTH {
                    continue;
                }
                if let Some(child) = field.ty.object()
                    && !seen.contains(&child)
                {
                    let mut child_path = field_path;
                    push_suffix(&mut child_path, &field.ty);
                    let mut child_seen = seen.clone();
                    child_seen.push(child);
                    queue.push_back((child, field_names, child_path, child_seen));
                }
            }
        }
        out
    }

    /// Values of `field` close to an unknown `value`.
    pub fn suggest_values(field: &Field, value: &str) -> Vec<String> {
        suggest(field.enum_values.iter().map(|v| v.value.as_str()), value)
    }
}

fn push_name(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

/// `[]` per array level and `[*]` per map level on the way to the object of `ty`.
fn push_suffix(path: &mut String, ty: &FieldType) {
    match ty {
        FieldType::Array(inner) => {
            path.push_str("[]");
            push_suffix(path, inner);
        }
        FieldType::Map(inner) => {
            path.push_str("[*]");
            push_suffix(path, inner);
        }
        _ => {}
    }
}

impl FieldType {
    /// A readable name of this type in `schema`: `[]Container`, `map[string]string`.
    pub fn display(&self, schema: &Schema) -> String {
        schema.display_type(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths() {
        assert_eq!(
            parse_path("spec.containers[].ports[0].protocol").unwrap(),
            vec![
                Seg::Name("spec"),
                Seg::Name("containers"),
                Seg::Index(""),
                Seg::Name("ports"),
                Seg::Index("0"),
                Seg::Name("protocol")
            ]
        );
        assert_eq!(
            parse_path("metadata.annotations[kubernetes.io/x]").unwrap(),
            vec![Seg::Name("metadata"), Seg::Name("annotations"), Seg::Index("kubernetes.io/x")]
        );
        assert!(parse_path("spec..x").is_err());
        assert!(parse_path("spec[").is_err());
        assert!(parse_path("spec.").is_err());
        assert!(parse_path("").unwrap().is_empty());
    }

    #[test]
    fn ranks_versions() {
        assert!(version_rank("v2") > version_rank("v1"));
        assert!(version_rank("v1") > version_rank("v1beta2"));
        assert!(version_rank("v1beta2") > version_rank("v1beta1"));
        assert!(version_rank("v1beta1") > version_rank("v1alpha3"));
    }

    #[test]
    fn suggests_close_names() {
        let names = ["containers", "initContainers", "volumes", "nodeName"];
        assert_eq!(suggest(names, "contaners")[0], "containers");
        assert!(suggest(names, "zzzz").is_empty());
    }
}
