//! Find references across the workspace: from an object's name or any reference to it, every
//! place that names it; from a pod template's label, the selectors that select those pods (and
//! read that label); from a selector, the labels of the pod templates it selects.
//!
//! Pure: the caller passes the files a file sees (its deployment units) as [`FileNav`]s.

use crate::model::{Selector, ns_compatible};

use super::index::{FileNav, Role, Span};

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An object's name, where it is declared or referred to.
    Name { kind: String, name: String, namespace: Option<String>, role: Role, span: Span },
    /// A label of a pod template (with all the labels of that template).
    Label { key: String, namespace: Option<String>, labels: Vec<(String, String)>, span: Span },
    /// A pod selector.
    Selector { selector: Selector, keys: Vec<String>, namespace: Option<String>, span: Span },
}

impl Subject {
    /// Where the subject is written in its file.
    pub fn span(&self) -> Span {
        match self {
            Subject::Name { span, .. } | Subject::Label { span, .. } | Subject::Selector { span, .. } => {
                *span
            }
        }
    }
}

/// The subject at `offset` of a file.
pub fn subject_at(nav: &FileNav, offset: usize) -> Option<Subject> {
    if let Some(s) = nav.names.iter().find(|s| s.span.touches(offset)) {
        return Some(Subject::Name {
            kind: s.kind.clone(),
            name: s.name.clone(),
            namespace: s.namespace.clone(),
            role: s.role,
            span: s.span,
        });
    }
    for t in &nav.templates {
        if let Some(l) = t.labels.iter().find(|l| l.span.touches(offset)) {
            return Some(Subject::Label {
                key: l.key.clone(),
                namespace: t.namespace.clone(),
                labels: t.pairs(),
                span: l.span,
            });
        }
    }
    let s = nav.selectors.iter().find(|s| s.whole.start <= offset && offset <= s.whole.end)?;
    Some(Subject::Selector {
        selector: s.selector.clone(),
        keys: s.entries.iter().map(|e| e.key.clone()).collect(),
        namespace: s.namespace.clone(),
        span: s.span,
    })
}

/// Is an object of `kind` named `name` declared in `files` (in a namespace `namespace` may be)?
pub fn declared(files: &Files<'_>, kind: &str, name: &str, namespace: Option<&str>) -> bool {
    files.iter().any(|(_, nav)| {
        nav.names.iter().any(|s| {
            s.role == Role::Declaration
                && s.kind == kind
                && s.name == name
                && ns_compatible(s.namespace.as_deref(), namespace)
        })
    })
}

/// One place found: the file's key and the span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    pub file: &'a str,
    pub span: Span,
    /// A declaration (an object's name, a template's label) rather than a use.
    pub declaration: bool,
}

/// The files a query reads: the one asked about first, then the others it sees.
pub type Files<'a> = [(&'a str, &'a FileNav)];

/// Every place that names the subject, in file order (the asking file first); declarations
/// only when `with_declarations`.
pub fn references<'a>(subject: &Subject, files: &Files<'a>, with_declarations: bool) -> Vec<Hit<'a>> {
    let mut out = Vec::new();
    match subject {
        Subject::Name { kind, name, namespace, .. } => {
            // A host names a Service only where one of that name is declared.
            let declared = declared(files, kind, name, namespace.as_deref());
            for (file, nav) in files {
                for s in &nav.names {
                    if s.kind == *kind
                        && (!s.host || declared)
                        && s.name == *name
                        && !s.templated
                        && ns_compatible(s.namespace.as_deref(), namespace.as_deref())
                        && (with_declarations || s.role == Role::Reference)
                    {
                        out.push(Hit { file, span: s.span, declaration: s.role == Role::Declaration });
                    }
                }
            }
        }
        Subject::Label { key, namespace, labels, span } => {
            if with_declarations && let Some((file, _)) = files.first() {
                out.push(Hit { file, span: *span, declaration: true });
            }
            for (file, nav) in files {
                for s in &nav.selectors {
                    if s.reads(key)
                        && ns_compatible(s.namespace.as_deref(), namespace.as_deref())
                        && s.selector.matches(labels)
                    {
                        let entries = s.entries.iter().filter(|e| e.key == *key);
                        out.extend(entries.map(|e| Hit { file, span: e.span, declaration: false }));
                    }
                }
            }
        }
        Subject::Selector { selector, keys, namespace, span } => {
            if with_declarations && let Some((file, _)) = files.first() {
                out.push(Hit { file, span: *span, declaration: true });
            }
            for (file, nav) in files {
                for t in &nav.templates {
                    if ns_compatible(t.namespace.as_deref(), namespace.as_deref())
                        && selector.matches(&t.pairs())
                    {
                        let read = t.labels.iter().filter(|l| keys.contains(&l.key));
                        out.extend(read.map(|l| Hit { file, span: l.span, declaration: false }));
                    }
                }
            }
        }
    }
    // Hits come grouped by file, in the order given: each file's in text order.
    for chunk in out.chunk_by_mut(|a, b| a.file == b.file) {
        chunk.sort_by_key(|h| h.span.range.start);
    }
    out.dedup();
    out
}

/// Do two files see each other, given the deployment units each belongs to? Files of no unit
/// see each other; a file of a unit sees the files that share one of its units.
pub fn visible(mine: &[u32], theirs: &[u32]) -> bool {
    if mine.is_empty() || theirs.is_empty() {
        return mine.is_empty() && theirs.is_empty();
    }
    theirs.iter().any(|u| mine.contains(u))
}

#[cfg(test)]
mod tests {
    use super::super::index::index_file;
    use super::*;

    const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      containers:
        - name: web
          image: nginx:1.27
          envFrom:
            - configMapRef:
                name: settings
          env:
            - name: MODE
              valueFrom:
                configMapKeyRef: {name: \"settings\", key: mode}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
";

    const CONFIG: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data: {mode: fast}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: other
data: {mode: slow}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  minAvailable: 1
  selector:
    matchExpressions:
      - {key: tier, operator: In, values: [front]}
";

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap() + 1
    }

    /// (file, line, start column, end column) of each hit.
    fn places(hits: &[Hit<'_>]) -> Vec<(String, u32, u32, u32)> {
        hits.iter()
            .map(|h| (h.file.to_string(), h.span.start.line, h.span.start.utf16, h.span.end.utf16))
            .collect()
    }

    #[test]
    fn names_are_found_in_every_file_and_namespace_that_may_mean_them() {
        let (app, config) = (index_file(&kref_yaml::parse(APP)), index_file(&kref_yaml::parse(CONFIG)));
        let files = [("app.yaml", &app), ("config.yaml", &config)];
        let subject = subject_at(&app, at(APP, "settings\n")).unwrap();
        let hits = references(&subject, &files, true);
        assert_eq!(
            places(&hits),
            [
                ("app.yaml".into(), 19, 22, 30),
                ("app.yaml".into(), 23, 41, 49),
                ("config.yaml".into(), 3, 8, 16),
            ],
            "the quoted name without its quotes; not the ConfigMap of namespace other"
        );
        assert_eq!(hits.iter().map(|h| h.declaration).collect::<Vec<_>>(), [false, false, true]);
        // From the declaration, the same uses.
        let subject = subject_at(&config, at(CONFIG, "settings")).unwrap();
        assert_eq!(references(&subject, &files, false).len(), 2);
        // The other namespace's ConfigMap has no user.
        let other = CONFIG.match_indices("settings").nth(1).unwrap().0 + 1;
        let subject = subject_at(&config, other).unwrap();
        assert_eq!(references(&subject, &files, false), []);
    }

    #[test]
    fn labels_lead_to_selectors_and_selectors_to_labels() {
        let (app, config) = (index_file(&kref_yaml::parse(APP)), index_file(&kref_yaml::parse(CONFIG)));
        let files = [("app.yaml", &app), ("config.yaml", &config)];
        // `app: web` in the template: the Deployment's own selector and the Service's.
        let subject = subject_at(&app, at(APP, "app: web\n        tier")).unwrap();
        assert!(matches!(subject, Subject::Label { .. }), "{subject:?}");
        let hits = references(&subject, &files, false);
        assert_eq!(places(&hits), [("app.yaml".into(), 7, 18, 26), ("app.yaml".into(), 32, 4, 12)]);
        // `tier: front`: the PodDisruptionBudget's expression.
        let subject = subject_at(&app, at(APP, "tier: front")).unwrap();
        assert_eq!(places(&references(&subject, &files, false)), [("config.yaml".into(), 23, 8, 50)]);
        // From the Service's selector: the template's `app` label.
        let subject = subject_at(&app, at(APP, "selector:\n    app")).unwrap();
        assert!(matches!(subject, Subject::Selector { .. }), "{subject:?}");
        assert_eq!(places(&references(&subject, &files, false)), [("app.yaml".into(), 11, 8, 16)]);
    }

    #[test]
    fn units_bound_what_files_see() {
        assert!(visible(&[], &[]));
        assert!(!visible(&[1], &[]));
        assert!(visible(&[1, 2], &[2]));
        assert!(!visible(&[1], &[2]));
    }
}
