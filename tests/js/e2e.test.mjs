// End-to-end: the real page in headless Chromium, served from loopback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser, isLocal } from "./browser.mjs";

let server, browser, page, base;
const shots = new URL("../../test-results/", import.meta.url);

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer({ port: 0, quiet: true });
  base = server.url;
  browser = await openBrowser();
  page = await browser.context.newPage();
  browser.watch(page);
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

test("opens with the sample data analysed and charted", async () => {
  await page.goto(`${base}/`);
  await page.waitForSelector('#chart[data-ready="true"]', { timeout: 30_000 });
  // First run: the tour offers itself; skip it (it is remembered).
  await page.waitForSelector(".tour-card", { state: "visible" });
  await page.click(".tour-skip");
  assert.equal(await page.evaluate(() => localStorage.getItem("hrlens.tour")), "done");
  assert.ok(await page.locator("#chart canvas").count() > 0, "the chart draws on a canvas");
  assert.equal(await page.locator("#chart").getAttribute("data-column"), "客户满意度");
  const status = await page.textContent("#status");
  assert.match(status, /48[,，]?000/);
  const rows = await page.locator("#columns .vt-data").count();
  assert.equal(rows, 28);
  assert.match(await page.textContent("#chart-stats"), /\d/);
  await page.screenshot({ path: new URL("sample.png", shots).pathname, fullPage: true });
});

test("switches the chart to another indicator", async () => {
  await page.selectOption("#chart-column", "投诉率");
  await page.waitForSelector('#chart[data-ready="true"][data-column="投诉率"]');
});

test("loads a CSV through the file input and shows its summary and checks", async () => {
  // Ten good rows, one "n/a" (missing, no warning) and one "abc" on line 13 (missing, warned).
  const names = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "徐明", "孙丽"];
  const lines = ["工号,姓名,部门,月份,客户满意度"];
  names.forEach((n, i) => {
    const v = i === 10 ? "n/a" : i === 11 ? "abc" : (80 + i).toFixed(1);
    lines.push(`E${String(i + 1).padStart(3, "0")},${n},客服${i % 2 ? "二" : "一"}部,2024-01,${v}`);
  });
  const csv = lines.join("\n") + "\n";
  await page.setInputFiles("#file", { name: "考核.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("考核.csv"));
  await page.waitForSelector('#chart[data-ready="true"]');
  assert.match(await page.textContent("#status"), /考核\.csv.*12/);
  assert.equal(await page.locator("#chart").getAttribute("data-column"), "客户满意度");
  const table = await page.textContent("#columns .vt-rows");
  for (const name of ["工号", "姓名", "部门", "月份", "客户满意度"]) assert.ok(table.includes(name), name);
  const warnings = await page.textContent("#warnings");
  assert.match(warnings, /(line|第) ?13/);
  assert.match(warnings, /abc/);
  assert.match(await page.textContent("#source"), /csv/);
});

test("a file dropped on the drop zone loads too", async () => {
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    const csv = "EmpID;Department;Score\n" + Array.from({ length: 12 }, (_, i) => `${i + 1};Sales;${60 + i}`).join("\n");
    d.items.add(new File([csv], "dropped.csv", { type: "text/csv" }));
    return d;
  });
  await page.dispatchEvent("#drop", "dragover", { dataTransfer: dt });
  await page.dispatchEvent("#drop", "drop", { dataTransfer: dt });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("dropped.csv"));
  await page.waitForSelector('#chart[data-ready="true"][data-column="Score"]');
  assert.match(await page.textContent("#source"), /;/);
  // Roles detected from the headers, shown in the role dropdowns.
  assert.equal(await page.inputValue('#columns select[data-column="EmpID"]'), "employeeId");
  assert.equal(await page.inputValue('#columns select[data-column="Department"]'), "department");
  assert.equal(await page.inputValue('#columns select[data-column="Score"]'), "");
});

test("a bad file shows a clear error and the page keeps working", async () => {
  await page.setInputFiles("#file", { name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await page.waitForSelector("#error:not([hidden])");
  const text = await page.textContent("#error");
  assert.match(text, /FormatError/);
  assert.match(text, /empty\.csv/);
  await page.click("#sample");
  await page.waitForFunction(() => document.getElementById("error").hidden);
  await page.waitForSelector('#chart[data-ready="true"]');
});

test("the language switch changes the interface", async () => {
  const before = await page.textContent("h1");
  await page.click("#lang");
  const after = await page.textContent("h1");
  assert.notEqual(before, after);
  assert.ok(["hrlens 人力分析", "hrlens HR analytics"].includes(after));
  await page.click("#lang");
  assert.equal(await page.textContent("h1"), before);
});

test("nothing left the machine, nothing failed, the CSP held", async () => {
  const outside = browser.log.requests.filter((u) => !isLocal(u));
  assert.deepEqual(outside, [], "requests to hosts other than 127.0.0.1");
  assert.ok(browser.log.requests.some((u) => u.endsWith("/pkg/hrlens_bg.wasm")), "the wasm was loaded");
  assert.deepEqual(browser.log.pageErrors, []);
  // The only console error allowed is none.
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
});
