//! The reduced description is lossless: `reconstruct(describe(s))` returns `s` for random
//! nets and random sequences, and time stamps are needed to tell sequences apart.

use chunker::compression::{
    Event, NetPredictor, Predictor, ReconstructError, ReducedDescription, RepeatLast, SurpriseRule,
    describe, describe_with, reconstruct,
};
use chunker::net::{HiddenActivation, Net, NetShape, OutputActivation, Params};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Number of random (net, sequence) cases in the property test.
const CASES: usize = 300;

fn random_net(rng: &mut ChaCha8Rng, symbols: usize) -> Net {
    let shape = NetShape {
        inputs: symbols + rng.random_range(0..2),
        hidden: rng.random_range(0..5),
        outputs: symbols + rng.random_range(0..2),
        direct: rng.random_bool(0.5),
        output_feedback: rng.random_bool(0.5),
        hidden_activation: if rng.random_bool(0.5) {
            HiddenActivation::Logistic
        } else {
            HiddenActivation::Tanh
        },
        output_activation: if rng.random_bool(0.5) {
            OutputActivation::Logistic
        } else {
            OutputActivation::Softmax
        },
    };
    let range = [0.2, 1.0, 5.0][rng.random_range(0..3)];
    let params = Params::uniform(&shape, range, rng);
    Net::new(shape, params)
}

/// A sequence with some structure, so that nets predict part of it: runs of a symbol
/// mixed with random symbols.
fn random_sequence(rng: &mut ChaCha8Rng, symbols: usize) -> Vec<usize> {
    let length = rng.random_range(0..120);
    let mut sequence = Vec::with_capacity(length);
    let mut current = 0;
    for _ in 0..length {
        if rng.random_bool(0.3) {
            current = rng.random_range(0..symbols);
        }
        sequence.push(current);
    }
    sequence
}

#[test]
fn reconstruction_is_exact_for_random_nets() {
    let mut rng = ChaCha8Rng::seed_from_u64(20260);
    let mut omitted = 0;
    for case in 0..CASES {
        let symbols = rng.random_range(1..8);
        let net = random_net(&mut rng, symbols);
        let sequence = random_sequence(&mut rng, symbols);
        let rule = match case % 3 {
            0 => SurpriseRule::WinnerTakeAll,
            1 => SurpriseRule::Threshold { threshold: 0.2 },
            _ => SurpriseRule::Graded { bits: 3.0 },
        };
        let mut predictor = NetPredictor::new(net, symbols);
        let description = describe_with(&sequence, &mut predictor, rule);
        omitted += sequence.len() - description.events.len();
        let rebuilt = reconstruct(&description, &mut predictor)
            .unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_eq!(rebuilt, sequence, "case {case}, rule {}", rule.name());
    }
    // The test means something only if the nets predicted some inputs correctly.
    assert!(omitted > 1000, "only {omitted} inputs were predicted");
}

#[test]
fn reconstruction_is_exact_for_repeat_last() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..CASES {
        let sequence = random_sequence(&mut rng, 5);
        let description = describe(&sequence, &mut RepeatLast::default());
        assert_eq!(
            reconstruct(&description, &mut RepeatLast::default()),
            Ok(sequence)
        );
    }
}

#[test]
fn first_input_is_always_kept() {
    let description = describe(&[2, 2, 2], &mut RepeatLast::default());
    assert_eq!(description.events, [Event { time: 0, symbol: 2 }]);
    assert_eq!(description.length, 3);
}

/// Without time stamps, "0 0 1 1" and "0 1 1 1" both reduce to the symbols 0, 1 under
/// a predictor that expects the previous symbol again; only the time of the 1 differs.
#[test]
fn time_stamps_disambiguate() {
    let first = [0, 0, 1, 1];
    let second = [0, 1, 1, 1];
    let a = describe(&first, &mut RepeatLast::default());
    let b = describe(&second, &mut RepeatLast::default());
    assert_eq!(a.symbols(), b.symbols());
    assert_ne!(a, b);
    assert_eq!(a.events[1].time, 2);
    assert_eq!(b.events[1].time, 1);
    assert_eq!(reconstruct(&a, &mut RepeatLast::default()).unwrap(), first);
    assert_eq!(reconstruct(&b, &mut RepeatLast::default()).unwrap(), second);
}

/// A stricter rule keeps a superset of the winner-take-all events.
#[test]
fn threshold_keeps_more_events() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let net = random_net(&mut rng, 4);
    let sequence = random_sequence(&mut rng, 4);
    let mut predictor = NetPredictor::new(net, 4);
    let plain = describe(&sequence, &mut predictor);
    let strict = describe_with(
        &sequence,
        &mut predictor,
        SurpriseRule::Threshold { threshold: 0.01 },
    );
    for event in &plain.events {
        assert!(strict.events.contains(event), "{event:?} missing");
    }
}

/// A predictor that names no symbol (as a net with NaN outputs) at some step.
struct Silent;

impl Predictor for Silent {
    fn reset(&mut self) {}
    fn observe(&mut self, _symbol: usize) {}
    fn predict(&self) -> Option<usize> {
        None
    }
}

#[test]
fn nan_predictor_keeps_every_input() {
    let description = describe(&[1, 1, 0], &mut Silent);
    assert_eq!(description.events.len(), 3);
    assert_eq!(reconstruct(&description, &mut Silent), Ok(vec![1, 1, 0]));
}

#[test]
fn nan_net_keeps_every_input() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut net = random_net(&mut rng, 3);
    net.params.b_y.fill(f64::NAN);
    let mut predictor = NetPredictor::new(net, 3);
    let description = describe(&[1, 1, 1, 1], &mut predictor);
    assert_eq!(description.events.len(), 4);
}

#[test]
fn malformed_descriptions_are_rejected() {
    let cases = [
        (
            vec![Event { time: 1, symbol: 0 }],
            ReconstructError::MissingFirstInput { found: 1 },
        ),
        (
            vec![Event { time: 0, symbol: 0 }, Event { time: 0, symbol: 1 }],
            ReconstructError::OutOfOrder { index: 1, time: 0 },
        ),
        (
            vec![Event { time: 0, symbol: 0 }, Event { time: 3, symbol: 1 }],
            ReconstructError::BeyondLength {
                index: 1,
                time: 3,
                length: 3,
            },
        ),
        (vec![], ReconstructError::MissingFirstInput { found: 3 }),
    ];
    for (events, expected) in cases {
        let description = ReducedDescription { length: 3, events };
        assert_eq!(
            reconstruct(&description, &mut RepeatLast::default()),
            Err(expected)
        );
    }
    let silent = ReducedDescription {
        length: 2,
        events: vec![Event { time: 0, symbol: 0 }],
    };
    assert_eq!(
        reconstruct(&silent, &mut Silent),
        Err(ReconstructError::NoPrediction { time: 1 })
    );
}
