//! Scalars: plain (possibly multi-line), single- and double-quoted with escapes and folding,
//! and block scalars (`|`, `>`, with chomping and indentation indicators).

use super::{Parser, is_flow_indicator, is_ws};
use crate::model::{ErrorCode, Node, NodeValue, Scalar, ScalarStyle, TextRange};

/// Why a scan of one line of a plain scalar stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// At the end of the line (or of the document).
    Eol,
    /// At a `:` followed by a space: the scalar was a key.
    Colon,
    /// At a ` #` comment.
    Comment,
    /// At a flow indicator (`,[]{}`), in flow context only.
    Flow,
}

pub(super) struct PlainScan {
    /// End of the scalar's text on this line, trailing spaces excluded.
    pub text_end: usize,
    /// Where the scan stopped.
    pub next: usize,
    pub stop: Stop,
}

fn scalar_node(text: String, start: usize, end: usize, style: ScalarStyle) -> Node {
    let raw_range = TextRange::new(start, end);
    Node {
        range: raw_range,
        value: NodeValue::Scalar(Scalar { text, raw_range, style }),
        anchor: None,
        tag: None,
        flow: false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

impl Parser<'_> {
    /// Scans one line of a plain scalar from `start`.
    pub(super) fn scan_plain_line(&self, start: usize, flow: bool) -> PlainScan {
        let mut i = start;
        let mut text_end = start;
        let stop = loop {
            let Some(c) = self.ch(i) else { break Stop::Eol };
            match c {
                b'\n' => break Stop::Eol,
                b'\r' if self.eol_at(i) => break Stop::Eol,
                b':' if self.blank_at(i + 1) || (flow && self.ch(i + 1).is_some_and(is_flow_indicator)) => {
                    break Stop::Colon;
                }
                b'#' if i > start && is_ws(self.b[i - 1]) => break Stop::Comment,
                c if flow && is_flow_indicator(c) => break Stop::Flow,
                b' ' | b'\t' => {}
                _ => text_end = i + 1,
            }
            i += 1;
        };
        PlainScan { text_end, next: i, stop }
    }

    /// A plain scalar from the current position; its continuation lines must be indented
    /// more than `parent` (pass `isize::MAX` for a one-line scalar).
    pub(super) fn parse_plain(&mut self, parent: isize, flow: bool) -> Node {
        let first = self.scan_plain_line(self.pos, flow);
        self.parse_plain_from(parent, flow, first)
    }

    /// [`Parser::parse_plain`] when the first line is already scanned.
    pub(super) fn parse_plain_from(&mut self, parent: isize, flow: bool, first: PlainScan) -> Node {
        let start = self.pos;
        let mut text = self.text[start..first.text_end].to_owned();
        let mut end = first.text_end;
        self.pos = first.next;
        let mut stop = first.stop;
        while stop == Stop::Eol {
            let Some((line, blank_lines)) = self.next_content_line(self.pos) else { break };
            if self.col(line) as isize <= parent
                || self.comment_at(line)
                || (flow && is_flow_indicator(self.b[line]))
            {
                break;
            }
            let scan = self.scan_plain_line(line, flow);
            if scan.stop == Stop::Colon || scan.text_end == line {
                break;
            }
            if blank_lines == 0 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', blank_lines));
            }
            text.push_str(&self.text[line..scan.text_end]);
            end = scan.text_end;
            self.pos = scan.next;
            stop = scan.stop;
        }
        scalar_node(text, start, end, ScalarStyle::Plain)
    }

    /// From the end of a line at `i`, the first content of the following lines and how many
    /// blank lines come before it.
    fn next_content_line(&self, mut i: usize) -> Option<(usize, usize)> {
        let mut blank_lines = 0;
        loop {
            while i < self.end && self.b[i] != b'\n' {
                i += 1;
            }
            if i >= self.end {
                return None;
            }
            i += 1;
            let mut j = i;
            while j < self.end && is_ws(self.b[j]) {
                j += 1;
            }
            if j >= self.end {
                return None;
            }
            if self.eol_at(j) {
                blank_lines += 1;
                i = j;
                continue;
            }
            return Some((j, blank_lines));
        }
    }

    /// The position after the closing quote of the quoted scalar at `i`, if it closes on
    /// the same line.
    pub(super) fn quote_end_on_line(&self, i: usize) -> Option<usize> {
        let quote = self.b[i];
        let mut j = i + 1;
        loop {
            let c = self.ch(j)?;
            if self.eol_at(j) {
                return None;
            }
            if c == quote {
                if quote == b'\'' && self.ch(j + 1) == Some(b'\'') {
                    j += 2;
                    continue;
                }
                return Some(j + 1);
            }
            if quote == b'"' && c == b'\\' {
                if self.eol_at(j + 1) {
                    return None;
                }
                j += 1;
            }
            j += 1;
        }
    }

    pub(super) fn quote_closes_on_line(&self, i: usize) -> bool {
        self.quote_end_on_line(i).is_some()
    }

    /// The implicit key from `start` to `end`, as found by `key_ahead`.
    pub(super) fn parse_key_scalar(&mut self, start: usize, end: usize) -> Scalar {
        let node = if matches!(self.b[start], b'"' | b'\'') {
            self.pos = start;
            self.parse_quoted(-1)
        } else {
            scalar_node(self.text[start..end].to_owned(), start, end, ScalarStyle::Plain)
        };
        match node.value {
            NodeValue::Scalar(s) => s,
            _ => Scalar { text: String::new(), raw_range: node.range, style: ScalarStyle::Plain },
        }
    }

    /// A single- or double-quoted scalar at the current position; continuation lines must be
    /// indented more than `parent`. An unclosed quote is reported where it opens, and the
    /// scalar then ends with its first line so that the lines below still parse.
    pub(super) fn parse_quoted(&mut self, parent: isize) -> Node {
        let start = self.pos;
        let style =
            if self.b[start] == b'\'' { ScalarStyle::SingleQuoted } else { ScalarStyle::DoubleQuoted };
        let mut escape_errors = Vec::new();
        match self.scan_quoted(start, parent, &mut escape_errors) {
            Some((text, end)) => {
                for (range, message) in escape_errors {
                    self.error(range, ErrorCode::InvalidEscape, message);
                }
                self.pos = end;
                scalar_node(text, start, end, style)
            }
            None => {
                let quote = self.b[start] as char;
                self.error(
                    TextRange::new(start, start + 1),
                    ErrorCode::UnclosedQuote,
                    format!("this quoted value is never closed; add the closing {quote} at its end"),
                );
                let end = self.line_end(start);
                let raw = self.text[start + 1..end].trim_end_matches([' ', '\t']);
                self.pos = end;
                scalar_node(raw.to_owned(), start, start + 1 + raw.len(), style)
            }
        }
    }

    /// Decodes the quoted scalar at `start`: its text and the offset after the closing quote,
    /// or `None` if it does not close before a line indented at most `parent`.
    fn scan_quoted(
        &self,
        start: usize,
        parent: isize,
        escape_errors: &mut Vec<(TextRange, String)>,
    ) -> Option<(String, usize)> {
        let quote = self.b[start];
        let mut out = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            let c = self.ch(i)?;
            if c == quote {
                out.push_str(&self.text[run..i]);
                if quote == b'\'' && self.ch(i + 1) == Some(b'\'') {
                    out.push('\'');
                    i += 2;
                    run = i;
                    continue;
                }
                return Some((out, i + 1));
            }
            if quote == b'"' && c == b'\\' {
                out.push_str(&self.text[run..i]);
                if self.eol_at(i + 1) {
                    // An escaped line break: the lines join with nothing between them.
                    let (next, _) = self.next_content_line(i + 1)?;
                    if self.col(next) as isize <= parent && self.b[next] != quote {
                        return None;
                    }
                    i = next;
                } else {
                    match self.escape(i + 1) {
                        Some((ch, len)) => {
                            out.push(ch);
                            i += 1 + len;
                        }
                        None => {
                            let end =
                                (i + 2..=i + 5).find(|&e| self.text.is_char_boundary(e)).unwrap_or(i + 2);
                            let end = end.min(self.end);
                            escape_errors.push((
                                TextRange::new(i, end),
                                format!(
                                    "`{}` is not an escape that double-quoted strings know; write `\\\\` for a backslash",
                                    &self.text[i..end]
                                ),
                            ));
                            out.push('\\');
                            i += 1;
                        }
                    }
                }
                run = i;
                continue;
            }
            if (c == b'\n' || c == b'\r') && self.eol_at(i) {
                out.push_str(self.text[run..i].trim_end_matches([' ', '\t']));
                let (next, blank_lines) = self.next_content_line(i)?;
                if self.col(next) as isize <= parent && self.b[next] != quote {
                    return None;
                }
                if blank_lines == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', blank_lines));
                }
                i = next;
                run = i;
                continue;
            }
            i += 1;
        }
    }

    /// The character a backslash escape starting at `i` (after the `\`) stands for, and the
    /// number of bytes it takes.
    fn escape(&self, i: usize) -> Option<(char, usize)> {
        let hex = |len: usize| {
            let digits = self.text.get(i + 1..i + 1 + len)?;
            if i + 1 + len > self.end || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            char::from_u32(u32::from_str_radix(digits, 16).ok()?).map(|c| (c, 1 + len))
        };
        let simple = |c: char| Some((c, 1));
        match self.ch(i)? {
            b'0' => simple('\0'),
            b'a' => simple('\x07'),
            b'b' => simple('\x08'),
            b't' | b'\t' => simple('\t'),
            b'n' => simple('\n'),
            b'v' => simple('\x0B'),
            b'f' => simple('\x0C'),
            b'r' => simple('\r'),
            b'e' => simple('\x1B'),
            b' ' => simple(' '),
            b'"' => simple('"'),
            b'/' => simple('/'),
            b'\\' => simple('\\'),
            b'N' => simple('\u{85}'),
            b'_' => simple('\u{A0}'),
            b'L' => simple('\u{2028}'),
            b'P' => simple('\u{2029}'),
            b'x' => hex(2),
            b'u' => hex(4),
            b'U' => hex(8),
            _ => None,
        }
    }

    /// A block scalar (`|` or `>`) whose header is at the current position; its content is
    /// the lines below indented more than `parent`.
    pub(super) fn parse_block_scalar(&mut self, parent: isize) -> Node {
        let start = self.pos;
        let style = if self.b[start] == b'|' { ScalarStyle::Literal } else { ScalarStyle::Folded };
        let mut chomp = Chomp::Clip;
        let mut explicit_indent = None;
        let mut i = start + 1;
        for _ in 0..2 {
            match self.ch(i) {
                Some(b'-') => chomp = Chomp::Strip,
                Some(b'+') => chomp = Chomp::Keep,
                Some(d @ b'1'..=b'9') => explicit_indent = Some((d - b'0') as usize),
                _ => break,
            }
            i += 1;
        }
        self.pos = i;
        self.skip_space();
        if self.comment_at(self.pos) {
            self.skip_comment();
        } else if !self.eol_at(self.pos) {
            let end = self.line_end(self.pos);
            self.error(
                TextRange::new(self.pos, end),
                ErrorCode::BadBlockScalar,
                "a block scalar header (`|`, `>-`, `|2`) must end its line; its text goes on the lines below"
                    .to_owned(),
            );
            self.pos = end;
        }
        let header_end = self.pos;

        // Collect the content lines: (start of text, end of text), `None` for an empty line.
        let base = parent.max(-1);
        let mut content_indent = explicit_indent.map(|m| (base + m as isize).max(0) as usize);
        let mut lines: Vec<Option<(usize, usize)>> = Vec::new();
        // The widest blank line before the indentation is known.
        let mut widest_leading: Option<(usize, usize)> = None;
        let mut end = header_end;
        let mut i = header_end;
        while i < self.end {
            // Move to the start of the next line.
            while i < self.end && self.b[i] != b'\n' {
                i += 1;
            }
            if i >= self.end {
                break;
            }
            let line_start = i + 1;
            if line_start >= self.end {
                break;
            }
            let mut j = line_start;
            while j < self.end && self.b[j] == b' ' {
                j += 1;
            }
            let spaces = j - line_start;
            let line_end = self.line_end(line_start);
            let indent = match content_indent {
                Some(n) => n,
                None if self.eol_at(j) => {
                    // Leading empty lines before the indentation is known.
                    if widest_leading.is_none_or(|(_, w)| spaces > w) {
                        widest_leading = Some((line_start, spaces));
                    }
                    lines.push(None);
                    i = line_end;
                    continue;
                }
                None => {
                    if spaces as isize <= base {
                        break;
                    }
                    content_indent = Some(spaces);
                    if let Some((at, width)) = widest_leading
                        && width > spaces
                    {
                        self.error(
                            TextRange::new(at, at + width),
                            ErrorCode::BadBlockScalar,
                            format!(
                                "this blank line has {width} spaces, more than the {spaces} that indent the text below it; remove the extra spaces"
                            ),
                        );
                    }
                    spaces
                }
            };
            if self.eol_at(j) && spaces <= indent {
                lines.push(None);
                i = line_end;
                continue;
            }
            if spaces < indent {
                break;
            }
            lines.push(Some((line_start + indent, line_end)));
            end = line_end;
            i = line_end;
        }
        self.pos = end;

        let last_content = lines.iter().rposition(Option::is_some);
        let trailing_empty = match last_content {
            Some(last) => lines.len() - last - 1,
            None => lines.len(),
        };
        let body = &lines[..last_content.map_or(0, |l| l + 1)];
        let mut text = String::new();
        match style {
            ScalarStyle::Literal => {
                for (n, line) in body.iter().enumerate() {
                    if n > 0 {
                        text.push('\n');
                    }
                    if let Some((s, e)) = *line {
                        text.push_str(&self.text[s..e]);
                    }
                }
            }
            _ => self.fold_lines(body, &mut text),
        }
        if last_content.is_some() {
            match chomp {
                Chomp::Strip => {}
                Chomp::Clip => text.push('\n'),
                Chomp::Keep => text.extend(std::iter::repeat_n('\n', 1 + trailing_empty)),
            }
        } else if chomp == Chomp::Keep {
            text.extend(std::iter::repeat_n('\n', trailing_empty));
        }
        scalar_node(text, start, end, style)
    }

    /// Folds the lines of a `>` scalar: a single line break between two ordinary lines becomes
    /// a space, empty lines become line breaks, and more-indented lines keep their breaks.
    fn fold_lines(&self, body: &[Option<(usize, usize)>], text: &mut String) {
        let mut pending_empty = 0;
        let mut previous_more_indented = None;
        for line in body {
            let Some((s, e)) = *line else {
                pending_empty += 1;
                continue;
            };
            let content = &self.text[s..e];
            let more_indented = content.starts_with([' ', '\t']);
            match previous_more_indented {
                None => text.extend(std::iter::repeat_n('\n', pending_empty)),
                Some(prev) if prev || more_indented => {
                    text.extend(std::iter::repeat_n('\n', 1 + pending_empty));
                }
                Some(_) if pending_empty == 0 => text.push(' '),
                Some(_) => text.extend(std::iter::repeat_n('\n', pending_empty)),
            }
            text.push_str(content);
            pending_empty = 0;
            previous_more_indented = Some(more_indented);
        }
    }
}
