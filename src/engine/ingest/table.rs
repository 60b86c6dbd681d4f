//! From records to a [`Dataset`]: the part every format shares.
//!
//! Readers (CSV, XLSX, JSON) push records with their line in the file. The
//! builder keeps the first rows as a sample, finds the header and the
//! table's shape there, picks each column's starting kind, and from then on
//! parses every cell straight into typed columns. Rows that are not data
//! (blank lines, totals, notes, repeated headers) are skipped with a warning;
//! rows with the wrong number of fields are kept and warned. At the end the
//! columns settle their kinds, roles are assigned, and the validation checks
//! (empty columns, duplicate employee-period rows, duplicate rows) run.

use crate::engine::dataset::{
    Column, ColumnData, Dataset, DateOrder, Role, SkippedLine, Source, Warning, WarningKind, MISSING_CODE,
};
use crate::engine::error::{Error, Msg, Result};
use crate::engine::roles::{is_date_header, role_of_header, role_of_header_fuzzy};

use super::cell::{is_totals_token, trim_bytes};
use super::column::{ColumnBuilder, ColumnSpec, LineMap};
use super::infer;
use super::record::{Cell, Record};
use super::shape::{detect, HeaderChoice, SampleRow, Shape};
use super::Limits;

/// Rows sampled before kinds are chosen (beyond the header window).
const SAMPLE_ROWS: usize = 1000 + 64;
/// The sample also stops at this many bytes of cell text.
const SAMPLE_BYTES: usize = 8 << 20;
/// Row warnings of one kind listed one by one before a summary.
const ROW_WARN_CAP: usize = 1000;
/// Entries kept in `Source::skipped`.
const SKIPPED_CAP: usize = 200;

/// Settings of one load that the table builder needs.
#[derive(Debug, Clone, Default)]
pub struct TableConfig {
    pub header: HeaderChoice,
    pub date_order: Option<DateOrder>,
    pub limits: Limits,
    /// Total size of the input when known (sizes the columns up front).
    pub size_hint: Option<u64>,
    /// Bytes of input held in memory beside the columns (the whole file for `load(bytes)`).
    pub resident_bytes: u64,
    /// How the delimiter is shown when a row is quoted in a message.
    pub joiner: String,
    /// Only collect the sample (for `preview`).
    pub preview: bool,
    /// The `compact` load option (`None`: decided from the estimated size).
    pub compact: Option<bool>,
}

/// From this many number, date and category cells (estimated from the file
/// size; 256 MB as `f64`s), a load keeps numbers and dates as 4-byte scaled
/// decimals where that is exact, unless the `compact` option says otherwise.
pub const COMPACT_CELLS: u64 = 32 << 20;

/// Counts that become one warning per kind past [`ROW_WARN_CAP`].
#[derive(Debug, Clone, Default)]
struct Capped {
    n: usize,
    extra_first: Option<u64>,
}

impl Capped {
    fn admit(&mut self, line: u64) -> bool {
        self.n += 1;
        if self.n > ROW_WARN_CAP {
            self.extra_first.get_or_insert(line);
            false
        } else {
            true
        }
    }
}

pub struct TableBuilder {
    cfg: TableConfig,
    sampling: bool,
    sample: Vec<SampleRow>,
    sample_bytes: usize,
    shape: Shape,
    width: usize,
    /// Header cells as written, for spotting a repeated header row.
    header_text: Vec<String>,
    builders: Vec<ColumnBuilder>,
    lines: LineMap,
    rows: usize,
    cap_rows: usize,
    estimated: bool,
    next_check: usize,
    warnings: Vec<Warning>,
    skipped: Vec<SkippedLine>,
    blank: Option<(u64, u64)>,
    after_totals: bool,
    ragged: Capped,
    records: u64,
    header_line: Option<u64>,
}

impl TableBuilder {
    pub fn new(cfg: TableConfig) -> TableBuilder {
        TableBuilder {
            cfg,
            sampling: true,
            sample: Vec::new(),
            sample_bytes: 0,
            shape: Shape::default(),
            width: 0,
            header_text: Vec::new(),
            builders: Vec::new(),
            lines: LineMap::default(),
            rows: 0,
            cap_rows: 0,
            estimated: false,
            next_check: 1 << 16,
            warnings: Vec::new(),
            skipped: Vec::new(),
            blank: None,
            after_totals: false,
            ragged: Capped::default(),
            records: 0,
            header_line: None,
        }
    }

    /// Data rows so far (rows still in the sample included).
    pub fn rows(&self) -> usize {
        if self.sampling {
            self.sample.len()
        } else {
            self.rows
        }
    }

    pub fn is_sampling(&self) -> bool {
        self.sampling && !(self.cfg.preview && (self.sample.len() >= SAMPLE_ROWS || self.sample_bytes >= SAMPLE_BYTES))
    }

    /// The detected header and the first `rows` rows of the sample (preview mode).
    ///
    /// # Errors
    /// `ParamError` for a header row that is not in the sample.
    pub fn preview(&self, rows: usize) -> Result<(Option<u64>, u32, Vec<super::PreviewRow>)> {
        let shape = detect(&self.sample, self.cfg.header)?;
        let header = shape.header.and_then(|h| self.sample.get(h)).map(|r| r.line);
        Ok((header, shape.header_rows as u32, super::stream::preview_rows(&self.sample, rows)))
    }

    /// A record that ran to the end of the file over many lines: an unclosed quote.
    pub fn unclosed_quote(&mut self, line: u64, lines: u64) {
        self.warnings.push(
            Warning::new(
                Some(line),
                None,
                Msg::new(
                    format!("the quoted field starting on line {line} runs to the end of the file ({lines} lines): a closing quote (\") is probably missing"),
                    format!("从第 {line} 行开始的引号字段一直延续到文件末尾（{lines} 行）：可能缺少闭合的引号（\"）"),
                ),
            )
            .kind(WarningKind::UnclosedQuote),
        );
    }

    pub fn sample(&self) -> &[SampleRow] {
        &self.sample
    }

    /// A line of the file that is not part of any record (a `sep=` line).
    pub fn note_skipped(&mut self, line: u64, reason: &str, text: &str) {
        self.skip_entry(line, reason, text);
    }

    fn skip_entry(&mut self, line: u64, reason: &str, text: &str) {
        if self.skipped.len() < SKIPPED_CAP {
            let text: String = text.chars().take(200).collect();
            self.skipped.push(SkippedLine { line, reason: reason.to_owned(), text });
        }
    }

    /// `n` empty lines starting at `first` (the CSV scanner's blank lines).
    pub fn push_blank_lines(&mut self, first: u64, n: u64) {
        if n == 0 {
            return;
        }
        match &mut self.blank {
            Some((start, count)) if *start + *count == first => *count += n,
            _ => {
                self.flush_blank();
                self.blank = Some((first, n));
            }
        }
    }

    fn flush_blank(&mut self) {
        if let Some((first, n)) = self.blank.take() {
            let (en, zh) = if n == 1 {
                ("blank line skipped".to_owned(), "已跳过空行".to_owned())
            } else {
                (
                    format!("{n} blank lines skipped (lines {first}–{})", first + n - 1),
                    format!("已跳过 {n} 个空行（第 {first}–{} 行）", first + n - 1),
                )
            };
            self.warnings
                .push(Warning::new(Some(first), None, Msg::new(en, zh)).kind(WarningKind::BlankLines).count(n));
        }
    }

    /// One record of the file, starting on `line`.
    ///
    /// # Errors
    /// `LimitError` past the row, column or memory limits; `ParamError` for a
    /// header row that is not in the sample.
    pub fn push_record<R: Record + ?Sized>(&mut self, line: u64, rec: &R) -> Result<()> {
        self.records += 1;
        if self.sampling && self.cfg.preview && self.sample.len() >= SAMPLE_ROWS {
            return Ok(());
        }
        if self.sampling {
            let n = rec.len();
            if n as u64 > self.cfg.limits.max_columns {
                return Err(limit_columns(n as u64, self.cfg.limits.max_columns).at_line(line));
            }
            let cells: Vec<_> = (0..n).map(|i| rec.cell(i).to_owned()).collect();
            self.sample_bytes += cells.iter().map(|c| c.weight() + 1).sum::<usize>() + 1;
            self.sample.push(SampleRow { line, cells });
            let full = self.sample.len() >= SAMPLE_ROWS || self.sample_bytes >= SAMPLE_BYTES;
            if full && !self.cfg.preview {
                self.start()?;
            }
            return Ok(());
        }
        self.push_data(line, rec)
    }

    /// Decide the shape and kinds from the sample, then replay it.
    fn start(&mut self) -> Result<()> {
        self.sampling = false;
        let sample = std::mem::take(&mut self.sample);
        let shape = detect(&sample, self.cfg.header)?;
        for &t in &shape.titles {
            if let Some(r) = sample.get(t) {
                let text = row_text(&r.cells, &self.cfg.joiner);
                if text.is_empty() {
                    self.push_blank_lines(r.line, 1);
                    continue;
                }
                self.flush_blank();
                self.warnings.push(
                    Warning::new(
                        Some(r.line),
                        None,
                        Msg::new(
                            format!("line above the header skipped: \"{text}\""),
                            format!("已跳过表头上方的行：“{text}”"),
                        ),
                    )
                    .kind(WarningKind::TitleLines)
                    .value(text.clone()),
                );
                self.skip_entry(r.line, "titleLines", &text);
            }
        }
        let data_start = shape.data_start();
        if let Some(h) = shape.header {
            for k in 1..shape.header_rows {
                if let Some(r) = sample.get(h + k) {
                    self.skip_entry(r.line, "header", &row_text(&r.cells, &self.cfg.joiner));
                }
            }
            self.header_line = sample.get(h).map(|r| r.line);
            if let Some(r) = sample.get(h) {
                self.header_text = (0..r.cells.len()).map(|j| r.cells.cell(j).text().trim().to_owned()).collect();
            }
        }
        self.width = shape.names.len();
        if self.width as u64 > self.cfg.limits.max_columns {
            return Err(limit_columns(self.width as u64, self.cfg.limits.max_columns));
        }
        let specs = self.specs(&shape, &sample);
        let data = sample.get(data_start..).unwrap_or(&[]);
        let (capacity, compact) = self.estimate(data, &specs)?;
        let mut builders = Vec::with_capacity(specs.len());
        for (j, mut spec) in specs.into_iter().enumerate() {
            spec.compact = compact;
            let rows = data.iter().filter(|r| !self.is_non_data(&r.cells)).map(|r| r.cells.cell(j));
            let plan = infer::plan(rows, spec.role);
            builders.push(ColumnBuilder::new(spec, plan, capacity)?);
        }
        self.builders = builders;
        self.cap_rows = self.builders.iter().map(ColumnBuilder::capacity).min().unwrap_or(capacity);
        self.shape = shape;
        for r in data {
            self.push_data(r.line, &r.cells)?;
        }
        Ok(())
    }

    /// Names (deduplicated, empty ones numbered) and roles of the columns.
    fn specs(&mut self, shape: &Shape, sample: &[SampleRow]) -> Vec<ColumnSpec> {
        let mut specs: Vec<ColumnSpec> = Vec::with_capacity(shape.names.len());
        let mut seen = std::collections::HashSet::new();
        let header_line = shape.header.and_then(|h| sample.get(h)).map(|r| r.line);
        for (i, raw) in shape.names.iter().enumerate() {
            let mut name = if raw.is_empty() { format!("column {}", i + 1) } else { raw.clone() };
            if seen.contains(&name) {
                let mut n = 2;
                while seen.contains(&format!("{name} ({n})")) {
                    n += 1;
                }
                let renamed = format!("{name} ({n})");
                self.warnings.push(
                    Warning::new(
                        header_line,
                        Some(&renamed),
                        Msg::new(
                            format!("duplicate header \"{name}\" renamed \"{renamed}\""),
                            format!("表头“{name}”重复，已改名为“{renamed}”"),
                        ),
                    )
                    .kind(WarningKind::DuplicateHeader)
                    .value(name.clone()),
                );
                name = renamed;
            }
            seen.insert(name.clone());
            let original = (name != *raw || shape.header_rows == 2).then(|| raw.clone());
            specs.push(ColumnSpec {
                date_header: is_date_header(&name),
                name,
                role: None,
                original_name: original,
                date_order: self.cfg.date_order,
                compact: false,
            });
        }
        // Roles from headers: exact synonyms first, one column per role.
        let mut taken = Vec::new();
        for (spec, names) in specs.iter_mut().zip(&shape.role_names) {
            let role = names.iter().find_map(|n| role_of_header(n));
            if let Some(r) = role {
                if !taken.contains(&r) {
                    taken.push(r);
                    spec.role = Some(r);
                }
            }
        }
        for (spec, names) in specs.iter_mut().zip(&shape.role_names) {
            if spec.role.is_some() {
                continue;
            }
            if let Some(r) = names.iter().find_map(|n| role_of_header_fuzzy(n)) {
                if !taken.contains(&r) {
                    taken.push(r);
                    spec.role = Some(r);
                }
            }
        }
        specs
    }

    /// Rows the columns will need, from the input size and the sample, and
    /// whether to keep numbers compact (the `compact` option, else from
    /// [`COMPACT_CELLS`]); a file that cannot fit the memory budget fails
    /// here, before parsing.
    fn estimate(&mut self, data: &[SampleRow], specs: &[ColumnSpec]) -> Result<(usize, bool)> {
        let Some(size) = self.cfg.size_hint else { return Ok((data.len(), self.cfg.compact.unwrap_or(false))) };
        let n = data.len().max(1);
        let bytes: usize = data.iter().map(|r| r.cells.iter().map(|c| c.weight() + 1).sum::<usize>() + 1).sum();
        let per_row_file = (bytes as f64 / n as f64).max(1.0);
        let rows = (size as f64 / per_row_file).ceil();
        let costs: Vec<(f64, bool)> = (0..specs.len())
            .map(|j| {
                let cells: Vec<_> = data.iter().map(|r| r.cells.cell(j)).collect();
                let texty = cells.iter().filter(|c| matches!(c, Cell::Text(_)) && infer::is_label(**c)).count();
                let distinct: std::collections::HashSet<_> = cells.iter().map(|c| c.text().into_owned()).collect();
                let avg_len = cells.iter().map(|c| c.text().len()).sum::<usize>() as f64 / n as f64;
                if texty * 2 > n && distinct.len() * 2 > n {
                    // Mostly distinct text: codes, the string itself, its slot.
                    (4.0 + avg_len + 24.0 + 16.0, false)
                } else {
                    // A number or date (8 bytes, 4 when compact) or category codes (4).
                    (8.0, true)
                }
            })
            .collect();
        let cells = rows * costs.iter().filter(|c| c.1).count() as f64;
        let compact = self.cfg.compact.unwrap_or(cells >= COMPACT_CELLS as f64);
        let per_row_mem = costs.iter().map(|&(b, small)| if compact && small { 4.0 } else { b }).sum::<f64>().max(1.0);
        let need = rows * per_row_mem + self.cfg.resident_bytes as f64;
        let budget = self.cfg.limits.memory_budget as f64;
        if need > budget {
            let max_file = ((budget - self.cfg.resident_bytes as f64).max(0.0) / per_row_mem * per_row_file) as u64;
            return Err(Error::limit(
                format!(
                    "this file ({}) would need about {} of memory as columns (about {:.1}M rows × {} columns), more than the memory budget of {}; files of this shape up to about {} fit — split the file or raise limits.memoryBudget",
                    human(size), human(need as u64), rows / 1e6, specs.len(), human(budget as u64), human(max_file)
                ),
                format!(
                    "此文件（{}）按列存放约需 {} 内存（约 {:.1} 百万行 × {} 列），超过内存预算 {}；同样结构的文件最大约 {} 可以载入——请拆分文件或提高 limits.memoryBudget",
                    human(size), human(need as u64), rows / 1e6, specs.len(), human(budget as u64), human(max_file)
                ),
            ));
        }
        self.estimated = true;
        let rows = (rows as usize).min(self.cfg.limits.max_rows as usize);
        Ok((rows + rows / 64 + 1024, compact))
    }

    /// Blank, totals or notes rows (used to keep them out of kind inference).
    fn is_non_data<R: Record + ?Sized>(&self, rec: &R) -> bool {
        let first = (0..rec.len().min(3)).find(|&i| !rec.cell(i).is_blank());
        match first {
            None => rec.trimmed_len() == 0 || rec.filled() == 0,
            Some(i) => matches!(rec.cell(i), Cell::Text(b) if is_totals_token(trim_bytes(b))),
        }
    }

    fn push_data<R: Record + ?Sized>(&mut self, line: u64, rec: &R) -> Result<()> {
        let n = rec.len();
        // Blank rows (only empty fields), totals and notes.
        let first = (0..n).find(|&i| !rec.cell(i).is_blank());
        let Some(first) = first else {
            self.push_blank_lines(line, 1);
            return Ok(());
        };
        if first < 3 {
            if let Cell::Text(b) = rec.cell(first) {
                if is_totals_token(trim_bytes(b)) {
                    self.after_totals = true;
                    return self.skip_row(line, rec, WarningKind::TotalsRow);
                }
            }
        }
        if self.after_totals && rec.filled() <= 1 {
            return self.skip_row(line, rec, WarningKind::NotesRow);
        }
        if !self.header_text.is_empty() && self.is_header_again(rec) {
            return self.skip_row(line, rec, WarningKind::RepeatedHeader);
        }
        self.flush_blank();
        let width = self.width;
        let fields = if n > width { rec.trimmed_len() } else { n };
        if fields != width && width > 0 {
            self.ragged_warning(line, rec, fields);
        }
        if self.rows >= self.cap_rows {
            self.grow(line)?;
        }
        let row = self.rows as u32;
        for (i, b) in self.builders.iter_mut().enumerate() {
            b.push(rec.cell(i), row);
        }
        self.lines.push(line)?;
        self.rows += 1;
        if self.rows >= self.next_check {
            self.next_check = self.rows + (1 << 16);
            self.check_memory(line)?;
        }
        Ok(())
    }

    fn is_header_again<R: Record + ?Sized>(&self, rec: &R) -> bool {
        let same = |j: usize, h: &str| match rec.cell(j) {
            Cell::Text(b) => trim_bytes(b) == h.as_bytes(),
            Cell::Empty => h.is_empty(),
            other => other.text().trim() == h,
        };
        let first_same = self.header_text.first().is_some_and(|h| !h.is_empty() && same(0, h));
        first_same
            && self.header_text.iter().enumerate().all(|(j, h)| same(j, h))
            && rec.trimmed_len() <= self.header_text.len()
    }

    fn skip_row<R: Record + ?Sized>(&mut self, line: u64, rec: &R, kind: WarningKind) -> Result<()> {
        self.flush_blank();
        let text = row_text_rec(rec, &self.cfg.joiner);
        let (en, zh, reason) = match kind {
            WarningKind::TotalsRow => ("totals row skipped", "已跳过合计行", "totalsRow"),
            WarningKind::NotesRow => ("note after the totals row skipped", "已跳过合计行之后的备注", "notesRow"),
            _ => ("repeated header row skipped", "已跳过重复的表头行", "repeatedHeader"),
        };
        self.warnings.push(
            Warning::new(Some(line), None, Msg::new(format!("{en}: \"{text}\""), format!("{zh}：“{text}”")))
                .kind(kind)
                .value(text.clone()),
        );
        self.skip_entry(line, reason, &text);
        Ok(())
    }

    fn ragged_warning<R: Record + ?Sized>(&mut self, line: u64, rec: &R, fields: usize) {
        if !self.ragged.admit(line) {
            return;
        }
        let width = self.width;
        let (en, zh, value) = if fields < width {
            (
                format!("found {fields} fields, expected {width}; missing fields left empty"),
                format!("有 {fields} 个字段，应为 {width} 个；缺少的字段按空值处理"),
                None,
            )
        } else {
            let extra: Vec<String> = (width..fields).map(|i| rec.cell(i).text().into_owned()).collect();
            let extra = extra.join(&self.cfg.joiner);
            (
                format!("found {fields} fields, expected {width}; extra fields ignored: \"{extra}\""),
                format!("有 {fields} 个字段，应为 {width} 个；多余的字段已忽略：“{extra}”"),
                Some(extra),
            )
        };
        let mut w = Warning::new(Some(line), None, Msg::new(en, zh))
            .kind(WarningKind::RaggedRow)
            .expected(format!("{width} fields"), format!("{width} 个字段"));
        if let Some(v) = value {
            w = w.value(v);
        }
        self.warnings.push(w);
    }

    fn grow(&mut self, line: u64) -> Result<()> {
        if self.rows as u64 >= self.cfg.limits.max_rows {
            return Err(Error::limit(
                format!("more than {} rows; the limit is limits.maxRows", self.cfg.limits.max_rows),
                format!("超过 {} 行；上限见 limits.maxRows", self.cfg.limits.max_rows),
            )
            .at_line(line));
        }
        let cap = self.cap_rows;
        let add = if self.estimated { (cap / 8).max(4096) } else { cap.max(1024) };
        for b in &mut self.builders {
            let want = (self.rows + add).saturating_sub(b.len());
            b.reserve(want)?;
        }
        self.cap_rows = self.builders.iter().map(ColumnBuilder::capacity).min().unwrap_or(self.rows + add);
        self.check_memory(line)
    }

    fn heap_bytes(&self) -> u64 {
        (self.builders.iter().map(ColumnBuilder::heap_bytes).sum::<usize>() + self.lines.heap_bytes()) as u64
    }

    fn check_memory(&self, line: u64) -> Result<()> {
        let used = self.heap_bytes() + self.cfg.resident_bytes;
        let budget = self.cfg.limits.memory_budget;
        if used > budget {
            return Err(Error::limit(
                format!(
                    "stopped at line {line}: the columns already take {} and the memory budget is {}; the file is too big — split it or raise limits.memoryBudget",
                    human(used), human(budget)
                ),
                format!("在第 {line} 行停止：各列已占用 {}，内存预算为 {}；文件过大——请拆分或提高 limits.memoryBudget", human(used), human(budget)),
            )
            .at_line(line));
        }
        Ok(())
    }

    /// The finished dataset.
    ///
    /// # Errors
    /// `FormatError` for an input with no table at all; the limits as in [`Self::push_record`].
    pub fn finish(mut self, mut source: Source) -> Result<Dataset> {
        if self.sampling {
            self.start()?;
        }
        self.flush_blank();
        if self.width == 0 && self.rows == 0 {
            return Err(Error::format("the file is empty: expected a header row", "文件为空：应有表头行"));
        }
        if self.ragged.n > ROW_WARN_CAP {
            let more = (self.ragged.n - ROW_WARN_CAP) as u64;
            self.warnings.push(
                Warning::new(
                    self.ragged.extra_first,
                    None,
                    Msg::new(
                        format!("{more} more rows have the wrong number of fields (not listed one by one)"),
                        format!("另有 {more} 行字段数不对（未逐条列出）"),
                    ),
                )
                .kind(WarningKind::RaggedRow)
                .count(more),
            );
        }
        let header_line = self.shape.header.and(self.header_line());
        let lines = std::mem::take(&mut self.lines);
        let mut warnings = std::mem::take(&mut self.warnings);
        let finished: Vec<(usize, Column)> = std::mem::take(&mut self.builders)
            .into_iter()
            .map(|b| b.finish(&lines, &mut warnings))
            .enumerate()
            .collect();
        // Empty columns without a header are dropped (trailing `,,,`), unless
        // that would leave no column to hold the rows.
        let droppable = |j: usize, c: &Column| {
            self.shape.header.is_some()
                && self.shape.names.get(j).is_none_or(String::is_empty)
                && c.missing() == c.len()
        };
        let keep_all = finished.iter().all(|(j, c)| droppable(*j, c));
        let mut columns: Vec<Column> = Vec::with_capacity(finished.len());
        let mut dropped = Vec::new();
        for (j, col) in finished {
            let empty_header = self.shape.names.get(j).is_none_or(String::is_empty);
            let all_missing = col.missing() == col.len();
            if droppable(j, &col) && !keep_all {
                dropped.push(j + 1);
                continue;
            }
            if empty_header && self.shape.header.is_some() {
                warnings.push(
                    Warning::new(
                        header_line,
                        Some(&col.name),
                        Msg::new(
                            format!("header {} is empty; named \"{}\"", j + 1, col.name),
                            format!("第 {} 列表头为空，命名为“{}”", j + 1, col.name),
                        ),
                    )
                    .kind(WarningKind::EmptyHeader),
                );
            }
            if all_missing && self.rows > 0 {
                warnings.push(
                    Warning::new(None, Some(&col.name), Msg::new("column is empty", "该列为空"))
                        .kind(WarningKind::EmptyColumn),
                );
            }
            columns.push(col);
        }
        let dropped_total = dropped.len() + self.shape.dropped_trailing;
        if dropped_total > 0 {
            warnings.push(
                Warning::new(
                    header_line,
                    None,
                    Msg::new(
                        format!("{dropped_total} empty columns without a header dropped"),
                        format!("已去掉 {dropped_total} 个无表头的空列"),
                    ),
                )
                .kind(WarningKind::DroppedColumns)
                .count(dropped_total as u64),
            );
        }
        assign_content_roles(&mut columns);
        let (first_line, table) = lines.into_parts();
        let mut ds = Dataset::new(columns, Source::default())?;
        ds = match table {
            Some(t) => ds.with_lines(t)?,
            None => ds.with_line_base(first_line),
        };
        check_duplicates(&ds, &mut warnings);
        warnings.sort_by_key(|w| w.row.unwrap_or(0));
        source.header_row = header_line;
        source.header_rows = self.shape.header_rows as u32;
        let mut skipped = std::mem::take(&mut source.skipped);
        skipped.append(&mut self.skipped);
        skipped.sort_by_key(|s| s.line);
        skipped.truncate(SKIPPED_CAP);
        source.skipped = skipped;
        *ds.source_mut() = source;
        Ok(ds.with_warnings(warnings))
    }

    fn header_line(&self) -> Option<u64> {
        self.header_line
    }
}

fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.0} MB", b / 1e6)
    } else {
        format!("{:.0} KB", b / 1e3)
    }
}

fn limit_columns(n: u64, max: u64) -> Error {
    Error::limit(
        format!("{n} columns; the limit is {max} (limits.maxColumns)"),
        format!("{n} 列；上限为 {max}（limits.maxColumns）"),
    )
}

fn row_text(cells: &[super::record::OwnedCell], joiner: &str) -> String {
    row_text_rec(cells, joiner)
}

fn row_text_rec<R: Record + ?Sized>(rec: &R, joiner: &str) -> String {
    let n = rec.trimmed_len();
    let parts: Vec<String> = (0..n).map(|i| rec.cell(i).text().trim().to_owned()).collect();
    let s = parts.join(joiner);
    let s = s.trim_matches(|c: char| joiner.contains(c) || c.is_whitespace()).to_owned();
    s.chars().take(200).collect()
}

/// Roles from content where no header named them: the first month column is the period.
fn assign_content_roles(columns: &mut [Column]) {
    if columns.iter().any(|c| c.role == Some(Role::Period)) {
        return;
    }
    if let Some(c) = columns
        .iter_mut()
        .find(|c| c.role.is_none() && matches!(c.data, ColumnData::Date { unit: crate::engine::DateUnit::Month, .. }))
    {
        c.role = Some(Role::Period);
    }
}

/// Duplicate employee (and period) rows, and rows identical to an earlier one.
fn check_duplicates(ds: &Dataset, warnings: &mut Vec<Warning>) {
    let n = ds.row_count();
    if n < 2 {
        return;
    }
    let id = ds.by_role(Role::EmployeeId);
    let period = ds.by_role(Role::Period);
    if let Some(id) = id.filter(|c| c.as_strings().is_some()) {
        let codes = id.as_strings().map(|s| s.codes.as_slice()).unwrap_or(&[]);
        let pkey = |row: usize| -> u64 {
            match period.map(|p| &p.data) {
                Some(ColumnData::Number(v) | ColumnData::Date { days: v, .. }) => v.get(row).to_bits(),
                Some(ColumnData::Strings { values, .. }) => {
                    u64::from(values.codes.get(row).copied().unwrap_or(MISSING_CODE))
                }
                None => 0,
            }
        };
        let mut keys: Vec<(u32, u64, u32)> = codes
            .iter()
            .enumerate()
            .filter(|(_, &c)| c != MISSING_CODE)
            .map(|(r, &c)| (c, pkey(r), r as u32))
            .collect();
        keys.sort_unstable();
        let mut listed = 0usize;
        let mut extra = 0u64;
        let mut extra_first = None;
        // Sorted, so each (id, period) is one run; `first` is its earliest row.
        let (mut first, mut in_run) = (0usize, false);
        for w in keys.windows(2) {
            let (Some(a), Some(b)) = (w.first(), w.get(1)) else { continue };
            if a.0 != b.0 || a.1 != b.1 {
                in_run = false;
                continue;
            }
            if !in_run {
                first = a.2 as usize;
                in_run = true;
            }
            let row = b.2 as usize;
            listed += 1;
            if listed > ROW_WARN_CAP {
                extra += 1;
                extra_first.get_or_insert(ds.line_of(row));
                continue;
            }
            let who = id.display(row).map(|s| s.into_owned()).unwrap_or_default();
            let when = period.and_then(|p| p.display(row)).map(|s| s.into_owned());
            let (en, zh, value) = match &when {
                Some(p) => (
                    format!("employee {who} in {p} appears again (first on line {})", ds.line_of(first)),
                    format!("员工 {who} 在 {p} 重复出现（首次在第 {} 行）", ds.line_of(first)),
                    format!("{who} {p}"),
                ),
                None => (
                    format!("employee {who} appears again (first on line {})", ds.line_of(first)),
                    format!("员工 {who} 重复出现（首次在第 {} 行）", ds.line_of(first)),
                    who.clone(),
                ),
            };
            warnings.push(
                Warning::new(Some(ds.line_of(row)), Some(&id.name), Msg::new(en, zh))
                    .kind(WarningKind::DuplicateKey)
                    .value(value),
            );
        }
        if extra > 0 {
            warnings.push(
                Warning::new(
                    extra_first,
                    Some(&id.name),
                    Msg::new(
                        format!("{extra} more duplicate employee rows (not listed one by one)"),
                        format!("另有 {extra} 行员工重复（未逐条列出）"),
                    ),
                )
                .kind(WarningKind::DuplicateKey)
                .count(extra),
            );
        }
        return;
    }
    // No employee id: rows identical to an earlier row.
    let cols = ds.columns();
    let hash_row = |r: usize| -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for c in cols {
            let v = match &c.data {
                ColumnData::Number(v) | ColumnData::Date { days: v, .. } => v.get(r).to_bits(),
                ColumnData::Strings { values, .. } => u64::from(values.codes.get(r).copied().unwrap_or(0)),
            };
            h = (h ^ v).wrapping_mul(0x0100_0000_01b3).rotate_left(17);
        }
        h
    };
    let same = |a: usize, b: usize| {
        cols.iter().all(|c| match &c.data {
            ColumnData::Number(v) | ColumnData::Date { days: v, .. } => v.get(a).to_bits() == v.get(b).to_bits(),
            ColumnData::Strings { values, .. } => values.codes.get(a) == values.codes.get(b),
        })
    };
    let mut keys: Vec<(u64, u32)> = (0..n).map(|r| (hash_row(r), r as u32)).collect();
    keys.sort_unstable();
    let mut dups: Vec<(u32, u32)> = Vec::new();
    // The distinct rows of one hash run (one unless hashes collide): each row
    // is compared with these, not with every earlier row of the run.
    let mut distinct: Vec<u32> = Vec::new();
    for run in keys.chunk_by(|a, b| a.0 == b.0) {
        distinct.clear();
        for &(_, r) in run {
            match distinct.iter().find(|&&p| same(p as usize, r as usize)) {
                Some(&f) => dups.push((r, f)),
                None => distinct.push(r),
            }
        }
    }
    if dups.is_empty() {
        return;
    }
    dups.sort_unstable();
    let total = dups.len() as u64;
    let (r, f) = dups.first().copied().unwrap_or((0, 0));
    warnings.push(
        Warning::new(
            Some(ds.line_of(r as usize)),
            None,
            Msg::new(
                format!(
                    "{total} rows are exact copies of an earlier row (the first: line {} repeats line {}); they were kept",
                    ds.line_of(r as usize),
                    ds.line_of(f as usize)
                ),
                format!(
                    "{total} 行与前面某行完全相同（第一例：第 {} 行重复第 {} 行）；已保留",
                    ds.line_of(r as usize),
                    ds.line_of(f as usize)
                ),
            ),
        )
        .kind(WarningKind::DuplicateRow)
        .count(total),
    );
}
