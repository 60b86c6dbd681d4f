//! The shapes real exports take: title and note lines above the header, a
//! two-row header from merged cells, and how wide the table really is.
//!
//! Detection looks only at the sampled first rows, so it gives the same
//! answer however the file arrives (whole or in chunks).

use crate::engine::error::{Error, Result};

use super::infer::{is_label, look, Look};
use super::record::{OwnedCell, Record};

/// A row kept while sampling: its line in the file and its cells.
#[derive(Debug, Clone)]
pub struct SampleRow {
    pub line: u64,
    pub cells: Vec<OwnedCell>,
}

/// How many sampled rows the header search looks at.
const HEADER_WINDOW: usize = 64;

/// What the top of the table looks like.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    /// Index (into the sample) of the first header row; `None` when there is no header row.
    pub header: Option<usize>,
    /// 0 (no header), 1, or 2 (a merged two-row header).
    pub header_rows: usize,
    /// Header names as written (trimmed; empty where the header cell is empty), one per column.
    pub names: Vec<String>,
    /// Extra names to try for roles (the lower and upper parts of a two-row header).
    pub role_names: Vec<Vec<String>>,
    /// Indices of rows above the header (titles, notes).
    pub titles: Vec<usize>,
    /// Fields beyond the table's width that are empty in the header and the sample.
    pub dropped_trailing: usize,
}

impl Shape {
    /// Index of the first data row in the sample.
    pub fn data_start(&self) -> usize {
        self.header.map_or(0, |h| h + self.header_rows)
    }
}

/// What the user said about the header.
#[derive(Debug, Clone, Copy, Default)]
pub struct HeaderChoice {
    /// Line of the header row (1-based); `Some(0)` = the file has no header row.
    pub row: Option<u64>,
    /// Force a one- or two-row header.
    pub rows: Option<u32>,
}

fn text_of(row: &SampleRow, j: usize) -> String {
    row.cells.cell(j).text().trim().to_owned()
}

/// The most common value (ties go to the larger), ignoring zeros.
fn mode(values: impl Iterator<Item = usize>) -> Option<usize> {
    let mut v: Vec<usize> = values.filter(|&x| x > 0).collect();
    v.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while let Some(&x) = v.get(i) {
        let n = v.iter().skip(i).take_while(|&&y| y == x).count();
        if best.is_none_or(|(_, bn)| n >= bn) {
            best = Some((x, n));
        }
        i += n;
    }
    best.map(|(x, _)| x)
}

fn labels(row: &SampleRow) -> usize {
    (0..row.cells.len()).filter(|&j| is_label(row.cells.cell(j))).count()
}

/// Find the header in the sample.
///
/// # Errors
/// `ParamError` when a requested header row is not among the sampled lines.
pub fn detect(rows: &[SampleRow], choice: HeaderChoice) -> Result<Shape> {
    let window = rows.get(..rows.len().min(HEADER_WINDOW)).unwrap_or(&[]);
    let header = match choice.row {
        Some(0) => None,
        Some(line) => match rows.iter().position(|r| r.line == line) {
            Some(i) => Some(i),
            None => {
                let last = rows.last().map_or(0, |r| r.line);
                return Err(Error::param(
                    format!("headerRow {line}: no row starts on that line (blank lines are skipped; the first {} rows end at line {last})", rows.len()),
                    format!("headerRow {line}：没有从该行开始的行（空行已跳过；前 {} 行止于第 {last} 行）", rows.len()),
                ));
            }
        },
        None => auto_header(window),
    };
    let Some(h) = header else {
        let width = rows.iter().map(|r| r.cells.trimmed_len()).max().unwrap_or(0);
        return Ok(Shape {
            header: None,
            header_rows: 0,
            names: vec![String::new(); width],
            role_names: vec![Vec::new(); width],
            titles: Vec::new(),
            dropped_trailing: 0,
        });
    };
    let Some(head) = rows.get(h) else { return Ok(Shape::default()) };
    let two = match choice.rows {
        Some(2) => rows.get(h + 1).is_some(),
        Some(_) => false,
        None => is_two_row_header(head, rows.get(h + 1), rows.get(h + 2..).unwrap_or(&[])),
    };
    let header_rows = if two { 2 } else { 1 };
    let data = rows.get(h + header_rows..).unwrap_or(&[]);
    let head_len =
        head.cells.trimmed_len().max(if two { rows.get(h + 1).map_or(0, |r| r.cells.trimmed_len()) } else { 0 });
    // Wider than the header only when most data rows are (a header with
    // empty trailing names over real values).
    let window_data: Vec<usize> = data.iter().take(HEADER_WINDOW).map(|r| r.cells.trimmed_len()).collect();
    let data_width = mode(window_data.iter().copied()).unwrap_or(0);
    let wide = window_data.iter().filter(|&&w| w >= data_width).count();
    let mut width = if data_width > head_len && wide * 2 > window_data.len() { data_width } else { head_len };
    if width == 0 {
        width = window_data.iter().copied().max().unwrap_or(0);
    }
    let raw_width = head.cells.len().max(data.iter().take(HEADER_WINDOW).map(|r| r.cells.len()).max().unwrap_or(0));
    // Trailing fields empty everywhere in the sample (`a,b,,,`) are dropped; extra values are ragged rows.
    let used = window_data.iter().copied().max().unwrap_or(0).max(head_len);
    let (names, role_names) = if two {
        let sub = rows.get(h + 1);
        two_row_names(head, sub, width)
    } else {
        let names: Vec<String> = (0..width).map(|j| text_of(head, j)).collect();
        let role_names = names.iter().map(|n| vec![n.clone()]).collect();
        (names, role_names)
    };
    Ok(Shape {
        header: Some(h),
        header_rows,
        names,
        role_names,
        titles: (0..h).collect(),
        dropped_trailing: raw_width.saturating_sub(used.max(width)),
    })
}

/// The first row that is wide enough and mostly labels; rows above it are titles.
fn auto_header(window: &[SampleRow]) -> Option<usize> {
    if window.is_empty() {
        return None;
    }
    let filled: Vec<usize> = window.iter().map(|r| r.cells.filled()).collect();
    let widths: Vec<usize> = window.iter().map(|r| r.cells.trimmed_len()).collect();
    let w = mode(widths.iter().zip(&filled).filter(|(_, &f)| f >= 2).map(|(&w, _)| w))
        .unwrap_or_else(|| widths.iter().copied().max().unwrap_or(1));
    // Wide enough: its last value reaches three quarters of the table's
    // width (a note line such as `制表人：王五,日期：…` does not), and it
    // has two values (unless the table has one column).
    let reach = (w * 3).div_ceil(4).max(1);
    let need = w.min(2);
    let candidates = window
        .iter()
        .enumerate()
        .take(32)
        .filter(|(i, _)| filled.get(*i).is_some_and(|&f| f >= need) && widths.get(*i).is_some_and(|&x| x >= reach));
    let mut first_wide = None;
    for (i, r) in candidates {
        first_wide.get_or_insert(i);
        let f = filled.get(i).copied().unwrap_or(0);
        if labels(r) * 2 >= f {
            return Some(i);
        }
    }
    // Nothing label-like: a table of numbers without a header row.
    match first_wide {
        Some(i) if window.get(i).is_some_and(|r| labels(r) == 0) => None,
        Some(i) => Some(i),
        // Nothing wide enough: the first row with a value.
        None => filled.iter().position(|&f| f > 0),
    }
}

/// A merged two-row header: the top row has gaps (merged group cells) that
/// the row below fills with labels, above columns that hold numbers.
fn is_two_row_header(head: &SampleRow, next: Option<&SampleRow>, data: &[SampleRow]) -> bool {
    let Some(next) = next else { return false };
    if data.is_empty() {
        return false;
    }
    let width = head.cells.trimmed_len().max(next.cells.trimmed_len());
    let mut fills_gap = false;
    let mut over_numbers = false;
    let mut next_cells = 0;
    for j in 0..width {
        let top = head.cells.cell(j);
        let sub = next.cells.cell(j);
        if sub.is_blank() {
            continue;
        }
        next_cells += 1;
        if !is_label(sub) {
            return false;
        }
        if top.is_blank() {
            fills_gap = true;
        }
        let sample = data.iter().take(HEADER_WINDOW);
        let (mut typed, mut present) = (0, 0);
        for r in sample {
            match look(r.cells.cell(j), None) {
                Look::Missing => {}
                Look::Number | Look::Date | Look::ZeroPadded => {
                    typed += 1;
                    present += 1;
                }
                _ => present += 1,
            }
        }
        if present > 0 && typed * 2 > present {
            over_numbers = true;
        }
    }
    next_cells > 0 && fills_gap && over_numbers
}

/// Names of a two-row header: a group name spans the empty cells to its
/// right that have a sub-name (`服务质量` over `满意度`, `投诉率` → `服务质量/满意度`,
/// `服务质量/投诉率`); a cell merged downwards (`工号` over nothing) keeps its name.
fn two_row_names(head: &SampleRow, sub: Option<&SampleRow>, width: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let mut names = Vec::with_capacity(width);
    let mut role_names = Vec::with_capacity(width);
    let mut group: Option<String> = None;
    for j in 0..width {
        let top = text_of(head, j);
        let low = sub.map(|s| text_of(s, j)).unwrap_or_default();
        if !top.is_empty() {
            group = (!low.is_empty()).then(|| top.clone());
        }
        let top = if top.is_empty() && !low.is_empty() { group.clone().unwrap_or_default() } else { top };
        let name = match (top.is_empty(), low.is_empty()) {
            (false, true) => top.clone(),
            (true, false) => low.clone(),
            (false, false) if top == low => top.clone(),
            (false, false) => format!("{top}/{low}"),
            (true, true) => String::new(),
        };
        role_names.push([low, top, name.clone()].into_iter().filter(|s| !s.is_empty()).collect());
        names.push(name);
    }
    (names, role_names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<SampleRow> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| SampleRow {
                line: i as u64 + 1,
                cells: l
                    .split(',')
                    .map(|c| if c.is_empty() { OwnedCell::Empty } else { OwnedCell::Text(c.into()) })
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn plain_header() {
        let s = detect(&rows(&["a,b,c", "1,2,3", "4,5,6"]), HeaderChoice::default()).unwrap();
        assert_eq!((s.header, s.header_rows, s.names.len()), (Some(0), 1, 3));
        assert!(s.titles.is_empty());
    }

    #[test]
    fn title_lines_above_the_header() {
        let s = detect(
            &rows(&[
                "2024年3月客服经理考核表,,,",
                "制表：人力资源部,,,",
                "工号,姓名,部门,得分",
                "E1,张三,一部,90",
                "E2,李四,二部,80",
            ]),
            HeaderChoice::default(),
        )
        .unwrap();
        assert_eq!(s.header, Some(2));
        assert_eq!(s.titles, vec![0, 1]);
        assert_eq!(s.names, vec!["工号", "姓名", "部门", "得分"]);
        assert_eq!(s.data_start(), 3);
    }

    #[test]
    fn two_row_header_from_merged_cells() {
        let s = detect(
            &rows(&[
                "工号,姓名,服务质量,,工作效率,",
                ",,满意度,投诉率,响应时长,解决量",
                "E1,张三,90,0.1,30,5",
                "E2,李四,80,0.2,25,7",
            ]),
            HeaderChoice::default(),
        )
        .unwrap();
        assert_eq!(s.header_rows, 2);
        assert_eq!(
            s.names,
            vec!["工号", "姓名", "服务质量/满意度", "服务质量/投诉率", "工作效率/响应时长", "工作效率/解决量"]
        );
        assert_eq!(s.role_names[0], vec!["工号", "工号"]);
        assert_eq!(s.data_start(), 2);
    }

    #[test]
    fn an_all_text_first_row_is_not_a_second_header() {
        let s = detect(&rows(&["name,dept", "Ann,Sales", "Bob,HR"]), HeaderChoice::default()).unwrap();
        assert_eq!(s.header_rows, 1);
    }

    #[test]
    fn numbers_only_means_no_header_and_overrides_work() {
        let s = detect(&rows(&["1,2", "3,4"]), HeaderChoice::default()).unwrap();
        assert_eq!(s.header, None);
        assert_eq!(s.names.len(), 2);
        let s = detect(&rows(&["x,y", "a,b", "1,2"]), HeaderChoice { row: Some(2), rows: None }).unwrap();
        assert_eq!(s.header, Some(1));
        assert_eq!(s.titles, vec![0]);
        let s = detect(&rows(&["a,b", "1,2"]), HeaderChoice { row: Some(0), rows: None }).unwrap();
        assert_eq!(s.header, None);
        assert!(detect(&rows(&["a,b"]), HeaderChoice { row: Some(9), rows: None }).is_err());
    }

    #[test]
    fn trailing_empty_columns() {
        let s = detect(&rows(&["a,b,,,", "1,2,,,", "3,4,,,"]), HeaderChoice::default()).unwrap();
        assert_eq!(s.names.len(), 2);
        assert_eq!(s.dropped_trailing, 3);
    }
}
