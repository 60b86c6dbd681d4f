// Node's worker_threads dressed as browser Workers, for www/kmeans-pool.js in
// Node (tests and benches/kmeans-wasm.mjs): spawn a shard worker per call.
import { Worker } from "node:worker_threads";

export function nodeWorkerFactory() {
  const url = new URL("./kmeans-node-shard.mjs", import.meta.url);
  return () => {
    const w = new Worker(url);
    const listeners = { message: [], error: [] };
    w.on("message", (data) => listeners.message.forEach((f) => f({ data })));
    w.on("error", (err) => listeners.error.forEach((f) => f(err)));
    return {
      postMessage: (m, transfer) => w.postMessage(m, transfer),
      addEventListener: (type, f) => listeners[type]?.push(f),
      terminate: () => w.terminate(),
    };
  };
}
