//! The views' JSON shapes, pinned: field names and order (fields are only ever added), and the
//! fixtures the VS Code client type-checks its own declarations against
//! (`editors/vscode/src/test/fixtures/*.json`, read by `src/test/views.test.ts`). After a
//! deliberate change to a view, `UPDATE_EXPECT=1 cargo test --lib views` rewrites them; the
//! client's test then says which TypeScript declarations to update.

use std::sync::Arc;

use expect_test::{expect, expect_file};
use kref_corpus::schema::{KubeVersion, Schema};
use kref_corpus::{Origin, parse_note};
use kref_index::{DocType, Hit, Snippet};
use serde::Serialize;
use serde_json::Value;

use super::*;
use crate::Knowledge;

fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap() + "\n"
}

/// The field names of a JSON object, in order.
fn keys(value: &Value) -> String {
    value.as_object().unwrap().keys().cloned().collect::<Vec<_>>().join(" ")
}

fn hit(id: &str, doc_type: DocType, title: &str, summary: &str, values: &[&str]) -> Hit {
    Hit {
        id: id.to_string(),
        doc_type,
        origin: Origin::Builtin,
        title: title.to_string(),
        breadcrumb: "CronJob › Fields".to_string(),
        file: id.split_once('@').map_or("schema:builtin", |(_, l)| l.rsplit_once(':').unwrap().0).to_string(),
        line: 17,
        kinds: vec!["CronJob".to_string()],
        score: 12.5,
        snippet: Snippet {
            text: "What to do when the previous run is still active".into(),
            highlights: std::iter::once(0..4).collect(),
        },
        summary: summary.to_string(),
        values: values.iter().map(|v| (*v).to_string()).collect(),
    }
}

fn sample_search() -> SearchView {
    let hits = [
        hit(
            "field:CronJob.concurrencyPolicy@builtin:workloads/cronjob.md:17",
            DocType::Entry,
            "CronJob › concurrencyPolicy",
            "What to do when the previous run is still active.",
            &[],
        ),
        hit(
            "schema:field:CronJob.spec.concurrencyPolicy",
            DocType::Schema,
            "CronJob.spec.concurrencyPolicy",
            "Specifies how to treat concurrent executions of a Job.",
            &["Allow", "Forbid", "Replace"],
        ),
    ];
    SearchView::new("concurrencyPolicy", &hits, &[])
}

#[test]
fn search_view_json() {
    let view = sample_search();
    expect_file!["../../../../editors/vscode/src/test/fixtures/search.json"].assert_eq(&pretty(&view));
    let nothing = SearchView::new("nmespce", &[], &["namespace".to_string()]);
    expect_file!["../../../../editors/vscode/src/test/fixtures/search-nothing.json"]
        .assert_eq(&pretty(&nothing));
    let json = serde_json::to_value(&view).unwrap();
    expect!["query results answer did_you_mean"].assert_eq(&keys(&json));
    expect!["rank id type source title breadcrumb path line kinds score snippet highlights summary values"]
        .assert_eq(&keys(&json["results"][0]));
    expect!["rank id title subject kind field summary values"].assert_eq(&keys(&json["answer"]));
    // Views read back what they write (the web's tests and scripts parse them).
    assert_eq!(serde_json::from_value::<SearchView>(json).unwrap(), view);
    // The answer first, then the rest by rank.
    let (answer, rest) = view.answer_first();
    assert_eq!(answer.map(|(a, h)| (a.rank, h.id.as_str())), Some((1, view.results[0].id.as_str())));
    assert_eq!(rest.iter().map(|h| h.rank).collect::<Vec<_>>(), [2]);
    assert_eq!(
        view.results[0].snippet_parts()[..2],
        [("What", true), (" to do when the previous run is still active", false)]
    );
}

#[test]
fn snippet_parts_skip_bad_ranges() {
    let mut view = sample_search().results.remove(0);
    view.snippet = "héllo world".into();
    // Inside `é`, reversed, past the end, overlapping: all skipped; the text stays whole.
    view.highlights = vec![[2, 3], [7, 6], [8, 99], [7, 12], [6, 8]];
    let parts = view.snippet_parts();
    assert_eq!(parts.iter().map(|(t, _)| *t).collect::<String>(), "héllo world");
    assert_eq!(parts, [("héllo ", false), ("world", true)]);
}

const NOTE: &str = "# Backups\n\nNightly backups with `CronJob`.\n\n- `CronJob`: runs the backups\n  - `concurrencyPolicy`: use `Forbid` for backups\n\n## Restore\n\nRestore from the latest one.\n";

#[test]
fn section_view_json() {
    let note = parse_note("/home/me/notes/backups.md", Origin::User, NOTE);
    let notes = vec![note];
    let schema = Schema::builtin();
    let view = SectionView::find(&notes, schema, "Restore").unwrap();
    expect_file!["../../../../editors/vscode/src/test/fixtures/show.json"].assert_eq(&pretty(&view));
    // By id, by entry id (the section around the line), by path (the first section).
    assert_eq!(SectionView::find(&notes, schema, &view.id).unwrap(), view);
    let entry =
        SectionView::find(&notes, schema, "field:CronJob.concurrencyPolicy@/home/me/notes/backups.md:6");
    assert_eq!(entry.unwrap().title, "Backups");
    assert_eq!(SectionView::find(&notes, schema, "/home/me/notes/backups.md").unwrap().title, "Backups");
    assert_eq!(SectionView::find(&notes, schema, "  "), None);
    let field = SectionView::find(&notes, schema, "schema:field:CronJob.spec.concurrencyPolicy").unwrap();
    assert_eq!(
        (field.title.as_str(), field.line_start, field.kinds.as_slice()),
        ("CronJob.spec.concurrencyPolicy", 0, &["CronJob".to_string()][..])
    );
    assert!(field.markdown.contains("- `Forbid`"), "{}", field.markdown);
    expect!["id title breadcrumb source path line_start line_end kinds markdown"]
        .assert_eq(&keys(&serde_json::to_value(&field).unwrap()));
}

#[test]
fn explain_at_view_json() {
    let view = ExplainAtView {
        path: "Deployment.spec.replicas".into(),
        markdown: "**replicas** `integer`\n\nNumber of desired pods.".into(),
    };
    expect_file!["../../../../editors/vscode/src/test/fixtures/explain.json"].assert_eq(&pretty(&view));
}

fn knowledge() -> Knowledge {
    let note = parse_note("/home/me/notes/backups.md", Origin::User, NOTE);
    Knowledge::new(Arc::new(Schema::builtin().clone()), &[note], None, KubeVersion::new(1, 37))
}

fn explain(kb: &Knowledge, resource: &str, api_version: Option<&str>) -> ExplainView {
    let target = ExplainTarget { resource: resource.into(), api_version: api_version.map(str::to_string) };
    explain_view(kb, &resolve_target(&kb.schema, &target).unwrap())
}

#[test]
fn explain_view_of_a_field() {
    let kb = knowledge();
    let view = explain(&kb, "cj.spec.concurrencyPolicy", None);
    let json = serde_json::to_value(&view).unwrap();
    expect![[r#"kind apiVersion source path type required default deprecated enum description notes fields group version plural short_names namespaced source_text field lifecycle breadcrumbs preferred_version"#]]
        .assert_eq(&keys(&json));
    assert_eq!(view.path, "CronJob.spec.concurrencyPolicy");
    assert_eq!(view.field.as_deref(), Some("concurrencyPolicy"));
    assert_eq!(
        view.values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(),
        ["Allow", "Forbid", "Replace"]
    );
    assert!(view.values.iter().all(|v| !v.note.is_empty()), "every allowed value has a note");
    // The user's note first, with an id `kref show` takes.
    let first = &view.notes[0];
    assert_eq!((first.source.as_str(), first.line), ("user", 6));
    assert_eq!(first.id, "field:CronJob.concurrencyPolicy@/home/me/notes/backups.md:6");
    assert_eq!(first.subject, "CronJob › concurrencyPolicy");
    expect!["source path line text id subject section"].assert_eq(&keys(&json["notes"][0]));
    let crumbs: Vec<(&str, &str)> =
        view.breadcrumbs.iter().map(|c| (c.name.as_str(), c.target.as_str())).collect();
    assert_eq!(
        crumbs,
        [
            ("CronJob", "CronJob"),
            ("spec", "CronJob.spec"),
            ("concurrencyPolicy", "CronJob.spec.concurrencyPolicy")
        ]
    );
    assert!(view.fields.is_empty() && view.preferred_version);
    assert_eq!(view.default.as_deref(), Some("Allow"));
}

#[test]
fn explain_view_of_a_kind_and_of_lists() {
    let kb = knowledge();
    let view = explain(&kb, "deployments", None);
    assert_eq!(
        (view.kind.as_str(), view.api_version.as_str(), view.type_name.as_str()),
        ("Deployment", "apps/v1", "Object")
    );
    assert_eq!(
        (view.group.as_str(), view.plural.as_str(), view.short_names.as_slice()),
        ("apps", "deployments", &["deploy".to_string()][..])
    );
    let spec = view.fields.iter().find(|f| f.name == "spec").unwrap();
    assert_eq!((spec.target.as_str(), spec.object), ("Deployment.spec", true));
    expect!["name type required enum description target object default"]
        .assert_eq(&keys(&serde_json::to_value(spec).unwrap()));
    // Lists: the targets drop the `[]` so that they resolve again.
    let ports = explain(&kb, "pod.spec.containers.ports", None);
    assert_eq!(ports.path, "Pod.spec.containers[].ports");
    let protocol = ports.fields.iter().find(|f| f.name == "protocol").unwrap();
    assert_eq!(protocol.target, "Pod.spec.containers.ports.protocol");
    assert_eq!(explain(&kb, &protocol.target, None).values.len(), 3);
    assert_eq!(ports.breadcrumbs.last().unwrap().target, "Pod.spec.containers.ports");
    // Another version than the preferred one says so.
    let hpa = explain(&kb, "hpa", Some("autoscaling/v1"));
    assert!(!hpa.preferred_version && explain(&kb, "hpa", None).preferred_version);
}

#[test]
fn explain_view_of_a_map_key_holding_dots() {
    // The key `app.kubernetes.io/name` is one label, not three fields (the path was split at
    // its dots before).
    let kb = knowledge();
    let view = explain(&kb, "deploy.metadata.labels[app.kubernetes.io/name]", None);
    let crumbs: Vec<&str> = view.breadcrumbs.iter().map(|c| c.target.as_str()).collect();
    assert_eq!(crumbs, ["Deployment", "Deployment.metadata", "Deployment.metadata.labels"], "{}", view.path);
}

#[test]
fn explain_targets_that_do_not_resolve() {
    let schema = Schema::builtin();
    let target = |r: &str| ExplainTarget { resource: r.into(), api_version: None };
    let err = resolve_target(schema, &target("deplyment")).unwrap_err().to_string();
    assert!(err.contains("did you mean Deployment"), "{err}");
    let err = resolve_target(schema, &target("deploy.spec.replica")).unwrap_err().to_string();
    assert!(err.contains("replicas"), "{err}");
    let v = ExplainTarget { resource: "hpa".into(), api_version: Some("nope/v9".into()) };
    assert!(resolve_target(schema, &v).unwrap_err().to_string().contains("autoscaling/v2"));
}

#[test]
fn rules_and_kinds_views() {
    let rules = rule_views();
    let tag = rules.iter().find(|r| r.id == "image-tag").unwrap();
    assert_eq!((tag.severity.as_str(), tag.note.as_str()), ("warning", "builtin:rules/image-tag.md"));
    expect!["id severity profile category summary pod_security kube_linter kube_score polaris note"]
        .assert_eq(&keys(&serde_json::to_value(tag).unwrap()));
    let kinds = kinds_view(Schema::builtin());
    assert_eq!(kinds.groups[0].group, "", "the core group first");
    assert!(kinds.groups[0].kinds.iter().any(|k| k.kind == "Pod" && k.preferred && k.builtin));
    let autoscaling = kinds.groups.iter().find(|g| g.group == "autoscaling").unwrap();
    let hpas: Vec<(&str, bool)> = autoscaling
        .kinds
        .iter()
        .filter(|k| k.kind == "HorizontalPodAutoscaler")
        .map(|k| (k.api_version.as_str(), k.preferred))
        .collect();
    assert_eq!(hpas, [("autoscaling/v2", true), ("autoscaling/v1", false)]);
    assert_eq!(kinds.count, kinds.groups.iter().map(|g| g.kinds.len()).sum::<usize>());
    expect!["kind api_version plural short_names namespaced subresource source builtin preferred deprecated"]
        .assert_eq(&keys(&serde_json::to_value(&kinds.groups[0].kinds[0]).unwrap()));
}

#[test]
fn export_doc_json() {
    let note = parse_note("/home/me/notes/backups.md", Origin::User, NOTE);
    let docs = kref_index::docs_from_note(&note);
    let doc = ExportDoc::new(&docs[0]);
    expect!["id type title breadcrumb kinds text source path line tags aliases prior"]
        .assert_eq(&keys(&serde_json::to_value(&doc).unwrap()));
    assert_eq!((doc.source.as_str(), doc.path.as_str(), doc.line), ("user", "/home/me/notes/backups.md", 1));
}
