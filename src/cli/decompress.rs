//! `chunker decompress`: restores a file written by `chunker compress`, replaying the same
//! online predictor stack.

use std::path::PathBuf;

use clap::Args;

use super::words::counted;
use crate::codec::decompress;
use crate::error::Result;
use crate::files;

/// Arguments of `chunker decompress`.
#[derive(Debug, Args)]
pub struct DecompressArgs {
    /// A file written by `chunker compress`.
    pub input: PathBuf,
    /// Where to write the restored bytes.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
}

pub fn run(args: DecompressArgs) -> Result<()> {
    let file = files::read(&args.input)?;
    let (data, report) = decompress(&file, &args.input)?;
    files::write_atomic(&args.output, &data)?;
    println!(
        "decompressed {} ({}) to {} ({})",
        args.input.display(),
        counted(report.compressed_bytes, "byte"),
        args.output.display(),
        counted(report.original_bytes, "byte")
    );
    super::compress::print_report(&report);
    Ok(())
}
