//! The figures of the conventional-net experiment on the standard task (Schmidhuber 1992,
//! Neural Computation 4(2), section 5, which reports the outcome in prose only): the target
//! unit's error against training sequences with one line per run, and the fraction of runs
//! solved within n sequences per algorithm.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ecdf::ecdf;
use super::figure::{self, Figure, LegendPosition, Marker, Series, SeriesKind};
use super::table::{Table, read_table};
use crate::error::Result;
use crate::experiment::records::{CURVES_FILE, SIDECAR_FILE, SUMMARY_FILE};
use crate::experiment::sidecar;
use crate::experiment::table::group_digits;

/// The record files of one experiment folder.
struct Records {
    name: String,
    curves: Table,
    summary: Table,
    sidecar: toml::Table,
}

impl Records {
    fn read(dir: &Path) -> Result<Self> {
        Ok(Self {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            curves: read_table(&dir.join(CURVES_FILE))?,
            summary: read_table(&dir.join(SUMMARY_FILE))?,
            sidecar: sidecar::read_table(&dir.join(SIDECAR_FILE))?,
        })
    }

    /// Looks up a nested key of the sidecar, e.g. `["config", "task", "lag"]`.
    fn lookup(&self, path: &[&str]) -> Option<&toml::Value> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(self.sidecar.get(*first)?, |value, key| value.get(*key))
    }

    fn text(&self, path: &[&str]) -> String {
        self.lookup(path)
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .to_string()
    }

    fn integer(&self, path: &[&str]) -> u64 {
        self.lookup(path)
            .and_then(toml::Value::as_integer)
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0)
    }

    fn architecture(&self) -> &'static str {
        match self
            .lookup(&["config", "net", "output_feedback"])
            .and_then(toml::Value::as_bool)
        {
            Some(true) => "fully recurrent",
            Some(false) => "layered",
            None => "recurrent",
        }
    }

    fn title(&self, what: &str) -> String {
        format!(
            "{what}: conventional {} net, standard task, lag m = {}",
            self.architecture(),
            self.integer(&["config", "task", "lag"])
        )
    }

    /// The caption's closing sentences: the outcome, the budget and the paper's result.
    fn outcome(&self) -> Result<String> {
        let solved = self.summary.bools("solved")?;
        Ok(format!(
            "{} of {} runs solved within {} sequences per run ({} budget). Paper: {}.",
            solved.iter().filter(|&&s| s).count(),
            solved.len(),
            group_digits(self.integer(&["sequences_per_run"])),
            self.text(&["budget"]),
            self.text(&["paper_result"])
        ))
    }
}

/// Draws `out/NAME_target_error` and `out/NAME_solved_fraction` (PNG and SVG each) from the
/// records in `dir` and returns their stems.
///
/// # Errors
/// [`crate::Error::Malformed`] when a record file lacks a column or has a bad cell;
/// [`crate::Error::Io`] when a file cannot be read or written.
pub fn draw(dir: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let records = Records::read(dir)?;
    let target_error = out.join(format!("{}_target_error", records.name));
    figure::draw(&target_error_figure(&records)?, &target_error)?;
    let solved_fraction = out.join(format!("{}_solved_fraction", records.name));
    figure::draw(&solved_fraction_figure(&records)?, &solved_fraction)?;
    Ok(vec![target_error, solved_fraction])
}

/// The target unit's error against training sequences, one line per run.
fn target_error_figure(records: &Records) -> Result<Figure> {
    let curves = &records.curves;
    let runs = curves.integers("run")?;
    let algorithms = curves.texts("algorithm")?;
    let sequences = curves.floats("sequences")?;
    let errors = curves.floats("target_error_mean_abs")?;
    let mut by_run: BTreeMap<u64, Series> = BTreeMap::new();
    let mut last_sequences: BTreeMap<u64, f64> = BTreeMap::new();
    let mut blocks: Vec<f64> = Vec::new();
    for (index, &run) in runs.iter().enumerate() {
        let previous = last_sequences.insert(run, sequences[index]).unwrap_or(0.0);
        blocks.push(sequences[index] - previous);
        let label = || format!("run {run} ({})", algorithms[index]);
        by_run
            .entry(run)
            .or_insert_with(|| Series::line(label(), Vec::new()))
            .points
            .push((sequences[index], errors[index]));
    }

    let bound = records
        .lookup(&["config", "success", "error_bound"])
        .and_then(toml::Value::as_float);
    let markers = bound
        .map(|y| Marker::Horizontal {
            label: format!("success bound {y}"),
            y,
        })
        .into_iter()
        .collect();
    Ok(Figure {
        title: records.title("Target-unit error"),
        caption: format!(
            "Mean absolute error of the target unit at the step where the target is given, over \
             {} training sequences, during online training; one line per run. {}",
            block_phrase(&blocks),
            records.outcome()?
        ),
        x_label: "training sequences".into(),
        y_label: "target-unit error (mean |output - target|)".into(),
        series: by_run.into_values().collect(),
        markers,
        // A mean absolute error of a logistic unit against 0/1 targets lies in [0, 1].
        y_range: Some((0.0, 1.0)),
        legend: LegendPosition::Auto,
        ..Figure::default()
    })
}

/// Describes the blocks that the recorded errors average over, from the gaps between
/// consecutive recorded sequence counts of each run: "each block of N", with N the most
/// common gap, and a remark when some blocks are shorter (a run that stopped mid-block).
fn block_phrase(blocks: &[f64]) -> String {
    let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
    for &block in blocks.iter().filter(|b| b.is_finite() && **b > 0.0) {
        *counts.entry(block as u64).or_default() += 1;
    }
    let Some((&common, _)) = counts.iter().max_by_key(|&(&size, &count)| (count, size)) else {
        return "each recorded block of".to_string();
    };
    if counts.len() == 1 {
        format!("each block of {}", group_digits(common))
    } else {
        format!(
            "each block of {} (shorter where a run stopped mid-block)",
            group_digits(common)
        )
    }
}

/// The fraction of runs solved within n training sequences, one staircase per algorithm;
/// unsolved runs count in the denominator, so a staircase ends below 1 when some failed.
fn solved_fraction_figure(records: &Records) -> Result<Figure> {
    let summary = &records.summary;
    let algorithms = summary.texts("algorithm")?;
    let to_solve = summary.optional_integers("sequences_to_solve")?;
    let budget = records.integer(&["sequences_per_run"]) as f64;
    let mut by_algorithm: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (algorithm, sequences) in algorithms.iter().zip(&to_solve) {
        let value = sequences.map_or(f64::NAN, |s| s as f64);
        by_algorithm.entry(algorithm).or_default().push(value);
    }

    let series = by_algorithm
        .into_iter()
        .map(|(algorithm, values)| {
            let mut points = vec![(0.0, 0.0)];
            points.extend(ecdf(&values));
            let last = points.last().map_or(0.0, |p| p.1);
            points.push((budget, last));
            Series {
                label: format!("{algorithm} ({} runs)", values.len()),
                points,
                kind: SeriesKind::Steps,
            }
        })
        .collect();
    Ok(Figure {
        title: records.title("Runs solved"),
        caption: format!(
            "Fraction of runs solved within n training sequences, per training algorithm; a \
             run counts as solved at the end of its first window of consecutive sequences with \
             every output within the error bound. {}",
            records.outcome()?
        ),
        x_label: "training sequences".into(),
        y_label: "fraction of runs solved".into(),
        series,
        x_range: Some((0.0, budget)),
        y_range: Some((0.0, 1.05)),
        legend: LegendPosition::UpperLeft,
        ..Figure::default()
    })
}
