//! One run of the conventional net on the standard task, the control experiment of
//! Schmidhuber 1992 (Neural Computation 4(2), section 5). A logistic recurrent net, layered or
//! fully recurrent as configured, is trained online with a weight update at every step and
//! no state resets.
//!
//! Net: I = m + 3 inputs (one per symbol of {a, x, b1 .. bm} plus one carrying the target
//! given at the previous step, 0 when none), H hidden units, O = m + 3 logistic outputs (one
//! per symbol for next-symbol prediction plus the target unit), a bias to every non-input
//! unit, squared error, weights from U[-r, r]. The next-symbol outputs are trained at every
//! step; the target unit only at the step bm, where the target is given.

use ndarray::{Array1, ArrayView1};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::config::{Algorithm, ConventionalConfig};
use crate::experiment::RunError;
use crate::net::{
    HiddenActivation, Net, NetShape, OnlineLearner, OutputActivation, Params, Rtrl, TruncatedBptt,
    step_loss,
};
use crate::tasks::StandardTask;
use crate::tasks::standard::{A, Step, X};

/// One row of the learning curve: statistics over the sequences since the previous row.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    /// Training sequences done at the end of this interval.
    pub sequences: u64,
    /// Mean absolute error of the target unit at the steps where a target is given.
    pub target_error_mean_abs: f64,
    pub target_error_max_abs: f64,
    /// Largest absolute error of any output, the unpredictable ones excluded.
    pub output_error_max_abs: f64,
    /// Fraction of the interval's sequences whose outputs all met the error bound.
    pub within_bound_fraction: f64,
}

/// The records of a finished run.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub curve: Vec<CurvePoint>,
    /// Sequences done when the first successful window ended.
    pub solved_at: Option<u64>,
    pub sequences_trained: u64,
    /// The net as it stood when training ended.
    pub net: Net,
}

/// How often (in sequences) a run reports progress.
const PROGRESS_EVERY: u64 = 100;

/// Trains one net for at most `budget` sequences.
///
/// Randomness: `seed` seeds two ChaCha8 streams, stream 0 for the initial weights and
/// stream 1 for the task's symbols.
///
/// # Errors
/// [`RunError::Diverged`] when the loss or a weight becomes NaN or infinite; it carries the
/// curve rows recorded so far (converted by `to_rows`).
pub fn train(
    config: &ConventionalConfig,
    algorithm: Algorithm,
    seed: u64,
    budget: u64,
    progress: &dyn Fn(u64),
) -> Result<Trace, (RunError, Vec<CurvePoint>)> {
    let task = StandardTask::new(config.task.lag).expect("the config checked lag >= 1");
    let symbols = task.symbols();
    let shape = net_shape(config, symbols);
    let mut weight_rng = ChaCha8Rng::seed_from_u64(seed);
    weight_rng.set_stream(0);
    let mut data_rng = ChaCha8Rng::seed_from_u64(seed);
    data_rng.set_stream(1);
    let mut net = Net::new(
        shape.clone(),
        Params::uniform(&shape, config.net.weight_range, &mut weight_rng),
    );
    let mut learner: Box<dyn OnlineLearner> = match algorithm {
        Algorithm::Rtrl => Box::new(Rtrl::new(&shape)),
        Algorithm::TruncatedBptt => {
            Box::new(TruncatedBptt::new(&shape, config.training.truncation_steps))
        }
    };

    let mut stream = task.stream(data_rng);
    let mut current = stream.next().expect("the standard stream is endless");
    let mut x = Array1::zeros(shape.inputs);
    encode_input(&mut x, current.symbol, 0.0);
    learner.advance(&net, x.view());

    let mut buffers = StepBuffers::new(shape.outputs);
    let mut tally = Tally::new(config);
    let mut step: u64 = 0;
    while tally.sequences < budget {
        let next = stream.next().expect("the standard stream is endless");
        buffers.set_targets(&current, next.symbol, symbols);
        let loss = step_loss(
            OutputActivation::Logistic,
            learner.current(),
            buffers.target.view(),
            buffers.mask.view(),
            buffers.delta.view_mut(),
        );
        if !loss.is_finite() {
            return Err(diverged(step, format!("loss is {loss}"), tally.curve));
        }
        tally.observe_step(
            &current,
            learner.current().y.view(),
            &buffers,
            config.task.lag,
        );

        learner.learn(
            &mut net,
            buffers.delta.view(),
            config.training.learning_rate,
        );

        if current.position == config.task.lag {
            tally.end_sequence();
            if let Some((name, row, col)) = net.params.first_non_finite() {
                let detail = format!("weight {name}[{row}, {col}] is not finite");
                return Err(diverged(step, detail, tally.curve));
            }
            if tally.sequences.is_multiple_of(PROGRESS_EVERY) {
                progress(tally.sequences);
            }
            if tally.solved_at.is_some() && config.training.stop_when_solved {
                break;
            }
        }

        encode_input(&mut x, next.symbol, current.target.unwrap_or(0.0));
        learner.advance(&net, x.view());
        current = next;
        step += 1;
    }
    tally.close_interval();
    Ok(Trace {
        curve: tally.curve,
        solved_at: tally.solved_at,
        sequences_trained: tally.sequences,
        net,
    })
}

/// Returns the net shape of the config for an alphabet of `symbols` symbols.
pub fn net_shape(config: &ConventionalConfig, symbols: usize) -> NetShape {
    NetShape {
        inputs: symbols + 1,
        hidden: config.net.hidden,
        outputs: symbols + 1,
        direct: config.net.direct,
        output_feedback: config.net.output_feedback,
        hidden_activation: HiddenActivation::Logistic,
        output_activation: OutputActivation::Logistic,
    }
}

fn diverged(step: u64, detail: String, curve: Vec<CurvePoint>) -> (RunError, Vec<CurvePoint>) {
    let error = RunError::Diverged {
        net: "conventional net".into(),
        step,
        detail,
        partial: Vec::new(),
    };
    (error, curve)
}

/// Writes the input of one step into `x` (I): the symbol one-hot, then the target given
/// at the previous step.
pub fn encode_input(x: &mut Array1<f64>, symbol: usize, last_target: f64) {
    x.fill(0.0);
    x[symbol] = 1.0;
    let target_input = x.len() - 1;
    x[target_input] = last_target;
}

/// Targets, mask and loss gradient of one step, reused across steps (O each).
struct StepBuffers {
    target: Array1<f64>,
    mask: Array1<f64>,
    delta: Array1<f64>,
}

impl StepBuffers {
    fn new(outputs: usize) -> Self {
        Self {
            target: Array1::zeros(outputs),
            mask: Array1::zeros(outputs),
            delta: Array1::zeros(outputs),
        }
    }

    /// Sets the targets of the output that followed `current`: the next symbol one-hot on
    /// every prediction unit, and the target unit only when `current` carries a target.
    fn set_targets(&mut self, current: &Step, next_symbol: usize, symbols: usize) {
        self.target.fill(0.0);
        self.target[next_symbol] = 1.0;
        self.mask.fill(1.0);
        match current.target {
            Some(value) => self.target[symbols] = value,
            None => self.mask[symbols] = 0.0,
        }
    }
}

/// Running error statistics: the current sequence, the curve interval, the success window.
struct Tally {
    error_bound: f64,
    window: u64,
    record_every: u64,
    sequences: u64,
    sequence_error_max: f64,
    streak: u64,
    solved_at: Option<u64>,
    interval: Interval,
    curve: Vec<CurvePoint>,
}

#[derive(Default)]
struct Interval {
    sequences: u64,
    within_bound: u64,
    target_error_sum: f64,
    target_error_max: f64,
    output_error_max: f64,
}

impl Tally {
    fn new(config: &ConventionalConfig) -> Self {
        Self {
            error_bound: config.success.error_bound,
            window: config.success.window,
            record_every: config.training.record_every,
            sequences: 0,
            sequence_error_max: 0.0,
            streak: 0,
            solved_at: None,
            interval: Interval::default(),
            curve: Vec::new(),
        }
    }

    /// Records the errors of the output `y` (O) that followed `current`, before the update.
    fn observe_step(
        &mut self,
        current: &Step,
        y: ArrayView1<f64>,
        buffers: &StepBuffers,
        lag: usize,
    ) {
        let last_step = current.position == lag;
        let mut error_max: f64 = 0.0;
        for (k, (&yk, (&dk, &mk))) in y
            .iter()
            .zip(buffers.target.iter().zip(&buffers.mask))
            .enumerate()
        {
            // After bm the next symbol is a or x at random: those two units are excluded.
            let unpredictable = last_step && (k == A || k == X);
            if mk != 0.0 && !unpredictable {
                error_max = nan_max(error_max, (yk - dk).abs());
            }
        }
        if let Some(value) = current.target {
            let error = (y[y.len() - 1] - value).abs();
            self.interval.target_error_sum += error;
            self.interval.target_error_max = nan_max(self.interval.target_error_max, error);
        }
        self.sequence_error_max = nan_max(self.sequence_error_max, error_max);
    }

    fn end_sequence(&mut self) {
        self.sequences += 1;
        let within = self.sequence_error_max < self.error_bound;
        self.streak = if within { self.streak + 1 } else { 0 };
        if self.streak >= self.window && self.solved_at.is_none() {
            self.solved_at = Some(self.sequences);
        }
        let interval = &mut self.interval;
        interval.sequences += 1;
        interval.within_bound += u64::from(within);
        interval.output_error_max = nan_max(interval.output_error_max, self.sequence_error_max);
        self.sequence_error_max = 0.0;
        if self.sequences.is_multiple_of(self.record_every) {
            self.close_interval();
        }
    }

    /// Appends the current interval to the curve, if it saw any sequence.
    fn close_interval(&mut self) {
        let interval = std::mem::take(&mut self.interval);
        if interval.sequences == 0 {
            return;
        }
        let count = interval.sequences as f64;
        self.curve.push(CurvePoint {
            sequences: self.sequences,
            target_error_mean_abs: interval.target_error_sum / count,
            target_error_max_abs: interval.target_error_max,
            output_error_max_abs: interval.output_error_max,
            within_bound_fraction: interval.within_bound as f64 / count,
        });
    }
}

/// Returns the larger of two errors, or NaN if either is NaN, so a NaN output fails every bound.
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}
