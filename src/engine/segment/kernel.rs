//! The hot loops of k-means, in `f32`, written so that LLVM vectorises them.
//!
//! Each loop works on fixed-size lane arrays (`[f32; 4]`, `[f32; 8]`) with one
//! independent accumulator per lane, so no reassociation is needed: the order
//! of every floating-point operation is fixed by the source, and native
//! (SSE2) and wasm32 (`+simd128`, f32x4) builds give the same bits.
//!
//! - [`dist2`]: squared distance of two padded rows (`Σ (x − c)²`);
//! - [`scan4`]: the GEMM form `‖c‖² − 2 x·c` of four rows against a block of
//!   eight centroids stored transposed (feature-major), which is what makes a
//!   full assignment cheap: per feature, one broadcast and two f32x4
//!   multiply-adds per row, and no horizontal sums.

/// Lanes of one SIMD vector of `f32` (wasm simd128, SSE2).
pub const LANES: usize = 4;
/// Centroids per scan block: two vectors.
pub const BLOCK: usize = 8;

/// `max` without NaN handling. `f32::max` must ignore NaN, which wasm's
/// `f32.max` does not do, so on wasm32 it becomes a call to `fmaxf`; this
/// is a compare and a select (and `f32x4.pmax` when vectorised).
#[inline(always)]
pub fn max32(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// `min` without NaN handling (see [`max32`]).
#[inline(always)]
pub fn min32(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

/// `f64` [`max32`].
#[inline(always)]
pub fn max64(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// `f64` [`min32`].
#[inline(always)]
pub fn min64(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// A row length padded to whole vectors.
pub fn padded(dims: usize) -> usize {
    dims.div_ceil(LANES) * LANES
}

/// The lanes of a padded row, as fixed-size arrays.
#[inline(always)]
fn vectors(s: &[f32]) -> impl Iterator<Item = &[f32; LANES]> {
    s.chunks_exact(LANES).filter_map(|c| <&[f32; LANES]>::try_from(c).ok())
}

/// Squared Euclidean distance of two rows padded to a multiple of [`LANES`].
#[inline]
pub fn dist2(x: &[f32], c: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    for (xs, cs) in vectors(x).zip(vectors(c)) {
        for ((a, &p), &q) in acc.iter_mut().zip(xs).zip(cs) {
            let t = p - q;
            *a += t * t;
        }
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3])
}

/// Squared norm of a padded row.
#[inline]
pub fn norm2(x: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    for xs in vectors(x) {
        for (a, &p) in acc.iter_mut().zip(xs) {
            *a += p * p;
        }
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3])
}

/// Scores `‖c‖² − 2 x·c` of four rows against one block of [`BLOCK`]
/// centroids. `ct` holds the block transposed: `dims` groups of eight values
/// (feature 0 of centroids 0..8, then feature 1, …); `cn` their squared norms
/// (`+∞` for padding centroids, which therefore never win).
// Lanes of fixed-size `[f32; BLOCK]` arrays indexed by the constant range
// `0..BLOCK`: never out of bounds, and the form the vectoriser wants.
#[allow(clippy::indexing_slicing)]
#[inline]
pub fn scan4(rows: [&[f32]; 4], ct: &[f32], cn: &[f32; BLOCK]) -> [[f32; BLOCK]; 4] {
    let mut a0 = [0.0f32; BLOCK];
    let mut a1 = [0.0f32; BLOCK];
    let mut a2 = [0.0f32; BLOCK];
    let mut a3 = [0.0f32; BLOCK];
    let [r0, r1, r2, r3] = rows;
    let cols = ct.chunks_exact(BLOCK).filter_map(|c| <&[f32; BLOCK]>::try_from(c).ok());
    for ((((c, &x0), &x1), &x2), &x3) in cols.zip(r0).zip(r1).zip(r2).zip(r3) {
        for l in 0..BLOCK {
            a0[l] += x0 * c[l];
            a1[l] += x1 * c[l];
            a2[l] += x2 * c[l];
            a3[l] += x3 * c[l];
        }
    }
    let mut out = [[0.0f32; BLOCK]; 4];
    for (o, a) in out.iter_mut().zip([a0, a1, a2, a3]) {
        for ((o, &a), &n) in o.iter_mut().zip(&a).zip(cn) {
            *o = n - 2.0 * a;
        }
    }
    out
}

/// Scores of one row against one block (the tail of a batch).
// Lanes of fixed-size `[f32; BLOCK]` arrays indexed by the constant range
// `0..BLOCK`: never out of bounds, and the form the vectoriser wants.
#[allow(clippy::indexing_slicing)]
#[inline]
pub fn scan1(row: &[f32], ct: &[f32], cn: &[f32; BLOCK]) -> [f32; BLOCK] {
    // Two partial sums (even and odd features) give the adder two chains.
    let mut a = [0.0f32; BLOCK];
    let mut b = [0.0f32; BLOCK];
    let mut cols = ct.chunks_exact(BLOCK).filter_map(|c| <&[f32; BLOCK]>::try_from(c).ok());
    let mut xs = row.iter();
    while let (Some(c), Some(&x)) = (cols.next(), xs.next()) {
        for l in 0..BLOCK {
            a[l] += x * c[l];
        }
        let (Some(c), Some(&x)) = (cols.next(), xs.next()) else { break };
        for l in 0..BLOCK {
            b[l] += x * c[l];
        }
    }
    let mut out = [0.0f32; BLOCK];
    for (((o, &a), &b), &n) in out.iter_mut().zip(&a).zip(&b).zip(cn) {
        *o = n - 2.0 * (a + b);
    }
    out
}

/// Best and second-best (index, score) over a run of scores, first index on ties.
#[derive(Debug, Clone, Copy)]
pub struct Best2 {
    pub index: u32,
    pub best: f32,
    pub second: f32,
}

impl Best2 {
    pub const NONE: Best2 = Best2 { index: 0, best: f32::INFINITY, second: f32::INFINITY };

    /// Fold one block of scores whose first centroid is `base` (selects,
    /// no branches: scores of nearby centroids are unpredictable).
    #[inline]
    pub fn fold(&mut self, scores: &[f32; BLOCK], base: u32) {
        let (mut b1, mut b2, mut i1) = (self.best, self.second, self.index);
        for (l, &s) in (0u32..).zip(scores) {
            let lt = s < b1;
            b2 = if lt { b1 } else { min32(b2, s) };
            i1 = if lt { base + l } else { i1 };
            b1 = if lt { s } else { b1 };
        }
        self.best = b1;
        self.second = b2;
        self.index = i1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_scores_agree() {
        let x = [1.0f32, 2.0, 3.0, 0.0, -1.0, 0.5, 0.0, 0.0];
        let c = [0.0f32, 2.0, 1.0, 0.0, 1.0, 0.5, 0.0, 0.0];
        assert_eq!(dist2(&x, &c), 1.0 + 4.0 + 4.0);
        assert_eq!(norm2(&x), 1.0 + 4.0 + 9.0 + 1.0 + 0.25);
        // One centroid (c) in slot 3 of a block, the rest padding.
        let dims = 8;
        let mut ct = vec![0.0f32; dims * BLOCK];
        for (j, v) in c.iter().enumerate() {
            ct[j * BLOCK + 3] = *v;
        }
        let mut cn = [f32::INFINITY; BLOCK];
        cn[3] = norm2(&c);
        let s = scan1(&x, &ct, &cn);
        assert_eq!(s[3] + norm2(&x), dist2(&x, &c));
        let s4 = scan4([&x, &c, &x, &c], &ct, &cn);
        assert_eq!(s4[0][3], s[3]);
        assert_eq!(s4[1][3] + norm2(&c), 0.0);
        let mut b = Best2::NONE;
        b.fold(&s, 0);
        assert_eq!((b.index, b.second), (3, f32::INFINITY));
    }
}
