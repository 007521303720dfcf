//! Maps an experiment config file to its [`Experiment`] by the config's `kind` key.
//!
//! Each kind's module provides `from_toml(name, text, path) -> Result<Box<dyn Experiment>>`,
//! which parses the whole file into its own config struct (unknown keys rejected) and
//! validates every value.

use std::path::Path;

use super::Experiment;
use crate::error::{Error, Result};
use crate::files;

/// The kinds of experiment a config may name.
pub const KINDS: &[&str] = &["conventional", "hierarchy", "collapse"];

/// Loads and validates the experiment config at `path`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Malformed`] when it is not TOML or
/// has no valid `kind`; the kind's own errors for its keys and values.
pub fn load(path: &Path) -> Result<Box<dyn Experiment>> {
    let bytes = files::read(path)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Malformed {
        path: path.into(),
        message: "not UTF-8 text".into(),
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| Error::Malformed {
            path: path.into(),
            message: e.to_string(),
        })?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Malformed {
            path: path.into(),
            message: "no file name".into(),
        })?;
    let kind = match table.get("kind") {
        Some(toml::Value::String(kind)) => kind.as_str(),
        Some(other) => {
            return Err(Error::Malformed {
                path: path.into(),
                message: format!("`kind` must be a string, one of {KINDS:?}; found {other}"),
            });
        }
        None => {
            return Err(Error::Malformed {
                path: path.into(),
                message: format!("missing key `kind`; expected one of {KINDS:?}"),
            });
        }
    };
    match kind {
        // Each kind adds one arm here.
        "conventional" => super::conventional::from_toml(&name, &text, path),
        "hierarchy" => super::hierarchy::from_toml(&name, &text, path),
        "collapse" => crate::collapse::experiment::from_toml(&name, &text, path),
        other => Err(Error::Malformed {
            path: path.into(),
            message: format!("unknown kind {other:?}; expected one of {KINDS:?}"),
        }),
    }
}
