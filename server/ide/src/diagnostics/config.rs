//! Rule configuration: the target Kubernetes version, the profile, and rules turned on, off or
//! given another severity by id, as read from `config.yaml`, `.kref.yaml`, editor settings and
//! command-line flags.

use std::collections::{BTreeMap, HashMap};

use kref_corpus::schema::{BUILTIN_KUBERNETES_VERSION, KubeVersion, suggest};
use serde::Deserialize;

use super::registry::{RULES, Rule, rule_by_id};
use super::{Profile, Severity};

/// The `rules:` section of a settings file:
///
/// ```yaml
/// rules:
///   profile: strict            # minimal | default | strict
///   disable: [image-tag]
///   enable: [job-ttl]
///   severity: { missing-resources: error, duplicate-object: off }
/// ```
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleSettings {
    pub profile: Option<String>,
    pub enable: Vec<String>,
    pub disable: Vec<String>,
    /// Rule id → `error`, `warning`, `info`, `hint` or `off`.
    pub severity: BTreeMap<String, String>,
}

impl RuleSettings {
    /// Fills what `self` leaves open from `lower` (a settings file of lower priority): the
    /// profile and per-rule severities of `self` win; enable and disable lists add up, and a
    /// rule named by `self` is taken out of `lower`'s opposite list.
    pub fn merge_under(&mut self, lower: &RuleSettings) {
        if self.profile.is_none() {
            self.profile.clone_from(&lower.profile);
        }
        for id in &lower.enable {
            if !self.disable.contains(id) && !self.enable.contains(id) {
                self.enable.push(id.clone());
            }
        }
        for id in &lower.disable {
            if !self.enable.contains(id) && !self.disable.contains(id) {
                self.disable.push(id.clone());
            }
        }
        for (id, level) in &lower.severity {
            self.severity.entry(id.clone()).or_insert_with(|| level.clone());
        }
    }

    /// Is nothing set?
    pub fn is_empty(&self) -> bool {
        *self == RuleSettings::default()
    }
}

/// Everything that decides which rules run and how loud they are.
#[derive(Debug, Clone)]
pub struct RuleConfig {
    /// The Kubernetes version lifecycle rules aim at.
    pub kube_version: KubeVersion,
    pub profile: Profile,
    /// Rules turned on whatever the profile.
    pub enable: Vec<String>,
    /// Rules turned off whatever the profile.
    pub disable: Vec<String>,
    /// Per-rule severity; `None` turns the rule off.
    pub severity: HashMap<String, Option<Severity>>,
}

impl Default for RuleConfig {
    fn default() -> RuleConfig {
        RuleConfig::new(default_kube_version())
    }
}

/// The built-in schema's Kubernetes version.
pub fn default_kube_version() -> KubeVersion {
    KubeVersion::parse(BUILTIN_KUBERNETES_VERSION).unwrap_or(KubeVersion::new(1, 37))
}

impl RuleConfig {
    /// The default profile aimed at `kube_version`.
    pub fn new(kube_version: KubeVersion) -> RuleConfig {
        RuleConfig {
            kube_version,
            profile: Profile::Default,
            enable: Vec::new(),
            disable: Vec::new(),
            severity: HashMap::new(),
        }
    }

    /// Every rule on, at its default severity.
    pub fn strict(kube_version: KubeVersion) -> RuleConfig {
        RuleConfig { profile: Profile::Strict, ..RuleConfig::new(kube_version) }
    }

    /// Applies a `rules:` section. Unknown rule ids, profiles and severities are skipped with a
    /// warning that names the closest valid one.
    pub fn apply(&mut self, settings: &RuleSettings, warnings: &mut Vec<String>) {
        if let Some(p) = &settings.profile {
            match Profile::parse(p) {
                Some(p) => self.profile = p,
                None => warnings
                    .push(format!("rules.profile {p:?} is not a profile; use minimal, default or strict")),
            }
        }
        for id in &settings.enable {
            if check_id(id, "rules.enable", warnings) {
                self.disable.retain(|d| d != id);
                self.enable.push(id.clone());
            }
        }
        for id in &settings.disable {
            if check_id(id, "rules.disable", warnings) {
                self.enable.retain(|d| d != id);
                self.disable.push(id.clone());
            }
        }
        for (id, level) in &settings.severity {
            if !check_id(id, "rules.severity", warnings) {
                continue;
            }
            match parse_level(level) {
                Some(level) => {
                    self.severity.insert(id.clone(), level);
                }
                None => warnings.push(format!(
                    "rules.severity.{id}: {level:?} is not a severity; use error, warning, info, hint or off"
                )),
            }
        }
    }

    /// The severity `rule` reports at, or `None` when it is off.
    pub fn level(&self, rule: &Rule) -> Option<Severity> {
        if let Some(level) = self.severity.get(rule.id) {
            return *level;
        }
        if self.disable.iter().any(|d| d == rule.id) {
            return None;
        }
        let on = rule.profile <= self.profile || self.enable.iter().any(|e| e == rule.id);
        on.then_some(rule.severity)
    }

    /// Was the rule turned on or off by id (rather than by profile)?
    pub fn named(&self, id: &str) -> bool {
        self.severity.contains_key(id)
            || self.disable.iter().any(|d| d == id)
            || self.enable.iter().any(|e| e == id)
    }

    /// The severity of every rule, in [`RULES`] order.
    pub(crate) fn levels(&self) -> Vec<Option<Severity>> {
        RULES.iter().map(|r| self.level(r)).collect()
    }
}

fn check_id(id: &str, setting: &str, warnings: &mut Vec<String>) -> bool {
    if rule_by_id(id).is_some() {
        return true;
    }
    let close = suggest(RULES.iter().map(|r| r.id), id);
    let hint = match close.first() {
        Some(c) => format!("; did you mean {c}?"),
        None => "; `kref check --list-rules` lists them".to_string(),
    };
    warnings.push(format!("{setting}: no rule {id:?}{hint}"));
    false
}

fn parse_level(text: &str) -> Option<Option<Severity>> {
    match text.trim().to_ascii_lowercase().as_str() {
        "off" | "none" | "ignore" => Some(None),
        other => Severity::parse(other).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_and_overrides() {
        let mut c = RuleConfig::new(KubeVersion::new(1, 30));
        let image_tag = rule_by_id("image-tag").unwrap();
        let job_ttl = rule_by_id("job-ttl").unwrap();
        let syntax = rule_by_id("yaml-syntax").unwrap();
        assert_eq!(c.level(image_tag), Some(Severity::Warning));
        assert_eq!(c.level(job_ttl), None);
        let mut warnings = Vec::new();
        c.apply(
            &RuleSettings {
                profile: Some("minimal".into()),
                enable: vec!["job-ttl".into()],
                disable: vec!["yaml-sintax".into()],
                severity: [("yaml-syntax".to_string(), "warning".to_string())].into(),
            },
            &mut warnings,
        );
        assert_eq!(c.level(image_tag), None);
        assert_eq!(c.level(job_ttl), Some(Severity::Hint));
        assert_eq!(c.level(syntax), Some(Severity::Warning));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("did you mean yaml-syntax"), "{warnings:?}");
    }

    #[test]
    fn merging_prefers_the_higher_file() {
        let mut workspace = RuleSettings {
            profile: Some("strict".into()),
            enable: vec!["image-tag".into()],
            ..Default::default()
        };
        let user = RuleSettings {
            profile: Some("minimal".into()),
            disable: vec!["image-tag".into(), "job-ttl".into()],
            severity: [("job-ttl".to_string(), "error".to_string())].into(),
            ..Default::default()
        };
        workspace.merge_under(&user);
        assert_eq!(workspace.profile.as_deref(), Some("strict"));
        assert_eq!(workspace.enable, ["image-tag"]);
        assert_eq!(workspace.disable, ["job-ttl"]);
        assert_eq!(workspace.severity.get("job-ttl").map(String::as_str), Some("error"));
    }
}
