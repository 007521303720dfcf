//! `chunker compress`: lossless compression of a file by arithmetic coding driven by an
//! online predictor stack (history compression, Schmidhuber 1992).

use std::path::PathBuf;

use clap::Args;

use super::words::counted;
use crate::codec::{CodecConfig, CodecReport, compress_from};
use crate::compression::TimeCode;
use crate::error::Result;
use crate::plot::figure::with_suffix;
use crate::saved::codec::{load_start_model, stack_model};
use crate::{files, saved};

/// Arguments of `chunker compress`.
#[derive(Debug, Args)]
pub struct CompressArgs {
    /// The file to compress (any bytes).
    pub input: PathBuf,
    /// Where to write the compressed file.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Levels of the predictor stack, 1 to 8; level s + 1 receives the bytes level s did not
    /// expect.
    #[arg(long, default_value_t = CodecConfig::default().levels)]
    pub levels: usize,
    /// Hidden units per level, 1 to 1024.
    #[arg(long, default_value_t = CodecConfig::default().hidden)]
    pub hidden: usize,
    /// Steps that truncated BPTT looks back, the latest included, 1 to 256.
    #[arg(long, default_value_t = CodecConfig::default().horizon)]
    pub horizon: usize,
    /// Learning rate of online gradient descent on the cross-entropy, a finite number > 0.
    #[arg(long, default_value_t = CodecConfig::default().learning_rate)]
    pub learning_rate: f64,
    /// Range R of the initial weights, which are drawn uniformly from [-R, R]; a finite
    /// number >= 0.
    #[arg(long, default_value_t = CodecConfig::default().init_range)]
    pub init_range: f64,
    /// Time code that levels above level 1 receive with each input: none, binary
    /// (--time-code-bits counter units) or decaying (one unit, --time-code-decay per step).
    #[arg(long, value_parser = ["none", "binary", "decaying"], default_value = "decaying")]
    pub time_code: String,
    /// Binary counter units of the binary time code, 1 to 32 [default: 8]; only with
    /// `--time-code binary`.
    #[arg(long)]
    pub time_code_bits: Option<usize>,
    /// Decay per step of the decaying time code, in (0, 1) [default: 0.9]; only with
    /// `--time-code decaying`.
    #[arg(long)]
    pub time_code_decay: Option<f64>,
    /// Seed of the initial weights, 0 to 2^64 - 1 (stored in the file, so decompress needs
    /// no flag).
    #[arg(long, default_value_t = CodecConfig::default().seed)]
    pub seed: u64,
    /// Also write the reduced-description curve (inputs received per level against the
    /// number of input bytes) as STEM.csv and draw it as STEM.png and STEM.svg.
    #[arg(long, value_name = "STEM")]
    pub figure: Option<PathBuf>,
    /// Start the stack from a model saved by `compress --save-model` instead of random
    /// weights. The stack takes the model's settings, so the flags above cannot be given
    /// with it, and decompress needs the same model file (`decompress --model`).
    #[arg(long, value_name = "PATH", conflicts_with_all = SETTINGS)]
    pub model: Option<PathBuf>,
    /// After compressing, save the trained stack to PATH, to start a later compression
    /// from it with --model.
    #[arg(long, value_name = "PATH")]
    pub save_model: Option<PathBuf>,
}

/// The flags that set the stack's settings, which a start model replaces.
const SETTINGS: [&str; 9] = [
    "levels",
    "hidden",
    "horizon",
    "learning_rate",
    "init_range",
    "time_code",
    "time_code_bits",
    "time_code_decay",
    "seed",
];

/// Binary counter units of the binary time code when `--time-code-bits` is not given.
const DEFAULT_TIME_CODE_BITS: usize = 8;
/// Decay per step of the decaying time code when `--time-code-decay` is not given.
const DEFAULT_TIME_CODE_DECAY: f64 = 0.9;

impl CompressArgs {
    /// Rejects a time-code parameter given for another time code, which would be ignored.
    ///
    /// # Errors
    /// [`crate::Error::InvalidValue`] naming the flag and the time code it needs.
    fn check_time_code_flags(&self) -> Result<()> {
        if self.time_code_bits.is_some() && self.time_code != "binary" {
            return Err(crate::Error::invalid(
                "--time-code-bits",
                self.time_code_bits.unwrap_or_default(),
                format!(
                    "it applies only to --time-code binary, not {}; drop it or pass \
                     --time-code binary",
                    self.time_code
                ),
            ));
        }
        if self.time_code_decay.is_some() && self.time_code != "decaying" {
            return Err(crate::Error::invalid(
                "--time-code-decay",
                self.time_code_decay.unwrap_or_default(),
                format!(
                    "it applies only to --time-code decaying, not {}; drop it or pass \
                     --time-code decaying",
                    self.time_code
                ),
            ));
        }
        Ok(())
    }

    fn config(&self) -> CodecConfig {
        CodecConfig {
            levels: self.levels,
            hidden: self.hidden,
            horizon: self.horizon,
            learning_rate: self.learning_rate,
            init_range: self.init_range,
            time_code: match self.time_code.as_str() {
                "none" => TimeCode::None,
                "binary" => TimeCode::Binary {
                    bits: self.time_code_bits.unwrap_or(DEFAULT_TIME_CODE_BITS),
                },
                _ => TimeCode::Decaying {
                    decay: self.time_code_decay.unwrap_or(DEFAULT_TIME_CODE_DECAY),
                },
            },
            seed: self.seed,
        }
    }
}

pub fn run(args: CompressArgs) -> Result<()> {
    args.check_time_code_flags()?;
    let start = args.model.as_deref().map(load_start_model).transpose()?;
    let config = start
        .as_ref()
        .map_or_else(|| args.config(), |model| model.config.clone());
    config.stack_config().validate()?;
    files::check_output_path(&args.output)?;
    files::check_distinct("--output", &args.output, "the input", &args.input)?;
    if let Some(model) = &args.model {
        files::check_distinct("--output", &args.output, "--model", model)?;
    }
    if let Some(path) = &args.save_model {
        files::check_output_path(path)?;
        files::check_distinct("--save-model", path, "--output", &args.output)?;
        files::check_distinct("--save-model", path, "the input", &args.input)?;
        if let Some(model) = &args.model {
            // The compressed file needs the model it started from to be decompressed.
            files::check_distinct("--save-model", path, "--model", model)?;
        }
    }
    let data = files::read(&args.input)?;
    let compressed = compress_from(&data, &config, start.as_ref())?;
    let report = compressed.report;
    files::write_atomic(&args.output, &compressed.file)?;
    println!(
        "compressed {} ({}) to {} ({})",
        args.input.display(),
        counted(report.original_bytes, "byte"),
        args.output.display(),
        counted(report.compressed_bytes, "byte")
    );
    print_report(&report);
    if let (Some(path), Some(model)) = (&args.model, &start) {
        print_start_model(path, model.checksum);
    }
    if let Some(path) = &args.save_model {
        let mut metadata = toml::Table::new();
        let name = args.input.display().to_string();
        metadata.insert("trained_on".into(), name.into());
        metadata.insert(
            "trained_bytes".into(),
            toml::Value::Integer(i64::try_from(data.len()).unwrap_or(i64::MAX)),
        );
        saved::save(path, &stack_model(&compressed.stack, &config, metadata))?;
        println!("saved the trained stack to {}", path.display());
    }
    if let Some(stem) = &args.figure {
        let csv_path = with_suffix(stem, ".csv");
        files::write_atomic(&csv_path, curve_csv(&report).as_bytes())?;
        let name = args.input.file_name().map_or_else(
            || args.input.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let title = format!("Reduced descriptions while compressing {name}");
        crate::plot::codec::reduced_description_figure(&csv_path, stem, &title)?;
        println!(
            "figure: {} and {}, drawn from {}",
            with_suffix(stem, ".png").display(),
            with_suffix(stem, ".svg").display(),
            csv_path.display()
        );
    }
    Ok(())
}

/// Prints which saved model the stack started from.
pub fn print_start_model(path: &std::path::Path, checksum: u32) {
    println!(
        "the stack started from the saved model {} (CRC-32 {checksum:#010x})",
        path.display()
    );
}

/// Prints the measurements shared by compress and decompress.
///
/// An empty original has no rate per symbol: its compressed file is only the header and
/// the checksums, so the report prints that instead of a rate of 0 bits.
pub fn print_report(report: &CodecReport) {
    let n = report.original_bytes;
    if n == 0 {
        println!(
            "empty original: 0 symbols, so there is no rate per symbol; the {} of the \
             compressed file are its header and checksums",
            counted(report.compressed_bytes, "byte")
        );
    } else {
        println!(
            "bits per input symbol: {:.4} (whole file), {:.4} (information content of the \
             predictions, {})",
            report.bits_per_symbol(),
            report.information_bits / n as f64,
            counted(format!("{:.0}", report.information_bits), "bit")
        );
    }
    for (index, (received, unexpected)) in
        report.received.iter().zip(&report.unexpected).enumerate()
    {
        let level = index + 1;
        if *received == 0 {
            println!("level {level}: received 0 inputs");
        } else {
            println!(
                "level {level}: received {}, found {unexpected} unexpected ({:.1}%)",
                counted(received, "input"),
                100.0 * *unexpected as f64 / *received as f64
            );
        }
    }
    let c = &report.config;
    println!(
        "settings: levels {}, hidden {}, horizon {}, learning rate {}, init range {}, \
         time code {}, seed {}",
        c.levels,
        c.hidden,
        c.horizon,
        c.learning_rate,
        c.init_range,
        time_code_text(c.time_code),
        c.seed
    );
}

/// The reduced-description curve as CSV: one row per checkpoint.
pub fn curve_csv(report: &CodecReport) -> String {
    let mut text = String::from("input_symbols");
    for level in 1..=report.received.len() {
        text.push_str(&format!(",level_{level}_inputs"));
    }
    text.push_str(",top_level_unexpected\n");
    for point in &report.curve {
        text.push_str(&point.symbols.to_string());
        for received in &point.received {
            text.push_str(&format!(",{received}"));
        }
        text.push_str(&format!(",{}\n", point.top_unexpected));
    }
    text
}

fn time_code_text(code: TimeCode) -> String {
    match code {
        TimeCode::None => "none".to_string(),
        TimeCode::Binary { bits } => format!("binary ({})", counted(bits, "bit")),
        TimeCode::Decaying { decay } => format!("decaying ({decay} per step)"),
    }
}
