//! End-to-end tests of the real `kref` binary.
