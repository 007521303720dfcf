//! Losses of one time step and their gradients with respect to the output logits.
//!
//! Logistic outputs use the papers' squared error E = 1/2 sum_k m_k (d_k - y_k)^2 over the
//! units with a target (mask m_k = 1). Softmax outputs use cross-entropy
//! E = -sum_k d_k log y_k, computed from the logits through log-sum-exp so that it stays
//! finite for any finite logits; a softmax step counts when any mask element is nonzero.

use ndarray::{ArrayView1, ArrayViewMut1, Zip};

use super::activation::{OutputActivation, max_or_nan, softmax_in_place};
use super::forward::State;

/// Computes the loss of one step and writes dE/da (the gradient at the output logits) into
/// `delta`, overwriting it.
///
/// Shapes: `target`, `mask` and `delta` are O.
pub fn step_loss(
    activation: OutputActivation,
    state: &State,
    target: ArrayView1<f64>,
    mask: ArrayView1<f64>,
    mut delta: ArrayViewMut1<f64>,
) -> f64 {
    match activation {
        OutputActivation::Logistic => squared_error_step(state.y.view(), target, mask, delta),
        OutputActivation::Softmax => {
            if mask.iter().all(|&m| m == 0.0) {
                delta.fill(0.0);
                return 0.0;
            }
            let target_sum = target.sum();
            Zip::from(&mut delta)
                .and(&state.y)
                .and(&target)
                .for_each(|delta, &y, &d| *delta = y * target_sum - d);
            cross_entropy_from_logits(state.a.view(), target)
        }
    }
}

/// Computes the squared error of logistic outputs `y` and writes dE/da into `delta`.
///
/// Shapes: every argument is O.
pub(crate) fn squared_error_step(
    y: ArrayView1<f64>,
    target: ArrayView1<f64>,
    mask: ArrayView1<f64>,
    mut delta: ArrayViewMut1<f64>,
) -> f64 {
    let mut loss = 0.0;
    Zip::from(&mut delta)
        .and(&y)
        .and(&target)
        .and(&mask)
        .for_each(|delta, &y, &d, &m| {
            let error = y - d;
            loss += 0.5 * m * error * error;
            *delta = m * error * y * (1.0 - y);
        });
    loss
}

/// Computes softmax outputs, the cross-entropy and dE/da of one step from its logits in
/// one pass, by the formulas of [`OutputActivation::apply`] and [`step_loss`] but with the
/// exponentials computed once.
///
/// Shapes: every argument is O.
pub(crate) fn softmax_step(
    logits: ArrayView1<f64>,
    mut y: ArrayViewMut1<f64>,
    target: ArrayView1<f64>,
    mask: ArrayView1<f64>,
    mut delta: ArrayViewMut1<f64>,
) -> f64 {
    let (max, sum) = softmax_in_place(logits, y.view_mut());
    if mask.iter().all(|&m| m == 0.0) {
        delta.fill(0.0);
        return 0.0;
    }
    let log_sum = sum.ln();
    let target_sum = target.sum();
    Zip::from(&mut delta)
        .and(&y)
        .and(&target)
        .for_each(|delta, &y, &d| *delta = y * target_sum - d);
    Zip::from(&logits).and(&target).fold(0.0, |acc, &a, &d| {
        if d == 0.0 {
            acc
        } else {
            acc + d * ((max - a) + log_sum)
        }
    })
}

/// Cross-entropy -sum_k d_k log softmax(a)_k, with log softmax(a)_k = a_k - logsumexp(a).
///
/// Logits [1e8, 1e8] with target [0, 1] give ln 2; logits [-431, 279, 427] with target
/// [1, 0, 0] give 858 (to within rounding).
pub fn cross_entropy_from_logits(logits: ArrayView1<f64>, target: ArrayView1<f64>) -> f64 {
    // -log softmax(a)_k = (max - a_k) + ln sum_j e^(a_j - max); adding `max` back to the
    // log-sum would lose the small terms next to logits of 1e8.
    let max = max_or_nan(logits);
    let log_sum = logits.iter().map(|&a| (a - max).exp()).sum::<f64>().ln();
    Zip::from(&logits).and(&target).fold(0.0, |acc, &a, &d| {
        if d == 0.0 {
            acc
        } else {
            acc + d * ((max - a) + log_sum)
        }
    })
}
