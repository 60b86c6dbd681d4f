//! Rank correlations between two weightings' totals or ranks.
//!
//! Both use only the pairs where both values are present (not NaN); with
//! fewer than two such pairs, or a side with no variation, they are NaN.

/// Mid-ranks (average ranks for ties), 1-based, ascending.
pub fn midranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x.get(a).unwrap_or(&f64::NAN).total_cmp(x.get(b).unwrap_or(&f64::NAN)));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let xi = idx.get(i).and_then(|&k| x.get(k)).copied();
        let mut j = i + 1;
        while j < idx.len() && idx.get(j).and_then(|&k| x.get(k)).copied() == xi {
            j += 1;
        }
        let r = (i + j + 1) as f64 / 2.0;
        for &k in idx.get(i..j).unwrap_or(&[]) {
            if let Some(o) = out.get_mut(k) {
                *o = r;
            }
        }
        i = j;
    }
    out
}

fn pairs(a: &[f64], b: &[f64]) -> (Vec<f64>, Vec<f64>) {
    a.iter().zip(b).filter(|(x, y)| !x.is_nan() && !y.is_nan()).map(|(x, y)| (*x, *y)).unzip()
}

/// Spearman's ρ: Pearson correlation of the mid-ranks (as `scipy.stats.spearmanr`).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (x, y) = pairs(a, b);
    let n = x.len();
    if n < 2 {
        return f64::NAN;
    }
    let (rx, ry) = (midranks(&x), midranks(&y));
    let mean = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (p, q) in rx.iter().zip(&ry) {
        sxy += (p - mean) * (q - mean);
        sxx += (p - mean) * (p - mean);
        syy += (q - mean) * (q - mean);
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    sxy / libm::sqrt(sxx * syy)
}

/// Kendall's τ-b with tie correction, in O(n log n) (Knight's algorithm, as
/// `scipy.stats.kendalltau`).
pub fn kendall_tau_b(a: &[f64], b: &[f64]) -> f64 {
    let (x, y) = pairs(a, b);
    let n = x.len();
    if n < 2 {
        return f64::NAN;
    }
    let mut idx: Vec<usize> = (0..n).collect();
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    idx.sort_by(|&i, &j| at(&x, i).total_cmp(&at(&x, j)).then(at(&y, i).total_cmp(&at(&y, j))));
    let n0 = (n as f64) * (n as f64 - 1.0) / 2.0;
    // Ties in x, and joint ties.
    let (mut n1, mut n3) = (0.0, 0.0);
    let mut i = 0;
    while i < n {
        let xi = at(&x, idx.get(i).copied().unwrap_or(0));
        let mut j = i + 1;
        while j < n && at(&x, idx.get(j).copied().unwrap_or(0)) == xi {
            j += 1;
        }
        let t = (j - i) as f64;
        n1 += t * (t - 1.0) / 2.0;
        let mut k = i;
        while k < j {
            let yk = at(&y, idx.get(k).copied().unwrap_or(0));
            let mut l = k + 1;
            while l < j && at(&y, idx.get(l).copied().unwrap_or(0)) == yk {
                l += 1;
            }
            let u = (l - k) as f64;
            n3 += u * (u - 1.0) / 2.0;
            k = l;
        }
        i = j;
    }
    // Discordant pairs = swaps to sort y in this order (merge sort).
    let mut ys: Vec<f64> = idx.iter().map(|&i| at(&y, i)).collect();
    let mut buf = vec![0.0; n];
    let swaps = merge_count(&mut ys, &mut buf) as f64;
    // Ties in y.
    let mut n2 = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && ys.get(j) == ys.get(i) {
            j += 1;
        }
        let t = (j - i) as f64;
        n2 += t * (t - 1.0) / 2.0;
        i = j;
    }
    let den = (n0 - n1) * (n0 - n2);
    if den <= 0.0 {
        return f64::NAN;
    }
    (n0 - n1 - n2 + n3 - 2.0 * swaps) / libm::sqrt(den)
}

/// Sort ascending, counting strict inversions.
fn merge_count(v: &mut [f64], buf: &mut [f64]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let mut c = 0;
    {
        let (l, r) = v.split_at_mut(mid);
        let (bl, br) = buf.split_at_mut(mid);
        c += merge_count(l, bl);
        c += merge_count(r, br);
    }
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid && j < n {
        let (a, b) = (v.get(i).copied().unwrap_or(0.0), v.get(j).copied().unwrap_or(0.0));
        if b < a {
            if let Some(o) = buf.get_mut(k) {
                *o = b;
            }
            c += (mid - i) as u64;
            j += 1;
        } else {
            if let Some(o) = buf.get_mut(k) {
                *o = a;
            }
            i += 1;
        }
        k += 1;
    }
    while i < mid {
        if let Some(o) = buf.get_mut(k) {
            *o = v.get(i).copied().unwrap_or(0.0);
        }
        i += 1;
        k += 1;
    }
    while j < n {
        if let Some(o) = buf.get_mut(k) {
            *o = v.get(j).copied().unwrap_or(0.0);
        }
        j += 1;
        k += 1;
    }
    if let (Some(dst), Some(src)) = (v.get_mut(..n), buf.get(..n)) {
        dst.copy_from_slice(src);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tau_naive(x: &[f64], y: &[f64]) -> f64 {
        let n = x.len();
        let (mut c, mut d, mut tx, mut ty) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for i in 0..n {
            for j in i + 1..n {
                let a = (x[i] - x[j]).signum() * f64::from(x[i] != x[j]);
                let b = (y[i] - y[j]).signum() * f64::from(y[i] != y[j]);
                if a == 0.0 && b == 0.0 {
                } else if a == 0.0 {
                    tx += 1.0;
                } else if b == 0.0 {
                    ty += 1.0;
                } else if a == b {
                    c += 1.0;
                } else {
                    d += 1.0;
                }
            }
        }
        (c - d) / ((c + d + tx) * (c + d + ty)).sqrt()
    }

    #[test]
    fn kendall_matches_the_definition_with_ties() {
        let x = [1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 4.0, 1.0];
        let y = [2.0, 1.0, 3.0, 3.0, 4.0, 6.0, 6.0, 0.0];
        assert!((kendall_tau_b(&x, &y) - tau_naive(&x, &y)).abs() < 1e-12);
        assert!((kendall_tau_b(&x, &x) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn spearman_basics() {
        assert!((spearman(&[1.0, 2.0, 3.0], &[30.0, 20.0, 10.0]) + 1.0).abs() < 1e-12);
        assert_eq!(midranks(&[3.0, 1.0, 3.0]), [2.5, 1.0, 2.5]);
        assert!(spearman(&[1.0], &[1.0]).is_nan());
    }
}
