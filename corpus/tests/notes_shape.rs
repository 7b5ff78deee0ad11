//! The notes parser on a fixture in the seed notes' shape (written in our own words).

use kref_corpus::{Origin, Subject, parse_note};

fn fixture() -> kref_corpus::Note {
    parse_note("seed-shaped.md", Origin::User, include_str!("fixtures/seed-shaped.md"))
}

fn has(note: &kref_corpus::Note, key: &str) -> bool {
    note.entries.iter().any(|e| e.subject.key() == key)
}

#[test]
fn every_kind_in_the_list_is_an_entry() {
    let note = fixture();
    for kind in [
        "Pod",
        "Deployment",
        "Job",
        "CronJob",
        "PersistentVolumeClaim",
        "Service",
        "Secret",
        "Affinity",
        "PodAntiAffinity",
    ] {
        assert!(has(&note, &format!("kind:{kind}")), "no entry for {kind}");
    }
}

#[test]
fn fields_and_values_resolve() {
    let note = fixture();
    for key in [
        "field:Deployment.strategy",
        "value:Deployment.strategy=RollingUpdate",
        "value:Deployment.strategy=Recreate",
        "field:PersistentVolumeClaim.accessModes",
        "value:PersistentVolumeClaim.accessModes=ReadWriteMany",
        "field:CronJob.concurrencyPolicy",
        "value:CronJob.concurrencyPolicy=Forbid",
        "value:Job.restartPolicy=Never",
        "value:Service.*=ClusterIP",
        "value:Secret.*=kubernetes.io/tls",
        "term:kubelet",
    ] {
        assert!(has(&note, key), "{key} missing");
    }
    let recreate =
        note.entries.iter().find(|e| e.subject.key() == "value:Deployment.strategy=Recreate").unwrap();
    assert_eq!(recreate.text, "everything old goes away first, so expect a gap.");
    assert_eq!(recreate.line, 17);
    assert_eq!(recreate.section_id, "seed-shaped.md#cluster-notebook-basics-objects-apps");
    let never = note.entries.iter().find(|e| e.subject.key() == "value:Job.restartPolicy=Never").unwrap();
    assert!(never.inline && never.text.starts_with("new pod"), "{}", never.text);
}

#[test]
fn sections_carry_heading_paths_lines_code_and_tables() {
    let note = fixture();
    let apps = note.sections.iter().find(|s| s.title == "Apps").unwrap();
    assert_eq!(apps.heading_path, ["Cluster notebook", "Basics", "Objects", "Apps"]);
    assert_eq!(apps.kinds, ["Pod", "Deployment", "Job", "CronJob"]);
    assert!(apps.fields.contains(&"concurrencyPolicy".to_string()));
    let commands = note.sections.iter().find(|s| s.title == "Handy commands").unwrap();
    assert_eq!(commands.code[0].lang, "bash");
    assert!(commands.text.contains("kubectl get events -w"));
    assert!(commands.text.contains("scale out"), "tables are searchable: {}", commands.text);
    let crash = note.sections.iter().find(|s| s.title == "CrashLoopBackOff").unwrap();
    assert_eq!(crash.terms, ["CrashLoopBackOff"]);
    assert_eq!(crash.heading_path, ["Cluster notebook", "Trouble", "CrashLoopBackOff"]);
    assert!(crash.markdown.starts_with("#### CrashLoopBackOff"));
    assert_eq!(crash.line_end as usize, include_str!("fixtures/seed-shaped.md").lines().count());
}

#[test]
fn plain_items_do_not_become_entries() {
    let note = fixture();
    assert!(
        !note
            .entries
            .iter()
            .any(|e| matches!(&e.subject, Subject::Term { term } if term == "container runtime"))
    );
}
