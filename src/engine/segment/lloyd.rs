//! Plain Lloyd: the reference E-step.
//!
//! Every row against every centroid, in `f64`, nearest wins (the lowest index
//! on ties), and the cluster sums rebuilt from scratch. Nothing clever, so it
//! is easy to trust; the Hamerly step must give the same labels (tests
//! `hamerly_lloyd_equivalence`). It also records the inertia of each step,
//! which the invariant "inertia never increases" is tested on.

use super::points::dist2_f64;
use super::shard::{fixed_d2, Shard};

pub(crate) fn step(shard: &mut Shard, centroids: &[f64]) -> u64 {
    let dims = shard.points.dims;
    let mut changed = 0u64;
    let mut inertia = 0i64;
    for (x, label) in shard.points.data.chunks_exact(shard.points.stride).zip(shard.labels.iter_mut()) {
        let mut best = (f64::INFINITY, 0u32);
        for (c, idx) in centroids.chunks_exact(dims).zip(0u32..) {
            let d = dist2_f64(x, c);
            if d < best.0 {
                best = (d, idx);
            }
        }
        if *label != best.1 {
            changed += 1;
            *label = best.1;
        }
        inertia = inertia.saturating_add(fixed_d2(best.0, shard.inertia_scale));
    }
    shard.work.distances += (shard.points.rows * shard.k) as u64;
    shard.step_inertia = Some(inertia);
    shard.recount();
    changed
}
