//! The trace view of history compression on the standard task (Schmidhuber, Neural
//! Computation 4(2), 1992; the "Standardaufgabe" of the 1993 habilitation thesis): which
//! inputs each level of a predictor stack received (its ticks) and which it found
//! unexpected, step by step, plus training a stack for it and saving or loading it.
//!
//! The stack here predicts the next symbol only; the standard task's target unit is left
//! out, because the trace shows how the stream compresses, not whether the target is
//! learned.

use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::stack::{PredictorStack, StackConfig, TimeCode};
use crate::error::{Error, Result};
use crate::saved::{ModelKind, SavedModel, SavedNet};
use crate::tasks::StandardTask;

/// ChaCha stream of the training inputs; the weights use the seed's default stream 0.
const TRAINING_STREAM: u64 = 1;
/// ChaCha stream of the inputs shown by a trace.
const TRACE_STREAM: u64 = 2;

/// Settings of a stack trained on the standard task for the trace view.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceTraining {
    pub lag: usize,
    pub sequences: u64,
    pub stack: StackConfig,
}

impl TraceTraining {
    /// The stack's defaults for a task of lag `lag`: two levels of 8 tanh units, truncated
    /// BPTT over 4 steps, learning rate 0.5, weights in [-0.2, 0.2] as in the 1992
    /// experiment, decaying time code.
    pub fn stack_defaults(lag: usize) -> StackConfig {
        StackConfig {
            alphabet: lag.saturating_add(2),
            levels: 2,
            hidden: 8,
            horizon: 4,
            learning_rate: 0.5,
            init_range: 0.2,
            time_code: TimeCode::Decay,
            seed: 1,
        }
    }
}

/// A stretch of the standard stream as a stack saw it.
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

/// Trains a fresh stack online on `sequences` sequences of the standard task, drawn from
/// a generator seeded with the stack's seed.
///
/// # Errors
/// [`Error::InvalidValue`] for a bad lag or stack config; [`Error::Diverged`] when a
/// level's loss or weights stop being finite.
pub fn train_on_standard(training: &TraceTraining) -> Result<(PredictorStack, StandardTask)> {
    let task = StandardTask::new(training.lag)?;
    check_alphabet(&task, &training.stack)?;
    let mut stack = PredictorStack::new(training.stack.clone())?;
    let mut rng = ChaCha8Rng::seed_from_u64(training.stack.seed);
    rng.set_stream(TRAINING_STREAM);
    let steps = training
        .sequences
        .saturating_mul(task.sequence_length() as u64);
    for step in task
        .stream(rng)
        .take(usize::try_from(steps).unwrap_or(usize::MAX))
    {
        let prediction = stack.predict();
        stack.observe(step.symbol, &prediction)?;
    }
    Ok((stack, task))
}

fn check_alphabet(task: &StandardTask, config: &StackConfig) -> Result<()> {
    if config.alphabet != task.symbols() {
        return Err(Error::invalid(
            "alphabet",
            config.alphabet,
            format!(
                "expected {} symbols for the standard task of lag {}",
                task.symbols(),
                task.lag()
            ),
        ));
    }
    Ok(())
}

/// Runs `stack` with learning off over `steps` fresh steps of the standard stream drawn
/// from `seed`, recording each level's ticks and unexpected inputs.
///
/// # Errors
/// [`Error::Diverged`] only if a level's output stops being finite.
pub fn trace_standard(
    stack: &mut PredictorStack,
    task: &StandardTask,
    steps: usize,
    seed: u64,
) -> Result<Trace> {
    stack.set_learning(false);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(TRACE_STREAM);
    let levels = stack.config().levels;
    let mut trace = Trace {
        names: Vec::with_capacity(steps),
        ticked: vec![Vec::with_capacity(steps); levels],
        unexpected: vec![Vec::with_capacity(steps); levels],
    };
    for step in task.stream(rng).take(steps) {
        let prediction = stack.predict();
        let outcome = stack.observe(step.symbol, &prediction)?;
        trace.names.push(task.symbol_name(step.symbol));
        for level in 0..levels {
            trace.ticked[level].push(outcome.ticked[level]);
            trace.unexpected[level].push(outcome.unexpected[level]);
        }
    }
    Ok(trace)
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

/// The stack as a saved model of kind hierarchy, with the task and settings as metadata.
pub fn to_saved_model(stack: &PredictorStack, task: &StandardTask, sequences: u64) -> SavedModel {
    let config = stack.config();
    let mut metadata = toml::Table::new();
    let mut put = |key: &str, value: toml::Value| {
        metadata.insert(key.to_string(), value);
    };
    put("task", "standard".into());
    put("lag", integer(task.lag()));
    put("training_sequences", integer(sequences));
    put("alphabet", integer(config.alphabet));
    put("levels", integer(config.levels));
    put("hidden", integer(config.hidden));
    put("horizon", integer(config.horizon));
    put("learning_rate", config.learning_rate.into());
    put("init_range", config.init_range.into());
    put("time_code", config.time_code.name().into());
    // TOML integers are i64; the seed is stored as its bit pattern so any u64 fits.
    put("seed", toml::Value::Integer(config.seed as i64));
    put("surprise_rule", "argmax".into());
    SavedModel {
        kind: ModelKind::Hierarchy,
        metadata,
        nets: stack
            .nets()
            .enumerate()
            .map(|(index, net)| SavedNet {
                role: format!("level {}", index + 1),
                net: net.clone(),
            })
            .collect(),
    }
}

fn integer(value: impl TryInto<i64>) -> toml::Value {
    toml::Value::Integer(value.try_into().unwrap_or(i64::MAX))
}

/// Rebuilds the stack and task of a model saved by [`to_saved_model`].
///
/// # Errors
/// [`Error::Malformed`] naming `path` when the model is not a standard-task hierarchy or
/// its metadata or net shapes do not match.
pub fn from_saved_model(model: SavedModel, path: &Path) -> Result<(PredictorStack, StandardTask)> {
    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    if model.kind != ModelKind::Hierarchy {
        return Err(malformed(format!(
            "holds a model of kind {}, but the trace needs a hierarchy",
            model.kind.name()
        )));
    }
    let meta = &model.metadata;
    let text = |key: &str| {
        meta.get(key)
            .and_then(toml::Value::as_str)
            .ok_or_else(|| malformed(format!("metadata key `{key}` is missing or not text")))
    };
    let number = |key: &str| {
        meta.get(key)
            .and_then(toml::Value::as_integer)
            .ok_or_else(|| malformed(format!("metadata key `{key}` is missing or not an integer")))
    };
    let size = |key: &str| {
        number(key).and_then(|v| {
            usize::try_from(v).map_err(|_| malformed(format!("metadata `{key}` = {v} is negative")))
        })
    };
    let float = |key: &str| {
        meta.get(key)
            .and_then(toml::Value::as_float)
            .ok_or_else(|| malformed(format!("metadata key `{key}` is missing or not a number")))
    };
    if text("task")? != "standard" {
        return Err(malformed(format!(
            "task {:?} is not supported; the trace runs the standard task",
            text("task")?
        )));
    }
    let time_code = match text("time_code")? {
        "none" => TimeCode::None,
        "decay" => TimeCode::Decay,
        other => return Err(malformed(format!("unknown time code {other:?}"))),
    };
    let config = StackConfig {
        alphabet: size("alphabet")?,
        levels: size("levels")?,
        hidden: size("hidden")?,
        horizon: size("horizon")?,
        learning_rate: float("learning_rate")?,
        init_range: float("init_range")?,
        time_code,
        seed: number("seed")? as u64,
    };
    let task = StandardTask::new(size("lag")?).map_err(|e| malformed(e.to_string()))?;
    check_alphabet(&task, &config).map_err(|e| malformed(e.to_string()))?;
    let nets = model.nets.into_iter().map(|saved| saved.net).collect();
    let stack = PredictorStack::from_nets(config, nets).map_err(|e| malformed(e.to_string()))?;
    Ok((stack, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn training() -> TraceTraining {
        TraceTraining {
            lag: 5,
            sequences: 400,
            stack: TraceTraining::stack_defaults(5),
        }
    }

    #[test]
    fn trained_level_one_misses_only_first_symbols() {
        let (mut stack, task) = train_on_standard(&training()).unwrap();
        let trace = trace_standard(&mut stack, &task, 60, 9).unwrap();
        for step in 1..trace.steps() {
            let first = trace.names[step] == "a" || trace.names[step] == "x";
            if !first {
                assert!(
                    !trace.unexpected[0][step],
                    "level 1 missed {step}: {:?}",
                    trace
                );
            }
        }
    }

    #[test]
    fn saved_model_round_trip_gives_same_trace() {
        let (stack, task) = train_on_standard(&training()).unwrap();
        let model = to_saved_model(&stack, &task, 400);
        let bytes = crate::saved::encode(&model).unwrap();
        let loaded = crate::saved::decode(&bytes, Path::new("m")).unwrap();
        let (mut restored, restored_task) = from_saved_model(loaded, Path::new("m")).unwrap();
        let mut fresh = stack.clone();
        fresh.reset_states();
        let a = trace_standard(&mut fresh, &task, 40, 3).unwrap();
        let b = trace_standard(&mut restored, &restored_task, 40, 3).unwrap();
        assert_eq!(a, b);
    }
}
