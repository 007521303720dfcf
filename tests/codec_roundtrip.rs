//! The compressor as a user runs it: `chunker compress` and `chunker decompress` in
//! separate processes restore every file byte for byte, compress deterministically, and
//! reject corrupted, truncated, foreign and newer-version files with exit code 2 and no
//! output file, never a panic.

use std::fs;
use std::path::Path;
use std::process::Output;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod common;
use common::cli::{chunker, scratch, text};

/// Small nets keep the tests fast; the settings are stored in the file, so decompress
/// needs no flags.
const FAST: [&str; 4] = ["--hidden", "6", "--horizon", "2"];

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn compress(input: &Path, output: &Path) -> Output {
    let mut args = vec!["compress", path_str(input), "-o", path_str(output)];
    args.extend(FAST);
    chunker(&args)
}

/// Compresses and decompresses `data` in two processes and checks the restored bytes.
fn assert_round_trip(name: &str, data: &[u8]) {
    let dir = scratch(name);
    let original = dir.join("original");
    let packed = dir.join("packed.chz");
    let restored = dir.join("restored");
    fs::write(&original, data).unwrap();

    let output = compress(&original, &packed);
    assert!(
        output.status.success(),
        "compress failed: {}",
        text(&output.stderr)
    );
    let output = chunker(&["decompress", path_str(&packed), "-o", path_str(&restored)]);
    assert!(
        output.status.success(),
        "decompress failed: {}",
        text(&output.stderr)
    );
    assert_eq!(
        fs::read(&restored).unwrap(),
        data,
        "{name}: restored bytes differ"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn empty_file_round_trips() {
    assert_round_trip("empty", b"");
}

#[test]
fn one_byte_file_round_trips() {
    assert_round_trip("one-byte", b"Z");
    assert_round_trip("one-zero-byte", &[0]);
}

#[test]
fn text_file_round_trips() {
    let data = "History compression: a predictor passes on only the inputs it did not \
                expect.\n"
        .repeat(20);
    assert_round_trip("text", data.as_bytes());
}

#[test]
fn random_binary_file_round_trips() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let data: Vec<u8> = (0..3000).map(|_| rng.random()).collect();
    assert_round_trip("random", &data);
}

#[test]
fn every_byte_value_round_trips() {
    let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    assert_round_trip("all-bytes", &data);
}

#[test]
fn compression_is_deterministic() {
    let dir = scratch("deterministic");
    let original = dir.join("original");
    fs::write(&original, "abcabcabd ".repeat(50)).unwrap();
    let first = dir.join("first.chz");
    let second = dir.join("second.chz");
    assert!(compress(&original, &first).status.success());
    assert!(compress(&original, &second).status.success());
    assert_eq!(fs::read(&first).unwrap(), fs::read(&second).unwrap());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn report_counts_inputs_per_level() {
    let dir = scratch("report");
    let original = dir.join("original");
    fs::write(&original, "to be or not to be ".repeat(10)).unwrap();
    let output = compress(&original, &dir.join("packed.chz"));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("bits per input symbol"), "{stdout}");
    assert!(stdout.contains("level 1: received 190 inputs"), "{stdout}");
    assert!(stdout.contains("level 2: received"), "{stdout}");
    let _ = fs::remove_dir_all(&dir);
}

/// Runs decompress on `bytes` and checks it fails cleanly: exit code 2, a message naming
/// the file, no panic, and no output file.
fn assert_rejected(dir: &Path, label: &str, bytes: &[u8], expected: &str) {
    let input = dir.join(format!("{label}.chz"));
    let output_path = dir.join(format!("{label}.out"));
    fs::write(&input, bytes).unwrap();
    let output = chunker(&["decompress", path_str(&input), "-o", path_str(&output_path)]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{label}: {stderr}");
    assert!(stderr.contains("malformed"), "{label}: {stderr}");
    assert!(stderr.contains(path_str(&input)), "{label}: {stderr}");
    assert!(
        stderr.contains(expected),
        "{label}: expected {expected:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{label}: {stderr}");
    assert!(!output_path.exists(), "{label}: an output file was written");
}

#[test]
fn damaged_files_are_rejected() {
    let dir = scratch("damaged");
    let original = dir.join("original");
    fs::write(
        &original,
        "the quick brown fox jumps over the lazy dog\n".repeat(8),
    )
    .unwrap();
    let packed = dir.join("packed.chz");
    assert!(compress(&original, &packed).status.success());
    let good = fs::read(&packed).unwrap();

    let mut payload = good.clone();
    payload[80] ^= 0x01;
    assert_rejected(&dir, "flipped-payload", &payload, "checksum");

    let mut header = good.clone();
    header[12] ^= 0x40;
    assert_rejected(&dir, "flipped-header", &header, "checksum");

    assert_rejected(&dir, "cut-short", &good[..good.len() - 9], "truncated");
    assert_rejected(&dir, "header-only", &good[..20], "truncated");
    assert_rejected(&dir, "empty", b"", "not a chunker-compressed file");
    assert_rejected(
        &dir,
        "foreign",
        b"PK\x03\x04 a zip file, not ours",
        "not a chunker-compressed file",
    );

    // The label must not contain the expected words, since the message names the file.
    let mut newer = good.clone();
    newer[8] = 3;
    assert_rejected(&dir, "version-3", &newer, "is newer than this build reads");
    // Version 2 has a longer header, so a version-1 file marked 2 no longer adds up.
    let mut relabelled = good.clone();
    relabelled[8] = 2;
    assert_rejected(
        &dir,
        "relabelled",
        &relabelled,
        "the header gives a payload",
    );
    let _ = fs::remove_dir_all(&dir);
}
