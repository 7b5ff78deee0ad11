//! JSON 6902 patches of a kustomization checked against their target kind's schema: `op` is
//! one of the six operations (`invalid-enum`), `path` and `from` name fields of the kind
//! (`kustomize-target`, naming the closest field), and a `value` set on a string, integer or
//! boolean field has that type (`wrong-type`). Only what is certain is reported: a kind with
//! no schema, a path into a map or free-form field, or a templated value gives no finding.

use kref_corpus::schema::{FieldType, Kind, Schema, suggest};
use kref_yaml::{Node, TextRange, Typed};
use serde_json::Value;

use crate::diagnostics::Diagnostic;

/// The six operations of RFC 6902.
pub const OPS: [&str; 6] = ["add", "remove", "replace", "move", "copy", "test"];

/// What a JSON pointer names in a kind's schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Pointed {
    /// A field (or element) of this type.
    Type(FieldType),
    /// Somewhere the schema does not describe field by field (a map value, free-form or open
    /// object, a union): nothing to check.
    Unchecked,
    /// `name` is no field of the object at `at` (a pointer); `closest` is the nearest field.
    NoField { at: String, name: String, closest: Option<String> },
    /// `token` indexes a list but is neither a number nor `-`.
    BadIndex { at: String, token: String },
}

/// The reference tokens of a JSON pointer (`~1` is `/`, `~0` is `~`); `None` when it does not
/// start with `/` (the empty pointer is the whole document: no tokens).
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Resolves `pointer` below `kind`.
pub fn resolve(schema: &Schema, kind: &Kind, pointer: &str) -> Pointed {
    let Some(tokens) = tokens(pointer) else { return Pointed::Unchecked };
    let mut ty = FieldType::Object(kind.root);
    let mut at = String::new();
    for token in tokens {
        match ty {
            FieldType::Object(t) => {
                let Some(def) = schema.type_def(t) else { return Pointed::Unchecked };
                if def.open || def.external {
                    return Pointed::Unchecked;
                }
                if def.embedded && matches!(token.as_str(), "apiVersion" | "kind" | "metadata") {
                    return Pointed::Unchecked;
                }
                match def.field(&token) {
                    Some(f) => ty = f.ty.clone(),
                    None => {
                        let closest =
                            suggest(def.fields.iter().map(|f| f.name.as_str()), &token).into_iter().next();
                        return Pointed::NoField { at, name: token, closest };
                    }
                }
            }
            FieldType::Array(inner) => {
                if token != "-" && token.parse::<usize>().is_err() {
                    return Pointed::BadIndex { at, token };
                }
                ty = *inner;
            }
            // Any key names an entry of a map (labels, annotations, data): not checked further.
            FieldType::Map(_) => return Pointed::Unchecked,
            _ => return Pointed::Unchecked,
        }
        at.push('/');
        at.push_str(&escape(&token));
    }
    Pointed::Type(ty)
}

/// The kinds a patch `target` may mean (its kind, narrowed by group and version when given).
pub fn target_kinds<'s>(schema: &'s Schema, target: &Value) -> Vec<&'s Kind> {
    let Some(kind) = target.get("kind").and_then(Value::as_str) else { return Vec::new() };
    let group = target.get("group").and_then(Value::as_str);
    let version = target.get("version").and_then(Value::as_str);
    schema
        .kinds_named(kind)
        .into_iter()
        .filter(|k| k.kind == kind && !k.subresource)
        .filter(|k| group.is_none_or(|g| k.group == g))
        .filter(|k| version.is_none_or(|v| k.version == v))
        .collect()
}

/// Does the file read as a JSON 6902 patch: a list of mappings, each with an `op`?
pub fn is_operations(file: &kref_yaml::File) -> bool {
    let mut docs = file.documents.iter().filter(|d| d.root.is_some());
    let (Some(doc), None) = (docs.next(), docs.next()) else { return false };
    doc.root.as_ref().and_then(Node::as_sequence).is_some_and(|items| {
        !items.is_empty() && items.iter().all(|i| i.as_mapping().is_some() && i.pair("op").is_some())
    })
}

/// The findings of the operations in `text` (a JSON 6902 patch), with ranges in `text`.
pub fn check(schema: &Schema, target: &Value, text: &str) -> Vec<Diagnostic> {
    let kinds = target_kinds(schema, target);
    let file = kref_yaml::parse(text);
    let mut out = Vec::new();
    let Some(ops) = file.documents.first().and_then(|d| d.root.as_ref()).and_then(Node::as_sequence) else {
        return out;
    };
    for op_node in ops {
        if op_node.as_mapping().is_none() {
            continue;
        }
        let Some(op_pair) = op_node.pair("op") else { continue };
        let Some(op) = op_pair.value.as_str() else { continue };
        if !OPS.contains(&op) {
            if !crate::placeholders::has_placeholder(op) {
                let close = suggest(OPS, op).into_iter().next();
                let hint = close.map(|c| format!("did you mean {c}? ")).unwrap_or_default();
                out.push(Diagnostic::new(
                    "invalid-enum",
                    raw(&op_pair.value),
                    format!("op: {op:?} is not a JSON patch operation; {hint}use add, remove, replace, move, copy or test"),
                ));
            }
            continue;
        }
        if kinds.is_empty() {
            continue;
        }
        let mut pointed_path = None;
        for key in ["path", "from"] {
            if key == "from" && !matches!(op, "move" | "copy") {
                continue;
            }
            let Some(p) = op_node.pair(key) else { continue };
            let Some(pointer) = p.value.as_str() else { continue };
            if crate::placeholders::has_placeholder(pointer) {
                continue;
            }
            let results: Vec<Pointed> = kinds.iter().map(|k| resolve(schema, k, pointer)).collect();
            let first = &results[0];
            let reported =
                results.iter().all(|r| matches!(r, Pointed::NoField { .. } | Pointed::BadIndex { .. }));
            let kind = &kinds[0].kind;
            match first {
                Pointed::NoField { at, name, closest } if reported => {
                    let within = if at.is_empty() { "the top level".to_string() } else { at.clone() };
                    let close = closest.as_ref().map(|c| format!("; did you mean {c}?")).unwrap_or_default();
                    out.push(Diagnostic::new(
                        "kustomize-target",
                        raw(&p.value),
                        format!(
                            "{key} {pointer} names no field of {kind}: {within} has no field {name}{close}"
                        ),
                    ));
                }
                Pointed::BadIndex { at, token } if reported => out.push(Diagnostic::new(
                    "kustomize-target",
                    raw(&p.value),
                    format!("{key} {pointer}: {at} of {kind} is a list; {token:?} is neither an index nor -"),
                )),
                _ if key == "path" => {
                    // The value's type, only when every candidate kind agrees.
                    let same = results.iter().all(|r| r == first);
                    if same && let Pointed::Type(ty) = first {
                        pointed_path = Some(ty.clone());
                    }
                }
                _ => {}
            }
        }
        if !matches!(op, "add" | "replace" | "test") {
            continue;
        }
        let (Some(ty), Some(value)) = (pointed_path, op_node.pair("value")) else { continue };
        let expected = match ty {
            FieldType::String => "a string",
            FieldType::Integer => "an integer",
            FieldType::Boolean => "true or false",
            _ => continue,
        };
        let node = &value.value;
        if crate::model::is_placeholder(node) || node.tag.is_some() {
            continue;
        }
        let got = match &node.value {
            kref_yaml::NodeValue::Mapping(_) => "an object".to_string(),
            kref_yaml::NodeValue::Sequence(_) => "a list".to_string(),
            kref_yaml::NodeValue::Scalar(_) => match node.typed() {
                Some(Typed::Str(s)) => format!("the string {s:?}"),
                Some(t) => t.type_name().to_string(),
                None => continue,
            },
            _ => continue,
        };
        let fits = matches!(
            (&ty, node.typed()),
            (_, Some(Typed::Null))
                | (FieldType::String, Some(Typed::Str(_)))
                | (FieldType::Integer, Some(Typed::Int(_)))
                | (FieldType::Boolean, Some(Typed::Bool(_)))
        );
        if !fits {
            let pointer = op_node.pair("path").and_then(|p| p.value.as_str()).unwrap_or_default();
            out.push(Diagnostic::new(
                "wrong-type",
                raw(node),
                format!("value for {pointer} must be {expected}, not {got}"),
            ));
        }
    }
    out
}

fn raw(node: &Node) -> TextRange {
    node.as_scalar().map_or(node.range, |s| s.raw_range)
}

/// Maps the ranges of findings in an inline literal block patch (`patch: |`) to the
/// kustomization's text; `None` when the scalar is not a literal block.
pub fn inline_offsets<'n>(file_text: &str, scalar: &'n Node) -> Option<impl Fn(usize) -> usize + 'n> {
    let s = scalar.as_scalar()?;
    if !matches!(s.style, kref_yaml::ScalarStyle::Literal) {
        return None;
    }
    let raw = &file_text[s.raw_range.start..s.raw_range.end];
    let body_start = s.raw_range.start + raw.find('\n')? + 1;
    // The start offset (in the file) of each content line, and the indentation removed.
    let mut lines = Vec::new();
    let mut pos = body_start;
    for line in file_text[body_start..s.raw_range.end].split_inclusive('\n') {
        lines.push(pos);
        pos += line.len();
    }
    let indent = file_text[body_start..]
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())?;
    Some(move |offset: usize| {
        let text = &s.text;
        let offset = offset.min(text.len());
        let line = text[..offset].matches('\n').count();
        let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
        lines.get(line).map_or(s.raw_range.end, |start| start + indent + col)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(schema: &Schema) -> &Kind {
        schema.kind_for("apps/v1", "Deployment").unwrap()
    }

    #[test]
    fn pointer_tokens_unescape() {
        let t = |p: &str| tokens(p).map(|v| v.join("|"));
        assert_eq!(t("/metadata/annotations/a~1b~0c").as_deref(), Some("metadata|annotations|a/b~c"));
        assert_eq!(t("/a~01").as_deref(), Some("a~1"), "~0 first, then ~1 is not unescaped again");
        assert_eq!(tokens(""), Some(Vec::new()));
        assert_eq!(tokens("spec/replicas"), None);
    }

    #[test]
    fn pointers_resolve_against_the_kind() {
        let schema = Schema::builtin();
        let d = deployment(schema);
        assert_eq!(resolve(schema, d, "/spec/replicas"), Pointed::Type(FieldType::Integer));
        assert_eq!(
            resolve(schema, d, "/spec/template/spec/containers/0/image"),
            Pointed::Type(FieldType::String)
        );
        assert_eq!(
            resolve(schema, d, "/spec/template/spec/containers/-/name"),
            Pointed::Type(FieldType::String)
        );
        // Out-of-range indexes are the patch's business at build time, not the schema's.
        assert_eq!(
            resolve(schema, d, "/spec/template/spec/containers/99/name"),
            Pointed::Type(FieldType::String)
        );
        assert_eq!(resolve(schema, d, "/spec/paused"), Pointed::Type(FieldType::Boolean));
        assert!(matches!(
            resolve(schema, d, "/spec/template/spec/containers/0"),
            Pointed::Type(FieldType::Object(_))
        ));
        // Maps take any key, escaped or not.
        assert_eq!(resolve(schema, d, "/metadata/labels/app.kubernetes.io~1name"), Pointed::Unchecked);
        assert_eq!(resolve(schema, d, "/metadata/annotations/a~0b"), Pointed::Unchecked);
        assert_eq!(
            resolve(schema, d, "/spec/strategy/rollingUpdate/maxSurge"),
            Pointed::Type(FieldType::IntOrString)
        );
        assert_eq!(
            resolve(schema, d, "/spec/replica"),
            Pointed::NoField { at: "/spec".into(), name: "replica".into(), closest: Some("replicas".into()) }
        );
        assert_eq!(
            resolve(schema, d, "/spc"),
            Pointed::NoField { at: String::new(), name: "spc".into(), closest: Some("spec".into()) }
        );
        assert_eq!(
            resolve(schema, d, "/spec/template/spec/containers/web/image"),
            Pointed::BadIndex { at: "/spec/template/spec/containers".into(), token: "web".into() }
        );
        // Below a scalar or a free-form value: not described, not reported.
        assert_eq!(resolve(schema, d, "/spec/replicas/x"), Pointed::Unchecked);
        assert_eq!(resolve(schema, d, "not-a-pointer"), Pointed::Unchecked);
    }

    #[test]
    fn ops_are_checked_only_where_certain() {
        let schema = Schema::builtin();
        let target = serde_json::json!({"kind": "Deployment"});
        let text = "- op: replace\n  path: /spec/replicas\n  value: \"3\"\n- op: rm\n  path: /spec\n\
                    - op: add\n  path: /spec/replicas\n  value: ${N}\n- op: add\n  path: /spec/paused\n  value: null\n";
        let found: Vec<(&str, String)> =
            check(schema, &target, text).into_iter().map(|d| (d.rule, d.message)).collect();
        assert_eq!(
            found,
            [
                (
                    "wrong-type",
                    "value for /spec/replicas must be an integer, not the string \"3\"".to_string()
                ),
                (
                    "invalid-enum",
                    "op: \"rm\" is not a JSON patch operation; use add, remove, replace, move, copy or test"
                        .to_string()
                ),
            ]
        );
        // A kind with no schema: only the op is checked.
        let widget = serde_json::json!({"kind": "Widget"});
        assert!(check(schema, &widget, "- op: add\n  path: /spec/x\n  value: 1\n").is_empty());
        assert_eq!(check(schema, &widget, "- op: ad\n  path: /spec/x\n").len(), 1);
    }
}
