//! Completion: the keys valid at the cursor, the values of enumerated and boolean fields, kinds
//! with their apiVersion, apiVersions, and resource skeletons in an empty document.
//!
//! Items carry a [`DocRef`] instead of their full documentation: the editor asks for it
//! (`completionItem/resolve`) only for the item it shows, and [`resolve_docs`] rebuilds it from
//! the reference alone.

use kref_corpus::schema::{Field, FieldType, Kind, TypeRef, kustomize};
use kref_yaml::{Document, File, Location, ScalarStyle, Segment, Target, TextRange};

use super::docs::{self, FieldSite};
use super::knowledge::Knowledge;
use super::model::canonical_keys;
use super::site::{
    column, in_flow, indent_unit, indents_sequences, kind_of, line_start, located_kind, resolve,
};
use super::skeletons::SKELETONS;

/// What an item completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A mapping key (a field of the schema).
    Field,
    /// An allowed value of an enumerated field.
    Value,
    /// `true` or `false`.
    Boolean,
    /// A `kind:` value.
    Kind,
    /// An `apiVersion:` value.
    ApiVersion,
    /// A whole resource skeleton.
    Snippet,
    /// A template keyword (`if`, `range`...), in Helm templates.
    Keyword,
    /// A template function (`default`, `toYaml`...).
    Function,
    /// A built-in object of Helm templates (`.Values`, `.Release`...).
    Module,
}

/// A text replacement: `range` (byte offsets) becomes `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub text: String,
}

/// What documentation an item has, enough to build it again later (see [`resolve_docs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocRef {
    Kind {
        api_version: String,
        kind: String,
    },
    /// A field at a canonical schema path (`spec.strategy`) of a kind, in a document of
    /// `doc_kind` (for per-kind value restrictions).
    Field {
        api_version: String,
        kind: String,
        path: String,
        doc_kind: String,
    },
    /// A value of the field at `path`.
    Value {
        api_version: String,
        kind: String,
        path: String,
        doc_kind: String,
        value: String,
    },
    ApiVersion {
        api_version: String,
        kind: Option<String>,
    },
}

/// One completion item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: ItemKind,
    /// One line: the type and the first sentence of the description, or the apiVersion.
    pub detail: Option<String>,
    /// The main edit; its text is a snippet when `snippet` is set.
    pub edit: Edit,
    pub snippet: bool,
    /// Other edits to make with it (the `apiVersion` that goes with a `kind`).
    pub additional_edits: Vec<Edit>,
    /// Orders the list: required keys first, deprecated ones last.
    pub sort_text: String,
    pub filter_text: Option<String>,
    pub deprecated: bool,
    /// Where the documentation comes from, for resolving it later.
    pub docs: Option<DocRef>,
}

/// The completions at `offset`, best first; empty where nothing fits.
pub fn complete(file: &File, offset: usize, kb: &Knowledge) -> Vec<CompletionItem> {
    // Inside a kustomization's inline strategic-merge patch: the fields of the patch's kind.
    if let Some(items) = crate::kustomize::hover::inline_completion(file, offset, kb) {
        return items;
    }
    let found = file.locate(offset);
    // Whether the cursor is in a flow collection is read from the document; the rest sees an
    // item of a List as an object of its own.
    let flow = in_flow(file, &found);
    let loc = crate::model::object::item_location(file, found);
    let Some(doc) = file.documents.get(loc.document) else { return Vec::new() };
    let ctx = Ctx { file, kb, loc: &loc, doc, flow };
    match &loc.target {
        Target::NewKey { prefix_range, indent, .. } => {
            let range = ctx.key_range(*prefix_range, *indent);
            let col = *indent;
            if loc.path.is_empty() {
                ctx.root_keys(range, col)
            } else {
                ctx.keys_at(&loc.path.0, range, col, KeyEnd::Full)
            }
        }
        Target::NewItem { indent } => {
            let range = TextRange::empty(offset);
            let mut items = ctx.values_at(&loc.path.0, range, ScalarStyle::Plain);
            if items.is_empty() {
                items = ctx.keys_at(&loc.path.0, range, *indent, KeyEnd::Full);
            }
            items
        }
        Target::Value { range, style, .. } => {
            if let [Segment::Key(k)] = loc.path.0.as_slice() {
                match k.as_str() {
                    "kind" => return ctx.kinds(*range),
                    "apiVersion" => return ctx.api_versions(*range),
                    _ => {}
                }
            }
            let items = ctx.values_at(&loc.path.0, *range, *style);
            if !items.is_empty() || !matches!(loc.path.last(), Some(Segment::Index(_))) {
                return items;
            }
            // `- ima`: the first word of a list item whose items are objects is a key.
            let col = column(file, range.start);
            ctx.keys_at(&loc.path.0, *range, col, KeyEnd::Full)
        }
        Target::Key { range, .. } => {
            // On an existing key: other keys of the same mapping, replacing the name only.
            let parent = &loc.path.0[..loc.path.len().saturating_sub(1)];
            let col = column(file, range.start);
            if parent.is_empty() {
                let Some(kind) = located_kind(kb, &loc) else { return Vec::new() };
                ctx.field_items(kind, kind.root, parent, *range, col, KeyEnd::NameOnly)
            } else {
                ctx.keys_at(parent, *range, col, KeyEnd::NameOnly)
            }
        }
        Target::Nothing => Vec::new(),
    }
}

/// The Markdown documentation of an item, from its reference.
pub fn resolve_docs(kb: &Knowledge, docs_ref: &DocRef) -> Option<String> {
    match docs_ref {
        DocRef::Kind { api_version, kind } => {
            let k = kind_of(kb, Some(api_version), kind)?;
            Some(docs::kind_doc(kb, k, Some(api_version)))
        }
        DocRef::ApiVersion { api_version, kind } => {
            Some(docs::api_version_doc(kb, api_version, kind.as_deref()))
        }
        DocRef::Field { api_version, kind, path, doc_kind } => {
            let k = kind_of(kb, Some(api_version), kind)?;
            let resolved = kb.schema.resolve_in(k, path).ok()?;
            let keys = canonical_keys(path);
            Some(docs::field_doc(kb, &FieldSite { kind: k, resolved: &resolved, keys: &keys, doc_kind }))
        }
        DocRef::Value { api_version, kind, path, doc_kind, value } => {
            let k = kind_of(kb, Some(api_version), kind)?;
            let resolved = kb.schema.resolve_in(k, path).ok()?;
            let keys = canonical_keys(path);
            docs::value_doc(kb, &FieldSite { kind: k, resolved: &resolved, keys: &keys, doc_kind }, value)
        }
    }
}

/// How much a key item inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyEnd {
    /// `name: ` or `name:` + newline + indentation, by type.
    Full,
    /// Only the name (the `:` is already there).
    NameOnly,
}

/// Kinds offered first when nothing else orders them.
const COMMON_KINDS: &[&str] = &[
    "Deployment",
    "Service",
    "ConfigMap",
    "Secret",
    "Ingress",
    "Pod",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "PersistentVolumeClaim",
    "ServiceAccount",
    "HorizontalPodAutoscaler",
    "Namespace",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "PodDisruptionBudget",
];

struct Ctx<'a> {
    file: &'a File,
    kb: &'a Knowledge,
    loc: &'a Location,
    doc: &'a Document,
    /// The cursor is inside a flow collection (`{...}`, `[...]`).
    flow: bool,
}

impl<'a> Ctx<'a> {
    /// The range a new key replaces: the typed word, and on a line with nothing before the cursor,
    /// the extra indentation beyond the mapping's column too (so the key lands at its column).
    fn key_range(&self, prefix_range: TextRange, indent: usize) -> TextRange {
        if self.flow {
            return prefix_range;
        }
        let start = line_start(self.file, prefix_range.start);
        let before = &self.file.text()[start..prefix_range.start];
        if before.bytes().all(|b| b == b' ') && before.len() > indent {
            TextRange::new(start + indent, prefix_range.end)
        } else {
            prefix_range
        }
    }

    fn doc_kind(&self) -> &str {
        self.loc.kind.as_deref().unwrap_or_default()
    }

    /// Keys at the top of a document: the kind's fields, or, in a document with no kind yet,
    /// `apiVersion`/`kind`/`metadata` and the resource skeletons.
    fn root_keys(&self, range: TextRange, col: usize) -> Vec<CompletionItem> {
        if let Some(kind) = located_kind(self.kb, self.loc) {
            return self.field_items(kind, kind.root, &[], range, col, KeyEnd::Full);
        }
        let mut items = Vec::new();
        let empty = self.loc.siblings.is_empty() && self.loc.kind.is_none() && self.loc.api_version.is_none();
        if empty && col == 0 {
            items.extend(self.skeletons(range));
        }
        for (i, (name, insert)) in
            [("apiVersion", "apiVersion: "), ("kind", "kind: "), ("metadata", "metadata:\n")]
                .into_iter()
                .enumerate()
        {
            if self.loc.siblings.iter().any(|s| s == name) {
                continue;
            }
            let text = if name == "metadata" {
                format!("{insert}{}name: ", " ".repeat(col + indent_unit(self.file, self.loc.document)))
            } else {
                insert.to_string()
            };
            items.push(CompletionItem {
                label: name.to_string(),
                kind: ItemKind::Field,
                detail: Some(
                    match name {
                        "apiVersion" => "string · the API group and version of the kind",
                        "kind" => "string · the type of resource",
                        _ => "ObjectMeta · name, namespace, labels and annotations",
                    }
                    .to_string(),
                ),
                edit: Edit { range, text },
                snippet: false,
                additional_edits: Vec::new(),
                sort_text: format!("1{i}"),
                filter_text: None,
                deprecated: false,
                docs: None,
            });
        }
        items
    }

    fn skeletons(&self, range: TextRange) -> Vec<CompletionItem> {
        let unit = indent_unit(self.file, self.loc.document);
        // Replace from the start of the line, so the skeleton starts at column 0.
        let start = line_start(self.file, range.start);
        let range = TextRange::new(start, range.end);
        SKELETONS
            .iter()
            .enumerate()
            .map(|(i, s)| CompletionItem {
                label: s.kind.to_string(),
                kind: ItemKind::Snippet,
                detail: Some(format!("new {} ({})", s.kind, s.api_version)),
                edit: Edit { range, text: s.render(unit) },
                snippet: true,
                additional_edits: Vec::new(),
                sort_text: format!("0{i:02}"),
                filter_text: Some(s.kind.to_string()),
                deprecated: false,
                docs: Some(DocRef::Kind { api_version: s.api_version.into(), kind: s.kind.into() }),
            })
            .collect()
    }

    /// Keys of the object at `path` (a mapping path, or a list item path).
    fn keys_at(&self, path: &[Segment], range: TextRange, col: usize, end: KeyEnd) -> Vec<CompletionItem> {
        let Some(kind) = located_kind(self.kb, self.loc) else { return Vec::new() };
        let Some(resolved) = resolve(self.kb, kind, path) else { return Vec::new() };
        match resolved.ty {
            FieldType::Object(t) => self.field_items(kind, t, path, range, col, end),
            _ => Vec::new(),
        }
    }

    /// One item per field of object type `t` that the mapping does not have yet.
    fn field_items(
        &self,
        kind: &Kind,
        t: TypeRef,
        path: &[Segment],
        range: TextRange,
        col: usize,
        end: KeyEnd,
    ) -> Vec<CompletionItem> {
        let flow = self.flow;
        let unit = indent_unit(self.file, self.loc.document);
        let seq_indent = indents_sequences(self.file, self.doc);
        let base = super::model::schema_path(path).unwrap_or_default();
        let mut items = Vec::new();
        for field in self.kb.schema.children(t) {
            if field.read_only || self.loc.siblings.iter().any(|s| s == &field.name) {
                continue;
            }
            let text = match end {
                KeyEnd::NameOnly => field.name.clone(),
                KeyEnd::Full if flow => format!("{}: ", field.name),
                KeyEnd::Full => key_insert(field, col, unit, seq_indent),
            };
            let rank = if field.required {
                0
            } else if field.deprecated.is_some() {
                2
            } else {
                1
            };
            let path = if base.is_empty() { field.name.clone() } else { format!("{base}.{}", field.name) };
            items.push(CompletionItem {
                label: field.name.clone(),
                kind: ItemKind::Field,
                detail: Some(field_detail(self.kb, field)),
                edit: Edit { range, text },
                snippet: false,
                additional_edits: Vec::new(),
                sort_text: format!("{rank}{}", field.name),
                filter_text: None,
                deprecated: field.deprecated.is_some(),
                docs: Some(DocRef::Field {
                    api_version: kind.api_version(),
                    kind: kind.kind.clone(),
                    path,
                    doc_kind: self.doc_kind().to_string(),
                }),
            });
        }
        items
    }

    /// Values of the enumerated or boolean field at `path`.
    fn values_at(&self, path: &[Segment], range: TextRange, style: ScalarStyle) -> Vec<CompletionItem> {
        let Some(kind) = located_kind(self.kb, self.loc) else { return Vec::new() };
        let Some(resolved) = resolve(self.kb, kind, path) else { return Vec::new() };
        let Some(field) = resolved.field() else { return Vec::new() };
        if !resolved.ty.is_scalar() {
            return Vec::new();
        }
        let space = if self.needs_space(range) { " " } else { "" };
        let canonical = resolved.path.trim_end_matches("[]").to_string();
        let values: Vec<(String, String, bool)> = if !field.enum_values.is_empty() {
            field
                .values_for_kind(Some(self.doc_kind()))
                .into_iter()
                .map(|v| {
                    let mut detail = v.note.clone();
                    if field.default.as_deref() == Some(v.value.as_str()) {
                        detail =
                            if detail.is_empty() { "default".into() } else { format!("default · {detail}") };
                    }
                    (v.value.clone(), detail, v.deprecated)
                })
                .collect()
        } else if resolved.ty == FieldType::Boolean {
            let default = field.default.as_deref();
            ["true", "false"]
                .iter()
                .map(|b| {
                    let detail = if default == Some(*b) { "default".to_string() } else { String::new() };
                    (b.to_string(), detail, false)
                })
                .collect()
        } else {
            return Vec::new();
        };
        let kind_item = if resolved.ty == FieldType::Boolean { ItemKind::Boolean } else { ItemKind::Value };
        values
            .into_iter()
            .enumerate()
            .map(|(i, (value, detail, deprecated))| CompletionItem {
                label: value.clone(),
                kind: kind_item,
                detail: (!detail.is_empty()).then(|| docs::summary(&detail, 100)),
                edit: Edit { range, text: format!("{space}{}", quoted(&value, style, &resolved.ty)) },
                snippet: false,
                additional_edits: Vec::new(),
                sort_text: format!("{}{i:03}", u8::from(deprecated)),
                filter_text: Some(value.clone()),
                deprecated,
                docs: (kind_item == ItemKind::Value).then(|| DocRef::Value {
                    api_version: kind.api_version(),
                    kind: kind.kind.clone(),
                    path: canonical.clone(),
                    doc_kind: self.doc_kind().to_string(),
                    value,
                }),
            })
            .collect()
    }

    /// A value right after `key:` needs a space before it.
    fn needs_space(&self, range: TextRange) -> bool {
        range.start > 0 && self.file.text().as_bytes().get(range.start - 1) == Some(&b':')
    }

    /// `kind:` values: every kind once, in the version the document's apiVersion serves if it
    /// does, with an edit that sets `apiVersion` to match.
    fn kinds(&self, range: TextRange) -> Vec<CompletionItem> {
        let space = if self.needs_space(range) { " " } else { "" };
        let doc_av = self.doc.api_version.as_ref();
        // The Kustomize kinds only in what looks like a kustomization.
        let kustomization = doc_av.is_some_and(|(av, _)| av.starts_with("kustomize.config.k8s.io/"))
            || self.doc.root.as_ref().is_some_and(crate::model::project::kustomize::has_kustomization_keys);
        let mut names: Vec<&str> = self
            .kb
            .schema
            .kinds()
            .filter(|k| is_resource(k) && (kustomization || !kustomize::is_kustomize_group(&k.group)))
            .map(|k| k.kind.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut items = Vec::new();
        for name in names {
            let in_doc_version = doc_av.and_then(|(av, _)| self.kb.schema.kind_for(av, name));
            let Some(kind) = in_doc_version.or_else(|| kind_of(self.kb, None, name)) else { continue };
            let av = kind.api_version();
            let rank = if in_doc_version.is_some() {
                0
            } else if COMMON_KINDS.contains(&name) {
                1
            } else {
                2
            };
            let common = COMMON_KINDS.iter().position(|k| *k == name).unwrap_or(99);
            items.push(CompletionItem {
                label: name.to_string(),
                kind: ItemKind::Kind,
                detail: Some(av.clone()),
                edit: Edit { range, text: format!("{space}{name}") },
                snippet: false,
                additional_edits: self.api_version_edit(&av),
                sort_text: format!("{rank}{common:02}{name}"),
                filter_text: Some(name.to_string()),
                deprecated: false,
                docs: Some(DocRef::Kind { api_version: av, kind: name.to_string() }),
            });
        }
        items
    }

    /// The edit that makes the document's `apiVersion` say `av`: a new line before `kind:` when
    /// there is none, a replaced value when it differs.
    fn api_version_edit(&self, av: &str) -> Vec<Edit> {
        match &self.doc.api_version {
            Some((current, _)) if current == av => Vec::new(),
            Some((_, range)) if !range.is_empty() => vec![Edit { range: *range, text: av.to_string() }],
            Some(_) => Vec::new(),
            None => {
                let Some(pair) = self.doc.root.as_ref().and_then(|r| r.pair("kind")) else {
                    return Vec::new();
                };
                let col = column(self.file, pair.key_range.start);
                if col != 0 {
                    return Vec::new();
                }
                let at = pair.key_range.start;
                vec![Edit { range: TextRange::empty(at), text: format!("apiVersion: {av}\n") }]
            }
        }
    }

    /// `apiVersion:` values: those serving the document's kind, or every apiVersion.
    fn api_versions(&self, range: TextRange) -> Vec<CompletionItem> {
        let space = if self.needs_space(range) { " " } else { "" };
        let kind = self.loc.kind.as_deref().filter(|k| !k.is_empty());
        let versions: Vec<(String, String)> = match kind {
            Some(kind) if !docs::api_versions_of(self.kb, kind).is_empty() => {
                docs::api_versions_of(self.kb, kind).into_iter().map(|av| (av, kind.to_string())).collect()
            }
            _ => {
                let mut all: Vec<(String, Vec<&str>)> = Vec::new();
                for k in self.kb.schema.kinds().filter(|k| is_resource(k)) {
                    let av = k.api_version();
                    match all.iter_mut().find(|(a, _)| *a == av) {
                        Some((_, kinds)) => kinds.push(&k.kind),
                        None => all.push((av, vec![&k.kind])),
                    }
                }
                all.sort_by(|a, b| (version_rank(&b.0), &a.0).cmp(&(version_rank(&a.0), &b.0)));
                all.into_iter()
                    .map(|(av, mut kinds)| {
                        kinds.sort_unstable();
                        let more = if kinds.len() > 4 { ", …" } else { "" };
                        let shown: Vec<&str> = kinds.into_iter().take(4).collect();
                        (av, format!("{}{more}", shown.join(", ")))
                    })
                    .collect()
            }
        };
        versions
            .into_iter()
            .enumerate()
            .map(|(i, (av, detail))| CompletionItem {
                label: av.clone(),
                kind: ItemKind::ApiVersion,
                detail: Some(detail),
                edit: Edit { range, text: format!("{space}{av}") },
                snippet: false,
                additional_edits: Vec::new(),
                sort_text: format!("{i:04}"),
                filter_text: Some(av.clone()),
                deprecated: false,
                docs: Some(DocRef::ApiVersion { api_version: av, kind: kind.map(str::to_string) }),
            })
            .collect()
    }
}

/// A kind one writes manifests of: not a subresource, and served as a resource (`APIGroup` and
/// the like are discovery answers, with no resource name).
fn is_resource(kind: &Kind) -> bool {
    !kind.subresource && !kind.plural.is_empty()
}

/// What a key inserts in block style: `name: ` for scalars, `name:` and the next line's
/// indentation for objects and maps, and a first `- ` for lists.
fn key_insert(field: &Field, col: usize, unit: usize, seq_indent: bool) -> String {
    let child = " ".repeat(col + unit);
    match &field.ty {
        FieldType::Object(_) | FieldType::Map(_) | FieldType::FreeForm => format!("{}:\n{child}", field.name),
        FieldType::Array(_) => {
            let dash = if seq_indent { child } else { " ".repeat(col) };
            format!("{}:\n{dash}- ", field.name)
        }
        _ => format!("{}: ", field.name),
    }
}

/// `type · required · first sentence`.
fn field_detail(kb: &Knowledge, field: &Field) -> String {
    let mut parts = vec![kb.schema.display_type(&field.ty)];
    if field.required {
        parts.push("required".into());
    }
    if field.deprecated.is_some() {
        parts.push("deprecated".into());
    }
    let summary = docs::summary(&field.description, 90);
    if !summary.is_empty() {
        parts.push(summary);
    }
    parts.join(" · ")
}

/// `value` as it should be written: in the quotes already typed, and quoted when a plain scalar
/// would read as something else than a string (`"true"`, `"y"`, `"0x1F"`: YAML 1.1, as the
/// checks read it).
fn quoted(value: &str, style: ScalarStyle, ty: &FieldType) -> String {
    match style {
        ScalarStyle::DoubleQuoted => format!("\"{value}\""),
        ScalarStyle::SingleQuoted => format!("'{value}'"),
        _ if *ty == FieldType::String => kref_yaml::string_scalar(value),
        _ => value.to_string(),
    }
}

/// Orders apiVersions: GA before beta before alpha, then core and common groups first.
fn version_rank(av: &str) -> (u8, u8) {
    let version = av.rsplit('/').next().unwrap_or(av);
    let stage = if version.contains("alpha") {
        0
    } else if version.contains("beta") {
        1
    } else {
        2
    };
    let common = match av {
        "v1" => 5,
        "apps/v1" => 4,
        "batch/v1" => 3,
        "networking.k8s.io/v1" => 2,
        a if !a.contains('.') => 1,
        _ => 0,
    };
    (stage, common)
}
