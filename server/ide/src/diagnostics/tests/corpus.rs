//! Whole manifests: broken ones with every expected diagnostic by line (default profile,
//! hints left out), valid ones with no error and no warning, and the shared benchmark
//! manifests with no error.

use super::*;

fn manifest_files(dir: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(fixtures().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn broken_manifests_get_exactly_the_expected_diagnostics() {
    let files = manifest_files("broken");
    assert!(files.len() >= 3);
    let mut failures = Vec::new();
    for (name, text) in &files {
        let opts = options(text, Profile::Default);
        let want = expected(text);
        let (file, report) = run_fixture(text, &opts);
        let got = actual(&file, &report, |d| d.severity <= Severity::Warning);
        if want != got {
            failures.push(explain_mismatch(name, text, &want, &got, &report, &file));
        }
        check_fixes(name, text, &opts, |_| true);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fourteen_mistakes_are_all_caught_on_their_lines() {
    let text = std::fs::read_to_string(fixtures().join("broken/fourteen-mistakes.yaml")).unwrap();
    let want = expected(&text);
    let errors: BTreeSet<_> = want.iter().map(|(l, _)| *l).collect();
    assert!(errors.len() >= 14, "the fixture plants {} mistakes", errors.len());
    for rule in
        ["invalid-enum", "yaml-syntax", "removed-api", "unknown-field", "wrong-type", "selector-mismatch"]
    {
        assert!(want.iter().any(|(_, r)| r == rule), "the fixture has no {rule}");
    }
}

#[test]
fn valid_manifests_have_no_errors_and_no_warnings() {
    let files = manifest_files("valid");
    assert!(files.len() >= 10, "only {} valid manifests", files.len());
    let mut failures = Vec::new();
    let mut objects = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for (name, text) in &files {
        for profile in [Profile::Default, Profile::Strict] {
            let (file, report) =
                run_fixture(text, &FixtureOptions { version: KubeVersion::new(1, 33), profile });
            let limit = if profile == Profile::Default { Severity::Warning } else { Severity::Error };
            for d in report.diagnostics.iter().filter(|d| d.severity <= limit) {
                failures.push(format!(
                    "{name}:{} {} {}: {}",
                    file.line_index().line_of(d.range.start) + 1,
                    profile.as_str(),
                    d.rule,
                    d.message
                ));
            }
            if profile == Profile::Default {
                objects += report.objects;
                kinds.extend(file.documents.iter().filter_map(|d| d.kind.as_ref().map(|(k, _)| k.clone())));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for kind in [
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "Pod",
        "Service",
        "Ingress",
        "IngressClass",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "ConfigMap",
        "Secret",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "StorageClass",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "ClusterRole",
        "ClusterRoleBinding",
        "Namespace",
        "LimitRange",
        "ResourceQuota",
        "PriorityClass",
        "CustomResourceDefinition",
    ] {
        assert!(kinds.contains(kind), "the valid corpus has no {kind}");
    }
    assert!(objects >= 50, "only {objects} objects");
}

/// The shared benchmark manifests (outside the repository: skipped when absent).
#[test]
fn benchmark_manifests_have_no_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/manifests");
    let mut seen = 0;
    for name in ["small.yaml", "large.yaml"] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            eprintln!("skipped: {} is not there", dir.join(name).display());
            continue;
        };
        seen += 1;
        let (file, report) = run_fixture(
            &text,
            &FixtureOptions { version: KubeVersion::new(1, 33), profile: Profile::Strict },
        );
        let errors: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                format!("{name}:{} {}: {}", file.line_index().line_of(d.range.start) + 1, d.rule, d.message)
            })
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        assert!(report.notes.is_empty(), "{:?}", report.notes);
    }
    if seen == 0 {
        eprintln!("skipped: no benchmark manifests in {}", dir.display());
    }
}
