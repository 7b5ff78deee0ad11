//! Service DNS names written in values: `redis-cart:6379`, `http://web/api`,
//! `db.shop.svc.cluster.local`, found in the source text of env values, container arguments and
//! ConfigMap data, so that find references and rename reach them.
//!
//! Precise on purpose: a host counts only as a whole token (bounded by spaces, quotes, `=`, `/`,
//! `@`, ...), in one of the forms cluster DNS resolves (`svc`, `svc.ns`, `svc.ns.svc`,
//! `svc.ns.svc.cluster.local`), and only when something says it is an address: a scheme, a
//! port, the `.svc` suffix, or (for a bare `svc`) a value that is nothing else under a key that
//! names an address (`REDIS_ADDR`, `--backend-host`). Pure text functions.

/// A Service named as a host: where its name is written, and the namespace the host names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostToken {
    /// Byte offsets of the Service's name (the first label) in the text scanned.
    pub start: usize,
    pub end: usize,
    pub service: String,
    pub namespace: Option<String>,
}

/// Last words of a key or flag that say its value is an address.
const ADDRESS_WORDS: &[&str] = &[
    "host", "hostname", "addr", "address", "server", "endpoint", "url", "uri", "service", "svc", "dsn",
    "upstream", "backend", "broker", "target", "proxy", "peer",
];

/// Does a key (an env var's name, a ConfigMap key, a flag) name an address? Its last word says
/// so (`REDIS_ADDR`, `SE_EVENT_BUS_HOST`, `--backend-host`, `cacheHost`; not `GET_HOSTS_FROM`).
pub fn names_address(key: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            prev_lower = false;
            words.push(String::new());
            continue;
        }
        if words.is_empty() || (c.is_ascii_uppercase() && prev_lower) {
            words.push(String::new());
        }
        if let Some(w) = words.last_mut() {
            w.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase();
    }
    words.iter().rev().find(|w| !w.is_empty()).is_some_and(|w| ADDRESS_WORDS.contains(&w.as_str()))
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
}

/// Can a host token start after this byte?
fn opens(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(b, b'=' | b'"' | b'\'' | b',' | b'(' | b'[' | b'@' | b';' | b'>' | b'|')
}

/// Can a host token end before this byte?
fn closes(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(b, b'/' | b'"' | b'\'' | b',' | b';' | b')' | b']' | b'?' | b'#' | b'<')
}

/// A DNS label: lower-case letters, digits and `-`, not starting or ending with `-`; a
/// Service's name starts with a letter.
fn label(s: &str, service: bool) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && !s.starts_with('-')
        && !s.ends_with('-')
        && (!service || s.starts_with(|c: char| c.is_ascii_lowercase()))
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The hosts of `text` (the source of one value), `whole` being the value as read and `key`
/// what it is set under.
pub fn host_tokens(text: &str, whole: &str, key: &str) -> Vec<HostToken> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if i > 0 && !opens(b[i - 1]) {
            i += 1;
            continue;
        }
        let token_start = i;
        // An optional scheme: `http://`, `redis://`, `grpc+tls://`.
        let mut scheme = false;
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'+' | b'.' | b'-')) {
            j += 1;
        }
        if j > i && text[j..].starts_with("://") && b[i].is_ascii_alphabetic() {
            scheme = true;
            i = j + 3;
        }
        let host_start = i;
        let mut k = i;
        while k < b.len() && is_host_byte(b[k]) {
            k += 1;
        }
        let host_end = k;
        let mut port = false;
        if k < b.len() && b[k] == b':' {
            let digits = b[k + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 {
                port = true;
                k += 1 + digits;
            }
        }
        let bounded = k == b.len() || closes(b[k]);
        if host_end > host_start && bounded {
            let host = &text[host_start..host_end];
            let labels: Vec<&str> = host.split('.').collect();
            let form = match labels.as_slice() {
                [s] if label(s, true) => Some((s, None, false)),
                [s, n] if label(s, true) && label(n, false) => Some((s, Some(*n), false)),
                [s, n, "svc"] | [s, n, "svc", "cluster", "local"] if label(s, true) && label(n, false) => {
                    Some((s, Some(*n), true))
                }
                _ => None,
            };
            if let Some((service, namespace, svc_suffix)) = form {
                let only = whole.trim() == &text[token_start..k];
                let address = match namespace {
                    None => scheme || port || (only && names_address(key)),
                    // `name.word` is often a file or a domain: a port or `.svc` says it is a Service.
                    Some(_) => port || svc_suffix,
                };
                if address {
                    out.push(HostToken {
                        start: host_start,
                        end: host_start + service.len(),
                        service: service.to_string(),
                        namespace: namespace.map(str::to_string),
                    });
                }
            }
        }
        i = k.max(token_start + 1);
    }
    out
}

/// The flag of a `--flag=value` argument, or `""`.
pub fn flag_of(arg: &str) -> &str {
    arg.split_once('=').map_or("", |(flag, _)| flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(text: &str, key: &str) -> Vec<(String, Option<String>, &'static str)> {
        host_tokens(text, text, key)
            .into_iter()
            .map(|t| {
                assert_eq!(&text[t.start..t.end], t.service);
                (t.service, t.namespace, "")
            })
            .collect()
    }

    fn one(s: &str, ns: Option<&str>) -> (String, Option<String>, &'static str) {
        (s.to_string(), ns.map(str::to_string), "")
    }

    #[test]
    fn addresses_name_services() {
        assert_eq!(hosts("redis-cart:6379", "X"), [one("redis-cart", None)]);
        assert_eq!(hosts("http://web/api", "X"), [one("web", None)]);
        assert_eq!(hosts("redis://:secret@cache.shop:6379/0", "X"), [one("cache", Some("shop"))]);
        assert_eq!(hosts("db.shop.svc.cluster.local", "X"), [one("db", Some("shop"))]);
        assert_eq!(hosts("db.shop.svc", "X"), [one("db", Some("shop"))]);
        assert_eq!(hosts("cartservice", "CART_SERVICE_ADDR"), [one("cartservice", None)]);
        assert_eq!(hosts("--backend=api:8080", "--backend"), [one("api", None)]);
        assert_eq!(
            hosts("upstream app {\n  server web:80;\n  server api.shop:81;\n}", "nginx.conf"),
            [one("web", None), one("api", Some("shop"))]
        );
    }

    #[test]
    fn other_words_are_not_hosts() {
        // A bare word under a key that is no address; a file name; a domain; part of a name.
        assert_eq!(hosts("cartservice", "MODE"), []);
        assert_eq!(hosts("dns", "GET_HOSTS_FROM"), []);
        assert_eq!(hosts("cache", "cacheHost"), [one("cache", None)]);
        assert_eq!(hosts("hub", "SE_EVENT_BUS_HOST"), [one("hub", None)]);
        assert_eq!(hosts("app.conf", "CONFIG_URL"), []);
        assert_eq!(hosts("https://example.com/x", "URL"), []);
        assert_eq!(hosts("api.github.com:443", "X"), []);
        assert_eq!(hosts("my-web-app:80x", "X"), []);
        assert_eq!(hosts("10.0.0.1:80", "X"), []);
        assert_eq!(hosts("Web:80", "X"), []);
        assert_eq!(hosts("{{ .Values.host }}:80", "HOST"), []);
        assert_eq!(hosts("pre-web:80", "X"), [one("pre-web", None)]);
        assert_eq!(hosts("cartservice extra", "ADDR"), []);
    }
}
