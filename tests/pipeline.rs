//! The experiment pipeline end to end: config validation, per-run records and their merge,
//! resume, thread-count independence, shards, divergence, and the results table.

use std::fs;
use std::path::Path;

use chunker::Error;
use chunker::experiment::records::{self, CURVES_FILE, SIDECAR_FILE, SUMMARY_FILE};
use chunker::experiment::runner::{self, RunOptions, Shard};
use chunker::experiment::{
    Budget, Cell, Experiment, NoProgress, Progress, RunError, RunReport, registry, table,
};
use chunker::plot::read_table;

mod common;
use common::cli::scratch;

fn conventional_config(lag_file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("experiments")
        .join(lag_file);
    fs::read_to_string(path).expect("the experiment config exists")
}

/// Writes `text` as `dir/NAME.toml` and loads it.
fn load_text(dir: &Path, name: &str, text: &str) -> chunker::Result<Box<dyn Experiment>> {
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, text).expect("the temporary folder is writable");
    registry::load(&path)
}

fn options(data_root: &Path, jobs: usize) -> RunOptions {
    RunOptions {
        runs: None,
        seed: None,
        data_root: data_root.to_path_buf(),
        jobs,
        budget: Budget::Quick,
        shard: Shard::ALL,
        fresh: false,
        save_model: None,
    }
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

// ---------------------------------------------------------------- config validation

fn error_text(result: chunker::Result<Box<dyn Experiment>>) -> (String, i32) {
    match result {
        Ok(_) => panic!("the config was accepted"),
        Err(error) => (error.to_string(), error.exit_code()),
    }
}

#[test]
fn shipped_configs_load() {
    for file in [
        "standard_task_conventional_m4.toml",
        "standard_task_conventional_m20.toml",
        "standard_task_conventional_m4_fully_recurrent.toml",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("experiments")
            .join(file);
        let experiment = registry::load(&path).expect("the shipped config is valid");
        assert_eq!(experiment.sequence_budget(Budget::Full), 1_000_000);
    }
}

#[test]
fn unknown_key_names_the_key() {
    let dir = scratch("unknown-key");
    let text = conventional_config("standard_task_conventional_m4.toml")
        .replace("hidden = 4", "hidden = 4\nhiden_units = 4");
    let (message, code) = error_text(load_text(&dir, "bad", &text));
    assert!(message.contains("net.hiden_units"), "{message}");
    assert!(message.contains("unknown field"), "{message}");
    assert_eq!(code, 2);
}

#[test]
fn wrong_type_names_the_key() {
    let dir = scratch("wrong-type");
    let text = conventional_config("standard_task_conventional_m4.toml")
        .replace("learning_rate = 1.0", "learning_rate = \"fast\"");
    let (message, code) = error_text(load_text(&dir, "bad", &text));
    assert!(message.contains("training.learning_rate"), "{message}");
    assert_eq!(code, 2);
}

#[test]
fn out_of_range_names_key_and_range() {
    let dir = scratch("out-of-range");
    let cases = [
        (
            "learning_rate = 1.0",
            "learning_rate = -0.5",
            "training.learning_rate",
            "> 0",
        ),
        ("lag = 4", "lag = 0", "task.lag", "1..=1000"),
        ("window = 100", "window = 0", "success.window", ">= 1"),
        (
            "error_bound = 0.3",
            "error_bound = 1.5",
            "success.error_bound",
            "[0, 1]",
        ),
        ("runs = 8", "runs = 0", "run.runs", ">= 1"),
        (
            "quick = 200",
            "quick = 2000000",
            "budget.default",
            ">= 2000000",
        ),
    ];
    for (from, to, key, range) in cases {
        let text = conventional_config("standard_task_conventional_m4.toml").replace(from, to);
        assert_ne!(
            text,
            conventional_config("standard_task_conventional_m4.toml"),
            "{from}"
        );
        let (message, code) = error_text(load_text(&dir, "bad", &text));
        assert!(message.contains(key), "{to}: {message}");
        assert!(message.contains(range), "{to}: {message}");
        assert_eq!(code, 2, "{to}");
    }
}

#[test]
fn missing_and_unknown_kind_are_rejected() {
    let dir = scratch("kind");
    let (message, _) = error_text(load_text(&dir, "a", "[run]\nruns = 1\nseed = 1\n"));
    assert!(message.contains("missing key `kind`"), "{message}");
    let (message, _) = error_text(load_text(&dir, "b", "kind = \"nonsense\"\n"));
    assert!(message.contains("unknown kind \"nonsense\""), "{message}");
}

#[test]
fn shard_parsing_validates_range() {
    assert_eq!(
        "2/8".parse::<Shard>().unwrap(),
        Shard { index: 2, count: 8 }
    );
    for bad in ["0/2", "3/2", "1/0", "1", "a/b", ""] {
        let error = bad.parse::<Shard>().expect_err(bad);
        assert!(error.to_string().contains("--shard"), "{bad}: {error}");
        assert_eq!(error.exit_code(), 2);
    }
}

#[test]
fn seed_derivation_is_stable() {
    // SplitMix64 seeded with 0 outputs 0xE220A8397B1DCDAF first (Vigna's reference code).
    assert_eq!(runner::derive_seed(0, 0), 0xE220_A839_7B1D_CDAF);
    assert_ne!(runner::derive_seed(1991, 0), runner::derive_seed(1991, 1));
}

// ---------------------------------------------------------------- a scripted experiment

/// An experiment whose runs are scripted: `rows` curve rows each, run `diverge` diverging.
struct Scripted {
    rows: usize,
    diverge: Option<u32>,
}

impl Experiment for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }
    fn default_runs(&self) -> u32 {
        5
    }
    fn default_seed(&self) -> u64 {
        7
    }
    fn paper_result(&self) -> String {
        "none".into()
    }
    fn resolved_config(&self) -> String {
        format!("kind = \"scripted\"\nrows = {}\n", self.rows)
    }
    fn curve_columns(&self) -> Vec<String> {
        vec!["sequences".into(), "error".into()]
    }
    fn summary_columns(&self) -> Vec<String> {
        vec!["solved".into(), "sequences_to_solve".into(), "note".into()]
    }
    fn sequence_budget(&self, _budget: Budget) -> u64 {
        10
    }
    fn run(
        &self,
        run: u32,
        seed: u64,
        _budget: Budget,
        progress: &dyn Progress,
    ) -> Result<RunReport, RunError> {
        let curve: Vec<Vec<Cell>> = (0..self.rows)
            .map(|i| {
                vec![
                    Cell::Int(i as u64),
                    Cell::Float((seed % 1000) as f64 / 7.0 + i as f64),
                ]
            })
            .collect();
        progress.advance(run, 5);
        if self.diverge == Some(run) {
            return Err(RunError::Diverged {
                net: "scripted net".into(),
                step: 3,
                detail: "loss is NaN".into(),
                partial: curve,
            });
        }
        let solved = run.is_multiple_of(2);
        Ok(RunReport {
            curve,
            summary: vec![
                Cell::Bool(solved),
                if solved {
                    Cell::Int(100 + u64::from(run))
                } else {
                    Cell::Empty
                },
                Cell::Text("a, \"quoted\" note".into()),
            ],
            model: None,
        })
    }
}

#[test]
fn run_without_rows_writes_headers() {
    let data = scratch("no-rows");
    let experiment = Scripted {
        rows: 0,
        diverge: None,
    };
    runner::run_experiment(&experiment, &options(&data, 1), &NoProgress).unwrap();
    let curves = read(&data.join("scripted").join(CURVES_FILE));
    assert_eq!(curves, b"run,seed,sequences,error\n");
    let table = read_table(&data.join("scripted").join(CURVES_FILE)).unwrap();
    assert!(table.is_empty());
}

#[test]
fn csv_round_trip_keeps_values() {
    let data = scratch("round-trip");
    let experiment = Scripted {
        rows: 3,
        diverge: None,
    };
    runner::run_experiment(&experiment, &options(&data, 2), &NoProgress).unwrap();
    let dir = data.join("scripted");
    let curves = read_table(&dir.join(CURVES_FILE)).unwrap();
    assert_eq!(curves.len(), 15);
    let seeds = curves.integers("seed").unwrap();
    let errors = curves.floats("error").unwrap();
    for (seed, error) in seeds.iter().zip(&errors).step_by(3) {
        assert_eq!(
            *error,
            (seed % 1000) as f64 / 7.0,
            "floats must parse back exactly"
        );
    }
    let summary = read_table(&dir.join(SUMMARY_FILE)).unwrap();
    assert_eq!(summary.integers("run").unwrap(), vec![0, 1, 2, 3, 4]);
    assert_eq!(
        summary.optional_integers("sequences_to_solve").unwrap(),
        vec![Some(100), None, Some(102), None, Some(104)]
    );
    assert_eq!(summary.texts("note").unwrap()[0], "a, \"quoted\" note");
    assert_eq!(summary.texts("status").unwrap(), vec!["finished"; 5]);
}

#[test]
fn diverged_run_is_recorded_and_others_continue() {
    let data = scratch("diverged");
    let experiment = Scripted {
        rows: 2,
        diverge: Some(1),
    };
    let (_, outcome) =
        runner::run_experiment(&experiment, &options(&data, 2), &NoProgress).unwrap();
    assert_eq!(outcome.finished, vec![0, 2, 3, 4]);
    assert_eq!(outcome.diverged.len(), 1);
    let dir = data.join("scripted");
    let summary = read_table(&dir.join(SUMMARY_FILE)).unwrap();
    let status = summary.texts("status").unwrap();
    assert_eq!(status[1], "diverged");
    assert!(summary.texts("detail").unwrap()[1].contains("loss is NaN"));
    assert!(!summary.bools("solved").unwrap()[1]);
    let curves = read_table(&dir.join(CURVES_FILE)).unwrap();
    let partial_rows = curves
        .integers("run")
        .unwrap()
        .iter()
        .filter(|&&r| r == 1)
        .count();
    assert_eq!(partial_rows, 2, "a diverged run keeps its partial curve");
}

#[test]
fn rerun_resumes_to_same_bytes() {
    let data = scratch("resume");
    let experiment = Scripted {
        rows: 4,
        diverge: None,
    };
    runner::run_experiment(&experiment, &options(&data, 2), &NoProgress).unwrap();
    let dir = data.join("scripted");
    let curves = read(&dir.join(CURVES_FILE));
    let summary = read(&dir.join(SUMMARY_FILE));

    // An interrupted run: the merged files never written, two runs not recorded, and
    // a run whose curve file was written but whose summary was not.
    fs::remove_file(dir.join(CURVES_FILE)).unwrap();
    fs::remove_file(dir.join(SUMMARY_FILE)).unwrap();
    fs::remove_file(records::summary_path(&dir, 1)).unwrap();
    fs::remove_file(records::summary_path(&dir, 3)).unwrap();
    fs::remove_file(records::curve_path(&dir, 3)).unwrap();

    let (plan, _) = runner::run_experiment(&experiment, &options(&data, 1), &NoProgress).unwrap();
    assert_eq!(plan.todo, vec![1, 3]);
    assert_eq!(plan.skipped, vec![0, 2, 4]);
    assert_eq!(read(&dir.join(CURVES_FILE)), curves);
    assert_eq!(read(&dir.join(SUMMARY_FILE)), summary);
}

#[test]
fn changed_setting_is_not_mixed_in() {
    let data = scratch("mixed");
    runner::run_experiment(
        &Scripted {
            rows: 1,
            diverge: None,
        },
        &options(&data, 1),
        &NoProgress,
    )
    .unwrap();
    let error = runner::run_experiment(
        &Scripted {
            rows: 2,
            diverge: None,
        },
        &options(&data, 1),
        &NoProgress,
    )
    .expect_err("a different config must not join the recorded runs");
    assert!(matches!(error, Error::InvalidValue { .. }), "{error}");
    assert!(error.to_string().contains("config"), "{error}");

    let mut fresh = options(&data, 1);
    fresh.fresh = true;
    runner::run_experiment(
        &Scripted {
            rows: 2,
            diverge: None,
        },
        &fresh,
        &NoProgress,
    )
    .expect("--fresh starts over");
}

#[test]
fn shards_merge_to_the_unsharded_bytes() {
    let whole = scratch("shards-whole");
    let experiment = Scripted {
        rows: 2,
        diverge: None,
    };
    runner::run_experiment(&experiment, &options(&whole, 1), &NoProgress).unwrap();

    let parts = scratch("shards-parts");
    for index in [2, 1] {
        let mut sharded = options(&parts, 1);
        sharded.shard = Shard { index, count: 2 };
        let (plan, _) = runner::run_experiment(&experiment, &sharded, &NoProgress).unwrap();
        let expected: Vec<u32> = (0..5).filter(|r| r % 2 == index - 1).collect();
        assert_eq!(plan.todo, expected);
    }
    for file in [CURVES_FILE, SUMMARY_FILE] {
        assert_eq!(
            read(&parts.join("scripted").join(file)),
            read(&whole.join("scripted").join(file)),
            "{file}"
        );
    }
}

#[test]
fn sidecar_records_setting() {
    let data = scratch("sidecar");
    runner::run_experiment(
        &Scripted {
            rows: 1,
            diverge: None,
        },
        &options(&data, 1),
        &NoProgress,
    )
    .unwrap();
    let text = String::from_utf8(read(&data.join("scripted").join(SIDECAR_FILE))).unwrap();
    for expected in [
        "base_seed = 7",
        "runs = 5",
        "budget = \"quick\"",
        "shard = \"1/1\"",
        "program = \"chunker ",
        "kind = \"scripted\"",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

// ---------------------------------------------------------------- the conventional net

#[test]
fn threads_give_identical_bytes() {
    let one = scratch("threads-1");
    let two = scratch("threads-2");
    let dir = scratch("threads-config");
    let text = conventional_config("standard_task_conventional_m4.toml");
    let experiment = load_text(&dir, "m4", &text).unwrap();
    runner::run_experiment(experiment.as_ref(), &options(&one, 1), &NoProgress).unwrap();
    runner::run_experiment(experiment.as_ref(), &options(&two, 2), &NoProgress).unwrap();
    for file in [CURVES_FILE, SUMMARY_FILE] {
        let bytes = read(&one.join("m4").join(file));
        assert!(bytes.len() > 100, "{file} is nearly empty");
        assert_eq!(bytes, read(&two.join("m4").join(file)), "{file}");
    }
}

#[test]
fn conventional_net_learns_short_lag() {
    // With lag 1 the target is the first symbol of the same two-step sequence; RTRL
    // solves this quickly, so a run that fails points to a broken training loop.
    let dir = scratch("short-lag");
    let text = conventional_config("standard_task_conventional_m4.toml")
        .replace("lag = 4", "lag = 1")
        .replace("quick = 200", "quick = 20000")
        .replace(
            "algorithms = [\"rtrl\", \"truncated_bptt\"]",
            "algorithms = [\"rtrl\"]",
        );
    let experiment = load_text(&dir, "lag1", &text).unwrap();
    let mut opts = options(&dir, 2);
    opts.runs = Some(2);
    let (_, outcome) = runner::run_experiment(experiment.as_ref(), &opts, &NoProgress).unwrap();
    assert!(outcome.diverged.is_empty());
    let summary = read_table(&dir.join("lag1").join(SUMMARY_FILE)).unwrap();
    assert_eq!(summary.bools("solved").unwrap(), vec![true, true]);
}

#[test]
fn conventional_curve_has_units_and_rows() {
    let data = scratch("conventional-curve");
    let experiment = load_text(
        &data,
        "m20",
        &conventional_config("standard_task_conventional_m20.toml"),
    )
    .unwrap();
    let mut opts = options(&data, 2);
    opts.runs = Some(2);
    runner::run_experiment(experiment.as_ref(), &opts, &NoProgress).unwrap();
    let curves = read_table(&data.join("m20").join(CURVES_FILE)).unwrap();
    curves
        .expect_header(&[
            "run",
            "seed",
            "algorithm",
            "sequences",
            "target_error_mean_abs",
            "target_error_max_abs",
            "output_error_max_abs",
            "within_bound_fraction",
        ])
        .unwrap();
    assert_eq!(
        curves.texts("algorithm").unwrap(),
        vec!["rtrl", "truncated_bptt"]
    );
    for error in curves.floats("target_error_mean_abs").unwrap() {
        assert!((0.0..=1.0).contains(&error), "{error}");
    }
}

// ---------------------------------------------------------------- results table

#[test]
fn results_table_fills_markers() {
    let data = scratch("table");
    runner::run_experiment(
        &Scripted {
            rows: 1,
            diverge: Some(3),
        },
        &options(&data, 1),
        &NoProgress,
    )
    .unwrap();
    let rows = table::collect_rows(&data).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].runs, rows[0].solved, rows[0].diverged), (5, 3, 1));
    let markdown = table::markdown(&rows);
    assert!(
        markdown.contains("| scripted | none | 3 of 5, 1 diverged | 102 [100, 104] |"),
        "{markdown}"
    );

    let notes = data.join("NOTES.md");
    fs::write(
        &notes,
        "# Notes\n\nbefore\n<!-- results:begin -->\nold\n<!-- results:end -->\nafter\n",
    )
    .unwrap();
    table::update_notes(&notes, "chunker reproduce", &markdown).unwrap();
    let text = fs::read_to_string(&notes).unwrap();
    assert!(text.starts_with("# Notes\n\nbefore\n<!-- results:begin -->\n"));
    assert!(text.ends_with("<!-- results:end -->\nafter\n"));
    assert!(!text.contains("old"));
    assert!(text.contains("3 of 5"));

    let missing = data.join("MISSING.md");
    table::update_notes(&missing, "chunker reproduce", &markdown).unwrap();
    let created = fs::read_to_string(&missing).unwrap();
    assert!(created.contains(table::BEGIN_MARKER));
    assert!(created.contains(table::END_MARKER));
}

#[test]
fn notes_with_one_marker_are_rejected() {
    let data = scratch("one-marker");
    let notes = data.join("NOTES.md");
    fs::write(&notes, "<!-- results:end -->\n<!-- results:begin -->\n").unwrap();
    let error = table::update_notes(&notes, "chunker reproduce", "x").unwrap_err();
    assert!(matches!(error, Error::Malformed { .. }), "{error}");
}
