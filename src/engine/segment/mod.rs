//! Segments: k-means (placeholder docs, expanded below).

pub mod algorithm;
pub mod coordinator;
pub mod hamerly;
pub mod hyperparams;
pub mod init;
pub mod kernel;
pub mod lloyd;
pub mod metrics;
pub mod points;
pub mod shard;

pub use algorithm::{fit, fit_points, KMeansFit, RunSummary};
pub use coordinator::{Coordinator, Status};
pub use hyperparams::{Algorithm, KChoice, KMeansParams, MissingPolicy, Scaling, SegmentOptions};
pub use points::{Points, Spec};
pub use shard::{Far, Shard, Work, UNSET};
