//! Progress of the runs on stderr: an indicatif bar when stderr is a terminal, otherwise
//! a plain line at most every [`LINE_INTERVAL`].

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::words::counted;
use crate::experiment::Progress;

/// The shortest time between two plain progress lines.
pub const LINE_INTERVAL: Duration = Duration::from_secs(10);

/// Counts training sequences over all runs of one invocation.
pub struct StderrProgress {
    label: String,
    total: u64,
    bar: Option<ProgressBar>,
    state: Mutex<Counts>,
}

struct Counts {
    /// Sequences reported per run, indexed by run.
    per_run: Vec<u64>,
    done: u64,
    last_line: Instant,
}

impl StderrProgress {
    /// A sink for `planned_runs` runs (indices below `runs`) of `sequences_per_run` each.
    pub fn new(label: &str, runs: u32, planned_runs: usize, sequences_per_run: u64) -> Self {
        let total = planned_runs as u64 * sequences_per_run;
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template(
                "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} sequences (eta {eta})",
            )
            .expect("the progress template is valid");
            ProgressBar::new(total)
                .with_style(style)
                .with_message(label.to_string())
        });
        Self {
            label: label.to_string(),
            total,
            bar,
            state: Mutex::new(Counts {
                per_run: vec![0; runs as usize],
                done: 0,
                last_line: Instant::now(),
            }),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for StderrProgress {
    fn advance(&self, run: u32, sequences_done: u64) {
        let Ok(mut counts) = self.state.lock() else {
            return;
        };
        let Some(previous) = counts.per_run.get_mut(run as usize) else {
            return;
        };
        let delta = sequences_done.saturating_sub(*previous);
        *previous = (*previous).max(sequences_done);
        counts.done += delta;
        match &self.bar {
            Some(bar) => bar.set_position(counts.done),
            None => {
                if counts.last_line.elapsed() >= LINE_INTERVAL {
                    counts.last_line = Instant::now();
                    eprintln!(
                        "{}: {} of {} done",
                        self.label,
                        counts.done,
                        counted(self.total, "sequence")
                    );
                }
            }
        }
    }
}
