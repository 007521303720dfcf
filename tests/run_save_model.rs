//! `chunker run --save-model`, `trace --model` and `evaluate --model`. Every experiment
//! kind saves its trained system, one file per run, with metadata that names the
//! experiment, run, seed and config, and the saved nets are exactly the trained ones.
//! `trace` and `evaluate` load each kind. A missing model is made again by rerunning only
//! its run, and a path that cannot be written fails before any run starts.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use chunker::experiment::runner::derive_seed;
use chunker::experiment::{Budget, NoProgress, registry};
use chunker::saved::{self, ModelKind};

mod common;
use common::cli::{chunker, scratch, text};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn config(name: &str) -> String {
    format!("{ROOT}/experiments/{name}.toml")
}

/// Runs `name` with the quick budget and `runs` runs, saving models to `dir/m.chunknet`.
fn run_saving(name: &str, dir: &Path, runs: u32) -> Output {
    let runs = runs.to_string();
    let budget = ["--quick", "--runs", runs.as_str(), "--jobs", "1"];
    run_to(name, &dir.join("data"), &dir.join("m.chunknet"), &budget)
}

/// Runs the config `name` with the flags `budget`, records to `out` and saves models to
/// `model`.
fn run_to(name: &str, out: &Path, model: &Path, budget: &[&str]) -> Output {
    let config = config(name);
    let mut args = vec!["run", config.as_str()];
    args.extend(budget);
    args.extend(["--out", out.to_str().unwrap()]);
    args.extend(["--save-model", model.to_str().unwrap()]);
    chunker(&args)
}

/// Trains the experiment's run `run` in this process and returns its model.
fn trained_in_process(name: &str, run: u32) -> saved::SavedModel {
    let experiment = registry::load(Path::new(&config(name))).unwrap();
    let seed = derive_seed(experiment.default_seed(), run);
    experiment
        .run(run, seed, Budget::Quick, &NoProgress)
        .unwrap()
        .model
        .expect("every experiment kind hands back its trained system")
}

fn check_saved(name: &str, kind: ModelKind, roles: &[&str]) -> PathBuf {
    let dir = scratch(name);
    let output = run_saving(name, &dir, 2);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("saved 2 trained models"));
    assert!(
        !dir.join("m.chunknet").exists(),
        "two runs get numbered files"
    );
    for run in 0..2u32 {
        let path = dir.join(format!("m.run{run}.chunknet"));
        let model = saved::load(&path).unwrap();
        assert_eq!(model.kind, kind);
        let saved_roles: Vec<&str> = model.nets.iter().map(|n| n.role.as_str()).collect();
        assert_eq!(saved_roles, roles);
        let metadata = &model.metadata;
        assert_eq!(metadata["experiment"].as_str(), Some(name));
        assert_eq!(metadata["run"].as_integer(), Some(i64::from(run)));
        assert_eq!(metadata["budget"].as_str(), Some("quick"));
        let experiment = registry::load(Path::new(&config(name))).unwrap();
        let seed = derive_seed(experiment.default_seed(), run);
        assert_eq!(metadata["seed"].as_str(), Some(seed.to_string().as_str()));
        let stored = metadata["config"].as_table().expect("a config table");
        assert!(stored.contains_key("kind"));
        assert!(metadata["training_sequences"].as_integer().unwrap() > 0);

        let trained = trained_in_process(name, run);
        assert_eq!(
            model.nets, trained.nets,
            "the file holds the trained weights"
        );
    }
    dir
}

fn trace_lines(model: &Path) -> String {
    let output = chunker(&["trace", "--model", model.to_str().unwrap(), "--steps", "30"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn hierarchy_runs_save_and_trace() {
    let dir = check_saved("hierarchy_standard_m20", ModelKind::Hierarchy, &["level 1"]);
    let trace = trace_lines(&dir.join("m.run0.chunknet"));
    assert!(trace.contains("run 0 of hierarchy_standard_m20"), "{trace}");
    assert!(
        trace.contains("level 1: 30 of 30 steps received"),
        "{trace}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn two_net_runs_save_and_trace() {
    let dir = check_saved(
        "chunker_20step_best",
        ModelKind::AutomatizerChunker,
        &["automatizer", "chunker"],
    );
    let trace = trace_lines(&dir.join("m.run1.chunknet"));
    assert!(
        trace.contains("an automatizer A and a chunker C"),
        "{trace}"
    );
    assert!(trace.contains("A: 30 of 30 steps received"), "{trace}");
    // C receives exactly the inputs A did not expect.
    let count = |prefix: &str, word: &str| -> usize {
        let line = trace
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line {prefix} in {trace}"));
        let before = line.split(word).next().unwrap();
        before.split_whitespace().last().unwrap().parse().unwrap()
    };
    assert_eq!(count("A:", "unexpected"), count("C:", "of 30"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn conventional_runs_save_and_trace() {
    let dir = check_saved("standard_task_conventional_m4", ModelKind::Net, &["net"]);
    let trace = trace_lines(&dir.join("m.run0.chunknet"));
    assert!(trace.contains("a conventional net"), "{trace}");
    assert!(trace.contains("net: 30 of 30 steps received"), "{trace}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn missing_model_is_made_again() {
    let dir = scratch("again");
    let output = run_saving("hierarchy_standard_m20", &dir, 1);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let model = dir.join("m.chunknet");
    let first = fs::read(&model).expect("one run saves to the path itself");

    // Records and model present: nothing to do.
    let output = run_saving("hierarchy_standard_m20", &dir, 1);
    assert!(
        text(&output.stderr).contains("0 runs to do"),
        "{}",
        text(&output.stderr)
    );

    fs::remove_file(&model).unwrap();
    let output = run_saving("hierarchy_standard_m20", &dir, 1);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("1 run"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(
        fs::read(&model).unwrap(),
        first,
        "the rerun saves the same bytes"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn unwritable_model_path_fails_early() {
    let dir = scratch("unwritable");
    let file = dir.join("a-file");
    fs::write(&file, b"x").unwrap();
    let out = dir.join("data");
    let model = file.join("m.chunknet");
    let output = run_to(
        "hierarchy_standard_m20",
        &out,
        &model,
        &["--quick", "--runs", "1"],
    );
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("a-file"), "{stderr}");
    assert!(!out.exists(), "no run started: {stderr}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn evaluate_trained_automatizer_alone() {
    let dir = scratch("evaluate");
    let out = dir.join("data");
    let model = dir.join("best.chunknet");
    // The default budget stops once a frozen check of A passes (run 0: about 2,400
    // sequences, a fraction of a second).
    let output = run_to("chunker_20step_best", &out, &model, &["--runs", "1"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let before = saved::load(&model).unwrap();

    let output = chunker(&["evaluate", "--model", model.to_str().unwrap()]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let line = stdout
        .lines()
        .find(|l| l.starts_with("A alone, without C:"))
        .unwrap_or_else(|| panic!("no frozen-test line in {stdout}"));
    let passed: u64 = line.split_whitespace().nth(4).unwrap().parse().unwrap();
    assert!(
        passed >= 950,
        "a frozen-confirmed A passes fresh sequences: {stdout}"
    );
    assert_eq!(
        saved::load(&model).unwrap(),
        before,
        "evaluating changes no file"
    );

    let output = chunker(&[
        "evaluate",
        "--model",
        model.to_str().unwrap(),
        "--sequences",
        "0",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--sequences"));
    let _ = fs::remove_dir_all(&dir);
}

/// Saves run 0 of the quick hierarchy experiment under `dir` and evaluates it on
/// `sequences` fresh sequences; returns the evaluation's stdout.
fn evaluate_quick_hierarchy(dir: &Path, sequences: &str) -> String {
    let output = run_saving("hierarchy_standard_m20", dir, 1);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let model = dir.join("m.chunknet");
    let output = chunker(&[
        "evaluate",
        "--model",
        model.to_str().unwrap(),
        "--sequences",
        sequences,
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn evaluate_hierarchy_and_foreign_file() {
    let dir = scratch("evaluate-h");
    let stdout = evaluate_quick_hierarchy(&dir, "50");
    assert!(stdout.contains("of 50 sequences"), "{stdout}");
    assert!(stdout.contains("level 1"), "{stdout}");

    let foreign = dir.join("foreign.chunknet");
    fs::write(&foreign, b"PNG not a model at all").unwrap();
    let output = chunker(&["evaluate", "--model", foreign.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("not a chunker saved model"));
    let _ = fs::remove_dir_all(&dir);
}

/// Runs `reproduce --quick` on copies of the configs `names`, with every output folder and
/// the notes file (`notes.md`) under `dir`, and `extra` arguments.
fn reproduce_in(dir: &Path, names: &[&str], extra: &[&str]) -> Output {
    let experiments = dir.join("experiments");
    fs::create_dir_all(&experiments).unwrap();
    for name in names {
        fs::copy(config(name), experiments.join(format!("{name}.toml"))).unwrap();
    }
    let folder = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let (experiments, data, figures, notes) = (
        folder("experiments"),
        folder("data"),
        folder("figures"),
        folder("notes.md"),
    );
    let mut args = vec![
        "reproduce",
        "--quick",
        "--experiments",
        &experiments,
        "--data",
        &data,
        "--figures",
        &figures,
        "--notes",
        &notes,
    ];
    args.extend(extra);
    chunker(&args)
}

#[test]
fn reproduce_saves_every_experiments_models() {
    let dir = scratch("reproduce");
    let models = dir.join("models").to_string_lossy().into_owned();
    let output = reproduce_in(
        &dir,
        &["chunker_20step_best", "hierarchy_standard_m20"],
        &["--save-models", &models],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    for (name, runs) in [("chunker_20step_best", 17), ("hierarchy_standard_m20", 10)] {
        for run in 0..runs {
            let path = dir.join("models").join(format!("{name}.run{run}.chunknet"));
            let model = saved::load(&path).unwrap();
            assert_eq!(model.metadata["experiment"].as_str(), Some(name));
        }
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn another_runs_model_is_replaced() {
    let dir = scratch("stale");
    let out = dir.join("data");
    let model = dir.join("m.chunknet");
    let run = |name: &str, save: bool| {
        let mut args = vec![
            "run".to_string(),
            config(name),
            "--quick".into(),
            "--runs".into(),
            "1".into(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ];
        if save {
            args.extend(["--save-model".into(), model.to_string_lossy().into_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        chunker(&args)
    };

    // A model of another experiment at the path, and a recorded run without a model.
    assert!(run("hierarchy_grammar", true).status.success());
    assert!(run("standard_task_conventional_m4", false).status.success());

    let output = run("standard_task_conventional_m4", true);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("1 run to do"),
        "{}",
        text(&output.stderr)
    );
    let saved = saved::load(&model).unwrap();
    assert_eq!(
        saved.metadata["experiment"].as_str(),
        Some("standard_task_conventional_m4")
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn reproduce_rejects_notes_that_are_not_text() {
    let dir = scratch("notes");
    let notes = dir.join("notes.md");
    let binary = [0x89, b'P', b'N', b'G', 0xff, 0xfe, 0x00];
    fs::write(&notes, binary).unwrap();
    let output = reproduce_in(&dir, &["hierarchy_standard_m20"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("not UTF-8 text"));
    assert!(!dir.join("data").exists(), "no run started");
    assert_eq!(fs::read(&notes).unwrap(), binary);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn evaluate_counts_only_the_sequences_judged() {
    let dir = scratch("evaluate-steps");
    let stdout = evaluate_quick_hierarchy(&dir, "3");
    // Three sequences of the lag-20 task are 63 steps.
    assert!(stdout.contains("inputs received of 63 steps"), "{stdout}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_stored_config_names_the_model_file() {
    let dir = scratch("bad-config");
    let output = run_saving("hierarchy_standard_m20", &dir, 1);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let path = dir.join("m.chunknet");
    let mut model = saved::load(&path).unwrap();
    let config = model
        .metadata
        .get_mut("config")
        .and_then(toml::Value::as_table_mut)
        .expect("a run's model stores its config");
    let success = config
        .get_mut("success")
        .and_then(toml::Value::as_table_mut)
        .expect("a hierarchy config has a success table");
    success.insert("error".into(), 9.9.into());
    let edited = dir.join("edited.chunknet");
    saved::save(&edited, &model).unwrap();

    let output = chunker(&["evaluate", "--model", edited.to_str().unwrap()]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("edited.chunknet"), "{stderr}");
    assert!(
        stderr.contains("the config stored in the model"),
        "{stderr}"
    );
    assert!(stderr.contains("success.error"), "{stderr}");
    let _ = fs::remove_dir_all(&dir);
}
