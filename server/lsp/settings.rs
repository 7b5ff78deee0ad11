//! The editor's settings: `initializationOptions` and `workspace/didChangeConfiguration`, read
//! leniently (a wrong type is a warning, not a failed start) into the same [`Overrides`] the CLI
//! uses, so notes and schemas come from the same places everywhere.

use std::path::PathBuf;

use serde_json::Value;
use tower_lsp_server::ls_types::InitializeParams;

use crate::analysis::diagnostics::RuleSettings;
use crate::kb::config::Overrides;

/// What the editor may set: `{ "notes": [dirs], "schemas": [files], "kubernetesVersion": "1.33",
/// "rules": {"profile": "strict", "disable": [...], "enable": [...], "severity": {...}},
/// "inlayHints": {"secretData": true, "defaults": true, "quantities": true} }`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EditorSettings {
    pub notes: Vec<PathBuf>,
    pub schemas: Vec<PathBuf>,
    pub kubernetes_version: Option<String>,
    /// Rule settings, applied over `.kref.yaml` and `config.yaml` (as `kref check`'s flags are).
    pub rules: RuleSettings,
    pub inlay_hints: HintSettings,
}

/// Which kinds of inlay hints the editor shows (each on unless switched off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintSettings {
    /// A Secret's `data` values decoded.
    pub secret_data: bool,
    /// The defaults an object relies on.
    pub defaults: bool,
    /// Quantities in plain units.
    pub quantities: bool,
}

impl Default for HintSettings {
    fn default() -> Self {
        HintSettings { secret_data: true, defaults: true, quantities: true }
    }
}

impl HintSettings {
    fn read(value: Option<&Value>, warnings: &mut Vec<String>) -> HintSettings {
        let mut out = HintSettings::default();
        let obj = match value {
            None | Some(Value::Null) => return out,
            Some(Value::Object(obj)) => obj,
            Some(other) => {
                warnings.push(format!(
                    "kref setting inlayHints should look like {{\"secretData\": true, \"defaults\": false, \
                     \"quantities\": true}}, not {other}; ignored"
                ));
                return out;
            }
        };
        for (key, v) in obj {
            let slot = match key.as_str() {
                "secretData" => &mut out.secret_data,
                "defaults" => &mut out.defaults,
                "quantities" => &mut out.quantities,
                _ => {
                    warnings.push(format!(
                        "unknown kref setting inlayHints.{key}; known ones are secretData, defaults and quantities"
                    ));
                    continue;
                }
            };
            match v {
                Value::Bool(b) => *slot = *b,
                Value::Null => {}
                other => warnings.push(format!(
                    "kref setting inlayHints.{key} should be true or false, not {other}; ignored"
                )),
            }
        }
        out
    }
}

const KEYS: [&str; 5] = ["notes", "schemas", "kubernetesVersion", "rules", "inlayHints"];

impl EditorSettings {
    /// Reads `initializationOptions` (the object itself, or `{ "kref": {...} }`). Problems come
    /// back as warnings naming the setting.
    pub fn from_init(value: Option<&Value>) -> (EditorSettings, Vec<String>) {
        match value {
            None | Some(Value::Null) => (EditorSettings::default(), Vec::new()),
            Some(v) => match v.get("kref") {
                Some(inner) => EditorSettings::read(inner),
                None => EditorSettings::read(v),
            },
        }
    }

    /// Reads the `settings` of `workspace/didChangeConfiguration`: `{ "kref": {...} }` or the
    /// object itself. `None` when it holds no kref setting (another extension's settings, or an
    /// empty object): then nothing changes.
    pub fn from_change(settings: &Value) -> Option<(EditorSettings, Vec<String>)> {
        if let Some(inner) = settings.get("kref") {
            return Some(EditorSettings::read(inner));
        }
        let obj = settings.as_object()?;
        if KEYS.iter().any(|k| obj.contains_key(*k)) { Some(EditorSettings::read(settings)) } else { None }
    }

    fn read(value: &Value) -> (EditorSettings, Vec<String>) {
        let mut warnings = Vec::new();
        let mut out = EditorSettings::default();
        let Some(obj) = value.as_object() else {
            if !value.is_null() {
                warnings.push(format!(
                    "kref settings should be an object like {{\"notes\": [\"~/notes\"]}}, not {value}; ignored"
                ));
            }
            return (out, warnings);
        };
        out.notes = paths(obj.get("notes"), "notes", &mut warnings);
        out.schemas = paths(obj.get("schemas"), "schemas", &mut warnings);
        out.kubernetes_version = match obj.get("kubernetesVersion") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => {
                if kref_corpus::schema::KubeVersion::parse(s).is_none() {
                    warnings.push(format!(
                        "kref setting kubernetesVersion {s:?} is not a version like \"1.33\"; ignored"
                    ));
                    None
                } else {
                    Some(s.trim().to_string())
                }
            }
            Some(other) => {
                warnings.push(format!(
                    "kref setting kubernetesVersion should be a string like \"1.33\" (a number loses \
                     trailing zeros), not {other}; ignored"
                ));
                None
            }
        };
        out.rules = match obj.get("rules") {
            None | Some(Value::Null) => RuleSettings::default(),
            Some(v) => serde_json::from_value(v.clone()).unwrap_or_else(|e| {
                warnings.push(format!(
                    "kref setting rules should look like {{\"profile\": \"strict\", \"disable\": [\"image-tag\"]}} \
                     ({e}); ignored"
                ));
                RuleSettings::default()
            }),
        };
        out.inlay_hints = HintSettings::read(obj.get("inlayHints"), &mut warnings);
        for key in obj.keys() {
            if !KEYS.contains(&key.as_str()) {
                warnings.push(format!(
                    "unknown kref setting {key:?}; known settings are notes, schemas, kubernetesVersion, rules \
                     and inlayHints"
                ));
            }
        }
        (out, warnings)
    }

    /// Do both settings load the same knowledge (notes, schemas, version, rules)? Inlay hint
    /// switches need no reload.
    pub fn same_knowledge(&self, other: &EditorSettings) -> bool {
        self.notes == other.notes
            && self.schemas == other.schemas
            && self.kubernetes_version == other.kubernetes_version
            && self.rules == other.rules
    }

    /// The overrides for [`crate::kb::config::load_settings`], looking for `.kref.yaml` from the
    /// workspace root.
    pub fn overrides(&self, workspace: Option<PathBuf>) -> Overrides {
        Overrides {
            notes: self.notes.clone(),
            schemas: self.schemas.clone(),
            kubernetes_version: self.kubernetes_version.clone(),
            workspace,
        }
    }
}

/// A list of paths (a single string is taken as a list of one).
fn paths(value: Option<&Value>, key: &str, warnings: &mut Vec<String>) -> Vec<PathBuf> {
    let bad = |v: &Value| format!("kref setting {key} should be a list of paths, not {v}; ignored");
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if s.is_empty() => Vec::new(),
        Some(Value::String(s)) => vec![PathBuf::from(s)],
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(s) if !s.is_empty() => out.push(PathBuf::from(s)),
                    Some(_) => {}
                    None => warnings.push(bad(item)),
                }
            }
            out
        }
        Some(other) => {
            warnings.push(bad(other));
            Vec::new()
        }
    }
}

/// Every workspace folder of an `initialize` request (else `rootUri`, else `rootPath`): the
/// folders whose manifests the cross-document rules read.
pub fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    if folders.is_empty() { workspace_root(params).into_iter().collect() } else { folders }
}

/// The workspace folder of an `initialize` request: the first workspace folder, else `rootUri`,
/// else `rootPath`.
#[allow(deprecated)]
pub fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let from_uri = |uri: &tower_lsp_server::ls_types::Uri| uri.to_file_path().map(|p| p.into_owned());
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| from_uri(&f.uri))
        .or_else(|| params.root_uri.as_ref().and_then(from_uri))
        .or_else(|| params.root_path.as_ref().filter(|p| !p.is_empty()).map(PathBuf::from))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_both_shapes() {
        let (s, w) = EditorSettings::from_init(Some(&json!({"notes": ["/n"], "kubernetesVersion": "1.31"})));
        assert_eq!(s.notes, [PathBuf::from("/n")]);
        assert_eq!(s.kubernetes_version.as_deref(), Some("1.31"));
        assert!(w.is_empty());
        let (s, _) = EditorSettings::from_init(Some(&json!({"kref": {"schemas": "/crd.yaml"}})));
        assert_eq!(s.schemas, [PathBuf::from("/crd.yaml")]);
        let (s, _) = EditorSettings::from_change(&json!({"kref": {"notes": ["/a", "/b"]}})).unwrap();
        assert_eq!(s.notes.len(), 2);
        assert!(EditorSettings::from_change(&json!({})).is_none());
        assert!(EditorSettings::from_change(&json!({"yaml": {"schemas": {}}})).is_none());
        assert!(EditorSettings::from_change(&json!(null)).is_none());
        let (s, _) = EditorSettings::from_change(&json!({"notes": []})).unwrap();
        assert!(s.notes.is_empty());
        let (s, w) =
            EditorSettings::from_change(&json!({"rules": {"profile": "strict", "disable": ["image-tag"]}}))
                .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.rules.profile.as_deref(), Some("strict"));
        assert_eq!(s.rules.disable, ["image-tag"]);
        // Inlay hint switches: each on unless set to false.
        assert_eq!(s.inlay_hints, HintSettings::default());
        let (s, w) =
            EditorSettings::from_change(&json!({"kref": {"inlayHints": {"defaults": false}}})).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.inlay_hints, HintSettings { secret_data: true, defaults: false, quantities: true });
        assert!(s.same_knowledge(&EditorSettings::default()));
    }

    #[test]
    fn wrong_types_are_warnings() {
        let (s, w) =
            EditorSettings::from_init(Some(&json!({"notes": 5, "kubernetesVersion": 1.30, "colour": 1})));
        assert_eq!(s, EditorSettings::default());
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("notes") && w[1].contains("kubernetesVersion") && w[2].contains("colour"));
        let (_, w) = EditorSettings::from_init(Some(&json!("notes")));
        assert_eq!(w.len(), 1);
        let (_, w) = EditorSettings::from_init(Some(&json!({"kubernetesVersion": "soon"})));
        assert!(w[0].contains("soon"));
        let (s, w) = EditorSettings::from_init(Some(&json!({"rules": {"disable": "image-tag"}})));
        assert_eq!(s.rules, RuleSettings::default());
        assert!(w[0].contains("rules"), "{w:?}");
        let (s, w) =
            EditorSettings::from_init(Some(&json!({"inlayHints": {"quantities": "no", "colours": true}})));
        assert_eq!(s.inlay_hints, HintSettings::default());
        assert_eq!(
            w,
            [
                "kref setting inlayHints.quantities should be true or false, not \"no\"; ignored",
                "unknown kref setting inlayHints.colours; known ones are secretData, defaults and quantities",
            ]
        );
    }
}
