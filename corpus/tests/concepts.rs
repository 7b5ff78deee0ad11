//! The built-in concept layer (`corpus/notes/concepts.yaml`): it parses, and every answer of every
//! concept points to a note, section or entry that exists, so a renamed heading or a moved note
//! cannot leave phrasings pointing at nothing.

use std::collections::HashSet;

use kref_corpus::builtin::{self, PATH_PREFIX};
use kref_corpus::concepts::{self, Target};

#[test]
fn the_concepts_file_parses() {
    let concepts = concepts::parse(builtin::concepts_source()).unwrap();
    assert!(concepts.len() >= 50, "only {} concepts", concepts.len());
    // What build.rs embedded is the file as it is now.
    assert_eq!(concepts::builtin(), concepts.as_slice());
    let groups: usize = concepts.iter().filter(|c| !c.words.is_empty()).count();
    assert!(groups > 10 && concepts::synonyms()["pvc"].contains(&"persistentvolumeclaim".to_string()));
    let rules = concepts::folder_phrasings().iter().find(|(f, _)| f == "rules/").expect("rules/ phrasings");
    assert!(rules.1.contains(&"warning".to_string()));
    let mut names = HashSet::new();
    for c in &concepts {
        assert!(names.insert(c.concept.as_str()), "concept {:?} is there twice", c.concept);
        for p in &c.phrasings {
            assert_eq!(p.trim(), p, "{:?}: phrasing {p:?} has spaces around it", c.concept);
            assert!(!p.is_empty(), "{:?}: empty phrasing", c.concept);
            assert_eq!(&p.to_lowercase(), p, "{:?}: phrasing {p:?} is not lower case", c.concept);
            assert!(p.split_whitespace().count() <= 6, "{:?}: phrasing {p:?} is a sentence", c.concept);
        }
    }
}

#[test]
fn every_concept_points_to_existing_notes() {
    let notes = builtin::notes();
    let paths: HashSet<&str> = notes.iter().map(|n| n.path.as_str()).collect();
    let sections: HashSet<&str> = notes.iter().flat_map(|n| &n.sections).map(|s| s.id.as_str()).collect();
    let entries: HashSet<String> = notes.iter().flat_map(|n| &n.entries).map(|e| e.subject.key()).collect();
    let mut missing = Vec::new();
    for concept in concepts::builtin() {
        for (answer, target) in concept.answers.iter().zip(concept.targets()) {
            let found = match target {
                Target::Section(id) => sections.contains(format!("{PATH_PREFIX}{id}").as_str()),
                Target::Note(path) => paths.contains(format!("{PATH_PREFIX}{path}").as_str()),
                Target::Folder(prefix) => {
                    let prefix = format!("{PATH_PREFIX}{prefix}");
                    paths.iter().any(|p| p.starts_with(&prefix))
                }
                Target::Entry(key) => entries.contains(key),
            };
            if !found {
                missing.push(format!("{:?}: {answer}", concept.concept));
            }
        }
    }
    assert!(missing.is_empty(), "concept answers that point to nothing:\n{}", missing.join("\n"));
}

#[test]
fn the_concepts_file_is_not_read_as_a_note() {
    assert!(!builtin::files().iter().any(|f| f.rel_path == concepts::CONCEPTS_FILE));
    assert!(!builtin::concepts_source().is_empty());
}
