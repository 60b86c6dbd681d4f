//! Parameters, checked in one place.
//!
//! [`KMeansParams`] are the k-means hyperparameters (linfa's names:
//! `n_runs`, `max_n_iterations`, `tolerance`); [`SegmentOptions`] are the
//! options of `ds.segment(opts)` as JavaScript sends them. Both have a
//! `validate()` that every entry point calls before any work.

use serde::{Deserialize, Deserializer, Serialize};

use crate::engine::error::{Error, Result};

/// Largest `k` of the raw k-means API.
pub const MAX_K: usize = 1024;
/// Largest `k` (and `kMax`) of `segment`.
pub const MAX_SEGMENTS: usize = 50;
/// Largest number of restarts.
pub const MAX_RUNS: usize = 100;
/// Largest `maxIter`.
pub const MAX_ITERATIONS: usize = 10_000;

/// Which E-step to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Hamerly (the fastest exact choice here).
    #[default]
    Auto,
    /// Plain Lloyd in `f64`, the reference.
    Lloyd,
    /// Hamerly's bounds with the GEMM-form `f32` kernel.
    Hamerly,
}

impl Algorithm {
    /// The E-step actually run.
    pub fn resolve(self) -> Algorithm {
        match self {
            Algorithm::Auto | Algorithm::Hamerly => Algorithm::Hamerly,
            Algorithm::Lloyd => Algorithm::Lloyd,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Auto => "auto",
            Algorithm::Lloyd => "lloyd",
            Algorithm::Hamerly => "hamerly",
        }
    }
}

/// k-means hyperparameters.
///
/// ```
/// use hrlens::engine::segment::KMeansParams;
/// let p = KMeansParams::new(3).n_runs(5).seed(7);
/// assert!(p.validate(100).is_ok());
/// assert!(KMeansParams::new(0).validate(100).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansParams {
    pub k: usize,
    /// Restarts from different k-means++ seeds; the lowest inertia wins.
    pub n_runs: usize,
    pub max_n_iterations: usize,
    /// Convergence: total squared centroid shift ≤ `tolerance × mean feature variance`.
    pub tolerance: f64,
    pub seed: u64,
    pub algorithm: Algorithm,
    /// Explicit initial centroids (`k × dims`, the matrix's units); one run.
    pub init: Option<Vec<f64>>,
}

impl KMeansParams {
    /// Defaults as scikit-learn's `KMeans` except `n_runs` (10): 300 iterations, `tol` 1e-4.
    pub fn new(k: usize) -> KMeansParams {
        KMeansParams {
            k,
            n_runs: 10,
            max_n_iterations: 300,
            tolerance: 1e-4,
            seed: 42,
            algorithm: Algorithm::Auto,
            init: None,
        }
    }
    pub fn n_runs(mut self, n: usize) -> Self {
        self.n_runs = n;
        self
    }
    pub fn max_n_iterations(mut self, n: usize) -> Self {
        self.max_n_iterations = n;
        self
    }
    pub fn tolerance(mut self, t: f64) -> Self {
        self.tolerance = t;
        self
    }
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    pub fn algorithm(mut self, a: Algorithm) -> Self {
        self.algorithm = a;
        self
    }
    pub fn init(mut self, c: Vec<f64>) -> Self {
        self.init = Some(c);
        self
    }

    /// Check the parameters for a matrix of `rows` rows.
    ///
    /// # Errors
    /// `ParamError` naming the parameter and its allowed range.
    pub fn validate(&self, rows: usize) -> Result<()> {
        if self.k == 0 || self.k > MAX_K {
            return Err(range("k", 1, MAX_K, self.k));
        }
        if self.n_runs == 0 || self.n_runs > MAX_RUNS {
            return Err(range("restarts", 1, MAX_RUNS, self.n_runs));
        }
        if self.max_n_iterations == 0 || self.max_n_iterations > MAX_ITERATIONS {
            return Err(range("maxIter", 1, MAX_ITERATIONS, self.max_n_iterations));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(Error::param("tol must be a finite number ≥ 0", "tol 必须是 ≥ 0 的有限数"));
        }
        if rows < self.k {
            return Err(Error::param(
                format!("k = {} needs at least {} rows, but there are {rows}", self.k, self.k),
                format!("k = {} 至少需要 {} 行数据，实际只有 {rows} 行", self.k, self.k),
            ));
        }
        Ok(())
    }
}

pub(crate) fn range(name: &str, lo: usize, hi: usize, got: usize) -> Error {
    Error::param(
        format!("{name} must be between {lo} and {hi}, got {got}"),
        format!("{name} 必须在 {lo} 到 {hi} 之间，实际为 {got}"),
    )
}

/// How numeric features are scaled before clustering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scaling {
    /// `(x − mean) / σ` (population σ), scikit-learn's `StandardScaler`.
    #[default]
    Zscore,
    /// `(x − median) / IQR`, scikit-learn's `RobustScaler`.
    Robust,
    /// `(x − min) / (max − min)`, scikit-learn's `MinMaxScaler`.
    Minmax,
    /// Raw values.
    None,
}

/// What to do with a row that misses a feature value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Numbers: the feature's mean; categories: no level (all indicators 0). With a warning.
    #[default]
    Impute,
    /// Leave the row out: its label is `UNASSIGNED`. With a warning.
    Exclude,
}

/// `k`: a number, or `"auto"` to scan `kMin..=kMax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KChoice {
    #[default]
    Auto,
    Fixed(usize),
}

impl<'de> Deserialize<'de> for KChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<KChoice, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) if n.fract() == 0.0 && (0.0..=1e6).contains(&n) => Ok(KChoice::Fixed(n as usize)),
            Raw::S(s) if s == "auto" => Ok(KChoice::Auto),
            _ => Err(serde::de::Error::custom("k must be a whole number or \"auto\"")),
        }
    }
}

/// Options of `ds.segment(opts)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SegmentOptions {
    /// Columns to cluster on: number columns, and category columns (one-hot).
    pub features: Vec<String>,
    pub k: KChoice,
    /// Smallest `k` scanned by `"auto"` (default 2).
    pub k_min: usize,
    /// Largest `k` scanned by `"auto"` (default 10).
    pub k_max: usize,
    pub seed: u64,
    /// Default: 10 for a fixed `k`, 3 per scanned `k` for `"auto"`.
    pub restarts: Option<usize>,
    pub max_iter: usize,
    pub tol: f64,
    pub scaling: Scaling,
    /// Initial centroids, `k × features` in original units (numeric features only).
    pub init: Option<Vec<Vec<f64>>>,
    pub algorithm: Algorithm,
    /// Weight of a category mismatch (see `matrix`): default 1.
    pub categorical_weight: f64,
    pub missing: MissingPolicy,
    /// Rows above which the silhouette is computed on a seeded sample of this many rows.
    pub silhouette_sample: usize,
    /// Compute the 2-D projection (default true).
    pub projection: bool,
    /// Further columns to describe segments by, without clustering on them.
    pub describe: Vec<String>,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions {
            features: Vec::new(),
            k: KChoice::Auto,
            k_min: 2,
            k_max: 10,
            seed: 42,
            restarts: None,
            max_iter: 300,
            tol: 1e-4,
            scaling: Scaling::Zscore,
            init: None,
            algorithm: Algorithm::Auto,
            categorical_weight: 1.0,
            missing: MissingPolicy::Impute,
            silhouette_sample: super::metrics::SILHOUETTE_SAMPLE,
            projection: true,
            describe: Vec::new(),
        }
    }
}

impl SegmentOptions {
    /// Restarts per fitted `k`.
    pub fn runs(&self) -> usize {
        self.restarts.unwrap_or(match self.k {
            KChoice::Auto => 3,
            KChoice::Fixed(_) => 10,
        })
    }

    /// Check what can be checked without the data.
    ///
    /// # Errors
    /// `ParamError` naming the option.
    pub fn validate(&self) -> Result<()> {
        if self.features.is_empty() {
            return Err(Error::param("segment: choose at least one feature column", "分群：请至少选择一个特征列"));
        }
        let mut seen = std::collections::HashSet::new();
        for f in &self.features {
            if !seen.insert(f.as_str()) {
                return Err(
                    Error::param(format!("feature \"{f}\" is listed twice"), format!("特征“{f}”重复")).at_column(f)
                );
            }
        }
        match self.k {
            KChoice::Fixed(k) if !(2..=MAX_SEGMENTS).contains(&k) => return Err(range("k", 2, MAX_SEGMENTS, k)),
            KChoice::Auto => {
                if self.k_min < 2 || self.k_min > self.k_max || self.k_max > MAX_SEGMENTS {
                    return Err(Error::param(
                        format!(
                            "kMin and kMax must satisfy 2 ≤ kMin ≤ kMax ≤ {MAX_SEGMENTS}, got {} and {}",
                            self.k_min, self.k_max
                        ),
                        format!(
                            "kMin 与 kMax 须满足 2 ≤ kMin ≤ kMax ≤ {MAX_SEGMENTS}，实际为 {} 与 {}",
                            self.k_min, self.k_max
                        ),
                    ));
                }
                if self.init.is_some() {
                    return Err(Error::param(
                        "init needs a fixed k (not \"auto\")",
                        "指定初始质心时 k 必须是固定数值（不能为 \"auto\"）",
                    ));
                }
            }
            KChoice::Fixed(_) => {}
        }
        let runs = self.runs();
        if runs == 0 || runs > MAX_RUNS {
            return Err(range("restarts", 1, MAX_RUNS, runs));
        }
        if self.max_iter == 0 || self.max_iter > MAX_ITERATIONS {
            return Err(range("maxIter", 1, MAX_ITERATIONS, self.max_iter));
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(Error::param("tol must be a finite number ≥ 0", "tol 必须是 ≥ 0 的有限数"));
        }
        if !(self.categorical_weight.is_finite() && self.categorical_weight > 0.0 && self.categorical_weight <= 100.0) {
            return Err(Error::param(
                "categoricalWeight must be a number in (0, 100]",
                "categoricalWeight 必须在 (0, 100] 之间",
            ));
        }
        if !(100..=50_000).contains(&self.silhouette_sample) {
            return Err(range("silhouetteSample", 100, 50_000, self.silhouette_sample));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_is_a_number_or_auto() {
        let o: SegmentOptions = serde_json::from_str(r#"{"features":["a"],"k":4}"#).unwrap();
        assert_eq!(o.k, KChoice::Fixed(4));
        assert_eq!(o.runs(), 10);
        let o: SegmentOptions = serde_json::from_str(r#"{"features":["a"],"k":"auto"}"#).unwrap();
        assert_eq!(o.k, KChoice::Auto);
        assert_eq!(o.runs(), 3);
        assert!(serde_json::from_str::<SegmentOptions>(r#"{"features":["a"],"k":"many"}"#).is_err());
        assert!(serde_json::from_str::<SegmentOptions>(r#"{"features":["a"],"k":2.5}"#).is_err());
        assert!(serde_json::from_str::<SegmentOptions>(r#"{"features":["a"],"kk":2}"#).is_err());
    }

    #[test]
    fn validate_names_the_option() {
        let base = SegmentOptions { features: vec!["a".into()], ..SegmentOptions::default() };
        assert!(base.validate().is_ok());
        let e = SegmentOptions { k: KChoice::Fixed(1), ..base.clone() }.validate().unwrap_err();
        assert!(e.to_string().contains("k must be between 2"));
        let e = SegmentOptions { k_max: 1, ..base.clone() }.validate().unwrap_err();
        assert!(e.to_string().contains("kMax"));
        let e = SegmentOptions { features: vec!["a".into(), "a".into()], ..base.clone() }.validate().unwrap_err();
        assert_eq!(e.column.as_deref(), Some("a"));
        assert!(SegmentOptions { restarts: Some(0), ..base.clone() }.validate().is_err());
        assert!(SegmentOptions { tol: f64::NAN, ..base.clone() }.validate().is_err());
        assert!(SegmentOptions { categorical_weight: 0.0, ..base.clone() }.validate().is_err());
        assert!(SegmentOptions { init: Some(vec![vec![1.0]]), ..base }.validate().is_err());
        assert!(KMeansParams::new(5).validate(4).unwrap_err().to_string().contains("at least 5 rows"));
    }
}
