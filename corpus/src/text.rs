//! Small text helpers shared by the parser and the index: identifier splitting and slugs.

/// Is `s` shaped like a Kubernetes kind name (`Deployment`, `HTTPRoute`, `CSIDriver`)?
pub fn is_kind_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s.chars().any(|c| c.is_ascii_lowercase())
}

/// Is `s` shaped like a field name or a dotted field path (`strategy`, `rollingUpdate.maxSurge`)?
pub fn is_field_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let part = part.strip_suffix("[]").unwrap_or(part);
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
                && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// Is `s` shaped like an allowed value (`RollingUpdate`, `kubernetes.io/tls`, `ReadWriteOnce`)?
pub fn is_value_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && !s.chars().any(char::is_whitespace)
        && (s.chars().next().is_some_and(|c| c.is_ascii_uppercase()) || s.contains('/'))
}

/// Splits an identifier into its lower-case words: `maxSurge` → `["max", "surge"]`,
/// `HTTPRoute` → `["http", "route"]`, `ReadWriteOnce` → `["read", "write", "once"]`.
/// Returns an empty vector when the identifier has a single word.
pub fn split_identifier(ident: &str) -> Vec<String> {
    let chars: Vec<char> = ident.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if c.is_uppercase() => {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            }
            Some(p) if c.is_ascii_digit() => p.is_alphabetic(),
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    if words.len() < 2 { Vec::new() } else { words }
}

/// A URL-safe slug: lower-case words joined by `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_camel_case() {
        assert_eq!(split_identifier("maxSurge"), ["max", "surge"]);
        assert_eq!(split_identifier("accessModes"), ["access", "modes"]);
        assert_eq!(split_identifier("HTTPRoute"), ["http", "route"]);
        assert_eq!(split_identifier("ReadWriteOnce"), ["read", "write", "once"]);
        assert_eq!(split_identifier("CSIDriver"), ["csi", "driver"]);
        assert_eq!(split_identifier("ipv4Address"), ["ipv", "4", "address"]);
        assert!(split_identifier("strategy").is_empty());
    }

    #[test]
    fn shapes() {
        assert!(is_kind_name("Deployment"));
        assert!(is_kind_name("HTTPRoute"));
        assert!(!is_kind_name("API Server"));
        assert!(!is_kind_name("kubelet"));
        assert!(!is_kind_name("ETCD"));
        assert!(is_field_name("rollingUpdate.maxSurge"));
        assert!(is_field_name("containers[].ports"));
        assert!(!is_field_name("RollingUpdate"));
        assert!(is_value_name("kubernetes.io/tls"));
        assert!(is_value_name("ReadWriteOnce"));
        assert!(!is_value_name("kubectl get pvc"));
        assert_eq!(slugify("ImagePullBackOff / ErrImagePull"), "imagepullbackoff-errimagepull");
    }
}
