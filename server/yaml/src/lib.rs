//! kref's YAML document model for Kubernetes manifests being edited: parsing never fails.
//!
//! [`parse`] turns any text into a [`File`]: documents with a tree of [`Node`]s, plus the
//! [`SyntaxError`]s found on the way. [`File::locate`] answers "what is at this offset" for
//! hover and completion: the document, the key path, and whether the cursor is on a key, on
//! a value, or where a new key or list item is being typed. [`LineIndex`] converts byte
//! offsets to lines and UTF-8 or UTF-16 columns and back.
//!
//! All spans are byte offsets into the parsed text. The crate does no IO and knows nothing
//! about LSP.

mod line_index;
mod locate;
mod model;
mod parser;
mod typing;
mod walk;

pub use line_index::{Encoding, LineCol, LineIndex};
pub use locate::{Location, Path, Segment, Target};
pub use model::{
    Document, ErrorCode, File, Node, NodeValue, Pair, Scalar, ScalarStyle, SyntaxError, TextRange,
};
pub use parser::{MAX_DEPTH, parse};
pub use typing::{Typed, plain_is_string, resolve_plain, string_scalar};
pub use walk::PairIter;
