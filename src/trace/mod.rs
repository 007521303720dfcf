//! The trace view of history compression (Schmidhuber, Neural Computation 4(2), 1992). It
//! shows a stretch of a task's stream as a trained system saw it, step by step: which
//! inputs each level received (its ticks) and which it found unexpected and passed up.
//!
//! Three systems can be traced, each loaded from a saved model ([`model::load`]) or, for
//! the hierarchy, trained first: the predictor hierarchy ([`hierarchy`]), the automatizer
//! and chunker of the two-net system ([`two_net`]), and a single conventional net
//! ([`net`]).

pub mod evaluate;
pub mod hierarchy;
pub mod model;
pub mod net;
pub mod two_net;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::Result;

/// ChaCha stream of the inputs shown by a trace. Training uses another stream of the same
/// seed, so a trace shows steps the training did not see.
pub const TRACE_STREAM: u64 = 2;

/// One step of a task's stream, in the form every traced system reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceStep {
    pub symbol: usize,
    /// The target given at this step, if any; it enters the next input.
    pub target: Option<f64>,
    /// Whether this is the first symbol of a sequence.
    pub first: bool,
}

/// The effect of one step on each level.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRecord {
    pub ticked: Vec<bool>,
    pub unexpected: Vec<bool>,
}

/// The kind of system a trace shows, which decides its row names and notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemKind {
    /// A predictor hierarchy: rows "level 1", "level 2", ...; the top level keeps learning.
    Hierarchy,
    /// The automatizer and chunker: rows "A" and "C"; both keep learning.
    TwoNet,
    /// A single conventional net: one row "net"; it does not learn during the trace.
    Net,
}

/// A trained system that can be fed its task's stream one step at a time.
pub trait Traced {
    /// Returns the kind of system.
    fn kind(&self) -> SystemKind;

    /// Returns the name of each row of the trace, lowest level first, e.g. "level 1".
    fn labels(&self) -> Vec<String>;

    /// Returns the printed name of a symbol of the task, e.g. "a" or "b12".
    fn symbol_name(&self, symbol: usize) -> String;

    /// Returns the steps of one sequence, when all sequences have the same length.
    fn sequence_length(&self) -> Option<usize>;

    /// Returns the task's endless stream drawn from `rng`.
    fn stream(&self, rng: ChaCha8Rng) -> Box<dyn Iterator<Item = TraceStep>>;

    /// Feeds one step and reports which levels received it and which did not expect it.
    ///
    /// # Errors
    /// [`crate::Error::Diverged`] when a loss or weight stops being finite.
    fn feed(&mut self, step: TraceStep) -> Result<StepRecord>;
}

/// A stretch of a stream as a system saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub kind: SystemKind,
    /// Symbol names, one per step.
    pub names: Vec<String>,
    /// Row names, one per level.
    pub labels: Vec<String>,
    /// Per level, per step: the level received the input.
    pub ticked: Vec<Vec<bool>>,
    /// Per level, per step: the level received the input and did not expect it.
    pub unexpected: Vec<Vec<bool>>,
}

impl Trace {
    pub fn steps(&self) -> usize {
        self.names.len()
    }

    pub fn levels(&self) -> usize {
        self.ticked.len()
    }

    /// Returns the trace as CSV: `step`, `symbol`, then `level_K_ticked` and `level_K_unexpected`
    /// (true or false) for each level K.
    pub fn to_csv(&self) -> String {
        let mut text = String::from("step,symbol");
        for level in 1..=self.levels() {
            text.push_str(&format!(",level_{level}_ticked,level_{level}_unexpected"));
        }
        text.push('\n');
        for (step, name) in self.names.iter().enumerate() {
            text.push_str(&format!("{step},{name}"));
            for level in 0..self.levels() {
                text.push_str(&format!(
                    ",{},{}",
                    self.ticked[level][step], self.unexpected[level][step]
                ));
            }
            text.push('\n');
        }
        text
    }
}

/// Runs `system` over `steps` fresh steps of its stream drawn from `seed` (ChaCha stream
/// [`TRACE_STREAM`]), recording each level's ticks and unexpected inputs. A level added
/// during the trace has no ticks before it exists.
///
/// # Errors
/// As [`Traced::feed`].
pub fn trace(system: &mut dyn Traced, steps: usize, seed: u64) -> Result<Trace> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(TRACE_STREAM);
    let mut names = Vec::with_capacity(steps);
    let mut records = Vec::with_capacity(steps);
    for step in system.stream(rng).take(steps) {
        names.push(system.symbol_name(step.symbol));
        records.push(system.feed(step)?);
    }
    let labels = system.labels();
    let levels = labels.len();
    let column = |pick: fn(&StepRecord) -> &Vec<bool>, level: usize| -> Vec<bool> {
        records
            .iter()
            .map(|r| pick(r).get(level).copied().unwrap_or(false))
            .collect()
    };
    Ok(Trace {
        kind: system.kind(),
        names,
        labels,
        ticked: (0..levels).map(|l| column(|r| &r.ticked, l)).collect(),
        unexpected: (0..levels).map(|l| column(|r| &r.unexpected, l)).collect(),
    })
}
