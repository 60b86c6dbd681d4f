// End-to-end: hostile content. An employee named <img src=x onerror=alert(1)>,
// a header "><script>…, a scorecard whose names are markup: all render as
// text in every panel, nothing runs, nothing is fetched, no CSP violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser, isLocal } from "./browser.mjs";

const EVIL_NAME = "<img src=x onerror=alert(1)>";
const EVIL_HEADER = '"><script>alert(2)</script>';
const EVIL_DIM = "<svg onload=alert(3)>";
const FORMULA = "=cmd|' /C calc'!A0";

let server, browser, page;
const shots = new URL("../../test-results/", import.meta.url);

/** Two teams of people over 6 months; one member of team B is the hostile name. */
function hostileCsv() {
  const header = ["工号", "姓名", "上级工号", "月份", "客户满意度", `"${EVIL_HEADER.replaceAll('"', '""')}"`];
  const people = [
    ["E01", "王总", ""],
    ["E02", "李经理", "E01"],
    ["E03", "张经理", "E01"],
    ["E04", "赵一", "E02"],
    ["E05", "钱二", "E02"],
    ["E06", EVIL_NAME, "E03"],
    ["E07", `"${FORMULA}"`, "E03"],
  ];
  const lines = [header.join(",")];
  for (let m = 1; m <= 6; m++) {
    people.forEach(([id, name, mgr], k) => {
      // E06 falls every month so the trends alert on it and its team.
      const csat = id === "E06" ? 90 - 4 * m : 80 + k;
      lines.push([id, name, mgr, `2024-${String(m).padStart(2, "0")}`, csat, `=cmd|' /C calc'!A${k}`].join(","));
    });
  }
  return Buffer.from(lines.join("\n") + "\n");
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser({ locale: "en-US", viewport: { width: 1360, height: 900 } });
  page = await browser.context.newPage();
  browser.watch(page);
  await page.addInitScript(() => localStorage.setItem("hrlens.tour", "done"));
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#chart[data-ready="true"]', { timeout: 30_000 });
  await page.setInputFiles("#file", { name: "evil.csv", mimeType: "text/csv", buffer: hostileCsv() });
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("evil.csv"));
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

async function noMarkupRan() {
  const found = await page.evaluate(() => ({
    imgs: document.querySelectorAll("img").length,
    scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")),
    svgs: [...document.querySelectorAll("svg")].filter((s) => s.getAttribute("onload") !== null).length,
    onerror: document.querySelectorAll("[onerror], [onload]").length,
  }));
  assert.equal(found.imgs, 0, "no <img> element was created from data");
  assert.deepEqual(found.scripts, ["main.js"], "the only script is the page's own");
  assert.equal(found.svgs, 0);
  assert.equal(found.onerror, 0);
  assert.deepEqual(browser.log.dialogs, [], "no alert() ran");
}

test("a hostile header renders as text in the Data panel", async () => {
  const names = await page.$$eval("#columns .vt-data .vt-cell:first-child", (c) => c.map((x) => x.textContent));
  assert.ok(names.includes(EVIL_HEADER), names.join(" | "));
  assert.ok(await page.$(`#columns select[data-column="${EVIL_HEADER.replaceAll('"', '\\"')}"]`));
  await page.selectOption("#chart-column", "客户满意度");
  await noMarkupRan();
});

test("a hostile name renders as text in the org tree, the trend and the alert explanation", async () => {
  await page.click("#tab-trends");
  await page.waitForSelector('#trend-chart[data-ready="true"]');
  await page.fill("#tree-search", "img");
  const labels = await page.$$eval("#org-tree .tree-label", (l) => l.map((x) => x.textContent));
  assert.ok(labels.some((l) => l.startsWith(EVIL_NAME)), labels.join(" | "));
  await page.click("#org-tree .tree-item >> nth=0");
  await page.waitForFunction(() => document.querySelector("#trend-chart").dataset.key === "E06");
  assert.equal(await page.textContent("#crumbs .crumb.current"), EVIL_NAME);
  await page.fill("#tree-search", "");
  // The falling member triggers alerts; the team alert's explanation names them.
  await page.selectOption("#alert-level", "all");
  await page.waitForSelector("#alerts .alert-button");
  const msgs = await page.$$eval("#alerts .alert-msg", (m) => m.map((x) => x.textContent));
  assert.ok(msgs.some((m) => m.includes(EVIL_NAME)), msgs.join(" | "));
  const team = await page.$$eval("#alerts .alert-button", (b) => b.findIndex((x) => x.dataset.key === "E03"));
  assert.ok(team >= 0, "the team of E06 alerts");
  await page.click(`#alerts .alert-button >> nth=${team}`);
  await page.waitForSelector("#explain-contributors tbody tr");
  assert.match(await page.textContent("#explain-contributors"), /<img src=x onerror=alert\(1\)> · E06/);
  await page.screenshot({ path: new URL("hostile-trends.png", shots).pathname, fullPage: true });
  await noMarkupRan();
});

test("a scorecard with markup in its names renders as text; the hostile person is ranked as text", async () => {
  const card = {
    name: "<b>card</b>",
    dimensions: [
      { name: EVIL_DIM, weight: 60, indicators: [{ column: "客户满意度", weight: 1, direction: "higher", normalize: "minmax" }] },
      { name: "second", weight: 40, indicators: [{ column: "客户满意度", weight: 1, direction: "higher", normalize: "percentile" }] },
    ],
    bands: { thresholds: [{ label: "<i>A</i>", min: 50 }, { label: "B", min: 0 }] },
  };
  await page.click("#tab-scores");
  await page.setInputFiles("#card-file", { name: "evil-card.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(card)) });
  await page.waitForFunction(() => document.querySelector("#card-select").selectedOptions[0]?.textContent === "<b>card</b>");
  await page.waitForSelector("#ranking .vt-data");
  const heads = await page.$$eval("#ranking .vt-th", (h) => h.map((x) => x.textContent));
  assert.ok(heads.includes(EVIL_DIM), heads.join(" | "));
  const people = await page.$$eval("#ranking .vt-data", (r) => r.map((x) => x.children[2].textContent));
  assert.ok(people.includes(EVIL_NAME), people.join(" | "));
  const chips = await page.$$eval("#ranking .band-chip", (c) => [...new Set(c.map((x) => x.textContent))]);
  assert.ok(chips.includes("<i>A</i>"), chips.join(" | "));
  assert.equal(await page.textContent("#sliders .slider-name >> nth=0"), EVIL_DIM);
  await page.locator(`input[data-weight="${EVIL_DIM}"]`).fill("5");
  await page.waitForSelector("#movers li");
  await page.waitForSelector('#radar-card .chart[data-ready="true"]');
  await page.screenshot({ path: new URL("hostile-scores.png", shots).pathname, fullPage: true });
  await noMarkupRan();
});

test("an exported table neutralises formula-looking cells (OWASP), in CSV and XLSX", async () => {
  const exportAs = async (format) => {
    await page.click("#ranking .menu-button");
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click(`#ranking .menu-item[data-action="${format}"]`)]);
    return (await import("node:fs/promises")).readFile(await dl.path());
  };
  const csv = (await exportAs("csv")).toString("utf8");
  assert.ok(csv.includes(`'${FORMULA}`), "the formula is prefixed with '");
  for (const line of csv.split(/\r?\n/)) for (const cell of line.split(",")) assert.ok(!/^"?=/.test(cell), `cell ${cell}`);
  assert.ok(csv.includes(EVIL_NAME), "markup stays text");
  const xlsx = await exportAs("xlsx");
  assert.equal(xlsx.subarray(0, 2).toString("latin1"), "PK");
});

test("nothing ran, nothing left the machine, the CSP held", async () => {
  assert.deepEqual(browser.log.requests.filter((u) => !isLocal(u)), []);
  assert.ok(!browser.log.requests.some((u) => /\/x$/.test(u)), "the <img src=x> was never requested");
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(browser.log.dialogs, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.match(await page.textContent(".netmeter"), /^0 network requests since load/);
});
