//! Next-period forecasts by Holt's linear trend (double exponential smoothing).
//!
//! - The series runs from its first to its last present month; interior gaps
//!   are filled by linear interpolation (only for fitting), so at least
//!   [`MIN_POINTS`] present values are needed.
//! - Start: level ℓ₀ = y₀, trend b₀ = y₁ − y₀. Update: ℓₜ = α·yₜ + (1−α)(ℓₜ₋₁ + bₜ₋₁),
//!   bₜ = β(ℓₜ − ℓₜ₋₁) + (1−β)·bₜ₋₁. Forecast h ahead: ℓ + h·b.
//! - α ∈ {0.1, 0.2, …, 0.9} and β ∈ {0.05, 0.1, 0.2, 0.3, 0.5} are chosen on a
//!   grid by the smallest sum of squared one-step-ahead errors (from y₂ on;
//!   ties keep the first, smaller, pair), so the choice is deterministic.
//! - σ = √(SSE / (m − 2)) over those m one-step errors (m − 2: two smoothing
//!   parameters); the 95% interval for h steps ahead is ŷ ± 1.96·σ·√(1 + Σⱼ₌₁..ₕ₋₁ (α(1 + jβ))²),
//!   the usual ETS(A,A,N) variance.
//!
//! The forecast continues from the last present month, so a series that
//! stopped early is forecast for the month after its own end.

use serde::Serialize;

use crate::engine::dates;

/// Fewest present values a forecast is made from.
pub const MIN_POINTS: usize = 4;
const ALPHAS: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const BETAS: [f64; 5] = [0.05, 0.1, 0.2, 0.3, 0.5];
/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// One forecast period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastPoint {
    pub period: String,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The forecast of one series.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    pub points: Vec<ForecastPoint>,
    pub alpha: f64,
    pub beta: f64,
    /// Standard deviation of the one-step-ahead errors.
    pub sigma: f64,
}

/// Forecast `horizon` months after the last present value of `values`
/// (month `k` = month index `first + k`). `None` with too few values.
pub fn holt(values: &[f64], first: i32, horizon: usize) -> Option<Forecast> {
    let present: Vec<usize> = values.iter().enumerate().filter(|(_, v)| !v.is_nan()).map(|(k, _)| k).collect();
    if present.len() < MIN_POINTS || horizon == 0 {
        return None;
    }
    let (a, b) = (*present.first()?, *present.last()?);
    let y = interpolate(values.get(a..=b)?);
    let (mut best, mut best_sse) = ((0.5, 0.1), f64::INFINITY);
    for &alpha in &ALPHAS {
        for &beta in &BETAS {
            let (sse, _, _) = run(&y, alpha, beta);
            if sse < best_sse {
                best_sse = sse;
                best = (alpha, beta);
            }
        }
    }
    let (alpha, beta) = best;
    let (sse, level, trend) = run(&y, alpha, beta);
    let m = y.len().saturating_sub(2);
    let sigma = if m > 2 { libm::sqrt(sse / (m - 2) as f64) } else { f64::NAN };
    let mut points = Vec::with_capacity(horizon);
    let mut var_sum = 1.0;
    for h in 1..=horizon {
        if h > 1 {
            let c = alpha * (1.0 + (h - 1) as f64 * beta);
            var_sum += c * c;
        }
        let value = level + h as f64 * trend;
        let half = Z95 * sigma * libm::sqrt(var_sum);
        points.push(ForecastPoint {
            period: dates::format_month(first + (b + h) as i32),
            value,
            lower: value - half,
            upper: value + half,
        });
    }
    Some(Forecast { points, alpha, beta, sigma })
}

/// SSE of one-step errors from y₂ on, and the final level and trend.
fn run(y: &[f64], alpha: f64, beta: f64) -> (f64, f64, f64) {
    let (Some(&y0), Some(&y1)) = (y.first(), y.get(1)) else { return (f64::INFINITY, f64::NAN, f64::NAN) };
    let (mut level, mut trend) = (y0, y1 - y0);
    let mut sse = 0.0;
    for (t, &yt) in y.iter().enumerate().skip(1) {
        let pred = level + trend;
        if t >= 2 {
            sse += (yt - pred) * (yt - pred);
        }
        let new_level = alpha * yt + (1.0 - alpha) * pred;
        trend = beta * (new_level - level) + (1.0 - beta) * trend;
        level = new_level;
    }
    (sse, level, trend)
}

/// Linear interpolation over interior NaNs (the ends are present).
fn interpolate(v: &[f64]) -> Vec<f64> {
    let mut out = v.to_vec();
    let mut last: Option<usize> = None;
    for k in 0..v.len() {
        let x = v.get(k).copied().unwrap_or(f64::NAN);
        if x.is_nan() {
            continue;
        }
        if let Some(j) = last {
            let xj = v.get(j).copied().unwrap_or(f64::NAN);
            for i in j + 1..k {
                if let Some(o) = out.get_mut(i) {
                    *o = xj + (x - xj) * (i - j) as f64 / (k - j) as f64;
                }
            }
        }
        last = Some(k);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_is_continued_exactly() {
        let v: Vec<f64> = (0..12).map(|k| 10.0 + 2.0 * k as f64).collect();
        let f = holt(&v, 2024 * 12, 2).unwrap();
        assert!((f.points[0].value - 34.0).abs() < 1e-9);
        assert!((f.points[1].value - 36.0).abs() < 1e-9);
        assert_eq!(f.points[0].period, "2025-01");
        assert!(f.sigma.abs() < 1e-9);
    }

    #[test]
    fn gaps_are_interpolated_and_intervals_widen() {
        let v = [1.0, f64::NAN, 3.2, 3.9, 5.1, 6.0, 6.8, f64::NAN];
        let f = holt(&v, 0, 3).unwrap();
        assert_eq!(f.points[0].period, "0000-08");
        assert!(f.points[0].lower < f.points[0].value && f.points[0].value < f.points[0].upper);
        let w = |p: &ForecastPoint| p.upper - p.lower;
        assert!(w(&f.points[2]) > w(&f.points[0]));
        assert!(holt(&[1.0, 2.0, f64::NAN], 0, 1).is_none());
        assert_eq!(interpolate(&[1.0, f64::NAN, f64::NAN, 4.0]), vec![1.0, 2.0, 3.0, 4.0]);
    }
}
