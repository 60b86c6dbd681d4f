//! Series arithmetic on one monthly series (`values[k]` = month `k`, NaN = gap),
//! exactly as DESIGN.md "Trend definitions" says.

/// Relative change against `lag` months before: `v[k] / v[k − lag] − 1`; NaN
/// where either is missing or the base is zero (and for the first `lag` months).
pub fn relative_change(values: &[f64], lag: usize) -> Vec<f64> {
    (0..values.len())
        .map(|k| {
            let Some(base) = k.checked_sub(lag).and_then(|j| values.get(j)).copied() else { return f64::NAN };
            let v = values.get(k).copied().unwrap_or(f64::NAN);
            if base.is_nan() || v.is_nan() || base == 0.0 {
                f64::NAN
            } else {
                v / base - 1.0
            }
        })
        .collect()
}

/// Month-over-month change.
pub fn mom(values: &[f64]) -> Vec<f64> {
    relative_change(values, 1)
}

/// Year-over-year change (12 months back).
pub fn yoy(values: &[f64]) -> Vec<f64> {
    relative_change(values, 12)
}

/// Trailing mean of the values present among the last `window` months
/// (this one included); NaN for the first `window − 1` months and where none
/// of the window is present. A window of 0 is treated as 1.
pub fn moving_avg(values: &[f64], window: usize) -> Vec<f64> {
    let w = window.max(1);
    let (mut sum, mut n) = (0.0f64, 0usize);
    let mut out = Vec::with_capacity(values.len());
    for (k, &v) in values.iter().enumerate() {
        if !v.is_nan() {
            sum += v;
            n += 1;
        }
        if let Some(old) = k.checked_sub(w).and_then(|j| values.get(j)) {
            if !old.is_nan() {
                sum -= old;
                n -= 1;
            }
        }
        out.push(if k + 1 < w || n == 0 { f64::NAN } else { window_mean(values, k, w, sum, n) });
    }
    out
}

/// The mean of the window ending at `k`. A running sum drifts by rounding, so
/// short windows are summed afresh (exact and still O(1) per month for w ≤ 12).
fn window_mean(values: &[f64], k: usize, w: usize, running: f64, n: usize) -> f64 {
    if w > 12 {
        return running / n as f64;
    }
    let from = (k + 1).saturating_sub(w);
    let (s, c) = values
        .get(from..=k)
        .unwrap_or(&[])
        .iter()
        .filter(|v| !v.is_nan())
        .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if c == 0 {
        f64::NAN
    } else {
        s / c as f64
    }
}

/// Least-squares slope of value against month index over the present values
/// (per month); NaN with fewer than two present values.
pub fn slope(values: &[f64]) -> f64 {
    let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (k, &v) in values.iter().enumerate() {
        if !v.is_nan() {
            n += 1.0;
            sx += k as f64;
            sy += v;
        }
    }
    if n < 2.0 {
        return f64::NAN;
    }
    let (mx, my) = (sx / n, sy / n);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (k, &v) in values.iter().enumerate() {
        if !v.is_nan() {
            let dx = k as f64 - mx;
            sxy += dx * (v - my);
            sxx += dx * dx;
        }
    }
    if sxx == 0.0 {
        f64::NAN
    } else {
        sxy / sxx
    }
}

/// Median of the non-NaN values (NaN when none); reorders `v`.
pub fn median_in_place(v: &mut [f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let mid = n / 2;
    let (_, &mut upper, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        let lower = v.get(..mid).unwrap_or(&[]).iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: f64 = f64::NAN;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12)
    }

    #[test]
    fn hand_computed() {
        let v = [10.0, 11.0, N, 12.0, 0.0, 6.0];
        assert!(same(&mom(&v), &[N, 0.1, N, N, -1.0, N]));
        assert!(same(&moving_avg(&v, 3), &[N, N, 10.5, 11.5, 6.0, 6.0]));
        assert!(same(&moving_avg(&v, 1), &[10.0, 11.0, N, 12.0, 0.0, 6.0]));
        // slope over x = 0,1,3,4,5 and y = 10,11,12,0,6
        let (xs, ys) = ([0.0, 1.0, 3.0, 4.0, 5.0], [10.0, 11.0, 12.0, 0.0, 6.0]);
        let mx = xs.iter().sum::<f64>() / 5.0;
        let my = ys.iter().sum::<f64>() / 5.0;
        let b = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum::<f64>()
            / xs.iter().map(|x| (x - mx) * (x - mx)).sum::<f64>();
        assert!((slope(&v) - b).abs() < 1e-12);
        assert!(slope(&[N, 5.0, N]).is_nan());
        assert!(same(&mom(&[5.0]), &[N]));
        assert!(same(&moving_avg(&[5.0], 3), &[N]));
        let mut y = vec![N; 14];
        y[0] = 2.0;
        y[12] = 3.0;
        y[13] = 1.0;
        let r = yoy(&y);
        assert!((r[12] - 0.5).abs() < 1e-12);
        assert!(r[13].is_nan());
    }

    #[test]
    fn medians() {
        assert_eq!(median_in_place(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median_in_place(&mut []).is_nan());
    }
}
