//! k-means core: oracle cases by hand, invariants, Lloyd–Hamerly
//! equivalence, shards, empty clusters and degenerate inputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use hrlens::engine::segment::{fit, Algorithm, Coordinator, Far, KMeansParams, Points, Shard, Spec, Status};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// `n` rows around `centres` (row-major) with Gaussian-ish noise `sd`.
fn blobs(n: usize, centres: &[Vec<f64>], sd: f64, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut out = Vec::new();
    for i in 0..n {
        let c = &centres[i % centres.len()];
        for &m in c {
            // Sum of 4 uniforms: bell-shaped, bounded.
            let z = (unit() + unit() + unit() + unit() - 2.0) * 1.7;
            out.push(m + sd * z);
        }
    }
    out
}

fn d2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

fn both() -> [Algorithm; 2] {
    [Algorithm::Lloyd, Algorithm::Hamerly]
}

#[test]
fn oracle_two_pairs_on_a_line() {
    // {0, 1} and {10, 11}: centroids 0.5 and 10.5, inertia 4 × 0.25 = 1.
    let data = [0.0, 1.0, 10.0, 11.0];
    for a in both() {
        let m = fit(&data, 1, &KMeansParams::new(2).algorithm(a).seed(3)).unwrap();
        let mut c: Vec<f64> = m.centroids().to_vec();
        c.sort_by(f64::total_cmp);
        assert_eq!(c, vec![0.5, 10.5], "{a:?}");
        assert_eq!(m.inertia(), 1.0);
        assert_eq!(m.labels()[0], m.labels()[1]);
        assert_ne!(m.labels()[1], m.labels()[2]);
        assert_eq!(m.sizes(), vec![2, 2]);
        assert!(m.converged());
    }
}

#[test]
fn oracle_square_from_given_centroids() {
    // Corners of a 2 × 2 square, two rows each, started from the left and right
    // edges: the split is left/right, centroids (0,1) and (2,1), inertia 8 × 1.
    let data = [0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 2.0, 2.0, 0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 2.0, 2.0];
    for a in both() {
        let p = KMeansParams::new(2).algorithm(a).init(vec![-1.0, 1.0, 3.0, 1.0]);
        let m = fit(&data, 2, &p).unwrap();
        assert_eq!(m.centroids(), &[0.0, 1.0, 2.0, 1.0]);
        assert_eq!(m.inertia(), 8.0);
        assert_eq!(m.labels(), &[0, 0, 1, 1, 0, 0, 1, 1]);
        // Labels did not change in iteration 2: strict convergence after 2 iterations.
        assert_eq!(m.iterations(), 2);
    }
}

#[test]
fn nothing_is_closer_than_self() {
    let centres = vec![vec![0.0, 0.0, 0.0], vec![4.0, 0.0, 1.0], vec![0.0, 5.0, -2.0], vec![3.0, 3.0, 3.0]];
    let data = blobs(2000, &centres, 1.3, 11);
    for a in both() {
        let m = fit(&data, 3, &KMeansParams::new(4).algorithm(a).seed(5).n_runs(3).tolerance(0.0)).unwrap();
        assert!(m.converged());
        let c = m.centroids();
        for (x, &l) in data.chunks(3).zip(m.labels()) {
            let own = d2(x, &c[l as usize * 3..l as usize * 3 + 3]);
            for j in 0..4 {
                let other = d2(x, &c[j * 3..j * 3 + 3]);
                assert!(own <= other * (1.0 + 1e-12) + 1e-12, "{a:?}: row nearer to {j} than to its own {l}");
            }
        }
        // Inertia is the sum of those distances.
        let total: f64 =
            data.chunks(3).zip(m.labels()).map(|(x, &l)| d2(x, &c[l as usize * 3..l as usize * 3 + 3])).sum();
        // (Rows are stored as f32: agreement to f32 precision.)
        assert!((total - m.inertia()).abs() <= 1e-6 * total, "{total} vs {}", m.inertia());
    }
}

#[test]
fn inertia_never_increases_between_iterations() {
    let centres: Vec<Vec<f64>> = (0..6).map(|i| vec![i as f64, (i * i % 5) as f64, (i % 2) as f64 * 3.0]).collect();
    let data = blobs(3000, &centres, 1.0, 2);
    for seed in 0..5 {
        let m = fit(&data, 3, &KMeansParams::new(6).algorithm(Algorithm::Lloyd).seed(seed).n_runs(1).tolerance(0.0))
            .unwrap();
        let h = m.history();
        assert!(h.len() >= 3, "several iterations ({})", h.len());
        for w in h.windows(2) {
            assert!(w[1] <= w[0] * (1.0 + 1e-12), "inertia rose: {} → {}", w[0], w[1]);
        }
        assert!((h.last().unwrap() - m.inertia()).abs() <= 1e-9 * m.inertia());
    }
}

#[test]
fn hamerly_lloyd_equivalence() {
    // Overlapping blobs (many rows near boundaries) and several starts.
    let centres: Vec<Vec<f64>> =
        (0..7).map(|i| (0..5).map(|j| ((i * 7 + j * 3) % 11) as f64 * 0.6).collect()).collect();
    let data = blobs(1500, &centres, 1.0, 9);
    for k in [2, 5, 13] {
        for seed in 0..2 {
            let p = KMeansParams::new(k).seed(seed).n_runs(1).tolerance(0.0);
            let l = fit(&data, 5, &p.clone().algorithm(Algorithm::Lloyd)).unwrap();
            let h = fit(&data, 5, &p.algorithm(Algorithm::Hamerly)).unwrap();
            assert_eq!(l.labels(), h.labels(), "k {k} seed {seed}: labels");
            assert_eq!(l.centroids(), h.centroids(), "k {k} seed {seed}: centroids");
            assert_eq!(l.inertia().to_bits(), h.inertia().to_bits(), "k {k} seed {seed}: inertia");
            assert_eq!(l.iterations(), h.iterations());
            assert!(h.work().distances < l.work().distances, "Hamerly computes fewer distances");
        }
    }
}

#[test]
fn permuting_rows_permutes_labels() {
    let centres = vec![vec![0.0, 0.0], vec![3.0, 0.5], vec![1.0, 4.0]];
    let data = blobs(900, &centres, 1.2, 4);
    let n = data.len() / 2;
    // A fixed permutation: i → (i · 7 + 3) mod n (7 is coprime with 900).
    let perm: Vec<usize> = (0..n).map(|i| (i * 7 + 3) % n).collect();
    let permuted: Vec<f64> = perm.iter().flat_map(|&i| [data[2 * i], data[2 * i + 1]]).collect();
    let init = vec![0.5, 0.5, 2.0, 1.0, 1.0, 3.0];
    for a in both() {
        let p = KMeansParams::new(3).algorithm(a).init(init.clone());
        let m = fit(&data, 2, &p).unwrap();
        let q = fit(&permuted, 2, &p).unwrap();
        for (j, &i) in perm.iter().enumerate() {
            assert_eq!(q.labels()[j], m.labels()[i]);
        }
        // Exact sums: the same centroids bit for bit, whatever the row order.
        assert_eq!(m.centroids(), q.centroids());
        assert_eq!(m.inertia(), q.inertia());
    }
}

#[test]
fn empty_clusters_are_reseeded_from_the_farthest_row() {
    // The third start is far from everything: its cluster is empty after the
    // first assignment and must take the row farthest from its centroid (100).
    let data = [0.0, 0.1, 0.2, 5.0, 5.1, 100.0];
    for a in both() {
        let p = KMeansParams::new(3).algorithm(a).init(vec![0.0, 5.0, 1000.0]);
        let m = fit(&data, 1, &p).unwrap();
        assert!(m.relocated() >= 1);
        assert!(m.centroids().iter().all(|c| c.is_finite()));
        let mut c = m.centroids().to_vec();
        c.sort_by(f64::total_cmp);
        // Rows are stored as f32 centred on the midrange (50): f32 precision.
        assert!((c[0] - 0.1).abs() < 1e-5 && (c[1] - 5.05).abs() < 1e-5 && (c[2] - 100.0).abs() < 1e-5, "{c:?}");
        assert_eq!(m.sizes().iter().filter(|&&s| s == 0).count(), 0);
    }
}

#[test]
fn identical_rows_with_k_above_distinct_points_is_a_clear_error() {
    let data = vec![3.0; 40];
    let e = fit(&data, 2, &KMeansParams::new(2)).unwrap_err();
    assert_eq!(e.kind.js_name(), "ParamError");
    assert!(e.to_string().contains("only 1 distinct row among 20 rows"), "{e}");
    assert!(e.to_zh().contains("k = 2"));
    // Two distinct points, k = 2: fine, inertia 0.
    let mut two = vec![3.0; 20];
    two.extend(vec![7.0; 20]);
    let m = fit(&two, 2, &KMeansParams::new(2)).unwrap();
    assert_eq!(m.inertia(), 0.0);
    assert_eq!(m.sizes(), vec![10, 10]);
    // k = 1 on identical rows is fine too.
    let m = fit(&data, 2, &KMeansParams::new(1)).unwrap();
    assert_eq!(m.centroids(), &[3.0, 3.0]);
}

#[test]
fn bad_input_is_a_param_error() {
    assert!(fit(&[1.0, f64::NAN], 1, &KMeansParams::new(1)).is_err());
    assert!(fit(&[1.0, 2.0, 3.0], 2, &KMeansParams::new(1)).is_err());
    assert!(fit(&[1.0, 2.0], 1, &KMeansParams::new(3)).unwrap_err().to_string().contains("at least 3 rows"));
    assert!(fit(&[1.0, 2.0], 1, &KMeansParams::new(1).init(vec![1.0, 2.0])).is_err());
    assert!(fit(&[1.0, 2.0], 1, &KMeansParams::new(1).max_n_iterations(0)).is_err());
}

#[test]
fn max_iterations_stops_a_run_unconverged() {
    let centres: Vec<Vec<f64>> = (0..5).map(|i| vec![i as f64 * 0.7, (i % 3) as f64]).collect();
    let data = blobs(2000, &centres, 1.0, 3);
    let m = fit(&data, 2, &KMeansParams::new(5).n_runs(1).max_n_iterations(2).tolerance(0.0)).unwrap();
    assert_eq!(m.iterations(), 2);
    assert!(!m.converged());
    // Labels match the final centroids even so (one more assignment).
    let c = m.centroids();
    for (x, &l) in data.chunks(2).zip(m.labels()) {
        let own = d2(x, &c[l as usize * 2..l as usize * 2 + 2]);
        assert!((0..5).all(|j| own <= d2(x, &c[j * 2..j * 2 + 2]) * (1.0 + 1e-12) + 1e-12));
    }
}

#[test]
fn same_seed_same_result_other_seed_other_start() {
    let centres: Vec<Vec<f64>> = (0..4).map(|i| vec![i as f64, -(i as f64)]).collect();
    let data = blobs(1000, &centres, 1.5, 8);
    let a = fit(&data, 2, &KMeansParams::new(4).seed(1)).unwrap();
    let b = fit(&data, 2, &KMeansParams::new(4).seed(1)).unwrap();
    assert_eq!(a, b);
    let c = fit(&data, 2, &KMeansParams::new(4).seed(2).n_runs(1)).unwrap();
    let d = fit(&data, 2, &KMeansParams::new(4).seed(1).n_runs(1)).unwrap();
    assert_ne!(c.runs()[0].inertia.to_bits(), d.runs()[0].inertia.to_bits());
    // The best of 10 is the minimum of its runs.
    let best = a.runs().iter().map(|r| r.inertia).fold(f64::INFINITY, f64::min);
    assert_eq!(a.inertia(), best);
    assert_eq!(a.runs()[a.best_run()].inertia, best);
}

/// Split rows into shards, iterate with the coordinator: the result must be
/// the single-instance result bit for bit.
#[test]
fn shards_give_the_single_instance_result() {
    let centres: Vec<Vec<f64>> =
        (0..6).map(|i| vec![(i % 3) as f64 * 2.0, (i / 3) as f64 * 2.5, i as f64 * 0.1]).collect();
    let data = blobs(3001, &centres, 1.1, 21);
    let dims = 3;
    let init = vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 2.0, 0.0, 0.5, 0.0, 3.0, 0.0, 4.0, 2.0, 0.0, 100.0, 100.0, 100.0];
    let single = fit(&data, dims, &KMeansParams::new(6).init(init.clone())).unwrap();
    assert!(single.relocated() >= 1, "the far start exercises re-seeding across shards");
    let spec = Spec::of(&data, dims).unwrap();
    for cuts in [vec![0, 1000, 2000, 3001], vec![0, 1, 1500, 3001], vec![0, 3001]] {
        let mut shards: Vec<Shard> = cuts
            .windows(2)
            .map(|w| {
                let p = Points::new(&data[w[0] * dims..w[1] * dims], &spec).unwrap();
                Shard::new(p, w[0] as u64, &spec, 6, Algorithm::Hamerly).unwrap()
            })
            .collect();
        let centred: Vec<f64> =
            init.chunks(dims).flat_map(|c| (0..dims).map(|j| c[j] - spec.offset[j]).collect::<Vec<_>>()).collect();
        let mut co = Coordinator::new(&spec, centred, 6, 300, 1e-4).unwrap();
        loop {
            let c = co.centroids().to_vec();
            let mut sums = vec![0i64; 6 * dims];
            let mut counts = vec![0u64; 6];
            let mut changed = 0;
            for s in &mut shards {
                changed += s.step(&c).unwrap();
                sums.iter_mut().zip(s.sums()).for_each(|(a, b)| *a += b);
                counts.iter_mut().zip(s.counts()).for_each(|(a, b)| *a += b);
            }
            let m = Coordinator::empty_clusters(&counts);
            let far: Vec<Far> = if m > 0 { shards.iter().flat_map(|s| s.farthest(m)).collect() } else { vec![] };
            match co.update(&sums, &counts, changed, &far).unwrap() {
                Status::Continue => {}
                Status::Done { final_step, .. } => {
                    if final_step {
                        for s in &mut shards {
                            s.step(co.centroids()).unwrap();
                        }
                    }
                    break;
                }
            }
        }
        let labels: Vec<u32> = shards.iter().flat_map(|s| s.labels().to_vec()).collect();
        assert_eq!(labels, single.labels(), "cuts {cuts:?}");
        let fixed: i64 = shards.iter().map(|s| s.inertia_fixed(co.centroids())).sum();
        assert_eq!(Shard::inertia_value(fixed, &spec).to_bits(), single.inertia().to_bits());
        assert_eq!(co.iterations(), single.iterations());
        let back: Vec<f64> = co
            .centroids()
            .chunks(dims)
            .flat_map(|c| (0..dims).map(|j| c[j] + spec.offset[j]).collect::<Vec<_>>())
            .collect();
        assert_eq!(back, single.centroids());
    }
}

// proptest is a native-only dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Small matrices on an integer grid: many exact ties and duplicate rows.
    fn grid() -> impl Strategy<Value = (usize, Vec<f64>, usize, u64)> {
        (1usize..4, 6usize..60).prop_flat_map(|(dims, n)| {
            (Just(dims), proptest::collection::vec(0i32..5, dims * n), 1usize..6, any::<u64>())
                .prop_map(|(d, v, k, s)| (d, v.into_iter().map(f64::from).collect(), k, s))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn hamerly_equals_lloyd_and_rows_sit_with_their_nearest((dims, data, k, seed) in grid()) {
            let p = KMeansParams::new(k).seed(seed).n_runs(2).tolerance(0.0);
            let l = fit(&data, dims, &p.clone().algorithm(Algorithm::Lloyd));
            let h = fit(&data, dims, &p.algorithm(Algorithm::Hamerly));
            match (l, h) {
                (Ok(l), Ok(h)) => {
                    prop_assert_eq!(l.labels(), h.labels());
                    prop_assert_eq!(l.centroids(), h.centroids());
                    prop_assert_eq!(l.inertia().to_bits(), h.inertia().to_bits());
                    prop_assert!(h.centroids().iter().all(|c| c.is_finite()));
                    let c = h.centroids();
                    for (x, &lab) in data.chunks(dims).zip(h.labels()) {
                        let own = d2(x, &c[lab as usize * dims..(lab as usize + 1) * dims]);
                        for j in 0..k {
                            prop_assert!(own <= d2(x, &c[j * dims..(j + 1) * dims]) + 1e-9);
                        }
                    }
                }
                (Err(a), Err(b)) => {
                    // Fewer distinct rows than k: the same clear error from both.
                    prop_assert_eq!(a.to_string(), b.to_string());
                    prop_assert!(a.to_string().contains("distinct row"));
                }
                (a, b) => prop_assert!(false, "one failed: {:?} / {:?}", a.err(), b.err()),
            }
        }
    }
}
