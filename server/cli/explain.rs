//! `kref explain`: an offline `kubectl explain` that also shows the notes about the field.

use std::collections::HashSet;
use std::io::Write;

use anyhow::{Result, anyhow};
use kref_corpus::schema::{Field, Kind, ResolveError, Resolved, Schema, TypeRef, lifecycle};
use serde_json::json;

use super::NotesArgs;
use super::output::{BOLD, DIM, Outcome, PATH, TITLE, print_json, warn};
use crate::analysis::knowledge::{Knowledge, NoteEntry};
use crate::kb::config::cache_dir;
use crate::kb::store::load_notes_naming;

/// Arguments of `kref explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A kind, plural or short name, optionally with a field path: `deploy.spec.strategy`,
    /// `cronjob.spec.concurrencyPolicy`, `pod.spec.containers.ports`.
    pub resource: String,
    /// Pick the kind from this API version (`autoscaling/v2`, `batch/v1`).
    #[arg(long, value_name = "GROUP/VERSION")]
    pub api_version: Option<String>,
    /// Show the whole field tree below, with types.
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub notes: NotesArgs,
}

/// How deep `--recursive` goes (recursive types such as JSONSchemaProps stop earlier).
const MAX_TREE_DEPTH: usize = 15;

fn split_resource(resource: &str) -> (&str, &str) {
    match resource.find(['.', '[']) {
        Some(i) => (&resource[..i], resource[i..].trim_start_matches('.')),
        None => (resource, ""),
    }
}

fn resolve<'s>(schema: &'s Schema, args: &ExplainArgs) -> Result<Resolved<'s>, ResolveError> {
    let (name, path) = split_resource(&args.resource);
    let kind = match &args.api_version {
        Some(v) => schema.kind_in(v, name).ok_or_else(|| ResolveError::UnknownKind {
            name: format!("{name} in {v}"),
            suggestions: schema.kinds_named(name).iter().map(|k| k.api_version()).collect(),
        })?,
        None => schema.kind(name).ok_or_else(|| ResolveError::UnknownKind {
            name: name.to_string(),
            suggestions: schema.suggest_kinds(name),
        })?,
    };
    schema.resolve_in(kind, path)
}

/// Path keys of a canonical path (`spec.template.spec.containers[].ports[]` → keys only).
fn keys(path: &str) -> Vec<&str> {
    path.split('.').map(|p| p.split('[').next().unwrap_or(p)).filter(|p| !p.is_empty()).collect()
}

fn notes_for<'k>(kb: &'k Knowledge, resolved: &Resolved<'_>) -> Vec<&'k NoteEntry> {
    let kind = &resolved.kind.kind;
    if resolved.fields.is_empty() {
        kb.kind_entries(kind)
    } else {
        kb.field_entries(kind, &keys(&resolved.path))
    }
}

fn enum_values(kind: &Kind, field: Option<&Field>) -> Vec<(String, String)> {
    field
        .map(|f| {
            f.values_for_kind(Some(&kind.kind))
                .into_iter()
                .map(|v| (v.value.clone(), v.note.clone()))
                .collect()
        })
        .unwrap_or_default()
}

pub fn run(args: &ExplainArgs) -> Result<Outcome> {
    let settings = args.notes.settings()?;
    // The schema first: the kind it resolves to says which notes are worth parsing.
    let (schema, mut warnings) = crate::kb::schemas::load_schema(&cache_dir(), &settings.schemas);
    let resolved = resolve(&schema, args)
        .map_err(|e| anyhow!("{e}; list fields with `kref explain KIND --recursive`"))?;
    let kinds = [resolved.kind.kind.as_str(), "Pod"];
    let (all_notes, note_warnings) = load_notes_naming(&settings.notes, Some(&kinds));
    warnings.extend(note_warnings);
    let version = crate::kb::kube_version(&settings, &mut warnings);
    for w in warnings {
        warn(&w);
    }
    let kb = Knowledge::new(schema.clone(), &all_notes, None, version);
    let notes = notes_for(&kb, &resolved);
    let field = resolved.field();
    let kind = resolved.kind;
    let object = resolved.object();
    let children: &[Field] = object.map_or(&[], |t| schema.children(t));
    let type_name = match field {
        Some(f) => schema.display_type(&f.ty),
        None => "Object".to_string(),
    };
    let description = field.map_or(kind.description.as_str(), |f| f.description.as_str());
    let values = enum_values(kind, field);
    if args.json {
        print_json(&json!({
            "kind": kind.kind,
            "apiVersion": kind.api_version(),
            "source": kind.source.to_string(),
            "path": if resolved.path.is_empty() { kind.kind.clone() } else { format!("{}.{}", kind.kind, resolved.path) },
            "type": type_name,
            "required": field.is_some_and(|f| f.required),
            "default": field.and_then(|f| f.default.clone()),
            "deprecated": field.and_then(|f| f.deprecated.clone()),
            "enum": values.iter().map(|(v, n)| json!({"value": v, "note": n})).collect::<Vec<_>>(),
            "description": description,
            "notes": notes.iter().map(|n| json!({
                "source": n.origin.as_str(), "path": n.path, "line": n.line, "text": n.text,
            })).collect::<Vec<_>>(),
            "fields": children.iter().map(|c| json!({
                "name": c.name,
                "type": schema.display_type(&c.ty),
                "required": c.required,
                "enum": c.values_for_kind(Some(&kind.kind)).iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
                "description": first_sentence(&c.description),
            })).collect::<Vec<_>>(),
        }))?;
        return Ok(Outcome::Found);
    }
    let mut out = anstream::stdout().lock();
    writeln!(out, "{BOLD}KIND:{BOLD:#}       {}", kind.kind)?;
    writeln!(out, "{BOLD}VERSION:{BOLD:#}    {}", kind.api_version())?;
    writeln!(out, "{BOLD}SOURCE:{BOLD:#}     {}", crate::analysis::schema_doc::source_text(kind))?;
    if let Some(l) = lifecycle::lifecycle(&kind.api_version(), &kind.kind)
        && let Some(deprecated) = l.deprecated
    {
        writeln!(
            out,
            "{BOLD}LIFECYCLE:{BOLD:#}  deprecated in {deprecated}{}",
            l.removed.map(|r| format!(", removed in {r}")).unwrap_or_default()
        )?;
    }
    writeln!(out)?;
    if field.is_some() {
        writeln!(out, "{BOLD}FIELD:{BOLD:#}      {} <{type_name}>", field.map_or("", |f| f.name.as_str()))?;
        writeln!(out, "{BOLD}PATH:{BOLD:#}       {}.{}", kind.kind, resolved.path)?;
        writeln!(
            out,
            "{BOLD}REQUIRED:{BOLD:#}   {}",
            if field.is_some_and(|f| f.required) { "yes" } else { "no" }
        )?;
        if let Some(default) = field.and_then(|f| f.default.as_deref()) {
            writeln!(out, "{BOLD}DEFAULT:{BOLD:#}    {default}")?;
        }
        if let Some(dep) = field.and_then(|f| f.deprecated.as_deref()) {
            writeln!(out, "{BOLD}DEPRECATED:{BOLD:#} {dep}")?;
        }
        writeln!(out)?;
    }
    if !values.is_empty() {
        writeln!(out, "{BOLD}ENUM:{BOLD:#}")?;
        for (value, note) in &values {
            writeln!(
                out,
                "    {TITLE}{value}{TITLE:#}{}",
                if note.is_empty() { String::new() } else { format!(": {note}") }
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{BOLD}DESCRIPTION:{BOLD:#}")?;
    for line in wrap(if description.is_empty() { "(no description)" } else { description }, 96) {
        writeln!(out, "    {line}")?;
    }
    if !notes.is_empty() {
        writeln!(out, "\n{BOLD}NOTES:{BOLD:#}")?;
        for note in &notes {
            let who = if note.origin == kref_corpus::Origin::User { "your notes" } else { "kref" };
            writeln!(
                out,
                "  {DIM}{who}{DIM:#} {PATH}{}:{}{PATH:#} {DIM}{}{DIM:#}",
                note.path,
                note.line,
                note.subject.breadcrumb()
            )?;
            for line in note.text.lines().flat_map(|l| wrap(l, 94)) {
                writeln!(out, "    {line}")?;
            }
        }
    }
    if !children.is_empty() {
        writeln!(out, "\n{BOLD}FIELDS:{BOLD:#}")?;
        if args.recursive {
            let mut seen = HashSet::new();
            if let Some(t) = object {
                tree(&mut out, &schema, t, 1, &mut seen)?;
            }
        } else {
            for c in children {
                let req = if c.required { " -required-" } else { "" };
                writeln!(out, "  {TITLE}{}{TITLE:#}\t<{}>{req}", c.name, schema.display_type(&c.ty))?;
                let vals = c.values_for_kind(Some(&kind.kind));
                if !vals.is_empty() {
                    let list: Vec<&str> = vals.iter().map(|v| v.value.as_str()).collect();
                    writeln!(out, "    {DIM}enum: {}{DIM:#}", list.join(", "))?;
                }
                let first = first_sentence(&c.description);
                if !first.is_empty() {
                    writeln!(out, "    {first}")?;
                }
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Found)
}

fn tree(
    out: &mut impl Write,
    schema: &Schema,
    t: TypeRef,
    depth: usize,
    on_path: &mut HashSet<TypeRef>,
) -> std::io::Result<()> {
    if depth > MAX_TREE_DEPTH || !on_path.insert(t) {
        return Ok(());
    }
    for c in schema.children(t) {
        let req = if c.required { " -required-" } else { "" };
        writeln!(out, "{}{}\t<{}>{req}", "  ".repeat(depth), c.name, schema.display_type(&c.ty))?;
        if let Some(child) = c.ty.object() {
            tree(out, schema, child, depth + 1, on_path)?;
        }
    }
    on_path.remove(&t);
    Ok(())
}

/// The first sentence of a description, for one-line summaries.
pub fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.len() + word.len() + 1 > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}
