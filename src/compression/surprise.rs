//! Rules that decide whether an input was unexpected, i.e. whether the predictor failed.
//!
//! Schmidhuber 1992 (Neural Computation 4(2)) and the 1993 habilitation thesis read a
//! real-valued prediction through its nearest legal input vector, which for one-hot symbols
//! is the winner-take-all unit. The 1992 two-net experiment instead tests the largest
//! absolute error against 0.2. The continuous variant (NIPS 4, 1991; Schmidhuber, Mozer and
//! Prelinger 1993) measures the information -log p of the observed symbol. A NaN anywhere in
//! the compared outputs always counts as a surprise, so a diverging net can never hide an
//! input from the level above.

use ndarray::ArrayView1;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::net::argmax;

/// The threshold of the 1992 two-net experiment: max |error| over the prediction outputs.
pub const DEFAULT_THRESHOLD: f64 = 0.2;

/// One bit: an observed symbol counts as unexpected when its predicted probability is
/// below 1/2.
pub const DEFAULT_BITS: f64 = 1.0;

/// The test that decides whether an input was unexpected.
///
/// In TOML: `{ rule = "winner-take-all" }`, `{ rule = "threshold", threshold = 0.2 }` or
/// `{ rule = "graded", bits = 1.0 }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SurpriseRule {
    /// The largest prediction output (ties to the lowest index) is not the actual symbol.
    #[default]
    WinnerTakeAll,
    /// The largest absolute error over the prediction outputs exceeds `threshold`.
    Threshold {
        #[serde(default = "default_threshold")]
        threshold: f64,
    },
    /// -log2 of the predicted probability of the actual symbol exceeds `bits`. The
    /// probabilities are the prediction outputs divided by their sum, which leaves softmax
    /// outputs unchanged.
    Graded {
        #[serde(default = "default_bits")]
        bits: f64,
    },
}

fn default_threshold() -> f64 {
    DEFAULT_THRESHOLD
}

fn default_bits() -> f64 {
    DEFAULT_BITS
}

impl SurpriseRule {
    /// The name used in configs and CSV files.
    pub fn name(&self) -> &'static str {
        match self {
            Self::WinnerTakeAll => "winner-take-all",
            Self::Threshold { .. } => "threshold",
            Self::Graded { .. } => "graded",
        }
    }

    /// Checks the rule's parameter; `key` names it in the error, e.g. `level.surprise`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the threshold is not in (0, 1) or the bits are not a
    /// finite number > 0.
    pub fn validate(&self, key: &str) -> Result<()> {
        match *self {
            Self::WinnerTakeAll => Ok(()),
            Self::Threshold { threshold } => {
                if threshold > 0.0 && threshold < 1.0 {
                    Ok(())
                } else {
                    Err(Error::invalid(
                        format!("{key}.threshold"),
                        threshold,
                        "expected a number in (0, 1); the 1992 experiment uses 0.2",
                    ))
                }
            }
            Self::Graded { bits } => {
                if bits.is_finite() && bits > 0.0 {
                    Ok(())
                } else {
                    Err(Error::invalid(
                        format!("{key}.bits"),
                        bits,
                        "expected a finite number of bits > 0, e.g. 1.0",
                    ))
                }
            }
        }
    }

    /// Whether `symbol` was unexpected given the prediction outputs (one per symbol).
    ///
    /// Shapes: `prediction` is S, the alphabet size; `symbol` < S.
    ///
    /// # Panics
    /// When `symbol` is not below the length of `prediction`.
    pub fn is_unexpected(&self, prediction: ArrayView1<f64>, symbol: usize) -> bool {
        assert!(
            symbol < prediction.len(),
            "symbol {symbol} is outside the {} prediction outputs",
            prediction.len()
        );
        match *self {
            Self::WinnerTakeAll => argmax(prediction) != Some(symbol),
            Self::Threshold { threshold } => {
                let largest = max_abs_error(prediction, symbol);
                largest.is_nan() || largest > threshold
            }
            Self::Graded { bits } => {
                let information = information_bits(prediction, symbol);
                information.is_nan() || information > bits
            }
        }
    }

    /// Whether a binary target (0 or 1) was mispredicted by the target output `predicted`.
    ///
    /// The threshold rule applies its own threshold; the other two rules take the nearest
    /// legal value (0 or 1) as the prediction, so an error of 0.5 or more is a surprise.
    pub fn is_unexpected_target(&self, predicted: f64, target: f64) -> bool {
        let error = (predicted - target).abs();
        match *self {
            Self::Threshold { threshold } => error.is_nan() || error > threshold,
            Self::WinnerTakeAll | Self::Graded { .. } => error.is_nan() || error >= 0.5,
        }
    }
}

/// The largest absolute error of the prediction outputs against the one-hot code of
/// `symbol`; NaN when any output is NaN.
///
/// Shapes: `prediction` is S.
pub fn max_abs_error(prediction: ArrayView1<f64>, symbol: usize) -> f64 {
    let mut largest: f64 = 0.0;
    for (k, &y) in prediction.iter().enumerate() {
        let error = if k == symbol {
            (1.0 - y).abs()
        } else {
            y.abs()
        };
        if error.is_nan() {
            return f64::NAN;
        }
        largest = largest.max(error);
    }
    largest
}

/// The information -log2 p of `symbol`, with p its output divided by the sum of all
/// prediction outputs: infinite when p is 0, NaN when any output is NaN or the sum is not
/// positive.
///
/// Shapes: `prediction` is S.
pub fn information_bits(prediction: ArrayView1<f64>, symbol: usize) -> f64 {
    let sum: f64 = prediction.sum();
    if prediction.iter().any(|v| v.is_nan() || *v < 0.0) || sum.is_nan() || sum <= 0.0 {
        return f64::NAN;
    }
    -(prediction[symbol] / sum).log2()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn winner_take_all_ties_go_to_lowest_index() {
        let rule = SurpriseRule::WinnerTakeAll;
        let tied = array![0.4, 0.4, 0.2];
        assert!(!rule.is_unexpected(tied.view(), 0));
        assert!(rule.is_unexpected(tied.view(), 1));
    }

    #[test]
    fn threshold_compares_the_largest_error() {
        let rule = SurpriseRule::Threshold { threshold: 0.2 };
        assert!(!rule.is_unexpected(array![0.85, 0.1, 0.15].view(), 0));
        assert!(rule.is_unexpected(array![0.85, 0.1, 0.25].view(), 0));
        assert!(rule.is_unexpected(array![0.75, 0.1, 0.1].view(), 0));
    }

    #[test]
    fn graded_measures_bits() {
        let rule = SurpriseRule::Graded { bits: 1.0 };
        // p = 0.6 / 1.0: 0.74 bits.
        assert!(!rule.is_unexpected(array![0.6, 0.4].view(), 0));
        // p = 0.4: 1.32 bits.
        assert!(rule.is_unexpected(array![0.6, 0.4].view(), 1));
        // Outputs that do not sum to 1 are normalised: p = 0.3 / 0.4 = 0.75.
        assert!(!rule.is_unexpected(array![0.3, 0.1].view(), 0));
        assert_eq!(information_bits(array![0.25, 0.75].view(), 0), 2.0);
    }

    #[test]
    fn nan_is_always_a_surprise() {
        let with_nan = array![1.0, f64::NAN, 0.0];
        for rule in [
            SurpriseRule::WinnerTakeAll,
            SurpriseRule::Threshold { threshold: 0.2 },
            SurpriseRule::Graded { bits: 1.0 },
        ] {
            assert!(rule.is_unexpected(with_nan.view(), 0), "{}", rule.name());
            assert!(rule.is_unexpected_target(f64::NAN, 1.0), "{}", rule.name());
        }
    }

    #[test]
    fn zero_probability_is_a_surprise() {
        let rule = SurpriseRule::Graded { bits: 30.0 };
        assert!(rule.is_unexpected(array![1.0, 0.0].view(), 1));
        assert!(rule.is_unexpected(array![0.0, 0.0].view(), 0));
    }

    #[test]
    fn target_rules() {
        let wta = SurpriseRule::WinnerTakeAll;
        assert!(!wta.is_unexpected_target(0.6, 1.0));
        assert!(wta.is_unexpected_target(0.5, 1.0));
        let threshold = SurpriseRule::Threshold { threshold: 0.2 };
        assert!(threshold.is_unexpected_target(0.6, 1.0));
        assert!(!threshold.is_unexpected_target(0.9, 1.0));
    }

    #[test]
    fn parses_from_toml() {
        #[derive(Deserialize)]
        struct Wrapper {
            surprise: SurpriseRule,
        }
        let parsed: Wrapper = toml::from_str("surprise = { rule = \"threshold\" }").unwrap();
        assert_eq!(parsed.surprise, SurpriseRule::Threshold { threshold: 0.2 });
        let parsed: Wrapper =
            toml::from_str("surprise = { rule = \"graded\", bits = 0.5 }").unwrap();
        assert_eq!(parsed.surprise, SurpriseRule::Graded { bits: 0.5 });
        assert!(toml::from_str::<Wrapper>("surprise = { rule = \"maybe\" }").is_err());
    }

    #[test]
    fn validate_rejects_bad_parameters() {
        assert!(
            SurpriseRule::Threshold { threshold: 0.0 }
                .validate("s")
                .is_err()
        );
        assert!(
            SurpriseRule::Threshold {
                threshold: f64::NAN
            }
            .validate("s")
            .is_err()
        );
        assert!(SurpriseRule::Graded { bits: -1.0 }.validate("s").is_err());
        assert!(SurpriseRule::Graded { bits: 2.0 }.validate("s").is_ok());
    }
}
