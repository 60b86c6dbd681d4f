//! How good a clustering is: silhouette, Calinski–Harabasz, Davies–Bouldin.
//!
//! Definitions are scikit-learn's (`silhouette_score`,
//! `calinski_harabasz_score`, `davies_bouldin_score`), Euclidean, on the
//! scaled features the clustering used:
//!
//! - **silhouette**: mean over rows of `(b − a) / max(a, b)`, with `a` the mean
//!   distance to the other rows of its cluster and `b` the lowest mean
//!   distance to the rows of another cluster; 0 for a row alone in its
//!   cluster. Exact for up to [`SILHOUETTE_SAMPLE`] rows; above that, on a
//!   seeded uniform sample of that many rows (both the rows scored and their
//!   neighbours come from the sample, as `silhouette_score(sample_size=…)`).
//!   With 10,000 rows the standard error of the estimate is about 0.003.
//! - **Calinski–Harabasz**: between-cluster over within-cluster dispersion,
//!   each per degree of freedom (higher is better; 1 when every cluster is a point).
//! - **Davies–Bouldin**: mean over clusters of the worst ratio of summed
//!   spreads to centroid distance (lower is better; 0 is ideal).
//!
//! The silhouette's pairwise distances use the k-means scan kernel (four
//! rows against a transposed block of eight, GEMM form) over the sample
//! sorted by cluster, so most blocks belong to one cluster and credit in
//! bulk; each pair is computed once and credited to both rows.

use serde::Serialize;

use super::init::{below, run_rng};
use super::kernel::{max32, max64, padded, scan4, BLOCK};
use super::points::Points;

/// Rows above which the silhouette is computed on a seeded sample of this many rows.
pub const SILHOUETTE_SAMPLE: usize = 10_000;

/// The three scores of one clustering.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quality {
    /// NaN when undefined (one cluster, or every row its own cluster).
    pub silhouette: f64,
    /// Rows the silhouette was computed on (all rows, or the sample).
    pub silhouette_rows: usize,
    pub calinski_harabasz: f64,
    pub davies_bouldin: f64,
}

/// All rows when `n ≤ size`, else `size` rows drawn without replacement
/// (partial Fisher–Yates, seeded), ascending.
pub fn sample_rows(n: usize, size: usize, seed: u64) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    if n <= size {
        return idx;
    }
    let mut rng = run_rng(seed ^ 0x0005_1110_u64, 0x5A);
    for i in 0..size {
        let j = i + below(&mut rng, n - i);
        idx.swap(i, j);
    }
    idx.truncate(size);
    idx.sort_unstable();
    idx
}

/// All three scores; `sample` are the rows the silhouette uses (see [`sample_rows`]).
pub fn quality(points: &Points, labels: &[u32], k: usize, sample: &[u32]) -> Quality {
    let (means, sizes) = cluster_means(points, labels, k);
    Quality {
        silhouette: silhouette(points, labels, k, sample),
        silhouette_rows: sample.len(),
        calinski_harabasz: calinski_harabasz(points, labels, &means, &sizes),
        davies_bouldin: davies_bouldin(points, labels, &means, &sizes),
    }
}

/// Cluster means (`k × dims`, `f64`) and sizes, from the rows.
pub fn cluster_means(points: &Points, labels: &[u32], k: usize) -> (Vec<f64>, Vec<usize>) {
    let dims = points.dims();
    let mut sums = vec![0.0f64; k * dims];
    let mut sizes = vec![0usize; k];
    for (x, &l) in points.iter().zip(labels) {
        let l = l as usize;
        if let (Some(s), Some(n)) = (sums.get_mut(l * dims..(l + 1) * dims), sizes.get_mut(l)) {
            s.iter_mut().zip(x).for_each(|(s, &v)| *s += v as f64);
            *n += 1;
        }
    }
    for (s, &n) in sums.chunks_exact_mut(dims.max(1)).zip(&sizes) {
        if n > 0 {
            s.iter_mut().for_each(|v| *v /= n as f64);
        }
    }
    (sums, sizes)
}

fn dist2(x: &[f32], c: &[f64]) -> f64 {
    super::points::dist2_f64(x, c)
}

/// Calinski–Harabasz index (`1` when the within dispersion is 0, as scikit-learn).
pub fn calinski_harabasz(points: &Points, labels: &[u32], means: &[f64], sizes: &[usize]) -> f64 {
    let dims = points.dims();
    let n: usize = sizes.iter().sum();
    let k = sizes.iter().filter(|&&s| s > 0).count();
    if k < 2 || n <= k {
        return f64::NAN;
    }
    let mut overall = vec![0.0f64; dims];
    for (m, &s) in means.chunks_exact(dims).zip(sizes) {
        overall.iter_mut().zip(m).for_each(|(o, &v)| *o += v * s as f64 / n as f64);
    }
    let between: f64 = means
        .chunks_exact(dims)
        .zip(sizes)
        .map(|(m, &s)| s as f64 * m.iter().zip(&overall).map(|(a, b)| (a - b) * (a - b)).sum::<f64>())
        .sum();
    let within: f64 = points
        .iter()
        .zip(labels)
        .filter_map(|(x, &l)| means.get(l as usize * dims..(l as usize + 1) * dims).map(|m| dist2(x, m)))
        .sum();
    if within == 0.0 {
        return 1.0;
    }
    between * (n - k) as f64 / (within * (k - 1) as f64)
}

/// Davies–Bouldin index.
pub fn davies_bouldin(points: &Points, labels: &[u32], means: &[f64], sizes: &[usize]) -> f64 {
    let dims = points.dims();
    let k = sizes.len();
    if sizes.iter().filter(|&&s| s > 0).count() < 2 {
        return f64::NAN;
    }
    let mut spread = vec![0.0f64; k];
    for (x, &l) in points.iter().zip(labels) {
        let l = l as usize;
        if let (Some(m), Some(s)) = (means.get(l * dims..(l + 1) * dims), spread.get_mut(l)) {
            *s += dist2(x, m).sqrt();
        }
    }
    spread.iter_mut().zip(sizes).for_each(|(s, &n)| *s /= n.max(1) as f64);
    let present: Vec<usize> = (0..k).filter(|&c| sizes.get(c).is_some_and(|&s| s > 0)).collect();
    let centre = |c: usize| means.get(c * dims..(c + 1) * dims).unwrap_or(&[]);
    let mut total = 0.0;
    let mut all_zero_spread = true;
    let mut all_zero_dist = true;
    for &a in &present {
        let mut worst = 0.0f64;
        for &b in &present {
            if a == b {
                continue;
            }
            let d: f64 = centre(a).iter().zip(centre(b)).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt();
            let (sa, sb) = (spread.get(a).copied().unwrap_or(0.0), spread.get(b).copied().unwrap_or(0.0));
            all_zero_spread &= sa == 0.0;
            all_zero_dist &= d == 0.0;
            let r = if d == 0.0 { 0.0 } else { (sa + sb) / d };
            worst = max64(worst, r);
        }
        total += worst;
    }
    if all_zero_spread || all_zero_dist {
        return 0.0;
    }
    total / present.len() as f64
}

/// Mean silhouette over `sample` (row indices into `points`), NaN when undefined.
pub fn silhouette(points: &Points, labels: &[u32], k: usize, sample: &[u32]) -> f64 {
    let dims = points.dims();
    let stride = padded(dims);
    // Rows of the sample sorted by cluster (then row).
    let mut order: Vec<(u32, u32)> = sample
        .iter()
        .filter_map(|&r| labels.get(r as usize).map(|&l| (l, r)))
        .filter(|(l, _)| (*l as usize) < k)
        .collect();
    order.sort_unstable();
    let m = order.len();
    let mut sizes = vec![0usize; k];
    for &(l, _) in &order {
        if let Some(s) = sizes.get_mut(l as usize) {
            *s += 1;
        }
    }
    let used = sizes.iter().filter(|&&s| s > 0).count();
    if used < 2 || used >= m {
        return f64::NAN;
    }
    let lab: Vec<u32> = order.iter().map(|&(l, _)| l).collect();
    // The sample twice: row-major (queries) and as transposed blocks of 8
    // (the layout of the k-means scan kernel), with squared norms.
    let mut rows = vec![0.0f32; m * stride];
    for (dst, &(_, r)) in rows.chunks_exact_mut(stride).zip(&order) {
        if let Some(x) = points.row(r as usize) {
            dst.copy_from_slice(x);
        }
    }
    let norms: Vec<f32> = order.iter().map(|&(_, r)| points.norms.get(r as usize).copied().unwrap_or(0.0)).collect();
    let blocks = m.div_ceil(BLOCK);
    let mut ct = vec![0.0f32; blocks * dims * BLOCK];
    let mut cn = vec![[0.0f32; BLOCK]; blocks];
    for (j, x) in rows.chunks_exact(stride).enumerate() {
        let (b, l) = (j / BLOCK, j % BLOCK);
        for (f, &v) in x.iter().take(dims).enumerate() {
            if let Some(slot) = ct.get_mut((b * dims + f) * BLOCK + l) {
                *slot = v;
            }
        }
        if let Some(slot) = cn.get_mut(b).and_then(|c| c.get_mut(l)) {
            *slot = norms.get(j).copied().unwrap_or(0.0);
        }
    }
    // A block is "plain" when full and of one cluster.
    let plain: Vec<bool> = (0..blocks)
        .map(|b| {
            let (s, e) = (b * BLOCK, b * BLOCK + BLOCK);
            e <= m && lab.get(s) == lab.get(e - 1)
        })
        .collect();
    // to_row[i·k + c]: distance sums credited to row i from rows j > i of
    // cluster c; to_col[c·m + j]: credited to row j from rows i < j of cluster c.
    let mut to_row = vec![0.0f64; m * k];
    let mut to_col = vec![0.0f64; k * m];
    let empty: &[f32] = &[];
    let block_len = dims * BLOCK;
    for i0 in (0..m).step_by(4) {
        let g = (m - i0).min(4);
        let q = |p: usize| rows.get((i0 + p.min(g - 1)) * stride..(i0 + p.min(g - 1) + 1) * stride).unwrap_or(empty);
        let qrows = [q(0), q(1), q(2), q(3)];
        let qn: [f32; 4] = std::array::from_fn(|p| norms.get(i0 + p.min(g - 1)).copied().unwrap_or(0.0));
        let ql: [usize; 4] = std::array::from_fn(|p| lab.get(i0 + p.min(g - 1)).copied().unwrap_or(0) as usize);
        for b in (i0 / BLOCK)..blocks {
            let (Some(ctb), Some(cnb)) = (ct.get(b * block_len..(b + 1) * block_len), cn.get(b)) else { continue };
            let s = scan4(qrows, ctb, cnb);
            let j0 = b * BLOCK;
            let fast = g == 4 && j0 >= i0 + 4 && plain.get(b) == Some(&true);
            for (p, sp) in s.iter().enumerate().take(g) {
                let i = i0 + p;
                let mut d = [0.0f32; BLOCK];
                let (qp, li) = (qn.get(p).copied().unwrap_or(0.0), ql.get(p).copied().unwrap_or(0));
                for (d, &v) in d.iter_mut().zip(sp) {
                    *d = max32(v + qp, 0.0).sqrt();
                }
                if fast {
                    let lj = lab.get(j0).copied().unwrap_or(0) as usize;
                    let part = (d[0] + d[4]) + (d[1] + d[5]) + ((d[2] + d[6]) + (d[3] + d[7]));
                    if let Some(t) = to_row.get_mut(i * k + lj) {
                        *t += part as f64;
                    }
                    if let Some(c) = to_col.get_mut(li * m + j0..li * m + j0 + BLOCK) {
                        c.iter_mut().zip(&d).for_each(|(c, &v)| *c += v as f64);
                    }
                } else {
                    for (l, &v) in d.iter().enumerate() {
                        let j = j0 + l;
                        if j <= i || j >= m {
                            continue;
                        }
                        let lj = lab.get(j).copied().unwrap_or(0) as usize;
                        if let Some(t) = to_row.get_mut(i * k + lj) {
                            *t += v as f64;
                        }
                        if let Some(c) = to_col.get_mut(li * m + j) {
                            *c += v as f64;
                        }
                    }
                }
            }
        }
    }
    let mut total = 0.0f64;
    for (i, r) in to_row.chunks_exact(k).enumerate() {
        let li = lab.get(i).copied().unwrap_or(0) as usize;
        let own = sizes.get(li).copied().unwrap_or(0);
        if own <= 1 {
            continue; // s = 0
        }
        let sum = |c: usize| r.get(c).copied().unwrap_or(0.0) + to_col.get(c * m + i).copied().unwrap_or(0.0);
        let a = sum(li) / (own - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != li && sizes.get(c).is_some_and(|&n| n > 0))
            .map(|c| sum(c) / sizes.get(c).copied().unwrap_or(1) as f64)
            .fold(f64::INFINITY, f64::min);
        let denom = max64(a, b);
        if denom > 0.0 {
            total += (b - a) / denom;
        }
    }
    total / m as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::segment::points::Spec;

    fn pts(data: &[f64], dims: usize) -> Points {
        Points::new(data, &Spec::of(data, dims).unwrap()).unwrap()
    }

    /// Brute-force silhouette in f64 from the definition.
    fn brute(data: &[f64], dims: usize, labels: &[u32]) -> f64 {
        let n = labels.len();
        let dist = |i: usize, j: usize| -> f64 {
            (0..dims).map(|f| (data[i * dims + f] - data[j * dims + f]).powi(2)).sum::<f64>().sqrt()
        };
        let k = *labels.iter().max().unwrap() as usize + 1;
        let mut total = 0.0;
        for i in 0..n {
            let mut s = vec![0.0; k];
            let mut c = vec![0usize; k];
            for j in 0..n {
                if j != i {
                    s[labels[j] as usize] += dist(i, j);
                    c[labels[j] as usize] += 1;
                }
            }
            let li = labels[i] as usize;
            if c[li] == 0 {
                continue;
            }
            let a = s[li] / c[li] as f64;
            let b = (0..k).filter(|&q| q != li && c[q] > 0).map(|q| s[q] / c[q] as f64).fold(f64::INFINITY, f64::min);
            total += (b - a) / a.max(b);
        }
        total / n as f64
    }

    #[test]
    fn silhouette_matches_the_definition() {
        // 150 rows in 3 dims, 4 uneven clusters, labels not sorted, one singleton.
        let mut data = Vec::new();
        let mut labels = Vec::new();
        for i in 0..150usize {
            let l = if i == 77 { 3 } else { (i * 7 % 11 % 3) as u32 };
            labels.push(l);
            let base = l as f64 * 1.5;
            data.extend([base + (i % 13) as f64 * 0.1, -base + (i % 7) as f64 * 0.2, (i % 5) as f64 * 0.05]);
        }
        let p = pts(&data, 3);
        let got = silhouette(&p, &labels, 4, &sample_rows(150, 10_000, 1));
        let want = brute(&data, 3, &labels);
        assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        // Undefined with one cluster.
        assert!(silhouette(&p, &vec![0; 150], 1, &sample_rows(150, 10_000, 1)).is_nan());
    }

    #[test]
    fn two_far_points_per_cluster_score_near_one() {
        let data = [0.0, 0.0, 0.1, 0.0, 10.0, 0.0, 10.1, 0.0];
        let p = pts(&data, 2);
        let labels = [0, 0, 1, 1];
        let s = silhouette(&p, &labels, 2, &[0, 1, 2, 3]);
        assert!((s - (1.0 - 0.1 / 10.05)).abs() < 1e-4, "{s}");
        let (means, sizes) = cluster_means(&p, &labels, 2);
        // between = 4 · 5.0² ; within = 4 · 0.05²; CH = between·(n−k) / (within·(k−1)).
        let ch = calinski_harabasz(&p, &labels, &means, &sizes);
        assert!((ch - (4.0 * 25.0 * 2.0) / (4.0 * 0.0025)).abs() / ch < 1e-4, "{ch}");
        // DB = mean over clusters of (0.05 + 0.05) / 10.0.
        let db = davies_bouldin(&p, &labels, &means, &sizes);
        assert!((db - 0.01).abs() < 1e-6, "{db}");
    }

    #[test]
    fn samples_are_seeded_and_sorted() {
        let a = sample_rows(100_000, 1000, 7);
        assert_eq!(a.len(), 1000);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(a, sample_rows(100_000, 1000, 7));
        assert_ne!(a, sample_rows(100_000, 1000, 8));
        assert_eq!(sample_rows(50, 1000, 7).len(), 50);
    }
}
