//! Where a file sits in a Helm chart, from its path relative to the chart's folder: one notion
//! of a chart's layout for the project layout (file classes, units) and the Helm module
//! (templates, values, subcharts). Paths use `/`.

/// What a file is to its chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileRole {
    ChartYaml,
    ChartLock,
    /// `requirements.yaml` / `requirements.lock` of a `v1` chart.
    Requirements,
    /// `values.yaml` and other `values*.yaml` at the chart's root.
    Values,
    ValuesSchema,
    /// A file under `templates/` that Helm renders into manifests.
    Template,
    /// A file under `templates/` whose name starts with `_`: named templates only.
    Helper,
    /// `templates/NOTES.txt`: text shown after install, not a manifest.
    Notes,
    /// A file under `crds/`: plain manifests installed before the templates, never templated.
    Crd,
    /// `ci/*.yaml`: values files chart-testing installs the chart with.
    CiValues,
    /// `charts/*.tgz`: a packaged subchart (not readable here).
    SubchartArchive,
    HelmIgnore,
    Other,
}

/// The role of a file from its path relative to its chart's folder.
pub fn role(relative: &str) -> FileRole {
    let relative = relative.trim_start_matches("./");
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let top = relative.split('/').next().unwrap_or("");
    let nested = relative.contains('/');
    match (top, nested) {
        ("Chart.yaml", false) => FileRole::ChartYaml,
        ("Chart.lock", false) => FileRole::ChartLock,
        ("requirements.yaml" | "requirements.lock", false) => FileRole::Requirements,
        ("values.schema.json", false) => FileRole::ValuesSchema,
        (".helmignore", false) => FileRole::HelmIgnore,
        (_, false) if name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml")) => {
            FileRole::Values
        }
        ("templates", true) if name == "NOTES.txt" => FileRole::Notes,
        ("templates", true) if name.starts_with('_') => FileRole::Helper,
        ("templates", true) => FileRole::Template,
        ("crds", true) => FileRole::Crd,
        ("ci", true) if relative.matches('/').count() == 1 => FileRole::CiValues,
        ("charts", true) if relative.matches('/').count() == 1 && name.ends_with(".tgz") => {
            FileRole::SubchartArchive
        }
        _ => FileRole::Other,
    }
}
