//! The `kref` binary.
fn main() {}
