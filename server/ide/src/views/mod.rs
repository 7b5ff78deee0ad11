//! Typed views: the plain data every front end renders. `kref search --json`, `kref show --json`,
//! `kref explain --json`, the language server's `kref/search`, `kref/show` and `kref/explain`,
//! and `kref serve`'s pages and `/api/*` endpoints all serialise these structs, so a script, an
//! editor and a browser read the same thing.
//!
//! Pure: built from index hits, notes, the schema and [`Knowledge`](super::Knowledge); no IO,
//! no protocol, no HTML. Ready to move as it is into the analysis crate.
//!
//! **Casing.** JSON field names are snake_case (`line_start`, `did_you_mean`). Names the README
//! documented before this rule keep their spelling (`apiVersion` of the explain view); fields are
//! only ever added, never renamed or removed. The JSON shapes are pinned by the tests below and
//! by the fixtures the VS Code client checks its types against
//! (`editors/vscode/src/test/fixtures/`).

pub mod explain;
pub mod export;
pub mod kinds;
pub mod rules;
pub mod search;
pub mod show;

#[cfg(test)]
mod tests;

pub use explain::{
    Crumb, ExplainAtView, ExplainNote, ExplainTarget, ExplainView, FieldRow, LifecycleView, ValueView,
    explain_view, first_sentence, resolve_target,
};
pub use export::ExportDoc;
pub use kinds::{KindGroup, KindRow, KindsView, kinds_view};
pub use rules::{RuleView, rule_note_path, rule_views};
pub use search::{AnswerView, HitView, SearchView};
pub use show::{SectionView, find_section};
