//! The analytic hierarchy process: weights from a pairwise comparison matrix.

use serde::Serialize;

use crate::engine::error::{Error, Result};

/// Saaty's random consistency index by matrix order (1-based: `RANDOM_INDEX[n - 1]`),
/// as tabulated in Saaty (1980) and extended to 15.
pub const RANDOM_INDEX: [f64; 15] =
    [0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59];

/// Tolerance on `a[j][i] · a[i][j] = 1`.
pub const RECIPROCAL_TOLERANCE: f64 = 1e-6;

/// The result of [`ahp`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ahp {
    /// The principal eigenvector, summing to 1.
    pub weights: Vec<f64>,
    pub lambda_max: f64,
    /// Consistency index `(λmax − n)/(n − 1)` (0 for n ≤ 2).
    pub ci: f64,
    /// Consistency ratio `CI / RI(n)` (0 for n ≤ 2); ≤ 0.1 is usually acceptable.
    pub cr: f64,
}

/// AHP weights by power iteration on the comparison matrix (`a[i][j]` = how
/// much more important criterion i is than j).
///
/// # Errors
/// `ParamError` naming the cell when the matrix is empty, larger than 15,
/// not square, has a non-positive or non-finite entry, or is not reciprocal
/// (`|a[i][j] · a[j][i] − 1| > 1e-6`).
pub fn ahp(matrix: &[Vec<f64>]) -> Result<Ahp> {
    let n = matrix.len();
    if n == 0 {
        return Err(Error::param("the AHP matrix is empty", "AHP 判断矩阵为空"));
    }
    if n > RANDOM_INDEX.len() {
        return Err(Error::param(
            format!("the AHP matrix has {n} rows; at most {} criteria are supported", RANDOM_INDEX.len()),
            format!("AHP 判断矩阵有 {n} 行；最多支持 {} 个准则", RANDOM_INDEX.len()),
        ));
    }
    for (i, row) in matrix.iter().enumerate() {
        if row.len() != n {
            return Err(Error::param(
                format!("the AHP matrix is not square: row {} has {} entries, expected {n}", i + 1, row.len()),
                format!("AHP 判断矩阵不是方阵：第 {} 行有 {} 个元素，应为 {n} 个", i + 1, row.len()),
            ));
        }
        for (j, &x) in row.iter().enumerate() {
            if !(x.is_finite() && x > 0.0) {
                return Err(Error::param(
                    format!("AHP matrix cell [{}][{}] = {x} must be a positive number", i + 1, j + 1),
                    format!("AHP 判断矩阵第 {} 行第 {} 列 = {x}，必须为正数", i + 1, j + 1),
                ));
            }
        }
    }
    let cell = |i: usize, j: usize| matrix.get(i).and_then(|r| r.get(j)).copied().unwrap_or(f64::NAN);
    for i in 0..n {
        for j in i..n {
            let (a, b) = (cell(i, j), cell(j, i));
            if (a * b - 1.0).abs() > RECIPROCAL_TOLERANCE {
                return Err(Error::param(
                    format!(
                        "AHP matrix is not reciprocal at [{}][{}] = {a} and [{}][{}] = {b} (expected {})",
                        i + 1,
                        j + 1,
                        j + 1,
                        i + 1,
                        1.0 / a
                    ),
                    format!(
                        "AHP 判断矩阵不互反：第 {} 行第 {} 列 = {a}，第 {} 行第 {} 列 = {b}（应为 {}）",
                        i + 1,
                        j + 1,
                        j + 1,
                        i + 1,
                        1.0 / a
                    ),
                ));
            }
        }
    }
    let mut w = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..10_000 {
        for (i, x) in next.iter_mut().enumerate() {
            *x = (0..n).map(|j| cell(i, j) * w.get(j).copied().unwrap_or(0.0)).sum();
        }
        let s: f64 = next.iter().sum();
        next.iter_mut().for_each(|x| *x /= s);
        let diff = next.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        std::mem::swap(&mut w, &mut next);
        if diff < 1e-16 {
            break;
        }
    }
    let lambda_max = (0..n)
        .map(|i| {
            (0..n).map(|j| cell(i, j) * w.get(j).copied().unwrap_or(0.0)).sum::<f64>()
                / w.get(i).copied().unwrap_or(1.0)
        })
        .sum::<f64>()
        / n as f64;
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = (lambda_max - n as f64) / (n as f64 - 1.0);
        (ci, ci / RANDOM_INDEX.get(n - 1).copied().unwrap_or(1.0))
    };
    Ok(Ahp { weights: w, lambda_max, ci, cr })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistent_matrix_has_cr_zero() {
        // w = (4, 2, 1)/7: a[i][j] = w_i / w_j.
        let w = [4.0, 2.0, 1.0];
        let m: Vec<Vec<f64>> = w.iter().map(|a| w.iter().map(|b| a / b).collect()).collect();
        let r = ahp(&m).unwrap();
        for (x, y) in r.weights.iter().zip(w) {
            assert!((x - y / 7.0).abs() < 1e-12);
        }
        assert!((r.lambda_max - 3.0).abs() < 1e-12);
        assert!(r.cr.abs() < 1e-12);
    }

    #[test]
    fn errors_name_the_cell() {
        let e = ahp(&[vec![1.0, 2.0], vec![0.4, 1.0]]).unwrap_err();
        assert!(e.to_string().contains("[1][2]"), "{e}");
        let e = ahp(&[vec![1.0, -2.0], vec![-0.5, 1.0]]).unwrap_err();
        assert!(e.to_string().contains("[1][2] = -2"), "{e}");
        let e = ahp(&[vec![1.0, 2.0], vec![0.5]]).unwrap_err();
        assert!(e.to_string().contains("not square"), "{e}");
        assert!(ahp(&[]).is_err());
    }
}
