//! Templates as YAML with holes: the template text rewritten, byte for byte, into YAML that the
//! error-tolerant parser reads with the same offsets, plus a table of what each action became.
//!
//! Every action keeps its bytes' positions: actions that print nothing (control keywords,
//! comments, variable assignments) and whole `define` bodies become spaces; an action printed
//! inside a line becomes a placeholder word of the same length (so `name: {{ .Values.x }}`
//! reads as a plain scalar and `"{{ .a }}:{{ .b }}"` stays one quoted scalar); an action
//! printed on a line of its own (`{{- toYaml .Values.x | nindent 4 }}`, `{{ include "x" . }}`)
//! or after `key:` with `nindent` becomes spaces and is recorded as YAML *supplied* at an
//! indentation, so the key above it reads as having a value of unknown shape. Newlines are
//! never touched, so lines and columns agree between the template and the YAML.

use kref_yaml::TextRange;

use super::scan::{Action, BlockKind, Scan, TokenKind, token_text};

/// What one action became in the YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hole {
    /// Index into [`Scan::actions`]; `holes[i].action == i`.
    pub action: usize,
    pub range: TextRange,
    pub kind: HoleKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HoleKind {
    /// Prints nothing (control keyword, comment, assignment): blanked.
    Silent,
    /// Printed inside a line (a value, a key, part of a quoted string): replaced by a
    /// placeholder word, so the scalar around it is *templated*.
    Inline,
    /// Prints YAML of unknown shape whose lines start at column `indent` (a line of its own,
    /// or `key: {{ ... | nindent N }}`): blanked; the node it lands in is *supplied*.
    Supplied { indent: usize },
    /// Printed inside a block scalar (`|`, `>`) on a line of its own: blanked, and the block
    /// scalar is templated.
    InText,
    /// Inside a `define` body: not printed by this file at all.
    InDefine,
}

/// The YAML text with holes and the table of holes, one per action.
#[derive(Debug, Clone)]
pub struct HoledText {
    /// Same length and same newlines as the template.
    pub text: String,
    /// One per action, in the order of [`Scan::actions`].
    pub holes: Vec<Hole>,
    /// `define` blocks (from `{{ define` to the end of its `{{ end }}`), blanked whole.
    pub define_regions: Vec<TextRange>,
}

/// Rewrites `text` (scanned as `scan`) into YAML with holes.
pub fn transform(text: &str, scan: &Scan) -> HoledText {
    let define_regions: Vec<TextRange> = {
        let mut regions: Vec<TextRange> = Vec::new();
        for block in scan.blocks.iter().filter(|b| b.kind == BlockKind::Define) {
            // Nested defines are invalid Go templates; the outer region covers them.
            if regions.last().is_some_and(|r| r.end >= block.range.end) {
                continue;
            }
            regions.push(block.range);
        }
        regions
    };
    let lines = line_ranges(text);
    let spans = merged_spans(scan, &define_regions);
    let blank_outside = blank_lines(text, &lines, &spans);
    let line_of = |offset: usize| lines.partition_point(|&(s, _)| s <= offset).saturating_sub(1);

    let mut kinds: Vec<HoleKind> = vec![HoleKind::Silent; scan.actions.len()];
    let in_define = |offset: usize| {
        let i = define_regions.partition_point(|r| r.start <= offset);
        i > 0 && define_regions[i - 1].contains(offset)
    };

    // Block scalars: the lines after `key: |` more indented than the key are text.
    let in_text = block_scalar_lines(text, &lines, &spans, &blank_outside);

    // Actions grouped by their first line, for the `key: {{ ... | nindent N }}` form.
    let mut by_line: Vec<(usize, usize)> = Vec::new(); // (line, action)
    for (i, action) in scan.actions.iter().enumerate() {
        if in_define(action.range.start) {
            kinds[i] = HoleKind::InDefine;
            continue;
        }
        let first = line_of(action.range.start);
        let last = line_of(action.range.end.saturating_sub(1).max(action.range.start));
        let standalone = blank_outside[first] && blank_outside[last];
        kinds[i] = if action.kind.is_silent() {
            HoleKind::Silent
        } else if standalone {
            // On a line of its own inside a block scalar's text, output indented deeper than
            // the scalar's key is part of that text.
            let indent = supplied_indent(text, action, action.range.start - lines[first].0);
            match in_text[first] {
                Some(parent) if indent > parent => HoleKind::InText,
                _ => HoleKind::Supplied { indent },
            }
        } else if in_text[first].is_some() {
            HoleKind::Inline
        } else {
            by_line.push((first, i));
            HoleKind::Inline
        };
    }
    // `key: {{- include "x" . | nindent 4 }}`: the printed actions ending a `key:` line
    // supply that key's value when the last of them indents its output.
    let mut k = 0;
    while k < by_line.len() {
        let line = by_line[k].0;
        let mut j = k;
        while j < by_line.len() && by_line[j].0 == line {
            j += 1;
        }
        let group: Vec<usize> = by_line[k..j].iter().map(|&(_, a)| a).collect();
        k = j;
        let (ls, le) = lines[line];
        let first = &scan.actions[group[0]];
        let prefix = &text[ls..first.range.start];
        if !prefix.trim_end().ends_with(':') || prefix.contains("{{") {
            continue;
        }
        // Everything after the first printed action on this line must be actions or blanks.
        let tail_ok = {
            let mut pos = first.range.start;
            let mut ok = true;
            for action in scan.actions.iter().skip(group[0]) {
                if action.range.start >= le {
                    break;
                }
                if !text[pos..action.range.start.max(pos)].trim().is_empty() {
                    ok = false;
                    break;
                }
                pos = pos.max(action.range.end);
            }
            ok && text.get(pos..le).is_some_and(|t| t.trim().is_empty())
        };
        let last = *group.last().unwrap_or(&group[0]);
        if !tail_ok {
            continue;
        }
        // Only `nindent` moves the output below the key; after `indent` it would start on the
        // key's own line, which only works for a scalar: that stays an inline value.
        if let Some(Indent::Newline(indent)) = indent_function(text, &scan.actions[last]) {
            for &a in &group {
                kinds[a] = HoleKind::Silent;
            }
            kinds[last] = HoleKind::Supplied { indent };
        }
    }

    let mut bytes = text.as_bytes().to_vec();
    for region in &define_regions {
        blank(&mut bytes, *region);
    }
    let mut holes = Vec::with_capacity(scan.actions.len());
    for (i, action) in scan.actions.iter().enumerate() {
        let kind = kinds[i];
        match kind {
            HoleKind::Inline => fill(&mut bytes, action.range, i),
            HoleKind::InDefine => {}
            _ => blank(&mut bytes, action.range),
        }
        holes.push(Hole { action: i, range: action.range, kind });
    }
    // Only ASCII was written over whole characters, so this cannot fail; keep the text
    // unchanged rather than panic if it somehow did.
    let text = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
    HoledText { text, holes, define_regions }
}

/// How a printed action indents its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indent {
    /// `nindent N`: a newline, then every line at column N.
    Newline(usize),
    /// `indent N`: every line shifted by N from where the action stands.
    Same(usize),
}

/// The `nindent N` / `indent N` that ends the action's pipeline (`... | nindent 4`), or that
/// wraps it as a call (`nindent 4 (include "x" .)`).
pub fn indent_function(text: &str, action: &Action) -> Option<Indent> {
    let tokens = &action.tokens;
    let mut depth = 0i32;
    let mut last_command = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::LeftParen => depth += 1,
            TokenKind::RightParen => depth -= 1,
            TokenKind::Pipe if depth == 0 => last_command = i + 1,
            _ => {}
        }
    }
    let check = |at: usize| -> Option<Indent> {
        let f = tokens.get(at)?;
        let n = tokens.get(at + 1)?;
        if f.kind != TokenKind::Ident || n.kind != TokenKind::Number {
            return None;
        }
        let n: usize = token_text(text, n).parse().ok()?;
        match token_text(text, f) {
            "nindent" => Some(Indent::Newline(n)),
            "indent" => Some(Indent::Same(n)),
            _ => None,
        }
    };
    check(last_command).or_else(|| check(0))
}

fn supplied_indent(text: &str, action: &Action, column: usize) -> usize {
    match indent_function(text, action) {
        Some(Indent::Newline(n)) => n,
        Some(Indent::Same(n)) if action.trim_left => n,
        Some(Indent::Same(n)) => column + n,
        None => column,
    }
}

/// `(start, end)` of every line, the end before its `\n`.
pub(crate) fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            lines.push((start, i));
            start = i + 1;
        }
    }
    lines.push((start, text.len()));
    lines
}

/// Action ranges outside `define` bodies plus the `define` regions, sorted and merged.
fn merged_spans(scan: &Scan, defines: &[TextRange]) -> Vec<TextRange> {
    let mut all: Vec<TextRange> =
        scan.actions.iter().map(|a| a.range).chain(defines.iter().copied()).collect();
    all.sort_by_key(|r| r.start);
    let mut merged: Vec<TextRange> = Vec::with_capacity(all.len());
    for r in all {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// For each line: is every byte outside template spans whitespace?
fn blank_lines(text: &str, lines: &[(usize, usize)], spans: &[TextRange]) -> Vec<bool> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(lines.len());
    let mut si = 0;
    for &(ls, le) in lines {
        while si < spans.len() && spans[si].end <= ls {
            si += 1;
        }
        let mut pos = ls;
        let mut blank = true;
        let mut j = si;
        while j < spans.len() && spans[j].start < le {
            let gap_end = spans[j].start.max(pos);
            if bytes[pos..gap_end].iter().any(|b| !b.is_ascii_whitespace()) {
                blank = false;
            }
            pos = pos.max(spans[j].end).min(le.max(pos));
            j += 1;
        }
        if pos < le && bytes[pos..le].iter().any(|b| !b.is_ascii_whitespace()) {
            blank = false;
        }
        out.push(blank);
    }
    out
}

/// For each line inside a block scalar's text (after `key: |` or `- >-`, more indented than
/// the line that opened it), the indentation of that opening line. Lines holding only
/// template actions neither open nor close a block scalar: they get the one still open.
fn block_scalar_lines(
    text: &str,
    lines: &[(usize, usize)],
    spans: &[TextRange],
    blank: &[bool],
) -> Vec<Option<usize>> {
    let mut out = vec![None; lines.len()];
    let mut open: Option<usize> = None; // indent of the opening line
    let mut si = 0;
    for (li, &(ls, le)) in lines.iter().enumerate() {
        while si < spans.len() && spans[si].end <= ls {
            si += 1;
        }
        if blank[li] {
            // Blank or template-only lines stay on whichever side they are.
            out[li] = open;
            continue;
        }
        // The line with spans replaced by a placeholder letter.
        let mut line = String::with_capacity(le - ls);
        let mut pos = ls;
        let mut j = si;
        while j < spans.len() && spans[j].start < le {
            let s = spans[j].start.max(pos);
            line.push_str(&text[pos..s]);
            let e = spans[j].end.min(le);
            line.extend(std::iter::repeat_n('x', e.saturating_sub(s)));
            pos = e.max(pos);
            j += 1;
        }
        if pos < le {
            line.push_str(&text[pos..le]);
        }
        let indent = line.len() - line.trim_start().len();
        if let Some(parent) = open {
            if indent > parent {
                out[li] = Some(parent);
                continue;
            }
            open = None;
        }
        if opens_block_scalar(&line) {
            open = Some(indent);
        }
    }
    out
}

/// Does this line end with a block scalar header (`key: |`, `- >-`, `key: |2`)?
fn opens_block_scalar(line: &str) -> bool {
    let code = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    };
    let code = code.trim_end();
    let word_start = code.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    let word = &code[word_start..];
    let mut chars = word.chars();
    if !matches!(chars.next(), Some('|' | '>')) || !chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
    {
        return false;
    }
    let before = code[..word_start].trim_end();
    before.ends_with(':') || before.ends_with('-') || before.is_empty()
}

fn blank(bytes: &mut [u8], range: TextRange) {
    let end = range.end.min(bytes.len());
    for b in &mut bytes[range.start.min(end)..end] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// Writes a placeholder word over `range`: `_` and the hole number in base 36, padded with `_`;
/// the part of a multi-line action after its first line becomes spaces.
fn fill(bytes: &mut [u8], range: TextRange, index: usize) {
    let end = range.end.min(bytes.len());
    let mut word = vec![b'_'];
    let mut n = index;
    loop {
        word.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    let mut first_line = true;
    for (k, b) in bytes[range.start.min(end)..end].iter_mut().enumerate() {
        if *b == b'\n' || *b == b'\r' {
            first_line = false;
            continue;
        }
        *b = if first_line { word.get(k).copied().unwrap_or(b'_') } else { b' ' };
    }
}
