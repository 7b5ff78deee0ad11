//! The API lifecycle table (`corpus/data/lifecycle.yaml`): look-ups, statuses for a target
//! Kubernetes version, and consistency with the built-in schema.

use kref_corpus::schema::lifecycle::{lifecycle_table_text, lifecycles, parse_lifecycle_table};
use kref_corpus::schema::{
    ApiStatus, BUILTIN_KUBERNETES_VERSION, KubeVersion, Schema, api_status, lifecycle,
};

fn v(text: &str) -> KubeVersion {
    KubeVersion::parse(text).unwrap()
}

#[test]
fn table_parses_sorted_and_unique() {
    let rows = parse_lifecycle_table(lifecycle_table_text()).unwrap();
    assert_eq!(rows.len(), lifecycles().len());
    let keys: Vec<(&str, &str)> = rows.iter().map(|r| (r.api_version.as_str(), r.kind.as_str())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted, "rows must be sorted by apiVersion then kind, without duplicates");
    for row in &rows {
        assert!(row.deprecated.is_some() || row.removed.is_some() || row.replacement.is_some(), "{row:?}");
        if let (Some(d), Some(r)) = (row.deprecated, row.removed) {
            assert!(d <= r, "{} {}: deprecated after removal", row.api_version, row.kind);
        }
        if let (Some(i), Some(d)) = (row.introduced, row.deprecated) {
            assert!(i <= d, "{} {}: introduced after deprecation", row.api_version, row.kind);
        }
    }
}

#[test]
fn removed_apis() {
    let deploy = lifecycle("extensions/v1beta1", "Deployment").unwrap();
    assert_eq!(deploy.removed, Some(v("1.16")));
    let r = deploy.replacement.as_ref().unwrap();
    assert_eq!((r.api_version.as_str(), r.kind.as_str()), ("apps/v1", "Deployment"));

    let cronjob = lifecycle("batch/v1beta1", "CronJob").unwrap();
    assert_eq!(cronjob.removed, Some(v("1.25")));
    assert_eq!(cronjob.replacement.as_ref().unwrap().to_string(), "batch/v1 CronJob");

    let psp = lifecycle("policy/v1beta1", "PodSecurityPolicy").unwrap();
    assert_eq!(psp.removed, Some(v("1.25")));
    assert!(psp.replacement.is_none());
    assert!(psp.note.as_deref().unwrap().contains("Pod Security Admission"));

    for (api, kind, removed) in [
        ("extensions/v1beta1", "Ingress", "1.22"),
        ("networking.k8s.io/v1beta1", "Ingress", "1.22"),
        ("policy/v1beta1", "PodDisruptionBudget", "1.25"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"),
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32"),
        ("apps/v1beta2", "StatefulSet", "1.16"),
    ] {
        assert_eq!(lifecycle(api, kind).and_then(|l| l.removed), Some(v(removed)), "{api} {kind}");
    }
    assert!(lifecycle("apps/v1", "Deployment").is_none());
}

#[test]
fn status_for_a_target_version() {
    let deploy = lifecycle("extensions/v1beta1", "Deployment").unwrap();
    match deploy.status(v("1.15")) {
        ApiStatus::Deprecated { since, removal, replacement } => {
            assert_eq!(since, v("1.8"));
            assert_eq!(removal, Some(v("1.16")));
            assert_eq!(replacement.unwrap().api_version, "apps/v1");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(deploy.status(v("1.16")), ApiStatus::Removed { since, .. } if since == v("1.16")));
    assert!(matches!(deploy.status(v("1.30")), ApiStatus::Removed { .. }));
    assert_eq!(api_status("batch/v1beta1", "CronJob", v("1.20")), ApiStatus::Current);
    assert!(matches!(api_status("batch/v1beta1", "CronJob", v("1.21")), ApiStatus::Deprecated { .. }));
    assert!(matches!(api_status("batch/v1beta1", "CronJob", v("1.25")), ApiStatus::Removed { .. }));
    assert_eq!(
        api_status("networking.k8s.io/v1beta1", "Ingress", v("1.13")),
        ApiStatus::NotYetIntroduced { introduced: v("1.14") }
    );
    assert_eq!(api_status("apps/v1", "Deployment", v("1.30")), ApiStatus::Current);
    assert!(matches!(api_status("v1", "Endpoints", v("1.33")), ApiStatus::Deprecated { removal: None, .. }));
}

#[test]
fn versions_parse() {
    assert_eq!(KubeVersion::parse("v1.25.3"), Some(KubeVersion::new(1, 25)));
    assert_eq!(KubeVersion::parse("1.9"), Some(KubeVersion::new(1, 9)));
    assert_eq!(KubeVersion::parse("v1.30.0-rc.1"), Some(KubeVersion::new(1, 30)));
    assert!(KubeVersion::parse("1").is_none());
    assert!(KubeVersion::parse("latest").is_none());
    assert!(v("1.9") < v("1.10"));
    assert_eq!(v("1.16").to_string(), "1.16");
}

/// Replacements that are not kinds of the built-in schema, and why.
const REPLACEMENTS_ELSEWHERE: &[&str] = &[
    "admission.k8s.io/v1 AdmissionReview", // a webhook request body, not a stored resource
    "apps/v1 DeploymentRollback",          // a request type only
    "audit.k8s.io/v1 Policy",              // an API server configuration file
    "apidiscovery.k8s.io/v2 APIGroupDiscovery", // a discovery document
];

#[test]
fn table_agrees_with_the_builtin_schema() {
    let schema = Schema::builtin();
    let current = v(BUILTIN_KUBERNETES_VERSION);
    for row in lifecycles() {
        let served = schema.kind_for(&row.api_version, &row.kind).is_some();
        if row.removed.is_some_and(|r| r <= current) {
            assert!(
                !served,
                "{} {} is removed by {current} but the built-in schema serves it",
                row.api_version, row.kind
            );
        }
        if let Some(rep) = &row.replacement {
            let known = schema.kind_for(&rep.api_version, &rep.kind).is_some()
                || lifecycle(&rep.api_version, &rep.kind).is_some()
                || rep.api_version.starts_with("snapshot.storage.k8s.io/")
                || REPLACEMENTS_ELSEWHERE.contains(&rep.to_string().as_str());
            assert!(known, "{} {}: replacement {rep} is unknown", row.api_version, row.kind);
        }
    }
}
