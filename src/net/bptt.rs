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

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Zip, s};

use super::activation::OutputActivation;
use super::forward::{Net, State, add_sparse_mat_vec};
use super::kernels;
use super::learner::OnlineLearner;
use super::loss::{softmax_step, squared_error_step, step_loss};
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

        kernels::mat_t_vec_add_view(p.w_yh.view(), s.da.view(), s.gh.view_mut());
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

        s.gh.fill(0.0);
        kernels::mat_t_vec_add_view(p.w_hh.view(), s.dz.view(), s.gh.view_mut());
        if shape.output_feedback {
            s.gy.fill(0.0);
            kernels::mat_t_vec_add_view(p.w_yy.view(), s.da.view(), s.gy.view_mut());
            kernels::mat_t_vec_add_view(p.w_hy.view(), s.dz.view(), s.gy.view_mut());
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
    let mut scratch = SequenceScratch::new(&net.shape, inputs.nrows());
    let loss = bptt_into(net, inputs, targets, masks, start, &mut scratch);
    (loss, scratch.grad)
}

/// Buffers of full BPTT over whole sequences, kept across calls so that training on
/// sequences of one length allocates nothing.
#[derive(Clone, Debug)]
pub struct SequenceScratch {
    /// The shape the buffers were made for; another shape reallocates them.
    shape: NetShape,
    /// (T + 1) x H: the state before the sequence in row 0, then h_1 .. h_T.
    hs: Array2<f64>,
    /// T x O: output logits, outputs and dE/da.
    logits: Array2<f64>,
    ys: Array2<f64>,
    deltas: Array2<f64>,
    /// T x H: W_yh^T da_t for every step, then dE/dz_t.
    dz: Array2<f64>,
    /// I x H: W_hx transposed, so that the column picked by a one-hot input is a row.
    w_hx_t: Array2<f64>,
    /// H x O, H x T and O x T: transposed copies that the matrix products read by rows.
    w_yh_t: Array2<f64>,
    dz_t: Array2<f64>,
    deltas_t: Array2<f64>,
    /// I x H: dE/dW_hx transposed, accumulated one input row at a time.
    grad_hx_t: Array2<f64>,
    /// H: dE/dh_t carried back from step t + 1.
    carried: Array1<f64>,
    /// T states of the step-by-step path (nets with output feedback), allocated on its
    /// first use.
    states: Vec<State>,
    backward: BackwardScratch,
    grad: Params,
}

impl SequenceScratch {
    /// Buffers for sequences of `steps` steps; other lengths reallocate on use.
    pub fn new(shape: &NetShape, steps: usize) -> Self {
        let (i, h, o) = (shape.inputs, shape.hidden, shape.outputs);
        Self {
            shape: shape.clone(),
            hs: Array2::zeros((steps + 1, h)),
            logits: Array2::zeros((steps, o)),
            ys: Array2::zeros((steps, o)),
            deltas: Array2::zeros((steps, o)),
            dz: Array2::zeros((steps, h)),
            w_hx_t: Array2::zeros((i, h)),
            w_yh_t: Array2::zeros((h, o)),
            dz_t: Array2::zeros((h, steps)),
            deltas_t: Array2::zeros((o, steps)),
            grad_hx_t: Array2::zeros((i, h)),
            carried: Array1::zeros(h),
            states: Vec::new(),
            backward: BackwardScratch::new(shape),
            grad: Params::zeros(shape),
        }
    }

    /// The gradient of the latest [`bptt_into`] call.
    pub fn gradient(&self) -> &Params {
        &self.grad
    }

    /// The gradient of the latest [`bptt_into`] call, to clip or scale in place.
    pub fn gradient_mut(&mut self) -> &mut Params {
        &mut self.grad
    }
}

/// Runs full BPTT over one sequence from `start`, returning the summed loss and leaving
/// its gradient in `scratch` (see [`SequenceScratch::gradient`]).
///
/// Without output feedback the outputs do not feed the recurrence, so the output layer's
/// forward and backward pass and the gradient of W_hh are matrix-matrix products over the
/// whole sequence, and only the hidden recurrence runs step by step. With output feedback
/// every step runs in turn (as it does when W_hh is not in row-major layout).
///
/// Shapes: `inputs` is T x I; `targets` and `masks` are T x O.
pub fn bptt_into(
    net: &Net,
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    masks: ArrayView2<f64>,
    start: &State,
    scratch: &mut SequenceScratch,
) -> f64 {
    let steps = inputs.nrows();
    if scratch.dz.nrows() != steps || scratch.shape != net.shape {
        *scratch = SequenceScratch::new(&net.shape, steps);
    }
    if net.shape.output_feedback || !net.params.w_hh.is_standard_layout() {
        return bptt_stepwise(net, inputs, targets, masks, start, scratch);
    }

    let loss = forward_sequence(net, inputs, targets, masks, start, scratch);
    backward_sequence(net, inputs, scratch);
    loss
}

/// The forward pass of a net without output feedback: the hidden recurrence step by step,
/// then the output layer and the loss for all steps at once. Returns the summed loss and
/// leaves h_t, the outputs and dE/da in `s`.
fn forward_sequence(
    net: &Net,
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    masks: ArrayView2<f64>,
    start: &State,
    s: &mut SequenceScratch,
) -> f64 {
    let shape = &net.shape;
    let p = &net.params;
    let steps = inputs.nrows();
    s.w_hx_t.assign(&p.w_hx.t());
    let w_hh = p
        .w_hh
        .as_slice()
        .expect("bptt_into checked the layout of W_hh");

    // z_t = b_h + W_hx x_t + W_hh h_(t-1), h_t = f(z_t), written into row t + 1 of `hs`.
    s.hs.row_mut(0).assign(&start.h);
    for t in 0..steps {
        let (done, mut rest) = s.hs.view_mut().split_at(Axis(0), t + 1);
        let prev = done.row(t);
        let mut z = rest.row_mut(0);
        z.assign(&p.b_h);
        for (j, &xj) in inputs.row(t).iter().enumerate() {
            if xj != 0.0 {
                z.scaled_add(xj, &s.w_hx_t.row(j));
            }
        }
        let prev = prev.as_slice().expect("rows of hs are contiguous");
        let z_slice = z.as_slice_mut().expect("rows of hs are contiguous");
        kernels::mat_vec_add(w_hh, prev, z_slice);
        shape.hidden_activation.apply(z);
    }

    // a_t = W_yh h_t + W_yx x_t + b_y for all t: one (T x H) (H x O) product.
    let hidden_states = s.hs.slice(s![1.., ..]);
    for mut row in s.logits.rows_mut() {
        row.assign(&p.b_y);
    }
    s.w_yh_t.assign(&p.w_yh.t());
    kernels::mat_mul(hidden_states, s.w_yh_t.view(), &mut s.logits, true);
    if shape.direct {
        for (x, row) in inputs.rows().into_iter().zip(s.logits.rows_mut()) {
            add_sparse_mat_vec(p.w_yx.view(), x, row);
        }
    }

    let mut loss = 0.0;
    for t in 0..steps {
        let (a, y, delta) = (s.logits.row(t), s.ys.row_mut(t), s.deltas.row_mut(t));
        loss += match shape.output_activation {
            OutputActivation::Softmax => softmax_step(a, y, targets.row(t), masks.row(t), delta),
            OutputActivation::Logistic => {
                let mut y = y;
                OutputActivation::Logistic.apply(a, y.view_mut());
                squared_error_step(y.view(), targets.row(t), masks.row(t), delta)
            }
        };
    }
    loss
}

/// The backward pass of a net without output feedback, after [`forward_sequence`]:
/// da_t = dE/da_t, dz_t = f'(z_t) (W_yh^T da_t + W_hh^T dz_(t+1)), and every weight
/// gradient is a sum of outer products, computed as one matrix-matrix product where the
/// input is dense.
fn backward_sequence(net: &Net, inputs: ArrayView2<f64>, s: &mut SequenceScratch) {
    let shape = &net.shape;
    let p = &net.params;
    let steps = inputs.nrows();
    let f = shape.hidden_activation;
    let w_hh = p
        .w_hh
        .as_slice()
        .expect("bptt_into checked the layout of W_hh");

    // W_yh^T da_t for all t at once: (T x O) (O x H).
    kernels::mat_mul(s.deltas.view(), p.w_yh.view(), &mut s.dz, false);

    s.carried.fill(0.0);
    for t in (0..steps).rev() {
        let mut dz = s.dz.row_mut(t);
        Zip::from(&mut dz)
            .and(s.hs.row(t + 1))
            .and(&s.carried)
            .for_each(|dz, &h, &g| *dz = f.derivative_from_output(h) * (*dz + g));
        if t > 0 {
            let carried = s
                .carried
                .as_slice_mut()
                .expect("a fresh array is contiguous");
            carried.fill(0.0);
            let dz = dz.as_slice().expect("rows of dz are contiguous");
            kernels::mat_t_vec_add(w_hh, dz, carried);
        }
    }

    let g = &mut s.grad;
    // dE/dW_hh = sum_t dz_t h_(t-1)^T = dz^T (H x T) times hs[0..T] (T x H).
    // The products read their left factors as row-major transposed copies.
    s.dz_t.assign(&s.dz.t());
    s.deltas_t.assign(&s.deltas.t());
    kernels::mat_mul(
        s.dz_t.view(),
        s.hs.slice(s![..steps, ..]),
        &mut g.w_hh,
        false,
    );
    kernels::mat_mul(
        s.deltas_t.view(),
        s.hs.slice(s![1.., ..]),
        &mut g.w_yh,
        false,
    );
    g.b_h.fill(0.0);
    for row in s.dz.rows() {
        g.b_h += &row;
    }
    g.b_y.fill(0.0);
    for row in s.deltas.rows() {
        g.b_y += &row;
    }

    // dE/dW_hx: the input is mostly one-hot, so add dz_t to the rows of the transposed
    // gradient picked by x_t, then transpose once.
    s.grad_hx_t.fill(0.0);
    for (x, dz) in inputs.rows().into_iter().zip(s.dz.rows()) {
        for (j, &xj) in x.iter().enumerate() {
            if xj != 0.0 {
                s.grad_hx_t.row_mut(j).scaled_add(xj, &dz);
            }
        }
    }
    g.w_hx.assign(&s.grad_hx_t.t());
    g.w_yx.fill(0.0);
    if shape.direct {
        for (x, da) in inputs.rows().into_iter().zip(s.deltas.rows()) {
            add_outer_sparse(&mut g.w_yx, da, x);
        }
    }
    g.w_hy.fill(0.0);
    g.w_yy.fill(0.0);
}

/// Full BPTT one step at a time, for nets whose outputs feed back into the recurrence.
/// Runs the net into the scratch's states, so that it allocates nothing.
fn bptt_stepwise(
    net: &Net,
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    masks: ArrayView2<f64>,
    start: &State,
    s: &mut SequenceScratch,
) -> f64 {
    let steps = inputs.nrows();
    if s.states.len() != steps {
        s.states = vec![State::zeros(&net.shape); steps];
    }
    let mut loss = 0.0;
    for t in 0..steps {
        let (done, rest) = s.states.split_at_mut(t);
        let prev = done.last().unwrap_or(start);
        net.step_into(inputs.row(t), prev, &mut rest[0]);
        loss += step_loss(
            net.shape.output_activation,
            &rest[0],
            targets.row(t),
            masks.row(t),
            s.deltas.row_mut(t),
        );
    }

    s.grad.fill_zero();
    let (states, deltas) = (&s.states, &s.deltas);
    let step = |k: usize| StepView {
        x: inputs.row(k),
        prev: if k == 0 { start } else { &states[k - 1] },
        state: &states[k],
        delta: Some(deltas.row(k)),
    };
    backward(net, steps, step, &mut s.grad, &mut s.backward);
    loss
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{HiddenActivation, OutputActivation};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn case(output_feedback: bool, steps: usize, seed: u64) -> (Net, Array2<f64>, Array2<f64>) {
        let shape = NetShape {
            inputs: 4,
            hidden: 5,
            outputs: 4,
            direct: true,
            output_feedback,
            hidden_activation: HiddenActivation::Tanh,
            output_activation: OutputActivation::Softmax,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let net = Net::new(shape.clone(), Params::uniform(&shape, 0.5, &mut rng));
        let mut inputs = Array2::zeros((steps, 4));
        let mut targets = Array2::zeros((steps, 4));
        for t in 0..steps {
            inputs[[t, rng.random_range(0..4)]] = 1.0;
            targets[[t, rng.random_range(0..4)]] = 1.0;
        }
        (net, inputs, targets)
    }

    /// A scratch reused across sequences of other lengths and nets of other shapes gives
    /// the same bits as a fresh one.
    #[test]
    fn reused_scratch_matches_fresh_bptt() {
        let (first, ..) = case(false, 3, 1);
        let mut scratch = SequenceScratch::new(&first.shape, 3);
        for (i, (feedback, steps)) in [
            (false, 6),
            (false, 6),
            (true, 6),
            (true, 6),
            (true, 4),
            (false, 4),
        ]
        .into_iter()
        .enumerate()
        {
            let (net, inputs, targets) = case(feedback, steps, 10 + i as u64);
            let masks = Array2::ones(targets.raw_dim());
            let start = State::zeros(&net.shape);
            let (loss, grad) = bptt(&net, inputs.view(), targets.view(), masks.view(), &start);
            let reused = bptt_into(
                &net,
                inputs.view(),
                targets.view(),
                masks.view(),
                &start,
                &mut scratch,
            );
            assert_eq!(reused.to_bits(), loss.to_bits(), "loss, case {i}");
            assert_eq!(scratch.gradient(), &grad, "gradient, case {i}");
        }
    }
}
