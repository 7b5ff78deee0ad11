//! Block structure: mappings and sequences laid out by indentation, and their recovery rules.

use super::scalars::Stop;
use super::{MAX_DEPTH, Parser};
use crate::model::{ErrorCode, Node, NodeValue, Pair, Scalar, ScalarStyle, TextRange};

/// Where an implicit key ends, as found by looking ahead on one line.
pub(super) struct KeyAhead {
    /// The end of the key's text (after its closing quote, if quoted).
    pub end: usize,
    pub colon: usize,
}

impl Parser<'_> {
    /// Parses the value that follows an indicator (`:` of a key, `-` of an item, or the start
    /// of a document): on the same line, or on the lines below when they are indented more
    /// than `parent`. `compact` allows a sequence at exactly `parent`'s column (`key:\n- a`).
    /// `after_colon` is true after a key's `:`, where a collection cannot start on the same
    /// line. `missing_from` is where an absent value's range starts.
    pub(super) fn parse_block_value(
        &mut self,
        parent: isize,
        compact: bool,
        after_colon: bool,
        missing_from: usize,
    ) -> Node {
        self.skip_space();
        if !(self.eol_at(self.pos) || self.comment_at(self.pos)) {
            return self.parse_block_node(parent, compact, after_colon);
        }
        let missing_end = self.pos;
        self.skip_to_content();
        if self.pos < self.end {
            let col = self.col(self.pos);
            let tabs = self.b[self.line_start(self.pos)..self.pos].contains(&b'\t');
            let is_dash = self.b[self.pos] == b'-' && self.blank_at(self.pos + 1);
            if col as isize > parent || (compact && col as isize == parent && is_dash) {
                let node = self.parse_block_node(parent, compact, false);
                let delta = col as isize - parent;
                if parent >= 0 && (1..=8).contains(&delta) && !node.flow && !tabs {
                    match node.value {
                        NodeValue::Mapping(_) => self.indent_counts[delta as usize] += 1,
                        NodeValue::Sequence(_) => self.seq_indent_counts[delta as usize] += 1,
                        _ => {}
                    }
                }
                return node;
            }
        }
        Node::missing(TextRange::new(missing_from, missing_end))
    }

    /// Parses a block node starting at the current position (which holds content).
    /// `after_colon` is true for a value on the same line as its key, where neither a block
    /// mapping nor a block sequence may start.
    pub(super) fn parse_block_node(&mut self, parent: isize, compact: bool, after_colon: bool) -> Node {
        if self.depth >= MAX_DEPTH {
            let start = self.pos;
            self.too_deep(start);
            self.skip_block_rest(parent);
            return Node::missing(TextRange::new(start, self.pos));
        }
        self.depth += 1;
        let node = self.block_node_inner(parent, compact, after_colon);
        self.depth -= 1;
        node
    }

    fn block_node_inner(&mut self, parent: isize, compact: bool, after_colon: bool) -> Node {
        let props = self.parse_props(false);
        if !props.is_empty() && (self.eol_at(self.pos) || self.comment_at(self.pos)) {
            // `key: &anchor` with the content on the lines below.
            // Block collections keep their range from their first key or dash, so that the
            // range start gives their indentation.
            let from = self.pos;
            let node = self.parse_block_value(parent, compact, false, from);
            return if node.is_missing() || node.flow {
                props.apply(node)
            } else {
                props.apply_keep_range(node)
            };
        }
        let Some(c) = self.ch(self.pos) else {
            return props.apply(Node::missing(TextRange::empty(self.pos)));
        };
        let start = self.pos;
        let col = self.col(start);
        let next_blank = self.blank_at(start + 1);
        let node = match c {
            b'-' if next_blank => {
                if after_colon {
                    self.error(
                        TextRange::new(start, start + 1),
                        ErrorCode::UnexpectedChar,
                        "a list cannot start on the same line as its key; put `- ` on the next line"
                            .to_owned(),
                    );
                }
                self.parse_block_sequence(col)
            }
            b'?' if next_blank && !after_colon => self.parse_block_mapping(col),
            b':' if next_blank => {
                let end = self.line_end(start);
                self.error(
                    TextRange::new(start, start + 1),
                    ErrorCode::UnexpectedChar,
                    "a `:` with no key before it".to_owned(),
                );
                self.pos = end;
                Node::missing(TextRange::new(start, end))
            }
            b'|' | b'>' => self.parse_block_scalar(parent),
            b'[' | b'{' => {
                let node = self.parse_flow_node(parent);
                self.finish_line();
                node
            }
            b'*' => {
                let node = self.parse_alias();
                self.finish_line();
                node
            }
            b']' | b'}' | b',' => {
                let end = self.line_end(start);
                self.error(
                    TextRange::new(start, start + 1),
                    ErrorCode::UnexpectedChar,
                    format!("`{}` has no opening bracket to close here", c as char),
                );
                self.pos = end;
                Node::missing(TextRange::new(start, end))
            }
            _ => {
                let quoted = c == b'"' || c == b'\'';
                let first_line = (!quoted).then(|| self.scan_plain_line(start, false));
                let is_key = match &first_line {
                    Some(scan) => scan.stop == Stop::Colon,
                    None => self.key_ahead(start).is_some(),
                };
                if is_key {
                    if after_colon {
                        return props.apply(self.nested_key_on_one_line(start));
                    }
                    self.parse_block_mapping(col)
                } else if !after_colon && self.next_line_is_sibling_key(start, col) {
                    // A key being typed above others: `spec:\n  stra\n  replicas: 3`.
                    self.parse_block_mapping(col)
                } else if let Some(first_line) = first_line {
                    if c == b'@' || c == b'`' {
                        self.error(
                            TextRange::new(start, start + 1),
                            ErrorCode::UnexpectedChar,
                            format!(
                                "`{}` is reserved and cannot start a plain value; quote the value",
                                c as char
                            ),
                        );
                    }
                    let node = self.parse_plain_from(parent, false, first_line);
                    self.finish_line();
                    node
                } else {
                    let node = self.parse_quoted(parent);
                    self.finish_line();
                    node
                }
            }
        };
        props.apply(node)
    }

    /// `key: other: value`: reports it and keeps `other` as the value.
    fn nested_key_on_one_line(&mut self, start: usize) -> Node {
        let node = if matches!(self.b[start], b'"' | b'\'') {
            self.parse_quoted(-1)
        } else {
            self.parse_plain(isize::MAX, false)
        };
        let end = self.line_end(self.pos);
        self.error(
            TextRange::new(self.pos, end),
            ErrorCode::UnexpectedContent,
            "a mapping cannot start on the same line as its key; put it on the next line, indented"
                .to_owned(),
        );
        self.pos = end;
        node
    }

    /// Is the next content line a key at exactly `col`, so that the one-line scalar at
    /// `start` is better read as a key still missing its colon?
    fn next_line_is_sibling_key(&self, start: usize, col: usize) -> bool {
        if matches!(self.b[start], b'"' | b'\'') && !self.quote_closes_on_line(start) {
            return false;
        }
        let mut i = self.line_end(start);
        loop {
            while i < self.end && matches!(self.b[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            if i >= self.end {
                return false;
            }
            if self.comment_at(i) {
                i = self.line_end(i);
                continue;
            }
            return self.col(i) == col
                && (self.key_ahead(i).is_some() || (self.b[i] == b'?' && self.blank_at(i + 1)));
        }
    }

    /// Looks ahead on the current line: does an implicit key (plain or quoted) start at `i`?
    pub(super) fn key_ahead(&self, i: usize) -> Option<KeyAhead> {
        let c = self.ch(i)?;
        let end = match c {
            b'"' | b'\'' => self.quote_end_on_line(i)?,
            b'[' | b'{' | b']' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' => return None,
            b'-' | b'?' | b':' if self.blank_at(i + 1) => return None,
            _ => {
                let scan = self.scan_plain_line(i, false);
                return (scan.stop == Stop::Colon)
                    .then_some(KeyAhead { end: scan.text_end, colon: scan.next });
            }
        };
        let mut j = end;
        while j < self.end && super::is_ws(self.b[j]) {
            j += 1;
        }
        (self.ch(j) == Some(b':') && self.blank_at(j + 1)).then_some(KeyAhead { end, colon: j })
    }

    /// Skips the rest of a too-deep block node: its line and the more indented lines below.
    fn skip_block_rest(&mut self, parent: isize) {
        self.skip_line();
        loop {
            let save = self.pos;
            let mut i = self.pos;
            while i < self.end && matches!(self.b[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            if i >= self.end || (self.col(i) as isize) <= parent {
                self.pos = save;
                return;
            }
            self.pos = i;
            self.skip_line();
        }
    }

    /// A block mapping whose first key is at the current position, in column `indent`.
    pub(super) fn parse_block_mapping(&mut self, indent: usize) -> Node {
        let start = self.pos;
        let base = self.pair_stack.len();
        loop {
            let entry_start = self.pos;
            if let Some(pair) = self.parse_block_entry(indent) {
                self.pair_stack.push(pair);
            }
            if self.pos == entry_start {
                self.skip_line();
            }
            // Find the next entry, or the end of this mapping.
            loop {
                self.skip_to_content();
                if self.pos >= self.end {
                    break;
                }
                let col = self.col(self.pos);
                if col < indent {
                    break;
                }
                let at = self.pos;
                let line_end = self.line_end(at);
                if self.b[at] == b'-' && self.blank_at(at + 1) {
                    self.error(
                        TextRange::new(at, line_end),
                        ErrorCode::BadIndentation,
                        "a list item where a key was expected; indent the list under its key".to_owned(),
                    );
                    self.parse_block_sequence(col);
                    continue;
                }
                if col > indent {
                    self.error(
                        TextRange::new(at, line_end),
                        ErrorCode::BadIndentation,
                        format!(
                            "this line is indented by {col} spaces but the keys of its mapping by {indent}"
                        ),
                    );
                }
                break;
            }
            if self.pos >= self.end || self.col(self.pos) < indent {
                break;
            }
        }
        let pairs = self.take_pairs(base);
        let end = pairs.last().map_or(start, |p| p.range().end);
        Node {
            range: TextRange::new(start, end),
            value: NodeValue::Mapping(pairs),
            anchor: None,
            tag: None,
            flow: false,
        }
    }

    /// One `key: value` entry of a block mapping, or `None` when the line holds no key.
    fn parse_block_entry(&mut self, indent: usize) -> Option<Pair> {
        let start = self.pos;
        if self.b[start] == b'?' && self.blank_at(start + 1) {
            return Some(self.parse_explicit_entry(indent));
        }
        self.parse_props(false);
        let key_start = self.pos;
        if let Some(KeyAhead { end, colon }) = self.key_ahead(key_start) {
            let key = self.parse_key_scalar(key_start, end);
            self.pos = colon + 1;
            let value = self.parse_block_value(indent as isize, true, true, colon + 1);
            let key_range = TextRange::new(start, key.raw_range.end);
            return Some(Pair { key, key_range, colon: Some(colon), value });
        }
        match self.ch(key_start) {
            Some(b'"' | b'\'') => {}
            Some(c) if !matches!(c, b'[' | b'{' | b']' | b'}' | b',' | b'*' | b'|' | b'>' | b'#') => {}
            _ => {
                let end = self.line_end(key_start);
                self.error(
                    TextRange::new(key_start, end.max(key_start + 1).min(self.end.max(key_start))),
                    ErrorCode::UnexpectedChar,
                    "expected a key here (`name: value`)".to_owned(),
                );
                self.pos = end;
                return None;
            }
        }
        // A key being typed: no colon yet.
        let node = if matches!(self.b[key_start], b'"' | b'\'') {
            self.parse_quoted(indent as isize)
        } else {
            self.parse_plain(isize::MAX, false)
        };
        let key = match node.value {
            NodeValue::Scalar(s) => s,
            _ => Scalar { text: String::new(), raw_range: node.range, style: ScalarStyle::Plain },
        };
        self.error(
            key.raw_range,
            ErrorCode::MissingColon,
            format!("`{}` is not followed by `:`; a key needs a colon before its value", key.text),
        );
        self.finish_line();
        let key_end = key.raw_range.end;
        Some(Pair {
            key,
            key_range: TextRange::new(start, key_end),
            colon: None,
            value: Node::missing(TextRange::empty(key_end)),
        })
    }

    /// `? key` with an optional `: value` line below.
    fn parse_explicit_entry(&mut self, indent: usize) -> Pair {
        let q = self.pos;
        self.pos += 1;
        let key_node = self.parse_block_value(indent as isize, false, false, q + 1);
        let key = self.node_as_key(&key_node);
        let mut colon = None;
        let mut value = Node::missing(TextRange::empty(key_node.range.end.max(q + 1)));
        let save = self.pos;
        self.skip_to_content();
        if self.pos < self.end
            && self.col(self.pos) == indent
            && self.b[self.pos] == b':'
            && self.blank_at(self.pos + 1)
        {
            colon = Some(self.pos);
            self.pos += 1;
            value = self.parse_block_value(indent as isize, true, true, self.pos);
        } else {
            self.pos = save;
        }
        Pair { key, key_range: TextRange::new(q, key_node.range.end.max(q + 1)), colon, value }
    }

    /// A key is a scalar in this model; a collection used as a key keeps its source text.
    pub(super) fn node_as_key(&self, node: &Node) -> Scalar {
        match &node.value {
            NodeValue::Scalar(s) => s.clone(),
            _ => Scalar {
                text: self.text[node.range.start..node.range.end].to_owned(),
                raw_range: node.range,
                style: ScalarStyle::Plain,
            },
        }
    }

    /// A block sequence whose first `-` is at the current position, in column `indent`.
    pub(super) fn parse_block_sequence(&mut self, indent: usize) -> Node {
        let start = self.pos;
        let base = self.item_stack.len();
        'items: loop {
            let dash = self.pos;
            self.pos += 1;
            let item = self.parse_block_value(indent as isize, false, false, dash + 1);
            self.item_stack.push(item);
            loop {
                self.skip_to_content();
                if self.pos >= self.end {
                    break 'items;
                }
                let col = self.col(self.pos);
                if col < indent {
                    break 'items;
                }
                let at = self.pos;
                if self.b[at] == b'-' && self.blank_at(at + 1) {
                    if col > indent {
                        self.error(
                            TextRange::new(at, at + 1),
                            ErrorCode::BadIndentation,
                            format!(
                                "this list item is indented by {col} spaces but the items above by {indent}"
                            ),
                        );
                    }
                    continue 'items;
                }
                if col == indent {
                    break 'items;
                }
                let end = self.line_end(at);
                self.error(
                    TextRange::new(at, end),
                    ErrorCode::BadIndentation,
                    "this line belongs to no list item; check its indentation".to_owned(),
                );
                self.pos = end;
            }
        }
        let items = self.take_items(base);
        let end = items.last().map_or(start + 1, |n: &Node| n.range.end);
        Node {
            range: TextRange::new(start, end),
            value: NodeValue::Sequence(items),
            anchor: None,
            tag: None,
            flow: false,
        }
    }
}
