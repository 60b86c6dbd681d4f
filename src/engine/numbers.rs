//! The stored values of a number or date column.
//!
//! Most columns are kept as `f64`. A big load (see `LoadOptions::compact`)
//! keeps a column as 4-byte **scaled decimals** instead — `i32` integers and
//! one power of ten per column, `value = int / 10^exp` — when every value of
//! the column decodes to exactly the `f64` it was read as. That halves the
//! memory of KPI and date columns (`85.3`, `0.92`, `2024-03`, an integer
//! level) without changing a single bit of any result: IEEE division is
//! correctly rounded, so `853 / 10` is the `f64` nearest to 85.3, which is
//! what parsing `"85.3"` gives; and every value is checked by decoding it
//! before it is accepted. A value that does not fit (1/3, 1e300, -0.0, more
//! than [`MAX_EXP`] decimals) turns the column back into `f64`s.
//!
//! Readers that want a slice use [`Numbers::values`]: a borrow for `f64`
//! columns, a decoded copy for scaled ones. Hot loops over one row at a time
//! use [`Numbers::get`].

use std::borrow::Cow;

/// The most decimals a scaled column keeps (a value with more makes the column `f64`).
pub const MAX_EXP: u8 = 6;

/// The integer that stands for a missing value (NaN) in a scaled column.
const MISSING: i32 = i32::MIN;

const POW10: [f64; MAX_EXP as usize + 1] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];

fn pow10(exp: u8) -> f64 {
    POW10.get(usize::from(exp)).copied().unwrap_or(1.0)
}

/// `v` as an integer at `exp` decimals, when that decodes back to exactly `v`.
#[inline]
fn encode(v: f64, exp: u8) -> Option<i32> {
    if v.is_nan() {
        return (v.to_bits() == f64::NAN.to_bits()).then_some(MISSING);
    }
    let p = pow10(exp);
    let m = (v * p).round();
    if !(m > f64::from(MISSING) && m <= f64::from(i32::MAX)) {
        return None;
    }
    let i = m as i32;
    ((f64::from(i) / p).to_bits() == v.to_bits()).then_some(i)
}

#[inline]
fn decode(i: i32, p: f64) -> f64 {
    if i == MISSING {
        f64::NAN
    } else {
        f64::from(i) / p
    }
}

/// The values of a number or date column.
#[derive(Debug, Clone)]
pub enum Numbers {
    /// Plain `f64`s; NaN = missing.
    F64(Vec<f64>),
    /// `ints[i] / 10^exp`, exactly; `i32::MIN` = missing.
    Scaled { ints: Vec<i32>, exp: u8 },
}

impl Default for Numbers {
    fn default() -> Numbers {
        Numbers::F64(Vec::new())
    }
}

impl From<Vec<f64>> for Numbers {
    fn from(v: Vec<f64>) -> Numbers {
        Numbers::F64(v)
    }
}

impl PartialEq for Numbers {
    /// Bit-for-bit on the values (NaN equals NaN), whatever the storage.
    fn eq(&self, other: &Numbers) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl Numbers {
    pub fn len(&self) -> usize {
        match self {
            Numbers::F64(v) => v.len(),
            Numbers::Scaled { ints, .. } => ints.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value of `row` (NaN when missing or out of range).
    #[inline]
    pub fn get(&self, row: usize) -> f64 {
        match self {
            Numbers::F64(v) => v.get(row).copied().unwrap_or(f64::NAN),
            Numbers::Scaled { ints, exp } => ints.get(row).map_or(f64::NAN, |&i| decode(i, pow10(*exp))),
        }
    }

    /// Every value in row order.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        let (f, s, p) = match self {
            Numbers::F64(v) => (v.as_slice(), &[][..], 1.0),
            Numbers::Scaled { ints, exp } => (&[][..], ints.as_slice(), pow10(*exp)),
        };
        f.iter().copied().chain(s.iter().map(move |&i| decode(i, p)))
    }

    /// The values as a slice: borrowed when stored as `f64`, else decoded.
    pub fn values(&self) -> Cow<'_, [f64]> {
        match self {
            Numbers::F64(v) => Cow::Borrowed(v),
            Numbers::Scaled { .. } => Cow::Owned(self.iter().collect()),
        }
    }

    /// The values as a vector of `f64`s (moved out when stored that way).
    pub fn into_f64(self) -> Vec<f64> {
        match self {
            Numbers::F64(v) => v,
            s @ Numbers::Scaled { .. } => s.iter().collect(),
        }
    }

    /// Whether the values are stored as scaled decimals.
    pub fn is_scaled(&self) -> bool {
        matches!(self, Numbers::Scaled { .. })
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        match self {
            Numbers::F64(v) => v.capacity() * 8,
            Numbers::Scaled { ints, .. } => ints.capacity() * 4,
        }
    }

    /// Scaled decimals when every value fits exactly, else `f64`s as they are.
    pub fn compact(values: Vec<f64>) -> Numbers {
        let mut b = NumberBuf::new(true);
        if b.try_reserve(values.len()).is_err() {
            return Numbers::F64(values);
        }
        for &v in &values {
            b.push(v);
            if !b.is_scaled() {
                return Numbers::F64(values);
            }
        }
        b.finish()
    }

    /// The same values stored as scaled decimals when they fit exactly.
    pub fn compacted(self) -> Numbers {
        match self {
            Numbers::F64(v) => Numbers::compact(v),
            s => s,
        }
    }
}

/// A growing column of numbers: scaled decimals while every value fits,
/// `f64`s from the first one that does not (the values so far are decoded).
#[derive(Debug, Clone)]
pub struct NumberBuf {
    store: Numbers,
    /// Largest |int| so far, for widening `exp` without overflow.
    max_abs: u32,
}

impl NumberBuf {
    /// An empty buffer; `compact` starts it as scaled decimals.
    pub fn new(compact: bool) -> NumberBuf {
        let store = if compact { Numbers::Scaled { ints: Vec::new(), exp: 0 } } else { Numbers::F64(Vec::new()) };
        NumberBuf { store, max_abs: 0 }
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    pub fn capacity(&self) -> usize {
        match &self.store {
            Numbers::F64(v) => v.capacity(),
            Numbers::Scaled { ints, .. } => ints.capacity(),
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.store.heap_bytes()
    }

    pub fn is_scaled(&self) -> bool {
        self.store.is_scaled()
    }

    /// Room for `additional` more values.
    ///
    /// # Errors
    /// When the allocation fails.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), std::collections::TryReserveError> {
        match &mut self.store {
            Numbers::F64(v) => v.try_reserve_exact(additional),
            Numbers::Scaled { ints, .. } => ints.try_reserve_exact(additional),
        }
    }

    #[inline]
    pub fn push(&mut self, v: f64) {
        match &mut self.store {
            Numbers::F64(vals) => vals.push(v),
            Numbers::Scaled { ints, exp } => {
                if let Some(i) = encode(v, *exp) {
                    if i != MISSING {
                        self.max_abs = self.max_abs.max(i.unsigned_abs());
                    }
                    ints.push(i);
                } else {
                    self.push_slow(v);
                }
            }
        }
    }

    /// `v` needs more decimals than the column has so far, or does not fit at all.
    #[cold]
    fn push_slow(&mut self, v: f64) {
        let Numbers::Scaled { ints, exp } = &mut self.store else { return };
        for wider in *exp + 1..=MAX_EXP {
            let Some(i) = encode(v, wider) else { continue };
            let factor = 10u32.pow(u32::from(wider - *exp));
            if self.max_abs.checked_mul(factor).is_none_or(|m| m > i32::MAX as u32) {
                break;
            }
            let factor = factor as i32;
            for x in ints.iter_mut().filter(|x| **x != MISSING) {
                *x *= factor;
            }
            *exp = wider;
            self.max_abs = (self.max_abs * factor as u32).max(i.unsigned_abs());
            ints.push(i);
            return;
        }
        let p = pow10(*exp);
        let mut vals = Vec::with_capacity(ints.capacity().max(ints.len() + 1));
        vals.extend(ints.iter().map(|&i| decode(i, p)));
        vals.push(v);
        self.store = Numbers::F64(vals);
    }

    pub fn finish(self) -> Numbers {
        self.store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &[f64], b: &Numbers) -> bool {
        a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    #[test]
    fn decimals_as_read_from_text_are_kept_exactly() {
        let text = ["85.3", "0.92", "-12.5", "100", "", "3.14159", "2024", "0.000001", "-0.5"];
        let v: Vec<f64> = text.iter().map(|t| t.parse().unwrap_or(f64::NAN)).collect();
        let c = Numbers::compact(v.clone());
        assert!(c.is_scaled(), "{c:?}");
        assert!(same(&v, &c));
        assert!(matches!(c, Numbers::Scaled { exp: 6, .. }));
        assert_eq!(c.get(4).to_bits(), f64::NAN.to_bits());
        assert_eq!(c.get(99).to_bits(), f64::NAN.to_bits());
    }

    #[test]
    fn values_that_do_not_fit_keep_the_column_as_f64() {
        for bad in [1.0 / 3.0, 1e300, -0.0, 0.1234567, 3e9, f64::INFINITY, f64::from_bits(0x7ff8_0000_0000_0001)] {
            let v = vec![1.5, 2.0, bad, 4.25];
            let c = Numbers::compact(v.clone());
            assert!(!c.is_scaled(), "{bad} should not fit");
            assert!(same(&v, &c));
        }
    }

    #[test]
    fn widening_rescales_and_overflow_falls_back() {
        let mut b = NumberBuf::new(true);
        for v in [1.0, 2.5, 3.25, 4.125] {
            b.push(v);
        }
        assert!(b.is_scaled());
        assert!(same(&[1.0, 2.5, 3.25, 4.125], &b.clone().finish()));
        // 3e6 at 3 decimals is 3e9: over i32; widening fails, the column becomes f64.
        b.push(3_000_000.0);
        assert!(!b.is_scaled());
        assert!(same(&[1.0, 2.5, 3.25, 4.125, 3e6], &b.finish()));
    }

    #[test]
    fn equality_is_on_values_not_storage() {
        let v = vec![1.0, f64::NAN, 7.5];
        assert_eq!(Numbers::F64(v.clone()), Numbers::compact(v.clone()));
        assert_ne!(Numbers::F64(v), Numbers::F64(vec![1.0, f64::NAN, 7.25]));
        assert_eq!(Numbers::compact(vec![2.0; 3]).values().as_ref(), &[2.0, 2.0, 2.0]);
    }

    #[test]
    fn seeded_random_decimals_round_trip_at_every_exponent() {
        use rand_core::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(11);
        for exp in 0..=MAX_EXP {
            let p = pow10(exp);
            let v: Vec<f64> = (0..20_000)
                .map(|_| {
                    let i = (rng.next_u32() % 4_000_000_000) as i64 - 2_000_000_000;
                    let i = i as i32;
                    // As a parser would read the decimal text of i / 10^exp.
                    format!("{}", f64::from(i) / p).parse::<f64>().unwrap_or(f64::NAN)
                })
                .collect();
            let c = Numbers::compact(v.clone());
            assert!(c.is_scaled(), "exp {exp}");
            assert!(same(&v, &c), "exp {exp}");
        }
    }
}
