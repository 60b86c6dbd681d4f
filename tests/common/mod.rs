//! Shared helpers for the native integration tests.
#![allow(dead_code, clippy::panic)]

use std::path::PathBuf;

/// The folder of real public test data (`../shared/data` beside the
/// repository, or `$HRLENS_SHARED_DATA`). A user's clone has none: tests that
/// need it call [`shared_file`] and skip, with a printed notice, when absent.
pub fn shared_data_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("HRLENS_SHARED_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
    };
    dir.is_dir().then_some(dir)
}

/// A file under the shared data folder, or `None` after printing why the
/// calling test is skipped.
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    match shared_data_dir() {
        Some(d) if d.join(rel).exists() => Some(d.join(rel)),
        _ => {
            eprintln!("SKIPPED: shared test data {rel} not found (set HRLENS_SHARED_DATA or place ../shared/data)");
            None
        }
    }
}

/// Read a shared file's bytes, or `None` (skipped, with a notice).
pub fn shared_bytes(rel: &str) -> Option<Vec<u8>> {
    let p = shared_file(rel)?;
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(e) => panic!("cannot read {}: {e}", p.display()),
    }
}
