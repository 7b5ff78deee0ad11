//! Lint of the built-in corpus: every note parses cleanly, ids are unique, and every kind named in
//! the seed notes has a built-in entry.

use std::collections::{BTreeMap, BTreeSet};

use kref_corpus::{Subject, builtin, decode_note};

/// Every kind (and kind-like object) the seed notes name, written out here on purpose.
const SEED_KINDS: &[&str] = &[
    "Pod",
    "ReplicaSet",
    "ReplicationController",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
    "HTTPRoute",
    "GatewayClass",
    "Gateway",
    "IngressClass",
    "EndpointSlice",
    "NetworkPolicy",
    "ConfigMap",
    "Secret",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StorageClass",
    "VolumeAttachment",
    "CSIDriver",
    "CSINode",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Node",
    "Namespace",
    "LimitRange",
    "ResourceQuota",
    "Event",
    "Lease",
    "Binding",
    "HorizontalPodAutoscaler",
    "VerticalPodAutoscaler",
    "PriorityClass",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "RuntimeClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "CustomResourceDefinition",
    "APIService",
    "ControllerRevision",
    "TokenReview",
    "SubjectAccessReview",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "Endpoints",
    "Route",
    "VirtualService",
    "DestinationRule",
    "Application",
];

/// Fields and values the seed notes describe, which must have built-in entries (`|` separates
/// equivalent spellings: values may sit under `strategy` or under `strategy.type`).
const SEED_SUBJECTS: &[&str] = &[
    "field:Deployment.strategy",
    "value:Deployment.strategy=RollingUpdate|value:Deployment.strategy.type=RollingUpdate",
    "value:Deployment.strategy=Recreate|value:Deployment.strategy.type=Recreate",
    "field:StatefulSet.updateStrategy",
    "value:StatefulSet.updateStrategy=OnDelete|value:StatefulSet.updateStrategy.type=OnDelete",
    "field:Job.backoffLimit",
    "field:Job.parallelism",
    "field:Job.completions",
    "field:Job.activeDeadlineSeconds",
    "field:CronJob.schedule",
    "field:CronJob.jobTemplate",
    "field:CronJob.startingDeadlineSeconds",
    "field:CronJob.successfulJobsHistoryLimit",
    "field:CronJob.failedJobsHistoryLimit",
    "field:CronJob.concurrencyPolicy",
    "value:CronJob.concurrencyPolicy=Forbid",
    "field:PersistentVolumeClaim.accessModes",
    "value:PersistentVolumeClaim.accessModes=ReadWriteMany",
    "field:ConfigMap.data",
];

#[test]
fn every_note_decodes_and_parses_without_warnings() {
    let files = builtin::files();
    assert!(files.len() >= 60, "only {} built-in notes", files.len());
    for file in files {
        let text = decode_note(file.contents).unwrap_or_else(|e| panic!("{}: {e}", file.rel_path));
        assert!(!text.trim().is_empty(), "{} is empty", file.rel_path);
        let note = file.parse();
        assert!(note.warnings.is_empty(), "{}: {:?}", file.rel_path, note.warnings);
        assert!(!note.sections.is_empty(), "{} has no sections", file.rel_path);
        assert!(
            text.starts_with("# ") || text.starts_with("---\n"),
            "{} must start with a title",
            file.rel_path
        );
        assert!(!text.contains('\t'), "{} contains a tab", file.rel_path);
        assert!(
            file.rel_path.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-/.".contains(c)),
            "{}: file names are lower-case-hyphen",
            file.rel_path
        );
    }
}

#[test]
fn section_ids_are_unique() {
    let mut seen = BTreeSet::new();
    for note in builtin::notes() {
        for section in note.sections {
            assert!(seen.insert(section.id.clone()), "duplicate section id {}", section.id);
        }
    }
}

#[test]
fn entries_have_text() {
    for note in builtin::notes() {
        for entry in &note.entries {
            if matches!(entry.subject, Subject::Kind { .. } | Subject::Field { .. }) && !entry.inline {
                assert!(
                    !entry.text.trim().is_empty(),
                    "{}:{} {} has no text",
                    note.path,
                    entry.line,
                    entry.subject.key()
                );
            }
        }
    }
}

#[test]
fn every_seed_kind_and_field_has_a_builtin_entry() {
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    for note in builtin::notes() {
        for entry in note.entries {
            *keys.entry(entry.subject.key()).or_default() += 1;
        }
    }
    let missing: Vec<_> = SEED_KINDS
        .iter()
        .map(|k| format!("kind:{k}"))
        .chain(SEED_SUBJECTS.iter().map(|s| s.to_string()))
        .filter(|k| !k.split('|').any(|alt| keys.contains_key(alt)))
        .collect();
    assert!(missing.is_empty(), "no built-in entry for {missing:?}");
}

#[test]
fn corpus_hash_is_stable() {
    assert_eq!(builtin::corpus_hash(), builtin::corpus_hash());
    assert_eq!(builtin::corpus_hash().len(), 16);
}

/// Helm's built-in objects and the template functions charts use: each needs a term entry in
/// `helm/` with an example (hover and completion in templates look them up by name).
const HELM_TERMS: &[&str] = &[
    // Built-in objects.
    ".Release",
    ".Release.Name",
    ".Release.Namespace",
    ".Release.IsInstall",
    ".Release.IsUpgrade",
    ".Release.Revision",
    ".Release.Service",
    ".Chart",
    ".Chart.Name",
    ".Chart.Version",
    ".Chart.AppVersion",
    ".Capabilities",
    ".Capabilities.KubeVersion",
    ".Capabilities.APIVersions",
    ".Capabilities.APIVersions.Has",
    ".Files",
    ".Files.Get",
    ".Files.Glob",
    ".Files.AsConfig",
    ".Template",
    ".Template.Name",
    ".Template.BasePath",
    ".Values",
    "$",
    // Go template builtins.
    "and",
    "or",
    "not",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "len",
    "index",
    "slice",
    "print",
    "printf",
    "println",
    "html",
    "js",
    "urlquery",
    "call",
    // Control structure.
    "if",
    "else",
    "with",
    "range",
    "define",
    "template",
    "block",
    "end",
    // Helm's own and Sprig's.
    "include",
    "tpl",
    "required",
    "fail",
    "lookup",
    "toYaml",
    "fromYaml",
    "toJson",
    "fromJson",
    "toToml",
    "indent",
    "nindent",
    "default",
    "empty",
    "coalesce",
    "ternary",
    "quote",
    "squote",
    "upper",
    "lower",
    "title",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "trunc",
    "replace",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "regexMatch",
    "regexReplaceAll",
    "join",
    "splitList",
    "b64enc",
    "b64dec",
    "sha256sum",
    "randAlphaNum",
    "list",
    "dict",
    "get",
    "set",
    "unset",
    "hasKey",
    "keys",
    "merge",
    "mergeOverwrite",
    "pick",
    "omit",
    "until",
    "untilStep",
    "semverCompare",
    "now",
    "date",
    "int",
    "toString",
    "kindIs",
];

#[test]
fn helm_objects_and_functions_have_entries_with_examples() {
    let mut missing = Vec::new();
    let mut no_example = Vec::new();
    let notes: Vec<_> = builtin::notes().into_iter().filter(|n| n.path.contains("helm/")).collect();
    assert!(notes.len() >= 8, "only {} Helm notes", notes.len());
    for term in HELM_TERMS {
        let entries: Vec<_> = notes
            .iter()
            .flat_map(|n| &n.entries)
            .filter(|e| matches!(&e.subject, Subject::Term { term: t } if t == term))
            .collect();
        if entries.is_empty() {
            missing.push(*term);
        } else if !entries.iter().any(|e| e.text.contains("{{") || e.text.contains("Example")) {
            no_example.push(*term);
        }
    }
    assert!(missing.is_empty(), "no Helm entry for {missing:?}");
    assert!(no_example.is_empty(), "Helm entries without an example: {no_example:?}");
}
