//! The enum facts table (`corpus/data/enums.yaml`): allowed values of enumerated fields, keyed
//! by definition and field (`io.k8s.api.batch.v1.CronJobSpec.concurrencyPolicy`), each with a
//! one-line note in our own words, the default, deprecated values and per-kind restrictions.
//!
//! The built-in schema merges the table at build time (this file is also compiled into
//! `build.rs`). [`render_table`] writes the normal form the committed file must be in.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::model::{EnumRestriction, EnumValue, SchemaSource};

/// The facts about one enumerated field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    /// The value the API server uses when the field is omitted.
    #[serde(default)]
    pub default: Option<String>,
    /// Value → one-line note. For list fields, the values of the items.
    pub values: BTreeMap<String, String>,
    /// Values that are still accepted but deprecated.
    #[serde(default)]
    pub deprecated: Vec<String>,
    /// Other values are accepted too (the listed ones are the well-known ones).
    #[serde(default)]
    pub open: bool,
    /// Narrower sets of values under some kinds.
    #[serde(default)]
    pub restrict: Vec<RestrictSpec>,
}

/// A per-kind narrowing of an enum (see [`EnumRestriction`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictSpec {
    pub kinds: Vec<String>,
    pub allowed: Vec<String>,
    pub note: String,
}

/// The whole table: `definition.field` → facts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnumTable {
    pub entries: BTreeMap<String, EnumSpec>,
}

/// The comment the normal form starts with.
const HEADER: &str = "\
# Allowed values of enumerated Kubernetes API fields, written for kref (notes in our own words).
# Key: <OpenAPI definition>.<field>. For list fields the values are those of the items.
# `default` is the value used when the field is omitted; `restrict` narrows the values under
# some kinds (a Job's pod template accepts only OnFailure and Never as restartPolicy).
# Normal form (sorted, this layout) is checked by corpus/tests/schema_enums.rs; run it with
# KREF_BLESS=1 to rewrite this file in normal form.
";

impl EnumTable {
    /// The definition and field of a key: `io.k8s.api.core.v1.PodSpec.restartPolicy` →
    /// (`io.k8s.api.core.v1.PodSpec`, `restartPolicy`).
    pub fn split_key(key: &str) -> Option<(&str, &str)> {
        key.rsplit_once('.')
    }

    /// The facts about `field` of `definition`.
    pub fn get(&self, definition: &str, field: &str) -> Option<&EnumSpec> {
        self.entries.get(&format!("{definition}.{field}"))
    }
}

/// Parses the YAML table.
pub fn parse_table(text: &str) -> Result<EnumTable, String> {
    let entries: BTreeMap<String, EnumSpec> =
        serde_norway::from_str(text).map_err(|e| match e.location() {
            Some(loc) => format!("line {}, column {}: {e}", loc.line(), loc.column()),
            None => e.to_string(),
        })?;
    Ok(EnumTable { entries })
}

/// A YAML scalar for `s`, quoted when plain style would change its meaning.
fn scalar(s: &str) -> String {
    match serde_norway::to_string(s) {
        Ok(out) => out.trim_end_matches('\n').to_string(),
        Err(_) => format!("{s:?}"),
    }
}

/// The normal form of the table: header, keys sorted, fixed layout, lists sorted.
pub fn render_table(table: &EnumTable) -> String {
    let mut out = String::from(HEADER);
    for (key, spec) in &table.entries {
        out.push('\n');
        out.push_str(&format!("{}:\n", scalar(key)));
        if let Some(default) = &spec.default {
            out.push_str(&format!("  default: {}\n", scalar(default)));
        }
        if spec.open {
            out.push_str("  open: true\n");
        }
        out.push_str("  values:\n");
        for (value, note) in &spec.values {
            out.push_str(&format!("    {}: {}\n", scalar(value), scalar(note)));
        }
        if !spec.deprecated.is_empty() {
            let mut deprecated = spec.deprecated.clone();
            deprecated.sort();
            out.push_str("  deprecated:\n");
            for value in deprecated {
                out.push_str(&format!("  - {}\n", scalar(&value)));
            }
        }
        if !spec.restrict.is_empty() {
            out.push_str("  restrict:\n");
            for r in &spec.restrict {
                out.push_str("  - kinds:\n");
                for kind in &r.kinds {
                    out.push_str(&format!("    - {}\n", scalar(kind)));
                }
                out.push_str("    allowed:\n");
                for value in &r.allowed {
                    out.push_str(&format!("    - {}\n", scalar(value)));
                }
                out.push_str(&format!("    note: {}\n", scalar(&r.note)));
            }
        }
    }
    out
}

/// Merges the table into the fields of `source`; returns the keys that match no field.
pub fn apply_table(table: &EnumTable, source: &mut SchemaSource) -> Vec<String> {
    let by_name: HashMap<String, usize> =
        source.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let mut unmatched = Vec::new();
    for (key, spec) in &table.entries {
        let Some((def, field_name)) = EnumTable::split_key(key) else {
            unmatched.push(key.clone());
            continue;
        };
        let Some(field) =
            by_name.get(def).and_then(|&i| source.types.get_mut(i)).and_then(|t| t.field_mut(field_name))
        else {
            unmatched.push(key.clone());
            continue;
        };
        field.enum_values = spec
            .values
            .iter()
            .map(|(value, note)| EnumValue {
                value: value.clone(),
                note: note.clone(),
                deprecated: spec.deprecated.contains(value),
            })
            .collect();
        field.enum_open = spec.open;
        field.restrictions = spec
            .restrict
            .iter()
            .map(|r| EnumRestriction {
                kinds: r.kinds.clone(),
                allowed: r.allowed.clone(),
                note: r.note.clone(),
            })
            .collect();
        if field.default.is_none() {
            field.default.clone_from(&spec.default);
        }
    }
    unmatched
}
