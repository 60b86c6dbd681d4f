// The export facade in Node: CSV and XLSX bytes, pseudonyms, small-group suppression.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";

const pkgDir = new URL("../../pkg/", import.meta.url);
const hr = await import(new URL("hrlens.js", pkgDir));
await hr.default({ module_or_path: await readFile(new URL("hrlens_bg.wasm", pkgDir)) });
const { exportCsv, exportXlsx, pseudonymize, suppressSmallGroups, Dataset } = hr;

const SECRET = "0123456789abcdef-workspace";
const utf8 = (bytes) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);

/** The entries of a zip archive, read through its central directory. */
export function unzip(bytes) {
  const b = Buffer.from(bytes);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, "end of central directory");
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(b.readUInt32LE(p), 0x02014b50);
    const method = b.readUInt16LE(p + 10);
    const packed = b.readUInt32LE(p + 20);
    const nameLen = b.readUInt16LE(p + 28);
    const extra = b.readUInt16LE(p + 30);
    const comment = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    const name = b.toString("utf8", p + 46, p + 46 + nameLen);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const data = b.subarray(start, start + packed);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString("utf8"));
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

test("exportCsv: BOM, CRLF, RFC 4180 quoting, numbers as numbers, formulas neutralised", () => {
  const bytes = exportCsv({
    name: "scores",
    columns: [
      { name: "姓名", values: ["张伟", "=cmd|' /C calc'!A0", "a,\"b\"", null] },
      { name: "总分", values: new Float64Array([91.5, -3, NaN, 0.1]) },
      { name: "排名", values: new Uint32Array([1, 3, 2, 4]) },
    ],
  });
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.equal(
    utf8(bytes.slice(3)),
    "姓名,总分,排名\r\n张伟,91.5,1\r\n'=cmd|' /C calc'!A0,-3,3\r\n\"a,\"\"b\"\"\",,2\r\n,0.1,4\r\n",
  );
  const raw = exportCsv({ columns: [{ name: "x", values: ["@SUM(1)", "+1", "-1", "\tx"] }] }, { neutralizeFormulas: false, bom: false });
  assert.equal(utf8(raw), "x\r\n@SUM(1)\r\n+1\r\n-1\r\n\tx\r\n");
  const semi = exportCsv({ columns: [{ name: "a", values: [1.5] }, { name: "b", values: ["x;y"] }] }, { delimiter: ";" });
  assert.equal(utf8(semi.slice(3)), "a;b\r\n1.5;\"x;y\"\r\n");
});

test("exportCsv rejects malformed tables and options with a ParamError", () => {
  assert.throws(() => exportCsv({ columns: [{ name: "a", value: [1] }] }), { name: "ParamError", message: /unknown field `value`/ });
  assert.throws(() => exportCsv({ columns: [{ name: "a", values: [1, 2] }, { name: "b", values: [1] }] }), {
    name: "ParamError",
    column: "b",
  });
  assert.throws(() => exportCsv({ columns: [{ name: "a", values: [{}] }] }), { name: "ParamError", column: "a" });
  assert.throws(() => exportCsv({ columns: [] }, { neutralise: true }), { name: "ParamError", message: /unknown field/ });
  assert.throws(() => exportCsv([1, 2]), { name: "ParamError" });
  assert.throws(
    () => exportCsv({ columns: [{ name: "id", values: ["E1"] }] }, { pseudonymize: { columns: ["id"], secret: "short" } }),
    (e) => e.name === "ParamError" && /至少需要 16 字节/.test(e.messageZh),
  );
});

test("exportXlsx writes a zip whose sheet holds the same values, neutralised", () => {
  const table = {
    name: "考核/结果",
    columns: [
      { name: "姓名", values: ["张伟", "=cmd|' /C calc'!A0", "<img src=x onerror=alert(1)>"] },
      { name: "达成率", values: [0.5, 1, NaN], numFormat: "0.0%" },
    ],
  };
  const bytes = exportXlsx(table);
  assert.equal(String.fromCharCode(bytes[0], bytes[1]), "PK");
  const parts = unzip(bytes);
  assert.ok(parts.has("[Content_Types].xml"));
  assert.match(parts.get("xl/workbook.xml"), /<sheet name="考核_结果" sheetId="1" r:id="rId1"\/>/);
  const sheet = parts.get("xl/worksheets/sheet1.xml");
  assert.match(sheet, /<c r="A3" t="inlineStr"><is><t>'=cmd\|' \/C calc'!A0<\/t><\/is><\/c>/);
  assert.match(sheet, /<t>&lt;img src=x onerror=alert\(1\)&gt;<\/t>/);
  assert.match(sheet, /<c r="B2" s="2"><v>0.5<\/v><\/c>/);
  assert.doesNotMatch(sheet, /<c r="B4"/, "NaN is an empty cell");
  assert.doesNotMatch(sheet, /<f>/, "no formulas");
  assert.match(parts.get("xl/styles.xml"), /formatCode="0.0%"/);
  // Several tables, one sheet each; the same input gives the same bytes.
  const two = exportXlsx([table, { name: "b", columns: [{ name: "x", values: [1] }] }]);
  assert.equal(unzip(two).size, 7);
  assert.deepEqual(exportXlsx(table), bytes);
});

test("pseudonyms are stable, distinct, keyed and applied by the export option", () => {
  const ids = ["E00001", "E00002", "E00001", "", null];
  const a = pseudonymize(ids, SECRET);
  assert.equal(a[0], a[2]);
  assert.notEqual(a[0], a[1]);
  assert.deepEqual(a.slice(3), ["", ""]);
  assert.match(a[0], /^P-[0-9A-HJKMNP-TV-Z]{12}$/);
  assert.deepEqual(pseudonymize(ids, SECRET), a, "the same every time");
  assert.notEqual(pseudonymize(ids, SECRET + "x")[0], a[0], "another secret, another pseudonym");
  assert.match(pseudonymize(["张伟"], SECRET, "员工-")[0], /^员工-/);
  const many = pseudonymize(Array.from({ length: 20000 }, (_, i) => `E${i}`), SECRET);
  assert.equal(new Set(many).size, 20000);

  const csv = utf8(
    exportCsv(
      {
        columns: [
          { name: "工号", values: ["E00001", "E00002"] },
          { name: "上级工号", values: ["E00002", ""] },
          { name: "分", values: [1, 2] },
        ],
      },
      { pseudonymize: { columns: ["工号", "上级工号"], secret: SECRET } },
    ).slice(3),
  );
  const [, p1, p2] = pseudonymize(["", "E00001", "E00002"], SECRET);
  assert.equal(csv, `工号,上级工号,分\r\n${p1},${p2},1\r\n${p2},,2\r\n`, "ids still join across columns");
});

test("small groups: the engine says which to suppress, and exports show —", () => {
  const r = suppressSmallGroups(new Float64Array([12, 3, 40, 9]));
  assert.deepEqual(r, { suppressed: [false, true, false, true], reasons: [null, "small", null, "complementary"], count: 2 });
  assert.deepEqual(suppressSmallGroups([12, 3, 40, 9], { complementary: false }).suppressed, [false, true, false, false]);
  assert.deepEqual(suppressSmallGroups([10, 10], { minSize: 11 }).reasons, ["small", "small"]);
  assert.throws(() => suppressSmallGroups([1], { min: 3 }), { name: "ParamError" });

  const groups = {
    name: "部门",
    columns: [
      { name: "部门", values: ["客服一部", "客服二部", "客服三部"] },
      { name: "人数", values: [25, 4, 7] },
      { name: "平均分", values: [81.2, 95, 77.5] },
    ],
  };
  const csv = utf8(exportCsv(groups, { suppress: { sizeColumn: "人数" } }).slice(3));
  assert.equal(csv, "部门,人数,平均分\r\n客服一部,25,81.2\r\n客服二部,—,—\r\n客服三部,—,—\r\n");
  const sheet = unzip(exportXlsx(groups, { suppress: { sizeColumn: "人数", complementary: false } })).get("xl/worksheets/sheet1.xml");
  assert.match(sheet, /<c r="C3" t="inlineStr"><is><t>—<\/t><\/is><\/c>/);
  assert.match(sheet, /<c r="C4"><v>77.5<\/v><\/c>/);
  assert.throws(() => exportCsv(groups, { suppress: { sizeColumn: "size" } }), { name: "ParamError", column: "size" });
});

test("a scored sample exports end to end (ids, totals, bands)", () => {
  const ds = Dataset.sample({ employees: 60, months: 2, seed: 3 });
  const s = ds.score("cs-manager-monthly", { period: "2023-02" });
  const bytes = exportXlsx({
    name: "scores",
    columns: [
      { name: "工号", values: s.ids },
      { name: "总分", values: s.total },
      { name: "排名", values: s.rank },
      { name: "等级", values: s.band },
    ],
  }, { pseudonymize: { columns: ["工号"], secret: SECRET } });
  const sheet = unzip(bytes).get("xl/worksheets/sheet1.xml");
  assert.equal((sheet.match(/<row /g) ?? []).length, s.ids.length + 1);
  assert.ok(!sheet.includes(s.ids[0]), "no raw id left");
  assert.ok(sheet.includes(pseudonymize([s.ids[0]], SECRET)[0]));
});

test("www/export.js: table shapes, file names, data URLs, exportTable through an rpc", async () => {
  const ex = await import("../../www/export.js");
  const rows = [{ 工号: "E1", 分: 90 }, { 工号: "E2", 分: null }];
  assert.deepEqual(ex.toExportTable("t", rows), {
    name: "t",
    columns: [{ name: "工号", values: ["E1", "E2"] }, { name: "分", values: [90, null] }],
  });
  assert.deepEqual(ex.toExportTable("t", { header: ["a", "b"], rows: [[1, "x"], [2, new Date(0)]] }).columns[1].values, [
    "x",
    new Date(0).toString(),
  ]);
  assert.throws(() => ex.toExportTable("t", 5), { name: "ParamError" });
  assert.equal(ex.fileName('考核/结果:2024?"', "csv"), "考核_结果_2024_.csv");
  assert.equal(ex.fileName("  ", "xlsx"), "hrlens.xlsx");
  assert.equal(ex.fileName("../../etc/passwd", "csv"), "_.._etc_passwd.csv");
  const png = ex.dataUrlToBlob("data:image/png;base64,iVBORw0KGgo=");
  assert.equal(png.type, "image/png");
  assert.deepEqual([...new Uint8Array(await png.arrayBuffer())], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const svg = ex.dataUrlToBlob("data:image/svg+xml;charset=UTF-8,%3Csvg%3E");
  assert.equal(await svg.text(), "<svg>");

  // The page's rpc runs hrlens in a worker; any { module(fn, ...args) } will do.
  const calls = [];
  const rpc = { module: async (fn, ...args) => (calls.push(fn), hr[fn](...args)) };
  const out = await ex.exportTable("考核", rows, { rpc, download: false, format: "xlsx" });
  assert.equal(out.filename, "考核.xlsx");
  assert.equal(out.blob.type, ex.MIME.xlsx);
  assert.ok(unzip(new Uint8Array(await out.blob.arrayBuffer())).has("xl/worksheets/sheet1.xml"));
  const csvOut = await ex.exportTable("c", { columns: [{ name: "x", values: ["=1"] }] }, { rpc, download: false });
  assert.equal(utf8(new Uint8Array(await csvOut.blob.arrayBuffer()).slice(3)), "x\r\n'=1\r\n");
  assert.deepEqual(calls, ["exportXlsx", "exportCsv"]);
  await assert.rejects(ex.exportTable("c", rows, { rpc, download: false, format: "pdf" }), { name: "ParamError" });
  await assert.rejects(ex.exportTable("c", rows, { download: false }), /useWorker/);
});

test("wasm writes the same bytes as the native engine (tests/export.rs pins them)", async () => {
  const { createHash } = await import("node:crypto");
  const golden = JSON.parse(await readFile(new URL("../testdata/export_sha256.json", import.meta.url), "utf8"));
  const csat = Dataset.sample({ employees: 200, months: 12, seed: 5 }).column("客户满意度");
  const notes = ["张伟", "=cmd|' /C calc'!A0", 'a,"b"\nc', ""];
  const n = csat.length;
  const table = {
    name: "golden",
    columns: [
      { name: "工号", values: Array.from({ length: n }, (_, i) => `E${String(i % 200).padStart(5, "0")}`) },
      { name: "客户满意度", values: csat, numFormat: "0.0" },
      { name: "备注", values: Array.from({ length: n }, (_, i) => `${notes[i % 4]}${i % 4 === 3 ? "" : i}`) },
    ],
  };
  const sha = (b) => createHash("sha256").update(b).digest("hex");
  assert.equal(sha(exportCsv(table, { pseudonymize: { columns: ["工号"], secret: "golden-secret-0123456789" } })), golden.csv);
  assert.equal(sha(exportXlsx(table)), golden.xlsx);
});
