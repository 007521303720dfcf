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
    if path.is_dir() {
        let error = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return Err(Error::io("write", path, error));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if parent.exists() && !parent.is_dir() {
            let error = std::io::Error::from(std::io::ErrorKind::NotADirectory);
            return Err(Error::io("create folder", parent, error));
        }
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

/// Deletes the temporary files that killed processes left in `folder`: hidden
/// `.NAME.PID.tmp` files (and `.NAME.PID.tmp.EXT`, the figures' form) whose process PID no
/// longer runs. A live process's files are kept, so concurrent shards are safe. Returns
/// the number deleted; a missing folder has none.
///
/// NOTE: a running process is detected through `/proc/PID`, so where `/proc` does not
/// exist nothing is deleted.
///
/// # Errors
/// [`Error::Io`] when the folder exists but cannot be listed, or a stale file cannot be
/// deleted.
pub fn remove_stale_temporaries(folder: &Path) -> Result<usize> {
    if !folder.is_dir() || !Path::new("/proc/self").exists() {
        return Ok(0);
    }
    let entries = fs::read_dir(folder).map_err(|e| Error::io("read", folder, e))?;
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read", folder, e))?;
        let Some(pid) = entry.file_name().to_str().and_then(temporary_owner) else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let path = entry.path();
        fs::remove_file(&path).map_err(|e| Error::io("delete", &path, e))?;
        removed += 1;
    }
    Ok(removed)
}

/// The process id in a temporary name made by [`temporary_path`], with or without an
/// extension appended after `.tmp`.
fn temporary_owner(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?;
    let body = match inner.strip_suffix(".tmp") {
        Some(body) => body,
        None => inner.rsplit_once('.')?.0.strip_suffix(".tmp")?,
    };
    body.rsplit_once('.')?.1.parse().ok()
}

/// Checks, before any work starts, that [`write_atomic`] can put a file at `path`: the path
/// is not a folder, no part of its folder is a file, and the nearest existing folder takes
/// a new file. The folder may not exist yet.
///
/// # Errors
/// [`Error::Io`] naming the path when it is a folder or lies under a file.
pub fn check_output_path(path: &Path) -> Result<()> {
    if path.as_os_str().to_string_lossy().ends_with('/') {
        return Err(Error::invalid(
            "output path",
            path.display(),
            "expected a file name, not a path ending in /",
        ));
    }
    if path.is_dir() {
        let error = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return Err(Error::io("write", path, error));
    }
    let mut folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    while let Some(current) = folder {
        if current.exists() {
            if !current.is_dir() {
                let error = std::io::Error::from(std::io::ErrorKind::NotADirectory);
                return Err(Error::io("write", current, error));
            }
            break;
        }
        folder = current.parent().filter(|p| !p.as_os_str().is_empty());
    }
    // A device such as /dev/null is written in place, so only a file path needs a folder
    // that takes new files.
    if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Ok(());
    }
    probe_folder(folder.unwrap_or(Path::new("."))).map_err(|e| Error::io("write", path, e))
}

/// Creates and deletes a hidden file in `folder`, the nearest existing folder of an output
/// path, to find a read-only or full file system before any work starts.
fn probe_folder(folder: &Path) -> std::io::Result<()> {
    let probe = folder.join(format!(".chunker-probe.{}.tmp", std::process::id()));
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    fs::remove_file(&probe)
}

/// Tells whether `a` and `b` name the same file, whether or not it exists yet: both are
/// resolved through their folders' real paths, so `x`, `./x` and a link to `x` match.
pub fn same_path(a: &Path, b: &Path) -> bool {
    fn resolved(path: &Path) -> Option<PathBuf> {
        if let Ok(real) = fs::canonicalize(path) {
            return Some(real);
        }
        let name = path.file_name()?;
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        let folder = fs::canonicalize(folder.unwrap_or(Path::new("."))).ok()?;
        Some(folder.join(name))
    }
    match (resolved(a), resolved(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// Rejects `output` when it names the same file as `input`, which writing it would
/// destroy; `output_flag` and `input_flag` name both in the error.
///
/// # Errors
/// [`Error::InvalidValue`] naming both flags and the path.
pub fn check_distinct(
    output_flag: &str,
    output: &Path,
    input_flag: &str,
    input: &Path,
) -> Result<()> {
    if same_path(output, input) {
        return Err(Error::invalid(
            output_flag,
            output.display(),
            format!(
                "{output_flag} is the same file as {input_flag}, which it would overwrite; choose another path"
            ),
        ));
    }
    Ok(())
}

/// Reads a whole file, naming the path on failure.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io("read", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_owner_reads_the_pid() {
        assert_eq!(temporary_owner(".curves.csv.123.tmp"), Some(123));
        assert_eq!(temporary_owner(".m4_target_error.png.77.tmp.png"), Some(77));
        assert_eq!(temporary_owner("curves.csv"), None);
        assert_eq!(temporary_owner(".hidden"), None);
        assert_eq!(temporary_owner(".a.b.tmp"), None);
    }
}
