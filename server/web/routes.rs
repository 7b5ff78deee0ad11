//! The routes: pages and `/api/*` endpoints, each reading one [`Library`] snapshot and rendering
//! a view; plus the layers every response goes through (size limits, the Host check of loopback
//! servers, security headers, a time limit).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kref_corpus::Origin;
use kref_corpus::schema::ResolveError;
use kref_index::Query;
use maud::Markup;
use serde::Serialize;

use super::markdown;
use super::pages::{self, Frame, SearchForm};
use super::request::{self, Bad, MAX_PATH, MAX_QUERY, MAX_TARGET_CHARS, SearchRequest};
use super::state::{Library, Shelf};
use super::{assets, links};
use crate::analysis::views::{ExplainTarget, SearchView, SectionView, explain_view, resolve_target};

/// Results on a search page (as `kref search`), and the most `limit` may ask for there. Every
/// result costs a snippet: ten keep a page as quick as the command line.
const PAGE_RESULTS: usize = 10;
const PAGE_MAX_RESULTS: usize = 100;
/// Results of `/api/search` when `limit` is not given (as `kref search`), and the most it may ask.
const API_DEFAULT_LIMIT: usize = 10;
const API_MAX_LIMIT: usize = 200;
/// How long one request may take before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler shares.
pub struct App {
    pub shelf: Arc<Shelf>,
    /// Searches running at once: one per core. More would only share the cores and make every
    /// search slower (64 clients at once are 64 threads otherwise); the rest wait their turn.
    pub searches: tokio::sync::Semaphore,
    /// The server listens on a loopback address: only requests naming a local host are served.
    pub loopback: bool,
}

type Shared = State<Arc<App>>;

/// Every route.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search_page))
        .route("/explain", get(explain_index))
        .route("/explain/{*target}", get(explain_page))
        .route("/show/{*id}", get(show_page))
        .route("/kinds", get(kinds_page))
        .route("/rules", get(rules_page))
        .route("/rules/{*id}", get(rule_page))
        .route("/api/search", get(api_search))
        .route("/api/explain", get(api_explain))
        .route("/api/show", get(api_show))
        .route("/api/kinds", get(api_kinds))
        .route("/api/rules", get(api_rules))
        .route("/assets/{*name}", get(asset))
        .route("/robots.txt", get(robots))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

fn frame<'a>(lib: &'a Library, failure: Option<&'a str>) -> Frame<'a> {
    Frame {
        notes: lib.notes.len(),
        user_notes: lib.user_notes,
        kinds: lib.kinds.count,
        warnings: &lib.warnings,
        failure,
    }
}

fn html(status: StatusCode, markup: Markup) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], markup.into_string()).into_response()
}

/// An error page, rendered with the current library's frame.
fn error_page(
    app: &App,
    status: StatusCode,
    title: &str,
    message: &str,
    suggestions: &[(String, String)],
) -> Response {
    let lib = app.shelf.current();
    let failure = app.shelf.failure();
    html(status, pages::error(&frame(&lib, failure.as_deref()), title, message, suggestions))
}

fn bad_request(app: &App, bad: &Bad) -> Response {
    let status = match bad {
        Bad::TooLong { .. } => StatusCode::URI_TOO_LONG,
        _ => StatusCode::BAD_REQUEST,
    };
    error_page(app, status, "This address cannot be read", &format!("{bad}."), &[])
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

fn json_error(status: StatusCode, message: &str) -> Response {
    #[derive(Serialize)]
    struct ApiError<'a> {
        error: &'a str,
    }
    let body = serde_json::to_vec(&ApiError { error: message }).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn json_bad(bad: &Bad) -> Response {
    let status = match bad {
        Bad::TooLong { .. } => StatusCode::URI_TOO_LONG,
        _ => StatusCode::BAD_REQUEST,
    };
    json_error(status, &bad.to_string())
}

// ---- search

/// Runs a search off the async workers.
async fn run_search(app: &App, request: &SearchRequest, limit: usize) -> Result<Arc<SearchView>, String> {
    let lib = app.shelf.current();
    let key = (request.query.clone(), request.kind.clone(), request.source.clone(), limit);
    if let Some(view) = lib.cached(&key) {
        return Ok(view);
    }
    let _turn = app.searches.acquire().await.map_err(|e| e.to_string())?;
    let query = Query {
        text: request.query.clone(),
        limit,
        kind: Some(request.kind.clone()).filter(|k| !k.is_empty()),
        origin: match request.source.as_str() {
            "builtin" => Some(Origin::Builtin),
            "user" => Some(Origin::User),
            _ => None,
        },
        doc_type: None,
    };
    tokio::task::spawn_blocking(move || {
        let hits = lib.index.search(&query).map_err(|e| e.to_string())?;
        // "Did you mean" only when nothing was found: it costs a few more searches.
        let suggestions = if hits.is_empty() {
            lib.index.suggest(&query.text).map_err(|e| e.to_string())?
        } else {
            Vec::new()
        };
        let view = Arc::new(SearchView::new(&query.text, &hits, &suggestions));
        lib.remember(key, view.clone());
        Ok(view)
    })
    .await
    .map_err(|e| format!("the search stopped unexpectedly ({e})"))?
}

async fn home(State(app): Shared) -> Response {
    let lib = app.shelf.current();
    let failure = app.shelf.failure();
    html(StatusCode::OK, pages::home(&frame(&lib, failure.as_deref()), &lib.kind_names))
}

async fn search_page(State(app): Shared, uri: Uri) -> Response {
    let request = match SearchRequest::parse(uri.query()) {
        Ok(r) => r,
        Err(bad) => return bad_request(&app, &bad),
    };
    if request.query.is_empty() {
        return home(State(app)).await;
    }
    let lib = app.shelf.current();
    let limit = request.limit.unwrap_or(PAGE_RESULTS).clamp(1, PAGE_MAX_RESULTS);
    let view = match run_search(&app, &request, limit).await {
        Ok(v) => v,
        Err(e) => return error_page(&app, StatusCode::INTERNAL_SERVER_ERROR, "The search failed", &e, &[]),
    };
    let failure = app.shelf.failure();
    let form = SearchForm { query: &request.query, kind: &request.kind, source: &request.source, limit };
    html(StatusCode::OK, pages::search(&frame(&lib, failure.as_deref()), &view, &form, &lib.kind_names))
}

async fn api_search(State(app): Shared, uri: Uri) -> Response {
    let request = match SearchRequest::parse(uri.query()) {
        Ok(r) => r,
        Err(bad) => return json_bad(&bad),
    };
    if request.query.is_empty() {
        return json_error(
            StatusCode::BAD_REQUEST,
            "`q` is missing: /api/search?q=WORDS[&kind=KIND][&source=builtin|user][&limit=N]",
        );
    }
    let limit = request.limit.unwrap_or(API_DEFAULT_LIMIT).clamp(1, API_MAX_LIMIT);
    match run_search(&app, &request, limit).await {
        Ok(view) => json(StatusCode::OK, view.as_ref()),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

// ---- explain

/// Renders a note's Markdown with its links resolved among the notes.
fn note_html(lib: &Library, from: &str, text: &str) -> String {
    markdown::to_html(text, &|dest: &str| links::note_link(&lib.notes, from, dest))
}

/// Resolves a target; an unknown field named by its name alone (`cronjob.concurrencyPolicy`) is
/// looked for below the kind, and the page moves there.
enum Explained {
    View(Box<crate::analysis::views::ExplainView>),
    Moved(String),
    Unknown(ResolveError),
}

fn explain_target(lib: &Library, target: &ExplainTarget) -> Explained {
    let schema = &lib.knowledge.schema;
    match resolve_target(schema, target) {
        Ok(resolved) => Explained::View(Box::new(explain_view(&lib.knowledge, &resolved))),
        Err(e) => {
            if let ResolveError::UnknownField { .. } = e
                && let Some((kind, name)) = target.resource.split_once('.')
                && !name.contains(['.', '['])
                && let Some(k) = match &target.api_version {
                    Some(v) => schema.kind_in(v, kind),
                    None => schema.kind(kind),
                }
                && let Some(found) =
                    schema.find_fields_named(&k.kind, name).into_iter().min_by_key(|f| f.path.len())
            {
                let moved = format!("{}.{}", k.kind, found.path.replace("[]", ""));
                return Explained::Moved(links::explain(&moved, target.api_version.as_deref()));
            }
            Explained::Unknown(e)
        }
    }
}

fn read_target(uri: &Uri, from_path: bool) -> Result<ExplainTarget, Bad> {
    let pairs = request::query_pairs(uri.query())?;
    let resource = if from_path {
        request::tail(uri.path(), "/explain/")?
    } else {
        request::param(&pairs, "resource").unwrap_or("").to_string()
    };
    request::bounded(&resource, "target", MAX_TARGET_CHARS)?;
    let api_version =
        request::param(&pairs, "api_version").map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    Ok(ExplainTarget { resource: resource.trim().to_string(), api_version })
}

async fn explain_index(State(app): Shared, uri: Uri) -> Response {
    // `/explain?resource=deploy.spec` (a form without JavaScript) moves to the permalink.
    match read_target(&uri, false) {
        Ok(t) if !t.resource.is_empty() => redirect(&links::explain(&t.resource, t.api_version.as_deref())),
        Ok(_) => redirect("/kinds"),
        Err(bad) => bad_request(&app, &bad),
    }
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

async fn explain_page(State(app): Shared, uri: Uri) -> Response {
    let target = match read_target(&uri, true) {
        Ok(t) => t,
        Err(bad) => return bad_request(&app, &bad),
    };
    let lib = app.shelf.current();
    match explain_target(&lib, &target) {
        Explained::View(view) => {
            let notes: Vec<String> = view.notes.iter().map(|n| note_html(&lib, &n.path, &n.text)).collect();
            let failure = app.shelf.failure();
            html(StatusCode::OK, pages::explain(&frame(&lib, failure.as_deref()), &view, &notes))
        }
        Explained::Moved(to) => redirect(&to),
        Explained::Unknown(e) => {
            let suggestions: Vec<(String, String)> = match &e {
                ResolveError::UnknownKind { suggestions, .. } => {
                    suggestions.iter().map(|s| (s.clone(), links::explain(s, None))).collect()
                }
                ResolveError::UnknownField { kind, at, suggestions, .. } => suggestions
                    .iter()
                    .map(|s| {
                        let t = if at.is_empty() {
                            format!("{kind}.{s}")
                        } else {
                            format!("{kind}.{}.{s}", at.replace("[]", ""))
                        };
                        (t.clone(), links::explain(&t, target.api_version.as_deref()))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            error_page(&app, StatusCode::NOT_FOUND, "No such kind or field", &format!("{e}."), &suggestions)
        }
    }
}

async fn api_explain(State(app): Shared, uri: Uri) -> Response {
    let target = match read_target(&uri, false) {
        Ok(t) => t,
        Err(bad) => return json_bad(&bad),
    };
    if target.resource.is_empty() {
        return json_error(
            StatusCode::BAD_REQUEST,
            "`resource` is missing: /api/explain?resource=KIND[.field.path][&api_version=GROUP/VERSION]",
        );
    }
    let lib = app.shelf.current();
    match resolve_target(&lib.knowledge.schema, &target) {
        Ok(resolved) => json(StatusCode::OK, &explain_view(&lib.knowledge, &resolved)),
        Err(e) => json_error(StatusCode::NOT_FOUND, &e.to_string()),
    }
}

// ---- show

fn read_id(uri: &Uri, from_path: Option<&str>) -> Result<String, Bad> {
    let id = match from_path {
        Some(prefix) => request::tail(uri.path(), prefix)?,
        None => {
            let pairs = request::query_pairs(uri.query())?;
            request::param(&pairs, "id").unwrap_or("").to_string()
        }
    };
    request::bounded(&id, "id", MAX_TARGET_CHARS)?;
    Ok(id)
}

async fn show_page(State(app): Shared, uri: Uri) -> Response {
    let id = match read_id(&uri, Some("/show/")) {
        Ok(id) => id,
        Err(bad) => return bad_request(&app, &bad),
    };
    let lib = app.shelf.current();
    let Some(view) = SectionView::find(&lib.notes, &lib.knowledge.schema, &id) else {
        let message =
            format!("No note section has the id or title {id:?}. It may have been renamed or removed.");
        let search = (format!("search for {id}"), links::search(&id, None, None));
        return error_page(&app, StatusCode::NOT_FOUND, "No such section", &message, &[search]);
    };
    let body = note_html(&lib, &view.path, &view.markdown);
    let others: Vec<(String, String, u8)> = lib
        .notes
        .iter()
        .find(|n| n.path == view.path)
        .map(|n| n.sections.iter().map(|s| (s.id.clone(), s.title.clone(), s.level)).collect())
        .unwrap_or_default();
    let failure = app.shelf.failure();
    html(StatusCode::OK, pages::show(&frame(&lib, failure.as_deref()), &view, &body, &others))
}

async fn api_show(State(app): Shared, uri: Uri) -> Response {
    let id = match read_id(&uri, None) {
        Ok(id) => id,
        Err(bad) => return json_bad(&bad),
    };
    if id.trim().is_empty() {
        return json_error(
            StatusCode::BAD_REQUEST,
            "`id` is missing: /api/show?id=ID (an id from /api/search, or a title)",
        );
    }
    let lib = app.shelf.current();
    match SectionView::find(&lib.notes, &lib.knowledge.schema, &id) {
        Some(view) => json(StatusCode::OK, &view),
        None => json_error(StatusCode::NOT_FOUND, &format!("no section with the id or title {id:?}")),
    }
}

// ---- kinds and rules

async fn kinds_page(State(app): Shared) -> Response {
    let lib = app.shelf.current();
    let failure = app.shelf.failure();
    html(StatusCode::OK, pages::kinds(&frame(&lib, failure.as_deref()), &lib.kinds))
}

async fn api_kinds(State(app): Shared) -> Response {
    json(StatusCode::OK, &app.shelf.current().kinds)
}

async fn rules_page(State(app): Shared) -> Response {
    let lib = app.shelf.current();
    let failure = app.shelf.failure();
    html(StatusCode::OK, pages::rules(&frame(&lib, failure.as_deref()), &lib.rules))
}

async fn api_rules(State(app): Shared) -> Response {
    json(StatusCode::OK, &app.shelf.current().rules)
}

async fn rule_page(State(app): Shared, uri: Uri) -> Response {
    let id = match read_id(&uri, Some("/rules/")) {
        Ok(id) => id,
        Err(bad) => return bad_request(&app, &bad),
    };
    let lib = app.shelf.current();
    let Some(rule) = lib.rules.iter().find(|r| r.id == id) else {
        let close = kref_corpus::schema::suggest(lib.rules.iter().map(|r| r.id.as_str()), &id);
        let suggestions: Vec<(String, String)> = close.iter().map(|c| (c.clone(), links::rule(c))).collect();
        return error_page(
            &app,
            StatusCode::NOT_FOUND,
            "No such rule",
            &format!("kref has no rule {id:?}."),
            &suggestions,
        );
    };
    let note = lib.notes.iter().find(|n| n.path == rule.note).map(|n| {
        let markdown: String =
            n.sections.iter().map(|s| s.markdown.as_str()).collect::<Vec<_>>().join("\n\n");
        note_html(&lib, &n.path, &markdown)
    });
    let failure = app.shelf.failure();
    html(StatusCode::OK, pages::rule(&frame(&lib, failure.as_deref()), rule, note.as_deref()))
}

// ---- the rest

async fn asset(State(app): Shared, uri: Uri) -> Response {
    let name = uri.path().strip_prefix("/assets/").unwrap_or("");
    let Some(asset) = assets::get(name) else {
        return error_page(&app, StatusCode::NOT_FOUND, "Not found", "There is no such file.", &[]);
    };
    // Addresses carry a digest of the contents: a right one may be kept for good.
    let current = uri.query() == Some(&format!("v={}", assets::version()));
    let cache = if current { "public, max-age=31536000, immutable" } else { "no-cache" };
    ([(header::CONTENT_TYPE, asset.content_type), (header::CACHE_CONTROL, cache)], asset.bytes)
        .into_response()
}

async fn robots() -> Response {
    // A team's reference is not for search engines.
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "User-agent: *\nDisallow: /\n").into_response()
}

async fn not_found(State(app): Shared, method: Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = error_page(
            &app,
            StatusCode::METHOD_NOT_ALLOWED,
            "Read-only",
            "kref serve only answers GET and HEAD requests.",
            &[],
        );
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    error_page(&app, StatusCode::NOT_FOUND, "Not found", "There is no page at this address.", &[])
}

// ---- layers

/// Is this `Host` header a name of the local machine?
fn local_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST) else { return true };
    let Ok(host) = host.to_str() else { return false };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    matches!(name.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "::1")
        || name.starts_with("127.")
}

/// Runs before every route: bounds the address, refuses other methods than GET and HEAD, checks
/// the Host of loopback servers (a web page elsewhere cannot reach them by renaming itself:
/// DNS rebinding), and adds the security headers to every answer.
async fn guard(State(app): Shared, request: Request<Body>, next: Next) -> Response {
    let uri = request.uri();
    let mut response = if uri.path().len() > MAX_PATH {
        bad_request(&app, &Bad::TooLong { what: "path", limit: MAX_PATH })
    } else if uri.query().is_some_and(|q| q.len() > MAX_QUERY) {
        bad_request(&app, &Bad::TooLong { what: "query string", limit: MAX_QUERY })
    } else if app.loopback && !local_host(request.headers()) {
        error_page(
            &app,
            StatusCode::MISDIRECTED_REQUEST,
            "Not served under this name",
            "This kref serve listens on a loopback address and answers only to localhost. To share it with a team, start it with --addr 0.0.0.0:PORT.",
            &[],
        )
    } else if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut r = error_page(
            &app,
            StatusCode::METHOD_NOT_ALLOWED,
            "Read-only",
            "kref serve only answers GET and HEAD requests.",
            &[],
        );
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    } else {
        match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
            Ok(response) => response,
            Err(_) => error_page(
                &app,
                StatusCode::SERVICE_UNAVAILABLE,
                "Too slow",
                "This request took too long and was stopped. Try again, or a narrower search.",
                &[],
            ),
        }
    };
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(header::HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages follow the notes, which change: always ask again.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// The page's policy: our own script, style and images only, no frames, no plugins, forms only
/// to ourselves; and the usual headers beside it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
];
