//! The chunker C of Schmidhuber 1992 (Neural Computation 4(2), section 5): the "conscious"
//! net that sees only the inputs the automatizer failed to predict.
//!
//! At each of its ticks C is first trained to predict the new input from its state (the
//! output of its previous tick), then updates its state with that input. Its state is
//! carried from tick to tick and never reset, so truncated BPTT reaches back over ticks,
//! not over the automatizer's steps. C's inputs are the P input units of the automatizer
//! plus the time code; its outputs predict all of them.

use ndarray::{Array1, ArrayView1, ArrayViewMut1};

use super::automatizer::Layout;
use super::config::{ImitatedState, NetConfig, TimeCode};
use super::online::Learner;
use crate::net::{HiddenActivation, Net, NetShape, OutputActivation, Params, State, step_loss};

/// Computes C's prediction loss for the input `next_input` (the P units plus the time code)
/// and writes dE/da into `delta`. The target unit counts only when `target_given`.
///
/// Shapes: `next_input` and `delta` are C's input count, equal to its output count.
pub fn chunker_loss(
    layout: &Layout,
    state: &State,
    next_input: ArrayView1<f64>,
    target_given: bool,
    delta: ArrayViewMut1<f64>,
) -> f64 {
    let mut mask = Array1::ones(next_input.len());
    if let Some(k) = layout.target_index().filter(|_| !target_given) {
        mask[k] = 0.0;
    }
    step_loss(
        OutputActivation::Logistic,
        state,
        next_input,
        mask.view(),
        delta,
    )
}

/// What one tick of C found.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TickReport {
    /// C's prediction loss (0 at the first tick, which has no prediction).
    pub loss: f64,
    /// C's absolute error on the target unit, when the input carries a target and C had
    /// a prediction.
    pub target_error: Option<f64>,
}

/// The chunker: its net, learner, tick count and the buffers of one tick.
#[derive(Clone, Debug)]
pub struct Chunker {
    pub net: Net,
    pub learner: Learner,
    pub learning_rate: f64,
    layout: Layout,
    time_code: TimeCode,
    input: Array1<f64>,
    delta: Array1<f64>,
    /// Number of ticks so far.
    pub ticks: u64,
    /// Steps of the automatizer since C's previous tick.
    steps_since_tick: u64,
}

impl Chunker {
    /// The shape of C: P inputs plus the time code, as many outputs, logistic units.
    pub fn shape(layout: &Layout, time_code: TimeCode, config: &NetConfig) -> NetShape {
        let width = layout.prediction_width() + usize::from(time_code == TimeCode::Decay);
        NetShape {
            inputs: width,
            hidden: config.hidden,
            outputs: width,
            direct: true,
            output_feedback: config.output_feedback,
            hidden_activation: HiddenActivation::Logistic,
            output_activation: OutputActivation::Logistic,
        }
    }

    pub fn new(
        layout: Layout,
        time_code: TimeCode,
        shape: NetShape,
        params: Params,
        config: &NetConfig,
    ) -> Self {
        let learner = Learner::new(&shape, config);
        Self {
            input: Array1::zeros(shape.inputs),
            delta: Array1::zeros(shape.outputs),
            net: Net::new(shape, params),
            learner,
            learning_rate: config.learning_rate,
            layout,
            time_code,
            ticks: 0,
            steps_since_tick: 0,
        }
    }

    /// Counts one step of the automatizer at which C did not tick.
    pub fn idle(&mut self) {
        self.steps_since_tick += 1;
    }

    /// One tick on the unexpected input `x` (P): train C to predict it, then update C's
    /// state.
    pub fn tick(&mut self, x: ArrayView1<f64>, target_given: bool) -> TickReport {
        let width = self.layout.prediction_width();
        self.input.slice_mut(ndarray::s![..width]).assign(&x);
        if self.time_code == TimeCode::Decay {
            let gap = self.steps_since_tick + 1;
            self.input[width] = 0.5f64.powi((gap - 1).min(1000) as i32);
        }

        let mut report = TickReport::default();
        if self.ticks > 0 {
            report.target_error = self
                .layout
                .target_index()
                .filter(|_| target_given)
                .map(|k| (self.learner.current().y[k] - x[k]).abs());
            report.loss = chunker_loss(
                &self.layout,
                self.learner.current(),
                self.input.view(),
                target_given,
                self.delta.view_mut(),
            );
            self.learner
                .learn(&mut self.net, self.delta.view(), self.learning_rate);
        }

        self.learner.advance(&self.net, self.input.view());
        self.ticks += 1;
        self.steps_since_tick = 0;
        report
    }

    /// The number of units K that `imitated` selects from C's state.
    pub fn imitated_width(layout: &Layout, shape: &NetShape, imitated: ImitatedState) -> usize {
        match imitated {
            ImitatedState::HiddenAndOutputs => shape.hidden + shape.outputs,
            ImitatedState::Hidden => shape.hidden,
            ImitatedState::Outputs => shape.outputs,
            ImitatedState::TargetUnit => usize::from(layout.target_unit),
        }
    }

    /// Writes the imitated part of C's current state (values and logits, both K).
    ///
    /// The logit of a logistic hidden unit is recovered as ln(h / (1 - h)), with h kept
    /// inside [1e-12, 1 - 1e-12] so that a saturated unit gives a finite logit.
    pub fn write_imitation(
        &self,
        imitated: ImitatedState,
        values: &mut Array1<f64>,
        logits: &mut Array1<f64>,
    ) {
        let state = self.learner.current();
        let hidden_logit = |h: f64| {
            let h = h.clamp(1e-12, 1.0 - 1e-12);
            (h / (1.0 - h)).ln()
        };
        let mut j = 0;
        let mut push = |value: f64, logit: f64| {
            values[j] = value;
            logits[j] = logit;
            j += 1;
        };
        match imitated {
            ImitatedState::HiddenAndOutputs => {
                state.h.iter().for_each(|&h| push(h, hidden_logit(h)));
                state.y.iter().zip(&state.a).for_each(|(&y, &a)| push(y, a));
            }
            ImitatedState::Hidden => state.h.iter().for_each(|&h| push(h, hidden_logit(h))),
            ImitatedState::Outputs => state.y.iter().zip(&state.a).for_each(|(&y, &a)| push(y, a)),
            ImitatedState::TargetUnit => {
                if let Some(k) = self.layout.target_index() {
                    push(state.y[k], state.a[k]);
                }
            }
        }
    }
}
