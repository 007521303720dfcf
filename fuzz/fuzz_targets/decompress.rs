//! Fuzzes `chunker decompress`'s reader: any bytes must give a file or an error, never a
//! panic. Each input is tried as it is and with its trailing CRC-32 recomputed, so that
//! mutations reach the header and payload checks behind the checksum.
#![no_main]

use std::path::Path;

use chunker::codec::checksum::crc32;
use chunker::codec::decompress;
use libfuzzer_sys::fuzz_target;

/// Header fields that set the decoding cost (offset, size; see src/codec/compressor.rs)
/// and the largest value fuzzed.
const LIMITS: [(usize, usize, u64); 4] = [
    (10, 1, 3),     // levels
    (12, 4, 16),    // hidden units per level
    (16, 4, 8),     // truncated-BPTT horizon
    (44, 8, 1024),  // original length in bytes
];

/// Whether decoding `file` stays cheap enough for fuzzing: a forged header may ask for
/// millions of bytes from 8 levels of 1024 units, which is slow by design, not a crash.
fn cheap(file: &[u8]) -> bool {
    LIMITS.iter().all(|&(offset, size, max)| {
        file.get(offset..offset + size).is_none_or(|bytes| {
            bytes.iter().rev().fold(0u64, |v, &b| (v << 8) | u64::from(b)) <= max
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.ch");
    if !cheap(data) {
        return;
    }
    let _ = decompress(data, path);
    if data.len() >= 4 {
        let mut fixed = data.to_vec();
        let body = fixed.len() - 4;
        let crc = crc32(&fixed[..body]);
        fixed[body..].copy_from_slice(&crc.to_le_bytes());
        let _ = decompress(&fixed, path);
    }
});
