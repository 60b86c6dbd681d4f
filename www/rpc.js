// The page's side of the worker protocol (see worker.js): promises for replies.
//
//   const hr = connect();
//   const info = await hr.sample({});                 // { handle, rowCount, columns, … }
//   await hr.call(info.handle, "score", "cs-manager-monthly", { period: "2024-12" });
//   hr.call(h, "join", hr.ref(other.handle), {})      // pass another handle as an argument
//   hr.callShaped({ omit: ["ids"], codes: ["band"] }, w, "setWeights", {…})  // big repeated results
//   hr.onNet((entries) => …)                          // the worker's resource loads
//   hr.load(file, opts, (progress) => …)              // progress of long loads, when the worker sends it

// Under `require-trusted-types-for 'script'` a Worker URL must be a
// TrustedScriptURL. This policy passes only the page's own worker: a URL of
// this origin (or of the page's folder on file://), or the worker inlined as
// a data: URL by the single-file build — never a script from elsewhere.
let policy = null;
const ownScript = (x) => x.origin === location.origin || x.protocol === "file:" || (x.protocol === "data:" && x.href.startsWith("data:text/javascript"));
function scriptURL(url) {
  const href = new URL(url, location.href);
  if (!ownScript(href)) throw new Error(`refusing worker from ${href.origin}`);
  if (!policy && globalThis.trustedTypes?.createPolicy) {
    try {
      policy = globalThis.trustedTypes.createPolicy("hrlens", {
        createScriptURL: (u) => {
          const x = new URL(u, location.href);
          return ownScript(x) ? x.href : null;
        },
      });
    } catch {
      policy = false; // a host page's CSP does not allow our policy name; plain URLs then
    }
  }
  return policy ? policy.createScriptURL(href.href) : href.href;
}

// `target` is the worker script's URL, or a Worker (anything with postMessage,
// onmessage and onerror, e.g. one a bundler created) to talk to.
export function connect(target = new URL("./worker.js", import.meta.url)) {
  const worker = typeof target === "string" || target instanceof URL ? new Worker(scriptURL(target), { type: "module" }) : target;
  const pending = new Map();
  const netListeners = new Set();
  let next = 1;
  worker.onmessage = ({ data }) => {
    if (data.net) {
      for (const fn of netListeners) fn(data.net);
      return;
    }
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
  const send = (op, args, onProgress, shape, signal) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject, onProgress });
      if (signal) {
        const abort = () => worker.postMessage({ id: next++, op: "cancel", args: [id] });
        if (signal.aborted) abort();
        else signal.addEventListener("abort", abort, { once: true });
      }
      worker.postMessage(shape ? { id, op, args, shape } : { id, op, args });
    });
  return {
    sample: (opts) => send("sample", [opts]),
    // Streams the file into the engine. Third argument: an onProgress function, or
    // { onProgress({ bytes, total, rows, rowsPerSec, done }), signal } (an AbortSignal cancels).
    load: (file, opts, third) => {
      const { onProgress, signal } = typeof third === "function" ? { onProgress: third } : third ?? {};
      return send("load", [file, opts], onProgress, undefined, signal);
    },
    preview: (file, opts, rows) => send("preview", [file, opts, rows]),
    join: (left, right, opts) => send("join", [left, right, opts]),
    describe: (handle) => send("describe", [handle]),
    call: (handle, method, ...args) => send("call", [handle, method, ...args]),
    /** As call, with the result's layout shaped in the worker (see worker.js: omit, codes). */
    callShaped: (shape, handle, method, ...args) => send("call", [handle, method, ...args], undefined, shape),
    module: (fn, ...args) => send("module", [fn, ...args]),
    free: (handle) => send("free", [handle]),
    ref: (handle) => ({ $handle: handle }),
    onNet(fn) {
      netListeners.add(fn);
      return () => netListeners.delete(fn);
    },
    terminate() {
      worker.terminate();
      const err = Object.assign(new Error("closed"), { name: "WorkerError" });
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    },
  };
}
