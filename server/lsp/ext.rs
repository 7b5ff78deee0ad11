//! kref's own requests, for editor integrations: `kref/search`, `kref/show`, `kref/explain`, and
//! the `kref.lsp.search` command (formerly `kref.search`). Each is a typed request
//! ([`KrefSearch`], [`KrefShow`], [`KrefExplain`]) whose result is one of the views
//! (`crate::analysis::views`) that `kref search --json` and `kref show --json` print too, so an
//! editor and a script read the same thing.

use kref_corpus::Origin;
use kref_index::Query;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::request::Request;
use tower_lsp_server::ls_types::{Position, TextDocumentIdentifier};

use crate::analysis::views::{ExplainAtView, SearchView, SectionView};

/// `kref/search`: ranked search over the notes and the schema.
#[derive(Debug)]
pub enum KrefSearch {}

impl Request for KrefSearch {
    type Params = SearchParams;
    type Result = SearchView;
    const METHOD: &'static str = "kref/search";
}

/// `kref/show`: a whole note section (or schema result) by id or title; `null` when none.
#[derive(Debug)]
pub enum KrefShow {}

impl Request for KrefShow {
    type Params = ShowParams;
    type Result = Option<SectionView>;
    const METHOD: &'static str = "kref/show";
}

/// `kref/explain`: the kind or field at a place in an open document; `null` when none.
#[derive(Debug)]
pub enum KrefExplain {}

impl Request for KrefExplain {
    type Params = ExplainParams;
    type Result = Option<ExplainAtView>;
    const METHOD: &'static str = "kref/explain";
}

/// `kref/search` parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    pub query: String,
    #[serde(default)]
    pub limit: Option<usize>,
    /// Only results about this kind (case-insensitive).
    #[serde(default)]
    pub kind: Option<String>,
    /// `builtin` or `user`.
    #[serde(default)]
    pub source: Option<String>,
}

/// Results when `limit` is not given (as `kref search`).
pub const DEFAULT_LIMIT: usize = 10;
/// The most results one request may ask for.
pub const MAX_LIMIT: usize = 200;

impl SearchParams {
    /// The index query, or an "invalid params" error naming what is wrong.
    pub fn query(&self) -> Result<Query> {
        if self.query.trim().is_empty() {
            return Err(Error::invalid_params("kref/search needs a non-empty `query`"));
        }
        let origin = match self.source.as_deref() {
            None | Some("") => None,
            Some("builtin") => Some(Origin::Builtin),
            Some("user") => Some(Origin::User),
            Some(other) => {
                return Err(Error::invalid_params(format!(
                    "`source` is \"builtin\" or \"user\", not {other:?}"
                )));
            }
        };
        Ok(Query {
            text: self.query.clone(),
            limit: self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
            kind: self.kind.clone().filter(|k| !k.trim().is_empty()),
            origin,
            doc_type: None,
        })
    }

    /// The parameters of `workspace/executeCommand` `kref.lsp.search`: `[query]` or `[{query, ...}]`.
    pub fn from_command(arguments: &[Value]) -> Result<SearchParams> {
        match arguments.first() {
            Some(Value::String(q)) => {
                Ok(SearchParams { query: q.clone(), limit: None, kind: None, source: None })
            }
            Some(obj @ Value::Object(_)) => serde_json::from_value(obj.clone())
                .map_err(|e| Error::invalid_params(format!("kref.lsp.search arguments: {e}"))),
            _ => Err(Error::invalid_params("kref.lsp.search takes one argument: the query text")),
        }
    }
}

/// `kref/show` parameters: a section id (as search returns it) or a title.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShowParams {
    pub id: String,
}

/// `kref/explain` parameters: a place in an open document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplainParams {
    pub text_document: TextDocumentIdentifier,
    pub position: Position,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn search_params_are_checked() {
        let p: SearchParams =
            serde_json::from_value(json!({"query": "maxSurge", "source": "user", "limit": 3})).unwrap();
        let q = p.query().unwrap();
        assert_eq!((q.limit, q.origin), (3, Some(Origin::User)));
        let p: SearchParams = serde_json::from_value(json!({"query": "x", "source": "web"})).unwrap();
        assert!(p.query().is_err());
        let p: SearchParams = serde_json::from_value(json!({"query": "  "})).unwrap();
        assert!(p.query().is_err());
        assert!(serde_json::from_value::<SearchParams>(json!({"query": 5})).is_err());
        assert_eq!(SearchParams::from_command(&[json!("probes")]).unwrap().query, "probes");
        assert_eq!(
            SearchParams::from_command(&[json!({"query": "q", "kind": "Pod"})]).unwrap().kind.as_deref(),
            Some("Pod")
        );
        assert!(SearchParams::from_command(&[]).is_err());
        assert!(SearchParams::from_command(&[json!(1)]).is_err());
    }
}
