//! The columnar [`Dataset`]: what every analysis reads.
//!
//! Numbers and dates are contiguous `f64` (NaN = missing); strings are
//! interned (a `u32` code per row into a dictionary, [`MISSING_CODE`] =
//! missing), so a million-row panel of department names costs 4 MB, not a
//! million `String`s. A dataset also carries the warnings produced while it
//! was built (nothing is dropped without one) and where it came from.

use std::any::Any;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::dates;
use super::error::{Error, Msg, Result};
use super::numbers::Numbers;

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
///
/// The lookup table stores only `(hash, code)` pairs and compares against
/// `dict`, so each distinct string is held once. Hashing is a fixed,
/// seedless multiply-rotate (deterministic across runs and targets).
#[derive(Debug, Clone, Default)]
pub struct Interned {
    pub codes: Vec<u32>,
    pub dict: Vec<String>,
    table: StrTable,
    /// The last code interned: exports repeat a value down consecutive rows
    /// (an employee's months, a department's people), so check it first.
    last: Option<u32>,
}

impl PartialEq for Interned {
    fn eq(&self, other: &Self) -> bool {
        self.codes == other.codes && self.dict == other.dict
    }
}

/// Open-addressing table of `hash << 32 | code` slots; `EMPTY_SLOT` = free.
#[derive(Debug, Clone, Default)]
struct StrTable {
    slots: Vec<u64>,
}

const EMPTY_SLOT: u64 = u64::MAX;

/// A fast, deterministic hash of a byte string (FxHash-style over 8-byte words).
pub fn hash_bytes(b: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        for (d, s) in w.iter_mut().zip(rest) {
            *d = *s;
        }
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}

impl StrTable {
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The code of `b`, or the slot where it would go.
    fn find(&self, dict: &[String], h: u32, b: &[u8]) -> std::result::Result<u32, usize> {
        if self.slots.is_empty() {
            return Err(usize::MAX);
        }
        let mask = self.mask();
        let mut i = h as usize & mask;
        loop {
            let s = self.slots.get(i).copied().unwrap_or(EMPTY_SLOT);
            if s == EMPTY_SLOT {
                return Err(i);
            }
            if (s >> 32) as u32 == h {
                let code = s as u32;
                if dict.get(code as usize).is_some_and(|d| d.as_bytes() == b) {
                    return Ok(code);
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn insert_at(&mut self, slot: usize, h: u32, code: u32) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = (u64::from(h) << 32) | u64::from(code);
        }
    }

    /// Make room for one more entry (load factor at most 1/2).
    fn reserve_one(&mut self, len: usize) {
        if (len + 1) * 2 <= self.slots.len() {
            return;
        }
        let new_len = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; new_len]);
        let mask = new_len - 1;
        for s in old.into_iter().filter(|&s| s != EMPTY_SLOT) {
            let mut i = (s >> 32) as usize & mask;
            while self.slots.get(i).is_some_and(|&x| x != EMPTY_SLOT) {
                i = (i + 1) & mask;
            }
            if let Some(slot) = self.slots.get_mut(i) {
                *slot = s;
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8
    }
}

impl Interned {
    pub fn new() -> Interned {
        Interned::default()
    }

    pub fn with_capacity(rows: usize) -> Interned {
        Interned { codes: Vec::with_capacity(rows), dict: Vec::new(), table: StrTable::default(), last: None }
    }

    /// The code for `s`, adding it to the dictionary when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let h = hash_bytes(s.as_bytes()) as u32;
        match self.table.find(&self.dict, h, s.as_bytes()) {
            Ok(c) => c,
            Err(_) => self.insert_new(h, s.to_owned()),
        }
    }

    /// The code for a UTF-8 byte string, adding it when new (invalid UTF-8
    /// is stored lossily, so it never fails).
    #[inline]
    pub fn intern_bytes(&mut self, b: &[u8]) -> u32 {
        if let Some(c) = self.last {
            if self.dict.get(c as usize).is_some_and(|d| d.as_bytes() == b) {
                return c;
            }
        }
        let h = hash_bytes(b) as u32;
        let c = match self.table.find(&self.dict, h, b) {
            Ok(c) => c,
            Err(_) => match std::str::from_utf8(b) {
                Ok(s) => self.insert_new(h, s.to_owned()),
                Err(_) => self.intern(&String::from_utf8_lossy(b)),
            },
        };
        self.last = Some(c);
        c
    }

    fn insert_new(&mut self, h: u32, s: String) -> u32 {
        let code = self.dict.len() as u32;
        self.table.reserve_one(self.dict.len());
        if let Err(slot) = self.table.find(&self.dict, h, s.as_bytes()) {
            self.table.insert_at(slot, h, code);
        }
        self.dict.push(s);
        code
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
        self.table.find(&self.dict, hash_bytes(s.as_bytes()) as u32, s.as_bytes()).ok()
    }

    pub fn from_strings<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Interned {
        let mut i = Interned::new();
        for v in values {
            i.push(v);
        }
        i
    }

    /// Bytes held on the heap (codes, dictionary, table), for memory budgets.
    pub fn heap_bytes(&self) -> usize {
        self.codes.capacity() * 4
            + self.dict.capacity() * std::mem::size_of::<String>()
            + self.dict.iter().map(String::capacity).sum::<usize>()
            + self.table.heap_bytes()
    }
}

/// The values of a column. Equality is bit-for-bit (NaN equals NaN), which is
/// what "the same data" means and what determinism tests compare.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// Numbers; NaN = missing.
    Number(Numbers),
    /// Days since 1970-01-01; NaN = missing.
    Date { days: Numbers, unit: DateUnit },
    /// Strings, interned. `kind` is `Category` or `Text`.
    Strings { values: Interned, kind: ColumnKind },
}

impl PartialEq for ColumnData {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ColumnData::Number(a), ColumnData::Number(b)) => a == b,
            (ColumnData::Date { days: a, unit: ua }, ColumnData::Date { days: b, unit: ub }) => ua == ub && a == b,
            (ColumnData::Strings { values: a, kind: ka }, ColumnData::Strings { values: b, kind: kb }) => {
                ka == kb && a.codes == b.codes && a.dict == b.dict
            }
            _ => false,
        }
    }
}

/// How the day and month of slash dates (`7/5/2011`) were ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Year first (`2011-07-05`, `2011/7/5`, `2011年7月5日`): never ambiguous.
    Ymd,
    /// Month first (`7/5/2011` = 5 July), the US order.
    Mdy,
    /// Day first (`7/5/2011` = 7 May), the European order.
    Dmy,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Ymd => "ymd",
            DateOrder::Mdy => "mdy",
            DateOrder::Dmy => "dmy",
        }
    }
}

/// What a cleaning step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CleaningKind {
    /// Leading/trailing whitespace removed (`Production       `).
    Trimmed,
    /// Thousands separators removed (`1,234`).
    Thousands,
    /// Percentages divided by 100 (`85%` → 0.85).
    Percent,
    /// Full-width digits and signs folded (`１２３`).
    FullWidth,
    /// Currency signs or units removed (`¥1,200`, `1200元`).
    Currency,
    /// Cells such as `N/A`, `-`, `无` read as missing.
    NaTokens,
    /// Yes/No style values stored as 1/0.
    Booleans,
    /// Dates written in several forms were read (the message lists them).
    Dates,
    /// Excel serial day numbers converted to dates.
    ExcelSerials,
    /// Two-digit years expanded (00–29 → 20xx, 30–99 → 19xx, as Excel does).
    TwoDigitYears,
    /// Times of day dropped from date-times.
    TimeDropped,
    /// The day/month order of slash dates was decided (or assumed).
    DateOrder,
    /// Numbers or dates turned back into text because too many cells did not fit.
    AsText,
}

/// One recorded cleaning step of a column, with how many cells it touched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleaningStep {
    pub step: CleaningKind,
    pub count: u64,
    pub message: Msg,
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
    pub cleaning: Vec<CleaningStep>,
    /// For date columns read from slash dates: the day/month order used.
    pub date_order: Option<DateOrder>,
    /// The day/month order could not be decided from the data (it was assumed).
    pub date_ambiguous: bool,
    /// The header as written in the file, when the name differs (renamed
    /// duplicate, empty header, two-row header joined).
    pub original_name: Option<String>,
}

impl ColumnMeta {
    pub fn step(&mut self, step: CleaningKind, count: u64, en: impl Into<String>, zh: impl Into<String>) {
        if count > 0 {
            self.cleaning.push(CleaningStep { step, count, message: Msg::new(en, zh) });
        }
    }
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
        Column { name: name.into(), role: None, data: ColumnData::Number(values.into()), meta: ColumnMeta::default() }
    }

    pub fn date(name: impl Into<String>, days: Vec<f64>, unit: DateUnit) -> Column {
        Column {
            name: name.into(),
            role: None,
            data: ColumnData::Date { days: days.into(), unit },
            meta: ColumnMeta::default(),
        }
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

    /// The numbers of a number or date column (dates as day numbers): a
    /// borrow, or a decoded copy of a column stored as scaled decimals.
    pub fn as_f64(&self) -> Option<Cow<'_, [f64]>> {
        self.as_numbers().map(Numbers::values)
    }

    /// The stored values of a number or date column.
    pub fn as_numbers(&self) -> Option<&Numbers> {
        match &self.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => Some(v),
            ColumnData::Strings { .. } => None,
        }
    }

    /// Number and date columns stored as scaled decimals where that is exact
    /// (see [`Numbers`]); the values do not change.
    pub fn compacted(mut self) -> Column {
        self.data = match self.data {
            ColumnData::Number(v) => ColumnData::Number(v.compacted()),
            ColumnData::Date { days, unit } => ColumnData::Date { days: days.compacted(), unit },
            s => s,
        };
        self
    }

    pub fn as_strings(&self) -> Option<&Interned> {
        match &self.data {
            ColumnData::Strings { values, .. } => Some(values),
            _ => None,
        }
    }

    pub fn is_missing(&self, row: usize) -> bool {
        match &self.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => v.get(row).is_nan(),
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
                let mut bits: Vec<u64> = v.iter().filter(|x| !x.is_nan()).map(canonical_bits).collect();
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
                let x = v.get(row);
                if x.is_nan() {
                    None
                } else {
                    Some(Cow::Owned(format_number(x)))
                }
            }
            ColumnData::Date { days, unit } => {
                let d = days.get(row);
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

/// What a warning is about, so the page can group and count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum WarningKind {
    /// A row with more or fewer fields than the header.
    RaggedRow,
    /// A cell that does not fit its column's kind (left empty, row kept).
    BadValue,
    /// A header name that repeats (renamed `name (2)`).
    DuplicateHeader,
    /// An empty header cell (named `column N`).
    EmptyHeader,
    /// A column with no values.
    EmptyColumn,
    /// Two rows with the same employee (and period).
    DuplicateKey,
    /// A row identical to an earlier one.
    DuplicateRow,
    /// Blank lines skipped.
    BlankLines,
    /// Title or note lines above the header skipped.
    TitleLines,
    /// A totals row (合计, 总计, Total) skipped.
    TotalsRow,
    /// Note lines after the totals row skipped.
    NotesRow,
    /// A repeat of the header row inside the data skipped.
    RepeatedHeader,
    /// Day/month order of a date column could not be decided.
    DateAmbiguous,
    /// A date column mixes forms that suggest some dates were misread.
    DateMixed,
    /// Empty columns at the right edge dropped.
    DroppedColumns,
    /// A quoted field that never closes (the rest of the file became one field).
    UnclosedQuote,
    /// Anything else.
    #[default]
    Other,
}

impl WarningKind {
    /// Whether this kind of warning stands for rows of the file that are not in the dataset.
    pub fn skips_rows(self) -> bool {
        matches!(
            self,
            WarningKind::BlankLines
                | WarningKind::TitleLines
                | WarningKind::TotalsRow
                | WarningKind::NotesRow
                | WarningKind::RepeatedHeader
        )
    }
}

/// A problem found while building or analysing a dataset that did not stop it.
///
/// Past the first 1,000 of a kind (per column for cell problems), one more
/// warning of the same kind sums up the rest: its `count` says how many.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// Line in the file, 1-based (header = line 1), when the warning is about a row.
    pub row: Option<u64>,
    pub column: Option<String>,
    pub message: Msg,
    pub kind: WarningKind,
    /// The offending cell value, as written in the file.
    pub value: Option<String>,
    /// What was expected instead (`a number`, `a date` …).
    pub expected: Option<Msg>,
    /// How many rows or cells this warning stands for (1, or a run / a summary).
    pub count: u64,
    /// The file the row belongs to, when a dataset joins several.
    pub file: Option<String>,
}

impl Warning {
    pub fn new(row: Option<u64>, column: Option<&str>, message: Msg) -> Warning {
        Warning {
            row,
            column: column.map(str::to_owned),
            message,
            kind: WarningKind::Other,
            value: None,
            expected: None,
            count: 1,
            file: None,
        }
    }

    pub fn kind(mut self, kind: WarningKind) -> Warning {
        self.kind = kind;
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Warning {
        self.value = Some(value.into());
        self
    }

    pub fn expected(mut self, en: impl Into<String>, zh: impl Into<String>) -> Warning {
        self.expected = Some(Msg::new(en, zh));
        self
    }

    pub fn count(mut self, n: u64) -> Warning {
        self.count = n;
        self
    }
}

/// A line of the file that is not data (title, `sep=`, totals, notes …).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedLine {
    /// Line in the file (1-based; the sheet row for XLSX).
    pub line: u64,
    /// Why: the warning kind, or `sep` for a `sep=;` line, `header` for extra header rows.
    pub reason: String,
    /// The line's text (cells joined by the delimiter), shortened to 200 characters.
    pub text: String,
}

/// Where a dataset came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `"csv"`, `"xlsx"`, `"json"`, `"sample"` or `"join"`.
    pub format: String,
    pub filename: Option<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub sheet: Option<String>,
    /// Every sheet of a workbook, in order (so the user can pick another).
    pub sheets: Vec<String>,
    /// Line of the (first) header row, 1-based; `None` when the file has no header row.
    pub header_row: Option<u64>,
    /// How many rows the header spans (2 for a merged two-row header).
    pub header_rows: u32,
    /// Lines that were not data (title lines, `sep=`, totals, notes …), first 200.
    pub skipped: Vec<SkippedLine>,
    /// Size of the input in bytes.
    pub bytes: u64,
    /// `"lf"`, `"crlf"` or `"cr"` for text files.
    pub line_ending: Option<String>,
    /// The file started with a byte-order mark.
    pub bom: bool,
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
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boolean: bool,
}

/// A table of equal-length named columns, plus its warnings and source.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    columns: Vec<Column>,
    rows: usize,
    /// Line in the file of each row (1-based), when it came from a file
    /// and the rows are not simply consecutive lines.
    lines: Option<Vec<u64>>,
    /// Line of row 0 when `lines` is `None` (rows are consecutive lines).
    line_base: u64,
    warnings: Vec<Warning>,
    source: Source,
    /// Values derived from columns, kept for the next call (see [`Dataset::memo`]).
    memo: Memo,
    /// Values derived from one column's values alone (see [`Dataset::column_memo`]).
    column_memo: Memo,
}

/// Derived values keyed by (kind, key), e.g. the month offsets of a period
/// column, which every trend and alert needs and which cost a pass over all
/// rows. Every `&mut self` method of [`Dataset`] clears it, so nothing stale
/// survives a change; a clone starts empty; it never affects equality.
#[derive(Default)]
struct Memo(std::sync::Mutex<MemoEntries>);

type MemoValue = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
struct MemoEntries {
    /// (kind, key) → (value, its size in bytes).
    entries: HashMap<(&'static str, String), (MemoValue, u64)>,
    bytes: u64,
}

impl Memo {
    fn get_or_make<T: Any + Send + Sync>(
        &self,
        k: (&'static str, String),
        make: impl FnOnce() -> Result<T>,
        bytes: impl FnOnce(&T) -> u64,
    ) -> Result<Arc<T>> {
        if let Ok(m) = self.0.lock() {
            if let Some(v) = m.entries.get(&k).and_then(|(v, _)| Arc::clone(v).downcast::<T>().ok()) {
                return Ok(v);
            }
        }
        let v = Arc::new(make()?);
        let size = bytes(&v);
        let budget = super::budget::budget();
        if size <= budget / 8 {
            if let Ok(mut m) = self.0.lock() {
                if m.bytes.saturating_add(size) > budget / 4 {
                    m.entries.clear();
                    m.bytes = 0;
                }
                m.bytes = m.bytes.saturating_add(size);
                m.entries.insert(k, (Arc::clone(&v) as MemoValue, size));
            }
        }
        Ok(v)
    }

    fn clear(&mut self) {
        let m = match self.0.get_mut() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        m.entries.clear();
        m.bytes = 0;
    }
}

impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

impl PartialEq for Memo {
    fn eq(&self, _: &Memo) -> bool {
        true
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |m| m.entries.len());
        write!(f, "Memo({n} entries)")
    }
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
        Ok(Dataset {
            columns,
            rows,
            lines: None,
            line_base: 2,
            warnings: Vec::new(),
            source,
            memo: Memo::default(),
            column_memo: Memo::default(),
        })
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

    /// Rows are consecutive lines of the file starting at `first` (no per-row table needed).
    pub fn with_line_base(mut self, first: u64) -> Dataset {
        self.lines = None;
        self.line_base = first;
        self
    }

    /// The per-row line table, when rows are not consecutive lines.
    pub fn lines(&self) -> Option<&[u64]> {
        self.lines.as_deref()
    }

    pub fn with_warnings(mut self, warnings: Vec<Warning>) -> Dataset {
        self.warnings.extend(warnings);
        self
    }

    /// A value derived from this dataset's columns, computed by `make` on the
    /// first call with this `kind` and `key` and shared afterwards, until the
    /// dataset changes. `bytes` tells the value's size: a value over an eighth
    /// of the memory budget is not kept, and the memo empties before it would
    /// hold more than a quarter of it. `make`'s errors are returned, not kept.
    ///
    /// # Errors
    /// Whatever `make` returns.
    pub fn memo<T: Any + Send + Sync>(
        &self,
        kind: &'static str,
        key: &str,
        make: impl FnOnce() -> Result<T>,
        bytes: impl FnOnce(&T) -> u64,
    ) -> Result<Arc<T>> {
        self.memo.get_or_make((kind, key.to_owned()), make, bytes)
    }

    /// Like [`Self::memo`], for a value derived from the values of the column
    /// named `column` alone (such as a period column's month of each row): it
    /// survives role, warning and source changes, and is forgotten only when
    /// columns change (`columns_mut`, `add_column`, `set_column`).
    ///
    /// # Errors
    /// Whatever `make` returns.
    pub fn column_memo<T: Any + Send + Sync>(
        &self,
        kind: &'static str,
        column: &str,
        make: impl FnOnce() -> Result<T>,
        bytes: impl FnOnce(&T) -> u64,
    ) -> Result<Arc<T>> {
        self.column_memo.get_or_make((kind, column.to_owned()), make, bytes)
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
        self.memo.clear();
        self.warnings.push(w);
    }

    /// The file line of a row (1-based); rows count from the line after the
    /// header (line 2) when the dataset did not come from a file.
    pub fn line_of(&self, row: usize) -> u64 {
        self.lines.as_ref().and_then(|l| l.get(row).copied()).unwrap_or(row as u64 + self.line_base)
    }

    pub fn source_mut(&mut self) -> &mut Source {
        self.memo.clear();
        &mut self.source
    }

    pub fn warnings_mut(&mut self) -> &mut Vec<Warning> {
        self.memo.clear();
        &mut self.warnings
    }

    pub fn columns_mut(&mut self) -> &mut [Column] {
        self.memo.clear();
        self.column_memo.clear();
        &mut self.columns
    }

    /// Bytes held by the columns (for memory budgets and reports).
    pub fn heap_bytes(&self) -> usize {
        let cols: usize = self
            .columns
            .iter()
            .map(|c| match &c.data {
                ColumnData::Number(v) | ColumnData::Date { days: v, .. } => v.heap_bytes(),
                ColumnData::Strings { values, .. } => values.heap_bytes(),
            })
            .sum();
        cols + self.lines.as_ref().map_or(0, |l| l.capacity() * 8)
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
    pub fn numbers(&self, name: &str) -> Result<Cow<'_, [f64]>> {
        self.number_column(name).map(Numbers::values)
    }

    /// The stored values of a number (or date) column, for reading row by row.
    ///
    /// # Errors
    /// As [`Self::numbers`].
    pub fn number_column(&self, name: &str) -> Result<&Numbers> {
        let c = self.require(name)?;
        c.as_numbers().ok_or_else(|| {
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
        self.memo.clear();
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
        self.memo.clear();
        self.column_memo.clear();
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
        self.memo.clear();
        self.column_memo.clear();
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
                boolean: c.meta.boolean,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memo_computes_once_keeps_no_errors_and_forgets_on_change() {
        use std::cell::Cell;
        let mut ds = small();
        let calls = Cell::new(0);
        let make = || {
            calls.set(calls.get() + 1);
            Ok(vec![1u32, 2, 3])
        };
        let a = ds.memo("t", "k", make, |v| v.len() as u64 * 4).unwrap();
        let b = ds.memo("t", "k", make, |v| v.len() as u64 * 4).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(calls.get(), 1);
        // Another key, or another kind, is another value.
        ds.memo("t", "other", make, |_| 0).unwrap();
        ds.memo("u", "k", make, |_| 0).unwrap();
        assert_eq!(calls.get(), 3);
        // Errors are returned and not kept.
        let fail = || -> Result<u8> { Err(Error::param("no", "不")) };
        assert!(ds.memo("e", "k", fail, |_| 0).is_err());
        assert_eq!(*ds.memo("e", "k", || Ok(7u8), |_| 0).unwrap(), 7);
        // A clone starts empty; a change empties the memo.
        let c = ds.clone();
        c.memo("t", "k", make, |_| 0).unwrap();
        assert_eq!(calls.get(), 4);
        ds.set_role("score", None).unwrap();
        ds.memo("t", "k", make, |_| 0).unwrap();
        assert_eq!(calls.get(), 5);
        // A value too big for the budget is computed each time, never kept.
        let huge = |_: &Vec<u32>| u64::MAX;
        ds.memo("big", "k", make, huge).unwrap();
        ds.memo("big", "k", make, huge).unwrap();
        assert_eq!(calls.get(), 7);
        assert_eq!(ds, ds.clone(), "the memo never affects equality");
    }

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
