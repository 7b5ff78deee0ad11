//! Named templates across a chart and its subcharts: every `define` (and `block`) by name, the
//! calls each body makes, and the names a template reaches through `include`/`template`
//! (cycles, such as a define that includes itself, end the walk rather than loop).
//!
//! Helm loads the templates of a chart and all its subcharts into one set, so a name defined
//! in a subchart's `_helpers.tpl` is visible to the parent and the other way round; when two
//! files define one name, the one Helm loads last wins (files are loaded in path order, parents
//! before subcharts). [`NamedTemplates::get`] lists every definition in that order.

use std::collections::{BTreeMap, BTreeSet};

use kref_yaml::TextRange;

use super::template::TemplateFile;

/// One definition of a named template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedDefinition {
    pub name: String,
    /// The file, as the caller named it.
    pub file: String,
    /// The name's text, without quotes.
    pub name_range: TextRange,
    /// From `{{ define` to the end of its `{{ end }}`.
    pub range: TextRange,
    pub body: TextRange,
    /// The names the body calls (`include`/`template` with a literal name).
    pub calls: Vec<String>,
    pub is_block: bool,
}

/// Every named template of a set of files.
#[derive(Debug, Clone, Default)]
pub struct NamedTemplates {
    by_name: BTreeMap<String, Vec<NamedDefinition>>,
}

impl NamedTemplates {
    /// Indexes the `define`s of `files` (`(path, parsed template)`), in the order given.
    pub fn build<'a>(files: impl IntoIterator<Item = (&'a str, &'a TemplateFile)>) -> NamedTemplates {
        let mut by_name: BTreeMap<String, Vec<NamedDefinition>> = BTreeMap::new();
        for (path, file) in files {
            for define in &file.references.defines {
                let calls: BTreeSet<String> = file
                    .references
                    .calls
                    .iter()
                    .filter(|c| define.body.contains(c.range.start))
                    .filter_map(|c| c.name.clone())
                    .collect();
                by_name.entry(define.name.clone()).or_default().push(NamedDefinition {
                    name: define.name.clone(),
                    file: path.to_string(),
                    name_range: define.name_range,
                    range: define.range,
                    body: define.body,
                    calls: calls.into_iter().collect(),
                    is_block: define.is_block,
                });
            }
        }
        NamedTemplates { by_name }
    }

    /// The definitions of `name`, in load order (the last one is the one Helm uses).
    pub fn get(&self, name: &str) -> &[NamedDefinition] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Every defined name, sorted (for completion after `include "`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Every name reachable from `name` through calls (itself excluded unless it is part of
    /// a cycle), and the names called but defined nowhere.
    pub fn reachable(&self, name: &str) -> Reach {
        let mut reach = Reach::default();
        let mut stack = vec![name.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(current) = stack.pop() {
            let definitions = self.get(&current);
            if definitions.is_empty() && current != name {
                reach.undefined.insert(current);
                continue;
            }
            for definition in definitions {
                for call in &definition.calls {
                    if call == name {
                        reach.cyclic = true;
                    }
                    if seen.insert(call.clone()) {
                        reach.names.insert(call.clone());
                        stack.push(call.clone());
                    }
                }
            }
        }
        reach.names.retain(|n| !reach.undefined.contains(n));
        reach
    }
}

/// What a named template reaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Defined names reached through calls.
    pub names: BTreeSet<String>,
    /// Names called but defined nowhere.
    pub undefined: BTreeSet<String>,
    /// True when the template calls itself, directly or through others (Helm stops such
    /// recursion at a fixed depth with an error).
    pub cyclic: bool,
}
