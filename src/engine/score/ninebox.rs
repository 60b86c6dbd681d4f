//! The 9-box grid: performance tercile × a second axis's tercile.

use serde::Serialize;

use super::card::resolve_column;
use super::Scores;
use crate::engine::dataset::Dataset;
use crate::engine::error::{Error, Result};
use crate::engine::weights::midranks;

/// Placement of each scored person (same order as the [`Scores`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NineBox {
    pub column: String,
    /// Performance tercile: 0 low, 1 middle, 2 high; 255 when unknown.
    pub performance: Vec<u8>,
    /// Second-axis tercile, same coding.
    pub other: Vec<u8>,
    /// Box 1..=9 = `3 · other + performance + 1` (1 = low/low, 9 = high/high); 0 when unknown.
    pub boxes: Vec<u8>,
    /// `counts[other][performance]`.
    pub counts: [[usize; 3]; 3],
    /// People left out for a missing total or second-axis value.
    pub unplaced: usize,
}

/// Terciles by mid-rank percentile `p = 100·(rank − ½)/n` over present
/// values: `p < 100/3` low, `p < 200/3` middle, else high. Ties share a tercile.
pub fn terciles(x: &[f64]) -> Vec<u8> {
    let present: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let ranks = midranks(&present);
    let n = present.len() as f64;
    let mut it = ranks.into_iter();
    x.iter()
        .map(|v| {
            if v.is_nan() {
                return 255;
            }
            let r = it.next().unwrap_or(0.0);
            let p = 100.0 * (r - 0.5) / n;
            if p < 100.0 / 3.0 {
                0
            } else if p < 200.0 / 3.0 {
                1
            } else {
                2
            }
        })
        .collect()
}

/// Place each scored person in the 9-box by total and by `column`'s value
/// on the same row.
///
/// # Errors
/// `ParamError` for an unknown or non-numeric column.
pub fn nine_box(ds: &Dataset, scores: &Scores, column: &str) -> Result<NineBox> {
    let name = resolve_column(ds, column).ok_or_else(|| Error::unknown_column(column))?;
    let col = ds.numbers(&name)?;
    let other_vals: Vec<f64> = scores.rows.iter().map(|&r| col.get(r as usize).copied().unwrap_or(f64::NAN)).collect();
    let mut perf_in = scores.total.clone();
    let mut oth_in = other_vals;
    // Only people with both values take part in both terciles.
    for (p, o) in perf_in.iter_mut().zip(oth_in.iter_mut()) {
        if p.is_nan() || o.is_nan() {
            *p = f64::NAN;
            *o = f64::NAN;
        }
    }
    let performance = terciles(&perf_in);
    let other = terciles(&oth_in);
    let mut counts = [[0usize; 3]; 3];
    let mut unplaced = 0;
    let boxes = performance
        .iter()
        .zip(&other)
        .map(|(&p, &o)| {
            if p > 2 || o > 2 {
                unplaced += 1;
                0
            } else {
                if let Some(c) = counts.get_mut(o as usize).and_then(|r| r.get_mut(p as usize)) {
                    *c += 1;
                }
                3 * o + p + 1
            }
        })
        .collect();
    Ok(NineBox { column: name, performance, other, boxes, counts, unplaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terciles_split_evenly() {
        let t = terciles(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, f64::NAN, 7.0, 8.0, 9.0]);
        assert_eq!(t, [0, 0, 0, 1, 1, 1, 255, 2, 2, 2]);
    }
}
