//! Helm charts in the editor: the chart an open document belongs to, read from disk once and kept
//! (a [`ChartCache`]), with the open documents' text over their files, and what the handlers
//! need of it: the template read as YAML with holes, the chart-wide diagnostics of the document,
//! and the file paths of definitions.
//!
//! The cache holds, per chart folder, the files read from disk and the model last built from them
//! with the open documents' texts. A request reuses the model while the open texts inside the
//! chart are the ones it was built with; an edit builds it again from the kept disk files (parsed
//! templates whose text did not change are reused); a save, a close or a watched-file event under
//! the folder makes the disk files be read again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use kref_yaml::File;

use crate::analysis::diagnostics::{self, Diagnostic, RuleConfig};
use crate::analysis::helm::{FileRole, LoadedChart, TemplateFile};
use crate::analysis::helm_ide;
use crate::analysis::{CompletionItem, Hover, Knowledge};
use crate::kb::charts;

/// A chart tree parsed with the open documents' texts, and the YAML with holes of its templates
/// (made when first asked for).
pub struct ChartModel {
    /// The outermost chart's folder.
    dir: PathBuf,
    charts: Vec<LoadedChart>,
    /// The open documents' texts it was built with, by path relative to `dir`, sorted.
    open: Vec<(String, Arc<String>)>,
    holed: HashMap<String, OnceLock<File>>,
}

impl ChartModel {
    /// Parses the chart tree from the disk files of `dir` with `open` texts over them; parsed
    /// files of `previous` whose text is the same are reused.
    fn build(
        dir: PathBuf,
        disk: &[(String, String)],
        open: Vec<(String, Arc<String>)>,
        previous: Option<&ChartModel>,
    ) -> ChartModel {
        let mut files: Vec<(&str, &str)> = disk.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        for (rel, text) in &open {
            match files.iter_mut().find(|(p, _)| p == rel) {
                Some(file) => file.1 = text.as_str(),
                None => files.push((rel.as_str(), text.as_str())),
            }
        }
        let charts = match previous {
            Some(previous) => LoadedChart::load_reusing(&files, &previous.charts),
            None => LoadedChart::load(&files),
        };
        let mut holed = HashMap::new();
        fn templates(chart: &LoadedChart, out: &mut HashMap<String, OnceLock<File>>) {
            for (p, _) in &chart.templates {
                out.insert(p.clone(), OnceLock::new());
            }
            chart.subcharts.iter().for_each(|s| templates(s, out));
        }
        charts.iter().for_each(|c| templates(c, &mut holed));
        ChartModel { dir, charts, open, holed }
    }

    /// Was this model built with these open texts?
    fn built_with(&self, open: &[(String, Arc<String>)]) -> bool {
        self.open.len() == open.len()
            && self.open.iter().zip(open).all(|((p, a), (q, b))| p == q && (Arc::ptr_eq(a, b) || a == b))
    }
}

/// A chart's files as read from disk: `(path relative to the chart folder, text)`.
type DiskFiles = Arc<Vec<(String, String)>>;

/// The chart models of the charts open documents belong to, by chart folder.
#[derive(Default)]
pub struct ChartCache {
    /// The chart folder of a file (`None`: in no chart).
    owners: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// The chart files read from disk, by chart folder.
    disk: Mutex<HashMap<PathBuf, DiskFiles>>,
    /// The last model of each chart, and whether the disk files it was built from are still
    /// current (a stale model is still worth its parsed files).
    models: Mutex<HashMap<PathBuf, (Arc<ChartModel>, bool)>>,
}

impl ChartCache {
    /// The chart holding the document `key` (an absolute path) whose text is `text`, with the
    /// other open documents' texts (`open`: keys and texts) over their files; `None` outside
    /// charts.
    pub fn doc(&self, key: &str, text: &Arc<String>, open: &[(String, Arc<String>)]) -> Option<ChartDoc> {
        let path = Path::new(key);
        if !path.is_absolute() {
            return None;
        }
        let dir = self.owner(path)?;
        let rel = relative(&dir, path)?;
        let mut texts: Vec<(String, Arc<String>)> = open
            .iter()
            .filter(|(k, _)| k != key)
            .filter_map(|(k, t)| Some((relative(&dir, Path::new(k))?, t.clone())))
            .collect();
        texts.push((rel.clone(), text.clone()));
        texts.sort_by(|a, b| a.0.cmp(&b.0));
        texts.dedup_by(|a, b| a.0 == b.0);
        let previous = self.models.lock().ok().and_then(|m| m.get(&dir).cloned());
        if let Some((model, true)) = previous.as_ref().filter(|(m, _)| m.built_with(&texts)) {
            return Some(ChartDoc { model: model.clone(), rel });
        }
        let disk = self.disk_files(&dir);
        let previous = previous.map(|(m, _)| m);
        let model = Arc::new(ChartModel::build(dir.clone(), &disk, texts, previous.as_deref()));
        if let Ok(mut models) = self.models.lock() {
            models.insert(dir, (model.clone(), true));
        }
        Some(ChartDoc { model, rel })
    }

    /// The chart folder of `path`, looked up on disk once.
    fn owner(&self, path: &Path) -> Option<PathBuf> {
        if let Some(known) = self.owners.lock().ok().and_then(|o| o.get(path).cloned()) {
            return known;
        }
        let found = charts::chart_of(path);
        if let Ok(mut owners) = self.owners.lock() {
            owners.insert(path.to_path_buf(), found.clone());
        }
        found
    }

    fn disk_files(&self, dir: &Path) -> DiskFiles {
        if let Some(files) = self.disk.lock().ok().and_then(|d| d.get(dir).cloned()) {
            return files;
        }
        let files = Arc::new(charts::read_chart(dir));
        if let Ok(mut disk) = self.disk.lock() {
            disk.insert(dir.to_path_buf(), files.clone());
        }
        files
    }

    /// Files changed on disk (saved, closed, created, deleted): the charts holding them read
    /// their files again when next asked. Returns true when a chart the cache knows was
    /// touched (its open documents may need checking again).
    pub fn changed_on_disk(&self, paths: &[PathBuf]) -> bool {
        // A Chart.yaml created or deleted moves chart boundaries: find owners again.
        if paths.iter().any(|p| p.file_name().is_some_and(|n| n == "Chart.yaml"))
            && let Ok(mut owners) = self.owners.lock()
        {
            owners.clear();
        }
        if let Ok(mut disk) = self.disk.lock() {
            disk.retain(|dir, _| !paths.iter().any(|p| p.starts_with(dir)));
        }
        let Ok(mut models) = self.models.lock() else { return false };
        let mut touched = false;
        for (dir, (_, fresh)) in models.iter_mut() {
            if paths.iter().any(|p| p.starts_with(dir)) {
                *fresh = false;
                touched = true;
            }
        }
        touched
    }

    /// Drops the charts no open document (`open`: their keys) belongs to any more.
    pub fn keep_open(&self, open: &[String]) {
        let in_use = |dir: &PathBuf| open.iter().any(|k| Path::new(k).starts_with(dir));
        if let Ok(mut models) = self.models.lock() {
            models.retain(|dir, _| in_use(dir));
        }
        if let Ok(mut disk) = self.disk.lock() {
            disk.retain(|dir, _| in_use(dir));
        }
    }

    /// Is `path` inside a chart the cache knows?
    pub fn knows(&self, path: &Path) -> bool {
        self.models.lock().is_ok_and(|m| m.keys().any(|dir| path.starts_with(dir)))
    }
}

/// `path` relative to `dir`, `/`-separated.
fn relative(dir: &Path, path: &Path) -> Option<String> {
    let rel: Vec<&str> =
        path.strip_prefix(dir).ok()?.components().filter_map(|c| c.as_os_str().to_str()).collect();
    Some(rel.join("/"))
}

/// An open document inside a Helm chart.
pub struct ChartDoc {
    model: Arc<ChartModel>,
    /// The document's path relative to the chart folder, `/`-separated.
    rel: String,
}

impl ChartDoc {
    /// The chart holding the document at `key` (an absolute path), with `text` as its content,
    /// read from disk now (no cache); `None` outside charts.
    pub fn read(key: &str, text: &str) -> Option<ChartDoc> {
        let path = Path::new(key);
        if !path.is_absolute() {
            return None;
        }
        let dir = charts::chart_of(path)?;
        let rel = relative(&dir, path)?;
        let disk = charts::read_chart(&dir);
        let open = vec![(rel.clone(), Arc::new(text.to_string()))];
        Some(ChartDoc { model: Arc::new(ChartModel::build(dir, &disk, open, None)), rel })
    }

    /// The loaded chart tree.
    pub fn charts(&self) -> &[LoadedChart] {
        &self.model.charts
    }

    /// The document's path relative to the chart folder.
    pub fn rel(&self) -> &str {
        &self.rel
    }

    /// The document as a template Helm renders into manifests (not a helper, not NOTES.txt).
    pub fn template(&self) -> Option<&TemplateFile> {
        let (chart, template) = helm_ide::template_of(&self.model.charts, &self.rel)?;
        (chart.layout.role_of(&self.rel) == FileRole::Template).then_some(template)
    }

    /// The template's YAML with holes, for the manifest features (made once per model).
    pub fn template_yaml(&self) -> Option<&File> {
        let template = self.template()?;
        let cell = self.model.holed.get(&self.rel)?;
        Some(cell.get_or_init(|| diagnostics::helm::template_yaml(template)))
    }

    /// The chart-wide diagnostics about this document (Chart.yaml, values against the schema,
    /// `.Values` paths, named templates), `# kref-ignore` comments applied.
    pub fn chart_diagnostics(&self, file: &File, config: &RuleConfig) -> Vec<Diagnostic> {
        self.model
            .charts
            .iter()
            .flat_map(|c| diagnostics::helm::check_chart(c, &[], config))
            .filter(|f| f.file == self.rel)
            .map(|f| f.diagnostic)
            .filter(|d| !diagnostics::helm::is_suppressed(file, d))
            .collect()
    }

    /// The role of the document in its chart.
    pub fn role(&self) -> FileRole {
        fn find(chart: &LoadedChart, rel: &str) -> Option<FileRole> {
            chart.subcharts.iter().find_map(|s| find(s, rel)).or_else(|| {
                let inside =
                    chart.layout.dir.is_empty() || rel.starts_with(&format!("{}/", chart.layout.dir));
                inside.then(|| chart.layout.role_of(rel))
            })
        }
        self.model.charts.iter().find_map(|c| find(c, &self.rel)).unwrap_or(FileRole::Other)
    }

    /// Hover anywhere in a chart file: templates (values, named templates, built-ins,
    /// functions), Chart.yaml fields, values.yaml keys (with the templates reading them).
    pub fn hover(&self, file: &File, offset: usize, kb: &Knowledge) -> Option<Hover> {
        match self.role() {
            FileRole::ChartYaml => helm_ide::chart_yaml_hover(file, offset),
            FileRole::Values => helm_ide::values_hover(&self.model.charts, &self.rel, offset),
            _ => helm_ide::hover(&self.model.charts, &self.rel, offset, kb),
        }
    }

    /// Completion in a chart file: in template actions (`.Values.`, the dot of `with` and
    /// `range`, variables, `include "`, built-ins and functions), keys of Chart.yaml.
    pub fn complete(&self, file: &File, offset: usize, kb: &Knowledge) -> Option<Vec<CompletionItem>> {
        match self.role() {
            FileRole::ChartYaml => helm_ide::chart_yaml_complete(file, offset),
            _ => helm_ide::complete(&self.model.charts, &self.rel, offset, kb),
        }
    }

    /// The absolute path of a file of the chart tree.
    pub fn path_of(&self, rel: &str) -> PathBuf {
        self.model.dir.join(rel)
    }
}
