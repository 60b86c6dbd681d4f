//! Comparing two versions of a scorecard on the same people.

use serde::Serialize;

use super::{score, ScoreOptions, Scorecard};
use crate::engine::dataset::Dataset;
use crate::engine::error::{Error, Result};
use crate::engine::weights::{kendall_tau_b, spearman};

/// Someone ranked differently by the two cards.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mover {
    pub id: String,
    pub total_a: f64,
    pub total_b: f64,
    pub rank_a: u32,
    pub rank_b: u32,
    pub band_a: String,
    pub band_b: String,
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// People scored by both cards.
    pub common: usize,
    /// Spearman's ρ and Kendall's τ-b of the totals over `common`.
    pub spearman: f64,
    pub kendall: f64,
    pub bands_a: Vec<String>,
    pub bands_b: Vec<String>,
    /// `band_matrix[i][j]` = people in band i of A and band j of B; the last
    /// row/column counts people with no band.
    pub band_matrix: Vec<Vec<usize>>,
    /// Up to 20 biggest rank changes (|rank A − rank B|, then id).
    pub movers: Vec<Mover>,
}

/// Score with two cards and compare.
///
/// # Errors
/// As [`score`] for either card; `ParamError` when nobody is scored by both.
pub fn compare(ds: &Dataset, a: &Scorecard, b: &Scorecard, opts: &ScoreOptions) -> Result<Comparison> {
    let sa = score(ds, std::slice::from_ref(a), opts)?;
    let sb = score(ds, std::slice::from_ref(b), opts)?;
    let pos_b: std::collections::HashMap<&str, usize> =
        sb.ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let pairs: Vec<(usize, usize)> =
        sa.ids.iter().enumerate().filter_map(|(i, id)| pos_b.get(id.as_str()).map(|&j| (i, j))).collect();
    if pairs.is_empty() {
        return Err(Error::param(
            format!("scorecards \"{}\" and \"{}\" score nobody in common", a.name, b.name),
            format!("考核表“{}”与“{}”没有共同的评分对象", a.name, b.name),
        ));
    }
    let ta: Vec<f64> = pairs.iter().map(|&(i, _)| sa.total.get(i).copied().unwrap_or(f64::NAN)).collect();
    let tb: Vec<f64> = pairs.iter().map(|&(_, j)| sb.total.get(j).copied().unwrap_or(f64::NAN)).collect();
    let (na, nb) = (sa.band_labels.len(), sb.band_labels.len());
    let mut band_matrix = vec![vec![0usize; nb + 1]; na + 1];
    for &(i, j) in &pairs {
        let bi = sa.band.get(i).map_or(na, |&b| (b as usize).min(na));
        let bj = sb.band.get(j).map_or(nb, |&b| (b as usize).min(nb));
        if let Some(c) = band_matrix.get_mut(bi).and_then(|r| r.get_mut(bj)) {
            *c += 1;
        }
    }
    let mut movers: Vec<Mover> = pairs
        .iter()
        .map(|&(i, j)| Mover {
            id: sa.ids.get(i).cloned().unwrap_or_default(),
            total_a: sa.total.get(i).copied().unwrap_or(f64::NAN),
            total_b: sb.total.get(j).copied().unwrap_or(f64::NAN),
            rank_a: sa.rank.get(i).copied().unwrap_or(0),
            rank_b: sb.rank.get(j).copied().unwrap_or(0),
            band_a: sa.band_of(i).to_owned(),
            band_b: sb.band_of(j).to_owned(),
        })
        .collect();
    movers.sort_by(|x, y| {
        let dx = i64::from(x.rank_a) - i64::from(x.rank_b);
        let dy = i64::from(y.rank_a) - i64::from(y.rank_b);
        dy.unsigned_abs().cmp(&dx.unsigned_abs()).then_with(|| x.id.cmp(&y.id))
    });
    movers.truncate(20);
    Ok(Comparison {
        common: pairs.len(),
        spearman: spearman(&ta, &tb),
        kendall: kendall_tau_b(&ta, &tb),
        bands_a: sa.band_labels,
        bands_b: sb.band_labels,
        band_matrix,
        movers,
    })
}
