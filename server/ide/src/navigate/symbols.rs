//! Workspace symbols: every object of the workspace as `Kind name (namespace)`, fuzzy-matched
//! against what the user typed (the letters in order, not necessarily together; matches at word
//! starts and runs of letters rank first).

use super::index::{FileNav, ObjectSite};

/// One object found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub file: &'a str,
    pub object: &'a ObjectSite,
    pub score: i32,
}

/// The objects whose label matches `query`, best first, at most `limit`. An empty query lists
/// objects in file order.
pub fn workspace_symbols<'a>(
    files: impl Iterator<Item = (&'a str, &'a FileNav)>,
    query: &str,
    limit: usize,
) -> Vec<Found<'a>> {
    let query: Vec<char> =
        query.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect();
    let mut out = Vec::new();
    for (file, nav) in files {
        for object in &nav.objects {
            if query.is_empty() {
                if out.len() == limit {
                    return out;
                }
                out.push(Found { file, object, score: 0 });
            } else if let Some(score) = fuzzy_score(&query, &object.label) {
                out.push(Found { file, object, score });
            }
        }
    }
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.object.label.len().cmp(&b.object.label.len()))
            .then(a.object.label.cmp(&b.object.label))
    });
    out.truncate(limit);
    out
}

/// How well `query` (lower case, no spaces) matches `label`: `None` when its characters do not
/// all appear in order. Each character matched scores; at the start of a word more, right after
/// the previous match more again; every character skipped costs a little.
pub fn fuzzy_score(query: &[char], label: &str) -> Option<i32> {
    let mut score = 0;
    let mut q = 0;
    let mut previous: Option<char> = None;
    let mut run = false;
    let mut skipped = 0;
    for c in label.chars() {
        if q == query.len() {
            break;
        }
        let word_start = previous.is_none_or(|p| !p.is_ascii_alphanumeric())
            || (c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase()));
        if c.to_ascii_lowercase() == query[q] {
            score += 1 + if word_start { 8 } else { 0 } + if run { 4 } else { 0 };
            q += 1;
            run = true;
        } else {
            run = false;
            skipped += 1;
        }
        previous = Some(c);
    }
    (q == query.len()).then(|| score * 16 - skipped)
}

#[cfg(test)]
mod tests {
    use super::super::index::index_file;
    use super::*;

    #[test]
    fn objects_are_found_by_kind_name_and_namespace_best_first() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n---\n\
                    apiVersion: v1\nkind: Service\nmetadata: {name: api}\n---\n\
                    apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent-proxy}\n";
        let nav = index_file(&kref_yaml::parse(text));
        let labels = |query: &str| -> Vec<String> {
            workspace_symbols(std::iter::once(("a.yaml", &nav)), query, 10)
                .iter()
                .map(|f| f.object.label.clone())
                .collect()
        };
        assert_eq!(labels("dep api"), ["Deployment api (shop)"]);
        assert_eq!(labels("api"), ["Service api", "Deployment api (shop)"]);
        assert_eq!(labels("prox"), ["DaemonSet agent-proxy"]);
        assert_eq!(labels("shop"), ["Deployment api (shop)"]);
        assert_eq!(labels("dsap"), ["DaemonSet agent-proxy"]);
        assert_eq!(labels("").len(), 3);
        assert_eq!(labels("zzz"), Vec::<String>::new());
        assert_eq!(labels("svc"), ["Service api"], "letters in order, apart");
        assert_eq!(labels("ipa"), Vec::<String>::new(), "letters out of order do not match");
        let found = workspace_symbols(std::iter::once(("a.yaml", &nav)), "Service", 10);
        assert_eq!((found[0].object.span.start.line, found[0].object.span.start.utf16), (6, 17));
    }
}
