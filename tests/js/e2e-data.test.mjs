// End-to-end: the Data panel on a real-world-shaped export — a title line, a
// totals row, padded text, percentages, thousands separators, ids with leading
// zeros, one bad number — and a second file joined with its discrepancies.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser, isLocal } from "./browser.mjs";

let server, browser, page;
const shots = new URL("../../test-results/", import.meta.url);

function exportCsv() {
  const rows = ["2024年3月客服考核表", "工号,姓名,部门,月份,客户满意度,投诉率,月薪"];
  for (let i = 0; i < 30; i++) {
    rows.push(`0${1960 + i},员工${i}, 客服${i % 2 ? "二" : "一"}部 ,2024年${1 + (i % 3)}月,${i === 5 ? "abc" : 80 + i},${(i % 9) + 1}%,"${(8000 + i * 10).toLocaleString("en")}"`);
  }
  rows.push("合计,,,,,,");
  return Buffer.from(rows.join("\r\n"));
}
const crmCsv = () =>
  Buffer.from(["工号,部门,NPS", ...Array.from({ length: 25 }, (_, i) => `0${1960 + i},客服${i % 3 ? "二" : "一"}部,${i}`), "09999,客服三部,5"].join("\n"));

before(async () => {
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser({ locale: "zh-CN", viewport: { width: 1360, height: 900 } });
  page = await browser.context.newPage();
  browser.watch(page);
  await page.addInitScript(() => localStorage.setItem("hrlens.tour", "done"));
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#chart[data-ready="true"]', { timeout: 30_000 });
  await page.setInputFiles("#file", { name: "考核.csv", mimeType: "text/csv", buffer: exportCsv() });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("考核.csv"));
  await page.waitForSelector("#warnings li .where");
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

test("the source: format, encoding, delimiter, header row, lines that are not data", async () => {
  assert.match(await page.textContent("#status"), /考核\.csv：30 行，7 列/);
  const src = await page.textContent("#source");
  for (const part of [/格式：csv/, /编码：utf-8/, /分隔符：,/, /表头行：2/]) assert.match(src, part);
  const skipped = await page.textContent("#skipped");
  assert.match(skipped, /第 1 行.*2024年3月客服考核表/);
  assert.match(skipped, /第 33 行.*合计/);
});

test("cleaning, kinds and roles as the engine reports them; ids keep their zeros", async () => {
  const cleaning = await page.textContent("#cleaning");
  assert.match(cleaning, /部门/);
  assert.match(cleaning, /投诉率/);
  assert.match(cleaning, /月薪/);
  const kinds = await page.$$eval("#columns .vt-data", (r) => Object.fromEntries(r.map((x) => [x.children[0].textContent, x.children[1].textContent])));
  assert.deepEqual(kinds, { 工号: "文本", 姓名: "文本", 部门: "类别", 月份: "日期", 客户满意度: "数值", 投诉率: "数值", 月薪: "数值" });
  assert.equal(await page.inputValue('#columns select[data-column="工号"]'), "employeeId");
  assert.equal(await page.inputValue('#columns select[data-column="月份"]'), "period");
  assert.match(await page.textContent('#columns .vt-data:has(select[data-column="投诉率"])'), /百分数/);
});

test("the validation report: counts by kind from the engine, line and column of each issue", async () => {
  assert.match(await page.textContent("#issue-summary"), /共 3 个问题.*按类型：.*无效值 1/);
  const items = await page.$$eval("#warnings li", (l) => l.map((x) => x.textContent));
  assert.ok(items.some((x) => /第 8 行客户满意度.*abc/.test(x)), items.join(" | "));
});

test("a second file joins by employee id and lists where the two disagree", async () => {
  await page.setInputFiles("#join-file", { name: "crm.csv", mimeType: "text/csv", buffer: crmCsv() });
  await page.waitForSelector("#join-run:not([disabled])");
  assert.match(await page.textContent("#join-info"), /crm\.csv：26 行，3 列/);
  await page.click("#join-run");
  await page.waitForSelector("#discrepancies .vt-data");
  assert.match(await page.textContent("#join-info"), /12 处不一致 · 5 个工号只在本文件 · 1 个只在第二个文件 · 匹配 25 个/);
  assert.match(await page.textContent("#join-ids"), /01985、01986/);
  assert.match(await page.textContent("#join-ids"), /09999/);
  const first = await page.$eval("#discrepancies .vt-data", (r) => [...r.children].map((c) => c.textContent));
  assert.equal(first[0], "01962");
  assert.equal(first[2], "部门");
  assert.deepEqual([first[3], first[4]], ["客服一部", "客服二部"]);
  await page.screenshot({ path: new URL("zh-data-join.png", shots).pathname, fullPage: true });
  // The joined data becomes the dataset of every panel.
  await page.click("#join-use");
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("crm.csv"));
  const cols = await page.$$eval("#columns .vt-data .vt-cell:first-child", (c) => c.map((x) => x.textContent));
  assert.ok(cols.includes("NPS"), cols.join());
});

test("the header row can be set by hand and the file read again", async () => {
  await page.setInputFiles("#file", { name: "考核.csv", mimeType: "text/csv", buffer: exportCsv() });
  await page.waitForFunction(() => /考核\.csv：30 行/.test(document.getElementById("status").textContent));
  await page.fill("#opt-header", "1");
  await page.click("#opt-reload");
  // With line 1 (the title) as the header, the columns are named from it: the engine's answer.
  await page.waitForFunction(() => !document.querySelector('#columns select[data-column="工号"]'));
  assert.match(await page.textContent("#source"), /表头行：1/);
});

test("a big file streams in with a progress bar (rows, %, rows/s from the worker)", async () => {
  const lines = ["工号,月份,部门,得分"];
  for (let i = 0; i < 300_000; i++) lines.push(`E${String(i % 20000).padStart(5, "0")},2024-${String((i % 12) + 1).padStart(2, "0")},客服${i % 7}部,${(i % 97) + 0.5}`);
  await page.evaluate(() => {
    window.__captions = [];
    const cap = document.querySelector(".progress-caption");
    new MutationObserver(() => window.__captions.push(cap.textContent)).observe(cap, { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles("#file", { name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
  await page.waitForFunction(() => /big\.csv：300,000 行/.test(document.getElementById("status").textContent), null, { timeout: 60_000 });
  const captions = await page.evaluate(() => window.__captions);
  assert.ok(captions.some((c) => /[\d,]+ 行 · \d+% · 每秒 [\d,]+ 行/.test(c)), captions.join(" | "));
  assert.ok(await page.isHidden(".progress-wrap"), "the bar goes away when done");
});

test("nothing left the machine, no errors, the CSP held", async () => {
  assert.deepEqual(browser.log.requests.filter((u) => !isLocal(u)), []);
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
});
