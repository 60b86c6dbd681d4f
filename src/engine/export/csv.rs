//! CSV out: UTF-8 with a byte-order mark, RFC 4180 quoting, CRLF line ends.
//!
//! A field is quoted when it holds the delimiter, a double quote (doubled
//! inside), CR or LF; numbers are written in their shortest exact form;
//! empty cells (and NaN) are empty fields.

use ::csv::{QuoteStyle, Terminator, WriterBuilder};

use super::{check_delimiter, neutralize, prepare, Cell, ExportOptions, Table};
use crate::engine::error::{Error, Result};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Write a table as CSV bytes.
///
/// # Errors
/// The errors of [`prepare`] and `ParamError` for an unsupported delimiter.
pub fn write_csv(table: &Table, opts: &ExportOptions) -> Result<Vec<u8>> {
    let delimiter = check_delimiter(opts.delimiter)?;
    let table = prepare(table, opts)?;
    let mut out = Vec::new();
    if opts.bom {
        out.extend_from_slice(BOM);
    }
    if table.columns.is_empty() {
        return Ok(out);
    }
    let failed = |e: ::csv::Error| Error::format(format!("cannot write CSV: {e}"), format!("无法写出 CSV：{e}"));
    let mut w = WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .from_writer(out);
    let text = |s: &str| if opts.neutralize_formulas { neutralize(s).into_owned() } else { s.to_owned() };
    w.write_record(table.columns.iter().map(|c| text(&c.name))).map_err(failed)?;
    let mut record: Vec<String> = Vec::with_capacity(table.columns.len());
    for row in 0..table.row_count() {
        record.clear();
        for col in &table.columns {
            let field = match col.cells.get(row) {
                Some(Cell::Text(s)) => text(s),
                Some(cell) => cell.to_text().into_owned(),
                None => String::new(),
            };
            record.push(field);
        }
        w.write_record(&record).map_err(failed)?;
    }
    w.into_inner().map_err(|e| Error::format(format!("cannot write CSV: {e}"), format!("无法写出 CSV：{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes.strip_prefix(BOM).unwrap()).unwrap()
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let t = Table::new("t").with_texts(
            "name",
            ["plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", " padded ", "\"", "中文，逗号"],
        );
        let csv = write_csv(&t, &ExportOptions::default()).unwrap();
        assert_eq!(
            body(&csv),
            "name\r\nplain\r\n\"a,b\"\r\n\"say \"\"hi\"\"\"\r\n\"two\nlines\"\r\n\"cr\rhere\"\r\n padded \r\n\"\"\"\"\r\n中文，逗号\r\n"
        );
    }

    #[test]
    fn bom_numbers_empties_and_neutralised_headers() {
        let t = Table::new("t")
            .with_texts("=HYPERLINK(\"x\")", ["-1+1", "", "ok"])
            .with_numbers("score", &[-1.5, f64::NAN, 100.0]);
        let csv = write_csv(&t, &ExportOptions::default()).unwrap();
        assert!(csv.starts_with(BOM));
        // A negative number stays a number; the text "-1+1" is neutralised; an empty row quotes nothing.
        assert_eq!(body(&csv), "\"'=HYPERLINK(\"\"x\"\")\",score\r\n'-1+1,-1.5\r\n,\r\nok,100\r\n");
        let raw = ExportOptions { neutralize_formulas: false, bom: false, delimiter: ';', ..ExportOptions::default() };
        let csv = write_csv(&t, &raw).unwrap();
        assert_eq!(
            std::str::from_utf8(&csv).unwrap(),
            "\"=HYPERLINK(\"\"x\"\")\";score\r\n-1+1;-1.5\r\n;\r\nok;100\r\n"
        );
        let bad = ExportOptions { delimiter: 'x', ..ExportOptions::default() };
        assert!(write_csv(&t, &bad).is_err());
    }

    #[test]
    fn reads_back_with_the_csv_crate() {
        let names = ["张伟", "=cmd|' /C calc'!A0", "a\"b,c", "line\r\nbreak"];
        let t = Table::new("t").with_texts("姓名", names).with_numbers("分", &[1.0, 2.5, 1e-7, 0.0]);
        let csv = write_csv(&t, &ExportOptions::default()).unwrap();
        let mut r = ::csv::ReaderBuilder::new().from_reader(csv.strip_prefix(BOM).unwrap());
        let rows: Vec<Vec<String>> = r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect();
        let want: Vec<Vec<String>> =
            [["张伟", "1"], ["'=cmd|' /C calc'!A0", "2.5"], ["a\"b,c", "1e-7"], ["line\r\nbreak", "0"]]
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect();
        assert_eq!(rows, want);
    }

    #[test]
    fn an_empty_table_is_a_header() {
        let t = Table::new("t").with_texts("a", Vec::<String>::new()).with_numbers("b", &[]);
        assert_eq!(body(&write_csv(&t, &ExportOptions::default()).unwrap()), "a,b\r\n");
        assert_eq!(body(&write_csv(&Table::new("none"), &ExportOptions::default()).unwrap()), "");
    }
}
