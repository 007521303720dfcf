//! Golden values for seed 42: the first weights of a net and the first symbols of the
//! standard task's stream. They were printed by this crate (rand 0.9.5, rand_chacha 0.9.0,
//! ndarray-rand 0.16.0) when the test was written; a dependency upgrade that changes the
//! random streams, and with them every published number, makes this test fail.

use chunker::net::{HiddenActivation, NetShape, OutputActivation, Params};
use chunker::tasks::StandardTask;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn papers_shape() -> NetShape {
    NetShape {
        inputs: 24,
        hidden: 1,
        outputs: 23,
        direct: true,
        output_feedback: false,
        hidden_activation: HiddenActivation::Logistic,
        output_activation: OutputActivation::Logistic,
    }
}

#[test]
fn first_weights_of_seed_42() {
    let params = Params::uniform(&papers_shape(), 0.2, &mut ChaCha8Rng::seed_from_u64(42));
    let first: Vec<String> = params
        .w_hx
        .iter()
        .take(4)
        .map(|v| format!("{v:.12}"))
        .collect();
    assert_eq!(
        first, GOLDEN_WEIGHTS,
        "first four w_hx weights of seed 42 changed"
    );
}

#[test]
fn first_symbols_of_seed_42() {
    let task = StandardTask::new(20).expect("lag 20 is valid");
    let firsts: Vec<usize> = task
        .stream(ChaCha8Rng::seed_from_u64(42))
        .filter(|step| step.position == 0)
        .take(12)
        .map(|step| step.symbol)
        .collect();
    assert_eq!(
        firsts, GOLDEN_FIRST_SYMBOLS,
        "first symbols (a = 0, x = 1) of seed 42 changed"
    );
}

const GOLDEN_WEIGHTS: [&str; 4] = [
    "0.072758476923",
    "0.180110163069",
    "-0.028993438857",
    "0.050944208479",
];
const GOLDEN_FIRST_SYMBOLS: [usize; 12] = [1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1];
