//! What one file tells navigation, as plain data kept per file: the objects it declares, the
//! names it refers to (a pod's ConfigMaps, Secrets, claims and ServiceAccount, an Ingress's
//! Services, a binding's role...), the labels of its pod templates and its selectors, each with
//! its place in the text in both position encodings, so that a query over thousands of files
//! reads no text.

use std::sync::Arc;

use kref_yaml::{Encoding, File, LineIndex, Node, ScalarStyle, TextRange};

use crate::model::{Selector, at, get, is_null, items, named_references, pairs, pod_labels, text_of};
use crate::placeholders::has_placeholder;

/// A place in a text: zero-based line, column in UTF-8 bytes and in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub utf8: u32,
    pub utf16: u32,
}

impl Pos {
    fn new(index: &LineIndex, offset: usize) -> Pos {
        let a = index.line_col(offset, Encoding::Utf8);
        let b = index.line_col(offset, Encoding::Utf16);
        Pos { line: a.line, utf8: a.col, utf16: b.col }
    }

    /// The column in `encoding`.
    pub fn col(self, encoding: Encoding) -> u32 {
        match encoding {
            Encoding::Utf8 => self.utf8,
            Encoding::Utf16 => self.utf16,
        }
    }
}

/// A stretch of text: byte offsets and positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub range: TextRange,
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn new(index: &LineIndex, range: TextRange) -> Span {
        Span { range, start: Pos::new(index, range.start), end: Pos::new(index, range.end) }
    }

    /// Does the span hold `offset` (its ends included)?
    pub fn touches(&self, offset: usize) -> bool {
        self.range.start <= offset && offset <= self.range.end
    }
}

/// Whether a name is where an object is named or where another object refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `metadata.name`, or a kustomization generator's `name`.
    Declaration,
    Reference,
}

/// A name written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameSite {
    /// The kind of the object named.
    pub kind: String,
    pub name: String,
    /// The namespace of the document that writes it (as written), or a generator's.
    pub namespace: Option<String>,
    pub role: Role,
    /// The name's text, inside quotes when quoted.
    pub span: Span,
    /// The value holds a template placeholder (`{{ }}`, `${}`): not the name the API sees.
    pub templated: bool,
    /// A block scalar or a value with escapes: its text is not the name as written.
    pub unusual: bool,
    /// A Service named as a host inside a value (`http://web:80`, see [`super::hosts`]): the span
    /// is the name's part of the host, and it counts only where that Service exists.
    pub host: bool,
}

/// One object of the file, for workspace symbols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSite {
    /// `Kind name (namespace)`, what workspace symbols show.
    pub label: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// The name's value, or the kind's when it has no name.
    pub span: Span,
    /// The whole object (document or List item).
    pub whole: Span,
}

/// A `key: value` label or selector entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSite {
    pub key: String,
    pub value: String,
    /// From the key to the end of the value.
    pub span: Span,
}

/// The labels a workload's (or a Pod's) pods get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSite {
    /// `Deployment web`.
    pub owner: String,
    /// The object's name (or kind), where a code lens goes.
    pub at: Span,
    pub namespace: Option<String>,
    pub labels: Vec<LabelSite>,
}

impl TemplateSite {
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.labels.iter().map(|l| (l.key.clone(), l.value.clone())).collect()
    }
}

/// A selector of pods: a Service's, a PodDisruptionBudget's, a NetworkPolicy's, a workload's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorSite {
    /// `Service web`.
    pub owner: String,
    pub namespace: Option<String>,
    pub selector: Selector,
    /// The `selector:` key.
    pub span: Span,
    /// From the key to the end of the selector.
    pub whole: TextRange,
    /// Where each label key the selector reads is written: a `matchLabels` (or plain map)
    /// entry, or a `matchExpressions` item.
    pub entries: Vec<LabelSite>,
}

impl SelectorSite {
    /// Does the selector read the label `key`?
    pub fn reads(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.key == key)
    }
}

/// The first syntax error of a file, and its text (kept only for broken files: a rename must
/// know whether they mention a name the parser could not see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub line: u32,
    pub message: String,
    pub text: Arc<str>,
}

/// What navigation knows of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileNav {
    pub objects: Vec<ObjectSite>,
    pub names: Vec<NameSite>,
    pub templates: Vec<TemplateSite>,
    pub selectors: Vec<SelectorSite>,
    pub broken: Option<Broken>,
    /// Where the text holds template placeholders (`{{ ... }}`, `${VAR}`), each within a line:
    /// what is written there is computed by a template.
    pub placeholders: Vec<TextRange>,
}

/// What navigation needs of a parsed file.
pub fn index_file(file: &File) -> FileNav {
    let index = file.line_index();
    let span = |r: TextRange| Span::new(index, r);
    let mut nav = FileNav { placeholders: placeholder_spans(file.text()), ..FileNav::default() };
    if let Some(e) = file.errors.first() {
        nav.broken = Some(Broken {
            line: index.line_col(e.range.start, Encoding::Utf8).line,
            message: e.message.clone(),
            text: Arc::from(file.text()),
        });
    }
    for obj in crate::model::objects(file) {
        let root = obj.node;
        let Some((kind, kind_range)) = &obj.kind else { continue };
        let namespace = obj.namespace.clone().filter(|n| !n.is_empty());
        let name_node = at(root, &["metadata", "name"]);
        let mut label = format!("{kind} {}", obj.name.as_deref().unwrap_or("(no name)"));
        if let Some(ns) = &namespace {
            label.push_str(&format!(" ({ns})"));
        }
        nav.objects.push(ObjectSite {
            label,
            kind: kind.clone(),
            name: obj.name.clone(),
            namespace: namespace.clone(),
            span: span(name_node.map_or(*kind_range, value_range)),
            whole: span(obj.range),
        });
        let owner = format!("{kind} {}", obj.name.as_deref().unwrap_or("?"));
        let mut site = |kind: &str, node: &Node, role: Role, namespace: &Option<String>| {
            if let Some(s) = name_site(kind, node, role, namespace.clone(), index) {
                nav.names.push(s);
            }
        };
        if let Some(node) = name_node {
            site(kind, node, Role::Declaration, &namespace);
        }
        if kind == "Kustomization"
            || root.get("configMapGenerator").is_some()
            || root.get("secretGenerator").is_some()
        {
            let ns = get(root, "namespace").and_then(text_of).map(str::to_string);
            for (key, k) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
                for g in get(root, key).map(items).unwrap_or(&[]) {
                    if let Some(node) = get(g, "name") {
                        let own = get(g, "namespace").and_then(text_of).map(str::to_string);
                        site(k, node, Role::Declaration, &own.or_else(|| ns.clone()));
                    }
                }
            }
            continue;
        }
        for (k, node) in named_references(&obj) {
            site(k, node, Role::Reference, &namespace);
        }
        host_sites(&obj, file.text(), namespace.as_deref(), index, &mut nav.names);
        if let Some(labels) = pod_labels(root, kind) {
            nav.templates.push(TemplateSite {
                owner: owner.clone(),
                at: span(name_node.map_or(*kind_range, value_range)),
                namespace: namespace.clone(),
                labels: label_sites(labels, index),
            });
        }
        if let Some(s) = selector_site(root, kind, owner, namespace, index) {
            nav.selectors.push(s);
        }
    }
    nav
}

/// The Services named as hosts in the values of an object: its containers' env values,
/// `command` and `args`, and a ConfigMap's `data`.
fn host_sites(
    obj: &crate::model::ObjectAt<'_>,
    text: &str,
    namespace: Option<&str>,
    index: &LineIndex,
    out: &mut Vec<NameSite>,
) {
    let mut values: Vec<(&Node, String)> = Vec::new();
    if let Some(spec) = crate::model::pod_spec(obj) {
        for c in crate::model::containers(spec) {
            for e in get(c.node, "env").map(items).unwrap_or(&[]) {
                if let (Some(name), Some(v)) = (get(e, "name").and_then(text_of), get(e, "value")) {
                    values.push((v, name.to_string()));
                }
            }
            for list in ["command", "args"] {
                for a in get(c.node, list).map(items).unwrap_or(&[]) {
                    let flag = a.as_scalar().map_or("", |s| super::hosts::flag_of(&s.text));
                    values.push((a, flag.to_string()));
                }
            }
        }
    }
    if obj.kind_name() == "ConfigMap" && obj.is_builtin() {
        for p in get(obj.node, "data").map(pairs).unwrap_or(&[]) {
            values.push((&p.value, p.key.text.clone()));
        }
    }
    for (node, key) in values {
        let Some(scalar) = node.as_scalar() else { continue };
        let range = value_range(node);
        let Some(source) = text.get(range.start..range.end) else { continue };
        // A Helm template's holed value: its source is placeholder words, not what is printed.
        if has_placeholder(&scalar.text) && source != scalar.text {
            continue;
        }
        for t in super::hosts::host_tokens(source, &scalar.text, &key) {
            out.push(NameSite {
                kind: "Service".into(),
                name: t.service,
                namespace: t.namespace.or_else(|| namespace.map(str::to_string)),
                role: Role::Reference,
                span: Span::new(index, TextRange::new(range.start + t.start, range.start + t.end)),
                templated: false,
                unusual: false,
                host: true,
            });
        }
    }
}

/// The placeholders of `text`, each cut at the end of its line (an unclosed `{{` is one too).
pub fn placeholder_spans(text: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some((start, end, _)) = crate::placeholders::find(&text[from..]) {
        let (start, end) = (from + start, from + end);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        out.push(TextRange::new(start, end.min(line_end)));
        from = end.max(start + 2);
        if from >= text.len() {
            break;
        }
    }
    out
}

/// The range of a scalar's text as written, inside its quotes.
fn value_range(node: &Node) -> TextRange {
    match node.as_scalar() {
        Some(s) if matches!(s.style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) => {
            let r = s.raw_range;
            if r.len() >= 2 { TextRange::new(r.start + 1, r.end - 1) } else { r }
        }
        Some(s) => s.raw_range,
        None => node.range,
    }
}

fn name_site(
    kind: &str,
    node: &Node,
    role: Role,
    namespace: Option<String>,
    index: &LineIndex,
) -> Option<NameSite> {
    let scalar = node.as_scalar().filter(|_| !is_null(node))?;
    let name = scalar.text.trim();
    if name.is_empty() {
        return None;
    }
    let range = value_range(node);
    let unusual = matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded)
        || range.len() != scalar.text.len();
    Some(NameSite {
        kind: kind.to_string(),
        name: name.to_string(),
        namespace,
        role,
        span: Span::new(index, range),
        templated: has_placeholder(&scalar.text),
        unusual,
        host: false,
    })
}

fn label_sites(map: &Node, index: &LineIndex) -> Vec<LabelSite> {
    pairs(map)
        .iter()
        .map(|p| LabelSite {
            key: p.key.text.clone(),
            value: p
                .value
                .as_scalar()
                .filter(|_| !is_null(&p.value))
                .map_or(String::new(), |s| s.text.clone()),
            span: Span::new(index, p.range()),
        })
        .collect()
}

/// The pod selector of a Service, PodDisruptionBudget, NetworkPolicy or workload.
fn selector_site(
    root: &Node,
    kind: &str,
    owner: String,
    namespace: Option<String>,
    index: &LineIndex,
) -> Option<SelectorSite> {
    let (key, plain) = match kind {
        "Service" | "ReplicationController" => ("selector", true),
        "NetworkPolicy" => ("podSelector", false),
        "PodDisruptionBudget" | "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            ("selector", false)
        }
        _ => return None,
    };
    let pair = get(root, "spec")?.pair(key).filter(|p| !is_null(&p.value))?;
    let (selector, entries) = if plain {
        (Selector::from_map(&pair.value), label_sites(&pair.value, index))
    } else {
        let mut entries = get(&pair.value, "matchLabels").map(|m| label_sites(m, index)).unwrap_or_default();
        for e in get(&pair.value, "matchExpressions").map(items).unwrap_or(&[]) {
            if let Some(k) = get(e, "key").and_then(text_of) {
                entries.push(LabelSite {
                    key: k.to_string(),
                    value: String::new(),
                    span: Span::new(index, e.range),
                });
            }
        }
        (Selector::from_label_selector(&pair.value), entries)
    };
    if selector.is_empty() {
        return None;
    }
    Some(SelectorSite {
        owner,
        namespace,
        selector,
        span: Span::new(index, pair.key_range),
        whole: pair.range(),
        entries,
    })
}
