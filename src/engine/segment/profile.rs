//! Segment profiles: who is in each group, in words a manager understands.
//!
//! For each group (a segment, or a tier): its size and share; for every
//! number column described, the group's mean against the whole population as
//! a **z-score** `(group mean − population mean) / population σ` (values
//! present, original units, σ of the population); for every category column,
//! the shares of its levels against the population (`lift` = group share /
//! population share). A short **label** in Chinese and English is made from
//! the strongest traits:
//!
//! 1. up to two number columns with `|z| ≥ 0.5`, strongest first, phrased by
//!    the lexicon ("高频使用", "低满意度" / "frequent users", "low satisfaction");
//! 2. then a category level that dominates (share ≥ 60% and lift ≥ 1.3): "以技术支持为主";
//! 3. nothing marked: "整体均衡" / "typical profile".
//!
//! Labels that would repeat take their next trait (`|z| ≥ 0.25`), and then
//! the segment number, so every label is unique.

use serde::Serialize;

use super::lexicon::{category_phrase, join, trait_phrase, typical};
use crate::engine::dataset::{ColumnData, ColumnKind, Dataset, MISSING_CODE};
use crate::engine::error::{Error, Msg, Result};

/// One number column in a group, against the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trait {
    pub feature: String,
    /// `(mean − populationMean) / populationStd` (0 when σ = 0).
    pub z: f64,
    pub mean: f64,
    pub population_mean: f64,
    pub population_std: f64,
    /// Values present in the group.
    pub count: usize,
}

/// One category level in a group, against the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryShare {
    pub feature: String,
    pub value: String,
    pub share: f64,
    pub population_share: f64,
    /// `share / populationShare`.
    pub lift: f64,
}

/// Size, traits and category shares of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupStats {
    pub size: usize,
    pub share: f64,
    /// Number columns, strongest `|z|` first.
    pub traits: Vec<Trait>,
    /// Per category column, its levels with a share of at least 5% (at most 5), largest first.
    pub categories: Vec<CategoryShare>,
}

/// Statistics of `n_groups` groups; `groups[row]` is the row's group
/// (`≥ n_groups` = in none: such rows are not in the population either).
///
/// # Errors
/// `ParamError` for an unknown or text column.
pub fn group_stats(ds: &Dataset, groups: &[u32], n_groups: usize, columns: &[String]) -> Result<Vec<GroupStats>> {
    let mut sizes = vec![0usize; n_groups];
    for &g in groups {
        if let Some(s) = sizes.get_mut(g as usize) {
            *s += 1;
        }
    }
    let total: usize = sizes.iter().sum();
    let mut out: Vec<GroupStats> = sizes
        .iter()
        .map(|&s| GroupStats {
            size: s,
            share: if total > 0 { s as f64 / total as f64 } else { 0.0 },
            traits: Vec::new(),
            categories: Vec::new(),
        })
        .collect();
    for name in columns {
        let col = ds.require(name)?;
        match &col.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => {
                let mut sum = vec![0.0f64; n_groups];
                let mut cnt = vec![0usize; n_groups];
                let (mut ps, mut pn) = (0.0f64, 0usize);
                for (&g, x) in groups.iter().zip(v.iter()) {
                    if !x.is_finite() {
                        continue;
                    }
                    if let (Some(s), Some(c)) = (sum.get_mut(g as usize), cnt.get_mut(g as usize)) {
                        *s += x;
                        *c += 1;
                        ps += x;
                        pn += 1;
                    }
                }
                let pm = if pn > 0 { ps / pn as f64 } else { f64::NAN };
                let var = groups
                    .iter()
                    .zip(v.iter())
                    .filter(|(&g, x)| (g as usize) < n_groups && x.is_finite())
                    .map(|(_, x)| (x - pm) * (x - pm))
                    .sum::<f64>()
                    / pn.max(1) as f64;
                let sd = var.sqrt();
                for ((o, &s), &c) in out.iter_mut().zip(&sum).zip(&cnt) {
                    let mean = if c > 0 { s / c as f64 } else { f64::NAN };
                    let z = if sd > 0.0 && c > 0 { (mean - pm) / sd } else { 0.0 };
                    o.traits.push(Trait {
                        feature: name.clone(),
                        z,
                        mean,
                        population_mean: pm,
                        population_std: sd,
                        count: c,
                    });
                }
            }
            ColumnData::Strings { values, kind: ColumnKind::Category } => {
                let levels = values.dict.len();
                let mut cnt = vec![0usize; n_groups * levels];
                let mut pop = vec![0usize; levels];
                let mut present = vec![0usize; n_groups];
                for (&g, &c) in groups.iter().zip(&values.codes) {
                    if c == MISSING_CODE || g as usize >= n_groups {
                        continue;
                    }
                    if let Some(x) = cnt.get_mut(g as usize * levels + c as usize) {
                        *x += 1;
                    }
                    if let Some(x) = pop.get_mut(c as usize) {
                        *x += 1;
                    }
                    if let Some(x) = present.get_mut(g as usize) {
                        *x += 1;
                    }
                }
                let pop_total: usize = pop.iter().sum();
                for (g, o) in out.iter_mut().enumerate() {
                    let n = present.get(g).copied().unwrap_or(0);
                    let mut shares: Vec<CategoryShare> = (0..levels)
                        .filter_map(|l| {
                            let c = *cnt.get(g * levels + l)?;
                            let p = *pop.get(l)?;
                            if c == 0 || n == 0 {
                                return None;
                            }
                            let share = c as f64 / n as f64;
                            let population_share = p as f64 / pop_total.max(1) as f64;
                            Some(CategoryShare {
                                feature: name.clone(),
                                value: values.dict.get(l).cloned().unwrap_or_default(),
                                share,
                                population_share,
                                lift: if population_share > 0.0 { share / population_share } else { 0.0 },
                            })
                        })
                        .filter(|s| s.share >= 0.05)
                        .collect();
                    shares.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.value.cmp(&b.value)));
                    shares.truncate(5);
                    o.categories.extend(shares);
                }
            }
            ColumnData::Strings { .. } => {
                return Err(Error::param(
                    format!(
                        "column \"{name}\" is free text and cannot describe groups; choose number or category columns"
                    ),
                    format!("列“{name}”是文本，无法用于描述群体；请选择数值列或类别列"),
                )
                .at_column(name));
            }
        }
    }
    for o in &mut out {
        o.traits.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()));
    }
    Ok(out)
}

/// Fragments of a group's label, strongest first, down to `min_z`.
fn fragments(g: &GroupStats, min_z: f64, max_traits: usize) -> Vec<Msg> {
    let mut parts: Vec<Msg> = Vec::new();
    for t in g.traits.iter().filter(|t| t.z.abs() >= min_z && t.z.is_finite()) {
        if parts.len() >= max_traits {
            break;
        }
        let p = trait_phrase(&t.feature, t.z > 0.0);
        // Two columns of one concept ("登录次数", "访问次数") say it once.
        if !parts.contains(&p) {
            parts.push(p);
        }
    }
    if let Some(c) =
        g.categories.iter().filter(|c| c.share >= 0.6 && c.lift >= 1.3).max_by(|a, b| a.lift.total_cmp(&b.lift))
    {
        parts.push(category_phrase(&c.value));
    }
    parts
}

/// Unique bilingual labels for groups (see the module docs).
pub fn labels(groups: &[GroupStats]) -> Vec<Msg> {
    let mut out: Vec<Msg> = groups
        .iter()
        .map(|g| {
            let p = fragments(g, 0.5, 2);
            if p.is_empty() {
                typical()
            } else {
                join(&p)
            }
        })
        .collect();
    // Disambiguate repeats with the next trait, then the group number.
    for round in 0..2 {
        let snapshot = out.clone();
        for (i, g) in groups.iter().enumerate() {
            let Some(mine) = snapshot.get(i) else { continue };
            if snapshot.iter().filter(|l| *l == mine).count() < 2 {
                continue;
            }
            if let Some(slot) = out.get_mut(i) {
                *slot = if round == 0 {
                    let p = fragments(g, 0.25, 3);
                    if p.is_empty() {
                        typical()
                    } else {
                        join(&p)
                    }
                } else {
                    Msg::new(format!("{} (segment {})", mine.en, i + 1), format!("{}（群 {}）", mine.zh, i + 1))
                };
            }
        }
    }
    out
}
