//! The scorecard model (DESIGN.md "Scorecard"), its JSON form and its checks.
//!
//! A [`Scorecard`] is parsed from JSON with [`Scorecard::from_json`] (errors
//! carry the JSON path, e.g. `dimensions[1].indicators[0].weight`), then
//! checked against a dataset with [`Scorecard::validate`], which also resolves
//! every indicator's column (exact header, a bilingual header such as
//! `客户满意度 (csat)`, or a sample alias such as `csat`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::dataset::{ColumnKind, Dataset};
use crate::engine::error::{Error, Result};
use crate::engine::sample;

/// Tolerance on forced-distribution shares summing to 1.
pub const SHARE_TOLERANCE: f64 = 1e-9;

/// A weighted KPI scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scorecard {
    pub name: String,
    pub dimensions: Vec<Dimension>,
    #[serde(default)]
    pub missing: MissingPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands: Option<Bands>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<AppliesTo>,
}

/// A group of indicators with a relative weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    pub weight: f64,
    pub indicators: Vec<Indicator>,
}

/// One KPI column inside a dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Indicator {
    /// Dataset header, bilingual header part, or sample alias (`csat`).
    pub column: String,
    pub weight: f64,
    /// `higher` (default) or `lower`; implied by target vs floor for `{target, floor}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub normalize: Normalize,
}

impl Indicator {
    /// The name used in weight keys (`dimension/indicator`): the column as written.
    pub fn key(&self) -> &str {
        &self.column
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Higher,
    Lower,
}

/// What to do with a missing indicator value (see the module docs of `score`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Re-weight over the indicators (and dimensions) present.
    #[default]
    Exclude,
    /// A missing indicator scores 0.
    Zero,
    /// A missing indicator scores the mean indicator score of those present.
    Mean,
}

/// How raw values become 0..100 indicator scores.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Normalize {
    #[default]
    MinMax,
    ZScore,
    Percentile,
    /// `100·(x − floor)/(target − floor)`, clamped to 0..100.
    Target {
        target: f64,
        floor: f64,
    },
}

impl Serialize for Normalize {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tf {
            target: f64,
            floor: f64,
        }
        match self {
            Normalize::MinMax => s.serialize_str("minmax"),
            Normalize::ZScore => s.serialize_str("zscore"),
            Normalize::Percentile => s.serialize_str("percentile"),
            Normalize::Target { target, floor } => Tf { target: *target, floor: *floor }.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Normalize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Tf {
            target: f64,
            floor: f64,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Name(String),
            Tf(Tf),
        }
        match Repr::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "expected \"minmax\", \"zscore\", \"percentile\" or {\"target\": t, \"floor\": f} \
                 / 应为 \"minmax\"、\"zscore\"、\"percentile\" 或 {\"target\": t, \"floor\": f}",
            )
        })? {
            Repr::Name(n) => match n.as_str() {
                "minmax" => Ok(Normalize::MinMax),
                "zscore" => Ok(Normalize::ZScore),
                "percentile" => Ok(Normalize::Percentile),
                other => Err(serde::de::Error::custom(format!(
                    "unknown normalisation \"{other}\": expected minmax, zscore, percentile or {{target, floor}} \
                     / 未知的标准化方法“{other}”：应为 minmax、zscore、percentile 或 {{target, floor}}"
                ))),
            },
            Repr::Tf(t) => Ok(Normalize::Target { target: t.target, floor: t.floor }),
        }
    }
}

/// Bands: exactly one of `thresholds` or `distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bands {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Vec<Threshold>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Vec<Share>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub label: String,
    pub min: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub label: String,
    pub share: f64,
}

/// Restrict a card to rows whose `column` displays as one of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    pub column: String,
    pub values: Vec<String>,
}

/// Checked bands, best band first.
#[derive(Debug, Clone, PartialEq)]
pub enum BandRule {
    None,
    /// (label, min), sorted by `min` descending.
    Thresholds(Vec<(String, f64)>),
    /// (label, share), in the card's order (best first).
    Distribution(Vec<(String, f64)>),
}

impl BandRule {
    pub fn labels(&self) -> Vec<String> {
        match self {
            BandRule::None => Vec::new(),
            BandRule::Thresholds(t) => t.iter().map(|(l, _)| l.clone()).collect(),
            BandRule::Distribution(d) => d.iter().map(|(l, _)| l.clone()).collect(),
        }
    }
}

/// An indicator after validation: its dataset column and normalised weight.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedIndicator {
    pub dimension: usize,
    /// The key used in weight maps: `dimension/indicator`.
    pub key: String,
    pub column: String,
    pub weight: f64,
    pub direction: Direction,
    pub normalize: Normalize,
}

/// A card checked against a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedCard {
    pub name: String,
    pub dimensions: Vec<(String, f64)>,
    /// Column-major order of the indicator matrix: dimension by dimension.
    pub indicators: Vec<ResolvedIndicator>,
    pub missing: MissingPolicy,
    pub bands: BandRule,
    /// (column, values) of `appliesTo`, column resolved.
    pub applies_to: Option<(String, Vec<String>)>,
}

fn at(card: &str, dim: Option<&str>, ind: Option<&str>) -> (String, String) {
    let mut en = format!("scorecard \"{card}\"");
    let mut zh = format!("考核表“{card}”");
    if let Some(d) = dim {
        en.push_str(&format!(", dimension \"{d}\""));
        zh.push_str(&format!("，维度“{d}”"));
    }
    if let Some(i) = ind {
        en.push_str(&format!(", indicator \"{i}\""));
        zh.push_str(&format!("，指标“{i}”"));
    }
    (en, zh)
}

fn card_error(card: &str, dim: Option<&str>, ind: Option<&str>, en: String, zh: String) -> Error {
    let (le, lz) = at(card, dim, ind);
    Error::param(format!("{le}: {en}"), format!("{lz}：{zh}"))
}

/// Levenshtein distance over chars (for "did you mean").
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// Up to three dataset headers (or sample aliases) close to `name`.
pub fn suggest(ds: &Dataset, name: &str) -> Vec<String> {
    let mut cands: Vec<(usize, String)> = Vec::new();
    let limit = (name.chars().count() / 2).max(2);
    for c in ds.columns() {
        let d = edit_distance(name, &c.name);
        let contains = c.name.contains(name) || name.contains(c.name.as_str());
        if d <= limit || contains {
            cands.push((if contains { 0 } else { d }, c.name.clone()));
        }
    }
    for (zh, en, _) in sample::COLUMNS {
        if ds.column(zh).is_some() {
            let d = edit_distance(name, en);
            if d <= limit && !cands.iter().any(|(_, n)| n == zh) {
                cands.push((d, format!("{zh} ({en})")));
            }
        }
    }
    cands.sort();
    cands.into_iter().take(3).map(|(_, n)| n).collect()
}

/// The dataset column a scorecard name refers to: the exact header; a header
/// written `中文 (english)` or `中文/english` with either part equal; or the
/// sample alias table in either direction (`csat` ↔ `客户满意度`).
pub fn resolve_column(ds: &Dataset, name: &str) -> Option<String> {
    let name = name.trim();
    if ds.column(name).is_some() {
        return Some(name.to_owned());
    }
    for c in ds.columns() {
        if header_parts(&c.name).iter().any(|p| p == name) {
            return Some(c.name.clone());
        }
    }
    let other = sample::header_for_alias(name)
        .or_else(|| sample::COLUMNS.iter().find(|(zh, _, _)| *zh == name).map(|(_, en, _)| *en));
    if let Some(o) = other {
        if ds.column(o).is_some() {
            return Some(o.to_owned());
        }
        for c in ds.columns() {
            if header_parts(&c.name).iter().any(|p| p == o) {
                return Some(c.name.clone());
            }
        }
    }
    None
}

/// `客户满意度 (csat)` → [`客户满意度`, `csat`]; `a/b` → [`a`, `b`].
fn header_parts(h: &str) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some((a, b)) = h.split_once(['(', '（']) {
        parts.push(a.trim().to_owned());
        parts.push(b.trim_end_matches([')', '）', ' ']).trim().to_owned());
    } else if let Some((a, b)) = h.split_once('/') {
        parts.push(a.trim().to_owned());
        parts.push(b.trim().to_owned());
    }
    parts.retain(|p| !p.is_empty());
    parts
}

fn check_weight(card: &str, dim: &str, ind: Option<&str>, w: f64) -> Result<()> {
    if !w.is_finite() || w < 0.0 {
        return Err(card_error(
            card,
            Some(dim),
            ind,
            format!("weight {w} must be a finite number ≥ 0"),
            format!("权重 {w} 必须是 ≥ 0 的有限数"),
        ));
    }
    Ok(())
}

impl Scorecard {
    /// Parse a scorecard from JSON text.
    ///
    /// # Errors
    /// `ParamError` naming the JSON path and what was wrong, e.g.
    /// `scorecard JSON at dimensions[0].weight: invalid type: string "x", expected f64`.
    ///
    /// # Example
    /// ```
    /// use hrlens::engine::score::Scorecard;
    /// let c = Scorecard::from_json(r#"{"name":"t","dimensions":[{"name":"d","weight":1,
    ///   "indicators":[{"column":"csat","weight":1}]}]}"#).unwrap();
    /// assert_eq!(c.dimensions[0].indicators[0].column, "csat");
    /// ```
    pub fn from_json(text: &str) -> Result<Scorecard> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.inner();
            let msg = inner.to_string();
            let (line, col) = (inner.line(), inner.column());
            Error::param(
                format!("scorecard JSON at {path} (line {line}, column {col}): {msg}"),
                format!("考核表 JSON {path} 处（第 {line} 行第 {col} 列）：{msg}"),
            )
        })
    }

    /// Serialise to JSON (never fails for a parsed card).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Check the card against a dataset.
    ///
    /// # Errors
    /// A `ParamError` naming the card, dimension and indicator for: an unknown
    /// column (with close names), a non-numeric column, a negative or
    /// non-finite weight, all-zero weights, an empty card or dimension,
    /// `target == floor`, a direction contradicting target/floor, bands given
    /// both or neither way, duplicate band labels, shares outside 0..1 or not
    /// summing to 1 (±1e-9), and an unknown `appliesTo` column.
    pub fn validate(&self, ds: &Dataset) -> Result<()> {
        self.resolve(ds).map(|_| ())
    }

    /// Validate and resolve columns and weights.
    ///
    /// # Errors
    /// As [`Scorecard::validate`].
    pub fn resolve(&self, ds: &Dataset) -> Result<ResolvedCard> {
        let card = self.name.as_str();
        if self.dimensions.is_empty() {
            return Err(card_error(card, None, None, "has no dimensions".into(), "没有任何维度".into()));
        }
        let mut names = std::collections::HashSet::new();
        let mut dims = Vec::new();
        let mut indicators = Vec::new();
        for (di, d) in self.dimensions.iter().enumerate() {
            if !names.insert(d.name.as_str()) {
                return Err(card_error(
                    card,
                    Some(&d.name),
                    None,
                    "dimension name appears twice".into(),
                    "维度名称重复".into(),
                ));
            }
            check_weight(card, &d.name, None, d.weight)?;
            if d.indicators.is_empty() {
                return Err(card_error(card, Some(&d.name), None, "has no indicators".into(), "没有任何指标".into()));
            }
            let mut keys = std::collections::HashSet::new();
            for ind in &d.indicators {
                let iname = ind.key();
                if !keys.insert(iname) {
                    return Err(card_error(
                        card,
                        Some(&d.name),
                        Some(iname),
                        "indicator appears twice in this dimension".into(),
                        "该维度中指标重复".into(),
                    ));
                }
                check_weight(card, &d.name, Some(iname), ind.weight)?;
                let Some(col) = resolve_column(ds, &ind.column) else {
                    let s = suggest(ds, &ind.column);
                    let (hint_en, hint_zh) = if s.is_empty() {
                        (String::new(), String::new())
                    } else {
                        (
                            format!("; did you mean {}?", quote_list(&s, "\"", "\"", " or ")),
                            format!("；是否指{}？", quote_list(&s, "“", "”", "或")),
                        )
                    };
                    return Err(card_error(
                        card,
                        Some(&d.name),
                        Some(iname),
                        format!("no column named \"{}\"{hint_en}", ind.column),
                        format!("找不到列“{}”{hint_zh}", ind.column),
                    )
                    .at_column(&ind.column));
                };
                let kind = ds.column(&col).map(|c| c.kind());
                if kind != Some(ColumnKind::Number) {
                    let k = kind.map_or("missing", |k| match k {
                        ColumnKind::Number => "number",
                        ColumnKind::Category => "category",
                        ColumnKind::Date => "date",
                        ColumnKind::Text => "text",
                    });
                    return Err(card_error(
                        card,
                        Some(&d.name),
                        Some(iname),
                        format!("column \"{col}\" is not numeric (it is {k})"),
                        format!("列“{col}”不是数值列（类型为 {k}）"),
                    )
                    .at_column(&col));
                }
                let direction = match ind.normalize {
                    Normalize::Target { target, floor } => {
                        if !target.is_finite() || !floor.is_finite() {
                            return Err(card_error(
                                card,
                                Some(&d.name),
                                Some(iname),
                                "target and floor must be finite numbers".into(),
                                "target 与 floor 必须是有限数".into(),
                            ));
                        }
                        if target == floor {
                            return Err(card_error(
                                card,
                                Some(&d.name),
                                Some(iname),
                                format!("target and floor are both {target}; they must differ"),
                                format!("target 与 floor 都是 {target}，二者必须不同"),
                            ));
                        }
                        let implied = if target > floor { Direction::Higher } else { Direction::Lower };
                        if let Some(given) = ind.direction {
                            if given != implied {
                                return Err(card_error(
                                    card,
                                    Some(&d.name),
                                    Some(iname),
                                    format!(
                                        "direction \"{}\" contradicts target {target} vs floor {floor}",
                                        dir_name(given)
                                    ),
                                    format!("方向“{}”与 target {target}、floor {floor} 矛盾", dir_name(given)),
                                ));
                            }
                        }
                        implied
                    }
                    _ => ind.direction.unwrap_or_default(),
                };
                indicators.push(ResolvedIndicator {
                    dimension: di,
                    key: format!("{}/{}", d.name, iname),
                    column: col,
                    weight: ind.weight,
                    direction,
                    normalize: ind.normalize,
                });
            }
            if d.indicators.iter().all(|i| i.weight == 0.0) {
                return Err(card_error(
                    card,
                    Some(&d.name),
                    None,
                    "all indicator weights are zero".into(),
                    "所有指标权重均为零".into(),
                ));
            }
            dims.push((d.name.clone(), d.weight));
        }
        if self.dimensions.iter().all(|d| d.weight == 0.0) {
            return Err(card_error(
                card,
                None,
                None,
                "all dimension weights are zero".into(),
                "所有维度权重均为零".into(),
            ));
        }
        let bands = self.resolve_bands()?;
        let applies_to = match &self.applies_to {
            None => None,
            Some(a) => {
                let Some(col) = resolve_column(ds, &a.column) else {
                    return Err(card_error(
                        card,
                        None,
                        None,
                        format!("appliesTo: no column named \"{}\"", a.column),
                        format!("appliesTo：找不到列“{}”", a.column),
                    )
                    .at_column(&a.column));
                };
                if a.values.is_empty() {
                    return Err(card_error(
                        card,
                        None,
                        None,
                        "appliesTo.values is empty".into(),
                        "appliesTo.values 为空".into(),
                    ));
                }
                Some((col, a.values.clone()))
            }
        };
        Ok(ResolvedCard {
            name: self.name.clone(),
            dimensions: dims,
            indicators,
            missing: self.missing,
            bands,
            applies_to,
        })
    }

    fn resolve_bands(&self) -> Result<BandRule> {
        let card = self.name.as_str();
        let Some(b) = &self.bands else { return Ok(BandRule::None) };
        let dup = |labels: Vec<&str>| -> Result<()> {
            let mut seen = std::collections::HashSet::new();
            for l in labels {
                if !seen.insert(l) {
                    return Err(card_error(
                        card,
                        None,
                        None,
                        format!("band label \"{l}\" appears twice"),
                        format!("等级标签“{l}”重复"),
                    ));
                }
            }
            Ok(())
        };
        match (&b.thresholds, &b.distribution) {
            (Some(t), None) => {
                if t.is_empty() {
                    return Err(card_error(
                        card,
                        None,
                        None,
                        "bands.thresholds is empty".into(),
                        "bands.thresholds 为空".into(),
                    ));
                }
                dup(t.iter().map(|x| x.label.as_str()).collect())?;
                for x in t {
                    if !x.min.is_finite() {
                        return Err(card_error(
                            card,
                            None,
                            None,
                            format!("band \"{}\": min must be a finite number", x.label),
                            format!("等级“{}”：min 必须是有限数", x.label),
                        ));
                    }
                }
                let mut v: Vec<(String, f64)> = t.iter().map(|x| (x.label.clone(), x.min)).collect();
                v.sort_by(|a, b| b.1.total_cmp(&a.1));
                if v.windows(2).any(|w| matches!(w, [a, b] if a.1 == b.1)) {
                    return Err(card_error(
                        card,
                        None,
                        None,
                        "two bands have the same min".into(),
                        "两个等级的 min 相同".into(),
                    ));
                }
                Ok(BandRule::Thresholds(v))
            }
            (None, Some(d)) => {
                if d.is_empty() {
                    return Err(card_error(
                        card,
                        None,
                        None,
                        "bands.distribution is empty".into(),
                        "bands.distribution 为空".into(),
                    ));
                }
                dup(d.iter().map(|x| x.label.as_str()).collect())?;
                for x in d {
                    if !(x.share.is_finite() && (0.0..=1.0).contains(&x.share)) {
                        return Err(card_error(
                            card,
                            None,
                            None,
                            format!("band \"{}\": share {} must be between 0 and 1", x.label, x.share),
                            format!("等级“{}”：比例 {} 必须在 0 到 1 之间", x.label, x.share),
                        ));
                    }
                }
                let sum: f64 = d.iter().map(|x| x.share).sum();
                if (sum - 1.0).abs() > SHARE_TOLERANCE {
                    return Err(card_error(
                        card,
                        None,
                        None,
                        format!("band shares sum to {sum}, expected 1"),
                        format!("等级比例之和为 {sum}，应为 1"),
                    ));
                }
                Ok(BandRule::Distribution(d.iter().map(|x| (x.label.clone(), x.share)).collect()))
            }
            _ => Err(card_error(
                card,
                None,
                None,
                "bands needs exactly one of \"thresholds\" or \"distribution\"".into(),
                "bands 须且只能给出 thresholds 或 distribution 之一".into(),
            )),
        }
    }
}

fn dir_name(d: Direction) -> &'static str {
    match d {
        Direction::Higher => "higher",
        Direction::Lower => "lower",
    }
}

fn quote_list(items: &[String], open: &str, close: &str, sep: &str) -> String {
    items.iter().map(|s| format!("{open}{s}{close}")).collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("csat", "csat"), 0);
        assert_eq!(edit_distance("cast", "csat"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("客户满意", "客户满意度"), 1);
    }

    #[test]
    fn header_parts_split() {
        assert_eq!(header_parts("客户满意度 (csat)"), vec!["客户满意度", "csat"]);
        assert_eq!(header_parts("客户满意度/csat"), vec!["客户满意度", "csat"]);
        assert!(header_parts("x").is_empty());
    }

    #[test]
    fn normalize_round_trips() {
        for s in [r#""minmax""#, r#""zscore""#, r#""percentile""#, r#"{"target":0.02,"floor":0.1}"#] {
            let n: Normalize = serde_json::from_str(s).unwrap();
            assert_eq!(serde_json::to_string(&n).unwrap(), s);
        }
        assert!(serde_json::from_str::<Normalize>(r#""robust""#)
            .unwrap_err()
            .to_string()
            .contains("unknown normalisation"));
    }
}
