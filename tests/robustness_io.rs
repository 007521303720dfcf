//! Output faults: a folder that cannot be created, a full device, a special file as the
//! output, and the temporary files a killed process leaves behind. Each failure must be an
//! I/O error naming the path, with exit code 1, and must leave the other files intact.
//!
//! Tests run as root in CI, where permission bits do not stop a write, so an unwritable
//! folder is a path below a regular file (`file.txt/sub/out`).

mod robustness_support;

use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use robustness_support::{Scratch, assert_fails, code, conventional_config, run};

/// A small input for `chunker compress`.
fn sample(scratch: &Scratch) -> String {
    let text = "the quick brown fox jumps over the lazy dog. ".repeat(20);
    scratch.write("in.txt", text);
    "in.txt".into()
}

#[test]
fn output_below_regular_file_fails() {
    let scratch = Scratch::new("io-below-file");
    let input = sample(&scratch);
    scratch.write("file.txt", "keep me");
    scratch.write("c.toml", conventional_config(1, 10, 1.0));
    let output = run(&scratch.path, &["run", "c.toml", "--jobs", "1"]);
    assert_eq!(code(&output), 0, "{output:?}");
    let cases: [&[&str]; 5] = [
        &["compress", &input, "-o", "file.txt/sub/out.ch"],
        &[
            "trace",
            "--write-standard-stream",
            "file.txt/sub/stream.bin",
        ],
        &[
            "trace",
            "--train",
            "--sequences",
            "5",
            "--save-model",
            "file.txt/m.bin",
        ],
        &["plot", "--data", "data", "--out", "file.txt/figures"],
        &[
            "search",
            "--runs",
            "1",
            "--sequences",
            "5",
            "--reading",
            "literal",
            "--out",
            "file.txt/s",
        ],
    ];
    for args in cases {
        let output = run(&scratch.path, args);
        assert_fails(&output, 1, &["file.txt", "a part of the path is a file"]);
    }
    assert_eq!(
        fs::read_to_string(scratch.join("file.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn run_to_unwritable_folder_fails() {
    let scratch = Scratch::new("io-run");
    scratch.write("file.txt", "keep me");
    scratch.write("c.toml", conventional_config(2, 10, 1.0));
    let output = run(&scratch.path, &["run", "c.toml", "--out", "file.txt/data"]);
    assert_fails(&output, 1, &["cannot create folder file.txt/data/c"]);
    assert_eq!(
        fs::read_to_string(scratch.join("file.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn write_to_full_device_fails() {
    let full = Path::new("/dev/full");
    if !fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        eprintln!("skipped: /dev/full is not a character device here");
        return;
    }
    let scratch = Scratch::new("io-full");
    let input = sample(&scratch);
    // Through a symbolic link: if the writer ever renamed onto its target again, it would
    // replace the link in the scratch folder, not the device.
    std::os::unix::fs::symlink(full, scratch.join("full")).unwrap();
    for args in [
        vec!["compress", input.as_str(), "-o", "full"],
        vec!["trace", "--write-standard-stream", "full"],
    ] {
        let output = run(&scratch.path, &args);
        assert_fails(
            &output,
            1,
            &["cannot write full", "No space left on device"],
        );
        let link = fs::symlink_metadata(scratch.join("full")).unwrap();
        assert!(link.file_type().is_symlink(), "{args:?} replaced the link");
    }
    assert!(fs::metadata(full).unwrap().file_type().is_char_device());
}

#[test]
fn write_to_dev_null_keeps_device() {
    let null = Path::new("/dev/null");
    if !fs::metadata(null).is_ok_and(|m| m.file_type().is_char_device()) {
        eprintln!("skipped: /dev/null is not a character device here");
        return;
    }
    let scratch = Scratch::new("io-null");
    let input = sample(&scratch);
    std::os::unix::fs::symlink(null, scratch.join("null")).unwrap();
    let output = run(&scratch.path, &["compress", &input, "-o", "null"]);
    assert_eq!(code(&output), 0, "{output:?}");
    let link = fs::symlink_metadata(scratch.join("null")).unwrap();
    assert!(link.file_type().is_symlink(), "compress replaced the link");
    assert!(fs::metadata(null).unwrap().file_type().is_char_device());
}

#[test]
fn error_names_final_path_not_temporary() {
    let scratch = Scratch::new("io-proc");
    let input = sample(&scratch);
    let output = run(
        &scratch.path,
        &["compress", &input, "-o", "/proc/chunker-out.ch"],
    );
    assert_fails(&output, 1, &["cannot write /proc/chunker-out.ch:"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains(".tmp"));
}

#[test]
fn stale_temporaries_are_removed() {
    let scratch = Scratch::new("io-stale");
    scratch.write("c.toml", conventional_config(2, 10, 1.0));
    // Process id 0 never names a user process, so these files are stale.
    let stale = [
        "data/c/.curves.csv.0.tmp",
        "data/c/runs/.run-0000.curve.csv.0.tmp",
        "figures/.c_target_error.png.0.tmp.png",
    ];
    for path in stale {
        scratch.write(path, "partial");
    }
    let live = format!("data/c/.summary.csv.{}.tmp", std::process::id());
    scratch.write(&live, "being written");

    let output = run(&scratch.path, &["run", "c.toml", "--jobs", "1"]);
    assert_eq!(code(&output), 0, "{output:?}");
    let output = run(&scratch.path, &["plot"]);
    assert_eq!(code(&output), 0, "{output:?}");
    for path in stale {
        assert!(!scratch.join(path).exists(), "{path} was left behind");
    }
    assert!(
        scratch.join(&live).exists(),
        "a live process's file was deleted"
    );
}
