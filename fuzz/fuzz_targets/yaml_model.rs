//! Fuzz target `yaml_model`: feeds arbitrary bytes to the checks in `tests/robustness/invariants.rs`
//! (the same checks the regression tests replay saved inputs through).

#![no_main]

#[path = "../../tests/robustness/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::yaml_model(data));
