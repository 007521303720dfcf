//! Little-endian reading and writing for the binary file formats (compressed files and
//! saved models). Reading past the end is an [`Error::Malformed`] naming the file and the
//! field, never a panic.

use std::path::Path;

use crate::error::{Error, Result};

/// A cursor over the bytes of one file.
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
    path: &'a Path,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], path: &'a Path) -> Self {
        Self {
            bytes,
            offset: 0,
            path,
        }
    }

    /// The error for this file with `message`.
    pub fn malformed(&self, message: impl Into<String>) -> Error {
        Error::Malformed {
            path: self.path.to_path_buf(),
            message: message.into(),
        }
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// The next `count` bytes, or an error naming `field` when the file ends first.
    pub fn take(&mut self, count: usize, field: &str) -> Result<&'a [u8]> {
        if count > self.remaining() {
            return Err(self.malformed(format!(
                "truncated: {field} needs {count} bytes at offset {}, but only {} remain",
                self.offset,
                self.remaining()
            )));
        }
        let slice = &self.bytes[self.offset..self.offset + count];
        self.offset += count;
        Ok(slice)
    }

    pub fn array<const N: usize>(&mut self, field: &str) -> Result<[u8; N]> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N, field)?);
        Ok(array)
    }

    pub fn u8(&mut self, field: &str) -> Result<u8> {
        Ok(self.array::<1>(field)?[0])
    }

    pub fn u16(&mut self, field: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }

    pub fn u32(&mut self, field: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    pub fn u64(&mut self, field: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    pub fn f64(&mut self, field: &str) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array(field)?))
    }

    /// A `u32` that must lie in `range`, as a `usize`.
    pub fn u32_in(&mut self, field: &str, range: std::ops::RangeInclusive<usize>) -> Result<usize> {
        let value = self.u32(field)? as usize;
        if !range.contains(&value) {
            return Err(self.malformed(format!(
                "{field} = {value} is outside {} ..= {}",
                range.start(),
                range.end()
            )));
        }
        Ok(value)
    }
}

/// Splits a file into its body and the CRC-32 stored in its last four bytes, and checks
/// that they agree.
///
/// # Errors
/// [`Error::Malformed`] when the file is shorter than four bytes or the checksum differs.
pub fn check_trailing_crc<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a [u8]> {
    let Some(body_len) = bytes.len().checked_sub(4) else {
        return Err(Error::Malformed {
            path: path.to_path_buf(),
            message: format!("truncated: {} bytes, too short for a checksum", bytes.len()),
        });
    };
    let (body, stored) = bytes.split_at(body_len);
    let stored = u32::from_le_bytes([stored[0], stored[1], stored[2], stored[3]]);
    let computed = super::checksum::crc32(body);
    if stored != computed {
        return Err(Error::Malformed {
            path: path.to_path_buf(),
            message: format!(
                "checksum mismatch (stored {stored:#010x}, computed {computed:#010x}): \
                 the file is corrupted or truncated"
            ),
        });
    }
    Ok(body)
}
