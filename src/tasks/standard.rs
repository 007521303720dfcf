//! The standard task of Schmidhuber 1991-93 (the "Standardaufgabe" of the 1993
//! habilitation thesis, the 20-step experiment of Neural Computation 4(2), 1992).
//!
//! Alphabet {a, x, b1 .. bm}, one-hot: symbol 0 is a, 1 is x, 2 + i is b(i+1). The two
//! sequences "a b1 .. bm" and "x b1 .. bm" are drawn at random, each with probability 1/2,
//! into one continuous stream with no boundaries and no state resets. At every step the
//! net predicts the next symbol; at the last symbol bm of each sequence one extra target
//! unit must read 1 when the sequence began with a and 0 when it began with x.

use rand::Rng;

use crate::error::{Error, Result};

/// Symbol index of a.
pub const A: usize = 0;
/// Symbol index of x.
pub const X: usize = 1;

/// The standard task with lag m.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StandardTask {
    lag: usize,
}

/// One step of the stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// The input symbol.
    pub symbol: usize,
    /// Position in its sequence: 0 for a or x, i for b_i.
    pub position: usize,
    /// The value the target unit must read at this step: 1 or 0 at bm, none elsewhere.
    pub target: Option<f64>,
}

impl StandardTask {
    /// # Errors
    /// [`Error::InvalidValue`] when `lag` is 0.
    pub fn new(lag: usize) -> Result<Self> {
        if lag == 0 {
            return Err(Error::invalid(
                "lag",
                lag,
                "expected an integer >= 1 (the number of b symbols)",
            ));
        }
        Ok(Self { lag })
    }

    /// The lag m: the number of b symbols between a or x and the target.
    pub fn lag(&self) -> usize {
        self.lag
    }

    /// Alphabet size m + 2.
    pub fn symbols(&self) -> usize {
        self.lag + 2
    }

    /// Steps per sequence, m + 1; the papers count training sequences in these blocks.
    pub fn sequence_length(&self) -> usize {
        self.lag + 1
    }

    /// The printable name of a symbol: a, x, b1 .. bm.
    pub fn symbol_name(&self, symbol: usize) -> String {
        match symbol {
            A => "a".to_string(),
            X => "x".to_string(),
            s => format!("b{}", s - 1),
        }
    }

    /// An endless stream drawn from `rng`.
    pub fn stream<R: Rng>(&self, rng: R) -> StandardStream<R> {
        StandardStream {
            task: *self,
            rng,
            position: 0,
            first: A,
        }
    }
}

/// The endless stream of a [`StandardTask`].
#[derive(Clone, Debug)]
pub struct StandardStream<R> {
    task: StandardTask,
    rng: R,
    position: usize,
    first: usize,
}

impl<R: Rng> Iterator for StandardStream<R> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        let position = self.position;
        let symbol = if position == 0 {
            self.first = if self.rng.random_bool(0.5) { A } else { X };
            self.first
        } else {
            position + 1
        };
        let target = (position == self.task.lag).then_some(if self.first == A { 1.0 } else { 0.0 });
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
    fn stream_has_the_two_sequences() {
        let task = StandardTask::new(3).unwrap();
        let steps: Vec<Step> = task.stream(ChaCha8Rng::seed_from_u64(1)).take(40).collect();
        for chunk in steps.chunks(4) {
            let first = chunk[0].symbol;
            assert!(first == A || first == X);
            assert_eq!(
                [chunk[1].symbol, chunk[2].symbol, chunk[3].symbol],
                [2, 3, 4]
            );
            assert_eq!(chunk[3].target, Some(if first == A { 1.0 } else { 0.0 }));
            assert!(chunk[..3].iter().all(|s| s.target.is_none()));
        }
        assert!(steps.iter().any(|s| s.symbol == A) && steps.iter().any(|s| s.symbol == X));
    }

    #[test]
    fn lag_zero_is_rejected() {
        assert!(StandardTask::new(0).is_err());
    }

    #[test]
    fn symbol_names() {
        let task = StandardTask::new(20).unwrap();
        assert_eq!(task.symbol_name(0), "a");
        assert_eq!(task.symbol_name(1), "x");
        assert_eq!(task.symbol_name(21), "b20");
    }
}
