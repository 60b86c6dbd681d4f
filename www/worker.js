// The worker owns the wasm instance and every dataset handle. It is the only
// module that imports pkg/. The page talks to it with small messages:
//   { id, op: "sample" | "load" | "call" | "module" | "free", args: [...] }
// and gets back { id, result } or { id, error: { name, message, messageZh, ... } }.
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

function describe(ds) {
  return { rowCount: ds.rowCount, columns: ds.columns(), warnings: ds.warnings(), source: ds.source() };
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

async function run(op, args) {
  await ready;
  switch (op) {
    case "sample": {
      const ds = hrlens.Dataset.sample(args[0]);
      return { handle: keep(ds), ...describe(ds) };
    }
    case "load": {
      const [file, opts] = args;
      // A File or Blob from the page; raw bytes from an embedder.
      const bytes = ArrayBuffer.isView(file)
        ? new Uint8Array(file.buffer, file.byteOffset, file.byteLength)
        : file instanceof ArrayBuffer ? new Uint8Array(file) : new Uint8Array(await file.arrayBuffer());
      const ds = hrlens.Dataset.load(bytes, { filename: file.name, ...opts });
      return { handle: keep(ds), ...describe(ds) };
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
    const result = await run(op, args);
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
