//! Engine behaviour: suppression, configuration, Pod Security namespaces, workspaces,
//! apiVersion migrations and containment of a failing check.

use expect_test::expect;
use kref_corpus::schema::KubeVersion;

use super::super::context::Cx;
use super::*;
use crate::model::View;

/// A check that exists only in tests: it panics on a document named `kref-test-panic`.
pub(in super::super) fn explode(cx: &mut Cx<'_>, _view: &View<'_>) {
    cx.emit(Diagnostic::new("image-tag", cx.obj.range, "reported before the panic"));
    if cx.obj.name.as_deref() == Some("kref-test-panic") {
        panic!("a check failed on purpose");
    }
    cx.out.pop();
}

fn default_config() -> RuleConfig {
    RuleConfig::new(KubeVersion::new(1, 33))
}

fn rules_of(text: &str, config: &RuleConfig) -> Vec<(usize, &'static str)> {
    let file = kref_yaml::parse(text);
    analyze(&file, kb(), config)
        .diagnostics
        .iter()
        .map(|d| (file.line_index().line_of(d.range.start) + 1, d.rule))
        .collect()
}

const POD_LATEST: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:latest
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {memory: 64Mi}
";

#[test]
fn a_failing_check_is_skipped_for_that_document_and_reported() {
    let text = format!("{POD_LATEST}---\n{}", POD_LATEST.replace("name: web", "name: kref-test-panic"));
    let file = kref_yaml::parse(&text);
    let report = analyze(&file, kb(), &default_config());
    assert_eq!(report.notes.len(), 1, "{:?}", report.notes);
    assert!(report.notes[0].contains("document 2 (Pod/kref-test-panic)"), "{:?}", report.notes);
    // The other checks still ran on both documents, and nothing of the failed one leaked.
    let tags: Vec<_> = report.diagnostics.iter().filter(|d| d.rule == "image-tag").collect();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert!(!report.diagnostics.iter().any(|d| d.message == "reported before the panic"));
}

#[test]
fn comments_suppress_the_next_line_their_own_line_and_the_document() {
    let config = default_config();
    assert_eq!(rules_of(POD_LATEST, &config), [(8, "image-tag")]);
    let next_line = POD_LATEST.replace(
        "    image: nginx:latest",
        "    # kref-ignore: image-tag -- pinned by the CD system\n    image: nginx:latest",
    );
    assert_eq!(rules_of(&next_line, &config), []);
    let same_line = POD_LATEST.replace("image: nginx:latest", "image: nginx:latest # kref-ignore: image-tag");
    assert_eq!(rules_of(&same_line, &config), []);
    let other_rule =
        POD_LATEST.replace("image: nginx:latest", "image: nginx:latest # kref-ignore: privileged");
    assert_eq!(rules_of(&other_rule, &config), [(8, "image-tag")]);
    let second = POD_LATEST.replace("name: web", "name: web-2");
    let document = format!("# kref-ignore-document: image-tag\n{POD_LATEST}---\n{second}");
    assert_eq!(rules_of(&document, &config), [(21, "image-tag")], "only the first document is silenced");
}

#[test]
fn the_suppress_fix_inserts_the_comment_at_the_line_indent() {
    let file = kref_yaml::parse(POD_LATEST);
    let report = analyze(&file, kb(), &default_config());
    let fix = report.diagnostics[0].fixes.last().unwrap();
    assert_eq!(fix.title, "Suppress image-tag on this line");
    let fixed = apply_edits(POD_LATEST, &fix.edits);
    assert!(fixed.contains("    # kref-ignore: image-tag\n    image: nginx:latest"), "{fixed}");
}

#[test]
fn other_linters_annotations_are_honoured() {
    let config = default_config();
    for annotation in [
        "ignore-check.kube-linter.io/latest-tag: \"pinned by CD\"",
        "kube-linter.io/ignore-all: \"\"",
        "kube-score/ignore: pod-probes,container-image-tag",
        "polaris.fairwinds.com/tagNotSpecified-exempt: \"true\"",
        "polaris.fairwinds.com/exempt: \"true\"",
    ] {
        let text =
            POD_LATEST.replace("  name: web\n", &format!("  name: web\n  annotations:\n    {annotation}\n"));
        assert_eq!(rules_of(&text, &config), [], "{annotation}");
    }
    // An annotation for another check changes nothing.
    let text = POD_LATEST
        .replace("  name: web\n", "  name: web\n  annotations:\n    kube-score/ignore: pod-probes\n");
    assert_eq!(rules_of(&text, &config), [(10, "image-tag")]);
}

#[test]
fn profiles_and_severities_come_from_the_configuration() {
    let mut config = default_config();
    let mut warnings = Vec::new();
    config.apply(&RuleSettings { profile: Some("minimal".into()), ..Default::default() }, &mut warnings);
    assert_eq!(rules_of(POD_LATEST, &config), [], "image-tag is not in the minimal profile");
    config.apply(
        &RuleSettings {
            severity: [("image-tag".to_string(), "error".to_string())].into(),
            ..Default::default()
        },
        &mut warnings,
    );
    let file = kref_yaml::parse(POD_LATEST);
    let d = &analyze(&file, kb(), &config).diagnostics;
    assert_eq!((d[0].rule, d[0].severity), ("image-tag", Severity::Error));
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_namespace_enforcing_pod_security_turns_its_checks_into_errors() {
    let text = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\n{}",
        POD_LATEST.replace("  name: web\n", "  name: web\n  namespace: locked\n")
    );
    let file = kref_yaml::parse(&text);
    let report = analyze(&file, kb(), &default_config());
    let mut errors: Vec<&str> =
        report.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.rule).collect();
    errors.sort();
    assert_eq!(errors, ["drop-capabilities", "privilege-escalation", "run-as-non-root", "seccomp-profile"]);
    assert!(report.diagnostics.iter().any(|d| d.message.contains("enforces Pod Security level restricted")));
    // The same pod elsewhere: those rules are off in the default profile.
    let file = kref_yaml::parse(POD_LATEST);
    assert!(
        analyze(&file, kb(), &default_config()).diagnostics.iter().all(|d| d.severity != Severity::Error)
    );
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /, port: http}}
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
";

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
";

#[test]
fn cross_document_rules_see_every_file_of_the_workspace() {
    let deploy = kref_yaml::parse(DEPLOYMENT);
    let service = kref_yaml::parse(SERVICE);
    let reports =
        diagnose_workspace(&[("deploy.yaml", &deploy), ("svc.yaml", &service)], kb(), &default_config());
    assert!(reports.iter().all(|r| r.diagnostics.is_empty()), "{reports:#?}");

    let wrong = kref_yaml::parse(&SERVICE.replace("{app: web}", "{app: api}"));
    let reports =
        diagnose_workspace(&[("deploy.yaml", &deploy), ("svc.yaml", &wrong)], kb(), &default_config());
    let d = &reports[1].diagnostics;
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].rule, "service-selector");
    expect![[
        r#"selector app=api matches no pod template in the workspace; Deployment web has labels app=web"#
    ]]
    .assert_eq(&d[0].message);
    let fixed = apply_edits(wrong.text(), &d[0].fixes[0].edits);
    assert!(fixed.contains("selector: {app: web}"), "{fixed}");

    // The same file twice is a duplicate, with the other file as related information.
    let reports = diagnose_workspace(&[("a.yaml", &service), ("b.yaml", &service)], kb(), &default_config());
    let d = &reports[0].diagnostics[0];
    assert_eq!(d.rule, "duplicate-object");
    assert_eq!(d.related[0].file.as_deref(), Some("b.yaml"));
    expect![[
        r#"Service shop/web is also defined at b.yaml:4; the later one replaces the earlier when applied"#
    ]]
    .assert_eq(&d.message);
}

#[test]
fn a_workspace_is_updated_file_by_file() {
    let mut ws = Workspace::new();
    let service = kref_yaml::parse(SERVICE);
    ws.update("svc.yaml", &service);
    let config = default_config();
    // No workload anywhere: a Service selector is not judged.
    assert!(analyze_in(&service, "svc.yaml", &ws, kb(), &config).diagnostics.is_empty());
    let other =
        kref_yaml::parse(&DEPLOYMENT.replace("app: web", "app: api").replace("{app: web}", "{app: api}"));
    ws.update("deploy.yaml", &other);
    let d = analyze_in(&service, "svc.yaml", &ws, kb(), &config).diagnostics;
    assert_eq!(d.iter().map(|d| d.rule).collect::<Vec<_>>(), ["service-selector"]);
    ws.update("deploy.yaml", &kref_yaml::parse(DEPLOYMENT));
    assert!(analyze_in(&service, "svc.yaml", &ws, kb(), &config).diagnostics.is_empty());
    ws.remove("deploy.yaml");
    assert!(analyze_in(&service, "svc.yaml", &ws, kb(), &config).diagnostics.is_empty());
    assert_eq!(ws.len(), 1);
}

fn migrate(text: &str) -> String {
    let file = kref_yaml::parse(text);
    let report = analyze(&file, kb(), &default_config());
    let d = report.diagnostics.iter().find(|d| d.rule == "removed-api").expect("removed-api");
    let fixed = apply_edits(text, &d.fixes[0].edits);
    let after = analyze(&kref_yaml::parse(&fixed), kb(), &default_config());
    let errors: Vec<_> = after.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{fixed}\n{errors:#?}");
    fixed
}

#[test]
fn removed_ingress_is_migrated_with_v1_backends_and_path_types() {
    let fixed = migrate(
        "apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop
spec:
  backend:
    serviceName: fallback
    servicePort: 8080
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: web
          servicePort: http
      - path: /api
        pathType: Prefix
        backend: {serviceName: api, servicePort: 80}
",
    );
    expect![[r#"
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
        spec:
          defaultBackend:
            service:
              name: fallback
              port:
                number: 8080
          rules:
          - host: shop.example.com
            http:
              paths:
              - path: /
                backend:
                  service:
                    name: web
                    port:
                      name: http
                pathType: ImplementationSpecific
              - path: /api
                pathType: Prefix
                backend: {service: {name: api, port: {number: 80}}}
    "#]]
    .assert_eq(&fixed);
}

#[test]
fn removed_workload_apis_get_a_selector_from_the_template() {
    let fixed = migrate(
        "apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: agent
spec:
  templateGeneration: 4
  template:
    metadata:
      labels:
        app: agent
        tier: node
    spec:
      containers:
      - name: agent
        image: example/agent:2.1
",
    );
    expect![[r#"
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          template:
            metadata:
              labels:
                app: agent
                tier: node
            spec:
              containers:
              - name: agent
                image: example/agent:2.1
          selector:
            matchLabels:
              app: agent
              tier: node
    "#]]
    .assert_eq(&fixed);
}

#[test]
fn removed_hpa_is_migrated_to_v2_targets() {
    let fixed = migrate(
        "apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: memory
      targetAverageValue: 500Mi
",
    );
    assert!(
        fixed.contains("      target:\n        type: AverageValue\n        averageValue: 500Mi\n"),
        "{fixed}"
    );
}

#[test]
fn the_target_version_decides_removed_deprecated_or_fine() {
    let text = "apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: pdb
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {app: web}
";
    let at = |v: KubeVersion| {
        let file = kref_yaml::parse(text);
        let kb = kb_for(v);
        analyze(&file, &kb, &RuleConfig::new(v)).diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>()
    };
    assert_eq!(at(KubeVersion::new(1, 20)), Vec::<&str>::new());
    assert_eq!(at(KubeVersion::new(1, 22)), ["deprecated-api"]);
    assert_eq!(at(KubeVersion::new(1, 25)), ["removed-api"]);
}

#[test]
fn rule_documentation_is_reachable() {
    let doc = rule_doc("image-tag").unwrap();
    assert!(doc.contains("`image-tag`"));
    assert_eq!(rule_doc_path("image-tag"), "builtin:rules/image-tag.md");
    assert!(rule_doc("no-such-rule").is_none());
}

#[test]
fn helm_templates_are_not_checked() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n";
    let report = analyze(&kref_yaml::parse(text), kb(), &default_config());
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.notes.len(), 1);
}

#[test]
fn host_port_zero_means_none_as_the_api_server_reads_it() {
    let pod = |host: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n      hostPort: {host}\n"
        )
    };
    let messages = |text: &str| -> Vec<String> {
        let file = kref_yaml::parse(text);
        analyze(&file, kb(), &default_config())
            .diagnostics
            .iter()
            .filter(|d| d.rule == "container-port")
            .map(|d| d.message.clone())
            .collect()
    };
    assert_eq!(messages(&pod("0")), Vec::<String>::new());
    assert_eq!(
        messages(&pod("70000")),
        ["hostPort 70000 is outside 1-65535 (0, like leaving it out, means no host port)"]
    );
    assert_eq!(
        messages(&pod("-1")),
        ["hostPort -1 is outside 1-65535 (0, like leaving it out, means no host port)"]
    );
}
