//! Backpropagation through time: full BPTT over a sequence, and truncated BPTT on a
//! continuous stream with a weight update at every step (Williams and Peng 1990), as the
//! 1992 experiment trains both of its nets (three steps back, learning rate 1.0).
//!
//! With h_t = f(z_t), y_t = g(a_t) and a direct loss gradient e_t = dE_t/da_t, the
//! backward pass visits t = T-1 .. 0:
//!   da_t = e_t + J_g(a_t)^T gy_t          gy_t: gradient reaching y_t from step t+1
//!   dz_t = f'(z_t) * (W_yh^T da_t + gh_t) gh_t: gradient reaching h_t from step t+1
//!   gh_(t-1) = W_hh^T dz_t,  gy_(t-1) = W_yy^T da_t + W_hy^T dz_t
//! and every weight gradient is the outer product of its receiving delta with its input.

use ndarray::linalg::general_mat_vec_mul;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

use super::forward::{Net, State};
use super::learner::OnlineLearner;
use super::loss::step_loss;
use super::params::{NetShape, Params};

/// One step as the backward pass sees it.
pub struct StepView<'a> {
    /// I
    pub x: ArrayView1<'a, f64>,
    /// The state before this step.
    pub prev: &'a State,
    /// The state this step produced.
    pub state: &'a State,
    /// dE/da at this step from the loss (O), or `None` when this step has no loss.
    pub delta: Option<ArrayView1<'a, f64>>,
}

/// Buffers of the backward pass, kept so that a training step does not allocate.
#[derive(Clone, Debug)]
pub struct BackwardScratch {
    gh: Array1<f64>,
    gy: Array1<f64>,
    da: Array1<f64>,
    dz: Array1<f64>,
}

impl BackwardScratch {
    pub fn new(shape: &NetShape) -> Self {
        Self {
            gh: Array1::zeros(shape.hidden),
            gy: Array1::zeros(shape.outputs),
            da: Array1::zeros(shape.outputs),
            dz: Array1::zeros(shape.hidden),
        }
    }
}

/// Adds the gradient of the window's losses to `grad`.
///
/// `step(k)` returns step k of a window of `len` steps, oldest first. The state before
/// the oldest step is treated as a constant, which is what truncation means.
pub fn backward<'a, F>(
    net: &Net,
    len: usize,
    step: F,
    grad: &mut Params,
    scratch: &mut BackwardScratch,
) where
    F: Fn(usize) -> StepView<'a>,
{
    let shape = &net.shape;
    let p = &net.params;
    let s = scratch;
    s.gh.fill(0.0);
    s.gy.fill(0.0);

    for k in (0..len).rev() {
        let view = step(k);

        match view.delta {
            Some(e) => s.da.assign(&e),
            None => s.da.fill(0.0),
        }
        shape.output_activation.add_jacobian_transpose_times(
            view.state.y.view(),
            s.gy.view(),
            s.da.view_mut(),
        );

        general_mat_vec_mul(1.0, &p.w_yh.t(), &s.da, 1.0, &mut s.gh);
        let f = shape.hidden_activation;
        Zip::from(&mut s.dz)
            .and(&view.state.h)
            .and(&s.gh)
            .for_each(|dz, &h, &g| *dz = f.derivative_from_output(h) * g);

        add_outer(&mut grad.w_yh, s.da.view(), view.state.h.view());
        grad.b_y += &s.da;
        add_outer_sparse(&mut grad.w_hx, s.dz.view(), view.x);
        add_outer(&mut grad.w_hh, s.dz.view(), view.prev.h.view());
        grad.b_h += &s.dz;
        if shape.direct {
            add_outer_sparse(&mut grad.w_yx, s.da.view(), view.x);
        }
        if shape.output_feedback {
            add_outer(&mut grad.w_yy, s.da.view(), view.prev.y.view());
            add_outer(&mut grad.w_hy, s.dz.view(), view.prev.y.view());
        }

        general_mat_vec_mul(1.0, &p.w_hh.t(), &s.dz, 0.0, &mut s.gh);
        if shape.output_feedback {
            general_mat_vec_mul(1.0, &p.w_yy.t(), &s.da, 0.0, &mut s.gy);
            general_mat_vec_mul(1.0, &p.w_hy.t(), &s.dz, 1.0, &mut s.gy);
        }
    }
}

/// Runs full BPTT over one sequence from `start`, returning the summed loss and its gradient.
///
/// Shapes: `inputs` is T x I; `targets` and `masks` are T x O.
pub fn bptt(
    net: &Net,
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    masks: ArrayView2<f64>,
    start: &State,
) -> (f64, Params) {
    let states = net.run(inputs, start);
    let mut deltas = Array2::zeros((states.len(), net.shape.outputs));
    let mut loss = 0.0;
    for (t, state) in states.iter().enumerate() {
        loss += step_loss(
            net.shape.output_activation,
            state,
            targets.row(t),
            masks.row(t),
            deltas.row_mut(t),
        );
    }

    let mut grad = Params::zeros(&net.shape);
    let mut scratch = BackwardScratch::new(&net.shape);
    let step = |k: usize| StepView {
        x: inputs.row(k),
        prev: if k == 0 { start } else { &states[k - 1] },
        state: &states[k],
        delta: Some(deltas.row(k)),
    };
    backward(net, states.len(), step, &mut grad, &mut scratch);
    (loss, grad)
}

/// Truncated BPTT on a continuous stream: the loss of the latest step is propagated back
/// through at most `horizon` steps (the latest included), and the state is never reset.
#[derive(Clone, Debug)]
pub struct TruncatedBptt {
    horizon: usize,
    /// Ring of `horizon + 1` states: the window's steps and the state before them.
    states: Vec<State>,
    /// Ring of inputs, indexed like `states`.
    inputs: Vec<Array1<f64>>,
    latest: usize,
    recorded: usize,
    next: State,
    grad: Params,
    scratch: BackwardScratch,
}

impl TruncatedBptt {
    /// # Panics
    /// When `horizon` is 0.
    pub fn new(shape: &NetShape, horizon: usize) -> Self {
        assert!(
            horizon > 0,
            "truncated BPTT needs a horizon of at least one step"
        );
        Self {
            horizon,
            states: vec![State::zeros(shape); horizon + 1],
            inputs: vec![Array1::zeros(shape.inputs); horizon + 1],
            latest: 0,
            recorded: 0,
            next: State::zeros(shape),
            grad: Params::zeros(shape),
            scratch: BackwardScratch::new(shape),
        }
    }

    pub fn horizon(&self) -> usize {
        self.horizon
    }
}

impl OnlineLearner for TruncatedBptt {
    fn current(&self) -> &State {
        &self.states[self.latest]
    }

    fn advance(&mut self, net: &Net, x: ArrayView1<f64>) {
        net.step_into(x, &self.states[self.latest], &mut self.next);
        self.latest = (self.latest + 1) % self.states.len();
        std::mem::swap(&mut self.states[self.latest], &mut self.next);
        self.inputs[self.latest].assign(&x);
        self.recorded = (self.recorded + 1).min(self.horizon);
    }

    fn gradient(&mut self, net: &Net, delta: ArrayView1<f64>) -> &Params {
        let Self {
            states,
            inputs,
            latest,
            recorded,
            grad,
            scratch,
            ..
        } = self;
        grad.fill_zero();
        let (ring, latest, len) = (states.len(), *latest, *recorded);
        let slot = move |back: usize| (latest + ring - back) % ring;
        let step = |k: usize| {
            let back = len - 1 - k;
            StepView {
                x: inputs[slot(back)].view(),
                prev: &states[slot(back + 1)],
                state: &states[slot(back)],
                delta: (back == 0).then_some(delta),
            }
        };
        backward(net, len, step, grad, scratch);
        &self.grad
    }

    fn reset(&mut self) {
        for state in &mut self.states {
            state.h.fill(0.0);
            state.a.fill(0.0);
            state.y.fill(0.0);
        }
        self.recorded = 0;
    }
}

/// m += u v^T. Shapes: `m` is R x C, `u` is R, `v` is C.
fn add_outer(m: &mut Array2<f64>, u: ArrayView1<f64>, v: ArrayView1<f64>) {
    for (mut row, &ui) in m.rows_mut().into_iter().zip(u) {
        if ui != 0.0 {
            row.scaled_add(ui, &v);
        }
    }
}

/// m += u v^T for a mostly zero v (a one-hot input). Shapes as for [`add_outer`].
fn add_outer_sparse(m: &mut Array2<f64>, u: ArrayView1<f64>, v: ArrayView1<f64>) {
    for (j, &vj) in v.iter().enumerate() {
        if vj != 0.0 {
            m.column_mut(j).scaled_add(vj, &u);
        }
    }
}
