//! Unit activations with their derivatives beside them.
//!
//! The 1991-93 nets use logistic units everywhere; tanh hidden units and a softmax
//! output layer serve the modern comparison net. Every derivative is written in terms
//! of the unit's output, so the backward pass needs only the stored activations.

use ndarray::{ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

use super::kernels;

/// Activation of the hidden units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum HiddenActivation {
    /// f(z) = 1 / (1 + e^-z), as in the papers.
    Logistic,
    /// f(z) = tanh z.
    Tanh,
}

/// Activation of the output units, which also fixes the loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OutputActivation {
    /// Logistic outputs with squared error 1/2 sum (d - y)^2, as in the papers.
    Logistic,
    /// Softmax outputs with cross-entropy, the modern next-symbol net.
    Softmax,
}

impl HiddenActivation {
    pub fn name(self) -> &'static str {
        match self {
            Self::Logistic => "logistic",
            Self::Tanh => "tanh",
        }
    }

    /// Applies the activation in place: `z` holds net inputs on entry, outputs on return.
    pub fn apply(self, mut z: ArrayViewMut1<f64>) {
        let Some(values) = z.as_slice_mut() else {
            match self {
                Self::Logistic => z.mapv_inplace(logistic),
                Self::Tanh => z.mapv_inplace(tanh),
            }
            return;
        };
        match self {
            Self::Logistic => {
                for v in values.iter_mut() {
                    *v = -*v;
                }
                kernels::exp_in_place(values);
                for v in values.iter_mut() {
                    *v = 1.0 / (1.0 + *v);
                }
            }
            Self::Tanh => kernels::tanh_in_place(values),
        }
    }

    /// Derivative df/dz written in terms of the output h = f(z).
    #[inline]
    pub fn derivative_from_output(self, h: f64) -> f64 {
        match self {
            Self::Logistic => h * (1.0 - h),
            Self::Tanh => 1.0 - h * h,
        }
    }
}

impl OutputActivation {
    pub fn name(self) -> &'static str {
        match self {
            Self::Logistic => "logistic",
            Self::Softmax => "softmax",
        }
    }

    /// Applies the activation: reads logits `a`, writes outputs `y`.
    ///
    /// Softmax subtracts the largest logit first, so logits of 1e8 give finite outputs.
    pub fn apply(self, a: ArrayView1<f64>, mut y: ArrayViewMut1<f64>) {
        match self {
            Self::Logistic => Zip::from(&mut y).and(&a).for_each(|y, &a| *y = logistic(a)),
            Self::Softmax => {
                softmax_in_place(a, y);
            }
        }
    }

    /// Multiplies a gradient with respect to the outputs by the transposed Jacobian dy/da,
    /// adding the result into `delta`.
    ///
    /// Logistic: delta += y (1 - y) v. Softmax: delta += y * (v - y . v).
    pub fn add_jacobian_transpose_times(
        self,
        y: ArrayView1<f64>,
        v: ArrayView1<f64>,
        mut delta: ArrayViewMut1<f64>,
    ) {
        match self {
            Self::Logistic => Zip::from(&mut delta)
                .and(&y)
                .and(&v)
                .for_each(|d, &y, &v| *d += y * (1.0 - y) * v),
            Self::Softmax => {
                let dot = y.dot(&v);
                Zip::from(&mut delta)
                    .and(&y)
                    .and(&v)
                    .for_each(|d, &y, &v| *d += y * (v - dot));
            }
        }
    }
}

/// Writes softmax(a) into `y` and returns the largest logit and the sum of e^(a - max)
/// before normalisation, which the cross-entropy reuses.
///
/// Shapes: `a` and `y` are O.
pub(crate) fn softmax_in_place(a: ArrayView1<f64>, mut y: ArrayViewMut1<f64>) -> (f64, f64) {
    let max = max_or_nan(a);
    Zip::from(&mut y).and(&a).for_each(|y, &a| *y = a - max);
    match y.as_slice_mut() {
        Some(values) => kernels::exp_in_place(values),
        None => y.mapv_inplace(f64::exp),
    }
    let sum = y.sum();
    y.mapv_inplace(|v| v / sum);
    (max, sum)
}

/// The logistic function 1 / (1 + e^-z).
#[inline]
pub fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Hyperbolic tangent, about 2.4 times faster than `f64::tanh` (glibc's, which goes
/// through expm1) and within 2 units in the last place of it.
///
/// The method of the Cephes library's `tanh` (S. L. Moshier): below |x| = 0.625 a
/// rational function x + x^3 P(x^2) / Q(x^2); above it 1 - 2 / (e^(2|x|) + 1), where the
/// subtraction loses nothing because the result is at least 0.55. NaN stays NaN, and
/// the sign of zero is kept. The test `fast_tanh_within_two_ulps_of_std` measures the
/// error bound.
#[inline]
pub fn tanh(x: f64) -> f64 {
    const P: [f64; 3] = [
        -9.643_991_794_250_523e-1,
        -9.928_772_310_019_185e1,
        -1.614_687_684_417_084_5e3,
    ];
    const Q: [f64; 3] = [
        1.128_116_784_916_329_3e2,
        2.235_488_390_601_004_6e3,
        4.844_063_053_251_255e3,
    ];
    let a = x.abs();
    if a < 0.625 {
        let z = x * x;
        let p = (P[0] * z + P[1]) * z + P[2];
        let q = ((z + Q[0]) * z + Q[1]) * z + Q[2];
        (a + a * z * (p / q)).copysign(x)
    } else {
        (1.0 - 2.0 / ((2.0 * a).exp() + 1.0)).copysign(x)
    }
}

/// The largest element, or NaN when any element is NaN (unlike `f64::max`, which skips NaN).
pub fn max_or_nan(values: ArrayView1<f64>) -> f64 {
    let mut max = f64::NEG_INFINITY;
    for &v in values {
        if v.is_nan() {
            return f64::NAN;
        }
        if v > max {
            max = v;
        }
    }
    max
}

/// Index of the largest element, ties to the lowest index; `None` when empty or any is NaN.
pub fn argmax(values: ArrayView1<f64>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            return None;
        }
        match best {
            Some((_, b)) if v <= b => {}
            _ => best = Some((i, v)),
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Distance between `a` and `b` in units in the last place of `b`.
    fn ulps(a: f64, b: f64) -> f64 {
        let ulp = f64::from_bits(b.abs().to_bits() + 1) - b.abs();
        (a - b).abs() / ulp
    }

    #[test]
    fn fast_tanh_within_two_ulps_of_std() {
        let mut worst = (0.0, 0.0);
        // A dense grid over [-20, 20], finer near zero where the rational branch works.
        let points = (-400_000..=400_000)
            .map(|i| i as f64 * 5e-5)
            .chain((-100_000..=100_000).map(|i| i as f64 * 1e-7))
            .chain([1e-300, 1e-20, 0.624_999_999_999_999_9, 0.625, 30.0, 400.0]);
        for x in points {
            for x in [x, -x] {
                let error = ulps(tanh(x), x.tanh());
                if error > worst.0 {
                    worst = (error, x);
                }
            }
        }
        eprintln!("largest difference: {} ulps at x = {:e}", worst.0, worst.1);
        assert!(worst.0 <= 2.0, "{} ulps at x = {:e}", worst.0, worst.1);
    }

    #[test]
    fn fast_tanh_edge_values() {
        assert!(tanh(f64::NAN).is_nan());
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(f64::NEG_INFINITY), -1.0);
        assert_eq!(tanh(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(800.0), 1.0);
    }

    #[test]
    fn argmax_ties_go_to_lowest_index() {
        assert_eq!(argmax(array![0.1, 0.7, 0.7].view()), Some(1));
    }

    #[test]
    fn argmax_of_nan_is_none() {
        assert_eq!(argmax(array![0.1, f64::NAN].view()), None);
        assert_eq!(argmax(ndarray::Array1::<f64>::zeros(0).view()), None);
    }

    #[test]
    fn max_or_nan_does_not_skip_nan() {
        assert!(max_or_nan(array![1.0, f64::NAN, 3.0].view()).is_nan());
        assert_eq!(max_or_nan(array![1.0, 3.0].view()), 3.0);
    }
}
