//! The trace figure of history compression (Schmidhuber, Neural Computation 4(2), 1992):
//! time on the x axis, the input symbols in the bottom row and one row per level above
//! it; a small grey mark where a level received an input (a tick), a red dot where it
//! found the input unexpected and passed it up.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::codec::{register_font, render_figure};
use crate::codec::trace::Trace;
use crate::error::Result;

const FONT_NAME: &str = "sans-serif";

/// Draws `trace` into `path` (.png or .svg).
///
/// # Errors
/// [`crate::Error::InvalidValue`] for another extension; [`crate::Error::Io`] when drawing
/// fails.
pub fn trace_figure(trace: &Trace, path: &Path, title: &str) -> Result<()> {
    register_font()?;
    render_figure!(path, draw_trace(trace, title))
}

fn draw_trace<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    trace: &Trace,
    title: &str,
) -> std::result::Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let steps = trace.steps().max(1) as f64;
    let levels = trace.levels();
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT_NAME, 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..steps - 0.5, -0.5..levels as f64 + 0.5)
        .map_err(|e| e.to_string())?;
    let row_name = |y: &f64| {
        let row = y.round();
        if (y - row).abs() > 1e-9 || row < 0.0 || row > levels as f64 {
            String::new()
        } else if row == 0.0 {
            "input".to_string()
        } else {
            format!("level {row}")
        }
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_max_light_lines(0)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .x_desc("step")
        .y_labels(levels + 1)
        .y_label_formatter(&row_name)
        .label_style((FONT_NAME, 14))
        .draw()
        .map_err(|e| e.to_string())?;

    let font_size = 13;
    let label_style = TextStyle::from((FONT_NAME, font_size).into_font()).pos(
        plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ),
    );
    // Every symbol is labelled when the labels fit; otherwise only the one-letter
    // symbols (a and x on the standard task), which are the informative ones.
    let label_all = trace.steps() <= 30;
    chart
        .draw_series(
            trace
                .names
                .iter()
                .enumerate()
                .filter(|(_, name)| label_all || name.len() == 1)
                .map(|(step, name)| {
                    Text::new(name.clone(), (step as f64, 0.0), label_style.clone())
                }),
        )
        .map_err(|e| e.to_string())?;
    let red = RGBColor(200, 30, 30);
    for level in 0..levels {
        let y = (level + 1) as f64;
        chart
            .draw_series(
                trace.ticked[level]
                    .iter()
                    .enumerate()
                    .filter(|(_, ticked)| **ticked)
                    .map(|(step, _)| {
                        PathElement::new(
                            [(step as f64, y - 0.15), (step as f64, y + 0.15)],
                            RGBColor(150, 150, 150).stroke_width(2),
                        )
                    }),
            )
            .map_err(|e| e.to_string())?;
        let series = chart
            .draw_series(
                trace.unexpected[level]
                    .iter()
                    .enumerate()
                    .filter(|(_, unexpected)| **unexpected)
                    .map(|(step, _)| Circle::new((step as f64, y), 5, red.filled())),
            )
            .map_err(|e| e.to_string())?;
        if level == 0 {
            series
                .label("unexpected input (passed to the level above)")
                .legend(move |(x, y)| Circle::new((x + 10, y), 5, red.filled()));
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT_NAME, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}
