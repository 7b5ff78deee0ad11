//! The built-in corpus checked against the built-in schema: every field and value its entries
//! name exists (kinds that are not built in are listed here on purpose).

use std::sync::Arc;

use kref::analysis::knowledge::Knowledge;
use kref::analysis::notes_check::check_notes;
use kref_corpus::schema::{KubeVersion, Schema};
use kref_corpus::{Origin, builtin};

/// Kinds the corpus explains although they are not built into Kubernetes: add-ons, CRDs of
/// popular projects, removed APIs and object types people call kinds.
const NOT_BUILT_IN: &[&str] = &[
    // Object types inside pod specs and nodes, named as the seed notes name them.
    "Affinity",
    "NodeAffinity",
    "PodAffinity",
    "PodAntiAffinity",
    "Taint",
    "Toleration",
    // Removed APIs, explained so that old manifests make sense.
    "PodPreset",
    "PodSecurityPolicy",
    // Add-ons and CRDs of other projects.
    "VerticalPodAutoscaler",
    "NodePool",
    "EC2NodeClass",
    "SecurityGroupPolicy",
    "SecretProviderClass",
    "Application",
    "VirtualService",
    "DestinationRule",
    "Route",
    "GatewayClass",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "ReferenceGrant",
];

#[test]
fn builtin_entries_name_real_kinds_fields_and_values() {
    let kb =
        Knowledge::new(Arc::new(Schema::builtin().clone()), &builtin::notes(), None, KubeVersion::new(1, 37));
    let problems: Vec<String> = check_notes(&kb, |e| e.origin == Origin::Builtin)
        .into_iter()
        .filter(|p| !NOT_BUILT_IN.iter().any(|k| p.subject == *k || p.subject.starts_with(&format!("{k} ›"))))
        .map(|p| format!("{}:{} {}: {}", p.path, p.line, p.subject, p.message))
        .collect();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_builtin_kind_has_a_note() {
    let notes = builtin::notes();
    let documented: std::collections::HashSet<String> = notes
        .iter()
        .flat_map(|n| n.entries.iter())
        .filter_map(|e| match &e.subject {
            kref_corpus::Subject::Kind { kind } => Some(kind.clone()),
            _ => None,
        })
        .collect();
    let mut missing: Vec<String> = Schema::builtin()
        .kinds()
        .filter(|k| !k.subresource && !k.kind.ends_with("List"))
        .map(|k| k.kind.clone())
        .filter(|k| !documented.contains(k))
        .collect();
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "built-in kinds without a kind entry in the corpus: {missing:?}");
}
