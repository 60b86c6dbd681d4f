//! Ordering, competition ranks and bands, fast enough to redo on every
//! what-if change.
//!
//! The order is total descending, then by employee id (its position in id
//! order), NaN totals last: a pure function of the totals, so a what-if and a
//! fresh score agree exactly. It is computed by a bucket sort: one pass
//! over the totals for their range and a histogram of value buckets (about
//! eight people per bucket, spread over the actual min..max), one pass that
//! scatters each person's `(key, tiebreak, person)` record into its bucket
//! (the key is the total as an integer that sorts the same way), and a small
//! exact sort within each bucket on those records. Every pass reads its
//! input in order and the bucket sorts touch only their own records, so no
//! pass chases people through memory at random (the previous version walked
//! the last order and looked each total up: a cache miss per person). Linear
//! in practice, never worse than n log n.

use super::card::BandRule;

/// Band index of a person with no band (NaN total, or below every threshold).
pub const NO_BAND: u16 = u16::MAX;

/// One person in the sort: the total as an integer key that sorts best
/// first ([`desc_key`]), the tiebreak (position in id order), the index.
#[derive(Debug, Clone, Copy, Default)]
struct Rec {
    key: u64,
    tiebreak: u32,
    person: u32,
}

/// An integer whose ascending order is the totals' descending
/// [`f64::total_cmp`] order, NaN last (`u64::MAX`, which no number maps to).
#[inline]
fn desc_key(t: f64) -> u64 {
    if t.is_nan() {
        return u64::MAX;
    }
    let bits = t.to_bits();
    let ascending = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
    !ascending
}

/// The total back from [`desc_key`] (any NaN for `u64::MAX`).
#[inline]
fn key_total(key: u64) -> f64 {
    let ascending = !key;
    f64::from_bits(if ascending >> 63 == 1 { ascending & !(1 << 63) } else { !ascending })
}

#[derive(Debug, Clone, Default)]
pub struct Ranker {
    /// Person indices, best first.
    pub order: Vec<u32>,
    /// `total[order[i]]`, for ranks without a random read.
    pub sorted_total: Vec<f64>,
    recs: Vec<Rec>,
    counts: Vec<u32>,
    buckets: Vec<u32>,
}

#[cfg(test)]
fn before(total: &[f64], tiebreak: &[u32], p: u32, q: u32) -> std::cmp::Ordering {
    let (tp, tq) =
        (total.get(p as usize).copied().unwrap_or(f64::NAN), total.get(q as usize).copied().unwrap_or(f64::NAN));
    by_total(tp, tq).then_with(|| tiebreak.get(p as usize).cmp(&tiebreak.get(q as usize)))
}

/// Descending, NaN last.
#[cfg(test)]
fn by_total(tp: f64, tq: f64) -> std::cmp::Ordering {
    match (tp.is_nan(), tq.is_nan()) {
        (false, false) => tq.total_cmp(&tp),
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        (true, true) => std::cmp::Ordering::Equal,
    }
}

#[inline]
fn rec_less(a: &Rec, b: &Rec) -> bool {
    (a.key, a.tiebreak) < (b.key, b.tiebreak)
}

impl Ranker {
    pub fn new(n: usize) -> Ranker {
        Ranker { order: (0..n as u32).collect(), ..Ranker::default() }
    }

    /// Sort everyone for new totals (see the module docs).
    pub fn sort(&mut self, total: &[f64], tiebreak: &[u32]) {
        let n = total.len();
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &t in total {
            // NaN fails both comparisons.
            if t < lo {
                lo = t;
            }
            if t > hi {
                hi = t;
            }
        }
        let k = (n / 8).next_power_of_two().clamp(64, 1 << 20);
        let scale = if hi > lo { k as f64 / (hi - lo) } else { 0.0 };
        // Monotone: a higher total never lands in a later bucket; NaN in bucket k.
        let bucket = |t: f64| -> usize {
            if t.is_nan() {
                k
            } else {
                (((hi - t) * scale) as usize).min(k - 1)
            }
        };
        self.buckets.clear();
        self.buckets.extend(total.iter().map(|&t| bucket(t) as u32));
        self.counts.clear();
        self.counts.resize(k + 2, 0);
        for &b in &self.buckets {
            if let Some(c) = self.counts.get_mut(b as usize + 1) {
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
        self.recs.clear();
        self.recs.resize(n, Rec::default());
        for (p, (&b, &t)) in self.buckets.iter().zip(total).enumerate() {
            if let Some(c) = self.counts.get_mut(b as usize) {
                if let Some(r) = self.recs.get_mut(*c as usize) {
                    *r = Rec {
                        key: desc_key(t),
                        tiebreak: tiebreak.get(p).copied().unwrap_or(u32::MAX),
                        person: p as u32,
                    };
                }
                *c += 1;
            }
        }
        // counts[b] is now the end of bucket b; sort each bucket exactly.
        let mut start = 0usize;
        for b in 0..=k {
            let end = self.counts.get(b).copied().unwrap_or(0) as usize;
            if let Some(slice) = self.recs.get_mut(start..end) {
                if slice.len() > 1 {
                    if slice.len() <= 24 {
                        insertion_sort(slice, rec_less);
                    } else {
                        slice.sort_unstable_by_key(|r| (r.key, r.tiebreak));
                    }
                }
            }
            start = end;
        }
        self.order.clear();
        self.order.extend(self.recs.iter().map(|r| r.person));
        self.sorted_total.clear();
        self.sorted_total.extend(self.recs.iter().map(|r| key_total(r.key)));
    }
}

fn insertion_sort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            let (Some(a), Some(b)) = (v.get(j - 1), v.get(j)) else { break };
            if less(b, a) {
                v.swap(j - 1, j);
                j -= 1;
            } else {
                break;
            }
        }
    }
}

/// Competition ranks over everyone from a [`Ranker`]'s sort (the same as
/// [`competition_ranks`] without groups, with the totals read in order).
pub fn competition_ranks_sorted(ranker: &Ranker, out: &mut [u32]) {
    let mut last_total = f64::NAN;
    let mut last_rank = 0u32;
    for (i, (&p, &t)) in ranker.order.iter().zip(&ranker.sorted_total).enumerate() {
        let tie = i > 0 && (t == last_total || (t.is_nan() && last_total.is_nan()));
        if !tie {
            last_rank = i as u32 + 1;
            last_total = t;
        }
        if let Some(o) = out.get_mut(p as usize) {
            *o = last_rank;
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
        // Sorting again gives the same answer.
        r.sort(&total, &tb);
        assert_eq!(r.order, plain);
        let (mut a, mut b) = (vec![0; n], vec![0; n]);
        competition_ranks(&r.order, &total, None, &mut a);
        competition_ranks_sorted(&r, &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn keys_order_like_total_cmp_descending_and_round_trip() {
        let xs = [f64::NEG_INFINITY, -1e300, -2.5, -0.0, 0.0, 1e-310, 0.1, 50.0, 100.0, 1e300, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(desc_key(w[0]) > desc_key(w[1]), "{} vs {}", w[0], w[1]);
        }
        for &x in &xs {
            assert_eq!(key_total(desc_key(x)).to_bits(), x.to_bits());
            assert!(desc_key(x) < desc_key(f64::NAN));
        }
        assert!(key_total(desc_key(f64::NAN)).is_nan());
    }

    #[test]
    fn sort_handles_nan_constant_and_clustered_totals() {
        let n = 3000;
        let cases: Vec<Vec<f64>> = vec![
            vec![42.0; n],
            (0..n).map(|i| if i % 7 == 0 { f64::NAN } else { (i % 13) as f64 }).collect(),
            // Everyone within 1e-9 but one far away: all in one bucket.
            (0..n).map(|i| if i == 5 { 0.0 } else { 50.0 + (i as f64) * 1e-13 }).collect(),
            vec![f64::NAN; 4],
            vec![],
        ];
        for total in cases {
            let n = total.len();
            let tb: Vec<u32> = (0..n as u32).map(|i| (i * 7) % n.max(1) as u32).collect();
            let mut r = Ranker::new(n);
            r.sort(&total, &tb);
            let mut plain: Vec<u32> = (0..n as u32).collect();
            plain.sort_by(|&p, &q| before(&total, &tb, p, q));
            assert_eq!(r.order, plain);
            let (mut a, mut b) = (vec![0; n], vec![0; n]);
            competition_ranks(&r.order, &total, None, &mut a);
            competition_ranks_sorted(&r, &mut b);
            assert_eq!(a, b);
        }
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
