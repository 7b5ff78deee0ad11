//! The rule table: every rule's stable id, default severity, profile, one-line summary and the
//! checks of kube-linter, kube-score and Polaris it corresponds to (for their ignore annotations).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{Profile, Severity};

pub use crate::model::PssLevel;

/// What a rule is about (for documentation and output grouping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The text is not valid YAML, or not a Kubernetes object at all.
    Syntax,
    /// apiVersion, kind and the API lifecycle.
    Api,
    /// Fields, types, enum values and required fields from the schema.
    Schema,
    /// Server-side validation the schema does not express: the API server would reject it.
    Validation,
    /// Best practice: the object works but is fragile.
    Practice,
    /// Pod security.
    Security,
    /// References between objects of a file or workspace.
    Workspace,
    /// Operational hints.
    Hint,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Api => "api",
            Category::Schema => "schema",
            Category::Validation => "validation",
            Category::Practice => "practice",
            Category::Security => "security",
            Category::Workspace => "workspace",
            Category::Hint => "hint",
        }
    }
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id: lower-case words joined by hyphens. Never renamed once released.
    pub id: &'static str,
    pub severity: Severity,
    /// The smallest profile that turns the rule on (`Minimal` rules are always on).
    pub profile: Profile,
    pub category: Category,
    /// What the rule checks, in one line.
    pub summary: &'static str,
    /// For security rules: the Pod Security Standards level whose namespaces reject it.
    pub pss: Option<PssLevel>,
    /// kube-linter check names (`ignore-check.kube-linter.io/<name>`).
    pub kube_linter: &'static [&'static str],
    /// kube-score check ids (`kube-score/ignore: <id>,...`).
    pub kube_score: &'static [&'static str],
    /// Polaris check names (`polaris.fairwinds.com/<name>-exempt`).
    pub polaris: &'static [&'static str],
}

const fn rule(
    id: &'static str,
    severity: Severity,
    profile: Profile,
    category: Category,
    summary: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        profile,
        category,
        summary,
        pss: None,
        kube_linter: &[],
        kube_score: &[],
        polaris: &[],
    }
}

impl Rule {
    const fn linter(mut self, ids: &'static [&'static str]) -> Rule {
        self.kube_linter = ids;
        self
    }
    const fn score(mut self, ids: &'static [&'static str]) -> Rule {
        self.kube_score = ids;
        self
    }
    const fn polaris(mut self, ids: &'static [&'static str]) -> Rule {
        self.polaris = ids;
        self
    }
    const fn pss(mut self, level: PssLevel) -> Rule {
        self.pss = Some(level);
        self
    }
}

use Category as C;
use Profile::{Default as D, Minimal as M, Strict as S};
use Severity::{Error as E, Hint as H, Information as I, Warning as W};

/// The rules also checked in partial objects (strategic-merge patches): they judge values that
/// are written, never what is left out or how one field fits another (the rest of the object
/// is in its base).
pub const CHECKED_IN_PATCHES: &[&str] = &[
    "yaml-syntax",
    "duplicate-key",
    "unknown-kind",
    "removed-api",
    "deprecated-api",
    "unavailable-api",
    "no-schema",
    "unknown-field",
    "wrong-type",
    "invalid-enum",
    "invalid-value",
    "read-only-field",
    "invalid-base64",
    "invalid-name",
    "invalid-label",
    "invalid-annotation",
    "invalid-selector",
    "cron-schedule",
    "container-name",
    "container-port",
    "invalid-quantity",
    "memory-units",
    "env-source",
    "duplicate-env",
    "image-tag",
    "privileged",
    "host-namespaces",
    "host-path",
    "host-port",
    "dangerous-capabilities",
    "unsafe-sysctls",
    "config-key",
    "object-size",
    "deprecated-field",
];

/// Is the rule checked in partial objects (see [`CHECKED_IN_PATCHES`])?
pub fn checked_in_patches(id: &str) -> bool {
    CHECKED_IN_PATCHES.contains(&id)
}

/// Every rule, in documentation order.
pub static RULES: &[Rule] = &[
    // Syntax and structure.
    rule("yaml-syntax", E, M, C::Syntax, "The text is not valid YAML (reported where the problem starts)."),
    rule("duplicate-key", E, M, C::Syntax, "The same key appears twice in one mapping."),
    rule("missing-api-version", E, M, C::Api, "An object without apiVersion."),
    rule("missing-kind", E, M, C::Api, "An object without kind."),
    rule("missing-name", E, M, C::Api, "An object without metadata.name (or generateName)."),
    rule("unknown-kind", E, M, C::Api, "No such kind in this apiVersion; suggests the right pair."),
    rule("removed-api", E, M, C::Api, "The apiVersion is no longer served by the target Kubernetes version.")
        .linter(&["no-extensions-v1beta"])
        .score(&["stable-version"]),
    rule("deprecated-api", W, D, C::Api, "The apiVersion is deprecated in the target Kubernetes version.")
        .linter(&["no-extensions-v1beta"])
        .score(&["stable-version"]),
    rule(
        "unavailable-api",
        E,
        M,
        C::Api,
        "The apiVersion is not served yet by the target Kubernetes version.",
    ),
    rule(
        "no-schema",
        H,
        D,
        C::Api,
        "A custom resource with no schema loaded: only its structure is checked.",
    ),
    // Schema.
    rule("unknown-field", E, M, C::Schema, "A field the kind does not have; suggests the closest name."),
    rule("wrong-type", E, M, C::Schema, "A value of the wrong type (a quoted number for an integer, ...)."),
    rule("invalid-enum", E, M, C::Schema, "A value that is not one of the field's allowed values."),
    rule("missing-required", E, M, C::Schema, "A required field is missing."),
    rule(
        "invalid-value",
        E,
        M,
        C::Schema,
        "A value breaks a validation of its schema: pattern, minimum/maximum, length, item count, or one-of alternatives.",
    ),
    rule(
        "read-only-field",
        W,
        D,
        C::Schema,
        "A field set by the system (status, uid, ...) written in a manifest.",
    ),
    rule(
        "invalid-base64",
        E,
        M,
        C::Schema,
        "A binary field (Secret data, caBundle) that is not valid base64.",
    ),
    // Names, labels, annotations, selectors.
    rule("invalid-name", E, M, C::Validation, "metadata.name does not fit the naming rule of its kind.")
        .score(&["label-values"]),
    rule("invalid-label", E, M, C::Validation, "A label key or value the API server rejects.")
        .score(&["label-values"]),
    rule(
        "invalid-annotation",
        E,
        M,
        C::Validation,
        "An annotation key the API server rejects, or too much data.",
    ),
    rule(
        "invalid-selector",
        E,
        M,
        C::Validation,
        "A label selector expression with a wrong operator or values.",
    ),
    // Workloads.
    rule(
        "selector-mismatch",
        E,
        M,
        C::Validation,
        "A workload selector that is missing, empty or does not match its template labels.",
    )
    .linter(&["mismatching-selector"])
    .score(&[
        "deployment-pod-selector-labels-match-template-metadata-labels",
        "statefulset-pod-selector-labels-match-template-metadata-labels",
    ]),
    rule("restart-policy", E, M, C::Validation, "A restartPolicy the workload kind does not accept.")
        .linter(&["restart-policy"])
        .score(&["cronjob-restartpolicy"]),
    rule("cron-schedule", E, M, C::Validation, "A CronJob schedule or timeZone the controller cannot use."),
    rule(
        "rollout-strategy",
        E,
        M,
        C::Validation,
        "A rollout strategy the API server rejects (maxSurge and maxUnavailable both 0, ...).",
    ),
    // Pods and containers.
    rule(
        "container-name",
        E,
        M,
        C::Validation,
        "A container name that is not a DNS label, or used twice in a pod.",
    ),
    rule("container-image", E, M, C::Validation, "A container without an image."),
    rule(
        "container-port",
        E,
        M,
        C::Validation,
        "A container port with a bad number or name, or a name used twice.",
    )
    .linter(&["invalid-target-ports"])
    .score(&["container-ports-check"]),
    rule("invalid-quantity", E, M, C::Validation, "A resource quantity with a bad unit (1GB, 512mb)."),
    rule(
        "resource-limits",
        E,
        M,
        C::Validation,
        "A request above its limit, or an extended resource whose request differs from its limit.",
    ),
    rule(
        "memory-units",
        W,
        D,
        C::Practice,
        "A memory quantity in millibytes (500m) or bytes that is almost surely a typo.",
    ),
    rule(
        "invalid-probe",
        E,
        M,
        C::Validation,
        "A probe with no handler or several, or thresholds the API server rejects.",
    )
    .score(&["pod-probes"]),
    rule("probe-port", E, M, C::Validation, "A probe names a port the container does not declare.")
        .linter(&["liveness-port", "readiness-port", "startup-port"]),
    rule(
        "volume-mount",
        E,
        M,
        C::Validation,
        "A volumeMount naming no volume of the pod, or a volume or mount path given twice.",
    ),
    rule(
        "env-source",
        E,
        M,
        C::Validation,
        "An environment variable with a bad name or with several value sources.",
    ),
    rule(
        "duplicate-env",
        W,
        D,
        C::Practice,
        "The same environment variable defined twice in a container (the last one wins).",
    )
    .linter(&["duplicate-env-var"])
    .score(&["environment-variable-key-duplication"]),
    rule("image-tag", W, D, C::Practice, "An image without a tag or with :latest.")
        .linter(&["latest-tag"])
        .score(&["container-image-tag"])
        .polaris(&["tagNotSpecified"]),
    rule(
        "missing-resources",
        W,
        D,
        C::Practice,
        "A container without CPU and memory requests and a memory limit.",
    )
    .linter(&["unset-cpu-requirements", "unset-memory-requirements"])
    .score(&["container-resources"])
    .polaris(&["cpuRequestsMissing", "cpuLimitsMissing", "memoryRequestsMissing", "memoryLimitsMissing"]),
    rule(
        "missing-probes",
        W,
        D,
        C::Practice,
        "A long-running container without a readiness or liveness probe.",
    )
    .linter(&["no-readiness-probe", "no-liveness-probe"])
    .score(&["pod-probes"])
    .polaris(&["readinessProbeMissing", "livenessProbeMissing"]),
    // Security (Pod Security Standards).
    rule("privileged", W, D, C::Security, "A privileged container.")
        .pss(PssLevel::Baseline)
        .linter(&["privileged-container"])
        .score(&["container-security-context-privileged"])
        .polaris(&["runAsPrivileged"]),
    rule("host-namespaces", W, D, C::Security, "A pod sharing the node's network, PID or IPC namespace.")
        .pss(PssLevel::Baseline)
        .linter(&["host-network", "host-pid", "host-ipc"])
        .polaris(&["hostNetworkSet", "hostPIDSet", "hostIPCSet"]),
    rule("host-path", W, D, C::Security, "A hostPath volume (worst: /, /etc, /proc, docker.sock).")
        .pss(PssLevel::Baseline)
        .linter(&["sensitive-host-mounts", "docker-sock", "writable-host-mount"])
        .polaris(&["hostPathSet"]),
    rule("host-port", W, D, C::Security, "A container port bound to a hostPort.")
        .pss(PssLevel::Baseline)
        .polaris(&["hostPortSet"]),
    rule(
        "dangerous-capabilities",
        W,
        D,
        C::Security,
        "A container adding Linux capabilities beyond the baseline set (SYS_ADMIN, NET_ADMIN, ALL).",
    )
    .pss(PssLevel::Baseline)
    .polaris(&["dangerousCapabilities"]),
    rule("unsafe-sysctls", W, D, C::Security, "A pod setting sysctls outside the safe set.")
        .pss(PssLevel::Baseline)
        .linter(&["unsafe-sysctls"]),
    rule(
        "privilege-escalation",
        I,
        S,
        C::Security,
        "A container that does not set allowPrivilegeEscalation: false.",
    )
    .pss(PssLevel::Restricted)
    .linter(&["privilege-escalation-container"])
    .polaris(&["privilegeEscalationAllowed"]),
    rule(
        "run-as-non-root",
        I,
        S,
        C::Security,
        "A container that may run as root (no runAsNonRoot: true, or runAsUser: 0).",
    )
    .pss(PssLevel::Restricted)
    .linter(&["run-as-non-root"])
    .score(&["container-security-context-user-group-id"])
    .polaris(&["runAsRootAllowed"]),
    rule("drop-capabilities", I, S, C::Security, "A container that does not drop ALL capabilities.")
        .pss(PssLevel::Restricted)
        .linter(&["drop-net-raw-capability"])
        .polaris(&["insecureCapabilities"]),
    rule(
        "seccomp-profile",
        I,
        S,
        C::Security,
        "A pod or container without a RuntimeDefault or Localhost seccomp profile.",
    )
    .pss(PssLevel::Restricted)
    .score(&["container-seccomp-profile"]),
    rule("read-only-root-fs", I, S, C::Security, "A container with a writable root filesystem.")
        .linter(&["no-read-only-root-fs"])
        .score(&["container-security-context-readonlyrootfilesystem"])
        .polaris(&["notReadOnlyRootFilesystem"]),
    // Services, networking, storage, config, policy.
    rule(
        "service-ports",
        E,
        M,
        C::Validation,
        "Service ports with a bad number, a missing or repeated name, or a bad targetPort.",
    )
    .linter(&["invalid-target-ports"]),
    rule(
        "node-port",
        E,
        M,
        C::Validation,
        "A nodePort on a Service type that has none, or outside 30000-32767.",
    ),
    rule("external-name", E, M, C::Validation, "An ExternalName Service without a valid externalName."),
    rule("ingress-rules", E, M, C::Validation, "An Ingress path or backend of the wrong shape."),
    rule(
        "pvc-spec",
        E,
        M,
        C::Validation,
        "A PersistentVolumeClaim without access modes or storage request, or mixing ReadWriteOncePod.",
    ),
    rule(
        "config-key",
        E,
        M,
        C::Validation,
        "A ConfigMap or Secret key the API server rejects, or a key in both data and binaryData.",
    ),
    rule("object-size", E, M, C::Validation, "A ConfigMap or Secret over the 1 MiB limit."),
    rule(
        "secret-type-keys",
        E,
        M,
        C::Validation,
        "A typed Secret (tls, dockerconfigjson, basic-auth, ...) without its required keys.",
    ),
    rule(
        "pdb-budget",
        E,
        M,
        C::Validation,
        "A PodDisruptionBudget with both or neither of minAvailable and maxUnavailable, or a bad value.",
    )
    .linter(&["pdb-min-available", "pdb-max-unavailable"])
    .score(&["poddisruptionbudget-has-policy"])
    .polaris(&["pdbDisruptionsIsZero"]),
    rule(
        "hpa-replicas",
        E,
        M,
        C::Validation,
        "A HorizontalPodAutoscaler whose minReplicas is below 1 or above maxReplicas.",
    )
    .polaris(&["hpaMaxAvailability", "hpaMinAvailability"]),
    rule(
        "rbac-binding",
        E,
        M,
        C::Validation,
        "A RoleBinding or ClusterRoleBinding with a bad roleRef or subject.",
    ),
    rule("deprecated-field", W, D, C::Practice, "A deprecated field or annotation, naming its replacement.")
        .linter(&["deprecated-service-account-field"]),
    // Cross-document.
    rule("duplicate-object", W, D, C::Workspace, "Two objects with the same kind, namespace and name."),
    rule(
        "service-selector",
        W,
        D,
        C::Workspace,
        "A Service whose selector matches no pod template of the workspace.",
    )
    .linter(&["dangling-service"])
    .score(&["service-targets-pod"]),
    rule(
        "ingress-backend",
        W,
        D,
        C::Workspace,
        "An Ingress backend Service or port that does not exist in the workspace.",
    )
    .linter(&["dangling-ingress"])
    .score(&["ingress-targets-service"]),
    rule(
        "hpa-target",
        W,
        D,
        C::Workspace,
        "A HorizontalPodAutoscaler whose target does not exist in the workspace.",
    )
    .linter(&["dangling-horizontalpodautoscaler"])
    .score(&["horizontalpodautoscaler-has-target"]),
    rule(
        "missing-reference",
        W,
        D,
        C::Workspace,
        "A ConfigMap, Secret, ServiceAccount or PVC a pod uses that the workspace does not define.",
    )
    .linter(&["non-existent-service-account", "env-value-from"]),
    rule(
        "pdb-selector",
        W,
        D,
        C::Workspace,
        "A PodDisruptionBudget whose selector matches no pod template of the workspace.",
    ),
    rule(
        "statefulset-service",
        W,
        D,
        C::Workspace,
        "A StatefulSet whose serviceName is not a headless Service of the workspace.",
    )
    .score(&["statefulset-has-servicename"]),
    // Helm charts.
    rule(
        "template-syntax",
        E,
        M,
        C::Syntax,
        "A Helm template action Helm cannot parse: an unclosed {{ or string, an end or else without its block.",
    ),
    rule(
        "chart-yaml",
        E,
        M,
        C::Validation,
        "A Chart.yaml field Helm refuses or warns about: name, SemVer version, type, kubeVersion, dependencies.",
    ),
    rule("values-schema", E, M, C::Validation, "A values.yaml value the chart's values.schema.json rejects."),
    rule(
        "undefined-value",
        W,
        D,
        C::Workspace,
        "A template reads a .Values path that values.yaml does not declare.",
    ),
    rule(
        "undefined-template",
        E,
        M,
        C::Workspace,
        "An include or template of a name that no template of the chart or its subcharts defines.",
    ),
    rule(
        "missing-dependency",
        H,
        D,
        C::Workspace,
        "A chart dependency not vendored under charts/: its named templates and values cannot be checked offline.",
    ),
    // Operational hints.
    rule("job-ttl", H, S, C::Hint, "A standalone Job without ttlSecondsAfterFinished.")
        .linter(&["job-ttl-seconds-after-finished"]),
    rule("cronjob-deadline", H, S, C::Hint, "A CronJob without startingDeadlineSeconds.")
        .score(&["cronjob-has-deadline"]),
    rule("hpa-replicas-conflict", H, S, C::Hint, "A workload scaled by an HPA that also sets replicas.")
        .score(&["deployment-targeted-by-hpa-does-not-have-replicas-configured"]),
    rule("single-replica", H, S, C::Hint, "A Deployment or StatefulSet with one replica.")
        .linter(&["minimum-three-replicas"])
        .score(&["deployment-replicas"])
        .polaris(&["deploymentMissingReplicas"]),
    rule(
        "anti-affinity",
        H,
        S,
        C::Hint,
        "A workload with several replicas and no pod anti-affinity or topology spread.",
    )
    .linter(&["no-anti-affinity"])
    .score(&["deployment-has-host-podantiaffinity", "statefulset-has-host-podantiaffinity"])
    .polaris(&["topologySpreadConstraint"]),
    // Kustomize.
    rule(
        "kustomize-path",
        E,
        M,
        C::Workspace,
        "A path a kustomization names (resource, component, patch, generator file) that does not exist.",
    ),
    rule(
        "kustomize-remote",
        H,
        D,
        C::Workspace,
        "A remote resource of a kustomization (git or https): not fetched, so not checked.",
    ),
    rule(
        "kustomize-target",
        W,
        D,
        C::Workspace,
        "A kustomization's patch, image or replica count that matches no object it includes.",
    ),
    rule("pdb-eviction-policy", H, S, C::Hint, "A PodDisruptionBudget without unhealthyPodEvictionPolicy.")
        .linter(&["pdb-unhealthy-pod-eviction-policy"]),
];

/// Every rule.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    index().get(id).map(|&i| &RULES[i])
}

/// The position of a rule in [`RULES`].
pub(crate) fn rule_index(id: &str) -> Option<usize> {
    index().get(id).copied()
}

fn index() -> &'static HashMap<&'static str, usize> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    INDEX.get_or_init(|| RULES.iter().enumerate().map(|(i, r)| (r.id, i)).collect())
}

/// A rule's note (`corpus/notes/rules/<id>.md`, embedded in the binary), read once with the
/// notes parser's idea of front matter, and the cuts of it that hover, `--explain` and SARIF show.
#[derive(Debug)]
pub struct RuleNote {
    /// The note as Markdown, without its front matter (`kref check --explain`).
    pub markdown: &'static str,
    /// From after the title to the first `##` section, as Markdown (hover over a diagnostic).
    pub summary: String,
    /// What the rule finds: the first paragraph after the title and the "Rule `id`: severity,
    /// profile" line, as one line of text (SARIF `fullDescription`).
    pub description: String,
}

impl RuleNote {
    fn read(source: &'static str) -> Self {
        let markdown = kref_corpus::note_body(source);
        let after_title: Vec<&str> =
            markdown.lines().skip_while(|l| l.starts_with('#') || l.trim().is_empty()).collect();
        let mut summary = after_title.join("\n");
        if let Some(cut) = summary.find("\n## ") {
            summary.truncate(cut);
        }
        let paragraphs = after_title.split(|l| l.trim().is_empty()).filter(|p| !p.is_empty());
        let description = paragraphs
            .clone()
            .find(|p| !p[0].starts_with("Rule `"))
            .or(paragraphs.clone().next())
            .unwrap_or(&[]);
        RuleNote { markdown, summary: summary.trim().to_string(), description: description.join(" ") }
    }
}

/// The note of a rule, read once.
pub fn rule_note(id: &str) -> Option<&'static RuleNote> {
    static NOTES: OnceLock<HashMap<String, RuleNote>> = OnceLock::new();
    let notes = NOTES.get_or_init(|| {
        kref_corpus::builtin::files()
            .into_iter()
            .filter_map(|f| {
                let id = f.rel_path.strip_prefix("rules/")?.strip_suffix(".md")?;
                Some((id.to_string(), RuleNote::read(std::str::from_utf8(f.contents).ok()?)))
            })
            .collect()
    });
    notes.get(id)
}

/// The documentation note of a rule as Markdown, without its front matter.
pub fn rule_doc(id: &str) -> Option<&'static str> {
    rule_note(id).map(|n| n.markdown)
}

/// Where a rule's note lives in the built-in corpus: `builtin:rules/<id>.md`.
pub fn rule_doc_path(id: &str) -> String {
    format!("{}rules/{id}.md", kref_corpus::builtin::PATH_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "rule id {} is not lower-case-hyphen",
                r.id
            );
            assert!(r.summary.ends_with('.'), "{}: summary is a sentence", r.id);
            if r.pss.is_some() {
                assert_eq!(r.category, Category::Security, "{}", r.id);
            }
        }
        assert!(RULES.len() >= 60);
    }

    #[test]
    fn docs_list_every_rule() {
        let docs = include_str!("../../../../docs/rules.md");
        for r in RULES {
            assert!(
                docs.contains(&format!("| `{}` |", r.id)),
                "docs/rules.md does not list {}; run python3 bench/check/rule_notes.py",
                r.id
            );
        }
    }

    #[test]
    fn rule_notes_are_read_without_front_matter() {
        for r in RULES {
            let note = rule_note(r.id).unwrap();
            for text in [note.markdown, &note.summary, &note.description] {
                assert!(!text.starts_with("---") && !text.contains("tags: ["), "{}: {text:?}", r.id);
            }
            assert!(note.markdown.starts_with("# Rule "), "{}: {:?}", r.id, &note.markdown[..40]);
            assert!(!note.summary.is_empty() && !note.summary.contains("\n## "), "{}", r.id);
            assert!(!note.description.contains('\n') && !note.description.is_empty(), "{}", r.id);
            assert!(!note.description.starts_with("Rule `"), "{}: {:?}", r.id, note.description);
        }
        let tag = rule_note("image-tag").unwrap();
        assert!(tag.description.starts_with("A container image with no tag"), "{:?}", tag.description);
    }

    #[test]
    fn every_rule_has_a_note_and_every_note_a_rule() {
        for r in RULES {
            let doc = rule_doc(r.id).unwrap_or_else(|| panic!("no note corpus/notes/rules/{}.md", r.id));
            assert!(doc.contains(&format!("`{}`", r.id)), "the note of {} does not name its id", r.id);
        }
        for f in kref_corpus::builtin::files() {
            if let Some(id) = f.rel_path.strip_prefix("rules/").and_then(|p| p.strip_suffix(".md")) {
                assert!(rule_by_id(id).is_some(), "note rules/{id}.md names no rule");
            }
        }
    }
}
