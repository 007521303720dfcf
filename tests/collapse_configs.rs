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

fn system_of(name: &str) -> chunker::collapse::SystemConfig {
    let path = experiment_path(name);
    let text = std::fs::read_to_string(&path).expect("readable");
    parse(name, &text, &path).expect("valid").file().system()
}

/// The best reading departs from the literal one exactly where its `deviation` states.
#[test]
fn best_reading_differs_only_as_stated() {
    let mut expected = chunker::collapse::SystemConfig::default();
    expected.automatizer.output_feedback = true;
    expected.chunker.output_feedback = true;
    expected.collapse.imitated_state = chunker::collapse::config::ImitatedState::TargetUnit;
    assert_eq!(system_of("chunker_20step_best"), expected);
    assert_eq!(system_of("chunker_20step_100runs"), expected);
    let hundred = load(&experiment_path("chunker_20step_100runs")).expect("loads");
    assert_eq!(hundred.default_runs(), 100);
}

#[test]
fn ablations_change_one_setting_of_the_best_reading() {
    let best = system_of("chunker_20step_best");
    let mut no_term3 = best.clone();
    no_term3.collapse.weight_chunker_state = 0.0;
    assert_eq!(system_of("chunker_20step_no_term3"), no_term3);
    let mut soft = best.clone();
    soft.collapse.temperature = 4.0;
    assert_eq!(system_of("chunker_20step_soft_targets"), soft);
    let mut forgetting = best;
    forgetting.collapse.own_terms_off_from = 1000;
    assert_eq!(system_of("chunker_20step_forgetting"), forgetting);
}
