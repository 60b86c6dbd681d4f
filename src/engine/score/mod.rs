//! Weighted KPI appraisal: scorecards, scores, ranks, bands and what-ifs.
//!
//! A [`Scorecard`] (DESIGN.md "Scorecard") lists dimensions of weighted
//! indicators. [`score`] selects the **scored population** — the rows of one
//! month (the `period` option, or the latest month with a warning) that each
//! card's `appliesTo` accepts — normalises each indicator over it, and returns
//! [`Scores`]: totals 0..100, dimension scores, competition ranks ("1224",
//! 1 = best), optional ranks within a group, bands and bilingual warnings.
//! [`WhatIf`] keeps the normalised indicator matrix so that new weights
//! re-score, re-rank and re-band a million people within a frame.
//!
//! Definitions beyond DESIGN.md, fixed here:
//!
//! - **Duplicates**: one employee id twice in the scored population (the same
//!   month) is an error — a person cannot be ranked twice; fix the file or
//!   choose a period.
//! - **Several cards**: each row is scored by the *first* card in the list
//!   whose `appliesTo` accepts it (a card without `appliesTo` accepts all).
//!   Normalisation and forced distributions are within each card's own
//!   population; `rank` is over everyone; threshold bands are each card's.
//! - **missing = exclude**: a dimension score is the weighted mean of the
//!   indicators present in it; the total is the weighted mean of the
//!   dimensions present. Someone with nothing present has a NaN total, ranks
//!   last (after every valid total, sharing one rank), has no band and is
//!   listed in `unscored`. **zero**: a missing indicator scores 0. **mean**:
//!   it scores the mean indicator score of the people who have a value.
//! - **Order and ties**: the order is total descending, then employee id;
//!   tied totals share a rank. In a forced distribution, people tied at a
//!   cut-off all go to the better band (the band of a person is the first
//!   `k` with `rank − 1 < c_k`, `c_k = floor(n · cumulative share + ½)`).
//!
//! # Example
//! ```
//! use hrlens::engine::sample::{sample, SampleOptions};
//! use hrlens::engine::score::{score, template, ScoreOptions};
//! let ds = sample(&SampleOptions { employees: 300, months: 3, seed: 1 }).unwrap();
//! let card = template("cs-manager-monthly").unwrap();
//! let s = score(&ds, &[card], &ScoreOptions::default()).unwrap();
//! assert_eq!(s.period.as_deref(), Some("2023-03"));   // latest month, with a warning
//! assert!(s.total.iter().all(|t| t.is_nan() || (0.0..=100.0).contains(t)));
//! ```

pub mod calibrate;
pub mod card;
pub mod compare;
pub mod ninebox;
pub mod normalize;
pub mod rank;
pub mod templates;
pub mod whatif;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::engine::dataset::{Column, ColumnData, Dataset, Role};
use crate::engine::dates;
use crate::engine::error::{Error, Msg, Result};

pub use calibrate::{calibrate, Calibration, CalibrationOptions, GroupCalibration};
pub use card::{
    AppliesTo, Bands, Dimension, Direction, Indicator, MissingPolicy, Normalize, Scorecard, Share, Threshold,
};
pub use compare::{compare, Comparison};
pub use ninebox::{nine_box, NineBox};
pub use rank::NO_BAND;
pub use templates::{template, template_csv, templates};
pub use whatif::{Moved, Sensitivity, WhatIf, WhatIfUpdate};

/// Options of `score` and `whatIf`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ScoreOptions {
    /// `YYYY-MM`; default: the latest month of the period column.
    pub period: Option<String>,
    /// Column to rank within (e.g. `部门`), giving `group_rank`.
    pub group_by: Option<String>,
}

/// Scores of one dimension, one per person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionScores {
    pub name: String,
    pub values: Vec<f64>,
}

/// People per band against the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BandCount {
    pub card: String,
    pub label: String,
    pub count: usize,
    /// The forced-distribution share, when the bands are a distribution.
    pub target_share: Option<f64>,
    /// `c_k − c_{k−1}` for a distribution.
    pub target_count: Option<usize>,
}

/// The result of [`score`]: one entry per scored person, in dataset row order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scores {
    /// Card names; `card[i]` indexes this.
    pub cards: Vec<String>,
    /// The month scored (`YYYY-MM`), when the dataset has a period column.
    pub period: Option<String>,
    pub ids: Vec<String>,
    /// Row index of each person in the dataset (0-based).
    pub rows: Vec<u32>,
    pub card: Vec<u16>,
    /// 0..100; NaN when no indicator is present (see `unscored`).
    pub total: Vec<f64>,
    pub dimensions: Vec<DimensionScores>,
    /// Competition rank over everyone, 1 = best.
    pub rank: Vec<u32>,
    pub group_by: Option<String>,
    pub group_rank: Option<Vec<u32>>,
    /// Index into `band_labels`, or [`NO_BAND`].
    pub band: Vec<u16>,
    pub band_labels: Vec<String>,
    pub band_counts: Vec<BandCount>,
    /// Ids whose total is NaN.
    pub unscored: Vec<String>,
    pub warnings: Vec<Msg>,
}

impl Scores {
    /// The band label of person `i` (`""` when none).
    pub fn band_of(&self, i: usize) -> &str {
        self.band.get(i).and_then(|&b| self.band_labels.get(b as usize)).map_or("", String::as_str)
    }

    /// All band labels, one per person (`""` when none).
    pub fn band_strings(&self) -> Vec<String> {
        (0..self.band.len()).map(|i| self.band_of(i).to_owned()).collect()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Position of an employee id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }
}

/// Month index of each row of the period column (None when missing/unparseable).
fn row_months(c: &Column) -> Vec<Option<i32>> {
    match &c.data {
        ColumnData::Number(v) | ColumnData::Date { days: v, .. } => v.iter().map(dates::month_index).collect(),
        ColumnData::Strings { values, .. } => {
            let dict: Vec<Option<i32>> = values.dict.iter().map(|s| dates::parse_month(s)).collect();
            values.codes.iter().map(|&c| dict.get(c as usize).copied().flatten()).collect()
        }
    }
}

/// Rows of the requested (or latest) month.
pub(crate) fn select_period(ds: &Dataset, opts: &ScoreOptions) -> Result<(Vec<bool>, Option<String>, Vec<Msg>)> {
    let n = ds.row_count();
    let mut warnings = Vec::new();
    let Some(pc) = ds.by_role(Role::Period) else {
        if let Some(p) = &opts.period {
            return Err(Error::param(
                format!(
                    "period \"{p}\" was given but the data has no period (month) column; set a column's role to period"
                ),
                format!("指定了期间“{p}”，但数据中没有期间（月份）列；请把某列的角色设为期间"),
            ));
        }
        return Ok((vec![true; n], None, warnings));
    };
    let months = row_months(pc);
    let want = match &opts.period {
        Some(p) => dates::parse_month(p).ok_or_else(|| {
            Error::param(
                format!("period \"{p}\" is not a month written YYYY-MM"),
                format!("期间“{p}”不是 YYYY-MM 格式的月份"),
            )
        })?,
        None => {
            let Some(latest) = months.iter().flatten().copied().max() else {
                return Err(Error::param(
                    format!("the period column \"{}\" has no month values", pc.name),
                    format!("期间列“{}”中没有月份值", pc.name),
                )
                .at_column(&pc.name));
            };
            warnings.push(Msg::new(
                format!("no period given: scoring the latest month, {}", dates::format_month(latest)),
                format!("未指定期间：按最近一个月 {} 计算", dates::format_month(latest)),
            ));
            latest
        }
    };
    let mask: Vec<bool> = months.iter().map(|m| *m == Some(want)).collect();
    if !mask.iter().any(|&b| b) {
        let lo = months.iter().flatten().min().map(|&m| dates::format_month(m)).unwrap_or_default();
        let hi = months.iter().flatten().max().map(|&m| dates::format_month(m)).unwrap_or_default();
        return Err(Error::param(
            format!("no rows in period {} (the data covers {lo} to {hi})", dates::format_month(want)),
            format!("期间 {} 没有数据（数据范围 {lo} 至 {hi}）", dates::format_month(want)),
        )
        .at_column(&pc.name));
    }
    Ok((mask, Some(dates::format_month(want)), warnings))
}

/// Whether each row is accepted by an `appliesTo` (column, values).
pub(crate) fn applies_mask(ds: &Dataset, applies: &Option<(String, Vec<String>)>) -> Vec<bool> {
    let n = ds.row_count();
    let Some((col, values)) = applies else { return vec![true; n] };
    let Some(c) = ds.column(col) else { return vec![false; n] };
    match &c.data {
        ColumnData::Strings { values: iv, .. } => {
            let ok: Vec<bool> = iv.dict.iter().map(|s| values.iter().any(|v| v == s)).collect();
            iv.codes.iter().map(|&code| ok.get(code as usize).copied().unwrap_or(false)).collect()
        }
        _ => (0..n).map(|r| c.display(r).is_some_and(|s| values.iter().any(|v| *v == *s))).collect(),
    }
}

/// Employee ids of `rows` (or `#line` when absent), checking duplicates.
pub(crate) fn population_ids(ds: &Dataset, rows: &[u32], period: Option<&str>) -> Result<(Vec<String>, Vec<Msg>)> {
    let mut warnings = Vec::new();
    let idc = ds.by_role(Role::EmployeeId);
    let mut missing = 0usize;
    let ids: Vec<String> = rows
        .iter()
        .map(|&r| match idc.and_then(|c| c.display(r as usize)) {
            Some(s) => s.into_owned(),
            None => {
                missing += 1;
                format!("#{}", ds.line_of(r as usize))
            }
        })
        .collect();
    if idc.is_none() {
        warnings.push(Msg::new(
            "no employee-id column: people are named by their line in the file (#line)",
            "没有工号列：以文件中的行号（#行号）标识人员",
        ));
    } else if missing > 0 {
        warnings.push(Msg::new(
            format!("{missing} scored rows have no employee id; they are named by line (#line)"),
            format!("{missing} 条参与评分的记录没有工号，以行号（#行号）标识"),
        ));
    }
    let mut seen: HashMap<&str, u32> = HashMap::with_capacity(ids.len());
    for (id, &r) in ids.iter().zip(rows) {
        if let Some(&first) = seen.get(id.as_str()) {
            let (pe, pz) = match period {
                Some(p) => (format!(" in period {p}"), format!("在期间 {p} 中")),
                None => (String::new(), String::new()),
            };
            let col = idc.map(|c| c.name.clone()).unwrap_or_default();
            return Err(Error::param(
                format!(
                    "employee \"{id}\" appears twice{pe} (lines {} and {}); a person can be scored once — choose a period or remove the duplicate",
                    ds.line_of(first as usize),
                    ds.line_of(r as usize)
                ),
                format!(
                    "员工“{id}”{pz}出现两次（第 {} 行和第 {} 行）；每人只能评分一次——请选择期间或删除重复记录",
                    ds.line_of(first as usize),
                    ds.line_of(r as usize)
                ),
            )
            .at_column(col));
        }
        seen.insert(id.as_str(), r);
    }
    Ok((ids, warnings))
}

/// Group code per population row (by display value; missing = its own group).
pub(crate) fn group_codes(ds: &Dataset, column: &str, rows: &[u32]) -> Result<(Vec<u32>, usize, String)> {
    let name = card::resolve_column(ds, column).ok_or_else(|| Error::unknown_column(column))?;
    let c = ds.require(&name)?;
    let mut map: HashMap<String, u32> = HashMap::new();
    let codes = rows
        .iter()
        .map(|&r| {
            let key = c.display(r as usize).map(|s| s.into_owned()).unwrap_or_default();
            let next = map.len() as u32;
            *map.entry(key).or_insert(next)
        })
        .collect();
    Ok((codes, map.len(), name))
}

/// Score a dataset with one or more cards.
///
/// # Errors
/// `ParamError` for an invalid card (see [`Scorecard::validate`]), a bad or
/// empty period, an unknown `group_by` column, a duplicate employee id in the
/// period, or when no row is left to score.
pub fn score(ds: &Dataset, cards: &[Scorecard], opts: &ScoreOptions) -> Result<Scores> {
    match cards {
        [] => Err(Error::param("no scorecard given", "未提供考核表")),
        [one] => Ok(WhatIf::new(ds, one, opts)?.into_scores()),
        many => whatif::score_many(ds, many, opts),
    }
}
