//! Notes' Markdown as safe HTML: rendered by pulldown-cmark, links rewritten (links between notes
//! become `/show/...` pages, links with a scheme other than http, https or mailto are dropped and
//! keep only their text), then sanitised by ammonia (raw HTML, event handlers, `<script>`,
//! `<style>` and foreign URL schemes removed). A note is the user's text: nothing in it runs.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Where a link of a note goes.
pub enum LinkTo {
    /// Keep it (an absolute http(s) or mailto URL, an anchor on the page).
    Keep,
    /// A page of ours (`/show/...`).
    Page(String),
    /// Not a link any more: only its text stays.
    Drop,
}

/// Renders `markdown` to sanitised HTML; `link` decides what each relative link becomes
/// (absolute URLs and anchors are decided here).
pub fn to_html(markdown: &str, link: &dyn Fn(&str) -> LinkTo) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Whether each open link was kept, to drop the matching end of the dropped ones.
    let mut open: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let to = match classify(&dest_url) {
                Some(to) => to,
                None => link(&dest_url),
            };
            let dest_url = match to {
                LinkTo::Keep => dest_url,
                LinkTo::Page(url) => CowStr::from(url),
                LinkTo::Drop => {
                    open.push(false);
                    return None;
                }
            };
            open.push(true);
            Some(Event::Start(Tag::Link { link_type, dest_url, title, id }))
        }
        Event::End(TagEnd::Link) => open.pop().unwrap_or(true).then_some(event),
        // Images from elsewhere would make the reader's browser fetch them (the page's CSP
        // blocks it anyway): shown by their text.
        Event::Start(Tag::Image { dest_url, title, .. }) => Some(Event::Html(CowStr::from(format!(
            "<span class=\"image\" title=\"{}\">",
            escape(&format!("{dest_url} {title}"))
        )))),
        Event::End(TagEnd::Image) => Some(Event::Html(CowStr::from("</span>"))),
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    sanitizer().clean(&out).to_string()
}

/// The sanitiser: ammonia's defaults (no scripts, styles, event handlers, forms or frames), only
/// http, https and mailto URLs, and links that tell nothing to where they lead.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer nofollow"))
            .add_tag_attributes("span", ["title"])
            .add_allowed_classes("span", ["image"]);
        builder
    })
}

/// The scheme of a URL as a browser reads it (tabs and newlines ignored, case-insensitive), if
/// it has one.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    (cleaned.as_bytes()[end] == b':' && end > 0).then(|| cleaned[..end].to_ascii_lowercase())
}

/// Absolute URLs and anchors: decided without the note's context. `None` for relative links.
fn classify(url: &str) -> Option<LinkTo> {
    if url.trim_start().starts_with('#') {
        return Some(LinkTo::Keep);
    }
    match scheme(url).as_deref() {
        Some("http" | "https" | "mailto") => Some(LinkTo::Keep),
        Some(_) => Some(LinkTo::Drop),
        // `//host/path` leaves the server.
        None if url.trim_start().starts_with("//") => Some(LinkTo::Keep),
        None => None,
    }
}

/// HTML-escapes text for an attribute or element.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> String {
        to_html(md, &|dest| {
            if dest.ends_with(".md") { LinkTo::Page(format!("/show/{dest}")) } else { LinkTo::Drop }
        })
    }

    #[test]
    fn nothing_in_a_note_runs() {
        let html = render(
            "# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n\
             [click](javascript:alert(3)) [tabbed](java\tscript:alert(4)) [upper](JAVASCRIPT:alert(5))\n\n\
             <a href=\"javascript:alert(6)\" onclick=\"alert(7)\">raw</a> <iframe src=\"https://x\"></iframe>\n\n\
             <style>body{display:none}</style><form action=\"https://x\"><input></form>\n\n\
             [data](data:text/html,<script>alert(8)</script>) <svg onload=alert(9)>",
        );
        for bad in [
            "<script",
            "onerror",
            "javascript",
            "JAVASCRIPT",
            "onclick",
            "<iframe",
            "<style",
            "<form",
            "<input",
            "data:",
            "onload",
            "<svg",
        ] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
        // The text of dropped links stays.
        for text in ["click", "tabbed", "upper", "raw", "data"] {
            assert!(html.contains(text), "{text} lost in {html}");
        }
        assert!(html.contains("<h1>Hi</h1>"), "{html}");
    }

    #[test]
    fn links_between_notes_and_out() {
        let html = render(
            "[other](other.md) [web](https://kubernetes.io/docs/) [here](#restore) [pic](x.png) [mail](mailto:a@b.c)",
        );
        assert!(html.contains("href=\"/show/other.md\""), "{html}");
        assert!(html.contains("href=\"https://kubernetes.io/docs/\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""), "{html}");
        assert!(html.contains("href=\"#restore\""), "{html}");
        assert!(html.contains("href=\"mailto:a@b.c\""), "{html}");
        assert!(!html.contains("x.png\""), "a link to a file that is no note is dropped: {html}");
        // Images are shown by their text, never fetched.
        let html = render("![diagram](https://example.com/a.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("diagram"), "{html}");
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("https://x").as_deref(), Some("https"));
        assert_eq!(scheme(" J ava script:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("a/b:c"), None);
        assert_eq!(scheme("other.md#x:y"), None);
        assert_eq!(scheme(":x"), None);
    }
}
