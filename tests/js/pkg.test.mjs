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

// ---- the package as embedders install it -------------------------------------

import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";

/** A scratch project with node_modules/hrlens → pkg/, as `npm install` would leave it. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), "hrlens-embed-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(fileURLToPath(pkgDir), join(dir, "node_modules", "hrlens"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  return dir;
}

test("the exports map names every entry point, and each file is in the package", async () => {
  const manifest = JSON.parse(await readFile(new URL("package.json", pkgDir), "utf8"));
  assert.deepEqual(manifest.exports["./worker"], { types: "./remote.d.ts", node: "./remote-node.js", default: "./remote.js" });
  assert.deepEqual(manifest.exports["./export"], { types: "./export.d.ts", default: "./export.js" });
  assert.deepEqual(manifest.exports["./workspace"], { types: "./workspace.d.ts", default: "./workspace.js" });
  assert.equal(manifest.exports["./worker.js"], "./worker.js");
  for (const f of manifest.files) assert.ok(existsSync(new URL(f, pkgDir)), `${f} is in pkg/`);
  assert.ok(manifest.files.includes("schema/"));
  assert.ok(existsSync(new URL("schema/scenario.schema.json", pkgDir)));
  if (existsSync(new URL("../../www/hr-lens.js", import.meta.url))) {
    assert.equal(manifest.exports["./hr-lens"], "./hr-lens.js");
    assert.ok(manifest.files.includes("hr-lens.js"));
  }
  const readme = await readFile(new URL("README.md", pkgDir), "utf8");
  for (const s of ["createHrlens", "Plain HTML", "Vite", "'wasm-unsafe-eval'", "hrlens/workspace"]) assert.ok(readme.includes(s), s);
  // The worker is the page's own, pointing at the package's wasm API.
  const worker = await readFile(new URL("worker.js", pkgDir), "utf8");
  assert.match(worker, /from "\.\/hrlens\.js"/);
  assert.doesNotMatch(worker, /\.\.\/pkg\//);
});

test("hrlens/worker in Node: a worker thread with the Dataset/WhatIf API as promises", async () => {
  const dir = project();
  try {
    const entry = join(dir, "probe.mjs");
    writeFileSync(entry, 'export * from "hrlens/worker"; export * as exp from "hrlens/export"; export * as ws from "hrlens/workspace";');
    const { createHrlens, exp, ws } = await import(pathToFileURL(entry).href);
    assert.equal(typeof exp.exportTable, "function");
    assert.equal(typeof ws.saveWorkspace, "function");
    const hr = await createHrlens();
    try {
      assert.equal(await hr.version(), version());
      const ds = await hr.sample({ employees: 40, months: 3, seed: 9 });
      assert.equal(ds.type, "Dataset");
      assert.equal(ds.rowCount, 120);
      assert.equal(ds.info.columns.find((c) => c.name === "工号").role, "employeeId");
      const local = Dataset.sample({ employees: 40, months: 3, seed: 9 });
      assert.deepEqual(await ds.column("客户满意度"), local.column("客户满意度"), "same numbers as in-process");
      const w = await ds.whatIf("cs-manager-monthly");
      assert.equal(w.type, "WhatIf");
      const before = await w.scores();
      assert.ok(before.total instanceof Float64Array);
      const after = await w.setWeights({ 服务质量: 90 });
      assert.ok(Array.isArray(after.moved));
      await assert.rejects(ds.column("nope"), (e) => e.name === "ParamError" && e.column === "nope" && /找不到列/.test(e.messageZh));
      await assert.rejects(hr.noSuchFunction(), { name: "ParamError" });
      const lines = ["工号,得分", ...Array.from({ length: 11 }, (_, i) => `E${i},${80 + i}`), "E99,abc"];
      const loaded = await hr.load(new TextEncoder().encode(lines.join("\n") + "\n"), { filename: "a.csv" });
      assert.equal(loaded.rowCount, 12);
      assert.equal(loaded.info.source.filename, "a.csv");
      assert.equal(loaded.info.warnings.length, 1);
      const blob = await hr.load(new Blob(["工号\nE1\n"]), { filename: "b.csv" });
      assert.equal(blob.rowCount, 1);
      const csv = await hr.exportCsv({ columns: [{ name: "x", values: ["=1"] }] });
      assert.ok(csv instanceof Uint8Array);
      await w.free();
      await ds.free();
      await assert.rejects(ds.columns(), /unknown handle/, "a freed handle is gone");
    } finally {
      hr.terminate();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the package's worker thread cannot reach the network", async () => {
  const dir = project();
  try {
    const { Worker } = await import("node:worker_threads");
    const probe = join(dir, "probe-worker.mjs");
    writeFileSync(
      probe,
      `import "hrlens/worker.js"; import { parentPort } from "node:worker_threads";
       fetch("https://example.com/").then(() => parentPort.postMessage("fetched"), (e) => parentPort.postMessage(String(e)));`,
    );
    // Load through worker-node.js's globals, as createHrlens does.
    const boot = join(dir, "boot.mjs");
    writeFileSync(boot, `await import(${JSON.stringify(pathToFileURL(join(dir, "node_modules/hrlens/worker-node.js")).href)}); await import("./probe-worker.mjs");`);
    const w = new Worker(boot);
    const msg = await new Promise((ok, fail) => { w.once("message", ok); w.once("error", fail); });
    await w.terminate();
    assert.match(msg, /makes no network requests/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the TypeScript types check: wasm API, worker wrapper, export and workspace", () => {
  const dir = project();
  try {
    writeFileSync(
      join(dir, "use.ts"),
      `import init, { Dataset, exportCsv, type ExportTable } from "hrlens";
import { createHrlens, type RemoteDataset, type RemoteWhatIf } from "hrlens/worker";
import { exportTable } from "hrlens/export";
import { saveWorkspace, loadWorkspace, WorkspaceError } from "hrlens/workspace";
export async function main(file: File): Promise<number> {
  await init();
  const table: ExportTable = { name: "t", columns: [{ name: "a", values: new Float64Array([1]) }] };
  const bytes: Uint8Array = exportCsv(table, { pseudonymize: { columns: ["a"], secret: "x".repeat(16) } });
  const hr = await createHrlens();
  const ds: RemoteDataset = await hr.load(file, { filename: "a.csv" });
  const n: number = ds.rowCount;
  const cols = await ds.columns();
  const w: RemoteWhatIf = await ds.whatIf("cs-manager-monthly");
  const moved = (await w.setWeights({ a: 1 })).moved.length;
  const v: string = await hr.version();
  const x: Uint8Array = await hr.exportXlsx([table]);
  await exportTable("t", table, { format: "xlsx", rpc: hr.connection });
  const saved = await saveWorkspace({ files: [{ name: "a.csv", bytes }], settings: { lang: "zh" } }, "passphrase");
  try { await loadWorkspace(saved, "nope"); } catch (e) { if (e instanceof WorkspaceError) console.log(e.code, e.messageZh); }
  Dataset.sample({ employees: 1 }).free();
  // @ts-expect-error: options are checked
  await hr.sample({ employes: 5 });
  hr.terminate();
  return n + cols.length + moved + v.length + x.length;
}
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext", lib: ["es2022", "dom", "esnext.disposable"], skipLibCheck: false },
        files: ["use.ts"],
      }),
    );
    const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
    try {
      execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
    } catch (e) {
      assert.fail(`tsc found errors:\n${e.stdout}${e.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
