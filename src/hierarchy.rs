//! The self-organising predictor hierarchy P1 .. Pn of Schmidhuber, "Learning unambiguous
//! reduced sequence descriptions" (NIPS 4, 1991), Neural Computation 4(2) (1992), section 3,
//! and the 1993 habilitation thesis, chapter 7.
//!
//! Level 1 sees every input and learns online to predict its next input. Level s + 1 ticks
//! only when level s fails to predict its input (by the chosen [`SurpriseRule`]), and then
//! receives that input plus a [`TimeCode`]. Between ticks a level holds its state. Every
//! level, whatever its height, predicts its own next input. A level is added when the top
//! level stops improving ([`PlateauTest`]), and the old top level is frozen at that moment
//! so that it cannot destabilise the levels above.
//!
//! External targets are more input components to predict. Each level has S symbol outputs
//! plus, when the stream has targets, one target output. A target d given at step t is part
//! of the input at step t + 1 (its target component), so a level's target output is its
//! prediction of the target component of its next input. A level that mispredicts the
//! target fails and passes the input up, like a mispredicted symbol. The hierarchy's answer
//! for a target is the target output of the highest level that the input carrying it
//! reaches ([`StepOutcome::target_prediction`]). That is the lowest level that predicts the
//! input, or the top level: exactly the level whose prediction the reduced description
//! relies on. In the standard task every sequence starts with an unpredictable a or x, so
//! every target reaches the top level.
//!
//! NOTE: in the continuous variant (NIPS 4, 1991) the strength of the higher level's update
//! grows with the information of the input; here a level either ticks with its full
//! learning rate or does not tick, whatever the rule that decided it.
//!
//! Dimensions: S symbols; a level's net has S (+1 target unit when `target_input`) (+ the
//! time code's width above level 1) inputs and S (+1 when the stream has targets) outputs.

use ndarray::{Array1, ArrayView1, s};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::compression::{SurpriseRule, TimeCode, TimeCoder};
use crate::error::{Error, Result};
use crate::net::{
    HiddenActivation, Net, NetShape, OnlineLearner, OutputActivation, Params, Rtrl, State,
    TruncatedBptt, step_loss,
};

/// The online gradient algorithm of a level's net.
///
/// In TOML: `{ algorithm = "truncated-bptt", horizon = 3 }` or `{ algorithm = "rtrl" }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "algorithm", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Training {
    /// Truncated BPTT with one update per step; `horizon` steps back, the latest included.
    TruncatedBptt { horizon: usize },
    /// Real-time recurrent learning.
    Rtrl,
}

impl Training {
    fn learner(&self, shape: &NetShape) -> Box<dyn OnlineLearner> {
        match *self {
            Self::TruncatedBptt { horizon } => Box::new(TruncatedBptt::new(shape, horizon)),
            Self::Rtrl => Box::new(Rtrl::new(shape)),
        }
    }

    /// # Errors
    /// [`Error::InvalidValue`] when the horizon is 0.
    pub fn validate(&self, key: &str) -> Result<()> {
        match *self {
            Self::TruncatedBptt { horizon: 0 } => Err(Error::invalid(
                format!("{key}.horizon"),
                0,
                "expected at least 1 step (the 1992 experiment uses 3)",
            )),
            _ => Ok(()),
        }
    }
}

/// The net of one level: logistic units, bias, weights uniform in [-range, range].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    pub hidden: usize,
    /// Outputs at t - 1 feed hidden and output units at t (the fully recurrent nets of 1991).
    pub output_feedback: bool,
    pub weight_range: f64,
    pub learning_rate: f64,
    pub training: Training,
    /// The loss includes the next-symbol outputs. Off, the level learns only its target
    /// output, like the classifier of the automaton demo, which has no symbol outputs.
    #[serde(default = "default_symbol_loss")]
    pub symbol_loss: bool,
}

fn default_symbol_loss() -> bool {
    true
}

impl LevelSpec {
    /// # Errors
    /// [`Error::InvalidValue`] naming the key when a value is out of range.
    pub fn validate(&self, key: &str) -> Result<()> {
        if !(self.weight_range.is_finite() && self.weight_range >= 0.0) {
            return Err(Error::invalid(
                format!("{key}.weight_range"),
                self.weight_range,
                "expected a finite number >= 0, e.g. 0.2",
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::invalid(
                format!("{key}.learning_rate"),
                self.learning_rate,
                "expected a finite number > 0, e.g. 1.0",
            ));
        }
        if self.hidden > 1000 {
            return Err(Error::invalid(
                format!("{key}.hidden"),
                self.hidden,
                "expected at most 1000 hidden units",
            ));
        }
        self.training.validate(&format!("{key}.training"))
    }
}

/// The quantity the plateau test averages over the top level's ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlateauMeasure {
    /// The fraction of ticks whose input was unexpected: the share of inputs the level
    /// still passes up, which is what history compression tries to reduce.
    #[default]
    UnexpectedRate,
    /// The prediction loss, which keeps creeping down as outputs saturate even when the
    /// unexpected inputs no longer change.
    Loss,
    /// Both: a window improves when either its loss or its unexpected rate improves. The
    /// loss shows progress while the outputs are still too weak to pass the surprise rule,
    /// the rate shows progress while the loss is flat.
    Either,
}

/// The test that decides when the top level has stopped improving.
///
/// The stream is cut into consecutive windows of `window` steps, and the `measure` is
/// averaged over the top level's learning ticks in each window (a window without them is
/// skipped). A window improves when its mean is below (1 - `tolerance`) times the best
/// earlier window mean. After `patience` windows in a row without improvement the level
/// has reached its plateau. Counting steps, not ticks, lets one test serve every level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlateauTest {
    pub window: u64,
    pub patience: u32,
    pub tolerance: f64,
    #[serde(default)]
    pub measure: PlateauMeasure,
}

impl PlateauTest {
    /// # Errors
    /// [`Error::InvalidValue`] when the window or patience is 0 or the tolerance is not in
    /// [0, 1).
    pub fn validate(&self, key: &str) -> Result<()> {
        if self.window == 0 {
            return Err(Error::invalid(
                format!("{key}.window"),
                self.window,
                "expected at least 1 step",
            ));
        }
        if self.patience == 0 {
            return Err(Error::invalid(
                format!("{key}.patience"),
                self.patience,
                "expected at least 1 window",
            ));
        }
        if !(0.0..1.0).contains(&self.tolerance) {
            return Err(Error::invalid(
                format!("{key}.tolerance"),
                self.tolerance,
                "expected a relative improvement in [0, 1), e.g. 0.05",
            ));
        }
        Ok(())
    }
}

/// Everything that fixes a hierarchy apart from its weights.
#[derive(Clone, Debug, PartialEq)]
pub struct HierarchySpec {
    /// S, the alphabet size.
    pub symbols: usize,
    /// The stream has targets, so every level has one target output.
    pub targets: bool,
    /// The target value given at the previous step is also an input unit, as in the 1992
    /// experiment (0 when the previous step had no target).
    pub target_input: bool,
    pub surprise: SurpriseRule,
    /// The time code that levels 2 .. n receive with each input.
    pub time_code: TimeCode,
    /// The net of level i is `levels[min(i, len - 1)]`.
    pub levels: Vec<LevelSpec>,
    /// Levels are added up to this count.
    pub max_levels: usize,
    /// `None`: levels are added only by [`Hierarchy::grow`].
    pub plateau: Option<PlateauTest>,
    /// The first input of each sequence counts as unexpected at every level, as the 1991
    /// hierarchy passes up the start of each sequence (the "zeroth" step). It is off
    /// for continuous streams whose boundaries the model is not given.
    pub sequence_starts_unexpected: bool,
    /// Every level returns to the all-zero state at the first input of each sequence,
    /// after learning from its prediction of that input (which carries the previous
    /// sequence's target). This implies `sequence_starts_unexpected`, so that every level
    /// ticks, and resets, at each start.
    pub reset_at_sequence_start: bool,
}

impl HierarchySpec {
    /// # Errors
    /// [`Error::InvalidValue`] naming the key when a value is out of range.
    pub fn validate(&self) -> Result<()> {
        if self.symbols == 0 {
            return Err(Error::invalid("symbols", 0, "expected at least 1 symbol"));
        }
        if self.levels.is_empty() {
            return Err(Error::invalid(
                "levels",
                "[]",
                "expected at least one level net",
            ));
        }
        if !(1..=16).contains(&self.max_levels) {
            return Err(Error::invalid(
                "max_levels",
                self.max_levels,
                "expected 1 to 16 levels",
            ));
        }
        self.surprise.validate("surprise")?;
        self.time_code.validate("time_code")?;
        for (i, level) in self.levels.iter().enumerate() {
            level.validate(&format!("levels[{i}]"))?;
        }
        if let Some(plateau) = &self.plateau {
            plateau.validate("plateau")?;
        }
        Ok(())
    }

    fn passes_sequence_starts(&self) -> bool {
        self.sequence_starts_unexpected || self.reset_at_sequence_start
    }

    fn level_spec(&self, index: usize) -> &LevelSpec {
        &self.levels[index.min(self.levels.len() - 1)]
    }

    /// The net shape of level `index` (0 is level 1).
    pub fn shape(&self, index: usize) -> NetShape {
        let spec = self.level_spec(index);
        let time_units = if index == 0 {
            0
        } else {
            self.time_code.width()
        };
        NetShape {
            inputs: self.symbols + usize::from(self.target_input) + time_units,
            hidden: spec.hidden,
            outputs: self.symbols + usize::from(self.targets),
            direct: true,
            output_feedback: spec.output_feedback,
            hidden_activation: HiddenActivation::Logistic,
            output_activation: OutputActivation::Logistic,
        }
    }
}

/// One input of the stream: a symbol and, when the previous step had a target, its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    pub symbol: usize,
    /// The target given at the previous step, now part of this input.
    pub target: Option<f64>,
    /// This input is the first of a sequence of the task.
    pub sequence_start: bool,
}

/// A value became NaN or infinite.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("level {level} diverged at step {step}: {detail}")]
pub struct Diverged {
    /// 1 for the lowest level.
    pub level: usize,
    pub step: u64,
    pub detail: String,
}

/// The mode of a level's net: learning online, or frozen (forward pass only).
enum Driver {
    Learning(Box<dyn OnlineLearner>),
    Frozen { state: Box<State>, next: Box<State> },
}

impl Driver {
    fn current(&self) -> &State {
        match self {
            Self::Learning(learner) => learner.current(),
            Self::Frozen { state, .. } => state,
        }
    }

    fn reset(&mut self, shape: &NetShape) {
        match self {
            Self::Learning(learner) => learner.reset(),
            Self::Frozen { state, .. } => **state = State::zeros(shape),
        }
    }

    fn advance(&mut self, net: &Net, x: ArrayView1<f64>) {
        match self {
            Self::Learning(learner) => learner.advance(net, x),
            Self::Frozen { state, next } => {
                net.step_into(x, state, next);
                std::mem::swap(state, next);
            }
        }
    }
}

/// One predictor of the stack.
pub struct Level {
    pub net: Net,
    learning_rate: f64,
    symbol_loss: bool,
    driver: Driver,
    time: TimeCoder,
    /// False until the first tick: the first input is always unexpected.
    has_prediction: bool,
    ticks: u64,
    failures: u64,
    input: Array1<f64>,
    target: Array1<f64>,
    mask: Array1<f64>,
    delta: Array1<f64>,
    plateau: PlateauTracker,
}

impl Level {
    fn new(spec: &HierarchySpec, index: usize, rng: &mut ChaCha8Rng) -> Self {
        let shape = spec.shape(index);
        let level = spec.level_spec(index);
        let params = Params::uniform(&shape, level.weight_range, rng);
        let driver = Driver::Learning(level.training.learner(&shape));
        let time_code = if index == 0 {
            TimeCode::None
        } else {
            spec.time_code
        };
        Self {
            input: Array1::zeros(shape.inputs),
            target: Array1::zeros(shape.outputs),
            mask: Array1::zeros(shape.outputs),
            delta: Array1::zeros(shape.outputs),
            net: Net::new(shape, params),
            learning_rate: level.learning_rate,
            symbol_loss: level.symbol_loss,
            driver,
            time: TimeCoder::new(time_code),
            has_prediction: false,
            ticks: 0,
            failures: 0,
            plateau: PlateauTracker::default(),
        }
    }

    /// Number of times this level's net has run.
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// Number of inputs this level failed to predict (the ticks of the level above).
    pub fn failures(&self) -> u64 {
        self.failures
    }

    pub fn is_frozen(&self) -> bool {
        matches!(self.driver, Driver::Frozen { .. })
    }

    /// The input of the latest tick: one-hot symbol, target unit, time code (I).
    pub fn last_input(&self) -> ArrayView1<'_, f64> {
        self.input.view()
    }

    /// The outputs held since the latest tick: the prediction of the next input (O).
    pub fn outputs(&self) -> ArrayView1<'_, f64> {
        self.driver.current().y.view()
    }

    fn freeze(&mut self) {
        let state = Box::new(self.driver.current().clone());
        self.driver = Driver::Frozen {
            next: state.clone(),
            state,
        };
    }

    /// Compares the held prediction with `observation`, learns from the error unless
    /// frozen, then runs the net on the observation. Returns whether the observation was
    /// unexpected and the loss learned from.
    fn tick(
        &mut self,
        spec: &HierarchySpec,
        observation: Observation,
        time: u64,
    ) -> std::result::Result<(bool, Option<f64>), String> {
        let symbols = spec.symbols;
        let unexpected = {
            let y = self.driver.current().y.view();
            !self.has_prediction
                || (spec.passes_sequence_starts() && observation.sequence_start)
                || spec
                    .surprise
                    .is_unexpected(y.slice(s![..symbols]), observation.symbol)
                || observation.target.is_some_and(|d| {
                    spec.targets && spec.surprise.is_unexpected_target(y[symbols], d)
                })
        };

        let mut loss = None;
        if self.has_prediction
            && let Driver::Learning(learner) = &mut self.driver
        {
            self.target.fill(0.0);
            self.target[observation.symbol] = 1.0;
            let symbol_mask = if self.symbol_loss { 1.0 } else { 0.0 };
            self.mask.slice_mut(s![..symbols]).fill(symbol_mask);
            if spec.targets {
                self.target[symbols] = observation.target.unwrap_or(0.0);
                self.mask[symbols] = if observation.target.is_some() {
                    1.0
                } else {
                    0.0
                };
            }
            let value = step_loss(
                OutputActivation::Logistic,
                learner.current(),
                self.target.view(),
                self.mask.view(),
                self.delta.view_mut(),
            );
            if !value.is_finite() {
                return Err(format!("prediction loss is {value}"));
            }
            learner.learn(&mut self.net, self.delta.view(), self.learning_rate);
            if let Some((name, row, column)) = self.net.params.first_non_finite() {
                return Err(format!("weight {name}[{row}, {column}] is not finite"));
            }
            loss = Some(value);
        }

        if spec.reset_at_sequence_start && observation.sequence_start {
            self.driver.reset(&self.net.shape);
            self.time.start_episode(time);
        }

        self.input.fill(0.0);
        self.input[observation.symbol] = 1.0;
        let mut next = symbols;
        if spec.target_input {
            self.input[next] = observation.target.unwrap_or(0.0);
            next += 1;
        }
        self.time.encode(time, self.input.slice_mut(s![next..]));
        self.driver.advance(&self.net, self.input.view());
        if self.driver.current().y.iter().any(|v| !v.is_finite()) {
            return Err("an output is not finite".to_string());
        }

        self.has_prediction = true;
        self.ticks += 1;
        if unexpected {
            self.failures += 1;
        }
        Ok((unexpected, loss))
    }
}

/// Windowed means of the top level's loss and unexpected rate, for [`PlateauTest`].
#[derive(Clone, Debug, Default)]
struct PlateauTracker {
    loss_sum: f64,
    unexpected: u64,
    ticks: u64,
    steps: u64,
    best_loss: Option<f64>,
    best_rate: Option<f64>,
    stale: u32,
}

/// Whether `mean` improves on `best` by the relative `tolerance`; records a new best.
fn improves(best: &mut Option<f64>, mean: f64, tolerance: f64) -> bool {
    match *best {
        Some(b) if mean >= b * (1.0 - tolerance) => false,
        _ => {
            *best = Some(mean);
            true
        }
    }
}

impl PlateauTracker {
    /// Adds one step, with the top level's loss and surprise if it learned at this step;
    /// returns true when the plateau test fires.
    fn record(&mut self, test: &PlateauTest, tick: Option<(f64, bool)>) -> bool {
        if let Some((loss, unexpected)) = tick {
            self.loss_sum += loss;
            self.unexpected += u64::from(unexpected);
            self.ticks += 1;
        }
        self.steps += 1;
        if self.steps < test.window {
            return false;
        }
        let (loss_sum, unexpected, ticks) = (self.loss_sum, self.unexpected, self.ticks);
        (self.loss_sum, self.unexpected, self.ticks, self.steps) = (0.0, 0, 0, 0);
        if ticks == 0 {
            return false;
        }
        let loss = loss_sum / ticks as f64;
        let rate = unexpected as f64 / ticks as f64;
        let tolerance = test.tolerance;
        let improved = match test.measure {
            PlateauMeasure::Loss => improves(&mut self.best_loss, loss, tolerance),
            PlateauMeasure::UnexpectedRate => improves(&mut self.best_rate, rate, tolerance),
            PlateauMeasure::Either => {
                // Both bests are updated, so no short-circuit.
                let by_loss = improves(&mut self.best_loss, loss, tolerance);
                let by_rate = improves(&mut self.best_rate, rate, tolerance);
                by_loss || by_rate
            }
        };
        self.stale = if improved { 0 } else { self.stale + 1 };
        self.stale >= test.patience
    }
}

/// The outcome of one step of the stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepOutcome {
    /// The number of levels that ticked at this step (1 ..= levels).
    pub ticked: usize,
    /// A level was added after this step.
    pub grew: bool,
    /// The hierarchy's prediction of this input's target component: the target output of
    /// the highest level that ticked, read before it learned. `None` when this input has
    /// no target or the stream has none.
    pub target_prediction: Option<f64>,
}

/// The stack of predictors.
pub struct Hierarchy {
    spec: HierarchySpec,
    levels: Vec<Level>,
    rng: ChaCha8Rng,
    step: u64,
}

impl Hierarchy {
    /// Builds level 1; further levels draw their weights from the same generator.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the spec is invalid.
    pub fn new(spec: HierarchySpec, mut rng: ChaCha8Rng) -> Result<Self> {
        spec.validate()?;
        let first = Level::new(&spec, 0, &mut rng);
        Ok(Self {
            levels: vec![first],
            spec,
            rng,
            step: 0,
        })
    }

    /// A hierarchy whose weights come from a fresh generator seeded with `seed`.
    ///
    /// # Errors
    /// As [`Hierarchy::new`].
    pub fn from_seed(spec: HierarchySpec, seed: u64) -> Result<Self> {
        Self::new(spec, ChaCha8Rng::seed_from_u64(seed))
    }

    pub fn spec(&self) -> &HierarchySpec {
        &self.spec
    }

    /// Levels from the lowest (level 1) up.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Mutable access to level `index` (0 is level 1), e.g. to set weights in a test.
    pub fn level_mut(&mut self, index: usize) -> &mut Level {
        &mut self.levels[index]
    }

    /// Number of steps seen so far.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// The top level's target output, held since its latest tick; `None` without targets.
    pub fn target_output(&self) -> Option<f64> {
        let top = self
            .levels
            .last()
            .expect("a hierarchy has at least one level");
        self.spec.targets.then(|| top.outputs()[self.spec.symbols])
    }

    /// Freezes every level: from now on the hierarchy only predicts and passes inputs up,
    /// and never grows. For testing a trained hierarchy on fresh data.
    pub fn freeze_all(&mut self) {
        for level in self.levels.iter_mut().filter(|l| !l.is_frozen()) {
            level.freeze();
        }
    }

    /// Freezes the top level and adds a new one above it; does nothing at `max_levels`.
    /// Returns whether a level was added.
    pub fn grow(&mut self) -> bool {
        if self.levels.len() >= self.spec.max_levels {
            return false;
        }
        if let Some(top) = self.levels.last_mut() {
            top.freeze();
        }
        let level = Level::new(&self.spec, self.levels.len(), &mut self.rng);
        self.levels.push(level);
        true
    }

    /// Feeds one input: level 1 ticks, and each level that fails passes the input up.
    ///
    /// # Errors
    /// [`Diverged`] naming the level when a loss, weight or output is not finite.
    ///
    /// # Panics
    /// When the symbol is not below S.
    pub fn step(&mut self, observation: Observation) -> std::result::Result<StepOutcome, Diverged> {
        assert!(
            observation.symbol < self.spec.symbols,
            "symbol {} outside the alphabet of {}",
            observation.symbol,
            self.spec.symbols
        );

        let time = self.step;
        self.step += 1;
        let top = self.levels.len() - 1;

        let mut ticked = 0;
        let mut plateau = false;
        let mut target_prediction = None;
        let mut top_tick = None;
        for (index, level) in self.levels.iter_mut().enumerate() {
            if self.spec.targets && observation.target.is_some() {
                target_prediction = Some(level.outputs()[self.spec.symbols]);
            }
            let (unexpected, loss) =
                level
                    .tick(&self.spec, observation, time)
                    .map_err(|detail| Diverged {
                        level: index + 1,
                        step: time,
                        detail,
                    })?;
            ticked += 1;
            if index == top {
                top_tick = loss.map(|loss| (loss, unexpected));
            }
            if !unexpected {
                break;
            }
        }
        if let Some(test) = &self.spec.plateau {
            let top_level = &mut self.levels[top];
            plateau = !top_level.is_frozen() && top_level.plateau.record(test, top_tick);
        }
        let grew = plateau && self.grow();
        Ok(StepOutcome {
            ticked,
            grew,
            target_prediction,
        })
    }
}
