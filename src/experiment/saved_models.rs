//! The trained systems of `chunker run --save-model PATH`: one saved model per run, named
//! after PATH, with metadata that names the experiment, config, run and seed that made it, so
//! that `chunker trace --model` and `chunker evaluate --model` can rebuild its task.

use std::path::{Path, PathBuf};

use super::{Budget, Experiment};
use crate::error::{Error, Result};
use crate::saved::{self, SavedModel};

/// Returns the file that receives run `run`'s model: `path` itself when the experiment has one
/// run, otherwise `path` with `.runN` before its extension (`a.chunknet` becomes
/// `a.run3.chunknet`, and `a` becomes `a.run3`).
pub fn model_path(path: &Path, run: u32, runs: u32) -> PathBuf {
    if runs == 1 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(extension) => format!("{stem}.run{run}.{}", extension.to_string_lossy()),
        None => format!("{stem}.run{run}"),
    };
    path.with_file_name(name)
}

/// Adds the keys every saved run carries to `model`'s metadata: `experiment` (the config's
/// name), `run`, `seed` (as text, since TOML integers cannot hold every u64), `budget`,
/// `program`, and `config`, the resolved config as a table.
///
/// # Errors
/// [`Error::Malformed`] when the experiment's resolved config is not valid TOML, which
/// would be a bug in the experiment.
pub fn stamp(
    model: &mut SavedModel,
    experiment: &dyn Experiment,
    run: u32,
    seed: u64,
    budget: Budget,
) -> Result<()> {
    let config: toml::Table =
        experiment
            .resolved_config()
            .parse()
            .map_err(|e: toml::de::Error| Error::Malformed {
                path: PathBuf::from(experiment.name()),
                message: format!("resolved config: {e}"),
            })?;
    let metadata = &mut model.metadata;
    metadata.insert("experiment".into(), experiment.name().into());
    metadata.insert("run".into(), i64::from(run).into());
    metadata.insert("seed".into(), seed.to_string().into());
    let budget = match budget {
        Budget::Quick => "quick",
        Budget::Default => "default",
        Budget::Full => "full",
    };
    metadata.insert("budget".into(), budget.into());
    metadata.insert(
        "program".into(),
        concat!("chunker ", env!("CARGO_PKG_VERSION")).into(),
    );
    metadata.insert("config".into(), config.into());
    Ok(())
}

/// Stamps `model` and saves it as run `run`'s file under `path`; returns the file written.
///
/// # Errors
/// As [`stamp`] and [`saved::save`].
pub fn save_run_model(
    path: &Path,
    runs: u32,
    experiment: &dyn Experiment,
    run: u32,
    seed: u64,
    budget: Budget,
    mut model: SavedModel,
) -> Result<PathBuf> {
    stamp(&mut model, experiment, run, seed, budget)?;
    let file = model_path(path, run, runs);
    saved::save(&file, &model)?;
    Ok(file)
}

/// Tells whether the file at `path` contains the saved model of run `run` (seed `seed`) of
/// the experiment named `experiment`. A missing or unreadable file, or another run's model,
/// does not, so the run is done again and its model written over the file.
pub fn contains_run(path: &Path, experiment: &str, run: u32, seed: u64) -> bool {
    let Ok(model) = saved::load(path) else {
        return false;
    };
    let metadata = &model.metadata;
    metadata.get("experiment").and_then(toml::Value::as_str) == Some(experiment)
        && metadata.get("run").and_then(toml::Value::as_integer) == Some(i64::from(run))
        && metadata.get("seed").and_then(toml::Value::as_str) == Some(seed.to_string().as_str())
}

/// Returns a map for errors about the config stored in the model at `path`, so that they
/// name the model file: an invalid value becomes [`Error::Malformed`] naming `path`.
pub fn in_stored_config(path: &Path) -> impl Fn(Error) -> Error + '_ {
    move |error| match error {
        Error::Malformed { .. } => error,
        other => Error::Malformed {
            path: path.to_path_buf(),
            message: format!("the config stored in the model: {other}"),
        },
    }
}

/// Returns the `kind` and the TOML text of the resolved config stored in a run's model.
///
/// # Errors
/// [`Error::Malformed`] naming `path` when the metadata has no `config` table or the
/// table has no `kind`.
pub fn stored_config(metadata: &toml::Table, path: &Path) -> Result<(String, String)> {
    let malformed = |message: &str| Error::Malformed {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let config = metadata
        .get("config")
        .and_then(toml::Value::as_table)
        .ok_or_else(|| {
            malformed(
                "metadata has no `config` table; models saved by `chunker run --save-model` \
                 have one",
            )
        })?;
    let kind = config
        .get("kind")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| malformed("metadata `config` has no `kind`"))?;
    let text = toml::to_string(config).map_err(|e| malformed(&e.to_string()))?;
    Ok((kind.to_string(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_path_numbers_several_runs() {
        let path = Path::new("models/a20.chunknet");
        assert_eq!(model_path(path, 0, 1), PathBuf::from("models/a20.chunknet"));
        assert_eq!(
            model_path(path, 3, 17),
            PathBuf::from("models/a20.run3.chunknet")
        );
        assert_eq!(model_path(Path::new("a"), 12, 20), PathBuf::from("a.run12"));
    }
}
