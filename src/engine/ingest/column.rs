//! Typed column builders: one per column, fed one cell per row.
//!
//! The kind a builder starts with comes from the sample (see `infer`); it
//! then parses each cell straight into its storage (`f64` for numbers and
//! dates, interned codes for strings). A cell that does not fit is never
//! lost: its text is kept beside the column, and at the end the column
//! either stays typed (the cell becomes missing, with a warning naming line,
//! column, value and what was expected) or, when too many cells did not
//! fit, turns back into text with every value as written.

use crate::engine::dataset::{
    format_number, CleaningKind, Column, ColumnKind, ColumnMeta, DateOrder, DateUnit, Interned, Role, Warning,
    WarningKind, MISSING_CODE,
};
use crate::engine::dates;
use crate::engine::error::{Error, Result};
use crate::engine::numbers::NumberBuf;

use super::cell::{
    fast_date, fast_number, has_leading_zero, is_na_token, parse_bool, parse_date, parse_number_bytes, parse_yyyymm,
    trim_bytes, DateForm, DateValue, ParsedDate,
};
use super::record::Cell;

/// At most this many cell warnings per column are listed one by one.
pub const CELL_WARN_CAP: usize = 1000;

/// A cell is "too many misfits" when more than this share of a column's
/// present cells do not fit its kind; the column then stays text.
const MISFIT_SHARE: f64 = 0.10;

/// Slash dates wait for the column's day/month order encoded above this.
const SLASH_BASE: f64 = 1e9;

/// Row → line in the file.
#[derive(Debug, Clone, Default)]
pub struct LineMap {
    first: Option<u64>,
    /// `None` while rows are consecutive lines from `first`.
    table: Option<Vec<u64>>,
    rows: usize,
}

impl LineMap {
    pub fn push(&mut self, line: u64) -> Result<()> {
        match (&mut self.table, self.first) {
            (None, None) => self.first = Some(line),
            (None, Some(f)) if f + self.rows as u64 == line => {}
            (None, Some(f)) => {
                let mut t = Vec::new();
                t.try_reserve_exact(self.rows + 1 + self.rows / 4).map_err(|_| too_big("line table"))?;
                t.extend((0..self.rows as u64).map(|i| f + i));
                t.push(line);
                self.table = Some(t);
            }
            (Some(t), _) => {
                if t.len() == t.capacity() {
                    t.try_reserve(t.len().max(1024)).map_err(|_| too_big("line table"))?;
                }
                t.push(line);
            }
        }
        self.rows += 1;
        Ok(())
    }

    pub fn line(&self, row: usize) -> u64 {
        match &self.table {
            Some(t) => t.get(row).copied().unwrap_or(0),
            None => self.first.unwrap_or(2) + row as u64,
        }
    }

    pub fn into_parts(self) -> (u64, Option<Vec<u64>>) {
        (self.first.unwrap_or(2), self.table)
    }

    pub fn heap_bytes(&self) -> usize {
        self.table.as_ref().map_or(0, |t| t.capacity() * 8)
    }
}

pub fn too_big(what: &str) -> Error {
    Error::limit(
        format!("out of memory while growing the {what}; the file is too big for this device"),
        format!("扩展{what}时内存不足；文件对本设备而言过大"),
    )
}

/// Cells that did not fit, in row order: `rows[i]` holds `texts.codes[i]`.
#[derive(Debug, Clone, Default)]
struct Misfits {
    rows: Vec<u32>,
    texts: Interned,
}

impl Misfits {
    fn push(&mut self, row: u32, text: &[u8]) {
        self.rows.push(row);
        let c = self.texts.intern_bytes(text);
        self.texts.codes.push(c);
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn iter(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.rows
            .iter()
            .zip(&self.texts.codes)
            .map(|(&r, &c)| (r as usize, self.texts.dict.get(c as usize).map_or("", String::as_str)))
    }

    fn heap_bytes(&self) -> usize {
        self.rows.capacity() * 4 + self.texts.heap_bytes()
    }
}

/// Counts of the cleaning a column needed.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    trimmed: u64,
    thousands: u64,
    percent: u64,
    full_width: u64,
    currency: u64,
    na: u64,
    forms: [u64; 5],
    excel: u64,
    excel_day_gt12: u64,
    two_digit: u64,
    time: u64,
    months: u64,
    days: u64,
    /// Slash dates that settle month-first (second part > 12) / day-first (first part > 12) / neither.
    mdy: u64,
    dmy: u64,
    ambiguous: u64,
    first_mdy: Option<(u32, u32, i32)>,
    first_dmy: Option<(u32, u32, i32)>,
    first_ambiguous: Option<(u32, u32, i32)>,
}

/// How a builder stores its cells.
#[derive(Debug, Clone)]
enum Store {
    Number { values: NumberBuf, misfits: Misfits, zeros: Misfits },
    Date { days: NumberBuf, misfits: Misfits },
    Strings { values: Interned },
}

/// What the sample says a column holds (the builder's starting kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Number,
    Date,
    /// Text, categories, booleans, and columns with nothing in the sample:
    /// interned, with the final kind decided from the dictionary at the end.
    Strings,
}

/// Per-column settings from the load options and the header.
#[derive(Debug, Clone, Default)]
pub struct ColumnSpec {
    pub name: String,
    pub role: Option<Role>,
    pub original_name: Option<String>,
    /// The header suggests dates (`入职日期`, `HireDate`): integer serials may be Excel dates.
    pub date_header: bool,
    pub date_order: Option<DateOrder>,
    /// Keep number and date values as scaled decimals where exact (see [`NumberBuf`]).
    pub compact: bool,
}

#[derive(Debug, Clone)]
pub struct ColumnBuilder {
    pub spec: ColumnSpec,
    store: Store,
    counts: Counts,
}

fn id_like(role: Option<Role>) -> bool {
    matches!(role, Some(Role::EmployeeId | Role::ManagerId | Role::Name))
}

fn encode_slash(a: u32, b: u32, year: i32) -> f64 {
    SLASH_BASE + f64::from(year) * 10_000.0 + f64::from(a) * 100.0 + f64::from(b)
}

fn decode_slash(v: f64) -> (u32, u32, i32) {
    let x = (v - SLASH_BASE) as i64;
    ((x / 100 % 100) as u32, (x % 100) as u32, (x / 10_000) as i32)
}

impl ColumnBuilder {
    pub fn new(spec: ColumnSpec, plan: Plan, capacity: usize) -> Result<ColumnBuilder> {
        let store = match plan {
            Plan::Number => Store::Number {
                values: NumberBuf::new(spec.compact),
                misfits: Misfits::default(),
                zeros: Misfits::default(),
            },
            Plan::Date => Store::Date { days: NumberBuf::new(spec.compact), misfits: Misfits::default() },
            Plan::Strings => Store::Strings { values: Interned::new() },
        };
        let mut b = ColumnBuilder { spec, store, counts: Counts::default() };
        b.reserve(capacity)?;
        Ok(b)
    }

    pub fn len(&self) -> usize {
        match &self.store {
            Store::Number { values, .. } => values.len(),
            Store::Date { days, .. } => days.len(),
            Store::Strings { values } => values.codes.len(),
        }
    }

    pub fn capacity(&self) -> usize {
        match &self.store {
            Store::Number { values, .. } => values.capacity(),
            Store::Date { days, .. } => days.capacity(),
            Store::Strings { values } => values.codes.capacity(),
        }
    }

    /// Room for `additional` more rows (checked: a failed allocation is a `LimitError`).
    pub fn reserve(&mut self, additional: usize) -> Result<()> {
        let ok = match &mut self.store {
            Store::Number { values, .. } => values.try_reserve(additional).is_ok(),
            Store::Date { days, .. } => days.try_reserve(additional).is_ok(),
            Store::Strings { values } => values.codes.try_reserve_exact(additional).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(too_big(&format!("column \"{}\"", self.spec.name)))
        }
    }

    pub fn heap_bytes(&self) -> usize {
        match &self.store {
            Store::Number { values, misfits, zeros } => values.heap_bytes() + misfits.heap_bytes() + zeros.heap_bytes(),
            Store::Date { days, misfits } => days.heap_bytes() + misfits.heap_bytes(),
            Store::Strings { values } => values.heap_bytes(),
        }
    }

    /// Append one cell of row `row`.
    #[inline]
    pub fn push(&mut self, cell: Cell<'_>, row: u32) {
        match &mut self.store {
            Store::Number { values, misfits, zeros } => match cell {
                Cell::Text(b) => {
                    if b.is_empty() {
                        values.push(f64::NAN);
                    } else if let Some(v) = fast_number(b) {
                        if has_leading_zero(b) {
                            zeros.push(row, b);
                        }
                        values.push(v);
                    } else {
                        let v = number_slow(&mut self.counts, b, row, misfits, zeros);
                        values.push(v);
                    }
                }
                Cell::Empty => values.push(f64::NAN),
                Cell::Number(v) => values.push(v),
                Cell::Bool(b) => values.push(if b { 1.0 } else { 0.0 }),
                Cell::Date { .. } => {
                    misfits.push(row, cell.text().as_bytes());
                    values.push(f64::NAN);
                }
            },
            Store::Date { days, misfits } => {
                let v = match cell {
                    Cell::Empty => f64::NAN,
                    Cell::Text(b) => date_text(&mut self.counts, self.spec.role, b, row, misfits),
                    Cell::Date { days: d, time } => {
                        self.counts.excel += 1;
                        self.counts.days += 1;
                        self.counts.time += u64::from(time);
                        let (_, _, dd) = dates::civil_from_days(d as i64);
                        self.counts.excel_day_gt12 += u64::from(dd > 12);
                        d
                    }
                    Cell::Number(_) | Cell::Bool(_) => {
                        misfits.push(row, cell.text().as_bytes());
                        f64::NAN
                    }
                };
                days.push(v);
            }
            Store::Strings { values } => {
                let code = match cell {
                    Cell::Empty => MISSING_CODE,
                    Cell::Text(b) => {
                        let t = trim_bytes(b);
                        if t.is_empty() {
                            MISSING_CODE
                        } else {
                            if t.len() != b.len() {
                                self.counts.trimmed += 1;
                            }
                            if t.len() <= 6 && is_na_token(t) {
                                self.counts.na += 1;
                                MISSING_CODE
                            } else {
                                values.intern_bytes(t)
                            }
                        }
                    }
                    other => values.intern(&other.text()),
                };
                values.codes.push(code);
            }
        }
    }

    /// Turn the builder into a column, with its warnings.
    pub fn finish(self, lines: &LineMap, warnings: &mut Vec<Warning>) -> Column {
        let ColumnBuilder { spec, store, counts } = self;
        let compact = spec.compact;
        // Cleaning rewrites values in place, so it works on f64s; a compact
        // column is decoded for that (one column at a time) and compacted again.
        let col = match store {
            Store::Number { values, misfits, zeros } => {
                finish_number(spec, counts, values.finish().into_f64(), misfits, zeros, lines, warnings)
            }
            Store::Date { days, misfits } => {
                finish_date(spec, counts, days.finish().into_f64(), misfits, lines, warnings)
            }
            Store::Strings { values } => finish_strings(spec, counts, values, lines, warnings),
        };
        if compact {
            col.compacted()
        } else {
            col
        }
    }
}

#[cold]
fn number_slow(c: &mut Counts, b: &[u8], row: u32, misfits: &mut Misfits, zeros: &mut Misfits) -> f64 {
    let t = trim_bytes(b);
    if t.is_empty() {
        return f64::NAN;
    }
    if t.len() != b.len() {
        c.trimmed += 1;
    }
    if is_na_token(t) {
        c.na += 1;
        return f64::NAN;
    }
    if let Some((v, f)) = parse_number_bytes(t) {
        if has_leading_zero(t) {
            zeros.push(row, t);
        }
        c.thousands += u64::from(f.thousands);
        c.percent += u64::from(f.percent);
        c.full_width += u64::from(f.full_width);
        c.currency += u64::from(f.currency);
        return v;
    }
    misfits.push(row, t);
    f64::NAN
}

fn note_date(c: &mut Counts, p: &ParsedDate) -> f64 {
    let form = match p.form {
        DateForm::Iso => 0,
        DateForm::Chinese => 1,
        DateForm::YearMonth => 2,
        DateForm::MonthName => 3,
        DateForm::Slash => 4,
    };
    if let Some(f) = c.forms.get_mut(form) {
        *f += 1;
    }
    c.two_digit += u64::from(p.two_digit);
    match p.value {
        DateValue::Day { days, time } => {
            c.days += 1;
            c.time += u64::from(time);
            days
        }
        DateValue::Month { days } => {
            c.months += 1;
            days
        }
        DateValue::Slash { a, b, year, time } => {
            c.days += 1;
            c.time += u64::from(time);
            if a > 12 {
                c.dmy += 1;
                c.first_dmy.get_or_insert((a, b, year));
            } else if b > 12 {
                c.mdy += 1;
                c.first_mdy.get_or_insert((a, b, year));
            } else if a != b {
                c.ambiguous += 1;
                c.first_ambiguous.get_or_insert((a, b, year));
            }
            encode_slash(a, b, year)
        }
    }
}

fn date_text(c: &mut Counts, role: Option<Role>, b: &[u8], row: u32, misfits: &mut Misfits) -> f64 {
    let t = trim_bytes(b);
    if t.is_empty() {
        return f64::NAN;
    }
    if t.len() != b.len() {
        c.trimmed += 1;
    }
    if t.len() <= 6 && is_na_token(t) {
        c.na += 1;
        return f64::NAN;
    }
    if let Some(p) = fast_date(t).or_else(|| std::str::from_utf8(t).ok().and_then(parse_date)) {
        return note_date(c, &p);
    }
    if role == Some(Role::Period) {
        if let Some(d) = parse_yyyymm(t) {
            c.months += 1;
            if let Some(f) = c.forms.get_mut(2) {
                *f += 1;
            }
            return d;
        }
    }
    misfits.push(row, t);
    f64::NAN
}

/// Warnings for cells left empty, the first [`CELL_WARN_CAP`] one by one.
fn misfit_warnings(
    name: &str,
    items: impl Iterator<Item = (usize, String)>,
    what: (&str, &str),
    lines: &LineMap,
    warnings: &mut Vec<Warning>,
) {
    let mut n = 0usize;
    let mut first_extra = None;
    for (row, text) in items {
        n += 1;
        if n <= CELL_WARN_CAP {
            warnings.push(
                Warning::new(
                    Some(lines.line(row)),
                    Some(name),
                    crate::engine::error::Msg::new(
                        format!("\"{text}\" is not {}; cell left empty", what.0),
                        format!("“{text}”不是{}；该单元格按空值处理", what.1),
                    ),
                )
                .kind(WarningKind::BadValue)
                .value(text)
                .expected(what.0, what.1),
            );
        } else if first_extra.is_none() {
            first_extra = Some(lines.line(row));
        }
    }
    if n > CELL_WARN_CAP {
        let more = (n - CELL_WARN_CAP) as u64;
        warnings.push(
            Warning::new(
                first_extra,
                Some(name),
                crate::engine::error::Msg::new(
                    format!("{more} more cells are not {} (not listed one by one); they were left empty", what.0),
                    format!("另有 {more} 个单元格不是{}（未逐条列出），已按空值处理", what.1),
                ),
            )
            .kind(WarningKind::BadValue)
            .count(more),
        );
    }
}

/// Rebuild a column as text: every cell as written where we kept it, else its display form.
fn as_text(
    spec: ColumnSpec,
    mut meta: ColumnMeta,
    n: usize,
    display: impl Fn(usize) -> Option<String>,
    kept: &[&Misfits],
    reason: (String, String),
) -> Column {
    let mut values = Interned::with_capacity(n);
    let mut cursors: Vec<std::iter::Peekable<_>> = kept.iter().map(|m| m.iter().peekable()).collect();
    for row in 0..n {
        let mut text = None;
        for c in cursors.iter_mut() {
            while c.peek().is_some_and(|(r, _)| *r < row) {
                c.next();
            }
            if let Some((r, t)) = c.peek() {
                if *r == row && text.is_none() {
                    text = Some((*t).to_owned());
                }
            }
        }
        values.push(text.or_else(|| display(row)).as_deref());
    }
    let kind =
        strings_kind(spec.role, values.dict.len(), n - values.codes.iter().filter(|&&c| c == MISSING_CODE).count());
    meta.step(CleaningKind::AsText, n as u64, reason.0, reason.1);
    let mut col = Column::strings(spec.name, values, kind).with_role(spec.role);
    meta.percent = false;
    meta.original_name = spec.original_name;
    col.meta = meta;
    col
}

fn strings_kind(role: Option<Role>, distinct: usize, present: usize) -> ColumnKind {
    if id_like(role) || (distinct > 50 && distinct * 2 > present) {
        ColumnKind::Text
    } else {
        ColumnKind::Category
    }
}

fn number_meta(c: &Counts, present: u64) -> ColumnMeta {
    let mut m = ColumnMeta::default();
    m.step(
        CleaningKind::Trimmed,
        c.trimmed,
        format!("{} cells trimmed of spaces", c.trimmed),
        format!("{} 个单元格去除了首尾空格", c.trimmed),
    );
    m.step(
        CleaningKind::Thousands,
        c.thousands,
        format!("{} thousands separators removed", c.thousands),
        format!("{} 个数字去除了千位分隔符", c.thousands),
    );
    m.step(
        CleaningKind::Percent,
        c.percent,
        format!("{} percentages divided by 100", c.percent),
        format!("{} 个百分数已除以 100", c.percent),
    );
    m.step(
        CleaningKind::FullWidth,
        c.full_width,
        format!("{} full-width numbers converted", c.full_width),
        format!("{} 个全角数字已转换", c.full_width),
    );
    m.step(
        CleaningKind::Currency,
        c.currency,
        format!("{} currency signs or units removed", c.currency),
        format!("{} 个货币符号或单位已去除", c.currency),
    );
    m.step(
        CleaningKind::NaTokens,
        c.na,
        format!("{} cells such as N/A read as missing", c.na),
        format!("{} 个 N/A 之类的单元格按缺失处理", c.na),
    );
    m.percent = c.percent > 0 && c.percent * 2 >= present;
    m
}

fn finish_number(
    spec: ColumnSpec,
    counts: Counts,
    mut values: Vec<f64>,
    misfits: Misfits,
    zeros: Misfits,
    lines: &LineMap,
    warnings: &mut Vec<Warning>,
) -> Column {
    let ok = values.iter().filter(|v| !v.is_nan()).count();
    let present = ok + misfits.len();
    let meta = number_meta(&counts, ok as u64);
    let n = values.len();
    let display = |row: usize| values.get(row).filter(|v| !v.is_nan()).map(|&v| format_number(v));
    if zeros.len() > 0 {
        let ex = zeros.iter().next().map(|(_, t)| t.to_owned()).unwrap_or_default();
        return as_text(
            spec,
            meta,
            n,
            display,
            &[&misfits, &zeros],
            (
                format!("kept as text: {} values such as \"{ex}\" have leading zeros (identifiers)", zeros.len()),
                format!("按文本保留：{} 个值（如“{ex}”）有前导零，是编号", zeros.len()),
            ),
        );
    }
    if present > 0 && misfits.len() as f64 > MISFIT_SHARE * present as f64 {
        let ex = misfits.iter().next().map(|(_, t)| t.to_owned()).unwrap_or_default();
        return as_text(
            spec,
            meta,
            n,
            display,
            &[&misfits],
            (
                format!("kept as text: {} of {present} values (such as \"{ex}\") are not numbers", misfits.len()),
                format!("按文本保留：{present} 个值中有 {} 个（如“{ex}”）不是数字", misfits.len()),
            ),
        );
    }
    // Integer day numbers under a date header are Excel serials (1927–2119).
    let serial = spec.date_header
        && ok > 0
        && misfits.len() == 0
        && counts.percent == 0
        && values.iter().filter(|v| !v.is_nan()).all(|&v| v.fract() == 0.0 && (10_000.0..=80_000.0).contains(&v));
    if serial {
        for v in values.iter_mut().filter(|v| !v.is_nan()) {
            *v -= 25_569.0;
        }
        let mut col = Column::date(spec.name, values, DateUnit::Day).with_role(spec.role);
        col.meta.step(
            CleaningKind::ExcelSerials,
            ok as u64,
            format!("{ok} Excel serial day numbers converted to dates"),
            format!("{ok} 个 Excel 日期序号已转换为日期"),
        );
        col.meta.original_name = spec.original_name;
        return col;
    }
    // 202403-style months in a period column.
    if spec.role == Some(Role::Period) && ok > 0 && misfits.len() == 0 {
        let months: Option<Vec<f64>> = values
            .iter()
            .map(|&v| if v.is_nan() { Some(f64::NAN) } else { parse_yyyymm(format_number(v).as_bytes()) })
            .collect();
        if let Some(months) = months {
            let mut col = Column::date(spec.name, months, DateUnit::Month).with_role(spec.role);
            col.meta.step(
                CleaningKind::Dates,
                ok as u64,
                format!("{ok} months written as YYYYMM read"),
                format!("{ok} 个 YYYYMM 形式的月份已识别"),
            );
            col.meta.original_name = spec.original_name;
            return col;
        }
    }
    misfit_warnings(&spec.name, misfits.iter().map(|(r, t)| (r, t.to_owned())), ("a number", "数字"), lines, warnings);
    let mut col = Column::number(spec.name, values).with_role(spec.role);
    col.meta = meta;
    col.meta.original_name = spec.original_name;
    col
}

fn show_slash((a, b, y): (u32, u32, i32)) -> String {
    format!("{a}/{b}/{y}")
}

fn finish_date(
    spec: ColumnSpec,
    c: Counts,
    mut days: Vec<f64>,
    mut misfits: Misfits,
    lines: &LineMap,
    warnings: &mut Vec<Warning>,
) -> Column {
    let name = spec.name.clone();
    let mut meta = ColumnMeta::default();
    let slash = c.forms.get(4).copied().unwrap_or(0);
    // The day/month order of slash dates, from the evidence.
    let (order, ambiguous) = match spec.date_order {
        Some(o) if o != DateOrder::Ymd => (o, false),
        _ if c.dmy > 0 && c.mdy == 0 => (DateOrder::Dmy, false),
        _ if c.mdy > 0 && c.dmy == 0 => (DateOrder::Mdy, false),
        _ if c.mdy > 0 && c.dmy > 0 => (if c.dmy > c.mdy { DateOrder::Dmy } else { DateOrder::Mdy }, false),
        _ => (DateOrder::Mdy, c.ambiguous > 0),
    };
    let mut conflicts: Vec<(usize, String)> = Vec::new();
    if slash > 0 {
        for (row, v) in days.iter_mut().enumerate() {
            if *v >= SLASH_BASE {
                let (a, b, y) = decode_slash(*v);
                let (m, d) = if order == DateOrder::Dmy { (b, a) } else { (a, b) };
                if dates::is_valid(y, m, d) {
                    *v = dates::days_from_civil(y, m, d) as f64;
                } else {
                    *v = f64::NAN;
                    conflicts.push((row, show_slash((a, b, y))));
                }
            }
        }
        meta.date_order = Some(order);
        meta.date_ambiguous = ambiguous;
        let (oen, ozh) = match order {
            DateOrder::Dmy => ("day/month/year", "日/月/年"),
            _ => ("month/day/year", "月/日/年"),
        };
        let why = if spec.date_order.is_some() {
            ("as the dateOrder option says".to_owned(), "按 dateOrder 选项".to_owned())
        } else if ambiguous {
            let ex = c.first_ambiguous.map(show_slash).unwrap_or_default();
            (
                format!("assumed: no value settles it (e.g. \"{ex}\" fits both)"),
                format!("为假定：没有值能判定（如“{ex}”两种读法都成立）"),
            )
        } else {
            let (n, ex) = if order == DateOrder::Dmy { (c.dmy, c.first_dmy) } else { (c.mdy, c.first_mdy) };
            let ex = ex.map(show_slash).unwrap_or_default();
            (
                format!("decided by {n} values with a day above 12, e.g. \"{ex}\""),
                format!("由 {n} 个日大于 12 的值判定，如“{ex}”"),
            )
        };
        meta.step(
            CleaningKind::DateOrder,
            slash,
            format!("{slash} slash dates read as {oen}, {}", why.0),
            format!("{slash} 个斜杠日期按{ozh}读取，{}", why.1),
        );
        if ambiguous {
            let ex = c.first_ambiguous.map(show_slash).unwrap_or_default();
            let w = Warning::new(
                None,
                Some(&name),
                crate::engine::error::Msg::new(
                    format!(
                        "day/month order cannot be decided: {} dates such as \"{ex}\" fit both; read as month/day/year (set dateOrder: \"dmy\" for day/month/year)",
                        c.ambiguous
                    ),
                    format!(
                        "无法判断日/月顺序：{} 个日期（如“{ex}”）两种读法都成立；已按月/日/年读取（若为日/月/年请设置 dateOrder: \"dmy\"）",
                        c.ambiguous
                    ),
                ),
            )
            .kind(WarningKind::DateAmbiguous)
            .value(ex)
            .count(c.ambiguous);
            warnings.push(w);
        }
    }
    let forms = [
        ("YYYY-MM-DD", "年-月-日"),
        ("年月日", "中文年月日"),
        ("YYYY-MM", "年-月"),
        ("month names", "英文月份"),
        ("M/D/Y", "斜杠日期"),
    ];
    let used: Vec<String> =
        forms.iter().zip(c.forms).filter(|(_, n)| *n > 0).map(|((en, _), n)| format!("{n} {en}")).collect();
    let used_zh: Vec<String> =
        forms.iter().zip(c.forms).filter(|(_, n)| *n > 0).map(|((_, zh), n)| format!("{zh} {n} 个")).collect();
    let text_dates: u64 = c.forms.iter().sum();
    if used.len() > 1 || c.excel > 0 && text_dates > 0 {
        meta.step(
            CleaningKind::Dates,
            text_dates,
            format!("dates written in several forms read: {}", used.join(", ")),
            format!("已识别多种写法的日期：{}", used_zh.join("，")),
        );
    }
    meta.step(
        CleaningKind::ExcelSerials,
        c.excel,
        format!("{} Excel dates read", c.excel),
        format!("已读取 {} 个 Excel 日期", c.excel),
    );
    meta.step(
        CleaningKind::TwoDigitYears,
        c.two_digit,
        format!("{} two-digit years expanded (00–29 → 20xx, 30–99 → 19xx)", c.two_digit),
        format!("{} 个两位年份已补全（00–29 → 20xx，30–99 → 19xx）", c.two_digit),
    );
    meta.step(
        CleaningKind::TimeDropped,
        c.time,
        format!("{} times of day dropped", c.time),
        format!("{} 个时间部分已去掉", c.time),
    );
    meta.step(
        CleaningKind::Trimmed,
        c.trimmed,
        format!("{} cells trimmed of spaces", c.trimmed),
        format!("{} 个单元格去除了首尾空格", c.trimmed),
    );
    meta.step(
        CleaningKind::NaTokens,
        c.na,
        format!("{} cells such as N/A read as missing", c.na),
        format!("{} 个 N/A 之类的单元格按缺失处理", c.na),
    );
    // Excel dates beside month-first text dates, and not one Excel date with a
    // day above 12: the workbook was re-saved with day-first reading.
    if c.excel > 0 && text_dates > 0 {
        let swapped = c.excel >= 5 && c.excel_day_gt12 == 0 && c.mdy > 0;
        let (en, zh) = if swapped {
            (
                format!(
                    "{} cells are Excel dates and {text_dates} are text dates; every Excel date has a day of 12 or less while the text dates are month/day/year with days above 12: the Excel dates were probably read day-first when the file was saved (day and month swapped)",
                    c.excel
                ),
                format!(
                    "{} 个单元格是 Excel 日期，{text_dates} 个是文本日期；所有 Excel 日期的日都不超过 12，而文本日期是日大于 12 的月/日/年：保存文件时 Excel 很可能按日/月读取了这些日期（日和月颠倒）",
                    c.excel
                ),
            )
        } else {
            (
                format!("{} cells are Excel dates and {text_dates} are text dates; check that they agree", c.excel),
                format!("{} 个单元格是 Excel 日期，{text_dates} 个是文本日期；请核对两者是否一致", c.excel),
            )
        };
        warnings.push(
            Warning::new(None, Some(&name), crate::engine::error::Msg::new(en, zh))
                .kind(WarningKind::DateMixed)
                .count(c.excel),
        );
    }
    let present = days.iter().filter(|v| !v.is_nan()).count() + misfits.len() + conflicts.len();
    let bad = misfits.len() + conflicts.len();
    if present > 0 && bad as f64 > MISFIT_SHARE * present as f64 {
        for (row, t) in &conflicts {
            misfits.rows.push(*row as u32);
            let code = misfits.texts.intern(t);
            misfits.texts.codes.push(code);
        }
        // Keep rows in order for the merge in `as_text`.
        let mut pairs: Vec<(u32, u32)> =
            misfits.rows.iter().copied().zip(misfits.texts.codes.iter().copied()).collect();
        pairs.sort_unstable();
        misfits.rows = pairs.iter().map(|p| p.0).collect();
        misfits.texts.codes = pairs.iter().map(|p| p.1).collect();
        let unit_month = c.days == 0;
        let ex = misfits.iter().next().map(|(_, t)| t.to_owned()).unwrap_or_default();
        let display = |row: usize| {
            days.get(row).filter(|v| !v.is_nan()).map(|&d| {
                if unit_month {
                    dates::month_index(d).map(dates::format_month).unwrap_or_default()
                } else {
                    dates::format_day(d)
                }
            })
        };
        let n = days.len();
        return as_text(
            spec,
            meta,
            n,
            display,
            &[&misfits],
            (
                format!("kept as text: {bad} of {present} values (such as \"{ex}\") are not dates"),
                format!("按文本保留：{present} 个值中有 {bad} 个（如“{ex}”）不是日期"),
            ),
        );
    }
    misfit_warnings(&name, misfits.iter().map(|(r, t)| (r, t.to_owned())), ("a date", "日期"), lines, warnings);
    if !conflicts.is_empty() {
        let (en, zh) = match order {
            DateOrder::Dmy => {
                ("a date in day/month/year order (the column's order)", "日/月/年顺序的日期（本列的顺序）")
            }
            _ => ("a date in month/day/year order (the column's order)", "月/日/年顺序的日期（本列的顺序）"),
        };
        misfit_warnings(&name, conflicts.into_iter(), (en, zh), lines, warnings);
    }
    let unit = if c.days == 0 && c.months > 0 { DateUnit::Month } else { DateUnit::Day };
    let mut col = Column::date(spec.name, days, unit).with_role(spec.role);
    meta.original_name = spec.original_name;
    col.meta = meta;
    col
}

/// What one distinct string is, for deciding a string column's kind.
#[derive(Debug, Clone, Copy)]
struct Entry {
    number: Option<(f64, super::cell::NumFlags)>,
    leading_zero: bool,
    boolean: Option<bool>,
    date: Option<ParsedDate>,
}

fn finish_strings(
    spec: ColumnSpec,
    c: Counts,
    values: Interned,
    lines: &LineMap,
    warnings: &mut Vec<Warning>,
) -> Column {
    let n = values.codes.len();
    let mut freq = vec![0u64; values.dict.len()];
    for &code in &values.codes {
        if let Some(f) = freq.get_mut(code as usize) {
            *f += 1;
        }
    }
    let present: u64 = freq.iter().sum();
    let mut base = ColumnMeta::default();
    base.step(
        CleaningKind::Trimmed,
        c.trimmed,
        format!("{} cells trimmed of spaces", c.trimmed),
        format!("{} 个单元格去除了首尾空格", c.trimmed),
    );
    base.step(
        CleaningKind::NaTokens,
        c.na,
        format!("{} cells such as N/A read as missing", c.na),
        format!("{} 个 N/A 之类的单元格按缺失处理", c.na),
    );
    if present > 0 && !id_like(spec.role) {
        let entries: Vec<Entry> = values
            .dict
            .iter()
            .map(|s| Entry {
                number: parse_number_bytes(s.as_bytes()),
                leading_zero: has_leading_zero(s.as_bytes()),
                boolean: parse_bool(s.as_bytes()),
                date: parse_date(s).or_else(|| {
                    (spec.role == Some(Role::Period)).then(|| parse_yyyymm(s.as_bytes())).flatten().map(|days| {
                        ParsedDate { value: DateValue::Month { days }, form: DateForm::YearMonth, two_digit: false }
                    })
                }),
            })
            .collect();
        let weight = |f: &dyn Fn(&Entry) -> bool| -> u64 {
            entries.iter().zip(&freq).filter(|(e, _)| f(e)).map(|(_, n)| *n).sum()
        };
        // Booleans: every value is a yes/no token.
        if weight(&|e| e.boolean.is_some()) == present {
            let nums: Vec<f64> = values
                .codes
                .iter()
                .map(|&code| {
                    entries.get(code as usize).and_then(|e| e.boolean).map_or(f64::NAN, |b| if b { 1.0 } else { 0.0 })
                })
                .collect();
            let mut col = Column::number(spec.name, nums).with_role(spec.role);
            let pairs: Vec<&str> = values.dict.iter().map(String::as_str).collect();
            col.meta = base;
            col.meta.boolean = true;
            col.meta.step(
                CleaningKind::Booleans,
                present,
                format!("{present} yes/no values ({}) stored as 1/0", pairs.join("/")),
                format!("{present} 个是/否值（{}）存为 1/0", pairs.join("/")),
            );
            col.meta.original_name = spec.original_name;
            return col;
        }
        let no_zeros = !entries.iter().zip(&freq).any(|(e, n)| e.leading_zero && *n > 0);
        let numbers = weight(&|e| e.number.is_some());
        let dates = weight(&|e| e.date.is_some());
        let enough = |k: u64| k > 0 && (present - k) as f64 <= MISFIT_SHARE * present as f64;
        if dates >= numbers && enough(dates) {
            // Replay through a date builder: each distinct value parsed once.
            let mut counts = Counts { trimmed: c.trimmed, na: c.na, ..Counts::default() };
            let mut misfits = Misfits::default();
            let mut days = Vec::with_capacity(n);
            let parsed: Vec<Option<f64>> =
                entries.iter().map(|e| e.date.map(|p| note_date(&mut Counts::default(), &p))).collect();
            for (code, e) in entries.iter().enumerate() {
                if let (Some(p), Some(&k)) = (e.date, freq.get(code)) {
                    for _ in 0..k {
                        note_date(&mut counts, &p);
                    }
                }
            }
            for (row, &code) in values.codes.iter().enumerate() {
                if code == MISSING_CODE {
                    days.push(f64::NAN);
                    continue;
                }
                match parsed.get(code as usize).copied().flatten() {
                    Some(d) => days.push(d),
                    None => {
                        misfits.push(row as u32, values.dict.get(code as usize).map_or("", String::as_str).as_bytes());
                        days.push(f64::NAN);
                    }
                }
            }
            return finish_date(spec, counts, days, misfits, lines, warnings);
        }
        if no_zeros && enough(numbers) {
            let mut counts = Counts { trimmed: c.trimmed, na: c.na, ..Counts::default() };
            for (e, &k) in entries.iter().zip(&freq) {
                if let Some((_, f)) = e.number {
                    counts.thousands += k * u64::from(f.thousands);
                    counts.percent += k * u64::from(f.percent);
                    counts.full_width += k * u64::from(f.full_width);
                    counts.currency += k * u64::from(f.currency);
                }
            }
            let mut misfits = Misfits::default();
            let mut nums = Vec::with_capacity(n);
            for (row, &code) in values.codes.iter().enumerate() {
                match entries.get(code as usize) {
                    None => nums.push(f64::NAN),
                    Some(e) => match e.number {
                        Some((v, _)) => nums.push(v),
                        None => {
                            misfits
                                .push(row as u32, values.dict.get(code as usize).map_or("", String::as_str).as_bytes());
                            nums.push(f64::NAN);
                        }
                    },
                }
            }
            return finish_number(spec, counts, nums, misfits, Misfits::default(), lines, warnings);
        }
    }
    let kind = strings_kind(spec.role, values.dict.len(), present as usize);
    let mut col = Column::strings(spec.name, values, kind).with_role(spec.role);
    col.meta = base;
    col.meta.original_name = spec.original_name;
    col
}

/// The builder's data as a finished column of the right length (used in tests).
#[cfg(test)]
pub fn finish_one(b: ColumnBuilder) -> (Column, Vec<Warning>) {
    let mut lines = LineMap::default();
    for i in 0..b.len() {
        lines.push(i as u64 + 2).unwrap();
    }
    let mut w = Vec::new();
    let c = b.finish(&lines, &mut w);
    (c, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(plan: Plan, cells: &[&str]) -> (Column, Vec<Warning>) {
        build_spec(ColumnSpec { name: "c".into(), ..ColumnSpec::default() }, plan, cells)
    }

    fn build_spec(spec: ColumnSpec, plan: Plan, cells: &[&str]) -> (Column, Vec<Warning>) {
        let mut b = ColumnBuilder::new(spec, plan, cells.len()).unwrap();
        for (i, c) in cells.iter().enumerate() {
            b.push(Cell::Text(c.as_bytes()), i as u32);
        }
        finish_one(b)
    }

    #[test]
    fn numbers_keep_values_and_warn_misfits() {
        let mut cells: Vec<&str> = vec!["1", "2,000", " 3 ", "85%", "N/A", ""];
        cells.extend(["4"; 20]);
        cells.push("oops");
        let (c, w) = build(Plan::Number, &cells);
        let v = c.as_f64().unwrap();
        assert_eq!(&v[..4], &[1.0, 2000.0, 3.0, 0.85]);
        assert!(v[4].is_nan() && v[5].is_nan() && v[26].is_nan());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].row, Some(28));
        assert_eq!(w[0].value.as_deref(), Some("oops"));
        assert_eq!(w[0].kind, WarningKind::BadValue);
        let steps: Vec<CleaningKind> = c.meta.cleaning.iter().map(|s| s.step).collect();
        assert!(steps.contains(&CleaningKind::Thousands) && steps.contains(&CleaningKind::NaTokens));
    }

    #[test]
    fn too_many_misfits_keep_every_value_as_text() {
        let (c, w) = build(Plan::Number, &["1", "2", "x", "y", "1,234"]);
        assert_eq!(c.kind(), ColumnKind::Category);
        let shown: Vec<_> = (0..5).map(|i| c.display(i).unwrap().into_owned()).collect();
        assert_eq!(shown, ["1", "2", "x", "y", "1234"]);
        assert!(w.is_empty());
        assert_eq!(c.meta.cleaning.last().unwrap().step, CleaningKind::AsText);
    }

    #[test]
    fn leading_zeros_turn_numbers_back_into_ids() {
        let (c, _) = build(Plan::Number, &["1960", "01960", "2134"]);
        assert_eq!(c.display(1).as_deref(), Some("01960"));
        assert_eq!(c.display(0).as_deref(), Some("1960"));
    }

    #[test]
    fn slash_dates_take_the_order_the_evidence_gives() {
        let (c, w) = build(Plan::Date, &["7/5/2011", "7/25/2011", "1/2/2012"]);
        assert_eq!(c.meta.date_order, Some(DateOrder::Mdy));
        assert!(!c.meta.date_ambiguous);
        assert_eq!(c.display(0).as_deref(), Some("2011-07-05"));
        assert!(w.is_empty());
        let (c, _) = build(Plan::Date, &["7/5/2011", "25/7/2011"]);
        assert_eq!(c.meta.date_order, Some(DateOrder::Dmy));
        assert_eq!(c.display(0).as_deref(), Some("2011-05-07"));
        let (c, w) = build(Plan::Date, &["7/5/2011", "3/4/2012"]);
        assert!(c.meta.date_ambiguous);
        assert_eq!(w[0].kind, WarningKind::DateAmbiguous);
        let spec = ColumnSpec { name: "d".into(), date_order: Some(DateOrder::Dmy), ..ColumnSpec::default() };
        let (c, w) = build_spec(spec, Plan::Date, &["7/5/2011", "3/4/2012"]);
        assert_eq!(c.display(0).as_deref(), Some("2011-05-07"));
        assert!(w.is_empty());
    }

    #[test]
    fn strings_become_booleans_numbers_or_dates_from_their_dictionary() {
        let (c, _) = build(Plan::Strings, &["是", "否", "是", ""]);
        assert!(c.meta.boolean);
        assert_eq!(&c.as_f64().unwrap()[..3], &[1.0, 0.0, 1.0]);
        let (c, _) = build(Plan::Strings, &["", "3", "4.5"]);
        assert_eq!(c.kind(), ColumnKind::Number);
        let (c, _) = build(Plan::Strings, &["", "2024年3月", "2024-04"]);
        assert_eq!(c.kind(), ColumnKind::Date);
        assert_eq!(c.display(1).as_deref(), Some("2024-03"));
        let (c, _) = build(Plan::Strings, &["Production       ", "Sales", " Sales"]);
        assert_eq!(c.display(0).as_deref(), Some("Production"));
        assert_eq!(c.distinct(), 2);
        assert_eq!(c.meta.cleaning[0].count, 2);
    }

    #[test]
    fn excel_serials_under_a_date_header() {
        let spec = ColumnSpec { name: "HireDate".into(), date_header: true, ..ColumnSpec::default() };
        let (c, _) = build_spec(spec, Plan::Number, &["40729", "45366"]);
        assert_eq!(c.display(0).as_deref(), Some("2011-07-05"));
        assert_eq!(c.display(1).as_deref(), Some("2024-03-15"));
    }
}
