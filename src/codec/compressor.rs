//! Lossless compression of bytes by arithmetic coding driven by a predictor stack, the
//! practical side of the principle of history compression (Schmidhuber, Neural
//! Computation 4(2), 1992): only the inputs a level fails to predict cost many bits.
//!
//! Encoder and decoder run the same [`PredictorStack`] from the same seed and train it
//! online in the same order (predict, code the byte, learn, step), so the decoder rebuilds
//! every prediction the encoder used and no model is stored. The coder is constriction's
//! range coder (32-bit words, 64-bit state) with a categorical model whose probabilities
//! are quantised here to 24-bit fixed point, every symbol at least 1 / 2^24. All float
//! work runs on one thread in a fixed order, so a file decodes on any run of the same
//! build on the same platform.
//!
//! NOTE: a build whose net arithmetic differs (another platform's `exp`, a changed kernel
//! in `net`) predicts slightly different probabilities and cannot decode the file; the
//! checksum of the original then reports it instead of returning wrong bytes.
//!
//! File layout (all integers little-endian), version 1:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `CHUNKCMP` |
//! | 8 | 2 | format version (1) |
//! | 10 | 1 | levels |
//! | 11 | 1 | time code (0 none, 1 binary, 2 decaying) |
//! | 12 | 4 | hidden units per level |
//! | 16 | 4 | truncated-BPTT horizon |
//! | 20 | 8 | learning rate (f64) |
//! | 28 | 8 | initial weight range (f64) |
//! | 36 | 8 | time-code parameter (f64): bits for binary, decay for decaying, else 0 |
//! | 44 | 8 | seed |
//! | 52 | 8 | original length in bytes |
//! | 60 | 4 | CRC-32 of the original bytes |
//! | 64 | 8 | number w of 32-bit payload words |
//! | 72 | 4 w | payload: the range coder's words |
//! | end - 4 | 4 | CRC-32 of everything before it |
//!
//! Version 2 is written only when the stack started from a saved model
//! (`chunker compress --model`). It inserts 8 bytes at offset 64: the CRC-32 that the model
//! file stores of its contents (its last 4 bytes), and 4 reserved zero bytes. The word
//! count is then at 72 and the payload at 80. A decoder needs the same model file, and the
//! CRC shows when it has another.

use std::path::Path;

use constriction::stream::model::ContiguousCategoricalEntropyModel;
use constriction::stream::queue::{DefaultRangeDecoder, DefaultRangeEncoder};
use constriction::stream::{Decode, Encode};

use super::bytes::{Reader, check_trailing_crc};
use super::checksum::crc32;
use super::stack::{PredictorStack, StackConfig};
use crate::compression::TimeCode;
use crate::error::{Error, Result};

/// The first bytes of every compressed file.
pub const MAGIC: &[u8; 8] = b"CHUNKCMP";
/// The newest format version this build reads, written when a start model is used.
pub const VERSION: u16 = 2;
/// The format version of a file whose stack started from random weights.
const VERSION_WITHOUT_MODEL: u16 = 1;
/// Fixed-point precision of the coding probabilities, in bits.
pub const PRECISION: usize = 24;
const TOTAL: u32 = 1 << PRECISION;
/// Bytes before the payload in version 1.
const HEADER_LEN: usize = 72;
/// Offset of the payload length in words, in version 1.
const WORD_COUNT_OFFSET: usize = 64;
/// Bytes that version 2 inserts before the payload length: the model's CRC-32 and 4
/// reserved bytes.
const MODEL_FIELD_LEN: usize = 8;
/// Number of points of the reduced-description curve in a report.
const CURVE_POINTS: u64 = 100;
/// Every coded byte costs at least -log2(1 - 255 / 2^24) > 2^-16 bits, because every other
/// byte keeps at least 1 / 2^24 of the probability; so a valid payload of b bits codes
/// fewer than (b + 64) 2^16 bytes. Decoding checks this bound before it starts, so a
/// forged length cannot make it run for hours.
const MAX_BYTES_PER_PAYLOAD_BIT: u64 = 1 << 16;

type Model = ContiguousCategoricalEntropyModel<u32, Vec<u32>, PRECISION>;

/// Settings of the compressor's predictor stack, stored in the compressed file.
#[derive(Clone, Debug, PartialEq)]
pub struct CodecConfig {
    pub levels: usize,
    pub hidden: usize,
    pub horizon: usize,
    pub learning_rate: f64,
    pub init_range: f64,
    pub time_code: TimeCode,
    pub seed: u64,
}

impl Default for CodecConfig {
    /// The defaults measured in README.md ("Compress a file with the history compressor"): two levels of 32 tanh units, truncated
    /// BPTT over 4 steps, learning rate 0.03, weights in [-0.1, 0.1], and a decaying time
    /// code with factor 0.9 per step.
    fn default() -> Self {
        Self {
            levels: 2,
            hidden: 32,
            horizon: 4,
            learning_rate: 0.03,
            init_range: 0.1,
            time_code: TimeCode::Decaying { decay: 0.9 },
            seed: 1,
        }
    }
}

impl CodecConfig {
    /// The predictor stack over the 256 byte values.
    pub fn stack_config(&self) -> StackConfig {
        StackConfig {
            alphabet: 256,
            levels: self.levels,
            hidden: self.hidden,
            horizon: self.horizon,
            learning_rate: self.learning_rate,
            init_range: self.init_range,
            time_code: self.time_code,
            seed: self.seed,
        }
    }
}

/// One point of the reduced-description curve: after `symbols` input bytes, how many
/// inputs each level had received, and how many the top level found unexpected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurvePoint {
    pub symbols: u64,
    /// Per level, level 1 first.
    pub received: Vec<u64>,
    pub top_unexpected: u64,
}

/// The measurements of one compression or decompression.
#[derive(Clone, Debug, PartialEq)]
pub struct CodecReport {
    pub config: CodecConfig,
    pub original_bytes: u64,
    pub compressed_bytes: u64,
    /// Inputs received by each level, level 1 first; level 1 receives every byte.
    pub received: Vec<u64>,
    /// Inputs each level found unexpected: the length of its reduced description.
    pub unexpected: Vec<u64>,
    /// Sum of -log2 of the quantised probability of every byte: the payload size an ideal
    /// arithmetic coder would reach, in bits.
    pub information_bits: f64,
    pub curve: Vec<CurvePoint>,
}

impl CodecReport {
    /// Size of the whole compressed file per original byte, header included, in bits.
    pub fn bits_per_symbol(&self) -> f64 {
        if self.original_bytes == 0 {
            return 0.0;
        }
        self.compressed_bytes as f64 * 8.0 / self.original_bytes as f64
    }
}

/// Trained nets that a stack starts from instead of random weights, with the settings
/// they were trained with and the CRC-32 of the file they came from.
#[derive(Clone, Debug, PartialEq)]
pub struct StartModel {
    pub config: CodecConfig,
    pub nets: Vec<crate::net::Net>,
    pub checksum: u32,
}

/// A compressed file with its measurements and the stack as it stood after the last byte.
pub struct Compressed {
    pub file: Vec<u8>,
    pub report: CodecReport,
    pub stack: PredictorStack,
}

/// Builds the stack a coder starts with: fresh from `config`'s seed, or the start model's
/// nets.
fn initial_stack(config: &CodecConfig, start: Option<&StartModel>) -> Result<PredictorStack> {
    match start {
        None => PredictorStack::new(config.stack_config()),
        Some(model) => PredictorStack::from_nets(config.stack_config(), model.nets.clone()),
    }
}

/// Counts of what the stack did, collected the same way by encoder and decoder.
struct Tally {
    unexpected: Vec<u64>,
    information_bits: f64,
    curve: Vec<CurvePoint>,
    interval: u64,
}

impl Tally {
    fn new(levels: usize, total: u64) -> Self {
        let start = CurvePoint {
            symbols: 0,
            received: vec![0; levels],
            top_unexpected: 0,
        };
        Self {
            unexpected: vec![0; levels],
            information_bits: 0.0,
            curve: vec![start],
            interval: total.div_ceil(CURVE_POINTS).max(1),
        }
    }

    fn record(&mut self, stack: &PredictorStack, unexpected: &[bool], done: u64, total: u64) {
        for (count, &flag) in self.unexpected.iter_mut().zip(unexpected) {
            *count += u64::from(flag);
        }
        if done.is_multiple_of(self.interval) || done == total {
            self.curve.push(CurvePoint {
                symbols: done,
                received: stack.received(),
                top_unexpected: self.unexpected.last().copied().unwrap_or(0),
            });
        }
    }

    fn into_report(
        self,
        config: CodecConfig,
        stack: &PredictorStack,
        original_bytes: u64,
        compressed_bytes: u64,
    ) -> CodecReport {
        CodecReport {
            config,
            original_bytes,
            compressed_bytes,
            received: stack.received(),
            unexpected: self.unexpected,
            information_bits: self.information_bits,
            curve: self.curve,
        }
    }
}

/// Quantises coding probabilities to integers of at least 1 that sum to 2^24: each symbol
/// gets 1 + floor(p (2^24 - n)), and the rounding remainder goes to the most probable one.
///
/// # Errors
/// [`Error::Diverged`] when a probability is NaN, infinite or negative.
pub fn quantise(probabilities: &[f64], frequencies: &mut Vec<u32>) -> Result<()> {
    frequencies.clear();
    let spare = f64::from(TOTAL - probabilities.len() as u32);
    let mut sum: i64 = 0;
    let mut largest = 0;
    for (symbol, &p) in probabilities.iter().enumerate() {
        if !(p.is_finite() && p >= 0.0) {
            return Err(Error::Diverged {
                experiment: "compressor".into(),
                run: 0,
                detail: format!("probability of symbol {symbol} is {p}"),
            });
        }
        // p <= 1 after the clamp, so the product fits in u32.
        let frequency = 1 + (p.min(1.0) * spare) as u32;
        if frequency > frequencies.get(largest).copied().unwrap_or(0) {
            largest = symbol;
        }
        sum += i64::from(frequency);
        frequencies.push(frequency);
    }
    let correction = i64::from(TOTAL) - sum;
    let adjusted = i64::from(frequencies[largest]) + correction;
    frequencies[largest] = u32::try_from(adjusted.max(1)).unwrap_or(TOTAL);
    Ok(())
}

fn model_for(frequencies: &[u32]) -> Model {
    Model::from_nonzero_fixed_point_probabilities(frequencies, false)
        .expect("quantise returns nonzero frequencies that sum to 2^PRECISION")
}

/// Compresses `data`, returning the compressed file and what was measured.
///
/// # Errors
/// [`Error::InvalidValue`] for a config out of range; [`Error::Diverged`] when the
/// predictor stack's loss or weights stop being finite (try a smaller learning rate).
pub fn compress(data: &[u8], config: &CodecConfig) -> Result<(Vec<u8>, CodecReport)> {
    let compressed = compress_from(data, config, None)?;
    Ok((compressed.file, compressed.report))
}

/// Compresses as [`compress`] does, with a stack that starts from `start` when given, and
/// keeps the trained stack. With a start model, `config` must be the model's own settings.
///
/// # Errors
/// As [`compress`]; [`Error::InvalidValue`] when the start model's nets do not fit
/// `config`.
pub fn compress_from(
    data: &[u8],
    config: &CodecConfig,
    start: Option<&StartModel>,
) -> Result<Compressed> {
    let mut stack = initial_stack(config, start)?;
    let total = data.len() as u64;
    let mut tally = Tally::new(config.levels, total);
    let mut encoder = DefaultRangeEncoder::new();
    let mut frequencies = Vec::with_capacity(256);

    for (index, &byte) in data.iter().enumerate() {
        let prediction = stack.predict();
        quantise(&prediction.probabilities, &mut frequencies)?;
        let symbol = usize::from(byte);
        tally.information_bits -= (f64::from(frequencies[symbol]) / f64::from(TOTAL)).log2();
        encoder
            .encode_symbol(symbol, model_for(&frequencies))
            .expect("every byte has a nonzero frequency, so it can be encoded");

        let outcome = stack.observe(symbol, &prediction)?;
        tally.record(&stack, &outcome.unexpected, index as u64 + 1, total);
    }

    let words = encoder
        .into_compressed()
        .expect("a range encoder writing to a Vec cannot fail");
    let model_checksum = start.map(|model| model.checksum);
    let file = write_file(config, data, &words, model_checksum);
    let report = tally.into_report(config.clone(), &stack, total, file.len() as u64);
    Ok(Compressed {
        file,
        report,
        stack,
    })
}

fn write_file(
    config: &CodecConfig,
    data: &[u8],
    words: &[u32],
    model_checksum: Option<u32>,
) -> Vec<u8> {
    let mut file = Vec::with_capacity(HEADER_LEN + MODEL_FIELD_LEN + 4 * words.len() + 4);
    file.extend_from_slice(MAGIC);
    let version = if model_checksum.is_some() {
        VERSION
    } else {
        VERSION_WITHOUT_MODEL
    };
    file.extend_from_slice(&version.to_le_bytes());
    file.push(config.levels as u8);
    let (code, parameter) = time_code_to_bytes(config.time_code);
    file.push(code);
    file.extend_from_slice(&(config.hidden as u32).to_le_bytes());
    file.extend_from_slice(&(config.horizon as u32).to_le_bytes());
    file.extend_from_slice(&config.learning_rate.to_le_bytes());
    file.extend_from_slice(&config.init_range.to_le_bytes());
    file.extend_from_slice(&parameter.to_le_bytes());
    file.extend_from_slice(&config.seed.to_le_bytes());
    file.extend_from_slice(&(data.len() as u64).to_le_bytes());
    file.extend_from_slice(&crc32(data).to_le_bytes());
    if let Some(checksum) = model_checksum {
        file.extend_from_slice(&checksum.to_le_bytes());
        file.extend_from_slice(&0u32.to_le_bytes());
    }
    file.extend_from_slice(&(words.len() as u64).to_le_bytes());
    for word in words {
        file.extend_from_slice(&word.to_le_bytes());
    }
    let checksum = crc32(&file);
    file.extend_from_slice(&checksum.to_le_bytes());
    file
}

/// The time code as its header byte and parameter.
fn time_code_to_bytes(code: TimeCode) -> (u8, f64) {
    match code {
        TimeCode::None => (0, 0.0),
        TimeCode::Binary { bits } => (1, bits as f64),
        TimeCode::Decaying { decay } => (2, decay),
    }
}

/// The time code of a header byte and parameter; `None` when the byte names no code or
/// the bit count is not a whole number (ranges are checked by validation afterwards).
fn time_code_from_bytes(code: u8, parameter: f64) -> Option<TimeCode> {
    match code {
        0 => Some(TimeCode::None),
        1 if parameter.fract() == 0.0 && (0.0..=64.0).contains(&parameter) => {
            Some(TimeCode::Binary {
                bits: parameter as usize,
            })
        }
        2 => Some(TimeCode::Decaying { decay: parameter }),
        _ => None,
    }
}

/// The parsed header and payload of a compressed file.
struct Parsed {
    config: CodecConfig,
    original_len: u64,
    original_crc: u32,
    /// The CRC-32 of the model the stack started from (version 2 only).
    model_checksum: Option<u32>,
    words: Vec<u32>,
}

/// Checks that `file` starts with the magic and is long enough for the header and the
/// trailing checksum, so that the error for a foreign or cut-off file names which it is.
///
/// # Errors
/// [`Error::Malformed`] "not a chunker-compressed file" when the first bytes differ from
/// the magic (an empty file included), "truncated chunker-compressed file" when they match
/// but the file ends before the header does.
fn check_kind_and_size(file: &[u8], path: &Path) -> Result<()> {
    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    let min_len = HEADER_LEN + 4;
    let start = &file[..file.len().min(MAGIC.len())];
    if file.is_empty() {
        return Err(malformed(format!(
            "not a chunker-compressed file: it is empty, and every file written by \
             `chunker compress` has at least {min_len} bytes"
        )));
    }
    if !MAGIC.starts_with(start) {
        return Err(malformed(format!(
            "not a chunker-compressed file: it starts with {:?}, not with {:?} like every \
             file written by `chunker compress`",
            String::from_utf8_lossy(start),
            String::from_utf8_lossy(MAGIC)
        )));
    }
    if file.len() < min_len {
        return Err(malformed(format!(
            "truncated chunker-compressed file: it has {} byte{}, but even a compressed empty \
             file has {min_len}; compress the original again",
            file.len(),
            if file.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// Checks magic, version and checksum, then reads the header and payload.
fn parse(file: &[u8], path: &Path) -> Result<Parsed> {
    check_kind_and_size(file, path)?;
    let mut reader = Reader::new(file, path);
    reader.take(MAGIC.len(), "magic")?;
    let version = reader.u16("format version")?;
    if version > VERSION {
        return Err(reader.malformed(format!(
            "format version {version} is newer than this build reads (version {VERSION}); \
             decompress it with a newer chunker"
        )));
    }
    if version == 0 {
        return Err(reader.malformed("format version 0 does not exist"));
    }
    let model_field = if version >= 2 { MODEL_FIELD_LEN } else { 0 };
    reader.take(WORD_COUNT_OFFSET + model_field - reader.offset(), "header")?;
    let word_count = reader.u64("payload length")?;
    let expected = word_count
        .saturating_mul(4)
        .saturating_add((HEADER_LEN + model_field) as u64 + 4);
    if expected != file.len() as u64 {
        let problem = if expected > file.len() as u64 {
            "truncated"
        } else {
            "trailing bytes"
        };
        return Err(reader.malformed(format!(
            "{problem}: the header gives a payload of {word_count} words, so {expected} \
             bytes, but the file has {}",
            file.len()
        )));
    }
    let body = check_trailing_crc(file, path)?;

    let mut reader = Reader::new(body, path);
    reader.take(10, "magic and version")?;
    let levels = usize::from(reader.u8("levels")?);
    let code = reader.u8("time code")?;
    let hidden = reader.u32("hidden units")? as usize;
    let horizon = reader.u32("horizon")? as usize;
    let learning_rate = reader.f64("learning rate")?;
    let init_range = reader.f64("initial weight range")?;
    let parameter = reader.f64("time-code parameter")?;
    let time_code = time_code_from_bytes(code, parameter)
        .ok_or_else(|| reader.malformed(format!("unknown time code {code} ({parameter})")))?;
    let config = CodecConfig {
        levels,
        time_code,
        hidden,
        horizon,
        learning_rate,
        init_range,
        seed: reader.u64("seed")?,
    };
    config
        .stack_config()
        .validate()
        .map_err(|e| reader.malformed(format!("invalid settings in the header: {e}")))?;
    let original_len = reader.u64("original length")?;
    let original_crc = reader.u32("original checksum")?;
    let model_checksum = if version >= 2 {
        let checksum = reader.u32("model checksum")?;
        reader.take(4, "reserved bytes")?;
        Some(checksum)
    } else {
        None
    };
    let word_count = reader.u64("payload length")?;
    let payload_len = usize::try_from(word_count)
        .ok()
        .and_then(|w| w.checked_mul(4))
        .filter(|&len| len == reader.remaining())
        .ok_or_else(|| {
            reader.malformed(format!(
                "payload length {word_count} words does not match the {} bytes that follow",
                reader.remaining()
            ))
        })?;
    let payload_bits = word_count.saturating_mul(32).saturating_add(64);
    if original_len > payload_bits.saturating_mul(MAX_BYTES_PER_PAYLOAD_BIT) {
        return Err(reader.malformed(format!(
            "original length {original_len} is impossible for a payload of {word_count} words"
        )));
    }
    let words = reader
        .take(payload_len, "payload")?
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect();
    Ok(Parsed {
        config,
        original_len,
        original_crc,
        model_checksum,
        words,
    })
}

/// Decompresses a file written by [`compress`]; `path` names it in errors.
///
/// # Errors
/// [`Error::Malformed`] naming `path` when the file is truncated, foreign, of a newer
/// format version, corrupted (checksum), or decodes to bytes whose checksum differs;
/// [`Error::Diverged`] when the stack diverges, which only a corrupted file can cause.
pub fn decompress(file: &[u8], path: &Path) -> Result<(Vec<u8>, CodecReport)> {
    decompress_from(file, path, None)
}

/// Decompresses as [`decompress`] does, for a file that may have been compressed with a
/// start model; `start` must then be the same model.
///
/// # Errors
/// As [`decompress`]; [`Error::InvalidValue`] when the file needs a start model and
/// `start` is missing or another one (its CRC-32 differs), or when `start` is given for a
/// file compressed without one.
pub fn decompress_from(
    file: &[u8],
    path: &Path,
    start: Option<&StartModel>,
) -> Result<(Vec<u8>, CodecReport)> {
    let parsed = parse(file, path)?;
    check_start_model(parsed.model_checksum, start, path)?;
    let config = parsed.config;
    let mut stack = initial_stack(&config, start)?;
    let total = parsed.original_len;
    let mut tally = Tally::new(config.levels, total);
    let mut decoder = match DefaultRangeDecoder::from_compressed(parsed.words) {
        Ok(decoder) => decoder,
        Err(never) => match never {},
    };
    let mut frequencies = Vec::with_capacity(256);
    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    let mut data = Vec::with_capacity(usize::try_from(total).unwrap_or(0).min(1 << 30));

    for done in 1..=total {
        let prediction = stack.predict();
        quantise(&prediction.probabilities, &mut frequencies)?;
        let symbol = decoder
            .decode_symbol(&model_for(&frequencies))
            .map_err(|e| malformed(format!("invalid payload at byte {}: {e}", done - 1)))?;
        tally.information_bits -= (f64::from(frequencies[symbol]) / f64::from(TOTAL)).log2();
        let byte = u8::try_from(symbol).expect("the model has 256 symbols");
        data.push(byte);

        let outcome = stack.observe(symbol, &prediction)?;
        tally.record(&stack, &outcome.unexpected, done, total);
    }

    let computed = crc32(&data);
    if computed != parsed.original_crc {
        return Err(malformed(format!(
            "decoded bytes have checksum {computed:#010x}, expected {:#010x}: the payload is \
             corrupted, or the file was written by a chunker build whose float arithmetic \
             differs (decompress with the build that compressed it)",
            parsed.original_crc
        )));
    }
    let report = tally.into_report(config, &stack, total, file.len() as u64);
    Ok((data, report))
}

/// Checks that `start` is the model the file was compressed with, if any.
fn check_start_model(needed: Option<u32>, start: Option<&StartModel>, path: &Path) -> Result<()> {
    let given = start.map(|model| model.checksum);
    match (needed, given) {
        (None, None) => Ok(()),
        (Some(needed), Some(given)) if needed == given => Ok(()),
        (Some(needed), None) => Err(Error::invalid(
            "--model",
            "(not given)",
            format!(
                "{} was compressed starting from a saved model (CRC-32 {needed:#010x}); pass \
                 that model file with --model",
                path.display()
            ),
        )),
        (Some(needed), Some(given)) => Err(Error::invalid(
            "--model",
            format!("a model with CRC-32 {given:#010x}"),
            format!(
                "{} was compressed starting from the model with CRC-32 {needed:#010x}; pass \
                 that model file",
                path.display()
            ),
        )),
        (None, Some(_)) => Err(Error::invalid(
            "--model",
            "a model",
            format!(
                "{} was compressed from random weights; decompress it without --model",
                path.display()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> CodecConfig {
        CodecConfig {
            hidden: 8,
            ..CodecConfig::default()
        }
    }

    #[test]
    fn quantise_sums_to_total_and_keeps_every_symbol() {
        let mut p = vec![0.0; 256];
        p[3] = 1.0;
        let mut f = Vec::new();
        quantise(&p, &mut f).unwrap();
        assert_eq!(
            f.iter().map(|&x| u64::from(x)).sum::<u64>(),
            u64::from(TOTAL)
        );
        assert!(f.iter().all(|&x| x >= 1));
        assert_eq!(f[3], TOTAL - 255);
    }

    #[test]
    fn start_model_round_trip_needs_the_same_model() {
        let data = b"abracadabra abracadabra abracadabra".repeat(3);
        let trained = compress_from(&data, &small(), None).unwrap();
        let start = StartModel {
            config: small(),
            nets: trained.stack.nets().cloned().collect(),
            checksum: 7,
        };
        let with_model = compress_from(&data, &small(), Some(&start)).unwrap();
        assert_eq!(with_model.file[8], 2, "a start model writes version 2");
        assert_eq!(trained.file[8], 1, "random weights keep version 1");
        assert!(with_model.file.len() < trained.file.len());
        let (back, _) = decompress_from(&with_model.file, Path::new("x"), Some(&start)).unwrap();
        assert_eq!(back, data);
        assert!(decompress_from(&with_model.file, Path::new("x"), None).is_err());
        let other = StartModel {
            checksum: 8,
            ..start.clone()
        };
        assert!(decompress_from(&with_model.file, Path::new("x"), Some(&other)).is_err());
        assert!(decompress_from(&trained.file, Path::new("x"), Some(&start)).is_err());
    }

    #[test]
    fn quantise_rejects_nan() {
        let mut f = Vec::new();
        assert!(quantise(&[0.5, f64::NAN], &mut f).is_err());
    }

    #[test]
    fn round_trip_in_process() {
        let data = b"abracadabra abracadabra abracadabra".repeat(3);
        let (file, report) = compress(&data, &small()).unwrap();
        let (back, decoded) = decompress(&file, Path::new("x")).unwrap();
        assert_eq!(back, data);
        assert_eq!(report.received, decoded.received);
        assert_eq!(report.received[0], data.len() as u64);
    }

    #[test]
    fn flipped_payload_bit_is_rejected() {
        let data = b"hello hello hello".to_vec();
        let (mut file, _) = compress(&data, &small()).unwrap();
        file[HEADER_LEN] ^= 0x10;
        assert!(matches!(
            decompress(&file, Path::new("x")),
            Err(Error::Malformed { .. })
        ));
    }
}
