// The npm package (pkg/) imports and runs in Node, as embedders use it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const pkgDir = new URL("../../pkg/", import.meta.url);
const { default: init, Dataset, version, memoryBudget, setMemoryBudget } = await import(new URL("hrlens.js", pkgDir));
await init({ module_or_path: await readFile(new URL("hrlens_bg.wasm", pkgDir)) });

test("package.json names the entry points", async () => {
  const manifest = JSON.parse(await readFile(new URL("package.json", pkgDir), "utf8"));
  assert.equal(manifest.name, "hrlens");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.main, "hrlens.js");
  assert.equal(manifest.types, "hrlens.d.ts");
  assert.equal(manifest.version, version());
  const dts = await readFile(new URL("hrlens.d.ts", pkgDir), "utf8");
  assert.match(dts, /columns\(\): ColumnInfo\[\]/);
  assert.match(dts, /static load\(bytes: Uint8Array \| number\[\], opts\?: LoadOptions\): Dataset/);
  assert.doesNotMatch(dts, /opts: any/);
});

test("Dataset.sample() has employees × months rows, deterministically", () => {
  const ds = Dataset.sample();
  assert.equal(ds.rowCount, 2000 * 24);
  const small = Dataset.sample({ employees: 30, months: 5, seed: 9 });
  assert.equal(small.rowCount, 150);
  const again = Dataset.sample({ employees: 30, months: 5, seed: 9 });
  assert.deepEqual(again.column("客户满意度"), small.column("客户满意度"));
  assert.deepEqual(again.column("姓名"), small.column("姓名"));
  const other = Dataset.sample({ employees: 30, months: 5, seed: 10 });
  assert.notDeepEqual(other.column("客户满意度"), small.column("客户满意度"));
});

test("columns() and column() follow the API contract", () => {
  const ds = Dataset.sample({ employees: 40, months: 3, seed: 1 });
  const cols = ds.columns();
  const id = cols.find((c) => c.name === "工号");
  assert.deepEqual(id, { name: "工号", kind: "text", role: "employeeId", missing: 0, distinct: 40 });
  assert.equal(cols.find((c) => c.name === "月份").kind, "date");
  assert.equal(cols.find((c) => c.name === "区域").role, null);
  const csat = ds.column("客户满意度");
  assert.ok(csat instanceof Float64Array);
  assert.equal(csat.length, 120);
  const months = ds.column("月份");
  assert.deepEqual(months.slice(0, 3), ["2023-01", "2023-02", "2023-03"]);
  assert.equal(ds.source().format, "sample");
});

test("load parses a CSV and reports what it repaired", () => {
  const lines = ["工号,部门,月份,得分"];
  for (let i = 1; i <= 11; i++) lines.push(`E${i},客服${i % 2 ? "一" : "二"}部,2024-01,${80 + i}`);
  lines.push("E12,客服二部,2024-02,abc");
  const csv = lines.join("\n") + "\n";
  const ds = Dataset.load(new TextEncoder().encode(csv), { filename: "a.csv" });
  assert.equal(ds.rowCount, 12);
  assert.equal(ds.columns()[3].kind, "number");
  assert.equal(ds.columns()[1].role, "department");
  const w = ds.warnings();
  assert.equal(w.length, 1);
  assert.equal(w[0].row, 13);
  assert.equal(w[0].column, "得分");
  assert.match(w[0].message, /"abc" is not a number/);
  assert.match(w[0].messageZh, /不是数字/);
  ds.setRole("部门", null);
  assert.equal(ds.columns()[1].role, null);
});

test("bad input throws a named Error with file, line and a Chinese message", () => {
  assert.throws(() => Dataset.load(new Uint8Array(), { filename: "empty.csv" }), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "FormatError");
    assert.equal(e.file, "empty.csv");
    assert.match(e.messageZh, /文件为空/);
    return true;
  });
  assert.throws(() => Dataset.load(new Uint8Array([0x61, 0x0a, 0xff]), {}), { name: "EncodingError" });
  assert.throws(() => Dataset.sample({ employees: 0 }), { name: "ParamError" });
  assert.throws(() => Dataset.sample({ employes: 5 }), { name: "ParamError", message: /unknown field `employes`/ });
  assert.throws(() => Dataset.sample({ employees: 10_000_000 }), { name: "LimitError" });
  const ds = Dataset.sample({ employees: 5, months: 1 });
  assert.throws(() => ds.column("nope"), { name: "ParamError", column: "nope" });
  assert.throws(() => ds.setRole("工号", "boss"), { name: "ParamError" });
});

test("work past the memory budget fails early with a LimitError that says both sizes", () => {
  const before = memoryBudget();
  assert.equal(before, 1.5 * 2 ** 30);
  setMemoryBudget(16 * 2 ** 20);
  try {
    assert.throws(() => Dataset.sample({ employees: 100_000, months: 1 }), (e) => {
      assert.equal(e.name, "LimitError");
      assert.match(e.message, /needs about \d+ MiB of memory; the budget is 16 MiB/);
      assert.match(e.messageZh, /预算为 16 MiB/);
      return true;
    });
    const ds = Dataset.sample({ employees: 5_000, months: 1 }); // hire dates span ~20 years: 5,000 × ~230 cells
    assert.throws(() => ds.trend({ metric: "客户满意度", by: "工号", periodColumn: "入职日期" }), { name: "LimitError" });
  } finally {
    setMemoryBudget(before);
  }
  assert.equal(Dataset.sample({ employees: 100_000, months: 1 }).rowCount, 100_000);
  assert.throws(() => setMemoryBudget(1), { name: "ParamError" });
});
