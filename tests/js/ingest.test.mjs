// Ingest through the npm package (wasm in Node) and through the page's worker
// (streaming a File in Chromium): GBK, shapes and cleaning reach JS with the
// documented shapes; DatasetLoader gives the same dataset as Dataset.load;
// hostile workbooks are LimitErrors in bounded wasm memory; a file too big for
// the memory budget fails early and the module keeps working; join reports
// discrepancies; the real files load (SKIPPED when ../shared/data is absent).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";

const pkgDir = new URL("../../pkg/", import.meta.url);
const { default: init, Dataset, DatasetLoader } = await import(new URL("hrlens.js", pkgDir));
const wasm = await init({ module_or_path: await readFile(new URL("hrlens_bg.wasm", pkgDir)) });
const memory = () => wasm.memory.buffer.byteLength;
const enc = (s) => new TextEncoder().encode(s);
const shared = new URL("../../../shared/data/", import.meta.url);

function sharedFile(rel, t) {
  const url = new URL(rel, shared);
  if (!existsSync(url)) {
    t.diagnostic(`SKIPPED: shared test data ${rel} not found`);
    console.log(`SKIPPED: shared test data ${rel} not found`);
    return null;
  }
  return readFile(url);
}

function stream(bytes, opts, chunk) {
  const l = new DatasetLoader({ ...opts, size: bytes.length });
  let p;
  for (let o = 0; o < bytes.length; o += chunk) p = l.push(bytes.subarray(o, o + chunk));
  if (p) {
    assert.ok(p.bytes === bytes.length && p.total === bytes.length, JSON.stringify(p));
  }
  return l.finish();
}

function snapshot(ds) {
  return {
    rowCount: ds.rowCount,
    columns: ds.columns(),
    values: ds.columns().map((c) => Array.from(ds.column(c.name), (v) => (typeof v === "number" && Number.isNaN(v) ? "NaN" : v))),
    warnings: ds.warnings(),
    source: ds.source(),
  };
}

// ---- a zip writer for hand-made workbooks (stored or deflated entries) ------

function zip(entries) {
  const local = [];
  const central = [];
  let offset = 0;
  for (const { name, data, deflate = true, declare } of entries) {
    const nameBytes = enc(name);
    const body = deflate ? deflateRawSync(data, { level: 1 }) : data;
    const size = declare ?? data.length;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(deflate ? 8 : 0, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(body.length, 18);
    head.writeUInt32LE(size, 22);
    head.writeUInt16LE(nameBytes.length, 26);
    local.push(head, nameBytes, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(deflate ? 8 : 0, 10);
    cd.writeUInt32LE(crc32(data), 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(nameBytes.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...local, cdBytes, end]));
}

function workbook(sheetXml, sheetEntry = {}) {
  const ns = "http://schemas.openxmlformats.org";
  return zip([
    { name: "[Content_Types].xml", data: enc(`<?xml version="1.0"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`) },
    { name: "_rels/.rels", data: enc(`<?xml version="1.0"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: "xl/workbook.xml", data: enc(`<?xml version="1.0"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="S1" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: "xl/_rels/workbook.xml.rels", data: enc(`<?xml version="1.0"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    { name: "xl/worksheets/sheet1.xml", data: sheetXml, ...sheetEntry },
  ]);
}

const sheet = (body, dim = "") =>
  enc(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${dim}<sheetData>${body}</sheetData></worksheet>`);

// ---- in Node (the npm package) ------------------------------------------------

test("a GBK CSV with a title line: encoding, header row, roles, cleaning and warnings reach JS", () => {
  // "2024年3月考核表\n工号,姓名,部门,月份,完成率\nE001,张伟,客服一部,2024年3月,85%\n…" in GB18030, made by Python's codec.
  const hex =
    "32303234c4ea33d4c2bfbcbacbb1ed0ab9a4bac52cd0d5c3fb2cb2bfc3c52cd4c2b7dd2ccdeab3c9c2ca0a453030312cd5c5ceb02cbfcdb7fed2bbb2bf2c32303234c4ea33d4c22c3835250a453030322cc0eec4c82cbfcdb7feb6feb2bf2c32303234c4ea33d4c22c3930250a";
  const bytes = Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
  const ds = Dataset.load(bytes, { filename: "考核.csv" });
  const src = ds.source();
  assert.equal(src.encoding, "gb18030");
  assert.equal(src.headerRow, 2);
  assert.equal(src.headerRows, 1);
  assert.equal(src.delimiter, ",");
  assert.equal(src.skipped[0].line, 1);
  assert.equal(src.skipped[0].reason, "titleLines");
  assert.equal(ds.rowCount, 2);
  const cols = Object.fromEntries(ds.columns().map((c) => [c.name, c]));
  assert.equal(cols["工号"].role, "employeeId");
  assert.equal(cols["姓名"].role, "name");
  assert.equal(cols["部门"].role, "department");
  assert.equal(cols["月份"].role, "period");
  assert.equal(cols["月份"].kind, "date");
  assert.deepEqual(ds.column("月份"), ["2024-03", "2024-03"]);
  assert.equal(cols["完成率"].percent, true);
  assert.deepEqual(Array.from(ds.column("完成率")), [0.85, 0.9]);
  const step = cols["完成率"].cleaning.find((s) => s.step === "percent");
  assert.equal(step.count, 2);
  assert.match(step.message, /percentages/);
  assert.match(step.messageZh, /百分数/);
  const w = ds.warnings();
  assert.equal(w[0].kind, "titleLines");
  assert.equal(w[0].row, 1);
  assert.ok(w[0].value.includes("考核"));
  assert.equal(ds.report().skippedRows, 1);
  assert.equal(ds.report().byKind.titleLines, 1);
});

test("warnings carry row, column, value and expected; they page and filter", () => {
  const lines = ["工号,月份,得分"];
  for (let i = 1; i <= 30; i++) lines.push(`E${i},2024-01,${i === 7 || i === 9 ? "n.a." : 60 + i}`);
  lines.push("E1,2024-01,70", ",,", "合计,,1000");
  const ds = Dataset.load(enc(lines.join("\n") + "\n"), { filename: "w.csv" });
  const bad = ds.warnings({ kind: "badValue" });
  assert.equal(bad.length, 2);
  assert.deepEqual(
    { row: bad[0].row, column: bad[0].column, value: bad[0].value, expected: bad[0].expected, kind: bad[0].kind },
    { row: 8, column: "得分", value: "n.a.", expected: "a number", kind: "badValue" },
  );
  assert.equal(bad[0].expectedZh, "数字");
  assert.equal(ds.warnings({ limit: 1, offset: 1 }).length, 1);
  const r = ds.report();
  assert.equal(r.byKind.duplicateKey, 1);
  assert.equal(r.byKind.totalsRow, 1);
  assert.equal(r.byKind.blankLines, 1);
  assert.equal(r.rows, 31);
  assert.ok(r.memoryBytes > 0);
  assert.throws(() => ds.warnings({ kinds: "x" }), { name: "ParamError" });
});

test("DatasetLoader gives the same dataset as Dataset.load, in any chunking", () => {
  const lines = ["\uFEFF2024年3月报表", "工号,姓名,服务质量,,入职日期,是否在职", ",,满意度,投诉率,,"];
  for (let i = 1; i <= 1500; i++) {
    lines.push(`E${String(i).padStart(5, "0")},员工${i},${(i * 7) % 100},${i % 3 ? "5%" : "N/A"},${(i % 12) + 1}/${(i % 27) + 1}/2020,${i % 2 ? "是" : "否"}`);
  }
  lines.push("合计,,,,,");
  const bytes = enc(lines.join("\r\n"));
  const whole = snapshot(Dataset.load(bytes, { filename: "x.csv" }));
  assert.equal(whole.source.headerRows, 2);
  assert.equal(whole.columns[2].name, "服务质量/满意度");
  assert.equal(whole.columns[4].dateOrder, "mdy");
  assert.equal(whole.columns[5].boolean, true);
  for (const chunk of [1, 13, 4096, 1 << 20]) {
    assert.deepEqual(snapshot(stream(bytes, { filename: "x.csv" }, chunk)), whole, `chunk ${chunk}`);
  }
  // compact: true keeps the same values (to the bit) in less memory.
  const compact = Dataset.load(bytes, { filename: "x.csv", compact: true });
  assert.deepEqual(snapshot(compact), whole);
  assert.deepEqual(snapshot(stream(bytes, { filename: "x.csv", compact: true }, 4096)), whole);
  assert.ok(compact.report().memoryBytes < Dataset.load(bytes, { filename: "x.csv" }).report().memoryBytes);
  const l = new DatasetLoader({});
  l.push(enc("a\n1\n"));
  assert.equal(l.finish().rowCount, 1);
  assert.throws(() => l.push(bytes), { name: "ParamError", message: /finished/ });
  assert.throws(() => new DatasetLoader({}).finish(), { name: "FormatError", message: /empty/ });
});

test("preview shows the first rows as written and the header it would pick", () => {
  const bytes = enc("客服绩效表\n工号,得分\nE1,1\nE2,2\n");
  const p = Dataset.preview(bytes, { filename: "p.csv" }, 3);
  assert.equal(p.format, "csv");
  assert.equal(p.headerRow, 2);
  assert.deepEqual(p.rows, [
    { line: 1, cells: ["客服绩效表"] },
    { line: 2, cells: ["工号", "得分"] },
    { line: 3, cells: ["E1", "1"] },
  ]);
  const forced = Dataset.preview(bytes, { headerRow: 1 });
  assert.equal(forced.headerRow, 1);
});

test("a 1.5 KB workbook declaring A1:XFD1048576 is a LimitError and wasm memory stays bounded", () => {
  const before = memory();
  const bytes = workbook(sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>', '<dimension ref="A1:XFD1048576"/>'));
  assert.ok(bytes.length < 2000, `${bytes.length} bytes`);
  assert.throws(() => Dataset.load(bytes, { filename: "bomb.xlsx" }), (e) => {
    assert.equal(e.name, "LimitError");
    assert.match(e.message, /A1:XFD1048576/);
    assert.equal(e.file, "bomb.xlsx");
    assert.match(e.messageZh, /上限/);
    return true;
  });
  // The same cells without the dimension: the range cap while streaming cells.
  const noDim = workbook(sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'));
  assert.throws(() => Dataset.load(noDim), { name: "LimitError" });
  // A whitespace bomb: 16 MB of spaces deflated to a few KB.
  const spaces = new Uint8Array(16 << 20).fill(0x20);
  const bomb = workbook(sheet(Buffer.from(spaces).toString("latin1")));
  assert.ok(bomb.length < 200_000);
  assert.throws(() => Dataset.load(bomb), { name: "LimitError", message: /zip bomb/ });
  // The bomb with a lying directory (declares 1 KB): stopped at the declared size.
  const liar = workbook(sheet(Buffer.from(spaces).toString("latin1")), { declare: 1024 });
  assert.throws(() => Dataset.load(liar), { name: "FormatError" });
  // Twenty million declared cells.
  assert.throws(() => Dataset.load(workbook(sheet('<row r="1"><c r="A1"><v>1</v></c></row>', '<dimension ref="A1:T1000000"/>'))), {
    name: "LimitError",
    message: /20000000 cells/,
  });
  assert.ok(memory() - before < 64 << 20, `wasm memory grew ${(memory() - before) >> 20} MB`);
  // …and the module still works.
  assert.equal(Dataset.load(workbook(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2"><v>5</v></c></row>'))).rowCount, 1);
});

test("a file too big for the memory budget fails with the first chunk, saying how big fits; the module survives", () => {
  const lines = ["工号,月份,a,b,c,d"];
  for (let i = 0; i < 3000; i++) lines.push(`E${i},2024-01,${i},${i / 2},${i % 7},${i % 3}`);
  const chunk = enc(lines.join("\n") + "\n");
  const l = new DatasetLoader({ filename: "huge.csv", size: 400 * 2 ** 30 });
  assert.throws(() => l.push(chunk), (e) => {
    assert.equal(e.name, "LimitError");
    assert.match(e.message, /memory budget/);
    assert.match(e.message, /up to about \d/);
    assert.equal(e.file, "huge.csv");
    return true;
  });
  assert.throws(() => l.push(chunk), { name: "LimitError" });
  l.free();
  const small = new DatasetLoader({ limits: { memoryBudget: 1 << 16 } });
  assert.throws(() => {
    small.push(chunk);
    small.finish();
  }, { name: "LimitError" });
  assert.equal(Dataset.load(chunk).rowCount, 3000);
  assert.throws(() => new DatasetLoader({ limits: { memoryBudget: 0 } }), { name: "ParamError" });
  assert.throws(() => new DatasetLoader({ limits: { nope: 1 } }), { name: "ParamError" });
});

test("join: ids on one side only and the discrepancies between sources", () => {
  const hr = Dataset.load(enc("工号,月份,部门,满意度\nE1,2024-01,一部,80\nE1,2024-02,一部,82\nE2,2024-01,二部,70\nE3,2024-01,三部,60\n"), { filename: "hr.csv" });
  const crm = Dataset.load(enc("EmpID,Month,Department,满意度,NPS\nE1,2024/1,一部,80,10\nE1,2024/2,二部,85,20\nE2,2024年1月,二部,,5\nE9,2024-01,九部,1,1\n"), { filename: "crm.csv" });
  const { dataset, discrepancies, summary } = hr.join(crm);
  assert.equal(dataset.rowCount, 5);
  assert.equal(dataset.source().format, "join");
  assert.deepEqual(summary.leftOnlyIds, ["E3"]);
  assert.deepEqual(summary.rightOnlyIds, ["E9"]);
  assert.equal(summary.matched, 3);
  assert.equal(summary.byPeriod, true);
  assert.deepEqual(
    dataset.columns().map((c) => c.name),
    ["工号", "月份", "部门", "满意度 [hr.csv]", "Department", "满意度 [crm.csv]", "NPS"],
  );
  const dept = discrepancies.find((d) => d.column === "部门");
  assert.deepEqual(dept, { id: "E1", period: "2024-02", column: "部门", rightColumn: "Department", left: "一部", right: "二部", kind: "differs", leftLine: 3, rightLine: 3 });
  assert.ok(discrepancies.some((d) => d.column === "满意度" && d.kind === "missingRight"));
  assert.throws(() => hr.join(crm, { how: "sideways" }), { name: "ParamError" });
  assert.throws(() => hr.join(crm, { on: "nope" }), { name: "ParamError", column: "nope" });
});

test("JSON tables load too", () => {
  const ds = Dataset.load(enc('[{"工号": "E1", "得分": 1.5}, {"工号": "E2", "得分": null}]'));
  assert.equal(ds.source().format, "json");
  assert.equal(ds.rowCount, 2);
  assert.ok(Number.isNaN(ds.column("得分")[1]));
  assert.throws(() => Dataset.load(enc('[{"a": }]')), { name: "FormatError", line: 1 });
});

test("the real files load in wasm with the right rows, kinds and roles", async (t) => {
  const csv = await sharedFile("WA_Fn-UseC_-HR-Employee-Attrition.csv", t);
  const xlsx = await sharedFile("xlsx/WA_Fn-UseC_-HR-Employee-Attrition.xlsx", t);
  if (csv && xlsx) {
    const a = Dataset.load(new Uint8Array(csv), { filename: "a.csv" });
    const b = stream(new Uint8Array(xlsx), { filename: "a.xlsx" }, 65536);
    assert.equal(a.rowCount, 1470);
    assert.equal(b.rowCount, 1470);
    assert.deepEqual(a.columns(), b.columns());
    for (const c of ["MonthlyIncome", "Attrition", "Department", "EmployeeNumber"]) assert.deepEqual(a.column(c), b.column(c), c);
    assert.equal(b.source().sheets.length, 2);
  }
  const hr = await sharedFile("HRDataset_v14.csv", t);
  if (hr) {
    const ds = stream(new Uint8Array(hr), { filename: "HRDataset_v14.csv" }, 10_000);
    assert.equal(ds.rowCount, 311);
    const cols = Object.fromEntries(ds.columns().map((c) => [c.name, c]));
    assert.equal(cols.EmpID.role, "employeeId");
    assert.equal(cols.ManagerID.role, "managerId");
    assert.equal(cols.DOB.dateOrder, "mdy");
    assert.equal(ds.column("Zip")[0], "01960");
    assert.deepEqual(ds.warnings(), []);
  }
  const resave = await sharedFile("xlsx/HRDataset_v14.xlsx", t);
  if (resave) {
    const ds = Dataset.load(new Uint8Array(resave), { filename: "HRDataset_v14.xlsx" });
    const mixed = ds.warnings({ kind: "dateMixed" }).map((w) => w.column);
    assert.ok(mixed.includes("DOB") && mixed.includes("DateofHire"), mixed.join());
  }
});

// ---- in the browser: the page's worker streams a File ---------------------------

let server, browser, page;

before(async () => {
  const { startServer } = await import("../../tools/serve.mjs");
  const { openBrowser } = await import("./browser.mjs");
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser();
  page = await browser.context.newPage();
  browser.watch(page);
  await page.goto(`${server.url}/`);
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

test("in Chromium the worker streams a File in chunks, reports progress and survives a LimitError", async () => {
  const out = await page.evaluate(async () => {
    const { connect } = await import("/www/rpc.js");
    const hr = connect();
    const lines = ["工号,月份,部门,得分"];
    for (let i = 0; i < 120_000; i++) lines.push(`E${String(i % 10000).padStart(5, "0")},2024-${String((i % 12) + 1).padStart(2, "0")},客服${i % 7}部,${(i % 97) + 0.5}`);
    const file = new File([lines.join("\n") + "\n"], "big.csv", { type: "text/csv" });
    const progress = [];
    const r = await hr.load(file, {}, { onProgress: (p) => progress.push(p) });
    let limit = null;
    try {
      await hr.load(file, { limits: { memoryBudget: 1 << 20 } });
    } catch (e) {
      limit = { name: e.name, message: e.message, messageZh: e.messageZh };
    }
    const again = await hr.load(new File(["a,b\n1,2\n"], "small.csv"), {});
    const right = await hr.load(new File(["工号,部门\nE00001,客服9部\n"], "crm.csv"), {});
    const joined = await hr.join(r.handle, right.handle, {});
    const preview = await hr.preview(file, {}, 2);
    return { rows: r.rowCount, warnings: r.warnings.length, report: r.report, source: r.source, progress, limit, again: again.rowCount, joined: { rows: joined.rowCount, summary: joined.summary, discrepancies: joined.discrepancies.length }, preview, size: file.size };
  });
  assert.equal(out.rows, 120_000);
  assert.ok(out.warnings <= 100, "the first 100 warnings come with the load");
  assert.ok(out.report.byKind.duplicateKey > 1000, JSON.stringify(out.report.byKind));
  assert.equal(out.source.encoding, "utf-8");
  assert.ok(out.progress.length >= 2, `${out.progress.length} progress messages`);
  const last = out.progress.at(-1);
  assert.equal(last.done, true);
  assert.equal(last.rows, 120_000);
  assert.equal(last.bytes, out.size);
  assert.equal(last.total, out.size);
  assert.ok(out.progress.every((p) => p.rowsPerSec >= 0 && typeof p.rows === "number"));
  assert.ok(out.progress.slice(0, -1).every((p, i, a) => i === 0 || p.bytes >= a[i - 1].bytes));
  assert.equal(out.limit?.name, "LimitError", JSON.stringify(out.limit));
  assert.match(out.limit.message, /memory budget|stopped at line/);
  assert.ok(out.limit.messageZh);
  assert.equal(out.again, 1, "the worker keeps working after a LimitError");
  assert.equal(out.joined.summary.matched, 12);
  assert.equal(out.joined.discrepancies, 12, "every E00001 row disagrees on 部门");
  assert.equal(out.preview.rows.length, 2);
  assert.equal(out.preview.headerRow, 1);
  assert.deepEqual(browser.log.pageErrors, []);
});
