//! The shape and the weights of one recurrent net.
//!
//! Dimensions used throughout `net`: I inputs (a one-hot symbol plus extra input units),
//! H hidden units, O output units, T time steps. The constant bias unit is the vectors
//! `b_h` and `b_y`. A weight matrix has one row per receiving unit.

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};
use ndarray_rand::RandomExt;
use ndarray_rand::rand_distr::Uniform;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::activation::{HiddenActivation, OutputActivation};

/// The architecture of a net: sizes, optional connections and activations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetShape {
    pub inputs: usize,
    pub hidden: usize,
    pub outputs: usize,
    /// Direct input-to-output weights `w_yx` (the papers feed each layer from all layers below).
    pub direct: bool,
    /// Output feedback `w_hy` and `w_yy`: outputs at t-1 feed hidden and output units at t,
    /// which makes the net fully recurrent like the RTRL nets of 1991.
    pub output_feedback: bool,
    pub hidden_activation: HiddenActivation,
    pub output_activation: OutputActivation,
}

impl std::fmt::Display for NetShape {
    /// Formats the shape for messages, e.g. "23 inputs, 1 hidden, 24 outputs, direct
    /// weights, output feedback, logistic hidden units, logistic output units".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inputs, {} hidden, {} outputs",
            self.inputs, self.hidden, self.outputs
        )?;
        if self.direct {
            f.write_str(", direct weights")?;
        }
        if self.output_feedback {
            f.write_str(", output feedback")?;
        }
        let hidden = match self.hidden_activation {
            HiddenActivation::Logistic => "logistic",
            HiddenActivation::Tanh => "tanh",
        };
        let outputs = match self.output_activation {
            OutputActivation::Logistic => "logistic",
            OutputActivation::Softmax => "softmax",
        };
        write!(f, ", {hidden} hidden units, {outputs} output units")
    }
}

/// The eight weight tensors of a net, also used for their gradients.
///
/// Disabled connections (`w_yx` without `direct`, `w_hy` and `w_yy` without
/// `output_feedback`) stay zero and are never updated.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// H x I
    pub w_hx: Array2<f64>,
    /// H x H
    pub w_hh: Array2<f64>,
    /// H x O
    pub w_hy: Array2<f64>,
    /// H
    pub b_h: Array1<f64>,
    /// O x H
    pub w_yh: Array2<f64>,
    /// O x I
    pub w_yx: Array2<f64>,
    /// O x O
    pub w_yy: Array2<f64>,
    /// O
    pub b_y: Array1<f64>,
}

/// Names of the tensors in their fixed order, as used in JSON and error messages.
pub const TENSOR_NAMES: [&str; 8] = ["w_hx", "w_hh", "w_hy", "b_h", "w_yh", "w_yx", "w_yy", "b_y"];

impl NetShape {
    /// Whether the tensor named `name` is a live connection of this shape.
    pub fn is_enabled(&self, name: &str) -> bool {
        match name {
            "w_yx" => self.direct,
            "w_hy" | "w_yy" => self.output_feedback,
            _ => true,
        }
    }

    /// Number of live weights, biases included.
    pub fn weight_count(&self) -> usize {
        let (i, h, o) = (self.inputs, self.hidden, self.outputs);
        let mut n = h * i + h * h + h + o * h + o;
        if self.direct {
            n += o * i;
        }
        if self.output_feedback {
            n += h * o + o * o;
        }
        n
    }
}

impl Params {
    /// All-zero tensors of the given shape.
    pub fn zeros(shape: &NetShape) -> Self {
        let (i, h, o) = (shape.inputs, shape.hidden, shape.outputs);
        Self {
            w_hx: Array2::zeros((h, i)),
            w_hh: Array2::zeros((h, h)),
            w_hy: Array2::zeros((h, o)),
            b_h: Array1::zeros(h),
            w_yh: Array2::zeros((o, h)),
            w_yx: Array2::zeros((o, i)),
            w_yy: Array2::zeros((o, o)),
            b_y: Array1::zeros(o),
        }
    }

    /// Live weights drawn uniformly from [-range, range]; disabled ones stay zero.
    ///
    /// Tensors are drawn in the order of [`TENSOR_NAMES`], row by row, and disabled
    /// tensors draw nothing, so a shape and a generator state fix every weight.
    pub fn uniform<R: Rng + ?Sized>(shape: &NetShape, range: f64, rng: &mut R) -> Self {
        let mut params = Self::zeros(shape);
        let dist = Uniform::new_inclusive(-range, range).expect("range is finite and >= 0");
        for (name, mut tensor) in params.tensors_mut() {
            if shape.is_enabled(name) {
                let drawn = Array2::random_using(tensor.raw_dim(), dist, rng);
                tensor.assign(&drawn);
            }
        }
        params
    }

    /// The tensors with their names, biases as one-column matrices.
    pub fn tensors(&self) -> [(&'static str, ArrayView2<'_, f64>); 8] {
        [
            ("w_hx", self.w_hx.view()),
            ("w_hh", self.w_hh.view()),
            ("w_hy", self.w_hy.view()),
            ("b_h", self.b_h.view().insert_axis(ndarray::Axis(1))),
            ("w_yh", self.w_yh.view()),
            ("w_yx", self.w_yx.view()),
            ("w_yy", self.w_yy.view()),
            ("b_y", self.b_y.view().insert_axis(ndarray::Axis(1))),
        ]
    }

    /// Mutable tensors with their names, biases as one-column matrices.
    pub fn tensors_mut(&mut self) -> [(&'static str, ArrayViewMut2<'_, f64>); 8] {
        [
            ("w_hx", self.w_hx.view_mut()),
            ("w_hh", self.w_hh.view_mut()),
            ("w_hy", self.w_hy.view_mut()),
            ("b_h", self.b_h.view_mut().insert_axis(ndarray::Axis(1))),
            ("w_yh", self.w_yh.view_mut()),
            ("w_yx", self.w_yx.view_mut()),
            ("w_yy", self.w_yy.view_mut()),
            ("b_y", self.b_y.view_mut().insert_axis(ndarray::Axis(1))),
        ]
    }

    /// Sets every element to zero.
    pub fn fill_zero(&mut self) {
        for (_, mut t) in self.tensors_mut() {
            t.fill(0.0);
        }
    }

    /// self += scale * other, on the tensors enabled in `shape`.
    pub fn add_scaled(&mut self, shape: &NetShape, scale: f64, other: &Params) {
        for ((name, mut mine), (_, theirs)) in self.tensors_mut().into_iter().zip(other.tensors()) {
            if shape.is_enabled(name) {
                mine.scaled_add(scale, &theirs);
            }
        }
    }

    /// The first non-finite element as (tensor name, row, column), if any.
    pub fn first_non_finite(&self) -> Option<(&'static str, usize, usize)> {
        for (name, t) in self.tensors() {
            if let Some(((r, c), _)) = t.indexed_iter().find(|(_, v)| !v.is_finite()) {
                return Some((name, r, c));
            }
        }
        None
    }
}
