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
    pending.delete(data.id);
    if (data.error) p.reject(Object.assign(new Error(data.error.message), data.error));
    else p.resolve(data.result);
  };
  worker.onerror = (e) => {
    const err = Object.assign(new Error(e.message || "worker failed"), { name: "WorkerError" });
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const send = (op, ...args) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, args });
    });
  return {
    sample: (opts) => send("sample", opts),
    load: (file, opts) => send("load", file, opts),
    call: (handle, method, ...args) => send("call", handle, method, ...args),
    module: (fn, ...args) => send("module", fn, ...args),
    free: (handle) => send("free", handle),
    terminate: () => worker.terminate(),
  };
}
