//! Historical comparison of one month of a series: against the previous
//! month, the same month a year before, and the mean of the trailing months.

use serde::Serialize;

use crate::engine::dates;

/// A value against one base: `abs = value − base`, `rel = value / base − 1`
/// (NaN where the base is missing, and `rel` NaN where it is zero).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub base: f64,
    pub abs: f64,
    pub rel: f64,
}

impl Change {
    pub fn new(value: f64, base: f64) -> Change {
        let abs = value - base;
        let rel = if base == 0.0 || base.is_nan() || value.is_nan() { f64::NAN } else { value / base - 1.0 };
        Change { base, abs, rel }
    }
}

/// The comparison at `period`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The month compared (`YYYY-MM`): the requested one, else the last month with a value.
    pub period: Option<String>,
    pub value: f64,
    /// Against the month before.
    pub previous: Change,
    /// Against the same month a year before.
    pub last_year: Change,
    /// Against the mean of the values present in the `trailing_months` months before.
    pub trailing: Change,
    pub trailing_months: usize,
}

/// Compare month `at` (an offset into `values`; default the last present
/// value) with its history; `first` is the month index of `values[0]`.
pub fn compare(values: &[f64], first: i32, at: Option<usize>, trailing_months: usize) -> Comparison {
    let at = at.or_else(|| values.iter().rposition(|v| !v.is_nan()));
    let Some(k) = at.filter(|&k| k < values.len()) else {
        let none = Change::new(f64::NAN, f64::NAN);
        return Comparison {
            period: None,
            value: f64::NAN,
            previous: none,
            last_year: none,
            trailing: none,
            trailing_months,
        };
    };
    let get = |j: Option<usize>| j.and_then(|j| values.get(j)).copied().unwrap_or(f64::NAN);
    let value = get(Some(k));
    let from = k.saturating_sub(trailing_months);
    let (s, n) = values
        .get(from..k)
        .unwrap_or(&[])
        .iter()
        .filter(|v| !v.is_nan())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    Comparison {
        period: Some(dates::format_month(first + k as i32)),
        value,
        previous: Change::new(value, get(k.checked_sub(1))),
        last_year: Change::new(value, get(k.checked_sub(12))),
        trailing: Change::new(value, if n == 0 { f64::NAN } else { s / n as f64 }),
        trailing_months,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_previous_last_year_and_trailing() {
        let mut v = vec![f64::NAN; 15];
        v[2] = 50.0;
        v[11] = 80.0;
        v[12] = 100.0;
        v[13] = 90.0;
        v[14] = 99.0;
        let c = compare(&v, 2023 * 12, None, 3);
        assert_eq!(c.period.as_deref(), Some("2024-03"));
        assert_eq!((c.previous.base, c.previous.abs), (90.0, 9.0));
        assert!((c.previous.rel - 0.1).abs() < 1e-12);
        assert!((c.last_year.rel - 0.98).abs() < 1e-12);
        assert_eq!(c.trailing.base, 90.0);
        let c = compare(&v, 0, Some(12), 3);
        assert_eq!(c.previous.abs, 20.0);
        assert!(c.last_year.base.is_nan() && c.last_year.rel.is_nan());
        assert!(compare(&[f64::NAN], 0, None, 3).period.is_none());
        assert!(Change::new(1.0, 0.0).rel.is_nan());
    }
}
