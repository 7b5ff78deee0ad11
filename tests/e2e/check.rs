//! `kref check` as CI and terminals use it: exit codes, the output formats, stdin, folders,
//! the target Kubernetes version and rule settings from `.kref.yaml`.

use std::io::Write;
use std::process::Stdio;

use crate::util::{Run, TestEnv, arg, to_run};

const GOOD: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  LOG_LEVEL: info
";

/// A warning only (an image without a tag).
const WARNING_ONLY: &str = "apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
  - name: tool
    image: busybox
    resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 16Mi}}
";

/// One error on line 7 (a Job's pods may not restart Always).
const BROKEN: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Always
      containers:
      - name: migrate
        image: busybox:1.36
        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 16Mi}}
";

const OLD_CRONJOB: &str = "apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: \"@daily\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: busybox:1.36
            resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 16Mi}}
";

fn check(env: &TestEnv, args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    env.run(&all)
}

fn with_stdin(env: &TestEnv, args: &[&str], input: &str) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let mut child = env
        .command(&all)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    to_run(child.wait_with_output().unwrap())
}

#[test]
fn exit_codes_follow_errors_not_warnings() {
    let env = TestEnv::new();
    let good = env.write("work/good.yaml", GOOD);
    let warn = env.write("work/warn.yaml", WARNING_ONLY);
    let broken = env.write("work/broken.yaml", BROKEN);

    let run = check(&env, &[arg(&good)]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "plain output has no problems to print: {}", run.stdout);
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);

    let run = check(&env, &[arg(&warn)]);
    assert_eq!(run.code, 0, "warnings alone do not fail: {}", run.stdout);
    assert!(
        run.stdout.contains("warn.yaml:8:12: warning[image-tag]: image busybox has no tag"),
        "{}",
        run.stdout
    );

    let run = check(&env, &[arg(&warn), "--deny-warnings"]);
    assert_eq!(run.code, 1);

    let run = check(&env, &[arg(&good), arg(&broken)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("broken.yaml:8:22: error[invalid-enum]: spec.template.spec.restartPolicy: Always is not allowed in a Job"),
        "{}",
        run.stdout
    );

    let run = check(&env, &[arg(&good), "work/missing.yaml"]);
    assert_eq!(run.code, 2, "an unreadable path is an IO error: {}", run.stderr);
    assert!(run.stderr.contains("missing.yaml"), "{}", run.stderr);

    let run = check(&env, &[]);
    assert_eq!(run.code, 2, "no path is a usage error");
    let run = check(&env, &[arg(&good), "--kube-version", "one.two"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--kube-version"), "{}", run.stderr);
    let run = check(&env, &[arg(&good), "--disable", "imag-tag"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("did you mean image-tag"), "{}", run.stderr);
}

#[test]
fn human_output_annotates_the_source_line() {
    let env = TestEnv::new();
    let broken = env.write("work/broken.yaml", BROKEN);
    let run = check(&env, &[arg(&broken), "--format", "human"]);
    assert_eq!(run.code, 1);
    let expected = "error[invalid-enum]: spec.template.spec.restartPolicy: Always is not allowed in a Job";
    assert!(run.stdout.contains(expected), "{}", run.stdout);
    assert!(run.stdout.contains("broken.yaml:8:22\n"), "{}", run.stdout);
    assert!(run.stdout.contains("8 |       restartPolicy: Always\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  |                      ^^^^^^\n"), "{}", run.stdout);
    assert!(run.stdout.contains("= fix: Change to Never"), "{}", run.stdout);
    assert!(run.stdout.contains("1 error, 0 warnings (1 object in 1 file: 1 manifest)"), "{}", run.stdout);
    assert!(!run.stdout.contains('\u{1b}'), "NO_COLOR is set");
}

#[test]
fn json_output_has_positions_fixes_and_a_summary() {
    let env = TestEnv::new();
    let broken = env.write("work/broken.yaml", BROKEN);
    let run = check(&env, &[arg(&broken), "--format", "json"]);
    assert_eq!(run.code, 1);
    let json = run.json();
    let file = &json["files"][0];
    assert!(file["path"].as_str().unwrap().ends_with("broken.yaml"));
    assert_eq!(file["objects"], 1);
    let d = &file["diagnostics"][0];
    assert_eq!(d["rule"], "invalid-enum");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 8);
    assert_eq!(d["column"], 22);
    assert_eq!(d["endLine"], 8);
    assert_eq!(d["endColumn"], 28);
    let start = d["range"]["start"].as_u64().unwrap() as usize;
    assert_eq!(&BROKEN[start..start + 6], "Always");
    let fix = &d["fixes"][0];
    assert!(fix["title"].as_str().unwrap().starts_with("Change to"));
    assert!(fix["edits"][0]["newText"].is_string());
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["profile"], "default");
    assert!(json["kubernetesVersion"].as_str().unwrap().starts_with("1."));
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let env = TestEnv::new();
    let broken = env.write("work/broken.yaml", BROKEN);
    let run = check(&env, &[arg(&broken), "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["version"], "2.1.0");
    let sarif_run = &json["runs"][0];
    assert_eq!(sarif_run["tool"]["driver"]["name"], "kref");
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 60);
    let result = &sarif_run["results"][0];
    assert_eq!(result["ruleId"], "invalid-enum");
    assert_eq!(result["level"], "error");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "invalid-enum");
    // The rule's description is its note's first paragraph of prose, without front matter.
    let description = rules[index]["fullDescription"]["text"].as_str().unwrap();
    assert!(
        description.starts_with("A value of an enumerated field that is not one of its allowed values"),
        "{description}"
    );
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 8);
    assert_eq!(region["startColumn"], 22);
    assert!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("broken.yaml")
    );
}

#[test]
fn github_output_is_workflow_commands() {
    let env = TestEnv::new();
    let broken = env.write("work/broken.yaml", BROKEN);
    let warn = env.write("work/warn.yaml", WARNING_ONLY);
    let run = check(&env, &[arg(&broken), arg(&warn), "--format", "github"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("::error file="), "{}", lines[0]);
    assert!(
        lines[0].contains("broken.yaml,line=8,col=22,endLine=8,endColumn=28,title=kref invalid-enum::"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("::warning file="), "{}", lines[1]);
}

#[test]
fn stdin_is_checked_under_a_name() {
    let env = TestEnv::new();
    let run = with_stdin(&env, &["-", "--stdin-name", "pipeline.yaml"], BROKEN);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("pipeline.yaml:8:22: error[invalid-enum]"), "{}", run.stdout);
    let run = with_stdin(&env, &["-"], GOOD);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn folders_are_searched_and_their_files_see_each_other() {
    let env = TestEnv::new();
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        readinessProbe: {httpGet: {path: /, port: 80}}
        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 16Mi}}
";
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n";
    env.write("work/app/deploy.yaml", deploy);
    env.write("work/app/nested/service.yml", service);
    env.write("work/app/.git/config.yaml", BROKEN);
    env.write("work/app/README.md", "not yaml");
    let run = check(&env, &["app", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json = run.json();
    let paths: Vec<&str> =
        json["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["app/deploy.yaml", "app/nested/service.yml"]);
    assert_eq!(
        json["summary"]["warnings"], 0,
        "the Service finds its pods in the other file: {}",
        run.stdout
    );

    env.write("work/app/nested/service.yml", service.replace("{app: web}", "{app: api}"));
    let run = check(&env, &["app"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("app/nested/service.yml:6:3: warning[service-selector]"), "{}", run.stdout);
}

#[test]
fn the_target_version_moves_an_api_from_deprecated_to_removed() {
    let env = TestEnv::new();
    let old = env.write("work/cron.yaml", OLD_CRONJOB);
    let run = check(&env, &[arg(&old), "--kube-version", "1.24"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("warning[deprecated-api]: batch/v1beta1 CronJob is deprecated since Kubernetes 1.21 and removed in 1.25; use apiVersion batch/v1"), "{}", run.stdout);
    let run = check(&env, &[arg(&old), "--kube-version", "1.25"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[removed-api]"), "{}", run.stdout);
    // From .kref.yaml.
    env.write("work/.kref.yaml", "kubernetesVersion: \"1.24\"\n");
    let run = check(&env, &["cron.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn rules_are_configured_in_kref_yaml_and_on_the_command_line() {
    let env = TestEnv::new();
    env.write("work/warn.yaml", WARNING_ONLY);
    env.write("work/.kref.yaml", "rules:\n  disable: [image-tag]\n");
    let run = check(&env, &["warn.yaml"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = check(&env, &["warn.yaml", "--enable", "image-tag"]);
    assert!(run.stdout.contains("warning[image-tag]"), "{}", run.stdout);

    env.write("work/.kref.yaml", "rules:\n  severity:\n    image-tag: error\n");
    let run = check(&env, &["warn.yaml"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[image-tag]"), "{}", run.stdout);

    env.write("work/.kref.yaml", "rules:\n  profile: strict\n");
    let run = check(&env, &["warn.yaml"]);
    assert!(run.stdout.contains("info[run-as-non-root]"), "{}", run.stdout);
    let run = check(&env, &["warn.yaml", "--profile", "minimal"]);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    env.write("work/.kref.yaml", "rules:\n  profil: strict\n");
    let run = check(&env, &["warn.yaml"]);
    assert_eq!(run.code, 2, "a broken config file is an error");
    assert!(run.stderr.contains(".kref.yaml"), "{}", run.stderr);
}

#[test]
fn rules_are_listed_and_explained() {
    let env = TestEnv::new();
    let run = check(&env, &["--list-rules"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().count() >= 60);
    assert!(run.stdout.contains("selector-mismatch"), "{}", run.stdout);
    let run = check(&env, &["--list-rules", "--format", "json"]);
    let rules = run.json();
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "image-tag" && r["kubeLinter"][0] == "latest-tag")
    );
    let run = check(&env, &["--explain", "image-tag"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Rule image-tag"), "{}", run.stdout);
    assert!(run.stdout.contains("kref-ignore: image-tag"), "{}", run.stdout);
    let run = check(&env, &["--explain", "image-tags"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("did you mean image-tag"), "{}", run.stderr);
}

/// A CRD (the valid corpus's Backup) and a custom resource of it with three mistakes.
const BACKUP_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: backups, singular: backup, kind: Backup}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [schedule]
            properties:
              schedule: {type: string}
              retention: {type: integer}
";

const BAD_BACKUP: &str = "apiVersion: example.com/v1
kind: Backup
metadata:
  name: nightly
spec:
  retention: seven
  shedule: \"0 1 * * *\"
";

#[test]
fn crds_among_the_checked_files_describe_their_custom_resources() {
    let env = TestEnv::new();
    env.write("work/deploy/crd.yaml", BACKUP_CRD);
    env.write("work/deploy/backup.yaml", BAD_BACKUP);
    let run = env.run(&["check", "--format", "plain", "deploy"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(!out.contains("no-schema"), "{out}");
    assert!(out.contains("backup.yaml:6:14: error[wrong-type]"), "{out}");
    assert!(out.contains("backup.yaml:7:3: error[unknown-field]") && out.contains("schedule"), "{out}");
    assert!(out.contains("error[missing-required]") && out.contains("schedule"), "{out}");
    // The custom resource alone: no schema, so only a hint, and success.
    let alone = env.run(&["check", "--format", "plain", "deploy/backup.yaml"]);
    assert_eq!(alone.code, 0, "{}", alone.stdout);
    assert!(alone.stdout.contains("hint[no-schema]"), "{}", alone.stdout);
}
