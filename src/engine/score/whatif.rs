//! The scoring core and interactive what-if.
//!
//! [`WhatIf`] normalises every indicator once into an `n × m` column-major
//! matrix (indicator scores 0..100, NaN = missing under `exclude`). A weight
//! change then costs one pass over the matrix in cache-sized chunks (only
//! the dimensions whose indicator weights changed are recomputed; a change
//! of dimension weights alone re-reads the dimension scores), a bucket sort,
//! one pass for ranks and one for bands, and one pass with a bounded heap for
//! the biggest movers. [`score`](super::score) runs the same code once, so a
//! what-if and a fresh score with the same weights agree bit for bit.
//!
//! [`WhatIf::sensitivity`] gives, for every weight `w` (a dimension weight
//! or an indicator weight, in the card's own units), the interval
//! `[stable_min, stable_max]` around the current value such that changing
//! **only that weight** (the others fixed; all weights are relative, so they
//! are renormalised) to any value strictly inside it moves **nobody to
//! another band**. An endpoint is a value where somebody's band changes (a
//! total reaches a threshold, or the set of people above a forced-distribution
//! cut-off changes); `stable_min = 0` and `stable_max = ∞` mean no change
//! down to zero / up to any value. Each person's total is a ratio of linear
//! functions of the one weight, `t(w) = (a·w + b)/(c·w + d)`:
//!
//! - threshold bands: the crossings `t(w) = min_k` are solved exactly;
//! - forced distributions: the first `w` where the lowest total above a cut
//!   meets the highest total below it is found by a scan (200 steps each way,
//!   up to 10⁶ × the current weight) and bisection to a relative 1e-12. When
//!   everyone has every indicator (or `missing` is `zero`/`mean`), all totals
//!   share one denominator, that gap is concave, and the result is exact to
//!   the bisection tolerance; with `exclude` and gaps it could miss a change
//!   that reverts between two scan steps.

use std::collections::{BinaryHeap, HashMap};

use serde::Serialize;

use super::card::{BandRule, MissingPolicy, ResolvedCard, Scorecard};
use super::normalize::normalize;
use super::rank::{assign_bands, competition_ranks, competition_ranks_sorted, distribution_cuts, Ranker, NO_BAND};
use super::{
    applies_mask, group_codes, population_ids, select_period, BandCount, DimensionScores, ScoreOptions, Scores,
};
use crate::engine::budget;
use crate::engine::dataset::Dataset;
use crate::engine::error::{Error, Msg, Result};

/// People per cache-sized chunk of the weighted sum.
const CHUNK: usize = 512;

/// Someone whose rank or band changed in a what-if.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Moved {
    pub id: String,
    pub from_rank: u32,
    pub to_rank: u32,
    pub from_band: String,
    pub to_band: String,
    /// Per dimension (card order): new contribution − old contribution to
    /// the total, in points; they sum to the change of the total.
    pub why: Vec<f64>,
}

/// What [`WhatIf::set_weights`] reports besides the new scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfUpdate {
    /// Everyone whose band changed, then the biggest rank movers, up to
    /// [`WhatIf::moved_limit`]; band changes first, then by |rank change|.
    pub moved: Vec<Moved>,
    /// How many people changed band.
    pub band_changes: usize,
    /// How many people changed rank.
    pub rank_changes: usize,
}

/// The stable interval of one weight (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sensitivity {
    /// `dimension` or `dimension/indicator`, as in weight maps.
    pub name: String,
    pub weight: f64,
    pub stable_min: f64,
    /// `f64::INFINITY` (JSON `null`) when unbounded.
    pub stable_max: f64,
}

/// Re-scoring with other weights, without re-reading the data.
#[derive(Debug, Clone)]
pub struct WhatIf {
    card: ResolvedCard,
    n: usize,
    /// Column-major `n × m` indicator scores.
    matrix: Vec<f64>,
    complete: bool,
    dim_cols: Vec<Vec<usize>>,
    dim_w: Vec<f64>,
    ind_w: Vec<f64>,
    tiebreak: Vec<u32>,
    groups: Option<(Vec<u32>, usize)>,
    ranker: Ranker,
    scores: Scores,
    base_warnings: Vec<Msg>,
    prev_rank: Vec<u32>,
    prev_band: Vec<u16>,
    /// The dimension scores before the last change; only the dimensions
    /// flagged in `prev_dims_changed` differ from the current ones.
    prev_dims: Vec<Vec<f64>>,
    prev_dims_changed: Vec<bool>,
    prev_dim_w: Vec<f64>,
    /// The indicator weights the current dimension scores were computed with.
    computed_ind_w: Option<Vec<f64>>,
    /// Most entries in [`WhatIfUpdate::moved`] (default 100).
    pub moved_limit: usize,
}

impl WhatIf {
    /// Validate the card, select the population and normalise once.
    ///
    /// # Errors
    /// As [`score`](super::score).
    pub fn new(ds: &Dataset, card: &Scorecard, opts: &ScoreOptions) -> Result<WhatIf> {
        let resolved = card.resolve(ds)?;
        let (mask, period, mut warnings) = select_period(ds, opts)?;
        let applies = applies_mask(ds, &resolved.applies_to);
        let rows: Vec<u32> = (0..ds.row_count())
            .filter(|&r| mask.get(r) == Some(&true) && applies.get(r) == Some(&true))
            .map(|r| r as u32)
            .collect();
        if rows.is_empty() {
            return Err(no_rows(&resolved.name, period.as_deref()));
        }
        let (ids, w) = population_ids(ds, &rows, period.as_deref())?;
        warnings.extend(w);
        let groups = match &opts.group_by {
            Some(g) => Some(group_codes(ds, g, &rows)?),
            None => None,
        };
        WhatIf::build(ds, resolved, rows, ids, period, groups, warnings)
    }

    fn build(
        ds: &Dataset,
        card: ResolvedCard,
        rows: Vec<u32>,
        ids: Vec<String>,
        period: Option<String>,
        groups: Option<(Vec<u32>, usize, String)>,
        mut warnings: Vec<Msg>,
    ) -> Result<WhatIf> {
        let n = rows.len();
        let m = card.indicators.len();
        // The normalised matrix, plus per-person scores, ranks and bands.
        budget::check(
            &format!("scoring {n} people on {m} indicators"),
            &format!("对 {n} 人按 {m} 个指标评分"),
            budget::bytes(n, 8 * m + 8 * (card.dimensions.len() + 2) + 16),
        )?;
        let mut matrix = Vec::with_capacity(n * m);
        let mut raw = Vec::with_capacity(n);
        let mut out = Vec::with_capacity(n);
        let mut person_missing = vec![false; n];
        for ind in &card.indicators {
            let col = ds.number_column(&ind.column)?;
            raw.clear();
            raw.extend(rows.iter().map(|&r| col.get(r as usize)));
            normalize(&raw, ind.normalize, ind.direction, &mut out);
            let present: Vec<f64> = out.iter().copied().filter(|x| !x.is_nan()).collect();
            if present.is_empty() {
                warnings.push(Msg::new(
                    format!(
                        "indicator \"{}\" (column \"{}\") has no values in the scored population; it is left out",
                        ind.key, ind.column
                    ),
                    format!("指标“{}”（列“{}”）在评分人群中没有数值，已略去", ind.key, ind.column),
                ));
            } else {
                let fill = match card.missing {
                    MissingPolicy::Exclude => f64::NAN,
                    MissingPolicy::Zero => 0.0,
                    MissingPolicy::Mean => present.iter().sum::<f64>() / present.len() as f64,
                };
                for (o, pm) in out.iter_mut().zip(person_missing.iter_mut()) {
                    if o.is_nan() {
                        *pm = true;
                        *o = fill;
                    }
                }
            }
            matrix.extend_from_slice(&out);
        }
        let affected = person_missing.iter().filter(|&&b| b).count();
        if affected > 0 {
            let (en, zh) = match card.missing {
                MissingPolicy::Exclude => {
                    ("their totals are re-weighted over the indicators present", "其总分按已有指标重新加权")
                }
                MissingPolicy::Zero => ("missing indicators score 0", "缺失指标按 0 分计"),
                MissingPolicy::Mean => ("missing indicators score the mean of the others", "缺失指标按他人平均分计"),
            };
            warnings.push(Msg::new(
                format!("{affected} of {n} people have missing indicator values; {en}"),
                format!("{n} 人中有 {affected} 人存在缺失指标；{zh}"),
            ));
        }
        let complete = !matrix.iter().any(|x| x.is_nan());
        let n_dims = card.dimensions.len();
        let mut dim_cols = vec![Vec::new(); n_dims];
        for (j, ind) in card.indicators.iter().enumerate() {
            if let Some(d) = dim_cols.get_mut(ind.dimension) {
                d.push(j);
            }
        }
        let mut by_id: Vec<u32> = (0..n as u32).collect();
        by_id.sort_by(|&a, &b| ids.get(a as usize).cmp(&ids.get(b as usize)).then(a.cmp(&b)));
        let mut tiebreak = vec![0u32; n];
        for (pos, &p) in by_id.iter().enumerate() {
            if let Some(t) = tiebreak.get_mut(p as usize) {
                *t = pos as u32;
            }
        }
        let band_labels = card.bands.labels();
        let (group_by, groups) = match groups {
            Some((codes, ng, name)) => (Some(name), Some((codes, ng))),
            None => (None, None),
        };
        let scores = Scores {
            cards: vec![card.name.clone()],
            period,
            ids,
            rows,
            card: vec![0; n],
            total: vec![f64::NAN; n],
            dimensions: card
                .dimensions
                .iter()
                .map(|(name, _)| DimensionScores { name: name.clone(), values: vec![f64::NAN; n] })
                .collect(),
            rank: vec![0; n],
            group_rank: groups.as_ref().map(|_| vec![0; n]),
            group_by,
            band: vec![NO_BAND; n],
            band_labels,
            band_counts: Vec::new(),
            unscored: Vec::new(),
            warnings: Vec::new(),
        };
        let mut w = WhatIf {
            dim_w: card.dimensions.iter().map(|d| d.1).collect(),
            ind_w: card.indicators.iter().map(|i| i.weight).collect(),
            card,
            n,
            matrix,
            complete,
            dim_cols,
            tiebreak,
            groups,
            ranker: Ranker::new(n),
            scores,
            base_warnings: warnings,
            prev_rank: vec![0; n],
            prev_band: vec![NO_BAND; n],
            prev_dims: vec![Vec::new(); n_dims],
            prev_dims_changed: vec![true; n_dims],
            prev_dim_w: Vec::new(),
            computed_ind_w: None,
            moved_limit: 100,
        };
        let all = vec![true; w.dim_cols.len()];
        w.refresh(&all);
        Ok(w)
    }

    /// The current scores.
    pub fn scores(&self) -> &Scores {
        &self.scores
    }

    pub fn into_scores(self) -> Scores {
        self.scores
    }

    /// The current weights: dimension names, then `dimension/indicator`.
    pub fn weights(&self) -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> =
            self.card.dimensions.iter().map(|d| d.0.clone()).zip(self.dim_w.iter().copied()).collect();
        v.extend(self.card.indicators.iter().map(|i| i.key.clone()).zip(self.ind_w.iter().copied()));
        v
    }

    /// The normalised indicator matrix (column-major, `n × m`) and `n`.
    pub fn matrix(&self) -> (&[f64], usize) {
        (&self.matrix, self.n)
    }

    /// Which dimensions' scores the current indicator weights change.
    fn changed_dims(&self) -> Vec<bool> {
        self.dim_cols
            .iter()
            .map(|cols| match &self.computed_ind_w {
                None => true,
                Some(old) => cols.iter().any(|&j| old.get(j) != self.ind_w.get(j)),
            })
            .collect()
    }

    /// Recompute totals, ranks and bands for the current weights; `changed`
    /// flags the dimensions whose scores must be recomputed.
    fn refresh(&mut self, changed: &[bool]) {
        let s = &mut self.scores;
        compute(
            &self.matrix,
            self.n,
            self.complete,
            &self.dim_cols,
            &self.dim_w,
            &self.ind_w,
            changed,
            &mut s.total,
            &mut s.dimensions,
        );
        self.computed_ind_w = Some(self.ind_w.clone());
        self.ranker.sort(&s.total, &self.tiebreak);
        competition_ranks_sorted(&self.ranker, &mut s.rank);
        if let (Some((codes, ng)), Some(gr)) = (&self.groups, s.group_rank.as_mut()) {
            competition_ranks(&self.ranker.order, &s.total, Some((codes, *ng)), gr);
        }
        assign_bands(&self.card.bands, &s.total, &s.rank, &mut s.band);
        s.band_counts = band_counts(&self.card.name, &self.card.bands, &s.band, &s.total, 0);
        s.unscored.clear();
        s.unscored.extend(s.total.iter().zip(&s.ids).filter(|(t, _)| t.is_nan()).map(|(_, id)| id.clone()));
        s.warnings.clear();
        s.warnings.extend(self.base_warnings.iter().cloned());
        if !s.unscored.is_empty() {
            let k = s.unscored.len();
            let list = s.unscored.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
            s.warnings.push(Msg::new(
                format!("{k} people have no indicator values and no total; they rank last with no band: {list}"),
                format!("{k} 人没有任何指标值、没有总分，排在最后且不定等级：{list}"),
            ));
        }
        if matches!(self.card.bands, BandRule::Thresholds(_)) {
            let below = s.band.iter().zip(&s.total).filter(|(b, t)| **b == NO_BAND && !t.is_nan()).count();
            if below > 0 {
                s.warnings.push(Msg::new(
                    format!("{below} people score below the lowest band threshold and have no band"),
                    format!("{below} 人低于最低等级门槛，未定等级"),
                ));
            }
        }
    }

    /// Parse a weight map into full dimension and indicator weight vectors.
    fn parse_weights(&self, weights: &HashMap<String, f64>) -> Result<(Vec<f64>, Vec<f64>)> {
        let mut dw = self.dim_w.clone();
        let mut iw = self.ind_w.clone();
        for (k, &v) in weights {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::param(
                    format!("weight \"{k}\" = {v} must be a finite number ≥ 0"),
                    format!("权重“{k}”= {v} 必须是 ≥ 0 的有限数"),
                ));
            }
            if let Some(d) = self.card.dimensions.iter().position(|d| d.0 == *k) {
                if let Some(x) = dw.get_mut(d) {
                    *x = v;
                }
            } else if let Some(j) = self.card.indicators.iter().position(|i| i.key == *k) {
                if let Some(x) = iw.get_mut(j) {
                    *x = v;
                }
            } else {
                let valid = self.weights().into_iter().map(|(n, _)| n).collect::<Vec<_>>().join(", ");
                return Err(Error::param(
                    format!("unknown weight \"{k}\" in scorecard \"{}\"; expected one of: {valid}", self.card.name),
                    format!("考核表“{}”中没有权重“{k}”；可用：{valid}", self.card.name),
                ));
            }
        }
        if dw.iter().all(|&x| x == 0.0) {
            return Err(Error::param("all dimension weights are zero", "所有维度权重均为零"));
        }
        for (d, cols) in self.dim_cols.iter().enumerate() {
            if cols.iter().all(|&j| iw.get(j).copied().unwrap_or(0.0) == 0.0) {
                let name = self.card.dimensions.get(d).map(|x| x.0.as_str()).unwrap_or("");
                return Err(Error::param(
                    format!("dimension \"{name}\": all indicator weights are zero"),
                    format!("维度“{name}”：所有指标权重均为零"),
                ));
            }
        }
        Ok((dw, iw))
    }

    /// Change some weights (keys: dimension names and `dimension/indicator`;
    /// absent keys keep their weight), then re-score, re-rank and re-band.
    ///
    /// # Errors
    /// `ParamError` for an unknown key, a negative or non-finite weight, or
    /// weights that are all zero (overall or within a dimension). On error
    /// nothing changes.
    pub fn set_weights(&mut self, weights: &HashMap<String, f64>) -> Result<WhatIfUpdate> {
        let (dw, iw) = self.parse_weights(weights)?;
        // Swap rather than copy: refresh overwrites every rank, band and
        // recomputed dimension score.
        std::mem::swap(&mut self.prev_rank, &mut self.scores.rank);
        std::mem::swap(&mut self.prev_band, &mut self.scores.band);
        self.prev_dim_w.clone_from(&self.dim_w);
        self.dim_w = dw;
        self.ind_w = iw;
        let changed = self.changed_dims();
        for ((p, d), &c) in self.prev_dims.iter_mut().zip(self.scores.dimensions.iter_mut()).zip(&changed) {
            if c {
                if p.len() != d.values.len() {
                    *p = vec![f64::NAN; d.values.len()];
                }
                std::mem::swap(p, &mut d.values);
            }
        }
        self.prev_dims_changed.clone_from(&changed);
        self.refresh(&changed);
        Ok(self.moved())
    }

    fn moved(&mut self) -> WhatIfUpdate {
        let s = &self.scores;
        // The `moved_limit` smallest keys (band changes first, then the
        // biggest |rank change|, then id order) in one pass with a bounded
        // max-heap. A key packs (no band change, 2³¹ − 1 − |Δrank|, tiebreak)
        // into a u64: unique, and ordered as that tuple (n < 2³¹).
        let limit = self.moved_limit;
        let mut heap: BinaryHeap<(u64, u32)> = BinaryHeap::with_capacity(limit.min(self.n) + 1);
        let (mut band_changes, mut rank_changes) = (0usize, 0usize);
        for (p, ((((&r0, &r1), &b0), &b1), &tb)) in
            self.prev_rank.iter().zip(&s.rank).zip(&self.prev_band).zip(&s.band).zip(&self.tiebreak).enumerate()
        {
            let band_changed = b0 != b1;
            band_changes += usize::from(band_changed);
            if r0 == r1 && !band_changed {
                continue;
            }
            rank_changes += 1;
            if limit == 0 {
                continue;
            }
            let d = u64::from(r0.abs_diff(r1)).min(0x7FFF_FFFF);
            let key = (u64::from(!band_changed) << 63) | ((0x7FFF_FFFF - d) << 32) | u64::from(tb);
            if heap.len() < limit {
                heap.push((key, p as u32));
            } else if heap.peek().is_some_and(|top| key < top.0) {
                heap.pop();
                heap.push((key, p as u32));
            }
        }
        let chosen = heap.into_sorted_vec();
        let label = |b: u16| self.scores.band_labels.get(b as usize).cloned().unwrap_or_default();
        let moved = chosen
            .iter()
            .map(|&(_, p)| {
                let p = p as usize;
                let old_vals: Vec<f64> = self
                    .prev_dims
                    .iter()
                    .zip(&s.dimensions)
                    .zip(&self.prev_dims_changed)
                    .map(|((old, cur), &c)| if c { old.get(p) } else { cur.values.get(p) }.copied().unwrap_or(f64::NAN))
                    .collect();
                let old = contrib_of(&old_vals, &self.prev_dim_w);
                let new = contributions_scores(&s.dimensions, &self.dim_w, p);
                Moved {
                    id: s.ids.get(p).cloned().unwrap_or_default(),
                    from_rank: self.prev_rank.get(p).copied().unwrap_or(0),
                    to_rank: s.rank.get(p).copied().unwrap_or(0),
                    from_band: label(self.prev_band.get(p).copied().unwrap_or(NO_BAND)),
                    to_band: label(s.band.get(p).copied().unwrap_or(NO_BAND)),
                    why: new.iter().zip(&old).map(|(a, b)| a - b).collect(),
                }
            })
            .collect();
        WhatIfUpdate { moved, band_changes, rank_changes }
    }

    /// Per person, `t(w) = (a·w + b)/(c·w + d)` as the weight `param` varies
    /// (dimensions first, then indicators, as in [`WhatIf::weights`]).
    fn forms(&self, param: usize) -> Vec<[f64; 4]> {
        let nd = self.dim_w.len();
        let dims = &self.scores.dimensions;
        let dval = |e: usize, p: usize| dims.get(e).and_then(|d| d.values.get(p)).copied().unwrap_or(f64::NAN);
        let rest = |p: usize, skip: usize| -> (f64, f64) {
            let (mut num, mut den) = (0.0, 0.0);
            for (e, &w) in self.dim_w.iter().enumerate() {
                let v = dval(e, p);
                if e != skip && !v.is_nan() {
                    num += w * v;
                    den += w;
                }
            }
            (num, den)
        };
        (0..self.n)
            .map(|p| {
                if param < nd {
                    let (rn, rd) = rest(p, param);
                    let v = dval(param, p);
                    if v.is_nan() {
                        [0.0, rn, 0.0, rd]
                    } else {
                        [v, rn, 1.0, rd]
                    }
                } else {
                    let j = param - nd;
                    let Some(ind) = self.card.indicators.get(j) else { return [0.0, f64::NAN, 0.0, 1.0] };
                    let d = ind.dimension;
                    let (rn, rd) = rest(p, d);
                    let wd = self.dim_w.get(d).copied().unwrap_or(0.0);
                    let cell = |k: usize| self.matrix.get(k * self.n + p).copied().unwrap_or(f64::NAN);
                    let (mut nn, mut mm) = (0.0, 0.0);
                    for &k in self.dim_cols.get(d).map_or(&[][..], |v| v.as_slice()) {
                        let s = cell(k);
                        if k != j && !s.is_nan() {
                            let wk = self.ind_w.get(k).copied().unwrap_or(0.0);
                            nn += wk * s;
                            mm += wk;
                        }
                    }
                    let s = cell(j);
                    if s.is_nan() {
                        if mm > 0.0 {
                            [0.0, wd * nn / mm + rn, 0.0, wd + rd]
                        } else {
                            [0.0, rn, 0.0, rd]
                        }
                    } else if mm == 0.0 {
                        [0.0, wd * s + rn, 0.0, wd + rd]
                    } else {
                        let c = wd + rd;
                        [wd * s + rn, wd * nn + rn * mm, c, c * mm]
                    }
                }
            })
            .collect()
    }

    /// Stable intervals of every weight (see the module docs).
    pub fn sensitivity(&self) -> Vec<Sensitivity> {
        self.weights()
            .into_iter()
            .enumerate()
            .map(|(param, (name, w0))| {
                let forms = self.forms(param);
                let (lo, hi) = match &self.card.bands {
                    BandRule::None => (0.0, f64::INFINITY),
                    BandRule::Thresholds(t) => self.threshold_interval(&forms, t, w0),
                    BandRule::Distribution(d) => self.distribution_interval(&forms, d.len(), w0),
                };
                Sensitivity { name, weight: w0, stable_min: lo, stable_max: hi }
            })
            .collect()
    }

    fn threshold_interval(&self, forms: &[[f64; 4]], t: &[(String, f64)], w0: f64) -> (f64, f64) {
        let (mut lo, mut hi) = (0.0f64, f64::INFINITY);
        let tol = 1e-12 * w0.max(1e-300);
        for (p, f) in forms.iter().enumerate() {
            if self.scores.total.get(p).is_none_or(|x| x.is_nan()) {
                continue;
            }
            let [a, b, c, d] = *f;
            for (_, th) in t {
                let den = a - th * c;
                if den == 0.0 {
                    continue;
                }
                let v = (th * d - b) / den;
                if !v.is_finite() || v < 0.0 {
                    continue;
                }
                if v > w0 + tol {
                    hi = hi.min(v);
                } else if v < w0 - tol {
                    lo = lo.max(v);
                } else {
                    let slope = a * d - b * c;
                    if slope > 0.0 {
                        lo = w0;
                    } else if slope < 0.0 {
                        hi = w0;
                    }
                }
            }
        }
        (lo, hi)
    }

    /// Whether the forced-distribution bands at weight `v` differ from now.
    fn distribution_changed(&self, forms: &[[f64; 4]], nb: usize, v: f64) -> bool {
        let mut mins = vec![f64::INFINITY; nb];
        let mut maxs = vec![f64::NEG_INFINITY; nb];
        for (f, &b) in forms.iter().zip(&self.scores.band) {
            if b == NO_BAND {
                continue;
            }
            let t = (f[0] * v + f[1]) / (f[2] * v + f[3]);
            if let (Some(lo), Some(hi)) = (mins.get_mut(b as usize), maxs.get_mut(b as usize)) {
                *lo = lo.min(t);
                *hi = hi.max(t);
            }
        }
        // For each cut k: min over bands ≤ k vs max over bands > k.
        let mut suffix_max = vec![f64::NEG_INFINITY; nb + 1];
        for k in (0..nb).rev() {
            let m = maxs.get(k).copied().unwrap_or(f64::NEG_INFINITY);
            let next = suffix_max.get(k + 1).copied().unwrap_or(f64::NEG_INFINITY);
            if let Some(s) = suffix_max.get_mut(k) {
                *s = m.max(next);
            }
        }
        let mut prefix_min = f64::INFINITY;
        for k in 0..nb.saturating_sub(1) {
            prefix_min = prefix_min.min(mins.get(k).copied().unwrap_or(f64::INFINITY));
            let below = suffix_max.get(k + 1).copied().unwrap_or(f64::NEG_INFINITY);
            if prefix_min.is_finite() && below.is_finite() && prefix_min <= below {
                return true;
            }
        }
        false
    }

    fn distribution_interval(&self, forms: &[[f64; 4]], nb: usize, w0: f64) -> (f64, f64) {
        // A tie straddling a cut (more people in the better bands than the
        // cut allows) breaks at once unless the tied totals move together.
        if self.overfull_tie_breaks(forms, nb, w0) {
            return (w0, w0);
        }
        let changed = |v: f64| self.distribution_changed(forms, nb, v);
        let steps = 200;
        let scale =
            if w0 > 0.0 { w0 } else { self.weights().iter().map(|x| x.1).fold(0.0, f64::max).max(1e-12) * 1e-6 };
        let ratio = libm::pow(1e6, 1.0 / f64::from(steps));
        let bisect = |mut ok: f64, mut bad: f64| {
            for _ in 0..200 {
                if (bad - ok).abs() <= 1e-12 * ok.abs().max(bad.abs()) {
                    break;
                }
                let mid = 0.5 * (ok + bad);
                if changed(mid) {
                    bad = mid;
                } else {
                    ok = mid;
                }
            }
            bad
        };
        let mut hi = f64::INFINITY;
        let mut prev = w0;
        for i in 1..=steps {
            let v = if w0 > 0.0 { w0 * libm::pow(ratio, f64::from(i)) } else { scale * libm::pow(ratio, f64::from(i)) };
            if changed(v) {
                hi = bisect(prev, v);
                break;
            }
            prev = v;
        }
        let mut lo = 0.0;
        if w0 > 0.0 {
            let mut prev = w0;
            for i in 1..=steps {
                let v = w0 * (1.0 - f64::from(i) / f64::from(steps));
                if changed(v) {
                    lo = bisect(prev, v);
                    break;
                }
                prev = v;
            }
        }
        (lo, hi)
    }

    fn overfull_tie_breaks(&self, forms: &[[f64; 4]], nb: usize, w0: f64) -> bool {
        let valid = self.scores.total.iter().filter(|x| !x.is_nan()).count();
        let BandRule::Distribution(d) = &self.card.bands else { return false };
        let shares: Vec<f64> = d.iter().map(|x| x.1).collect();
        let cuts = distribution_cuts(&shares, valid);
        let h = if w0 > 0.0 { 1e-3 * w0 } else { 1e-3 };
        for k in 0..nb.saturating_sub(1) {
            let in_top = self.scores.band.iter().filter(|&&b| b != NO_BAND && (b as usize) <= k).count();
            if in_top <= cuts.get(k).copied().unwrap_or(0) {
                continue;
            }
            // The lowest total in bands ≤ k: the tie group at the cut.
            let lowest = self
                .scores
                .band
                .iter()
                .zip(&self.scores.total)
                .filter(|(b, _)| **b != NO_BAND && (**b as usize) <= k)
                .map(|(_, t)| *t)
                .fold(f64::INFINITY, f64::min);
            let at = |f: &[f64; 4], v: f64| (f[0] * v + f[1]) / (f[2] * v + f[3]);
            let group: Vec<&[f64; 4]> = forms
                .iter()
                .zip(&self.scores.total)
                .zip(&self.scores.band)
                .filter(|((_, t), b)| **t == lowest && **b != NO_BAND && (**b as usize) <= k)
                .map(|((f, _), _)| f)
                .collect();
            if let Some(first) = group.first() {
                for v in [w0 + h, (w0 - h).max(0.0)] {
                    let t0 = at(first, v);
                    if group.iter().any(|f| (at(f, v) - t0).abs() > 1e-12) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

fn no_rows(card: &str, period: Option<&str>) -> Error {
    let (pe, pz) =
        period.map_or((String::new(), String::new()), |p| (format!(" in period {p}"), format!("在期间 {p} 中")));
    Error::param(
        format!("scorecard \"{card}\": no rows to score{pe} (check appliesTo and the period)"),
        format!("考核表“{card}”{pz}没有可评分的记录（请检查 appliesTo 与期间）"),
    )
}

fn contributions_scores(dims: &[DimensionScores], dim_w: &[f64], p: usize) -> Vec<f64> {
    let vals: Vec<f64> = dims.iter().map(|d| d.values.get(p).copied().unwrap_or(f64::NAN)).collect();
    contrib_of(&vals, dim_w)
}

fn contrib_of(vals: &[f64], dim_w: &[f64]) -> Vec<f64> {
    let den: f64 = vals.iter().zip(dim_w).filter(|(v, _)| !v.is_nan()).map(|(_, w)| w).sum();
    vals.iter().zip(dim_w).map(|(v, w)| if v.is_nan() || den == 0.0 { 0.0 } else { w * v / den }).collect()
}

/// Totals and dimension scores for the given raw weights (module docs of
/// `score`). Dimensions not flagged in `changed` keep their scores (they
/// were computed with the same indicator weights) and only enter the total:
/// the same values in the same order of operations, so the total is the
/// same to the bit as a full recomputation.
#[allow(clippy::too_many_arguments)]
fn compute(
    matrix: &[f64],
    n: usize,
    complete: bool,
    dim_cols: &[Vec<usize>],
    dim_w: &[f64],
    ind_w: &[f64],
    changed: &[bool],
    total: &mut [f64],
    dims: &mut [DimensionScores],
) {
    if n == 0 {
        return;
    }
    let cols: Vec<&[f64]> = matrix.chunks(n).collect();
    let dsum: f64 = dim_w.iter().sum();
    let big_a: Vec<f64> = dim_w.iter().map(|w| w / dsum).collect();
    let mut small_a = vec![0.0; ind_w.len()];
    for jcols in dim_cols {
        let s: f64 = jcols.iter().map(|&j| ind_w.get(j).copied().unwrap_or(0.0)).sum();
        for &j in jcols {
            if let Some(a) = small_a.get_mut(j) {
                *a = ind_w.get(j).copied().unwrap_or(0.0) / s;
            }
        }
    }
    let mut acc = [0.0f64; CHUNK];
    let mut den = [0.0f64; CHUNK];
    let mut tot = [0.0f64; CHUNK];
    let mut tden = [0.0f64; CHUNK];
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let len = end - start;
        tot.fill(0.0);
        tden.fill(0.0);
        for (d, jcols) in dim_cols.iter().enumerate() {
            let ad = big_a.get(d).copied().unwrap_or(0.0);
            let Some(out) = dims.get_mut(d).and_then(|x| x.values.get_mut(start..end)) else { continue };
            if !changed.get(d).copied().unwrap_or(true) {
                // Unchanged: the stored scores are exactly what `acc` (complete)
                // or `acc / den` (with gaps) would be again.
                if complete {
                    for (t, x) in tot.iter_mut().zip(out.iter()) {
                        *t += ad * x;
                    }
                } else {
                    for ((t, td), &v) in tot.iter_mut().zip(tden.iter_mut()).zip(out.iter()) {
                        if !v.is_nan() {
                            *t += ad * v;
                            *td += ad;
                        }
                    }
                }
                continue;
            }
            acc.fill(0.0);
            den.fill(0.0);
            for &j in jcols {
                let a = small_a.get(j).copied().unwrap_or(0.0);
                let Some(col) = cols.get(j).and_then(|c| c.get(start..end)) else { continue };
                if complete {
                    for (x, s) in acc.iter_mut().zip(col) {
                        *x += a * s;
                    }
                } else {
                    for ((x, dn), &s) in acc.iter_mut().zip(den.iter_mut()).zip(col) {
                        if !s.is_nan() {
                            *x += a * s;
                            *dn += a;
                        }
                    }
                }
            }
            if complete {
                // Weights that sum to one in exact arithmetic can sum to 1 + ε
                // in floating point: keep scores inside 0..100 (NaN stays NaN).
                // (`out` is this chunk: `len` long, as are the zips below.)
                for (o, x) in out.iter_mut().zip(&acc) {
                    *o = x.clamp(0.0, 100.0);
                }
                for (t, x) in tot.iter_mut().zip(&acc).take(len) {
                    *t += ad * x;
                }
            } else {
                let cells = out.iter_mut().zip(&acc).zip(&den).zip(tot.iter_mut().zip(tden.iter_mut()));
                for (((o, &a), &dn), (t, td)) in cells {
                    let v = if dn > 0.0 { (a / dn).clamp(0.0, 100.0) } else { f64::NAN };
                    *o = v;
                    if !v.is_nan() {
                        *t += ad * v;
                        *td += ad;
                    }
                }
            }
        }
        if let Some(out) = total.get_mut(start..end) {
            if complete {
                for (o, t) in out.iter_mut().zip(&tot) {
                    *o = t.clamp(0.0, 100.0);
                }
            } else {
                for ((o, &t), &td) in out.iter_mut().zip(&tot).zip(&tden) {
                    *o = if td > 0.0 { (t / td).clamp(0.0, 100.0) } else { f64::NAN };
                }
            }
        }
        start = end;
    }
}

fn band_counts(card: &str, rule: &BandRule, band: &[u16], total: &[f64], offset: u16) -> Vec<BandCount> {
    let labels = rule.labels();
    let mut counts = vec![0usize; labels.len()];
    for &b in band {
        if let Some(c) = counts.get_mut(b.wrapping_sub(offset) as usize) {
            *c += 1;
        }
    }
    let (shares, cuts) = match rule {
        BandRule::Distribution(d) => {
            let s: Vec<f64> = d.iter().map(|x| x.1).collect();
            let valid = total.iter().filter(|x| !x.is_nan()).count();
            let c = distribution_cuts(&s, valid);
            (Some(s), Some(c))
        }
        _ => (None, None),
    };
    labels
        .into_iter()
        .enumerate()
        .map(|(k, label)| BandCount {
            card: card.to_owned(),
            label,
            count: counts.get(k).copied().unwrap_or(0),
            target_share: shares.as_ref().and_then(|s| s.get(k).copied()),
            target_count: cuts
                .as_ref()
                .map(|c| c.get(k).copied().unwrap_or(0) - if k == 0 { 0 } else { c.get(k - 1).copied().unwrap_or(0) }),
        })
        .collect()
}

/// Several cards: each row goes to the first card that accepts it.
pub(crate) fn score_many(ds: &Dataset, cards: &[Scorecard], opts: &ScoreOptions) -> Result<Scores> {
    let resolved: Vec<ResolvedCard> = cards.iter().map(|c| c.resolve(ds)).collect::<Result<_>>()?;
    let (mask, period, mut warnings) = select_period(ds, opts)?;
    let n = ds.row_count();
    let mut owner: Vec<Option<usize>> = vec![None; n];
    for (ci, c) in resolved.iter().enumerate() {
        let m = applies_mask(ds, &c.applies_to);
        for (r, o) in owner.iter_mut().enumerate() {
            if o.is_none() && mask.get(r) == Some(&true) && m.get(r) == Some(&true) {
                *o = Some(ci);
            }
        }
    }
    let unmatched = (0..n).filter(|&r| mask.get(r) == Some(&true) && owner.get(r) == Some(&None)).count();
    if unmatched > 0 {
        warnings.push(Msg::new(
            format!("{unmatched} rows in the period match no card's appliesTo and are not scored"),
            format!("期间内有 {unmatched} 条记录不属于任何考核表的 appliesTo，未评分"),
        ));
    }
    let all_rows: Vec<u32> = (0..n).filter(|&r| owner.get(r).copied().flatten().is_some()).map(|r| r as u32).collect();
    if all_rows.is_empty() {
        return Err(no_rows(&cards.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "), period.as_deref()));
    }
    let (ids, w) = population_ids(ds, &all_rows, period.as_deref())?;
    warnings.extend(w);
    let id_of: HashMap<u32, &String> = all_rows.iter().copied().zip(ids.iter()).collect();
    let mut parts = Vec::new();
    for (ci, c) in resolved.into_iter().enumerate() {
        let rows: Vec<u32> =
            all_rows.iter().copied().filter(|&r| owner.get(r as usize).copied().flatten() == Some(ci)).collect();
        if rows.is_empty() {
            warnings.push(Msg::new(
                format!("scorecard \"{}\" applies to nobody in this period", c.name),
                format!("考核表“{}”在本期间没有适用人员", c.name),
            ));
            continue;
        }
        let pids: Vec<String> = rows.iter().map(|r| id_of.get(r).map(|s| (*s).clone()).unwrap_or_default()).collect();
        let w = WhatIf::build(ds, c, rows, pids, period.clone(), None, Vec::new())?;
        parts.push((ci, w.into_scores()));
    }
    // Merge in row order.
    let mut dim_names: Vec<String> = Vec::new();
    let mut band_labels: Vec<String> = Vec::new();
    for (_, s) in &parts {
        for d in &s.dimensions {
            if !dim_names.contains(&d.name) {
                dim_names.push(d.name.clone());
            }
        }
        for l in &s.band_labels {
            if !band_labels.contains(l) {
                band_labels.push(l.clone());
            }
        }
    }
    let total_n = parts.iter().map(|(_, s)| s.len()).sum::<usize>();
    let mut entries: Vec<(u32, usize, usize)> = Vec::with_capacity(total_n);
    for (pi, (_, s)) in parts.iter().enumerate() {
        entries.extend(s.rows.iter().enumerate().map(|(i, &r)| (r, pi, i)));
    }
    entries.sort_unstable();
    let mut out = Scores {
        cards: cards.iter().map(|c| c.name.clone()).collect(),
        period,
        ids: Vec::with_capacity(total_n),
        rows: Vec::with_capacity(total_n),
        card: Vec::with_capacity(total_n),
        total: Vec::with_capacity(total_n),
        dimensions: dim_names
            .iter()
            .map(|d| DimensionScores { name: d.clone(), values: Vec::with_capacity(total_n) })
            .collect(),
        rank: vec![0; total_n],
        group_by: None,
        group_rank: None,
        band: Vec::with_capacity(total_n),
        band_labels,
        band_counts: Vec::new(),
        unscored: Vec::new(),
        warnings,
    };
    for &(r, pi, i) in &entries {
        let Some((ci, s)) = parts.get(pi) else { continue };
        out.ids.push(s.ids.get(i).cloned().unwrap_or_default());
        out.rows.push(r);
        out.card.push(*ci as u16);
        out.total.push(s.total.get(i).copied().unwrap_or(f64::NAN));
        for d in &mut out.dimensions {
            let v = s
                .dimensions
                .iter()
                .find(|x| x.name == d.name)
                .and_then(|x| x.values.get(i))
                .copied()
                .unwrap_or(f64::NAN);
            d.values.push(v);
        }
        let b = s.band.get(i).copied().unwrap_or(NO_BAND);
        let label = s.band_labels.get(b as usize);
        out.band.push(label.and_then(|l| out.band_labels.iter().position(|x| x == l)).map_or(NO_BAND, |k| k as u16));
    }
    for (_, s) in &parts {
        out.band_counts.extend(s.band_counts.iter().cloned());
        out.unscored.extend(s.unscored.iter().cloned());
        out.warnings.extend(s.warnings.iter().map(|w| {
            let name = s.cards.first().cloned().unwrap_or_default();
            Msg::new(format!("{name}: {}", w.en), format!("{name}：{}", w.zh))
        }));
    }
    let mut by_id: Vec<u32> = (0..total_n as u32).collect();
    by_id.sort_by(|&a, &b| out.ids.get(a as usize).cmp(&out.ids.get(b as usize)));
    let mut tiebreak = vec![0u32; total_n];
    for (pos, &p) in by_id.iter().enumerate() {
        if let Some(t) = tiebreak.get_mut(p as usize) {
            *t = pos as u32;
        }
    }
    let mut ranker = Ranker::new(total_n);
    ranker.sort(&out.total, &tiebreak);
    competition_ranks(&ranker.order, &out.total, None, &mut out.rank);
    if let Some(g) = &opts.group_by {
        let (codes, ng, name) = group_codes(ds, g, &out.rows)?;
        let mut gr = vec![0; total_n];
        competition_ranks(&ranker.order, &out.total, Some((&codes, ng)), &mut gr);
        out.group_rank = Some(gr);
        out.group_by = Some(name);
    }
    Ok(out)
}
