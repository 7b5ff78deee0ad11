//! API lifecycle facts (`corpus/data/lifecycle.yaml`): when an apiVersion/kind was introduced,
//! deprecated and removed, and what replaces it, including versions no longer in the schema
//! (`extensions/v1beta1` Deployment, `batch/v1beta1` CronJob, `policy/v1beta1`
//! PodSecurityPolicy, ...), so they are explained rather than reported as unknown.

use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

static TABLE: &str = include_str!("../../data/lifecycle.yaml");

/// A Kubernetes minor release: `1.25`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    pub const fn new(major: u32, minor: u32) -> KubeVersion {
        KubeVersion { major, minor }
    }

    /// Reads `1.25`, `v1.25`, `1.25.3` or `v1.25.0-rc.1` (the patch part is ignored).
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let mut parts = t.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_text: String = parts.next()?.chars().take_while(char::is_ascii_digit).collect();
        let minor = minor_text.parse().ok()?;
        Some(KubeVersion { major, minor })
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The API that replaces a deprecated one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub api_version: String,
    pub kind: String,
}

impl fmt::Display for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api_version, self.kind)
    }
}

/// The lifecycle of one apiVersion/kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    pub api_version: String,
    pub kind: String,
    pub introduced: Option<KubeVersion>,
    pub deprecated: Option<KubeVersion>,
    pub removed: Option<KubeVersion>,
    /// The API to move to; `None` when there is none (see `note`).
    pub replacement: Option<Replacement>,
    /// The replacement is served since this release (useful for "only move once your
    /// clusters are at least ...").
    pub replacement_since: Option<KubeVersion>,
    /// Extra advice in our own words (what to do when there is no replacement, what changed).
    pub note: Option<String>,
}

/// What an apiVersion/kind means for a cluster of a given version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiStatus<'a> {
    /// Served and not deprecated (or no lifecycle facts are known).
    Current,
    /// Not served yet by that release.
    NotYetIntroduced { introduced: KubeVersion },
    /// Still served, but deprecated since `since`; removal planned in `removal`.
    Deprecated { since: KubeVersion, removal: Option<KubeVersion>, replacement: Option<&'a Replacement> },
    /// No longer served since `since`.
    Removed { since: KubeVersion, replacement: Option<&'a Replacement> },
}

impl Lifecycle {
    /// The status of this API on a cluster running `target`.
    pub fn status(&self, target: KubeVersion) -> ApiStatus<'_> {
        if let Some(removed) = self.removed
            && target >= removed
        {
            return ApiStatus::Removed { since: removed, replacement: self.replacement.as_ref() };
        }
        if let Some(deprecated) = self.deprecated
            && target >= deprecated
        {
            return ApiStatus::Deprecated {
                since: deprecated,
                removal: self.removed,
                replacement: self.replacement.as_ref(),
            };
        }
        if let Some(introduced) = self.introduced
            && target < introduced
        {
            return ApiStatus::NotYetIntroduced { introduced };
        }
        ApiStatus::Current
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Row {
    api_version: String,
    kind: String,
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    deprecated: Option<String>,
    #[serde(default)]
    removed: Option<String>,
    /// `apps/v1 Deployment`
    #[serde(default)]
    replacement: Option<String>,
    #[serde(default)]
    replacement_since: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// Parses the lifecycle table (the YAML list in `corpus/data/lifecycle.yaml`).
pub fn parse_lifecycle_table(text: &str) -> Result<Vec<Lifecycle>, String> {
    let rows: Vec<Row> = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    let version = |field: &str, v: &Option<String>, row: &Row| -> Result<Option<KubeVersion>, String> {
        match v {
            None => Ok(None),
            Some(text) => KubeVersion::parse(text).map(Some).ok_or_else(|| {
                format!("{} {}: {field} {text:?} is not a version like 1.25", row.api_version, row.kind)
            }),
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let replacement = match &row.replacement {
            None => None,
            Some(text) => match text.split_once(' ') {
                Some((api_version, kind)) => {
                    Some(Replacement { api_version: api_version.to_string(), kind: kind.trim().to_string() })
                }
                None => {
                    return Err(format!(
                        "{} {}: replacement {text:?} should be \"<apiVersion> <Kind>\"",
                        row.api_version, row.kind
                    ));
                }
            },
        };
        out.push(Lifecycle {
            api_version: row.api_version.clone(),
            kind: row.kind.clone(),
            introduced: version("introduced", &row.introduced, row)?,
            deprecated: version("deprecated", &row.deprecated, row)?,
            removed: version("removed", &row.removed, row)?,
            replacement,
            replacement_since: version("replacementSince", &row.replacement_since, row)?,
            note: row.note.clone(),
        });
    }
    Ok(out)
}

/// Every lifecycle fact kref knows, sorted by apiVersion and kind.
pub fn lifecycles() -> &'static [Lifecycle] {
    static PARSED: OnceLock<Vec<Lifecycle>> = OnceLock::new();
    PARSED.get_or_init(|| {
        // The table is ours and checked by tests; a broken one yields no facts, not a crash.
        let mut rows = parse_lifecycle_table(TABLE).unwrap_or_default();
        rows.sort_by(|a, b| (&a.api_version, &a.kind).cmp(&(&b.api_version, &b.kind)));
        rows
    })
}

/// The lifecycle facts of `api_version` (`extensions/v1beta1`) and `kind` (`Deployment`).
pub fn lifecycle(api_version: &str, kind: &str) -> Option<&'static Lifecycle> {
    let rows = lifecycles();
    rows.binary_search_by(|l| (l.api_version.as_str(), l.kind.as_str()).cmp(&(api_version, kind)))
        .ok()
        .map(|i| &rows[i])
}

/// The status of `api_version`/`kind` on a cluster running `target`; [`ApiStatus::Current`]
/// when nothing is known about it.
pub fn api_status(api_version: &str, kind: &str, target: KubeVersion) -> ApiStatus<'static> {
    lifecycle(api_version, kind).map_or(ApiStatus::Current, |l| l.status(target))
}

/// The raw text of the embedded table (for tests that check its form).
pub fn lifecycle_table_text() -> &'static str {
    TABLE
}
