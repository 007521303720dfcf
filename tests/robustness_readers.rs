//! Malformed input to every reader of the binary: `plot`'s CSV records and sidecar,
//! experiment configs, saved models (`trace --model`) and compressed files
//! (`decompress`). Wrong or missing headers, missing columns, wrong types, truncated files
//! and random bytes must each give exit code 2 and a message naming the file, never a
//! panic, and must write no output.

mod robustness_support;

use std::fs;

use robustness_support::{Scratch, assert_fails, code, conventional_config, run};

/// Pseudo-random bytes from a fixed seed (SplitMix64).
fn noise(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..length)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

/// A scratch folder with the records of a real two-run experiment under `data/c/`, and
/// the bytes of run 0's curve and summary files.
fn recorded(name: &str) -> (Scratch, String, String) {
    let scratch = Scratch::new(name);
    scratch.write("c.toml", conventional_config(2, 20, 1.0));
    let output = run(&scratch.path, &["run", "c.toml", "--jobs", "1"]);
    assert_eq!(code(&output), 0, "{output:?}");
    let curves = fs::read_to_string(scratch.join(CURVE)).unwrap();
    let summary = fs::read_to_string(scratch.join(SUMMARY)).unwrap();
    (scratch, curves, summary)
}

const CURVE: &str = "data/c/runs/run-0000.curve.csv";
const SUMMARY: &str = "data/c/runs/run-0000.summary.csv";

#[test]
fn plot_rejects_malformed_records() {
    let (scratch, curves, summary) = recorded("readers-plot");
    let output = run(&scratch.path, &["plot"]);
    assert_eq!(code(&output), 0, "the untouched records plot: {output:?}");
    let header_end = curves.find('\n').unwrap() + 1;
    let first_value = curves[header_end..].split(',').nth(4).unwrap().to_string();
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (CURVE, "empty file", vec![], "malformed data/c/"),
        (
            CURVE,
            "missing header",
            curves[header_end..].into(),
            "of data/c/runs/run-0000.curve.csv; one of the two files is damaged",
        ),
        (
            CURVE,
            "missing column",
            curves.replacen("target_error_mean_abs,", "", 1).into(),
            "of data/c/runs/run-0000.curve.csv; one of the two files is damaged",
        ),
        (
            CURVE,
            "text for a number",
            curves.replacen(&first_value, "abc", 1).into(),
            "\"abc\" is not a number",
        ),
        (
            CURVE,
            "negative run",
            curves.replacen("\n0,", "\n-1,", 1).into(),
            "is not a non-negative integer",
        ),
        (
            CURVE,
            "truncated",
            curves[..header_end + 20].into(),
            "found record with",
        ),
        (CURVE, "random bytes", noise(3000, 1), "malformed data/c/"),
        (
            SUMMARY,
            "not a boolean",
            summary.replacen("false", "maybe", 1).into(),
            "\"maybe\" is not true or false",
        ),
        (SUMMARY, "random bytes", noise(500, 2), "malformed data/c/"),
        (
            "data/c/run.toml",
            "random bytes",
            noise(500, 3),
            "malformed data/c/run.toml",
        ),
    ];
    let sidecar = fs::read(scratch.join("data/c/run.toml")).unwrap();
    for (file, case, bytes, needle) in cases {
        scratch.write(CURVE, &curves);
        scratch.write(SUMMARY, &summary);
        scratch.write("data/c/run.toml", &sidecar);
        scratch.write(file, &bytes);
        let _ = fs::remove_dir_all(scratch.join("figures"));
        let output = run(&scratch.path, &["plot"]);
        assert_fails(&output, 2, &[needle]);
        assert!(
            !scratch.join("figures/c_target_error.png").exists(),
            "{file}, {case}: a figure was drawn from bad records"
        );
    }
}

#[test]
fn damaged_run_header_is_named_briefly() {
    let (scratch, _, _) = recorded("readers-plot-header");
    scratch.write(
        CURVE,
        noise(3000, 6).iter().map(|b| b | 0x80).collect::<Vec<u8>>(),
    );
    let output = run(&scratch.path, &["plot"]);
    assert_fails(
        &output,
        2,
        &["data/c/runs/run-0000.curve.csv; one of the two files is damaged"],
    );
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.len() < 1000, "a {}-byte message", message.len());
}

#[test]
fn plot_without_curve_file_names_it() {
    let (scratch, _, _) = recorded("readers-plot-missing");
    fs::remove_file(scratch.join(CURVE)).unwrap();
    let output = run(&scratch.path, &["plot"]);
    assert_fails(&output, 2, &["cannot read data/c/runs/run-0000.curve.csv"]);
}

#[test]
fn config_reader_rejects_garbage() {
    let scratch = Scratch::new("readers-config");
    let good = conventional_config(1, 10, 1.0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "missing key `kind`"),
        ("random bytes", noise(400, 4), "malformed bad.toml"),
        (
            "truncated",
            good.as_bytes()[..good.len() / 2].to_vec(),
            "malformed bad.toml",
        ),
        (
            "kind as number",
            b"kind = 3\n".to_vec(),
            "`kind` must be a string",
        ),
        (
            "a table missing",
            good.replace("[success]", "[other]").into(),
            "malformed bad.toml",
        ),
    ];
    for (case, bytes, needle) in cases {
        scratch.write("bad.toml", &bytes);
        let output = run(&scratch.path, &["run", "bad.toml", "--runs", "1"]);
        assert_fails(&output, 2, &[needle]);
        assert!(!scratch.join("data").exists(), "{case}: records written");
    }
}

/// A small compressed file and a small saved hierarchy model, with their bytes.
fn codec_files(scratch: &Scratch) -> (Vec<u8>, Vec<u8>) {
    scratch.write("in.txt", "history compression ".repeat(10));
    let output = run(&scratch.path, &["compress", "in.txt", "-o", "good.ch"]);
    assert_eq!(code(&output), 0, "{output:?}");
    let output = run(
        &scratch.path,
        &[
            "trace",
            "--train",
            "--sequences",
            "5",
            "--save-model",
            "good.model",
        ],
    );
    assert_eq!(code(&output), 0, "{output:?}");
    (
        fs::read(scratch.join("good.ch")).unwrap(),
        fs::read(scratch.join("good.model")).unwrap(),
    )
}

/// The corruptions every binary reader is tried with.
fn corruptions(good: &[u8], other: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut flipped = good.to_vec();
    flipped[good.len() / 2] ^= 0x10;
    let mut newer = good.to_vec();
    newer[8] = 0xff;
    vec![
        ("empty", vec![]),
        ("magic only", good[..8].to_vec()),
        ("truncated header", good[..20].to_vec()),
        ("truncated body", good[..good.len() - 5].to_vec()),
        ("one bit flipped", flipped),
        ("newer version", newer),
        ("random bytes", noise(2000, 5)),
        ("the other format", other.to_vec()),
    ]
}

#[test]
fn decompress_rejects_corrupted_files() {
    let scratch = Scratch::new("readers-decompress");
    let (compressed, model) = codec_files(&scratch);
    for (case, bytes) in corruptions(&compressed, &model) {
        scratch.write("bad.ch", &bytes);
        let output = run(&scratch.path, &["decompress", "bad.ch", "-o", "out.txt"]);
        assert_fails(&output, 2, &["malformed bad.ch"]);
        assert!(!scratch.join("out.txt").exists(), "{case}: output written");
    }
}

#[test]
fn trace_rejects_corrupted_models() {
    let scratch = Scratch::new("readers-model");
    let (compressed, model) = codec_files(&scratch);
    let output = run(
        &scratch.path,
        &["trace", "--model", "good.model", "--steps", "10"],
    );
    assert_eq!(code(&output), 0, "{output:?}");
    for (_, bytes) in corruptions(&model, &compressed) {
        scratch.write("bad.model", &bytes);
        let output = run(&scratch.path, &["trace", "--model", "bad.model"]);
        assert_fails(&output, 2, &["malformed bad.model"]);
    }
    let output = run(&scratch.path, &["trace", "--model", "missing.model"]);
    assert_fails(&output, 2, &["cannot read missing.model", "check the path"]);
}
