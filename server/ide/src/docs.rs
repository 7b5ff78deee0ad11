//! The Markdown that explains a kind, a field, a value or an apiVersion: shared by hover,
//! completion's resolved documentation and `kref/explain`.
//!
//! Most useful first: what the user's notes say, then the values and the official description,
//! then where to read more. Every text is plain Markdown (no HTML) so any editor renders it.

use std::fmt::Write;

use kref_corpus::Origin;
use kref_corpus::schema::{
    ApiStatus, Checks, Combine, EnumValue, Field, FieldType, Kind, Resolved, lifecycle::lifecycles,
};

use super::knowledge::{Knowledge, NoteEntry};

/// At most this many note entries are shown for one subject (the user's always come first).
const MAX_ENTRIES: usize = 4;
/// At most this many related note titles.
const MAX_RELATED: usize = 3;

/// The Markdown for a kind: its notes, description, apiVersions and lifecycle. `api_version` is
/// the one the document uses, if any.
pub fn kind_doc(kb: &Knowledge, kind: &Kind, api_version: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**{}** · `{}`", kind.kind, kind.api_version());
    let scope = if kind.namespaced { "namespaced" } else { "cluster-scoped" };
    let mut facts = vec![scope.to_string()];
    if !kind.short_names.is_empty() {
        facts.push(format!("short name {}", code_list(&kind.short_names)));
    }
    if kind.source != kref_corpus::schema::KindSource::Builtin {
        facts.push(format!("from {}", kind.source));
    }
    let _ = writeln!(out, "\n{}", facts.join(" · "));
    push_entries(&mut out, &kb.kind_entries(&kind.kind));
    push_description(&mut out, &kind.description, false);
    let versions = api_versions_of(kb, &kind.kind);
    if !versions.is_empty() {
        let _ = writeln!(out, "\n**API versions:** {}", code_list(&versions));
    }
    let used = api_version.unwrap_or(&kind.api_version()).to_string();
    if let Some(line) = status_line(kb, &used, &kind.kind) {
        let _ = writeln!(out, "\n{line}");
    }
    let older = older_versions(&kind.kind, &versions, &used);
    if !older.is_empty() {
        let _ = writeln!(out, "\n**Older versions:** {}", older.join(", "));
    }
    finish(out)
}

/// The Markdown for a kind name the schema does not know.
pub fn unknown_kind_doc(kb: &Knowledge, name: &str, api_version: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**{name}** is not a kind kref knows.");
    if let Some(av) = api_version
        && let Some(l) = kref_corpus::schema::lifecycle(av, name)
    {
        let _ = writeln!(out, "\n{}", removed_text(kb, l.api_version.as_str(), name).unwrap_or_default());
    }
    let suggestions = kb.schema.suggest_kinds(name);
    if !suggestions.is_empty() {
        let _ = writeln!(out, "\nDid you mean {}?", code_list(&suggestions));
    }
    let _ = writeln!(
        out,
        "\nIf it is a custom resource, import its CustomResourceDefinition (or the cluster's OpenAPI \
         document) with `kref import FILE`, or list the file under `schemas:` in `.kref.yaml`."
    );
    push_entries(&mut out, &kb.kind_entries(name));
    finish(out)
}

/// The Markdown for an apiVersion: what it serves and its lifecycle for `kind`.
pub fn api_version_doc(kb: &Knowledge, api_version: &str, kind: Option<&str>) -> String {
    let mut out = String::new();
    match kind {
        Some(kind) => {
            let _ = writeln!(out, "**`{api_version}`** · {kind}");
            let served = kb.schema.kind_for(api_version, kind).is_some();
            match status_line(kb, api_version, kind) {
                Some(line) => {
                    let _ = writeln!(out, "\n{line}");
                }
                None if served => {
                    let _ = writeln!(out, "\nServed and current (target Kubernetes {}).", kb.kube_version);
                }
                None => {
                    let versions = api_versions_of(kb, kind);
                    if versions.is_empty() {
                        let _ = writeln!(out, "\nkref knows no apiVersion that serves `{kind}`.");
                    } else {
                        let _ = writeln!(
                            out,
                            "\n`{api_version}` does not serve {kind}; use {}.",
                            code_list(&versions)
                        );
                    }
                }
            }
            let versions = api_versions_of(kb, kind);
            if versions.len() > 1 {
                let _ = writeln!(out, "\n**API versions of {kind}:** {}", code_list(&versions));
            }
        }
        None => {
            let _ = writeln!(out, "**`{api_version}`**");
            let mut kinds: Vec<String> = kb
                .schema
                .kinds()
                .filter(|k| !k.subresource && k.has_api_version(api_version))
                .map(|k| k.kind.clone())
                .collect();
            kinds.sort();
            kinds.dedup();
            if kinds.is_empty() {
                let _ = writeln!(out, "\nNo kind kref knows is served by `{api_version}`.");
            } else {
                let shown: Vec<String> = kinds.iter().take(12).cloned().collect();
                let more = if kinds.len() > shown.len() { ", …" } else { "" };
                let _ = writeln!(out, "\nServes {}{more}.", code_list(&shown));
            }
        }
    }
    finish(out)
}

/// Context for a field's Markdown.
pub struct FieldSite<'a> {
    pub kind: &'a Kind,
    pub resolved: &'a Resolved<'a>,
    /// The keys of the path, indexes left out (what note entries match against).
    pub keys: &'a [&'a str],
    /// The kind of the document, for per-kind value restrictions.
    pub doc_kind: &'a str,
}

/// The Markdown for a field: path, type, required, default, values with notes, the notes on the
/// field, the official description and related note titles.
pub fn field_doc(kb: &Knowledge, site: &FieldSite<'_>) -> String {
    let mut out = String::new();
    let field = site.resolved.field();
    let _ = writeln!(out, "**{}.{}**", site.kind.kind, site.resolved.path);
    let ty = match field {
        Some(f) => kb.schema.display_type(&f.ty),
        None => kb.schema.display_type(&site.resolved.ty),
    };
    let mut facts = vec![format!("`{ty}`")];
    if let Some(f) = field {
        facts.push(if f.required { "**required**".into() } else { "optional".into() });
        if let Some(default) = &f.default {
            facts.push(format!("default `{default}`"));
        }
    }
    let _ = writeln!(out, "\n{}", facts.join(" · "));
    if let Some(f) = field {
        if let Some(reason) = &f.deprecated {
            let _ = writeln!(out, "\n**Deprecated:** {}", one_line(reason));
        }
        if f.read_only {
            let _ = writeln!(out, "\nSet by the system: leave it out of manifests.");
        }
        if let Some(checks) = &f.checks {
            push_checks(&mut out, checks);
        }
    }
    if let Some(f) = field {
        push_values(&mut out, kb, site, f, site.keys, None);
        if let FieldType::Object(ty) = *f.ty.element() {
            // An object whose `type` field picks a variant (strategy, updateStrategy).
            if let Some(type_field) = kb.schema.children(ty).iter().find(|c| c.name == "type")
                && !type_field.enum_values.is_empty()
            {
                let mut keys = site.keys.to_vec();
                keys.push("type");
                push_values(&mut out, kb, site, type_field, &keys, Some("type"));
            }
        }
    }
    push_entries(&mut out, &kb.field_entries(&site.kind.kind, site.keys));
    if let Some(f) = field {
        push_description(&mut out, &f.description, !f.enum_values.is_empty());
    } else if let Some(t) = site.resolved.ty.object()
        && let Some(def) = kb.schema.type_def(t)
    {
        push_description(&mut out, &def.description, false);
    }
    let (query, about) = related_query(&site.kind.kind, site.keys);
    push_related(&mut out, kb, &query, &about);
    finish(out)
}

/// The value validations a schema states for a field (CRDs, imported OpenAPI): format,
/// pattern, bounds, lengths, counts, alternatives, and the messages of its CEL rules (the
/// rules themselves are not evaluated here).
fn push_checks(out: &mut String, c: &Checks) {
    let mut facts: Vec<String> = Vec::new();
    if let Some(f) = &c.format {
        facts.push(format!("format `{f}`"));
    }
    if let Some(p) = &c.pattern {
        facts.push(format!("matches `{}`", p.replace('`', "'")));
    }
    let num =
        |v: f64| if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { v.to_string() };
    if let Some(b) = &c.minimum {
        facts.push(format!("{} {}", if b.exclusive { ">" } else { "≥" }, num(b.value)));
    }
    if let Some(b) = &c.maximum {
        facts.push(format!("{} {}", if b.exclusive { "<" } else { "≤" }, num(b.value)));
    }
    for (what, min, max) in [
        ("characters", c.min_length, c.max_length),
        ("items", c.min_items, c.max_items),
        ("entries", c.min_properties, c.max_properties),
    ] {
        match (min, max) {
            (Some(a), Some(b)) => facts.push(format!("{a} to {b} {what}")),
            (Some(a), None) => facts.push(format!("at least {a} {what}")),
            (None, Some(b)) => facts.push(format!("at most {b} {what}")),
            (None, None) => {}
        }
    }
    if c.nullable {
        facts.push("may be null".into());
    }
    for alts in &c.alternatives {
        let options: Vec<String> = alts
            .options
            .iter()
            .filter(|o| !o.required.is_empty())
            .map(|o| o.required.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(" and "))
            .collect();
        if options.len() == alts.options.len() && !options.is_empty() {
            let how = match alts.combine {
                Combine::One => "exactly one of",
                Combine::Any => "at least one of",
                Combine::All => "all of",
            };
            facts.push(format!("sets {how} {}", options.join(", ")));
        }
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "\n**Validation:** {}", facts.join(" · "));
    }
    let messages: Vec<&str> = c
        .validations
        .iter()
        .map(|v| if v.message.is_empty() { v.rule.as_str() } else { v.message.as_str() })
        .collect();
    if !messages.is_empty() {
        let _ = writeln!(out, "\n**Rules the API server enforces:**");
        for m in messages.iter().take(8) {
            let _ = writeln!(out, "- {}", one_line(m));
        }
    }
}

/// The Markdown for a value of an enumerated field: what it means, whether it is allowed here,
/// and the alternatives. `None` when the field has no listed values.
pub fn value_doc(kb: &Knowledge, site: &FieldSite<'_>, value: &str) -> Option<String> {
    let field = site.resolved.field()?;
    if field.enum_values.is_empty() {
        return None;
    }
    let mut out = String::new();
    let _ = writeln!(out, "**`{value}`** · {}.{}", site.kind.kind, site.resolved.path);
    let allowed_here = field.values_for_kind(Some(site.doc_kind));
    let known = field.enum_value(value);
    let allowed = allowed_here.iter().any(|v| v.value == value);
    let entries = kb.value_entries(&site.kind.kind, site.keys, value, known.is_some());
    match known {
        Some(v) => {
            let mut facts = Vec::new();
            if field.default.as_deref() == Some(value) && allowed {
                facts.push("the default".to_string());
            }
            if v.deprecated {
                facts.push("deprecated".to_string());
            }
            if !facts.is_empty() {
                let _ = writeln!(out, "\n{}.", capitalize(&facts.join(", ")));
            }
            if !allowed && let Some(r) = field.restriction_for(site.doc_kind) {
                let _ = writeln!(
                    out,
                    "\n**Not allowed in a {}:** {} Use {}.",
                    site.doc_kind,
                    sentence(&r.note),
                    code_list(&r.allowed)
                );
            }
            let user_first = entries.first().is_some_and(|e| e.origin == Origin::User);
            if !user_first && !v.note.is_empty() {
                let _ = writeln!(out, "\n{}", sentence(&v.note));
            }
            push_entries(&mut out, &entries);
            if user_first && !v.note.is_empty() {
                let _ = writeln!(out, "\n{}", sentence(&v.note));
            }
        }
        None if field.enum_open => {
            let _ = writeln!(out, "\nNot one of the well-known values (others are accepted too).");
            push_entries(&mut out, &entries);
        }
        None => {
            let suggestions = kref_corpus::schema::Schema::suggest_values(field, value);
            let hint = match suggestions.as_slice() {
                [] => String::new(),
                s => format!(" Did you mean {}?", code_list(s)),
            };
            let _ = writeln!(out, "\n**Not an allowed value.**{hint}");
        }
    }
    let others: Vec<&EnumValue> = allowed_here.into_iter().filter(|v| v.value != value).collect();
    if !others.is_empty() {
        let _ = writeln!(out, "\n**Other values:**");
        for v in others {
            let note = value_note(kb, site, site.keys, v);
            let _ = writeln!(out, "- `{}`{}", v.value, dash(&note));
        }
    }
    Some(finish(out))
}

/// The values of `field` as a list, each with its note (the user's first).
fn push_values(
    out: &mut String,
    kb: &Knowledge,
    site: &FieldSite<'_>,
    field: &Field,
    keys: &[&str],
    child: Option<&str>,
) {
    if field.enum_values.is_empty() {
        return;
    }
    let allowed = field.values_for_kind(Some(site.doc_kind));
    let title = match child {
        Some(name) => format!("`{name}` values"),
        None if matches!(field.ty, FieldType::Array(_)) => "Item values".to_string(),
        None => "Values".to_string(),
    };
    let open = if field.enum_open { " (others are accepted too)" } else { "" };
    let _ = writeln!(out, "\n**{title}**{open}:");
    for v in &allowed {
        let mut marks = Vec::new();
        if field.default.as_deref() == Some(v.value.as_str()) {
            marks.push("default");
        }
        if v.deprecated {
            marks.push("deprecated");
        }
        let marks = if marks.is_empty() { String::new() } else { format!(" ({})", marks.join(", ")) };
        let note = value_note(kb, site, keys, v);
        let _ = writeln!(out, "- `{}`{marks}{}", v.value, dash(&note));
    }
    if let Some(r) = field.restriction_for(site.doc_kind) {
        let _ = writeln!(out, "\nIn a {}: {}", site.doc_kind, sentence(&r.note));
    }
}

/// One line about a value: the user's own note on it if there is one, else the schema's, else a
/// built-in note's first line. Values only mentioned in a sentence about the field are left to
/// the field's notes.
fn value_note(kb: &Knowledge, site: &FieldSite<'_>, keys: &[&str], v: &EnumValue) -> String {
    let entries = kb.value_entries(&site.kind.kind, keys, &v.value, true);
    if let Some(user) = entries.iter().find(|e| e.origin == Origin::User && !e.inline) {
        return format!("{} _(your notes)_", first_line(&user.text));
    }
    if !v.note.is_empty() {
        return one_line(&v.note);
    }
    entries.iter().find(|e| !e.inline).map(|e| first_line(&e.text)).unwrap_or_default()
}

/// The note entries as a list, the user's first, each with where it comes from.
fn push_entries(out: &mut String, entries: &[&NoteEntry]) {
    let mut seen: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for e in entries {
        let text = entry_text(e);
        if text.is_empty() || seen.contains(&text) {
            continue;
        }
        seen.push(text.clone());
        let source = match e.origin {
            Origin::User => format!("your notes, {}:{}", file_name(&e.path), e.line),
            Origin::Builtin if e.section.is_empty() => "kref".to_string(),
            Origin::Builtin => format!("kref: {}", e.section.trim_matches('`')),
        };
        lines.push(format!("- {} _({source})_", text.replace('\n', "\n  ")));
        if lines.len() == MAX_ENTRIES {
            break;
        }
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**Notes:**");
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

/// What an entry says about its own subject: its text without the summary lines of the entries
/// nested under it (values and fields are shown on their own); for a value named inside a
/// sentence, the whole sentence.
fn entry_text(e: &NoteEntry) -> String {
    let text = e.text.trim();
    let text = if e.inline { text.split_once(". ").map_or(text, |(_, sentence)| sentence) } else { text };
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("- `") || t.starts_with("* `"))
        })
        .collect();
    kept.join("\n").trim().to_string()
}

/// The official description. `without_values`: the values are listed with our own notes, so
/// the description's list of them ("Possible enum values:", "Valid values are:") is left out.
fn push_description(out: &mut String, description: &str, without_values: bool) {
    let mut text = description.trim();
    if without_values {
        for marker in ["Possible enum values:", "Valid values are:", "Valid values are"] {
            if let Some(i) = text.find(marker)
                && !text[..i].trim().is_empty()
            {
                text = text[..i].trim();
            }
        }
    }
    if !text.is_empty() {
        let _ = writeln!(out, "\n{text}");
    }
}

/// What "See also" searches for about a field: its name (with its parent's when the name alone
/// says little, like `type`), among notes about the kind, or about `Pod` inside a pod template
/// and `Job` inside a job template.
pub fn related_query(kind: &str, keys: &[&str]) -> (String, String) {
    let about = crate::model::template_at(kind, keys).map_or(kind, |(t, _)| t.as_str());
    let text = match keys {
        [.., parent, last] if GENERIC_NAMES.contains(last) => format!("{parent} {last}"),
        [.., last] => (*last).to_string(),
        [] => kind.to_string(),
    };
    (text, about.to_string())
}

/// Field names too common to search for alone.
const GENERIC_NAMES: &[&str] =
    &["type", "name", "value", "key", "path", "port", "kind", "mode", "items", "spec"];

/// Asks now the "See also" questions hover will ask about the fields of `file`, so that hover
/// finds the answers cached (a search costs about half a millisecond, a cached answer nothing).
pub fn warm_up(file: &kref_yaml::File, kb: &Knowledge) {
    let mut asked = std::collections::HashSet::new();
    for doc in &file.documents {
        let api_version = doc.api_version.as_ref().map(|(a, _)| a.as_str());
        let kind = match &doc.kind {
            Some((kind, _)) => super::site::kind_of(kb, api_version, kind),
            // A kustomization that leaves `apiVersion` and `kind` out.
            None if doc.root.as_ref().is_some_and(super::kustomize::implied_kustomization) => {
                super::kustomize::schema_kind(kb, None)
            }
            None => None,
        };
        let Some(kind) = kind else { continue };
        for (path, _) in doc.pairs() {
            if matches!(path.0.first(), Some(kref_yaml::Segment::Key(k)) if k == "kind" || k == "apiVersion")
            {
                continue;
            }
            let keys = super::model::path_keys(&path);
            let question = related_query(&kind.kind, &keys);
            if asked.len() >= WARM_UP_MAX {
                return;
            }
            if !asked.contains(&question) {
                related_titles(kb, &question.0, &question.1);
                asked.insert(question);
            }
        }
    }
}

/// At most this many searches are made ahead for one document.
const WARM_UP_MAX: usize = 2000;

/// Titles of note sections that a search for `query` finds, as "See also".
fn push_related(out: &mut String, kb: &Knowledge, query: &str, about: &str) {
    let titles = related_titles(kb, query, about);
    if titles.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**See also:** {}", titles.join(" · "));
}

/// Up to [`MAX_RELATED`] section titles for `query`: those about `about` first, then any.
fn related_titles(kb: &Knowledge, query: &str, about: &str) -> Vec<String> {
    let mut titles: Vec<String> =
        kb.related(query, Some(about), MAX_RELATED).into_iter().map(|r| r.title).collect();
    if titles.len() < MAX_RELATED {
        for r in kb.related(query, None, MAX_RELATED) {
            if titles.len() < MAX_RELATED && !titles.iter().any(|t| t.eq_ignore_ascii_case(&r.title)) {
                titles.push(r.title);
            }
        }
    }
    titles
}

/// Every apiVersion that serves a kind of exactly this name, preferred first.
pub fn api_versions_of(kb: &Knowledge, kind: &str) -> Vec<String> {
    let mut out = Vec::new();
    for k in kb.schema.kinds_named(kind) {
        if k.kind == kind && !k.subresource {
            let av = k.api_version();
            if !out.contains(&av) {
                out.push(av);
            }
        }
    }
    out
}

/// What the lifecycle table says about `api_version`/`kind` on the target Kubernetes version;
/// `None` when it says nothing worth a line.
fn status_line(kb: &Knowledge, api_version: &str, kind: &str) -> Option<String> {
    let target = kb.kube_version;
    let row = kref_corpus::schema::lifecycle(api_version, kind)?;
    let mut line = match row.status(target) {
        ApiStatus::Current => match row.introduced {
            Some(v) => format!("Served since Kubernetes {v}; current for your target {target}."),
            None => return row.note.clone(),
        },
        ApiStatus::NotYetIntroduced { introduced } => {
            format!("**Not served yet** by Kubernetes {target}: it arrives in {introduced}.")
        }
        ApiStatus::Deprecated { since, removal, replacement } => {
            let mut s = format!("**Deprecated** since Kubernetes {since}");
            if let Some(r) = removal {
                let _ = write!(s, ", removed in {r}");
            }
            s.push('.');
            if let Some(r) = replacement {
                let _ = write!(s, " Move to `{}` {}", r.api_version, r.kind);
                if let Some(since) = row.replacement_since {
                    let _ = write!(s, " (served since {since})");
                }
                s.push('.');
            }
            s
        }
        ApiStatus::Removed { .. } => removed_text(kb, api_version, kind)?,
    };
    if let Some(note) = &row.note
        && !matches!(row.status(target), ApiStatus::Current)
    {
        line.push(' ');
        line.push_str(&sentence(note));
    }
    Some(line)
}

fn removed_text(kb: &Knowledge, api_version: &str, kind: &str) -> Option<String> {
    let row = kref_corpus::schema::lifecycle(api_version, kind)?;
    let since = row.removed?;
    let mut s = format!(
        "**Removed** in Kubernetes {since}: a cluster at your target {} rejects `{api_version}` {kind}.",
        kb.kube_version
    );
    if let Some(r) = &row.replacement {
        let _ = write!(s, " Use `{}` {}.", r.api_version, r.kind);
    }
    Some(s)
}

/// Versions of `kind` that the lifecycle table knows as removed or deprecated, other than the
/// ones served and the one in use.
fn older_versions(kind: &str, served: &[String], used: &str) -> Vec<String> {
    let mut out = Vec::new();
    for row in lifecycles() {
        if row.kind != kind || row.api_version == used || served.contains(&row.api_version) {
            continue;
        }
        if let Some(removed) = row.removed {
            out.push(format!("`{}` (removed in {removed})", row.api_version));
        }
    }
    out
}

/// `a`, `b` and `c` as inline code, comma separated.
pub fn code_list<S: AsRef<str>>(items: &[S]) -> String {
    items.iter().map(|s| format!("`{}`", s.as_ref())).collect::<Vec<_>>().join(", ")
}

/// The first sentence of a text, on one line, cut to about `max` characters.
pub fn summary(text: &str, max: usize) -> String {
    let line = one_line(text.split("\n\n").next().unwrap_or_default());
    let end = line.find(". ").map_or(line.len(), |i| i + 1);
    let first = &line[..end];
    if first.chars().count() <= max {
        return first.to_string();
    }
    let cut: String = first.chars().take(max.saturating_sub(1)).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head).trim_end_matches([',', ';', ':']);
    format!("{cut}…")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_line(text: &str) -> String {
    one_line(text.trim().lines().next().unwrap_or_default())
}

fn sentence(text: &str) -> String {
    let t = one_line(text);
    if t.is_empty() || t.ends_with(['.', '!', '?', ')']) { t } else { format!("{t}.") }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn dash(note: &str) -> String {
    if note.is_empty() { String::new() } else { format!(" — {note}") }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn finish(mut out: String) -> String {
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        assert_eq!(summary("Number of pods. Defaults to 1.", 80), "Number of pods.");
        assert_eq!(summary("One\ntwo three.\n\nMore", 80), "One two three.");
        let long = "word ".repeat(40);
        let s = summary(&long, 30);
        assert!(s.ends_with('…') && s.chars().count() <= 30, "{s}");
    }
}

#[cfg(test)]
mod related_tests {
    use super::related_query;

    #[test]
    fn related_questions() {
        let q = |kind: &str, keys: &[&str]| {
            let (text, about) = related_query(kind, keys);
            format!("{text} @ {about}")
        };
        assert_eq!(q("Deployment", &["spec", "strategy"]), "strategy @ Deployment");
        assert_eq!(q("Deployment", &["spec", "strategy", "type"]), "strategy type @ Deployment");
        assert_eq!(q("Deployment", &["spec", "template", "spec", "containers", "image"]), "image @ Pod");
        assert_eq!(q("CronJob", &["spec", "jobTemplate", "spec", "backoffLimit"]), "backoffLimit @ Job");
        assert_eq!(
            q("CronJob", &["spec", "jobTemplate", "spec", "template", "spec", "restartPolicy"]),
            "restartPolicy @ Pod"
        );
    }
}
