//! The generic plot layer on hard data (empty, constant, NaN, log axes) and the CSV reader
//! on malformed files: always a figure or a clear error, never a panic.

use std::fs;
use std::path::{Path, PathBuf};

use chunker::Error;
use chunker::plot::{Figure, Marker, Series, SeriesKind, draw, ecdf, read_table};

mod common;
use common::cli::scratch;

fn figure(series: Vec<Series>) -> Figure {
    Figure {
        title: "test figure".into(),
        caption: "A caption long enough to wrap onto a second line when the figure is drawn, \
                  naming the paper result it reproduces (NC92 section 5)."
            .into(),
        x_label: "training sequences".into(),
        y_label: "error".into(),
        series,
        ..Figure::default()
    }
}

/// Draws and checks that both files exist, the PNG is a PNG, and returns the SVG text.
fn draw_and_check(figure: &Figure, dir: &Path, name: &str) -> String {
    let stem = dir.join(name);
    draw(figure, &stem).unwrap_or_else(|e| panic!("{name}: {e}"));
    let png = fs::read(dir.join(format!("{name}.png"))).expect("the PNG was written");
    assert_eq!(&png[1..4], b"PNG", "{name}");
    let svg = fs::read_to_string(dir.join(format!("{name}.svg"))).expect("the SVG was written");
    assert!(svg.contains("<svg"), "{name}");
    let leftovers: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{name}: temporary files left: {leftovers:?}"
    );
    svg
}

#[test]
fn plot_empty_figure() {
    let dir = scratch("empty");
    let svg = draw_and_check(&figure(Vec::new()), &dir, "no_series");
    assert!(
        svg.contains("no data to draw"),
        "the note explains the empty chart"
    );
    let svg = draw_and_check(
        &figure(vec![Series::line("empty", Vec::new())]),
        &dir,
        "empty_series",
    );
    assert!(svg.contains("no data to draw"));
}

#[test]
fn plot_constant_series() {
    let dir = scratch("constant");
    let constant = Series::line("constant", vec![(0.0, 0.5), (1.0, 0.5), (2.0, 0.5)]);
    let single = Series::line("one point", vec![(3.0, 0.5)]);
    let svg = draw_and_check(&figure(vec![constant, single]), &dir, "constant");
    assert!(!svg.contains("Note:"), "nothing was skipped");
    let zeros = Series::line("zeros", vec![(0.0, 0.0), (0.0, 0.0)]);
    draw_and_check(&figure(vec![zeros]), &dir, "zeros");
}

#[test]
fn plot_nan_and_infinite_values() {
    let dir = scratch("nan");
    let mixed = Series::line(
        "mixed",
        vec![
            (0.0, 1.0),
            (1.0, f64::NAN),
            (2.0, 0.5),
            (f64::INFINITY, 0.2),
            (4.0, 0.1),
        ],
    );
    let svg = draw_and_check(&figure(vec![mixed]), &dir, "mixed");
    assert!(
        svg.contains("2 of 5 points"),
        "the note counts the skipped points"
    );
    let all_nan = Series::line("nan", vec![(f64::NAN, f64::NAN); 3]);
    let svg = draw_and_check(&figure(vec![all_nan]), &dir, "all_nan");
    assert!(svg.contains("no data to draw"));
}

#[test]
fn plot_log_axes_and_markers() {
    let dir = scratch("log");
    let mut chart = figure(vec![
        Series::line("with zero", vec![(0.0, 0.0), (10.0, 0.1), (1000.0, 0.01)]),
        Series {
            label: "ecdf".into(),
            points: ecdf(&[100.0, 300.0, f64::NAN, 300.0]),
            kind: SeriesKind::Steps,
        },
        Series {
            label: "points".into(),
            points: vec![(50.0, 0.5)],
            kind: SeriesKind::Points,
        },
    ]);
    chart.x_log = true;
    chart.y_log = true;
    chart.markers = vec![
        Marker::Horizontal {
            label: "bound 0.3".into(),
            y: 0.3,
        },
        Marker::Vertical {
            label: "paper: 5,000".into(),
            x: 5000.0,
        },
        Marker::Point {
            label: "paper point".into(),
            x: 35000.0,
            y: 0.2,
        },
        Marker::Horizontal {
            label: "NaN marker".into(),
            y: f64::NAN,
        },
    ];
    let svg = draw_and_check(&chart, &dir, "log");
    assert!(svg.contains("paper: 5,000"), "markers appear in the legend");
    assert!(
        svg.contains("1 of 6 points"),
        "the point at 0 cannot be drawn on a log axis"
    );
}

#[test]
fn draw_creates_missing_folder() {
    let dir = scratch("folder").join("nested").join("figures");
    let chart = figure(vec![Series::line("a", vec![(0.0, 1.0), (1.0, 2.0)])]);
    draw_and_check(&chart, &dir, "stem.with.dots");
}

// ---------------------------------------------------------------- the CSV reader

fn write_csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("the temporary folder is writable");
    path
}

fn malformed_message(result: chunker::Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(error @ Error::Malformed { .. }) => error.to_string(),
        other => panic!("expected Error::Malformed, got {other:?}"),
    }
}

#[test]
fn table_reads_typed_columns() {
    let dir = scratch("table-ok");
    let path = write_csv(
        &dir,
        "ok.csv",
        "run,solved,steps,error\n0,true,,0.5\n1,false,7,NaN\n",
    );
    let table = read_table(&path).unwrap();
    assert_eq!(table.integers("run").unwrap(), vec![0, 1]);
    assert_eq!(table.bools("solved").unwrap(), vec![true, false]);
    assert_eq!(
        table.optional_integers("steps").unwrap(),
        vec![None, Some(7)]
    );
    let errors = table.floats("error").unwrap();
    assert_eq!(errors[0], 0.5);
    assert!(errors[1].is_nan());
}

#[test]
fn table_rejects_truncated_row() {
    let dir = scratch("table-truncated");
    let path = write_csv(&dir, "t.csv", "run,error\n0,0.5\n1\n");
    let message = malformed_message(read_table(&path));
    assert!(message.contains("row 2"), "{message}");
}

#[test]
fn table_rejects_missing_column() {
    let dir = scratch("table-missing");
    let path = write_csv(&dir, "t.csv", "run,error\n0,0.5\n");
    let table = read_table(&path).unwrap();
    let message = malformed_message(table.floats("sequences"));
    assert!(message.contains("missing column `sequences`"), "{message}");
}

#[test]
fn table_rejects_wrong_type() {
    let dir = scratch("table-type");
    let path = write_csv(&dir, "t.csv", "run,error,solved\n0,0.5,true\n1,high,yes\n");
    let table = read_table(&path).unwrap();
    let message = malformed_message(table.floats("error"));
    assert!(message.contains("row 2, column `error`"), "{message}");
    let message = malformed_message(table.integers("error"));
    assert!(message.contains("row 1"), "{message}");
    let message = malformed_message(table.bools("solved"));
    assert!(message.contains("\"yes\""), "{message}");
}

#[test]
fn table_rejects_wrong_header() {
    let dir = scratch("table-header");
    let path = write_csv(&dir, "t.csv", "run,eror\n0,0.5\n");
    let table = read_table(&path).unwrap();
    let message = malformed_message(table.expect_header(&["run", "error"]));
    assert!(message.contains("eror"), "{message}");
    let empty = write_csv(&dir, "empty.csv", "");
    let message = malformed_message(read_table(&empty));
    assert!(message.contains("no header"), "{message}");
}

// ---------------------------------------------------------------- fixes from a new-user test

#[test]
fn legend_sample_matches_kind() {
    let dir = scratch("legend-kind");
    let dots = |label: &str| Series {
        label: label.into(),
        points: vec![(1.0, 1.0), (2.0, 2.0)],
        kind: SeriesKind::Points,
    };
    // The same chart without a label has no legend, so the difference is the legend sample.
    let unlabelled = draw_and_check(&figure(vec![dots("")]), &dir, "unlabelled");
    let labelled = draw_and_check(&figure(vec![dots("dots")]), &dir, "labelled");
    assert_eq!(
        labelled.matches("<circle").count(),
        unlabelled.matches("<circle").count() + 1,
        "the legend sample of a dot series is a dot"
    );
    assert_eq!(
        labelled.matches("<polyline").count(),
        unlabelled.matches("<polyline").count(),
        "the legend sample of a dot series is not a line"
    );
}

#[test]
fn log_axis_labels_two_ticks() {
    let dir = scratch("log-ticks");
    let mut chart = figure(vec![Series::line("one point", vec![(5.0, 300.0)])]);
    chart.y_log = true;
    let svg = draw_and_check(&chart, &dir, "log_ticks");
    // The SVG backend writes each label on its own line inside <text>.
    assert!(svg.contains("\n100\n"), "the y axis is labelled at 100");
    assert!(svg.contains("\n1000\n"), "the y axis is labelled at 1000");
}

#[test]
fn skipped_points_note_names_series() {
    let dir = scratch("note-series");
    let mut chart = figure(vec![Series::line(
        "level 3",
        vec![(0.0, 0.0), (1.0, 10.0), (f64::NAN, f64::NAN), (2.0, 20.0)],
    )]);
    chart.y_log = true;
    let svg = draw_and_check(&chart, &dir, "note");
    assert!(svg.contains("1 of 3 points"), "a NaN break is not counted");
    assert!(svg.contains("level 3"), "the note names the series");
    assert!(
        svg.contains("log axis cannot show"),
        "the note gives the reason"
    );
}

#[test]
fn upper_bound_marker_is_labelled() {
    let dir = scratch("upper-bound");
    let mut chart = figure(vec![Series::line("a", vec![(1.0, 100.0), (2.0, 200.0)])]);
    chart.markers = vec![Marker::UpperBound {
        label: "paper: < 600".into(),
        x: 1.5,
        y: 600.0,
    }];
    let svg = draw_and_check(&chart, &dir, "bound");
    assert!(
        svg.contains("&lt; 600"),
        "the bound is written beside its marker"
    );
}

#[test]
fn plot_empty_folder_fails() {
    let dir = scratch("cli-empty");
    fs::write(dir.join("config.toml"), "kind = \"hierarchy\"\n").unwrap();
    let out = dir.join("figures");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(["plot", "--data"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("the chunker binary runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no experiment records found"),
        "stderr: {stderr}"
    );
    assert!(!out.exists(), "no figure folder is written");
}

#[test]
fn plot_draws_lag_figure_once() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(["plot", "--data"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data"))
        .arg("--out")
        .arg(scratch("cli-once"))
        .output()
        .expect("the chunker binary runs");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("hierarchy_sequences_vs_lag").count(), 1);
}

#[test]
fn target_error_caption_reads_block_size() {
    let dir = scratch("cli-block");
    let data = dir.join("data");
    let config = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("experiments")
        .join("standard_task_conventional_m4.toml");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_chunker"))
        .arg("run")
        .arg(&config)
        .args(["--quick", "--runs", "1", "--jobs", "1", "--out"])
        .arg(&data)
        .output()
        .expect("the chunker binary runs");
    assert!(run.status.success(), "{run:?}");
    let experiment = data.join("standard_task_conventional_m4");
    let curves = read_table(&experiment.join("curves.csv")).unwrap();
    let first_block = curves.floats("sequences").unwrap()[0] as u64;

    let figures = dir.join("figures");
    let plot = std::process::Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(["plot", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&figures)
        .output()
        .expect("the chunker binary runs");
    assert!(plot.status.success(), "{plot:?}");
    let svg = fs::read_to_string(figures.join("standard_task_conventional_m4_target_error.svg"))
        .expect("the target-error figure was written");
    let phrase = format!("each block of {first_block} training");
    assert!(svg.contains(&phrase), "the caption reads {phrase:?}");
}
