//! hrlens: private HR analytics that runs in the browser.
//!
//! The [`engine`] computes segments, weighted KPI scores and trends on the
//! analyst's own files; it is pure Rust and tested natively. On `wasm32` the
//! `wasm` facade exposes it to JavaScript (see README.md for the JS API).
//!
//! ```
//! use hrlens::engine::sample::{sample, SampleOptions};
//! let ds = sample(&SampleOptions::default()).unwrap();
//! assert_eq!(ds.row_count(), 2000 * 24);
//! ```

// The panic policy (issue 9): unwrap, expect and panic! are denied in
// Cargo.toml's [lints]; indexing that could go out of bounds is denied here,
// for the library itself (its unit tests index freely). The few exceptions are
// `#[allow]`ed where they stand, each saying why it cannot fail.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
