//! Segments: k-means on HR data, an automatic `k`, profiles in words,
//! rule-based tiers, a strategy table per group and survey results per group.
//!
//! The primary types:
//!
//! - [`segment`] takes a [`Dataset`] and [`SegmentOptions`] and returns a
//!   [`Segmentation`]: a label per row, sizes, centroids in original units,
//!   inertia, silhouette / Calinski–Harabasz / Davies–Bouldin, the `k` scan
//!   when `k = "auto"`, a [`Profile`] per segment and a 2-D projection.
//! - [`fit`] is k-means on a plain matrix ([`KMeansParams`] → [`KMeansFit`]);
//!   [`Shard`] and [`Coordinator`] split it over workers.
//! - [`tier`] (rule-based tiers), [`strategy`] (the 主要需求 / 服务策略 /
//!   预期效果 table) and [`survey`] (Likert results per group) build on labels.
//!
//! How it works (linfa's layout: params → validate → fit → result):
//!
//! 1. `matrix` encodes the features (numbers scaled, categories one-hot
//!    with a documented weight, missing values imputed or excluded — always
//!    with a warning);
//! 2. `points` stores the rows centred as `f32`, with exact fixed-point
//!    cluster sums, so results do not depend on row order or sharding;
//! 3. `init` seeds each restart with greedy k-means++ (scikit-learn's);
//! 4. `hamerly` (default) or `lloyd` (the plain reference) assigns rows,
//!    `coordinator` moves centroids and applies scikit-learn's stopping rules;
//! 5. `metrics`, `auto_k`, `profile` and `pca` describe the result.
//!
//! # Example
//! ```
//! use hrlens::engine::sample::{sample, SampleOptions};
//! use hrlens::engine::segment::{segment, KChoice, SegmentOptions};
//! let ds = sample(&SampleOptions { employees: 300, months: 1, seed: 1 }).unwrap();
//! let opts = SegmentOptions {
//!     features: vec!["登录次数".into(), "满意度".into(), "职位族".into()],
//!     k: KChoice::Fixed(3),
//!     ..SegmentOptions::default()
//! };
//! let s = segment(&ds, &opts).unwrap();
//! assert_eq!(s.k, 3);
//! assert_eq!(s.labels.len(), 300);
//! assert_eq!(s.sizes.iter().sum::<usize>(), 300);
//! assert!(!s.profiles[0].label.zh.is_empty());
//! ```

pub mod algorithm;
pub mod auto_k;
pub mod coordinator;
pub mod groups;
pub mod hamerly;
pub mod hyperparams;
pub mod init;
pub mod kernel;
pub mod lexicon;
pub mod lloyd;
pub mod matrix;
pub mod metrics;
pub mod pca;
pub mod points;
pub mod profile;
pub mod scaling;
pub mod shard;
pub mod strategy;
pub mod survey;
pub mod tier;

pub use algorithm::{fit, fit_points, KMeansFit, RunSummary};
pub use auto_k::KScore;
pub use coordinator::{Coordinator, Status};
pub use groups::Groups;
pub use hyperparams::{Algorithm, KChoice, KMeansParams, MissingPolicy, Scaling, SegmentOptions};
pub use matrix::{Feature, FeatureKind};
pub use metrics::Quality;
pub use points::{Points, Spec};
pub use profile::{CategoryShare, GroupStats, Trait};
pub use shard::{Far, Shard, Work, UNSET};
pub use strategy::{strategy, EditedRow, StrategyRow};
pub use survey::{survey, Survey, SurveyGroup, SurveyKind, SurveyOptions};
pub use tier::{tier, CrossTab, TierCount, TierMatrix, TierRules, Tiering};

use serde::Serialize;

use crate::engine::dataset::{Dataset, Warning};
use crate::engine::error::{Msg, Result};

/// Label of a row that was not clustered (`missing: "exclude"`).
pub const UNASSIGNED: u32 = u32::MAX;

/// One segment described.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub segment: u32,
    pub size: usize,
    pub share: f64,
    /// Short label, e.g. "高频使用·低满意度" / "frequent users, low satisfaction".
    pub label: Msg,
    /// The centroid's number features in original units (order of `numericFeatures`).
    pub centroid: Vec<f64>,
    /// Number columns (features, then `describe`), strongest `|z|` first.
    pub traits: Vec<Trait>,
    /// Category columns' main levels in the segment.
    pub categories: Vec<CategoryShare>,
}

/// The result of [`segment`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Segmentation {
    pub k: usize,
    /// One per dataset row, `0..k`, or [`UNASSIGNED`].
    #[serde(skip)]
    pub labels: Vec<u32>,
    pub sizes: Vec<usize>,
    /// The features as encoded (kind, scaler, levels).
    pub features: Vec<Feature>,
    /// Names of the number features, the columns of `centroids`.
    pub numeric_features: Vec<String>,
    /// `k × numericFeatures`, original units.
    pub centroids: Vec<Vec<f64>>,
    /// Within-cluster sum of squares, in the scaled feature space.
    pub inertia: f64,
    pub iterations: usize,
    pub converged: bool,
    pub silhouette: f64,
    /// Rows the silhouette was computed on.
    pub silhouette_rows: usize,
    pub calinski_harabasz: f64,
    pub davies_bouldin: f64,
    /// Every scanned `k` (only for `k = "auto"`).
    pub k_scan: Option<Vec<KScore>>,
    /// Why this `k` (only for `k = "auto"`).
    pub k_reason: Option<Msg>,
    pub profiles: Vec<Profile>,
    /// `x, y` per dataset row (NaN for unassigned rows); empty when not requested.
    #[serde(skip)]
    pub projection: Vec<f32>,
    /// Share of variance on each projection axis.
    pub projection_explained: [f64; 2],
    /// Rows left out (`missing: "exclude"`).
    pub unassigned: usize,
    pub algorithm: Algorithm,
    pub scaling: Scaling,
    pub restarts: usize,
    /// Distances computed (a measure of work).
    pub distances: u64,
    pub warnings: Vec<Warning>,
}

/// Segment the rows of `ds` on `opts.features`.
///
/// # Errors
/// `ParamError` for invalid options, unknown or unusable columns, too few
/// rows or distinct rows for `k`; `LimitError` past the size limits.
pub fn segment(ds: &Dataset, opts: &SegmentOptions) -> Result<Segmentation> {
    opts.validate()?;
    let enc = matrix::encode(ds, opts)?;
    let (spec, points) = enc.points()?;
    let mut warnings = enc.warnings.clone();
    let sample = metrics::sample_rows(points.rows(), opts.silhouette_sample, opts.seed);
    let base = KMeansParams {
        k: 2,
        n_runs: opts.runs(),
        max_n_iterations: opts.max_iter,
        tolerance: opts.tol,
        seed: opts.seed,
        algorithm: opts.algorithm,
        init: None,
    };
    let (fit, quality, k_scan, k_reason, points) = match opts.k {
        KChoice::Fixed(k) => {
            let init = match &opts.init {
                Some(rows) => Some(enc.encode_init(rows)?),
                None => None,
            };
            let params = KMeansParams { k, init, ..base };
            let (fit, points) = fit_points(points, &spec, &params)?;
            let q = metrics::quality(&points, fit.labels(), k, &sample);
            (fit, q, None, None, points)
        }
        KChoice::Auto => {
            let (scan, points) = auto_k::scan(points, &spec, &base, opts.k_min, opts.k_max, &sample)?;
            if let Some(top) = scan.clamped {
                warnings.push(Warning::new(
                    None,
                    None,
                    Msg::new(
                        format!("kMax was lowered to {top}: there are not enough distinct rows for more segments"),
                        format!("kMax 已降为 {top}：不同的行不足以分出更多的群"),
                    ),
                ));
            }
            (scan.fit, scan.quality, Some(scan.scores), Some(scan.reason), points)
        }
    };
    if !fit.converged() {
        warnings.push(Warning::new(
            None,
            None,
            Msg::new(
                format!("k-means stopped after maxIter = {} iterations before converging", opts.max_iter),
                format!("k-means 达到 maxIter = {} 次迭代仍未收敛", opts.max_iter),
            ),
        ));
    }
    let k = fit.k();
    let mut labels = vec![UNASSIGNED; ds.row_count()];
    for (&r, &l) in enc.rows.iter().zip(fit.labels()) {
        if let Some(slot) = labels.get_mut(r as usize) {
            *slot = l;
        }
    }
    // Profiles over the features and the extra columns to describe.
    let mut columns: Vec<String> = opts.features.clone();
    for c in &opts.describe {
        if !columns.contains(c) {
            columns.push(c.clone());
        }
    }
    let stats = profile::group_stats(ds, &labels, k, &columns)?;
    let names = profile::labels(&stats);
    let centroids: Vec<Vec<f64>> = fit.centroids().chunks_exact(enc.dims).map(|c| enc.decode(c).0).collect();
    let profiles = stats
        .into_iter()
        .zip(names)
        .zip(&centroids)
        .enumerate()
        .map(|(i, ((g, label), c))| Profile {
            segment: i as u32,
            size: g.size,
            share: g.share,
            label,
            centroid: c.clone(),
            traits: g.traits,
            categories: g.categories,
        })
        .collect();
    let (projection, explained) = if opts.projection {
        let p = pca::project(&points);
        let mut out = vec![f32::NAN; 2 * ds.row_count()];
        for (&r, xy) in enc.rows.iter().zip(p.coords.chunks_exact(2)) {
            if let Some(slot) = out.get_mut(2 * r as usize..2 * r as usize + 2) {
                slot.copy_from_slice(xy);
            }
        }
        (out, p.explained)
    } else {
        (Vec::new(), [0.0, 0.0])
    };
    let numeric_features =
        enc.features.iter().filter(|f| f.kind == FeatureKind::Number).map(|f| f.name.clone()).collect();
    Ok(Segmentation {
        k,
        sizes: fit.sizes(),
        labels,
        features: enc.features.clone(),
        numeric_features,
        centroids,
        inertia: fit.inertia(),
        iterations: fit.iterations(),
        converged: fit.converged(),
        silhouette: quality.silhouette,
        silhouette_rows: quality.silhouette_rows,
        calinski_harabasz: quality.calinski_harabasz,
        davies_bouldin: quality.davies_bouldin,
        k_scan,
        k_reason,
        profiles,
        projection,
        projection_explained: explained,
        unassigned: ds.row_count() - enc.rows.len(),
        algorithm: opts.algorithm.resolve(),
        scaling: opts.scaling,
        restarts: opts.runs(),
        distances: fit.work().distances,
        warnings,
    })
}

/// A category column from per-row segment labels: label `c` becomes
/// `names[c]` when given, else `S{c+1}`; [`UNASSIGNED`] is missing.
pub fn label_column(name: &str, labels: &[u32], names: &[String]) -> crate::engine::dataset::Column {
    use crate::engine::dataset::{Column, ColumnKind, Interned};
    let mut values = Interned::with_capacity(labels.len());
    let mut default_names: Vec<String> = Vec::new();
    for &l in labels {
        if l == UNASSIGNED {
            values.push(None);
            continue;
        }
        let l = l as usize;
        match names.get(l) {
            Some(n) => values.push(Some(n)),
            None => {
                while default_names.len() <= l {
                    default_names.push(format!("S{}", default_names.len() + 1));
                }
                values.push(default_names.get(l).map(String::as_str));
            }
        }
    }
    Column::strings(name, values, ColumnKind::Category)
}
