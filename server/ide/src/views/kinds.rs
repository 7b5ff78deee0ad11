//! The kinds view: every kind of the schema (built-in and imported) by API group.

use std::collections::BTreeMap;

use kref_corpus::schema::{KindSource, Schema, lifecycle};
use serde::{Deserialize, Serialize};

/// Every kind, grouped by API group: the core group first, then by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindsView {
    pub groups: Vec<KindGroup>,
    /// How many kinds in all.
    pub count: usize,
}

/// The kinds of one API group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindGroup {
    /// The group's name (empty for the core group).
    pub group: String,
    pub kinds: Vec<KindRow>,
}

/// One kind of one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindRow {
    pub kind: String,
    pub api_version: String,
    pub plural: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
    /// Only reachable as a subresource of another resource (`Scale`, `Eviction`).
    pub subresource: bool,
    /// `built-in` or the import it comes from.
    pub source: String,
    pub builtin: bool,
    /// The version the kind's name resolves to without an apiVersion.
    pub preferred: bool,
    /// Deprecated in this Kubernetes release, when it is.
    pub deprecated: Option<String>,
}

/// The kinds view of a schema.
pub fn kinds_view(schema: &Schema) -> KindsView {
    let mut groups: BTreeMap<(bool, String), Vec<KindRow>> = BTreeMap::new();
    let mut count = 0;
    for kind in schema.kinds() {
        count += 1;
        let preferred = schema
            .kind(&kind.kind)
            .is_some_and(|k| k.group == kind.group && k.version == kind.version && k.source == kind.source);
        let deprecated = lifecycle::lifecycle(&kind.api_version(), &kind.kind)
            .and_then(|l| l.deprecated)
            .map(|v| v.to_string());
        groups.entry((!kind.group.is_empty(), kind.group.clone())).or_default().push(KindRow {
            kind: kind.kind.clone(),
            api_version: kind.api_version(),
            plural: kind.plural.clone(),
            short_names: kind.short_names.clone(),
            namespaced: kind.namespaced,
            subresource: kind.subresource,
            source: kind.source.to_string(),
            builtin: kind.source == KindSource::Builtin,
            preferred,
            deprecated,
        });
    }
    let groups = groups
        .into_iter()
        .map(|((_, group), mut kinds)| {
            // By name; the preferred version first among versions of one kind.
            kinds.sort_by(|a, b| {
                (&a.kind, !a.preferred, &a.api_version).cmp(&(&b.kind, !b.preferred, &b.api_version))
            });
            KindGroup { group, kinds }
        })
        .collect();
    KindsView { groups, count }
}
