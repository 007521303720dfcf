//! The trace view of history compression on the standard task (Schmidhuber, Neural
//! Computation 4(2), 1992; the "Standardaufgabe" of the 1993 habilitation thesis): which
//! inputs each level of the predictor hierarchy received (its ticks) and which it found
//! unexpected, step by step; training a hierarchy for it with the papers' settings; and the
//! standard stream written as bytes for the compressor.

use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::compression::{SurpriseRule, TimeCode};
use crate::error::{Error, Result};
use crate::hierarchy::{Hierarchy, HierarchySpec, LevelSpec, Observation, PlateauTest, Training};
use crate::saved::SavedModel;
use crate::saved::hierarchy::{hierarchy_model, load_hierarchy};
use crate::tasks::StandardTask;

/// ChaCha stream of the training inputs; the weights use the seed's default stream 0.
const TRAINING_STREAM: u64 = 1;
/// ChaCha stream of the inputs shown by a trace.
const TRACE_STREAM: u64 = 2;

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

/// A hierarchy being fed the standard stream: the target given at one step becomes part of
/// the next input, as in the hierarchy experiment.
pub struct StandardFeed {
    pub hierarchy: Hierarchy,
    pub task: StandardTask,
    pending_target: Option<f64>,
}

/// The effect of one step on each level.
struct StepRecord {
    ticked: Vec<bool>,
    unexpected: Vec<bool>,
}

impl StandardFeed {
    /// # Errors
    /// [`Error::InvalidValue`] when the hierarchy's alphabet is not the task's.
    pub fn new(hierarchy: Hierarchy, task: StandardTask) -> Result<Self> {
        if hierarchy.spec().symbols != task.symbols() {
            return Err(Error::invalid(
                "symbols",
                hierarchy.spec().symbols,
                format!(
                    "expected {} symbols for the standard task of lag {}",
                    task.symbols(),
                    task.lag()
                ),
            ));
        }
        Ok(Self {
            hierarchy,
            task,
            pending_target: None,
        })
    }

    /// Feeds one step and records which levels ticked and which found the input
    /// unexpected (their failure counts grew).
    fn feed(&mut self, step: crate::tasks::standard::Step) -> Result<StepRecord> {
        let before: Vec<u64> = self
            .hierarchy
            .levels()
            .iter()
            .map(|l| l.failures())
            .collect();
        let observation = Observation {
            symbol: step.symbol,
            target: self.pending_target.take(),
            sequence_start: step.position == 0,
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
) -> Result<StandardFeed> {
    let task = StandardTask::new(lag)?;
    let hierarchy = Hierarchy::from_seed(spec, seed)?;
    let mut feed = StandardFeed::new(hierarchy, task)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(TRAINING_STREAM);
    let steps = sequences.saturating_mul(task.sequence_length() as u64);
    for step in task
        .stream(rng)
        .take(usize::try_from(steps).unwrap_or(usize::MAX))
    {
        feed.feed(step)?;
    }
    Ok(feed)
}

/// A stretch of the standard stream as a hierarchy saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Symbol names, one per step (a, x, b1 .. bm).
    pub names: Vec<String>,
    /// Per level, per step: the level received the input.
    pub ticked: Vec<Vec<bool>>,
    /// Per level, per step: the level received the input and did not expect it.
    pub unexpected: Vec<Vec<bool>>,
}

impl Trace {
    pub fn steps(&self) -> usize {
        self.names.len()
    }

    pub fn levels(&self) -> usize {
        self.ticked.len()
    }

    /// The trace as CSV: `step`, `symbol`, then `level_K_ticked` and `level_K_unexpected`
    /// (true or false) for each level K.
    pub fn to_csv(&self) -> String {
        let mut text = String::from("step,symbol");
        for level in 1..=self.levels() {
            text.push_str(&format!(",level_{level}_ticked,level_{level}_unexpected"));
        }
        text.push('\n');
        for (step, name) in self.names.iter().enumerate() {
            text.push_str(&format!("{step},{name}"));
            for level in 0..self.levels() {
                text.push_str(&format!(
                    ",{},{}",
                    self.ticked[level][step], self.unexpected[level][step]
                ));
            }
            text.push('\n');
        }
        text
    }
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

/// Runs the hierarchy over `steps` fresh steps of the standard stream drawn from `seed`,
/// recording each level's ticks and unexpected inputs. The hierarchy keeps learning online
/// as it does in the experiment (only levels below the top are frozen); a level added
/// during the trace has no ticks before it exists.
///
/// # Errors
/// [`Error::Diverged`] when a level's loss or weights stop being finite.
pub fn trace_standard(feed: &mut StandardFeed, steps: usize, seed: u64) -> Result<Trace> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(TRACE_STREAM);
    let task = feed.task;
    let mut names = Vec::with_capacity(steps);
    let mut records = Vec::with_capacity(steps);
    for step in task.stream(rng).take(steps) {
        names.push(task.symbol_name(step.symbol));
        records.push(feed.feed(step)?);
    }
    let levels = feed.hierarchy.levels().len();
    let column = |pick: fn(&StepRecord) -> &Vec<bool>, level: usize| -> Vec<bool> {
        records
            .iter()
            .map(|r| pick(r).get(level).copied().unwrap_or(false))
            .collect()
    };
    Ok(Trace {
        names,
        ticked: (0..levels).map(|l| column(|r| &r.ticked, l)).collect(),
        unexpected: (0..levels).map(|l| column(|r| &r.unexpected, l)).collect(),
    })
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
pub fn to_saved_model(feed: &StandardFeed, sequences: u64, seed: u64) -> Result<SavedModel> {
    hierarchy_model(
        &feed.hierarchy,
        standard_metadata(feed.task.lag(), sequences, seed),
    )
}

/// Loads a hierarchy saved for the standard task and returns it ready to be fed, with its
/// metadata.
///
/// # Errors
/// [`Error::Malformed`] naming `path` when it is not such a model.
pub fn load_standard(path: &Path) -> Result<(StandardFeed, toml::Table)> {
    let (hierarchy, metadata) = load_hierarchy(path)?;
    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    if metadata.get("task").and_then(toml::Value::as_str) != Some("standard") {
        return Err(malformed(
            "metadata `task` is not \"standard\"; the trace runs the standard task".into(),
        ));
    }
    let lag = metadata
        .get("lag")
        .and_then(toml::Value::as_integer)
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| malformed("metadata `lag` is missing or not a positive integer".into()))?;
    let task = StandardTask::new(lag).map_err(|e| malformed(e.to_string()))?;
    let feed = StandardFeed::new(hierarchy, task).map_err(|e| malformed(e.to_string()))?;
    Ok((feed, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_model_round_trip_gives_same_trace() {
        let spec = standard_hierarchy_spec(4, 1, 2);
        let trained = train_on_standard(spec.clone(), 4, 300, 5).unwrap();
        let model = to_saved_model(&trained, 300, 5).unwrap();
        let bytes = crate::saved::encode(&model).unwrap();
        let path = Path::new("m");
        let loaded = crate::saved::decode(&bytes, path).unwrap();
        let (hierarchy, _) = crate::saved::hierarchy::hierarchy_from_model(loaded, path).unwrap();
        let mut a = StandardFeed::new(hierarchy, trained.task).unwrap();
        let model = to_saved_model(&trained, 300, 5).unwrap();
        let (hierarchy, _) = crate::saved::hierarchy::hierarchy_from_model(model, path).unwrap();
        let mut b = StandardFeed::new(hierarchy, trained.task).unwrap();
        let first = trace_standard(&mut a, 50, 3).unwrap();
        let second = trace_standard(&mut b, 50, 3).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.levels(), trained.hierarchy.levels().len());
    }

    #[test]
    fn every_step_reaches_level_one() {
        let spec = standard_hierarchy_spec(3, 1, 2);
        let mut feed = train_on_standard(spec, 3, 20, 1).unwrap();
        let trace = trace_standard(&mut feed, 30, 2).unwrap();
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
