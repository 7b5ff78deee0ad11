//! Conversions between byte offsets and line/column positions, in UTF-8 bytes or UTF-16 code units.
//!
//! Both the language server (LSP positions are UTF-16 unless UTF-8 is negotiated) and the
//! CLI (`kref check` prints lines and columns) use this one type. Every conversion clamps:
//! positions past the end of a line or of the text, and offsets inside a multi-byte character,
//! land on the nearest valid place before them instead of failing.

use crate::model::TextRange;

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Columns are UTF-8 bytes.
    Utf8,
    /// Columns are UTF-16 code units (the LSP default).
    Utf16,
}

/// A zero-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts and the places of non-ASCII characters of one text; it does not keep the text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineIndex {
    len: usize,
    /// Offset of the first byte of every line; the first is 0.
    starts: Vec<usize>,
    /// Offset where each line's content ends, before `\n` or `\r\n`.
    ends: Vec<usize>,
    /// Start offset and UTF-8 length of every non-ASCII character, in order.
    wide: Vec<(usize, u8)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut ends = Vec::new();
        let mut wide = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' {
                let end = if i > 0 && bytes[i - 1] == b'\r' { i - 1 } else { i };
                ends.push(end);
                starts.push(i + 1);
                i += 1;
            } else if b < 0x80 {
                i += 1;
            } else {
                let len = utf8_len(b);
                wide.push((i, len as u8));
                i += len;
            }
        }
        ends.push(bytes.len());
        LineIndex { len: bytes.len(), starts, ends, wide }
    }

    /// The offset of the first byte of every line.
    pub(crate) fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of lines; a text ending with a newline has an empty last line.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The content of `line`, without its line break.
    pub fn line_range(&self, line: usize) -> Option<TextRange> {
        Some(TextRange::new(*self.starts.get(line)?, self.ends[line]))
    }

    /// The zero-based line holding `offset` (clamped).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// `offset` moved into the text and back onto the start of the character it falls in.
    pub fn clamp(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        let i = self.wide.partition_point(|&(start, _)| start <= offset);
        if i > 0 {
            let (start, len) = self.wide[i - 1];
            if offset < start + len as usize {
                return start;
            }
        }
        offset
    }

    /// The line and column of `offset`. An offset past the end of the text is clamped to the
    /// end, one inside a character to that character's start, one inside a `\r\n` to the end
    /// of the line.
    pub fn line_col(&self, offset: usize, encoding: Encoding) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let offset = offset.min(self.ends[line]);
        let start = self.starts[line];
        let mut col = offset - start;
        if encoding == Encoding::Utf16 {
            let from = self.wide.partition_point(|&(o, _)| o < start);
            let to = self.wide.partition_point(|&(o, _)| o < offset);
            for &(_, len) in &self.wide[from..to] {
                col -= len as usize - utf16_len(len);
            }
        }
        LineCol { line: to_u32(line), col: to_u32(col) }
    }

    /// The byte offset of `pos`. A line past the last is clamped to the end of the text, a
    /// column past the end of its line to the end of that line (before its line break), and
    /// a column inside a character (or inside a UTF-16 surrogate pair) to the character's start.
    pub fn offset(&self, pos: LineCol, encoding: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let (start, end) = (self.starts[line], self.ends[line]);
        let col = pos.col as usize;
        match encoding {
            Encoding::Utf8 => self.clamp(start.saturating_add(col).min(end)),
            Encoding::Utf16 => {
                let from = self.wide.partition_point(|&(o, _)| o < start);
                let mut units = 0;
                let mut cur = start;
                for &(o, len) in &self.wide[from..] {
                    if o >= end {
                        break;
                    }
                    if col - units <= o - cur {
                        return cur + (col - units);
                    }
                    units += o - cur;
                    cur = o;
                    let wide_units = utf16_len(len);
                    if units + wide_units > col {
                        return cur;
                    }
                    units += wide_units;
                    cur += len as usize;
                }
                cur.saturating_add(col - units).min(end)
            }
        }
    }

    /// Shorthand for `line_col(offset, Encoding::Utf16)`.
    pub fn line_col_utf16(&self, offset: usize) -> LineCol {
        self.line_col(offset, Encoding::Utf16)
    }

    /// Shorthand for `offset(pos, Encoding::Utf16)`.
    pub fn offset_utf16(&self, pos: LineCol) -> usize {
        self.offset(pos, Encoding::Utf16)
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

fn utf16_len(utf8_len: u8) -> usize {
    if utf8_len == 4 { 2 } else { 1 }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
