//! The two-net system of Schmidhuber 1992 (Neural Computation 4(2), section 5; NIPS 4,
//! section 4; habilitation thesis 1993, ch. 7): the automatizer A sees every input, the
//! chunker C sees the inputs A failed to predict, and A learns to predict C's state.
//!
//! One step on the stream, when input x_t arrives:
//! 1. [`judge`](TwoNetSystem::judge): A's latest output is compared with x_t (terms (1) and
//!    (2)) and with C's state at t-1 (term (3)); A learns; the surprise rule decides whether
//!    x_t was unexpected.
//! 2. [`absorb`](TwoNetSystem::absorb): if x_t was unexpected, C is trained to predict x_t
//!    and then updates its state with it (a tick); then A runs one step on x_t.
//!
//! So A's output at step t is trained toward C's state after C's ticks up to and including
//! step t: with ticks at t = 5 and t = 9, the target of A's output at t = 6 is C's state
//! after its tick at t = 5.

use ndarray::{Array1, ArrayView1};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::automatizer::{
    Automatizer, Imitation, Layout, LossTerms, TermWeights, automatizer_loss,
};
use super::chunker::{Chunker, TickReport};
use super::config::{ImitatedState, ImitationSchedule, SurpriseRule, SystemConfig};
use crate::net::{Net, Params, State, argmax};

/// Random streams derived from a run's seed, one per consumer.
pub mod streams {
    /// The task stream the system trains on.
    pub const DATA: u64 = 1;
    /// A's initial weights.
    pub const AUTOMATIZER: u64 = 2;
    /// C's initial weights.
    pub const CHUNKER: u64 = 3;
    /// Fresh sequences for frozen checks; check i uses stream FROZEN + i.
    pub const FROZEN: u64 = 1000;
}

/// A generator for stream `stream` of the run seeded with `seed`.
pub fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// The verdict of [`TwoNetSystem::judge`] on A's latest prediction.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Judgement {
    /// False at the first step, which has no earlier prediction.
    pub judged: bool,
    /// Whether x_t counts as unexpected (always true at the first step).
    pub surprised: bool,
    /// Largest absolute error over the symbol units, the exempt units left out.
    pub symbol_error: f64,
    /// Absolute error of the target unit, when x_t carries a target.
    pub target_error: Option<f64>,
    /// Mean absolute error of A's imitating units, when term (3) was applied.
    pub imitation_error: Option<f64>,
    /// Absolute error of A's unit that imitates C's target unit, when term (3) was applied
    /// and the imitated state includes C's target unit.
    pub imitation_target_error: Option<f64>,
    /// Whether every prediction unit (exempt units left out) was within `bound`.
    pub passed: bool,
    pub loss: LossTerms,
}

/// The automatizer, the chunker and the state of their coupling.
#[derive(Clone, Debug)]
pub struct TwoNetSystem {
    config: SystemConfig,
    layout: Layout,
    pub automatizer: Automatizer,
    pub chunker: Option<Chunker>,
    /// The imitated part of C's current state (K), held between ticks.
    imitation: Array1<f64>,
    imitation_logits: Array1<f64>,
    /// Position of C's target unit in the imitated vector, if it is imitated.
    imitated_target_slot: Option<usize>,
    /// Whether C ticked at the latest step (for [`ImitationSchedule::Ticks`]).
    ticked_last_step: bool,
    /// The term-(3) target used at the latest judged step, if term (3) was applied.
    last_imitation_target: Option<Array1<f64>>,
    /// Terms (1) and (2) of A are off during the forgetting ablation.
    own_terms_on: bool,
    steps: u64,
}

impl TwoNetSystem {
    /// Builds both nets with weights drawn from the run's seed.
    pub fn new(config: &SystemConfig, layout: Layout, seed: u64) -> Self {
        let c_shape = Chunker::shape(&layout, config.collapse.time_code, &config.chunker);
        let imitated = if config.chunker_enabled {
            Chunker::imitated_width(&layout, &c_shape, config.collapse.imitated_state)
        } else {
            0
        };
        let a_shape = Automatizer::shape(&layout, imitated, &config.automatizer);
        let imitated_target_slot = layout
            .target_index()
            .filter(|_| config.chunker_enabled)
            .and_then(|k| match config.collapse.imitated_state {
                ImitatedState::HiddenAndOutputs => Some(c_shape.hidden + k),
                ImitatedState::Outputs => Some(k),
                ImitatedState::TargetUnit => Some(0),
                ImitatedState::Hidden => None,
            });
        let a_params = Params::uniform(
            &a_shape,
            config.automatizer.init_range,
            &mut rng_for(seed, streams::AUTOMATIZER),
        );
        let automatizer = Automatizer::new(a_shape, a_params, &config.automatizer);
        let chunker = config.chunker_enabled.then(|| {
            let c_params = Params::uniform(
                &c_shape,
                config.chunker.init_range,
                &mut rng_for(seed, streams::CHUNKER),
            );
            Chunker::new(
                layout,
                config.collapse.time_code,
                c_shape,
                c_params,
                &config.chunker,
            )
        });
        Self {
            config: config.clone(),
            layout,
            automatizer,
            chunker,
            imitation: Array1::zeros(imitated),
            imitation_logits: Array1::zeros(imitated),
            imitated_target_slot,
            ticked_last_step: false,
            last_imitation_target: None,
            own_terms_on: true,
            steps: 0,
        }
    }

    /// Builds the system of `config` with trained nets in place of random ones, e.g. from
    /// a saved model. Learner states start at zero, as at the start of a run.
    ///
    /// # Errors
    /// A message naming the net whose shape is not the one `config` and `layout` give, or
    /// a chunker given (or missing) against `config.chunker_enabled`.
    pub fn from_nets(
        config: &SystemConfig,
        layout: Layout,
        automatizer: Net,
        chunker: Option<Net>,
    ) -> std::result::Result<Self, String> {
        // The random weights drawn here are all replaced below.
        let mut system = Self::new(config, layout, 0);
        if automatizer.shape != system.automatizer.net.shape {
            return Err(format!(
                "the automatizer has shape ({}), but the config gives ({})",
                automatizer.shape, system.automatizer.net.shape
            ));
        }
        system.automatizer.net = automatizer;
        match (system.chunker.as_mut(), chunker) {
            (Some(slot), Some(net)) if net.shape == slot.net.shape => slot.net = net,
            (Some(slot), Some(net)) => {
                return Err(format!(
                    "the chunker has shape ({}), but the config gives ({})",
                    net.shape, slot.net.shape
                ));
            }
            (Some(_), None) => {
                return Err("the config has a chunker, but the model holds none".into());
            }
            (None, Some(_)) => {
                return Err("the model holds a chunker, but the config has none".into());
            }
            (None, None) => {}
        }
        Ok(system)
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Switches A's terms (1) and (2) on or off (off in the forgetting ablation).
    pub fn set_own_terms(&mut self, on: bool) {
        self.own_terms_on = on;
    }

    /// Returns the imitated part of C's current state: what A's output at the latest step is
    /// trained toward when the next input arrives (K).
    pub fn imitation_target(&self) -> ArrayView1<'_, f64> {
        self.imitation.view()
    }

    /// Returns the term-(3) target applied at the latest [`judge`](Self::judge), if any.
    pub fn last_imitation_target(&self) -> Option<ArrayView1<'_, f64>> {
        self.last_imitation_target.as_ref().map(|t| t.view())
    }

    /// C's current state, if the system has a chunker.
    pub fn chunker_state(&self) -> Option<&State> {
        self.chunker.as_ref().map(|c| c.learner.current())
    }

    /// A's current state.
    pub fn automatizer_state(&self) -> &State {
        self.automatizer.learner.current()
    }

    /// Judges A's latest output against the input `x` (P) that just arrived and trains A.
    ///
    /// `target_given` tells whether `x` carries a target; `exempt` lists the symbol units
    /// left out of the success test (the unpredictable first symbols of a sequence);
    /// `bound` is the success test's bound on every absolute error.
    pub fn judge(
        &mut self,
        x: ArrayView1<f64>,
        target_given: bool,
        exempt: &[usize],
        bound: f64,
    ) -> Judgement {
        self.last_imitation_target = None;
        if self.steps == 0 {
            return Judgement {
                surprised: true,
                ..Judgement::default()
            };
        }
        let layout = self.layout;
        let collapse = &self.config.collapse;
        let state = self.automatizer.learner.current();

        let mut symbol_error: f64 = 0.0;
        let mut largest_error: f64 = 0.0;
        for k in 0..layout.symbols {
            let error = (state.y[k] - x[k]).abs();
            // Unlike `f64::max`, these comparisons keep a NaN error once it appears.
            if error.is_nan() || error > largest_error {
                largest_error = error;
            }
            if !exempt.contains(&k) && (error.is_nan() || error > symbol_error) {
                symbol_error = error;
            }
        }
        let target_error = layout
            .target_index()
            .filter(|_| target_given)
            .map(|k| (state.y[k] - x[k]).abs());
        let passed = symbol_error < bound && target_error.is_none_or(|e| e < bound);

        let counted_target = target_error.filter(|_| collapse.surprise_counts_target);
        let surprised = match collapse.surprise {
            SurpriseRule::MaxAbsError => {
                largest_error.max(counted_target.unwrap_or(0.0)) > collapse.surprise_threshold
            }
            SurpriseRule::Argmax => {
                let symbol = argmax(x.slice(ndarray::s![..layout.symbols]));
                let predicted = argmax(state.y.slice(ndarray::s![..layout.symbols]));
                predicted != symbol || counted_target.is_some_and(|e| e >= 0.5)
            }
        };

        let apply_imitation = self.chunker.is_some()
            && collapse.weight_chunker_state > 0.0
            && (collapse.imitation_schedule == ImitationSchedule::EveryStep
                || self.ticked_last_step);
        let own = if self.own_terms_on { 1.0 } else { 0.0 };
        let weights = TermWeights {
            target: own * collapse.weight_target,
            next_input: own * collapse.weight_next_input,
            chunker_state: collapse.weight_chunker_state,
            temperature: collapse.temperature,
        };
        let imitation = apply_imitation.then(|| Imitation {
            values: self.imitation.view(),
            logits: self.imitation_logits.view(),
        });
        let width = layout.prediction_width();
        let imitation_error = apply_imitation.then(|| {
            let outputs = state.y.slice(ndarray::s![width..]);
            let total: f64 = outputs
                .iter()
                .zip(&self.imitation)
                .map(|(y, s)| (y - s).abs())
                .sum();
            total / self.imitation.len().max(1) as f64
        });
        let imitation_target_error = self
            .imitated_target_slot
            .filter(|_| apply_imitation)
            .map(|j| (state.y[width + j] - self.imitation[j]).abs());
        let loss = automatizer_loss(
            &layout,
            state,
            x,
            target_given,
            imitation,
            &weights,
            self.automatizer.delta.view_mut(),
        );
        if apply_imitation {
            self.last_imitation_target = Some(self.imitation.clone());
        }

        let a = &mut self.automatizer;
        a.learner.learn(&mut a.net, a.delta.view(), a.learning_rate);

        Judgement {
            judged: true,
            surprised,
            symbol_error,
            target_error,
            imitation_error,
            imitation_target_error,
            passed,
            loss,
        }
    }

    /// Passes `x` (P) to C when it was unexpected (a tick), then runs A one step on it.
    /// Returns what C's tick found, if C ticked.
    pub fn absorb(
        &mut self,
        x: ArrayView1<f64>,
        target_given: bool,
        surprised: bool,
    ) -> Option<TickReport> {
        let mut tick = None;
        self.ticked_last_step = false;
        if let Some(chunker) = self.chunker.as_mut() {
            if surprised {
                tick = Some(chunker.tick(x, target_given));
                chunker.write_imitation(
                    self.config.collapse.imitated_state,
                    &mut self.imitation,
                    &mut self.imitation_logits,
                );
                self.ticked_last_step = true;
            } else {
                chunker.idle();
            }
        }
        let a = &mut self.automatizer;
        a.learner.advance(&a.net, x);
        self.steps += 1;
        tick
    }
}
