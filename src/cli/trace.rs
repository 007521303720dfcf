//! `chunker trace`: shows which inputs of the standard task each level of the predictor
//! hierarchy received and found unexpected (history compression, Schmidhuber 1992). It
//! traces a saved model or trains one first, and it also writes the standard stream as a
//! file.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{ArgGroup, Args};

use super::words::counted;
use crate::error::{Error, Result};
use crate::plot::figure::with_suffix;
use crate::trace::hierarchy::{
    standard_hierarchy_spec, standard_stream_bytes, to_saved_model, train_on_standard,
};
use crate::trace::model::{self, System};
use crate::trace::{SystemKind, Trace, trace};
use crate::{files, saved};

const RED_BOLD: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";
/// Widest line of a trace block, in characters.
const LINE_WIDTH: usize = 100;
const LABEL_WIDTH: usize = 9;

/// Arguments of `chunker trace`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["model", "train", "write_standard_stream"])))]
pub struct TraceArgs {
    /// Trace a saved model: one written by `chunker run --save-model` (a hierarchy, an
    /// automatizer and chunker, or a conventional net, on its experiment's task) or by
    /// `chunker trace --train --save-model`.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Train a predictor hierarchy on the standard task first, then trace it.
    #[arg(long)]
    pub train: bool,
    /// Write the standard task's stream to this file (one byte per symbol: 0 = a, 1 = x,
    /// i + 1 = b_i) and exit; uses --lag, --sequences and --seed.
    #[arg(long, value_name = "PATH")]
    pub write_standard_stream: Option<PathBuf>,
    /// Lag m of the standard task (m b symbols after a or x): 1 to 10000 with --train,
    /// 1 to 254 with --write-standard-stream.
    #[arg(long, default_value_t = 20, conflicts_with = "model")]
    pub lag: usize,
    /// Training sequences (blocks of m + 1 symbols) for --train, or the stream length for
    /// --write-standard-stream; 1 or more.
    #[arg(long, default_value_t = 1000, conflicts_with = "model")]
    pub sequences: u64,
    /// Seed of the initial weights and the training stream, 0 to 2^64 - 1.
    #[arg(long, default_value_t = 1, conflicts_with = "model")]
    pub seed: u64,
    /// Maximum number of levels the hierarchy may grow to (--train), 1 to 16.
    #[arg(long, default_value_t = 2, conflicts_with_all = ["model", "write_standard_stream"])]
    pub max_levels: usize,
    /// Hidden units per level (--train), 1 to 1024; the 1993 experiment used 1.
    #[arg(long, default_value_t = 1, conflicts_with_all = ["model", "write_standard_stream"])]
    pub hidden: usize,
    /// Save the trained hierarchy to this file (--train).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["model", "write_standard_stream"])]
    pub save_model: Option<PathBuf>,
    /// Steps of fresh stream to show, 1 to 1,000,000 [default: the steps of 3 sequences,
    /// 3 (m + 1), or 60 when the task's sequences vary in length].
    #[arg(long, conflicts_with = "write_standard_stream")]
    pub steps: Option<usize>,
    /// Seed of the stream shown, 0 to 2^64 - 1. It draws from a generator stream of its
    /// own, so the same value as --seed still gives steps the training did not see.
    #[arg(long, default_value_t = 1, conflicts_with = "write_standard_stream")]
    pub trace_seed: u64,
    /// Also write the trace as STEM.csv and draw it as STEM.png and STEM.svg.
    #[arg(long, value_name = "STEM", conflicts_with = "write_standard_stream")]
    pub figure: Option<PathBuf>,
}

/// Largest lag `--train` accepts: the nets have m + 3 inputs and outputs, so larger lags
/// would take minutes per sequence, and lags of 2^32 would not fit in memory.
const MAX_TRAIN_LAG: usize = 10_000;
/// Largest hidden-unit count per level `--train` accepts.
const MAX_HIDDEN: usize = 1_024;
/// Largest number of levels `--train` accepts.
const MAX_LEVELS: usize = 16;
/// Largest stream `--write-standard-stream` writes, in symbols (1 GiB).
const MAX_STREAM_SYMBOLS: u64 = 1 << 30;
/// Largest number of steps shown.
const MAX_STEPS: usize = 1_000_000;

/// Checks the flags' ranges before any work starts.
///
/// # Errors
/// [`Error::InvalidValue`] naming the flag, its valid range and the fix.
fn validate(args: &TraceArgs) -> Result<()> {
    if args.write_standard_stream.is_some() {
        let symbols = args.sequences.saturating_mul(args.lag as u64 + 1);
        if args.sequences == 0 || symbols > MAX_STREAM_SYMBOLS {
            return Err(Error::invalid(
                "--sequences",
                args.sequences,
                format!(
                    "expected 1 or more, and at most {MAX_STREAM_SYMBOLS} symbols in all (sequences x (lag + 1)); lower --sequences"
                ),
            ));
        }
        return Ok(());
    }
    if args.train {
        if args.lag == 0 || args.lag > MAX_TRAIN_LAG {
            return Err(Error::invalid(
                "--lag",
                args.lag,
                format!("expected 1 ..= {MAX_TRAIN_LAG}"),
            ));
        }
        if args.hidden == 0 || args.hidden > MAX_HIDDEN {
            return Err(Error::invalid(
                "--hidden",
                args.hidden,
                format!("expected 1 ..= {MAX_HIDDEN} hidden units per level"),
            ));
        }
        if args.max_levels == 0 || args.max_levels > MAX_LEVELS {
            return Err(Error::invalid(
                "--max-levels",
                args.max_levels,
                format!("expected 1 ..= {MAX_LEVELS} levels"),
            ));
        }
        if args.sequences == 0 {
            return Err(Error::invalid(
                "--sequences",
                0,
                "expected 1 or more training sequences",
            ));
        }
    }
    if let Some(steps) = args.steps.filter(|&s| s == 0 || s > MAX_STEPS) {
        return Err(Error::invalid(
            "--steps",
            steps,
            format!("expected 1 ..= {MAX_STEPS} steps"),
        ));
    }
    Ok(())
}

pub fn run(args: TraceArgs) -> Result<()> {
    validate(&args)?;
    if let Some(path) = &args.write_standard_stream {
        let bytes = standard_stream_bytes(args.lag, args.sequences, args.seed)?;
        files::write_atomic(path, &bytes)?;
        println!(
            "wrote {} ({} of the standard task, lag {}, seed {}) to {}",
            counted(bytes.len(), "symbol"),
            counted(args.sequences, "sequence"),
            args.lag,
            args.seed,
            path.display()
        );
        return Ok(());
    }

    if let Some(path) = &args.save_model {
        files::check_output_path(path)?;
    }
    if let Some(stem) = &args.figure {
        files::check_output_path(&with_suffix(stem, ".csv"))?;
    }
    let (mut system, origin) = load_or_train(&args)?;
    let sequence_length = system.traced().sequence_length();
    let steps = args
        .steps
        .unwrap_or(3 * sequence_length.unwrap_or(DEFAULT_STEPS / 3));
    let trace = trace(system.traced(), steps, args.trace_seed)?;

    println!("{origin}");
    println!(
        "{steps} fresh steps (trace seed {}); {}:",
        args.trace_seed,
        learning_note(&trace)
    );
    let colour = std::io::stdout().is_terminal();
    print!("{}", render(&trace, colour, sequence_length.unwrap_or(0)));
    if let Some(stem) = &args.figure {
        let csv_path = with_suffix(stem, ".csv");
        files::write_atomic(&csv_path, trace.to_csv().as_bytes())?;
        let title = if trace.kind == SystemKind::TwoNet {
            "Unexpected inputs, level 1 = automatizer A, level 2 = chunker C".to_string()
        } else {
            "Unexpected inputs per level".to_string()
        };
        crate::plot::trace::trace_figure(&csv_path, stem, &title)?;
        println!(
            "figure: {} and {}, drawn from {}",
            with_suffix(stem, ".png").display(),
            with_suffix(stem, ".svg").display(),
            csv_path.display()
        );
    }
    Ok(())
}

/// Steps shown by default on tasks whose sequences vary in length.
const DEFAULT_STEPS: usize = 60;

/// Describes what keeps learning while the trace runs, by the kind of system traced.
fn learning_note(trace: &Trace) -> &'static str {
    match trace.kind {
        SystemKind::TwoNet => "A and C keep learning online",
        SystemKind::Net => "the net does not learn during the trace",
        SystemKind::Hierarchy => "the top level keeps learning online",
    }
}

/// Loads or trains the system to trace, and returns it with one line saying where it
/// came from.
fn load_or_train(args: &TraceArgs) -> Result<(System, String)> {
    if let Some(path) = &args.model {
        let loaded = model::load(path)?;
        return Ok((loaded.system, format!("model {}", loaded.description)));
    }

    let spec = standard_hierarchy_spec(args.lag, args.hidden, args.max_levels);
    let feed = train_on_standard(spec, args.lag, args.sequences, args.seed)?;
    let mut origin = format!(
        "trained a hierarchy on {} of the standard task (lag {}, seed {}); \
         ticks in training:",
        counted(args.sequences, "sequence"),
        args.lag,
        args.seed
    );
    for (index, level) in feed.hierarchy.levels().iter().enumerate() {
        origin.push_str(&format!(" level {} {}", index + 1, level.ticks()));
    }
    if let Some(path) = &args.save_model {
        saved::save(
            path,
            &to_saved_model(&feed, args.lag, args.sequences, args.seed)?,
        )?;
        origin.push_str(&format!("\nsaved the model to {}", path.display()));
    }
    Ok((System::Hierarchy(Box::new(feed)), origin))
}

/// The trace as text: blocks of steps, each with the input line and one line per level;
/// a block holds whole sequences of `sequence_length` steps when one fits on a line.
/// A level's line shows the symbol where it found the input unexpected, `.` where it
/// received and expected it, and a blank where it did not tick. With `colour`, unexpected
/// inputs are bold red and expected ones dim.
pub fn render(trace: &Trace, colour: bool, sequence_length: usize) -> String {
    let cell = trace.names.iter().map(String::len).max().unwrap_or(1) + 1;
    let label_width = trace
        .labels
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max(LABEL_WIDTH);
    let fits = ((LINE_WIDTH - label_width) / cell).max(1);
    let per_block = if sequence_length >= 1 && sequence_length <= fits {
        fits / sequence_length * sequence_length
    } else {
        fits
    };
    let mut out = String::new();
    let mut start = 0;
    while start < trace.steps() {
        let end = (start + per_block).min(trace.steps());
        out.push_str(&format!("{:<label_width$}", "input"));
        for name in &trace.names[start..end] {
            out.push_str(&format!("{name:>cell$}"));
        }
        out.push('\n');
        for level in 0..trace.levels() {
            let mut line = format!("{:<label_width$}", trace.labels[level]);
            for step in start..end {
                let marker = if trace.unexpected[level][step] {
                    trace.names[step].as_str()
                } else if trace.ticked[level][step] {
                    "."
                } else {
                    ""
                };
                let padded = format!("{marker:>cell$}");
                match (colour, trace.unexpected[level][step], marker) {
                    (true, true, _) => line.push_str(&format!("{RED_BOLD}{padded}{RESET}")),
                    (true, false, ".") => line.push_str(&format!("{DIM}{padded}{RESET}")),
                    _ => line.push_str(&padded),
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
        start = end;
    }
    if trace.kind == SystemKind::Net {
        out.push_str("legend: a symbol = unexpected input; . = predicted\n");
    } else {
        out.push_str(
            "legend: a symbol = unexpected input, passed to the level above; . = received \
             and predicted; blank = not received (no tick)\n",
        );
    }
    if trace.kind == SystemKind::TwoNet {
        out.push_str(
            "A = the automatizer, which receives every input; C = the chunker, which \
             receives only the inputs A did not expect\n",
        );
    }
    for level in 0..trace.levels() {
        let ticks = trace.ticked[level].iter().filter(|t| **t).count();
        let unexpected = trace.unexpected[level].iter().filter(|t| **t).count();
        out.push_str(&format!(
            "{}: {ticks} of {} received, {unexpected} unexpected\n",
            trace.labels[level],
            counted(trace.steps(), "step")
        ));
    }
    out
}
