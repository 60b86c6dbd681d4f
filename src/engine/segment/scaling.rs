//! Feature scaling, fitted on the values present and invertible, so that
//! centroids can be reported in original units.
//!
//! Each kind matches its scikit-learn scaler, including how a zero scale is
//! handled (it becomes 1, so the feature is only shifted):
//!
//! | `scaling` | centre | scale | scikit-learn |
//! |---|---|---|---|
//! | `zscore` (default) | mean | population σ | `StandardScaler` |
//! | `robust` | median | IQR (p75 − p25, linear interpolation) | `RobustScaler` |
//! | `minmax` | min | max − min | `MinMaxScaler` |
//! | `none` | 0 | 1 | — |

use serde::Serialize;

use super::hyperparams::Scaling;

/// A fitted affine map `x ↦ (x − centre) / scale`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scaler {
    pub centre: f64,
    pub scale: f64,
    /// The fitted scale was 0 (a constant feature, or an IQR of 0) and was replaced by 1.
    pub degenerate: bool,
}

impl Scaler {
    pub const IDENTITY: Scaler = Scaler { centre: 0.0, scale: 1.0, degenerate: false };

    /// Fit to the finite values of `values` (NaN = missing).
    pub fn fit(kind: Scaling, values: &[f64]) -> Scaler {
        let mut present: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if present.is_empty() {
            return Scaler { degenerate: true, ..Scaler::IDENTITY };
        }
        let (centre, scale) = match kind {
            Scaling::None => return Scaler::IDENTITY,
            Scaling::Zscore => {
                let n = present.len() as f64;
                let mean = present.iter().sum::<f64>() / n;
                let var = present.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                (mean, var.sqrt())
            }
            Scaling::Minmax => {
                let lo = present.iter().copied().fold(f64::INFINITY, super::kernel::min64);
                let hi = present.iter().copied().fold(f64::NEG_INFINITY, super::kernel::max64);
                (lo, hi - lo)
            }
            Scaling::Robust => {
                present.sort_by(f64::total_cmp);
                (quantile(&present, 0.5), quantile(&present, 0.75) - quantile(&present, 0.25))
            }
        };
        // scikit-learn's _handle_zeros_in_scale: a scale below 10·eps·|centre| is 0.
        let tiny = 10.0 * f64::EPSILON * centre.abs().max(1.0);
        if scale <= tiny || !scale.is_finite() {
            Scaler { centre, scale: 1.0, degenerate: true }
        } else {
            Scaler { centre, scale, degenerate: false }
        }
    }

    #[inline]
    pub fn apply(&self, x: f64) -> f64 {
        (x - self.centre) / self.scale
    }

    #[inline]
    pub fn invert(&self, z: f64) -> f64 {
        z * self.scale + self.centre
    }
}

/// Quantile `q` of sorted values with linear interpolation (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    let a = sorted.get(lo).copied().unwrap_or(f64::NAN);
    let b = sorted.get(hi).copied().unwrap_or(a);
    a + (b - a) * frac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_matches_its_definition() {
        let v = [1.0, 2.0, 3.0, 4.0, f64::NAN, 10.0];
        let z = Scaler::fit(Scaling::Zscore, &v);
        assert_eq!(z.centre, 4.0);
        assert!((z.scale - 10.0f64.sqrt()).abs() < 1e-12);
        let m = Scaler::fit(Scaling::Minmax, &v);
        assert_eq!((m.centre, m.scale), (1.0, 9.0));
        assert_eq!(m.apply(10.0), 1.0);
        let r = Scaler::fit(Scaling::Robust, &v);
        // sorted 1 2 3 4 10: median 3, p25 2, p75 4.
        assert_eq!((r.centre, r.scale), (3.0, 2.0));
        assert_eq!(r.invert(r.apply(7.5)), 7.5);
        assert_eq!(Scaler::fit(Scaling::None, &v), Scaler::IDENTITY);
    }

    #[test]
    fn zero_scale_becomes_one() {
        let c = Scaler::fit(Scaling::Zscore, &[5.0, 5.0, 5.0]);
        assert!(c.degenerate);
        assert_eq!(c.apply(5.0), 0.0);
        let r = Scaler::fit(Scaling::Robust, &[0.0, 0.0, 0.0, 0.0, 9.0]);
        assert!(r.degenerate);
        assert_eq!(r.apply(9.0), 9.0);
        assert!(Scaler::fit(Scaling::Zscore, &[f64::NAN]).degenerate);
        assert_eq!(quantile(&[1.0, 2.0], 0.25), 1.25);
    }
}
