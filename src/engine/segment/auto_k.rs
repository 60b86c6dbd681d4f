//! Choosing `k`: fit every `k` in `kMin..=kMax`, score each, apply one rule.
//!
//! **The rule**: take the `k` with the highest silhouette; if smaller `k`
//! come within [`PARSIMONY`] (0.01) of that best silhouette, take the
//! smallest of them — fewer segments are easier to act on, and differences
//! that small are within the noise of a sampled silhouette. Inertia,
//! Calinski–Harabasz and Davies–Bouldin are reported for every `k` (the
//! `kScan`) so the page can show why, but do not vote.
//!
//! Every `k` uses the same silhouette rows (one seeded sample), so scores
//! are comparable.

use serde::Serialize;

use super::algorithm::{distinct_rows, fit_points, KMeansFit};
use super::hyperparams::KMeansParams;
use super::metrics::{quality, Quality};
use super::points::{Points, Spec};
use crate::engine::error::{Error, Msg, Result};

/// Silhouette margin within which a smaller `k` is preferred.
pub const PARSIMONY: f64 = 0.01;

/// One scanned `k`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KScore {
    pub k: usize,
    pub inertia: f64,
    pub silhouette: f64,
    pub calinski_harabasz: f64,
    pub davies_bouldin: f64,
    pub iterations: usize,
}

/// The outcome of a scan.
#[derive(Debug, Clone)]
pub struct Scan {
    pub fit: KMeansFit,
    pub quality: Quality,
    pub scores: Vec<KScore>,
    /// Why this `k`, in words.
    pub reason: Msg,
    /// `kMax` was lowered (too few distinct rows).
    pub clamped: Option<usize>,
}

/// Pick `k` from the scores by the rule above; `None` when no score is defined.
pub fn choose(scores: &[KScore]) -> Option<(usize, Msg)> {
    let best = scores.iter().filter(|s| s.silhouette.is_finite()).max_by(|a, b| {
        a.silhouette.total_cmp(&b.silhouette).then(b.k.cmp(&a.k)) // ties: the smaller k
    })?;
    let pick = scores
        .iter()
        .filter(|s| s.silhouette.is_finite() && s.silhouette >= best.silhouette - PARSIMONY)
        .min_by_key(|s| s.k)?;
    let (lo, hi) = (scores.first().map_or(0, |s| s.k), scores.last().map_or(0, |s| s.k));
    let reason = if pick.k == best.k {
        Msg::new(
            format!("k = {}: the highest silhouette ({:.3}) among k = {lo}…{hi}", pick.k, pick.silhouette),
            format!("k = {}：在 k = {lo}…{hi} 中轮廓系数最高（{:.3}）", pick.k, pick.silhouette),
        )
    } else {
        Msg::new(
            format!(
                "k = {}: its silhouette ({:.3}) is within {PARSIMONY} of the highest ({:.3}, k = {}), and fewer segments are preferred",
                pick.k, pick.silhouette, best.silhouette, best.k
            ),
            format!(
                "k = {}：轮廓系数（{:.3}）与最高值（{:.3}，k = {}）相差不到 {PARSIMONY}，优先选择更少的群",
                pick.k, pick.silhouette, best.silhouette, best.k
            ),
        )
    };
    Some((pick.k, reason))
}

/// Fit and score `k_min..=k_max` (lowered to the number of distinct rows).
///
/// # Errors
/// `ParamError` when fewer than two distinct rows exist, or a fit fails.
pub fn scan(
    mut points: Points,
    spec: &Spec,
    base: &KMeansParams,
    k_min: usize,
    k_max: usize,
    sample: &[u32],
) -> Result<(Scan, Points)> {
    let distinct = distinct_rows(&points, k_max);
    let top = k_max.min(distinct).min(points.rows().saturating_sub(1));
    if top < k_min {
        return Err(Error::param(
            format!("only {distinct} distinct rows: at least {k_min} are needed to scan k from {k_min}"),
            format!("只有 {distinct} 种不同的行：从 k = {k_min} 开始扫描至少需要 {k_min} 种"),
        ));
    }
    let clamped = (top < k_max).then_some(top);
    let mut fits = Vec::new();
    let mut scores = Vec::new();
    for k in k_min..=top {
        let params = KMeansParams { k, ..base.clone() };
        let (fit, p) = fit_points(points, spec, &params)?;
        points = p;
        let q = quality(&points, fit.labels(), k, sample);
        scores.push(KScore {
            k,
            inertia: fit.inertia(),
            silhouette: q.silhouette,
            calinski_harabasz: q.calinski_harabasz,
            davies_bouldin: q.davies_bouldin,
            iterations: fit.iterations(),
        });
        fits.push((fit, q));
    }
    let (k, reason) = choose(&scores).unwrap_or_else(|| {
        (k_min, Msg::new("no silhouette could be computed: the smallest k is used", "无法计算轮廓系数：采用最小的 k"))
    });
    let idx = k.saturating_sub(k_min).min(fits.len().saturating_sub(1));
    let (fit, quality) = fits.into_iter().nth(idx).ok_or_else(|| Error::param("empty k scan", "k 扫描为空"))?;
    Ok((Scan { fit, quality, scores, reason, clamped }, points))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(k: usize, sil: f64) -> KScore {
        KScore { k, inertia: 0.0, silhouette: sil, calinski_harabasz: 0.0, davies_bouldin: 0.0, iterations: 1 }
    }

    #[test]
    fn rule_takes_the_best_or_a_close_smaller_k() {
        let (k, why) = choose(&[s(2, 0.30), s(3, 0.55), s(4, 0.50)]).unwrap();
        assert_eq!(k, 3);
        assert!(why.en.contains("highest silhouette (0.550)"));
        let (k, why) = choose(&[s(2, 0.546), s(3, 0.55), s(4, 0.50)]).unwrap();
        assert_eq!(k, 2);
        assert!(why.zh.contains("优先选择更少的群"));
        assert_eq!(choose(&[s(2, 0.4), s(3, 0.4)]).unwrap().0, 2);
        assert!(choose(&[s(2, f64::NAN)]).is_none());
    }
}
