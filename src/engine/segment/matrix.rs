//! From dataset columns to the matrix k-means clusters.
//!
//! - **Number** (and date, as a day number) columns are scaled (see
//!   `scaling`), fitted on the values present.
//! - **Category** columns are **one-hot** encoded: one indicator per level,
//!   worth `w = categoricalWeight / √2`, so two rows that differ in one
//!   category are at squared distance `categoricalWeight²` — with z-scores, a
//!   category mismatch weighs as much as a one-standard-deviation difference
//!   in a numeric feature (default `categoricalWeight = 1`). One-hot keeps the
//!   clustering plain Euclidean k-means, so Hamerly's exact bounds, the
//!   silhouette and PCA all apply unchanged, and a centroid's indicators read
//!   directly as the **share of each level** in the segment. k-prototypes
//!   (Huang 1998) would need a mixed dissimilarity, modes instead of means and
//!   its own convergence, and gives no shares. Columns with more than
//!   [`MAX_LEVELS`] levels are refused (group rare values first).
//! - **Text** columns (ids, names) are refused.
//! - **Missing values** (`missing`): `impute` (default) puts the feature's
//!   mean for a number and no level (all indicators 0) for a category;
//!   `exclude` leaves the row out (label `UNASSIGNED`). Either way a warning
//!   says which columns and how many rows.

use serde::Serialize;

use super::hyperparams::{MissingPolicy, Scaling, SegmentOptions};
use super::points::Rows;
use super::scaling::Scaler;
use crate::engine::dataset::{ColumnData, ColumnKind, Dataset, Warning, MISSING_CODE};
use crate::engine::error::{Error, Msg, Result};
use crate::engine::numbers::Numbers;

/// Most levels a category feature may have.
pub const MAX_LEVELS: usize = 50;

/// What kind of feature, once encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeatureKind {
    Number,
    Category,
}

/// One input feature and where it sits in the encoded matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    pub name: String,
    pub kind: FeatureKind,
    /// First encoded column.
    pub first: usize,
    /// Encoded columns (1 for a number, the level count for a category).
    pub width: usize,
    /// Numbers: the fitted scaler.
    pub scaler: Scaler,
    /// Numbers: the mean of the values present (what `impute` puts).
    pub mean: f64,
    /// Categories: the levels, in order of first appearance.
    pub levels: Vec<String>,
    /// Cells missing among the rows clustered (before `exclude`).
    pub missing: usize,
}

/// The source of one feature.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Number(&'a Numbers),
    /// Codes (the level of each dictionary code is in `level_maps`).
    Category(&'a [u32]),
}

/// The dataset's features, encoded on the fly as matrix rows.
#[derive(Debug, Clone)]
pub struct Encoded<'a> {
    pub features: Vec<Feature>,
    pub dims: usize,
    /// Dataset row of each matrix row.
    pub rows: Vec<u32>,
    /// Indicator value of a one-hot level.
    pub weight: f64,
    pub warnings: Vec<Warning>,
    sources: Vec<Source<'a>>,
    level_maps: Vec<Vec<u32>>,
}

impl Rows for Encoded<'_> {
    fn rows(&self) -> usize {
        self.rows.len()
    }
    fn dims(&self) -> usize {
        self.dims
    }
    fn fill(&self, i: usize, out: &mut [f64]) {
        let Some(&r) = self.rows.get(i) else { return };
        let r = r as usize;
        out.iter_mut().for_each(|o| *o = 0.0);
        for ((f, src), map) in self.features.iter().zip(&self.sources).zip(&self.level_maps) {
            match *src {
                Source::Number(v) => {
                    let x = Some(v.get(r)).filter(|x| x.is_finite()).unwrap_or(f.mean);
                    if let Some(o) = out.get_mut(f.first) {
                        *o = f.scaler.apply(x);
                    }
                }
                Source::Category(codes) => {
                    let level = codes.get(r).and_then(|&c| map.get(c as usize)).copied().unwrap_or(u32::MAX);
                    if level != u32::MAX {
                        if let Some(o) = out.get_mut(f.first + level as usize) {
                            *o = self.weight;
                        }
                    }
                }
            }
        }
    }
}

impl Encoded<'_> {
    /// Smallest and largest encoded value of each column over the rows kept
    /// (scaling is monotone, so a number's bounds are its raw bounds scaled).
    pub fn bounds(&self) -> (Vec<f64>, Vec<f64>) {
        let mut lo = vec![0.0f64; self.dims];
        let mut hi = vec![0.0f64; self.dims];
        for ((f, src), map) in self.features.iter().zip(&self.sources).zip(&self.level_maps) {
            match *src {
                Source::Number(v) => {
                    let (mut a, mut b) = (f.mean, f.mean);
                    for &r in &self.rows {
                        let x = v.get(r as usize);
                        if x.is_finite() {
                            a = super::kernel::min64(a, x);
                            b = super::kernel::max64(b, x);
                        }
                    }
                    if let (Some(l), Some(h)) = (lo.get_mut(f.first), hi.get_mut(f.first)) {
                        *l = f.scaler.apply(a);
                        *h = f.scaler.apply(b);
                    }
                }
                Source::Category(codes) => {
                    let mut count = vec![0usize; f.width];
                    for &r in &self.rows {
                        let level = codes.get(r as usize).and_then(|&c| map.get(c as usize)).copied();
                        if let Some(n) = level.and_then(|l| count.get_mut(l as usize)) {
                            *n += 1;
                        }
                    }
                    for (l, &n) in count.iter().enumerate() {
                        if let (Some(a), Some(b)) = (lo.get_mut(f.first + l), hi.get_mut(f.first + l)) {
                            *a = if n == self.rows.len() { self.weight } else { 0.0 };
                            *b = if n > 0 { self.weight } else { 0.0 };
                        }
                    }
                }
            }
        }
        (lo, hi)
    }

    /// The spec and stored points of the encoded rows (one pass over the rows).
    ///
    /// # Errors
    /// `LimitError` when memory cannot be reserved.
    pub fn points(&self) -> Result<(super::points::Spec, super::points::Points)> {
        let (lo, hi) = self.bounds();
        let mut spec = super::points::Spec::from_bounds(self.rows.len(), &lo, &hi)?;
        let points = super::points::Points::from_rows(self, &spec)?;
        spec.variance = points.variance();
        Ok((spec, points))
    }

    /// Number features' values of a centroid in original units, and category
    /// features' level shares (`[feature][level]`).
    pub fn decode(&self, centroid: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut nums = Vec::new();
        let mut cats = Vec::new();
        for f in &self.features {
            match f.kind {
                FeatureKind::Number => {
                    nums.push(f.scaler.invert(centroid.get(f.first).copied().unwrap_or(f64::NAN)));
                }
                FeatureKind::Category => cats.push(
                    (0..f.width)
                        .map(|l| (centroid.get(f.first + l).copied().unwrap_or(0.0) / self.weight).clamp(0.0, 1.0))
                        .collect(),
                ),
            }
        }
        (nums, cats)
    }

    /// Initial centroids in original units (one value per feature, numbers
    /// only) as encoded matrix rows.
    ///
    /// # Errors
    /// `ParamError` when a row has the wrong length, a value is not finite,
    /// or a feature is a category.
    pub fn encode_init(&self, init: &[Vec<f64>]) -> Result<Vec<f64>> {
        if self.features.iter().any(|f| f.kind == FeatureKind::Category) {
            return Err(Error::param(
                "init can only be given when every feature is a number column",
                "只有当所有特征都是数值列时才能指定初始质心",
            ));
        }
        let mut out = Vec::with_capacity(init.len() * self.dims);
        for (i, row) in init.iter().enumerate() {
            if row.len() != self.features.len() || row.iter().any(|v| !v.is_finite()) {
                return Err(Error::param(
                    format!("init row {} must have {} finite numbers (one per feature)", i + 1, self.features.len()),
                    format!("初始质心第 {} 行应有 {} 个有限数值（每个特征一个）", i + 1, self.features.len()),
                ));
            }
            out.extend(row.iter().zip(&self.features).map(|(&v, f)| f.scaler.apply(v)));
        }
        Ok(out)
    }
}

fn msg_missing(column: &str, n: usize, policy: MissingPolicy, kind: FeatureKind) -> Msg {
    match (policy, kind) {
        (MissingPolicy::Impute, FeatureKind::Number) => Msg::new(
            format!("{n} rows miss \"{column}\": the column mean was used for them"),
            format!("{n} 行缺少“{column}”：已用该列均值填补"),
        ),
        (MissingPolicy::Impute, FeatureKind::Category) => Msg::new(
            format!("{n} rows miss \"{column}\": they count as no level of it"),
            format!("{n} 行缺少“{column}”：按不属于任何类别处理"),
        ),
        (MissingPolicy::Exclude, _) => Msg::new(
            format!("{n} rows miss \"{column}\" and are left out (label UNASSIGNED)"),
            format!("{n} 行缺少“{column}”，未参与分群（标签为 UNASSIGNED）"),
        ),
    }
}

/// Encode the features of `opts` over the dataset's rows.
///
/// # Errors
/// `ParamError` for an unknown, text or all-missing column, a category with
/// too many levels, or no rows left; `LimitError` past the matrix limits.
pub fn encode<'a>(ds: &'a Dataset, opts: &SegmentOptions) -> Result<Encoded<'a>> {
    let n = ds.row_count();
    let mut sources = Vec::new();
    let mut level_maps = Vec::new();
    let mut features = Vec::new();
    let mut dims = 0usize;
    for name in &opts.features {
        let col = ds.require(name)?;
        let (src, kind, levels, map) = match &col.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => {
                (Source::Number(v), FeatureKind::Number, vec![], vec![])
            }
            ColumnData::Strings { values, kind: ColumnKind::Category } => {
                let mut map = vec![u32::MAX; values.dict.len()];
                let mut levels = Vec::new();
                for &c in &values.codes {
                    if let Some(slot) = map.get_mut(c as usize) {
                        if *slot == u32::MAX {
                            *slot = levels.len() as u32;
                            levels.push(values.dict.get(c as usize).cloned().unwrap_or_default());
                        }
                    }
                }
                if levels.len() > MAX_LEVELS {
                    return Err(Error::param(
                        format!(
                            "column \"{name}\" has {} categories; a segment feature may have at most {MAX_LEVELS} (group rare values first)",
                            levels.len()
                        ),
                        format!("列“{name}”有 {} 个类别；分群特征最多 {MAX_LEVELS} 个类别（请先合并少见类别）", levels.len()),
                    )
                    .at_column(name));
                }
                (Source::Category(&values.codes), FeatureKind::Category, levels, map)
            }
            ColumnData::Strings { .. } => {
                return Err(Error::param(
                    format!("column \"{name}\" is free text (such as ids or names); choose number or category columns"),
                    format!("列“{name}”是文本（如工号、姓名），请选择数值列或类别列"),
                )
                .at_column(name));
            }
        };
        let width = if kind == FeatureKind::Number { 1 } else { levels.len().max(1) };
        features.push(Feature {
            name: name.clone(),
            kind,
            first: dims,
            width,
            scaler: Scaler::IDENTITY,
            mean: f64::NAN,
            levels,
            missing: 0,
        });
        dims += width;
        sources.push(src);
        level_maps.push(map);
    }
    let is_missing = |src: &Source<'_>, r: usize| match *src {
        Source::Number(v) => !v.get(r).is_finite(),
        Source::Category(c) => c.get(r).is_none_or(|&c| c == MISSING_CODE),
    };
    let mut warnings = Vec::new();
    for (f, src) in features.iter_mut().zip(&sources) {
        f.missing = (0..n).filter(|&r| is_missing(src, r)).count();
    }
    let rows: Vec<u32> = match opts.missing {
        MissingPolicy::Impute => (0..n as u32).collect(),
        MissingPolicy::Exclude => {
            (0..n).filter(|&r| !sources.iter().any(|s| is_missing(s, r))).map(|r| r as u32).collect()
        }
    };
    for f in &features {
        if f.missing > 0 {
            warnings.push(Warning::new(None, Some(&f.name), msg_missing(&f.name, f.missing, opts.missing, f.kind)));
        }
    }
    if opts.missing == MissingPolicy::Exclude && rows.len() < n {
        let left = n - rows.len();
        warnings.push(Warning::new(
            None,
            None,
            Msg::new(
                format!("{left} of {n} rows were left out for missing values; their label is UNASSIGNED"),
                format!("{n} 行中有 {left} 行因缺失值未参与分群，标签为 UNASSIGNED"),
            ),
        ));
    }
    if rows.is_empty() {
        return Err(Error::param(
            "no rows to segment (every row misses a feature)",
            "没有可分群的行（每行都有缺失特征）",
        ));
    }
    // Fit scalers on the values present among the rows kept.
    for (f, src) in features.iter_mut().zip(&sources) {
        if let Source::Number(v) = *src {
            let present: Vec<f64> = rows.iter().map(|&r| v.get(r as usize)).filter(|x| x.is_finite()).collect();
            if present.is_empty() {
                return Err(Error::param(
                    format!("column \"{}\" has no values to segment on", f.name),
                    format!("列“{}”没有可用于分群的数值", f.name),
                )
                .at_column(&f.name));
            }
            f.mean = present.iter().sum::<f64>() / present.len() as f64;
            f.scaler = Scaler::fit(opts.scaling, &present);
            if f.scaler.degenerate && opts.scaling != Scaling::None {
                let constant = present.iter().all(|&x| x == present.first().copied().unwrap_or(0.0));
                warnings.push(Warning::new(
                    None,
                    Some(&f.name),
                    if constant {
                        Msg::new(
                            format!("\"{}\" has the same value in every row: it cannot separate segments", f.name),
                            format!("“{}”每行取值相同，无法区分群体", f.name),
                        )
                    } else {
                        Msg::new(
                            format!(
                                "\"{}\" has a spread of 0 under this scaling: it is only centred, not scaled",
                                f.name
                            ),
                            format!("“{}”在该缩放方式下离散度为 0：只做了平移，未缩放", f.name),
                        )
                    },
                ));
            }
        }
    }
    let weight = opts.categorical_weight / std::f64::consts::SQRT_2;
    Ok(Encoded { features, dims, rows, weight, warnings, sources, level_maps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::{Column, Interned, Source as DsSource};
    use crate::engine::segment::points::{Points, Spec};

    fn ds() -> Dataset {
        Dataset::new(
            vec![
                Column::number("x", vec![1.0, 2.0, f64::NAN, 5.0]),
                Column::strings(
                    "c",
                    Interned::from_strings([Some("a"), Some("b"), Some("a"), None]),
                    ColumnKind::Category,
                ),
                Column::strings(
                    "t",
                    Interned::from_strings([Some("p"), Some("q"), Some("r"), Some("s")]),
                    ColumnKind::Text,
                ),
            ],
            DsSource::default(),
        )
        .unwrap()
    }

    fn opts(features: &[&str]) -> SegmentOptions {
        SegmentOptions { features: features.iter().map(|s| s.to_string()).collect(), ..SegmentOptions::default() }
    }

    #[test]
    fn one_hot_with_the_documented_weight_and_imputation() {
        let d = ds();
        let e = encode(&d, &opts(&["x", "c"])).unwrap();
        assert_eq!(e.dims, 3);
        assert_eq!(e.features[1].levels, vec!["a", "b"]);
        let w = 1.0 / 2f64.sqrt();
        let mut row = vec![0.0; 3];
        e.fill(1, &mut row);
        let z = |x: f64| (x - 8.0 / 3.0) / e.features[0].scaler.scale;
        assert!((row[0] - z(2.0)).abs() < 1e-12 && row[1] == 0.0 && row[2] == w);
        // Two rows that differ only in the category: squared distance 1 (= categoricalWeight²).
        e.fill(2, &mut row);
        assert_eq!(row[0], 0.0, "the missing number is the mean: z = 0");
        assert_eq!(&row[1..], &[w, 0.0]);
        e.fill(3, &mut row);
        assert_eq!(&row[1..], &[0.0, 0.0], "a missing category is no level");
        assert_eq!(e.warnings.len(), 2);
        assert!(e.warnings[0].message.en.contains("column mean"));
        // The spec built from bounds equals the one built by passes over the rows.
        let (spec, points) = e.points().unwrap();
        assert_eq!(spec, Spec::of_rows(&e).unwrap());
        assert_eq!(points, Points::from_rows(&e, &spec).unwrap());
        // Shares back from a centroid.
        let (nums, cats) = e.decode(&[z(3.0), w * 0.25, w * 0.75]);
        assert!((nums[0] - 3.0).abs() < 1e-12);
        assert!((cats[0][0] - 0.25).abs() < 1e-12 && (cats[0][1] - 0.75).abs() < 1e-12);
    }

    #[test]
    fn exclude_drops_rows_with_a_warning() {
        let d = ds();
        let o = SegmentOptions { missing: MissingPolicy::Exclude, ..opts(&["x", "c"]) };
        let e = encode(&d, &o).unwrap();
        assert_eq!(e.rows, vec![0, 1]);
        assert!(e.warnings.iter().any(|w| w.message.en.contains("2 of 4 rows were left out")));
    }

    #[test]
    fn text_and_unknown_columns_are_refused() {
        let d = ds();
        assert_eq!(encode(&d, &opts(&["t"])).unwrap_err().column.as_deref(), Some("t"));
        assert!(encode(&d, &opts(&["nope"])).is_err());
        assert!(e_init_refused(&d));
    }

    fn e_init_refused(d: &Dataset) -> bool {
        let e = encode(d, &opts(&["x", "c"])).unwrap();
        e.encode_init(&[vec![1.0, 2.0]]).is_err() && {
            let e = encode(d, &opts(&["x"])).unwrap();
            e.encode_init(&[vec![1.0]]).is_ok() && e.encode_init(&[vec![1.0, 2.0]]).is_err()
        }
    }
}
