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

use super::model::{
    Alternatives, Bound, Checks, Combine, EnumValue, Field, FieldType, TypeDef, TypeRef, Validation,
};

/// Inline objects nested deeper than this become free-form (hostile or broken input).
const MAX_DEPTH: usize = 64;

/// Definitions converted inside one another deeper than this are left free-form at that point
/// (a chain of thousands of definitions would otherwise exhaust the stack).
const MAX_ACTIVE_DEFINITIONS: usize = 100;

/// The definition every object's `metadata` has (linked by name to the built-in one).
pub(crate) const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

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
        let embedded = bool_of(schema, "x-kubernetes-embedded-resource");
        if embedded {
            // The API server accepts a whole object here: its apiVersion, kind and metadata
            // are fields whether the schema lists them or not.
            for (name, ty) in [
                ("apiVersion", FieldType::String),
                ("kind", FieldType::String),
                ("metadata", self.external(OBJECT_META)),
            ] {
                if !fields.iter().any(|f: &Field| f.name == name) {
                    fields.push(Field::new(name, ty, String::new()));
                }
            }
        }
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        fields.dedup_by(|a, b| a.name == b.name);
        let open = bool_of(schema, "x-kubernetes-preserve-unknown-fields");
        if let Some(def) = self.types.get_mut(t.index()) {
            def.fields = fields;
            def.open = open;
            def.embedded = embedded;
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
        let checks = checks_of(schema, depth);
        if !checks.is_empty() {
            field.checks = Some(Box::new(checks));
        }
        field
    }

    /// The type of a schema node; `owner`/`field` name inline objects (`owner.field`).
    ///
    /// As the API server reads a structural schema: `x-kubernetes-int-or-string` makes an
    /// int-or-string whatever `anyOf` says; a node with a shape of its own (`type`,
    /// `properties`, `items`) takes that shape and its `anyOf`/`oneOf`/`allOf` only validate
    /// values ([`checks_of`]); a node without one takes the shape of its alternatives: all of
    /// them for `allOf` (objects merged), any of them for `anyOf`/`oneOf` (a [`FieldType::Union`]).
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
        if bool_of(schema, "x-kubernetes-int-or-string") {
            return FieldType::IntOrString;
        }
        if !has_own_shape(obj)
            && let Some(t) = self.alternatives_type(obj, owner, field, depth)
        {
            return t;
        }
        match types_of(obj).as_slice() {
            [] => {
                if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
                    self.object_like(schema, owner, field, depth)
                } else if let Some(items) = obj.get("items") {
                    FieldType::Array(Box::new(self.field_type(items, owner, field, depth + 1)))
                } else {
                    FieldType::FreeForm
                }
            }
            [one] => self.typed(one, schema, owner, field, depth),
            many => {
                let alts: Vec<FieldType> =
                    many.iter().map(|t| self.typed(t, schema, owner, field, depth)).collect();
                union_of(alts)
            }
        }
    }

    /// The shape of one `type` name.
    fn typed(&mut self, ty: &str, schema: &Value, owner: &str, field: &str, depth: usize) -> FieldType {
        let obj = schema.as_object();
        match ty {
            "string" => match obj.and_then(|o| o.get("format")).and_then(Value::as_str) {
                Some("date-time") => FieldType::DateTime,
                Some("byte") => FieldType::Bytes,
                Some("int-or-string") => FieldType::IntOrString,
                _ => FieldType::String,
            },
            "integer" => FieldType::Integer,
            "number" => FieldType::Number,
            "boolean" => FieldType::Boolean,
            "array" => {
                let items = match obj.and_then(|o| o.get("items")) {
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
            "object" => self.object_like(schema, owner, field, depth),
            _ => FieldType::FreeForm,
        }
    }

    /// The shape a node without one of its own takes from `allOf`, `anyOf` or `oneOf`
    /// alternatives that have shapes; `None` when no alternative has one (they only validate).
    fn alternatives_type(
        &mut self,
        obj: &Map<String, Value>,
        owner: &str,
        field: &str,
        depth: usize,
    ) -> Option<FieldType> {
        if let Some(alts) = obj.get("allOf").and_then(Value::as_array) {
            let shaped: Vec<&Value> = alts.iter().filter(|a| is_shaped(a)).take(MAX_ALTERNATIVES).collect();
            if !shaped.is_empty() {
                let types: Vec<FieldType> =
                    shaped.iter().map(|a| self.field_type(a, owner, field, depth + 1)).collect();
                return Some(self.all_of(types, owner, field));
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(alts) = obj.get(key).and_then(Value::as_array)
                && alts.iter().any(is_shaped)
            {
                if alts.iter().any(|a| !is_shaped(a)) {
                    // An alternative without a shape accepts any shape.
                    return Some(FieldType::FreeForm);
                }
                let types: Vec<FieldType> = alts
                    .iter()
                    .take(MAX_ALTERNATIVES)
                    .map(|a| self.field_type(a, owner, field, depth + 1))
                    .collect();
                return Some(union_of(types));
            }
        }
        None
    }

    /// Every one of `types` at once: one type as it is; objects merged into one type with the
    /// fields of all (the first definition of a field wins); anything else free-form.
    fn all_of(&mut self, types: Vec<FieldType>, owner: &str, field: &str) -> FieldType {
        let mut types = types;
        types.dedup();
        if types.len() == 1 {
            return types.remove(0);
        }
        let objects: Vec<TypeRef> = types
            .iter()
            .filter_map(|t| match t {
                FieldType::Object(r) => Some(*r),
                _ => None,
            })
            .collect();
        if objects.len() != types.len() {
            return FieldType::FreeForm;
        }
        let name = if field.is_empty() { owner.to_string() } else { format!("{owner}.{field}") };
        let mut merged = TypeDef::new(name, "Object");
        for t in &objects {
            let Some(def) = self.types.get(t.index()) else { continue };
            if def.external {
                // Fields not known here: accept whatever comes.
                merged.open = true;
                continue;
            }
            if merged.description.is_empty() {
                merged.description.clone_from(&def.description);
            }
            merged.open |= def.open;
            merged.embedded |= def.embedded;
            for f in &def.fields {
                if !merged.fields.iter().any(|m| m.name == f.name) {
                    merged.fields.push(f.clone());
                }
            }
        }
        merged.fields.sort_by(|a, b| a.name.cmp(&b.name));
        FieldType::Object(self.push(merged))
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

/// At most this many alternatives of one `anyOf`/`oneOf`/`allOf` are read (hostile input).
const MAX_ALTERNATIVES: usize = 64;

fn has_own_shape(obj: &Map<String, Value>) -> bool {
    obj.contains_key("properties")
        || obj.contains_key("items")
        || obj.contains_key("type")
        || obj.contains_key("additionalProperties")
}

/// Does an alternative give a shape (rather than only validate a value)?
fn is_shaped(alt: &Value) -> bool {
    alt.as_object().is_some_and(|o| {
        has_own_shape(o)
            || o.contains_key("$ref")
            || o.contains_key("x-kubernetes-int-or-string")
            || ["allOf", "anyOf", "oneOf"]
                .iter()
                .any(|k| o.get(*k).and_then(Value::as_array).is_some_and(|a| a.iter().any(is_shaped)))
    })
}

/// One of several types: duplicates dropped; `[integer, string]` is int-or-string; anything
/// free-form makes the whole free-form.
fn union_of(types: Vec<FieldType>) -> FieldType {
    let mut out: Vec<FieldType> = Vec::new();
    for t in types {
        match t {
            FieldType::FreeForm => return FieldType::FreeForm,
            FieldType::Union(inner) => {
                for i in inner {
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
            }
            t if !out.contains(&t) => out.push(t),
            _ => {}
        }
    }
    let is = |t: &FieldType| matches!(t, FieldType::Integer | FieldType::String | FieldType::IntOrString);
    if out.len() == 2 && out.iter().all(is) {
        return FieldType::IntOrString;
    }
    match out.len() {
        0 => FieldType::FreeForm,
        1 => out.remove(0),
        _ => FieldType::Union(out),
    }
}

/// The value validations of a schema node (see [`Checks`]). Alternatives that give shapes
/// are types, not checks ([`Converter::field_type`]), and are left out here.
pub(crate) fn checks_of(schema: &Value, depth: usize) -> Checks {
    let mut c = Checks::default();
    let Some(obj) = schema.as_object() else { return c };
    if depth > MAX_DEPTH {
        return c;
    }
    let uint = |key: &str| obj.get(key).and_then(Value::as_u64);
    c.format = obj.get("format").and_then(Value::as_str).map(str::to_string);
    c.pattern = obj.get("pattern").and_then(Value::as_str).map(str::to_string);
    c.minimum = bound(obj, "minimum", "exclusiveMinimum");
    c.maximum = bound(obj, "maximum", "exclusiveMaximum");
    c.min_length = uint("minLength");
    c.max_length = uint("maxLength");
    c.min_items = uint("minItems");
    c.max_items = uint("maxItems");
    c.min_properties = uint("minProperties");
    c.max_properties = uint("maxProperties");
    c.nullable = bool_of(schema, "nullable");
    if let Some(rules) = obj.get("x-kubernetes-validations").and_then(Value::as_array) {
        for r in rules.iter().take(MAX_ALTERNATIVES) {
            let rule = str_of(r, "rule");
            let mut message = str_of(r, "message");
            if message.is_empty() {
                message = str_of(r, "messageExpression");
            }
            if !rule.is_empty() || !message.is_empty() {
                c.validations.push(Validation { rule, message });
            }
        }
    }
    for (key, combine) in [("anyOf", Combine::Any), ("oneOf", Combine::One), ("allOf", Combine::All)] {
        let Some(alts) = obj.get(key).and_then(Value::as_array) else { continue };
        if alts.is_empty() || alts.iter().any(is_shaped) {
            continue;
        }
        let options: Vec<Checks> =
            alts.iter().take(MAX_ALTERNATIVES).map(|a| option_of(a, depth + 1)).collect();
        c.alternatives.push(Alternatives { combine, options });
    }
    let inner = match (obj.get("items"), obj.get("additionalProperties")) {
        (Some(items @ Value::Object(_)), _) => Some(items),
        (_, Some(ap @ Value::Object(_))) => Some(ap),
        _ => None,
    };
    if let Some(inner) = inner {
        let items = checks_of(inner, depth + 1);
        let items = Checks { enum_values: Vec::new(), ..items };
        if !items.is_empty() {
            c.items = Some(Box::new(items));
        }
    }
    c
}

/// One alternative of a value-validating `anyOf`/`oneOf`/`allOf`: its checks, required keys
/// and allowed values; marked opaque when it says more than these checks can evaluate.
fn option_of(alt: &Value, depth: usize) -> Checks {
    let mut c = checks_of(alt, depth);
    let Some(obj) = alt.as_object() else {
        c.opaque = true;
        return c;
    };
    c.required = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    c.enum_values = obj
        .get("enum")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter(|v| !v.is_null()).map(value_text).collect())
        .unwrap_or_default();
    // Nested property validations, `not`, CEL rules: not evaluated, so the alternative holds.
    c.opaque = obj.keys().any(|k| {
        matches!(
            k.as_str(),
            "properties" | "items" | "additionalProperties" | "not" | "x-kubernetes-validations"
        )
    });
    c
}

/// `minimum` with `exclusiveMinimum` (a boolean in OpenAPI 3.0, a number in 3.1).
fn bound(obj: &Map<String, Value>, key: &str, exclusive_key: &str) -> Option<Bound> {
    match (obj.get(key).and_then(Value::as_f64), obj.get(exclusive_key)) {
        (Some(value), Some(Value::Bool(exclusive))) => Some(Bound { value, exclusive: *exclusive }),
        (Some(value), _) => Some(Bound { value, exclusive: false }),
        (None, Some(v)) => v.as_f64().map(|value| Bound { value, exclusive: true }),
        (None, None) => None,
    }
}

fn is_object_with_properties(schema: &Value) -> bool {
    let props = schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    let ty = schema.as_object().and_then(type_of);
    props && matches!(ty.as_deref(), None | Some("object"))
}

/// The `type` of a schema node; `["string", "null"]` counts as `string`.
fn type_of(obj: &Map<String, Value>) -> Option<String> {
    types_of(obj).into_iter().next()
}

/// Every type a node's `type` names (null left out): one in OpenAPI 3.0, a list in 3.1.
fn types_of(obj: &Map<String, Value>) -> Vec<String> {
    match obj.get("type") {
        Some(Value::String(s)) if s != "null" => vec![s.clone()],
        Some(Value::Array(list)) => {
            list.iter().filter_map(Value::as_str).filter(|t| *t != "null").map(str::to_string).collect()
        }
        _ => Vec::new(),
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
