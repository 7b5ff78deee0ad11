//! Importers: OpenAPI v2/v3 documents and CustomResourceDefinition manifests (bytes in, a
//! [`SchemaSource`] or a clear [`ImportError`] out). Pure functions: no IO, no panics on any
//! input (they are fed arbitrary bytes by fuzzers).

use serde::Deserialize;
use serde_json::Value;

use super::Schema;
use super::convert::{Converter, OBJECT_META, str_of};
use super::error::ImportError;
use super::model::{Field, FieldType, Kind, KindSource, SchemaSource, TypeDef};
use super::openapi::parse_openapi;
use super::shortnames::{guess_plural, short_names};

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA_DOC: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/// Imports any supported document: OpenAPI v2 or v3 (JSON or YAML) or CRD manifests (YAML or
/// JSON, multi-document, or a `List` of CRDs). `name` is what the kinds report as their source.
pub fn import(name: &str, bytes: &[u8]) -> Result<SchemaSource, ImportError> {
    let text = utf8(bytes)?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::from_json(&e))?;
        if doc.get("swagger").is_some() || doc.get("openapi").is_some() {
            return openapi_with_fallbacks(name, &doc);
        }
        return crds_from_docs(name, vec![doc]);
    }
    let docs = yaml_documents(text)?;
    if let [doc] = docs.as_slice()
        && (doc.get("swagger").is_some() || doc.get("openapi").is_some())
    {
        return openapi_with_fallbacks(name, doc);
    }
    crds_from_docs(name, docs)
}

/// Imports an OpenAPI v2 or v3 document in JSON (what `kubectl get --raw` prints).
pub fn import_openapi(name: &str, bytes: &[u8]) -> Result<SchemaSource, ImportError> {
    let text = utf8(bytes)?;
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::from_json(&e))?;
    openapi_with_fallbacks(name, &doc)
}

/// Imports an OpenAPI v2 (Swagger 2.0) document: `kubectl get --raw /openapi/v2`.
pub fn import_openapi_v2(name: &str, bytes: &[u8]) -> Result<SchemaSource, ImportError> {
    let text = utf8(bytes)?;
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::from_json(&e))?;
    if doc.get("swagger").is_none() {
        let hint = if doc.get("openapi").is_some() {
            "this is an OpenAPI v3 document; import it as v3"
        } else {
            "no `swagger: \"2.0\"` field"
        };
        return Err(ImportError::NotOpenApi { hint: hint.into() });
    }
    openapi_with_fallbacks(name, &doc)
}

/// Imports an OpenAPI v3 document: `kubectl get --raw /openapi/v3/apis/<group>/<version>`.
pub fn import_openapi_v3(name: &str, bytes: &[u8]) -> Result<SchemaSource, ImportError> {
    let text = utf8(bytes)?;
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::from_json(&e))?;
    if doc.get("openapi").is_none() {
        let hint = if doc.get("swagger").is_some() {
            "this is an OpenAPI v2 (Swagger) document; import it as v2"
        } else {
            "no `openapi: 3.x` field"
        };
        return Err(ImportError::NotOpenApi { hint: hint.into() });
    }
    openapi_with_fallbacks(name, &doc)
}

/// Imports CustomResourceDefinition manifests (multi-document YAML or JSON; other documents are
/// skipped). Every served version becomes a kind.
pub fn import_crds(name: &str, bytes: &[u8]) -> Result<SchemaSource, ImportError> {
    let text = utf8(bytes)?;
    let docs = yaml_documents(text)?;
    crds_from_docs(name, docs)
}

fn utf8(bytes: &[u8]) -> Result<&str, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ImportError::invalid(
            "input",
            format!("not UTF-8 text (first bad byte at offset {})", e.valid_up_to()),
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

fn yaml_documents(text: &str) -> Result<Vec<Value>, ImportError> {
    let mut docs = Vec::new();
    for (i, de) in serde_norway::Deserializer::from_str(text).enumerate() {
        let value = serde_norway::Value::deserialize(de).map_err(|e| ImportError::Yaml {
            document: i + 1,
            line: e.location().map(|l| l.line()),
            column: e.location().map(|l| l.column()),
            message: e.to_string(),
        })?;
        if value.is_null() {
            continue;
        }
        let json = serde_json::to_value(&value).map_err(|e| {
            ImportError::invalid(
                format!("YAML document {}", i + 1),
                format!("cannot be read as JSON data: {e}"),
            )
        })?;
        docs.push(json);
        if docs.len() > 100_000 {
            return Err(ImportError::invalid("input", "more than 100000 YAML documents"));
        }
    }
    Ok(docs)
}

/// Parses an OpenAPI document and fills what its paths did not say (plural, scope) from the
/// built-in kind of the same group and kind when there is one.
fn openapi_with_fallbacks(name: &str, doc: &Value) -> Result<SchemaSource, ImportError> {
    let parsed = parse_openapi(name, doc)?;
    let mut source = parsed.source;
    if source.kinds.is_empty() {
        return Err(ImportError::NoKinds {
            hint:
                "no definition has `x-kubernetes-group-version-kind`; is this a Kubernetes OpenAPI document?"
                    .into(),
        });
    }
    if !parsed.guessed.is_empty() {
        let builtin = Schema::builtin();
        for i in parsed.guessed {
            let Some(kind) = source.kinds.get_mut(i) else { continue };
            let known = builtin.kinds().find(|k| k.group == kind.group && k.kind == kind.kind);
            if let Some(known) = known {
                kind.plural.clone_from(&known.plural);
                kind.namespaced = known.namespaced;
                kind.subresource = known.subresource;
                kind.short_names.clone_from(&known.short_names);
            }
        }
    }
    super::defaults::apply_described_defaults(&mut source);
    Ok(source)
}

/// Definition name of a CRD version, as the API server names it in OpenAPI: the group reversed,
/// then version and kind (`stable.example.com`, `v1`, `CronTab` → `com.example.stable.v1.CronTab`).
fn crd_definition_name(group: &str, version: &str, kind: &str) -> String {
    let mut parts: Vec<&str> = group.split('.').collect();
    parts.reverse();
    format!("{}.{version}.{kind}", parts.join("."))
}

fn crds_from_docs(name: &str, docs: Vec<Value>) -> Result<SchemaSource, ImportError> {
    let mut crds = Vec::new();
    let mut other_kinds = Vec::new();
    for doc in docs {
        collect_crds(doc, &mut crds, &mut other_kinds, 0);
    }
    if crds.is_empty() {
        other_kinds.sort();
        other_kinds.dedup();
        let hint = if other_kinds.is_empty() {
            "no CustomResourceDefinition documents found".to_string()
        } else {
            format!("no CustomResourceDefinition documents found (found kinds: {})", other_kinds.join(", "))
        };
        return Err(ImportError::NotOpenApi { hint });
    }
    let mut conv = Converter::new(None, "#/definitions/");
    let mut kinds = Vec::new();
    for crd in &crds {
        crd_kinds(name, crd, &mut conv, &mut kinds)?;
    }
    let mut source = SchemaSource { name: name.to_string(), kinds, types: conv.finish() };
    super::defaults::apply_described_defaults(&mut source);
    Ok(source)
}

/// Finds CRD documents, looking into `kind: List` items.
fn collect_crds(doc: Value, crds: &mut Vec<Value>, other: &mut Vec<String>, depth: usize) {
    let kind = str_of(&doc, "kind");
    match kind.as_str() {
        "CustomResourceDefinition" => crds.push(doc),
        "List" if depth < 4 => {
            if let Some(Value::Array(items)) = doc.get("items").cloned() {
                for item in items {
                    collect_crds(item, crds, other, depth + 1);
                }
            }
        }
        "" => {}
        other_kind => other.push(other_kind.to_string()),
    }
}

fn crd_kinds(
    name: &str,
    crd: &Value,
    conv: &mut Converter<'_>,
    kinds: &mut Vec<Kind>,
) -> Result<(), ImportError> {
    let crd_name = crd.get("metadata").map(|m| str_of(m, "name")).filter(|n| !n.is_empty());
    let crd_name = crd_name.unwrap_or_else(|| "(unnamed)".to_string());
    let api_version = str_of(crd, "apiVersion");
    if api_version == "apiextensions.k8s.io/v1beta1" {
        return Err(ImportError::CrdV1beta1 { name: crd_name });
    }
    let context = format!("CustomResourceDefinition {crd_name}");
    if api_version != "apiextensions.k8s.io/v1" {
        return Err(ImportError::invalid(
            context,
            format!("apiVersion {api_version:?} is not apiextensions.k8s.io/v1"),
        ));
    }
    let Some(spec) = crd.get("spec").filter(|s| s.is_object()) else {
        return Err(ImportError::invalid(context, "has no spec"));
    };
    let group = str_of(spec, "group");
    if group.is_empty() {
        return Err(ImportError::invalid(context, "spec.group is missing"));
    }
    let names = spec.get("names").cloned().unwrap_or(Value::Null);
    let kind_name = str_of(&names, "kind");
    if kind_name.is_empty() {
        return Err(ImportError::invalid(context, "spec.names.kind is missing"));
    }
    let plural =
        Some(str_of(&names, "plural")).filter(|p| !p.is_empty()).unwrap_or_else(|| guess_plural(&kind_name));
    let mut short: Vec<String> = names
        .get("shortNames")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if short.is_empty() {
        short = short_names(&group, &plural).iter().map(|s| s.to_string()).collect();
    }
    let namespaced = str_of(spec, "scope") != "Cluster";
    let Some(versions) = spec.get("versions").and_then(Value::as_array).filter(|v| !v.is_empty()) else {
        return Err(ImportError::invalid(context, "spec.versions is missing or empty"));
    };
    for version in versions {
        let version_name = str_of(version, "name");
        if version_name.is_empty() {
            return Err(ImportError::invalid(context, "a spec.versions[] entry has no name"));
        }
        if version.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let Some(schema) =
            version.get("schema").and_then(|s| s.get("openAPIV3Schema")).filter(|s| s.is_object())
        else {
            return Err(ImportError::CrdWithoutSchema { name: crd_name, version: version_name });
        };
        let def_name = crd_definition_name(&group, &version_name, &kind_name);
        let mut def = TypeDef::new(def_name.clone(), kind_name.clone());
        def.description = str_of(schema, "description");
        let root = conv.push(def);
        conv.fill_object(root, &def_name, schema, 0);
        let object_meta = conv.external(OBJECT_META);
        if let Some(ty) = conv.types.get_mut(root.index()) {
            ensure_field(ty, "apiVersion", FieldType::String, API_VERSION_DOC);
            ensure_field(ty, "kind", FieldType::String, KIND_DOC);
            ensure_field(ty, "metadata", object_meta.clone(), METADATA_DOC);
            if let Some(meta) = ty.field_mut("metadata") {
                // CRD schemas say at most `metadata: {type: object}` (with a few constraints on
                // `name`); the API server always serves ObjectMeta there.
                meta.ty = object_meta;
            }
            if let Some(status) = ty.field_mut("status") {
                status.read_only = true;
            }
        }
        kinds.push(Kind {
            group: group.clone(),
            version: version_name,
            kind: kind_name.clone(),
            plural: plural.clone(),
            short_names: short.clone(),
            namespaced,
            subresource: false,
            description: str_of(schema, "description"),
            root,
            source: KindSource::Imported(name.to_string()),
        });
    }
    Ok(())
}

fn ensure_field(ty: &mut TypeDef, name: &str, field_type: FieldType, doc: &str) {
    if ty.field(name).is_none() {
        ty.fields.push(Field::new(name, field_type, doc));
        ty.fields.sort_by(|a, b| a.name.cmp(&b.name));
    }
}
