//! What `kref serve` answers from: an immutable [`Library`] (knowledge, notes, search index and
//! the views every page shows), replaced whole when the notes or schemas on disk change.
//!
//! Freshness: a background task looks at the note folders and schema files every few seconds
//! (each file's size and time up to [`FULL_CHECK_MAX_FILES`] files, the folders' times above) and, when something changed, loads a new library with the store's
//! incremental refresh and swaps it in. Requests in flight finish on the library they started
//! with; a failed reload keeps the previous one and says why on every page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::Result;
use kref_corpus::{Note, Origin};
use kref_index::SearchIndex;

use crate::analysis::Knowledge;
use crate::analysis::views::{KindsView, RuleView, SearchView, kinds_view, rule_views};
use crate::kb::config::{Settings, cache_dir};
use crate::kb::schemas::{load_schema, store_dir};
use crate::kb::sources::{dir_mtime, mtime_of, walk_notes};
use crate::kb::store::{NoProgress, Refresh, load_notes, open_index};

/// Up to this many note files, the watcher stats each one on every look; above, only the folders'
/// times are compared (an in-place edit of a file in a large set then waits for `kref index`).
pub const FULL_CHECK_MAX_FILES: usize = 2_000;

/// One consistent snapshot of everything the pages read.
pub struct Library {
    pub knowledge: Arc<Knowledge>,
    pub index: Arc<SearchIndex>,
    /// Every note, built-in first.
    pub notes: Vec<Note>,
    pub kinds: KindsView,
    pub rules: Vec<RuleView>,
    /// Kind names for the search box's suggestions, sorted, once each.
    pub kind_names: Vec<String>,
    /// How many of `notes` are the user's.
    pub user_notes: usize,
    /// Problems found while loading (a missing note folder, a file skipped), shown on every page.
    pub warnings: Vec<String>,
    /// Bumped by each reload.
    pub generation: u64,
    /// Answers of recent searches (a team asks the same questions; search as you type asks each
    /// prefix): at most `cache_size`, emptied when full. A reload starts a new library, and so a
    /// new cache.
    searches: Mutex<HashMap<SearchKey, Arc<SearchView>>>,
    cache_size: usize,
}

/// A search's text, kind and source filters, and limit.
pub type SearchKey = (String, String, String, usize);

impl Library {
    /// Loads everything for these settings. Only an index that can be neither opened nor built
    /// in memory fails.
    pub fn load(settings: &Settings, generation: u64, cache_size: usize) -> Result<Library> {
        let cache = cache_dir();
        let (schema, mut warnings) = load_schema(&cache, &settings.schemas);
        let (notes, note_warnings) = load_notes(&settings.notes);
        warnings.extend(note_warnings);
        let (index, report) = open_index(&cache, &settings.notes, Refresh::Quick, &NoProgress)?;
        for w in report.warnings {
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        let index = Arc::new(index);
        let version = crate::kb::kube_version(settings, &mut warnings);
        let knowledge = Arc::new(Knowledge::new(schema.clone(), &notes, Some(index.clone()), version));
        let mut kind_names: Vec<String> = schema.kinds().map(|k| k.kind.clone()).collect();
        kind_names.sort_unstable_by_key(|k| k.to_ascii_lowercase());
        kind_names.dedup();
        Ok(Library {
            kinds: kinds_view(&schema),
            rules: rule_views(),
            kind_names,
            user_notes: notes.iter().filter(|n| n.origin == Origin::User).count(),
            knowledge,
            index,
            notes,
            warnings,
            generation,
            searches: Mutex::default(),
            cache_size,
        })
    }

    /// A cached search answer.
    pub fn cached(&self, key: &SearchKey) -> Option<Arc<SearchView>> {
        self.searches.lock().ok()?.get(key).cloned()
    }

    /// Keeps a search answer for the next time it is asked.
    pub fn remember(&self, key: SearchKey, view: Arc<SearchView>) {
        if self.cache_size == 0 {
            return;
        }
        if let Ok(mut cache) = self.searches.lock() {
            if cache.len() >= self.cache_size {
                cache.clear();
            }
            cache.insert(key, view);
        }
    }
}

/// The current library, the settings it is reloaded from, and what the last look at the disk saw.
pub struct Shelf {
    settings: Settings,
    cache_size: usize,
    current: RwLock<Arc<Library>>,
    /// A reload failed: why (shown beside the previous library's answers).
    failure: RwLock<Option<String>>,
}

impl Shelf {
    pub fn new(settings: Settings, library: Library) -> Shelf {
        let cache_size = library.cache_size;
        Shelf { settings, cache_size, current: RwLock::new(Arc::new(library)), failure: RwLock::new(None) }
    }

    /// The library to answer one request from.
    pub fn current(&self) -> Arc<Library> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Why the last reload failed, if it did.
    pub fn failure(&self) -> Option<String> {
        self.failure.read().map(|f| f.clone()).unwrap_or_default()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Loads a new library and swaps it in (or records why it could not).
    pub fn reload(&self) {
        let generation = self.current().generation + 1;
        let started = Instant::now();
        let result = Library::load(&self.settings, generation, self.cache_size);
        let failure = match result {
            Ok(library) => {
                tracing::info!(
                    "reloaded the notes in {:.0} ms ({} of yours)",
                    started.elapsed().as_secs_f64() * 1000.0,
                    library.user_notes
                );
                let library = Arc::new(library);
                match self.current.write() {
                    Ok(mut guard) => *guard = library,
                    Err(poisoned) => *poisoned.into_inner() = library,
                }
                None
            }
            Err(e) => {
                tracing::warn!("could not reload the notes: {e:#}");
                Some(format!("{e:#}"))
            }
        };
        if let Ok(mut f) = self.failure.write() {
            *f = failure;
        }
    }
}

/// What the disk looked like: enough to tell that a note or schema was added, removed or edited.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint {
    /// Every note file with its size and time (up to [`FULL_CHECK_MAX_FILES`]), else empty.
    files: Vec<(PathBuf, u64, i64)>,
    /// Every note folder with its time.
    dirs: Vec<(PathBuf, i64)>,
    /// Problems seen (a folder that went missing shows up here).
    problems: Vec<String>,
    /// Stored imports and `schemas:` files with their sizes and times.
    schemas: Vec<(PathBuf, u64, i64)>,
}

fn stat(path: &Path) -> Option<(PathBuf, u64, i64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((path.to_path_buf(), meta.len(), mtime_of(&meta)))
}

/// Stored imports and `schemas:` files with their sizes and times.
fn schema_stamps(settings: &Settings) -> Vec<(PathBuf, u64, i64)> {
    let mut stamps: Vec<(PathBuf, u64, i64)> = std::fs::read_dir(store_dir(&cache_dir()))
        .map(|entries| entries.flatten().filter_map(|e| stat(&e.path())).collect())
        .unwrap_or_default();
    stamps.extend(settings.schemas.iter().filter_map(|p| stat(p)));
    stamps.sort();
    stamps
}

impl Fingerprint {
    /// A full look: walks the note folders.
    pub fn take(settings: &Settings) -> Fingerprint {
        let walk = walk_notes(&settings.notes);
        let files = if walk.files.len() <= FULL_CHECK_MAX_FILES {
            walk.files.iter().map(|f| (f.path.clone(), f.size, f.mtime)).collect()
        } else {
            Vec::new()
        };
        Fingerprint { files, dirs: walk.dirs, problems: walk.problems, schemas: schema_stamps(settings) }
    }

    /// Takes a new look only as far as needed; `None` when nothing changed. Large note sets
    /// are walked again only when a folder's time changed (adding, removing or renaming a file
    /// changes it; an in-place edit there waits for `kref index`, as for `kref search`).
    pub fn changed(&self, settings: &Settings) -> Option<Fingerprint> {
        let large = self.files.is_empty() && !self.dirs.is_empty();
        if large
            && self.dirs.iter().all(|(dir, time)| dir_mtime(dir) == Some(*time))
            && schema_stamps(settings) == self.schemas
        {
            return None;
        }
        let now = Fingerprint::take(settings);
        (now != *self).then_some(now)
    }
}

/// Watches the disk every `every` and reloads the shelf when something changed. Runs until the
/// runtime stops.
pub async fn keep_fresh(shelf: Arc<Shelf>, every: Duration) {
    let settings = shelf.settings().clone();
    let first = {
        let settings = settings.clone();
        tokio::task::spawn_blocking(move || Fingerprint::take(&settings)).await
    };
    let Ok(mut seen) = first else { return };
    loop {
        tokio::time::sleep(every).await;
        let settings = settings.clone();
        let shelf = shelf.clone();
        let previous = seen.clone();
        let looked = tokio::task::spawn_blocking(move || {
            let changed = previous.changed(&settings)?;
            shelf.reload();
            Some(changed)
        })
        .await;
        match looked {
            Ok(Some(now)) => seen = now,
            Ok(None) => {}
            Err(e) => tracing::warn!("the freshness check stopped unexpectedly: {e}"),
        }
    }
}
