//! Decompression and model loading on arbitrary bytes, in process: every input either
//! decodes or returns `Error::Malformed`, and none panics or runs away.

use std::path::Path;

use chunker::Error;
use chunker::codec::{CodecConfig, compress, decompress};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn small() -> CodecConfig {
    CodecConfig {
        hidden: 4,
        horizon: 2,
        ..CodecConfig::default()
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for case in 0..300 {
        let len = rng.random_range(0..200);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        // Half of the cases carry the real magic and version so that parsing goes deeper.
        if case % 2 == 0 && bytes.len() >= 10 {
            bytes[..8].copy_from_slice(b"CHUNKCMP");
            bytes[8..10].copy_from_slice(&1u16.to_le_bytes());
        }
        let result = decompress(&bytes, Path::new("random.chz"));
        assert!(
            matches!(result, Err(Error::Malformed { .. })),
            "case {case}: {result:?}"
        );
    }
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let data = b"abracadabra, abracadabra!".to_vec();
    let (file, _) = compress(&data, &small()).unwrap();
    for byte in 0..file.len() {
        for bit in [0, 3, 7] {
            let mut damaged = file.clone();
            damaged[byte] ^= 1 << bit;
            let result = decompress(&damaged, Path::new("flip.chz"));
            assert!(
                matches!(result, Err(Error::Malformed { .. })),
                "flip of bit {bit} in byte {byte} was accepted: {result:?}"
            );
        }
    }
}

#[test]
fn every_truncation_is_rejected() {
    let (file, _) = compress(b"hello, history compression", &small()).unwrap();
    for len in 0..file.len() {
        let result = decompress(&file[..len], Path::new("cut.chz"));
        assert!(
            matches!(result, Err(Error::Malformed { .. })),
            "prefix of {len} bytes: {result:?}"
        );
    }
}

#[test]
fn report_matches_between_encoder_and_decoder() {
    let data = b"level one sees every byte; level two sees the surprises".repeat(3);
    let (file, encoded) = compress(&data, &small()).unwrap();
    let (restored, decoded) = decompress(&file, Path::new("x.chz")).unwrap();
    assert_eq!(restored, data);
    assert_eq!(encoded, decoded);
    assert_eq!(encoded.received[0], data.len() as u64);
    assert_eq!(encoded.received[1], encoded.unexpected[0]);
}
