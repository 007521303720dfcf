//! The settings of the two-net chunker/automatizer system of Schmidhuber 1992 (Neural
//! Computation 4(2), section 5; habilitation thesis 1993, ch. 7), with every choice the
//! papers leave open as a named option whose default is the papers' reading.
//!
//! Defaults follow the 20-step experiment: one logistic hidden unit in each net, layered
//! connections (inputs and hidden units feed hidden and output units, outputs not fed back),
//! weights uniform in [-0.2, 0.2], truncated BPTT three steps back with an update at every
//! step, learning rate 1.0 for both nets, and an input counted as unexpected when the largest
//! absolute error over the automatizer's prediction outputs exceeds 0.2.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The online gradient algorithm of one net.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LearnerKind {
    /// Truncated BPTT with an update at every step (the 20-step experiment's choice).
    TruncatedBptt,
    /// Real-time recurrent learning.
    Rtrl,
}

/// The settings of one of the two nets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetConfig {
    pub hidden: usize,
    /// Outputs at t-1 feed hidden and output units at t (a fully recurrent net). The
    /// layered reading of the thesis (false) is the default.
    pub output_feedback: bool,
    pub learning_rate: f64,
    pub learner: LearnerKind,
    /// Steps of truncated BPTT, the latest step included (ignored by RTRL).
    pub horizon: usize,
    /// Initial weights are drawn uniformly from [-init_range, init_range].
    pub init_range: f64,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            hidden: 1,
            output_feedback: false,
            learning_rate: 1.0,
            learner: LearnerKind::TruncatedBptt,
            horizon: 3,
            init_range: 0.2,
        }
    }
}

/// The test that decides whether the automatizer failed to predict an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurpriseRule {
    /// The largest absolute error over the prediction outputs exceeds the threshold
    /// (the rule of the 20-step experiment).
    MaxAbsError,
    /// The nearest legal input differs from the actual one: the winning symbol unit is not
    /// the actual symbol, or the target unit is on the wrong side of 0.5 (the theory's rule).
    Argmax,
}

/// The part of the chunker's state that the automatizer's term (3) imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImitatedState {
    /// Hidden units followed by output units (NC92: outputs count as part of the state).
    HiddenAndOutputs,
    /// Hidden units only (the LSTM97 chunker imitates the other net's hidden unit).
    Hidden,
    /// Output units only.
    Outputs,
    /// The chunker's target-prediction unit only.
    TargetUnit,
}

/// When the automatizer's term (3) is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImitationSchedule {
    /// At every step, against the chunker's state, which stays constant between ticks.
    EveryStep,
    /// Only at the steps at which the chunker ticked.
    Ticks,
}

/// The time information the chunker receives with each unexpected input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeCode {
    /// Nothing (the 20-step experiment).
    None,
    /// One extra input unit 2^-(gap-1), where gap >= 1 is the number of steps since the
    /// chunker's previous tick; the chunker also predicts it.
    Decay,
}

/// The coding of a given target in the next input of both nets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetInput {
    /// The target unit carries the target given at the previous step and 0 elsewhere
    /// ("a given target also becomes part of the next input").
    Pulse,
    /// The target unit keeps the last given target until the next one.
    Held,
}

/// The rules of the two-net collapse: surprise, imitation, term weights and ablations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CollapseConfig {
    pub surprise: SurpriseRule,
    /// The bound of [`SurpriseRule::MaxAbsError`].
    pub surprise_threshold: f64,
    /// Whether the target unit's error counts in the surprise test (at steps with a target).
    pub surprise_counts_target: bool,
    pub imitated_state: ImitatedState,
    pub imitation_schedule: ImitationSchedule,
    /// Weight of term (1), the external targets.
    pub weight_target: f64,
    /// Weight of term (2), the next input.
    pub weight_next_input: f64,
    /// Weight of term (3), the chunker's state; 0 is the ablation without term (3).
    pub weight_chunker_state: f64,
    /// 0 selects the squared error of 1991 for term (3); T > 0 selects soft targets at
    /// temperature T (Hinton, Vinyals and Dean 2015), scaled by T^2.
    pub temperature: f64,
    /// From this many training sequences on, the automatizer's terms (1) and (2) are
    /// switched off (the forgetting ablation); 0 never switches them off.
    pub own_terms_off_from: u64,
    pub time_code: TimeCode,
    /// Pass the first symbol of every sequence to C whatever A predicted ("episode starts
    /// are also passed up" in the hierarchy of NIPS 4). Off by default: the 20-step
    /// experiment's stream has no episode boundaries and C ticks by the surprise rule alone.
    pub pass_sequence_starts: bool,
}

impl Default for CollapseConfig {
    fn default() -> Self {
        Self {
            surprise: SurpriseRule::MaxAbsError,
            surprise_threshold: 0.2,
            surprise_counts_target: true,
            imitated_state: ImitatedState::HiddenAndOutputs,
            imitation_schedule: ImitationSchedule::EveryStep,
            weight_target: 1.0,
            weight_next_input: 1.0,
            weight_chunker_state: 1.0,
            temperature: 0.0,
            own_terms_off_from: 0,
            time_code: TimeCode::None,
            pass_sequence_starts: false,
        }
    }
}

/// The whole two-net system: both nets and the collapse rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SystemConfig {
    pub automatizer: NetConfig,
    /// The chunker; `chunker_enabled = false` leaves the automatizer alone, which is the
    /// conventional net of the papers' comparison.
    pub chunker: NetConfig,
    pub chunker_enabled: bool,
    pub collapse: CollapseConfig,
    pub target_input: TargetInput,
}

impl Default for SystemConfig {
    fn default() -> Self {
        Self {
            automatizer: NetConfig::default(),
            chunker: NetConfig::default(),
            chunker_enabled: true,
            collapse: CollapseConfig::default(),
            target_input: TargetInput::Pulse,
        }
    }
}

fn check_finite_positive(name: &str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(name, value, "expected a finite number > 0"))
    }
}

fn check_finite_non_negative(name: &str, value: f64) -> Result<()> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(name, value, "expected a finite number >= 0"))
    }
}

impl NetConfig {
    /// # Errors
    /// [`Error::InvalidValue`] naming `prefix.key` for a value out of range.
    pub fn validate(&self, prefix: &str) -> Result<()> {
        if !(1..=1000).contains(&self.hidden) {
            return Err(Error::invalid(
                format!("{prefix}.hidden"),
                self.hidden,
                "expected an integer in 1..=1000",
            ));
        }
        check_finite_positive(&format!("{prefix}.learning_rate"), self.learning_rate)?;
        check_finite_non_negative(&format!("{prefix}.init_range"), self.init_range)?;
        if !(1..=1000).contains(&self.horizon) {
            return Err(Error::invalid(
                format!("{prefix}.horizon"),
                self.horizon,
                "expected an integer in 1..=1000 (steps of truncated BPTT)",
            ));
        }
        Ok(())
    }
}

impl SystemConfig {
    /// # Errors
    /// [`Error::InvalidValue`] naming the first key whose value is out of range.
    pub fn validate(&self) -> Result<()> {
        self.automatizer.validate("automatizer")?;
        self.chunker.validate("chunker")?;
        let c = &self.collapse;
        if !(c.surprise_threshold.is_finite()
            && c.surprise_threshold > 0.0
            && c.surprise_threshold < 1.0)
        {
            return Err(Error::invalid(
                "collapse.surprise_threshold",
                c.surprise_threshold,
                "expected a number in (0, 1): an absolute error of a logistic unit",
            ));
        }
        check_finite_non_negative("collapse.weight_target", c.weight_target)?;
        check_finite_non_negative("collapse.weight_next_input", c.weight_next_input)?;
        check_finite_non_negative("collapse.weight_chunker_state", c.weight_chunker_state)?;
        check_finite_non_negative("collapse.temperature", c.temperature)?;
        Ok(())
    }
}
