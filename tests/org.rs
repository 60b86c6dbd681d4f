//! The org tree on real data (HRDataset_v14), the sample, crafted problems
//! and two-million-node chains and stars.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Instant;

use hrlens::engine::dataset::{Column, ColumnKind, Dataset, Interned, Role, Source};
use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::org::{org_tree, OrgKind, OrgOptions, ProblemKind};
use hrlens::engine::sample::{sample, SampleOptions};

fn csv(s: &str) -> Dataset {
    load(s.as_bytes(), &LoadOptions::default()).unwrap()
}

#[test]
fn hr_dataset_v14_builds_with_its_real_managers() {
    let Some(bytes) = common::shared_bytes("HRDataset_v14.csv") else { return };
    let ds =
        load(&bytes, &LoadOptions { filename: Some("HRDataset_v14.csv".into()), ..LoadOptions::default() }).unwrap();
    assert_eq!(ds.row_count(), 311);
    assert_eq!(ds.by_role(Role::EmployeeId).map(|c| c.name.as_str()), Some("EmpID"));
    assert_eq!(ds.by_role(Role::ManagerId).map(|c| c.name.as_str()), Some("ManagerID"));
    let t = org_tree(&ds, &OrgOptions::default()).unwrap();
    assert_eq!(t.kind, OrgKind::People);
    // ManagerID numbers managers separately from EmpID (1–39 vs 10001–10311):
    // none of them is an employee of the file, so each is an honest orphan,
    // kept as a placeholder named from ManagerName.
    let orphans: Vec<_> = t.problems.iter().filter(|p| p.kind == ProblemKind::Orphan).collect();
    assert_eq!(orphans.len(), 23);
    assert_eq!(orphans.iter().map(|p| p.ids.len()).sum::<usize>(), 311 - 8);
    assert_eq!(t.problems.len(), 23, "{:?}", t.problems);
    let placeholders: Vec<_> = t.nodes.iter().filter(|n| n.placeholder).collect();
    assert_eq!(placeholders.len(), 23);
    assert_eq!(t.nodes.len(), 311 + 23);
    let m22 = t.node("22").unwrap();
    assert_eq!(m22.name, "Michael Albert");
    assert_eq!(m22.depth, 0);
    assert_eq!(m22.span as usize, m22.headcount as usize - 1);
    assert!(m22.span > 10);
    // The 8 without a ManagerID are roots of their own.
    assert_eq!(t.roots(), 23 + 8);
    assert_eq!(t.max_depth, 1);
    let emp = t.node("10026").unwrap();
    assert_eq!(emp.parent.as_deref(), Some("22"));
    assert_eq!(emp.name, "Adinolfi, Wilson  K");
    assert_eq!(t.nodes.iter().filter(|n| !n.placeholder).map(|n| n.members).sum::<u64>(), 311);
    // Without placeholders every orphan is a root.
    let flat = org_tree(&ds, &OrgOptions { placeholders: Some(false), ..OrgOptions::default() }).unwrap();
    assert_eq!(flat.nodes.len(), 311);
    assert_eq!(flat.roots(), 311);
}

#[test]
fn sample_has_one_root_and_four_levels() {
    let ds = sample(&SampleOptions::default()).unwrap();
    let t = org_tree(&ds, &OrgOptions::default()).unwrap();
    assert_eq!(t.roots(), 1);
    assert!(t.max_depth >= 4, "depth {}", t.max_depth);
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    assert!(t.changes.is_empty());
    assert_eq!(t.nodes.len(), 2000);
    let root = &t.nodes[0];
    assert_eq!((root.id.as_str(), root.parent.as_deref(), root.headcount, root.members), ("E00001", None, 2000, 2000));
    assert_eq!(root.span, 5, "five region heads");
    // Headcount is 1 + the children's headcounts, everywhere.
    for (i, n) in t.nodes.iter().enumerate() {
        let kids: u32 = t.children(i).iter().map(|&c| t.nodes[c].headcount).sum();
        assert_eq!(n.headcount, 1 + kids, "{}", n.id);
        assert_eq!(n.span as usize, t.children(i).len());
    }
    let json = serde_json::to_value(&t).unwrap();
    assert!(json["nodes"][0]["parent"].is_null());
    assert_eq!(json["maxDepth"], 4);
}

#[test]
fn crafted_cycles_orphans_self_loops_and_duplicates() {
    let ds = csv("工号,上级工号,姓名,上级姓名\n\
         A,,Ann,\n\
         B,A,Bob,Ann\n\
         C,C,Cat,Cat\n\
         D,E,Dan,Eve\n\
         E,F,Eve,Fay\n\
         F,D,Fay,Dan\n\
         G,X9,Gus,Xavier\n\
         H,X9,Hal,Xavier\n\
         I,B,Ivy,Bob\n\
         I,A,Ivy,Ann\n");
    let t = org_tree(&ds, &OrgOptions::default()).unwrap();
    let p = |k: ProblemKind| t.problems.iter().filter(|p| p.kind == k).collect::<Vec<_>>();
    assert_eq!(p(ProblemKind::SelfLoop)[0].ids, vec!["C"]);
    assert_eq!(p(ProblemKind::Cycle)[0].ids, vec!["D", "E", "F"]);
    assert_eq!(p(ProblemKind::Orphan)[0].ids, vec!["G", "H"]);
    assert_eq!(p(ProblemKind::Orphan)[0].missing.as_deref(), Some("X9"));
    assert_eq!(p(ProblemKind::Duplicate)[0].ids, vec!["I"]);
    assert_eq!(t.node("X9").unwrap().name, "Xavier");
    assert_eq!(t.node("I").unwrap().parent.as_deref(), Some("A"), "the last row wins");
    assert_eq!(t.node("D").unwrap().parent, None, "the cycle is cut at its first member");
    assert_eq!(t.node("F").unwrap().depth, 1);
    assert_eq!(t.node("E").unwrap().depth, 2);
    for pr in &t.problems {
        assert!(!pr.message.en.is_empty() && !pr.message.zh.is_empty());
    }
    assert!(serde_json::to_string(&t.problems).unwrap().contains("\"kind\":\"self\""));
}

#[test]
fn paths_and_parent_columns_from_csv() {
    let ds = csv("员工,部门路径,得分\n1,总部/华东区/客服一部,3\n2,总部 > 华东区 > 客服二部,4\n3,总部\\华北区,5\n");
    let t = org_tree(&ds, &OrgOptions { path: Some("部门路径".into()), ..OrgOptions::default() }).unwrap();
    assert_eq!(t.kind, OrgKind::Path);
    assert_eq!(t.roots(), 1);
    assert_eq!(t.nodes[0].headcount, 5);
    assert_eq!(t.nodes[0].members, 3);
    assert_eq!(t.node("总部/华北区").unwrap().depth, 1);

    let ds = csv("部门,上级部门\n华东区,总部\n总部,\n客服一部,华东区\n");
    let t = org_tree(&ds, &OrgOptions { parent: Some("上级部门".into()), ..OrgOptions::default() }).unwrap();
    assert_eq!(t.kind, OrgKind::Units);
    assert!(t.problems.is_empty());
    assert_eq!(t.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), vec!["总部", "华东区", "客服一部"]);
    assert!(org_tree(&ds, &OrgOptions { parent: Some("nope".into()), ..OrgOptions::default() }).is_err());
}

fn id_column(name: &str, n: usize, f: impl Fn(usize) -> Option<String>) -> Column {
    let mut i = Interned::with_capacity(n);
    for k in 0..n {
        i.push(f(k).as_deref());
    }
    Column::strings(name, i, ColumnKind::Text)
}

fn big(n: usize, manager: impl Fn(usize) -> Option<String>) -> Dataset {
    Dataset::new(
        vec![
            id_column("id", n, |k| Some(k.to_string())).with_role(Some(Role::EmployeeId)),
            id_column("mgr", n, manager).with_role(Some(Role::ManagerId)),
        ],
        Source::default(),
    )
    .unwrap()
}

/// Two million nodes through the whole pipeline (interning, edges, layout).
/// Debug builds spend over a minute just interning 12M test strings, so they
/// run a quarter million; the layout itself is tested at two million in every
/// build (`org::layout` unit tests), and release runs this at full size:
/// `cargo test --release --test org`.
#[test]
fn two_million_node_chain_and_star() {
    let n = if cfg!(debug_assertions) { 250_000 } else { 2_000_000 };
    let t0 = Instant::now();
    let chain = big(n, |k| k.checked_sub(1).map(|p| p.to_string()));
    let t = org_tree(&chain, &OrgOptions::default()).unwrap();
    assert_eq!(t.max_depth as usize, n - 1);
    assert_eq!(t.nodes[0].headcount as usize, n);
    assert_eq!(t.nodes[n - 1].depth as usize, n - 1);
    drop(t);
    drop(chain);
    let star = big(n, |k| (k > 0).then(|| "0".to_string()));
    let t = org_tree(&star, &OrgOptions::default()).unwrap();
    assert_eq!(t.nodes[0].span as usize, n - 1);
    assert_eq!(t.max_depth, 1);
    // A two-million cycle is reported and cut, not followed forever.
    let ring = big(n, |k| Some(((k + 1) % n).to_string()));
    let t = org_tree(&ring, &OrgOptions::default()).unwrap();
    assert_eq!(t.problems.len(), 1);
    assert_eq!(t.problems[0].ids.len(), n);
    eprintln!("{n}-node chain + star + ring, built and laid out: {:?}", t0.elapsed());
}
