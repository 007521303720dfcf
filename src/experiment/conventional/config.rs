//! The config of the conventional-net experiment on the standard task: one logistic
//! recurrent net, layered or fully recurrent, trained online by RTRL or truncated BPTT
//! (Schmidhuber 1992, Neural Computation 4(2), section 5, the control of the 20-step
//! experiment).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::experiment::config::{
    self, BudgetSection, RunSection, distinct_nonempty, finite_positive, float_in_range,
    int_in_range, positive_int,
};

/// The online training algorithm of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Real-time recurrent learning: the exact gradient, carried forward.
    Rtrl,
    /// Truncated BPTT with an update at every step (Williams and Peng 1990).
    TruncatedBptt,
}

impl Algorithm {
    /// The name used in configs and CSV files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rtrl => "rtrl",
            Self::TruncatedBptt => "truncated_bptt",
        }
    }
}

/// The whole config file of kind `conventional`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionalConfig {
    pub kind: String,
    pub run: RunSection,
    pub budget: BudgetSection,
    pub task: TaskSection,
    pub net: NetSection,
    pub training: TrainingSection,
    pub success: SuccessSection,
}

/// `[task]`: the standard task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSection {
    /// The lag m: the number of b symbols.
    pub lag: usize,
}

/// `[net]`: the papers' logistic net.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetSection {
    pub hidden: usize,
    /// Outputs at t-1 feed hidden and output units at t (the fully recurrent nets of 1991).
    pub output_feedback: bool,
    /// Input-to-output weights (each layer fed by all layers below).
    pub direct: bool,
    /// Initial weights are drawn from U[-weight_range, weight_range].
    pub weight_range: f64,
}

/// `[training]`: algorithms and rates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingSection {
    /// Run i uses `algorithms[i mod len]`, so the runs alternate between the algorithms.
    pub algorithms: Vec<Algorithm>,
    pub learning_rate: f64,
    /// Steps that truncated BPTT propagates back, the latest included.
    pub truncation_steps: usize,
    /// Training sequences between two rows of the learning curve.
    pub record_every: u64,
    /// Whether a run stops at the end of its first successful window.
    pub stop_when_solved: bool,
}

/// `[success]`: when a run counts as solved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessSection {
    /// Every output's absolute error must stay below this bound, except the next-symbol
    /// outputs of a and x at the last step of a sequence (the next first symbol is random).
    pub error_bound: f64,
    /// Consecutive training sequences that must all meet the bound.
    pub window: u64,
}

/// Largest lag accepted: the net has m + 3 inputs and outputs, and RTRL costs O(n^4).
const MAX_LAG: u64 = 1000;
/// Largest hidden layer accepted, for the same reason.
const MAX_HIDDEN: u64 = 100;

impl ConventionalConfig {
    /// Parses and validates a config file's text.
    ///
    /// # Errors
    /// [`crate::Error::Malformed`] for unknown keys and wrong types,
    /// [`crate::Error::InvalidValue`] for values out of range; both name the key.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self> {
        let parsed: Self = config::parse(text, path)?;
        parsed.validate()?;
        Ok(parsed)
    }

    fn validate(&self) -> Result<()> {
        self.run.validate()?;
        self.budget.validate()?;
        int_in_range("task.lag", self.task.lag as u64, 1, MAX_LAG)?;
        int_in_range("net.hidden", self.net.hidden as u64, 1, MAX_HIDDEN)?;
        float_in_range("net.weight_range", self.net.weight_range, 0.0, 10.0)?;
        distinct_nonempty("training.algorithms", &self.training.algorithms)?;
        finite_positive("training.learning_rate", self.training.learning_rate)?;
        int_in_range(
            "training.truncation_steps",
            self.training.truncation_steps as u64,
            1,
            10_000,
        )?;
        positive_int("training.record_every", self.training.record_every)?;
        float_in_range("success.error_bound", self.success.error_bound, 0.0, 1.0)?;
        positive_int("success.window", self.success.window)?;
        Ok(())
    }
}
