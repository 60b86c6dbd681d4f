// End-to-end: the Segments panel rendering a result in the DESIGN.md contract's
// shape (ds.segment / ds.tier answered by a fixture in front of the real
// worker, tests/e2e/fixtures/segments-mock.js) — the map, the k-scan, profile
// cards, the strategy table, tiers and members within the shared selection.
// When the engine's ds.segment lands, e2e-panels.test.mjs runs the real one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser, isLocal } from "./browser.mjs";

let server, browser, page;
const shots = new URL("../../test-results/", import.meta.url);

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser({ locale: "zh-CN", viewport: { width: 1360, height: 900 } });
  page = await browser.context.newPage();
  browser.watch(page);
  await page.goto(`${server.url}/tests/e2e/fixtures/segments-mock.html`);
  await page.waitForSelector('#seg-map[data-ready="true"]', { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

test("the panel asks the engine with the chosen features and k", async () => {
  const calls = (await page.evaluate(() => window.__segmentCalls)).filter((c) => c.method === "segment");
  assert.equal(calls[0].method, "segment");
  assert.deepEqual(calls[0].opts.features, ["登录次数", "考勤模块", "薪酬模块", "培训模块", "绩效模块", "满意度"]);
  assert.equal(calls[0].opts.k, "auto");
  assert.equal(calls[0].opts.scaling, "zscore");
  // Manual k: 3, one feature fewer.
  await page.uncheck('#seg-features input[data-feature="满意度"]');
  await page.selectOption("#seg-kmode", "manual");
  await page.fill("#seg-k", "3");
  await page.click("#seg-run");
  await page.waitForFunction(() => window.__segmentCalls.filter((c) => c.method === "segment").length === 2);
  const last = (await page.evaluate(() => window.__segmentCalls)).filter((c) => c.method === "segment")[1];
  assert.equal(last.opts.k, 3);
  assert.ok(!last.opts.features.includes("满意度"));
});

test("quality, map, k-scan and profile cards show the result", async () => {
  await page.waitForSelector('#seg-map[data-ready="true"]');
  assert.match(await page.textContent("#seg-quality"), /k = 4 · 轮廓系数 0\.41 · Calinski–Harabasz 812\.3 · Davies–Bouldin 0\.93/);
  assert.ok(await page.$('#seg-scan-card .chart[data-ready="true"]'));
  const cards = await page.$$eval("#seg-profiles .profile-name", (p) => p.map((x) => x.textContent));
  assert.deepEqual(cards, ["分群 1 · 高频使用·低满意度", "分群 2 · 偶尔使用", "分群 3 · 以薪酬模块为主", "分群 4 · 深度用户"]);
  assert.match(await page.textContent("#seg-profiles .profile >> nth=0"), /登录次数 [-−]\d/);
  assert.match(await page.textContent("#kscan-note"), /k = 4 的轮廓系数/);
});

test("the strategy table is pre-filled by the engine's ds.strategy and editable", async () => {
  const call = (await page.evaluate(() => window.__segmentCalls)).findLast((c) => c.method === "strategy");
  assert.equal(call.opts.names.length, 4);
  assert.equal(await page.inputValue("#strategy tbody tr >> nth=0 >> textarea >> nth=0"), "更快的答复");
  assert.match(await page.textContent("#strategy tbody tr >> nth=0"), /σ/);
  await page.fill("#strategy tbody tr >> nth=1 >> textarea >> nth=1", "每月一次培训");
  assert.equal(await page.inputValue("#strategy tbody tr >> nth=1 >> textarea >> nth=1"), "每月一次培训");
  // The edit is part of the settings a scenario or workspace would save.
  const saved = await page.evaluate(() => window.hrlens.snapshot().panels.segments.strategy[1].strategy);
  assert.equal(saved, "每月一次培训");
  // A language switch shows the engine's English suggestions, keeps the user's edit.
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("#strategy tbody tr textarea").value === "faster answers");
  assert.equal(await page.inputValue("#strategy tbody tr >> nth=1 >> textarea >> nth=1"), "每月一次培训");
  await page.click("#lang");
});

test("satisfaction by segment comes from ds.surveyBySegment", async () => {
  await page.waitForSelector('#survey-card .chart[data-ready="true"]');
  const call = (await page.evaluate(() => window.__segmentCalls)).findLast((c) => c.method === "surveyBySegment");
  assert.equal(call.opts.column, "满意度");
  assert.ok(call.opts.segments, "the segment labels go with it");
});

test("the segments become a data column", async () => {
  await page.click("#seg-add-column");
  await page.waitForSelector(".toast");
  const call = (await page.evaluate(() => window.__segmentCalls)).findLast((c) => c.method === "addLabels");
  assert.equal(call.opts, "分群");
  assert.equal(call.more[1].replace, true);
});

test("members of a segment follow the shared selection (the month)", async () => {
  await page.click('#seg-profiles .profile[data-segment="0"]');
  await page.waitForSelector("#seg-members .vt-data");
  assert.match(await page.textContent("#members-note"), /分群 1 · 高频使用·低满意度：[\d,]+ 行（2024-12）/);
  const months = await page.$$eval("#seg-members .vt-data", (r) => r.map((x) => x.children[3].textContent));
  assert.ok(months.length > 0 && months.every((m) => m === "2024-12"), months.slice(0, 3).join());
  // Another month: the list follows.
  await page.selectOption("#period", "2024-06");
  await page.waitForFunction(() => /2024-06/.test(document.querySelector("#members-note").textContent));
  const months2 = await page.$$eval("#seg-members .vt-data", (r) => r.map((x) => x.children[3].textContent));
  assert.ok(months2.every((m) => m === "2024-06"));
});

test("tiers: counts and the tier × segment cross-tab", async () => {
  await page.click("#tier-run");
  await page.waitForSelector("#tier-counts tbody tr");
  assert.equal((await page.$$("#tier-counts tbody tr")).length, 3);
  assert.ok(await page.$("#tier-matrix"), "the two rules' matrix");
  assert.ok(await page.$("#tier-cross"), "tiers × segments");
  const call = (await page.evaluate(() => window.__segmentCalls)).findLast((c) => c.method === "tier");
  assert.equal(call.opts.dimensions.length, 2, "the sample rules in the engine's TierRules form");
  assert.ok(call.more[0].segments, "segments passed for the cross-tab");
  await page.screenshot({ path: new URL("zh-segments-contract.png", shots).pathname, fullPage: true });
});

test("no errors, nothing off the machine", async () => {
  assert.deepEqual(browser.log.requests.filter((u) => !isLocal(u)), []);
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
});
