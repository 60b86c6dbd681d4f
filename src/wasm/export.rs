//! Exports: result tables to CSV and XLSX bytes, pseudonyms, small-group suppression.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{from_js, js_error, string_array, to_js};
use crate::engine::export::{self, csv, pseudonym::Pseudonymizer, suppress, xlsx, Cell, ExportColumn, Table};
use crate::engine::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_EXPORT: &'static str = r##"
/** A column's values: numbers (NaN = empty), or strings, numbers, booleans and null/undefined (empty). */
export type ExportValues = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array
  | Int8Array | Uint8Array | (string | number | boolean | null | undefined)[];
export interface ExportColumn {
  name: string; values: ExportValues;
  /** XLSX only: an Excel number format for the column's numbers, e.g. "0.0%" or "#,##0". */
  numFormat?: string;
}
/** A result table: `name` names the XLSX sheet (made valid for Excel). */
export interface ExportTable { name?: string; columns: ExportColumn[] }
export interface PseudonymOptions {
  /** Columns whose values are replaced by pseudonyms. */
  columns: string[];
  /** The workspace's secret, at least 16 bytes of UTF-8. */
  secret: string;
  /** Before every pseudonym; default "P-". */
  prefix?: string;
}
export interface SuppressOptions {
  /** The column holding each group's size (headcount). */
  sizeColumn: string;
  /** Groups under this size show "—" (default 5). */
  minSize?: number;
  /** Columns left visible in suppressed rows (default: the columns with no numbers, the labels). */
  keep?: string[];
  /** Also suppress the next smallest group when only one would be (default true). */
  complementary?: boolean;
}
export interface ExportOptions {
  /** Prefix "'" to text starting with = + - @ tab or CR (default true). */
  neutralizeFormulas?: boolean;
  pseudonymize?: PseudonymOptions;
  suppress?: SuppressOptions;
  /** CSV only (default ","). */
  delimiter?: "," | ";" | "\t" | "|";
  /** CSV only: UTF-8 byte-order mark first (default true; Excel needs it for Chinese). */
  bom?: boolean;
}
export interface Suppression {
  /** One per group: true = show "—" instead of its figures. */
  suppressed: boolean[];
  reasons: ("small" | "complementary" | null)[];
  count: number;
}
export interface SuppressGroupsOptions { minSize?: number; complementary?: boolean }
"##;

fn param(en: String, zh: String) -> JsValue {
    js_error(Error::param(en, zh))
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Reject keys an object should not have (a typo such as `value` for `values`).
fn only_keys(obj: &JsValue, allowed: &[&str], what: &str) -> Result<(), JsValue> {
    for key in js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>()).iter() {
        let k = key.as_string().unwrap_or_default();
        if !allowed.contains(&k.as_str()) {
            return Err(param(
                format!("invalid {what}: unknown field `{k}`, expected one of {}", allowed.join(", ")),
                format!("{what} 无效：未知字段 `{k}`，应为 {} 之一", allowed.join("、")),
            ));
        }
    }
    Ok(())
}

fn is_number_view(v: &JsValue) -> bool {
    v.is_instance_of::<js_sys::Float64Array>()
        || v.is_instance_of::<js_sys::Float32Array>()
        || v.is_instance_of::<js_sys::Int32Array>()
        || v.is_instance_of::<js_sys::Uint32Array>()
        || v.is_instance_of::<js_sys::Int16Array>()
        || v.is_instance_of::<js_sys::Uint16Array>()
        || v.is_instance_of::<js_sys::Int8Array>()
        || v.is_instance_of::<js_sys::Uint8Array>()
        || v.is_instance_of::<js_sys::Uint8ClampedArray>()
}

fn cells_from_js(values: &JsValue, column: &str) -> Result<Vec<Cell>, JsValue> {
    if is_number_view(values) {
        let numbers = js_sys::Float64Array::new(values).to_vec();
        return Ok(numbers.into_iter().map(Cell::number).collect());
    }
    if !js_sys::Array::is_array(values) {
        return Err(js_error(
            Error::param(
                "a column's values must be an array or a typed array of numbers",
                "列的 values 必须是数组或数值类型化数组",
            )
            .at_column(column),
        ));
    }
    let arr: &js_sys::Array = values.unchecked_ref();
    let mut cells = Vec::new();
    cells.try_reserve(arr.length() as usize).map_err(|_| js_error(Error::limit("out of memory", "内存不足")))?;
    for (i, v) in arr.iter().enumerate() {
        let cell = if let Some(x) = v.as_f64() {
            Cell::number(x)
        } else if let Some(s) = v.as_string() {
            Cell::text(s)
        } else if let Some(b) = v.as_bool() {
            Cell::Text(if b { "true" } else { "false" }.to_owned())
        } else if v.is_null() || v.is_undefined() {
            Cell::Empty
        } else {
            return Err(js_error(
                Error::param(
                    format!("value {} is not a string, number, boolean or null", i + 1),
                    format!("第 {} 个值不是字符串、数字、布尔值或 null", i + 1),
                )
                .at_column(column),
            ));
        };
        cells.push(cell);
    }
    Ok(cells)
}

fn table_from_js(v: &JsValue) -> Result<Table, JsValue> {
    if !v.is_object() || js_sys::Array::is_array(v) {
        return Err(param(
            "an export table must be an object { name, columns: [{ name, values }] }".into(),
            "导出表必须是对象 { name, columns: [{ name, values }] }".into(),
        ));
    }
    only_keys(v, &["name", "columns"], "export table")?;
    let name = get(v, "name").as_string().unwrap_or_default();
    let columns = get(v, "columns");
    if !js_sys::Array::is_array(&columns) {
        return Err(param("the table's columns must be an array".into(), "表的 columns 必须是数组".into()));
    }
    let mut table = Table::new(name);
    for c in columns.unchecked_ref::<js_sys::Array>().iter() {
        if !c.is_object() {
            return Err(param(
                "each column must be an object { name, values }".into(),
                "每列必须是对象 { name, values }".into(),
            ));
        }
        only_keys(&c, &["name", "values", "numFormat"], "export column")?;
        let Some(col_name) = get(&c, "name").as_string() else {
            return Err(param("each column needs a name (a string)".into(), "每列都需要字符串名称 name".into()));
        };
        let cells = cells_from_js(&get(&c, "values"), &col_name)?;
        let num_format = get(&c, "numFormat").as_string();
        table.columns.push(ExportColumn { name: col_name, cells, num_format });
    }
    Ok(table)
}

/// A result table as CSV bytes: UTF-8 with a BOM, RFC 4180 quoting, CRLF;
/// formula-looking text neutralised unless `neutralizeFormulas: false`.
///
/// ```js
/// const bytes = exportCsv({ name: "scores", columns: [
///   { name: "工号", values: scores.ids }, { name: "总分", values: scores.total } ] },
///   { pseudonymize: { columns: ["工号"], secret } });
/// ```
#[wasm_bindgen(js_name = exportCsv)]
pub fn export_csv(
    #[wasm_bindgen(unchecked_param_type = "ExportTable")] table: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ExportOptions | undefined")] opts: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let opts: export::ExportOptions = from_js(opts, "export options")?;
    let table = table_from_js(&table)?;
    csv::write_csv(&table, &opts).map_err(js_error)
}

/// One or more result tables as an XLSX workbook (one sheet each).
#[wasm_bindgen(js_name = exportXlsx)]
pub fn export_xlsx(
    #[wasm_bindgen(unchecked_param_type = "ExportTable | ExportTable[]")] tables: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ExportOptions | undefined")] opts: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let opts: export::ExportOptions = from_js(opts, "export options")?;
    let tables = if js_sys::Array::is_array(&tables) {
        tables.unchecked_ref::<js_sys::Array>().iter().map(|t| table_from_js(&t)).collect::<Result<Vec<_>, _>>()?
    } else {
        vec![table_from_js(&tables)?]
    };
    xlsx::write_xlsx(&tables, &opts).map_err(js_error)
}

/// Stable pseudonyms for names or ids under a workspace secret (empty stays empty).
///
/// ```js
/// pseudonymize(["E00001", "E00002"], secret); // ["P-…", "P-…"], the same every time
/// ```
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn pseudonymize(
    #[wasm_bindgen(unchecked_param_type = "(string | number | null | undefined)[]")] values: JsValue,
    secret: &str,
    prefix: Option<String>,
) -> Result<JsValue, JsValue> {
    let hasher = Pseudonymizer::new(secret.as_bytes(), prefix.as_deref()).map_err(js_error)?;
    let cells = cells_from_js(&values, "values")?;
    let out: Vec<String> = cells
        .iter()
        .map(|c| match c {
            Cell::Empty => String::new(),
            other => hasher.pseudonym(&other.to_text()),
        })
        .collect();
    Ok(string_array(&out).into())
}

#[derive(Serialize)]
struct SuppressionOut {
    suppressed: Vec<bool>,
    reasons: Vec<Option<suppress::Reason>>,
    count: usize,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct SuppressGroupsOptions {
    min_size: f64,
    complementary: bool,
}

impl Default for SuppressGroupsOptions {
    fn default() -> Self {
        SuppressGroupsOptions { min_size: suppress::DEFAULT_MIN_SIZE, complementary: true }
    }
}

/// Which groups of a group view to show as "—": those under `minSize`
/// people (default 5), plus a complementary one when only one would be.
#[wasm_bindgen(js_name = suppressSmallGroups, unchecked_return_type = "Suppression")]
pub fn suppress_small_groups(
    #[wasm_bindgen(unchecked_param_type = "Float64Array | Uint32Array | number[]")] sizes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SuppressGroupsOptions | undefined")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let opts: SuppressGroupsOptions = from_js(opts, "suppression options")?;
    let sizes: Vec<f64> = cells_from_js(&sizes, "sizes")?
        .iter()
        .map(|c| match c {
            Cell::Number(x) => *x,
            _ => f64::NAN,
        })
        .collect();
    let reasons = suppress::small_groups(&sizes, opts.min_size, opts.complementary);
    let suppressed: Vec<bool> = reasons.iter().map(Option::is_some).collect();
    let count = suppressed.iter().filter(|s| **s).count();
    to_js(&SuppressionOut { suppressed, reasons, count })
}
