//! Hamerly's accelerated exact E-step.
//!
//! Each row keeps an upper bound `u` on the distance to its centroid and one
//! lower bound `l` on the distance to every other centroid. After centroids
//! move, `u` grows by its centroid's shift and `l` shrinks by the largest
//! shift of the others; a row whose `u ≤ max(l, s/2)` (with `s` the distance
//! from its centroid to the nearest other centroid) cannot have changed
//! cluster and is skipped. Otherwise `u` is tightened with one distance, and
//! only if the test still fails is the row scanned against every centroid.
//!
//! The step runs in two phases so each stays tight: a branchy scalar pass
//! over the bounds that queues the rows needing a scan, then the queue in
//! batches of four through the GEMM-form kernel [`scan4`]. Sums are updated
//! only for rows that change cluster (exact fixed-point, see `points`).
//!
//! Bounds are kept conservative under `f32` rounding: scan results are widened
//! by a bound on the GEMM form's error and every update is nudged outwards,
//! so skipping is safe except in ties closer than `f32` can resolve.
//!
//! Reference: G. Hamerly, "Making k-means even faster", SDM 2010.

use super::kernel::{dist2, max32, min64, scan1, scan4, Best2, BLOCK};
use super::points::{add_row, dist2_f64, sub_row};
use super::shard::{Shard, UNSET};

/// Outward nudges for bounds (a few `f32` ulps).
const UP: f32 = 1.0 + 1.0 / (1u32 << 22) as f32;
const DOWN: f32 = 1.0 - 1.0 / (1u32 << 22) as f32;

pub(crate) fn step(shard: &mut Shard, centroids: &[f64]) -> u64 {
    shard.queue.clear();
    if shard.centroids.is_empty() {
        // First step: every row is scanned.
        shard.queue.extend(0..shard.points.rows as u32);
        shard.drift.iter_mut().for_each(|d| *d = 0.0);
        shard.odrift.iter_mut().for_each(|d| *d = 0.0);
    } else {
        bounds_pass(shard, centroids);
    }
    scan_queue(shard, centroids)
}

/// Per cluster: how far each centroid moved, the largest move of any other
/// centroid, and half the distance to the nearest other centroid (`f64`,
/// widened or narrowed to stay safe).
fn moves(old: &[f64], new: &[f64], k: usize, dims: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let widen = 1.0 + 1.0 / (1u64 << 20) as f64;
    let narrow = 1.0 - 1.0 / (1u64 << 20) as f64;
    let dist = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt();
    let shift: Vec<f64> = old.chunks_exact(dims).zip(new.chunks_exact(dims)).map(|(a, b)| dist(a, b) * widen).collect();
    let (mut m1, mut i1, mut m2) = (0.0f64, usize::MAX, 0.0f64);
    for (i, &s) in shift.iter().enumerate() {
        if s > m1 {
            m2 = m1;
            m1 = s;
            i1 = i;
        } else if s > m2 {
            m2 = s;
        }
    }
    let other = (0..k).map(|c| if c == i1 { m2 } else { m1 }).collect();
    let mut half = vec![f64::INFINITY; k];
    for (a, ca) in new.chunks_exact(dims).enumerate() {
        for (b, cb) in new.chunks_exact(dims).enumerate().skip(a + 1) {
            let h = 0.5 * dist(ca, cb) * narrow;
            if let Some(x) = half.get_mut(a) {
                *x = min64(*x, h);
            }
            if let Some(x) = half.get_mut(b) {
                *x = min64(*x, h);
            }
        }
    }
    (shift, other, half)
}

/// Phase 1: test bounds, tighten where needed, queue rows to scan.
///
/// Bounds are stored relative to cumulative drifts, so a row that passes
/// its test is not written at all: with `D_a` the summed moves of centroid
/// `a` and `O_a` the summed largest moves of the others, a row of cluster
/// `a` stores `û = u − D_a` and `l̂ = l + O_a` (as of its last update); now
/// `u = û + D_a` and `l = l̂ − O_a`, and the test `u ≤ max(s_a/2, l)` is
/// `û ≤ s_a/2 − D_a` or `û + (D_a + O_a) ≤ l̂`, two per-cluster thresholds.
#[inline(never)]
fn bounds_pass(shard: &mut Shard, centroids: &[f64]) {
    let dims = shard.points.dims;
    let stride = shard.points.stride;
    let (shift, other, half) = moves(&shard.centroids, centroids, shard.k, dims);
    shard.drift.iter_mut().zip(&shift).for_each(|(d, s)| *d += s);
    shard.odrift.iter_mut().zip(&other).for_each(|(d, s)| *d += s);
    // [s_a/2 − D_a, D_a + O_a]. In f64 their rounding (2^-53) is far below
    // the outward margins already in the bounds (2^-22) and moves (2^-20).
    let th: Vec<[f64; 2]> =
        half.iter().zip(&shard.drift).zip(&shard.odrift).map(|((&h, &d), &o)| [h - d, d + o]).collect();
    // A direct f32 distance errs by at most about (stride + 2) ulps.
    let tight = 1.0 + (stride + 4) as f32 / (1u32 << 23) as f32;
    let Shard { points, labels, upper, lower, layout, queue, work, drift, .. } = shard;
    let mut distances = 0u64;
    let rows = points.data.chunks_exact(stride);
    for (i, (((x, &a), u), &l)) in rows.zip(labels.iter()).zip(upper.iter_mut()).zip(lower.iter()).enumerate() {
        let Some(&[t1, t2]) = th.get(a as usize) else {
            queue.push(i as u32);
            continue;
        };
        if *u <= t1 || *u + t2 <= l {
            continue;
        }
        distances += 1;
        let d = drift.get(a as usize).copied().unwrap_or(0.0);
        let uu = ((dist2(x, layout.row(a as usize, stride)) * tight).sqrt() * UP) as f64 - d;
        *u = uu;
        if !(uu <= t1 || uu + t2 <= l) {
            queue.push(i as u32);
        }
    }
    work.distances += distances;
}

/// Phase 2: scan the queued rows against every centroid, four at a time.
#[inline(never)]
fn scan_queue(shard: &mut Shard, centroids: &[f64]) -> u64 {
    let dims = shard.points.dims;
    let stride = shard.points.stride;
    let k = shard.k;
    let Shard { points, labels, upper, lower, layout, queue, work, sums, counts, scale, drift, odrift, .. } = shard;
    // Error bound of the GEMM form (‖c‖² − 2x·c + ‖x‖²) against the exact
    // distance to the f64 centroid, relative to ‖x‖² + max ‖c‖².
    let slack = (2 * stride + 16) as f32 / (1u32 << 24) as f32;
    let block_len = dims * BLOCK;
    let mut changed = 0u64;
    let empty: &[f32] = &[];
    let row = |i: u32| points.row(i as usize).unwrap_or(empty);
    for group in queue.chunks(4) {
        let first = group.first().copied().unwrap_or(0);
        let idx = |p: usize| group.get(p).copied().unwrap_or(first);
        let mut best = [Best2::NONE; 4];
        if group.len() == 4 {
            let rows = [row(idx(0)), row(idx(1)), row(idx(2)), row(idx(3))];
            for (b, (ct, cn)) in layout.ct.chunks_exact(block_len).zip(&layout.cn).enumerate() {
                let s = scan4(rows, ct, cn);
                for (bp, s) in best.iter_mut().zip(&s) {
                    bp.fold(s, (b * BLOCK) as u32);
                }
            }
        } else {
            for (p, bp) in best.iter_mut().enumerate().take(group.len()) {
                let r = row(idx(p));
                for (b, (ct, cn)) in layout.ct.chunks_exact(block_len).zip(&layout.cn).enumerate() {
                    bp.fold(&scan1(r, ct, cn), (b * BLOCK) as u32);
                }
            }
        }
        for (&i, b) in group.iter().zip(&best) {
            let i = i as usize;
            let xn = points.norms.get(i).copied().unwrap_or(0.0);
            let delta = slack * (xn + layout.cn_max);
            let d1 = max32(b.best + xn, 0.0);
            let d2 = b.second + xn;
            let (new, u_new, l_new) = if k > 1 && b.second - b.best <= 2.0 * delta {
                // Too close for f32 to call: decide in f64 as plain Lloyd does.
                let x = row(i as u32);
                let (j, d) = resolve_tie(x, centroids, dims, layout, b.best + 2.0 * delta);
                work.ties += 1;
                (j, (d as f32).sqrt() * UP * UP, max32(d1 - delta, 0.0).sqrt() * DOWN)
            } else {
                (b.index.min(k as u32 - 1), (d1 + delta).sqrt() * UP, max32(d2 - delta, 0.0).sqrt() * DOWN)
            };
            // Stored relative to the new cluster's drifts (see `bounds_pass`).
            let (d, o) =
                (drift.get(new as usize).copied().unwrap_or(0.0), odrift.get(new as usize).copied().unwrap_or(0.0));
            if let Some(u) = upper.get_mut(i) {
                *u = u_new as f64 - d;
            }
            if let Some(l) = lower.get_mut(i) {
                *l = l_new as f64 + o;
            }
            let Some(label) = labels.get_mut(i) else { continue };
            let old = *label;
            if old == new {
                continue;
            }
            changed += 1;
            *label = new;
            let x = row(i as u32);
            if old != UNSET {
                if let Some(s) = sums.get_mut(old as usize * dims..(old as usize + 1) * dims) {
                    sub_row(s, x, scale);
                }
                if let Some(c) = counts.get_mut(old as usize) {
                    *c = c.saturating_sub(1);
                }
            }
            if let Some(s) = sums.get_mut(new as usize * dims..(new as usize + 1) * dims) {
                add_row(s, x, scale);
            }
            if let Some(c) = counts.get_mut(new as usize) {
                *c += 1;
            }
        }
    }
    work.scans += queue.len() as u64;
    work.distances += (queue.len() * k) as u64;
    changed
}

/// The nearest centroid in `f64` among those whose `f32` score is at most
/// `limit` (every centroid that can be nearest), first index on ties: the
/// same answer as the plain Lloyd step.
fn resolve_tie(x: &[f32], centroids: &[f64], dims: usize, layout: &super::shard::Layout, limit: f32) -> (u32, f64) {
    let mut best = (0u32, f64::INFINITY);
    let block_len = dims * BLOCK;
    for (b, (ct, cn)) in layout.ct.chunks_exact(block_len).zip(&layout.cn).enumerate() {
        let s = scan1(x, ct, cn);
        for (l, &v) in s.iter().enumerate() {
            if v > limit {
                continue;
            }
            let j = b * BLOCK + l;
            if let Some(c) = centroids.get(j * dims..(j + 1) * dims) {
                let d = dist2_f64(x, c);
                if d < best.1 {
                    best = (j as u32, d);
                }
            }
        }
    }
    best
}
