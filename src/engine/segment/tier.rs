//! Rule-based tiers: the seed's matrix — job attribute → 管理层 / 技术层 / 基层,
//! usage → 高频 / 低频 — as JSON rules, a tier label per row, counts, the
//! two-way matrix and a cross-tab of tiers × segments.
//!
//! ```json
//! { "dimensions": [
//!     { "name": "岗位层级", "column": "职位族", "levels": [
//!         { "label": "管理层", "values": ["管理层", "客服经理"] },
//!         { "label": "技术层", "values": ["技术支持"] },
//!         { "label": "基层", "otherwise": true } ] },
//!     { "name": "使用频率", "column": "登录次数", "levels": [
//!         { "label": "高频", "min": 20 },
//!         { "label": "低频", "otherwise": true } ] } ],
//!   "separator": "·" }
//! ```
//!
//! A row's level in a dimension is the **first** level whose condition holds:
//! `values` (the cell equals one of them: text as displayed, numbers by
//! value), `min` / `max` (`min ≤ x < max`, either may be left out),
//! `minQuantile` / `maxQuantile` (the same with thresholds at quantiles of
//! the column, linear interpolation; `maxQuantile: 1` includes the maximum),
//! or `otherwise: true`. The tier label joins the levels with `separator`
//! (default "·"): "管理层·高频". A row with a missing cell takes the `missing`
//! label of the rules when given; otherwise it, like a row no level matches,
//! is untiered (label "") — with a warning that counts them.

use serde::{Deserialize, Serialize};

use super::scaling::quantile;
use super::UNASSIGNED;
use crate::engine::dataset::{ColumnData, Dataset, Warning};
use crate::engine::error::{Error, Msg, Result};

/// Tier rules (JSON).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TierRules {
    #[serde(default)]
    pub name: Option<String>,
    pub dimensions: Vec<TierDimension>,
    #[serde(default = "default_separator")]
    pub separator: String,
    /// Level given to a missing cell (default: the row is untiered).
    #[serde(default)]
    pub missing: Option<String>,
}

fn default_separator() -> String {
    "·".to_owned()
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TierDimension {
    #[serde(default)]
    pub name: Option<String>,
    pub column: String,
    pub levels: Vec<TierLevel>,
}

/// A value in a `values` list: text or a number.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum TierValue {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TierLevel {
    pub label: String,
    #[serde(default)]
    pub values: Option<Vec<TierValue>>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub min_quantile: Option<f64>,
    #[serde(default)]
    pub max_quantile: Option<f64>,
    #[serde(default)]
    pub otherwise: bool,
}

impl TierRules {
    /// Parse rules from JSON text.
    ///
    /// # Errors
    /// `ParamError` naming the JSON path of the problem.
    pub fn from_json(text: &str) -> Result<TierRules> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            Error::param(
                format!("tier rules: {} at {}", e.inner(), e.path()),
                format!("分层规则有误：{}（位置 {}）", e.inner(), e.path()),
            )
        })
    }
}

/// One tier and how many rows it has.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierCount {
    pub label: String,
    /// The level of each dimension.
    pub levels: Vec<String>,
    pub count: usize,
    /// Share of the tiered rows.
    pub share: f64,
}

/// Counts of a two-dimension rule set as a matrix (the seed's table).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierMatrix {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub counts: Vec<Vec<usize>>,
}

/// Tiers × segments.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossTab {
    pub tiers: Vec<String>,
    pub segments: Vec<String>,
    /// `counts[tier][segment]`.
    pub counts: Vec<Vec<usize>>,
}

/// The result of [`tier`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tiering {
    /// Index into `tiers` per row (`UNASSIGNED` = untiered).
    #[serde(skip)]
    pub codes: Vec<u32>,
    /// Every combination of levels, in rule order.
    pub tiers: Vec<TierCount>,
    pub untiered: usize,
    pub matrix: Option<TierMatrix>,
    pub cross_tab: Option<CrossTab>,
    pub warnings: Vec<Warning>,
}

impl Tiering {
    /// The tier label of each row ("" = untiered).
    pub fn labels(&self) -> Vec<&str> {
        self.codes.iter().map(|&c| self.tiers.get(c as usize).map_or("", |t| t.label.as_str())).collect()
    }
}

enum Cond {
    Values { text: Vec<String>, nums: Vec<f64> },
    Range { lo: f64, hi: f64, hi_inclusive: bool },
    Otherwise,
}

fn level_error(dim: &str, label: &str, en: &str, zh: &str) -> Error {
    Error::param(format!("tier \"{dim}\", level \"{label}\": {en}"), format!("分层“{dim}”的级别“{label}”：{zh}"))
}

/// Assign tiers by `rules`; with segment labels (and names), also the cross-tab.
///
/// # Errors
/// `ParamError` for an unknown column, a level without (or with two kinds
/// of) condition, a range on a text column, a bad quantile, or too many tiers.
pub fn tier(ds: &Dataset, rules: &TierRules, segments: Option<(&[u32], &[String])>) -> Result<Tiering> {
    if rules.dimensions.is_empty() {
        return Err(Error::param("tier rules need at least one dimension", "分层规则至少需要一个维度"));
    }
    let n = ds.row_count();
    let mut warnings = Vec::new();
    // Per dimension: the level index of each row (u32::MAX = none, MISSING = missing cell).
    const MISSING: u32 = u32::MAX - 1;
    let mut per_dim: Vec<Vec<u32>> = Vec::new();
    let mut level_names: Vec<Vec<String>> = Vec::new();
    for d in &rules.dimensions {
        let dim = d.name.clone().unwrap_or_else(|| d.column.clone());
        let col = ds.require(&d.column)?;
        if d.levels.is_empty() {
            return Err(Error::param(format!("tier \"{dim}\" has no levels"), format!("分层“{dim}”没有级别")));
        }
        let nums = col.as_numbers();
        let mut sorted: Option<Vec<f64>> = None;
        let mut conds = Vec::new();
        for l in &d.levels {
            let range = l.min.is_some() || l.max.is_some();
            let quant = l.min_quantile.is_some() || l.max_quantile.is_some();
            let kinds = [l.values.is_some(), range, quant, l.otherwise].iter().filter(|&&b| b).count();
            if kinds != 1 {
                return Err(level_error(
                    &dim,
                    &l.label,
                    "needs exactly one of values, min/max, minQuantile/maxQuantile or otherwise",
                    "须且只能指定 values、min/max、minQuantile/maxQuantile 或 otherwise 之一",
                ));
            }
            let cond = if let Some(vs) = &l.values {
                let mut text = Vec::new();
                let mut ns = Vec::new();
                for v in vs {
                    match v {
                        TierValue::Number(x) => {
                            ns.push(*x);
                            text.push(crate::engine::dataset::format_number(*x));
                        }
                        TierValue::Text(s) => text.push(s.trim().to_owned()),
                    }
                }
                Cond::Values { text, nums: ns }
            } else if range || quant {
                let Some(v) = nums else {
                    return Err(level_error(&dim, &l.label, "min/max need a number column", "min/max 需要数值列")
                        .at_column(&d.column));
                };
                if quant {
                    let s = sorted.get_or_insert_with(|| {
                        let mut s: Vec<f64> = v.iter().filter(|x| x.is_finite()).collect();
                        s.sort_by(f64::total_cmp);
                        s
                    });
                    for q in [l.min_quantile, l.max_quantile].into_iter().flatten() {
                        if !(0.0..=1.0).contains(&q) {
                            return Err(level_error(
                                &dim,
                                &l.label,
                                "quantiles must be in 0..1",
                                "分位数必须在 0 到 1 之间",
                            ));
                        }
                    }
                    let lo = l.min_quantile.map_or(f64::NEG_INFINITY, |q| quantile(s, q));
                    let hi = l.max_quantile.map_or(f64::INFINITY, |q| quantile(s, q));
                    Cond::Range { lo, hi, hi_inclusive: l.max_quantile == Some(1.0) }
                } else {
                    let lo = l.min.unwrap_or(f64::NEG_INFINITY);
                    let hi = l.max.unwrap_or(f64::INFINITY);
                    if lo.is_nan() || hi.is_nan() || lo > hi {
                        return Err(level_error(&dim, &l.label, "min must not exceed max", "min 不能大于 max"));
                    }
                    Cond::Range { lo, hi, hi_inclusive: false }
                }
            } else {
                Cond::Otherwise
            };
            conds.push(cond);
        }
        let mut codes = Vec::with_capacity(n);
        for r in 0..n {
            if col.is_missing(r) {
                codes.push(MISSING);
                continue;
            }
            let x = nums.map(|v| v.get(r)).filter(|x| !x.is_nan());
            let text = col.display(r);
            let hit = conds.iter().position(|c| match c {
                Cond::Values { text: t, nums: ns } => match &col.data {
                    ColumnData::Number(_) => {
                        x.is_some_and(|x| ns.contains(&x)) || text.as_deref().is_some_and(|s| t.iter().any(|v| v == s))
                    }
                    _ => text.as_deref().is_some_and(|s| t.iter().any(|v| v == s.trim())),
                },
                Cond::Range { lo, hi, hi_inclusive } => {
                    x.is_some_and(|x| x >= *lo && (x < *hi || (*hi_inclusive && x <= *hi)))
                }
                Cond::Otherwise => true,
            });
            codes.push(hit.map_or(u32::MAX, |h| h as u32));
        }
        let mut names: Vec<String> = d.levels.iter().map(|l| l.label.clone()).collect();
        if let Some(m) = &rules.missing {
            let idx = names.len() as u32;
            names.push(m.clone());
            codes.iter_mut().filter(|c| **c == MISSING).for_each(|c| *c = idx);
        }
        let missing = codes.iter().filter(|&&c| c == MISSING).count();
        let unmatched = codes.iter().filter(|&&c| c == u32::MAX).count();
        if missing > 0 {
            warnings.push(Warning::new(
                None,
                Some(&d.column),
                Msg::new(
                    format!(
                        "{missing} rows miss \"{}\" and are untiered (set \"missing\" in the rules to label them)",
                        d.column
                    ),
                    format!("{missing} 行缺少“{}”，未分层（可在规则中设置 \"missing\" 为其命名）", d.column),
                ),
            ));
        }
        if unmatched > 0 {
            warnings.push(Warning::new(
                None,
                Some(&d.column),
                Msg::new(
                    format!("{unmatched} rows match no level of \"{dim}\" and are untiered (add an otherwise level)"),
                    format!("{unmatched} 行不符合“{dim}”的任何级别，未分层（可添加 otherwise 级别）"),
                ),
            ));
        }
        per_dim.push(codes);
        level_names.push(names);
    }
    // Tiers: the product of levels, first dimension slowest.
    let total: usize = level_names.iter().map(Vec::len).product();
    if total > 10_000 {
        return Err(Error::limit(
            format!("{total} tier combinations: at most 10000"),
            format!("分层组合共 {total} 个：最多 10000 个"),
        ));
    }
    let mut codes = vec![UNASSIGNED; n];
    let mut counts = vec![0usize; total];
    for (r, code) in codes.iter_mut().enumerate() {
        let mut idx = 0usize;
        let mut ok = true;
        for (d, names) in per_dim.iter().zip(&level_names) {
            match d.get(r) {
                Some(&c) if (c as usize) < names.len() => idx = idx * names.len() + c as usize,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            *code = idx as u32;
            if let Some(c) = counts.get_mut(idx) {
                *c += 1;
            }
        }
    }
    let tiered: usize = counts.iter().sum();
    let tiers: Vec<TierCount> = (0..total)
        .map(|mut idx| {
            let mut levels = vec![String::new(); level_names.len()];
            for (slot, names) in levels.iter_mut().zip(&level_names).rev() {
                let m = names.len().max(1);
                *slot = names.get(idx % m).cloned().unwrap_or_default();
                idx /= m;
            }
            (levels.join(&rules.separator), levels)
        })
        .zip(&counts)
        .map(|((label, levels), &count)| TierCount {
            label,
            levels,
            count,
            share: if tiered > 0 { count as f64 / tiered as f64 } else { 0.0 },
        })
        .collect();
    let matrix = match level_names.as_slice() {
        [a, b] => Some(TierMatrix {
            rows: a.clone(),
            columns: b.clone(),
            counts: (0..a.len())
                .map(|i| (0..b.len()).map(|j| counts.get(i * b.len() + j).copied().unwrap_or(0)).collect())
                .collect(),
        }),
        _ => None,
    };
    let cross_tab = match segments {
        Some((labels, names)) => {
            if labels.len() != n {
                return Err(Error::param(
                    format!("{} segment labels for {n} rows", labels.len()),
                    format!("分群标签数 {} 与行数 {n} 不符", labels.len()),
                ));
            }
            let k = labels
                .iter()
                .filter(|&&l| l != UNASSIGNED)
                .map(|&l| l as usize + 1)
                .max()
                .unwrap_or(0)
                .max(names.len());
            let mut ct = vec![vec![0usize; k]; total];
            for (&t, &s) in codes.iter().zip(labels) {
                if let Some(c) = ct.get_mut(t as usize).and_then(|row| row.get_mut(s as usize)) {
                    *c += 1;
                }
            }
            Some(CrossTab {
                tiers: tiers.iter().map(|t| t.label.clone()).collect(),
                segments: (0..k).map(|c| names.get(c).cloned().unwrap_or_else(|| format!("S{}", c + 1))).collect(),
                counts: ct,
            })
        }
        None => None,
    };
    let untiered = n - tiered;
    Ok(Tiering { codes, tiers, untiered, matrix, cross_tab, warnings })
}
