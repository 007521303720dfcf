//! Fuzzes `chunker plot`'s readers and figure functions on one experiment folder. The
//! first byte picks the kind (conventional, collapse, hierarchy); the rest, split at NUL
//! bytes, becomes `curves.csv`, `summary.csv` and the `run.toml` sidecar (empty when
//! absent). Any bytes must give figures or an error, never a panic.
#![no_main]

use chunker::plot::experiments::draw_experiment;
use libfuzzer_sys::fuzz_target;

const KINDS: [&str; 3] = ["conventional", "collapse", "hierarchy"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(selector) % KINDS.len()];
    let root = std::env::temp_dir().join(format!("chunker-fuzz-plot-{}", std::process::id()));
    let dir = root.join("data").join("e");
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    let mut parts = rest.splitn(3, |&b| b == 0);
    for name in ["curves.csv", "summary.csv", "run.toml"] {
        let bytes = parts.next().unwrap_or_default();
        std::fs::write(dir.join(name), bytes).expect("the temporary folder is writable");
    }
    let _ = draw_experiment(kind, &dir, &root.join("figures"));
});
