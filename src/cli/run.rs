//! `chunker run`: runs one experiment config, writing its records under `data/NAME/`.

use std::path::PathBuf;

use clap::Args;

use super::progress::StderrProgress;
use super::words::counted;
use crate::error::{Error, Result};
use crate::experiment::runner::{self, Outcome, Plan, RunOptions, Shard};
use crate::experiment::{Budget, Experiment, registry};

/// Arguments of `chunker run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The experiment config, e.g. experiments/standard_task_conventional_m4.toml.
    pub config: PathBuf,

    /// Number of runs, 1 to 100000 (default: the config's run count, `runs` or `run.runs`).
    #[arg(long)]
    pub runs: Option<u32>,

    /// Base seed that run seeds derive from, 0 to 2^64 - 1 (default: the config's `seed`
    /// or `run.seed`).
    #[arg(long)]
    pub seed: Option<u64>,

    /// Folder that receives one folder per experiment.
    #[arg(long, default_value = "data")]
    pub out: PathBuf,

    /// Save each run's trained system (the nets as they stood when the run ended) to
    /// PATH, for `chunker trace --model` and `chunker evaluate --model`. With more than one
    /// run, run N goes to PATH with `.runN` before its extension (a.chunknet becomes
    /// a.run0.chunknet, a.run1.chunknet, ...). A run already recorded whose model file is
    /// missing, or contains another run's model, is run again; a diverged run saves no model.
    #[arg(long, value_name = "PATH")]
    pub save_model: Option<PathBuf>,

    #[command(flatten)]
    pub execution: ExecutionArgs,
}

/// Budget, threads and shard, shared by `run` and `reproduce`.
#[derive(Debug, Args)]
pub struct ExecutionArgs {
    /// Worker threads, 1 or more (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,

    /// Smoke-test budgets of a few training sequences per run (the config's
    /// `budget.quick`, 5 to 500 in the shipped configs). They are too few to reproduce the
    /// papers' results.
    #[arg(long, conflicts_with = "full")]
    pub quick: bool,

    /// The papers' complete budgets (the config's `budget.full`), however long they take.
    #[arg(long)]
    pub full: bool,

    /// Run only shard I of N: the runs whose index mod N is I - 1, e.g. 2/8.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,

    /// Delete each experiment's earlier records first (all shards' runs); without it,
    /// runs already recorded are kept and skipped.
    #[arg(long)]
    pub fresh: bool,
}

impl ExecutionArgs {
    pub fn budget(&self) -> Budget {
        if self.quick {
            Budget::Quick
        } else if self.full {
            Budget::Full
        } else {
            Budget::Default
        }
    }

    /// Run options for the data root `out`.
    pub fn options(&self, out: PathBuf, runs: Option<u32>, seed: Option<u64>) -> RunOptions {
        RunOptions {
            runs,
            seed,
            data_root: out,
            jobs: self.jobs.unwrap_or_else(runner::default_jobs),
            budget: self.budget(),
            shard: self.shard.unwrap_or(Shard::ALL),
            fresh: self.fresh,
            save_model: None,
        }
    }
}

fn parse_shard(text: &str) -> std::result::Result<Shard, String> {
    text.parse().map_err(|error: Error| error.to_string())
}

/// Runs the config and merges its records.
///
/// # Errors
/// Loading, planning and recording errors; [`Error::RunsFailed`] after the merge when a
/// run diverged.
pub fn execute(args: RunArgs) -> Result<()> {
    let experiment = registry::load(&args.config)?;
    let mut options = args.execution.options(args.out, args.runs, args.seed);
    options.save_model = args.save_model;
    let (_, outcome) = run_and_report(experiment.as_ref(), &options)?;
    match outcome.saved.as_slice() {
        [] => {}
        [file] => println!("saved the trained model to {}", file.display()),
        [first, .., last] => println!(
            "saved {} trained models, {} to {}",
            outcome.saved.len(),
            first.display(),
            last.display()
        ),
    }
    if outcome.diverged.is_empty() {
        Ok(())
    } else {
        Err(Error::RunsFailed {
            experiment: experiment.name().to_string(),
            failed: outcome.diverged.len(),
            total: outcome.merged,
        })
    }
}

/// Runs one experiment with a progress display and prints what happened.
///
/// # Errors
/// As for [`runner::plan`] and [`runner::execute`].
pub fn run_and_report(
    experiment: &dyn Experiment,
    options: &RunOptions,
) -> Result<(Plan, Outcome)> {
    let plan = runner::plan(experiment, options)?;
    let name = experiment.name();
    eprintln!(
        "{name}: {} to do, {} already recorded, {} each, {}",
        counted(plan.todo.len(), "run"),
        plan.skipped.len(),
        counted(plan.sequences_per_run, "sequence"),
        counted(options.jobs, "thread")
    );
    let progress = StderrProgress::new(name, plan.runs, plan.todo.len(), plan.sequences_per_run);
    let outcome = runner::execute(experiment, &plan, options, &progress);
    progress.finish();
    let outcome = outcome?;
    for (run, message) in &outcome.diverged {
        eprintln!("{name}: run {run} diverged: {message}");
    }
    println!(
        "{name}: {} recorded in {}",
        counted(outcome.merged, "run"),
        plan.dir.display()
    );
    Ok((plan, outcome))
}
