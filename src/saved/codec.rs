//! Saving the byte-level predictor stack of `chunker compress` after it has learned a
//! file, and loading it as the start model of another compression. The model is stored as
//! kind [`ModelKind::CodecStack`] with one net per level ("level 1", "level 2", ...) and
//! the stack's settings in the metadata table `codec`.

use std::path::Path;

use super::hierarchy::level_role;
use super::{ModelKind, SavedModel, SavedNet, decode};
use crate::codec::{CodecConfig, PredictorStack, StartModel};
use crate::compression::TimeCode;
use crate::error::{Error, Result};
use crate::files;

/// Returns the stack's nets as a saved model; `extra` adds metadata keys beside `codec`.
pub fn stack_model(stack: &PredictorStack, config: &CodecConfig, extra: toml::Table) -> SavedModel {
    let mut metadata = extra;
    metadata.insert("codec".into(), settings_table(config).into());
    SavedModel {
        kind: ModelKind::CodecStack,
        metadata,
        nets: stack
            .nets()
            .enumerate()
            .map(|(index, net)| SavedNet {
                role: level_role(index),
                net: net.clone(),
            })
            .collect(),
    }
}

fn settings_table(config: &CodecConfig) -> toml::Table {
    let mut table = toml::Table::new();
    let integer = |value: usize| toml::Value::Integer(i64::try_from(value).unwrap_or(i64::MAX));
    table.insert("levels".into(), integer(config.levels));
    table.insert("hidden".into(), integer(config.hidden));
    table.insert("horizon".into(), integer(config.horizon));
    table.insert("learning_rate".into(), config.learning_rate.into());
    table.insert("init_range".into(), config.init_range.into());
    let (code, parameter) = match config.time_code {
        TimeCode::None => ("none", 0.0),
        TimeCode::Binary { bits } => ("binary", bits as f64),
        TimeCode::Decaying { decay } => ("decaying", decay),
    };
    table.insert("time_code".into(), code.into());
    table.insert("time_code_parameter".into(), parameter.into());
    // TOML integers are i64, so the seed is stored as text to keep every u64 exact.
    table.insert("seed".into(), config.seed.to_string().into());
    table
}

fn settings_from_table(table: &toml::Table) -> std::result::Result<CodecConfig, String> {
    let get = |key: &str| table.get(key).ok_or(format!("missing key `codec.{key}`"));
    let size = |key: &str| {
        get(key)?
            .as_integer()
            .and_then(|v| usize::try_from(v).ok())
            .ok_or(format!("`codec.{key}` must be a non-negative integer"))
    };
    let float = |key: &str| {
        get(key)?
            .as_float()
            .ok_or(format!("`codec.{key}` must be a number"))
    };
    let parameter = float("time_code_parameter")?;
    let time_code = match get("time_code")?.as_str() {
        Some("none") => TimeCode::None,
        Some("binary") if parameter.fract() == 0.0 && (0.0..=64.0).contains(&parameter) => {
            TimeCode::Binary {
                bits: parameter as usize,
            }
        }
        Some("decaying") => TimeCode::Decaying { decay: parameter },
        _ => return Err("`codec.time_code` must be none, binary or decaying".into()),
    };
    let seed = get("seed")?
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or("`codec.seed` must be an unsigned integer written as text")?;
    Ok(CodecConfig {
        levels: size("levels")?,
        hidden: size("hidden")?,
        horizon: size("horizon")?,
        learning_rate: float("learning_rate")?,
        init_range: float("init_range")?,
        time_code,
        seed,
    })
}

/// Loads a stack saved by `chunker compress --save-model` as a start model, with the
/// CRC-32 that the file stores of its contents.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Malformed`] naming `path` when it
/// is not a valid saved model, not a compressor stack, or its settings and nets disagree.
pub fn load_start_model(path: &Path) -> Result<StartModel> {
    let bytes = files::read(path)?;
    let model = decode(&bytes, path)?;

    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    if model.kind != ModelKind::CodecStack {
        return Err(malformed(format!(
            "holds a model of kind {}, expected a compressor stack saved by \
             `chunker compress --save-model`",
            model.kind.name()
        )));
    }

    let table = model
        .metadata
        .get("codec")
        .and_then(toml::Value::as_table)
        .ok_or_else(|| malformed("metadata has no `codec` table".into()))?;
    let config = settings_from_table(table).map_err(malformed)?;

    let nets: Vec<_> = model.nets.into_iter().map(|saved| saved.net).collect();
    // Building a stack checks the settings and every net's shape against them.
    PredictorStack::from_nets(config.stack_config(), nets.clone())
        .map_err(|e| malformed(format!("the nets do not fit the saved settings: {e}")))?;

    // The file ends with the CRC-32 of everything before it, which decoding checked. That
    // stored value identifies the model. A CRC over the whole file, trailer included,
    // would be the same constant for every file.
    let trailer: [u8; 4] = bytes[bytes.len() - 4..]
        .try_into()
        .expect("a decoded model ends with its 4-byte checksum");
    Ok(StartModel {
        config,
        nets,
        checksum: u32::from_le_bytes(trailer),
    })
}
