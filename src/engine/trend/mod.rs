//! Monthly trends, historical comparisons, forecasts and alerts (`ds.trend`, `ds.alerts`).
//!
//! A metric is first laid out as a [`Panel`](panel::Panel): group × month
//! cells filled in one pass over the rows. Every series then follows the
//! definitions of DESIGN.md "Trend definitions":
//!
//! - **periods**: every calendar month from the first to the last month
//!   present in the dataset's period column (the same for every series, so
//!   series line up), as `YYYY-MM`; a month with no value is NaN, never 0;
//! - **values**: the `agg` (mean, sum or median) of the metric over the
//!   group's rows of that month; `count` is the number of rows with a value;
//! - **mom**, **yoy**: `v[k] / v[k−1] − 1` and `v[k] / v[k−12] − 1`, NaN where
//!   the base is missing or zero;
//! - **movingAvg**: the mean of the values present among the last `window`
//!   months (default 3), NaN for the first `window − 1` months;
//! - **slope**: least-squares slope of value against month index over the
//!   present values, in metric units per month;
//! - **comparison**: the last month with a value (or `period`) against the
//!   previous month, the same month last year and the trailing `window`-month
//!   mean ([`compare`]);
//! - **forecast**: Holt's linear trend for the next `horizon` months with a
//!   95% interval ([`forecast`]).
//!
//! `by` names a column (any kind: segment or tier labels added with
//! `Dataset::add_column` work like any category), `"org"` (every node of the
//! org tree, each over its whole subtree) or `"org:<id>"` (that node and each
//! of its direct children, for drilling down). `months`/`from`/`to` cut the
//! periods shown; changes and moving averages are computed on the full
//! history first, so the first month shown still has its MoM.
//!
//! ```
//! use hrlens::engine::sample::{sample, SampleOptions};
//! use hrlens::engine::trend::{trend, TrendOptions};
//! let ds = sample(&SampleOptions { employees: 300, months: 24, seed: 1 }).unwrap();
//! let opts = TrendOptions { metric: "客户满意度".into(), by: Some("部门".into()), ..TrendOptions::default() };
//! let series = trend(&ds, &opts).unwrap();
//! assert_eq!(series[0].periods.len(), 24);
//! assert_eq!(series[0].periods[0], "2023-01");
//! ```
#![deny(clippy::indexing_slicing)]

pub mod alerts;
pub mod compare;
pub mod forecast;
pub mod months;
pub mod panel;
pub mod series;

use serde::{Deserialize, Serialize};

use crate::engine::dataset::Dataset;
use crate::engine::dates;
use crate::engine::error::{Error, Result};
use crate::engine::org::OrgOptions;

pub use alerts::{alerts, explain, Alert, AlertRule, ExplainOptions, Explanation, Severity};
pub use compare::{Change, Comparison};
pub use forecast::{Forecast, ForecastPoint};
pub use panel::{build_panel, dataset_panel, grouping, Agg, By, Panel};

/// Default moving-average (and trailing comparison) window, in months.
pub const DEFAULT_WINDOW: usize = 3;
/// Largest window accepted (20 years).
pub const MAX_WINDOW: usize = 240;

/// Options of `ds.trend(opts)`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TrendOptions {
    /// The numeric column to follow.
    pub metric: String,
    /// A column, `"org"`, `"org:<id>"`; none = the whole dataset (key `"all"`).
    pub by: Option<String>,
    pub agg: Agg,
    /// Moving-average and trailing-comparison window (default 3).
    pub window: Option<usize>,
    /// Show only the last `months` periods (after `from`/`to`).
    pub months: Option<usize>,
    /// First period shown, `YYYY-MM`.
    pub from: Option<String>,
    /// Last period shown, `YYYY-MM`.
    pub to: Option<String>,
    /// The month the comparison is made at, `YYYY-MM` (default: each series' last value).
    pub period: Option<String>,
    /// Forecast horizon in months (default 1; 0 = no forecast).
    pub horizon: Option<usize>,
    /// Period column (default: role `period`).
    pub period_column: Option<String>,
    /// How to build the org tree for `org` groupings.
    pub org: Option<OrgOptions>,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            metric: String::new(),
            by: None,
            agg: Agg::Mean,
            window: None,
            months: None,
            from: None,
            to: None,
            period: None,
            horizon: None,
            period_column: None,
            org: None,
        }
    }
}

/// One series of a trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    pub key: String,
    /// Display name: the key, or the org node's name.
    pub label: String,
    pub periods: Vec<String>,
    pub values: Vec<f64>,
    pub moving_avg: Vec<f64>,
    pub mom: Vec<f64>,
    pub yoy: Vec<f64>,
    pub slope: f64,
    pub count: Vec<u32>,
    pub comparison: Comparison,
    pub forecast: Option<Forecast>,
}

pub(crate) fn check_window(window: Option<usize>) -> Result<usize> {
    let w = window.unwrap_or(DEFAULT_WINDOW);
    if w == 0 || w > MAX_WINDOW {
        return Err(Error::param(
            format!("window = {w} must be between 1 and {MAX_WINDOW} months"),
            format!("窗口 {w} 应在 1 到 {MAX_WINDOW} 个月之间"),
        ));
    }
    Ok(w)
}

pub(crate) fn parse_period_opt(name: &str, s: Option<&str>) -> Result<Option<i32>> {
    match s {
        None => Ok(None),
        Some(s) => months::parse_month_text(s).map(Some).ok_or_else(|| {
            Error::param(
                format!("{name} = \"{s}\" is not a month; expected YYYY-MM"),
                format!("{name}“{s}”不是月份；应为 YYYY-MM"),
            )
        }),
    }
}

/// Trends of `metric` per group.
///
/// # Errors
/// `ParamError` for an unknown or non-numeric metric, unknown `by` column or
/// org node, a missing period column, or a bad window or period.
pub fn trend(ds: &Dataset, opts: &TrendOptions) -> Result<Vec<Series>> {
    let window = check_window(opts.window)?;
    let from = parse_period_opt("from", opts.from.as_deref())?;
    let to = parse_period_opt("to", opts.to.as_deref())?;
    let at = parse_period_opt("period", opts.period.as_deref())?;
    let by = By::parse(opts.by.as_deref());
    let org_opts = opts.org.clone().unwrap_or_default();
    let panel = dataset_panel(ds, &opts.metric, &by, &org_opts, opts.agg, opts.period_column.as_deref())?;
    Ok(series_of(&panel, window, from, to, opts.months, at, opts.horizon.unwrap_or(1)))
}

/// Every series of a panel, cut to the shown range.
pub fn series_of(
    panel: &Panel,
    window: usize,
    from: Option<i32>,
    to: Option<i32>,
    months: Option<usize>,
    at: Option<i32>,
    horizon: usize,
) -> Vec<Series> {
    let last = panel.first + panel.len as i32 - 1;
    let lo = from.unwrap_or(panel.first).max(panel.first);
    let mut hi = to.unwrap_or(last).min(last);
    if let Some(m) = months {
        let m = i32::try_from(m).unwrap_or(i32::MAX);
        let lo2 = hi.saturating_sub(m.saturating_sub(1));
        hi = hi.max(lo2);
        return cut(panel, window, lo.max(lo2), hi, at, horizon);
    }
    cut(panel, window, lo, hi, at, horizon)
}

fn cut(panel: &Panel, window: usize, lo: i32, hi: i32, at: Option<i32>, horizon: usize) -> Vec<Series> {
    let range = if hi >= lo { ((lo - panel.first) as usize)..((hi - panel.first) as usize + 1) } else { 0..0 };
    let periods: Vec<String> = range.clone().map(|k| dates::format_month(panel.first + k as i32)).collect();
    let pick = |v: &[f64]| v.get(range.clone()).map(<[f64]>::to_vec).unwrap_or_default();
    let at = at.and_then(|a| usize::try_from(a - panel.first).ok()).filter(|&a| a < panel.len);
    (0..panel.keys.len())
        .map(|g| {
            let full = panel.series(g);
            let values = pick(full);
            // Compare and forecast on the history up to the last month shown.
            let upto = full.get(..range.end).unwrap_or(&[]);
            let at = at.or_else(|| upto.iter().rposition(|v| !v.is_nan()).filter(|&k| k >= range.start));
            Series {
                key: panel.keys.get(g).cloned().unwrap_or_default(),
                label: panel.labels.get(g).cloned().unwrap_or_default(),
                periods: periods.clone(),
                moving_avg: pick(&series::moving_avg(full, window)),
                mom: pick(&series::mom(full)),
                yoy: pick(&series::yoy(full)),
                slope: series::slope(&values),
                count: panel.counts(g).get(range.clone()).map(<[u32]>::to_vec).unwrap_or_default(),
                comparison: match at {
                    Some(k) => compare::compare(full, panel.first, Some(k), window),
                    None => compare::compare(&[], panel.first, None, window),
                },
                forecast: forecast::holt(upto, panel.first, horizon),
                values,
            }
        })
        .collect()
}
