// The worker owns the wasm instance and every dataset handle. It is the only
// module that imports pkg/. The page talks to it with small messages:
//   { id, op: "sample" | "load" | "preview" | "join" | "cancel" | "describe" | "call" | "module" | "free", args: [...] }
// and gets back { id, result } or { id, error: { name, message, messageZh, ... } };
// while a load streams, it also posts { id, progress: { bytes, total, rows, rowsPerSec, done } }.
// Bulk numbers come back as typed arrays whose buffers are transferred.
//
// Handles: a wasm object in a result (at the top or inside a plain result
// object, e.g. join's `dataset`) is kept here and replaced by `{ $handle: n }`
// (a bare number at the top level, for `call`'s old shape); an argument
// `{ $handle: n }` is replaced by the object, so `call(a, "join", { $handle: b })` works.
//
// Shaping (optional `shape` on a message, for big repeated results such as
// setWeights on 100k people): `omit: ["ids"]` leaves out fields the page
// already holds; `codes: ["band"]` sends a string array as
// { labels: string[], codes: Uint32Array } so it crosses as one typed array.
// Only the layout changes, never a value.
//
// A trap (WebAssembly.RuntimeError: unreachable, out of bounds, stack
// overflow, an allocation the engine could not get) leaves the instance in
// an unknown state. The call that trapped is answered with
// { name: "WasmTrap", message, messageZh, during, trap }, and from then on
// every message gets that same error: the instance is never touched again.
// rpc.js then replaces this worker (see there).
//
// The network meter: this worker's own resource loads (the wasm module, any
// fetch) are reported to the page as { net: [{ name, start }] } so the page's
// "network requests since load" counter sees the worker's requests too.
import init, * as hrlens from "../pkg/hrlens.js";

if (typeof PerformanceObserver === "function") {
  try {
    new PerformanceObserver((list) => {
      const net = list.getEntries().map((e) => ({ name: e.name, start: performance.timeOrigin + e.startTime }));
      if (net.length) self.postMessage({ net });
    }).observe({ type: "resource", buffered: true });
  } catch {
    // Resource timing unavailable in this worker: the page says so.
  }
}

const ready = init();
const handles = new Map();
let nextHandle = 1;
let dead = null; // the WasmTrap error, once the instance has trapped

const isTrap = (e) => typeof WebAssembly === "object" && e instanceof WebAssembly.RuntimeError;

function trapError(e, during) {
  const what = during ? ` while running ${during}` : "";
  const whatZh = during ? `（执行 ${during} 时）` : "";
  return {
    name: "WasmTrap",
    message: `the analysis engine crashed${what} (${e.message}); it has to be restarted`,
    messageZh: `分析引擎崩溃${whatZh}（${e.message}），需要重新启动`,
    during: during ?? null,
    trap: e.message,
  };
}

/** The instance trapped: remember it, and tell the page even when no call is waiting. */
function die(e, during) {
  dead ??= trapError(e, during);
  return dead;
}

function checkAlive() {
  if (dead) throw Object.assign(new Error(dead.message), dead);
}

// Traps outside a request (a callback, a promise nobody awaited) end the instance too.
// (Node's worker_threads shim has no such events: its thread's `error` reaches rpc.js.)
if (typeof self.addEventListener === "function") {
  self.addEventListener("error", (e) => {
    if (!isTrap(e.error)) return;
    e.preventDefault();
    self.postMessage({ trap: die(e.error, null) });
  });
  self.addEventListener("unhandledrejection", (e) => {
    if (!isTrap(e.reason)) return;
    e.preventDefault();
    self.postMessage({ trap: die(e.reason, null) });
  });
}

function keep(obj) {
  const h = nextHandle++;
  handles.set(h, obj);
  return h;
}

function isWasmObject(v) {
  return v !== null && typeof v === "object" && typeof v.free === "function" && "__wbg_ptr" in v;
}

/** What the page needs to show a dataset, plus which optional methods this build has. */
// The Data panel shows the first issues and, when the build has report(),
// the counts by kind; warnings() pages when it takes a query (older builds
// ignore the argument and give all).
const WARNINGS_SHOWN = 100;

function describe(ds) {
  const proto = Object.getPrototypeOf(ds);
  return {
    rowCount: ds.rowCount,
    columns: ds.columns(),
    warnings: ds.warnings({ limit: WARNINGS_SHOWN }),
    report: typeof ds.report === "function" ? ds.report() : null,
    source: ds.source(),
    caps: {
      methods: Object.getOwnPropertyNames(proto).filter((m) => !m.startsWith("_") && m !== "constructor"),
      functions: Object.keys(hrlens).filter((k) => typeof hrlens[k] === "function"),
    },
  };
}

// Buffers of typed arrays in a result (the facade returns copies, so they may move).
function transferables(v, out = [], depth = 0) {
  if (ArrayBuffer.isView(v)) {
    if (!out.includes(v.buffer)) out.push(v.buffer);
  } else if (v && typeof v === "object" && depth < 3) {
    for (const x of Array.isArray(v) ? v : Object.values(v)) transferables(x, out, depth + 1);
  }
  return out;
}

function shapeResult(result, shape) {
  if (!shape || !result || typeof result !== "object") return result;
  for (const k of shape.omit ?? []) delete result[k];
  for (const k of shape.codes ?? []) {
    const v = result[k];
    if (!Array.isArray(v)) continue;
    const index = new Map();
    const labels = [];
    const codes = new Uint32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      let c = index.get(v[i]);
      if (c === undefined) {
        c = labels.length;
        index.set(v[i], c);
        labels.push(v[i]);
      }
      codes[i] = c;
    }
    result[k] = { labels, codes };
  }
  return result;
}

function lookup(h) {
  const obj = handles.get(h);
  if (!obj) throw Object.assign(new Error(`unknown handle ${h}`), { name: "ParamError" });
  return obj;
}

function resolveArgs(v, depth = 0) {
  if (v && typeof v === "object" && !ArrayBuffer.isView(v) && depth < 4) {
    if (typeof v.$handle === "number" && Object.keys(v).length === 1) return lookup(v.$handle);
    if (Array.isArray(v)) return v.map((x) => resolveArgs(x, depth + 1));
    if (Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveArgs(x, depth + 1)]));
    }
  }
  return v;
}

// A wasm object goes back as a handle and its class name ("Dataset", "WhatIf", …),
// found among the module's exports (names a bundler may shorten are not used).
function handleOf(obj) {
  const type = Object.keys(hrlens).find((k) => typeof hrlens[k] === "function" && obj instanceof hrlens[k]);
  return { handle: keep(obj), type };
}

function keepResult(result) {
  if (isWasmObject(result)) return handleOf(result);
  if (result && typeof result === "object" && !Array.isArray(result) && !ArrayBuffer.isView(result)) {
    for (const [k, v] of Object.entries(result)) if (isWasmObject(v)) result[k] = { $handle: keep(v) };
  }
  return result;
}

// Stream a File (or Blob) into the engine in chunks through DatasetLoader
// (when the build has it): memory holds the typed columns, not the file.
// Progress goes out at most every 100 ms and at the end:
// { bytes, total, rows, rowsPerSec, done }. Raw bytes (an embedder's, or a
// build without DatasetLoader) load in one piece.
const CHUNK = 1 << 20;
const cancelled = new Set();

async function loadFile(id, file, opts, progress) {
  const streaming = typeof hrlens.DatasetLoader === "function" && typeof file?.stream === "function";
  if (!streaming) {
    const bytes = ArrayBuffer.isView(file)
      ? new Uint8Array(file.buffer, file.byteOffset, file.byteLength)
      : file instanceof ArrayBuffer ? new Uint8Array(file) : new Uint8Array(await file.arrayBuffer());
    return hrlens.Dataset.load(bytes, { filename: file?.name, ...opts });
  }
  const size = file.size;
  const loader = new hrlens.DatasetLoader({ filename: file.name, size, ...opts });
  const t0 = performance.now();
  let last = 0;
  const report = (p, done) => {
    const secs = (performance.now() - t0) / 1000;
    progress({ bytes: p.bytes, total: size, rows: p.rows, rowsPerSec: secs > 0 ? Math.round(p.rows / secs) : 0, done });
  };
  try {
    const reader = file.stream().getReader();
    let pending = [];
    let pendingBytes = 0;
    const flush = () => {
      if (!pendingBytes) return null;
      const chunk = pending.length === 1 ? pending[0] : concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return loader.push(chunk);
    };
    for (;;) {
      const { done, value } = await reader.read();
      checkAlive(); // another call trapped while this one waited for the file
      if (cancelled.has(id)) {
        await reader.cancel();
        throw Object.assign(new Error("load cancelled"), { name: "AbortError", messageZh: "已取消加载" });
      }
      if (done) break;
      // Coalesce the stream's small chunks: fewer crossings into wasm.
      pending.push(value);
      pendingBytes += value.byteLength;
      if (pendingBytes >= CHUNK) {
        const p = flush();
        const now = performance.now();
        if (p && now - last >= 100) {
          last = now;
          report(p, false);
        }
      }
    }
    flush();
    const ds = loader.finish();
    report({ bytes: size, rows: ds.rowCount }, true);
    return ds;
  } catch (e) {
    if (isTrap(e)) die(e, "load"); // before finally: free() must not touch a trapped instance
    throw e;
  } finally {
    cancelled.delete(id);
    if (!dead) loader.free();
  }
}

function concat(parts, n) {
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

async function run(id, op, args, progress) {
  await ready;
  checkAlive();
  switch (op) {
    case "sample": {
      const ds = hrlens.Dataset.sample(args[0]);
      return { handle: keep(ds), ...describe(ds) };
    }
    case "load": {
      const [file, opts] = args;
      const ds = await loadFile(id, file, opts, progress);
      return { handle: keep(ds), ...describe(ds) };
    }
    case "preview": {
      // The first rows as written and the detected header (reads at most the first 4 MiB).
      const [file, opts, rows] = args;
      const head = new Uint8Array(await file.slice(0, 4 << 20).arrayBuffer());
      const bytes = /\.(xlsx|xlsm|json)$/i.test(file.name) || file.size <= 4 << 20 ? new Uint8Array(await file.arrayBuffer()) : head;
      return hrlens.Dataset.preview(bytes, { filename: file.name, ...opts }, rows);
    }
    case "join": {
      const [left, right, opts] = args;
      const r = lookup(left).join(lookup(right), opts);
      const ds = r.dataset;
      return { handle: keep(ds), ...describe(ds), discrepancies: r.discrepancies, summary: r.summary };
    }
    case "cancel": {
      cancelled.add(args[0]);
      return null;
    }
    case "describe":
      return { handle: args[0], ...describe(lookup(args[0])) };
    case "call": {
      const [h, method, ...rest] = args;
      const obj = lookup(h);
      if (typeof method !== "string" || method.startsWith("_") || !(method in Object.getPrototypeOf(obj))) {
        throw Object.assign(new Error(`no method ${method}`), { name: "ParamError" });
      }
      const m = obj[method];
      const result = typeof m === "function" ? m.apply(obj, resolveArgs(rest)) : m;
      return keepResult(result);
    }
    case "module": {
      const [fn, ...rest] = args;
      if (fn === "default" || fn.startsWith("init") || typeof hrlens[fn] !== "function") {
        throw Object.assign(new Error(`no function ${fn}`), { name: "ParamError" });
      }
      return keepResult(hrlens[fn](...resolveArgs(rest)));
    }
    case "free": {
      const obj = handles.get(args[0]);
      handles.delete(args[0]);
      obj?.free();
      return null;
    }
    default:
      throw Object.assign(new Error(`unknown operation ${op}`), { name: "ParamError" });
  }
}

self.onmessage = async ({ data }) => {
  const { id, op, args = [], shape } = data;
  try {
    const result = shapeResult(await run(id, op, args, (progress) => self.postMessage({ id, progress })), shape);
    self.postMessage({ id, result }, transferables(result));
  } catch (e) {
    // `trapped`: this call trapped (do not retry it); a WasmTrap without it: the
    // instance was already dead, the call never ran.
    if (isTrap(e)) {
      self.postMessage({ id, error: die(e, opName(op, args)), trapped: true });
      return;
    }
    if (dead) {
      self.postMessage({ id, error: dead, trapped: e?.name !== "WasmTrap" });
      return;
    }
    self.postMessage({
      id,
      error: {
        name: e?.name ?? "Error",
        message: e?.message ?? String(e),
        messageZh: e?.messageZh,
        file: e?.file,
        line: e?.line,
        column: e?.column,
      },
    });
  }
};

// What a trap happened in, for the page's notice: the method or function name.
function opName(op, args) {
  if (op === "call" && typeof args[1] === "string") return args[1];
  if (op === "module" && typeof args[0] === "string") return args[0];
  return op;
}
