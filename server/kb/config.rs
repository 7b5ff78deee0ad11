//! Settings from `config.yaml` (user), `.kref.yaml` (workspace), environment variables and flags.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// The settings file as written by the user. Unknown keys are rejected so typos are caught.
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigFile {
    /// Folders of the user's own notes.
    pub notes: Vec<PathBuf>,
    /// OpenAPI documents or CRD manifests to load beside the built-in schema.
    pub schemas: Vec<PathBuf>,
    /// Target Kubernetes version for lifecycle checks, e.g. `"1.33"`.
    pub kubernetes_version: Option<String>,
    /// Diagnostics: `rules: {profile, enable, disable, severity}` (see `kref check`).
    pub rules: crate::analysis::diagnostics::RuleSettings,
    /// Deployment units for the cross-document rules, for layouts kref cannot infer: each
    /// `{name, paths}` groups the files under `paths` (folders, files or globs).
    pub units: Vec<UnitConfig>,
}

/// One `units:` entry of a settings file.
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UnitConfig {
    /// A name for messages (defaults to the first path).
    pub name: Option<String>,
    /// Folders, files or globs (`*`, `**`), relative to the settings file's folder.
    pub paths: Vec<PathBuf>,
}

/// Everything the knowledge base is built from, after merging all sources.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Settings {
    /// Note folders, in priority order, without duplicates.
    pub notes: Vec<PathBuf>,
    pub schemas: Vec<PathBuf>,
    pub kubernetes_version: Option<String>,
    /// Declared deployment units, paths made absolute.
    pub units: Vec<crate::analysis::model::project::DeclaredUnit>,
    /// The files the settings were read from, for messages.
    pub sources: Vec<PathBuf>,
}

/// Where kref keeps its caches: `KREF_CACHE_DIR`, else `$XDG_CACHE_HOME/kref`, else `~/.cache/kref`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = non_empty_env("KREF_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = non_empty_env("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("kref");
    }
    home_dir().unwrap_or_else(std::env::temp_dir).join(".cache").join("kref")
}

/// The user's config file: `KREF_CONFIG`, else `$XDG_CONFIG_HOME/kref/config.yaml`, else
/// `~/.config/kref/config.yaml`.
pub fn user_config_path() -> Option<PathBuf> {
    if let Some(path) = non_empty_env("KREF_CONFIG") {
        return Some(PathBuf::from(path));
    }
    let base = non_empty_env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home_dir().map(|h| h.join(".config")))?;
    Some(base.join("kref").join("config.yaml"))
}

fn non_empty_env(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

fn home_dir() -> Option<PathBuf> {
    non_empty_env("HOME").map(PathBuf::from)
}

/// Finds the workspace `.kref.yaml`: in `start` or the nearest ancestor that has one.
pub fn find_workspace_config(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|dir| dir.join(".kref.yaml")).find(|p| p.is_file())
}

/// Reads and checks one settings file. Relative paths in it are taken from the file's folder.
pub fn read_config_file(path: &Path) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read the config file {}", path.display()))?;
    parse_config(&text, path)
}

/// Parses settings text; `path` names the file in errors and anchors relative paths.
pub fn parse_config(text: &str, path: &Path) -> Result<ConfigFile> {
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    let mut config: ConfigFile = serde_norway::from_str(text).with_context(|| {
        format!(
            "the config file {} is not valid: expected keys `notes:` (list of folders), \
             `schemas:` (list of files), `kubernetesVersion:` (a string like \"1.33\"), `rules:` \
             (profile, enable, disable, severity) and `units:` (list of {{name, paths}}); fix or remove it",
            path.display()
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    for p in config.notes.iter_mut().chain(config.schemas.iter_mut()) {
        *p = resolve_path(base, p);
    }
    for unit in &mut config.units {
        for p in &mut unit.paths {
            *p = resolve_path(base, p);
        }
    }
    Ok(config)
}

/// Expands `~/` and makes a relative path absolute against `base`.
pub fn resolve_path(base: &Path, p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(home) = home_dir()
    {
        return home.join(rest);
    }
    if p.is_absolute() { p.to_path_buf() } else { base.join(p) }
}

/// Inputs to [`load_settings`] that come from the command line or the editor.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--notes DIR` flags or the editor's `notes` setting, first in priority.
    pub notes: Vec<PathBuf>,
    pub schemas: Vec<PathBuf>,
    pub kubernetes_version: Option<String>,
    /// Where to look for `.kref.yaml` (the current directory, or the editor's workspace root).
    pub workspace: Option<PathBuf>,
}

/// Merges flags, `KREF_NOTES`, the workspace `.kref.yaml` and the user's `config.yaml`, in that
/// order of priority. A broken config file is an error that names the file.
pub fn load_settings(overrides: &Overrides) -> Result<Settings> {
    let mut settings =
        Settings { kubernetes_version: overrides.kubernetes_version.clone(), ..Settings::default() };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    settings.notes.extend(overrides.notes.iter().map(|p| resolve_path(&cwd, p)));
    settings.schemas.extend(overrides.schemas.iter().map(|p| resolve_path(&cwd, p)));
    if let Some(list) = std::env::var_os("KREF_NOTES") {
        settings.notes.extend(
            std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| resolve_path(&cwd, &p)),
        );
    }
    let workspace = overrides.workspace.clone().unwrap_or(cwd);
    let files = [find_workspace_config(&workspace), user_config_path().filter(|p| p.is_file())];
    for path in files.into_iter().flatten() {
        let config = read_config_file(&path)?;
        settings.notes.extend(config.notes);
        settings.schemas.extend(config.schemas);
        settings.units.extend(config.units.into_iter().filter(|u| !u.paths.is_empty()).map(|u| {
            crate::analysis::model::project::DeclaredUnit {
                name: u.name.unwrap_or_else(|| u.paths[0].display().to_string()),
                paths: u.paths,
            }
        }));
        if settings.kubernetes_version.is_none() {
            settings.kubernetes_version = config.kubernetes_version;
        }
        settings.sources.push(path);
    }
    dedup_paths(&mut settings.notes);
    dedup_paths(&mut settings.schemas);
    Ok(settings)
}

fn dedup_paths(paths: &mut Vec<PathBuf>) {
    let mut seen = Vec::new();
    paths.retain(|p| {
        let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// The `rules:` sections of the workspace `.kref.yaml` (nearest `workspace`) over the user's
/// `config.yaml`: what `kref check` and the language server's diagnostics use.
pub fn rule_settings(workspace: &Path) -> Result<crate::analysis::diagnostics::RuleSettings> {
    let mut rules = crate::analysis::diagnostics::RuleSettings::default();
    for path in
        [find_workspace_config(workspace), user_config_path().filter(|p| p.is_file())].into_iter().flatten()
    {
        rules.merge_under(&read_config_file(&path)?.rules);
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves_relative_paths() {
        let cfg =
            parse_config("notes: [notes, /abs]\nkubernetesVersion: \"1.33\"\n", Path::new("/w/.kref.yaml"))
                .unwrap();
        assert_eq!(cfg.notes, [PathBuf::from("/w/notes"), PathBuf::from("/abs")]);
        assert_eq!(cfg.kubernetes_version.as_deref(), Some("1.33"));
    }

    #[test]
    fn wrong_types_name_the_file() {
        let err = parse_config("notes: 5\n", Path::new("/w/.kref.yaml")).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("/w/.kref.yaml"), "{msg}");
        assert!(msg.contains("notes"), "{msg}");
        let err = parse_config("note: [a]\n", Path::new("/c.yaml")).unwrap_err();
        assert!(format!("{err:#}").contains("unknown field"));
    }

    #[test]
    fn units_are_read_with_their_paths_made_absolute() {
        let cfg = parse_config(
            "units:\n- name: prod\n  paths: [deploy/prod, 'shared/*.yaml']\n- paths: [/abs/x]\n",
            Path::new("/w/.kref.yaml"),
        )
        .unwrap();
        assert_eq!(cfg.units.len(), 2);
        assert_eq!(cfg.units[0].name.as_deref(), Some("prod"));
        assert_eq!(cfg.units[0].paths, [PathBuf::from("/w/deploy/prod"), PathBuf::from("/w/shared/*.yaml")]);
        assert_eq!(cfg.units[1].paths, [PathBuf::from("/abs/x")]);
        let err = parse_config("units:\n- folders: [a]\n", Path::new("/w/.kref.yaml")).unwrap_err();
        assert!(format!("{err:#}").contains("unknown field"), "{err:#}");
    }

    #[test]
    fn empty_file_is_empty_config() {
        assert_eq!(parse_config("\n", Path::new("/c.yaml")).unwrap(), ConfigFile::default());
    }
}
