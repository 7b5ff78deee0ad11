//! `LineIndex`: byte offsets to lines and UTF-8 or UTF-16 columns and back, with clamping.

use kref_yaml::{Encoding, LineCol, LineIndex};

fn lc(line: u32, col: u32) -> LineCol {
    LineCol { line, col }
}

const MIXED: &str = "name: a😀b\r\n説明: 日本語\n\u{feff}x: é\n\nlast";

#[test]
fn utf8_and_utf16_columns_after_emoji_and_cjk() {
    let index = LineIndex::new(MIXED);
    let b = MIXED.find('b').unwrap();
    assert_eq!(index.line_col(b, Encoding::Utf8), lc(0, 11));
    assert_eq!(index.line_col(b, Encoding::Utf16), lc(0, 9));
    let go = MIXED.find('語').unwrap();
    assert_eq!(index.line_col(go, Encoding::Utf8), lc(1, 14));
    assert_eq!(index.line_col(go, Encoding::Utf16), lc(1, 6));
    assert_eq!(index.offset(lc(1, 6), Encoding::Utf16), go);
    assert_eq!(index.offset(lc(1, 14), Encoding::Utf8), go);
}

#[test]
fn round_trip_every_char_boundary() {
    for text in [MIXED, "", "\n", "a\r\nb", "😀😀\n😀", "日本\r\n\r\n語", "no newline at end"] {
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            if !text.is_char_boundary(offset) {
                continue;
            }
            // Between `\r` and `\n` is not a position an editor can name.
            if offset > 0
                && text.as_bytes()[offset - 1] == b'\r'
                && text.as_bytes().get(offset) == Some(&b'\n')
            {
                continue;
            }
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let pos = index.line_col(offset, encoding);
                assert_eq!(index.offset(pos, encoding), offset, "{text:?} at {offset} ({encoding:?})");
            }
        }
    }
}

#[test]
fn offsets_inside_characters_clamp_to_the_character_start() {
    let index = LineIndex::new(MIXED);
    let emoji = MIXED.find('😀').unwrap();
    for inside in emoji + 1..emoji + 4 {
        assert_eq!(index.clamp(inside), emoji);
        assert_eq!(index.line_col(inside, Encoding::Utf16), index.line_col(emoji, Encoding::Utf16));
    }
    // A UTF-16 column between the two halves of the emoji's surrogate pair.
    let col16 = index.line_col(emoji, Encoding::Utf16).col;
    assert_eq!(index.offset(lc(0, col16 + 1), Encoding::Utf16), emoji);
    // A UTF-8 column inside a CJK character.
    let setsu = MIXED.find('説').unwrap();
    assert_eq!(index.offset(lc(1, 1), Encoding::Utf8), setsu);
}

#[test]
fn out_of_range_positions_clamp() {
    let index = LineIndex::new(MIXED);
    // Past the end of a line: its end, before `\r\n`.
    let line0_end = MIXED.find('\r').unwrap();
    assert_eq!(index.offset(lc(0, 999), Encoding::Utf8), line0_end);
    assert_eq!(index.offset(lc(0, 999), Encoding::Utf16), line0_end);
    // Past the last line: the end of the text.
    assert_eq!(index.offset(lc(99, 0), Encoding::Utf16), MIXED.len());
    // Past the end of the text.
    assert_eq!(index.line_col(MIXED.len() + 50, Encoding::Utf8), index.line_col(MIXED.len(), Encoding::Utf8));
    // Between `\r` and `\n`: the end of the line.
    assert_eq!(index.line_col(line0_end + 1, Encoding::Utf8), index.line_col(line0_end, Encoding::Utf8));
}

#[test]
fn lines_and_ranges() {
    let index = LineIndex::new("a\r\nbc\n\nd");
    assert_eq!(index.line_count(), 4);
    assert_eq!(index.line_range(0).map(|r| (r.start, r.end)), Some((0, 1)));
    assert_eq!(index.line_range(1).map(|r| (r.start, r.end)), Some((3, 5)));
    assert_eq!(index.line_range(2).map(|r| (r.start, r.end)), Some((6, 6)));
    assert_eq!(index.line_range(3).map(|r| (r.start, r.end)), Some((7, 8)));
    assert_eq!(index.line_range(4), None);
    assert_eq!(index.line_of(4), 1);
    assert_eq!(LineIndex::new("x\n").line_count(), 2);
}

#[test]
fn file_exposes_the_same_index() {
    let file = kref_yaml::parse("a: 😀\nb: 1\n");
    let b = file.text().find('b').unwrap();
    assert_eq!(file.line_index().line_col_utf16(b), lc(1, 0));
    assert_eq!(file.line_index().offset_utf16(lc(0, 5)), "a: 😀".len());
}
