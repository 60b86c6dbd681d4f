// k-means in wasm (Node), for the numbers in BENCHMARKS.md that criterion
// cannot give: `node benches/kmeans-wasm.mjs [ROWS] [REPS]` after `make build`.
//
// Data: `hrlens bench-data ROWS 16 0 7` (features f01..f16), the same table
// criterion, the browser page and tests/reference/sklearn_kmeans.py --bench
// use; start: the first 8 rows (one true cluster, a hard start). Prints the
// median of REPS runs for hrlens single-instance (Hamerly, Lloyd), the worker
// pool (www/kmeans-pool.js over worker_threads) and, when installed by
// `make bench`, ml-kmeans from bench/node_modules.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { cpus } from "node:os";

const root = new URL("..", import.meta.url);
const rows = Number(process.argv[2] ?? 100_000);
const reps = Number(process.argv[3] ?? 7);
const dims = 16;
const k = 8;

const hr = await import(new URL("pkg/hrlens.js", root));
const wasmBytes = readFileSync(new URL("pkg/hrlens_bg.wasm", root));
await hr.default({ module_or_path: wasmBytes });

mkdirSync(new URL("target/bench-data/", root), { recursive: true });
const csvUrl = new URL(`target/bench-data/bench_${rows}.csv`, root);
if (!existsSync(csvUrl)) {
  const out = execFileSync("cargo", ["run", "-q", "--release", "--bin", "hrlens", "--", "bench-data", `${rows}`, "16", "0", "7"], {
    cwd: root.pathname, maxBuffer: 1 << 30,
  });
  writeFileSync(csvUrl, out);
}
const ds = hr.Dataset.load(readFileSync(csvUrl), { filename: "bench.csv" });
const cols = Array.from({ length: dims }, (_, j) => ds.column(`f${String(j + 1).padStart(2, "0")}`));
const data = new Float32Array(rows * dims);
for (let i = 0; i < rows; i++) for (let j = 0; j < dims; j++) data[i * dims + j] = cols[j][i];
const start = Array.from({ length: k }, (_, i) => Array.from(data.subarray(i * dims, (i + 1) * dims)));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
async function time(label, fn) {
  const ms = [];
  let r;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    r = await fn();
    ms.push(performance.now() - t);
  }
  const line = { who: label, rows, dims, k, medianMs: +median(ms).toFixed(1), minMs: +Math.min(...ms).toFixed(1),
                 iterations: r.iterations, inertia: r.inertia };
  console.log(JSON.stringify(line));
  return line;
}

const results = [];
results.push(await time("hrlens wasm, Hamerly (1 instance)", () => hr.kmeans(data, dims, { k, init: start, algorithm: "hamerly" })));
results.push(await time("hrlens wasm, Lloyd reference (1 instance)", () => hr.kmeans(data, dims, { k, init: start, algorithm: "lloyd" })));

const pool = await import(new URL("www/kmeans-pool.js", root)).catch(() => null);
if (pool) {
  const { nodeWorkerFactory } = await import(new URL("tests/js/kmeans-node-workers.mjs", root));
  for (const n of [1, 2].filter((n) => n <= Math.max(2, cpus().length))) {
    const p = await pool.KMeansPool.create({ workers: n, wasm: wasmBytes, spawn: nodeWorkerFactory() });
    await p.load(data, dims);
    results.push(await time(`hrlens wasm pool, ${n} worker${n > 1 ? "s" : ""}`, () => p.fit({ k, init: start })));
    p.close();
  }
}

const ml = new URL("bench/node_modules/ml-kmeans/", root);
if (existsSync(ml)) {
  const { kmeans } = await import(new URL("lib/index.js", ml).href).catch(() => import("ml-kmeans"));
  const rowsArr = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * dims, (i + 1) * dims)));
  results.push(await time("ml-kmeans (JS)", () => {
    const r = kmeans(rowsArr, k, { initialization: start, maxIterations: 300, tolerance: 1e-6 });
    return { iterations: r.iterations, inertia: NaN };
  }));
}
console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);
