//! The wording of the command line's output, tried on the release binary as a new user
//! would: counts of one in the singular, no rate for an empty file, foreign and cut-off
//! files named as such, no bench progress without a terminal, aligned search tables, and
//! help texts that state each numeric flag's range.

mod robustness_support;

use robustness_support::{Scratch, conventional_config, run};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn one_byte_reads_singular() {
    let scratch = Scratch::new("messages-one-byte");
    scratch.write("one.txt", "a");
    let packed = run(&scratch.path, &["compress", "one.txt", "-o", "one.ch"]);
    assert!(packed.status.success(), "{}", stderr(&packed));
    let text = stdout(&packed);
    assert!(text.contains("one.txt (1 byte)"), "{text}");
    assert!(text.contains("received 1 input,"), "{text}");
    assert!(!text.contains(" 1 bytes"), "{text}");
    assert!(!text.contains(" 1 inputs"), "{text}");

    let restored = run(&scratch.path, &["decompress", "one.ch", "-o", "back.txt"]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let text = stdout(&restored);
    assert!(text.contains("back.txt (1 byte)"), "{text}");
    assert!(!text.contains(" 1 bytes"), "{text}");
}

#[test]
fn one_search_run_reads_singular() {
    let scratch = Scratch::new("messages-search-run");
    let output = run(
        &scratch.path,
        &[
            "search",
            "--runs",
            "1",
            "--sequences",
            "1",
            "--reading",
            "literal",
            "--out",
            "search",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("search: 1 of 1 run to do"), "{text}");
    assert!(!text.contains("1 runs"), "{text}");
}

#[test]
fn one_experiment_reads_singular() {
    let scratch = Scratch::new("messages-reproduce");
    scratch.write("experiments/c.toml", conventional_config(1, 10, 1.0));
    let output = run(
        &scratch.path,
        &[
            "reproduce",
            "--experiments",
            "experiments",
            "--data",
            "data",
            "--figures",
            "figures",
            "--notes",
            "notes.md",
            "--jobs",
            "1",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("reproduce: 1 experiment in"), "{text}");
    assert!(!text.contains("1 experiments"), "{text}");
}

#[test]
fn empty_file_reports_no_rate() {
    let scratch = Scratch::new("messages-empty");
    scratch.write("empty", "");
    let packed = run(&scratch.path, &["compress", "empty", "-o", "empty.ch"]);
    assert!(packed.status.success(), "{}", stderr(&packed));
    let text = stdout(&packed);
    assert!(text.contains("empty original: 0 symbols"), "{text}");
    assert!(!text.contains("bits per input symbol"), "{text}");
    assert!(!text.contains("0.0000"), "{text}");
    assert!(!text.contains("(0.0%)"), "{text}");

    let restored = run(&scratch.path, &["decompress", "empty.ch", "-o", "back"]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(stdout(&restored).contains("empty original: 0 symbols"));
    let back = std::fs::read(scratch.join("back")).expect("decompress wrote the output");
    assert!(back.is_empty(), "restored {} bytes", back.len());
}

/// Runs `chunker decompress NAME` on `bytes` and checks exit code 2, the path and
/// `expected` in the message, and that no output file was written.
#[track_caller]
fn assert_decompress_rejects(scratch: &Scratch, name: &str, bytes: &[u8], expected: &str) {
    scratch.write(name, bytes);
    let output = run(&scratch.path, &["decompress", name, "-o", "restored"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{name}: {text}");
    assert!(
        text.contains(&format!("malformed {name}:")),
        "{name}: {text}"
    );
    assert!(
        text.contains(expected),
        "{name}: expected {expected:?} in {text}"
    );
    assert!(!text.contains("panicked"), "{name}: {text}");
    assert!(!scratch.join("restored").exists(), "{name}: output written");
}

#[test]
fn decompress_names_foreign_files() {
    let scratch = Scratch::new("messages-foreign");
    let foreign = "not a chunker-compressed file";
    assert_decompress_rejects(&scratch, "empty.bin", b"", foreign);
    assert_decompress_rejects(&scratch, "hello.txt", b"hello\n", foreign);
    assert_decompress_rejects(&scratch, "ten.txt", b"0123456789", foreign);
    assert_decompress_rejects(&scratch, "x.bin", b"x", foreign);
    assert_decompress_rejects(
        &scratch,
        "image.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
        foreign,
    );
    assert_decompress_rejects(
        &scratch,
        "notes.txt",
        "The chunker reads this text.\n".repeat(10).as_bytes(),
        foreign,
    );
}

#[test]
fn decompress_names_truncated_files() {
    let scratch = Scratch::new("messages-truncated");
    scratch.write("original.txt", "abcabcabc");
    let packed = run(
        &scratch.path,
        &["compress", "original.txt", "-o", "packed.ch"],
    );
    assert!(packed.status.success(), "{}", stderr(&packed));
    let good = std::fs::read(scratch.join("packed.ch")).expect("compress wrote its output");

    let truncated = "truncated chunker-compressed file";
    for len in [1, 5, 8, 10] {
        let name = format!("prefix{len}.ch");
        assert_decompress_rejects(&scratch, &name, &good[..len], truncated);
    }
    assert_decompress_rejects(&scratch, "one.ch", &good[..1], "it has 1 byte,");
}

#[test]
fn bench_is_quiet_without_terminal() {
    let scratch = Scratch::new("messages-bench");
    let output = run(
        &scratch.path,
        &["bench", "--quick", "--algorithm", "rtrl", "--repeats", "1"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "stderr is not a terminal here");
    assert!(stdout(&output).contains("rtrl"), "{}", stdout(&output));
}

/// Returns the column where the second field of `line` starts, after the first field and
/// the spaces that follow it.
fn second_column(line: &str) -> usize {
    let name_end = line.find(' ').unwrap_or(line.len());
    let gap = line[name_end..].len() - line[name_end..].trim_start().len();
    name_end + gap
}

#[test]
fn search_list_columns_align() {
    let scratch = Scratch::new("messages-search-list");
    let output = run(&scratch.path, &["search", "--list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 2, "{text}");
    let start = second_column(lines[0]);
    for line in &lines {
        assert_eq!(
            second_column(line),
            start,
            "misaligned line {line:?} in\n{text}"
        );
    }
}

#[test]
fn search_table_columns_align() {
    let scratch = Scratch::new("messages-search-table");
    let output = run(
        &scratch.path,
        &[
            "search",
            "--runs",
            "1",
            "--sequences",
            "1",
            "--reading",
            "literal",
            "--reading",
            "fully_recurrent_imitate_target_unit",
            "--out",
            "search",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));

    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let header = lines[0];
    assert_eq!(second_column(lines[1]), second_column(lines[2]), "{text}");
    for line in &lines[1..] {
        assert_eq!(line.len(), header.len(), "{line:?} in\n{text}");
    }

    // Every cell ends where its header ends.
    let header_ends: Vec<usize> = header
        .char_indices()
        .filter(|&(i, c)| c != ' ' && header[i + 1..].starts_with("  "))
        .map(|(i, _)| i)
        .chain([header.len() - 1])
        .collect();
    assert_eq!(header_ends.len(), 8, "{header}");
    for line in &lines[1..] {
        for &end in &header_ends {
            assert_ne!(line.as_bytes()[end], b' ', "column end {end} in\n{text}");
        }
    }
}

#[test]
fn search_cost_columns_align() {
    let scratch = Scratch::new("messages-search-cost");
    let output = run(&scratch.path, &["search", "--cost"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("1 chunker tick per sequence"), "{text}");
    assert!(!text.contains("1 ticks"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let start = second_column(lines[0]);
    for line in &lines {
        assert_eq!(
            second_column(line),
            start,
            "misaligned line {line:?} in\n{text}"
        );
        assert_eq!(line.len(), lines[0].len(), "{line:?} in\n{text}");
    }
}

/// Phrases that state a valid range in help text, e.g. "1 to 64", "1 or more", "> 0".
const RANGE_PHRASES: [&str; 6] = [" to ", " or more", ">= ", "> 0", "in (", "in ["];

#[test]
fn numeric_flags_state_range_and_default() {
    use clap::CommandFactory;
    let command = chunker::cli::Cli::command();
    for name in [
        "gradients",
        "bench",
        "search",
        "compress",
        "run",
        "trace",
        "evaluate",
        "reproduce",
    ] {
        let subcommand = command
            .find_subcommand(name)
            .expect("the subcommand exists");
        for arg in subcommand.get_arguments() {
            let numeric_default = arg
                .get_default_values()
                .first()
                .and_then(|value| value.to_str())
                .is_some_and(|value| value.parse::<f64>().is_ok());
            if !numeric_default {
                continue;
            }
            let flag = format!("{name} --{}", arg.get_long().unwrap_or_default());
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(
                RANGE_PHRASES.iter().any(|phrase| help.contains(phrase)),
                "{flag}: no valid range in {help:?}"
            );
            assert!(
                !arg.is_hide_default_value_set(),
                "{flag}: the default is hidden"
            );
        }
    }
}

#[test]
fn search_help_explains_readings() {
    let scratch = Scratch::new("messages-search-help");
    let output = run(&scratch.path, &["search", "--help"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("A reading is one way to fill in a detail"),
        "{text}"
    );
    assert!(text.contains("[default: 17]"), "{text}");
}
