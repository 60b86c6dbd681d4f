// A k-means shard worker under Node's worker_threads (see kmeans-node-workers.mjs).
import { parentPort } from "node:worker_threads";
import { serveShard } from "../../www/kmeans-pool.js";

const listeners = [];
parentPort.on("message", (data) => listeners.forEach((f) => f({ data })));
serveShard({
  postMessage: (m, transfer) => parentPort.postMessage(m, transfer),
  addEventListener: (type, f) => type === "message" && listeners.push(f),
});
