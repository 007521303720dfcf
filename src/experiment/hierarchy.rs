//! The hierarchy experiments: a predictor hierarchy and a conventional recurrent net
//! trained online on the same stream with the same budget (kind `hierarchy`).
//!
//! Follows the multi-level experiments of Schmidhuber, NIPS 4 (1991) and the 1993
//! habilitation thesis (standard task, grammar task, the >1000-step task, continuous history
//! compression), and the automaton demo of "Neural predictors for detecting and removing
//! redundant information" (ZiF volume). The conventional net is a one-level hierarchy that
//! never grows, so both models share their code for learning and for reading out targets.
//!
//! A training sequence is one target: every task puts exactly one target at the end of each
//! sequence. A model has solved the task when its target prediction is within
//! `success.error` of the target for `success.window` consecutive sequences; the sequence
//! count reported is the one at which that streak completes.

use std::path::Path;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::config::{self, BudgetSection, RunSection};
use super::{
    Budget, Cell, Experiment, NoProgress, Progress, RunError, RunReport, trained_metadata,
};
use crate::compression::{SurpriseRule, TimeCode};
use crate::error::{Error, Result};
use crate::hierarchy::{Hierarchy, HierarchySpec, LevelSpec, Observation, PlateauTest};
use crate::saved::hierarchy::hierarchy_model;
use crate::tasks::StandardTask;
use crate::tasks::automaton::AutomatonTask;
use crate::tasks::grammar::GrammarTask;
use crate::tasks::nested_runs::NestedRunsTask;
use crate::tasks::standard::Step;

/// The stream a config names.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TaskConfig {
    /// The standard task with lag m.
    Standard { lag: usize },
    /// Strings of a's and b's: head, then `body_runs` runs of `run_length` a's, each
    /// closed by b.
    Grammar { run_length: usize, body_runs: usize },
    /// a or x, then `phrases` runs of `run_length` copies (the >1000-step reconstruction).
    NestedRuns { phrases: usize, run_length: usize },
    /// The stochastic automaton; `copies` = 1 is the easy task, 20 the hard one.
    Automaton { copies: usize },
}

impl TaskConfig {
    /// Returns the alphabet size.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the task's sizes are invalid.
    pub fn symbols(&self) -> Result<usize> {
        Ok(match *self {
            Self::Standard { lag } => StandardTask::new(lag)?.symbols(),
            Self::Grammar {
                run_length,
                body_runs,
            } => GrammarTask::new(run_length, body_runs)?.symbols(),
            Self::NestedRuns {
                phrases,
                run_length,
            } => NestedRunsTask::new(phrases, run_length)?.symbols(),
            Self::Automaton { copies } => AutomatonTask::new(copies)?.symbols(),
        })
    }

    /// Steps between the symbol that decides the target and the target: the lag of the
    /// standard task, the shorter class of the grammar, the mean for the automaton (whose
    /// run of c symbols has a random length).
    pub fn lag(&self) -> f64 {
        match *self {
            Self::Standard { lag } => lag as f64,
            Self::Grammar {
                run_length,
                body_runs,
            } => (body_runs * (run_length + 1)) as f64,
            Self::NestedRuns {
                phrases,
                run_length,
            } => (phrases * run_length) as f64,
            Self::Automaton { copies } => {
                let mean_c_emissions = 1.0 / (1.0 - crate::tasks::automaton::REPEAT_C);
                copies as f64 * (mean_c_emissions + 1.0)
            }
        }
    }

    /// Returns the printed name of `symbol`: a, x, b1 .. bm on the standard task; a and b
    /// on the grammar; a, x, u1 .. uK on the nested runs; a .. e on the automaton.
    pub fn symbol_name(&self, symbol: usize) -> String {
        let letter = |names: &[&str]| {
            names
                .get(symbol)
                .map_or_else(|| format!("s{symbol}"), |n| (*n).to_string())
        };
        match *self {
            Self::Standard { lag } => StandardTask::new(lag)
                .map_or_else(|_| format!("s{symbol}"), |t| t.symbol_name(symbol)),
            Self::Grammar { .. } => letter(&["a", "b"]),
            Self::NestedRuns { .. } if symbol >= 2 => format!("u{}", symbol - 1),
            Self::NestedRuns { .. } => letter(&["a", "x"]),
            Self::Automaton { .. } => letter(&["a", "b", "c", "d", "e"]),
        }
    }

    /// Returns the steps of every sequence, or `None` for the tasks whose sequences vary
    /// in length (the grammar and the automaton).
    pub fn sequence_length(&self) -> Option<usize> {
        match *self {
            Self::Standard { lag } => Some(lag + 1),
            Self::NestedRuns {
                phrases,
                run_length,
            } => Some(phrases * run_length + 1),
            Self::Grammar { .. } | Self::Automaton { .. } => None,
        }
    }

    /// Returns the task in words with its sizes, e.g. "standard task (lag 20)".
    pub fn describe(&self) -> String {
        match *self {
            Self::Standard { lag } => format!("standard task (lag {lag})"),
            Self::Grammar {
                run_length,
                body_runs,
            } => format!("grammar task (run length {run_length}, {body_runs} body runs)"),
            Self::NestedRuns {
                phrases,
                run_length,
            } => format!("nested-runs task ({phrases} phrases of {run_length})"),
            Self::Automaton { copies: 1 } => "automaton task (1 copy of each emission)".into(),
            Self::Automaton { copies } => {
                format!("automaton task ({copies} copies of each emission)")
            }
        }
    }

    /// Returns the stream, drawn from `rng`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the task's sizes are invalid.
    pub fn stream(&self, rng: ChaCha8Rng) -> Result<Box<dyn Iterator<Item = Step>>> {
        Ok(match *self {
            Self::Standard { lag } => Box::new(StandardTask::new(lag)?.stream(rng)),
            Self::Grammar {
                run_length,
                body_runs,
            } => Box::new(GrammarTask::new(run_length, body_runs)?.stream(rng)),
            Self::NestedRuns {
                phrases,
                run_length,
            } => Box::new(NestedRunsTask::new(phrases, run_length)?.stream(rng)),
            Self::Automaton { copies } => Box::new(AutomatonTask::new(copies)?.stream(rng)),
        })
    }
}

/// The hierarchy's settings in a config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HierarchyConfig {
    pub surprise: SurpriseRule,
    pub time_code: TimeCode,
    /// The previous step's target value is an input unit of every level.
    pub target_input: bool,
    /// The first symbol of each sequence is passed up to every level.
    #[serde(default)]
    pub sequence_starts_unexpected: bool,
    /// Both models return to the all-zero state at each sequence start.
    #[serde(default)]
    pub reset_at_sequence_start: bool,
    pub max_levels: usize,
    /// Adds a level when the top level stops improving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plateau: Option<PlateauTest>,
    /// Adds level 2 (freezing level 1) after this many sequences, as the automaton demo
    /// trains its predictor on 100 sequences before freezing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freeze_after_sequences: Option<u64>,
    /// Level i uses `levels[min(i, len - 1)]`.
    pub levels: Vec<LevelSpec>,
}

/// When a model counts as having solved the task.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessConfig {
    /// Largest absolute target error that counts as correct.
    pub error: f64,
    /// Consecutive sequences whose target must be correct.
    pub window: u64,
}

/// One `hierarchy` experiment config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub kind: String,
    pub run: RunSection,
    pub budget: BudgetSection,
    pub paper: PaperConfig,
    /// Sequences between two learning-curve rows.
    pub curve_every: u64,
    pub task: TaskConfig,
    pub hierarchy: HierarchyConfig,
    pub conventional: LevelSpec,
    pub success: SuccessConfig,
}

/// The paper's result for the experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperConfig {
    /// The paper's result in one line, with its source.
    pub result: String,
    /// The paper's training sequences to solve, where it gives a number, for figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequences: Option<f64>,
    /// The model that `sequences` belongs to.
    #[serde(default)]
    pub sequences_model: PaperModel,
}

/// The model a paper's number describes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperModel {
    #[default]
    Hierarchy,
    Conventional,
}

impl Config {
    /// Parses and validates a config.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the TOML does not match the schema (unknown or missing
    /// keys included); [`Error::InvalidValue`] for a value out of range.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let config: Self = config::parse(text, path)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        if self.kind != "hierarchy" {
            return Err(Error::invalid("kind", &self.kind, "expected \"hierarchy\""));
        }
        self.run.validate()?;
        self.budget.validate()?;
        if self.curve_every == 0 {
            return Err(Error::invalid(
                "curve_every",
                0,
                "expected at least 1 sequence between curve rows",
            ));
        }
        if !(self.success.error > 0.0 && self.success.error < 1.0) {
            return Err(Error::invalid(
                "success.error",
                self.success.error,
                "expected a bound in (0, 1), e.g. 0.3",
            ));
        }
        if self.success.window == 0 {
            return Err(Error::invalid(
                "success.window",
                0,
                "expected at least 1 sequence",
            ));
        }
        self.task.symbols()?;
        self.hierarchy_spec()?.validate()?;
        self.conventional_spec()?.validate()?;
        if self.hierarchy.plateau.is_some() && self.hierarchy.freeze_after_sequences.is_some() {
            return Err(Error::invalid(
                "hierarchy.freeze_after_sequences",
                self.hierarchy.freeze_after_sequences.unwrap_or(0),
                "expected either `plateau` or `freeze_after_sequences`, not both",
            ));
        }
        Ok(())
    }

    /// The hierarchy this config describes.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the task is invalid.
    pub fn hierarchy_spec(&self) -> Result<HierarchySpec> {
        let h = &self.hierarchy;
        Ok(HierarchySpec {
            symbols: self.task.symbols()?,
            targets: true,
            target_input: h.target_input,
            surprise: h.surprise,
            time_code: h.time_code,
            levels: h.levels.clone(),
            max_levels: h.max_levels,
            plateau: h.plateau,
            sequence_starts_unexpected: h.sequence_starts_unexpected,
            reset_at_sequence_start: h.reset_at_sequence_start,
        })
    }

    /// The conventional net as a one-level hierarchy: same inputs and outputs as level 1.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the task is invalid.
    pub fn conventional_spec(&self) -> Result<HierarchySpec> {
        Ok(HierarchySpec {
            levels: vec![self.conventional.clone()],
            max_levels: 1,
            plateau: None,
            ..self.hierarchy_spec()?
        })
    }

    /// Training sequences per run at `budget`.
    pub fn sequences(&self, budget: Budget) -> u64 {
        self.budget.sequences(budget)
    }
}

/// The outcome of training one model.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesResult {
    /// Sequences at which the success streak completed.
    pub solved_at: Option<u64>,
    /// Sequences trained (the budget, or fewer when solved).
    pub sequences: u64,
    /// Ticks of each level, lowest first.
    pub ticks: Vec<u64>,
    /// Sequences at which each level above level 1 was added.
    pub grown_at: Vec<u64>,
}

/// Column names of the learning curve after `run` and `seed`.
pub const CURVE_COLUMNS: [&str; 7] = [
    "model",
    "sequences",
    "levels",
    "level",
    "ticks",
    "unexpected_inputs",
    "target_error_mean_abs",
];

/// Column names of the summary after `run` and `seed`.
pub const SUMMARY_COLUMNS: [&str; 8] = [
    "solved",
    "sequences_to_solve",
    "sequences_trained",
    "levels",
    "ticks_per_level",
    "conventional_solved",
    "conventional_sequences_to_solve",
    "conventional_sequences_trained",
];

/// Trains one model on the stream until it solves the task or the budget is spent,
/// appending learning-curve rows labelled `model`.
///
/// # Errors
/// [`RunError::Diverged`] when a value of the model became NaN or infinite.
#[allow(clippy::too_many_arguments)]
pub fn train(
    model_name: &str,
    model: &mut Hierarchy,
    stream: &mut dyn Iterator<Item = Step>,
    config: &Config,
    budget: u64,
    curve: &mut Vec<Vec<Cell>>,
    run: u32,
    progress: &dyn Progress,
) -> std::result::Result<SeriesResult, RunError> {
    let freeze_after = config.hierarchy.freeze_after_sequences;
    let mut sequences = 0u64;
    let mut streak = 0u64;
    let mut solved_at = None;
    let mut grown_at = Vec::new();
    let mut error_sum = 0.0;
    let mut error_count = 0u64;
    // The target given at one step becomes part of the next input.
    let mut pending_target: Option<f64> = None;

    while sequences < budget && solved_at.is_none() {
        let step = stream.next().expect("task streams are endless");
        let observation = Observation {
            symbol: step.symbol,
            target: pending_target.take(),
            sequence_start: step.position == 0,
        };
        let outcome = model.step(observation).map_err(|d| RunError::Diverged {
            net: format!("{model_name} level {}", d.level),
            step: d.step,
            detail: d.detail,
            partial: curve.clone(),
        })?;
        if outcome.grew {
            grown_at.push(sequences);
        }
        if let (Some(target), Some(predicted)) = (observation.target, outcome.target_prediction) {
            let error = (predicted - target).abs();
            error_sum += error;
            error_count += 1;
            streak = if error <= config.success.error {
                streak + 1
            } else {
                0
            };
            if streak >= config.success.window {
                solved_at = Some(sequences);
            }
        }

        let Some(target) = step.target else { continue };
        pending_target = Some(target);
        sequences += 1;
        if freeze_after == Some(sequences) && model.grow() {
            grown_at.push(sequences);
        }
        if sequences.is_multiple_of(config.curve_every) {
            push_rows(curve, model_name, model, sequences, error_sum, error_count);
            (error_sum, error_count) = (0.0, 0);
            progress.advance(run, sequences);
        }
    }
    if !sequences.is_multiple_of(config.curve_every) {
        push_rows(curve, model_name, model, sequences, error_sum, error_count);
    }
    Ok(SeriesResult {
        solved_at,
        sequences,
        ticks: model.levels().iter().map(|l| l.ticks()).collect(),
        grown_at,
    })
}

fn push_rows(
    curve: &mut Vec<Vec<Cell>>,
    model_name: &str,
    model: &Hierarchy,
    sequences: u64,
    error_sum: f64,
    error_count: u64,
) {
    let mean_error = if error_count == 0 {
        Cell::Empty
    } else {
        Cell::Float(error_sum / error_count as f64)
    };
    let levels = model.levels().len() as u64;
    for (index, level) in model.levels().iter().enumerate() {
        curve.push(vec![
            Cell::Text(model_name.to_string()),
            Cell::Int(sequences),
            Cell::Int(levels),
            Cell::Int(index as u64 + 1),
            Cell::Int(level.ticks()),
            Cell::Int(level.failures()),
            mean_error.clone(),
        ]);
    }
}

/// Seeds derived from a run's seed: the stream (shared by both models), the hierarchy's
/// weights and the conventional net's weights.
fn derived_seeds(seed: u64) -> [u64; 3] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    [rng.next_u64(), rng.next_u64(), rng.next_u64()]
}

/// Performs one run: the hierarchy, then the conventional net on the same stream and
/// budget.
///
/// # Errors
/// [`RunError::Diverged`] when either model diverged.
pub fn run_one(
    config: &Config,
    run: u32,
    seed: u64,
    budget: Budget,
    progress: &dyn Progress,
) -> std::result::Result<RunReport, RunError> {
    let sequences = config.sequences(budget);
    let [stream_seed, hierarchy_seed, conventional_seed] = derived_seeds(seed);
    let mut curve = Vec::new();

    let diverged = |detail: String| RunError::Diverged {
        net: "setup".into(),
        step: 0,
        detail,
        partial: Vec::new(),
    };
    let spec = config
        .hierarchy_spec()
        .map_err(|e| diverged(e.to_string()))?;
    let mut hierarchy =
        Hierarchy::from_seed(spec, hierarchy_seed).map_err(|e| diverged(e.to_string()))?;
    let mut stream = config
        .task
        .stream(ChaCha8Rng::seed_from_u64(stream_seed))
        .map_err(|e| diverged(e.to_string()))?;
    let chunker = train(
        "hierarchy",
        &mut hierarchy,
        &mut stream,
        config,
        sequences,
        &mut curve,
        run,
        progress,
    )?;

    let spec = config
        .conventional_spec()
        .map_err(|e| diverged(e.to_string()))?;
    let mut conventional =
        Hierarchy::from_seed(spec, conventional_seed).map_err(|e| diverged(e.to_string()))?;
    let mut stream = config
        .task
        .stream(ChaCha8Rng::seed_from_u64(stream_seed))
        .map_err(|e| diverged(e.to_string()))?;
    let baseline = train(
        "conventional",
        &mut conventional,
        &mut stream,
        config,
        sequences,
        &mut curve,
        run,
        &NoProgress,
    )?;

    let ticks = chunker
        .ticks
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(";");
    let optional = |v: Option<u64>| v.map_or(Cell::Empty, Cell::Int);
    let summary = vec![
        Cell::Bool(chunker.solved_at.is_some()),
        optional(chunker.solved_at),
        Cell::Int(chunker.sequences),
        Cell::Int(chunker.ticks.len() as u64),
        Cell::Text(ticks),
        Cell::Bool(baseline.solved_at.is_some()),
        optional(baseline.solved_at),
        Cell::Int(baseline.sequences),
    ];
    let metadata = trained_metadata(chunker.sequences, chunker.solved_at.is_some());
    let model = hierarchy_model(&hierarchy, metadata)
        .expect("a spec read from a TOML config writes back to TOML");
    Ok(RunReport {
        curve,
        summary,
        model: Some(model),
    })
}

/// A `hierarchy` experiment loaded from its config.
pub struct HierarchyExperiment {
    name: String,
    config: Config,
}

impl HierarchyExperiment {
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// Parses a `hierarchy` config; `name` is the config file's stem.
///
/// # Errors
/// As [`Config::parse`].
pub fn from_toml(name: &str, text: &str, path: &Path) -> Result<Box<dyn Experiment>> {
    Ok(Box::new(HierarchyExperiment {
        name: name.to_string(),
        config: Config::parse(text, path)?,
    }))
}

impl Experiment for HierarchyExperiment {
    fn name(&self) -> &str {
        &self.name
    }

    fn default_runs(&self) -> u32 {
        self.config.run.runs
    }

    fn default_seed(&self) -> u64 {
        self.config.run.seed
    }

    fn paper_result(&self) -> String {
        self.config.paper.result.clone()
    }

    fn resolved_config(&self) -> String {
        toml::to_string(&self.config).expect("a parsed config serialises back to TOML")
    }

    fn curve_columns(&self) -> Vec<String> {
        CURVE_COLUMNS.iter().map(|c| c.to_string()).collect()
    }

    fn summary_columns(&self) -> Vec<String> {
        SUMMARY_COLUMNS.iter().map(|c| c.to_string()).collect()
    }

    fn sequence_budget(&self, budget: Budget) -> u64 {
        self.config.sequences(budget)
    }

    fn run(
        &self,
        run: u32,
        seed: u64,
        budget: Budget,
        progress: &dyn Progress,
    ) -> std::result::Result<RunReport, RunError> {
        run_one(&self.config, run, seed, budget, progress)
    }
}
