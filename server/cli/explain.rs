//! `kref explain`: an offline `kubectl explain` that also shows the notes about the field.

use std::collections::HashSet;
use std::io::Write;

use anyhow::{Result, anyhow};
use kref_corpus::Origin;
use kref_corpus::schema::{Schema, TypeRef};

use super::NotesArgs;
use super::output::{BOLD, DIM, Outcome, PATH, TITLE, print_json, warn};
use crate::analysis::knowledge::Knowledge;
use crate::analysis::views::{ExplainTarget, ExplainView, FieldRow, explain_view, resolve_target};
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

pub fn run(args: &ExplainArgs) -> Result<Outcome> {
    let settings = args.notes.settings()?;
    // The schema first: the kind it resolves to says which notes are worth parsing.
    let (schema, mut warnings) = crate::kb::schemas::load_schema(&cache_dir(), &settings.schemas);
    let target = ExplainTarget { resource: args.resource.clone(), api_version: args.api_version.clone() };
    let resolved = resolve_target(&schema, &target)
        .map_err(|e| anyhow!("{e}; list fields with `kref explain KIND --recursive`"))?;
    let kinds = [resolved.kind.kind.as_str(), "Pod"];
    let (all_notes, note_warnings) = load_notes_naming(&settings.notes, Some(&kinds));
    warnings.extend(note_warnings);
    let version = crate::kb::kube_version(&settings, &mut warnings);
    for w in warnings {
        warn(&w);
    }
    let kb = Knowledge::new(schema.clone(), &all_notes, None, version);
    let view = explain_view(&kb, &resolved);
    if args.json {
        print_json(&view)?;
        return Ok(Outcome::Found);
    }
    let mut out = anstream::stdout().lock();
    print_human(&mut out, &view)?;
    if !view.fields.is_empty() {
        writeln!(out, "\n{BOLD}FIELDS:{BOLD:#}")?;
        match resolved.object() {
            Some(t) if args.recursive => tree(&mut out, &schema, t, 1, &mut HashSet::new())?,
            _ => print_fields(&mut out, &view.fields)?,
        }
    }
    out.flush()?;
    Ok(Outcome::Found)
}

/// Everything above the field list.
fn print_human(out: &mut impl Write, view: &ExplainView) -> std::io::Result<()> {
    writeln!(out, "{BOLD}KIND:{BOLD:#}       {}", view.kind)?;
    writeln!(out, "{BOLD}VERSION:{BOLD:#}    {}", view.api_version)?;
    writeln!(out, "{BOLD}SOURCE:{BOLD:#}     {}", view.source_text)?;
    if let Some(l) = &view.lifecycle
        && let Some(deprecated) = &l.deprecated
    {
        writeln!(
            out,
            "{BOLD}LIFECYCLE:{BOLD:#}  deprecated in {deprecated}{}",
            l.removed.as_ref().map(|r| format!(", removed in {r}")).unwrap_or_default()
        )?;
    }
    writeln!(out)?;
    if let Some(field) = &view.field {
        writeln!(out, "{BOLD}FIELD:{BOLD:#}      {field} <{}>", view.type_name)?;
        writeln!(out, "{BOLD}PATH:{BOLD:#}       {}", view.path)?;
        writeln!(out, "{BOLD}REQUIRED:{BOLD:#}   {}", if view.required { "yes" } else { "no" })?;
        if let Some(default) = &view.default {
            writeln!(out, "{BOLD}DEFAULT:{BOLD:#}    {default}")?;
        }
        if let Some(dep) = &view.deprecated {
            writeln!(out, "{BOLD}DEPRECATED:{BOLD:#} {dep}")?;
        }
        writeln!(out)?;
    }
    if !view.values.is_empty() {
        writeln!(out, "{BOLD}ENUM:{BOLD:#}")?;
        for v in &view.values {
            writeln!(
                out,
                "    {TITLE}{}{TITLE:#}{}",
                v.value,
                if v.note.is_empty() { String::new() } else { format!(": {}", v.note) }
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{BOLD}DESCRIPTION:{BOLD:#}")?;
    let description = if view.description.is_empty() { "(no description)" } else { &view.description };
    for line in wrap(description, 96) {
        writeln!(out, "    {line}")?;
    }
    if !view.notes.is_empty() {
        writeln!(out, "\n{BOLD}NOTES:{BOLD:#}")?;
        for note in &view.notes {
            let who = if note.source == Origin::User.as_str() { "your notes" } else { "kref" };
            writeln!(
                out,
                "  {DIM}{who}{DIM:#} {PATH}{}:{}{PATH:#} {DIM}{}{DIM:#}",
                note.path, note.line, note.subject
            )?;
            for line in note.text.lines().flat_map(|l| wrap(l, 94)) {
                writeln!(out, "    {line}")?;
            }
        }
    }
    Ok(())
}

/// The fields one level down, with their types, allowed values and first sentences.
fn print_fields(out: &mut impl Write, fields: &[FieldRow]) -> std::io::Result<()> {
    for c in fields {
        let req = if c.required { " -required-" } else { "" };
        writeln!(out, "  {TITLE}{}{TITLE:#}\t<{}>{req}", c.name, c.type_name)?;
        if !c.values.is_empty() {
            writeln!(out, "    {DIM}enum: {}{DIM:#}", c.values.join(", "))?;
        }
        if !c.description.is_empty() {
            writeln!(out, "    {}", c.description)?;
        }
        writeln!(out)?;
    }
    Ok(())
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

/// `text` in lines of at most `width` columns (as a terminal shows them: accented and wide
/// characters count by display width), its own line breaks kept.
fn wrap(text: &str, width: usize) -> Vec<String> {
    text.split('\n')
        .flat_map(|para| {
            let lines = textwrap::wrap(para.trim(), width);
            if lines.is_empty() {
                vec![String::new()]
            } else {
                lines.into_iter().map(|l| l.into_owned()).collect()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_by_display_width_and_keeps_line_breaks() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("a\n\nb", 10), ["a", "", "b"]);
        // Seven columns, eleven bytes: one line, not two.
        assert_eq!(wrap("é é é é", 7), ["é é é é"]);
        // Wide characters take two columns each.
        assert_eq!(wrap("日本語 日本語", 8), ["日本語", "日本語"]);
    }
}
