//! Divergence: a run whose loss, output or weights become NaN or infinite stops with an
//! error naming the experiment, the run, the net and the step; the other runs finish; the
//! summary marks the run as diverged; and every file written stays readable. Also checks
//! that a NaN error is not hidden by a maximum (as `f64::max` would hide it).

mod robustness_support;

use std::fs;

use chunker::collapse::automatizer::InputEncoder;
use chunker::collapse::run::evaluate_frozen;
use chunker::collapse::{CollapseTask, SystemConfig, TwoNetSystem};
use chunker::net::State;
use chunker::tasks::StandardTask;
use ndarray::Array1;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use robustness_support::{Scratch, code, conventional_config, run};

/// Reads a CSV file strictly: a header and rows as long as it.
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn huge_learning_rate_diverges_one_run() {
    let scratch = Scratch::new("diverge-conventional");
    scratch.write("big_rate.toml", conventional_config(3, 20, 1e200));
    let output = run(&scratch.path, &["run", "big_rate.toml", "--jobs", "2"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(code(&output), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("big_rate: run 1 diverged: conventional net diverged at step"),
        "the message names experiment, run, net and step:\n{stderr}"
    );
    assert!(stderr.contains("big_rate: runs failed: 1 of 3"), "{stderr}");

    let (header, rows) = read_csv(&scratch.join("data/big_rate/summary.csv"));
    let status = header.iter().position(|c| c == "status").unwrap();
    let statuses: Vec<&str> = rows.iter().map(|r| r[status].as_str()).collect();
    assert_eq!(statuses, ["finished", "diverged", "finished"]);
    let detail = header.iter().position(|c| c == "detail").unwrap();
    assert!(rows[1][detail].contains("is not finite"), "{:?}", rows[1]);

    let (_, curves) = read_csv(&scratch.join("data/big_rate/curves.csv"));
    assert!(curves.iter().any(|r| r[0] == "0"), "run 0 has curve rows");
    for row in &curves {
        for cell in &row[3..] {
            let value: f64 = cell.parse().unwrap();
            assert!(value.is_finite(), "a curve row holds {cell}: {row:?}");
        }
    }
    let plot = run(&scratch.path, &["plot"]);
    assert_eq!(code(&plot), 0, "{plot:?}");
}

#[test]
fn hierarchy_divergence_names_level() {
    let scratch = Scratch::new("diverge-hierarchy");
    let path = format!(
        "{}/experiments/hierarchy_standard_m20.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = fs::read_to_string(path)
        .unwrap()
        .replace("learning_rate = 1.0", "learning_rate = 1e300");
    scratch.write("hier.toml", text);
    let output = run(
        &scratch.path,
        &["run", "hier.toml", "--quick", "--runs", "2", "--jobs", "1"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(code(&output), 1, "{stderr}");
    assert!(
        stderr.contains("hier: run 0 diverged: conventional level 1 diverged at step"),
        "{stderr}"
    );
    let (header, rows) = read_csv(&scratch.join("data/hier/summary.csv"));
    let status = header.iter().position(|c| c == "status").unwrap();
    assert!(rows.iter().all(|r| r[status] == "diverged"), "{rows:?}");
}

/// A two-net system on the standard task with m = 4 whose automatizer outputs NaN.
fn nan_system() -> (CollapseTask, SystemConfig, TwoNetSystem) {
    let task = CollapseTask::Standard(StandardTask::new(4).unwrap());
    let config = SystemConfig::default();
    let mut system = TwoNetSystem::new(&config, task.layout(), 1);
    system.automatizer.net.params.b_y.fill(f64::NAN);
    (task, config, system)
}

#[test]
fn collapse_judge_keeps_nan_error() {
    let (task, _, mut system) = nan_system();
    let mut x = Array1::zeros(task.layout().prediction_width());
    x[0] = 1.0;
    system.judge(x.view(), false, &[], 0.3);
    system.absorb(x.view(), false, true);
    let judgement = system.judge(x.view(), false, &[], 0.3);
    assert!(
        judgement.symbol_error.is_nan(),
        "symbol error {} hides a NaN output",
        judgement.symbol_error
    );
    assert!(!judgement.passed);
}

#[test]
fn frozen_evaluation_keeps_nan_error() {
    let (task, config, system) = nan_system();
    let net = &system.automatizer.net;
    let frozen = evaluate_frozen(
        &task,
        net,
        &State::zeros(&net.shape),
        InputEncoder::new(task.layout(), config.target_input),
        ChaCha8Rng::seed_from_u64(1),
        3,
        0.3,
    );
    assert!(frozen.symbol_error.is_nan(), "{}", frozen.symbol_error);
    assert!(frozen.target_error.is_nan(), "{}", frozen.target_error);
    assert!(!frozen.passed);
}
