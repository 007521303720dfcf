//! Real-time recurrent learning (Williams and Zipser 1989): the exact gradient of the
//! latest step's loss with respect to every weight, carried forward in time, with an
//! update at every step. The cost is O(n^4) per step for n recurrent units.
//!
//! The sensitivities P_h = dh_t/dw (H x N) follow
//!   P_h(t) = f'(z_t) * (W_hh P_h(t-1) + W_hy P_y(t-1) + immediate term),
//! and with output feedback the output sensitivities P_y = dy_t/dw (O x N) follow
//!   A(t) = da_t/dw = W_yh P_h(t) + W_yy P_y(t-1) + immediate term,  P_y(t) = J_g(a_t) A(t).
//! The immediate term of a weight w_kl is the activation of its source unit l in row k.
//! Without output feedback the outputs are not recurrent: only the hidden-side weights are
//! tracked (N = H (I + H + 1)), and the output weights get their gradient directly.

use ndarray::linalg::general_mat_vec_mul;
use ndarray::{Array1, Array2, ArrayView1, Zip};

use super::activation::OutputActivation;
use super::forward::{Net, State};
use super::kernels;
use super::learner::OnlineLearner;
use super::params::{NetShape, Params, TENSOR_NAMES};

/// Which activation feeds a weight: its source unit.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    Input,
    PreviousHidden,
    PreviousOutput,
    CurrentHidden,
    Bias,
}

/// One weight tensor's place in the flat parameter vector that the sensitivities index.
#[derive(Clone, Debug)]
struct Block {
    /// Index into [`TENSOR_NAMES`].
    tensor: usize,
    offset: usize,
    rows: usize,
    cols: usize,
    feeds_output: bool,
    source: Source,
}

/// RTRL state: the current activations and their sensitivities to the tracked weights.
#[derive(Clone, Debug)]
pub struct Rtrl {
    blocks: Vec<Block>,
    tracked: usize,
    prev: State,
    state: State,
    x: Array1<f64>,
    /// H x N
    p_h: Array2<f64>,
    /// O x N, only with output feedback.
    p_y: Array2<f64>,
    /// O x N: da_t/dw at the latest step, only with output feedback.
    a_sens: Array2<f64>,
    /// H x N scratch for the next hidden sensitivities.
    scratch: Array2<f64>,
    column_sums: Array1<f64>,
    /// H: f'(z_t) of the hidden units at the latest step.
    slopes: Array1<f64>,
    flat_grad: Array1<f64>,
    hidden_grad: Array1<f64>,
    grad: Params,
}

impl Rtrl {
    pub fn new(shape: &NetShape) -> Self {
        let blocks = layout(shape);
        let tracked = blocks.iter().map(|b| b.rows * b.cols).sum();
        let (h, o) = (shape.hidden, shape.outputs);
        let out_rows = if shape.output_feedback { o } else { 0 };
        Self {
            blocks,
            tracked,
            prev: State::zeros(shape),
            state: State::zeros(shape),
            x: Array1::zeros(shape.inputs),
            p_h: Array2::zeros((h, tracked)),
            p_y: Array2::zeros((out_rows, tracked)),
            a_sens: Array2::zeros((out_rows, tracked)),
            scratch: Array2::zeros((h, tracked)),
            column_sums: Array1::zeros(tracked),
            slopes: Array1::zeros(h),
            flat_grad: Array1::zeros(tracked),
            hidden_grad: Array1::zeros(h),
            grad: Params::zeros(shape),
        }
    }

    /// Number of weights whose sensitivities are carried (N).
    pub fn tracked_weights(&self) -> usize {
        self.tracked
    }

    /// Adds the immediate term of every block that feeds `to_output` units into `sens`,
    /// row k multiplied by `row_scale[k]` when given.
    fn add_immediate(
        &self,
        sens: &mut Array2<f64>,
        to_output: bool,
        row_scale: Option<&Array1<f64>>,
    ) {
        for block in self.blocks.iter().filter(|b| b.feeds_output == to_output) {
            let source = match block.source {
                Source::Input => self.x.view(),
                Source::PreviousHidden => self.prev.h.view(),
                Source::PreviousOutput => self.prev.y.view(),
                Source::CurrentHidden => self.state.h.view(),
                Source::Bias => ArrayView1::from(&[1.0][..]),
            };
            for k in 0..block.rows {
                let start = block.offset + k * block.cols;
                let factor = row_scale.map_or(1.0, |s| s[k]);
                let mut row = sens.row_mut(k);
                for (c, &v) in source.iter().enumerate() {
                    if v != 0.0 {
                        row[start + c] += factor * v;
                    }
                }
            }
        }
    }

    /// Writes the flat gradient of the tracked weights into the matching tensors of `grad`.
    fn scatter(blocks: &[Block], flat: ArrayView1<f64>, grad: &mut Params) {
        let mut tensors = grad.tensors_mut();
        for block in blocks {
            let values = flat.slice(ndarray::s![
                block.offset..block.offset + block.rows * block.cols
            ]);
            let values = values
                .into_shape_with_order((block.rows, block.cols))
                .expect("a block's slice holds rows x cols weights");
            tensors[block.tensor].1.assign(&values);
        }
    }
}

/// out += m^T x. Shapes: `m` is R x C, `x` is R, `out` is C.
fn transposed_mat_vec_add(m: &Array2<f64>, x: &ArrayView1<f64>, out: &mut Array1<f64>) {
    match (m.as_slice(), x.as_slice(), out.as_slice_mut()) {
        (Some(m), Some(x), Some(out)) => kernels::mat_t_vec_add(m, x, out),
        _ => general_mat_vec_mul(1.0, &m.t(), x, 1.0, out),
    }
}

/// The tracked tensors in [`TENSOR_NAMES`] order with their offsets in the flat vector.
fn layout(shape: &NetShape) -> Vec<Block> {
    let (i, h, o) = (shape.inputs, shape.hidden, shape.outputs);
    let candidates = [
        (h, i, false, Source::Input),
        (h, h, false, Source::PreviousHidden),
        (h, o, false, Source::PreviousOutput),
        (h, 1, false, Source::Bias),
        (o, h, true, Source::CurrentHidden),
        (o, i, true, Source::Input),
        (o, o, true, Source::PreviousOutput),
        (o, 1, true, Source::Bias),
    ];
    let mut blocks = Vec::new();
    let mut offset = 0;
    for (tensor, &(rows, cols, feeds_output, source)) in candidates.iter().enumerate() {
        let tracked =
            shape.is_enabled(TENSOR_NAMES[tensor]) && (shape.output_feedback || !feeds_output);
        if tracked {
            blocks.push(Block {
                tensor,
                offset,
                rows,
                cols,
                feeds_output,
                source,
            });
            offset += rows * cols;
        }
    }
    blocks
}

impl OnlineLearner for Rtrl {
    fn current(&self) -> &State {
        &self.state
    }

    fn advance(&mut self, net: &Net, x: ArrayView1<f64>) {
        let shape = &net.shape;
        let p = &net.params;
        std::mem::swap(&mut self.prev, &mut self.state);
        net.step_into(x, &self.prev, &mut self.state);
        self.x.assign(&x);

        // Hidden sensitivities: W_hh P_h + W_hy P_y + immediate term, rows scaled by f'.
        let mut z = std::mem::take(&mut self.scratch);
        let f = shape.hidden_activation;
        for (slope, &h) in self.slopes.iter_mut().zip(&self.state.h) {
            *slope = f.derivative_from_output(h);
        }
        if shape.output_feedback {
            kernels::mat_mul(p.w_hh.view(), self.p_h.view(), &mut z, false);
            kernels::mat_mul(p.w_hy.view(), self.p_y.view(), &mut z, true);
            self.add_immediate(&mut z, false, None);
            for (mut row, &slope) in z.rows_mut().into_iter().zip(&self.slopes) {
                row *= slope;
            }
        } else {
            // The same sum with f' applied inside the product, which saves a pass over z.
            kernels::mat_mul_scaled_rows(
                p.w_hh.view(),
                self.p_h.view(),
                self.slopes.view(),
                &mut z,
            );
            self.add_immediate(&mut z, false, Some(&self.slopes));
        }
        self.scratch = std::mem::replace(&mut self.p_h, z);

        if shape.output_feedback {
            kernels::mat_mul(p.w_yh.view(), self.p_h.view(), &mut self.a_sens, false);
            kernels::mat_mul(p.w_yy.view(), self.p_y.view(), &mut self.a_sens, true);
            let mut a_sens = std::mem::take(&mut self.a_sens);
            self.add_immediate(&mut a_sens, true, None);
            self.a_sens = a_sens;

            // P_y = J_g(a) A: logistic scales rows by y(1 - y); softmax is diag(y) A - y (y^T A).
            self.p_y.assign(&self.a_sens);
            match shape.output_activation {
                OutputActivation::Logistic => {
                    for (mut row, &y) in self.p_y.rows_mut().into_iter().zip(&self.state.y) {
                        row *= y * (1.0 - y);
                    }
                }
                OutputActivation::Softmax => {
                    general_mat_vec_mul(
                        1.0,
                        &self.a_sens.t(),
                        &self.state.y,
                        0.0,
                        &mut self.column_sums,
                    );
                    for (mut row, &y) in self.p_y.rows_mut().into_iter().zip(&self.state.y) {
                        Zip::from(&mut row)
                            .and(&self.column_sums)
                            .for_each(|v, &s| *v = y * (*v - s));
                    }
                }
            }
        }
    }

    fn gradient(&mut self, net: &Net, delta: ArrayView1<f64>) -> &Params {
        let shape = &net.shape;
        self.grad.fill_zero();
        if shape.output_feedback {
            self.flat_grad.fill(0.0);
            transposed_mat_vec_add(&self.a_sens, &delta, &mut self.flat_grad);
        } else {
            general_mat_vec_mul(
                1.0,
                &net.params.w_yh.t(),
                &delta,
                0.0,
                &mut self.hidden_grad,
            );
            // flat_grad = P_h^T hidden_grad, reading P_h by rows.
            self.flat_grad.fill(0.0);
            transposed_mat_vec_add(&self.p_h, &self.hidden_grad.view(), &mut self.flat_grad);
            let g = &mut self.grad;
            for (mut row, &e) in g.w_yh.rows_mut().into_iter().zip(&delta) {
                row.scaled_add(e, &self.state.h);
            }
            g.b_y.assign(&delta);
            if shape.direct {
                for (mut row, &e) in g.w_yx.rows_mut().into_iter().zip(&delta) {
                    row.scaled_add(e, &self.x);
                }
            }
        }
        Self::scatter(&self.blocks, self.flat_grad.view(), &mut self.grad);
        &self.grad
    }

    fn reset(&mut self) {
        for state in [&mut self.prev, &mut self.state] {
            state.h.fill(0.0);
            state.a.fill(0.0);
            state.y.fill(0.0);
        }
        self.p_h.fill(0.0);
        self.p_y.fill(0.0);
        self.a_sens.fill(0.0);
    }
}
