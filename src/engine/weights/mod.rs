//! Where weights come from: subjective (AHP pairwise comparisons), objective
//! (entropy, CRITIC over the data), their combination (组合赋权), and rank
//! correlations to compare two weightings' results.
//!
//! # Example
//! ```
//! use hrlens::engine::weights::ahp;
//! let r = ahp(&[vec![1.0, 3.0], vec![1.0 / 3.0, 1.0]]).unwrap();
//! assert!((r.weights[0] - 0.75).abs() < 1e-12);
//! assert_eq!(r.cr, 0.0);
//! ```

mod ahp;
mod combine;
mod corr;
mod objective;

pub use ahp::{ahp, Ahp, RANDOM_INDEX};
pub use combine::{combine, Combination};
pub use corr::{kendall_tau_b, midranks, spearman};
pub use objective::{critic, critic_matrix, entropy, entropy_matrix};
