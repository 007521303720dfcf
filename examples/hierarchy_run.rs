//! Runs a `hierarchy` experiment config without the generic runner and prints one summary
//! line per run with its wall-clock time, for measuring per-run cost.
//!
//! Usage: `cargo run --release --example hierarchy_run -- CONFIG [RUNS] [quick|default|full]`;
//! with the environment variable HIERARCHY_CURVE set it also prints the learning curves.

use std::path::PathBuf;
use std::time::Instant;

use chunker::experiment::{Budget, NoProgress, registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("missing CONFIG path")?);
    let experiment = registry::load(&path)?;
    let runs: u32 = match args.next() {
        Some(text) => text.parse()?,
        None => experiment.default_runs(),
    };
    let budget = match args.next().as_deref() {
        None | Some("default") => Budget::Default,
        Some("quick") => Budget::Quick,
        Some("full") => Budget::Full,
        Some(other) => {
            return Err(
                format!("invalid budget {other:?}: expected quick, default or full").into(),
            );
        }
    };
    println!("{}", experiment.summary_columns().join(","));
    let total = Instant::now();
    for run in 0..runs {
        let start = Instant::now();
        let seed = experiment.default_seed().wrapping_add(u64::from(run));
        let report = experiment.run(run, seed, budget, &NoProgress)?;
        if std::env::var_os("HIERARCHY_CURVE").is_some() {
            for row in &report.curve {
                let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
                println!("  {}", cells.join(","));
            }
        }
        let cells: Vec<String> = report.summary.iter().map(|c| c.to_string()).collect();
        println!(
            "{}  ({:.2} s)",
            cells.join(","),
            start.elapsed().as_secs_f64()
        );
    }
    println!("total {:.2} s", total.elapsed().as_secs_f64());
    Ok(())
}
