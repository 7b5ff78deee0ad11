//! The HTML pages, rendered on the server from the views (`crate::analysis::views`): they work
//! without JavaScript, which only improves them (search as you type, `/` to focus the box).
//! maud escapes every value; the only raw HTML is notes' Markdown after `markdown::to_html`
//! sanitised it.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::assets;
use super::links;
use crate::analysis::views::{ExplainView, HitView, KindsView, RuleView, SearchView, SectionView};

/// What every page's frame shows.
pub struct Frame<'a> {
    /// Notes in all, and the user's.
    pub notes: usize,
    pub user_notes: usize,
    pub kinds: usize,
    /// Problems with the notes or schemas, and a failed reload.
    pub warnings: &'a [String],
    pub failure: Option<&'a str>,
}

/// The search form's state.
#[derive(Debug, Default, Clone)]
pub struct SearchForm<'a> {
    pub query: &'a str,
    pub kind: &'a str,
    /// `""`, `builtin` or `user`.
    pub source: &'a str,
    /// How many results were asked for.
    pub limit: usize,
}

fn layout(frame: &Frame<'_>, title: &str, header_search: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="referrer" content="no-referrer";
                title { (title) " · kref" }
                link rel="stylesheet" href=(assets::url("app.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
                script src=(assets::url("app.js")) defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "kref" }
                    @if header_search {
                        form.mini role="search" action="/search" method="get" {
                            input #q type="search" name="q" placeholder="Search  ( / )" aria-label="Search the reference" autocomplete="off" maxlength="500";
                        }
                    }
                    nav {
                        a href="/kinds" { "Kinds" }
                        a href="/rules" { "Rules" }
                    }
                }
                @if let Some(failure) = frame.failure {
                    p.banner.bad { "Your notes changed but could not be loaded again: " (failure) ". Showing them as they were." }
                }
                main { (body) }
                footer {
                    p {
                        "kref " (env!("CARGO_PKG_VERSION")) " · read-only and offline · "
                        (frame.notes) " notes (" (frame.user_notes) " yours) · " (frame.kinds) " kinds"
                    }
                    @if !frame.warnings.is_empty() {
                        details.warnings {
                            summary { (frame.warnings.len()) " problem" @if frame.warnings.len() > 1 { "s" } " with your notes or schemas" }
                            ul { @for w in frame.warnings { li { (w) } } }
                        }
                    }
                }
            }
        }
    }
}

fn search_form(form: &SearchForm<'_>, kind_names: &[String], autofocus: bool) -> Markup {
    html! {
        form.search #search role="search" action="/search" method="get" {
            div.row {
                input #q type="search" name="q" value=(form.query) placeholder="Search notes, kinds and fields  ( / )"
                    aria-label="Search the reference" autocomplete="off" maxlength="500" autofocus[autofocus];
                button type="submit" { "Search" }
            }
            div.filters {
                label { "Kind " input #kind type="text" name="kind" value=(form.kind) list="kinds" placeholder="any" maxlength="100" size="14"; }
                datalist #kinds { @for k in kind_names { option value=(k) {} } }
                label {
                    "Source "
                    select #source name="source" {
                        option value="" selected[form.source.is_empty()] { "all" }
                        option value="builtin" selected[form.source == "builtin"] { "built-in notes" }
                        option value="user" selected[form.source == "user"] { "your notes" }
                    }
                }
            }
        }
    }
}

/// `/`: the search box and where to go from there.
pub fn home(frame: &Frame<'_>, kind_names: &[String]) -> Markup {
    let body = html! {
        (search_form(&SearchForm::default(), kind_names, true))
        section #results {
            div.intro {
                p { "An offline Kubernetes reference: the built-in notes, your team's notes and the whole API schema, searched as you type." }
                p {
                    "Try "
                    a href=(links::search("concurrencyPolicy", None, None)) { "concurrencyPolicy" } ", "
                    a href=(links::search("pod keeps restarting", None, None)) { "pod keeps restarting" } ", "
                    a href=(links::search("forbid traffic between namespaces", None, None)) { "forbid traffic between namespaces" }
                    ", or browse "
                    a href="/kinds" { "every kind" } " and "
                    a href="/rules" { "every check" } "."
                }
            }
        }
    };
    layout(frame, "Kubernetes reference", false, body)
}

fn origin_tag(source: &str, doc_type: &str) -> Markup {
    html! {
        @if source == "user" { span.tag.user { "your notes" } }
        @else if doc_type == "schema" { span.tag.schema { "API schema" } }
    }
}

fn location(hit: &HitView) -> Markup {
    html! {
        @if hit.doc_type.as_str() != "schema" {
            span.where { (hit.path) @if hit.line > 0 { ":" (hit.line) } }
        }
    }
}

fn snippet(hit: &HitView) -> Markup {
    html! {
        p.snippet {
            @for (text, matched) in hit.snippet_parts() {
                @if matched { mark { (text) } } @else { (text) }
            }
        }
    }
}

/// The part of the search page that search-as-you-type replaces.
fn results(view: &SearchView, form: &SearchForm<'_>, kind_names: &[String]) -> Markup {
    let (answer, rest) = view.answer_first();
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for hit in &view.results {
        // Facets are kinds of the schema (a hit's `kinds` also holds terms).
        for k in hit.kinds.iter().filter(|k| {
            kind_names.binary_search_by_key(&k.to_ascii_lowercase(), |n| n.to_ascii_lowercase()).is_ok()
        }) {
            match kinds.iter_mut().find(|(name, _)| name == k) {
                Some((_, n)) => *n += 1,
                None => kinds.push((k, 1)),
            }
        }
    }
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    html! {
        section #results aria-live="polite" {
            @if view.results.is_empty() {
                div.nothing {
                    p { "Nothing found for " q { (view.query) } "." }
                    @if !view.did_you_mean.is_empty() {
                        p.dym {
                            "Did you mean "
                            @for (i, s) in view.did_you_mean.iter().enumerate() {
                                @if i > 0 { " or " }
                                a href=(links::search(s, Some(form.kind), Some(form.source))) { (s) }
                            }
                            "?"
                        }
                    }
                    @if !form.kind.is_empty() || !form.source.is_empty() {
                        p { a href=(links::search(&view.query, None, None)) { "Search without the filters" } }
                    }
                }
            } @else {
                @if form.kind.is_empty() && kinds.len() > 1 {
                    p.facets {
                        "About: "
                        @for (k, n) in kinds.iter().take(8) {
                            a.chip href=(links::search(&view.query, Some(k), Some(form.source))) { (k) " " span.n { (n) } }
                        }
                    }
                }
                @if let Some((a, hit)) = answer {
                    article.answer {
                        p.label { "Answer" }
                        h2 { a href=(links::hit(&hit.id)) { (a.title) } (origin_tag(&hit.source, hit.doc_type.as_str())) }
                        @if !a.summary.is_empty() { p.summary { (a.summary) } }
                        @if !a.values.is_empty() {
                            p.values { @for v in &a.values { code { (v) } " " } }
                        }
                        p.meta {
                            (location(hit))
                            " "
                            a href=(links::explain(&a.field.as_ref().map_or_else(|| a.kind.clone(), |f| format!("{}.{f}", a.kind)), None)) { "explain " (a.subject) }
                        }
                    }
                }
                ol.hits {
                    @for hit in rest {
                        li value=(hit.rank) {
                            h3 { a href=(links::hit(&hit.id)) { (hit.title) } (origin_tag(&hit.source, hit.doc_type.as_str())) }
                            @if !hit.breadcrumb.is_empty() && hit.breadcrumb != hit.title { p.crumb { (hit.breadcrumb) } }
                            (snippet(hit))
                            p.meta { (location(hit)) }
                        }
                    }
                }
                @if view.results.len() >= form.limit && form.limit < 100 {
                    p.more-results {
                        a href=(format!("{}&limit={}", links::search(&view.query, Some(form.kind), Some(form.source)), (form.limit * 3).min(100))) { "More results" }
                    }
                }
            }
        }
    }
}

/// `/search?q=`: the results, or (`partial`) only the part search-as-you-type replaces.
pub fn search(frame: &Frame<'_>, view: &SearchView, form: &SearchForm<'_>, kind_names: &[String]) -> Markup {
    let body = html! {
        (search_form(form, kind_names, false))
        (results(view, form, kind_names))
    };
    layout(frame, &format!("{} — search", view.query), false, body)
}

fn crumbs(view: &ExplainView) -> Markup {
    let version = (!view.preferred_version).then_some(view.api_version.as_str());
    html! {
        nav.crumbs aria-label="Up" {
            a href="/kinds" { "Kinds" }
            @for (i, c) in view.breadcrumbs.iter().enumerate() {
                " › "
                @if i + 1 == view.breadcrumbs.len() { span aria-current="page" { (c.name) } }
                @else { a href=(links::explain(&c.target, version)) { (c.name) } }
            }
        }
    }
}

/// `/explain/RESOURCE[.field.path]`: a kind or field with its notes and fields.
pub fn explain(frame: &Frame<'_>, view: &ExplainView, notes_html: &[String]) -> Markup {
    let version = (!view.preferred_version).then_some(view.api_version.as_str());
    let heading = view.breadcrumbs.last().map_or(view.kind.as_str(), |c| c.target.as_str());
    let body = html! {
        (crumbs(view))
        article.explain {
            h1 { code { (heading) } }
            p.facts {
                span.fact { "type " code { (view.type_name) } }
                @if view.field.is_some() {
                    @if view.required { span.fact.req { "required" } } @else { span.fact { "optional" } }
                }
                @if let Some(d) = &view.default { span.fact { "default " code { (d) } } }
                span.fact { "apiVersion " code { (view.api_version) } }
                @if view.field.is_none() {
                    span.fact { "resource " code { (view.plural) } }
                    @if !view.short_names.is_empty() { span.fact { "short " code { (view.short_names.join(", ")) } } }
                    span.fact { @if view.namespaced { "namespaced" } @else { "cluster-scoped" } }
                }
                span.fact.source { (view.source_text) }
            }
            @if let Some(l) = &view.lifecycle {
                @if l.deprecated.is_some() || l.removed.is_some() {
                    p.banner.warn {
                        "The " code { (view.api_version) } " " (view.kind) " API"
                        @if let Some(d) = &l.deprecated { " is deprecated since Kubernetes " (d) }
                        @if let Some(r) = &l.removed { " and removed in " (r) }
                        "."
                        @if let Some(rep) = &l.replacement { " Use " code { (rep) } " instead." }
                        @if let Some(n) = &l.note { " " (n) }
                    }
                }
            }
            @if let Some(dep) = &view.deprecated { p.banner.warn { "Deprecated: " (dep) } }
            @if !view.values.is_empty() {
                h2 { "Allowed values" }
                dl.values {
                    @for v in &view.values {
                        dt { code { (v.value) } }
                        dd { @if v.note.is_empty() { "—" } @else { (v.note) } }
                    }
                }
            }
            h2 { "Description" }
            div.description { @if view.description.is_empty() { p { "(no description)" } } @else { @for para in view.description.split("\n\n") { p { (para) } } } }
            @if !view.notes.is_empty() {
                h2 { "Notes" }
                @for (note, html) in view.notes.iter().zip(notes_html) {
                    div.note.user[note.source == "user"] {
                        p.meta {
                            @if note.source == "user" { span.tag.user { "your notes" } } @else { span.tag { "kref" } }
                            " " a href=(links::show(&note.id)) { (note.section) } " · " span.where { (note.path) ":" (note.line) }
                        }
                        div.md { (PreEscaped(html)) }
                    }
                }
            }
            @if !view.fields.is_empty() {
                h2 { "Fields" }
                table.fields {
                    thead { tr { th { "Field" } th { "Type" } th { "Description" } } }
                    tbody {
                        @for f in &view.fields {
                            tr {
                                td.name {
                                    a href=(links::explain(&f.target, version)) { code { (f.name) } }
                                    @if f.required { " " span.req { "required" } }
                                }
                                td { code { (f.type_name) } @if f.object { " ›" } }
                                td {
                                    (f.description)
                                    @if !f.values.is_empty() { br; span.enum { "One of: " @for (i, v) in f.values.iter().enumerate() { @if i > 0 { ", " } code { (v) } } } }
                                    @if let Some(d) = &f.default { br; span.enum { "Default: " code { (d) } } }
                                }
                            }
                        }
                    }
                }
            }
            p.more { "In a terminal: " code { "kref explain " (heading) @if let Some(v) = version { " --api-version " (v) } } }
        }
    };
    layout(frame, heading, true, body)
}

/// `/show/ID`: a note section, with the other sections of its note.
pub fn show(
    frame: &Frame<'_>,
    view: &SectionView,
    html_body: &str,
    others: &[(String, String, u8)],
) -> Markup {
    let body = html! {
        nav.crumbs aria-label="Up" { span { (view.breadcrumb) } }
        article.section {
            p.meta {
                @if view.source == "user" { span.tag.user { "your notes" } } @else if view.path.starts_with("schema:") { span.tag.schema { "API schema" } } @else { span.tag { "kref" } }
                " " span.where { (view.path) @if view.line_start > 0 { ":" (view.line_start) "–" (view.line_end) } }
            }
            div.md { (PreEscaped(html_body)) }
            @if !view.kinds.is_empty() {
                p.kinds { "About: " @for k in &view.kinds { a.chip href=(links::explain(k, None)) { (k) } " " } }
            }
        }
        @if others.len() > 1 {
            aside.toc {
                h2 { "In this note" }
                ul {
                    @for (id, title, level) in others {
                        li class=(format!("l{level}")) {
                            @if *id == view.id { strong { (title) } } @else { a href=(links::show(id)) { (title) } }
                        }
                    }
                }
            }
        }
    };
    layout(frame, &view.title, true, body)
}

/// `/kinds`: every kind by API group.
pub fn kinds(frame: &Frame<'_>, view: &KindsView) -> Markup {
    let body = html! {
        h1 { "Kinds" }
        p { (view.count) " kinds by API group: the built-in schema and your imports. Click one to see its fields." }
        nav.groups { @for g in &view.groups { a.chip href=(format!("#g-{}", if g.group.is_empty() { "core" } else { &g.group })) { (if g.group.is_empty() { "core" } else { &g.group }) } " " } }
        @for g in &view.groups {
            section.group id=(format!("g-{}", if g.group.is_empty() { "core" } else { &g.group })) {
                h2 { @if g.group.is_empty() { "core" } @else { (g.group) } }
                table.kinds {
                    thead { tr { th { "Kind" } th { "apiVersion" } th { "Resource" } th { "" } } }
                    tbody {
                        @for k in &g.kinds {
                            tr.old[!k.preferred] {
                                td { a href=(links::explain(&k.kind, (!k.preferred).then_some(k.api_version.as_str()))) { (k.kind) } }
                                td { code { (k.api_version) } }
                                td { (k.plural) @if !k.short_names.is_empty() { " (" (k.short_names.join(", ")) ")" } }
                                td.tags {
                                    @if !k.builtin { span.tag.user { "imported: " (k.source) } }
                                    @if let Some(d) = &k.deprecated { span.tag.warn { "deprecated " (d) } }
                                    @if k.subresource { span.tag { "subresource" } }
                                    @if !k.namespaced { span.tag { "cluster" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(frame, "Kinds", true, body)
}

/// `/rules`: every rule of `kref check` and the editor.
pub fn rules(frame: &Frame<'_>, rules: &[RuleView]) -> Markup {
    let body = html! {
        h1 { "Rules" }
        p { "The " (rules.len()) " checks of " code { "kref check" } " and the editor. Each has a note saying why it matters and how to fix it." }
        table.rules {
            thead { tr { th { "Rule" } th { "Severity" } th { "Profile" } th { "What it checks" } } }
            tbody {
                @for r in rules {
                    tr {
                        td { a href=(links::rule(&r.id)) { code { (r.id) } } }
                        td { span class=(format!("sev {}", r.severity)) { (r.severity) } }
                        td { (r.profile) }
                        td { (r.summary) }
                    }
                }
            }
        }
    };
    layout(frame, "Rules", true, body)
}

/// `/rules/ID`: a rule and its note.
pub fn rule(frame: &Frame<'_>, rule: &RuleView, note_html: Option<&str>) -> Markup {
    let body = html! {
        nav.crumbs aria-label="Up" { a href="/rules" { "Rules" } " › " span aria-current="page" { (rule.id) } }
        article.rule {
            p.facts {
                span class=(format!("fact sev {}", rule.severity)) { (rule.severity) }
                span.fact { (rule.profile) " profile" }
                span.fact { (rule.category) }
                @if let Some(p) = &rule.pod_security { span.fact { "Pod Security: " (p) } }
            }
            @match note_html {
                Some(html) => div.md { (PreEscaped(html)) },
                None => { h1 { code { (rule.id) } } p { (rule.summary) } },
            }
            @if !(rule.kube_linter.is_empty() && rule.kube_score.is_empty() && rule.polaris.is_empty()) {
                h2 { "The same check elsewhere" }
                ul {
                    @if !rule.kube_linter.is_empty() { li { "kube-linter: " @for c in &rule.kube_linter { code { (c) } " " } } }
                    @if !rule.kube_score.is_empty() { li { "kube-score: " @for c in &rule.kube_score { code { (c) } " " } } }
                    @if !rule.polaris.is_empty() { li { "Polaris: " @for c in &rule.polaris { code { (c) } " " } } }
                }
            }
            p.more { "In a terminal: " code { "kref check --explain " (rule.id) } }
        }
    };
    layout(frame, &rule.id, true, body)
}

/// An error page: what went wrong and where to go instead.
pub fn error(frame: &Frame<'_>, title: &str, message: &str, suggestions: &[(String, String)]) -> Markup {
    let body = html! {
        article.error {
            h1 { (title) }
            p { (message) }
            @if !suggestions.is_empty() {
                p { "Did you mean "
                    @for (i, (label, href)) in suggestions.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(href) { (label) }
                    }
                    "?"
                }
            }
            p { a href="/" { "Search the reference" } " · " a href="/kinds" { "Kinds" } " · " a href="/rules" { "Rules" } }
        }
    };
    layout(frame, title, true, body)
}
