//! Bytes to UTF-8 text, incrementally.
//!
//! `auto` (the default) reads a byte-order mark first (UTF-8, UTF-16LE/BE),
//! then UTF-16 without a mark (NUL bytes every other byte), then decides
//! between UTF-8 and GB18030 (which reads GBK, what Chinese Excel writes)
//! on the 64 KiB that follow the first non-ASCII byte: valid UTF-8 there
//! means UTF-8, else valid GB18030 means GB18030, else the file is
//! rejected with the position of the first bad byte. Everything before the
//! first non-ASCII byte is the same in both, so it passes straight through,
//! and the decision depends only on the content — never on how the file
//! was cut into chunks. A named encoding forces any WHATWG label
//! (`gb18030`, `gbk`, `utf-16le`, `big5`, `shift_jis`, …).
//!
//! UTF-8 is validated in place and handed on without a copy; other
//! encodings go through `encoding_rs` into a reused buffer.

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use crate::engine::error::{Error, Result};

/// Bytes after the first non-ASCII byte that decide UTF-8 vs GB18030.
pub const AUTO_WINDOW: usize = 64 << 10;
/// Bytes looked at for a byte-order mark and UTF-16 without one.
const HEAD: usize = 64;

/// A decoding failure: the encoding, the byte offset in the file, and
/// how many line breaks precede it among bytes not yet handed on.
#[derive(Debug)]
pub enum DecodeError {
    Sink(Error),
    Bad { encoding: String, offset: u64, pending_newlines: u64, also: Option<String> },
}

impl From<Error> for DecodeError {
    fn from(e: Error) -> Self {
        DecodeError::Sink(e)
    }
}

enum State {
    /// Waiting for the first bytes (BOM, UTF-16 check).
    Start(Vec<u8>),
    /// auto: ASCII so far.
    Ascii,
    /// auto: collecting the deciding window from the first non-ASCII byte.
    Window(Vec<u8>),
    /// Validated UTF-8; `carry` holds an incomplete sequence split by a chunk boundary.
    Utf8 { carry: Vec<u8> },
    /// Any other encoding, through encoding_rs.
    Transcode(Box<encoding_rs::Decoder>),
}

pub struct Decoder {
    forced: Option<&'static Encoding>,
    state: State,
    /// Raw bytes consumed so far.
    offset: u64,
    buf: Vec<u8>,
    /// The encoding used, once known.
    pub encoding: Option<&'static Encoding>,
    pub bom: bool,
}

/// The encoding for an `encoding` option, `None` for `auto`.
///
/// # Errors
/// `ParamError` for a label that names no encoding.
pub fn parse_encoding(label: Option<&str>) -> Result<Option<&'static Encoding>> {
    match label.map(str::trim) {
        None | Some("") | Some("auto") => Ok(None),
        Some(l) => Encoding::for_label(l.as_bytes()).map(Some).ok_or_else(|| {
            Error::param(
                format!("encoding \"{l}\" is not known; expected auto, utf-8, gb18030, gbk, utf-16le, utf-16be or another WHATWG label"),
                format!("未知编码“{l}”；应为 auto、utf-8、gb18030、gbk、utf-16le、utf-16be 或其他 WHATWG 编码名"),
            )
        }),
    }
}

/// The name reported in `source().encoding`.
pub fn encoding_name(e: &'static Encoding) -> String {
    e.name().to_ascii_lowercase()
}

fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let n = head.len() / 2 * 2;
    if n < 8 {
        return None;
    }
    let pairs = head.get(..n)?.chunks_exact(2);
    let (mut even0, mut odd0) = (0, 0);
    for p in pairs {
        even0 += usize::from(p.first() == Some(&0));
        odd0 += usize::from(p.get(1) == Some(&0));
    }
    let half = n / 2;
    if odd0 * 10 >= half * 4 && even0 * 10 <= half {
        Some(UTF_16LE)
    } else if even0 * 10 >= half * 4 && odd0 * 10 <= half {
        Some(UTF_16BE)
    } else {
        None
    }
}

impl Decoder {
    pub fn new(forced: Option<&'static Encoding>) -> Decoder {
        Decoder { forced, state: State::Start(Vec::new()), offset: 0, buf: Vec::new(), encoding: None, bom: false }
    }

    /// Decode `input`, handing text to `sink` in order.
    pub fn feed(
        &mut self,
        input: &[u8],
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> std::result::Result<(), DecodeError> {
        self.step(input, false, sink)
    }

    /// The end of the input.
    pub fn finish(&mut self, sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> std::result::Result<(), DecodeError> {
        self.step(&[], true, sink)
    }

    fn step(
        &mut self,
        input: &[u8],
        eof: bool,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> std::result::Result<(), DecodeError> {
        match &mut self.state {
            State::Start(head) => {
                // Only the first HEAD bytes are looked at (and copied); the rest follows as it came.
                let (a, rest) = input.split_at(HEAD.saturating_sub(head.len()).min(input.len()));
                head.extend_from_slice(a);
                if head.len() < HEAD && !eof {
                    return Ok(());
                }
                let head = std::mem::take(head);
                let skip = self.begin(&head);
                self.step(head.get(skip..).unwrap_or(&[]), eof && rest.is_empty(), sink)?;
                if rest.is_empty() {
                    Ok(())
                } else {
                    self.step(rest, eof, sink)
                }
            }
            State::Ascii => match input.iter().position(|&b| b >= 0x80) {
                None => {
                    self.offset += input.len() as u64;
                    sink(input)?;
                    if eof {
                        self.encoding = Some(UTF_8);
                    }
                    Ok(())
                }
                Some(i) => {
                    let (ascii, rest) = input.split_at(i);
                    self.offset += ascii.len() as u64;
                    sink(ascii)?;
                    self.state = State::Window(Vec::new());
                    self.step(rest, eof, sink)
                }
            },
            State::Window(w) => {
                w.extend_from_slice(input);
                if w.len() < AUTO_WINDOW && !eof {
                    return Ok(());
                }
                let w = std::mem::take(w);
                let enc = decide(&w, eof).map_err(|(offset, also)| DecodeError::Bad {
                    encoding: "UTF-8".into(),
                    offset: self.offset + offset as u64,
                    pending_newlines: w.iter().take(offset).filter(|&&b| b == b'\n').count() as u64,
                    also: Some(also),
                })?;
                self.use_encoding(enc);
                self.step(&w, eof, sink)
            }
            State::Utf8 { carry } => {
                let mut input = input;
                if !carry.is_empty() {
                    let need = utf8_len(carry.first().copied().unwrap_or(0)).saturating_sub(carry.len());
                    let take = need.min(input.len());
                    let (head, rest) = input.split_at(take);
                    carry.extend_from_slice(head);
                    input = rest;
                    if carry.len() < utf8_len(carry.first().copied().unwrap_or(0)) {
                        if eof {
                            return Err(self.bad_utf8(0));
                        }
                        return Ok(());
                    }
                    let seq = std::mem::take(carry);
                    if std::str::from_utf8(&seq).is_err() {
                        return Err(self.bad_utf8(0));
                    }
                    self.offset += seq.len() as u64;
                    sink(&seq)?;
                }
                match std::str::from_utf8(input) {
                    Ok(_) => {
                        self.offset += input.len() as u64;
                        sink(input)?;
                    }
                    Err(e) => {
                        let valid = e.valid_up_to();
                        let (good, rest) = input.split_at(valid);
                        self.offset += good.len() as u64;
                        sink(good)?;
                        if e.error_len().is_some() || eof || rest.len() > 3 {
                            return Err(self.bad_utf8(0));
                        }
                        if let State::Utf8 { carry } = &mut self.state {
                            carry.extend_from_slice(rest);
                        }
                    }
                }
                if eof {
                    if let State::Utf8 { carry } = &self.state {
                        if !carry.is_empty() {
                            return Err(self.bad_utf8(0));
                        }
                    }
                }
                Ok(())
            }
            State::Transcode(dec) => {
                let mut src = input;
                if self.buf.len() < (64 << 10) {
                    self.buf.resize(64 << 10, 0);
                }
                loop {
                    let (res, read, written) = dec.decode_to_utf8_without_replacement(src, &mut self.buf, eof);
                    self.offset += read as u64;
                    if let Some(out) = self.buf.get(..written) {
                        sink(out)?;
                    }
                    src = src.get(read..).unwrap_or(&[]);
                    match res {
                        DecoderResult::InputEmpty => return Ok(()),
                        DecoderResult::OutputFull => continue,
                        DecoderResult::Malformed(bad, after) => {
                            let at = self.offset.saturating_sub(u64::from(bad) + u64::from(after));
                            return Err(DecodeError::Bad {
                                encoding: self.encoding.map_or("?".into(), |e| e.name().to_owned()),
                                offset: at,
                                pending_newlines: 0,
                                also: None,
                            });
                        }
                    }
                }
            }
        }
    }

    fn bad_utf8(&self, pending: u64) -> DecodeError {
        DecodeError::Bad { encoding: "UTF-8".into(), offset: self.offset, pending_newlines: pending, also: None }
    }

    /// BOM or forced encoding; returns the length of the mark to skip.
    fn begin(&mut self, head: &[u8]) -> usize {
        let (bom_enc, bom_len) = match Encoding::for_bom(head) {
            Some((e, n)) => (Some(e), n),
            None => (None, 0),
        };
        // A byte-order mark is definitive, as in browsers (it wins over a forced encoding).
        let enc = match (self.forced, bom_enc) {
            (_, Some(b)) => {
                self.bom = true;
                Some(b)
            }
            (Some(f), None) => Some(f),
            (None, None) => utf16_without_bom(head),
        };
        match enc {
            Some(e) => self.use_encoding(e),
            None => self.state = State::Ascii,
        }
        if self.bom {
            self.offset = bom_len as u64;
            bom_len
        } else {
            0
        }
    }

    fn use_encoding(&mut self, e: &'static Encoding) {
        self.encoding = Some(e);
        self.state = if e == UTF_8 {
            State::Utf8 { carry: Vec::new() }
        } else {
            State::Transcode(Box::new(e.new_decoder_without_bom_handling()))
        };
    }
}

/// Bytes in a UTF-8 sequence from its lead byte (1 for an invalid lead, so it fails validation).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// UTF-8 if the window is valid UTF-8 (an incomplete last sequence is fine
/// before the end of input), else GB18030 if that decodes, else the offset of
/// the first bad UTF-8 byte and why GB18030 failed too.
fn decide(w: &[u8], eof: bool) -> std::result::Result<&'static Encoding, (usize, String)> {
    match std::str::from_utf8(w) {
        Ok(_) => return Ok(UTF_8),
        Err(e) if e.error_len().is_none() && !eof => return Ok(UTF_8),
        Err(_) => {}
    }
    let utf8_bad = std::str::from_utf8(w).err().map_or(0, |e| e.valid_up_to());
    let mut dec = GB18030.new_decoder_without_bom_handling();
    let mut out = vec![0u8; w.len() * 2 + 16];
    let (res, _, _) = dec.decode_to_utf8_without_replacement(w, &mut out, eof);
    match res {
        DecoderResult::InputEmpty => Ok(GB18030),
        DecoderResult::Malformed(..) | DecoderResult::OutputFull => Err((utf8_bad, "nor GB18030".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        bytes: &[u8],
        forced: Option<&'static Encoding>,
        chunk: usize,
    ) -> std::result::Result<(String, String), String> {
        let mut d = Decoder::new(forced);
        let mut out = Vec::new();
        let mut sink = |t: &[u8]| -> Result<()> {
            out.extend_from_slice(t);
            Ok(())
        };
        for c in bytes.chunks(chunk.max(1)) {
            d.feed(c, &mut sink).map_err(|e| format!("{e:?}"))?;
        }
        d.finish(&mut sink).map_err(|e| format!("{e:?}"))?;
        let name = d.encoding.map(encoding_name).unwrap_or_default();
        Ok((String::from_utf8(out).unwrap(), name))
    }

    #[test]
    fn detects_encodings_in_any_chunking() {
        let text = "工号,部门\nE01,客服一部\n";
        let (gbk, _, _) = GB18030.encode(text);
        let mut utf16le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16le.extend_from_slice(&u.to_le_bytes());
        }
        let mut utf16be_nobom = Vec::new();
        for u in text.encode_utf16() {
            utf16be_nobom.extend_from_slice(&u.to_be_bytes());
        }
        let bom8 = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        for chunk in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(run(text.as_bytes(), None, chunk).unwrap(), (text.to_owned(), "utf-8".into()));
            assert_eq!(run(&gbk, None, chunk).unwrap(), (text.to_owned(), "gb18030".into()));
            assert_eq!(run(&utf16le, None, chunk).unwrap(), (text.to_owned(), "utf-16le".into()));
            assert_eq!(run(&utf16be_nobom, None, chunk).unwrap(), (text.to_owned(), "utf-16be".into()));
            assert_eq!(run(&bom8, None, chunk).unwrap(), (text.to_owned(), "utf-8".into()));
            assert_eq!(run(&gbk, Some(GB18030), chunk).unwrap().0, text);
        }
    }

    #[test]
    fn rejects_bytes_that_fit_no_encoding() {
        let e = run(b"a,b\n1,\xff\n", None, 3).unwrap_err();
        assert!(e.contains("offset: 6"), "{e}");
        let e = run("名".as_bytes().get(..2).unwrap(), Some(UTF_8), 1).unwrap_err();
        assert!(e.contains("Bad"), "{e}");
        assert!(parse_encoding(Some("klingon")).is_err());
        assert_eq!(parse_encoding(Some("GBK")).unwrap(), Some(encoding_rs::GBK));
        assert_eq!(parse_encoding(Some("auto")).unwrap(), None);
    }
}
