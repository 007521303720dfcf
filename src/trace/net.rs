//! Tracing a single conventional recurrent net on the standard task (the control of
//! Schmidhuber 1992, Neural Computation 4(2), section 5). The net has one level: it
//! receives every input, and an input counts as unexpected when the net's prediction of
//! it missed by more than the config's error bound at some symbol unit. The net does not
//! learn during the trace.

use ndarray::Array1;
use rand_chacha::ChaCha8Rng;

use super::{StepRecord, SystemKind, TraceStep, Traced};
use crate::error::{Error, Result};
use crate::experiment::conventional::train::encode_input;
use crate::net::{Net, State};
use crate::tasks::StandardTask;

/// A frozen conventional net being fed the standard stream.
pub struct NetFeed {
    pub net: Net,
    pub task: StandardTask,
    bound: f64,
    x: Array1<f64>,
    state: State,
    next: State,
    started: bool,
    last_target: f64,
}

impl NetFeed {
    /// # Errors
    /// [`Error::InvalidValue`] when the net's inputs or outputs are not the task's
    /// symbols plus the target unit.
    pub fn new(net: Net, task: StandardTask, bound: f64) -> Result<Self> {
        let width = task.symbols() + 1;
        if net.shape.inputs != width || net.shape.outputs != width {
            return Err(Error::invalid(
                "net shape",
                format!("{} inputs, {} outputs", net.shape.inputs, net.shape.outputs),
                format!(
                    "expected {width} inputs and outputs for the standard task of lag {}",
                    task.lag()
                ),
            ));
        }
        Ok(Self {
            x: Array1::zeros(width),
            state: State::zeros(&net.shape),
            next: State::zeros(&net.shape),
            net,
            task,
            bound,
            started: false,
            last_target: 0.0,
        })
    }
}

impl Traced for NetFeed {
    fn kind(&self) -> SystemKind {
        SystemKind::Net
    }

    fn labels(&self) -> Vec<String> {
        vec!["net".into()]
    }

    fn symbol_name(&self, symbol: usize) -> String {
        self.task.symbol_name(symbol)
    }

    fn sequence_length(&self) -> Option<usize> {
        Some(self.task.sequence_length())
    }

    fn stream(&self, rng: ChaCha8Rng) -> Box<dyn Iterator<Item = TraceStep>> {
        Box::new(self.task.stream(rng).map(|s| TraceStep {
            symbol: s.symbol,
            target: s.target,
            first: s.position == 0,
        }))
    }

    fn feed(&mut self, step: TraceStep) -> Result<StepRecord> {
        let symbols = self.task.symbols();
        let unexpected = !self.started
            || (0..symbols).any(|k| {
                let seen = if k == step.symbol { 1.0 } else { 0.0 };
                let error = (self.state.y[k] - seen).abs();
                error.is_nan() || error > self.bound
            });
        encode_input(&mut self.x, step.symbol, self.last_target);
        self.net
            .step_into(self.x.view(), &self.state, &mut self.next);
        std::mem::swap(&mut self.state, &mut self.next);
        self.last_target = step.target.unwrap_or(0.0);
        self.started = true;
        Ok(StepRecord {
            ticked: vec![true],
            unexpected: vec![unexpected],
        })
    }
}
