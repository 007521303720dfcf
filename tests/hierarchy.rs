//! The predictor hierarchy: tick alignment between levels, growth at a plateau, the
//! target read-out and divergence.

use chunker::compression::{SurpriseRule, TimeCode};
use chunker::hierarchy::{
    Hierarchy, HierarchySpec, LevelSpec, Observation, PlateauMeasure, PlateauTest, Training,
};
use ndarray::Array2;

fn level(hidden: usize) -> LevelSpec {
    LevelSpec {
        hidden,
        output_feedback: false,
        weight_range: 0.2,
        learning_rate: 1.0,
        training: Training::TruncatedBptt { horizon: 3 },
        symbol_loss: true,
    }
}

fn spec(symbols: usize, time_code: TimeCode) -> HierarchySpec {
    HierarchySpec {
        symbols,
        targets: false,
        target_input: false,
        surprise: SurpriseRule::WinnerTakeAll,
        time_code,
        levels: vec![level(0), level(2)],
        max_levels: 3,
        plateau: None,
        sequence_starts_unexpected: false,
        reset_at_sequence_start: false,
    }
}

fn observe(symbol: usize) -> Observation {
    Observation {
        symbol,
        target: None,
        sequence_start: false,
    }
}

/// Sets level 1 to a frozen net that predicts the symbol it just saw:
/// the output logits are 10 x one-hot - 5, so the seen symbol reads logistic(5).
fn repeat_last_level_one(hierarchy: &mut Hierarchy, symbols: usize) {
    assert!(hierarchy.grow());
    let net = &mut hierarchy.level_mut(0).net;
    net.params.w_yx =
        Array2::from_shape_fn((symbols, symbols), |(k, l)| if k == l { 5.0 } else { -5.0 });
    net.params.b_y.fill(0.0);
    net.params.w_yh.fill(0.0);
}

#[test]
fn level_two_ticks_at_level_one_failures() {
    let symbols = 3;
    let mut hierarchy =
        Hierarchy::from_seed(spec(symbols, TimeCode::Binary { bits: 4 }), 1).unwrap();
    repeat_last_level_one(&mut hierarchy, symbols);
    assert!(hierarchy.levels()[0].is_frozen());

    // Level 1 fails at t = 0 (the first input), 5 and 9, where the symbol changes.
    let stream = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    let mut received = Vec::new();
    for (t, &symbol) in stream.iter().enumerate() {
        let outcome = hierarchy.step(observe(symbol)).unwrap();
        if outcome.ticked >= 2 {
            received.push((t, hierarchy.levels()[1].last_input().to_vec()));
        }
    }

    assert_eq!(hierarchy.levels()[0].ticks(), stream.len() as u64);
    assert_eq!(hierarchy.levels()[0].failures(), 3);
    assert_eq!(hierarchy.levels()[1].ticks(), 3);
    let times: Vec<usize> = received.iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0, 5, 9]);
    // One-hot symbol, then t in four binary units, lowest bit first.
    assert_eq!(received[0].1, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(received[1].1, [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    assert_eq!(received[2].1, [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0]);
}

#[test]
fn decaying_unit_reaches_level_two() {
    let symbols = 3;
    let mut hierarchy =
        Hierarchy::from_seed(spec(symbols, TimeCode::Decaying { decay: 0.5 }), 1).unwrap();
    repeat_last_level_one(&mut hierarchy, symbols);
    let mut units = Vec::new();
    for symbol in [0, 0, 1, 1, 1, 2] {
        if hierarchy.step(observe(symbol)).unwrap().ticked >= 2 {
            units.push(hierarchy.levels()[1].last_input()[symbols]);
        }
    }
    // No earlier event at t = 0, then 2 and 3 steps since the previous unexpected input.
    assert_eq!(units, [0.0, 0.25, 0.125]);
}

#[test]
fn level_holds_state_between_ticks() {
    let symbols = 3;
    let mut hierarchy = Hierarchy::from_seed(spec(symbols, TimeCode::None), 2).unwrap();
    repeat_last_level_one(&mut hierarchy, symbols);
    hierarchy.step(observe(0)).unwrap();
    let held = hierarchy.levels()[1].outputs().to_vec();
    for _ in 0..5 {
        assert_eq!(hierarchy.step(observe(0)).unwrap().ticked, 1);
    }
    assert_eq!(hierarchy.levels()[1].outputs().to_vec(), held);
}

#[test]
fn plateau_adds_and_freezes_levels() {
    let mut spec = spec(3, TimeCode::None);
    spec.plateau = Some(PlateauTest {
        window: 50,
        patience: 2,
        tolerance: 0.05,
        measure: PlateauMeasure::Loss,
    });
    let mut hierarchy = Hierarchy::from_seed(spec, 3).unwrap();
    let mut grew_at = Vec::new();
    for t in 0..20_000u64 {
        // A cycle 0 1 2: level 1 learns it and then stops improving.
        let outcome = hierarchy.step(observe((t % 3) as usize)).unwrap();
        if outcome.grew {
            grew_at.push(t);
        }
    }
    assert!(!grew_at.is_empty(), "no level was added");
    assert!(hierarchy.levels().len() <= 3);
    assert!(hierarchy.levels()[0].is_frozen());
    assert!(!hierarchy.levels().last().unwrap().is_frozen());
}

#[test]
fn grow_stops_at_max_levels() {
    let mut spec = spec(2, TimeCode::None);
    spec.max_levels = 2;
    let mut hierarchy = Hierarchy::from_seed(spec, 4).unwrap();
    assert!(hierarchy.grow());
    assert!(!hierarchy.grow());
    assert_eq!(hierarchy.levels().len(), 2);
}

#[test]
fn target_output_comes_from_top_level() {
    let mut spec = spec(2, TimeCode::None);
    spec.targets = true;
    spec.target_input = true;
    let mut hierarchy = Hierarchy::from_seed(spec, 5).unwrap();
    hierarchy.step(observe(0)).unwrap();
    assert_eq!(
        hierarchy.target_output(),
        Some(hierarchy.levels()[0].outputs()[2])
    );
    hierarchy.grow();
    hierarchy
        .step(Observation {
            symbol: 1,
            target: Some(1.0),
            sequence_start: false,
        })
        .unwrap();
    assert_eq!(
        hierarchy.target_output(),
        Some(hierarchy.levels()[1].outputs()[2])
    );
}

#[test]
fn nan_weights_report_divergence() {
    let mut hierarchy = Hierarchy::from_seed(spec(2, TimeCode::None), 6).unwrap();
    hierarchy.level_mut(0).net.params.b_y.fill(f64::NAN);
    let error = hierarchy.step(observe(0)).unwrap_err();
    assert_eq!(error.level, 1);
    assert_eq!(error.step, 0);
}

#[test]
fn invalid_spec_is_rejected() {
    let mut bad = spec(2, TimeCode::Decaying { decay: 1.5 });
    assert!(Hierarchy::from_seed(bad.clone(), 0).is_err());
    bad.time_code = TimeCode::None;
    bad.levels[0].learning_rate = -1.0;
    assert!(Hierarchy::from_seed(bad.clone(), 0).is_err());
    bad.levels[0].learning_rate = 1.0;
    bad.levels[0].training = Training::TruncatedBptt { horizon: 0 };
    assert!(Hierarchy::from_seed(bad, 0).is_err());
}

#[test]
fn sequence_start_reaches_level_two() {
    let symbols = 3;
    let mut spec = spec(symbols, TimeCode::None);
    spec.sequence_starts_unexpected = true;
    let mut hierarchy = Hierarchy::from_seed(spec, 8).unwrap();
    repeat_last_level_one(&mut hierarchy, symbols);
    let mut ticked = Vec::new();
    for (t, start) in [true, false, false, true, false].into_iter().enumerate() {
        let outcome = hierarchy
            .step(Observation {
                symbol: 0,
                target: None,
                sequence_start: start,
            })
            .unwrap();
        ticked.push((t, outcome.ticked));
    }
    // Level 1 predicts every 0 after the first, yet the start at t = 3 goes up.
    assert_eq!(ticked, [(0, 2), (1, 1), (2, 1), (3, 2), (4, 1)]);
}
