//! What a YAML file is, decided once for `kref check` and the editor alike: a Kubernetes
//! manifest, a strategic-merge patch (a partial object), part of a Helm chart, a Kustomize
//! file, a template, or other YAML (CI pipelines, docker-compose, skaffold, OpenAPI, Ansible,
//! tool configs). And what each document of a manifest is: an object, a `List` of objects, a
//! patch, or no object at all.
//!
//! [`content_class`] reads the file's own path and text; [`resolve`] adds what only the rest
//! of the project knows (the folder is a chart, a kustomization names the file as a patch).
//! Pure: the caller reads files and passes text in.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use kref_corpus::schema::{Schema, lifecycle};
use kref_yaml::{Document, File, Node, NodeValue, ScalarStyle};

use super::chart::FileRole;

/// A part of a Helm chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HelmPart {
    /// `Chart.yaml`.
    Chart,
    /// `values.yaml` and other values files.
    Values,
    /// A file under `templates/` (Go templates, not plain YAML).
    Template,
    /// Any other YAML of the chart that holds no objects.
    Other,
}

/// A Kustomize file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KustomizePart {
    /// `kustomization.yaml` of kind Kustomization.
    Kustomization,
    /// `kustomization.yaml` of kind Component.
    Component,
    /// A JSON 6902 patch (a list of `op`/`path`/`value`).
    JsonPatch,
}

/// YAML that is not for the Kubernetes API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OtherYaml {
    GithubActions,
    GitlabCi,
    DockerCompose,
    Skaffold,
    Dependabot,
    PreCommit,
    OpenApi,
    Ansible,
    CloudBuild,
    /// A Kubernetes-style config read by a tool, not the API server: kubeconfig, kind,
    /// kubeadm, component configs (`*.config.k8s.io`), audit policies.
    ToolConfig,
    /// Anything else: no `apiVersion` and `kind`, no Kubernetes shape.
    Unknown,
}

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileClass {
    /// Kubernetes objects (plain manifests).
    Manifest,
    /// Strategic-merge patches: partial objects, checked for spelling, types and values only.
    Patch,
    Helm(HelmPart),
    Kustomize(KustomizePart),
    /// Template syntax outside a chart (`{{ }}` actions in the YAML structure): not plain YAML.
    Template,
    Other(OtherYaml),
    /// No content at all.
    Empty,
}

impl FileClass {
    /// The class's name in `kref check` output: `manifest`, `patch`, `helm`, `kustomize`,
    /// `template`, `other`, `empty`.
    pub fn group(self) -> &'static str {
        match self {
            FileClass::Manifest => "manifest",
            FileClass::Patch => "patch",
            FileClass::Helm(_) => "helm",
            FileClass::Kustomize(_) => "kustomize",
            FileClass::Template => "template",
            FileClass::Other(_) => "other",
            FileClass::Empty => "empty",
        }
    }

    /// A precise name: `helm-chart`, `kustomization`, `github-actions`, ...
    pub fn name(self) -> &'static str {
        match self {
            FileClass::Manifest => "manifest",
            FileClass::Patch => "patch",
            FileClass::Helm(HelmPart::Chart) => "helm-chart",
            FileClass::Helm(HelmPart::Values) => "helm-values",
            FileClass::Helm(HelmPart::Template) => "helm-template",
            FileClass::Helm(HelmPart::Other) => "helm-file",
            FileClass::Kustomize(KustomizePart::Kustomization) => "kustomization",
            FileClass::Kustomize(KustomizePart::Component) => "kustomize-component",
            FileClass::Kustomize(KustomizePart::JsonPatch) => "json-patch",
            FileClass::Template => "template",
            FileClass::Other(o) => match o {
                OtherYaml::GithubActions => "github-actions",
                OtherYaml::GitlabCi => "gitlab-ci",
                OtherYaml::DockerCompose => "docker-compose",
                OtherYaml::Skaffold => "skaffold",
                OtherYaml::Dependabot => "dependabot",
                OtherYaml::PreCommit => "pre-commit",
                OtherYaml::OpenApi => "openapi",
                OtherYaml::Ansible => "ansible",
                OtherYaml::CloudBuild => "cloud-build",
                OtherYaml::ToolConfig => "tool-config",
                OtherYaml::Unknown => "yaml",
            },
            FileClass::Empty => "empty",
        }
    }

    /// Are the file's documents checked as Kubernetes objects (whole or partial)?
    pub fn has_objects(self) -> bool {
        matches!(self, FileClass::Manifest | FileClass::Patch)
    }

    /// Is the file plain YAML (syntax is checked)? Templates are not.
    pub fn is_yaml(self) -> bool {
        !matches!(self, FileClass::Template | FileClass::Helm(HelmPart::Template))
    }
}

/// What one document of a manifest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocClass {
    /// A Kubernetes object (or something meant to be one: `kind` without `apiVersion`).
    Object,
    /// `kind: List` or `<Kind>List`: its `items` are objects.
    List,
    /// A partial object: a strategic-merge patch.
    Patch,
    /// A config read by a tool (kubeconfig, kind, kubeadm, Kustomization...): not checked.
    ToolConfig,
    /// `apiVersion` and `kind` of a group no schema knows and no object shape (no
    /// `metadata`): not for the API server kref knows; a hint, never an error.
    Foreign,
    /// Not an object: values, settings, lists.
    NotObject,
    /// No content.
    Empty,
}

/// What a file's own path and text say, before the rest of the project is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub class: FileClass,
    /// The text has template syntax outside string values (a Helm template).
    pub templated: bool,
    /// Documents that are objects, lists or patches (the rest are tool configs or other YAML).
    pub objects: usize,
}

/// Where the project puts a file (see [`super::units::Layout`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    /// Inside a Helm chart: the file's role there (from its path relative to the chart's
    /// root).
    pub chart: Option<FileRole>,
    /// A kustomization names it as a (strategic-merge or JSON 6902) patch.
    pub kustomize_patch: bool,
}

/// The file names Kustomize reads as a kustomization.
pub const KUSTOMIZATION_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The class of a file from its path (relative to the folder being checked) and parsed text.
pub fn content_class(rel: &Path, file: &File) -> Content {
    let templated = has_template_syntax(file);
    let docs: Vec<DocClass> = file.documents.iter().map(|d| doc_class(file.text(), d)).collect();
    let objects =
        docs.iter().filter(|d| matches!(d, DocClass::Object | DocClass::List | DocClass::Patch)).count();
    let class = file_class(rel, file, &docs, templated);
    Content { class, templated, objects }
}

fn file_class(rel: &Path, file: &File, docs: &[DocClass], templated: bool) -> FileClass {
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let dirs: Vec<&str> = rel
        .parent()
        .map(|p| p.components().filter_map(|c| c.as_os_str().to_str()).collect())
        .unwrap_or_default();
    let has_dir = |d: &str| dirs.contains(&d);
    if docs.iter().all(|d| *d == DocClass::Empty) && !templated {
        return FileClass::Empty;
    }
    if KUSTOMIZATION_NAMES.contains(&name) {
        let component = first_kind(file).is_some_and(|k| k == "Component");
        return FileClass::Kustomize(if component {
            KustomizePart::Component
        } else {
            KustomizePart::Kustomization
        });
    }
    if name == "Chart.yaml" && top_keys(file).iter().any(|k| *k == "name" || *k == "apiVersion") {
        return FileClass::Helm(HelmPart::Chart);
    }
    if templated {
        return if has_dir("templates") { FileClass::Helm(HelmPart::Template) } else { FileClass::Template };
    }
    // Well-known files of other tools, by name and place.
    let by_name =
        if dirs.len() >= 2 && dirs[dirs.len() - 2] == ".github" && dirs[dirs.len() - 1] == "workflows" {
            Some(OtherYaml::GithubActions)
        } else if lower == "dependabot.yml" || lower == "dependabot.yaml" {
            Some(OtherYaml::Dependabot)
        } else if lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml" || has_dir(".gitlab") {
            Some(OtherYaml::GitlabCi)
        } else if lower.starts_with("docker-compose")
            || lower == "compose.yaml"
            || lower == "compose.yml"
            || lower.starts_with("compose.")
        {
            Some(OtherYaml::DockerCompose)
        } else if lower.starts_with("skaffold") {
            Some(OtherYaml::Skaffold)
        } else if lower.starts_with(".pre-commit") {
            Some(OtherYaml::PreCommit)
        } else if lower.starts_with("cloudbuild") {
            Some(OtherYaml::CloudBuild)
        } else if ["group_vars", "host_vars"].iter().any(|d| has_dir(d))
            || (has_dir("roles")
                && ["tasks", "handlers", "defaults", "vars", "meta"].iter().any(|d| has_dir(d)))
        {
            Some(OtherYaml::Ansible)
        } else {
            None
        };
    if let Some(o) = by_name
        && !docs.iter().any(|d| matches!(d, DocClass::Object | DocClass::List))
    {
        return FileClass::Other(o);
    }
    if docs.contains(&DocClass::Patch) {
        return FileClass::Patch;
    }
    if docs.iter().any(|d| matches!(d, DocClass::Object | DocClass::List)) {
        // A patch by name: `*.patch.yaml`, `*-patch.yaml`, `patch.yaml`, or under `patches/`.
        if is_patch_name(&lower) || dirs.iter().any(|d| d.eq_ignore_ascii_case("patches")) {
            return FileClass::Patch;
        }
        return FileClass::Manifest;
    }
    if let Some(o) = by_name.or_else(|| other_by_content(file)) {
        return FileClass::Other(o);
    }
    if docs.contains(&DocClass::ToolConfig) || docs.contains(&DocClass::Foreign) {
        return FileClass::Other(OtherYaml::ToolConfig);
    }
    FileClass::Other(OtherYaml::Unknown)
}

/// Does a file name say patch: a word `patch` or `patches` in its stem (split at `.`, `-`, `_`)?
fn is_patch_name(lower: &str) -> bool {
    let stem = lower.rsplit_once('.').map_or(lower, |(s, _)| s);
    stem.split(['.', '-', '_']).any(|w| w == "patch" || w == "patches")
}

/// The class the rest of the project gives a file (see [`Place`]).
pub fn resolve(content: &Content, place: Place) -> FileClass {
    if place.kustomize_patch {
        return match content.class {
            FileClass::Manifest | FileClass::Patch => FileClass::Patch,
            FileClass::Empty => FileClass::Empty,
            _ => FileClass::Kustomize(KustomizePart::JsonPatch),
        };
    }
    match (place.chart, content.class) {
        (Some(FileRole::ChartYaml), _) => FileClass::Helm(HelmPart::Chart),
        (Some(FileRole::Template | FileRole::Helper | FileRole::Notes), FileClass::Empty) => FileClass::Empty,
        (Some(FileRole::Template | FileRole::Helper | FileRole::Notes), _) => {
            FileClass::Helm(HelmPart::Template)
        }
        (Some(FileRole::Values | FileRole::ValuesSchema | FileRole::CiValues), _) => {
            FileClass::Helm(HelmPart::Values)
        }
        (Some(FileRole::Crd), class) => class,
        (Some(_), FileClass::Other(_)) => FileClass::Helm(HelmPart::Other),
        (_, class) => class,
    }
}

/// Recognises other tools' YAML by its top-level keys.
fn other_by_content(file: &File) -> Option<OtherYaml> {
    let keys = top_keys(file);
    let has = |k: &str| keys.contains(&k);
    if has("openapi") || has("swagger") {
        return Some(OtherYaml::OpenApi);
    }
    if (has("on") || has("true")) && has("jobs") {
        // `on:` reads as a boolean key in YAML 1.1; both spellings name GitHub workflows.
        return Some(OtherYaml::GithubActions);
    }
    if has("services")
        && !has("apiVersion")
        && (has("version") || has("volumes") || has("networks") || keys.len() <= 4)
    {
        return Some(OtherYaml::DockerCompose);
    }
    if has("updates") && has("version") {
        return Some(OtherYaml::Dependabot);
    }
    if has("repos") && !has("apiVersion") {
        return Some(OtherYaml::PreCommit);
    }
    if has("stages") || (has("steps") && !has("apiVersion")) {
        return Some(if has("steps") { OtherYaml::CloudBuild } else { OtherYaml::GitlabCi });
    }
    // An Ansible playbook: a list of plays with `hosts`.
    let plays = file.documents.iter().filter_map(|d| d.root.as_ref()).any(|r| {
        r.as_sequence().is_some_and(|items| {
            items.iter().any(|i| i.pair("hosts").is_some() || i.pair("import_playbook").is_some())
        })
    });
    plays.then_some(OtherYaml::Ansible)
}

/// The keys of the first document's top-level mapping.
fn top_keys(file: &File) -> Vec<&str> {
    file.documents
        .iter()
        .find_map(|d| d.root.as_ref().and_then(Node::as_mapping))
        .map(|pairs| pairs.iter().map(|p| p.key.text.as_str()).collect())
        .unwrap_or_default()
}

fn first_kind(file: &File) -> Option<&str> {
    file.documents.iter().find_map(|d| d.kind.as_ref().map(|(k, _)| k.as_str()))
}

/// API groups of configs read by tools rather than served by the API server.
fn is_tool_group(api_version: &str, kind: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    (api_version == "v1" && kind == "Config")
        || api_version.starts_with("skaffold/")
        || group.ends_with(".config.k8s.io")
        || matches!(
            group,
            "kind.x-k8s.io"
                | "kubeadm.k8s.io"
                | "audit.k8s.io"
                | "client.authentication.k8s.io"
                | "k3d.io"
                | "ctlptl.dev"
        )
}

/// Is the document a `List` (v1 `List` or `<Kind>List` with `items`)?
pub fn is_list(kind: &str, root: &Node) -> bool {
    kind == "List" || (kind.len() > 4 && kind.ends_with("List") && root.pair("items").is_some())
}

/// What one document is (`text` is the file's). With `apiVersion` and `kind` of a group the built-in schema does not
/// know, only a document shaped like an object (with `metadata`) is one. The built-in schema
/// alone decides, so that a file is the same thing whatever schemas are loaded.
pub fn doc_class(text: &str, doc: &Document) -> DocClass {
    let Some(root) = &doc.root else { return DocClass::Empty };
    let Some(pairs) = root.as_mapping() else {
        return if is_nothing(root) { DocClass::Empty } else { DocClass::NotObject };
    };
    if pairs.is_empty() {
        return DocClass::Empty;
    }
    let kind = doc.kind.as_ref().map(|(k, _)| k.as_str()).filter(|k| !k.is_empty());
    let api_version = doc.api_version.as_ref().map(|(a, _)| a.as_str()).filter(|a| !a.is_empty());
    let metadata = root.get("metadata").is_some_and(|m| m.as_mapping().is_some());
    if let (Some(a), Some(k)) = (api_version, kind) {
        if is_tool_group(a, k) || a.starts_with("kustomize.config.k8s.io/") {
            return DocClass::ToolConfig;
        }
        if is_list(k, root) {
            return DocClass::List;
        }
        if has_directive_in(text, root) {
            return DocClass::Patch;
        }
        let group = a.rsplit_once('/').map_or("", |(g, _)| g);
        let known = builtin_groups().contains(group) || lifecycle(a, k).is_some();
        if !known && !metadata && !near_known_group(group) {
            return DocClass::Foreign;
        }
        return DocClass::Object;
    }
    if has_directive_in(text, root) {
        return DocClass::Patch;
    }
    let object_keys = metadata
        && pairs
            .iter()
            .any(|p| matches!(p.key.text.as_str(), "spec" | "data" | "stringData" | "rules" | "subjects"));
    match (api_version, kind) {
        // `kind` alone: meant as an object when the kind is one or it has metadata.
        (None, Some(k)) if metadata || !Schema::builtin().kinds_named(k).is_empty() => DocClass::Object,
        // `apiVersion` alone (Chart.yaml, Grafana provisioning): only with metadata.
        (Some(_), None) if metadata => DocClass::Object,
        (None, None) if object_keys => DocClass::Object,
        _ => DocClass::NotObject,
    }
}

/// A group a few edits away from one kref knows (`app` for `apps`): a typo, not another API.
fn near_known_group(group: &str) -> bool {
    !group.is_empty() && builtin_groups().iter().any(|g| !g.is_empty() && strsim::levenshtein(g, group) <= 2)
}

/// The API groups of the built-in schema, gathered once.
fn builtin_groups() -> &'static HashSet<String> {
    static GROUPS: OnceLock<HashSet<String>> = OnceLock::new();
    GROUPS.get_or_init(|| Schema::builtin().kinds().map(|k| k.group.clone()).collect())
}

fn is_nothing(node: &Node) -> bool {
    matches!(&node.value, NodeValue::Scalar(s) if s.text.is_empty() || s.text == "~" || s.text == "null")
        || node.is_missing()
}

/// The strategic-merge directive a key is, if it is one: `$patch`, `$retainKeys`,
/// `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>` (with the field named after
/// the slash).
pub fn directive(key: &str) -> Option<(&str, Option<&str>)> {
    if !key.starts_with('$') {
        return None;
    }
    match key {
        "$patch" | "$retainKeys" => Some((key, None)),
        _ => {
            let (head, field) = key.split_once('/')?;
            matches!(head, "$setElementOrder" | "$deleteFromPrimitiveList").then_some((head, Some(field)))
        }
    }
}

/// Is the file a template (a Helm chart's `templates/`): does `{{` appear outside comments and
/// outside the content of string values? Go templates inside a ConfigMap's quoted or block
/// values (alerting rules, dashboards) do not count.
pub fn has_template_syntax(file: &File) -> bool {
    let text = file.text();
    if !text.contains("{{") {
        return false;
    }
    let mut strings: Vec<(usize, usize)> = Vec::new();
    for doc in &file.documents {
        let Some(root) = &doc.root else { continue };
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.value {
                NodeValue::Mapping(pairs) => stack.extend(pairs.iter().map(|p| &p.value)),
                NodeValue::Sequence(items) => stack.extend(items.iter()),
                NodeValue::Scalar(s) => {
                    let r = s.raw_range;
                    // A plain scalar that starts with `{{` is template syntax, not text.
                    let start = if s.style == ScalarStyle::Plain { r.start + 1 } else { r.start };
                    strings.push((start, r.end));
                }
                _ => {}
            }
        }
    }
    strings.sort_unstable();
    let in_string = |at: usize| {
        let i = strings.partition_point(|(s, _)| *s <= at);
        i > 0 && at < strings[i - 1].1
    };
    let in_comment = |at: usize| file.comments.iter().any(|c| c.start <= at && at < c.end);
    text.match_indices("{{").any(|(at, _)| !in_string(at) && !in_comment(at))
}

/// Does the node (its text in `text`) hold a strategic-merge directive key at any depth? The
/// text is searched first, so that the common case (none) costs no walk.
pub fn has_directive_in(text: &str, node: &Node) -> bool {
    let slice = text.get(node.range.start..node.range.end).unwrap_or(text);
    DIRECTIVE_WORDS.iter().any(|w| slice.contains(w)) && has_directive(node, 0)
}

/// What every directive key starts with.
const DIRECTIVE_WORDS: [&str; 4] =
    ["$patch", "$retainKeys", "$setElementOrder/", "$deleteFromPrimitiveList/"];

/// Does the node hold a strategic-merge directive key at any depth (bounded)?
fn has_directive(node: &Node, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match &node.value {
        NodeValue::Mapping(pairs) => {
            pairs.iter().any(|p| directive(&p.key.text).is_some() || has_directive(&p.value, depth + 1))
        }
        NodeValue::Sequence(items) => items.iter().any(|i| has_directive(i, depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(path: &str, text: &str) -> FileClass {
        content_class(Path::new(path), &kref_yaml::parse(text)).class
    }

    #[test]
    fn templates_are_told_from_text_that_holds_braces() {
        let helm = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n";
        assert!(has_template_syntax(&kref_yaml::parse(helm)));
        let control = "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n";
        assert!(has_template_syntax(&kref_yaml::parse(control)));
        let alerts = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts # {{ not a template }}\ndata:\n  rule: \"{{ $labels.instance }} is down\"\n  tmpl: |\n    {{ define \"x\" }}hi{{ end }}\n  plain: host {{ x }}\n";
        assert!(!has_template_syntax(&kref_yaml::parse(alerts)));
    }

    #[test]
    fn each_kind_of_file_is_told_apart() {
        let cases: &[(&str, &str, FileClass)] = &[
            (
                "app/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
                FileClass::Manifest,
            ),
            ("app/list.yaml", "apiVersion: v1\nkind: ConfigMapList\nitems: []\n", FileClass::Manifest),
            (
                "app/cr.yaml",
                "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
                FileClass::Manifest,
            ),
            (
                "base/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
                FileClass::Kustomize(KustomizePart::Kustomization),
            ),
            (
                "c/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
                FileClass::Kustomize(KustomizePart::Component),
            ),
            (
                "c/delete.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n$patch: delete\n",
                FileClass::Patch,
            ),
            (
                "c/x.patch.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 2}\n",
                FileClass::Patch,
            ),
            ("kind/patches/cm.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n", FileClass::Patch),
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: demo\nversion: 1.0.0\n",
                FileClass::Helm(HelmPart::Chart),
            ),
            (
                "chart/templates/d.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
                FileClass::Helm(HelmPart::Template),
            ),
            ("x/t.yaml", "{{- if .Values.on }}\nkind: Pod\n{{- end }}\n", FileClass::Template),
            (
                ".github/workflows/ci.yaml",
                "on: push\njobs:\n  b: {runs-on: x}\n",
                FileClass::Other(OtherYaml::GithubActions),
            ),
            ("ci.yaml", "on: [push]\njobs: {}\n", FileClass::Other(OtherYaml::GithubActions)),
            (
                ".gitlab-ci.yml",
                "stages: [build]\nbuild: {script: [make]}\n",
                FileClass::Other(OtherYaml::GitlabCi),
            ),
            (
                "docker-compose.yml",
                "services:\n  web: {image: nginx}\n",
                FileClass::Other(OtherYaml::DockerCompose),
            ),
            (
                "skaffold.yaml",
                "apiVersion: skaffold/v3\nkind: Config\nmetadata: {name: app}\n",
                FileClass::Other(OtherYaml::Skaffold),
            ),
            (
                "build/skaffold-dev.yaml",
                "apiVersion: skaffold/v4beta1\nkind: Config\n",
                FileClass::Other(OtherYaml::Skaffold),
            ),
            (".github/dependabot.yml", "version: 2\nupdates: []\n", FileClass::Other(OtherYaml::Dependabot)),
            (
                ".pre-commit-config.yaml",
                "repos:\n- repo: x\n  hooks: []\n",
                FileClass::Other(OtherYaml::PreCommit),
            ),
            (
                "api/openapi.yaml",
                "openapi: 3.0.0\ninfo: {title: x}\npaths: {}\n",
                FileClass::Other(OtherYaml::OpenApi),
            ),
            ("site.yml", "- hosts: all\n  tasks: []\n", FileClass::Other(OtherYaml::Ansible)),
            (
                "roles/web/tasks/main.yml",
                "- name: install\n  apt: {name: nginx}\n",
                FileClass::Other(OtherYaml::Ansible),
            ),
            ("cloudbuild.yaml", "steps:\n- name: gcr.io/x\n", FileClass::Other(OtherYaml::CloudBuild)),
            (
                "kind.yaml",
                "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: []\n",
                FileClass::Other(OtherYaml::ToolConfig),
            ),
            (
                "kubeadm.yaml",
                "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n",
                FileClass::Other(OtherYaml::ToolConfig),
            ),
            (
                "config",
                "apiVersion: v1\nkind: Config\nclusters: []\n",
                FileClass::Other(OtherYaml::ToolConfig),
            ),
            (
                "tool.yaml",
                "apiVersion: tool.example.io/v1\nkind: Settings\nlevel: 3\n",
                FileClass::Other(OtherYaml::ToolConfig),
            ),
            (
                "grafana/datasources.yaml",
                "apiVersion: 1\ndatasources: []\n",
                FileClass::Other(OtherYaml::Unknown),
            ),
            ("values.yaml", "replicas: 2\nimage: {tag: x}\n", FileClass::Other(OtherYaml::Unknown)),
            ("empty.yaml", "# nothing\n", FileClass::Empty),
        ];
        for (path, text, want) in cases {
            assert_eq!(class_of(path, text), *want, "{path}");
        }
    }

    #[test]
    fn the_project_refines_what_the_file_says() {
        let values = content_class(Path::new("values.yaml"), &kref_yaml::parse("a: 1\n"));
        let in_chart = Place { chart: Some(FileRole::Values), kustomize_patch: false };
        assert_eq!(resolve(&values, in_chart), FileClass::Helm(HelmPart::Values));
        let deploy = content_class(
            Path::new("overlay/replicas.yaml"),
            &kref_yaml::parse(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 3}\n",
            ),
        );
        assert_eq!(deploy.class, FileClass::Manifest);
        assert_eq!(resolve(&deploy, Place { chart: None, kustomize_patch: true }), FileClass::Patch);
        let ops =
            content_class(Path::new("p.yaml"), &kref_yaml::parse("- op: add\n  path: /x\n  value: 1\n"));
        assert_eq!(
            resolve(&ops, Place { chart: None, kustomize_patch: true }),
            FileClass::Kustomize(KustomizePart::JsonPatch)
        );
        let crd = content_class(
            Path::new("crds/c.yaml"),
            &kref_yaml::parse("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n"),
        );
        assert_eq!(
            resolve(&crd, Place { chart: Some(FileRole::Crd), kustomize_patch: false }),
            FileClass::Manifest
        );
    }

    #[test]
    fn documents_are_objects_lists_patches_or_not_objects() {
        let class = |text: &str| doc_class(text, &kref_yaml::parse(text).documents[0]);
        assert_eq!(class("apiVersion: v1\nkind: List\nitems: []\n"), DocClass::List);
        assert_eq!(
            class("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems: []\n"),
            DocClass::List
        );
        assert_eq!(class("kind: Deployment\nmetadata: {name: x}\n"), DocClass::Object);
        assert_eq!(class("apiVersion: v1\nmetadata: {name: x}\ndata: {}\n"), DocClass::Object);
        assert_eq!(class("apiVersion: v2\nname: chart\n"), DocClass::NotObject);
        assert_eq!(class("metadata: {name: x}\nspec:\n  $retainKeys: [a]\n"), DocClass::Patch);
        assert_eq!(
            class("apiVersion: app/v1\nkind: Deployment\n"),
            DocClass::Object,
            "a misspelt group is a mistake"
        );
        assert_eq!(class("apiVersion: x.example.com/v1\nkind: Thing\nsize: 3\n"), DocClass::Foreign);
        assert_eq!(class("- a\n- b\n"), DocClass::NotObject);
        assert_eq!(class("# only a comment\n"), DocClass::Empty);
    }
}
