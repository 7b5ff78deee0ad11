//! [`Schema::to_openapi_v2`]: the schema as an OpenAPI v2 (Swagger 2.0) document, shaped like
//! `kubectl get --raw /openapi/v2` (definitions with `x-kubernetes-group-version-kind`, and list
//! paths that tell plural and scope). Used by the import benchmark and round-trip tests.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::Schema;
use super::model::{Field, FieldType, TypeRef};

const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

impl Schema {
    /// The schema as an OpenAPI v2 JSON document.
    pub fn to_openapi_v2(&self) -> String {
        self.to_openapi_v2_value().to_string()
    }

    /// The schema as an OpenAPI v2 document (JSON value).
    pub fn to_openapi_v2_value(&self) -> Value {
        // Unique definition names: a name shadowed by an overlay gets a numeric suffix.
        let mut names: Vec<String> = Vec::with_capacity(self.types.len());
        let mut used: HashMap<String, usize> = HashMap::new();
        for ty in &self.types {
            let count = used.entry(ty.name.clone()).or_insert(0);
            names.push(if *count == 0 { ty.name.clone() } else { format!("{}_{count}", ty.name) });
            *count += 1;
        }
        let mut definitions = Map::new();
        for (i, ty) in self.types.iter().enumerate() {
            if ty.external {
                continue;
            }
            let mut properties = Map::new();
            let mut required = Vec::new();
            for field in &ty.fields {
                properties.insert(field.name.clone(), field_schema(field, &names));
                if field.required {
                    required.push(Value::String(field.name.clone()));
                }
            }
            let mut def = Map::new();
            def.insert("description".into(), Value::String(ty.description.clone()));
            def.insert("type".into(), "object".into());
            def.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                def.insert("required".into(), Value::Array(required));
            }
            if ty.open {
                def.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
            }
            definitions.insert(names[i].clone(), Value::Object(def));
        }
        definitions
            .insert(QUANTITY.into(), json!({ "description": "A resource quantity.", "type": "string" }));
        let mut paths = Map::new();
        for kind in &self.kinds {
            let Some(name) = names.get(kind.root.index()) else { continue };
            if let Some(Value::Object(def)) = definitions.get_mut(name) {
                let gvk = json!({ "group": kind.group, "version": kind.version, "kind": kind.kind });
                match def.get_mut("x-kubernetes-group-version-kind") {
                    Some(Value::Array(list)) => list.push(gvk),
                    _ => {
                        def.insert("x-kubernetes-group-version-kind".into(), json!([gvk]));
                    }
                }
            }
            if kind.subresource {
                continue;
            }
            let prefix = if kind.group.is_empty() {
                format!("/api/{}", kind.version)
            } else {
                format!("/apis/{}/{}", kind.group, kind.version)
            };
            let path = if kind.namespaced {
                format!("{prefix}/namespaces/{{namespace}}/{}", kind.plural)
            } else {
                format!("{prefix}/{}", kind.plural)
            };
            paths.insert(
                path,
                json!({ "get": {
                    "operationId": format!("list{}", kind.kind),
                    "x-kubernetes-action": "list",
                    "x-kubernetes-group-version-kind": { "group": kind.group, "version": kind.version, "kind": kind.kind },
                }}),
            );
        }
        json!({
            "swagger": "2.0",
            "info": { "title": "Kubernetes (exported by kref)", "version": "unversioned" },
            "paths": Value::Object(paths),
            "definitions": Value::Object(definitions),
        })
    }
}

fn field_schema(field: &Field, names: &[String]) -> Value {
    let mut schema = match type_schema(&field.ty, names) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if !field.description.is_empty() {
        schema.insert("description".into(), Value::String(field.description.clone()));
    }
    if !field.enum_values.is_empty() {
        let values: Vec<Value> = field.enum_values.iter().map(|v| Value::String(v.value.clone())).collect();
        match &field.ty {
            FieldType::Array(_) => {
                if let Some(Value::Object(items)) = schema.get_mut("items") {
                    items.insert("enum".into(), Value::Array(values));
                }
            }
            _ => {
                schema.insert("enum".into(), Value::Array(values));
            }
        }
    }
    if let Some(default) = &field.default {
        schema.insert("default".into(), Value::String(default.clone()));
    }
    if field.read_only {
        schema.insert("readOnly".into(), true.into());
    }
    Value::Object(schema)
}

fn type_schema(ty: &FieldType, names: &[String]) -> Value {
    let reference = |t: &TypeRef| match names.get(t.index()) {
        Some(name) => json!({ "$ref": format!("#/definitions/{name}") }),
        None => json!({ "type": "object" }),
    };
    match ty {
        FieldType::String => json!({ "type": "string" }),
        FieldType::Integer => json!({ "type": "integer", "format": "int64" }),
        FieldType::Number => json!({ "type": "number", "format": "double" }),
        FieldType::Boolean => json!({ "type": "boolean" }),
        FieldType::Object(t) => reference(t),
        FieldType::Array(inner) => json!({ "type": "array", "items": type_schema(inner, names) }),
        FieldType::Map(inner) => {
            json!({ "type": "object", "additionalProperties": type_schema(inner, names) })
        }
        FieldType::IntOrString => json!({ "type": "string", "format": "int-or-string" }),
        FieldType::Quantity => json!({ "$ref": format!("#/definitions/{QUANTITY}") }),
        FieldType::DateTime => json!({ "type": "string", "format": "date-time" }),
        FieldType::Bytes => json!({ "type": "string", "format": "byte" }),
        FieldType::FreeForm => json!({ "type": "object", "x-kubernetes-preserve-unknown-fields": true }),
        FieldType::Union(alts) => {
            json!({ "anyOf": alts.iter().map(|a| type_schema(a, names)).collect::<Vec<_>>() })
        }
    }
}
