//! `chunker gradients`: prints one small random net, a random sequence, its loss and its
//! gradients by full BPTT and by RTRL as JSON. Any other framework can then cross-check
//! the gradients of the nets used for Schmidhuber's 1991-93 experiments.
//!
//! The net and its equations are those of `net`: h_0 = 0, y_0 = 0, the loss summed over the
//! steps and units that have a target. The RTRL gradient is the sum of its per-step online
//! gradients on frozen weights, which equals the BPTT gradient of the summed loss.

use clap::Args;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::net::{
    HiddenActivation, Net, NetShape, OnlineLearner, OutputActivation, Params, Rtrl, State, bptt,
    step_loss,
};

/// Weights are drawn uniformly from [-WEIGHT_RANGE, WEIGHT_RANGE]. Larger than the papers'
/// 0.2, so that the gradients of a few steps are far from zero and a cross-check is sharp.
pub const WEIGHT_RANGE: f64 = 0.5;
/// Chance that an output unit (logistic) or a step (softmax) has a target.
const TARGET_PROBABILITY: f64 = 0.7;
/// Largest accepted layer size; RTRL costs O(H^4) per step, so larger nets take too long.
const MAX_UNITS: usize = 64;
const MAX_STEPS: usize = 10_000;

/// Flags of `chunker gradients`.
#[derive(Debug, Args)]
pub struct GradientsArgs {
    /// Seed of the generator that draws the weights, the inputs and the targets, 0 to
    /// 2^64 - 1.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of input units, 1 to 64; each step's input is a one-hot symbol.
    #[arg(long, default_value_t = 3)]
    pub inputs: usize,
    /// Number of hidden units, 1 to 64.
    #[arg(long, default_value_t = 3)]
    pub hidden: usize,
    /// Number of output units, 1 to 64 (at least 2 with softmax).
    #[arg(long, default_value_t = 2)]
    pub outputs: usize,
    /// Number of time steps in the sequence, 1 to 10000.
    #[arg(long, default_value_t = 4)]
    pub steps: usize,
    /// Activation of the hidden units.
    #[arg(long, value_enum, default_value = "logistic")]
    pub hidden_activation: HiddenActivation,
    /// Activation of the output units: logistic with squared error, or softmax with
    /// cross-entropy.
    #[arg(long, value_enum, default_value = "logistic")]
    pub output_activation: OutputActivation,
    /// Include the direct input-to-output weights w_yx.
    #[arg(long)]
    pub direct: bool,
    /// Include the output feedback weights w_hy and w_yy (a fully recurrent net).
    #[arg(long)]
    pub fully_recurrent: bool,
}

/// The eight tensors of a net as JSON: matrices as arrays of rows, one row per receiving
/// unit; biases as plain arrays.
#[derive(Debug, Serialize, Deserialize)]
pub struct TensorsJson {
    pub w_hx: Vec<Vec<f64>>,
    pub w_hh: Vec<Vec<f64>>,
    pub w_hy: Vec<Vec<f64>>,
    pub b_h: Vec<f64>,
    pub w_yh: Vec<Vec<f64>>,
    pub w_yx: Vec<Vec<f64>>,
    pub w_yy: Vec<Vec<f64>>,
    pub b_y: Vec<f64>,
}

/// Everything `chunker gradients` prints, in the order it prints it.
#[derive(Debug, Serialize, Deserialize)]
pub struct GradientsReport {
    pub weights: TensorsJson,
    /// T x I
    pub inputs: Vec<Vec<f64>>,
    /// T x O
    pub targets: Vec<Vec<f64>>,
    /// T x O; 1 where a target exists.
    pub mask: Vec<Vec<f64>>,
    pub hidden_activation: HiddenActivation,
    pub output_activation: OutputActivation,
    pub loss: f64,
    pub grad_bptt: TensorsJson,
    pub grad_rtrl: TensorsJson,
}

impl GradientsArgs {
    /// Checks the flags and returns the net's shape.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the flag, its valid range and the fix.
    pub fn shape(&self) -> Result<NetShape> {
        for (flag, value) in [
            ("--inputs", self.inputs),
            ("--hidden", self.hidden),
            ("--outputs", self.outputs),
        ] {
            if !(1..=MAX_UNITS).contains(&value) {
                return Err(Error::invalid(
                    flag,
                    value,
                    format!("expected a layer size from 1 to {MAX_UNITS}; pass e.g. {flag} 3"),
                ));
            }
        }
        if self.output_activation == OutputActivation::Softmax && self.outputs < 2 {
            return Err(Error::invalid(
                "--outputs",
                self.outputs,
                "softmax needs at least 2 output units; pass --outputs 2 or more, or \
                 --output-activation logistic",
            ));
        }
        if !(1..=MAX_STEPS).contains(&self.steps) {
            return Err(Error::invalid(
                "--steps",
                self.steps,
                format!("expected a sequence length from 1 to {MAX_STEPS}; pass e.g. --steps 4"),
            ));
        }
        Ok(NetShape {
            inputs: self.inputs,
            hidden: self.hidden,
            outputs: self.outputs,
            direct: self.direct,
            output_feedback: self.fully_recurrent,
            hidden_activation: self.hidden_activation,
            output_activation: self.output_activation,
        })
    }
}

/// Runs `chunker gradients`: prints the report as JSON on stdout.
///
/// # Errors
/// [`Error::InvalidValue`] for a flag out of range.
pub fn run(args: &GradientsArgs) -> Result<()> {
    let report = report(args)?;
    println!("{}", to_json(&report));
    Ok(())
}

/// Formats the report as indented JSON, keys in the documented order and each matrix row
/// on one line.
pub fn to_json(report: &GradientsReport) -> String {
    let text = |v: &str| serde_json::Value::from(v).to_string();
    let number = |v: f64| serde_json::Value::from(v).to_string();
    [
        format!("{{\n  \"weights\": {}", tensors_to_json(&report.weights)),
        format!("  \"inputs\": {}", matrix_to_json(&report.inputs, 1)),
        format!("  \"targets\": {}", matrix_to_json(&report.targets, 1)),
        format!("  \"mask\": {}", matrix_to_json(&report.mask, 1)),
        format!(
            "  \"hidden_activation\": {}",
            text(report.hidden_activation.name())
        ),
        format!(
            "  \"output_activation\": {}",
            text(report.output_activation.name())
        ),
        format!("  \"loss\": {}", number(report.loss)),
        format!("  \"grad_bptt\": {}", tensors_to_json(&report.grad_bptt)),
        format!(
            "  \"grad_rtrl\": {}\n}}",
            tensors_to_json(&report.grad_rtrl)
        ),
    ]
    .join(",\n")
}

/// Formats a vector on one line; serde_json writes each f64 in its shortest exact form.
fn vector_to_json(v: &[f64]) -> String {
    serde_json::to_string(v).expect("a vector of numbers serialises")
}

/// Formats an array of rows, one row per line, indented `indent` levels.
fn matrix_to_json(m: &[Vec<f64>], indent: usize) -> String {
    let pad = "  ".repeat(indent + 1);
    let rows: Vec<String> = m
        .iter()
        .map(|r| format!("{pad}{}", vector_to_json(r)))
        .collect();
    format!("[\n{}\n{}]", rows.join(",\n"), "  ".repeat(indent))
}

fn tensors_to_json(t: &TensorsJson) -> String {
    let entries = [
        format!("    \"w_hx\": {}", matrix_to_json(&t.w_hx, 2)),
        format!("    \"w_hh\": {}", matrix_to_json(&t.w_hh, 2)),
        format!("    \"w_hy\": {}", matrix_to_json(&t.w_hy, 2)),
        format!("    \"b_h\": {}", vector_to_json(&t.b_h)),
        format!("    \"w_yh\": {}", matrix_to_json(&t.w_yh, 2)),
        format!("    \"w_yx\": {}", matrix_to_json(&t.w_yx, 2)),
        format!("    \"w_yy\": {}", matrix_to_json(&t.w_yy, 2)),
        format!("    \"b_y\": {}", vector_to_json(&t.b_y)),
    ];
    format!("{{\n{}\n  }}", entries.join(",\n"))
}

/// Draws the net and the sequence from the seed and computes the loss and both gradients.
///
/// # Errors
/// [`Error::InvalidValue`] for a flag out of range.
pub fn report(args: &GradientsArgs) -> Result<GradientsReport> {
    let shape = args.shape()?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let params = Params::uniform(&shape, WEIGHT_RANGE, &mut rng);
    let net = Net::new(shape, params);
    let (inputs, targets, mask) = random_sequence(&net.shape, args.steps, &mut rng);

    let start = State::zeros(&net.shape);
    let (loss, grad_bptt) = bptt(&net, inputs.view(), targets.view(), mask.view(), &start);
    let grad_rtrl = rtrl_gradient_sum(&net, inputs.view(), targets.view(), mask.view());

    Ok(GradientsReport {
        weights: tensors_json(&net.params),
        inputs: rows(inputs.view()),
        targets: rows(targets.view()),
        mask: rows(mask.view()),
        hidden_activation: net.shape.hidden_activation,
        output_activation: net.shape.output_activation,
        loss,
        grad_bptt: tensors_json(&grad_bptt),
        grad_rtrl: tensors_json(&grad_rtrl),
    })
}

/// Draws one-hot inputs, targets and a mask with at least one target, and with at least
/// one zero when the sequence has more than one target slot (for softmax, more than one
/// step).
///
/// Logistic outputs get targets in [0, 1) masked unit by unit. Softmax outputs get one-hot
/// targets masked step by step, so a step's mask is all ones or all zeros, and the last
/// step always counts. Shapes: T x I, T x O, T x O.
fn random_sequence<R: Rng>(
    shape: &NetShape,
    steps: usize,
    rng: &mut R,
) -> (Array2<f64>, Array2<f64>, Array2<f64>) {
    let mut inputs = Array2::zeros((steps, shape.inputs));
    let mut targets = Array2::zeros((steps, shape.outputs));
    let mut mask = Array2::zeros((steps, shape.outputs));
    for t in 0..steps {
        inputs[[t, rng.random_range(0..shape.inputs)]] = 1.0;
        match shape.output_activation {
            OutputActivation::Logistic => {
                for k in 0..shape.outputs {
                    targets[[t, k]] = rng.random_range(0.0..1.0);
                    if rng.random_bool(TARGET_PROBABILITY) {
                        mask[[t, k]] = 1.0;
                    }
                }
            }
            OutputActivation::Softmax => {
                targets[[t, rng.random_range(0..shape.outputs)]] = 1.0;
                if t == steps - 1 || rng.random_bool(TARGET_PROBABILITY) {
                    mask.row_mut(t).fill(1.0);
                }
            }
        }
    }

    // With no target the loss and both gradients are zero, so a cross-check would compare
    // nothing. Short logistic sequences sometimes draw no target (0.3^2 = 9% of seeds for
    // 1 step and 2 outputs), so the last output unit of the last step then gets one.
    if mask.iter().all(|&m| m == 0.0) {
        mask[[steps - 1, shape.outputs - 1]] = 1.0;
    }

    // A cross-check must see masked-out targets; force one when the draw gave none.
    let has_zero = mask.iter().any(|&m| m == 0.0);
    if !has_zero && mask.len() > 1 {
        match shape.output_activation {
            OutputActivation::Logistic => mask[[0, 0]] = 0.0,
            OutputActivation::Softmax if steps > 1 => mask.row_mut(0).fill(0.0),
            OutputActivation::Softmax => {}
        }
    }
    (inputs, targets, mask)
}

/// Sums RTRL's per-step gradients over the sequence with the weights frozen.
///
/// Shapes: `inputs` is T x I; `targets` and `mask` are T x O.
pub fn rtrl_gradient_sum(
    net: &Net,
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    mask: ArrayView2<f64>,
) -> Params {
    let mut learner = Rtrl::new(&net.shape);
    let mut sum = Params::zeros(&net.shape);
    let mut delta = Array1::zeros(net.shape.outputs);
    for t in 0..inputs.nrows() {
        learner.advance(net, inputs.row(t));
        step_loss(
            net.shape.output_activation,
            learner.current(),
            targets.row(t),
            mask.row(t),
            delta.view_mut(),
        );
        let grad = learner.gradient(net, delta.view());
        sum.add_scaled(&net.shape, 1.0, grad);
    }
    sum
}

fn rows(m: ArrayView2<f64>) -> Vec<Vec<f64>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn vector(v: ArrayView1<f64>) -> Vec<f64> {
    v.to_vec()
}

fn tensors_json(p: &Params) -> TensorsJson {
    TensorsJson {
        w_hx: rows(p.w_hx.view()),
        w_hh: rows(p.w_hh.view()),
        w_hy: rows(p.w_hy.view()),
        b_h: vector(p.b_h.view()),
        w_yh: rows(p.w_yh.view()),
        w_yx: rows(p.w_yx.view()),
        w_yy: rows(p.w_yy.view()),
        b_y: vector(p.b_y.view()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(outputs: usize, output_activation: OutputActivation) -> NetShape {
        NetShape {
            inputs: 3,
            hidden: 3,
            outputs,
            direct: false,
            output_feedback: false,
            hidden_activation: HiddenActivation::Logistic,
            output_activation,
        }
    }

    #[test]
    fn short_sequences_have_a_target() {
        for (outputs, activation) in [
            (1, OutputActivation::Logistic),
            (2, OutputActivation::Logistic),
            (2, OutputActivation::Softmax),
        ] {
            for steps in 1..=3 {
                for seed in 0..200 {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    let (_, _, mask) =
                        random_sequence(&shape(outputs, activation), steps, &mut rng);
                    let targets = mask.iter().filter(|&&m| m == 1.0).count();
                    assert!(
                        targets >= 1,
                        "{outputs} outputs, {steps} steps, seed {seed}"
                    );
                    if mask.len() > 1 && (activation == OutputActivation::Logistic || steps > 1) {
                        assert!(
                            mask.iter().any(|&m| m == 0.0),
                            "{outputs} outputs, {steps} steps, seed {seed}: no masked target"
                        );
                    }
                }
            }
        }
    }
}
