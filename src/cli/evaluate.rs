//! `chunker evaluate`: tests a saved model on fresh sequences of its task with learning
//! switched off, and prints how well it predicts the targets (the frozen test of the
//! automatizer alone, for the two-net system).

use std::path::PathBuf;

use clap::Args;

use crate::error::{Error, Result};
use crate::trace::evaluate::{Evaluation, evaluate};
use crate::trace::model;

/// Largest number of fresh sequences accepted.
const MAX_SEQUENCES: u64 = 10_000_000;

/// Arguments of `chunker evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The saved model, written by `chunker run --save-model` or
    /// `chunker trace --train --save-model`.
    #[arg(long)]
    pub model: PathBuf,
    /// Fresh sequences to test on, 1 to 10,000,000.
    #[arg(long, default_value_t = 1000)]
    pub sequences: u64,
    /// Seed of the fresh sequences, 0 to 2^64 - 1. They come from a generator stream of
    /// their own, so they are not the ones the model trained on.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(args: EvaluateArgs) -> Result<()> {
    if args.sequences == 0 || args.sequences > MAX_SEQUENCES {
        return Err(Error::invalid(
            "--sequences",
            args.sequences,
            format!("expected 1 ..= {MAX_SEQUENCES} fresh sequences, e.g. --sequences 1000"),
        ));
    }
    let mut loaded = model::load(&args.model)?;
    let result = evaluate(&mut loaded.system, args.sequences, args.seed, loaded.bound)?;
    println!("model {}", loaded.description);
    print!("{}", report(&result, args.seed));
    Ok(())
}

/// Formats the evaluation in words, one fact per line.
pub fn report(result: &Evaluation, seed: u64) -> String {
    let mut out = format!(
        "{} fresh sequences (seed {seed}), learning switched off, success bound {}:\n",
        result.sequences, result.bound
    );
    let percent = |part: u64| 100.0 * part as f64 / result.sequences.max(1) as f64;
    if let Some(passed) = result.sequences_passed {
        out.push_str(&format!(
            "A alone, without C: {passed} of {} sequences passed ({:.1} %): every \
             prediction unit within {}\n",
            result.sequences,
            percent(passed),
            result.bound
        ));
        if let Some(symbol) = result.symbol_error_max {
            out.push_str(&format!("largest next-symbol error: {symbol:.4}\n"));
        }
        if !result.target_error_max.is_nan() {
            out.push_str(&format!(
                "largest target error: {:.4}\n",
                result.target_error_max
            ));
        }
    }
    if let (Some(within), Some(mean)) = (result.targets_within_bound, result.target_error_mean) {
        out.push_str(&format!(
            "target predicted within {}: {within} of {} sequences ({:.1} %)\n",
            result.bound,
            result.sequences,
            percent(within)
        ));
        out.push_str(&format!(
            "target error: mean {mean:.4}, largest {:.4}\n",
            result.target_error_max
        ));
    }
    let inputs: Vec<String> = result
        .inputs_per_level
        .iter()
        .map(|(label, count)| {
            let share = 100.0 * *count as f64 / result.steps.max(1) as f64;
            format!("{label} {count} ({share:.1} %)")
        })
        .collect();
    out.push_str(&format!(
        "inputs received of {} steps: {}\n",
        result.steps,
        inputs.join(", ")
    ));
    out
}
