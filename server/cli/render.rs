//! Markdown rendered for a terminal: styled headings, inline code and code blocks, indented lists.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::output::{BOLD, CODE, TITLE};

/// Renders Markdown as styled terminal text (styles are dropped by `anstream` when not on a TTY).
pub fn render_markdown(markdown: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_code = false;
    let mut at_line_start = true;
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut in_meta = false;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
            _ if in_meta => {}
            Event::Start(Tag::Heading { .. }) => out.push_str(&format!("{TITLE}")),
            Event::End(TagEnd::Heading(_)) => {
                out.push_str(&format!("{TITLE:#}\n\n"));
                at_line_start = true;
            }
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => {
                out.push('\n');
                if lists.is_empty() {
                    out.push('\n');
                }
                at_line_start = true;
            }
            Event::Start(Tag::List(start)) => {
                if !at_line_start {
                    out.push('\n');
                    at_line_start = true;
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                if !at_line_start {
                    out.push('\n');
                }
                let depth = lists.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("• "),
                }
                at_line_start = false;
            }
            Event::End(TagEnd::Item) if !at_line_start => {
                out.push('\n');
                at_line_start = true;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                if let CodeBlockKind::Fenced(lang) = kind
                    && !lang.is_empty()
                {
                    out.push_str(&format!("  {BOLD}{lang}{BOLD:#}\n"));
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push('\n');
                at_line_start = true;
            }
            Event::Text(t) if in_code => {
                for line in t.lines() {
                    out.push_str(&format!("    {CODE}{line}{CODE:#}\n"));
                }
            }
            Event::Text(t) => {
                out.push_str(&t);
                at_line_start = t.ends_with('\n');
            }
            Event::Code(c) => {
                out.push_str(&format!("{CODE}{c}{CODE:#}"));
                at_line_start = false;
            }
            Event::Start(Tag::Strong) => out.push_str(&format!("{BOLD}")),
            Event::End(TagEnd::Strong) => out.push_str(&format!("{BOLD:#}")),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => {
                out.push('\n');
                at_line_start = true;
            }
            Event::End(TagEnd::TableCell) => out.push_str("  "),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                out.push('\n');
                at_line_start = true;
            }
            Event::End(TagEnd::Table) => out.push('\n'),
            Event::Rule => out.push_str("────────\n"),
            _ => {}
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn renders_lists_code_and_headings() {
        let md = "## Title\n\nSome `code` here.\n\n- one\n  - two\n\n```bash\nkubectl get pods\n```\n";
        let text = plain(&render_markdown(md));
        assert_eq!(text, "Title\n\nSome code here.\n\n• one\n  • two\n\n  bash\n    kubectl get pods\n");
    }
}
