// End-to-end: the engine crashes (a wasm trap, through the page's test hook
// window.hrlens.debugTrap()) after a file was loaded and a weight moved. The
// page says so in English and Chinese, the worker is replaced from the spare
// (no network request), the Data panel still has the file, the Scores panel
// shows the same scores with the moved weight, and the engine keeps working.
// Then crashes in a row: the page gives up, says to reload, and reloading works.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser, isLocal } from "./browser.mjs";
import { sampleCsv } from "./fixtures.mjs";

let server, browser, page;
const shots = new URL("../../test-results/", import.meta.url);
const shot = (name) => page.screenshot({ path: new URL(`${name}.png`, shots).pathname, fullPage: true });

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser({ locale: "en-US", viewport: { width: 1360, height: 900 } });
  page = await browser.context.newPage();
  browser.watch(page);
  await page.addInitScript(() => {
    // Every scores result the panel shows (the component's documented event).
    window.__scores = [];
    window.__recover = [];
    document.addEventListener("hrlens:scores", (e) => window.__scores.push({ ids: e.detail.ids, total: Array.from(e.detail.total), rank: Array.from(e.detail.rank), band: e.detail.band }));
    document.addEventListener("hrlens:recover", (e) => window.__recover.push(e.detail));
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#chart[data-ready="true"]', { timeout: 30_000 });
  await page.click(".tour-skip");
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

const ranking = () => page.$$eval("#ranking .vt-data", (rows) => rows.map((r) => [...r.children].map((c) => c.textContent).join("|")));
const trap = () => page.evaluate(() => window.hrlens.debugTrap().then(() => "resolved", (e) => e.name));

async function openTab(name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#panel-${name}:not([hidden])`);
}

let before_ = null;

test("a file loaded through the Data panel, a weight moved", async () => {
  await page.setInputFiles("#file", { name: "appraisal.csv", mimeType: "text/csv", buffer: await sampleCsv({ employees: 200, months: 12, seed: 11 }) });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("appraisal.csv"));
  await page.waitForSelector('#chart[data-ready="true"]');
  await openTab("scores");
  await page.waitForSelector("#ranking .vt-data");
  const base = await ranking();
  await page.locator('input[data-weight="团队管理"]').fill("90");
  await page.waitForFunction((b) => {
    const now = [...document.querySelectorAll("#ranking .vt-data")].map((r) => [...r.children].map((c) => c.textContent).join("|"));
    return now.length && now.join() !== b.join();
  }, base);
  await page.waitForSelector("#movers li");
  before_ = { ranking: await ranking(), scores: await page.evaluate(() => window.__scores.at(-1)), period: await page.textContent("#score-period") };
  assert.ok(before_.ranking.length >= 10);
});

test("the engine traps: the call fails with WasmTrap and the page says what happened", async () => {
  const seen = await page.evaluate(() => window.__scores.length);
  assert.equal(await trap(), "WasmTrap");
  await page.waitForSelector("#recover-notice:not([hidden])");
  assert.equal(await page.getAttribute("#recover-notice", "role"), "alert");
  assert.equal(
    (await page.textContent("#recover-notice span")).trim(),
    "The analysis engine crashed while running debugTrap and was restarted. Your 1 loaded file and your settings were restored.",
  );
  const [ev] = await page.evaluate(() => window.__recover);
  assert.equal(ev.ok, true);
  assert.equal(ev.name, "WasmTrap");
  assert.equal(ev.during, "debugTrap");
  assert.deepEqual(ev.failed, []);
  assert.equal(ev.restored.files, 1);
  // The Scores panel drew again from the restored what-if: the same scores, with the moved weight.
  await page.waitForFunction((n) => window.__scores.length > n, seen);
  const now = await page.evaluate(() => window.__scores.at(-1));
  assert.deepEqual(now.ids, before_.scores.ids);
  assert.deepEqual(now.total, before_.scores.total, "the same totals (not the card's default weights)");
  assert.deepEqual(now.rank, before_.scores.rank);
  assert.deepEqual(now.band, before_.scores.band);
  assert.deepEqual(await ranking(), before_.ranking);
  assert.equal(await page.textContent("#score-period"), before_.period);
  assert.equal(await page.inputValue('input[data-weight="团队管理"]'), "90");
  await shot("en-recovered");
});

test("the notice speaks Chinese after the language switch", async () => {
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("h1").textContent === "hrlens 人力分析");
  assert.equal(
    (await page.textContent("#recover-notice span")).trim(),
    "分析引擎在执行 debugTrap 时崩溃，已重新启动。你加载的 1 个文件和你的设置都已恢复。",
  );
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("h1").textContent === "hrlens HR analytics");
});

test("after the restart: the Data panel still has the file, and the engine keeps working", async () => {
  await openTab("data");
  assert.match(await page.textContent("#status"), /appraisal\.csv: 2,400 rows/);
  assert.match(await page.textContent("#source"), /csv/);
  const table = await page.textContent("#columns .vt-rows");
  for (const name of ["工号", "部门", "月份", "客户满意度"]) assert.ok(table.includes(name), name);
  await page.selectOption("#chart-column", "投诉率");
  await page.waitForSelector('#chart[data-ready="true"][data-column="投诉率"]'); // a histogram from the restored dataset
  await openTab("scores");
  const rankingBefore = await ranking();
  await page.locator('input[data-weight="团队管理"]').fill("5");
  await page.waitForFunction((b) => {
    const now = [...document.querySelectorAll("#ranking .vt-data")].map((r) => [...r.children].map((c) => c.textContent).join("|"));
    return now.length && now.join() !== b.join();
  }, rankingBefore);
  await openTab("trends");
  await page.waitForSelector('#trend-chart[data-ready="true"]');
});

test("no network request since load (the spare worker took over), nothing failed, the CSP held", async () => {
  assert.equal(await page.getAttribute(".netmeter", "data-count"), "0");
  assert.match(await page.textContent(".netmeter"), /^0 network requests since load/);
  assert.deepEqual(browser.log.requests.filter((u) => !isLocal(u)), []);
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
});

test("crashes in a row: the page gives up, says to reload, and a reload works", async () => {
  // Three restarts within a minute are allowed; the fourth crash is one too many.
  for (let i = 2; i <= 4; i++) {
    assert.equal(await trap(), "WasmTrap");
    await page.waitForFunction((n) => window.__recover.length >= n, i);
  }
  const events = await page.evaluate(() => window.__recover);
  assert.deepEqual(events.map((e) => e.ok), [true, true, true, false]);
  await page.waitForSelector('#recover-notice[data-ok="false"]');
  assert.equal(
    (await page.textContent("#recover-notice span")).trim(),
    "The analysis engine crashed and could not be restarted. Reload the page to continue, then open your files again.",
  );
  assert.equal(await page.textContent("#recover-reload"), "Reload page");
  assert.equal(await page.evaluate(() => window.hrlens.debugTrap().catch((e) => e.name)), "RecoveryFailed");
  await shot("en-recover-failed");
  await Promise.all([page.waitForNavigation(), page.click("#recover-reload")]);
  await page.waitForSelector('#chart[data-ready="true"]', { timeout: 30_000 });
  assert.ok(await page.isHidden("#recover-notice"));
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
});
