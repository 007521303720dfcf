//! Reading a CSV record file back for a figure or a table, with typed column access.
//! Every problem is [`Error::Malformed`] naming the file, the row and the column.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::files;

/// A CSV file held as text cells: its header and its rows, all as long as the header.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Reads the CSV file at `path`. Every row must have as many cells as the header.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Malformed`] when it is empty
/// (no header line), not UTF-8, or has a row longer or shorter than the header.
pub fn read_table(path: &Path) -> Result<Table> {
    let bytes = files::read(path)?;
    let malformed = |message: String| Error::Malformed {
        path: path.into(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| malformed(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() || header.iter().all(String::is_empty) {
        return Err(malformed(
            "no header line; expected a CSV header naming the columns".into(),
        ));
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| malformed(format!("row {}: {e}", index + 1)))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Table {
        path: path.into(),
        header,
        rows,
    })
}

impl Table {
    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The index of column `name`.
    ///
    /// # Errors
    /// [`Error::Malformed`] listing the columns the file has.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            self.malformed(format!(
                "missing column `{name}`; the header has {:?}",
                self.header
            ))
        })
    }

    /// Checks that the header is exactly `expected`, in order.
    ///
    /// # Errors
    /// [`Error::Malformed`] showing both headers.
    pub fn expect_header(&self, expected: &[&str]) -> Result<()> {
        if self
            .header
            .iter()
            .map(String::as_str)
            .ne(expected.iter().copied())
        {
            return Err(self.malformed(format!(
                "header {:?} differs from the expected {expected:?}",
                self.header
            )));
        }
        Ok(())
    }

    /// Column `name` as text.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the column is missing.
    pub fn texts(&self, name: &str) -> Result<Vec<String>> {
        let column = self.column(name)?;
        Ok(self.rows.iter().map(|row| row[column].clone()).collect())
    }

    /// Column `name` as numbers; an empty cell and `NaN` read as NaN, `inf` as infinity.
    ///
    /// # Errors
    /// [`Error::Malformed`] naming the row and column of a cell that is not a number.
    pub fn floats(&self, name: &str) -> Result<Vec<f64>> {
        self.parse_column(name, "a number", |cell| {
            if cell.is_empty() {
                Some(f64::NAN)
            } else {
                cell.parse().ok()
            }
        })
    }

    /// Column `name` as non-negative integers.
    ///
    /// # Errors
    /// [`Error::Malformed`] naming the row and column of a cell that is not one.
    pub fn integers(&self, name: &str) -> Result<Vec<u64>> {
        self.parse_column(name, "a non-negative integer", |cell| cell.parse().ok())
    }

    /// Column `name` as non-negative integers where an empty cell is `None`, as in
    /// `sequences_to_solve` of an unsolved run.
    ///
    /// # Errors
    /// [`Error::Malformed`] naming the row and column of a cell that is neither.
    pub fn optional_integers(&self, name: &str) -> Result<Vec<Option<u64>>> {
        self.parse_column(name, "a non-negative integer or an empty cell", |cell| {
            if cell.is_empty() {
                Some(None)
            } else {
                cell.parse().ok().map(Some)
            }
        })
    }

    /// Column `name` as `true` / `false`.
    ///
    /// # Errors
    /// [`Error::Malformed`] naming the row and column of a cell that is neither.
    pub fn bools(&self, name: &str) -> Result<Vec<bool>> {
        self.parse_column(name, "true or false", |cell| cell.parse().ok())
    }

    fn parse_column<T>(
        &self,
        name: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>> {
        let column = self.column(name)?;
        self.rows
            .iter()
            .enumerate()
            .map(|(index, row)| {
                let cell = row[column].trim();
                parse(cell).ok_or_else(|| {
                    self.malformed(format!(
                        "row {}, column `{name}`: {cell:?} is not {expected}",
                        index + 1
                    ))
                })
            })
            .collect()
    }

    fn malformed(&self, message: String) -> Error {
        Error::Malformed {
            path: self.path.clone(),
            message,
        }
    }
}
