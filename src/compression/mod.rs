//! The principle of history compression (Schmidhuber, Neural Computation 4(2), 1992;
//! NIPS 4, 1991): rules that decide when an input is unexpected, the time codes a higher
//! level receives with each unexpected input, and the lossless reduced description of a
//! sequence with its exact reconstruction.
//!
//! ```
//! use chunker::compression::{RepeatLast, describe, reconstruct};
//!
//! let sequence = [3, 3, 3, 1, 1, 2];
//! let description = describe(&sequence, &mut RepeatLast::default());
//! assert_eq!(description.events.len(), 3);
//! assert_eq!(reconstruct(&description, &mut RepeatLast::default()).unwrap(), sequence);
//! ```

pub mod description;
pub mod surprise;
pub mod time_code;

pub use description::{
    Event, NetPredictor, Predictor, ReconstructError, ReducedDescription, RepeatLast, describe,
    describe_with, reconstruct,
};
pub use surprise::{SurpriseRule, information_bits, max_abs_error};
pub use time_code::{TimeCode, TimeCoder};
