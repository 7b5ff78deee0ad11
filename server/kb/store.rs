//! The on-disk search index of built-in and user notes: where it lives, when it is rebuilt,
//! and the incremental refresh that re-reads only the notes that changed.
//!
//! Invariant: the index at `<cache>/index/<key>` is only ever replaced whole (an atomic rename in
//! `SearchIndex::create`) or changed by one tantivy commit that carries its manifest, so a crash
//! at any point leaves the previous index usable.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use kref_corpus::schema::{KindSource, Schema, builtin_source_bytes};
use kref_corpus::{Note, Origin, builtin, decode_note, parse_note};
use kref_index::{
    BUILTIN_SCHEMA_FILE, Builder, Doc, FileStamp, IndexError, Manifest, ManifestSummary, SearchIndex, Update,
    docs_from_note, docs_from_schema, schema_file,
};

use super::sources::{NoteFile, Walk, dir_mtime, walk_notes};

/// The version written into every manifest: an index built by another version is rebuilt.
pub const KREF_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The notes a search checks one by one (size and time) besides the folders: the ones changed
/// most recently when the index was last updated (the notes being worked on). See
/// [`quick_check_passes`] for what a search notices.
pub const HOT_FILES: usize = 128;

/// A search checks every note (and is as thorough as `kref index`) when the last such check is
/// older than this.
pub const FULL_CHECK_EVERY: Duration = Duration::from_secs(300);

/// When more than this share of the notes changed, the index is rebuilt rather than updated
/// (a rebuild streams; an update holds the new documents in memory).
const REBUILD_ABOVE: usize = 2_000;

/// How long `kref index` waits for another kref process that is writing the same index.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Threads that read and parse notes during a build (tantivy's writer threads run beside them).
const MAX_PARSE_THREADS: usize = 4;
/// Documents of the built-in notes and schema, roughly (sizes the writer).
const BUILTIN_DOCS_ESTIMATE: usize = 5_500;
/// Documents per user note, roughly (a section per heading, an entry per item).
const DOCS_PER_NOTE_ESTIMATE: usize = 8;

/// How thoroughly to bring the index up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Before a search: cheap checks; if another process is writing, search the index as it is.
    Quick,
    /// `kref index`: look at every file; wait for another writer.
    Full,
    /// `kref index --rebuild`: throw the index away and build it again.
    Rebuild,
}

/// What a refresh did, for messages.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Why the index was built from scratch, if it was.
    pub rebuilt: Option<String>,
    /// Files skipped and other problems worth telling the user.
    pub warnings: Vec<String>,
    /// The index is not on disk (the cache folder could not be written).
    pub in_memory: bool,
    /// Total note files (built-in and user) in the index.
    pub files: usize,
}

impl Report {
    /// Did the refresh change anything?
    pub fn changed_anything(&self) -> bool {
        self.added + self.changed + self.removed > 0 || self.rebuilt.is_some()
    }
}

/// Receives progress while notes are parsed and indexed (a progress bar in the CLI); called from
/// the threads that parse notes.
pub trait Progress: Sync {
    fn start(&self, _total: u64) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// No progress display.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Creates `dir` and its missing parents readable by the user only (0700): the cache holds the
/// user's notes. A folder that exists keeps its permissions.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// The folder of the index for this set of note folders.
pub fn index_dir(cache: &Path, notes: &[PathBuf]) -> PathBuf {
    let mut hasher = blake3::Hasher::new();
    for dir in notes {
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        hasher.update(canonical.to_string_lossy().as_bytes());
        hasher.update(&[0]);
    }
    let key =
        if notes.is_empty() { "builtin".to_string() } else { hasher.finalize().to_hex()[..16].to_string() };
    cache.join("index").join(key)
}

/// A source that is not a user's note file: a built-in note, the built-in schema, or a stored
/// schema import. Its documents are made only when its stamp changed.
struct Fixed {
    key: String,
    stamp: FileStamp,
    make: Box<dyn Fn() -> Vec<Doc> + Send + Sync>,
}

fn stamp_of(bytes: &[u8]) -> FileStamp {
    FileStamp { hash: blake3::hash(bytes).to_hex()[..32].to_string(), size: bytes.len() as u64, mtime: 0 }
}

/// Is this manifest key one of the [`Fixed`] sources rather than a user's file?
fn is_fixed_key(key: &str) -> bool {
    key.starts_with(builtin::PATH_PREFIX) || key.starts_with("schema:")
}

fn fixed_sources(cache: &Path) -> Vec<Fixed> {
    // A built-in note's documents also carry the concept layer's phrasings, so its stamp covers
    // the concepts file too: editing that file refreshes the built-in documents.
    let concepts = blake3::hash(builtin::concepts_source().as_bytes());
    let mut out: Vec<Fixed> = builtin::files()
        .into_iter()
        .map(|file| {
            let mut stamp = stamp_of(file.contents);
            stamp.hash =
                blake3::hash(format!("{}{concepts}", stamp.hash).as_bytes()).to_hex()[..32].to_string();
            Fixed { key: file.display_path(), stamp, make: Box::new(move || docs_from_note(&file.parse())) }
        })
        .collect();
    out.push(Fixed {
        key: BUILTIN_SCHEMA_FILE.to_string(),
        stamp: stamp_of(builtin_source_bytes()),
        make: Box::new(|| docs_from_schema(Schema::builtin(), &KindSource::Builtin)),
    });
    let (imports, _) = super::schemas::list(cache);
    for (_, source) in imports {
        let bytes = source.to_bytes();
        let kind_source = KindSource::Imported(source.name.clone());
        out.push(Fixed {
            key: schema_file(&kind_source),
            stamp: stamp_of(&bytes),
            make: Box::new(move || docs_from_schema(&Schema::builtin().with_overlay(&source), &kind_source)),
        });
    }
    out
}

/// Reads and parses a user's note; `Err` is a warning naming the file.
pub fn read_user_note(path: &Path) -> std::result::Result<(Note, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("skipped {}: {e}", path.display()))?;
    let hash = blake3::hash(&bytes).to_hex()[..32].to_string();
    let text = decode_note(&bytes).map_err(|e| format!("skipped {}: {e}", path.display()))?;
    Ok((parse_note(&path.to_string_lossy(), Origin::User, text), hash))
}

/// Opens the index for `notes`, bringing it up to date as `mode` asks. Falls back to an index in
/// memory when the cache folder cannot be written, so search always works.
pub fn open_index(
    cache: &Path,
    notes: &[PathBuf],
    mode: Refresh,
    progress: &dyn Progress,
) -> Result<(SearchIndex, Report)> {
    let dir = index_dir(cache, notes);
    let mut report = Report::default();
    let existing = if mode == Refresh::Rebuild || !dir.join("meta.json").exists() {
        None
    } else {
        match SearchIndex::open(&dir) {
            Ok(index) if index.summary().kref_version == KREF_VERSION => Some(index),
            Ok(_) => {
                report.rebuilt = Some("it was built by another version of kref".into());
                None
            }
            Err(IndexError::VersionMismatch { .. }) => {
                report.rebuilt = Some("it was built by another version of kref".into());
                None
            }
            Err(e) => {
                report.rebuilt = Some(format!("it could not be read ({e})"));
                None
            }
        }
    };
    if mode == Refresh::Rebuild {
        report.rebuilt = Some("a rebuild was asked for".into());
    }
    match existing {
        Some(index) => refresh(index, cache, &dir, notes, mode, progress, report),
        None => {
            if report.rebuilt.is_none() && dir.exists() {
                report.rebuilt = Some("it was incomplete".into());
            }
            build(cache, &dir, notes, progress, report)
        }
    }
}

fn manifest_base() -> Manifest {
    Manifest {
        kref_version: KREF_VERSION.to_string(),
        schema_version: kref_index::INDEX_SCHEMA_VERSION,
        ..Manifest::default()
    }
}

fn dirs_map(walk: &Walk) -> BTreeMap<String, i64> {
    walk.dirs.iter().map(|(p, t)| (p.to_string_lossy().into_owned(), *t)).collect()
}

fn user_stamp(file: &NoteFile, hash: String) -> FileStamp {
    FileStamp { hash, size: file.size, mtime: file.mtime }
}

/// What parsing one user note gave: its hash and warnings, or why it was skipped.
type Parsed = std::result::Result<(String, Vec<String>), String>;

/// Parses every source and streams its documents into `builder`, on as many threads as there are
/// cores (tantivy's writer threads analyse the documents meanwhile). Returns, in `walk` order, what
/// each user note gave.
fn fill(builder: &Builder, fixed: &[Fixed], walk: &Walk, progress: &dyn Progress) -> Result<Vec<Parsed>> {
    let jobs = fixed.len() + walk.files.len();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_PARSE_THREADS);
    let mut parsed: Vec<(usize, Parsed)> = Vec::with_capacity(walk.files.len());
    let mut first_error: Option<IndexError> = None;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine: Vec<(usize, Parsed)> = Vec::new();
                    loop {
                        let job = next.fetch_add(1, Ordering::Relaxed);
                        if job >= jobs || failed.load(Ordering::Relaxed) {
                            return (mine, None);
                        }
                        let added = if let Some(source) = fixed.get(job) {
                            builder.add(&(source.make)())
                        } else {
                            let file = &walk.files[job - fixed.len()];
                            match read_user_note(&file.path) {
                                Ok((note, hash)) => {
                                    let key = file.path.to_string_lossy();
                                    let warnings =
                                        note.warnings.iter().map(|w| format!("{key}: {w}")).collect();
                                    mine.push((job, Ok((hash, warnings))));
                                    builder.add(&docs_from_note(&note))
                                }
                                Err(warning) => {
                                    mine.push((job, Err(warning)));
                                    Ok(())
                                }
                            }
                        };
                        progress.advance();
                        if let Err(e) = added {
                            failed.store(true, Ordering::Relaxed);
                            return (mine, Some(e));
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok((mine, error)) => {
                    parsed.extend(mine);
                    if first_error.is_none() {
                        first_error = error;
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    if let Some(e) = first_error {
        return Err(e.into());
    }
    parsed.sort_unstable_by_key(|(job, _)| *job);
    Ok(parsed.into_iter().map(|(_, p)| p).collect())
}

/// Builds the whole index from scratch (atomically replacing whatever was at `dir`), streaming
/// each note's documents into the index as it is parsed: memory stays bounded by the writer's
/// budget, not by the size of the notes.
fn build(
    cache: &Path,
    dir: &Path,
    notes: &[PathBuf],
    progress: &dyn Progress,
    mut report: Report,
) -> Result<(SearchIndex, Report)> {
    let walk = walk_notes(notes);
    report.warnings.extend(walk.problems.iter().cloned());
    let fixed = fixed_sources(cache);
    let expected_docs = BUILTIN_DOCS_ESTIMATE + walk.files.len() * DOCS_PER_NOTE_ESTIMATE;
    let deadline = Instant::now() + LOCK_WAIT;
    let on_disk = loop {
        match create_private_dir(dir.parent().unwrap_or(dir)) {
            Err(e) => break Err(e.to_string()),
            Ok(()) => match SearchIndex::build_in(dir, expected_docs) {
                // Another kref process is updating this index: wait for it, as `refresh` does.
                Err(IndexError::Locked { .. }) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                result => break result.map_err(|e| e.to_string()),
            },
        }
    };
    // Notes are parsed once per attempt; their warnings are kept from the first.
    let mut parsed_once = false;
    let written = match on_disk {
        Ok(builder) => {
            parsed_once = true;
            write(builder, cache, &fixed, &walk, progress, &mut report)
        }
        Err(e) => Err(e),
    };
    let index = match written {
        Ok(index) => index,
        Err(e) => {
            report.warnings.push(format!(
                "could not write the index under {} ({e}); searching in memory for now. \
                 Set KREF_CACHE_DIR to a writable folder to keep an index between runs",
                dir.display()
            ));
            report.in_memory = true;
            let builder = SearchIndex::build_in_ram(expected_docs)
                .context("could not build the search index in memory")?;
            let mut again = Report::default();
            let target = if parsed_once { &mut again } else { &mut report };
            write(builder, cache, &fixed, &walk, progress, target)
                .map_err(anyhow::Error::msg)
                .context("could not build the search index in memory")?
        }
    };
    report.files = walk.files.len() + fixed.len();
    report.added = report.files;
    if !report.in_memory {
        record_full_check(dir);
    }
    Ok((index, report))
}

/// Fills `builder` with every source and finishes it with their manifest; adds the notes'
/// warnings to `report`. `Err` is the reason, for a message.
fn write(
    builder: Builder,
    cache: &Path,
    fixed: &[Fixed],
    walk: &Walk,
    progress: &dyn Progress,
    report: &mut Report,
) -> std::result::Result<SearchIndex, String> {
    progress.start((fixed.len() + walk.files.len()) as u64);
    let parsed = fill(&builder, fixed, walk, progress);
    progress.finish();
    let parsed = parsed.map_err(|e| e.to_string())?;
    let mut manifest = manifest_base();
    manifest.dirs = dirs_map(walk);
    for source in fixed {
        manifest.files.insert(source.key.clone(), source.stamp.clone());
    }
    for (file, result) in walk.files.iter().zip(parsed) {
        let key = file.path.to_string_lossy().into_owned();
        match result {
            Ok((hash, warnings)) => {
                report.warnings.extend(warnings);
                manifest.files.insert(key, user_stamp(file, hash));
            }
            Err(warning) => {
                report.warnings.push(warning);
                manifest.files.insert(key, user_stamp(file, "skipped".into()));
            }
        }
    }
    stamp_summary(&mut manifest, fixed, cache);
    builder.finish(manifest).map_err(|e| e.to_string())
}

/// Does a quick look say nothing changed? (Only for large note sets: smaller ones are always
/// checked file by file.)
fn folders_unchanged(dirs: &BTreeMap<String, i64>) -> bool {
    dirs.iter().all(|(dir, time)| dir_mtime(Path::new(dir)) == Some(*time))
}

/// Manifest keys of the summary read on every search.
const FIXED_KEY: &str = "fixed_sources";
const USER_FILES_KEY: &str = "user_files";
/// The kref binary's stamp: the built-in notes and schema are part of it.
const EXE_KEY: &str = "exe";
/// The stored schema imports' stamp.
const IMPORTS_KEY: &str = "imports";
/// The [`HOT_FILES`] most recently changed notes with their stamps (JSON).
const HOT_KEY: &str = "hot";
/// The file in the index folder holding when a search last checked every note (Unix seconds).
const CHECKED_FILE: &str = "checked-at";

/// One hash over the stamps of every fixed source: equal means no built-in note, schema or
/// import changed.
fn fixed_digest(fixed: &[Fixed]) -> String {
    let mut hasher = blake3::Hasher::new();
    for f in fixed {
        hasher.update(f.key.as_bytes());
        hasher.update(&[0]);
        hasher.update(f.stamp.hash.as_bytes());
        hasher.update(&[0]);
    }
    hasher.finalize().to_hex()[..32].to_string()
}

/// Size and modification time of the running kref: another binary may carry other built-in
/// notes or schema. Empty when unknown (then the built-in sources are hashed).
fn exe_stamp() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}:{}", m.len(), super::sources::mtime_of(&m)))
        .unwrap_or_default()
}

/// Names, sizes and times of the stored schema imports (a listing, no reading).
fn imports_stamp(cache: &Path) -> String {
    let mut entries: Vec<String> = std::fs::read_dir(super::schemas::store_dir(cache))
        .map(|dir| {
            dir.flatten()
                .filter_map(|e| {
                    let m = e.metadata().ok()?;
                    Some(format!(
                        "{}:{}:{}",
                        e.file_name().to_string_lossy(),
                        m.len(),
                        super::sources::mtime_of(&m)
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries.join("/")
}

/// The [`HOT_FILES`] user notes changed most recently, with their stamps.
fn hot_files(manifest: &Manifest) -> Vec<(String, u64, i64)> {
    let mut user: Vec<(&String, &FileStamp)> =
        manifest.files.iter().filter(|(k, _)| !is_fixed_key(k)).collect();
    user.sort_by(|a, b| b.1.mtime.cmp(&a.1.mtime).then(a.0.cmp(b.0)));
    user.into_iter().take(HOT_FILES).map(|(k, s)| (k.clone(), s.size, s.mtime)).collect()
}

/// Records what the quick check of the next search compares.
fn stamp_summary(manifest: &mut Manifest, fixed: &[Fixed], cache: &Path) {
    let user = manifest.files.keys().filter(|k| !is_fixed_key(k)).count();
    manifest.extra.insert(FIXED_KEY.to_string(), fixed_digest(fixed));
    manifest.extra.insert(USER_FILES_KEY.to_string(), user.to_string());
    manifest.extra.insert(EXE_KEY.to_string(), exe_stamp());
    manifest.extra.insert(IMPORTS_KEY.to_string(), imports_stamp(cache));
    let hot = serde_json::to_string(&hot_files(manifest)).unwrap_or_default();
    manifest.extra.insert(HOT_KEY.to_string(), hot);
}

/// When a search last checked every note (`None` when unknown).
fn last_full_check(dir: &Path) -> Option<std::time::SystemTime> {
    let secs: u64 = std::fs::read_to_string(dir.join(CHECKED_FILE)).ok()?.trim().parse().ok()?;
    Some(std::time::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Records that every note was just checked (best effort: a read-only cache is not written).
fn record_full_check(dir: &Path) {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir)
        && std::io::Write::write_all(&mut tmp, now.to_string().as_bytes()).is_ok()
    {
        let _ = tmp.persist(dir.join(CHECKED_FILE));
    }
}

/// The check a search makes before using the index, without reading every note's stamp. It
/// passes (the index is used as it is) when the kref binary and the stored schema imports are
/// the ones the index was built with, every note folder has the time it had (so no note was
/// added, removed or renamed, and none was saved by writing a new file in its place), the
/// [`HOT_FILES`] most recently changed notes have the size and time they had, and a search
/// checked every note less than [`FULL_CHECK_EVERY`] ago. Otherwise the search checks every
/// note, as `kref index` does.
fn quick_check_passes(summary: &ManifestSummary, cache: &Path, dir: &Path) -> bool {
    let extra = &summary.extra;
    if extra.get(EXE_KEY).is_none_or(|s| s.is_empty() || *s != exe_stamp())
        || extra.get(IMPORTS_KEY) != Some(&imports_stamp(cache))
        || !folders_unchanged(&summary.dirs)
    {
        return false;
    }
    let hot: Vec<(String, u64, i64)> =
        extra.get(HOT_KEY).and_then(|h| serde_json::from_str(h).ok()).unwrap_or_default();
    let hot_unchanged = hot.iter().all(|(path, size, mtime)| {
        std::fs::metadata(path).is_ok_and(|m| m.len() == *size && super::sources::mtime_of(&m) == *mtime)
    });
    hot_unchanged && last_full_check(dir).is_some_and(|t| t.elapsed().is_ok_and(|age| age < FULL_CHECK_EVERY))
}

fn refresh(
    mut index: SearchIndex,
    cache: &Path,
    dir: &Path,
    notes: &[PathBuf],
    mode: Refresh,
    progress: &dyn Progress,
    mut report: Report,
) -> Result<(SearchIndex, Report)> {
    if mode == Refresh::Quick && quick_check_passes(index.summary(), cache, dir) {
        report.files = usize::try_from(index.summary().file_count).unwrap_or(usize::MAX);
        return Ok((index, report));
    }
    let fixed = fixed_sources(cache);
    let old = match index.manifest() {
        Ok(m) => m.clone(),
        Err(e) => {
            report.rebuilt = Some(format!("it could not be read ({e})"));
            return build(cache, dir, notes, progress, report);
        }
    };
    let walk = walk_notes(notes);
    report.warnings.extend(walk.problems.iter().cloned());
    let mut manifest = manifest_base();
    manifest.dirs = dirs_map(&walk);
    manifest.extra = old.extra.clone();
    // Many changed notes (a first index of a big folder added to the configured ones, a
    // checkout of another branch): a rebuild streams them instead of holding them in memory.
    let stale = walk
        .files
        .iter()
        .filter(|f| {
            old.files
                .get(f.path.to_string_lossy().as_ref())
                .is_none_or(|s| s.size != f.size || s.mtime != f.mtime)
        })
        .count();
    if stale > REBUILD_ABOVE && stale * 4 > walk.files.len() {
        report.rebuilt = Some(format!("{stale} notes changed"));
        return build(cache, dir, notes, progress, report);
    }
    let mut add: Vec<Doc> = Vec::new();
    let mut touched: BTreeSet<String> = BTreeSet::new();
    let mut work: Vec<(&NoteFile, String)> = Vec::new();
    for source in &fixed {
        manifest.files.insert(source.key.clone(), source.stamp.clone());
        if old.files.get(&source.key) != Some(&source.stamp) {
            if old.files.contains_key(&source.key) {
                report.changed += 1;
            } else {
                report.added += 1;
            }
            touched.insert(source.key.clone());
            add.extend((source.make)());
        }
    }
    for file in &walk.files {
        let key = file.path.to_string_lossy().into_owned();
        match old.files.get(&key) {
            Some(stamp) if stamp.size == file.size && stamp.mtime == file.mtime => {
                manifest.files.insert(key, stamp.clone());
            }
            _ => work.push((file, key)),
        }
    }
    if !work.is_empty() {
        progress.start(work.len() as u64);
    }
    for (file, key) in work {
        let previous = old.files.get(&key);
        match read_user_note(&file.path) {
            Ok((note, hash)) => {
                if previous.is_some_and(|p| p.hash == hash) {
                    manifest.files.insert(key, user_stamp(file, hash));
                    progress.advance();
                    continue;
                }
                report.warnings.extend(note.warnings.iter().map(|w| format!("{key}: {w}")));
                if previous.is_some() {
                    report.changed += 1;
                } else {
                    report.added += 1;
                }
                add.extend(docs_from_note(&note));
                touched.insert(key.clone());
                manifest.files.insert(key, user_stamp(file, hash));
            }
            Err(warning) => {
                report.warnings.push(warning);
                if previous.is_some_and(|p| p.hash != "skipped") {
                    touched.insert(key.clone());
                    report.changed += 1;
                }
                manifest.files.insert(key, user_stamp(file, "skipped".into()));
            }
        }
        progress.advance();
    }
    progress.finish();
    let removed: Vec<String> =
        old.files.keys().filter(|k| !manifest.files.contains_key(*k)).cloned().collect();
    report.removed = removed.len();
    report.files = manifest.files.len();
    stamp_summary(&mut manifest, &fixed, cache);
    record_full_check(dir);
    if manifest == old {
        return Ok((index, report));
    }
    let mut remove_files = removed;
    remove_files.extend(touched);
    let update = Update { remove_files, add, manifest };
    let deadline = Instant::now() + if mode == Refresh::Quick { Duration::ZERO } else { LOCK_WAIT };
    loop {
        match index.update(update.clone()) {
            Ok(()) => return Ok((index, report)),
            Err(IndexError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(IndexError::Locked { .. }) if mode == Refresh::Quick => {
                report.warnings.push(
                    "another kref process is updating the index; these results may miss your latest note changes".into(),
                );
                return Ok((index, report));
            }
            Err(IndexError::Locked { .. }) => {
                anyhow::bail!(
                    "another kref process has been writing the index at {} for over {}s; wait for it to finish and run `kref index` again",
                    dir.display(),
                    LOCK_WAIT.as_secs()
                );
            }
            Err(e) if mode == Refresh::Quick => {
                report.warnings.push(format!(
                    "could not update the index at {} ({e}); searching what it already holds. Run `kref index` to see the problem",
                    dir.display()
                ));
                return Ok((index, report));
            }
            Err(e) => {
                return Err(e).with_context(|| format!("could not update the index at {}", dir.display()));
            }
        }
    }
}

/// Parses every note (built-in first, then the user's folders): what `kref show` and the
/// language server read. Problems come back as warnings.
pub fn load_notes(notes: &[PathBuf]) -> (Vec<Note>, Vec<String>) {
    load_notes_naming(notes, None)
}

/// Like [`load_notes`], but when `kinds` is given only notes that contain one of those kinds
/// as a code span are parsed: an entry about kind `K` can only come from a note with `` `K` ``
/// in it, so the result holds every entry about those kinds at a fraction of the cost.
pub fn load_notes_naming(notes: &[PathBuf], kinds: Option<&[&str]>) -> (Vec<Note>, Vec<String>) {
    let spans: Option<Vec<String>> = kinds.map(|ks| ks.iter().map(|k| format!("`{k}`")).collect());
    let wanted =
        |text: &[u8]| spans.as_ref().is_none_or(|spans| spans.iter().any(|s| contains(text, s.as_bytes())));
    let mut out: Vec<Note> =
        builtin::files().iter().filter(|f| wanted(f.contents)).map(builtin::BuiltinFile::parse).collect();
    let walk = walk_notes(notes);
    let mut warnings = walk.problems;
    for file in &walk.files {
        if spans.is_some() && std::fs::read(&file.path).is_ok_and(|bytes| !wanted(&bytes)) {
            continue;
        }
        match read_user_note(&file.path) {
            Ok((note, _)) => {
                warnings.extend(note.warnings.iter().map(|w| format!("{}: {w}", file.path.display())));
                out.push(note);
            }
            Err(w) => warnings.push(w),
        }
    }
    (out, warnings)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kref_index::Query;
    use std::time::SystemTime;

    fn note(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn found(index: &SearchIndex, word: &str) -> bool {
        index
            .search(&Query::new(word))
            .unwrap()
            .iter()
            .any(|h| h.file.ends_with(".md") && !h.file.starts_with("builtin:"))
    }

    /// Rewrites `path` in place (its folder's time does not change) with `text`, and gives it
    /// the modification time `mtime`.
    fn edit_in_place(path: &Path, text: &str, mtime: SystemTime) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(path).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f.set_modified(mtime).unwrap();
    }

    fn quick(cache: &Path, notes: &Path) -> (SearchIndex, Report) {
        open_index(cache, &[notes.to_path_buf()], Refresh::Quick, &NoProgress).unwrap()
    }

    #[test]
    fn what_the_next_search_sees() {
        let root = tempfile::tempdir().unwrap();
        let (cache, notes) = (root.path().join("cache"), root.path().join("notes"));
        std::fs::create_dir_all(&notes).unwrap();
        // More notes than the quick check looks at one by one; the oldest were changed long ago.
        let old = SystemTime::now() - Duration::from_secs(86_400);
        for i in 0..HOT_FILES + 20 {
            let path = note(&notes, &format!("n{i:03}.md"), &format!("# Note {i}\n\nplain words\n"));
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(old + Duration::from_secs(i as u64))
                .unwrap();
        }
        let (_, report) = quick(&cache, &notes);
        assert_eq!(report.added, report.files);
        let dir = index_dir(&cache, std::slice::from_ref(&notes));

        // A new note changes its folder's time: the next search reads it.
        note(&notes, "fresh.md", "# Fresh\n\nzanzibar\n");
        let (index, report) = quick(&cache, &notes);
        assert_eq!(report.added, 1);
        assert!(found(&index, "zanzibar"));

        // A recently changed note edited in place is one of the notes checked one by one.
        edit_in_place(&notes.join("fresh.md"), "# Fresh\n\nquagga\n", SystemTime::now());
        let (index, report) = quick(&cache, &notes);
        assert_eq!(report.changed, 1);
        assert!(found(&index, "quagga") && !found(&index, "zanzibar"));

        // An old note edited in place, its size and folder unchanged apart from its time: the
        // quick check does not look at it until every note is checked again...
        edit_in_place(
            &notes.join("n000.md"),
            "# Note 0\n\nplain xylophonist\n",
            old + Duration::from_secs(7),
        );
        let (index, report) = quick(&cache, &notes);
        assert!(!report.changed_anything());
        assert!(!found(&index, "xylophonist"));
        // ...which the first search after FULL_CHECK_EVERY does (here: the last one is made old)...
        let long_ago =
            SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap() - FULL_CHECK_EVERY * 2;
        std::fs::write(dir.join(CHECKED_FILE), long_ago.as_secs().to_string()).unwrap();
        let (index, report) = quick(&cache, &notes);
        assert_eq!(report.changed, 1);
        assert!(found(&index, "xylophonist"));
        // ...as `kref index` always does.
        edit_in_place(&notes.join("n001.md"), "# Note 1\n\nplain kettledrum\n", old + Duration::from_secs(8));
        let (index, report) =
            open_index(&cache, std::slice::from_ref(&notes), Refresh::Full, &NoProgress).unwrap();
        assert_eq!(report.changed, 1);
        assert!(found(&index, "kettledrum"));

        // Removing a note changes its folder's time too.
        std::fs::remove_file(notes.join("fresh.md")).unwrap();
        let (index, report) = quick(&cache, &notes);
        assert_eq!(report.removed, 1);
        assert!(!found(&index, "quagga"));
    }

    #[test]
    fn nothing_changed_means_no_note_is_read() {
        let root = tempfile::tempdir().unwrap();
        let (cache, notes) = (root.path().join("cache"), root.path().join("notes"));
        std::fs::create_dir_all(&notes).unwrap();
        note(&notes, "a.md", "# A\n\nalpha\n");
        quick(&cache, &notes);
        let dir = index_dir(&cache, std::slice::from_ref(&notes));
        let summary = SearchIndex::open(&dir).unwrap().summary().clone();
        assert!(quick_check_passes(&summary, &cache, &dir));
        // Another kref binary (other built-in notes) fails the quick check.
        let mut other = summary.clone();
        other.extra.insert(EXE_KEY.into(), "1:2".into());
        assert!(!quick_check_passes(&other, &cache, &dir));
        // So does a stored schema import added since.
        std::fs::create_dir_all(super::super::schemas::store_dir(&cache)).unwrap();
        std::fs::write(super::super::schemas::store_dir(&cache).join("x.kschema"), "x").unwrap();
        assert!(!quick_check_passes(&summary, &cache, &dir));
    }
}
