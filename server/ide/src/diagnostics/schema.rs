//! The schema walk: every field of a document checked against its kind's type graph: unknown
//! fields (with the closest name, or where the field belongs), value types as the API server's
//! JSON decoding sees them, enum values (per-kind restrictions included), required fields,
//! read-only and deprecated fields, quantities and base64, unions (`anyOf`/`oneOf` of types:
//! a value fits one), and the cheap value validations of CRD schemas (pattern, bounds,
//! lengths, item counts, value-validating alternatives).
//!
//! Values holding template placeholders are not validated; patches (partial objects) are not
//! checked for missing required fields; strategic-merge directives (`$patch`,
//! `$setElementOrder/...`, `$retainKeys`, `$deleteFromPrimitiveList/...`) are known keys.

use std::fmt::Write;

use kref_corpus::schema::{
    Checks, Combine, Field, FieldType, KindSource, Schema, TypeDef, TypeRef, kustomize, suggest,
};
use kref_yaml::{Node, NodeValue, Pair, TextRange, Typed};

use crate::model::project::classify::directive;

use super::context::Cx;
use super::edits::{Y, insert_entry, replace, yaml_string};
use super::quantity;
use super::{Diagnostic, Fix, TextEdit};
use crate::model::View;
use crate::model::{is_null, is_placeholder, pairs, pod_labels, scalar, string_map};
use crate::placeholders::has_placeholder;

/// One step of the path to the node being checked, for messages.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Nodes one document's walk visits at most (unions are tried alternative by alternative, so
/// hostile schemas could otherwise make it exponential).
const MAX_STEPS: usize = 2_000_000;

/// Unions nested deeper than this are taken to fit (their alternatives are not tried).
const MAX_UNION_DEPTH: usize = 4;

struct Walker<'c, 'a> {
    cx: &'c mut Cx<'a>,
    schema: &'a Schema,
    path: Vec<Seg<'a>>,
    steps: usize,
    unions: usize,
    /// A patch: required fields may be left out.
    partial: bool,
    constraints: bool,
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
        // Kustomize's deprecated fields are reported with their migrations (kustomization.rs).
        deprecated: cx.on("deprecated-field") && !kustomize::is_kustomize_group(&kind.group),
        quantities: cx.on("invalid-quantity"),
        base64: cx.on("invalid-base64"),
        constraints: cx.on("invalid-value"),
        partial: cx.partial,
        cx,
        schema,
        path: Vec::new(),
        steps: 0,
        unions: 0,
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
        if !self.step() {
            return;
        }
        match &node.value {
            NodeValue::Mapping(entries) => {
                // Merge keys and template keys (`{{ include ... }}` output) add entries not seen here.
                let merged = entries.iter().any(|p| p.key.text == "<<" || has_placeholder(&p.key.text));
                for p in entries {
                    if p.key.text == "<<" || has_placeholder(&p.key.text) {
                        continue;
                    }
                    if let Some((name, field)) = directive(&p.key.text) {
                        self.directive(p, name, field, def);
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
                if self.required && !merged && !self.partial {
                    self.missing(def, node, parent, top);
                }
            }
            _ if is_null(node) || is_placeholder(node) => {}
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
        self.value(value, &f.ty, Some(f), Some(p), Some(owner), f.checks.as_deref());
    }

    /// Counts a visited node; `false` once the document's budget is spent.
    fn step(&mut self) -> bool {
        self.steps += 1;
        self.steps <= MAX_STEPS
    }

    fn value(
        &mut self,
        node: &'a Node,
        ty: &'a FieldType,
        field: Option<&'a Field>,
        pair: Option<&'a Pair>,
        up: Option<TypeRef>,
        checks: Option<&'a Checks>,
    ) {
        if is_null(node) || matches!(node.value, NodeValue::Alias(_)) || !self.step() {
            return;
        }
        if is_placeholder(node) {
            // Filled in before the API server sees it: neither its type nor its value is known.
            return;
        }
        if let Some(c) = checks {
            self.constraints(node, c);
        }
        let items = checks.and_then(|c| c.items.as_deref());
        match ty {
            FieldType::Object(t) => self.object(node, *t, pair, up, false),
            FieldType::Union(alts) => self.union(node, alts, field, pair, up),
            FieldType::Array(inner) => match &node.value {
                NodeValue::Sequence(list) => {
                    for (i, item) in list.iter().enumerate() {
                        self.path.push(Seg::Index(i));
                        self.value(item, inner, field, None, up, items);
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
                        if directive(&p.key.text).is_some() {
                            continue;
                        }
                        self.path.push(Seg::Key(&p.key.text));
                        self.value(&p.value, inner, None, Some(p), up, items);
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

    /// A value that must fit one of several types: each alternative is tried; the first that
    /// reports no problem wins. When none fits, the problems of the one alternative of the
    /// value's own shape (a mapping against the only object type) are reported, else one
    /// message naming the alternatives.
    fn union(
        &mut self,
        node: &'a Node,
        alts: &'a [FieldType],
        field: Option<&'a Field>,
        pair: Option<&'a Pair>,
        up: Option<TypeRef>,
    ) {
        if self.unions >= MAX_UNION_DEPTH {
            return;
        }
        self.unions += 1;
        let mut tried: Vec<(usize, Vec<Diagnostic>)> = Vec::new();
        let mut fitted = None;
        for (i, alt) in alts.iter().enumerate() {
            let before = self.cx.out.len();
            self.value(node, alt, field, pair, up, None);
            let emitted: Vec<Diagnostic> = self.cx.out.drain(before..).collect();
            if !emitted.iter().any(|d| FAILS.contains(&d.rule)) {
                fitted = Some(emitted);
                break;
            }
            tried.push((i, emitted));
        }
        self.unions -= 1;
        if let Some(emitted) = fitted {
            self.cx.out.extend(emitted);
            return;
        }
        let same_shape: Vec<&(usize, Vec<Diagnostic>)> =
            tried.iter().filter(|(i, _)| shape_fits(node, &alts[*i])).collect();
        if let [(_, emitted)] = same_shape.as_slice() {
            self.cx.out.extend(emitted.iter().cloned());
            return;
        }
        let mut names: Vec<String> = alts.iter().map(|a| self.schema.display_type(a)).collect();
        names.dedup();
        let expected = match names.as_slice() {
            [one] => format!("a value of one of the {} shapes of {one} the schema allows", alts.len()),
            _ => format!("one of {}", names.join(", ")),
        };
        let range =
            pair.map_or(node.range, |p| if node.as_scalar().is_some() { node.range } else { p.key_range });
        self.wrong_shape(node, range, "", &expected);
    }

    /// The value validations of `c` on `node` (see [`violation`]).
    fn constraints(&mut self, node: &'a Node, c: &'a Checks) {
        if !self.constraints {
            return;
        }
        if let Some(problem) = violation(node, c) {
            let name = self.path_text();
            let name = if name.is_empty() { "the document".to_string() } else { name };
            let range = node.as_scalar().map_or(node.range, |s| s.raw_range);
            let range = if node.as_scalar().is_some() {
                range
            } else {
                TextRange::new(
                    node.range.start,
                    node.range.start.max(first_line_end(self.cx.text(), node.range)),
                )
            };
            self.cx.emit(Diagnostic::new("invalid-value", range, format!("{name} {problem}")));
        }
    }

    /// A strategic-merge directive: `$patch` takes merge, replace or delete; the field after
    /// `$setElementOrder/` or `$deleteFromPrimitiveList/` must be a field here.
    fn directive(&mut self, p: &'a Pair, name: &str, field: Option<&str>, def: &'a TypeDef) {
        if name == "$patch" {
            let Some(value) = crate::model::str_of(&p.value) else { return };
            if self.enums && !matches!(value, "merge" | "replace" | "delete") {
                let raw = p.value.as_scalar().map_or(p.value.range, |s| s.raw_range);
                let close = suggest(["merge", "replace", "delete"], value);
                let fixes = close.iter().map(|c| replace(format!("Change to {c}"), raw, c.clone()));
                self.cx.emit(
                    Diagnostic::new(
                        "invalid-enum",
                        raw,
                        format!("$patch: {value:?} is not a patch directive; use merge, replace or delete"),
                    )
                    .fixes(fixes),
                );
            }
            return;
        }
        let Some(field) = field else { return };
        if def.open || def.field(field).is_some() || !self.unknown {
            return;
        }
        let close = suggest(def.fields.iter().map(|f| f.name.as_str()), field);
        let mut message = format!("{name}/{field} names no field of {}", def.title);
        if let Some(c) = close.first() {
            let _ = write!(message, "; did you mean {name}/{c}?");
        }
        let fixes = close
            .iter()
            .map(|c| replace(format!("Rename to {name}/{c}"), p.key.raw_range, format!("{name}/{c}")));
        self.cx.emit(Diagnostic::new("unknown-field", p.key_range, message).fixes(fixes));
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
                Some(Typed::Str(s)) => format!("the string {:?}", super::context::short(s)),
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
            (FieldType::String, Typed::Str(s)) => self.enum_value(raw, s, field),
            (FieldType::String | FieldType::DateTime, Typed::Int(_) | Typed::Float(_) | Typed::Bool(_)) => {
                if self.types {
                    let text = self.cx.slice(raw).to_string();
                    let quoted = format!("\"{}\"", text.replace('"', "\\\""));
                    let why = if matches!(value, Typed::Bool(_)) && !matches!(text.as_str(), "true" | "false")
                    {
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
            (FieldType::Integer, Typed::Int(_)) | (FieldType::Number, Typed::Int(_) | Typed::Float(_)) => {}
            (FieldType::Boolean, Typed::Bool(_)) => {}
            (FieldType::IntOrString, Typed::Int(_)) => {}
            (FieldType::IntOrString, Typed::Str(s)) => self.enum_value(raw, s, field),
            (FieldType::Integer | FieldType::Number, Typed::Str(s)) => {
                if !self.types {
                    return;
                }
                let trimmed = s.trim();
                let numeric = matches!(kref_yaml::resolve_plain(trimmed), Typed::Int(_) | Typed::Float(_));
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
            (FieldType::Integer, Typed::Float(f)) => {
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
            (FieldType::Boolean, Typed::Str(s)) => {
                if !self.types {
                    return;
                }
                let mut d = Diagnostic::new(
                    "wrong-type",
                    raw,
                    format!("{name} must be true or false, not the string {s:?}"),
                );
                if let Typed::Bool(b) = kref_yaml::resolve_plain(s.trim()) {
                    d.message =
                        format!("{name} must be a boolean, but \"{s}\" is quoted (a string); write {b}");
                    d = d.fix(replace(format!("Write {b}"), raw, b.to_string()));
                }
                self.cx.emit(d);
            }
            (FieldType::IntOrString, Typed::Float(_)) => {
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
            (FieldType::Quantity, Typed::Int(_) | Typed::Float(_)) => {}
            (FieldType::Quantity, Typed::Str(s)) => self.quantity(raw, s, &name),
            (FieldType::Bytes, Typed::Str(s)) => self.base64(node, raw, s, &name),
            (FieldType::DateTime, Typed::Str(_)) => {}
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
        if !self.base64 || crate::base64::is_valid(s) {
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
            d = d.fix(replace("Encode the value as base64", raw, crate::base64::encode(s.as_bytes())));
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
        // A built-in kind's validation requires a spec whose fields are required; a custom
        // resource's schema only checks the objects that are there.
        let builtin = self.cx.schema_kind.is_some_and(|k| k.source == KindSource::Builtin);
        for f in &def.fields {
            let effective = f.required
                || (top
                    && builtin
                    && f.name == "spec"
                    && f.ty.object().is_some_and(|t| self.schema.children(t).iter().any(|c| c.required)));
            // The API server fills in a field with a default before it validates.
            if !effective || f.read_only || f.default.is_some() {
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
        let unit = self.cx.indent_unit;
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

/// Null, or collections holding nothing but empty collections (`status: {loadBalancer: {}}`
/// left over from `kubectl get -o yaml`, which says nothing).
fn is_empty_value(node: &Node) -> bool {
    is_empty_at(node, 0)
}

fn is_empty_at(node: &Node, depth: usize) -> bool {
    depth < 16
        && (is_null(node)
            || node.as_mapping().is_some_and(|m| m.iter().all(|p| is_empty_at(&p.value, depth + 1)))
            || node.as_sequence().is_some_and(|s| s.iter().all(|i| is_empty_at(i, depth + 1))))
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
        FieldType::Union(alts) => {
            let first = Field { ty: alts.first().cloned().unwrap_or(FieldType::FreeForm), ..f.clone() };
            return placeholder(cx, schema, &first, depth + 1);
        }
    })
}

/// Rules whose findings mean a value does not fit a type (an alternative of a union).
const FAILS: &[&str] = &[
    "wrong-type",
    "unknown-field",
    "invalid-enum",
    "missing-required",
    "invalid-quantity",
    "invalid-base64",
    "invalid-value",
];

/// Could `node` be a value of `ty` by its shape alone (mapping, list or scalar)?
fn shape_fits(node: &Node, ty: &FieldType) -> bool {
    match (&node.value, ty) {
        (_, FieldType::FreeForm) => true,
        (NodeValue::Mapping(_), FieldType::Object(_) | FieldType::Map(_)) => true,
        (NodeValue::Sequence(_), FieldType::Array(_)) => true,
        (NodeValue::Scalar(_), t) => t.is_scalar(),
        (_, FieldType::Union(alts)) => alts.iter().any(|a| shape_fits(node, a)),
        _ => false,
    }
}

/// The end of the first line of `range` (a mapping or list is reported on its first line).
fn first_line_end(text: &str, range: TextRange) -> usize {
    let slice = text.get(range.start..range.end).unwrap_or("");
    range.start + slice.find('\n').unwrap_or(slice.len())
}

/// What breaks the value validations `c` on `node`, as the end of a sentence that starts
/// with the field's path; `None` when nothing does (or nothing could be evaluated).
pub(crate) fn violation(node: &Node, c: &Checks) -> Option<String> {
    if is_null(node) || is_placeholder(node) {
        return None;
    }
    match &node.value {
        NodeValue::Scalar(_) => match scalar(node)? {
            Typed::Str(s) => {
                let len = s.chars().count() as u64;
                if let Some(max) = c.max_length
                    && len > max
                {
                    return Some(format!("is {len} characters long; at most {max} are allowed"));
                }
                if let Some(min) = c.min_length
                    && len < min
                {
                    return Some(if len == 0 {
                        "must not be empty".to_string()
                    } else {
                        format!("is {len} characters long; at least {min} are needed")
                    });
                }
                if let Some(p) = &c.pattern
                    && super::pattern::matches(p, s) == Some(false)
                {
                    return Some(format!(
                        "{:?} does not match the pattern {}",
                        super::context::short(s),
                        short_pattern(p)
                    ));
                }
            }
            Typed::Int(i) => return bounds(i as f64, c),
            Typed::Float(f) => return bounds(f, c),
            _ => {}
        },
        NodeValue::Sequence(list) => {
            if let Some(problem) = count(list.len(), c.min_items, c.max_items, "items") {
                return Some(problem);
            }
        }
        NodeValue::Mapping(pairs) => {
            if let Some(problem) = count(pairs.len(), c.min_properties, c.max_properties, "entries") {
                return Some(problem);
            }
        }
        _ => {}
    }
    for alts in &c.alternatives {
        let holds: Vec<bool> = alts.options.iter().map(|o| option_holds(node, o)).collect();
        let count = holds.iter().filter(|h| **h).count();
        let broken = match alts.combine {
            Combine::Any => count == 0,
            Combine::One => count != 1,
            Combine::All => count != holds.len(),
        };
        if !broken {
            continue;
        }
        let described: Vec<String> = alts.options.iter().map(describe_option).collect();
        let required_only = alts
            .options
            .iter()
            .all(|o| !o.required.is_empty() && Checks { required: Vec::new(), ..(*o).clone() }.is_empty());
        return Some(match (alts.combine, required_only) {
            (Combine::One, true) if count > 1 => {
                format!("must set only one of {}", described.join(", "))
            }
            (Combine::One, true) => format!("must set exactly one of {}", described.join(", ")),
            (Combine::Any, true) => format!("must set at least one of {}", described.join(", ")),
            (Combine::One, false) if count > 1 => {
                format!("must satisfy only one of: {}", described.join("; "))
            }
            (Combine::All, _) => {
                let failing =
                    alts.options.iter().zip(&holds).find(|(_, h)| !**h).map(|(o, _)| describe_option(o));
                format!("must {}", failing.unwrap_or_default())
            }
            _ => format!("must satisfy one of: {}", described.join("; ")),
        });
    }
    None
}

/// Does one alternative of a value-validating `anyOf`/`oneOf`/`allOf` hold for `node`?
fn option_holds(node: &Node, o: &Checks) -> bool {
    if o.opaque {
        return true;
    }
    if let NodeValue::Mapping(pairs) = &node.value
        && !o.required.iter().all(|r| pairs.iter().any(|p| p.key.text == *r && !is_null(&p.value)))
    {
        return false;
    }
    if !o.enum_values.is_empty()
        && let Some(text) = crate::model::text_of(node)
        && !o.enum_values.iter().any(|v| v == text)
    {
        return false;
    }
    violation(node, o).is_none()
}

/// One alternative in words: `spec.a` for required keys, else its checks.
fn describe_option(o: &Checks) -> String {
    if !o.required.is_empty() {
        return o.required.join(" and ");
    }
    if !o.enum_values.is_empty() {
        return format!("be one of {}", o.enum_values.join(", "));
    }
    if let Some(p) = &o.pattern {
        return format!("match {}", short_pattern(p));
    }
    let mut parts = Vec::new();
    if let Some(b) = &o.minimum {
        parts.push(format!("be {} {}", if b.exclusive { "more than" } else { "at least" }, number(b.value)));
    }
    if let Some(b) = &o.maximum {
        parts.push(format!("be {} {}", if b.exclusive { "less than" } else { "at most" }, number(b.value)));
    }
    if parts.is_empty() { "a value of another shape".to_string() } else { parts.join(" and ") }
}

/// A count of items or entries out of `min..=max`.
fn count(n: usize, min: Option<u64>, max: Option<u64>, what: &str) -> Option<String> {
    let n = n as u64;
    match (min, max) {
        (_, Some(max)) if n > max => Some(format!("has {n} {what}; at most {max} are allowed")),
        (Some(min), _) if n < min => Some(format!("has {n} {what}; at least {min} are needed")),
        _ => None,
    }
}

fn bounds(v: f64, c: &Checks) -> Option<String> {
    if let Some(b) = &c.minimum
        && (v < b.value || (b.exclusive && v == b.value))
    {
        let how = if b.exclusive { "more than" } else { "at least" };
        return Some(format!("is {}; it must be {how} {}", number(v), number(b.value)));
    }
    if let Some(b) = &c.maximum
        && (v > b.value || (b.exclusive && v == b.value))
    {
        let how = if b.exclusive { "less than" } else { "at most" };
        return Some(format!("is {}; it must be {how} {}", number(v), number(b.value)));
    }
    None
}

/// A number as people write it: `3`, not `3.0`.
fn number(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { v.to_string() }
}

/// A pattern for a message: at most 60 characters.
fn short_pattern(p: &str) -> String {
    if p.chars().count() > 60 {
        format!("{}...", p.chars().take(57).collect::<String>())
    } else {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
