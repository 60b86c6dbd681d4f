// `hrlens/worker` in Node: the same promise API, with the worker in a
// worker_threads thread (worker-node.js) instead of a Web Worker.
import { Worker } from "node:worker_threads";
import { connect } from "./rpc.js";
import { wrap } from "./remote.js";

export { wrap };

/**
 * Spawn the worker thread and connect to it. Call `terminate()` when done:
 * a live thread keeps the process running.
 * @param {{ worker?: Worker }} [opts] a worker_threads Worker running worker-node.js
 */
export async function createHrlens(opts = {}) {
  const w = opts.worker ?? new Worker(new URL("./worker-node.js", import.meta.url));
  // The Web Worker surface rpc.js expects.
  const port = {
    postMessage: (message, transfer) => w.postMessage(message, transfer),
    terminate: () => w.terminate(),
    set onmessage(f) {
      w.on("message", (data) => f({ data }));
    },
    set onerror(f) {
      w.on("error", (e) => f(e));
    },
  };
  const hr = wrap(connect(port), { sendBytes: true });
  await hr.version();
  return hr;
}
