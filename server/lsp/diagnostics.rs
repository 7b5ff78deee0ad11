//! Diagnostics in the editor: checks of open documents on open and change, published with the
//! document's version, against the other open documents and the workspace's manifests on disk;
//! quick fixes as code actions; the rule's note on hover and as the diagnostic's link.
//!
//! Invariants: a run is dropped, never published, when its document changed while it ran; at
//! most one run per document is in flight, and edits that arrive meanwhile are checked together
//! by one more run (no timer: an edit after a quiet moment is checked at once).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use kref_yaml::{Encoding, File, TextRange};
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CodeDescription,
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Uri, WorkspaceEdit,
};

use super::positions;
use super::workspace::{DiskFile, key_of_uri, uri_of_key};
use crate::analysis::Knowledge;
use crate::analysis::diagnostics::{
    self, Diagnostic, Report, RuleConfig, Severity, rule_doc, rule_doc_path, rule_note,
};
use crate::analysis::model::project::{self, DeclaredUnit, FileClass, FileFacts};
use crate::analysis::model::{Object, Workspace, same_facts};
use crate::analysis::navigate::{self, index::FileNav, index::index_file, references::Files as NavFiles};

/// A document version and the ranges and rule ids of its diagnostics.
type Checked = (i32, Vec<(TextRange, &'static str)>);

/// The files the cross-document rules see.
#[derive(Default)]
struct Files {
    /// Objects by file key (see [`super::workspace`]): open documents and manifests on disk.
    workspace: Workspace,
    /// Keys of open documents: their text in the editor wins over the file on disk.
    open: HashSet<String>,
    /// What the project layout needs of every file, by key (sorted, so that a layout built
    /// again numbers its units the same way).
    facts: BTreeMap<String, FileFacts>,
    /// Units `.kref.yaml` declares.
    declared: Vec<DeclaredUnit>,
    /// The workspace folders (files are placed relative to them).
    roots: Vec<PathBuf>,
    /// The layout's problems (a kustomization that includes itself), by key.
    messages: Vec<(String, String)>,
    /// Keys of the files read from disk (to forget a removed folder's).
    disk: HashSet<String>,
    /// What navigation knows of every file, by key.
    nav: HashMap<String, Arc<FileNav>>,
}

impl Files {
    /// Lays the project out again (classes, charts, kustomizations, units), as `kref check`
    /// does over the same files; answers whether any file's class or units changed.
    fn relayout(&mut self) -> bool {
        let before = self.signatures();
        let layout = project::lay_out(self.facts.iter().map(|(k, f)| (k.as_str(), f)), &self.declared);
        self.workspace.apply_layout(&layout);
        self.messages.clone_from(&layout.messages);
        self.signatures() != before
    }

    /// Each file's class and units (by name), to tell whether a new layout changed anything.
    fn signatures(&self) -> Vec<(String, Option<&'static str>, Vec<u32>)> {
        self.workspace
            .keys()
            .map(|k| {
                (
                    k.to_string(),
                    self.workspace.class_of(k).map(FileClass::name),
                    self.workspace.units_of(k).to_vec(),
                )
            })
            .collect()
    }

    /// The facts of an open document: placed under the workspace folder that holds it, as the
    /// scan would place the file; outside them (or no file at all) it has no folder.
    fn facts_of(&self, key: &str, file: &File) -> FileFacts {
        let path = Path::new(key);
        if !path.is_absolute() {
            return FileFacts::read(None, None, file);
        }
        FileFacts::read(Some(path), super::workspace::root_of(&self.roots, path), file)
    }
}

/// What the diagnostics of open documents need between runs.
#[derive(Default)]
pub struct DiagState {
    files: Mutex<Files>,
    /// The ranges and rule ids of the diagnostics per URI, with the document version they
    /// are about, for hover.
    published: DashMap<String, Checked>,
    /// Documents with a run in flight, and whether an edit asked for another meanwhile.
    running: DashMap<String, bool>,
    /// A digest of each document's text when its overlays' other open files were last asked
    /// to check again (an edit to a base or patch changes what those overlays build).
    built_from: DashMap<String, u64>,
}

impl DiagState {
    /// Checks `file` (the document `uri`) against the other files, after recording its objects.
    /// Also answers whether that changed what other documents see (their checks are then due).
    ///
    /// `still_open` is asked under the lock that `close` takes too: a run that comes after the
    /// document was closed does not put its objects back.
    pub fn run(
        &self,
        uri: &str,
        file: &File,
        kb: &Knowledge,
        config: &RuleConfig,
        still_open: impl Fn() -> bool,
    ) -> (Report, bool) {
        let (mut report, changed) = self.run_with(uri, file, still_open, |file, key, ws| {
            diagnostics::analyze_in(file, key, ws, kb, config)
        });
        kustomize_findings(&mut report, &key_of_uri(uri), file, kb, config);
        (report, changed)
    }

    /// [`DiagState::run`] with the analysis given (a Helm template's holed YAML is checked by
    /// the template rules).
    pub fn run_with(
        &self,
        uri: &str,
        file: &File,
        still_open: impl Fn() -> bool,
        analyze: impl Fn(&File, &str, &Workspace) -> Report,
    ) -> (Report, bool) {
        let key = key_of_uri(uri);
        let (report, changed) = match self.files.lock() {
            Ok(mut files) => {
                if still_open() {
                    files.open.insert(key.clone());
                    let mut changed = set(&mut files.workspace, &key, Object::of_file(file));
                    files.nav.insert(key.clone(), Arc::new(index_file(file)));
                    let facts = files.facts_of(&key, file);
                    if files.facts.get(&key) != Some(&facts) {
                        files.facts.insert(key.clone(), facts);
                        changed |= files.relayout();
                    }
                    let mut report = analyze(file, &key, &files.workspace);
                    report
                        .notes
                        .extend(files.messages.iter().filter(|(k, _)| *k == key).map(|(_, m)| m.clone()));
                    (report, changed)
                } else {
                    (Report::default(), false)
                }
            }
            Err(_) => (analyze(file, &key, &Workspace::new()), false),
        };
        for note in &report.notes {
            if note.starts_with("internal error") {
                tracing::warn!("{uri}: {note}");
            } else {
                tracing::debug!("{uri}: {note}");
            }
        }
        (report, changed)
    }

    /// Marks a run of `uri` as started; `false` when one is in flight (which then runs again
    /// once done, on the newest text).
    pub fn begin(&self, uri: &str) -> bool {
        match self.running.entry(uri.to_string()) {
            Entry::Occupied(mut again) => {
                again.insert(true);
                false
            }
            Entry::Vacant(slot) => {
                slot.insert(false);
                true
            }
        }
    }

    /// Marks a run of `uri` as done; `true` when another was asked for meanwhile (and is now
    /// started).
    pub fn end(&self, uri: &str) -> bool {
        match self.running.entry(uri.to_string()) {
            Entry::Occupied(mut e) if *e.get() => {
                e.insert(false);
                true
            }
            Entry::Occupied(e) => {
                e.remove();
                false
            }
            Entry::Vacant(_) => false,
        }
    }

    /// Remembers the diagnostics of `version`, for hover.
    pub fn remember(&self, uri: &str, version: i32, report: &Report) {
        self.published.insert(
            uri.to_string(),
            (version, report.diagnostics.iter().map(|d| (d.range, d.rule)).collect()),
        );
    }

    /// Have the diagnostics of this version been computed?
    pub fn knows(&self, uri: &str, version: i32) -> bool {
        self.published.get(uri).is_some_and(|p| p.0 == version)
    }

    /// Forgets a closed document; answers its key (the caller reads the file from disk again
    /// when it is a workspace manifest) and whether it had objects.
    pub fn close(&self, uri: &str) -> (String, bool) {
        let key = key_of_uri(uri);
        self.published.remove(uri);
        let mut had_objects = false;
        if let Ok(mut files) = self.files.lock() {
            files.open.remove(&key);
            had_objects = files.workspace.objects_of(&key).is_some_and(|o| !o.is_empty());
            files.workspace.remove(&key);
            files.nav.remove(&key);
            if files.facts.remove(&key).is_some() {
                had_objects |= files.relayout();
            }
        }
        (key, had_objects)
    }

    /// Records the objects and facts of files read from disk, by key (`None` forgets the
    /// file), except files that are open, and lays the project out again when their facts
    /// changed. Answers whether that changed what documents see.
    pub fn read_from_disk(&self, read: Vec<(String, Option<DiskFile>)>) -> bool {
        let Ok(mut files) = self.files.lock() else { return false };
        let mut changed = false;
        let mut moved = false;
        for (key, disk) in read {
            match &disk {
                Some(_) => files.disk.insert(key.clone()),
                None => files.disk.remove(&key),
            };
            if files.open.contains(&key) {
                continue;
            }
            match disk {
                Some(d) => {
                    changed |= set(&mut files.workspace, &key, d.objects);
                    files.nav.insert(key.clone(), Arc::new(d.nav));
                    if files.facts.get(&key) != Some(&d.facts) {
                        files.facts.insert(key, d.facts);
                        moved = true;
                    }
                }
                None => {
                    changed |= forget(&mut files.workspace, &key);
                    files.nav.remove(&key);
                    moved |= files.facts.remove(&key).is_some();
                }
            }
        }
        if moved {
            changed |= files.relayout();
        }
        changed
    }

    /// Takes the workspace folders and the units `.kref.yaml` declares; answers whether the
    /// layout changed.
    pub fn configure(&self, roots: Vec<PathBuf>, declared: Vec<DeclaredUnit>) -> bool {
        let Ok(mut files) = self.files.lock() else { return false };
        if files.roots == roots && files.declared == declared {
            return false;
        }
        files.roots = roots;
        files.declared = declared;
        files.relayout()
    }

    /// Takes new workspace folders (added or removed), keeping the declared units; answers
    /// whether the layout changed.
    pub fn set_roots(&self, roots: Vec<PathBuf>) -> bool {
        let declared = self.files.lock().map(|f| f.declared.clone()).unwrap_or_default();
        self.configure(roots, declared)
    }

    /// Forgets the files read from disk below these folders (removed from the workspace), except
    /// open documents; answers whether that changed what documents see.
    pub fn forget_below(&self, folders: &[std::path::PathBuf]) -> bool {
        let Ok(mut files) = self.files.lock() else { return false };
        let gone: Vec<String> = files
            .disk
            .iter()
            .filter(|key| folders.iter().any(|f| std::path::Path::new(key.as_str()).starts_with(f)))
            .cloned()
            .collect();
        let mut changed = false;
        let mut moved = false;
        for key in gone {
            files.disk.remove(&key);
            if !files.open.contains(&key) {
                changed |= forget(&mut files.workspace, &key);
                files.nav.remove(&key);
                moved |= files.facts.remove(&key).is_some();
            }
        }
        if moved {
            changed |= files.relayout();
        }
        changed
    }

    /// Runs `f` over the objects the cross-document rules see (go to definition reads them).
    /// The kustomization files of the overlays (Kustomize units) the file `key` is built into.
    pub fn overlays_of(&self, key: &str) -> Vec<String> {
        self.with_workspace(|ws| ws.overlays_of(key).into_iter().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// Records the text of `key` as what its overlays were built from; answers whether it
    /// differs from the last one recorded.
    pub fn built_from(&self, key: &str, text: &str) -> bool {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        let digest = h.finish();
        self.built_from.insert(key.to_string(), digest) != Some(digest)
    }

    pub fn with_workspace<R>(&self, f: impl FnOnce(&Workspace) -> R) -> Option<R> {
        self.files.lock().ok().map(|files| f(&files.workspace))
    }

    /// Runs `f` over the files the file `key` sees for navigation (its deployment units), `here`
    /// (its current text) first; `fresh` replaces what was recorded of other files.
    pub fn with_nav<R>(
        &self,
        key: &str,
        here: &FileNav,
        fresh: &HashMap<String, FileNav>,
        f: impl FnOnce(&NavFiles<'_>) -> R,
    ) -> Option<R> {
        let files = self.files.lock().ok()?;
        let mine = files.workspace.units_of(key);
        let mut list: Vec<(&str, &FileNav)> = vec![(key, here)];
        for (k, nav) in &files.nav {
            if k != key && navigate::references::visible(mine, files.workspace.units_of(k)) {
                list.push((k.as_str(), fresh.get(k).unwrap_or(nav)));
            }
        }
        // A stable order whatever the map's: by key.
        list[1..].sort_unstable_by_key(|(k, _)| *k);
        Some(f(&list))
    }

    /// Runs `f` over what navigation knows of every file, sorted by key.
    pub fn with_all_nav<R>(&self, f: impl FnOnce(&NavFiles<'_>) -> R) -> Option<R> {
        let files = self.files.lock().ok()?;
        let mut list: Vec<(&str, &FileNav)> =
            files.nav.iter().map(|(k, n)| (k.as_str(), n.as_ref())).collect();
        list.sort_unstable_by_key(|(k, _)| *k);
        Some(f(&list))
    }

    /// Number of files and of objects the cross-document rules see.
    pub fn counts(&self) -> (usize, usize) {
        self.files.lock().map_or((0, 0), |f| (f.workspace.len(), f.workspace.object_count()))
    }

    /// The notes of the rules whose diagnostics of `version` cover `offset`, as Markdown for
    /// hover (the caller makes sure that version was checked, so the answer does not depend on
    /// whether the run for publishing came first).
    pub fn hover_notes(&self, uri: &str, version: i32, offset: usize) -> Option<String> {
        let published = self.published.get(uri).filter(|p| p.0 == version)?;
        let mut out = String::new();
        let mut seen = Vec::new();
        for (range, rule) in published.1.iter() {
            if range.start <= offset && offset <= range.end.max(range.start + 1) && !seen.contains(rule) {
                seen.push(*rule);
                if let Some(note) = rule_note(rule) {
                    out.push_str(&format!("\n\n---\n\n**kref rule `{rule}`**\n\n{}", note.summary));
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// Forgets the file `key`; answers whether other files see a difference (it had objects).
/// A kustomization's paths and targets, checked against the disk (its own text as the editor
/// has it), outside the workspace lock.
fn kustomize_findings(report: &mut Report, key: &str, file: &File, kb: &Knowledge, config: &RuleConfig) {
    use crate::analysis::model::project::{FileClass, KustomizePart};
    let path = std::path::Path::new(key);
    let Some(dir) = path.parent().filter(|_| path.is_absolute()) else { return };
    let mut fs = crate::kb::disk::DiskFs::default();
    fs.open.insert(path.to_path_buf(), file.text().to_string());
    let found = match report.class {
        Some(FileClass::Kustomize(KustomizePart::Kustomization | KustomizePart::Component)) => {
            crate::analysis::kustomize::check::diagnose(file, dir, &fs, &kb.schema)
        }
        Some(FileClass::Kustomize(KustomizePart::JsonPatch)) => {
            crate::analysis::kustomize::check::patch_file_diagnostics(path, file.text(), &fs, &kb.schema)
        }
        _ => return,
    };
    diagnostics::add_findings(report, file, config, found);
}

fn forget(ws: &mut Workspace, key: &str) -> bool {
    let had = ws.objects_of(key).is_some_and(|o| !o.is_empty());
    ws.remove(key);
    had
}

/// Records `objects` as the file `key`'s; answers whether other files see a difference.
fn set(ws: &mut Workspace, key: &str, objects: Vec<Object>) -> bool {
    let changed = !same_facts(ws.objects_of(key).unwrap_or(&[]), &objects);
    ws.set(key, objects);
    changed
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The link of a rule's note: `kref:/notes/<id>.md?id=builtin:rules/<id>.md`, the form of
/// the VS Code extension's read-only note documents (it opens the note with `kref/show`); other
/// clients show it as the rule's reference.
pub fn rule_link(rule: &str) -> Option<Uri> {
    /// A query value: everything but unreserved characters escaped (`:` and `/` included).
    const QUERY_VALUE: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    rule_doc(rule)?;
    let id = percent_encoding::utf8_percent_encode(&rule_doc_path(rule), QUERY_VALUE).to_string();
    Uri::from_str(&format!("kref:/notes/{rule}.md?id={id}")).ok()
}

/// One diagnostic in LSP terms: rule id as `code` with its note as `codeDescription`, related
/// places in this file and in others.
pub fn to_lsp(d: &Diagnostic, uri: &Uri, file: &File, encoding: Encoding) -> lsp::Diagnostic {
    let index = file.line_index();
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let location = match &r.file {
                None => Location { uri: uri.clone(), range: positions::range(index, r.range, encoding) },
                // Another file's text is not at hand: its line.
                Some(key) => Location {
                    uri: uri_of_key(key)?,
                    range: lsp::Range { start: Position::new(r.line, 0), end: Position::new(r.line + 1, 0) },
                },
            };
            Some(DiagnosticRelatedInformation { location, message: r.message.clone() })
        })
        .collect();
    lsp::Diagnostic {
        range: positions::range(index, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: rule_link(d.rule).map(|href| CodeDescription { href }),
        source: Some("kref".into()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

/// Quick fixes for the diagnostics that touch `range` (byte offsets).
pub fn code_actions(
    report: &Report,
    range: TextRange,
    uri: &Uri,
    file: &File,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let index = file.line_index();
    let mut out = Vec::new();
    for d in &report.diagnostics {
        let touches = d.range.start <= range.end && range.start <= d.range.end;
        if !touches {
            continue;
        }
        let lsp_diag = to_lsp(d, uri, file, encoding);
        for (i, fix) in d.fixes.iter().enumerate() {
            let edits: Vec<lsp::TextEdit> = fix
                .edits
                .iter()
                .map(|e| lsp::TextEdit {
                    range: positions::range(index, e.range, encoding),
                    new_text: e.new_text.clone(),
                })
                .collect();
            let mut changes = HashMap::new();
            changes.insert(uri.clone(), edits);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diag.clone()]),
                edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
                is_preferred: Some(i == 0 && d.fixes.len() > 1),
                ..CodeAction::default()
            }));
        }
    }
    out
}
