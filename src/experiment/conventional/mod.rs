//! The conventional recurrent net on the standard task (Schmidhuber 1992, Neural
//! Computation 4(2), section 5; 1991 NIPS 4 paper, section 5): the control that shows a
//! conventional net failing at long time lags. The papers report that a 5-step lag
//! (m = 4) needed "many hundreds of thousands" of training sequences, and that with a
//! 20-step lag (m = 20) the target unit did not improve within 1,000,000 sequences.
//!
//! Runs alternate between the configured algorithms: run i uses `algorithms[i mod len]`.

pub mod config;
pub mod train;

use std::path::Path;

use self::config::ConventionalConfig;
use self::train::{CurvePoint, Trace};
use super::{Budget, Cell, Experiment, Progress, RunError, RunReport, trained_metadata};
use crate::error::Result;
use crate::saved::{ModelKind, SavedModel, SavedNet};

/// The experiment: its name (the config file's stem) and its validated config.
#[derive(Clone, Debug)]
pub struct Conventional {
    name: String,
    config: ConventionalConfig,
}

/// Parses and validates a config of kind `conventional`.
///
/// # Errors
/// See [`ConventionalConfig::from_toml`].
pub fn from_toml(name: &str, text: &str, path: &Path) -> Result<Box<dyn Experiment>> {
    let config = ConventionalConfig::from_toml(text, path)?;
    Ok(Box::new(Conventional {
        name: name.to_string(),
        config,
    }))
}

impl Conventional {
    pub fn config(&self) -> &ConventionalConfig {
        &self.config
    }

    fn algorithm(&self, run: u32) -> config::Algorithm {
        let algorithms = &self.config.training.algorithms;
        algorithms[run as usize % algorithms.len()]
    }

    fn curve_rows(&self, run: u32, curve: &[CurvePoint]) -> Vec<Vec<Cell>> {
        let algorithm = self.algorithm(run).name();
        curve
            .iter()
            .map(|point| {
                vec![
                    Cell::Text(algorithm.into()),
                    Cell::Int(point.sequences),
                    Cell::Float(point.target_error_mean_abs),
                    Cell::Float(point.target_error_max_abs),
                    Cell::Float(point.output_error_max_abs),
                    Cell::Float(point.within_bound_fraction),
                ]
            })
            .collect()
    }

    /// Returns the trained net as a saved model of kind [`ModelKind::Net`].
    fn model(&self, run: u32, trace: &Trace) -> SavedModel {
        let mut metadata = trained_metadata(trace.sequences_trained, trace.solved_at.is_some());
        metadata.insert("algorithm".into(), self.algorithm(run).name().into());
        SavedModel {
            kind: ModelKind::Net,
            metadata,
            nets: vec![SavedNet {
                role: "net".into(),
                net: trace.net.clone(),
            }],
        }
    }

    fn summary_row(&self, run: u32, trace: &Trace) -> Vec<Cell> {
        let final_target_error = trace.curve.last().map_or(Cell::Empty, |point| {
            Cell::Float(point.target_error_mean_abs)
        });
        vec![
            Cell::Bool(trace.solved_at.is_some()),
            trace.solved_at.map_or(Cell::Empty, Cell::Int),
            Cell::Text(self.algorithm(run).name().into()),
            Cell::Int(trace.sequences_trained),
            final_target_error,
        ]
    }
}

impl Experiment for Conventional {
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
        match self.config.task.lag {
            4 => "5-step lag: a conventional net needed many hundreds of thousands of \
                  sequences (NC92 section 5)"
                .into(),
            20 => "20-step lag: no significant improvement of the target unit after \
                   1,000,000 sequences (NC92 section 5)"
                .into(),
            lag => format!("no paper result for lag m = {lag}"),
        }
    }

    fn resolved_config(&self) -> String {
        toml::to_string(&self.config).expect("a config of plain values serializes to TOML")
    }

    fn curve_columns(&self) -> Vec<String> {
        [
            "algorithm",
            "sequences",
            "target_error_mean_abs",
            "target_error_max_abs",
            "output_error_max_abs",
            "within_bound_fraction",
        ]
        .map(String::from)
        .to_vec()
    }

    fn summary_columns(&self) -> Vec<String> {
        [
            "solved",
            "sequences_to_solve",
            "algorithm",
            "sequences_trained",
            "final_target_error_mean_abs",
        ]
        .map(String::from)
        .to_vec()
    }

    fn sequence_budget(&self, budget: Budget) -> u64 {
        self.config.budget.sequences(budget)
    }

    fn run(
        &self,
        run: u32,
        seed: u64,
        budget: Budget,
        progress: &dyn Progress,
    ) -> std::result::Result<RunReport, RunError> {
        let sequences = self.sequence_budget(budget);
        let report = |done: u64| progress.advance(run, done);
        match train::train(&self.config, self.algorithm(run), seed, sequences, &report) {
            Ok(trace) => Ok(RunReport {
                curve: self.curve_rows(run, &trace.curve),
                summary: self.summary_row(run, &trace),
                model: Some(self.model(run, &trace)),
            }),
            Err((
                RunError::Diverged {
                    net, step, detail, ..
                },
                curve,
            )) => Err(RunError::Diverged {
                net,
                step,
                detail,
                partial: self.curve_rows(run, &curve),
            }),
        }
    }
}
