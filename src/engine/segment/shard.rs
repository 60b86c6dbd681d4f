//! One shard of rows and its assignment step (the E-step of k-means).
//!
//! A [`Shard`] keeps its rows, their labels and exact fixed-point cluster
//! sums between steps (and, for Hamerly, the distance bounds), so a worker
//! loads its rows once and then exchanges only `k × dims` partial sums per
//! iteration. [`super::coordinator::Coordinator`] turns the summed partials
//! into the next centroids. A single-instance fit is the same code with one
//! shard holding every row, which is why any number of shards gives
//! bit-identical results.

use serde::{Deserialize, Serialize};

use super::hyperparams::Algorithm;
use super::kernel::BLOCK;
use super::points::{dist2_f64, pow2, quantise, Points, Spec};
use crate::engine::error::{Error, Result};

/// Label of a row that has not been assigned yet.
pub const UNSET: u32 = u32::MAX;

/// A row far from its centroid, offered to re-seed an empty cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Far {
    /// Squared distance to its centroid.
    pub dist2: f64,
    /// Row index over all shards.
    pub row: u64,
    /// Its current cluster.
    pub label: u32,
    /// The row in fixed point (as the cluster sums hold it).
    pub q: Vec<i64>,
}

/// Order of candidates: farthest first, then the lowest row.
pub fn far_order(a: &Far, b: &Far) -> std::cmp::Ordering {
    b.dist2.total_cmp(&a.dist2).then(a.row.cmp(&b.row))
}

/// Centroids in the layouts the kernels read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// `k × stride`, row-major, `f32`.
    pub rows: Vec<f32>,
    /// Transposed blocks of [`BLOCK`] centroids: `blocks × dims × BLOCK`.
    pub ct: Vec<f32>,
    /// Squared norms, `blocks × BLOCK` (`+∞` for padding).
    pub cn: Vec<[f32; BLOCK]>,
    /// Largest squared norm.
    pub cn_max: f32,
}

impl Layout {
    pub fn build(c: &[f64], k: usize, dims: usize, stride: usize) -> Layout {
        let blocks = k.div_ceil(BLOCK);
        let mut rows = vec![0.0f32; k * stride];
        for (r, c) in rows.chunks_exact_mut(stride).zip(c.chunks_exact(dims)) {
            for (r, &c) in r.iter_mut().zip(c) {
                *r = c as f32;
            }
        }
        let mut ct = vec![0.0f32; blocks * dims * BLOCK];
        let mut cn = vec![[f32::INFINITY; BLOCK]; blocks];
        let mut cn_max = 0.0f32;
        for (i, r) in rows.chunks_exact(stride).enumerate() {
            let (b, l) = (i / BLOCK, i % BLOCK);
            let n: f64 = r.iter().map(|&v| v as f64 * v as f64).sum();
            if let Some(slot) = cn.get_mut(b).and_then(|n| n.get_mut(l)) {
                *slot = n as f32;
            }
            cn_max = super::kernel::max32(cn_max, n as f32);
            for (j, &v) in r.iter().take(dims).enumerate() {
                if let Some(slot) = ct.get_mut((b * dims + j) * BLOCK + l) {
                    *slot = v;
                }
            }
        }
        Layout { rows, ct, cn, cn_max }
    }

    /// Centroid `c` as an `f32` row.
    pub fn row(&self, c: usize, stride: usize) -> &[f32] {
        self.rows.get(c * stride..(c + 1) * stride).unwrap_or(&[])
    }
}

/// Counters of the work an E-step did (for benchmarks and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Work {
    /// Single row-to-centroid distances computed.
    pub distances: u64,
    /// Rows scanned against every centroid.
    pub scans: u64,
    /// Scans too close to call in `f32`, decided in `f64`.
    pub ties: u64,
}

/// One shard of a k-means problem (see the module docs).
#[derive(Debug, Clone)]
pub struct Shard {
    pub(crate) points: Points,
    pub(crate) first_row: u64,
    pub(crate) k: usize,
    pub(crate) algorithm: Algorithm,
    pub(crate) scale: Vec<f32>,
    pub(crate) inertia_scale: f64,
    pub(crate) labels: Vec<u32>,
    /// Hamerly bounds, relative to the drifts (`û`, `l̂`, see `hamerly`); `f64`
    /// so that the relative form needs no directed rounding.
    pub(crate) upper: Vec<f64>,
    pub(crate) lower: Vec<f64>,
    pub(crate) sums: Vec<i64>,
    pub(crate) counts: Vec<u64>,
    /// Centroids of the last step (`k × dims`), empty before the first.
    pub(crate) centroids: Vec<f64>,
    pub(crate) layout: Layout,
    /// Inertia (fixed point) of the last Lloyd step, which computes it anyway.
    pub(crate) step_inertia: Option<i64>,
    pub(crate) work: Work,
    pub(crate) queue: Vec<u32>,
    /// Hamerly: per cluster, the summed moves of its centroid (`D`) and the
    /// summed largest moves of the other centroids (`O`) this run.
    pub(crate) drift: Vec<f64>,
    pub(crate) odrift: Vec<f64>,
}

impl Shard {
    /// A shard over `points`, whose first row is row `first_row` of the whole problem.
    ///
    /// # Errors
    /// `ParamError` when `k` is 0 or above 4096, or the spec and points disagree.
    pub fn new(points: Points, first_row: u64, spec: &Spec, k: usize, algorithm: Algorithm) -> Result<Shard> {
        spec.validate()?;
        if k == 0 || k > super::hyperparams::MAX_K {
            return Err(Error::param(
                format!("k must be between 1 and {}, got {k}", super::hyperparams::MAX_K),
                format!("k 必须在 1 到 {} 之间，实际为 {k}", super::hyperparams::MAX_K),
            ));
        }
        if points.dims != spec.dims {
            return Err(Error::param("the shard's rows do not match the spec", "分片的行与规格不符"));
        }
        let n = points.rows;
        Ok(Shard {
            first_row,
            k,
            algorithm,
            scale: spec.scales(),
            inertia_scale: pow2(spec.inertia_exponent),
            labels: vec![UNSET; n],
            upper: vec![f64::INFINITY; n],
            lower: vec![0.0; n],
            sums: vec![0; k * spec.dims],
            counts: vec![0; k],
            centroids: Vec::new(),
            layout: Layout::default(),
            step_inertia: None,
            work: Work::default(),
            queue: Vec::new(),
            drift: vec![0.0; k],
            odrift: vec![0.0; k],
            points,
        })
    }

    pub fn rows(&self) -> usize {
        self.points.rows
    }

    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// Fixed-point cluster sums of this shard's rows (`k × dims`).
    pub fn sums(&self) -> &[i64] {
        &self.sums
    }

    /// Rows per cluster in this shard.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    pub fn work(&self) -> Work {
        self.work
    }

    /// Assign every row to its nearest centroid (`k × dims`, centred units)
    /// and update the sums; returns how many labels changed.
    ///
    /// # Errors
    /// `ParamError` when the centroids have the wrong length or are not finite.
    pub fn step(&mut self, centroids: &[f64]) -> Result<u64> {
        let dims = self.points.dims;
        if centroids.len() != self.k * dims || centroids.iter().any(|c| !c.is_finite()) {
            return Err(Error::param(
                format!("expected {} finite centroid values ({} × {dims})", self.k * dims, self.k),
                format!("应有 {} 个有限的质心值（{} × {dims}）", self.k * dims, self.k),
            ));
        }
        self.layout = Layout::build(centroids, self.k, dims, self.points.stride);
        let changed = match self.algorithm {
            Algorithm::Lloyd => super::lloyd::step(self, centroids),
            Algorithm::Auto | Algorithm::Hamerly => super::hamerly::step(self, centroids),
        };
        self.centroids.clear();
        self.centroids.extend_from_slice(centroids);
        Ok(changed)
    }

    /// The `m` rows farthest from their centroid (of the last step),
    /// farthest first, ties to the lowest row.
    pub fn farthest(&self, m: usize) -> Vec<Far> {
        let dims = self.points.dims;
        let mut all: Vec<(f64, usize)> = self
            .points
            .iter()
            .zip(&self.labels)
            .enumerate()
            .filter_map(|(i, (x, &a))| {
                let c = self.centroids.get(a as usize * dims..(a as usize + 1) * dims)?;
                Some((dist2_f64(x, c), i))
            })
            .collect();
        let m = m.min(all.len());
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(m);
        all.into_iter()
            .filter_map(|(d, i)| {
                Some(Far {
                    dist2: d,
                    row: self.first_row + i as u64,
                    label: *self.labels.get(i)?,
                    q: quantise(self.points.row(i)?.get(..dims)?, &self.scale),
                })
            })
            .collect()
    }

    /// Sum over rows of the squared distance to their centroid in `centroids`,
    /// in fixed point (add shards' values, then [`Shard::inertia_value`]).
    pub fn inertia_fixed(&self, centroids: &[f64]) -> i64 {
        let dims = self.points.dims;
        let mut total = 0i64;
        for (x, &a) in self.points.iter().zip(&self.labels) {
            if let Some(c) = centroids.get(a as usize * dims..(a as usize + 1) * dims) {
                total = total.saturating_add(fixed_d2(dist2_f64(x, c), self.inertia_scale));
            }
        }
        total
    }

    /// Inertia in centred units from a fixed-point total.
    pub fn inertia_value(fixed: i64, spec: &Spec) -> f64 {
        fixed as f64 / pow2(spec.inertia_exponent)
    }

    /// Recompute sums and counts from the labels (after a relocation, or for Lloyd).
    pub(crate) fn recount(&mut self) {
        let dims = self.points.dims;
        self.sums.iter_mut().for_each(|s| *s = 0);
        self.counts.iter_mut().for_each(|c| *c = 0);
        for (x, &a) in self.points.data.chunks_exact(self.points.stride).zip(&self.labels) {
            if let Some(s) = self.sums.get_mut(a as usize * dims..(a as usize + 1) * dims) {
                super::points::add_row(s, x, &self.scale);
            }
            if let Some(c) = self.counts.get_mut(a as usize) {
                *c += 1;
            }
        }
    }
}

/// A squared distance in fixed point.
#[inline]
pub(crate) fn fixed_d2(d2: f64, scale: f64) -> i64 {
    (d2 * scale) as i64
}
