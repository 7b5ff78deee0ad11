//! A chart's structure from a list of `(relative path, text)` pairs given by the caller:
//! which file is `Chart.yaml`, values, the values schema, a template, a helper, `NOTES.txt`, a
//! CRD, which folders under `charts/` are vendored subcharts (with the alias their parent's
//! dependencies give them), and a loaded chart tree that resolves named templates and
//! `.Values` references across it.
//!
//! Paths use `/` (a `\` is read as `/`); a chart is any folder holding `Chart.yaml`, and a
//! chart under `<parent>/charts/<dir>/` is a subchart of that parent.

use std::collections::{BTreeMap, BTreeSet};

use super::chart_yaml::{ChartYaml, Dependency};
use super::named::NamedTemplates;
use super::refs::{CallArg, Guard, PathSegment, ValuesPath, ValuesRef};
use super::schema::ValuesSchema;
use super::template::TemplateFile;
use super::values::{Lookup, ValuesFile};

pub use crate::model::project::chart::{FileRole, role};

/// The files of one chart, by role (paths as the caller gave them, `/`-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartLayout {
    /// The chart's folder (`""` when `Chart.yaml` is at the top of the given paths).
    pub dir: String,
    pub chart_yaml: String,
    /// `values.yaml` first, then other values files in path order.
    pub values: Vec<String>,
    pub schema: Option<String>,
    pub templates: Vec<String>,
    pub helpers: Vec<String>,
    pub notes: Option<String>,
    pub crds: Vec<String>,
    pub archives: Vec<String>,
    pub other: Vec<String>,
    /// Charts vendored under `charts/<dir>/`.
    pub subcharts: Vec<ChartLayout>,
}

impl ChartLayout {
    /// The name of the folder under the parent's `charts/` (for a subchart), or of the chart's
    /// own folder.
    pub fn dir_name(&self) -> &str {
        self.dir.rsplit('/').next().unwrap_or(&self.dir)
    }

    /// The role of `path` in this chart (not in its subcharts).
    pub fn role_of(&self, path: &str) -> FileRole {
        role(relative_to(&self.dir, path).unwrap_or(path))
    }
}

fn normalise(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_string()
}

fn relative_to<'a>(dir: &str, path: &'a str) -> Option<&'a str> {
    if dir.is_empty() {
        return Some(path);
    }
    path.strip_prefix(dir)?.strip_prefix('/')
}

fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Finds every chart among `paths` and sorts their files; top-level charts in path order.
pub fn discover<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<ChartLayout> {
    let mut paths: Vec<String> = paths.into_iter().map(normalise).collect();
    paths.sort();
    paths.dedup();
    let mut roots: Vec<String> = paths
        .iter()
        .filter(|p| p.rsplit('/').next() == Some("Chart.yaml"))
        .map(|p| parent_dir(p).to_string())
        .collect();
    // Deepest first, so each file goes to the innermost chart holding it.
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    let mut layouts: BTreeMap<String, ChartLayout> = roots
        .iter()
        .map(|r| {
            let chart_yaml = if r.is_empty() { "Chart.yaml".to_string() } else { format!("{r}/Chart.yaml") };
            (r.clone(), ChartLayout { dir: r.clone(), chart_yaml, ..ChartLayout::default() })
        })
        .collect();
    for path in &paths {
        let Some(root) = roots.iter().find(|r| relative_to(r, path).is_some()) else { continue };
        let Some(layout) = layouts.get_mut(root) else { continue };
        let relative = relative_to(root, path).unwrap_or(path);
        match role(relative) {
            FileRole::ChartYaml => {}
            FileRole::Values => {
                if relative == "values.yaml" || relative == "values.yml" {
                    layout.values.insert(0, path.clone());
                } else {
                    layout.values.push(path.clone());
                }
            }
            FileRole::ValuesSchema => layout.schema = Some(path.clone()),
            FileRole::Template => layout.templates.push(path.clone()),
            FileRole::Helper => layout.helpers.push(path.clone()),
            FileRole::Notes => layout.notes = Some(path.clone()),
            FileRole::Crd => layout.crds.push(path.clone()),
            FileRole::SubchartArchive => layout.archives.push(path.clone()),
            _ => layout.other.push(path.clone()),
        }
    }
    // Attach `<parent>/charts/<dir>` charts to their parent, deepest first.
    for root in &roots {
        let parent = parent_dir(root);
        let Some(grand) = parent.strip_suffix("/charts").or(if parent == "charts" { Some("") } else { None })
        else {
            continue;
        };
        if !layouts.contains_key(grand) || grand == root {
            continue;
        }
        if let Some(child) = layouts.remove(root)
            && let Some(parent_layout) = layouts.get_mut(grand)
        {
            parent_layout.subcharts.push(child);
            parent_layout.subcharts.sort_by(|a, b| a.dir.cmp(&b.dir));
        }
    }
    layouts.into_values().collect()
}

/// A chart with its files parsed, and its vendored subcharts.
#[derive(Debug, Clone)]
pub struct LoadedChart {
    pub layout: ChartLayout,
    pub chart_yaml: ChartYaml,
    /// The chart's `values.yaml` (other values files are the caller's to merge or check);
    /// shared, since a reload after an edit elsewhere reuses it.
    pub values: Option<std::sync::Arc<ValuesFile>>,
    pub schema: Option<ValuesSchema>,
    /// Templates and helpers, by path, in load order (path order).
    pub templates: Vec<(String, TemplateFile)>,
    /// `templates/NOTES.txt`: rendered text, not manifests, but its references count.
    pub notes: Option<(String, TemplateFile)>,
    pub subcharts: Vec<LoadedChart>,
    /// The parent's `dependencies` entries naming this subchart (empty for a top-level chart;
    /// several when one chart is used twice under different aliases).
    pub dependencies: Vec<Dependency>,
}

/// A `.Values` reference values.yaml does not define.
#[derive(Debug, Clone, PartialEq)]
pub struct UndefinedValue {
    /// The template's path.
    pub file: String,
    /// Index into that template's `references.values`.
    pub reference: usize,
    pub path: ValuesPath,
    /// The longest defined prefix.
    pub parent: ValuesPath,
    pub missing: String,
    pub suggestion: Option<String>,
    pub guard: Guard,
    pub in_define: bool,
}

/// An `include`/`template` of a name defined nowhere in the chart tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedCall {
    pub file: String,
    /// Index into that template's `references.calls`.
    pub call: usize,
    pub name: String,
    pub suggestion: Option<String>,
}

impl LoadedChart {
    /// Parses the charts among `files` (`(path, text)`; paths relative to anything, `/` or
    /// `\`). Files not given are absent; binary ones (`.tgz`) may be given with empty text.
    pub fn load(files: &[(&str, &str)]) -> Vec<LoadedChart> {
        LoadedChart::load_reusing(files, &[])
    }

    /// [`LoadedChart::load`], reusing the parsed templates, values and schemas of `previous`
    /// (an earlier load of the same tree) whose path and text are unchanged: after an edit of
    /// one file, only that file is parsed again.
    pub fn load_reusing(files: &[(&str, &str)], previous: &[LoadedChart]) -> Vec<LoadedChart> {
        let texts: BTreeMap<String, &str> = files.iter().map(|(p, t)| (normalise(p), *t)).collect();
        let mut parsed = Parsed::default();
        previous.iter().for_each(|c| parsed.add(c));
        discover(texts.keys().map(String::as_str))
            .into_iter()
            .map(|layout| load_layout(layout, &texts, &parsed))
            .collect()
    }

    /// The chart's name from `Chart.yaml`, else its folder's.
    pub fn name(&self) -> &str {
        self.chart_yaml.name.as_ref().map_or_else(|| self.layout.dir_name(), |n| n.value.as_str())
    }

    /// The keys the parent's values use for this subchart: each dependency's alias, else the
    /// chart's name.
    pub fn values_keys(&self) -> Vec<&str> {
        let keys: Vec<&str> = self.dependencies.iter().filter_map(Dependency::values_key).collect();
        if keys.is_empty() { vec![self.name()] } else { keys }
    }

    /// Every template of this chart and its subcharts, parents first, each in path order.
    pub fn all_templates(&self) -> Vec<(&str, &TemplateFile)> {
        let mut out: Vec<(&str, &TemplateFile)> =
            self.templates.iter().map(|(p, t)| (p.as_str(), t)).collect();
        for sub in &self.subcharts {
            out.extend(sub.all_templates());
        }
        out
    }

    /// Templates, helpers and NOTES.txt of this chart and its subcharts.
    fn files_with_notes(&self) -> Vec<(&str, &TemplateFile)> {
        let mut out: Vec<(&str, &TemplateFile)> =
            self.templates.iter().chain(self.notes.iter()).map(|(p, t)| (p.as_str(), t)).collect();
        for sub in &self.subcharts {
            out.extend(sub.files_with_notes());
        }
        out
    }

    /// The names `define`d in this chart whose dot is known to be this chart's root context:
    /// every call of them in the tree `top` is made from this chart and passes the root context
    /// (`.` at the top of a template, `$`), or passes on the dot of such a define. Inside any
    /// other define the dot is whatever its callers pass, which is not known here.
    pub fn root_context_defines(&self, top: &LoadedChart) -> BTreeSet<String> {
        let own: BTreeSet<&str> =
            self.templates.iter().chain(self.notes.iter()).map(|(p, _)| p.as_str()).collect();
        let mut candidates: BTreeSet<String> = self
            .templates
            .iter()
            .flat_map(|(_, t)| t.references.defines.iter().map(|d| d.name.clone()))
            .collect();
        let calls: Vec<(&str, &super::refs::TemplateCall)> = top
            .files_with_notes()
            .into_iter()
            .flat_map(|(p, t)| t.references.calls.iter().map(move |c| (p, c)))
            .filter(|(_, c)| c.name.as_ref().is_some_and(|n| candidates.contains(n)))
            .collect();
        loop {
            let before = candidates.len();
            let keep: BTreeSet<String> = candidates
                .iter()
                .filter(|name| {
                    let mut of =
                        calls.iter().filter(|(_, c)| c.name.as_deref() == Some(name.as_str())).peekable();
                    of.peek().is_some()
                        && of.all(|(file, c)| {
                            own.contains(file)
                                && match c.arg {
                                    CallArg::Root => true,
                                    CallArg::Passed => {
                                        c.in_define.as_ref().is_some_and(|d| candidates.contains(d))
                                    }
                                    CallArg::Other => false,
                                }
                        })
                })
                .cloned()
                .collect();
            candidates = keep;
            if candidates.len() == before {
                return candidates;
            }
        }
    }

    /// The named templates of the whole tree (Helm shares one set across subcharts).
    pub fn named_templates(&self) -> NamedTemplates {
        NamedTemplates::build(self.all_templates())
    }

    /// Dependencies `Chart.yaml` declares that are neither vendored under `charts/` nor
    /// packaged there: their templates and values cannot be read offline.
    pub fn missing_dependencies(&self) -> Vec<&Dependency> {
        self.chart_yaml
            .dependencies
            .iter()
            .filter(|d| {
                let Some(name) = d.name.as_ref().map(|n| n.value.as_str()) else { return false };
                let vendored = self.subcharts.iter().any(|s| s.name() == name || s.layout.dir_name() == name);
                let packaged = self.layout.archives.iter().any(|a| {
                    let file = a.rsplit('/').next().unwrap_or(a);
                    file.strip_prefix(name).is_some_and(|rest| rest.starts_with('-') || rest == ".tgz")
                });
                !vendored && !packaged
            })
            .collect()
    }

    /// `include`/`template` calls of names defined nowhere in the tree (this chart and its
    /// subcharts). When [`LoadedChart::missing_dependencies`] is not empty, the names may
    /// come from those: the caller should not call them errors then.
    pub fn undefined_calls(&self) -> Vec<UndefinedCall> {
        let named = self.named_templates();
        let mut out = Vec::new();
        let notes = self.notes.iter().map(|(p, t)| (p.as_str(), t));
        for (file, template) in self.all_templates().into_iter().chain(notes) {
            for (i, call) in template.references.calls.iter().enumerate() {
                let Some(name) = &call.name else { continue };
                if named.contains(name) {
                    continue;
                }
                out.push(UndefinedCall {
                    file: file.to_string(),
                    call: i,
                    name: name.clone(),
                    suggestion: super::values::closest(name, named.names()),
                });
            }
        }
        out
    }

    /// `.Values` references (of this chart's own templates and NOTES.txt) that its values do
    /// not define, looking through the parents' values for a subchart (`<alias>.x`) and
    /// `global`. `parents` is the chain of parent charts, outermost first. A library chart's
    /// named templates read their callers' values, so their references are left out, and so
    /// are those of any define whose dot is not known to be the root context
    /// ([`LoadedChart::root_context_defines`]).
    pub fn undefined_values(&self, parents: &[&LoadedChart]) -> Vec<UndefinedValue> {
        let mut out = Vec::new();
        let library = self.chart_yaml.is_library();
        let top = parents.first().copied().unwrap_or(self);
        let rooted = self.root_context_defines(top);
        for (file, template) in self.templates.iter().chain(self.notes.iter()) {
            for (i, reference) in template.references.values.iter().enumerate() {
                let known_dot = reference.in_define.as_ref().is_none_or(|d| rooted.contains(d));
                if (library && reference.in_define.is_some()) || !known_dot {
                    continue;
                }
                if let Some(undefined) = self.undefined(file, i, reference, parents) {
                    out.push(undefined);
                }
            }
        }
        out
    }

    fn undefined(
        &self,
        file: &str,
        index: usize,
        reference: &ValuesRef,
        parents: &[&LoadedChart],
    ) -> Option<UndefinedValue> {
        let values = self.values.as_ref();
        let path = &reference.path;
        if path.is_empty() {
            return None;
        }
        let own = values.map(|v| v.lookup(path));
        let (parent, missing, suggestion) = match own {
            Some(Lookup::Missing { parent, missing, suggestion }) => (parent, missing, suggestion),
            None => (ValuesPath::default(), first_key(path), None),
            Some(_) => return None,
        };
        // `global` is filled by the parent chart.
        if !parents.is_empty() && matches!(path.0.first(), Some(PathSegment::Key(k)) if k == "global") {
            let global_defined = parents.iter().any(|p| {
                p.values.as_ref().is_some_and(|v| !matches!(v.lookup(path), Lookup::Missing { .. }))
            });
            if global_defined {
                return None;
            }
        }
        // A subchart's values may be set by its parents under its key (and theirs).
        let mut scoped: Vec<ValuesPath> = self
            .values_keys()
            .into_iter()
            .map(|key| {
                let mut segments = vec![PathSegment::Key(key.to_string())];
                segments.extend(path.0.iter().cloned());
                ValuesPath(segments)
            })
            .collect();
        for p in parents.iter().rev() {
            let defined = scoped
                .iter()
                .any(|s| p.values.as_ref().is_some_and(|v| !matches!(v.lookup(s), Lookup::Missing { .. })));
            if defined {
                return None;
            }
            scoped = scoped
                .iter()
                .flat_map(|s| {
                    p.values_keys().into_iter().map(move |key| {
                        let mut segments = vec![PathSegment::Key(key.to_string())];
                        segments.extend(s.0.iter().cloned());
                        ValuesPath(segments)
                    })
                })
                .collect();
        }
        Some(UndefinedValue {
            file: file.to_string(),
            reference: index,
            path: path.clone(),
            parent,
            missing,
            suggestion,
            guard: reference.guard,
            in_define: reference.in_define.is_some(),
        })
    }
}

fn first_key(path: &ValuesPath) -> String {
    match path.0.first() {
        Some(PathSegment::Key(k)) => k.clone(),
        _ => String::new(),
    }
}

/// Parsed files of an earlier load, by path.
#[derive(Default)]
struct Parsed<'a> {
    templates: BTreeMap<&'a str, &'a TemplateFile>,
    values: BTreeMap<&'a str, &'a std::sync::Arc<ValuesFile>>,
}

impl<'a> Parsed<'a> {
    fn add(&mut self, chart: &'a LoadedChart) {
        for (p, t) in chart.templates.iter().chain(chart.notes.iter()) {
            self.templates.insert(p, t);
        }
        if let (Some(p), Some(v)) = (chart.layout.values.first(), &chart.values) {
            self.values.insert(p, v);
        }
        chart.subcharts.iter().for_each(|s| self.add(s));
    }

    fn template(&self, path: &str, text: &str) -> TemplateFile {
        match self.templates.get(path) {
            Some(t) if t.text() == text => (*t).clone(),
            _ => TemplateFile::parse(text),
        }
    }

    fn values(&self, path: &str, text: &str) -> std::sync::Arc<ValuesFile> {
        match self.values.get(path) {
            Some(v) if v.text() == text => std::sync::Arc::clone(v),
            _ => std::sync::Arc::new(ValuesFile::parse(text)),
        }
    }
}

fn load_layout(layout: ChartLayout, texts: &BTreeMap<String, &str>, parsed: &Parsed<'_>) -> LoadedChart {
    let text = |p: &str| texts.get(p).copied().unwrap_or("");
    let chart_yaml = ChartYaml::parse(text(&layout.chart_yaml));
    let values = layout
        .values
        .first()
        .filter(|p| {
            p.ends_with("/values.yaml")
                || p.ends_with("/values.yml")
                || *p == "values.yaml"
                || *p == "values.yml"
        })
        .map(|p| parsed.values(p, text(p)));
    let schema = layout.schema.as_deref().map(|p| ValuesSchema::parse(text(p)));
    let mut paths: Vec<&String> = layout.templates.iter().chain(&layout.helpers).collect();
    paths.sort();
    let templates = paths.into_iter().map(|p| (p.clone(), parsed.template(p, text(p)))).collect();
    let notes = layout.notes.as_ref().map(|p| (p.clone(), parsed.template(p, text(p))));
    let subcharts = layout
        .subcharts
        .iter()
        .cloned()
        .map(|sub| {
            let mut loaded = load_layout(sub, texts, parsed);
            loaded.dependencies = chart_yaml
                .dependencies
                .iter()
                .filter(|d| {
                    d.name
                        .as_ref()
                        .is_some_and(|n| n.value == loaded.name() || n.value == loaded.layout.dir_name())
                })
                .cloned()
                .collect();
            loaded
        })
        .collect();
    LoadedChart { layout, chart_yaml, values, schema, templates, notes, subcharts, dependencies: Vec::new() }
}
