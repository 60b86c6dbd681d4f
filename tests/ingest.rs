//! Ingest, data-driven: every case in `tests/testdata/ingest/*.json` is an
//! input (text lines, raw text, hex bytes or generated rows; optionally
//! encoded as GB18030 or UTF-16) with options and what must come out —
//! rows, source, columns (kind, role, values as displayed, cleaning steps),
//! warnings (kind, line, column, value, expected, count, text), or an error.
//! Each case is also streamed in chunks of 1, 7, 64 and 4096 bytes, and the
//! datasets must be identical to the whole-file load; and loaded with
//! `compact: true` (numbers as scaled decimals), which must give the same
//! values to the bit, the same warnings and the same errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use serde::Deserialize;
use serde_json::{json, Value};

use std::sync::atomic::{AtomicUsize, Ordering};

use hrlens::engine::ingest::{load, LoadOptions, StreamLoader};
use hrlens::engine::{Dataset, Error};

#[derive(Debug, Deserialize)]
struct Generate {
    header: String,
    rows: usize,
    row: String,
    #[serde(default)]
    tail: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    lines: Option<Vec<String>>,
    eol: Option<String>,
    input: Option<String>,
    hex: Option<String>,
    generate: Option<Generate>,
    encode: Option<String>,
    options: Option<Value>,
    expect: Value,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn encode(text: &str, how: Option<&str>) -> Vec<u8> {
    let utf16 = |le: bool, bom: bool| {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    };
    match how {
        None => text.as_bytes().to_vec(),
        Some("gb18030") => encoding_rs::GB18030.encode(text).0.into_owned(),
        Some("utf-8-bom") => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Some("utf-16le-bom") => utf16(true, true),
        Some("utf-16be-bom") => utf16(false, true),
        Some("utf-16le") => utf16(true, false),
        Some(other) => panic!("unknown encode {other}"),
    }
}

fn input(case: &Case) -> Vec<u8> {
    if let Some(h) = &case.hex {
        return hex(h);
    }
    let text = if let Some(lines) = &case.lines {
        let eol = case.eol.as_deref().unwrap_or("\n");
        lines.iter().map(|l| format!("{l}{eol}")).collect::<String>()
    } else if let Some(g) = &case.generate {
        let mut s = format!("{}\n", g.header);
        for i in 1..=g.rows {
            s.push_str(&g.row.replace("{i}", &i.to_string()));
            s.push('\n');
        }
        for t in &g.tail {
            s.push_str(t);
            s.push('\n');
        }
        s
    } else {
        case.input.clone().unwrap_or_default()
    };
    encode(&text, case.encode.as_deref())
}

fn options(case: &Case) -> LoadOptions {
    match &case.options {
        Some(v) => serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{}: options: {e}", case.name)),
        None => LoadOptions::default(),
    }
}

fn stream(bytes: &[u8], opts: &LoadOptions, chunk: usize) -> Result<Dataset, Error> {
    let mut s = StreamLoader::new(opts)?;
    for c in bytes.chunks(chunk.max(1)) {
        s.push(c)?;
    }
    s.finish()
}

/// The dataset as the JSON the expectations are written in.
fn describe(ds: &Dataset) -> Value {
    let columns: Vec<Value> = ds
        .columns()
        .iter()
        .map(|c| {
            let values: Vec<Value> =
                (0..ds.row_count()).map(|r| c.display(r).map_or(Value::Null, |s| Value::String(s.into_owned()))).collect();
            let cleaning: Vec<Value> = c.meta.cleaning.iter().map(|s| serde_json::to_value(s.step).unwrap()).collect();
            json!({
                "name": c.name, "kind": serde_json::to_value(c.kind()).unwrap(), "role": serde_json::to_value(c.role).unwrap(),
                "missing": c.missing(), "distinct": c.distinct(), "values": values, "percent": c.meta.percent,
                "boolean": c.meta.boolean, "cleaning": cleaning, "dateOrder": serde_json::to_value(c.meta.date_order).unwrap(),
                "dateAmbiguous": c.meta.date_ambiguous, "originalName": c.meta.original_name,
            })
        })
        .collect();
    let warnings: Vec<Value> = ds
        .warnings()
        .iter()
        .map(|w| {
            json!({
                "kind": serde_json::to_value(w.kind).unwrap(), "row": w.row, "column": w.column, "value": w.value,
                "expected": w.expected.as_ref().map(|m| m.en.clone()), "count": w.count,
                "message": w.message.en, "messageZh": w.message.zh,
            })
        })
        .collect();
    json!({
        "rows": ds.row_count(),
        "source": serde_json::to_value(ds.source()).unwrap(),
        "columns": columns,
        "warnings": warnings,
    })
}

/// `want` ⊆ `got`: objects by key, arrays element-wise (same length) except
/// `skipped`, matched as a prefix.
fn subset(want: &Value, got: &Value, path: &str) -> Result<(), String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let gv = g.get(k).unwrap_or(&Value::Null);
                subset(wv, gv, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() > g.len() || (w.len() != g.len() && !path.ends_with("skipped")) {
                return Err(format!("{path}: expected {} items, got {}: {got}", w.len(), g.len()));
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                subset(wv, gv, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if want == got => Ok(()),
        _ => Err(format!("{path}: expected {want}, got {got}")),
    }
}

fn check_case(case: &Case) -> Result<(), String> {
    let bytes = input(case);
    let opts = options(case);
    let exp = &case.expect;
    let result = load(&bytes, &opts);
    // Compact storage changes no value, warning or error.
    let compact_opts = LoadOptions { compact: Some(true), ..opts.clone() };
    for compact in [load(&bytes, &compact_opts), stream(&bytes, &compact_opts, 64)] {
        match (&result, &compact) {
            (Ok(a), Ok(b)) => {
                if a != b {
                    return Err("compact: true gave a different dataset".into());
                }
                let scaled = b.columns().iter().filter(|c| c.as_numbers().is_some_and(|n| n.is_scaled())).count();
                SCALED.fetch_add(scaled, Ordering::Relaxed);
            }
            (Err(a), Err(b)) if a.to_string() == b.to_string() => {}
            (a, b) => return Err(format!("compact: true: {b:?} vs {a:?}")),
        }
    }
    // Streaming gives the same result, whatever the chunking.
    for chunk in [1, 7, 64, 4096] {
        let s = stream(&bytes, &opts, chunk);
        match (&result, &s) {
            (Ok(a), Ok(b)) => {
                if a != b {
                    return Err(format!("streaming in {chunk}-byte chunks gave a different dataset"));
                }
            }
            (Err(a), Err(b)) => {
                if a.kind != b.kind {
                    return Err(format!("streaming in {chunk}-byte chunks: {b} vs {a}"));
                }
            }
            (a, b) => return Err(format!("streaming in {chunk}-byte chunks: {b:?} vs {a:?}")),
        }
    }
    if let Some(e) = exp.get("error") {
        let err = match result {
            Ok(_) => return Err("expected an error, the load succeeded".into()),
            Err(err) => err,
        };
        if let Some(name) = e.get("name").and_then(Value::as_str) {
            if err.kind.js_name() != name {
                return Err(format!("error {}, expected {name}: {err}", err.kind.js_name()));
            }
        }
        if let Some(line) = e.get("line").and_then(Value::as_u64) {
            if err.line != Some(line) {
                return Err(format!("error line {:?}, expected {line}: {err}", err.line));
            }
        }
        if let Some(text) = e.get("contains").and_then(Value::as_str) {
            if !err.to_string().contains(text) {
                return Err(format!("error \"{err}\" does not contain \"{text}\""));
            }
        }
        if err.to_zh().is_empty() {
            return Err("no Chinese message".into());
        }
        return Ok(());
    }
    let ds = result.map_err(|e| format!("load failed: {e}"))?;
    let got = describe(&ds);
    if let Some(rows) = exp.get("rows") {
        subset(rows, &got["rows"], "rows")?;
    }
    if let Some(src) = exp.get("source") {
        subset(src, &got["source"], "source")?;
    }
    if let Some(names) = exp.get("columnNames") {
        let have: Vec<Value> = got["columns"].as_array().unwrap().iter().map(|c| c["name"].clone()).collect();
        subset(names, &Value::Array(have), "columnNames")?;
    }
    if let Some(cols) = exp.get("columns").and_then(Value::as_array) {
        for want in cols {
            let name = want["name"].as_str().unwrap();
            let col = got["columns"].as_array().unwrap().iter().find(|c| c["name"] == name);
            let col = col.ok_or_else(|| format!("no column {name}; have {}", got["columns"]))?;
            let mut w = want.clone();
            // Cleaning steps are listed by kind, as a subset in order of appearance.
            if let Some(steps) = w.as_object_mut().and_then(|o| o.remove("cleaning")) {
                for s in steps.as_array().unwrap() {
                    if !col["cleaning"].as_array().unwrap().contains(s) {
                        return Err(format!("column {name}: no cleaning step {s}; has {}", col["cleaning"]));
                    }
                }
            }
            subset(&w, col, &format!("column {name}"))?;
        }
    }
    let warnings = got["warnings"].as_array().unwrap();
    if let Some(n) = exp.get("warningCount").and_then(Value::as_u64) {
        if warnings.len() as u64 != n {
            return Err(format!("{} warnings, expected {n}: {}", warnings.len(), got["warnings"]));
        }
    }
    if let Some(ws) = exp.get("warnings").and_then(Value::as_array) {
        if ws.is_empty() && !warnings.is_empty() {
            return Err(format!("expected no warnings, got {}", got["warnings"]));
        }
        // Each expected warning matches a distinct actual one, in order.
        let mut from = 0;
        for want in ws {
            let mut w = want.clone();
            let contains = w.as_object_mut().and_then(|o| o.remove("contains"));
            let found = warnings.iter().enumerate().skip(from).find(|(_, g)| {
                subset(&w, g, "").is_ok()
                    && contains
                        .as_ref()
                        .and_then(Value::as_str)
                        .is_none_or(|t| g["message"].as_str().unwrap().contains(t))
            });
            match found {
                Some((i, _)) => from = i + 1,
                None => return Err(format!("no warning like {want} (in order); got {}", got["warnings"])),
            }
        }
        for g in warnings {
            if g["messageZh"].as_str().unwrap_or("").is_empty() {
                return Err(format!("warning without Chinese: {g}"));
            }
        }
    }
    Ok(())
}

/// Columns stored scaled in the compact loads (so the comparison is not vacuous).
static SCALED: AtomicUsize = AtomicUsize::new(0);

fn run_file(name: &str, text: &str) {
    let cases: Vec<Case> = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(!cases.is_empty());
    let failures: Vec<String> =
        cases.iter().filter_map(|c| check_case(c).err().map(|e| format!("[{name}] {}: {e}", c.name))).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn csv_cases() {
    run_file("csv.json", include_str!("testdata/ingest/csv.json"));
}

#[test]
fn shape_cases() {
    run_file("shapes.json", include_str!("testdata/ingest/shapes.json"));
}

#[test]
fn cleaning_cases() {
    run_file("clean.json", include_str!("testdata/ingest/clean.json"));
}

#[test]
fn date_cases() {
    run_file("dates.json", include_str!("testdata/ingest/dates.json"));
}

#[test]
fn encoding_cases() {
    run_file("encodings.json", include_str!("testdata/ingest/encodings.json"));
}

#[test]
fn json_cases() {
    run_file("json.json", include_str!("testdata/ingest/json.json"));
}

#[test]
fn validation_cases() {
    run_file("validation.json", include_str!("testdata/ingest/validation.json"));
}

#[test]
fn compact_loads_store_numbers_scaled() {
    SCALED.store(0, Ordering::Relaxed);
    run_file("clean.json", include_str!("testdata/ingest/clean.json"));
    run_file("dates.json", include_str!("testdata/ingest/dates.json"));
    let scaled = SCALED.load(Ordering::Relaxed);
    assert!(scaled > 20, "only {scaled} columns were stored scaled");
}
