//! Manifest diagnostics: every rule, run over the documents of a file (and the objects of the
//! workspace for cross-document rules), returning plain diagnostics with quick fixes.
//!
//! [`diagnose`] checks one file on its own; [`diagnose_workspace`] checks several files that see
//! each other's objects; a [`Workspace`] keeps those objects for a language server that updates
//! one file at a time and calls [`analyze_in`]. Rules are listed in [`registry::RULES`] with stable
//! ids; each has a note in the built-in corpus ([`rule_doc`]). A check that panics on an odd
//! document is skipped for that document and reported in [`Report::notes`]; nothing here does IO.

mod api;
pub mod config;
pub(crate) mod context;
mod cron;
pub mod edits;
pub mod helm;
mod kustomization;
pub(crate) mod names;
pub(crate) mod objects;
mod pattern;
mod pod;
pub(crate) mod quantity;
pub mod registry;
pub(crate) mod schema;
mod suppress;
mod syntax;
mod typed;
mod workloads;
pub mod workspace;

#[cfg(test)]
mod tests;

use std::panic::{AssertUnwindSafe, catch_unwind};

use kref_yaml::{File, TextRange};

pub use config::{RuleConfig, RuleSettings, default_kube_version};
pub use edits::apply_edits;
pub use registry::{
    Category, PssLevel, RULES, Rule, RuleNote, rule_by_id, rule_doc, rule_doc_path, rule_note, rules,
};

use crate::knowledge::Knowledge;
use crate::model::object as manifest;
use crate::model::project::{self, DocClass, FileClass};
use crate::model::{Object, View, Workspace};
use context::Cx;

/// How serious a diagnostic is (the LSP's four levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }

    /// Reads `error`, `warning` (`warn`), `info` (`information`) or `hint`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// Which rules run by default: `Minimal` = what the API server would reject, `Default` = plus
/// strong best practices and baseline pod security, `Strict` = everything, hints included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    Minimal,
    Default,
    Strict,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Minimal => "minimal",
            Profile::Default => "default",
            Profile::Strict => "strict",
        }
    }

    pub fn parse(text: &str) -> Option<Profile> {
        match text.trim().to_ascii_lowercase().as_str() {
            "minimal" => Some(Profile::Minimal),
            "default" => Some(Profile::Default),
            "strict" => Some(Profile::Strict),
            _ => None,
        }
    }
}

/// A replacement of a range of the text (byte offsets into the checked text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// A quick fix: edits that, applied together, remove the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

/// Another place that explains a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The workspace key (path or URI) of another file; `None` for the same file.
    pub file: Option<String>,
    pub range: TextRange,
    /// Zero-based line of `range.start` in that file (for messages when the text is not at hand).
    pub line: u32,
    pub message: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Byte offsets into the checked text.
    pub range: TextRange,
    pub severity: Severity,
    /// The stable rule id (see [`RULES`]).
    pub rule: &'static str,
    /// One line that names the fix.
    pub message: String,
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at its default severity.
    pub fn new(rule: &'static str, range: TextRange, message: impl Into<String>) -> Diagnostic {
        let severity = rule_by_id(rule).map_or(Severity::Error, |r| r.severity);
        Diagnostic { range, severity, rule, message: message.into(), fixes: Vec::new(), related: Vec::new() }
    }

    pub(crate) fn fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    pub(crate) fn fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Diagnostic {
        self.fixes.extend(fixes);
        self
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub(crate) fn related(mut self, related: Related) -> Diagnostic {
        self.related.push(related);
        self
    }
}

/// What checking a file produced.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Internal problems for the log (a check that failed on a document and was skipped) and
    /// why a file was not checked at all (a Helm template).
    pub notes: Vec<String>,
    /// Documents (and List items) that were checked as Kubernetes objects.
    pub objects: usize,
    /// What the file was taken for.
    pub class: Option<FileClass>,
}

/// A per-document check; it reads the workspace view for cross-document rules.
type Check = fn(&mut Cx<'_>, &View<'_>);

/// Every per-document check, by name (the name is only for the log when one fails).
const CHECKS: &[(&str, Check)] = &[
    ("api", api::check),
    ("schema", schema::check),
    ("names", names::check),
    ("workloads", workloads::check),
    ("pod", pod::check),
    ("objects", objects::check),
    ("workspace", workspace::check),
];

/// The diagnostics of one file checked on its own (cross-document rules see only its own
/// documents). Internal notes go to the log.
pub fn diagnose(file: &File, kb: &Knowledge, config: &RuleConfig) -> Vec<Diagnostic> {
    let report = analyze(file, kb, config);
    for note in &report.notes {
        if note.starts_with("internal error") {
            tracing::warn!("{note}");
        } else {
            tracing::debug!("{note}");
        }
    }
    report.diagnostics
}

/// [`diagnose`] with the internal notes. The file is classified by its content alone.
pub fn analyze(file: &File, kb: &Knowledge, config: &RuleConfig) -> Report {
    let local = Object::of_file(file);
    let class = project::classify::content_class(std::path::Path::new(""), file).class;
    run(file, class, &View::local(&local), kb, config)
}

/// Checks `file`, known in `workspace` as `key`, against the objects of the files it shares a
/// deployment unit with (its own entry is replaced by its current text). Its class is the one
/// the workspace recorded for `key`, else what its path and content say.
pub fn analyze_in(
    file: &File,
    key: &str,
    workspace: &Workspace,
    kb: &Knowledge,
    config: &RuleConfig,
) -> Report {
    let local = Object::of_file(file);
    let class = workspace
        .class_of(key)
        .unwrap_or_else(|| project::classify::content_class(std::path::Path::new(key), file).class);
    run(file, class, &View::new(key, &local, workspace), kb, config)
}

/// [`analyze_in`] with the class given by the caller (a Helm template's holed YAML is checked
/// as a manifest).
pub fn analyze_as(
    file: &File,
    key: &str,
    class: FileClass,
    workspace: &Workspace,
    kb: &Knowledge,
    config: &RuleConfig,
) -> Report {
    let local = Object::of_file(file);
    run(file, class, &View::new(key, &local, workspace), kb, config)
}

/// A document of an API group no schema knows, shaped like no object: a hint, never an error.
fn foreign(doc: &kref_yaml::Document, levels: &[Option<Severity>], out: &mut Vec<Diagnostic>) {
    let (Some((kind, range)), Some((api_version, _))) = (&doc.kind, &doc.api_version) else { return };
    let Some(severity) = registry::rule_index("no-schema").and_then(|i| levels.get(i).copied().flatten())
    else {
        return;
    };
    out.push(
        Diagnostic::new(
            "no-schema",
            *range,
            format!(
                "{api_version} {kind} is not an API kref has a schema for, and it has no metadata: not checked as a Kubernetes object"
            ),
        )
        .severity(severity),
    );
}

/// Checks several files that see each other's objects; one report per file, in order.
pub fn diagnose_workspace(files: &[(&str, &File)], kb: &Knowledge, config: &RuleConfig) -> Vec<Report> {
    let mut ws = Workspace::new();
    for (key, file) in files {
        ws.update(key, file);
    }
    files.iter().map(|(key, file)| analyze_in(file, key, &ws, kb, config)).collect()
}

/// Adds findings made outside the per-file checks (a kustomization's paths and targets, which
/// need the files around it) to `report`: rule settings, `kref-ignore` comments and the
/// suppress fix apply to them as to the others.
pub fn add_findings(report: &mut Report, file: &File, config: &RuleConfig, found: Vec<Diagnostic>) {
    if found.is_empty() {
        return;
    }
    let levels = config.levels();
    let ignores = suppress::comments(file);
    let index = file.line_index();
    for mut d in found {
        let Some(level) = registry::rule_index(d.rule).and_then(|i| levels.get(i).copied().flatten()) else {
            continue;
        };
        if !ignores.is_empty()
            && suppress::ignored(
                &ignores,
                d.rule,
                index.line_of(d.range.start),
                file.document_at(d.range.start),
            )
        {
            continue;
        }
        d.severity = level;
        d.fixes.push(edits::suppress_fix(file, d.rule, d.range.start));
        report.diagnostics.push(d);
    }
    report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.severity, d.rule));
}

/// Runs one check on one document; a panic drops what it reported and leaves a note.
fn contained(
    name: &str,
    check: Check,
    cx: &mut Cx<'_>,
    view: &View<'_>,
    index: usize,
    notes: &mut Vec<String>,
) {
    let before = cx.out.len();
    if catch_unwind(AssertUnwindSafe(|| check(cx, view))).is_err() {
        cx.out.truncate(before);
        let what = match (&cx.obj.kind, &cx.obj.name) {
            (Some((k, _)), Some(n)) => format!("{k}/{n}"),
            (Some((k, _)), None) => k.clone(),
            _ => "an object".to_string(),
        };
        notes.push(format!(
            "internal error: the {name} checks failed on document {} ({what}) and were skipped",
            index + 1
        ));
    }
}

/// Files with at least this many documents have them checked in parallel.
const PARALLEL_DOCUMENTS: usize = 64;

/// What checking one document produced.
#[derive(Default)]
struct DocReport {
    diagnostics: Vec<Diagnostic>,
    notes: Vec<String>,
    objects: usize,
}

/// Runs every check on one document (each object of a List) of `file`.
#[allow(clippy::too_many_arguments)]
fn document(
    file: &File,
    class: FileClass,
    index: usize,
    doc: &kref_yaml::Document,
    view: &View<'_>,
    kb: &Knowledge,
    config: &RuleConfig,
    levels: &[Option<Severity>],
) -> DocReport {
    let mut r = DocReport::default();
    let out = &mut r.diagnostics;
    let doc_class = project::classify::doc_class(file.text(), doc);
    match doc_class {
        DocClass::Object | DocClass::Patch | DocClass::List => {}
        DocClass::Foreign => {
            foreign(doc, levels, out);
            return r;
        }
        _ => return r,
    }
    if doc_class == DocClass::List
        && let Some(whole) = manifest::whole_document(file.text(), index, doc)
    {
        let mut cx = Cx::new(file, &whole, kb, config, None, None, levels);
        contained("list", api::list, &mut cx, view, index, &mut r.notes);
        out.extend(cx.out);
    }
    for obj in manifest::document_objects(file.text(), index, doc) {
        r.objects += 1;
        let kind = obj.kind.as_ref().map_or("", |(k, _)| k.as_str());
        let api_version = obj.api_version.as_ref().map_or("", |(a, _)| a.as_str());
        let schema_kind = api::schema_kind(kb, api_version, kind);
        let enforced = view.enforced(obj.namespace.as_deref());
        let mut cx = Cx::new(file, &obj, kb, config, schema_kind, enforced, levels);
        cx.partial = class == FileClass::Patch || doc_class == DocClass::Patch || obj.partial;
        for (name, check) in CHECKS {
            contained(name, *check, &mut cx, view, index, &mut r.notes);
        }
        #[cfg(test)]
        contained("test", tests::explode, &mut cx, view, index, &mut r.notes);
        let annotated = suppress::annotated(obj.node);
        out.extend(
            cx.out.into_iter().filter(|d| !registry::rule_index(d.rule).is_some_and(|i| annotated[i])),
        );
    }
    r
}

fn run(file: &File, class: FileClass, view: &View<'_>, kb: &Knowledge, config: &RuleConfig) -> Report {
    let mut report = Report { class: Some(class), ..Report::default() };
    if !class.is_yaml() {
        report.notes.push("template syntax ({{ }}): not a plain manifest, not checked".to_string());
        return report;
    }
    let levels = config.levels();
    let mut out = Vec::new();
    syntax::check(file, &levels, &mut out);
    if matches!(
        class,
        FileClass::Kustomize(project::KustomizePart::Kustomization | project::KustomizePart::Component)
    ) {
        kustomization::check(file, kb, config, &levels, view, &mut out);
    }
    if class.has_objects() {
        // Documents are checked on their own (cross-document rules only read the view), so a
        // big file's documents are checked in parallel; results are joined in document order.
        let check = |(index, doc): (usize, &kref_yaml::Document)| {
            document(file, class, index, doc, view, kb, config, &levels)
        };
        let docs = file.documents.iter().enumerate();
        let results: Vec<DocReport> = if file.documents.len() >= PARALLEL_DOCUMENTS {
            use rayon::prelude::*;
            file.documents.par_iter().enumerate().with_min_len(PARALLEL_DOCUMENTS / 4).map(check).collect()
        } else {
            docs.map(check).collect()
        };
        for r in results {
            out.extend(r.diagnostics);
            report.notes.extend(r.notes);
            report.objects += r.objects;
        }
    }
    let ignores = suppress::comments(file);
    let index = file.line_index();
    out.retain(|d| {
        ignores.is_empty()
            || !suppress::ignored(
                &ignores,
                d.rule,
                index.line_of(d.range.start),
                file.document_at(d.range.start),
            )
    });
    for d in &mut out {
        let fix = edits::suppress_fix(file, d.rule, d.range.start);
        d.fixes.push(fix);
    }
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity, d.rule));
    out.dedup_by(|a, b| a.range == b.range && a.rule == b.rule && a.message == b.message);
    report.diagnostics = out;
    report
}
