//! The JavaScript facade: the only code that knows about wasm-bindgen.
//!
//! Each exported type wraps an engine type (`inner`) and delegates with `?`.
//! Bulk numbers leave as typed arrays (copies), small results as plain
//! objects via serde-wasm-bindgen, and every engine [`Error`] becomes a thrown
//! JS `Error` whose `name` is its kind (`FormatError`, `ParamError`, …) with
//! `messageZh`, `file`, `line` and `column` properties.
//!
//! Areas add their methods in their own files with further
//! `#[wasm_bindgen] impl Dataset` blocks.

mod debug;
mod export;
mod ingest;
mod page;
mod score;
mod segment;
mod trend;

pub use ingest::DatasetLoader;

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::{self, ColumnData, Error, ErrorKind};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type Role = "employeeId" | "name" | "department" | "managerId" | "period" | "jobLevel";
export interface SampleOptions { employees?: number; months?: number; seed?: number }
export interface ColumnStats {
  column: string; count: number; missing: number; min: number; max: number;
  mean: number; std: number; p25: number; median: number; p75: number;
}
export interface Histogram { column: string; edges: number[]; counts: number[]; missing: number }
/** The properties every error thrown by hrlens carries besides name and message. */
export interface HrlensError extends Error {
  name: "FormatError" | "EncodingError" | "LimitError" | "ParamError";
  messageZh: string; file?: string; line?: number; column?: string;
}
"#;

/// Convert an engine error into a thrown JS `Error`.
pub(crate) fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_en());
    // Exhaustive on purpose: a new kind must be named here.
    let name = match e.kind {
        ErrorKind::Format => "FormatError",
        ErrorKind::Encoding => "EncodingError",
        ErrorKind::Limit => "LimitError",
        ErrorKind::Param => "ParamError",
    };
    err.set_name(name);
    let obj: &JsValue = err.as_ref();
    let set = |k: &str, v: JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(obj, &JsValue::from_str(k), &v);
    };
    set("messageZh", JsValue::from_str(&e.to_zh()));
    if let Some(f) = &e.file {
        set("file", JsValue::from_str(f));
    }
    if let Some(l) = e.line {
        set("line", JsValue::from_f64(l as f64));
    }
    if let Some(c) = &e.column {
        set("column", JsValue::from_str(c));
    }
    err.into()
}

/// Options objects in: `undefined`/`null` mean defaults; a malformed object
/// (wrong type, or a key the options do not have, such as a typo) is a `ParamError`.
pub(crate) fn from_js<T: DeserializeOwned + Default>(v: JsValue, what: &str) -> Result<T, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    from_js_required(v, what)
}

/// Required values in (no default). They pass through a JSON value so that
/// `deny_unknown_fields` sees every key (serde-wasm-bindgen reads only known ones).
pub(crate) fn from_js_required<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    let bad = |e: String| js_error(Error::param(format!("invalid {what}: {e}"), format!("{what} 无效：{e}")));
    let json: serde_json::Value = serde_wasm_bindgen::from_value(v).map_err(|e| bad(e.to_string()))?;
    serde_json::from_value(json).map_err(|e| bad(e.to_string()))
}

/// Small results out, as plain objects (`None` → `null`, maps → objects).
pub(crate) fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true).serialize_maps_as_objects(true);
    v.serialize(&ser)
        .map_err(|e| js_error(Error::param(format!("cannot convert result: {e}"), format!("结果转换失败：{e}"))))
}

/// Bilingual messages in results: every `{ en, zh }` object found under key
/// `k` becomes `k: en` plus `kZh: zh`, the shape the JS API documents
/// (`message` / `messageZh`). Walks arrays and objects a few levels deep.
pub(crate) fn flatten_msgs(v: &JsValue, depth: u32) {
    if depth == 0 || !v.is_object() {
        return;
    }
    if js_sys::Array::is_array(v) {
        let arr: &js_sys::Array = v.unchecked_ref();
        for x in arr.iter() {
            flatten_msgs(&x, depth - 1);
        }
        return;
    }
    let obj: &js_sys::Object = v.unchecked_ref();
    for key in js_sys::Object::keys(obj).iter() {
        let Ok(val) = js_sys::Reflect::get(obj, &key) else { continue };
        if val.is_object()
            && !js_sys::Array::is_array(&val)
            && js_sys::Object::keys(val.unchecked_ref::<js_sys::Object>()).length() == 2
        {
            let en = js_sys::Reflect::get(&val, &JsValue::from_str("en")).unwrap_or(JsValue::UNDEFINED);
            let zh = js_sys::Reflect::get(&val, &JsValue::from_str("zh")).unwrap_or(JsValue::UNDEFINED);
            if let (Some(k), true, true) = (key.as_string(), en.is_string(), zh.is_string()) {
                let _ = js_sys::Reflect::set(obj, &key, &en);
                let _ = js_sys::Reflect::set(obj, &JsValue::from_str(&format!("{k}Zh")), &zh);
                continue;
            }
        }
        flatten_msgs(&val, depth - 1);
    }
}

/// Set a property on a result object under construction.
pub(crate) fn set(obj: &js_sys::Object, key: &str, value: impl Into<JsValue>) {
    // Setting a property on a plain object we created cannot fail.
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

/// Strings out as a JS `string[]`.
// Building a JS array of many strings one `JsValue::from_str` at a time costs
// a TextDecoder call and two boundary crossings per string (≈ 0.7 s for 1M
// ids). Instead the strings cross as one text with their UTF-16 end offsets
// and are cut apart in JS: one decode, one crossing per chunk.
#[wasm_bindgen(inline_js = r#"export function hrlens_fill_strings(out, start, text, ends) {
  let a = 0;
  for (let i = 0; i < ends.length; i++) { const b = ends[i]; out[start + i] = text.slice(a, b); a = b; }
}
export function hrlens_fill_labels(out, labels, codes) {
  for (let i = 0; i < codes.length; i++) out[i] = labels[codes[i]] ?? "";
}"#)]
extern "C" {
    fn hrlens_fill_strings(out: &js_sys::Array, start: u32, text: &str, ends: &[u32]);
    fn hrlens_fill_labels(out: &js_sys::Array, labels: &js_sys::Array, codes: &[u16]);
}

/// Text per crossing: well under any engine's string length limit.
const STRING_CHUNK_BYTES: usize = 16 << 20;

/// A JS `string[]` of `items`.
pub(crate) fn string_array<S: AsRef<str>>(items: &[S]) -> js_sys::Array {
    if items.len() < 32 {
        return items.iter().map(|s| JsValue::from_str(s.as_ref())).collect();
    }
    let out = js_sys::Array::new_with_length(u32::try_from(items.len()).unwrap_or(u32::MAX));
    let mut text = String::new();
    let mut ends: Vec<u32> = Vec::new();
    let mut start = 0u32;
    let mut units = 0u32;
    for s in items {
        let s = s.as_ref();
        text.push_str(s);
        let n = if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
        units = units.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        ends.push(units);
        if text.len() >= STRING_CHUNK_BYTES {
            hrlens_fill_strings(&out, start, &text, &ends);
            start = start.saturating_add(u32::try_from(ends.len()).unwrap_or(u32::MAX));
            text.clear();
            ends.clear();
            units = 0;
        }
    }
    if !ends.is_empty() {
        hrlens_fill_strings(&out, start, &text, &ends);
    }
    out
}

/// A JS `string[]` with `labels[codes[i]]` at `i`, `""` for a code with no label
/// (e.g. band names by code, `NO_BAND` → `""`).
pub(crate) fn label_array<S: AsRef<str>>(labels: &[S], codes: &[u16]) -> js_sys::Array {
    let out = js_sys::Array::new_with_length(u32::try_from(codes.len()).unwrap_or(u32::MAX));
    hrlens_fill_labels(&out, &string_array(labels), codes);
    out
}

/// The memory budget in bytes: how much one piece of work (a load, a trend, a
/// what-if, a k-means run) may allocate before it fails with a `LimitError`
/// instead of running the tab out of memory.
#[wasm_bindgen(js_name = memoryBudget)]
pub fn memory_budget() -> f64 {
    engine::budget::budget() as f64
}

/// Set the memory budget in bytes (16 MiB to 3.5 GiB; default 1.5 GiB).
#[wasm_bindgen(js_name = setMemoryBudget)]
pub fn set_memory_budget(bytes: f64) -> Result<(), JsValue> {
    if !(bytes.is_finite() && bytes >= 0.0) {
        return Err(js_error(Error::param("the memory budget must be a number of bytes", "内存预算必须是字节数")));
    }
    engine::budget::set_budget(bytes as u64).map_err(js_error)
}

/// The library version (the crate's).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// A loaded table, held in wasm memory; JS holds only this handle.
///
/// ```js
/// const ds = Dataset.sample({ employees: 200, months: 12, seed: 1 });
/// ds.rowCount;            // 2400
/// ds.column("客户满意度"); // Float64Array, NaN = missing
/// ```
#[wasm_bindgen]
pub struct Dataset {
    pub(crate) inner: engine::Dataset,
}

#[wasm_bindgen]
impl Dataset {
    /// The built-in sample panel (default 2,000 employees × 24 months, seed 42).
    pub fn sample(
        #[wasm_bindgen(unchecked_param_type = "SampleOptions | undefined")] opts: JsValue,
    ) -> Result<Dataset, JsValue> {
        let opts: engine::sample::SampleOptions = from_js(opts, "sample options")?;
        engine::sample::sample(&opts).map(|inner| Dataset { inner }).map_err(js_error)
    }

    #[wasm_bindgen(getter, js_name = rowCount)]
    pub fn row_count(&self) -> f64 {
        self.inner.row_count() as f64
    }

    /// A column's values: numbers as a `Float64Array` (NaN = missing); dates,
    /// categories and text as display strings (`""` = missing).
    #[wasm_bindgen(unchecked_return_type = "Float64Array | string[]")]
    pub fn column(&self, name: &str) -> Result<JsValue, JsValue> {
        let c = self.inner.require(name).map_err(js_error)?;
        match &c.data {
            ColumnData::Number(v) => Ok(js_sys::Float64Array::from(&*v.values()).into()),
            _ => {
                let text: Vec<Cow<'_, str>> = (0..c.len()).map(|i| c.display(i).unwrap_or_default()).collect();
                Ok(string_array(&text).into())
            }
        }
    }

    /// Give a column a role (taking it from any other column), or clear it with `null`.
    #[wasm_bindgen(js_name = setRole)]
    pub fn set_role(
        &mut self,
        column: &str,
        #[wasm_bindgen(unchecked_param_type = "Role | null")] role: JsValue,
    ) -> Result<(), JsValue> {
        let role = match role.as_string() {
            None if role.is_null() || role.is_undefined() => None,
            Some(s) => Some(engine::Role::parse(&s).ok_or_else(|| {
                js_error(Error::param(
                    format!(
                        "unknown role \"{s}\"; expected employeeId, name, department, managerId, period or jobLevel"
                    ),
                    format!("未知角色“{s}”；应为 employeeId、name、department、managerId、period 或 jobLevel"),
                ))
            })?),
            None => return Err(js_error(Error::param("role must be a string or null", "角色必须是字符串或 null"))),
        };
        self.inner.set_role(column, role).map_err(js_error)
    }

    /// Summary statistics of a number column.
    #[wasm_bindgen(unchecked_return_type = "ColumnStats")]
    pub fn stats(&self, column: &str) -> Result<JsValue, JsValue> {
        to_js(&engine::describe::stats(&self.inner, column).map_err(js_error)?)
    }

    /// Equal-width histogram of a number column.
    #[wasm_bindgen(unchecked_return_type = "Histogram")]
    pub fn histogram(&self, column: &str, bins: u32) -> Result<JsValue, JsValue> {
        to_js(&engine::describe::histogram(&self.inner, column, bins as usize).map_err(js_error)?)
    }
}
