//! Fuzzes `chunker decompress`'s reader: any bytes must give a file or an error, never a
//! panic. Each input is tried as it is and with its trailing CRC-32 recomputed, so that
//! mutations reach the header and payload checks behind the checksum.
#![no_main]

use std::path::Path;

use chunker::codec::checksum::crc32;
use chunker::codec::decompress;
use libfuzzer_sys::fuzz_target;

/// Header offsets of the fields that set the decoding cost (see src/codec/compressor.rs).
const HIDDEN: std::ops::Range<usize> = 12..16;
const ORIGINAL_LEN: std::ops::Range<usize> = 44..52;

/// Whether decoding `file` stays cheap enough for fuzzing: a forged header may ask for
/// millions of bytes from 1024-unit levels, which is slow by design, not a crash.
fn cheap(file: &[u8]) -> bool {
    let field = |range: std::ops::Range<usize>| {
        file.get(range)
            .map(|bytes| bytes.iter().rev().fold(0u64, |v, &b| (v << 8) | u64::from(b)))
    };
    field(HIDDEN).is_none_or(|h| h <= 32) && field(ORIGINAL_LEN).is_none_or(|n| n <= 4096)
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
