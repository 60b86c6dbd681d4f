//! Several sources, one table: join by employee id (and period), and list
//! where the sources disagree.
//!
//! HR, ticketing and CRM exports describe the same people. [`join`] matches
//! rows by the employee id (the `employeeId` role on each side, or the
//! columns named in `on`) and by the month when both sides have a period;
//! it reports the ids found on one side only, and for every column the two
//! sides share (same name, or same role such as `department`) the matched
//! rows whose cleaned values disagree. The joined dataset keeps both sides'
//! columns (clashing names get a suffix) and both sides' warnings (each
//! naming its file).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::engine::dataset::{
    Column, ColumnData, ColumnKind, Dataset, DateUnit, Interned, Role, Source, Warning, WarningKind, MISSING_CODE,
};
use crate::engine::dates;
use crate::engine::error::{Error, Msg, Result};
use crate::engine::numbers::Numbers;

use super::cell::{fold_full_width, parse_number};

/// At most this many discrepancies and one-sided ids are listed one by one.
pub const LIST_CAP: usize = 10_000;

/// The key columns: one name for both sides, or `[left, right]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum JoinOn {
    Same(String),
    Pair([String; 2]),
}

/// Options of `ds.join(other, opts)`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct JoinOptions {
    /// Key columns (default: the `employeeId` role on each side).
    pub on: Option<JoinOn>,
    /// Match the period too (default: when both sides have a `period` column).
    pub by_period: Option<bool>,
    /// `outer` (default: every row of both), `left` or `inner`.
    pub how: Option<String>,
    /// Suffixes for clashing column names (default: ` [left file]`, ` [right file]`).
    pub suffixes: Option<[String; 2]>,
    /// Numbers within this relative difference agree (default 1e-9).
    pub tolerance: Option<f64>,
}

/// What kind of disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DiscrepancyKind {
    /// Both sides have a value and they differ.
    Differs,
    /// Only the right side has a value.
    MissingLeft,
    /// Only the left side has a value.
    MissingRight,
}

/// One matched row where a shared column disagrees.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Discrepancy {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// The column on the left.
    pub column: String,
    /// The column on the right (differs from `column` when matched by role).
    pub right_column: String,
    pub left: String,
    pub right: String,
    pub kind: DiscrepancyKind,
    /// Lines of the two rows in their files.
    pub left_line: u64,
    pub right_line: u64,
}

/// Per shared column: how many matched rows were compared and how many disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnComparison {
    pub column: String,
    pub right_column: String,
    pub compared: u64,
    pub differs: u64,
    pub missing_left: u64,
    pub missing_right: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinSummary {
    pub left_rows: u64,
    pub right_rows: u64,
    pub rows: u64,
    /// Rows present on both sides.
    pub matched: u64,
    pub by_period: bool,
    pub left_only: u64,
    pub right_only: u64,
    /// The first ids present on the left only (and on the right only).
    pub left_only_ids: Vec<String>,
    pub right_only_ids: Vec<String>,
    pub columns: Vec<ColumnComparison>,
    /// All discrepancies, including those not listed.
    pub discrepancies: u64,
}

pub struct JoinResult {
    pub dataset: Dataset,
    pub discrepancies: Vec<Discrepancy>,
    pub summary: JoinSummary,
}

fn key_column<'a>(ds: &'a Dataset, name: Option<&str>, side: &str) -> Result<&'a Column> {
    match name {
        Some(n) => ds.require(n),
        None => ds.by_role(Role::EmployeeId).ok_or_else(|| {
            Error::param(
                format!("the {side} dataset has no employee id column; name the key with the on option or setRole(column, \"employeeId\")"),
                format!("{}数据没有员工编号列；请用 on 选项指定键列，或 setRole(列名, \"employeeId\")", if side == "left" { "左侧" } else { "右侧" }),
            )
        }),
    }
}

/// The id of a row as text (trimmed, full-width folded); `None` when missing.
fn id_of(c: &Column, row: usize) -> Option<String> {
    let s = c.display(row)?;
    let t = s.trim();
    Some(fold_full_width(t).unwrap_or_else(|| t.to_owned()))
}

/// The period of a row: its month for date columns, its text otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PeriodKey {
    None,
    Month(i32),
    Text(String),
}

fn period_of(c: Option<&Column>, row: usize) -> PeriodKey {
    let Some(c) = c else { return PeriodKey::None };
    match &c.data {
        ColumnData::Date { days, .. } => dates::month_index(days.get(row)).map_or(PeriodKey::None, PeriodKey::Month),
        _ => c.display(row).map_or(PeriodKey::None, |s| match dates::parse_month(&s) {
            Some(m) => PeriodKey::Month(m),
            None => PeriodKey::Text(s.trim().to_owned()),
        }),
    }
}

fn show_period(p: &PeriodKey) -> Option<String> {
    match p {
        PeriodKey::None => None,
        PeriodKey::Month(m) => Some(dates::format_month(*m)),
        PeriodKey::Text(t) => Some(t.clone()),
    }
}

/// Take rows of a column by index (`None` = missing).
fn gather(c: &Column, idx: &[Option<u32>], name: String, role: Option<Role>) -> Column {
    let take_f = |v: &Numbers| -> Numbers {
        let taken: Vec<f64> = idx.iter().map(|i| i.map_or(f64::NAN, |i| v.get(i as usize))).collect();
        if v.is_scaled() {
            Numbers::compact(taken)
        } else {
            Numbers::F64(taken)
        }
    };
    let data = match &c.data {
        ColumnData::Number(v) => ColumnData::Number(take_f(v)),
        ColumnData::Date { days, unit } => ColumnData::Date { days: take_f(days), unit: *unit },
        ColumnData::Strings { values, kind } => {
            // The same dictionary (interned in order, so codes stay the same), rows taken.
            let mut out = Interned::new();
            for s in &values.dict {
                out.intern(s);
            }
            out.codes = idx
                .iter()
                .map(|i| i.and_then(|i| values.codes.get(i as usize).copied()).unwrap_or(MISSING_CODE))
                .collect();
            ColumnData::Strings { values: out, kind: *kind }
        }
    };
    Column { name, role, data, meta: c.meta.clone() }
}

/// A key column built from both sides (left value, else right).
fn coalesce_strings(name: &str, l: &Column, r: &Column, pairs: &[(Option<u32>, Option<u32>)], role: Role) -> Column {
    let mut v = Interned::with_capacity(pairs.len());
    for (a, b) in pairs {
        let s = a.and_then(|a| id_of(l, a as usize)).or_else(|| b.and_then(|b| id_of(r, b as usize)));
        v.push(s.as_deref());
    }
    Column::strings(name, v, ColumnKind::Text).with_role(Some(role))
}

fn coalesce_period(name: &str, l: &Column, r: &Column, pairs: &[(Option<u32>, Option<u32>)]) -> Column {
    let month = |c: &Column, i: Option<u32>| -> Option<i32> {
        match period_of(Some(c), i? as usize) {
            PeriodKey::Month(m) => Some(m),
            _ => None,
        }
    };
    let all_months = pairs.iter().all(|(a, b)| {
        let pa = a.map(|a| period_of(Some(l), a as usize));
        let pb = b.map(|b| period_of(Some(r), b as usize));
        !matches!(pa, Some(PeriodKey::Text(_))) && !matches!(pb, Some(PeriodKey::Text(_)))
    });
    if all_months {
        let days: Vec<f64> = pairs
            .iter()
            .map(|(a, b)| month(l, *a).or_else(|| month(r, *b)).map_or(f64::NAN, dates::month_start))
            .collect();
        return Column::date(name, days, DateUnit::Month).with_role(Some(Role::Period));
    }
    let mut v = Interned::with_capacity(pairs.len());
    for (a, b) in pairs {
        let s = a.and_then(|a| l.display(a as usize)).or_else(|| b.and_then(|b| r.display(b as usize)));
        v.push(s.as_deref());
    }
    Column::strings(name, v, ColumnKind::Category).with_role(Some(Role::Period))
}

/// Two cleaned values agree: numbers within the tolerance, text ignoring
/// case and full-width forms, a number and its text form alike.
fn same(l: &Column, a: usize, r: &Column, b: usize, tol: f64) -> Option<bool> {
    let num = |c: &Column, i: usize| -> Option<f64> {
        match &c.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => Some(v.get(i)).filter(|x| !x.is_nan()),
            ColumnData::Strings { .. } => c.display(i).and_then(|s| parse_number(&s)).map(|(v, _)| v),
        }
    };
    let (ls, rs) = (l.display(a), r.display(b));
    match (ls, rs) {
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => Some(false),
        (Some(x), Some(y)) => {
            let both_dates = matches!(l.data, ColumnData::Date { .. }) && matches!(r.data, ColumnData::Date { .. });
            if !both_dates {
                if let (Some(p), Some(q)) = (num(l, a), num(r, b)) {
                    if !matches!(l.data, ColumnData::Date { .. }) && !matches!(r.data, ColumnData::Date { .. }) {
                        return Some((p - q).abs() <= tol * p.abs().max(q.abs()).max(1.0));
                    }
                }
            }
            let fold = |s: &str| fold_full_width(s.trim()).unwrap_or_else(|| s.trim().to_owned()).to_lowercase();
            Some(fold(&x) == fold(&y))
        }
    }
}

/// Join two datasets.
///
/// # Errors
/// `ParamError` for a missing key column or bad options.
pub fn join(left: &Dataset, right: &Dataset, opts: &JoinOptions) -> Result<JoinResult> {
    let (lname, rname) = match &opts.on {
        None => (None, None),
        Some(JoinOn::Same(n)) => (Some(n.as_str()), Some(n.as_str())),
        Some(JoinOn::Pair([a, b])) => (Some(a.as_str()), Some(b.as_str())),
    };
    let lk = key_column(left, lname, "left")?;
    let rk = key_column(right, rname, "right")?;
    let how = opts.how.as_deref().unwrap_or("outer");
    if !matches!(how, "outer" | "left" | "inner") {
        return Err(Error::param(
            format!("how \"{how}\": expected outer, left or inner"),
            format!("how “{how}”：应为 outer、left 或 inner"),
        ));
    }
    let tol = opts.tolerance.unwrap_or(1e-9);
    if !(tol.is_finite() && tol >= 0.0) {
        return Err(Error::param("tolerance must be a number ≥ 0", "tolerance 必须是 ≥ 0 的数"));
    }
    let lp = left.by_role(Role::Period).filter(|c| c.name != lk.name);
    let rp = right.by_role(Role::Period).filter(|c| c.name != rk.name);
    let by_period = opts.by_period.unwrap_or(true) && lp.is_some() && rp.is_some();
    let (lp, rp) = if by_period { (lp, rp) } else { (None, None) };

    // Right rows by key, duplicates chained.
    let mut head: HashMap<(String, PeriodKey), u32> = HashMap::new();
    let mut next: Vec<u32> = vec![u32::MAX; right.row_count()];
    let mut right_dups = 0u64;
    for row in (0..right.row_count()).rev() {
        let Some(id) = id_of(rk, row) else { continue };
        let key = (id, period_of(rp, row));
        if let Some(prev) = head.insert(key, row as u32) {
            if let Some(n) = next.get_mut(row) {
                *n = prev;
            }
            right_dups += 1;
        }
    }
    let mut pairs: Vec<(Option<u32>, Option<u32>)> = Vec::new();
    let mut matched_right = vec![false; right.row_count()];
    let mut left_only: Vec<String> = Vec::new();
    let mut left_only_n = 0u64;
    let mut seen_left_only = std::collections::HashSet::new();
    let mut matched = 0u64;
    let mut left_keys: HashMap<(String, PeriodKey), u32> = HashMap::new();
    let mut left_dups = 0u64;
    for row in 0..left.row_count() {
        let id = id_of(lk, row);
        let key = id.clone().map(|i| (i, period_of(lp, row)));
        let mut any = false;
        if let Some(k) = &key {
            if left_keys.insert(k.clone(), row as u32).is_some() {
                left_dups += 1;
            }
            let mut r = head.get(k).copied().unwrap_or(u32::MAX);
            while r != u32::MAX {
                pairs.push((Some(row as u32), Some(r)));
                if let Some(m) = matched_right.get_mut(r as usize) {
                    *m = true;
                }
                matched += 1;
                any = true;
                r = next.get(r as usize).copied().unwrap_or(u32::MAX);
            }
        }
        if !any {
            if let Some(id) = &id {
                if seen_left_only.insert(id.clone()) {
                    left_only_n += 1;
                    if left_only.len() < LIST_CAP {
                        left_only.push(id.clone());
                    }
                }
            }
            if how != "inner" {
                pairs.push((Some(row as u32), None));
            }
        }
    }
    let mut right_only: Vec<String> = Vec::new();
    let mut right_only_n = 0u64;
    let left_ids: std::collections::HashSet<String> = (0..left.row_count()).filter_map(|r| id_of(lk, r)).collect();
    let mut seen_right_only = std::collections::HashSet::new();
    for (row, m) in matched_right.iter().enumerate() {
        if *m {
            continue;
        }
        if let Some(id) = id_of(rk, row) {
            if !left_ids.contains(&id) && seen_right_only.insert(id.clone()) {
                right_only_n += 1;
                if right_only.len() < LIST_CAP {
                    right_only.push(id);
                }
            }
        }
        if how == "outer" {
            pairs.push((None, Some(row as u32)));
        }
    }

    // Columns: keys, then the left's, then the right's.
    let lfile = left.source().filename.clone();
    let rfile = right.source().filename.clone();
    let suffixes = opts.suffixes.clone().unwrap_or_else(|| {
        let tag = |f: &Option<String>, d: &str| format!(" [{}]", f.clone().unwrap_or_else(|| d.to_owned()));
        let (a, b) = (tag(&lfile, "left"), tag(&rfile, "right"));
        if a == b {
            [" [left]".into(), " [right]".into()]
        } else {
            [a, b]
        }
    });
    let [lsuf, rsuf] = suffixes;
    let li: Vec<Option<u32>> = pairs.iter().map(|p| p.0).collect();
    let ri: Vec<Option<u32>> = pairs.iter().map(|p| p.1).collect();
    let mut columns = vec![coalesce_strings(&lk.name, lk, rk, &pairs, Role::EmployeeId)];
    if let (Some(l), Some(r)) = (lp, rp) {
        columns.push(coalesce_period(&l.name, l, r, &pairs));
    }
    let is_key = |c: &Column, k: &Column, p: Option<&Column>| c.name == k.name || p.is_some_and(|p| p.name == c.name);
    let right_names: std::collections::HashSet<&str> =
        right.columns().iter().filter(|c| !is_key(c, rk, rp)).map(|c| c.name.as_str()).collect();
    let left_names: std::collections::HashSet<&str> =
        left.columns().iter().filter(|c| !is_key(c, lk, lp)).map(|c| c.name.as_str()).collect();
    let reserved: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut used_roles: Vec<Role> = columns.iter().filter_map(|c| c.role).collect();
    let mut names_taken: std::collections::HashSet<String> = reserved.iter().cloned().collect();
    let mut unique = |base: String| -> String {
        let mut n = base.clone();
        let mut k = 2;
        while names_taken.contains(&n) {
            n = format!("{base} ({k})");
            k += 1;
        }
        names_taken.insert(n.clone());
        n
    };
    for c in left.columns().iter().filter(|c| !is_key(c, lk, lp)) {
        let clash = right_names.contains(c.name.as_str()) || reserved.contains(&c.name);
        let name = unique(if clash { format!("{}{lsuf}", c.name) } else { c.name.clone() });
        let role = c.role.filter(|r| !used_roles.contains(r));
        if let Some(r) = role {
            used_roles.push(r);
        }
        columns.push(gather(c, &li, name, role));
    }
    for c in right.columns().iter().filter(|c| !is_key(c, rk, rp)) {
        let clash = left_names.contains(c.name.as_str()) || reserved.contains(&c.name);
        let name = unique(if clash { format!("{}{rsuf}", c.name) } else { c.name.clone() });
        let role = c.role.filter(|r| !used_roles.contains(r));
        if let Some(r) = role {
            used_roles.push(r);
        }
        columns.push(gather(c, &ri, name, role));
    }

    // Shared columns: same name, then same role under different names.
    let mut shared: Vec<(&Column, &Column)> = Vec::new();
    for l in left.columns().iter().filter(|c| !is_key(c, lk, lp)) {
        if let Some(r) = right.columns().iter().find(|r| r.name == l.name && !is_key(r, rk, rp)) {
            shared.push((l, r));
        }
    }
    for l in left.columns().iter().filter(|c| !is_key(c, lk, lp) && c.role.is_some()) {
        if shared.iter().any(|(a, _)| a.name == l.name) {
            continue;
        }
        if let Some(r) = right.columns().iter().find(|r| r.role == l.role && !is_key(r, rk, rp)) {
            if !shared.iter().any(|(_, b)| b.name == r.name) {
                shared.push((l, r));
            }
        }
    }
    let mut discrepancies = Vec::new();
    let mut total = 0u64;
    let mut comparisons = Vec::new();
    for (l, r) in &shared {
        let mut cmp = ColumnComparison {
            column: l.name.clone(),
            right_column: r.name.clone(),
            compared: 0,
            differs: 0,
            missing_left: 0,
            missing_right: 0,
        };
        for (a, b) in &pairs {
            let (Some(a), Some(b)) = (a, b) else { continue };
            let (a, b) = (*a as usize, *b as usize);
            let Some(eq) = same(l, a, r, b, tol) else { continue };
            cmp.compared += 1;
            if eq {
                continue;
            }
            let (lv, rv) = (l.display(a).map(|s| s.into_owned()), r.display(b).map(|s| s.into_owned()));
            let kind = match (&lv, &rv) {
                (None, _) => {
                    cmp.missing_left += 1;
                    DiscrepancyKind::MissingLeft
                }
                (_, None) => {
                    cmp.missing_right += 1;
                    DiscrepancyKind::MissingRight
                }
                _ => {
                    cmp.differs += 1;
                    DiscrepancyKind::Differs
                }
            };
            total += 1;
            if discrepancies.len() < LIST_CAP {
                discrepancies.push(Discrepancy {
                    id: id_of(lk, a).unwrap_or_default(),
                    period: show_period(&period_of(lp, a)),
                    column: l.name.clone(),
                    right_column: r.name.clone(),
                    left: lv.unwrap_or_default(),
                    right: rv.unwrap_or_default(),
                    kind,
                    left_line: left.line_of(a),
                    right_line: right.line_of(b),
                });
            }
        }
        comparisons.push(cmp);
    }

    // Warnings: both sides', each naming its file, and the join's own.
    let tag = |w: &Warning, f: &Option<String>, d: &str| {
        let mut w = w.clone();
        if w.file.is_none() {
            w.file = Some(f.clone().unwrap_or_else(|| d.to_owned()));
        }
        w
    };
    let mut warnings: Vec<Warning> = left.warnings().iter().map(|w| tag(w, &lfile, "left")).collect();
    warnings.extend(right.warnings().iter().map(|w| tag(w, &rfile, "right")));
    for (n, side, file) in [(left_dups, "left", &lfile), (right_dups, "right", &rfile)] {
        if n > 0 {
            let f = file.clone().unwrap_or_else(|| side.to_owned());
            warnings.push(
                Warning::new(
                    None,
                    Some(&lk.name),
                    Msg::new(
                        format!(
                            "{n} rows of {f} repeat an employee{} already seen there; each copy was matched",
                            if by_period { " and period" } else { "" }
                        ),
                        format!(
                            "{f} 中有 {n} 行的员工{}与前面重复；每一行都参与了匹配",
                            if by_period { "和期间" } else { "" }
                        ),
                    ),
                )
                .kind(WarningKind::DuplicateKey)
                .count(n),
            );
        }
    }
    let rows = pairs.len();
    let name = match (&lfile, &rfile) {
        (Some(a), Some(b)) => Some(format!("{a} + {b}")),
        _ => None,
    };
    let source = Source { format: "join".into(), filename: name, ..Source::default() };
    let dataset = Dataset::new(columns, source)?.with_warnings(warnings);
    let summary = JoinSummary {
        left_rows: left.row_count() as u64,
        right_rows: right.row_count() as u64,
        rows: rows as u64,
        matched,
        by_period,
        left_only: left_only_n,
        right_only: right_only_n,
        left_only_ids: left_only,
        right_only_ids: right_only,
        columns: comparisons,
        discrepancies: total,
    };
    Ok(JoinResult { dataset, discrepancies, summary })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::{load, LoadOptions};

    fn csv(s: &str, name: &str) -> Dataset {
        load(s.as_bytes(), &LoadOptions { filename: Some(name.into()), ..LoadOptions::default() }).unwrap()
    }

    #[test]
    fn joins_by_id_and_period_and_lists_discrepancies() {
        let hr = csv(
            "工号,月份,部门,满意度\nE1,2024-01,一部,80\nE1,2024-02,一部,82\nE2,2024-01,二部,70\nE3,2024-01,三部,60\n",
            "hr.csv",
        );
        let crm = csv("EmpID,Month,Department,满意度,NPS\nE1,2024/1,一部,80,10\nE1,2024/2,二部,85%,20\nE2,2024年1月,二部,,5\nE9,2024-01,九部,1,1\n", "crm.csv");
        let j = join(&hr, &crm, &JoinOptions::default()).unwrap();
        let s = &j.summary;
        assert!(s.by_period);
        assert_eq!((s.matched, s.rows), (3, 5));
        assert_eq!(s.left_only_ids, vec!["E3"]);
        assert_eq!(s.right_only_ids, vec!["E9"]);
        let names: Vec<&str> = j.dataset.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["工号", "月份", "部门", "满意度 [hr.csv]", "Department", "满意度 [crm.csv]", "NPS"]);
        // E1 2024-02: department 一部 vs 二部 (matched by role), satisfaction 82 vs 0.85; E2: satisfaction missing on the right.
        let d: Vec<(String, Option<String>, String, DiscrepancyKind)> =
            j.discrepancies.iter().map(|d| (d.id.clone(), d.period.clone(), d.column.clone(), d.kind)).collect();
        assert!(d.contains(&("E1".into(), Some("2024-02".into()), "满意度".into(), DiscrepancyKind::Differs)));
        assert!(d.contains(&("E1".into(), Some("2024-02".into()), "部门".into(), DiscrepancyKind::Differs)));
        assert!(d.contains(&("E2".into(), Some("2024-01".into()), "满意度".into(), DiscrepancyKind::MissingRight)));
        assert_eq!(j.discrepancies.len(), 3);
        let e1 = j.discrepancies.iter().find(|d| d.column == "部门").unwrap();
        assert_eq!((e1.left_line, e1.right_line), (3, 3));
        // Rows: the key column coalesces both sides.
        let ids: Vec<String> =
            (0..5).map(|r| j.dataset.column("工号").unwrap().display(r).unwrap().into_owned()).collect();
        assert_eq!(ids, ["E1", "E1", "E2", "E3", "E9"]);
        assert_eq!(j.dataset.column("月份").unwrap().display(4).as_deref(), Some("2024-01"));
        let inner = join(&hr, &crm, &JoinOptions { how: Some("inner".into()), ..JoinOptions::default() }).unwrap();
        assert_eq!(inner.dataset.row_count(), 3);
    }

    #[test]
    fn missing_keys_are_param_errors() {
        let a = csv("x,y\n1,2\n", "a.csv");
        let b = csv("工号,y\nE1,2\n", "b.csv");
        assert!(join(&a, &b, &JoinOptions::default()).is_err());
        let j = join(
            &a,
            &b,
            &JoinOptions { on: Some(JoinOn::Pair(["x".into(), "工号".into()])), ..JoinOptions::default() },
        )
        .unwrap();
        assert_eq!(j.summary.matched, 0);
        assert!(join(
            &a,
            &b,
            &JoinOptions { how: Some("sideways".into()), on: Some(JoinOn::Same("x".into())), ..JoinOptions::default() }
        )
        .is_err());
    }
}
