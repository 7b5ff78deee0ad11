//! LSP positions ⇄ byte offsets, in the negotiated encoding (UTF-16 unless the client offers
//! UTF-8), and incremental text edits. The only place that knows how LSP counts columns.
//!
//! Every conversion clamps like [`kref_yaml::LineIndex`]: a line past the end is the end of the
//! text, a column past the end of its line is the end of that line (before `\r\n`), and a column
//! inside a character (or between the two halves of a UTF-16 surrogate pair) is that character's
//! start.

use kref_yaml::{Encoding, LineCol, LineIndex, TextRange};
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// Picks the encoding: UTF-8 when the client lists it, else UTF-16 (the protocol's default).
pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

/// The protocol name of an encoding.
pub fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

/// The byte offset of `pos` in a parsed text.
pub fn offset(index: &LineIndex, pos: Position, encoding: Encoding) -> usize {
    index.offset(LineCol { line: pos.line, col: pos.character }, encoding)
}

/// The LSP position of a byte offset of a parsed text.
pub fn position(index: &LineIndex, offset: usize, encoding: Encoding) -> Position {
    let lc = index.line_col(offset, encoding);
    Position { line: lc.line, character: lc.col }
}

/// The LSP range of a byte range of a parsed text.
pub fn range(index: &LineIndex, range: TextRange, encoding: Encoding) -> Range {
    Range { start: position(index, range.start, encoding), end: position(index, range.end, encoding) }
}

/// The byte offset of `pos` in `text` without a line index: for applying edits, where building an
/// index of a large text for every keystroke would cost more than the walk to one line.
pub fn offset_in(text: &str, pos: Position, encoding: Encoding) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..end].strip_suffix('\r').unwrap_or(&text[start..end]);
    let col = pos.character as usize;
    match encoding {
        Encoding::Utf8 => {
            let mut at = col.min(line.len());
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            start + at
        }
        Encoding::Utf16 => {
            let mut units = 0;
            for (i, c) in line.char_indices() {
                let width = c.len_utf16();
                if units + width > col {
                    return start + i;
                }
                units += width;
            }
            start + line.len()
        }
    }
}

/// Applies one `didChange` content change: a range edit, or the whole text when `range` is
/// `None`. A range whose end comes before its start is taken as empty at its start.
pub fn apply_change(text: &mut String, range: Option<Range>, new_text: &str, encoding: Encoding) {
    match range {
        None => {
            text.clear();
            text.push_str(new_text);
        }
        Some(r) => {
            let start = offset_in(text, r.start, encoding);
            let end = offset_in(text, r.end, encoding).max(start);
            text.replace_range(start..end, new_text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    const TEXT: &str = "a: 😀x\r\nb: 配置y\nc: z";

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(negotiate(None), Encoding::Utf16);
        assert_eq!(negotiate(Some(&[PositionEncodingKind::UTF16])), Encoding::Utf16);
        assert_eq!(
            negotiate(Some(&[PositionEncodingKind::UTF16, PositionEncodingKind::UTF8])),
            Encoding::Utf8
        );
        assert_eq!(negotiate(Some(&[PositionEncodingKind::UTF32])), Encoding::Utf16);
    }

    #[test]
    fn utf16_columns_after_emoji_and_cjk() {
        // 😀 is two UTF-16 units and four bytes; 配 and 置 are one unit and three bytes each.
        assert_eq!(offset_in(TEXT, pos(0, 5), Encoding::Utf16), TEXT.find('x').unwrap());
        assert_eq!(offset_in(TEXT, pos(1, 5), Encoding::Utf16), TEXT.find('y').unwrap());
        // Between the two halves of the emoji: its start.
        assert_eq!(offset_in(TEXT, pos(0, 4), Encoding::Utf16), TEXT.find('😀').unwrap());
        // The same in UTF-8 bytes.
        assert_eq!(offset_in(TEXT, pos(0, 7), Encoding::Utf8), TEXT.find('x').unwrap());
        assert_eq!(offset_in(TEXT, pos(0, 5), Encoding::Utf8), TEXT.find('😀').unwrap());
    }

    #[test]
    fn agrees_with_the_line_index_everywhere() {
        let index = LineIndex::new(TEXT);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            for line in 0..5 {
                for character in 0..14 {
                    let p = pos(line, character);
                    assert_eq!(
                        offset_in(TEXT, p, encoding),
                        offset(&index, p, encoding),
                        "{p:?} {encoding:?}"
                    );
                }
            }
            for o in 0..=TEXT.len() {
                let p = position(&index, o, encoding);
                let back = offset(&index, p, encoding);
                assert!(back <= o, "{o} → {p:?} → {back}");
            }
        }
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        assert_eq!(offset_in(TEXT, pos(0, 99), Encoding::Utf16), TEXT.find('\r').unwrap());
        assert_eq!(offset_in(TEXT, pos(9, 0), Encoding::Utf16), TEXT.len());
        assert_eq!(offset_in(TEXT, pos(2, 99), Encoding::Utf16), TEXT.len());
        assert_eq!(offset_in("", pos(3, 3), Encoding::Utf8), 0);
    }

    #[test]
    fn edits_apply_in_order() {
        let mut text = String::from("kind: Pod\nspec: {}\n");
        apply_change(&mut text, Some(Range { start: pos(0, 6), end: pos(0, 9) }), "Service", Encoding::Utf16);
        apply_change(&mut text, Some(Range { start: pos(1, 0), end: pos(1, 0) }), "# c\n", Encoding::Utf16);
        assert_eq!(text, "kind: Service\n# c\nspec: {}\n");
        // An end before the start inserts at the start.
        apply_change(&mut text, Some(Range { start: pos(0, 4), end: pos(0, 1) }), "!", Encoding::Utf16);
        assert_eq!(text, "kind!: Service\n# c\nspec: {}\n");
        apply_change(&mut text, None, "new", Encoding::Utf16);
        assert_eq!(text, "new");
        // Past the end appends.
        apply_change(&mut text, Some(Range { start: pos(5, 0), end: pos(6, 0) }), "!", Encoding::Utf8);
        assert_eq!(text, "new!");
    }
}
