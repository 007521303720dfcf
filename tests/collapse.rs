//! Checks of the two-net chunker/automatizer system (Schmidhuber 1992): central-difference
//! checks of the automatizer's three-term loss (squared and soft-target term (3)) and of the
//! chunker's loss, the alignment of term (3) with the chunker's ticks, the chunker's state
//! carried between ticks, and determinism of a whole run.

use chunker::collapse::automatizer::{
    Automatizer, Imitation, Layout, TermWeights, automatizer_loss,
};
use chunker::collapse::chunker::{Chunker, chunker_loss};
use chunker::collapse::config::{NetConfig, SystemConfig, TimeCode};
use chunker::collapse::{CollapseTask, RunLength, SuccessConfig, TwoNetSystem, run_one};
use chunker::net::{Net, OnlineLearner, Params, State, TruncatedBptt};
use chunker::tasks::StandardTask;
use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Central-difference step.
const FD_STEP: f64 = 1e-5;
/// Largest accepted relative error between the backpropagated and the central-difference
/// gradient (truncation error O(FD_STEP^2), rounding about 1e-16 / FD_STEP).
const FD_TOLERANCE: f64 = 1e-6;

fn relative_error(a: f64, b: f64) -> f64 {
    (a - b).abs() / (a.abs() + b.abs()).max(1e-6)
}

/// A small layout: 3 symbols and a target unit (P = 4).
const LAYOUT: Layout = Layout {
    symbols: 3,
    target_unit: true,
};

fn random_inputs(steps: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let mut inputs = Array2::zeros((steps, LAYOUT.prediction_width()));
    for t in 0..steps {
        inputs[[t, rng.random_range(0..LAYOUT.symbols)]] = 1.0;
        inputs[[t, LAYOUT.symbols]] = rng.random_range(0.0..1.0);
    }
    inputs
}

fn final_state(net: &Net, inputs: &Array2<f64>) -> State {
    let states = net.run(inputs.view(), &State::zeros(&net.shape));
    states.last().expect("at least one step").clone()
}

/// Checks dE/dw from truncated BPTT (horizon = window length, so exact) against central
/// differences of `loss(final state)` for every live weight of `net`.
fn check_gradient(
    label: &str,
    mut net: Net,
    inputs: &Array2<f64>,
    loss: &dyn Fn(&State, &mut Array1<f64>) -> f64,
) {
    let mut learner = TruncatedBptt::new(&net.shape, inputs.nrows());
    for x in inputs.rows() {
        learner.advance(&net, x);
    }
    let mut delta = Array1::zeros(net.shape.outputs);
    loss(learner.current(), &mut delta);
    let analytic = learner.gradient(&net, delta.view()).clone();

    let shape = net.shape.clone();
    let mut scratch = Array1::zeros(shape.outputs);
    let names: Vec<&str> = analytic.tensors().iter().map(|(n, _)| *n).collect();
    for (t, name) in names.iter().enumerate() {
        if !shape.is_enabled(name) {
            continue;
        }
        let (rows, cols) = analytic.tensors()[t].1.dim();
        for r in 0..rows {
            for c in 0..cols {
                let mut value_at = |offset: f64| {
                    let mut perturbed = net.params.clone();
                    perturbed.tensors_mut()[t].1[[r, c]] += offset;
                    std::mem::swap(&mut net.params, &mut perturbed);
                    let value = loss(&final_state(&net, inputs), &mut scratch);
                    std::mem::swap(&mut net.params, &mut perturbed);
                    value
                };
                let numeric = (value_at(FD_STEP) - value_at(-FD_STEP)) / (2.0 * FD_STEP);
                let exact = analytic.tensors()[t].1[[r, c]];
                assert!(
                    relative_error(exact, numeric) < FD_TOLERANCE,
                    "{label}: {name}[{r},{c}] backpropagated {exact} vs central difference {numeric}"
                );
            }
        }
    }
}

fn automatizer_net(imitated: usize, output_feedback: bool, seed: u64) -> Net {
    let config = NetConfig {
        hidden: 2,
        output_feedback,
        ..NetConfig::default()
    };
    let shape = Automatizer::shape(&LAYOUT, imitated, &config);
    let params = Params::uniform(&shape, 0.8, &mut ChaCha8Rng::seed_from_u64(seed));
    Net::new(shape, params)
}

fn check_automatizer(label: &str, temperature: f64, output_feedback: bool, target_given: bool) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let imitated = 5;
    let net = automatizer_net(imitated, output_feedback, 11);
    let inputs = random_inputs(3, &mut rng);
    let next_input = random_inputs(1, &mut rng).row(0).to_owned();
    let values = Array1::from_shape_fn(imitated, |_| rng.random_range(0.05..0.95));
    let logits = Array1::from_shape_fn(imitated, |_| rng.random_range(-3.0..3.0));
    let weights = TermWeights {
        target: 0.7,
        next_input: 1.3,
        chunker_state: 0.9,
        temperature,
    };
    let loss = |state: &State, delta: &mut Array1<f64>| {
        let imitation = Imitation {
            values: values.view(),
            logits: logits.view(),
        };
        automatizer_loss(
            &LAYOUT,
            state,
            next_input.view(),
            target_given,
            Some(imitation),
            &weights,
            delta.view_mut(),
        )
        .total()
    };
    check_gradient(label, net, &inputs, &loss);
}

#[test]
fn automatizer_gradient_squared_term3() {
    check_automatizer("A, squared term (3)", 0.0, false, true);
    check_automatizer("A, squared term (3), no target", 0.0, false, false);
}

#[test]
fn automatizer_gradient_fully_recurrent() {
    check_automatizer("A fully recurrent, squared term (3)", 0.0, true, true);
}

#[test]
fn automatizer_gradient_soft_targets() {
    check_automatizer("A, soft targets T = 1", 1.0, false, true);
    check_automatizer("A, soft targets T = 4", 4.0, true, true);
}

#[test]
fn chunker_gradient() {
    for (label, time_code, target_given) in [
        ("C", TimeCode::None, true),
        ("C without target", TimeCode::None, false),
        ("C with decay time code", TimeCode::Decay, true),
    ] {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let config = NetConfig {
            hidden: 2,
            output_feedback: true,
            ..NetConfig::default()
        };
        let shape = Chunker::shape(&LAYOUT, time_code, &config);
        let params = Params::uniform(&shape, 0.8, &mut rng);
        let net = Net::new(shape.clone(), params);
        let mut inputs = Array2::zeros((3, shape.inputs));
        let mut next_input = Array1::zeros(shape.inputs);
        for t in 0..3 {
            inputs[[t, rng.random_range(0..LAYOUT.symbols)]] = 1.0;
            inputs[[t, LAYOUT.symbols]] = rng.random_range(0.0..1.0);
        }
        next_input[1] = 1.0;
        next_input[LAYOUT.symbols] = 1.0;
        if time_code == TimeCode::Decay {
            next_input[shape.inputs - 1] = 0.25;
            inputs.column_mut(shape.inputs - 1).fill(0.5);
        }
        let loss = |state: &State, delta: &mut Array1<f64>| {
            chunker_loss(
                &LAYOUT,
                state,
                next_input.view(),
                target_given,
                delta.view_mut(),
            )
        };
        check_gradient(label, net, &inputs, &loss);
    }
}

/// Builds the input for step `t` (1-based) of a made-up stream.
fn input_at(t: usize, layout: &Layout) -> Array1<f64> {
    let mut x = Array1::zeros(layout.prediction_width());
    x[t % layout.symbols] = 1.0;
    x
}

fn small_system() -> TwoNetSystem {
    let config = SystemConfig::default();
    let layout = Layout {
        symbols: 5,
        target_unit: true,
    };
    TwoNetSystem::new(&config, layout, 3)
}

/// Runs steps 1..=`last` with C ticking exactly at the steps in `ticks`, and returns C's
/// state after each step and the term-(3) target applied at each step.
fn run_schedule(
    system: &mut TwoNetSystem,
    last: usize,
    ticks: &[usize],
) -> (Vec<State>, Vec<Option<Array1<f64>>>) {
    let layout = *system.layout();
    let mut states = vec![system.chunker_state().expect("has a chunker").clone()];
    let mut targets = vec![None];
    for t in 1..=last {
        let x = input_at(t, &layout);
        system.judge(x.view(), false, &[], 0.3);
        targets.push(system.last_imitation_target().map(|v| v.to_owned()));
        system.absorb(x.view(), false, ticks.contains(&t));
        states.push(system.chunker_state().expect("has a chunker").clone());
    }
    (states, targets)
}

fn imitated(state: &State) -> Array1<f64> {
    let mut v = state.h.to_vec();
    v.extend(state.y.iter());
    Array1::from(v)
}

/// The term-(3) loss of A's output at step t is computed when input t + 1 arrives, so the
/// target applied at the arrival of input 7 is the one for A's output at step 6.
#[test]
fn term3_target_follows_ticks() {
    let mut system = small_system();
    let (states, targets) = run_schedule(&mut system, 10, &[1, 5, 9]);
    let after_tick_5 = imitated(&states[5]);

    let target_for_output_6 = targets[7].as_ref().expect("term (3) applies at every step");
    assert_eq!(*target_for_output_6, after_tick_5);
    let target_for_output_8 = targets[9].as_ref().expect("term (3) applies at every step");
    assert_eq!(*target_for_output_8, after_tick_5);
    let target_for_output_9 = targets[10]
        .as_ref()
        .expect("term (3) applies at every step");
    assert_eq!(*target_for_output_9, imitated(&states[9]));
    assert_ne!(imitated(&states[9]), after_tick_5);
    let target_for_output_4 = targets[5].as_ref().expect("term (3) applies at every step");
    assert_eq!(*target_for_output_4, imitated(&states[1]));
}

#[test]
fn term3_only_at_ticks_option() {
    let mut config = SystemConfig::default();
    config.collapse.imitation_schedule = chunker::collapse::config::ImitationSchedule::Ticks;
    let layout = Layout {
        symbols: 5,
        target_unit: true,
    };
    let mut system = TwoNetSystem::new(&config, layout, 3);
    let (states, targets) = run_schedule(&mut system, 10, &[1, 5, 9]);
    assert_eq!(targets[6].as_ref(), Some(&imitated(&states[5])));
    assert!(targets[7].is_none(), "no term (3) for A's output at step 6");
    assert_eq!(targets[10].as_ref(), Some(&imitated(&states[9])));
}

/// C's state stays fixed between ticks, and its tick at step 9 starts from the state of
/// its tick at step 5, not from a reset state.
#[test]
fn chunker_state_carried_between_ticks() {
    let mut system = small_system();
    let (states, _) = run_schedule(&mut system, 8, &[1, 5]);
    for t in 6..=8 {
        assert_eq!(
            states[t], states[5],
            "C's state changed at step {t} without a tick"
        );
    }
    assert_ne!(states[5], states[4]);

    let x9 = input_at(9, system.layout());
    system.judge(x9.view(), false, &[], 0.3);
    system.absorb(x9.view(), false, true);
    let net = &system.chunker.as_ref().expect("has a chunker").net;
    let mut expected = State::zeros(&net.shape);
    net.step_into(x9.view(), &states[8], &mut expected);
    assert_eq!(system.chunker_state(), Some(&expected));

    let mut from_reset = State::zeros(&net.shape);
    net.step_into(x9.view(), &State::zeros(&net.shape), &mut from_reset);
    assert_ne!(system.chunker_state(), Some(&from_reset));
}

fn standard_20() -> CollapseTask {
    CollapseTask::Standard(StandardTask::new(20).expect("lag 20 is valid"))
}

#[test]
fn run_is_deterministic() {
    let mut config = SystemConfig::default();
    config.automatizer.output_feedback = true;
    let length = RunLength {
        sequences: 400,
        curve_every: 100,
    };
    let once = run_one(
        &standard_20(),
        &config,
        &SuccessConfig::default(),
        length,
        9,
        &mut |_| {},
    )
    .expect("no divergence");
    let again = run_one(
        &standard_20(),
        &config,
        &SuccessConfig::default(),
        length,
        9,
        &mut |_| {},
    )
    .expect("no divergence");
    let other = run_one(
        &standard_20(),
        &config,
        &SuccessConfig::default(),
        length,
        10,
        &mut |_| {},
    )
    .expect("no divergence");
    assert_eq!(once, again);
    assert_ne!(once.curve, other.curve);
}

/// Without a chunker A has no imitating outputs and the chunker ticks never.
#[test]
fn conventional_net_has_no_chunker() {
    let config = SystemConfig {
        chunker_enabled: false,
        ..SystemConfig::default()
    };
    let outcome = run_one(
        &standard_20(),
        &config,
        &SuccessConfig::default(),
        RunLength {
            sequences: 100,
            curve_every: 100,
        },
        1,
        &mut |_| {},
    )
    .expect("no divergence");
    assert_eq!(outcome.curve[0].chunker_ticks_per_sequence, 0.0);
    assert!(outcome.curve[0].imitation_error.is_nan());
}

/// A frozen copy of A on a trivial check: a net whose weights are all zero outputs 0.5
/// everywhere, which fails the 0.3 bound on every sequence.
#[test]
fn frozen_check_fails_untrained_net() {
    use chunker::collapse::automatizer::InputEncoder;
    use chunker::collapse::config::TargetInput;
    use chunker::collapse::run::evaluate_frozen;
    let task = standard_20();
    let layout = task.layout();
    let shape = Automatizer::shape(&layout, 0, &NetConfig::default());
    let net = Net::new(shape.clone(), Params::zeros(&shape));
    let result = evaluate_frozen(
        &task,
        &net,
        &State::zeros(&shape),
        InputEncoder::new(layout, TargetInput::Pulse),
        ChaCha8Rng::seed_from_u64(1),
        10,
        0.3,
    );
    assert!(!result.passed);
    assert_eq!(result.passed_fraction, 0.0);
    assert!((result.symbol_error - 0.5).abs() < 1e-12);
}
