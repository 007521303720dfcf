//! The compressor's figure: each level's reduced-description length against the length of
//! the original stream (history compression, Schmidhuber, Neural Computation 4(2), 1992),
//! drawn from the curve CSV that `chunker compress --curve` writes.

use std::path::Path;

use super::figure::{self, Figure, Series};
use super::table::read_table;
use crate::error::Result;

/// Draws `stem.png` and `stem.svg` from the curve CSV at `csv_path`.
///
/// # Errors
/// [`crate::Error::Malformed`] for a CSV without the columns `chunker compress --curve`
/// writes; [`crate::Error::Io`] when a file cannot be read or written.
pub fn reduced_description_figure(csv_path: &Path, stem: &Path, title: &str) -> Result<()> {
    let table = read_table(csv_path)?;
    let original = table.floats("input_symbols")?;
    let mut series = Vec::new();
    for name in &table.header[1..] {
        let label = match name.as_str() {
            "top_level_unexpected" => "unexpected at the top level".to_string(),
            other => match other
                .strip_prefix("level_")
                .and_then(|rest| rest.strip_suffix("_inputs"))
            {
                Some(level) => format!("inputs to level {level}"),
                None => other.to_string(),
            },
        };
        let values = table.floats(name)?;
        series.push(Series::line(
            label,
            original.iter().copied().zip(values).collect(),
        ));
    }
    let figure = Figure {
        title: title.to_string(),
        caption: "Each level receives only the inputs the level below failed to predict \
                  (history compression, Schmidhuber 1992); level 1 receives every input. \
                  Measured online while compressing."
            .to_string(),
        x_label: "original length (input symbols)".to_string(),
        y_label: "reduced-description length (inputs)".to_string(),
        series,
        ..Figure::default()
    };
    figure::draw(&figure, stem)
}
