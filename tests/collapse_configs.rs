//! The `collapse` experiment configs: every shipped file loads, carries the papers' run
//! counts and settings, and a bad value is rejected with an error naming the key.

use std::path::Path;

use chunker::Error;
use chunker::collapse::experiment::parse;
use chunker::experiment::Budget;
use chunker::experiment::registry::load;

fn experiment_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("experiments")
        .join(format!("{name}.toml"))
}

#[test]
fn literal_config_has_the_published_settings() {
    let path = experiment_path("chunker_20step");
    let experiment = load(&path).expect("the literal config loads");
    assert_eq!(experiment.name(), "chunker_20step");
    assert_eq!(experiment.default_runs(), 17);
    assert!(experiment.sequence_budget(Budget::Full) >= 35_000);

    let text = std::fs::read_to_string(&path).expect("readable");
    let parsed = parse("chunker_20step", &text, &path).expect("valid");
    let system = parsed.file().system();
    assert_eq!(system, chunker::collapse::SystemConfig::default());
    assert_eq!(parsed.file().success.bound, 0.3);
}

#[test]
fn task2a_config_loads() {
    let experiment = load(&experiment_path("lstm97_task2a_p100")).expect("loads");
    assert_eq!(experiment.default_runs(), 18);
    assert_eq!(experiment.summary_columns()[0], "solved");
    assert_eq!(experiment.summary_columns()[1], "sequences_to_solve");
}

fn literal_text() -> String {
    std::fs::read_to_string(experiment_path("chunker_20step")).expect("readable")
}

#[test]
fn bad_threshold_is_rejected() {
    let text = literal_text().replace("surprise_threshold = 0.2", "surprise_threshold = 1.5");
    let error = parse("bad", &text, Path::new("bad.toml"))
        .err()
        .expect("rejected");
    assert!(
        matches!(&error, Error::InvalidValue { name, .. } if name == "collapse.surprise_threshold")
    );
    assert_eq!(error.exit_code(), 2);
}

#[test]
fn unknown_key_is_rejected() {
    let text = literal_text().replace("horizon = 3", "horizon = 3\nhorizn = 4");
    let error = parse("bad", &text, Path::new("bad.toml"))
        .err()
        .expect("rejected");
    assert!(matches!(error, Error::Malformed { .. }), "{error}");
}

#[test]
fn zero_learning_rate_is_rejected() {
    let text = literal_text().replacen("learning_rate = 1.0", "learning_rate = 0.0", 1);
    let error = parse("bad", &text, Path::new("bad.toml"))
        .err()
        .expect("rejected");
    assert!(
        matches!(&error, Error::InvalidValue { name, .. } if name == "automatizer.learning_rate")
    );
}
