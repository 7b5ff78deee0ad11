//! Feature tests: manifests with a `$0` cursor, run through one `check` helper against a small
//! fixture knowledge base (the built-in schema, two fixture notes and an index of them), never
//! the real corpus, so editing the corpus cannot break these tests.

use std::fmt::Write;
use std::sync::{Arc, OnceLock};

use expect_test::{Expect, expect};
use kref_corpus::schema::{KubeVersion, Schema};
use kref_corpus::{Origin, parse_note};
use kref_index::{Manifest, SearchIndex, docs_from_note};
use kref_yaml::{Encoding, LineCol, parse};

use super::*;

const USER_NOTES: &str = include_str!("../../../tests/fixtures/lsp/notes/team-workloads.md");
const BUILTIN_NOTES: &str = include_str!("../../../tests/fixtures/lsp/builtin-mini.md");

/// The fixture knowledge base: the built-in schema, a mini "built-in" note and a user note, with
/// a search index over both; target Kubernetes 1.33.
fn kb() -> &'static Knowledge {
    static KB: OnceLock<Knowledge> = OnceLock::new();
    KB.get_or_init(|| {
        let notes = [
            parse_note("builtin:fixtures/mini.md", Origin::Builtin, BUILTIN_NOTES),
            parse_note("/home/me/notes/team-workloads.md", Origin::User, USER_NOTES),
        ];
        let docs = notes.iter().flat_map(docs_from_note).collect();
        let index = SearchIndex::in_ram(docs, Manifest::default()).unwrap();
        Knowledge::new(
            Arc::new(Schema::builtin().clone()),
            &notes,
            Some(Arc::new(index)),
            KubeVersion::new(1, 33),
        )
    })
}

/// What a test asks at the cursor.
#[derive(Clone, Copy)]
enum Ask {
    Hover,
    /// Completion labels with their inserted text, in the order the editor sorts them.
    Complete,
    /// Completion items with their detail and other edits, the first ten.
    CompleteDetail,
    Explain,
}

/// Splits a fixture at its `$0` marker into the text and the cursor offset.
fn cursor(fixture: &str) -> (String, usize) {
    let offset = fixture.find("$0").expect("the fixture has no $0 cursor");
    let mut text = fixture.to_owned();
    text.replace_range(offset..offset + 2, "");
    (text, offset)
}

/// Runs `ask` at the `$0` cursor of `fixture` and compares the rendered answer.
#[track_caller]
fn check(ask: Ask, fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let file = parse(&text);
    let out = match ask {
        Ask::Hover => match hover(&file, offset, kb()) {
            Some(h) => format!("[{}] {}\n{}\n", &text[h.range.start..h.range.end], h.subject, h.markdown),
            None => "no hover\n".to_string(),
        },
        Ask::Explain => match explain(&file, offset, kb()) {
            Some(e) => format!("{}\n{}\n", e.path, e.markdown),
            None => "nothing to explain\n".to_string(),
        },
        Ask::Complete | Ask::CompleteDetail => render_items(&text, &complete(&file, offset, kb()), ask),
    };
    expect.assert_eq(&out);
}

fn render_items(text: &str, items: &[CompletionItem], ask: Ask) -> String {
    let mut sorted: Vec<&CompletionItem> = items.iter().collect();
    sorted.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    let mut out = String::new();
    if sorted.is_empty() {
        return "no completions\n".into();
    }
    let limit = if matches!(ask, Ask::CompleteDetail) { 10 } else { 25 };
    for item in sorted.iter().take(limit) {
        let replaced = &text[item.edit.range.start..item.edit.range.end];
        let _ = write!(out, "{} {:?}", item.label, item.edit.text);
        if !replaced.is_empty() {
            let _ = write!(out, " over {replaced:?}");
        }
        if matches!(ask, Ask::CompleteDetail) {
            if let Some(d) = &item.detail {
                let _ = write!(out, "\n    {d}");
            }
            for e in &item.additional_edits {
                let _ = write!(out, "\n    + {:?} at {}", e.text, e.range);
            }
        }
        out.push('\n');
    }
    if sorted.len() > limit {
        let _ = writeln!(out, "… {} more", sorted.len() - limit);
    }
    out
}

fn labels(fixture: &str) -> Vec<String> {
    let (text, offset) = cursor(fixture);
    complete(&parse(&text), offset, kb()).into_iter().map(|i| i.label).collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
  template:
    spec:
      containers:
        - name: app
          image: nginx
";

// ---------------------------------------------------------------------------------------------
// Hover

#[test]
fn hover_on_strategy_shows_path_type_values_and_both_notes() {
    check(
        Ask::Hover,
        &DEPLOYMENT.replace("  strategy:", "  stra$0tegy:"),
        expect![[r#"
            [strategy] Deployment.spec.strategy
            **Deployment.spec.strategy**

            `DeploymentStrategy` · optional

            **`type` values**:
            - `Recreate` — only for apps that cannot run two versions side by side (schema migrations). _(your notes)_
            - `RollingUpdate` (default) — swaps pods a few at a time; pair it with a readiness probe or it rolls blind. _(your notes)_

            **Notes:**
            - keep RollingUpdate with maxUnavailable 0 for anything users see. _(your notes, team-workloads.md:5)_
            - how old pods give way to new ones. _(kref: Deployment)_

            The deployment strategy to use to replace existing pods with new ones.

            **See also:** Deployment · Team notes: workloads
        "#]],
    );
}

#[test]
fn hover_on_enum_value_explains_it_and_lists_the_alternatives() {
    check(
        Ask::Hover,
        &DEPLOYMENT.replace("type: RollingUpdate", "type: Recr$0eate"),
        expect![[r#"
            [Recreate] Deployment.spec.strategy.type
            **`Recreate`** · Deployment.spec.strategy.type

            **Notes:**
            - only for apps that cannot run two versions side by side (schema migrations). _(your notes, team-workloads.md:7)_
            - every old pod stops before a new one starts, so there is downtime. _(kref: Deployment)_

            Stop every old pod before starting new ones: a gap in service, never two versions at once.

            **Other values:**
            - `RollingUpdate` — swaps pods a few at a time; pair it with a readiness probe or it rolls blind. _(your notes)_
        "#]],
    );
}

#[test]
fn hover_on_access_modes_and_its_items() {
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nspec:\n  accessModes:\n    - ReadWriteOnce\n";
    check(
        Ask::Hover,
        &pvc.replace("accessModes", "access$0Modes"),
        expect![[r#"
            [accessModes] PersistentVolumeClaim.spec.accessModes
            **PersistentVolumeClaim.spec.accessModes**

            `[]string` · optional

            **Item values**:
            - `ReadOnlyMany` — Many nodes may mount the volume read-only.
            - `ReadWriteMany` — needs the NFS class; ask the platform team first. _(your notes)_
            - `ReadWriteOnce` — One node may mount the volume read-write (its pods can share it).
            - `ReadWriteOncePod` — A single pod in the cluster may use the volume; cannot be combined with other modes.

            **Notes:**
            - most of our storage classes only do ReadWriteOnce. _(your notes, team-workloads.md:19)_

            accessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1

            **See also:** Team notes: workloads
        "#]],
    );
    check(
        Ask::Hover,
        &pvc.replace("- ReadWriteOnce", "- ReadWrite$0Once"),
        expect![[r#"
        [ReadWriteOnce] PersistentVolumeClaim.spec.accessModes[]
        **`ReadWriteOnce`** · PersistentVolumeClaim.spec.accessModes[]

        One node may mount the volume read-write (its pods can share it).

        **Other values:**
        - `ReadOnlyMany` — Many nodes may mount the volume read-only.
        - `ReadWriteMany` — needs the NFS class; ask the platform team first. _(your notes)_
        - `ReadWriteOncePod` — A single pod in the cluster may use the volume; cannot be combined with other modes.
    "#]],
    );
}

#[test]
fn hover_on_concurrency_policy_and_its_value() {
    let cron = "apiVersion: batch/v1\nkind: CronJob\nspec:\n  schedule: \"0 3 * * *\"\n  concurrencyPolicy: Forbid\n";
    check(
        Ask::Hover,
        &cron.replace("concurrencyPolicy:", "concurrency$0Policy:"),
        expect![[r#"
            [concurrencyPolicy] CronJob.spec.concurrencyPolicy
            **CronJob.spec.concurrencyPolicy**

            `string` · optional · default `Allow`

            **Values**:
            - `Allow` (default) — Start a new Job on schedule even while earlier ones still run.
            - `Forbid` — what the backup jobs use: a late run is skipped, never doubled. _(your notes)_
            - `Replace` — Cancel the running Job and start the new one in its place.

            **Notes:**
            - always set it; the default lets slow runs pile up. _(your notes, team-workloads.md:12)_
            - what happens when the previous run is still going. _(kref: CronJob)_

            Specifies how to treat concurrent executions of a Job.

            **See also:** CronJob · Team notes: workloads
        "#]],
    );
    check(
        Ask::Hover,
        &cron.replace("Forbid", "For$0bid"),
        expect![[r#"
        [Forbid] CronJob.spec.concurrencyPolicy
        **`Forbid`** · CronJob.spec.concurrencyPolicy

        **Notes:**
        - what the backup jobs use: a late run is skipped, never doubled. _(your notes, team-workloads.md:13)_

        Skip a scheduled run while the previous Job still runs.

        **Other values:**
        - `Allow` — Start a new Job on schedule even while earlier ones still run.
        - `Replace` — Cancel the running Job and start the new one in its place.
    "#]],
    );
}

#[test]
fn hover_on_kind_key_and_value() {
    check(
        Ask::Hover,
        &DEPLOYMENT.replace("kind: Deployment", "kind: Deploy$0ment"),
        expect![[r#"
        [Deployment] Deployment
        **Deployment** · `apps/v1`

        namespaced · short name `deploy`

        **Notes:**
        - our default for stateless services; every one sets resource requests. _(your notes, team-workloads.md:4)_
        - keeps a set of identical pods running and replaces them when the template changes. _(kref: Deployment)_

        Deployment enables declarative updates for Pods and ReplicaSets.

        **API versions:** `apps/v1`

        **Older versions:** `apps/v1beta1` (removed in 1.16), `apps/v1beta2` (removed in 1.16), `extensions/v1beta1` (removed in 1.16)
    "#]],
    );
    let on_key = DEPLOYMENT.replace("kind: Deployment", "ki$0nd: Deployment");
    let (text, offset) = cursor(&on_key);
    let key = hover(&parse(&text), offset, kb()).unwrap();
    let (text, offset) = cursor(&DEPLOYMENT.replace("kind: Deployment", "kind: Deploy$0ment"));
    let value = hover(&parse(&text), offset, kb()).unwrap();
    assert_eq!(key.markdown, value.markdown);
}

#[test]
fn hover_on_unknown_kind_points_to_import() {
    check(
        Ask::Hover,
        "apiVersion: example.com/v1\nkind: Widg$0et\nspec:\n  size: 3\n",
        expect![[r#"
            [Widget] Widget
            **Widget** is not a kind kref knows.

            If it is a custom resource, import its CustomResourceDefinition (or the cluster's OpenAPI document) with `kref import FILE`, or list the file under `schemas:` in `.kref.yaml`.
        "#]],
    );
}

#[test]
fn hover_on_api_version_shows_the_lifecycle() {
    check(
        Ask::Hover,
        &DEPLOYMENT.replace("apps/v1", "apps/$0v1"),
        expect![[r#"
        [apps/v1] apps/v1
        **`apps/v1`** · Deployment

        Served and current (target Kubernetes 1.33).
    "#]],
    );
    check(
        Ask::Hover,
        "apiVersion: extensions/v1$0beta1\nkind: Deployment\nmetadata:\n  name: old\n",
        expect![[r#"
            [extensions/v1beta1] extensions/v1beta1
            **`extensions/v1beta1`** · Deployment

            **Removed** in Kubernetes 1.16: a cluster at your target 1.33 rejects `extensions/v1beta1` Deployment. Use `apps/v1` Deployment. In apps/v1, spec.selector is required and immutable; spec.rollbackTo is gone.
        "#]],
    );
    check(
        Ask::Hover,
        "apiVersion: batch/v1beta1\nkind: Cron$0Job\n",
        expect![[r#"
            [CronJob] CronJob
            **CronJob** · `batch/v1`

            namespaced · short name `cj`

            **Notes:**
            - nightly jobs live in the `batch` namespace. _(your notes, team-workloads.md:11)_
            - starts a Job on a cron schedule. _(kref: CronJob)_

            CronJob represents the configuration of a single cron job.

            **API versions:** `batch/v1`

            **Removed** in Kubernetes 1.25: a cluster at your target 1.33 rejects `batch/v1beta1` CronJob. Use `batch/v1` CronJob.
        "#]],
    );
}

#[test]
fn hover_on_restart_policy_value_in_a_job_says_it_is_not_allowed() {
    let job =
        "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      restartPolicy: Alw$0ays\n";
    check(
        Ask::Hover,
        job,
        expect![[r#"
        [Always] Job.spec.template.spec.restartPolicy
        **`Always`** · Job.spec.template.spec.restartPolicy

        **Not allowed in a Job:** A Job pod must be able to finish, so its template cannot use Always. Use `Never`, `OnFailure`.

        Restart every container whenever it exits, successfully or not.

        **Other values:**
        - `Never` — Never restart containers; the pod ends when they do.
        - `OnFailure` — Restart a container only when it exits with a non-zero code.
    "#]],
    );
}

#[test]
fn hover_on_a_plain_value_shows_its_field() {
    let (text, offset) = cursor(&DEPLOYMENT.replace("replicas: 3", "replicas: $03"));
    let h = hover(&parse(&text), offset, kb()).unwrap();
    assert_eq!(h.subject, "Deployment.spec.replicas");
    assert!(h.markdown.contains("at least 2 in production"), "{}", h.markdown);
}

#[test]
fn no_hover_on_comments_blank_lines_and_unknown_fields() {
    check(
        Ask::Hover,
        "# a comm$0ent\nkind: Pod\n",
        expect![[r#"
        no hover
    "#]],
    );
    check(
        Ask::Hover,
        "kind: Pod\nspec:\n  $0\n",
        expect![[r#"
        no hover
    "#]],
    );
    check(
        Ask::Hover,
        "apiVersion: v1\nkind: Pod\nspec:\n  bogus$0Field: 1\n",
        expect![[r#"
        no hover
    "#]],
    );
}

#[test]
fn hover_in_the_second_document_uses_its_kind() {
    let text = "apiVersion: v1\nkind: Service\nspec:\n  type: ClusterIP\n---\napiVersion: batch/v1\nkind: CronJob\nspec:\n  concurrencyPolicy: Al$0low\n";
    let (text, offset) = cursor(text);
    let h = hover(&parse(&text), offset, kb()).unwrap();
    assert_eq!(h.subject, "CronJob.spec.concurrencyPolicy");
}

#[test]
fn explain_names_the_field_and_matches_hover() {
    check(
        Ask::Explain,
        &DEPLOYMENT.replace("  strategy:", "  strat$0egy:"),
        expect![[r#"
            Deployment.spec.strategy
            **Deployment.spec.strategy**

            `DeploymentStrategy` · optional

            **`type` values**:
            - `Recreate` — only for apps that cannot run two versions side by side (schema migrations). _(your notes)_
            - `RollingUpdate` (default) — swaps pods a few at a time; pair it with a readiness probe or it rolls blind. _(your notes)_

            **Notes:**
            - keep RollingUpdate with maxUnavailable 0 for anything users see. _(your notes, team-workloads.md:5)_
            - how old pods give way to new ones. _(kref: Deployment)_

            The deployment strategy to use to replace existing pods with new ones.

            **See also:** Deployment · Team notes: workloads
        "#]],
    );
    // On a blank line inside `spec`, explain what `spec` is.
    let (text, offset) = cursor("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n  $0\n");
    let e = explain(&parse(&text), offset, kb()).unwrap();
    assert_eq!(e.path, "Deployment.spec");
}

// ---------------------------------------------------------------------------------------------
// Completion

#[test]
fn keys_on_an_empty_line_in_spec_exclude_present_keys_and_put_required_first() {
    check(
        Ask::CompleteDetail,
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n  $0\n",
        expect![[r#"
            selector "selector:\n    "
                LabelSelector · required · Label selector for pods.
            template "template:\n    "
                PodTemplateSpec · required · Template describes the pods that will be created.
            minReadySeconds "minReadySeconds: "
                integer · Minimum number of seconds for which a newly created pod should be ready without any of…
            paused "paused: "
                boolean · Indicates that the deployment is paused.
            progressDeadlineSeconds "progressDeadlineSeconds: "
                integer · The maximum time in seconds for a deployment to make progress before it is considered to…
            revisionHistoryLimit "revisionHistoryLimit: "
                integer · The number of old ReplicaSets to retain to allow rollback.
            strategy "strategy:\n    "
                DeploymentStrategy · The deployment strategy to use to replace existing pods with new ones.
        "#]],
    );
}

#[test]
fn half_typed_key_is_replaced() {
    check(
        Ask::Complete,
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n  stra$0\n",
        expect![[r#"
            selector "selector:\n    " over "stra"
            template "template:\n    " over "stra"
            minReadySeconds "minReadySeconds: " over "stra"
            paused "paused: " over "stra"
            progressDeadlineSeconds "progressDeadlineSeconds: " over "stra"
            revisionHistoryLimit "revisionHistoryLimit: " over "stra"
            strategy "strategy:\n    " over "stra"
        "#]],
    );
}

#[test]
fn keys_in_nested_lists_follow_the_indentation() {
    check(
        Ask::Complete,
        &DEPLOYMENT.replace("          image: nginx\n", "          image: nginx\n          $0\n"),
        expect![[r#"
            args "args:\n            - "
            command "command:\n            - "
            env "env:\n            - "
            envFrom "envFrom:\n            - "
            imagePullPolicy "imagePullPolicy: "
            lifecycle "lifecycle:\n            "
            livenessProbe "livenessProbe:\n            "
            ports "ports:\n            - "
            readinessProbe "readinessProbe:\n            "
            resizePolicy "resizePolicy:\n            - "
            resources "resources:\n            "
            restartPolicy "restartPolicy: "
            restartPolicyRules "restartPolicyRules:\n            - "
            securityContext "securityContext:\n            "
            startupProbe "startupProbe:\n            "
            stdin "stdin: "
            stdinOnce "stdinOnce: "
            terminationMessagePath "terminationMessagePath: "
            terminationMessagePolicy "terminationMessagePolicy: "
            tty "tty: "
            volumeDevices "volumeDevices:\n            - "
            volumeMounts "volumeMounts:\n            - "
            workingDir "workingDir: "
        "#]],
    );
    // The first word of a new list item is a key of the item's object.
    let labels =
        labels(&DEPLOYMENT.replace("          image: nginx\n", "          image: nginx\n        - na$0\n"));
    assert!(labels.contains(&"name".to_string()) && labels.contains(&"image".to_string()), "{labels:?}");
}

#[test]
fn keys_with_four_space_indentation() {
    check(
        Ask::Complete,
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n    replicas: 2\n    templ$0\n",
        expect![[r#"
            selector "selector:\n        " over "templ"
            template "template:\n        " over "templ"
            minReadySeconds "minReadySeconds: " over "templ"
            paused "paused: " over "templ"
            progressDeadlineSeconds "progressDeadlineSeconds: " over "templ"
            revisionHistoryLimit "revisionHistoryLimit: " over "templ"
            strategy "strategy:\n        " over "templ"
        "#]],
    );
}

#[test]
fn keys_in_flow_style() {
    check(
        Ask::Complete,
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - {name: app, ports: [{containerPort: 80, $0}]}\n",
        expect![[r#"
            hostIP "hostIP: "
            hostPort "hostPort: "
            name "name: "
            protocol "protocol: "
        "#]],
    );
}

#[test]
fn concurrency_policy_values() {
    check(
        Ask::CompleteDetail,
        "apiVersion: batch/v1\nkind: CronJob\nspec:\n  concurrencyPolicy: $0\n",
        expect![[r#"
            Allow "Allow"
                default · Start a new Job on schedule even while earlier ones still run.
            Forbid "Forbid"
                Skip a scheduled run while the previous Job still runs.
            Replace "Replace"
                Cancel the running Job and start the new one in its place.
        "#]],
    );
    // Right after the colon, a space comes first.
    check(
        Ask::Complete,
        "apiVersion: batch/v1\nkind: CronJob\nspec:\n  concurrencyPolicy:$0\n",
        expect![[r#"
        Allow " Allow"
        Forbid " Forbid"
        Replace " Replace"
    "#]],
    );
}

#[test]
fn restart_policy_values_depend_on_the_kind() {
    let job = "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      restartPolicy: $0\n";
    assert_eq!(labels(job), ["Never", "OnFailure"]);
    let cron = "apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: $0\n";
    assert_eq!(labels(cron), ["Never", "OnFailure"]);
    let pod = "apiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: $0\n";
    assert_eq!(labels(pod), ["Always", "Never", "OnFailure"]);
}

#[test]
fn enum_items_of_a_list_and_booleans() {
    assert_eq!(
        labels("apiVersion: v1\nkind: PersistentVolumeClaim\nspec:\n  accessModes:\n    - $0\n"),
        ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
    );
    assert_eq!(labels("apiVersion: apps/v1\nkind: Deployment\nspec:\n  paused: $0\n"), ["true", "false"]);
    check(
        Ask::Complete,
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      imagePullPolicy: \"If$0\"\n",
        expect![[r#"
            Always "\"Always\"" over "\"If\""
            IfNotPresent "\"IfNotPresent\"" over "\"If\""
            Never "\"Never\"" over "\"If\""
        "#]],
    );
}

#[test]
fn kind_values_come_with_their_api_version() {
    check(
        Ask::CompleteDetail,
        "kind: $0\nmetadata:\n  name: x\n",
        expect![[r#"
            Deployment "Deployment"
                apps/v1
                + "apiVersion: apps/v1\n" at 0..0
            Service "Service"
                v1
                + "apiVersion: v1\n" at 0..0
            ConfigMap "ConfigMap"
                v1
                + "apiVersion: v1\n" at 0..0
            Secret "Secret"
                v1
                + "apiVersion: v1\n" at 0..0
            Ingress "Ingress"
                networking.k8s.io/v1
                + "apiVersion: networking.k8s.io/v1\n" at 0..0
            Pod "Pod"
                v1
                + "apiVersion: v1\n" at 0..0
            StatefulSet "StatefulSet"
                apps/v1
                + "apiVersion: apps/v1\n" at 0..0
            DaemonSet "DaemonSet"
                apps/v1
                + "apiVersion: apps/v1\n" at 0..0
            Job "Job"
                batch/v1
                + "apiVersion: batch/v1\n" at 0..0
            CronJob "CronJob"
                batch/v1
                + "apiVersion: batch/v1\n" at 0..0
            … 68 more
        "#]],
    );
    let all = labels("kind: $0\n");
    assert!(all.contains(&"Namespace".to_string()) && !all.contains(&"APIGroup".to_string()), "{all:?}");
    // With an apiVersion, the kinds it serves come first and need no other edit.
    check(
        Ask::CompleteDetail,
        "apiVersion: batch/v1\nkind: $0\n",
        expect![[r#"
            Job "Job"
                batch/v1
            CronJob "CronJob"
                batch/v1
            Deployment "Deployment"
                apps/v1
                + "apps/v1" at 12..20
            Service "Service"
                v1
                + "v1" at 12..20
            ConfigMap "ConfigMap"
                v1
                + "v1" at 12..20
            Secret "Secret"
                v1
                + "v1" at 12..20
            Ingress "Ingress"
                networking.k8s.io/v1
                + "networking.k8s.io/v1" at 12..20
            Pod "Pod"
                v1
                + "v1" at 12..20
            StatefulSet "StatefulSet"
                apps/v1
                + "apps/v1" at 12..20
            DaemonSet "DaemonSet"
                apps/v1
                + "apps/v1" at 12..20
            … 68 more
        "#]],
    );
}

#[test]
fn api_version_values() {
    check(
        Ask::Complete,
        "apiVersion: $0\nkind: HorizontalPodAutoscaler\n",
        expect![[r#"
        autoscaling/v2 "autoscaling/v2"
        autoscaling/v1 "autoscaling/v1"
    "#]],
    );
    let all = labels("apiVersion: $0\n");
    assert_eq!(all[0], "v1");
    assert!(all.contains(&"apps/v1".to_string()) && all.contains(&"batch/v1".to_string()));
}

#[test]
fn skeletons_in_an_empty_document() {
    let (text, offset) = cursor("# new file\n$0");
    let items = complete(&parse(&text), offset, kb());
    let mut sorted: Vec<&CompletionItem> = items.iter().collect();
    sorted.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    let names: Vec<&str> = sorted.iter().map(|i| i.label.as_str()).collect();
    expect!["Deployment Service Ingress ConfigMap Secret Job CronJob StatefulSet DaemonSet PersistentVolumeClaim HorizontalPodAutoscaler PodDisruptionBudget NetworkPolicy ServiceAccount Role RoleBinding apiVersion kind metadata"].assert_eq(&names.join(" "));
    let service = sorted.iter().find(|i| i.label == "Service").unwrap();
    assert!(service.snippet);
    expect![[r#"
        apiVersion: v1
        kind: Service
        metadata:
          name: ${1:app}
        spec:
          type: ${2:ClusterIP}
          selector:
            app: ${1:app}
          ports:
            - name: ${3:http}
              port: ${4:80}
              targetPort: ${5:8080}$0"#]]
    .assert_eq(&service.edit.text);
    let multi = labels("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n$0\n");
    assert!(multi.contains(&"Deployment".to_string()) && multi.contains(&"kind".to_string()), "{multi:?}");
}

#[test]
fn skeletons_are_valid_manifests_in_any_indentation() {
    for unit in [2, 4] {
        for s in skeletons::SKELETONS {
            let text = skeletons::snippet_to_text(&s.render(unit));
            let file = parse(&text);
            assert!(file.errors.is_empty(), "{} ({unit}): {:?}\n{text}", s.kind, file.errors);
            let doc = &file.documents[0];
            assert_eq!(doc.kind.as_ref().map(|k| k.0.as_str()), Some(s.kind));
            assert_eq!(doc.api_version.as_ref().map(|k| k.0.as_str()), Some(s.api_version));
            let kind = kb().schema.kind_for(s.api_version, s.kind).unwrap();
            for (path, _) in doc.pairs() {
                let Some(p) = model::schema_path(&path) else { continue };
                assert!(kb().schema.resolve_in(kind, &p).is_ok(), "{}: {p} is not in the schema", s.kind);
            }
        }
    }
}

#[test]
fn completion_in_the_second_document() {
    let text = "apiVersion: v1\nkind: Service\nspec:\n  type: ClusterIP\n---\napiVersion: batch/v1\nkind: CronJob\nspec:\n  concurrencyPolicy: $0\n";
    assert_eq!(labels(text), ["Allow", "Forbid", "Replace"]);
    let service =
        "apiVersion: v1\nkind: Service\nspec:\n  type: $0\n---\napiVersion: batch/v1\nkind: CronJob\n";
    assert!(labels(service).contains(&"LoadBalancer".to_string()));
}

#[test]
fn resolve_gives_the_hover_markdown() {
    let (text, offset) = cursor("apiVersion: apps/v1\nkind: Deployment\nspec:\n  $0\n");
    let items = complete(&parse(&text), offset, kb());
    let strategy = items.iter().find(|i| i.label == "strategy").unwrap();
    let docs = resolve_docs(kb(), strategy.docs.as_ref().unwrap()).unwrap();
    let (text, offset) = cursor("apiVersion: apps/v1\nkind: Deployment\nspec:\n  stra$0tegy: {}\n");
    assert_eq!(docs, hover(&parse(&text), offset, kb()).unwrap().markdown);
}

// ---------------------------------------------------------------------------------------------
// Symbols and positions

#[test]
fn symbols_per_document() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n---\n# only a comment\n---\nkind: Service\n";
    let mut out = String::new();
    for s in document_symbols(&parse(text)) {
        let _ = writeln!(out, "{} {:?} {:?} {}", s.name, s.detail, s.kind, s.range);
        for c in s.children {
            let _ = writeln!(out, "  {} {:?} {:?} {}", c.name, c.detail, c.kind, c.range);
        }
    }
    expect![[r#"
        Deployment/web Some("apps/v1 · shop") Resource 0..96
          apiVersion Some("apps/v1") Scalar 0..19
          kind Some("Deployment") Scalar 20..36
          metadata None Object 37..76
          spec None Object 77..96
        Service None Resource 122..135
          kind Some("Service") Scalar 122..135
    "#]]
    .assert_eq(&out);
}

#[test]
fn utf16_columns_after_emoji_and_cjk() {
    // A hover asked at a UTF-16 column after non-ASCII text lands on the right key.
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations: {note: \"😀 配置\", owner: x}\ndata:\n  key: v\n";
    let file = parse(text);
    let index = file.line_index();
    let line = 3;
    let line_text = text.lines().nth(line).unwrap();
    let owner_byte = line_text.find("owner").unwrap();
    let utf16_col = line_text[..owner_byte].encode_utf16().count() as u32;
    // 😀 is 4 bytes and 2 UTF-16 units; 配 and 置 are 3 bytes and 1 unit each.
    assert_eq!(utf16_col as usize, owner_byte - (4 - 2) - 2 * (3 - 1));
    let offset = index.offset(LineCol { line: line as u32, col: utf16_col }, Encoding::Utf16);
    assert_eq!(&text[offset..offset + 5], "owner");
    let h = hover(&file, offset, kb()).unwrap();
    assert_eq!(h.subject, "ConfigMap.metadata.annotations[owner]");
    let start = index.line_col(h.range.start, Encoding::Utf16);
    assert_eq!(start, LineCol { line: line as u32, col: utf16_col });
    // In UTF-8 the same place is its byte column.
    assert_eq!(index.line_col(h.range.start, Encoding::Utf8).col as usize, owner_byte);
}

// ---------------------------------------------------------------------------------------------
// Lists and custom resources (issue 12)

#[test]
fn hover_and_completion_in_a_list_item_see_the_item_s_kind() {
    let list = "apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: a}\n  data:\n    x: '1'\n";
    let (text, offset) = cursor(&list.replace("  data:", "  da$0ta:"));
    let h = hover(&parse(&text), offset, kb()).expect("hover in an item");
    assert_eq!(h.subject, "ConfigMap.data");
    let mixed = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web}\n  spec:\n    $0\n";
    let keys = labels(mixed);
    assert!(keys.contains(&"replicas".to_string()) && keys.contains(&"selector".to_string()), "{keys:?}");
    let typed = "apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: a}\n  $0\n";
    let keys = labels(typed);
    assert!(keys.contains(&"binaryData".to_string()) && keys.contains(&"immutable".to_string()), "{keys:?}");
}

/// The fixture knowledge base with a CRD in the shapes controller-gen writes.
fn crd_kb() -> &'static Knowledge {
    static KB: OnceLock<Knowledge> = OnceLock::new();
    KB.get_or_init(|| {
        let crd = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
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
            properties:
              replicas:
                type: integer
                format: int32
                minimum: 1
                maximum: 10
                x-kubernetes-validations:
                - rule: self % 2 == 1
                  message: replicas must be odd
              port:
                anyOf: [{type: integer}, {type: string}]
                x-kubernetes-int-or-string: true
              source:
                type: object
                oneOf: [{required: [url]}, {required: [path]}]
                properties:
                  url: {type: string}
                  path: {type: string}
              template:
                type: object
                x-kubernetes-embedded-resource: true
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
";
        let source = kref_corpus::schema::import_crds("gadgets.yaml", crd.as_bytes()).unwrap();
        Knowledge::new(Arc::new(Schema::builtin().with_overlay(&source)), &[], None, KubeVersion::new(1, 33))
    })
}

const GADGET: &str = "apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
spec:
  replicas: 3
  port: web
  source: {url: x}
  template:
    apiVersion: v1
";

#[test]
fn hover_in_a_custom_resource_shows_its_schema_s_validations() {
    let at = |needle: &str| {
        let (text, offset) = cursor(&GADGET.replacen(needle, &format!("$0{needle}"), 1));
        hover(&parse(&text), offset, crd_kb()).map(|h| h.markdown).unwrap_or_default()
    };
    let replicas = at("replicas");
    assert!(replicas.contains("`integer`"), "{replicas}");
    assert!(replicas.contains("**Validation:** format `int32` · ≥ 1 · ≤ 10"), "{replicas}");
    assert!(replicas.contains("replicas must be odd"), "{replicas}");
    let port = at("port");
    assert!(port.contains("`int-or-string`"), "{port}");
    let source = at("source");
    assert!(source.contains("sets exactly one of `url`, `path`"), "{source}");
}

#[test]
fn completion_in_a_custom_resource_knows_embedded_objects() {
    let (text, offset) = cursor(&GADGET.replace("    apiVersion: v1\n", "    apiVersion: v1\n    $0\n"));
    let items: Vec<String> = complete(&parse(&text), offset, crd_kb()).into_iter().map(|i| i.label).collect();
    for key in ["kind", "metadata", "spec"] {
        assert!(items.contains(&key.to_string()), "{key} in {items:?}");
    }
}

#[test]
fn completion_quotes_values_yaml_1_1_reads_as_something_else() {
    // The checker reads `y`, `0x1F` or `1_000` written plain as a boolean or an integer: the
    // completion of a string field's values must quote them.
    let crd = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: switches.example.com}
spec:
  group: example.com
  names: {kind: Switch, plural: switches}
  scope: Namespaced
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
            properties:
              mode:
                type: string
                enum: ['y', 'n', '0x1F', '0o17', '1_000', '.inf', '~', 'on', 'auto', '25%']
";
    let source = kref_corpus::schema::import_crds("switches.yaml", crd.as_bytes()).unwrap();
    let kb =
        Knowledge::new(Arc::new(Schema::builtin().with_overlay(&source)), &[], None, KubeVersion::new(1, 33));
    let (text, offset) =
        cursor("apiVersion: example.com/v1\nkind: Switch\nmetadata: {name: s}\nspec:\n  mode: $0\n");
    let items = complete(&parse(&text), offset, &kb);
    let mut inserted: Vec<(String, String)> =
        items.iter().map(|i| (i.label.clone(), i.edit.text.clone())).collect();
    inserted.sort();
    let mut want: Vec<(String, String)> = [
        ("y", "\"y\""),
        ("n", "\"n\""),
        ("0x1F", "\"0x1F\""),
        ("0o17", "\"0o17\""),
        ("1_000", "\"1_000\""),
        (".inf", "\".inf\""),
        ("~", "\"~\""),
        ("on", "\"on\""),
        ("auto", "auto"),
        ("25%", "25%"),
    ]
    .iter()
    .map(|(l, t)| (l.to_string(), t.to_string()))
    .collect();
    want.sort();
    assert_eq!(inserted, want);
    // What completion inserts, the checker reads back as the string it offered.
    for (label, text) in &inserted {
        let file = parse(&format!("mode: {text}\n"));
        let node = file.documents[0].root.as_ref().unwrap().get("mode").unwrap();
        assert_eq!(node.typed(), Some(kref_yaml::Typed::Str(label)), "{text}");
    }
}
