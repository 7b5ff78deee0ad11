//! The reference for kref's index build: plain tantivy indexing a folder of Markdown notes, one
//! document per file, one stemmed text field (tantivy's `en_stem`), the same writer heap and
//! threads as kref, one commit, then everything merged into one segment as kref does.
//!
//! `cargo run --release -p kref-index --example plain_tantivy -- NOTES_DIR [--no-merge]`
//! prints the throughput; `bench/search_bench.py` runs it beside `kref index --rebuild`.

#![allow(clippy::print_stdout)] // An example that prints its figures.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, TantivyDocument};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn main() -> tantivy::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: plain_tantivy NOTES_DIR [--no-merge]");
        std::process::exit(2);
    };
    let merge = !args.iter().any(|a| a == "--no-merge");
    let start = Instant::now();
    let mut paths = Vec::new();
    files(Path::new(dir), &mut paths);
    let mut builder = Schema::builder();
    let stemmed = TextFieldIndexing::default()
        .set_tokenizer("en_stem")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let body = builder.add_text_field("body", TextOptions::default().set_indexing_options(stemmed));
    let out = tempfile::tempdir()?;
    let index = Index::create_in_dir(out.path(), builder.build())?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(3);
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, 50_000_000)?;
    writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
    let mut bytes = 0usize;
    for path in &paths {
        let text = std::fs::read_to_string(path)?;
        bytes += text.len();
        let mut doc = TantivyDocument::new();
        doc.add_text(body, text);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if merge && segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "plain tantivy: {} files, {:.1} MB in {secs:.2} s, {:.1} MB/s{}",
        paths.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs,
        if merge { "" } else { " (no final merge)" }
    );
    Ok(())
}
