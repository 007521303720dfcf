//! The command line: clap definitions, one file per subcommand. Each subcommand calls into
//! the library; only this module prints results or sets exit codes.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub mod bench;
pub mod gradients;

use crate::error::Result;

pub mod compress;
pub mod decompress;
pub mod evaluate;
pub mod plot;
pub mod progress;
pub mod reproduce;
pub mod run;
pub mod search;
mod stdout;
pub mod trace;
mod words;

/// Neural sequence chunker and history compressor (Schmidhuber 1991), reproduced.
#[derive(Debug, Parser)]
#[command(name = "chunker", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a random net, a sequence, its loss and its BPTT and RTRL gradients as JSON.
    Gradients(gradients::GradientsArgs),
    /// Measure symbol-steps per second of BPTT and RTRL on the nets of the numpy and PyTorch
    /// reference benchmarks (the anchors).
    Bench(bench::BenchArgs),
    /// Run one experiment config and record its runs under data/NAME/.
    Run(run::RunArgs),
    /// Redraw every figure from the CSV records under data/ (merging shards).
    Plot(plot::PlotArgs),
    /// Run every experiment config, redraw every figure and write the results table
    /// into PAPER_NOTES.md.
    Reproduce(reproduce::ReproduceArgs),
    /// Run variants of the 20-step chunker experiment that fill in details the 1992 paper
    /// leaves open, and write the search table.
    Search(search::SearchArgs),
    /// Compress a file losslessly with an online predictor stack and an arithmetic coder.
    Compress(compress::CompressArgs),
    /// Restore a file written by `chunker compress`.
    Decompress(decompress::DecompressArgs),
    /// Show which inputs each level of a predictor stack found unexpected.
    Trace(trace::TraceArgs),
    /// Test a saved model on fresh sequences of its task with learning switched off.
    Evaluate(evaluate::EvaluateArgs),
}

/// Parses the arguments, runs the command and returns the process exit code.
pub fn main_entry() -> i32 {
    stdout::restore_default_sigpipe();
    stdout::exit_cleanly_when_stdout_fails();
    let cli = parse_arguments();
    match execute(cli) {
        Ok(()) => 0,
        Err(error) => {
            let message = error.to_string();
            eprintln!("error: {message}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                // Io errors already end with their cause; print only what is new.
                let cause_text = cause.to_string();
                if !message.contains(&cause_text) {
                    eprintln!("  caused by: {cause_text}");
                }
                source = cause.source();
            }
            error.exit_code()
        }
    }
}

/// Parses the process arguments; on a usage error prints it and exits with code 2.
///
/// Every option value may start with `-` followed by a digit, so that `--init-range -0.5`
/// reaches its value parser and `--seed -1` is rejected as an invalid value instead of
/// being read as an unknown flag `-1`.
fn parse_arguments() -> Cli {
    let command = Cli::command().mut_subcommands(|subcommand| {
        subcommand.mut_args(|arg| {
            if arg.is_positional() || !arg.get_action().takes_values() {
                arg
            } else {
                arg.allow_negative_numbers(true)
            }
        })
    });
    let matches = command.try_get_matches().unwrap_or_else(|error| {
        if let Some((flag, value)) = negative_count(&error) {
            eprintln!(
                "error: invalid value '{value}' for '{flag}': expected an integer >= 0; fix: \
                 pass a value of 0 or more"
            );
            std::process::exit(2);
        }
        error.exit()
    });
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// The flag and value of a usage error where a negative number was given to an option
/// that takes an unsigned integer (clap calls it "invalid digit found in string").
fn negative_count(error: &clap::Error) -> Option<(String, String)> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    };
    let value = text(ContextKind::InvalidValue)?;
    let flag = text(ContextKind::InvalidArg)?;
    let negative_integer = value
        .strip_prefix('-')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    let unsigned = error.to_string().contains("invalid digit");
    (negative_integer && unsigned).then_some((flag, value))
}

fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Gradients(args) => gradients::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Run(args) => run::execute(args),
        Command::Plot(args) => plot::execute(&args),
        Command::Reproduce(args) => reproduce::execute(&args),
        Command::Search(args) => search::execute(args),
        Command::Compress(args) => compress::run(args),
        Command::Decompress(args) => decompress::run(args),
        Command::Trace(args) => trace::run(args),
        Command::Evaluate(args) => evaluate::run(args),
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
