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
//! `trunc(x · 2^p_j)`, an `i32` (`p_j` from the feature's largest magnitude
//! `M_j`, so `|x · 2^p_j| < 2^30`), to an `i64` sum, which cannot overflow
//! below 2^33 rows. Scaling by a power of two is exact and truncation is one
//! vector instruction natively and in wasm. Integer sums do not depend on
//! the order of addition, so the incremental sums of Hamerly, the
//! from-scratch sums of Lloyd and the partial sums of any number of shards
//! give bit-identical centroids. The quantum `2^-p_j` is below `2^-29 · M_j`,
//! finer than the `f32` resolution of the largest values (`2^-24 · M_j`).

use serde::{Deserialize, Serialize};

use super::kernel::{max64, min64, norm2, padded};
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

/// A source of rows: a matrix in memory, or a dataset's columns encoded on the fly.
pub trait Rows {
    fn rows(&self) -> usize;
    fn dims(&self) -> usize;
    /// Write row `i` (`dims` values) into `out`.
    fn fill(&self, i: usize, out: &mut [f64]);
}

/// A row-major matrix in memory.
#[derive(Debug, Clone, Copy)]
pub struct Matrix<'a, T> {
    data: &'a [T],
    dims: usize,
    rows: usize,
}

impl<'a, T: Value> Matrix<'a, T> {
    /// # Errors
    /// `ParamError` for a ragged matrix, `LimitError` past [`MAX_ROWS`].
    pub fn new(data: &'a [T], dims: usize) -> Result<Matrix<'a, T>> {
        let rows = check_shape(data.len(), dims)?;
        Ok(Matrix { data, dims, rows })
    }
}

impl<T: Value> Rows for Matrix<'_, T> {
    fn rows(&self) -> usize {
        self.rows
    }
    fn dims(&self) -> usize {
        self.dims
    }
    fn fill(&self, i: usize, out: &mut [f64]) {
        if let Some(r) = self.data.get(i * self.dims..(i + 1) * self.dims) {
            out.iter_mut().zip(r).for_each(|(o, v)| *o = v.get());
        }
    }
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
    if !len.is_multiple_of(dims) {
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
        Spec::of_rows(&Matrix::new(data, dims)?)
    }

    /// The spec of any row source: a pass for the bounds, one for the variance.
    ///
    /// # Errors
    /// As [`Spec::of`].
    pub fn of_rows(src: &impl Rows) -> Result<Spec> {
        let (rows, dims) = (src.rows(), src.dims());
        check_shape(dims, dims)?;
        let mut buf = vec![0.0f64; dims];
        let mut lo = vec![f64::INFINITY; dims];
        let mut hi = vec![f64::NEG_INFINITY; dims];
        for r in 0..rows {
            src.fill(r, &mut buf);
            for (j, ((l, h), &v)) in lo.iter_mut().zip(hi.iter_mut()).zip(&buf).enumerate() {
                if !v.is_finite() {
                    return Err(non_finite(r, j));
                }
                *l = min64(*l, v);
                *h = max64(*h, v);
            }
        }
        let mut spec = Spec::from_bounds(rows, &lo, &hi)?;
        let mut acc = Moments::new(dims);
        let mut row = vec![0.0f32; dims];
        for r in 0..rows {
            src.fill(r, &mut buf);
            row.iter_mut().zip(&buf).zip(&spec.offset).for_each(|((x, &v), &o)| *x = centre(v, o));
            acc.add(&row);
        }
        spec.variance = acc.variance();
        Ok(spec)
    }

    /// The spec from each feature's smallest and largest value (the variance
    /// is 0 until set, e.g. from [`Points::variance`]).
    ///
    /// # Errors
    /// `ParamError` when the bounds disagree with each other or are not finite.
    pub fn from_bounds(rows: usize, lo: &[f64], hi: &[f64]) -> Result<Spec> {
        let dims = lo.len();
        check_shape(dims, dims)?;
        if hi.len() != dims || (rows > 0 && lo.iter().chain(hi).any(|v| !v.is_finite())) {
            return Err(Error::param("feature bounds are inconsistent", "特征取值范围不一致"));
        }
        if rows > MAX_ROWS {
            return Err(Error::limit(
                format!("k-means takes at most {MAX_ROWS} rows, got {rows}"),
                format!("k-means 最多处理 {MAX_ROWS} 行，实际为 {rows} 行"),
            ));
        }
        // Centre on the midrange: exact and independent of the row order
        // (a mean is not), so permuting rows gives bit-identical centroids.
        let offset: Vec<f64> = lo
            .iter()
            .zip(hi)
            .map(|(&l, &h)| if l.is_finite() && h.is_finite() { l * 0.5 + h * 0.5 } else { 0.0 })
            .collect();
        // The largest stored magnitude is at an end (centring is monotone).
        let max: Vec<f64> = lo
            .iter()
            .zip(hi)
            .zip(&offset)
            .map(
                |((&l, &h), &o)| {
                    if l.is_finite() {
                        (centre(l, o) as f64).abs().max((centre(h, o) as f64).abs())
                    } else {
                        0.0
                    }
                },
            )
            .collect();
        let exponents: Vec<i32> =
            max.iter().map(|&m| if m > 0.0 { (30 - exponent_above(m)).min(126) } else { 0 }).collect();
        // A row's squared distance to a centroid (a mean, so within the
        // data's box) is at most Σ (2 M_j)².
        let bits = count_bits(rows.max(1));
        let bound: f64 = max.iter().map(|m| 4.0 * m * m).sum();
        let inertia_exponent = if bound > 0.0 && bound.is_finite() { 62 - bits - exponent_above(bound) } else { 0 };
        Ok(Spec { dims, rows, offset, exponents, inertia_exponent, variance: 0.0 })
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

    /// `2^p_j` per feature, as the `f32` factor of [`accumulate`].
    pub fn scales(&self) -> Vec<f32> {
        self.exponents.iter().map(|&e| pow2(e) as f32).collect()
    }
}

/// Running per-feature sums for the mean variance (row order).
pub(crate) struct Moments {
    n: usize,
    sum: Vec<f64>,
    sq: Vec<f64>,
}

impl Moments {
    pub fn new(dims: usize) -> Moments {
        Moments { n: 0, sum: vec![0.0; dims], sq: vec![0.0; dims] }
    }
    pub fn add(&mut self, x: &[f32]) {
        self.n += 1;
        for ((s, q), &v) in self.sum.iter_mut().zip(&mut self.sq).zip(x) {
            let v = v as f64;
            *s += v;
            *q += v * v;
        }
    }
    /// Mean over features of the population variance.
    pub fn variance(&self) -> f64 {
        let n = self.n.max(1) as f64;
        let d = self.sum.len().max(1) as f64;
        self.sum.iter().zip(&self.sq).map(|(s, q)| (q / n - (s / n) * (s / n)).max(0.0)).sum::<f64>() / d
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
        Points::from_rows(&Matrix::new(data, spec.dims)?, spec)
    }

    /// Centre and store the rows of any source.
    ///
    /// # Errors
    /// As [`Points::new`].
    pub fn from_rows(src: &impl Rows, spec: &Spec) -> Result<Points> {
        let dims = spec.dims;
        if src.dims() != dims {
            return Err(Error::param("the rows do not match the spec", "行与规格不符"));
        }
        let rows = src.rows();
        let stride = padded(dims);
        let mut out: Vec<f32> = Vec::new();
        out.try_reserve_exact(rows.saturating_mul(stride)).map_err(|_| too_big(rows, dims))?;
        let mut buf = vec![0.0f64; dims];
        for r in 0..rows {
            src.fill(r, &mut buf);
            for (j, (&v, &o)) in buf.iter().zip(&spec.offset).enumerate() {
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

    /// Mean per-feature variance of the stored values (what [`Spec::of_rows`] computes).
    pub fn variance(&self) -> f64 {
        let mut acc = Moments::new(self.dims);
        for r in self.iter() {
            acc.add(r.get(..self.dims).unwrap_or(&[]));
        }
        acc.variance()
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

/// The fixed-point value of `x` for feature scale `f` (`2^p`): exact
/// scaling, then truncation to an `i32` (vectorises: cvttps2dq / i32x4.trunc_sat).
#[inline(always)]
fn q(x: f32, f: f32) -> i32 {
    (x * f) as i32
}

/// Add row `x` to fixed-point sums `s` (scales from [`Spec::scales`]).
#[inline]
pub fn add_row(s: &mut [i64], x: &[f32], scale: &[f32]) {
    for ((s, &x), &f) in s.iter_mut().zip(x).zip(scale) {
        *s = s.wrapping_add(q(x, f) as i64);
    }
}

/// Subtract row `x` from fixed-point sums `s`.
#[inline]
pub fn sub_row(s: &mut [i64], x: &[f32], scale: &[f32]) {
    for ((s, &x), &f) in s.iter_mut().zip(x).zip(scale) {
        *s = s.wrapping_sub(q(x, f) as i64);
    }
}

/// The fixed-point form of one row (as [`add_row`] adds it).
pub fn quantise(x: &[f32], scale: &[f32]) -> Vec<i64> {
    x.iter().zip(scale).map(|(&x, &f)| q(x, f) as i64).collect()
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
        // max |x| = 2 < 2^2: p = 30 - 2.
        assert_eq!(s.exponents[0], 28);
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
            add_row(&mut fwd, r, &scale);
        }
        for r in p.iter().rev() {
            add_row(&mut back, r, &scale);
        }
        assert_eq!(fwd, back);
        for r in p.iter() {
            sub_row(&mut fwd, r, &scale);
        }
        assert_eq!(fwd, vec![0, 0, 0]);
    }
}
