//! What every per-document check reads: the document, its kind, the knowledge base, the rule
//! levels; plus helpers to read YAML values the way the API server does (YAML 1.1 scalars).

use kref_corpus::schema::Kind;
use kref_yaml::{File, Node, NodeValue, Pair, TextRange, Typed};

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
    matches!(scalar(node), Some(Typed::Null)) || node.is_missing()
}

/// The mapping pairs of a node (empty for anything else).
pub(crate) fn pairs(node: &Node) -> &[Pair] {
    node.as_mapping().unwrap_or(&[])
}

/// The items of a sequence (empty for anything else).
pub(crate) fn items(node: &Node) -> &[Node] {
    node.as_sequence().unwrap_or(&[])
}

/// The typed value of a scalar node as the API server's YAML reader (YAML 1.1, as
/// `sigs.k8s.io/yaml`) sees it; `None` for collections and aliases (and for `Missing` nodes,
/// which [`is_null`] treats as null).
pub(crate) fn scalar(node: &Node) -> Option<Typed<'_>> {
    node.typed()
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
        Typed::Str(_) if is_placeholder(node) => None,
        Typed::Str(s) => Some(s),
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
        Typed::Int(i) => Some(i),
        _ => None,
    }
}

/// A boolean value.
pub(crate) fn bool_of(node: &Node) -> Option<bool> {
    match scalar(node)? {
        Typed::Bool(b) => Some(b),
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
