//! Survey results by group: for a Likert or satisfaction column, the mean
//! and the distribution of answers in every segment (or tier), and overall.
//!
//! The levels of the distribution:
//!
//! - **Likert**: a number column whose values are whole or half numbers with
//!   at most 11 distinct values (1–5, 0–10, 1–5 in steps of 0.5): one level per value;
//! - **binned**: any other number column (e.g. CSAT 0–100): `bins` (default 5)
//!   equal-width bins from the minimum to the maximum;
//! - **category**: a category column ("满意 / 一般 / 不满意"): its levels in
//!   first-appearance order, or `order` (low to high), which also gives the
//!   mean as the average position 1..m.
//!
//! `topBox` / `bottomBox` are the shares of the two highest / lowest levels
//! (top-2-box, as HR survey reports use).

use serde::{Deserialize, Serialize};

use super::groups::Groups;
use crate::engine::dataset::{format_number, ColumnData, Dataset, MISSING_CODE};
use crate::engine::error::{Error, Result};

/// Options of `surveyBySegment`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SurveyOptions {
    pub column: String,
    /// Bins for a continuous number column (default 5).
    pub bins: Option<usize>,
    /// Order of a category column's levels, low to high.
    pub order: Option<Vec<String>>,
}

/// How the levels were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    Likert,
    Binned,
    Category,
}

/// One group's answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyGroup {
    pub group: String,
    /// Answers present.
    pub n: usize,
    /// Rows of the group without an answer.
    pub missing: usize,
    /// NaN for an unordered category column or no answers.
    pub mean: f64,
    pub std: f64,
    /// Per level.
    pub counts: Vec<usize>,
    pub shares: Vec<f64>,
    pub top_box: f64,
    pub bottom_box: f64,
}

/// The result of [`survey`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    pub column: String,
    pub kind: SurveyKind,
    pub levels: Vec<String>,
    pub overall: SurveyGroup,
    pub groups: Vec<SurveyGroup>,
}

/// One row's answer: its level and, when the scale is numeric, its score.
type Answer = Option<(usize, Option<f64>)>;

struct Acc {
    counts: Vec<usize>,
    sum: f64,
    sq: f64,
    scored: usize,
    missing: usize,
}

impl Acc {
    fn new(levels: usize) -> Acc {
        Acc { counts: vec![0; levels], sum: 0.0, sq: 0.0, scored: 0, missing: 0 }
    }
    fn add(&mut self, level: Option<usize>, value: Option<f64>) {
        match level {
            Some(l) => {
                if let Some(c) = self.counts.get_mut(l) {
                    *c += 1;
                }
                if let Some(v) = value {
                    self.sum += v;
                    self.sq += v * v;
                    self.scored += 1;
                }
            }
            None => self.missing += 1,
        }
    }
    fn finish(self, group: String) -> SurveyGroup {
        let n: usize = self.counts.iter().sum();
        let shares: Vec<f64> = self.counts.iter().map(|&c| if n > 0 { c as f64 / n as f64 } else { 0.0 }).collect();
        let m = shares.len();
        let tail = |s: &[f64]| s.iter().sum::<f64>();
        let (top_box, bottom_box) = if m >= 2 {
            (tail(shares.get(m - 2..).unwrap_or(&[])), tail(shares.get(..2).unwrap_or(&[])))
        } else {
            (tail(&shares), tail(&shares))
        };
        let (mean, std) = if self.scored > 0 {
            let k = self.scored as f64;
            let mean = self.sum / k;
            (mean, (self.sq / k - mean * mean).max(0.0).sqrt())
        } else {
            (f64::NAN, f64::NAN)
        };
        SurveyGroup { group, n, missing: self.missing, mean, std, counts: self.counts, shares, top_box, bottom_box }
    }
}

/// Mean and distribution of `opts.column` per group.
///
/// # Errors
/// `ParamError` for an unknown or text column, a bad `bins`, or an `order`
/// that misses a value of the column.
pub fn survey(ds: &Dataset, groups: &Groups, opts: &SurveyOptions) -> Result<Survey> {
    let name = &opts.column;
    let col = ds.require(name)?;
    // The level (and score) of each row.
    let (kind, levels, per_row): (SurveyKind, Vec<String>, Vec<Answer>) = match &col.data {
        ColumnData::Number(v) => {
            let mut distinct: Vec<f64> = v.iter().filter(|x| x.is_finite()).collect();
            if distinct.is_empty() {
                return Err(Error::param(
                    format!("column \"{name}\" has no answers"),
                    format!("列“{name}”没有任何答案"),
                )
                .at_column(name));
            }
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let likert = distinct.len() <= 11 && distinct.iter().all(|x| (x * 2.0).fract() == 0.0);
            if likert {
                let levels = distinct.iter().map(|&x| format_number(x)).collect();
                let rows = v
                    .iter()
                    .map(|x| {
                        if x.is_finite() {
                            distinct.binary_search_by(|p| p.total_cmp(&x)).ok().map(|l| (l, Some(x)))
                        } else {
                            None
                        }
                    })
                    .collect();
                (SurveyKind::Likert, levels, rows)
            } else {
                let bins = opts.bins.unwrap_or(5);
                if !(2..=50).contains(&bins) {
                    return Err(super::hyperparams::range("bins", 2, 50, bins));
                }
                let (lo, hi) = (distinct.first().copied().unwrap_or(0.0), distinct.last().copied().unwrap_or(0.0));
                let width = (hi - lo) / bins as f64;
                let edge = |i: usize| lo + width * i as f64;
                let levels = (0..bins)
                    .map(|i| format!("{}–{}", format_number(round3(edge(i))), format_number(round3(edge(i + 1)))))
                    .collect();
                let rows = v
                    .iter()
                    .map(|x| {
                        if !x.is_finite() {
                            return None;
                        }
                        let b = if width > 0.0 { (((x - lo) / width) as usize).min(bins - 1) } else { 0 };
                        Some((b, Some(x)))
                    })
                    .collect();
                (SurveyKind::Binned, levels, rows)
            }
        }
        ColumnData::Strings { values, .. } => {
            let levels: Vec<String> = match &opts.order {
                Some(o) => o.clone(),
                None => {
                    let mut seen = vec![false; values.dict.len()];
                    let mut out = Vec::new();
                    for &c in &values.codes {
                        if let Some(s) = seen.get_mut(c as usize) {
                            if !*s {
                                *s = true;
                                out.push(values.dict.get(c as usize).cloned().unwrap_or_default());
                            }
                        }
                    }
                    out
                }
            };
            if levels.len() > 50 {
                return Err(Error::param(
                    format!("column \"{name}\" has {} answers: at most 50 levels", levels.len()),
                    format!("列“{name}”有 {} 种答案：最多 50 个级别", levels.len()),
                )
                .at_column(name));
            }
            // Dictionary code → level.
            let mut map = vec![None; values.dict.len()];
            for (code, text) in values.dict.iter().enumerate() {
                if let Some(slot) = map.get_mut(code) {
                    *slot = levels.iter().position(|l| l == text.trim() || l == text);
                }
            }
            let used: Vec<bool> = {
                let mut u = vec![false; values.dict.len()];
                for &c in &values.codes {
                    if let Some(x) = u.get_mut(c as usize) {
                        *x = true;
                    }
                }
                u
            };
            if let Some(bad) = (0..values.dict.len()).find(|&c| used.get(c) == Some(&true) && map.get(c) == Some(&None))
            {
                let v = values.dict.get(bad).cloned().unwrap_or_default();
                return Err(Error::param(
                    format!("\"{v}\" in column \"{name}\" is not in order"),
                    format!("列“{name}”中的“{v}”不在 order 中"),
                )
                .at_column(name));
            }
            let scored = opts.order.is_some();
            let rows = values
                .codes
                .iter()
                .map(|&c| {
                    if c == MISSING_CODE {
                        return None;
                    }
                    let l = map.get(c as usize).copied().flatten()?;
                    Some((l, scored.then_some((l + 1) as f64)))
                })
                .collect();
            (SurveyKind::Category, levels, rows)
        }
        ColumnData::Date { .. } => {
            return Err(Error::param(
                format!("column \"{name}\" holds dates, not answers"),
                format!("列“{name}”是日期，不是调查答案"),
            )
            .at_column(name));
        }
    };
    if groups.labels.len() != per_row.len() {
        return Err(Error::param("the groups do not have one label per row", "分组标签数与行数不符"));
    }
    let mut overall = Acc::new(levels.len());
    let mut accs: Vec<Acc> = (0..groups.len()).map(|_| Acc::new(levels.len())).collect();
    for (&g, r) in groups.labels.iter().zip(&per_row) {
        let Some(acc) = accs.get_mut(g as usize) else { continue };
        let (level, value) = match r {
            Some((l, v)) => (Some(*l), *v),
            None => (None, None),
        };
        acc.add(level, value);
        overall.add(level, value);
    }
    Ok(Survey {
        column: name.clone(),
        kind,
        levels,
        overall: overall.finish("all".to_owned()),
        groups: accs.into_iter().zip(&groups.names).map(|(a, n)| a.finish(n.clone())).collect(),
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
