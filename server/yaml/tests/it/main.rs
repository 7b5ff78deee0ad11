//! Integration tests of kref-yaml, all through the helpers in `support`.

mod support;

mod conformance;
mod errors;
mod line_index;
mod locate;
mod parse;
mod robustness;
mod typing;
