//! `chunker search`: runs the readings of the 20-step experiment (Schmidhuber 1992) that the
//! papers leave open, the same seeds for each, and writes one table row per reading
//! (`search.csv`) and one row per run (`runs.csv`).

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Args;

use super::words::counted;
use crate::collapse::cost::cost_table;
use crate::collapse::experiment;
use crate::collapse::run::RunOutcome;
use crate::collapse::search::{Reading, SearchRow, readings, summarize};
use crate::collapse::{CollapseTask, RunLength, SuccessConfig, run_one};
use crate::error::{Error, Result};
use crate::files;
use crate::tasks::StandardTask;

/// Arguments of `chunker search`.
#[derive(Debug, Args)]
#[command(
    after_help = "A reading is one way to fill in a detail that the 1992 paper leaves \
    open, such as output feedback, a learning rate or the surprise test; `--list` names each \
    reading and what it changes from the published settings. Per reading, the table counts \
    the runs that solved the task online and the runs confirmed by a check of the \
    automatizer with frozen weights, each under 5,000 and under 35,000 training sequences, \
    and gives the median sequences needed (\"-\" when half or more of the runs did not get \
    there)."
)]
pub struct SearchArgs {
    /// Runs per reading, 1 to 10000.
    #[arg(long, default_value_t = 17)]
    pub runs: u32,
    /// Training sequences per run, 1 or more (the paper's budget is 35,000).
    #[arg(long, default_value_t = 35_000)]
    pub sequences: u64,
    /// Base seed, 0 to 2^64 - 1; run i of every reading uses seed + i.
    #[arg(long, default_value_t = 1992)]
    pub seed: u64,
    /// Worker threads, 1 or more; the output does not depend on it.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Run only this reading (repeatable, names as in --list); all built-in readings when
    /// neither --reading nor --config is given.
    #[arg(long = "reading")]
    pub readings: Vec<String>,
    /// Add the system of this `collapse` config as one more reading, named after the file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Output folder for search.csv, runs.csv and search.sidecar.toml.
    #[arg(long, default_value = "data/chunker_20step_search")]
    pub out: PathBuf,
    /// Reuse the runs already in OUT/runs.csv (same reading, run and seed, same
    /// --sequences and --seed) and run only the others.
    #[arg(long)]
    pub resume: bool,
    /// List the readings and exit.
    #[arg(long)]
    pub list: bool,
    /// Print the multiply-adds per step of the literal, the fully recurrent and the best reading
    /// beside the conventional net, and exit.
    #[arg(long)]
    pub cost: bool,
}

/// A reading with the task it runs on and its success test.
struct Entry {
    reading: Reading,
    task: CollapseTask,
    success: SuccessConfig,
}

/// The built-in readings run the standard task with m = 20 and the default success test;
/// a `--config` reading runs its own task and success test.
fn selected_readings(args: &SearchArgs) -> Result<Vec<Entry>> {
    let standard = CollapseTask::Standard(StandardTask::new(20)?);
    let entry = |reading: Reading| Entry {
        reading,
        task: standard,
        success: SuccessConfig::default(),
    };
    let all = readings();
    let mut chosen: Vec<Entry> = if args.readings.is_empty() && args.config.is_none() {
        all.iter().cloned().map(entry).collect()
    } else {
        Vec::new()
    };
    for name in &args.readings {
        let found = all.iter().find(|r| &r.name == name).ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
            Error::invalid("--reading", name, format!("expected one of {names:?}"))
        })?;
        chosen.push(entry(found.clone()));
    }
    if let Some(path) = &args.config {
        let text = String::from_utf8(files::read(path)?).map_err(|_| Error::Malformed {
            path: path.clone(),
            message: "not UTF-8 text".into(),
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "config".into());
        let parsed = experiment::parse(&name, &text, path)?;
        chosen.push(Entry {
            reading: Reading {
                name,
                change: parsed.file().deviation.clone(),
                system: parsed.file().system(),
            },
            task: parsed.file().task()?,
            success: parsed.file().success.clone(),
        });
    }
    Ok(chosen)
}

/// Runs `chunker search`.
///
/// # Errors
/// [`Error::InvalidValue`] for a bad flag, [`Error::Io`] when an output cannot be written.
pub fn execute(args: SearchArgs) -> Result<()> {
    if args.list {
        print!("{}", reading_list(&readings()));
        return Ok(());
    }
    if args.cost {
        print_costs();
        return Ok(());
    }
    if args.runs == 0 {
        return Err(Error::invalid(
            "--runs",
            args.runs,
            "expected an integer >= 1",
        ));
    }
    // Every run's outcome is held in memory until the tables are written.
    if args.runs > 10_000 {
        return Err(Error::invalid(
            "--runs",
            args.runs,
            "expected at most 10000 runs per reading; fix: pass a smaller --runs",
        ));
    }
    if args.sequences == 0 {
        return Err(Error::invalid(
            "--sequences",
            args.sequences,
            "expected an integer >= 1",
        ));
    }
    if args.threads == 0 {
        return Err(Error::invalid(
            "--threads",
            args.threads,
            "expected an integer >= 1",
        ));
    }
    let chosen = selected_readings(&args)?;
    let length = RunLength {
        sequences: args.sequences,
        curve_every: args.sequences,
    };

    // Jobs run in reading order; whenever the readings up to some point are complete, the
    // tables are rewritten with them, so a long search leaves usable files as it goes.
    let runs = args.runs as usize;
    let jobs = chosen.len() * runs;
    let mut results = vec![None; jobs];
    if args.resume {
        let recorded = recorded_runs(&args)?;
        for (job, slot) in results.iter_mut().enumerate() {
            let (r, i) = (job / runs, job % runs);
            let key = (
                chosen[r].reading.name.clone(),
                i,
                args.seed.wrapping_add(i as u64),
            );
            if let Some(outcome) = recorded.get(&key) {
                *slot = Some(outcome.clone());
            }
        }
    }
    let pending: Vec<usize> = (0..jobs).filter(|&j| results[j].is_none()).collect();
    eprintln!(
        "search: {} of {} to do",
        pending.len(),
        counted(jobs, "run")
    );
    let next = AtomicUsize::new(0);
    let progress = Mutex::new(Progress {
        results,
        readings_written: 0,
        failure: None,
    });
    std::thread::scope(|scope| {
        for _ in 0..args.threads.min(pending.len()) {
            scope.spawn(|| {
                while let Some(&job) = pending.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let (r, i) = (job / runs, job % runs);
                    let seed = args.seed.wrapping_add(i as u64);
                    let e = &chosen[r];
                    let outcome = run_one(
                        &e.task,
                        &e.reading.system,
                        &e.success,
                        length,
                        seed,
                        &mut |_| {},
                    )
                    .ok();
                    let mut state = progress
                        .lock()
                        .expect("no worker panics while holding the lock");
                    state.results[job] = Some(outcome);
                    let complete = state
                        .results
                        .chunks(runs)
                        .take_while(|c| c.iter().all(Option::is_some))
                        .count();
                    if complete > state.readings_written {
                        for reading in &chosen[state.readings_written..complete] {
                            eprintln!("search: reading {} done", reading.reading.name);
                        }
                        state.readings_written = complete;
                        if let Err(error) = write_outputs(&args, &chosen, &state.results, complete)
                        {
                            state.failure.get_or_insert(error);
                        }
                    }
                }
            });
        }
    });
    let state = progress
        .into_inner()
        .expect("no worker panics while holding the lock");
    if let Some(error) = state.failure {
        return Err(error);
    }

    let rows: Vec<(&str, SearchRow)> = chosen
        .iter()
        .enumerate()
        .map(|(r, entry)| {
            let outcomes: Vec<Option<RunOutcome>> = state.results[r * runs..(r + 1) * runs]
                .iter()
                .map(|o| o.clone().flatten())
                .collect();
            (entry.reading.name.as_str(), summarize(&outcomes))
        })
        .collect();
    print!("{}", result_table(&rows));
    Ok(())
}

/// The runs recorded in OUT/runs.csv by an earlier search with the same --sequences and
/// --seed, keyed by (reading, run, seed).
fn recorded_runs(
    args: &SearchArgs,
) -> Result<std::collections::HashMap<(String, usize, u64), Option<RunOutcome>>> {
    use crate::collapse::run::FrozenResult;
    let mut recorded = std::collections::HashMap::new();
    let runs_path = args.out.join("runs.csv");
    let sidecar_path = args.out.join("search.sidecar.toml");
    if !runs_path.is_file() || !sidecar_path.is_file() {
        return Ok(recorded);
    }
    let sidecar_text = String::from_utf8(files::read(&sidecar_path)?).unwrap_or_default();
    let sidecar: toml::Table =
        sidecar_text
            .parse()
            .map_err(|e: toml::de::Error| Error::Malformed {
                path: sidecar_path.clone(),
                message: e.to_string(),
            })?;
    let same = |key: &str, value: u64| {
        sidecar.get(key).and_then(toml::Value::as_integer) == Some(value as i64)
    };
    if !same("sequences", args.sequences) || !same("seed", args.seed) {
        return Err(Error::invalid(
            "--resume",
            runs_path.display(),
            "expected runs recorded with the same --sequences and --seed; \
             drop --resume or choose another --out",
        ));
    }
    let table = crate::plot::table::read_table(&runs_path)?;
    let names = table.texts("reading")?;
    let run = table.integers("run")?;
    let seed = table.integers("seed")?;
    let solve = table.optional_integers("sequences_to_solve")?;
    let frozen = table.optional_integers("sequences_to_frozen")?;
    let diverged = table.bools("diverged")?;
    let solved = table.bools("solved")?;
    let confirmed = table.bools("frozen_confirmed")?;
    let trained = table.optional_integers("sequences_trained")?;
    let ticks = table.texts("final_chunker_ticks_per_sequence")?;
    let target = table.texts("final_frozen_target_error_max_abs")?;
    let float = |text: &str| text.parse::<f64>().unwrap_or(f64::NAN);
    for row in 0..table.len() {
        let outcome = (!diverged[row]).then(|| RunOutcome {
            solved: solved[row],
            sequences_to_solve: solve[row],
            frozen_confirmed: confirmed[row],
            sequences_to_frozen: frozen[row],
            sequences_trained: trained[row].unwrap_or(0),
            final_ticks_per_sequence: float(&ticks[row]),
            final_frozen: FrozenResult {
                passed: false,
                passed_fraction: f64::NAN,
                target_error: float(&target[row]),
                symbol_error: f64::NAN,
            },
            curve: Vec::new(),
        });
        recorded.insert((names[row].clone(), run[row] as usize, seed[row]), outcome);
    }
    Ok(recorded)
}

/// The results of a search in progress: per job, `None` until it ran, then the outcome
/// (`None` inside for a diverged run).
struct Progress {
    results: Vec<Option<Option<RunOutcome>>>,
    readings_written: usize,
    failure: Option<Error>,
}

/// Writes search.csv, runs.csv and the sidecar for the first `complete` readings.
fn write_outputs(
    args: &SearchArgs,
    chosen: &[Entry],
    results: &[Option<Option<RunOutcome>>],
    complete: usize,
) -> Result<()> {
    let runs = args.runs as usize;
    let mut table = csv::Writer::from_writer(Vec::new());
    let mut per_run = csv::Writer::from_writer(Vec::new());
    write_headers(&mut table, &mut per_run)?;
    for (r, entry) in chosen.iter().take(complete).enumerate() {
        let outcomes: Vec<Option<RunOutcome>> = results[r * runs..(r + 1) * runs]
            .iter()
            .map(|o| o.clone().flatten())
            .collect();
        write_row(&mut table, &entry.reading, &summarize(&outcomes))?;
        for (i, outcome) in outcomes.iter().enumerate() {
            let seed = args.seed.wrapping_add(i as u64);
            write_run(&mut per_run, &entry.reading, i, seed, outcome)?;
        }
    }

    let write = |name: &str, writer: csv::Writer<Vec<u8>>| -> Result<()> {
        let path = args.out.join(name);
        let bytes = writer
            .into_inner()
            .map_err(|e| Error::io("write", &path, e.into_error()))?;
        files::write_atomic(&path, &bytes)
    };
    write("search.csv", table)?;
    write("runs.csv", per_run)?;
    let names: Vec<&str> = chosen.iter().map(|e| e.reading.name.as_str()).collect();
    let sidecar = format!(
        "# Written by chunker {} `chunker search`. Built-in readings run the standard task with\n\
         # m = 20 and the default success test; a config reading runs its own.\n\
         runs = {}\nsequences = {}\nseed = {}\nreadings = {:?}\nreadings_complete = {}\n\
         config = {:?}\ndefault_success = {:?}\n",
        env!("CARGO_PKG_VERSION"),
        args.runs,
        args.sequences,
        args.seed,
        names,
        complete,
        args.config
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        toml::to_string(&SuccessConfig::default())
            .unwrap_or_default()
            .replace('\n', "; "),
    );
    files::write_atomic(&args.out.join("search.sidecar.toml"), sidecar.as_bytes())
}

fn csv_error(path: &str, e: csv::Error) -> Error {
    Error::io("write", path, std::io::Error::other(e.to_string()))
}

fn write_headers(
    table: &mut csv::Writer<Vec<u8>>,
    per_run: &mut csv::Writer<Vec<u8>>,
) -> Result<()> {
    table
        .write_record([
            "reading",
            "change",
            "runs",
            "solved_under_5000",
            "solved_under_35000",
            "median_sequences_to_solve",
            "frozen_under_5000",
            "frozen_under_35000",
            "median_sequences_to_frozen",
            "mean_final_chunker_ticks_per_sequence",
            "diverged",
        ])
        .map_err(|e| csv_error("search.csv", e))?;
    per_run
        .write_record([
            "reading",
            "run",
            "seed",
            "solved",
            "sequences_to_solve",
            "frozen_confirmed",
            "sequences_to_frozen",
            "sequences_trained",
            "final_chunker_ticks_per_sequence",
            "final_frozen_target_error_max_abs",
            "diverged",
        ])
        .map_err(|e| csv_error("runs.csv", e))
}

fn optional(value: Option<u64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Headers of the result table printed after a search, one per [`SearchRow`] count.
const RESULT_HEADERS: [&str; 7] = [
    "runs",
    "solved<5000",
    "solved<35000",
    "median to solve",
    "frozen<5000",
    "frozen<35000",
    "median to frozen",
];

/// Formats the readings as two aligned columns, name and change, under a header.
fn reading_list(readings: &[Reading]) -> String {
    let width = name_width(readings.iter().map(|r| r.name.as_str()));
    let mut text = format!(
        "{:<width$}  {}\n",
        "reading", "change from the published settings"
    );
    for reading in readings {
        text.push_str(&format!("{:<width$}  {}\n", reading.name, reading.change));
    }
    text
}

/// Formats the result table: one row per reading, each column as wide as its header and
/// the name column as wide as the longest name. A median of "-" means that half or more
/// of the runs did not get there.
fn result_table(rows: &[(&str, SearchRow)]) -> String {
    let width = name_width(rows.iter().map(|(name, _)| *name));
    let mut text = format!("{:<width$}", "reading");
    for header in RESULT_HEADERS {
        text.push_str(&format!("  {header}"));
    }
    text.push('\n');
    let median = |value: Option<u64>| value.map_or("-".to_string(), |v| v.to_string());
    for (name, row) in rows {
        let cells = [
            row.runs.to_string(),
            row.solved_under_5000.to_string(),
            row.solved_under_35000.to_string(),
            median(row.median_sequences_to_solve),
            row.frozen_under_5000.to_string(),
            row.frozen_under_35000.to_string(),
            median(row.median_sequences_to_frozen),
        ];
        text.push_str(&format!("{name:<width$}"));
        for (cell, header) in cells.iter().zip(RESULT_HEADERS) {
            text.push_str(&format!("  {cell:>0$}", header.len()));
        }
        text.push('\n');
    }
    text
}

/// Returns the width of the name column: the longest name, and at least "reading".
fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(|name| name.chars().count())
        .chain(["reading".len()])
        .max()
        .unwrap_or_default()
}

fn write_row(table: &mut csv::Writer<Vec<u8>>, reading: &Reading, row: &SearchRow) -> Result<()> {
    table
        .write_record([
            reading.name.clone(),
            reading.change.clone(),
            row.runs.to_string(),
            row.solved_under_5000.to_string(),
            row.solved_under_35000.to_string(),
            optional(row.median_sequences_to_solve),
            row.frozen_under_5000.to_string(),
            row.frozen_under_35000.to_string(),
            optional(row.median_sequences_to_frozen),
            format!("{}", row.mean_final_ticks_per_sequence),
            row.diverged.to_string(),
        ])
        .map_err(|e| csv_error("search.csv", e))
}

fn write_run(
    per_run: &mut csv::Writer<Vec<u8>>,
    reading: &Reading,
    run: usize,
    seed: u64,
    outcome: &Option<RunOutcome>,
) -> Result<()> {
    let record = match outcome {
        Some(o) => [
            reading.name.clone(),
            run.to_string(),
            seed.to_string(),
            o.solved.to_string(),
            optional(o.sequences_to_solve),
            o.frozen_confirmed.to_string(),
            optional(o.sequences_to_frozen),
            o.sequences_trained.to_string(),
            format!("{}", o.final_ticks_per_sequence),
            format!("{}", o.final_frozen.target_error),
            "false".to_string(),
        ],
        None => [
            reading.name.clone(),
            run.to_string(),
            seed.to_string(),
            "false".to_string(),
            String::new(),
            "false".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "true".to_string(),
        ],
    };
    per_run
        .write_record(record)
        .map_err(|e| csv_error("runs.csv", e))
}

/// Prints the multiply-add table of the 20-step task at 1 and 3 chunker ticks per sequence
/// of 21 steps (the end and the start of a typical run).
fn print_costs() {
    let layout = crate::collapse::automatizer::Layout {
        symbols: 22,
        target_unit: true,
    };
    let names = [
        "literal",
        "fully_recurrent",
        "fully_recurrent_imitate_target_unit",
    ];
    let width = name_width(names.into_iter());
    for name in names {
        let reading = readings()
            .into_iter()
            .find(|r| r.name == name)
            .expect("the built-in readings include literal and fully_recurrent");
        for ticks_per_sequence in [1.0, 3.0] {
            for row in cost_table(&reading.system, &layout, ticks_per_sequence / 21.0) {
                println!(
                    "{name:<width$}  {:<28}  {:<40} {:>10.0} multiply-adds/step",
                    format!(
                        "{} per sequence",
                        counted(ticks_per_sequence, "chunker tick")
                    ),
                    row.system,
                    row.multiply_adds_per_step
                );
            }
        }
    }
}
