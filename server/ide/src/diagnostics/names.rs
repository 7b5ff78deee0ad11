//! Names, labels, annotations and selector expressions, with the API server's exact syntax and
//! length rules (DNS-1123 subdomain and label, DNS-1035 label for Services, qualified names).

use kref_yaml::{Node, Pair};

use super::context::Cx;
use super::edits::replace;
use super::{Diagnostic, Fix};
use crate::model::View;
use crate::model::{at, get, items, pairs, str_of, text_of};

pub(crate) fn check(cx: &mut Cx<'_>, _view: &View<'_>) {
    if cx.on("invalid-name") {
        name(cx);
    }
    let labels = cx.on("invalid-label");
    let selectors = cx.on("invalid-selector");
    let annotations = cx.on("invalid-annotation");
    if labels || selectors || annotations {
        typed(cx, labels, selectors, annotations);
    }
    if selectors && cx.is("CronJob") {
        for key in ["selector", "manualSelector"] {
            if let Some(p) = at(cx.root, &["spec", "jobTemplate", "spec"]).and_then(|s| s.pair(key))
                && !crate::model::is_null(&p.value)
                && !(key == "manualSelector" && crate::model::bool_of(&p.value) == Some(false))
            {
                let fix = super::edits::remove_pair(cx.file, p)
                    .map(|e| Fix { title: format!("Remove {key}"), edits: vec![e] });
                cx.emit(
                    Diagnostic::new(
                        "invalid-selector",
                        p.key_range,
                        format!("a CronJob's jobTemplate must not set {key}: the Job controller generates the selector; remove it"),
                    )
                    .fixes(fix),
                );
            }
        }
    }
}

/// Which naming rule a kind's names follow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameRule {
    /// DNS-1123 subdomain, at most `max` characters.
    Subdomain(usize),
    /// DNS-1123 label (no dots).
    Label,
    /// DNS-1035 label (starts with a letter).
    Label1035,
    /// A path segment (RBAC objects): anything but `/`, `%`, `.` and `..`.
    PathSegment,
}

fn rule_for(kind: &str) -> Option<NameRule> {
    Some(match kind {
        "Service" => NameRule::Label1035,
        "Namespace" | "StatefulSet" => NameRule::Label,
        "CronJob" => NameRule::Subdomain(52),
        "Job" => NameRule::Subdomain(63),
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => NameRule::PathSegment,
        "CustomResourceDefinition" | "APIService" => return None,
        _ => NameRule::Subdomain(253),
    })
}

fn name(cx: &mut Cx<'_>) {
    if !cx.builtin() || cx.schema_kind.is_none() {
        return;
    }
    let Some(node) = at(cx.root, &["metadata", "name"]) else { return };
    let Some(name) = str_of(node) else { return };
    if crate::model::is_placeholder(node) {
        return;
    }
    let Some(rule) = rule_for(cx.kind) else { return };
    let problem = match rule {
        NameRule::Subdomain(max) => subdomain_problem(name, max),
        NameRule::Label => label_problem(name, false),
        NameRule::Label1035 => label_problem(name, true),
        NameRule::PathSegment => {
            if name == "." || name == ".." {
                Some("may not be . or ..".to_string())
            } else if name.contains(['/', '%']) {
                Some("may not contain / or %".to_string())
            } else {
                None
            }
        }
    };
    let Some(problem) = problem else { return };
    let raw = node.as_scalar().map_or(node.range, |s| s.raw_range);
    let what = match rule {
        NameRule::Subdomain(52) => "a CronJob name (DNS subdomain of at most 52 characters: its Jobs add 11)",
        NameRule::Subdomain(63) => "a Job name (at most 63 characters: it becomes a label value)",
        NameRule::Subdomain(_) => "a DNS subdomain name",
        NameRule::Label => "a DNS label (lower-case letters, digits and '-', at most 63)",
        NameRule::Label1035 => {
            "a Service name (DNS-1035 label: starts with a letter; lower-case letters, digits, '-')"
        }
        NameRule::PathSegment => "an RBAC name",
    };
    let mut d = Diagnostic::new("invalid-name", raw, format!("name {name:?} is not {what}: it {problem}"));
    let max = match rule {
        NameRule::Subdomain(m) => m,
        _ => 63,
    };
    if rule != NameRule::PathSegment {
        let fixed = sanitize(name, max, rule == NameRule::Label1035, matches!(rule, NameRule::Subdomain(_)));
        if !fixed.is_empty() && fixed != name {
            d = d.fix(replace(format!("Rename to {fixed}"), raw, fixed));
        }
    }
    cx.emit(d);
}

/// Why `s` is not a DNS-1123 label (or DNS-1035 label when `letter_first`).
pub(crate) fn label_problem(s: &str, letter_first: bool) -> Option<String> {
    if s.is_empty() {
        return Some("is empty".into());
    }
    if s.len() > 63 {
        return Some(format!("is {} characters long (at most 63)", s.len()));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Some(if c.is_ascii_uppercase() {
            "has upper-case letters".to_string()
        } else {
            format!("contains {c:?}")
        });
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("starts or ends with '-'".into());
    }
    if letter_first && !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("does not start with a letter".into());
    }
    None
}

/// Why `s` is not a DNS-1123 subdomain of at most `max` characters.
pub(crate) fn subdomain_problem(s: &str, max: usize) -> Option<String> {
    if s.is_empty() {
        return Some("is empty".into());
    }
    if s.len() > max {
        return Some(format!("is {} characters long (at most {max})", s.len()));
    }
    if let Some(c) =
        s.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return Some(if c.is_ascii_uppercase() {
            "has upper-case letters".to_string()
        } else {
            format!("contains {c:?}")
        });
    }
    for part in s.split('.') {
        if part.is_empty() {
            return Some("has an empty part between dots".into());
        }
        if part.starts_with('-') || part.ends_with('-') {
            return Some("has a part that starts or ends with '-'".into());
        }
    }
    None
}

/// The closest valid name: lower case, other characters as '-', trimmed and shortened.
fn sanitize(name: &str, max: usize, letter_first: bool, dots: bool) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || (dots && c == '.') { c } else { '-' }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.truncate(max);
    let mut out = out.trim_matches(|c| c == '-' || c == '.').to_string();
    if letter_first && out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("x{out}");
        out.truncate(max);
    }
    out
}

/// Why `key` is not a qualified name (`[prefix/]name`), as label and annotation keys must be.
pub(crate) fn key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            return Some("has an empty prefix before '/'".into());
        }
        if let Some(why) = subdomain_problem(p, 253) {
            return Some(format!("has a prefix {p:?} that {why} (it must be a DNS subdomain)"));
        }
    }
    name_part_problem(name, "name part")
}

fn name_part_problem(name: &str, what: &str) -> Option<String> {
    if name.is_empty() {
        return Some(format!("has an empty {what}"));
    }
    if name.len() > 63 {
        return Some(format!("has a {what} of {} characters (at most 63)", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c))) {
        return Some(format!("contains {c:?}"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Some(format!("has a {what} that does not start and end with a letter or digit"));
    }
    None
}

/// Why `value` is not a label value (empty, or at most 63 of `[A-Za-z0-9_.-]` starting and
/// ending alphanumeric).
pub(crate) fn value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    name_part_problem(value, "value")
        .map(|p| p.replace("has a value", "is a value").replace("has an empty value", "is empty"))
}

/// Where the schema puts labels, selectors and annotations: `(type, field)` pairs.
const LABEL_MAPS: &[(&str, &str)] = &[
    ("meta.v1.ObjectMeta", "labels"),
    ("meta.v1.LabelSelector", "matchLabels"),
    ("core.v1.PodSpec", "nodeSelector"),
    ("core.v1.ServiceSpec", "selector"),
    ("core.v1.ReplicationControllerSpec", "selector"),
];
const EXPRESSIONS: &[(&str, &str)] = &[
    ("meta.v1.LabelSelector", "matchExpressions"),
    ("core.v1.NodeSelectorTerm", "matchExpressions"),
    ("core.v1.NodeSelectorTerm", "matchFields"),
    ("core.v1.PreferredSchedulingTerm", "matchExpressions"),
];

/// Checks every label map, selector expression and annotation map the schema of the kind
/// places in the document (an object's metadata, a pod template's, a selector), and nothing
/// that only has the same key name. Kinds without a schema: their `metadata` only.
fn typed(cx: &mut Cx<'_>, labels: bool, selectors: bool, annotations: bool) {
    let Some(kind) = cx.schema_kind else {
        if labels && let Some(map) = at(cx.root, &["metadata", "labels"]) {
            label_map(cx, map);
        }
        if annotations && let Some(map) = at(cx.root, &["metadata", "annotations"]) {
            annotation_maps(cx, &[map]);
        }
        return;
    };
    let schema = &cx.kb.schema;
    let mut label_nodes: Vec<&Node> = Vec::new();
    let mut expression_nodes: Vec<&Node> = Vec::new();
    let mut annotation_nodes: Vec<&Node> = Vec::new();
    super::typed::visit_fields(schema, cx.root, kind.root, &mut |def, field, pair| {
        let at = |list: &[(&str, &str)]| {
            list.iter().any(|(t, f)| field.name == *f && super::typed::is_type(def, t))
        };
        if labels && at(LABEL_MAPS) {
            label_nodes.push(&pair.value);
        } else if selectors && at(EXPRESSIONS) {
            expression_nodes.push(&pair.value);
        } else if annotations
            && field.name == "annotations"
            && super::typed::is_type(def, "meta.v1.ObjectMeta")
        {
            annotation_nodes.push(&pair.value);
        }
    });
    for n in label_nodes {
        label_map(cx, n);
    }
    for n in expression_nodes {
        expressions(cx, n);
    }
    if annotations {
        annotation_maps(cx, &annotation_nodes);
    }
}

fn label_map(cx: &mut Cx<'_>, map: &Node) {
    for p in pairs(map) {
        let key = p.key.text.as_str();
        if !is_placeholder_key(key)
            && let Some(why) = key_problem(key)
        {
            cx.emit(Diagnostic::new(
                "invalid-label",
                p.key_range,
                format!("label key {key:?} {why}; fix the key"),
            ));
        }
        if let Some(v) = str_of(&p.value)
            && !crate::model::is_placeholder(&p.value)
            && let Some(why) = value_problem(v)
        {
            let raw = p.value.as_scalar().map_or(p.value.range, |s| s.raw_range);
            let mut d = Diagnostic::new(
                "invalid-label",
                raw,
                format!(
                    "label value {:?} {why}; use at most 63 letters, digits, '-', '_' or '.'",
                    super::context::short(v)
                ),
            );
            let fixed = fix_value(v);
            if !fixed.is_empty() && fixed != v {
                d = d.fix(replace(format!("Change to {fixed}"), raw, super::edits::yaml_string(&fixed)));
            }
            cx.emit(d);
        }
    }
}

fn fix_value(v: &str) -> String {
    let mapped: String =
        v.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    let mut out: String = mapped.chars().take(63).collect();
    out = out.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_string();
    out
}

fn expressions(cx: &mut Cx<'_>, list: &Node) {
    for item in items(list) {
        let Some(op) = get(item, "operator").and_then(text_of) else { continue };
        let values = item.pair("values");
        let count = values.map_or(0, |v| items(&v.value).len());
        let op_range = get(item, "operator").map_or(item.range, |n| n.range);
        match op {
            "In" | "NotIn" if count == 0 => cx.emit(Diagnostic::new(
                "invalid-selector",
                values.map_or(op_range, |v: &Pair| v.key_range),
                format!("operator {op} needs at least one value; add values: [...]"),
            )),
            "Exists" | "DoesNotExist" => {
                if let Some(v) = values.filter(|v| !crate::model::is_null(&v.value)) {
                    let fix = super::edits::remove_pair(cx.file, v)
                        .map(|e| Fix { title: "Remove values".into(), edits: vec![e] });
                    cx.emit(
                        Diagnostic::new(
                            "invalid-selector",
                            v.key_range,
                            format!("operator {op} takes no values; remove values"),
                        )
                        .fixes(fix),
                    );
                }
            }
            "Gt" | "Lt" => {
                let ok = count == 1
                    && values
                        .and_then(|v| items(&v.value).first())
                        .and_then(text_of)
                        .is_some_and(|t| t.trim().parse::<i64>().is_ok());
                if !ok {
                    cx.emit(Diagnostic::new(
                        "invalid-selector",
                        values.map_or(op_range, |v| v.key_range),
                        format!("operator {op} needs exactly one value, an integer such as \"5\""),
                    ));
                }
            }
            _ => {}
        }
        if let Some(key) = get(item, "key").and_then(str_of)
            && let Some(why) = key_problem(key)
        {
            let range = get(item, "key").map_or(item.range, |n| n.range);
            cx.emit(Diagnostic::new("invalid-selector", range, format!("selector key {key:?} {why}")));
        }
    }
}

/// Annotation keys must be qualified names; an object's annotations (its own and its
/// templates') hold at most 256 KiB together.
fn annotation_maps(cx: &mut Cx<'_>, maps: &[&Node]) {
    let mut total = 0usize;
    let mut last = None;
    for map in maps {
        for p in pairs(map) {
            let key = p.key.text.as_str();
            total += key.len() + text_of(&p.value).map_or(0, str::len);
            last = Some(map.range);
            if is_placeholder_key(key) {
                continue;
            }
            if let Some(why) = key_problem(key) {
                cx.emit(Diagnostic::new(
                    "invalid-annotation",
                    p.key_range,
                    format!("annotation key {key:?} {why}; fix the key"),
                ));
            }
        }
    }
    if total > 256 * 1024
        && let Some(range) = last
    {
        cx.emit(Diagnostic::new(
            "invalid-annotation",
            range,
            format!(
                "annotations hold {} KiB, more than the 256 KiB limit; move the data to a ConfigMap",
                total / 1024
            ),
        ));
    }
}

/// A key that is a template placeholder: its real name is not known yet.
fn is_placeholder_key(key: &str) -> bool {
    crate::placeholders::has_placeholder(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert!(label_problem("web-1", true).is_none());
        assert!(label_problem("1web", true).is_some());
        assert!(label_problem("1web", false).is_none());
        assert!(label_problem("web_1", false).is_some());
        assert!(subdomain_problem("a.b-c.d", 253).is_none());
        assert!(subdomain_problem("a..b", 253).is_some());
        assert!(subdomain_problem("Web", 253).is_some());
        assert_eq!(sanitize("My_Service", 63, true, false), "my-service");
        assert_eq!(sanitize("9lives", 63, true, false), "x9lives");
    }

    #[test]
    fn qualified_names() {
        assert!(key_problem("app.kubernetes.io/name").is_none());
        assert!(key_problem("app").is_none());
        assert!(key_problem("-app").is_some());
        assert!(key_problem("Example.com/x").is_some());
        assert!(key_problem("a/b/c").is_some());
        assert!(value_problem("").is_none());
        assert!(value_problem("v1.2_3").is_none());
        assert!(value_problem("has space").is_some());
        assert!(value_problem(&"x".repeat(64)).is_some());
    }
}
