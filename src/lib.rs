//! `chunker`: a reproduction of Schmidhuber's 1991 neural sequence chunker (the neural
//! history compressor) and of the 1991 procedure that collapses the chunker's knowledge
//! into the automatizer, known today as knowledge distillation.

pub mod net;
