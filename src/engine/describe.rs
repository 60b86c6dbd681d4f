//! Per-column statistics and histograms for the Data panel.

use serde::Serialize;

use super::dataset::{ColumnData, Dataset};
use super::error::{Error, Result};

/// Summary statistics of a numeric column (missing values ignored).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub column: String,
    pub count: usize,
    pub missing: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
}

/// Equal-width histogram: `counts[i]` values fall in `[edges[i], edges[i+1])`
/// (the last bin is closed).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Histogram {
    pub column: String,
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
    pub missing: usize,
}

/// The p-quantile (0..=1) of sorted values by linear interpolation (NumPy's default).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (sorted.get(lo).copied().unwrap_or(f64::NAN), sorted.get(hi).copied().unwrap_or(f64::NAN));
    a + (h - lo as f64) * (b - a)
}

fn numeric<'a>(ds: &'a Dataset, column: &str) -> Result<std::borrow::Cow<'a, [f64]>> {
    let c = ds.require(column)?;
    match &c.data {
        ColumnData::Number(v) => Ok(v.values()),
        _ => {
            Err(Error::param(format!("column \"{column}\" is not a number column"), format!("列“{column}”不是数值列"))
                .at_column(column))
        }
    }
}

/// Statistics of a number column.
///
/// # Errors
/// `ParamError` when the column does not exist or is not numeric.
pub fn stats(ds: &Dataset, column: &str) -> Result<Stats> {
    let v = numeric(ds, column)?;
    let mut present: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    present.sort_by(f64::total_cmp);
    let n = present.len();
    let mean = if n == 0 { f64::NAN } else { present.iter().sum::<f64>() / n as f64 };
    let var = if n == 0 { f64::NAN } else { present.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64 };
    Ok(Stats {
        column: column.to_owned(),
        count: n,
        missing: v.len() - n,
        min: present.first().copied().unwrap_or(f64::NAN),
        max: present.last().copied().unwrap_or(f64::NAN),
        mean,
        std: var.sqrt(),
        p25: quantile(&present, 0.25),
        median: quantile(&present, 0.5),
        p75: quantile(&present, 0.75),
    })
}

/// Histogram of a number column with `bins` equal-width bins over [min, max].
///
/// # Errors
/// `ParamError` for an unknown or non-numeric column, or `bins` outside 1..=1000.
pub fn histogram(ds: &Dataset, column: &str, bins: usize) -> Result<Histogram> {
    if !(1..=1000).contains(&bins) {
        return Err(Error::param(
            format!("bins = {bins}; expected 1 to 1000"),
            format!("分箱数为 {bins}；应为 1 到 1000"),
        ));
    }
    let v = numeric(ds, column)?;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut missing = 0;
    for &x in v.iter() {
        if x.is_finite() {
            lo = lo.min(x);
            hi = hi.max(x);
        } else {
            missing += 1;
        }
    }
    if lo > hi {
        return Ok(Histogram { column: column.to_owned(), edges: Vec::new(), counts: Vec::new(), missing });
    }
    // A constant column gets one bin.
    let bins = if hi > lo { bins } else { 1 };
    let width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
    let edges: Vec<f64> =
        (0..=bins).map(|i| if i == bins { hi.max(lo + width) } else { lo + width * i as f64 }).collect();
    let mut counts = vec![0u64; bins];
    for &x in v.iter() {
        if x.is_finite() {
            let i = (((x - lo) / width) as usize).min(bins - 1);
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
        }
    }
    Ok(Histogram { column: column.to_owned(), edges, counts, missing })
}

/// Means of `values` per group (missing values ignored): the page's "team
/// average" (e.g. the radar of a person against the mean dimension scores of
/// their manager's team). Groups are codes `0..k`, one per value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMeans {
    /// One per code `0..=max`; NaN for a group with no present value.
    pub means: Vec<f64>,
    /// Present values per group.
    pub counts: Vec<u32>,
}

/// Mean of `values[i]` over the `i` with the same `groups[i]`.
///
/// # Errors
/// `ParamError` when the two lists differ in length, or a code is not below
/// the number of values (so the output never outgrows the input).
pub fn group_means(values: &[f64], groups: &[u32]) -> Result<GroupMeans> {
    if values.len() != groups.len() {
        return Err(Error::param(
            format!("{} values but {} group codes", values.len(), groups.len()),
            format!("有 {} 个值，但有 {} 个分组编码", values.len(), groups.len()),
        ));
    }
    let k = groups.iter().copied().max().map_or(0, |m| m as usize + 1);
    if k > values.len() {
        return Err(Error::param(
            format!("group code {} is not below the number of values, {}", k - 1, values.len()),
            format!("分组编码 {} 不小于值的个数 {}", k - 1, values.len()),
        ));
    }
    let mut sums = vec![0.0; k];
    let mut counts = vec![0u32; k];
    for (&x, &g) in values.iter().zip(groups) {
        if x.is_finite() {
            if let (Some(s), Some(c)) = (sums.get_mut(g as usize), counts.get_mut(g as usize)) {
                *s += x;
                *c += 1;
            }
        }
    }
    let means = sums.iter().zip(&counts).map(|(&s, &c)| if c > 0 { s / f64::from(c) } else { f64::NAN }).collect();
    Ok(GroupMeans { means, counts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::{Column, Source};

    fn ds() -> Dataset {
        Dataset::new(
            vec![Column::number("x", vec![1.0, 2.0, 3.0, 4.0, f64::NAN]), Column::number("c", vec![5.0; 5])],
            Source::default(),
        )
        .unwrap()
    }

    #[test]
    fn stats_by_hand() {
        let s = stats(&ds(), "x").unwrap();
        assert_eq!((s.count, s.missing), (4, 1));
        assert_eq!((s.min, s.max, s.mean), (1.0, 4.0, 2.5));
        assert!((s.std - 1.25f64.sqrt()).abs() < 1e-15);
        assert_eq!((s.p25, s.median, s.p75), (1.75, 2.5, 3.25));
    }

    #[test]
    fn histogram_bins_and_constant_column() {
        let h = histogram(&ds(), "x", 3).unwrap();
        assert_eq!(h.counts, vec![1, 1, 2]);
        assert_eq!(h.edges.len(), 4);
        assert_eq!(h.missing, 1);
        let h = histogram(&ds(), "c", 10).unwrap();
        assert_eq!(h.counts, vec![5]);
        assert!(histogram(&ds(), "x", 0).is_err());
        assert!(histogram(&ds(), "nope", 5).is_err());
    }

    #[test]
    fn group_means_by_hand() {
        let g = group_means(&[1.0, 2.0, f64::NAN, 6.0, 3.0], &[1, 0, 0, 1, 2]).unwrap();
        assert_eq!(g.means, vec![2.0, 3.5, 3.0]);
        assert_eq!(g.counts, vec![1, 2, 1]);
        let g = group_means(&[f64::NAN, 1.0], &[0, 1]).unwrap();
        assert!(g.means[0].is_nan());
        assert_eq!(g.counts, vec![0, 1]);
        assert!(group_means(&[], &[]).unwrap().means.is_empty());
        assert!(group_means(&[1.0], &[0, 1]).is_err());
        assert!(group_means(&[1.0, 2.0], &[0, 2]).is_err(), "a code past the input is refused");
    }
}
