//! Reading what a request asks for, strictly: percent-encoding must be well formed and decode to
//! UTF-8, and sizes are bounded. Everything here turns bytes of a URL into text; none of it
//! names a file.

use std::borrow::Cow;

/// The longest path served (a section id of a deep note path fits easily).
pub const MAX_PATH: usize = 2048;
/// The longest query string served.
pub const MAX_QUERY: usize = 4096;
/// The longest search, in characters.
pub const MAX_SEARCH_CHARS: usize = 500;
/// The longest explain target or id, in characters.
pub const MAX_TARGET_CHARS: usize = 1000;

/// Why a URL cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bad {
    /// A `%` not followed by two hex digits.
    Encoding,
    /// The bytes are not UTF-8 once decoded.
    NotUtf8,
    /// Longer than we serve.
    TooLong { what: &'static str, limit: usize },
    /// A parameter has a value we do not know.
    Value { name: &'static str, message: String },
}

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bad::Encoding => {
                f.write_str("the address has a % that is not followed by two hexadecimal digits")
            }
            Bad::NotUtf8 => f.write_str("the address does not decode to UTF-8 text"),
            Bad::TooLong { what, limit } => {
                write!(f, "the {what} is too long (the limit is {limit} characters)")
            }
            Bad::Value { name, message } => write!(f, "`{name}`: {message}"),
        }
    }
}

/// Percent-decodes `text` (and `+` as a space when `plus` is set, as forms send queries).
pub fn decode(text: &str, plus: bool) -> Result<Cow<'_, str>, Bad> {
    let bytes = text.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || (plus && b == b'+')) {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                let (Some(hi), Some(lo)) =
                    (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
                else {
                    return Err(Bad::Encoding);
                };
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map(Cow::Owned).map_err(|_| Bad::NotUtf8)
}

/// The decoded `name=value` pairs of a query string.
pub fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, Bad> {
    let Some(query) = query else { return Ok(Vec::new()) };
    if query.len() > MAX_QUERY {
        return Err(Bad::TooLong { what: "query string", limit: MAX_QUERY });
    }
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(name, true)?.into_owned(), decode(value, true)?.into_owned()))
        })
        .collect()
}

/// The first value of `name`, if any.
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// What follows `prefix` in a raw path, decoded (`/show/a%23b` → `a#b`).
pub fn tail(path: &str, prefix: &str) -> Result<String, Bad> {
    let raw = path.strip_prefix(prefix).unwrap_or("");
    Ok(decode(raw, false)?.into_owned())
}

/// Checks a decoded value's length in characters.
pub fn bounded(value: &str, what: &'static str, limit: usize) -> Result<(), Bad> {
    if value.chars().count() > limit { Err(Bad::TooLong { what, limit }) } else { Ok(()) }
}

/// A search as a page or `/api/search` asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    pub kind: String,
    /// `""`, `builtin` or `user`.
    pub source: String,
    pub limit: Option<usize>,
}

impl SearchRequest {
    /// Reads `q`, `kind`, `source` and `limit`.
    pub fn parse(query: Option<&str>) -> Result<SearchRequest, Bad> {
        let pairs = query_pairs(query)?;
        let get = |name| param(&pairs, name).unwrap_or("").trim().to_string();
        let request = SearchRequest {
            query: get("q"),
            kind: get("kind"),
            source: get("source"),
            limit: match param(&pairs, "limit").map(str::trim).filter(|l| !l.is_empty()) {
                None => None,
                Some(l) => Some(l.parse::<usize>().map_err(|_| Bad::Value {
                    name: "limit",
                    message: format!("{l:?} is not a number of results"),
                })?),
            },
        };
        bounded(&request.query, "search", MAX_SEARCH_CHARS)?;
        bounded(&request.kind, "kind", 100)?;
        if !matches!(request.source.as_str(), "" | "builtin" | "user") {
            return Err(Bad::Value {
                name: "source",
                message: format!("{:?} is neither \"builtin\" nor \"user\"", request.source),
            });
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_is_strict() {
        assert_eq!(decode("a%20b+c", true).unwrap(), "a b c");
        assert_eq!(decode("a+b", false).unwrap(), "a+b");
        assert_eq!(decode("caf%C3%A9", false).unwrap(), "café");
        assert_eq!(decode("%zz", false), Err(Bad::Encoding));
        assert_eq!(decode("%4", false), Err(Bad::Encoding));
        assert_eq!(decode("%ff%fe", false), Err(Bad::NotUtf8));
        assert_eq!(tail("/show/a%23b", "/show/").unwrap(), "a#b");
    }

    #[test]
    fn search_requests() {
        let r = SearchRequest::parse(Some("q=rolling+update&kind=Deployment&source=user&limit=5")).unwrap();
        assert_eq!(
            (r.query.as_str(), r.kind.as_str(), r.source.as_str(), r.limit),
            ("rolling update", "Deployment", "user", Some(5))
        );
        assert_eq!(SearchRequest::parse(None).unwrap(), SearchRequest::default());
        assert!(matches!(
            SearchRequest::parse(Some("q=x&source=web")),
            Err(Bad::Value { name: "source", .. })
        ));
        assert!(matches!(
            SearchRequest::parse(Some("q=x&limit=many")),
            Err(Bad::Value { name: "limit", .. })
        ));
        let long = format!("q={}", "a".repeat(MAX_SEARCH_CHARS + 1));
        assert!(matches!(SearchRequest::parse(Some(&long)), Err(Bad::TooLong { .. })));
        let huge = format!("q={}", "a".repeat(MAX_QUERY + 1));
        assert!(matches!(SearchRequest::parse(Some(&huge)), Err(Bad::TooLong { what: "query string", .. })));
    }
}
