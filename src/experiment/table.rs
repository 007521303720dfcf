//! The results table of PAPER_NOTES.md: one row per experiment folder under `data/`, our
//! numbers (from `summary.csv`) beside the paper's (from the `run.toml` sidecar), written
//! between the marker comments of the generated section.

use std::fs;
use std::path::{Path, PathBuf};

use super::records::{DIVERGED, SIDECAR_FILE, SUMMARY_FILE};
use super::sidecar;
use crate::error::{Error, Result};
use crate::files;
use crate::plot::read_table;

/// The line that opens the generated section of PAPER_NOTES.md.
pub const BEGIN_MARKER: &str = "<!-- results:begin -->";
/// The line that closes it.
pub const END_MARKER: &str = "<!-- results:end -->";

/// One experiment's row.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    pub experiment: String,
    pub paper: String,
    pub runs: usize,
    pub solved: usize,
    pub diverged: usize,
    /// Sequences to solve of the solved runs, sorted.
    pub sequences_to_solve: Vec<u64>,
    pub budget: String,
    pub sequences_per_run: i64,
    /// Solved and total runs per value of the summary's `algorithm` column, in order of
    /// first appearance; empty when the summary has no such column.
    pub by_algorithm: Vec<(String, usize, usize)>,
    /// Counts of the summary's other yes/no outcomes ([`EXTRA_OUTCOMES`]) that it has, as
    /// (description, count of true).
    pub extra_outcomes: Vec<(String, usize)>,
}

/// Yes/no summary columns that the "runs solved" cell also counts when present: the
/// conventional net run beside a model on the same stream, and the automatizer confirmed
/// alone with learning and the chunker switched off.
pub const EXTRA_OUTCOMES: [(&str, &str); 2] = [
    ("conventional_solved", "conventional net"),
    ("frozen_confirmed", "confirmed by a frozen automatizer"),
];

/// The summary column whose values split the "runs solved" cell, when present.
pub const GROUP_COLUMN: &str = "algorithm";

/// Reads the row of every experiment folder under `data_root` that has a sidecar and a
/// summary, in folder-name order.
///
/// # Errors
/// [`Error::Io`] or [`Error::Malformed`] when a sidecar or summary cannot be read.
pub fn collect_rows(data_root: &Path) -> Result<Vec<ResultRow>> {
    let mut folders: Vec<PathBuf> = fs::read_dir(data_root)
        .map_err(|e| Error::io("read", data_root, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join(SIDECAR_FILE).is_file() && path.join(SUMMARY_FILE).is_file())
        .collect();
    folders.sort();
    folders.iter().map(|folder| read_row(folder)).collect()
}

fn read_row(folder: &Path) -> Result<ResultRow> {
    let side = sidecar::read_table(&folder.join(SIDECAR_FILE))?;
    let summary = read_table(&folder.join(SUMMARY_FILE))?;
    let solved = summary.bools("solved")?;
    let mut sequences: Vec<u64> = summary
        .optional_integers("sequences_to_solve")?
        .into_iter()
        .flatten()
        .collect();
    sequences.sort_unstable();
    let diverged = summary
        .texts("status")?
        .iter()
        .filter(|s| s.as_str() == DIVERGED)
        .count();
    let by_algorithm = match summary.column(GROUP_COLUMN) {
        Ok(_) => count_by_group(&summary.texts(GROUP_COLUMN)?, &solved),
        Err(_) => Vec::new(),
    };
    let mut extra_outcomes = Vec::new();
    for (column, description) in EXTRA_OUTCOMES {
        if summary.column(column).is_ok() {
            let count = summary.bools(column)?.iter().filter(|&&b| b).count();
            extra_outcomes.push((description.to_string(), count));
        }
    }
    let text = |key: &str| {
        side.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    Ok(ResultRow {
        experiment: text("experiment"),
        paper: text("paper_result"),
        runs: solved.len(),
        solved: solved.iter().filter(|&&s| s).count(),
        diverged,
        sequences_to_solve: sequences,
        budget: text("budget"),
        sequences_per_run: side
            .get("sequences_per_run")
            .and_then(toml::Value::as_integer)
            .unwrap_or(0),
        by_algorithm,
        extra_outcomes,
    })
}

/// Counts solved and total runs per group, groups in order of first appearance.
fn count_by_group(groups: &[String], solved: &[bool]) -> Vec<(String, usize, usize)> {
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for (group, &is_solved) in groups.iter().zip(solved) {
        let index = match counts.iter().position(|(name, _, _)| name == group) {
            Some(index) => index,
            None => {
                counts.push((group.clone(), 0, 0));
                counts.len() - 1
            }
        };
        counts[index].1 += usize::from(is_solved);
        counts[index].2 += 1;
    }
    counts
}

/// Formats the rows as a Markdown table.
pub fn markdown(rows: &[ResultRow]) -> String {
    let mut out = String::from(
        "| experiment | paper | runs solved (ours) | sequences to solve: median [min, max] | budget per run |\n\
         |---|---|---|---|---|\n",
    );
    for row in rows {
        let mut solved = format!("{} of {}", row.solved, row.runs);
        if row.by_algorithm.len() > 1 {
            let parts: Vec<String> = row
                .by_algorithm
                .iter()
                .map(|(name, solved, total)| format!("{name} {solved} of {total}"))
                .collect();
            solved.push_str(&format!(" ({})", parts.join(", ")));
        }
        for (description, count) in &row.extra_outcomes {
            solved.push_str(&format!("; {description}: {count} of {}", row.runs));
        }
        if row.diverged > 0 {
            solved.push_str(&format!(", {} diverged", row.diverged));
        }
        let sequences = match (
            row.sequences_to_solve.first(),
            row.sequences_to_solve.last(),
        ) {
            (Some(&min), Some(&max)) => format!(
                "{} [{}, {}]",
                median(&row.sequences_to_solve),
                group_digits(min),
                group_digits(max)
            ),
            _ => "-".to_string(),
        };
        out.push_str(&format!(
            "| {} | {} | {solved} | {sequences} | {} sequences ({}) |\n",
            row.experiment,
            row.paper.replace('|', "/"),
            group_digits(u64::try_from(row.sequences_per_run).unwrap_or(0)),
            row.budget
        ));
    }
    out
}

/// Formats the median of sorted values, the mean of the middle two for an even count.
fn median(sorted: &[u64]) -> String {
    let n = sorted.len();
    if n % 2 == 1 {
        return group_digits(sorted[n / 2]);
    }
    let sum = sorted[n / 2 - 1] + sorted[n / 2];
    let whole = group_digits(sum / 2);
    if sum.is_multiple_of(2) {
        whole
    } else {
        format!("{whole}.5")
    }
}

/// Formats an integer with a comma between groups of three digits, as the papers write
/// counts ("1,000,000").
pub fn group_digits(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Checks, before any run starts, that `notes` can take the results table: a missing file,
/// or UTF-8 text with both markers in order or neither.
///
/// # Errors
/// As [`update_notes`].
pub fn check_notes(notes: &Path) -> Result<()> {
    let existing = read_notes(notes)?;
    match (existing.find(BEGIN_MARKER), existing.find(END_MARKER)) {
        (Some(begin), Some(end)) if begin < end => Ok(()),
        (None, None) => Ok(()),
        _ => Err(markers_malformed(notes)),
    }
}

/// Reads the notes file, or returns the heading of a new one when it does not exist.
fn read_notes(notes: &Path) -> Result<String> {
    if !notes.is_file() {
        return Ok("# Paper notes: what the papers did, what we did\n".to_string());
    }
    String::from_utf8(files::read(notes)?).map_err(|_| Error::Malformed {
        path: notes.into(),
        message: "not UTF-8 text; --notes takes a Markdown file such as PAPER_NOTES.md".into(),
    })
}

fn markers_malformed(notes: &Path) -> Error {
    Error::Malformed {
        path: notes.into(),
        message: format!(
            "expected the line {BEGIN_MARKER} followed by the line {END_MARKER}; \
             fix: restore both markers around the results section"
        ),
    }
}

/// Replaces the text between the markers of `notes` with `table`, creating the file (a
/// heading and the markers) when it is missing and appending a results section with the
/// markers when the file has none.
///
/// # Errors
/// [`Error::Malformed`] when the file has one marker without the other or in the wrong
/// order, or is not UTF-8 text; [`Error::Io`] when it cannot be read or written.
pub fn update_notes(notes: &Path, command: &str, table: &str) -> Result<()> {
    let existing = read_notes(notes)?;
    let generated = format!(
        "{BEGIN_MARKER}\nGenerated by `{command}`; do not edit by hand.\n\n{table}{END_MARKER}"
    );
    let updated = match (existing.find(BEGIN_MARKER), existing.find(END_MARKER)) {
        (Some(begin), Some(end)) if begin < end => format!(
            "{}{generated}{}",
            &existing[..begin],
            &existing[end + END_MARKER.len()..]
        ),
        (None, None) => format!("{}\n## Results\n\n{generated}\n", existing.trim_end()),
        _ => return Err(markers_malformed(notes)),
    };
    files::write_atomic(notes, updated.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_three() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1_000_000), "1,000,000");
        assert_eq!(group_digits(218_511), "218,511");
    }

    #[test]
    fn median_of_even_count_is_midpoint() {
        assert_eq!(median(&[1462, 2193]), "1,827.5");
        assert_eq!(median(&[1, 3]), "2");
        assert_eq!(median(&[5]), "5");
    }
}
