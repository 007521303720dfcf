//! Saved models: exact round trips of single nets and hierarchies, and a clear
//! `Error::Malformed` naming the path for truncated, foreign, newer-version, corrupted and
//! random files, never a panic.

use std::fs;
use std::path::Path;

use chunker::Error;
use chunker::net::{HiddenActivation, Net, NetShape, OutputActivation, Params};
use chunker::saved::hierarchy::{hierarchy_from_model, load_hierarchy, save_net};
use chunker::saved::{ModelKind, SavedModel, SavedNet, decode, encode, load, save};
use chunker::trace::hierarchy::{standard_hierarchy_spec, to_saved_model, train_on_standard};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn net(seed: u64, output_feedback: bool) -> Net {
    let shape = NetShape {
        inputs: 5,
        hidden: 3,
        outputs: 4,
        direct: true,
        output_feedback,
        hidden_activation: HiddenActivation::Tanh,
        output_activation: OutputActivation::Softmax,
    };
    let params = Params::uniform(&shape, 0.5, &mut ChaCha8Rng::seed_from_u64(seed));
    Net::new(shape, params)
}

fn two_net_model() -> SavedModel {
    let mut metadata = toml::Table::new();
    metadata.insert("note".into(), "automatizer and chunker of a test".into());
    SavedModel {
        kind: ModelKind::AutomatizerChunker,
        metadata,
        nets: vec![
            SavedNet {
                role: "automatizer".into(),
                net: net(1, true),
            },
            SavedNet {
                role: "chunker".into(),
                net: net(2, false),
            },
        ],
    }
}

fn assert_malformed(result: chunker::Result<SavedModel>, expected: &str, label: &str) {
    match result {
        Err(Error::Malformed { path, message }) => {
            assert_eq!(path, Path::new("model.bin"), "{label}");
            assert!(
                message.contains(expected),
                "{label}: {message:?} lacks {expected:?}"
            );
        }
        other => panic!("{label}: expected Malformed, got {other:?}"),
    }
}

#[test]
fn file_round_trip_is_exact() {
    let dir = std::env::temp_dir().join(format!("chunker-saved-{}", std::process::id()));
    let path = dir.join("two-nets.bin");
    let model = two_net_model();
    save(&path, &model).unwrap();
    assert_eq!(load(&path).unwrap(), model);

    let single = dir.join("single.bin");
    save_net(&single, "conventional", &net(3, true), toml::Table::new()).unwrap();
    let loaded = load(&single).unwrap();
    assert_eq!(loaded.kind, ModelKind::Net);
    assert_eq!(loaded.net("conventional"), Some(&net(3, true)));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn hierarchy_round_trip_keeps_levels_and_weights() {
    let spec = standard_hierarchy_spec(4, 1, 2);
    let feed = train_on_standard(spec.clone(), 4, 200, 3).unwrap();
    let model = to_saved_model(&feed, 4, 200, 3).unwrap();
    let dir = std::env::temp_dir().join(format!("chunker-saved-h-{}", std::process::id()));
    let path = dir.join("hierarchy.bin");
    save(&path, &model).unwrap();
    let (hierarchy, metadata) = load_hierarchy(&path).unwrap();
    assert_eq!(hierarchy.spec(), &spec);
    assert_eq!(hierarchy.levels().len(), feed.hierarchy.levels().len());
    for (loaded, trained) in hierarchy.levels().iter().zip(feed.hierarchy.levels()) {
        assert_eq!(loaded.net, trained.net);
    }
    assert_eq!(
        metadata.get("lag").and_then(toml::Value::as_integer),
        Some(4)
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Files written before the sequence-start flags existed lack both keys and load with
/// them off.
#[test]
fn hierarchy_without_newer_keys_loads() {
    let spec = standard_hierarchy_spec(3, 1, 2);
    let feed = train_on_standard(spec, 3, 50, 2).unwrap();
    let mut model = to_saved_model(&feed, 3, 50, 2).unwrap();
    let table = model
        .metadata
        .get_mut("spec")
        .and_then(toml::Value::as_table_mut)
        .expect("a saved hierarchy has a spec table");
    table.remove("sequence_starts_unexpected");
    table.remove("reset_at_sequence_start");
    let (hierarchy, _) = hierarchy_from_model(model, Path::new("model.bin")).unwrap();
    assert!(!hierarchy.spec().sequence_starts_unexpected);
    assert!(!hierarchy.spec().reset_at_sequence_start);
}

#[test]
fn hierarchy_loader_rejects_other_kinds() {
    let result = hierarchy_from_model(two_net_model(), Path::new("model.bin"));
    assert!(
        matches!(result, Err(Error::Malformed { .. })),
        "{:?}",
        result.err()
    );
}

#[test]
fn truncated_file_is_rejected() {
    let bytes = encode(&two_net_model()).unwrap();
    for len in 0..bytes.len() {
        let result = decode(&bytes[..len], Path::new("model.bin"));
        assert_malformed(result, "truncated", &format!("prefix of {len} bytes"));
    }
}

#[test]
fn foreign_file_is_rejected() {
    assert_malformed(
        decode(b"GIF89a and then some more bytes", Path::new("model.bin")),
        "not a chunker saved model",
        "foreign",
    );
    assert_malformed(
        decode(
            b"CHUNKCMP\x01\x00 a compressed file",
            Path::new("model.bin"),
        ),
        "not a chunker saved model",
        "compressed file",
    );
}

#[test]
fn newer_version_is_rejected() {
    let mut bytes = encode(&two_net_model()).unwrap();
    bytes[8..10].copy_from_slice(&2u16.to_le_bytes());
    assert_malformed(decode(&bytes, Path::new("model.bin")), "newer", "version 2");
}

#[test]
fn corrupted_byte_is_rejected() {
    let good = encode(&two_net_model()).unwrap();
    for index in 0..good.len() {
        let mut bytes = good.clone();
        bytes[index] ^= 0x08;
        let result = decode(&bytes, Path::new("model.bin"));
        assert!(
            matches!(result, Err(Error::Malformed { .. })),
            "flip in byte {index} was accepted"
        );
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let good = encode(&two_net_model()).unwrap();
    for case in 0..500 {
        let len = rng.random_range(0..300);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        // Some cases keep a valid header prefix so that parsing reaches the nets.
        if case % 3 == 0 {
            let keep = good.len().min(bytes.len()).min(rng.random_range(0..40));
            bytes[..keep].copy_from_slice(&good[..keep]);
        }
        let result = decode(&bytes, Path::new("model.bin"));
        assert!(
            matches!(result, Err(Error::Malformed { .. })),
            "case {case}: {result:?}"
        );
    }
}
