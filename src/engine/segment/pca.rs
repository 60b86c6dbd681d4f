//! A 2-D map of the rows: the first two principal components.
//!
//! The covariance of the clustered (scaled) features is formed in `f64`; its
//! top-2 eigenvectors come from subspace (block power) iteration from a fixed
//! seeded start, with Gram–Schmidt after each product and a final 2 × 2
//! Rayleigh–Ritz rotation. Deterministic: fixed start, fixed iteration rule,
//! and each axis's largest component made positive. For `d` features it
//! costs `n·d²/2` for the covariance and `O(d²)` per iteration.

use serde::Serialize;

use super::init::{run_rng, unit};
use super::points::Points;

/// The two axes and the rows projected on them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    /// `x, y` per row.
    #[serde(skip)]
    pub coords: Vec<f32>,
    /// Unit axes in the scaled feature space (`2 × dims`).
    pub axes: [Vec<f64>; 2],
    /// Share of the total variance along each axis.
    pub explained: [f64; 2],
    pub iterations: usize,
}

const MAX_ITER: usize = 1000;
const TOL: f64 = 1e-12;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalise(v: &mut [f64]) -> f64 {
    let n = dot(v, v).sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    n
}

fn mat_vec(c: &[f64], v: &[f64], d: usize) -> Vec<f64> {
    c.chunks_exact(d).map(|row| dot(row, v)).collect()
}

/// Project the points onto their first two principal axes.
pub fn project(points: &Points) -> Projection {
    let d = points.dims();
    let n = points.rows().max(1) as f64;
    let mut mean = vec![0.0f64; d];
    for x in points.iter() {
        mean.iter_mut().zip(x).for_each(|(m, &v)| *m += v as f64);
    }
    mean.iter_mut().for_each(|m| *m /= n);
    // Covariance, upper triangle accumulated then mirrored.
    let mut cov = vec![0.0f64; d * d];
    let mut y = vec![0.0f64; d];
    for x in points.iter() {
        y.iter_mut().zip(x).zip(&mean).for_each(|((y, &v), m)| *y = v as f64 - m);
        for (a, &ya) in y.iter().enumerate() {
            if ya == 0.0 {
                continue;
            }
            if let Some(row) = cov.get_mut(a * d + a..(a + 1) * d) {
                row.iter_mut().zip(y.iter().skip(a)).for_each(|(c, &yb)| *c += ya * yb);
            }
        }
    }
    for a in 0..d {
        for b in a..d {
            let v = cov.get(a * d + b).copied().unwrap_or(0.0) / n;
            if let Some(c) = cov.get_mut(a * d + b) {
                *c = v;
            }
            if let Some(c) = cov.get_mut(b * d + a) {
                *c = v;
            }
        }
    }
    let trace: f64 = (0..d).map(|a| cov.get(a * d + a).copied().unwrap_or(0.0)).sum();
    // Subspace iteration on two vectors.
    let mut rng = run_rng(0x9CA, 0);
    let mut v1: Vec<f64> = (0..d).map(|_| unit(&mut rng) - 0.5).collect();
    let mut v2: Vec<f64> = (0..d).map(|_| unit(&mut rng) - 0.5).collect();
    orthonormalise(&mut v1, &mut v2);
    let mut iterations = 0;
    for it in 1..=MAX_ITER {
        iterations = it;
        let mut w1 = mat_vec(&cov, &v1, d);
        let mut w2 = mat_vec(&cov, &v2, d);
        orthonormalise(&mut w1, &mut w2);
        // Converged when the spanned subspace no longer moves.
        let p1 = dot(&w1, &v1).powi(2) + dot(&w1, &v2).powi(2);
        let p2 = dot(&w2, &v1).powi(2) + dot(&w2, &v2).powi(2);
        v1 = w1;
        v2 = w2;
        if (1.0 - p1).abs() < TOL && (1.0 - p2).abs() < TOL {
            break;
        }
    }
    // Rayleigh–Ritz in the subspace: rotate to the eigenvectors of H = Vᵀ C V.
    let cv1 = mat_vec(&cov, &v1, d);
    let cv2 = mat_vec(&cov, &v2, d);
    let (a, b, c) = (dot(&v1, &cv1), dot(&v1, &cv2), dot(&v2, &cv2));
    let mid = 0.5 * (a + c);
    let rad = (0.25 * (a - c) * (a - c) + b * b).sqrt();
    let (l1, l2) = (mid + rad, mid - rad);
    let (cs, sn) = if b == 0.0 {
        if a >= c {
            (1.0, 0.0)
        } else {
            (0.0, 1.0)
        }
    } else {
        let (x, y) = (l1 - c, b);
        let r = (x * x + y * y).sqrt();
        (x / r, y / r)
    };
    let mut ax1: Vec<f64> = v1.iter().zip(&v2).map(|(p, q)| cs * p + sn * q).collect();
    let mut ax2: Vec<f64> = v1.iter().zip(&v2).map(|(p, q)| -sn * p + cs * q).collect();
    for ax in [&mut ax1, &mut ax2] {
        let big = ax.iter().copied().fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
        if big < 0.0 {
            ax.iter_mut().for_each(|v| *v = -*v);
        }
    }
    let share = |l: f64| if trace > 0.0 { (l / trace).clamp(0.0, 1.0) } else { 0.0 };
    let mut coords = Vec::with_capacity(points.rows() * 2);
    for x in points.iter() {
        let (mut p, mut q) = (0.0f64, 0.0f64);
        for (((&v, m), a1), a2) in x.iter().zip(&mean).zip(&ax1).zip(&ax2) {
            let y = v as f64 - m;
            p += y * a1;
            q += y * a2;
        }
        coords.push(p as f32);
        coords.push(q as f32);
    }
    Projection { coords, axes: [ax1, ax2], explained: [share(l1), share(l2)], iterations }
}

fn orthonormalise(a: &mut [f64], b: &mut [f64]) {
    if normalise(a) == 0.0 {
        if let Some(x) = a.first_mut() {
            *x = 1.0;
        }
    }
    let p = dot(a, b);
    b.iter_mut().zip(a.iter()).for_each(|(y, &x)| *y -= p * x);
    if normalise(b) == 0.0 {
        // One feature (or a rank-1 space): no second direction.
        b.iter_mut().for_each(|y| *y = 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::segment::points::Spec;

    #[test]
    fn finds_the_axes_of_a_known_ellipse() {
        // Points on a rotated grid: variance 9 along (1,1,0)/√2, 1 along (1,−1,0)/√2, 0.01 on z.
        let mut data = Vec::new();
        for i in -10..=10 {
            for j in -10..=10 {
                let (u, v, w) = (3.0 * i as f64 / 6.0553, j as f64 / 6.0553, if (i + j) % 2 == 0 { 0.1 } else { -0.1 });
                data.extend([(u + v) / 2f64.sqrt(), (u - v) / 2f64.sqrt(), w]);
            }
        }
        let p = Points::new(&data, &Spec::of(&data, 3).unwrap()).unwrap();
        let pr = project(&p);
        let s = 1.0 / 2f64.sqrt();
        assert!((pr.axes[0][0] - s).abs() < 1e-6 && (pr.axes[0][1] - s).abs() < 1e-6, "{:?}", pr.axes[0]);
        assert!((pr.axes[1][0].abs() - s).abs() < 1e-6 && pr.axes[1][2].abs() < 1e-6, "{:?}", pr.axes[1]);
        assert!(pr.explained[0] > 0.85 && pr.explained[1] > 0.09, "{:?}", pr.explained);
        assert_eq!(pr.coords.len(), 2 * 441);
        // Deterministic.
        assert_eq!(project(&p), pr);
        // Projections are centred.
        let mx: f64 = pr.coords.chunks(2).map(|c| c[0] as f64).sum::<f64>() / 441.0;
        assert!(mx.abs() < 1e-5);
    }

    #[test]
    fn one_feature_has_a_flat_second_axis() {
        let data = [1.0, 2.0, 4.0, 8.0];
        let p = Points::new(&data, &Spec::of(&data, 1).unwrap()).unwrap();
        let pr = project(&p);
        assert_eq!(pr.axes[0], vec![1.0]);
        assert!(pr.coords.chunks(2).all(|c| c[1] == 0.0));
        assert!((pr.explained[0] - 1.0).abs() < 1e-12);
    }
}
