//! Regular expressions of schema `pattern`s, compiled once per process and shared by every
//! check (a List of ten thousand custom resources repeats the same few patterns).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

/// Patterns kept at most; the cache starts over past this (hostile schemas hold many).
const CACHE_MAX: usize = 4096;

/// Compiled size limit of one pattern: a pattern past it is not checked.
const SIZE_LIMIT: usize = 1 << 20;

type Cache = Mutex<HashMap<String, Option<Arc<Regex>>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// The compiled pattern; `None` when it does not compile here (a syntax this engine lacks,
/// such as look-around, or too large): such a pattern is not checked.
fn compiled(pattern: &str) -> Option<Arc<Regex>> {
    if let Ok(c) = cache().lock()
        && let Some(hit) = c.get(pattern)
    {
        return hit.clone();
    }
    let re = regex::RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .ok()
        .map(Arc::new);
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CACHE_MAX {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    }
    re
}

/// Does `text` match `pattern` (searched, as OpenAPI and Go do: anchors only where written)?
/// `None` when the pattern cannot be checked.
pub(crate) fn matches(pattern: &str, text: &str) -> Option<bool> {
    compiled(pattern).map(|re| re.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_openapi_does() {
        let quantity = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";
        assert_eq!(matches(quantity, "100Mi"), Some(true));
        assert_eq!(matches(quantity, "1GB"), Some(false));
        assert_eq!(matches("[0-9]+", "v12"), Some(true), "unanchored: a match anywhere");
        assert_eq!(matches("(?=x)", "x"), None, "look-ahead is not supported: not checked");
    }
}
