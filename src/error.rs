//! The error type of the library, and the exit code the command line maps each kind to.

use std::path::PathBuf;

/// Everything that can go wrong in a command, with enough context to act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag or config value outside its valid range. Exit code 2.
    #[error("invalid {name} = {value}: {expected}")]
    InvalidValue {
        /// The flag or config key, e.g. `--runs` or `net.learning_rate`.
        name: String,
        value: String,
        /// The valid range and the fix, e.g. "expected a finite number > 0".
        expected: String,
    },

    /// An input file that cannot be parsed: a config, CSV, saved model or compressed file.
    /// Exit code 2.
    #[error("malformed {path}: {message}")]
    Malformed { path: PathBuf, message: String },

    /// A file or folder that cannot be read or written. Exit code 2 for a wrong input path
    /// (missing, or a folder), 1 otherwise.
    #[error("cannot {action} {path}: {source}{hint}", hint = io_hint(.source))]
    Io {
        /// What was attempted: "read", "write", "create folder", "rename to".
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A run whose loss, output or weights became NaN or infinite. Exit code 1.
    #[error("{experiment} run {run} diverged: {detail}")]
    Diverged {
        experiment: String,
        run: u32,
        detail: String,
    },

    /// One or more runs of an experiment failed; the others finished. Exit code 1.
    #[error("{experiment}: runs failed: {failed} of {total}; see summary.csv")]
    RunsFailed {
        experiment: String,
        failed: usize,
        total: usize,
    },
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::InvalidValue { .. } | Self::Malformed { .. } => 2,
            Self::Io { action, source, .. } if is_bad_path(action, source) => 2,
            Self::Io { .. } | Self::Diverged { .. } | Self::RunsFailed { .. } => 1,
        }
    }

    /// Shorthand for [`Error::InvalidValue`].
    pub fn invalid(
        name: impl Into<String>,
        value: impl ToString,
        expected: impl Into<String>,
    ) -> Self {
        Self::InvalidValue {
            name: name.into(),
            value: value.to_string(),
            expected: expected.into(),
        }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Whether a failed read means the user named a wrong input path: a missing file, or a
/// folder where a file belongs.
fn is_bad_path(action: &str, error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    action == "read"
        && matches!(
            error.kind(),
            ErrorKind::NotFound | ErrorKind::IsADirectory | ErrorKind::NotADirectory
        )
}

/// The fix to suggest for an I/O error, starting with "; ", or nothing.
fn io_hint(error: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "; check the path",
        ErrorKind::IsADirectory => "; give a file path, not a folder",
        ErrorKind::NotADirectory => "; a part of the path is a file, not a folder",
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            "; choose a writable location"
        }
        ErrorKind::StorageFull => "; free some space or choose another location",
        _ => "",
    }
}

pub type Result<T> = std::result::Result<T, Error>;
