//! Small helpers the page needs so that it does no maths itself.

use wasm_bindgen::prelude::*;

use super::{js_error, set};
use crate::engine::describe;

#[wasm_bindgen(typescript_custom_section)]
const TS_PAGE: &'static str = r#"
export interface GroupMeans { means: Float64Array; counts: Uint32Array }
"#;

/// Means of `values` per group code (NaN ignored; codes `0..k`, below the
/// number of values) — e.g. a team's mean dimension scores for the radar chart.
///
/// ```js
/// groupMeans(new Float64Array([1, 2, 6]), new Uint32Array([1, 0, 1])); // { means: [2, 3.5], counts: [1, 2] }
/// ```
#[wasm_bindgen(js_name = groupMeans, unchecked_return_type = "GroupMeans")]
pub fn group_means(values: &[f64], groups: &[u32]) -> Result<JsValue, JsValue> {
    let g = describe::group_means(values, groups).map_err(js_error)?;
    let o = js_sys::Object::new();
    set(&o, "means", js_sys::Float64Array::from(g.means.as_slice()));
    set(&o, "counts", js_sys::Uint32Array::from(g.counts.as_slice()));
    Ok(o.into())
}
