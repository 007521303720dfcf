//! Tracing the two-net system of Schmidhuber (Neural Computation 4(2), 1992, section 5).
//! Row A shows every input and marks those the automatizer failed to predict (its surprise
//! rule). Row C shows the inputs passed to the chunker (its ticks) and marks those C itself
//! failed to predict. Both nets keep learning as they do in a run. A system whose A has
//! absorbed C shows few marks in row A, so C is rarely needed.

use ndarray::Array1;
use rand_chacha::ChaCha8Rng;

use super::{StepRecord, SystemKind, TraceStep, Traced};
use crate::collapse::automatizer::InputEncoder;
use crate::collapse::config::SystemConfig;
use crate::collapse::run::CollapseTask;
use crate::collapse::system::TwoNetSystem;
use crate::error::{Error, Result};

/// Bound of the success test while tracing; it only decides `Judgement::passed`, which the
/// trace does not show.
const BOUND: f64 = 0.3;

/// A two-net system being fed its task's stream.
pub struct TwoNetFeed {
    pub system: TwoNetSystem,
    pub task: CollapseTask,
    pub config: SystemConfig,
    encoder: InputEncoder,
    x: Array1<f64>,
}

impl TwoNetFeed {
    pub fn new(system: TwoNetSystem, task: CollapseTask, config: SystemConfig) -> Self {
        let layout = task.layout();
        Self {
            encoder: InputEncoder::new(layout, config.target_input),
            x: Array1::zeros(layout.prediction_width()),
            system,
            task,
            config,
        }
    }

    /// Tells whether C's current prediction misses `x` by more than the surprise threshold
    /// at a symbol unit. C's first tick has no prediction, so it always counts.
    fn chunker_surprised(&self) -> bool {
        let Some(chunker) = self.system.chunker.as_ref() else {
            return false;
        };
        if chunker.ticks == 0 {
            return true;
        }
        let y = &chunker.learner.current().y;
        let symbols = self.task.layout().symbols;
        (0..symbols).any(|k| {
            let error = (y[k] - self.x[k]).abs();
            error.is_nan() || error > self.config.collapse.surprise_threshold
        })
    }
}

impl Traced for TwoNetFeed {
    fn kind(&self) -> SystemKind {
        SystemKind::TwoNet
    }

    fn labels(&self) -> Vec<String> {
        let mut labels = vec!["A".to_string()];
        if self.system.chunker.is_some() {
            labels.push("C".into());
        }
        labels
    }

    fn symbol_name(&self, symbol: usize) -> String {
        match self.task {
            CollapseTask::Standard(t) => t.symbol_name(symbol),
            CollapseTask::Task2a(t) if symbol == t.x() => "x".into(),
            CollapseTask::Task2a(t) if symbol == t.y() => "y".into(),
            CollapseTask::Task2a(_) => format!("a{}", symbol + 1),
        }
    }

    fn sequence_length(&self) -> Option<usize> {
        Some(self.task.sequence_length())
    }

    fn stream(&self, rng: ChaCha8Rng) -> Box<dyn Iterator<Item = TraceStep>> {
        Box::new(self.task.stream(rng).map(|s| TraceStep {
            symbol: s.symbol,
            target: s.target,
            first: s.first,
        }))
    }

    /// Feeds one step as a run does: A is judged on the input and learns, and the input
    /// goes to C when A did not expect it.
    fn feed(&mut self, step: TraceStep) -> Result<StepRecord> {
        let target_given = self.encoder.encode(step.symbol, step.target, &mut self.x);
        let exempt: &[usize] = if step.first {
            &self.task.first_symbols()
        } else {
            &[]
        };
        let judgement = self
            .system
            .judge(self.x.view(), target_given, exempt, BOUND);
        let loss = judgement.loss.total();
        if !loss.is_finite() {
            return Err(diverged("automatizer", loss));
        }

        let passed_up =
            judgement.surprised || (step.first && self.config.collapse.pass_sequence_starts);
        let chunker_surprised = passed_up && self.chunker_surprised();
        if let Some(tick) = self.system.absorb(self.x.view(), target_given, passed_up)
            && !tick.loss.is_finite()
        {
            return Err(diverged("chunker", tick.loss));
        }

        let mut record = StepRecord {
            ticked: vec![true],
            unexpected: vec![passed_up],
        };
        if self.system.chunker.is_some() {
            record.ticked.push(passed_up);
            record.unexpected.push(chunker_surprised);
        }
        Ok(record)
    }
}

fn diverged(net: &str, loss: f64) -> Error {
    Error::Diverged {
        experiment: "trace".into(),
        run: 0,
        detail: format!("the {net}'s loss became {loss}"),
    }
}
