//! Segments, tiers, survey results and strategy tables; raw k-means and its
//! shard protocol for worker pools (`www/kmeans-pool.js`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{flatten_msgs, from_js, from_js_required, js_error, set, to_js, Dataset};
use crate::engine::segment::{
    self, algorithm, Algorithm, Coordinator, EditedRow, Far, Groups, KMeansParams, Points, SegmentOptions, Shard, Spec,
    Status, SurveyOptions, TierRules,
};
use crate::engine::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_SEGMENT: &'static str = r#"
export type Scaling = "zscore" | "robust" | "minmax" | "none";
export type KMeansAlgorithm = "auto" | "lloyd" | "hamerly";
export interface SegmentOptions {
  /** Number columns (scaled) and category columns (one-hot). */
  features: string[];
  /** A number 2..50, or "auto" (default) to scan kMin..kMax. */
  k?: number | "auto";
  kMin?: number; kMax?: number;
  seed?: number;
  /** Default 10 for a fixed k, 3 per scanned k for "auto". */
  restarts?: number;
  maxIter?: number; tol?: number;
  scaling?: Scaling;
  /** Initial centroids, k rows of one value per feature in original units (number features only). */
  init?: number[][];
  algorithm?: KMeansAlgorithm;
  /** A category mismatch costs categoricalWeight² in squared distance (default 1). */
  categoricalWeight?: number;
  /** impute (default): mean / no level; exclude: row left out, label UNASSIGNED (4294967295). */
  missing?: "impute" | "exclude";
  /** Above this many rows the silhouette uses a seeded sample of this size (default 10000). */
  silhouetteSample?: number;
  projection?: boolean;
  /** More columns to describe segments by (not clustered on). */
  describe?: string[];
}
export interface SegmentTrait { feature: string; z: number; mean: number; populationMean: number; populationStd: number; count: number }
export interface SegmentCategory { feature: string; value: string; share: number; populationShare: number; lift: number }
export interface SegmentProfile {
  segment: number; size: number; share: number; label: string; labelZh: string;
  /** Number features in original units, in the order of numericFeatures. */
  centroid: number[];
  traits: SegmentTrait[]; categories: SegmentCategory[];
}
export interface KScanEntry { k: number; inertia: number; silhouette: number; calinskiHarabasz: number; daviesBouldin: number; iterations: number }
export interface SegmentFeature {
  name: string; kind: "number" | "category"; first: number; width: number;
  scaler: { centre: number; scale: number; degenerate: boolean }; mean: number; levels: string[]; missing: number;
}
export interface SegmentWarning { row: number | null; column: string | null; message: string; messageZh: string }
export interface Segmentation {
  k: number;
  /** One per row, 0..k-1, or UNASSIGNED (4294967295) for rows left out. */
  labels: Uint32Array;
  sizes: number[];
  features: SegmentFeature[];
  numericFeatures: string[];
  /** k × numericFeatures, original units. */
  centroids: number[][];
  inertia: number; iterations: number; converged: boolean;
  silhouette: number; silhouetteRows: number; calinskiHarabasz: number; daviesBouldin: number;
  kScan: KScanEntry[] | null; kReason: string | null; kReasonZh?: string;
  profiles: SegmentProfile[];
  /** x, y per row (NaN for rows left out); empty when projection is false. */
  projection: Float32Array;
  projectionExplained: [number, number];
  unassigned: number; algorithm: "lloyd" | "hamerly"; scaling: Scaling; restarts: number; distances: number;
  warnings: SegmentWarning[];
}
export interface AddLabelsOptions {
  /** Level names for segment numbers (default S1, S2, …). */
  names?: string[];
  /** Replace an existing column of that name (default false). */
  replace?: boolean;
}
/** Tier rules: dimensions of levels, each level one condition (see the README). */
export interface TierLevel {
  label: string;
  /** The cell equals one of these (text as shown, numbers by value). */
  values?: (string | number)[];
  /** min ≤ x < max. */
  min?: number; max?: number;
  /** The same with quantiles of the column (0..1); maxQuantile 1 includes the maximum. */
  minQuantile?: number; maxQuantile?: number;
  otherwise?: boolean;
}
export interface TierDimension { name?: string; column: string; levels: TierLevel[] }
export interface TierRules {
  name?: string; dimensions: TierDimension[];
  /** Joins the levels into a tier label (default "·"). */
  separator?: string;
  /** Level for a missing cell (default: the row is untiered). */
  missing?: string;
}
export interface TierOptions {
  /** Segment labels (from segment()) for the cross-tab tiers × segments. */
  segments?: Uint32Array;
  /** Segment names for the cross-tab (default S1, S2, …). */
  names?: string[];
}
export interface Tiering {
  /** Tier label per row ("" = untiered). */
  labels: string[];
  /** Index into tiers per row (4294967295 = untiered). */
  codes: Uint32Array;
  tiers: { label: string; levels: string[]; count: number; share: number }[];
  counts: Record<string, number>;
  untiered: number;
  /** With exactly two dimensions: counts[rowLevel][columnLevel]. */
  matrix: { rows: string[]; columns: string[]; counts: number[][] } | null;
  crossTab: { tiers: string[]; segments: string[]; counts: number[][] } | null;
  warnings: SegmentWarning[];
}
/** Row groups: segment labels (with names), or a category column such as one added by addLabels. */
export interface GroupOptions { segments?: Uint32Array; names?: string[]; groupBy?: string }
export interface SurveyOptions extends GroupOptions {
  column: string;
  /** Bins for a continuous number column (default 5). */
  bins?: number;
  /** Order of a category column's answers, low to high (gives a mean 1..m). */
  order?: string[];
}
export interface SurveyGroup {
  group: string; n: number; missing: number; mean: number; std: number;
  counts: number[]; shares: number[]; topBox: number; bottomBox: number;
}
export interface SurveyResult {
  column: string; kind: "likert" | "binned" | "category"; levels: string[];
  overall: SurveyGroup; groups: SurveyGroup[];
}
export interface StrategyOptions extends GroupOptions {
  /** Columns whose traits suggest the strategy (numbers; categories describe). */
  features: string[];
}
export interface StrategyRow {
  group: string; size: number; share: number;
  /** 主要需求 */ need: string; needZh: string;
  /** 服务策略 */ strategy: string; strategyZh: string;
  /** 预期效果 */ effect: string; effectZh: string;
  basis: string[];
}
/** A strategy row as the user edited it, for export. */
export interface EditedStrategyRow { group: string; size?: number; share?: number; need: string; strategy: string; effect: string }
export interface KMeansOptions {
  k: number;
  /** Initial centroids in the matrix's units: k rows, or one flat k × dims array. One run. */
  init?: number[][] | number[];
  seed?: number; restarts?: number; maxIter?: number; tol?: number; algorithm?: KMeansAlgorithm;
}
export interface KMeansResult {
  k: number; labels: Uint32Array;
  /** k × dims, row-major, the matrix's units. */
  centroids: Float64Array;
  inertia: number; iterations: number; converged: boolean; sizes: number[];
  runs: { inertia: number; iterations: number; converged: boolean }[];
  distances: number; ties: number;
}
/** What every shard of one problem agrees on (from KMeansPlan.spec(); pass it through unchanged). */
export interface KMeansSpec { dims: number; rows: number; offset: number[]; exponents: number[]; inertiaExponent: number; variance: number }
export interface KMeansStep { sums: BigInt64Array; counts: Float64Array; changed: number }
export interface KMeansFar { dist2: Float64Array; rows: Float64Array; labels: Uint32Array; q: BigInt64Array }
export interface KMeansRun { centroids: Float64Array; inertia: number; iterations: number; converged: boolean }
"#;

/// A matrix from JS: a `Float32Array` or a `Float64Array`.
enum Matrix {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

fn matrix_from_js(v: &JsValue) -> Result<Matrix, JsValue> {
    if let Some(a) = v.dyn_ref::<js_sys::Float32Array>() {
        return Ok(Matrix::F32(a.to_vec()));
    }
    if let Some(a) = v.dyn_ref::<js_sys::Float64Array>() {
        return Ok(Matrix::F64(a.to_vec()));
    }
    Err(js_error(Error::param(
        "the matrix must be a Float32Array or a Float64Array (row-major)",
        "矩阵必须是按行存放的 Float32Array 或 Float64Array",
    )))
}

fn spec_and_points(data: &Matrix, dims: usize) -> Result<(Spec, Points), JsValue> {
    let spec = match data {
        Matrix::F32(d) => Spec::of(d, dims),
        Matrix::F64(d) => Spec::of(d, dims),
    }
    .map_err(js_error)?;
    let points = points_of(data, &spec)?;
    Ok((spec, points))
}

fn points_of(data: &Matrix, spec: &Spec) -> Result<Points, JsValue> {
    match data {
        Matrix::F32(d) => Points::new(d, spec),
        Matrix::F64(d) => Points::new(d, spec),
    }
    .map_err(js_error)
}

fn algorithm_of(s: Option<String>) -> Result<Algorithm, JsValue> {
    match s.as_deref() {
        None | Some("auto") => Ok(Algorithm::Auto),
        Some("lloyd") => Ok(Algorithm::Lloyd),
        Some("hamerly") => Ok(Algorithm::Hamerly),
        Some(o) => Err(js_error(Error::param(
            format!("unknown algorithm \"{o}\"; expected auto, lloyd or hamerly"),
            format!("未知算法“{o}”；应为 auto、lloyd 或 hamerly"),
        ))),
    }
}

/// `init` as nested rows or one flat array.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum InitRows {
    Nested(Vec<Vec<f64>>),
    Flat(Vec<f64>),
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KMeansOptions {
    k: usize,
    #[serde(default)]
    init: Option<InitRows>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    restarts: Option<usize>,
    #[serde(default)]
    max_iter: Option<usize>,
    #[serde(default)]
    tol: Option<f64>,
    #[serde(default)]
    algorithm: Option<Algorithm>,
}

impl KMeansOptions {
    fn params(self) -> KMeansParams {
        let mut p = KMeansParams::new(self.k);
        if let Some(s) = self.seed {
            p.seed = s;
        }
        if let Some(r) = self.restarts {
            p.n_runs = r;
        }
        if let Some(m) = self.max_iter {
            p.max_n_iterations = m;
        }
        if let Some(t) = self.tol {
            p.tolerance = t;
        }
        if let Some(a) = self.algorithm {
            p.algorithm = a;
        }
        p.init = self.init.map(|i| match i {
            InitRows::Nested(rows) => rows.into_iter().flatten().collect(),
            InitRows::Flat(v) => v,
        });
        p
    }
}

/// Take a typed-array property out of an options object (serde cannot read
/// typed arrays); the rest is returned for serde.
fn take_labels(opts: &JsValue) -> Result<(Option<Vec<u32>>, JsValue), JsValue> {
    if opts.is_undefined() || opts.is_null() {
        return Ok((None, JsValue::UNDEFINED));
    }
    if !opts.is_object() {
        return Err(js_error(Error::param("options must be an object", "选项必须是对象")));
    }
    let copy = js_sys::Object::assign(&js_sys::Object::new(), opts.unchecked_ref());
    let key = JsValue::from_str("segments");
    let seg = js_sys::Reflect::get(&copy, &key).unwrap_or(JsValue::UNDEFINED);
    let _ = js_sys::Reflect::delete_property(&copy, &key);
    let labels = if seg.is_undefined() || seg.is_null() {
        None
    } else if let Some(a) = seg.dyn_ref::<js_sys::Uint32Array>() {
        Some(a.to_vec())
    } else {
        return Err(js_error(Error::param(
            "segments must be a Uint32Array (the labels from segment())",
            "segments 必须是 Uint32Array（segment() 返回的 labels）",
        )));
    };
    Ok((labels, copy.into()))
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct GroupOpts {
    names: Vec<String>,
    group_by: Option<String>,
}

fn groups_of(ds: &crate::engine::Dataset, labels: Option<Vec<u32>>, g: &GroupOpts) -> Result<Groups, JsValue> {
    match (&g.group_by, labels) {
        (Some(col), _) => Groups::from_column(ds, col),
        (None, Some(l)) => Groups::from_labels(ds, &l, &g.names),
        (None, None) => Err(Error::param(
            "give segments (labels from segment()) or groupBy (a category column)",
            "请提供 segments（segment() 的 labels）或 groupBy（类别列）",
        )),
    }
    .map_err(js_error)
}

#[wasm_bindgen]
impl Dataset {
    /// Rule-based tiers (e.g. 管理层/技术层/基层 × 高频/低频): a label per row,
    /// counts, the two-way matrix, and with `segments` a cross-tab tiers × segments.
    ///
    /// ```js
    /// const t = ds.tier({ dimensions: [
    ///   { column: "职位族", levels: [{ label: "管理层", values: ["管理层"] }, { label: "基层", otherwise: true }] },
    ///   { column: "登录次数", levels: [{ label: "高频", minQuantile: 0.5 }, { label: "低频", otherwise: true }] }] },
    ///   { segments: s.labels });
    /// t.counts["管理层·高频"]; t.matrix; t.crossTab;
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Tiering")]
    pub fn tier(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TierRules | string")] rules: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TierOptions | undefined")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = match rules.as_string() {
            Some(t) => t,
            None if rules.is_object() => {
                js_sys::JSON::stringify(&rules).ok().and_then(|t| t.as_string()).unwrap_or_default()
            }
            None => {
                return Err(js_error(Error::param(
                    "tier rules must be an object or JSON text",
                    "分层规则必须是对象或 JSON 文本",
                )))
            }
        };
        let rules = TierRules::from_json(&text).map_err(js_error)?;
        #[derive(serde::Deserialize, Default)]
        #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
        struct Opts {
            names: Vec<String>,
        }
        let (labels, rest) = take_labels(&opts)?;
        let o: Opts = from_js(rest, "tier options")?;
        let t =
            segment::tier(&self.inner, &rules, labels.as_deref().map(|l| (l, o.names.as_slice()))).map_err(js_error)?;
        let out = to_js(&t)?;
        let obj: &js_sys::Object = out.unchecked_ref();
        set(obj, "labels", super::string_array(&t.labels()));
        set(obj, "codes", js_sys::Uint32Array::from(t.codes.as_slice()));
        let counts = js_sys::Object::new();
        for x in &t.tiers {
            set(&counts, &x.label, x.count as f64);
        }
        set(obj, "counts", counts);
        flatten_msgs(&out, 4);
        Ok(out)
    }

    /// Mean and distribution of a Likert or satisfaction column per group.
    ///
    /// ```js
    /// const r = ds.surveyBySegment({ column: "满意度", segments: s.labels, names });
    /// r.groups[0].mean; r.groups[0].shares; r.levels;   // ["1", "2", "3", "4", "5"]
    /// ```
    #[wasm_bindgen(js_name = surveyBySegment, unchecked_return_type = "SurveyResult")]
    pub fn survey_by_segment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SurveyOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Opts {
            column: String,
            #[serde(default)]
            names: Vec<String>,
            #[serde(default)]
            group_by: Option<String>,
            #[serde(default)]
            bins: Option<usize>,
            #[serde(default)]
            order: Option<Vec<String>>,
        }
        let (labels, rest) = take_labels(&opts)?;
        let o: Opts = from_js_required(rest, "survey options")?;
        let groups = groups_of(&self.inner, labels, &GroupOpts { names: o.names, group_by: o.group_by })?;
        let sv =
            segment::survey(&self.inner, &groups, &SurveyOptions { column: o.column, bins: o.bins, order: o.order })
                .map_err(js_error)?;
        to_js(&sv)
    }

    /// The strategy table per group: 主要需求 / 服务策略 / 预期效果 suggested from traits.
    ///
    /// ```js
    /// const rows = ds.strategy({ features: ["登录次数", "满意度"], segments: s.labels, names });
    /// rows[0].needZh; rows[0].strategyZh; rows[0].effectZh;
    /// ```
    #[wasm_bindgen(unchecked_return_type = "StrategyRow[]")]
    pub fn strategy(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StrategyOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Opts {
            features: Vec<String>,
            #[serde(default)]
            names: Vec<String>,
            #[serde(default)]
            group_by: Option<String>,
        }
        let (labels, rest) = take_labels(&opts)?;
        let o: Opts = from_js_required(rest, "strategy options")?;
        let groups = groups_of(&self.inner, labels, &GroupOpts { names: o.names, group_by: o.group_by })?;
        let rows = segment::strategy(&self.inner, &groups, &o.features).map_err(js_error)?;
        let out = to_js(&rows)?;
        flatten_msgs(&out, 3);
        Ok(out)
    }

    /// Segment the rows: k-means (Hamerly, k-means++ restarts) on scaled
    /// number features and one-hot category features, automatic k by the
    /// silhouette, profiles with zh + en labels, a 2-D projection.
    ///
    /// ```js
    /// const s = ds.segment({ features: ["登录次数", "满意度", "职位族"], k: "auto" });
    /// s.k; s.labels;            // Uint32Array, one per row
    /// s.profiles[0].labelZh;    // "高频使用·低满意度"
    /// s.kScan;                  // why this k
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Segmentation")]
    pub fn segment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SegmentOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts: SegmentOptions = from_js_required(opts, "segment options")?;
        let s = segment::segment(&self.inner, &opts).map_err(js_error)?;
        let o = to_js(&s)?;
        let obj: &js_sys::Object = o.unchecked_ref();
        set(obj, "labels", js_sys::Uint32Array::from(s.labels.as_slice()));
        set(obj, "projection", js_sys::Float32Array::from(s.projection.as_slice()));
        flatten_msgs(&o, 6);
        Ok(o)
    }

    /// Attach labels (segment numbers or tier names) as a new category
    /// column, so trends, scores and strategies can follow a segment.
    ///
    /// ```js
    /// ds.addLabels("segment", s.labels, { names: s.profiles.map((p) => p.labelZh) });
    /// ds.trend({ metric: "满意度", by: "segment" });
    /// ```
    #[wasm_bindgen(js_name = addLabels)]
    pub fn add_labels(
        &mut self,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "Uint32Array | string[]")] labels: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AddLabelsOptions | undefined")] opts: JsValue,
    ) -> Result<(), JsValue> {
        #[derive(serde::Deserialize, Default)]
        #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
        struct Opts {
            names: Vec<String>,
            replace: bool,
        }
        let opts: Opts = from_js(opts, "addLabels options")?;
        if name.trim().is_empty() {
            return Err(js_error(Error::param("the label column needs a name", "标签列需要列名")));
        }
        let column = if let Some(a) = labels.dyn_ref::<js_sys::Uint32Array>() {
            segment::label_column(name, &a.to_vec(), &opts.names)
        } else if js_sys::Array::is_array(&labels) {
            let arr: &js_sys::Array = labels.unchecked_ref();
            let mut values = crate::engine::Interned::with_capacity(arr.length() as usize);
            for v in arr.iter() {
                match v.as_string() {
                    Some(s) if !s.is_empty() => values.push(Some(&s)),
                    Some(_) => values.push(None),
                    None if v.is_null() || v.is_undefined() => values.push(None),
                    None => {
                        return Err(js_error(Error::param(
                            "labels must be a Uint32Array or an array of strings",
                            "标签必须是 Uint32Array 或字符串数组",
                        )))
                    }
                }
            }
            crate::engine::Column::strings(name, values, crate::engine::ColumnKind::Category)
        } else {
            return Err(js_error(Error::param(
                "labels must be a Uint32Array or an array of strings",
                "标签必须是 Uint32Array 或字符串数组",
            )));
        };
        self.inner.set_column(column, opts.replace).map_err(js_error)
    }
}

/// The strategy table (as edited) as CSV bytes: UTF-8 with a BOM so Excel
/// shows Chinese; headers in Chinese (default) or English.
///
/// ```js
/// const bytes = strategyCsv(rows.map((r) => ({ group: r.group, size: r.size, share: r.share,
///   need: r.needZh, strategy: r.strategyZh, effect: r.effectZh })));
/// ```
#[wasm_bindgen(js_name = strategyCsv)]
pub fn strategy_csv(
    #[wasm_bindgen(unchecked_param_type = "EditedStrategyRow[]")] rows: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ lang?: \"zh\" | \"en\" } | undefined")] opts: JsValue,
) -> Result<js_sys::Uint8Array, JsValue> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Opts {
        lang: Option<String>,
    }
    let rows: Vec<EditedRow> = from_js_required(rows, "strategy rows")?;
    let o: Opts = from_js(opts, "export options")?;
    let zh = match o.lang.as_deref() {
        None | Some("zh") => true,
        Some("en") => false,
        Some(l) => {
            return Err(js_error(Error::param(
                format!("lang must be zh or en, got {l}"),
                format!("lang 必须是 zh 或 en，实际为 {l}"),
            )))
        }
    };
    let bytes = segment::strategy::csv(&rows, zh).map_err(js_error)?;
    Ok(js_sys::Uint8Array::from(bytes.as_slice()))
}

/// k-means on a plain row-major matrix (one wasm instance).
///
/// ```js
/// const r = kmeans(new Float32Array(rows * dims), dims, { k: 8, init: start });
/// r.labels; r.centroids; r.inertia; r.iterations;
/// ```
#[wasm_bindgen(unchecked_return_type = "KMeansResult")]
pub fn kmeans(
    #[wasm_bindgen(unchecked_param_type = "Float32Array | Float64Array")] data: JsValue,
    dims: u32,
    #[wasm_bindgen(unchecked_param_type = "KMeansOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let opts: KMeansOptions = from_js_required(opts, "k-means options")?;
    let m = matrix_from_js(&data)?;
    let (spec, points) = spec_and_points(&m, dims as usize)?;
    drop(m);
    let (fit, _) = algorithm::fit_points(points, &spec, &opts.params()).map_err(js_error)?;
    let o = js_sys::Object::new();
    set(&o, "k", fit.k() as u32);
    set(&o, "labels", js_sys::Uint32Array::from(fit.labels()));
    set(&o, "centroids", js_sys::Float64Array::from(fit.centroids()));
    set(&o, "inertia", fit.inertia());
    set(&o, "iterations", fit.iterations() as u32);
    set(&o, "converged", fit.converged());
    set(&o, "sizes", to_js(&fit.sizes())?);
    set(&o, "runs", to_js(fit.runs())?);
    set(&o, "distances", fit.work().distances as f64);
    set(&o, "ties", fit.work().ties as f64);
    Ok(o.into())
}

/// The whole problem, for a pool's host: the spec every shard needs, the
/// restarts' starting centroids (k-means++ over all rows) and coordinators.
///
/// ```js
/// const plan = new KMeansPlan(data, dims);
/// const spec = plan.spec();                       // send to each worker with its rows
/// const co = plan.start({ k: 8, seed: 1 }, 0);    // run 0
/// ```
#[wasm_bindgen]
pub struct KMeansPlan {
    spec: Spec,
    points: Points,
}

#[wasm_bindgen]
impl KMeansPlan {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Float32Array | Float64Array")] data: JsValue,
        dims: u32,
    ) -> Result<KMeansPlan, JsValue> {
        let m = matrix_from_js(&data)?;
        let (spec, points) = spec_and_points(&m, dims as usize)?;
        Ok(KMeansPlan { spec, points })
    }

    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> u32 {
        self.spec.rows as u32
    }

    #[wasm_bindgen(getter)]
    pub fn dims(&self) -> u32 {
        self.spec.dims as u32
    }

    #[wasm_bindgen(unchecked_return_type = "KMeansSpec")]
    pub fn spec(&self) -> Result<JsValue, JsValue> {
        to_js(&self.spec)
    }

    /// How many restarts these options make (checks them and the rows first).
    pub fn runs(&self, #[wasm_bindgen(unchecked_param_type = "KMeansOptions")] opts: JsValue) -> Result<u32, JsValue> {
        let p = from_js_required::<KMeansOptions>(opts, "k-means options")?.params();
        algorithm::check(&self.points, &p).map(|n| n as u32).map_err(js_error)
    }

    /// The coordinator of restart `run`.
    pub fn start(
        &self,
        #[wasm_bindgen(unchecked_param_type = "KMeansOptions")] opts: JsValue,
        run: u32,
    ) -> Result<KMeansCoordinator, JsValue> {
        let p = from_js_required::<KMeansOptions>(opts, "k-means options")?.params();
        algorithm::check(&self.points, &p).map_err(js_error)?;
        let inner = algorithm::start(&self.points, &self.spec, &p, run as usize).map_err(js_error)?;
        Ok(KMeansCoordinator::new(inner, self.spec.clone(), p.k))
    }
}

/// The M-step of a sharded run: add every shard's partial sums, then `update()`.
#[wasm_bindgen]
pub struct KMeansCoordinator {
    inner: Coordinator,
    spec: Spec,
    sums: Vec<i64>,
    counts: Vec<u64>,
    changed: u64,
    far: Vec<Far>,
    inertia: i64,
    converged: bool,
}

impl KMeansCoordinator {
    fn new(inner: Coordinator, spec: Spec, k: usize) -> KMeansCoordinator {
        let dims = spec.dims;
        KMeansCoordinator {
            inner,
            spec,
            sums: vec![0; k * dims],
            counts: vec![0; k],
            changed: 0,
            far: Vec::new(),
            inertia: 0,
            converged: false,
        }
    }
}

#[wasm_bindgen]
impl KMeansCoordinator {
    /// The centroids to send to every shard's `step` (centred units).
    pub fn centroids(&self) -> js_sys::Float64Array {
        js_sys::Float64Array::from(self.inner.centroids())
    }

    #[wasm_bindgen(getter)]
    pub fn iterations(&self) -> u32 {
        self.inner.iterations() as u32
    }

    /// Add one shard's step result.
    pub fn add(&mut self, sums: &[i64], counts: &[f64], changed: f64) -> Result<(), JsValue> {
        if sums.len() != self.sums.len() || counts.len() != self.counts.len() {
            return Err(js_error(Error::param("partial sums have the wrong shape", "部分和的形状不对")));
        }
        self.sums.iter_mut().zip(sums).for_each(|(a, b)| *a = a.wrapping_add(*b));
        self.counts.iter_mut().zip(counts).for_each(|(a, &b)| *a += b as u64);
        self.changed += changed as u64;
        Ok(())
    }

    /// Empty clusters among the added counts: when above 0, ask every shard
    /// for `farthest(n)` and `offer` the answers before `update`.
    #[wasm_bindgen(js_name = emptyClusters)]
    pub fn empty_clusters(&self) -> u32 {
        Coordinator::empty_clusters(&self.counts) as u32
    }

    /// Add one shard's farthest rows.
    pub fn offer(&mut self, dist2: &[f64], rows: &[f64], labels: &[u32], q: &[i64]) -> Result<(), JsValue> {
        let dims = self.spec.dims;
        if rows.len() != dist2.len() || labels.len() != dist2.len() || q.len() != dist2.len() * dims {
            return Err(js_error(Error::param("farthest rows have the wrong shape", "最远行的形状不对")));
        }
        for (((&d, &r), &l), q) in dist2.iter().zip(rows).zip(labels).zip(q.chunks_exact(dims)) {
            self.far.push(Far { dist2: d, row: r as u64, label: l, q: q.to_vec() });
        }
        Ok(())
    }

    /// The M-step over everything added since the last update:
    /// `"continue"` (step again with `centroids()`), `"final"` (step once
    /// more with `centroids()`, then finish) or `"done"`.
    pub fn update(&mut self) -> Result<String, JsValue> {
        let st = self.inner.update(&self.sums, &self.counts, self.changed, &self.far).map_err(js_error)?;
        self.sums.iter_mut().for_each(|s| *s = 0);
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.changed = 0;
        self.far.clear();
        Ok(match st {
            Status::Continue => "continue",
            Status::Done { converged, final_step } => {
                self.converged = converged;
                if final_step {
                    "final"
                } else {
                    "done"
                }
            }
        }
        .to_owned())
    }

    /// Add one shard's `inertia(centroids())`.
    #[wasm_bindgen(js_name = addInertia)]
    pub fn add_inertia(&mut self, fixed: i64) {
        self.inertia = self.inertia.saturating_add(fixed);
    }

    /// The run's result: centroids in the matrix's units, inertia, iterations.
    #[wasm_bindgen(unchecked_return_type = "KMeansRun")]
    pub fn result(&self) -> Result<JsValue, JsValue> {
        let dims = self.spec.dims;
        let c: Vec<f64> = self
            .inner
            .centroids()
            .chunks_exact(dims)
            .flat_map(|c| c.iter().zip(&self.spec.offset).map(|(v, o)| v + o))
            .collect();
        let o = js_sys::Object::new();
        set(&o, "centroids", js_sys::Float64Array::from(c.as_slice()));
        set(&o, "inertia", Shard::inertia_value(self.inertia, &self.spec));
        set(&o, "iterations", self.inner.iterations() as u32);
        set(&o, "converged", self.converged);
        Ok(o.into())
    }
}

/// One worker's rows, loaded once; keeps labels, Hamerly bounds and exact
/// partial sums between steps.
///
/// ```js
/// const shard = new KMeansShard(rows, spec, firstRow, 8);
/// const { sums, counts, changed } = shard.step(co.centroids());
/// ```
#[wasm_bindgen]
pub struct KMeansShard {
    inner: Shard,
}

#[wasm_bindgen]
impl KMeansShard {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Float32Array | Float64Array")] rows: JsValue,
        #[wasm_bindgen(unchecked_param_type = "KMeansSpec")] spec: JsValue,
        first_row: f64,
        k: u32,
        algorithm: Option<String>,
    ) -> Result<KMeansShard, JsValue> {
        let spec: Spec = from_js_required(spec, "k-means spec")?;
        spec.validate().map_err(js_error)?;
        let m = matrix_from_js(&rows)?;
        let points = points_of(&m, &spec)?;
        let alg = algorithm_of(algorithm)?.resolve();
        let inner = Shard::new(points, first_row as u64, &spec, k as usize, alg).map_err(js_error)?;
        Ok(KMeansShard { inner })
    }

    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> u32 {
        self.inner.rows() as u32
    }

    /// Assign to `centroids` (centred units, from the coordinator); this
    /// shard's sums, counts and number of changed labels.
    #[wasm_bindgen(unchecked_return_type = "KMeansStep")]
    pub fn step(&mut self, centroids: &[f64]) -> Result<JsValue, JsValue> {
        let changed = self.inner.step(centroids).map_err(js_error)?;
        let o = js_sys::Object::new();
        set(&o, "sums", js_sys::BigInt64Array::from(self.inner.sums()));
        let counts: Vec<f64> = self.inner.counts().iter().map(|&c| c as f64).collect();
        set(&o, "counts", js_sys::Float64Array::from(counts.as_slice()));
        set(&o, "changed", changed as f64);
        Ok(o.into())
    }

    /// The `m` rows farthest from their centroid (for empty clusters).
    #[wasm_bindgen(unchecked_return_type = "KMeansFar")]
    pub fn farthest(&self, m: u32) -> JsValue {
        let far = self.inner.farthest(m as usize);
        let o = js_sys::Object::new();
        let d: Vec<f64> = far.iter().map(|f| f.dist2).collect();
        let r: Vec<f64> = far.iter().map(|f| f.row as f64).collect();
        let l: Vec<u32> = far.iter().map(|f| f.label).collect();
        let q: Vec<i64> = far.iter().flat_map(|f| f.q.iter().copied()).collect();
        set(&o, "dist2", js_sys::Float64Array::from(d.as_slice()));
        set(&o, "rows", js_sys::Float64Array::from(r.as_slice()));
        set(&o, "labels", js_sys::Uint32Array::from(l.as_slice()));
        set(&o, "q", js_sys::BigInt64Array::from(q.as_slice()));
        o.into()
    }

    /// Fixed-point inertia of this shard's rows against `centroids` (pass to `addInertia`).
    pub fn inertia(&self, centroids: &[f64]) -> i64 {
        self.inner.inertia_fixed(centroids)
    }

    pub fn labels(&self) -> js_sys::Uint32Array {
        js_sys::Uint32Array::from(self.inner.labels())
    }

    /// Forget labels, bounds and sums before a new run.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The same rows for another `k` or algorithm (resets).
    pub fn configure(&mut self, k: u32, algorithm: Option<String>) -> Result<(), JsValue> {
        let alg = algorithm_of(algorithm)?;
        self.inner.configure(k as usize, alg).map_err(js_error)
    }

    /// Rows per cluster after the last step.
    pub fn counts(&self) -> js_sys::Float64Array {
        let c: Vec<f64> = self.inner.counts().iter().map(|&c| c as f64).collect();
        js_sys::Float64Array::from(c.as_slice())
    }

    /// Work counters of the current run.
    #[wasm_bindgen(unchecked_return_type = "{ distances: number; scans: number; ties: number }")]
    pub fn work(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.work())
    }
}
