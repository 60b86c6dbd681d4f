// The page's side of the worker protocol (see worker.js): promises for replies.
//
//   const hr = connect();
//   const info = await hr.sample({});                 // { handle, rowCount, columns, … }
//   await hr.call(info.handle, "score", "cs-manager-monthly", { period: "2024-12" });
//   hr.call(h, "join", hr.ref(other.handle), {})      // pass another handle as an argument
//   hr.callShaped({ omit: ["ids"], codes: ["band"] }, w, "setWeights", {…})  // big repeated results
//   hr.onNet((entries) => …)                          // the worker's resource loads
//   hr.load(file, opts, (progress) => …)              // progress of long loads, when the worker sends it
//   hr.onRecover(({ error, restored, failed }) => …)  // the engine crashed and was restarted
//
// Crash recovery. When the wasm instance traps (worker.js answers WasmTrap) or
// the worker fails (its `error` event), the call that failed is rejected with
// that error and not retried (it would trap again); the worker is terminated
// and a new one made (from the same URL, or `connect(worker, { create })`);
// then the journal below is replayed in order and `onRecover` listeners hear
// { ok, error, restored: { datasets, handles, files }, failed: [...] }.
// Calls made meanwhile, and calls the dead worker never ran, wait and then go
// to the new worker. Handles keep their numbers: the ones callers see are
// this file's, mapped to the current worker's. At most MAX_RECOVERIES
// restarts within RECOVERY_WINDOW_MS (a trap in the replay itself counts):
// then every call rejects with a RecoveryFailed error that says to reload.
//
// The journal holds what built the worker's state, nothing else: `sample`,
// `load` (the File, Blob or bytes and the options, by reference), `join`,
// calls and module functions that returned handles (whatIf, …), calls of
// methods that change an object (`set*`, `add*`: setRole, addLabels,
// setWeights — whose partial maps merge into one entry per handle) and module
// `set*` functions (setMemoryBudget). `free` drops a handle's entries and
// those of handles built only for it; a freed handle that a live one was
// built from stays in the journal and is freed again after a replay.
//
// `connect(url, { spare: true })` starts a second worker at once and keeps it
// idle: the first restart then needs no network request at all (the page's
// "0 requests since load" stays true); later restarts load worker.js and the
// wasm again from the page's own origin.

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

export const MAX_RECOVERIES = 3;
export const RECOVERY_WINDOW_MS = 60_000;

// Methods that change the object they are called on, and module functions that change a setting.
const MUTATOR = /^(set|add)[A-Z]/;
const SETTING = /^set[A-Z]/;
// Partial updates that merge key by key: one journal entry per handle, the maps merged.
const MERGED = new Set(["setWeights"]);

const isPlain = (v) => v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
const isRef = (v) => isPlain(v) && typeof v.$handle === "number" && Object.keys(v).length === 1;
const isHandleResult = (r) => isPlain(r) && typeof r.handle === "number" && typeof r.type === "string" && Object.keys(r).length === 2;

function named(name, message, messageZh, extra = {}) {
  return Object.assign(new Error(message), { name, messageZh, ...extra });
}

/**
 * `target` is the worker script's URL, or a Worker (anything with postMessage,
 * onmessage, onerror and terminate, e.g. one a bundler created) to talk to.
 * options: create (a function making a new such worker, for crash recovery
 * when `target` is an object), spare (keep a started worker in reserve).
 */
export function connect(target = new URL("./worker.js", import.meta.url), options = {}) {
  const byUrl = typeof target === "string" || target instanceof URL;
  const create = byUrl ? () => new Worker(scriptURL(target), { type: "module" }) : options.create ?? null;
  const maxRecoveries = options.maxRecoveries ?? MAX_RECOVERIES;
  const windowMs = options.recoveryWindowMs ?? RECOVERY_WINDOW_MS;

  const pending = new Map(); // request id → request (sent to `req.worker`, no reply yet)
  const netListeners = new Set();
  const recoverListeners = new Set();
  let next = 1;
  let worker = null;
  let spare = null;
  let answered = false; // the current worker has replied at least once
  let recovering = null; // a promise while a restart runs
  let queued = []; // requests waiting for it
  let fatal = null; // once recovery gave up (or after terminate): every call rejects with it
  const recoveries = []; // times of the restarts in the window

  // Handles: the callers' numbers → the current worker's.
  let nextHandle = 1;
  const toWorker = new Map();
  const types = new Map(); // page handle → "Dataset" | "WhatIf" | …
  const lost = new Map(); // page handle → why it was not restored
  const freed = new Set(); // freed by the caller, still in the journal (a live handle was built from it)
  let journal = []; // { kind: "create" | "mutate" | "setting", op, args, produces, uses, target? }

  // ---- workers ----
  function attach(w) {
    w.onmessage = ({ data }) => onMessage(w, data);
    w.onerror = (e) => onWorkerError(w, e);
    return w;
  }
  worker = attach(byUrl ? create() : target);
  const first = internal(worker, "module", ["version"]).catch(() => undefined);
  // The spare starts once the first worker has its wasm (they would only compete for the cores).
  const ready = first.then(() => {
    if (!options.spare || !create || fatal || recovering) return undefined;
    try {
      spare = attach(create());
    } catch {
      spare = null;
      return undefined;
    }
    return internal(spare, "module", ["version"]).then(
      () => undefined,
      () => dropSpare(),
    );
  });

  function dropSpare() {
    spare?.terminate();
    spare = null;
  }

  function post(w, req, args) {
    req.worker = w;
    pending.set(req.id, req);
    w.postMessage(req.shape ? { id: req.id, op: req.op, args, shape: req.shape } : { id: req.id, op: req.op, args });
  }

  /** A request of this file's own (warm-up, replay): raw worker handles, no journal. */
  function internal(w, op, args) {
    return new Promise((resolve, reject) => post(w, { id: next++, op, args, internal: true, resolve, reject }, args));
  }

  function onMessage(w, data) {
    if (data.net) {
      for (const fn of netListeners) fn(data.net);
      return;
    }
    if (w === worker) answered = true;
    if (data.trap) {
      // A trap outside any request: the instance is gone all the same.
      const err = named("WasmTrap", data.trap.message, data.trap.messageZh, data.trap);
      if (w === spare) dropSpare();
      else if (w === worker) workerFailed(w, err, null);
      return;
    }
    const p = pending.get(data.id);
    if (!p || p.worker !== w) return;
    if (data.progress) {
      p.onProgress?.(data.progress);
      return;
    }
    pending.delete(data.id);
    if (!data.error) {
      if (p.internal) p.resolve(data.result);
      else p.resolve(received(p, data.result));
      return;
    }
    const err = Object.assign(new Error(data.error.message), data.error);
    if (err.name !== "WasmTrap") {
      p.reject(err);
      return;
    }
    if (p.internal) {
      p.reject(Object.assign(err, { trapped: Boolean(data.trapped) }));
      if (w === spare) dropSpare();
      return;
    }
    // This call trapped: reject it. A WasmTrap without `trapped`: the call never ran (retried).
    if (data.trapped) p.reject(err);
    else pending.set(p.id, p);
    if (w === worker) workerFailed(w, err, null);
  }

  function onWorkerError(w, e) {
    const err = named("WorkerError", e?.message || "worker failed", `工作线程出错：${e?.message || "未知错误"}`);
    if (w === spare) {
      dropSpare();
      return;
    }
    if (w !== worker) return;
    if (!answered && !recovering) {
      // The worker never started (a missing script, a refused URL): nothing to recover.
      for (const [id, p] of pending) if (p.worker === w) (pending.delete(id), p.reject(err));
      return;
    }
    // Which call made it fail is unknown: every call it holds fails (retrying one could fail again).
    workerFailed(w, err, err);
  }

  /** The current worker is dead. rejectAll: the error for every call it holds (else they are retried). */
  function workerFailed(w, err, rejectAll) {
    if (recovering) {
      // A replay in progress on this worker: its requests fail, the restart loop decides.
      for (const [id, p] of pending) {
        if (p.worker === w && p.internal) {
          pending.delete(id);
          p.reject(Object.assign(err, { trapped: true }));
        }
      }
      return;
    }
    if (fatal) return;
    for (const [id, p] of pending) {
      if (p.worker !== w) continue;
      pending.delete(id);
      if (p.internal) p.reject(err);
      else if (rejectAll) p.reject(rejectAll);
      else queued.push(p);
    }
    recovering = restart(err).finally(() => {
      recovering = null;
    });
  }

  // ---- recovery ----
  async function restart(error) {
    const failed = [];
    const exclude = new Set();
    for (;;) {
      if (fatal) return undefined; // terminated meanwhile
      const now = Date.now();
      while (recoveries.length && now - recoveries[0] > windowMs) recoveries.shift();
      if (!create && !spare) {
        return giveUp(error, failed, "the worker was passed as an object without a create() option to make another", "传入的工作线程对象没有可重新创建它的 create() 选项");
      }
      if (recoveries.length >= maxRecoveries) {
        return giveUp(error, failed, `it crashed ${recoveries.length + 1} times within ${Math.round(windowMs / 1000)} s`, `${Math.round(windowMs / 1000)} 秒内崩溃了 ${recoveries.length + 1} 次`);
      }
      recoveries.push(now);
      worker?.terminate();
      try {
        worker = spare ?? attach(create());
      } catch (e) {
        worker = null;
        return giveUp(error, failed, `a new worker could not be started (${e.message})`, `无法启动新的工作线程（${e.message}）`);
      }
      spare = null;
      answered = false;
      const outcome = await replay(exclude, failed);
      if (fatal) return undefined;
      if (outcome.ok) break;
      if (outcome.entry) {
        exclude.add(outcome.entry);
        failed.push(describeEntry(outcome.entry, outcome.error));
      }
      error = outcome.error;
    }
    const restored = { datasets: 0, handles: 0, files: 0 };
    for (const h of toWorker.keys()) {
      if (freed.has(h)) continue;
      restored.handles++;
      if (types.get(h) === "Dataset") restored.datasets++;
    }
    for (const e of journal) if (e.op === "load" && toWorker.has(e.produces[0]) && !freed.has(e.produces[0])) restored.files++;
    const waiting = queued.sort((a, b) => a.id - b.id);
    queued = [];
    recovering = null;
    for (const req of waiting) dispatch(req);
    notify({ ok: true, error, restored, failed });
    return undefined;
  }

  /** Rebuild the state in the new worker. { ok } or { ok: false, entry?, error } on a trap. */
  async function replay(exclude, failed) {
    const w = worker;
    try {
      await internal(w, "module", ["version"]);
    } catch (e) {
      return { ok: false, error: e };
    }
    toWorker.clear();
    gc();
    for (const e of journal) {
      if (exclude.has(e)) {
        loseAll(e.produces, "it crashed the engine again when rebuilt", "重建时再次导致引擎崩溃");
        continue;
      }
      const missing = e.uses.find((h) => !toWorker.has(h));
      if (missing !== undefined) {
        if (!e.produces.length && !lost.has(missing)) failed.push(describeEntry(e, lostError(missing)));
        loseAll(e.produces, `it was built from handle ${missing}, which was not restored`, `它依赖的句柄 ${missing} 未能恢复`);
        continue;
      }
      let result;
      try {
        result = await internal(w, e.op, outArgs(e.op, e.args));
      } catch (err) {
        if (err.name === "WasmTrap" || err.name === "WorkerError") return { ok: false, entry: e, error: err };
        failed.push(describeEntry(e, err));
        loseAll(e.produces, err.message, err.messageZh ?? err.message);
        continue;
      }
      const got = producedBy(e.op, result);
      e.produces.forEach((h, i) => {
        if (got[i] !== undefined) toWorker.set(h, got[i]);
        else loseAll([h], "the rebuilt call returned no handle for it", "重建的调用没有返回它");
      });
    }
    // Handles the caller had freed, rebuilt only because others were built from them.
    for (const h of [...toWorker.keys()]) {
      if (!freed.has(h)) continue;
      try {
        await internal(w, "free", [toWorker.get(h)]);
      } catch (err) {
        if (err.name === "WasmTrap" || err.name === "WorkerError") return { ok: false, error: err };
      }
      toWorker.delete(h);
    }
    return { ok: true };
  }

  function giveUp(error, failed, reason, reasonZh) {
    fatal = named(
      "RecoveryFailed",
      `the analysis engine crashed and was not restarted: ${reason}. Reload the page.`,
      `分析引擎崩溃且未能重新启动：${reasonZh}。请重新加载页面。`,
      { cause: error },
    );
    worker?.terminate();
    dropSpare();
    for (const p of pending.values()) p.reject(fatal);
    pending.clear();
    for (const p of queued) p.reject(fatal);
    queued = [];
    notify({ ok: false, error: fatal, cause: error, restored: { datasets: 0, handles: 0, files: 0 }, failed });
  }

  function notify(event) {
    for (const fn of recoverListeners) {
      try {
        fn(event);
      } catch (e) {
        console.error(e); // a listener's bug must not break the connection
      }
    }
  }

  function describeEntry(e, err) {
    const what = e.op === "call" ? e.args[1] : e.op === "module" ? e.args[0] : e.op;
    const out = { op: e.op, what, error: { name: err.name, message: err.message, messageZh: err.messageZh } };
    if (e.op === "call") out.handle = e.args[0];
    if (e.op === "load") out.filename = e.args[1]?.filename ?? e.args[0]?.name ?? null;
    if (e.produces.length) out.handles = [...e.produces];
    return out;
  }

  function loseAll(handles, why, whyZh) {
    for (const h of handles) {
      if (freed.has(h)) continue;
      lost.set(h, { why, whyZh });
    }
  }

  function lostError(h) {
    const l = lost.get(h);
    return named(
      "RecoveryFailed",
      `handle ${h} was lost when the analysis engine restarted: ${l?.why ?? "not restored"}`,
      `分析引擎重新启动时句柄 ${h} 已丢失：${l?.whyZh ?? "未能恢复"}`,
    );
  }

  // ---- the journal ----
  /** Drop entries no live handle needs (one backward pass: a handle is built before its users). */
  function gc() {
    const needed = new Set();
    for (const h of types.keys()) if (!freed.has(h) && !lost.has(h)) needed.add(h);
    const keep = [];
    for (let i = journal.length - 1; i >= 0; i--) {
      const e = journal[i];
      const useful = e.kind === "setting" || e.produces.some((h) => needed.has(h)) || (e.kind === "mutate" && needed.has(e.target));
      if (!useful) continue;
      keep.push(e);
      for (const h of e.uses) needed.add(h);
    }
    journal = keep.reverse();
    for (const h of [...freed]) {
      if (!needed.has(h)) {
        freed.delete(h);
        types.delete(h);
      }
    }
  }

  function record(req, produces) {
    const { op, args } = req;
    if (op === "sample" || op === "load" || op === "join") {
      journal.push({ kind: "create", op, args, produces, uses: op === "join" ? [args[0], args[1]] : [] });
    } else if (op === "call") {
      const [h, method, ...rest] = args;
      const uses = [h, ...refsIn(rest)];
      if (produces.length) journal.push({ kind: "create", op, args, produces, uses });
      else if (MUTATOR.test(method)) {
        if (MERGED.has(method) && rest.length === 1 && isPlain(rest[0])) {
          const prev = journal.find((e) => e.kind === "mutate" && e.target === h && e.args[1] === method);
          if (prev) {
            prev.args = [h, method, { ...prev.args[2], ...rest[0] }];
            return;
          }
        }
        journal.push({ kind: "mutate", op, args, produces, uses, target: h });
      }
    } else if (op === "module") {
      const [fn, ...rest] = args;
      if (produces.length) journal.push({ kind: "create", op, args, produces, uses: refsIn(rest) });
      else if (SETTING.test(fn)) journal.push({ kind: "setting", op, args, produces, uses: refsIn(rest) });
    }
  }

  function refsIn(v, out = [], depth = 0) {
    if (isRef(v)) out.push(v.$handle);
    else if (depth < 4 && (Array.isArray(v) || isPlain(v))) for (const x of Object.values(v)) refsIn(x, out, depth + 1);
    return out;
  }

  // ---- handle translation ----
  function workerHandle(h) {
    if (toWorker.has(h)) return toWorker.get(h);
    if (lost.has(h)) throw lostError(h);
    throw named("ParamError", `unknown handle ${h}`, `未知句柄 ${h}`);
  }

  function deepOut(v, depth = 0) {
    if (isRef(v)) return { $handle: workerHandle(v.$handle) };
    if (depth < 4 && Array.isArray(v)) return v.map((x) => deepOut(x, depth + 1));
    if (depth < 4 && isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepOut(x, depth + 1)]));
    return v;
  }

  function outArgs(op, args) {
    switch (op) {
      case "join":
        return [workerHandle(args[0]), workerHandle(args[1]), ...args.slice(2)];
      case "describe":
      case "free":
        return [workerHandle(args[0]), ...args.slice(1)];
      case "call":
        return [workerHandle(args[0]), args[1], ...args.slice(2).map((x) => deepOut(x))];
      case "module":
        return [args[0], ...args.slice(1).map((x) => deepOut(x))];
      default:
        return args;
    }
  }

  /** The worker handles a result carries, in a fixed order. */
  function producedBy(op, result) {
    if (op === "sample" || op === "load" || op === "join") return [result.handle];
    if (op !== "call" && op !== "module") return [];
    if (isHandleResult(result)) return [result.handle];
    if (isPlain(result)) return Object.values(result).filter(isRef).map((r) => r.$handle);
    return [];
  }

  /** A reply to a caller's request: handles renumbered for the caller, the journal kept. */
  function received(req, result) {
    const { op } = req;
    if (op === "describe") return { ...result, handle: req.args[0] };
    if (op === "free") {
      forget(req.args[0]);
      return result;
    }
    const fresh = (wh, type) => {
      const h = nextHandle++;
      toWorker.set(h, wh);
      types.set(h, type);
      return h;
    };
    const produces = [];
    if (op === "sample" || op === "load" || op === "join") {
      const h = fresh(result.handle, "Dataset");
      produces.push(h);
      result = { ...result, handle: h };
    } else if ((op === "call" || op === "module") && isHandleResult(result)) {
      const h = fresh(result.handle, result.type);
      produces.push(h);
      result = { ...result, handle: h };
    } else if ((op === "call" || op === "module") && isPlain(result)) {
      for (const [k, v] of Object.entries(result)) {
        if (!isRef(v)) continue;
        const h = fresh(v.$handle, "object");
        produces.push(h);
        result[k] = { $handle: h };
      }
    }
    record(req, produces);
    return result;
  }

  function forget(h) {
    if (!types.has(h)) return;
    toWorker.delete(h);
    freed.add(h);
    gc();
  }

  // ---- requests ----
  function dispatch(req) {
    if (fatal) return req.reject(fatal);
    if (recovering) {
      queued.push(req);
      return undefined;
    }
    if (req.signal?.aborted && req.op === "load") {
      return req.reject(named("AbortError", "load cancelled", "已取消加载"));
    }
    if (req.op === "free" && !toWorker.has(req.args[0])) {
      // Unknown, lost or already freed: nothing to release.
      if (types.has(req.args[0]) && !freed.has(req.args[0])) forget(req.args[0]);
      lost.delete(req.args[0]);
      return req.resolve(null);
    }
    let args;
    try {
      args = outArgs(req.op, req.args);
    } catch (e) {
      return req.reject(e);
    }
    post(worker, req, args);
    return undefined;
  }

  // Arguments are copied when sent (postMessage does so anyway): the journal
  // must hold what was sent, whatever the caller changes afterwards.
  function snapshot(op, args) {
    if (op !== "sample" && op !== "load" && op !== "join" && op !== "call" && !(op === "module" && SETTING.test(args[0]))) return args;
    try {
      return structuredClone(args);
    } catch {
      return args;
    }
  }

  const send = (op, args, onProgress, shape, signal) =>
    new Promise((resolve, reject) => {
      const req = { id: next++, op, args: snapshot(op, args), onProgress, shape, signal, resolve, reject };
      if (signal) {
        const abort = () => {
          const p = pending.get(req.id);
          if (p) p.worker.postMessage({ id: next++, op: "cancel", args: [req.id] });
        };
        if (signal.aborted) abort();
        else signal.addEventListener("abort", abort, { once: true });
      }
      dispatch(req);
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
    /** fn({ ok, error, restored: { datasets, handles, files }, failed }) after each restart (ok: false when it gave up). */
    onRecover(fn) {
      recoverListeners.add(fn);
      return () => recoverListeners.delete(fn);
    },
    /** Resolves when the worker (and the spare, if any) has its wasm ready. */
    ready: () => ready,
    /** Resolves when no restart is running. */
    settled: () => recovering ?? Promise.resolve(),
    terminate() {
      const err = named("WorkerError", "closed", "已关闭");
      fatal = err;
      worker?.terminate();
      dropSpare();
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      for (const p of queued) p.reject(err);
      queued = [];
    },
  };
}
