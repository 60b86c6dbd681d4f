//! The panel: one metric aggregated into group × month cells in one pass.
//!
//! Rows are bucketed by their interned group code and month offset (no
//! hashing per row); mean and sum keep a running sum and count per cell,
//! median scatters the values into one buffer ordered by cell and selects.
//! Org roll-ups bucket rows by their own node, then add each node's cells
//! into its parent's in reverse pre-order, so a node's cell covers its whole
//! subtree.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::engine::budget;
use crate::engine::dataset::Dataset;
use crate::engine::dates;
use crate::engine::error::{Error, Result};
use crate::engine::org::{self, keys::keys, OrgOptions, OrgTree};

use super::months::{dataset_months, period_column, NO_MONTH};
use super::series::median_in_place;

/// No group.
pub const NO_GROUP: u32 = u32::MAX;

/// Entries a median roll-up over an org tree may scatter (rows × depth).
pub const MAX_MEDIAN_ENTRIES: usize = 200_000_000;

/// Most (group, month) cells one trend may hold: about 0.8 GB of sums and
/// counts, enough for 2.1M employees × 30 months, well under wasm's 4 GiB.
pub const MAX_CELLS: usize = 64_000_000;

/// How the rows of a cell become its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Agg {
    #[default]
    Mean,
    Sum,
    Median,
}

impl Agg {
    pub fn as_str(self) -> &'static str {
        match self {
            Agg::Mean => "mean",
            Agg::Sum => "sum",
            Agg::Median => "median",
        }
    }
}

/// What a series is: the whole dataset, each value of a column, or org nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    /// One series, key `"all"`.
    All,
    /// One series per distinct value of the column, in order of first appearance.
    Column(String),
    /// One series per org node, each over its whole subtree, in tree pre-order.
    Org,
    /// The node itself and each of its direct children, each over its subtree.
    OrgNode(String),
}

impl By {
    /// `None` → all; `"org"` → every node; `"org:<id>"` → a node and its children; else a column.
    /// A column really named `org` is still reachable as `"column:org"`.
    pub fn parse(by: Option<&str>) -> By {
        match by {
            None | Some("") => By::All,
            Some("org") => By::Org,
            Some(s) => match (s.strip_prefix("org:"), s.strip_prefix("column:")) {
                (Some(id), _) => By::OrgNode(id.to_owned()),
                (_, Some(c)) => By::Column(c.to_owned()),
                _ => By::Column(s.to_owned()),
            },
        }
    }

    pub fn is_org(&self) -> bool {
        matches!(self, By::Org | By::OrgNode(_))
    }
}

/// How rows map to groups; kept so alerts can go back to the rows of a cell.
#[derive(Debug, Clone)]
pub struct Grouping<'a> {
    pub keys: Vec<String>,
    pub labels: Vec<String>,
    /// Group (or, for org, node position) of each row; [`NO_GROUP`] = none.
    pub row_group: Cow<'a, [u32]>,
    /// Org: the tree (rows map to nodes; groups are subtrees).
    pub tree: Option<OrgTree>,
    /// Org: the node position behind each reported group.
    pub nodes: Vec<u32>,
}

impl Grouping<'_> {
    /// Whether a row falls in reported group `g`.
    pub fn row_in(&self, row: usize, g: usize) -> bool {
        let Some(&own) = self.row_group.get(row) else { return false };
        match &self.tree {
            None => own as usize == g,
            Some(t) => {
                let Some(&target) = self.nodes.get(g) else { return false };
                let mut cur = own;
                while cur != NO_GROUP {
                    if cur == target {
                        return true;
                    }
                    cur = t.parent_index.get(cur as usize).copied().unwrap_or(NO_GROUP);
                }
                false
            }
        }
    }
}

/// Build the grouping for `by`.
///
/// # Errors
/// `ParamError` for an unknown column or org node, or no org structure.
pub fn grouping<'a>(ds: &'a Dataset, by: &By, org_opts: &OrgOptions) -> Result<Grouping<'a>> {
    Ok(match by {
        By::All => Grouping {
            keys: vec!["all".into()],
            labels: vec!["all".into()],
            row_group: Cow::Owned(vec![0; ds.row_count()]),
            tree: None,
            nodes: Vec::new(),
        },
        By::Column(name) => {
            let k = keys(ds.require(name)?);
            let dict = k.dict.into_owned();
            Grouping { labels: dict.clone(), keys: dict, row_group: k.codes, tree: None, nodes: Vec::new() }
        }
        By::Org | By::OrgNode(_) => {
            let (tree, row_node) = org::build(ds, org_opts)?;
            let nodes: Vec<u32> = match by {
                By::OrgNode(id) => {
                    let pos = tree.position(id).ok_or_else(|| {
                        Error::param(format!("no org node \"{id}\""), format!("组织树中没有节点“{id}”"))
                    })?;
                    std::iter::once(pos).chain(tree.children(pos)).map(|p| p as u32).collect()
                }
                _ => (0..tree.nodes.len() as u32).collect(),
            };
            let keys = nodes.iter().filter_map(|&p| tree.nodes.get(p as usize)).map(|n| n.id.clone()).collect();
            let labels = nodes.iter().filter_map(|&p| tree.nodes.get(p as usize)).map(|n| n.name.clone()).collect();
            Grouping { keys, labels, row_group: Cow::Owned(row_node), tree: Some(tree), nodes }
        }
    })
}

/// [`build_panel`] over [`grouping`] of `by`, built once per dataset and
/// shared by later trends, alerts and explanations of the same metric,
/// grouping, aggregate and period column until the dataset changes.
///
/// # Errors
/// As [`grouping`] and [`build_panel`].
pub fn dataset_panel(
    ds: &Dataset,
    metric: &str,
    by: &By,
    org_opts: &OrgOptions,
    agg: Agg,
    period: Option<&str>,
) -> Result<Arc<Panel>> {
    let key = format!("{metric}\u{0}{by:?}\u{0}{agg:?}\u{0}{period:?}\u{0}{org_opts:?}");
    ds.memo(
        "panel",
        &key,
        || build_panel(ds, metric, &grouping(ds, by, org_opts)?, agg, period),
        |p| {
            let labels: usize = p.keys.iter().chain(&p.labels).map(|s| s.len() + 24).sum();
            (p.values.len() as u64) * 12 + labels as u64
        },
    )
}

/// Group × month cells of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub keys: Vec<String>,
    pub labels: Vec<String>,
    /// Month index of the first period.
    pub first: i32,
    /// Number of periods (calendar months, first to last present in the dataset).
    pub len: usize,
    /// `keys.len() × len`, row-major by group; NaN = no value.
    pub values: Vec<f64>,
    /// Rows with a present metric value per cell.
    pub count: Vec<u32>,
}

impl Panel {
    pub fn series(&self, g: usize) -> &[f64] {
        self.values.get(g * self.len..(g + 1) * self.len).unwrap_or(&[])
    }
    pub fn counts(&self, g: usize) -> &[u32] {
        self.count.get(g * self.len..(g + 1) * self.len).unwrap_or(&[])
    }
    pub fn periods(&self) -> Vec<String> {
        (0..self.len).map(|k| dates::format_month(self.first + k as i32)).collect()
    }
}

/// Aggregate `metric` by `grouping` and month.
///
/// # Errors
/// `ParamError` for a missing or non-numeric metric or period column,
/// `LimitError` for a median roll-up too large to scatter.
pub fn build_panel(
    ds: &Dataset,
    metric: &str,
    grouping: &Grouping<'_>,
    agg: Agg,
    period: Option<&str>,
) -> Result<Panel> {
    let values = ds.numbers(metric)?;
    let months = dataset_months(ds, period_column(ds, period)?)?;
    let len = months.len;
    // Cells are per own group (or org node), rolled up afterwards for org.
    let cells_groups = match &grouping.tree {
        Some(t) => t.nodes.len(),
        None => grouping.keys.len(),
    };
    let n_cells = cells_groups.checked_mul(len).filter(|&n| n <= MAX_CELLS).ok_or_else(|| {
        Error::limit(
            format!(
                "a trend of {cells_groups} groups × {len} months needs more than {MAX_CELLS} cells; group by a coarser column or choose fewer months"
            ),
            format!("{cells_groups} 个分组 × {len} 个月超过 {MAX_CELLS} 个单元；请按更粗的列分组或减少月份"),
        )
    })?;
    // Sums (f64) and counts (u32) per cell, then the reported copy of both.
    budget::check(
        &format!("a trend of {cells_groups} groups × {len} months"),
        &format!("{cells_groups} 个分组 × {len} 个月的趋势"),
        budget::bytes(n_cells, 2 * (8 + 4)),
    )?;
    let (mut out_values, count) = match agg {
        Agg::Mean | Agg::Sum => {
            let accumulate = |scale: f64| {
                let mut sum = vec![0.0f64; n_cells];
                let mut cnt = vec![0u32; n_cells];
                // `scale` is a power of two, so `v * (1 / scale)` is `v / scale` exactly.
                let inv = 1.0 / scale;
                for ((&g, &m), &v) in grouping.row_group.iter().zip(&months.offset).zip(values.iter()) {
                    if g == NO_GROUP || m == NO_MONTH || v.is_nan() {
                        continue;
                    }
                    let c = g as usize * len + m as usize;
                    if let (Some(s), Some(n)) = (sum.get_mut(c), cnt.get_mut(c)) {
                        *s += v * inv;
                        *n += 1;
                    }
                }
                if let Some(t) = &grouping.tree {
                    roll_up(&t.parent_index, len, &mut sum, &mut cnt);
                }
                (sum, cnt)
            };
            let (mut sum, mut cnt) = accumulate(1.0);
            // Values near f64::MAX can overflow a cell's sum although its mean is
            // finite: then add the values divided by a power of two (exact) and
            // scale back. Costs nothing when no sum overflowed.
            let mut scale = 1.0;
            if sum.iter().any(|s| s.is_infinite()) {
                scale = libm::exp2(512.0);
                (sum, cnt) = accumulate(scale);
            }
            for (s, &n) in sum.iter_mut().zip(&cnt) {
                if n == 0 {
                    *s = f64::NAN;
                } else if agg == Agg::Mean {
                    *s = *s / f64::from(n) * scale;
                } else {
                    *s *= scale;
                }
                if s.is_infinite() {
                    // A sum beyond the largest float has no value to show.
                    *s = f64::NAN;
                }
            }
            (sum, cnt)
        }
        Agg::Median => median_cells(grouping, &months.offset, &values, len, n_cells)?,
    };
    // Keep only the reported groups (org), in their order.
    let (values, count) = match &grouping.tree {
        None => (out_values, count),
        Some(_) => {
            let mut v = Vec::with_capacity(grouping.nodes.len() * len);
            let mut c = Vec::with_capacity(grouping.nodes.len() * len);
            for &p in &grouping.nodes {
                let r = p as usize * len..(p as usize + 1) * len;
                v.extend_from_slice(out_values.get(r.clone()).unwrap_or(&[]));
                c.extend_from_slice(count.get(r).unwrap_or(&[]));
            }
            out_values.clear();
            (v, c)
        }
    };
    Ok(Panel { keys: grouping.keys.clone(), labels: grouping.labels.clone(), first: months.first, len, values, count })
}

/// Add each node's cells into its parent's, children first (pre-order reversed).
fn roll_up(parent: &[u32], len: usize, sum: &mut [f64], cnt: &mut [u32]) {
    for v in (0..parent.len()).rev() {
        let Some(&p) = parent.get(v) else { continue };
        if p == NO_GROUP {
            continue;
        }
        let (p, v) = (p as usize, v);
        for k in 0..len {
            let (src_s, src_c) =
                (sum.get(v * len + k).copied().unwrap_or(0.0), cnt.get(v * len + k).copied().unwrap_or(0));
            if let (Some(s), Some(c)) = (sum.get_mut(p * len + k), cnt.get_mut(p * len + k)) {
                *s += src_s;
                *c += src_c;
            }
        }
    }
}

/// Median per cell: count, prefix offsets, scatter values by cell, select.
/// For org groupings each value goes to its node and every ancestor.
fn median_cells(
    grouping: &Grouping<'_>,
    month: &[u32],
    values: &[f64],
    len: usize,
    n_cells: usize,
) -> Result<(Vec<f64>, Vec<u32>)> {
    let parent = grouping.tree.as_ref().map(|t| t.parent_index.as_slice());
    let cells_of = |g: u32, m: u32, f: &mut dyn FnMut(usize)| {
        let mut cur = g;
        while cur != NO_GROUP {
            f(cur as usize * len + m as usize);
            cur = match parent {
                Some(p) => p.get(cur as usize).copied().unwrap_or(NO_GROUP),
                None => NO_GROUP,
            };
        }
    };
    let mut cnt = vec![0u32; n_cells];
    let mut total = 0usize;
    for ((&g, &m), &v) in grouping.row_group.iter().zip(month).zip(values) {
        if g == NO_GROUP || m == NO_MONTH || v.is_nan() {
            continue;
        }
        cells_of(g, m, &mut |c| {
            if let Some(n) = cnt.get_mut(c) {
                *n += 1;
                total += 1;
            }
        });
        if total > MAX_MEDIAN_ENTRIES {
            return Err(Error::limit(
                "a median over this org tree needs too much memory; use mean or sum",
                "按此组织树计算中位数所需内存过大；请改用均值或求和",
            ));
        }
    }
    let mut start = Vec::with_capacity(n_cells + 1);
    let mut acc = 0usize;
    for &n in &cnt {
        start.push(acc);
        acc += n as usize;
    }
    start.push(acc);
    let mut fill = start.clone();
    let mut buf = vec![0.0f64; acc];
    for ((&g, &m), &v) in grouping.row_group.iter().zip(month).zip(values) {
        if g == NO_GROUP || m == NO_MONTH || v.is_nan() {
            continue;
        }
        cells_of(g, m, &mut |c| {
            if let Some(f) = fill.get_mut(c) {
                if let Some(slot) = buf.get_mut(*f) {
                    *slot = v;
                }
                *f += 1;
            }
        });
    }
    let out = (0..n_cells)
        .map(|c| {
            let (a, b) = (start.get(c).copied().unwrap_or(0), start.get(c + 1).copied().unwrap_or(0));
            buf.get_mut(a..b).map_or(f64::NAN, median_in_place)
        })
        .collect();
    Ok((out, cnt))
}
