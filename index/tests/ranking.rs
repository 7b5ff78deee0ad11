//! The ranking mechanisms of issue 17 on small hand-made indexes: identifier pieces weigh less
//! than words, schema documents yield to notes on questions in words, phrasings (`aliases`)
//! answer for their documents, pasted quotes do not empty a search, answers with a summary, and
//! "did you mean".

mod common;

use common::*;
use kref_corpus::Origin;
use kref_index::{Doc, DocType, Hit, Query, SearchIndex, answer, first_sentence, prior, subject_of};

fn schema_doc(title: &str, body: &str) -> Doc {
    let kind = title.split('.').next().unwrap().to_string();
    Doc {
        id: format!("schema:field:{title}"),
        doc_type: DocType::Schema,
        origin: Origin::Builtin,
        file: "schema:builtin".into(),
        line: 0,
        title: title.into(),
        breadcrumb: kind.clone(),
        kinds: vec![kind],
        body: body.into(),
        tags: vec![title.rsplit('.').next().unwrap().trim_end_matches("[]").to_string()],
        aliases: Vec::new(),
        prior: prior::SCHEMA,
        within: None,
    }
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

const SECRETS: &str = "\
# Keeping passwords

Store a database password in a Secret and read it from the Pod; never bake it into the image.
";

const ROLLING: &str = "\
# Rolling updates

A Deployment replaces its Pods gradually: new Pods start before old Pods stop, so the app stays up.
";

#[test]
fn pieces_of_identifiers_weigh_less_than_words() {
    let mut docs = docs_of("builtin:secrets.md", Origin::Builtin, SECRETS);
    docs.push(schema_doc(
        "Pod.spec.volumes[].awsElasticBlockStore",
        "An AWS disk attached to the node and exposed to the Pod; store data on it.",
    ));
    let index = SearchIndex::in_ram(docs, manifest()).unwrap();
    // "store" in prose beats "store" as the last piece of `awsElasticBlockStore`.
    let hits = search(&index, "how do I store a database password for a pod");
    assert_eq!(hits[0].title, "Keeping passwords", "{:?}", ids(&hits));
    // The identifier itself, whole or as its words, still finds the schema document first.
    for q in ["awsElasticBlockStore", "elastic block store"] {
        let hits = search(&index, q);
        assert_eq!(
            hits[0].id,
            "schema:field:Pod.spec.volumes[].awsElasticBlockStore",
            "{q}: {:?}",
            ids(&hits)
        );
    }
}

#[test]
fn schema_documents_yield_to_notes_on_questions_in_words() {
    let mut docs = docs_of("builtin:rolling.md", Origin::Builtin, ROLLING);
    docs.push(schema_doc(
        "Deployment.spec.strategy.rollingUpdate",
        "Rolling update config params. Present only if the strategy type is RollingUpdate; a rolling update replaces Pods.",
    ));
    let index = SearchIndex::in_ram(docs, manifest()).unwrap();
    // (Words that spell a field's name, "rolling update" for `rollingUpdate`, name it.)
    let hits = search(&index, "how are pods replaced gradually");
    assert_eq!(hits[0].title, "Rolling updates", "{:?}", ids(&hits));
    // Naming the field makes the schema document compete (and win on its own name).
    let hits = search(&index, "rollingUpdate replace pods");
    assert_eq!(hits[0].id, "schema:field:Deployment.spec.strategy.rollingUpdate", "{:?}", ids(&hits));
}

#[test]
fn aliases_answer_for_their_note() {
    let isolation = "---\naliases: [forbid traffic, isolate teams]\n---\n# Team fences\n\nEach team gets a policy object.\n";
    let mut docs = docs_of("/notes/fences.md", Origin::User, isolation);
    docs.extend(docs_of(
        "/notes/basics.md",
        Origin::User,
        "# Networking basics\n\nTraffic flows between Pods by default.\n",
    ));
    let index = SearchIndex::in_ram(docs, manifest()).unwrap();
    let hits = search(&index, "forbid traffic");
    assert_eq!(hits[0].title, "Team fences", "{:?}", ids(&hits));
    let hits = search(&index, "how to isolate teams");
    assert_eq!(hits[0].title, "Team fences", "{:?}", ids(&hits));
    // In any order, and stemmed.
    let hits = search(&index, "traffic forbidden");
    assert_eq!(hits[0].title, "Team fences", "{:?}", ids(&hits));
}

#[test]
fn quotes_pasted_from_an_error_do_not_empty_the_search() {
    let index = ram_index();
    // The quoted words never stand together, so as a phrase they match nothing.
    let hits = search(&index, "error: \"StatefulSet stable storage\" not found");
    assert!(!hits.is_empty());
    assert!(hits.iter().take(3).any(|h| h.title.contains("StatefulSet") || h.title.contains("stateful")));
}

#[test]
fn agreeing_hits_give_an_answer_with_a_summary() {
    let mut docs = all_docs();
    docs.push(schema_doc(
        "CronJob.spec.concurrencyPolicy",
        "Specifies how to treat concurrent executions of a Job. Valid values are listed.\nAllowed values: Allow, Forbid, Replace",
    ));
    let index = SearchIndex::in_ram(docs, manifest()).unwrap();
    let hits = search(&index, "concurrencyPolicy");
    let a = answer(&hits).unwrap_or_else(|| panic!("no answer: {:?}", ids(&hits)));
    assert_eq!(a.hit, 0);
    assert_eq!(a.subject.display(), "CronJob › concurrencyPolicy");
    assert_eq!(a.title, "CronJob › concurrencyPolicy");
    assert_eq!(a.values, ["Allow", "Forbid", "Replace"]);
    assert!(a.summary.starts_with("Allowed values: Allow, Forbid, Replace. "), "{}", a.summary);
    assert!(a.summary.contains("What happens when a run is still going at the next tick"), "{}", a.summary);
    let schema = hits.iter().find(|h| h.doc_type == DocType::Schema).unwrap();
    assert_eq!(schema.values, ["Allow", "Forbid", "Replace"]);
    assert_eq!(schema.summary, "Specifies how to treat concurrent executions of a Job.");

    // Hits about different things give no answer.
    let hits = search(&index, "pods");
    assert!(answer(&hits).is_none(), "{:?}", ids(&hits));
}

#[test]
fn subjects_of_entries_and_schema_documents() {
    let index = ram_index();
    let hits = search(&index, "maxSurge");
    let s = subject_of(&hits[0]).unwrap();
    assert_eq!((s.kind.as_str(), s.field.as_deref()), ("Deployment", Some("maxSurge")));
    let s = subject_of(&schema_hit("Pod.spec.containers[].imagePullPolicy")).unwrap();
    assert_eq!((s.kind.as_str(), s.field.as_deref()), ("Pod", Some("imagePullPolicy")));
    let hits = search(&index, "StatefulSet");
    assert_eq!(subject_of(&hits[0]).unwrap().display(), "StatefulSet");
    let section = hits.iter().find(|h| h.doc_type == DocType::Section).unwrap();
    assert!(subject_of(section).is_none());
}

fn schema_hit(title: &str) -> Hit {
    let index = SearchIndex::in_ram(vec![schema_doc(title, "A field.")], manifest()).unwrap();
    search(&index, title).remove(0)
}

#[test]
fn first_sentences() {
    assert_eq!(first_sentence("One. Two."), "One.");
    assert_eq!(first_sentence("Use `Forbid`, e.g. for backups. Then more."), "Use Forbid, e.g. for backups.");
    assert_eq!(first_sentence("**Bold** line\nwrapped here"), "Bold line wrapped here");
    assert_eq!(first_sentence("the replacement method. More."), "The replacement method.");
    let long = "word ".repeat(100);
    let s = first_sentence(&long);
    assert!(s.len() <= kref_index::SUMMARY_MAX_CHARS + 3 && s.ends_with('…'), "{s}");
}

#[test]
fn did_you_mean_offers_close_words_that_find_something() {
    let index = ram_index();
    // Two edits away from "statefulset" at eight letters: the search corrects it itself.
    assert!(!search(&index, "statfulst").is_empty());
    // Too far for the search (two edits in a seven-letter word), close enough to offer.
    assert!(search(&index, "shedlue").is_empty());
    assert_eq!(index.suggest("shedlue").unwrap(), ["schedule"]);
    let suggestions = index.suggest("cronjob shedlue").unwrap();
    assert_eq!(suggestions.first().map(String::as_str), Some("cronjob schedule"), "{suggestions:?}");
    // Nothing close: nothing offered.
    assert!(index.suggest("zzzzqqqq").unwrap().is_empty());
    // Every word known: nothing to offer.
    assert!(index.suggest("cronjob schedule").unwrap().is_empty());
    // A limit of one hit still returns the best.
    let hits = index.search(&Query { limit: 1, ..Query::new("cronjob") }).unwrap();
    assert_eq!(hits.len(), 1);
}
