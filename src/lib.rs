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

pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
