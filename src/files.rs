//! Atomic file writes: every output is written to a temporary file beside its final path,
//! flushed to disk, then renamed, so that an interrupted process never leaves a partly
//! written file under the final name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically, creating the parent folder if needed.
///
/// # Errors
/// [`Error::Io`] naming the path when the folder cannot be created or the file cannot be
/// written, flushed or renamed; the temporary file is removed in that case.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    // A rename would replace a device, pipe or socket (`/dev/null`, `/dev/full`, a FIFO)
    // with a regular file, so such a target is written in place.
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return write_in_place(path, bytes);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io("create folder", parent, e))?;
    }
    let temporary = temporary_path(path);
    let result = write_and_sync(&temporary, bytes)
        .map_err(|e| Error::io("write", path, e))
        .and_then(|()| fs::rename(&temporary, path).map_err(|e| Error::io("rename to", path, e)));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// The temporary name used while writing `path`: a hidden sibling that ends in `.tmp`.
pub fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn write_and_sync(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn write_in_place(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io("write", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| Error::io("write", path, e))
}

/// Reads a whole file, naming the path on failure.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io("read", path, e))
}

