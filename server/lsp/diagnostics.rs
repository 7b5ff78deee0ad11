//! Diagnostics in the editor: debounced runs of the check engine on open and change, published
//! with the document's version; quick fixes as code actions; the rule's note on hover.
//!
//! Invariant: a run is dropped, never published, when its document changed while it ran.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use dashmap::DashMap;
use kref_yaml::{Encoding, File, TextRange};
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Uri, WorkspaceEdit,
};

use super::positions;
use crate::analysis::Knowledge;
use crate::analysis::diagnostics::{self, Diagnostic, Report, RuleConfig, Severity, Workspace, rule_doc};

/// How long a burst of edits may go on before the checks run (the issue allows 30 ms).
pub const DEBOUNCE: Duration = Duration::from_millis(25);

/// A document version and the ranges and rule ids of its diagnostics.
type Checked = (i32, Vec<(TextRange, &'static str)>);

/// What the diagnostics of open documents need between runs.
#[derive(Default)]
pub struct DiagState {
    /// The objects of every open document, for the cross-document rules.
    workspace: Mutex<Workspace>,
    /// The ranges and rule ids of the diagnostics per URI, with the document version they
    /// are about, for hover.
    published: DashMap<String, Checked>,
}

impl DiagState {
    /// Checks `file` (the document `uri`) against the other open documents.
    ///
    /// `still_open` is asked under the workspace lock, which `close` takes too: a run that comes
    /// after the document was closed does not put its objects back.
    pub fn run(
        &self,
        uri: &str,
        file: &File,
        kb: &Knowledge,
        config: &RuleConfig,
        still_open: impl Fn() -> bool,
    ) -> Report {
        let report = match self.workspace.lock() {
            Ok(mut ws) => {
                if still_open() {
                    ws.update(uri, file);
                    diagnostics::analyze_in(file, uri, &ws, kb, config)
                } else {
                    Report::default()
                }
            }
            Err(_) => diagnostics::analyze_in(file, uri, &Workspace::new(), kb, config),
        };
        for note in &report.notes {
            if note.starts_with("internal error") {
                tracing::warn!("{uri}: {note}");
            } else {
                tracing::debug!("{uri}: {note}");
            }
        }
        report
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

    /// Forgets a closed document.
    pub fn close(&self, uri: &str) {
        self.published.remove(uri);
        if let Ok(mut ws) = self.workspace.lock() {
            ws.remove(uri);
        }
    }

    /// The notes of the rules whose diagnostics of `version` cover `offset`, as Markdown for
    /// hover (the caller makes sure that version was checked, so the answer does not depend on
    /// whether the debounced run came first).
    pub fn hover_notes(&self, uri: &str, version: i32, offset: usize) -> Option<String> {
        let published = self.published.get(uri).filter(|p| p.0 == version)?;
        let mut out = String::new();
        let mut seen = Vec::new();
        for (range, rule) in published.1.iter() {
            if range.start <= offset && offset <= range.end.max(range.start + 1) && !seen.contains(rule) {
                seen.push(*rule);
                if let Some(doc) = rule_doc(rule) {
                    out.push_str(&format!("\n\n---\n\n**kref rule `{rule}`**\n\n{}", rule_summary(doc)));
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// The note of a rule without its title line, cut to a hover-sized summary.
fn rule_summary(doc: &str) -> String {
    let body: Vec<&str> = doc.lines().skip_while(|l| l.starts_with('#') || l.trim().is_empty()).collect();
    let mut text = body.join("\n");
    if let Some(cut) = text.find("\n## ") {
        text.truncate(cut);
    }
    text.trim().to_string()
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// One diagnostic in LSP terms (rule id as `code`, related places in the same file).
pub fn to_lsp(d: &Diagnostic, uri: &Uri, file: &File, encoding: Encoding) -> lsp::Diagnostic {
    let index = file.line_index();
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter(|r| r.file.is_none())
        .map(|r| DiagnosticRelatedInformation {
            location: Location { uri: uri.clone(), range: positions::range(index, r.range, encoding) },
            message: r.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: positions::range(index, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_string())),
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
