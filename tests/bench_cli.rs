//! `chunker bench --quick --json` end to end: the JSON has one object per anchor
//! configuration with the documented keys, and every rate is positive and finite. Speed is
//! never asserted here.

use std::process::Command;

use serde_json::Value;

#[test]
fn bench_quick_json_shape() {
    let output = Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(["bench", "--quick", "--json", "--repeats", "3"])
        .output()
        .expect("the chunker binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).expect("stdout is a JSON array");

    let keys: Vec<(String, u64, u64, Option<u64>)> = rows
        .iter()
        .map(|r| {
            (
                r["algorithm"]
                    .as_str()
                    .expect("algorithm is a string")
                    .to_string(),
                r["alphabet"].as_u64().expect("alphabet is a count"),
                r["hidden"].as_u64().expect("hidden is a count"),
                r["length"].as_u64(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64, Option<u64>)> = vec![
        ("bptt".into(), 8, 16, Some(24)),
        ("bptt".into(), 32, 64, Some(100)),
        ("bptt".into(), 64, 256, Some(100)),
        ("rtrl".into(), 8, 4, None),
        ("rtrl".into(), 8, 8, None),
        ("rtrl".into(), 8, 16, None),
        ("rtrl".into(), 8, 32, None),
        ("twenty_step:literal".into(), 23, 1, Some(21)),
        (
            "twenty_step:fully_recurrent_imitate_target_unit".into(),
            23,
            1,
            Some(21),
        ),
        ("twenty_step:conventional".into(), 23, 1, Some(21)),
    ];
    assert_eq!(keys, expected);

    for row in rows.iter().filter(|r| {
        r["algorithm"]
            .as_str()
            .is_some_and(|a| a.starts_with("twenty_step"))
    }) {
        let per_second = row["sequences_per_second"]
            .as_f64()
            .expect("20-step rows report sequences per second");
        assert!(
            per_second.is_finite() && per_second > 0.0,
            "sequences per second {per_second}: {row}"
        );
    }

    for row in &rows {
        if row["algorithm"] == "rtrl" {
            assert!(row["length"].is_null(), "RTRL length must be null: {row}");
        }
        assert_eq!(row["repeats"], 3, "{row}");
        // The 20-step rows have no anchor FLOP count, so only their rates are numbers.
        let counted = !row["algorithm"]
            .as_str()
            .is_some_and(|a| a.starts_with("twenty_step"));
        let keys: &[&str] = if counted {
            &[
                "steps_per_second",
                "gflops",
                "percent_of_peak",
                "flops_per_step",
            ]
        } else {
            &["steps_per_second"]
        };
        for &key in keys {
            let v = row[key].as_f64().unwrap_or(f64::NAN);
            assert!(v.is_finite(), "{key} = {v} is not finite in {row}");
            assert!(v > 0.0, "{key} = {v} is not positive in {row}");
        }
        let (low, mid, high) = (
            row["steps_per_second_min"].as_f64().unwrap_or(f64::NAN),
            row["steps_per_second"].as_f64().unwrap_or(f64::NAN),
            row["steps_per_second_max"].as_f64().unwrap_or(f64::NAN),
        );
        assert!(
            low <= mid && mid <= high,
            "min, median, max out of order in {row}"
        );
    }
}

#[test]
fn bench_text_table_lists_every_row() {
    let output = Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(["bench", "--quick", "--repeats", "1"])
        .output()
        .expect("the chunker binary runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("bptt")).count(),
        3,
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("rtrl")).count(),
        4,
        "{text}"
    );
}

#[test]
fn bench_zero_repeats_rejected() {
    let output = Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(["bench", "--repeats", "0"])
        .output()
        .expect("the chunker binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--repeats"));
}

#[test]
fn bench_filter_selects_one_row() {
    let output = Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args([
            "bench",
            "--quick",
            "--json",
            "--algorithm",
            "rtrl",
            "--hidden",
            "4",
        ])
        .output()
        .expect("the chunker binary runs");
    assert!(output.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).expect("stdout is a JSON array");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["algorithm"], "rtrl");
    assert_eq!(rows[0]["hidden"], 4);
}

#[test]
fn bench_unknown_hidden_size_rejected() {
    let output = Command::new(env!("CARGO_BIN_EXE_chunker"))
        .args(["bench", "--algorithm", "rtrl", "--hidden", "64"])
        .output()
        .expect("the chunker binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--hidden"), "{stderr}");
    assert!(stderr.contains("4, 8, 16, 32"), "{stderr}");
}
