//! The figure of the conventional-net experiment on the standard task: the target unit's
//! error against training sequences, one line per run (Schmidhuber 1992, Neural
//! Computation 4(2), section 5, reports no learning curve, only the outcome in prose).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::figure::{self, Figure, LegendPosition, Marker, Series};
use super::table::read_table;
use crate::error::Result;
use crate::experiment::records::{CURVES_FILE, SIDECAR_FILE, SUMMARY_FILE};
use crate::experiment::sidecar;

/// Draws `out/NAME_target_error.{png,svg}` from the records in `dir` and returns its stem.
///
/// # Errors
/// [`crate::Error::Malformed`] when a record file lacks a column or has a bad cell;
/// [`crate::Error::Io`] when a file cannot be read or written.
pub fn draw(dir: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let curves = read_table(&dir.join(CURVES_FILE))?;
    let summary = read_table(&dir.join(SUMMARY_FILE))?;
    let side = sidecar::read_table(&dir.join(SIDECAR_FILE))?;

    let runs = curves.integers("run")?;
    let algorithms = curves.texts("algorithm")?;
    let sequences = curves.floats("sequences")?;
    let errors = curves.floats("target_error_mean_abs")?;
    let mut by_run: BTreeMap<u64, Series> = BTreeMap::new();
    for (index, &run) in runs.iter().enumerate() {
        by_run
            .entry(run)
            .or_insert_with(|| {
                Series::line(format!("run {run} ({})", algorithms[index]), Vec::new())
            })
            .points
            .push((sequences[index], errors[index]));
    }

    let solved = summary.bools("solved")?;
    let solved_count = solved.iter().filter(|&&s| s).count();
    let text = |key: &str| {
        side.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let per_run = side
        .get("sequences_per_run")
        .and_then(toml::Value::as_integer)
        .unwrap_or(0);
    let config = side.get("config");
    let lag = config
        .and_then(|c| c.get("task"))
        .and_then(|t| t.get("lag"))
        .and_then(toml::Value::as_integer)
        .unwrap_or(0);
    let record_every = config
        .and_then(|c| c.get("training"))
        .and_then(|t| t.get("record_every"))
        .and_then(toml::Value::as_integer)
        .unwrap_or(0);
    let architecture = match config
        .and_then(|c| c.get("net"))
        .and_then(|n| n.get("output_feedback"))
        .and_then(toml::Value::as_bool)
    {
        Some(true) => "fully recurrent",
        Some(false) => "layered",
        None => "recurrent",
    };
    let bound = config
        .and_then(|c| c.get("success"))
        .and_then(|s| s.get("error_bound"))
        .and_then(toml::Value::as_float);

    let chart = Figure {
        title: format!("Conventional {architecture} net, standard task, lag m = {lag}"),
        caption: format!(
            "Mean absolute error of the target unit at the step where the target is given, over \
             each block of {record_every} training sequences, during online training; one line \
             per run. {solved_count} of {} runs solved within {per_run} sequences per run \
             ({} budget). Paper: {}.",
            solved.len(),
            text("budget"),
            text("paper_result")
        ),
        x_label: "training sequences".into(),
        y_label: "target-unit error (mean |output - target|)".into(),
        x_log: false,
        y_log: false,
        series: by_run.into_values().collect(),
        markers: bound
            .map(|y| Marker::Horizontal {
                label: format!("success bound {y}"),
                y,
            })
            .into_iter()
            .collect(),
        x_range: None,
        // A mean absolute error of a logistic unit against 0/1 targets lies in [0, 1].
        y_range: Some((0.0, 1.0)),
        legend: LegendPosition::LowerLeft,
    };
    let stem = out.join(format!("{name}_target_error"));
    figure::draw(&chart, &stem)?;
    Ok(vec![stem])
}
