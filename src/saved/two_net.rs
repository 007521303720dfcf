//! Saving and loading the two-net system of Schmidhuber (1991, 1992): the automatizer A
//! and the chunker C, stored as kind [`ModelKind::AutomatizerChunker`] with the roles
//! "automatizer" and, when the system has one, "chunker".

use std::path::Path;

use super::{ModelKind, SavedModel, SavedNet};
use crate::error::{Error, Result};
use crate::net::Net;

/// Role of the automatizer's net.
pub const AUTOMATIZER: &str = "automatizer";
/// Role of the chunker's net.
pub const CHUNKER: &str = "chunker";

/// Returns the two nets as a saved model with `metadata`. `chunker` is `None` for a system
/// run without C (the conventional-net control of the collapse experiments).
pub fn two_net_model(
    automatizer: &Net,
    chunker: Option<&Net>,
    metadata: toml::Table,
) -> SavedModel {
    let mut nets = vec![SavedNet {
        role: AUTOMATIZER.into(),
        net: automatizer.clone(),
    }];
    if let Some(chunker) = chunker {
        nets.push(SavedNet {
            role: CHUNKER.into(),
            net: chunker.clone(),
        });
    }
    SavedModel {
        kind: ModelKind::AutomatizerChunker,
        metadata,
        nets,
    }
}

/// The automatizer and the chunker (if saved) of a two-net model.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoNets {
    pub automatizer: Net,
    pub chunker: Option<Net>,
    pub metadata: toml::Table,
}

/// Takes the nets out of a model saved by [`two_net_model`]; `path` names the file in
/// errors.
///
/// # Errors
/// [`Error::Malformed`] when the model is of another kind, or its roles are not
/// "automatizer" followed by an optional "chunker".
pub fn two_nets_from_model(model: SavedModel, path: &Path) -> Result<TwoNets> {
    let malformed = |message: String| Error::Malformed {
        path: path.to_path_buf(),
        message,
    };
    if model.kind != ModelKind::AutomatizerChunker {
        return Err(malformed(format!(
            "holds a model of kind {}, expected an automatizer and chunker",
            model.kind.name()
        )));
    }
    let roles: Vec<&str> = model.nets.iter().map(|n| n.role.as_str()).collect();
    if roles != [AUTOMATIZER] && roles != [AUTOMATIZER, CHUNKER] {
        return Err(malformed(format!(
            "holds nets with roles {roles:?}, expected [\"{AUTOMATIZER}\"] or \
             [\"{AUTOMATIZER}\", \"{CHUNKER}\"]"
        )));
    }
    let mut nets = model.nets.into_iter().map(|n| n.net);
    let automatizer = nets.next().expect("the roles were checked to start with A");
    Ok(TwoNets {
        automatizer,
        chunker: nets.next(),
        metadata: model.metadata,
    })
}
