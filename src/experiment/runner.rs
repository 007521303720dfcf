//! The runner: N independent runs of one experiment with seeds derived from a base seed,
//! spread over J threads, each run recorded in its own files so that a rerun skips the
//! runs already done, then merged in run order. The output bytes do not depend on J.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::records::{self, Ending};
use super::saved_models;
use super::sidecar::Sidecar;
use super::{Budget, Experiment, Progress, RunError};
use crate::error::{Error, Result};

/// The rule that derives run seeds from the base seed, as recorded in the sidecar.
pub const SEED_DERIVATION: &str = "run i uses output i + 1 of SplitMix64 started at the base seed: \
     z = base + (i + 1) * 0x9E3779B97F4A7C15, then the SplitMix64 finalizer";

/// Most runs one invocation plans: planning looks up every run's records, so a count
/// near `u32::MAX` would take hours before the first run starts.
pub const MAX_RUNS: u32 = 100_000;

/// The seed of run `run`: output `run + 1` of a SplitMix64 generator whose state starts at
/// `base`. Stable across versions and platforms; distinct runs get unrelated seeds.
pub fn derive_seed(base: u64, run: u32) -> u64 {
    let mut z = base.wrapping_add((u64::from(run) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fixed 1/N of the runs: shard I of N contains the runs whose index mod N is I - 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// I, from 1.
    pub index: u32,
    /// N, at least 1.
    pub count: u32,
}

impl Shard {
    /// The whole set of runs.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Whether run `run` (from 0) belongs to this shard.
    pub fn contains(&self, run: u32) -> bool {
        run % self.count == self.index - 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = Error;

    /// Parses `I/N` with 1 <= I <= N.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid(
                "--shard",
                text,
                "expected I/N with integers 1 <= I <= N, e.g. 2/8 for the second of 8 shards",
            )
        };
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let index: u32 = index.trim().parse().map_err(|_| invalid())?;
        let count: u32 = count.trim().parse().map_err(|_| invalid())?;
        if index == 0 || count == 0 || index > count {
            return Err(invalid());
        }
        Ok(Self { index, count })
    }
}

/// Settings the command line may override, and the folder the records go to.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Runs to do instead of the config's count.
    pub runs: Option<u32>,
    /// Base seed instead of the config's.
    pub seed: Option<u64>,
    /// The folder that contains one folder per experiment (`data/`).
    pub data_root: PathBuf,
    /// Worker threads, at least 1.
    pub jobs: usize,
    pub budget: Budget,
    pub shard: Shard,
    /// Delete the experiment's earlier records (every shard's) before planning, instead of
    /// keeping and skipping the runs they hold.
    pub fresh: bool,
    /// Save each run's trained system under this path (see
    /// [`saved_models::model_path`]). A recorded run whose model file is missing, or
    /// contains another run's model, is run again to make it.
    pub save_model: Option<PathBuf>,
}

/// The runs an invocation will do, decided before any of them starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// `data_root/NAME`.
    pub dir: PathBuf,
    pub runs: u32,
    pub base_seed: u64,
    pub sequences_per_run: u64,
    /// Runs of this shard not yet recorded, in increasing order.
    pub todo: Vec<u32>,
    /// Runs of this shard recorded by an earlier invocation.
    pub skipped: Vec<u32>,
}

/// The result of [`execute`].
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub finished: Vec<u32>,
    /// Diverged runs with their messages; their partial curves are recorded.
    pub diverged: Vec<(u32, String)>,
    /// Model files written for `save_model`, in run order.
    pub saved: Vec<PathBuf>,
    /// Runs merged into `curves.csv` and `summary.csv` (every shard's recorded runs).
    pub merged: usize,
}

/// Returns the default of `--jobs`: the number of cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Decides which runs to do and writes the sidecar, after deleting earlier records when
/// `options.fresh` is set.
///
/// # Errors
/// [`Error::InvalidValue`] for `--runs 0`, `--jobs 0`, or a folder that contains runs of a
/// different setting; [`Error::Io`] when the sidecar cannot be written.
pub fn plan(experiment: &dyn Experiment, options: &RunOptions) -> Result<Plan> {
    let runs = options.runs.unwrap_or_else(|| experiment.default_runs());
    if runs == 0 {
        return Err(Error::invalid("--runs", runs, "expected an integer >= 1"));
    }
    if runs > MAX_RUNS {
        let (name, fix) = match options.runs {
            Some(_) => ("--runs", "pass a smaller --runs"),
            None => (
                "runs in the config",
                "lower the config's run count or pass --runs",
            ),
        };
        return Err(Error::invalid(
            name,
            runs,
            format!("expected at most {MAX_RUNS} runs; fix: {fix}"),
        ));
    }
    if options.jobs == 0 {
        return Err(Error::invalid(
            "--jobs",
            0,
            "expected an integer >= 1 (threads)",
        ));
    }
    if let Some(path) = &options.save_model {
        crate::files::check_output_path(&saved_models::model_path(path, 0, runs))?;
    }
    let base_seed = options.seed.unwrap_or_else(|| experiment.default_seed());
    let dir = options.data_root.join(experiment.name());
    if options.fresh {
        records::remove(&dir)?;
    }
    crate::files::remove_stale_temporaries(&dir)?;
    crate::files::remove_stale_temporaries(&dir.join(records::RUNS_FOLDER))?;
    let sequences_per_run = experiment.sequence_budget(options.budget);
    let sidecar = Sidecar {
        experiment: experiment.name().to_string(),
        paper_result: experiment.paper_result(),
        base_seed,
        runs,
        budget: options.budget,
        sequences_per_run,
        shard: options.shard,
        config: experiment.resolved_config(),
    };
    sidecar.write(&dir)?;

    let done = |run: u32| {
        records::is_recorded(&dir, run)
            && options.save_model.as_ref().is_none_or(|path| {
                let file = saved_models::model_path(path, run, runs);
                let seed = derive_seed(base_seed, run);
                saved_models::contains_run(&file, experiment.name(), run, seed)
            })
    };
    let (skipped, todo): (Vec<u32>, Vec<u32>) = (0..runs)
        .filter(|&run| options.shard.contains(run))
        .partition(|&run| done(run));
    Ok(Plan {
        dir,
        runs,
        base_seed,
        sequences_per_run,
        todo,
        skipped,
    })
}

/// Does the planned runs on `jobs` threads, records each, then merges every recorded run.
///
/// A diverged run is recorded with its partial curve and the others continue.
///
/// # Errors
/// The first [`Error::Io`] or [`Error::Malformed`] a run hit while recording. The other
/// threads then stop taking new runs, and the runs already recorded stay valid for a rerun.
pub fn execute(
    experiment: &dyn Experiment,
    plan: &Plan,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Outcome> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<(u32, Result<RunEnd>)>> = Mutex::new(Vec::new());
    let workers = options.jobs.min(plan.todo.len()).max(1);

    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let Some(&run) = plan.todo.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    let result = run_one(experiment, plan, run, options, progress);
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    results
                        .lock()
                        .expect("no thread panics while holding the results lock")
                        .push((run, result));
                }
            });
        }
    });

    let mut results = results
        .into_inner()
        .expect("no thread panics while holding the results lock");
    results.sort_by_key(|(run, _)| *run);
    let mut outcome = Outcome {
        finished: Vec::new(),
        diverged: Vec::new(),
        saved: Vec::new(),
        merged: 0,
    };
    for (run, result) in results {
        match result? {
            RunEnd::Finished { saved } => {
                outcome.finished.push(run);
                outcome.saved.extend(saved);
            }
            RunEnd::Diverged(message) => outcome.diverged.push((run, message)),
        }
    }
    outcome.merged = records::merge(&plan.dir)?.runs;
    Ok(outcome)
}

/// [`plan`] then [`execute`].
///
/// # Errors
/// As for [`plan`] and [`execute`].
pub fn run_experiment(
    experiment: &dyn Experiment,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<(Plan, Outcome)> {
    let plan = plan(experiment, options)?;
    let outcome = execute(experiment, &plan, options, progress)?;
    Ok((plan, outcome))
}

/// The end of one run.
enum RunEnd {
    /// With the model file written, when one was asked for.
    Finished { saved: Option<PathBuf> },
    /// With the divergence message.
    Diverged(String),
}

/// Does one run, records it, and saves its model when `options.save_model` is set.
fn run_one(
    experiment: &dyn Experiment,
    plan: &Plan,
    run: u32,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<RunEnd> {
    let seed = derive_seed(plan.base_seed, run);
    match experiment.run(run, seed, options.budget, progress) {
        Ok(mut report) => {
            let model = report.model.take();
            records::write_run(&plan.dir, experiment, run, seed, &Ending::Finished(&report))?;
            let saved = match (&options.save_model, model) {
                (Some(path), Some(model)) => Some(saved_models::save_run_model(
                    path,
                    plan.runs,
                    experiment,
                    run,
                    seed,
                    options.budget,
                    model,
                )?),
                _ => None,
            };
            progress.advance(run, plan.sequences_per_run);
            Ok(RunEnd::Finished { saved })
        }
        Err(error) => {
            let RunError::Diverged { partial, .. } = &error;
            let message = error.to_string();
            let ending = Ending::Diverged {
                partial,
                message: message.clone(),
            };
            records::write_run(&plan.dir, experiment, run, seed, &ending)?;
            progress.advance(run, plan.sequences_per_run);
            Ok(RunEnd::Diverged(message))
        }
    }
}
