//! Time codes: what a higher level receives about time along with each unexpected input.
//!
//! The 1991 hierarchy (NIPS 4, 1991; Neural Computation 4(2), 1992) passes each unexpected
//! input up together with a unique representation of its time step. The 1992 two-net
//! experiment used none. The later redundancy-removal demo (Schmidhuber, "Neural predictors
//! for detecting and removing redundant information", ZiF volume) used one unit that decays
//! exponentially with the time since the last unexpected input and is reset to 1 at each
//! unexpected input.

use ndarray::ArrayViewMut1;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Largest number of binary counter units.
pub const MAX_BITS: usize = 32;

/// The encoding of an unexpected input's time for the level above.
///
/// In TOML: `{ code = "none" }`, `{ code = "binary", bits = 8 }` or
/// `{ code = "decaying", decay = 0.9 }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TimeCode {
    /// No time units.
    #[default]
    None,
    /// The time step t as `bits` binary units, lowest bit first (t mod 2^bits). Time
    /// restarts at 0 at each episode start; a stream without episodes counts from its
    /// first step.
    Binary { bits: usize },
    /// One unit: decay^(t - t_prev), where t_prev is the previous unexpected input. The
    /// value is read before the reset to 1 that the new unexpected input causes; before the
    /// first unexpected input of an episode the unit reads 0 (an infinitely old event).
    Decaying { decay: f64 },
}

impl TimeCode {
    /// The name used in configs and CSV files.
    pub fn name(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Binary { .. } => "binary",
            Self::Decaying { .. } => "decaying",
        }
    }

    /// The number of input units the code adds.
    pub fn width(&self) -> usize {
        match *self {
            Self::None => 0,
            Self::Binary { bits } => bits,
            Self::Decaying { .. } => 1,
        }
    }

    /// Checks the code's parameter; `key` names it in the error.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when `bits` is not in 1..=32 or `decay` is not in (0, 1).
    pub fn validate(&self, key: &str) -> Result<()> {
        match *self {
            Self::None => Ok(()),
            Self::Binary { bits } if (1..=MAX_BITS).contains(&bits) => Ok(()),
            Self::Binary { bits } => Err(Error::invalid(
                format!("{key}.bits"),
                bits,
                format!("expected 1 to {MAX_BITS} binary units"),
            )),
            Self::Decaying { decay } if decay > 0.0 && decay < 1.0 => Ok(()),
            Self::Decaying { decay } => Err(Error::invalid(
                format!("{key}.decay"),
                decay,
                "expected a decay factor per step in (0, 1), e.g. 0.9",
            )),
        }
    }
}

/// The state a time code needs: the start of the episode and the previous unexpected input.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeCoder {
    code: TimeCode,
    episode_start: u64,
    previous: Option<u64>,
}

impl TimeCoder {
    pub fn new(code: TimeCode) -> Self {
        Self {
            code,
            episode_start: 0,
            previous: None,
        }
    }

    pub fn code(&self) -> TimeCode {
        self.code
    }

    /// Starts a new episode at step `t`: the binary counter restarts and the decaying unit
    /// drops the previous unexpected input.
    pub fn start_episode(&mut self, t: u64) {
        self.episode_start = t;
        self.previous = None;
    }

    /// Writes the code of an unexpected input at step `t` into `out`, then records `t` as
    /// the latest unexpected input.
    ///
    /// Shapes: `out` has [`TimeCode::width`] elements.
    ///
    /// # Panics
    /// When `out` has the wrong length or `t` precedes the episode start or the previous
    /// unexpected input.
    pub fn encode(&mut self, t: u64, mut out: ArrayViewMut1<f64>) {
        assert_eq!(out.len(), self.code.width(), "time code width");
        assert!(t >= self.episode_start, "time {t} precedes its episode");
        match self.code {
            TimeCode::None => {}
            TimeCode::Binary { bits } => {
                let local = t - self.episode_start;
                for (bit, unit) in out.iter_mut().enumerate().take(bits) {
                    *unit = ((local >> bit) & 1) as f64;
                }
            }
            TimeCode::Decaying { decay } => {
                out[0] = match self.previous {
                    Some(previous) => {
                        assert!(t >= previous, "time {t} precedes the previous event");
                        // Saturate: after 2^31 steps the unit is 0 for any decay < 1.
                        let gap = i32::try_from(t - previous).unwrap_or(i32::MAX);
                        decay.powi(gap)
                    }
                    None => 0.0,
                };
            }
        }
        self.previous = Some(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    fn encode(coder: &mut TimeCoder, t: u64) -> Vec<f64> {
        let mut out = Array1::zeros(coder.code().width());
        coder.encode(t, out.view_mut());
        out.to_vec()
    }

    #[test]
    fn binary_counts_from_the_episode_start() {
        let mut coder = TimeCoder::new(TimeCode::Binary { bits: 4 });
        assert_eq!(encode(&mut coder, 5), [1.0, 0.0, 1.0, 0.0]);
        assert_eq!(encode(&mut coder, 18), [0.0, 1.0, 0.0, 0.0]);
        coder.start_episode(16);
        assert_eq!(encode(&mut coder, 19), [1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn decaying_unit_reads_time_since_previous() {
        let mut coder = TimeCoder::new(TimeCode::Decaying { decay: 0.5 });
        assert_eq!(encode(&mut coder, 0), [0.0]);
        assert_eq!(encode(&mut coder, 3), [0.125]);
        assert_eq!(encode(&mut coder, 4), [0.5]);
        coder.start_episode(10);
        assert_eq!(encode(&mut coder, 12), [0.0]);
    }

    #[test]
    fn none_has_no_units() {
        let mut coder = TimeCoder::new(TimeCode::None);
        assert!(encode(&mut coder, 7).is_empty());
    }

    #[test]
    fn validate_rejects_bad_parameters() {
        assert!(TimeCode::Binary { bits: 0 }.validate("t").is_err());
        assert!(TimeCode::Binary { bits: 33 }.validate("t").is_err());
        assert!(TimeCode::Decaying { decay: 1.0 }.validate("t").is_err());
        assert!(TimeCode::Decaying { decay: 0.9 }.validate("t").is_ok());
    }
}
