//! Robustness tests (issue 7): saved fuzz findings replayed, property tests, index faults (kill -9,
//! corruption, concurrency, unwritable caches), the bad-input matrix, no network and security.
//! See docs/ROBUSTNESS.md for what each covers and how to run the fuzzers.

mod bad_input;
mod faults;
mod invariants;
mod lsp;
#[allow(dead_code)]
#[path = "../e2e/lsp_client.rs"]
mod lsp_client;
mod no_network;
mod precision_input;
mod props;
mod replay;
mod security;
#[allow(dead_code)]
#[path = "../e2e/util.rs"]
mod util;
