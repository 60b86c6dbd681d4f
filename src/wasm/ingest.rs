//! Loading data: `Dataset.load`, the streaming `DatasetLoader`,
//! `Dataset.preview`, `ds.join`, and what the Data panel shows about a load
//! (`columns()`, `warnings()`, `report()`, `source()`).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{from_js, js_error, set, to_js, Dataset};
use crate::engine::dataset::{ColumnKind, DateOrder, Role, SkippedLine, WarningKind};
use crate::engine::error::Error;
use crate::engine::ingest::{self, JoinOptions, LoadOptions, StreamLoader};

#[wasm_bindgen(typescript_custom_section)]
const TS_INGEST: &'static str = r#"
/** Caps on what one load may take (each has a default). */
export interface LoadLimits {
  /** Bytes the dataset may use in memory (default 2 GiB). */
  memoryBudget?: number;
  /** Data rows (default 50,000,000). */
  maxRows?: number;
  /** Columns (default 16,384). */
  maxColumns?: number;
  /** XLSX cells, declared by the sheet or counted (default 10,000,000). */
  maxCells?: number;
  /** Declared uncompressed size of one XLSX part (default 512 MiB). */
  maxEntryBytes?: number;
  /** Compression ratio of an XLSX part over 1 MiB (default 100). */
  maxRatio?: number;
  /** Bytes of one CSV record (default 16 MiB). */
  maxRecordBytes?: number;
  /** Bytes of an XLSX or JSON file, which are read whole (default 1 GiB). */
  maxFileBytes?: number;
}
export interface LoadOptions {
  /** A hint only; the content is sniffed. */
  filename?: string;
  /** Skip sniffing. */
  format?: "csv" | "xlsx" | "json";
  /** XLSX sheet name (default: the first non-empty sheet). */
  sheet?: string;
  /** auto: BOM, then UTF-8, else GB18030; or any WHATWG label such as "gbk", "utf-16le", "big5". */
  encoding?: "auto" | "utf-8" | "gb18030" | "gbk" | "utf-16le" | "utf-16be" | (string & {});
  /** Sniffed when absent (a `sep=;` first line is honoured). */
  delimiter?: "," | ";" | "\t" | "|";
  /** Line of the header row, 1-based as in warnings (detected when absent); 0 = no header row. */
  headerRow?: number;
  /** Force a one- or two-row (merged) header. */
  headerRows?: 1 | 2;
  /** Day/month order of slash dates such as 7/5/2011 (default: decided per column from the data). */
  dateOrder?: "mdy" | "dmy";
  /** Total size in bytes (DatasetLoader: sizes the columns and checks the memory budget early). */
  size?: number;
  /** Keep number and date columns as 4-byte scaled decimals where exact (same values, half the memory;
   *  default: only for inputs of about 32M number cells and more). */
  compact?: boolean;
  limits?: LoadLimits;
}
export type ColumnKind = "number" | "category" | "date" | "text";
export type CleaningKind = "trimmed" | "thousands" | "percent" | "fullWidth" | "currency" | "naTokens"
  | "booleans" | "dates" | "excelSerials" | "twoDigitYears" | "timeDropped" | "dateOrder" | "asText";
export interface CleaningStep { step: CleaningKind; count: number; message: string; messageZh: string }
export interface ColumnInfo {
  name: string; kind: ColumnKind; role: Role | null; missing: number; distinct: number;
  /** Values were written as percentages (85% → 0.85). */
  percent?: boolean;
  /** Yes/No values stored as 1/0. */
  boolean?: boolean;
  /** Each cleaning step applied, with how many cells it touched (absent when none). */
  cleaning?: CleaningStep[];
  /** Date columns read from slash dates: the day/month order used. */
  dateOrder?: "ymd" | "mdy" | "dmy";
  /** The order could not be decided from the data (it was assumed; a warning says so). */
  dateAmbiguous?: boolean;
  /** The header as written, when the name differs (renamed duplicate, two-row header, empty header). */
  originalName?: string;
}
export type WarningKind = "raggedRow" | "badValue" | "duplicateHeader" | "emptyHeader" | "emptyColumn"
  | "duplicateKey" | "duplicateRow" | "blankLines" | "titleLines" | "totalsRow" | "notesRow" | "repeatedHeader"
  | "dateAmbiguous" | "dateMixed" | "droppedColumns" | "unclosedQuote" | "other";
export interface DataWarning {
  /** Line in the file, 1-based (header = line 1; the sheet row for XLSX; record + 1 for JSON). */
  row?: number;
  column?: string;
  message: string; messageZh: string;
  kind: WarningKind;
  /** The offending value as written. */
  value?: string;
  /** What was expected instead. */
  expected?: string; expectedZh?: string;
  /** Rows or cells this warning stands for, when more than one: a run of blank lines, or the
   *  summary after the first 1,000 of a kind ("and 89,000 more"). */
  count?: number;
  /** The file the row belongs to (joined datasets). */
  file?: string;
}
export interface WarningsQuery { offset?: number; limit?: number; kind?: WarningKind }
export interface SkippedLine { line: number; reason: string; text: string }
export interface SourceInfo {
  format: "csv" | "xlsx" | "json" | "sample" | "join"; filename?: string;
  encoding?: string; delimiter?: string; sheet?: string;
  /** Every sheet of a workbook, in order. */
  sheets?: string[];
  /** Line of the (first) header row; absent when the file has no header row. */
  headerRow?: number;
  /** 1, or 2 for a merged two-row header (0: none). */
  headerRows: number;
  /** Lines that were not data: title lines, `sep=`, the second header row, totals, notes (first 200). */
  skipped: SkippedLine[];
  bytes: number;
  lineEnding?: "lf" | "crlf" | "cr";
  bom: boolean;
}
export interface DataReport {
  rows: number; columns: number; warnings: number;
  /** Warnings by kind (each counted by the rows or cells it stands for). */
  byKind: Partial<Record<WarningKind, number>>;
  /** Lines of the file that are not in the dataset (titles, blanks, totals, notes, repeated headers). */
  skippedRows: number;
  /** Cells changed by cleaning, by step. */
  cleaned: Partial<Record<CleaningKind, number>>;
  /** Bytes the columns take in memory. */
  memoryBytes: number;
}
export interface LoadProgress { bytes: number; rows: number; total?: number }
export interface PreviewRow { line: number; cells: string[] }
export interface Preview {
  format: "csv" | "xlsx" | "json"; encoding?: string; delimiter?: string; sheet?: string; sheets: string[];
  headerRow?: number; headerRows: number; rows: PreviewRow[];
}
export interface JoinOptions {
  /** Key columns: one name on both sides, or [left, right] (default: the employeeId role on each side). */
  on?: string | [string, string];
  /** Match the period too (default: when both sides have a period column). */
  byPeriod?: boolean;
  /** outer (default: all rows of both), left, or inner. */
  how?: "outer" | "left" | "inner";
  /** Suffixes for clashing column names (default: " [left file name]", " [right file name]"). */
  suffixes?: [string, string];
  /** Numbers within this relative difference agree (default 1e-9). */
  tolerance?: number;
}
export interface Discrepancy {
  id: string; period?: string; column: string; rightColumn: string;
  left: string; right: string; kind: "differs" | "missingLeft" | "missingRight";
  leftLine: number; rightLine: number;
}
export interface JoinSummary {
  leftRows: number; rightRows: number; rows: number; matched: number; byPeriod: boolean;
  leftOnly: number; rightOnly: number; leftOnlyIds: string[]; rightOnlyIds: string[];
  columns: { column: string; rightColumn: string; compared: number; differs: number; missingLeft: number; missingRight: number }[];
  discrepancies: number;
}
export interface JoinResult {
  dataset: Dataset;
  /** The first 10,000 disagreements (summary.discrepancies counts all). */
  discrepancies: Discrepancy[];
  summary: JoinSummary;
}
"#;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StepOut<'a> {
    step: crate::engine::dataset::CleaningKind,
    count: u64,
    message: &'a str,
    message_zh: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ColumnOut<'a> {
    name: &'a str,
    kind: ColumnKind,
    role: Option<Role>,
    missing: usize,
    distinct: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    percent: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    boolean: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cleaning: Vec<StepOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_order: Option<DateOrder>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    date_ambiguous: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WarningOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<&'a str>,
    message: &'a str,
    message_zh: &'a str,
    kind: WarningKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_zh: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct WarningsQuery {
    offset: Option<usize>,
    limit: Option<usize>,
    kind: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SourceOut<'a> {
    format: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delimiter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sheets: &'a Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    header_row: Option<u64>,
    header_rows: u32,
    skipped: &'a Vec<SkippedLine>,
    bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    line_ending: Option<&'a str>,
    bom: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportOut {
    rows: usize,
    columns: usize,
    warnings: usize,
    by_kind: std::collections::BTreeMap<String, u64>,
    skipped_rows: u64,
    cleaned: std::collections::BTreeMap<String, u64>,
    memory_bytes: usize,
}

fn kind_name<T: Serialize>(k: &T) -> String {
    serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[wasm_bindgen]
impl Dataset {
    /// Load a CSV, XLSX or JSON file from its bytes (the format is sniffed).
    ///
    /// ```js
    /// const ds = Dataset.load(new Uint8Array(await file.arrayBuffer()), { filename: file.name });
    /// ds.source();   // { format: "csv", encoding: "gb18030", delimiter: ",", headerRow: 2, skipped: [...] }
    /// ```
    pub fn load(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "LoadOptions | undefined")] opts: JsValue,
    ) -> Result<Dataset, JsValue> {
        let opts: LoadOptions = from_js(opts, "load options")?;
        ingest::load(bytes, &opts).map(|inner| Dataset { inner }).map_err(js_error)
    }

    /// The first rows of a file as written and the header the loader would
    /// pick, without loading it all (for a "which line is the header?" picker).
    #[wasm_bindgen(unchecked_return_type = "Preview")]
    pub fn preview(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "LoadOptions | undefined")] opts: JsValue,
        rows: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let opts: LoadOptions = from_js(opts, "load options")?;
        let p = ingest::preview(bytes, &opts, rows.unwrap_or(20) as usize).map_err(js_error)?;
        to_js(&p)
    }

    /// One entry per column: name, kind, role, missing and distinct counts,
    /// and what cleaning did to it.
    #[wasm_bindgen(unchecked_return_type = "ColumnInfo[]")]
    pub fn columns(&self) -> Result<JsValue, JsValue> {
        let out: Vec<ColumnOut> = self
            .inner
            .columns()
            .iter()
            .map(|c| ColumnOut {
                name: &c.name,
                kind: c.kind(),
                role: c.role,
                missing: c.missing(),
                distinct: c.distinct(),
                percent: c.meta.percent,
                boolean: c.meta.boolean,
                cleaning: c
                    .meta
                    .cleaning
                    .iter()
                    .map(|s| StepOut {
                        step: s.step,
                        count: s.count,
                        message: &s.message.en,
                        message_zh: &s.message.zh,
                    })
                    .collect(),
                date_order: c.meta.date_order,
                date_ambiguous: c.meta.date_ambiguous,
                original_name: c.meta.original_name.as_deref(),
            })
            .collect();
        to_js(&out)
    }

    /// What loading repaired, skipped or doubts: `row` is the line in the
    /// file (1-based). `{ offset, limit, kind }` pages through them.
    #[wasm_bindgen(unchecked_return_type = "DataWarning[]")]
    pub fn warnings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WarningsQuery | undefined")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let q: WarningsQuery = from_js(query, "warnings query")?;
        let out: Vec<WarningOut> = self
            .inner
            .warnings()
            .iter()
            .filter(|w| q.kind.as_deref().is_none_or(|k| kind_name(&w.kind) == k))
            .skip(q.offset.unwrap_or(0))
            .take(q.limit.unwrap_or(usize::MAX))
            .map(|w| WarningOut {
                row: w.row,
                column: w.column.as_deref(),
                message: &w.message.en,
                message_zh: &w.message.zh,
                kind: w.kind,
                value: w.value.as_deref(),
                expected: w.expected.as_ref().map(|m| m.en.as_str()),
                expected_zh: w.expected.as_ref().map(|m| m.zh.as_str()),
                count: (w.count != 1).then_some(w.count),
                file: w.file.as_deref(),
            })
            .collect();
        to_js(&out)
    }

    /// The validation report in numbers: warnings by kind, rows skipped, cells cleaned.
    #[wasm_bindgen(unchecked_return_type = "DataReport")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        let mut by_kind = std::collections::BTreeMap::new();
        let mut skipped = 0;
        for w in self.inner.warnings() {
            *by_kind.entry(kind_name(&w.kind)).or_insert(0) += w.count;
            if w.kind.skips_rows() {
                skipped += w.count;
            }
        }
        let mut cleaned = std::collections::BTreeMap::new();
        for c in self.inner.columns() {
            for s in &c.meta.cleaning {
                *cleaned.entry(kind_name(&s.step)).or_insert(0) += s.count;
            }
        }
        to_js(&ReportOut {
            rows: self.inner.row_count(),
            columns: self.inner.columns().len(),
            warnings: self.inner.warnings().len(),
            by_kind,
            skipped_rows: skipped,
            cleaned,
            memory_bytes: self.inner.heap_bytes(),
        })
    }

    /// Where the data came from: format, encoding, delimiter, sheet, header row, skipped lines.
    #[wasm_bindgen(unchecked_return_type = "SourceInfo")]
    pub fn source(&self) -> Result<JsValue, JsValue> {
        let s = self.inner.source();
        to_js(&SourceOut {
            format: &s.format,
            filename: s.filename.as_deref(),
            encoding: s.encoding.as_deref(),
            delimiter: s.delimiter.as_deref(),
            sheet: s.sheet.as_deref(),
            sheets: &s.sheets,
            header_row: s.header_row,
            header_rows: s.header_rows,
            skipped: &s.skipped,
            bytes: s.bytes,
            line_ending: s.line_ending.as_deref(),
            bom: s.bom,
        })
    }

    /// Join another dataset by employee id (and period when both have one).
    ///
    /// ```js
    /// const { dataset, discrepancies, summary } = hr.join(crm, { on: ["工号", "EmpID"] });
    /// summary.leftOnlyIds;    // employees missing from the CRM export
    /// discrepancies[0];       // { id, period, column: "部门", left: "客服一部", right: "客服二部", kind: "differs", … }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "JoinResult")]
    pub fn join(
        &self,
        other: &Dataset,
        #[wasm_bindgen(unchecked_param_type = "JoinOptions | undefined")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts: JoinOptions = from_js(opts, "join options")?;
        let r = ingest::join(&self.inner, &other.inner, &opts).map_err(js_error)?;
        let obj = js_sys::Object::new();
        set(&obj, "dataset", JsValue::from(Dataset { inner: r.dataset }));
        set(&obj, "discrepancies", to_js(&r.discrepancies)?);
        set(&obj, "summary", to_js(&r.summary)?);
        Ok(obj.into())
    }
}

/// A file loaded in chunks (`file.stream()`), giving the same dataset as `Dataset.load`.
///
/// ```js
/// const loader = new DatasetLoader({ filename: file.name, size: file.size });
/// for await (const chunk of file.stream()) loader.push(chunk);   // → { bytes, rows, total }
/// const ds = loader.finish();
/// ```
#[wasm_bindgen]
pub struct DatasetLoader {
    inner: Option<StreamLoader>,
}

fn finished() -> JsValue {
    js_error(Error::param(
        "this loader has finished; start a new DatasetLoader",
        "该加载器已结束；请新建 DatasetLoader",
    ))
}

#[wasm_bindgen]
impl DatasetLoader {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "LoadOptions | undefined")] opts: JsValue,
    ) -> Result<DatasetLoader, JsValue> {
        let opts: LoadOptions = from_js(opts, "load options")?;
        StreamLoader::new(&opts).map(|l| DatasetLoader { inner: Some(l) }).map_err(js_error)
    }

    /// The next chunk. Throws as soon as the data shows a problem (a
    /// `LimitError` for a file too big for the memory budget comes with the
    /// first chunks when `size` is given).
    #[wasm_bindgen(unchecked_return_type = "LoadProgress")]
    pub fn push(&mut self, chunk: &[u8]) -> Result<JsValue, JsValue> {
        let l = self.inner.as_mut().ok_or_else(finished)?;
        l.push(chunk).map_err(js_error)?;
        to_js(&l.progress())
    }

    #[wasm_bindgen(unchecked_return_type = "LoadProgress")]
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        let l = self.inner.as_ref().ok_or_else(finished)?;
        to_js(&l.progress())
    }

    /// The dataset (the loader cannot be used afterwards).
    pub fn finish(&mut self) -> Result<Dataset, JsValue> {
        let l = self.inner.take().ok_or_else(finished)?;
        l.finish().map(|inner| Dataset { inner }).map_err(js_error)
    }
}
