//! The tree algorithms on plain parent indices: break self-loops and cycles,
//! order nodes depth-first, and compute depth, headcount and span.
//!
//! Everything is iterative (explicit stacks, reverse pre-order sweeps) so a
//! two-million-node chain is as safe as a two-million-node star.

/// No parent (a root), or "not yet known" in scratch arrays.
pub const NONE: u32 = u32::MAX;

/// A loop found while laying out the tree, in parent order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loop {
    /// A node that names itself as its parent.
    SelfLoop(u32),
    /// Nodes that reach themselves through their parents, starting at the one
    /// whose parent link was cut (the lowest index of the cycle).
    Cycle(Vec<u32>),
}

/// The laid-out forest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Parent of each node after cutting loops ([`NONE`] for roots).
    pub parent: Vec<u32>,
    /// Node indices in depth-first pre-order: roots in index order, children in index order.
    pub order: Vec<u32>,
    /// Depth of each node (roots are 0).
    pub depth: Vec<u32>,
    /// Nodes in each node's subtree, itself included.
    pub headcount: Vec<u32>,
    /// Direct children of each node.
    pub span: Vec<u32>,
    /// Loops that were cut to make a forest.
    pub loops: Vec<Loop>,
}

/// Lay out a forest from `parent[i]` (an index, or [`NONE`]). Indices out of
/// range are treated as [`NONE`] (callers resolve unknown parents first).
/// Self-loops are cut; each cycle is cut at its lowest index, so the result is
/// always a forest and every node appears exactly once in `order`.
pub fn layout(parent: &[u32]) -> Layout {
    let n = parent.len();
    let mut parent: Vec<u32> = parent.iter().map(|&p| if (p as usize) < n { p } else { NONE }).collect();
    let mut loops = Vec::new();
    for i in 0..n {
        if parent.get(i) == Some(&(i as u32)) {
            loops.push(Loop::SelfLoop(i as u32));
            if let Some(p) = parent.get_mut(i) {
                *p = NONE;
            }
        }
    }

    // Cycle detection: walk up from each unvisited node, stamping the walk; a
    // walk that meets its own stamp has found a cycle. Each node is walked once.
    let mut stamp = vec![NONE; n];
    let mut done = vec![false; n];
    let mut walk = Vec::new();
    for start in 0..n {
        if done.get(start).copied().unwrap_or(true) {
            continue;
        }
        walk.clear();
        let mut cur = start as u32;
        loop {
            let c = cur as usize;
            if cur == NONE || done.get(c).copied().unwrap_or(true) {
                break;
            }
            if stamp.get(c) == Some(&(start as u32)) {
                // `cur` is on this walk: the cycle is the walk from cur onwards.
                let from = walk.iter().position(|&w| w == cur).unwrap_or(0);
                let mut cycle: Vec<u32> = walk.get(from..).map(<[u32]>::to_vec).unwrap_or_default();
                let low = cycle.iter().enumerate().min_by_key(|(_, &v)| v).map_or(0, |(k, _)| k);
                cycle.rotate_left(low);
                if let Some(&cut) = cycle.first() {
                    if let Some(p) = parent.get_mut(cut as usize) {
                        *p = NONE;
                    }
                }
                loops.push(Loop::Cycle(cycle));
                break;
            }
            if let Some(s) = stamp.get_mut(c) {
                *s = start as u32;
            }
            walk.push(cur);
            cur = parent.get(c).copied().unwrap_or(NONE);
        }
        for &w in &walk {
            if let Some(d) = done.get_mut(w as usize) {
                *d = true;
            }
        }
    }

    // Children in CSR form, in index order.
    let mut span = vec![0u32; n];
    for &p in &parent {
        if let Some(s) = span.get_mut(p as usize) {
            *s += 1;
        }
    }
    let mut offset = vec![0usize; n + 1];
    for i in 0..n {
        let next = offset.get(i).copied().unwrap_or(0) + span.get(i).copied().unwrap_or(0) as usize;
        if let Some(o) = offset.get_mut(i + 1) {
            *o = next;
        }
    }
    let mut fill = offset.clone();
    let mut children = vec![0u32; n];
    for (i, &p) in parent.iter().enumerate() {
        if let Some(f) = fill.get_mut(p as usize) {
            if let Some(slot) = children.get_mut(*f) {
                *slot = i as u32;
            }
            *f += 1;
        }
    }

    // Pre-order with an explicit stack; children pushed in reverse so they pop in order.
    let mut order = Vec::with_capacity(n);
    let mut depth = vec![0u32; n];
    let mut stack: Vec<u32> = Vec::new();
    for root in (0..n).filter(|&i| parent.get(i) == Some(&NONE)) {
        stack.push(root as u32);
        while let Some(v) = stack.pop() {
            order.push(v);
            let d = depth.get(v as usize).copied().unwrap_or(0);
            let (a, b) =
                (offset.get(v as usize).copied().unwrap_or(0), offset.get(v as usize + 1).copied().unwrap_or(0));
            for &c in children.get(a..b).unwrap_or(&[]).iter().rev() {
                if let Some(dc) = depth.get_mut(c as usize) {
                    *dc = d + 1;
                }
                stack.push(c);
            }
        }
    }

    // Headcount: children come after their parent in pre-order, so a reverse sweep rolls up.
    let mut headcount = vec![1u32; n];
    for &v in order.iter().rev() {
        let p = parent.get(v as usize).copied().unwrap_or(NONE);
        let h = headcount.get(v as usize).copied().unwrap_or(0);
        if let Some(hp) = headcount.get_mut(p as usize) {
            *hp += h;
        }
    }
    Layout { parent, order, depth, headcount, span, loops }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_tree() {
        // 0 ← 1 ← 3, 0 ← 2
        let l = layout(&[NONE, 0, 0, 1]);
        assert_eq!(l.order, vec![0, 1, 3, 2]);
        assert_eq!(l.depth, vec![0, 1, 1, 2]);
        assert_eq!(l.headcount, vec![4, 2, 1, 1]);
        assert_eq!(l.span, vec![2, 1, 0, 0]);
        assert!(l.loops.is_empty());
    }

    #[test]
    fn self_loops_and_cycles_are_cut() {
        // 0 self; 1 → 2 → 3 → 1 cycle, 4 → 2 hangs off the cycle; 5 out of range.
        let l = layout(&[0, 2, 3, 1, 2, 99]);
        assert_eq!(l.loops, vec![Loop::SelfLoop(0), Loop::Cycle(vec![1, 2, 3])]);
        assert_eq!(l.parent, vec![NONE, NONE, 3, 1, 2, NONE]);
        assert_eq!(l.order.len(), 6);
        assert_eq!(l.depth, vec![0, 0, 2, 1, 3, 0]);
        assert_eq!(l.headcount[1], 4);
    }

    #[test]
    fn every_node_once_even_when_all_in_one_cycle() {
        let n = 1000u32;
        let parent: Vec<u32> = (0..n).map(|i| (i + 1) % n).collect();
        let l = layout(&parent);
        let mut seen = l.order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..n).collect::<Vec<_>>());
        assert_eq!(l.loops.len(), 1);
        assert_eq!(l.headcount[0], n);
        assert_eq!(l.depth[1], n - 1);
    }

    #[test]
    fn two_million_chain_and_star_do_not_overflow() {
        let n = 2_000_000u32;
        let chain: Vec<u32> = (0..n).map(|i| if i == 0 { NONE } else { i - 1 }).collect();
        let l = layout(&chain);
        assert_eq!(l.depth[(n - 1) as usize], n - 1);
        assert_eq!(l.headcount[0], n);
        let star: Vec<u32> = (0..n).map(|i| if i == 0 { NONE } else { 0 }).collect();
        let l = layout(&star);
        assert_eq!(l.span[0], n - 1);
        assert_eq!(l.headcount[0], n);
        assert_eq!(l.order.len(), n as usize);
    }
}
