//! `chunker trace` as a user runs it: plain markers on a non-terminal, a saved model that
//! traces again, the standard stream written as bytes, and clean errors for bad models.

use std::fs;

mod common;
use common::cli::{chunker, scratch, text};

#[test]
fn non_terminal_output_has_plain_markers() {
    let output = chunker(&[
        "trace",
        "--train",
        "--lag",
        "4",
        "--sequences",
        "200",
        "--steps",
        "15",
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        !stdout.contains('\u{1b}'),
        "escape codes in piped output: {stdout:?}"
    );
    let input_line = stdout
        .lines()
        .find(|l| l.starts_with("input"))
        .expect("an input line");
    assert!(
        input_line.contains("b1") && input_line.contains("b4"),
        "{input_line}"
    );
    let level_line = stdout
        .lines()
        .find(|l| l.starts_with("level 1 "))
        .expect("a level 1 line");
    assert!(
        level_line.contains('.'),
        "level 1 should predict the b symbols: {level_line}"
    );
    assert!(stdout.contains("legend:"), "{stdout}");
    assert!(
        stdout.contains("level 1: 15 of 15 steps received"),
        "{stdout}"
    );
}

#[test]
fn saved_model_traces_again() {
    let dir = scratch("saved");
    let model = dir.join("model.bin");
    let model_arg = model.to_str().unwrap();
    let output = chunker(&[
        "trace",
        "--train",
        "--lag",
        "5",
        "--sequences",
        "150",
        "--seed",
        "3",
        "--save-model",
        model_arg,
        "--steps",
        "12",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let output = chunker(&["trace", "--model", model_arg, "--steps", "12"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("trained on 150 sequences"), "{stdout}");
    assert!(stdout.contains("lag 5"), "{stdout}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn figure_writes_csv_png_and_svg() {
    let dir = scratch("figure");
    let stem = dir.join("trace");
    let output = chunker(&[
        "trace",
        "--train",
        "--lag",
        "4",
        "--sequences",
        "100",
        "--steps",
        "20",
        "--figure",
        stem.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    for extension in ["csv", "png", "svg"] {
        let path = dir.join(format!("trace.{extension}"));
        assert!(
            fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false),
            "{path:?}"
        );
    }
    let csv = fs::read_to_string(dir.join("trace.csv")).unwrap();
    assert!(
        csv.starts_with("step,symbol,level_1_ticked,level_1_unexpected"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 21);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_model_file_exits_with_code_2() {
    let dir = scratch("bad");
    let path = dir.join("foreign.bin");
    fs::write(&path, b"not a model at all").unwrap();
    let output = chunker(&["trace", "--model", path.to_str().unwrap()]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a chunker saved model"), "{stderr}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn standard_stream_is_written_as_symbol_bytes() {
    let dir = scratch("stream");
    let path = dir.join("stream.bin");
    let output = chunker(&[
        "trace",
        "--write-standard-stream",
        path.to_str().unwrap(),
        "--lag",
        "3",
        "--sequences",
        "50",
        "--seed",
        "2",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let bytes = fs::read(&path).unwrap();
    assert_eq!(bytes.len(), 200);
    for sequence in bytes.chunks(4) {
        assert!(sequence[0] == 0 || sequence[0] == 1, "{sequence:?}");
        assert_eq!(&sequence[1..], &[2, 3, 4]);
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn flags_of_another_mode_are_rejected() {
    let cases: [&[&str]; 4] = [
        &["trace", "--model", "m.model", "--lag", "7"],
        &["trace", "--model", "m.model", "--save-model", "x.model"],
        &["trace", "--model", "m.model", "--hidden", "3"],
        &["trace", "--write-standard-stream", "s.bin", "--steps", "4"],
    ];
    for args in cases {
        let output = chunker(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            text(&output.stderr).contains("cannot be used with"),
            "{args:?}"
        );
    }
}
