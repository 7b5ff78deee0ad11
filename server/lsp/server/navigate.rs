//! The navigation handlers: find references, prepare rename and rename, workspace symbols (see
//! [`crate::analysis::navigate`]). Places come from the spans recorded per file, in the
//! negotiated encoding; a rename reads the files it edits again first, so that it never
//! rewrites text that changed since they were recorded.

use std::collections::{BTreeSet, HashMap};

use kref_yaml::Encoding;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;

use super::Backend;
use crate::analysis::navigate::index::{FileNav, Span, index_file, placeholder_spans};
use crate::analysis::navigate::structure::{self, FoldKind, LinkTarget};
use crate::analysis::navigate::{lens, references, rename, symbols};
use crate::analysis::{implicit, values};
use crate::lsp::positions;
use crate::lsp::workspace::{self, key_of_uri, uri_of_key};

/// Workspace symbols answered at most (clients filter further as the user types).
const MAX_SYMBOLS: usize = 1_000;

/// Folding ranges answered at most for one document.
const MAX_FOLDS: usize = 5_000;

/// The protocol's `RequestFailed`: the request was valid, the server refuses it (with why).
fn refused(message: String) -> Error {
    Error { code: ErrorCode::ServerError(-32803), message: message.into(), data: None }
}

fn range_of(span: Span, encoding: Encoding) -> Range {
    Range::new(
        Position::new(span.start.line, span.start.col(encoding)),
        Position::new(span.end.line, span.end.col(encoding)),
    )
}

/// The URI of the file `file`: the document's own when it is the one asked about.
fn uri_for(file: &str, key: &str, uri: &Uri) -> Option<Uri> {
    if file == key { Some(uri.clone()) } else { uri_of_key(file) }
}

/// What navigation reads of the file `key`: a Helm template's YAML with holes (its templated
/// values hold their template text), any other file's YAML as it is.
fn nav_index(key: &str, file: &kref_yaml::File) -> FileNav {
    match crate::lsp::helm::ChartDoc::read(key, file.text()).and_then(|c| c.template_yaml()) {
        Some(holed) => {
            let mut nav = index_file(&holed);
            // The holes are blanks in the YAML: the template's own text says where they are.
            nav.placeholders = placeholder_spans(file.text());
            nav
        }
        None => index_file(file),
    }
}

impl Backend {
    /// The open document at `uri`; `None` when it is not open or too large to parse here.
    fn nav_request(&self, uri: &Uri, method: &str) -> Option<super::Snapshot> {
        self.snapshot(uri, method).filter(|s| s.analyzable())
    }

    pub(super) async fn find_references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let (uri, position) = (at.text_document.uri, at.position);
        let Some(snapshot) = self.nav_request(&uri, "references") else { return Ok(None) };
        let (shared, encoding) = (self.shared.clone(), self.encoding());
        let with_declarations = params.context.include_declaration;
        let work = snapshot.clone();
        self.off_loop("textDocument/references", Some(&snapshot), move || {
            let file = work.file();
            let offset = positions::offset(file.line_index(), position, encoding);
            let key = key_of_uri(uri.as_str());
            let here = nav_index(&key, &file);
            let subject = references::subject_at(&here, offset)?;
            shared.diags.with_nav(&key, &here, &HashMap::new(), |files| {
                references::references(&subject, files, with_declarations)
                    .iter()
                    .filter_map(|h| {
                        Some(Location {
                            uri: uri_for(h.file, &key, &uri)?,
                            range: range_of(h.span, encoding),
                        })
                    })
                    .collect()
            })
        })
        .await
    }

    pub(super) async fn prepare_rename_at(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let (uri, position) = (params.text_document.uri, params.position);
        let Some(snapshot) = self.nav_request(&uri, "prepareRename") else { return Ok(None) };
        let (shared, encoding) = (self.shared.clone(), self.encoding());
        let work = snapshot.clone();
        self.off_loop("textDocument/prepareRename", Some(&snapshot), move || {
            let file = work.file();
            let offset = positions::offset(file.line_index(), position, encoding);
            let key = key_of_uri(uri.as_str());
            let here = nav_index(&key, &file);
            let prepared = shared
                .diags
                .with_nav(&key, &here, &HashMap::new(), |files| rename::prepare(files, offset))
                .unwrap_or_else(|| Err("the workspace is not readable".into()))
                .map_err(refused)?;
            Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: range_of(prepared.span, encoding),
                placeholder: prepared.name,
            }))
        })
        .await?
    }

    pub(super) async fn rename_everywhere(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let (uri, position, new_name) = (at.text_document.uri, at.position, params.new_name);
        let Some(snapshot) = self.nav_request(&uri, "rename") else { return Ok(None) };
        let (shared, encoding) = (self.shared.clone(), self.encoding());
        let open: HashMap<String, String> = self
            .shared
            .docs
            .snapshots()
            .into_iter()
            .map(|s| (key_of_uri(&s.uri), s.text.to_string()))
            .collect();
        let work = snapshot.clone();
        self.off_loop("textDocument/rename", Some(&snapshot), move || {
            let file = work.file();
            let offset = positions::offset(file.line_index(), position, encoding);
            let key = key_of_uri(uri.as_str());
            let here = nav_index(&key, &file);
            let run = |fresh: &HashMap<String, FileNav>| {
                shared
                    .diags
                    .with_nav(&key, &here, fresh, |files| {
                        rename::rename(files, offset, &new_name).map(|hits| {
                            hits.iter().map(|h| (h.file.to_string(), h.span)).collect::<Vec<(String, Span)>>()
                        })
                    })
                    .unwrap_or_else(|| Err("the workspace is not readable".into()))
                    .map_err(refused)
            };
            // The files to edit, read again: the editor's text, else the disk's.
            let first = run(&HashMap::new())?;
            let others: BTreeSet<&str> =
                first.iter().map(|(f, _)| f.as_str()).filter(|f| *f != key).collect();
            let mut fresh = HashMap::new();
            for f in others {
                let text = match open.get(f) {
                    Some(t) => t.clone(),
                    None => workspace::read_manifest(std::path::Path::new(f))
                        .map_err(|e| refused(format!("could not read {f} again to rename in it: {e}")))?,
                };
                fresh.insert(f.to_string(), nav_index(f, &kref_yaml::parse(&text)));
            }
            let hits = if fresh.is_empty() { first } else { run(&fresh)? };
            let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
            for (f, span) in hits {
                let Some(target) = uri_for(&f, &key, &uri) else { continue };
                changes
                    .entry(target)
                    .or_default()
                    .push(TextEdit { range: range_of(span, encoding), new_text: new_name.clone() });
            }
            Ok(Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }))
        })
        .await?
    }

    pub(super) async fn find_symbols(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let (shared, encoding) = (self.shared.clone(), self.encoding());
        let query = params.query;
        self.off_loop("workspace/symbol", None, move || {
            shared.diags.with_all_nav(|files| {
                #[allow(deprecated)]
                let found: Vec<SymbolInformation> =
                    symbols::workspace_symbols(files.iter().copied(), &query, MAX_SYMBOLS)
                        .iter()
                        .filter_map(|f| {
                            Some(SymbolInformation {
                                name: f.object.label.clone(),
                                kind: SymbolKind::CLASS,
                                tags: None,
                                deprecated: None,
                                location: Location {
                                    uri: uri_of_key(f.file)?,
                                    range: range_of(f.object.span, encoding),
                                },
                                container_name: None,
                            })
                        })
                        .collect();
                WorkspaceSymbolResponse::Flat(found)
            })
        })
        .await
    }

    pub(super) async fn folding(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snapshot) = self.nav_request(&params.text_document.uri, "foldingRange") else {
            return Ok(None);
        };
        let work = snapshot.clone();
        self.off_loop("textDocument/foldingRange", Some(&snapshot), move || {
            let file = work.file();
            let folds = structure::folding_ranges(&file, MAX_FOLDS);
            Some(
                folds
                    .into_iter()
                    .map(|f| FoldingRange {
                        start_line: f.start,
                        end_line: f.end,
                        kind: (f.kind == FoldKind::Comment).then_some(FoldingRangeKind::Comment),
                        ..FoldingRange::default()
                    })
                    .collect(),
            )
        })
        .await
    }

    pub(super) async fn selection(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let Some(snapshot) = self.nav_request(&params.text_document.uri, "selectionRange") else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let work = snapshot.clone();
        self.off_loop("textDocument/selectionRange", Some(&snapshot), move || {
            let file = work.file();
            let index = file.line_index();
            let answer = params.positions.iter().map(|p| {
                let offset = positions::offset(index, *p, encoding);
                let mut chain: Option<SelectionRange> = None;
                for r in structure::selection_ranges(&file, offset).into_iter().rev() {
                    chain = Some(SelectionRange {
                        range: positions::range(index, r, encoding),
                        parent: chain.map(Box::new),
                    });
                }
                // A position outside every range: itself (the protocol wants one per position).
                chain.unwrap_or(SelectionRange { range: Range::new(*p, *p), parent: None })
            });
            Some(answer.collect())
        })
        .await
    }

    pub(super) async fn hints(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.nav_request(&uri, "inlayHint") else { return Ok(None) };
        let shown = self.shared.editor.lock().map(|e| e.inlay_hints).unwrap_or_default();
        let shared = self.shared.clone();
        let range = params.range;
        self.analyze("textDocument/inlayHint", snapshot, move |file, kb, encoding, _| {
            let index = file.line_index();
            let start = positions::offset(index, range.start, encoding);
            let end = positions::offset(index, range.end, encoding);
            let range = kref_yaml::TextRange::new(start, end.max(start));
            let key = key_of_uri(uri.as_str());
            // A Helm template is read as its YAML with holes: templated values hold their
            // template text, and mappings the template adds keys to are open-ended.
            let chart = crate::lsp::helm::ChartDoc::read(&key, file.text());
            let holed = chart.as_ref().and_then(crate::lsp::helm::ChartDoc::template_yaml);
            let yaml = holed.as_ref().unwrap_or(file);
            let mut hints = Vec::new();
            if shown.secret_data {
                hints.extend(values::secret_hints(yaml, range));
            }
            if shown.defaults {
                let patch = shared
                    .diags
                    .with_workspace(|ws| ws.class_of(&key) == Some(crate::analysis::model::FileClass::Patch))
                    .unwrap_or(false);
                hints.extend(implicit::default_hints(yaml, &kb.schema, range, patch));
            }
            if shown.quantities {
                hints.extend(implicit::quantity_hints(yaml, &kb.schema, range));
            }
            hints.sort_by_key(|h| h.offset);
            Some(
                hints
                    .into_iter()
                    .map(|h| InlayHint {
                        position: positions::position(index, h.offset, encoding),
                        label: InlayHintLabel::String(h.label),
                        kind: None,
                        text_edits: None,
                        tooltip: h.tooltip.map(InlayHintTooltip::String),
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    pub(super) async fn lenses(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.nav_request(&uri, "codeLens") else { return Ok(None) };
        let (shared, encoding) = (self.shared.clone(), self.encoding());
        let work = snapshot.clone();
        self.off_loop("textDocument/codeLens", Some(&snapshot), move || {
            let file = work.file();
            let key = key_of_uri(uri.as_str());
            let here = nav_index(&key, &file);
            shared.diags.with_nav(&key, &here, &HashMap::new(), |files| {
                lens::lenses(files)
                    .into_iter()
                    .map(|l| CodeLens {
                        range: range_of(l.span, encoding),
                        // No command to run: the title is the information (clients show it as text).
                        command: Some(Command { title: l.title, command: String::new(), arguments: None }),
                        data: None,
                    })
                    .collect()
            })
        })
        .await
    }

    pub(super) async fn links(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.nav_request(&uri, "documentLink") else { return Ok(None) };
        let encoding = self.encoding();
        let work = snapshot.clone();
        self.off_loop("textDocument/documentLink", Some(&snapshot), move || {
            let file = work.file();
            let key = key_of_uri(uri.as_str());
            let path = std::path::Path::new(&key);
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let kustomization = matches!(name, "kustomization.yaml" | "kustomization.yml" | "Kustomization");
            let folder = path.is_absolute().then(|| path.parent()).flatten();
            // A Helm template: its YAML with holes for comments and annotations, and the files
            // it reads with `.Files` (from the chart's folder; files that exist, a glob's folder).
            let chart = crate::lsp::helm::ChartDoc::read(&key, file.text());
            let holed = chart.as_ref().and_then(crate::lsp::helm::ChartDoc::template_yaml);
            let yaml = holed.as_ref().unwrap_or(&file);
            let mut found: Vec<DocumentLink> = Vec::new();
            if let Some(c) = chart.as_ref().filter(|_| holed.is_some()) {
                for l in crate::analysis::helm_ide::file_links(&c.charts, &c.rel) {
                    let target = c.path_of(&l.path);
                    let exists = if l.folder { target.is_dir() } else { target.is_file() };
                    let Some(uri) = exists.then(|| Uri::from_file_path(&target)).flatten() else { continue };
                    found.push(DocumentLink {
                        range: positions::range(file.line_index(), l.range, encoding),
                        target: Some(uri),
                        tooltip: None,
                        data: None,
                    });
                }
            }
            let links = structure::document_links(yaml, kustomization);
            let plain = links.into_iter().filter_map(|l| {
                let target = match l.target {
                    LinkTarget::Url(url) => url.parse::<Uri>().ok()?,
                    LinkTarget::Path(p) => Uri::from_file_path(existing(&tidy(&folder?.join(p)))?)?,
                };
                Some(DocumentLink {
                    range: positions::range(file.line_index(), l.range, encoding),
                    target: Some(target),
                    tooltip: None,
                    data: None,
                })
            });
            found.extend(plain);
            found.sort_by_key(|l| (l.range.start.line, l.range.start.character));
            Some(found)
        })
        .await
    }
}

/// The rewrites of `crate::analysis::values` at `range`, as code actions.
pub(super) fn rewrites(
    uri: &Uri,
    file: &kref_yaml::File,
    range: kref_yaml::TextRange,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    values::secret_actions(file, range)
        .into_iter()
        .map(|r| {
            let edit = TextEdit {
                range: positions::range(file.line_index(), r.range, encoding),
                new_text: r.new_text,
            };
            CodeActionOrCommand::CodeAction(CodeAction {
                title: r.title,
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// `path` with its `.` and `..` steps resolved as written (links are shown, so `../base` reads
/// as the folder it names).
fn tidy(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The file a link opens: the path when it is a file, the kustomization or chart of a folder.
fn existing(path: &std::path::Path) -> Option<std::path::PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    ["kustomization.yaml", "kustomization.yml", "Kustomization", "Chart.yaml"]
        .iter()
        .map(|n| path.join(n))
        .find(|p| p.is_file())
}
