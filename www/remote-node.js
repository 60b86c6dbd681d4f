// `hrlens/worker` in Node: the same promise API, with the worker in a
// worker_threads thread (worker-node.js) instead of a Web Worker.
import { Worker } from "node:worker_threads";
import { connect } from "./rpc.js";
import { wrap } from "./remote.js";

export { wrap };

/**
 * Spawn the worker thread and connect to it. Call `terminate()` when done:
 * a live thread keeps the process running.
 * @param {{ worker?: Worker, create?: () => Worker }} [opts] a worker_threads Worker
 *   running worker-node.js, and how to make another after a crash (by default a
 *   new thread of the package's worker-node.js when `worker` is not given)
 */
export async function createHrlens(opts = {}) {
  const make = opts.create ?? (opts.worker ? null : () => new Worker(new URL("./worker-node.js", import.meta.url)));
  const w = opts.worker ?? make();
  // After a crash rpc.js makes a new thread with `create` (see rpc.js, onRecover).
  const hr = wrap(connect(port(w), { create: make ? () => port(make()) : null }), { sendBytes: true });
  await hr.version();
  return hr;
}

/** The Web Worker surface rpc.js expects, over a worker_threads Worker. */
function port(w) {
  return {
    postMessage: (message, transfer) => w.postMessage(message, transfer),
    terminate: () => w.terminate(),
    set onmessage(f) {
      w.on("message", (data) => f({ data }));
    },
    set onerror(f) {
      w.on("error", (e) => f(e));
    },
  };
}
