//! Testing a saved system on fresh sequences of its task with learning switched off, as
//! the papers test a trained net. A hierarchy or a conventional net is judged by its target
//! predictions against the success bound. The two-net system gets the frozen test of the
//! automatizer alone (Schmidhuber 1992, section 5), in which C is not used at all.

use ndarray::Array1;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::hierarchy::HierarchyFeed;
use super::model::System;
use super::net::NetFeed;
use super::two_net::TwoNetFeed;
use crate::collapse::automatizer::InputEncoder;
use crate::collapse::run::evaluate_frozen;
use crate::error::{Error, Result};
use crate::experiment::conventional::train::encode_input;
use crate::hierarchy::Observation;
use crate::net::State;

/// ChaCha stream of the fresh sequences of an evaluation, apart from the training
/// (1) and trace (2) streams of the same seed.
pub const EVALUATION_STREAM: u64 = 3;

/// The result of an evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Fresh sequences judged.
    pub sequences: u64,
    /// Largest absolute error that counts as correct.
    pub bound: f64,
    /// Sequences whose target prediction was within the bound (hierarchy and net).
    pub targets_within_bound: Option<u64>,
    /// Mean absolute error of the target predictions (hierarchy and net).
    pub target_error_mean: Option<f64>,
    /// Largest absolute error of the target predictions (NaN for a task without targets).
    pub target_error_max: f64,
    /// Sequences on which every prediction unit of A was within the bound: the frozen
    /// test of the two-net system.
    pub sequences_passed: Option<u64>,
    /// Largest absolute error of A's symbol units in the frozen test.
    pub symbol_error_max: Option<f64>,
    /// Per level (lowest first): its label and the inputs it received.
    pub inputs_per_level: Vec<(String, u64)>,
    /// Steps fed.
    pub steps: u64,
}

/// Runs `system` frozen on `sequences` fresh sequences drawn from `seed`.
///
/// # Errors
/// [`Error::InvalidValue`] for `sequences` = 0; [`Error::Diverged`] when a value of a
/// frozen hierarchy stops being finite.
pub fn evaluate(system: &mut System, sequences: u64, seed: u64, bound: f64) -> Result<Evaluation> {
    if sequences == 0 {
        return Err(Error::invalid(
            "--sequences",
            0,
            "expected 1 or more fresh sequences",
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(EVALUATION_STREAM);
    match system {
        System::Hierarchy(feed) => evaluate_hierarchy(feed, sequences, rng, bound),
        System::TwoNet(feed) => Ok(evaluate_two_net(feed, sequences, rng, bound)),
        System::Net(feed) => Ok(evaluate_net(feed, sequences, rng, bound)),
    }
}

/// Sums of the target errors.
struct TargetTally {
    judged: u64,
    within: u64,
    sum: f64,
    max: f64,
}

impl TargetTally {
    fn new() -> Self {
        Self {
            judged: 0,
            within: 0,
            sum: 0.0,
            max: 0.0,
        }
    }

    fn add(&mut self, error: f64, bound: f64) {
        self.judged += 1;
        self.within += u64::from(error <= bound);
        self.sum += error;
        // Unlike `f64::max`, this keeps a NaN error once it appears.
        if error.is_nan() || error > self.max {
            self.max = error;
        }
    }

    fn finish(self, bound: f64, inputs_per_level: Vec<(String, u64)>, steps: u64) -> Evaluation {
        Evaluation {
            sequences: self.judged,
            bound,
            targets_within_bound: Some(self.within),
            target_error_mean: Some(self.sum / self.judged.max(1) as f64),
            target_error_max: self.max,
            sequences_passed: None,
            symbol_error_max: None,
            inputs_per_level,
            steps,
        }
    }
}

/// Freezes every level and judges the target read out of the top level, as in training.
fn evaluate_hierarchy(
    feed: &mut HierarchyFeed,
    sequences: u64,
    rng: ChaCha8Rng,
    bound: f64,
) -> Result<Evaluation> {
    let hierarchy = &mut feed.hierarchy;
    hierarchy.freeze_all();
    let mut inputs = vec![0u64; hierarchy.levels().len()];
    let mut tally = TargetTally::new();
    let mut pending: Option<f64> = None;
    let mut steps = 0u64;
    for step in feed.task.stream(rng)? {
        let observation = Observation {
            symbol: step.symbol,
            target: pending.take(),
            sequence_start: step.position == 0,
        };
        let outcome = hierarchy.step(observation).map_err(|d| Error::Diverged {
            experiment: "evaluate".into(),
            run: 0,
            detail: d.to_string(),
        })?;
        if let (Some(target), Some(predicted)) = (observation.target, outcome.target_prediction) {
            tally.add((predicted - target).abs(), bound);
            // The last target is read out at the step after it, which belongs to the next
            // sequence, so that step is not counted.
            if tally.judged == sequences {
                break;
            }
        }
        steps += 1;
        for count in &mut inputs[..outcome.ticked] {
            *count += 1;
        }
        pending = step.target;
    }
    let labels = inputs
        .into_iter()
        .enumerate()
        .map(|(index, count)| (format!("level {}", index + 1), count))
        .collect();
    Ok(tally.finish(bound, labels, steps))
}

/// Runs the frozen test of the collapse experiments: A alone, from a zero state, without C.
fn evaluate_two_net(feed: &TwoNetFeed, sequences: u64, rng: ChaCha8Rng, bound: f64) -> Evaluation {
    let net = &feed.system.automatizer.net;
    let layout = feed.task.layout();
    let frozen = evaluate_frozen(
        &feed.task,
        net,
        &State::zeros(&net.shape),
        InputEncoder::new(layout, feed.config.target_input),
        rng,
        sequences,
        bound,
    );
    let steps = sequences * feed.task.sequence_length() as u64;
    Evaluation {
        sequences,
        bound,
        targets_within_bound: None,
        target_error_mean: None,
        target_error_max: frozen.target_error,
        sequences_passed: Some((frozen.passed_fraction * sequences as f64).round() as u64),
        symbol_error_max: Some(frozen.symbol_error),
        inputs_per_level: vec![("A".into(), steps)],
        steps,
    }
}

/// Judges the conventional net's target unit at each step where a target is given.
fn evaluate_net(feed: &NetFeed, sequences: u64, rng: ChaCha8Rng, bound: f64) -> Evaluation {
    let net = &feed.net;
    let symbols = feed.task.symbols();
    let mut x = Array1::zeros(net.shape.inputs);
    let mut state = State::zeros(&net.shape);
    let mut next = State::zeros(&net.shape);
    let mut tally = TargetTally::new();
    let mut last_target = 0.0;
    let mut steps = 0u64;
    for step in feed.task.stream(rng) {
        encode_input(&mut x, step.symbol, last_target);
        net.step_into(x.view(), &state, &mut next);
        std::mem::swap(&mut state, &mut next);
        steps += 1;
        if let Some(target) = step.target {
            tally.add((state.y[symbols] - target).abs(), bound);
            if tally.judged == sequences {
                break;
            }
        }
        last_target = step.target.unwrap_or(0.0);
    }
    tally.finish(bound, vec![("net".into(), steps)], steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::hierarchy::{standard_hierarchy_spec, train_on_standard};

    #[test]
    fn frozen_hierarchy_keeps_its_weights() {
        let spec = standard_hierarchy_spec(4, 1, 2);
        let feed = train_on_standard(spec, 4, 300, 7).unwrap();
        let weights: Vec<_> = feed
            .hierarchy
            .levels()
            .iter()
            .map(|l| l.net.clone())
            .collect();
        let mut system = System::Hierarchy(Box::new(feed));
        let result = evaluate(&mut system, 40, 1, 0.3).unwrap();
        assert_eq!(result.sequences, 40);
        assert!(result.targets_within_bound.unwrap() <= 40);
        let System::Hierarchy(feed) = system else {
            unreachable!("the system was built as a hierarchy")
        };
        let after: Vec<_> = feed
            .hierarchy
            .levels()
            .iter()
            .map(|l| l.net.clone())
            .collect();
        assert_eq!(after, weights, "a frozen hierarchy keeps its weights");
        assert_eq!(result.inputs_per_level[0].1, result.steps);
    }

    #[test]
    fn zero_sequences_rejected() {
        let spec = standard_hierarchy_spec(3, 1, 1);
        let feed = train_on_standard(spec, 3, 5, 1).unwrap();
        let mut system = System::Hierarchy(Box::new(feed));
        assert!(evaluate(&mut system, 0, 1, 0.3).is_err());
    }
}
