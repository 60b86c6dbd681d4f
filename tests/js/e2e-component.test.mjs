// End-to-end: the <hr-lens> web component in a portal-like page with one tag
// (www/embed.html): shadow DOM, the lang/panel/scorecard attributes, result
// events, under a strict CSP, nothing fetched from elsewhere.
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
  browser = await openBrowser({ locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  page = await browser.context.newPage();
  browser.watch(page);
  // The portal listens on document: the component's events bubble out of the shadow root.
  await page.addInitScript(() => {
    window.__events = [];
    for (const name of ["ready", "load", "scores", "trends", "alerts", "selection", "panel", "lang"]) {
      document.addEventListener(`hrlens:${name}`, (e) =>
        window.__events.push({ name, target: e.target.tagName, detail: { ids: e.detail?.ids?.length, card: e.detail?.card, panel: e.detail?.panel, lang: e.detail?.lang, rowCount: e.detail?.rowCount, n: e.detail?.alerts?.length } }),
      );
    }
  });
  await page.goto(`${server.url}/www/embed.html`);
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

const events = (name) => page.evaluate((n) => window.__events.filter((e) => e.name === n), name);

test("one tag: the component renders in its shadow root with its attributes", async () => {
  assert.equal(await page.locator("hr-lens").count(), 1);
  await page.waitForSelector("hr-lens #ranking .vt-data", { timeout: 30_000 });
  const shadow = await page.evaluate(() => {
    const el = document.querySelector("hr-lens");
    return { open: !!el.shadowRoot, inDocument: document.querySelectorAll("#ranking").length, inShadow: el.shadowRoot.querySelectorAll("#ranking").length };
  });
  assert.deepEqual(shadow, { open: true, inDocument: 0, inShadow: 1 });
  // lang="en" wins over the Chinese browser; panel="scores" is the tab shown.
  assert.equal(await page.textContent("hr-lens h1"), "hrlens HR analytics");
  assert.equal(await page.getAttribute("hr-lens #tab-scores", "aria-selected"), "true");
  assert.ok(await page.isHidden("hr-lens #panel-data"));
  assert.equal(await page.inputValue("hr-lens #card-select"), "cs-manager-monthly");
  // The page's own styles reach the shadow root through a <link> (CSP style-src 'self').
  const color = await page.$eval("hr-lens .tab[aria-selected=true]", (t) => getComputedStyle(t).color);
  assert.equal(color, "rgb(47, 111, 222)");
  await page.screenshot({ path: new URL("component.png", shots).pathname, fullPage: true });
});

test("events carry the results out of the component", async () => {
  await page.waitForFunction(() => window.__events.some((e) => e.name === "scores"));
  const [ready] = await events("ready");
  assert.equal(ready.target, "HR-LENS");
  const [load] = await events("load");
  assert.equal(load.detail.rowCount, 48000);
  const scores = await events("scores");
  assert.equal(scores.at(-1).detail.ids, 151);
  assert.equal(scores.at(-1).detail.card, "客服经理月度考核");
  // A slider move inside the shadow root sends a new hrlens:scores.
  const n = scores.length;
  await page.locator('hr-lens input[data-weight="工作效率"]').fill("80");
  await page.waitForFunction((k) => window.__events.filter((e) => e.name === "scores").length > k, n);
});

test("attributes can change after mounting", async () => {
  await page.evaluate(() => document.querySelector("hr-lens").setAttribute("lang", "zh"));
  await page.waitForFunction(() => document.querySelector("hr-lens").shadowRoot.querySelector("h1").textContent === "hrlens 人力分析");
  await page.evaluate(() => document.querySelector("hr-lens").setAttribute("panel", "trends"));
  await page.waitForSelector('hr-lens #trend-chart[data-ready="true"]');
  assert.equal(await page.getAttribute("hr-lens #tab-trends", "aria-selected"), "true");
  const panels = await events("panel");
  assert.equal(panels.at(-1).detail.panel, "trends");
  await page.waitForFunction(() => window.__events.some((e) => e.name === "alerts"));
  const sel = await page.evaluate(() => document.querySelector("hr-lens").selection);
  assert.equal(typeof sel.org, "string");
  assert.match(sel.period, /^\d{4}-\d{2}$/);
});

test("the component is self-contained: nothing else fetched, no errors, CSP held", async () => {
  assert.deepEqual(browser.log.requests.filter((u) => !isLocal(u)), []);
  assert.ok(browser.log.requests.some((u) => u.endsWith("/pkg/hrlens_bg.wasm")));
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
});
