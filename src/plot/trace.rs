//! The trace figure of history compression (Schmidhuber, Neural Computation 4(2), 1992):
//! time on the x axis, one row per level (row 0 holds the inputs), a dot where a level
//! received an input (a tick) and another where it found the input unexpected, drawn from
//! the trace CSV that `chunker trace --figure` writes.

use std::path::Path;

use super::figure::{self, Figure, Series, SeriesKind};
use super::table::read_table;
use crate::error::{Error, Result};

/// Draws `stem.png` and `stem.svg` from the trace CSV at `csv_path`, whose columns are
/// `step`, `symbol`, then `level_K_ticked` and `level_K_unexpected` for K = 1, 2, ...
///
/// # Errors
/// [`crate::Error::Malformed`] for another layout; [`crate::Error::Io`] when a file cannot
/// be read or written.
pub fn trace_figure(csv_path: &Path, stem: &Path, title: &str) -> Result<()> {
    let table = read_table(csv_path)?;
    let steps = table.floats("step")?;
    let symbols = table.texts("symbol")?;
    let levels = (table.header.len().saturating_sub(2)) / 2;
    if levels == 0 || table.header.len() != 2 + 2 * levels {
        return Err(Error::Malformed {
            path: csv_path.to_path_buf(),
            message: format!(
                "expected step, symbol, then level_K_ticked and level_K_unexpected per \
                 level; the header is {:?}",
                table.header
            ),
        });
    }

    let mut series = Vec::new();
    let mut names: Vec<&str> = symbols.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    // One series per symbol that occurs at most a few times per sequence keeps the legend
    // short: the one-letter symbols (a and x on the standard task) get their own colour.
    let mut rare: Vec<&str> = names.iter().copied().filter(|n| n.len() == 1).collect();
    if rare.len() > 6 {
        rare.clear();
    }
    for name in &rare {
        series.push(points(
            format!("input {name}"),
            steps
                .iter()
                .zip(&symbols)
                .filter(|(_, s)| s == name)
                .map(|(&x, _)| (x, 0.0))
                .collect(),
        ));
    }
    series.push(points(
        "other inputs".to_string(),
        steps
            .iter()
            .zip(&symbols)
            .filter(|(_, s)| !rare.contains(&s.as_str()))
            .map(|(&x, _)| (x, 0.0))
            .collect(),
    ));

    let mut ticks = Vec::new();
    let mut unexpected = Vec::new();
    for level in 1..=levels {
        let ticked = table.bools(&format!("level_{level}_ticked"))?;
        let missed = table.bools(&format!("level_{level}_unexpected"))?;
        for (index, &x) in steps.iter().enumerate() {
            let y = level as f64;
            if missed[index] {
                unexpected.push((x, y));
            } else if ticked[index] {
                ticks.push((x, y));
            }
        }
    }
    series.push(points("received and predicted".to_string(), ticks));
    series.push(points(
        "unexpected (passed to the level above)".to_string(),
        unexpected,
    ));

    let figure = Figure {
        title: title.to_string(),
        caption: "Row 0 shows the input stream; row K shows the steps at which level K \
                  received an input and which of them it failed to predict. Only those reach \
                  level K + 1 (history compression, Schmidhuber 1992)."
            .to_string(),
        x_label: "step".to_string(),
        y_label: "level (0 = input)".to_string(),
        series,
        ..Figure::default()
    };
    figure::draw(&figure, stem)
}

fn points(label: String, points: Vec<(f64, f64)>) -> Series {
    Series {
        label,
        points,
        kind: SeriesKind::Points,
    }
}
