//! The plain data produced by [`crate::parse`]: files, documents, nodes, scalars and syntax errors.

use std::fmt;

use crate::line_index::LineIndex;

/// A half-open range of byte offsets into the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        TextRange { start, end: end.max(start) }
    }

    /// An empty range at `offset`.
    pub fn empty(offset: usize) -> TextRange {
        TextRange { start: offset, end: offset }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies in `start..end` (end excluded).
    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// True when `offset` lies in `start..=end`, as a cursor touching the range does.
    pub fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// The result of parsing a whole text: every document, every syntax error, every comment.
///
/// Invariant: there is always at least one document, even for an empty text, so that an
/// editor can complete into it.
#[derive(Debug, Clone)]
pub struct File {
    pub documents: Vec<Document>,
    /// Sorted by start offset.
    pub errors: Vec<SyntaxError>,
    /// The range of every `# comment` (from `#` to the end of its line), sorted.
    pub comments: Vec<TextRange>,
    pub(crate) text: String,
    pub(crate) line_index: LineIndex,
}

impl File {
    /// The text this file was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line and column conversions for [`File::text`].
    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    /// The index of the document holding `offset` (clamped to the text).
    pub fn document_at(&self, offset: usize) -> usize {
        let after = self.documents.partition_point(|d| d.range.start <= offset);
        after.saturating_sub(1)
    }
}

/// One YAML document of a multi-document stream, with the facts hover and completion need
/// most often already picked out.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// From the start of the document (its `---` line, if any) to the start of the next one.
    pub range: TextRange,
    /// `None` when the document has no content at all (only comments or nothing).
    pub root: Option<Node>,
    /// The top-level `kind` value and its range.
    pub kind: Option<(String, TextRange)>,
    /// The top-level `apiVersion` value and its range (`v1` for core kinds).
    pub api_version: Option<(String, TextRange)>,
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// The indentation step this document uses for nested mappings (2 when it cannot tell).
    pub indent_unit: usize,
}

/// A YAML node: a collection, a scalar, an alias, or a value that is absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Covers the node's properties (anchor, tag) and its content. For a
    /// [`NodeValue::Missing`] node it is the empty or blank stretch where a value would go.
    pub range: TextRange,
    pub value: NodeValue,
    /// The name of `&anchor`, without the `&`.
    pub anchor: Option<String>,
    /// The tag as written (`!!str`, `!custom`).
    pub tag: Option<String>,
    /// True for flow collections (`{...}` and `[...]`).
    pub flow: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Mapping(Vec<Pair>),
    Sequence(Vec<Node>),
    Scalar(Scalar),
    /// `*name`, never expanded.
    Alias(String),
    /// No value here: `key:` with nothing after it, `- ` with nothing after it, an empty document.
    Missing,
}

/// One `key: value` entry of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub key: Scalar,
    /// The key with its properties (`&a key`); usually equal to `key.raw_range`.
    pub key_range: TextRange,
    /// The offset of the `:`; `None` for a key still being typed (or a flow entry `{a, b}`).
    pub colon: Option<usize>,
    /// [`NodeValue::Missing`] when there is no value.
    pub value: Node,
}

impl Pair {
    /// From the key to the end of the value; an absent value's range is the blank after
    /// the colon, so `key:   ` covers its trailing spaces.
    pub fn range(&self) -> TextRange {
        let mut range = self.key_range.cover(self.value.range);
        if let Some(colon) = self.colon {
            range = range.cover(TextRange::new(colon, colon + 1));
        }
        range
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The decoded value: escapes resolved, lines folded, block scalar indentation removed.
    pub text: String,
    /// The scalar as written, quotes and block scalar header included.
    pub raw_range: TextRange,
    pub style: ScalarStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

impl ScalarStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            ScalarStyle::Plain => "plain",
            ScalarStyle::SingleQuoted => "single-quoted",
            ScalarStyle::DoubleQuoted => "double-quoted",
            ScalarStyle::Literal => "literal",
            ScalarStyle::Folded => "folded",
        }
    }
}

/// A problem in the text. Parsing goes on after every one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    /// What is wrong, in plain words, with no trailing period.
    pub message: String,
    pub code: ErrorCode,
}

/// The stable identifier of a kind of syntax error (shown as `unclosed-quote` and so on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A quoted scalar with no closing quote; reported where the quote opens.
    UnclosedQuote,
    /// A `[` or `{` with no matching close; reported where it opens.
    UnclosedBracket,
    /// The same key twice in one mapping; reported on the second.
    DuplicateKey,
    /// A line indented differently from its siblings.
    BadIndentation,
    /// A tab in indentation.
    TabIndent,
    /// A character that cannot appear where it is.
    UnexpectedChar,
    /// More text after a complete value on the same line.
    UnexpectedContent,
    /// A key with no `:` after it.
    MissingColon,
    /// Nesting deeper than [`crate::MAX_DEPTH`]; the deeper part is skipped.
    TooDeep,
    /// A backslash escape that double-quoted scalars do not know.
    InvalidEscape,
    /// A block scalar header (`|`, `>-`, `|2`) that is malformed.
    BadBlockScalar,
    /// An alias to an anchor not defined before it in the document.
    UnknownAnchor,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnclosedQuote => "unclosed-quote",
            ErrorCode::UnclosedBracket => "unclosed-bracket",
            ErrorCode::DuplicateKey => "duplicate-key",
            ErrorCode::BadIndentation => "bad-indentation",
            ErrorCode::TabIndent => "tab-indent",
            ErrorCode::UnexpectedChar => "unexpected-char",
            ErrorCode::UnexpectedContent => "unexpected-content",
            ErrorCode::MissingColon => "missing-colon",
            ErrorCode::TooDeep => "too-deep",
            ErrorCode::InvalidEscape => "invalid-escape",
            ErrorCode::BadBlockScalar => "bad-block-scalar",
            ErrorCode::UnknownAnchor => "unknown-anchor",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Node {
    pub(crate) fn missing(range: TextRange) -> Node {
        Node { range, value: NodeValue::Missing, anchor: None, tag: None, flow: false }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self.value, NodeValue::Missing)
    }

    /// The decoded text of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            NodeValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&[Pair]> {
        match &self.value {
            NodeValue::Mapping(pairs) => Some(pairs),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The first pair of a mapping whose key is `key`.
    pub fn pair(&self, key: &str) -> Option<&Pair> {
        self.as_mapping()?.iter().find(|p| p.key.text == key)
    }

    /// The value of the first pair of a mapping whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.pair(key).map(|p| &p.value)
    }

    /// Follows `path` from this node: keys in mappings, decimal indexes in sequences.
    pub fn at<S: AsRef<str>>(&self, path: &[S]) -> Option<&Node> {
        let mut node = self;
        for segment in path {
            let segment = segment.as_ref();
            node = match &node.value {
                NodeValue::Mapping(_) => node.get(segment)?,
                NodeValue::Sequence(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

impl Document {
    /// The node at `path` from the root, e.g. `["spec", "template", "metadata", "labels"]`;
    /// in sequences a segment is a decimal index (`["spec", "containers", "0", "name"]`).
    pub fn get<S: AsRef<str>>(&self, path: &[S]) -> Option<&Node> {
        self.root.as_ref()?.at(path)
    }
}
