//! Helpers shared by the end-to-end tests: running the binary and checking its
//! output against the record schema.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root (where `corpus/` and `schemas/` are).
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `plansift` binary with `args` in `cwd`.
pub fn plansift(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansift")).args(args).current_dir(cwd).output().expect("run plansift binary")
}

/// Validates `record` against `schemas/council-record.schema.json`, returning every
/// violation as "path: message".
pub fn schema_errors(record: &serde_json::Value) -> Vec<String> {
    let schema_text =
        std::fs::read_to_string(crate_root().join("schemas/council-record.schema.json")).expect("read schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator.iter_errors(record).map(|e| format!("{}: {}", e.instance_path(), e)).collect()
}

/// Reads and parses a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}
