//! Greedy k-means++ initialisation, as scikit-learn does it.
//!
//! The first centre is a uniformly random row. Each further centre is chosen
//! among `2 + ⌊ln k⌋` candidates sampled with probability proportional to the
//! squared distance to the nearest centre so far (`D²` sampling): the
//! candidate that most lowers the total potential wins (Arthur & Vassilvitskii
//! 2007; the greedy variant of scikit-learn's `_kmeans_plusplus`). Sampling
//! is `searchsorted` on the running sum of `D²` (first row whose running sum
//! reaches the draw); a draw of exactly 0 skips rows of zero weight.
//!
//! Randomness: one `rand_pcg::Pcg64Mcg` per run, seeded from `(seed, run)`,
//! so every restart is reproducible on its own (and could run elsewhere).

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::kernel::{dist2, min64};
use super::points::Points;

/// The generator of restart `run` for `seed`.
pub fn run_rng(seed: u64, run: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(seed ^ run.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A uniform draw in `[0, 1)` with 53 random bits.
pub fn unit(rng: &mut Pcg64Mcg) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform index below `n` (`n ≥ 1`).
pub fn below(rng: &mut Pcg64Mcg, n: usize) -> usize {
    ((unit(rng) * n as f64) as usize).min(n.saturating_sub(1))
}

/// scikit-learn's number of local trials: `2 + ⌊ln k⌋`.
pub fn local_trials(k: usize) -> usize {
    2 + libm::floor(libm::log(k.max(1) as f64)) as usize
}

/// `k` initial centres (`k × dims`, the points' centred units) chosen by
/// greedy k-means++. Needs `rows ≥ 1`.
///
/// Each row remembers its nearest centre so far; a candidate `c` at squared
/// distance `D(c, a)` from that centre `a` cannot come nearer than the row's
/// current `d²` when `D(c, a) ≥ 4.004 · d²` (triangle inequality, with a
/// margin far above `f32` rounding), so that row's distance is not computed.
/// The result is identical to computing every distance (tested).
pub fn kmeans_plus_plus(points: &Points, k: usize, rng: &mut Pcg64Mcg) -> Vec<f64> {
    plus_plus(points, k, rng, true)
}

pub(crate) fn plus_plus(points: &Points, k: usize, rng: &mut Pcg64Mcg, prune: bool) -> Vec<f64> {
    const MARGIN: f64 = 4.004;
    let n = points.rows();
    let dims = points.dims();
    let mut centres = Vec::with_capacity(k * dims);
    if n == 0 || k == 0 {
        return centres;
    }
    let empty: &[f32] = &[];
    let row = |i: usize| points.row(i).unwrap_or(empty);
    let first = below(rng, n);
    let mut chosen = vec![first];
    let c0 = row(first);
    let mut closest: Vec<f64> = points.iter().map(|x| dist2(x, c0) as f64).collect();
    let mut near = vec![0u32; n];
    let mut pot: f64 = closest.iter().sum();
    let trials = local_trials(k);
    let mut draws: Vec<(f64, usize)> = Vec::with_capacity(trials);
    let mut ids = vec![0usize; trials];
    let mut pots = vec![0.0f64; trials];
    for _ in 1..k {
        // Candidates: searchsorted(cumsum(D²), u · pot), in one pass.
        draws.clear();
        draws.extend((0..trials).map(|t| ((unit(rng) * pot).max(f64::MIN_POSITIVE), t)));
        draws.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        ids.iter_mut().for_each(|i| *i = n - 1);
        let mut next = draws.iter().peekable();
        let mut cum = 0.0f64;
        for (i, &d) in closest.iter().enumerate() {
            cum += d;
            while let Some(&&(r, t)) = next.peek() {
                if cum >= r {
                    if let Some(slot) = ids.get_mut(t) {
                        *slot = i;
                    }
                    next.next();
                } else {
                    break;
                }
            }
            if next.peek().is_none() {
                break;
            }
        }
        // Squared distances from each candidate to each centre so far.
        let cc: Vec<Vec<f64>> =
            ids.iter().map(|&c| chosen.iter().map(|&a| dist2(row(c), row(a)) as f64).collect()).collect();
        let cands: Vec<&[f32]> = ids.iter().map(|&i| row(i)).collect();
        // The potential each candidate would leave.
        pots.iter_mut().for_each(|p| *p = 0.0);
        for ((x, &d), &a) in points.iter().zip(&closest).zip(&near) {
            for ((p, c), cc) in pots.iter_mut().zip(&cands).zip(&cc) {
                let far = prune && cc.get(a as usize).is_some_and(|&s| s >= MARGIN * d);
                *p += if far { d } else { min64(d, dist2(x, c) as f64) };
            }
        }
        let mut best = 0usize;
        for (t, &p) in pots.iter().enumerate() {
            if p < pots.get(best).copied().unwrap_or(f64::INFINITY) {
                best = t;
            }
        }
        pot = pots.get(best).copied().unwrap_or(0.0);
        let pick = ids.get(best).copied().unwrap_or(0);
        let c = row(pick);
        let centre = chosen.len() as u32;
        let ccb = cc.get(best).map_or(&[][..], |v| v.as_slice());
        for ((x, d), a) in points.iter().zip(closest.iter_mut()).zip(near.iter_mut()) {
            if prune && ccb.get(*a as usize).is_some_and(|&s| s >= MARGIN * *d) {
                continue;
            }
            let e = dist2(x, c) as f64;
            if e < *d {
                *d = e;
                *a = centre;
            }
        }
        chosen.push(pick);
    }
    for &i in &chosen {
        centres.extend(row(i).iter().take(dims).map(|&v| v as f64));
    }
    centres
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::segment::points::Spec;

    #[test]
    fn trials_follow_scikit_learn() {
        assert_eq!(local_trials(1), 2);
        assert_eq!(local_trials(2), 2);
        assert_eq!(local_trials(3), 3);
        assert_eq!(local_trials(8), 4);
        assert_eq!(local_trials(20), 4);
        assert_eq!(local_trials(21), 5);
    }

    #[test]
    fn picks_one_centre_in_each_far_group() {
        // Three tight groups far apart: k-means++ must take one row of each.
        let mut data = Vec::new();
        for g in 0..3 {
            for i in 0..20 {
                data.push(g as f64 * 100.0 + (i % 5) as f64 * 0.1);
                data.push(-(g as f64) * 50.0 + (i / 5) as f64 * 0.1);
            }
        }
        let spec = Spec::of(&data, 2).unwrap();
        let p = Points::new(&data, &spec).unwrap();
        for seed in 0..20 {
            let c = kmeans_plus_plus(&p, 3, &mut run_rng(seed, 0));
            let mut groups: Vec<i64> = c.chunks(2).map(|c| ((c[0] + spec.offset[0]) / 100.0).round() as i64).collect();
            groups.sort();
            assert_eq!(groups, vec![0, 1, 2], "seed {seed}");
        }
        // Same seed, same centres.
        assert_eq!(kmeans_plus_plus(&p, 3, &mut run_rng(7, 2)), kmeans_plus_plus(&p, 3, &mut run_rng(7, 2)));
    }

    #[test]
    fn pruning_changes_nothing() {
        // Overlapping groups in 5-D: pruning must give exactly the unpruned centres.
        let data: Vec<f64> = (0..5000).map(|i| (((i * 7919) % 997) as f64 / 97.0).sin() * ((i % 13) as f64)).collect();
        let spec = Spec::of(&data, 5).unwrap();
        let p = Points::new(&data, &spec).unwrap();
        for seed in 0..5 {
            for k in [2, 7, 30] {
                let a = plus_plus(&p, k, &mut run_rng(seed, 1), true);
                let b = plus_plus(&p, k, &mut run_rng(seed, 1), false);
                assert_eq!(a, b, "seed {seed} k {k}");
            }
        }
    }
}
