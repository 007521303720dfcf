//! Bad flag and config values, tried on the release binary as a new user would: each must
//! exit with code 2 and a message naming the flag or key and its valid range, never panic
//! and never start a run.

mod robustness_support;

use robustness_support::{Scratch, assert_fails, conventional_config, run};

#[test]
fn negative_unsigned_flags_are_invalid_values() {
    let scratch = Scratch::new("cli-negative");
    scratch.write("c.toml", conventional_config(1, 10, 1.0));
    let cases: [(&[&str], &str); 5] = [
        (&["run", "c.toml", "--seed", "-1"], "'--seed <SEED>'"),
        (&["run", "c.toml", "--jobs", "-2"], "'--jobs <JOBS>'"),
        (&["search", "--seed", "-1"], "'--seed <SEED>'"),
        (&["gradients", "--hidden", "-2"], "'--hidden <HIDDEN>'"),
        (&["trace", "--train", "--lag", "-5"], "'--lag <LAG>'"),
    ];
    for (args, flag) in cases {
        let output = run(&scratch.path, args);
        let value = args.last().unwrap();
        assert_fails(
            &output,
            2,
            &[
                &format!("invalid value '{value}' for {flag}"),
                "expected an integer >= 0",
            ],
        );
    }
}

#[test]
fn negative_float_flag_is_parsed_as_value() {
    let scratch = Scratch::new("cli-negative-float");
    scratch.write("in.txt", "abcabcabc");
    for (flag, needle) in [
        (
            "--init-range",
            "invalid --init-range = -0.5: expected a finite number >= 0",
        ),
        (
            "--learning-rate",
            "invalid --learning-rate = -0.5: expected a finite number > 0",
        ),
    ] {
        let output = run(
            &scratch.path,
            &["compress", "in.txt", "-o", "o.ch", flag, "-0.5"],
        );
        assert_fails(&output, 2, &[needle]);
    }
    assert!(!scratch.join("o.ch").exists());
}

#[test]
fn bad_flag_values_exit_2() {
    let scratch = Scratch::new("cli-flags");
    scratch.write("c.toml", conventional_config(1, 10, 1.0));
    scratch.write("in.txt", "abcabcabc");
    let cases: [(&[&str], &str); 19] = [
        (
            &["run", "c.toml", "--runs", "0"],
            "invalid --runs = 0: expected an integer >= 1",
        ),
        (
            &["run", "c.toml", "--runs", "4294967296"],
            "4294967296 is not in 0..=4294967295",
        ),
        (&["run", "c.toml", "--jobs", "0"], "invalid --jobs = 0"),
        (
            &["run", "c.toml", "--runs", "4294967295"],
            "invalid --runs = 4294967295: expected at most 100000 runs",
        ),
        (
            &["run", "c.toml", "--shard", "3/2"],
            "invalid --shard = 3/2: expected I/N",
        ),
        (
            &["run", "c.toml", "--shard", "0/2"],
            "invalid --shard = 0/2",
        ),
        (
            &["run", "c.toml", "--shard", "1/0"],
            "invalid --shard = 1/0",
        ),
        (
            &["run", "c.toml", "--shard", "half"],
            "invalid --shard = half",
        ),
        (&["reproduce", "--quick", "--full"], "cannot be used with"),
        (&["search", "--runs", "0"], "invalid --runs = 0"),
        (
            &["search", "--runs", "4294967295"],
            "invalid --runs = 4294967295: expected at most 10000",
        ),
        (
            &["search", "--reading", "nope"],
            "invalid --reading = nope: expected one of",
        ),
        (&["gradients", "--steps", "0"], "invalid --steps = 0"),
        (&["bench", "--repeats", "0"], "invalid --repeats = 0"),
        (
            &["compress", "in.txt", "-o", "o.ch", "--levels", "0"],
            "invalid --levels = 0",
        ),
        (
            &["compress", "in.txt", "-o", "o.ch", "--learning-rate", "NaN"],
            "invalid --learning-rate = NaN",
        ),
        (
            &["compress", "in.txt", "-o", "o.ch", "--learning-rate", "inf"],
            "invalid --learning-rate = inf",
        ),
        (
            &["compress", "in.txt", "-o", "o.ch", "--init-range", "inf"],
            "invalid --init-range = inf",
        ),
        (
            &["trace", "--train", "--steps", "0", "--sequences", "2"],
            "invalid --steps = 0",
        ),
    ];
    for (args, needle) in cases {
        let output = run(&scratch.path, args);
        assert_fails(&output, 2, &[needle]);
    }
    assert!(
        !scratch.join("data").exists(),
        "a rejected run wrote records"
    );
    assert!(
        !scratch.join("o.ch").exists(),
        "a rejected compress wrote its output"
    );
}

/// The shipped config `name` with `from` replaced by `to` (which must occur).
fn edited(name: &str, from: &str, to: &str) -> String {
    let path = format!("{}/experiments/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{name} has no {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn bad_config_values_exit_2() {
    let scratch = Scratch::new("cli-configs");
    let m4 = "standard_task_conventional_m4.toml";
    let collapse = "chunker_20step.toml";
    let hierarchy = "hierarchy_standard_m20.toml";
    let task2a = "lstm97_task2a_p100.toml";
    let cases = [
        (
            m4,
            "lag = 4",
            "lag = 0",
            "invalid task.lag = 0: expected an integer in 1..=1000",
        ),
        (m4, "lag = 4", "lag = -4", "key `task.lag`"),
        (m4, "runs = 8", "runs = 0", "invalid run.runs = 0"),
        (m4, "runs = 8", "runs = 4294967296", "key `run.runs`"),
        (
            m4,
            "learning_rate = 1.0",
            "learning_rate = nan",
            "invalid training.learning_rate = NaN",
        ),
        (
            m4,
            "learning_rate = 1.0",
            "learning_rate = inf",
            "invalid training.learning_rate = inf",
        ),
        (
            m4,
            "learning_rate = 1.0",
            "learning_rate = 0.0",
            "invalid training.learning_rate = 0",
        ),
        (
            m4,
            "weight_range = 0.2",
            "weight_range = -0.2",
            "invalid net.weight_range = -0.2",
        ),
        (m4, "hidden = 4", "hidden = 0", "invalid net.hidden = 0"),
        (
            m4,
            "hidden = 4",
            "hidden = \"four\"",
            "key `net.hidden`: invalid type",
        ),
        (m4, "hidden = 4", "hiden = 4", "unknown field `hiden`"),
        (
            m4,
            "error_bound = 0.3",
            "error_bound = 1.5",
            "invalid success.error_bound = 1.5",
        ),
        (m4, "quick = 200", "quick = 0", "invalid budget.quick = 0"),
        (
            m4,
            "truncation_steps = 6",
            "truncation_steps = 0",
            "invalid training.truncation_steps = 0",
        ),
        (
            m4,
            "kind = \"conventional\"",
            "kind = \"nope\"",
            "unknown kind \"nope\"",
        ),
        (m4, "kind = \"conventional\"", "", "missing key `kind`"),
        (m4, "[net]", "[net", "TOML parse error"),
        (collapse, "lag = 20", "lag = 0", "invalid lag = 0"),
        (
            collapse,
            "learning_rate = 1.0",
            "learning_rate = nan",
            "invalid automatizer.learning_rate = NaN",
        ),
        (
            collapse,
            "surprise_threshold = 0.2",
            "surprise_threshold = 1.5",
            "invalid collapse.surprise_threshold = 1.5",
        ),
        (
            collapse,
            "init_range = 0.2",
            "init_range = -1",
            "invalid automatizer.init_range = -1",
        ),
        (
            collapse,
            "horizon = 3",
            "horizon = 0",
            "invalid automatizer.horizon = 0",
        ),
        (hierarchy, "runs = 10", "runs = 0", "invalid run.runs = 0"),
        (
            hierarchy,
            "threshold = 0.2",
            "threshold = 1.5",
            "invalid surprise.threshold = 1.5",
        ),
        (
            hierarchy,
            "max_levels = 2",
            "max_levels = 0",
            "invalid max_levels = 0",
        ),
        (
            hierarchy,
            "weight_range = 0.2",
            "weight_range = inf",
            "invalid levels[0].weight_range = inf",
        ),
        (hierarchy, "quick = 30", "quick = 0", "invalid budget"),
        (
            task2a,
            "lag = 100",
            "lag = 1",
            "invalid lag = 1: expected an integer >= 2",
        ),
    ];
    for (name, from, to, needle) in cases {
        scratch.write("bad.toml", edited(name, from, to));
        let output = run(
            &scratch.path,
            &["run", "bad.toml", "--quick", "--runs", "1"],
        );
        assert_fails(&output, 2, &[needle]);
    }
    assert!(
        !scratch.join("data").exists(),
        "a rejected config wrote records"
    );
}

#[test]
fn huge_config_run_count_is_rejected() {
    let scratch = Scratch::new("cli-huge-runs");
    scratch.write("c.toml", conventional_config(u32::MAX, 10, 1.0));
    let output = run(&scratch.path, &["run", "c.toml", "--quick"]);
    assert_fails(
        &output,
        2,
        &["invalid runs in the config = 4294967295: expected at most 100000 runs"],
    );
}

#[test]
fn unreadable_config_names_path() {
    let scratch = Scratch::new("cli-config-files");
    let output = run(&scratch.path, &["run", "missing.toml"]);
    assert_fails(&output, 2, &["cannot read missing.toml", "check the path"]);
    scratch.write("binary.toml", [0xff, 0xfe, 0x00, 0x80]);
    let output = run(&scratch.path, &["run", "binary.toml"]);
    assert_fails(&output, 2, &["malformed binary.toml: not UTF-8 text"]);
    std::fs::create_dir(scratch.join("empty")).unwrap();
    let output = run(
        &scratch.path,
        &["reproduce", "--quick", "--experiments", "empty"],
    );
    assert_fails(&output, 2, &["invalid --experiments = empty"]);
}
