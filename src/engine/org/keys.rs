//! A column as interned keys, whatever its kind: strings keep their codes,
//! numbers and dates are interned by their display form.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::engine::dataset::{format_number, Column, ColumnData, MISSING_CODE};

/// Codes per row into `dict` ([`MISSING_CODE`] = missing).
#[derive(Debug, Clone)]
pub struct Keys<'a> {
    pub codes: Cow<'a, [u32]>,
    pub dict: Cow<'a, [String]>,
}

impl Keys<'_> {
    pub fn get(&self, row: usize) -> Option<&str> {
        let c = *self.codes.get(row)?;
        self.dict.get(c as usize).map(String::as_str)
    }
}

/// The column's values as keys. String columns are borrowed; number and date
/// columns are interned once (one hash per row, only for these kinds).
pub fn keys(col: &Column) -> Keys<'_> {
    match &col.data {
        ColumnData::Strings { values, .. } => {
            Keys { codes: Cow::Borrowed(&values.codes), dict: Cow::Borrowed(&values.dict) }
        }
        ColumnData::Number(v) => {
            let mut index: HashMap<u64, u32> = HashMap::new();
            let mut dict = Vec::new();
            let codes = v
                .iter()
                .map(|x| {
                    if x.is_nan() {
                        return MISSING_CODE;
                    }
                    let bits = if x == 0.0 { 0 } else { x.to_bits() };
                    *index.entry(bits).or_insert_with(|| {
                        dict.push(format_number(x));
                        (dict.len() - 1) as u32
                    })
                })
                .collect();
            Keys { codes: Cow::Owned(codes), dict: Cow::Owned(dict) }
        }
        ColumnData::Date { days, .. } => {
            let mut index: HashMap<String, u32> = HashMap::new();
            let mut dict = Vec::new();
            let codes = (0..days.len())
                .map(|i| match col.display(i) {
                    None => MISSING_CODE,
                    Some(s) => *index.entry(s.to_string()).or_insert_with(|| {
                        dict.push(s.to_string());
                        (dict.len() - 1) as u32
                    }),
                })
                .collect();
            Keys { codes: Cow::Owned(codes), dict: Cow::Owned(dict) }
        }
    }
}
