//! The benchmark behind `chunker bench`: symbol-steps per second of the library's training
//! algorithms on the networks of the numpy and PyTorch anchor benchmarks, with GFLOP/s from
//! the anchors' analytic FLOP counts.
//!
//! The anchors' net: a one-hot input of `alphabet` symbols, tanh hidden units, softmax
//! outputs with cross-entropy on the next symbol, plain SGD, batch 1, f64, one thread.
//! - BPTT per sequence: h_0 = 0, forward over the sequence, backward, one update per
//!   sequence, the gradient clipped to [-5, 5] as min-char-rnn does.
//! - RTRL: an online update at every step, the state and sensitivities reset every
//!   [`RTRL_SEGMENT`] steps.
//!
//! One symbol-step is one input symbol: forward, backward and update. The timing protocol
//! is the anchors' one: warm up, calibrate the calls per repeat, then time several repeats
//! and report their median.

use std::time::Instant;

use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::net::{
    HiddenActivation, Net, NetShape, OnlineLearner, OutputActivation, Params, Rtrl,
    SequenceScratch, State, bptt_into, step_loss,
};

/// One core's nominal FP64 peak of the machine the anchors ran on, in GFLOP/s: an AMD EPYC
/// Zen 3 core at 2.445 GHz with two 256-bit FMA pipes (16 FLOP per cycle).
pub const PEAK_GFLOPS: f64 = 39.1;
/// SGD learning rate of the anchors.
pub const LEARNING_RATE: f64 = 0.01;
/// Every gradient element is clipped to [-GRADIENT_CLIP, GRADIENT_CLIP] before a BPTT
/// update, as min-char-rnn and the numpy anchor do; without it summed-loss SGD can diverge.
pub const GRADIENT_CLIP: f64 = 5.0;
/// RTRL resets its state and sensitivities after this many steps, as the anchor does.
pub const RTRL_SEGMENT: usize = 100;
/// Weights are drawn uniformly from [-WEIGHT_RANGE, WEIGHT_RANGE].
const WEIGHT_RANGE: f64 = 0.1;
/// Number of distinct random sequences (BPTT) or segments (RTRL) cycled through.
const DATA_SEQUENCES: usize = 16;

/// How long to warm up and how many repeats to time.
#[derive(Clone, Debug)]
pub struct Protocol {
    /// Warm-up time in seconds (at least two calls are made).
    pub warmup_seconds: f64,
    /// Calls per repeat are calibrated so that one repeat lasts about this long.
    pub repeat_seconds: f64,
    pub repeats: usize,
    pub seed: u64,
    pub clock: Clock,
}

/// The clock that times each repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Elapsed real time, as the anchors measure (Python's `time.perf_counter`).
    Wall,
    /// CPU time of the measuring thread (Linux only), which leaves out the time the
    /// thread waits while other processes run: steadier on a shared machine, but not
    /// comparable with wall-clock rates of a loaded machine.
    ThreadCpu,
}

impl Clock {
    /// Seconds since an arbitrary start.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for [`Clock::ThreadCpu`] where /proc/thread-self/schedstat
    /// cannot be read (any system other than Linux).
    pub fn now(self, origin: Instant) -> Result<f64> {
        match self {
            Self::Wall => Ok(origin.elapsed().as_secs_f64()),
            Self::ThreadCpu => {
                let unreadable = || {
                    Error::invalid(
                        "--cpu-time",
                        "set",
                        "thread CPU time needs Linux's /proc/thread-self/schedstat; run \
                         without --cpu-time",
                    )
                };
                let text = std::fs::read_to_string("/proc/thread-self/schedstat")
                    .map_err(|_| unreadable())?;
                let nanoseconds: u64 = text
                    .split_whitespace()
                    .next()
                    .and_then(|field| field.parse().ok())
                    .ok_or_else(unreadable)?;
                Ok(nanoseconds as f64 * 1e-9)
            }
        }
    }
}

impl Protocol {
    /// Returns the anchors' protocol (`common.bench`): 0.8 s warm-up, 0.6 s repeats, 5
    /// repeats.
    pub fn standard() -> Self {
        Self {
            warmup_seconds: 0.8,
            repeat_seconds: 0.6,
            repeats: 5,
            seed: 1,
            clock: Clock::Wall,
        }
    }

    /// Returns a smoke-run protocol for tests: a few milliseconds per row, so its numbers
    /// are not measurements.
    pub fn quick() -> Self {
        Self {
            warmup_seconds: 0.002,
            repeat_seconds: 0.002,
            repeats: 3,
            seed: 1,
            clock: Clock::Wall,
        }
    }
}

/// One measured workload.
///
/// New kinds of rows (the two-net system of the collapse, the conventional net) add a
/// variant here, its name in [`Workload::algorithm`] and in the `--algorithm` values of
/// `chunker bench`, an arm in [`run_workload`] (FLOP count `None` where the anchors give
/// none; `sequences_per_second` follows from the length), and an entry in
/// [`standard_workloads`].
#[derive(Clone, Debug, PartialEq)]
pub enum Workload {
    /// Full BPTT per sequence of `length` symbols.
    Bptt {
        alphabet: usize,
        hidden: usize,
        length: usize,
    },
    /// RTRL with an update at every step.
    Rtrl { alphabet: usize, hidden: usize },
    /// The 20-step experiment's nets on the standard task with m = 20, trained online by
    /// truncated BPTT (3 steps) at every step: one of the search's readings, e.g. the
    /// two-net system `literal` or the conventional net `conventional` (the automatizer
    /// alone, without the chunker).
    TwentyStep { reading: &'static str },
}

/// The readings the benchmark times on the 20-step task: the two-net system as published,
/// the best reading, and the conventional net (the automatizer alone).
pub const TWENTY_STEP_READINGS: [&str; 3] = [
    "literal",
    "fully_recurrent_imitate_target_unit",
    "conventional",
];

/// Training sequences of the 20-step task per timed call.
const TWENTY_STEP_SEQUENCES_PER_CALL: u64 = 200;

impl Workload {
    /// The algorithm's name as printed: "bptt" or "rtrl".
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Bptt { .. } => "bptt",
            Self::Rtrl { .. } => "rtrl",
            Self::TwentyStep { .. } => "twenty_step",
        }
    }

    pub fn alphabet(&self) -> usize {
        match *self {
            Self::Bptt { alphabet, .. } | Self::Rtrl { alphabet, .. } => alphabet,
            // 22 symbols plus the target unit.
            Self::TwentyStep { .. } => 23,
        }
    }

    pub fn hidden(&self) -> usize {
        match *self {
            Self::Bptt { hidden, .. } | Self::Rtrl { hidden, .. } => hidden,
            // One hidden unit per net, as in the 20-step experiment of Neural Computation 4(2), 1992.
            Self::TwentyStep { .. } => 1,
        }
    }
}

/// Lists the anchors' configurations in the order they print.
pub fn standard_workloads() -> Vec<Workload> {
    let mut rows: Vec<Workload> = [(8, 16, 24), (32, 64, 100), (64, 256, 100)]
        .into_iter()
        .map(|(alphabet, hidden, length)| Workload::Bptt {
            alphabet,
            hidden,
            length,
        })
        .collect();
    rows.extend([4, 8, 16, 32].into_iter().map(|hidden| Workload::Rtrl {
        alphabet: 8,
        hidden,
    }));
    rows.extend(
        TWENTY_STEP_READINGS
            .into_iter()
            .map(|reading| Workload::TwentyStep { reading }),
    );
    rows
}

/// One row of the benchmark's output.
#[derive(Clone, Debug, Serialize)]
pub struct BenchRow {
    /// "bptt" or "rtrl".
    pub algorithm: String,
    pub alphabet: usize,
    pub hidden: usize,
    /// Sequence length; `None` for algorithms that run on a stream.
    pub length: Option<usize>,
    /// Median over the repeats of symbol-steps per second.
    pub steps_per_second: f64,
    pub steps_per_second_min: f64,
    pub steps_per_second_max: f64,
    /// Median sequences per second, for rows that train on whole sequences.
    pub sequences_per_second: Option<f64>,
    pub repeats: usize,
    pub calls_per_repeat: usize,
    /// FLOP per symbol-step as a dense implementation executes it (the anchors' count).
    pub flops_per_step: Option<f64>,
    /// Median GFLOP/s from the dense count.
    pub gflops: Option<f64>,
    /// `gflops` as a share of [`PEAK_GFLOPS`], in percent.
    pub percent_of_peak: Option<f64>,
    /// The speed this row should reach, in percent of [`PEAK_GFLOPS`].
    pub target_percent_of_peak: Option<f64>,
}

/// Rates of the timed repeats, in symbol-steps per second.
#[derive(Clone, Debug)]
pub struct Timing {
    pub rates: Vec<f64>,
    pub calls_per_repeat: usize,
}

impl Timing {
    pub fn median(&self) -> f64 {
        let mut sorted = self.rates.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n % 2 == 1 {
            sorted[n / 2]
        } else {
            0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
        }
    }

    pub fn min(&self) -> f64 {
        self.rates.iter().copied().fold(f64::INFINITY, f64::min)
    }

    pub fn max(&self) -> f64 {
        self.rates.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

/// Times `run_once`, which does `steps_per_call` symbol-steps, with the anchors' protocol:
/// warm up, calibrate the calls per repeat to last about `repeat_seconds`, time the repeats.
///
/// # Errors
/// [`Error::InvalidValue`] when the protocol's clock cannot be read.
pub fn measure(
    protocol: &Protocol,
    steps_per_call: usize,
    mut run_once: impl FnMut(),
) -> Result<Timing> {
    let origin = Instant::now();
    let clock = |origin| protocol.clock.now(origin);
    let start = clock(origin)?;
    let mut calls = 0usize;
    let elapsed = loop {
        run_once();
        calls += 1;
        let elapsed = clock(origin)? - start;
        if calls >= 2 && elapsed >= protocol.warmup_seconds {
            break elapsed;
        }
    };
    let per_call = elapsed / calls as f64;
    let calls_per_repeat = ((protocol.repeat_seconds / per_call).round() as usize).max(1);

    let mut rates = Vec::with_capacity(protocol.repeats);
    for _ in 0..protocol.repeats {
        let start = clock(origin)?;
        for _ in 0..calls_per_repeat {
            run_once();
        }
        let seconds = clock(origin)? - start;
        rates.push((calls_per_repeat * steps_per_call) as f64 / seconds);
    }
    Ok(Timing {
        rates,
        calls_per_repeat,
    })
}

/// FLOP per BPTT symbol-step of the anchors' net, as counted by the anchors: a multiply
/// and an add are one FLOP each, tanh, exp and a division one each, the once-per-sequence
/// update left out. `dense` counts W_hx x and dW_hx as full products with the one-hot x.
pub fn bptt_flops(alphabet: usize, hidden: usize, dense: bool) -> f64 {
    let (v, h) = (alphabet as f64, hidden as f64);
    let input_forward = if dense { 2.0 * v * h } else { 0.0 };
    let input_backward = if dense { 2.0 * v * h } else { h };
    let forward = input_forward + 2.0 * h * h + 2.0 * h + h + 2.0 * v * h + v + 3.0 * v;
    let backward = 1.0
        + 2.0 * v * h
        + v
        + 2.0 * v * h
        + h
        + 3.0 * h
        + h
        + input_backward
        + 2.0 * h * h
        + 2.0 * h * h;
    forward + backward
}

/// FLOP per RTRL symbol-step of the anchors' net, the per-step update included.
pub fn rtrl_flops(alphabet: usize, hidden: usize) -> f64 {
    let (v, n) = (alphabet as f64, hidden as f64);
    let q = n + v + 1.0;
    let p = n * q;
    let forward = 2.0 * n * n + 2.0 * n + n + 2.0 * n * v + v + 3.0 * v;
    let output_backward = 1.0 + 2.0 * n * v + v + 2.0 * n * v;
    let sensitivities = 2.0 * n * n * p + p + 2.0 * n + n * p;
    let gradient = 2.0 * n * p;
    let update = 2.0 * (p + n * v + v);
    forward + output_backward + sensitivities + gradient + update
}

/// The speed each anchor configuration should reach, in percent of [`PEAK_GFLOPS`].
pub fn target_percent(workload: &Workload) -> Option<f64> {
    match *workload {
        Workload::Bptt {
            alphabet: 8,
            hidden: 16,
            length: 24,
        } => Some(15.0),
        Workload::Bptt {
            alphabet: 32,
            hidden: 64,
            length: 100,
        } => Some(35.0),
        Workload::Bptt {
            alphabet: 64,
            hidden: 256,
            length: 100,
        } => Some(50.0),
        Workload::Rtrl {
            alphabet: 8,
            hidden: 32,
        } => Some(50.0),
        _ => None,
    }
}

/// Returns the anchors' net: one-hot input and output of `alphabet` symbols, tanh hidden
/// units, softmax outputs.
pub fn anchor_shape(alphabet: usize, hidden: usize) -> NetShape {
    NetShape {
        inputs: alphabet,
        hidden,
        outputs: alphabet,
        direct: false,
        output_feedback: false,
        hidden_activation: HiddenActivation::Tanh,
        output_activation: OutputActivation::Softmax,
    }
}

/// Runs every workload in order.
///
/// # Errors
/// [`Error::Diverged`] when a net's weights stop being finite during its run.
pub fn run_all(workloads: &[Workload], protocol: &Protocol) -> Result<Vec<BenchRow>> {
    workloads
        .iter()
        .map(|w| run_workload(w, protocol))
        .collect()
}

/// Measures one workload.
///
/// # Errors
/// [`Error::Diverged`] when the net's weights stop being finite during the run.
pub fn run_workload(workload: &Workload, protocol: &Protocol) -> Result<BenchRow> {
    let (timing, flops, length) = match *workload {
        Workload::Bptt {
            alphabet,
            hidden,
            length,
        } => (
            time_bptt(alphabet, hidden, length, protocol)?,
            Some(bptt_flops(alphabet, hidden, true)),
            Some(length),
        ),
        Workload::Rtrl { alphabet, hidden } => (
            time_rtrl(alphabet, hidden, protocol)?,
            Some(rtrl_flops(alphabet, hidden)),
            None,
        ),
        Workload::TwentyStep { reading } => {
            let timing = time_twenty_step(reading, protocol)?;
            let median = timing.median();
            return Ok(BenchRow {
                algorithm: format!("twenty_step:{reading}"),
                alphabet: workload.alphabet(),
                hidden: workload.hidden(),
                length: Some(TWENTY_STEP_LENGTH),
                steps_per_second: median,
                steps_per_second_min: timing.min(),
                steps_per_second_max: timing.max(),
                sequences_per_second: Some(median / TWENTY_STEP_LENGTH as f64),
                repeats: timing.rates.len(),
                calls_per_repeat: timing.calls_per_repeat,
                flops_per_step: None,
                gflops: None,
                percent_of_peak: None,
                target_percent_of_peak: None,
            });
        }
    };
    let median = timing.median();
    let gflops = flops.map(|f| median * f / 1e9);
    Ok(BenchRow {
        algorithm: workload.algorithm().to_string(),
        alphabet: workload.alphabet(),
        hidden: workload.hidden(),
        length,
        steps_per_second: median,
        steps_per_second_min: timing.min(),
        steps_per_second_max: timing.max(),
        sequences_per_second: length.map(|t| median / t as f64),
        repeats: timing.rates.len(),
        calls_per_repeat: timing.calls_per_repeat,
        flops_per_step: flops,
        gflops,
        percent_of_peak: gflops.map(|g| 100.0 * g / PEAK_GFLOPS),
        target_percent_of_peak: target_percent(workload),
    })
}

/// Steps per sequence of the 20-step task: a or x, then b1 .. b20.
const TWENTY_STEP_LENGTH: usize = 21;

/// Times online training of one reading of the 20-step experiment.
///
/// Each call trains a fresh system for [`TWENTY_STEP_SEQUENCES_PER_CALL`] sequences from
/// the protocol's seed. A call also builds the nets (a few hundred weights) and runs a
/// frozen check on one sequence.
///
/// # Errors
/// [`Error::InvalidValue`] for an unknown reading; [`Error::Diverged`] when the run
/// diverges.
fn time_twenty_step(reading: &str, protocol: &Protocol) -> Result<Timing> {
    use crate::collapse::run::{CollapseTask, RunLength, StopAt, SuccessConfig, run_one};
    let system = crate::collapse::search::readings()
        .into_iter()
        .find(|r| r.name == reading)
        .ok_or_else(|| {
            Error::invalid(
                "reading",
                reading,
                "expected a reading listed by `chunker search --list`",
            )
        })?
        .system;
    let task = CollapseTask::Standard(crate::tasks::StandardTask::new(20)?);
    // One fresh sequence for the frozen check at the end of the run, so that the timing is
    // of training, not of the check.
    let success = SuccessConfig {
        stop_at: StopAt::Budget,
        frozen_sequences: 1,
        ..SuccessConfig::default()
    };
    let length = RunLength {
        sequences: TWENTY_STEP_SEQUENCES_PER_CALL,
        curve_every: TWENTY_STEP_SEQUENCES_PER_CALL,
    };
    let mut failure = None;
    let steps_per_call = TWENTY_STEP_SEQUENCES_PER_CALL as usize * TWENTY_STEP_LENGTH;
    let timing = measure(protocol, steps_per_call, || {
        if let Err(error) = run_one(&task, &system, &success, length, protocol.seed, &mut |_| {}) {
            failure.get_or_insert(error);
        }
    })?;
    match failure {
        None => Ok(timing),
        Some(error) => Err(Error::Diverged {
            experiment: format!("bench twenty_step:{reading}"),
            run: 0,
            detail: error.to_string(),
        }),
    }
}

/// Draws `len` symbols uniformly from `alphabet`.
fn random_symbols<R: Rng>(alphabet: usize, len: usize, rng: &mut R) -> Vec<usize> {
    (0..len).map(|_| rng.random_range(0..alphabet)).collect()
}

/// One-hot rows of `symbols`. Shape: len x alphabet.
fn one_hot(symbols: &[usize], alphabet: usize) -> Array2<f64> {
    let mut m = Array2::zeros((symbols.len(), alphabet));
    for (t, &s) in symbols.iter().enumerate() {
        m[[t, s]] = 1.0;
    }
    m
}

fn diverged(algorithm: &str, params: &Params) -> Result<()> {
    match params.first_non_finite() {
        None => Ok(()),
        Some((name, r, c)) => Err(Error::Diverged {
            experiment: format!("bench {algorithm}"),
            run: 0,
            detail: format!("weight {name}[{r}, {c}] is not finite"),
        }),
    }
}

/// Times full BPTT with one clipped SGD update per sequence.
fn time_bptt(alphabet: usize, hidden: usize, length: usize, protocol: &Protocol) -> Result<Timing> {
    let shape = anchor_shape(alphabet, hidden);
    let mut rng = ChaCha8Rng::seed_from_u64(protocol.seed);
    let params = Params::uniform(&shape, WEIGHT_RANGE, &mut rng);
    let mut net = Net::new(shape.clone(), params);
    let data: Vec<(Array2<f64>, Array2<f64>)> = (0..DATA_SEQUENCES)
        .map(|_| {
            let symbols = random_symbols(alphabet, length + 1, &mut rng);
            (
                one_hot(&symbols[..length], alphabet),
                one_hot(&symbols[1..], alphabet),
            )
        })
        .collect();
    let masks = Array2::ones((length, alphabet));
    let start = State::zeros(&shape);
    let mut scratch = SequenceScratch::new(&shape, length);
    let mut next = 0;

    let timing = measure(protocol, length, || {
        let (inputs, targets) = &data[next];
        next = (next + 1) % data.len();

        bptt_into(
            &net,
            inputs.view(),
            targets.view(),
            masks.view(),
            &start,
            &mut scratch,
        );
        for (_, mut t) in scratch.gradient_mut().tensors_mut() {
            t.mapv_inplace(|g| g.clamp(-GRADIENT_CLIP, GRADIENT_CLIP));
        }
        net.params
            .add_scaled(&shape, -LEARNING_RATE, scratch.gradient());
    })?;
    diverged("bptt", &net.params)?;
    Ok(timing)
}

/// Times RTRL with an SGD update at every step, reset every [`RTRL_SEGMENT`] steps.
fn time_rtrl(alphabet: usize, hidden: usize, protocol: &Protocol) -> Result<Timing> {
    let shape = anchor_shape(alphabet, hidden);
    let mut rng = ChaCha8Rng::seed_from_u64(protocol.seed);
    let params = Params::uniform(&shape, WEIGHT_RANGE, &mut rng);
    let mut net = Net::new(shape.clone(), params);
    let stream = random_symbols(alphabet, DATA_SEQUENCES * RTRL_SEGMENT + 1, &mut rng);
    let inputs = one_hot(&stream, alphabet);
    let masks = Array1::ones(alphabet);
    let mut learner = Rtrl::new(&shape);
    let mut delta = Array1::zeros(alphabet);
    let mut segment = 0;

    let timing = measure(protocol, RTRL_SEGMENT, || {
        let first = segment * RTRL_SEGMENT;
        segment = (segment + 1) % DATA_SEQUENCES;

        learner.reset();
        for t in first..first + RTRL_SEGMENT {
            learner.advance(&net, inputs.row(t));
            step_loss(
                shape.output_activation,
                learner.current(),
                inputs.row(t + 1),
                masks.view(),
                delta.view_mut(),
            );
            learner.learn(&mut net, delta.view(), LEARNING_RATE);
        }
    })?;
    diverged("rtrl", &net.params)?;
    Ok(timing)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The anchors' published counts (RESULTS.md of the anchor benchmarks).
    #[test]
    fn flop_counts_match_anchor_tables() {
        assert_eq!(bptt_flops(8, 16, true), 2985.0);
        assert_eq!(bptt_flops(32, 64, true), 45_729.0);
        assert_eq!(bptt_flops(64, 256, true), 559_425.0);
        assert_eq!(bptt_flops(8, 16, false), 2489.0);
        assert_eq!(bptt_flops(64, 256, false), 494_145.0);
        assert_eq!(rtrl_flops(8, 4), 2809.0);
        assert_eq!(rtrl_flops(8, 8), 21_817.0);
        assert_eq!(rtrl_flops(8, 16), 226_873.0);
        assert_eq!(rtrl_flops(8, 32), 2_821_177.0);
    }

    #[test]
    fn median_of_even_count_averages_middle_pair() {
        let timing = Timing {
            rates: vec![4.0, 1.0, 3.0, 2.0],
            calls_per_repeat: 1,
        };
        assert_eq!(timing.median(), 2.5);
        assert_eq!(timing.min(), 1.0);
        assert_eq!(timing.max(), 4.0);
    }
}
