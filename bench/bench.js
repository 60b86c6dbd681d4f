// The browser benchmark page: hrlens and its JS peers on the same data in the
// same run, each off the main thread (hrlens, PapaParse, ml-kmeans and
// Arquero in a fresh worker per task; DuckDB-Wasm in its own worker, as its
// AsyncDuckDB API runs it). bench/run.mjs calls window.runBench(plan) and
// reads { results, checks, versions } back. bench/smoke (tests/js/bench.test.mjs)
// runs the same page on tiny files.
import { duckdb } from "./vendor/peers.js";
import { alertFlags, benchCard, effectiveWeights, peerTrendInfo, WEIGHTS, BANDS, trendRule } from "./shared.js";

const log = (s) => {
  document.getElementById("log").textContent += s + "\n";
  console.log(s);
};

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

class NotMeasured extends Error {}

// A fresh worker per task: its memory figures are its own.
function inWorker(task, params, reps) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    w.onmessage = ({ data }) => {
      w.terminate();
      if (data.notMeasured) reject(new NotMeasured(data.notMeasured));
      else if (data.error) reject(Object.assign(new Error(data.error), { wasmMemory: data.wasmMemory }));
      else resolve(data);
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

// ---- DuckDB-Wasm (its own worker; the eh bundle, no threads) -----------------
let db = null;
async function duck() {
  if (db) return db;
  const base = new URL("./node_modules/@duckdb/duckdb-wasm/dist/", import.meta.url);
  const worker = new Worker(new URL("duckdb-browser-eh.worker.js", base));
  db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL("duckdb-eh.wasm", base).href);
  return db;
}

async function duckMemory(c) {
  try {
    const r = await c.query("SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()");
    return Number(r.toArray()[0].b);
  } catch {
    return null;
  }
}

async function duckTable(c, bytes, name) {
  const d = await duck();
  await d.registerFileBuffer(`${name}.csv`, bytes.slice());
  await c.query(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM read_csv_auto('${name}.csv', header = true)`);
  await d.dropFile(`${name}.csv`);
}

async function timed(reps, fn) {
  const times = [];
  let out;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    out = await fn(i);
    times.push(performance.now() - t0);
  }
  return { times, out };
}

async function duckIngest(bytes, reps) {
  const d = await duck();
  const c = await d.connect();
  const times = [];
  let rows = 0;
  let mem = null;
  for (let i = 0; i < reps; i++) {
    await d.registerFileBuffer("bench.csv", bytes.slice());
    const t0 = performance.now();
    await c.query("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv_auto('bench.csv', header = true)");
    times.push(performance.now() - t0);
    rows = Number((await c.query("SELECT count(*) AS n FROM t")).toArray()[0].n);
    mem = await duckMemory(c);
    await c.query("DROP TABLE t");
    await d.dropFile("bench.csv");
  }
  await c.close();
  return { times, info: { rows }, engineMemory: mem };
}

async function duckScore(bytes, card, reps) {
  const d = await duck();
  const c = await d.connect();
  await duckTable(c, bytes, "raw");
  const inds = card.dimensions.flatMap((dim) => dim.indicators);
  // Normalised once, as hrlens' whatIf keeps its normalised matrix.
  const mm = (await c.query(`SELECT ${inds.map((i) => `min(${i.column}) AS lo_${i.column}, max(${i.column}) AS hi_${i.column}`).join(", ")} FROM raw`)).toArray()[0];
  const norm = inds.map((i) => {
    const lo = Number(mm[`lo_${i.column}`]);
    const hi = Number(mm[`hi_${i.column}`]);
    const span = hi - lo;
    if (span === 0) return `100.0::DOUBLE AS ${i.column}`;
    return i.direction === "lower"
      ? `100 * (${hi} - ${i.column}) / ${span} AS ${i.column}`
      : `100 * (${i.column} - ${lo}) / ${span} AS ${i.column}`;
  });
  await c.query(`CREATE OR REPLACE TABLE norm AS SELECT "工号" AS id, ${norm.join(", ")} FROM raw`);
  await c.query("DROP TABLE raw");
  const bandSql = `CASE ${BANDS.map((b) => `WHEN total >= ${b.min} THEN '${b.label}'`).join(" ")} END`;
  const { times } = await timed(reps, async (i) => {
    const eff = effectiveWeights(card, WEIGHTS[i % 2]);
    const sum = inds.map((ind, j) => `${eff[j]} * ${ind.column}`).join(" + ");
    await c.query(`CREATE OR REPLACE TABLE scored AS
      SELECT id, total, rank() OVER (ORDER BY total DESC) AS rnk, ${bandSql} AS band
      FROM (SELECT id, ${sum} AS total FROM norm)`);
  });
  const top = (await c.query("SELECT id FROM scored WHERE rnk <= 10 ORDER BY rnk, id LIMIT 10")).toArray().map((r) => r.id);
  const bandRows = (await c.query("SELECT band, count(*)::INTEGER AS n FROM scored GROUP BY band")).toArray();
  const rows = Number((await c.query("SELECT count(*)::INTEGER AS n FROM scored")).toArray()[0].n);
  const mem = await duckMemory(c);
  await c.query("DROP TABLE scored; DROP TABLE norm");
  await c.close();
  return { times, info: { rows, top, bands: Object.fromEntries(bandRows.map((r) => [r.band, r.n])) }, engineMemory: mem };
}

async function duckTrend(bytes, reps) {
  const d = await duck();
  const c = await d.connect();
  await duckTable(c, bytes, "panel");
  const { metric } = trendRule;
  const win = (frame) => `OVER (PARTITION BY dept ORDER BY month ${frame})`;
  const sql = `WITH m AS (
      SELECT "部门" AS dept, CAST("月份" AS VARCHAR) AS month, avg(${metric}) AS v FROM panel GROUP BY ALL)
    SELECT dept, month, v,
      avg(v) ${win("ROWS BETWEEN 2 PRECEDING AND CURRENT ROW")} AS ma,
      count(v) ${win("ROWS BETWEEN 2 PRECEDING AND CURRENT ROW")}::INTEGER AS n3,
      lag(v, 1) ${win("")} AS l1, lag(v, 2) ${win("")} AS l2, lag(v, 3) ${win("")} AS l3
    FROM m ORDER BY dept, month`;
  const { times, out } = await timed(reps, async () => (await c.query(sql)).toArray().map((r) => alertFlags(r.toJSON())));
  const mem = await duckMemory(c);
  await c.query("DROP TABLE panel");
  await c.close();
  return { times, info: peerTrendInfo(out), engineMemory: mem };
}

// ---- the k-means pool (www/kmeans-pool.js), when this build has it ----------
async function poolModule() {
  try {
    return await import("../www/kmeans-pool.js");
  } catch {
    return null;
  }
}

// ---- checks that the sides agree --------------------------------------------
function agree(checks, bench, what, ok, detail) {
  checks.push({ bench, what, ok, detail });
  log(`  check ${ok ? "ok" : "FAILED"}: ${bench}: ${what}${detail ? ` (${detail})` : ""}`);
}

function sameBands(a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => k !== "null" && k !== ""));
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

function compareCells(h, p) {
  let worst = 0;
  let missing = 0;
  for (const [key, hv] of Object.entries(h.cells)) {
    const pv = p.cells[key];
    if (!pv) {
      missing++;
      continue;
    }
    for (let j = 0; j < 3; j++) {
      const [a, b] = [hv[j], pv[j]];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      const d = Math.abs(a - b) / Math.max(1, Math.abs(a));
      worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
    }
  }
  return { worst, missing, extra: Object.keys(p.cells).length - (Object.keys(h.cells).length - missing) };
}

// ---- the run ------------------------------------------------------------------
window.runBench = async function runBench(plan) {
  const results = [];
  const checks = [];
  const record = async (bench, who, run, extra = {}) => {
    try {
      const r = await run();
      const ms = median(r.times);
      const row = { bench, who, ms, times: r.times, rows: r.info?.rows ?? null, wasmMemory: r.wasmMemory ?? null,
                    jsHeap: r.jsHeap ?? null, engineMemory: r.engineMemory ?? null, setupMs: r.setupMs ?? null,
                    info: r.info, ...extra };
      if (extra.mb) row.mbps = extra.mb / (ms / 1000);
      results.push(row);
      log(`  ${who}: ${ms.toFixed(1)} ms (median of ${r.times.length}; ${row.rows ?? "?"} rows)`);
      return row;
    } catch (e) {
      const nm = e instanceof NotMeasured;
      results.push({ bench, who, ...(nm ? { notMeasured: e.message } : { error: String(e.message ?? e) }),
                     wasmMemory: e.wasmMemory ?? null });
      log(`  ${who}: ${nm ? "not measured" : "FAILED"}: ${e.message}`);
      return null;
    }
  };

  // CSV ingest.
  for (const file of plan.ingest ?? []) {
    const bytes = await fetchBytes(file.url);
    const mb = bytes.byteLength / 1e6;
    const bench = `CSV ingest ${file.label}`;
    log(`${bench}: ${mb.toFixed(1)} MB`);
    const rows = [
      await record(bench, "hrlens", () => inWorker("ingest/hrlens", { bytes }, file.reps), { mb }),
      await record(bench, "DuckDB-Wasm read_csv", () => duckIngest(bytes, file.reps), { mb }),
      await record(bench, "PapaParse (header + dynamicTyping)", () => inWorker("ingest/papaparse-typed", { bytes }, file.papaReps ?? file.reps), { mb }),
      await record(bench, "PapaParse (string arrays)", () => inWorker("ingest/papaparse-strings", { bytes }, file.papaReps ?? file.reps), { mb }),
    ].filter(Boolean);
    const n = new Set(rows.map((r) => r.rows));
    agree(checks, bench, "every reader finds the same number of rows", n.size === 1, [...n].join(" vs "));
  }

  // k-means, same start for everyone.
  if (plan.kmeans) {
    const p = plan.kmeans;
    const bytes = await fetchBytes(p.url);
    const bench = `k-means ${p.label}`;
    log(bench);
    const params = { bytes, features: p.features, k: p.k, maxIter: p.maxIter, tol: p.tol };
    // ds.segment: the whole analysis a user runs (fit, then profiles, a
    // silhouette on a 10k sample, the 2-D map); the k-means itself below.
    const h = await record(bench, "hrlens ds.segment (1 worker; fit + profiles, silhouette, 2-D map)",
                           () => inWorker("kmeans/hrlens", params, p.reps), { variant: true });
    const pool = await poolModule();
    if (!pool) {
      results.push({ bench, who: "hrlens k-means (worker pool)", notMeasured: "www/kmeans-pool.js not in this build" });
      log("  hrlens k-means (worker pool): not measured: www/kmeans-pool.js not in this build");
    } else {
      // The same start and the same rows (float32, row-major, as ds.segment
      // holds them); the k-means fit alone, as ml-kmeans and scikit-learn are.
      const { init, rows } = (await inWorker("kmeans/rows", params, 1)).info;
      const dims = p.features.length;
      const fitIn = (workers) => async () => {
        const kp = await pool.KMeansPool.create({ workers });
        try {
          await kp.load(rows, dims);
          const { times, out } = await timed(p.reps, () => kp.fit({ k: p.k, init, maxIter: p.maxIter, tol: p.tol }));
          return { times, info: { rows: out.labels.length, inertia: out.inertia, sizes: out.sizes, iterations: out.iterations } };
        } finally {
          kp.close();
        }
      };
      const one = await record(bench, "hrlens k-means (1 worker)", fitIn(1));
      const two = await record(bench, "hrlens k-means (worker pool, 2 workers)", fitIn(2), { variant: true });
      for (const [r, what] of [[one, "1 worker"], [two, "the 2-worker pool"]]) {
        if (!(h && r)) continue;
        // (ds.segment reports inertia in f64 over the columns; the pool, like
        // kmeans(), over its float32 rows: the same clusters, inertia to ~1e-10.)
        const rel = Math.abs(r.info.inertia - h.info.inertia) / h.info.inertia;
        agree(checks, bench, `k-means in ${what} finds ds.segment's clusters (same sizes, inertia rel. 1e-9)`,
              rel <= 1e-9 && JSON.stringify(r.info.sizes) === JSON.stringify(h.info.sizes),
              `rel. diff ${rel.toExponential(2)}; sizes ${JSON.stringify(r.info.sizes)} vs ${JSON.stringify(h.info.sizes)}`);
      }
    }
    const ml = await record(bench, "ml-kmeans", () => inWorker("kmeans/ml-kmeans", params, p.mlReps ?? p.reps));
    if (ml) log(`    ml-kmeans: ${ml.info.iterations} iterations, inertia ${ml.info.inertia.toExponential(6)}`);
    if (h && ml) {
      const rel = Math.abs(h.info.inertia - ml.info.inertia) / ml.info.inertia;
      agree(checks, bench, "hrlens and ml-kmeans reach the same inertia (rel. 1e-6)", rel <= 1e-6, `rel. diff ${rel.toExponential(2)}`);
      agree(checks, bench, "same cluster sizes", JSON.stringify(h.info.sizes) === JSON.stringify(ml.info.sizes),
            `${JSON.stringify(h.info.sizes)} vs ${JSON.stringify(ml.info.sizes)}`);
    }
  }

  // Segments at size: ds.segment with its defaults (10 restarts from
  // k-means++, or the automatic-k scan) — does it finish, and how long.
  for (const c of plan.segment ?? []) {
    const bytes = await fetchBytes(c.url);
    const bench = `segment ${c.label}`;
    log(bench);
    await record(bench, `hrlens ds.segment (k = ${c.k})`, () =>
      inWorker("segment/hrlens", { bytes, features: c.features, k: c.k }, c.reps ?? 1));
  }

  // What-if: weighted score + rank + bands.
  if (plan.score) {
    const p = plan.score;
    const bytes = await fetchBytes(p.url);
    const bench = `what-if score ${p.label}`;
    log(bench);
    const card = benchCard(12);
    const h = await record(bench, "hrlens whatIf.setWeights", () => inWorker("score/hrlens", { bytes, card }, p.reps));
    await record(bench, "  of which: result conversion alone (whatIf.scores())", () =>
      inWorker("score/hrlens-scores-only", { bytes, card }, p.reps), { profile: true });
    await record(bench, "  of which: 1M id strings alone (ds.column(\"工号\"))", () =>
      inWorker("score/hrlens-id-strings", { bytes }, p.reps), { profile: true });
    const duckR = await record(bench, "DuckDB-Wasm SQL", () => duckScore(bytes, card, p.reps));
    const aqR = await record(bench, "Arquero", () => inWorker("score/arquero", { bytes, card }, p.peerReps ?? p.reps));
    for (const peer of [duckR, aqR].filter(Boolean)) {
      if (!h) break;
      agree(checks, bench, `top 10 ids agree with ${peer.who}`, JSON.stringify(h.info.top) === JSON.stringify(peer.info.top),
            `${h.info.top.slice(0, 3).join(",")}… vs ${peer.info.top.slice(0, 3).join(",")}…`);
      agree(checks, bench, `band counts agree with ${peer.who}`, sameBands(h.info.bands, peer.info.bands),
            `${JSON.stringify(h.info.bands)} vs ${JSON.stringify(peer.info.bands)}`);
    }
  }

  // Monthly trend + alerts.
  if (plan.trend) {
    const p = plan.trend;
    const bytes = await fetchBytes(p.url);
    const bench = `monthly trend + alerts ${p.label}`;
    log(bench);
    const h = await record(bench, "hrlens trend + alerts", () => inWorker("trend/hrlens", { bytes }, p.reps));
    await record(bench, "hrlens trend + alerts again (panel kept from the first call)", () => inWorker("trend/hrlens-warm", { bytes }, p.reps),
                 { variant: true });
    await record(bench, "hrlens trend + alerts with explanations", () => inWorker("trend/hrlens-explained", { bytes }, p.reps),
                 { variant: true });
    const duckR = await record(bench, "DuckDB-Wasm window queries", () => duckTrend(bytes, p.reps));
    const aqR = await record(bench, "Arquero", () => inWorker("trend/arquero", { bytes }, p.peerReps ?? p.reps));
    for (const peer of [duckR, aqR].filter(Boolean)) {
      if (!h) break;
      const c = compareCells(h.info, peer.info);
      agree(checks, bench, `monthly means, MA3 and MoM agree with ${peer.who} (rel. 1e-9)`,
            c.worst <= 1e-9 && c.missing === 0 && c.extra === 0, `worst ${c.worst.toExponential(2)}, missing ${c.missing}, extra ${c.extra}`);
      agree(checks, bench, `alert counts agree with ${peer.who}`, JSON.stringify(h.info.alerts) === JSON.stringify(peer.info.alerts),
            `${JSON.stringify(h.info.alerts)} vs ${JSON.stringify(peer.info.alerts)}`);
    }
  }

  // Scale: load, score, trend by department in one instance.
  let scale = null;
  if (plan.scale) {
    log(`scale run ${plan.scale.label}`);
    try {
      const r = await inWorker("scale/hrlens", { url: plan.scale.url, card: benchCard(10), period: plan.scale.period }, 1);
      scale = { ...r.info, wasmMemory: r.wasmMemory, jsHeap: r.jsHeap, label: plan.scale.label };
    } catch (e) {
      scale = { completed: false, error: String(e.message ?? e), wasmMemory: e.wasmMemory ?? null, label: plan.scale.label };
    }
    log(`  ${JSON.stringify(scale)}`);
  }

  let duckVersion = null;
  try {
    duckVersion = await (await duck()).getVersion();
  } catch {
    duckVersion = null;
  }
  return { results, checks, scale, versions: { duckdb: duckVersion, jsHeapInWorkers: results.some((r) => r.jsHeap != null) } };
};
document.body.dataset.ready = "true";
