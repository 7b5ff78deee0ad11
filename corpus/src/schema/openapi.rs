//! OpenAPI v2 (`kubectl get --raw /openapi/v2`) and v3 (`/openapi/v3/apis/<group>/<version>`)
//! documents → a [`SchemaSource`].
//!
//! Kinds are the definitions tagged with `x-kubernetes-group-version-kind`; plural and scope come
//! from the document's paths (`/apis/apps/v1/namespaces/{namespace}/deployments`) when it has them.
//!
//! Also compiled into `build.rs`, which feeds it an OpenAPI v2 document made from k8s-openapi.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::convert::{Converter, str_of};
use super::error::ImportError;
use super::model::{FieldType, Kind, KindSource, SchemaSource};
use super::shortnames::{guess_plural, short_names};

/// Options and request types tagged with many group/versions; never written in manifests.
const NOT_KINDS: &[&str] = &[
    "DeleteOptions",
    "WatchEvent",
    "ListOptions",
    "GetOptions",
    "CreateOptions",
    "PatchOptions",
    "UpdateOptions",
];

/// What the paths of a document say about one group/version/kind.
#[derive(Clone, Debug, Default)]
struct PathFacts {
    plural: Option<String>,
    namespaced: Option<bool>,
    subresource: bool,
}

/// An imported OpenAPI document, with the kinds whose plural/scope had to be guessed.
pub(crate) struct ParsedOpenApi {
    pub(crate) source: SchemaSource,
    /// Indexes into `source.kinds` of kinds the document's paths said nothing about.
    pub(crate) guessed: Vec<usize>,
}

/// Parses an OpenAPI v2 or v3 document already read as JSON.
pub(crate) fn parse_openapi(name: &str, doc: &Value) -> Result<ParsedOpenApi, ImportError> {
    let Some(root) = doc.as_object() else {
        return Err(ImportError::NotOpenApi { hint: "the top level is not an object".into() });
    };
    let (defs, prefix) = if let Some(v) = root.get("swagger") {
        let version = value_str(v);
        if !version.starts_with('2') {
            return Err(ImportError::UnsupportedVersion { version });
        }
        (root.get("definitions").and_then(Value::as_object), "#/definitions/")
    } else if let Some(v) = root.get("openapi") {
        let version = value_str(v);
        if !version.starts_with('3') {
            return Err(ImportError::UnsupportedVersion { version });
        }
        let schemas = root.get("components").and_then(|c| c.get("schemas")).and_then(Value::as_object);
        (schemas, "#/components/schemas/")
    } else {
        return Err(ImportError::NotOpenApi { hint: "no `swagger` or `openapi` field".into() });
    };
    let Some(defs) = defs else {
        return Err(ImportError::NoKinds {
            hint: "the document has no definitions (`definitions` in v2, `components.schemas` in v3)".into(),
        });
    };
    let facts = path_facts(root.get("paths").and_then(Value::as_object));
    let mut conv = Converter::new(Some(defs), prefix);
    let mut kinds = Vec::new();
    for (def_name, def) in defs {
        let Some(gvks) = def.get("x-kubernetes-group-version-kind").and_then(Value::as_array) else {
            continue;
        };
        for gvk in gvks {
            let group = str_of(gvk, "group");
            let version = str_of(gvk, "version");
            let kind = str_of(gvk, "kind");
            if kind.is_empty() || version.is_empty() || NOT_KINDS.contains(&kind.as_str()) {
                continue;
            }
            if is_list_kind(&kind, def) {
                continue;
            }
            let FieldType::Object(root_ty) = conv.definition(def_name) else { continue };
            let key = (group.clone(), version.clone(), kind.clone());
            let fact = facts.get(&key);
            let plural = fact.and_then(|f| f.plural.clone()).unwrap_or_else(|| guess_plural(&kind));
            kinds.push(Kind {
                short_names: short_names(&group, &plural).iter().map(|s| s.to_string()).collect(),
                namespaced: fact.and_then(|f| f.namespaced).unwrap_or(true),
                subresource: fact.is_some_and(|f| f.subresource && f.plural.is_none()),
                description: str_of(def, "description"),
                group,
                version,
                kind,
                plural,
                root: root_ty,
                source: KindSource::Imported(name.to_string()),
            });
        }
    }
    let mut types = conv.finish();
    for kind in &kinds {
        if let Some(ty) = types.get_mut(kind.root.index())
            && let Some(status) = ty.field_mut("status")
        {
            status.read_only = true;
        }
    }
    kinds.sort_by(|a, b| (&a.group, &a.version, &a.kind).cmp(&(&b.group, &b.version, &b.kind)));
    kinds.dedup_by(|a, b| a.group == b.group && a.version == b.version && a.kind == b.kind);
    let guessed = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| {
            let key = (k.group.clone(), k.version.clone(), k.kind.clone());
            facts.get(&key).is_none_or(|f| f.plural.is_none())
        })
        .map(|(i, _)| i)
        .collect();
    Ok(ParsedOpenApi { source: SchemaSource { name: name.to_string(), kinds, types }, guessed })
}

fn value_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `DeploymentList` (a list wrapper with `items`) is not a kind of its own.
fn is_list_kind(kind: &str, def: &Value) -> bool {
    kind.len() > 4 && kind.ends_with("List") && def.get("properties").and_then(|p| p.get("items")).is_some()
}

/// Plural, scope and subresource-ness of every group/version/kind the paths mention.
fn path_facts(paths: Option<&Map<String, Value>>) -> HashMap<(String, String, String), PathFacts> {
    let mut out: HashMap<(String, String, String), PathFacts> = HashMap::new();
    let Some(paths) = paths else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        let Some((rest, _group)) = split_api_prefix(path) else { continue };
        let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        if segs.first() == Some(&"watch") {
            continue;
        }
        let (namespaced, resource_segs) = match segs.as_slice() {
            ["namespaces", "{namespace}", tail @ ..] if !tail.is_empty() => (true, tail.to_vec()),
            other => (false, other.to_vec()),
        };
        let (plural, subresource) = match resource_segs.as_slice() {
            [plural] | [plural, "{name}"] => (plural.to_string(), false),
            [plural, "{name}", _sub] => (plural.to_string(), true),
            _ => continue,
        };
        for op in item.values() {
            let Some(gvk) = op.get("x-kubernetes-group-version-kind") else { continue };
            let key = (str_of(gvk, "group"), str_of(gvk, "version"), str_of(gvk, "kind"));
            let entry = out.entry(key).or_default();
            if subresource {
                if entry.plural.is_none() {
                    entry.subresource = true;
                    entry.namespaced.get_or_insert(namespaced);
                }
            } else if entry.plural.is_none() {
                entry.plural = Some(plural.clone());
                entry.namespaced = Some(namespaced);
                entry.subresource = false;
            }
        }
    }
    out
}

/// `/apis/apps/v1/namespaces/...` → (`namespaces/...`, `apps`); `/api/v1/pods` → (`pods`, ``).
fn split_api_prefix(path: &str) -> Option<(&str, &str)> {
    if let Some(rest) = path.strip_prefix("/api/v1/") {
        return Some((rest, ""));
    }
    let rest = path.strip_prefix("/apis/")?;
    let (group, rest) = rest.split_once('/')?;
    let (_version, rest) = rest.split_once('/')?;
    Some((rest, group))
}
