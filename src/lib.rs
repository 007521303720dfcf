//! `chunker`: a reproduction of Schmidhuber's 1991 neural sequence chunker (the neural
//! history compressor) and of the 1991 procedure that collapses the chunker's knowledge
//! into the automatizer, known today as knowledge distillation.
//!
//! Layers, from the bottom: [`net`] (recurrent nets and their gradients), [`tasks`]
//! (stream generators), [`compression`] (the principle of history compression),
//! [`hierarchy`] and [`collapse`] (the two 1991 architectures), [`experiment`] (configs,
//! runs, records), [`plot`], [`codec`] (the lossless compressor), and [`cli`].

pub mod bench;
pub mod cli;
pub mod codec;
pub mod collapse;
pub mod compression;
pub mod error;
pub mod experiment;
pub mod files;
pub mod hierarchy;
pub mod net;
pub mod plot;
pub mod saved;
pub mod tasks;
pub mod trace;

pub use error::{Error, Result};
