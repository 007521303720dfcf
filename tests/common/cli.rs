//! Helpers for the tests that start the `chunker` binary as a user would.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the binary with `args` and returns its exit status and output.
pub fn chunker(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(args)
        .output()
        .expect("the chunker binary runs")
}

/// Creates an empty temporary folder for the test `name`, unique to this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chunker-test-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("the temporary folder is writable");
    dir
}

/// Decodes output bytes as text, replacing invalid UTF-8.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
