//! The path every experiment takes: a TOML config, independent seeded runs spread over
//! threads, per-run records written atomically, then the merged CSV files that figures and
//! the PAPER_NOTES.md table are drawn from.
//!
//! A model crate (`collapse`, `hierarchy`, the conventional net) plugs in by implementing
//! [`Experiment`]; the runner owns seeds, threads, shards, resume, divergence handling and
//! files.

use std::fmt;

use crate::saved::SavedModel;

/// The size of a run's budget: the quick smoke-test run (a few sequences), the default that
/// fits the time budget of `chunker reproduce`, or the papers' complete budgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Budget {
    Quick,
    Default,
    Full,
}

/// One value of a CSV cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Int(u64),
    Float(f64),
    Bool(bool),
    Text(String),
    /// An empty cell, e.g. `sequences_to_solve` of a run that was not solved.
    Empty,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `{}` on f64 prints the shortest string that parses back to the same bits,
            // so the CSV is exact and identical on every platform.
            Cell::Float(v) => write!(f, "{v}"),
            Cell::Int(v) => write!(f, "{v}"),
            Cell::Bool(v) => write!(f, "{v}"),
            Cell::Text(s) => f.write_str(s),
            Cell::Empty => Ok(()),
        }
    }
}

/// The report of one run to the runner.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunReport {
    /// Learning-curve rows, each matching [`Experiment::curve_columns`].
    pub curve: Vec<Vec<Cell>>,
    /// One row matching [`Experiment::summary_columns`].
    pub summary: Vec<Cell>,
    /// The trained system as it stood when the run ended, for `chunker run --save-model`.
    /// The experiment fills its metadata (e.g. `training_sequences`), and the runner adds
    /// the experiment's name, resolved config, run, seed and budget before saving.
    pub model: Option<SavedModel>,
}

/// Returns the metadata every experiment puts in its [`RunReport::model`]: the training
/// sequences done and whether the run solved its task.
pub fn trained_metadata(sequences_trained: u64, solved: bool) -> toml::Table {
    let mut table = toml::Table::new();
    table.insert(
        "training_sequences".into(),
        toml::Value::Integer(i64::try_from(sequences_trained).unwrap_or(i64::MAX)),
    );
    table.insert("solved".into(), solved.into());
    table
}

/// The reason a run stopped early.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RunError {
    /// A NaN or infinite loss, output or weight.
    #[error("{net} diverged at step {step}: {detail}")]
    Diverged {
        /// The net, e.g. "automatizer", "chunker", "level 2".
        net: String,
        step: u64,
        detail: String,
        /// The curve rows recorded before the divergence; they stay valid.
        partial: Vec<Vec<Cell>>,
    },
}

/// A receiver of a run's progress, counted in the unit of the experiment's budget.
pub trait Progress: Sync {
    /// Called now and then with the number of training sequences done so far.
    fn advance(&self, run: u32, sequences_done: u64);
}

/// A progress sink that ignores everything, for tests and library callers.
pub struct NoProgress;

impl Progress for NoProgress {
    fn advance(&self, _run: u32, _sequences_done: u64) {}
}

/// One experiment: a pure function from (config, run index, seed) to a [`RunReport`].
pub trait Experiment: Sync {
    /// Returns the experiment's name: its config file's stem and its folder under data/.
    fn name(&self) -> &str;

    /// Returns the number of runs the config sets (the papers' count by default).
    fn default_runs(&self) -> u32;

    /// Returns the config's base seed. Run i uses a seed derived from it and i.
    fn default_seed(&self) -> u64;

    /// Returns the paper's result for this experiment in one line, for the results table
    /// and figure captions, e.g. "13 of 17 runs solved under 5,000 sequences" with the
    /// source key of PAPER_NOTES.md (NC92 is Neural Computation 4(2), 1992).
    fn paper_result(&self) -> String;

    /// Returns the resolved config (every parameter explicit) as TOML, for the sidecar file.
    fn resolved_config(&self) -> String;

    /// Returns the column names of the learning-curve CSV after `run` and `seed`, each with its unit
    /// where it has one, e.g. `sequences`, `target_error_max_abs`.
    fn curve_columns(&self) -> Vec<String>;

    /// Returns the column names of `summary.csv` after `run` and `seed`; the first two must be
    /// `solved` and `sequences_to_solve`.
    fn summary_columns(&self) -> Vec<String>;

    /// Returns the number of training sequences one run may train on at this budget.
    fn sequence_budget(&self, budget: Budget) -> u64;

    /// Performs one run.
    ///
    /// # Errors
    /// [`RunError::Diverged`] when a value became NaN or infinite.
    fn run(
        &self,
        run: u32,
        seed: u64,
        budget: Budget,
        progress: &dyn Progress,
    ) -> Result<RunReport, RunError>;
}

pub mod config;
pub mod conventional;
pub mod hierarchy;
pub mod records;
pub mod registry;
pub mod runner;
pub mod saved_models;
pub mod sidecar;
pub mod table;
