//! Out-of-range `chunker trace` flags are rejected with exit code 2 before any work: a new
//! user's `--lag 1000000` once tried to allocate 8 TB, and `--hidden 0` was accepted.

use std::process::Command;

fn trace(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_chunker"))
        .arg("trace")
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn out_of_range_trace_flags_exit_2() {
    let cases: [(&[&str], &str); 6] = [
        (&["--train", "--lag", "1000000"], "invalid --lag = 1000000"),
        (
            &["--train", "--lag", "18446744073709551615"],
            "invalid --lag",
        ),
        (&["--train", "--hidden", "0"], "invalid --hidden = 0"),
        (&["--train", "--sequences", "0"], "invalid --sequences = 0"),
        (
            &["--train", "--max-levels", "0"],
            "invalid --max-levels = 0",
        ),
        (
            &[
                "--write-standard-stream",
                "/nonexistent/never-written.bin",
                "--lag",
                "254",
                "--sequences",
                "1000000000000",
            ],
            "invalid --sequences = 1000000000000",
        ),
    ];
    for (args, expected) in cases {
        let (code, stderr) = trace(args);
        assert_eq!(code, Some(2), "trace {args:?}: {stderr}");
        assert!(stderr.contains(expected), "trace {args:?}: {stderr}");
    }
}

#[test]
fn compress_time_code_error_names_flag() {
    let input = std::env::temp_dir().join(format!("chunker-time-code-{}", std::process::id()));
    std::fs::write(&input, b"ab").expect("temp dir is writable");
    let output = Command::new(env!("CARGO_BIN_EXE_chunker"))
        .arg("compress")
        .arg(&input)
        .args([
            "-o",
            "/nonexistent/never-written.chz",
            "--time-code",
            "decaying",
            "--time-code-decay",
            "1.5",
        ])
        .output()
        .expect("the binary runs");
    let _ = std::fs::remove_file(&input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("invalid --time-code-decay = 1.5"),
        "stderr: {stderr}"
    );
}
