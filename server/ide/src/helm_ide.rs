//! Editor features inside Helm chart templates: hover on `.Values` paths (the value and its
//! documentation comment), named templates (the `define` body), built-in objects and template
//! functions (the built-in Helm notes); completion after `.Values.` and inside
//! `include "`; definitions of `.Values` paths (the key in values.yaml) and of
//! `include`/`template` names (the `define`). What is plain YAML in a template (kinds, fields,
//! enum values) is answered by the manifest features on the template's YAML with holes.
//!
//! Pure: the caller loads the chart ([`LoadedChart::load`]) with paths relative to the chart
//! folder, and names the file by its path in that tree.

use kref_yaml::TextRange;

use super::completion::{CompletionItem, Edit, ItemKind};
use super::helm::scan::{TokenKind, token_text};
use super::helm::{LoadedChart, Lookup, PathSegment, TemplateFile, ValuesPath};
use super::hover::Hover;
use super::knowledge::Knowledge;

/// Lines of a value shown on hover at most.
const VALUE_LINES: usize = 12;

/// The chart of the tree that holds `path` among its templates, helpers or NOTES.txt, with
/// that template.
pub fn template_of<'c>(charts: &'c [LoadedChart], path: &str) -> Option<(&'c LoadedChart, &'c TemplateFile)> {
    fn find<'c>(chart: &'c LoadedChart, path: &str) -> Option<(&'c LoadedChart, &'c TemplateFile)> {
        let own = chart.templates.iter().chain(chart.notes.iter()).find(|(p, _)| p == path);
        if let Some((_, t)) = own {
            return Some((chart, t));
        }
        chart.subcharts.iter().find_map(|s| find(s, path))
    }
    charts.iter().find_map(|c| find(c, path))
}

/// The outermost chart of the tree holding `chart` (named templates are shared across it).
fn top_of<'c>(charts: &'c [LoadedChart], chart: &LoadedChart) -> &'c LoadedChart {
    fn holds(tree: &LoadedChart, dir: &str) -> bool {
        tree.layout.dir == dir || tree.subcharts.iter().any(|s| holds(s, dir))
    }
    charts.iter().find(|c| holds(c, &chart.layout.dir)).unwrap_or(&charts[0])
}

fn written_path(path: &ValuesPath) -> String {
    let mut out = String::from(".Values");
    for segment in &path.0 {
        match segment {
            PathSegment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            PathSegment::Each => out.push_str("[*]"),
        }
    }
    out
}

/// Hover in a template at `offset`: a `.Values` path, a named template, a built-in object or
/// a function. `None` elsewhere (the caller answers for the YAML).
pub fn hover(charts: &[LoadedChart], path: &str, offset: usize, kb: &Knowledge) -> Option<Hover> {
    let (chart, template) = template_of(charts, path)?;
    let text = template.text();
    if let Some(reference) = template.values_ref_at(offset) {
        let at = reference.path_at(offset);
        let range = reference
            .segments
            .iter()
            .find(|(_, r)| r.touches(offset))
            .map_or(reference.range, |(_, r)| TextRange::new(reference.range.start, r.end));
        return Some(Hover { range, markdown: values_markdown(chart, &at), subject: written_path(&at) });
    }
    if let Some(call) = template.call_at(offset)
        && let Some(name) = &call.name
        && call.name_range.is_some_and(|r| r.touches(offset))
    {
        let range = call.name_range.unwrap_or(call.range);
        return Some(Hover { range, markdown: named_markdown(charts, chart, name), subject: name.clone() });
    }
    if let Some(define) = template.define_at(offset) {
        return Some(Hover {
            range: define.name_range,
            markdown: named_markdown(charts, chart, &define.name),
            subject: define.name.clone(),
        });
    }
    if let Some(builtin) = template.builtin_at(offset) {
        // The longest written prefix with a note: `.Release.Name`, else `.Release`.
        let upto =
            builtin.segments.iter().position(|r| r.touches(offset)).unwrap_or(builtin.fields.len() - 1);
        for n in (1..=upto + 1).rev() {
            let term = format!(".{}", builtin.fields[..n].join("."));
            if let Some(markdown) = term_markdown(kb, &term) {
                let end = builtin.segments.get(n - 1).map_or(builtin.range.end, |r| r.end);
                return Some(Hover {
                    range: TextRange::new(builtin.range.start, end),
                    markdown,
                    subject: term,
                });
            }
        }
    }
    let action = template.scan.action_at(offset)?;
    let token = template.scan.token_at(action, offset)?;
    if matches!(token.kind, TokenKind::Ident | TokenKind::Keyword) {
        let name = token_text(text, token);
        let markdown = term_markdown(kb, name)?;
        return Some(Hover { range: token.range, markdown, subject: name.to_string() });
    }
    None
}

/// The note entries about a term, as Markdown.
fn term_markdown(kb: &Knowledge, term: &str) -> Option<String> {
    let entries = kb.term_entries(term);
    let first = entries.first()?;
    Some(format!("**`{term}`**\n\n{}", first.text.trim()))
}

fn values_markdown(chart: &LoadedChart, path: &ValuesPath) -> String {
    let written = written_path(path);
    let mut out = format!("**`{written}`**");
    let Some(values) = &chart.values else {
        out.push_str("\n\nThe chart has no values.yaml.");
        return out;
    };
    match values.lookup(path) {
        Lookup::Found { node, key_range } => {
            out.push_str(&format!("\n\n```yaml\n{}\n```", values.display(node, VALUE_LINES).trim_end()));
            if let Some(doc) = key_range.and_then(|r| values.doc(path, r)) {
                out.push_str("\n\n");
                out.push_str(doc.text.trim());
                if let Some(default) = &doc.default {
                    out.push_str(&format!("\n\nDefault: `{default}`"));
                }
            }
        }
        Lookup::Open { at, .. } => out.push_str(&format!(
            "\n\nvalues.yaml leaves `{}` open: any value may be set under it.",
            written_path(&at)
        )),
        Lookup::ThroughScalar { at, node } => out.push_str(&format!(
            "\n\n`{}` is `{}` in values.yaml: it has no keys below it.",
            written_path(&at),
            values.display(node, 1).trim()
        )),
        Lookup::Missing { parent, missing, suggestion } => {
            out.push_str(&format!(
                "\n\nNot declared in values.yaml: `{}` has no `{missing}`.",
                written_path(&parent)
            ));
            if let Some(s) = suggestion {
                out.push_str(&format!(" Did you mean `{s}`?"));
            }
        }
    }
    if let Some(schema) = &chart.schema
        && let Some(property) = schema.property(path)
    {
        if let Some(t) = &property.type_name {
            out.push_str(&format!("\n\nSchema type: `{t}`"));
        }
        if let Some(d) = &property.description {
            out.push_str(&format!("\n\n{d}"));
        }
        if !property.enum_values.is_empty() {
            out.push_str(&format!("\n\nAllowed: {}", property.enum_values.join(", ")));
        }
    }
    let file = chart.layout.values.first().map_or("values.yaml", String::as_str);
    out.push_str(&format!("\n\n_from `{file}`_"));
    out
}

fn named_markdown(charts: &[LoadedChart], chart: &LoadedChart, name: &str) -> String {
    let top = top_of(charts, chart);
    let named = top.named_templates();
    let Some(def) = named.get(name).first() else {
        return format!("**`{name}`**\n\nNo template of the chart defines this name.");
    };
    let body = top
        .all_templates()
        .into_iter()
        .find(|(p, _)| *p == def.file)
        .and_then(|(_, t)| t.text().get(def.range.start..def.range.end))
        .unwrap_or("");
    let shown: Vec<&str> = body.lines().take(30).collect();
    let more = if body.lines().count() > 30 { "\n…" } else { "" };
    format!(
        "**`{name}`**: named template in `{}`\n\n```go-template\n{}{more}\n```",
        def.file,
        shown.join("\n")
    )
}

/// Completion in a template at `offset`: keys of values.yaml after `.Values.` (and
/// `$.Values.`), names of named templates inside `include "`/`template "`. `None` outside
/// those places (the caller completes the YAML).
pub fn complete(charts: &[LoadedChart], path: &str, offset: usize) -> Option<Vec<CompletionItem>> {
    let (chart, template) = template_of(charts, path)?;
    let text = template.text();
    let action = template.scan.actions.get(template.scan.action_at(offset)?)?;
    let before = text.get(action.inner.start.min(offset)..offset)?;
    if let Some(prefix) = include_prefix(before) {
        let top = top_of(charts, chart);
        let named = top.named_templates();
        let range = TextRange::new(offset - prefix.len(), offset);
        let mut items: Vec<CompletionItem> = named
            .names()
            .map(|name| {
                let file = named.get(name).first().map(|d| d.file.clone()).unwrap_or_default();
                item(name, format!("named template in {file}"), range)
            })
            .collect();
        items.sort_by(|a, b| a.label.cmp(&b.label));
        return Some(items);
    }
    let (segments, prefix) = values_prefix(before)?;
    let values = chart.values.as_ref()?;
    let path = ValuesPath(segments.into_iter().map(PathSegment::Key).collect());
    let range = TextRange::new(offset - prefix.len(), offset);
    let mut items: Vec<CompletionItem> = values
        .children(&path)
        .into_iter()
        .map(|entry| {
            let mut child = path.clone();
            child.0.push(PathSegment::Key(entry.key.clone()));
            let doc = values.doc(&child, entry.key_range).map(|d| d.text);
            let shown = values.display(entry.value, 1);
            let detail = match doc {
                Some(d) => {
                    format!("{} · {}", shown.lines().next().unwrap_or(""), d.lines().next().unwrap_or(""))
                }
                None => shown.lines().next().unwrap_or("").to_string(),
            };
            item(&entry.key, detail, range)
        })
        .collect();
    // Keys only the schema names.
    if let Some(schema) = &chart.schema {
        for property in schema.properties_at(&path) {
            if !items.iter().any(|i| i.label == property.name) {
                let detail =
                    property.description.clone().unwrap_or_else(|| "from values.schema.json".to_string());
                items.push(item(&property.name, detail, range));
            }
        }
    }
    Some(items)
}

fn item(label: &str, detail: String, range: TextRange) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: ItemKind::Field,
        detail: Some(detail),
        edit: Edit { range, text: label.to_string() },
        snippet: false,
        additional_edits: Vec::new(),
        sort_text: label.to_string(),
        filter_text: None,
        deprecated: false,
        docs: None,
    }
}

/// `include "na` → `na`.
fn include_prefix(before: &str) -> Option<&str> {
    let quote = before.rfind('"')?;
    let head = before[..quote].trim_end();
    let prefix = &before[quote + 1..];
    let keyword = head.ends_with("include") || head.ends_with("template");
    let quotes = before.matches('"').count();
    (keyword && quotes % 2 == 1 && !prefix.contains(char::is_whitespace)).then_some(prefix)
}

/// `... .Values.image.ta` → (["image"], "ta"); also `$.Values.`.
fn values_prefix(before: &str) -> Option<(Vec<String>, &str)> {
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '$'))
        .map_or(0, |i| i + 1);
    let chain = &before[start..];
    let rest = chain.strip_prefix("$.Values.").or_else(|| chain.strip_prefix(".Values."))?;
    let mut parts: Vec<&str> = rest.split('.').collect();
    let prefix = parts.pop().unwrap_or("");
    let prefix_at = before.len() - prefix.len();
    Some((parts.into_iter().map(str::to_string).collect(), &before[prefix_at..]))
}

/// Where the thing at `offset` is defined: a `.Values` path's key in values.yaml, or the
/// `define` of an `include`/`template` name; `(file path in the tree, range)`.
pub fn definition(charts: &[LoadedChart], path: &str, offset: usize) -> Vec<(String, TextRange)> {
    let Some((chart, template)) = template_of(charts, path) else { return Vec::new() };
    if let Some(reference) = template.values_ref_at(offset) {
        let at = reference.path_at(offset);
        let Some(values) = &chart.values else { return Vec::new() };
        let file = chart.layout.values.first().cloned().unwrap_or_default();
        return match values.lookup(&at) {
            Lookup::Found { key_range: Some(r), .. } => vec![(file, r)],
            _ => Vec::new(),
        };
    }
    let name = template
        .call_at(offset)
        .and_then(|c| c.name.clone())
        .or_else(|| template.define_at(offset).map(|d| d.name.clone()));
    let Some(name) = name else { return Vec::new() };
    let top = top_of(charts, chart);
    top.named_templates().get(&name).iter().map(|d| (d.file.clone(), d.name_range)).collect()
}

/// Hover in `Chart.yaml`: the field's documentation (type, whether required, allowed
/// values, an example).
pub fn chart_yaml_hover(file: &kref_yaml::File, offset: usize) -> Option<Hover> {
    let location = file.locate(offset);
    let kref_yaml::Target::Key { range, .. } = location.target else { return None };
    let path: Vec<&str> = location
        .path
        .iter()
        .filter_map(|s| match s {
            kref_yaml::Segment::Key(k) => Some(k.as_str()),
            kref_yaml::Segment::Index(_) => None,
        })
        .collect();
    let field = super::helm::chart_yaml::field_doc(&path)?;
    let mut markdown = format!(
        "**`{}`**: {}{}\n\n{}",
        path.join("."),
        field.kind.describe(),
        if field.required { ", required" } else { "" },
        field.doc
    );
    if !field.values.is_empty() {
        markdown.push_str("\n\nAllowed values:");
        for (value, note) in field.values {
            markdown.push_str(&format!("\n- `{value}`: {note}"));
        }
    }
    if !field.example.is_empty() {
        markdown.push_str(&format!("\n\nExample: `{}`", field.example));
    }
    Some(Hover { range, markdown, subject: format!("Chart.yaml {}", path.join(".")) })
}

/// Completion of `Chart.yaml` keys where a new key is typed (top level, a maintainer, a
/// dependency), leaving out the keys already there.
pub fn chart_yaml_complete(file: &kref_yaml::File, offset: usize) -> Option<Vec<CompletionItem>> {
    let location = file.locate(offset);
    let kref_yaml::Target::NewKey { prefix_range, .. } = location.target else { return None };
    let path: Vec<&str> = location
        .path
        .iter()
        .filter_map(|s| match s {
            kref_yaml::Segment::Key(k) => Some(k.as_str()),
            kref_yaml::Segment::Index(_) => None,
        })
        .collect();
    let fields = super::helm::chart_yaml::fields_at(&path);
    if fields.is_empty() {
        return None;
    }
    Some(
        fields
            .iter()
            .filter(|f| !location.siblings.iter().any(|s| s == f.name))
            .map(|f| {
                let mut i = item(f.name, f.doc.split(". ").next().unwrap_or(f.doc).to_string(), prefix_range);
                i.edit.text = format!("{}: ", f.name);
                i.sort_text = format!("{}{}", if f.required { 0 } else { 1 }, f.name);
                i
            })
            .collect(),
    )
}

/// Hover on a key of a chart's values.yaml (`path` names it in the tree): its value, its
/// documentation comment, and the templates that read it.
pub fn values_hover(charts: &[LoadedChart], path: &str, offset: usize) -> Option<Hover> {
    fn find<'c>(chart: &'c LoadedChart, path: &str) -> Option<&'c LoadedChart> {
        if chart.layout.values.first().is_some_and(|v| v == path) {
            return Some(chart);
        }
        chart.subcharts.iter().find_map(|s| find(s, path))
    }
    let chart = charts.iter().find_map(|c| find(c, path))?;
    let values = chart.values.as_ref()?;
    let (at, key_range) = values.key_at(offset)?;
    let mut markdown = values_markdown(chart, &at);
    let mut users: Vec<String> = Vec::new();
    for (file, template) in chart.templates.iter().chain(chart.notes.iter()) {
        let reads = template.references.values.iter().any(|r| r.path.0.starts_with(&at.0));
        if reads && !users.contains(file) {
            users.push(file.clone());
        }
    }
    if users.is_empty() {
        markdown.push_str("\n\nNo template of the chart reads it.");
    } else {
        markdown.push_str("\n\nRead by: ");
        markdown.push_str(&users.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", "));
    }
    Some(Hover { range: key_range, markdown, subject: written_path(&at) })
}

/// A file of the chart a template reads with `.Files`: `Get "path"`, `Lines "path"` (the file)
/// or `Glob "dir/*.conf"` (the folder before the first wildcard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLink {
    /// The path's text in the template (for a glob, its folder part).
    pub range: TextRange,
    /// The path from the top of the tree the charts were loaded from (`/`-separated).
    pub path: String,
    /// A glob's folder rather than a file.
    pub folder: bool,
}

/// The files and folders the template at `path` reads with `.Files.Get`, `.Files.Lines` and
/// `.Files.Glob` (also as `(.Files.Glob "x/*").AsConfig`), written as plain string literals.
/// Paths are relative to the chart's folder, as Helm reads them; those leaving the chart or
/// under `templates/` (which `.Files` does not serve) are left out.
pub fn file_links(charts: &[LoadedChart], path: &str) -> Vec<FileLink> {
    let Some((chart, template)) = template_of(charts, path) else { return Vec::new() };
    let text = template.text();
    let mut out = Vec::new();
    for action in &template.scan.actions {
        for w in action.tokens.windows(3) {
            let [files, method, arg] = w else { continue };
            if files.kind != TokenKind::Field || token_text(text, files) != ".Files" {
                continue;
            }
            if method.kind != TokenKind::Field || method.range.start != files.range.end {
                continue;
            }
            let glob = match token_text(text, method) {
                ".Get" | ".Lines" => false,
                ".Glob" => true,
                _ => continue,
            };
            if !matches!(arg.kind, TokenKind::String | TokenKind::RawString) {
                continue;
            }
            let Some(value) = super::helm::scan::string_value(text, arg) else { continue };
            // The literal as written must be the path (no escapes), so that ranges line up.
            let inner =
                TextRange::new(arg.range.start + 1, arg.range.end.saturating_sub(1).max(arg.range.start + 1));
            if text.get(inner.start..inner.end) != Some(value.as_str()) {
                continue;
            }
            let written = if glob {
                let wild = value.find(['*', '?', '[', '{']).unwrap_or(value.len());
                match value[..wild].rfind('/') {
                    Some(slash) => &value[..slash],
                    None => continue,
                }
            } else {
                value.as_str()
            };
            let clean = written.trim_start_matches("./");
            let steps: Vec<&str> = clean.split('/').collect();
            if clean.is_empty()
                || clean.starts_with('/')
                || steps.iter().any(|s| *s == ".." || s.is_empty())
                || steps.first() == Some(&"templates")
            {
                continue;
            }
            let start = inner.start + (written.len() - clean.len());
            let full = if chart.layout.dir.is_empty() {
                clean.to_string()
            } else {
                format!("{}/{clean}", chart.layout.dir)
            };
            out.push(FileLink {
                range: TextRange::new(start, start + clean.len()),
                path: full,
                folder: glob,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, OnceLock};

    /// The built-in notes (the Helm notes among them) over the built-in schema.
    fn builtin() -> &'static Knowledge {
        static KB: OnceLock<Knowledge> = OnceLock::new();
        KB.get_or_init(|| {
            let schema = Arc::new(kref_corpus::schema::Schema::builtin().clone());
            Knowledge::new(
                schema,
                &kref_corpus::builtin::notes(),
                None,
                kref_corpus::schema::KubeVersion::new(1, 33),
            )
        })
    }

    fn charts() -> Vec<LoadedChart> {
        LoadedChart::load(&[
            ("Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n"),
            (
                "values.yaml",
                "image:\n  # -- The image's repository\n  repository: nginx\n  tag: \"1.27\"\nreplicas: 2\n",
            ),
            ("templates/_helpers.tpl", "{{- define \"web.name\" -}}\n{{ .Chart.Name }}\n{{- end }}\n"),
            (
                "templates/deploy.yaml",
                "metadata:\n  name: {{ include \"web.name\" . }}\nimage: {{ .Values.image.repository }}:{{ .Values.image. }}\n",
            ),
        ])
    }

    #[test]
    fn values_paths_hover_complete_and_lead_to_their_key() {
        let charts = charts();
        let text = charts[0].templates.iter().find(|(p, _)| p == "templates/deploy.yaml").unwrap().1.text();
        let at = text.find("repository").unwrap() + 2;
        let kb = builtin();
        let h = hover(&charts, "templates/deploy.yaml", at, kb).unwrap();
        assert_eq!(
            h.markdown,
            "**`.Values.image.repository`**\n\n```yaml\nnginx\n```\n\nThe image's repository\n\n_from `values.yaml`_"
        );
        let defs = definition(&charts, "templates/deploy.yaml", at);
        let values = charts[0].values.as_ref().unwrap().text();
        assert_eq!(defs.len(), 1);
        assert_eq!(
            (defs[0].0.as_str(), &values[defs[0].1.start..defs[0].1.end]),
            ("values.yaml", "repository")
        );
        assert_eq!(values.lines().nth(2), Some("  repository: nginx"));
        let after = text.find(".Values.image. ").unwrap() + ".Values.image.".len();
        let items = complete(&charts, "templates/deploy.yaml", after).unwrap();
        let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["repository", "tag"]);
        assert_eq!(items[0].detail.as_deref(), Some("nginx · The image's repository"));
    }

    #[test]
    fn named_templates_hover_complete_and_lead_to_their_define() {
        let charts = charts();
        let text = charts[0].templates.iter().find(|(p, _)| p == "templates/deploy.yaml").unwrap().1.text();
        let at = text.find("web.name").unwrap() + 1;
        let kb = builtin();
        let h = hover(&charts, "templates/deploy.yaml", at, kb).unwrap();
        assert!(h.markdown.starts_with("**`web.name`**: named template in `templates/_helpers.tpl`\n\n```go-template\n{{- define \"web.name\" -}}"), "{}", h.markdown);
        assert_eq!(
            definition(&charts, "templates/deploy.yaml", at),
            [("templates/_helpers.tpl".to_string(), TextRange::new(12, 20))],
            "the name inside `{{{{- define \"web.name\"`"
        );
        let items = complete(&charts, "templates/deploy.yaml", at).unwrap();
        assert_eq!(items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(), ["web.name"]);
    }

    #[test]
    fn builtins_and_functions_are_explained_from_the_notes() {
        let charts = charts();
        let helpers =
            charts[0].templates.iter().find(|(p, _)| p == "templates/_helpers.tpl").unwrap().1.text();
        let at = helpers.find("Name").unwrap() + 1;
        let kb = builtin();
        let h = hover(&charts, "templates/_helpers.tpl", at, kb).unwrap();
        assert!(h.markdown.starts_with("**`.Chart.Name`**\n\nthe chart's name"), "{}", h.markdown);
        let text = charts[0].templates.iter().find(|(p, _)| p == "templates/deploy.yaml").unwrap().1.text();
        let h = hover(&charts, "templates/deploy.yaml", text.find("include").unwrap() + 1, kb).unwrap();
        assert!(h.markdown.starts_with("**`include`**"), "{}", h.markdown);
    }

    #[test]
    fn chart_yaml_and_values_yaml_have_hover_and_completion() {
        let file = kref_yaml::parse("apiVersion: v2\nname: web\nty\n");
        let h = chart_yaml_hover(&file, 16).unwrap();
        assert!(h.markdown.starts_with("**`name`**: a string, required\n\n"), "{}", h.markdown);
        let items = chart_yaml_complete(&file, 26).unwrap();
        let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert!(labels.contains(&"type") && labels.contains(&"version"), "{labels:?}");
        assert!(!labels.contains(&"name"), "keys already there are left out: {labels:?}");
        let charts = charts();
        let values = charts[0].values.as_ref().unwrap().text();
        let h = values_hover(&charts, "values.yaml", values.find("repository:").unwrap() + 1).unwrap();
        assert!(h.markdown.ends_with("Read by: `templates/deploy.yaml`"), "{}", h.markdown);
        let h = values_hover(&charts, "values.yaml", values.find("replicas").unwrap() + 1).unwrap();
        assert!(h.markdown.ends_with("No template of the chart reads it."), "{}", h.markdown);
    }

    #[test]
    fn files_read_with_dot_files_are_links_from_the_chart_folder() {
        let template = "data:\n  app.conf: |-\n{{ .Files.Get \"files/app.conf\" | indent 4 }}\n\
                        {{- (.Files.Glob \"./conf/extra/*.ini\").AsConfig | nindent 2 }}\n\
                        {{- range $.Files.Lines `hosts.txt` }}{{ . }}{{ end }}\n\
                        {{ .Files.Get (printf \"%s.conf\" .Values.name) }}{{ .Files.Get \"../x\" }}\
                        {{ .Files.Get \"templates/a.yaml\" }}{{ .Files.Glob \"*.ini\" }}{{ .Values.Get \"a\" }}\n";
        let charts = LoadedChart::load(&[
            ("demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 1.0.0\n"),
            ("demo/templates/cm.yaml", template),
        ]);
        let links = file_links(&charts, "demo/templates/cm.yaml");
        let shown: Vec<(&str, &str, bool)> = links
            .iter()
            .map(|l| (&template[l.range.start..l.range.end], l.path.as_str(), l.folder))
            .collect();
        assert_eq!(
            shown,
            [
                ("files/app.conf", "demo/files/app.conf", false),
                ("conf/extra", "demo/conf/extra", true),
                ("hosts.txt", "demo/hosts.txt", false),
            ]
        );
    }
}
