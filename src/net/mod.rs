//! Small fully recurrent nets in f64 and their exact gradients, hand-written on ndarray.
//!
//! One net type covers the logistic nets of Schmidhuber 1991-93 (squared error, optional
//! output feedback) and the modern comparison net (tanh hidden units, softmax outputs with
//! cross-entropy). Training: full BPTT ([`bptt::bptt`]), truncated BPTT on a stream
//! ([`bptt::TruncatedBptt`]) and RTRL ([`rtrl::Rtrl`]).

pub mod activation;
pub mod bptt;
pub mod forward;
mod kernels;
pub mod learner;
pub mod loss;
pub mod params;
pub mod rtrl;

pub use activation::{HiddenActivation, OutputActivation, argmax, logistic, max_or_nan};
pub use bptt::{SequenceScratch, TruncatedBptt, bptt, bptt_into};
pub use forward::{Net, State};
pub use learner::OnlineLearner;
pub use loss::{cross_entropy_from_logits, step_loss};
pub use params::{NetShape, Params, TENSOR_NAMES};
pub use rtrl::Rtrl;
