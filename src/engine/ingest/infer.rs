//! From columns of raw cells to typed [`Column`]s.

use std::collections::HashSet;

use crate::engine::dataset::{Column, ColumnKind, DateUnit, Interned, Role, Warning};
use crate::engine::dates;
use crate::engine::error::Msg;
use crate::engine::roles::role_of_header;

/// Cells that mean "no value".
const NA_TOKENS: &[&str] = &["", "na", "n/a", "#n/a", "-", "--", "null", "none", "nan", "无", "空", "缺失", "—"];

pub fn is_na(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || NA_TOKENS.iter().any(|na| t.eq_ignore_ascii_case(na))
}

/// A number as HR exports write it: `1,234`, `85%` (→ 0.85), `１２３`, `-3.5`.
/// Returns the value and whether it was a percentage.
pub fn parse_number(s: &str) -> Option<(f64, bool)> {
    let t = s.trim();
    let folded: String;
    let t = if t.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c)) {
        folded = t
            .chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect();
        folded.as_str()
    } else {
        t
    };
    let (t, percent) = match t.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), true),
        None => (t, false),
    };
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'+' | b'e' | b'E')) {
        return None;
    }
    let v: f64 = if t.contains(',') {
        // Thousands separators only in the integer part, in groups of three.
        let int_part = t.split('.').next().unwrap_or("");
        let groups: Vec<&str> = int_part.trim_start_matches(['-', '+']).split(',').collect();
        let ok = groups.len() > 1
            && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !ok {
            return None;
        }
        t.replace(',', "").parse().ok()?
    } else {
        t.parse().ok()?
    };
    if !v.is_finite() {
        return None;
    }
    Some(if percent { (v / 100.0, true) } else { (v, false) })
}

/// A date or month: `2024-03-15`, `2024/3/15`, `2024-03`, `2024/3`, `2024年3月`, `2024年3月15日`.
/// Returns the day number and whether a day was given.
pub fn parse_date(s: &str) -> Option<(f64, bool)> {
    let t = s.trim();
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).filter(|p| !p.is_empty()).collect();
    let nums: Vec<u32> = parts.iter().map(|p| p.trim().parse().ok()).collect::<Option<Vec<u32>>>()?;
    let (y, m, d, has_day) = match (parts.first().map(|p| p.len()), nums.as_slice()) {
        (Some(4), [y, m]) => (*y, *m, 1, false),
        (Some(4), [y, m, d]) => (*y, *m, *d, true),
        _ => return None,
    };
    let y = i32::try_from(y).ok()?;
    if !(1900..=2200).contains(&y) || !dates::is_valid(y, m, d) {
        return None;
    }
    Some((dates::days_from_civil(y, m, d) as f64, has_day))
}

/// Has a leading zero that a number would lose (`01960`), so it is an identifier.
fn has_leading_zero(s: &str) -> bool {
    let t = s.trim();
    t.len() > 1 && t.starts_with('0') && !t.starts_with("0.")
}

/// Type every column from its raw cells. `lines` gives the file line of each row.
pub fn build_columns(names: Vec<String>, cells: Vec<Vec<String>>, lines: &[u64]) -> (Vec<Column>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut seen = HashSet::new();
    let mut columns = Vec::with_capacity(names.len());
    let rows = cells.first().map_or(0, Vec::len);
    for (i, (raw_name, values)) in names.into_iter().zip(cells).enumerate() {
        let mut name = if raw_name.is_empty() { format!("column {}", i + 1) } else { raw_name.clone() };
        if raw_name.is_empty() {
            warnings.push(Warning::new(
                Some(1),
                Some(&name),
                Msg::new(
                    format!("header {} is empty; named \"{name}\"", i + 1),
                    format!("第 {} 列表头为空，命名为“{name}”", i + 1),
                ),
            ));
        }
        if seen.contains(&name) {
            let mut n = 2;
            while seen.contains(&format!("{name} ({n})")) {
                n += 1;
            }
            let renamed = format!("{name} ({n})");
            warnings.push(Warning::new(
                Some(1),
                Some(&renamed),
                Msg::new(
                    format!("duplicate header \"{name}\" renamed \"{renamed}\""),
                    format!("表头“{name}”重复，已改名为“{renamed}”"),
                ),
            ));
            name = renamed;
        }
        seen.insert(name.clone());
        let role = role_of_header(&name);
        let (col, mut w) = type_column(&name, role, &values, lines);
        if rows > 0 && col.missing() == rows {
            w.push(Warning::new(None, Some(&name), Msg::new("column is empty", "该列为空")));
        }
        warnings.append(&mut w);
        columns.push(col.with_role(role));
    }
    (columns, warnings)
}

fn type_column(name: &str, role: Option<Role>, values: &[String], lines: &[u64]) -> (Column, Vec<Warning>) {
    let present: Vec<(usize, &str)> =
        values.iter().enumerate().filter(|(_, v)| !is_na(v)).map(|(i, v)| (i, v.trim())).collect();
    let id_like = matches!(role, Some(Role::EmployeeId | Role::ManagerId | Role::Name));

    // Dates and months.
    if !present.is_empty() && !id_like {
        let parsed: Vec<Option<(f64, bool)>> = present.iter().map(|(_, v)| parse_date(v)).collect();
        if parsed.iter().all(Option::is_some) {
            let any_day = parsed.iter().flatten().any(|(_, d)| *d);
            let mut days = vec![f64::NAN; values.len()];
            for ((i, _), p) in present.iter().zip(&parsed) {
                if let (Some(slot), Some((d, _))) = (days.get_mut(*i), p) {
                    *slot = *d;
                }
            }
            let unit = if any_day { DateUnit::Day } else { DateUnit::Month };
            return (Column::date(name, days, unit), Vec::new());
        }
    }

    // Numbers: most present cells parse; the rest become missing with a warning.
    if !present.is_empty() && !id_like && !present.iter().any(|(_, v)| has_leading_zero(v)) {
        let parsed: Vec<Option<(f64, bool)>> = present.iter().map(|(_, v)| parse_number(v)).collect();
        let ok = parsed.iter().filter(|p| p.is_some()).count();
        if ok * 10 >= present.len() * 9 {
            let mut nums = vec![f64::NAN; values.len()];
            let mut warnings = Vec::new();
            let mut percent = 0usize;
            for ((i, raw), p) in present.iter().zip(&parsed) {
                match p {
                    Some((v, pct)) => {
                        if let Some(slot) = nums.get_mut(*i) {
                            *slot = *v;
                        }
                        percent += usize::from(*pct);
                    }
                    None => warnings.push(Warning::new(
                        lines.get(*i).copied(),
                        Some(name),
                        Msg::new(
                            format!("\"{raw}\" is not a number; expected a number, cell left empty"),
                            format!("“{raw}”不是数字；应为数字，该单元格按空值处理"),
                        ),
                    )),
                }
            }
            let mut col = Column::number(name, nums);
            if percent > 0 && percent * 2 >= ok {
                col.meta.percent = true;
                col.meta.cleaning.push(Msg::new(
                    format!("{percent} percentages divided by 100"),
                    format!("{percent} 个百分数已除以 100"),
                ));
            }
            return (col, warnings);
        }
    }

    // Strings.
    let interned = Interned::from_strings(values.iter().map(|v| if is_na(v) { None } else { Some(v.trim()) }));
    let distinct = interned.dict.len();
    let kind = if id_like || (distinct > 50 && distinct * 2 > present.len()) {
        ColumnKind::Text
    } else {
        ColumnKind::Category
    };
    (Column::strings(name, interned, kind), Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_exports_write_them() {
        assert_eq!(parse_number("1,234"), Some((1234.0, false)));
        assert_eq!(parse_number("1,234.5"), Some((1234.5, false)));
        assert_eq!(parse_number("85%"), Some((0.85, true)));
        assert_eq!(parse_number("１２３"), Some((123.0, false)));
        assert_eq!(parse_number("-3.5"), Some((-3.5, false)));
        assert_eq!(parse_number("12,34"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("1e999"), None);
    }

    #[test]
    fn dates_and_months() {
        let d = dates::days_from_civil(2024, 3, 1) as f64;
        assert_eq!(parse_date("2024-03"), Some((d, false)));
        assert_eq!(parse_date("2024年3月"), Some((d, false)));
        assert_eq!(parse_date("2024/3/1"), Some((d, true)));
        assert_eq!(parse_date("2024年3月1日"), Some((d, true)));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("88.5"), None);
    }

    #[test]
    fn ids_keep_leading_zeros_and_bad_numbers_warn() {
        let names = vec!["Zip".to_string(), "n".to_string(), "n".to_string()];
        let mut n: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        n.push("oops".into());
        let cells = vec![(0..21).map(|i| format!("0{i:04}")).collect(), n, (0..21).map(|_| String::new()).collect()];
        let lines: Vec<u64> = (2..23).collect();
        let (cols, w) = build_columns(names, cells, &lines);
        assert_eq!(cols[0].kind(), ColumnKind::Category);
        assert_eq!(cols[0].display(0).as_deref(), Some("00000"));
        assert_eq!(cols[1].kind(), ColumnKind::Number);
        assert!(cols[1].is_missing(20));
        assert_eq!(cols[2].name, "n (2)");
        let bad = w.iter().find(|w| w.message.en.contains("oops")).unwrap();
        assert_eq!(bad.row, Some(22));
        assert_eq!(bad.column.as_deref(), Some("n"));
        assert!(w.iter().any(|w| w.message.en.contains("renamed")));
        assert!(w.iter().any(|w| w.message.en == "column is empty"));
    }
}
