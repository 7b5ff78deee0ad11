//! The protocol handlers: each reads a document snapshot and the current knowledge, runs an
//! analysis function off the message loop (panics caught and logged), converts the answer, and
//! drops it if the document changed meanwhile.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use kref_yaml::{Encoding, File};
use tokio::sync::watch;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::request::Request;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

mod navigate;

use super::convert::{self, ClientFlags};
use super::diagnostics::DiagState;
use super::documents::{Changed, Documents, MAX_ANALYZED_BYTES, Snapshot};
use super::ext::{KrefExplain, KrefSearch, KrefShow};
use super::loader::{self, Loaded};
use super::positions::{self, encoding_kind, negotiate};
use super::settings::{EditorSettings, workspace_root, workspace_roots};
use super::transport::ParentWatch;
use super::workspace::{self, key_of_path};
use crate::analysis::diagnostics::RuleConfig;
use crate::analysis::views::{ExplainAtView, SearchView, SectionView};
use crate::analysis::{self, Knowledge};

/// The command `workspace/executeCommand` runs for a search. Commands the server advertises live
/// under `kref.lsp.`, a prefix the editor extensions never use for their own commands:
/// vscode-languageclient registers every advertised command as a VS Code command, and a name the
/// extension also registers stops the client from starting.
pub const SEARCH_COMMAND: &str = "kref.lsp.search";

/// The name `SEARCH_COMMAND` had before; still run, no longer advertised.
const OLD_SEARCH_COMMAND: &str = "kref.search";

/// The method by which the client reports changed files it watches for us.
const WATCHED_FILES: &str = "workspace/didChangeWatchedFiles";

/// How long a request waits for the knowledge base to finish loading before answering empty.
const LOAD_WAIT: Duration = Duration::from_secs(30);

/// Where the search index stands.
#[derive(Debug, Clone)]
enum SearchState {
    Loading,
    Ready,
    Failed(String),
}

/// One published knowledge base.
struct Current {
    loaded: Arc<Loaded>,
    search: SearchState,
}

/// The state every handler shares; background loading holds it too.
struct Shared {
    client: Client,
    docs: Documents,
    encoding: OnceLock<Encoding>,
    flags: OnceLock<ClientFlags>,
    workspace: Mutex<Option<PathBuf>>,
    editor: Mutex<EditorSettings>,
    current: watch::Sender<Option<Arc<Current>>>,
    /// Bumped by every (re)load; a load whose number is no longer current is thrown away.
    generation: AtomicU64,
    /// Set once the client said `initialized`: messages to it are sent only after that.
    talking: watch::Sender<bool>,
    /// Diagnostics: the objects of open documents and workspace manifests, what was last
    /// published, the runs in flight.
    diags: DiagState,
    /// Kustomize overlays built, for as-built diagnostics and hover in their files.
    builds: super::kustomize::Builds,
    /// The workspace folders whose manifests the cross-document rules read.
    roots: Mutex<Vec<PathBuf>>,
    /// The client watches files for us when asked (dynamic `didChangeWatchedFiles`).
    can_watch: OnceLock<bool>,
    /// ... and takes patterns relative to a folder (LSP 3.17).
    relative_patterns: OnceLock<bool>,
    /// The note folders and schema files being watched (see [`Shared::watch_sources`]).
    watched_sources: tokio::sync::Mutex<Option<(Vec<PathBuf>, Vec<PathBuf>)>>,
    /// Warnings about the rule settings already shown (they are read again for every check).
    warned: Mutex<std::collections::HashSet<String>>,
    /// Files of the workspace folders that define CustomResourceDefinitions, used as schemas.
    crds: Mutex<Vec<PathBuf>>,
    /// Held while manifests are read from disk (the scan, watched-file events), so that an
    /// older read never lands after a newer one.
    disk: tokio::sync::Mutex<()>,
    /// The Helm charts of open documents, parsed once and kept until edited or changed on disk.
    charts: super::helm::ChartCache,
}

/// The language server.
pub struct Backend {
    shared: Arc<Shared>,
    parent: Arc<ParentWatch>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            parent: Arc::new(ParentWatch::new()),
            shared: Arc::new(Shared {
                client,
                docs: Documents::default(),
                encoding: OnceLock::new(),
                flags: OnceLock::new(),
                workspace: Mutex::new(None),
                editor: Mutex::new(EditorSettings::default()),
                current: watch::Sender::new(None),
                generation: AtomicU64::new(0),
                talking: watch::Sender::new(false),
                diags: DiagState::default(),
                builds: Default::default(),
                roots: Mutex::new(Vec::new()),
                can_watch: OnceLock::new(),
                relative_patterns: OnceLock::new(),
                watched_sources: tokio::sync::Mutex::new(None),
                crds: Mutex::new(Vec::new()),
                warned: Mutex::new(Default::default()),
                disk: tokio::sync::Mutex::new(()),
                charts: Default::default(),
            }),
        }
    }

    /// The watch on the editor's process, which `kref lsp` runs beside the protocol.
    pub(crate) fn parent(&self) -> Arc<ParentWatch> {
        self.parent.clone()
    }

    fn encoding(&self) -> Encoding {
        self.shared.encoding()
    }

    fn flags(&self) -> ClientFlags {
        self.shared.flags.get().copied().unwrap_or_default()
    }

    /// The knowledge base once loaded (waiting for the first load if needed).
    async fn current(&self) -> Option<Arc<Current>> {
        self.shared.wait_for(|c| c.is_some()).await
    }

    /// The document, or `None` (logged) when the client never opened it.
    fn snapshot(&self, uri: &Uri, method: &str) -> Option<Snapshot> {
        let snapshot = self.shared.docs.snapshot(uri.as_str());
        if snapshot.is_none() {
            tracing::warn!("{method} for {} which is not open; answering nothing", uri.as_str());
        }
        snapshot
    }

    /// Runs `f` on the parsed document and the knowledge off the message loop (see
    /// [`Backend::off_loop`]).
    async fn analyze<T, F>(&self, method: &'static str, snapshot: Snapshot, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&File, &Knowledge, Encoding, ClientFlags) -> Option<T> + Send + 'static,
    {
        let Some(current) = self.current().await else { return Ok(None) };
        let knowledge = current.loaded.knowledge.clone();
        let (encoding, flags) = (self.encoding(), self.flags());
        let for_work = snapshot.clone();
        self.off_loop(method, Some(&snapshot), move || f(&for_work.file(), &knowledge, encoding, flags)).await
    }

    /// Runs `f` on the blocking pool. A panic is caught, logged and answered with an internal
    /// error; an answer about a document version that has changed meanwhile is dropped with
    /// `ContentModified`.
    async fn off_loop<T, F>(&self, method: &'static str, snapshot: Option<&Snapshot>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let answer = tokio::task::spawn_blocking(move || caught(method, f)).await;
        match answer {
            Ok(Ok(value)) => match snapshot {
                Some(s) if !self.shared.docs.is_current(s) => {
                    tracing::debug!("{method}: {} changed while answering; dropped", s.uri);
                    Err(Error {
                        code: ErrorCode::ContentModified,
                        message: "the document changed".into(),
                        data: None,
                    })
                }
                _ => Ok(value),
            },
            Ok(Err(e)) => Err(e),
            Err(join) => Err(internal_error(method, &join.to_string())),
        }
    }

    /// `kref/search`: what `kref search --json` prints.
    pub async fn search(
        &self,
        params: <KrefSearch as Request>::Params,
    ) -> Result<<KrefSearch as Request>::Result> {
        let query = params.query()?;
        let Some(current) = self
            .shared
            .wait_for(|c| c.as_ref().is_some_and(|c| !matches!(c.search, SearchState::Loading)))
            .await
        else {
            return Err(Error {
                code: ErrorCode::ServerError(-32803),
                message: "the search index is still loading; try again".into(),
                data: None,
            });
        };
        if let SearchState::Failed(reason) = &current.search {
            return Err(Error {
                code: ErrorCode::ServerError(-32803),
                message: format!("the search index could not be opened: {reason}").into(),
                data: None,
            });
        }
        let Some(index) = current.loaded.knowledge.search.clone() else {
            return Err(internal_error("kref/search", "the search index is missing"));
        };
        let outcome = self
            .off_loop("kref/search", None, move || {
                let hits = index.search(&query)?;
                let suggestions = if hits.is_empty() { index.suggest(&query.text)? } else { Vec::new() };
                Ok::<_, kref_index::IndexError>(SearchView::new(&query.text, &hits, &suggestions))
            })
            .await?;
        outcome.map_err(|e| internal_error("kref/search", &e.to_string()))
    }

    /// `kref/show`: a whole note section as `kref show --json` prints it, or `null`.
    pub async fn show(&self, params: <KrefShow as Request>::Params) -> Result<<KrefShow as Request>::Result> {
        let Some(current) = self.current().await else { return Ok(None) };
        let notes = current.loaded.notes.clone();
        let knowledge = current.loaded.knowledge.clone();
        caught("kref/show", || SectionView::find(&notes, &knowledge.schema, &params.id))
    }

    /// `kref/explain`: `{path, markdown}` for the field at a position, or `null`.
    pub async fn explain(
        &self,
        params: <KrefExplain as Request>::Params,
    ) -> Result<<KrefExplain as Request>::Result> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri, "kref/explain") else {
            return Ok(None);
        };
        if !snapshot.analyzable() {
            return Ok(None);
        }
        let position = params.position;
        let answer = self
            .analyze("kref/explain", snapshot, move |file, kb, encoding, _| {
                let offset = positions::offset(file.line_index(), position, encoding);
                analysis::explain(file, offset, kb)
                    .map(|e| ExplainAtView { path: e.path, markdown: e.markdown })
            })
            .await?;
        Ok(answer)
    }

    /// See [`Shared::reload`].
    fn reload(&self) {
        self.shared.reload();
    }
}

impl Shared {
    /// (Re)loads the knowledge base in the background: schema and notes first (published as soon
    /// as ready), then the search index.
    fn reload(self: &Arc<Self>) {
        let shared = self.clone();
        let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let workspace = shared.workspace.lock().map(|w| w.clone()).unwrap_or_default();
        let editor = shared.editor.lock().map(|e| e.clone()).unwrap_or_default();
        let overrides = editor.overrides(workspace.clone());
        let overrides = crate::kb::config::Overrides {
            notes: overrides.notes.iter().map(|p| anchor(&workspace, p)).collect(),
            // CRDs found in the workspace folders describe their custom resources too.
            schemas: overrides
                .schemas
                .iter()
                .map(|p| anchor(&workspace, p))
                .chain(shared.crds.lock().map(|c| c.clone()).unwrap_or_default())
                .collect(),
            ..overrides
        };
        tokio::spawn(async move {
            let base = tokio::task::spawn_blocking(move || {
                std::panic::catch_unwind(AssertUnwindSafe(|| loader::load_base(&overrides)))
            })
            .await;
            let (loaded, warnings) = match base {
                Ok(Ok(v)) => v,
                Ok(Err(panic)) => {
                    shared
                        .warn(format!("kref could not load its knowledge base: {}", panic_message(&panic)))
                        .await;
                    return;
                }
                Err(e) => {
                    shared.warn(format!("kref could not load its knowledge base: {e}")).await;
                    return;
                }
            };
            if shared.generation.load(Ordering::SeqCst) != generation {
                return;
            }
            // The same deployment units as `kref check`: the workspace folders and the units
            // `.kref.yaml` declares.
            let roots: Vec<PathBuf> = shared.roots.lock().map(|r| r.clone()).unwrap_or_default();
            shared.diags.configure(roots, loaded.settings.units.clone());
            let loaded = Arc::new(loaded);
            let first = shared.current.borrow().is_none();
            shared.current.send_replace(Some(Arc::new(Current {
                loaded: loaded.clone(),
                search: SearchState::Loading,
            })));
            if !first {
                // A new schema or target version: the published diagnostics may be out of date.
                shared.check_open_documents(None);
            }
            if shared.can_watch.get().copied().unwrap_or(false) {
                let (watcher, settings) = (shared.clone(), loaded.settings.clone());
                tokio::spawn(async move { watcher.watch_sources(&settings).await });
            }
            for w in warnings {
                shared.warn(w).await;
            }
            let notes = loaded.settings.notes.clone();
            let search = tokio::task::spawn_blocking(move || {
                std::panic::catch_unwind(AssertUnwindSafe(|| loader::load_search(&notes)))
            })
            .await;
            if shared.generation.load(Ordering::SeqCst) != generation {
                return;
            }
            let (knowledge, state, warnings) = match search {
                Ok(Ok(Ok((index, warnings)))) => (
                    Arc::new(loaded.knowledge.with_search(Some(Arc::new(index)))),
                    SearchState::Ready,
                    warnings,
                ),
                Ok(Ok(Err(e))) => {
                    (loaded.knowledge.clone(), SearchState::Failed(format!("{e:#}")), Vec::new())
                }
                Ok(Err(panic)) => {
                    (loaded.knowledge.clone(), SearchState::Failed(panic_message(&panic)), Vec::new())
                }
                Err(e) => (loaded.knowledge.clone(), SearchState::Failed(e.to_string()), Vec::new()),
            };
            if let SearchState::Failed(reason) = &state {
                shared.warn(format!("kref search is off: {reason}")).await;
            }
            let loaded = Arc::new(Loaded {
                knowledge,
                notes: loaded.notes.clone(),
                settings: loaded.settings.clone(),
            });
            let current = Arc::new(Current { loaded, search: state });
            shared.current.send_replace(Some(current.clone()));
            if matches!(current.search, SearchState::Ready) {
                for snapshot in shared.docs.snapshots() {
                    prepare(snapshot, Some(current.clone()));
                }
            }
            for w in warnings {
                shared.warn(w).await;
            }
        });
    }

    /// Waits (up to [`LOAD_WAIT`]) for the published knowledge to satisfy `ready`.
    async fn wait_for(&self, ready: impl Fn(&Option<Arc<Current>>) -> bool) -> Option<Arc<Current>> {
        let mut rx = self.current.subscribe();
        match tokio::time::timeout(LOAD_WAIT, rx.wait_for(|c| ready(c))).await {
            Ok(Ok(value)) => value.clone(),
            _ => {
                tracing::warn!(
                    "the knowledge base is not ready after {}s; answering nothing",
                    LOAD_WAIT.as_secs()
                );
                None
            }
        }
    }

    /// [`Shared::warn`] without waiting for it: for handlers, which must not hold up the queue.
    fn warn_soon(self: &Arc<Self>, message: String) {
        let shared = self.clone();
        tokio::spawn(async move { shared.warn(message).await });
    }

    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or(Encoding::Utf16)
    }

    /// The workspace folder (or the current folder), where `.kref.yaml` is looked for.
    fn workspace_dir(&self) -> PathBuf {
        self.workspace
            .lock()
            .ok()
            .and_then(|w| w.clone())
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")))
    }

    /// The rule configuration: the target version of the knowledge base, then `rules:` from the
    /// user's `config.yaml`, the workspace `.kref.yaml` and the editor's settings, each over the
    /// one before. Problems (a broken file, an unknown rule id) are reported once each.
    fn rule_config(self: &Arc<Self>, kb: &Knowledge) -> RuleConfig {
        let mut config = RuleConfig::new(kb.kube_version);
        let mut warnings = Vec::new();
        let mut rules = self.editor.lock().map(|e| e.rules.clone()).unwrap_or_default();
        match crate::kb::config::rule_settings(&self.workspace_dir()) {
            Ok(files) => rules.merge_under(&files),
            Err(e) => warnings.push(format!("rule settings ignored: {e:#}")),
        }
        config.apply(&rules, &mut warnings);
        for w in warnings {
            let new = self.warned.lock().map(|mut seen| seen.insert(w.clone())).unwrap_or(false);
            if new {
                self.warn_soon(w);
            }
        }
        config
    }

    /// Runs the checks on `file` (the open document `uri`) against the workspace; when that
    /// changes what the other open documents see, they are checked again.
    fn check(
        self: &Arc<Self>,
        uri: &str,
        file: &File,
        kb: &Knowledge,
    ) -> crate::analysis::diagnostics::Report {
        let config = self.rule_config(kb);
        let still_open = || self.docs.snapshot(uri).is_some();
        // A file of a Helm chart: a template is checked as YAML with holes, and every chart
        // file gets the chart-wide findings about it.
        let chart = self.chart_doc(uri, file.text());
        let (mut report, changed) =
            match chart.as_ref().and_then(|c| Some((c.template()?, c.template_yaml()?))) {
                Some((template, holed)) => self.diags.run_with(uri, holed, still_open, |f, key, ws| {
                    crate::analysis::diagnostics::helm::analyze_template(template, f, key, ws, kb, &config)
                }),
                None => self.diags.run(uri, file, kb, &config, still_open),
            };
        if let Some(chart) = &chart {
            report.diagnostics.extend(chart.chart_diagnostics(file, &config));
            report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.severity, d.rule));
        }
        let key = workspace::key_of_uri(uri);
        let overlays = self.diags.overlays_of(&key);
        if !overlays.is_empty() {
            // What the overlays this file is built into show, at this file's lines.
            let found = super::kustomize::as_built(&overlays, &key, &self.docs, &self.builds, kb, &config);
            let index = file.line_index();
            let known = |d: &crate::analysis::diagnostics::Diagnostic,
                         ds: &[crate::analysis::diagnostics::Diagnostic]| {
                ds.iter()
                    .any(|o| o.rule == d.rule && index.line_of(o.range.start) == index.line_of(d.range.start))
            };
            let new: Vec<_> = found.into_iter().filter(|d| !known(d, &report.diagnostics)).collect();
            crate::analysis::diagnostics::add_findings(&mut report, file, &config, new);
            if !changed && self.diags.built_from(&key, file.text()) {
                // The other open files of these overlays are built from this text too.
                self.check_overlay_documents(uri, &overlays);
            }
        }
        if changed {
            self.check_open_documents(Some(uri));
        }
        report
    }

    /// Checks again the open documents (but `except`) built into any of `overlays`.
    fn check_overlay_documents(self: &Arc<Self>, except: &str, overlays: &[String]) {
        for snapshot in self.docs.snapshots() {
            if snapshot.uri == except {
                continue;
            }
            let theirs = self.diags.overlays_of(&workspace::key_of_uri(&snapshot.uri));
            if !theirs.iter().any(|o| overlays.contains(o)) {
                continue;
            }
            if let Ok(uri) = snapshot.uri.parse::<Uri>() {
                self.check_soon(uri);
            }
        }
    }

    /// Checks the document now, or right after the run in flight for it (which then covers
    /// every edit made meanwhile), and publishes the result tagged with its version.
    fn check_soon(self: &Arc<Self>, uri: Uri) {
        if !self.diags.begin(uri.as_str()) {
            return;
        }
        let shared = self.clone();
        tokio::spawn(async move {
            loop {
                shared.check_and_publish(&uri).await;
                if !shared.diags.end(uri.as_str()) {
                    break;
                }
            }
        });
    }

    /// The Helm chart holding the document `uri` whose text is `text` (from the chart cache,
    /// with every open document's text over its file); `None` outside charts.
    fn chart_doc(&self, uri: &str, text: &str) -> Option<super::helm::ChartDoc> {
        self.chart_doc_of_key(&workspace::key_of_uri(uri), text)
    }

    /// [`Shared::chart_doc`] for the document whose key (its path) is `key`.
    fn chart_doc_of_key(&self, key: &str, text: &str) -> Option<super::helm::ChartDoc> {
        let key = key.to_string();
        let open: Vec<(String, Arc<String>)> =
            self.docs.snapshots().into_iter().map(|s| (workspace::key_of_uri(&s.uri), s.text)).collect();
        let own = open
            .iter()
            .find(|(k, t)| *k == key && t.as_str() == text)
            .map_or_else(|| Arc::new(text.to_string()), |(_, t)| t.clone());
        self.charts.doc(&key, &own, &open)
    }

    /// Files of charts changed on disk: the chart cache reads them again, and the open documents
    /// are checked again when a chart the cache holds was touched.
    fn charts_changed_on_disk(self: &Arc<Self>, paths: &[PathBuf], except: Option<&str>) {
        if self.charts.changed_on_disk(paths) {
            self.check_open_documents(except);
        }
    }

    /// Checks every open document but `except` again: what they refer to has changed.
    fn check_open_documents(self: &Arc<Self>, except: Option<&str>) {
        for snapshot in self.docs.snapshots() {
            if Some(snapshot.uri.as_str()) == except {
                continue;
            }
            match snapshot.uri.parse::<Uri>() {
                Ok(uri) => self.check_soon(uri),
                Err(e) => tracing::debug!("{}: not a URI ({e}); not checked again", snapshot.uri),
            }
        }
    }

    /// One run of the checks on the document's current text; published unless it changed
    /// meanwhile.
    async fn check_and_publish(self: &Arc<Self>, uri: &Uri) {
        let Some(snapshot) = self.docs.snapshot(uri.as_str()) else { return };
        let Some(current) = self.wait_for(|c| c.is_some()).await else { return };
        let kb = current.loaded.knowledge.clone();
        let encoding = self.encoding();
        let (shared, work_uri, work) = (self.clone(), uri.clone(), snapshot.clone());
        let published = tokio::task::spawn_blocking(move || {
            caught("publishDiagnostics", || {
                if !work.analyzable() {
                    return Vec::new();
                }
                let file = work.file();
                let report = shared.check(work_uri.as_str(), &file, &kb);
                shared.diags.remember(work_uri.as_str(), work.version, &report);
                report
                    .diagnostics
                    .iter()
                    .map(|d| super::diagnostics::to_lsp(d, &work_uri, &file, encoding))
                    .collect::<Vec<_>>()
            })
        })
        .await;
        let Ok(Ok(diagnostics)) = published else {
            tracing::warn!("diagnostics of {} failed; nothing published", uri.as_str());
            return;
        };
        if !self.docs.is_current(&snapshot) {
            return;
        }
        let mut talking = self.talking.subscribe();
        if talking.wait_for(|t| *t).await.is_err() {
            return;
        }
        self.client.publish_diagnostics(uri.clone(), diagnostics, Some(snapshot.version)).await;
    }

    /// Reads the manifests of the workspace folders for the cross-document rules, in the
    /// background; open documents are checked again when that changes what they see.
    fn scan_workspace(self: &Arc<Self>) {
        let roots: Vec<PathBuf> = self.roots.lock().map(|r| r.clone()).unwrap_or_default();
        self.scan_folders(roots);
    }

    /// Reads the manifests of these workspace folders (all of them at start, or ones just added).
    fn scan_folders(self: &Arc<Self>, roots: Vec<PathBuf>) {
        let roots: Vec<PathBuf> = roots.into_iter().filter(|r| worth_scanning(r)).collect();
        if roots.is_empty() {
            return;
        }
        let shared = self.clone();
        tokio::spawn(async move {
            let _disk = shared.disk.lock().await;
            let started = Instant::now();
            let scanned =
                tokio::task::spawn_blocking(move || caught("workspace scan", || workspace::scan(&roots)))
                    .await;
            let Ok(Ok(scan)) = scanned else {
                tracing::warn!("the workspace scan failed; cross-file checks see open documents only");
                return;
            };
            for skipped in scan.skipped.iter().take(20) {
                tracing::info!("workspace scan skipped {skipped}");
            }
            let with_objects = scan.files.iter().filter(|(_, d)| !d.objects.is_empty()).count();
            let changed =
                shared.diags.read_from_disk(scan.files.into_iter().map(|(k, d)| (k, Some(d))).collect());
            if !scan.crds.is_empty() {
                tracing::info!("CRDs of the workspace used as schemas: {}", scan.crds.len());
                if let Ok(mut crds) = shared.crds.lock() {
                    *crds = scan.crds;
                }
                shared.reload();
            }
            let (files, objects) = shared.diags.counts();
            tracing::info!(
                "workspace scan: {} manifests read ({with_objects} with objects, {} skipped) in {:.1?}; \
                 cross-file checks see {files} files, {objects} objects",
                scan.read,
                scan.skipped.len(),
                started.elapsed()
            );
            if changed {
                shared.check_open_documents(None);
            }
        });
    }

    /// Reads these files again (gone ones are forgotten); open documents are checked again
    /// when that changes what they see, or always with `recheck`.
    fn reread(self: &Arc<Self>, paths: Vec<PathBuf>, recheck: bool) {
        self.builds.disk_changed();
        let roots: Vec<PathBuf> = self.roots.lock().map(|r| r.clone()).unwrap_or_default();
        let paths: Vec<PathBuf> = paths.into_iter().filter(|p| workspace::is_watched(&roots, p)).collect();
        if paths.is_empty() && !recheck {
            return;
        }
        let shared = self.clone();
        tokio::spawn(async move {
            let _disk = shared.disk.lock().await;
            let work = shared.clone();
            let read = tokio::task::spawn_blocking(move || {
                caught("workspace/didChangeWatchedFiles", || {
                    let mut read = Vec::with_capacity(paths.len());
                    let mut crds_changed = false;
                    for path in paths {
                        // What the file holds now, whatever the event said: events may come late.
                        let disk = match workspace::read_file(&path, workspace::root_of(&roots, &path)) {
                            Ok(disk) => Some(disk),
                            Err(e) => {
                                tracing::debug!("not read: {e}");
                                None
                            }
                        };
                        let is_crd =
                            disk.as_ref().is_some_and(|d| crate::analysis::model::defines_crd(&d.objects));
                        if let Ok(mut crds) = work.crds.lock() {
                            let was_crd = crds.contains(&path);
                            crds.retain(|p| *p != path);
                            if is_crd {
                                crds.push(path.clone());
                            }
                            crds_changed |= is_crd || was_crd;
                        }
                        read.push((key_of_path(&path), disk));
                    }
                    (work.diags.read_from_disk(read), crds_changed)
                })
            })
            .await;
            let (changed, crds_changed) = read.ok().and_then(|r| r.ok()).unwrap_or_default();
            if crds_changed {
                // The schema changes: the reload checks open documents again.
                tracing::info!("a CustomResourceDefinition of the workspace changed; reloading the schema");
                shared.reload();
            } else if recheck || changed {
                shared.check_open_documents(None);
            }
        });
    }

    /// Where a definition is, in protocol terms. Another file's position comes from its text in
    /// the editor when open, else on disk; its line alone when neither can be read.
    fn definition_location(
        &self,
        d: &analysis::definition::Definition,
        uri: &Uri,
        file: &File,
        encoding: Encoding,
    ) -> Option<Location> {
        let Some(key) = &d.file else {
            return Some(Location {
                uri: uri.clone(),
                range: positions::range(file.line_index(), d.range, encoding),
            });
        };
        let target = workspace::uri_of_key(key)?;
        let open = self.docs.snapshots().into_iter().find(|s| workspace::key_of_uri(&s.uri) == *key);
        let text: Option<String> = match open {
            Some(s) => Some(s.text.to_string()),
            None => workspace::read_text(std::path::Path::new(key)),
        };
        let range = match text {
            Some(t)
                if d.range.end <= t.len()
                    && t.is_char_boundary(d.range.start)
                    && t.is_char_boundary(d.range.end) =>
            {
                positions::range(&kref_yaml::LineIndex::new(&t), d.range, encoding)
            }
            _ => Range::new(Position::new(d.line, 0), Position::new(d.line, 0)),
        };
        Some(Location { uri: target, range })
    }

    /// Asks the client to watch the note folders and schema files of `settings` (registered
    /// again when they change), so that an edited note or schema reloads the knowledge base.
    async fn watch_sources(&self, settings: &crate::kb::config::Settings) {
        let wanted = (settings.notes.clone(), self.schema_files(settings));
        let mut watched = self.watched_sources.lock().await;
        if watched.as_ref() == Some(&wanted) {
            return;
        }
        const ID: &str = "kref-sources";
        if watched.is_some() {
            let gone = Unregistration { id: ID.into(), method: WATCHED_FILES.into() };
            if let Err(e) = self.client.unregister_capability(vec![gone]).await {
                tracing::debug!("could not stop watching the old note folders: {e}");
            }
        }
        let relative = self.relative_patterns.get().copied().unwrap_or(false);
        let notes = format!("**/*.{{{}}}", kref_corpus::builtin::NOTE_EXTENSIONS.join(","));
        let mut watchers: Vec<FileSystemWatcher> =
            wanted.0.iter().filter_map(|dir| glob_under(dir, &notes, relative)).collect();
        for file in &wanted.1 {
            if let (Some(dir), Some(name)) = (file.parent(), file.file_name().and_then(|n| n.to_str())) {
                watchers.extend(glob_under(dir, name, relative));
            }
        }
        *watched = Some(wanted);
        if watchers.is_empty() {
            return;
        }
        if let Err(e) = self.register_watchers(ID, watchers).await {
            tracing::info!(
                "the client does not watch the note folders ({e}); restart kref after editing notes"
            );
        }
    }

    /// The `schemas` files of `settings` that are not workspace CRDs (those are manifests,
    /// watched as such).
    fn schema_files(&self, settings: &crate::kb::config::Settings) -> Vec<PathBuf> {
        let crds: Vec<PathBuf> = self.crds.lock().map(|c| c.clone()).unwrap_or_default();
        settings.schemas.iter().filter(|p| !crds.contains(p)).cloned().collect()
    }

    /// Asks the client to watch files for us (`workspace/didChangeWatchedFiles`) under `id`.
    async fn register_watchers(&self, id: &str, watchers: Vec<FileSystemWatcher>) -> Result<()> {
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: id.into(),
            method: WATCHED_FILES.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.client.register_capability(vec![registration]).await
    }

    /// Are any of `paths` notes in a note folder or schema files of the loaded settings?
    fn is_source(&self, paths: &[PathBuf]) -> bool {
        let Some(current) = self.current.borrow().clone() else { return false };
        let settings = &current.loaded.settings;
        let schemas = self.schema_files(settings);
        paths.iter().any(|p| {
            let note = kref_corpus::builtin::is_note_path(&p.to_string_lossy())
                && settings.notes.iter().any(|dir| p.starts_with(dir));
            note || schemas.contains(p)
        })
    }

    /// Asks the client to tell us about changed manifests and `.kref.yaml`.
    async fn watch_manifests(&self) {
        let watchers: Vec<FileSystemWatcher> =
            ["**/*.yaml", "**/*.yml", "**/.kref.yaml", "**/*.tpl", "**/NOTES.txt", "**/values.schema.json"]
                .into_iter()
                .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.into()), kind: None })
                .collect();
        if let Err(e) = self.register_watchers("kref-manifests", watchers).await {
            tracing::info!("the client does not watch files for kref ({e}); open documents still count");
        }
    }

    /// A warning for the log and, once the client is listening, its output window.
    async fn warn(&self, message: String) {
        tracing::warn!("{message}");
        let mut rx = self.talking.subscribe();
        if tokio::time::timeout(LOAD_WAIT, rx.wait_for(|t| *t)).await.is_ok() {
            self.client.log_message(MessageType::WARNING, message).await;
        }
    }
}

/// Parses a document off the message loop and, with a search index, warms hover's cache of
/// related notes for its fields. Nothing for documents too large to analyse.
fn prepare(snapshot: Snapshot, current: Option<Arc<Current>>) {
    if !snapshot.analyzable() {
        return;
    }
    tokio::task::spawn_blocking(move || {
        let file = snapshot.file();
        if let Some(current) = current {
            analysis::docs::warm_up(&file, &current.loaded.knowledge);
        }
    });
}

/// A watcher for `pattern` under `dir`: relative to it when the client takes that, else as one
/// absolute glob.
fn glob_under(dir: &std::path::Path, pattern: &str, relative: bool) -> Option<FileSystemWatcher> {
    let glob_pattern = if relative {
        GlobPattern::Relative(RelativePattern {
            base_uri: OneOf::Right(Uri::from_file_path(dir)?),
            pattern: pattern.to_string(),
        })
    } else {
        GlobPattern::String(format!("{}/{pattern}", dir.display()))
    };
    Some(FileSystemWatcher { glob_pattern, kind: None })
}

/// Is this folder a project to scan? Not the file system's root nor the home folder, which an
/// editor started without a folder may report.
fn worth_scanning(root: &std::path::Path) -> bool {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    root.parent().is_some() && home.as_deref() != Some(root) && root.is_dir()
}

/// A path from the editor's settings, relative to the workspace folder.
fn anchor(workspace: &Option<PathBuf>, path: &std::path::Path) -> PathBuf {
    match workspace {
        Some(root) => crate::kb::config::resolve_path(root, path),
        None => path.to_path_buf(),
    }
}

/// Runs `f`, turning a panic into an internal error (logged with the request's method).
fn caught<T>(method: &str, f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f))
        .map_err(|panic| internal_error(method, &panic_message(&panic)))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

fn internal_error(method: &str, detail: &str) -> Error {
    tracing::error!("{method} failed: {detail}");
    Error {
        code: ErrorCode::InternalError,
        message: format!("kref hit an internal error answering {method}; the log has details").into(),
        data: None,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        self.parent.name(params.process_id);
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref());
        let encoding = negotiate(offered);
        let _ = self.shared.encoding.set(encoding);
        let _ = self.shared.flags.set(ClientFlags::from_capabilities(&params.capabilities));
        let root = workspace_root(&params);
        if let Ok(mut roots) = self.shared.roots.lock() {
            *roots = workspace_roots(&params);
        }
        let watching =
            params.capabilities.workspace.as_ref().and_then(|w| w.did_change_watched_files.as_ref());
        let _ = self.shared.can_watch.set(watching.and_then(|w| w.dynamic_registration).unwrap_or(false));
        let _ = self
            .shared
            .relative_patterns
            .set(watching.and_then(|w| w.relative_pattern_support).unwrap_or(false));
        let prepare_rename = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.rename.as_ref())
            .and_then(|r| r.prepare_support)
            .unwrap_or(false);
        let (editor, warnings) = EditorSettings::from_init(params.initialization_options.as_ref());
        if let Ok(mut w) = self.shared.workspace.lock() {
            w.clone_from(&root);
        }
        if let Ok(mut e) = self.shared.editor.lock() {
            *e = editor;
        }
        tracing::info!(
            "kref {} starting: workspace {}, positions in {encoding:?}",
            env!("CARGO_PKG_VERSION"),
            root.as_deref().map_or_else(|| "none".into(), |p| p.display().to_string())
        );
        for w in warnings {
            self.shared.warn_soon(w);
        }
        self.reload();
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    resolve_provider: Some(true),
                    trigger_characters: Some(vec![":".into(), " ".into()]),
                    ..CompletionOptions::default()
                }),
                document_symbol_provider: Some(OneOf::Left(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(if prepare_rename {
                    OneOf::Right(RenameOptions {
                        prepare_provider: Some(true),
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                } else {
                    OneOf::Left(true)
                }),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE]),
                    ..CodeActionOptions::default()
                })),
                // One server for every folder of a window: folders added or removed later are
                // scanned or forgotten, so editors need no second server (and no second client).
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![SEARCH_COMMAND.into()],
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "kref".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.shared.talking.send_replace(true);
        if self.shared.can_watch.get().copied().unwrap_or(false) {
            let shared = self.shared.clone();
            tokio::spawn(async move { shared.watch_manifests().await });
        }
        self.shared.scan_workspace();
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutting down");
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let changed = self.shared.docs.open(doc.uri.as_str(), doc.version, doc.text);
        self.report_change(doc.uri.as_str(), changed);
        self.shared.check_soon(doc.uri.clone());
        // Parse now and ask the searches hover will ask, so the first hovers do not wait.
        if let Some(snapshot) = self.shared.docs.snapshot(doc.uri.as_str()) {
            let current = self.shared.current.borrow().clone();
            prepare(snapshot, current.filter(|c| matches!(c.search, SearchState::Ready)));
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let changed = self.shared.docs.change(uri.as_str(), version, params.content_changes, self.encoding());
        self.report_change(uri.as_str(), changed);
        // An edit of values, helpers or Chart.yaml changes what the chart's other open
        // documents see.
        let key = PathBuf::from(workspace::key_of_uri(uri.as_str()));
        let chart_wide = key.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.starts_with('_')
                || n == "Chart.yaml"
                || n.starts_with("values") && !key.parent().is_some_and(|p| p.ends_with("templates"))
        });
        if chart_wide && self.shared.charts.knows(&key) {
            self.shared.check_open_documents(Some(uri.as_str()));
        }
        self.shared.check_soon(uri);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // The file on disk holds the saved text now: its chart reads its files again when next
        // asked (the open texts still win over them).
        let key = PathBuf::from(workspace::key_of_uri(params.text_document.uri.as_str()));
        if key.is_absolute() {
            self.shared.charts.changed_on_disk(std::slice::from_ref(&key));
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.shared.docs.close(uri.as_str());
        let (key, had_objects) = self.shared.diags.close(uri.as_str());
        if *self.shared.talking.borrow() {
            self.shared.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
        // The file on disk counts again (it may differ from the closed text, or be gone).
        let path = PathBuf::from(&key);
        let on_disk = if path.is_absolute() { vec![path] } else { Vec::new() };
        self.shared.charts_changed_on_disk(&on_disk, None);
        let open: Vec<String> =
            self.shared.docs.snapshots().iter().map(|s| workspace::key_of_uri(&s.uri)).collect();
        self.shared.charts.keep_open(&open);
        self.shared.reread(on_disk, had_objects);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let paths = |folders: &[WorkspaceFolder]| -> Vec<PathBuf> {
            folders.iter().filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned())).collect()
        };
        let added = paths(&params.event.added);
        let removed = paths(&params.event.removed);
        tracing::info!("workspace folders: {} added, {} removed", added.len(), removed.len());
        if let Ok(mut roots) = self.shared.roots.lock() {
            roots.retain(|r| !removed.contains(r));
            for folder in &added {
                if !roots.contains(folder) {
                    roots.push(folder.clone());
                }
            }
        }
        // The same deployment units as `kref check` over the new folders.
        let roots: Vec<PathBuf> = self.shared.roots.lock().map(|r| r.clone()).unwrap_or_default();
        let relaid = self.shared.diags.set_roots(roots);
        let forgot = !removed.is_empty() && self.shared.diags.forget_below(&removed);
        if relaid || forgot {
            self.shared.check_open_documents(None);
        }
        if !added.is_empty() {
            self.shared.scan_folders(added);
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> =
            params.changes.iter().filter_map(|c| c.uri.to_file_path().map(|p| p.into_owned())).collect();
        let settings_changed = paths.iter().any(|p| p.file_name().is_some_and(|n| n == ".kref.yaml"));
        let sources_changed = self.shared.is_source(&paths);
        self.shared.charts_changed_on_disk(&paths, None);
        self.shared.reread(paths, settings_changed);
        if settings_changed || sources_changed {
            tracing::info!("settings, notes or schemas changed on disk; reloading the knowledge base");
            self.reload();
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri, "codeAction") else { return Ok(None) };
        if !snapshot.analyzable() {
            return Ok(None);
        }
        let shared = self.shared.clone();
        let range = params.range;
        self.analyze("textDocument/codeAction", snapshot, move |file, kb, encoding, _| {
            let index = file.line_index();
            let start = positions::offset(index, range.start, encoding);
            let end = positions::offset(index, range.end, encoding);
            let report = shared.check(uri.as_str(), file, kb);
            let range = kref_yaml::TextRange::new(start, end.max(start));
            let mut actions = super::diagnostics::code_actions(&report, range, &uri, file, encoding);
            actions.extend(navigate::rewrites(&uri, file, range, encoding));
            Some(actions)
        })
        .await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let Some((editor, warnings)) = EditorSettings::from_change(&params.settings) else {
            tracing::debug!("configuration change without kref settings; nothing to do");
            return;
        };
        let (changed, hints_changed) = match self.shared.editor.lock() {
            Ok(mut current) if *current != editor => {
                let knowledge = !current.same_knowledge(&editor);
                let hints = current.inlay_hints != editor.inlay_hints;
                *current = editor;
                (knowledge, hints)
            }
            _ => (false, false),
        };
        for w in warnings {
            self.shared.warn_soon(w);
        }
        if changed {
            tracing::info!("settings changed; reloading the knowledge base");
            self.reload();
        }
        if hints_changed && self.flags().hint_refresh {
            // The client asks again for the hints it shows (switched-off kinds disappear).
            let client = self.shared.client.clone();
            tokio::spawn(async move {
                if let Err(e) = client.inlay_hint_refresh().await {
                    tracing::debug!("inlay hint refresh failed: {e}");
                }
            });
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some(snapshot) = self.snapshot(&at.text_document.uri, "hover") else { return Ok(None) };
        if !snapshot.analyzable() {
            return Ok(None);
        }
        let position = at.position;
        let shared = self.shared.clone();
        let uri = at.text_document.uri.as_str().to_string();
        let version = snapshot.version;
        self.analyze("textDocument/hover", snapshot, move |file, kb, encoding, _| {
            let index = file.line_index();
            let offset = positions::offset(index, position, encoding);
            let chart = shared.chart_doc(&uri, file.text());
            if let Some(c) = &chart
                && let Some(h) = c.hover(file, offset, kb)
            {
                return Some(convert::hover(h, index, encoding));
            }
            // The YAML of a template is its YAML with holes (same offsets and lines).
            let holed = chart.as_ref().and_then(super::helm::ChartDoc::template_yaml);
            let file = holed.unwrap_or(file);
            if !shared.diags.knows(&uri, version) {
                // The run for publishing has not checked this version yet: check it now, once.
                let report = shared.check(&uri, file, kb);
                shared.diags.remember(&uri, version, &report);
            }
            let rules = shared.diags.hover_notes(&uri, version, offset);
            // Kustomize: a JSON 6902 patch file's paths; what overlays do to the field.
            let key = workspace::key_of_uri(&uri);
            let overlays = shared.diags.overlays_of(&key);
            let roots: Vec<PathBuf> = shared.roots.lock().map(|r| r.clone()).unwrap_or_default();
            let patched = super::kustomize::patched_notes(
                &overlays,
                &key,
                file,
                offset,
                &shared.docs,
                &shared.builds,
                &roots,
            );
            let found = super::kustomize::patch_file_hover(&key, file, offset, &shared.docs, kb)
                .or_else(|| analysis::hover(file, offset, kb))
                .map(|mut h| {
                    if !patched.is_empty() {
                        h.markdown.push_str(&format!("\n\n---\n\n{}\n", patched.join("\n\n")));
                    }
                    h
                });
            match (found, rules) {
                (Some(mut h), Some(rules)) => {
                    h.markdown.push_str(&rules);
                    Some(convert::hover(h, index, encoding))
                }
                (Some(h), None) => Some(convert::hover(h, index, encoding)),
                (None, Some(rules)) => Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: rules.trim_start_matches(['\n', '-', ' ']).trim_start().to_string(),
                    }),
                    range: None,
                }),
                (None, None) => None,
            }
        })
        .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri, "definition") else { return Ok(None) };
        if !snapshot.analyzable() {
            return Ok(None);
        }
        let (shared, position) = (self.shared.clone(), at.position);
        self.analyze("textDocument/definition", snapshot, move |file, _, encoding, _| {
            let offset = positions::offset(file.line_index(), position, encoding);
            let key = workspace::key_of_uri(uri.as_str());
            if let Some(target) = kustomize_definition(file, offset, &key) {
                return Some(GotoDefinitionResponse::Scalar(target));
            }
            if let Some(c) = shared.chart_doc(uri.as_str(), file.text()) {
                let found = analysis::helm_ide::definition(c.charts(), c.rel(), offset);
                let locations: Vec<Location> = found
                    .into_iter()
                    .map(|(rel, range)| analysis::definition::Definition {
                        file: (rel != c.rel()).then(|| workspace::key_of_path(&c.path_of(&rel))),
                        range,
                        line: 0,
                        label: rel,
                    })
                    .filter_map(|d| shared.definition_location(&d, &uri, file, encoding))
                    .collect();
                if !locations.is_empty() {
                    return Some(GotoDefinitionResponse::Array(locations));
                }
            }
            let (_, found) = shared
                .diags
                .with_workspace(|ws| analysis::definition::definition(file, offset, &key, ws))
                .flatten()?;
            let mut locations: Vec<Location> =
                found.iter().filter_map(|d| shared.definition_location(d, &uri, file, encoding)).collect();
            match locations.len() {
                0 => None,
                1 => locations.pop().map(GotoDefinitionResponse::Scalar),
                _ => Some(GotoDefinitionResponse::Array(locations)),
            }
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let Some(snapshot) = self.snapshot(&at.text_document.uri, "completion") else { return Ok(None) };
        if !snapshot.analyzable() {
            return Ok(None);
        }
        let position = at.position;
        let uri = at.text_document.uri.as_str().to_string();
        let shared = self.shared.clone();
        self.analyze("textDocument/completion", snapshot, move |file, kb, encoding, flags| {
            let index = file.line_index();
            let offset = positions::offset(index, position, encoding);
            let chart = shared.chart_doc(&uri, file.text());
            if let Some(c) = &chart
                && let Some(items) = c.complete(file, offset, kb)
            {
                let items =
                    items.into_iter().map(|i| convert::completion_item(i, index, encoding, flags)).collect();
                return Some(CompletionResponse::List(CompletionList { is_incomplete: false, items }));
            }
            let holed = chart.as_ref().and_then(super::helm::ChartDoc::template_yaml);
            let file = holed.unwrap_or(file);
            let items: Vec<CompletionItem> = analysis::complete(file, offset, kb)
                .into_iter()
                .map(|i| convert::completion_item(i, index, encoding, flags))
                .collect();
            Some(CompletionResponse::List(CompletionList { is_incomplete: false, items }))
        })
        .await
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        let Some(current) = self.current().await else { return Ok(item) };
        let knowledge = current.loaded.knowledge.clone();
        let fallback = item.clone();
        // An item without its documentation is still an item: errors were logged.
        let resolved = self
            .off_loop("completionItem/resolve", None, move || convert::resolve_item(item, &knowledge))
            .await;
        Ok(resolved.unwrap_or(fallback))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri, "documentSymbol") else { return Ok(None) };
        if !snapshot.analyzable() {
            // Too large to parse on the request path: an outline from the lines alone.
            let text = snapshot.text.clone();
            let flags = self.flags();
            let encoding = self.encoding();
            return self
                .off_loop("textDocument/documentSymbol", Some(&snapshot), move || {
                    let symbols = analysis::symbols::outline_by_lines(&text);
                    let index = kref_yaml::LineIndex::new(&text);
                    Some(convert::document_symbols(symbols, &uri, &index, encoding, flags))
                })
                .await;
        }
        let shared = self.shared.clone();
        self.analyze("textDocument/documentSymbol", snapshot, move |file, _, encoding, flags| {
            // A template's outline is that of its YAML with holes (same offsets and lines).
            let chart = shared.chart_doc(uri.as_str(), file.text());
            let holed = chart.as_ref().and_then(super::helm::ChartDoc::template_yaml);
            let symbols = analysis::document_symbols(holed.unwrap_or(file));
            Some(convert::document_symbols(symbols, &uri, file.line_index(), encoding, flags))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.find_references(params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.prepare_rename_at(params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.rename_everywhere(params).await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.find_symbols(params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.folding(params).await
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        self.selection(params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.links(params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.hints(params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.lenses(params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        match params.command.as_str() {
            SEARCH_COMMAND | OLD_SEARCH_COMMAND => {
                let search = super::ext::SearchParams::from_command(&params.arguments)?;
                let view = self.search(search).await?;
                serde_json::to_value(view)
                    .map(Some)
                    .map_err(|e| internal_error(SEARCH_COMMAND, &e.to_string()))
            }
            other => {
                Err(Error::invalid_params(format!("unknown command {other:?}; kref runs {SEARCH_COMMAND}")))
            }
        }
    }
}

impl Backend {
    fn report_change(&self, uri: &str, changed: Changed) {
        match changed {
            Changed::Applied => {}
            Changed::NotOpen => tracing::warn!("change for {uri} which is not open; ignored"),
            Changed::BecameLarge { bytes } => {
                self.shared.warn_soon(format!(
                    "{uri} is {:.1} MB, over kref's {} MB limit: hover and completion are off for it \
                         (document symbols still work)",
                    bytes as f64 / 1_048_576.0,
                    MAX_ANALYZED_BYTES / 1_048_576
                ));
            }
        }
    }
}

/// Go to definition on a path of a kustomization: the file, or the folder's kustomization.
fn kustomize_definition(file: &File, offset: usize, key: &str) -> Option<Location> {
    let path = std::path::Path::new(key);
    let name = path.file_name()?.to_str()?;
    if !crate::analysis::model::project::classify::KUSTOMIZATION_NAMES.contains(&name) || !path.is_absolute()
    {
        return None;
    }
    let (_, target) = analysis::kustomize::refs::definition_at(
        file,
        offset,
        path.parent()?,
        &crate::kb::disk::DiskFs::default(),
    )?;
    Some(Location { uri: Uri::from_file_path(&target)?, range: Range::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let err = caught("textDocument/hover", || -> u32 { panic!("boom") }).unwrap_err();
        assert_eq!(err.code, ErrorCode::InternalError);
        assert!(err.message.contains("textDocument/hover"), "{}", err.message);
        assert_eq!(caught("textDocument/hover", || 7).unwrap(), 7);
        let payload: Box<dyn std::any::Any + Send> = Box::new(String::from("index out of bounds"));
        assert_eq!(panic_message(&payload), "index out of bounds");
    }
}
