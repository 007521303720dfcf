//! The description of one figure and [`draw`], which writes it as PNG and SVG.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};

use super::{font, render};
use crate::error::{Error, Result};
use crate::files;

/// Size of every figure in pixels (SVG user units).
pub const SIZE: (u32, u32) = (1000, 680);

/// The drawing style of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SeriesKind {
    /// Straight lines between consecutive points, broken at non-finite values.
    #[default]
    Line,
    /// One filled dot per point.
    Points,
    /// A staircase that keeps each y until the next x, as for an empirical distribution.
    Steps,
    /// One open circle per point, e.g. for runs drawn at their budget because they did not
    /// finish.
    OpenPoints,
    /// One filled triangle per point.
    Triangles,
    /// One open triangle per point.
    OpenTriangles,
}

impl SeriesKind {
    /// Returns whether the series is drawn as separate markers rather than a connected line.
    pub fn is_markers(self) -> bool {
        !matches!(self, Self::Line | Self::Steps)
    }
}

/// One labelled set of points.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub kind: SeriesKind,
}

impl Series {
    /// A line series.
    pub fn line(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
            kind: SeriesKind::Line,
        }
    }
}

/// A number from the paper drawn on the chart, in black, with its label in the legend.
#[derive(Clone, Debug, PartialEq)]
pub enum Marker {
    /// A line across the chart at height `y`.
    Horizontal { label: String, y: f64 },
    /// A line across the chart at position `x`.
    Vertical { label: String, x: f64 },
    /// One labelled point.
    Point { label: String, x: f64, y: f64 },
    /// An upper bound such as the papers' "< 600": a downward triangle at (`x`, `y`) with
    /// the text "< y" beside it.
    UpperBound { label: String, x: f64, y: f64 },
}

/// The corner of the chart that contains the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LegendPosition {
    #[default]
    UpperRight,
    UpperLeft,
    LowerRight,
    LowerLeft,
    /// The corner whose legend box would cover the fewest data points and marker lines,
    /// estimated from the number and length of the legend's labels.
    Auto,
}

/// One chart: what it shows, its axes and its data.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Figure {
    pub title: String,
    /// Below the chart: what the figure shows and which paper result it reproduces.
    pub caption: String,
    /// Axis labels with units, e.g. "training sequences".
    pub x_label: String,
    pub y_label: String,
    pub x_log: bool,
    pub y_log: bool,
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    /// Fixed axis ranges (min, max); `None` fits the data. A range that is empty, not
    /// finite, or not positive on a log axis is ignored.
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    pub legend: LegendPosition,
}

/// Draws `figure` into `stem.png` and `stem.svg`, creating the folder if needed.
///
/// Each file is rendered under a temporary name beside its final path and then renamed,
/// so an interrupted call never leaves a partial figure. Points that cannot be drawn are
/// skipped and counted in a note under the caption. A figure with no drawable point shows
/// an empty frame with that note.
///
/// # Errors
/// [`Error::Io`] naming the file when rendering, writing or renaming fails.
pub fn draw(figure: &Figure, stem: &Path) -> Result<()> {
    let svg_path = with_suffix(stem, ".svg");
    let png_path = with_suffix(stem, ".png");
    font::register().map_err(|message| drawing_error(&png_path, message))?;
    if let Some(parent) = stem.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io("create folder", parent, e))?;
    }

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        render::render(figure, &root).map_err(|m| drawing_error(&svg_path, m))?;
    }
    files::write_atomic(&svg_path, svg.as_bytes())?;

    // The PNG encoder writes to a path and picks the format from its extension, so the
    // temporary name keeps `.png` and the rename makes the write atomic.
    let temporary = with_suffix(&files::temporary_path(&png_path), ".png");
    let rendered = {
        let root = BitMapBackend::new(&temporary, SIZE).into_drawing_area();
        render::render(figure, &root)
    };
    if let Err(message) = rendered {
        let _ = fs::remove_file(&temporary);
        return Err(drawing_error(&png_path, message));
    }
    fs::rename(&temporary, &png_path).map_err(|e| {
        let _ = fs::remove_file(&temporary);
        Error::io("rename to", &png_path, e)
    })
}

/// `path` with `suffix` appended to its file name (keeping dots already in the name).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn drawing_error(path: &Path, message: String) -> Error {
    Error::io("draw", path, std::io::Error::other(message))
}
