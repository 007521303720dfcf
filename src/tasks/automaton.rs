//! The stochastic-automaton classification tasks of Schmidhuber, "Neural predictors for
//! detecting and removing redundant information" (ZiF Bielefeld volume, about 2000).
//!
//! The automaton emits a, then repeats a or emits b or e, each with probability 1/3; the
//! first non-a letter decides the class (b: class 1, target 1; e: class 2, target 0). Then
//! it emits c, repeats c or ends with d. The source shows the automaton only as a figure
//! (its Fig. 1, not seen here) and the examples "abcd" and "aaaeccccccd". The probability
//! 1/2 of repeating c is our reading. In the hard task each emission becomes a run of
//! `copies` identical symbols (20 in the source), which keeps the entropy per sequence and
//! multiplies the lag.
//!
//! Sequences follow each other in one continuous stream; the target is due at the last
//! symbol (the last d) of each sequence.

use rand::Rng;

use super::standard::Step;
use crate::error::{Error, Result};

pub const A: usize = 0;
pub const B: usize = 1;
pub const C: usize = 2;
pub const D: usize = 3;
pub const E: usize = 4;

/// Probability that the automaton emits c again instead of ending with d.
pub const REPEAT_C: f64 = 0.5;

/// The automaton task; `copies` = 1 is the easy task, 20 the hard one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutomatonTask {
    copies: usize,
}

impl AutomatonTask {
    /// # Errors
    /// [`Error::InvalidValue`] when `copies` is 0.
    pub fn new(copies: usize) -> Result<Self> {
        if copies == 0 {
            return Err(Error::invalid(
                "task.copies",
                copies,
                "expected at least 1 copy per emission (1: easy task, 20: hard task)",
            ));
        }
        Ok(Self { copies })
    }

    /// Alphabet size: a, b, c, d, e.
    pub fn symbols(&self) -> usize {
        5
    }

    pub fn copies(&self) -> usize {
        self.copies
    }

    /// An endless stream drawn from `rng`.
    pub fn stream<R: Rng>(&self, rng: R) -> AutomatonStream<R> {
        AutomatonStream {
            task: *self,
            rng,
            sequence: Vec::new(),
            position: 0,
            target: 0.0,
        }
    }

    /// Draws the emissions of one sequence (before copying) and its target.
    fn draw<R: Rng>(rng: &mut R, emissions: &mut Vec<usize>) -> f64 {
        emissions.clear();
        emissions.push(A);
        let class = loop {
            match rng.random_range(0..3) {
                0 => emissions.push(A),
                1 => break B,
                _ => break E,
            }
        };
        emissions.push(class);
        emissions.push(C);
        while rng.random_bool(REPEAT_C) {
            emissions.push(C);
        }
        emissions.push(D);
        if class == B { 1.0 } else { 0.0 }
    }
}

/// The endless stream of an [`AutomatonTask`].
#[derive(Clone, Debug)]
pub struct AutomatonStream<R> {
    task: AutomatonTask,
    rng: R,
    sequence: Vec<usize>,
    position: usize,
    target: f64,
}

impl<R: Rng> Iterator for AutomatonStream<R> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.position == self.sequence.len() {
            let mut emissions = Vec::new();
            self.target = AutomatonTask::draw(&mut self.rng, &mut emissions);
            self.sequence.clear();
            for symbol in emissions {
                self.sequence
                    .extend(std::iter::repeat_n(symbol, self.task.copies));
            }
            self.position = 0;
        }
        let position = self.position;
        self.position += 1;
        let last = self.position == self.sequence.len();
        Some(Step {
            symbol: self.sequence[position],
            position,
            target: last.then_some(self.target),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn sequences(copies: usize, count: usize) -> Vec<(Vec<usize>, f64)> {
        let task = AutomatonTask::new(copies).unwrap();
        let mut stream = task.stream(ChaCha8Rng::seed_from_u64(9));
        let mut result = Vec::new();
        let mut current = Vec::new();
        while result.len() < count {
            let step = stream.next().unwrap();
            current.push(step.symbol);
            if let Some(target) = step.target {
                result.push((std::mem::take(&mut current), target));
            }
        }
        result
    }

    #[test]
    fn easy_sequences_match_the_automaton() {
        for (sequence, target) in sequences(1, 300) {
            let first = sequence.iter().position(|&s| s != A).unwrap();
            assert!(first >= 1);
            let class = sequence[first];
            assert_eq!(target, if class == B { 1.0 } else { 0.0 });
            assert!(class == B || class == E);
            assert_eq!(*sequence.last().unwrap(), D);
            assert!(
                sequence[first + 1..sequence.len() - 1]
                    .iter()
                    .all(|&s| s == C)
            );
            assert!(sequence.len() >= first + 3);
        }
    }

    #[test]
    fn hard_sequences_are_runs_of_copies() {
        for (sequence, _) in sequences(20, 100) {
            assert_eq!(sequence.len() % 20, 0);
            for run in sequence.chunks(20) {
                assert!(run.iter().all(|&s| s == run[0]));
            }
        }
    }

    #[test]
    fn both_classes_occur() {
        let targets: Vec<f64> = sequences(1, 100).into_iter().map(|(_, t)| t).collect();
        assert!(targets.contains(&1.0));
        assert!(targets.contains(&0.0));
    }
}
