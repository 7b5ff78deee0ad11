//! Schema search results as readable sections: what `kref show` and `kref/show` return for the
//! ids of schema documents (`schema:kind:apps/v1/Deployment`, `schema:field:Deployment.spec.replicas`).

use kref_corpus::schema::{BUILTIN_KUBERNETES_VERSION, Kind, KindSource, Schema};

/// A kind or field of the schema, rendered as a Markdown section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaSection {
    pub title: String,
    pub kind: String,
    /// Where it comes from: `built-in schema (Kubernetes 1.37)` or `imported from NAME`.
    pub source: String,
    /// From the built-in schema (not an import).
    pub builtin: bool,
    pub markdown: String,
}

/// Renders the schema document with this search id, if it names a kind or field that exists.
pub fn schema_section(schema: &Schema, id: &str) -> Option<SchemaSection> {
    let (kind, path) = if let Some(rest) = id.strip_prefix("schema:kind:") {
        let (api_version, kind) = rest.rsplit_once('/')?;
        (schema.kind_for(api_version, kind)?, String::new())
    } else {
        let dotted = id.strip_prefix("schema:field:")?;
        let (kind, path) = dotted.split_once('.')?;
        (schema.kind(kind)?, path.to_string())
    };
    let resolved = schema.resolve_in(kind, &path).ok()?;
    let source = source_text(kind);
    let mut md = String::new();
    let title = if path.is_empty() { kind.kind.clone() } else { format!("{}.{}", kind.kind, resolved.path) };
    md.push_str(&format!("# {title}\n\n"));
    md.push_str(&format!("`apiVersion: {}` · {source}\n\n", kind.api_version()));
    match resolved.field() {
        Some(field) => {
            md.push_str(&format!("**Type:** `{}`", schema.display_type(&field.ty)));
            if field.required {
                md.push_str(" · **required**");
            }
            if let Some(default) = &field.default {
                md.push_str(&format!(" · **default:** `{default}`"));
            }
            md.push_str("\n\n");
            let values = field.values_for_kind(Some(&kind.kind));
            if !values.is_empty() {
                md.push_str("**Allowed values:**\n\n");
                for v in values {
                    md.push_str(&format!(
                        "- `{}`{}\n",
                        v.value,
                        if v.note.is_empty() { String::new() } else { format!(": {}", v.note) }
                    ));
                }
                md.push('\n');
            }
            md.push_str(&field.description);
            md.push('\n');
        }
        None => {
            md.push_str(&kind.description);
            md.push('\n');
        }
    }
    if let Some(t) = resolved.object() {
        let children = schema.children(t);
        if !children.is_empty() {
            md.push_str("\n## Fields\n\n");
            for c in children {
                md.push_str(&format!(
                    "- `{}` `{}`{}\n",
                    c.name,
                    schema.display_type(&c.ty),
                    if c.required { " (required)" } else { "" }
                ));
            }
        }
    }
    Some(SchemaSection {
        title,
        kind: kind.kind.clone(),
        source,
        builtin: kind.source == KindSource::Builtin,
        markdown: md,
    })
}

/// Where a kind's definition comes from, as `kref explain` and `kref show` say it.
pub fn source_text(kind: &Kind) -> String {
    match &kind.source {
        KindSource::Builtin => format!("built-in schema (Kubernetes {BUILTIN_KUBERNETES_VERSION})"),
        other => format!("imported from {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_kinds_and_fields() {
        let schema = Schema::builtin();
        let kind = schema_section(schema, "schema:kind:apps/v1/Deployment").unwrap();
        assert!(kind.markdown.starts_with("# Deployment\n"), "{}", kind.markdown);
        assert!(kind.markdown.contains("- `spec` `DeploymentSpec`"), "{}", kind.markdown);
        let field = schema_section(schema, "schema:field:CronJob.spec.concurrencyPolicy").unwrap();
        assert!(field.markdown.contains("- `Forbid`"), "{}", field.markdown);
        assert!(schema_section(schema, "schema:field:CronJob.spec.nope").is_none());
        assert!(schema_section(schema, "schema:kind:apps/v1").is_none());
    }
}
