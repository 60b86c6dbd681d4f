//! The engine's one error type.
//!
//! Every failure the engine reports is an [`Error`]: a [`ErrorKind`] (which
//! becomes the JS error's `name`), where it happened (file, line, column, when
//! known) and what was expected, in English and Chinese.

use std::fmt;

use serde::Serialize;

/// A message in both languages the product speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub en: String,
    pub zh: String,
}

impl Msg {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Msg {
        Msg { en: en.into(), zh: zh.into() }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// What kind of failure; the facade maps each to a JS `Error.name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ErrorKind {
    /// The bytes are not a file we can read (bad CSV/XLSX/JSON structure).
    Format,
    /// The text is not in the declared or any detected encoding.
    Encoding,
    /// The input or the request exceeds a size or memory limit.
    Limit,
    /// An option, column name, scorecard or rule is invalid.
    Param,
}

impl ErrorKind {
    /// The JS `Error.name` for this kind.
    pub fn js_name(self) -> &'static str {
        match self {
            ErrorKind::Format => "FormatError",
            ErrorKind::Encoding => "EncodingError",
            ErrorKind::Limit => "LimitError",
            ErrorKind::Param => "ParamError",
        }
    }
}

/// An engine error with its position, when the engine knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Error {
    pub kind: ErrorKind,
    /// File name as given by the caller (a hint; may be absent).
    pub file: Option<String>,
    /// Line in the file, 1-based (the header is line 1 for CSV).
    pub line: Option<u64>,
    /// Column name (or letter for spreadsheets when no header is known).
    pub column: Option<String>,
    pub message: Msg,
}

impl Error {
    pub fn new(kind: ErrorKind, message: Msg) -> Error {
        Error { kind, file: None, line: None, column: None, message }
    }
    pub fn format(en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error::new(ErrorKind::Format, Msg::new(en, zh))
    }
    pub fn encoding(en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error::new(ErrorKind::Encoding, Msg::new(en, zh))
    }
    pub fn limit(en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error::new(ErrorKind::Limit, Msg::new(en, zh))
    }
    pub fn param(en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error::new(ErrorKind::Param, Msg::new(en, zh))
    }
    /// A `ParamError` for a column name that is not in the dataset.
    pub fn unknown_column(name: &str) -> Error {
        Error::param(format!("no column named \"{name}\""), format!("找不到列“{name}”")).at_column(name)
    }
    pub fn in_file(mut self, file: Option<&str>) -> Error {
        if self.file.is_none() {
            self.file = file.map(str::to_owned);
        }
        self
    }
    pub fn at_line(mut self, line: u64) -> Error {
        self.line = Some(line);
        self
    }
    pub fn at_column(mut self, column: impl Into<String>) -> Error {
        self.column = Some(column.into());
        self
    }

    fn location(&self, zh: bool) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.file {
            parts.push(if zh { format!("文件 {f}") } else { format!("file {f}") });
        }
        if let Some(l) = self.line {
            parts.push(if zh { format!("第 {l} 行") } else { format!("line {l}") });
        }
        if let Some(c) = &self.column {
            parts.push(if zh { format!("列“{c}”") } else { format!("column \"{c}\"") });
        }
        parts.join(if zh { "，" } else { ", " })
    }

    /// The full message in English, position first.
    pub fn to_en(&self) -> String {
        let loc = self.location(false);
        if loc.is_empty() {
            self.message.en.clone()
        } else {
            format!("{loc}: {}", self.message.en)
        }
    }

    /// The full message in Chinese, position first.
    pub fn to_zh(&self) -> String {
        let loc = self.location(true);
        if loc.is_empty() {
            self.message.zh.clone()
        } else {
            format!("{loc}：{}", self.message.zh)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_en())
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_file_line_and_column() {
        let e = Error::format("found 7 fields, expected 8", "有 7 个字段，应为 8 个")
            .in_file(Some("hr.csv"))
            .at_line(13)
            .at_column("部门");
        assert_eq!(e.to_string(), "file hr.csv, line 13, column \"部门\": found 7 fields, expected 8");
        assert_eq!(e.to_zh(), "文件 hr.csv，第 13 行，列“部门”：有 7 个字段，应为 8 个");
        assert_eq!(e.kind.js_name(), "FormatError");
    }

    #[test]
    fn in_file_keeps_a_more_specific_file() {
        let e = Error::limit("too big", "太大").in_file(Some("a.xlsx")).in_file(Some("b.xlsx"));
        assert_eq!(e.file.as_deref(), Some("a.xlsx"));
        assert_eq!(e.to_string(), "file a.xlsx: too big");
    }
}
