// The browser benchmark page: runs hrlens and its JS peers on the same data in
// the same run. bench/run.mjs calls window.runBench(plan) and reads the results.
import { duckdb } from "./vendor/peers.js";

const log = (s) => {
  document.getElementById("log").textContent += s + "\n";
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

// A fresh worker per task: its memory figures are its own.
function inWorker(task, params, reps) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    w.onmessage = ({ data }) => {
      w.terminate();
      data.error ? reject(new Error(data.error)) : resolve(data);
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(e.message || `worker failed in ${task}`));
    };
    // Copy, so every task gets the same untouched bytes.
    const copy = params.bytes ? { ...params, bytes: params.bytes.slice() } : params;
    w.postMessage({ task, params: copy, reps }, copy.bytes ? [copy.bytes.buffer] : []);
  });
}

let db = null;
async function duck() {
  if (db) return db;
  const base = new URL("./node_modules/@duckdb/duckdb-wasm/dist/", import.meta.url);
  const worker = new Worker(new URL("duckdb-browser-eh.worker.js", base));
  db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL("duckdb-eh.wasm", base).href);
  return db;
}

async function duckIngest(bytes, reps) {
  const d = await duck();
  const times = [];
  let rows = 0;
  for (let i = 0; i < reps; i++) {
    await d.registerFileBuffer("bench.csv", bytes.slice());
    const c = await d.connect();
    const t0 = performance.now();
    await c.query("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv_auto('bench.csv', header = true)");
    times.push(performance.now() - t0);
    rows = Number((await c.query("SELECT count(*) AS n FROM t")).toArray()[0].n);
    await c.query("DROP TABLE t");
    await c.close();
    await d.dropFile("bench.csv");
  }
  return { times, info: { rows } };
}

window.runBench = async function runBench(plan) {
  const results = [];
  for (const file of plan.ingest ?? []) {
    const bytes = await fetchBytes(file.url);
    const mb = bytes.byteLength / 1e6;
    log(`ingest ${file.label}: ${mb.toFixed(1)} MB`);
    const runs = [
      ["hrlens", () => inWorker("ingest/hrlens", { bytes }, file.reps)],
      ["DuckDB-Wasm read_csv", () => duckIngest(bytes, file.reps)],
      ["PapaParse (header + dynamicTyping)", () => inWorker("ingest/papaparse-typed", { bytes }, file.reps)],
      ["PapaParse (string arrays)", () => inWorker("ingest/papaparse-strings", { bytes }, file.reps)],
    ];
    for (const [who, run] of runs) {
      try {
        const r = await run();
        const ms = median(r.times);
        results.push({ bench: `CSV ingest ${file.label}`, who, ms, mbps: mb / (ms / 1000), rows: r.info.rows,
                       wasmMemory: r.wasmMemory ?? null, times: r.times });
        log(`  ${who}: ${ms.toFixed(0)} ms (${r.info.rows} rows)`);
      } catch (e) {
        results.push({ bench: `CSV ingest ${file.label}`, who, error: String(e.message ?? e) });
        log(`  ${who}: FAILED ${e.message}`);
      }
    }
  }
  return results;
};
document.body.dataset.ready = "true";
