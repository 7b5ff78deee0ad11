//! Helm charts in the editor: the chart an open document belongs to, read from disk with the
//! document's own text over its file, and what the handlers need of it: the template read as
//! YAML with holes, the chart-wide diagnostics of the document, and the file paths of
//! definitions.

use std::path::{Path, PathBuf};

use kref_yaml::File;

use crate::analysis::diagnostics::{self, Diagnostic, RuleConfig};
use crate::analysis::helm::{FileRole, LoadedChart, TemplateFile};
use crate::analysis::helm_ide;
use crate::analysis::{CompletionItem, Hover, Knowledge};
use crate::kb::charts;

/// An open document inside a Helm chart.
pub struct ChartDoc {
    /// The outermost chart's folder.
    pub dir: PathBuf,
    /// The document's path relative to `dir`, `/`-separated.
    pub rel: String,
    pub charts: Vec<LoadedChart>,
}

impl ChartDoc {
    /// The chart holding the document at `key` (an absolute path), with `text` as its content;
    /// `None` outside charts.
    pub fn read(key: &str, text: &str) -> Option<ChartDoc> {
        let path = Path::new(key);
        if !path.is_absolute() {
            return None;
        }
        let dir = charts::chart_of(path)?;
        let rel: Vec<&str> =
            path.strip_prefix(&dir).ok()?.components().filter_map(|c| c.as_os_str().to_str()).collect();
        let rel = rel.join("/");
        let mut files = charts::read_chart(&dir);
        match files.iter_mut().find(|(p, _)| *p == rel) {
            Some(file) => file.1 = text.to_string(),
            None => files.push((rel.clone(), text.to_string())),
        }
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        Some(ChartDoc { dir, rel, charts: LoadedChart::load(&refs) })
    }

    /// The document as a template Helm renders into manifests (not a helper, not NOTES.txt).
    pub fn template(&self) -> Option<&TemplateFile> {
        let (chart, template) = helm_ide::template_of(&self.charts, &self.rel)?;
        (chart.layout.role_of(&self.rel) == FileRole::Template).then_some(template)
    }

    /// The template's YAML with holes, for the manifest features.
    pub fn template_yaml(&self) -> Option<File> {
        self.template().map(diagnostics::helm::template_yaml)
    }

    /// The chart-wide diagnostics about this document (Chart.yaml, values against the schema,
    /// `.Values` paths, named templates), `# kref-ignore` comments applied.
    pub fn chart_diagnostics(&self, file: &File, config: &RuleConfig) -> Vec<Diagnostic> {
        self.charts
            .iter()
            .flat_map(|c| diagnostics::helm::check_chart(c, &[], config))
            .filter(|f| f.file == self.rel)
            .map(|f| f.diagnostic)
            .filter(|d| !diagnostics::helm::is_suppressed(file, d))
            .collect()
    }

    /// The role of the document in its chart.
    fn role(&self) -> FileRole {
        fn find(chart: &LoadedChart, rel: &str) -> Option<FileRole> {
            chart.subcharts.iter().find_map(|s| find(s, rel)).or_else(|| {
                let inside =
                    chart.layout.dir.is_empty() || rel.starts_with(&format!("{}/", chart.layout.dir));
                inside.then(|| chart.layout.role_of(rel))
            })
        }
        self.charts.iter().find_map(|c| find(c, &self.rel)).unwrap_or(FileRole::Other)
    }

    /// Hover anywhere in a chart file: templates (values, named templates, built-ins,
    /// functions), Chart.yaml fields, values.yaml keys (with the templates reading them).
    pub fn hover(&self, file: &File, offset: usize, kb: &Knowledge) -> Option<Hover> {
        match self.role() {
            FileRole::ChartYaml => helm_ide::chart_yaml_hover(file, offset),
            FileRole::Values => helm_ide::values_hover(&self.charts, &self.rel, offset),
            _ => helm_ide::hover(&self.charts, &self.rel, offset, kb),
        }
    }

    /// Completion in a chart file: after `.Values.` and in `include "` in templates, keys of
    /// Chart.yaml.
    pub fn complete(&self, file: &File, offset: usize) -> Option<Vec<CompletionItem>> {
        match self.role() {
            FileRole::ChartYaml => helm_ide::chart_yaml_complete(file, offset),
            _ => helm_ide::complete(&self.charts, &self.rel, offset),
        }
    }

    /// The absolute path of a file of the chart tree.
    pub fn path_of(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }
}
