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
/// Space right of the chart in pixels. The last x tick label is centred on the chart's
/// right edge, so half of the widest label must fit here: "1000000" at 13 px is about
/// 58 px wide in DejaVu Sans (7 digits of 0.64 em each).
const RIGHT_MARGIN: u32 = 40;
/// Mantissas that get a tick label on a log axis. plotters puts a tick at every integer
/// mantissa when the axis spans under two powers of ten, and labels at 8000, 9000 and
/// 10000 then overlap.
const LOG_LABEL_MANTISSAS: [f64; 4] = [1.0, 2.0, 5.0, 10.0];
/// Light grid lines per labelled tick requested from plotters on a log axis. plotters
/// 0.3.7 spaces a log axis's light lines evenly in value, up to 99 per power of ten at its
/// default of 10, and they crowd into a grey band below each power. With 9 an axis of 1 to 9 powers of
/// ten gets 9 light lines per power, one at each integer mantissa.
const LOG_LIGHT_LINES: usize = 9;
/// Light grid lines per labelled tick on a linear axis, plotters' default.
const LINEAR_LIGHT_LINES: usize = 10;

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
        .margin_right(RIGHT_MARGIN)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x, y)
        .map_err(error)?;
    let light_lines = |log: bool| {
        if log {
            LOG_LIGHT_LINES
        } else {
            LINEAR_LIGHT_LINES
        }
    };
    chart
        .configure_mesh()
        .x_desc(&figure.x_label)
        .y_desc(&figure.y_label)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .x_label_formatter(&|v: &f64| axis_tick_label(*v, figure.x_log))
        .y_label_formatter(&|v: &f64| axis_tick_label(*v, figure.y_log))
        .x_max_light_lines(light_lines(figure.x_log))
        .y_max_light_lines(light_lines(figure.y_log))
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
            let points = segment.iter().copied();
            let drawn = match series.kind {
                SeriesKind::Line | SeriesKind::Steps if segment.len() > 1 => chart
                    .draw_series(LineSeries::new(points, color.stroke_width(2)))
                    .map_err(error)?,
                SeriesKind::OpenPoints => chart
                    .draw_series(points.map(|p| Circle::new(p, 5, color.stroke_width(2))))
                    .map_err(error)?,
                SeriesKind::Triangles => chart
                    .draw_series(points.map(|p| TriangleMarker::new(p, 6, color.filled())))
                    .map_err(error)?,
                // plotters fills a `TriangleMarker` whatever its style, so an open triangle
                // is a closed path around the point.
                SeriesKind::OpenTriangles => chart
                    .draw_series(points.map(|p| {
                        EmptyElement::at(p)
                            + PathElement::new(up_triangle(0, 0, 7), color.stroke_width(2))
                    }))
                    .map_err(error)?,
                // Filled dots, and a lone point of a line that has no neighbour to join.
                _ => chart
                    .draw_series(points.map(|p| Circle::new(p, 3, color.filled())))
                    .map_err(error)?,
            };
            if first && has_label {
                // A line with no two neighbouring points is drawn as dots, so is its sample.
                let lone_points = series.segments.iter().all(|s| s.len() == 1);
                let sample = if !series.kind.is_markers() && lone_points {
                    SeriesKind::Points
                } else {
                    series.kind
                };
                legend_sample(drawn.label(series.label.clone()), sample, color);
            }
            first = false;
        }
    }

    for marker in &figure.markers {
        let black = BLACK.stroke_width(1);
        match marker {
            Marker::Horizontal { label, y } if y.is_finite() => {
                chart
                    .draw_series(LineSeries::new([(x_min, *y), (x_max, *y)], black))
                    .map_err(error)?
                    .label(label.clone())
                    .legend(|(px, py)| {
                        PathElement::new(vec![(px, py), (px + 18, py)], BLACK.stroke_width(1))
                    });
            }
            Marker::Vertical { label, x } if x.is_finite() => {
                chart
                    .draw_series(LineSeries::new([(*x, y_min), (*x, y_max)], black))
                    .map_err(error)?
                    .label(label.clone())
                    .legend(|(px, py)| {
                        PathElement::new(
                            vec![(px + 9, py - 6), (px + 9, py + 6)],
                            BLACK.stroke_width(1),
                        )
                    });
            }
            Marker::Point { label, x, y } if x.is_finite() && y.is_finite() => {
                chart
                    .draw_series([Cross::new((*x, *y), 6, BLACK.stroke_width(2))])
                    .map_err(error)?
                    .label(label.clone())
                    .legend(|(px, py)| Cross::new((px + 9, py), 5, BLACK.stroke_width(2)));
            }
            Marker::UpperBound { label, x, y } if x.is_finite() && y.is_finite() => {
                let text = format!("< {}", tick_label(*y));
                let element = EmptyElement::at((*x, *y))
                    + Polygon::new(down_triangle(0, 0, 7), BLACK.filled())
                    + Text::new(text, (9, -7), (FAMILY, 13).into_font());
                chart
                    .draw_series([element])
                    .map_err(error)?
                    .label(label.clone())
                    .legend(|(px, py)| Polygon::new(down_triangle(px + 9, py, 6), BLACK.filled()));
            }
            _ => continue,
        }
        labelled = true;
    }

    if labelled {
        let position = match figure.legend {
            LegendPosition::Auto => least_covered_corner(figure, drawable, &chart),
            fixed => fixed,
        };
        chart
            .configure_series_labels()
            .label_font((FAMILY, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(legend_position(position))
            .draw()
            .map_err(error)?;
    }
    Ok(())
}

/// Sets the legend sample of a series to the mark it is drawn with: a short line for lines
/// and staircases, the marker itself for marker series.
fn legend_sample<DB: DrawingBackend>(
    annotation: &mut SeriesAnno<'_, DB>,
    kind: SeriesKind,
    color: RGBAColor,
) {
    match kind {
        SeriesKind::Line | SeriesKind::Steps => {
            annotation.legend(move |(px, py)| {
                PathElement::new(vec![(px, py), (px + 18, py)], color.stroke_width(2))
            });
        }
        SeriesKind::Points => {
            annotation.legend(move |(px, py)| Circle::new((px + 9, py), 3, color.filled()));
        }
        SeriesKind::OpenPoints => {
            annotation.legend(move |(px, py)| Circle::new((px + 9, py), 5, color.stroke_width(2)));
        }
        SeriesKind::Triangles => {
            annotation.legend(move |(px, py)| TriangleMarker::new((px + 9, py), 6, color.filled()));
        }
        SeriesKind::OpenTriangles => {
            annotation.legend(move |(px, py)| {
                PathElement::new(up_triangle(px + 9, py, 7), color.stroke_width(2))
            });
        }
    }
}

/// Returns a closed path around a triangle pointing up, centred on (`x`, `y`) in pixels.
fn up_triangle(x: i32, y: i32, size: i32) -> Vec<(i32, i32)> {
    let corners = [(x - size, y + size), (x + size, y + size), (x, y - size)];
    vec![corners[0], corners[1], corners[2], corners[0]]
}

/// Returns the corners of a triangle pointing down, centred on (`x`, `y`) in pixels.
fn down_triangle(x: i32, y: i32, size: i32) -> Vec<(i32, i32)> {
    vec![(x - size, y - size), (x + size, y - size), (x, y + size)]
}

/// Approximate legend metrics of plotters with a 13 px font, in pixels: one row per entry,
/// the box padding, the width of one label character and of the sample beside it.
const LEGEND_ROW: i32 = 17;
const LEGEND_PADDING: i32 = 14;
const LEGEND_CHARACTER: i32 = 7;
const LEGEND_SAMPLE: i32 = 45;
/// The weight of a marker line crossing the legend box against one covered data point.
const LINE_WEIGHT: usize = 50;

/// Picks the corner whose estimated legend box covers the fewest data points (lines count as
/// points sampled along them, marker lines count [`LINE_WEIGHT`] each). Ties go to the first
/// of upper right, upper left, lower right, lower left.
fn least_covered_corner<DB, X, Y>(
    figure: &Figure,
    drawable: &Drawable,
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
) -> LegendPosition
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let labels: Vec<&str> = drawable
        .series
        .iter()
        .map(|s| s.label.as_str())
        .chain(figure.markers.iter().map(marker_label))
        .filter(|label| !label.is_empty())
        .collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as i32;
    let width = longest * LEGEND_CHARACTER + LEGEND_SAMPLE;
    let height = labels.len() as i32 * LEGEND_ROW + LEGEND_PADDING;
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();

    let mut pixels: Vec<(i32, i32)> = Vec::new();
    for series in &drawable.series {
        for segment in &series.segments {
            for (index, &point) in segment.iter().enumerate() {
                let start = chart.backend_coord(&point);
                pixels.push(start);
                // Sample the line to the next point so that a box over a line counts.
                if !series.kind.is_markers()
                    && let Some(&next) = segment.get(index + 1)
                {
                    let end = chart.backend_coord(&next);
                    for step in 1..8 {
                        let t = f64::from(step) / 8.0;
                        let lerp = |a: i32, b: i32| a + (f64::from(b - a) * t) as i32;
                        pixels.push((lerp(start.0, end.0), lerp(start.1, end.1)));
                    }
                }
            }
        }
    }

    let corners = [
        (
            LegendPosition::UpperRight,
            x_pixels.end - width,
            y_pixels.start,
        ),
        (LegendPosition::UpperLeft, x_pixels.start, y_pixels.start),
        (
            LegendPosition::LowerRight,
            x_pixels.end - width,
            y_pixels.end - height,
        ),
        (
            LegendPosition::LowerLeft,
            x_pixels.start,
            y_pixels.end - height,
        ),
    ];
    let covered = |left: i32, top: i32| {
        let inside_x = |x: i32| (left..left + width).contains(&x);
        let inside_y = |y: i32| (top..top + height).contains(&y);
        let points = pixels
            .iter()
            .filter(|&&(x, y)| inside_x(x) && inside_y(y))
            .count();
        let lines = figure
            .markers
            .iter()
            .filter(|marker| match **marker {
                Marker::Horizontal { y, .. } => {
                    y.is_finite() && inside_y(chart.backend_coord(&(x_mid(chart), y)).1)
                }
                Marker::Vertical { x, .. } => {
                    x.is_finite() && inside_x(chart.backend_coord(&(x, y_mid(chart))).0)
                }
                Marker::Point { x, y, .. } | Marker::UpperBound { x, y, .. } => {
                    let (px, py) = chart.backend_coord(&(x, y));
                    x.is_finite() && y.is_finite() && inside_x(px) && inside_y(py)
                }
            })
            .count();
        points + LINE_WEIGHT * lines
    };
    corners
        .iter()
        .min_by_key(|&&(_, left, top)| covered(left, top))
        .map_or(LegendPosition::UpperRight, |&(position, _, _)| position)
}

fn x_mid<DB: DrawingBackend, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
) -> f64 {
    let range = chart.x_range();
    range.start + (range.end - range.start) / 2.0
}

fn y_mid<DB: DrawingBackend, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
) -> f64 {
    let range = chart.y_range();
    range.start + (range.end - range.start) / 2.0
}

fn marker_label(marker: &Marker) -> &str {
    match marker {
        Marker::Horizontal { label, .. }
        | Marker::Vertical { label, .. }
        | Marker::Point { label, .. }
        | Marker::UpperBound { label, .. } => label,
    }
}

/// The drawable part of a figure: each series cut into segments of finite points (and
/// positive ones on a log axis), with a count of what was left out and why.
struct Drawable {
    series: Vec<DrawableSeries>,
    markers: Vec<(f64, f64)>,
    total: usize,
    /// Per series label: points with a NaN or infinite coordinate, and points at or below
    /// 0 on a log axis.
    skipped: Vec<(String, usize, usize)>,
}

struct DrawableSeries {
    label: String,
    kind: SeriesKind,
    segments: Vec<Vec<(f64, f64)>>,
}

/// Returns whether `point` is a deliberate break between line segments, which is not counted as a
/// skipped point.
fn is_break((x, y): (f64, f64)) -> bool {
    x.is_nan() && y.is_nan()
}

impl Drawable {
    fn of(figure: &Figure) -> Self {
        let finite = |(x, y): (f64, f64)| x.is_finite() && y.is_finite();
        let on_log_axes =
            |(x, y): (f64, f64)| (!figure.x_log || x > 0.0) && (!figure.y_log || y > 0.0);
        let usable = |point| finite(point) && on_log_axes(point);
        let mut skipped = Vec::new();
        let mut total = 0;
        let mut series = Vec::new();
        for s in &figure.series {
            let points = staircase(s);
            let given: Vec<_> = s.points.iter().copied().filter(|&p| !is_break(p)).collect();
            total += given.len();
            let non_finite = given.iter().filter(|&&p| !finite(p)).count();
            let off_log = given
                .iter()
                .filter(|&&p| finite(p) && !on_log_axes(p))
                .count();
            if non_finite + off_log > 0 {
                skipped.push((s.label.clone(), non_finite, off_log));
            }
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
                Marker::Point { x, y, .. } | Marker::UpperBound { x, y, .. } => vec![(x, y)],
            })
            .collect();
        Self {
            series,
            markers,
            total,
            skipped,
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

    /// Returns a line for the caption when some or all points could not be drawn, naming
    /// each series that lost points and the reason.
    fn note(&self) -> Option<String> {
        if self.points().next().is_none() {
            return Some(format!(
                "Note: no data to draw ({} points given, none finite{}).",
                self.total,
                if self.total == 0 { "" } else { " and in range" }
            ));
        }
        if self.skipped.is_empty() {
            return None;
        }
        let mut reasons = Vec::new();
        let mut count = 0;
        for (label, non_finite, off_log) in &self.skipped {
            let name = if label.is_empty() {
                "an unlabelled series".to_string()
            } else {
                format!("\"{label}\"")
            };
            if *non_finite > 0 {
                reasons.push(format!("{non_finite} of {name} are NaN or infinite"));
            }
            if *off_log > 0 {
                reasons.push(format!(
                    "{off_log} of {name} are 0 or negative, which a log axis cannot show"
                ));
            }
            count += non_finite + off_log;
        }
        Some(format!(
            "Note: {count} of {} points are not drawn: {}.",
            self.total,
            reasons.join("; ")
        ))
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

/// Returns an axis range covering the finite `values` (positive ones on a log axis) with a
/// margin. With no values it is [0, 1] (or [1, 10] on a log axis). A linear axis with a
/// single value runs from 0 to past that value. A log axis starts at a power of ten and is
/// widened to whole powers of ten until it contains at least two, so that at least two
/// ticks are labelled.
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
        // plotters labels a log axis from its first power of ten, so the range starts at
        // one: otherwise the values below it would have no label.
        let factor = (max / min).powf(0.05);
        let lower = 10f64.powf((min / factor).log10().floor());
        return whole_decades(lower, max * factor);
    }
    if min == max {
        return match min {
            v if v > 0.0 => 0.0..v * 1.1,
            v if v < 0.0 => v * 1.1..0.0,
            _ => 0.0..1.0,
        };
    }
    let margin = (max - min) * 0.05;
    min - margin..max + margin
}

/// Returns `lo..hi` widened to the enclosing powers of ten when it contains fewer than two.
fn whole_decades(lo: f64, hi: f64) -> Range<f64> {
    let powers = hi.log10().floor() - lo.log10().ceil() + 1.0;
    if powers >= 2.0 {
        return lo..hi;
    }
    let lower = 10f64.powf(lo.log10().floor());
    let mut upper = 10f64.powf(hi.log10().ceil());
    if upper <= lower {
        upper = lower * 10.0;
    }
    lower..upper
}

fn legend_position(position: LegendPosition) -> SeriesLabelPosition {
    match position {
        // `Auto` is resolved to a corner before drawing.
        LegendPosition::UpperRight | LegendPosition::Auto => SeriesLabelPosition::UpperRight,
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

/// Formats the label of the tick at `value`, or an empty label for a tick on a log axis
/// whose mantissa is not 1, 2 or 5, so that the labels of a short log axis do not overlap.
/// The unlabelled ticks keep their grid lines.
fn axis_tick_label(value: f64, log: bool) -> String {
    if log && !has_round_mantissa(value) {
        return String::new();
    }
    tick_label(value)
}

/// Returns whether `value` is 1, 2 or 5 times a power of ten, up to rounding.
fn has_round_mantissa(value: f64) -> bool {
    if !(value.is_finite() && value > 0.0) {
        return false;
    }
    // log10 of an exact power of ten may come out just below the integer, which gives a
    // mantissa of about 10; LOG_LABEL_MANTISSAS lists 10 for that case.
    let mantissa = value / 10f64.powf(value.log10().floor());
    LOG_LABEL_MANTISSAS
        .iter()
        .any(|&round| (mantissa - round).abs() <= 1e-9 * round)
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
    fn single_value_range_starts_at_zero() {
        let positive = axis_range(vec![200.0], false);
        assert_eq!(positive.start, 0.0);
        assert!((positive.end - 220.0).abs() < 1e-9, "{positive:?}");
        let negative = axis_range(vec![-4.0, -4.0], false);
        assert!((negative.start + 4.4).abs() < 1e-9, "{negative:?}");
        assert_eq!(negative.end, 0.0);
    }

    #[test]
    fn log_range_has_two_powers_of_ten() {
        for values in [vec![5.0], vec![300.0, 400.0], vec![9.0, 11.0], vec![1000.0]] {
            let range = axis_range(values.clone(), true);
            let powers = range.end.log10().floor() - range.start.log10().ceil() + 1.0;
            assert!(powers >= 2.0, "{values:?} gave {range:?}");
            for v in values {
                assert!(range.contains(&v), "{v} outside {range:?}");
            }
        }
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
    fn log_ticks_label_round_mantissas() {
        for value in [1.0, 2.0, 5.0, 10.0, 2000.0, 5000.0, 10000.0, 1e6, 0.02] {
            assert_eq!(axis_tick_label(value, true), tick_label(value), "{value}");
        }
        for value in [3000.0, 7000.0, 9000.0, 0.3] {
            assert_eq!(axis_tick_label(value, true), "", "{value}");
        }
        assert_eq!(axis_tick_label(9000.0, false), "9000");
    }

    /// Renders `figure` at the size of the figure files and returns the RGB pixels.
    fn pixels(figure: &Figure) -> Vec<u8> {
        let (width, height) = super::super::figure::SIZE;
        let mut buffer = vec![0u8; (width * height * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buffer, (width, height)).into_drawing_area();
            super::super::font::register().expect("the bundled font registers");
            render(figure, &root).expect("the figure renders");
        }
        buffer
    }

    /// Builds a figure with a log x axis from 100 to 1000000, as in the distribution figure
    /// of the 20-step experiment. Its last tick label "1000000" is as wide as any label
    /// the axis formatter writes.
    fn wide_log_axis() -> Figure {
        Figure {
            title: "wide log axis".into(),
            x_label: "training sequences (log scale)".into(),
            y_label: "fraction".into(),
            x_log: true,
            series: vec![Series::line("runs", vec![(200.0, 0.1), (5e5, 0.9)])],
            x_range: Some((100.0, 1e6)),
            y_range: Some((0.0, 1.0)),
            legend: LegendPosition::UpperLeft,
            ..Figure::default()
        }
    }

    #[test]
    fn last_tick_label_fits_in_the_image() {
        let (width, height) = super::super::figure::SIZE;
        let buffer = pixels(&wide_log_axis());
        let right_edge_dark = (0..height)
            .filter(|&row| {
                let index = ((row * width + width - 1) * 3) as usize;
                buffer[index..index + 3]
                    .iter()
                    .any(|&channel| channel < 200)
            })
            .count();
        assert_eq!(right_edge_dark, 0, "dark pixels in the rightmost column");
    }

    #[test]
    fn wrap_keeps_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
    }
}
