//! Helpers shared by the integration tests: small random nets and sequences, and (in
//! `cli`) starting the binary.
#![allow(dead_code)]

use chunker::net::{HiddenActivation, Net, NetShape, OutputActivation, Params};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub mod cli;

/// A random net with weights in [-0.5, 0.5] and a random one-hot sequence with targets.
pub struct Case {
    pub net: Net,
    pub inputs: Array2<f64>,
    pub targets: Array2<f64>,
    pub masks: Array2<f64>,
}

pub fn shape(
    hidden_activation: HiddenActivation,
    output_activation: OutputActivation,
    direct: bool,
    output_feedback: bool,
) -> NetShape {
    NetShape {
        inputs: 4,
        hidden: 3,
        outputs: 3,
        direct,
        output_feedback,
        hidden_activation,
        output_activation,
    }
}

/// Builds a random case of `steps` steps; some targets are masked out.
pub fn random_case(shape: NetShape, steps: usize, seed: u64) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let params = Params::uniform(&shape, 0.5, &mut rng);
    let mut inputs = Array2::zeros((steps, shape.inputs));
    let mut targets = Array2::zeros((steps, shape.outputs));
    let mut masks = Array2::zeros((steps, shape.outputs));
    for t in 0..steps {
        inputs[[t, rng.random_range(0..shape.inputs)]] = 1.0;
        // An extra real-valued input unit, so that the checks do not rely on one-hot inputs.
        inputs[[t, shape.inputs - 1]] = rng.random_range(-1.0..1.0);
        match shape.output_activation {
            OutputActivation::Logistic => {
                for k in 0..shape.outputs {
                    targets[[t, k]] = rng.random_range(0.0..1.0);
                    masks[[t, k]] = if rng.random_bool(0.7) { 1.0 } else { 0.0 };
                }
            }
            OutputActivation::Softmax => {
                targets[[t, rng.random_range(0..shape.outputs)]] = 1.0;
                let counted = if t == steps - 1 || rng.random_bool(0.7) {
                    1.0
                } else {
                    0.0
                };
                masks.row_mut(t).fill(counted);
            }
        }
    }
    Case {
        net: Net::new(shape, params),
        inputs,
        targets,
        masks,
    }
}

/// Every shape the gradient checks cover: both activations of each layer, with and
/// without direct and feedback connections.
pub fn all_shapes() -> Vec<NetShape> {
    let mut shapes = Vec::new();
    for hidden in [HiddenActivation::Logistic, HiddenActivation::Tanh] {
        for output in [OutputActivation::Logistic, OutputActivation::Softmax] {
            for direct in [false, true] {
                for feedback in [false, true] {
                    shapes.push(shape(hidden, output, direct, feedback));
                }
            }
        }
    }
    shapes
}
