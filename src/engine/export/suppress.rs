//! Small-group suppression: figures about fewer than N people (default 5)
//! are not shown, in group views and in exports.
//!
//! [`small_groups`] takes the groups' sizes and says which to suppress:
//!
//! - every group whose size is under `min_size` (or unknown: NaN), and
//! - with `complementary` (the default), when that leaves exactly one group
//!   suppressed among several, also the smallest other group: otherwise the
//!   hidden figure could be recovered by subtracting the shown groups from a
//!   shown total (primary and secondary suppression, as statistics offices
//!   practise it).
//!
//! Suppressed cells read `—` (an em dash), never `0`.

use serde::{Deserialize, Serialize};

use super::{Cell, Table};
use crate::engine::error::{Error, Result};

/// The default minimum group size.
pub const DEFAULT_MIN_SIZE: f64 = 5.0;
/// What a suppressed cell shows.
pub const MARK: &str = "—";

/// Why a group is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// Fewer than `min_size` people (or an unknown size).
    Small,
    /// Suppressed too, so that a single small group cannot be derived from a total.
    Complementary,
}

/// `suppress` export option: the table is a group table with one row per
/// group and a column giving each group's size.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SuppressOptions {
    /// The column with each row's group size (headcount).
    pub size_column: String,
    /// Groups under this size are suppressed (default 5).
    #[serde(default = "default_min_size")]
    pub min_size: f64,
    /// Columns left visible in suppressed rows (default: the columns with no
    /// number in them, i.e. the group labels).
    #[serde(default)]
    pub keep: Option<Vec<String>>,
    /// Also suppress a second group when only one would be (default true).
    #[serde(default = "yes")]
    pub complementary: bool,
}

fn default_min_size() -> f64 {
    DEFAULT_MIN_SIZE
}
fn yes() -> bool {
    true
}

/// Which groups to suppress, one entry per size (`None` = shown).
///
/// ```
/// use hrlens::engine::export::suppress::{small_groups, Reason};
/// let r = small_groups(&[12.0, 3.0, 40.0, 9.0], 5.0, true);
/// assert_eq!(r, [None, Some(Reason::Small), None, Some(Reason::Complementary)]);
/// ```
pub fn small_groups(sizes: &[f64], min_size: f64, complementary: bool) -> Vec<Option<Reason>> {
    // `!(s >= min)` also catches NaN: an unknown size is treated as small.
    let mut out: Vec<Option<Reason>> =
        sizes.iter().map(|&s| if s >= min_size { None } else { Some(Reason::Small) }).collect();
    let suppressed = out.iter().filter(|r| r.is_some()).count();
    if complementary && suppressed == 1 && sizes.len() > 1 {
        let next = sizes
            .iter()
            .zip(&out)
            .enumerate()
            .filter(|(_, (_, r))| r.is_none())
            .min_by(|(_, (a, _)), (_, (b, _))| a.total_cmp(b))
            .map(|(i, _)| i);
        if let Some(slot) = next.and_then(|i| out.get_mut(i)) {
            *slot = Some(Reason::Complementary);
        }
    }
    out
}

/// Suppress the small groups' rows of a group table in place.
///
/// # Errors
/// `ParamError` for an unknown size or keep column, or a negative `min_size`.
pub fn apply(table: &mut Table, opts: &SuppressOptions) -> Result<()> {
    if opts.min_size.is_nan() || opts.min_size < 0.0 {
        return Err(Error::param("minSize must be a number ≥ 0", "minSize 必须是 ≥ 0 的数"));
    }
    let size_col = table.find(&opts.size_column)?;
    let sizes: Vec<f64> = table.columns.get(size_col).map_or_else(Vec::new, |c| {
        c.cells
            .iter()
            .map(|cell| match cell {
                Cell::Number(x) => *x,
                Cell::Text(s) => s.trim().parse().unwrap_or(f64::NAN),
                Cell::Empty => f64::NAN,
            })
            .collect()
    });
    let keep: Vec<bool> = match &opts.keep {
        Some(names) => {
            let mut keep = vec![false; table.columns.len()];
            for n in names {
                let i = table.find(n)?;
                if let Some(k) = keep.get_mut(i) {
                    *k = true;
                }
            }
            keep
        }
        None => table.columns.iter().map(|c| !c.cells.iter().any(|x| matches!(x, Cell::Number(_)))).collect(),
    };
    let reasons = small_groups(&sizes, opts.min_size, opts.complementary);
    for (col, kept) in table.columns.iter_mut().zip(keep) {
        if kept {
            continue;
        }
        for (cell, reason) in col.cells.iter_mut().zip(&reasons) {
            if reason.is_some() {
                *cell = Cell::Text(MARK.to_owned());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_under_the_minimum_are_suppressed() {
        let r = small_groups(&[5.0, 4.0, 0.0, 100.0, f64::NAN], 5.0, true);
        let s = Some(Reason::Small);
        assert_eq!(r, [None, s, s, None, s]);
        // One small group among several: the smallest other goes too (first of ties).
        let r = small_groups(&[7.0, 2.0, 7.0, 30.0], 5.0, true);
        assert_eq!(r, [Some(Reason::Complementary), s, None, None]);
        assert_eq!(small_groups(&[7.0, 2.0, 30.0], 5.0, false), [None, s, None]);
        // A single group has nothing to subtract from.
        assert_eq!(small_groups(&[3.0], 5.0, true), [s]);
        assert_eq!(small_groups(&[], 5.0, true), Vec::<Option<Reason>>::new());
        assert_eq!(small_groups(&[1.0, 2.0], 0.0, true), [None, None]);
    }

    #[test]
    fn apply_blanks_figures_and_keeps_labels() {
        let mut t = Table::new("groups")
            .with_texts("部门", ["一部", "二部", "三部"])
            .with_numbers("人数", &[12.0, 3.0, 8.0])
            .with_numbers("平均分", &[81.5, 92.0, 77.0]);
        let opts = SuppressOptions { size_column: "人数".into(), min_size: 5.0, keep: None, complementary: true };
        apply(&mut t, &opts).unwrap();
        let dash = Cell::Text(MARK.into());
        assert_eq!(t.columns[0].cells, [Cell::text("一部"), Cell::text("二部"), Cell::text("三部")]);
        assert_eq!(t.columns[1].cells, [Cell::Number(12.0), dash.clone(), dash.clone()]);
        assert_eq!(t.columns[2].cells, [Cell::Number(81.5), dash.clone(), dash]);
        let bad = SuppressOptions { keep: Some(vec!["nope".into()]), ..opts.clone() };
        assert_eq!(apply(&mut t, &bad).unwrap_err().column.as_deref(), Some("nope"));
        let neg = SuppressOptions { min_size: -1.0, ..opts };
        assert!(apply(&mut t, &neg).is_err());
    }
}
