//! Suppression: `# kref-ignore: id` comments (for their own line when they follow content, else
//! for the next line), `# kref-ignore-document: id` for the whole document, and the ignore
//! annotations of kube-linter, kube-score and Polaris mapped to our rules.

use kref_yaml::{File, Node};

use super::registry::{RULES, Rule};
use crate::model::{at, pairs, text_of};

/// A rule silenced on one line or in one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ignore {
    pub rules: Vec<String>,
    pub scope: Scope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Zero-based line.
    Line(usize),
    /// Index of the document.
    Document(usize),
}

const LINE_MARK: &str = "kref-ignore:";
const DOC_MARK: &str = "kref-ignore-document:";

/// Every suppression comment of the file.
pub(crate) fn comments(file: &File) -> Vec<Ignore> {
    let text = file.text();
    let index = file.line_index();
    let mut out = Vec::new();
    for range in &file.comments {
        let Some(comment) = text.get(range.start..range.end) else { continue };
        let body = comment.trim_start_matches('#').trim();
        let (scope_doc, ids) = if let Some(rest) = body.strip_prefix(DOC_MARK) {
            (true, rest)
        } else if let Some(rest) = body.strip_prefix(LINE_MARK) {
            (false, rest)
        } else {
            continue;
        };
        // `# kref-ignore: a, b -- reason`: ids end at `--`.
        let ids = ids.split("--").next().unwrap_or("");
        let rules: Vec<String> =
            ids.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        if rules.is_empty() {
            continue;
        }
        let line = index.line_of(range.start);
        let scope = if scope_doc {
            Scope::Document(file.document_at(range.start))
        } else {
            let line_text = index.line_range(line).and_then(|r| text.get(r.start..range.start)).unwrap_or("");
            if line_text.trim().is_empty() {
                Scope::Line(next_content_line(file, line))
            } else {
                Scope::Line(line)
            }
        };
        out.push(Ignore { rules, scope });
    }
    out
}

/// The first line after `line` that is neither blank nor only a comment.
fn next_content_line(file: &File, line: usize) -> usize {
    let index = file.line_index();
    let text = file.text();
    let mut l = line + 1;
    while let Some(r) = index.line_range(l) {
        let t = text.get(r.start..r.end).unwrap_or("").trim();
        if !t.is_empty() && !t.starts_with('#') {
            return l;
        }
        l += 1;
    }
    l
}

/// Is a diagnostic of `rule` on `line` in document `doc` silenced by a comment?
pub(crate) fn ignored(ignores: &[Ignore], rule: &str, line: usize, doc: usize) -> bool {
    ignores.iter().any(|i| {
        let scope = match i.scope {
            Scope::Line(l) => l == line,
            Scope::Document(d) => d == doc,
        };
        scope && i.rules.iter().any(|r| r == rule)
    })
}

/// Rules silenced in a document by the other linters' annotations, by index in [`RULES`].
/// Rules whose findings the API server would reject are never silenced this way: those
/// annotations mean "we accept this risk", not "this object is invalid on purpose".
pub(crate) fn annotated(root: &Node) -> Vec<bool> {
    let mut out = vec![false; RULES.len()];
    let Some(annotations) = at(root, &["metadata", "annotations"]) else {
        return out;
    };
    let mut linter: Vec<&str> = Vec::new();
    let mut linter_all = false;
    let mut score: Vec<&str> = Vec::new();
    let mut polaris: Vec<&str> = Vec::new();
    let mut polaris_all = false;
    for p in pairs(annotations) {
        let key = p.key.text.as_str();
        let value = text_of(&p.value).unwrap_or("");
        if let Some(check) = key.strip_prefix("ignore-check.kube-linter.io/") {
            linter.push(check);
        } else if key == "kube-linter.io/ignore-all" {
            linter_all = true;
        } else if key == "kube-score/ignore" {
            score.extend(value.split(',').map(str::trim));
        } else if key == "polaris.fairwinds.com/exempt" && truthy(value) {
            polaris_all = true;
        } else if let Some(check) =
            key.strip_prefix("polaris.fairwinds.com/").and_then(|k| k.strip_suffix("-exempt"))
            && truthy(value)
        {
            polaris.push(check);
        }
    }
    for (i, rule) in RULES.iter().enumerate() {
        if rule.severity == super::Severity::Error {
            continue;
        }
        out[i] = maps(rule, &linter, linter_all, &score, &polaris, polaris_all);
    }
    out
}

fn truthy(value: &str) -> bool {
    matches!(value.trim(), "true" | "True" | "TRUE" | "yes" | "\"true\"")
}

fn maps(
    rule: &Rule,
    linter: &[&str],
    linter_all: bool,
    score: &[&str],
    polaris: &[&str],
    polaris_all: bool,
) -> bool {
    (!rule.kube_linter.is_empty() && (linter_all || rule.kube_linter.iter().any(|c| linter.contains(c))))
        || rule.kube_score.iter().any(|c| score.contains(c))
        || (!rule.polaris.is_empty() && (polaris_all || rule.polaris.iter().any(|c| polaris.contains(c))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_scopes() {
        let text = "a: 1 # kref-ignore: x\n# kref-ignore: y, z -- because\n\n# other\nb: 2\n---\n# kref-ignore-document: w\nc: 3\n";
        let file = kref_yaml::parse(text);
        let ignores = comments(&file);
        assert_eq!(ignores.len(), 3, "{ignores:?}");
        assert!(ignored(&ignores, "x", 0, 0));
        assert!(!ignored(&ignores, "x", 4, 0));
        assert!(ignored(&ignores, "y", 4, 0));
        assert!(ignored(&ignores, "z", 4, 0));
        assert!(!ignored(&ignores, "because", 4, 0));
        assert!(ignored(&ignores, "w", 7, 1));
        assert!(!ignored(&ignores, "w", 0, 0));
    }

    #[test]
    fn annotations_map_to_rules() {
        let text = "metadata:\n  annotations:\n    ignore-check.kube-linter.io/latest-tag: ok\n    kube-score/ignore: container-resources, pod-probes\n    polaris.fairwinds.com/hostNetworkSet-exempt: \"true\"\n    ignore-check.kube-linter.io/mismatching-selector: x\n";
        let file = kref_yaml::parse(text);
        let set = annotated(file.documents[0].root.as_ref().unwrap());
        let on = |id: &str| set[super::super::registry::rule_index(id).unwrap()];
        assert!(on("image-tag"));
        assert!(on("missing-resources"));
        assert!(on("missing-probes"));
        assert!(on("host-namespaces"));
        assert!(!on("privileged"));
        // An error the API server would raise is not silenced by another linter's annotation.
        assert!(!on("selector-mismatch"));
    }
}
