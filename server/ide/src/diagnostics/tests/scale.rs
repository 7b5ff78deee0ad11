//! The cross-document rules over a generated multi-file workspace, pinned as they were before
//! the lookups were indexed by kind and namespace and a big file's documents were checked in
//! parallel (issue 19): duplicates, missing references, selectors and targets across
//! namespaces, objects with no namespace written, and files in different units.

use std::fmt::Write as _;

use expect_test::expect;

use super::*;

/// Cross-document rules: shown in full. Every other rule is only counted.
const CROSS: &[&str] = &[
    "duplicate-object",
    "service-selector",
    "ingress-backend",
    "hpa-target",
    "pdb-selector",
    "statefulset-service",
    "missing-reference",
    "single-replica",
    "hpa-replicas-conflict",
    "anti-affinity",
];

/// One application in namespace `ns` (`None`: not written); `i` picks its planted mistakes.
fn app(i: usize, ns: Option<&str>) -> Vec<String> {
    let meta = |name: &str| match ns {
        Some(ns) => format!("metadata:\n  name: {name}\n  namespace: {ns}\n"),
        None => format!("metadata:\n  name: {name}\n"),
    };
    let app = format!("app-{i}");
    let config = if i % 5 == 1 { format!("{app}-conf") } else { format!("{app}-config") };
    let secret = if i % 7 == 2 { "shared-secrets".to_string() } else { format!("{app}-db") };
    let selected = if i % 6 == 3 { format!("{app}-web") } else { app.clone() };
    let backend = if i % 4 == 2 { format!("{app}-svc") } else { app.clone() };
    let target = if i % 9 == 4 { format!("app-{}", i + 100) } else { app.clone() };
    let mut docs = vec![
        format!("apiVersion: v1\nkind: ConfigMap\n{}data:\n  LEVEL: info\n", meta(&format!("{app}-config"))),
        format!("apiVersion: v1\nkind: Secret\n{}type: Opaque\n", meta(&format!("{app}-db"))),
        format!(
            "apiVersion: apps/v1\nkind: Deployment\n{}spec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n      containers:\n      - name: main\n        image: example.com/{app}:1.0\n        envFrom:\n        - configMapRef:\n            name: {config}\n        - secretRef:\n            name: {secret}\n",
            meta(&app),
            1 + i % 3
        ),
        format!(
            "apiVersion: v1\nkind: Service\n{}spec:\n  selector:\n    app: {selected}\n  ports:\n  - name: http\n    port: 80\n",
            meta(&app)
        ),
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\n{}spec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {backend}\n            port:\n              {}\n",
            meta(&app),
            if i % 8 == 5 { "number: 8080" } else { "name: http" }
        ),
        format!(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{}spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {target}\n  minReplicas: 2\n  maxReplicas: 4\n",
            meta(&app)
        ),
        format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\n{}spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: {}\n",
            meta(&app),
            if i % 10 == 7 { format!("{app}-old") } else { app.clone() }
        ),
    ];
    if i.is_multiple_of(3) {
        docs.push(format!(
            "apiVersion: apps/v1\nkind: StatefulSet\n{}spec:\n  serviceName: {}\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n      containers:\n      - name: db\n        image: postgres:16\n",
            meta(&format!("{app}-db")),
            if i.is_multiple_of(2) { app.clone() } else { format!("{app}-headless") }
        ));
    }
    docs
}

/// The namespace of app `i`: three namespaces, and every fourth app with none written.
fn ns_of(i: usize) -> Option<String> {
    (i % 4 != 3).then(|| format!("team-{}", i % 3))
}

/// A big file of many apps (checked in parallel) and small files that repeat and refer to its
/// objects.
fn generated() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut big = Vec::new();
    for i in 0..24 {
        big.extend(app(i, ns_of(i).as_deref()));
    }
    files.push(("all.yaml".to_string(), big.join("---\n")));
    for f in 0..4 {
        let mut docs = Vec::new();
        for i in (24 + f * 3)..(27 + f * 3) {
            docs.extend(app(i, ns_of(i).as_deref()));
        }
        // The same ConfigMap as in the big file (a duplicate when the namespace matches) and
        // one in another namespace (no duplicate).
        docs.push(format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{f}-config\n  namespace: team-{}\n",
            f % 3
        ));
        docs.push(format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{f}-config\n  namespace: other-{f}\n"
        ));
        files.push((format!("part-{f}.yaml"), docs.join("---\n")));
    }
    files
}

fn show(files: &[(String, kref_yaml::File)], reports: &[Report]) -> String {
    let mut out = String::new();
    let mut counts: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut per_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for ((key, file), report) in files.iter().zip(reports) {
        for d in &report.diagnostics {
            if !CROSS.contains(&d.rule) {
                *per_rule.entry(d.rule).or_default() += 1;
                continue;
            }
            let line = file.line_index().line_of(d.range.start) + 1;
            let _ = write!(out, "{key}:{line} {} {}", d.rule, d.message);
            for r in &d.related {
                let _ = write!(out, " [{}:{}]", r.file.as_deref().unwrap_or("here"), r.line + 1);
            }
            out.push('\n');
        }
        counts.insert((key.clone(), report.objects));
    }
    for (rule, n) in per_rule {
        let _ = writeln!(out, "{rule}: {n}");
    }
    for (key, n) in counts {
        let _ = writeln!(out, "{key}: {n} objects");
    }
    out
}

#[test]
fn cross_document_rules_over_a_generated_workspace_are_unchanged() {
    let config = RuleConfig::new(KubeVersion::new(1, 33));
    let files: Vec<(String, kref_yaml::File)> =
        generated().into_iter().map(|(k, t)| (k, kref_yaml::parse(&t))).collect();
    assert!(files[0].1.documents.len() >= 128, "the big file is checked in parallel");
    let refs: Vec<(&str, &kref_yaml::File)> = files.iter().map(|(k, f)| (k.as_str(), f)).collect();
    let reports = diagnose_workspace(&refs, kb(), &config);
    expect![[r#"
        all.yaml:4 duplicate-object ConfigMap team-0/app-0-config is also defined at part-0.yaml:299; the later one replaces the earlier when applied [part-0.yaml:299]
        all.yaml:99 statefulset-service Service app-0 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:43]
        all.yaml:115 duplicate-object ConfigMap team-1/app-1-config is also defined at part-1.yaml:291; the later one replaces the earlier when applied [part-1.yaml:291]
        all.yaml:147 missing-reference ConfigMap app-1-conf is not defined in the workspace; did you mean app-1-config?
        all.yaml:207 duplicate-object ConfigMap team-2/app-2-config is also defined at part-2.yaml:292; the later one replaces the earlier when applied [part-2.yaml:292]
        all.yaml:241 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        all.yaml:268 ingress-backend no Service named app-2-svc in the workspace; did you mean app-2?
        all.yaml:337 service-selector selector app=app-3-web matches no pod template in the workspace; Deployment app-35 has labels app=app-35
        all.yaml:386 statefulset-service no Service named app-3-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:476 hpa-target the target Deployment app-104 is not in the workspace; did you mean app-10?
        all.yaml:557 ingress-backend Service app-5 has no port 8080; its ports are http (80) [here:533]
        all.yaml:618 missing-reference ConfigMap app-6-conf is not defined in the workspace; did you mean app-6-config?
        all.yaml:647 ingress-backend no Service named app-6-svc in the workspace; did you mean app-6?
        all.yaml:681 statefulset-service Service app-6 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:625]
        all.yaml:775 pdb-selector selector app=app-7-old matches no pod template in the workspace; the budget protects nothing
        all.yaml:908 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        all.yaml:916 service-selector selector app=app-9-web matches no pod template in the workspace; Deployment app-35 has labels app=app-35
        all.yaml:969 statefulset-service no Service named app-9-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:1046 ingress-backend no Service named app-10-svc in the workspace; did you mean app-10?
        all.yaml:1106 missing-reference ConfigMap app-11-conf is not defined in the workspace; did you mean app-11-config?
        all.yaml:1257 statefulset-service Service app-12 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:1201]
        all.yaml:1336 ingress-backend Service app-13 has no port 8080; its ports are http (80) [here:1312]
        all.yaml:1347 hpa-target the target Deployment app-113 is not in the workspace; did you mean app-11?
        all.yaml:1426 ingress-backend no Service named app-14-svc in the workspace; did you mean app-14?
        all.yaml:1495 service-selector selector app=app-15-web matches no pod template in the workspace; Deployment app-35 has labels app=app-35
        all.yaml:1544 statefulset-service no Service named app-15-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:1592 missing-reference ConfigMap app-16-conf is not defined in the workspace; did you mean app-16-config?
        all.yaml:1594 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        all.yaml:1737 pdb-selector selector app=app-17-old matches no pod template in the workspace; the budget protects nothing
        all.yaml:1805 ingress-backend no Service named app-18-svc in the workspace; did you mean app-18?
        all.yaml:1839 statefulset-service Service app-18 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:1783]
        all.yaml:2064 missing-reference ConfigMap app-21-conf is not defined in the workspace; did you mean app-21-config?
        all.yaml:2074 service-selector selector app=app-21-web matches no pod template in the workspace; Deployment app-35 has labels app=app-35
        all.yaml:2095 ingress-backend Service app-21 has no port 8080; its ports are http (80) [here:2071]
        all.yaml:2127 statefulset-service no Service named app-21-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:2204 ingress-backend no Service named app-22-svc in the workspace; did you mean app-22?
        all.yaml:2217 hpa-target the target Deployment app-122 is not in the workspace; did you mean app-22?
        all.yaml:2266 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        part-0.yaml:99 statefulset-service Service app-24 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:43]
        part-0.yaml:239 missing-reference ConfigMap app-26-conf is not defined in the workspace; did you mean app-26-config?
        part-0.yaml:268 ingress-backend no Service named app-26-svc in the workspace; did you mean app-26?
        part-0.yaml:299 duplicate-object ConfigMap team-0/app-0-config is also defined at all.yaml:4; the later one replaces the earlier when applied [all.yaml:4]
        part-1.yaml:42 service-selector selector app=app-27-web matches no pod template in the workspace; Deployment app-35 has labels app=app-35
        part-1.yaml:82 pdb-selector selector app=app-27-old matches no pod template in the workspace; the budget protects nothing
        part-1.yaml:91 statefulset-service no Service named app-27-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        part-1.yaml:262 ingress-backend Service app-29 has no port 8080; its ports are http (80) [here:238]
        part-1.yaml:291 duplicate-object ConfigMap team-1/app-1-config is also defined at all.yaml:115; the later one replaces the earlier when applied [all.yaml:115]
        part-2.yaml:38 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        part-2.yaml:65 ingress-backend no Service named app-30-svc in the workspace; did you mean app-30?
        part-2.yaml:99 statefulset-service Service app-30 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:43]
        part-2.yaml:144 missing-reference ConfigMap app-31-conf is not defined in the workspace; did you mean app-31-config?
        part-2.yaml:183 hpa-target the target Deployment app-131 is not in the workspace; did you mean app-11?
        part-2.yaml:292 duplicate-object ConfigMap team-2/app-2-config is also defined at all.yaml:207; the later one replaces the earlier when applied [all.yaml:207]
        part-3.yaml:46 service-selector selector app=app-33-web matches no pod template in the workspace; Deployment app-31 has labels app=app-31
        part-3.yaml:99 statefulset-service no Service named app-33-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        part-3.yaml:176 ingress-backend no Service named app-34-svc in the workspace; did you mean app-34?
        missing-probes: 48
        missing-resources: 48
        all.yaml: 176 objects
        part-0.yaml: 24 objects
        part-1.yaml: 24 objects
        part-2.yaml: 24 objects
        part-3.yaml: 24 objects
    "#]].assert_eq(&show(&files, &reports));
}

#[test]
fn units_limit_what_the_generated_files_see() {
    // part-0 and part-1 share a unit with the big file; part-2 and part-3 are in another.
    let config = RuleConfig::new(KubeVersion::new(1, 33));
    let files: Vec<(String, kref_yaml::File)> =
        generated().into_iter().map(|(k, t)| (k, kref_yaml::parse(&t))).collect();
    let mut ws = Workspace::new();
    for (i, (key, file)) in files.iter().enumerate() {
        ws.update(key, file);
        ws.place(key, Some(FileClass::Manifest), vec![u32::from(i >= 3)]);
    }
    let reports: Vec<Report> =
        files.iter().map(|(key, file)| analyze_in(file, key, &ws, kb(), &config)).collect();
    expect![[r#"
        all.yaml:99 statefulset-service Service app-0 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:43]
        all.yaml:147 missing-reference ConfigMap app-1-conf is not defined in the workspace; did you mean app-1-config?
        all.yaml:241 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        all.yaml:268 ingress-backend no Service named app-2-svc in the workspace; did you mean app-2?
        all.yaml:337 service-selector selector app=app-3-web matches no pod template in the workspace; Deployment app-29 has labels app=app-29
        all.yaml:386 statefulset-service no Service named app-3-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:476 hpa-target the target Deployment app-104 is not in the workspace; did you mean app-10?
        all.yaml:557 ingress-backend Service app-5 has no port 8080; its ports are http (80) [here:533]
        all.yaml:618 missing-reference ConfigMap app-6-conf is not defined in the workspace; did you mean app-6-config?
        all.yaml:647 ingress-backend no Service named app-6-svc in the workspace; did you mean app-6?
        all.yaml:681 statefulset-service Service app-6 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:625]
        all.yaml:775 pdb-selector selector app=app-7-old matches no pod template in the workspace; the budget protects nothing
        all.yaml:908 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        all.yaml:916 service-selector selector app=app-9-web matches no pod template in the workspace; StatefulSet app-27-db has labels app=app-27
        all.yaml:969 statefulset-service no Service named app-9-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:1046 ingress-backend no Service named app-10-svc in the workspace; did you mean app-10?
        all.yaml:1106 missing-reference ConfigMap app-11-conf is not defined in the workspace; did you mean app-11-config?
        all.yaml:1257 statefulset-service Service app-12 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:1201]
        all.yaml:1336 ingress-backend Service app-13 has no port 8080; its ports are http (80) [here:1312]
        all.yaml:1347 hpa-target the target Deployment app-113 is not in the workspace; did you mean app-11?
        all.yaml:1426 ingress-backend no Service named app-14-svc in the workspace; did you mean app-14?
        all.yaml:1495 service-selector selector app=app-15-web matches no pod template in the workspace; Deployment app-29 has labels app=app-29
        all.yaml:1544 statefulset-service no Service named app-15-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:1592 missing-reference ConfigMap app-16-conf is not defined in the workspace; did you mean app-16-config?
        all.yaml:1594 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        all.yaml:1737 pdb-selector selector app=app-17-old matches no pod template in the workspace; the budget protects nothing
        all.yaml:1805 ingress-backend no Service named app-18-svc in the workspace; did you mean app-18?
        all.yaml:1839 statefulset-service Service app-18 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:1783]
        all.yaml:2064 missing-reference ConfigMap app-21-conf is not defined in the workspace; did you mean app-21-config?
        all.yaml:2074 service-selector selector app=app-21-web matches no pod template in the workspace; StatefulSet app-27-db has labels app=app-27
        all.yaml:2095 ingress-backend Service app-21 has no port 8080; its ports are http (80) [here:2071]
        all.yaml:2127 statefulset-service no Service named app-21-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        all.yaml:2204 ingress-backend no Service named app-22-svc in the workspace; did you mean app-22?
        all.yaml:2217 hpa-target the target Deployment app-122 is not in the workspace; did you mean app-22?
        all.yaml:2266 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        part-0.yaml:99 statefulset-service Service app-24 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:43]
        part-0.yaml:239 missing-reference ConfigMap app-26-conf is not defined in the workspace; did you mean app-26-config?
        part-0.yaml:268 ingress-backend no Service named app-26-svc in the workspace; did you mean app-26?
        part-1.yaml:42 service-selector selector app=app-27-web matches no pod template in the workspace; Deployment app-26 has labels app=app-26
        part-1.yaml:82 pdb-selector selector app=app-27-old matches no pod template in the workspace; the budget protects nothing
        part-1.yaml:91 statefulset-service no Service named app-27-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        part-1.yaml:262 ingress-backend Service app-29 has no port 8080; its ports are http (80) [here:238]
        part-2.yaml:38 missing-reference Secret shared-secrets is not defined in the workspace; create it, fix the name, or mark the reference optional
        part-2.yaml:65 ingress-backend no Service named app-30-svc in the workspace; did you mean app-30?
        part-2.yaml:99 statefulset-service Service app-30 is not headless, so the pods get no stable DNS names; set clusterIP: None on it [here:43]
        part-2.yaml:144 missing-reference ConfigMap app-31-conf is not defined in the workspace; did you mean app-31-config?
        part-2.yaml:183 hpa-target the target Deployment app-131 is not in the workspace; did you mean app-31?
        part-3.yaml:46 service-selector selector app=app-33-web matches no pod template in the workspace; Deployment app-31 has labels app=app-31
        part-3.yaml:99 statefulset-service no Service named app-33-headless in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names
        part-3.yaml:176 ingress-backend no Service named app-34-svc in the workspace; did you mean app-34?
        missing-probes: 48
        missing-resources: 48
        all.yaml: 176 objects
        part-0.yaml: 24 objects
        part-1.yaml: 24 objects
        part-2.yaml: 24 objects
        part-3.yaml: 24 objects
    "#]].assert_eq(&show(&files, &reports));
}
