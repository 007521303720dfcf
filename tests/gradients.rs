//! Proofs that the hand-written gradients are exact: central differences for every weight
//! of every net variant, RTRL against BPTT, truncated against full BPTT, the carried
//! hidden-state gradient, and a one-unit case worked out by hand.

mod common;

use chunker::net::{
    HiddenActivation, Net, NetShape, OnlineLearner, OutputActivation, Params, Rtrl, State,
    TruncatedBptt, bptt, step_loss,
};
use common::{Case, all_shapes, random_case};
use ndarray::{Array1, array};

/// Central-difference step.
const FD_STEP: f64 = 1e-5;
/// Largest accepted relative error between a backpropagated and a central-difference
/// gradient; the difference's truncation error is O(FD_STEP^2) and rounding adds about
/// 1e-16 / FD_STEP.
const FD_TOLERANCE: f64 = 1e-6;
/// Largest accepted relative error between two exact algorithms (RTRL, truncated BPTT)
/// and full BPTT on frozen weights.
const EXACT_TOLERANCE: f64 = 1e-9;

fn relative_error(a: f64, b: f64) -> f64 {
    (a - b).abs() / (a.abs() + b.abs()).max(1e-6)
}

fn sequence_loss(case: &Case, net: &Net) -> f64 {
    let start = State::zeros(&net.shape);
    bptt(
        net,
        case.inputs.view(),
        case.targets.view(),
        case.masks.view(),
        &start,
    )
    .0
}

fn assert_gradients_close(
    label: &str,
    shape: &NetShape,
    expected: &Params,
    actual: &Params,
    tol: f64,
) {
    for ((name, e), (_, a)) in expected.tensors().into_iter().zip(actual.tensors()) {
        for ((index, &ev), &av) in e.indexed_iter().zip(a.iter()) {
            if !shape.is_enabled(name) {
                assert_eq!(
                    av, 0.0,
                    "{label}: disabled tensor {name}{index:?} has gradient {av}"
                );
                continue;
            }
            assert!(
                relative_error(ev, av) <= tol,
                "{label}: {name}{index:?}: expected {ev:e}, got {av:e} (relative tolerance {tol:e}) in {shape:?}"
            );
        }
    }
}

/// Accumulates the per-step online gradients of a learner over the case, weights frozen.
fn online_gradient_sum(case: &Case, learner: &mut dyn OnlineLearner) -> Params {
    let net = &case.net;
    let mut sum = Params::zeros(&net.shape);
    let mut delta = Array1::zeros(net.shape.outputs);
    for t in 0..case.inputs.nrows() {
        learner.advance(net, case.inputs.row(t));
        step_loss(
            net.shape.output_activation,
            learner.current(),
            case.targets.row(t),
            case.masks.row(t),
            delta.view_mut(),
        );
        let grad = learner.gradient(net, delta.view());
        sum.add_scaled(&net.shape, 1.0, grad);
    }
    sum
}

#[test]
fn bptt_matches_central_differences() {
    for (i, shape) in all_shapes().into_iter().enumerate() {
        let case = random_case(shape.clone(), 6, 100 + i as u64);
        let (_, analytic) = bptt(
            &case.net,
            case.inputs.view(),
            case.targets.view(),
            case.masks.view(),
            &State::zeros(&shape),
        );
        let mut numeric = Params::zeros(&shape);
        let mut probe = case.net.clone();
        let names: Vec<&str> = analytic.tensors().iter().map(|(n, _)| *n).collect();
        for (t, name) in names.iter().enumerate() {
            if !shape.is_enabled(name) {
                continue;
            }
            let dims = analytic.tensors()[t].1.dim();
            for r in 0..dims.0 {
                for c in 0..dims.1 {
                    let original = probe.params.tensors()[t].1[[r, c]];
                    probe.params.tensors_mut()[t].1[[r, c]] = original + FD_STEP;
                    let plus = sequence_loss(&case, &probe);
                    probe.params.tensors_mut()[t].1[[r, c]] = original - FD_STEP;
                    let minus = sequence_loss(&case, &probe);
                    probe.params.tensors_mut()[t].1[[r, c]] = original;
                    numeric.tensors_mut()[t].1[[r, c]] = (plus - minus) / (2.0 * FD_STEP);
                }
            }
        }
        assert_gradients_close(
            "central differences vs BPTT",
            &shape,
            &numeric,
            &analytic,
            FD_TOLERANCE,
        );
    }
}

#[test]
fn rtrl_matches_bptt_on_frozen_weights() {
    for (i, shape) in all_shapes().into_iter().enumerate() {
        let case = random_case(shape.clone(), 7, 200 + i as u64);
        let (_, expected) = bptt(
            &case.net,
            case.inputs.view(),
            case.targets.view(),
            case.masks.view(),
            &State::zeros(&shape),
        );
        let actual = online_gradient_sum(&case, &mut Rtrl::new(&shape));
        assert_gradients_close("RTRL vs BPTT", &shape, &expected, &actual, EXACT_TOLERANCE);
    }
}

#[test]
fn truncated_bptt_with_long_horizon_equals_full() {
    for (i, shape) in all_shapes().into_iter().enumerate() {
        let steps = 7;
        let case = random_case(shape.clone(), steps, 300 + i as u64);
        let (_, expected) = bptt(
            &case.net,
            case.inputs.view(),
            case.targets.view(),
            case.masks.view(),
            &State::zeros(&shape),
        );
        for horizon in [steps, steps + 3] {
            let actual = online_gradient_sum(&case, &mut TruncatedBptt::new(&shape, horizon));
            assert_gradients_close(
                "truncated vs full BPTT",
                &shape,
                &expected,
                &actual,
                EXACT_TOLERANCE,
            );
        }
    }
}

#[test]
fn truncated_bptt_short_horizon_differs() {
    // With a horizon shorter than the sequence, the earliest steps lose gradient; the
    // result must differ from full BPTT, or the truncation is not happening.
    let shape = common::shape(
        HiddenActivation::Logistic,
        OutputActivation::Logistic,
        false,
        true,
    );
    let case = random_case(shape.clone(), 8, 7);
    let (_, full) = bptt(
        &case.net,
        case.inputs.view(),
        case.targets.view(),
        case.masks.view(),
        &State::zeros(&shape),
    );
    let truncated = online_gradient_sum(&case, &mut TruncatedBptt::new(&shape, 2));
    assert!(relative_error(full.w_hh[[0, 0]], truncated.w_hh[[0, 0]]) > 1e-6);
}

#[test]
fn input_at_step_zero_changes_loss_gradient_at_step_two() {
    // Only step 2 has a loss. The gradient with respect to w_hx must depend on x_0, which
    // reaches step 2 only through the hidden-state gradient carried back two steps.
    for feedback in [false, true] {
        let shape = common::shape(
            HiddenActivation::Logistic,
            OutputActivation::Logistic,
            false,
            feedback,
        );
        let mut case = random_case(shape.clone(), 3, 11);
        case.masks.fill(0.0);
        case.masks.row_mut(2).fill(1.0);
        let gradient = |case: &Case| {
            bptt(
                &case.net,
                case.inputs.view(),
                case.targets.view(),
                case.masks.view(),
                &State::zeros(&shape),
            )
            .1
        };
        let before = gradient(&case);
        case.inputs.row_mut(0).fill(0.0);
        case.inputs[[0, 0]] = 1.0;
        case.inputs[[0, 3]] = 0.9;
        let after = gradient(&case);
        let changed = before
            .w_hx
            .iter()
            .zip(after.w_hx.iter())
            .filter(|(a, b)| (*a - *b).abs() > 1e-12)
            .count();
        assert!(
            changed > 0,
            "x_0 did not change the w_hx gradient of the step-2 loss (feedback {feedback})"
        );
        // And the column of the input unit used only at t = 0 must be nonzero.
        assert!(after.w_hx.column(0).iter().any(|v| v.abs() > 1e-12));
    }
}

/// One logistic hidden unit, one logistic output, one input, no bias, two steps.
/// Weights: w_hx = 1, w_hh = 2, w_yh = 1, all biases 0. Inputs x_1 = 1, x_2 = 0.
/// Only step 2 has a target, d = 1.
///
///   h_1 = s(1) = 0.7310585786
///   h_2 = s(w_hh h_1) = s(1.4621171573) = 0.8118562749
///   y_2 = s(w_yh h_2) = s(0.8118562749) = 0.6925049241
///   E = 1/2 (d - y_2)^2 = 1/2 (0.3074950759)^2 = 0.0472766108
///   da_2 = (y_2 - d) y_2 (1 - y_2) = -0.3074950759 * 0.2129418542 = -0.0654785716
///   dw_yh = da_2 h_2 = -0.0531591892,  db_y = da_2
///   dz_2 = w_yh da_2 h_2 (1 - h_2) = -0.0654785716 * 0.1527456638 = -0.0100015679
///   dz_1 = w_hh dz_2 h_1 (1 - h_1) = 2 * -0.0100015679 * 0.1966119332 = -0.0039328552
///   dw_hh = dz_2 h_1 + dz_1 h_0 = -0.0100015679 * 0.7310585786 + 0 = -0.0073117320
///   dw_hx = dz_1 x_1 + dz_2 x_2 = -0.0039328552
#[test]
fn hand_worked_one_unit_two_steps() {
    let shape = NetShape {
        inputs: 1,
        hidden: 1,
        outputs: 1,
        direct: false,
        output_feedback: false,
        hidden_activation: HiddenActivation::Logistic,
        output_activation: OutputActivation::Logistic,
    };
    let mut params = Params::zeros(&shape);
    params.w_hx[[0, 0]] = 1.0;
    params.w_hh[[0, 0]] = 2.0;
    params.w_yh[[0, 0]] = 1.0;
    let net = Net::new(shape.clone(), params);
    let inputs = array![[1.0], [0.0]];
    let targets = array![[0.0], [1.0]];
    let masks = array![[0.0], [1.0]];
    let (loss, grad) = bptt(
        &net,
        inputs.view(),
        targets.view(),
        masks.view(),
        &State::zeros(&shape),
    );
    // The hand values carry 10 decimals.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(loss, 0.0472766108), "loss {loss}");
    assert!(
        close(grad.w_yh[[0, 0]], -0.0531591892),
        "dw_yh {}",
        grad.w_yh[[0, 0]]
    );
    assert!(
        close(grad.w_hh[[0, 0]], -0.0073117320),
        "dw_hh {}",
        grad.w_hh[[0, 0]]
    );
    assert!(
        close(grad.w_hx[[0, 0]], -0.0039328552),
        "dw_hx {}",
        grad.w_hx[[0, 0]]
    );
    assert!(close(grad.b_y[0], -0.0654785716), "db_y {}", grad.b_y[0]);
}

#[test]
fn state_carries_across_calls() {
    for shape in all_shapes() {
        let case = random_case(shape.clone(), 3, 5);
        let start = State::zeros(&shape);
        let at_once = case.net.run(case.inputs.view(), &start);
        let first = case
            .net
            .run(case.inputs.slice(ndarray::s![..2, ..]), &start);
        let rest = case.net.run(
            case.inputs.slice(ndarray::s![2.., ..]),
            first.last().unwrap(),
        );
        assert_eq!(
            at_once[2], rest[0],
            "abc at once differs from ab then c in {shape:?}"
        );
    }
}

#[test]
fn softmax_cross_entropy_is_stable() {
    use chunker::net::cross_entropy_from_logits;
    let ln2 = cross_entropy_from_logits(array![1e8, 1e8].view(), array![0.0, 1.0].view());
    assert!((ln2 - std::f64::consts::LN_2).abs() < 1e-12, "got {ln2}");
    let big = cross_entropy_from_logits(
        array![-431.0, 279.0, 427.0].view(),
        array![1.0, 0.0, 0.0].view(),
    );
    assert!((big - 858.0).abs() < 1e-9, "got {big}");

    let shape = NetShape {
        inputs: 1,
        hidden: 1,
        outputs: 3,
        direct: false,
        output_feedback: false,
        hidden_activation: HiddenActivation::Tanh,
        output_activation: OutputActivation::Softmax,
    };
    let mut state = State::zeros(&shape);
    state.a = array![-431.0, 279.0, 427.0];
    OutputActivation::Softmax.apply(state.a.view(), state.y.view_mut());
    let mut delta = Array1::zeros(3);
    let loss = step_loss(
        OutputActivation::Softmax,
        &state,
        array![1.0, 0.0, 0.0].view(),
        array![1.0, 1.0, 1.0].view(),
        delta.view_mut(),
    );
    assert!((loss - 858.0).abs() < 1e-9);
    assert!(delta.iter().all(|d| d.is_finite()), "delta {delta}");
}

#[test]
fn same_seed_gives_same_weights_and_results() {
    let shape = common::shape(
        HiddenActivation::Tanh,
        OutputActivation::Softmax,
        true,
        true,
    );
    let a = random_case(shape.clone(), 5, 42);
    let b = random_case(shape.clone(), 5, 42);
    let c = random_case(shape.clone(), 5, 43);
    assert_eq!(a.net.params, b.net.params);
    assert_ne!(a.net.params, c.net.params);
    let start = State::zeros(&shape);
    let (la, ga) = bptt(
        &a.net,
        a.inputs.view(),
        a.targets.view(),
        a.masks.view(),
        &start,
    );
    let (lb, gb) = bptt(
        &b.net,
        b.inputs.view(),
        b.targets.view(),
        b.masks.view(),
        &start,
    );
    assert_eq!(la.to_bits(), lb.to_bits());
    assert_eq!(ga, gb);
}
