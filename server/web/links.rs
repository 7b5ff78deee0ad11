//! The site's URLs: permalinks of sections, kinds and fields, searches and rules, and where a
//! relative link in a note leads. Links between notes are resolved among the notes in memory,
//! by their paths as text: nothing here touches the file system.

use kref_corpus::Note;
use kref_corpus::slugify;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::markdown::LinkTo;

/// Characters left as they are in a path: unreserved ones and the separators ids use.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'=')
    .remove(b',');

/// Characters left as they are in a query value.
const QUERY: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/').remove(b':');

fn path_part(text: &str) -> String {
    let encoded = utf8_percent_encode(text, PATH).to_string();
    // `.` and `..` as whole segments would be resolved away by browsers.
    encoded
        .split('/')
        .map(|s| if s == "." || s == ".." { s.replace('.', "%2E") } else { s.to_string() })
        .collect::<Vec<_>>()
        .join("/")
}

/// A query value, percent-encoded.
pub fn query_value(text: &str) -> String {
    utf8_percent_encode(text, QUERY).to_string()
}

/// `/show/ID`: a section (or an entry's section) of a note.
pub fn show(id: &str) -> String {
    format!("/show/{}", path_part(id))
}

/// `/explain/TARGET[?api_version=...]`.
pub fn explain(target: &str, api_version: Option<&str>) -> String {
    match api_version {
        Some(v) => format!("/explain/{}?api_version={}", path_part(target), query_value(v)),
        None => format!("/explain/{}", path_part(target)),
    }
}

/// `/search?q=...` with the filters that are set.
pub fn search(query: &str, kind: Option<&str>, source: Option<&str>) -> String {
    let mut url = format!("/search?q={}", query_value(query));
    if let Some(kind) = kind.filter(|k| !k.is_empty()) {
        url.push_str(&format!("&kind={}", query_value(kind)));
    }
    if let Some(source) = source.filter(|s| !s.is_empty()) {
        url.push_str(&format!("&source={}", query_value(source)));
    }
    url
}

/// `/rules/ID`.
pub fn rule(id: &str) -> String {
    format!("/rules/{}", path_part(id))
}

/// Where a search result opens: schema results on their explain page, the rest as sections.
pub fn hit(id: &str) -> String {
    if let Some(rest) = id.strip_prefix("schema:kind:")
        && let Some((api_version, kind)) = rest.rsplit_once('/')
    {
        return explain(kind, Some(api_version));
    }
    if let Some(field) = id.strip_prefix("schema:field:") {
        return explain(field, None);
    }
    show(id)
}

/// The folder part of a note path (`builtin:workloads/x.md` → `builtin:workloads/`).
fn folder(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => match path.find(':') {
            Some(i) => &path[..=i],
            None => "",
        },
    }
}

/// `base` + `relative` with `.` and `..` segments folded, as text.
fn join(base: &str, relative: &str) -> String {
    let (prefix, base) = match base.strip_prefix(kref_corpus::builtin::PATH_PREFIX) {
        Some(rest) => (kref_corpus::builtin::PATH_PREFIX, rest),
        None => ("", base),
    };
    let absolute = relative.starts_with('/');
    let mut parts: Vec<&str> =
        if absolute { Vec::new() } else { base.split('/').filter(|p| !p.is_empty()).collect() };
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let lead = if base.starts_with('/') || absolute { "/" } else { "" };
    format!("{prefix}{lead}{}", parts.join("/"))
}

/// Where a relative link in the note at `from` leads: another note (or one of its sections, by
/// the `#anchor` of its heading) becomes its `/show/` page; anything else is dropped.
pub fn note_link(notes: &[Note], from: &str, dest: &str) -> LinkTo {
    let (target, anchor) = match dest.split_once('#') {
        Some((t, a)) => (t, Some(a)),
        None => (dest, None),
    };
    let target = target.split('?').next().unwrap_or(target);
    let Ok(target) = percent_encoding::percent_decode_str(target).decode_utf8() else { return LinkTo::Drop };
    if target.is_empty() {
        return LinkTo::Drop;
    }
    let path = join(folder(from), &target);
    let Some(note) = notes.iter().find(|n| n.path == path) else { return LinkTo::Drop };
    let section = anchor
        .and_then(|a| note.sections.iter().find(|s| slugify(&s.title) == a.to_ascii_lowercase()))
        .or_else(|| note.sections.first());
    match section {
        Some(s) => LinkTo::Page(show(&s.id)),
        None => LinkTo::Page(show(&note.path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kref_corpus::{Origin, parse_note};

    #[test]
    fn urls() {
        assert_eq!(
            show("builtin:workloads/cronjob.md#cronjob-fields"),
            "/show/builtin:workloads/cronjob.md%23cronjob-fields"
        );
        assert_eq!(show("/home/me/my notes/a b.md"), "/show//home/me/my%20notes/a%20b.md");
        assert_eq!(show("../x"), "/show/%2E%2E/x");
        assert_eq!(explain("Pod.spec.containers", None), "/explain/Pod.spec.containers");
        assert_eq!(
            explain("HorizontalPodAutoscaler", Some("autoscaling/v1")),
            "/explain/HorizontalPodAutoscaler?api_version=autoscaling/v1"
        );
        assert_eq!(search("a&b c", Some("Pod"), None), "/search?q=a%26b%20c&kind=Pod");
        assert_eq!(hit("schema:kind:apps/v1/Deployment"), "/explain/Deployment?api_version=apps/v1");
        assert_eq!(hit("schema:field:CronJob.spec.schedule"), "/explain/CronJob.spec.schedule");
        assert_eq!(hit("kind:Pod@builtin:workloads/pod.md:3"), "/show/kind:Pod@builtin:workloads/pod.md:3");
    }

    #[test]
    fn links_between_notes() {
        let a = parse_note("/n/team/a.md", Origin::User, "# A\n\n[b](../ops/b.md#second-part)\n");
        let b = parse_note("/n/ops/b.md", Origin::User, "# B\n\ntext\n\n## Second part\n\nmore\n");
        let builtin = parse_note("builtin:workloads/pod.md", Origin::Builtin, "# Pod\n\nx\n");
        let notes = vec![builtin, a, b];
        let page = |from: &str, dest: &str| match note_link(&notes, from, dest) {
            LinkTo::Page(url) => url,
            LinkTo::Keep => "keep".into(),
            LinkTo::Drop => "drop".into(),
        };
        assert_eq!(page("/n/team/a.md", "../ops/b.md#second-part"), show(&notes[2].sections[1].id));
        assert_eq!(page("/n/team/a.md", "../ops/b.md"), show(&notes[2].sections[0].id));
        assert_eq!(page("/n/team/a.md", "../ops/b.md#nothing-here"), show(&notes[2].sections[0].id));
        assert_eq!(page("/n/team/a.md", "/n/ops/b.md"), show(&notes[2].sections[0].id));
        assert_eq!(page("builtin:workloads/deployment.md", "pod.md"), show(&notes[0].sections[0].id));
        // Files that are not notes, and paths that climb out, go nowhere.
        assert_eq!(page("/n/team/a.md", "../../../etc/passwd"), "drop");
        assert_eq!(page("/n/team/a.md", "diagram.png"), "drop");
        assert_eq!(page("/n/team/a.md", "%ff.md"), "drop");
    }
}
