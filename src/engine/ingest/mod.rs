//! Bytes in, [`Dataset`] out.
//!
//! [`load`] sniffs the format from the content (the filename is only a hint),
//! decodes, parses, infers a kind per column, detects roles from headers and
//! records every repair as a [`Warning`] so no row is lost silently.

mod infer;

use serde::Deserialize;

use super::dataset::{Dataset, Source, Warning};
use super::error::{Error, Msg, Result};

pub use infer::{build_columns, parse_number};

/// Options of `Dataset.load`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LoadOptions {
    /// A hint only; the content is sniffed.
    pub filename: Option<String>,
    /// XLSX sheet name (default: the first non-empty one).
    pub sheet: Option<String>,
    /// `auto` (default), `utf-8` or `gb18030`.
    pub encoding: Option<String>,
    /// One of `,` `;` `\t` `|`; sniffed when absent.
    pub delimiter: Option<String>,
}

/// Load a file's bytes into a dataset.
///
/// # Errors
/// `FormatError` when the bytes are not a table we can read, `EncodingError`
/// when they are not valid text in the chosen encoding, `ParamError` for bad
/// options. Each names the file and, where known, line and column.
pub fn load(bytes: &[u8], opts: &LoadOptions) -> Result<Dataset> {
    let file = opts.filename.as_deref();
    load_csv(bytes, opts).map_err(|e| e.in_file(file))
}

fn load_csv(bytes: &[u8], opts: &LoadOptions) -> Result<Dataset> {
    let text = decode(bytes, opts.encoding.as_deref())?;
    let delimiter = match opts.delimiter.as_deref() {
        Some(d) => parse_delimiter(d)?,
        None => sniff_delimiter(text),
    };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(r) => r.map_err(csv_error)?,
        None => return Err(Error::format("the file is empty: expected a header row", "文件为空：应有表头行")),
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let width = names.len();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); width];
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    for rec in records {
        let rec = rec.map_err(csv_error)?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| f.trim().is_empty()) {
            warnings.push(Warning::new(Some(line), None, Msg::new("blank line skipped", "已跳过空行")));
            continue;
        }
        if rec.len() != width {
            warnings.push(Warning::new(
                Some(line),
                None,
                Msg::new(
                    format!(
                        "found {} fields, expected {width}; {}",
                        rec.len(),
                        if rec.len() < width { "missing fields left empty" } else { "extra fields ignored" }
                    ),
                    format!(
                        "有 {} 个字段，应为 {width} 个；{}",
                        rec.len(),
                        if rec.len() < width { "缺少的字段按空值处理" } else { "多余的字段已忽略" }
                    ),
                ),
            ));
        }
        for (i, col) in cells.iter_mut().enumerate() {
            col.push(rec.get(i).unwrap_or("").to_owned());
        }
        lines.push(line);
    }
    let (columns, col_warnings) = build_columns(names, cells, &lines);
    warnings.extend(col_warnings);
    let source = Source {
        format: "csv".into(),
        filename: opts.filename.clone(),
        encoding: Some("utf-8".into()),
        delimiter: Some((delimiter as char).to_string()),
        sheet: None,
    };
    Ok(Dataset::new(columns, source)?.with_lines(lines)?.with_warnings(warnings))
}

fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map(csv::Position::line);
    let err = Error::format(format!("CSV: {e}"), format!("CSV 格式错误：{e}"));
    match line {
        Some(l) => err.at_line(l),
        None => err,
    }
}

/// Strip a UTF-8 BOM and check the text is UTF-8.
fn decode<'a>(bytes: &'a [u8], encoding: Option<&str>) -> Result<&'a str> {
    match encoding {
        None | Some("auto") | Some("utf-8") | Some("utf8") => {}
        Some(other) => {
            return Err(Error::param(
                format!("encoding \"{other}\" is not supported; expected auto or utf-8"),
                format!("不支持编码“{other}”；应为 auto 或 utf-8"),
            ))
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to();
        let line = body.get(..offset).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) as u64 + 1;
        Error::encoding(format!("not valid UTF-8 at byte {offset}"), format!("第 {offset} 字节处不是有效的 UTF-8"))
            .at_line(line)
    })
}

fn parse_delimiter(d: &str) -> Result<u8> {
    match d {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" => Ok(b'|'),
        other => Err(Error::param(
            format!("delimiter \"{other}\" is not supported; expected one of , ; \\t |"),
            format!("不支持分隔符“{other}”；应为 , ; \\t | 之一"),
        )),
    }
}

/// The candidate that splits the first lines into the most consistent,
/// non-trivial number of fields (quotes respected).
fn sniff_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let mut rdr =
            csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(sample.as_bytes());
        let widths: Vec<usize> = rdr.records().filter_map(|r| r.ok()).map(|r| r.len()).collect();
        let Some(&first) = widths.first() else { continue };
        if first < 2 {
            continue;
        }
        let consistent = widths.iter().filter(|&&w| w == first).count();
        let score = consistent * first;
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::{ColumnKind, Role};

    fn load_str(s: &str) -> Result<Dataset> {
        load(s.as_bytes(), &LoadOptions { filename: Some("t.csv".into()), ..LoadOptions::default() })
    }

    #[test]
    fn loads_kinds_and_roles() {
        let d = load_str("工号,部门,月份,得分\nE01,客服一部,2024-01,88.5\nE02,客服二部,2024-02,\n").unwrap();
        assert_eq!(d.row_count(), 2);
        let s = d.summary();
        assert_eq!(s[0].role, Some(Role::EmployeeId));
        assert_eq!(s[1].role, Some(Role::Department));
        assert_eq!(s[2].kind, ColumnKind::Date);
        assert_eq!(s[2].role, Some(Role::Period));
        assert_eq!(s[3].kind, ColumnKind::Number);
        assert_eq!(s[3].missing, 1);
        assert_eq!(d.source().delimiter.as_deref(), Some(","));
    }

    #[test]
    fn sniffs_semicolons_and_strips_bom() {
        let d = load("\u{FEFF}a;b\n1;2\n3;4\n".as_bytes(), &LoadOptions::default()).unwrap();
        assert_eq!(d.columns()[0].name, "a");
        assert_eq!(d.numbers("b").unwrap(), &[2.0, 4.0]);
        assert_eq!(d.source().delimiter.as_deref(), Some(";"));
    }

    #[test]
    fn ragged_rows_are_kept_and_reported() {
        let d = load_str("a,b,c\n1,2,3\n4,5\n6,7,8,9\n").unwrap();
        assert_eq!(d.row_count(), 3);
        let w = d.warnings();
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].row, Some(3));
        assert!(w[0].message.en.contains("found 2 fields, expected 3"));
        assert_eq!(w[1].row, Some(4));
        assert!(d.columns()[2].is_missing(1));
    }

    #[test]
    fn errors_name_the_problem() {
        let e = load_str("").unwrap_err();
        assert_eq!(e.kind.js_name(), "FormatError");
        assert_eq!(e.file.as_deref(), Some("t.csv"));
        let e = load(b"a,b\n1,\xff\n", &LoadOptions::default()).unwrap_err();
        assert_eq!(e.kind.js_name(), "EncodingError");
        assert_eq!(e.line, Some(2));
    }
}
