// hrlens in a Web Worker, behind promises: the npm package's `hrlens/worker`.
//
//   import { createHrlens } from "hrlens/worker";
//   const hr = await createHrlens();                 // spawns the worker; wasm loads there
//   const ds = await hr.load(file);                  // or hr.sample({ employees: 500 })
//   ds.rowCount;                                     // known at once
//   const scores = await ds.score("cs-manager-monthly");
//   const w = await ds.whatIf("cs-manager-monthly"); // a remote WhatIf
//   const moved = await w.setWeights({ 服务质量: 50 });
//   await w.free(); await ds.free(); hr.terminate();
//   hr.onRecover(({ restored, failed }) => …);       // the engine crashed; remote objects still work
//
// It mirrors the Dataset / WhatIf API: every method of the wasm class is a
// method here returning a promise; results that are wasm objects come back as
// remote objects of their own. Errors are rejected with the same `name`,
// `message`, `messageZh`, `file`, `line` and `column` as the wasm API throws.
// The protocol is the page's own (worker.js + rpc.js), so page and package
// share one worker.
import { connect } from "./rpc.js";

const registry = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry(({ conn, handle }) => conn.free(handle).catch(() => {}))
  : null;

// A result that stands for a wasm object in the worker (see worker.js `handleOf`).
function isHandle(r) {
  return r !== null && typeof r === "object" && typeof r.handle === "number" && typeof r.type === "string"
    && Object.keys(r).length === 2;
}

function remote(conn, handle, type, known = {}) {
  let freed = false;
  const target = {
    handle,
    type,
    ...known,
    free() {
      if (freed) return Promise.resolve();
      freed = true;
      registry?.unregister(target);
      return conn.free(handle);
    },
  };
  const proxy = new Proxy(target, {
    get(t, prop) {
      if (typeof prop === "symbol" || prop in t) return t[prop];
      if (prop === "then") return undefined; // not a thenable: `await ds` gives ds
      return (...args) => conn.call(handle, prop, ...args).then((r) => lift(conn, r));
    },
  });
  registry?.register(proxy, { conn, handle }, target);
  return proxy;
}

function lift(conn, r) {
  return isHandle(r) ? remote(conn, r.handle, r.type) : r;
}

function dataset(conn, info) {
  const { handle, ...rest } = info;
  return remote(conn, handle, "Dataset", { rowCount: info.rowCount, info: rest });
}

/**
 * Wrap a connection (rpc.js `connect()`) in the promise API.
 * @param {ReturnType<typeof connect>} conn
 */
export function wrap(conn, { sendBytes = false } = {}) {
  const api = {
    /** The built-in sample panel, as a remote Dataset. */
    sample: (opts) => conn.sample(opts).then((info) => dataset(conn, info)),
    /** Load a File, Blob or bytes; `opts.filename` names bytes. */
    async load(data, opts = {}) {
      let payload = data;
      if (sendBytes && typeof data?.arrayBuffer === "function") payload = new Uint8Array(await data.arrayBuffer());
      const filename = opts.filename ?? (typeof data?.name === "string" ? data.name : undefined);
      return dataset(conn, await conn.load(payload, { ...opts, ...(filename ? { filename } : {}) }));
    },
    /** Stop the worker; every remote object becomes unusable. */
    terminate: () => conn.terminate(),
    /**
     * fn({ ok, error, restored, failed }) when the engine crashed and its worker was
     * replaced (remote objects stay valid), or could not be (ok: false). See rpc.js.
     */
    onRecover: (fn) => conn.onRecover(fn),
    /** The raw connection (rpc.js), for what the wrapper does not cover. */
    connection: conn,
  };
  // Every module function of hrlens (version, ahpWeights, exportCsv, exportXlsx, …).
  return new Proxy(api, {
    get(t, prop) {
      if (typeof prop === "symbol" || prop in t) return t[prop];
      if (prop === "then") return undefined;
      return (...args) => conn.module(prop, ...args).then((r) => lift(conn, r));
    },
  });
}

/**
 * Spawn the worker and connect to it.
 * @param {{ worker?: Worker | URL | string, create?: () => Worker }} [opts] a Worker you
 *   created (e.g. with your bundler's worker syntax) or the URL of worker.js; by default
 *   the package's own. With a Worker, `create` makes another one after a crash
 *   (without it a crash cannot be recovered from).
 */
export async function createHrlens(opts = {}) {
  // A URL goes through rpc.js, which makes it a TrustedScriptURL where the
  // host enforces Trusted Types (policy "hrlens": only the package's own worker).
  const worker = opts.worker ?? new URL("./worker.js", import.meta.url);
  const hr = wrap(connect(worker, { create: opts.create }));
  await hr.version(); // the wasm is instantiated: later calls do not wait for it
  return hr;
}
