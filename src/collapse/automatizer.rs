//! The automatizer A of Schmidhuber 1992 (Neural Computation 4(2), section 5): the net that
//! sees every input. Its loss has three terms: (1) the external targets, (2) its next input,
//! (3) the chunker's state. Term (3) is the 1991 "collapse", today called distillation.
//!
//! Unit layout. P prediction units: one per symbol, then the target unit when the task has
//! targets. A has P inputs (the same units carry the actual input) and P + K outputs, the
//! last K imitating the part of the chunker's state chosen by
//! [`ImitatedState`](super::config::ImitatedState).
//!
//! Term (3) is the squared error of 1991 by default. With temperature T > 0 it becomes the
//! soft-target loss of Hinton, Vinyals and Dean (2015) carried over to logistic units: each
//! imitating unit and its teacher unit are Bernoulli variables with probabilities
//! p = sigma(a / T) and q = sigma(z / T), the loss is T^2 times their cross-entropy, and
//! dE/da = T (p - q). NOTE: the 2015 paper softens one softmax; treating each logistic unit
//! as its own two-way softmax is our adaptation, because the 1991 nets have no softmax.

use ndarray::{Array1, ArrayView1, ArrayViewMut1};

use super::config::{NetConfig, TargetInput};
use super::online::Learner;
use crate::net::{HiddenActivation, Net, NetShape, OutputActivation, Params, State, logistic};

/// The positions of each kind of unit in the input and prediction vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Number of symbols (one-hot units).
    pub symbols: usize,
    /// Whether the task has external targets and so a target unit after the symbols.
    pub target_unit: bool,
}

impl Layout {
    /// P: symbol units plus the target unit.
    pub fn prediction_width(&self) -> usize {
        self.symbols + usize::from(self.target_unit)
    }

    /// Index of the target unit, if any.
    pub fn target_index(&self) -> Option<usize> {
        self.target_unit.then_some(self.symbols)
    }
}

/// The weights of the automatizer's three terms and the temperature of term (3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TermWeights {
    pub target: f64,
    pub next_input: f64,
    pub chunker_state: f64,
    /// 0 for the squared error; T > 0 for soft targets at temperature T.
    pub temperature: f64,
}

/// The loss of one step, term by term (already weighted).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LossTerms {
    pub target: f64,
    pub next_input: f64,
    pub chunker_state: f64,
}

impl LossTerms {
    pub fn total(&self) -> f64 {
        self.target + self.next_input + self.chunker_state
    }
}

/// The target of term (3) at one step: the chunker's activations and their logits (the
/// logits are used only by soft targets). Shapes: both K.
#[derive(Clone, Copy, Debug)]
pub struct Imitation<'a> {
    pub values: ArrayView1<'a, f64>,
    pub logits: ArrayView1<'a, f64>,
}

/// ln(1 + e^u) without overflow.
fn softplus(u: f64) -> f64 {
    u.max(0.0) + (-u.abs()).exp().ln_1p()
}

/// Computes the automatizer's loss at one step and writes dE/da into `delta` (overwritten).
///
/// `state` is the step whose outputs are judged, `next_input` (P) the input that arrived
/// after it, `target_given` whether that input carries a target (term (1) counts only then),
/// `imitation` the chunker's state for term (3) or `None` when term (3) is not applied at
/// this step. Shapes: `state.y` and `delta` are P + K.
///
/// # Panics
/// When the shapes disagree.
pub fn automatizer_loss(
    layout: &Layout,
    state: &State,
    next_input: ArrayView1<f64>,
    target_given: bool,
    imitation: Option<Imitation>,
    weights: &TermWeights,
    mut delta: ArrayViewMut1<f64>,
) -> LossTerms {
    let width = layout.prediction_width();
    assert_eq!(next_input.len(), width, "the next input has P units");
    assert_eq!(
        delta.len(),
        state.y.len(),
        "delta has one element per output"
    );
    delta.fill(0.0);
    let mut terms = LossTerms::default();

    for k in 0..layout.symbols {
        let y = state.y[k];
        let error = y - next_input[k];
        terms.next_input += 0.5 * weights.next_input * error * error;
        delta[k] = weights.next_input * error * y * (1.0 - y);
    }
    if let Some(k) = layout.target_index().filter(|_| target_given) {
        let y = state.y[k];
        let error = y - next_input[k];
        terms.target += 0.5 * weights.target * error * error;
        delta[k] = weights.target * error * y * (1.0 - y);
    }

    if let Some(imitation) = imitation {
        assert_eq!(
            width + imitation.values.len(),
            state.y.len(),
            "the automatizer has one imitating output per imitated unit"
        );
        let w = weights.chunker_state;
        let t = weights.temperature;
        for (j, (&s, &z)) in imitation.values.iter().zip(imitation.logits).enumerate() {
            let k = width + j;
            if t > 0.0 {
                // T^2 * [softplus(a/T) - q a/T] is the Bernoulli cross-entropy up to a constant.
                let (u, q) = (state.a[k] / t, logistic(z / t));
                terms.chunker_state += w * t * t * (softplus(u) - q * u);
                delta[k] = w * t * (logistic(u) - q);
            } else {
                let y = state.y[k];
                let error = y - s;
                terms.chunker_state += 0.5 * w * error * error;
                delta[k] = w * error * y * (1.0 - y);
            }
        }
    }
    terms
}

/// The automatizer: its net, its online learner and the buffer of its output gradient.
#[derive(Clone, Debug)]
pub struct Automatizer {
    pub net: Net,
    pub learner: Learner,
    pub delta: Array1<f64>,
    pub learning_rate: f64,
}

impl Automatizer {
    /// The shape of A: P inputs, P + `imitated` outputs, logistic units, direct
    /// input-to-output weights (each layer fed by all layers below).
    pub fn shape(layout: &Layout, imitated: usize, config: &NetConfig) -> NetShape {
        let width = layout.prediction_width();
        NetShape {
            inputs: width,
            hidden: config.hidden,
            outputs: width + imitated,
            direct: true,
            output_feedback: config.output_feedback,
            hidden_activation: HiddenActivation::Logistic,
            output_activation: OutputActivation::Logistic,
        }
    }

    pub fn new(shape: NetShape, params: Params, config: &NetConfig) -> Self {
        let learner = Learner::new(&shape, config);
        let delta = Array1::zeros(shape.outputs);
        Self {
            net: Net::new(shape, params),
            learner,
            delta,
            learning_rate: config.learning_rate,
        }
    }
}

/// Writes the input vector of one step: the symbol's one-hot units and the target unit.
///
/// With [`TargetInput::Pulse`] the target unit carries the target given at the previous
/// step and 0 elsewhere; with [`TargetInput::Held`] it keeps the last given target.
#[derive(Clone, Debug)]
pub struct InputEncoder {
    layout: Layout,
    mode: TargetInput,
    /// The target given at the previous step, waiting to enter the next input.
    pending: Option<f64>,
    held: f64,
}

impl InputEncoder {
    pub fn new(layout: Layout, mode: TargetInput) -> Self {
        Self {
            layout,
            mode,
            pending: None,
            held: 0.0,
        }
    }

    /// Writes the input of a step with symbol `symbol` into `x` (P) and returns whether it
    /// carries a target; `target` is the target given at this step, which enters the next
    /// input.
    pub fn encode(&mut self, symbol: usize, target: Option<f64>, x: &mut Array1<f64>) -> bool {
        x.fill(0.0);
        x[symbol] = 1.0;
        let given = self.pending.take();
        if let Some(k) = self.layout.target_index() {
            if let Some(value) = given {
                self.held = value;
            }
            x[k] = match self.mode {
                TargetInput::Pulse => given.unwrap_or(0.0),
                TargetInput::Held => self.held,
            };
        }
        self.pending = target;
        given.is_some() && self.layout.target_unit
    }
}
