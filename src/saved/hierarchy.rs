//! Saving and loading the predictor hierarchy of [`crate::hierarchy`] (Schmidhuber, NIPS 4,
//! 1991; Neural Computation 4(2), 1992, section 3) and single nets, as saved models.
//!
//! A hierarchy is stored as kind [`ModelKind::Hierarchy`] with one net per level ("level
//! 1", "level 2", ...) and its [`HierarchySpec`] in the metadata table `spec`, so that
//! loading rebuilds the same levels: level 1, then each further level added with
//! [`Hierarchy::grow`], which freezes the level below as the hierarchy does when it grows.

use std::path::Path;

use super::{ModelKind, SavedModel, SavedNet, load, save};
use crate::compression::{SurpriseRule, TimeCode};
use crate::error::{Error, Result};
use crate::hierarchy::{Hierarchy, HierarchySpec, LevelSpec, PlateauTest};
use crate::net::Net;

/// Role names of the hierarchy's nets, level 1 first.
pub fn level_role(index: usize) -> String {
    format!("level {}", index + 1)
}

/// The hierarchy as a saved model; `extra` adds metadata keys (e.g. `task`, `lag`,
/// `training_sequences`) beside the `spec` table.
///
/// # Errors
/// [`Error::InvalidValue`] when the spec cannot be written as TOML.
pub fn hierarchy_model(hierarchy: &Hierarchy, extra: toml::Table) -> Result<SavedModel> {
    let mut metadata = extra;
    metadata.insert("spec".into(), spec_to_toml(hierarchy.spec())?.into());
    Ok(SavedModel {
        kind: ModelKind::Hierarchy,
        metadata,
        nets: hierarchy
            .levels()
            .iter()
            .enumerate()
            .map(|(index, level)| SavedNet {
                role: level_role(index),
                net: level.net.clone(),
            })
            .collect(),
    })
}

/// Saves `hierarchy` to `path` atomically: the function behind `--save-model` for any
/// command that trains a hierarchy.
///
/// # Errors
/// As [`hierarchy_model`] and [`super::save`].
pub fn save_hierarchy(path: &Path, hierarchy: &Hierarchy, extra: toml::Table) -> Result<()> {
    save(path, &hierarchy_model(hierarchy, extra)?)
}

/// Saves one net (e.g. a conventional net) to `path` with role `role`.
///
/// # Errors
/// As [`super::save`].
pub fn save_net(path: &Path, role: &str, net: &Net, metadata: toml::Table) -> Result<()> {
    let model = SavedModel {
        kind: ModelKind::Net,
        metadata,
        nets: vec![SavedNet {
            role: role.to_string(),
            net: net.clone(),
        }],
    };
    save(path, &model)
}

/// Loads a hierarchy saved by [`save_hierarchy`], with its metadata.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Malformed`] naming `path` when it
/// is not a valid saved model, not a hierarchy, or its spec and nets disagree.
pub fn load_hierarchy(path: &Path) -> Result<(Hierarchy, toml::Table)> {
    let model = load(path)?;
    hierarchy_from_model(model, path)
}

/// Rebuilds a hierarchy from a saved model; `path` names the file in errors.
///
/// # Errors
/// As [`load_hierarchy`].
pub fn hierarchy_from_model(model: SavedModel, path: &Path) -> Result<(Hierarchy, toml::Table)> {
    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    if model.kind != ModelKind::Hierarchy {
        return Err(malformed(format!(
            "holds a model of kind {}, expected a hierarchy",
            model.kind.name()
        )));
    }
    let spec_table = model
        .metadata
        .get("spec")
        .and_then(toml::Value::as_table)
        .ok_or_else(|| malformed("metadata has no `spec` table".into()))?;
    let spec = spec_from_toml(spec_table).map_err(|e| malformed(format!("metadata spec: {e}")))?;
    spec.validate()
        .map_err(|e| malformed(format!("metadata spec: {e}")))?;
    if model.nets.len() > spec.max_levels {
        return Err(malformed(format!(
            "{} level nets, but the spec allows at most {}",
            model.nets.len(),
            if spec.max_levels == 1 {
                "1 level".to_string()
            } else {
                format!("{} levels", spec.max_levels)
            }
        )));
    }
    for (index, saved) in model.nets.iter().enumerate() {
        let expected_role = level_role(index);
        if saved.role != expected_role {
            return Err(malformed(format!(
                "net {} has role {:?}, expected {expected_role:?}",
                index + 1,
                saved.role
            )));
        }
        let expected = spec.shape(index);
        if saved.net.shape != expected {
            return Err(malformed(format!(
                "{expected_role} has shape ({}), but the spec gives ({expected})",
                saved.net.shape
            )));
        }
    }

    // The weights drawn here are all replaced by the saved ones below.
    let mut hierarchy = Hierarchy::from_seed(spec, 0).map_err(|e| malformed(e.to_string()))?;
    for index in 1..model.nets.len() {
        hierarchy.grow();
        debug_assert_eq!(hierarchy.levels().len(), index + 1);
    }
    for (index, saved) in model.nets.into_iter().enumerate() {
        hierarchy.level_mut(index).net = saved.net;
    }
    let mut metadata = model.metadata;
    metadata.remove("spec");
    Ok((hierarchy, metadata))
}

fn spec_to_toml(spec: &HierarchySpec) -> Result<toml::Table> {
    let value = |what: &str, v: std::result::Result<toml::Value, toml::ser::Error>| {
        v.map_err(|e| Error::invalid(format!("spec.{what}"), e, "expected a TOML value"))
    };
    let mut table = toml::Table::new();
    table.insert("symbols".into(), integer(spec.symbols));
    table.insert("targets".into(), spec.targets.into());
    table.insert("target_input".into(), spec.target_input.into());
    table.insert(
        "sequence_starts_unexpected".into(),
        spec.sequence_starts_unexpected.into(),
    );
    table.insert(
        "reset_at_sequence_start".into(),
        spec.reset_at_sequence_start.into(),
    );
    table.insert(
        "surprise".into(),
        value("surprise", toml::Value::try_from(spec.surprise))?,
    );
    table.insert(
        "time_code".into(),
        value("time_code", toml::Value::try_from(spec.time_code))?,
    );
    table.insert(
        "levels".into(),
        value("levels", toml::Value::try_from(&spec.levels))?,
    );
    table.insert("max_levels".into(), integer(spec.max_levels));
    if let Some(plateau) = spec.plateau {
        table.insert(
            "plateau".into(),
            value("plateau", toml::Value::try_from(plateau))?,
        );
    }
    Ok(table)
}

fn integer(value: usize) -> toml::Value {
    toml::Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

fn spec_from_toml(table: &toml::Table) -> std::result::Result<HierarchySpec, String> {
    let get = |key: &str| table.get(key).ok_or(format!("missing key `{key}`"));
    let size = |key: &str| {
        get(key)?
            .as_integer()
            .and_then(|v| usize::try_from(v).ok())
            .ok_or(format!("`{key}` must be a non-negative integer"))
    };
    let flag = |key: &str| {
        get(key)?
            .as_bool()
            .ok_or(format!("`{key}` must be true or false"))
    };
    // Keys added after the first saved models default to off, the behaviour before them.
    let optional_flag = |key: &str| match table.get(key) {
        None => Ok(false),
        Some(value) => value
            .as_bool()
            .ok_or(format!("`{key}` must be true or false")),
    };
    let surprise: SurpriseRule = get("surprise")?
        .clone()
        .try_into()
        .map_err(|e| format!("`surprise`: {e}"))?;
    let time_code: TimeCode = get("time_code")?
        .clone()
        .try_into()
        .map_err(|e| format!("`time_code`: {e}"))?;
    let levels: Vec<LevelSpec> = get("levels")?
        .clone()
        .try_into()
        .map_err(|e| format!("`levels`: {e}"))?;
    let plateau: Option<PlateauTest> = match table.get("plateau") {
        Some(value) => Some(
            value
                .clone()
                .try_into()
                .map_err(|e| format!("`plateau`: {e}"))?,
        ),
        None => None,
    };
    Ok(HierarchySpec {
        symbols: size("symbols")?,
        targets: flag("targets")?,
        target_input: flag("target_input")?,
        surprise,
        time_code,
        levels,
        max_levels: size("max_levels")?,
        plateau,
        sequence_starts_unexpected: optional_flag("sequence_starts_unexpected")?,
        reset_at_sequence_start: optional_flag("reset_at_sequence_start")?,
    })
}
