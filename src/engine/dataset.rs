//! The columnar [`Dataset`]: what every analysis reads.
//!
//! Numbers and dates are contiguous `f64` (NaN = missing); strings are
//! interned (a `u32` code per row into a dictionary, [`MISSING_CODE`] =
//! missing), so a million-row panel of department names costs 4 MB, not a
//! million `String`s. A dataset also carries the warnings produced while it
//! was built (nothing is dropped without one) and where it came from.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::dates;
use super::error::{Error, Msg, Result};

/// Code of a missing string cell.
pub const MISSING_CODE: u32 = u32::MAX;

/// What a column holds, as shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Number,
    Category,
    Date,
    Text,
}

/// What a column means to the analyses (detected from the header, or set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    EmployeeId,
    Name,
    Department,
    ManagerId,
    Period,
    JobLevel,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::EmployeeId, Role::Name, Role::Department, Role::ManagerId, Role::Period, Role::JobLevel];

    /// The API name (`"employeeId"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::EmployeeId => "employeeId",
            Role::Name => "name",
            Role::Department => "department",
            Role::ManagerId => "managerId",
            Role::Period => "period",
            Role::JobLevel => "jobLevel",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Granularity of a date column, which decides how it is displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateUnit {
    /// A calendar day, shown `YYYY-MM-DD`.
    Day,
    /// A calendar month (stored as its first day), shown `YYYY-MM`.
    Month,
}

/// Interned strings: one code per row into `dict`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interned {
    pub codes: Vec<u32>,
    pub dict: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interned {
    pub fn new() -> Interned {
        Interned::default()
    }

    pub fn with_capacity(rows: usize) -> Interned {
        Interned { codes: Vec::with_capacity(rows), dict: Vec::new(), index: HashMap::new() }
    }

    /// The code for `s`, adding it to the dictionary when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = self.dict.len() as u32;
        self.dict.push(s.to_owned());
        self.index.insert(s.to_owned(), c);
        c
    }

    pub fn push(&mut self, s: Option<&str>) {
        let c = match s {
            Some(s) => self.intern(s),
            None => MISSING_CODE,
        };
        self.codes.push(c);
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        let c = *self.codes.get(row)?;
        self.dict.get(c as usize).map(String::as_str)
    }

    /// Code of a value already in the dictionary.
    pub fn code_of(&self, s: &str) -> Option<u32> {
        self.index.get(s).copied()
    }

    pub fn from_strings<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Interned {
        let mut i = Interned::new();
        for v in values {
            i.push(v);
        }
        i
    }
}

/// The values of a column. Equality is bit-for-bit (NaN equals NaN), which is
/// what "the same data" means and what determinism tests compare.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// Numbers; NaN = missing.
    Number(Vec<f64>),
    /// Days since 1970-01-01; NaN = missing.
    Date { days: Vec<f64>, unit: DateUnit },
    /// Strings, interned. `kind` is `Category` or `Text`.
    Strings { values: Interned, kind: ColumnKind },
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

impl PartialEq for ColumnData {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ColumnData::Number(a), ColumnData::Number(b)) => same_bits(a, b),
            (ColumnData::Date { days: a, unit: ua }, ColumnData::Date { days: b, unit: ub }) => {
                ua == ub && same_bits(a, b)
            }
            (ColumnData::Strings { values: a, kind: ka }, ColumnData::Strings { values: b, kind: kb }) => {
                ka == kb && a.codes == b.codes && a.dict == b.dict
            }
            _ => false,
        }
    }
}

/// How the cleaning step changed a column, for the user to see.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnMeta {
    /// Values were written as percentages (`85%` → 0.85).
    pub percent: bool,
    /// Values were booleans (是/否, Yes/No …) stored as 1/0.
    pub boolean: bool,
    /// Each cleaning step applied, with how many cells it touched.
    pub cleaning: Vec<Msg>,
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub role: Option<Role>,
    pub data: ColumnData,
    pub meta: ColumnMeta,
}

impl Column {
    pub fn number(name: impl Into<String>, values: Vec<f64>) -> Column {
        Column { name: name.into(), role: None, data: ColumnData::Number(values), meta: ColumnMeta::default() }
    }

    pub fn date(name: impl Into<String>, days: Vec<f64>, unit: DateUnit) -> Column {
        Column { name: name.into(), role: None, data: ColumnData::Date { days, unit }, meta: ColumnMeta::default() }
    }

    pub fn strings(name: impl Into<String>, values: Interned, kind: ColumnKind) -> Column {
        Column {
            name: name.into(),
            role: None,
            data: ColumnData::Strings { values, kind },
            meta: ColumnMeta::default(),
        }
    }

    pub fn with_role(mut self, role: Option<Role>) -> Column {
        self.role = role;
        self
    }

    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Number(v) => v.len(),
            ColumnData::Date { days, .. } => days.len(),
            ColumnData::Strings { values, .. } => values.codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn kind(&self) -> ColumnKind {
        match &self.data {
            ColumnData::Number(_) => ColumnKind::Number,
            ColumnData::Date { .. } => ColumnKind::Date,
            ColumnData::Strings { kind, .. } => *kind,
        }
    }

    /// The numbers of a number or date column (dates as day numbers).
    pub fn as_f64(&self) -> Option<&[f64]> {
        match &self.data {
            ColumnData::Number(v) => Some(v),
            ColumnData::Date { days, .. } => Some(days),
            ColumnData::Strings { .. } => None,
        }
    }

    pub fn as_strings(&self) -> Option<&Interned> {
        match &self.data {
            ColumnData::Strings { values, .. } => Some(values),
            _ => None,
        }
    }

    pub fn is_missing(&self, row: usize) -> bool {
        match &self.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => v.get(row).is_none_or(|x| x.is_nan()),
            ColumnData::Strings { values, .. } => values.codes.get(row).is_none_or(|&c| c == MISSING_CODE),
        }
    }

    pub fn missing(&self) -> usize {
        match &self.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => v.iter().filter(|x| x.is_nan()).count(),
            ColumnData::Strings { values, .. } => values.codes.iter().filter(|&&c| c == MISSING_CODE).count(),
        }
    }

    /// Number of distinct non-missing values.
    pub fn distinct(&self) -> usize {
        match &self.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => {
                let mut bits: Vec<u64> = v.iter().filter(|x| !x.is_nan()).map(|x| canonical_bits(*x)).collect();
                bits.sort_unstable();
                bits.dedup();
                bits.len()
            }
            ColumnData::Strings { values, .. } => {
                let mut seen = vec![false; values.dict.len()];
                let mut n = 0;
                for &c in &values.codes {
                    if let Some(s) = seen.get_mut(c as usize) {
                        if !*s {
                            *s = true;
                            n += 1;
                        }
                    }
                }
                n
            }
        }
    }

    /// The display form of one cell; `None` when missing or out of range.
    pub fn display(&self, row: usize) -> Option<Cow<'_, str>> {
        match &self.data {
            ColumnData::Number(v) => {
                let x = *v.get(row)?;
                if x.is_nan() {
                    None
                } else {
                    Some(Cow::Owned(format_number(x)))
                }
            }
            ColumnData::Date { days, unit } => {
                let d = *days.get(row)?;
                if !d.is_finite() {
                    return None;
                }
                Some(Cow::Owned(match unit {
                    DateUnit::Day => dates::format_day(d),
                    DateUnit::Month => dates::format_month(dates::month_index(d)?),
                }))
            }
            ColumnData::Strings { values, .. } => values.get(row).map(Cow::Borrowed),
        }
    }
}

/// Bits of a float with -0.0 folded into 0.0, for counting distinct values.
fn canonical_bits(x: f64) -> u64 {
    if x == 0.0 {
        0
    } else {
        x.to_bits()
    }
}

/// Shortest round-tripping decimal form, without a trailing `.0` for integers.
pub fn format_number(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A problem found while building or analysing a dataset that did not stop it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// Line in the file, 1-based (header = line 1), when the warning is about a row.
    pub row: Option<u64>,
    pub column: Option<String>,
    pub message: Msg,
}

impl Warning {
    pub fn new(row: Option<u64>, column: Option<&str>, message: Msg) -> Warning {
        Warning { row, column: column.map(str::to_owned), message }
    }
}

/// Where a dataset came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `"csv"`, `"xlsx"`, `"json"` or `"sample"`.
    pub format: String,
    pub filename: Option<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub sheet: Option<String>,
}

/// The per-column summary that `columns()` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnSummary {
    pub name: String,
    pub kind: ColumnKind,
    pub role: Option<Role>,
    pub missing: usize,
    pub distinct: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub percent: bool,
}

/// A table of equal-length named columns, plus its warnings and source.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    columns: Vec<Column>,
    rows: usize,
    /// Line in the file of each row (1-based), when it came from a file.
    lines: Option<Vec<u64>>,
    warnings: Vec<Warning>,
    source: Source,
}

impl Dataset {
    /// Build a dataset; every column must have the same length and a unique name.
    ///
    /// # Errors
    /// `ParamError` when lengths differ or a name repeats.
    pub fn new(columns: Vec<Column>, source: Source) -> Result<Dataset> {
        let rows = columns.first().map_or(0, Column::len);
        for c in &columns {
            if c.len() != rows {
                return Err(Error::param(
                    format!("column \"{}\" has {} values, expected {rows}", c.name, c.len()),
                    format!("列“{}”有 {} 个值，应为 {rows} 个", c.name, c.len()),
                )
                .at_column(&c.name));
            }
        }
        let mut names = std::collections::HashSet::new();
        for c in &columns {
            if !names.insert(c.name.as_str()) {
                return Err(Error::param(
                    format!("column name \"{}\" appears twice", c.name),
                    format!("列名“{}”重复", c.name),
                )
                .at_column(&c.name));
            }
        }
        Ok(Dataset { columns, rows, lines: None, warnings: Vec::new(), source })
    }

    /// Attach the file line of each row (for warnings that name rows).
    ///
    /// # Errors
    /// `ParamError` when the count differs from the row count.
    pub fn with_lines(mut self, lines: Vec<u64>) -> Result<Dataset> {
        if lines.len() != self.rows {
            return Err(Error::param(
                format!("{} line numbers for {} rows", lines.len(), self.rows),
                format!("行号数 {} 与行数 {} 不符", lines.len(), self.rows),
            ));
        }
        self.lines = Some(lines);
        Ok(self)
    }

    pub fn with_warnings(mut self, warnings: Vec<Warning>) -> Dataset {
        self.warnings.extend(warnings);
        self
    }

    pub fn row_count(&self) -> usize {
        self.rows
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    pub fn push_warning(&mut self, w: Warning) {
        self.warnings.push(w);
    }

    /// The file line of a row (1-based), or `row + 2` (header on line 1) when unknown.
    pub fn line_of(&self, row: usize) -> u64 {
        self.lines.as_ref().and_then(|l| l.get(row).copied()).unwrap_or(row as u64 + 2)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column with `name`, or a `ParamError` naming it.
    ///
    /// # Errors
    /// `ParamError` when there is no such column.
    pub fn require(&self, name: &str) -> Result<&Column> {
        self.column(name).ok_or_else(|| Error::unknown_column(name))
    }

    /// The values of a number (or date) column.
    ///
    /// # Errors
    /// `ParamError` when the column is missing or holds strings.
    pub fn numbers(&self, name: &str) -> Result<&[f64]> {
        let c = self.require(name)?;
        c.as_f64().ok_or_else(|| {
            Error::param(
                format!("column \"{name}\" is not numeric (it is {:?})", c.kind()).to_lowercase(),
                format!("列“{name}”不是数值列"),
            )
            .at_column(name)
        })
    }

    /// The first column with this role.
    pub fn by_role(&self, role: Role) -> Option<&Column> {
        self.columns.iter().find(|c| c.role == Some(role))
    }

    /// Set or clear a column's role. A role is held by at most one column, so
    /// giving it to this column takes it from any other.
    ///
    /// # Errors
    /// `ParamError` when there is no such column.
    pub fn set_role(&mut self, name: &str, role: Option<Role>) -> Result<()> {
        let i = self.column_index(name).ok_or_else(|| Error::unknown_column(name))?;
        if let Some(r) = role {
            for c in &mut self.columns {
                if c.role == Some(r) {
                    c.role = None;
                }
            }
        }
        if let Some(c) = self.columns.get_mut(i) {
            c.role = role;
        }
        Ok(())
    }

    /// Add a column (e.g. segment labels) to the dataset.
    ///
    /// # Errors
    /// `ParamError` when its length differs or its name is taken.
    pub fn add_column(&mut self, column: Column) -> Result<()> {
        if column.len() != self.rows && !self.columns.is_empty() {
            return Err(Error::param(
                format!("column \"{}\" has {} values, expected {}", column.name, column.len(), self.rows),
                format!("列“{}”有 {} 个值，应为 {} 个", column.name, column.len(), self.rows),
            ));
        }
        if self.column(&column.name).is_some() {
            return Err(Error::param(
                format!("a column named \"{}\" already exists", column.name),
                format!("已有名为“{}”的列", column.name),
            ));
        }
        if self.columns.is_empty() {
            self.rows = column.len();
        }
        self.columns.push(column);
        Ok(())
    }

    /// Add a column, or — when `replace` — put it in place of the column with
    /// the same name (e.g. segment labels attached again after a re-run).
    ///
    /// # Errors
    /// `ParamError` when its length differs, or its name is taken and `replace` is false.
    pub fn set_column(&mut self, column: Column, replace: bool) -> Result<()> {
        match self.column_index(&column.name) {
            Some(i) if replace => {
                if column.len() != self.rows {
                    return Err(Error::param(
                        format!("column \"{}\" has {} values, expected {}", column.name, column.len(), self.rows),
                        format!("列“{}”有 {} 个值，应为 {} 个", column.name, column.len(), self.rows),
                    ));
                }
                if let Some(slot) = self.columns.get_mut(i) {
                    *slot = column;
                }
                Ok(())
            }
            _ => self.add_column(column),
        }
    }

    pub fn summary(&self) -> Vec<ColumnSummary> {
        self.columns
            .iter()
            .map(|c| ColumnSummary {
                name: c.name.clone(),
                kind: c.kind(),
                role: c.role,
                missing: c.missing(),
                distinct: c.distinct(),
                percent: c.meta.percent,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Dataset {
        Dataset::new(
            vec![
                Column::strings("工号", Interned::from_strings([Some("01"), Some("02"), None]), ColumnKind::Text)
                    .with_role(Some(Role::EmployeeId)),
                Column::number("score", vec![1.0, f64::NAN, 1.0]),
                Column::date("月份", vec![19_783.0, 19_783.0, f64::NAN], DateUnit::Month),
            ],
            Source { format: "csv".into(), ..Source::default() },
        )
        .unwrap()
    }

    #[test]
    fn summary_counts_missing_and_distinct() {
        let s = small().summary();
        assert_eq!(s[0].missing, 1);
        assert_eq!(s[0].distinct, 2);
        assert_eq!(s[1].missing, 1);
        assert_eq!(s[1].distinct, 1);
        assert_eq!(s[2].kind, ColumnKind::Date);
    }

    #[test]
    fn display_forms() {
        let d = small();
        assert_eq!(d.columns()[0].display(0).as_deref(), Some("01"));
        assert_eq!(d.columns()[0].display(2), None);
        assert_eq!(d.columns()[1].display(0).as_deref(), Some("1"));
        assert_eq!(d.columns()[2].display(0).as_deref(), Some("2024-03"));
        assert_eq!(d.columns()[2].display(9), None);
    }

    #[test]
    fn rejects_ragged_and_duplicate_columns() {
        let e = Dataset::new(vec![Column::number("a", vec![1.0]), Column::number("b", vec![])], Source::default())
            .unwrap_err();
        assert_eq!(e.column.as_deref(), Some("b"));
        let e = Dataset::new(vec![Column::number("a", vec![1.0]), Column::number("a", vec![2.0])], Source::default())
            .unwrap_err();
        assert!(e.to_string().contains("twice"));
    }

    #[test]
    fn set_role_moves_a_role() {
        let mut d = small();
        d.set_role("score", Some(Role::EmployeeId)).unwrap();
        assert_eq!(d.by_role(Role::EmployeeId).unwrap().name, "score");
        assert_eq!(d.columns()[0].role, None);
        assert!(d.set_role("nope", None).is_err());
        assert_eq!(Role::parse("managerId"), Some(Role::ManagerId));
    }

    #[test]
    fn set_column_adds_or_replaces() {
        let mut d = small();
        let labels =
            |v: [&str; 3]| Column::strings("segment", Interned::from_strings(v.map(Some)), ColumnKind::Category);
        d.set_column(labels(["S1", "S2", "S1"]), false).unwrap();
        assert!(d.set_column(labels(["S1", "S1", "S1"]), false).is_err());
        d.set_column(labels(["S2", "S2", "S1"]), true).unwrap();
        assert_eq!(d.column("segment").unwrap().display(0).as_deref(), Some("S2"));
        assert_eq!(d.columns().len(), 4);
        assert!(d.set_column(Column::number("segment", vec![1.0]), true).is_err());
    }

    #[test]
    fn numbers_rejects_strings() {
        let d = small();
        assert!(d.numbers("score").is_ok());
        assert_eq!(d.numbers("工号").unwrap_err().kind, super::super::error::ErrorKind::Param);
        assert_eq!(d.line_of(1), 3);
    }
}
