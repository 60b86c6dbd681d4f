// Segments in the npm package (Node): segment, tiers, survey, strategy,
// addLabels; raw k-means and the worker pool (www/kmeans-pool.js over
// worker_threads) giving the single-instance result bit for bit; and the
// same results as the native build (checksums fixed by tests/segment_checksums.rs).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const root = new URL("../../", import.meta.url);
const pkgDir = new URL("pkg/", root);
const wasmBytes = await readFile(new URL("hrlens_bg.wasm", pkgDir));
const hr = await import(new URL("hrlens.js", pkgDir));
await hr.default({ module_or_path: wasmBytes });
const { Dataset, kmeans, strategyCsv } = hr;
const { KMeansPool } = await import(new URL("www/kmeans-pool.js", root));
const { nodeWorkerFactory } = await import(new URL("tests/js/kmeans-node-workers.mjs", root));
const checksums = JSON.parse(await readFile(new URL("tests/data/segment/checksums.json", root), "utf8"));

const UNASSIGNED = 4294967295;

// FNV-1a 64 over little-endian bytes, as tests/segment_checksums.rs.
function fnv() {
  let h = 0xcbf29ce484222325n;
  const mask = (1n << 64n) - 1n;
  const bytes = (u8) => {
    for (const b of u8) h = ((h ^ BigInt(b)) * 0x100000001b3n) & mask;
  };
  return {
    u32s: (v) => bytes(new Uint8Array(Uint32Array.from(v).buffer)),
    f64s: (v) => bytes(new Uint8Array(Float64Array.from(v).buffer)),
    f32s: (v) => bytes(new Uint8Array(Float32Array.from(v).buffer)),
    hex: () => h.toString(16).padStart(16, "0"),
  };
}

const TIER_RULES = {
  dimensions: [
    { column: "职位族", levels: [{ label: "管理层", values: ["管理层", "客服经理"] }, { label: "技术层", values: ["技术支持"] }, { label: "基层", otherwise: true }] },
    { column: "登录次数", levels: [{ label: "高频", minQuantile: 0.5 }, { label: "低频", otherwise: true }] },
  ],
};

const ds = Dataset.sample({ employees: 300, months: 1, seed: 7 });
const features = ["登录次数", "满意度", "职位族"];

test("wasm gives the native results bit for bit", () => {
  const s = ds.segment({ features, k: 3, seed: 7 });
  let h = fnv();
  h.u32s(s.labels);
  h.f64s([s.inertia, s.silhouette, s.calinskiHarabasz, s.daviesBouldin]);
  h.f64s(s.centroids.flat());
  h.f32s(s.projection);
  assert.equal(h.hex(), checksums["segment-k3"]);

  const a = ds.segment({ features, k: "auto", kMax: 6, seed: 7 });
  h = fnv();
  h.u32s([a.k]);
  h.u32s(a.labels);
  h.f64s(a.kScan.map((e) => e.silhouette));
  assert.equal(h.hex(), checksums["segment-auto"]);

  const ds2 = Dataset.sample({ employees: 500, months: 2, seed: 3 });
  const cols = ["登录次数", "考勤模块", "薪酬模块", "培训模块", "绩效模块", "月薪"].map((c) => ds2.column(c));
  const data = new Float64Array(ds2.rowCount * cols.length);
  for (let r = 0; r < ds2.rowCount; r++) cols.forEach((c, j) => (data[r * cols.length + j] = c[r]));
  const m = kmeans(data, cols.length, { k: 5, restarts: 4, seed: 11 });
  h = fnv();
  h.u32s(m.labels);
  h.f64s(m.centroids);
  h.f64s([m.inertia]);
  assert.equal(h.hex(), checksums["kmeans-matrix"]);

  const t = ds.tier(TIER_RULES, { segments: a.labels });
  h = fnv();
  h.u32s(t.codes);
  h.u32s(t.crossTab.counts.flat());
  assert.equal(h.hex(), checksums["tier"]);
});

test("segment follows the API contract", () => {
  const s = ds.segment({ features, k: "auto", kMax: 5, describe: ["部门"] });
  assert.ok(s.labels instanceof Uint32Array);
  assert.equal(s.labels.length, 300);
  assert.ok(s.labels.every((l) => l < s.k));
  assert.ok(s.projection instanceof Float32Array);
  assert.equal(s.projection.length, 600);
  assert.equal(s.sizes.reduce((a, b) => a + b, 0), 300);
  assert.equal(s.centroids.length, s.k);
  assert.deepEqual(s.numericFeatures, ["登录次数", "满意度"]);
  assert.equal(s.centroids[0].length, 2);
  assert.equal(s.kScan.length, 4);
  assert.deepEqual(s.kScan.map((e) => e.k), [2, 3, 4, 5]);
  assert.match(s.kReason, /silhouette/);
  assert.match(s.kReasonZh, /轮廓系数/);
  for (const key of ["inertia", "silhouette", "calinskiHarabasz", "daviesBouldin", "iterations"]) assert.equal(typeof s[key], "number");
  assert.equal(s.algorithm, "hamerly");
  assert.equal(s.profiles.length, s.k);
  for (const p of s.profiles) {
    assert.equal(typeof p.label, "string");
    assert.ok(p.labelZh.length > 0);
    assert.ok(p.traits.length >= 2);
    assert.ok(p.categories.some((c) => c.feature === "部门"));
  }
  const w = s.warnings.find((x) => x.column === "满意度");
  assert.match(w.message, /column mean/);
  assert.match(w.messageZh, /均值/);
  const dts = ds.segment({ features: ["登录次数"], k: 2, missing: "exclude", projection: false });
  assert.equal(dts.projection.length, 0);
  assert.equal(dts.kScan, null);
});

test("segment errors are named, with the column", () => {
  assert.throws(() => ds.segment({ features: ["nope"], k: 2 }), { name: "ParamError", column: "nope" });
  assert.throws(() => ds.segment({ features: ["姓名"], k: 2 }), (e) => e.name === "ParamError" && e.column === "姓名" && /文本/.test(e.messageZh));
  assert.throws(() => ds.segment({ features, k: 1 }), { name: "ParamError", message: /k must be between 2/ });
  assert.throws(() => ds.segment({ features, k: "many" }), { name: "ParamError" });
  assert.throws(() => ds.segment({ features, kk: 3 }), { name: "ParamError", message: /unknown field `kk`/ });
  assert.throws(() => ds.segment({ features: [] }), { name: "ParamError" });
  const one = Dataset.load(new TextEncoder().encode("a,b\n1,1\n1,1\n1,1\n"), {});
  assert.throws(() => one.segment({ features: ["a", "b"], k: 2 }), { name: "ParamError", message: /only 1 distinct row/ });
});

test("addLabels makes a column that trend and strategy can group by", () => {
  const panel = Dataset.sample({ employees: 120, months: 4, seed: 2 });
  const s = panel.segment({ features: ["登录次数", "满意度"], k: 3 });
  const names = s.profiles.map((p) => p.labelZh);
  panel.addLabels("分群", s.labels, { names });
  const col = panel.column("分群");
  assert.equal(col[0], names[s.labels[0]]);
  assert.equal(panel.columns().find((c) => c.name === "分群").kind, "category");
  const series = panel.trend({ metric: "满意度", by: "分群" });
  assert.equal(series.length, 3);
  assert.throws(() => panel.addLabels("分群", s.labels), { name: "ParamError" });
  panel.addLabels("分群", s.labels, { replace: true });
  assert.equal(panel.column("分群")[0], `S${s.labels[0] + 1}`);
  const t = panel.tier(TIER_RULES);
  panel.addLabels("分层", t.labels);
  const rows = panel.strategy({ features: ["登录次数", "满意度"], groupBy: "分层" });
  assert.ok(rows.length >= 4);
  assert.throws(() => panel.addLabels("x", new Uint32Array(3)), { name: "ParamError" });
});

test("tiers: labels, counts, matrix and cross-tab", () => {
  const s = ds.segment({ features, k: 3 });
  const t = ds.tier(TIER_RULES, { segments: s.labels, names: ["A", "B", "C"] });
  assert.equal(t.labels.length, 300);
  assert.ok(t.codes instanceof Uint32Array);
  assert.equal(t.tiers.length, 6);
  assert.equal(t.tiers.reduce((n, x) => n + x.count, 0) + t.untiered, 300);
  assert.equal(t.counts["管理层·高频"], t.tiers[0].count);
  t.labels.forEach((l, i) => assert.equal(l, t.tiers[t.codes[i]].label));
  assert.deepEqual(t.matrix.rows, ["管理层", "技术层", "基层"]);
  assert.deepEqual(t.crossTab.segments, ["A", "B", "C"]);
  assert.deepEqual(t.crossTab.counts.map((r) => r.reduce((a, b) => a + b, 0)), t.tiers.map((x) => x.count));
  const fromText = ds.tier(JSON.stringify(TIER_RULES));
  assert.deepEqual(fromText.labels, t.labels);
  assert.equal(fromText.crossTab, null);
  assert.throws(() => ds.tier({ dimensions: [{ column: "职位族", levels: [{ label: "x" }] }] }), { name: "ParamError", message: /exactly one of/ });
  assert.throws(() => ds.tier("{"), { name: "ParamError" });
  assert.throws(() => ds.tier(TIER_RULES, { segments: [1, 2] }), { name: "ParamError", message: /Uint32Array/ });
});

test("survey results and the strategy table by segment", () => {
  const s = ds.segment({ features: ["登录次数", "满意度"], k: 3 });
  const names = s.profiles.map((p) => p.labelZh);
  const r = ds.surveyBySegment({ column: "满意度", segments: s.labels, names });
  assert.equal(r.kind, "likert");
  assert.deepEqual(r.levels, ["1", "2", "3", "4", "5"]);
  assert.deepEqual(r.groups.map((g) => g.group), names);
  for (const g of r.groups) assert.ok(Math.abs(g.shares.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.equal(r.overall.n, r.groups.reduce((n, g) => n + g.n, 0));
  assert.throws(() => ds.surveyBySegment({ column: "满意度" }), { name: "ParamError", message: /segments/ });

  const rows = ds.strategy({ features: ["登录次数", "满意度"], segments: s.labels, names });
  assert.equal(rows.length, 3);
  for (const row of rows) {
    for (const k of ["need", "needZh", "strategy", "strategyZh", "effect", "effectZh"]) assert.ok(row[k].length > 0, k);
  }
  const csv = strategyCsv(rows.map((x) => ({ group: x.group, size: x.size, share: x.share, need: x.needZh, strategy: x.strategyZh, effect: x.effectZh })));
  assert.ok(csv instanceof Uint8Array);
  assert.deepEqual([...csv.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = new TextDecoder().decode(csv);
  assert.match(text, /^\ufeff?群体,人数,占比,主要需求,服务策略,预期效果\n/);
  assert.equal(text.trim().split("\n").length, 4);
  const en = new TextDecoder().decode(strategyCsv([{ group: "g", need: "a", strategy: "b", effect: "c" }], { lang: "en" }));
  assert.match(en, /Group,Size,Share,Main needs,Service strategy,Expected effect/);
});

// ---- raw k-means and the worker pool -----------------------------------

/** Seeded points around `centres` (mulberry32). */
function blobs(rows, dims, centres, seed) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const c = Array.from({ length: centres }, () => Array.from({ length: dims }, () => rand() * 20));
  const x = new Float32Array(rows * dims);
  for (let i = 0; i < rows; i++) {
    const m = c[i % centres];
    for (let j = 0; j < dims; j++) x[i * dims + j] = m[j] + (rand() + rand() + rand() - 1.5) * 3;
  }
  return x;
}

const pools = [];
after(() => pools.forEach((p) => p.close()));

function assertSame(a, b, what) {
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels), `${what}: labels`);
  assert.deepEqual(Array.from(a.centroids), Array.from(b.centroids), `${what}: centroids`);
  assert.ok(Object.is(a.inertia, b.inertia), `${what}: inertia ${a.inertia} vs ${b.inertia}`);
  assert.equal(a.iterations, b.iterations, `${what}: iterations`);
  assert.equal(a.converged, b.converged);
  assert.deepEqual(a.sizes, b.sizes, `${what}: sizes`);
  assert.deepEqual(a.runs, b.runs, `${what}: runs`);
}

test("the worker pool gives the single-instance result bit for bit", async () => {
  const dims = 6;
  const data = blobs(20001, dims, 7, 42);
  const opts = { k: 7, restarts: 3, seed: 5 };
  const single = kmeans(data, dims, opts);
  assert.equal(single.runs.length, 3);
  for (const workers of [2, 3]) {
    const pool = await KMeansPool.create({ workers, wasm: wasmBytes, spawn: nodeWorkerFactory() });
    pools.push(pool);
    assert.equal(pool.workers, workers);
    await pool.load(data, dims);
    assertSame(await pool.fit(opts), single, `${workers} workers`);
    // Another k on the same rows, from explicit centroids, with an empty
    // cluster (a start far from every row) re-seeded across shards.
    const init = Array.from({ length: 4 }, (_, i) => Array.from(data.subarray(i * dims, (i + 1) * dims)));
    init[3] = new Array(dims).fill(1e4);
    const o2 = { k: 4, init, algorithm: "hamerly" };
    assertSame(await pool.fit(o2), kmeans(data, dims, o2), `${workers} workers, k = 4 from a far start`);
    // The Lloyd reference through the pool too.
    const o3 = { k: 3, restarts: 2, seed: 9, algorithm: "lloyd" };
    assertSame(await pool.fit(o3), kmeans(data, dims, o3), `${workers} workers, Lloyd`);
  }
});

test("raw k-means checks its input", async () => {
  const data = blobs(100, 2, 2, 1);
  const r = kmeans(data, 2, { k: 2, seed: 1 });
  assert.ok(r.labels instanceof Uint32Array && r.centroids instanceof Float64Array);
  assert.equal(r.centroids.length, 4);
  assert.deepEqual(kmeans(Float64Array.from(data), 2, { k: 2, seed: 1 }).labels, r.labels);
  assert.throws(() => kmeans([1, 2], 1, { k: 1 }), { name: "ParamError", message: /Float32Array or a Float64Array/ });
  assert.throws(() => kmeans(new Float32Array([1, 2, 3]), 2, { k: 1 }), { name: "ParamError", message: /multiple of 2/ });
  assert.throws(() => kmeans(data, 2, { k: 0 }), { name: "ParamError" });
  assert.throws(() => kmeans(new Float32Array([1, NaN]), 1, { k: 1 }), { name: "ParamError", message: /finite/ });
  const pool = await KMeansPool.create({ workers: 2, wasm: wasmBytes, spawn: nodeWorkerFactory() });
  pools.push(pool);
  await assert.rejects(pool.fit({ k: 2 }), { name: "ParamError" });
  await pool.load(data, 2);
  await assert.rejects(pool.fit({ k: 500 }), { name: "ParamError", message: /at least 500 rows/ });
});

test("the typings name every option and result", async () => {
  const dts = await readFile(new URL("hrlens.d.ts", pkgDir), "utf8");
  assert.match(dts, /segment\(opts: SegmentOptions\): Segmentation;/);
  assert.match(dts, /tier\(rules: TierRules \| string, opts\?: TierOptions\): Tiering;/);
  assert.match(dts, /surveyBySegment\(opts: SurveyOptions\): SurveyResult;/);
  assert.match(dts, /strategy\(opts: StrategyOptions\): StrategyRow\[\];/);
  assert.match(dts, /addLabels\(name: string, labels: Uint32Array \| string\[\], opts\?: AddLabelsOptions\): void;/);
  assert.match(dts, /export function kmeans\(data: Float32Array \| Float64Array, dims: number, opts: KMeansOptions\): KMeansResult;/);
  assert.match(dts, /export class KMeansShard/);
  assert.doesNotMatch(dts, /opts: any|opts\?: any|rules: any/);
});
