//! Alert rules over trends (`ds.alerts(rules)`), and explanations of a
//! group's change by its members and indicators.
//!
//! Each rule aggregates `metric` by `by` (as [`trend`](super::trend)) and may
//! carry several conditions; each condition fires on its own, with `rule`
//! naming it:
//!
//! | rule | fires at (key, month) when | `threshold` | `score` | critical when |
//! |---|---|---|---|---|
//! | `below: x` | value < x | x | value − x | \|value − x\| ≥ 10% of \|x\| |
//! | `above: x` | value > x | x | value − x | \|value − x\| ≥ 10% of \|x\| |
//! | `consecutiveDeclines: n` | the month ends n month-over-month declines in a row (n + 1 consecutive months present, each lower than the one before) | the value n months before | length of the decline run | run ≥ 2n, or a fall of ≥ 10% over the n months |
//! | `dropPct: p` | value ≤ base − \|base\|·p/100, base = mean of the values present in the previous `window` months (default 3, base ≠ 0) | base − \|base\|·p/100 | drop in % of \|base\| | drop ≥ 2p |
//! | `slopeBelow: s` | the least-squares slope of the last `slopeMonths` months (default 6, this one included, ≥ 3 of them present) is < s (metric units per month) | s | the slope | slope ≤ s − \|s\| |
//! | `slopeAbove: s` | that slope is > s | s | the slope | slope ≥ s + \|s\| |
//! | `robustZ: t` | \|z\| ≥ t, z = (value − median) / (1.4826·MAD) over the series' own present values (≥ 6 of them; when MAD = 0, 1.2533·mean absolute deviation is used, and a constant series never fires) | median ± t·scale, on the side crossed | z | \|z\| ≥ 1.5t |
//!
//! Other alerts are `warning`. Messages are in Chinese and English.
//!
//! **Explanations** (`explanation`, for every alert of a rule with a `by`,
//! when the dataset has an employee-id column) break the group's change from
//! its previous present month (`from`) to the alert month (`to`) into one
//! effect per member (employee id; rows without an id form one member
//! `""`), which sum exactly to the change:
//!
//! - `sum`: effect = S₁ − S₀, the member's sum after minus before;
//! - `mean`: with N the group's rows and G the group mean, using
//!   Σᵢ (Sᵢ₀ − cᵢ₀·G₀) = 0, G₁ − G₀ = Σᵢ [(Sᵢ₁ − Sᵢ₀) − G₀·(cᵢ₁ − cᵢ₀)] / N₁.
//!   A member who stayed with one row a month contributes (x₁ − x₀)/N₁ (their
//!   own change); one who joined, (x₁ − G₀)/N₁ (arriving above or below the
//!   old mean); one who left, −(x₀ − G₀)/N₁ (taking their distance from the
//!   mean with them) — composition effects;
//! - `median` has no additive split: the mean's change is explained instead
//!   (`method: "mean"`, with `before`/`after` the means).
//!
//! `contributors` are the largest effects in the direction of the change
//! (5 by default), `rest` the sum of all other effects, so
//! Σ contributors + rest = change. `indicators` lists the other numeric
//! columns (without a role) whose group mean moved most between the two
//! months, in standard deviations of the column over all rows (`z`).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use serde::{Deserialize, Serialize};

use crate::engine::dataset::{ColumnData, Dataset, Role, MISSING_CODE};
use crate::engine::dates;
use crate::engine::error::{Error, Msg, Result};
use crate::engine::numbers::Numbers;
use crate::engine::org::{keys::keys, OrgOptions};

use super::months::{dataset_months, period_column, NO_MONTH};
use super::panel::{build_panel, dataset_panel, grouping, Agg, By, Grouping, Panel, NO_GROUP};
use super::{check_window, parse_period_opt};

/// Contributors listed per explanation by default.
pub const TOP_CONTRIBUTORS: usize = 5;
/// Indicators listed per explanation.
pub const TOP_INDICATORS: usize = 5;
/// Months of the slope conditions by default.
pub const DEFAULT_SLOPE_MONTHS: usize = 6;
/// Present values a series needs for a robust z-score.
pub const MIN_ROBUST_POINTS: usize = 6;

/// One alert rule (`ds.alerts(rules)`); at least one condition is required.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AlertRule {
    pub metric: String,
    /// As `trend`'s `by`; none = the whole dataset.
    pub by: Option<String>,
    pub agg: Agg,
    pub below: Option<f64>,
    pub above: Option<f64>,
    pub consecutive_declines: Option<usize>,
    /// Percent (10 = 10%).
    pub drop_pct: Option<f64>,
    /// Months of the `dropPct` base (default 3).
    pub window: Option<usize>,
    /// Robust z threshold (3.5 is the usual choice).
    pub robust_z: Option<f64>,
    /// Fire while the slope over the last `slopeMonths` months is below this (units per month).
    pub slope_below: Option<f64>,
    /// Fire while that slope is above this.
    pub slope_above: Option<f64>,
    /// Months of the slope conditions (default 6).
    pub slope_months: Option<usize>,
    /// Only alerts at or after this month (`YYYY-MM`).
    pub since: Option<String>,
    /// Explain group alerts (default true).
    pub explain: Option<bool>,
    /// Contributors listed per explanation (default 5).
    pub top: Option<usize>,
    /// Period column (default: role `period`).
    pub period_column: Option<String>,
    pub org: Option<OrgOptions>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Critical,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub key: String,
    pub label: String,
    pub period: String,
    pub metric: String,
    /// `below`, `above`, `consecutiveDeclines`, `dropPct`, `slopeBelow`, `slopeAbove` or `robustZ`.
    pub rule: String,
    /// Position of the rule in the list given.
    pub rule_index: usize,
    pub value: f64,
    /// What the value was compared against, in metric units (see the module table).
    pub threshold: f64,
    /// How far: see the module table.
    pub score: f64,
    pub severity: Severity,
    pub message: Msg,
    pub explanation: Option<Explanation>,
}

/// One member's share of a group's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    pub id: String,
    pub name: Option<String>,
    /// `stayed`, `joined` or `left`.
    pub status: String,
    /// The member's mean before and after (NaN when absent).
    pub before: f64,
    pub after: f64,
    pub effect: f64,
}

/// An indicator's move in the group between the two months.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorChange {
    pub column: String,
    pub before: f64,
    pub after: f64,
    pub change: f64,
    pub rel: f64,
    /// `change` in standard deviations of the column over all rows.
    pub z: f64,
}

/// Why a group's value changed (see the module docs for the decomposition).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub key: String,
    pub from: String,
    pub to: String,
    /// `mean` or `sum`: what `before`, `after` and the effects add up to.
    pub method: String,
    pub before: f64,
    pub after: f64,
    pub change: f64,
    /// Members present in either month.
    pub members: usize,
    pub contributors: Vec<Contribution>,
    /// Sum of the effects of everyone not listed.
    pub rest: f64,
    pub indicators: Vec<IndicatorChange>,
}

/// Options of `ds.explain(opts)`: one group's change into a month.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ExplainOptions {
    pub metric: String,
    pub by: Option<String>,
    /// The group's key (`"all"` without `by`).
    pub key: String,
    /// The month explained, `YYYY-MM`; compared with the group's previous present month.
    pub period: String,
    pub agg: Agg,
    /// Contributors listed (default: all).
    pub top: Option<usize>,
    pub period_column: Option<String>,
    pub org: Option<OrgOptions>,
}

impl AlertRule {
    /// # Errors
    /// `ParamError` naming the rule and the bad condition.
    pub fn validate(&self, index: usize) -> Result<()> {
        let bad = |en: String, zh: String| {
            Err(Error::param(format!("alert rule {}: {en}", index + 1), format!("预警规则 {}：{zh}", index + 1)))
        };
        if self.below.is_none()
            && self.above.is_none()
            && self.consecutive_declines.is_none()
            && self.drop_pct.is_none()
            && self.robust_z.is_none()
            && self.slope_below.is_none()
            && self.slope_above.is_none()
        {
            return bad(
                "needs one of below, above, consecutiveDeclines, dropPct, robustZ, slopeBelow, slopeAbove".into(),
                "需要 below、above、consecutiveDeclines、dropPct、robustZ、slopeBelow、slopeAbove 之一".into(),
            );
        }
        if let Some(n) = self.slope_months {
            if !(3..=120).contains(&n) {
                return bad(
                    format!("slopeMonths = {n} must be 3 to 120"),
                    format!("slopeMonths = {n} 应在 3 到 120 之间"),
                );
            }
        }
        for (name, v) in [
            ("below", self.below),
            ("above", self.above),
            ("slopeBelow", self.slope_below),
            ("slopeAbove", self.slope_above),
        ] {
            if v.is_some_and(|x| !x.is_finite()) {
                return bad(format!("{name} must be a finite number"), format!("{name} 必须是有限数值"));
            }
        }
        if let Some(n) = self.consecutive_declines {
            if n == 0 || n > 120 {
                return bad(
                    format!("consecutiveDeclines = {n} must be 1 to 120"),
                    format!("consecutiveDeclines = {n} 应在 1 到 120 之间"),
                );
            }
        }
        if let Some(p) = self.drop_pct {
            if !(p > 0.0 && p <= 100.0) {
                return bad(
                    format!("dropPct = {p} must be above 0 and at most 100"),
                    format!("dropPct = {p} 应大于 0 且不超过 100"),
                );
            }
        }
        if let Some(t) = self.robust_z {
            if !(t > 0.0 && t.is_finite()) {
                return bad(format!("robustZ = {t} must be a positive number"), format!("robustZ = {t} 应为正数"));
            }
        }
        check_window(self.window).map_err(|e| {
            Error::param(
                format!("alert rule {}: {}", index + 1, e.message.en),
                format!("预警规则 {}：{}", index + 1, e.message.zh),
            )
        })?;
        Ok(())
    }
}

/// Short display of a number in messages.
fn show(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A condition firing before it becomes an [`Alert`].
struct Hit {
    g: usize,
    k: usize,
    rule: &'static str,
    value: f64,
    threshold: f64,
    score: f64,
    critical: bool,
    message: Msg,
}

/// Run the rules. Alerts come rule by rule, then by group, condition and month.
///
/// # Errors
/// `ParamError` for an invalid rule, unknown column, org node or period column.
pub fn alerts(ds: &Dataset, rules: &[AlertRule]) -> Result<Vec<Alert>> {
    for (i, r) in rules.iter().enumerate() {
        r.validate(i)?;
    }
    let mut out = Vec::new();
    for (ri, rule) in rules.iter().enumerate() {
        let since = parse_period_opt("since", rule.since.as_deref())?;
        let by = By::parse(rule.by.as_deref());
        let org_opts = rule.org.clone().unwrap_or_default();
        let panel = dataset_panel(ds, &rule.metric, &by, &org_opts, rule.agg, rule.period_column.as_deref())?;
        let window = check_window(rule.window)?;
        let start = since.map_or(0, |s| usize::try_from(s - panel.first).unwrap_or(0));
        let mut hits = Vec::new();
        for gi in 0..panel.keys.len() {
            let label = panel.labels.get(gi).map_or("", String::as_str);
            fire(rule, &panel, gi, label, window, start, &mut hits);
        }
        let explain = rule.explain.unwrap_or(true) && by != By::All && member_column(ds, &by).is_some();
        let explanations = if explain {
            let req: Vec<(usize, usize)> = hits.iter().map(|h| (h.g, h.k)).collect();
            let g = grouping(ds, &by, &org_opts)?;
            explain_cells(
                ds,
                &g,
                &panel,
                rule.agg,
                &rule.metric,
                rule.period_column.as_deref(),
                &req,
                Some(rule.top.unwrap_or(TOP_CONTRIBUTORS)),
            )?
        } else {
            vec![None; hits.len()]
        };
        for (h, e) in hits.into_iter().zip(explanations) {
            out.push(Alert {
                key: panel.keys.get(h.g).cloned().unwrap_or_default(),
                label: panel.labels.get(h.g).cloned().unwrap_or_default(),
                period: dates::format_month(panel.first + h.k as i32),
                metric: rule.metric.clone(),
                rule: h.rule.to_owned(),
                rule_index: ri,
                value: h.value,
                threshold: h.threshold,
                score: h.score,
                severity: if h.critical { Severity::Critical } else { Severity::Warning },
                message: h.message,
                explanation: e,
            });
        }
    }
    Ok(out)
}

/// The employee-id column used for members, unless the groups are employees already.
fn member_column<'a>(ds: &'a Dataset, by: &By) -> Option<&'a crate::engine::dataset::Column> {
    let c = ds.by_role(Role::EmployeeId)?;
    match by {
        By::Column(name) if *name == c.name => None,
        _ => Some(c),
    }
}

fn fire(rule: &AlertRule, panel: &Panel, g: usize, label: &str, window: usize, start: usize, hits: &mut Vec<Hit>) {
    let v = panel.series(g);
    let first = panel.first;
    let m = rule.metric.as_str();
    let at = |k: usize| dates::format_month(first + k as i32);
    let get = |k: usize| v.get(k).copied().unwrap_or(f64::NAN);
    let near = |x: f64, t: f64| t != 0.0 && (x - t).abs() >= 0.1 * t.abs();

    if let Some(t) = rule.below {
        for k in start..v.len() {
            let x = get(k);
            if x < t {
                hits.push(Hit {
                    g,
                    k,
                    rule: "below",
                    value: x,
                    threshold: t,
                    score: x - t,
                    critical: near(x, t),
                    message: Msg::new(
                        format!("{m} of {label} in {} is {}, below {}", at(k), show(x), show(t)),
                        format!("{label} {} 的{m}为 {}，低于 {}", at(k), show(x), show(t)),
                    ),
                });
            }
        }
    }
    if let Some(t) = rule.above {
        for k in start..v.len() {
            let x = get(k);
            if x > t {
                hits.push(Hit {
                    g,
                    k,
                    rule: "above",
                    value: x,
                    threshold: t,
                    score: x - t,
                    critical: near(x, t),
                    message: Msg::new(
                        format!("{m} of {label} in {} is {}, above {}", at(k), show(x), show(t)),
                        format!("{label} {} 的{m}为 {}，高于 {}", at(k), show(x), show(t)),
                    ),
                });
            }
        }
    }
    if let Some(n) = rule.consecutive_declines {
        let mut run = 0usize;
        for k in 0..v.len() {
            let (x, prev) = (get(k), if k == 0 { f64::NAN } else { get(k - 1) });
            run = if x < prev { run + 1 } else { 0 };
            if run >= n && k >= start {
                let base = get(k - n);
                let critical = run >= 2 * n || (base != 0.0 && (base - x) >= 0.1 * base.abs());
                hits.push(Hit {
                    g,
                    k,
                    rule: "consecutiveDeclines",
                    value: x,
                    threshold: base,
                    score: run as f64,
                    critical,
                    message: Msg::new(
                        format!(
                            "{m} of {label} fell {run} months in a row to {} in {} ({} → {} over the last {n})",
                            show(x),
                            at(k),
                            show(base),
                            show(x)
                        ),
                        format!(
                            "{label} 的{m}连续 {run} 个月下降，{} 降至 {}（近 {n} 个月 {} → {}）",
                            at(k),
                            show(x),
                            show(base),
                            show(x)
                        ),
                    ),
                });
            }
        }
    }
    if let Some(p) = rule.drop_pct {
        for k in start.max(1)..v.len() {
            let x = get(k);
            let (s, c) = v
                .get(k.saturating_sub(window)..k)
                .unwrap_or(&[])
                .iter()
                .filter(|y| !y.is_nan())
                .fold((0.0, 0), |(s, c), y| (s + y, c + 1));
            if c == 0 || x.is_nan() {
                continue;
            }
            let base = s / f64::from(c);
            if base == 0.0 {
                continue;
            }
            let thr = base - base.abs() * p / 100.0;
            if x <= thr {
                let drop = (base - x) / base.abs() * 100.0;
                hits.push(Hit {
                    g,
                    k,
                    rule: "dropPct",
                    value: x,
                    threshold: thr,
                    score: drop,
                    critical: drop >= 2.0 * p,
                    message: Msg::new(
                        format!(
                            "{m} of {label} in {} is {}, {:.1}% below the mean of the previous {window} months ({})",
                            at(k),
                            show(x),
                            drop,
                            show(base)
                        ),
                        format!(
                            "{label} {} 的{m}为 {}，比前 {window} 个月均值 {} 低 {:.1}%",
                            at(k),
                            show(x),
                            show(base),
                            drop
                        ),
                    ),
                });
            }
        }
    }
    let sm = rule.slope_months.unwrap_or(DEFAULT_SLOPE_MONTHS);
    for (cond, below) in [(rule.slope_below, true), (rule.slope_above, false)] {
        let Some(t) = cond else { continue };
        for k in start..v.len() {
            let x = get(k);
            let win = v.get((k + 1).saturating_sub(sm)..=k).unwrap_or(&[]);
            if x.is_nan() || k + 1 < sm || win.iter().filter(|y| !y.is_nan()).count() < 3 {
                continue;
            }
            let b = super::series::slope(win);
            let (hit, critical) = if below { (b < t, b <= t - t.abs()) } else { (b > t, b >= t + t.abs()) };
            if hit {
                let (en, zh) = if below { ("below", "低于") } else { ("above", "高于") };
                hits.push(Hit {
                    g,
                    k,
                    rule: if below { "slopeBelow" } else { "slopeAbove" },
                    value: x,
                    threshold: t,
                    score: b,
                    critical,
                    message: Msg::new(
                        format!(
                            "{m} of {label} moved {} per month over the {sm} months to {} (now {}), {en} {}",
                            show(b),
                            at(k),
                            show(x),
                            show(t)
                        ),
                        format!(
                            "{label} 的{m}在截至 {} 的 {sm} 个月里每月变化 {}（现为 {}），{zh} {}",
                            at(k),
                            show(b),
                            show(x),
                            show(t)
                        ),
                    ),
                });
            }
        }
    }
    if let Some(t) = rule.robust_z {
        let mut present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
        if present.len() >= MIN_ROBUST_POINTS {
            let med = super::series::median_in_place(&mut present);
            let mut dev: Vec<f64> = present.iter().map(|x| (x - med).abs()).collect();
            let mad = super::series::median_in_place(&mut dev);
            let scale = if mad > 0.0 { 1.4826 * mad } else { 1.2533 * dev.iter().sum::<f64>() / dev.len() as f64 };
            if scale > 0.0 {
                for k in start..v.len() {
                    let x = get(k);
                    let z = (x - med) / scale;
                    if z.abs() >= t {
                        let thr = med + t.copysign(z) * scale;
                        hits.push(Hit {
                            g,
                            k,
                            rule: "robustZ",
                            value: x,
                            threshold: thr,
                            score: z,
                            critical: z.abs() >= 1.5 * t,
                            message: Msg::new(
                                format!(
                                    "{m} of {label} in {} is {}, unusual against its own median {} (robust z = {:.1})",
                                    at(k),
                                    show(x),
                                    show(med),
                                    z
                                ),
                                format!(
                                    "{label} {} 的{m}为 {}，相对自身中位数 {} 异常（稳健 z = {:.1}）",
                                    at(k),
                                    show(x),
                                    show(med),
                                    z
                                ),
                            ),
                        });
                    }
                }
            }
        }
    }
}

/// Explain one group's change into a month.
///
/// # Errors
/// `ParamError` for an unknown group, month, column, or no employee-id column.
pub fn explain(ds: &Dataset, opts: &ExplainOptions) -> Result<Explanation> {
    let by = By::parse(opts.by.as_deref());
    let g = grouping(ds, &by, &opts.org.clone().unwrap_or_default())?;
    let panel = build_panel(ds, &opts.metric, &g, opts.agg, opts.period_column.as_deref())?;
    let gi = panel
        .keys
        .iter()
        .position(|k| *k == opts.key)
        .ok_or_else(|| Error::param(format!("no group \"{}\"", opts.key), format!("没有分组“{}”", opts.key)))?;
    let month = parse_period_opt("period", Some(&opts.period))?.unwrap_or(0);
    let k = usize::try_from(month - panel.first).ok().filter(|&k| k < panel.len).ok_or_else(|| {
        Error::param(
            format!("period {} is outside the data", opts.period),
            format!("期间 {} 不在数据范围内", opts.period),
        )
    })?;
    if ds.by_role(Role::EmployeeId).is_none() {
        return Err(Error::param(
            "explaining needs an employee-id column (role employeeId)",
            "解释变化需要工号列（角色 employeeId）",
        ));
    }
    explain_cells(ds, &g, &panel, opts.agg, &opts.metric, opts.period_column.as_deref(), &[(gi, k)], opts.top)?
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(|| {
            Error::param(
                format!("\"{}\" has no earlier month with a value to compare {} with", opts.key, opts.period),
                format!("“{}”在 {} 之前没有可比较的月份", opts.key, opts.period),
            )
        })
}

/// Member and indicator sums of one (group, month) cell.
#[derive(Default)]
struct CellAcc {
    members: CodeMap<(f64, u32)>,
    ind: Vec<(f64, u32)>,
}

/// A multiplicative hasher (FxHash's) for interned codes: one multiply per
/// key instead of SipHash's rounds on every row of an explained cell, and
/// a fixed order, so member sums add up in the same order on every run.
#[derive(Default, Clone, Copy)]
struct CodeHasher(u64);

impl std::hash::Hasher for CodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type CodeMap<V> = HashMap<u32, V, BuildHasherDefault<CodeHasher>>;

/// Members' sums added in id order: a hash map's iteration order depends on
/// its table layout, which differs between native and wasm builds, and float
/// addition is not associative, so the order must not come from the map.
fn sum_in_id_order(members: &CodeMap<(f64, u32)>) -> (f64, u32) {
    let mut v: Vec<(u32, (f64, u32))> = members.iter().map(|(&k, &x)| (k, x)).collect();
    v.sort_unstable_by_key(|&(k, _)| k);
    v.iter().fold((0.0, 0u32), |(s, n), &(_, (a, b))| (s + a, n + b))
}

/// No explained cell.
const NO_SLOT: u32 = u32::MAX;

/// Explanations for many (group, month) requests in one pass over the rows.
#[allow(clippy::too_many_arguments)]
fn explain_cells(
    ds: &Dataset,
    g: &Grouping<'_>,
    panel: &Panel,
    agg: Agg,
    metric: &str,
    period: Option<&str>,
    req: &[(usize, usize)],
    top: Option<usize>,
) -> Result<Vec<Option<Explanation>>> {
    let Some(id_col) = ds.by_role(Role::EmployeeId) else { return Ok(vec![None; req.len()]) };
    let ids = keys(id_col);
    // Each id's place in text order, for the tie rule below (kept with the column).
    let id_rank = ds.column_memo("id_text_rank", &id_col.name, || Ok(text_ranks(&ids.dict)), |r| r.len() as u64 * 4)?;
    let names = ds.by_role(Role::Name).map(keys);
    let values = ds.number_column(metric)?;
    let months = dataset_months(ds, period_column(ds, period)?)?;
    // Read row by row (a compact column is not decoded whole).
    let indicators: Vec<(&str, &Numbers)> = ds
        .columns()
        .iter()
        .filter(|c| c.name != metric && c.role.is_none())
        .filter_map(|c| match &c.data {
            ColumnData::Number(v) => Some((c.name.as_str(), v)),
            _ => None,
        })
        .collect();

    // The month before each request: the previous month with a value.
    let pairs: Vec<Option<(usize, usize, usize)>> = req
        .iter()
        .map(|&(gi, k)| {
            let s = panel.series(gi);
            s.get(..k)?.iter().rposition(|x| !x.is_nan()).map(|k0| (gi, k0, k))
        })
        .collect();
    // Target (own group or org node) of each reported group, and slots per (target, month).
    let target = |gi: usize| -> u32 {
        match &g.tree {
            Some(_) => g.nodes.get(gi).copied().unwrap_or(NO_GROUP),
            None => gi as u32,
        }
    };
    let mut slot_of: HashMap<(u32, u32), usize> = HashMap::new();
    let n_targets = g.tree.as_ref().map_or(panel.keys.len(), |t| t.nodes.len());
    let mut wanted = vec![false; n_targets];
    for &(gi, k0, k1) in pairs.iter().flatten() {
        let t = target(gi);
        if let Some(w) = wanted.get_mut(t as usize) {
            *w = true;
        }
        for m in [k0, k1] {
            let next = slot_of.len();
            slot_of.entry((t, m as u32)).or_insert(next);
        }
    }
    let mut cells: Vec<CellAcc> = (0..slot_of.len())
        .map(|_| CellAcc { members: CodeMap::default(), ind: vec![(0.0, 0); indicators.len()] })
        .collect();
    // (target, month) → slot as a dense table: no hashing per row.
    let len = months.len;
    let mut slot_table = vec![NO_SLOT; n_targets.saturating_mul(len)];
    for (&(t, m), &slot) in &slot_of {
        if let Some(x) = slot_table.get_mut(t as usize * len + m as usize) {
            *x = slot as u32;
        }
    }
    let mut first_row: CodeMap<usize> = CodeMap::default();
    if !slot_of.is_empty() {
        for r in 0..ds.row_count() {
            let m = months.offset.get(r).copied().unwrap_or(NO_MONTH);
            let x = values.get(r);
            if m == NO_MONTH {
                continue;
            }
            let mut cur = g.row_group.get(r).copied().unwrap_or(NO_GROUP);
            while cur != NO_GROUP {
                if wanted.get(cur as usize).copied().unwrap_or(false) {
                    let slot = slot_table.get(cur as usize * len + m as usize).copied().unwrap_or(NO_SLOT);
                    if slot != NO_SLOT {
                        if let Some(cell) = cells.get_mut(slot as usize) {
                            let id = ids.codes.get(r).copied().unwrap_or(MISSING_CODE);
                            if !x.is_nan() {
                                let e = cell.members.entry(id).or_insert((0.0, 0));
                                e.0 += x;
                                e.1 += 1;
                                first_row.entry(id).or_insert(r);
                            }
                            for ((_, col), acc) in indicators.iter().zip(cell.ind.iter_mut()) {
                                let y = col.get(r);
                                if !y.is_nan() {
                                    acc.0 += y;
                                    acc.1 += 1;
                                }
                            }
                        }
                    }
                }
                cur = match &g.tree {
                    Some(t) => t.parent_index.get(cur as usize).copied().unwrap_or(NO_GROUP),
                    None => NO_GROUP,
                };
            }
        }
    }
    // Each indicator's spread over all rows, kept with the column for later calls.
    let sds: Vec<f64> = indicators
        .iter()
        .map(|&(name, v)| {
            ds.column_memo("population_sd", name, || Ok(population_sd(v)), |_| 8).map_or(f64::NAN, |sd| *sd)
        })
        .collect();

    Ok(pairs
        .iter()
        .map(|p| {
            let &(gi, k0, k1) = p.as_ref()?;
            let t = target(gi);
            let c0 = cells.get(*slot_of.get(&(t, k0 as u32))?)?;
            let c1 = cells.get(*slot_of.get(&(t, k1 as u32))?)?;
            let (s0, n0) = sum_in_id_order(&c0.members);
            let (s1, n1) = sum_in_id_order(&c1.members);
            let sum = agg == Agg::Sum;
            let (before, after) = if sum { (s0, s1) } else { (s0 / f64::from(n0), s1 / f64::from(n1)) };
            let mut all: Vec<u32> = c0.members.keys().chain(c1.members.keys()).copied().collect();
            all.sort_unstable();
            all.dedup();
            // Effects first, as (effect, member, before, after, rows before, rows after);
            // the strings only for the members kept.
            let mut effects: Vec<(f64, u32, f64, f64, u32, u32)> = all
                .iter()
                .map(|&id| {
                    let (a0, b0) = c0.members.get(&id).copied().unwrap_or((0.0, 0));
                    let (a1, b1) = c1.members.get(&id).copied().unwrap_or((0.0, 0));
                    let effect = if sum {
                        a1 - a0
                    } else {
                        ((a1 - a0) - before * (f64::from(b1) - f64::from(b0))) / f64::from(n1)
                    };
                    (effect, id, a0, a1, b0, b1)
                })
                .collect();
            let change = after - before;
            let id_str = |id: u32| ids.dict.get(id as usize).map_or("", String::as_str);
            // Largest effects in the direction of the change first; ties by id
            // (as text, through its rank: ranks are distinct, so the order is total).
            // A row without an id shows as "", which sorts first.
            let rank = |id: u32| id_rank.get(id as usize).map_or(0, |&r| u64::from(r) + 1);
            effects.sort_unstable_by(|a, b| {
                let (x, y) = if change < 0.0 { (a.0, b.0) } else { (b.0, a.0) };
                x.total_cmp(&y).then_with(|| rank(a.1).cmp(&rank(b.1)))
            });
            let keep = top.unwrap_or(effects.len()).min(effects.len());
            let rest: f64 = effects.get(keep..).unwrap_or(&[]).iter().map(|c| c.0).sum();
            let contrib: Vec<Contribution> = effects
                .iter()
                .take(keep)
                .map(|&(effect, id, a0, a1, b0, b1)| Contribution {
                    id: id_str(id).to_owned(),
                    name: names.as_ref().and_then(|n| first_row.get(&id).and_then(|&r| n.get(r))).map(str::to_owned),
                    status: match (b0 > 0, b1 > 0) {
                        (true, true) => "stayed",
                        (false, _) => "joined",
                        (true, false) => "left",
                    }
                    .into(),
                    before: if b0 > 0 { a0 / f64::from(b0) } else { f64::NAN },
                    after: if b1 > 0 { a1 / f64::from(b1) } else { f64::NAN },
                    effect,
                })
                .collect();
            let mut inds: Vec<IndicatorChange> = indicators
                .iter()
                .enumerate()
                .filter_map(|(j, (name, _))| {
                    let (a0, b0) = *c0.ind.get(j)?;
                    let (a1, b1) = *c1.ind.get(j)?;
                    if b0 == 0 || b1 == 0 {
                        return None;
                    }
                    let (x0, x1) = (a0 / f64::from(b0), a1 / f64::from(b1));
                    let sd = sds.get(j).copied().unwrap_or(f64::NAN);
                    Some(IndicatorChange {
                        column: (*name).to_owned(),
                        before: x0,
                        after: x1,
                        change: x1 - x0,
                        rel: if x0 == 0.0 { f64::NAN } else { x1 / x0 - 1.0 },
                        z: if sd > 0.0 { (x1 - x0) / sd } else { f64::NAN },
                    })
                })
                .collect();
            inds.sort_by(|a, b| {
                let (x, y) = (if a.z.is_nan() { -1.0 } else { a.z.abs() }, if b.z.is_nan() { -1.0 } else { b.z.abs() });
                y.total_cmp(&x).then_with(|| a.column.cmp(&b.column))
            });
            inds.truncate(TOP_INDICATORS);
            Some(Explanation {
                key: panel.keys.get(gi).cloned().unwrap_or_default(),
                from: dates::format_month(panel.first + k0 as i32),
                to: dates::format_month(panel.first + k1 as i32),
                method: if sum { "sum" } else { "mean" }.into(),
                before,
                after,
                change,
                members: all.len(),
                contributors: contrib,
                rest,
                indicators: inds,
            })
        })
        .collect())
}

/// The place of each string of `dict` in text (byte) order.
fn text_ranks(dict: &[String]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..dict.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let s = |i: u32| dict.get(i as usize).map_or("", String::as_str);
        s(a).cmp(s(b)).then(a.cmp(&b))
    });
    let mut rank = vec![0u32; dict.len()];
    for (r, &i) in order.iter().enumerate() {
        if let Some(x) = rank.get_mut(i as usize) {
            *x = r as u32;
        }
    }
    rank
}

/// Population standard deviation of the present values: two passes (the
/// mean, then the squared deviations from it), each in four interleaved
/// partial sums, so no value waits on a division or on the previous value.
fn population_sd(v: &Numbers) -> f64 {
    let vals = v.values();
    let (sum, n) = lane_sums(&vals, |x| x);
    if n == 0 {
        return f64::NAN;
    }
    let mean = sum / n as f64;
    let (ss, _) = lane_sums(&vals, |x| (x - mean) * (x - mean));
    libm::sqrt(ss / n as f64)
}

/// Σ f(x) and the count over the values that are not NaN, in four partial
/// sums added in a fixed order (the same bits natively and in wasm).
#[inline]
fn lane_sums(vals: &[f64], f: impl Fn(f64) -> f64) -> (f64, u64) {
    let (mut s, mut n) = ([0.0f64; 4], [0u64; 4]);
    let mut chunks = vals.chunks_exact(4);
    for c in &mut chunks {
        for ((a, k), &x) in s.iter_mut().zip(n.iter_mut()).zip(c) {
            if !x.is_nan() {
                *a += f(x);
                *k += 1;
            }
        }
    }
    for &x in chunks.remainder() {
        if !x.is_nan() {
            s[0] += f(x);
            n[0] += 1;
        }
    }
    ((s[0] + s[1]) + (s[2] + s[3]), n.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_sd_is_exact_on_a_worked_example_and_skips_gaps() {
        // The textbook example: mean 5, population SD 2.
        let v = Numbers::F64(vec![2.0, 4.0, f64::NAN, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(population_sd(&v), 2.0);
        assert_eq!(population_sd(&Numbers::compact(vec![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])), 2.0);
        assert!(population_sd(&Numbers::F64(vec![f64::NAN; 5])).is_nan());
        assert_eq!(population_sd(&Numbers::F64(vec![3.5])), 0.0);
    }

    #[test]
    fn text_ranks_order_ids_as_text() {
        let dict: Vec<String> = ["E10", "E9", "A1", "E100", "中1"].iter().map(|s| (*s).to_owned()).collect();
        // Text order: A1, E10, E100, E9, 中1.
        assert_eq!(text_ranks(&dict), vec![1, 3, 0, 2, 4]);
        assert!(text_ranks(&[]).is_empty());
    }

    #[test]
    fn population_sd_agrees_with_welford() {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let v: Vec<f64> = (0..100_003)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if i % 97 == 0 {
                    f64::NAN
                } else {
                    1e6 + (x % 10_000) as f64 / 7.0
                }
            })
            .collect();
        let (mut n, mut mean, mut m2) = (0.0f64, 0.0f64, 0.0f64);
        for &y in v.iter().filter(|y| !y.is_nan()) {
            n += 1.0;
            let d = y - mean;
            mean += d / n;
            m2 += d * (y - mean);
        }
        let welford = (m2 / n).sqrt();
        let ours = population_sd(&Numbers::F64(v));
        assert!(((ours - welford) / welford).abs() < 1e-12, "{ours} vs {welford}");
    }
}
