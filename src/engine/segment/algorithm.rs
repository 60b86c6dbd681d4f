//! Fitting: validate → for each restart, k-means++ (or the given centroids)
//! then iterations until convergence → keep the run with the lowest inertia
//! (the earliest on ties).

use std::collections::HashSet;

use serde::Serialize;

use super::coordinator::{Coordinator, Status};
use super::hyperparams::{Algorithm, KMeansParams};
use super::init::{kmeans_plus_plus, run_rng};
use super::points::{Points, Spec, Value};
use super::shard::{Shard, Work, UNSET};
use crate::engine::error::{Error, Result};

/// One restart's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub inertia: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// A fitted k-means model.
///
/// ```
/// use hrlens::engine::segment::{fit, KMeansParams};
/// // Two obvious groups on a line.
/// let data = [0.0, 0.1, 0.2, 10.0, 10.1, 10.2];
/// let m = fit(&data, 1, &KMeansParams::new(2).seed(1)).unwrap();
/// assert_eq!(m.labels()[0], m.labels()[2]);
/// assert_ne!(m.labels()[0], m.labels()[3]);
/// assert!((m.inertia() - 0.04).abs() < 1e-6); // rows are stored as f32
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansFit {
    pub(crate) k: usize,
    pub(crate) dims: usize,
    pub(crate) labels: Vec<u32>,
    /// `k × dims`, the input's units.
    pub(crate) centroids: Vec<f64>,
    /// `k × dims`, centred units (as the points are stored).
    pub(crate) centred: Vec<f64>,
    pub(crate) inertia: f64,
    pub(crate) iterations: usize,
    pub(crate) converged: bool,
    pub(crate) best_run: usize,
    pub(crate) runs: Vec<RunSummary>,
    pub(crate) work: Work,
    pub(crate) history: Vec<f64>,
    pub(crate) relocated: usize,
}

impl KMeansFit {
    pub fn k(&self) -> usize {
        self.k
    }
    pub fn dims(&self) -> usize {
        self.dims
    }
    /// Cluster of each row, `0..k`.
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }
    /// Centroids, `k × dims`, in the units of the input matrix.
    pub fn centroids(&self) -> &[f64] {
        &self.centroids
    }
    /// Within-cluster sum of squared distances.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }
    /// Iterations of the best run (scikit-learn's `n_iter_`).
    pub fn iterations(&self) -> usize {
        self.iterations
    }
    pub fn converged(&self) -> bool {
        self.converged
    }
    /// Index of the restart that won.
    pub fn best_run(&self) -> usize {
        self.best_run
    }
    pub fn runs(&self) -> &[RunSummary] {
        &self.runs
    }
    /// Distances computed over all restarts.
    pub fn work(&self) -> Work {
        self.work
    }
    /// Inertia after each assignment of the best run (plain Lloyd only; empty for Hamerly).
    pub fn history(&self) -> &[f64] {
        &self.history
    }
    /// Empty clusters re-seeded in the best run.
    pub fn relocated(&self) -> usize {
        self.relocated
    }
    /// Rows per cluster.
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![0usize; self.k];
        for &l in &self.labels {
            if let Some(c) = s.get_mut(l as usize) {
                *c += 1;
            }
        }
        s
    }
}

/// Fit k-means to a row-major matrix (`rows × dims`).
///
/// # Errors
/// `ParamError` for invalid parameters, a ragged matrix, a non-finite value,
/// or fewer distinct rows than `k`; `LimitError` past the size limits.
pub fn fit<T: Value>(data: &[T], dims: usize, params: &KMeansParams) -> Result<KMeansFit> {
    let spec = Spec::of(data, dims)?;
    let points = Points::new(data, &spec)?;
    Ok(fit_points(points, &spec, params)?.0)
}

/// Fit k-means to stored points; gives the points back (for metrics).
///
/// # Errors
/// As [`fit`].
pub fn fit_points(points: Points, spec: &Spec, params: &KMeansParams) -> Result<(KMeansFit, Points)> {
    let n_runs = check(&points, params)?;
    let (k, dims) = (params.k, spec.dims);
    let mut shard = Shard::new(points, 0, spec, k, params.algorithm.resolve())?;
    let mut best: Option<(RunOutcome, Vec<u32>)> = None;
    let mut runs = Vec::with_capacity(n_runs);
    let mut work = Work::default();
    for run in 0..n_runs {
        let coord = start(&shard.points, spec, params, run)?;
        shard.reset();
        let out = run_once(&mut shard, spec, coord)?;
        work.distances += shard.work.distances;
        work.scans += shard.work.scans;
        work.ties += shard.work.ties;
        runs.push(RunSummary { inertia: out.inertia, iterations: out.iterations, converged: out.converged });
        if best.as_ref().is_none_or(|(b, _)| out.inertia < b.inertia) {
            best = Some((out, shard.labels.clone()));
        }
    }
    let Some((b, labels)) = best else {
        return Err(Error::param("no k-means run", "没有 k-means 运行"));
    };
    let centroids =
        b.centroids.chunks_exact(dims).flat_map(|c| c.iter().zip(&spec.offset).map(|(v, o)| v + o)).collect();
    let best_run = runs.iter().position(|r| r.inertia == b.inertia).unwrap_or(0);
    let fit = KMeansFit {
        k,
        dims,
        labels,
        centroids,
        centred: b.centroids,
        inertia: b.inertia,
        iterations: b.iterations,
        converged: b.converged,
        best_run,
        runs,
        work,
        history: b.history,
        relocated: b.relocated,
    };
    Ok((fit, shard.points))
}

/// Check the parameters against the rows; the number of runs to make
/// (1 with explicit initial centroids, as scikit-learn does).
///
/// # Errors
/// `ParamError` for invalid parameters, initial centroids of the wrong
/// shape, or fewer distinct rows than `k`.
pub fn check(points: &Points, params: &KMeansParams) -> Result<usize> {
    params.validate(points.rows())?;
    let k = params.k;
    if let Some(c) = &params.init {
        if c.len() != k * points.dims() {
            return Err(Error::param(
                format!("init: expected {k} centroids of {} values", points.dims()),
                format!("init：应为 {k} 个质心，每个 {} 个值", points.dims()),
            ));
        }
    }
    let distinct = distinct_rows(points, k);
    if distinct < k {
        return Err(Error::param(
            format!(
                "only {distinct} distinct row{} among {} rows: cannot form k = {k} clusters; choose k ≤ {distinct}",
                if distinct == 1 { "" } else { "s" },
                points.rows()
            ),
            format!(
                "{} 行数据中只有 {distinct} 种不同的取值组合，无法分成 k = {k} 个群；请选择 k ≤ {distinct}",
                points.rows()
            ),
        ));
    }
    Ok(if params.init.is_some() { 1 } else { params.n_runs })
}

/// The coordinator of restart `run`: from the explicit initial centroids
/// (the input's units), or from greedy k-means++ seeded by `(seed, run)`.
///
/// # Errors
/// As [`Coordinator::new`].
pub fn start(points: &Points, spec: &Spec, params: &KMeansParams, run: usize) -> Result<Coordinator> {
    let centred = match &params.init {
        Some(c) => c.chunks_exact(spec.dims).flat_map(|c| c.iter().zip(&spec.offset).map(|(v, o)| v - o)).collect(),
        None => kmeans_plus_plus(points, params.k, &mut run_rng(params.seed, run as u64)),
    };
    Coordinator::new(spec, centred, params.k, params.max_n_iterations, params.tolerance)
}

/// One run's result.
#[derive(Debug, Clone)]
pub(crate) struct RunOutcome {
    pub centroids: Vec<f64>,
    pub inertia: f64,
    pub iterations: usize,
    pub converged: bool,
    pub history: Vec<f64>,
    pub relocated: usize,
}

/// Iterate one shard to the end of the run the coordinator started.
pub(crate) fn run_once(shard: &mut Shard, spec: &Spec, mut coord: Coordinator) -> Result<RunOutcome> {
    let mut history = Vec::new();
    let (converged, final_step) = loop {
        let c = coord.centroids().to_vec();
        let changed = shard.step(&c)?;
        if let Some(i) = shard.step_inertia {
            history.push(Shard::inertia_value(i, spec));
        }
        let m = Coordinator::empty_clusters(shard.counts());
        let far = if m > 0 { shard.farthest(m) } else { Vec::new() };
        if let Status::Done { converged, final_step } = coord.update(shard.sums(), shard.counts(), changed, &far)? {
            break (converged, final_step);
        }
    };
    if final_step {
        shard.step(coord.centroids())?;
        if let Some(i) = shard.step_inertia {
            history.push(Shard::inertia_value(i, spec));
        }
    }
    let inertia = Shard::inertia_value(shard.inertia_fixed(coord.centroids()), spec);
    Ok(RunOutcome {
        centroids: coord.centroids().to_vec(),
        inertia,
        iterations: coord.iterations(),
        converged,
        history,
        relocated: coord.relocated(),
    })
}

/// Distinct rows, counting up to `cap` (stops early: typical data is done in `cap` rows).
pub(crate) fn distinct_rows(points: &Points, cap: usize) -> usize {
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    for r in points.iter() {
        seen.insert(r.iter().map(|v| if *v == 0.0 { 0 } else { v.to_bits() }).collect());
        if seen.len() >= cap {
            break;
        }
    }
    seen.len()
}

impl Shard {
    /// Use the same rows for another `k` or algorithm (and reset).
    ///
    /// # Errors
    /// `ParamError` when `k` is out of range.
    pub fn configure(&mut self, k: usize, algorithm: Algorithm) -> Result<()> {
        if k == 0 || k > super::hyperparams::MAX_K {
            return Err(super::hyperparams::range("k", 1, super::hyperparams::MAX_K, k));
        }
        self.k = k;
        self.algorithm = algorithm.resolve();
        self.sums = vec![0; k * self.points.dims];
        self.counts = vec![0; k];
        self.drift = vec![0.0; k];
        self.odrift = vec![0.0; k];
        self.reset();
        Ok(())
    }

    /// Forget labels, bounds and sums (a new run over the same rows).
    pub fn reset(&mut self) {
        self.labels.iter_mut().for_each(|l| *l = UNSET);
        self.upper.iter_mut().for_each(|u| *u = f64::INFINITY);
        self.lower.iter_mut().for_each(|l| *l = 0.0);
        self.sums.iter_mut().for_each(|s| *s = 0);
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.centroids.clear();
        self.step_inertia = None;
        self.work = Work::default();
    }
}
