//! Tracing the predictor hierarchy (Schmidhuber, Neural Computation 4(2), 1992; the
//! "Standardaufgabe" of the 1993 habilitation thesis). This file feeds a hierarchy its
//! task's stream, trains one on the standard task with the papers' settings for
//! `chunker trace --train`, and writes the standard stream as bytes for the compressor.

use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{StepRecord, SystemKind, TraceStep, Traced};
use crate::compression::{SurpriseRule, TimeCode};
use crate::error::{Error, Result};
use crate::experiment::hierarchy::{Config, TaskConfig};
use crate::experiment::saved_models::{in_stored_config, stored_config};
use crate::hierarchy::{Hierarchy, HierarchySpec, LevelSpec, Observation, PlateauTest, Training};
use crate::saved::SavedModel;
use crate::saved::hierarchy::{hierarchy_model, load_hierarchy};
use crate::tasks::StandardTask;

/// ChaCha stream of the training inputs; the weights use the seed's default stream 0.
const TRAINING_STREAM: u64 = 1;

/// The two-level hierarchy of the 1993 thesis on the standard task of lag `lag`, with the
/// settings of `experiments/hierarchy_standard_m20.toml`: logistic levels of `hidden`
/// units with output feedback, weights in [-0.2, 0.2], learning rate 1.0, truncated BPTT
/// over 3 steps, the 1992 surprise rule (largest absolute error above 0.2), no time code,
/// the target as an extra input, and a new level when the top level's unexpected rate
/// stops improving by 5 % over 3 windows of 10 sequences.
pub fn standard_hierarchy_spec(lag: usize, hidden: usize, max_levels: usize) -> HierarchySpec {
    HierarchySpec {
        symbols: lag.saturating_add(2),
        targets: true,
        target_input: true,
        surprise: SurpriseRule::Threshold { threshold: 0.2 },
        time_code: TimeCode::None,
        levels: vec![LevelSpec {
            hidden,
            output_feedback: true,
            weight_range: 0.2,
            learning_rate: 1.0,
            training: Training::TruncatedBptt { horizon: 3 },
            symbol_loss: true,
        }],
        max_levels,
        plateau: Some(PlateauTest {
            window: 10 * (lag as u64 + 1),
            patience: 3,
            tolerance: 0.05,
            measure: Default::default(),
        }),
        // The levels get no sequence boundaries, because the standard task's stream has none.
        sequence_starts_unexpected: false,
        reset_at_sequence_start: false,
    }
}

/// A hierarchy being fed its task's stream: the target given at one step becomes part of
/// the next input, as in the hierarchy experiments.
pub struct HierarchyFeed {
    pub hierarchy: Hierarchy,
    pub task: TaskConfig,
    pending_target: Option<f64>,
}

impl HierarchyFeed {
    /// # Errors
    /// [`Error::InvalidValue`] when the hierarchy's alphabet is not the task's.
    pub fn new(hierarchy: Hierarchy, task: TaskConfig) -> Result<Self> {
        let symbols = task.symbols()?;
        if hierarchy.spec().symbols != symbols {
            return Err(Error::invalid(
                "symbols",
                hierarchy.spec().symbols,
                format!("expected {symbols} symbols for the {}", task.describe()),
            ));
        }
        Ok(Self {
            hierarchy,
            task,
            pending_target: None,
        })
    }
}

impl Traced for HierarchyFeed {
    fn kind(&self) -> SystemKind {
        SystemKind::Hierarchy
    }

    fn labels(&self) -> Vec<String> {
        (1..=self.hierarchy.levels().len())
            .map(|level| format!("level {level}"))
            .collect()
    }

    fn symbol_name(&self, symbol: usize) -> String {
        self.task.symbol_name(symbol)
    }

    fn sequence_length(&self) -> Option<usize> {
        self.task.sequence_length()
    }

    fn stream(&self, rng: ChaCha8Rng) -> Box<dyn Iterator<Item = TraceStep>> {
        self.task.stream(rng).map_or_else(
            |_| Box::new(std::iter::empty()) as Box<dyn Iterator<Item = TraceStep>>,
            |stream| {
                Box::new(stream.map(|s| TraceStep {
                    symbol: s.symbol,
                    target: s.target,
                    first: s.position == 0,
                }))
            },
        )
    }

    /// Records which levels ticked and which found the input unexpected (their failure
    /// counts grew).
    fn feed(&mut self, step: TraceStep) -> Result<StepRecord> {
        let before: Vec<u64> = self
            .hierarchy
            .levels()
            .iter()
            .map(|l| l.failures())
            .collect();
        let observation = Observation {
            symbol: step.symbol,
            target: self.pending_target.take(),
            sequence_start: step.first,
        };
        let outcome = self
            .hierarchy
            .step(observation)
            .map_err(|d| Error::Diverged {
                experiment: "trace".into(),
                run: 0,
                detail: format!("level {} at step {}: {}", d.level, d.step, d.detail),
            })?;
        self.pending_target = step.target;
        let levels = before.len();
        let after = self.hierarchy.levels();
        Ok(StepRecord {
            ticked: (0..levels).map(|i| i < outcome.ticked).collect(),
            unexpected: (0..levels)
                .map(|i| after[i].failures() > before[i])
                .collect(),
        })
    }
}

/// Trains a fresh hierarchy online on `sequences` sequences of the standard task; weights
/// and stream both derive from `seed`.
///
/// # Errors
/// [`Error::InvalidValue`] for a bad lag or spec; [`Error::Diverged`] when a level's loss
/// or weights stop being finite.
pub fn train_on_standard(
    spec: HierarchySpec,
    lag: usize,
    sequences: u64,
    seed: u64,
) -> Result<HierarchyFeed> {
    let task = StandardTask::new(lag)?;
    let hierarchy = Hierarchy::from_seed(spec, seed)?;
    let mut feed = HierarchyFeed::new(hierarchy, TaskConfig::Standard { lag })?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(TRAINING_STREAM);
    let steps = sequences.saturating_mul(task.sequence_length() as u64);
    for step in task
        .stream(rng)
        .take(usize::try_from(steps).unwrap_or(usize::MAX))
    {
        feed.feed(TraceStep {
            symbol: step.symbol,
            target: step.target,
            first: step.position == 0,
        })?;
    }
    Ok(feed)
}

/// The bytes of `sequences` sequences of the standard stream drawn from `seed`: one byte
/// per symbol, its index (0 = a, 1 = x, i + 1 = b_i).
///
/// # Errors
/// [`Error::InvalidValue`] when the lag is 0 or above 254, so that a symbol fits a byte.
pub fn standard_stream_bytes(lag: usize, sequences: u64, seed: u64) -> Result<Vec<u8>> {
    if lag > 254 {
        return Err(Error::invalid(
            "--lag",
            lag,
            "expected 1 ..= 254, so that every symbol fits one byte",
        ));
    }
    let task = StandardTask::new(lag)?;
    let steps = sequences.saturating_mul(task.sequence_length() as u64);
    let steps = usize::try_from(steps).map_err(|_| {
        Error::invalid(
            "--sequences",
            sequences,
            "expected a stream that fits in memory",
        )
    })?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(TRAINING_STREAM);
    task.stream(rng)
        .take(steps)
        .map(|step| {
            u8::try_from(step.symbol).map_err(|_| Error::invalid("symbol", step.symbol, "<= 255"))
        })
        .collect()
}

/// The metadata keys saved with a hierarchy trained on the standard task.
pub fn standard_metadata(lag: usize, sequences: u64, seed: u64) -> toml::Table {
    let mut table = toml::Table::new();
    table.insert("task".into(), "standard".into());
    table.insert(
        "lag".into(),
        toml::Value::Integer(i64::try_from(lag).unwrap_or(i64::MAX)),
    );
    table.insert(
        "training_sequences".into(),
        toml::Value::Integer(i64::try_from(sequences).unwrap_or(i64::MAX)),
    );
    // TOML integers are i64, so the seed is stored as text to keep every u64 exact.
    table.insert("seed".into(), seed.to_string().into());
    table
}

/// The trained hierarchy as a saved model with [`standard_metadata`].
///
/// # Errors
/// As [`hierarchy_model`].
pub fn to_saved_model(
    feed: &HierarchyFeed,
    lag: usize,
    sequences: u64,
    seed: u64,
) -> Result<SavedModel> {
    hierarchy_model(&feed.hierarchy, standard_metadata(lag, sequences, seed))
}

/// The task of a hierarchy model's metadata: the config's task for a model saved by
/// `chunker run --save-model`, or the standard task of `lag` for one saved by
/// `chunker trace --train --save-model`.
///
/// # Errors
/// [`Error::Malformed`] naming `path` when the metadata names no task.
pub fn saved_task(metadata: &toml::Table, path: &Path) -> Result<TaskConfig> {
    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    if metadata.contains_key("config") {
        let (kind, text) = stored_config(metadata, path)?;
        if kind != "hierarchy" {
            return Err(malformed(format!(
                "a hierarchy model whose config has kind {kind:?}, expected \"hierarchy\""
            )));
        }
        return Ok(Config::parse(&text, path)
            .map_err(in_stored_config(path))?
            .task);
    }
    if metadata.get("task").and_then(toml::Value::as_str) != Some("standard") {
        return Err(malformed(
            "metadata has neither a `config` table nor `task = \"standard\"`".into(),
        ));
    }
    let lag = metadata
        .get("lag")
        .and_then(toml::Value::as_integer)
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| malformed("metadata `lag` is missing or not a positive integer".into()))?;
    StandardTask::new(lag).map_err(|e| malformed(e.to_string()))?;
    Ok(TaskConfig::Standard { lag })
}

/// Loads a saved hierarchy and returns it ready to be fed its task, with its metadata.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Malformed`] naming `path` when it
/// is not a hierarchy model or its task does not fit its nets.
pub fn load_feed(path: &Path) -> Result<(HierarchyFeed, toml::Table)> {
    let (hierarchy, metadata) = load_hierarchy(path)?;
    feed_from_parts(hierarchy, metadata, path)
}

/// [`load_feed`] for a hierarchy already rebuilt from its model.
///
/// # Errors
/// As [`load_feed`].
pub fn feed_from_parts(
    hierarchy: Hierarchy,
    metadata: toml::Table,
    path: &Path,
) -> Result<(HierarchyFeed, toml::Table)> {
    let task = saved_task(&metadata, path)?;
    let feed = HierarchyFeed::new(hierarchy, task).map_err(|e| Error::Malformed {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok((feed, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::trace;

    #[test]
    fn saved_model_round_trip_gives_same_trace() {
        let spec = standard_hierarchy_spec(4, 1, 2);
        let trained = train_on_standard(spec.clone(), 4, 300, 5).unwrap();
        let model = to_saved_model(&trained, 4, 300, 5).unwrap();
        let bytes = crate::saved::encode(&model).unwrap();
        let path = Path::new("m");
        let loaded = crate::saved::decode(&bytes, path).unwrap();
        let (hierarchy, _) = crate::saved::hierarchy::hierarchy_from_model(loaded, path).unwrap();
        let mut a = HierarchyFeed::new(hierarchy, trained.task).unwrap();
        let model = to_saved_model(&trained, 4, 300, 5).unwrap();
        let (hierarchy, _) = crate::saved::hierarchy::hierarchy_from_model(model, path).unwrap();
        let mut b = HierarchyFeed::new(hierarchy, trained.task).unwrap();
        let first = trace(&mut a, 50, 3).unwrap();
        let second = trace(&mut b, 50, 3).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.levels(), trained.hierarchy.levels().len());
    }

    #[test]
    fn every_step_reaches_level_one() {
        let spec = standard_hierarchy_spec(3, 1, 2);
        let mut feed = train_on_standard(spec, 3, 20, 1).unwrap();
        let trace = trace(&mut feed, 30, 2).unwrap();
        assert!(trace.ticked[0].iter().all(|t| *t));
        for level in 1..trace.levels() {
            // A level added during the trace has no ticks before it exists.
            let Some(first) = trace.ticked[level].iter().position(|t| *t) else {
                continue;
            };
            for step in first..trace.steps() {
                let passed_up = trace.unexpected[level - 1][step];
                assert_eq!(
                    trace.ticked[level][step], passed_up,
                    "level {level} step {step}"
                );
            }
        }
    }
}
