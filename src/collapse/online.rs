//! The online gradient algorithm of one net of the two-net system, chosen by config:
//! truncated BPTT (the 20-step experiment of Schmidhuber 1992) or RTRL.

use ndarray::ArrayView1;

use super::config::{LearnerKind, NetConfig};
use crate::net::{Net, NetShape, OnlineLearner, Rtrl, State, TruncatedBptt};

/// Either online learner, dispatched without a trait object so that the system can be cloned.
#[derive(Clone, Debug)]
pub enum Learner {
    TruncatedBptt(Box<TruncatedBptt>),
    Rtrl(Box<Rtrl>),
}

impl Learner {
    pub fn new(shape: &NetShape, config: &NetConfig) -> Self {
        match config.learner {
            LearnerKind::TruncatedBptt => {
                Self::TruncatedBptt(Box::new(TruncatedBptt::new(shape, config.horizon)))
            }
            LearnerKind::Rtrl => Self::Rtrl(Box::new(Rtrl::new(shape))),
        }
    }

    fn inner(&self) -> &dyn OnlineLearner {
        match self {
            Self::TruncatedBptt(l) => l.as_ref(),
            Self::Rtrl(l) => l.as_ref(),
        }
    }

    fn inner_mut(&mut self) -> &mut dyn OnlineLearner {
        match self {
            Self::TruncatedBptt(l) => l.as_mut(),
            Self::Rtrl(l) => l.as_mut(),
        }
    }

    /// Returns the latest state of the net.
    pub fn current(&self) -> &State {
        self.inner().current()
    }

    /// Runs the net one step on `x`.
    pub fn advance(&mut self, net: &Net, x: ArrayView1<f64>) {
        self.inner_mut().advance(net, x);
    }

    /// Takes one gradient-descent step on the loss whose output gradient dE/da is `delta`.
    pub fn learn(&mut self, net: &mut Net, delta: ArrayView1<f64>, learning_rate: f64) {
        self.inner_mut().learn(net, delta, learning_rate);
    }
}
