//! The pure-Rust engine: ingest, analyses and their results.
//!
//! Nothing here knows about wasm-bindgen or JavaScript; every function takes
//! bytes or a [`Dataset`] and returns plain Rust values or an [`Error`]. The
//! facade in `src/wasm.rs` and the CLI in `src/bin/` are thin layers on top.
#![forbid(unsafe_code)]

pub mod budget;
pub mod dataset;
pub mod dates;
pub mod describe;
pub mod error;
pub mod export;
pub mod ingest;
pub mod numbers;
pub mod org;
pub mod roles;
pub mod sample;
pub mod score;
pub mod segment;
pub mod trend;
pub mod weights;

pub use dataset::{
    CleaningKind, CleaningStep, Column, ColumnData, ColumnKind, ColumnMeta, ColumnSummary, Dataset, DateOrder,
    DateUnit, Interned, Role, SkippedLine, Source, Warning, WarningKind,
};
pub use error::{Error, ErrorKind, Msg, Result};
pub use numbers::Numbers;
