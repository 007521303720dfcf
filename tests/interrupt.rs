//! Interruption: `chunker reproduce --quick` killed at pseudo-random moments with SIGINT
//! and SIGKILL leaves no truncated CSV, TOML, figure or notes file under its final name,
//! and a rerun finishes the rest with the same bytes as an uninterrupted run (which here
//! also runs on another number of threads).
//!
//! The kill times are drawn from a fixed seed so that a failure can be replayed; set
//! CHUNKER_INTERRUPT_SEED to try others.

mod robustness_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use robustness_support::{Scratch, chunker, code, conventional_config, files_under};

/// Kills per test: alternately SIGINT and SIGKILL.
const KILLS: usize = 8;

/// Writes a small experiments folder: two conventional configs and a hierarchy config,
/// each a fraction of a second at `--quick`.
fn write_experiments(scratch: &Scratch) {
    scratch.write("experiments/conv_a.toml", conventional_config(4, 60, 1.0));
    scratch.write("experiments/conv_b.toml", conventional_config(3, 40, 0.5));
    let hierarchy = format!(
        "{}/experiments/hierarchy_standard_m20.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = fs::read_to_string(hierarchy)
        .unwrap()
        .replacen("runs = 10", "runs = 3", 1);
    scratch.write("experiments/hier.toml", text);
}

fn reproduce(dir: &Path, jobs: &str) -> Command {
    let mut command = chunker(dir);
    command
        .args(["reproduce", "--quick", "--jobs", jobs])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// A small deterministic generator (SplitMix64) for the kill times.
struct Moments(u64);

impl Moments {
    fn next_fraction(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / u64::MAX as f64
    }
}

/// Whether a file name is one of the hidden temporary names of `files::write_atomic`.
fn is_temporary(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.starts_with('.') && name.contains(".tmp")
}

/// Panics unless every non-temporary output file parses completely.
fn assert_outputs_whole(dir: &Path, moment: &str) {
    for relative in files_under(dir) {
        if relative.starts_with("experiments") || is_temporary(&relative) {
            continue;
        }
        let path = dir.join(&relative);
        let bytes = fs::read(&path).unwrap();
        let name = relative.display();
        let extension = relative
            .extension()
            .map(|e| e.to_string_lossy().into_owned());
        match extension.as_deref() {
            Some("csv") => {
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(bytes.as_slice());
                let header = reader.headers().map(|h| h.len()).unwrap_or(0);
                assert!(header > 0, "{name} has no header {moment}");
                for record in reader.records() {
                    record.unwrap_or_else(|e| panic!("{name} is truncated {moment}: {e}"));
                }
                assert!(
                    bytes.ends_with(b"\n"),
                    "{name} lacks its last newline {moment}"
                );
            }
            Some("toml") => {
                let text = String::from_utf8(bytes).unwrap();
                text.parse::<toml::Table>()
                    .unwrap_or_else(|e| panic!("{name} is truncated {moment}: {e}"));
            }
            Some("png") => {
                assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} {moment}");
                assert!(
                    bytes.ends_with(b"IEND\xaeB`\x82"),
                    "{name} is truncated {moment}"
                );
            }
            Some("svg") => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(
                    text.trim_end().ends_with("</svg>"),
                    "{name} is truncated {moment}"
                );
            }
            Some("md") => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains("<!--"), "{name} lost its markers {moment}");
            }
            _ => panic!("unexpected output file {name} {moment}"),
        }
    }
}

/// The bytes of every output file, by relative path.
fn outputs(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .filter(|p| !p.starts_with("experiments"))
        .map(|p| {
            let bytes = fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn killed_reproduce_resumes_to_same_bytes() {
    let reference = Scratch::new("interrupt-reference");
    write_experiments(&reference);
    let started = Instant::now();
    let status = reproduce(&reference.path, "1").status().unwrap();
    let duration = started.elapsed();
    assert!(status.success(), "the uninterrupted reproduce failed");
    assert_outputs_whole(&reference.path, "after the uninterrupted run");
    let expected = outputs(&reference.path);
    assert!(
        expected
            .iter()
            .any(|(p, _)| p.ends_with("conv_a/curves.csv"))
    );
    assert!(
        expected
            .iter()
            .any(|(p, _)| p.extension().is_some_and(|e| e == "png"))
    );

    let seed = std::env::var("CHUNKER_INTERRUPT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let mut moments = Moments(seed);
    let interrupted = Scratch::new("interrupt-killed");
    write_experiments(&interrupted);
    for kill in 0..KILLS {
        let signal = if kill % 2 == 0 { "INT" } else { "KILL" };
        let delay = duration.mul_f64(1.1 * moments.next_fraction());
        let mut child = reproduce(&interrupted.path, "2").spawn().unwrap();
        std::thread::sleep(delay);
        let pid = child.id().to_string();
        let _ = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status();
        let status = child.wait().unwrap();
        let moment = format!("after SIG{signal} at {delay:?} (seed {seed}, kill {kill}, {status})");
        assert_outputs_whole(&interrupted.path, &moment);
    }

    let output = reproduce(&interrupted.path, "2")
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let actual = outputs(&interrupted.path);
    let temporaries: Vec<_> = actual.iter().filter(|(p, _)| is_temporary(p)).collect();
    assert!(temporaries.is_empty(), "left behind: {:?}", temporaries);
    let names =
        |files: &[(PathBuf, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&actual),
        names(&expected),
        "the resumed run wrote other files"
    );
    for ((path, bytes), (_, reference_bytes)) in actual.iter().zip(&expected) {
        assert!(
            bytes == reference_bytes,
            "{} differs from the uninterrupted run's (seed {seed})",
            path.display()
        );
    }
}
