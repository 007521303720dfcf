//! Determinism on the release binary: the same seed and config give byte-identical CSV
//! records, figures, compressed files, saved models and search tables, whatever the
//! number of threads and however often the command runs.

mod robustness_support;

use std::fs;
use std::path::Path;

use robustness_support::{Scratch, code, conventional_config, files_under, run};

/// Asserts that two folders hold the same files with the same bytes.
#[track_caller]
fn assert_same_tree(left: &Path, right: &Path) {
    let files = files_under(left);
    assert_eq!(files, files_under(right), "different files");
    assert!(!files.is_empty());
    for file in files {
        let (a, b) = (
            fs::read(left.join(&file)).unwrap(),
            fs::read(right.join(&file)).unwrap(),
        );
        assert!(a == b, "{} differs", file.display());
    }
}

#[test]
fn run_and_plot_ignore_thread_count() {
    let folders: Vec<Scratch> = ["1", "2", "3"]
        .iter()
        .map(|jobs| {
            let scratch = Scratch::new(&format!("determinism-jobs-{jobs}"));
            scratch.write("c.toml", conventional_config(5, 30, 1.0));
            let output = run(&scratch.path, &["run", "c.toml", "--jobs", jobs]);
            assert_eq!(code(&output), 0, "{output:?}");
            let output = run(&scratch.path, &["plot"]);
            assert_eq!(code(&output), 0, "{output:?}");
            fs::remove_file(scratch.join("c.toml")).unwrap();
            scratch
        })
        .collect();
    assert_same_tree(&folders[0].path, &folders[1].path);
    assert_same_tree(&folders[0].path, &folders[2].path);
}

#[test]
fn shards_merge_to_unsharded_bytes() {
    let whole = Scratch::new("determinism-whole");
    let sharded = Scratch::new("determinism-shards");
    for scratch in [&whole, &sharded] {
        scratch.write("c.toml", conventional_config(5, 30, 1.0));
    }
    let output = run(&whole.path, &["run", "c.toml", "--jobs", "1"]);
    assert_eq!(code(&output), 0, "{output:?}");
    for shard in ["2/2", "1/2"] {
        let output = run(
            &sharded.path,
            &["run", "c.toml", "--jobs", "2", "--shard", shard],
        );
        assert_eq!(code(&output), 0, "{output:?}");
    }
    let merged = |s: &Scratch, name: &str| fs::read(s.join(&format!("data/c/{name}"))).unwrap();
    for name in ["curves.csv", "summary.csv"] {
        assert!(
            merged(&whole, name) == merged(&sharded, name),
            "{name} differs"
        );
    }
}

#[test]
fn compress_and_saved_model_repeat_bytes() {
    let scratch = Scratch::new("determinism-codec");
    let text = "abracadabra, history compression. ".repeat(30);
    scratch.write("in.txt", &text);
    for name in ["a", "b"] {
        let args = [
            "compress",
            "in.txt",
            "-o",
            &format!("{name}.ch"),
            "--figure",
            &format!("{name}_curve"),
        ];
        let output = run(&scratch.path, &args);
        assert_eq!(code(&output), 0, "{output:?}");
    }
    for suffix in [".ch", "_curve.csv", "_curve.svg", "_curve.png"] {
        let read = |name: &str| fs::read(scratch.join(&format!("{name}{suffix}"))).unwrap();
        assert!(read("a") == read("b"), "{suffix} differs between two runs");
    }
    let output = run(&scratch.path, &["decompress", "a.ch", "-o", "back.txt"]);
    assert_eq!(code(&output), 0, "{output:?}");
    assert_eq!(fs::read_to_string(scratch.join("back.txt")).unwrap(), text);

    for name in ["a.model", "b.model"] {
        let output = run(
            &scratch.path,
            &[
                "trace",
                "--train",
                "--sequences",
                "20",
                "--save-model",
                name,
            ],
        );
        assert_eq!(code(&output), 0, "{output:?}");
    }
    assert!(
        fs::read(scratch.join("a.model")).unwrap() == fs::read(scratch.join("b.model")).unwrap()
    );
}

#[test]
fn search_ignores_thread_count() {
    let scratch = Scratch::new("determinism-search");
    for threads in ["1", "2"] {
        let out = format!("s{threads}");
        let args = [
            "search",
            "--runs",
            "3",
            "--sequences",
            "40",
            "--reading",
            "literal",
            "--reading",
            "conventional",
            "--threads",
            threads,
            "--out",
            &out,
        ];
        let output = run(&scratch.path, &args);
        assert_eq!(code(&output), 0, "{output:?}");
    }
    for name in ["search.csv", "runs.csv"] {
        let read = |folder: &str| fs::read(scratch.join(&format!("{folder}/{name}"))).unwrap();
        assert!(
            read("s1") == read("s2"),
            "{name} differs between 1 and 2 threads"
        );
    }
}
