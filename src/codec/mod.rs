//! The lossless compressor built on the principle of history compression (Schmidhuber,
//! Neural Computation 4(2), 1992): a predictor stack learns online, and an arithmetic coder
//! spends bits mainly on the inputs its levels fail to predict.

pub mod bytes;
pub mod checksum;
pub mod compressor;
pub mod stack;

pub use compressor::{
    CodecConfig, CodecReport, Compressed, CurvePoint, StartModel, compress, compress_from,
    decompress, decompress_from,
};
pub use stack::{Prediction, PredictorStack, StackConfig, StepOutcome};
