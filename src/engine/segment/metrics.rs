//! Cluster quality metrics.

/// Rows above which the silhouette is computed on a seeded sample of this many rows.
pub const SILHOUETTE_SAMPLE: usize = 10_000;
