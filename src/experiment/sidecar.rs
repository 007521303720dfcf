//! The `run.toml` sidecar beside an experiment's CSV files: the resolved config, the base
//! seed and how run seeds derive from it, the budget, the shard and the program version.
//! Figures and the results table read the experiment's `kind` and the paper's result from it.

use std::path::Path;

use super::Budget;
use super::records::SIDECAR_FILE;
use super::runner::Shard;
use crate::error::{Error, Result};
use crate::files;

/// The program that wrote the records.
pub const PROGRAM_VERSION: &str = concat!("chunker ", env!("CARGO_PKG_VERSION"));

/// The keys that must match before new runs may join the runs already in a folder.
const IDENTITY_KEYS: [&str; 5] = ["config", "base_seed", "runs", "budget", "sequences_per_run"];

/// Everything a sidecar records.
#[derive(Clone, Debug, PartialEq)]
pub struct Sidecar {
    pub experiment: String,
    pub paper_result: String,
    pub base_seed: u64,
    pub runs: u32,
    pub budget: Budget,
    pub sequences_per_run: u64,
    pub shard: Shard,
    /// The resolved config as TOML text.
    pub config: String,
}

impl Sidecar {
    /// The sidecar as a TOML table.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the resolved config is not valid TOML (a bug in the
    /// experiment); `path` names the sidecar in that message.
    pub fn to_table(&self, path: &Path) -> Result<toml::Table> {
        let config: toml::Table =
            self.config
                .parse()
                .map_err(|e: toml::de::Error| Error::Malformed {
                    path: path.into(),
                    message: format!("the resolved config is not TOML: {}", e.message()),
                })?;
        let mut table = toml::Table::new();
        let text = |s: &str| toml::Value::String(s.to_string());
        table.insert("experiment".into(), text(&self.experiment));
        table.insert("program".into(), text(PROGRAM_VERSION));
        table.insert("paper_result".into(), text(&self.paper_result));
        table.insert(
            "base_seed".into(),
            toml::Value::Integer(seed_as_integer(self.base_seed)),
        );
        table.insert(
            "seed_derivation".into(),
            text(super::runner::SEED_DERIVATION),
        );
        table.insert("runs".into(), toml::Value::Integer(i64::from(self.runs)));
        let budget = match self.budget {
            Budget::Quick => "quick",
            Budget::Default => "default",
            Budget::Full => "full",
        };
        table.insert("budget".into(), text(budget));
        let sequences = i64::try_from(self.sequences_per_run).unwrap_or(i64::MAX);
        table.insert("sequences_per_run".into(), toml::Value::Integer(sequences));
        table.insert("shard".into(), text(&self.shard.to_string()));
        table.insert("config".into(), toml::Value::Table(config));
        Ok(table)
    }

    /// Writes the sidecar into the experiment folder `dir`, after checking that a sidecar
    /// already there describes the same config, seed, run count and budget.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the folder holds runs of a different setting, so that
    /// runs of two settings never mix in one CSV; [`Error::Io`] on write failures.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(SIDECAR_FILE);
        let table = self.to_table(&path)?;
        if path.is_file() {
            let existing = read_table(&path)?;
            check_same_identity(&existing, &table, dir)?;
        }
        let text = toml::to_string(&table).map_err(|e| Error::Malformed {
            path: path.clone(),
            message: e.to_string(),
        })?;
        files::write_atomic(&path, text.as_bytes())
    }
}

/// TOML integers are i64; seeds above i64::MAX are stored as their two's-complement value.
fn seed_as_integer(seed: u64) -> i64 {
    i64::from_ne_bytes(seed.to_ne_bytes())
}

/// Reads a sidecar file as a TOML table.
///
/// # Errors
/// [`Error::Io`] when it cannot be read; [`Error::Malformed`] when it is not TOML.
pub fn read_table(path: &Path) -> Result<toml::Table> {
    let bytes = files::read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    text.parse().map_err(|e: toml::de::Error| Error::Malformed {
        path: path.into(),
        message: e.message().to_string(),
    })
}

/// The `kind` of the experiment a sidecar describes, if it names one.
pub fn kind(table: &toml::Table) -> Option<&str> {
    table.get("config")?.get("kind")?.as_str()
}

fn check_same_identity(existing: &toml::Table, new: &toml::Table, dir: &Path) -> Result<()> {
    for key in IDENTITY_KEYS {
        if existing.get(key) != new.get(key) {
            let shown = |table: &toml::Table| {
                table.get(key).map_or("nothing".to_string(), |v| {
                    let text = v.to_string();
                    if text.chars().count() > 80 {
                        format!("{}...", text.chars().take(77).collect::<String>())
                    } else {
                        text
                    }
                })
            };
            return Err(Error::invalid(
                "--out",
                dir.display(),
                format!(
                    "this folder holds runs with {key} = {} but this run has {key} = {}; \
                     fix: delete the folder to start over, or pass another --out",
                    shown(existing),
                    shown(new)
                ),
            ));
        }
    }
    Ok(())
}
