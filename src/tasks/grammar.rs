//! The grammar task of the multi-level hierarchy experiment, designed for this reproduction.
//!
//! Schmidhuber, "Learning unambiguous reduced sequence descriptions" (NIPS 4, 1991), reports
//! a grammar of long strings of a's and b's with local temporal structure, in which strings
//! whose endings overlap must be distinguished. It gives no grammar, sizes or rates. This
//! generator is our design with the same properties:
//!
//!   string  -> head body
//!   head    -> "b"  (class 1, target 1)  |  "a b"  (class 2, target 0), each with p = 1/2
//!   body    -> ("a"^k "b")^n             (k = `run_length`, n = `runs`)
//!
//! Strings follow each other in one continuous stream without boundaries. The target is
//! due at the last b of each body, where both classes have the same ending of n (k + 1)
//! symbols, so the lag is n (k + 1) + 1 or + 2 steps. Locally the stream is regular (runs of
//! a's closed by a b), which a low level can learn; the class is visible only in the head.

use rand::Rng;

use super::standard::Step;
use crate::error::{Error, Result};

/// Symbol index of a.
pub const A: usize = 0;
/// Symbol index of b.
pub const B: usize = 1;

/// The grammar task with bodies of `runs` runs of `run_length` a's, each closed by a b.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrammarTask {
    run_length: usize,
    runs: usize,
}

impl GrammarTask {
    /// # Errors
    /// [`Error::InvalidValue`] when `run_length` or `runs` is 0.
    pub fn new(run_length: usize, runs: usize) -> Result<Self> {
        if run_length == 0 {
            return Err(Error::invalid(
                "task.run_length",
                run_length,
                "expected at least 1 a per run",
            ));
        }
        if runs == 0 {
            return Err(Error::invalid(
                "task.body_runs",
                runs,
                "expected at least 1 run per body",
            ));
        }
        Ok(Self { run_length, runs })
    }

    /// Alphabet size: a and b.
    pub fn symbols(&self) -> usize {
        2
    }

    /// Steps from the class-deciding first head symbol to the target, the shorter class.
    pub fn lag(&self) -> usize {
        self.runs * (self.run_length + 1)
    }

    /// An endless stream drawn from `rng`.
    pub fn stream<R: Rng>(&self, rng: R) -> GrammarStream<R> {
        GrammarStream {
            task: *self,
            rng,
            string: Vec::new(),
            position: 0,
            target: 0.0,
        }
    }
}

/// The endless stream of a [`GrammarTask`].
#[derive(Clone, Debug)]
pub struct GrammarStream<R> {
    task: GrammarTask,
    rng: R,
    string: Vec<usize>,
    position: usize,
    target: f64,
}

impl<R: Rng> Iterator for GrammarStream<R> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.position == self.string.len() {
            self.string.clear();
            let class_one = self.rng.random_bool(0.5);
            if class_one {
                self.string.push(B);
            } else {
                self.string.extend([A, B]);
            }
            self.target = if class_one { 1.0 } else { 0.0 };
            for _ in 0..self.task.runs {
                self.string
                    .extend(std::iter::repeat_n(A, self.task.run_length));
                self.string.push(B);
            }
            self.position = 0;
        }
        let position = self.position;
        self.position += 1;
        let last = self.position == self.string.len();
        Some(Step {
            symbol: self.string[position],
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

    #[test]
    fn strings_follow_the_grammar() {
        let task = GrammarTask::new(2, 3).unwrap();
        let steps: Vec<Step> = task
            .stream(ChaCha8Rng::seed_from_u64(5))
            .take(200)
            .collect();
        let mut classes = [0, 0];
        let mut start = 0;
        for (i, step) in steps.iter().enumerate() {
            let Some(target) = step.target else { continue };
            let string: Vec<usize> = steps[start..=i].iter().map(|s| s.symbol).collect();
            let body = [A, A, B, A, A, B, A, A, B];
            if target == 1.0 {
                assert_eq!(string[..1], [B]);
                assert_eq!(string[1..], body);
                classes[0] += 1;
            } else {
                assert_eq!(string[..2], [A, B]);
                assert_eq!(string[2..], body);
                classes[1] += 1;
            }
            start = i + 1;
        }
        assert!(classes[0] > 3, "{classes:?}");
        assert!(classes[1] > 3, "{classes:?}");
    }

    #[test]
    fn zero_sizes_are_rejected() {
        assert!(GrammarTask::new(0, 3).is_err());
        assert!(GrammarTask::new(3, 0).is_err());
    }
}
