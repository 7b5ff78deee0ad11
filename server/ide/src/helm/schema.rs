//! `values.schema.json`: a validator of a values file against the JSON-Schema subset charts use
//! (draft 7: `type`, `properties`, `required`, `additionalProperties`, `patternProperties`,
//! `items`, `enum`, `const`, numeric and length bounds, `pattern`, `allOf`/`anyOf`/`oneOf`/
//! `not`, `if`/`then`/`else`, local `$ref`), with findings on the values file's ranges; and
//! the schema's properties for completion and hover.
//!
//! Limits, chosen so a finding is never wrong: a value that is null in values.yaml is not
//! checked (Helm drops null values when it merges them); `format`, `dependencies`,
//! `propertyNames` and remote `$ref`s are not checked; a pattern the regex engine cannot
//! compile is reported on the schema and skipped.

use std::cell::RefCell;
use std::collections::HashMap;

use kref_yaml::{File, Node, NodeValue, TextRange};
use regex::Regex;
use serde_json::Value;

use super::chart_yaml::FindingSeverity;
use super::refs::{PathSegment, ValuesPath};
use super::typing::{HelmValue, type_of};
use super::values::ValuesFile;

/// What kind of problem a schema finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaFindingKind {
    /// values.schema.json is not JSON.
    InvalidJson,
    /// A schema keyword with a value of the wrong shape.
    InvalidSchema,
    /// A `$ref` that does not resolve in the file.
    UnresolvedRef,
    /// A `pattern` the regex engine cannot compile.
    InvalidPattern,
    WrongType,
    MissingRequired,
    NotAllowed,
    AdditionalProperty,
    OutOfRange,
    WrongLength,
    PatternMismatch,
    WrongItemCount,
    DuplicateItems,
    NoAlternative,
}

/// A problem found by the schema (in values.yaml) or in the schema itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFinding {
    pub kind: SchemaFindingKind,
    pub severity: FindingSeverity,
    pub message: String,
    pub range: TextRange,
    /// True when `range` is in values.schema.json; false when in the values file.
    pub in_schema: bool,
    /// The values path concerned (`image.tag`); empty for schema problems.
    pub path: String,
}

/// A property the schema describes, for completion and hover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProperty {
    pub name: String,
    pub description: Option<String>,
    /// The `type` as written (`string`, `integer | null`).
    pub type_name: Option<String>,
    pub required: bool,
    pub enum_values: Vec<String>,
    pub default: Option<String>,
}

/// A parsed values.schema.json.
#[derive(Debug, Clone)]
pub struct ValuesSchema {
    root: Option<Value>,
    /// The same text read as YAML, for the ranges of schema locations.
    yaml: File,
    /// Problems of the schema itself.
    pub problems: Vec<SchemaFinding>,
}

const MAX_REF_DEPTH: usize = 64;

impl ValuesSchema {
    pub fn parse(text: &str) -> ValuesSchema {
        let yaml = kref_yaml::parse(text);
        match serde_json::from_str::<Value>(text) {
            Ok(root) => {
                let mut schema = ValuesSchema { root: Some(root), yaml, problems: Vec::new() };
                schema.problems = schema.lint();
                schema
            }
            Err(e) => {
                let offset = offset_of(text, e.line(), e.column());
                ValuesSchema {
                    root: None,
                    yaml,
                    problems: vec![SchemaFinding {
                        kind: SchemaFindingKind::InvalidJson,
                        severity: FindingSeverity::Error,
                        message: format!("values.schema.json is not valid JSON: {e}"),
                        range: TextRange::new(offset, (offset + 1).min(text.len())),
                        in_schema: true,
                        path: String::new(),
                    }],
                }
            }
        }
    }

    /// Validates a values file; findings are on the values file's ranges.
    pub fn validate(&self, values: &ValuesFile) -> Vec<SchemaFinding> {
        let Some(root) = &self.root else { return Vec::new() };
        let Some(node) = values.root() else { return Vec::new() };
        let regexes = RefCell::new(HashMap::new());
        let mut v = Validator { root, regexes: &regexes, out: Vec::new() };
        v.validate(root, node, None, &mut ValuesPath::default(), 0);
        v.out.sort_by_key(|f| f.range.start);
        v.out.dedup();
        v.out
    }

    /// The properties the schema allows under `path` (for completion after `.Values.a.`).
    pub fn properties_at(&self, path: &ValuesPath) -> Vec<SchemaProperty> {
        let Some(root) = &self.root else { return Vec::new() };
        let mut out: Vec<SchemaProperty> = Vec::new();
        for schema in self.schemas_at(root, path) {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    if out.iter().any(|p| &p.name == name) {
                        continue;
                    }
                    let prop = resolve(root, prop, 0).unwrap_or(prop);
                    out.push(describe(name, prop, required.contains(&name.as_str())));
                }
            }
        }
        out
    }

    /// The schema's description of the value at `path`.
    pub fn property(&self, path: &ValuesPath) -> Option<SchemaProperty> {
        let (last, parent) = path.0.split_last()?;
        let PathSegment::Key(name) = last else { return None };
        self.properties_at(&ValuesPath(parent.to_vec())).into_iter().find(|p| &p.name == name)
    }

    /// Every schema that applies at `path` (through `$ref`, `allOf`, `items`,
    /// `additionalProperties`).
    fn schemas_at<'a>(&self, root: &'a Value, path: &ValuesPath) -> Vec<&'a Value> {
        let mut current = vec![root];
        for segment in &path.0 {
            let mut next = Vec::new();
            for schema in expand(root, current) {
                match segment {
                    PathSegment::Key(key) => {
                        if let Some(p) = schema.get("properties").and_then(|p| p.get(key)) {
                            next.push(p);
                        } else if let Some(a) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                            next.push(a);
                        }
                    }
                    PathSegment::Each => {
                        if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
                            next.push(items);
                        } else if let Some(a) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                            next.push(a);
                        }
                    }
                }
            }
            current = next;
        }
        expand(root, current)
    }

    /// Problems of the schema itself: unresolved `$ref`s, patterns that do not compile.
    fn lint(&self) -> Vec<SchemaFinding> {
        let Some(root) = &self.root else { return Vec::new() };
        let mut out = Vec::new();
        // Only schema positions are walked: the keys under `properties` are names, not
        // keywords.
        let mut stack: Vec<(&Value, Vec<String>)> = vec![(root, Vec::new())];
        let child = |pointer: &[String], key: &str| {
            let mut at = pointer.to_vec();
            at.push(key.to_string());
            at
        };
        while let Some((value, pointer)) = stack.pop() {
            let Value::Object(map) = value else { continue };
            if let Some(Value::String(reference)) = map.get("$ref")
                && resolve_ref(root, reference).is_none()
            {
                out.push(SchemaFinding {
                    kind: SchemaFindingKind::UnresolvedRef,
                    // Helm fetches a remote `$ref`; only a broken local one is a defect.
                    severity: if reference.starts_with('#') {
                        FindingSeverity::Error
                    } else {
                        FindingSeverity::Info
                    },
                    message: if reference.starts_with('#') {
                        format!("`$ref: {reference}` points to nothing in this file")
                    } else {
                        format!("`$ref: {reference}` points outside this file, which cannot be read offline")
                    },
                    range: self.schema_range(&child(&pointer, "$ref")),
                    in_schema: true,
                    path: String::new(),
                });
            }
            if let Some(Value::String(pattern)) = map.get("pattern")
                && let Err(e) = Regex::new(pattern)
            {
                out.push(SchemaFinding {
                    kind: SchemaFindingKind::InvalidPattern,
                    severity: FindingSeverity::Warning,
                    message: format!(
                        "the pattern `{pattern}` cannot be compiled, so values are not checked against it: {}",
                        e.to_string().lines().last().unwrap_or("").trim()
                    ),
                    range: self.schema_range(&child(&pointer, "pattern")),
                    in_schema: true,
                    path: String::new(),
                });
            }
            if let Some(t) = map.get("type") {
                let ok = match t {
                    Value::String(s) => TYPES.contains(&s.as_str()),
                    Value::Array(items) => {
                        items.iter().all(|i| i.as_str().is_some_and(|s| TYPES.contains(&s)))
                    }
                    _ => false,
                };
                if !ok {
                    out.push(SchemaFinding {
                        kind: SchemaFindingKind::InvalidSchema,
                        severity: FindingSeverity::Error,
                        message: format!("`type` must be one of {} (or a list of them)", TYPES.join(", ")),
                        range: self.schema_range(&child(&pointer, "type")),
                        in_schema: true,
                        path: String::new(),
                    });
                }
            }
            for (key, sub) in map {
                match key.as_str() {
                    "properties" | "patternProperties" | "definitions" | "$defs" | "dependencies" => {
                        if let Value::Object(named) = sub {
                            for (name, schema) in named {
                                stack.push((schema, child(&child(&pointer, key), name)));
                            }
                        }
                    }
                    "items" | "allOf" | "anyOf" | "oneOf" => match sub {
                        Value::Array(list) => {
                            for (i, schema) in list.iter().enumerate() {
                                stack.push((schema, child(&child(&pointer, key), &i.to_string())));
                            }
                        }
                        other => stack.push((other, child(&pointer, key))),
                    },
                    "additionalProperties"
                    | "additionalItems"
                    | "not"
                    | "if"
                    | "then"
                    | "else"
                    | "contains"
                    | "propertyNames" => stack.push((sub, child(&pointer, key))),
                    _ => {}
                }
            }
        }
        out.sort_by_key(|f| f.range.start);
        out
    }

    /// The range of the schema location `pointer` (keys and array indexes) in the file.
    fn schema_range(&self, pointer: &[String]) -> TextRange {
        let Some(mut node) = self.yaml.documents.first().and_then(|d| d.root.as_ref()) else {
            return TextRange::empty(0);
        };
        let mut range = node.range;
        for key in pointer {
            match &node.value {
                NodeValue::Mapping(pairs) => match pairs.iter().find(|p| &p.key.text == key) {
                    Some(pair) => {
                        range = pair.key_range.cover(pair.value.range);
                        node = &pair.value;
                    }
                    None => break,
                },
                NodeValue::Sequence(items) => match key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(item) => {
                        range = item.range;
                        node = item;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        range
    }
}

const TYPES: &[&str] = &["null", "boolean", "object", "array", "number", "integer", "string"];

fn describe(name: &str, prop: &Value, required: bool) -> SchemaProperty {
    let type_name = match prop.get("type") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(items)) => {
            Some(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "))
        }
        _ => None,
    };
    SchemaProperty {
        name: name.to_string(),
        description: prop
            .get("description")
            .or_else(|| prop.get("title"))
            .and_then(Value::as_str)
            .map(str::to_string),
        type_name,
        required,
        enum_values: prop
            .get("enum")
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |e| e.iter().map(short).collect()),
        default: prop.get("default").map(short),
    }
}

fn short(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A schema with `$ref` and `allOf` expanded into the list of schemas that all apply.
fn expand<'a>(root: &'a Value, schemas: Vec<&'a Value>) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, usize)> = schemas.into_iter().map(|s| (s, 0)).collect();
    while let Some((schema, depth)) = stack.pop() {
        if depth > MAX_REF_DEPTH {
            continue;
        }
        if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(|r| resolve_ref(root, r)) {
            stack.push((target, depth + 1));
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            stack.extend(all.iter().map(|s| (s, depth + 1)));
        }
        out.push(schema);
    }
    out
}

/// Follows `$ref` chains from `schema`.
fn resolve<'a>(root: &'a Value, schema: &'a Value, depth: usize) -> Option<&'a Value> {
    if depth > MAX_REF_DEPTH {
        return None;
    }
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(root, resolve_ref(root, reference)?, depth + 1),
        None => Some(schema),
    }
}

/// Resolves a local `$ref` (`#`, `#/definitions/x`, `#/$defs/x`, `#/properties/a/items`).
fn resolve_ref<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(root);
    }
    let decoded = percent_decode(pointer);
    root.pointer(&decoded)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

struct Validator<'a> {
    root: &'a Value,
    /// Compiled patterns, shared with the probes of `anyOf`/`oneOf`/`not`/`if`.
    regexes: &'a RefCell<HashMap<String, Option<Regex>>>,
    out: Vec<SchemaFinding>,
}

impl Validator<'_> {
    fn push(&mut self, kind: SchemaFindingKind, message: String, range: TextRange, path: &ValuesPath) {
        self.out.push(SchemaFinding {
            kind,
            severity: FindingSeverity::Error,
            message,
            range,
            in_schema: false,
            path: path.to_string(),
        });
    }

    fn matches(&self, pattern: &str, text: &str) -> Option<bool> {
        let mut cache = self.regexes.borrow_mut();
        let regex = cache.entry(pattern.to_string()).or_insert_with(|| Regex::new(pattern).ok());
        regex.as_ref().map(|r| r.is_match(text))
    }

    /// Does `node` satisfy `schema`, without reporting?
    fn passes(
        &self,
        schema: &Value,
        node: &Node,
        key_range: Option<TextRange>,
        path: &ValuesPath,
        depth: usize,
    ) -> bool {
        let mut probe = Validator { root: self.root, regexes: self.regexes, out: Vec::new() };
        probe.validate(schema, node, key_range, &mut path.clone(), depth);
        probe.out.is_empty()
    }

    fn validate(
        &mut self,
        schema: &Value,
        node: &Node,
        key_range: Option<TextRange>,
        path: &mut ValuesPath,
        depth: usize,
    ) {
        if depth > MAX_REF_DEPTH {
            return;
        }
        let schema = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => {
                let range = key_range.unwrap_or(node.range);
                self.push(
                    SchemaFindingKind::NotAllowed,
                    format!("`{path}` is not allowed by the schema"),
                    range,
                    path,
                );
                return;
            }
            Value::Object(_) => schema,
            _ => return,
        };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = resolve_ref(self.root, reference) {
                self.validate(target, node, key_range, path, depth + 1);
            }
            // Draft 7: `$ref` overrides its siblings.
            return;
        }
        let typed = type_of(node);
        // Null values are dropped by Helm when it merges values; nothing to check.
        if typed == HelmValue::Null {
            return;
        }
        let range = if node.is_missing() { key_range.unwrap_or(node.range) } else { node.range };
        let shown = path_or_root(path);

        if let Some(expected) = schema.get("type") {
            let allowed: Vec<&str> = match expected {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !allowed.is_empty() && !allowed.iter().any(|t| type_matches(t, &typed)) {
                self.push(
                    SchemaFindingKind::WrongType,
                    format!("`{shown}` must be {}, but it is {}", allowed.join(" or "), typed.describe()),
                    range,
                    path,
                );
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.iter().any(|o| equal(o, node))
        {
            let list: Vec<String> = options.iter().map(|o| o.to_string()).collect();
            self.push(
                SchemaFindingKind::NotAllowed,
                format!("`{shown}` must be one of {}", list.join(", ")),
                range,
                path,
            );
        }
        if let Some(constant) = schema.get("const")
            && !equal(constant, node)
        {
            self.push(SchemaFindingKind::NotAllowed, format!("`{shown}` must be {constant}"), range, path);
        }

        // Numbers.
        if let Some(n) = typed.as_f64() {
            let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
            let mut fail = |message: String| self.push(SchemaFindingKind::OutOfRange, message, range, path);
            if let Some(min) = bound("minimum")
                && n < min
            {
                fail(format!("`{shown}` must be at least {min}"));
            }
            if let Some(max) = bound("maximum")
                && n > max
            {
                fail(format!("`{shown}` must be at most {max}"));
            }
            if let Some(min) = bound("exclusiveMinimum")
                && n <= min
            {
                fail(format!("`{shown}` must be greater than {min}"));
            }
            if let Some(max) = bound("exclusiveMaximum")
                && n >= max
            {
                fail(format!("`{shown}` must be less than {max}"));
            }
            if let Some(step) = bound("multipleOf")
                && step > 0.0
                && ((n / step) - (n / step).round()).abs() > 1e-9
            {
                fail(format!("`{shown}` must be a multiple of {step}"));
            }
        }

        // Strings.
        if let HelmValue::String(s) = &typed {
            let count = s.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && count < min
            {
                self.push(
                    SchemaFindingKind::WrongLength,
                    format!("`{shown}` must be at least {min} characters long"),
                    range,
                    path,
                );
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && count > max
            {
                self.push(
                    SchemaFindingKind::WrongLength,
                    format!("`{shown}` must be at most {max} characters long"),
                    range,
                    path,
                );
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
                && self.matches(pattern, s) == Some(false)
            {
                self.push(
                    SchemaFindingKind::PatternMismatch,
                    format!("`{shown}` must match the pattern `{pattern}`"),
                    range,
                    path,
                );
            }
        }

        // Objects.
        if let Some(pairs) = node.as_mapping() {
            let properties = schema.get("properties").and_then(Value::as_object);
            let patterns = schema.get("patternProperties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !pairs.iter().any(|p| p.key.text == name) {
                        // On the key of the mapping; a list item's whole mapping; the root's start.
                        let at = match key_range {
                            Some(range) => range,
                            None if !path.is_empty() => node.range,
                            None => TextRange::empty(node.range.start),
                        };
                        self.push(
                            SchemaFindingKind::MissingRequired,
                            if path.is_empty() {
                                format!("the schema requires `{name}` in the values")
                            } else {
                                format!("`{shown}` must have `{name}`")
                            },
                            at,
                            path,
                        );
                    }
                }
            }
            let count = pairs.len() as u64;
            if let Some(min) = schema.get("minProperties").and_then(Value::as_u64)
                && count < min
            {
                self.push(
                    SchemaFindingKind::WrongItemCount,
                    format!("`{shown}` must have at least {min} keys"),
                    range,
                    path,
                );
            }
            if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
                && count > max
            {
                self.push(
                    SchemaFindingKind::WrongItemCount,
                    format!("`{shown}` must have at most {max} keys"),
                    range,
                    path,
                );
            }
            for pair in pairs {
                let key = pair.key.text.as_str();
                path.0.push(PathSegment::Key(key.to_string()));
                let mut matched = false;
                if let Some(prop) = properties.and_then(|p| p.get(key)) {
                    matched = true;
                    self.validate(prop, &pair.value, Some(pair.key_range), path, depth + 1);
                }
                if let Some(patterns) = patterns {
                    for (pattern, prop) in patterns {
                        if self.matches(pattern, key) == Some(true) {
                            matched = true;
                            self.validate(prop, &pair.value, Some(pair.key_range), path, depth + 1);
                        }
                    }
                }
                if !matched {
                    match schema.get("additionalProperties") {
                        Some(Value::Bool(false)) => {
                            let known: Vec<&str> = properties
                                .map(|p| p.keys().map(String::as_str).collect())
                                .unwrap_or_default();
                            let hint = super::values::closest(key, known.iter().copied())
                                .map(|s| format!("; did you mean `{s}`?"))
                                .unwrap_or_default();
                            self.push(
                                SchemaFindingKind::AdditionalProperty,
                                format!("the schema does not allow `{key}` here{hint}"),
                                pair.key_range,
                                path,
                            );
                        }
                        Some(extra @ Value::Object(_)) => {
                            self.validate(extra, &pair.value, Some(pair.key_range), path, depth + 1)
                        }
                        _ => {}
                    }
                }
                path.0.pop();
            }
        }

        // Arrays.
        if let Some(items) = node.as_sequence() {
            let count = items.len() as u64;
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && count < min
            {
                self.push(
                    SchemaFindingKind::WrongItemCount,
                    format!("`{shown}` must have at least {min} items"),
                    range,
                    path,
                );
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && count > max
            {
                self.push(
                    SchemaFindingKind::WrongItemCount,
                    format!("`{shown}` must have at most {max} items"),
                    range,
                    path,
                );
            }
            if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
                let text = |n: &Node| canonical(n);
                let mut seen: Vec<String> = Vec::new();
                for item in items {
                    let t = text(item);
                    if seen.contains(&t) {
                        self.push(
                            SchemaFindingKind::DuplicateItems,
                            format!("`{shown}` must not repeat an item"),
                            item.range,
                            path,
                        );
                    } else {
                        seen.push(t);
                    }
                }
            }
            match schema.get("items") {
                Some(Value::Array(tuple)) => {
                    for (item, item_schema) in items.iter().zip(tuple) {
                        path.0.push(PathSegment::Each);
                        self.validate(item_schema, item, None, path, depth + 1);
                        path.0.pop();
                    }
                }
                Some(item_schema) => {
                    for item in items {
                        path.0.push(PathSegment::Each);
                        self.validate(item_schema, item, None, path, depth + 1);
                        path.0.pop();
                    }
                }
                None => {}
            }
        }

        // Combinations.
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.validate(sub, node, key_range, path, depth + 1);
            }
        }
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array)
            && !any.is_empty()
            && !any.iter().any(|sub| self.passes(sub, node, key_range, path, depth + 1))
        {
            self.push(
                SchemaFindingKind::NoAlternative,
                format!("`{shown}` matches none of the {} shapes the schema allows (anyOf)", any.len()),
                range,
                path,
            );
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array)
            && !one.is_empty()
        {
            let passing = one.iter().filter(|sub| self.passes(sub, node, key_range, path, depth + 1)).count();
            if passing != 1 {
                let message = if passing == 0 {
                    format!("`{shown}` matches none of the {} shapes the schema allows (oneOf)", one.len())
                } else {
                    format!(
                        "`{shown}` matches {passing} of the shapes where the schema wants exactly one (oneOf)"
                    )
                };
                self.push(SchemaFindingKind::NoAlternative, message, range, path);
            }
        }
        if let Some(not) = schema.get("not")
            && self.passes(not, node, key_range, path, depth + 1)
        {
            self.push(
                SchemaFindingKind::NotAllowed,
                format!("`{shown}` has a shape the schema forbids (not)"),
                range,
                path,
            );
        }
        if let Some(condition) = schema.get("if") {
            let branch =
                if self.passes(condition, node, key_range, path, depth + 1) { "then" } else { "else" };
            if let Some(sub) = schema.get(branch) {
                self.validate(sub, node, key_range, path, depth + 1);
            }
        }
    }
}

fn path_or_root(path: &ValuesPath) -> String {
    if path.is_empty() { "values".to_string() } else { path.to_string() }
}

fn type_matches(expected: &str, typed: &HelmValue) -> bool {
    match expected {
        "integer" => match typed {
            HelmValue::Int(_) => true,
            HelmValue::Float(f) => f.fract() == 0.0 && f.is_finite(),
            _ => false,
        },
        "number" => matches!(typed, HelmValue::Int(_) | HelmValue::Float(_)),
        other => typed.json_type() == other,
    }
}

/// Does the YAML value equal the JSON value?
fn equal(json: &Value, node: &Node) -> bool {
    match (json, type_of(node)) {
        (Value::Null, HelmValue::Null) => true,
        (Value::Bool(a), HelmValue::Bool(b)) => *a == b,
        (Value::String(a), HelmValue::String(b)) => *a == b,
        (Value::Number(a), typed) => match (a.as_f64(), typed.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        (Value::Array(a), HelmValue::Sequence) => {
            let items = node.as_sequence().unwrap_or(&[]);
            a.len() == items.len() && a.iter().zip(items).all(|(j, n)| equal(j, n))
        }
        (Value::Object(a), HelmValue::Mapping) => {
            let pairs = node.as_mapping().unwrap_or(&[]);
            a.len() == pairs.len()
                && pairs.iter().all(|p| a.get(&p.key.text).is_some_and(|j| equal(j, &p.value)))
        }
        _ => false,
    }
}

/// A canonical text of a value, for `uniqueItems`.
fn canonical(node: &Node) -> String {
    match type_of(node) {
        HelmValue::Mapping => {
            let mut parts: Vec<String> = node
                .as_mapping()
                .unwrap_or(&[])
                .iter()
                .map(|p| format!("{:?}:{}", p.key.text, canonical(&p.value)))
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
        HelmValue::Sequence => {
            let parts: Vec<String> = node.as_sequence().unwrap_or(&[]).iter().map(canonical).collect();
            format!("[{}]", parts.join(","))
        }
        HelmValue::Int(i) => format!("{}", i as f64),
        other => format!("{other:?}"),
    }
}

/// The byte offset of a 1-based line and column (serde_json's error position).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}
