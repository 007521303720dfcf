//! Placeholder: filled in by its own change.

pub mod codec;
pub mod trace;
