// Crash recovery with the real worker (worker.js in a worker_threads thread,
// as the npm package's `hrlens/worker` runs it in Node): the wasm instance
// traps (debugTrap), the call rejects with WasmTrap, the worker is replaced,
// the journal (sample, a CSV, a what-if with its weights, a role, the memory
// budget) is replayed, and the handles the caller holds give the same
// results as before. Then the cases that cannot recover: a worker without a
// way to make another, and traps in the replay itself (the cap).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { sampleCsv } from "./fixtures.mjs";

const pkgDir = new URL("../../pkg/", import.meta.url);
const { createHrlens, wrap } = await import(new URL("remote-node.js", pkgDir));
const { connect } = await import(new URL("rpc.js", pkgDir));
const WORKER = new URL("worker-node.js", pkgDir);

/** rpc.js's Worker surface over a thread; `rewrite(message, n)` may change the n-th message (fault injection). */
function nodePort(w, rewrite = (m) => m) {
  let n = 0;
  return {
    postMessage: (m, transfer) => w.postMessage(rewrite(m, ++n), transfer),
    terminate: () => w.terminate(),
    set onmessage(f) {
      w.on("message", (data) => f({ data }));
    },
    set onerror(f) {
      w.on("error", (e) => f(e));
    },
  };
}
const trapInstead = (m) => ({ id: m.id, op: "module", args: ["debugTrap"] });

function nextRecovery(hr) {
  return new Promise((resolve) => {
    const off = hr.onRecover((e) => {
      off();
      resolve(e);
    });
  });
}

const CARD = "cs-manager-monthly";

test("a trap: the call rejects with WasmTrap, the worker is replaced and every handle works as before", async () => {
  const hr = await createHrlens();
  try {
    const events = [];
    hr.onRecover((e) => events.push(e));
    const sample = await hr.sample({ employees: 120, months: 6, seed: 3 });
    const csv = await hr.load(await sampleCsv({ employees: 80, months: 12, seed: 5 }), { filename: "考核.csv" });
    await hr.setMemoryBudget(512 * 1024 * 1024);
    await csv.setRole("区域", "department");
    const w = await csv.whatIf(CARD, { period: "2023-12" });
    await w.setWeights({ 服务质量: 10 });
    await w.setWeights({ 客户反馈: 70, "服务质量/客户满意度": 5 }); // merged with the first in the journal
    const conn = hr.connection;
    const before = {
      sample: await conn.describe(sample.handle),
      csv: await conn.describe(csv.handle),
      scores: await w.scores(),
      weights: await w.weights(),
      sensitivity: await w.sensitivity(),
      score: await csv.score(CARD, { period: "2023-12" }),
    };
    assert.equal(before.weights["服务质量"], 10);

    const recovered = nextRecovery(hr);
    const trap = hr.debugTrap();
    // Made while the engine restarts: waits, then runs on the new worker.
    const during = csv.stats("客户满意度");
    await assert.rejects(trap, (e) => {
      assert.equal(e.name, "WasmTrap");
      assert.equal(e.during, "debugTrap");
      assert.match(e.message, /crashed while running debugTrap/);
      assert.match(e.messageZh, /分析引擎崩溃/);
      return true;
    });
    const ev = await recovered;
    assert.equal(ev.ok, true);
    assert.equal(ev.error.name, "WasmTrap");
    assert.deepEqual(ev.restored, { handles: 3, datasets: 2, files: 1 });
    assert.deepEqual(ev.failed, []);
    assert.equal((await during).column, "客户满意度");

    // The same handles, the same answers.
    assert.deepEqual(await conn.describe(sample.handle), before.sample);
    assert.deepEqual(await conn.describe(csv.handle), before.csv);
    assert.equal(before.csv.columns.find((c) => c.name === "区域").role, "department", "setRole was replayed");
    assert.deepEqual(await w.weights(), before.weights, "the what-if keeps its weights");
    assert.deepEqual(await w.scores(), before.scores);
    assert.deepEqual(await w.sensitivity(), before.sensitivity);
    assert.deepEqual(await csv.score(CARD, { period: "2023-12" }), before.score);
    assert.equal(await hr.memoryBudget(), 512 * 1024 * 1024, "module settings are replayed");
    // Still live: new work, and a second crash recovers too.
    const moved = await w.setWeights({ 服务质量: 60 });
    assert.ok(Array.isArray(moved.moved));
    assert.equal(events.length, 1);
  } finally {
    hr.terminate();
  }
});

test("freed handles stay out of the replay, unless a live one was built from them", async () => {
  const hr = await createHrlens();
  try {
    const gone = await hr.sample({ employees: 30, months: 2, seed: 1 });
    const base = await hr.sample({ employees: 60, months: 6, seed: 2 });
    const w = await base.whatIf(CARD);
    await w.setWeights({ 团队管理: 80 });
    const expected = await w.scores();
    await gone.free();
    await base.free(); // the what-if was built from it: rebuilt, then freed again
    const recovered = nextRecovery(hr);
    await assert.rejects(hr.debugTrap(), { name: "WasmTrap" });
    const ev = await recovered;
    assert.deepEqual(ev.restored, { handles: 1, datasets: 0, files: 0 });
    assert.deepEqual(await w.scores(), expected);
    assert.equal((await w.weights())["团队管理"], 80);
    await assert.rejects(base.columns(), /unknown handle/, "a freed handle stays freed");
    await assert.rejects(gone.columns(), /unknown handle/);
  } finally {
    hr.terminate();
  }
});

test("a trap while an entry is replayed: that entry is left out and reported, the rest restored", async () => {
  // New threads trap when asked to rebuild the sample (fault injection at the transport).
  const create = () => nodePort(new Worker(WORKER), (m) => (m.op === "sample" ? trapInstead(m) : m));
  const hr = wrap(connect(nodePort(new Worker(WORKER)), { create }), { sendBytes: true });
  try {
    const sample = await hr.sample({ employees: 40, months: 3, seed: 4 });
    const csv = await hr.load(await sampleCsv({ employees: 40, months: 3, seed: 6 }), { filename: "b.csv" });
    const w = await sample.whatIf(CARD); // built on the sample: lost with it
    const cols = await csv.columns();
    const recovered = nextRecovery(hr);
    await assert.rejects(hr.debugTrap(), { name: "WasmTrap" });
    const ev = await recovered;
    assert.equal(ev.ok, true);
    assert.deepEqual(ev.restored, { handles: 1, datasets: 1, files: 1 });
    assert.equal(ev.failed.length, 1);
    assert.equal(ev.failed[0].op, "sample");
    assert.equal(ev.failed[0].error.name, "WasmTrap");
    assert.deepEqual(await csv.columns(), cols);
    await assert.rejects(sample.columns(), (e) => e.name === "RecoveryFailed" && /lost when the analysis engine restarted/.test(e.message));
    await assert.rejects(w.scores(), (e) => e.name === "RecoveryFailed" && /handle .* not restored/.test(e.message));
  } finally {
    hr.terminate();
  }
});

test("recovery cap: traps in the replay itself give up with a clear error", async () => {
  // Every new thread starts, then traps on whatever it is asked to rebuild.
  let made = 0;
  const create = () => {
    made++;
    return nodePort(new Worker(WORKER), (m, n) => (n > 1 ? trapInstead(m) : m));
  };
  const hr = wrap(connect(nodePort(new Worker(WORKER)), { create }), { sendBytes: true });
  try {
    // Four datasets: each restart leaves out the entry that trapped, the cap (3) comes first.
    const ds = await hr.sample({ employees: 30, months: 3, seed: 8 });
    await hr.sample({ employees: 20, months: 3, seed: 9 });
    await hr.load(await sampleCsv({ employees: 30, months: 3, seed: 9 }), { filename: "c.csv" });
    await hr.load(await sampleCsv({ employees: 20, months: 3, seed: 10 }), { filename: "d.csv" });
    const w = await ds.whatIf(CARD);
    await w.setWeights({ 服务质量: 1 });
    const recovered = nextRecovery(hr);
    await assert.rejects(hr.debugTrap(), { name: "WasmTrap" });
    const ev = await recovered;
    assert.equal(ev.ok, false);
    assert.equal(ev.error.name, "RecoveryFailed");
    assert.match(ev.error.message, /crashed 4 times within 60 s.*Reload the page/);
    assert.match(ev.error.messageZh, /请重新加载页面/);
    assert.equal(ev.cause.name, "WasmTrap");
    assert.equal(made, 3, "three restarts, then it stopped");
    assert.deepEqual(ev.failed.map((f) => f.op), ["sample", "sample", "load"], "each trapping entry left out in turn");
    assert.ok(ev.failed.every((f) => f.error.name === "WasmTrap"));
    await assert.rejects(ds.columns(), { name: "RecoveryFailed" });
    await assert.rejects(hr.version(), { name: "RecoveryFailed" });
  } finally {
    hr.terminate();
  }
});

test("a Worker passed without create(): a trap cannot be recovered from, and every call says so", async () => {
  const hr = wrap(connect(nodePort(new Worker(WORKER))), { sendBytes: true });
  try {
    const ds = await hr.sample({ employees: 20, months: 2, seed: 1 });
    const recovered = nextRecovery(hr);
    const trap = hr.debugTrap();
    const pendingCall = ds.columns();
    await assert.rejects(trap, { name: "WasmTrap" });
    const ev = await recovered;
    assert.equal(ev.ok, false);
    assert.match(ev.error.message, /without a create\(\) option/);
    await assert.rejects(pendingCall, { name: "RecoveryFailed" });
    await assert.rejects(ds.columns(), { name: "RecoveryFailed" });
  } finally {
    hr.terminate();
  }
});
