//! Flow structure: `[...]` sequences and `{...}` mappings, possibly over several lines.
//!
//! Inside a block, every line of a flow collection must be indented more than the block
//! (`block_indent`); a line that is not (other than one starting with a closing bracket)
//! ends all open collections with an `unclosed-bracket` error, so a bracket being typed
//! does not swallow the rest of the document.

use super::{MAX_DEPTH, Parser, is_flow_indicator};
use crate::model::{ErrorCode, Node, NodeValue, Pair, TextRange};

/// One entry of a flow collection.
enum Entry {
    /// A plain item of a sequence.
    Item(Node),
    /// A `key: value` pair (or a lone key), and where it ends.
    Pair(Pair, usize),
}

impl Parser<'_> {
    /// A flow node at the current position.
    pub(super) fn parse_flow_node(&mut self, block_indent: isize) -> Node {
        let props = self.parse_props(true);
        let node = match self.ch(self.pos) {
            Some(open @ (b'[' | b'{')) => {
                if self.depth >= MAX_DEPTH {
                    let start = self.pos;
                    self.too_deep(start);
                    self.skip_flow_collection(block_indent);
                    Node::missing(TextRange::new(start, self.pos))
                } else {
                    self.depth += 1;
                    let node = self.parse_flow_collection(block_indent, open == b'[');
                    self.depth -= 1;
                    node
                }
            }
            Some(b'"' | b'\'') => self.parse_quoted(block_indent),
            Some(b'*') => self.parse_alias(),
            Some(c) if !is_flow_indicator(c) && !self.eol_at(self.pos) && !self.comment_at(self.pos) => {
                self.parse_plain(block_indent, true)
            }
            _ => Node::missing(TextRange::empty(self.pos)),
        };
        props.apply(node)
    }

    /// Skips spaces, comments and line breaks inside a flow collection. Returns false at the
    /// end of the document or at a line indented at most `block_indent`.
    fn skip_flow_ws(&mut self, block_indent: isize) -> bool {
        loop {
            self.skip_space();
            match self.ch(self.pos) {
                None => return false,
                Some(b'\n' | b'\r') => {
                    let mut i = self.pos;
                    while i < self.end && matches!(self.b[i], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    }
                    if i >= self.end {
                        return false;
                    }
                    if (self.col(i) as isize) <= block_indent && !matches!(self.b[i], b']' | b'}') {
                        return false;
                    }
                    self.pos = i;
                    self.check_tab_indent(i);
                }
                Some(b'#') if self.comment_at(self.pos) => self.skip_comment(),
                Some(_) => return true,
            }
        }
    }

    fn unclosed(&mut self, open: usize) {
        let bracket = self.b[open] as char;
        let close = if bracket == '[' { ']' } else { '}' };
        self.error(
            TextRange::new(open, open + 1),
            ErrorCode::UnclosedBracket,
            format!("this `{bracket}` is never closed; add `{close}` after its last entry"),
        );
    }

    fn flow_collection(start: usize, end: usize, value: NodeValue) -> Node {
        Node { range: TextRange::new(start, end), value, anchor: None, tag: None, flow: true }
    }

    /// After an entry: consumes a `,` if one follows. Returns whether it did.
    fn flow_comma(&mut self, block_indent: isize) -> bool {
        if self.skip_flow_ws(block_indent) && self.ch(self.pos) == Some(b',') {
            self.pos += 1;
            return true;
        }
        false
    }

    /// A flow sequence (`sequence`) or mapping at the current `[` or `{`. A closer of the other
    /// kind, an empty entry and a missing comma are errors; the collection goes on after them.
    fn parse_flow_collection(&mut self, block_indent: isize, sequence: bool) -> Node {
        let (close, wrong, wrong_message) = if sequence {
            (b']', b'}', "this `}` closes a `[`; use `]`")
        } else {
            (b'}', b']', "this `]` closes a `{`; use `}`")
        };
        let open = self.pos;
        self.pos += 1;
        let (item_base, pair_base) = (self.item_stack.len(), self.pair_stack.len());
        let mut end = self.pos;
        let mut expect_entry = true;
        loop {
            if !self.skip_flow_ws(block_indent) {
                self.unclosed(open);
                break;
            }
            let at = self.pos;
            match self.b[at] {
                c if c == close || c == wrong => {
                    if c == wrong {
                        self.error(
                            TextRange::new(at, at + 1),
                            ErrorCode::UnexpectedChar,
                            wrong_message.to_owned(),
                        );
                    }
                    self.pos += 1;
                    end = self.pos;
                    break;
                }
                b',' => {
                    self.error(
                        TextRange::new(at, at + 1),
                        ErrorCode::UnexpectedChar,
                        "an empty entry: two commas with nothing between them".to_owned(),
                    );
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            if !expect_entry {
                let range = self.char_range(at);
                self.error(
                    range,
                    ErrorCode::UnexpectedChar,
                    "a `,` is missing between two entries".to_owned(),
                );
            }
            match (self.parse_flow_entry(block_indent, sequence), sequence) {
                // In a sequence, a single `key: value` pair is a mapping of its own.
                (Entry::Pair(pair, pair_end), true) => {
                    let item =
                        Self::flow_collection(pair.key_range.start, pair_end, NodeValue::Mapping(vec![pair]));
                    end = item.range.end.max(end);
                    self.item_stack.push(item);
                }
                (Entry::Item(node), true) => {
                    end = node.range.end.max(end);
                    self.item_stack.push(node);
                }
                (Entry::Pair(pair, pair_end), false) => {
                    end = end.max(pair_end);
                    self.pair_stack.push(pair);
                }
                (Entry::Item(node), false) => end = end.max(node.range.end),
            }
            if self.pos == at {
                // Nothing could be read here: step over one character.
                let step = self.text[at..].chars().next().map_or(1, char::len_utf8);
                self.pos = (at + step).min(self.end);
            }
            expect_entry = self.flow_comma(block_indent);
        }
        let value = if sequence {
            NodeValue::Sequence(self.take_items(item_base))
        } else {
            NodeValue::Mapping(self.take_pairs(pair_base))
        };
        Self::flow_collection(open, end, value)
    }

    /// One entry of a flow sequence (a node, or a single `key: value` pair) or of a flow
    /// mapping (always a pair).
    fn parse_flow_entry(&mut self, block_indent: isize, in_sequence: bool) -> Entry {
        let start = self.pos;
        let explicit = self.b[start] == b'?' && self.blank_at(start + 1);
        if explicit {
            self.pos += 1;
            self.skip_flow_ws(block_indent);
        }
        let key_node = if self.ch(self.pos) == Some(b':') && self.flow_colon_at(self.pos, false) {
            Node::missing(TextRange::empty(self.pos))
        } else {
            self.parse_flow_node(block_indent)
        };
        let after_key = self.pos;
        let quoted_key = matches!(self.b.get(key_node.range.start), Some(b'"' | b'\'' | b'[' | b'{'));
        let has_colon = self.skip_flow_ws(block_indent)
            && self.ch(self.pos) == Some(b':')
            && self.flow_colon_at(self.pos, quoted_key);
        if !has_colon {
            self.pos = after_key;
            if in_sequence && !explicit {
                return Entry::Item(key_node);
            }
            let key = self.node_as_key(&key_node);
            let key_end = key_node.range.end.max(start);
            let pair = Pair {
                key,
                key_range: TextRange::new(start, key_end),
                colon: None,
                value: Node::missing(TextRange::empty(key_end)),
            };
            return Entry::Pair(pair, key_end);
        }
        let colon = self.pos;
        self.pos += 1;
        let value =
            if self.skip_flow_ws(block_indent) && !matches!(self.ch(self.pos), Some(b',' | b']' | b'}')) {
                self.parse_flow_node(block_indent)
            } else {
                let value_end = if self.pos < self.end { self.pos } else { colon + 1 };
                Node::missing(TextRange::new(colon + 1, value_end))
            };
        let key = self.node_as_key(&key_node);
        let end = if value.is_missing() { colon + 1 } else { value.range.end };
        let pair = Pair {
            key,
            key_range: TextRange::new(start, key_node.range.end.max(start)),
            colon: Some(colon),
            value,
        };
        Entry::Pair(pair, end)
    }

    /// Is the `:` at `i` a value indicator in flow context?
    fn flow_colon_at(&self, i: usize, after_quoted: bool) -> bool {
        after_quoted || self.blank_at(i + 1) || self.ch(i + 1).is_some_and(is_flow_indicator)
    }

    /// Skips a flow collection nested too deeply, by counting brackets, without recursion.
    fn skip_flow_collection(&mut self, block_indent: isize) {
        let mut depth = 0usize;
        loop {
            if !self.skip_flow_ws(block_indent) {
                return;
            }
            match self.b[self.pos] {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }
}
