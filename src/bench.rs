//! Placeholder for the benchmark behind `chunker bench`.
