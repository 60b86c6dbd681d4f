//! CSV text to records, incrementally, with `csv-core` (rust-csv's RFC 4180
//! state machine: quoting, escaped quotes, newlines inside fields, CRLF/LF/CR).
//!
//! The first 64 KiB of text decide the delimiter (`,` `\t` `;` `|`, or a
//! `sep=;` first line), and the line ending; then records stream from the
//! scanner's buffer into the table builder without a `String` per field.
//! Lines are counted exactly (1-based, as a text editor shows them), blank
//! lines are reported, and a record that grows past the record limit stops
//! with a `LimitError` that points at the probable unclosed quote.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use crate::engine::error::{Error, Result};

use super::record::CsvRecord;
use super::table::TableBuilder;

/// Where the scanner's records go: the table builder, or a test's collector.
pub trait RecordSink {
    fn record(&mut self, line: u64, rec: &CsvRecord<'_>) -> Result<()>;
    fn blank_lines(&mut self, first: u64, n: u64);
    fn unclosed_quote(&mut self, line: u64, lines: u64);
}

impl RecordSink for TableBuilder {
    #[inline]
    fn record(&mut self, line: u64, rec: &CsvRecord<'_>) -> Result<()> {
        self.push_record(line, rec)
    }
    fn blank_lines(&mut self, first: u64, n: u64) {
        self.push_blank_lines(first, n);
    }
    fn unclosed_quote(&mut self, line: u64, lines: u64) {
        TableBuilder::unclosed_quote(self, line, lines);
    }
}

/// Text examined to pick the delimiter and line ending.
pub const SNIFF_BYTES: usize = 64 << 10;
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// What the front end found out about the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsvInfo {
    pub delimiter: u8,
    /// `lf`, `crlf` or `cr`.
    pub line_ending: &'static str,
    /// The file began with a `sep=X` line (skipped).
    pub sep_line: bool,
}

/// The delimiter for a `delimiter` option.
///
/// # Errors
/// `ParamError` for anything but `,` `;` tab `|`.
pub fn parse_delimiter(d: &str) -> Result<u8> {
    match d {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" => Ok(b'|'),
        other => Err(Error::param(
            format!("delimiter \"{other}\" is not supported; expected one of , ; \\t |"),
            format!("不支持分隔符“{other}”；应为 , ; \\t | 之一"),
        )),
    }
}

/// The candidate that splits the first records into the most rows of the
/// same, non-trivial width (quotes respected; ties go to `,` then tab, `;`, `|`).
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for d in DELIMITERS {
        let mut rdr = ::csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(text);
        let widths: Vec<usize> = rdr.byte_records().take(40).filter_map(|r| r.ok()).map(|r| r.len()).collect();
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for &w in widths.iter().filter(|&&w| w >= 2) {
            match counts.iter_mut().find(|(x, _)| *x == w) {
                Some((_, n)) => *n += 1,
                None => counts.push((w, 1)),
            }
        }
        let Some(&(w, n)) = counts.iter().max_by_key(|(w, n)| (*n, *w)) else { continue };
        if (n, w) > (best.1, best.2) {
            best = (d, n, w);
        }
    }
    best.0
}

/// `sep=;` (optionally quoted) as the first line: its delimiter and length with the line break.
fn sep_line(text: &[u8]) -> Option<(u8, usize)> {
    let end = text.iter().position(|&b| b == b'\n' || b == b'\r')?;
    let line = text.get(..end)?;
    let line = line.strip_prefix(b"\"").and_then(|l| l.strip_suffix(b"\"")).unwrap_or(line);
    let rest = line.get(..4).filter(|p| p.eq_ignore_ascii_case(b"sep=")).and(line.get(4..))?;
    let d = match rest {
        [d] => *d,
        b"\\t" => b'\t',
        _ => return None,
    };
    let mut len = end + 1;
    if text.get(end) == Some(&b'\r') && text.get(end + 1) == Some(&b'\n') {
        len += 1;
    }
    Some((d, len))
}

fn line_ending(text: &[u8]) -> &'static str {
    let (mut crlf, mut lf, mut cr) = (0, 0, 0);
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'\r' if text.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                i += 1;
            }
            b'\r' => cr += 1,
            b'\n' => lf += 1,
            _ => {}
        }
        i += 1;
    }
    if cr > 0 && lf == 0 && crlf == 0 {
        "cr"
    } else if crlf > lf {
        "crlf"
    } else {
        "lf"
    }
}

enum Stage {
    Sniffing(Vec<u8>),
    Parsing(Box<Scanner>),
}

/// Decoded text in, records out to a [`TableBuilder`].
pub struct CsvFront {
    forced: Option<u8>,
    stage: Stage,
    pub info: CsvInfo,
    max_record: usize,
    max_fields: usize,
}

impl CsvFront {
    pub fn new(forced: Option<u8>, max_record: usize, max_fields: usize) -> CsvFront {
        CsvFront { forced, stage: Stage::Sniffing(Vec::new()), info: CsvInfo::default(), max_record, max_fields }
    }

    /// The line the front end has reached (for errors found while decoding).
    pub fn line(&self) -> u64 {
        match &self.stage {
            Stage::Sniffing(buf) => 1 + buf.iter().filter(|&&b| b == b'\n').count() as u64,
            Stage::Parsing(s) => s.line,
        }
    }

    pub fn feed(&mut self, text: &[u8], table: &mut TableBuilder) -> Result<()> {
        match &mut self.stage {
            Stage::Sniffing(buf) => {
                // Exactly the first SNIFF_BYTES decide; the rest goes straight to the scanner.
                let (a, b) = text.split_at(SNIFF_BYTES.saturating_sub(buf.len()).min(text.len()));
                buf.extend_from_slice(a);
                if buf.len() < SNIFF_BYTES {
                    return Ok(());
                }
                self.begin(false, table)?;
                match &mut self.stage {
                    Stage::Parsing(s) => s.feed(b, table),
                    Stage::Sniffing(_) => Ok(()),
                }
            }
            Stage::Parsing(s) => s.feed(text, table),
        }
    }

    pub fn finish(&mut self, table: &mut TableBuilder) -> Result<()> {
        if matches!(self.stage, Stage::Sniffing(_)) {
            self.begin(true, table)?;
        }
        match &mut self.stage {
            Stage::Parsing(s) => s.finish(table),
            Stage::Sniffing(_) => Ok(()),
        }
    }

    fn begin(&mut self, eof: bool, table: &mut TableBuilder) -> Result<()> {
        let Stage::Sniffing(buf) = &mut self.stage else { return Ok(()) };
        let buf = std::mem::take(buf);
        // Exactly the first SNIFF_BYTES, cut at the last line break: the same
        // whatever the chunking.
        let window = buf.get(..buf.len().min(SNIFF_BYTES)).unwrap_or(&[]);
        let window = if eof && buf.len() <= SNIFF_BYTES {
            window
        } else {
            window.iter().rposition(|&b| b == b'\n' || b == b'\r').and_then(|i| window.get(..=i)).unwrap_or(window)
        };
        let sep = sep_line(window);
        let body = sep.and_then(|(_, n)| window.get(n..)).unwrap_or(window);
        let delimiter = match (self.forced, sep) {
            (Some(d), _) => d,
            (None, Some((d, _))) if DELIMITERS.contains(&d) => d,
            _ => sniff_delimiter(body),
        };
        let ending = line_ending(window);
        self.info = CsvInfo { delimiter, line_ending: ending, sep_line: sep.is_some() };
        let mut scanner = Scanner::new(delimiter, ending == "cr", self.max_record, self.max_fields);
        let mut rest: &[u8] = &buf;
        if let Some((d, n)) = sep {
            let shown = String::from_utf8_lossy(buf.get(..n).unwrap_or(&[])).trim().to_owned();
            table.note_skipped(1, "sep", &shown);
            let _ = d;
            rest = buf.get(n..).unwrap_or(&[]);
            scanner.line = 2;
        }
        scanner.feed(rest, table)?;
        self.stage = Stage::Parsing(Box::new(scanner));
        Ok(())
    }
}

/// Byte classes of the fast path.
const PLAIN: u8 = 0;
const DELIM: u8 = 1;
const EOL: u8 = 2;
const QUOTE: u8 = 3;

/// The record scanner: `csv-core` for any record with a quote, and for
/// records cut by a chunk boundary; a zero-copy split for the common record
/// without quotes that ends within the chunk (one table lookup per byte, no
/// copy into a buffer). The two agree on every input (a property test checks
/// it against the csv crate).
pub struct Scanner {
    core: Reader,
    class: [u8; 256],
    fast_ends: Vec<usize>,
    out: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    at_start: bool,
    /// The line at the scanner's position (1-based).
    pub line: u64,
    record_line: u64,
    prev_cr: bool,
    cr_mode: bool,
    blank_run: u64,
    max_record: usize,
    max_fields: usize,
    first: bool,
}

impl Scanner {
    pub fn new(delimiter: u8, cr_mode: bool, max_record: usize, max_fields: usize) -> Scanner {
        let mut class = [PLAIN; 256];
        if let Some(c) = class.get_mut(usize::from(delimiter)) {
            *c = DELIM;
        }
        for (b, k) in [(b'\n', EOL), (b'\r', EOL), (b'"', QUOTE)] {
            if let Some(c) = class.get_mut(usize::from(b)) {
                *c = k;
            }
        }
        Scanner {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            class,
            fast_ends: Vec::with_capacity(256),
            out: vec![0; 64 << 10],
            ends: vec![0; 256],
            out_len: 0,
            ends_len: 0,
            at_start: true,
            line: 1,
            record_line: 1,
            prev_cr: false,
            cr_mode,
            blank_run: 0,
            max_record,
            max_fields,
            first: true,
        }
    }

    pub fn feed<S: RecordSink>(&mut self, mut input: &[u8], table: &mut S) -> Result<()> {
        if self.first {
            self.first = false;
            // As csv-core does on its first read: a UTF-8 byte-order mark is not data.
            if let Some(rest) = input.strip_prefix(b"\xEF\xBB\xBF") {
                input = rest;
            }
        }
        while !input.is_empty() {
            if self.at_start {
                input = self.skip_line_breaks(input);
                if input.is_empty() {
                    return Ok(());
                }
                self.at_start = false;
                self.record_line = self.line;
                if self.blank_run > 0 {
                    table.blank_lines(self.line - self.blank_run, self.blank_run);
                    self.blank_run = 0;
                }
                if let Some(n) = self.fast_record(input, table)? {
                    input = input.get(n..).unwrap_or(&[]);
                    continue;
                }
            }
            let consumed = self.read(input, table)?;
            input = input.get(consumed..).unwrap_or(&[]);
        }
        Ok(())
    }

    /// Line breaks at the start of a record are blank lines (except the LF of
    /// a CRLF that ended the previous record).
    fn skip_line_breaks<'a>(&mut self, input: &'a [u8]) -> &'a [u8] {
        let mut i = 0;
        if self.prev_cr {
            self.prev_cr = false;
            if !self.cr_mode && input.first() == Some(&b'\n') {
                self.line += 1;
                i = 1;
            }
        }
        while let Some(&b) = input.get(i) {
            match b {
                b'\n' if !self.cr_mode => {
                    self.line += 1;
                    self.blank_run += 1;
                }
                b'\r' if self.cr_mode => {
                    self.line += 1;
                    self.blank_run += 1;
                }
                b'\n' | b'\r' => {}
                _ => break,
            }
            i += 1;
        }
        input.get(i..).unwrap_or(&[])
    }

    /// A whole unquoted record at the start of `input`: split in place and
    /// handed on; returns the bytes consumed with its line break. `None`
    /// when the record has a quote or does not end in this chunk.
    #[inline]
    fn fast_record<S: RecordSink>(&mut self, input: &[u8], table: &mut S) -> Result<Option<usize>> {
        self.fast_ends.clear();
        let mut end = None;
        let class = &self.class;
        for (i, &b) in input.iter().enumerate() {
            // A u8 indexes a 256-entry table: always in bounds.
            #[allow(clippy::indexing_slicing)]
            let k = class[usize::from(b)];
            if k == PLAIN {
                continue;
            }
            if k == DELIM {
                if self.fast_ends.len() >= self.max_fields {
                    return Ok(None);
                }
                self.fast_ends.push(i);
            } else if k == EOL {
                end = Some((i, b));
                break;
            } else {
                return Ok(None);
            }
        }
        let Some((i, term)) = end else { return Ok(None) };
        if i > self.max_record {
            return Ok(None);
        }
        self.fast_ends.push(i);
        let rec = CsvRecord { buf: input.get(..i).unwrap_or(&[]), ends: &self.fast_ends, gap: 1 };
        table.record(self.record_line, &rec)?;
        if term == b'\n' {
            self.line += u64::from(!self.cr_mode);
            self.prev_cr = false;
        } else {
            self.line += u64::from(self.cr_mode);
            self.prev_cr = true;
        }
        self.at_start = true;
        Ok(Some(i + 1))
    }

    /// One call into csv-core; returns the bytes consumed.
    fn read<S: RecordSink>(&mut self, input: &[u8], table: &mut S) -> Result<usize> {
        let before = self.core.line();
        let (out, ends) = match (self.out.get_mut(self.out_len..), self.ends.get_mut(self.ends_len..)) {
            (Some(o), Some(e)) => (o, e),
            _ => return Ok(input.len()),
        };
        let (res, nin, nout, nend) = self.core.read_record(input, out, ends);
        let consumed = input.get(..nin).unwrap_or(&[]);
        if self.cr_mode {
            self.line += consumed.iter().filter(|&&b| b == b'\r').count() as u64;
        } else {
            self.line += self.core.line() - before;
        }
        self.out_len += nout;
        self.ends_len += nend;
        match res {
            ReadRecordResult::InputEmpty | ReadRecordResult::End => {}
            ReadRecordResult::OutputFull => self.grow_out()?,
            ReadRecordResult::OutputEndsFull => self.grow_ends()?,
            ReadRecordResult::Record => {
                self.prev_cr = consumed.last() == Some(&b'\r');
                self.emit(table)?;
            }
        }
        Ok(nin)
    }

    fn emit<S: RecordSink>(&mut self, table: &mut S) -> Result<()> {
        let rec = CsvRecord {
            buf: self.out.get(..self.out_len).unwrap_or(&[]),
            ends: self.ends.get(..self.ends_len).unwrap_or(&[]),
            gap: 0,
        };
        table.record(self.record_line, &rec)?;
        self.out_len = 0;
        self.ends_len = 0;
        self.at_start = true;
        Ok(())
    }

    fn grow_out(&mut self) -> Result<()> {
        let n = self.out.len() * 2;
        if n > self.max_record {
            return Err(Error::limit(
                format!(
                    "the record starting on line {} is longer than {} MB; a quote (\") there is probably never closed",
                    self.record_line,
                    self.max_record >> 20
                ),
                format!(
                    "从第 {} 行开始的记录超过 {} MB；该处的引号（\"）可能没有闭合",
                    self.record_line,
                    self.max_record >> 20
                ),
            )
            .at_line(self.record_line));
        }
        self.out.try_reserve_exact(n - self.out.len()).map_err(|_| super::column::too_big("record buffer"))?;
        self.out.resize(n, 0);
        Ok(())
    }

    fn grow_ends(&mut self) -> Result<()> {
        let n = self.ends.len() * 2;
        if n > self.max_fields * 2 {
            return Err(Error::limit(
                format!(
                    "the record on line {} has more than {} fields (limits.maxColumns)",
                    self.record_line, self.max_fields
                ),
                format!("第 {} 行的记录超过 {} 个字段（limits.maxColumns）", self.record_line, self.max_fields),
            )
            .at_line(self.record_line));
        }
        self.ends.resize(n, 0);
        Ok(())
    }

    pub fn finish<S: RecordSink>(&mut self, table: &mut S) -> Result<()> {
        while let (Some(out), Some(ends)) = (self.out.get_mut(self.out_len..), self.ends.get_mut(self.ends_len..)) {
            let (res, _, nout, nend) = self.core.read_record(&[], out, ends);
            self.out_len += nout;
            self.ends_len += nend;
            match res {
                ReadRecordResult::Record => {
                    let spanned = self.line.saturating_sub(self.record_line);
                    self.emit(table)?;
                    if spanned >= 20 {
                        table.unclosed_quote(self.record_line, spanned + 1);
                    }
                }
                ReadRecordResult::OutputEndsFull => self.grow_ends()?,
                ReadRecordResult::OutputFull => self.grow_out()?,
                ReadRecordResult::End | ReadRecordResult::InputEmpty => break,
            }
        }
        if self.blank_run > 0 {
            table.blank_lines(self.line - self.blank_run, self.blank_run);
            self.blank_run = 0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records and blank lines as the scanner reports them.
    #[derive(Default)]
    struct Collect {
        records: Vec<(u64, Vec<Vec<u8>>)>,
        blanks: u64,
    }

    impl RecordSink for Collect {
        fn record(&mut self, line: u64, rec: &CsvRecord<'_>) -> Result<()> {
            use super::super::record::{Cell, Record};
            let fields = (0..rec.len())
                .map(|i| match rec.cell(i) {
                    Cell::Text(b) => b.to_vec(),
                    _ => Vec::new(),
                })
                .collect();
            self.records.push((line, fields));
            Ok(())
        }
        fn blank_lines(&mut self, _first: u64, n: u64) {
            self.blanks += n;
        }
        fn unclosed_quote(&mut self, _line: u64, _lines: u64) {}
    }

    fn scan(text: &[u8], chunk: usize, cr: bool) -> Collect {
        let mut s = Scanner::new(b',', cr, 1 << 20, 1 << 16);
        let mut c = Collect::default();
        for part in text.chunks(chunk.max(1)) {
            s.feed(part, &mut c).unwrap();
        }
        s.finish(&mut c).unwrap();
        c
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn csv_crate(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut r = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
        r.byte_records().map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, ..proptest::prelude::ProptestConfig::default() })]

        /// The zero-copy path and csv-core together read exactly what the csv crate reads.
        #[test]
        fn the_scanner_reads_what_the_csv_crate_reads(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just("a"), proptest::strategy::Just("bc"), proptest::strategy::Just(","),
                proptest::strategy::Just("\""), proptest::strategy::Just("\n"), proptest::strategy::Just("\r"),
                proptest::strategy::Just("\r\n"), proptest::strategy::Just(" "), proptest::strategy::Just("é"),
                proptest::strategy::Just("\"\""),
            ], 0..80),
            chunk in 1usize..40,
        ) {
            let text = parts.concat();
            let got = scan(text.as_bytes(), chunk, false);
            let want = csv_crate(text.as_bytes());
            let fields: Vec<Vec<Vec<u8>>> = got.records.iter().map(|(_, f)| f.clone()).collect();
            proptest::prop_assert_eq!(fields, want);
            // Lines never go backwards, and whole-file scanning agrees with chunked.
            proptest::prop_assert!(got.records.windows(2).all(|w| w[0].0 <= w[1].0));
            let whole = scan(text.as_bytes(), usize::MAX, false);
            proptest::prop_assert_eq!(&whole.records, &got.records);
            proptest::prop_assert_eq!(whole.blanks, got.blanks);
        }
    }

    #[test]
    fn lines_and_blank_lines_by_hand() {
        let c = scan(b"a,b\n\n\"x\ny\",1\r\n\r\nz\n", 3, false);
        let lines: Vec<u64> = c.records.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 3, 6]);
        assert_eq!(c.blanks, 2);
        let c = scan(b"a\rb\r\rc", 2, true);
        let lines: Vec<u64> = c.records.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 2, 4]);
        assert_eq!(c.blanks, 1);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n\"x, y\"\t2\n"), b'\t');
        assert_eq!(sniff_delimiter("title\n工号|部门\nE1|一部\n".as_bytes()), b'|');
        assert_eq!(sniff_delimiter(b"x\n"), b',');
        assert_eq!(sep_line(b"sep=;\r\na;b\n"), Some((b';', 7)));
        assert_eq!(sep_line(b"\"sep=|\"\na|b\n"), Some((b'|', 8)));
        assert_eq!(sep_line(b"sep,x\n"), None);
        assert_eq!(line_ending(b"a\r\nb\r\n"), "crlf");
        assert_eq!(line_ending(b"a\rb\r"), "cr");
        assert_eq!(line_ending(b"a\nb\n"), "lf");
        assert!(parse_delimiter("x").is_err());
    }
}
