//! `chunker gradients` end to end: runs the binary, parses its JSON and checks the printed
//! numbers against the library (the loss recomputed from the printed weights, BPTT against
//! RTRL, and central differences of a few weights).

use chunker::net::{
    HiddenActivation, Net, NetShape, OutputActivation, Params, State, TENSOR_NAMES, bptt,
};
use ndarray::{Array1, Array2};
use serde_json::Value;

mod common;
use common::cli::chunker;

/// Largest accepted relative difference between the printed BPTT and RTRL gradients.
const EXACT_TOLERANCE: f64 = 1e-9;
/// Largest accepted relative difference between printed numbers and the library's
/// recomputation from the printed weights. Not zero: serde_json's default float parser
/// may be one unit in the last place off the shortest representation it printed.
const RECOMPUTE_TOLERANCE: f64 = 1e-12;
/// Central-difference step and the accepted relative error against the printed gradient.
const FD_STEP: f64 = 1e-5;
const FD_TOLERANCE: f64 = 1e-6;

fn relative_error(a: f64, b: f64) -> f64 {
    (a - b).abs() / (a.abs() + b.abs()).max(1e-6)
}

fn matrix(value: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(value.clone()).expect("an array of rows");
    let cols = rows.first().map_or(0, Vec::len);
    Array2::from_shape_vec((rows.len(), cols), rows.concat()).expect("rows of equal length")
}

fn vector(value: &Value) -> Array1<f64> {
    Array1::from(serde_json::from_value::<Vec<f64>>(value.clone()).expect("an array"))
}

fn params(value: &Value) -> Params {
    Params {
        w_hx: matrix(&value["w_hx"]),
        w_hh: matrix(&value["w_hh"]),
        w_hy: matrix(&value["w_hy"]),
        b_h: vector(&value["b_h"]),
        w_yh: matrix(&value["w_yh"]),
        w_yx: matrix(&value["w_yx"]),
        w_yy: matrix(&value["w_yy"]),
        b_y: vector(&value["b_y"]),
    }
}

struct Printed {
    net: Net,
    inputs: Array2<f64>,
    targets: Array2<f64>,
    mask: Array2<f64>,
    loss: f64,
    grad_bptt: Params,
    grad_rtrl: Params,
}

fn run_and_parse(args: &[&str], shape: NetShape) -> Printed {
    let output = chunker(args);
    assert!(
        output.status.success(),
        "chunker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(json["hidden_activation"], shape.hidden_activation.name());
    assert_eq!(json["output_activation"], shape.output_activation.name());
    Printed {
        net: Net::new(shape, params(&json["weights"])),
        inputs: matrix(&json["inputs"]),
        targets: matrix(&json["targets"]),
        mask: matrix(&json["mask"]),
        loss: json["loss"].as_f64().expect("loss is a number"),
        grad_bptt: params(&json["grad_bptt"]),
        grad_rtrl: params(&json["grad_rtrl"]),
    }
}

fn loss_of(p: &Printed, net: &Net) -> f64 {
    let start = State::zeros(&net.shape);
    bptt(
        net,
        p.inputs.view(),
        p.targets.view(),
        p.mask.view(),
        &start,
    )
    .0
}

fn check(args: &[&str], shape: NetShape) {
    let p = run_and_parse(args, shape.clone());
    let (steps, outputs) = (p.inputs.nrows(), shape.outputs);
    assert_eq!(p.inputs.dim(), (steps, shape.inputs));
    assert_eq!(p.targets.dim(), (steps, outputs));
    assert_eq!(p.mask.dim(), (steps, outputs));
    assert!(
        p.mask.iter().any(|&m| m == 0.0),
        "{args:?}: mask has no zero"
    );
    assert!(p.mask.iter().all(|&m| m == 0.0 || m == 1.0));
    if shape.output_activation == OutputActivation::Softmax {
        for row in p.mask.rows() {
            assert!(
                row.iter().all(|&m| m == row[0]),
                "{args:?}: softmax mask row {row} is not all ones or all zeros"
            );
        }
    }

    // The library recomputes the same loss and gradient from the printed numbers.
    let start = State::zeros(&shape);
    let (loss, grad) = bptt(
        &p.net,
        p.inputs.view(),
        p.targets.view(),
        p.mask.view(),
        &start,
    );
    assert!(
        relative_error(loss, p.loss) <= RECOMPUTE_TOLERANCE,
        "{args:?}: recomputed loss {loss:e}, printed {:e}",
        p.loss
    );
    for ((name, mine), (_, printed)) in grad.tensors().into_iter().zip(p.grad_bptt.tensors()) {
        for ((index, &m), &q) in mine.indexed_iter().zip(printed.iter()) {
            assert!(
                relative_error(m, q) <= RECOMPUTE_TOLERANCE,
                "{args:?}: {name}{index:?}: recomputed {m:e}, printed {q:e}"
            );
        }
    }

    for ((name, b), (_, r)) in p.grad_bptt.tensors().into_iter().zip(p.grad_rtrl.tensors()) {
        let weights = p.net.params.tensors();
        let w = &weights[TENSOR_NAMES.iter().position(|n| *n == name).unwrap()].1;
        if !shape.is_enabled(name) {
            assert!(
                w.iter().all(|&v| v == 0.0),
                "{args:?}: disabled {name} is not zero"
            );
            assert!(b.iter().chain(r.iter()).all(|&v| v == 0.0));
            continue;
        }
        for ((index, &bv), &rv) in b.indexed_iter().zip(r.iter()) {
            assert!(
                relative_error(bv, rv) <= EXACT_TOLERANCE,
                "{args:?}: {name}{index:?}: BPTT {bv:e}, RTRL {rv:e}"
            );
        }
    }

    // Central differences of the first and last weight of every live tensor.
    let mut probe = p.net.clone();
    for (t, name) in TENSOR_NAMES.iter().enumerate() {
        if !shape.is_enabled(name) {
            continue;
        }
        let (rows, cols) = probe.params.tensors()[t].1.dim();
        for (r, c) in [(0, 0), (rows - 1, cols - 1)] {
            let original = probe.params.tensors()[t].1[[r, c]];
            probe.params.tensors_mut()[t].1[[r, c]] = original + FD_STEP;
            let plus = loss_of(&p, &probe);
            probe.params.tensors_mut()[t].1[[r, c]] = original - FD_STEP;
            let minus = loss_of(&p, &probe);
            probe.params.tensors_mut()[t].1[[r, c]] = original;
            let numeric = (plus - minus) / (2.0 * FD_STEP);
            let printed = p.grad_bptt.tensors()[t].1[[r, c]];
            assert!(
                relative_error(numeric, printed) <= FD_TOLERANCE,
                "{args:?}: {name}[{r}, {c}]: central difference {numeric:e}, printed {printed:e}"
            );
        }
    }
}

fn shape(
    hidden_activation: HiddenActivation,
    output_activation: OutputActivation,
    direct: bool,
    output_feedback: bool,
) -> NetShape {
    NetShape {
        inputs: 4,
        hidden: 5,
        outputs: 3,
        direct,
        output_feedback,
        hidden_activation,
        output_activation,
    }
}

#[test]
fn gradients_tanh_softmax_cross_check() {
    check(
        &[
            "gradients",
            "--seed",
            "3",
            "--inputs",
            "4",
            "--hidden",
            "5",
            "--outputs",
            "3",
            "--steps",
            "7",
            "--hidden-activation",
            "tanh",
            "--output-activation",
            "softmax",
        ],
        shape(
            HiddenActivation::Tanh,
            OutputActivation::Softmax,
            false,
            false,
        ),
    );
}

#[test]
fn gradients_fully_recurrent_logistic_cross_check() {
    check(
        &[
            "gradients",
            "--seed",
            "4",
            "--inputs",
            "4",
            "--hidden",
            "5",
            "--outputs",
            "3",
            "--steps",
            "6",
            "--hidden-activation",
            "logistic",
            "--output-activation",
            "logistic",
            "--direct",
            "--fully-recurrent",
        ],
        shape(
            HiddenActivation::Logistic,
            OutputActivation::Logistic,
            true,
            true,
        ),
    );
}

#[test]
fn gradients_softmax_with_feedback_cross_check() {
    check(
        &[
            "gradients",
            "--seed",
            "5",
            "--inputs",
            "4",
            "--hidden",
            "5",
            "--outputs",
            "3",
            "--steps",
            "8",
            "--hidden-activation",
            "logistic",
            "--output-activation",
            "softmax",
            "--fully-recurrent",
        ],
        shape(
            HiddenActivation::Logistic,
            OutputActivation::Softmax,
            false,
            true,
        ),
    );
}

#[test]
fn gradients_same_seed_same_bytes() {
    let args = ["gradients", "--seed", "9", "--steps", "5", "--direct"];
    let a = chunker(&args);
    let b = chunker(&args);
    let c = chunker(&["gradients", "--seed", "10", "--steps", "5", "--direct"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn gradients_zero_sizes_rejected() {
    for flag in ["--inputs", "--hidden", "--outputs", "--steps"] {
        let output = chunker(&["gradients", flag, "0"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} 0: {stderr}");
        assert!(
            stderr.contains(flag),
            "{flag} 0: message {stderr:?} does not name the flag"
        );
        assert!(
            stderr.contains("expected"),
            "{flag} 0: message {stderr:?} gives no range"
        );
        assert!(output.stdout.is_empty(), "{flag} 0 printed to stdout");
    }
}

#[test]
fn gradients_softmax_single_output_rejected() {
    let output = chunker(&[
        "gradients",
        "--output-activation",
        "softmax",
        "--outputs",
        "1",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--outputs"));
}

/// Seeds whose one- and two-step logistic sequences draw no target by chance. Without the
/// target the generator then adds, the loss and both gradients would be zero and a
/// cross-check would compare nothing.
#[test]
fn gradients_short_sequences_have_a_target() {
    let cases: [(&str, &str, usize); 3] = [("14", "1", 2), ("22", "1", 2), ("7", "2", 1)];
    for (seed, steps, outputs) in cases {
        let outputs_text = outputs.to_string();
        let args = [
            "gradients",
            "--seed",
            seed,
            "--inputs",
            "3",
            "--hidden",
            "3",
            "--outputs",
            &outputs_text,
            "--steps",
            steps,
        ];
        let shape = NetShape {
            inputs: 3,
            hidden: 3,
            outputs,
            direct: false,
            output_feedback: false,
            hidden_activation: HiddenActivation::Logistic,
            output_activation: OutputActivation::Logistic,
        };
        let printed = run_and_parse(&args, shape);
        assert!(
            printed.mask.iter().any(|&m| m == 1.0),
            "{args:?}: no target in the mask {}",
            printed.mask
        );
        assert!(printed.loss > 0.0, "{args:?}: loss {}", printed.loss);
        assert!(
            printed.grad_bptt.b_y.iter().any(|&g| g != 0.0),
            "{args:?}: zero output-bias gradient"
        );
    }
}
