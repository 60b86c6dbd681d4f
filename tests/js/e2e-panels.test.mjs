// End-to-end: every panel of the page in a Chinese browser, on the sample data
// and on a loaded CSV — scores with a slider move that changes ranks, trend
// drill-down from the company to one person, an alert's explanation,
// keyboard tabs, guidance, the request counter — with zero requests off the
// machine, no console errors and no CSP violations.
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
  browser = await openBrowser({ locale: "zh-CN", viewport: { width: 1360, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
  page = await browser.context.newPage();
  browser.watch(page);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#chart[data-ready="true"]', { timeout: 30_000 });
  await page.click(".tour-skip");
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

const ranking = () => page.$$eval("#ranking .vt-data", (rows) => rows.map((r) => r.children[1].textContent));

async function openTab(name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#panel-${name}:not([hidden])`);
}

test("a Chinese browser gets the Chinese interface", async () => {
  assert.equal(await page.textContent("h1"), "hrlens 人力分析");
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  const tabs = await page.$$eval('[role="tab"]', (t) => t.map((x) => x.textContent));
  assert.deepEqual(tabs, ["数据", "分群", "考核", "趋势"]);
  assert.match(await page.textContent("#status"), /示例数据：48,000 行/);
  await shot("zh-data");
});

test("tabs follow the arrow keys, Home and End", async () => {
  await page.focus("#tab-data");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-segments", "aria-selected"), "true");
  assert.ok(await page.isVisible("#panel-segments"));
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-segments");
  await page.keyboard.press("End");
  assert.equal(await page.getAttribute("#tab-trends", "aria-selected"), "true");
  await page.keyboard.press("ArrowRight"); // wraps around
  assert.equal(await page.getAttribute("#tab-data", "aria-selected"), "true");
  assert.ok(await page.isHidden("#panel-trends"));
});

test("data: a role changed in the dropdown goes to the engine", async () => {
  await page.selectOption('#columns select[data-column="团队"]', "department");
  // setRole moves the role: 团队 now has it, 部门 lost it (the engine's answer, re-read).
  await page.waitForFunction(() => document.querySelector('#columns select[data-column="部门"]')?.value === "");
  assert.equal(await page.inputValue('#columns select[data-column="团队"]'), "department");
  await page.selectOption('#columns select[data-column="部门"]', "department");
  await page.waitForFunction(() => document.querySelector('#columns select[data-column="团队"]')?.value === "");
});

test("scores: a slider move re-scores live, changes ranks and says who moved and why", async () => {
  await openTab("scores");
  await page.waitForSelector("#ranking .vt-data");
  await page.waitForSelector('#radar-card .chart[data-ready="true"]');
  const before = await ranking();
  assert.ok(before.length >= 10);
  assert.match(await page.textContent("#score-period"), /2024年12月 评分：151 人/);
  await page.locator('input[data-weight="服务质量"]').fill("2");
  await page.waitForSelector("#movers li");
  const after = await ranking();
  assert.notDeepEqual(after, before, "the ranking order changed");
  assert.match(await page.textContent("#movers-note"), /\d+ 人名次变化/);
  const first = await page.textContent("#movers li");
  assert.match(first, /名次 \d+ → \d+/);
  assert.match(first, /原因：.*[+-−]\d/);
  assert.equal(await page.textContent('output.weight-value >> nth=0'), "2");
  // The first rank is still 1 and the band chips are the card's bands.
  assert.equal(await page.textContent("#ranking .vt-data >> nth=0 >> .vt-cell >> nth=0"), "1");
  const bands = await page.$$eval("#ranking .band-chip", (b) => [...new Set(b.map((x) => x.textContent))]);
  assert.ok(bands.every((b) => ["A", "B", "C", "D"].includes(b)), bands.join());
  await page.waitForSelector('#sens-card .chart[data-ready="true"]');
  await shot("zh-scores");
});

test("scores: many input events in a row coalesce, and the last weight wins", async () => {
  const calls = await page.evaluate(async () => {
    const input = document.querySelector('input[data-weight="客户反馈"]');
    for (let v = 1; v <= 40; v++) {
      input.value = String(v);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    await new Promise((r) => setTimeout(r, 400));
    return input.closest(".slider-row").querySelector("output").textContent;
  });
  assert.equal(calls, "40");
  // The card saved reflects the weights of the sliders.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#card-save")]);
  const card = JSON.parse(await (await import("node:fs/promises")).readFile(await download.path(), "utf8"));
  assert.equal(card.dimensions.find((d) => d.name === "客户反馈").weight, 40);
  assert.equal(card.dimensions.find((d) => d.name === "服务质量").weight, 2);
});

test("scores: AHP judgements, the CR light and applying the weights", async () => {
  assert.equal(await page.getAttribute("#ahp-cr", "data-level"), "ok");
  await page.selectOption('.ahp-select[data-i="0"][data-j="1"]', { value: "0" }); // 服务质量 9× 工作效率
  await page.selectOption('.ahp-select[data-i="1"][data-j="2"]', { value: "0" }); // 工作效率 9× 团队管理
  await page.selectOption('.ahp-select[data-i="0"][data-j="2"]', { value: "16" }); // …but 服务质量 1/9 of 团队管理: inconsistent
  await page.waitForFunction(() => document.querySelector("#ahp-cr").dataset.level === "bad");
  assert.match(await page.textContent("#ahp-cr"), /CR [\d.]+：不一致/);
  // (Options are matched by value: the labels are the scale "9" … "1/9", the values its positions.)
  // Consistent judgements: 服务质量 4× each of the others, the others equal → CR 0, weights 4/7, 1/7, 1/7, 1/7.
  await page.selectOption('.ahp-select[data-i="1"][data-j="2"]', { value: "8" });
  for (const j of [1, 2, 3]) await page.selectOption(`.ahp-select[data-i="0"][data-j="${j}"]`, { value: "5" });
  await page.waitForFunction(() => document.querySelector("#ahp-cr").dataset.level === "ok");
  assert.match(await page.textContent("#ahp-weights"), /服务质量 57\.1%/);
  await page.click("#ahp-apply");
  await page.waitForFunction(() => Number(document.querySelector('input[data-weight="服务质量"]').value) > 50);
});

test("scores: 9-box, calibration and the card comparison come from the engine", async () => {
  await page.waitForSelector(".nb-cell");
  const counts = await page.$$eval(".nb-count", (c) => c.map((x) => Number(x.textContent)));
  assert.equal(counts.length, 9);
  assert.equal(counts.reduce((a, b) => a + b, 0), 151);
  await page.click('.nb-cell[data-box="9"]');
  assert.match(await page.textContent("#ninebox-members"), /明星：\d+ 人/);
  await page.waitForSelector("#cal-groups .vt-data");
  assert.match(await page.textContent("#cal-summary"), /上级评分，按 上级工号/);
  assert.ok((await page.$$("#cal-groups .flag")).length > 0, "the sample has lenient and severe managers");
  await page.click("#compare-run");
  await page.waitForSelector("#compare-summary");
  assert.match(await page.textContent("#compare-summary"), /两卡均评分 151 人 · Spearman ρ 0\.\d+/);
});

test("trends: drill down from the company to one person; the selection follows", async () => {
  await openTab("trends");
  await page.waitForSelector('#trend-chart[data-ready="true"]');
  await page.waitForSelector("#org-tree .tree-item.selected");
  const root = await page.getAttribute("#org-tree .tree-item.selected", "data-id");
  assert.equal(await page.getAttribute("#trend-chart", "data-key"), root);
  // Drill through the comparison table: each click selects a direct report.
  const path = [root];
  for (let depth = 0; depth < 6; depth++) {
    const rows = await page.$$("#trend-compare .vt-data");
    if (rows.length < 2) break;
    await rows[1].click();
    await page.waitForFunction((prev) => {
      const k = document.querySelector("#trend-chart")?.dataset.key;
      return k && k !== prev;
    }, path.at(-1));
    path.push(await page.getAttribute("#trend-chart", "data-key"));
  }
  assert.ok(path.length >= 4, `drilled ${path.join(" > ")}`);
  // A person: the comparison table has only the person, the crumbs show the whole path.
  assert.equal((await page.$$("#trend-compare .vt-data")).length, 1);
  assert.equal((await page.$$("#crumbs .crumb")).length, path.length);
  assert.match(await page.textContent("#org-chip"), /组织：/);
  // The selection drives the other panels: the ranking now lists only that subtree.
  await openTab("scores");
  await page.waitForFunction(() => document.querySelectorAll("#ranking .vt-data").length <= 1);
  await openTab("trends");
  // Drill back up with the crumbs.
  await page.click("#crumbs .crumb.link >> nth=0");
  await page.waitForFunction((r) => document.querySelector("#trend-chart").dataset.key === r, root);
});

test("trends: the tree works from the keyboard", async () => {
  await page.focus('#org-tree .tree-item[tabindex="0"]');
  const start = await page.evaluate(() => document.activeElement.dataset.id);
  await page.keyboard.press("ArrowDown");
  const next = await page.evaluate(() => document.activeElement.dataset.id);
  assert.notEqual(next, start);
  await page.keyboard.press("Enter");
  await page.waitForFunction((id) => document.querySelector("#trend-chart").dataset.key === id, next);
  assert.equal(await page.getAttribute(`#org-tree .tree-item[data-id="${next}"]`, "aria-selected"), "true");
});

test("trends: alerts by severity; one opens its explanation", async () => {
  await page.waitForSelector("#alerts .alert-button");
  const sev = await page.$$eval("#alerts .sev", (s) => s.map((x) => x.textContent));
  const firstWarning = sev.indexOf("警告");
  assert.ok(sev.slice(0, firstWarning < 0 ? sev.length : firstWarning).every((s) => s === "严重"));
  assert.ok(sev.slice(firstWarning < 0 ? sev.length : firstWarning).every((s) => s === "警告"), "critical first");
  const message = await page.textContent("#alerts .alert-msg >> nth=0");
  assert.match(message, /客户满意度/);
  await page.click("#alerts .alert-button >> nth=0");
  await page.waitForSelector("#explain-card:not([hidden]) #explain-contributors tbody tr");
  assert.match(await page.textContent("#explain-title"), /从 [\d.]+（\d{4}年\d+月）变为 [\d.]+/);
  assert.ok((await page.$$("#explain-contributors tbody tr")).length >= 2);
  assert.ok((await page.$$("#explain-indicators tbody tr")).length >= 1);
  await page.waitForSelector('#explain-card .chart[data-ready="true"]');
  // The alert's month and unit became the shared selection.
  const key = await page.getAttribute("#explain-card", "data-key");
  await page.waitForFunction((k) => document.querySelector("#trend-chart").dataset.key === k, key);
  await shot("zh-trends");
});

test("trends: follow the groups of a category column instead of the tree", async () => {
  await page.selectOption("#trend-by", "区域");
  await page.waitForFunction(() => document.querySelectorAll("#trend-compare .vt-data").length === 5);
  assert.ok(await page.isHidden("#tree-card"));
  const labels = await page.$$eval("#trend-compare .vt-data", (r) => r.map((x) => x.children[0].textContent));
  assert.deepEqual([...labels].sort(), ["华东", "华中", "华北", "华南", "西南"].sort());
  await page.click("#trend-compare .vt-data >> nth=2");
  await page.waitForFunction((k) => document.querySelector("#trend-chart").dataset.key === k, labels[2]);
  await page.waitForSelector("#alerts .alert-button, #alerts-note");
  await page.selectOption("#trend-by", "org");
  await page.waitForSelector("#tree-card:not([hidden])");
  // Alerts are the tree's again (keys are employee ids of managers).
  await page.waitForSelector('#alerts .alert-button[data-key^="E"]');
});

test("switching the language re-renders the panel in place, engine messages included", async () => {
  const zhMsg = await page.textContent("#alerts .alert-msg >> nth=0");
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("#trend-card h3").textContent === "Monthly trend");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  const enMsg = await page.textContent("#alerts .alert-msg >> nth=0");
  assert.notEqual(enMsg, zhMsg);
  assert.match(enMsg, /[a-z]{3,}/);
  assert.match(await page.textContent("#explain-title"), /went from/);
  assert.equal(await page.textContent("#tab-trends"), "Trends");
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("#trend-card h3").textContent === "月度趋势");
  assert.equal(await page.textContent("#alerts .alert-msg >> nth=0"), zhMsg);
});

test("segments: the engine segments the sample; profiles, tiers, survey and members", async () => {
  await openTab("segments");
  await page.waitForSelector('#seg-map[data-ready="true"]', { timeout: 60_000 });
  assert.match(await page.textContent("#seg-quality"), /k = \d+ · 轮廓系数 0\.\d+/);
  assert.match(await page.textContent("#kscan-note"), /k = \d/);
  const names = await page.$$eval("#seg-profiles .profile-name", (p) => p.map((x) => x.textContent));
  assert.ok(names.length >= 2 && names.every((n) => /^分群 \d+ · \S/.test(n)), names.join(" | "));
  // The seed's tier matrix and its cross-tab with the segments, from the engine.
  await page.waitForSelector("#tier-counts tbody tr");
  assert.ok(await page.$("#tier-matrix"));
  assert.ok(await page.$("#tier-cross"));
  assert.ok((await page.inputValue("#strategy tbody tr >> nth=0 >> textarea >> nth=0")).length > 0, "the strategy is suggested");
  await page.waitForSelector('#survey-card .chart[data-ready="true"]');
  await page.click("#seg-profiles .profile >> nth=0");
  await page.waitForSelector("#seg-members .vt-data");
  const months = await page.$$eval("#seg-members .vt-data", (r) => r.map((x) => x.children[3].textContent));
  assert.ok(months.every((m) => m === "2024-12"), "members follow the selected month");
  await shot("zh-segments");
});

test("guidance: tooltips on focus, the glossary, export hooks", async () => {
  await openTab("scores");
  await page.focus("#weights-card .help");
  await page.waitForSelector(".tooltip:not([hidden])");
  assert.match(await page.textContent(".tooltip"), /拖动滑块/);
  const describedBy = await page.getAttribute("#weights-card .help", "aria-describedby");
  assert.equal(describedBy, await page.getAttribute(".tooltip", "id"));
  await page.click("#glossary-open");
  await page.waitForSelector("dialog.glossary[open]");
  const terms = await page.$$eval(".glossary-list dt", (d) => d.map((x) => x.textContent));
  for (const term of ["k-means 聚类", "轮廓系数", "AHP 一致性", "强制分布", "环比 / 同比"]) assert.ok(terms.includes(term), term);
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog.glossary:not([open])", { state: "attached" });
  // The ranking's export menu writes the table as shown (CSV in wasm, with a BOM for Excel).
  await page.click("#ranking .menu-button");
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click('#ranking .menu-item[data-action="csv"]')]);
  assert.match(dl.suggestedFilename(), /^排名\.csv$/);
  const csv = (await (await import("node:fs/promises")).readFile(await dl.path(), "utf8")).replace(/^\ufeff/, "");
  const [head, ...rows] = csv.split(/\r?\n/).filter(Boolean);
  assert.match(head, /^名次,编号,人员,等级,总分,/);
  // What the table shows (here the org unit the last alert selected), nothing more.
  assert.equal(rows.length, await page.locator("#ranking .vt-data").count());
  assert.match(rows[0], /^\d+,E\d{5},/);
});

test("data: the validation report lists line and column and copies to the clipboard", async () => {
  // Ten numbers and one "abc" on line 3: a number column with one bad cell (kept as missing, warned).
  const rows = Array.from({ length: 10 }, (_, i) => `E${i + 3},员工${i},2024-01,${80 + i}`);
  const csv = ["工号,姓名,月份,客户满意度", "E1,甲,2024-01,80", "E2,乙,2024-01,abc", ...rows].join("\n");
  await page.setInputFiles("#file", { name: "检查.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("检查.csv"));
  await openTab("data");
  await page.waitForSelector("#warnings li .where");
  const item = await page.textContent("#warnings li");
  assert.match(item, /第 3 行/);
  assert.match(item, /客户满意度/);
  assert.match(item, /abc/);
  assert.match(await page.textContent("#issue-summary"), /共 1 个问题/);
  await page.click("#copy-issues");
  await page.waitForSelector(".toast");
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  const lines = clip.split("\n");
  assert.equal(lines[0], "行\t列\t问题");
  assert.match(lines[1], /^3\t客户满意度\t.*abc/);
  // The same file read again with a forced encoding.
  assert.ok(await page.isVisible("#read-options"));
  await page.selectOption("#opt-encoding", "utf-8");
  await page.evaluate(() => (document.getElementById("status").textContent = ""));
  await page.click("#opt-reload");
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("检查.csv"));
  assert.match(await page.textContent("#source"), /编码：utf-8/i);
});

test("a loaded CSV goes through every panel", async () => {
  await page.setInputFiles("#file", { name: "客服考核.csv", mimeType: "text/csv", buffer: await sampleCsv({ employees: 300, months: 12, seed: 7 }) });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("客服考核.csv"));
  assert.match(await page.textContent("#status"), /客服考核\.csv：3,600 行，28 列/);
  await openTab("data");
  assert.match(await page.textContent("#source"), /格式：csv/);
  assert.match(await page.textContent("#source"), /编码：utf-8/i);
  assert.match(await page.textContent("#role-list"), /工号 ← 工号/);
  assert.equal(await page.inputValue('#columns select[data-column="工号"]'), "employeeId");
  assert.equal(await page.inputValue('#columns select[data-column="上级工号"]'), "managerId");
  await openTab("scores");
  await page.waitForFunction(() => /2023年12月 评分：\d+ 人/.test(document.querySelector("#score-period").textContent));
  const before = await ranking();
  await page.locator('input[data-weight="团队管理"]').fill("90");
  await page.waitForFunction((b) => {
    const now = [...document.querySelectorAll("#ranking .vt-data")].map((r) => r.children[1].textContent);
    return now.length && now.join() !== b.join();
  }, before);
  await openTab("trends");
  await page.waitForSelector('#trend-chart[data-ready="true"]');
  await page.waitForSelector("#alerts .alert-button, #alerts-note");
  const rows = await page.$$("#trend-compare .vt-data");
  assert.ok(rows.length >= 2);
  await rows[1].click();
  await page.waitForFunction(() => document.querySelectorAll("#crumbs .crumb").length === 2);
  await openTab("segments");
  await shot("zh-loaded");
});

test("print layout: a report of the current analysis", async () => {
  await openTab("trends");
  await page.emulateMedia({ media: "print" });
  assert.ok(await page.isHidden(".tabs"));
  assert.ok(await page.isVisible(".print-head"));
  assert.match(await page.textContent(".print-head"), /hrlens 报告 · 客服考核\.csv/);
  await shot("zh-print");
  await page.emulateMedia({ media: "screen" });
});

test("the request counter counts real requests, and nothing left the machine", async () => {
  const meter = await page.textContent(".netmeter");
  assert.match(meter, /加载后 0 次网络请求/);
  // A real request (to this origin) must show up in the counter.
  await page.evaluate(() => fetch("/www/style.css").then((r) => r.text()));
  await page.waitForFunction(() => document.querySelector(".netmeter").dataset.count === "1");
  assert.match(await page.textContent(".netmeter"), /加载后 1 次网络请求/);
  const outside = browser.log.requests.filter((u) => !isLocal(u));
  assert.deepEqual(outside, []);
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(browser.log.dialogs, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
});
