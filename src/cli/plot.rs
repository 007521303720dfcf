//! `chunker plot`: redraws every figure from the records under `data/`, merging shards.
//! A folder without any experiment records is an error (exit code 1) with a note on how to
//! make some.

use std::path::PathBuf;

use clap::Args;

use crate::error::{Error, Result};
use crate::plot::experiments::{self, FolderResult};

/// Arguments of `chunker plot`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exits with code 1 and a note when no folder under --data contains experiment \
                  records (run `chunker run` or `chunker reproduce` first)."
)]
pub struct PlotArgs {
    /// Folder with one folder of records per experiment.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,

    /// Folder that receives the figures (PNG and SVG).
    #[arg(long, default_value = "figures")]
    pub out: PathBuf,
}

/// Merges and draws every experiment folder, printing each figure written.
///
/// # Errors
/// The first error a merge or a figure function hit; [`Error::Io`] (exit code 1) when no
/// folder under `--data` contains experiment records.
pub fn execute(args: &PlotArgs) -> Result<()> {
    let mut recorded = false;
    for result in experiments::draw_all(&args.data, &args.out)? {
        match result {
            FolderResult::Drawn { figures, .. } => {
                recorded = true;
                for stem in figures {
                    println!("wrote {}.png and .svg", stem.display());
                }
            }
            FolderResult::Skipped { folder, reason } => {
                recorded |= reason != experiments::NO_RECORDED_RUNS;
                eprintln!("note: skipped {}: {reason}", folder.display());
            }
        }
    }
    if !recorded {
        let message = "no experiment records found; run `chunker run` or `chunker reproduce` \
                       first, or pass the folder that contains them with --data";
        return Err(Error::io(
            "plot",
            &args.data,
            std::io::Error::new(std::io::ErrorKind::NotFound, message),
        ));
    }
    Ok(())
}
