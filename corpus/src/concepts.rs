//! The concept layer: the words people use for a topic (`password`, `forbid traffic`, `right-size
//! requests`) and the notes that answer it (the Secret note, NetworkPolicy, the
//! VerticalPodAutoscaler). Kept as data beside the notes (`corpus/notes/concepts.yaml`) and
//! attached to the answering documents by the index, which searches the phrasings like titles.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::builtin::PATH_PREFIX;

/// The built-in concepts file, relative to `corpus/notes/`.
pub const CONCEPTS_FILE: &str = "concepts.yaml";

/// One concept: phrasings and the documents they point to.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// What the concept is, for people reading the file and for error messages.
    pub concept: String,
    /// Words and short phrases people use for it, lower case.
    pub phrasings: Vec<String>,
    /// The documents that answer it (see [`Target`]).
    pub answers: Vec<String>,
    /// Single words that mean the same (`pvc`, `persistentvolumeclaim`): a search for one also
    /// looks for the others.
    #[serde(default)]
    pub words: Vec<String>,
}

/// What an answer of a concept points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// `workloads/job.md#job-pitfalls`: that section (a section id without `builtin:`).
    Section(&'a str),
    /// `workloads/job.md`: the note's first section, which introduces it.
    Note(&'a str),
    /// `rules/`: the first section of every note in that folder.
    Folder(&'a str),
    /// `kind:Job`, `field:Job.backoffLimit`, `value:...`, `term:...`: the entries of that subject.
    Entry(&'a str),
}

impl Concept {
    /// The targets of [`Concept::answers`].
    pub fn targets(&self) -> impl Iterator<Item = Target<'_>> {
        self.answers.iter().map(|a| target(a))
    }
}

/// Reads an answer of the concepts file.
pub fn target(answer: &str) -> Target<'_> {
    let answer = answer.strip_prefix(PATH_PREFIX).unwrap_or(answer);
    if ["kind:", "field:", "value:", "term:"].iter().any(|p| answer.starts_with(p)) {
        Target::Entry(answer)
    } else if answer.contains('#') {
        Target::Section(answer)
    } else if answer.ends_with('/') {
        Target::Folder(answer)
    } else {
        Target::Note(answer)
    }
}

/// Parses a concepts file: a YAML list of `{concept, phrasings, answers}`. `Err` says what is
/// wrong and where.
pub fn parse(yaml: &str) -> Result<Vec<Concept>, String> {
    let concepts: Vec<Concept> = serde_norway::from_str(yaml).map_err(|e| e.to_string())?;
    for c in &concepts {
        if c.phrasings.iter().all(|p| p.trim().is_empty()) {
            return Err(format!("concept {:?} has no phrasings", c.concept));
        }
        if c.answers.is_empty() {
            return Err(format!("concept {:?} has no answers", c.concept));
        }
        if let Some(w) = c
            .words
            .iter()
            .find(|w| w.is_empty() || !w.chars().all(|ch| ch.is_lowercase() || ch.is_ascii_digit()))
        {
            return Err(format!("concept {:?}: {w:?} in `words` is not one lower-case word", c.concept));
        }
    }
    Ok(concepts)
}

/// The built-in concepts, parsed from `corpus/notes/concepts.yaml` at build time (`build.rs`) and
/// decoded once per process. The file is checked by tests, so a broken one gives an empty list
/// here rather than a failing search.
pub fn builtin() -> &'static [Concept] {
    static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/concepts.bin"));
    static CONCEPTS: OnceLock<Vec<Concept>> = OnceLock::new();
    CONCEPTS.get_or_init(|| postcard::from_bytes(BLOB).unwrap_or_default())
}

/// The built-in interchangeable words: each word of a concept's `words` → the others (from a
/// blob of its own, so that a search needs no more of the layer than this).
pub fn synonyms() -> &'static HashMap<String, Vec<String>> {
    static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/concept-words.bin"));
    static SYNONYMS: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    SYNONYMS.get_or_init(|| {
        let groups: Vec<Vec<String>> = postcard::from_bytes(BLOB).unwrap_or_default();
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for group in &groups {
            for w in group {
                let others = map.entry(w.clone()).or_default();
                for o in group.iter().filter(|o| *o != w) {
                    if !others.contains(o) {
                        others.push(o.clone());
                    }
                }
            }
        }
        map
    })
}

/// The phrasings of built-in concepts answered by a whole folder (`rules/`): a question with one
/// of them is about that folder's topic (an intent). Pairs of folder and phrasings.
pub fn folder_phrasings() -> &'static [(String, Vec<String>)] {
    static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/concept-folders.bin"));
    static FOLDERS: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    FOLDERS.get_or_init(|| postcard::from_bytes(BLOB).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_by_shape() {
        assert_eq!(target("workloads/job.md#job-pitfalls"), Target::Section("workloads/job.md#job-pitfalls"));
        assert_eq!(target("builtin:workloads/job.md"), Target::Note("workloads/job.md"));
        assert_eq!(target("rules/"), Target::Folder("rules/"));
        assert_eq!(target("kind:Job"), Target::Entry("kind:Job"));
        assert_eq!(target("field:Job.backoffLimit"), Target::Entry("field:Job.backoffLimit"));
    }

    #[test]
    fn parse_checks_the_shape() {
        let ok = parse("- concept: Secret\n  phrasings: [password]\n  answers: [kind:Secret]\n").unwrap();
        assert_eq!(ok[0].phrasings, ["password"]);
        assert!(
            parse("- concept: X\n  phrasings: []\n  answers: [kind:Secret]\n")
                .unwrap_err()
                .contains("no phrasings")
        );
        assert!(parse("- concept: X\n  phrasings: [a]\n  answers: []\n").unwrap_err().contains("no answers"));
        assert!(parse("- concept: X\n  phrasings: [a]\n  answers: [kind:X]\n  typo: 1\n").is_err());
        let words = parse(
            "- concept: X\n  phrasings: [a]\n  answers: [kind:X]\n  words: [pvc, persistentvolumeclaim]\n",
        );
        assert_eq!(words.unwrap()[0].words, ["pvc", "persistentvolumeclaim"]);
        assert!(
            parse("- concept: X\n  phrasings: [a]\n  answers: [kind:X]\n  words: [two words]\n").is_err()
        );
    }
}
