// Smoke test of the benchmark harness (bench/), so it cannot rot between
// `make bench` runs: the real bench page in headless Chromium runs one tiny
// size of every benchmark, and hrlens and each peer must agree (rows read,
// top ids and band counts, monthly means, MA3, MoM and alert counts,
// k-means inertia). No timing is asserted. The peers are bench/package.json's,
// installed by `make bench`; without them this prints SKIPPED and passes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync, statSync } from "node:fs";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser } from "./browser.mjs";

const bench = new URL("../../bench/", import.meta.url);
const installed = existsSync(new URL("node_modules/.installed", bench));
const smoke = new URL("data/smoke/", bench);
let server, browser, page;

// Seeded tiny tables with the columns of `hrlens bench-data`: 工号, 部门, 职级, 月份,
// f01…f16 around 8 centres, k01…k12 with department drifts.
function table(employees, months, features, kpis, seed) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centres = [...Array(8)].map(() => [...Array(features)].map(() => 10 * normal()));
  const depts = [...Array(12)].map((_, i) => `${["华东", "华北", "华南"][i % 3]}${Math.floor(i / 3) + 1}部`);
  const drift = depts.map(() => [...Array(months)].map((_, m) => m * normal() * 0.8 + normal()));
  const head = ["工号", "部门", "职级", "月份",
    ...[...Array(features)].map((_, j) => `f${String(j + 1).padStart(2, "0")}`),
    ...[...Array(kpis)].map((_, j) => `k${String(j + 1).padStart(2, "0")}`)];
  const lines = [head.join(",")];
  for (let e = 0; e < employees; e++) {
    const d = Math.floor(rand() * depts.length);
    const c = centres[Math.floor(rand() * 8)];
    const own = [...Array(kpis)].map(() => 70 + 8 * normal());
    for (let m = 0; m < months; m++) {
      const f = c.map((x) => (x + 2 * normal()).toFixed(2));
      const k = own.map((b) => Math.min(100, Math.max(0, b + drift[d][m] + 6 * normal())).toFixed(1));
      lines.push([`E${String(e + 1).padStart(5, "0")}`, depts[d], 1 + (e % 8), `2023-${String(m + 1).padStart(2, "0")}`, ...f, ...k].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

before(async () => {
  if (!installed) return;
  // The peers' bundle, as bench/run.mjs makes it.
  const vendor = new URL("vendor/peers.js", bench);
  if (!existsSync(vendor) || statSync(vendor).mtimeMs < statSync(new URL("peers.js", bench)).mtimeMs) {
    execFileSync(new URL("node_modules/.bin/esbuild", bench).pathname,
      ["peers.js", "--bundle", "--format=esm", "--platform=browser", "--log-level=warning", "--outfile=vendor/peers.js"],
      { cwd: bench.pathname });
  }
  mkdirSync(smoke, { recursive: true });
  writeFileSync(new URL("features.csv", smoke), table(250, 4, 16, 0, 1));
  writeFileSync(new URL("score.csv", smoke), table(1500, 1, 0, 12, 2));
  writeFileSync(new URL("trend.csv", smoke), table(300, 12, 0, 12, 3));
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser();
  page = await browser.context.newPage();
  browser.watch(page);
  await page.goto(`${server.url}/bench/index.html`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

test("the bench page runs every benchmark on tiny data and the sides agree", { timeout: 120_000 }, async (t) => {
  if (!installed) {
    console.log("SKIPPED: bench/node_modules not installed (make bench installs the peers)");
    t.skip("bench peers not installed");
    return;
  }
  const url = (f) => `/bench/data/smoke/${f}`;
  const features = [...Array(16).keys()].map((j) => `f${String(j + 1).padStart(2, "0")}`);
  const plan = {
    ingest: [{ label: "smoke", url: url("features.csv"), reps: 1 }],
    kmeans: { label: "smoke", url: url("features.csv"), features, k: 8, maxIter: 300, tol: 0, reps: 1 },
    segment: [{ label: "smoke", url: url("features.csv"), features, k: "auto" }],
    score: { label: "smoke", url: url("score.csv"), reps: 3 },
    trend: { label: "smoke", url: url("trend.csv"), reps: 1 },
  };
  const { results, checks } = await page.evaluate((p) => window.runBench(p), plan);
  const failed = results.filter((r) => r.error);
  assert.deepEqual(failed.map((r) => `${r.bench} / ${r.who}: ${r.error}`), []);
  // Only the APIs that other branches are still building may be missing.
  for (const r of results.filter((q) => q.notMeasured)) {
    assert.match(r.notMeasured, /ds\.segment|kmeans-pool/, `${r.bench} / ${r.who}`);
  }
  const who = (b) => results.filter((r) => r.bench.startsWith(b) && !r.notMeasured).map((r) => r.who);
  assert.deepEqual(who("CSV ingest"), ["hrlens", "DuckDB-Wasm read_csv", "PapaParse (header + dynamicTyping)", "PapaParse (string arrays)"]);
  assert.ok(who("what-if").includes("DuckDB-Wasm SQL") && who("what-if").includes("Arquero"));
  assert.ok(who("monthly trend").includes("DuckDB-Wasm window queries") && who("monthly trend").includes("Arquero"));
  const seg = results.find((r) => r.bench === "segment smoke");
  assert.ok(seg && seg.info.k >= 2 && seg.info.rows > 0, JSON.stringify(seg));
  assert.ok(who("k-means").includes("ml-kmeans") && who("k-means").includes("hrlens k-means (1 worker)"), who("k-means").join(", "));
  assert.deepEqual(checks.filter((c) => !c.ok).map((c) => `${c.bench}: ${c.what}: ${c.detail}`), []);
  // Ingest row counts, what-if top ids + bands against two peers, trend cells + alerts against two peers.
  assert.ok(checks.length >= 1 + 4 + 4, `${checks.length} checks`);
  const alerts = results.find((r) => r.who === "hrlens trend + alerts").info.alerts;
  assert.ok(alerts.below + alerts.dropPct + alerts.consecutiveDeclines > 0, "the trend data fires some alerts");
  assert.ok(results.every((r) => r.notMeasured || r.times.every((ms) => ms >= 0)));
});
