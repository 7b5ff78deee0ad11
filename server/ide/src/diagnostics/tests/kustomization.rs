//! Kustomization files: the schema's fields, types and enums, `kind`/`apiVersion` as Kustomize
//! reads them, and the deprecated fields with fixes that migrate them.

use super::kb;
use crate::diagnostics::{RuleConfig, analyze_in, apply_edits, default_kube_version};
use crate::model::Workspace;

/// `line:rule: message` for each diagnostic of `text` checked as `base/kustomization.yaml`.
fn lines(text: &str) -> Vec<String> {
    let file = kref_yaml::parse(text);
    let ws = Workspace::new();
    let report =
        analyze_in(&file, "base/kustomization.yaml", &ws, kb(), &RuleConfig::new(default_kube_version()));
    report
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}: {}", file.line_index().line_of(d.range.start) + 1, d.rule, d.message))
        .collect()
}

/// The text after applying the first fix of the diagnostic of `rule`.
fn fixed(text: &str, rule: &str) -> String {
    let file = kref_yaml::parse(text);
    let ws = Workspace::new();
    let report =
        analyze_in(&file, "k/kustomization.yaml", &ws, kb(), &RuleConfig::new(default_kube_version()));
    let d = report.diagnostics.iter().find(|d| d.rule == rule).unwrap_or_else(|| panic!("no {rule}"));
    apply_edits(text, &d.fixes[0].edits)
}

#[test]
fn fields_types_and_values_are_checked_like_any_kind() {
    let text = "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefx: dev-
resources: ../base
replicas:
- name: web
  count: \"3\"
patches:
- path: p.yaml
  tagret: {kind: Deployment}
configMapGenerator:
- name: settings
  behavior: merged
sortOptions:
  order: random
";
    assert_eq!(
        lines(text),
        [
            "3:unknown-field: unknown field \"namePrefx\" in the top level of a Kustomization; did you mean namePrefix?",
            "4:wrong-type: resources must be a list (`- item` lines or [a, b]), not the string \"../base\"",
            "7:wrong-type: replicas[0].count must be an integer, but \"3\" is quoted (a string); remove the quotes",
            "10:unknown-field: unknown field \"tagret\" in patches[0] (Patch); did you mean target?",
            "13:invalid-enum: configMapGenerator[0].behavior: \"merged\" is not a valid value; did you mean merge? (allowed: create, replace, merge)",
            "15:invalid-enum: sortOptions.order: \"random\" is not a valid value; use one of legacy, fifo",
        ]
    );
}

#[test]
fn a_kustomization_without_kind_and_a_component_are_known() {
    assert_eq!(
        lines("resources: [a.yaml]\nnameSufix: -x\n"),
        [
            "2:unknown-field: unknown field \"nameSufix\" in the top level of a Kustomization; did you mean nameSuffix?"
        ]
    );
    let component = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: []\n";
    assert!(lines(component).is_empty(), "{:?}", lines(component));
}

#[test]
fn kind_and_api_version_are_read_as_kustomize_reads_them() {
    assert_eq!(
        lines("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomizaton\n"),
        [
            "2:unknown-kind: kind \"Kustomizaton\" is not a Kustomize kind; a kustomization file is a Kustomization or a Component"
        ]
    );
    assert_eq!(
        lines("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Component\n"),
        [
            "1:unknown-kind: kustomize reads a Component only as apiVersion kustomize.config.k8s.io/v1alpha1, not kustomize.config.k8s.io/v1beta1"
        ]
    );
}

#[test]
fn deprecated_fields_name_their_replacement_and_migrate() {
    let text = "bases:\n- ../base\nvars:\n- name: X\n";
    assert_eq!(
        lines(text),
        [
            "1:deprecated-field: bases is deprecated; list these kustomizations under resources instead",
            "3:deprecated-field: vars is deprecated; use replacements instead",
        ]
    );
    assert_eq!(fixed("bases:\n- ../base\n", "deprecated-field"), "resources:\n- ../base\n");
    assert_eq!(
        fixed("resources:\n- a.yaml\nbases:\n- ../base\n- ../other\n", "deprecated-field"),
        "resources:\n- a.yaml\n- ../base\n- ../other\n"
    );
    assert_eq!(
        fixed("patchesStrategicMerge:\n- memory.yaml\n- replicas.yaml\nnamespace: x\n", "deprecated-field"),
        "patches:\n- path: memory.yaml\n- path: replicas.yaml\nnamespace: x\n"
    );
    assert_eq!(
        fixed(
            "patchesJson6902:\n- target: {kind: Ingress, name: web}\n  path: ops.yaml\n",
            "deprecated-field"
        ),
        "patches:\n- target: {kind: Ingress, name: web}\n  path: ops.yaml\n"
    );
    assert_eq!(
        fixed("commonLabels:\n  app: web\n  tier: \"1\"\nresources: []\n", "deprecated-field"),
        "labels:\n- includeSelectors: true\n  pairs:\n    app: web\n    tier: \"1\"\nresources: []\n"
    );
    assert_eq!(
        fixed("configMapGenerator:\n- name: s\n  env: a.env\n", "deprecated-field"),
        "configMapGenerator:\n- name: s\n  envs: [a.env]\n"
    );
}

#[test]
fn a_flux_kustomization_is_not_checked_as_a_kustomize_one() {
    let flux = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
";
    let file = kref_yaml::parse(flux);
    let report = analyze_in(
        &file,
        "clusters/apps.yaml",
        &Workspace::new(),
        kb(),
        &RuleConfig::new(default_kube_version()),
    );
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
    assert!(
        !rules.iter().any(|r| matches!(*r, "unknown-field" | "unknown-kind" | "wrong-type")),
        "{:?}",
        report.diagnostics
    );
}
