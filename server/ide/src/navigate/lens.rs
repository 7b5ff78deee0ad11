//! Code lenses over selectors and pod templates: what a Service, PodDisruptionBudget,
//! NetworkPolicy or workload selector selects, and which selectors select a workload's pods
//! (its own selector left out).

use crate::model::ns_compatible;

use super::index::Span;
use super::references::Files;

/// Owners named in a lens at most; the rest are counted.
const SHOWN: usize = 3;

/// A line of text shown over a place of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    pub span: Span,
    pub title: String,
}

fn list(owners: &[&str]) -> String {
    let mut names: Vec<&str> = owners.iter().take(SHOWN).copied().collect();
    let more = owners.len().saturating_sub(SHOWN);
    let more = (more > 0).then(|| format!("{more} more"));
    if let Some(m) = &more {
        names.push(m);
    }
    names.join(", ")
}

/// The lenses of `files[0]`, reading the other files it sees.
pub fn lenses(files: &Files<'_>) -> Vec<Lens> {
    let Some((_, here)) = files.first() else { return Vec::new() };
    let mut out = Vec::new();
    for s in &here.selectors {
        let mut owners: Vec<&str> = Vec::new();
        for (_, nav) in files {
            for t in &nav.templates {
                if ns_compatible(t.namespace.as_deref(), s.namespace.as_deref())
                    && s.selector.matches(&t.pairs())
                    && !owners.contains(&t.owner.as_str())
                {
                    owners.push(&t.owner);
                }
            }
        }
        let title = if owners.is_empty() {
            "selects no pods of the workspace".to_string()
        } else {
            format!("selects the pods of {}", list(&owners))
        };
        out.push(Lens { span: s.span, title });
    }
    for t in &here.templates {
        let labels = t.pairs();
        let mut owners: Vec<&str> = Vec::new();
        for (_, nav) in files {
            for s in &nav.selectors {
                if s.owner != t.owner
                    && ns_compatible(t.namespace.as_deref(), s.namespace.as_deref())
                    && s.selector.matches(&labels)
                    && !owners.contains(&s.owner.as_str())
                {
                    owners.push(&s.owner);
                }
            }
        }
        if !owners.is_empty() {
            out.push(Lens { span: t.at, title: format!("pods selected by {}", list(&owners)) });
        }
    }
    out.sort_by_key(|l| l.span.range.start);
    out
}

#[cfg(test)]
mod tests {
    use super::super::index::index_file;
    use super::*;

    #[test]
    fn selectors_and_workloads_say_what_selects_what() {
        let text = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
";
        let nav = index_file(&kref_yaml::parse(text));
        let found: Vec<(u32, String)> =
            lenses(&[("a.yaml", &nav)]).into_iter().map(|l| (l.span.start.line, l.title)).collect();
        assert_eq!(
            found,
            [
                (2, "pods selected by Service web".to_string()),
                (4, "selects the pods of Deployment web".to_string()),
                (12, "selects the pods of Deployment web".to_string()),
                (18, "selects no pods of the workspace".to_string()),
            ]
        );
        assert_eq!(list(&["a", "b", "c", "d", "e"]), "a, b, c, 2 more");
    }
}
