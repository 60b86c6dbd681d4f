//! Scorecards, scores, what-if re-weighting and the weight assistant.

use std::collections::HashMap;

use wasm_bindgen::prelude::*;

use super::{flatten_msgs, from_js, from_js_required, js_error, label_array, set, string_array, to_js, Dataset};
use crate::engine::score::{self, CalibrationOptions, ScoreOptions, Scorecard, Scores};
use crate::engine::weights::{self, Combination};
use crate::engine::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_SCORE: &'static str = r#"
export type Normalize = "minmax" | "zscore" | "percentile" | { target: number; floor: number };
export interface Indicator { column: string; weight: number; direction?: "higher" | "lower"; normalize?: Normalize }
export interface Dimension { name: string; weight: number; indicators: Indicator[] }
export interface Scorecard {
  name: string; dimensions: Dimension[];
  missing?: "exclude" | "zero" | "mean";
  bands?: { thresholds: { label: string; min: number }[] } | { distribution: { label: string; share: number }[] };
  appliesTo?: { column: string; values: string[] };
  [more: string]: unknown;
}
/** A scorecard object, a built-in template's id (e.g. "cs-manager-monthly") or JSON text; or a list of them. */
export type CardInput = Scorecard | string | (Scorecard | string)[];
export interface ScoreOptions { period?: string; groupBy?: string }
export interface Scores {
  ids: string[]; rows: Uint32Array; total: Float64Array; dimensions: Record<string, Float64Array>;
  rank: Uint32Array; groupRank?: Uint32Array; band: string[];
  bandCounts: { card: string; label: string; count: number; targetShare: number | null; targetCount: number | null }[];
  cards: string[]; period: string | null; unscored: string[];
  warnings: string[]; warningsZh: string[];
}
export interface Moved { id: string; fromRank: number; toRank: number; fromBand: string; toBand: string; why: number[] }
export interface WhatIfScores extends Scores { moved: Moved[]; bandChanges: number; rankChanges: number }
export interface Sensitivity { name: string; weight: number; stableMin: number; stableMax: number }
export interface AhpResult { weights: number[]; lambdaMax: number; ci: number; cr: number }
export interface CalibrationOptions { by?: string; period?: string; minGroup?: number; minEffect?: number; control?: string }
"#;

/// Cards from JS: objects, template ids, JSON text, or a list of those.
fn cards_from_js(v: &JsValue) -> Result<Vec<Scorecard>, JsValue> {
    if js_sys::Array::is_array(v) {
        let arr: &js_sys::Array = v.unchecked_ref();
        return arr.iter().map(|c| card_from_js(&c)).collect();
    }
    Ok(vec![card_from_js(v)?])
}

fn card_from_js(v: &JsValue) -> Result<Scorecard, JsValue> {
    if let Some(s) = v.as_string() {
        let parsed = if s.trim_start().starts_with('{') { Scorecard::from_json(&s) } else { score::template(&s) };
        return parsed.map_err(js_error);
    }
    if v.is_object() {
        let text = js_sys::JSON::stringify(v)
            .ok()
            .and_then(|t| t.as_string())
            .ok_or_else(|| js_error(Error::param("the scorecard cannot be read as JSON", "无法把评分卡读成 JSON")))?;
        return Scorecard::from_json(&text).map_err(js_error);
    }
    Err(js_error(Error::param(
        "a scorecard must be an object, a template id or JSON text",
        "评分卡应为对象、模板名或 JSON 文本",
    )))
}

/// Scores out: bulk numbers as typed arrays, the rest as plain values.
fn scores_to_js(s: &Scores) -> Result<js_sys::Object, JsValue> {
    scores_to_js_with(s, &string_array(&s.ids))
}

/// As [`scores_to_js`], with the `ids` array already built (a what-if
/// session's ids never change, so it builds them once).
fn scores_to_js_with(s: &Scores, ids: &js_sys::Array) -> Result<js_sys::Object, JsValue> {
    let o = js_sys::Object::new();
    set(&o, "ids", ids.clone());
    set(&o, "rows", js_sys::Uint32Array::from(s.rows.as_slice()));
    set(&o, "total", js_sys::Float64Array::from(s.total.as_slice()));
    let dims = js_sys::Object::new();
    for d in &s.dimensions {
        set(&dims, &d.name, js_sys::Float64Array::from(d.values.as_slice()));
    }
    set(&o, "dimensions", dims);
    set(&o, "rank", js_sys::Uint32Array::from(s.rank.as_slice()));
    if let Some(g) = &s.group_rank {
        set(&o, "groupRank", js_sys::Uint32Array::from(g.as_slice()));
    }
    set(&o, "band", label_array(&s.band_labels, &s.band));
    set(&o, "bandCounts", to_js(&s.band_counts)?);
    set(&o, "cards", string_array(&s.cards));
    set(&o, "period", s.period.as_deref().map_or(JsValue::NULL, JsValue::from_str));
    set(&o, "unscored", string_array(&s.unscored));
    let en: Vec<&str> = s.warnings.iter().map(|m| m.en.as_str()).collect();
    let zh: Vec<&str> = s.warnings.iter().map(|m| m.zh.as_str()).collect();
    set(&o, "warnings", string_array(&en));
    set(&o, "warningsZh", string_array(&zh));
    Ok(o)
}

/// Normalised indicators kept in wasm, so new weights re-score, re-rank and
/// re-band without re-reading the data.
///
/// ```js
/// const w = ds.whatIf("cs-manager-monthly", { period: "2024-12" });
/// const r = w.setWeights({ "服务质量": 50, "客户反馈": 10 });
/// r.moved;            // who changed rank or band, and why (per-dimension contribution change)
/// w.sensitivity();    // each weight's interval in which nobody changes band
/// ```
///
/// Within one session `ids` is the same array in every result (it never
/// changes); treat it as read-only.
#[wasm_bindgen]
pub struct WhatIf {
    inner: score::WhatIf,
    ids: js_sys::Array,
}

#[wasm_bindgen]
impl WhatIf {
    /// The current scores.
    #[wasm_bindgen(unchecked_return_type = "Scores")]
    pub fn scores(&self) -> Result<JsValue, JsValue> {
        Ok(scores_to_js_with(self.inner.scores(), &self.ids)?.into())
    }

    /// The current weights, by dimension name and `dimension/indicator` name.
    #[wasm_bindgen(unchecked_return_type = "Record<string, number>")]
    pub fn weights(&self) -> Result<JsValue, JsValue> {
        let map: HashMap<String, f64> = self.inner.weights().into_iter().collect();
        to_js(&map)
    }

    /// Change some weights (relative; they need not sum to 100) and re-score.
    #[wasm_bindgen(js_name = setWeights, unchecked_return_type = "WhatIfScores")]
    pub fn set_weights(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, number>")] weights: JsValue,
    ) -> Result<JsValue, JsValue> {
        let weights: HashMap<String, f64> = from_js_required(weights, "weights")?;
        let update = self.inner.set_weights(&weights).map_err(js_error)?;
        let o = scores_to_js_with(self.inner.scores(), &self.ids)?;
        set(&o, "moved", to_js(&update.moved)?);
        set(&o, "bandChanges", update.band_changes as f64);
        set(&o, "rankChanges", update.rank_changes as f64);
        Ok(o.into())
    }

    /// For each weight, the interval over which nobody changes band when only
    /// that weight moves.
    #[wasm_bindgen(unchecked_return_type = "Sensitivity[]")]
    pub fn sensitivity(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.sensitivity())
    }
}

#[wasm_bindgen]
impl Dataset {
    /// Weighted KPI scores (0–100), dimension scores, competition ranks
    /// (1 = best), group ranks and bands for one or more scorecards.
    #[wasm_bindgen(unchecked_return_type = "Scores")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CardInput")] card: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let cards = cards_from_js(&card)?;
        let opts: ScoreOptions = from_js(opts, "score options")?;
        let s = score::score(&self.inner, &cards, &opts).map_err(js_error)?;
        Ok(scores_to_js(&s)?.into())
    }

    /// A what-if session over one scorecard (see [`WhatIf`]).
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Scorecard | string")] card: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] opts: JsValue,
    ) -> Result<WhatIf, JsValue> {
        let card = card_from_js(&card)?;
        let opts: ScoreOptions = from_js(opts, "score options")?;
        let inner = score::WhatIf::new(&self.inner, &card, &opts).map_err(js_error)?;
        let ids = string_array(&inner.scores().ids);
        Ok(WhatIf { inner, ids })
    }

    /// Objective weights by the entropy method, one per column (sum 1).
    #[wasm_bindgen(js_name = entropyWeights, unchecked_return_type = "number[]")]
    pub fn entropy_weights(&self, columns: Vec<String>) -> Result<JsValue, JsValue> {
        to_js(&weights::entropy(&self.inner, &columns).map_err(js_error)?.weights)
    }

    /// Objective weights by CRITIC (contrast and conflict), one per column (sum 1).
    #[wasm_bindgen(js_name = criticWeights, unchecked_return_type = "number[]")]
    pub fn critic_weights(&self, columns: Vec<String>) -> Result<JsValue, JsValue> {
        to_js(&weights::critic(&self.inner, &columns).map_err(js_error)?.weights)
    }

    /// Compare two scorecards (or weightings) on the same people: rank
    /// correlation, band changes, biggest movers.
    #[wasm_bindgen(js_name = compareCards)]
    pub fn compare_cards(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Scorecard | string")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Scorecard | string")] b: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (a, b) = (card_from_js(&a)?, card_from_js(&b)?);
        let opts: ScoreOptions = from_js(opts, "score options")?;
        to_js(&score::compare(&self.inner, &a, &b, &opts).map_err(js_error)?)
    }

    /// Leniency and severity per manager (or group) on a score column, with
    /// the evidence (Cohen's d, group size) and calibrated values.
    pub fn calibrate(
        &self,
        column: &str,
        #[wasm_bindgen(unchecked_param_type = "CalibrationOptions | undefined")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts: CalibrationOptions = from_js(opts, "calibration options")?;
        let v = to_js(&score::calibrate(&self.inner, column, &opts).map_err(js_error)?)?;
        flatten_msgs(&v, 3);
        Ok(v)
    }

    /// 9-box: score tercile × a second column's tercile, per person.
    #[wasm_bindgen(js_name = nineBox)]
    pub fn nine_box(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Scorecard | string")] card: JsValue,
        column: &str,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let card = card_from_js(&card)?;
        let opts: ScoreOptions = from_js(opts, "score options")?;
        let s = score::score(&self.inner, &[card], &opts).map_err(js_error)?;
        to_js(&score::nine_box(&self.inner, &s, column).map_err(js_error)?)
    }
}

/// AHP weights from a pairwise comparison matrix, with λmax, CI and CR
/// (Saaty's random index); a non-reciprocal or non-positive matrix is a `ParamError`.
#[wasm_bindgen(js_name = ahpWeights, unchecked_return_type = "AhpResult")]
pub fn ahp_weights(#[wasm_bindgen(unchecked_param_type = "number[][]")] matrix: JsValue) -> Result<JsValue, JsValue> {
    let m: Vec<Vec<f64>> = from_js_required(matrix, "AHP matrix")?;
    to_js(&weights::ahp(&m).map_err(js_error)?)
}

/// Combined subjective/objective weights (组合赋权): `"multiplicative"`, or
/// linear with `alpha` the subjective share.
#[wasm_bindgen(js_name = combineWeights, unchecked_return_type = "number[]")]
pub fn combine_weights(subjective: Vec<f64>, objective: Vec<f64>, alpha: Option<f64>) -> Result<JsValue, JsValue> {
    let how = match alpha {
        Some(alpha) => Combination::Linear { alpha },
        None => Combination::Multiplicative,
    };
    to_js(&weights::combine(&subjective, &objective, how).map_err(js_error)?)
}

/// Spearman's ρ and Kendall's τ-b between two score (or rank) vectors.
#[wasm_bindgen(js_name = rankCorrelation, unchecked_return_type = "{ spearman: number; kendall: number }")]
pub fn rank_correlation(a: Vec<f64>, b: Vec<f64>) -> Result<JsValue, JsValue> {
    let o = js_sys::Object::new();
    set(&o, "spearman", weights::spearman(&a, &b));
    set(&o, "kendall", weights::kendall_tau_b(&a, &b));
    Ok(o.into())
}

/// The built-in scorecard templates (`[{ id, card }]`).
#[wasm_bindgen(js_name = scorecardTemplates, unchecked_return_type = "{ id: string; card: Scorecard }[]")]
pub fn scorecard_templates() -> Result<JsValue, JsValue> {
    to_js(&score::templates().map_err(js_error)?)
}

/// A CSV template with the columns a card needs (zh and en headers) and a
/// note of units and directions, for HR to collect data in the right shape.
#[wasm_bindgen(js_name = scorecardTemplateCsv)]
pub fn scorecard_template_csv(
    #[wasm_bindgen(unchecked_param_type = "Scorecard | string")] card: JsValue,
) -> Result<String, JsValue> {
    Ok(score::template_csv(&card_from_js(&card)?))
}
