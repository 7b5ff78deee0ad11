//! JSON Schema (as OpenAPI v2/v3 and CRDs write it) → the type graph of the model.
//!
//! One [`Converter`] turns the definitions of one document into shared [`TypeDef`]s, lazily and
//! memoized by definition name, so a recursive definition is entered once and referenced after.
//! Kubernetes' special types (Quantity, IntOrString, Time, RawExtension, JSON) map to the special
//! [`FieldType`]s by definition name, never to "string" or "object".
//!
//! Also compiled into `build.rs`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::model::{EnumValue, Field, FieldType, TypeDef, TypeRef};

/// Inline objects nested deeper than this become free-form (hostile or broken input).
const MAX_DEPTH: usize = 64;

/// Definitions converted inside one another deeper than this are left free-form at that point
/// (a chain of thousands of definitions would otherwise exhaust the stack).
const MAX_ACTIVE_DEFINITIONS: usize = 100;

/// Definitions whose shape is special, by the end of their name.
const SPECIAL: &[(&str, FieldType)] = &[
    (".pkg.api.resource.Quantity", FieldType::Quantity),
    (".pkg.util.intstr.IntOrString", FieldType::IntOrString),
    (".pkg.apis.meta.v1.Time", FieldType::DateTime),
    (".pkg.apis.meta.v1.MicroTime", FieldType::DateTime),
    (".pkg.runtime.RawExtension", FieldType::FreeForm),
    (".pkg.apis.meta.v1.FieldsV1", FieldType::FreeForm),
    (".apiextensions.v1.JSON", FieldType::FreeForm),
    (".apiextensions.v1beta1.JSON", FieldType::FreeForm),
];

/// The special type of a definition name, if it is one.
pub(crate) fn special_type(name: &str) -> Option<FieldType> {
    SPECIAL.iter().find(|(suffix, _)| name.ends_with(suffix)).map(|(_, t)| t.clone())
}

/// The short title of a definition: its last dot-separated segment.
pub(crate) fn title_of(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_string()
}

pub(crate) struct Converter<'a> {
    defs: Option<&'a Map<String, Value>>,
    ref_prefix: &'a str,
    pub(crate) types: Vec<TypeDef>,
    by_name: HashMap<String, FieldType>,
    /// Definitions being converted right now (recursion depth across definitions).
    active: usize,
}

impl<'a> Converter<'a> {
    /// `defs`: the document's definitions (`definitions` in v2, `components.schemas` in v3);
    /// `ref_prefix`: what `$ref`s start with (`#/definitions/`).
    pub(crate) fn new(defs: Option<&'a Map<String, Value>>, ref_prefix: &'a str) -> Converter<'a> {
        Converter { defs, ref_prefix, types: Vec::new(), by_name: HashMap::new(), active: 0 }
    }

    /// Adds a type and returns its reference.
    pub(crate) fn push(&mut self, ty: TypeDef) -> TypeRef {
        self.types.push(ty);
        TypeRef(self.types.len() as u32 - 1)
    }

    /// A type that only names a definition of another source (linked by `Schema`).
    pub(crate) fn external(&mut self, name: &str) -> FieldType {
        if let Some(t) = self.by_name.get(name) {
            return t.clone();
        }
        let mut def = TypeDef::new(name, title_of(name));
        def.external = true;
        let t = FieldType::Object(self.push(def));
        self.by_name.insert(name.to_string(), t.clone());
        t
    }

    /// The field type of the named definition, converting it on first use.
    pub(crate) fn definition(&mut self, name: &str) -> FieldType {
        if let Some(t) = self.by_name.get(name) {
            return t.clone();
        }
        if let Some(t) = special_type(name) {
            self.by_name.insert(name.to_string(), t.clone());
            return t;
        }
        let Some(schema) = self.defs.and_then(|d| d.get(name)) else {
            return self.external(name);
        };
        if self.active >= MAX_ACTIVE_DEFINITIONS {
            return FieldType::FreeForm;
        }
        self.active += 1;
        let converted = self.convert_definition(name, schema);
        self.active -= 1;
        converted
    }

    fn convert_definition(&mut self, name: &str, schema: &Value) -> FieldType {
        if is_object_with_properties(schema) {
            let mut def = TypeDef::new(name, title_of(name));
            def.description = str_of(schema, "description");
            let t = self.push(def);
            self.by_name.insert(name.to_string(), FieldType::Object(t));
            self.fill_object(t, name, schema, 0);
            FieldType::Object(t)
        } else {
            // A primitive, map or free-form definition: used inline wherever it is referenced.
            let ft = self.field_type(schema, name, "", 0);
            self.by_name.insert(name.to_string(), ft.clone());
            ft
        }
    }

    /// Fills the fields of the object type `t` from `schema.properties`.
    pub(crate) fn fill_object(&mut self, t: TypeRef, name: &str, schema: &Value, depth: usize) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (field_name, prop) in props {
                let mut field = self.field(field_name, prop, name, depth + 1);
                field.required = required.contains(&field_name.as_str());
                fields.push(field);
            }
        }
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        fields.dedup_by(|a, b| a.name == b.name);
        let open = bool_of(schema, "x-kubernetes-preserve-unknown-fields");
        if let Some(def) = self.types.get_mut(t.index()) {
            def.fields = fields;
            def.open = open;
        }
    }

    /// One property of an object.
    pub(crate) fn field(&mut self, name: &str, schema: &Value, owner: &str, depth: usize) -> Field {
        let ty = self.field_type(schema, owner, name, depth);
        let description = description_of(schema);
        let mut field = Field::new(name, ty, description);
        field.enum_values = enum_of(schema);
        if field.enum_values.is_empty() {
            // OpenAPI v3 puts the values of list fields (`accessModes`) on the items.
            if let Some(items) = schema.get("items") {
                field.enum_values = enum_of(items);
            }
        }
        field.default = schema.get("default").map(value_text);
        field.read_only = bool_of(schema, "readOnly") || is_read_only_text(&field.description);
        field.deprecated = deprecation_of(&field.description);
        field
    }

    /// The type of a schema node; `owner`/`field` name inline objects (`owner.field`).
    pub(crate) fn field_type(&mut self, schema: &Value, owner: &str, field: &str, depth: usize) -> FieldType {
        let Some(obj) = schema.as_object() else { return FieldType::FreeForm };
        if depth > MAX_DEPTH {
            return FieldType::FreeForm;
        }
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix(self.ref_prefix).unwrap_or(r);
            let name = name.rsplit('/').next().unwrap_or(name).to_string();
            return self.definition(&name);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(alts) = obj.get(key).and_then(Value::as_array) {
                let pick = alts
                    .iter()
                    .find(|a| a.get("$ref").is_some() || a.get("properties").is_some())
                    .or_else(|| alts.first());
                if let Some(alt) = pick
                    && !has_own_shape(obj)
                {
                    return self.field_type(alt, owner, field, depth + 1);
                }
            }
        }
        if bool_of(schema, "x-kubernetes-int-or-string") {
            return FieldType::IntOrString;
        }
        match type_of(obj).as_deref() {
            Some("string") => match obj.get("format").and_then(Value::as_str) {
                Some("date-time") => FieldType::DateTime,
                Some("byte") => FieldType::Bytes,
                Some("int-or-string") => FieldType::IntOrString,
                _ => FieldType::String,
            },
            Some("integer") => FieldType::Integer,
            Some("number") => FieldType::Number,
            Some("boolean") => FieldType::Boolean,
            Some("array") => {
                let items = match obj.get("items") {
                    Some(Value::Array(tuple)) => tuple.first(),
                    other => other,
                };
                match items {
                    Some(items) => {
                        FieldType::Array(Box::new(self.field_type(items, owner, field, depth + 1)))
                    }
                    None => FieldType::Array(Box::new(FieldType::FreeForm)),
                }
            }
            Some("object") => self.object_like(schema, owner, field, depth),
            Some(_) => FieldType::FreeForm,
            None => {
                if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
                    self.object_like(schema, owner, field, depth)
                } else if let Some(items) = obj.get("items") {
                    FieldType::Array(Box::new(self.field_type(items, owner, field, depth + 1)))
                } else {
                    FieldType::FreeForm
                }
            }
        }
    }

    fn object_like(&mut self, schema: &Value, owner: &str, field: &str, depth: usize) -> FieldType {
        if is_object_with_properties(schema) {
            let name = if field.is_empty() { owner.to_string() } else { format!("{owner}.{field}") };
            let mut def = TypeDef::new(name.clone(), "Object");
            def.description = str_of(schema, "description");
            let t = self.push(def);
            self.fill_object(t, &name, schema, depth);
            return FieldType::Object(t);
        }
        match schema.get("additionalProperties") {
            Some(ap @ Value::Object(_)) => {
                FieldType::Map(Box::new(self.field_type(ap, owner, field, depth + 1)))
            }
            Some(Value::Bool(true)) => FieldType::Map(Box::new(FieldType::FreeForm)),
            _ => FieldType::FreeForm,
        }
    }

    /// Field descriptions left empty take the description of their object type, as
    /// `kubectl explain` shows it.
    pub(crate) fn finish(mut self) -> Vec<TypeDef> {
        let descriptions: Vec<String> = self.types.iter().map(|t| t.description.clone()).collect();
        for ty in &mut self.types {
            for field in &mut ty.fields {
                if field.description.is_empty()
                    && let FieldType::Object(t) = field.ty.element()
                    && let Some(d) = descriptions.get(t.index())
                {
                    field.description = d.clone();
                }
            }
        }
        self.types
    }
}

fn has_own_shape(obj: &Map<String, Value>) -> bool {
    obj.contains_key("properties") || obj.contains_key("items") || obj.contains_key("type")
}

fn is_object_with_properties(schema: &Value) -> bool {
    let props = schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    let ty = schema.as_object().and_then(type_of);
    props && matches!(ty.as_deref(), None | Some("object"))
}

/// The `type` of a schema node; `["string", "null"]` counts as `string`.
fn type_of(obj: &Map<String, Value>) -> Option<String> {
    match obj.get("type")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(list) => {
            list.iter().filter_map(Value::as_str).find(|t| *t != "null").map(str::to_string)
        }
        _ => None,
    }
}

pub(crate) fn str_of(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn bool_of(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A field's description: its own, or that of the single `allOf` alternative it wraps.
fn description_of(schema: &Value) -> String {
    let own = str_of(schema, "description");
    if !own.is_empty() {
        return own;
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .map(|alt| str_of(alt, "description"))
        .unwrap_or_default()
}

/// A JSON value as it would be written in YAML: strings bare, anything else as compact JSON.
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn enum_of(schema: &Value) -> Vec<EnumValue> {
    let mut values: Vec<EnumValue> = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter(|v| !v.is_null())
                .map(|v| EnumValue { value: value_text(v), note: String::new(), deprecated: false })
                .collect()
        })
        .unwrap_or_default();
    values.sort_by(|a, b| a.value.cmp(&b.value));
    values.dedup_by(|a, b| a.value == b.value);
    values
}

/// Does the description say the field is set by the system?
pub(crate) fn is_read_only_text(description: &str) -> bool {
    description.contains("Read-only.") || description.contains("This field is read-only")
}

/// The sentence of a description that deprecates the field, if any.
pub(crate) fn deprecation_of(description: &str) -> Option<String> {
    for sentence in sentences(description) {
        let s = sentence.trim();
        let deprecating = s.starts_with("Deprecated")
            || s.starts_with("DEPRECATED")
            || s.contains("This field is deprecated")
            || s.contains("field is deprecated")
            || s.contains("is a deprecated alias");
        if deprecating {
            return Some(s.to_string());
        }
    }
    None
}

/// Splits prose into sentences at ". " and line breaks (good enough for API descriptions).
pub(crate) fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').flat_map(|line| line.split(". ")).filter(|s| !s.trim().is_empty())
}
