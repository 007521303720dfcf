//! A self-organising predictor stack that learns online, for the compressor and the trace
//! view: level 1 predicts every input, level s + 1 receives only the inputs that level s
//! found unexpected (Schmidhuber, "Learning unambiguous reduced sequence descriptions",
//! NIPS 4, 1992; Neural Computation 4(2), 1992, section 3).
//!
//! Each level is a recurrent net with softmax outputs read as next-symbol probabilities
//! (the graded variant of Schmidhuber, Mozer and Prelinger 1993), trained online by
//! truncated BPTT with cross-entropy. An input is unexpected for a level when it differs
//! from the level's most probable symbol (winner-take-all, the papers' nearest one-hot
//! rule, ties to the lowest index). The first input a level receives is always unexpected,
//! like the unpredictable first step of a sequence in the papers.
//!
//! Two readings differ from the 1991 procedure, and the codec section of PAPER_NOTES.md lists both. All levels
//! learn at the same time instead of freezing level s when level s + 1 is created, because
//! an online compressor has no separate training phase. Level s + 1's most probable symbol
//! is taken among the symbols the levels below did not predict, because level s + 1 only
//! ever receives such symbols.
//!
//! Dimensions: n symbols in the alphabet, H hidden units per level, I = n + time-code units.

use std::collections::VecDeque;

use ndarray::Array1;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::compression::{TimeCode, TimeCoder};
use crate::error::{Error, Result};
use crate::net::{
    HiddenActivation, Net, NetShape, OnlineLearner, OutputActivation, Params, TruncatedBptt,
    step_loss,
};

/// Most levels a stack may have; the compressed and saved formats store the count in a byte.
pub const MAX_LEVELS: usize = 8;
/// Most hidden units per level the file formats accept.
pub const MAX_HIDDEN: usize = 1024;
/// Maximum truncated-BPTT horizon the file formats accept.
pub const MAX_HORIZON: usize = 256;
/// Largest alphabet: one symbol per byte value.
pub const MAX_ALPHABET: usize = 256;

/// Initial weight of a level's own prediction against the level below in its coding
/// distribution, and the bounds it is kept in, so that a level that predicted badly for a
/// while can regain trust.
const INITIAL_TRUST: f64 = 0.5;
const MIN_TRUST: f64 = 0.02;
const MAX_TRUST: f64 = 0.98;

/// The sizes and training settings of a predictor stack.
#[derive(Clone, Debug, PartialEq)]
pub struct StackConfig {
    /// Number of symbols n; inputs and predictions are one-hot over them.
    pub alphabet: usize,
    pub levels: usize,
    /// Hidden units H of every level.
    pub hidden: usize,
    /// Steps that truncated BPTT looks back, the latest included.
    pub horizon: usize,
    pub learning_rate: f64,
    /// Initial weights are drawn uniformly from [-init_range, init_range].
    pub init_range: f64,
    /// The time code that levels above level 1 receive with each input.
    pub time_code: TimeCode,
    /// Seed of the weight initialisation.
    pub seed: u64,
}

impl StackConfig {
    /// Checks every value against the limits of the file formats.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the first value out of range.
    pub fn validate(&self) -> Result<()> {
        // The time code's keys are `KEY.bits` and `KEY.decay` in configs; on the command
        // line they are the flags --time-code-bits and --time-code-decay.
        self.time_code
            .validate("--time-code")
            .map_err(|error| match error {
                Error::InvalidValue {
                    name,
                    value,
                    expected,
                } => Error::InvalidValue {
                    name: name.replace("--time-code.", "--time-code-"),
                    value,
                    expected,
                },
                other => other,
            })?;
        if !(2..=MAX_ALPHABET).contains(&self.alphabet) {
            return Err(Error::invalid(
                "alphabet",
                self.alphabet,
                format!("expected 2 ..= {MAX_ALPHABET} symbols"),
            ));
        }
        if !(1..=MAX_LEVELS).contains(&self.levels) {
            return Err(Error::invalid(
                "--levels",
                self.levels,
                format!("expected an integer in 1 ..= {MAX_LEVELS}"),
            ));
        }
        if !(1..=MAX_HIDDEN).contains(&self.hidden) {
            return Err(Error::invalid(
                "--hidden",
                self.hidden,
                format!("expected an integer in 1 ..= {MAX_HIDDEN}"),
            ));
        }
        if !(1..=MAX_HORIZON).contains(&self.horizon) {
            return Err(Error::invalid(
                "--horizon",
                self.horizon,
                format!("expected an integer in 1 ..= {MAX_HORIZON}"),
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::invalid(
                "--learning-rate",
                self.learning_rate,
                "expected a finite number > 0",
            ));
        }
        if !(self.init_range.is_finite() && self.init_range >= 0.0) {
            return Err(Error::invalid(
                "--init-range",
                self.init_range,
                "expected a finite number >= 0",
            ));
        }
        Ok(())
    }

    /// The shape of level `level` (0-based): tanh hidden units, softmax outputs over the
    /// alphabet and direct input-to-output weights; levels above the first get the
    /// time-code units as extra inputs.
    pub fn level_shape(&self, level: usize) -> NetShape {
        let time_units = if level == 0 {
            0
        } else {
            self.time_code.width()
        };
        NetShape {
            inputs: self.alphabet + time_units,
            hidden: self.hidden,
            outputs: self.alphabet,
            direct: true,
            output_feedback: false,
            hidden_activation: HiddenActivation::Tanh,
            output_activation: OutputActivation::Softmax,
        }
    }
}

/// One level: its net, its online learner and its counters.
#[derive(Clone, Debug)]
struct Level {
    net: Net,
    learner: TruncatedBptt,
    /// Inputs received so far (the level's ticks).
    received: u64,
    /// The step of the latest input received.
    last_step: u64,
    /// The symbols of the truncated-BPTT window, newest last: with the time-code units,
    /// the only input columns whose `w_hx` and `w_yx` weights have a nonzero gradient.
    window_symbols: VecDeque<usize>,
    time: TimeCoder,
    /// This level's own prediction restricted to its candidates and renormalised (n).
    own: Vec<f64>,
    /// The coding distribution of the level below, restricted to this level's candidates
    /// and renormalised (n); unused on level 1.
    lower: Vec<f64>,
    /// Whether `own` came from the net (false before the level's first input).
    predicted: bool,
    /// Weight of `own` against `lower` in this level's coding distribution.
    trust: f64,
}

/// The stack's prediction of the next input.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The coding distribution over the alphabet (n values summing to 1): the probability
    /// that the next input is each symbol, composed from all levels as described at
    /// [`PredictorStack::predict`].
    pub probabilities: Vec<f64>,
    /// Each level's expected symbol, `None` for a level that has received no input yet.
    pub expected: Vec<Option<usize>>,
}

/// The outcome of one step: which levels received the input and which found it
/// unexpected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepOutcome {
    /// Per level: the level received this input (it ticked).
    pub ticked: Vec<bool>,
    /// Per level: the level received this input and did not predict it.
    pub unexpected: Vec<bool>,
}

/// The predictor stack with its learners; see the module documentation.
#[derive(Clone, Debug)]
pub struct PredictorStack {
    config: StackConfig,
    levels: Vec<Level>,
    /// Whether [`observe`](Self::observe) trains the nets.
    learning: bool,
    step: u64,
    input: Array1<f64>,
    target: Array1<f64>,
    mask: Array1<f64>,
    delta: Array1<f64>,
    candidates: Vec<bool>,
    /// Scratch: the coding distribution of the level being composed (n).
    mixture: Vec<f64>,
}

impl PredictorStack {
    /// A stack with weights drawn from a generator seeded with `config.seed`, level 1 first.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the config is out of range.
    pub fn new(config: StackConfig) -> Result<Self> {
        config.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let nets = (0..config.levels)
            .map(|level| {
                let shape = config.level_shape(level);
                let params = Params::uniform(&shape, config.init_range, &mut rng);
                Net::new(shape, params)
            })
            .collect();
        Self::from_nets(config, nets)
    }

    /// A stack made of given nets, e.g. loaded from a saved model.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the config is out of range, and when the number or a
    /// shape of the nets does not match the config.
    pub fn from_nets(config: StackConfig, nets: Vec<Net>) -> Result<Self> {
        config.validate()?;
        if nets.len() != config.levels {
            return Err(Error::invalid(
                "levels",
                nets.len(),
                format!("expected {} nets, one per level", config.levels),
            ));
        }
        let mut levels = Vec::with_capacity(nets.len());
        for (index, net) in nets.into_iter().enumerate() {
            let expected = config.level_shape(index);
            if net.shape != expected {
                return Err(Error::invalid(
                    format!("shape of level {}", index + 1),
                    net.shape.to_string(),
                    format!("expected {expected}"),
                ));
            }
            let learner = TruncatedBptt::new(&net.shape, config.horizon);
            levels.push(Level {
                net,
                learner,
                received: 0,
                last_step: 0,
                window_symbols: VecDeque::with_capacity(config.horizon + 1),
                time: TimeCoder::new(if index == 0 {
                    TimeCode::None
                } else {
                    config.time_code
                }),
                own: vec![0.0; config.alphabet],
                lower: vec![0.0; config.alphabet],
                predicted: false,
                trust: INITIAL_TRUST,
            });
        }
        let width = config.alphabet + config.time_code.width();
        Ok(Self {
            input: Array1::zeros(width),
            target: Array1::zeros(config.alphabet),
            mask: Array1::ones(config.alphabet),
            delta: Array1::zeros(config.alphabet),
            candidates: vec![true; config.alphabet],
            mixture: vec![0.0; config.alphabet],
            config,
            levels,
            learning: true,
            step: 0,
        })
    }

    pub fn config(&self) -> &StackConfig {
        &self.config
    }

    /// The nets, level 1 first.
    pub fn nets(&self) -> impl Iterator<Item = &Net> {
        self.levels.iter().map(|level| &level.net)
    }

    /// Switches online learning on or off; a frozen stack still updates its states.
    pub fn set_learning(&mut self, learning: bool) {
        self.learning = learning;
    }

    /// Inputs received by each level so far, level 1 first.
    pub fn received(&self) -> Vec<u64> {
        self.levels.iter().map(|level| level.received).collect()
    }

    /// Forgets the hidden states and counters but keeps the weights.
    pub fn reset_states(&mut self) {
        for level in &mut self.levels {
            level.learner.reset();
            level.received = 0;
            level.last_step = 0;
            level.window_symbols.clear();
            level.time = TimeCoder::new(level.time.code());
            level.predicted = false;
            level.trust = INITIAL_TRUST;
        }
        self.step = 0;
    }

    /// Composes the coding distribution of the next input from all levels.
    ///
    /// Level l restricts its softmax output to its candidates, the symbols that levels
    /// 1 .. l-1 did not expect, renormalises it to r_l, and expects g_l = argmax r_l. Its
    /// coding distribution m_l mixes r_l with the level below's m_(l-1) restricted to the
    /// same candidates, weighted by a trust that follows Bayes' rule on how well each
    /// predicted the inputs this level received (m_1 = r_1). The next input is g_l with
    /// probability (prod over j < l of (1 - m_j(g_j))) m_l(g_l), and the top level L spreads
    /// the rest over its candidates as m_L. A level without an input yet expects nothing and
    /// codes with the level below's distribution (uniform on level 1). The probabilities sum
    /// to 1, and an input costs -log2 of its probability: the bits for "level 1 was wrong",
    /// then "level 2 was wrong", and so on, then the bits for the symbol itself.
    ///
    /// Call it once before every [`observe`](Self::observe).
    pub fn predict(&mut self) -> Prediction {
        let n = self.config.alphabet;
        let mut probabilities = vec![0.0; n];
        let mut expected = Vec::with_capacity(self.levels.len());
        self.candidates.fill(true);
        self.mixture.fill(0.0);
        let mut remaining = 1.0;
        let top = self.levels.len() - 1;

        for (index, level) in self.levels.iter_mut().enumerate() {
            level.predicted = level.received > 0;
            let output = level.learner.current().y.as_slice();
            restrict(
                output.filter(|_| level.predicted),
                &self.candidates,
                &mut level.own,
            );
            if index == 0 {
                self.mixture.copy_from_slice(&level.own);
            } else {
                restrict(Some(&self.mixture), &self.candidates, &mut level.lower);
                let trust = if level.predicted { level.trust } else { 0.0 };
                for symbol in 0..n {
                    self.mixture[symbol] =
                        trust * level.own[symbol] + (1.0 - trust) * level.lower[symbol];
                }
            }
            let guess = if level.predicted {
                most_probable(&self.candidates, &level.own)
            } else {
                None
            };
            expected.push(guess);

            if index == top {
                let candidates = self.candidates.iter().zip(&self.mixture);
                for (slot, (&candidate, &p)) in probabilities.iter_mut().zip(candidates) {
                    if candidate {
                        *slot = remaining * p;
                    }
                }
                break;
            }
            if let Some(symbol) = guess {
                let p = self.mixture[symbol];
                probabilities[symbol] = remaining * p;
                remaining *= 1.0 - p;
                self.candidates[symbol] = false;
            }
        }
        Prediction {
            probabilities,
            expected,
        }
    }

    /// Presents the next input `symbol`, given the prediction made for it by the latest
    /// [`predict`](Self::predict): every level that receives it first learns from its
    /// error (when learning is on), then steps its net; it goes on to the next level when
    /// this level did not expect it.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when `symbol` is outside the alphabet; [`Error::Diverged`]
    /// when a level's loss or weights become NaN or infinite.
    pub fn observe(&mut self, symbol: usize, prediction: &Prediction) -> Result<StepOutcome> {
        let n = self.config.alphabet;
        if symbol >= n {
            return Err(Error::invalid(
                "symbol",
                symbol,
                format!("expected a symbol index below the alphabet size {n}"),
            ));
        }
        let count = self.levels.len();
        let mut outcome = StepOutcome {
            ticked: vec![false; count],
            unexpected: vec![false; count],
        };
        self.step += 1;

        for index in 0..count {
            outcome.ticked[index] = true;
            self.update_trust(index, symbol);
            self.tick_level(index, symbol)?;
            if prediction.expected[index] == Some(symbol) {
                break;
            }
            outcome.unexpected[index] = true;
        }
        Ok(outcome)
    }

    /// Bayes' rule on the two predictions mixed at level `index`, which received `symbol`.
    fn update_trust(&mut self, index: usize, symbol: usize) {
        let level = &mut self.levels[index];
        if index == 0 || !level.predicted {
            return;
        }
        let own = level.trust * level.own[symbol];
        let lower = (1.0 - level.trust) * level.lower[symbol];
        let total = own + lower;
        if total > 0.0 && total.is_finite() {
            level.trust = (own / total).clamp(MIN_TRUST, MAX_TRUST);
        }
    }

    /// Ticks level `index` on `symbol`: the loss of its latest output, learning, then the
    /// forward step.
    fn tick_level(&mut self, index: usize, symbol: usize) -> Result<()> {
        let n = self.config.alphabet;
        let step = self.step;
        let learning = self.learning;
        let learning_rate = self.config.learning_rate;
        let level = &mut self.levels[index];

        if learning && level.received > 0 {
            self.target.fill(0.0);
            self.target[symbol] = 1.0;
            let loss = step_loss(
                OutputActivation::Softmax,
                level.learner.current(),
                self.target.view(),
                self.mask.view(),
                self.delta.view_mut(),
            );
            if !loss.is_finite() {
                return Err(diverged(index, step, format!("loss is {loss}")));
            }
            let gradient = level.learner.gradient(&level.net, self.delta.view());
            descend(
                &mut level.net,
                gradient,
                learning_rate,
                &level.window_symbols,
                n,
            );
            if let Some(name) = non_finite_update(&level.net, &level.window_symbols, n) {
                return Err(diverged(
                    index,
                    step,
                    format!("a weight of {name} is not finite"),
                ));
            }
        }

        let input = &mut self.input;
        input.fill(0.0);
        input[symbol] = 1.0;
        let width = level.net.shape.inputs;
        level
            .time
            .encode(step, input.slice_mut(ndarray::s![n..width]));
        level
            .learner
            .advance(&level.net, input.slice(ndarray::s![..width]));
        if level.window_symbols.len() == self.config.horizon {
            level.window_symbols.pop_front();
        }
        level.window_symbols.push_back(symbol);
        level.received += 1;
        level.last_step = step;
        Ok(())
    }
}

/// Writes `distribution` restricted to the candidates and renormalised into `out`, zero
/// elsewhere; uniform over the candidates when `distribution` is `None`, of the wrong
/// length, or has no positive finite mass on them.
fn restrict(distribution: Option<&[f64]>, candidates: &[bool], out: &mut [f64]) {
    let values = distribution.filter(|values| values.len() == candidates.len());
    let mass: f64 = values.map_or(0.0, |values| {
        values
            .iter()
            .zip(candidates)
            .filter(|(_, c)| **c)
            .map(|(p, _)| *p)
            .sum()
    });
    let values = values.filter(|_| mass > 0.0 && mass.is_finite());
    let count = candidates.iter().filter(|c| **c).count().max(1) as f64;
    for (symbol, slot) in out.iter_mut().enumerate() {
        *slot = match (candidates[symbol], values) {
            (false, _) => 0.0,
            (true, Some(values)) => values[symbol] / mass,
            (true, None) => 1.0 / count,
        };
    }
}

/// Gradient descent, weights -= learning_rate * gradient, touching only the input columns
/// of `w_hx` and `w_yx` that can be nonzero in the window: the window's symbols and the
/// time-code columns from `first_time_column` on. The gradients of the other columns are
/// exactly zero, so the result is bit-identical to a dense update, and far cheaper for
/// one-hot inputs over 256 symbols.
fn descend(
    net: &mut Net,
    gradient: &Params,
    learning_rate: f64,
    window_symbols: &VecDeque<usize>,
    first_time_column: usize,
) {
    let mut columns: Vec<usize> = window_symbols.iter().copied().collect();
    columns.extend(first_time_column..net.shape.inputs);
    columns.sort_unstable();
    columns.dedup();

    let params = &mut net.params;
    let scale = -learning_rate;
    params.w_hh.scaled_add(scale, &gradient.w_hh);
    params.b_h.scaled_add(scale, &gradient.b_h);
    params.w_yh.scaled_add(scale, &gradient.w_yh);
    params.b_y.scaled_add(scale, &gradient.b_y);
    for &column in &columns {
        params
            .w_hx
            .column_mut(column)
            .scaled_add(scale, &gradient.w_hx.column(column));
        if net.shape.direct {
            params
                .w_yx
                .column_mut(column)
                .scaled_add(scale, &gradient.w_yx.column(column));
        }
    }
    if net.shape.output_feedback {
        params.w_hy.scaled_add(scale, &gradient.w_hy);
        params.w_yy.scaled_add(scale, &gradient.w_yy);
    }
}

/// Finds the first tensor that [`descend`] updated to a non-finite value. Only the updated
/// parts are scanned, because a full scan of the 256-column tensors at every step would
/// cost more than the training itself.
fn non_finite_update(
    net: &Net,
    window_symbols: &VecDeque<usize>,
    first_time_column: usize,
) -> Option<&'static str> {
    let params = &net.params;
    if !all_finite(params.w_hh.iter()) {
        return Some("w_hh");
    }
    if !all_finite(params.b_h.iter()) {
        return Some("b_h");
    }
    if !all_finite(params.w_yh.iter()) {
        return Some("w_yh");
    }
    if !all_finite(params.b_y.iter()) {
        return Some("b_y");
    }
    let columns = window_symbols
        .iter()
        .copied()
        .chain(first_time_column..net.shape.inputs);
    for column in columns {
        if !all_finite(params.w_hx.column(column).iter()) {
            return Some("w_hx");
        }
        if net.shape.direct && !all_finite(params.w_yx.column(column).iter()) {
            return Some("w_yx");
        }
    }
    if net.shape.output_feedback
        && !(all_finite(params.w_hy.iter()) && all_finite(params.w_yy.iter()))
    {
        return Some("w_hy or w_yy");
    }
    None
}

fn all_finite<'a>(values: impl IntoIterator<Item = &'a f64>) -> bool {
    values.into_iter().all(|v| v.is_finite())
}

/// The most probable candidate symbol, ties to the lowest index.
fn most_probable(candidates: &[bool], probabilities: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (symbol, candidate) in candidates.iter().enumerate() {
        if !candidate {
            continue;
        }
        let p = probabilities[symbol];
        match best {
            Some((_, b)) if p <= b => {}
            _ => best = Some((symbol, p)),
        }
    }
    best.map(|(symbol, _)| symbol)
}

fn diverged(index: usize, step: u64, detail: String) -> Error {
    Error::Diverged {
        experiment: format!("predictor stack level {}", index + 1),
        run: 0,
        detail: format!("at step {step}: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(levels: usize) -> StackConfig {
        StackConfig {
            alphabet: 5,
            levels,
            hidden: 4,
            horizon: 3,
            learning_rate: 0.3,
            init_range: 0.2,
            time_code: TimeCode::Decaying { decay: 0.9 },
            seed: 7,
        }
    }

    #[test]
    fn prediction_sums_to_one() {
        let mut stack = PredictorStack::new(config(3)).unwrap();
        for step in 0..200 {
            let prediction = stack.predict();
            let sum: f64 = prediction.probabilities.iter().sum();
            assert!((sum - 1.0).abs() < 1e-12, "step {step}: sum {sum}");
            assert!(prediction.probabilities.iter().all(|p| *p > 0.0));
            stack.observe(step % 3, &prediction).unwrap();
        }
    }

    #[test]
    fn first_input_reaches_every_level() {
        let mut stack = PredictorStack::new(config(3)).unwrap();
        let prediction = stack.predict();
        assert_eq!(prediction.expected, vec![None, None, None]);
        let outcome = stack.observe(2, &prediction).unwrap();
        assert_eq!(outcome.ticked, vec![true, true, true]);
        assert_eq!(stack.received(), vec![1, 1, 1]);
    }

    #[test]
    fn periodic_stream_stops_reaching_level_two() {
        let mut stack = PredictorStack::new(config(2)).unwrap();
        for step in 0..3000 {
            let prediction = stack.predict();
            stack.observe(step % 4, &prediction).unwrap();
        }
        let before = stack.received()[1];
        for step in 0..400 {
            let prediction = stack.predict();
            stack.observe(step % 4, &prediction).unwrap();
        }
        assert_eq!(
            stack.received()[1],
            before,
            "level 1 should predict a cycle"
        );
    }

    /// The sparse update must give the same bits as the dense `Params::add_scaled`.
    #[test]
    fn sparse_descent_equals_dense_descent() {
        let config = config(2);
        let shape = config.level_shape(1);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut net = Net::new(shape.clone(), Params::uniform(&shape, 0.3, &mut rng));
        let mut learner = TruncatedBptt::new(&shape, config.horizon);
        let mut window = VecDeque::new();
        let mut time = TimeCoder::new(config.time_code);
        let mut delta = Array1::zeros(shape.outputs);
        for step in 0..12u64 {
            let symbol = (step * 7 % 5) as usize;
            if step > 0 {
                let mut target = Array1::zeros(shape.outputs);
                target[symbol] = 1.0;
                let mask = Array1::ones(shape.outputs);
                step_loss(
                    OutputActivation::Softmax,
                    learner.current(),
                    target.view(),
                    mask.view(),
                    delta.view_mut(),
                );
                let gradient = learner.gradient(&net, delta.view()).clone();
                let mut dense = net.clone();
                dense.params.add_scaled(&shape, -0.3, &gradient);
                descend(&mut net, &gradient, 0.3, &window, config.alphabet);
                assert_eq!(net, dense, "step {step}");
            }
            let mut input = Array1::zeros(shape.inputs);
            input[symbol] = 1.0;
            time.encode(step, input.slice_mut(ndarray::s![config.alphabet..]));
            learner.advance(&net, input.view());
            if window.len() == config.horizon {
                window.pop_front();
            }
            window.push_back(symbol);
        }
    }

    #[test]
    fn symbol_outside_alphabet_is_rejected() {
        let mut stack = PredictorStack::new(config(1)).unwrap();
        let prediction = stack.predict();
        assert!(stack.observe(5, &prediction).is_err());
    }
}
