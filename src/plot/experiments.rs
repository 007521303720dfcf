//! The figure functions of every experiment kind, and `draw_all`, which redraws every
//! experiment folder under `data/` from its records alone.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::experiment::records::{self, SIDECAR_FILE};
use crate::experiment::sidecar;

/// The reason given for a folder skipped because it contains no recorded runs.
pub const NO_RECORDED_RUNS: &str = "no recorded runs";

/// The outcome for one folder under `data/`.
#[derive(Clone, Debug, PartialEq)]
pub enum FolderResult {
    /// Figures written, as stems (each has a .png and a .svg).
    Drawn {
        folder: PathBuf,
        figures: Vec<PathBuf>,
    },
    /// A folder without recorded runs, or of a kind without a figure function, with the reason.
    Skipped { folder: PathBuf, reason: String },
}

/// Draws the figures of the experiment of `kind` whose records are in `dir` into `out`.
/// Returns `None` when `kind` has no figure function.
///
/// Each kind adds one arm here.
pub fn draw_experiment(kind: &str, dir: &Path, out: &Path) -> Option<Result<Vec<PathBuf>>> {
    match kind {
        "conventional" => Some(super::conventional::draw(dir, out)),
        "collapse" => Some(super::collapse::draw(dir, out)),
        "hierarchy" => Some(super::hierarchy::draw(dir, out)),
        _ => None,
    }
}

/// Merges the per-run records of every folder under `data_root` (so shards recorded
/// separately join), then draws its figures into `out`, in folder-name order, and last the
/// figure across all hierarchy experiments.
///
/// A folder's kind comes from its `run.toml` sidecar, or is the folder's own name when the
/// sidecar is missing. Folders without recorded runs or of unknown kinds are skipped with a
/// reason.
///
/// # Errors
/// The first [`Error::Io`] or [`Error::Malformed`] that a merge or a figure function hit.
pub fn draw_all(data_root: &Path, out: &Path) -> Result<Vec<FolderResult>> {
    crate::files::remove_stale_temporaries(out)?;
    let mut folders: Vec<PathBuf> = fs::read_dir(data_root)
        .map_err(|e| Error::io("read", data_root, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    let mut results = Vec::new();
    for folder in folders {
        if records::merge(&folder)?.runs == 0 {
            results.push(FolderResult::Skipped {
                reason: NO_RECORDED_RUNS.into(),
                folder,
            });
            continue;
        }
        let kind = folder_kind(&folder)?;
        let result = match draw_experiment(&kind, &folder, out) {
            Some(figures) => FolderResult::Drawn {
                folder,
                figures: figures?,
            },
            None => FolderResult::Skipped {
                reason: format!("no figure function for kind {kind:?}"),
                folder,
            },
        };
        results.push(result);
    }
    // The figure across experiments reads every hierarchy folder, so it is drawn once here.
    if let Some(stem) = super::hierarchy::draw_lags(data_root, out)? {
        results.push(FolderResult::Drawn {
            folder: data_root.to_path_buf(),
            figures: vec![stem],
        });
    }
    Ok(results)
}

/// Reads the kind of the experiment recorded in `folder`.
fn folder_kind(folder: &Path) -> Result<String> {
    let sidecar_path = folder.join(SIDECAR_FILE);
    if sidecar_path.is_file() {
        let table = sidecar::read_table(&sidecar_path)?;
        if let Some(kind) = sidecar::kind(&table) {
            return Ok(kind.to_string());
        }
    }
    Ok(folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default())
}
