//! Saved models: a versioned binary file holding one net or a stack of nets (the levels of
//! a predictor hierarchy, or the automatizer and chunker of the 1991 two-net system), with
//! exact f64 weights and a TOML metadata block. The layout is documented in
//! `docs/model-format.md`; this module is its reference implementation.
//!
//! Loading never panics: a truncated, foreign (wrong magic), newer-version or corrupted
//! (checksum) file, and any size that does not fit the bytes present, is an
//! [`Error::Malformed`] naming the path and the problem.

pub mod codec;
pub mod hierarchy;
pub mod two_net;

use std::path::Path;

use crate::codec::bytes::{Reader, check_trailing_crc};
use crate::codec::checksum::crc32;
use crate::error::{Error, Result};
use crate::files;
use crate::net::{HiddenActivation, Net, NetShape, OutputActivation, Params};

/// The first bytes of every saved model.
pub const MAGIC: &[u8; 8] = b"CHUNKNET";
/// The format version this build writes and the newest it reads.
pub const VERSION: u16 = 1;

/// Maximum number of nets in one file.
pub const MAX_NETS: usize = 64;
/// Maximum number of units in one layer of a saved net.
pub const MAX_UNITS: usize = 1 << 16;
/// Offset of the total file length in the header.
const LENGTH_OFFSET: usize = 12;
/// Maximum length of a metadata block or role name, in bytes.
const MAX_TEXT: usize = 1 << 20;

/// The kind of system the nets of a file form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// One net, e.g. a conventional net.
    Net,
    /// The levels of a predictor hierarchy, level 1 first.
    Hierarchy,
    /// The two-net system: automatizer first, chunker second.
    AutomatizerChunker,
    /// The byte-level predictor stack of `chunker compress`, level 1 first.
    CodecStack,
}

impl ModelKind {
    fn to_byte(self) -> u8 {
        match self {
            Self::Net => 1,
            Self::Hierarchy => 2,
            Self::AutomatizerChunker => 3,
            Self::CodecStack => 4,
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Self::Net),
            2 => Some(Self::Hierarchy),
            3 => Some(Self::AutomatizerChunker),
            4 => Some(Self::CodecStack),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Net => "net",
            Self::Hierarchy => "hierarchy",
            Self::AutomatizerChunker => "automatizer and chunker",
            Self::CodecStack => "compressor stack",
        }
    }
}

/// One net of a saved model with its role, e.g. "level 1", "automatizer".
#[derive(Clone, Debug, PartialEq)]
pub struct SavedNet {
    pub role: String,
    pub net: Net,
}

/// A saved model: its kind, free-form TOML metadata (task, settings, training length)
/// and its nets.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedModel {
    pub kind: ModelKind,
    pub metadata: toml::Table,
    pub nets: Vec<SavedNet>,
}

impl SavedModel {
    /// The net with role `role`, if present.
    pub fn net(&self, role: &str) -> Option<&Net> {
        self.nets.iter().find(|n| n.role == role).map(|n| &n.net)
    }
}

/// Writes `model` to `path` atomically.
///
/// # Errors
/// [`Error::InvalidValue`] when the model cannot be stored (no nets, too many, a layer
/// larger than the format allows); [`Error::Io`] when writing fails.
pub fn save(path: &Path, model: &SavedModel) -> Result<()> {
    let bytes = encode(model)?;
    files::write_atomic(path, &bytes)
}

/// Reads and checks the saved model at `path`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Malformed`] as described in the
/// module documentation.
pub fn load(path: &Path) -> Result<SavedModel> {
    let bytes = files::read(path)?;
    decode(&bytes, path)
}

/// The bytes of `model` in format version [`VERSION`].
///
/// # Errors
/// [`Error::InvalidValue`] as for [`save`].
pub fn encode(model: &SavedModel) -> Result<Vec<u8>> {
    if model.nets.is_empty() || model.nets.len() > MAX_NETS {
        return Err(Error::invalid(
            "model nets",
            model.nets.len(),
            format!("expected 1 ..= {MAX_NETS} nets"),
        ));
    }
    let metadata = toml::to_string(&model.metadata)
        .map_err(|e| Error::invalid("model metadata", e, "expected a TOML table"))?;
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(model.kind.to_byte());
    out.push(0);
    // The total file length, filled in below, lets a loader tell truncation from damage.
    out.extend_from_slice(&0u64.to_le_bytes());
    push_text(&mut out, &metadata, "model metadata")?;
    out.extend_from_slice(&(model.nets.len() as u32).to_le_bytes());
    for saved in &model.nets {
        push_net(&mut out, saved)?;
    }
    let total = out.len() as u64 + 4;
    out[LENGTH_OFFSET..LENGTH_OFFSET + 8].copy_from_slice(&total.to_le_bytes());
    let checksum = crc32(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    Ok(out)
}

fn push_text(out: &mut Vec<u8>, text: &str, name: &str) -> Result<()> {
    if text.len() > MAX_TEXT {
        return Err(Error::invalid(
            name,
            format!("{} bytes", text.len()),
            format!("expected at most {MAX_TEXT} bytes"),
        ));
    }
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

fn push_net(out: &mut Vec<u8>, saved: &SavedNet) -> Result<()> {
    let shape = &saved.net.shape;
    for (name, units) in [
        ("inputs", shape.inputs),
        ("hidden", shape.hidden),
        ("outputs", shape.outputs),
    ] {
        if units > MAX_UNITS {
            return Err(Error::invalid(
                format!("{} {name}", saved.role),
                units,
                format!("expected at most {MAX_UNITS} units"),
            ));
        }
    }
    push_text(out, &saved.role, "net role")?;
    out.extend_from_slice(&(shape.inputs as u32).to_le_bytes());
    out.extend_from_slice(&(shape.hidden as u32).to_le_bytes());
    out.extend_from_slice(&(shape.outputs as u32).to_le_bytes());
    out.push(u8::from(shape.direct) | (u8::from(shape.output_feedback) << 1));
    out.push(match shape.hidden_activation {
        HiddenActivation::Logistic => 0,
        HiddenActivation::Tanh => 1,
    });
    out.push(match shape.output_activation {
        OutputActivation::Logistic => 0,
        OutputActivation::Softmax => 1,
    });
    out.push(0);
    for (name, tensor) in saved.net.params.tensors() {
        if shape.is_enabled(name) {
            for value in tensor.iter() {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
    }
    Ok(())
}

/// Parses the bytes of a saved model; `path` names the file in errors.
///
/// # Errors
/// [`Error::Malformed`] as described in the module documentation.
pub fn decode(bytes: &[u8], path: &Path) -> Result<SavedModel> {
    let mut reader = Reader::new(bytes, path);
    let magic = reader.array::<8>("magic")?;
    if &magic != MAGIC {
        return Err(reader.malformed(format!(
            "not a chunker saved model: it starts with {:?}, expected {:?}",
            String::from_utf8_lossy(&magic),
            String::from_utf8_lossy(MAGIC)
        )));
    }
    let version = reader.u16("format version")?;
    if version > VERSION {
        return Err(reader.malformed(format!(
            "model format version {version} is newer than this build reads (version \
             {VERSION}); load it with a newer chunker"
        )));
    }
    if version == 0 {
        return Err(reader.malformed("model format version 0 does not exist"));
    }
    reader.take(2, "kind and reserved byte")?;
    let length = reader.u64("file length")?;
    if length != bytes.len() as u64 {
        let problem = if length > bytes.len() as u64 {
            "truncated"
        } else {
            "trailing bytes"
        };
        return Err(reader.malformed(format!(
            "{problem}: the header gives a length of {length} bytes, but the file has {}",
            bytes.len()
        )));
    }
    let body = check_trailing_crc(bytes, path)?;

    let mut reader = Reader::new(body, path);
    reader.take(10, "magic and version")?;
    let kind_byte = reader.u8("kind")?;
    let kind = ModelKind::from_byte(kind_byte).ok_or_else(|| {
        reader.malformed(format!(
            "unknown model kind {kind_byte}; expected 1 (net), 2 (hierarchy), 3 \
             (automatizer and chunker) or 4 (compressor stack)"
        ))
    })?;
    reader.u8("reserved byte")?;
    reader.u64("file length")?;
    let metadata_text = read_text(&mut reader, "metadata")?;
    let metadata: toml::Table = metadata_text
        .parse()
        .map_err(|e| reader.malformed(format!("metadata is not valid TOML: {e}")))?;
    let count = reader.u32_in("net count", 1..=MAX_NETS)?;
    let mut nets = Vec::with_capacity(count);
    for index in 0..count {
        nets.push(read_net(&mut reader, index)?);
    }
    if reader.remaining() != 0 {
        return Err(reader.malformed(format!(
            "{} unexpected bytes after the last net",
            reader.remaining()
        )));
    }
    Ok(SavedModel {
        kind,
        metadata,
        nets,
    })
}

fn read_text(reader: &mut Reader, field: &str) -> Result<String> {
    let len = reader.u32_in(&format!("{field} length"), 0..=MAX_TEXT)?;
    let bytes = reader.take(len, field)?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| reader.malformed(format!("{field} is not UTF-8 text")))
}

fn read_net(reader: &mut Reader, index: usize) -> Result<SavedNet> {
    let role = read_text(reader, &format!("role of net {}", index + 1))?;
    let inputs = reader.u32_in(&format!("{role}: inputs"), 1..=MAX_UNITS)?;
    let hidden = reader.u32_in(&format!("{role}: hidden units"), 0..=MAX_UNITS)?;
    let outputs = reader.u32_in(&format!("{role}: outputs"), 1..=MAX_UNITS)?;
    let flags = reader.u8("flags")?;
    if flags > 0b11 {
        return Err(reader.malformed(format!("{role}: unknown connection flags {flags:#04b}")));
    }
    let hidden_activation = match reader.u8("hidden activation")? {
        0 => HiddenActivation::Logistic,
        1 => HiddenActivation::Tanh,
        other => {
            return Err(reader.malformed(format!("{role}: unknown hidden activation {other}")));
        }
    };
    let output_activation = match reader.u8("output activation")? {
        0 => OutputActivation::Logistic,
        1 => OutputActivation::Softmax,
        other => {
            return Err(reader.malformed(format!("{role}: unknown output activation {other}")));
        }
    };
    reader.u8("reserved byte")?;
    let shape = NetShape {
        inputs,
        hidden,
        outputs,
        direct: flags & 1 == 1,
        output_feedback: flags & 2 == 2,
        hidden_activation,
        output_activation,
    };
    // Checked before allocating, so a forged size cannot exhaust memory.
    let needed = shape.weight_count().saturating_mul(8);
    if needed > reader.remaining() {
        return Err(reader.malformed(format!(
            "truncated: {role} ({inputs} inputs, {hidden} hidden, {outputs} outputs) needs \
             {needed} bytes of weights at offset {}, but only {} remain",
            reader.offset(),
            reader.remaining()
        )));
    }
    let mut params = Params::zeros(&shape);
    for (name, mut tensor) in params.tensors_mut() {
        if !shape.is_enabled(name) {
            continue;
        }
        for value in tensor.iter_mut() {
            *value = reader.f64(&format!("{role}: {name}"))?;
        }
    }
    if let Some((name, row, column)) = params.first_non_finite() {
        return Err(reader.malformed(format!(
            "{role}: weight {name}[{row}, {column}] is not finite"
        )));
    }
    Ok(SavedNet {
        role,
        net: Net::new(shape, params),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn model() -> SavedModel {
        let shape = NetShape {
            inputs: 3,
            hidden: 2,
            outputs: 3,
            direct: true,
            output_feedback: true,
            hidden_activation: HiddenActivation::Logistic,
            output_activation: OutputActivation::Logistic,
        };
        let params = Params::uniform(&shape, 0.2, &mut ChaCha8Rng::seed_from_u64(3));
        let mut metadata = toml::Table::new();
        metadata.insert("lag".into(), toml::Value::Integer(20));
        SavedModel {
            kind: ModelKind::Net,
            metadata,
            nets: vec![SavedNet {
                role: "net".into(),
                net: Net::new(shape, params),
            }],
        }
    }

    #[test]
    fn encode_decode_is_exact() {
        let original = model();
        let bytes = encode(&original).unwrap();
        assert_eq!(decode(&bytes, Path::new("m")).unwrap(), original);
    }

    #[test]
    fn every_truncation_is_rejected() {
        let bytes = encode(&model()).unwrap();
        for len in 0..bytes.len() {
            assert!(
                matches!(
                    decode(&bytes[..len], Path::new("m")),
                    Err(Error::Malformed { .. })
                ),
                "prefix of {len} bytes was accepted"
            );
        }
    }
}
