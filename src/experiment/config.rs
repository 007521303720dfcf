//! Helpers for experiment configs: parsing one kind's TOML file into its serde struct
//! (unknown keys rejected), naming the offending key in every error, and checking values.
//!
//! Every config file has a `kind`, a `[run]` table ([`RunSection`]) and a `[budget]` table
//! ([`BudgetSection`]) beside its kind's own tables, and every parameter is written out.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Budget;
use crate::error::{Error, Result};

/// The `[run]` table: how many independent runs, and the base seed they derive from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    pub runs: u32,
    pub seed: u64,
}

impl RunSection {
    /// Checks that `runs` is at least 1.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming `run.runs`.
    pub fn validate(&self) -> Result<()> {
        positive_int("run.runs", u64::from(self.runs))?;
        Ok(())
    }
}

/// The `[budget]` table: training sequences per run at each [`Budget`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSection {
    /// Smoke-test size: seconds per experiment.
    pub quick: u64,
    /// What `chunker reproduce` runs by default within its time limit.
    pub default: u64,
    /// The papers' complete budget.
    pub full: u64,
}

impl BudgetSection {
    /// Checks that every budget is at least one sequence and that quick <= default <= full.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the key.
    pub fn validate(&self) -> Result<()> {
        positive_int("budget.quick", self.quick)?;
        positive_int("budget.default", self.default)?;
        positive_int("budget.full", self.full)?;
        int_in_range("budget.default", self.default, self.quick, u64::MAX)?;
        int_in_range("budget.full", self.full, self.default, u64::MAX)?;
        Ok(())
    }

    /// The number of training sequences for `budget`.
    pub fn sequences(&self, budget: Budget) -> u64 {
        match budget {
            Budget::Quick => self.quick,
            Budget::Default => self.default,
            Budget::Full => self.full,
        }
    }
}

/// Parses `text`, the config file at `path`, into `T`.
///
/// `T` should carry `#[serde(deny_unknown_fields)]` on every table so that a misspelt key
/// is an error rather than a silently ignored value.
///
/// # Errors
/// [`Error::Malformed`] naming the file, the key (as `table.key`) and what was expected.
pub fn parse<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    toml::from_str(text).map_err(|error| {
        let key = error
            .span()
            .and_then(|span| key_at(text, span.start))
            .map(|key| format!("key `{key}`: "))
            .unwrap_or_default();
        Error::Malformed {
            path: path.into(),
            message: format!("{key}{}", error.message().trim_end()),
        }
    })
}

/// The dotted key (`table.key`) written on the line that contains byte `offset`, if that
/// line assigns a key or is the table header an error points into.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim();
    if line.starts_with('[') {
        return Some(
            line.trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string(),
        );
    }
    let key = line.split('=').next()?.trim().trim_matches('"');
    if key.is_empty() {
        return None;
    }
    match table_before(&text[..line_start]) {
        Some(table) => Some(format!("{table}.{key}")),
        None => Some(key.to_string()),
    }
}

/// The name of the last `[table]` header in `text`, if any.
fn table_before(text: &str) -> Option<String> {
    text.lines().rev().map(str::trim).find_map(|line| {
        let inner = line.strip_prefix('[')?.split(']').next()?;
        Some(inner.trim_matches('[').trim().to_string())
    })
}

/// Checks that an integer setting is at least 1.
///
/// # Errors
/// [`Error::InvalidValue`] naming `key`, the value and the valid range.
pub fn positive_int(key: &str, value: u64) -> Result<u64> {
    if value == 0 {
        return Err(Error::invalid(
            key,
            value,
            format!("expected an integer >= 1; fix: set `{key}` to 1 or more"),
        ));
    }
    Ok(value)
}

/// Checks that an integer setting lies in `min..=max`.
///
/// # Errors
/// [`Error::InvalidValue`] naming `key`, the value and the valid range.
pub fn int_in_range(key: &str, value: u64, min: u64, max: u64) -> Result<u64> {
    if value < min || value > max {
        let range = if max == u64::MAX {
            format!(">= {min}")
        } else {
            format!("in {min}..={max}")
        };
        return Err(Error::invalid(
            key,
            value,
            format!("expected an integer {range}; fix: set `{key}` within that range"),
        ));
    }
    Ok(value)
}

/// Checks that a real setting is finite and greater than 0.
///
/// # Errors
/// [`Error::InvalidValue`] naming `key`, the value and the valid range.
pub fn finite_positive(key: &str, value: f64) -> Result<f64> {
    if !(value.is_finite() && value > 0.0) {
        return Err(Error::invalid(
            key,
            value,
            format!("expected a finite number > 0; fix: set `{key}` to a positive number"),
        ));
    }
    Ok(value)
}

/// Checks that a real setting is finite and lies in `min..=max`.
///
/// # Errors
/// [`Error::InvalidValue`] naming `key`, the value and the valid range.
pub fn float_in_range(key: &str, value: f64, min: f64, max: f64) -> Result<f64> {
    if !(value.is_finite() && value >= min && value <= max) {
        return Err(Error::invalid(
            key,
            value,
            format!(
                "expected a finite number in [{min}, {max}]; fix: set `{key}` within that range"
            ),
        ));
    }
    Ok(value)
}

/// Checks that a list setting is not empty and has no repeated entry.
///
/// # Errors
/// [`Error::InvalidValue`] naming `key` and the list.
pub fn distinct_nonempty<T: PartialEq + std::fmt::Debug>(key: &str, values: &[T]) -> Result<()> {
    let repeated = values
        .iter()
        .enumerate()
        .any(|(i, v)| values[..i].contains(v));
    if values.is_empty() || repeated {
        return Err(Error::invalid(
            key,
            format!("{values:?}"),
            format!(
                "expected a non-empty list without repeats; fix: list each entry of `{key}` once"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_at_names_table_and_key() {
        let text = "kind = \"k\"\n[run]\nruns = \"x\"\nseed = 1\n";
        let offset = text.find("\"x\"").unwrap();
        assert_eq!(key_at(text, offset).as_deref(), Some("run.runs"));
    }

    #[test]
    fn key_at_top_level() {
        let text = "kind = 3\n[run]\n";
        assert_eq!(key_at(text, 7).as_deref(), Some("kind"));
    }
}
