//! The figures of the two-net chunker/automatizer experiments (Schmidhuber 1992, Neural
//! Computation 4(2), section 5; Hochreiter and Schmidhuber 1997, experiment 2a), drawn from
//! the records alone. The paper reports no curves, only counts of solved runs, so the
//! curves here are evidence of how the collapse proceeds, not reproductions of a figure.
//!
//! Per experiment: C's ticks per sequence, the mean errors of A and C over training, and
//! the frozen A at the end of each run. Beside the best reading of the 20-step experiment,
//! also the distribution of sequences to solve against the literal reading and the
//! conventional net, and the comparison of the ablations, when their folders exist.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ecdf::ecdf;
use super::figure::{self, Figure, LegendPosition, Marker, Series, SeriesKind};
use super::table::{Table, read_table};
use crate::error::Result;
use crate::experiment::records::{CURVES_FILE, SIDECAR_FILE, SUMMARY_FILE};
use crate::experiment::sidecar;

/// The folder of the reading closest to the paper; the comparison figures are drawn with it.
pub const BEST: &str = "chunker_20step_best";
/// The folder of the literal reading.
pub const LITERAL: &str = "chunker_20step";
/// The folder of the conventional net on the 20-step task.
pub const CONVENTIONAL: &str = "standard_task_conventional_m20";
/// The ablation folders compared with the best reading: folder and legend label.
pub const ABLATIONS: [(&str, &str); 4] = [
    (BEST, "best reading (squared-error term 3)"),
    ("chunker_20step_no_term3", "without term (3)"),
    ("chunker_20step_soft_targets", "soft targets, T = 4"),
    (
        "chunker_20step_forgetting",
        "A's terms (1), (2) off from 1,000",
    ),
];

/// Draws every figure of the `collapse` experiment recorded in `dir` into `out`.
///
/// # Errors
/// [`crate::Error::Malformed`] when a record lacks a column or has a bad cell;
/// [`crate::Error::Io`] when a file cannot be read or written.
pub fn draw(dir: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let name = folder_name(dir);
    let curves = read_table(&dir.join(CURVES_FILE))?;
    let summary = read_table(&dir.join(SUMMARY_FILE))?;
    let side = sidecar::read_table(&dir.join(SIDECAR_FILE))?;
    let paper = side
        .get("paper_result")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    // The success bound of the config: 0.3 in the 20-step experiment, 0.25 in LSTM97.
    let bound = side
        .get("config")
        .and_then(|c| c.get("success"))
        .and_then(|s| s.get("bound"))
        .and_then(toml::Value::as_float)
        .unwrap_or(0.3);

    let mut stems = vec![
        draw_ticks(&name, &curves, &summary, &paper, out)?,
        draw_errors(&name, &curves, bound, out)?,
        draw_frozen(&name, &summary, &paper, bound, out)?,
    ];
    if name == BEST {
        let root = dir.parent().unwrap_or(Path::new("."));
        stems.push(draw_ecdf(root, out)?);
        stems.push(draw_ablations(root, out)?);
    }
    Ok(stems)
}

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Averages `column` over runs at each curve point, as (sequences, mean) pairs.
fn mean_curve(curves: &Table, column: &str) -> Result<Vec<(f64, f64)>> {
    let sequences = curves.floats("sequences")?;
    let values = curves.floats(column)?;
    let mut sums: BTreeMap<u64, (f64, u32)> = BTreeMap::new();
    for (&x, &y) in sequences.iter().zip(&values) {
        if y.is_finite() {
            let entry = sums.entry(x as u64).or_insert((0.0, 0));
            entry.0 += y;
            entry.1 += 1;
        }
    }
    Ok(sums
        .into_iter()
        .map(|(x, (sum, n))| (x as f64, sum / f64::from(n)))
        .collect())
}

/// Splits `column` into one unlabelled series per run, for thin background lines.
fn run_curves(curves: &Table, column: &str) -> Result<Vec<Series>> {
    let runs = curves.integers("run")?;
    let sequences = curves.floats("sequences")?;
    let values = curves.floats(column)?;
    let mut by_run: BTreeMap<u64, Vec<(f64, f64)>> = BTreeMap::new();
    for ((&run, &x), &y) in runs.iter().zip(&sequences).zip(&values) {
        by_run.entry(run).or_default().push((x, y));
    }
    Ok(by_run
        .into_values()
        .map(|points| Series::line("", points))
        .collect())
}

fn draw_ticks(
    name: &str,
    curves: &Table,
    summary: &Table,
    paper: &str,
    out: &Path,
) -> Result<PathBuf> {
    let solved = summary.bools("solved")?.iter().filter(|&&s| s).count();
    let mut series = run_curves(curves, "chunker_ticks_per_sequence")?;
    series.push(Series::line(
        "mean over runs",
        mean_curve(curves, "chunker_ticks_per_sequence")?,
    ));
    let chart = Figure {
        title: format!("{name}: chunker ticks per sequence"),
        caption: format!(
            "How often the chunker C received an input, per training sequence of the stream, \
             one thin line per run and the mean. C ticks whenever the automatizer A fails to \
             predict an input, so the count falls as A absorbs C; one tick per sequence remains \
             at the unpredictable first symbol. A run stops when a frozen A passes, so late \
             means cover only the runs still training. {solved} of {} runs solved online. Paper: {paper}.",
            summary.len()
        ),
        x_label: "training sequences".into(),
        y_label: "chunker ticks per sequence".into(),
        series,
        y_range: Some((0.0, 6.0)),
        legend: LegendPosition::UpperRight,
        ..Figure::default()
    };
    let stem = out.join(format!("{name}_ticks"));
    figure::draw(&chart, &stem)?;
    Ok(stem)
}

fn draw_errors(name: &str, curves: &Table, bound: f64, out: &Path) -> Result<PathBuf> {
    let series = vec![
        Series::line(
            "A: next-symbol error (largest |error|)",
            mean_curve(curves, "symbol_error_max_abs")?,
        ),
        Series::line(
            "A: target-unit error",
            mean_curve(curves, "target_error_abs")?,
        ),
        Series::line(
            "C: target-unit error at its ticks",
            mean_curve(curves, "chunker_target_error_abs")?,
        ),
        Series::line(
            "A: imitation error of C's state (mean |error|)",
            mean_curve(curves, "imitation_error_mean_abs")?,
        ),
        Series::line(
            "A: imitation error of C's target unit",
            mean_curve(curves, "imitation_target_error_abs")?,
        ),
    ];
    let chart = Figure {
        title: format!("{name}: errors of the automatizer and the chunker"),
        caption: "Means over the runs still training and over each block of training \
                  sequences (a run stops when a frozen A passes). When C predicts \
                  the target but A's target-unit error stays near 0.5, the knowledge did not \
                  move from C into A; when A's target error falls below C's, A has absorbed it."
            .into(),
        x_label: "training sequences".into(),
        y_label: "absolute error".into(),
        series,
        markers: vec![Marker::Horizontal {
            label: format!("success bound {bound}"),
            y: bound,
        }],
        y_range: Some((0.0, 1.0)),
        legend: LegendPosition::UpperRight,
        ..Figure::default()
    };
    let stem = out.join(format!("{name}_errors"));
    figure::draw(&chart, &stem)?;
    Ok(stem)
}

fn draw_frozen(
    name: &str,
    summary: &Table,
    paper: &str,
    bound: f64,
    out: &Path,
) -> Result<PathBuf> {
    let runs = summary.integers("run")?;
    let target = summary.floats("final_frozen_target_error_max_abs")?;
    let fraction = summary.floats("final_frozen_passed_fraction")?;
    let frozen = summary
        .bools("frozen_confirmed")?
        .iter()
        .filter(|&&s| s)
        .count();
    let points = |values: &[f64]| -> Vec<(f64, f64)> {
        runs.iter()
            .zip(values)
            .map(|(&r, &v)| (r as f64, v))
            .collect()
    };
    let chart = Figure {
        title: format!("{name}: the automatizer alone at the end of each run"),
        caption: format!(
            "A frozen copy of A (no learning, no chunker) on 1,000 fresh sequences at the end \
             of each run: its largest target-unit error and the fraction of sequences it gets \
             right. {frozen} of {} runs were confirmed by a frozen A during training. \
             Paper: {paper}.",
            summary.len()
        ),
        x_label: "run".into(),
        y_label: "error / fraction".into(),
        series: vec![
            Series {
                label: "largest target-unit error of frozen A".into(),
                points: points(&target),
                kind: SeriesKind::Points,
            },
            Series {
                label: "fraction of fresh sequences passed".into(),
                points: points(&fraction),
                kind: SeriesKind::Points,
            },
        ],
        markers: vec![Marker::Horizontal {
            label: format!("success bound {bound}"),
            y: bound,
        }],
        y_range: Some((0.0, 1.05)),
        legend: LegendPosition::LowerRight,
        ..Figure::default()
    };
    let stem = out.join(format!("{name}_frozen"));
    figure::draw(&chart, &stem)?;
    Ok(stem)
}

/// Sequences to solve per run as f64, NaN for a run that did not solve.
fn solve_values(summary: &Table, column: &str) -> Result<Vec<f64>> {
    Ok(summary
        .optional_integers(column)?
        .into_iter()
        .map(|v| v.map_or(f64::NAN, |s| s as f64))
        .collect())
}

/// The x axis of the distribution figure, in training sequences.
const ECDF_X_RANGE: (f64, f64) = (100.0, 1.0e6);

fn draw_ecdf(root: &Path, out: &Path) -> Result<PathBuf> {
    let mut series = Vec::new();
    let mut notes = Vec::new();
    let sources = [
        (BEST, "sequences_to_solve", "best reading, online"),
        (
            BEST,
            "sequences_to_frozen",
            "best reading, confirmed by frozen A",
        ),
        (LITERAL, "sequences_to_solve", "literal reading, online"),
        (CONVENTIONAL, "sequences_to_solve", "conventional net"),
    ];
    for (folder, column, label) in sources {
        let path = root.join(folder).join(SUMMARY_FILE);
        if !path.is_file() {
            notes.push(format!("{folder} not recorded"));
            continue;
        }
        let summary = read_table(&path)?;
        let values = solve_values(&summary, column)?;
        let solved = values.iter().filter(|v| v.is_finite()).count();
        // A reading that solved no run has no steps; a flat line at 0 keeps it visible
        // and in the legend.
        let points = if solved == 0 {
            vec![(ECDF_X_RANGE.0, 0.0), (ECDF_X_RANGE.1, 0.0)]
        } else {
            ecdf(&values)
        };
        series.push(Series {
            label: format!("{label} ({solved} of {})", values.len()),
            points,
            kind: SeriesKind::Steps,
        });
    }
    let chart = Figure {
        title: "20-step experiment: distribution of sequences to solve".into(),
        caption: format!(
            "Empirical distribution of the training sequences each run needed, unsolved runs \
             counted in the denominator, so a curve ends at the fraction of runs solved. Black \
             points: the paper's 13 of 17 runs under 5,000 sequences and 17 of 17 under \
             35,000 (Schmidhuber 1992). {}",
            notes.join("; ")
        ),
        x_label: "training sequences (log scale)".into(),
        y_label: "fraction of runs solved".into(),
        x_log: true,
        series,
        markers: vec![
            Marker::Point {
                label: "paper: 13 of 17 under 5,000".into(),
                x: 5000.0,
                y: 13.0 / 17.0,
            },
            Marker::Point {
                label: "paper: 17 of 17 under 35,000".into(),
                x: 35000.0,
                y: 1.0,
            },
        ],
        x_range: Some(ECDF_X_RANGE),
        y_range: Some((0.0, 1.05)),
        legend: LegendPosition::UpperLeft,
        ..Figure::default()
    };
    let stem = out.join("chunker_20step_ecdf");
    figure::draw(&chart, &stem)?;
    Ok(stem)
}

fn draw_ablations(root: &Path, out: &Path) -> Result<PathBuf> {
    let mut series = Vec::new();
    for (folder, label) in ABLATIONS {
        let path = root.join(folder).join(CURVES_FILE);
        if !path.is_file() {
            continue;
        }
        let curves = read_table(&path)?;
        series.push(Series::line(
            format!("{label}: A's target error"),
            mean_curve(&curves, "target_error_abs")?,
        ));
        series.push(Series::line(
            format!("{label}: A's next-symbol error"),
            mean_curve(&curves, "symbol_error_max_abs")?,
        ));
    }
    let chart = Figure {
        title: "20-step experiment: ablations of the collapse".into(),
        caption: "Means over the runs still training (a run stops when a frozen A passes) of \
                  A's target-unit error and its largest next-symbol error during online training, for the best reading and its ablations: without \
                  term (3) (does A still take over?), with soft targets at temperature 4 \
                  (Hinton, Vinyals and Dean 2015) instead of the squared error of 1991, and \
                  with A's own terms (1) and (2) switched off after 1,000 sequences (A forgets)."
            .into(),
        x_label: "training sequences".into(),
        y_label: "absolute error".into(),
        series,
        markers: vec![Marker::Horizontal {
            label: "success bound 0.3".into(),
            y: 0.3,
        }],
        y_range: Some((0.0, 1.0)),
        legend: LegendPosition::UpperRight,
        ..Figure::default()
    };
    let stem = out.join("chunker_20step_ablations");
    figure::draw(&chart, &stem)?;
    Ok(stem)
}
