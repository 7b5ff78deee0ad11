//! The schema walk: every field of a document checked against its kind's type graph: unknown
//! fields (with the closest name, or where the field belongs), value types as the API server's
//! JSON decoding sees them, enum values (per-kind restrictions included), required fields,
//! read-only and deprecated fields, quantities and base64.

use std::fmt::Write;

use kref_corpus::schema::{Field, FieldType, Schema, TypeDef, TypeRef, suggest};
use kref_yaml::{Node, NodeValue, Pair, TextRange};

use super::context::{Cx, Scalar, is_null, pairs, pod_labels, scalar, string_map};
use super::edits::{Y, insert_entry, replace, yaml_string};
use super::quantity;
use super::workspace::View;
use super::{Diagnostic, Fix, TextEdit};

/// One step of the path to the node being checked, for messages.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

struct Walker<'c, 'a> {
    cx: &'c mut Cx<'a>,
    schema: &'a Schema,
    path: Vec<Seg<'a>>,
    unknown: bool,
    types: bool,
    enums: bool,
    required: bool,
    read_only: bool,
    deprecated: bool,
    quantities: bool,
    base64: bool,
}

pub(crate) fn check(cx: &mut Cx<'_>, _view: &View<'_>) {
    let Some(kind) = cx.schema_kind else { return };
    let kb = cx.kb;
    let schema: &Schema = &kb.schema;
    let mut w = Walker {
        unknown: cx.on("unknown-field"),
        types: cx.on("wrong-type"),
        enums: cx.on("invalid-enum"),
        required: cx.on("missing-required"),
        read_only: cx.on("read-only-field"),
        deprecated: cx.on("deprecated-field"),
        quantities: cx.on("invalid-quantity"),
        base64: cx.on("invalid-base64"),
        cx,
        schema,
        path: Vec::new(),
    };
    let root = w.cx.root;
    w.object(root, kind.root, None, None, true);
}

impl<'c, 'a> Walker<'c, 'a> {
    fn path_text(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) if k.contains(['.', '/']) => {
                    let _ = write!(out, "[{k}]");
                }
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }

    fn object(
        &mut self,
        node: &'a Node,
        t: TypeRef,
        parent: Option<&'a Pair>,
        up: Option<TypeRef>,
        top: bool,
    ) {
        let Some(def) = self.schema.type_def(t) else { return };
        match &node.value {
            NodeValue::Mapping(entries) => {
                let merged = entries.iter().any(|p| p.key.text == "<<");
                for p in entries {
                    if p.key.text == "<<" {
                        continue;
                    }
                    match def.field(&p.key.text) {
                        Some(f) => {
                            self.path.push(Seg::Key(&p.key.text));
                            self.field(p, f, t, node);
                            self.path.pop();
                        }
                        None if def.open => {}
                        None => self.unknown_field(def, node, p, up),
                    }
                }
                if self.required && !merged {
                    self.missing(def, node, parent, top);
                }
            }
            _ if is_null(node) => {}
            NodeValue::Alias(_) => {}
            _ => {
                let range = parent.map_or(node.range, |p| p.key_range);
                self.wrong_shape(node, range, &def.title, "an object (key: value lines)");
            }
        }
    }

    fn field(&mut self, p: &'a Pair, f: &'a Field, owner: TypeRef, mapping: &'a Node) {
        let value = &p.value;
        if f.read_only {
            if self.read_only && !is_empty_value(value) {
                let what = self.path_text();
                self.cx.emit(
                    Diagnostic::new(
                        "read-only-field",
                        p.key_range,
                        format!(
                            "{what} is set by the system and ignored or rejected in a manifest; remove it"
                        ),
                    )
                    .fixes(
                        super::edits::remove_pair(self.cx.file, p)
                            .map(|e| Fix { title: format!("Remove {}", p.key.text), edits: vec![e] }),
                    ),
                );
            }
            return;
        }
        if let Some(reason) = &f.deprecated
            && self.deprecated
            && !is_null(value)
        {
            self.deprecated_field(p, f, reason, owner, mapping);
        }
        self.value(value, &f.ty, Some(f), Some(p), Some(owner));
    }

    fn value(
        &mut self,
        node: &'a Node,
        ty: &'a FieldType,
        field: Option<&'a Field>,
        pair: Option<&'a Pair>,
        up: Option<TypeRef>,
    ) {
        if is_null(node) || matches!(node.value, NodeValue::Alias(_)) {
            return;
        }
        match ty {
            FieldType::Object(t) => self.object(node, *t, pair, up, false),
            FieldType::Array(inner) => match &node.value {
                NodeValue::Sequence(list) => {
                    for (i, item) in list.iter().enumerate() {
                        self.path.push(Seg::Index(i));
                        self.value(item, inner, field, None, up);
                        self.path.pop();
                    }
                }
                _ => {
                    let hint = if matches!(**inner, FieldType::Object(_)) {
                        "a list; start each item with `- `"
                    } else {
                        "a list (`- item` lines or [a, b])"
                    };
                    self.wrong_shape(node, pair.map_or(node.range, |p| p.key_range), "", hint);
                }
            },
            FieldType::Map(inner) => match &node.value {
                NodeValue::Mapping(entries) => {
                    for p in entries {
                        self.path.push(Seg::Key(&p.key.text));
                        self.value(&p.value, inner, None, Some(p), up);
                        self.path.pop();
                    }
                }
                _ => self.wrong_shape(
                    node,
                    pair.map_or(node.range, |p| p.key_range),
                    "",
                    "a map of key: value lines",
                ),
            },
            FieldType::FreeForm => {}
            scalar_ty => self.scalar(node, scalar_ty, field),
        }
    }

    fn wrong_shape(&mut self, node: &Node, range: TextRange, title: &str, expected: &str) {
        if !self.types {
            return;
        }
        let what = self.path_text();
        let got = match &node.value {
            NodeValue::Mapping(_) => "a mapping".to_string(),
            NodeValue::Sequence(_) => "a list".to_string(),
            _ => match scalar(node) {
                Some(Scalar::Str(s)) => format!("the string {:?}", super::context::short(s)),
                Some(s) => s.type_name().to_string(),
                None => "something else".to_string(),
            },
        };
        let title = if title.is_empty() { String::new() } else { format!(" ({title})") };
        let what = if what.is_empty() { "the document".to_string() } else { what };
        self.cx.emit(Diagnostic::new(
            "wrong-type",
            range,
            format!("{what}{title} must be {expected}, not {got}"),
        ));
    }

    fn scalar(&mut self, node: &'a Node, ty: &FieldType, field: Option<&'a Field>) {
        let Some(value) = scalar(node) else {
            if self.types {
                let expected = format!("{} value", self.schema.display_type(ty));
                let expected = match ty {
                    FieldType::String => "a string".to_string(),
                    FieldType::Integer => "an integer".to_string(),
                    FieldType::Boolean => "true or false".to_string(),
                    _ => expected,
                };
                self.wrong_shape(node, node.range, "", &expected);
            }
            return;
        };
        let raw = node.as_scalar().map_or(node.range, |s| s.raw_range);
        let name = self.path_text();
        match (ty, value) {
            (FieldType::String, Scalar::Str(s)) => self.enum_value(raw, s, field),
            (
                FieldType::String | FieldType::DateTime,
                Scalar::Int(_) | Scalar::Float(_) | Scalar::Bool(_),
            ) => {
                if self.types {
                    let text = self.cx.slice(raw).to_string();
                    let quoted = format!("\"{}\"", text.replace('"', "\\\""));
                    let why =
                        if matches!(value, Scalar::Bool(_)) && !matches!(text.as_str(), "true" | "false") {
                            " (YAML reads it as a boolean)"
                        } else {
                            ""
                        };
                    self.cx.emit(
                        Diagnostic::new(
                            "wrong-type",
                            raw,
                            format!(
                                "{name} must be a string, not {}{why}; quote it: {quoted}",
                                value.type_name()
                            ),
                        )
                        .fix(replace(
                            format!("Quote as {quoted}"),
                            raw,
                            quoted.clone(),
                        )),
                    );
                }
            }
            (FieldType::Integer, Scalar::Int(_)) | (FieldType::Number, Scalar::Int(_) | Scalar::Float(_)) => {
            }
            (FieldType::Boolean, Scalar::Bool(_)) => {}
            (FieldType::IntOrString, Scalar::Int(_)) => {}
            (FieldType::IntOrString, Scalar::Str(s)) => self.enum_value(raw, s, field),
            (FieldType::Integer | FieldType::Number, Scalar::Str(s)) => {
                if !self.types {
                    return;
                }
                let trimmed = s.trim();
                let numeric =
                    matches!(super::context::resolve_plain(trimmed), Scalar::Int(_) | Scalar::Float(_));
                let what = if ty == &FieldType::Number { "a number" } else { "an integer" };
                let d = if numeric {
                    Diagnostic::new(
                        "wrong-type",
                        raw,
                        format!("{name} must be {what}, but \"{s}\" is quoted (a string); remove the quotes"),
                    )
                    .fix(replace("Remove the quotes", raw, trimmed))
                } else {
                    Diagnostic::new("wrong-type", raw, format!("{name} must be {what}, not the string {s:?}"))
                };
                self.cx.emit(d);
            }
            (FieldType::Integer, Scalar::Float(f)) => {
                if self.types {
                    let msg = if f.fract() == 0.0 && f.is_finite() {
                        format!("{name} must be a whole number; write {}", f as i64)
                    } else {
                        format!("{name} must be a whole number, not {}", self.cx.slice(raw))
                    };
                    let mut d = Diagnostic::new("wrong-type", raw, msg);
                    if f.fract() == 0.0 && f.is_finite() {
                        d = d.fix(replace(format!("Write {}", f as i64), raw, (f as i64).to_string()));
                    }
                    self.cx.emit(d);
                }
            }
            (FieldType::Boolean, Scalar::Str(s)) => {
                if !self.types {
                    return;
                }
                let mut d = Diagnostic::new(
                    "wrong-type",
                    raw,
                    format!("{name} must be true or false, not the string {s:?}"),
                );
                if let Scalar::Bool(b) = super::context::resolve_plain(s.trim()) {
                    d.message =
                        format!("{name} must be a boolean, but \"{s}\" is quoted (a string); write {b}");
                    d = d.fix(replace(format!("Write {b}"), raw, b.to_string()));
                }
                self.cx.emit(d);
            }
            (FieldType::IntOrString, Scalar::Float(_)) => {
                if self.types {
                    self.cx.emit(Diagnostic::new(
                        "wrong-type",
                        raw,
                        format!(
                            "{name} must be a whole number or a string such as \"25%\", not {}",
                            self.cx.slice(raw)
                        ),
                    ));
                }
            }
            (FieldType::Quantity, Scalar::Int(_) | Scalar::Float(_)) => {}
            (FieldType::Quantity, Scalar::Str(s)) => self.quantity(raw, s, &name),
            (FieldType::Bytes, Scalar::Str(s)) => self.base64(node, raw, s, &name),
            (FieldType::DateTime, Scalar::Str(_)) => {}
            (_, v) => {
                if self.types {
                    let expected = match ty {
                        FieldType::Integer => "an integer".to_string(),
                        FieldType::Boolean => "true or false".to_string(),
                        FieldType::IntOrString => "an integer or a string".to_string(),
                        FieldType::Quantity => "a quantity such as 500m or 128Mi".to_string(),
                        FieldType::Bytes => "a base64 string".to_string(),
                        other => self.schema.display_type(other),
                    };
                    self.cx.emit(Diagnostic::new(
                        "wrong-type",
                        raw,
                        format!("{name} must be {expected}, not {}", v.type_name()),
                    ));
                }
            }
        }
    }

    fn enum_value(&mut self, raw: TextRange, value: &str, field: Option<&'a Field>) {
        if !self.enums {
            return;
        }
        let Some(field) = field else { return };
        if field.enum_values.is_empty() || field.enum_open {
            return;
        }
        let allowed = field.values_for_kind(Some(self.cx.kind));
        if allowed.iter().any(|v| v.value == value) {
            return;
        }
        let names: Vec<&str> = allowed.iter().map(|v| v.value.as_str()).collect();
        let name = self.path_text();
        let restriction = field.restriction_for(self.cx.kind).filter(|_| field.enum_value(value).is_some());
        let mut close = suggest(names.iter().copied(), value);
        if close.is_empty() && (restriction.is_some() || names.len() <= 4) {
            close = names.iter().map(|s| s.to_string()).collect();
        }
        let message = match restriction {
            Some(r) => format!(
                "{name}: {value} is not allowed in a {}: use {} ({})",
                self.cx.kind,
                names.join(" or "),
                r.note.trim_end_matches('.')
            ),
            None => match close.as_slice() {
                [one] => format!(
                    "{name}: {value:?} is not a valid value; did you mean {one}? (allowed: {})",
                    names.join(", ")
                ),
                [first, rest @ ..] if close.len() < names.len() => format!(
                    "{name}: {value:?} is not a valid value; did you mean {first}{}? (allowed: {})",
                    rest.iter().map(|r| format!(" or {r}")).collect::<String>(),
                    names.join(", ")
                ),
                _ => format!("{name}: {value:?} is not a valid value; use one of {}", names.join(", ")),
            },
        };
        let fixes = close.iter().take(4).map(|c| replace(format!("Change to {c}"), raw, yaml_string(c)));
        self.cx.emit(Diagnostic::new("invalid-enum", raw, message).fixes(fixes));
    }

    fn quantity(&mut self, raw: TextRange, s: &str, name: &str) {
        if !self.quantities {
            return;
        }
        if let Err(why) = quantity::parse(s) {
            let options = quantity::suggestions(s);
            let message = match options.as_slice() {
                [bin, dec] => format!(
                    "{name}: {s:?} is not a quantity ({why}); write {bin} (binary) or {dec} (decimal)"
                ),
                [one] => format!("{name}: {s:?} is not a quantity ({why}); write {one}"),
                _ => format!(
                    "{name}: {s:?} is not a quantity ({why}); write a number with a unit such as 500m, 128Mi or 2Gi"
                ),
            };
            let fixes = options.iter().map(|o| replace(format!("Change to {o}"), raw, o.clone()));
            self.cx.emit(Diagnostic::new("invalid-quantity", raw, message).fixes(fixes));
        }
    }

    fn base64(&mut self, node: &Node, raw: TextRange, s: &str, name: &str) {
        if !self.base64 || is_base64(s) {
            return;
        }
        let mut d = Diagnostic::new(
            "invalid-base64",
            raw,
            format!("{name} is not valid base64; encode the value, or put plain text under stringData"),
        );
        let plain_text = s.chars().any(|c| !(c.is_ascii_alphanumeric() || "+/=\r\n".contains(c)));
        if plain_text
            && !node.as_scalar().is_some_and(|sc| {
                matches!(sc.style, kref_yaml::ScalarStyle::Literal | kref_yaml::ScalarStyle::Folded)
            })
        {
            d = d.fix(replace("Encode the value as base64", raw, encode_base64(s.as_bytes())));
        }
        self.cx.emit(d);
    }

    fn unknown_field(&mut self, def: &'a TypeDef, mapping: &'a Node, p: &'a Pair, up: Option<TypeRef>) {
        if !self.unknown {
            return;
        }
        let key = p.key.text.as_str();
        let at = self.path_text();
        let place = if at.is_empty() {
            format!("the top level of a {}", self.cx.kind)
        } else {
            format!("{at} ({})", def.title)
        };
        let present = |name: &str| mapping.pair(name).is_some();
        let close: Vec<String> =
            suggest(def.fields.iter().filter(|f| !f.read_only).map(|f| f.name.as_str()), key)
                .into_iter()
                .filter(|c| !present(c))
                .collect();
        // Where the field would be valid: under a sibling object, or one level up.
        let mut belongs = None;
        for sib in pairs(mapping) {
            if let Some(f) = def.field(&sib.key.text)
                && let Some(t) = f.ty.object()
                && self.schema.type_def(t).and_then(|d| d.field(key)).is_some()
            {
                belongs = Some(format!("it belongs under {}", sib.key.text));
                break;
            }
        }
        if belongs.is_none()
            && let Some(up) = up
            && self.schema.type_def(up).and_then(|d| d.field(key)).is_some()
            && !at.is_empty()
        {
            belongs = Some("it belongs one level up (check the indentation)".to_string());
        }
        let message = match (close.as_slice(), &belongs) {
            (_, Some(b)) if close.is_empty() || !close[0].eq_ignore_ascii_case(key) => {
                format!("unknown field {key:?} in {place}; {b}")
            }
            ([one, ..], _) => format!("unknown field {key:?} in {place}; did you mean {one}?"),
            ([], _) => {
                format!("unknown field {key:?} in {place}; remove it or check its spelling and indentation")
            }
        };
        let fixes = close.iter().map(|c| replace(format!("Rename to {c}"), p.key.raw_range, c.clone()));
        self.cx.emit(Diagnostic::new("unknown-field", p.key_range, message).fixes(fixes));
    }

    fn missing(&mut self, def: &'a TypeDef, mapping: &'a Node, parent: Option<&'a Pair>, top: bool) {
        let range = match parent {
            Some(p) => p.key_range,
            None if top => {
                self.cx.root.pair("kind").map_or(TextRange::empty(mapping.range.start), |k| k.key_range)
            }
            // A list item: its first key.
            None => pairs(mapping).first().map_or(TextRange::empty(mapping.range.start), |p| p.key_range),
        };
        for f in &def.fields {
            let effective = f.required
                || (top
                    && f.name == "spec"
                    && f.ty.object().is_some_and(|t| self.schema.children(t).iter().any(|c| c.required)));
            if !effective || f.read_only {
                continue;
            }
            if mapping.pair(&f.name).is_some_and(|p| !is_null(&p.value)) {
                continue;
            }
            let at = self.path_text();
            let place =
                if at.is_empty() { format!("a {}", self.cx.kind) } else { format!("{at} ({})", def.title) };
            let message = format!("missing required field {} in {place}; add it", f.name);
            let mut d = Diagnostic::new("missing-required", range, message);
            if let Some(fix) = self.insert_required(mapping, parent, f) {
                d = d.fix(fix);
            }
            self.cx.emit(d);
        }
    }

    fn insert_required(&self, mapping: &'a Node, parent: Option<&'a Pair>, f: &Field) -> Option<Fix> {
        let unit = self.cx.doc.indent_unit.max(1);
        let value = placeholder(self.cx, self.schema, f, 0)?;
        let existing = mapping.pair(&f.name);
        let edit = match existing {
            // `key:` with nothing (or null) after it: fill the value in.
            Some(p) => match &value {
                Y::S(s) => TextEdit {
                    range: TextRange::new(p.colon? + 1, p.range().end.max(p.colon? + 1)),
                    new_text: format!(" {s}"),
                },
                _ => {
                    let col = super::edits::column(self.cx.file, p.key_range.start);
                    let text = Y::render_pair(&f.name, &value, col, unit);
                    TextEdit { range: TextRange::new(p.key_range.start, p.range().end), new_text: text }
                }
            },
            None => insert_entry(self.cx.file, parent, mapping, &f.name, &value, unit)?,
        };
        Some(Fix { title: format!("Add {}", f.name), edits: vec![edit] })
    }

    fn deprecated_field(&mut self, p: &'a Pair, f: &Field, reason: &str, owner: TypeRef, mapping: &'a Node) {
        let name = self.path_text();
        let replacement = use_instead(reason)
            .filter(|r| *r != f.name && self.schema.type_def(owner).and_then(|d| d.field(r)).is_some());
        let mut message = format!("{name} is deprecated");
        match replacement {
            Some(r) => {
                let _ = write!(message, "; use {r} instead");
            }
            None => {
                let _ = write!(
                    message,
                    " ({}); remove it or move to its replacement",
                    deprecation_sentence(reason)
                );
            }
        }
        let mut d = Diagnostic::new("deprecated-field", p.key_range, message);
        if let Some(r) = replacement {
            if mapping.pair(r).is_none() {
                d = d.fix(replace(format!("Rename to {r}"), p.key.raw_range, r.to_string()));
            } else if let Some(e) = super::edits::remove_pair(self.cx.file, p) {
                d = d.fix(Fix { title: format!("Remove {} ({r} is set)", f.name), edits: vec![e] });
            }
        }
        self.cx.emit(d);
    }
}

/// The sentence that says why a field is deprecated, without the "Deprecated:" label and at
/// most about 100 characters (cut at a word).
fn deprecation_sentence(reason: &str) -> String {
    let start = reason.find("Deprecated:").map_or(0, |i| i + "Deprecated:".len());
    let rest = reason[start..].trim();
    let sentence = match rest.find(". ") {
        Some(end) => &rest[..end],
        None => rest.trim_end_matches('.'),
    };
    if sentence.len() <= 100 {
        return sentence.to_string();
    }
    let mut cut = 100;
    while !sentence.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &sentence[..cut];
    let head = head.rsplit_once(' ').map_or(head, |(h, _)| h);
    format!("{head}...")
}

/// The field a deprecation sentence names: "Deprecated: Use serviceAccountName instead."
fn use_instead(reason: &str) -> Option<&str> {
    let lower = reason.to_ascii_lowercase();
    let i = lower.find("use ")?;
    let rest = &reason[i + 4..];
    let word: &str = rest.split(|c: char| !c.is_ascii_alphanumeric()).next()?;
    (!word.is_empty() && word.chars().next().is_some_and(|c| c.is_ascii_lowercase())).then_some(word)
}

fn is_empty_value(node: &Node) -> bool {
    is_null(node)
        || node.as_mapping().is_some_and(<[Pair]>::is_empty)
        || node.as_sequence().is_some_and(<[Node]>::is_empty)
}

/// A value to insert for a missing required field, in the shape its type needs.
fn placeholder(cx: &Cx<'_>, schema: &Schema, f: &Field, depth: usize) -> Option<Y> {
    let allowed = f.values_for_kind(Some(cx.kind));
    let by_name = match f.name.as_str() {
        "pathType" => Some("Prefix"),
        "restartPolicy" => Some("OnFailure"),
        "schedule" => Some("\"0 * * * *\""),
        "name" => Some("app"),
        "port" | "containerPort" => Some("80"),
        "maxReplicas" => Some("3"),
        "kind" => None,
        _ => None,
    };
    if let Some(v) = by_name
        && (allowed.is_empty() || allowed.iter().any(|a| a.value == v))
    {
        return Some(Y::s(v));
    }
    if let Some(d) = f.default.as_deref().filter(|d| allowed.iter().any(|a| a.value == *d)) {
        return Some(Y::s(yaml_string(d)));
    }
    if let Some(first) = allowed.first() {
        return Some(Y::s(yaml_string(&first.value)));
    }
    Some(match &f.ty {
        FieldType::String | FieldType::DateTime | FieldType::Bytes => Y::s("\"\""),
        FieldType::Integer | FieldType::Number => Y::s("1"),
        FieldType::Boolean => Y::s("false"),
        FieldType::IntOrString => Y::s("1"),
        FieldType::Quantity => Y::s("\"1\""),
        FieldType::Array(_) => Y::L(Vec::new()),
        FieldType::Map(_) | FieldType::FreeForm => Y::M(Vec::new()),
        FieldType::Object(_) if f.name == "selector" => {
            let labels = pod_labels(cx.root, cx.kind).map(string_map).unwrap_or_default();
            if labels.is_empty() {
                Y::M(Vec::new())
            } else {
                Y::M(vec![(
                    "matchLabels".into(),
                    Y::M(labels.into_iter().map(|(k, v)| (yaml_string(k), Y::s(yaml_string(v)))).collect()),
                )])
            }
        }
        FieldType::Object(t) if depth < 3 => Y::M(
            schema
                .children(*t)
                .iter()
                .filter(|c| c.required && !c.read_only)
                .filter_map(|c| Some((c.name.clone(), placeholder(cx, schema, c, depth + 1)?)))
                .collect(),
        ),
        FieldType::Object(_) => Y::M(Vec::new()),
    })
}

/// Standard base64 with padding, as Go's encoding/json decodes `[]byte` (line breaks ignored).
pub(crate) fn is_base64(s: &str) -> bool {
    let clean: Vec<u8> = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    if !clean.len().is_multiple_of(4) {
        return false;
    }
    let pad = clean.iter().rev().take_while(|b| **b == b'=').count();
    if pad > 2 {
        return false;
    }
    clean[..clean.len() - pad].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { A[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { A[n as usize & 63] as char } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rules() {
        assert!(is_base64("cGFzc3dvcmQ="));
        assert!(is_base64(""));
        assert!(is_base64("cGFz\nc3dvcmQ="));
        assert!(!is_base64("password!"));
        assert!(!is_base64("cGFzc3dvcmQ"));
        assert_eq!(encode_base64(b"password"), "cGFzc3dvcmQ=");
        assert_eq!(encode_base64(b"ab"), "YWI=");
        assert_eq!(encode_base64(b"abc"), "YWJj");
    }

    #[test]
    fn deprecation_sentences() {
        assert_eq!(
            use_instead(
                "DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead."
            ),
            Some("serviceAccountName")
        );
        assert_eq!(use_instead("Deprecated. Not used."), None);
        assert_eq!(
            deprecation_sentence(
                "Only applies to LoadBalancer. Deprecated: This field was under-specified. It may go."
            ),
            "This field was under-specified"
        );
        assert!(deprecation_sentence(&"word ".repeat(40)).ends_with("word..."));
    }
}
