//! The `run`, `plot` and `reproduce` subcommands as a user calls them: exit codes, the
//! files they write, and figures drawn on a machine without system fonts (only the bundled
//! font is ever read).

use std::fs;
use std::path::Path;

mod common;
use common::cli::{chunker, scratch, text};

fn config(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("experiments")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn run_then_plot_writes_records_and_figures() {
    let dir = scratch("run-plot");
    let data = dir.join("data");
    let figures = dir.join("figures");
    let output = chunker(&[
        "run",
        &config("standard_task_conventional_m20.toml"),
        "--quick",
        "--runs",
        "2",
        "--jobs",
        "2",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let experiment = data.join("standard_task_conventional_m20");
    for file in ["curves.csv", "summary.csv", "run.toml"] {
        assert!(experiment.join(file).is_file(), "{file} is missing");
    }

    let output = chunker(&[
        "plot",
        "--data",
        data.to_str().unwrap(),
        "--out",
        figures.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    for stem in ["target_error", "solved_fraction"] {
        for extension in ["png", "svg"] {
            let file = format!("standard_task_conventional_m20_{stem}.{extension}");
            assert!(figures.join(&file).is_file(), "{file} is missing");
        }
    }
}

#[test]
fn plot_skips_unknown_folders() {
    let dir = scratch("unknown");
    let data = dir.join("data");
    fs::create_dir_all(data.join("empty_folder")).unwrap();
    let runs = data.join("mystery").join("runs");
    fs::create_dir_all(&runs).unwrap();
    fs::write(runs.join("run-0000.curve.csv"), "run,seed,x\n0,1,2\n").unwrap();
    fs::write(
        runs.join("run-0000.summary.csv"),
        "run,seed,solved\n0,1,false\n",
    )
    .unwrap();
    fs::write(
        data.join("mystery").join("run.toml"),
        "[config]\nkind = \"mystery\"\n",
    )
    .unwrap();

    let output = chunker(&[
        "plot",
        "--data",
        data.to_str().unwrap(),
        "--out",
        dir.join("figures").to_str().unwrap(),
    ]);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("empty_folder: no recorded runs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no figure function for kind \"mystery\""),
        "{stderr}"
    );
    assert!(
        data.join("mystery").join("curves.csv").is_file(),
        "plot merges every folder"
    );
}

#[test]
fn bad_input_exits_with_code_2() {
    let dir = scratch("bad-input");
    let bad_config = dir.join("bad.toml");
    fs::write(&bad_config, "kind = \"conventional\"\n[run]\nruns = 1\n").unwrap();
    let m4 = config("standard_task_conventional_m4.toml");
    let cases: [Vec<&str>; 4] = [
        vec!["run", bad_config.to_str().unwrap()],
        vec!["run", &m4, "--shard", "3/2"],
        vec!["run", &m4, "--runs", "0"],
        vec!["run", &m4, "--quick", "--full"],
    ];
    for args in cases {
        let mut args = args;
        let out = dir.join("data");
        args.extend(["--out", out.to_str().unwrap()]);
        let output = chunker(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(!text(&output.stderr).contains("panicked"), "{args:?}");
    }
    assert!(
        !dir.join("data")
            .join("standard_task_conventional_m4")
            .join("curves.csv")
            .exists()
    );
}

#[test]
fn reproduce_quick_fills_notes() {
    let dir = scratch("reproduce");
    let notes = dir.join("NOTES.md");
    // Only this module's configs, so that the test does not grow with other experiments.
    let experiments = dir.join("experiments");
    fs::create_dir_all(&experiments).unwrap();
    for name in [
        "standard_task_conventional_m4.toml",
        "standard_task_conventional_m20.toml",
    ] {
        fs::copy(config(name), experiments.join(name)).unwrap();
    }
    let output = chunker(&[
        "reproduce",
        "--quick",
        "--jobs",
        "2",
        "--experiments",
        experiments.to_str().unwrap(),
        "--data",
        dir.join("data").to_str().unwrap(),
        "--figures",
        dir.join("figures").to_str().unwrap(),
        "--notes",
        notes.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = fs::read_to_string(&notes).unwrap();
    assert!(written.contains("<!-- results:begin -->"));
    assert!(
        written.contains("| standard_task_conventional_m20 |"),
        "{written}"
    );
    assert!(
        written.contains("| standard_task_conventional_m4 |"),
        "{written}"
    );
    assert!(written.contains("chunker reproduce --quick"), "{written}");
}
