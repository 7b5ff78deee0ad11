//! The hand-written, indentation-aware, error-tolerant YAML parser behind [`crate::parse`].
//!
//! The text is first cut into documents at column-0 `---` and `...` lines, so a broken
//! document never spoils the next one. Each document is then parsed by recursive descent:
//! block structure by indentation, flow structure by brackets. Recursion is bounded by
//! [`MAX_DEPTH`]; anything deeper is skipped with a `too-deep` error, so the parser, and any
//! recursive walk over its output, is safe on small thread stacks.
//!
//! Invariant: every loop either consumes input or exits, so parsing always terminates, and
//! every byte is examined a bounded number of times, so time is linear in the text.

mod block;
mod flow;
mod scalars;

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::line_index::LineIndex;
use crate::model::{Document, ErrorCode, File, Node, NodeValue, Pair, SyntaxError, TextRange};

/// How deep collections may nest before the parser stops descending. Kubernetes manifests,
/// CRD schemas included, stay far below it.
pub const MAX_DEPTH: usize = 128;

/// The UTF-8 byte order mark, allowed at the start of the text.
pub(crate) const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Parses `text` into documents and syntax errors. Never fails, never panics.
pub fn parse(text: &str) -> File {
    let line_index = LineIndex::new(text);
    let starts = line_index.starts();
    let mut parser = Parser {
        text,
        b: text.as_bytes(),
        pos: 0,
        end: 0,
        lines: starts,
        line_cache: Cell::new((0, 0, starts.get(1).copied().unwrap_or(usize::MAX))),
        pair_stack: Vec::new(),
        item_stack: Vec::new(),
        errors: Vec::new(),
        comments: Vec::new(),
        depth: 0,
        too_deep_reported: false,
        anchors: HashSet::new(),
        indent_counts: [0; 9],
        seq_indent_counts: [0; 9],
        last_tab_line: usize::MAX,
    };
    let regions = split_documents(text.as_bytes(), starts);
    let mut documents = Vec::with_capacity(regions.len());
    for (i, region) in regions.iter().enumerate() {
        let range_end = regions.get(i + 1).map_or(text.len(), |next| next.range_start);
        documents.push(parser.document(region, range_end));
    }
    let Parser { mut errors, mut comments, .. } = parser;
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    comments.sort_by_key(|c| c.start);
    comments.dedup();
    File { documents, errors, comments, text: text.to_owned(), line_index }
}

/// One document's stretch of text.
struct Region {
    /// Where the document's range starts (its `---` line or the end of the previous document).
    range_start: usize,
    /// Where its content may start (after `---` on the marker line).
    parse_start: usize,
    /// Where its content ends (the next marker line).
    parse_end: usize,
}

fn is_marker(b: &[u8], at: usize, marker: &[u8; 3]) -> bool {
    b.get(at..at + 3) == Some(&marker[..])
        && b.get(at + 3).is_none_or(|&c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Cuts the text at column-0 `---` and `...` lines. Comments and directives before a `---`
/// belong to the document it opens; there is always at least one document.
fn split_documents(b: &[u8], starts: &[usize]) -> Vec<Region> {
    let bom = if b.starts_with(BOM) { BOM.len() } else { 0 };
    let mut regions = Vec::new();
    let mut range_start = 0;
    let mut parse_start = bom;
    let mut has_content = false;
    let mut explicit = false;
    for (i, &line) in starts.iter().enumerate() {
        let at = if i == 0 { bom } else { line };
        let line_end = starts.get(i + 1).map_or(b.len(), |&next| next - 1);
        if is_marker(b, at, b"---") {
            if has_content || explicit {
                regions.push(Region { range_start, parse_start, parse_end: at });
                range_start = at;
            }
            parse_start = at + 3;
            explicit = true;
            has_content = line_has_content(&b[at + 3..line_end]);
        } else if is_marker(b, at, b"...") {
            if has_content || explicit {
                regions.push(Region { range_start, parse_start, parse_end: at });
                range_start = line_end.min(b.len());
            }
            parse_start = line_end.min(b.len());
            has_content = false;
            explicit = false;
        } else if b.get(at) == Some(&b'%') && !has_content && !explicit {
            // A directive such as `%YAML 1.2`: nothing to keep.
            parse_start = line_end.min(b.len());
        } else if !has_content && line_has_content(&b[at.min(line_end)..line_end]) {
            has_content = true;
        }
    }
    if has_content || explicit || regions.is_empty() {
        regions.push(Region { range_start, parse_start, parse_end: b.len() });
    }
    regions
}

fn line_has_content(line: &[u8]) -> bool {
    match line.iter().position(|&c| !matches!(c, b' ' | b'\t' | b'\r')) {
        Some(i) => line[i] != b'#',
        None => false,
    }
}

pub(crate) fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

pub(crate) fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Properties written before a node: `&anchor` and `!tag`.
#[derive(Default)]
struct Props {
    start: Option<usize>,
    anchor: Option<String>,
    tag: Option<String>,
}

impl Props {
    fn is_empty(&self) -> bool {
        self.start.is_none()
    }

    fn apply(self, mut node: Node) -> Node {
        if let Some(start) = self.start {
            node.range.start = node.range.start.min(start);
        }
        self.apply_keep_range(node)
    }

    fn apply_keep_range(self, mut node: Node) -> Node {
        if self.anchor.is_some() {
            node.anchor = self.anchor;
        }
        if self.tag.is_some() {
            node.tag = self.tag;
        }
        node
    }
}

struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    /// End of the current document's content.
    end: usize,
    lines: &'t [usize],
    /// The line last asked about, its start and the start of the next one: the parser
    /// mostly moves forward, so most column queries need no search.
    line_cache: Cell<(usize, usize, usize)>,
    /// Pairs and items of the collections being parsed, innermost last: each collection
    /// takes its own off the top when it ends, into a vector of exactly the right size.
    pair_stack: Vec<Pair>,
    item_stack: Vec<Node>,
    errors: Vec<SyntaxError>,
    comments: Vec<TextRange>,
    depth: usize,
    too_deep_reported: bool,
    /// Anchors defined so far in the current document.
    anchors: HashSet<String>,
    /// How often a nested block mapping is indented by 1..=8 columns more than its parent.
    indent_counts: [usize; 9],
    /// The same for block sequences under a mapping key.
    seq_indent_counts: [usize; 9],
    last_tab_line: usize,
}

impl<'t> Parser<'t> {
    fn document(&mut self, region: &Region, range_end: usize) -> Document {
        self.pos = region.parse_start;
        self.end = region.parse_end;
        self.anchors.clear();
        self.indent_counts = [0; 9];
        self.seq_indent_counts = [0; 9];
        self.too_deep_reported = false;
        self.depth = 0;
        self.skip_to_content();
        let mut root = None;
        if self.pos < self.end {
            let mut node = self.parse_block_node(-1, false, false);
            loop {
                self.skip_to_content();
                if self.pos >= self.end {
                    break;
                }
                let before = self.pos;
                let at = self.pos;
                let line_end = self.line_end(at);
                let extra = self.parse_block_node(-1, false, false);
                match (&mut node.value, extra.value) {
                    (NodeValue::Mapping(pairs), NodeValue::Mapping(more)) if !node.flow && !extra.flow => {
                        self.error(
                            TextRange::new(at, line_end),
                            ErrorCode::BadIndentation,
                            format!(
                                "this key is indented by {} spaces, less than the keys above it",
                                self.col(at)
                            ),
                        );
                        pairs.extend(more);
                        node.range.end = node.range.end.max(extra.range.end);
                    }
                    _ => self.error(
                        TextRange::new(at, extra.range.end.max(line_end)),
                        ErrorCode::UnexpectedContent,
                        "a document holds one value; this text comes after it".to_owned(),
                    ),
                }
                if self.pos == before {
                    self.skip_line();
                }
            }
            root = Some(node);
        }
        let mut doc = Document {
            range: TextRange::new(region.range_start, range_end),
            root,
            kind: None,
            api_version: None,
            name: None,
            namespace: None,
            indent_unit: self.indent_unit(),
        };
        if let Some(root) = &doc.root {
            let scalar =
                |key: &str| root.get(key).and_then(|n| n.as_scalar()).map(|s| (s.text.clone(), s.raw_range));
            doc.kind = scalar("kind");
            doc.api_version = scalar("apiVersion");
            let meta = |key: &str| root.at(&["metadata", key]).and_then(Node::as_str).map(str::to_owned);
            doc.name = meta("name");
            doc.namespace = meta("namespace");
        }
        doc
    }

    fn indent_unit(&self) -> usize {
        let best = |counts: &[usize; 9]| {
            (1..9).filter(|&i| counts[i] > 0).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        };
        best(&self.indent_counts).or_else(|| best(&self.seq_indent_counts)).unwrap_or(2)
    }

    // ---- Small helpers over bytes and lines. ----

    fn ch(&self, i: usize) -> Option<u8> {
        if i < self.end { Some(self.b[i]) } else { None }
    }

    /// True at a space, tab, line break or the end of the document.
    fn blank_at(&self, i: usize) -> bool {
        self.ch(i).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
    }

    /// True at a line break or the end of the document (a `\r` counts only before `\n`).
    fn eol_at(&self, i: usize) -> bool {
        match self.ch(i) {
            None | Some(b'\n') => true,
            Some(b'\r') => self.ch(i + 1).is_none_or(|c| c == b'\n'),
            _ => false,
        }
    }

    /// True at a `#` that starts a comment (at a line start or after whitespace).
    fn comment_at(&self, i: usize) -> bool {
        self.ch(i) == Some(b'#') && (i == 0 || matches!(self.b[i - 1], b' ' | b'\t' | b'\n' | b'\r'))
    }

    fn line_start(&self, i: usize) -> usize {
        let (line, start, next) = self.line_cache.get();
        if start <= i && i < next {
            return start;
        }
        let after_next = self.lines.get(line + 2).copied().unwrap_or(usize::MAX);
        let line = if next <= i && i < after_next {
            line + 1
        } else {
            self.lines.partition_point(|&s| s <= i).max(1) - 1
        };
        let start = self.lines[line];
        self.line_cache.set((line, start, self.lines.get(line + 1).copied().unwrap_or(usize::MAX)));
        start
    }

    /// The column of `i`, in bytes from the start of its line (a byte order mark takes none).
    fn col(&self, i: usize) -> usize {
        let start = self.line_start(i);
        let bom = if start == 0 && self.b.starts_with(BOM) { BOM.len().min(i) } else { 0 };
        i - start - bom
    }

    /// The end of the line holding `i`, before its line break (clamped to the document).
    fn line_end(&self, i: usize) -> usize {
        let mut j = i;
        while j < self.end && !self.eol_at(j) {
            j += 1;
        }
        j
    }

    fn skip_space(&mut self) {
        while self.pos < self.end && is_ws(self.b[self.pos]) {
            self.pos += 1;
        }
    }

    /// Moves to the end of the current line (before its line break).
    fn skip_line(&mut self) {
        self.pos = self.line_end(self.pos);
    }

    fn skip_comment(&mut self) {
        let end = self.line_end(self.pos);
        self.comments.push(TextRange::new(self.pos, end));
        self.pos = end;
    }

    /// Skips whitespace, comments and line breaks up to the next content, reporting tabs
    /// used for indentation on the way.
    fn skip_to_content(&mut self) {
        loop {
            self.skip_space();
            match self.ch(self.pos) {
                None => return,
                Some(b'\n' | b'\r') => self.pos += 1,
                Some(b'#') if self.comment_at(self.pos) => self.skip_comment(),
                Some(_) => break,
            }
        }
        self.check_tab_indent(self.pos);
    }

    /// Reports a tab in the indentation before `at`, if `at` is the first content of its line.
    fn check_tab_indent(&mut self, at: usize) {
        let start = self.line_start(at);
        if start == self.last_tab_line {
            return;
        }
        let indent = &self.b[start..at];
        if let Some(tab) = indent.iter().position(|&c| c == b'\t')
            && indent.iter().all(|&c| is_ws(c))
        {
            self.last_tab_line = start;
            self.error(
                TextRange::new(start + tab, start + tab + 1),
                ErrorCode::TabIndent,
                "a tab is used for indentation; YAML allows only spaces there".to_owned(),
            );
        }
    }

    /// The range of the character at `at`.
    fn char_range(&self, at: usize) -> TextRange {
        let len = self.text.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
        TextRange::new(at, at + len)
    }

    fn error(&mut self, range: TextRange, code: ErrorCode, message: String) {
        self.errors.push(SyntaxError { range, message, code });
    }

    fn too_deep(&mut self, at: usize) {
        if !self.too_deep_reported {
            self.too_deep_reported = true;
            self.error(
                TextRange::new(at, self.line_end(at).max(at + 1).min(self.end.max(at))),
                ErrorCode::TooDeep,
                format!("this value is nested more than {MAX_DEPTH} levels deep; the deeper part is ignored"),
            );
        }
    }

    /// After a complete value: anything but spaces and a comment on the rest of the line is
    /// an error, and is skipped.
    fn finish_line(&mut self) {
        self.skip_space();
        if self.comment_at(self.pos) {
            self.skip_comment();
            return;
        }
        if self.eol_at(self.pos) {
            return;
        }
        let end = self.line_end(self.pos);
        self.error(
            TextRange::new(self.pos, end),
            ErrorCode::UnexpectedContent,
            "unexpected text after the value; put another entry on a line of its own".to_owned(),
        );
        self.pos = end;
    }

    /// Reads `&anchor` and `!tag` properties (in any order) and the spaces after them.
    fn parse_props(&mut self, flow: bool) -> Props {
        let mut props = Props::default();
        while let Some(c @ (b'&' | b'!')) = self.ch(self.pos) {
            let start = self.pos;
            let mut i = start + 1;
            if c == b'!' && self.ch(i) == Some(b'<') {
                while i < self.end && !self.eol_at(i) && self.b[i] != b'>' {
                    i += 1;
                }
                if self.ch(i) == Some(b'>') {
                    i += 1;
                }
            } else {
                while !self.blank_at(i) && !(is_flow_indicator(self.b[i]) && (flow || c == b'&')) {
                    i += 1;
                }
            }
            let word = &self.text[start..i];
            props.start.get_or_insert(start);
            if c == b'&' {
                let name = word[1..].to_owned();
                self.anchors.insert(name.clone());
                props.anchor = Some(name);
            } else {
                props.tag = Some(word.to_owned());
            }
            self.pos = i;
            self.skip_space();
        }
        props
    }

    /// An alias `*name` at the current position.
    fn parse_alias(&mut self) -> Node {
        let start = self.pos;
        let mut i = start + 1;
        while !self.blank_at(i) && !is_flow_indicator(self.b[i]) {
            i += 1;
        }
        let name = self.text[start + 1..i].to_owned();
        if !self.anchors.contains(&name) {
            self.error(
                TextRange::new(start, i),
                ErrorCode::UnknownAnchor,
                format!("no anchor `&{name}` is defined before this alias in the document"),
            );
        }
        self.pos = i;
        Node {
            range: TextRange::new(start, i),
            value: NodeValue::Alias(name),
            anchor: None,
            tag: None,
            flow: false,
        }
    }

    /// The pairs pushed since `base`, checked for duplicate keys.
    fn take_pairs(&mut self, base: usize) -> Vec<Pair> {
        let pairs: Vec<Pair> = self.pair_stack.drain(base.min(self.pair_stack.len())..).collect();
        self.check_duplicates(&pairs);
        pairs
    }

    /// The items pushed since `base`.
    fn take_items(&mut self, base: usize) -> Vec<Node> {
        self.item_stack.drain(base.min(self.item_stack.len())..).collect()
    }

    /// Reports keys that appear twice in one mapping, on the later occurrence.
    fn check_duplicates(&mut self, pairs: &[Pair]) {
        if pairs.len() < 2 {
            return;
        }
        let mut dups = Vec::new();
        if pairs.len() <= 16 {
            for (i, pair) in pairs.iter().enumerate().filter(|(_, p)| p.colon.is_some()) {
                let first = pairs[..i].iter().find(|p| p.colon.is_some() && p.key.text == pair.key.text);
                if let Some(first) = first {
                    dups.push((pair.key_range, pair.key.text.clone(), first.key_range.start));
                }
            }
        } else {
            let mut seen: HashMap<&str, usize> = HashMap::with_capacity(pairs.len());
            for pair in pairs.iter().filter(|p| p.colon.is_some()) {
                if let Some(&first) = seen.get(pair.key.text.as_str()) {
                    dups.push((pair.key_range, pair.key.text.clone(), first));
                } else {
                    seen.insert(&pair.key.text, pair.key_range.start);
                }
            }
        }
        for (range, key, first) in dups {
            let line = self.lines.partition_point(|&s| s <= first);
            self.error(
                range,
                ErrorCode::DuplicateKey,
                format!("the key `{key}` appears twice in this mapping; the first is on line {line}"),
            );
        }
    }
}
