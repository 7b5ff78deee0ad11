//! `kref explain` and `kref import` as a user runs them.

use crate::util::{TestEnv, arg};

const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.acme.example\nspec:\n  group: acme.example\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg]}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              required: [size]\n              properties:\n                size:\n                  type: string\n                  enum: [small, large]\n                  description: How big the widget is.\n                port:\n                  x-kubernetes-int-or-string: true\n";

#[test]
fn explains_kinds_fields_and_short_names_offline() {
    let env = TestEnv::new();
    let run = env.run(&["explain", "deploy.spec.strategy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for want in [
        "KIND:       Deployment",
        "VERSION:    apps/v1",
        "PATH:       Deployment.spec.strategy",
        "rollingUpdate",
        "enum: Recreate, RollingUpdate",
        "NOTES:",
    ] {
        assert!(run.stdout.contains(want), "missing {want:?} in\n{}", run.stdout);
    }
    let run = env.run(&["explain", "CJ.spec.concurrencyPolicy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("ENUM:")
            && run.stdout.contains("Forbid")
            && run.stdout.contains("DEFAULT:    Allow"),
        "{}",
        run.stdout
    );
    for name in ["sts", "pvc", "svc", "ing", "pv", "cronjobs", "PersistentVolumeClaim"] {
        assert_eq!(env.run(&["explain", name]).code, 0, "{name}");
    }
    let run = env.run(&["explain", "pod.spec.containers.ports.protocol"]);
    assert!(run.stdout.contains("SCTP"), "{}", run.stdout);
}

#[test]
fn explain_api_version_recursive_and_json() {
    let env = TestEnv::new();
    let run = env.run(&["explain", "hpa", "--api-version", "autoscaling/v2", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["apiVersion"], "autoscaling/v2");
    assert!(json["fields"].as_array().unwrap().iter().any(|f| f["name"] == "spec"));
    let run = env.run(&["explain", "job.spec.template.spec.restartPolicy", "--json"]);
    let values: Vec<_> = run.json()["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(values, ["Never", "OnFailure"], "a Job allows only these");
    let run = env.run(&["explain", "deploy.spec.strategy", "--recursive"]);
    assert!(run.stdout.contains("    maxSurge\t<int-or-string>"), "{}", run.stdout);
    let run = env.run(&["explain", "deploy", "--api-version", "extensions/v1beta1"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("apps/v1"), "{}", run.stderr);
}

#[test]
fn unknown_paths_name_the_closest_matches() {
    let env = TestEnv::new();
    let run = env.run(&["explain", "deploy.spec.stratgy"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("did you mean strategy"), "{}", run.stderr);
    let run = env.run(&["explain", "Deploymnet"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Deployment"), "{}", run.stderr);
}

#[test]
fn explain_shows_the_users_notes_first() {
    let env = TestEnv::new();
    env.write("notes/team.md", "# Team\n\n- `CronJob`: ours.\n  - `concurrencyPolicy`: the ledger export must never overlap itself.\n");
    let run = env.run(&["explain", "cronjob.spec.concurrencyPolicy", "--notes", arg(&env.path("notes"))]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let notes = &run.stdout[run.stdout.find("NOTES:").unwrap()..];
    let user = notes.find("never overlap").expect("user note shown");
    let builtin = notes.find("builtin:").expect("built-in note shown");
    assert!(user < builtin, "{notes}");
}

#[test]
fn imported_crds_explain_and_bad_imports_change_nothing() {
    let env = TestEnv::new();
    let crd = env.write("crds/widget.yaml", WIDGET_CRD);
    let run = env.run(&["import", arg(&crd)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("acme.example/v1/Widget"), "{}", run.stdout);
    let run = env.run(&["explain", "wdg.spec.size"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("imported from widget.yaml") && run.stdout.contains("large"),
        "{}",
        run.stdout
    );
    let run = env.run(&["explain", "widget.spec.port", "--json"]);
    assert_eq!(run.json()["type"], "int-or-string");
    // A bad file in the batch: nothing of the batch is stored, and the old import stays.
    env.write(
        "more/a.yaml",
        WIDGET_CRD
            .replace("Widget", "Gadget")
            .replace("widgets", "gadgets")
            .replace("widget", "gadget")
            .replace("wdg", "gdg"),
    );
    env.write("more/b.json", "{ not json");
    let run = env.run(&["import", arg(&env.path("more"))]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("b.json"), "{}", run.stderr);
    assert_eq!(env.run(&["explain", "gadget"]).code, 2);
    assert_eq!(env.run(&["explain", "widget"]).code, 0);
    let v1beta1 = env.write("old.yaml", "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: olds.x.io}\nspec: {group: x.io, names: {kind: Old, plural: olds}, version: v1}\n");
    let run = env.run(&["import", arg(&v1beta1)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("1.22"), "{}", run.stderr);
    let run = env.run(&["import", "--list"]);
    assert!(run.stdout.contains("widget.yaml: 1 kinds"), "{}", run.stdout);
    assert_eq!(env.run(&["import", "--remove", "widget.yaml"]).code, 0);
    assert_eq!(env.run(&["explain", "widget"]).code, 2);
}
