// Unit tests of the page's pure helpers (no browser needed): table ordering,
// display formatting, and the engine's groupMeans the radar relies on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { sortRows } from "../../www/ui/table.js";
import { pct, signed, month, share } from "../../www/ui/format.js";

// Ties keep the order rows were given in (a stable sort of positions).
function reference(rows, key, dir) {
  const miss = (v) => v === null || v === undefined || v === "" || Number.isNaN(v);
  const pos = Array.from(rows, (_, p) => p).sort((a, b) => {
    const x = key(rows[a]);
    const y = key(rows[b]);
    if (miss(x) || miss(y)) return miss(x) === miss(y) ? a - b : miss(x) ? 1 : -1;
    return x < y ? -dir : x > y ? dir : a - b;
  });
  return pos.map((p) => rows[p]);
}

test("sortRows: stable, missing last both ways, equal to a plain comparison sort", () => {
  const rows = Uint32Array.from([0, 1, 2, 3, 4, 5, 6]);
  const v = [3, 1, NaN, 2, 1, 10, -4];
  assert.deepEqual(Array.from(sortRows(rows, (i) => v[i], 1)), [6, 1, 4, 3, 0, 5, 2]);
  assert.deepEqual(Array.from(sortRows(rows, (i) => v[i], -1)), [5, 0, 3, 1, 4, 6, 2]);
  const s = ["b", "a", "", "c", "a", "d", null];
  assert.deepEqual(Array.from(sortRows(rows, (i) => s[i], 1)), [1, 4, 0, 3, 5, 2, 6]);
  // Seeded pseudo-random cases through both numeric paths (small integers → counting, else radix).
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let t = 0; t < 300; t++) {
    const n = 1 + Math.floor(rnd() * 200);
    // rows in a shuffled order: the result must follow the keys, ties keeping the given order.
    const r = Uint32Array.from(Array.from({ length: n }, (_, i) => [rnd(), i]).sort((a, b) => a[0] - b[0]), (x) => x[1]);
    const kind = t % 3;
    const k = Array.from({ length: n }, () => (rnd() < 0.1 ? NaN : kind === 0 ? Math.floor(rnd() * 20) - 10 : kind === 1 ? (rnd() - 0.5) * 1e9 : rnd() < 0.3 ? -0 : rnd() * 1e-300));
    for (const d of [1, -1]) {
      assert.deepEqual(Array.from(sortRows(r, (i) => k[i], d)), reference(r, (i) => k[i], d), `case ${t} dir ${d}`);
      assert.deepEqual(Array.from(sortRows(r, (i) => k[i], d, Float64Array.from(r, (i) => k[i]))), reference(r, (i) => k[i], d));
    }
  }
});

test("format: signs, months, shares", () => {
  assert.equal(signed(-0.0001, "en", 3), "0");
  assert.equal(signed(1.5, "en"), "+1.5");
  assert.equal(signed(-1.5, "zh"), "-1.5");
  assert.equal(pct(0.05, "en"), "+5.0%");
  assert.equal(pct(0, "en"), "0.0%");
  assert.equal(pct(NaN, "en"), "—");
  assert.equal(month("2024-03", "zh"), "2024年3月");
  assert.equal(month("2024-03", "en"), "2024-03");
  assert.equal(share(0.2, "en"), "20%");
});

test("groupMeans (the radar's team average) comes from the engine", async () => {
  const dir = new URL("../../pkg/", import.meta.url);
  const hr = await import(new URL("hrlens.js", dir));
  await hr.default({ module_or_path: await readFile(new URL("hrlens_bg.wasm", dir)) });
  const g = hr.groupMeans(new Float64Array([1, 2, NaN, 6]), new Uint32Array([1, 0, 0, 1]));
  assert.deepEqual(Array.from(g.means), [2, 3.5]);
  assert.deepEqual(Array.from(g.counts), [1, 2]);
  assert.throws(() => hr.groupMeans(new Float64Array([1]), new Uint32Array([3])), { name: "ParamError" });
});
