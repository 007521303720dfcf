//! Every hierarchy config loads, runs at its quick budget, and gives the same report for
//! the same seed.

use std::path::Path;

use chunker::experiment::{Budget, NoProgress, registry};

const CONFIGS: [&str; 6] = [
    "hierarchy_standard_m20",
    "hierarchy_grammar",
    "hierarchy_lag1000",
    "continuous_compression",
    "automaton_easy",
    "automaton_hard",
];

#[test]
fn quick_runs_are_deterministic() {
    for name in CONFIGS {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("experiments")
            .join(format!("{name}.toml"));
        let experiment = registry::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(experiment.name(), name);
        let first = experiment.run(0, 7, Budget::Quick, &NoProgress).unwrap();
        let second = experiment.run(0, 7, Budget::Quick, &NoProgress).unwrap();
        assert_eq!(first, second, "{name}");
        assert_eq!(
            first.summary.len(),
            experiment.summary_columns().len(),
            "{name}"
        );
        assert!(!first.curve.is_empty(), "{name}");
        for row in &first.curve {
            assert_eq!(row.len(), experiment.curve_columns().len(), "{name}");
        }
    }
}

#[test]
fn unknown_key_is_rejected() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/hierarchy_standard_m20.toml"),
    )
    .unwrap()
    .replace("max_levels = 2", "max_levels = 2\nmax_level = 2");
    let error = chunker::experiment::hierarchy::Config::parse(&text, Path::new("x.toml"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("max_level"), "{error}");
}

#[test]
fn bad_values_name_their_key() {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/hierarchy_standard_m20.toml"),
    )
    .unwrap();
    let cases = [
        ("lag = 20", "lag = 0", "lag"),
        ("threshold = 0.2", "threshold = 1.5", "surprise.threshold"),
        ("max_levels = 2", "max_levels = 0", "max_levels"),
        ("error = 0.3", "error = 0.0", "success.error"),
        ("horizon = 3", "horizon = 0", "horizon"),
    ];
    for (from, to, key) in cases {
        let text = original.replacen(from, to, 1);
        assert_ne!(text, original, "{from} not found");
        let error =
            chunker::experiment::hierarchy::Config::parse(&text, Path::new("x.toml")).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{to}");
        assert!(error.to_string().contains(key), "{to}: {error}");
    }
}
