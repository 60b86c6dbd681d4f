//! Combined subjective/objective weighting (组合赋权).

use serde::{Deserialize, Serialize};

use crate::engine::error::{Error, Result};

/// How to combine a subjective weight vector `s` (e.g. AHP) with an
/// objective one `o` (e.g. entropy). Both are first normalised to sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "method")]
pub enum Combination {
    /// Multiplicative synthesis (乘法合成归一化): `w_i = s_i o_i / Σ_k s_k o_k`.
    Multiplicative,
    /// Linear mix (线性加权): `w_i = α s_i + (1 − α) o_i`, `α` in 0..1.
    Linear { alpha: f64 },
}

fn normalised(v: &[f64], what: &str, what_zh: &str) -> Result<Vec<f64>> {
    if v.iter().any(|x| !x.is_finite() || *x < 0.0) {
        return Err(Error::param(
            format!("{what} weights must be finite numbers ≥ 0"),
            format!("{what_zh}权重必须是 ≥ 0 的有限数"),
        ));
    }
    let s: f64 = v.iter().sum();
    if s <= 0.0 {
        return Err(Error::param(format!("{what} weights are all zero"), format!("{what_zh}权重全为零")));
    }
    Ok(v.iter().map(|x| x / s).collect())
}

/// Combine two weightings of the same criteria.
///
/// # Errors
/// `ParamError` when the lengths differ, a weight is negative or not finite,
/// a vector is all zero, `α` is outside 0..1, or (multiplicative) no
/// criterion has weight in both.
pub fn combine(subjective: &[f64], objective: &[f64], how: Combination) -> Result<Vec<f64>> {
    if subjective.len() != objective.len() {
        return Err(Error::param(
            format!("{} subjective weights but {} objective weights", subjective.len(), objective.len()),
            format!("主观权重 {} 个，客观权重 {} 个，数量不一致", subjective.len(), objective.len()),
        ));
    }
    let s = normalised(subjective, "subjective", "主观")?;
    let o = normalised(objective, "objective", "客观")?;
    match how {
        Combination::Multiplicative => {
            let prod: Vec<f64> = s.iter().zip(&o).map(|(a, b)| a * b).collect();
            let t: f64 = prod.iter().sum();
            if t <= 0.0 {
                return Err(Error::param(
                    "no criterion has weight in both weightings; the product is all zero",
                    "没有在两种赋权中都有权重的准则，乘积全为零",
                ));
            }
            Ok(prod.iter().map(|x| x / t).collect())
        }
        Combination::Linear { alpha } => {
            if !(0.0..=1.0).contains(&alpha) {
                return Err(Error::param(
                    format!("alpha = {alpha} must be between 0 and 1"),
                    format!("alpha = {alpha} 必须在 0 到 1 之间"),
                ));
            }
            Ok(s.iter().zip(&o).map(|(a, b)| alpha * a + (1.0 - alpha) * b).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_methods() {
        let m = combine(&[2.0, 2.0], &[0.25, 0.75], Combination::Multiplicative).unwrap();
        assert_eq!(m, [0.25, 0.75]);
        let l = combine(&[1.0, 0.0], &[0.0, 1.0], Combination::Linear { alpha: 0.3 }).unwrap();
        assert!((l[0] - 0.3).abs() < 1e-15 && (l[1] - 0.7).abs() < 1e-15);
        assert!(combine(&[1.0], &[1.0, 2.0], Combination::Multiplicative).is_err());
        assert!(combine(&[1.0, 0.0], &[0.0, 1.0], Combination::Multiplicative).is_err());
    }
}
