// The analysis API of the npm package in Node: score, what-if, weights,
// trend, alerts and the org tree, checked against the contract in DESIGN.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const pkgDir = new URL("../../pkg/", import.meta.url);
const hr = await import(new URL("hrlens.js", pkgDir));
await hr.default({ module_or_path: await readFile(new URL("hrlens_bg.wasm", pkgDir)) });
const { Dataset, ahpWeights, rankCorrelation, scorecardTemplates } = hr;

const ds = Dataset.sample({ employees: 400, months: 24, seed: 42 });
const card = scorecardTemplates().find((t) => t.id === "cs-manager-monthly").card;

function competitionRanks(total) {
  return Array.from(total, (x) => 1 + Array.from(total).filter((y) => y > x).length);
}

test("score: totals in 0..100, competition ranks, threshold bands, typed arrays", () => {
  const s = ds.score("cs-manager-monthly", { period: "2024-12" });
  assert.ok(s.total instanceof Float64Array);
  assert.ok(s.rank instanceof Uint32Array);
  assert.ok(s.ids.length > 10, "the sample has customer-service managers to score");
  assert.equal(s.total.length, s.ids.length);
  for (const x of s.total) assert.ok(x >= 0 && x <= 100, `total ${x}`);
  assert.deepEqual(Array.from(s.rank), competitionRanks(s.total));
  const mins = card.bands.thresholds.map((b) => [b.label, b.min]).sort((a, b) => b[1] - a[1]);
  s.band.forEach((b, i) => assert.equal(b, mins.find(([, min]) => min <= s.total[i])[0]));
  assert.deepEqual(Object.keys(s.dimensions), card.dimensions.map((d) => d.name));
  const counted = s.bandCounts.reduce((n, b) => n + b.count, 0);
  assert.equal(counted, s.ids.length);
  assert.equal(s.period, "2024-12");
});

test("score: a bad card is a ParamError in both languages", () => {
  assert.throws(() => ds.score({ name: "x", dimensions: [] }), (e) => {
    assert.equal(e.name, "ParamError");
    assert.match(e.message, /no dimensions/);
    assert.match(e.messageZh, /维度/);
    return true;
  });
  const bad = structuredClone(card);
  bad.dimensions[0].indicators[0].column = "不存在的列";
  assert.throws(() => ds.score(bad), { name: "ParamError", message: /不存在的列/ });
});

test("whatIf: setWeights equals scoring the re-weighted card, and says who moved and why", () => {
  const w = ds.whatIf("cs-manager-monthly", { period: "2024-12" });
  const before = w.scores();
  const dim = card.dimensions[0].name;
  const r = w.setWeights({ [dim]: 5 });
  const changed = structuredClone(card);
  changed.dimensions[0].weight = 5;
  const direct = ds.score(changed, { period: "2024-12" });
  assert.deepEqual(r.ids, direct.ids);
  r.total.forEach((x, i) => assert.ok(Math.abs(x - direct.total[i]) < 1e-9));
  assert.deepEqual(Array.from(r.rank), Array.from(direct.rank));
  assert.deepEqual(r.band, direct.band);
  for (const m of r.moved) {
    const i = r.ids.indexOf(m.id);
    assert.equal(m.toRank, r.rank[i]);
    assert.equal(m.fromRank, before.rank[before.ids.indexOf(m.id)]);
    assert.ok(m.fromRank !== m.toRank || m.fromBand !== m.toBand);
    // why: per-dimension contribution change, which sums to the total's change.
    const delta = r.total[i] - before.total[before.ids.indexOf(m.id)];
    assert.ok(Math.abs(m.why.reduce((a, b) => a + b, 0) - delta) < 1e-6);
  }
  assert.equal(r.rankChanges >= r.moved.filter((m) => m.fromRank !== m.toRank).length, true);
  assert.throws(() => w.setWeights({ nope: 3 }), { name: "ParamError" });
});

test("sensitivity: inside the stable interval nobody changes band", () => {
  const w = ds.whatIf("cs-manager-monthly", { period: "2024-12" });
  const base = w.scores().band;
  const [s] = w.sensitivity();
  assert.ok(s.stableMin <= s.weight && s.weight <= s.stableMax);
  const inside = s.weight + 0.9 * (s.stableMax - s.weight);
  assert.deepEqual(w.setWeights({ [s.name]: inside }).band, base);
});

test("weights: AHP (Saaty's example), rank correlation", () => {
  const r = ahpWeights([
    [1, 3, 5],
    [1 / 3, 1, 3],
    [1 / 5, 1 / 3, 1],
  ]);
  assert.ok(Math.abs(r.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(r.weights[0] > r.weights[1] && r.weights[1] > r.weights[2]);
  assert.ok(r.cr < 0.1 && r.lambdaMax > 3);
  assert.throws(() => ahpWeights([[1, 2], [2, 1]]), { name: "ParamError" });
  const c = rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40]);
  assert.equal(c.spearman, 1);
  assert.equal(c.kendall, 1);
  const e = ds.entropyWeights(["客户满意度", "质检得分"]);
  assert.equal(e.length, 2);
  assert.ok(Math.abs(e[0] + e[1] - 1) < 1e-12);
});

test("trend: one series per department, YYYY-MM periods, MoM from the values", () => {
  const series = ds.trend({ metric: "客户满意度", by: "部门" });
  const depts = new Set(ds.column("部门").filter((d) => d !== ""));
  assert.equal(series.length, depts.size);
  const s = series[0];
  assert.equal(s.periods.length, 24);
  assert.equal(s.periods[0], "2023-01");
  assert.ok(s.values instanceof Float64Array);
  for (let i = 1; i < 24; i++) {
    const expected = s.values[i] / s.values[i - 1] - 1;
    assert.ok(Math.abs(s.mom[i] - expected) < 1e-12);
  }
  assert.ok(Number.isNaN(s.mom[0]));
  assert.ok(Number.isNaN(s.movingAvg[1]) && !Number.isNaN(s.movingAvg[2]));
  assert.equal(s.forecast.points[0].period, "2025-01");
  assert.throws(() => ds.trend({ metric: "nope" }), { name: "ParamError" });
});

test("alerts: bilingual messages, rule and threshold, explanations", () => {
  const alerts = ds.alerts([{ metric: "客户满意度", by: "团队", consecutiveDeclines: 3 }]);
  assert.ok(alerts.length > 0, "the sample has declining teams");
  for (const a of alerts) {
    assert.equal(a.rule, "consecutiveDeclines");
    assert.equal(typeof a.message, "string");
    assert.match(a.messageZh, /连续 \d+ 个月下降/);
    assert.match(a.period, /^\d{4}-\d{2}$/);
  }
  const explained = alerts.find((a) => a.explanation);
  assert.ok(explained.explanation.contributors.length > 0);
});

test("orgTree: the sample's company tree, no problems", () => {
  const o = ds.orgTree();
  assert.equal(o.kind, "people");
  assert.equal(o.nodes.length, 400);
  const roots = o.nodes.filter((n) => n.parent === null);
  assert.equal(roots.length, 1);
  assert.equal(roots[0].headcount, 400);
  assert.deepEqual(o.problems, []);
  assert.equal(o.maxDepth, 4);
});
