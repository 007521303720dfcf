//! `chunker reproduce`: runs every experiment config at the papers' settings, redraws every
//! figure, and writes the results table into PAPER_NOTES.md.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::plot::{self, PlotArgs};
use super::run::{ExecutionArgs, run_and_report};
use super::words::counted;
use crate::error::{Error, Result};
use crate::experiment::{registry, table};

/// Arguments of `chunker reproduce`.
#[derive(Debug, Args)]
pub struct ReproduceArgs {
    #[command(flatten)]
    pub execution: ExecutionArgs,

    /// Folder of experiment configs; every `*.toml` in it is run, in name order.
    #[arg(long, default_value = "experiments")]
    pub experiments: PathBuf,

    /// Folder that receives one folder of records per experiment.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,

    /// Folder that receives the figures.
    #[arg(long, default_value = "figures")]
    pub figures: PathBuf,

    /// The notes file whose generated results section is rewritten.
    #[arg(long, default_value = "PAPER_NOTES.md")]
    pub notes: PathBuf,

    /// Also save every run's trained system under this folder, as FOLDER/NAME.runN.chunknet
    /// (FOLDER/NAME.chunknet for a one-run experiment), for `chunker trace --model` and
    /// `chunker evaluate --model`. Runs already recorded without a model are run again.
    #[arg(long, value_name = "FOLDER")]
    pub save_models: Option<PathBuf>,
}

/// Runs, plots and tabulates every experiment.
///
/// A diverged run is reported and the other runs and experiments continue.
///
/// # Errors
/// The first config, recording, figure or notes error.
pub fn execute(args: &ReproduceArgs) -> Result<()> {
    let started = Instant::now();
    let configs = config_files(&args.experiments)?;
    // Every config and the notes path are checked before the first run, so that a typo
    // in the last config or a wrong --notes does not surface after minutes of work.
    let experiments = configs
        .iter()
        .map(|config| registry::load(config))
        .collect::<Result<Vec<_>>>()?;
    crate::files::check_output_path(&args.notes)?;
    table::check_notes(&args.notes)?;
    crate::files::check_output_path(&args.figures.join("any.png"))?;
    if let Some(folder) = &args.save_models {
        crate::files::check_output_path(&folder.join("any.chunknet"))?;
    }
    let mut diverged = 0;
    for experiment in experiments {
        let mut options = args.execution.options(args.data.clone(), None, None);
        options.save_model = args
            .save_models
            .as_ref()
            .map(|folder| folder.join(format!("{}.chunknet", experiment.name())));
        let (_, outcome) = run_and_report(experiment.as_ref(), &options)?;
        diverged += outcome.diverged.len();
    }

    plot::execute(&PlotArgs {
        data: args.data.clone(),
        out: args.figures.clone(),
    })?;

    let rows = table::collect_rows(&args.data)?;
    let notes_folder = args.notes.parent().filter(|p| !p.as_os_str().is_empty());
    crate::files::remove_stale_temporaries(notes_folder.unwrap_or(Path::new(".")))?;
    table::update_notes(&args.notes, &command_line(args), &table::markdown(&rows))?;
    println!("wrote the results table into {}", args.notes.display());
    if diverged > 0 {
        eprintln!(
            "note: {} diverged; see the summary.csv files",
            counted(diverged, "run")
        );
    }
    eprintln!(
        "reproduce: {} in {:.0} s",
        counted(configs.len(), "experiment"),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Returns the command that regenerates the table, as written above it.
fn command_line(args: &ReproduceArgs) -> String {
    let budget = if args.execution.quick {
        " --quick"
    } else if args.execution.full {
        " --full"
    } else {
        ""
    };
    format!("chunker reproduce{budget}")
}

/// Lists the `*.toml` files of `folder`, sorted by name.
fn config_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut configs: Vec<PathBuf> = fs::read_dir(folder)
        .map_err(|e| Error::io("read", folder, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    configs.sort();
    if configs.is_empty() {
        return Err(Error::invalid(
            "--experiments",
            folder.display(),
            "expected a folder with at least one experiment config (*.toml)",
        ));
    }
    Ok(configs)
}
