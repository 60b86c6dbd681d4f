//! Helpers for the ingest tests: XLSX workbooks written in code (valid and
//! hostile, deterministic), a way to make a zip's directory lie, and the
//! process's peak memory.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
/// Style 1 is a date (built-in format 14), style 2 a date-time (22).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

/// A cell value as written into sheet XML.
#[derive(Debug, Clone)]
pub enum X {
    S(&'static str),
    Owned(String),
    N(f64),
    B(bool),
    /// An Excel date serial with the date style.
    D(f64),
    /// A formula error such as `#DIV/0!`.
    E(&'static str),
    Blank,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// `A`…`XFD` for a 0-based column.
pub fn col(c: u32) -> String {
    hrlens::engine::export::xlsx::col_letters(c as usize)
}

/// Sheet XML from rows of cells (inline strings, so no shared-strings part is needed).
pub fn sheet_xml(rows: &[Vec<X>], dimension: Option<&str>) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if let Some(d) = dimension {
        s.push_str(&format!(r#"<dimension ref="{d}"/>"#));
    }
    s.push_str("<sheetData>");
    for (r, row) in rows.iter().enumerate() {
        s.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, v) in row.iter().enumerate() {
            let at = format!("{}{}", col(c as u32), r + 1);
            s.push_str(&match v {
                X::S(t) => format!(r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#, esc(t)),
                X::Owned(t) => format!(r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#, esc(t)),
                X::N(n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                X::B(b) => format!(r#"<c r="{at}" t="b"><v>{}</v></c>"#, u8::from(*b)),
                X::D(n) => format!(r#"<c r="{at}" s="1"><v>{n}</v></c>"#),
                X::E(e) => format!(r#"<c r="{at}" t="e"><v>{e}</v></c>"#),
                X::Blank => String::new(),
            });
        }
        s.push_str("</row>");
    }
    s.push_str("</sheetData></worksheet>");
    s
}

/// A workbook of named sheets (raw sheet XML each), deflated.
pub fn workbook(sheets: &[(&str, String)]) -> Vec<u8> {
    workbook_with(sheets, CompressionMethod::Deflated, &[])
}

/// A workbook with extra parts (name, bytes) and a chosen compression.
pub fn workbook_with(sheets: &[(&str, String)], method: CompressionMethod, extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(method).large_file(false);
    let mut put = |name: &str, data: &[u8]| {
        z.start_file(name, o).unwrap();
        z.write_all(data).unwrap();
    };
    put("[Content_Types].xml", CT.as_bytes());
    put("_rels/.rels", RELS.as_bytes());
    let mut wb = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, (name, _)) in sheets.iter().enumerate() {
        wb.push_str(&format!(r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#, esc(name), i + 1, i + 1));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.xml"/>"#,
            i + 1,
            i + 1
        ));
    }
    wb.push_str("</sheets></workbook>");
    rels.push_str(r#"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#);
    put("xl/workbook.xml", wb.as_bytes());
    put("xl/_rels/workbook.xml.rels", rels.as_bytes());
    put("xl/styles.xml", STYLES.as_bytes());
    for (i, (_, xml)) in sheets.iter().enumerate() {
        put(&format!("xl/worksheets/sheet{}.xml", i + 1), xml.as_bytes());
    }
    for (name, data) in extra {
        put(name, data);
    }
    z.finish().unwrap().into_inner()
}

/// A workbook whose sheet is streamed from pieces (for big hostile parts,
/// without holding the XML in memory).
pub fn workbook_streamed(pieces: impl Iterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).compression_level(Some(1));
    let put = |z: &mut ZipWriter<Cursor<Vec<u8>>>, name: &str, data: &[u8]| {
        z.start_file(name, o).unwrap();
        z.write_all(data).unwrap();
    };
    put(&mut z, "[Content_Types].xml", CT.as_bytes());
    put(&mut z, "_rels/.rels", RELS.as_bytes());
    put(&mut z, "xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S1" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
    put(&mut z, "xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#);
    z.start_file("xl/worksheets/sheet1.xml", o).unwrap();
    for p in pieces {
        z.write_all(&p).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// Make the zip's directory (and local header) declare `size` uncompressed
/// bytes for the entry `name`: a lying directory.
pub fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let n = name.as_bytes();
    let mut patched = 0;
    let mut i = 0;
    while i + 46 < zip.len() {
        let sig = u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]);
        if sig == 0x0403_4b50 {
            let len = u16::from_le_bytes([zip[i + 26], zip[i + 27]]) as usize;
            if zip.get(i + 30..i + 30 + len) == Some(n) {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        } else if sig == 0x0201_4b50 {
            let len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if zip.get(i + 46..i + 46 + len) == Some(n) {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        i += 1;
    }
    assert!(patched >= 2, "entry {name} not found");
}

/// Peak resident memory of this process (Linux `VmHWM`), in bytes.
pub fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Current resident memory (`VmRSS`), in bytes.
pub fn rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Reset the peak to the current resident size (Linux ≥ 4.0); false when unsupported.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
