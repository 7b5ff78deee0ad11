//! [`SearchIndex`]: building (in RAM or atomically on disk), opening with verification,
//! incremental updates and searching.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError};
use tantivy::directory::{Directory, DirectoryLock, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::indexer::UserOperation;
use tantivy::merge_policy::NoMergePolicy;
use tantivy::schema::Field;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, TantivyError,
    Term,
};

use crate::doc::Doc;
use crate::manifest::{Manifest, ManifestSummary, Payload};
use crate::schema::{Fields, build_schema, pack, register_analyzers};
use crate::search::{Analyzers, Hit, Query, run, suggest};
use crate::tokenizer::{
    MAX_VOCABULARY_WORDS, TEXT_ANALYZER, Vocabulary, collecting_text_analyzer, text_analyzer,
};
use crate::{INDEX_SCHEMA_VERSION, IndexError};

/// Memory budget of the index writer, shared by its threads.
const WRITER_HEAP_BYTES: usize = 50_000_000;
/// Below this many documents one indexing thread is as fast as several.
const SINGLE_THREAD_DOCS: usize = 10_000;
/// tantivy needs at least 15 MB per indexing thread.
const MAX_THREADS: usize = 3;
/// Leftover build directories older than this are from crashed builds and are removed.
const STALE_TMP_AGE: Duration = Duration::from_secs(3600);

/// A searchable index of notes (and schema documents), in memory or in a directory.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzers: Analyzers,
    summary: ManifestSummary,
    /// The full manifest, read from the stamps file on first use (set at once in memory).
    manifest: OnceLock<Manifest>,
    /// `files-*.json` holding the stamps of an on-disk index.
    sidecar: Option<String>,
    /// The typo-correction vocabulary (see [`SearchIndex::vocabulary`]).
    vocabulary: OnceLock<Option<VocabularyMap>>,
    /// `vocabulary-*.fst` of an on-disk index.
    vocabulary_file: Option<String>,
    /// `None` for an in-memory index.
    path: Option<PathBuf>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .field("docs", &self.doc_count())
            .finish_non_exhaustive()
    }
}

/// tantivy's default settings (16 KiB document-store blocks). 4 KiB blocks made hits cheaper to
/// fetch when every entry was a small document of its own; with entries kept inside their
/// sections a section fills most of a small block, and 16 KiB blocks build faster (fewer blocks
/// to compress) at the same search latency (docs/BENCHMARKS.md).
fn index_settings() -> IndexSettings {
    IndexSettings::default()
}

fn in_memory_path() -> PathBuf {
    PathBuf::from("<in-memory index>")
}

/// Maps errors of opening or reading an existing index.
fn open_error(path: &Path, e: TantivyError) -> IndexError {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => IndexError::Locked { path: path.to_path_buf() },
        TantivyError::OpenDirectoryError(OpenDirectoryError::DoesNotExist(_)) => {
            IndexError::Missing { path: path.to_path_buf() }
        }
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath })
            if io_error.kind() == io::ErrorKind::PermissionDenied =>
        {
            IndexError::io("cannot read", filepath, io::Error::new(io_error.kind(), io_error.to_string()))
        }
        TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(i)) => IndexError::corrupt(
            path,
            format!("written by an incompatible version of the index library: {i:?}"),
        ),
        other => IndexError::corrupt(path, other),
    }
}

/// Maps errors of writing to an index.
fn write_error(path: &Path, e: TantivyError) -> IndexError {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => IndexError::Locked { path: path.to_path_buf() },
        TantivyError::IoError(io_error) => {
            IndexError::io("cannot write", path, io::Error::new(io_error.kind(), io_error.to_string()))
        }
        other => IndexError::Tantivy(other),
    }
}

const SIDECAR_PREFIX: &str = "files-";
const VOCABULARY_PREFIX: &str = "vocabulary-";

fn serialize_error(path: &Path, e: impl fmt::Display) -> IndexError {
    IndexError::Tantivy(TantivyError::InvalidArgument(format!(
        "cannot serialize the manifest for {}: {e}",
        path.display()
    )))
}

/// Writes `bytes` into `dir` as `<prefix><unique><suffix>` (a temporary file renamed into place
/// and synced) and returns its name. Called before the commit whose payload names it.
fn write_beside(
    dir: &Path,
    what: &'static str,
    prefix: &str,
    suffix: &str,
    bytes: &[u8],
) -> Result<String, IndexError> {
    let tmp_prefix = format!(".{prefix}");
    let mut tmp = tempfile::Builder::new()
        .prefix(&tmp_prefix)
        .tempfile_in(dir)
        .map_err(|e| IndexError::io(what, dir, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| IndexError::io(what, dir, e))?;
    tmp.as_file().sync_all().map_err(|e| IndexError::io(what, dir, e))?;
    let unique = tmp
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().trim_start_matches(&tmp_prefix).to_string())
        .unwrap_or_default();
    let name = format!("{prefix}{unique}{suffix}");
    tmp.persist(dir.join(&name)).map_err(|e| IndexError::io(what, dir, e.error))?;
    Ok(name)
}

/// Removes the files named `<prefix>*<suffix>` other than `keep` (left by earlier commits); best
/// effort.
fn remove_old(dir: &Path, prefix: &str, suffix: &str, keep: &str) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(suffix) && name != keep {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The typo-correction vocabulary: words of the indexed text (as [`Vocabulary`] collects them)
/// to how often they occur, as an FST for Levenshtein-automaton search.
pub(crate) type VocabularyMap = tantivy_fst::Map<Vec<u8>>;

/// How searches get the vocabulary: only when a word needs correcting (it is read from disk then).
pub(crate) type VocabularyFn<'a> = &'a dyn Fn() -> Result<Option<&'a VocabularyMap>, IndexError>;

/// Builds the vocabulary map of `words` (sorted, unique), adding the counts of `old` (the
/// vocabulary before an update) for words in both.
fn vocabulary_map(words: Vec<(String, u64)>, old: Option<&VocabularyMap>) -> Result<VocabularyMap, String> {
    let mut merged: Vec<(Vec<u8>, u64)> = Vec::with_capacity(words.len());
    let mut new = words.into_iter().map(|(w, n)| (w.into_bytes(), n)).peekable();
    let mut stream = old.map(|m| {
        use tantivy_fst::{IntoStreamer, Streamer};
        let mut out: Vec<(Vec<u8>, u64)> = Vec::new();
        let mut s = m.stream().into_stream();
        while let Some((k, v)) = s.next() {
            out.push((k.to_vec(), v));
        }
        out.into_iter().peekable()
    });
    loop {
        let from_old = match (new.peek(), stream.as_mut().and_then(|s| s.peek())) {
            (None, None) => break,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => match a.0.cmp(&b.0) {
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Equal => {
                    let (k, n) = new.next().expect("peeked");
                    let (_, m) = stream.as_mut().and_then(|s| s.next()).expect("peeked");
                    merged.push((k, n.saturating_add(m)));
                    continue;
                }
            },
        };
        let item = if from_old { stream.as_mut().and_then(|s| s.next()) } else { new.next() };
        merged.extend(item);
        if merged.len() >= MAX_VOCABULARY_WORDS {
            break;
        }
    }
    tantivy_fst::Map::from_iter(merged).map_err(|e| e.to_string())
}

/// Commits what the writer holds with the manifest (and the vocabulary) as payload. The
/// vocabulary is made by `vocabulary` once every document is flushed (the analyzers hand over
/// their words when tantivy drops them, as it does for each segment it flushes). On disk
/// (`dir`), the per-file stamps and the vocabulary go to files of their own before the commit;
/// returns the vocabulary and the two files' names.
fn commit(
    writer: &mut IndexWriter,
    manifest: &Manifest,
    vocabulary: impl FnOnce() -> Result<VocabularyMap, String>,
    path: &Path,
    dir: Option<&Path>,
) -> Result<(VocabularyMap, Option<String>, Option<String>), IndexError> {
    let mut prepared = writer.prepare_commit().map_err(|e| write_error(path, e))?;
    let words = vocabulary().map_err(|e| serialize_error(path, e))?;
    let vocabulary_len = words.as_fst().size() as u64;
    let (sidecar, vocabulary_file) = match dir {
        Some(dir) => {
            let json = serde_json::to_vec(&manifest.files).map_err(|e| serialize_error(dir, e))?;
            let sidecar = write_beside(dir, "cannot write the file list in", SIDECAR_PREFIX, ".json", &json)?;
            let fst = words.as_fst().to_vec();
            let file = write_beside(dir, "cannot write the vocabulary in", VOCABULARY_PREFIX, ".fst", &fst)?;
            (Some(sidecar), Some(file))
        }
        None => (None, None),
    };
    let payload = Payload {
        summary: manifest.summary(),
        files: if sidecar.is_some() { Default::default() } else { manifest.files.clone() },
        sidecar: sidecar.clone(),
        vocabulary: vocabulary_file.clone(),
        vocabulary_len,
    };
    let payload = serde_json::to_string(&payload).map_err(|e| serialize_error(path, e))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| write_error(path, e))?;
    Ok((words, sidecar, vocabulary_file))
}

fn writer_for(index: &Index, path: &Path, num_docs: usize) -> Result<IndexWriter, IndexError> {
    let threads = if num_docs < SINGLE_THREAD_DOCS {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS)
    };
    index
        .writer_with_num_threads::<TantivyDocument>(threads, WRITER_HEAP_BYTES)
        .map_err(|e| write_error(path, e))
}

/// Where a [`Builder`] writes.
enum Target {
    Ram,
    Disk {
        /// The index folder the build replaces.
        dir: PathBuf,
        parent: PathBuf,
        name: String,
        /// The build folder beside `dir`, removed if the build is dropped unfinished.
        tmp: tempfile::TempDir,
        /// The writer lock of the index being replaced, if there is one.
        lock: Option<DirectoryLock>,
    },
}

/// A full build in progress: documents are added as they are made, from any number of threads
/// ([`Builder::add`]), and [`Builder::finish`] commits them with their manifest. A builder dropped
/// before `finish` leaves nothing behind; on disk the index being replaced stays as it was until
/// the finished build is renamed into its place.
pub struct Builder {
    index: Index,
    writer: IndexWriter,
    fields: Fields,
    vocabulary: Vocabulary,
    target: Target,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder").field("path", &self.shown()).finish_non_exhaustive()
    }
}

impl Builder {
    fn new(index: Index, target: Target, expected_docs: usize) -> Result<Builder, IndexError> {
        let shown = match &target {
            Target::Ram => in_memory_path(),
            Target::Disk { tmp, .. } => tmp.path().to_path_buf(),
        };
        let vocabulary = Vocabulary::default();
        register_analyzers(&index);
        index.tokenizers().register(TEXT_ANALYZER, collecting_text_analyzer(&vocabulary));
        let fields = Fields::resolve(&index.schema()).map_err(|d| IndexError::corrupt(&shown, d))?;
        let writer = writer_for(&index, &shown, expected_docs)?;
        // No background merges: they would race the merge of everything in `finish`.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        Ok(Builder { index, writer, fields, vocabulary, target })
    }

    fn shown(&self) -> PathBuf {
        match &self.target {
            Target::Ram => in_memory_path(),
            Target::Disk { tmp, .. } => tmp.path().to_path_buf(),
        }
    }

    /// Adds the documents of one source (a note, the schema), analysed by the index's threads
    /// while the caller makes the next ones; blocks while their queue is full. A note's entries
    /// must come with their sections (they are kept inside them).
    pub fn add(&self, docs: &[Doc]) -> Result<(), IndexError> {
        let batch: Vec<UserOperation> =
            pack(&self.fields, docs).into_iter().map(UserOperation::Add).collect();
        self.writer.run(batch).map_err(|e| write_error(&self.shown(), e))?;
        Ok(())
    }

    /// Commits every document added with `manifest` (its `schema_version` set to
    /// [`INDEX_SCHEMA_VERSION`]), merges the segments into one, and on disk swaps the build in
    /// for the index it replaces (see [`SearchIndex::create`]).
    pub fn finish(self, mut manifest: Manifest) -> Result<SearchIndex, IndexError> {
        manifest.schema_version = INDEX_SCHEMA_VERSION;
        let Builder { index, mut writer, vocabulary, target, .. } = self;
        let shown = match &target {
            Target::Ram => in_memory_path(),
            Target::Disk { tmp, .. } => tmp.path().to_path_buf(),
        };
        let on_disk = match &target {
            Target::Ram => None,
            Target::Disk { tmp, .. } => Some(tmp.path().to_path_buf()),
        };
        let (words, _, _) = commit(
            &mut writer,
            &manifest,
            || vocabulary_map(vocabulary.sorted(), None),
            &shown,
            on_disk.as_deref(),
        )?;
        let segments = index.searchable_segment_ids().map_err(|e| write_error(&shown, e))?;
        // Measured: without this merge a build of 100,000 notes is about 10% cheaper and every
        // search over it about 40% slower (docs/BENCHMARKS.md); searches are far more frequent.
        if segments.len() > 1 {
            writer.merge(&segments).wait().map_err(|e| write_error(&shown, e))?;
        }
        writer.wait_merging_threads().map_err(|e| write_error(&shown, e))?;
        match target {
            Target::Ram => SearchIndex::from_index(
                index,
                manifest.summary(),
                Some(manifest),
                None,
                Some(words),
                None,
                None,
            ),
            Target::Disk { dir, parent, name, tmp, lock } => {
                drop(index);
                // The build is committed (tantivy syncs its files); from here on keep it until renamed.
                let built = tmp.keep();
                let swap = SearchIndex::swap_in(&parent, &name, &dir, &built);
                if swap.is_err() {
                    let _ = fs::remove_dir_all(&built);
                }
                drop(lock);
                let old = swap?;
                if let Some(old) = old {
                    let _ = fs::remove_dir_all(old);
                }
                SearchIndex::open(&dir)
            }
        }
    }
}

/// Reads every segment a little (the stored documents, the term dictionaries and postings of
/// every indexed field, the field norms) so that a damaged index fails here, not in a search.
fn verify(searcher: &Searcher, fields: &Fields) -> Result<(), String> {
    let indexed: [Field; 9] = [
        fields.doc_type,
        fields.origin,
        fields.file,
        fields.heading,
        fields.body,
        fields.tags,
        fields.kinds,
        fields.exact,
        fields.aliases,
    ];
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(1).map_err(|e| format!("document store: {e}"))?;
        if let Some(doc_id) = segment.doc_ids_alive().next() {
            store
                .get::<TantivyDocument>(doc_id)
                .map_err(|e| format!("cannot read a stored document: {e}"))?;
        }
        for field in indexed {
            let inverted = segment.inverted_index(field).map_err(|e| format!("postings: {e}"))?;
            let mut terms = inverted.terms().stream().map_err(|e| format!("terms: {e}"))?;
            if terms.advance() {
                let info = terms.value().clone();
                inverted
                    .read_postings_from_terminfo(&info, tantivy::schema::IndexRecordOption::Basic)
                    .map_err(|e| format!("postings: {e}"))?;
            }
        }
        for field in [fields.heading, fields.body] {
            let norms = segment.get_fieldnorms_reader(field).map_err(|e| format!("field norms: {e}"))?;
            if segment.max_doc() > 0 {
                norms.fieldnorm(0);
            }
        }
    }
    Ok(())
}

/// Takes the writer lock of an existing index directory, if there is one, so that a full
/// rebuild does not swap an index out from under a process that is updating it.
fn lock_existing(dir: &Path) -> Result<Option<DirectoryLock>, IndexError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(IndexError::io("cannot inspect", dir, e)),
        Ok(m) if !m.is_dir() => {
            return Err(IndexError::io(
                "will not replace",
                dir,
                io::Error::new(io::ErrorKind::AlreadyExists, "it exists and is not a directory"),
            ));
        }
        Ok(_) => {}
    }
    // A directory we cannot even open as one is replaced regardless.
    let Ok(directory) = MmapDirectory::open(dir) else { return Ok(None) };
    match directory.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(lock) => Ok(Some(lock)),
        Err(LockError::LockBusy) => Err(IndexError::Locked { path: dir.to_path_buf() }),
        // A read-only or damaged directory: the rename below reports real problems.
        Err(LockError::IoError(_)) => Ok(None),
    }
}

/// Removes what crashed builds left next to `dir`: directories renamed aside (always garbage)
/// and build directories older than [`STALE_TMP_AGE`].
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let old_prefix = format!(".{name}.old-");
    let tmp_prefix = format!(".{name}.tmp-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let stale = if file_name.starts_with(&old_prefix) {
            true
        } else if file_name.starts_with(&tmp_prefix) {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > STALE_TMP_AGE)
        } else {
            false
        };
        if stale {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Makes renames in `dir` durable (best effort: not every platform can sync a directory).
fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

impl SearchIndex {
    /// Starts a build in memory (see [`Builder`]); `expected_docs` sizes the writer.
    pub fn build_in_ram(expected_docs: usize) -> Result<Builder, IndexError> {
        let index = Index::builder()
            .schema(build_schema())
            .settings(index_settings())
            .create_in_ram()
            .map_err(|e| write_error(&in_memory_path(), e))?;
        Builder::new(index, Target::Ram, expected_docs)
    }

    /// Starts a build that replaces whatever index is in `dir`, atomically (see
    /// [`SearchIndex::create`] and [`Builder`]); `expected_docs` sizes the writer.
    ///
    /// Fails with [`IndexError::Locked`] at once if another process is updating the existing
    /// index, and with an IO error if the build folder cannot be made beside `dir`, before any
    /// document is made.
    pub fn build_in(dir: &Path, expected_docs: usize) -> Result<Builder, IndexError> {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                IndexError::io(
                    "cannot create an index at",
                    dir,
                    io::Error::new(io::ErrorKind::InvalidInput, "the path has no directory name"),
                )
            })?
            .to_string();
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| IndexError::io("cannot create", &parent, e))?;
        remove_leftovers(&parent, &name);
        let lock = lock_existing(dir)?;
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .map_err(|e| IndexError::io("cannot create a build directory in", &parent, e))?;
        let index = Index::builder()
            .schema(build_schema())
            .settings(index_settings())
            .create_in_dir(tmp.path())
            .map_err(|e| write_error(tmp.path(), e))?;
        let target = Target::Disk { dir: dir.to_path_buf(), parent, name, tmp, lock };
        Builder::new(index, target, expected_docs)
    }

    /// Builds an index in memory from `docs`.
    ///
    /// `manifest.schema_version` is set to [`INDEX_SCHEMA_VERSION`].
    pub fn in_ram(docs: Vec<Doc>, manifest: Manifest) -> Result<Self, IndexError> {
        let builder = Self::build_in_ram(docs.len())?;
        builder.add(&docs)?;
        builder.finish(manifest)
    }

    /// Builds an index in `dir` from `docs`, replacing whatever index is there, atomically.
    ///
    /// The index is built in a temporary directory next to `dir`, then swapped in with renames:
    /// the old directory (if any) is renamed aside, the new one renamed to `dir`, and the old one
    /// deleted. A crash at any point leaves at `dir` either the old index or nothing (which
    /// [`SearchIndex::open`] reports as [`IndexError::Missing`]), never a partial index.
    /// Fails with [`IndexError::Locked`] if another process is updating the existing index.
    /// `manifest.schema_version` is set to [`INDEX_SCHEMA_VERSION`].
    pub fn create(dir: &Path, docs: &[Doc], manifest: Manifest) -> Result<Self, IndexError> {
        let builder = Self::build_in(dir, docs.len())?;
        for chunk in docs.chunks(256) {
            builder.add(chunk)?;
        }
        builder.finish(manifest)
    }

    /// Renames `dir` aside (returning where to) and `built` into its place.
    fn swap_in(parent: &Path, name: &str, dir: &Path, built: &Path) -> Result<Option<PathBuf>, IndexError> {
        let aside = match fs::symlink_metadata(dir) {
            Ok(_) => {
                let unique = built
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.rsplit('-').next())
                    .unwrap_or("x")
                    .to_string();
                let aside = parent.join(format!(".{name}.old-{unique}"));
                fs::rename(dir, &aside).map_err(|e| IndexError::io("cannot move aside", dir, e))?;
                Some(aside)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(IndexError::io("cannot inspect", dir, e)),
        };
        if let Err(e) = fs::rename(built, dir) {
            // Put the old index back rather than leave nothing.
            if let Some(aside) = &aside {
                let _ = fs::rename(aside, dir);
            }
            return Err(IndexError::io("cannot move the new index to", dir, e));
        }
        sync_dir(parent);
        Ok(aside)
    }

    /// Opens the index in `dir` and checks that it is readable and of this kref's layout.
    ///
    /// Errors: [`IndexError::Missing`] when `dir` does not exist, [`IndexError::VersionMismatch`]
    /// when it was built with another [`INDEX_SCHEMA_VERSION`], [`IndexError::Corrupt`] when any
    /// part of it cannot be read.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        match fs::metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(IndexError::Missing { path: dir.to_path_buf() });
            }
            Err(e) => return Err(IndexError::io("cannot open", dir, e)),
            Ok(m) if !m.is_dir() => return Err(IndexError::corrupt(dir, "it is not a directory")),
            Ok(_) => {}
        }
        // tantivy reads files with memory maps and checks less than it could: a damaged file can
        // panic deep inside it. Report that as damage, not as a crash of the caller.
        match catch_unwind(AssertUnwindSafe(|| Self::open_checked(dir))) {
            Ok(result) => result,
            Err(panic) => {
                let detail = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "reading it failed".to_string());
                Err(IndexError::corrupt(dir, detail))
            }
        }
    }

    fn open_checked(dir: &Path) -> Result<Self, IndexError> {
        let index = Index::open_in_dir(dir).map_err(|e| open_error(dir, e))?;
        let metas = index.load_metas().map_err(|e| open_error(dir, e))?;
        let payload = metas.payload.ok_or_else(|| IndexError::corrupt(dir, "it has no manifest"))?;
        let payload: Payload = serde_json::from_str(&payload)
            .map_err(|e| IndexError::corrupt(dir, format!("its manifest is unreadable: {e}")))?;
        if payload.summary.schema_version != INDEX_SCHEMA_VERSION {
            return Err(IndexError::VersionMismatch {
                found: payload.summary.schema_version,
                expected: INDEX_SCHEMA_VERSION,
            });
        }
        let full = match &payload.sidecar {
            Some(name) => {
                if !dir.join(name).is_file() {
                    return Err(IndexError::corrupt(dir, format!("its file list {name} is missing")));
                }
                None
            }
            None => Some(Manifest {
                kref_version: payload.summary.kref_version.clone(),
                schema_version: payload.summary.schema_version,
                files: payload.files,
                dirs: payload.summary.dirs.clone(),
                extra: payload.summary.extra.clone(),
            }),
        };
        if let Some(name) = &payload.vocabulary {
            match fs::metadata(dir.join(name)) {
                Ok(m) if m.is_file() && m.len() == payload.vocabulary_len => {}
                Ok(_) => return Err(IndexError::corrupt(dir, format!("its vocabulary {name} is damaged"))),
                Err(_) => return Err(IndexError::corrupt(dir, format!("its vocabulary {name} is missing"))),
            }
        }
        let this = Self::from_index(
            index,
            payload.summary,
            full,
            payload.sidecar,
            None,
            payload.vocabulary,
            Some(dir.to_path_buf()),
        )?;
        verify(&this.reader.searcher(), &this.fields).map_err(|d| IndexError::corrupt(dir, d))?;
        Ok(this)
    }

    #[allow(clippy::too_many_arguments)]
    fn from_index(
        index: Index,
        summary: ManifestSummary,
        full: Option<Manifest>,
        sidecar: Option<String>,
        vocabulary: Option<VocabularyMap>,
        vocabulary_file: Option<String>,
        path: Option<PathBuf>,
    ) -> Result<Self, IndexError> {
        let shown = path.clone().unwrap_or_else(in_memory_path);
        let fields = Fields::resolve(&index.schema()).map_err(|d| IndexError::corrupt(&shown, d))?;
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| open_error(&shown, e))?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            analyzers: Analyzers { text: text_analyzer() },
            summary,
            manifest: full.map(std::sync::OnceLock::from).unwrap_or_default(),
            sidecar,
            vocabulary: vocabulary.map(|v| OnceLock::from(Some(v))).unwrap_or_default(),
            vocabulary_file,
            path,
        })
    }

    /// The typo-correction vocabulary: in memory, or read from its file on first use (`None`
    /// when the index has none). A file that cannot be read is damage: [`IndexError::Corrupt`].
    fn vocabulary(&self) -> Result<Option<&VocabularyMap>, IndexError> {
        if let Some(loaded) = self.vocabulary.get() {
            return Ok(loaded.as_ref());
        }
        let (Some(dir), Some(name)) = (&self.path, &self.vocabulary_file) else {
            return Ok(self.vocabulary.get_or_init(|| None).as_ref());
        };
        let map = fs::read(dir.join(name))
            .map_err(|e| e.to_string())
            .and_then(|bytes| tantivy_fst::Map::from_bytes(bytes).map_err(|e| e.to_string()))
            .map_err(|e| IndexError::corrupt(dir, format!("its vocabulary {name} cannot be read: {e}")))?;
        Ok(self.vocabulary.get_or_init(|| Some(map)).as_ref())
    }

    /// What the index was built from, without the per-file stamps: cheap, read at open.
    pub fn summary(&self) -> &ManifestSummary {
        &self.summary
    }

    /// What the index was built from, as committed with its documents, per-file stamps included
    /// (read from disk on first use: [`IndexError::Corrupt`] if that file is damaged).
    pub fn manifest(&self) -> Result<&Manifest, IndexError> {
        if let Some(m) = self.manifest.get() {
            return Ok(m);
        }
        let dir = self.path.clone().unwrap_or_else(in_memory_path);
        let name = self.sidecar.as_deref().unwrap_or_default();
        let bytes = fs::read(dir.join(name))
            .map_err(|e| IndexError::corrupt(&dir, format!("its file list {name} cannot be read: {e}")))?;
        let files = serde_json::from_slice(&bytes)
            .map_err(|e| IndexError::corrupt(&dir, format!("its file list {name} is unreadable: {e}")))?;
        let s = &self.summary;
        let full = Manifest {
            kref_version: s.kref_version.clone(),
            schema_version: s.schema_version,
            files,
            dirs: s.dirs.clone(),
            extra: s.extra.clone(),
        };
        Ok(self.manifest.get_or_init(|| full))
    }

    /// The directory of an on-disk index; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Applies an incremental change in one commit: removes every document of
    /// `update.remove_files` and of the files of `update.add`, adds `update.add`, and stores
    /// `update.manifest` (its `schema_version` set to [`INDEX_SCHEMA_VERSION`]).
    ///
    /// Fails with [`IndexError::Locked`] when another process is writing the index; nothing
    /// changes then, nor on any other error.
    pub fn update(&mut self, update: Update) -> Result<(), IndexError> {
        let Update { remove_files, add, mut manifest } = update;
        manifest.schema_version = INDEX_SCHEMA_VERSION;
        let shown = self.path.clone().unwrap_or_else(in_memory_path);
        // The words of the new documents join the vocabulary.
        let collected = Vocabulary::default();
        self.index.tokenizers().register(TEXT_ANALYZER, collecting_text_analyzer(&collected));
        let result = self.update_with(&shown, remove_files, &add, &manifest, &collected);
        register_analyzers(&self.index);
        let (words, sidecar, vocabulary_file) = result?;
        if let Some(dir) = &self.path {
            if let Some(name) = &sidecar {
                remove_old(dir, SIDECAR_PREFIX, ".json", name);
            }
            if let Some(name) = &vocabulary_file {
                remove_old(dir, VOCABULARY_PREFIX, ".fst", name);
            }
        }
        self.reader.reload().map_err(|e| open_error(&shown, e))?;
        self.summary = manifest.summary();
        self.manifest = OnceLock::from(manifest);
        self.sidecar = sidecar;
        self.vocabulary = OnceLock::from(Some(words));
        self.vocabulary_file = vocabulary_file;
        Ok(())
    }

    fn update_with(
        &self,
        shown: &Path,
        remove_files: Vec<String>,
        add: &[Doc],
        manifest: &Manifest,
        collected: &Vocabulary,
    ) -> Result<(VocabularyMap, Option<String>, Option<String>), IndexError> {
        let mut writer = writer_for(&self.index, shown, add.len())?;
        // A writer killed before its commit leaves files that this one would create again under
        // the same names (`<segment>.<opstamp>.del`: "FileAlreadyExists"); remove them first.
        let _ = writer.garbage_collect_files().wait();
        let files: BTreeSet<&str> =
            remove_files.iter().map(String::as_str).chain(add.iter().map(|d| d.file.as_str())).collect();
        for file in files {
            writer.delete_term(Term::from_field_text(self.fields.file, file));
        }
        for doc in pack(&self.fields, add) {
            writer.add_document(doc).map_err(|e| write_error(shown, e))?;
        }
        let old = self.vocabulary().ok().flatten();
        let committed = commit(
            &mut writer,
            manifest,
            || vocabulary_map(collected.sorted(), old),
            shown,
            self.path.as_deref(),
        )?;
        writer.wait_merging_threads().map_err(|e| write_error(shown, e))?;
        Ok(committed)
    }

    /// Runs a search. Odd input never fails: it finds nothing or what its words find.
    pub fn search(&self, query: &Query) -> Result<Vec<Hit>, IndexError> {
        let searcher = self.reader.searcher();
        run(&searcher, &self.fields, &self.analyzers, &|| self.vocabulary(), query)
    }

    /// "Did you mean": other inputs close to `text` (each unknown word replaced by a close word
    /// of the vocabulary) that find something; empty when there is nothing to offer.
    pub fn suggest(&self, text: &str) -> Result<Vec<String>, IndexError> {
        let searcher = self.reader.searcher();
        suggest(&searcher, &self.fields, &self.analyzers, &|| self.vocabulary(), text)
    }

    /// The number of documents: sections, entries (those kept inside their section included)
    /// and schema documents.
    pub fn doc_count(&self) -> u64 {
        let searcher = self.reader.searcher();
        let name = searcher.schema().get_field_name(self.fields.packed).to_string();
        let mut count = searcher.num_docs();
        for segment in searcher.segment_readers() {
            let Ok(packed) = segment.fast_fields().u64(&name) else { continue };
            count += segment.doc_ids_alive().filter_map(|d| packed.first(d)).sum::<u64>();
        }
        count
    }
}

/// An incremental change, applied by [`SearchIndex::update`] in one commit.
#[derive(Clone, Debug, Default)]
pub struct Update {
    /// Files whose documents are removed (deleted or no longer readable notes).
    pub remove_files: Vec<String>,
    /// New documents; the existing documents of their files are removed first.
    pub add: Vec<Doc>,
    /// The manifest after the change.
    pub manifest: Manifest,
}
