//! Helm charts as plain data: a tolerant Go-template scanner, templates read as YAML with holes,
//! `.Values` references, named templates, `values.yaml` with its documentation comments,
//! `Chart.yaml` with its checks and field docs, `values.schema.json` validation, and a chart's
//! layout from a list of files.
//!
//! Everything here is pure: callers pass text in and get plain data out (byte ranges into the
//! text they passed). Nothing knows LSP or the diagnostics engine; the check engine, the CLI
//! and the language server turn these findings into their own shapes.

pub mod chart;
pub mod chart_yaml;
pub mod holes;
pub mod named;
pub mod refs;
pub mod scan;
pub mod schema;
pub mod semver;
pub mod template;
pub mod typing;
pub mod values;

#[cfg(test)]
mod tests;

pub use chart::{ChartLayout, FileRole, LoadedChart, UndefinedCall, UndefinedValue, discover, role};
pub use chart_yaml::{
    ChartField, ChartFinding, ChartFindingKind, ChartYaml, Dependency, FieldKind, FindingSeverity,
    ImportValue, Maintainer, Spanned,
};
pub use holes::{Hole, HoleKind, HoledText, Indent};
pub use named::{NamedDefinition, NamedTemplates, Reach};
pub use refs::{
    BuiltinObject, BuiltinRef, CallArg, CallKind, Define, DotValue, Guard, PathSegment, RefOrigin,
    References, Scope, TemplateCall, ValuesPath, ValuesRef,
};
pub use scan::{
    Action, ActionKind, Block, BlockKind, Branch, ProblemKind, Scan, ScanProblem, Token, TokenKind,
};
pub use schema::{SchemaFinding, SchemaFindingKind, SchemaProperty, ValuesSchema};
pub use template::{
    BranchRelation, DocumentShape, DuplicateKey, Supplied, SuppliedIn, TemplateDocument, TemplateError,
    TemplateFile,
};
pub use typing::{HelmValue, type_of};
pub use values::{DocStyle, Lookup, ValueDoc, ValueEntry, ValuesFile};
