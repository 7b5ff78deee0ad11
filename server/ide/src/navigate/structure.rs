//! The structure of one file: folding ranges (documents, multi-line mappings and lists, block
//! scalars, runs of comment lines), selection ranges (value → key and value → mapping → ... →
//! object) and document links (the paths a kustomization or a chart names, URLs in comments and
//! annotations).
//!
//! Pure: links are returned as written (a path relative to the file, or a URL); the caller
//! resolves paths and keeps those that exist.

use kref_yaml::{File, Node, NodeValue, ScalarStyle, TextRange};

use crate::model::project::kustomize::is_remote;

/// What a folding range folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    Region,
    Comment,
}

/// Lines `start..=end` (zero-based) fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub start: u32,
    pub end: u32,
    pub kind: FoldKind,
}

/// Every fold of the file, sorted by start line (at most `limit`).
pub fn folding_ranges(file: &File, limit: usize) -> Vec<Fold> {
    let index = file.line_index();
    let text = file.text();
    let mut out = Vec::new();
    // The last line with content before `end` (trailing newlines and blanks do not fold).
    let last_line = |start: usize, end: usize| -> u32 {
        let trimmed = text[start..end.min(text.len())].trim_end();
        index.line_of(start + trimmed.len().saturating_sub(1)) as u32
    };
    let push = |start: usize, end: usize, kind: FoldKind, out: &mut Vec<Fold>| {
        let (s, e) = (index.line_of(start) as u32, last_line(start, end));
        if e > s {
            out.push(Fold { start: s, end: e, kind });
        }
    };
    for doc in &file.documents {
        if let Some(root) = &doc.root {
            push(root.range.start, doc.range.end.max(root.range.end), FoldKind::Region, &mut out);
            node_folds(root, &mut |start, end| push(start, end, FoldKind::Region, &mut out));
        }
    }
    // Runs of whole-line comments.
    let mut run: Option<(usize, usize, u32)> = None;
    for c in &file.comments {
        let line = index.line_of(c.start) as u32;
        let whole_line = text[..c.start].rsplit('\n').next().is_some_and(|before| before.trim().is_empty());
        if !whole_line {
            continue;
        }
        match run {
            Some((s, _, last)) if last + 1 == line => run = Some((s, c.end, line)),
            _ => {
                if let Some((s, e, _)) = run {
                    push(s, e, FoldKind::Comment, &mut out);
                }
                run = Some((c.start, c.end, line));
            }
        }
    }
    if let Some((s, e, _)) = run {
        push(s, e, FoldKind::Comment, &mut out);
    }
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    out.dedup_by_key(|f| (f.start, f.end));
    out.truncate(limit);
    out
}

/// Reports the multi-line pairs, items and block scalars under `node` (from the key or the
/// item's dash to the end of the value).
fn node_folds(node: &Node, fold: &mut impl FnMut(usize, usize)) {
    match &node.value {
        NodeValue::Mapping(pairs) => {
            for p in pairs {
                let folds = match &p.value.value {
                    NodeValue::Mapping(_) | NodeValue::Sequence(_) => true,
                    NodeValue::Scalar(s) => matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded),
                    _ => false,
                };
                if folds {
                    fold(p.key_range.start, p.value.range.end);
                }
                node_folds(&p.value, fold);
            }
        }
        NodeValue::Sequence(items) => {
            for item in items {
                if matches!(item.value, NodeValue::Mapping(_) | NodeValue::Sequence(_)) {
                    fold(item.range.start, item.range.end);
                }
                node_folds(item, fold);
            }
        }
        _ => {}
    }
}

/// The ranges around `offset`, innermost first: the scalar (or key) under the cursor, its
/// `key: value` pair, the mapping or list that holds it, its pair, ... the object, the document.
pub fn selection_ranges(file: &File, offset: usize) -> Vec<TextRange> {
    let doc = &file.documents[file.document_at(offset)];
    let mut outer = vec![trim_end(file.text(), doc.range)];
    if let Some(root) = &doc.root {
        descend(root, offset, &mut outer);
    }
    outer.retain(|r| r.start <= offset && offset <= r.end);
    outer.dedup();
    // Each range must hold the next: drop any that does not hold the inner ones.
    let mut inner: Vec<TextRange> = Vec::new();
    for r in outer.into_iter().rev() {
        if inner.last().is_none_or(|i| r.start <= i.start && i.end <= r.end && r != *i) {
            inner.push(r);
        }
    }
    inner
}

fn trim_end(text: &str, r: TextRange) -> TextRange {
    let end = r.end.min(text.len());
    let start = r.start.min(end);
    let body = &text[start..end];
    let lead = body.len() - body.trim_start_matches(['-', '\n', '\r', ' ']).len();
    let lead = if body.starts_with("---") { lead } else { 0 };
    TextRange::new(start + lead, start + body.trim_end().len())
}

/// Pushes the ranges from `node` down to the innermost node at `offset`, outermost first.
fn descend(node: &Node, offset: usize, out: &mut Vec<TextRange>) {
    out.push(node.range);
    match &node.value {
        NodeValue::Mapping(pairs) => {
            if let Some(p) = pairs.iter().find(|p| p.range().start <= offset && offset <= p.range().end) {
                out.push(p.range());
                if p.key_range.start <= offset && offset <= p.key_range.end {
                    out.push(p.key_range);
                } else {
                    descend(&p.value, offset, out);
                }
            }
        }
        NodeValue::Sequence(items) => {
            if let Some(item) = items.iter().find(|i| i.range.start <= offset && offset <= i.range.end) {
                descend(item, offset, out);
            }
        }
        NodeValue::Scalar(s) if s.raw_range != node.range => out.push(s.raw_range),
        _ => {}
    }
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A path as written, relative to the file's folder (or absolute).
    Path(String),
    Url(String),
}

/// A link: the text to click and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub range: TextRange,
    pub target: LinkTarget,
}

/// The links of a file: paths of a kustomization (`resources`, `components`, patches, `crds`,
/// generators' `files` and `envs`) and of a chart's local dependencies, URLs in comments and
/// in annotation values. `kustomization` says whether the file is one.
pub fn document_links(file: &File, kustomization: bool) -> Vec<Link> {
    let text = file.text();
    let mut out = Vec::new();
    for c in &file.comments {
        urls(text, *c, &mut out);
    }
    for doc in &file.documents {
        let Some(root) = &doc.root else { continue };
        if let Some(annotations) = root.at(&["metadata", "annotations"]).and_then(Node::as_mapping) {
            for p in annotations {
                if let Some(s) = p.value.as_scalar() {
                    urls(text, s.raw_range, &mut out);
                }
            }
        }
        if kustomization {
            kustomize_links(root, &mut out);
        }
        if doc.kind.is_none() && root.get("apiVersion").is_some() && root.get("dependencies").is_some() {
            // Chart.yaml: `repository: file://../common`.
            for dep in root.get("dependencies").and_then(Node::as_sequence).unwrap_or(&[]) {
                if let Some(repo) = dep.get("repository").and_then(Node::as_scalar)
                    && let Some(path) = repo.text.strip_prefix("file://")
                {
                    let r = inner(repo);
                    out.push(Link {
                        range: TextRange::new(r.start + 7, r.end),
                        target: LinkTarget::Path(path.into()),
                    });
                }
            }
        }
    }
    out.sort_by_key(|l| l.range.start);
    out.dedup_by_key(|l| l.range);
    out
}

/// A scalar's text inside its quotes.
fn inner(s: &kref_yaml::Scalar) -> TextRange {
    let r = s.raw_range;
    match s.style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if r.len() >= 2 => {
            TextRange::new(r.start + 1, r.end - 1)
        }
        _ => r,
    }
}

fn kustomize_links(root: &Node, out: &mut Vec<Link>) {
    let path = |node: &Node, generator: bool, out: &mut Vec<Link>| {
        let Some(s) = node.as_scalar() else { return };
        if !matches!(s.style, ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
            return;
        }
        let r = inner(s);
        if r.len() != s.text.len()
            || s.text.trim().is_empty()
            || s.text.contains('\n')
            || s.text.contains(": ")
        {
            return;
        }
        let written = s.text.as_str();
        // A generator's `key=path`.
        let (skip, p) = match written.split_once('=') {
            Some((key, p)) if generator => (key.len() + 1, p),
            _ => (0, written),
        };
        let target = if p.starts_with("https://") || p.starts_with("http://") {
            LinkTarget::Url(p.to_string())
        } else if is_remote(p) {
            return;
        } else {
            LinkTarget::Path(p.to_string())
        };
        out.push(Link { range: TextRange::new(r.start + skip, r.end), target });
    };
    for key in ["resources", "bases", "components", "crds", "patchesStrategicMerge"] {
        for item in root.get(key).and_then(Node::as_sequence).unwrap_or(&[]) {
            path(item, false, out);
        }
    }
    for key in ["patches", "patchesJson6902"] {
        for item in root.get(key).and_then(Node::as_sequence).unwrap_or(&[]) {
            if let Some(p) = item.get("path") {
                path(p, false, out);
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for g in root.get(key).and_then(Node::as_sequence).unwrap_or(&[]) {
            for field in ["files", "envs"] {
                for item in g.get(field).and_then(Node::as_sequence).unwrap_or(&[]) {
                    path(item, true, out);
                }
            }
            if let Some(env) = g.get("env") {
                path(env, true, out);
            }
        }
    }
}

/// The `http(s)://` URLs in `range` of `text` (trailing punctuation left out).
fn urls(text: &str, range: TextRange, out: &mut Vec<Link>) {
    let Some(slice) = text.get(range.start..range.end) else { return };
    let mut from = 0;
    while let Some(i) = slice[from..].find("http").map(|i| from + i) {
        let rest = &slice[i..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            from = i + 4;
            continue;
        };
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(rest.len());
        let url = rest[..len].trim_end_matches(['.', ',', ';', ':', ')', ']', '}', '!', '?']);
        if url.len() > scheme {
            out.push(Link {
                range: TextRange::new(range.start + i, range.start + i + url.len()),
                target: LinkTarget::Url(url.to_string()),
            });
        }
        from = i + len.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Web front end.
# Owned by the shop team: https://example.com/shop.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    docs: \"https://example.com/runbook\"
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
          args:
            - |
              line one
              line two
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
";

    #[test]
    fn folds_documents_mappings_lists_block_scalars_and_comments() {
        let file = kref_yaml::parse(TEXT);
        let folds: Vec<(u32, u32, FoldKind)> =
            folding_ranges(&file, 100).iter().map(|f| (f.start, f.end, f.kind)).collect();
        use FoldKind::{Comment, Region};
        assert_eq!(
            folds,
            [
                (0, 1, Comment),
                (2, 17, Region),
                (4, 7, Region),
                (6, 7, Region),
                (8, 17, Region),
                (9, 17, Region),
                (10, 17, Region),
                (11, 17, Region),
                (12, 17, Region),
                (14, 17, Region),
                (19, 21, Region),
            ]
        );
    }

    #[test]
    fn selection_grows_from_the_value_to_the_object() {
        let file = kref_yaml::parse(TEXT);
        let offset = TEXT.find("nginx").unwrap() + 2;
        let texts: Vec<&str> =
            selection_ranges(&file, offset).iter().map(|r| &TEXT[r.start..r.end]).collect();
        assert_eq!(texts[0], "nginx:1.27");
        assert_eq!(texts[1], "image: nginx:1.27");
        assert!(
            texts[2].starts_with("name: web\n          image") && texts[2].ends_with("line two"),
            "{:?}",
            texts[2]
        );
        assert!(texts[3].starts_with("- name: web"), "{:?}", texts[3]);
        assert!(
            texts.last().unwrap().starts_with("# Web front end.")
                || texts.last().unwrap().starts_with("apiVersion"),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t.starts_with("containers:")));
        assert!(texts.iter().any(|t| t.starts_with("apiVersion: apps/v1") && t.ends_with("line two")));
        // On a key: the key, then its pair.
        let offset = TEXT.find("image").unwrap() + 1;
        let texts: Vec<&str> =
            selection_ranges(&file, offset).iter().map(|r| &TEXT[r.start..r.end]).collect();
        assert_eq!(&texts[..2], ["image", "image: nginx:1.27"]);
    }

    #[test]
    fn links_in_comments_annotations_and_kustomizations() {
        let file = kref_yaml::parse(TEXT);
        let links: Vec<(&str, LinkTarget)> = document_links(&file, false)
            .into_iter()
            .map(|l| (&TEXT[l.range.start..l.range.end], l.target))
            .collect();
        assert_eq!(
            links,
            [
                ("https://example.com/shop", LinkTarget::Url("https://example.com/shop".into())),
                ("https://example.com/runbook", LinkTarget::Url("https://example.com/runbook".into())),
            ]
        );
        let k = "resources:\n  - ../base\n  - 'svc.yaml'\n  - github.com/org/repo//deploy?ref=v1\npatches:\n  - path: patch.yaml\nconfigMapGenerator:\n  - name: app\n    files: [app.properties, key=conf/other.ini]\n    envs: [.env]\n";
        let file = kref_yaml::parse(k);
        let links: Vec<(&str, LinkTarget)> = document_links(&file, true)
            .into_iter()
            .map(|l| (&k[l.range.start..l.range.end], l.target))
            .collect();
        let path = |p: &str| LinkTarget::Path(p.into());
        assert_eq!(
            links,
            [
                ("../base", path("../base")),
                ("svc.yaml", path("svc.yaml")),
                ("patch.yaml", path("patch.yaml")),
                ("app.properties", path("app.properties")),
                ("conf/other.ini", path("conf/other.ini")),
                (".env", path(".env")),
            ]
        );
    }
}
