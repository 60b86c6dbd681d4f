//! Rater calibration: is a manager's mean rating (or score) out of line with
//! the organisation's, and what would the ratings be on a common scale?
//!
//! For each group (by default the manager-id column: people rated by the
//! same manager), over the rows of one period (as in `score`):
//!
//! - **Cohen's d** = (mean of the group − mean of everyone else) / pooled
//!   sample standard deviation of the two;
//! - the group is flagged **lenient** (d > 0) or **severe** (d < 0) when
//!   `|d| ≥ 0.5` (a medium effect) **and** it has at least 5 people, so one
//!   outlier in a small team does not flag its manager;
//! - **calibrated** value = org mean + org σ · z, with z the value's z-score
//!   within its group (population σ; z = 0 in a group without spread). This
//!   keeps each manager's ordering of their own people but removes the
//!   manager's level and spread.
//! - with `control` (a performance column), `mean`, `rest_mean` and d are
//!   computed on the value minus its least-squares prediction from the
//!   control (`x − b·(c − c̄)`), so a manager whose people really perform
//!   better is not called lenient; calibrated values still use the raw values.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::card::resolve_column;
use super::{select_period, ScoreOptions};
use crate::engine::dataset::{Dataset, Role};
use crate::engine::error::{Error, Msg, Result};

/// Options of [`calibrate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CalibrationOptions {
    /// Group column; default: the manager-id column.
    pub by: Option<String>,
    /// `YYYY-MM`; default: the latest month.
    pub period: Option<String>,
    /// Smallest group that can be flagged (default 5).
    pub min_group: usize,
    /// Smallest |d| that is flagged (default 0.5).
    pub min_effect: f64,
    /// A performance column to control for: flags and d use the value minus
    /// its least-squares prediction from this column, so a manager whose team
    /// really performs better is not called lenient. Rows without it are left out.
    pub control: Option<String>,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions { by: None, period: None, min_group: 5, min_effect: 0.5, control: None }
    }
}

/// One group's evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupCalibration {
    pub group: String,
    pub n: usize,
    pub mean: f64,
    /// Mean of everyone outside the group.
    pub rest_mean: f64,
    pub cohens_d: f64,
    /// `"lenient"`, `"severe"` or `None`.
    pub flag: Option<String>,
}

/// The result of [`calibrate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Calibration {
    pub column: String,
    pub by: String,
    pub period: Option<String>,
    pub org_mean: f64,
    pub org_sd: f64,
    /// Groups, flagged first, then by |d| descending.
    pub groups: Vec<GroupCalibration>,
    /// Dataset rows used (with a value and a group), with their values.
    pub rows: Vec<u32>,
    pub values: Vec<f64>,
    pub calibrated: Vec<f64>,
    pub warnings: Vec<Msg>,
}

fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let m = v.iter().sum::<f64>() / n;
    let ss = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
    (m, ss)
}

/// Calibrate a numeric column by rater (see the module docs).
///
/// # Errors
/// `ParamError` for an unknown or non-numeric column, no group column, a bad
/// period, or fewer than two rows with a value and a group.
pub fn calibrate(ds: &Dataset, column: &str, opts: &CalibrationOptions) -> Result<Calibration> {
    let name = resolve_column(ds, column).ok_or_else(|| Error::unknown_column(column))?;
    let x = ds.numbers(&name)?;
    let by = match &opts.by {
        Some(b) => resolve_column(ds, b).ok_or_else(|| Error::unknown_column(b))?,
        None => ds.by_role(Role::ManagerId).map(|c| c.name.clone()).ok_or_else(|| {
            Error::param(
                "no manager-id column: choose the column to group ratings by",
                "没有上级工号列：请选择用来分组的列",
            )
        })?,
    };
    let gcol = ds.require(&by)?;
    let (mask, period, mut warnings) =
        select_period(ds, &ScoreOptions { period: opts.period.clone(), group_by: None })?;
    let control = match &opts.control {
        Some(c) => {
            let cn = resolve_column(ds, c).ok_or_else(|| Error::unknown_column(c))?;
            Some(ds.numbers(&cn)?)
        }
        None => None,
    };
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut ctl = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut values = Vec::new();
    let mut gidx = Vec::new();
    let mut skipped = 0;
    for r in 0..ds.row_count() {
        if mask.get(r) != Some(&true) {
            continue;
        }
        let v = x.get(r).copied().unwrap_or(f64::NAN);
        let Some(g) = gcol.display(r) else {
            skipped += 1;
            continue;
        };
        let cv = control.as_ref().map_or(0.0, |c| c.get(r).copied().unwrap_or(f64::NAN));
        if v.is_nan() || cv.is_nan() {
            skipped += 1;
            continue;
        }
        ctl.push(cv);
        let next = names.len();
        let k = *keys.entry(g.to_string()).or_insert_with(|| {
            names.push(g.to_string());
            next
        });
        rows.push(r as u32);
        values.push(v);
        gidx.push(k);
    }
    if values.len() < 2 {
        return Err(Error::param(
            format!("only {} rows have both \"{name}\" and \"{by}\"; calibration needs at least 2", values.len()),
            format!("同时有“{name}”和“{by}”的记录只有 {} 条；校准至少需要 2 条", values.len()),
        ));
    }
    if skipped > 0 {
        warnings.push(Msg::new(
            format!("{skipped} rows without a value or a group are left out"),
            format!("{skipped} 条记录缺少数值或分组，已略去"),
        ));
    }
    let (org_mean, org_ss) = mean_var(&values);
    let n = values.len() as f64;
    let org_sd = libm::sqrt(org_ss / n);
    // The values the flags are judged on: raw, or adjusted for the control.
    let judged: Vec<f64> = if control.is_some() {
        let (cm, css) = mean_var(&ctl);
        let cov: f64 = values.iter().zip(&ctl).map(|(v, c)| (v - org_mean) * (c - cm)).sum();
        let slope = if css > 0.0 { cov / css } else { 0.0 };
        values.iter().zip(&ctl).map(|(v, c)| v - slope * (c - cm)).collect()
    } else {
        values.clone()
    };
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for (&v, &g) in judged.iter().zip(&gidx) {
        if let Some(p) = per.get_mut(g) {
            p.push(v);
        }
    }
    let total_sum: f64 = judged.iter().sum();
    let total_sq: f64 = judged.iter().map(|v| v * v).sum();
    let stats = |groups: &[Vec<f64>]| -> Vec<(f64, f64)> {
        groups
            .iter()
            .map(|g| {
                let (m, ss) = mean_var(g);
                (m, libm::sqrt(ss / g.len() as f64))
            })
            .collect()
    };
    let judged_stats = stats(&per);
    let mut raw_per: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for (&v, &g) in values.iter().zip(&gidx) {
        if let Some(p) = raw_per.get_mut(g) {
            p.push(v);
        }
    }
    let raw_stats = stats(&raw_per);
    let mut groups: Vec<GroupCalibration> = per
        .iter()
        .zip(&names)
        .zip(&judged_stats)
        .map(|((g, name), &(m, _))| {
            let n1 = g.len() as f64;
            let n2 = n - n1;
            let (_, ss1) = mean_var(g);
            let s1: f64 = g.iter().sum();
            let q1: f64 = g.iter().map(|v| v * v).sum();
            let rest_mean = (total_sum - s1) / n2;
            let ss2 = (total_sq - q1) - n2 * rest_mean * rest_mean;
            let pooled = libm::sqrt((ss1 + ss2.max(0.0)) / (n1 + n2 - 2.0));
            let d = if n2 > 0.0 && pooled > 0.0 { (m - rest_mean) / pooled } else { 0.0 };
            let flag = (g.len() >= opts.min_group && d.abs() >= opts.min_effect).then(|| {
                if d > 0.0 {
                    "lenient".to_owned()
                } else {
                    "severe".to_owned()
                }
            });
            GroupCalibration { group: name.clone(), n: g.len(), mean: m, rest_mean, cohens_d: d, flag }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.flag
            .is_some()
            .cmp(&a.flag.is_some())
            .then(b.cohens_d.abs().total_cmp(&a.cohens_d.abs()))
            .then(a.group.cmp(&b.group))
    });
    let calibrated = values
        .iter()
        .zip(&gidx)
        .map(|(&v, &g)| {
            let (m, sd) = raw_stats.get(g).copied().unwrap_or((v, 0.0));
            let z = if sd > 0.0 { (v - m) / sd } else { 0.0 };
            org_mean + org_sd * z
        })
        .collect();
    Ok(Calibration { column: name, by, period, org_mean, org_sd, groups, rows, values, calibrated, warnings })
}
