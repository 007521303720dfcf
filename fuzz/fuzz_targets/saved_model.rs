//! Fuzzes the saved-model reader and `chunker trace --model`: any bytes must give a model
//! or an error, never a panic. Each input is tried as it is and with its trailing CRC-32
//! recomputed, so that mutations reach the checks behind the checksum. A model that
//! decodes must encode to bytes that decode to it again; one that loads as a standard-task
//! system of any kind is traced for a few steps.
#![no_main]

use std::path::Path;

use chunker::codec::checksum::crc32;
use chunker::trace::{model, trace};
use chunker::saved;
use libfuzzer_sys::fuzz_target;

fn exercise(bytes: &[u8], file: &Path) {
    let Ok(model) = saved::decode(bytes, file) else {
        return;
    };
    let encoded = saved::encode(&model).expect("a decoded model encodes again");
    let again = saved::decode(&encoded, file).expect("an encoded model decodes");
    assert_eq!(again, model, "encode and decode are inverse");
    std::fs::write(file, bytes).expect("the temporary folder is writable");
    if let Ok(mut loaded) = model::load(file) {
        let _ = trace(loaded.system.traced(), 30, 1);
    }
}

fuzz_target!(|data: &[u8]| {
    let file = std::env::temp_dir().join(format!("chunker-fuzz-model-{}", std::process::id()));
    exercise(data, &file);
    if data.len() >= 4 {
        let mut fixed = data.to_vec();
        let body = fixed.len() - 4;
        let crc = crc32(&fixed[..body]);
        fixed[body..].copy_from_slice(&crc.to_le_bytes());
        exercise(&fixed, &file);
    }
});
