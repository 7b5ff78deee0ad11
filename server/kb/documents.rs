//! Every search document the index holds, made afresh from the sources (built-in notes, the
//! built-in schema, stored imports, the user's notes), for `kref export`. One source at a time,
//! so that a large notes folder is never held in memory whole.

use std::path::{Path, PathBuf};

use kref_corpus::builtin;
use kref_corpus::schema::{KindSource, Schema};
use kref_index::{Doc, docs_from_note, docs_from_schema};

use super::sources::walk_notes;
use super::store::read_user_note;

/// Calls `each` with the documents of every source in turn: the built-in notes, the built-in
/// schema, each stored import, then the user's notes. Files that cannot be read are warnings.
pub fn for_each_source(
    cache: &Path,
    notes: &[PathBuf],
    mut each: impl FnMut(Vec<Doc>) -> std::io::Result<()>,
) -> std::io::Result<Vec<String>> {
    for file in builtin::files() {
        each(docs_from_note(&file.parse()))?;
    }
    each(docs_from_schema(Schema::builtin(), &KindSource::Builtin))?;
    let (imports, mut warnings) = super::schemas::list(cache);
    for (_, source) in imports {
        let kind_source = KindSource::Imported(source.name.clone());
        each(docs_from_schema(&Schema::builtin().with_overlay(&source), &kind_source))?;
    }
    let walk = walk_notes(notes);
    warnings.extend(walk.problems);
    for file in &walk.files {
        match read_user_note(&file.path) {
            Ok((note, _)) => each(docs_from_note(&note))?,
            Err(w) => warnings.push(w),
        }
    }
    Ok(warnings)
}
