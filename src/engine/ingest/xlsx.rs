//! XLSX through calamine's streaming cell reader, behind a zip guard.
//!
//! A workbook is a zip of XML parts, and a small one can be hostile: a
//! 1.5 KB file can declare a sheet from A1 to XFD1048576 (a reader that
//! allocates the declared range asks for 512 GiB and, in wasm, kills the
//! module), or hold a part of gigabytes of whitespace that compresses
//! 1000:1. So before calamine opens the workbook, [`guard`] reads the zip
//! central directory and checks every part's declared uncompressed size and
//! compression ratio (the zip reader then stops any part at its declared
//! size, so a lying directory cannot get past it either). Before the first
//! cell is read, the sheet's declared `<dimension ref=…>` is checked against
//! the cell, row and column caps; while reading, the cells counted and the
//! bounding box of the values seen are checked again. Only the streaming
//! reader is used (never `worksheet_range`), and rows go one at a time into
//! the same table builder as CSV.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use crate::engine::dataset::{Dataset, Source};
use crate::engine::dates;
use crate::engine::error::{Error, Result};

use super::record::OwnedCell;
use super::stream::{preview_rows, table_config};
use super::table::{TableBuilder, TableConfig};
use super::{Limits, LoadOptions, Preview};

/// Parts above this size must not compress more than `limits.maxRatio`.
const RATIO_FLOOR: u64 = 1 << 20;
/// A workbook with more parts than this is not an export.
const MAX_ENTRIES: usize = 10_000;

fn mb(b: u64) -> String {
    if b >= 1 << 30 {
        format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30))
    } else {
        format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20))
    }
}

/// Check the zip directory of a workbook before anything decompresses it.
///
/// # Errors
/// `FormatError` when it is not a zip; `LimitError` when a part declares more
/// than `limits.maxEntryBytes`, compresses more than `limits.maxRatio`, or the
/// parts together exceed four times the part limit.
pub fn guard(bytes: &[u8], limits: &Limits) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        Error::format(
            format!("not a valid XLSX file (its zip structure is broken: {e})"),
            format!("不是有效的 XLSX 文件（zip 结构损坏：{e}）"),
        )
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(Error::limit(
            format!("the workbook has {} parts; at most {MAX_ENTRIES} are read", zip.len()),
            format!("工作簿有 {} 个部件；最多读取 {MAX_ENTRIES} 个", zip.len()),
        ));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| {
            Error::format(
                format!("not a valid XLSX file (zip entry {i}: {e})"),
                format!("不是有效的 XLSX 文件（zip 第 {i} 项：{e}）"),
            )
        })?;
        let name = f.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("#{i}"));
        let (size, packed) = (f.size(), f.compressed_size());
        if size > limits.max_entry_bytes {
            return Err(Error::limit(
                format!(
                    "the workbook part {name} declares {} uncompressed; the limit is {} (limits.maxEntryBytes)",
                    mb(size),
                    mb(limits.max_entry_bytes)
                ),
                format!(
                    "工作簿部件 {name} 声明解压后为 {}；上限为 {}（limits.maxEntryBytes）",
                    mb(size),
                    mb(limits.max_entry_bytes)
                ),
            ));
        }
        if size > RATIO_FLOOR && size / packed.max(1) > limits.max_ratio {
            return Err(Error::limit(
                format!(
                    "the workbook part {name} compresses {}:1 ({} from {} bytes), more than {}:1 (limits.maxRatio): this looks like a zip bomb",
                    size / packed.max(1), mb(size), packed, limits.max_ratio
                ),
                format!(
                    "工作簿部件 {name} 的压缩比为 {}:1（{} 字节解压为 {}），超过 {}:1（limits.maxRatio）：疑似压缩炸弹",
                    size / packed.max(1), packed, mb(size), limits.max_ratio
                ),
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_entry_bytes.saturating_mul(4) {
            return Err(Error::limit(
                format!(
                    "the workbook's parts declare more than {} uncompressed",
                    mb(limits.max_entry_bytes.saturating_mul(4))
                ),
                format!("工作簿各部件声明解压后总计超过 {}", mb(limits.max_entry_bytes.saturating_mul(4))),
            ));
        }
    }
    Ok(())
}

fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::Password => Error::format(
            "the workbook is password-protected; save a copy without a password",
            "工作簿设有密码；请另存一份不带密码的副本",
        ),
        other => Error::format(format!("cannot read the workbook: {other}"), format!("无法读取工作簿：{other}")),
    }
}

/// Column letters (0 → A, 16383 → XFD), as the export writes them.
fn col_name(c: u32) -> String {
    crate::engine::export::xlsx::col_letters(c as usize)
}

fn limit_cells(what: &str, cells: u64, limits: &Limits) -> Error {
    Error::limit(
        format!(
            "{what} {cells} cells; the limit is {} (limits.maxCells) — for bigger tables save the sheet as CSV",
            limits.max_cells
        ),
        format!("{what} {cells} 个单元格；上限为 {}（limits.maxCells）——更大的表请另存为 CSV", limits.max_cells),
    )
}

fn owned(v: DataRef<'_>) -> OwnedCell {
    match v {
        DataRef::Empty => OwnedCell::Empty,
        DataRef::Int(i) => OwnedCell::Number(i as f64),
        DataRef::Float(f) => OwnedCell::Number(f),
        DataRef::String(s) => OwnedCell::Text(s),
        DataRef::SharedString(s) => OwnedCell::Text(s.to_owned()),
        DataRef::Bool(b) => OwnedCell::Bool(b),
        DataRef::DateTime(dt) => {
            let v = dt.as_f64();
            if dt.is_duration() || v < 1.0 {
                let secs = (v * 86_400.0).round() as i64;
                OwnedCell::Text(format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60))
            } else {
                let (y, m, d, hh, mm, ss, ms) = dt.to_ymd_hms_milli();
                let days = dates::days_from_civil(i32::from(y), u32::from(m), u32::from(d)) as f64;
                OwnedCell::Date { days, time: hh != 0 || mm != 0 || ss != 0 || ms != 0 }
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => OwnedCell::Text(s),
        DataRef::Error(e) => OwnedCell::Text(e.to_string()),
    }
}

/// The sheet to read: the named one, or the first with a value.
fn choose_sheet(wb: &mut Workbook<'_>, names: &[String], wanted: Option<&str>) -> Result<String> {
    if let Some(w) = wanted {
        let found = names
            .iter()
            .find(|n| n.as_str() == w)
            .or_else(|| names.iter().find(|n| n.trim().eq_ignore_ascii_case(w.trim())));
        return found.cloned().ok_or_else(|| {
            Error::param(
                format!("no sheet named \"{w}\"; the workbook has: {}", names.join(", ")),
                format!("没有名为“{w}”的工作表；工作簿中有：{}", names.join("、")),
            )
        });
    }
    for n in names {
        let Ok(mut r) = wb.worksheet_cells_reader(n) else { continue };
        while let Ok(Some(c)) = r.next_cell() {
            if !matches!(c.get_value(), DataRef::Empty) {
                return Ok(n.clone());
            }
        }
    }
    names.first().cloned().ok_or_else(|| Error::format("the workbook has no sheets", "工作簿中没有工作表"))
}

/// Stream the chosen sheet's rows into a table builder; `stop` ends early (preview).
fn read_sheet(
    wb: &mut Workbook<'_>,
    sheet: &str,
    limits: &Limits,
    table: &mut TableBuilder,
    stop: &dyn Fn(&TableBuilder) -> bool,
) -> Result<()> {
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(xlsx_error)?;
    let dims = reader.dimensions();
    let rows = u64::from(dims.end.0.saturating_sub(dims.start.0)) + 1;
    let cols = u64::from(dims.end.1.saturating_sub(dims.start.1)) + 1;
    let declared = format!("{}{}:{}{}", col_name(dims.start.1), dims.start.0 + 1, col_name(dims.end.1), dims.end.0 + 1);
    if rows > limits.max_rows || cols > limits.max_columns || rows.saturating_mul(cols) > limits.max_cells {
        return Err(Error::limit(
            format!(
                "the sheet \"{sheet}\" declares the range {declared}: {rows} rows × {cols} columns = {} cells; the limits are {} rows, {} columns, {} cells (limits.maxRows, maxColumns, maxCells)",
                rows.saturating_mul(cols), limits.max_rows, limits.max_columns, limits.max_cells
            ),
            format!(
                "工作表“{sheet}”声明的范围为 {declared}：{rows} 行 × {cols} 列 = {} 个单元格；上限为 {} 行、{} 列、{} 个单元格（limits.maxRows、maxColumns、maxCells）",
                rows.saturating_mul(cols), limits.max_rows, limits.max_columns, limits.max_cells
            ),
        ));
    }
    let mut cur: Option<u32> = None;
    let mut row: Vec<OwnedCell> = Vec::new();
    let (mut cells, mut max_r, mut max_c) = (0u64, 0u64, 0u64);
    loop {
        let next = reader.next_cell().map_err(xlsx_error)?;
        let Some(cell) = next else { break };
        let (r, c) = cell.get_position();
        cells += 1;
        if cells > limits.max_cells {
            return Err(limit_cells(&format!("the sheet \"{sheet}\" has more than"), limits.max_cells, limits));
        }
        if u64::from(r) >= limits.max_rows {
            return Err(Error::limit(
                format!(
                    "the sheet \"{sheet}\" has a cell in row {} (more than {} rows, limits.maxRows)",
                    u64::from(r) + 1,
                    limits.max_rows
                ),
                format!(
                    "工作表“{sheet}”在第 {} 行有单元格（超过 {} 行，limits.maxRows）",
                    u64::from(r) + 1,
                    limits.max_rows
                ),
            ));
        }
        if u64::from(c) >= limits.max_columns {
            return Err(Error::limit(
                format!(
                    "the sheet \"{sheet}\" has a cell in column {} (more than {} columns, limits.maxColumns)",
                    col_name(c),
                    limits.max_columns
                ),
                format!(
                    "工作表“{sheet}”在第 {} 列有单元格（超过 {} 列，limits.maxColumns）",
                    col_name(c),
                    limits.max_columns
                ),
            ));
        }
        let value = owned(cell.get_value().clone());
        if value != OwnedCell::Empty {
            max_r = max_r.max(u64::from(r) + 1);
            max_c = max_c.max(u64::from(c) + 1);
            if max_r.saturating_mul(max_c) > limits.max_cells {
                return Err(limit_cells(
                    &format!(
                        "the sheet \"{sheet}\" has values from A1 to {}{max_r}, a range of",
                        col_name(c.max(max_c as u32 - 1))
                    ),
                    max_r.saturating_mul(max_c),
                    limits,
                ));
            }
        }
        match cur {
            Some(cr) if cr == r => {}
            Some(cr) if r < cr => {
                return Err(Error::format(
                    format!("the sheet \"{sheet}\" lists row {} after row {}; cells out of order", r + 1, cr + 1),
                    format!("工作表“{sheet}”中第 {} 行出现在第 {} 行之后；单元格顺序错乱", r + 1, cr + 1),
                ));
            }
            prev => {
                if let Some(cr) = prev {
                    table.push_record(u64::from(cr) + 1, &row)?;
                    row.clear();
                    if stop(table) {
                        return Ok(());
                    }
                }
                let start = prev.map_or(0, |cr| cr + 1);
                table.push_blank_lines(u64::from(start) + 1, u64::from(r - start));
                cur = Some(r);
            }
        }
        let c = c as usize;
        if value != OwnedCell::Empty {
            if row.len() <= c {
                row.resize(c + 1, OwnedCell::Empty);
            }
            if let Some(slot) = row.get_mut(c) {
                *slot = value;
            }
        }
    }
    if let Some(cr) = cur {
        table.push_record(u64::from(cr) + 1, &row)?;
    }
    Ok(())
}

type Workbook<'a> = Xlsx<Cursor<&'a [u8]>>;

fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<(Workbook<'a>, Vec<String>)> {
    guard(bytes, limits)?;
    let wb: Workbook<'_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = wb.sheet_names();
    Ok((wb, names))
}

/// Load a sheet of a workbook.
///
/// # Errors
/// `FormatError` for a broken or protected workbook, `LimitError` from the
/// guard and the caps, `ParamError` for an unknown sheet.
pub fn load(bytes: &[u8], opts: &LoadOptions, limits: &Limits) -> Result<Dataset> {
    let (mut wb, names) = open(bytes, limits)?;
    let sheet = choose_sheet(&mut wb, &names, opts.sheet.as_deref())?;
    let mut table = TableBuilder::new(table_config(opts, limits, None, bytes.len() as u64, ", "));
    read_sheet(&mut wb, &sheet, limits, &mut table, &|_| false)?;
    let source = Source {
        format: "xlsx".into(),
        filename: opts.filename.clone(),
        sheet: Some(sheet.clone()),
        sheets: names,
        bytes: bytes.len() as u64,
        ..Source::default()
    };
    table.finish(source)
}

/// The first rows of a sheet (see [`super::preview`]).
pub(crate) fn preview(bytes: &[u8], opts: &LoadOptions, limits: &Limits, rows: usize) -> Result<Preview> {
    let (mut wb, names) = open(bytes, limits)?;
    let sheet = choose_sheet(&mut wb, &names, opts.sheet.as_deref())?;
    let mut table = TableBuilder::new(TableConfig { preview: true, ..table_config(opts, limits, None, 0, ", ") });
    read_sheet(&mut wb, &sheet, limits, &mut table, &|t| !t.is_sampling())?;
    let (header_row, header_rows, _) = table.preview(rows)?;
    Ok(Preview {
        format: "xlsx".into(),
        encoding: None,
        delimiter: None,
        sheet: Some(sheet),
        sheets: names,
        header_row,
        header_rows,
        rows: preview_rows(table.sample(), rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(16_383), "XFD");
    }

    #[test]
    fn not_a_zip_is_a_format_error() {
        let e = guard(b"PK\x03\x04 nothing else", &Limits::default()).unwrap_err();
        assert_eq!(e.kind.js_name(), "FormatError");
    }
}
