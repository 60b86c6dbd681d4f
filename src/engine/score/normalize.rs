//! Raw indicator values → 0..100 scores, exactly as DESIGN.md defines them.
//!
//! Every statistic is taken over the values present (not NaN) in the scored
//! population. A constant column (max = min, σ = 0) scores 100 for everyone
//! under `minmax`, `zscore` and `percentile`; `{target, floor}` is absolute
//! and applies its formula as usual. Missing values stay NaN here; the
//! missing policy is applied by the caller.

use super::card::{Direction, Normalize};

/// Normalise `raw` (NaN = missing) into `out` (same length).
pub fn normalize(raw: &[f64], method: Normalize, direction: Direction, out: &mut Vec<f64>) {
    out.clear();
    out.resize(raw.len(), f64::NAN);
    let present = raw.iter().filter(|x| !x.is_nan()).count();
    if present == 0 {
        return;
    }
    let lower = direction == Direction::Lower;
    match method {
        Normalize::MinMax => {
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for &x in raw.iter().filter(|x| !x.is_nan()) {
                lo = lo.min(x);
                hi = hi.max(x);
            }
            let range = hi - lo;
            for (o, &x) in out.iter_mut().zip(raw) {
                if x.is_nan() {
                    continue;
                }
                let from = if lower { hi - x } else { x - lo };
                let mut v = 100.0 * from / range;
                if !v.is_finite() && range != 0.0 {
                    // Values near f64::MAX overflow the differences: the same ratio
                    // on halves (halving is exact) stays finite.
                    let from = if lower { hi / 2.0 - x / 2.0 } else { x / 2.0 - lo / 2.0 };
                    v = from / (hi / 2.0 - lo / 2.0) * 100.0;
                }
                *o = if range == 0.0 { 100.0 } else { v.clamp(0.0, 100.0) };
            }
        }
        Normalize::ZScore => {
            let n = present as f64;
            let moments = |scale: f64| {
                let mean = raw.iter().filter(|x| !x.is_nan()).map(|x| x / scale).sum::<f64>() / n;
                let var =
                    raw.iter().filter(|x| !x.is_nan()).map(|x| (x / scale - mean) * (x / scale - mean)).sum::<f64>()
                        / n;
                (mean, libm::sqrt(var))
            };
            // z is scale-free: when values near f64::MAX overflow the sums, take
            // the moments of the values divided by the largest magnitude.
            let (mut scale, (mut mean, mut sd)) = (1.0, moments(1.0));
            if !(mean.is_finite() && sd.is_finite()) {
                scale = raw.iter().filter(|x| !x.is_nan()).fold(0.0f64, |m, x| m.max(x.abs()));
                (mean, sd) = moments(scale);
            }
            for (o, &x) in out.iter_mut().zip(raw) {
                if x.is_nan() {
                    continue;
                }
                *o = if sd == 0.0 {
                    100.0
                } else {
                    let z = (x / scale - mean) / sd;
                    let t = if lower { 50.0 - 10.0 * z } else { 50.0 + 10.0 * z };
                    t.clamp(0.0, 100.0)
                };
            }
        }
        Normalize::Percentile => {
            let mut sorted: Vec<f64> = raw.iter().copied().filter(|x| !x.is_nan()).collect();
            sorted.sort_by(f64::total_cmp);
            let constant = sorted.first() == sorted.last();
            let n = sorted.len() as f64;
            for (o, &x) in out.iter_mut().zip(raw) {
                if x.is_nan() {
                    continue;
                }
                if constant {
                    *o = 100.0;
                    continue;
                }
                let below = sorted.partition_point(|v| *v < x);
                let upto = sorted.partition_point(|v| *v <= x);
                let p = 100.0 * (below as f64 + 0.5 * (upto - below) as f64) / n;
                *o = if lower { 100.0 - p } else { p };
            }
        }
        Normalize::Target { target, floor } => {
            let span = target - floor;
            for (o, &x) in out.iter_mut().zip(raw) {
                if x.is_nan() {
                    continue;
                }
                *o = (100.0 * (x - floor) / span).clamp(0.0, 100.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(raw: &[f64], m: Normalize, d: Direction) -> Vec<f64> {
        let mut out = Vec::new();
        normalize(raw, m, d, &mut out);
        out
    }

    #[test]
    fn minmax_and_lower() {
        assert_eq!(run(&[1.0, 2.0, 3.0, f64::NAN], Normalize::MinMax, Direction::Higher)[..3], [0.0, 50.0, 100.0]);
        assert_eq!(run(&[1.0, 2.0, 3.0], Normalize::MinMax, Direction::Lower), [100.0, 50.0, 0.0]);
        assert!(run(&[1.0, f64::NAN], Normalize::MinMax, Direction::Higher)[1].is_nan());
    }

    #[test]
    fn constant_scores_100() {
        for m in [Normalize::MinMax, Normalize::ZScore, Normalize::Percentile] {
            assert_eq!(run(&[4.0, 4.0, f64::NAN], m, Direction::Lower)[..2], [100.0, 100.0]);
        }
    }

    #[test]
    fn values_near_the_largest_float_stay_in_range() {
        let raw = [1e308, -1e308, 80.0, 60.0];
        for m in [Normalize::MinMax, Normalize::ZScore, Normalize::Percentile] {
            for d in [Direction::Higher, Direction::Lower] {
                let v = run(&raw, m, d);
                assert!(v.iter().all(|x| (0.0..=100.0).contains(x)), "{m:?} {d:?} {v:?}");
            }
        }
        let v = run(&raw, Normalize::MinMax, Direction::Higher);
        assert_eq!((v[0], v[1]), (100.0, 0.0));
        assert!((v[2] - 50.0).abs() < 1e-9);
        let z = run(&raw, Normalize::ZScore, Direction::Higher);
        assert!(z[0] > 50.0 && z[1] < 50.0 && (z[2] - 50.0).abs() < 1e-9);
    }

    #[test]
    fn zscore_percentile_target() {
        let z = run(&[0.0, 10.0], Normalize::ZScore, Direction::Higher);
        assert_eq!(z, [40.0, 60.0]);
        let p = run(&[1.0, 2.0, 2.0, 3.0], Normalize::Percentile, Direction::Higher);
        assert_eq!(p, [12.5, 50.0, 50.0, 87.5]);
        let t = run(&[0.01, 0.06, 0.2], Normalize::Target { target: 0.02, floor: 0.10 }, Direction::Lower);
        assert_eq!(t[0], 100.0);
        assert!((t[1] - 50.0).abs() < 1e-12);
        assert_eq!(t[2], 0.0);
    }
}
