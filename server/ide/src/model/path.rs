//! Paths of fields: a YAML path (keys and list indexes) as a schema path
//! (`spec.containers[].ports`, map keys holding a `.` in brackets), the keys note entries are
//! matched against, and the keys of a canonical schema path (`metadata.labels[app.kubernetes.io/name]`
//! is `metadata`, `labels`: the bracketed map key is a value, not a field). One reading for
//! hover, completion, explain and the views.

use kref_yaml::Segment;

/// The schema path of a YAML path: keys joined by `.`, list indexes as `[]`; keys that hold a `.`
/// (map keys such as `app.kubernetes.io/name`) in brackets. `None` when a key cannot be written
/// in a path at all.
pub fn schema_path(path: &[Segment]) -> Option<String> {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(k) if k.contains([']', '[']) => return None,
            Segment::Key(k) if k.contains('.') || k.is_empty() => {
                out.push('[');
                out.push_str(k);
                out.push(']');
            }
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(_) => out.push_str("[]"),
        }
    }
    Some(out)
}

/// The keys of a YAML path, list indexes left out: what note entries are matched against.
pub fn path_keys(path: &[Segment]) -> Vec<&str> {
    path.iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
        .collect()
}

/// The keys of a canonical schema path (`spec.containers[].ports[]` → spec, containers, ports).
pub fn canonical_keys(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            match inner.find(']') {
                Some(close) => rest = &inner[close + 1..],
                None => break,
            }
            continue;
        }
        let rest_trimmed = rest.trim_start_matches('.');
        let end = rest_trimmed.find(['.', '[']).unwrap_or(rest_trimmed.len());
        if end > 0 {
            out.push(&rest_trimmed[..end]);
        }
        rest = &rest_trimmed[end..];
        if end == 0 && rest.len() == rest_trimmed.len() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_paths() {
        let path = [
            Segment::Key("spec".into()),
            Segment::Key("containers".into()),
            Segment::Index(0),
            Segment::Key("ports".into()),
        ];
        assert_eq!(schema_path(&path).as_deref(), Some("spec.containers[].ports"));
        let labels = [
            Segment::Key("metadata".into()),
            Segment::Key("labels".into()),
            Segment::Key("app.kubernetes.io/name".into()),
        ];
        assert_eq!(schema_path(&labels).as_deref(), Some("metadata.labels[app.kubernetes.io/name]"));
        assert_eq!(schema_path(&[Segment::Key("a]".into())]), None);
    }

    #[test]
    fn keys_of_canonical_paths() {
        assert_eq!(canonical_keys("spec.containers[].ports[]"), ["spec", "containers", "ports"]);
        assert_eq!(canonical_keys("metadata.labels[app.kubernetes.io/name]"), ["metadata", "labels"]);
        assert_eq!(canonical_keys(""), Vec::<&str>::new());
        assert_eq!(canonical_keys("[x].y"), ["y"]);
    }
}
