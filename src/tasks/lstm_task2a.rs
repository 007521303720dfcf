//! Task 2a of Hochreiter and Schmidhuber 1997 (Long Short-Term Memory, Neural Computation
//! 9(8), experiment 2a): two sequences (y, a1 .. a(p-1), y) and (x, a1 .. a(p-1), x), each
//! drawn with probability 1/2, one symbol per step, one-hot. The net predicts the next symbol
//! at every step; the last symbol of a sequence repeats the first, p steps later.
//!
//! Alphabet of p + 1 symbols: a_i is symbol i - 1 (i = 1 .. p-1), x is p - 1, y is p.
//! The sequences follow each other in one continuous stream without resets, as the
//! standard task's do. NOTE: the 1997 paper does not say whether its chunker's stream was
//! reset between sequences; a continuous stream is our reading.

use rand::Rng;

use crate::error::{Error, Result};

/// Task 2a with lag p.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task2a {
    lag: usize,
}

/// One step of the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub symbol: usize,
    /// Position in its sequence, 0 ..= p.
    pub position: usize,
}

impl Task2a {
    /// # Errors
    /// [`Error::InvalidValue`] when `lag` is below 2.
    pub fn new(lag: usize) -> Result<Self> {
        if lag < 2 {
            return Err(Error::invalid(
                "lag",
                lag,
                "expected an integer >= 2 (p: the first symbol recurs p steps later)",
            ));
        }
        Ok(Self { lag })
    }

    pub fn lag(&self) -> usize {
        self.lag
    }

    /// Alphabet size p + 1.
    pub fn symbols(&self) -> usize {
        self.lag + 1
    }

    /// Steps per sequence, p + 1.
    pub fn sequence_length(&self) -> usize {
        self.lag + 1
    }

    /// Symbol index of x.
    pub fn x(&self) -> usize {
        self.lag - 1
    }

    /// Symbol index of y.
    pub fn y(&self) -> usize {
        self.lag
    }

    /// An endless stream drawn from `rng`.
    pub fn stream<R: Rng>(&self, rng: R) -> Task2aStream<R> {
        Task2aStream {
            task: *self,
            rng,
            position: 0,
            first: self.y(),
        }
    }
}

/// The endless stream of a [`Task2a`].
#[derive(Clone, Debug)]
pub struct Task2aStream<R> {
    task: Task2a,
    rng: R,
    position: usize,
    first: usize,
}

impl<R: Rng> Iterator for Task2aStream<R> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        let position = self.position;
        let symbol = if position == 0 {
            self.first = if self.rng.random_bool(0.5) {
                self.task.y()
            } else {
                self.task.x()
            };
            self.first
        } else if position == self.task.lag {
            self.first
        } else {
            position - 1
        };
        self.position = (position + 1) % self.task.sequence_length();
        Some(Step { symbol, position })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn last_symbol_repeats_first() {
        let task = Task2a::new(4).unwrap();
        let steps: Vec<Step> = task.stream(ChaCha8Rng::seed_from_u64(3)).take(50).collect();
        for chunk in steps.chunks(5).filter(|c| c.len() == 5) {
            let symbols: Vec<usize> = chunk.iter().map(|s| s.symbol).collect();
            assert!(symbols[0] == task.x() || symbols[0] == task.y());
            assert_eq!(&symbols[1..4], &[0, 1, 2]);
            assert_eq!(symbols[4], symbols[0]);
        }
    }

    #[test]
    fn lag_below_two_is_rejected() {
        assert!(Task2a::new(1).is_err());
    }
}
