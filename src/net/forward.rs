//! The forward pass of one time step, and the state a net carries across calls.
//!
//! h_t = f(W_hx x_t + W_hh h_(t-1) + W_hy y_(t-1) + b_h)
//! y_t = g(W_yh h_t + W_yx x_t + W_yy y_(t-1) + b_y), with h_0 = 0 and y_0 = 0.

use ndarray::{Array1, ArrayView1, ArrayView2, ArrayViewMut1};

use super::kernels::mat_vec_add_view;
use super::params::{NetShape, Params};

/// A recurrent net: its shape and its weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Net {
    pub shape: NetShape,
    pub params: Params,
}

/// The activations of one time step: hidden units, output logits and outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// H
    pub h: Array1<f64>,
    /// O; the net input of each output unit (the logits for softmax).
    pub a: Array1<f64>,
    /// O
    pub y: Array1<f64>,
}

impl State {
    /// The all-zero state that precedes the first step.
    pub fn zeros(shape: &NetShape) -> Self {
        Self {
            h: Array1::zeros(shape.hidden),
            a: Array1::zeros(shape.outputs),
            y: Array1::zeros(shape.outputs),
        }
    }
}

impl Net {
    pub fn new(shape: NetShape, params: Params) -> Self {
        Self { shape, params }
    }

    /// Computes the step after `prev` for input `x`, writing into `next` without allocating.
    ///
    /// Shapes: `x` is I; `prev` and `next` are states of this net.
    ///
    /// # Panics
    /// When `x` does not have I elements.
    pub fn step_into(&self, x: ArrayView1<f64>, prev: &State, next: &mut State) {
        assert_eq!(
            x.len(),
            self.shape.inputs,
            "input length must equal the net's input count"
        );
        let p = &self.params;

        next.h.assign(&p.b_h);
        add_sparse_mat_vec(p.w_hx.view(), x, next.h.view_mut());
        mat_vec_add_view(p.w_hh.view(), prev.h.view(), next.h.view_mut());
        if self.shape.output_feedback {
            mat_vec_add_view(p.w_hy.view(), prev.y.view(), next.h.view_mut());
        }
        self.shape.hidden_activation.apply(next.h.view_mut());

        next.a.assign(&p.b_y);
        mat_vec_add_view(p.w_yh.view(), next.h.view(), next.a.view_mut());
        if self.shape.direct {
            add_sparse_mat_vec(p.w_yx.view(), x, next.a.view_mut());
        }
        if self.shape.output_feedback {
            mat_vec_add_view(p.w_yy.view(), prev.y.view(), next.a.view_mut());
        }
        self.shape
            .output_activation
            .apply(next.a.view(), next.y.view_mut());
    }

    /// Runs the net over the rows of `inputs` from `start`, returning every step's state.
    ///
    /// Shapes: `inputs` is T x I; the result has T states.
    pub fn run(&self, inputs: ArrayView2<f64>, start: &State) -> Vec<State> {
        let mut states: Vec<State> = Vec::with_capacity(inputs.nrows());
        for x in inputs.rows() {
            let mut next = State::zeros(&self.shape);
            self.step_into(x, states.last().unwrap_or(start), &mut next);
            states.push(next);
        }
        states
    }
}

/// out += w x, skipping the zero elements of x (inputs are mostly one-hot).
///
/// Shapes: `w` is R x C, `x` is C, `out` is R.
pub(crate) fn add_sparse_mat_vec(
    w: ArrayView2<f64>,
    x: ArrayView1<f64>,
    mut out: ArrayViewMut1<f64>,
) {
    for (j, &xj) in x.iter().enumerate() {
        if xj != 0.0 {
            out.scaled_add(xj, &w.column(j));
        }
    }
}
