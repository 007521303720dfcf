//! Renders a [`Figure`] on any plotters backend: axis ranges that survive empty, constant
//! and NaN data, lines broken at missing values, markers for the papers' numbers, a legend,
//! and the caption under the chart.

use std::ops::Range;

use plotters::chart::SeriesAnno;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::prelude::*;

use super::figure::{Figure, LegendPosition, Marker, Series, SeriesKind};
use super::font::FAMILY;

/// Characters per caption line before it wraps.
const CAPTION_WIDTH: usize = 120;
/// Height of one caption line in pixels.
const CAPTION_LINE: i32 = 18;

/// Draws `figure` on `root` and presents it.
///
/// # Errors
/// The backend's message when drawing or presenting fails.
pub fn render<DB: DrawingBackend>(
    figure: &Figure,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let drawable = Drawable::of(figure);
    let mut caption = wrap(&figure.caption, CAPTION_WIDTH);
    if let Some(note) = drawable.note() {
        caption.push(note);
    }
    let caption_height = CAPTION_LINE * caption.len() as i32 + 12;
    let (chart_area, caption_area) =
        root.split_vertically(root.dim_in_pixel().1 as i32 - caption_height);

    let x = fixed_range(figure.x_range, figure.x_log)
        .unwrap_or_else(|| axis_range(drawable.xs(), figure.x_log));
    let y = fixed_range(figure.y_range, figure.y_log)
        .unwrap_or_else(|| axis_range(drawable.ys(), figure.y_log));
    match (figure.x_log, figure.y_log) {
        (false, false) => chart(&chart_area, figure, &drawable, x, y),
        (true, false) => chart(&chart_area, figure, &drawable, x.log_scale(), y),
        (false, true) => chart(&chart_area, figure, &drawable, x, y.log_scale()),
        (true, true) => chart(&chart_area, figure, &drawable, x.log_scale(), y.log_scale()),
    }?;

    let style = (FAMILY, 14).into_font().color(&BLACK);
    for (index, line) in caption.iter().enumerate() {
        let position = (20, 4 + CAPTION_LINE * index as i32);
        caption_area
            .draw_text(line, &style, position)
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

fn chart<DB, X, Y>(
    area: &DrawingArea<DB, Shift>,
    figure: &Figure,
    drawable: &Drawable,
    x: X,
    y: Y,
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut chart = ChartBuilder::on(area)
        .caption(&figure.title, (FAMILY, 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x, y)
        .map_err(error)?;
    chart
        .configure_mesh()
        .x_desc(&figure.x_label)
        .y_desc(&figure.y_label)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .x_label_formatter(&|v: &f64| tick_label(*v))
        .y_label_formatter(&|v: &f64| tick_label(*v))
        .draw()
        .map_err(error)?;

    let (x_min, x_max) = (chart.x_range().start, chart.x_range().end);
    let (y_min, y_max) = (chart.y_range().start, chart.y_range().end);
    let mut labelled = false;
    for (index, series) in drawable.series.iter().enumerate() {
        let color = Palette99::pick(index).to_rgba();
        let has_label = !series.label.is_empty();
        labelled |= has_label;
        let mut first = true;
        for segment in &series.segments {
            let style = color.stroke_width(2);
            let legend = |annotation: &mut SeriesAnno<'_, DB>| {
                annotation
                    .label(series.label.clone())
                    .legend(move |(px, py)| {
                        PathElement::new(vec![(px, py), (px + 18, py)], color.stroke_width(2))
                    });
            };
            let drawn = if series.kind == SeriesKind::Points || segment.len() == 1 {
                chart
                    .draw_series(segment.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(error)?
            } else {
                chart
                    .draw_series(LineSeries::new(segment.iter().copied(), style))
                    .map_err(error)?
            };
            if first && has_label {
                legend(drawn);
            }
            first = false;
        }
    }

    for marker in &figure.markers {
        let black = BLACK.stroke_width(1);
        let (label, drawn) = match marker {
            Marker::Horizontal { label, y } if y.is_finite() => (
                label,
                chart
                    .draw_series(LineSeries::new([(x_min, *y), (x_max, *y)], black))
                    .map_err(error)?,
            ),
            Marker::Vertical { label, x } if x.is_finite() => (
                label,
                chart
                    .draw_series(LineSeries::new([(*x, y_min), (*x, y_max)], black))
                    .map_err(error)?,
            ),
            Marker::Point { label, x, y } if x.is_finite() && y.is_finite() => (
                label,
                chart
                    .draw_series([Cross::new((*x, *y), 6, BLACK.stroke_width(2))])
                    .map_err(error)?,
            ),
            _ => continue,
        };
        labelled = true;
        drawn.label(label.clone()).legend(|(px, py)| {
            PathElement::new(vec![(px, py), (px + 18, py)], BLACK.stroke_width(1))
        });
    }

    if labelled {
        chart
            .configure_series_labels()
            .label_font((FAMILY, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(legend_position(figure.legend))
            .draw()
            .map_err(error)?;
    }
    Ok(())
}

/// The drawable part of a figure: each series cut into segments of finite points (and
/// positive ones on a log axis), with a count of what was left out.
struct Drawable {
    series: Vec<DrawableSeries>,
    markers: Vec<(f64, f64)>,
    skipped: usize,
    total: usize,
}

struct DrawableSeries {
    label: String,
    kind: SeriesKind,
    segments: Vec<Vec<(f64, f64)>>,
}

impl Drawable {
    fn of(figure: &Figure) -> Self {
        let usable = |(x, y): (f64, f64)| {
            x.is_finite()
                && y.is_finite()
                && (!figure.x_log || x > 0.0)
                && (!figure.y_log || y > 0.0)
        };
        let mut skipped = 0;
        let mut total = 0;
        let mut series = Vec::new();
        for s in &figure.series {
            let points = staircase(s);
            total += s.points.len();
            skipped += s.points.iter().filter(|&&p| !usable(p)).count();
            let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for point in points {
                if usable(point) {
                    segments
                        .last_mut()
                        .expect("segments starts non-empty")
                        .push(point);
                } else if !segments.last().is_some_and(Vec::is_empty) {
                    segments.push(Vec::new());
                }
            }
            segments.retain(|segment| !segment.is_empty());
            series.push(DrawableSeries {
                label: s.label.clone(),
                kind: s.kind,
                segments,
            });
        }
        let markers = figure
            .markers
            .iter()
            .flat_map(|marker| match *marker {
                Marker::Horizontal { y, .. } => vec![(f64::NAN, y)],
                Marker::Vertical { x, .. } => vec![(x, f64::NAN)],
                Marker::Point { x, y, .. } => vec![(x, y)],
            })
            .collect();
        Self {
            series,
            markers,
            skipped,
            total,
        }
    }

    fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.series
            .iter()
            .flat_map(|s| s.segments.iter().flatten().copied())
    }

    fn xs(&self) -> Vec<f64> {
        self.points()
            .map(|p| p.0)
            .chain(self.markers.iter().map(|m| m.0))
            .collect()
    }

    fn ys(&self) -> Vec<f64> {
        self.points()
            .map(|p| p.1)
            .chain(self.markers.iter().map(|m| m.1))
            .collect()
    }

    /// Returns a line for the caption when some or all points could not be drawn.
    fn note(&self) -> Option<String> {
        if self.points().next().is_none() {
            Some(format!(
                "Note: no data to draw ({} points given, none finite{}).",
                self.total,
                if self.total == 0 { "" } else { " and in range" }
            ))
        } else if self.skipped > 0 {
            Some(format!(
                "Note: {} of {} points are NaN, infinite or outside a log axis and are not drawn.",
                self.skipped, self.total
            ))
        } else {
            None
        }
    }
}

/// Returns the points of a series as drawn: a staircase for [`SeriesKind::Steps`].
fn staircase(series: &Series) -> Vec<(f64, f64)> {
    if series.kind != SeriesKind::Steps {
        return series.points.clone();
    }
    let mut points = Vec::with_capacity(series.points.len() * 2);
    for (index, &(x, y)) in series.points.iter().enumerate() {
        if index > 0 {
            points.push((x, series.points[index - 1].1));
        }
        points.push((x, y));
    }
    points
}

/// Returns an axis range covering the finite `values` (positive ones on a log axis) with a margin;
/// [0, 1] (or [1, 10] on a log axis) when there are none, and a widened range around a
/// single value.
fn axis_range(values: Vec<f64>, log: bool) -> Range<f64> {
    let usable = values
        .into_iter()
        .filter(|v| v.is_finite() && (!log || *v > 0.0));
    let (min, max) = usable.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if min > max {
        return if log { 1.0..10.0 } else { 0.0..1.0 };
    }
    if log {
        let (lo, hi) = if min == max {
            (min / 2.0, max * 2.0)
        } else {
            (min, max)
        };
        let factor = (hi / lo).powf(0.05);
        return lo / factor..hi * factor;
    }
    if min == max {
        let half = if min == 0.0 { 0.5 } else { min.abs() * 0.1 };
        return min - half..max + half;
    }
    let margin = (max - min) * 0.05;
    min - margin..max + margin
}

fn legend_position(position: LegendPosition) -> SeriesLabelPosition {
    match position {
        LegendPosition::UpperRight => SeriesLabelPosition::UpperRight,
        LegendPosition::UpperLeft => SeriesLabelPosition::UpperLeft,
        LegendPosition::LowerRight => SeriesLabelPosition::LowerRight,
        LegendPosition::LowerLeft => SeriesLabelPosition::LowerLeft,
    }
}

/// Returns the requested axis range, if it can be drawn.
fn fixed_range(range: Option<(f64, f64)>, log: bool) -> Option<Range<f64>> {
    let (min, max) = range?;
    let drawable = min.is_finite() && max.is_finite() && min < max && (!log || min > 0.0);
    drawable.then_some(min..max)
}

/// Formats a tick label: whole numbers without a decimal point, others with at most four
/// significant digits, and very large or small magnitudes in exponent form.
fn tick_label(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e7).contains(&magnitude) {
        format!("{value:.1e}")
    } else if value.fract() == 0.0 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Splits `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_range_is_widened() {
        let range = axis_range(vec![2.0, 2.0], false);
        assert!(range.start < 2.0);
        assert!(range.end > 2.0);
    }

    #[test]
    fn empty_log_range_is_positive() {
        let range = axis_range(vec![f64::NAN, -1.0], true);
        assert!(range.start > 0.0);
        assert!(range.end > range.start);
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(2000.0), "2000");
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(tick_label(1e8), "1.0e8");
        assert_eq!(tick_label(0.0), "0");
    }

    #[test]
    fn wrap_keeps_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
    }
}
