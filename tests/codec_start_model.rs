//! `chunker compress --save-model` and `--model`: a stack trained on one standard stream
//! compresses another stream of the same task to fewer bytes than a fresh stack, the file
//! round-trips only with the same model, and a model of another kind is rejected.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::cli::{chunker, scratch};

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

fn ok(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn write_stream(dir: &Path, name: &str, seed: &str) {
    ok(&chunker(&[
        "trace",
        "--write-standard-stream",
        &path(dir, name),
        "--lag",
        "5",
        "--sequences",
        "1500",
        "--seed",
        seed,
    ]));
}

#[test]
fn trained_stack_compresses_a_new_stream_better() {
    let dir = scratch("better");
    write_stream(&dir, "first.bin", "1");
    write_stream(&dir, "second.bin", "2");
    let small = ["--hidden", "8"];
    let mut args = vec![
        "compress",
        "first.bin",
        "-o",
        "first.chz",
        "--save-model",
        "stack.model",
    ];
    args.extend(small);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_chunker"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("the chunker binary runs")
    };
    ok(&run(&args));
    let mut fresh = vec!["compress", "second.bin", "-o", "fresh.chz"];
    fresh.extend(small);
    ok(&run(&fresh));
    let output = run(&[
        "compress",
        "second.bin",
        "-o",
        "started.chz",
        "--model",
        "stack.model",
    ]);
    ok(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("started from the saved model"));
    let fresh_len = fs::metadata(dir.join("fresh.chz")).unwrap().len();
    let started_len = fs::metadata(dir.join("started.chz")).unwrap().len();
    assert!(
        started_len < fresh_len,
        "a trained start: {started_len} bytes, fresh: {fresh_len}"
    );

    ok(&run(&[
        "decompress",
        "started.chz",
        "-o",
        "back.bin",
        "--model",
        "stack.model",
    ]));
    assert_eq!(
        fs::read(dir.join("back.bin")).unwrap(),
        fs::read(dir.join("second.bin")).unwrap()
    );

    let missing = run(&["decompress", "started.chz", "-o", "x.bin"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--model"));
    assert!(!dir.join("x.bin").exists());

    let unneeded = run(&[
        "decompress",
        "fresh.chz",
        "-o",
        "y.bin",
        "--model",
        "stack.model",
    ]);
    assert_eq!(unneeded.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unneeded.stderr).contains("without --model"));

    let conflicting = run(&[
        "compress",
        "second.bin",
        "-o",
        "z.chz",
        "--model",
        "stack.model",
        "--hidden",
        "4",
    ]);
    assert_eq!(conflicting.status.code(), Some(2));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn other_model_kinds_are_rejected_both_ways() {
    let dir = scratch("kinds");
    write_stream(&dir, "s.bin", "1");
    let hierarchy = path(&dir, "h.model");
    ok(&chunker(&[
        "trace",
        "--train",
        "--lag",
        "3",
        "--sequences",
        "20",
        "--save-model",
        &hierarchy,
    ]));
    let output = chunker(&[
        "compress",
        &path(&dir, "s.bin"),
        "-o",
        &path(&dir, "s.chz"),
        "--model",
        &hierarchy,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected a compressor stack"));

    let stack = path(&dir, "stack.model");
    ok(&chunker(&[
        "compress",
        &path(&dir, "s.bin"),
        "-o",
        &path(&dir, "s.chz"),
        "--hidden",
        "4",
        "--save-model",
        &stack,
    ]));
    let output = chunker(&["trace", "--model", &stack]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("compressor stack"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn wrong_model_and_overwriting_paths_are_rejected() {
    let dir = scratch("wrong");
    write_stream(&dir, "a.bin", "1");
    write_stream(&dir, "b.bin", "2");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_chunker"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("the chunker binary runs")
    };
    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).into_owned();
    // Two stacks with the same settings, trained on different streams.
    for (input, model) in [("a.bin", "a.stack"), ("b.bin", "b.stack")] {
        ok(&run(&[
            "compress",
            input,
            "-o",
            "x.chz",
            "--hidden",
            "4",
            "--save-model",
            model,
        ]));
    }
    ok(&run(&[
        "compress", "b.bin", "-o", "b.chz", "--model", "a.stack",
    ]));
    let wrong = run(&["decompress", "b.chz", "-o", "b.out", "--model", "b.stack"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("was compressed starting from the model with CRC-32"));
    assert!(!dir.join("b.out").exists());

    let cases: [&[&str]; 5] = [
        &["compress", "a.bin", "-o", "a.bin"],
        &["compress", "a.bin", "-o", "a.stack", "--model", "a.stack"],
        &["compress", "a.bin", "-o", "y.chz", "--save-model", "y.chz"],
        &[
            "compress",
            "a.bin",
            "-o",
            "y.chz",
            "--model",
            "a.stack",
            "--save-model",
            "./a.stack",
        ],
        &["decompress", "b.chz", "-o", "a.stack", "--model", "a.stack"],
    ];
    let before = fs::read(dir.join("a.stack")).unwrap();
    for args in cases {
        let output = run(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("is the same file as"), "{args:?}");
    }
    assert_eq!(
        fs::read(dir.join("a.stack")).unwrap(),
        before,
        "the model is untouched"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn unwritable_model_folder_fails_before_compressing() {
    let dir = scratch("read-only");
    let locked = dir.join("locked");
    fs::create_dir_all(&locked).unwrap();
    // Root ignores permission bits, so the folder is made immutable. Where chattr is
    // missing or not allowed, the case cannot be set up and the test ends here.
    let immutable = Command::new("chattr").arg("+i").arg(&locked).status();
    if !immutable.is_ok_and(|s| s.success()) {
        eprintln!("skipped: chattr +i is not available here");
        let _ = fs::remove_dir_all(&dir);
        return;
    }
    write_stream(&dir, "s.bin", "1");
    let output = chunker(&[
        "compress",
        &path(&dir, "s.bin"),
        "-o",
        &path(&dir, "s.chz"),
        "--save-model",
        &path(&locked, "m.stack"),
    ]);
    let _ = Command::new("chattr").arg("-i").arg(&locked).status();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("m.stack"));
    assert!(!dir.join("s.chz").exists(), "nothing is compressed first");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn time_code_flag_for_another_code_is_rejected() {
    let dir = scratch("time-code");
    fs::write(dir.join("in.txt"), b"abc").unwrap();
    let input = path(&dir, "in.txt");
    let output = path(&dir, "out.chz");
    let cases: [&[&str]; 2] = [
        &["--time-code-bits", "4"],
        &["--time-code", "none", "--time-code-decay", "0.5"],
    ];
    for flags in cases {
        let mut args = vec!["compress", input.as_str(), "-o", output.as_str()];
        args.extend(flags);
        let result = chunker(&args);
        assert_eq!(result.status.code(), Some(2), "{flags:?}");
        assert!(String::from_utf8_lossy(&result.stderr).contains("it applies only to"));
    }
    let mut args = vec!["compress", input.as_str(), "-o", output.as_str()];
    args.extend([
        "--time-code",
        "binary",
        "--time-code-bits",
        "4",
        "--hidden",
        "4",
    ]);
    ok(&chunker(&args));
    let _ = fs::remove_dir_all(&dir);
}
