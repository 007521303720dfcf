//! Multiply-adds per time step of the two-net system and of a conventional net, counted
//! from the shapes (Schmidhuber 1992 claims that the chunker system needs less computation
//! per step than a conventional net on the 20-step task).
//!
//! What is counted: the matrix-vector products of the forward pass with every input unit
//! counted (dense, as a weight count would), the weight-gradient and delta products of the
//! backward pass, and the weight update (one multiply-add per weight, biases included).
//! Element-wise activation derivatives are not counted. The sparse one-hot inputs that the
//! implementation skips are counted, because the papers count connections.

use super::config::LearnerKind;
use crate::net::NetShape;

/// Weights without biases.
fn connections(shape: &NetShape) -> u64 {
    (shape.weight_count() - shape.hidden - shape.outputs) as u64
}

/// Multiply-adds of one forward step.
pub fn forward(shape: &NetShape) -> u64 {
    connections(shape)
}

/// Multiply-adds of one step of the backward pass: every connection's gradient, plus the
/// deltas sent back to the hidden units and, with output feedback, to the previous outputs.
pub fn backward_step(shape: &NetShape) -> u64 {
    let (h, o) = (shape.hidden as u64, shape.outputs as u64);
    let mut sent_back = o * h + h * h;
    if shape.output_feedback {
        sent_back += o * o + h * o;
    }
    connections(shape) + sent_back
}

/// Multiply-adds of one RTRL step: the sensitivity update of every recurrent unit
/// (hidden units, and outputs with output feedback) for every tracked weight, plus the
/// read-out of the gradient from the sensitivities. Without output feedback only the
/// hidden-side weights are tracked, and the output weights' gradient is counted as in
/// one backward step.
pub fn rtrl_step(shape: &NetShape) -> u64 {
    let (i, h, o) = (
        shape.inputs as u64,
        shape.hidden as u64,
        shape.outputs as u64,
    );
    if shape.output_feedback {
        let tracked = shape.weight_count() as u64;
        let recurrent = h + o;
        recurrent * recurrent * tracked + o * tracked
    } else {
        let tracked = h * (i + h + 1);
        let output_side = o * (h + i) + o * h;
        h * h * tracked + h * tracked + output_side
    }
}

/// Multiply-adds of one training step of a net: forward, gradient, update.
///
/// `horizon` is the window of truncated BPTT (ignored by RTRL).
pub fn training_step(shape: &NetShape, learner: LearnerKind, horizon: usize) -> u64 {
    let gradient = match learner {
        LearnerKind::TruncatedBptt => horizon as u64 * backward_step(shape),
        LearnerKind::Rtrl => rtrl_step(shape),
    };
    forward(shape) + gradient + shape.weight_count() as u64
}

/// Mean multiply-adds per step of the two-net system: A trains at every step, C only at
/// its ticks (`chunker_ticks_per_step` of them per step on average).
pub fn two_net_step(
    automatizer: (&NetShape, LearnerKind, usize),
    chunker: (&NetShape, LearnerKind, usize),
    chunker_ticks_per_step: f64,
) -> f64 {
    let a = training_step(automatizer.0, automatizer.1, automatizer.2) as f64;
    let c = training_step(chunker.0, chunker.1, chunker.2) as f64;
    a + chunker_ticks_per_step * c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{HiddenActivation, OutputActivation};

    fn shape(inputs: usize, hidden: usize, outputs: usize, feedback: bool) -> NetShape {
        NetShape {
            inputs,
            hidden,
            outputs,
            direct: true,
            output_feedback: feedback,
            hidden_activation: HiddenActivation::Logistic,
            output_activation: OutputActivation::Logistic,
        }
    }

    /// One input, one hidden unit, one output, layered: connections w_hx, w_hh, w_yh, w_yx
    /// (4), biases 2. Forward 4; backward step 4 + (1 + 1) = 6; three steps 18; update 6.
    #[test]
    fn one_unit_counts_by_hand() {
        let s = shape(1, 1, 1, false);
        assert_eq!(forward(&s), 4);
        assert_eq!(backward_step(&s), 6);
        assert_eq!(training_step(&s, LearnerKind::TruncatedBptt, 3), 4 + 18 + 6);
    }

    /// The 20-step automatizer of the literal reading: 23 inputs, 1 hidden unit, 23 + 24
    /// outputs. Connections 23 + 1 + 47 + 47 * 23 = 1152.
    #[test]
    fn automatizer_of_the_literal_reading() {
        let a = shape(23, 1, 47, false);
        assert_eq!(forward(&a), 1152);
        assert_eq!(backward_step(&a), 1152 + 47 + 1);
        assert_eq!(
            training_step(&a, LearnerKind::TruncatedBptt, 3),
            1152 + 3 * 1200 + 1200
        );
    }

    #[test]
    fn chunker_ticks_scale_its_share() {
        let a = shape(23, 1, 47, false);
        let c = shape(23, 1, 23, false);
        let bptt = LearnerKind::TruncatedBptt;
        let alone = two_net_step((&a, bptt, 3), (&c, bptt, 3), 0.0);
        let ticking = two_net_step((&a, bptt, 3), (&c, bptt, 3), 1.0);
        assert_eq!(alone, training_step(&a, bptt, 3) as f64);
        assert_eq!(ticking - alone, training_step(&c, bptt, 3) as f64);
    }
}

/// One row of the cost table of the 20-step task.
#[derive(Clone, Debug, PartialEq)]
pub struct CostRow {
    pub system: String,
    pub multiply_adds_per_step: f64,
}

/// The multiply-adds per step of the two-net system described by `config` on a task of
/// `layout`, at `ticks_per_step` of C's ticks per step, beside the conventional net (A
/// without C and without imitating outputs) trained by the same algorithm and by RTRL.
pub fn cost_table(
    config: &super::config::SystemConfig,
    layout: &super::automatizer::Layout,
    ticks_per_step: f64,
) -> Vec<CostRow> {
    use super::automatizer::Automatizer;
    use super::chunker::Chunker;
    let c_shape = Chunker::shape(layout, config.collapse.time_code, &config.chunker);
    let imitated = Chunker::imitated_width(layout, &c_shape, config.collapse.imitated_state);
    let a_shape = Automatizer::shape(layout, imitated, &config.automatizer);
    let plain = Automatizer::shape(layout, 0, &config.automatizer);
    let (a, c) = (&config.automatizer, &config.chunker);
    let two_net = two_net_step(
        (&a_shape, a.learner, a.horizon),
        (&c_shape, c.learner, c.horizon),
        ticks_per_step,
    );
    vec![
        CostRow {
            system: "two-net system".into(),
            multiply_adds_per_step: two_net,
        },
        CostRow {
            system: "conventional net, same algorithm as A".into(),
            multiply_adds_per_step: training_step(&plain, a.learner, a.horizon) as f64,
        },
        CostRow {
            system: "conventional net, RTRL".into(),
            multiply_adds_per_step: training_step(&plain, LearnerKind::Rtrl, 1) as f64,
        },
    ]
}
