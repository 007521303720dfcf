//! Loading any saved model as a system to trace or evaluate: a hierarchy, an automatizer
//! and chunker, or a single conventional net, each with the task its metadata names.

use std::path::Path;

use super::Traced;
use super::hierarchy::{HierarchyFeed, feed_from_parts};
use super::net::NetFeed;
use super::two_net::TwoNetFeed;
use crate::collapse::system::TwoNetSystem;
use crate::error::{Error, Result};
use crate::experiment::conventional::config::ConventionalConfig;
use crate::experiment::hierarchy::Config;
use crate::experiment::saved_models::{in_stored_config, stored_config};
use crate::saved::hierarchy::hierarchy_from_model;
use crate::saved::two_net::two_nets_from_model;
use crate::saved::{self, ModelKind, SavedModel};
use crate::tasks::StandardTask;

/// A loaded system of one of the three kinds.
pub enum System {
    Hierarchy(Box<HierarchyFeed>),
    TwoNet(Box<TwoNetFeed>),
    Net(Box<NetFeed>),
}

impl System {
    /// Returns the system as something to trace.
    pub fn traced(&mut self) -> &mut dyn Traced {
        match self {
            Self::Hierarchy(feed) => feed.as_mut(),
            Self::TwoNet(feed) => feed.as_mut(),
            Self::Net(feed) => feed.as_mut(),
        }
    }
}

/// A loaded model ready to trace or evaluate, with a one-line description.
pub struct LoadedModel {
    pub system: System,
    pub description: String,
    /// The success bound of the config the model was trained with: the largest absolute
    /// error that counts as correct, or 0.3 (the 1992 bound) when the model has no config.
    pub bound: f64,
    pub metadata: toml::Table,
}

/// The success bound used for models saved without a config (`trace --train`): the 0.3 of
/// the 20-step experiment (Schmidhuber 1992, section 5).
pub const DEFAULT_BOUND: f64 = 0.3;

/// Loads the saved model at `path` with its task.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Malformed`] naming `path` when it
/// is not a valid model, its metadata names no task, or its nets do not fit the task.
pub fn load(path: &Path) -> Result<LoadedModel> {
    let model = saved::load(path)?;
    match model.kind {
        ModelKind::CodecStack => Err(malformed(
            path,
            "holds a compressor stack, which predicts bytes, not a task's symbols; use it \
             with `chunker compress --model` and `chunker decompress --model`"
                .into(),
        )),
        ModelKind::Hierarchy => load_hierarchy(model, path),
        ModelKind::AutomatizerChunker => load_two_net(model, path),
        ModelKind::Net => load_net(model, path),
    }
}

fn malformed(path: &Path, message: String) -> Error {
    Error::Malformed {
        path: path.to_path_buf(),
        message,
    }
}

fn load_hierarchy(model: SavedModel, path: &Path) -> Result<LoadedModel> {
    let trained = training_note(&model.metadata);
    let (hierarchy, metadata) = hierarchy_from_model(model, path)?;
    let (feed, metadata) = feed_from_parts(hierarchy, metadata, path)?;
    let description = format!(
        "{}: a hierarchy of {}{trained}, on the {}",
        path.display(),
        match feed.hierarchy.levels().len() {
            1 => "1 level".to_string(),
            levels => format!("{levels} levels"),
        },
        feed.task.describe()
    );
    let bound = match stored_config(&metadata, path) {
        Ok((_, text)) => {
            Config::parse(&text, path)
                .map_err(in_stored_config(path))?
                .success
                .error
        }
        Err(_) => DEFAULT_BOUND,
    };
    Ok(LoadedModel {
        system: System::Hierarchy(Box::new(feed)),
        description,
        bound,
        metadata,
    })
}

fn load_two_net(model: SavedModel, path: &Path) -> Result<LoadedModel> {
    let trained = training_note(&model.metadata);
    let nets = two_nets_from_model(model, path)?;
    let (kind, text) = stored_config(&nets.metadata, path)?;
    if kind != "collapse" {
        return Err(malformed(
            path,
            format!(
                "an automatizer and chunker whose config has kind {kind:?}, expected \
                 \"collapse\""
            ),
        ));
    }
    let experiment =
        crate::collapse::experiment::parse("saved", &text, path).map_err(in_stored_config(path))?;
    let task = experiment.file().task().map_err(in_stored_config(path))?;
    let config = experiment.file().system();
    let with_chunker = nets.chunker.is_some();
    let system = TwoNetSystem::from_nets(&config, task.layout(), nets.automatizer, nets.chunker)
        .map_err(|message| malformed(path, message))?;
    let description = format!(
        "{}: an automatizer A{}{trained}, on the {}",
        path.display(),
        if with_chunker { " and a chunker C" } else { "" },
        task.describe()
    );
    Ok(LoadedModel {
        system: System::TwoNet(Box::new(TwoNetFeed::new(system, task, config))),
        description,
        bound: experiment.file().success.bound,
        metadata: nets.metadata,
    })
}

fn load_net(model: SavedModel, path: &Path) -> Result<LoadedModel> {
    let trained = training_note(&model.metadata);
    let (kind, text) = stored_config(&model.metadata, path)?;
    if kind != "conventional" {
        return Err(malformed(
            path,
            format!("a single net whose config has kind {kind:?}, expected \"conventional\""),
        ));
    }
    let config = ConventionalConfig::from_toml(&text, path).map_err(in_stored_config(path))?;
    let task = StandardTask::new(config.task.lag).map_err(in_stored_config(path))?;
    let net = model
        .nets
        .into_iter()
        .next()
        .expect("a decoded model contains at least one net")
        .net;
    let feed = NetFeed::new(net, task, config.success.error_bound)
        .map_err(|e| malformed(path, e.to_string()))?;
    Ok(LoadedModel {
        system: System::Net(Box::new(feed)),
        bound: config.success.error_bound,
        description: format!(
            "{}: a conventional net{trained}, on the standard task (lag {})",
            path.display(),
            config.task.lag
        ),
        metadata: model.metadata,
    })
}

/// ", trained on N sequences (run R of EXPERIMENT)" from the metadata, as far as known.
fn training_note(metadata: &toml::Table) -> String {
    let mut note = String::new();
    // A negative count can only come from an edited file; it is left out, not printed.
    if let Some(sequences) = metadata
        .get("training_sequences")
        .and_then(toml::Value::as_integer)
        .filter(|&sequences| sequences >= 0)
    {
        let plural = if sequences == 1 { "" } else { "s" };
        note.push_str(&format!(", trained on {sequences} sequence{plural}"));
    }
    let experiment = metadata.get("experiment").and_then(toml::Value::as_str);
    let run = metadata.get("run").and_then(toml::Value::as_integer);
    if let (Some(experiment), Some(run)) = (experiment, run) {
        note.push_str(&format!(" (run {run} of {experiment})"));
    }
    note
}
