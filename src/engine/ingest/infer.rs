//! The starting kind of each column, from the sample of the first rows.
//!
//! This decides only how a column is *stored while parsing* (see
//! [`Plan`]); the final kind is settled on all the data when the column
//! finishes, so a decision made on the sample never loses a value.

use crate::engine::dataset::Role;

use super::cell::{
    fast_number, has_leading_zero, is_na_token, parse_date, parse_number_bytes, parse_yyyymm, trim_bytes,
};
use super::column::Plan;
use super::record::Cell;

/// Share of a sample's present cells that must be numbers (or dates) for a
/// column to be parsed as numbers (or dates).
const TYPED_SHARE: f64 = 0.9;

/// What a sample cell looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Missing,
    Number,
    /// An integer with a leading zero (`01960`): an identifier.
    ZeroPadded,
    Date,
    Bool,
    Text,
}

pub fn look(cell: Cell<'_>, role: Option<Role>) -> Look {
    match cell {
        Cell::Empty => Look::Missing,
        Cell::Number(_) => Look::Number,
        Cell::Date { .. } => Look::Date,
        Cell::Bool(_) => Look::Bool,
        Cell::Text(b) => {
            let t = trim_bytes(b);
            if is_na_token(t) {
                return Look::Missing;
            }
            if fast_number(t).is_some() || parse_number_bytes(t).is_some() {
                if has_leading_zero(t) {
                    return Look::ZeroPadded;
                }
                if role == Some(Role::Period) && parse_yyyymm(t).is_some() {
                    return Look::Date;
                }
                return Look::Number;
            }
            if std::str::from_utf8(t).ok().and_then(parse_date).is_some() {
                return Look::Date;
            }
            if super::cell::parse_bool(t).is_some() {
                return Look::Bool;
            }
            Look::Text
        }
    }
}

/// Whether a cell reads as a label (header text): text that is not a
/// number, date, boolean or "no value" token.
pub fn is_label(cell: Cell<'_>) -> bool {
    look(cell, None) == Look::Text
}

/// The storage plan for a column from its sample cells.
pub fn plan<'a>(cells: impl Iterator<Item = Cell<'a>>, role: Option<Role>) -> Plan {
    if matches!(role, Some(Role::EmployeeId | Role::ManagerId | Role::Name)) {
        return Plan::Strings;
    }
    let (mut present, mut numbers, mut dates, mut zeros) = (0usize, 0usize, 0usize, 0usize);
    for c in cells {
        match look(c, role) {
            Look::Missing => continue,
            Look::Number => numbers += 1,
            Look::ZeroPadded => zeros += 1,
            Look::Date => dates += 1,
            Look::Bool | Look::Text => {}
        }
        present += 1;
    }
    if present == 0 || zeros > 0 {
        return Plan::Strings;
    }
    let enough = |k: usize| k > 0 && k as f64 >= TYPED_SHARE * present as f64;
    if enough(dates) {
        Plan::Date
    } else if enough(numbers) {
        Plan::Number
    } else {
        Plan::Strings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&'static str]) -> Vec<Cell<'static>> {
        v.iter().map(|s| Cell::Text(s.as_bytes())).collect()
    }

    #[test]
    fn plans_from_samples() {
        assert_eq!(plan(cells(&["1", "2.5", "", "N/A"]).into_iter(), None), Plan::Number);
        assert_eq!(plan(cells(&["2024-01", "2024年2月"]).into_iter(), None), Plan::Date);
        assert_eq!(plan(cells(&["01960", "02134"]).into_iter(), None), Plan::Strings);
        assert_eq!(plan(cells(&["", ""]).into_iter(), None), Plan::Strings);
        assert_eq!(plan(cells(&["Yes", "No"]).into_iter(), None), Plan::Strings);
        assert_eq!(plan(cells(&["1", "2"]).into_iter(), Some(Role::EmployeeId)), Plan::Strings);
        assert_eq!(plan(cells(&["202401", "202402"]).into_iter(), Some(Role::Period)), Plan::Date);
        assert_eq!(plan(cells(&["1", "a", "b"]).into_iter(), None), Plan::Strings);
        assert_eq!(plan([Cell::Number(1.0), Cell::Date { days: 1.0, time: false }].into_iter(), None), Plan::Strings);
    }

    #[test]
    fn labels() {
        assert!(is_label(Cell::Text("工号".as_bytes())));
        assert!(!is_label(Cell::Text(b"12")));
        assert!(!is_label(Cell::Text(b"")));
        assert!(!is_label(Cell::Number(3.0)));
    }
}
