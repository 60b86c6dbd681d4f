//! The organisation tree (`ds.orgTree()`), built from whatever the file has:
//!
//! - **people**: an employee-id column and a manager-id column (roles
//!   `employeeId`/`managerId`, or named in [`OrgOptions`]); each node is a person;
//! - **path**: one department-path column such as `总部/华东区/客服一部`
//!   (separators `/ > \ ｜ |` and their full-width forms); each node is a unit,
//!   its id the path up to it joined with `/`;
//! - **units**: a department column and a parent-department column; each node
//!   is a unit.
//!
//! Panel data (one row per person per month) is expected: each node's parent
//! and name come from its **latest row** (by the period column; ties and files
//! without periods take the last row), and every change of parent over time is
//! listed in [`OrgTree::changes`].
//!
//! Bad structure is reported, never fatal: a self-manager (`self`), a cycle
//! (`cycle`, cut at its first member in input order), a parent that is not in
//! the file (`orphan`: a `placeholder` node stands in for it, named from a
//! manager-name column when there is one, so the real structure is kept), and
//! conflicting parents for the same node in the same period (`duplicate`: the
//! last row wins). All algorithms are iterative; a two-million-deep chain is fine.
//!
//! ```
//! use hrlens::engine::org::{org_tree, OrgOptions};
//! use hrlens::engine::sample::{sample, SampleOptions};
//! let ds = sample(&SampleOptions { employees: 200, months: 2, seed: 1 }).unwrap();
//! let tree = org_tree(&ds, &OrgOptions::default()).unwrap();
//! assert_eq!(tree.roots(), 1);
//! assert_eq!(tree.nodes[0].headcount, 200);
//! ```
#![deny(clippy::indexing_slicing)]

pub mod keys;
pub mod layout;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::engine::dataset::{Column, Dataset, Role, MISSING_CODE};
use crate::engine::dates;
use crate::engine::error::{Error, Msg, Result};
use crate::engine::roles::normalize_header;
use crate::engine::trend::months::{dataset_months, RowMonths, NO_MONTH};
use keys::{keys, Keys};
use layout::{Loop, NONE};

/// Separators of a department path.
pub const PATH_SEPARATORS: &[char] = &['/', '>', '\\', '｜', '|', '／', '＞', '＼'];

/// Headers of a manager-name column, used to name placeholder managers.
const MANAGER_NAME_HEADERS: &[&str] =
    &["上级姓名", "直属上级", "直属上级姓名", "经理姓名", "主管姓名", "managername", "supervisorname", "reportstoname"];

/// Options of `ds.orgTree(opts?)`. Everything is optional: by default the
/// `employeeId`/`managerId` roles are used, else a `department` column whose
/// values are paths.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct OrgOptions {
    /// Employee-id column (people). Default: role `employeeId`.
    pub id: Option<String>,
    /// Manager-id column (people). Default: role `managerId`.
    pub manager: Option<String>,
    /// Display-name column. Default: role `name` (people) or none.
    pub name: Option<String>,
    /// Manager-name column naming placeholder managers. Default: a header such as 上级姓名 / ManagerName.
    pub manager_name: Option<String>,
    /// Department-path column (path mode).
    pub path: Option<String>,
    /// Department column (units mode). Default: role `department`.
    pub department: Option<String>,
    /// Parent-department column (units mode; giving it selects that mode).
    pub parent: Option<String>,
    /// Period column. Default: role `period`; none means every row counts as current.
    pub period: Option<String>,
    /// Stand-in nodes for parents that are not in the file (default true).
    /// Without them, the orphaned nodes become roots.
    pub placeholders: Option<bool>,
}

/// How the tree was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    People,
    Path,
    Units,
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgNode {
    pub id: String,
    pub parent: Option<String>,
    pub name: String,
    /// Roots are 0.
    pub depth: u32,
    /// Nodes in the subtree, itself included.
    pub headcount: u32,
    /// Direct children.
    pub span: u32,
    /// Rows of the latest period that belong to the subtree (people there today).
    pub members: u64,
    /// A stand-in for a parent the file names but does not contain.
    pub placeholder: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    Cycle,
    Orphan,
    #[serde(rename = "self")]
    SelfLoop,
    Duplicate,
}

/// Something wrong with the structure, and what was done about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgProblem {
    pub kind: ProblemKind,
    /// Cycle: its members in parent order, the cut one first. Orphan: the nodes
    /// whose parent is missing. Self, duplicate: the node.
    pub ids: Vec<String>,
    /// Orphan: the parent id that is not in the file.
    pub missing: Option<String>,
    pub message: Msg,
}

/// A node whose parent changed between two periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentChange {
    pub id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The first period (`YYYY-MM`) with the new parent.
    pub period: String,
}

/// The tree: nodes in depth-first pre-order (roots in input order, children in
/// input order), so a parent always comes before its children.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgTree {
    pub kind: OrgKind,
    pub nodes: Vec<OrgNode>,
    pub problems: Vec<OrgProblem>,
    pub changes: Vec<ParentChange>,
    pub max_depth: u32,
    /// Parent position in `nodes` of each node (`u32::MAX` for roots).
    #[serde(skip)]
    pub parent_index: Vec<u32>,
    #[serde(skip)]
    index: HashMap<String, u32>,
}

impl OrgTree {
    /// Position in `nodes` of a node id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).map(|&i| i as usize)
    }

    pub fn node(&self, id: &str) -> Option<&OrgNode> {
        self.nodes.get(self.position(id)?)
    }

    /// Positions of the direct children of the node at `pos`.
    pub fn children(&self, pos: usize) -> Vec<usize> {
        self.parent_index.iter().enumerate().filter(|(_, &p)| p as usize == pos).map(|(i, _)| i).collect()
    }

    pub fn roots(&self) -> usize {
        self.parent_index.iter().filter(|&&p| p == NONE).count()
    }
}

/// Build the organisation tree.
///
/// # Errors
/// `ParamError` when no usable columns are found or named columns do not exist.
pub fn org_tree(ds: &Dataset, opts: &OrgOptions) -> Result<OrgTree> {
    build(ds, opts).map(|(t, _)| t)
}

/// The tree and, for each row, the position in `nodes` of the node it
/// belongs to (`u32::MAX` when none): what org roll-ups of trends use.
///
/// # Errors
/// As [`org_tree`].
pub fn build(ds: &Dataset, opts: &OrgOptions) -> Result<(OrgTree, Vec<u32>)> {
    let period = match &opts.period {
        Some(p) => Some(dataset_months(ds, ds.require(p)?)?),
        None => match ds.by_role(Role::Period) {
            Some(c) => dataset_months(ds, c).ok(),
            None => None,
        },
    };
    let placeholders = opts.placeholders.unwrap_or(true);
    let raw = if let Some(p) = &opts.path {
        from_path(ds.require(p)?)
    } else if let Some(parent) = &opts.parent {
        let dept = column_or_role(ds, opts.department.as_deref(), Role::Department, "department")?;
        from_edges(EdgeInput {
            child: keys(dept),
            parent: keys(ds.require(parent)?),
            name: None,
            parent_name: None,
            months: period.as_deref(),
            placeholders,
            people: false,
        })
    } else {
        let have_people = opts.id.is_some()
            || opts.manager.is_some()
            || (ds.by_role(Role::EmployeeId).is_some() && ds.by_role(Role::ManagerId).is_some());
        if have_people {
            let id = column_or_role(ds, opts.id.as_deref(), Role::EmployeeId, "employeeId")?;
            let manager = column_or_role(ds, opts.manager.as_deref(), Role::ManagerId, "managerId")?;
            let name = match &opts.name {
                Some(n) => Some(ds.require(n)?),
                None => ds.by_role(Role::Name),
            };
            let manager_name = match &opts.manager_name {
                Some(n) => Some(ds.require(n)?),
                None => {
                    ds.columns().iter().find(|c| MANAGER_NAME_HEADERS.contains(&normalize_header(&c.name).as_str()))
                }
            };
            from_edges(EdgeInput {
                child: keys(id),
                parent: keys(manager),
                name: name.map(keys),
                parent_name: manager_name.map(keys),
                months: period.as_deref(),
                placeholders,
                people: true,
            })
        } else {
            let dept = match (&opts.department, ds.by_role(Role::Department)) {
                (Some(d), _) => Some(ds.require(d)?),
                (None, d) => d,
            };
            match dept {
                Some(d) if looks_like_paths(d) => from_path(d),
                _ => return Err(Error::param(
                    "no org structure found: need employee-id and manager-id columns (roles employeeId, managerId), \
                         a department-path column (path), or department and parent-department columns (parent)",
                    "未找到组织结构：需要工号和上级工号列（角色 employeeId、managerId）、部门路径列（path），\
                         或部门与上级部门列（parent）",
                )),
            }
        }
    };
    Ok(finish(raw, period.as_deref()))
}

fn column_or_role<'a>(ds: &'a Dataset, name: Option<&str>, role: Role, what: &str) -> Result<&'a Column> {
    match name {
        Some(n) => ds.require(n),
        None => ds.by_role(role).ok_or_else(|| {
            Error::param(
                format!("no {what} column: set the role \"{what}\" or name the column in the options"),
                format!("没有 {what} 列：请设置角色“{what}”或在选项中指定列名"),
            )
        }),
    }
}

fn looks_like_paths(col: &Column) -> bool {
    let k = keys(col);
    let with = k.dict.iter().filter(|s| s.contains(PATH_SEPARATORS)).count();
    with > 0 && with * 2 >= k.dict.len()
}

/// Nodes before layout, in first-appearance order.
struct Raw {
    kind: OrgKind,
    ids: Vec<String>,
    names: Vec<String>,
    parent: Vec<u32>,
    placeholder: Vec<bool>,
    problems: Vec<OrgProblem>,
    changes: Vec<ParentChange>,
    row_node: Vec<u32>,
}

fn split_path(s: &str) -> Vec<&str> {
    s.split(PATH_SEPARATORS).map(str::trim).filter(|p| !p.is_empty()).collect()
}

fn from_path(col: &Column) -> Raw {
    let k = keys(col);
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut raw = Raw {
        kind: OrgKind::Path,
        ids: Vec::new(),
        names: Vec::new(),
        parent: Vec::new(),
        placeholder: Vec::new(),
        problems: Vec::new(),
        changes: Vec::new(),
        row_node: Vec::new(),
    };
    // Nodes in order of first appearance in the rows; one parse per distinct path.
    let mut dict_node = vec![NONE; k.dict.len()];
    let mut seen = vec![false; k.dict.len()];
    for &c in k.codes.iter() {
        let Some(s) = k.dict.get(c as usize) else { continue };
        if seen.get(c as usize).copied().unwrap_or(true) {
            continue;
        }
        if let Some(x) = seen.get_mut(c as usize) {
            *x = true;
        }
        let mut prefix = String::new();
        let mut parent = NONE;
        for seg in split_path(s) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(seg);
            parent = match index.get(&prefix) {
                Some(&i) => i,
                None => {
                    let i = raw.ids.len() as u32;
                    raw.ids.push(prefix.clone());
                    raw.names.push(seg.to_owned());
                    raw.parent.push(parent);
                    raw.placeholder.push(false);
                    index.insert(prefix.clone(), i);
                    i
                }
            };
        }
        if let Some(d) = dict_node.get_mut(c as usize) {
            *d = parent;
        }
    }
    raw.row_node = k.codes.iter().map(|&c| dict_node.get(c as usize).copied().unwrap_or(NONE)).collect();
    raw
}

struct EdgeInput<'a, 'b> {
    child: Keys<'a>,
    parent: Keys<'a>,
    name: Option<Keys<'a>>,
    parent_name: Option<Keys<'a>>,
    months: Option<&'b RowMonths>,
    placeholders: bool,
    people: bool,
}

fn from_edges(inp: EdgeInput<'_, '_>) -> Raw {
    let rows = inp.child.codes.len();
    let month = |r: usize| inp.months.and_then(|m| m.offset.get(r).copied()).unwrap_or(NO_MONTH);
    // Node per distinct child value, in first-appearance order.
    let mut code_node = vec![NONE; inp.child.dict.len()];
    let mut node_code: Vec<u32> = Vec::new();
    for &c in inp.child.codes.iter() {
        if let Some(slot) = code_node.get_mut(c as usize) {
            if *slot == NONE {
                *slot = node_code.len() as u32;
                node_code.push(c);
            }
        }
    }
    let n = node_code.len();
    let row_node: Vec<u32> =
        inp.child.codes.iter().map(|&c| code_node.get(c as usize).copied().unwrap_or(NONE)).collect();

    // The latest row of each node (month, then row order); conflicting parents in that month.
    let mut best = vec![usize::MAX; n];
    let mut conflict = vec![false; n];
    for r in 0..rows {
        let Some(&v) = row_node.get(r) else { continue };
        let Some(b) = best.get_mut(v as usize) else { continue };
        let m = month(r);
        if *b == usize::MAX {
            *b = r;
            continue;
        }
        let bm = month(*b);
        let later = m != NO_MONTH && (bm == NO_MONTH || m > bm);
        if later {
            *b = r;
            if let Some(c) = conflict.get_mut(v as usize) {
                *c = false;
            }
        } else if m == bm {
            if inp.parent.codes.get(r) != inp.parent.codes.get(*b) {
                if let Some(c) = conflict.get_mut(v as usize) {
                    *c = true;
                }
            }
            *b = r;
        }
    }

    let ids: Vec<String> =
        node_code.iter().map(|&c| inp.child.dict.get(c as usize).cloned().unwrap_or_default()).collect();
    let mut names: Vec<String> = (0..n)
        .map(|v| {
            let r = best.get(v).copied().unwrap_or(usize::MAX);
            inp.name
                .as_ref()
                .and_then(|k| k.get(r))
                .map(str::to_owned)
                .unwrap_or_else(|| ids.get(v).cloned().unwrap_or_default())
        })
        .collect();
    let mut raw_index: HashMap<&str, u32> = HashMap::with_capacity(n);
    for (i, id) in ids.iter().enumerate() {
        raw_index.insert(id.as_str(), i as u32);
    }
    // Parent dictionary → node (or placeholder).
    let mut parent_node = vec![NONE; inp.parent.dict.len()];
    let mut extra_ids: Vec<String> = Vec::new();
    let mut extra_names: Vec<String> = Vec::new();
    let mut orphans: Vec<(String, Vec<String>)> = Vec::new();
    let mut orphan_of: HashMap<u32, usize> = HashMap::new();
    let mut parent = vec![NONE; n];
    let mut problems = Vec::new();
    for v in 0..n {
        let r = best.get(v).copied().unwrap_or(usize::MAX);
        let pc = inp.parent.codes.get(r).copied().unwrap_or(MISSING_CODE);
        let Some(ps) = inp.parent.dict.get(pc as usize) else { continue };
        let p = match raw_index.get(ps.as_str()) {
            Some(&p) => p,
            None => {
                let slot = orphan_of.entry(pc).or_insert_with(|| {
                    orphans.push((ps.clone(), Vec::new()));
                    orphans.len() - 1
                });
                if let Some(o) = orphans.get_mut(*slot) {
                    o.1.push(ids.get(v).cloned().unwrap_or_default());
                }
                if !inp.placeholders {
                    continue;
                }
                let known = parent_node.get(pc as usize).copied().unwrap_or(NONE);
                if known != NONE {
                    known
                } else {
                    let i = (n + extra_ids.len()) as u32;
                    extra_ids.push(ps.clone());
                    extra_names.push(
                        inp.parent_name.as_ref().and_then(|k| k.get(r)).map_or_else(|| ps.clone(), str::to_owned),
                    );
                    if let Some(x) = parent_node.get_mut(pc as usize) {
                        *x = i;
                    }
                    i
                }
            }
        };
        if let Some(x) = parent.get_mut(v) {
            *x = p;
        }
        if conflict.get(v).copied().unwrap_or(false) {
            let id = ids.get(v).cloned().unwrap_or_default();
            problems.push(OrgProblem {
                kind: ProblemKind::Duplicate,
                message: Msg::new(
                    format!("\"{id}\" has rows with different parents in the same period; the last row is used"),
                    format!("“{id}”在同一期间有多行且上级不同；已采用最后一行"),
                ),
                ids: vec![id],
                missing: None,
            });
        }
    }
    for (missing, who) in orphans {
        let (en_what, zh_what) = if inp.people { ("manager", "上级") } else { ("parent unit", "上级部门") };
        problems.push(OrgProblem {
            kind: ProblemKind::Orphan,
            message: Msg::new(
                format!(
                    "{en_what} \"{missing}\" is not in the file; {} node(s) report to it{}",
                    who.len(),
                    if inp.placeholders { " (shown as a placeholder)" } else { " (shown as roots)" }
                ),
                format!(
                    "{zh_what}“{missing}”不在文件中；有 {} 个节点隶属于它{}",
                    who.len(),
                    if inp.placeholders { "（以占位节点显示）" } else { "（作为根节点显示）" }
                ),
            ),
            ids: who,
            missing: Some(missing),
        });
    }

    let changes = parent_changes(&inp, &row_node, &ids);
    let mut placeholder = vec![false; n];
    placeholder.extend(std::iter::repeat_n(true, extra_ids.len()));
    parent.extend(std::iter::repeat_n(NONE, extra_ids.len()));
    let mut ids = ids;
    ids.extend(extra_ids);
    names.extend(extra_names);
    Raw {
        kind: if inp.people { OrgKind::People } else { OrgKind::Units },
        ids,
        names,
        parent,
        placeholder,
        problems,
        changes,
        row_node,
    }
}

/// Every change of parent between consecutive periods of a node.
fn parent_changes(inp: &EdgeInput<'_, '_>, row_node: &[u32], ids: &[String]) -> Vec<ParentChange> {
    let Some(months) = inp.months else { return Vec::new() };
    let mut rows: Vec<(u32, u32, u32)> = row_node
        .iter()
        .enumerate()
        .filter_map(|(r, &v)| {
            let m = months.offset.get(r).copied().unwrap_or(NO_MONTH);
            (v != NONE && m != NO_MONTH).then_some((v, m, r as u32))
        })
        .collect();
    rows.sort_unstable();
    let mut out = Vec::new();
    let pname = |r: u32| inp.parent.get(r as usize).map(str::to_owned);
    // The last row of each (node, month) is that month's parent.
    let mut prev: Option<(u32, u32, u32)> = None;
    for (k, &(v, m, r)) in rows.iter().enumerate() {
        if rows.get(k + 1).is_some_and(|&(v2, m2, _)| v2 == v && m2 == m) {
            continue;
        }
        if let Some((pv, _, pr)) = prev {
            if pv == v && inp.parent.codes.get(pr as usize) != inp.parent.codes.get(r as usize) {
                out.push(ParentChange {
                    id: ids.get(v as usize).cloned().unwrap_or_default(),
                    from: pname(pr),
                    to: pname(r),
                    period: dates::format_month(months.first + m as i32),
                });
            }
        }
        prev = Some((v, m, r));
    }
    out
}

fn finish(raw: Raw, months: Option<&RowMonths>) -> (OrgTree, Vec<u32>) {
    let l = layout::layout(&raw.parent);
    let n = raw.ids.len();
    // Position of each raw node in pre-order.
    let mut pos = vec![NONE; n];
    for (k, &v) in l.order.iter().enumerate() {
        if let Some(p) = pos.get_mut(v as usize) {
            *p = k as u32;
        }
    }
    let id_of = |v: u32| raw.ids.get(v as usize).cloned().unwrap_or_default();
    let mut problems = Vec::new();
    for lp in &l.loops {
        match lp {
            Loop::SelfLoop(v) => {
                let id = id_of(*v);
                problems.push(OrgProblem {
                    kind: ProblemKind::SelfLoop,
                    message: Msg::new(
                        format!("\"{id}\" is its own parent; shown as a root"),
                        format!("“{id}”的上级是其本人；已作为根节点显示"),
                    ),
                    ids: vec![id],
                    missing: None,
                });
            }
            Loop::Cycle(c) => {
                let ids: Vec<String> = c.iter().map(|&v| id_of(v)).collect();
                let head = ids.first().cloned().unwrap_or_default();
                // Long cycles are named by their first links only; `ids` has them all.
                let shown = ids.get(..ids.len().min(8)).unwrap_or(&[]).join(" → ");
                let (more_en, more_zh) = if ids.len() > 8 {
                    (format!(" → … ({} in all)", ids.len()), format!(" → …（共 {} 个）", ids.len()))
                } else {
                    (String::new(), String::new())
                };
                problems.push(OrgProblem {
                    kind: ProblemKind::Cycle,
                    message: Msg::new(
                        format!("reporting cycle {shown}{more_en} → {head}; cut above \"{head}\""),
                        format!("汇报关系成环：{shown}{more_zh} → {head}；已在“{head}”处断开"),
                    ),
                    ids,
                    missing: None,
                });
            }
        }
    }
    problems.extend(raw.problems);

    // Members: rows of the latest period (all rows without periods), rolled up.
    let latest = months.and_then(|m| m.len.checked_sub(1)).map(|x| x as u32);
    let mut members = vec![0u64; n];
    for (r, &v) in raw.row_node.iter().enumerate() {
        let in_latest = match (latest, months) {
            (Some(last), Some(m)) => m.offset.get(r) == Some(&last),
            _ => true,
        };
        if in_latest {
            if let Some(x) = members.get_mut(v as usize) {
                *x += 1;
            }
        }
    }
    for &v in l.order.iter().rev() {
        let p = l.parent.get(v as usize).copied().unwrap_or(NONE);
        let m = members.get(v as usize).copied().unwrap_or(0);
        if let Some(x) = members.get_mut(p as usize) {
            *x += m;
        }
    }

    let mut nodes = Vec::with_capacity(n);
    let mut parent_index = Vec::with_capacity(n);
    let mut index = HashMap::with_capacity(n);
    for &v in &l.order {
        let i = v as usize;
        let p = l.parent.get(i).copied().unwrap_or(NONE);
        index.insert(id_of(v), nodes.len() as u32);
        parent_index.push(if p == NONE { NONE } else { pos.get(p as usize).copied().unwrap_or(NONE) });
        nodes.push(OrgNode {
            id: id_of(v),
            parent: (p != NONE).then(|| id_of(p)),
            name: raw.names.get(i).cloned().unwrap_or_default(),
            depth: l.depth.get(i).copied().unwrap_or(0),
            headcount: l.headcount.get(i).copied().unwrap_or(1),
            span: l.span.get(i).copied().unwrap_or(0),
            members: members.get(i).copied().unwrap_or(0),
            placeholder: raw.placeholder.get(i).copied().unwrap_or(false),
        });
    }
    let row_node = raw.row_node.iter().map(|&v| pos.get(v as usize).copied().unwrap_or(NONE)).collect();
    let max_depth = l.depth.iter().copied().max().unwrap_or(0);
    let tree = OrgTree { kind: raw.kind, nodes, problems, changes: raw.changes, max_depth, parent_index, index };
    (tree, row_node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::{ColumnKind, DateUnit, Interned, Source};

    fn strs(name: &str, v: &[&str]) -> Column {
        Column::strings(
            name,
            Interned::from_strings(v.iter().map(|s| if s.is_empty() { None } else { Some(*s) })),
            ColumnKind::Text,
        )
    }

    fn people(ids: &[&str], mgrs: &[&str]) -> Dataset {
        Dataset::new(
            vec![strs("id", ids).with_role(Some(Role::EmployeeId)), strs("mgr", mgrs).with_role(Some(Role::ManagerId))],
            Source::default(),
        )
        .unwrap()
    }

    #[test]
    fn people_tree_with_self_cycle_and_orphan() {
        let ds = people(&["a", "b", "c", "d", "e", "f", "g"], &["", "a", "b", "d", "f", "e", "zz"]);
        let t = org_tree(&ds, &OrgOptions::default()).unwrap();
        let kinds: Vec<ProblemKind> = t.problems.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, vec![ProblemKind::SelfLoop, ProblemKind::Cycle, ProblemKind::Orphan]);
        assert_eq!(t.problems[1].ids, vec!["e", "f"]);
        assert_eq!(t.problems[2].ids, vec!["g"]);
        assert_eq!(t.problems[2].missing.as_deref(), Some("zz"));
        let zz = t.node("zz").unwrap();
        assert!(zz.placeholder);
        assert_eq!(zz.headcount, 2);
        assert_eq!(t.node("a").unwrap().headcount, 3);
        assert_eq!(t.node("c").unwrap().depth, 2);
        assert_eq!(t.node("d").unwrap().parent, None);
        assert_eq!(t.nodes.len(), 8);
        // Pre-order: a parent always precedes its children.
        for (i, &p) in t.parent_index.iter().enumerate() {
            assert!(p == NONE || (p as usize) < i);
        }
        let no_ph = org_tree(&ds, &OrgOptions { placeholders: Some(false), ..OrgOptions::default() }).unwrap();
        assert_eq!(no_ph.nodes.len(), 7);
        assert_eq!(no_ph.node("g").unwrap().parent, None);
    }

    #[test]
    fn panel_uses_latest_row_and_lists_changes() {
        let d = |m| dates::month_start(2024 * 12 + m);
        let ds = Dataset::new(
            vec![
                strs("id", &["m1", "m2", "x", "m1", "m2", "x", "x"]).with_role(Some(Role::EmployeeId)),
                strs("mgr", &["", "", "m1", "", "", "m2", "m2"]).with_role(Some(Role::ManagerId)),
                strs("name", &["M1", "M2", "old", "M1", "M2", "new", "new"]).with_role(Some(Role::Name)),
                Column::date("month", vec![d(0), d(0), d(0), d(1), d(1), d(1), d(1)], DateUnit::Month)
                    .with_role(Some(Role::Period)),
            ],
            Source::default(),
        )
        .unwrap();
        let t = org_tree(&ds, &OrgOptions::default()).unwrap();
        assert_eq!(t.node("x").unwrap().parent.as_deref(), Some("m2"));
        assert_eq!(t.node("x").unwrap().name, "new");
        assert_eq!(
            t.changes,
            vec![ParentChange {
                id: "x".into(),
                from: Some("m1".into()),
                to: Some("m2".into()),
                period: "2024-02".into()
            }]
        );
        assert!(t.problems.is_empty());
        assert_eq!(t.node("m2").unwrap().members, 3);
    }

    #[test]
    fn department_paths_and_parent_columns() {
        let ds = Dataset::new(
            vec![strs(
                "部门",
                &["总部/华东区/客服一部", "总部 > 华东区 > 客服二部", "总部｜华北区", "总部/华东区/客服一部"],
            )
            .with_role(Some(Role::Department))],
            Source::default(),
        )
        .unwrap();
        let t = org_tree(&ds, &OrgOptions::default()).unwrap();
        assert_eq!(t.kind, OrgKind::Path);
        let ids: Vec<&str> = t.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, vec!["总部", "总部/华东区", "总部/华东区/客服一部", "总部/华东区/客服二部", "总部/华北区"]);
        assert_eq!(t.nodes[2].name, "客服一部");
        assert_eq!(t.nodes[0].members, 4);
        assert_eq!(t.nodes[2].members, 2);

        let ds = Dataset::new(
            vec![
                strs("dept", &["华东区", "客服一部", "客服二部", "客服一部"]).with_role(Some(Role::Department)),
                strs("parent", &["总部", "华东区", "华东区", "华北区"]),
            ],
            Source::default(),
        )
        .unwrap();
        let t = org_tree(&ds, &OrgOptions { parent: Some("parent".into()), ..OrgOptions::default() }).unwrap();
        assert_eq!(t.kind, OrgKind::Units);
        let kinds: Vec<ProblemKind> = t.problems.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, vec![ProblemKind::Duplicate, ProblemKind::Orphan, ProblemKind::Orphan]);
        assert_eq!(t.node("客服一部").unwrap().parent.as_deref(), Some("华北区"));
    }

    #[test]
    fn no_structure_is_a_param_error() {
        let ds = Dataset::new(vec![Column::number("x", vec![1.0])], Source::default()).unwrap();
        assert_eq!(org_tree(&ds, &OrgOptions::default()).unwrap_err().kind.js_name(), "ParamError");
    }
}
