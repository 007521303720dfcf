//! The files of an experiment under `data/NAME/`: one curve file and one summary file per
//! run under `runs/`, the merged `curves.csv` and `summary.csv`, and the `run.toml` sidecar.
//!
//! Every file is written through [`files::write_atomic`]. A run counts as finished when its
//! summary file exists, which is written after its curve file, so an interrupted run is
//! simply run again. Merging concatenates the per-run files in run order, so the merged
//! bytes depend only on which runs finished, never on how they were scheduled.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Cell, Experiment, RunReport};
use crate::error::{Error, Result};
use crate::files;

/// The merged learning curves: one row per run per evaluation point.
pub const CURVES_FILE: &str = "curves.csv";
/// The merged summary: one row per run.
pub const SUMMARY_FILE: &str = "summary.csv";
/// The sidecar with the resolved config, seed, budget and program version.
pub const SIDECAR_FILE: &str = "run.toml";
/// The folder of the per-run files.
pub const RUNS_FOLDER: &str = "runs";

/// `status` of a run that used its whole budget or stopped when solved.
pub const FINISHED: &str = "finished";
/// `status` of a run stopped by a NaN or infinite value.
pub const DIVERGED: &str = "diverged";

/// Path of run `run`'s curve file in the experiment folder `dir`.
pub fn curve_path(dir: &Path, run: u32) -> PathBuf {
    dir.join(RUNS_FOLDER)
        .join(format!("run-{run:04}.curve.csv"))
}

/// Path of run `run`'s summary file in the experiment folder `dir`.
pub fn summary_path(dir: &Path, run: u32) -> PathBuf {
    dir.join(RUNS_FOLDER)
        .join(format!("run-{run:04}.summary.csv"))
}

/// Whether run `run` finished (or diverged) in an earlier invocation.
pub fn is_recorded(dir: &Path, run: u32) -> bool {
    summary_path(dir, run).is_file()
}

/// Header of the curve files: `run`, `seed`, then the experiment's curve columns.
pub fn curve_header(experiment: &dyn Experiment) -> Vec<String> {
    let mut header = vec!["run".to_string(), "seed".to_string()];
    header.extend(experiment.curve_columns());
    header
}

/// Header of the summary files: `run`, `seed`, the experiment's summary columns, then
/// `status` (finished or diverged) and `detail` (the divergence message, else empty).
pub fn summary_header(experiment: &dyn Experiment) -> Vec<String> {
    let mut header = vec!["run".to_string(), "seed".to_string()];
    header.extend(experiment.summary_columns());
    header.push("status".into());
    header.push("detail".into());
    header
}

/// The end of a run, as recorded in its summary row.
pub enum Ending<'a> {
    Finished(&'a RunReport),
    Diverged {
        partial: &'a [Vec<Cell>],
        message: String,
    },
}

/// Writes run `run`'s curve file, then its summary file.
///
/// A diverged run keeps its partial curve; its summary row is `solved = false`, empty
/// cells for the experiment's other columns, status `diverged` and the message.
///
/// # Errors
/// [`Error::Io`] when a file cannot be written; [`Error::Malformed`] when a row does not
/// have as many cells as its header (a bug in the experiment).
pub fn write_run(
    dir: &Path,
    experiment: &dyn Experiment,
    run: u32,
    seed: u64,
    ending: &Ending<'_>,
) -> Result<()> {
    let prefix = [Cell::Int(u64::from(run)), Cell::Int(seed)];
    let curve_rows = match ending {
        Ending::Finished(report) => &report.curve[..],
        Ending::Diverged { partial, .. } => partial,
    };
    let curve_file = curve_path(dir, run);
    let rows: Vec<Vec<Cell>> = curve_rows
        .iter()
        .map(|row| prefix.iter().chain(row).cloned().collect())
        .collect();
    let bytes = csv_bytes(&curve_file, &curve_header(experiment), &rows)?;
    files::write_atomic(&curve_file, &bytes)?;

    let summary_file = summary_path(dir, run);
    let mut row: Vec<Cell> = prefix.to_vec();
    match ending {
        Ending::Finished(report) => {
            row.extend(report.summary.iter().cloned());
            row.push(Cell::Text(FINISHED.into()));
            row.push(Cell::Empty);
        }
        Ending::Diverged { message, .. } => {
            let own_columns = experiment.summary_columns().len();
            row.push(Cell::Bool(false));
            row.extend(std::iter::repeat_n(
                Cell::Empty,
                own_columns.saturating_sub(1),
            ));
            row.push(Cell::Text(DIVERGED.into()));
            row.push(Cell::Text(message.clone()));
        }
    }
    let bytes = csv_bytes(&summary_file, &summary_header(experiment), &[row])?;
    files::write_atomic(&summary_file, &bytes)
}

/// Formats a header and rows as CSV; `path` only names the file in errors.
///
/// # Errors
/// [`Error::Malformed`] when a row's length differs from the header's.
pub fn csv_bytes(path: &Path, header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    let malformed = |message: String| Error::Malformed {
        path: path.into(),
        message,
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header)
        .map_err(|e| malformed(e.to_string()))?;
    for (index, row) in rows.iter().enumerate() {
        if row.len() != header.len() {
            return Err(malformed(format!(
                "row {index} has {} cells but the header has {} columns",
                row.len(),
                header.len()
            )));
        }
        writer
            .write_record(row.iter().map(Cell::to_string))
            .map_err(|e| malformed(e.to_string()))?;
    }
    writer.into_inner().map_err(|e| malformed(e.to_string()))
}

/// Lists the runs recorded under `dir/runs/`, in increasing order.
///
/// # Errors
/// [`Error::Io`] when the folder exists but cannot be listed.
pub fn recorded_runs(dir: &Path) -> Result<Vec<u32>> {
    let folder = dir.join(RUNS_FOLDER);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(&folder).map_err(|e| Error::io("read", &folder, e))?;
    let mut runs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read", &folder, e))?;
        let name = entry.file_name();
        let index = name
            .to_str()
            .and_then(|n| n.strip_prefix("run-"))
            .and_then(|n| n.strip_suffix(".summary.csv"))
            .and_then(|n| n.parse::<u32>().ok());
        runs.extend(index);
    }
    runs.sort_unstable();
    Ok(runs)
}

/// The result of [`merge`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub runs: usize,
}

/// Merges the recorded per-run files of `dir` in run order into `curves.csv` and
/// `summary.csv`. Does nothing when no run is recorded.
///
/// # Errors
/// [`Error::Io`] on read or write failures, also when a curve file is missing beside its
/// summary; [`Error::Malformed`] when two per-run files have different headers.
pub fn merge(dir: &Path) -> Result<Merged> {
    let runs = recorded_runs(dir)?;
    if runs.is_empty() {
        return Ok(Merged { runs: 0 });
    }
    let curves: Vec<PathBuf> = runs.iter().map(|&r| curve_path(dir, r)).collect();
    let summaries: Vec<PathBuf> = runs.iter().map(|&r| summary_path(dir, r)).collect();
    files::write_atomic(&dir.join(CURVES_FILE), &concatenate(&curves)?)?;
    files::write_atomic(&dir.join(SUMMARY_FILE), &concatenate(&summaries)?)?;
    Ok(Merged { runs: runs.len() })
}

/// The first file whole, then every other file without its header line, which must equal
/// the first file's.
fn concatenate(paths: &[PathBuf]) -> Result<Vec<u8>> {
    let mut merged: Vec<u8> = Vec::new();
    let mut first_header: Option<Vec<u8>> = None;
    for path in paths {
        let bytes = files::read(path)?;
        let split = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + 1);
        let (header, body) = bytes.split_at(split);
        match &first_header {
            None => {
                first_header = Some(header.to_vec());
                merged.extend_from_slice(header);
            }
            Some(expected) if expected != header => {
                return Err(Error::Malformed {
                    path: path.clone(),
                    message: format!(
                        "header {:?} differs from the header {:?} of {}; one of the two \
                         files is damaged; fix: delete the experiment folder and run it again",
                        shortened(header),
                        shortened(expected),
                        paths[0].display()
                    ),
                });
            }
            Some(_) => {}
        }
        merged.extend_from_slice(body);
    }
    Ok(merged)
}

/// A header line as text for a message, cut to its first 100 characters: a damaged file
/// may have no line break for thousands of bytes.
fn shortened(header: &[u8]) -> String {
    let text = String::from_utf8_lossy(header);
    let text = text.trim_end();
    match text.char_indices().nth(100) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

/// Deletes the records of the experiment folder `dir`: the per-run files, the merged files
/// and the sidecar. Other files in the folder are left alone.
///
/// # Errors
/// [`Error::Io`] when something exists but cannot be deleted.
pub fn remove(dir: &Path) -> Result<()> {
    let runs = dir.join(RUNS_FOLDER);
    if runs.is_dir() {
        fs::remove_dir_all(&runs).map_err(|e| Error::io("delete", &runs, e))?;
    }
    for name in [CURVES_FILE, SUMMARY_FILE, SIDECAR_FILE] {
        let path = dir.join(name);
        if path.is_file() {
            fs::remove_file(&path).map_err(|e| Error::io("delete", &path, e))?;
        }
    }
    Ok(())
}
