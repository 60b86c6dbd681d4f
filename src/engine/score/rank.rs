//! Ordering, competition ranks and bands, fast enough to redo on every
//! what-if change.
//!
//! The order is total descending, then by employee id (its position in id
//! order), NaN totals last: a pure function of the totals, so a what-if and a
//! fresh score agree exactly. It is computed by a bucket pass over the
//! previous order (totals lie in 0..100, so a counting sort on the leading
//! part of the value spreads people evenly) and a small exact sort within
//! each bucket, which is linear in practice and never worse than n log n.

use super::card::BandRule;

/// Band index of a person with no band (NaN total, or below every threshold).
pub const NO_BAND: u16 = u16::MAX;

#[derive(Debug, Clone, Default)]
pub struct Ranker {
    /// Person indices, best first.
    pub order: Vec<u32>,
    scratch: Vec<u32>,
    counts: Vec<u32>,
}

#[inline]
fn before(total: &[f64], tiebreak: &[u32], p: u32, q: u32) -> std::cmp::Ordering {
    let (tp, tq) =
        (total.get(p as usize).copied().unwrap_or(f64::NAN), total.get(q as usize).copied().unwrap_or(f64::NAN));
    let by_total = match (tp.is_nan(), tq.is_nan()) {
        (false, false) => tq.total_cmp(&tp),
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        (true, true) => std::cmp::Ordering::Equal,
    };
    by_total.then_with(|| tiebreak.get(p as usize).cmp(&tiebreak.get(q as usize)))
}

impl Ranker {
    pub fn new(n: usize) -> Ranker {
        Ranker { order: (0..n as u32).collect(), scratch: vec![0; n], counts: Vec::new() }
    }

    /// Re-sort `order` for new totals (see the module docs).
    pub fn sort(&mut self, total: &[f64], tiebreak: &[u32]) {
        let n = total.len();
        if self.order.len() != n {
            self.order = (0..n as u32).collect();
        }
        self.scratch.resize(n, 0);
        let k = (n / 2).next_power_of_two().clamp(256, 1 << 20);
        self.counts.clear();
        self.counts.resize(k + 2, 0);
        let kf = k as f64;
        let bucket = |t: f64| -> usize {
            if t.is_nan() {
                k
            } else {
                // Descending total = ascending bucket.
                (((100.0 - t.clamp(0.0, 100.0)) * (kf / 100.0)) as usize).min(k - 1)
            }
        };
        for &p in &self.order {
            let b = bucket(total.get(p as usize).copied().unwrap_or(f64::NAN));
            if let Some(c) = self.counts.get_mut(b + 1) {
                *c += 1;
            }
        }
        for i in 1..self.counts.len() {
            let prev = self.counts.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = self.counts.get_mut(i) {
                *c += prev;
            }
        }
        // counts[b] is now the start of bucket b.
        for &p in &self.order {
            let b = bucket(total.get(p as usize).copied().unwrap_or(f64::NAN));
            if let Some(c) = self.counts.get_mut(b) {
                if let Some(s) = self.scratch.get_mut(*c as usize) {
                    *s = p;
                }
                *c += 1;
            }
        }
        // counts[b] is now the end of bucket b; sort each bucket exactly.
        let mut start = 0usize;
        for b in 0..=k {
            let end = self.counts.get(b).copied().unwrap_or(0) as usize;
            if let Some(slice) = self.scratch.get_mut(start..end) {
                if slice.len() > 1 {
                    if slice.len() <= 24 {
                        insertion_sort(slice, |p, q| before(total, tiebreak, p, q).is_lt());
                    } else {
                        slice.sort_by(|&p, &q| before(total, tiebreak, p, q));
                    }
                }
            }
            start = end;
        }
        std::mem::swap(&mut self.order, &mut self.scratch);
    }
}

fn insertion_sort(v: &mut [u32], less: impl Fn(u32, u32) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            let (a, b) = (v.get(j - 1).copied().unwrap_or(0), v.get(j).copied().unwrap_or(0));
            if less(b, a) {
                v.swap(j - 1, j);
                j -= 1;
            } else {
                break;
            }
        }
    }
}

/// Competition ranks ("1224") from a sorted order; NaN totals share the
/// rank after the last valid one. With `groups`, ranks are within each group
/// (`n_groups` codes, one per person).
pub fn competition_ranks(order: &[u32], total: &[f64], groups: Option<(&[u32], usize)>, out: &mut [u32]) {
    let ng = groups.map_or(1, |g| g.1.max(1));
    let mut seen = vec![0u32; ng];
    let mut last_total = vec![f64::NAN; ng];
    let mut last_rank = vec![0u32; ng];
    for &p in order {
        let pi = p as usize;
        let g = groups.and_then(|(codes, _)| codes.get(pi).copied()).unwrap_or(0) as usize;
        let t = total.get(pi).copied().unwrap_or(f64::NAN);
        let (Some(s), Some(lt), Some(lr)) = (seen.get_mut(g), last_total.get_mut(g), last_rank.get_mut(g)) else {
            continue;
        };
        *s += 1;
        let tie = *s > 1 && (t == *lt || (t.is_nan() && lt.is_nan()));
        if !tie {
            *lr = *s;
            *lt = t;
        }
        if let Some(o) = out.get_mut(pi) {
            *o = *lr;
        }
    }
}

/// Cumulative target counts of a forced distribution over `n` people:
/// `c_k = floor(n · Σ_{j≤k} share_j + ½)`, the last one exactly `n`.
pub fn distribution_cuts(shares: &[f64], n: usize) -> Vec<usize> {
    let mut cum = 0.0;
    let len = shares.len();
    shares
        .iter()
        .enumerate()
        .map(|(i, s)| {
            cum += s;
            if i + 1 == len {
                n
            } else {
                (libm::floor(n as f64 * cum + 0.5) as usize).min(n)
            }
        })
        .collect()
}

/// Assign bands. Thresholds: the first band (highest `min` first) whose
/// `min ≤ total`. Distribution: by competition rank `r` (over this
/// population), the first band `k` with `r − 1 < c_k` — so people tied at a
/// cut-off all go to the better band.
pub fn assign_bands(rule: &BandRule, total: &[f64], rank: &[u32], out: &mut [u16]) {
    match rule {
        BandRule::None => out.fill(NO_BAND),
        BandRule::Thresholds(t) => {
            for (o, &x) in out.iter_mut().zip(total) {
                *o = if x.is_nan() {
                    NO_BAND
                } else {
                    t.iter().position(|(_, min)| *min <= x).map_or(NO_BAND, |i| i as u16)
                };
            }
        }
        BandRule::Distribution(d) => {
            let valid = total.iter().filter(|x| !x.is_nan()).count();
            let shares: Vec<f64> = d.iter().map(|(_, s)| *s).collect();
            let cuts = distribution_cuts(&shares, valid);
            for ((o, &x), &r) in out.iter_mut().zip(total).zip(rank) {
                *o = if x.is_nan() {
                    NO_BAND
                } else {
                    let before = r.saturating_sub(1) as usize;
                    cuts.iter().position(|&c| before < c).map_or(NO_BAND, |i| i as u16)
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_ties_and_nan() {
        let total = [50.0, 90.0, f64::NAN, 90.0, 10.0];
        let tb = [0, 1, 2, 3, 4];
        let mut r = Ranker::new(5);
        r.sort(&total, &tb);
        assert_eq!(r.order, [1, 3, 0, 4, 2]);
        let mut ranks = [0; 5];
        competition_ranks(&r.order, &total, None, &mut ranks);
        assert_eq!(ranks, [3, 1, 5, 1, 4]);
        let groups = [0, 1, 0, 0, 1];
        competition_ranks(&r.order, &total, Some((&groups, 2)), &mut ranks);
        assert_eq!(ranks, [2, 1, 3, 1, 2]);
    }

    #[test]
    fn sort_matches_plain_sort_on_many_values() {
        let n = 5000;
        let total: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 10.0).collect();
        let tb: Vec<u32> = (0..n as u32).rev().collect();
        let mut r = Ranker::new(n);
        r.sort(&total, &tb);
        let mut plain: Vec<u32> = (0..n as u32).collect();
        plain.sort_by(|&p, &q| before(&total, &tb, p, q));
        assert_eq!(r.order, plain);
        // Re-sorting from the previous order gives the same answer.
        r.sort(&total, &tb);
        assert_eq!(r.order, plain);
    }

    #[test]
    fn forced_distribution_ties_go_up() {
        let rule = BandRule::Distribution(vec![("A".into(), 0.2), ("B".into(), 0.6), ("C".into(), 0.2)]);
        // 10 people; the 2nd and 3rd are tied at the A cut (c_A = 2).
        let total = [100.0, 90.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0];
        let rank = [1, 2, 2, 4, 5, 6, 7, 8, 9, 10];
        let mut out = [0u16; 10];
        assign_bands(&rule, &total, &rank, &mut out);
        assert_eq!(out, [0, 0, 0, 1, 1, 1, 1, 1, 2, 2]);
        assert_eq!(distribution_cuts(&[0.2, 0.7, 0.1], 10), [2, 9, 10]);
    }
}
