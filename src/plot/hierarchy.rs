//! The figures of the hierarchy experiments (Schmidhuber, NIPS 4, 1991; Neural Computation
//! 4(2), 1992; habilitation thesis 1993, chapter 7; the ZiF automaton demo): ticks per
//! level over training, and training sequences to solve against the lag for the hierarchy
//! and the conventional net, with the papers' numbers marked where they give one.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::figure::{self, Figure, LegendPosition, Marker, Series, SeriesKind};
use super::table::read_table;
use crate::error::{Error, Result};
use crate::experiment::hierarchy::{Config, PaperModel};
use crate::experiment::records::{CURVES_FILE, SIDECAR_FILE, SUMMARY_FILE};
use crate::experiment::sidecar;
use crate::experiment::table::group_digits;

/// Draws `out/NAME_ticks` and `out/NAME_sequences_to_solve`. The figure across all
/// hierarchy experiments is [`draw_lags`], which the caller draws once.
///
/// # Errors
/// [`Error::Malformed`] when a record file or the sidecar lacks a column or key;
/// [`Error::Io`] when a file cannot be read or written.
pub fn draw(dir: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let records = Records::read(dir)?;
    let ticks = draw_ticks(&records, out)?;
    let solve = draw_sequences_to_solve(&records, out)?;
    Ok(vec![ticks, solve])
}

/// The records of one hierarchy experiment folder.
struct Records {
    name: String,
    config: Config,
    budget: String,
    sequences_per_run: f64,
    curves: super::table::Table,
    summary: super::table::Table,
}

impl Records {
    fn read(dir: &Path) -> Result<Self> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sidecar_path = dir.join(SIDECAR_FILE);
        let side = sidecar::read_table(&sidecar_path)?;
        let malformed = |message: String| Error::Malformed {
            path: sidecar_path.clone(),
            message,
        };
        let config: Config = side
            .get("config")
            .cloned()
            .ok_or_else(|| malformed("missing table `config`".into()))?
            .try_into()
            .map_err(|e: toml::de::Error| malformed(format!("table `config`: {e}")))?;
        let budget = side
            .get("budget")
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .to_string();
        let sequences_per_run = side
            .get("sequences_per_run")
            .and_then(toml::Value::as_integer)
            .ok_or_else(|| malformed("missing integer `sequences_per_run`".into()))?
            as f64;
        Ok(Self {
            name,
            config,
            budget,
            sequences_per_run,
            curves: read_table(&dir.join(CURVES_FILE))?,
            summary: read_table(&dir.join(SUMMARY_FILE))?,
        })
    }

    /// Sequences to solve per run for the hierarchy and the conventional net, `None`
    /// for a run that did not solve the task within its budget.
    fn solve_counts(&self) -> Result<[Vec<Option<u64>>; 2]> {
        Ok([
            self.summary.optional_integers("sequences_to_solve")?,
            self.summary
                .optional_integers("conventional_sequences_to_solve")?,
        ])
    }
}

/// Draws the ticks of each level against training sequences, all runs, log y axis.
fn draw_ticks(records: &Records, out: &Path) -> Result<PathBuf> {
    let models = records.curves.texts("model")?;
    let runs = records.curves.integers("run")?;
    let sequences = records.curves.floats("sequences")?;
    let levels = records.curves.integers("level")?;
    let ticks = records.curves.floats("ticks")?;

    // One series per level; runs are joined with a NaN point so that each run is its own
    // line segment.
    let mut by_level: BTreeMap<u64, Series> = BTreeMap::new();
    let mut last_run: BTreeMap<u64, u64> = BTreeMap::new();
    for i in 0..models.len() {
        if models[i] != "hierarchy" {
            continue;
        }
        let series = by_level
            .entry(levels[i])
            .or_insert_with(|| Series::line(format!("level {}", levels[i]), Vec::new()));
        if last_run
            .insert(levels[i], runs[i])
            .is_some_and(|r| r != runs[i])
        {
            series.points.push((f64::NAN, f64::NAN));
        }
        // A level that has not ticked yet has 0 ticks, which the log axis cannot show.
        if ticks[i] > 0.0 {
            series.points.push((sequences[i], ticks[i]));
        }
    }

    let chart = Figure {
        title: format!("{}: ticks per level", records.name),
        caption: format!(
            "Cumulative ticks of each level of the predictor hierarchy against training \
             sequences, one line per run; level s + 1 ticks only when level s fails, so \
             higher levels run on ever slower time scales. A level starts its line at its \
             first tick (0 ticks cannot be shown on the log axis). Budget: {}, {} sequences \
             per run. Paper: {}.",
            records.budget,
            group_digits(records.sequences_per_run as u64),
            records.config.paper.result
        ),
        x_label: "training sequences".into(),
        y_label: "ticks (cumulative)".into(),
        y_log: true,
        series: by_level.into_values().collect(),
        legend: LegendPosition::Auto,
        ..Figure::default()
    };
    let stem = out.join(format!("{}_ticks", records.name));
    figure::draw(&chart, &stem)?;
    Ok(stem)
}

/// Draws the fraction of runs solved within n sequences, hierarchy against conventional net.
fn draw_sequences_to_solve(records: &Records, out: &Path) -> Result<PathBuf> {
    let [hierarchy, conventional] = records.solve_counts()?;
    let mut series = Vec::new();
    for (label, counts) in [
        ("hierarchy", &hierarchy),
        ("conventional net", &conventional),
    ] {
        let solved: Vec<f64> = counts.iter().flatten().map(|&n| n as f64).collect();
        let mut points = super::ecdf(&solved);
        // Scale to the fraction of all runs, so unsolved runs keep the curve below 1.
        let scale = solved.len() as f64 / counts.len().max(1) as f64;
        for point in &mut points {
            point.1 *= scale;
        }
        points.push((records.sequences_per_run, scale));
        series.push(Series {
            label: format!("{label}: {} of {} runs solved", solved.len(), counts.len()),
            points,
            kind: SeriesKind::Steps,
        });
    }
    let mut markers = vec![Marker::Vertical {
        label: format!("budget ({} sequences)", records.sequences_per_run),
        x: records.sequences_per_run,
    }];
    if let Some(x) = records.config.paper.sequences {
        markers.push(Marker::Vertical {
            label: format!(
                "paper, {}: {x} sequences",
                model_name(records.config.paper.sequences_model)
            ),
            x,
        });
    }
    let chart = Figure {
        title: format!("{}: training sequences to solve", records.name),
        caption: format!(
            "Fraction of runs that solved the task (target within {} for {} consecutive \
             sequences) within n training sequences; both models see the same stream with \
             the same budget. Paper: {}.",
            records.config.success.error,
            records.config.success.window,
            records.config.paper.result
        ),
        x_label: "training sequences".into(),
        y_label: "fraction of runs solved".into(),
        x_log: true,
        series,
        markers,
        y_range: Some((0.0, 1.05)),
        legend: LegendPosition::Auto,
        ..Figure::default()
    };
    let stem = out.join(format!("{}_sequences_to_solve", records.name));
    figure::draw(&chart, &stem)?;
    Ok(stem)
}

/// Draws `out/hierarchy_sequences_vs_lag`: sequences to solve against the lag for every
/// hierarchy experiment under `data_root`, on log axes. Returns `None` when no folder there
/// contains hierarchy records. Runs that did not solve are drawn at their budget as open
/// markers, and the two models sit slightly left and right of each lag.
///
/// # Errors
/// As [`draw`].
pub fn draw_lags(data_root: &Path, out: &Path) -> Result<Option<PathBuf>> {
    let mut folders: Vec<PathBuf> = fs::read_dir(data_root)
        .map_err(|e| Error::io("read", data_root, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| is_hierarchy_folder(path))
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Ok(None);
    }

    let kinds = [
        ("hierarchy, solved", SeriesKind::Points),
        ("hierarchy, not solved (at budget)", SeriesKind::OpenPoints),
        ("conventional net, solved", SeriesKind::Triangles),
        (
            "conventional net, not solved (at budget)",
            SeriesKind::OpenTriangles,
        ),
    ];
    let mut series: Vec<Series> = kinds
        .iter()
        .map(|&(label, kind)| Series {
            label: label.to_string(),
            points: Vec::new(),
            kind,
        })
        .collect();
    let mut markers = Vec::new();
    let mut names = Vec::new();
    for folder in &folders {
        let records = Records::read(folder)?;
        let lag = records.config.task.lag();
        let [hierarchy, conventional] = records.solve_counts()?;
        let shifted = [
            (0, &hierarchy, lag / LAG_SHIFT),
            (2, &conventional, lag * LAG_SHIFT),
        ];
        for (offset, counts, x) in shifted {
            for count in counts {
                match count {
                    Some(n) => series[offset].points.push((x, *n as f64)),
                    None => series[offset + 1]
                        .points
                        .push((x, records.sequences_per_run)),
                }
            }
        }
        if let Some(y) = records.config.paper.sequences {
            markers.push(paper_marker(&records, lag, y));
        }
        names.push(format!("{} (lag {lag})", records.name));
    }

    let chart = Figure {
        title: "Hierarchy against conventional net: sequences to solve by lag".into(),
        caption: format!(
            "Training sequences until each run solved its task, against the lag between the \
             deciding symbol and the target (the automaton's lag is its mean). Filled dots: \
             hierarchy; filled triangles: conventional net; open markers: runs that did not \
             solve, drawn at their budget. Hierarchy runs sit slightly left of their lag and \
             conventional runs slightly right, so that both stay visible. Experiments: {}. \
             Black crosses: the papers' numbers; black downward triangles with \"<\": numbers \
             the papers give only as upper bounds (e.g. \"< 600 sequences\").",
            names.join(", ")
        ),
        x_label: "lag (steps)".into(),
        y_label: "training sequences to solve".into(),
        x_log: true,
        y_log: true,
        series,
        markers,
        // Room below the data where the legend can go: every count here is above 100.
        x_range: Some((1.0, 5000.0)),
        y_range: Some((1.0, 100_000.0)),
        legend: LegendPosition::Auto,
    };
    let stem = out.join("hierarchy_sequences_vs_lag");
    figure::draw(&chart, &stem)?;
    Ok(Some(stem))
}

/// The factor by which the two models' points are moved left and right of their lag.
const LAG_SHIFT: f64 = 1.12;

/// Returns the marker of a paper's number: an upper bound when the paper's result states it
/// as "< N" with N the number, a point otherwise.
fn paper_marker(records: &Records, lag: f64, y: f64) -> Marker {
    let model = model_name(records.config.paper.sequences_model);
    let bound = format!("< {}", group_digits(y as u64));
    if y.fract() == 0.0 && records.config.paper.result.contains(&bound) {
        Marker::UpperBound {
            label: format!("paper, {model}: {} ({bound})", records.name),
            x: lag,
            y,
        }
    } else {
        Marker::Point {
            label: format!(
                "paper, {model}: {} ({})",
                records.name,
                group_digits(y as u64)
            ),
            x: lag,
            y,
        }
    }
}

fn model_name(model: PaperModel) -> &'static str {
    match model {
        PaperModel::Hierarchy => "hierarchy",
        PaperModel::Conventional => "conventional net",
    }
}

fn is_hierarchy_folder(path: &Path) -> bool {
    let sidecar_path = path.join(SIDECAR_FILE);
    sidecar_path.is_file()
        && path.join(SUMMARY_FILE).is_file()
        && sidecar::read_table(&sidecar_path)
            .ok()
            .is_some_and(|table| sidecar::kind(&table) == Some("hierarchy"))
}
