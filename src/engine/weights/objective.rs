//! Objective weights from the data: the entropy method and CRITIC.
//!
//! Both use the rows where every chosen column has a value (rows with a gap
//! are skipped and counted). Formulas follow pymcdm 1.4 (`entropy_weights`,
//! `critic_weights`), with one documented difference: in the entropy method a
//! zero share contributes `0 · ln 0 = 0` (pymcdm sets the whole column's
//! entropy to 0 instead).

use serde::Serialize;

use crate::engine::dataset::Dataset;
use crate::engine::error::{Error, Result};

/// Weights computed from data, with how many rows were used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveWeights {
    pub columns: Vec<String>,
    pub weights: Vec<f64>,
    pub rows_used: usize,
    /// Rows skipped because a chosen column was missing there.
    pub rows_skipped: usize,
}

fn complete_rows(ds: &Dataset, columns: &[String]) -> Result<(Vec<Vec<f64>>, usize)> {
    if columns.len() < 2 {
        return Err(Error::param("choose at least two columns to weight", "请至少选择两列来计算权重"));
    }
    let cols: Vec<std::borrow::Cow<'_, [f64]>> = columns.iter().map(|c| ds.numbers(c)).collect::<Result<_>>()?;
    let n = ds.row_count();
    let keep: Vec<usize> = (0..n).filter(|&r| cols.iter().all(|c| c.get(r).is_some_and(|x| x.is_finite()))).collect();
    let out = cols.iter().map(|c| keep.iter().map(|&r| c.get(r).copied().unwrap_or(f64::NAN)).collect()).collect();
    Ok((out, n - keep.len()))
}

/// Entropy weights of columns of a dataset.
///
/// # Errors
/// `ParamError` for fewer than two columns, an unknown or non-numeric column,
/// fewer than two complete rows, a negative value, or a column summing to 0.
pub fn entropy(ds: &Dataset, columns: &[String]) -> Result<ObjectiveWeights> {
    let (m, skipped) = complete_rows(ds, columns)?;
    let rows = m.first().map_or(0, Vec::len);
    let weights = entropy_matrix(&m).map_err(|e| name_column(e, columns))?;
    Ok(ObjectiveWeights { columns: columns.to_vec(), weights, rows_used: rows, rows_skipped: skipped })
}

/// CRITIC weights of columns of a dataset.
///
/// # Errors
/// As [`entropy`], except that any real values are allowed.
pub fn critic(ds: &Dataset, columns: &[String]) -> Result<ObjectiveWeights> {
    let (m, skipped) = complete_rows(ds, columns)?;
    let rows = m.first().map_or(0, Vec::len);
    let weights = critic_matrix(&m).map_err(|e| name_column(e, columns))?;
    Ok(ObjectiveWeights { columns: columns.to_vec(), weights, rows_used: rows, rows_skipped: skipped })
}

fn name_column(mut e: Error, columns: &[String]) -> Error {
    if let Some(i) = e.column.as_deref().and_then(|c| c.parse::<usize>().ok()) {
        e.column = columns.get(i).cloned();
    }
    e
}

fn too_few(rows: usize) -> Error {
    Error::param(
        format!("{rows} complete rows; at least 2 are needed to compute weights"),
        format!("完整的记录只有 {rows} 条；计算权重至少需要 2 条"),
    )
}

/// Entropy weights of a column-major matrix (`columns[j][i]`).
///
/// `p_ij = x_ij / Σ_i x_ij`, `E_j = −Σ_i p_ij ln p_ij / ln m`,
/// `w_j = (1 − E_j) / Σ_k (1 − E_k)`.
///
/// # Errors
/// See [`entropy`]; the error's column is the column index.
pub fn entropy_matrix(columns: &[Vec<f64>]) -> Result<Vec<f64>> {
    let m = columns.first().map_or(0, Vec::len);
    if m < 2 {
        return Err(too_few(m));
    }
    let mut d = Vec::with_capacity(columns.len());
    for (j, col) in columns.iter().enumerate() {
        if col.iter().any(|&x| x < 0.0) {
            return Err(Error::param(
                "the entropy method needs values ≥ 0; this column has negative values (use CRITIC, or shift the data)",
                "熵权法要求数值 ≥ 0；此列含负值（可改用 CRITIC 或平移数据）",
            )
            .at_column(j.to_string()));
        }
        let s: f64 = col.iter().sum();
        if s <= 0.0 {
            return Err(Error::param(
                "this column sums to 0; the entropy method cannot use it",
                "此列之和为 0，熵权法无法使用",
            )
            .at_column(j.to_string()));
        }
        let h: f64 = col
            .iter()
            .map(|&x| {
                let p = x / s;
                if p > 0.0 {
                    -p * libm::log(p)
                } else {
                    0.0
                }
            })
            .sum();
        d.push(1.0 - h / libm::log(m as f64));
    }
    let total: f64 = d.iter().sum();
    if total <= 0.0 {
        return Err(Error::param(
            "every column is perfectly even; entropy weights are undefined",
            "各列数值完全均匀，熵权无定义",
        ));
    }
    Ok(d.iter().map(|x| x / total).collect())
}

/// CRITIC weights of a column-major matrix: min-max normalise each column
/// (a constant column becomes all ones), `σ_j` the sample standard deviation
/// (n − 1), `r_jk` Pearson correlation (0 with a constant column),
/// `C_j = σ_j Σ_k (1 − r_jk)`, `w_j = C_j / Σ C`.
///
/// # Errors
/// Fewer than two rows, or every column constant.
pub fn critic_matrix(columns: &[Vec<f64>]) -> Result<Vec<f64>> {
    let m = columns.first().map_or(0, Vec::len);
    if m < 2 {
        return Err(too_few(m));
    }
    let norm: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| {
            let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if hi == lo {
                vec![1.0; c.len()]
            } else {
                c.iter().map(|x| (x - lo) / (hi - lo)).collect()
            }
        })
        .collect();
    let means: Vec<f64> = norm.iter().map(|c| c.iter().sum::<f64>() / m as f64).collect();
    let ss: Vec<f64> =
        norm.iter().zip(&means).map(|(c, mu)| c.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>()).collect();
    let sd: Vec<f64> = ss.iter().map(|s| libm::sqrt(s / (m as f64 - 1.0))).collect();
    let k = norm.len();
    let mut c = vec![0.0; k];
    for j in 0..k {
        let mut acc = 0.0;
        for l in 0..k {
            let r = if j == l {
                1.0
            } else {
                match (norm.get(j), norm.get(l), means.get(j), means.get(l), ss.get(j), ss.get(l)) {
                    (Some(a), Some(b), Some(ma), Some(mb), Some(sa), Some(sb)) if *sa > 0.0 && *sb > 0.0 => {
                        let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
                        cov / libm::sqrt(sa * sb)
                    }
                    _ => 0.0,
                }
            };
            acc += 1.0 - r;
        }
        if let Some(x) = c.get_mut(j) {
            *x = sd.get(j).copied().unwrap_or(0.0) * acc;
        }
    }
    let total: f64 = c.iter().sum();
    if total <= 0.0 {
        return Err(Error::param(
            "every column is constant; CRITIC weights are undefined",
            "各列均为常数，CRITIC 权重无定义",
        ));
    }
    Ok(c.iter().map(|x| x / total).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_prefers_the_spread_column() {
        let w = entropy_matrix(&[vec![1.0, 1.0, 1.0, 1.1], vec![1.0, 5.0, 9.0, 0.5]]).unwrap();
        assert!(w[1] > w[0]);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(entropy_matrix(&[vec![1.0, -1.0], vec![1.0, 2.0]]).is_err());
    }

    #[test]
    fn critic_sums_to_one() {
        let w = critic_matrix(&[vec![1.0, 2.0, 3.0, 4.0], vec![4.0, 1.0, 3.0, 2.0], vec![2.0, 2.0, 2.0, 2.0]]).unwrap();
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(w[2], 0.0);
    }
}
