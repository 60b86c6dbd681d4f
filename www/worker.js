// The worker owns the wasm instance and every dataset handle. It is the only
// module that imports pkg/. The page talks to it with small messages:
//   { id, op: "sample" | "load" | "preview" | "join" | "cancel" | "call" | "module" | "free", args: [...] }
// and gets back { id, result } or { id, error: { name, message, messageZh, ... } }.
// While a load streams, it also posts { id, progress: { bytes, total, rows, rowsPerSec, done } }.
// Bulk numbers come back as typed arrays whose buffers are transferred.
import init, * as hrlens from "../pkg/hrlens.js";

const ready = init();
const handles = new Map();
let nextHandle = 1;

function keep(obj) {
  const h = nextHandle++;
  handles.set(h, obj);
  return h;
}

function isWasmObject(v) {
  return v !== null && typeof v === "object" && typeof v.free === "function" && "__wbg_ptr" in v;
}

// A wasm object goes back as a handle and its class name ("Dataset", "WhatIf", …),
// found among the module's exports (names a bundler may shorten are not used).
function handleOf(obj) {
  const type = Object.keys(hrlens).find((k) => typeof hrlens[k] === "function" && obj instanceof hrlens[k]);
  return { handle: keep(obj), type };
}

// What the page needs after a load: the first 100 warnings (all are one
// `call(handle, "warnings", { offset, limit })` away), the counts by kind, the source.
function describe(ds) {
  return {
    rowCount: ds.rowCount,
    columns: ds.columns(),
    warnings: ds.warnings({ limit: 100 }),
    report: ds.report(),
    source: ds.source(),
  };
}

// Stream a File (or Blob) into the engine in chunks: memory holds the typed
// columns, not the file. Progress goes out at most every 100 ms and at the end.
const CHUNK = 1 << 20;
const cancelled = new Set();

async function loadFile(id, file, opts) {
  const size = file.size;
  const loader = new hrlens.DatasetLoader({ filename: file.name, size, ...opts });
  const t0 = performance.now();
  let last = 0;
  const report = (p, done) => {
    const secs = (performance.now() - t0) / 1000;
    self.postMessage({
      id,
      progress: { bytes: p.bytes, total: size, rows: p.rows, rowsPerSec: secs > 0 ? Math.round(p.rows / secs) : 0, done },
    });
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
  } finally {
    cancelled.delete(id);
    loader.free();
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

// Buffers of typed arrays in a result (the facade returns copies, so they may move).
function transferables(v, out = [], depth = 0) {
  if (ArrayBuffer.isView(v)) {
    if (!out.includes(v.buffer)) out.push(v.buffer);
  } else if (v && typeof v === "object" && depth < 3) {
    for (const x of Array.isArray(v) ? v : Object.values(v)) transferables(x, out, depth + 1);
  }
  return out;
}

function lookup(h) {
  const obj = handles.get(h);
  if (!obj) throw Object.assign(new Error(`unknown handle ${h}`), { name: "ParamError" });
  return obj;
}

async function run(id, op, args) {
  await ready;
  switch (op) {
    case "sample": {
      const ds = hrlens.Dataset.sample(args[0]);
      return { handle: keep(ds), ...describe(ds) };
    }
    case "load": {
      const [file, opts] = args;
      // A File or Blob from the page streams in chunks; raw bytes from an embedder load at once.
      const ds = ArrayBuffer.isView(file) || file instanceof ArrayBuffer
        ? hrlens.Dataset.load(ArrayBuffer.isView(file) ? new Uint8Array(file.buffer, file.byteOffset, file.byteLength) : new Uint8Array(file), opts ?? {})
        : await loadFile(id, file, opts);
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
    case "call": {
      const [h, method, ...rest] = args;
      const obj = lookup(h);
      if (typeof method !== "string" || method.startsWith("_") || !(method in Object.getPrototypeOf(obj))) {
        throw Object.assign(new Error(`no method ${method}`), { name: "ParamError" });
      }
      const m = obj[method];
      const result = typeof m === "function" ? m.apply(obj, rest) : m;
      return isWasmObject(result) ? handleOf(result) : result;
    }
    case "module": {
      const [fn, ...rest] = args;
      if (fn === "default" || fn.startsWith("init") || typeof hrlens[fn] !== "function") {
        throw Object.assign(new Error(`no function ${fn}`), { name: "ParamError" });
      }
      const result = hrlens[fn](...rest);
      return isWasmObject(result) ? handleOf(result) : result;
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
  const { id, op, args = [] } = data;
  try {
    const result = await run(id, op, args);
    self.postMessage({ id, result }, transferables(result));
  } catch (e) {
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
