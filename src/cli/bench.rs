//! `chunker bench`: symbol-steps per second of BPTT and RTRL on the anchor benchmarks'
//! networks, as a text table or, with `--json`, as a JSON array with one object per row.

use std::io::IsTerminal;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::bench::{self, BenchRow, Clock, PEAK_GFLOPS, Protocol, Workload};
use crate::error::{Error, Result};

const MAX_REPEATS: usize = 1000;

/// Flags of `chunker bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print a JSON array with one object per row instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Number of timed repeats per row, 1 to 1000; the median is reported.
    #[arg(long, default_value_t = 5)]
    pub repeats: usize,
    /// A smoke run of a few milliseconds per row, to check that everything runs; its
    /// numbers are not measurements.
    #[arg(long)]
    pub quick: bool,
    /// Run only the rows of this algorithm: "bptt", "rtrl", or "twenty_step" (the 20-step
    /// experiment's two-net system and conventional net, in steps and sequences per second).
    /// All algorithms when absent.
    #[arg(long, value_parser = ["bptt", "rtrl", "twenty_step"])]
    pub algorithm: Option<String>,
    /// Run only the rows with this many hidden units: 16, 64 or 256 for bptt, 4, 8, 16 or 32
    /// for rtrl, 1 for twenty_step. All rows when absent.
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Time with the thread's CPU time instead of the wall clock (Linux only): steadier
    /// on a loaded machine, but not comparable with wall-clock numbers such as those of
    /// the numpy and PyTorch reference benchmarks.
    #[arg(long)]
    pub cpu_time: bool,
    /// Seed of the generator that draws the weights and the symbols, 0 to 2^64 - 1.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs `chunker bench` and prints its table or JSON on stdout.
///
/// # Errors
/// [`Error::InvalidValue`] for `--repeats` out of range; [`Error::Diverged`] when a
/// benchmarked net's weights stop being finite.
pub fn run(args: &BenchArgs) -> Result<()> {
    if !(1..=MAX_REPEATS).contains(&args.repeats) {
        return Err(Error::invalid(
            "--repeats",
            args.repeats,
            format!("expected a count from 1 to {MAX_REPEATS}; pass e.g. --repeats 5"),
        ));
    }
    let mut protocol = if args.quick {
        Protocol::quick()
    } else {
        Protocol::standard()
    };
    protocol.repeats = args.repeats;
    protocol.seed = args.seed;
    if args.cpu_time {
        protocol.clock = Clock::ThreadCpu;
    }

    let all = bench::standard_workloads();
    let workloads: Vec<Workload> = all
        .iter()
        .filter(|w| args.algorithm.as_deref().is_none_or(|a| a == w.algorithm()))
        .filter(|w| args.hidden.is_none_or(|h| h == w.hidden()))
        .cloned()
        .collect();
    if workloads.is_empty() {
        let sizes: Vec<String> = all
            .iter()
            .filter(|w| args.algorithm.as_deref().is_none_or(|a| a == w.algorithm()))
            .map(|w| w.hidden().to_string())
            .collect();
        return Err(Error::invalid(
            "--hidden",
            args.hidden.map_or("none".to_string(), |h| h.to_string()),
            format!(
                "no benchmark row of that algorithm has this hidden size; pass one of {}",
                sizes.join(", ")
            ),
        ));
    }
    let mut rows = Vec::with_capacity(workloads.len());
    let progress = progress_bar(workloads.len());
    for workload in &workloads {
        progress.set_message(describe(workload));
        let row = bench::run_workload(workload, &protocol);
        progress.inc(1);
        rows.push(row?);
    }
    progress.finish_and_clear();

    if args.json {
        let json = serde_json::to_string_pretty(&rows)
            .expect("rows of plain numbers and strings serialise");
        println!("{json}");
    } else {
        print!("{}", table(&rows));
    }
    Ok(())
}

/// Returns a bar on stderr that counts the measured rows, or a hidden one when stderr is
/// not a terminal, so that logs and pipes get only the table or the errors.
fn progress_bar(rows: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template(
        "bench {pos}/{len} rows [{elapsed_precise}] {bar:20} {wide_msg}",
    )
    .expect("the progress template is valid");
    ProgressBar::new(rows as u64).with_style(style)
}

/// Describes the row being timed in the table's column names, e.g. "rtrl, alphabet 8,
/// hidden 16".
fn describe(workload: &Workload) -> String {
    match workload {
        Workload::Bptt {
            alphabet,
            hidden,
            length,
        } => format!("bptt, alphabet {alphabet}, hidden {hidden}, length {length}"),
        Workload::Rtrl { alphabet, hidden } => {
            format!("rtrl, alphabet {alphabet}, hidden {hidden}")
        }
        Workload::TwentyStep { reading } => format!("twenty_step:{reading}"),
    }
}

/// Formats the rows as a plain-text table.
fn table(rows: &[BenchRow]) -> String {
    let mut out = format!(
        "{:<48} {:>8} {:>6} {:>6} {:>14} {:>25} {:>10} {:>8} {:>7} {:>7}\n",
        "algorithm",
        "alphabet",
        "hidden",
        "length",
        "steps/s median",
        "(min, max)",
        "seq/s",
        "GFLOP/s",
        "% peak",
        "target"
    );
    for row in rows {
        let length = row.length.map_or("-".to_string(), |t| t.to_string());
        let range = format!(
            "({:.0}, {:.0})",
            row.steps_per_second_min, row.steps_per_second_max
        );
        let number =
            |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
        out.push_str(&format!(
            "{:<48} {:>8} {:>6} {:>6} {:>14.0} {:>25} {:>10} {:>8} {:>7} {:>7}\n",
            row.algorithm,
            row.alphabet,
            row.hidden,
            length,
            row.steps_per_second,
            range,
            number(row.sequences_per_second, 0),
            number(row.gflops, 3),
            number(row.percent_of_peak, 1),
            number(row.target_percent_of_peak, 0),
        ));
    }
    out.push_str(&format!(
        "% peak: GFLOP/s (dense FLOP count of the anchors) over {PEAK_GFLOPS} GFLOP/s, one \
         FP64 core of the anchors' machine.\n"
    ));
    out
}
