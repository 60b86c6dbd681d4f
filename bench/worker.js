// One benchmark task per worker, off the main thread as a user would run it.
// Message in: { task, bytes?, reps, params }; out: { times: [ms...], info }.
import init, { Dataset } from "../pkg/hrlens.js";
import { Papa } from "./vendor/peers.js";

const ready = init();

function wasmBytes() {
  // The wasm memory of this worker's instance (grows, never shrinks: the peak).
  return globalThis.__hrlensMemory?.buffer.byteLength ?? null;
}

const tasks = {
  async "ingest/hrlens"({ bytes }) {
    const ds = Dataset.load(bytes, { filename: "bench.csv" });
    const n = ds.rowCount;
    ds.free();
    return { rows: n };
  },
  async "ingest/papaparse-typed"({ bytes }) {
    const text = new TextDecoder().decode(bytes);
    const r = Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true });
    return { rows: r.data.length };
  },
  async "ingest/papaparse-strings"({ bytes }) {
    const text = new TextDecoder().decode(bytes);
    const r = Papa.parse(text, { skipEmptyLines: true });
    return { rows: r.data.length - 1 };
  },
};

self.onmessage = async ({ data }) => {
  const { task, reps = 3, params = {} } = data;
  try {
    const wasm = await ready;
    globalThis.__hrlensMemory = wasm.memory;
    const fn = tasks[task];
    if (!fn) throw new Error(`unknown task ${task}`);
    const times = [];
    let info;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      info = await fn(params);
      times.push(performance.now() - t0);
    }
    self.postMessage({ times, info, wasmMemory: wasmBytes(), jsHeap: performance.memory?.usedJSHeapSize ?? null });
  } catch (e) {
    self.postMessage({ error: `${e.name}: ${e.message}` });
  }
};
