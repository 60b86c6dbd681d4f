// k-means over several workers, each with its own wasm instance and its own
// shard of rows — the stable route to more than one core without threads in
// wasm or cross-origin isolation.
//
//   import { KMeansPool } from "./kmeans-pool.js";
//   const pool = await KMeansPool.create({ workers: 2 });
//   await pool.load(data, dims);                  // Float32Array | Float64Array, row-major
//   const r = await pool.fit({ k: 8, init });     // as hrlens kmeans(data, dims, opts)
//   pool.close();
//
// The result is bit for bit the result of `kmeans(data, dims, opts)` in one
// instance: cluster sums are exact integers (so their order of addition does
// not matter), restarts start from the same k-means++ centroids (computed by
// the host over all rows), and every shard runs the same Hamerly step.
// Per iteration only k × dims partial sums travel, one round trip per worker.
//
// Each worker is this same module, started with the name below; the host
// needs pkg/ initialised too (for the plan and the coordinator): create()
// does it with the same compiled module it sends to the workers.
import init, { KMeansPlan, KMeansShard } from "../pkg/hrlens.js";

const SHARD_NAME = "hrlens-kmeans-shard";

function defaultWorkers() {
  const n = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(4, n));
}

async function compile(wasm) {
  if (wasm instanceof WebAssembly.Module) return wasm;
  if (wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm)) return WebAssembly.compile(wasm);
  const url = wasm ?? new URL("../pkg/hrlens_bg.wasm", import.meta.url);
  const res = await fetch(url);
  if (WebAssembly.compileStreaming && res.headers.get("content-type") === "application/wasm") {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

function toError(e) {
  return Object.assign(new Error(e?.message ?? String(e)), {
    name: e?.name ?? "Error",
    ...(e?.messageZh ? { messageZh: e.messageZh } : {}),
  });
}

/** Promises over a worker's messages ({ id, op, ...args } → { id, result } | { id, error }). */
class Port {
  #w;
  #next = 1;
  #pending = new Map();

  constructor(worker) {
    this.#w = worker;
    worker.addEventListener("message", (e) => {
      const { id, result, error } = e.data;
      const p = this.#pending.get(id);
      if (!p) return;
      this.#pending.delete(id);
      if (error) p.reject(toError(error));
      else p.resolve(result);
    });
    worker.addEventListener("error", (e) => {
      const err = Object.assign(new Error(e?.message || "k-means worker failed"), { name: "WorkerError" });
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    });
  }

  call(op, args = {}, transfer = []) {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, { resolve, reject });
      this.#w.postMessage({ id, op, ...args }, transfer);
    });
  }

  terminate() {
    this.#w.terminate();
  }
}

export class KMeansPool {
  #ports;
  #plan = null;
  #rows = 0;
  #dims = 0;
  #shardKey = null;

  constructor(ports) {
    this.#ports = ports;
  }

  /**
   * Start `workers` shard workers (default: the number of cores, at most 4).
   * `wasm`: a WebAssembly.Module, the bytes of pkg/hrlens_bg.wasm, or its URL
   * (default: next to pkg/hrlens.js). `spawn(i)`: make worker i (default: a
   * module Worker of this file); it must behave like a browser Worker.
   */
  static async create({ workers = defaultWorkers(), wasm, spawn } = {}) {
    const module = await compile(wasm);
    await init({ module_or_path: module });
    const make = spawn ?? (() => new Worker(new URL(import.meta.url), { type: "module", name: SHARD_NAME }));
    const ports = Array.from({ length: Math.max(1, workers | 0) }, (_, i) => new Port(make(i)));
    const pool = new KMeansPool(ports);
    try {
      await Promise.all(ports.map((p) => p.call("init", { module })));
    } catch (e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  get workers() {
    return this.#ports.length;
  }

  /** Split the rows into contiguous shards, one per worker (the data is copied). */
  async load(data, dims) {
    this.#plan?.free();
    this.#plan = new KMeansPlan(data, dims);
    this.#rows = this.#plan.rows;
    this.#dims = dims;
    this.#shardKey = null;
    const spec = this.#plan.spec();
    const n = this.#ports.length;
    await Promise.all(
      this.#ports.map((p, i) => {
        const from = Math.floor((this.#rows * i) / n);
        const to = Math.floor((this.#rows * (i + 1)) / n);
        const rows = data.slice(from * dims, to * dims);
        return p.call("load", { rows, spec, firstRow: from }, [rows.buffer]);
      }),
    );
  }

  #all(op, args = {}) {
    return Promise.all(this.#ports.map((p) => p.call(op, args)));
  }

  /**
   * Fit k-means (options as hrlens `kmeans`): restarts one after another,
   * each iteration sharded. Returns { k, labels, centroids, inertia,
   * iterations, converged, sizes, runs }.
   */
  async fit(opts) {
    const plan = this.#plan;
    if (!plan) throw Object.assign(new Error("load() the rows first"), { name: "ParamError" });
    const runs = plan.runs(opts);
    const key = `${opts.k}/${opts.algorithm ?? "auto"}`;
    if (this.#shardKey !== key) {
      await this.#all("configure", { k: opts.k, algorithm: opts.algorithm ?? null });
      this.#shardKey = key;
    }
    let best = null;
    const summaries = [];
    for (let run = 0; run < runs; run++) {
      if (run > 0) await this.#all("reset");
      const co = plan.start(opts, run);
      try {
        let status;
        for (;;) {
          const centroids = co.centroids();
          for (const s of await this.#all("step", { centroids })) co.add(s.sums, s.counts, s.changed);
          const empty = co.emptyClusters();
          if (empty > 0) {
            for (const f of await this.#all("farthest", { m: empty })) co.offer(f.dist2, f.rows, f.labels, f.q);
          }
          status = co.update();
          if (status !== "continue") break;
        }
        const centroids = co.centroids();
        if (status === "final") await this.#all("step", { centroids });
        const parts = await this.#all("inertia", { centroids });
        for (const p of parts) co.addInertia(p.fixed);
        const r = co.result();
        summaries.push({ inertia: r.inertia, iterations: r.iterations, converged: r.converged });
        if (!best || r.inertia < best.inertia) {
          const labels = new Uint32Array(this.#rows);
          let at = 0;
          for (const l of await this.#all("labels")) {
            labels.set(l, at);
            at += l.length;
          }
          const sizes = new Array(opts.k).fill(0);
          for (const p of parts) p.counts.forEach((c, j) => (sizes[j] += c));
          best = { ...r, labels, sizes };
        }
      } finally {
        co.free();
      }
    }
    return {
      k: opts.k,
      labels: best.labels,
      centroids: best.centroids,
      inertia: best.inertia,
      iterations: best.iterations,
      converged: best.converged,
      sizes: best.sizes,
      runs: summaries,
    };
  }

  close() {
    for (const p of this.#ports) p.terminate();
    this.#ports = [];
    this.#plan?.free();
    this.#plan = null;
  }
}

/**
 * The worker side: answer the pool's messages on `port` (an object with
 * postMessage and addEventListener("message"), such as a worker's `self`).
 */
export function serveShard(port) {
  let shard = null;
  let loaded = null;
  const ops = {
    async init({ module }) {
      await init({ module_or_path: module });
    },
    load({ rows, spec, firstRow }) {
      shard?.free();
      shard = null;
      loaded = { rows, spec, firstRow };
    },
    configure({ k, algorithm }) {
      if (!shard) {
        shard = new KMeansShard(loaded.rows, loaded.spec, loaded.firstRow, k, algorithm);
        loaded.rows = null; // the shard holds its own copy
      } else {
        shard.configure(k, algorithm);
      }
    },
    reset() {
      shard.reset();
    },
    step({ centroids }) {
      return shard.step(centroids);
    },
    farthest({ m }) {
      return shard.farthest(m);
    },
    inertia({ centroids }) {
      return { fixed: shard.inertia(centroids), counts: shard.counts() };
    },
    labels() {
      return shard.labels();
    },
  };
  port.addEventListener("message", async (e) => {
    const { id, op, ...args } = e.data;
    try {
      const fn = ops[op];
      if (!fn) throw Object.assign(new Error(`unknown operation ${op}`), { name: "ParamError" });
      const result = await fn(args);
      const transfer = [];
      if (result && typeof result === "object") {
        for (const v of ArrayBuffer.isView(result) ? [result] : Object.values(result)) {
          if (ArrayBuffer.isView(v)) transfer.push(v.buffer);
        }
      }
      port.postMessage({ id, result }, transfer);
    } catch (err) {
      port.postMessage({ id, error: { name: err?.name, message: err?.message ?? String(err), messageZh: err?.messageZh } });
    }
  });
}

if (typeof WorkerGlobalScope !== "undefined" && globalThis instanceof WorkerGlobalScope && globalThis.name === SHARD_NAME) {
  serveShard(globalThis);
}
