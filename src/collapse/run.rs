//! One run of the two-net system on a task stream: online training, the online success
//! test, the frozen check of the automatizer alone, and the learning curve.
//!
//! Success (Schmidhuber 1992, section 5; habilitation thesis 1993): every prediction unit
//! of A within `bound` (0.3) of its target, except the symbol units of the unpredictable
//! first symbol of each sequence, for `window` consecutive sequences. A sequence counts as
//! passed when the predictions made at all of its steps pass; the prediction made at its
//! last step is judged when the next sequence's first symbol arrives.
//!
//! The frozen check: a copy of A, without learning and without C, starting from A's
//! current state at a sequence boundary, runs on fresh sequences and must pass every one.
//! It runs first at the boundary after the online test passes, then every
//! `frozen_check_every` sequences until it passes or the budget ends.

use ndarray::Array1;
use serde::{Deserialize, Serialize};

use super::automatizer::{InputEncoder, Layout};
use super::config::SystemConfig;
use super::system::{TwoNetSystem, rng_for, streams};
use crate::error::{Error, Result};
use crate::experiment::{Progress, RunError};
use crate::net::{Net, State};
use crate::tasks::StandardTask;
use crate::tasks::lstm_task2a::Task2a;
use crate::tasks::standard;

/// The task a run trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollapseTask {
    /// The standard task of the 20-step experiment (a target unit at the last b).
    Standard(StandardTask),
    /// Task 2a of LSTM97 (next-symbol prediction only).
    Task2a(Task2a),
}

/// One step of a task, in the form the two-net system reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TaskStep {
    pub symbol: usize,
    /// Whether this is the first symbol of a sequence.
    pub first: bool,
    /// The target given at this step (it enters the next input).
    pub target: Option<f64>,
}

impl CollapseTask {
    pub fn layout(&self) -> Layout {
        match self {
            Self::Standard(t) => Layout {
                symbols: t.symbols(),
                target_unit: true,
            },
            Self::Task2a(t) => Layout {
                symbols: t.symbols(),
                target_unit: false,
            },
        }
    }

    /// Returns the task in words with its size, e.g. "standard task (lag 20)".
    pub fn describe(&self) -> String {
        match self {
            Self::Standard(t) => format!("standard task (lag {})", t.lag()),
            Self::Task2a(t) => format!("LSTM97 task 2a (p = {})", t.lag()),
        }
    }

    pub fn sequence_length(&self) -> usize {
        match self {
            Self::Standard(t) => t.sequence_length(),
            Self::Task2a(t) => t.sequence_length(),
        }
    }

    /// Returns the symbols a sequence can begin with; their units are exempt from the success test
    /// at the step before a sequence begins.
    pub fn first_symbols(&self) -> [usize; 2] {
        match self {
            Self::Standard(_) => [standard::A, standard::X],
            Self::Task2a(t) => [t.x(), t.y()],
        }
    }

    /// Returns an endless stream drawn from `rng`.
    pub fn stream(&self, rng: rand_chacha::ChaCha8Rng) -> Box<dyn Iterator<Item = TaskStep>> {
        match *self {
            Self::Standard(t) => Box::new(t.stream(rng).map(|s| TaskStep {
                symbol: s.symbol,
                first: s.position == 0,
                target: s.target,
            })),
            Self::Task2a(t) => Box::new(t.stream(rng).map(|s| TaskStep {
                symbol: s.symbol,
                first: s.position == 0,
                target: None,
            })),
        }
    }
}

/// When a run stops before its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopAt {
    /// As soon as the frozen check passes.
    FrozenConfirmed,
    /// Never: every run uses its whole budget (for curves after success).
    Budget,
}

/// The success test and the schedule of frozen checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SuccessConfig {
    /// Bound on every absolute error (0.3 in the 20-step experiment, 0.25 in LSTM97).
    pub bound: f64,
    /// Consecutive passed sequences the online test needs.
    pub window: u64,
    /// Sequences between frozen checks after the online test passed.
    pub frozen_check_every: u64,
    /// Fresh sequences a frozen check runs; all must pass.
    pub frozen_sequences: u64,
    pub stop_at: StopAt,
}

impl Default for SuccessConfig {
    fn default() -> Self {
        Self {
            bound: 0.3,
            window: 100,
            frozen_check_every: 1000,
            frozen_sequences: 1000,
            stop_at: StopAt::FrozenConfirmed,
        }
    }
}

impl SuccessConfig {
    /// # Errors
    /// [`Error::InvalidValue`] naming the first key out of range.
    pub fn validate(&self) -> Result<()> {
        if !(self.bound.is_finite() && self.bound > 0.0 && self.bound < 1.0) {
            return Err(Error::invalid(
                "success.bound",
                self.bound,
                "expected a number in (0, 1): an absolute error of a logistic unit",
            ));
        }
        for (name, value) in [
            ("success.window", self.window),
            ("success.frozen_check_every", self.frozen_check_every),
            ("success.frozen_sequences", self.frozen_sequences),
        ] {
            if value == 0 {
                return Err(Error::invalid(name, value, "expected an integer >= 1"));
            }
        }
        Ok(())
    }
}

/// One point of the learning curve: means over the sequences since the previous point.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    pub sequences: u64,
    pub chunker_ticks_per_sequence: f64,
    /// Mean over steps of the largest absolute error of A's symbol units (exempt units
    /// left out).
    pub symbol_error: f64,
    /// Mean absolute error of A's target unit at the steps with a target (NaN without).
    pub target_error: f64,
    /// Mean absolute error of A's imitating units (NaN when term (3) was not applied).
    pub imitation_error: f64,
    /// Mean absolute error of A's unit imitating C's target unit (NaN when not imitated).
    pub imitation_target_error: f64,
    /// Mean absolute error of C's target unit at its ticks on inputs with a target (NaN
    /// without such ticks).
    pub chunker_target_error: f64,
    /// Fraction of the sequences that passed the success test.
    pub passed_fraction: f64,
}

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    pub solved: bool,
    /// Sequences trained when the online test first passed (the window's last sequence).
    pub sequences_to_solve: Option<u64>,
    pub frozen_confirmed: bool,
    /// Sequences trained when a frozen check first passed.
    pub sequences_to_frozen: Option<u64>,
    pub sequences_trained: u64,
    /// C's mean ticks per sequence over the last `window` sequences.
    pub final_ticks_per_sequence: f64,
    /// The frozen A at the end of the run, on `frozen_sequences` fresh sequences.
    pub final_frozen: FrozenResult,
    pub curve: Vec<CurvePoint>,
}

/// The result of running a frozen copy of A alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrozenResult {
    pub passed: bool,
    /// Fraction of the fresh sequences that passed.
    pub passed_fraction: f64,
    /// Largest absolute error of the target unit over the fresh sequences (NaN without
    /// a target unit).
    pub target_error: f64,
    /// Largest absolute error over the symbol units, exempt units left out.
    pub symbol_error: f64,
}

/// Runs a frozen copy of A (`net`, from `start`) on `sequences` fresh sequences.
///
/// `encoder` continues the training stream's target input, so the first fresh input
/// carries the target of the last training sequence. The prediction made at `start` is
/// not judged: it belongs to the training stream.
pub fn evaluate_frozen(
    task: &CollapseTask,
    net: &Net,
    start: &State,
    mut encoder: InputEncoder,
    rng: rand_chacha::ChaCha8Rng,
    sequences: u64,
    bound: f64,
) -> FrozenResult {
    let layout = task.layout();
    let exempt = task.first_symbols();
    let mut x = Array1::zeros(layout.prediction_width());
    let mut prev = start.clone();
    let mut next = State::zeros(&net.shape);
    let (mut done, mut passed_count) = (0u64, 0u64);
    let mut sequence_ok = true;
    let mut target_error: f64 = if layout.target_unit { 0.0 } else { f64::NAN };
    let mut symbol_error: f64 = 0.0;
    let mut started = false;

    for step in task.stream(rng) {
        let target_given = encoder.encode(step.symbol, step.target, &mut x);
        if started {
            let exempt: &[usize] = if step.first { &exempt } else { &[] };
            for k in (0..layout.symbols).filter(|k| !exempt.contains(k)) {
                let error = (prev.y[k] - x[k]).abs();
                // Unlike `f64::max`, this keeps a NaN error once it appears.
                if error.is_nan() || error > symbol_error {
                    symbol_error = error;
                }
                sequence_ok &= error < bound;
            }
            if let Some(k) = layout.target_index().filter(|_| target_given) {
                let error = (prev.y[k] - x[k]).abs();
                if error.is_nan() || error > target_error {
                    target_error = error;
                }
                sequence_ok &= error < bound;
            }
            if step.first {
                done += 1;
                passed_count += u64::from(sequence_ok);
                sequence_ok = true;
                if done == sequences {
                    break;
                }
            }
        }
        net.step_into(x.view(), &prev, &mut next);
        std::mem::swap(&mut prev, &mut next);
        started = true;
    }
    FrozenResult {
        passed: passed_count == sequences,
        passed_fraction: passed_count as f64 / sequences as f64,
        target_error,
        symbol_error,
    }
}

/// Sums over the sequences since the latest curve point.
#[derive(Default)]
struct CurveSums {
    sequences: u64,
    ticks: u64,
    steps: u64,
    symbol_error: f64,
    targets: u64,
    target_error: f64,
    imitations: u64,
    imitation_error: f64,
    imitation_targets: u64,
    imitation_target_error: f64,
    chunker_targets: u64,
    chunker_target_error: f64,
    passed: u64,
}

impl CurveSums {
    fn point(&self, sequences: u64) -> CurvePoint {
        let mean = |sum: f64, n: u64| if n == 0 { f64::NAN } else { sum / n as f64 };
        CurvePoint {
            sequences,
            chunker_ticks_per_sequence: mean(self.ticks as f64, self.sequences),
            symbol_error: mean(self.symbol_error, self.steps),
            target_error: mean(self.target_error, self.targets),
            imitation_error: mean(self.imitation_error, self.imitations),
            imitation_target_error: mean(self.imitation_target_error, self.imitation_targets),
            chunker_target_error: mean(self.chunker_target_error, self.chunker_targets),
            passed_fraction: mean(self.passed as f64, self.sequences),
        }
    }
}

/// The length and bookkeeping of one run.
#[derive(Clone, Copy, Debug)]
pub struct RunLength {
    /// Training sequences allowed.
    pub sequences: u64,
    /// Sequences between curve points.
    pub curve_every: u64,
}

/// Trains the two-net system on `task` for at most `length.sequences` sequences.
///
/// `report` receives the number of sequences done now and then (for a progress display).
///
/// # Errors
/// [`RunError::Diverged`] when a loss became NaN or infinite; the curve so far is kept.
pub fn run_one(
    task: &CollapseTask,
    config: &SystemConfig,
    success: &SuccessConfig,
    length: RunLength,
    seed: u64,
    report: &mut dyn FnMut(u64),
) -> std::result::Result<RunOutcome, RunError> {
    train_system(task, config, success, length, seed, report).map(|(outcome, _)| outcome)
}

/// [`run_one`], also returning the trained system as it stood when the run ended.
///
/// # Errors
/// As [`run_one`].
pub fn train_system(
    task: &CollapseTask,
    config: &SystemConfig,
    success: &SuccessConfig,
    length: RunLength,
    seed: u64,
    report: &mut dyn FnMut(u64),
) -> std::result::Result<(RunOutcome, TwoNetSystem), RunError> {
    let layout = task.layout();
    let first_symbols = task.first_symbols();
    let mut system = TwoNetSystem::new(config, layout, seed);
    let mut encoder = InputEncoder::new(layout, config.target_input);
    let mut x = Array1::zeros(layout.prediction_width());

    let mut sequences_done = 0u64;
    let mut in_sequence = false;
    let mut sequence_ok = true;
    let mut sequence_ticks = 0u64;
    let mut consecutive = 0u64;
    let mut recent_ticks: std::collections::VecDeque<u64> = Default::default();
    let mut sums = CurveSums::default();
    let mut curve = Vec::new();
    let mut outcome_solved: Option<u64> = None;
    let mut outcome_frozen: Option<u64> = None;
    let mut last_check: Option<u64> = None;
    let mut checks = 0u64;

    for (steps, step) in task.stream(rng_for(seed, streams::DATA)).enumerate() {
        let steps = steps as u64;
        let encoder_before = encoder.clone();
        let target_given = encoder.encode(step.symbol, step.target, &mut x);
        let exempt: &[usize] = if step.first { &first_symbols } else { &[] };
        if config.collapse.own_terms_off_from > 0 {
            system.set_own_terms(sequences_done < config.collapse.own_terms_off_from);
        }

        let judgement = system.judge(x.view(), target_given, exempt, success.bound);
        if !judgement.loss.total().is_finite() {
            return Err(RunError::Diverged {
                net: "automatizer".into(),
                step: steps,
                detail: format!("loss {}", judgement.loss.total()),
                partial: curve_rows(&curve),
            });
        }
        if judgement.judged {
            sequence_ok &= judgement.passed;
            sums.steps += 1;
            sums.symbol_error += judgement.symbol_error;
            if let Some(e) = judgement.target_error {
                sums.targets += 1;
                sums.target_error += e;
            }
            if let Some(e) = judgement.imitation_error {
                sums.imitations += 1;
                sums.imitation_error += e;
            }
            if let Some(e) = judgement.imitation_target_error {
                sums.imitation_targets += 1;
                sums.imitation_target_error += e;
            }
        }

        if step.first && in_sequence {
            // The sequence that just ended is complete: its last prediction was judged.
            sequences_done += 1;
            sums.sequences += 1;
            sums.ticks += sequence_ticks;
            sums.passed += u64::from(sequence_ok);
            recent_ticks.push_back(sequence_ticks);
            if recent_ticks.len() as u64 > success.window {
                recent_ticks.pop_front();
            }
            consecutive = if sequence_ok { consecutive + 1 } else { 0 };
            if outcome_solved.is_none() && consecutive >= success.window {
                outcome_solved = Some(sequences_done);
            }
            sequence_ok = true;
            sequence_ticks = 0;

            if sequences_done.is_multiple_of(length.curve_every) {
                curve.push(sums.point(sequences_done));
                sums = CurveSums::default();
            }
            if sequences_done.is_multiple_of(1000) {
                report(sequences_done);
            }

            let check_due = outcome_solved.is_some()
                && outcome_frozen.is_none()
                && last_check.is_none_or(|c| sequences_done - c >= success.frozen_check_every);
            if check_due {
                let a = &system.automatizer;
                let frozen = evaluate_frozen(
                    task,
                    &a.net,
                    a.learner.current(),
                    encoder_before.clone(),
                    rng_for(seed, streams::FROZEN + checks),
                    success.frozen_sequences,
                    success.bound,
                );
                checks += 1;
                last_check = Some(sequences_done);
                if frozen.passed {
                    outcome_frozen = Some(sequences_done);
                }
            }

            let stop = sequences_done >= length.sequences
                || (success.stop_at == StopAt::FrozenConfirmed && outcome_frozen.is_some());
            if stop {
                let a = &system.automatizer;
                let final_frozen = evaluate_frozen(
                    task,
                    &a.net,
                    a.learner.current(),
                    encoder_before,
                    rng_for(seed, streams::FROZEN - 1),
                    success.frozen_sequences,
                    success.bound,
                );
                let final_ticks =
                    recent_ticks.iter().sum::<u64>() as f64 / recent_ticks.len().max(1) as f64;
                let outcome = RunOutcome {
                    solved: outcome_solved.is_some(),
                    sequences_to_solve: outcome_solved,
                    frozen_confirmed: outcome_frozen.is_some(),
                    sequences_to_frozen: outcome_frozen,
                    sequences_trained: sequences_done,
                    final_ticks_per_sequence: final_ticks,
                    final_frozen,
                    curve,
                };
                return Ok((outcome, system));
            }
        }
        in_sequence |= step.first;

        let passed_up = judgement.surprised || (step.first && config.collapse.pass_sequence_starts);
        let tick = system.absorb(x.view(), target_given, passed_up);
        if let Some(tick) = tick {
            sequence_ticks += 1;
            if let Some(e) = tick.target_error {
                sums.chunker_targets += 1;
                sums.chunker_target_error += e;
            }
            let loss = tick.loss;
            if !loss.is_finite() {
                return Err(RunError::Diverged {
                    net: "chunker".into(),
                    step: steps,
                    detail: format!("loss {loss}"),
                    partial: curve_rows(&curve),
                });
            }
        }
    }
    unreachable!("task streams are endless")
}

/// Converts the curve into CSV rows in the order of [`CURVE_COLUMNS`].
pub fn curve_rows(curve: &[CurvePoint]) -> Vec<Vec<crate::experiment::Cell>> {
    use crate::experiment::Cell;
    curve
        .iter()
        .map(|p| {
            vec![
                Cell::Int(p.sequences),
                Cell::Float(p.chunker_ticks_per_sequence),
                Cell::Float(p.symbol_error),
                Cell::Float(p.target_error),
                Cell::Float(p.imitation_error),
                Cell::Float(p.imitation_target_error),
                Cell::Float(p.chunker_target_error),
                Cell::Float(p.passed_fraction),
            ]
        })
        .collect()
}

/// Column names of the learning curve, with units.
pub const CURVE_COLUMNS: [&str; 8] = [
    "sequences",
    "chunker_ticks_per_sequence",
    "symbol_error_max_abs",
    "target_error_abs",
    "imitation_error_mean_abs",
    "imitation_target_error_abs",
    "chunker_target_error_abs",
    "passed_fraction",
];

/// Reports progress to a runner's [`Progress`] sink.
pub fn progress_reporter(progress: &dyn Progress, run: u32) -> impl FnMut(u64) + '_ {
    move |done| progress.advance(run, done)
}
