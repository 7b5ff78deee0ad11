//! Search documents for the API schema: one per kind and one per field of each type (not per
//! expanded path), titled with the shortest path that reaches the field from a kind, so that
//! `maxSurge` finds `Deployment.spec.strategy.rollingUpdate.maxSurge` with its description.

use std::collections::{HashMap, HashSet, VecDeque};

use kref_corpus::Origin;
use kref_corpus::schema::{FieldType, KindSource, Schema, TypeRef};

use crate::doc::{BREADCRUMB_SEPARATOR, Doc, DocType, prior};

/// What precedes the allowed values of a field at the end of its document's text.
pub(crate) const ALLOWED_VALUES: &str = "\nAllowed values: ";

/// The `file` of the built-in schema's documents (their key for incremental refresh).
pub const BUILTIN_SCHEMA_FILE: &str = "schema:builtin";

/// The `file` of a schema source's documents: `schema:builtin` or `schema:<import name>`.
pub fn schema_file(source: &KindSource) -> String {
    match source {
        KindSource::Builtin => BUILTIN_SCHEMA_FILE.to_string(),
        KindSource::Imported(name) => format!("schema:{name}"),
    }
}

/// The shortest path to each type from any kind of `wanted` source: (kind, path to the type,
/// rank of the kind: 0 for the most preferred).
fn shortest_paths(schema: &Schema, wanted: &KindSource) -> HashMap<TypeRef, (String, String, usize)> {
    let mut best: HashMap<TypeRef, (String, String, usize)> = HashMap::new();
    let mut queue: VecDeque<(TypeRef, String, String, usize)> = VecDeque::new();
    let mut kinds: Vec<_> = schema.kinds().filter(|k| &k.source == wanted && !k.subresource).collect();
    // Prefer GA kinds and the core group as the representative path.
    kinds.sort_by_key(|k| {
        (k.version.contains("alpha"), k.version.contains("beta"), !k.group.is_empty(), k.kind.len())
    });
    for (rank, kind) in kinds.into_iter().enumerate() {
        if let std::collections::hash_map::Entry::Vacant(e) = best.entry(kind.root) {
            e.insert((kind.kind.clone(), String::new(), rank));
            queue.push_back((kind.root, kind.kind.clone(), String::new(), rank));
        }
    }
    let mut seen: HashSet<TypeRef> = best.keys().copied().collect();
    while let Some((t, kind, path, rank)) = queue.pop_front() {
        for field in schema.children(t) {
            let mut ty = &field.ty;
            let mut suffix = String::new();
            while let FieldType::Array(inner) | FieldType::Map(inner) = ty {
                suffix.push_str("[]");
                ty = inner;
            }
            let Some(child) = ty.object() else { continue };
            if seen.insert(child) {
                let child_path = if path.is_empty() {
                    format!("{}{suffix}", field.name)
                } else {
                    format!("{path}.{}{suffix}", field.name)
                };
                best.insert(child, (kind.clone(), child_path.clone(), rank));
                queue.push_back((child, kind.clone(), child_path, rank));
            }
        }
    }
    best
}

/// The documents of every kind and field that comes from `source` (the built-in schema or one
/// import). Imported documents count as the user's (`--source user`).
pub fn docs_from_schema(schema: &Schema, source: &KindSource) -> Vec<Doc> {
    let origin = if *source == KindSource::Builtin { Origin::Builtin } else { Origin::User };
    let file = schema_file(source);
    let mut docs = Vec::new();
    let mut seen_kinds = HashSet::new();
    for kind in schema.kinds().filter(|k| &k.source == source && !k.subresource) {
        let api_version = kind.api_version();
        if !seen_kinds.insert((api_version.clone(), kind.kind.clone())) {
            continue;
        }
        docs.push(Doc {
            id: format!("schema:kind:{api_version}/{}", kind.kind),
            doc_type: DocType::Schema,
            origin,
            file: file.clone(),
            line: 0,
            title: kind.kind.clone(),
            breadcrumb: format!("{api_version}{BREADCRUMB_SEPARATOR}{}", kind.kind),
            kinds: vec![kind.kind.clone()],
            body: kind.description.clone(),
            tags: [kind.plural.clone()].into_iter().chain(kind.short_names.iter().cloned()).collect(),
            aliases: Vec::new(),
            prior: prior::SCHEMA,
            within: None,
        });
    }
    let mut paths: Vec<(TypeRef, (String, String, usize))> =
        shortest_paths(schema, source).into_iter().collect();
    // Several versions of a kind (`v1beta1`, `v1`) give fields of the same path: the preferred
    // version's comes first and is the one kept.
    paths.sort_by(|a, b| (&a.1.0, &a.1.1, a.1.2).cmp(&(&b.1.0, &b.1.1, b.1.2)));
    let mut titles: HashSet<String> = HashSet::new();
    for (t, (kind, path, _)) in paths {
        for field in schema.children(t) {
            let full = if path.is_empty() {
                format!("{kind}.{}", field.name)
            } else {
                format!("{kind}.{path}.{}", field.name)
            };
            if !titles.insert(full.clone()) {
                continue;
            }
            let values: Vec<&str> = field.enum_values.iter().map(|v| v.value.as_str()).collect();
            let mut body = field.description.clone();
            if !values.is_empty() {
                body.push_str(ALLOWED_VALUES);
                body.push_str(&values.join(", "));
            }
            docs.push(Doc {
                id: format!("schema:field:{full}"),
                doc_type: DocType::Schema,
                origin,
                file: file.clone(),
                line: 0,
                title: full.clone(),
                breadcrumb: format!("{kind}{BREADCRUMB_SEPARATOR}{}", schema.display_type(&field.ty)),
                kinds: vec![kind.clone()],
                body,
                tags: vec![field.name.clone()],
                aliases: Vec::new(),
                prior: prior::SCHEMA,
                within: None,
            });
        }
    }
    docs
}
