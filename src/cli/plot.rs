//! `chunker plot`: redraws every figure from the records under `data/`, merging shards.

use std::path::PathBuf;

use clap::Args;

use crate::error::Result;
use crate::plot::experiments::{self, FolderResult};

/// Arguments of `chunker plot`.
#[derive(Debug, Args)]
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
/// The first error a merge or a figure function hit.
pub fn execute(args: &PlotArgs) -> Result<()> {
    for result in experiments::draw_all(&args.data, &args.out)? {
        match result {
            FolderResult::Drawn { figures, .. } => {
                for stem in figures {
                    println!("wrote {}.png and .svg", stem.display());
                }
            }
            FolderResult::Skipped { folder, reason } => {
                eprintln!("note: skipped {}: {reason}", folder.display());
            }
        }
    }
    Ok(())
}
