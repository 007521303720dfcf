//! Standard output that goes away: a full device gives an error and exit code 1, a closed
//! pipe ends the process quietly, and an output path that is a folder names the fix.

use std::process::{Command, Stdio};

fn chunker() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chunker"))
}

#[test]
fn full_stdout_is_an_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let output = chunker()
        .args(["gradients", "--steps", "3"])
        .stdout(full)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("cannot write to standard output"),
        "stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}

#[test]
fn closed_pipe_ends_quietly() {
    let mut child = chunker()
        .args([
            "gradients",
            "--steps",
            "2000",
            "--hidden",
            "8",
            "--inputs",
            "8",
            "--outputs",
            "8",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Close the read end at once, as `| head -0` would.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("the child ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert_ne!(
        output.status.code(),
        Some(101),
        "a panic exit code; stderr: {stderr}"
    );
}

#[test]
fn output_path_that_is_a_folder_names_the_fix() {
    let input = std::env::temp_dir().join(format!("chunker-stdout-test-{}", std::process::id()));
    std::fs::write(&input, b"abc").expect("temp dir is writable");
    let output = chunker()
        .args([
            "compress",
            input.to_str().expect("utf-8 temp path"),
            "-o",
            std::env::temp_dir().to_str().expect("utf-8"),
        ])
        .output()
        .expect("the binary runs");
    let _ = std::fs::remove_file(&input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("give a file path, not a folder"),
        "stderr: {stderr}"
    );
}
