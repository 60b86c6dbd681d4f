//! Trends, alerts, explanations and the org tree.

use wasm_bindgen::prelude::*;

use super::{flatten_msgs, from_js, from_js_required, js_error, set, to_js, Dataset};
use crate::engine::org::{org_tree, OrgOptions};
use crate::engine::trend::{self, AlertRule, ExplainOptions, TrendOptions};

#[wasm_bindgen(typescript_custom_section)]
const TS_TREND: &'static str = r#"
export interface OrgOptions {
  id?: string; manager?: string; name?: string; managerName?: string;
  path?: string; department?: string; parent?: string; period?: string; placeholders?: boolean;
}
export interface TrendOptions {
  metric: string; by?: string; agg?: "mean" | "sum" | "median"; window?: number;
  months?: number; from?: string; to?: string; period?: string; horizon?: number;
  periodColumn?: string; org?: OrgOptions;
}
export interface Change { base: number; abs: number; rel: number }
export interface TrendSeries {
  key: string; label: string; periods: string[];
  values: Float64Array; movingAvg: Float64Array; mom: Float64Array; yoy: Float64Array;
  count: Uint32Array; slope: number;
  comparison: { period: string | null; value: number; previous: Change; lastYear: Change; trailing: Change; trailingMonths: number };
  forecast: { points: { period: string; value: number; lower: number; upper: number }[]; alpha: number; beta: number; sigma: number } | null;
}
export interface AlertRule {
  metric: string; by?: string; agg?: "mean" | "sum" | "median";
  below?: number; above?: number; consecutiveDeclines?: number; dropPct?: number; window?: number;
  robustZ?: number; slopeBelow?: number; slopeAbove?: number; slopeMonths?: number; since?: string;
  explain?: boolean; top?: number; periodColumn?: string; org?: OrgOptions;
}
export interface Explanation {
  key: string; from: string; to: string; method: string; before: number; after: number; change: number;
  members: number;
  contributors: { id: string; name: string | null; status: string; before: number; after: number; effect: number }[];
  [more: string]: unknown;
}
export interface Alert {
  key: string; label: string; period: string; metric: string; rule: string; ruleIndex: number;
  value: number; threshold: number; score: number; severity: "warning" | "critical";
  message: string; messageZh: string; explanation: Explanation | null;
}
export interface ExplainOptions {
  metric: string; by?: string; key: string; period: string; agg?: "mean" | "sum" | "median";
  top?: number; periodColumn?: string; org?: OrgOptions;
}
export interface OrgTree {
  kind: "people" | "path" | "units";
  nodes: { id: string; parent: string | null; name: string; depth: number; headcount: number; span: number;
           members: number; placeholder: boolean }[];
  problems: { kind: "cycle" | "orphan" | "self" | "duplicate"; ids: string[]; missing: string | null;
              message: string; messageZh: string }[];
  changes: { id: string; from: string | null; to: string | null; period: string }[];
  maxDepth: number;
}
"#;

#[wasm_bindgen]
impl Dataset {
    /// Monthly series of a metric per group (a column, `"org"` or `"org:<id>"`):
    /// values, moving average, month-over-month and year-over-year change,
    /// slope, comparison and forecast. Months with no rows are NaN, never 0.
    ///
    /// ```js
    /// const [s] = ds.trend({ metric: "客户满意度", by: "部门" });
    /// s.periods;   // ["2023-01", …]
    /// s.values;    // Float64Array
    /// ```
    #[wasm_bindgen(unchecked_return_type = "TrendSeries[]")]
    pub fn trend(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TrendOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts: TrendOptions = from_js_required(opts, "trend options")?;
        let series = trend::trend(&self.inner, &opts).map_err(js_error)?;
        let out = js_sys::Array::new();
        for s in &series {
            let o = js_sys::Object::new();
            set(&o, "key", s.key.as_str());
            set(&o, "label", s.label.as_str());
            set(&o, "periods", super::string_array(&s.periods));
            set(&o, "values", js_sys::Float64Array::from(s.values.as_slice()));
            set(&o, "movingAvg", js_sys::Float64Array::from(s.moving_avg.as_slice()));
            set(&o, "mom", js_sys::Float64Array::from(s.mom.as_slice()));
            set(&o, "yoy", js_sys::Float64Array::from(s.yoy.as_slice()));
            set(&o, "count", js_sys::Uint32Array::from(s.count.as_slice()));
            set(&o, "slope", s.slope);
            set(&o, "comparison", to_js(&s.comparison)?);
            set(&o, "forecast", to_js(&s.forecast)?);
            out.push(&o);
        }
        Ok(out.into())
    }

    /// Alerts for every rule (below/above a standard, consecutive declines,
    /// a drop against the trailing mean, robust z-score, slope), each with a
    /// message in English and Chinese and, when asked, an explanation.
    #[wasm_bindgen(unchecked_return_type = "Alert[]")]
    pub fn alerts(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AlertRule[]")] rules: JsValue,
    ) -> Result<JsValue, JsValue> {
        let rules: Vec<AlertRule> = from_js_required(rules, "alert rules")?;
        let alerts = trend::alerts(&self.inner, &rules).map_err(js_error)?;
        let v = to_js(&alerts)?;
        flatten_msgs(&v, 6);
        Ok(v)
    }

    /// Why a group's metric changed between the month before `period` and
    /// `period`: each member's contribution (they sum to the change) and the
    /// indicators that moved most.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ExplainOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts: ExplainOptions = from_js_required(opts, "explain options")?;
        let e = trend::explain(&self.inner, &opts).map_err(js_error)?;
        let v = to_js(&e)?;
        flatten_msgs(&v, 5);
        Ok(v)
    }

    /// The organisation: from employee → manager ids (roles or named
    /// columns), a department path column, or department + parent columns.
    /// Cycles, self-managers and unknown managers are reported in `problems`.
    #[wasm_bindgen(js_name = orgTree, unchecked_return_type = "OrgTree")]
    pub fn org_tree(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OrgOptions | undefined")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts: OrgOptions = from_js(opts, "org options")?;
        let tree = org_tree(&self.inner, &opts).map_err(js_error)?;
        let v = to_js(&tree)?;
        if let Ok(problems) = js_sys::Reflect::get(&v, &JsValue::from_str("problems")) {
            flatten_msgs(&problems, 3);
        }
        Ok(v)
    }
}
