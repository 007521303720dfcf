//! A reconstruction of the "more than 1000 steps" task of Schmidhuber's 1993 habilitation
//! thesis (section 7.4.1), whose definition is not available; this task is our design.
//!
//! Each sequence is a or x (p = 1/2 each), then `phrases` runs u1^L u2^L .. uK^L of
//! `run_length` = L copies of K distinct symbols. At the last symbol the target reads 1
//! after a and 0 after x, so the lag is K L steps (48 x 25 = 1200 in the shipped config).
//! Sequences follow each other in one continuous stream with no boundaries.
//!
//! The structure is hierarchical: a level with a short memory predicts the copies inside
//! a run but fails where a run ends; the level above sees only u2 .. uK, which form a
//! deterministic chain, and fails only at a or x; the target then is one tick away for a
//! third level. Without local predictability of this kind a chunker has no advantage.

use rand::Rng;

use super::standard::Step;
use crate::error::{Error, Result};

/// Symbol index of a.
pub const A: usize = 0;
/// Symbol index of x.
pub const X: usize = 1;

/// The nested-runs task: K phrases of L copies each after a or x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NestedRunsTask {
    phrases: usize,
    run_length: usize,
}

impl NestedRunsTask {
    /// # Errors
    /// [`Error::InvalidValue`] when `phrases` or `run_length` is 0.
    pub fn new(phrases: usize, run_length: usize) -> Result<Self> {
        if phrases == 0 {
            return Err(Error::invalid(
                "task.phrases",
                phrases,
                "expected at least 1 phrase",
            ));
        }
        if run_length == 0 {
            return Err(Error::invalid(
                "task.run_length",
                run_length,
                "expected at least 1 copy per phrase",
            ));
        }
        Ok(Self {
            phrases,
            run_length,
        })
    }

    /// Alphabet size K + 2.
    pub fn symbols(&self) -> usize {
        self.phrases + 2
    }

    /// Steps between a or x and the target: K L.
    pub fn lag(&self) -> usize {
        self.phrases * self.run_length
    }

    /// Steps per sequence: K L + 1.
    pub fn sequence_length(&self) -> usize {
        self.lag() + 1
    }

    /// An endless stream drawn from `rng`.
    pub fn stream<R: Rng>(&self, rng: R) -> NestedRunsStream<R> {
        NestedRunsStream {
            task: *self,
            rng,
            position: 0,
            first: A,
        }
    }
}

/// The endless stream of a [`NestedRunsTask`].
#[derive(Clone, Debug)]
pub struct NestedRunsStream<R> {
    task: NestedRunsTask,
    rng: R,
    position: usize,
    first: usize,
}

impl<R: Rng> Iterator for NestedRunsStream<R> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        let position = self.position;
        let symbol = if position == 0 {
            self.first = if self.rng.random_bool(0.5) { A } else { X };
            self.first
        } else {
            2 + (position - 1) / self.task.run_length
        };
        let value = if self.first == A { 1.0 } else { 0.0 };
        let target = (position == self.task.lag()).then_some(value);
        self.position = (position + 1) % self.task.sequence_length();
        Some(Step {
            symbol,
            position,
            target,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn sequences_are_runs_of_phrases() {
        let task = NestedRunsTask::new(3, 2).unwrap();
        let steps: Vec<Step> = task.stream(ChaCha8Rng::seed_from_u64(2)).take(70).collect();
        for sequence in steps.chunks(7) {
            let symbols: Vec<usize> = sequence.iter().map(|s| s.symbol).collect();
            assert!(symbols[0] == A || symbols[0] == X);
            assert_eq!(symbols[1..], [2, 2, 3, 3, 4, 4]);
            let expected = if symbols[0] == A { 1.0 } else { 0.0 };
            assert_eq!(sequence[6].target, Some(expected));
            assert!(sequence[..6].iter().all(|s| s.target.is_none()));
        }
        assert_eq!(task.lag(), 6);
        assert_eq!(task.symbols(), 5);
    }

    #[test]
    fn zero_sizes_are_rejected() {
        assert!(NestedRunsTask::new(0, 3).is_err());
        assert!(NestedRunsTask::new(3, 0).is_err());
    }
}
