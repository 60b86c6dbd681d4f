//! The rows k-means works on, and what every shard of a problem agrees on.
//!
//! [`Spec`] is computed once from *all* rows: the per-feature centre that is
//! subtracted (the midrange; k-means is translation invariant, and centring
//! keeps `f32` precision on the spread of the data, not its offset), the mean
//! per-feature variance (scikit-learn's tolerance scale; summed in row order,
//! the only quantity here that depends on it, and only through `tol`) and the
//! **fixed-point exponents** of the cluster sums. [`Points`] are one shard's rows, centred and stored as
//! `f32`, padded to whole SIMD vectors.
//!
//! Cluster sums are exact integers: value `x` of feature `j` adds
//! `trunc(x · 2^p_j)` to an `i64` (truncation: one instruction natively and
//! in wasm, and its bias of half a quantum is immaterial), with `p_j` chosen from the number of rows
//! and the feature's largest magnitude so that no sum can overflow. Integer
//! sums do not depend on the order of addition, so the incremental sums of
//! Hamerly, the from-scratch sums of Lloyd and the partial sums of any number
//! of shards give bit-identical centroids. The quantum `2^-p_j` is about
//! `2^-38` of the feature's range, far below `f32` resolution.

use serde::{Deserialize, Serialize};

use super::kernel::{norm2, padded};
use crate::engine::error::{Error, Result};

/// The largest number of rows one problem may have (also bounds the sums).
pub const MAX_ROWS: usize = 1 << 26;
/// The largest number of (encoded) features.
pub const MAX_DIMS: usize = 1024;

/// What every shard of one k-means problem must agree on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// Features per row.
    pub dims: usize,
    /// Rows over all shards.
    pub rows: usize,
    /// Per feature, the value subtracted before storing as `f32` (the midrange).
    pub offset: Vec<f64>,
    /// Per feature, the fixed-point exponent of cluster sums.
    pub exponents: Vec<i32>,
    /// Fixed-point exponent of per-row squared distances (inertia sums).
    pub inertia_exponent: i32,
    /// Mean per-feature variance: `tol` is relative to it (as in scikit-learn).
    pub variance: f64,
}

/// `2^e` exactly, for the exponents a spec can hold.
pub fn pow2(e: i32) -> f64 {
    let e = e.clamp(-1022, 1023);
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// Bits needed to count `n` items: the smallest `b` with `n ≤ 2^b`.
fn count_bits(n: usize) -> i32 {
    if n <= 1 {
        0
    } else {
        (usize::BITS - (n - 1).leading_zeros()) as i32
    }
}

/// The smallest `e` with `m < 2^e` (`m > 0`, finite).
fn exponent_above(m: f64) -> i32 {
    libm::ilogb(m) + 1
}

/// One value of the input matrix, widened to `f64`.
pub trait Value: Copy {
    fn get(self) -> f64;
}
impl Value for f32 {
    fn get(self) -> f64 {
        self as f64
    }
}
impl Value for f64 {
    fn get(self) -> f64 {
        self
    }
}

fn check_shape(len: usize, dims: usize) -> Result<usize> {
    if dims == 0 || dims > MAX_DIMS {
        return Err(Error::param(
            format!("k-means needs 1 to {MAX_DIMS} features, got {dims}"),
            format!("k-means 需要 1 到 {MAX_DIMS} 个特征，实际为 {dims}"),
        ));
    }
    if len % dims != 0 {
        return Err(Error::param(
            format!("the matrix has {len} values, not a multiple of {dims} features"),
            format!("矩阵有 {len} 个值，不是特征数 {dims} 的整数倍"),
        ));
    }
    let rows = len / dims;
    if rows > MAX_ROWS {
        return Err(Error::limit(
            format!("k-means takes at most {MAX_ROWS} rows, got {rows}"),
            format!("k-means 最多处理 {MAX_ROWS} 行，实际为 {rows} 行"),
        ));
    }
    Ok(rows)
}

fn non_finite(row: usize, feature: usize) -> Error {
    Error::param(
        format!("row {} feature {} is not a finite number", row + 1, feature + 1),
        format!("第 {} 行第 {} 个特征不是有限数值", row + 1, feature + 1),
    )
}

impl Spec {
    /// The spec of a whole row-major matrix (`rows × dims`).
    ///
    /// # Errors
    /// `ParamError` for a ragged matrix or a value that is not finite,
    /// `LimitError` past [`MAX_ROWS`] rows.
    pub fn of<T: Value>(data: &[T], dims: usize) -> Result<Spec> {
        let rows = check_shape(data.len(), dims)?;
        // Centre on the midrange: exact and independent of the row order
        // (a mean is not), so permuting rows gives bit-identical centroids.
        let mut lo = vec![f64::INFINITY; dims];
        let mut hi = vec![f64::NEG_INFINITY; dims];
        for (r, row) in data.chunks_exact(dims).enumerate() {
            for (j, ((l, h), &v)) in lo.iter_mut().zip(hi.iter_mut()).zip(row).enumerate() {
                let v = v.get();
                if !v.is_finite() {
                    return Err(non_finite(r, j));
                }
                *l = l.min(v);
                *h = h.max(v);
            }
        }
        let offset: Vec<f64> =
            lo.iter().zip(&hi).map(|(&l, &h)| if l.is_finite() { l * 0.5 + h * 0.5 } else { 0.0 }).collect();
        // Magnitudes and variances of the values as stored (centred, f32).
        let mut max = vec![0.0f64; dims];
        let mut sum = vec![0.0f64; dims];
        let mut sq = vec![0.0f64; dims];
        for row in data.chunks_exact(dims) {
            for ((((&v, &o), m), s), q) in row.iter().zip(&offset).zip(&mut max).zip(&mut sum).zip(&mut sq) {
                let x = centre(v.get(), o) as f64;
                *m = m.max(x.abs());
                *s += x;
                *q += x * x;
            }
        }
        let bits = count_bits(rows.max(1));
        let exponents: Vec<i32> =
            max.iter().map(|&m| if m > 0.0 { 62 - bits - exponent_above(m) } else { 0 }).collect();
        // A row's squared distance to a centroid (a mean, so within the
        // data's box) is at most Σ (2 M_j)².
        let bound: f64 = max.iter().map(|m| 4.0 * m * m).sum();
        let inertia_exponent = if bound > 0.0 && bound.is_finite() { 62 - bits - exponent_above(bound) } else { 0 };
        let n = rows.max(1) as f64;
        let variance = if dims > 0 {
            sum.iter().zip(&sq).map(|(s, q)| (q / n - (s / n) * (s / n)).max(0.0)).sum::<f64>() / dims as f64
        } else {
            0.0
        };
        Ok(Spec { dims, rows, offset, exponents, inertia_exponent, variance })
    }

    /// Check a spec received from elsewhere (e.g. JavaScript).
    ///
    /// # Errors
    /// `ParamError` when its parts disagree.
    pub fn validate(&self) -> Result<()> {
        check_shape(self.dims, self.dims)?;
        let ok = self.offset.len() == self.dims
            && self.exponents.len() == self.dims
            && self.offset.iter().all(|o| o.is_finite())
            && self.exponents.iter().all(|e| (-1000..=1000).contains(e))
            && (-1000..=1000).contains(&self.inertia_exponent)
            && self.variance.is_finite()
            && self.variance >= 0.0
            && self.rows <= MAX_ROWS;
        if ok {
            Ok(())
        } else {
            Err(Error::param("the k-means shard spec is inconsistent", "k-means 分片规格不一致"))
        }
    }

    /// `2^p_j` per feature.
    pub fn scales(&self) -> Vec<f64> {
        self.exponents.iter().map(|&e| pow2(e)).collect()
    }
}

/// A value centred and rounded to `f32` (the one rounding every path shares).
#[inline]
pub fn centre(v: f64, offset: f64) -> f32 {
    (v - offset) as f32
}

/// One shard's rows: centred, `f32`, padded to whole vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    pub(crate) rows: usize,
    pub(crate) dims: usize,
    pub(crate) stride: usize,
    /// `rows × stride`, zero padding.
    pub(crate) data: Vec<f32>,
    /// Squared norm of each row.
    pub(crate) norms: Vec<f32>,
}

impl Points {
    /// Centre and store `data` (row-major, `spec.dims` per row).
    ///
    /// # Errors
    /// `ParamError` for a ragged matrix or non-finite value, `LimitError`
    /// when memory cannot be reserved.
    pub fn new<T: Value>(data: &[T], spec: &Spec) -> Result<Points> {
        let dims = spec.dims;
        let rows = check_shape(data.len(), dims)?;
        let stride = padded(dims);
        let mut out: Vec<f32> = Vec::new();
        out.try_reserve_exact(rows.saturating_mul(stride)).map_err(|_| too_big(rows, dims))?;
        for (r, row) in data.chunks_exact(dims).enumerate() {
            for (j, (&v, &o)) in row.iter().zip(&spec.offset).enumerate() {
                let v = v.get();
                if !v.is_finite() {
                    return Err(non_finite(r, j));
                }
                out.push(centre(v, o));
            }
            out.extend(std::iter::repeat_n(0.0f32, stride - dims));
        }
        let norms = out.chunks_exact(stride).map(norm2).collect();
        Ok(Points { rows, dims, stride, data: out, norms })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Row `i` (padded), if it exists.
    pub fn row(&self, i: usize) -> Option<&[f32]> {
        self.data.get(i * self.stride..(i + 1) * self.stride)
    }

    /// The rows, padded.
    pub fn iter(&self) -> std::slice::ChunksExact<'_, f32> {
        self.data.chunks_exact(self.stride)
    }
}

pub(crate) fn too_big(rows: usize, dims: usize) -> Error {
    Error::limit(
        format!("not enough memory for a {rows} × {dims} matrix"),
        format!("内存不足，无法存放 {rows} × {dims} 的矩阵"),
    )
}

/// Add (or subtract) row `x` to fixed-point sums `s` with scales `scale`.
#[inline]
pub fn accumulate(s: &mut [i64], x: &[f32], scale: &[f64], sign: i64) {
    for ((s, &x), &f) in s.iter_mut().zip(x).zip(scale) {
        let q = (x as f64 * f) as i64;
        *s = s.wrapping_add(sign.wrapping_mul(q));
    }
}

/// The fixed-point form of one row (as [`accumulate`] adds it).
pub fn quantise(x: &[f32], scale: &[f64]) -> Vec<i64> {
    x.iter().zip(scale).map(|(&x, &f)| (x as f64 * f) as i64).collect()
}

/// Squared distance of a stored row to a centroid, in `f64` (inertia, farthest points).
#[inline]
pub fn dist2_f64(x: &[f32], c: &[f64]) -> f64 {
    let mut acc = [0.0f64; 2];
    let mut it = x.iter().zip(c);
    while let Some((&a, &b)) = it.next() {
        let t = a as f64 - b;
        acc[0] += t * t;
        let Some((&a, &b)) = it.next() else { break };
        let t = a as f64 - b;
        acc[1] += t * t;
    }
    acc[0] + acc[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_centres_and_bounds_sums() {
        let data = [1.0f64, 10.0, 3.0, 10.0, 5.0, 10.0];
        let s = Spec::of(&data, 2).unwrap();
        assert_eq!(s.offset, vec![3.0, 10.0]);
        assert_eq!(Spec::of(&[1.0f64, 2.0, 7.0], 1).unwrap().offset, vec![4.0]);
        assert_eq!(s.exponents[1], 0, "a constant feature");
        // max |x| = 2 < 2^2; 3 rows need 2 bits: p = 62 - 2 - 2.
        assert_eq!(s.exponents[0], 58);
        assert!((s.variance - (8.0 / 3.0) / 2.0).abs() < 1e-12);
        let p = Points::new(&data, &s).unwrap();
        assert_eq!(p.stride, 4);
        assert_eq!(p.row(0).unwrap(), &[-2.0, 0.0, 0.0, 0.0]);
        assert_eq!(p.norms, vec![4.0, 0.0, 4.0]);
        assert!(Spec::of(&[1.0f64, f64::NAN], 2).is_err());
        assert!(Spec::of(&[1.0f64, 2.0, 3.0], 2).is_err());
        assert_eq!(count_bits(1), 0);
        assert_eq!(count_bits(2), 1);
        assert_eq!(count_bits(1025), 11);
        assert_eq!(pow2(-3), 0.125);
    }

    #[test]
    fn sums_are_exact_and_order_free() {
        let data: Vec<f64> = (0..300).map(|i| ((i * 7919) % 1000) as f64 / 7.0 - 60.0).collect();
        let s = Spec::of(&data, 3).unwrap();
        let p = Points::new(&data, &s).unwrap();
        let scale = s.scales();
        let mut fwd = vec![0i64; 3];
        let mut back = vec![0i64; 3];
        for r in p.iter() {
            accumulate(&mut fwd, r, &scale, 1);
        }
        for r in p.iter().rev() {
            accumulate(&mut back, r, &scale, 1);
        }
        assert_eq!(fwd, back);
        for r in p.iter() {
            accumulate(&mut fwd, r, &scale, -1);
        }
        assert_eq!(fwd, vec![0, 0, 0]);
    }
}
