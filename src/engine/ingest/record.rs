//! The cells a reader hands to the table builder.
//!
//! CSV gives text (`Cell::Text`, bytes of valid UTF-8 straight out of the
//! scanner's buffer, so no `String` per cell); XLSX and JSON also give typed
//! numbers, booleans and dates.

use std::borrow::Cow;

use crate::engine::dataset::format_number;
use crate::engine::dates;

/// One cell, borrowed from the reader.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Empty,
    /// UTF-8 text as written (not trimmed).
    Text(&'a [u8]),
    Number(f64),
    Bool(bool),
    /// A spreadsheet date: days since 1970-01-01; `time` when it had a time of day.
    Date {
        days: f64,
        time: bool,
    },
}

impl Cell<'_> {
    /// The cell as text (numbers and dates in their display form).
    pub fn text(&self) -> Cow<'_, str> {
        match *self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(b) => String::from_utf8_lossy(b),
            Cell::Number(v) => Cow::Owned(format_number(v)),
            Cell::Bool(b) => Cow::Borrowed(if b { "TRUE" } else { "FALSE" }),
            Cell::Date { days, .. } => Cow::Owned(dates::format_day(days)),
        }
    }

    /// Empty or whitespace only.
    pub fn is_blank(&self) -> bool {
        match *self {
            Cell::Empty => true,
            Cell::Text(b) => super::cell::is_blank(b),
            _ => false,
        }
    }

    pub fn to_owned(self) -> OwnedCell {
        match self {
            Cell::Empty => OwnedCell::Empty,
            Cell::Text(b) => OwnedCell::Text(String::from_utf8_lossy(b).into_owned()),
            Cell::Number(v) => OwnedCell::Number(v),
            Cell::Bool(b) => OwnedCell::Bool(b),
            Cell::Date { days, time } => OwnedCell::Date { days, time },
        }
    }
}

/// An owned cell (kept while sampling the first rows, and for XLSX/JSON rows).
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedCell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date { days: f64, time: bool },
}

impl OwnedCell {
    pub fn as_cell(&self) -> Cell<'_> {
        match self {
            OwnedCell::Empty => Cell::Empty,
            OwnedCell::Text(s) => Cell::Text(s.as_bytes()),
            OwnedCell::Number(v) => Cell::Number(*v),
            OwnedCell::Bool(b) => Cell::Bool(*b),
            OwnedCell::Date { days, time } => Cell::Date { days: *days, time: *time },
        }
    }

    /// Bytes this cell stands for in the file (for size estimates).
    pub fn weight(&self) -> usize {
        match self {
            OwnedCell::Empty => 0,
            OwnedCell::Text(s) => s.len(),
            _ => 8,
        }
    }
}

/// A row of cells as a reader sees it.
pub trait Record {
    /// Number of fields in the row as written (trailing empty fields included).
    fn len(&self) -> usize;
    /// Field `i`, `Cell::Empty` past the end.
    fn cell(&self, i: usize) -> Cell<'_>;

    /// Number of fields up to the last non-blank one.
    fn trimmed_len(&self) -> usize {
        (0..self.len()).rev().find(|&i| !self.cell(i).is_blank()).map_or(0, |i| i + 1)
    }

    /// Number of non-blank fields.
    fn filled(&self) -> usize {
        (0..self.len()).filter(|&i| !self.cell(i).is_blank()).count()
    }
}

impl Record for [OwnedCell] {
    fn len(&self) -> usize {
        <[OwnedCell]>::len(self)
    }
    fn cell(&self, i: usize) -> Cell<'_> {
        self.get(i).map_or(Cell::Empty, OwnedCell::as_cell)
    }
}

impl Record for Vec<OwnedCell> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn cell(&self, i: usize) -> Cell<'_> {
        self.as_slice().cell(i)
    }
}

/// A CSV record straight from the scanner: one buffer, field end offsets.
/// `gap` is 0 when the buffer holds the unescaped fields back to back
/// (csv-core's output), 1 when it is the record as written, delimiters
/// included (the scanner's zero-copy path).
pub struct CsvRecord<'a> {
    pub buf: &'a [u8],
    pub ends: &'a [usize],
    pub gap: usize,
}

impl Record for CsvRecord<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.ends.len()
    }
    #[inline]
    fn cell(&self, i: usize) -> Cell<'_> {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).map_or(0, |e| e + self.gap) };
        match self.ends.get(i).and_then(|&end| self.buf.get(start..end)) {
            Some(b) => Cell::Text(b),
            None => Cell::Empty,
        }
    }
}
