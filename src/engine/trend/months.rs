//! The calendar month of every row, as an offset from the first month present.

use std::sync::Arc;

use crate::engine::dataset::{Column, ColumnData, Dataset, Role};
use crate::engine::dates;
use crate::engine::error::{Error, Result};

/// Row offset meaning "no month".
pub const NO_MONTH: u32 = u32::MAX;

/// The longest span a trend covers (100 years). A longer one is a mistyped
/// year (`7294-03`) or a sentinel (`9999-12`), and would cost memory for
/// thousands of empty months per series.
pub const MAX_MONTHS: usize = 1_200;

/// Month of each row: `offset[row]` months after `first`, or [`NO_MONTH`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowMonths {
    /// Month index (`year * 12 + month - 1`) of the first month present.
    pub first: i32,
    /// Calendar months from the first to the last present, inclusive (0 when none).
    pub len: usize,
    pub offset: Vec<u32>,
}

impl RowMonths {
    /// `YYYY-MM` of every month from the first to the last.
    pub fn labels(&self) -> Vec<String> {
        (0..self.len).map(|k| dates::format_month(self.first + k as i32)).collect()
    }
}

/// The period column: `name`, else the column with role `period`.
///
/// # Errors
/// `ParamError` when there is no such column.
pub fn period_column<'a>(ds: &'a Dataset, name: Option<&str>) -> Result<&'a Column> {
    match name {
        Some(n) => ds.require(n),
        None => ds.by_role(Role::Period).ok_or_else(|| {
            Error::param(
                "no period column: give one the role \"period\" (e.g. 月份) or name it in the options",
                "没有期间列：请将某列（如“月份”）设为“期间”角色，或在选项中指定",
            )
        }),
    }
}

/// A month written as text: `2024-03`, `2024/3`, `2024年3月`, `2024-03-15`, `202403`.
pub fn parse_month_text(s: &str) -> Option<i32> {
    let t = s.trim();
    if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = t.get(..4)?.parse().ok()?;
        let m: i32 = t.get(4..)?.parse().ok()?;
        return ((1..=12).contains(&m) && (1000..=9999).contains(&y)).then_some(y * 12 + m - 1);
    }
    let mut parts = t.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    let y = parts.next()?;
    let m = parts.next()?;
    if y.len() != 4 {
        return None;
    }
    dates::parse_month(&format!("{y}-{m}"))
}

/// [`row_months`] of a column of `ds`, computed once per dataset and shared
/// by every later trend, alert and org roll-up until the column's values
/// change (a role change keeps it). A load computes it for the period
/// column (see [`index_period`]).
///
/// # Errors
/// As [`row_months`].
pub fn dataset_months(ds: &Dataset, col: &Column) -> Result<Arc<RowMonths>> {
    ds.column_memo("row_months", &col.name, || row_months(col), |m| m.offset.len() as u64 * 4)
}

/// Index the month of every row of the period column, as part of a load,
/// so the first trend or alert does not pay a pass over all rows. A period
/// column that does not hold months is left for the trend to report.
pub fn index_period(ds: &Dataset) {
    if let Some(col) = ds.by_role(Role::Period) {
        // An error is reported by the call that needs the months.
        let _ = dataset_months(ds, col);
    }
}

/// The month of each row of a period column (dates, `YYYYMM` numbers, or month text).
///
/// # Errors
/// `ParamError` when the column holds none of these.
pub fn row_months(col: &Column) -> Result<RowMonths> {
    let not_months = || {
        Error::param(
            format!("column \"{}\" does not hold months or dates", col.name),
            format!("列“{}”不是月份或日期", col.name),
        )
        .at_column(&col.name)
    };
    let months: Vec<Option<i32>> = match &col.data {
        ColumnData::Date { days, .. } => {
            let days = days.values();
            if let Some(r) = day_offsets(&days) {
                return Ok(r);
            }
            by_day_table(&days)
        }
        ColumnData::Number(v) => {
            // 202403-style numbers.
            let ok = v.iter().filter(|x| !x.is_nan()).all(|x| {
                x.fract() == 0.0 && (100_001.0..=999_912.0).contains(&x) && (1.0..=12.0).contains(&(x % 100.0))
            });
            if !ok {
                return Err(not_months());
            }
            v.iter().map(|x| (!x.is_nan()).then(|| (x / 100.0).floor() as i32 * 12 + (x % 100.0) as i32 - 1)).collect()
        }
        ColumnData::Strings { values, .. } => {
            let dict: Vec<Option<i32>> = values.dict.iter().map(|s| parse_month_text(s)).collect();
            if !values.dict.is_empty() && dict.iter().all(Option::is_none) {
                return Err(not_months());
            }
            values.codes.iter().map(|&c| dict.get(c as usize).copied().flatten()).collect()
        }
    };
    let first = months.iter().flatten().min().copied();
    let last = months.iter().flatten().max().copied();
    let (first, len) = match (first, last) {
        (Some(f), Some(l)) => (f, (l - f) as usize + 1),
        _ => (0, 0),
    };
    if len > MAX_MONTHS {
        let row_of = |target: i32| months.iter().position(|m| *m == Some(target)).unwrap_or(0);
        let show = |m: i32| dates::format_month(m);
        let (lo, hi) = (first, first + len as i32 - 1);
        let value = |m: i32| col.display(row_of(m)).map(|v| v.into_owned()).unwrap_or_default();
        return Err(Error::limit(
            format!(
                "column \"{}\" spans {} to {} ({len} months, first \"{}\", last \"{}\"); a trend covers at most {MAX_MONTHS} months: check for a mistyped year or a placeholder date",
                col.name,
                show(lo),
                show(hi),
                value(lo),
                value(hi)
            ),
            format!(
                "列“{}”跨越 {} 至 {}（{len} 个月，最早“{}”，最晚“{}”）；趋势最多覆盖 {MAX_MONTHS} 个月：请检查是否有输错的年份或占位日期",
                col.name,
                show(lo),
                show(hi),
                value(lo),
                value(hi)
            ),
        )
        .at_column(&col.name));
    }
    let offset = months.iter().map(|m| m.map_or(NO_MONTH, |m| (m - first) as u32)).collect();
    Ok(RowMonths { first, len, offset })
}

/// Month of each day number through a day → month table over the range
/// present, so a million rows cost one array read each, not a calendar
/// conversion (falls back to converting each row for absurd ranges).
/// `floor(d)` for finite `|d| < 2⁶³` without a libm call (one per row adds up).
#[inline]
fn floor_i64(d: f64) -> i64 {
    let t = d as i64;
    if (t as f64) > d {
        t - 1
    } else {
        t
    }
}

/// Month offsets of day numbers through a day → offset table over the
/// span present, in two passes over the rows (min/max, lookup). `None` when
/// the span is too wide for a table (the caller falls back to per-row
/// conversion). Month of a day is monotone, so the first and last months are
/// those of the first and last days.
fn day_offsets(days: &[f64]) -> Option<RowMonths> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &d in days {
        // NaN fails both; ±∞ are skipped below.
        if d < lo && d.is_finite() {
            lo = d;
        }
        if d > hi && d.is_finite() {
            hi = d;
        }
    }
    if lo > hi {
        return Some(RowMonths { first: 0, len: 0, offset: vec![NO_MONTH; days.len()] });
    }
    let (lo, hi) = (floor_i64(lo), floor_i64(hi));
    let span = usize::try_from(hi - lo).ok().filter(|&s| s <= 200_000)?;
    let first = dates::month_index(lo as f64)?;
    let last = dates::month_index(hi as f64)?;
    let table: Vec<u32> = (0..=span as i64)
        .map(|k| dates::month_index((lo + k) as f64).map_or(NO_MONTH, |m| (m - first) as u32))
        .collect();
    let offset = days
        .iter()
        .map(|&d| {
            if d.is_finite() {
                table.get((floor_i64(d) - lo) as usize).copied().unwrap_or(NO_MONTH)
            } else {
                NO_MONTH
            }
        })
        .collect();
    Some(RowMonths { first, len: (last - first) as usize + 1, offset })
}

fn by_day_table(days: &[f64]) -> Vec<Option<i32>> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &d in days {
        if d.is_finite() {
            lo = lo.min(d.floor());
            hi = hi.max(d.floor());
        }
    }
    if lo > hi || lo.is_nan() {
        return vec![None; days.len()];
    }
    let span = hi - lo;
    if span > 200_000.0 {
        return days.iter().map(|&d| dates::month_index(d)).collect();
    }
    let lo_i = lo as i64;
    let table: Vec<Option<i32>> = (0..=span as i64).map(|k| dates::month_index((lo_i + k) as f64)).collect();
    days.iter()
        .map(|&d| if d.is_finite() { table.get((d.floor() as i64 - lo_i) as usize).copied().flatten() } else { None })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::{ColumnKind, DateUnit, Interned};

    #[test]
    fn day_table_matches_per_row_months() {
        let d = |y, m, dd| dates::days_from_civil(y, m, dd) as f64;
        let days = vec![
            d(2024, 3, 15) + 0.75,
            f64::NAN,
            d(2023, 12, 1),
            d(2024, 3, 1) - 0.25,
            f64::INFINITY,
            -1.5,
            d(1969, 12, 31),
        ];
        let r = day_offsets(&days).unwrap();
        let first = days.iter().filter_map(|&x| dates::month_index(x)).min().unwrap();
        let want: Vec<u32> =
            days.iter().map(|&x| dates::month_index(x).map_or(NO_MONTH, |m| (m - first) as u32)).collect();
        assert_eq!(r.offset, want);
        assert_eq!(r.first, first);
        assert_eq!(floor_i64(-1.5), -2);
        assert_eq!(floor_i64(-2.0), -2);
        assert_eq!(floor_i64(2.99), 2);
        // Too wide for a table: the per-row path.
        assert!(day_offsets(&[0.0, 300_000.0]).is_none());
        assert_eq!(day_offsets(&[f64::NAN]).unwrap().len, 0);
    }

    #[test]
    fn dates_numbers_and_text() {
        let d = |y, m, dd| dates::days_from_civil(y, m, dd) as f64;
        let c = Column::date("m", vec![d(2024, 3, 15), f64::NAN, d(2023, 12, 1), d(2024, 3, 1)], DateUnit::Day);
        let r = row_months(&c).unwrap();
        assert_eq!(r.first, 2023 * 12 + 11);
        assert_eq!(r.len, 4);
        assert_eq!(r.offset, vec![3, NO_MONTH, 0, 3]);
        assert_eq!(r.labels(), vec!["2023-12", "2024-01", "2024-02", "2024-03"]);

        let c = Column::number("m", vec![202401.0, 202312.0]);
        assert_eq!(row_months(&c).unwrap().offset, vec![1, 0]);
        assert!(row_months(&Column::number("x", vec![3.5])).is_err());

        let s = Interned::from_strings([Some("2024年2月"), Some("2024/01"), None, Some("202403")]);
        let r = row_months(&Column::strings("m", s, ColumnKind::Category)).unwrap();
        assert_eq!(r.offset, vec![1, 0, NO_MONTH, 2]);
        let s = Interned::from_strings([Some("abc")]);
        assert!(row_months(&Column::strings("m", s, ColumnKind::Category)).is_err());
    }

    #[test]
    fn a_load_indexes_the_period_column_and_a_role_change_keeps_it() {
        use crate::engine::ingest::{load, LoadOptions};
        let csv = "工号,月份,得分\nE1,2024-01,80\nE1,2024-02,82\nE2,2024-02,75\n";
        let mut ds = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
        assert_eq!(ds.by_role(Role::Period).map(|c| c.name.as_str()), Some("月份"));
        // Cached: `make` is not called.
        let cached = |ds: &Dataset| {
            ds.column_memo::<RowMonths>("row_months", "月份", || Err(Error::param("made", "made")), |_| 0).is_ok()
        };
        assert!(cached(&ds));
        let m = dataset_months(&ds, ds.require("月份").unwrap()).unwrap();
        assert_eq!((m.first, m.len, m.offset.clone()), (2024 * 12, 2, vec![0, 1, 1]));
        ds.set_role("月份", None).unwrap();
        ds.set_role("月份", Some(Role::Period)).unwrap();
        assert!(cached(&ds));
        // Changing the columns forgets it.
        let _ = ds.columns_mut();
        assert!(!cached(&ds));
    }
}
