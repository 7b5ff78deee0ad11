//! Ranking, analysis, typo tolerance, phrases, filters and snippets on an in-memory index.

mod common;

use common::*;
use kref_corpus::Origin;
use kref_index::{DocType, Hit, Query, SNIPPET_MAX_CHARS, SearchIndex, Update};

fn highlighted(hit: &Hit) -> Vec<&str> {
    hit.snippet.highlights.iter().map(|r| &hit.snippet.text[r.clone()]).collect()
}

fn find<'a>(hits: &'a [Hit], title: &str) -> Option<&'a Hit> {
    hits.iter().find(|h| h.title == title)
}

#[test]
fn exact_title_ranks_first_and_entries_beat_sections() {
    let index = ram_index();
    let hits = search(&index, "StatefulSet");
    assert_eq!(hits[0].title, "StatefulSet", "{:?}", titles(&hits));
    assert_eq!(hits[0].doc_type, DocType::Entry);
    assert_eq!(hits[1].title, "StatefulSet", "{:?}", titles(&hits));
    assert_eq!(hits[1].doc_type, DocType::Section);
    // The section that says "StatefulSet" five times in its body still ranks below them.
    let storage = hits.iter().position(|h| h.title == "Storage for stateful Pods").unwrap();
    assert!(storage >= 2);

    let hits = search(&index, "concurrencyPolicy");
    assert_eq!(hits[0].title, "CronJob › concurrencyPolicy", "{:?}", titles(&hits));
    assert_eq!(hits[0].doc_type, DocType::Entry);

    // Case and a dotted field path do not matter for the exact match.
    let hits = search(&index, "maxsurge");
    assert_eq!(hits[0].title, "Deployment › rollingUpdate.maxSurge", "{:?}", titles(&hits));
    let hits = search(&index, "statefulset");
    assert_eq!(hits[0].title, "StatefulSet");
    assert_eq!(hits[0].doc_type, DocType::Entry);
}

#[test]
fn title_outranks_body() {
    let index = ram_index();
    let hits = search(&index, "schedule");
    // `schedule` is the field entry's own name (exact), then titles/bodies mentioning it.
    assert_eq!(hits[0].title, "CronJob › schedule", "{:?}", titles(&hits));
    let hits = search(&index, "rolling updates");
    assert_eq!(hits[0].title, "Rolling updates", "{:?}", titles(&hits));
}

#[test]
fn stemming_matches_word_forms() {
    let index = ram_index();
    let hits = search(&index, "restarting");
    let hit = find(&hits, "Restart behaviour").expect("section found");
    assert!(highlighted(hit).contains(&"restarts"), "{:?}", hit.snippet);
    let hits = search(&index, "replacing");
    assert!(find(&hits, "Deployment › strategy").is_some(), "{:?}", titles(&hits));
}

#[test]
fn identifiers_match_their_words_and_back() {
    let index = ram_index();
    // Words find the identifier.
    let hits = search(&index, "max surge");
    assert_eq!(hits[0].title, "Deployment › rollingUpdate.maxSurge", "{:?}", titles(&hits));
    let hits = search(&index, "access modes");
    assert_eq!(hits[0].title, "PersistentVolumeClaim › accessModes", "{:?}", titles(&hits));
    let hits = search(&index, "\"max surge\"");
    assert!(find(&hits, "Deployment › rollingUpdate.maxSurge").is_some(), "{:?}", titles(&hits));
    // The identifier finds the words: the "Rolling updates" section only says "max surge".
    let hits = search(&index, "maxSurge");
    assert!(find(&hits, "Rolling updates").is_some(), "{:?}", titles(&hits));
    let hit = find(&hits, "Rolling updates").unwrap();
    let marked = highlighted(hit);
    assert!(marked.contains(&"max") && marked.contains(&"surge"), "{:?}", hit.snippet);
    let hits = search(&index, "maxUnavailable");
    assert!(find(&hits, "Rolling updates").is_some(), "{:?}", titles(&hits));
    // A query for a word that only occurs inside identifiers.
    let hits = search(&index, "surge");
    assert!(find(&hits, "Deployment › rollingUpdate.maxSurge").is_some(), "{:?}", titles(&hits));
}

#[test]
fn typos_are_corrected() {
    let index = ram_index();
    let hits = search(&index, "statefulst");
    assert!(!hits.is_empty());
    assert_eq!(hits[0].title, "StatefulSet", "{:?}", titles(&hits));
    let hits = search(&index, "concurency");
    assert_eq!(hits[0].title, "CronJob › concurrencyPolicy", "{:?}", titles(&hits));
    // A transposition counts as one edit.
    let hits = search(&index, "deplyoment");
    assert_eq!(hits[0].title, "Deployment", "{:?}", titles(&hits));
    // A typo next to a correct word.
    let hits = search(&index, "exponental backoff");
    assert_eq!(hits[0].title, "Restart behaviour", "{:?}", titles(&hits));
    // Short words are not corrected (too many near neighbours), nor nonsense.
    assert!(search(&index, "pdo").is_empty());
    assert!(search(&index, "zzzzqqqq").is_empty());
}

#[test]
fn words_run_together_are_read_apart() {
    let index = ram_index();
    // Neither a word of the text nor a typo of one: two words written as one.
    let hits = search(&index, "crashloop");
    assert_eq!(hits.first().map(|h| h.title.as_str()), Some("CrashLoopBackOff"), "{:?}", titles(&hits));
    let hits = search(&index, "maxsurge");
    assert_eq!(hits[0].title, "Deployment › rollingUpdate.maxSurge", "{:?}", titles(&hits));
    // Halves shorter than three letters, or that are not words of the text, are no split.
    assert!(search(&index, "zzzzqqqq").is_empty());
    assert!(search(&index, "crashzzzz").is_empty());
}

#[test]
fn quoted_phrases_must_match_in_order() {
    let index = ram_index();
    let loose = search(&index, "rolling update");
    assert!(find(&loose, "Update order").is_some(), "{:?}", titles(&loose));
    let phrase = search(&index, "\"rolling update\"");
    assert!(!phrase.is_empty());
    assert!(find(&phrase, "Update order").is_none(), "{:?}", titles(&phrase));
    assert!(find(&phrase, "Deployment").is_some(), "{:?}", titles(&phrase));
    // A phrase stays required next to other words: "Update order" mentions nodes, not the phrase.
    let mixed = search(&index, "\"rolling update\" nodes");
    assert!(find(&mixed, "Deployment").is_some(), "{:?}", titles(&mixed));
    assert!(find(&mixed, "Update order").is_none(), "{:?}", titles(&mixed));
    // An identifier inside a phrase matches as its words. A phrase that nothing contains (as
    // happens with quotes pasted from an error message) is searched as plain words instead of
    // finding nothing.
    let hits = search(&index, "\"the RollingUpdate\"");
    assert!(find(&hits, "Deployment › strategy › RollingUpdate").is_some(), "{:?}", titles(&hits));
    let hits = search(&index, "\"by max surge\"");
    assert_eq!(titles(&hits), ["Rolling updates"]);
    let hits = search(&index, "\"by maxSurge\"");
    assert_eq!(titles(&hits), ["Rolling updates"]);
}

#[test]
fn filters_narrow_results() {
    let index = ram_index();
    let q = Query { kind: Some("cronjob".into()), ..Query::new("runs") };
    let hits = index.search(&q).unwrap();
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(hit.kinds.iter().any(|k| k == "CronJob"), "{hit:?}");
    }
    let unfiltered = search(&index, "runs");
    assert!(unfiltered.iter().any(|h| !h.kinds.iter().any(|k| k == "CronJob")));

    let q = Query { origin: Some(Origin::User), ..Query::new("update") };
    let hits = index.search(&q).unwrap();
    assert_eq!(titles(&hits), ["Update order"]);
    assert_eq!(hits[0].origin, Origin::User);
    assert_eq!(hits[0].file, "/home/me/notes/troubleshooting.md");

    let q = Query { doc_type: Some(DocType::Section), ..Query::new("StatefulSet") };
    let hits = index.search(&q).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.doc_type == DocType::Section));

    let q = Query {
        kind: Some("StatefulSet".into()),
        doc_type: Some(DocType::Entry),
        origin: Some(Origin::Builtin),
        ..Query::new("pods")
    };
    let hits = index.search(&q).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.doc_type == DocType::Entry && h.title.starts_with("StatefulSet")));

    // A filter with a phrase, and a filter matching nothing.
    let q = Query { kind: Some("deployment".into()), ..Query::new("\"rolling update\"") };
    assert!(!index.search(&q).unwrap().is_empty());
    let q = Query { kind: Some("Nope".into()), ..Query::new("pods") };
    assert!(index.search(&q).unwrap().is_empty());
}

#[test]
fn snippets_highlight_the_matched_words() {
    let index = ram_index();
    let hits = search(&index, "exponential");
    let hit = find(&hits, "Restart behaviour").unwrap();
    assert_eq!(highlighted(hit), ["exponential"]);
    assert!(hit.snippet.text.len() <= SNIPPET_MAX_CHARS);

    let hits = search(&index, "access modes");
    let section = find(&hits, "Persistent volume claims").unwrap();
    assert_eq!(highlighted(section), ["accessModes"], "{:?}", section.snippet);

    // No body match: the title is the snippet.
    let hits = search(&index, "order");
    let hit = find(&hits, "Update order").unwrap();
    assert_eq!(hit.snippet.text, "Update order");
    assert_eq!(highlighted(hit), ["order"]);

    // Long bodies are cut, and line breaks do not leak into snippets.
    let long = format!("# Long\n\n{} needle {}\n", "word ".repeat(200), "more\n".repeat(100));
    let index = SearchIndex::in_ram(docs_of("l.md", Origin::User, &long), manifest()).unwrap();
    let hits = search(&index, "needle");
    assert!(hits[0].snippet.text.len() <= SNIPPET_MAX_CHARS, "{}", hits[0].snippet.text.len());
    assert!(!hits[0].snippet.text.contains('\n'));
    assert_eq!(highlighted(&hits[0]), ["needle"]);
}

#[test]
fn odd_input_never_fails() {
    let index = ram_index();
    for odd in [
        "",
        "   ",
        "*",
        "(((",
        ")))",
        "\"",
        "\"\"",
        "\"unclosed",
        "foo:bar",
        "title:StatefulSet",
        "AND OR NOT",
        "+pods -deployment",
        "a~2 b^3 [x TO y] {a}",
        "~!@#$%^&*()_+=`|\\/?<>,.;'",
        "\u{0}\u{7f}\u{feff}",
        "ステートフルセット",
        "é",
        "🚀 pods",
    ] {
        let result = index.search(&Query::new(odd));
        assert!(result.is_ok(), "{odd:?}: {result:?}");
    }
    assert!(search(&index, "").is_empty());
    assert!(search(&index, "*").is_empty());
    assert!(search(&index, "(((").is_empty());
    assert_eq!(search(&index, "title:StatefulSet")[0].title, "StatefulSet");
    assert_eq!(titles(&search(&index, "\"rolling update")), titles(&search(&index, "\"rolling update\"")));
    let huge = "pods ".repeat(10_000);
    assert!(!search(&index, &huge).is_empty());
    let long_word = "x".repeat(5_000);
    assert!(search(&index, &long_word).is_empty());
}

#[test]
fn limits_and_hit_fields() {
    let index = ram_index();
    assert!(index.search(&Query { limit: 0, ..Query::new("pods") }).unwrap().is_empty());
    assert_eq!(index.search(&Query { limit: 2, ..Query::new("pods") }).unwrap().len(), 2);
    assert!(!index.search(&Query { limit: usize::MAX, ..Query::new("pods") }).unwrap().is_empty());

    let hits = search(&index, "RollingUpdate");
    let entry = hits
        .iter()
        .find(|h| h.id == "value:Deployment.strategy=RollingUpdate@builtin:workloads/deployment.md:7")
        .expect("entry hit");
    assert_eq!(entry.title, "Deployment › strategy › RollingUpdate");
    assert_eq!(entry.breadcrumb, "Deployment");
    assert_eq!(entry.file, "builtin:workloads/deployment.md");
    assert_eq!(entry.line, 7);
    assert_eq!(entry.kinds, ["Deployment"]);
    assert_eq!(entry.origin, Origin::Builtin);
    assert!(entry.score > 0.0);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn in_memory_update_replaces_a_files_documents() {
    let mut index = ram_index();
    let before = index.doc_count();
    assert!(!search(&index, "CrashLoopBackOff").is_empty());
    let path = "/home/me/notes/troubleshooting.md";
    let new = docs_of(path, Origin::User, "# Evictions\n\nPods are evicted under memory pressure.\n");
    let mut manifest = manifest();
    manifest.extra.insert("round".into(), "2".into());
    index.update(Update { remove_files: vec![], add: new, manifest: manifest.clone() }).unwrap();
    assert!(search(&index, "CrashLoopBackOff").is_empty());
    assert_eq!(titles(&search(&index, "evicted")), ["Evictions"]);
    assert_eq!(index.doc_count(), before - 2 + 1);
    assert_eq!(index.manifest().unwrap().extra.get("round").map(String::as_str), Some("2"));
    assert_eq!(index.manifest().unwrap().schema_version, kref_index::INDEX_SCHEMA_VERSION);

    index
        .update(Update {
            remove_files: vec![path.to_string(), "builtin:storage/pvc.md".into(), "never-indexed.md".into()],
            add: vec![],
            manifest,
        })
        .unwrap();
    assert!(search(&index, "evicted").is_empty());
    assert!(search(&index, "accessModes").is_empty());
    assert!(!search(&index, "StatefulSet").is_empty());
}

#[test]
fn one_index_serves_many_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();
    let index = std::sync::Arc::new(ram_index());
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || search(&index, "StatefulSet")[0].title.clone())
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().unwrap(), "StatefulSet");
    }
}
