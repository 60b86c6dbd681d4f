//! Row groups for tier cross-tabs, strategies and survey results: segment
//! labels (with names), or the levels of a category column (such as labels
//! attached with `addLabels`).

use crate::engine::dataset::{ColumnData, Dataset, MISSING_CODE};
use crate::engine::error::{Error, Result};

use super::UNASSIGNED;

/// A group per row (`UNASSIGNED` = none) and the groups' names.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    pub labels: Vec<u32>,
    pub names: Vec<String>,
}

impl Groups {
    /// From segment labels; group `c` is named `names[c]`, else `S{c+1}`.
    ///
    /// # Errors
    /// `ParamError` when the labels do not have one entry per row.
    pub fn from_labels(ds: &Dataset, labels: &[u32], names: &[String]) -> Result<Groups> {
        if labels.len() != ds.row_count() {
            return Err(Error::param(
                format!("{} labels for {} rows", labels.len(), ds.row_count()),
                format!("标签数 {} 与行数 {} 不符", labels.len(), ds.row_count()),
            ));
        }
        let k =
            labels.iter().filter(|&&l| l != UNASSIGNED).map(|&l| l as usize + 1).max().unwrap_or(0).max(names.len());
        if k > 10_000 {
            return Err(Error::limit("at most 10000 groups", "最多 10000 个群体"));
        }
        let names = (0..k).map(|c| names.get(c).cloned().unwrap_or_else(|| format!("S{}", c + 1))).collect();
        Ok(Groups { labels: labels.to_vec(), names })
    }

    /// From a category (or text) column: one group per level, in order of
    /// first appearance; rows with no value are in no group.
    ///
    /// # Errors
    /// `ParamError` for an unknown or number column.
    pub fn from_column(ds: &Dataset, column: &str) -> Result<Groups> {
        let col = ds.require(column)?;
        let ColumnData::Strings { values, .. } = &col.data else {
            return Err(Error::param(
                format!("column \"{column}\" is not a category column: groups come from categories (or addLabels)"),
                format!("列“{column}”不是类别列：分组需使用类别列（或 addLabels 添加的标签列）"),
            )
            .at_column(column));
        };
        let mut map = vec![UNASSIGNED; values.dict.len()];
        let mut names = Vec::new();
        let mut labels = Vec::with_capacity(values.codes.len());
        for &c in &values.codes {
            if c == MISSING_CODE {
                labels.push(UNASSIGNED);
                continue;
            }
            let Some(slot) = map.get_mut(c as usize) else {
                labels.push(UNASSIGNED);
                continue;
            };
            if *slot == UNASSIGNED {
                *slot = names.len() as u32;
                names.push(values.dict.get(c as usize).cloned().unwrap_or_default());
            }
            labels.push(*slot);
        }
        if names.len() > 10_000 {
            return Err(Error::limit(
                format!("column \"{column}\" has {} levels: at most 10000 groups", names.len()),
                format!("列“{column}”有 {} 个取值：最多 10000 个群体", names.len()),
            ));
        }
        Ok(Groups { labels, names })
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
