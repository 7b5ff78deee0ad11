//! `kref check` on Helm charts (`tests/fixtures/helm/`): Chart.yaml, values.yaml against
//! values.schema.json, templates checked as YAML with holes, `.Values` paths and named
//! templates across subcharts, `--values`; exact messages and lines, and no false error on a
//! chart that uses if/else, with, range, include | nindent, toYaml, a library chart and an
//! aliased subchart.

use std::path::{Path, PathBuf};

use crate::util::{Run, TestEnv, to_run};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm")
}

/// `kref check ARGS` run from the fixtures folder, so paths print as `shop/...`.
fn check(env: &TestEnv, args: &[&str]) -> Run {
    let mut all = vec!["check", "--format", "plain"];
    all.extend_from_slice(args);
    to_run(env.command(&all).current_dir(fixtures()).output().unwrap())
}

fn lines(run: &Run) -> Vec<&str> {
    run.stdout.lines().collect()
}

#[test]
fn a_sound_chart_has_no_false_error() {
    let env = TestEnv::new();
    let run = check(&env, &["shop"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The only findings: the vendored redis subchart's container really has no probes or
    // resources (literal YAML, nothing supplied by the template).
    assert_eq!(
        lines(&run),
        [
            "shop/charts/redis/templates/statefulset.yaml:23:17: warning[missing-probes]: container redis has no readinessProbe; it gets traffic before it is ready: add one",
            "shop/charts/redis/templates/statefulset.yaml:23:17: warning[missing-resources]: container redis sets no requests.cpu, requests.memory, limits.memory; without them the scheduler cannot place it well and it may starve its node",
        ],
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("(7 objects in 13 files: 13 Helm chart files)"), "{}", run.stderr);
}

#[test]
fn template_shapes_real_charts_use_raise_nothing() {
    // apiVersions chosen by .Capabilities (with the fields of each in its branch), an
    // apiVersion from a named template, documents made by `range`, `toYaml` into a block
    // scalar, `.Files.Glob` into data, b64enc into Secret data, a file that is one include.
    let env = TestEnv::new();
    let run = check(&env, &["compat"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "no error and no warning");
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
}

#[test]
fn mistakes_in_templates_are_found_where_they_are() {
    let env = TestEnv::new();
    let run = check(&env, &["typos"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        lines(&run),
        [
            "typos/templates/deployment.yaml:1:8: warning[undefined-value]: `.Values.enabled`: values.yaml has no `enabled` at its top level; declare it in values.yaml (with a default and a `# --` comment) (it only guards a block here)",
            "typos/templates/deployment.yaml:21:28: error[invalid-enum]: spec.template.spec.containers[0].imagePullPolicy: \"Sometimes\" is not a valid value; use one of Always, IfNotPresent, Never",
            "typos/templates/deployment.yaml:28:11: error[unknown-field]: unknown field \"readinesProbe\" in spec.template.spec.containers[0] (Container); did you mean readinessProbe?",
            "typos/templates/ingress.yaml:2:13: error[removed-api]: extensions/v1beta1 Ingress was removed in Kubernetes 1.22 (target 1.37); use apiVersion networking.k8s.io/v1",
            "typos/templates/ingress.yaml:8:16: warning[undefined-value]: `.Values.ingress.hostname`: values.yaml has no `hostname` under `ingress`; declare it in values.yaml (with a default and a `# --` comment)",
            "typos/templates/job.yaml:9:22: error[invalid-enum]: spec.template.spec.restartPolicy: Always is not allowed in a Job: use Never or OnFailure (A Job pod must be able to finish, so its template cannot use Always)",
            "typos/templates/job.yaml:11:11: error[missing-required]: missing required field name in spec.template.spec.containers[0] (Container); add it",
            "typos/templates/service.yaml:6:18: error[undefined-template]: no template defines `typo.labels`; did you mean `typos.labels`?",
        ],
        "{}",
        run.stdout
    );
    // The JSON report carries the same findings with their class and the fix.
    let run = to_run(
        env.command(&["check", "--format", "json", "typos/templates/service.yaml"])
            .current_dir(fixtures())
            .output()
            .unwrap(),
    );
    let report = run.json();
    let files = report["files"].as_array().unwrap();
    let service = files.iter().find(|f| f["path"] == "typos/templates/service.yaml").unwrap();
    assert_eq!(service["class"], "helm-template");
    let d = &service["diagnostics"][0];
    assert_eq!(d["rule"], "undefined-template");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(6), Some(18)));
    assert_eq!(d["fixes"][0]["title"], "Replace with typos.labels");
    assert_eq!(d["fixes"][0]["edits"][0]["newText"], "typos.labels");
}

#[test]
fn chart_files_values_schema_and_dependencies_are_checked() {
    let env = TestEnv::new();
    let run = check(&env, &["mistakes"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        lines(&run),
        [
            "mistakes/Chart.yaml:2:7: warning[chart-yaml]: chart names are lower-case letters, digits and dashes: `mistakes-chart` rather than `Mistakes_Chart`",
            "mistakes/Chart.yaml:4:7: error[chart-yaml]: `type: aplication` is not a chart type; did you mean `application`?",
            "mistakes/Chart.yaml:5:10: error[chart-yaml]: `version` must be a string, but YAML reads `1.0` as a number; quote it (\"1.0\")",
            "mistakes/Chart.yaml:6:14: warning[chart-yaml]: `kubeVersion: >=1.25.0` refuses clusters that report a pre-release version (EKS `v1.29.1-eks-...`, GKE `v1.30.2-gke.100`): add `-0` to each bound, as in `>=1.25.0-0`",
            "mistakes/Chart.yaml:8:11: hint[missing-dependency]: dependency `postgresql` is not vendored under charts/: its templates and values cannot be read offline, so named templates and values it may provide are not checked (run `helm dependency build`)",
            "mistakes/Chart.yaml:13:5: warning[chart-yaml]: unknown field `emial` in a maintainer; did you mean `email`?",
            "mistakes/templates/broken.yaml:4:9: error[template-syntax]: this `{{` is never closed by `}}`; Helm cannot render this template",
            "mistakes/templates/deployment.yaml:16:17: warning[missing-probes]: container app has no readinessProbe; it gets traffic before it is ready: add one",
            "mistakes/templates/deployment.yaml:16:17: warning[missing-resources]: container app sets no requests.cpu, requests.memory, limits.memory; without them the scheduler cannot place it well and it may starve its node",
            "mistakes/templates/deployment.yaml:17:53: warning[undefined-value]: `.Values.imge.tag`: values.yaml has no `imge` at its top level; did you mean `image`?",
            "mistakes/templates/deployment.yaml:22:25: warning[undefined-value]: `.Values.mode`: values.yaml has no `mode` at its top level; declare it in values.yaml (with a default and a `# --` comment)",
            "mistakes/values.yaml:1:1: error[values-schema]: `image` must have `pullPolicy`",
            "mistakes/values.yaml:6:9: error[values-schema]: `service.port` must be integer, but it is a string",
            "mistakes/values.yaml:8:15: error[values-schema]: `replicaCount` must be at least 1",
            "mistakes/templates/NOTES.txt:1:26: warning[undefined-value]: `.Values.service.nodePort`: values.yaml has no `nodePort` under `service`; declare it in values.yaml (with a default and a `# --` comment)",
        ],
        "{}",
        run.stdout
    );
    // The include of a name from the missing dependency is no error: one hint says why.
    assert!(!run.stdout.contains("postgresql.primary.fullname"), "{}", run.stdout);
}

#[test]
fn values_files_declare_values_and_rules_are_configured_as_usual() {
    let env = TestEnv::new();
    let extra = env.write("work/extra.yaml", "mode: debug\nimge:\n  tag: x\nservice:\n  nodePort: 30080\n");
    let run = check(&env, &["mistakes", "--values", extra.to_str().unwrap()]);
    assert!(!run.stdout.contains("undefined-value"), "{}", run.stdout);
    let run = check(&env, &["mistakes", "--disable", "chart-yaml", "--disable", "values-schema"]);
    assert!(!run.stdout.contains("chart-yaml") && !run.stdout.contains("values-schema"), "{}", run.stdout);
    assert!(run.stdout.contains("error[template-syntax]"), "{}", run.stdout);
    let run = check(&env, &["mistakes", "--values", "no-such-file.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--values no-such-file.yaml"), "{}", run.stderr);
}

#[test]
fn a_folder_of_charts_and_a_template_alone_are_checked_as_charts() {
    let env = TestEnv::new();
    let run = check(&env, &["."]);
    for expected in [
        "./typos/templates/service.yaml:6:18: error[undefined-template]",
        "./mistakes/values.yaml:8:15: error[values-schema]",
        "./mistakes/templates/broken.yaml:4:9: error[template-syntax]",
    ] {
        assert!(run.stdout.contains(expected), "{expected} missing from\n{}", run.stdout);
    }
    assert!(!run.stdout.lines().any(|l| l.starts_with("./shop/") && l.contains("error[")), "{}", run.stdout);
    // A template given on its own is checked with its chart's values and named templates.
    let run = check(&env, &["typos/templates/deployment.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("typos/templates/deployment.yaml:28:11: error[unknown-field]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("typos/templates/deployment.yaml:1:8: warning[undefined-value]"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("service.yaml"), "only the file given is reported: {}", run.stdout);
}

#[test]
fn undefined_values_follow_the_dot_and_skip_defines_whose_dot_is_unknown() {
    // `.className` under `with .Values.ingress` is `.Values.ingress.className`, which
    // values.yaml does not declare; `.enabled`, `.hosts`, `.containerPort` under `range`,
    // `$var.value`, `$.Values.service.port` are declared. `scopes.sidecar` is called with a
    // dict of the sidecar's values, so its `.Values.command` is not the chart's: no warning.
    let env = TestEnv::new();
    let run = check(&env, &["scopes"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        lines(&run),
        [
            "scopes/templates/ingress.yaml:25:24: warning[undefined-value]: `.className`: values.yaml has no `className` under `ingress`; declare it in values.yaml (with a default and a `# --` comment)",
        ],
        "{}",
        run.stdout
    );
}

/// A chart with an unclosed `{{`, a `define` that includes itself, a 5 MB values.yaml and
/// templates that make no YAML at all, written under `work/bad`.
pub fn bad_chart(env: &TestEnv) {
    let mut values = String::with_capacity(5_100_000);
    let mut i = 0;
    while values.len() < 5_000_000 {
        values.push_str(&format!("# -- Item {i}\nitem{i}:\n  name: x{i}\n  list:\n    - a: 1\n"));
        i += 1;
    }
    values.push_str("name: web\n");
    env.write("work/bad/Chart.yaml", "apiVersion: v2\nname: bad\nversion: 0.1.0\n");
    env.write("work/bad/values.yaml", values);
    env.write(
        "work/bad/templates/_helpers.tpl",
        "{{- define \"bad.loop\" -}}\n{{ include \"bad.loop\" . }}\n{{- end }}\n",
    );
    env.write(
        "work/bad/templates/loop.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\ndata:\n  x: {{ include \"bad.loop\" . | quote }}\n",
    );
    env.write(
        "work/bad/templates/unbalanced.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name\ndata:\n  a: b\n",
    );
    env.write(
        "work/bad/templates/nothing.yaml",
        "{{- /* no YAML at all */ -}}\n{{- range $i := until 3 }}\n{{- end }}\n",
    );
    env.write("work/bad/templates/text.yaml", "{{ .Values.name }} {{ printf \"%s\" .Values.name }}\n");
}

#[test]
fn bad_input_in_a_chart_gets_one_clear_error_and_nothing_false() {
    let env = TestEnv::new();
    bad_chart(&env);
    let run = to_run(
        env.command(&["check", "--format", "plain", "bad"]).current_dir(env.path("work")).output().unwrap(),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        lines(&run),
        [
            "bad/templates/unbalanced.yaml:4:9: error[template-syntax]: this `{{` is never closed by `}}`; Helm cannot render this template"
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("1 error, 0 warnings, 0 hints (2 objects in 6 files: 6 Helm chart files)"),
        "{}",
        run.stderr
    );
}
