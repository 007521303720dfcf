//! The command line: clap definitions, one file per subcommand. Each subcommand calls into
//! the library; only this module prints results or sets exit codes.

use clap::{Parser, Subcommand};

use crate::error::Result;

pub mod compress;
pub mod decompress;
pub mod trace;

/// Neural sequence chunker and history compressor (Schmidhuber 1991), reproduced.
#[derive(Debug, Parser)]
#[command(name = "chunker", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compress a file losslessly with an online predictor stack and an arithmetic coder.
    Compress(compress::CompressArgs),
    /// Restore a file written by `chunker compress`.
    Decompress(decompress::DecompressArgs),
    /// Show which inputs each level of a predictor stack found unexpected.
    Trace(trace::TraceArgs),
}

/// Parses the arguments, runs the command and returns the process exit code.
pub fn main_entry() -> i32 {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            error.exit_code()
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Compress(args) => compress::run(args),
        Command::Decompress(args) => decompress::run(args),
        Command::Trace(args) => trace::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
