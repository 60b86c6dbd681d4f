// One benchmark task per worker, off the main thread as a user would run it,
// so each task's wasm memory figure is its own (wasm memory never shrinks:
// byteLength at the end is the peak).
//
// Message in:  { task, params, reps }
// Message out: { times: [ms…], info, setupMs, wasmMemory, jsHeap } or { error } / { notMeasured }.
//
// A task is { setup(params) → state (not timed), run(state, i) → result
// (timed, `reps` times), finish(state, result) → info (not timed) }.
// The JS peers get their input columns from hrlens' loader in setup: the
// same numbers hrlens sees (so results can be compared exactly), and no
// minutes spent in a slow CSV parser outside the timed part.
import init, { Dataset, DatasetLoader } from "../pkg/hrlens.js";
import { Papa, kmeans, aq } from "./vendor/peers.js";
import { alertFlags, effectiveWeights, peerTrendInfo, WEIGHTS, BANDS, minmaxScores, topIds, trendRule, kmeansInit } from "./shared.js";

const ready = init();
let memory = null;
let heapPeak = null;
const sampleHeap = () => {
  const h = performance.memory?.usedJSHeapSize;
  if (h != null) heapPeak = Math.max(heapPeak ?? 0, h);
};

class NotMeasured extends Error {}

const load = (bytes) => Dataset.load(bytes, { filename: "bench.csv" });
const numbers = (ds, name) => ds.column(name);

const tasks = {
  // ---- CSV ingest ---------------------------------------------------------
  "ingest/hrlens": {
    setup: ({ bytes }) => ({ bytes }),
    run: ({ bytes }) => {
      const ds = load(bytes);
      const n = ds.rowCount;
      const cols = ds.columns().length;
      ds.free();
      return { rows: n, cols };
    },
    finish: (_, r) => r,
  },
  "ingest/papaparse-typed": {
    setup: ({ bytes }) => ({ bytes }),
    run: ({ bytes }) => {
      const text = new TextDecoder().decode(bytes);
      const r = Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true });
      return { rows: r.data.length, cols: r.meta.fields.length };
    },
    finish: (_, r) => r,
  },
  "ingest/papaparse-strings": {
    setup: ({ bytes }) => ({ bytes }),
    run: ({ bytes }) => {
      const text = new TextDecoder().decode(bytes);
      const r = Papa.parse(text, { skipEmptyLines: true });
      return { rows: r.data.length - 1, cols: r.data[0].length };
    },
    finish: (_, r) => r,
  },

  // ---- k-means --------------------------------------------------------------
  "kmeans/hrlens": {
    setup: ({ bytes, features, k, maxIter, tol }) => {
      const ds = load(bytes);
      if (typeof ds.segment !== "function") throw new NotMeasured("ds.segment not in this build");
      const cols = features.map((f) => numbers(ds, f));
      return { ds, opts: { features, k, init: kmeansInit(cols, k), scaling: "none", maxIter, tol } };
    },
    run: ({ ds, opts }) => ds.segment(opts),
    finish: (_, r) => ({
      rows: r.labels.length,
      inertia: r.inertia,
      iterations: r.iterations ?? r.nIter ?? null,
      sizes: r.sizes,
    }),
  },
  "segment/hrlens": {
    setup: ({ bytes, features, k }) => ({ ds: load(bytes), opts: { features, k } }),
    run: ({ ds, opts }) => ds.segment(opts),
    finish: (_, r) => ({ rows: r.labels.length, k: r.sizes.length, sizes: r.sizes }),
  },
  "kmeans/init": {
    setup: ({ bytes, features, k }) => {
      const ds = load(bytes);
      const init = kmeansInit(features.map((f) => numbers(ds, f)), k);
      ds.free();
      return { init };
    },
    run: ({ init }) => init,
    finish: (_, init) => ({ init }),
  },
  // The pool's input: the feature columns as one row-major Float32Array.
  "kmeans/rows": {
    setup: ({ bytes, features, k }) => {
      const ds = load(bytes);
      const cols = features.map((f) => numbers(ds, f));
      ds.free();
      const n = cols[0].length;
      const rows = new Float32Array(n * cols.length);
      for (let i = 0; i < n; i++) for (let j = 0; j < cols.length; j++) rows[i * cols.length + j] = cols[j][i];
      return { init: kmeansInit(cols, k), rows };
    },
    run: (s) => s,
    finish: (_, s) => s,
  },
  "kmeans/ml-kmeans": {
    setup: ({ bytes, features, k, maxIter, tol }) => {
      const ds = load(bytes);
      const cols = features.map((f) => numbers(ds, f));
      ds.free();
      const n = cols[0].length;
      const data = Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
      return { data, k, init: kmeansInit(cols, k), maxIter, tol };
    },
    run: ({ data, k, init, maxIter, tol }) =>
      kmeans(data, k, { initialization: init.map((c) => c.slice()), maxIterations: maxIter, tolerance: tol }),
    finish: ({ data, k }, r) => {
      let inertia = 0;
      const sizes = new Array(k).fill(0);
      for (let i = 0; i < data.length; i++) {
        const c = r.centroids[r.clusters[i]];
        sizes[r.clusters[i]]++;
        for (let j = 0; j < c.length; j++) inertia += (data[i][j] - c[j]) ** 2;
      }
      return { rows: data.length, inertia, iterations: r.iterations, sizes };
    },
  },

  // ---- what-if score + rank + bands -------------------------------------------
  "score/hrlens": {
    setup: ({ bytes, card }) => {
      const ds = load(bytes);
      return { ds, w: ds.whatIf(card) };
    },
    run: ({ w }, i) => w.setWeights(WEIGHTS[i % 2]),
    finish: (_, r) => ({
      rows: r.total.length,
      top: topIds(r.ids, r.rank, 10),
      bands: Object.fromEntries(r.bandCounts.map((b) => [b.label, b.count])),
    }),
  },
  // The result conversion alone (the same Scores object setWeights returns,
  // without re-scoring): how much of setWeights is the boundary.
  "score/hrlens-scores-only": {
    setup: ({ bytes, card }) => {
      const ds = load(bytes);
      return { ds, w: ds.whatIf(card) };
    },
    run: ({ w }) => w.scores(),
    finish: (_, r) => ({ rows: r.total.length }),
  },
  // For the profile: 1M id strings across the boundary alone (ds.column),
  // the same conversion setWeights does for `ids` (and again for `band`).
  "score/hrlens-id-strings": {
    setup: ({ bytes }) => ({ ds: load(bytes) }),
    run: ({ ds }) => ds.column("工号"),
    finish: (_, r) => ({ rows: r.length }),
  },
  "score/arquero": {
    setup: ({ bytes, card }) => {
      const ds = load(bytes);
      const cols = { id: ds.column("工号") };
      const inds = card.dimensions.flatMap((d) => d.indicators);
      for (const ind of inds) cols[ind.column] = minmaxScores(numbers(ds, ind.column), ind.direction);
      ds.free();
      // Normalised once, as hrlens' whatIf keeps its normalised matrix.
      return { t: aq.table(cols), card, inds };
    },
    run: ({ t, card, inds }, i) => {
      const eff = effectiveWeights(card, WEIGHTS[i % 2]);
      const params = Object.fromEntries(eff.map((w, j) => [`w${j}`, w]));
      const sum = inds.map((ind, j) => `$.w${j} * d.${ind.column}`).join(" + ");
      const bands = BANDS.map((b) => `d.total >= ${b.min} ? "${b.label}" : `).join("") + "null";
      return t
        .params(params)
        .derive({ total: `(d, $) => ${sum}` })
        .orderby(aq.desc("total"))
        .derive({ rank: "() => op.rank()", band: `d => ${bands}` });
    },
    finish: (_, r) => {
      const top = r
        .filter("d => d.rank <= 10")
        .objects()
        .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1))
        .slice(0, 10)
        .map((o) => o.id);
      const bands = Object.fromEntries(r.groupby("band").count().objects().map((o) => [o.band, o.count]));
      return { rows: r.numRows(), top, bands };
    },
  },

  // ---- monthly trend + alerts -------------------------------------------------
  // The first trend + alerts after load. A load indexes the period column's
  // month of every row (in the ingest time above, kept until the column's
  // values change); the dataset keeps each (metric, grouping) panel for later
  // calls, so each rep first re-assigns the period role, which empties that
  // memo: every rep pays the full pass over the rows to build the panel.
  "trend/hrlens": {
    setup: ({ bytes }) => ({ ds: load(bytes), explain: false }),
    run: ({ ds, explain }) => {
      ds.setRole("月份", "period");
      return trendOnce(ds, explain);
    },
    finish: (_, r) => trendInfo(r),
  },
  // The same request again (a new MA window, alert threshold or range reuses
  // the panel too): what re-rendering after a setting change costs.
  "trend/hrlens-warm": {
    setup: ({ bytes }) => ({ ds: load(bytes), explain: false }),
    run: ({ ds, explain }) => trendOnce(ds, explain),
    finish: (_, r) => trendInfo(r),
  },
  "trend/hrlens-explained": {
    setup: ({ bytes }) => ({ ds: load(bytes), explain: true }),
    run: ({ ds, explain }) => trendOnce(ds, explain),
    finish: (_, r) => trendInfo(r),
  },
  "trend/arquero": {
    setup: ({ bytes }) => {
      const ds = load(bytes);
      const t = aq.table({ dept: ds.column("部门"), month: ds.column("月份"), v: numbers(ds, trendRule.metric) });
      ds.free();
      return { t };
    },
    run: ({ t }) => {
      const rows = t
        .groupby("dept", "month")
        .rollup({ v: "d => op.mean(d.v)" })
        .groupby("dept")
        .orderby("month")
        .derive({
          ma: aq.rolling("d => op.average(d.v)", [-2, 0]),
          n3: aq.rolling("d => op.count()", [-2, 0]),
          l1: "d => op.lag(d.v, 1)",
          l2: "d => op.lag(d.v, 2)",
          l3: "d => op.lag(d.v, 3)",
        })
        .ungroup()
        .orderby("dept", "month")
        .objects();
      return rows.map(alertFlags);
    },
    finish: (_, rows) => peerTrendInfo(rows),
  },

  // ---- scale run: load, score, trend in one instance ------------------------
  "scale/hrlens": {
    setup: (p) => p,
    run: async ({ url, card, period }) => {
      const phases = [];
      const phase = async (name, fn) => {
        const t0 = performance.now();
        try {
          const out = await fn();
          phases.push({ name, ms: performance.now() - t0, wasmMemory: memory.buffer.byteLength });
          return out;
        } catch (e) {
          phases.push({ name, ms: performance.now() - t0, wasmMemory: memory.buffer.byteLength,
                        error: `${e.name}: ${e.message}` });
          throw Object.assign(new Error("scale phase failed"), { phases });
        }
      };
      try {
        // Streamed as the page streams a File: the text never sits in wasm
        // memory whole, only the typed columns (compact at this size).
        let mb = 0;
        const ds = await phase("fetch + streamed load", async () => {
          const res = await fetch(url);
          const size = Number(res.headers.get("content-length")) || undefined;
          const loader = new DatasetLoader({ filename: "bench.csv", size });
          const reader = res.body.getReader();
          let pending = [];
          let pendingBytes = 0;
          const flush = () => {
            if (!pendingBytes) return;
            const chunk = new Uint8Array(pendingBytes);
            let at = 0;
            for (const p of pending) {
              chunk.set(p, at);
              at += p.byteLength;
            }
            pending = [];
            pendingBytes = 0;
            loader.push(chunk);
          };
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            mb += value.byteLength / 1e6;
            pending.push(value);
            pendingBytes += value.byteLength;
            if (pendingBytes >= 1 << 22) flush();
          }
          flush();
          return loader.finish();
        });
        const rows = ds.rowCount;
        const s = await phase("score", () => {
          const r = ds.score(card, { period });
          return { n: r.total.length, bands: r.bandCounts.map((b) => [b.label, b.count]) };
        });
        const t = await phase("trend by department", () => ds.trend({ metric: "k01", by: "部门" }).length);
        return { completed: true, rows, mb, scored: s.n, bands: s.bands, series: t, phases };
      } catch (e) {
        return { completed: false, phases: e.phases ?? phases, error: e.phases ? undefined : String(e) };
      }
    },
    finish: (_, r) => r,
  },
};

function trendOnce(ds, explain) {
  const { metric, by, below, consecutiveDeclines, dropPct } = trendRule;
  const series = ds.trend({ metric, by, window: 3 });
  const alerts = ds.alerts([{ metric, by, below, consecutiveDeclines, dropPct, explain }]);
  return { series, alerts };
}

function trendInfo({ series, alerts }) {
  const cells = {};
  for (const s of series) {
    s.periods.forEach((p, k) => {
      cells[`${s.key}|${p}`] = [s.values[k], s.movingAvg[k], s.mom[k]];
    });
  }
  const counts = { below: 0, dropPct: 0, consecutiveDeclines: 0 };
  for (const a of alerts) counts[a.rule] = (counts[a.rule] ?? 0) + 1;
  return { rows: Object.keys(cells).length, cells, alerts: counts, groups: series.length };
}

self.onmessage = async ({ data }) => {
  const { task, reps = 3, params = {} } = data;
  try {
    const wasm = await ready;
    memory = wasm.memory;
    const t = tasks[task];
    if (!t) throw new Error(`unknown task ${task}`);
    const s0 = performance.now();
    const state = await t.setup(params);
    const setupMs = performance.now() - s0;
    sampleHeap();
    const times = [];
    let result;
    for (let i = 0; i < reps; i++) {
      result = null;
      const t0 = performance.now();
      result = await t.run(state, i);
      times.push(performance.now() - t0);
      sampleHeap();
    }
    const info = await t.finish(state, result);
    self.postMessage({ times, info, setupMs, wasmMemory: memory.buffer.byteLength, jsHeap: heapPeak });
  } catch (e) {
    if (e instanceof NotMeasured) self.postMessage({ notMeasured: e.message });
    else self.postMessage({ error: `${e.name}: ${e.message}`, wasmMemory: memory?.buffer.byteLength ?? null });
  }
};
