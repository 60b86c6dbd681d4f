// End-to-end: examples/plain-html, an embedder's page using the npm package
// (hrlens/worker + hrlens/export) under a strict CSP, in headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser } from "./browser.mjs";

let server, browser, page;

before(async () => {
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser();
  page = await browser.context.newPage();
  browser.watch(page);
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

test("the plain-HTML example scores the sample in the package's worker", async () => {
  await page.goto(`${server.url}/examples/plain-html/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.click("#sample");
  await page.waitForSelector("#top:not([hidden]) tbody tr", { timeout: 30_000 });
  assert.equal(await page.locator("#top tbody tr").count(), 10);
  assert.match(await page.textContent("#status"), /1800 行 rows · hrlens \d+\.\d+\.\d+/);
  const first = await page.locator("#top tbody tr").first().locator("td").allTextContents();
  assert.match(first[0], /^E\d+$/);
  assert.equal(first[2], "1");
  // The wasm ran in a worker: the page itself never instantiated it.
  assert.equal(await page.evaluate(() => typeof globalThis.wasm_bindgen), "undefined");
  assert.ok(browser.log.requests.some((u) => u.endsWith("/pkg/worker.js")), "the package's worker was started");
});

test("its exports download real CSV and XLSX files, formulas neutralised", async () => {
  const [csvDl] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  assert.match(csvDl.suggestedFilename(), /^scores-2023-06\.csv$/);
  const csv = await readFile(await csvDl.path());
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = csv.subarray(3).toString("utf8").split("\r\n");
  assert.equal(lines[0], "工号,总分,排名,等级");
  assert.match(lines[1], /^E\d+,\d+(\.\d+)?,\d+,[A-D]$/);
  const [xlsxDl] = await Promise.all([page.waitForEvent("download"), page.click("#xlsx")]);
  assert.equal(xlsxDl.suggestedFilename(), "scores-2023-06.xlsx");
  const xlsx = await readFile(await xlsxDl.path());
  assert.equal(xlsx.subarray(0, 2).toString("latin1"), "PK");
});

test("a hostile file loads as data: nothing runs, exported cells are neutralised", async () => {
  const header = "工号,职位族,月份,客户满意度,投诉率,质检得分,工单解决量,解决率,团队流失率,培训完成率,净推荐值,上级评分";
  const ids = ["<img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0", "\"><script>alert(2)</script>"];
  const lines = [header];
  for (let i = 0; i < 12; i++) {
    const id = ids[i] ?? `E${i}`;
    // The hostile ids score best, so they head the table.
    lines.push(`"${id.replaceAll('"', '""')}",客服经理,2024-01,${99 - i},0.03,90,${60 - i},0.9,0.02,0.9,50,4.5`);
  }
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    d.dismiss();
  });
  await page.setInputFiles("#file", { name: "hostile.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("hostile.csv"), null, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector("#top tbody td")?.textContent.includes("<img"));
  const shown = await page.locator("#top tbody tr td:first-child").allTextContents();
  for (const id of ids) assert.ok(shown.includes(id), `${id} shown as text`);
  assert.equal(await page.locator("#top img, #top script").count(), 0);
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  const csv = (await readFile(await dl.path())).subarray(3).toString("utf8");
  assert.ok(csv.includes("\r\n'=cmd|' /C calc'!A0,"), csv);
  assert.ok(!/\r\n=cmd/.test(csv));
  assert.equal(dialogs, 0);
  assert.deepEqual(browser.log.pageErrors, []);
});

test("no request left 127.0.0.1, no CSP violation, no console error", async () => {
  const outside = browser.log.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("blob:") && !u.startsWith("data:"));
  assert.deepEqual(outside, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(browser.log.consoleErrors, []);
});
