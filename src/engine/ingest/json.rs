//! JSON tables: an array of objects (`[{"工号": "E1", …}, …]`, keys in the
//! order first seen), an array of arrays whose first row is the header, or
//! `{ "columns": [...], "rows": [[...], …] }`.
//!
//! Values keep their type: numbers, booleans and `null` (missing) as they
//! are, integers as their exact digits (so long ids survive), strings
//! through the same cleaning as CSV cells, nested values as compact JSON
//! text. Row `n` of the table is reported as line `n + 1` (the header is
//! line 1), as for CSV.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::engine::dataset::{Dataset, Source};
use crate::engine::error::{Error, Result};

use super::record::OwnedCell;
use super::shape::HeaderChoice;
use super::stream::{preview_rows, table_config};
use super::table::{TableBuilder, TableConfig};
use super::{Limits, LoadOptions, Preview};

/// The table as read: header keys and rows of cells (full width).
#[derive(Debug, Default)]
struct Table {
    keys: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<Vec<OwnedCell>>,
    max_rows: u64,
    max_columns: u64,
}

impl Table {
    fn key(&mut self, k: String) -> std::result::Result<usize, String> {
        if let Some(&i) = self.index.get(&k) {
            return Ok(i);
        }
        if self.keys.len() as u64 >= self.max_columns {
            return Err(format!("more than {} keys (limits.maxColumns)", self.max_columns));
        }
        let i = self.keys.len();
        self.index.insert(k.clone(), i);
        self.keys.push(k);
        Ok(i)
    }

    fn push(&mut self, row: Vec<OwnedCell>) -> std::result::Result<(), String> {
        if self.rows.len() as u64 >= self.max_rows {
            return Err(format!("more than {} rows (limits.maxRows)", self.max_rows));
        }
        self.rows.try_reserve(1).map_err(|_| "out of memory".to_owned())?;
        self.rows.push(row);
        Ok(())
    }
}

/// One value as a cell.
struct CellSeed;

impl<'de> DeserializeSeed<'de> for CellSeed {
    type Value = OwnedCell;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<OwnedCell, D::Error> {
        d.deserialize_any(CellVisitor)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = OwnedCell;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Text(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Text(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Text(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Empty)
    }
    fn visit_none<E>(self) -> std::result::Result<OwnedCell, E> {
        Ok(OwnedCell::Empty)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<OwnedCell, A::Error> {
        let v: serde_json::Value = de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(OwnedCell::Text(v.to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<OwnedCell, A::Error> {
        let v: serde_json::Value = de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(OwnedCell::Text(v.to_string()))
    }
}

/// An array of cells (a row of the `rows` form, or of an array of arrays).
struct CellsSeed;

impl<'de> DeserializeSeed<'de> for CellsSeed {
    type Value = Vec<OwnedCell>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<OwnedCell>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<OwnedCell>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<OwnedCell>, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element_seed(CellSeed)? {
                    out.push(c);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V)
    }
}

/// One element of the top-level array: an object (keyed row) or an array.
struct RowSeed<'t> {
    table: &'t mut Table,
    first: bool,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object (one row) or an array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut row: Vec<OwnedCell> = vec![OwnedCell::Empty; self.table.keys.len()];
        while let Some(k) = map.next_key::<String>()? {
            let i = self.table.key(k).map_err(de::Error::custom)?;
            let v = map.next_value_seed(CellSeed)?;
            if row.len() <= i {
                row.resize(i + 1, OwnedCell::Empty);
            }
            if let Some(slot) = row.get_mut(i) {
                *slot = v;
            }
        }
        self.table.push(row).map_err(de::Error::custom)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut cells = Vec::new();
        while let Some(c) = seq.next_element_seed(CellSeed)? {
            cells.push(c);
        }
        if self.first && self.table.keys.is_empty() {
            for c in cells {
                let name = match c {
                    OwnedCell::Text(s) => s,
                    other => super::record::Cell::text(&other.as_cell()).into_owned(),
                };
                self.table.keys.push(name);
            }
            return Ok(());
        }
        self.table.push(cells).map_err(de::Error::custom)
    }
}

/// The top level: an array of rows, or `{ "columns": [...], "rows": [...] }`.
struct Top<'t>(&'t mut Table);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"an array of objects, or an object with "columns" and "rows""#)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut first = true;
        while seq.next_element_seed(RowSeed { table: self.0, first })?.is_some() {
            first = false;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut columns = false;
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "columns" => {
                    let names = map.next_value_seed(CellsSeed)?;
                    self.0.keys = names.iter().map(|c| c.as_cell().text().into_owned()).collect();
                    columns = true;
                }
                "rows" | "data" => {
                    map.next_value_seed(RowsSeed(self.0))?;
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        if !columns && self.0.keys.is_empty() {
            return Err(de::Error::custom(r#"expected a "columns" array beside "rows""#));
        }
        Ok(())
    }
}

struct RowsSeed<'t>(&'t mut Table);

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        struct V<'t>(&'t mut Table);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of rows")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
                while seq.next_element_seed(RowSeed { table: self.0, first: false })?.is_some() {}
                Ok(())
            }
        }
        d.deserialize_seq(V(self.0))
    }
}

fn parse(bytes: &[u8], limits: &Limits) -> Result<Table> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut table = Table { max_rows: limits.max_rows, max_columns: limits.max_columns, ..Table::default() };
    let mut de = serde_json::Deserializer::from_slice(body);
    let r = de.deserialize_any(Top(&mut table)).and_then(|()| de.end());
    if let Err(e) = r {
        let line = e.line() as u64;
        let err = if e.to_string().contains("limits.max") {
            Error::limit(format!("JSON: {e}"), format!("JSON：{e}"))
        } else {
            Error::format(format!("JSON: {e}"), format!("JSON 格式错误：{e}"))
        };
        return Err(if line > 0 { err.at_line(line) } else { err });
    }
    Ok(table)
}

fn feed(table: &Table, builder: &mut TableBuilder, stop: &dyn Fn(&TableBuilder) -> bool) -> Result<()> {
    let header: Vec<OwnedCell> = table.keys.iter().map(|k| OwnedCell::Text(k.clone())).collect();
    builder.push_record(1, &header)?;
    for (i, row) in table.rows.iter().enumerate() {
        builder.push_record(i as u64 + 2, row)?;
        if stop(builder) {
            break;
        }
    }
    Ok(())
}

fn config(opts: &LoadOptions, limits: &Limits, resident: u64, preview: bool) -> TableConfig {
    let mut cfg = table_config(opts, limits, None, resident, ", ");
    cfg.header = HeaderChoice { row: Some(1), rows: Some(1) };
    cfg.preview = preview;
    cfg
}

/// Load a JSON table.
///
/// # Errors
/// `FormatError` with the line for bad JSON or a shape that is not a table;
/// `LimitError` past the row and column limits.
pub fn load(bytes: &[u8], opts: &LoadOptions, limits: &Limits) -> Result<Dataset> {
    let table = parse(bytes, limits)?;
    let mut builder = TableBuilder::new(config(opts, limits, bytes.len() as u64, false));
    feed(&table, &mut builder, &|_| false)?;
    drop(table);
    let source = Source {
        format: "json".into(),
        filename: opts.filename.clone(),
        bytes: bytes.len() as u64,
        ..Source::default()
    };
    builder.finish(source)
}

pub(crate) fn preview(bytes: &[u8], opts: &LoadOptions, limits: &Limits, rows: usize) -> Result<Preview> {
    let table = parse(bytes, limits)?;
    let mut builder = TableBuilder::new(config(opts, limits, 0, true));
    feed(&table, &mut builder, &|t| !t.is_sampling())?;
    let (header_row, header_rows, _) = builder.preview(rows)?;
    Ok(Preview {
        format: "json".into(),
        encoding: Some("utf-8".into()),
        delimiter: None,
        sheet: None,
        sheets: Vec::new(),
        header_row,
        header_rows,
        rows: preview_rows(builder.sample(), rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::ColumnKind;

    fn j(s: &str) -> Result<Dataset> {
        load(s.as_bytes(), &LoadOptions::default(), &Limits::default())
    }

    #[test]
    fn array_of_objects_keeps_key_order_and_types() {
        let d = j(r#"[{"工号": "E1", "score": 1.5, "ok": true, "n": 12345678901234567890}, {"score": null, "工号": "E2", "extra": [1,2]}]"#).unwrap();
        let names: Vec<&str> = d.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["工号", "score", "ok", "n", "extra"]);
        assert_eq!(d.row_count(), 2);
        assert!(d.numbers("score").unwrap()[1].is_nan());
        assert_eq!(d.column("extra").unwrap().display(1).as_deref(), Some("[1,2]"));
        assert_eq!(d.column("n").unwrap().kind(), ColumnKind::Number);
        assert_eq!(d.source().format, "json");
    }

    #[test]
    fn columns_and_rows_form() {
        let d = j(r#"{"rows": [["E1", 3], ["E2", 4]], "columns": ["工号", "得分"]}"#).unwrap();
        assert_eq!(&*d.numbers("得分").unwrap(), &[3.0, 4.0]);
        let d = j(r#"[["a", "b"], [1, 2], [3, 4]]"#).unwrap();
        assert_eq!(&*d.numbers("b").unwrap(), &[2.0, 4.0]);
    }

    #[test]
    fn bad_json_names_the_line() {
        let e = j("[\n{\"a\": 1},\n{\"a\": }\n]").unwrap_err();
        assert_eq!(e.kind.js_name(), "FormatError");
        assert_eq!(e.line, Some(3));
        assert!(j(r#"{"rows": [[1]]}"#).is_err());
        assert!(j("42").is_err());
    }
}
