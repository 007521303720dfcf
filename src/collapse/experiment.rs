//! The `collapse` experiment kind: the two-net chunker/automatizer system of Schmidhuber
//! 1992 on the standard task (the 20-step experiment) or on task 2a of Hochreiter and
//! Schmidhuber 1997, read from a TOML config.
//!
//! A config names every setting; a missing key takes the papers' reading (see
//! [`config`](super::config)). Unknown keys are rejected, so a typo cannot silently fall
//! back to a default.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::config::{CollapseConfig, NetConfig, SystemConfig, TargetInput};
use super::run::{
    CURVE_COLUMNS, CollapseTask, RunLength, SuccessConfig, curve_rows, progress_reporter,
    train_system,
};
use crate::error::{Error, Result};
use crate::experiment::{
    Budget, Cell, Experiment, Progress, RunError, RunReport, trained_metadata,
};
use crate::saved::two_net::two_net_model;
use crate::tasks::StandardTask;
use crate::tasks::lstm_task2a::Task2a;

/// The task a config names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskName {
    /// The standard task (a/x, b1 .. bm, a target unit at bm).
    Standard,
    /// Task 2a of LSTM97.
    LstmTask2a,
}

/// The task section of a config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskConfig {
    pub name: TaskName,
    /// m for the standard task, p for task 2a.
    pub lag: usize,
}

/// Training sequences per run at each budget, and the spacing of curve points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    pub quick: u64,
    pub default: u64,
    pub full: u64,
    pub curve_every: u64,
}

/// A whole `collapse` config file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollapseFile {
    pub kind: String,
    pub runs: u32,
    pub seed: u64,
    /// What the paper reports, in one line.
    pub paper_result: String,
    /// How this config departs from the literal reading of the papers ("none" for none).
    pub deviation: String,
    pub task: TaskConfig,
    pub budget: BudgetConfig,
    #[serde(default)]
    pub success: SuccessConfig,
    #[serde(default)]
    pub automatizer: NetConfig,
    #[serde(default)]
    pub chunker: NetConfig,
    #[serde(default = "enabled")]
    pub chunker_enabled: bool,
    #[serde(default)]
    pub collapse: CollapseConfig,
    #[serde(default = "pulse")]
    pub target_input: TargetInput,
}

fn enabled() -> bool {
    true
}

fn pulse() -> TargetInput {
    TargetInput::Pulse
}

impl CollapseFile {
    /// The two-net system this file describes.
    pub fn system(&self) -> SystemConfig {
        SystemConfig {
            automatizer: self.automatizer.clone(),
            chunker: self.chunker.clone(),
            chunker_enabled: self.chunker_enabled,
            collapse: self.collapse.clone(),
            target_input: self.target_input,
        }
    }

    /// # Errors
    /// [`Error::InvalidValue`] naming the first key out of range.
    pub fn task(&self) -> Result<CollapseTask> {
        Ok(match self.task.name {
            TaskName::Standard => CollapseTask::Standard(StandardTask::new(self.task.lag)?),
            TaskName::LstmTask2a => CollapseTask::Task2a(Task2a::new(self.task.lag)?),
        })
    }

    /// # Errors
    /// [`Error::InvalidValue`] naming the first key out of range.
    pub fn validate(&self) -> Result<()> {
        if self.runs == 0 {
            return Err(Error::invalid(
                "runs",
                self.runs,
                "expected an integer >= 1",
            ));
        }
        let task = self.task()?;
        self.system().validate()?;
        self.success.validate()?;
        let b = &self.budget;
        for (name, value) in [
            ("budget.quick", b.quick),
            ("budget.default", b.default),
            ("budget.full", b.full),
            ("budget.curve_every", b.curve_every),
        ] {
            if value == 0 {
                return Err(Error::invalid(
                    name,
                    value,
                    "expected an integer >= 1 (sequences)",
                ));
            }
        }
        let c = &self.collapse;
        if c.imitated_state == super::config::ImitatedState::TargetUnit
            && !task.layout().target_unit
        {
            return Err(Error::invalid(
                "collapse.imitated_state",
                "\"target_unit\"",
                "expected hidden, outputs or hidden_and_outputs: this task has no target unit",
            ));
        }
        Ok(())
    }
}

/// The `collapse` experiment: a validated config.
pub struct CollapseExperiment {
    name: String,
    file: CollapseFile,
    task: CollapseTask,
    system: SystemConfig,
}

/// Parses and validates a `collapse` config.
///
/// # Errors
/// [`Error::Malformed`] when a key is unknown or has the wrong type;
/// [`Error::InvalidValue`] when a value is out of range.
pub fn from_toml(name: &str, text: &str, path: &Path) -> Result<Box<dyn Experiment>> {
    Ok(Box::new(parse(name, text, path)?))
}

/// Parses and validates a `collapse` config into its concrete type.
///
/// # Errors
/// As [`from_toml`].
pub fn parse(name: &str, text: &str, path: &Path) -> Result<CollapseExperiment> {
    let file: CollapseFile = toml::from_str(text).map_err(|e| Error::Malformed {
        path: path.into(),
        message: e.to_string(),
    })?;
    file.validate()?;
    Ok(CollapseExperiment {
        name: name.to_string(),
        task: file.task()?,
        system: file.system(),
        file,
    })
}

impl CollapseExperiment {
    pub fn file(&self) -> &CollapseFile {
        &self.file
    }
}

/// Column names of `summary.csv` after `run` and `seed`.
pub const SUMMARY_COLUMNS: [&str; 10] = [
    "solved",
    "sequences_to_solve",
    "frozen_confirmed",
    "sequences_to_frozen",
    "sequences_trained",
    "final_chunker_ticks_per_sequence",
    "final_frozen_passed",
    "final_frozen_passed_fraction",
    "final_frozen_target_error_max_abs",
    "final_frozen_symbol_error_max_abs",
];

/// The summary row of one run, in the order of [`SUMMARY_COLUMNS`].
pub fn summary_row(outcome: &super::run::RunOutcome) -> Vec<Cell> {
    let optional = |v: Option<u64>| v.map_or(Cell::Empty, Cell::Int);
    vec![
        Cell::Bool(outcome.solved),
        optional(outcome.sequences_to_solve),
        Cell::Bool(outcome.frozen_confirmed),
        optional(outcome.sequences_to_frozen),
        Cell::Int(outcome.sequences_trained),
        Cell::Float(outcome.final_ticks_per_sequence),
        Cell::Bool(outcome.final_frozen.passed),
        Cell::Float(outcome.final_frozen.passed_fraction),
        Cell::Float(outcome.final_frozen.target_error),
        Cell::Float(outcome.final_frozen.symbol_error),
    ]
}

impl Experiment for CollapseExperiment {
    fn name(&self) -> &str {
        &self.name
    }

    fn default_runs(&self) -> u32 {
        self.file.runs
    }

    fn default_seed(&self) -> u64 {
        self.file.seed
    }

    fn paper_result(&self) -> String {
        self.file.paper_result.clone()
    }

    fn resolved_config(&self) -> String {
        toml::to_string(&self.file).unwrap_or_else(|e| format!("# not serializable: {e}\n"))
    }

    fn curve_columns(&self) -> Vec<String> {
        CURVE_COLUMNS.iter().map(|c| c.to_string()).collect()
    }

    fn summary_columns(&self) -> Vec<String> {
        SUMMARY_COLUMNS.iter().map(|c| c.to_string()).collect()
    }

    fn sequence_budget(&self, budget: Budget) -> u64 {
        match budget {
            Budget::Quick => self.file.budget.quick,
            Budget::Default => self.file.budget.default,
            Budget::Full => self.file.budget.full,
        }
    }

    fn run(
        &self,
        run: u32,
        seed: u64,
        budget: Budget,
        progress: &dyn Progress,
    ) -> std::result::Result<RunReport, RunError> {
        let length = RunLength {
            sequences: self.sequence_budget(budget),
            curve_every: self.file.budget.curve_every,
        };
        let mut report = progress_reporter(progress, run);
        let (outcome, system) = train_system(
            &self.task,
            &self.system,
            &self.file.success,
            length,
            seed,
            &mut report,
        )?;
        let metadata = trained_metadata(outcome.sequences_trained, outcome.solved);
        let model = two_net_model(
            &system.automatizer.net,
            system.chunker.as_ref().map(|c| &c.net),
            metadata,
        );
        Ok(RunReport {
            curve: curve_rows(&outcome.curve),
            summary: summary_row(&outcome),
            model: Some(model),
        })
    }
}
