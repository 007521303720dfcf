//! Fuzzes the experiment config reader: any text must give a validated experiment or an
//! error, never a panic. A config that loads is also asked for its resolved config,
//! columns and budgets, which `chunker run` reads before the first run.
#![no_main]

use chunker::experiment::{Budget, registry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let folder = std::env::temp_dir().join(format!("chunker-fuzz-config-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("the temporary folder is writable");
    let path = folder.join("fuzzed.toml");
    std::fs::write(&path, data).expect("the temporary folder is writable");
    let Ok(experiment) = registry::load(&path) else {
        return;
    };
    let _ = experiment.resolved_config();
    let _ = experiment.curve_columns();
    let _ = experiment.summary_columns();
    let _ = experiment.paper_result();
    for budget in [Budget::Quick, Budget::Default, Budget::Full] {
        let _ = experiment.sequence_budget(budget);
    }
});
