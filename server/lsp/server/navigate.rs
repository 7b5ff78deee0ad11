//! The navigation handlers: find references, prepare rename and rename, workspace symbols (see
//! [`crate::analysis::navigate`]). Places come from the spans recorded per file, in the
//! negotiated encoding; a rename reads the files it edits again first, so that it never
//! rewrites text that changed since they were recorded.

use std::collections::{BTreeSet, HashMap};

use kref_yaml::Encoding;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;

use super::Backend;
use crate::analysis::navigate::index::{FileNav, Span, index_file};
use crate::analysis::navigate::{references, rename, symbols};
use crate::lsp::positions;
use crate::lsp::workspace::{self, key_of_uri, uri_of_key};

/// Workspace symbols answered at most (clients filter further as the user types).
const MAX_SYMBOLS: usize = 1_000;

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
            let here = index_file(&file);
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
            let here = index_file(&file);
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
            let here = index_file(&file);
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
                fresh.insert(f.to_string(), index_file(&kref_yaml::parse(&text)));
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
}
