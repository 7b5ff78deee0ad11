//! What every per-document check reads: the document, its kind, the knowledge base, the rule
//! levels; plus helpers to read YAML values the way the API server does (YAML 1.1 scalars).

use kref_corpus::schema::Kind;
use kref_yaml::{File, Node, NodeValue, Pair, ScalarStyle, TextRange};

use super::registry::{PssLevel, RULES, rule_index};
use super::{Diagnostic, RuleConfig, Severity};
use crate::analysis::knowledge::Knowledge;
use crate::analysis::manifest::ObjectAt;

/// The API groups built into Kubernetes whose kinds have the special rules (pod templates,
/// Services, ...). Kinds of the same name in other groups (CRDs) do not get them.
pub(crate) fn is_builtin_group(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io")
}

/// The state of one document's checks.
pub(crate) struct Cx<'a> {
    pub file: &'a File,
    /// The index of the document in the file.
    pub index: usize,
    /// The object checked: a document, or an item of a List.
    pub obj: &'a ObjectAt<'a>,
    pub root: &'a Node,
    /// The document's indentation step.
    pub indent_unit: usize,
    pub kb: &'a Knowledge,
    pub config: &'a RuleConfig,
    /// The `kind` value (empty when absent).
    pub kind: &'a str,
    /// The `apiVersion` value (empty when absent).
    pub api_version: &'a str,
    /// The API group of `api_version` (empty for the core group).
    pub group: &'a str,
    /// The schema kind, when the schema knows the pair (or the same kind in another version).
    pub schema_kind: Option<&'a Kind>,
    /// The Pod Security level the document's namespace enforces, if the workspace says.
    pub enforced: Option<PssLevel>,
    /// A partial object (a strategic-merge patch): what it leaves out is not missing.
    pub partial: bool,
    levels: &'a [Option<Severity>],
    pub out: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    pub fn new(
        file: &'a File,
        obj: &'a ObjectAt<'a>,
        kb: &'a Knowledge,
        config: &'a RuleConfig,
        schema_kind: Option<&'a Kind>,
        enforced: Option<PssLevel>,
        levels: &'a [Option<Severity>],
    ) -> Cx<'a> {
        let kind = obj.kind.as_ref().map_or("", |(k, _)| k.as_str());
        let api_version = obj.api_version.as_ref().map_or("", |(a, _)| a.as_str());
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let indent_unit = file.documents.get(obj.doc).map_or(2, |d| d.indent_unit.max(1));
        Cx {
            file,
            index: obj.doc,
            obj,
            root: obj.node,
            indent_unit,
            kb,
            config,
            kind,
            api_version,
            group,
            schema_kind,
            enforced,
            partial: false,
            levels,
            out: Vec::new(),
        }
    }

    pub fn text(&self) -> &'a str {
        self.file.text()
    }

    /// Is `id` reported at all here (on by configuration, or turned on by the namespace's Pod
    /// Security level)?
    pub fn on(&self, id: &str) -> bool {
        debug_assert!(rule_index(id).is_some(), "no rule {id}");
        let Some(i) = rule_index(id) else { return false };
        if self.partial && !super::registry::checked_in_patches(id) {
            return false;
        }
        self.levels.get(i).copied().flatten().is_some() || self.escalated(i)
    }

    fn escalated(&self, i: usize) -> bool {
        let rule = &RULES[i];
        match (rule.pss, self.enforced) {
            (Some(level), Some(enforced)) => level <= enforced && !self.config.named(rule.id),
            _ => false,
        }
    }

    /// Adds a diagnostic if its rule is on, at the configured severity (or as an error when the
    /// namespace's Pod Security level would reject it).
    pub fn emit(&mut self, mut d: Diagnostic) {
        debug_assert!(rule_index(d.rule).is_some(), "no rule {}", d.rule);
        let Some(i) = rule_index(d.rule) else { return };
        if self.partial && !super::registry::checked_in_patches(d.rule) {
            return;
        }
        let rule = &RULES[i];
        if self.escalated(i) {
            d.severity = Severity::Error;
            if let Some(level) = self.enforced {
                d.message
                    .push_str(&format!(" (the namespace enforces Pod Security level {})", level.as_str()));
            }
        } else {
            match self.levels.get(i).copied().flatten() {
                None => return,
                Some(level) => {
                    // A rule may report some cases at another severity than its default; an
                    // explicit setting wins over that.
                    if self.config.severity.contains_key(rule.id) || d.severity == rule.severity {
                        d.severity = level;
                    }
                }
            }
        }
        self.out.push(d);
    }

    /// Is this a built-in kind (not a custom resource of the same name)?
    pub fn builtin(&self) -> bool {
        is_builtin_group(self.group)
    }

    /// Is the document a built-in object of kind `kind`?
    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind && self.builtin()
    }

    /// The node at `path` from the root, absent and null values left out.
    pub fn at(&self, path: &[&str]) -> Option<&'a Node> {
        at(self.root, path)
    }

    /// The text of a range.
    pub fn slice(&self, range: TextRange) -> &'a str {
        self.text().get(range.start..range.end).unwrap_or("")
    }
}

/// The value at `path` below `node` (mapping keys only), absent and null values left out.
pub(crate) fn at<'n>(node: &'n Node, path: &[&str]) -> Option<&'n Node> {
    let mut n = node;
    for key in path {
        n = get(n, key)?;
    }
    Some(n)
}

/// The value of `key` in a mapping, unless absent or null.
pub(crate) fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    let v = node.get(key)?;
    (!is_null(v)).then_some(v)
}

/// Is the node absent or a YAML null?
pub(crate) fn is_null(node: &Node) -> bool {
    matches!(scalar(node), Some(Scalar::Null)) || node.is_missing()
}

/// The mapping pairs of a node (empty for anything else).
pub(crate) fn pairs(node: &Node) -> &[Pair] {
    node.as_mapping().unwrap_or(&[])
}

/// The items of a sequence (empty for anything else).
pub(crate) fn items(node: &Node) -> &[Node] {
    node.as_sequence().unwrap_or(&[])
}

/// A scalar's value as the API server's YAML reader (YAML 1.1, as `sigs.k8s.io/yaml`) sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar<'n> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'n str),
}

impl<'n> Scalar<'n> {
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) => "an integer",
            Scalar::Float(_) => "a number",
            Scalar::Str(_) => "a string",
        }
    }
}

/// The typed value of a scalar node; `None` for collections and aliases (and for `Missing`
/// nodes, which [`is_null`] treats as null).
pub(crate) fn scalar(node: &Node) -> Option<Scalar<'_>> {
    let NodeValue::Scalar(s) = &node.value else {
        return None;
    };
    let text = s.text.as_str();
    match node.tag.as_deref() {
        Some("!!str" | "tag:yaml.org,2002:str") => return Some(Scalar::Str(text)),
        Some("!!int") => return Some(parse_int(text).map_or(Scalar::Str(text), Scalar::Int)),
        Some("!!bool") => return Some(resolve_plain(text)),
        Some("!!float") => return Some(text.trim().parse().map_or(Scalar::Str(text), Scalar::Float)),
        Some("!!null") => return Some(Scalar::Null),
        _ => {}
    }
    if s.style != ScalarStyle::Plain {
        return Some(Scalar::Str(text));
    }
    Some(resolve_plain(text))
}

/// YAML 1.1 resolution of a plain scalar, as go-yaml v2 does it.
pub(crate) fn resolve_plain(text: &str) -> Scalar<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf"
        | "-.Inf" | "-.INF" => return Scalar::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Scalar::Str(text);
    }
    if let Some(i) = parse_int(text) {
        return Scalar::Int(i);
    }
    if is_yaml_float(text)
        && let Ok(f) = text.replace('_', "").parse::<f64>()
    {
        return Scalar::Float(f);
    }
    Scalar::Str(text)
}

/// An integer as go-yaml v2 reads one: decimal, `0x`, `0o`, `0b`, a leading `0` for octal,
/// underscores allowed.
fn parse_int(text: &str) -> Option<i64> {
    let plain = text.replace('_', "");
    let (neg, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    if digits.is_empty() {
        return None;
    }
    let value = if let Some(h) = digits.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = digits.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if let Some(b) = digits.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()?
    };
    Some(if neg { -value } else { value })
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (go-yaml's float shape).
fn is_yaml_float(text: &str) -> bool {
    let b = text.replace('_', "");
    let b = b.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Does a scalar hold a template placeholder (`{{ ... }}`, `${VAR}`)? Its value is filled in
/// before the API server sees it, so it is not validated as a name, label, number or enum.
pub(crate) fn is_placeholder(node: &Node) -> bool {
    match &node.value {
        NodeValue::Scalar(s) => crate::analysis::placeholders::has_placeholder(&s.text),
        _ => false,
    }
}

/// The string value of a node that is a YAML string (not a number or boolean); `None` for a
/// value holding a placeholder, whose real value is not known.
pub(crate) fn str_of(node: &Node) -> Option<&str> {
    match scalar(node)? {
        Scalar::Str(_) if is_placeholder(node) => None,
        Scalar::Str(s) => Some(s),
        _ => None,
    }
}

/// The text of any scalar node, whatever its type (`8080`, `true`, `web`); `None` for a value
/// holding a placeholder.
pub(crate) fn text_of(node: &Node) -> Option<&str> {
    match &node.value {
        NodeValue::Scalar(s) if !is_null(node) && !is_placeholder(node) => Some(&s.text),
        _ => None,
    }
}

/// An integer value (a YAML integer, not a quoted one).
pub(crate) fn int_of(node: &Node) -> Option<i64> {
    match scalar(node)? {
        Scalar::Int(i) => Some(i),
        _ => None,
    }
}

/// A boolean value.
pub(crate) fn bool_of(node: &Node) -> Option<bool> {
    match scalar(node)? {
        Scalar::Bool(b) => Some(b),
        _ => None,
    }
}

/// The string → string pairs of a mapping (labels, selectors), values as written
/// (placeholders included: a selector treats them as matching anything).
pub(crate) fn string_map(node: &Node) -> Vec<(&str, &str)> {
    pairs(node)
        .iter()
        .map(|p| {
            let value = match &p.value.value {
                NodeValue::Scalar(s) if !is_null(&p.value) => s.text.as_str(),
                _ => "",
            };
            (p.key.text.as_str(), value)
        })
        .collect()
}

/// Where a pod spec sits in a kind, and the path of its template's metadata.
pub(crate) fn pod_spec_path(
    kind: &str,
) -> Option<(&'static [&'static str], Option<&'static [&'static str]>)> {
    Some(match kind {
        "Pod" => (&["spec"], None),
        "PodTemplate" => (&["template", "spec"], Some(&["template", "metadata"])),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ReplicationController" | "Job" => {
            (&["spec", "template", "spec"], Some(&["spec", "template", "metadata"]))
        }
        "CronJob" => (
            &["spec", "jobTemplate", "spec", "template", "spec"],
            Some(&["spec", "jobTemplate", "spec", "template", "metadata"]),
        ),
        _ => return None,
    })
}

/// The pod spec of a built-in workload document.
pub(crate) fn pod_spec<'n>(cx: &Cx<'n>) -> Option<&'n Node> {
    if !cx.builtin() {
        return None;
    }
    let (path, _) = pod_spec_path(cx.kind)?;
    cx.at(path).filter(|n| n.as_mapping().is_some())
}

/// The labels a workload's pods get: the template's labels (a Pod's own labels).
pub(crate) fn pod_labels<'n>(root: &'n Node, kind: &str) -> Option<&'n Node> {
    let (_, meta) = pod_spec_path(kind)?;
    match meta {
        Some(meta) => at(root, meta).and_then(|m| get(m, "labels")),
        None => at(root, &["metadata", "labels"]),
    }
}

/// The names of a StatefulSet's volume claim templates: the claims its pods get, and volumes
/// of its pod template by those names.
pub(crate) fn claim_templates<'n>(cx: &Cx<'n>) -> Vec<&'n str> {
    if !cx.is("StatefulSet") {
        return Vec::new();
    }
    at(cx.root, &["spec", "volumeClaimTemplates"])
        .map(items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|t| at(t, &["metadata", "name"]).and_then(text_of))
        .collect()
}

/// One container of a pod spec.
pub(crate) struct ContainerAt<'n> {
    pub node: &'n Node,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'static str,
}

impl ContainerAt<'_> {
    pub fn name(&self) -> &str {
        get(self.node, "name").and_then(text_of).unwrap_or("?")
    }

    pub fn is_init(&self) -> bool {
        self.list == "initContainers"
    }

    /// An init container with `restartPolicy: Always` runs beside the app (a sidecar).
    pub fn is_sidecar(&self) -> bool {
        self.is_init() && get(self.node, "restartPolicy").and_then(text_of) == Some("Always")
    }
}

/// Every container of a pod spec: regular, init and ephemeral ones.
pub(crate) fn containers(spec: &Node) -> Vec<ContainerAt<'_>> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(l) = get(spec, list) {
            for node in items(l) {
                if node.as_mapping().is_some() {
                    out.push(ContainerAt { node, list });
                }
            }
        }
    }
    out
}

/// The first line of a multi-line text, shortened for messages.
pub(crate) fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 60 {
        let cut: String = line.chars().take(57).collect();
        format!("{cut}...")
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_11_scalars() {
        assert_eq!(resolve_plain("yes"), Scalar::Bool(true));
        assert_eq!(resolve_plain("Off"), Scalar::Bool(false));
        assert_eq!(resolve_plain("8080"), Scalar::Int(8080));
        assert_eq!(resolve_plain("0x1F"), Scalar::Int(31));
        assert_eq!(resolve_plain("010"), Scalar::Int(8));
        assert_eq!(resolve_plain("-3"), Scalar::Int(-3));
        assert_eq!(resolve_plain("1_000"), Scalar::Int(1000));
        assert_eq!(resolve_plain("1.5"), Scalar::Float(1.5));
        assert_eq!(resolve_plain("1e3"), Scalar::Float(1000.0));
        assert_eq!(resolve_plain("~"), Scalar::Null);
        assert_eq!(resolve_plain("25%"), Scalar::Str("25%"));
        assert_eq!(resolve_plain("1.2.3"), Scalar::Str("1.2.3"));
        assert_eq!(resolve_plain("500m"), Scalar::Str("500m"));
        assert_eq!(resolve_plain("2024-01-01"), Scalar::Str("2024-01-01"));
        assert_eq!(resolve_plain("-"), Scalar::Str("-"));
        assert_eq!(resolve_plain("."), Scalar::Str("."));
        assert_eq!(resolve_plain("1e"), Scalar::Str("1e"));
        assert_eq!(resolve_plain("0o"), Scalar::Str("0o"));
    }
}
