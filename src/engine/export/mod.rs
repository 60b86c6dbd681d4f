//! Exports: any result table to CSV or XLSX, with the protections on by default.
//!
//! A [`Table`] is a list of named columns of [`Cell`]s (numbers, text or
//! empty), the shape every result the page shows can be put in. Writing one
//! goes through the same steps for both formats:
//!
//! 1. **pseudonyms** ([`pseudonym`]): the named id/name columns are replaced
//!    by stable keyed-hash pseudonyms (same secret and value → same
//!    pseudonym, in every export);
//! 2. **small-group suppression** ([`suppress`]): in a group table, the rows
//!    of groups under `minSize` people (default 5) show `—` instead of their
//!    figures;
//! 3. **formula-injection neutralisation** (on unless turned off): a text
//!    cell (or header) starting with `=`, `+`, `-`, `@`, tab or carriage
//!    return gets a leading `'`, as OWASP advises, so a spreadsheet shows it
//!    as text instead of running it. Number cells stay numbers.
//!
//! Then [`csv::write_csv`] writes UTF-8 with a byte-order mark (so Excel
//! reads Chinese correctly), RFC 4180 quoting and CRLF line ends, and
//! [`xlsx::write_xlsx`] writes a workbook (one sheet per table, bold frozen
//! header with filters, numbers as numbers) with `rust_xlsxwriter`.
//!
//! ```
//! use hrlens::engine::export::{csv::write_csv, ExportOptions, Table};
//! let table = Table::new("scores")
//!     .with_texts("姓名", ["张伟", "=cmd|' /C calc'!A0"])
//!     .with_numbers("总分", &[91.5, f64::NAN]);
//! let bytes = write_csv(&table, &ExportOptions::default()).unwrap();
//! let text = std::str::from_utf8(&bytes[3..]).unwrap(); // after the BOM
//! assert_eq!(text, "姓名,总分\r\n张伟,91.5\r\n'=cmd|' /C calc'!A0,\r\n");
//! ```
#![deny(clippy::indexing_slicing)]

pub mod csv;
pub mod pseudonym;
pub mod suppress;
pub mod xlsx;

use std::borrow::Cow;

use serde::Deserialize;

use super::error::{Error, Result};
use pseudonym::{PseudonymOptions, Pseudonymizer};
use suppress::SuppressOptions;

/// At most this many cells (header included) in one export.
pub const MAX_EXPORT_CELLS: usize = 50_000_000;

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
}

impl Cell {
    /// A number cell; NaN and infinities are empty (missing).
    pub fn number(x: f64) -> Cell {
        if x.is_finite() {
            Cell::Number(x)
        } else {
            Cell::Empty
        }
    }

    /// A text cell; the empty string is an empty cell.
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// The cell as CSV/display text (numbers in their shortest exact form).
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Number(x) => Cow::Owned(format_number(*x)),
            Cell::Text(s) => Cow::Borrowed(s),
        }
    }
}

/// A named column of cells; `num_format` is an Excel number format for its
/// number cells in XLSX (e.g. `"0.0%"`), ignored by CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportColumn {
    pub name: String,
    pub cells: Vec<Cell>,
    pub num_format: Option<String>,
}

/// A table to export: a name (the XLSX sheet and the file name's stem) and
/// columns of equal length.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub name: String,
    pub columns: Vec<ExportColumn>,
}

impl Table {
    pub fn new(name: impl Into<String>) -> Table {
        Table { name: name.into(), columns: Vec::new() }
    }

    /// Add a column of numbers (NaN = empty).
    pub fn with_numbers(mut self, name: impl Into<String>, values: &[f64]) -> Table {
        let cells = values.iter().map(|&x| Cell::number(x)).collect();
        self.columns.push(ExportColumn { name: name.into(), cells, num_format: None });
        self
    }

    /// Add a column of text (`""` = empty).
    pub fn with_texts<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Table {
        let cells = values.into_iter().map(Cell::text).collect();
        self.columns.push(ExportColumn { name: name.into(), cells, num_format: None });
        self
    }

    /// Add a column of cells.
    pub fn with_cells(mut self, name: impl Into<String>, cells: Vec<Cell>) -> Table {
        self.columns.push(ExportColumn { name: name.into(), cells, num_format: None });
        self
    }

    /// Rows below the header (the columns' common length).
    pub fn row_count(&self) -> usize {
        self.columns.first().map_or(0, |c| c.cells.len())
    }

    /// The column named `name`, as an index.
    pub fn find(&self, name: &str) -> Result<usize> {
        self.columns.iter().position(|c| c.name == name).ok_or_else(|| Error::unknown_column(name))
    }

    /// Columns of one length, within [`MAX_EXPORT_CELLS`].
    ///
    /// # Errors
    /// `ParamError` naming the first column whose length differs from the
    /// first column's; `LimitError` past the cell cap.
    pub fn validate(&self) -> Result<()> {
        let rows = self.row_count();
        for c in &self.columns {
            if c.cells.len() != rows {
                return Err(Error::param(
                    format!("column \"{}\" has {} values, the table has {rows} rows", c.name, c.cells.len()),
                    format!("列“{}”有 {} 个值，而表有 {rows} 行", c.name, c.cells.len()),
                )
                .at_column(&c.name));
            }
        }
        let cells = (rows + 1).saturating_mul(self.columns.len());
        if cells > MAX_EXPORT_CELLS {
            return Err(Error::limit(
                format!("{cells} cells is more than the {MAX_EXPORT_CELLS} an export can hold"),
                format!("{cells} 个单元格超过导出上限 {MAX_EXPORT_CELLS}"),
            ));
        }
        Ok(())
    }
}

/// How a table is exported. Every protection is on by default except
/// pseudonyms and suppression, which need to know the columns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ExportOptions {
    /// Prefix `'` to text starting with `=`, `+`, `-`, `@`, tab or CR (default true).
    pub neutralize_formulas: bool,
    /// Replace these columns' values by keyed-hash pseudonyms.
    pub pseudonymize: Option<PseudonymOptions>,
    /// Blank out the figures of groups under a minimum size.
    pub suppress: Option<SuppressOptions>,
    /// CSV only: the field delimiter, `,` (default), `;` or a tab.
    pub delimiter: char,
    /// CSV only: start with a UTF-8 byte-order mark (default true; Excel needs it for Chinese).
    pub bom: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { neutralize_formulas: true, pseudonymize: None, suppress: None, delimiter: ',', bom: true }
    }
}

/// The characters OWASP lists as starting a formula in a spreadsheet.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `s`, made safe to open in a spreadsheet: a leading `'` when it starts
/// with `=`, `+`, `-`, `@`, tab or carriage return (OWASP, "CSV Injection").
pub fn neutralize(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// A number as text: the shortest form that reads back to the same f64,
/// with an exponent only for very large or very small magnitudes; `-0` is `0`.
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let a = x.abs();
    if (1e-6..1e15).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Apply pseudonyms and suppression (not neutralisation, which the writers
/// do cell by cell); the table itself when there are none to apply.
///
/// # Errors
/// `ParamError` for an unknown column or a too-short secret, and the
/// table's own [`Table::validate`] errors.
pub fn prepare<'t>(table: &'t Table, opts: &ExportOptions) -> Result<Cow<'t, Table>> {
    table.validate()?;
    if opts.pseudonymize.is_none() && opts.suppress.is_none() {
        return Ok(Cow::Borrowed(table));
    }
    let mut out = table.clone();
    if let Some(p) = &opts.pseudonymize {
        let hasher = Pseudonymizer::new(p.secret.as_bytes(), p.prefix.as_deref())?;
        for name in &p.columns {
            let i = out.find(name)?;
            if let Some(col) = out.columns.get_mut(i) {
                for cell in &mut col.cells {
                    let value = match cell {
                        Cell::Empty => continue,
                        Cell::Number(x) => format_number(*x),
                        Cell::Text(s) => std::mem::take(s),
                    };
                    *cell = Cell::text(hasher.pseudonym(&value));
                }
            }
        }
    }
    if let Some(s) = &opts.suppress {
        suppress::apply(&mut out, s)?;
    }
    Ok(Cow::Owned(out))
}

/// Check the CSV delimiter option.
pub(crate) fn check_delimiter(d: char) -> Result<u8> {
    match d {
        ',' | ';' | '\t' | '|' => Ok(d as u8),
        _ => Err(Error::param(
            format!("delimiter must be \",\", \";\", \"|\" or a tab, not {d:?}"),
            format!("分隔符必须是“,”、“;”、“|”或制表符，而不是 {d:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralisation_table() {
        // (input, expected): OWASP's six starters, and near misses that stay as they are.
        let cases = [
            ("=1+1", "'=1+1"),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+41 22 555", "'+41 22 555"),
            ("-5", "'-5"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("", ""),
            ("张伟", "张伟"),
            (" =1", " =1"),
            ("a=b", "a=b"),
            ("'=1", "'=1"),
            ("\n=1", "\n=1"),
            ("—", "—"),
            ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ];
        for (input, want) in cases {
            assert_eq!(neutralize(input), want, "input {input:?}");
        }
    }

    #[test]
    fn numbers_print_shortest_and_exact() {
        let cases = [
            (0.1, "0.1"),
            (91.5, "91.5"),
            (3.0, "3"),
            (-2.25, "-2.25"),
            (-0.0, "0"),
            (1e20, "1e20"),
            (1.5e-7, "1.5e-7"),
            (123456789012345.0, "123456789012345"),
            (f64::NAN, ""),
        ];
        for (x, want) in cases {
            assert_eq!(format_number(x), want);
            if !want.is_empty() {
                assert_eq!(want.parse::<f64>().unwrap(), x);
            }
        }
    }

    #[test]
    fn validate_names_the_short_column() {
        let t = Table::new("t").with_numbers("a", &[1.0, 2.0]).with_texts("b", ["x"]);
        let e = t.validate().unwrap_err();
        assert_eq!(e.column.as_deref(), Some("b"));
        assert!(e.to_string().contains("has 1 values, the table has 2 rows"), "{e}");
        assert!(e.to_zh().contains("有 1 个值"));
    }

    #[test]
    fn prepare_pseudonymises_named_columns_only() {
        let t = Table::new("t")
            .with_texts("工号", ["E001", "E002", "E001", ""])
            .with_texts("部门", ["一", "二", "一", "三"]);
        let opts = ExportOptions {
            pseudonymize: Some(PseudonymOptions {
                columns: vec!["工号".into()],
                secret: "0123456789abcdef0123".into(),
                prefix: None,
            }),
            ..ExportOptions::default()
        };
        let out = prepare(&t, &opts).unwrap();
        let ids = &out.columns[0].cells;
        assert_eq!(ids[0], ids[2]);
        assert_ne!(ids[0], ids[1]);
        assert_eq!(ids[3], Cell::Empty);
        assert!(matches!(&ids[0], Cell::Text(s) if s.starts_with("P-") && s.len() == 14));
        assert_eq!(out.columns[1], t.columns[1]);
        let bad = ExportOptions {
            pseudonymize: Some(PseudonymOptions { columns: vec!["nope".into()], ..opts.pseudonymize.clone().unwrap() }),
            ..ExportOptions::default()
        };
        assert_eq!(prepare(&t, &bad).unwrap_err().column.as_deref(), Some("nope"));
    }
}
