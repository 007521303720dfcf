//! The interface shared by the online training algorithms (truncated BPTT and RTRL).

use ndarray::ArrayView1;

use super::forward::{Net, State};
use super::params::Params;

/// An online gradient algorithm that follows one net along a continuous stream.
///
/// The order of one step on a stream is: compute the loss of the latest step's output
/// against the input that just arrived, call [`learn`](Self::learn) with its gradient at
/// the output logits, then [`advance`](Self::advance) with the new input.
pub trait OnlineLearner {
    /// The latest state (the all-zero state before the first step).
    fn current(&self) -> &State;

    /// Runs the net one step on input `x` (I) and records what the gradient will need.
    fn advance(&mut self, net: &Net, x: ArrayView1<f64>);

    /// The gradient of a loss at the latest step, given as dE/da at the output logits (O).
    fn gradient(&mut self, net: &Net, delta: ArrayView1<f64>) -> &Params;

    /// Forgets the history and returns to the all-zero state.
    fn reset(&mut self);

    /// Takes one gradient-descent step: weights -= learning_rate * gradient.
    fn learn(&mut self, net: &mut Net, delta: ArrayView1<f64>, learning_rate: f64) {
        let grad = self.gradient(net, delta);
        net.params.add_scaled(&net.shape, -learning_rate, grad);
    }
}
