//! The incremental loader: feed chunks, then finish.
//!
//! Text files stream: each chunk is decoded and scanned at once, so memory
//! holds only the typed columns (plus a 64 KiB look-ahead at the start).
//! XLSX and JSON need the whole file (a zip's directory is at its end), so
//! their chunks are collected, within `limits.maxFileBytes`, and read at
//! `finish`. Every decision depends on the content only, so any chunking
//! gives the dataset [`load`](super::load) gives.

use serde::Serialize;

use crate::engine::dataset::{Dataset, Source};
use crate::engine::error::{Error, Result};

use super::csv::{parse_delimiter, CsvFront};
use super::decode::{encoding_name, parse_encoding, DecodeError, Decoder};
use super::shape::HeaderChoice;
use super::table::{TableBuilder, TableConfig};
use super::{json, sniff_format, xlsx, Format, Limits, LoadOptions, Preview, PreviewRow};

/// Bytes that decide the format.
const SNIFF_HEAD: usize = 4096;

/// How far a streaming load has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Bytes pushed so far.
    pub bytes: u64,
    /// Data rows parsed so far.
    pub rows: u64,
    /// Total bytes, when the `size` option gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

struct TextPipe {
    decoder: Decoder,
    csv: CsvFront,
    table: TableBuilder,
}

impl TextPipe {
    fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        let TextPipe { decoder, csv, table } = self;
        let r = decoder.feed(chunk, &mut |t| csv.feed(t, table));
        r.map_err(|e| decode_error(e, csv.line()))
    }

    fn finish(mut self, opts: &LoadOptions, bytes: u64) -> Result<Dataset> {
        {
            let TextPipe { decoder, csv, table } = &mut self;
            decoder.finish(&mut |t| csv.feed(t, table)).map_err(|e| decode_error(e, csv.line()))?;
            csv.finish(table)?;
        }
        let source = Source {
            format: "csv".into(),
            filename: opts.filename.clone(),
            encoding: Some(self.decoder.encoding.map_or("utf-8".into(), encoding_name)),
            delimiter: Some((self.csv.info.delimiter as char).to_string()),
            line_ending: Some(self.csv.info.line_ending.to_owned()),
            bom: self.decoder.bom,
            bytes,
            ..Source::default()
        };
        self.table.finish(source)
    }
}

fn decode_error(e: DecodeError, line: u64) -> Error {
    match e {
        DecodeError::Sink(e) => e,
        DecodeError::Bad { encoding, offset, pending_newlines, also } => {
            let line = line + pending_newlines;
            let (also_en, also_zh) = match also {
                Some(_) => (
                    " nor GB18030; pass the encoding option if it is another encoding",
                    "，也不是 GB18030；若为其他编码请设置 encoding 选项",
                ),
                None => ("", ""),
            };
            Error::encoding(
                format!("not valid {encoding} at byte {offset}{also_en}"),
                format!("第 {offset} 字节处不是有效的 {encoding}{also_zh}"),
            )
            .at_line(line)
        }
    }
}

enum Stage {
    /// The first bytes, until the format is known.
    Sniff(Vec<u8>),
    Text(Box<TextPipe>),
    /// XLSX or JSON: the whole file is needed.
    Whole(Format, Vec<u8>),
}

/// Load a file in chunks.
///
/// ```
/// use hrlens::engine::ingest::{load, LoadOptions, StreamLoader};
/// let csv = b"EmpID,Score\nE1,1\nE2,2\n";
/// let mut s = StreamLoader::new(&LoadOptions::default()).unwrap();
/// for chunk in csv.chunks(5) {
///     s.push(chunk).unwrap();
/// }
/// assert!(s.finish().unwrap() == load(csv, &LoadOptions::default()).unwrap());
/// ```
pub struct StreamLoader {
    opts: LoadOptions,
    limits: Limits,
    stage: Stage,
    bytes: u64,
    resident: u64,
    failed: Option<Error>,
}

impl StreamLoader {
    /// A loader for one file.
    ///
    /// # Errors
    /// `ParamError` for bad options.
    pub fn new(opts: &LoadOptions) -> Result<StreamLoader> {
        StreamLoader::with_resident(opts, 0)
    }

    pub(crate) fn with_resident(opts: &LoadOptions, resident: u64) -> Result<StreamLoader> {
        let file = opts.filename.as_deref();
        let limits = Limits::from_options(opts.limits.as_ref()).map_err(|e| e.in_file(file))?;
        parse_encoding(opts.encoding.as_deref()).map_err(|e| e.in_file(file))?;
        if let Some(d) = &opts.delimiter {
            parse_delimiter(d).map_err(|e| e.in_file(file))?;
        }
        if let Some(r) = opts.header_rows {
            if !(1..=2).contains(&r) {
                return Err(Error::param(
                    format!("headerRows {r}: expected 1 or 2"),
                    format!("headerRows {r}：应为 1 或 2"),
                )
                .in_file(file));
            }
        }
        let stage = match opts.format.as_deref() {
            Some(f) => match Format::parse(f).map_err(|e| e.in_file(file))? {
                Format::Csv => Stage::Text(Box::new(text_pipe(opts, &limits, resident)?)),
                other => Stage::Whole(other, Vec::new()),
            },
            None => Stage::Sniff(Vec::new()),
        };
        Ok(StreamLoader { opts: opts.clone(), limits, stage, bytes: 0, resident, failed: None })
    }

    /// The next chunk of the file.
    ///
    /// # Errors
    /// Any error [`load`](super::load) gives, as soon as the chunk that shows it arrives
    /// (after an error, every further call returns it again).
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        self.bytes += chunk.len() as u64;
        let r = self.push_inner(chunk);
        if let Err(e) = &r {
            let e = e.clone().in_file(self.opts.filename.as_deref());
            self.failed = Some(e.clone());
            return Err(e);
        }
        r
    }

    fn push_inner(&mut self, chunk: &[u8]) -> Result<()> {
        match &mut self.stage {
            Stage::Sniff(head) => {
                // Exactly the first SNIFF_HEAD bytes decide (whatever the chunking); the rest is not copied.
                let (a, b) = chunk.split_at(SNIFF_HEAD.saturating_sub(head.len()).min(chunk.len()));
                head.extend_from_slice(a);
                if head.len() < SNIFF_HEAD {
                    return Ok(());
                }
                self.decide()?;
                self.push_inner(b)
            }
            Stage::Text(pipe) => pipe.feed(chunk),
            Stage::Whole(_, data) => {
                if (data.len() + chunk.len()) as u64 > self.limits.max_file_bytes {
                    return Err(Error::limit(
                        format!(
                            "XLSX and JSON files are read whole and this one is over {} MB (limits.maxFileBytes); save it as CSV to stream it",
                            self.limits.max_file_bytes >> 20
                        ),
                        format!("XLSX 和 JSON 文件需整体读入，此文件超过 {} MB（limits.maxFileBytes）；请另存为 CSV 以流式读取", self.limits.max_file_bytes >> 20),
                    ));
                }
                data.try_reserve(chunk.len()).map_err(|_| super::column::too_big("file buffer"))?;
                data.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    fn decide(&mut self) -> Result<()> {
        let Stage::Sniff(head) = &mut self.stage else { return Ok(()) };
        let head = std::mem::take(head);
        let format = sniff_format(&head, self.opts.filename.as_deref())?;
        self.stage = match format {
            Format::Csv => Stage::Text(Box::new(text_pipe(&self.opts, &self.limits, self.resident)?)),
            other => Stage::Whole(other, Vec::new()),
        };
        self.push_inner(&head)
    }

    /// How far the load has got.
    pub fn progress(&self) -> Progress {
        let rows = match &self.stage {
            Stage::Text(p) => p.table.rows() as u64,
            _ => 0,
        };
        Progress { bytes: self.bytes, rows, total: self.opts.size }
    }

    /// The dataset.
    ///
    /// # Errors
    /// As [`load`](super::load).
    pub fn finish(mut self) -> Result<Dataset> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let file = self.opts.filename.clone();
        let ds = self.finish_inner().map_err(|e| e.in_file(file.as_deref()))?;
        crate::engine::trend::months::index_period(&ds);
        Ok(ds)
    }

    fn finish_inner(mut self) -> Result<Dataset> {
        if matches!(self.stage, Stage::Sniff(_)) {
            self.decide()?;
        }
        match self.stage {
            Stage::Sniff(_) => Err(Error::format("the file is empty: expected a header row", "文件为空：应有表头行")),
            Stage::Text(pipe) => pipe.finish(&self.opts, self.bytes),
            Stage::Whole(Format::Xlsx, data) => xlsx::load(&data, &self.opts, &self.limits),
            Stage::Whole(_, data) => json::load(&data, &self.opts, &self.limits),
        }
    }
}

pub(crate) fn table_config(
    opts: &LoadOptions,
    limits: &Limits,
    size: Option<u64>,
    resident: u64,
    joiner: &str,
) -> TableConfig {
    TableConfig {
        header: HeaderChoice { row: opts.header_row, rows: opts.header_rows },
        date_order: opts.date_order,
        limits: limits.clone(),
        size_hint: size,
        resident_bytes: resident,
        joiner: joiner.to_owned(),
        preview: false,
        compact: opts.compact,
    }
}

fn text_pipe(opts: &LoadOptions, limits: &Limits, resident: u64) -> Result<TextPipe> {
    text_pipe_for(opts, limits, resident, false)
}

fn text_pipe_for(opts: &LoadOptions, limits: &Limits, resident: u64, preview: bool) -> Result<TextPipe> {
    let forced_enc = parse_encoding(opts.encoding.as_deref())?;
    let forced_delim = opts.delimiter.as_deref().map(parse_delimiter).transpose()?;
    let joiner = forced_delim.map_or(",".to_owned(), |d| (d as char).to_string());
    Ok(TextPipe {
        decoder: Decoder::new(forced_enc),
        csv: CsvFront::new(forced_delim, limits.max_record_bytes as usize, limits.max_columns as usize),
        table: TableBuilder::new(TableConfig { preview, ..table_config(opts, limits, opts.size, resident, &joiner) }),
    })
}

/// The first rows and the detected shape (see [`super::preview`]).
pub(crate) fn preview(bytes: &[u8], opts: &LoadOptions, rows: usize) -> Result<Preview> {
    let limits = Limits::from_options(opts.limits.as_ref())?;
    let format = match opts.format.as_deref() {
        Some(f) => Format::parse(f)?,
        None => sniff_format(bytes.get(..bytes.len().min(SNIFF_HEAD)).unwrap_or(bytes), opts.filename.as_deref())?,
    };
    match format {
        Format::Xlsx => xlsx::preview(bytes, opts, &limits, rows),
        Format::Json => json::preview(bytes, opts, &limits, rows),
        Format::Csv => {
            let mut pipe = text_pipe_for(opts, &limits, 0, true)?;
            // Feed until the sample is complete (or the file ends).
            for chunk in bytes.chunks(64 << 10) {
                pipe.feed(chunk)?;
                if !pipe.table.is_sampling() {
                    break;
                }
            }
            if pipe.table.is_sampling() {
                let TextPipe { decoder, csv, table } = &mut pipe;
                decoder.finish(&mut |t| csv.feed(t, table)).map_err(|e| decode_error(e, csv.line()))?;
                csv.finish(table)?;
            }
            let (header_row, header_rows, out) = pipe.table.preview(rows)?;
            Ok(Preview {
                format: "csv".into(),
                encoding: Some(pipe.decoder.encoding.map_or("utf-8".into(), encoding_name)),
                delimiter: Some((pipe.csv.info.delimiter as char).to_string()),
                sheet: None,
                sheets: Vec::new(),
                header_row,
                header_rows,
                rows: out,
            })
        }
    }
}

pub(crate) fn preview_rows(sample: &[super::shape::SampleRow], rows: usize) -> Vec<PreviewRow> {
    use super::record::Record;
    sample
        .iter()
        .take(rows)
        .map(|r| PreviewRow {
            line: r.line,
            cells: (0..r.cells.trimmed_len()).map(|j| r.cells.cell(j).text().into_owned()).collect(),
        })
        .collect()
}
