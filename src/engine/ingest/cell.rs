//! Reading one cell: numbers, dates, booleans and "no value" tokens as HR
//! exports write them.
//!
//! Everything here is a pure function of the cell's text. The fast paths work
//! on bytes (no allocation per cell); the cleaning paths fold full-width
//! characters, strip thousands separators, percent signs and currency, and
//! say which of those they did so the column can record it.

use crate::engine::dates;

/// Cells that mean "no value" (compared case-insensitively after trimming).
const NA_TOKENS: &[&str] =
    &["na", "n/a", "#n/a", "-", "--", "---", "null", "none", "nan", "nil", "无", "空", "缺失", "—", "——", "/", "暂无"];

/// Words that mark a totals row (compared case-insensitively, a trailing colon allowed).
const TOTALS_TOKENS: &[&str] =
    &["total", "totals", "grand total", "sum", "subtotal", "sub-total", "合计", "总计", "小计", "总和", "共计", "汇总"];

/// Trim ASCII whitespace, and Unicode whitespace (full-width space, NBSP) at
/// the edges when a non-ASCII byte is there.
#[inline]
pub fn trim_bytes(b: &[u8]) -> &[u8] {
    let t = b.trim_ascii();
    let edge_non_ascii = t.first().is_some_and(|&c| c >= 0x80) || t.last().is_some_and(|&c| c >= 0x80);
    if !edge_non_ascii {
        return t;
    }
    match std::str::from_utf8(t) {
        Ok(s) => s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}').as_bytes(),
        Err(_) => t,
    }
}

/// Empty, or only whitespace.
#[inline]
pub fn is_blank(b: &[u8]) -> bool {
    match b.first() {
        None => true,
        Some(&c) if c < 0x80 && !c.is_ascii_whitespace() => false,
        _ => trim_bytes(b).is_empty(),
    }
}

/// Whether a (trimmed) cell is a "no value" token such as `N/A`, `-`, `无`.
pub fn is_na_token(t: &[u8]) -> bool {
    if t.is_empty() {
        return true;
    }
    if t.len() > 6 {
        return false;
    }
    NA_TOKENS.iter().any(|na| t.eq_ignore_ascii_case(na.as_bytes()))
}

/// Whether a string is missing: empty, whitespace or an NA token.
pub fn is_na(s: &str) -> bool {
    is_na_token(trim_bytes(s.as_bytes()))
}

/// Whether a (trimmed) cell labels a totals row (`合计`, `Total:` …).
pub fn is_totals_token(t: &[u8]) -> bool {
    // Cheap first-byte filter: every token starts with t, s, g or 合/总/小/共/汇 (0xE5/0xE6).
    let first_ok = t.first().is_some_and(|&c| matches!(c.to_ascii_lowercase(), b't' | b's' | b'g' | 0xE5 | 0xE6));
    if !first_ok || t.len() > 24 {
        return false;
    }
    let Ok(s) = std::str::from_utf8(t) else { return false };
    let s = s.trim_end_matches([':', '：']).trim();
    if TOTALS_TOKENS.iter().any(|k| s.eq_ignore_ascii_case(k)) {
        return true;
    }
    // 合 计 (spaced out for alignment) is common in Chinese exports.
    if s.chars().any(char::is_whitespace) {
        let squeezed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        return TOTALS_TOKENS.iter().any(|k| squeezed.eq_ignore_ascii_case(k));
    }
    false
}

/// `yes`/`no` style booleans: true/false, yes/no, y/n, 是/否, √/×.
pub fn parse_bool(t: &[u8]) -> Option<bool> {
    if t.is_empty() || t.len() > 5 {
        return None;
    }
    const TRUE: &[&str] = &["true", "yes", "y", "是", "√", "✓", "✔"];
    const FALSE: &[&str] = &["false", "no", "n", "否", "×", "✗", "✘"];
    if TRUE.iter().any(|k| t.eq_ignore_ascii_case(k.as_bytes())) {
        Some(true)
    } else if FALSE.iter().any(|k| t.eq_ignore_ascii_case(k.as_bytes())) {
        Some(false)
    } else {
        None
    }
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// A plain ASCII decimal (`-12`, `3.25`, `.5`), without allocating. `None`
/// for anything else (the caller then tries [`parse_number_bytes`]).
///
/// Exact: a mantissa below 2^53 divided by an exact power of ten is one
/// correctly rounded IEEE operation, the same value `str::parse` gives;
/// everything else goes through `str::parse`.
#[inline]
pub fn fast_number(b: &[u8]) -> Option<f64> {
    let (neg, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        Some(_) => (false, b),
        None => return None,
    };
    // Digits, then an optional `.` and digits: two tight loops, no per-byte state.
    let mut mant: u64 = 0;
    let mut it = digits.iter();
    let mut int_digits = 0usize;
    let mut rest = it.as_slice();
    while let Some(&c) = it.next() {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mant = mant.wrapping_mul(10).wrapping_add(u64::from(d));
        int_digits += 1;
        rest = it.as_slice();
    }
    let mut frac = 0usize;
    if let Some((&b'.', tail)) = rest.split_first() {
        let mut it = tail.iter();
        rest = it.as_slice();
        while let Some(&c) = it.next() {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            mant = mant.wrapping_mul(10).wrapping_add(u64::from(d));
            frac += 1;
            rest = it.as_slice();
        }
    }
    if !rest.is_empty() {
        // An exponent (`1e5`) is still a plain number; anything else is not.
        return if matches!(rest.first(), Some(b'e' | b'E')) { std_parse(b) } else { None };
    }
    let nd = int_digits + frac;
    if nd == 0 {
        return None;
    }
    if nd > 19 || mant >= (1u64 << 53) {
        return std_parse(b);
    }
    let v = if frac == 0 {
        mant as f64
    } else {
        match POW10.get(frac) {
            Some(&p) => mant as f64 / p,
            None => return std_parse(b),
        }
    };
    Some(if neg { -v } else { v })
}

fn std_parse(b: &[u8]) -> Option<f64> {
    if !b.iter().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E')) {
        return None;
    }
    let v: f64 = std::str::from_utf8(b).ok()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Whether an integer-looking cell has a leading zero a number would lose
/// (`01960`, `007`): such columns are identifiers and stay text.
#[inline]
pub fn has_leading_zero(t: &[u8]) -> bool {
    let t = t.strip_prefix(b"-").unwrap_or(t);
    t.len() > 1 && t.first() == Some(&b'0') && t.get(1).is_some_and(u8::is_ascii_digit)
}

/// What cleaning a number needed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumFlags {
    pub percent: bool,
    pub thousands: bool,
    pub full_width: bool,
    pub currency: bool,
}

/// Fold full-width ASCII (`１２３`, `，`, `％`, `－`) and the ideographic space.
pub fn fold_full_width(s: &str) -> Option<String> {
    if !s.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}') {
        return None;
    }
    Some(
        s.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// A number as HR exports write it: `1,234`, `85%` (→ 0.85), `１２３`,
/// `¥1,200`, `1200元`, `(1,234)` (accounting negative), `-3.5`, `1.2e3`.
pub fn parse_number_bytes(b: &[u8]) -> Option<(f64, NumFlags)> {
    let t = trim_bytes(b);
    if let Some(v) = fast_number(t) {
        return Some((v, NumFlags::default()));
    }
    let s = std::str::from_utf8(t).ok()?;
    let mut flags = NumFlags::default();
    let folded = fold_full_width(s);
    if folded.is_some() {
        flags.full_width = true;
    }
    let mut s = folded.as_deref().unwrap_or(s).trim();
    let mut negate = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negate = true;
        s = inner.trim();
    }
    if let Some(rest) = s.strip_suffix('%') {
        flags.percent = true;
        s = rest.trim_end();
    }
    let mut scale = 1.0;
    for (unit, mult) in [("万元", 1e4), ("万", 1e4), ("元", 1.0)] {
        if let Some(rest) = s.strip_suffix(unit) {
            flags.currency = true;
            scale = mult;
            s = rest.trim_end();
            break;
        }
    }
    for sign in ["¥", "￥", "$", "€", "£", "RMB", "CNY", "USD"] {
        if let Some(rest) = s.strip_prefix(sign) {
            flags.currency = true;
            s = rest.trim_start();
            break;
        }
    }
    // A sign before a currency symbol: -¥1,200.
    if let Some(rest) = s.strip_prefix('-') {
        for sign in ["¥", "$", "€", "£"] {
            if let Some(r) = rest.strip_prefix(sign) {
                flags.currency = true;
                negate = !negate;
                s = r.trim_start();
                break;
            }
        }
    }
    if s.is_empty() {
        return None;
    }
    let v = if s.contains(',') {
        // Thousands separators only in the integer part, in groups of three.
        let (int_part, frac_part) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
        let unsigned = int_part.trim_start_matches(['-', '+']);
        let mut groups = unsigned.split(',');
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || !groups.all(|g| g.len() == 3) || frac_part.is_some_and(|f| f.contains(',')) {
            return None;
        }
        flags.thousands = true;
        std_parse(s.replace(',', "").as_bytes())?
    } else {
        fast_number(s.as_bytes())?
    };
    let v = if negate { -v } else { v } * scale;
    if !v.is_finite() {
        return None;
    }
    Some(if flags.percent { (v / 100.0, flags) } else { (v, flags) })
}

/// A number as HR exports write it; returns the value and whether it was a percentage.
pub fn parse_number(s: &str) -> Option<(f64, bool)> {
    parse_number_bytes(s.as_bytes()).map(|(v, f)| (v, f.percent))
}

/// Which written form a date had, for the cleaning report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateForm {
    /// `2024-03-15`, `2024/3/15`, `2024.03.15`, with an optional time.
    Iso,
    /// `2024年3月15日`, `2024年3月`.
    Chinese,
    /// `2024-03`, `2024/3` (a month).
    YearMonth,
    /// `15-Mar-2024`, `Mar 2024`, `March 15, 2024`, `Mar-24`.
    MonthName,
    /// `7/5/2011`, `07/10/83`, `5.7.2011` (day/month order decided per column).
    Slash,
}

/// A parsed date cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateValue {
    /// A calendar day (days since 1970-01-01); `time` when a time of day was dropped.
    Day { days: f64, time: bool },
    /// A calendar month, as its first day.
    Month { days: f64 },
    /// `a/b/year`: month-first or day-first is not known from this cell alone.
    Slash { a: u32, b: u32, year: i32, time: bool },
}

/// A date cell and how it was written; `two_digit` when the year had two digits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParsedDate {
    pub value: DateValue,
    pub form: DateForm,
    pub two_digit: bool,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn month_name(s: &str) -> Option<u32> {
    let l = s.trim_end_matches('.').to_ascii_lowercase();
    if l.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| l.starts_with(m))?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let ok = l.len() == 3 || full.get(i).is_some_and(|f| f.starts_with(l.as_str())) || (i == 8 && l == "sept");
    ok.then_some(i as u32 + 1)
}

/// Two-digit years the way Excel reads them: 00–29 → 2000s, 30–99 → 1900s.
fn expand_year(y: u32, digits: usize) -> Option<(i32, bool)> {
    match digits {
        4 => Some((i32::try_from(y).ok()?, false)),
        2 => Some((if y < 30 { 2000 + y as i32 } else { 1900 + y as i32 }, true)),
        _ => None,
    }
}

fn year_ok(y: i32) -> bool {
    (1900..=2200).contains(&y)
}

fn day(y: i32, m: u32, d: u32, time: bool) -> Option<DateValue> {
    (year_ok(y) && dates::is_valid(y, m, d))
        .then(|| DateValue::Day { days: dates::days_from_civil(y, m, d) as f64, time })
}

fn month(y: i32, m: u32) -> Option<DateValue> {
    (year_ok(y) && (1..=12).contains(&m)).then(|| DateValue::Month { days: dates::days_from_civil(y, m, 1) as f64 })
}

/// Split a time of day off a date: `2024-03-15 08:30`, `2024-03-15T08:30:00Z`.
fn split_time(s: &str) -> (&str, bool) {
    if let Some((d, t)) = s.split_once(['T', ' ']) {
        let t = t.trim();
        let timeish = t.len() >= 4
            && t.bytes().all(|c| c.is_ascii_digit() || matches!(c, b':' | b'.' | b'+' | b'-' | b'Z' | b' '))
            && t.contains(':');
        if timeish {
            return (d.trim(), true);
        }
        let zh_time = t.contains('时') || t.contains('点') || t.contains(':');
        if zh_time && d.contains('日') {
            return (d.trim(), true);
        }
    }
    (s, false)
}

fn num(p: &str) -> Option<(u32, usize)> {
    let p = p.trim();
    if p.is_empty() || p.len() > 4 || !p.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((p.parse().ok()?, p.len()))
}

/// 1–2 ASCII digits at `t[i..]`; returns the value and the index after them.
#[inline]
fn two_digits(t: &[u8], i: usize) -> Option<(u32, usize)> {
    let a = *t.get(i)?;
    if !a.is_ascii_digit() {
        return None;
    }
    match t.get(i + 1) {
        Some(&b) if b.is_ascii_digit() => Some((u32::from(a - b'0') * 10 + u32::from(b - b'0'), i + 2)),
        _ => Some((u32::from(a - b'0'), i + 1)),
    }
}

/// The common forms without allocating: `2024-03`, `2024-03-15`, `2024/3/5`,
/// `2024.03.15`. `None` means "not this fast form" (the caller then tries [`parse_date`]).
#[inline]
pub fn fast_date(t: &[u8]) -> Option<ParsedDate> {
    let y = t.get(..4)?;
    if !y.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = y.iter().fold(0i32, |a, &d| a * 10 + i32::from(d - b'0'));
    let sep = *t.get(4)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let (m, i) = two_digits(t, 5)?;
    match t.get(i) {
        None => Some(ParsedDate { value: month(year, m)?, form: DateForm::YearMonth, two_digit: false }),
        Some(&s) if s == sep => {
            let (d, j) = two_digits(t, i + 1)?;
            if j != t.len() {
                return None;
            }
            Some(ParsedDate { value: day(year, m, d, false)?, form: DateForm::Iso, two_digit: false })
        }
        _ => None,
    }
}

/// A date or month in any of the forms HR exports use. Midnight times are
/// not "times": `2024-03-15 00:00:00` is a plain day.
pub fn parse_date(s: &str) -> Option<ParsedDate> {
    let folded = fold_full_width(s);
    let s = folded.as_deref().unwrap_or(s).trim();
    if s.len() < 6 || s.len() > 40 {
        return None;
    }
    let first = s.as_bytes().first().copied()?;
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    let (date, time) = split_time(s);
    let time = time && !is_midnight(s);
    // Chinese: 2024年3月15日, 2024年3月
    if let Some((y, rest)) = date.split_once('年') {
        let (yv, yd) = num(y)?;
        let (y, two_digit) = expand_year(yv, yd)?;
        let rest = rest.trim();
        let (m, rest) = rest.split_once('月')?;
        let (m, _) = num(m)?;
        let rest = rest.trim();
        let value = if rest.is_empty() {
            month(y, m)?
        } else {
            let (d, tail) = rest.split_once(['日', '号']).unwrap_or((rest, ""));
            if !tail.trim().is_empty() {
                return None;
            }
            day(y, m, num(d)?.0, time)?
        };
        return Some(ParsedDate { value, form: DateForm::Chinese, two_digit });
    }
    if first.is_ascii_alphabetic() || date.bytes().any(|c| c.is_ascii_alphabetic()) {
        return parse_month_name(date, time);
    }
    let sep = date.bytes().find(|c| matches!(c, b'-' | b'/' | b'.'))?;
    let parts: Vec<&str> = date.split(sep as char).collect();
    match parts.as_slice() {
        [a, b] => {
            let ((y, yd), (m, _)) = (num(a)?, num(b)?);
            if yd != 4 {
                return None;
            }
            Some(ParsedDate { value: month(y as i32, m)?, form: DateForm::YearMonth, two_digit: false })
        }
        [a, b, c] => {
            let ((av, ad), (bv, _), (cv, cd)) = (num(a)?, num(b)?, num(c)?);
            if ad == 4 {
                return Some(ParsedDate {
                    value: day(av as i32, bv, cv, time)?,
                    form: DateForm::Iso,
                    two_digit: false,
                });
            }
            if ad > 2 || !(1..=31).contains(&av) || !(1..=31).contains(&bv) {
                return None;
            }
            let (year, two_digit) = expand_year(cv, cd)?;
            if !year_ok(year) {
                return None;
            }
            // Valid under at least one order.
            let mdy = dates::is_valid(year, av, bv);
            let dmy = dates::is_valid(year, bv, av);
            if !mdy && !dmy {
                return None;
            }
            Some(ParsedDate { value: DateValue::Slash { a: av, b: bv, year, time }, form: DateForm::Slash, two_digit })
        }
        _ => None,
    }
}

fn is_midnight(s: &str) -> bool {
    let t = s.trim_end_matches('Z');
    t.ends_with(" 00:00:00")
        || t.ends_with("T00:00:00")
        || t.ends_with(" 00:00")
        || t.ends_with("T00:00")
        || t.ends_with(" 0:00:00")
        || t.ends_with(" 0:00")
        || t.ends_with(".000")
}

/// `15-Mar-2024`, `Mar 2024`, `March 15, 2024`, `Mar-24`, `2024-Mar`.
fn parse_month_name(s: &str, time: bool) -> Option<ParsedDate> {
    let parts: Vec<&str> = s.split(['-', ' ', '/', ',', '.']).filter(|p| !p.is_empty()).collect();
    let mut m = None;
    let mut nums = Vec::new();
    for p in &parts {
        if let Some(v) = month_name(p) {
            if m.replace(v).is_some() {
                return None;
            }
        } else {
            nums.push(num(p)?);
        }
    }
    let m = m?;
    let (value, two_digit) = match nums.as_slice() {
        [(y, 4)] => (month(*y as i32, m)?, false),
        [(y, 2)] if parts.first().and_then(|p| month_name(p)).is_some() => {
            let (y, t) = expand_year(*y, 2)?;
            (month(y, m)?, t)
        }
        [(d, dd), (y, yd)] if *dd <= 2 => {
            let (y, t) = expand_year(*y, *yd)?;
            (day(y, m, *d, time)?, t)
        }
        [(y, 4), (d, dd)] if *dd <= 2 => (day(*y as i32, m, *d, time)?, false),
        _ => return None,
    };
    Some(ParsedDate { value, form: DateForm::MonthName, two_digit })
}

/// `YYYYMM` (`202403`) as a month, used for period columns written as integers.
pub fn parse_yyyymm(t: &[u8]) -> Option<f64> {
    if t.len() != 6 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let s = std::str::from_utf8(t).ok()?;
    let y: i32 = s.get(..4)?.parse().ok()?;
    let m: u32 = s.get(4..)?.parse().ok()?;
    match month(y, m)? {
        DateValue::Month { days } => Some(days),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_numbers_match_std_parse_bit_for_bit() {
        for s in [
            "0",
            "-0",
            "12",
            "3.25",
            ".5",
            "1.",
            "-12.375",
            "0.1",
            "0.3",
            "123456789012345678",
            "9007199254740993",
            "1.0000000000000002",
            "4.35",
            "1e5",
            "2.5E-3",
            "99999999999999999999",
        ] {
            let std: f64 = s.parse().unwrap();
            assert_eq!(fast_number(s.as_bytes()).map(f64::to_bits), Some(std.to_bits()), "{s}");
        }
        for s in ["", "-", ".", "1.2.3", "abc", "1,234", "inf", "NaN", "1e999", "12a"] {
            assert_eq!(fast_number(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn numbers_as_exports_write_them() {
        assert_eq!(parse_number("1,234"), Some((1234.0, false)));
        assert_eq!(parse_number("1,234.5"), Some((1234.5, false)));
        assert_eq!(parse_number("85%"), Some((0.85, true)));
        assert_eq!(parse_number("８５％"), Some((0.85, true)));
        assert_eq!(parse_number("１２３"), Some((123.0, false)));
        assert_eq!(parse_number(" -3.5 "), Some((-3.5, false)));
        assert_eq!(parse_number("¥1,200"), Some((1200.0, false)));
        assert_eq!(parse_number("1200元"), Some((1200.0, false)));
        assert_eq!(parse_number("1.5万"), Some((15000.0, false)));
        assert_eq!(parse_number("(1,234)"), Some((-1234.0, false)));
        assert_eq!(parse_number("12,34"), None);
        assert_eq!(parse_number("1,2345"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("1e999"), None);
        assert_eq!(parse_number("%"), None);
        let (_, f) = parse_number_bytes("１，２３４".as_bytes()).unwrap();
        assert!(f.full_width && f.thousands);
    }

    #[test]
    fn tokens() {
        for t in ["N/A", "na", "-", "NULL", "无", "空", "#N/A", "——"] {
            assert!(is_na(t), "{t}");
        }
        assert!(is_na("  "));
        assert!(!is_na("0"));
        assert!(!is_na("Nanjing"));
        for t in ["合计", "总计", "Total", "TOTAL:", "合 计", "小计：", "Grand Total"] {
            assert!(is_totals_token(t.as_bytes()), "{t}");
        }
        assert!(!is_totals_token(b"Totally"));
        assert_eq!(parse_bool("是".as_bytes()), Some(true));
        assert_eq!(parse_bool(b"No"), Some(false));
        assert_eq!(parse_bool(b"TRUE"), Some(true));
        assert_eq!(parse_bool(b"maybe"), None);
        assert!(has_leading_zero(b"01960"));
        assert!(!has_leading_zero(b"0.5"));
        assert!(!has_leading_zero(b"0"));
        assert_eq!(trim_bytes("\u{3000}销售部\u{a0}".as_bytes()), "销售部".as_bytes());
    }

    fn days(y: i32, m: u32, d: u32) -> f64 {
        dates::days_from_civil(y, m, d) as f64
    }

    #[test]
    fn fast_dates_agree_with_the_full_parser() {
        for s in [
            "2024-03",
            "2024/3",
            "2024-03-15",
            "2024/3/5",
            "2024.03.15",
            "2024-02-30",
            "2024-13",
            "1899-01",
            "2024-3-",
            "2024-03-15 08:00",
            "20240315",
            "2024-031",
        ] {
            if let Some(f) = fast_date(s.as_bytes()) {
                assert_eq!(Some(f), parse_date(s), "{s}");
            }
        }
        assert!(fast_date(b"2024-03").is_some() && fast_date(b"2024-03-15").is_some());
        assert!(fast_date(b"2024-03-15 08:00").is_none() && fast_date(b"2024-02-30").is_none());
    }

    #[test]
    fn dates_and_months() {
        let p = |s: &str| parse_date(s).map(|p| p.value);
        assert_eq!(p("2024-03"), Some(DateValue::Month { days: days(2024, 3, 1) }));
        assert_eq!(p("2024/3"), Some(DateValue::Month { days: days(2024, 3, 1) }));
        assert_eq!(p("2024年3月"), Some(DateValue::Month { days: days(2024, 3, 1) }));
        assert_eq!(p("2024年3月1日"), Some(DateValue::Day { days: days(2024, 3, 1), time: false }));
        assert_eq!(p("２０２４年３月"), Some(DateValue::Month { days: days(2024, 3, 1) }));
        assert_eq!(p("2024/3/1"), Some(DateValue::Day { days: days(2024, 3, 1), time: false }));
        assert_eq!(p("2024-03-15 08:30:00"), Some(DateValue::Day { days: days(2024, 3, 15), time: true }));
        assert_eq!(p("2024-03-15 00:00:00"), Some(DateValue::Day { days: days(2024, 3, 15), time: false }));
        assert_eq!(p("2024-03-15T08:30:00Z"), Some(DateValue::Day { days: days(2024, 3, 15), time: true }));
        assert_eq!(p("7/5/2011"), Some(DateValue::Slash { a: 7, b: 5, year: 2011, time: false }));
        assert_eq!(p("07/10/83"), Some(DateValue::Slash { a: 7, b: 10, year: 1983, time: false }));
        assert_eq!(p("13/10/2020"), Some(DateValue::Slash { a: 13, b: 10, year: 2020, time: false }));
        assert_eq!(p("15-Mar-2024"), Some(DateValue::Day { days: days(2024, 3, 15), time: false }));
        assert_eq!(p("Mar 2024"), Some(DateValue::Month { days: days(2024, 3, 1) }));
        assert_eq!(p("Mar-24"), Some(DateValue::Month { days: days(2024, 3, 1) }));
        assert_eq!(p("March 15, 2024"), Some(DateValue::Day { days: days(2024, 3, 15), time: false }));
        assert_eq!(p("2024-02-30"), None);
        assert_eq!(p("13/13/2020"), None);
        assert_eq!(p("88.5"), None);
        assert_eq!(p("1,234"), None);
        assert_eq!(p("Marketing"), None);
        assert_eq!(p("Production Technician I"), None);
        assert!(parse_date("07/10/83").unwrap().two_digit);
        assert_eq!(parse_yyyymm(b"202403"), Some(days(2024, 3, 1)));
        assert_eq!(parse_yyyymm(b"202413"), None);
    }
}
