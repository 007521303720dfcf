//! docs/tutorial.md as a new user follows it: every command of its transcripts runs in a
//! fresh lesson folder, in order, and every `chunker` command prints exactly the output
//! the tutorial shows. Other tools' output (gzip's size varies between versions) is not
//! compared, but their commands run, since later steps use their files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One command of a transcript and the output shown under it.
struct Step {
    command: String,
    expected: Vec<String>,
}

/// Collects the `$ ` commands of the tutorial's ```text blocks with their output lines.
fn transcript(text: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_block = line == "```text";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            step.expected.push(line.to_string());
        }
    }
    steps
}

/// Creates a lesson folder beside a link to the experiment configs, as in the repository.
fn lesson_folder() -> PathBuf {
    let base = std::env::temp_dir().join(format!("chunker-tutorial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&base);
    let lesson = base.join("lesson");
    fs::create_dir_all(&lesson).expect("the temporary folder is writable");
    std::os::unix::fs::symlink(
        Path::new(ROOT).join("experiments"),
        base.join("experiments"),
    )
    .expect("the temporary folder takes a link");
    lesson
}

#[test]
fn tutorial_transcripts_match_output() {
    let text = fs::read_to_string(Path::new(ROOT).join("docs/tutorial.md")).unwrap();
    let steps = transcript(&text);
    assert!(steps.len() >= 15, "the tutorial has its transcripts");
    let lesson = lesson_folder();
    let binary = Path::new(env!("CARGO_BIN_EXE_chunker"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for step in &steps {
        let needs = step
            .command
            .split_whitespace()
            .find(|word| word.starts_with("/usr/share/"));
        if needs.is_some_and(|file| !Path::new(file).exists()) {
            // This machine lacks the Debian licence texts; later steps that use the
            // compressed licence are skipped with it.
            continue;
        }
        if step.command.contains("gpl.chz")
            && !Path::new("/usr/share/common-licenses/GPL-3").exists()
        {
            continue;
        }
        // Errors are shown in the tutorial, so stderr joins stdout where it shows one.
        let shows_error = step.expected.iter().any(|l| l.starts_with("error:"));
        let command = if shows_error {
            format!("{{ {}; }} 2>&1", step.command)
        } else {
            step.command.clone()
        };
        let output = Command::new("sh")
            .args(["-c", &command])
            .current_dir(&lesson)
            .env("PATH", &path)
            .output()
            .expect("sh runs");
        if !step.command.starts_with("chunker ") {
            continue;
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let actual: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            actual,
            step.expected,
            "`{}` printed something else than docs/tutorial.md shows; stderr: {}",
            step.command,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let _ = fs::remove_dir_all(lesson.parent().unwrap());
}
