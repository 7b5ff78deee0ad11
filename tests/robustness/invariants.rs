//! The properties every input must keep, shared by the fuzz targets (`fuzz/fuzz_targets/*`, which
//! include this file by path) and the regression tests that replay `tests/robustness/corpus/`.
//!
//! Each function takes arbitrary bytes, runs one parser on them and panics (with the input in the
//! message where that helps) when an invariant breaks. Only `kref-yaml` and `kref-corpus` are
//! used, so the fuzz crate stays small.

#![allow(dead_code)]

use kref_corpus::schema::{Schema, SchemaSource};
use kref_corpus::{Origin, decode_note, parse_note};
use kref_yaml::{Encoding, LineCol, LineIndex, parse};

/// Above this many bytes only a sample of offsets is located (keeps one run linear).
const EVERY_OFFSET_UP_TO: usize = 4096;

/// Offsets to probe: all of them for small texts, an even sample of about 4,096 otherwise, plus
/// a few past the end.
fn probe_offsets(len: usize) -> impl Iterator<Item = usize> {
    let step = if len <= EVERY_OFFSET_UP_TO { 1 } else { len / EVERY_OFFSET_UP_TO + 1 };
    (0..=len).step_by(step).chain([len, len + 1, len + 7, usize::MAX])
}

/// The YAML document model: `parse` never panics, keeps its spans on character boundaries inside
/// the text, `locate` answers at every offset, and `LineIndex` conversions round-trip.
pub fn yaml_model(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let file = parse(text);
    assert!(!file.documents.is_empty(), "no document");
    assert_eq!(file.text(), text);
    let in_text = |start: usize, end: usize| {
        start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
    };
    for e in &file.errors {
        assert!(in_text(e.range.start, e.range.end), "error {e:?} outside the text");
    }
    for c in &file.comments {
        assert!(in_text(c.start, c.end), "comment {c:?} outside the text");
    }
    for doc in &file.documents {
        for (_, pair) in doc.pairs() {
            let r = pair.range();
            assert!(in_text(r.start, r.end), "pair range {r:?} outside the text");
        }
    }
    for offset in probe_offsets(text.len()) {
        let loc = file.locate(offset);
        assert!(loc.document < file.documents.len());
        let _ = loc.path.to_string();
        assert!(file.document_at(offset) < file.documents.len());
    }
    line_index(text);
}

/// `LineIndex` on one text: offset → position → offset is the identity on character boundaries
/// (except the `\n` of a `\r\n`, which belongs to the line end), columns count UTF-8 bytes or
/// UTF-16 units from the line start, offsets inside a character act as its start, and any
/// position, however far out, lands on a character boundary of its line.
pub fn line_index(text: &str) {
    let index = LineIndex::new(text);
    assert_eq!(index.len(), text.len());
    let lines = index.line_count();
    assert_eq!(lines, text.matches('\n').count() + 1);
    let bytes = text.as_bytes();
    let step = if text.len() <= EVERY_OFFSET_UP_TO { 1 } else { text.len() / EVERY_OFFSET_UP_TO + 1 };
    // Walk the characters keeping the expected line and columns.
    let (mut line, mut line_start, mut units16) = (0usize, 0usize, 0usize);
    let mut previous = None;
    let ends = text.char_indices().map(Some).chain([None]);
    for (n, item) in ends.enumerate() {
        let offset = item.map_or(text.len(), |(o, _)| o);
        if n % step == 0 || item.is_none() {
            let crlf_tail = offset > 0 && bytes.get(offset) == Some(&b'\n') && bytes[offset - 1] == b'\r';
            let expected = if crlf_tail { offset - 1 } else { offset };
            let col16 = if crlf_tail { units16 - 1 } else { units16 };
            let want8 = LineCol { line: line as u32, col: (expected - line_start) as u32 };
            let want16 = LineCol { line: line as u32, col: col16 as u32 };
            for (encoding, want) in [(Encoding::Utf8, want8), (Encoding::Utf16, want16)] {
                let pos = index.line_col(offset, encoding);
                assert_eq!(pos, want, "{encoding:?} position of offset {offset}");
                assert_eq!(index.offset(pos, encoding), expected, "{encoding:?}: {offset} → {pos:?} → back");
            }
            assert_eq!(index.clamp(offset), offset);
            // Offsets inside the previous character act as its start.
            if let Some((start, ch)) = previous {
                let (start, ch): (usize, char) = (start, ch);
                for inside in start + 1..start + ch.len_utf8() {
                    assert_eq!(index.clamp(inside), start, "clamp({inside})");
                    assert_eq!(
                        index.line_col(inside, Encoding::Utf16),
                        index.line_col(start, Encoding::Utf16)
                    );
                }
            }
        }
        if let Some((o, ch)) = item {
            if ch == '\n' {
                (line, line_start, units16) = (line + 1, o + 1, 0);
            } else {
                units16 += ch.len_utf16();
            }
        }
        previous = item;
    }
    for past in [text.len() + 1, text.len() + 7, usize::MAX] {
        assert_eq!(index.clamp(past), text.len());
        assert_eq!(index.line_col(past, Encoding::Utf16), index.line_col(text.len(), Encoding::Utf16));
    }
    for line in (0..lines + 2).step_by(lines / 256 + 1) {
        let range = index.line_range(line);
        assert_eq!(range.is_some(), line < lines);
        for col in [0, 1, 2, 3, 5, 8, 13, 80, 4096, u32::MAX] {
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let offset = index.offset(LineCol { line: line as u32, col }, encoding);
                assert!(offset <= text.len() && text.is_char_boundary(offset), "{line}:{col} → {offset}");
                match range {
                    Some(range) => {
                        assert!(
                            range.start <= offset && offset <= range.end,
                            "{line}:{col} → {offset} not in {range:?}"
                        )
                    }
                    None => assert_eq!(offset, text.len()),
                }
            }
        }
    }
}

/// The notes parser: `decode_note` accepts or rejects with a reason, and `parse_note` turns any
/// text into sections and entries whose line numbers lie inside the note.
pub fn notes(data: &[u8]) {
    if let Ok(text) = decode_note(data) {
        note_text(text);
    }
    // Whatever decode said, the parser itself must take any text.
    let lossy = String::from_utf8_lossy(data);
    note_text(&lossy);
}

fn note_text(text: &str) {
    let note = parse_note("fuzz/note.md", Origin::User, text);
    let lines = (text.matches('\n').count() + 1) as u32;
    for section in &note.sections {
        assert!(section.line_start >= 1 && section.line_start <= section.line_end, "{section:?}");
        assert!(section.line_end <= lines, "section ends at {} of {lines} lines", section.line_end);
        assert!(!section.id.is_empty());
    }
    for entry in &note.entries {
        assert!(entry.line >= 1 && entry.line <= lines, "entry at line {} of {lines}", entry.line);
        let _ = entry.subject.key();
        let _ = entry.subject.breadcrumb();
    }
}

/// The schema importers: any bytes give a schema or an error, never a panic; a schema that was
/// imported survives the store format and can be laid over the built-in one.
pub fn schema_import(data: &[u8]) {
    let results = [
        kref_corpus::schema::import("fuzz", data),
        kref_corpus::schema::import_openapi("fuzz", data),
        kref_corpus::schema::import_openapi_v2("fuzz", data),
        kref_corpus::schema::import_openapi_v3("fuzz", data),
        kref_corpus::schema::import_crds("fuzz", data),
    ];
    for result in results {
        match result {
            Ok(source) => stored_round_trip(&source),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

fn stored_round_trip(source: &SchemaSource) {
    source.validate().expect("an imported schema is valid");
    let bytes = source.to_bytes();
    let back = SchemaSource::from_bytes(&bytes).expect("a stored schema reads back");
    assert_eq!(back.kinds.len(), source.kinds.len());
    overlay(&back);
}

/// Uses a schema laid over the built-in one the way commands do: every kind, every field path.
fn overlay(source: &SchemaSource) {
    let schema = Schema::builtin().with_overlay(source);
    for kind in &source.kinds {
        let _ = schema.kind_for(&format!("{}/{}", kind.group, kind.version), &kind.kind);
        let _ = schema.resolve(&kind.kind, "spec");
        let _ = schema.resolve(&kind.kind, "metadata.name");
        let _ = schema.suggest_kinds(&kind.kind);
    }
}

/// Stored schema files (`<cache>/schemas/*.kschema`) as a damaged cache may hold them: any bytes
/// are read back or rejected, and what is read back is usable.
pub fn schema_store(data: &[u8]) {
    if let Ok(source) = SchemaSource::from_bytes(data) {
        overlay(&source);
    }
    // Behind a valid header too, so the fuzzer reaches the decoder and the validation.
    let mut bytes = store_header();
    bytes.extend_from_slice(data);
    if let Ok(source) = SchemaSource::from_bytes(&bytes) {
        overlay(&source);
    }
}

/// The header of the store format: an empty source is the header plus three zero bytes (empty
/// name, no kinds, no types).
fn store_header() -> Vec<u8> {
    let mut empty = SchemaSource { name: String::new(), kinds: Vec::new(), types: Vec::new() }.to_bytes();
    empty.truncate(empty.len().saturating_sub(3));
    empty
}
