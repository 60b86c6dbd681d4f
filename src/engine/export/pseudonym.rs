//! Stable pseudonyms for names and ids, from a keyed hash.
//!
//! The pseudonym of a value is
//!
//! ```text
//! prefix + Crockford-base32( first 60 bits of HMAC-SHA-256(secret, "hrlens/pseudonym/v1" ‖ 0x00 ‖ trim(value)) )
//! ```
//!
//! (12 characters from `0-9A-Z` without `I L O U`; prefix `P-` by default),
//! so:
//!
//! - the same secret and value give the same pseudonym in every export,
//!   every column and every session: a manager id column still matches the
//!   employee id column, and this month's export joins last month's;
//! - without the secret nobody can recompute one, even for guessable ids
//!   such as `E00001` (a plain hash could be reversed by trying them all);
//!   the page keeps one random secret per workspace, inside the encrypted
//!   workspace file;
//! - distinct values collide with probability about n²/2⁶¹ (below 10⁻⁶ for
//!   a million distinct values).
//!
//! This is pseudonymisation, not anonymisation: other columns of a row may
//! still identify the person.

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::engine::error::{Error, Result};

/// The shortest secret accepted, in bytes (UTF-8 of the string).
pub const MIN_SECRET_BYTES: usize = 16;

const DOMAIN: &[u8] = b"hrlens/pseudonym/v1\0";
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `pseudonymize` export option.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PseudonymOptions {
    /// The columns whose values are replaced.
    pub columns: Vec<String>,
    /// The workspace's secret (at least 16 bytes).
    pub secret: String,
    /// Put before every pseudonym (default `P-`).
    #[serde(default)]
    pub prefix: Option<String>,
}

/// Turns values into pseudonyms under one secret.
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
    prefix: String,
}

impl Pseudonymizer {
    /// # Errors
    /// `ParamError` when the secret is shorter than [`MIN_SECRET_BYTES`] or
    /// the prefix longer than 16 characters.
    pub fn new(secret: &[u8], prefix: Option<&str>) -> Result<Pseudonymizer> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(Error::param(
                format!("the pseudonym secret must be at least {MIN_SECRET_BYTES} bytes (got {})", secret.len()),
                format!("假名密钥至少需要 {MIN_SECRET_BYTES} 字节（现为 {}）", secret.len()),
            ));
        }
        let prefix = prefix.unwrap_or("P-");
        if prefix.chars().count() > 16 {
            return Err(Error::param("the pseudonym prefix is longer than 16 characters", "假名前缀超过 16 个字符"));
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|_| Error::param("the pseudonym secret cannot be used as a key", "假名密钥无法用作密钥"))?;
        Ok(Pseudonymizer { mac, prefix: prefix.to_owned() })
    }

    /// The pseudonym of `value` (surrounding whitespace ignored).
    pub fn pseudonym(&self, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(DOMAIN);
        mac.update(value.trim().as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut head = [0u8; 8];
        for (h, d) in head.iter_mut().zip(digest.iter()) {
            *h = *d;
        }
        let bits = u64::from_be_bytes(head) >> 4; // the first 60 bits
        let mut out = String::with_capacity(self.prefix.len() + 12);
        out.push_str(&self.prefix);
        for k in (0..12).rev() {
            let i = ((bits >> (5 * k)) & 31) as usize;
            out.push(char::from(CROCKFORD.get(i).copied().unwrap_or(b'0')));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    const SECRET: &[u8] = b"workspace-secret-0001";

    #[test]
    fn stable_for_the_same_secret_and_value() {
        let a = Pseudonymizer::new(SECRET, None).unwrap();
        let b = Pseudonymizer::new(SECRET, None).unwrap();
        assert_eq!(a.pseudonym("E00001"), b.pseudonym("E00001"));
        assert_eq!(a.pseudonym("张伟"), a.pseudonym(" 张伟 "));
        let p = a.pseudonym("E00001");
        assert_eq!(p.len(), 14);
        assert!(p.starts_with("P-"));
        assert!(p[2..].bytes().all(|c| CROCKFORD.contains(&c)), "{p}");
    }

    #[test]
    fn golden_value_pins_the_documented_construction() {
        // HMAC-SHA-256(key "workspace-secret-0001", "hrlens/pseudonym/v1\0E00001"), first 60 bits,
        // Crockford base32: recomputed independently with Python's hmac module.
        let a = Pseudonymizer::new(SECRET, None).unwrap();
        assert_eq!(a.pseudonym("E00001"), GOLDEN_E00001);
    }
    const GOLDEN_E00001: &str = "P-0E1DV142Y585";

    #[test]
    fn distinct_values_and_secrets_give_distinct_pseudonyms() {
        let a = Pseudonymizer::new(SECRET, None).unwrap();
        let seen: HashSet<String> = (0..100_000).map(|i| a.pseudonym(&format!("E{i:05}"))).collect();
        assert_eq!(seen.len(), 100_000);
        let other = Pseudonymizer::new(b"another-secret-of-16+", None).unwrap();
        assert_ne!(a.pseudonym("E00001"), other.pseudonym("E00001"));
        let tagged = Pseudonymizer::new(SECRET, Some("员工-")).unwrap();
        assert_eq!(tagged.pseudonym("E00001").strip_prefix("员工-"), a.pseudonym("E00001").strip_prefix("P-"));
    }

    #[test]
    fn short_secrets_are_refused() {
        let e = Pseudonymizer::new(b"short", None).err().unwrap();
        assert!(e.to_string().contains("at least 16 bytes (got 5)"), "{e}");
        assert!(e.to_zh().contains("至少需要 16 字节"));
        assert!(Pseudonymizer::new(SECRET, Some("a-very-long-prefix-indeed")).is_err());
    }
}
