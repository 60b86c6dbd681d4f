//! The M-step and the stopping rules, over the summed partials of all shards.
//!
//! Mirrors scikit-learn's `_kmeans_single_lloyd`: after the assignment to
//! centroids `C_i`, the new centroids are the cluster means; the run stops
//! when no label changed ("strict convergence": the centroids are then
//! already those of the labels), or when the total squared centroid shift
//! `Σ ‖C_{i+1} − C_i‖²` is at most `tol × mean feature variance`, or after
//! `maxIter` iterations. In the last two cases one more assignment makes the
//! labels match the final centroids. Iterations are counted as scikit-learn
//! counts them (`n_iter_`).
//!
//! **Empty clusters** are re-seeded as scikit-learn does: each takes one of
//! the rows farthest from their own centroid (farthest first, ties to the
//! lowest row), which leaves its old cluster. A cluster that is still empty
//! keeps its previous centroid, so a centroid is never NaN.

use super::points::{pow2, Spec};
use super::shard::{far_order, Far};
use crate::engine::error::{Error, Result};

/// What to do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Send [`Coordinator::centroids`] to every shard for another step.
    Continue,
    /// Stop. When `final_step`, assign once more to the final centroids first.
    Done { converged: bool, final_step: bool },
}

/// Centroids, iteration count and the stopping rules of one run.
#[derive(Debug, Clone)]
pub struct Coordinator {
    k: usize,
    dims: usize,
    unscale: Vec<f64>,
    centroids: Vec<f64>,
    tol_abs: f64,
    max_iter: usize,
    iterations: usize,
    relocated: usize,
    status: Status,
}

impl Coordinator {
    /// Start a run from `init` (`k × dims`, centred units).
    ///
    /// # Errors
    /// `ParamError` for a wrong length, a non-finite value, `maxIter = 0` or a bad tolerance.
    pub fn new(spec: &Spec, init: Vec<f64>, k: usize, max_iter: usize, tol: f64) -> Result<Coordinator> {
        spec.validate()?;
        if k == 0 || init.len() != k * spec.dims || init.iter().any(|c| !c.is_finite()) {
            return Err(Error::param(
                format!("initial centroids: expected {k} × {} finite values", spec.dims),
                format!("初始质心：应为 {k} × {} 个有限数值", spec.dims),
            ));
        }
        if max_iter == 0 || !(tol.is_finite() && tol >= 0.0) {
            return Err(Error::param(
                "maxIter must be at least 1 and tol a number ≥ 0",
                "maxIter 至少为 1，tol 必须是 ≥ 0 的数",
            ));
        }
        Ok(Coordinator {
            k,
            dims: spec.dims,
            unscale: spec.exponents.iter().map(|&e| pow2(-e)).collect(),
            centroids: init,
            tol_abs: tol * spec.variance,
            max_iter,
            iterations: 0,
            relocated: 0,
            status: Status::Continue,
        })
    }

    /// The centroids the shards should assign to next (or the final ones).
    pub fn centroids(&self) -> &[f64] {
        &self.centroids
    }

    /// Iterations so far, counted as scikit-learn's `n_iter_`.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Empty clusters re-seeded so far.
    pub fn relocated(&self) -> usize {
        self.relocated
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// How many clusters are empty in merged `counts` (ask the shards for
    /// that many [`Far`] candidates before [`Coordinator::update`]).
    pub fn empty_clusters(counts: &[u64]) -> usize {
        counts.iter().filter(|&&c| c == 0).count()
    }

    /// One M-step from the sums and counts of all shards (added up) and the
    /// number of labels that changed; `far` holds the candidates of every
    /// shard when some cluster is empty.
    ///
    /// # Errors
    /// `ParamError` when the sums or counts have the wrong length, or the run already ended.
    pub fn update(&mut self, sums: &[i64], counts: &[u64], changed: u64, far: &[Far]) -> Result<Status> {
        if sums.len() != self.k * self.dims || counts.len() != self.k {
            return Err(Error::param("partial sums have the wrong shape", "部分和的形状不对"));
        }
        if self.status != Status::Continue {
            return Err(Error::param("this k-means run has already finished", "该 k-means 运行已结束"));
        }
        self.iterations += 1;
        let mut sums = sums.to_vec();
        let mut counts = counts.to_vec();
        let mut relocated = 0usize;
        if Self::empty_clusters(&counts) > 0 {
            let mut far: Vec<&Far> = far.iter().collect();
            far.sort_by(|a, b| far_order(a, b));
            far.dedup_by_key(|f| f.row);
            let empty: Vec<usize> = (0..self.k).filter(|&c| counts.get(c) == Some(&0)).collect();
            for (&e, f) in empty.iter().zip(far) {
                let donor = f.label as usize;
                if donor == e || f.q.len() != self.dims || counts.get(donor).is_none_or(|&c| c == 0) {
                    continue;
                }
                if let Some(s) = sums.get_mut(donor * self.dims..(donor + 1) * self.dims) {
                    s.iter_mut().zip(&f.q).for_each(|(s, q)| *s = s.wrapping_sub(*q));
                }
                if let Some(s) = sums.get_mut(e * self.dims..(e + 1) * self.dims) {
                    s.copy_from_slice(&f.q);
                }
                if let Some(c) = counts.get_mut(donor) {
                    *c -= 1;
                }
                if let Some(c) = counts.get_mut(e) {
                    *c = 1;
                }
                relocated += 1;
            }
        }
        self.relocated += relocated;
        let mut next = self.centroids.clone();
        for ((c, s), &n) in next.chunks_exact_mut(self.dims).zip(sums.chunks_exact(self.dims)).zip(&counts) {
            if n > 0 {
                for ((c, &s), &u) in c.iter_mut().zip(s).zip(&self.unscale) {
                    *c = s as f64 * u / n as f64;
                }
            }
        }
        let shift: f64 = next.iter().zip(&self.centroids).map(|(a, b)| (a - b) * (a - b)).sum();
        self.centroids = next;
        self.status = if changed == 0 && relocated == 0 {
            Status::Done { converged: true, final_step: false }
        } else if shift <= self.tol_abs {
            Status::Done { converged: true, final_step: true }
        } else if self.iterations >= self.max_iter {
            Status::Done { converged: false, final_step: true }
        } else {
            Status::Continue
        };
        Ok(self.status)
    }
}
