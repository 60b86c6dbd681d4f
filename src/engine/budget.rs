//! The memory budget: how much one piece of work may allocate.
//!
//! In wasm an allocation that fails traps and kills the whole instance (the
//! user loses every loaded file), so work whose memory grows with its input —
//! loading a file, a trend panel of groups × months, a what-if matrix, a
//! k-means run — first asks [`check`] whether its estimate fits the budget,
//! and fails with a `LimitError` that says what was asked and what is allowed
//! when it does not. The budget is per request (the estimate of that one
//! piece of work, on top of what is already loaded); the default, 1.5 GiB,
//! leaves room under the 4 GiB wasm32 ceiling for the data already in memory
//! and for the copies handed to JavaScript. The page or an embedder may lower
//! or raise it with `setMemoryBudget` (16 MiB up to 3.5 GiB).

use std::sync::atomic::{AtomicU64, Ordering};

use super::error::{Error, Result};

/// 1.5 GiB.
pub const DEFAULT_BUDGET: u64 = 3 << 29;
/// The smallest budget that can be set (16 MiB).
pub const MIN_BUDGET: u64 = 16 << 20;
/// The largest budget that can be set (3.5 GiB, under the wasm32 ceiling).
pub const MAX_BUDGET: u64 = 7 << 29;

static BUDGET: AtomicU64 = AtomicU64::new(DEFAULT_BUDGET);

/// The current budget in bytes.
pub fn budget() -> u64 {
    BUDGET.load(Ordering::Relaxed)
}

/// Set the budget in bytes.
///
/// # Errors
/// `ParamError` outside [`MIN_BUDGET`]..=[`MAX_BUDGET`].
pub fn set_budget(bytes: u64) -> Result<()> {
    if !(MIN_BUDGET..=MAX_BUDGET).contains(&bytes) {
        return Err(Error::param(
            format!("a memory budget of {} is outside {} to {}", mib(bytes), mib(MIN_BUDGET), mib(MAX_BUDGET)),
            format!("内存预算 {} 超出范围 {} 至 {}", mib(bytes), mib(MIN_BUDGET), mib(MAX_BUDGET)),
        ));
    }
    BUDGET.store(bytes, Ordering::Relaxed);
    Ok(())
}

/// Fail with a `LimitError` when `bytes` (an estimate for `what`) exceed the budget.
///
/// # Errors
/// `LimitError` naming `what`, the estimate and the budget.
pub fn check(what_en: &str, what_zh: &str, bytes: u64) -> Result<()> {
    let allowed = budget();
    if bytes <= allowed {
        return Ok(());
    }
    Err(Error::limit(
        format!(
            "{what_en} needs about {} of memory; the budget is {} (setMemoryBudget changes it)",
            mib(bytes),
            mib(allowed)
        ),
        format!("{what_zh}约需 {} 内存；预算为 {}（可用 setMemoryBudget 调整）", mib(bytes), mib(allowed)),
    ))
}

/// `count × size` bytes, saturating (an estimate that overflows is over any budget).
pub fn bytes(count: usize, size: usize) -> u64 {
    (count as u64).saturating_mul(size as u64)
}

/// Bytes as MiB for messages (`1,536 MiB`).
pub fn mib(bytes: u64) -> String {
    let m = bytes.div_ceil(1 << 20);
    let digits = m.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(" MiB");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_says_what_was_asked_and_what_is_allowed() {
        assert!(check("a trend", "趋势", 1 << 20).is_ok());
        let e = check("a trend of 5 groups", "5 个分组的趋势", 5 << 30).unwrap_err();
        assert_eq!(e.kind.js_name(), "LimitError");
        assert!(e.message.en.contains("a trend of 5 groups needs about 5,120 MiB"), "{}", e.message.en);
        assert!(e.message.en.contains("the budget is 1,536 MiB"), "{}", e.message.en);
        assert!(e.message.zh.contains("5 个分组的趋势约需 5,120 MiB"), "{}", e.message.zh);
        assert_eq!(bytes(usize::MAX, 8), u64::MAX);
        assert!(set_budget(1).is_err());
        assert!(set_budget(8 << 30).is_err());
        assert_eq!(budget(), DEFAULT_BUDGET);
        assert_eq!(mib(0), "0 MiB");
        assert_eq!(mib(1), "1 MiB");
    }
}
