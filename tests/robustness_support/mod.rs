//! Helpers of the robustness tests: the release binary run in a scratch folder, and tiny
//! experiment configs that finish in well under a second.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder under the system's temporary folder, deleted on drop.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    /// Creates `$TMPDIR/chunker-NAME-PID-N`, empty.
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("chunker-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("the temporary folder is writable");
        Self { path }
    }

    pub fn join(&self, relative: &str) -> PathBuf {
        self.path.join(relative)
    }

    /// Writes `bytes` to `relative`, creating folders.
    pub fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("the scratch folder is writable");
        }
        fs::write(&path, bytes).expect("the scratch folder is writable");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// The `chunker` binary with `dir` as its working folder.
pub fn chunker(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chunker"));
    command.current_dir(dir);
    command
}

/// Runs `chunker ARGS` in `dir` and returns its output.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    chunker(dir)
        .args(args)
        .output()
        .expect("the chunker binary starts")
}

/// The exit code, or -1 when a signal ended the process.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// The first line of standard error.
pub fn first_error_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Asserts that the command failed with exit code `expected`, that no thread panicked,
/// and that standard error contains each of `needles`.
#[track_caller]
pub fn assert_fails(output: &Output, expected: i32, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the command panicked:\n{stderr}"
    );
    assert_eq!(code(output), expected, "exit code; stderr:\n{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
}

/// A conventional-net config on the standard task with m = 4: `runs` runs of
/// `sequences` sequences at every budget, learning rate `learning_rate`.
pub fn conventional_config(runs: u32, sequences: u64, learning_rate: f64) -> String {
    format!(
        r#"kind = "conventional"

[run]
runs = {runs}
seed = 1991

[budget]
quick = {sequences}
default = {sequences}
full = {sequences}

[task]
lag = 4

[net]
hidden = 4
output_feedback = true
direct = true
weight_range = 0.2

[training]
algorithms = ["rtrl", "truncated_bptt"]
learning_rate = {learning_rate:?}
truncation_steps = 6
record_every = 10
stop_when_solved = true

[success]
error_bound = 0.3
window = 100
"#
    )
}

/// Every file under `dir`, recursively, relative to it and sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
