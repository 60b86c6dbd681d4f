// The page's side of the worker protocol (see worker.js): promises for replies.
// `target` is the worker script's URL, or a Worker (anything with postMessage,
// onmessage and onerror, e.g. one a bundler created) to talk to.
export function connect(target = new URL("./worker.js", import.meta.url)) {
  const worker = typeof target === "string" || target instanceof URL ? new Worker(target, { type: "module" }) : target;
  const pending = new Map();
  let next = 1;
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    if (data.progress) {
      p.onProgress?.(data.progress);
      return;
    }
    pending.delete(data.id);
    if (data.error) p.reject(Object.assign(new Error(data.error.message), data.error));
    else p.resolve(data.result);
  };
  worker.onerror = (e) => {
    const err = Object.assign(new Error(e.message || "worker failed"), { name: "WorkerError" });
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const sendWith = (extra, op, ...args) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject, onProgress: extra.onProgress });
      if (extra.signal) {
        const abort = () => worker.postMessage({ id: next++, op: "cancel", args: [id] });
        if (extra.signal.aborted) abort();
        else extra.signal.addEventListener("abort", abort, { once: true });
      }
      worker.postMessage({ id, op, args });
    });
  const send = (op, ...args) => sendWith({}, op, ...args);
  return {
    sample: (opts) => send("sample", opts),
    // Streams the file into the engine. `onProgress({ bytes, total, rows, rowsPerSec, done })`
    // is called at most every 100 ms; `signal` (an AbortSignal) cancels with an AbortError.
    load: (file, opts, { onProgress, signal } = {}) => sendWith({ onProgress, signal }, "load", file, opts),
    preview: (file, opts, rows) => send("preview", file, opts, rows),
    join: (left, right, opts) => send("join", left, right, opts),
    call: (handle, method, ...args) => send("call", handle, method, ...args),
    module: (fn, ...args) => send("module", fn, ...args),
    free: (handle) => send("free", handle),
    terminate: () => worker.terminate(),
  };
}
