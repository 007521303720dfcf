//! The two-net chunker/automatizer system of Schmidhuber 1991-92 (technical report
//! FKI-148-91; Neural Computation 4(2), 1992, section 5; NIPS 4, section 4) and the
//! "collapse" of the chunker's knowledge into the automatizer, known today as knowledge
//! distillation.
//!
//! - [`automatizer`]: A, its three-term loss, the input encoding.
//! - [`chunker`]: C, which ticks only at A's unexpected inputs.
//! - [`system`]: one step of the coupled pair.
//! - [`run`]: one run on a task stream with the success test and the frozen check.
//! - [`config`]: every open choice of the papers as a named option.

pub mod automatizer;
pub mod chunker;
pub mod config;
pub mod cost;
pub mod experiment;
pub mod online;
pub mod run;
pub mod search;
pub mod system;

pub use config::SystemConfig;
pub use run::{CollapseTask, RunLength, RunOutcome, SuccessConfig, run_one};
pub use system::TwoNetSystem;
