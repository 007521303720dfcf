//! `chunker decompress`: restores a file written by `chunker compress`, replaying the same
//! online predictor stack.

use std::path::PathBuf;

use clap::Args;

use super::words::counted;
use crate::codec::decompress_from;
use crate::error::Result;
use crate::files;
use crate::saved::codec::load_start_model;

/// Arguments of `chunker decompress`.
#[derive(Debug, Args)]
pub struct DecompressArgs {
    /// A file written by `chunker compress`.
    pub input: PathBuf,
    /// Where to write the restored bytes.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// The saved model the file was compressed from (`compress --model`), if it was.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
}

pub fn run(args: DecompressArgs) -> Result<()> {
    files::check_output_path(&args.output)?;
    files::check_distinct("--output", &args.output, "the input", &args.input)?;
    if let Some(model) = &args.model {
        files::check_distinct("--output", &args.output, "--model", model)?;
    }
    let start = args.model.as_deref().map(load_start_model).transpose()?;
    let file = files::read(&args.input)?;
    let (data, report) = decompress_from(&file, &args.input, start.as_ref())?;
    files::write_atomic(&args.output, &data)?;
    println!(
        "decompressed {} ({}) to {} ({})",
        args.input.display(),
        counted(report.compressed_bytes, "byte"),
        args.output.display(),
        counted(report.original_bytes, "byte")
    );
    super::compress::print_report(&report);
    if let (Some(path), Some(model)) = (&args.model, &start) {
        super::compress::print_start_model(path, model.checksum);
    }
    Ok(())
}
