//! The rule view: every diagnostic rule of `kref check` and the editor, with where its note is.

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Rule, rule_doc_path, rules};

/// One rule. Field names follow the views' snake_case rule (`kref check --list-rules
/// --format json` predates it and spells three of them in camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleView {
    /// Stable id: `image-tag`.
    pub id: String,
    /// `error`, `warning`, `info` or `hint`.
    pub severity: String,
    /// The smallest profile that turns it on: `minimal`, `default` or `strict`.
    pub profile: String,
    /// `syntax`, `api`, `schema`, `validation`, `practice`, `security`, `workspace` or `hint`.
    pub category: String,
    /// What it checks, in one line.
    pub summary: String,
    /// For security rules: the Pod Security Standards level (`baseline`, `restricted`).
    pub pod_security: Option<String>,
    /// The same check in kube-linter, kube-score and Polaris.
    pub kube_linter: Vec<String>,
    pub kube_score: Vec<String>,
    pub polaris: Vec<String>,
    /// The path of its note in the built-in corpus (`builtin:rules/image-tag.md`).
    pub note: String,
}

impl RuleView {
    pub fn new(rule: &Rule) -> RuleView {
        let strings = |list: &[&str]| list.iter().map(|s| (*s).to_string()).collect();
        RuleView {
            id: rule.id.to_string(),
            severity: rule.severity.as_str().to_string(),
            profile: rule.profile.as_str().to_string(),
            category: rule.category.as_str().to_string(),
            summary: rule.summary.to_string(),
            pod_security: rule.pss.map(|p| p.as_str().to_string()),
            kube_linter: strings(rule.kube_linter),
            kube_score: strings(rule.kube_score),
            polaris: strings(rule.polaris),
            note: rule_note_path(rule.id),
        }
    }
}

/// Every rule, in the table's order.
pub fn rule_views() -> Vec<RuleView> {
    rules().iter().map(RuleView::new).collect()
}

/// Where the note of rule `id` lives among the built-in notes.
pub fn rule_note_path(id: &str) -> String {
    rule_doc_path(id)
}
