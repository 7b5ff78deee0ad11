//! `Chart.yaml`: a model of its fields, a pure checker with plain findings, and the
//! documentation of every field for hover and completion.
//!
//! What is an error follows what Helm itself refuses (`helm install`, `helm lint`): a missing
//! `apiVersion`/`name`/`version`, a version Helm cannot read, a bad `type`, a malformed range,
//! wrong value types. What Helm accepts but is likely a mistake is a warning (a version that
//! is not strict SemVer 2, an unknown field, a `kubeVersion` that rejects pre-release cluster
//! versions).

use kref_yaml::{File, Node, NodeValue, Pair, TextRange};

use super::semver::{Version, is_strict_semver, parse_constraints, parse_version};
use super::typing::{HelmValue, type_of};
use super::values::closest;

/// How serious a finding is (mapped onto the diagnostics' levels by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingSeverity {
    Error,
    Warning,
    Info,
    Hint,
}

/// A value with the range it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

/// A chart maintainer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Maintainer {
    pub name: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub range: TextRange,
}

/// One `import-values` item: a child key exported under `exports`, or a child/parent pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportValue {
    Exported(Spanned<String>),
    Mapped { child: Option<Spanned<String>>, parent: Option<Spanned<String>> },
}

/// A chart dependency.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dependency {
    pub name: Option<Spanned<String>>,
    /// A version range (`^1.2.0`, `~2.x`).
    pub version: Option<Spanned<String>>,
    pub repository: Option<Spanned<String>>,
    /// Comma-separated values paths; the first that resolves to a boolean decides.
    pub condition: Option<Spanned<String>>,
    pub tags: Vec<Spanned<String>>,
    pub enabled: Option<Spanned<bool>>,
    pub alias: Option<Spanned<String>>,
    pub import_values: Vec<ImportValue>,
    pub range: TextRange,
}

impl Dependency {
    /// The key its values live under in the parent chart: the alias, else the name.
    pub fn values_key(&self) -> Option<&str> {
        self.alias.as_ref().or(self.name.as_ref()).map(|s| s.value.as_str())
    }

    /// The values paths named by `condition`.
    pub fn condition_paths(&self) -> Vec<&str> {
        self.condition
            .as_ref()
            .map_or_else(Vec::new, |c| c.value.split(',').map(str::trim).filter(|p| !p.is_empty()).collect())
    }
}

/// A parsed `Chart.yaml`.
#[derive(Debug, Clone)]
pub struct ChartYaml {
    pub yaml: File,
    pub api_version: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
    pub app_version: Option<Spanned<String>>,
    pub kube_version: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    /// `application` or `library`.
    pub chart_type: Option<Spanned<String>>,
    pub home: Option<Spanned<String>>,
    pub icon: Option<Spanned<String>>,
    pub sources: Vec<Spanned<String>>,
    pub keywords: Vec<Spanned<String>>,
    pub maintainers: Vec<Maintainer>,
    pub dependencies: Vec<Dependency>,
    pub deprecated: Option<Spanned<bool>>,
    pub annotations: Vec<(Spanned<String>, Spanned<String>)>,
    pub condition: Option<Spanned<String>>,
    pub tags: Option<Spanned<String>>,
}

impl ChartYaml {
    /// Reads the fields of a `Chart.yaml` (anything, never fails; values of the wrong type are
    /// left out of the model and reported by [`check`]).
    pub fn parse(text: &str) -> ChartYaml {
        let yaml = kref_yaml::parse(text);
        let root = yaml.documents.first().and_then(|d| d.root.as_ref());
        let get = |key: &str| root.and_then(|r| r.get(key)).and_then(string);
        let list = |key: &str| root.and_then(|r| r.get(key)).map(strings).unwrap_or_default();
        let maintainers = root
            .and_then(|r| r.get("maintainers"))
            .and_then(Node::as_sequence)
            .unwrap_or(&[])
            .iter()
            .map(|item| Maintainer {
                name: item.get("name").and_then(string),
                email: item.get("email").and_then(string),
                url: item.get("url").and_then(string),
                range: item.range,
            })
            .collect();
        let dependencies = root
            .and_then(|r| r.get("dependencies"))
            .and_then(Node::as_sequence)
            .unwrap_or(&[])
            .iter()
            .map(dependency)
            .collect();
        let annotations = root
            .and_then(|r| r.get("annotations"))
            .and_then(Node::as_mapping)
            .unwrap_or(&[])
            .iter()
            .filter_map(|p| {
                let value = string(&p.value)?;
                Some((Spanned { value: p.key.text.clone(), range: p.key_range }, value))
            })
            .collect();
        ChartYaml {
            api_version: get("apiVersion"),
            name: get("name"),
            version: get("version"),
            app_version: get("appVersion"),
            kube_version: get("kubeVersion"),
            description: get("description"),
            chart_type: get("type"),
            home: get("home"),
            icon: get("icon"),
            condition: get("condition"),
            tags: get("tags"),
            sources: list("sources"),
            keywords: list("keywords"),
            deprecated: root.and_then(|r| r.get("deprecated")).and_then(boolean),
            maintainers,
            dependencies,
            annotations,
            yaml: yaml.clone(),
        }
    }

    /// True for `type: library`.
    pub fn is_library(&self) -> bool {
        self.chart_type.as_ref().is_some_and(|t| t.value == "library")
    }

    /// The chart version, when Helm can read it.
    pub fn parsed_version(&self) -> Option<Version> {
        parse_version(&self.version.as_ref()?.value).ok()
    }
}

fn dependency(item: &Node) -> Dependency {
    let mut dep = Dependency {
        name: item.get("name").and_then(string),
        version: item.get("version").and_then(string),
        repository: item.get("repository").and_then(string),
        condition: item.get("condition").and_then(string),
        alias: item.get("alias").and_then(string),
        enabled: item.get("enabled").and_then(boolean),
        tags: item.get("tags").map(strings).unwrap_or_default(),
        range: item.range,
        ..Dependency::default()
    };
    if let Some(items) = item.get("import-values").and_then(Node::as_sequence) {
        dep.import_values = items
            .iter()
            .filter_map(|i| match &i.value {
                NodeValue::Scalar(_) => string(i).map(ImportValue::Exported),
                NodeValue::Mapping(_) => Some(ImportValue::Mapped {
                    child: i.get("child").and_then(string),
                    parent: i.get("parent").and_then(string),
                }),
                _ => None,
            })
            .collect();
    }
    dep
}

/// A scalar read as a string when Helm reads it as one (quoted, or a plain word that is not
/// a number, boolean or null).
fn string(node: &Node) -> Option<Spanned<String>> {
    let scalar = node.as_scalar()?;
    match type_of(node) {
        HelmValue::String(value) => Some(Spanned { value, range: scalar.raw_range }),
        _ => None,
    }
}

fn boolean(node: &Node) -> Option<Spanned<bool>> {
    match type_of(node) {
        HelmValue::Bool(value) => Some(Spanned { value, range: node.range }),
        _ => None,
    }
}

fn strings(node: &Node) -> Vec<Spanned<String>> {
    node.as_sequence().map_or_else(Vec::new, |items| items.iter().filter_map(string).collect())
}

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartFindingKind {
    /// The file is not a YAML mapping (or has syntax errors; those come from the parser).
    NotAMapping,
    /// A required field (`apiVersion`, `name`, `version`, a maintainer's or dependency's
    /// `name`) is absent or empty.
    MissingField,
    InvalidApiVersion,
    /// A name Helm refuses (path separators, `.`/`..`).
    InvalidName,
    /// A name Helm accepts but its conventions do not (upper case, underscores).
    NameConvention,
    /// A version Helm cannot read.
    InvalidVersion,
    /// A version Helm reads but that is not strict SemVer 2 (`v1.2.3`, `1.2`).
    VersionNotStrict,
    /// `type` other than `application` or `library`.
    InvalidChartType,
    /// A field only `apiVersion: v2` allows, in a `v1` chart.
    FieldNeedsV2,
    /// A dependency version range Helm cannot read.
    InvalidVersionRange,
    /// A `kubeVersion` constraint Helm cannot read.
    InvalidKubeVersion,
    /// A `kubeVersion` lower bound without `-0`, which rejects pre-release cluster versions
    /// (`v1.29.1-eks-1234`, `v1.30.2-gke.1587003`).
    KubeVersionExcludesPrerelease,
    UnknownField,
    WrongType,
    /// A dependency alias with characters Helm refuses.
    InvalidAlias,
    /// Two dependencies with the same name or alias.
    DuplicateDependency,
    /// A dependency `condition` that is not a list of values paths.
    InvalidCondition,
    /// A dependency repository that is not a URL Helm can fetch from.
    InvalidRepository,
    InvalidImportValues,
    /// An email or URL Helm's linter refuses.
    InvalidContact,
}

/// A problem in `Chart.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFinding {
    pub kind: ChartFindingKind,
    pub severity: FindingSeverity,
    /// A sentence without a trailing period.
    pub message: String,
    pub range: TextRange,
    /// A replacement for the text at `range` that fixes it, when there is an obvious one.
    pub replacement: Option<String>,
}

/// The expected shape of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    String,
    Bool,
    StringList,
    StringMap,
    Maintainers,
    Dependencies,
    ImportValues,
}

impl FieldKind {
    pub fn describe(self) -> &'static str {
        match self {
            FieldKind::String => "a string",
            FieldKind::Bool => "true or false",
            FieldKind::StringList => "a list of strings",
            FieldKind::StringMap => "a mapping of strings",
            FieldKind::Maintainers => "a list of maintainers (name, email, url)",
            FieldKind::Dependencies => "a list of dependencies",
            FieldKind::ImportValues => "a list of names or child/parent pairs",
        }
    }
}

/// Documentation of one field of `Chart.yaml`, in our own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartField {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Markdown, one or two sentences.
    pub doc: &'static str,
    /// Allowed values with a note each (empty when any value goes).
    pub values: &'static [(&'static str, &'static str)],
    /// An example value as it would be written.
    pub example: &'static str,
}

const fn field(
    name: &'static str,
    kind: FieldKind,
    required: bool,
    doc: &'static str,
    example: &'static str,
) -> ChartField {
    ChartField { name, kind, required, doc, values: &[], example }
}

/// The top-level fields of `Chart.yaml`.
pub static CHART_FIELDS: &[ChartField] = &[
    ChartField {
        name: "apiVersion",
        kind: FieldKind::String,
        required: true,
        doc: "The chart format. `v2` is the format of Helm 3 and later (dependencies and `type` live in `Chart.yaml`); `v1` is the Helm 2 format, still installable, with dependencies in a separate `requirements.yaml`.",
        values: &[
            ("v2", "Helm 3 chart format; use it for every new chart."),
            ("v1", "Helm 2 chart format; no `dependencies` or `type` here."),
        ],
        example: "v2",
    },
    field(
        "name",
        FieldKind::String,
        true,
        "The chart's name: lower-case letters, digits and dashes by convention, and it should match the chart's folder. It is `.Chart.Name` in templates and the default base of resource names.",
        "my-app",
    ),
    field(
        "version",
        FieldKind::String,
        true,
        "The chart's own version, in SemVer 2 (`1.4.0`, `2.0.0-rc.1`). Bump it on every change to the chart; repositories and `helm upgrade` compare it. Quote it so YAML does not read `1.10` as a number.",
        "\"0.1.0\"",
    ),
    field(
        "appVersion",
        FieldKind::String,
        false,
        "The version of the application the chart deploys, free-form (`1.25.3`, `v2024.05`). Templates often use it as the default image tag (`.Chart.AppVersion`). Quote it: unquoted `1.10` becomes the number 1.1.",
        "\"1.16.0\"",
    ),
    field(
        "kubeVersion",
        FieldKind::String,
        false,
        "A version range of Kubernetes the chart supports (`>=1.25.0-0`); Helm refuses to install on clusters outside it. Add `-0` to lower bounds so clusters that report pre-release versions (`v1.29.1-eks-...`) match.",
        "\">=1.25.0-0\"",
    ),
    field(
        "description",
        FieldKind::String,
        false,
        "A one-sentence summary of the chart, shown by `helm search`.",
        "A web application",
    ),
    ChartField {
        name: "type",
        kind: FieldKind::String,
        required: false,
        doc: "What the chart is for (`apiVersion: v2` only). Absent means `application`.",
        values: &[
            ("application", "Default: a chart that installs resources."),
            (
                "library",
                "Only named templates for other charts to include; it renders no manifests and cannot be installed.",
            ),
        ],
        example: "application",
    },
    field(
        "keywords",
        FieldKind::StringList,
        false,
        "Words that help people find the chart in a repository search.",
        "[web, nginx]",
    ),
    field("home", FieldKind::String, false, "The URL of the project's home page.", "https://example.com"),
    field(
        "sources",
        FieldKind::StringList,
        false,
        "URLs of the source code of the chart or the application (each a full URL with a scheme).",
        "[https://github.com/example/app]",
    ),
    field(
        "dependencies",
        FieldKind::Dependencies,
        false,
        "Other charts this chart installs with it (`apiVersion: v2`). `helm dependency update` downloads them into `charts/`; each one's values sit under its name (or alias) in this chart's values.",
        "- name: redis\n  version: ^18.0.0\n  repository: https://charts.example.com",
    ),
    field(
        "maintainers",
        FieldKind::Maintainers,
        false,
        "People who maintain the chart: each with a `name`, and optionally an `email` and a `url`.",
        "- name: Jane Doe\n  email: jane@example.com",
    ),
    field(
        "icon",
        FieldKind::String,
        false,
        "A URL of an SVG or PNG image shown by chart repositories and catalogues.",
        "https://example.com/icon.svg",
    ),
    field(
        "deprecated",
        FieldKind::Bool,
        false,
        "`true` marks the chart as no longer maintained; repositories and `helm search` flag it.",
        "false",
    ),
    field(
        "annotations",
        FieldKind::StringMap,
        false,
        "Free-form string key/value data for tools (Artifact Hub reads `artifacthub.io/...` keys). Helm itself ignores them.",
        "category: Database",
    ),
    field(
        "condition",
        FieldKind::String,
        false,
        "Legacy: a values path that enables this chart when it is used as a subchart. Set `condition` on the parent's dependency entry instead.",
        "myapp.enabled",
    ),
    field(
        "tags",
        FieldKind::String,
        false,
        "Legacy: tags that enable this chart when it is used as a subchart. Set `tags` on the parent's dependency entry instead.",
        "backend",
    ),
];

/// The fields of a `maintainers` item.
pub static MAINTAINER_FIELDS: &[ChartField] = &[
    field("name", FieldKind::String, true, "The maintainer's name or handle.", "Jane Doe"),
    field("email", FieldKind::String, false, "An email address to reach the maintainer.", "jane@example.com"),
    field(
        "url",
        FieldKind::String,
        false,
        "A URL for the maintainer (a profile page, a website).",
        "https://example.com/jane",
    ),
];

/// The fields of a `dependencies` item.
pub static DEPENDENCY_FIELDS: &[ChartField] = &[
    field(
        "name",
        FieldKind::String,
        true,
        "The dependency chart's name, as its own `Chart.yaml` writes it.",
        "redis",
    ),
    field(
        "version",
        FieldKind::String,
        false,
        "A version or range of versions of the dependency (`1.2.3`, `^1.2.0`, `~1.2`, `>=1.0.0 <2.0.0`); `helm dependency update` picks the newest that matches and records it in `Chart.lock`.",
        "^18.0.0",
    ),
    field(
        "repository",
        FieldKind::String,
        false,
        "Where to fetch the dependency: a chart repository URL (`https://...`), an OCI registry (`oci://...`), a local folder (`file://../other`), or a repository alias added with `helm repo add` (`@name`). Leave it empty when the chart is vendored under `charts/`.",
        "https://charts.example.com",
    ),
    field(
        "condition",
        FieldKind::String,
        false,
        "Values paths separated by commas (`redis.enabled,global.redis.enabled`); the first that holds a boolean decides whether the dependency is installed.",
        "redis.enabled",
    ),
    field(
        "tags",
        FieldKind::StringList,
        false,
        "Tags for switching groups of dependencies on and off together through `tags:` in the values; a `condition` that resolves wins over tags.",
        "[backend]",
    ),
    field(
        "enabled",
        FieldKind::Bool,
        false,
        "Whether the dependency is installed when neither a condition nor tags decide.",
        "true",
    ),
    field(
        "alias",
        FieldKind::String,
        false,
        "Another name for the dependency: its values live under this key and `.Chart.Name` becomes it, so one chart can be used twice. Letters, digits, `-` and `_` only.",
        "cache",
    ),
    field(
        "import-values",
        FieldKind::ImportValues,
        false,
        "Values to copy from the dependency into this chart's values: names of keys the child lists under `exports`, or `child`/`parent` pairs of paths.",
        "- child: service\n  parent: cacheService",
    ),
];

/// The documentation of a field at `path` (`["dependencies", "alias"]`; list indexes are left
/// out).
pub fn field_doc(path: &[&str]) -> Option<&'static ChartField> {
    match path {
        [name] => CHART_FIELDS.iter().find(|f| f.name == *name),
        ["maintainers", name] => MAINTAINER_FIELDS.iter().find(|f| f.name == *name),
        ["dependencies", name] => DEPENDENCY_FIELDS.iter().find(|f| f.name == *name),
        _ => None,
    }
}

/// The fields that can be written in the mapping at `path` (`[]`, `["maintainers"]`,
/// `["dependencies"]`), for completion.
pub fn fields_at(path: &[&str]) -> &'static [ChartField] {
    match path {
        [] => CHART_FIELDS,
        ["maintainers"] => MAINTAINER_FIELDS,
        ["dependencies"] => DEPENDENCY_FIELDS,
        _ => &[],
    }
}

/// Checks a parsed `Chart.yaml`.
pub fn check(chart: &ChartYaml) -> Vec<ChartFinding> {
    let mut out = Findings(Vec::new());
    let root = chart.yaml.documents.first().and_then(|d| d.root.as_ref());
    let Some(pairs) = root.and_then(Node::as_mapping) else {
        let range = root.map_or(TextRange::empty(0), |r| r.range);
        out.push(
            ChartFindingKind::NotAMapping,
            FindingSeverity::Error,
            "Chart.yaml must be a mapping of fields (apiVersion, name, version...)".into(),
            range,
        );
        return out.0;
    };
    let whole = root.map_or(TextRange::empty(0), |r| TextRange::new(r.range.start, r.range.start));
    shape(&mut out, pairs, CHART_FIELDS, "Chart.yaml");
    let v1 = chart.api_version.as_ref().is_some_and(|a| a.value == "v1");

    // apiVersion
    match &chart.api_version {
        None if root.and_then(|r| r.get("apiVersion")).is_none() => out.push(
            ChartFindingKind::MissingField,
            FindingSeverity::Error,
            "`apiVersion` is required: `v2` for charts made for Helm 3 and later".into(),
            whole,
        ),
        Some(api) if api.value != "v1" && api.value != "v2" => out.push_fix(
            ChartFindingKind::InvalidApiVersion,
            FindingSeverity::Error,
            format!(
                "`apiVersion: {}` is not a chart format: use `v2` (or `v1` for Helm 2 charts)",
                api.value
            ),
            api.range,
            "v2",
        ),
        _ => {}
    }

    // name
    match &chart.name {
        None if root.and_then(|r| r.get("name")).is_none() => out.push(
            ChartFindingKind::MissingField,
            FindingSeverity::Error,
            "`name` is required".into(),
            whole,
        ),
        Some(name) if name.value.trim().is_empty() => out.push(
            ChartFindingKind::MissingField,
            FindingSeverity::Error,
            "`name` is required and must not be empty".into(),
            name.range,
        ),
        Some(name) if name.value == "." || name.value == ".." || name.value.contains(['/', '\\']) => out
            .push(
                ChartFindingKind::InvalidName,
                FindingSeverity::Error,
                format!("the chart name `{}` is refused by Helm: it must not be a path", name.value),
                name.range,
            ),
        Some(name)
            if !name.value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
        {
            let fixed: String = name
                .value
                .chars()
                .map(|c| if c == '_' || c == ' ' || c == '.' { '-' } else { c.to_ascii_lowercase() })
                .collect();
            out.push_fix(
                ChartFindingKind::NameConvention,
                FindingSeverity::Warning,
                format!(
                    "chart names are lower-case letters, digits and dashes: `{fixed}` rather than `{}`",
                    name.value
                ),
                name.range,
                &fixed,
            );
        }
        _ => {}
    }

    // version
    match &chart.version {
        None if root.and_then(|r| r.get("version")).is_none() => out.push(
            ChartFindingKind::MissingField,
            FindingSeverity::Error,
            "`version` is required: the chart's own SemVer 2 version, such as \"0.1.0\"".into(),
            whole,
        ),
        Some(version) => match parse_version(&version.value) {
            Err(e) => out.push(
                ChartFindingKind::InvalidVersion,
                FindingSeverity::Error,
                format!("`{}` is not a SemVer 2 version ({e}); write MAJOR.MINOR.PATCH, such as \"1.2.0\"", version.value),
                version.range,
            ),
            Ok(parsed) if !is_strict_semver(&version.value) => out.push_fix(
                ChartFindingKind::VersionNotStrict,
                FindingSeverity::Warning,
                format!(
                    "`{}` is read by Helm as {parsed}, but chart versions should be strict SemVer 2 (MAJOR.MINOR.PATCH, no `v`)",
                    version.value
                ),
                version.range,
                &format!("\"{parsed}\""),
            ),
            Ok(_) => {}
        },
        None => {}
    }

    // type
    if let Some(kind) = &chart.chart_type {
        if kind.value != "application" && kind.value != "library" {
            let suggestion = closest(&kind.value, ["application", "library"].into_iter());
            let message = match &suggestion {
                Some(s) => format!("`type: {}` is not a chart type; did you mean `{s}`?", kind.value),
                None => format!("`type: {}` is not a chart type: use `application` or `library`", kind.value),
            };
            out.0.push(ChartFinding {
                kind: ChartFindingKind::InvalidChartType,
                severity: FindingSeverity::Error,
                message,
                range: kind.range,
                replacement: suggestion,
            });
        } else if v1 {
            out.push(
                ChartFindingKind::FieldNeedsV2,
                FindingSeverity::Error,
                "`type` needs `apiVersion: v2`".into(),
                kind.range,
            );
        }
    }

    // kubeVersion
    if let Some(kube) = &chart.kube_version {
        check_kube_version(&mut out, kube);
    }

    // maintainers
    for m in &chart.maintainers {
        match &m.name {
            Some(n) if !n.value.trim().is_empty() => {}
            _ => out.push(
                ChartFindingKind::MissingField,
                FindingSeverity::Error,
                "each maintainer needs a `name`".into(),
                m.name.as_ref().map_or(m.range, |n| n.range),
            ),
        }
        if let Some(email) = &m.email
            && !email.value.is_empty()
            && !looks_like_email(&email.value)
        {
            out.push(
                ChartFindingKind::InvalidContact,
                FindingSeverity::Error,
                format!("`{}` is not an email address", email.value),
                email.range,
            );
        }
        if let Some(url) = &m.url
            && !url.value.is_empty()
            && !looks_like_url(&url.value, false)
        {
            out.push(
                ChartFindingKind::InvalidContact,
                FindingSeverity::Error,
                format!("`{}` is not a URL", url.value),
                url.range,
            );
        }
    }
    for source in &chart.sources {
        if !looks_like_url(&source.value, true) {
            out.push(
                ChartFindingKind::InvalidContact,
                FindingSeverity::Error,
                format!("`{}` is not a full URL (with a scheme such as https://)", source.value),
                source.range,
            );
        }
    }
    if let Some(icon) = &chart.icon
        && !icon.value.is_empty()
        && !looks_like_url(&icon.value, true)
    {
        out.push(
            ChartFindingKind::InvalidContact,
            FindingSeverity::Error,
            format!("the icon `{}` is not a full URL (with a scheme such as https://)", icon.value),
            icon.range,
        );
    }

    // dependencies
    let deps_node = root.and_then(|r| r.pair("dependencies"));
    if v1 && let Some(pair) = deps_node {
        out.push(
            ChartFindingKind::FieldNeedsV2,
            FindingSeverity::Error,
            "`dependencies` in Chart.yaml needs `apiVersion: v2` (v1 charts list them in requirements.yaml)"
                .into(),
            pair.key_range,
        );
    }
    let mut seen: Vec<(&str, TextRange)> = Vec::new();
    for dep in &chart.dependencies {
        check_dependency(&mut out, dep);
        if let Some(key) = dep.values_key() {
            let range = dep.alias.as_ref().or(dep.name.as_ref()).map_or(dep.range, |s| s.range);
            if seen.iter().any(|(k, _)| *k == key) {
                out.push(
                    ChartFindingKind::DuplicateDependency,
                    FindingSeverity::Error,
                    format!("two dependencies are called `{key}`: give one of them an `alias`"),
                    range,
                );
            } else {
                seen.push((key, range));
            }
        }
    }
    out.0.sort_by_key(|f| f.range.start);
    out.0
}

struct Findings(Vec<ChartFinding>);

impl Findings {
    fn push(&mut self, kind: ChartFindingKind, severity: FindingSeverity, message: String, range: TextRange) {
        self.0.push(ChartFinding { kind, severity, message, range, replacement: None });
    }

    fn push_fix(
        &mut self,
        kind: ChartFindingKind,
        severity: FindingSeverity,
        message: String,
        range: TextRange,
        fix: &str,
    ) {
        self.0.push(ChartFinding { kind, severity, message, range, replacement: Some(fix.to_string()) });
    }
}

/// Unknown fields and wrong types of the mapping `pairs` against `fields`.
fn shape(out: &mut Findings, pairs: &[Pair], fields: &[ChartField], place: &str) {
    for pair in pairs {
        let Some(field) = fields.iter().find(|f| f.name == pair.key.text) else {
            let suggestion = closest(&pair.key.text, fields.iter().map(|f| f.name));
            let message = match &suggestion {
                Some(s) => format!("unknown field `{}` in {place}; did you mean `{s}`?", pair.key.text),
                None => format!("unknown field `{}` in {place}: Helm ignores it", pair.key.text),
            };
            out.0.push(ChartFinding {
                kind: ChartFindingKind::UnknownField,
                severity: FindingSeverity::Warning,
                message,
                range: pair.key_range,
                replacement: suggestion,
            });
            continue;
        };
        let value = &pair.value;
        if value.is_missing() || matches!(type_of(value), HelmValue::Null) {
            continue;
        }
        let typed = type_of(value);
        let ok = match field.kind {
            FieldKind::String => matches!(typed, HelmValue::String(_)),
            FieldKind::Bool => matches!(typed, HelmValue::Bool(_)),
            FieldKind::StringList => {
                matches!(typed, HelmValue::Sequence)
                    && value
                        .as_sequence()
                        .unwrap_or(&[])
                        .iter()
                        .all(|i| matches!(type_of(i), HelmValue::String(_)))
            }
            FieldKind::StringMap => {
                matches!(typed, HelmValue::Mapping)
                    && value
                        .as_mapping()
                        .unwrap_or(&[])
                        .iter()
                        .all(|p| matches!(type_of(&p.value), HelmValue::String(_)))
            }
            FieldKind::Maintainers | FieldKind::Dependencies | FieldKind::ImportValues => {
                matches!(typed, HelmValue::Sequence)
            }
        };
        if !ok {
            let (message, fix) = match (&typed, field.kind) {
                (HelmValue::Int(_) | HelmValue::Float(_) | HelmValue::Bool(_), FieldKind::String) => {
                    let raw = value.as_scalar().map(|s| s.text.clone()).unwrap_or_default();
                    (
                        format!(
                            "`{}` must be a string, but YAML reads `{raw}` as {}; quote it (\"{raw}\")",
                            field.name,
                            typed.describe()
                        ),
                        Some(format!("\"{raw}\"")),
                    )
                }
                (HelmValue::Sequence, FieldKind::StringList | FieldKind::StringMap) => {
                    (format!("`{}` must be {}: every item a string", field.name, field.kind.describe()), None)
                }
                (HelmValue::Mapping, FieldKind::StringMap) => (
                    format!("every value of `{}` must be a string; quote numbers and booleans", field.name),
                    None,
                ),
                _ => (
                    format!("`{}` must be {}, not {}", field.name, field.kind.describe(), typed.describe()),
                    None,
                ),
            };
            out.0.push(ChartFinding {
                kind: ChartFindingKind::WrongType,
                severity: FindingSeverity::Error,
                message,
                range: value.range,
                replacement: fix,
            });
            continue;
        }
        match field.kind {
            FieldKind::Maintainers => {
                for item in value.as_sequence().unwrap_or(&[]) {
                    match item.as_mapping() {
                        Some(pairs) => shape(out, pairs, MAINTAINER_FIELDS, "a maintainer"),
                        None => out.push(
                            ChartFindingKind::WrongType,
                            FindingSeverity::Error,
                            "each maintainer must be a mapping with `name` (and optionally `email`, `url`)"
                                .into(),
                            item.range,
                        ),
                    }
                }
            }
            FieldKind::Dependencies => {
                for item in value.as_sequence().unwrap_or(&[]) {
                    match item.as_mapping() {
                        Some(pairs) => shape(out, pairs, DEPENDENCY_FIELDS, "a dependency"),
                        None => out.push(
                            ChartFindingKind::WrongType,
                            FindingSeverity::Error,
                            "each dependency must be a mapping with `name`, `version` and `repository`"
                                .into(),
                            item.range,
                        ),
                    }
                }
            }
            FieldKind::ImportValues => {
                for item in value.as_sequence().unwrap_or(&[]) {
                    let ok = match &item.value {
                        NodeValue::Scalar(_) => matches!(type_of(item), HelmValue::String(_)),
                        NodeValue::Mapping(pairs) => {
                            pairs.iter().all(|p| p.key.text == "child" || p.key.text == "parent")
                                && item.get("child").is_some()
                                && item.get("parent").is_some()
                        }
                        _ => false,
                    };
                    if !ok {
                        out.push(
                            ChartFindingKind::InvalidImportValues,
                            FindingSeverity::Error,
                            "each `import-values` item is a key the dependency exports, or a mapping with `child` and `parent`".into(),
                            item.range,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn check_kube_version(out: &mut Findings, kube: &Spanned<String>) {
    // The range of the value's text inside the quotes, for precise ranges.
    let quoted = kube.range.len() >= kube.value.len() + 2;
    let base = kube.range.start + usize::from(quoted);
    match parse_constraints(&kube.value) {
        Err(e) => out.push(
            ChartFindingKind::InvalidKubeVersion,
            FindingSeverity::Error,
            format!("`kubeVersion`: {}", e.message),
            if e.end > e.start { TextRange::new(base + e.start, base + e.end) } else { kube.range },
        ),
        Ok(constraints) if !constraints.accepts_prereleases() => out.push(
            ChartFindingKind::KubeVersionExcludesPrerelease,
            FindingSeverity::Warning,
            format!(
                "`kubeVersion: {}` refuses clusters that report a pre-release version (EKS `v1.29.1-eks-...`, GKE `v1.30.2-gke.100`): add `-0` to each bound, as in `>=1.25.0-0`",
                kube.value
            ),
            kube.range,
        ),
        Ok(_) => {}
    }
}

fn check_dependency(out: &mut Findings, dep: &Dependency) {
    match &dep.name {
        Some(n) if !n.value.trim().is_empty() => {}
        _ => out.push(
            ChartFindingKind::MissingField,
            FindingSeverity::Error,
            "each dependency needs a `name`".into(),
            dep.name.as_ref().map_or(dep.range, |n| n.range),
        ),
    }
    if let Some(version) = &dep.version
        && let Err(e) = parse_constraints(&version.value)
    {
        let quoted = version.range.len() >= version.value.len() + 2;
        let base = version.range.start + usize::from(quoted);
        out.push(
            ChartFindingKind::InvalidVersionRange,
            FindingSeverity::Error,
            format!("dependency version `{}`: {}", version.value, e.message),
            if e.end > e.start { TextRange::new(base + e.start, base + e.end) } else { version.range },
        );
    }
    if let Some(alias) = &dep.alias
        && (alias.value.is_empty()
            || !alias.value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        out.push(
            ChartFindingKind::InvalidAlias,
            FindingSeverity::Error,
            format!("the alias `{}` may only hold letters, digits, `-` and `_`", alias.value),
            alias.range,
        );
    }
    if let Some(condition) = &dep.condition {
        let bad = condition.value.split(',').map(str::trim).find(|p| {
            p.is_empty()
                || p.starts_with('.')
                || p.ends_with('.')
                || p.contains("..")
                || !p.chars().all(|c| c.is_alphanumeric() || "._-".contains(c))
        });
        if let Some(bad) = bad {
            out.push(
                ChartFindingKind::InvalidCondition,
                FindingSeverity::Warning,
                format!("`{bad}` is not a values path: a condition is dotted paths separated by commas (`redis.enabled`)"),
                condition.range,
            );
        }
    }
    if let Some(repo) = &dep.repository {
        let value = repo.value.as_str();
        let ok = value.is_empty()
            || value.starts_with('@')
            || value.starts_with("alias:")
            || ["https://", "http://", "oci://", "file://"].iter().any(|s| value.starts_with(s));
        if !ok {
            out.push(
                ChartFindingKind::InvalidRepository,
                FindingSeverity::Error,
                format!(
                    "`{value}` is not a repository Helm can fetch from: use https://..., oci://..., file://... or @repo-name"
                ),
                repo.range,
            );
        }
    }
}

fn looks_like_email(text: &str) -> bool {
    let mut parts = text.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !text.contains(char::is_whitespace)
}

fn looks_like_url(text: &str, need_scheme: bool) -> bool {
    if text.is_empty() || text.contains(char::is_whitespace) {
        return false;
    }
    match text.split_once(':') {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            !rest.is_empty()
        }
        _ => !need_scheme && text.contains('.'),
    }
}
