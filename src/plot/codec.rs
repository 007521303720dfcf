//! Figures of the compressor: each level's reduced-description length against the length
//! of the original stream (history compression, Schmidhuber, Neural Computation 4(2),
//! 1992), drawn from the curve CSV that `chunker compress --curve` writes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};

/// The bundled font, so that figures look the same on every machine.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_NAME: &str = "sans-serif";
/// Figure size in pixels (PNG) or user units (SVG).
pub const SIZE: (u32, u32) = (900, 520);

/// Registers the bundled font with plotters once per process.
pub(crate) fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FONT_NAME, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(plot_error(
            Path::new("assets/fonts/DejaVuSans.ttf"),
            "the bundled font cannot be parsed",
        ))
    }
}

pub(crate) fn plot_error(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::io(
        "draw",
        path,
        std::io::Error::other(format!("plotting failed: {message}")),
    )
}

/// The figure's format, from its extension.
pub(crate) enum Format {
    Png,
    Svg,
}

pub(crate) fn format_of(path: &Path) -> Result<Format> {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("png") => Ok(Format::Png),
        Some(e) if e.eq_ignore_ascii_case("svg") => Ok(Format::Svg),
        _ => Err(Error::invalid(
            "--figure",
            path.display(),
            "expected a path ending in .png or .svg",
        )),
    }
}

/// A temporary path beside `path` that keeps its extension (plotters picks the image
/// encoder by extension).
pub(crate) fn temporary_with_extension(path: &Path) -> PathBuf {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("png");
    let mut temporary = crate::files::temporary_path(path).into_os_string();
    temporary.push(".");
    temporary.push(extension);
    PathBuf::from(temporary)
}

/// Draws a figure into an SVG or PNG file chosen by the path's extension, through a
/// temporary file that is renamed at the end, so no partly drawn figure is left. `$draw`
/// is a function generic over the drawing backend that takes the root area first.
macro_rules! render_figure {
    ($path:expr, $draw:ident ( $($arg:expr),* )) => {{
        let path: &std::path::Path = $path;
        match $crate::plot::codec::format_of(path)? {
            $crate::plot::codec::Format::Svg => {
                let mut text = String::new();
                {
                    let root = plotters::prelude::SVGBackend::with_string(
                        &mut text,
                        $crate::plot::codec::SIZE,
                    )
                    .into_drawing_area();
                    $draw(&root, $($arg),*)
                        .map_err(|e| $crate::plot::codec::plot_error(path, e))?;
                    root.present()
                        .map_err(|e| $crate::plot::codec::plot_error(path, e))?;
                }
                $crate::files::write_atomic(path, text.as_bytes())
            }
            $crate::plot::codec::Format::Png => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| $crate::error::Error::io("create folder", parent, e))?;
                }
                let temporary = $crate::plot::codec::temporary_with_extension(path);
                let drawn = (|| {
                    let root = plotters::prelude::BitMapBackend::new(
                        &temporary,
                        $crate::plot::codec::SIZE,
                    )
                    .into_drawing_area();
                    $draw(&root, $($arg),*)
                        .map_err(|e| $crate::plot::codec::plot_error(path, e))?;
                    root.present()
                        .map_err(|e| $crate::plot::codec::plot_error(path, e))
                })();
                let result = drawn.and_then(|()| {
                    std::fs::rename(&temporary, path)
                        .map_err(|e| $crate::error::Error::io("rename to", path, e))
                });
                if result.is_err() {
                    let _ = std::fs::remove_file(&temporary);
                }
                result
            }
        }
    }};
}
pub(crate) use render_figure;

/// One row of the curve CSV: input symbols, inputs per level, top-level unexpected.
fn read_curve(csv_path: &Path) -> Result<(Vec<String>, Vec<Vec<f64>>)> {
    let malformed = |message: String| Error::Malformed {
        path: csv_path.to_path_buf(),
        message,
    };
    let bytes = crate::files::read(csv_path)?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| malformed(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.len() < 3 || headers[0] != "input_symbols" {
        return Err(malformed(
            "expected the columns input_symbols, level_1_inputs, .., top_level_unexpected \
             written by `chunker compress --curve`"
                .into(),
        ));
    }
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| malformed(e.to_string()))?;
        let row = record
            .iter()
            .map(|cell| cell.parse::<f64>())
            .collect::<std::result::Result<Vec<f64>, _>>()
            .map_err(|e| malformed(format!("row {}: {e}", line + 2)))?;
        if row.len() != headers.len() {
            return Err(malformed(format!(
                "row {} has {} cells",
                line + 2,
                row.len()
            )));
        }
        rows.push(row);
    }
    Ok((headers, rows))
}

/// Draws each level's reduced-description length against the original length from the
/// curve CSV at `csv_path`, into `path` (.png or .svg).
///
/// # Errors
/// [`Error::Malformed`] for a CSV not written by `chunker compress --curve`;
/// [`Error::InvalidValue`] for another extension; [`Error::Io`] when drawing fails.
pub fn reduced_description_figure(csv_path: &Path, path: &Path, title: &str) -> Result<()> {
    register_font()?;
    let (headers, rows) = read_curve(csv_path)?;
    render_figure!(path, draw_curve(&headers, &rows, title))
}

fn draw_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    headers: &[String],
    rows: &[Vec<f64>],
    title: &str,
) -> std::result::Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let x_max = rows.iter().map(|r| r[0]).fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT_NAME, 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, 0.0..x_max * 1.02)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("original length (input symbols)")
        .y_desc("reduced-description length (inputs)")
        .label_style((FONT_NAME, 14))
        .draw()
        .map_err(|e| e.to_string())?;
    let count = headers.len() - 1;
    for column in 1..=count {
        let color = Palette99::pick(column - 1).to_rgba();
        let label = match headers[column].as_str() {
            "top_level_unexpected" => "unexpected at the top level".to_string(),
            name => name
                .strip_prefix("level_")
                .and_then(|rest| rest.strip_suffix("_inputs"))
                .map_or(name.to_string(), |level| format!("inputs to level {level}")),
        };
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|r| (r[0], r[column])),
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT_NAME, 14))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}
