//! Stream generators. Tasks know nothing of the nets: they produce symbols, targets and
//! positions, drawn from a generator passed in.

pub mod automaton;
pub mod grammar;
pub mod lstm_task2a;
pub mod nested_runs;
pub mod standard;

pub use standard::StandardTask;
