//! What every per-document check reads: the object, its kind, the knowledge base, the rule
//! levels. Reading its values goes through the object model (`crate::model`).

use kref_corpus::schema::Kind;
use kref_yaml::{File, Node, TextRange};

use super::registry::{PssLevel, RULES, rule_index};
use super::{Diagnostic, RuleConfig, Severity};
use crate::knowledge::Knowledge;
use crate::model::{ObjectAt, is_builtin_group};

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

    /// The pod spec of the object, when it is a built-in kind that runs pods.
    pub fn pod_spec(&self) -> Option<&'a Node> {
        crate::model::pod::pod_spec(self.obj)
    }

    /// Is the document a built-in object of kind `kind`?
    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind && self.builtin()
    }

    /// The text of a range.
    pub fn slice(&self, range: TextRange) -> &'a str {
        self.text().get(range.start..range.end).unwrap_or("")
    }
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
