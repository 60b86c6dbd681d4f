// End-to-end: the single-file build (make single → dist/hrlens.html) opened
// from disk in headless Chromium, with no server: the sample analysis
// appears, and the page makes no request of any kind.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openBrowser } from "./browser.mjs";

const file = fileURLToPath(new URL("../../dist/hrlens.html", import.meta.url));
const url = pathToFileURL(file).href;
let browser, page;
const network = [];

before(async () => {
  assert.ok(existsSync(file), "dist/hrlens.html exists (make single)");
  browser = await openBrowser();
  page = await browser.context.newPage();
  browser.watch(page);
  // The shared context aborts anything not on 127.0.0.1; this one file is the page.
  await page.route(url, (route) => route.continue());
  // Everything the page or its worker asks for, whatever the scheme (the
  // context also aborts anything not local); blob: and data: are in memory.
  browser.context.on("request", (r) => {
    const u = r.url();
    if (u !== url && !u.startsWith("blob:") && !u.startsWith("data:")) network.push(u);
  });
});

after(async () => {
  await browser?.close();
});

test("the file is self-contained under a hash-based CSP with connect-src 'none'", () => {
  const html = readFileSync(file, "utf8");
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, "a CSP meta tag");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'( 'sha256-[A-Za-z0-9+/=]+')* 'wasm-unsafe-eval'/);
  assert.match(csp, /worker-src data:;/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|'self'|https?:/);
  assert.doesNotMatch(html, /<script\b[^>]*\bsrc=/i, "no external script");
  assert.doesNotMatch(html, /<link\b[^>]*rel="?stylesheet/i, "no external stylesheet");
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\/[^"'\s]*\.(js|mjs|css|wasm|woff2?)\b/i, "no remote asset URL");
});

test("opened from file://, the sample analysis appears", async () => {
  await page.goto(url);
  // Generic over the page's layout: the sample's 48,000 rows are reported
  // and a chart has drawn.
  await page.waitForFunction(
    () => /48[,，.\s]?000/.test(document.body.innerText) && document.querySelector("canvas") !== null,
    null,
    { timeout: 60_000 },
  );
  assert.ok(browser.log.requests.some((u) => u.startsWith("data:text/javascript")), "the worker came from a data: URL");
});

test("zero network requests, no CSP violations, no console errors", async () => {
  await page.waitForTimeout(500);
  assert.deepEqual(network, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(browser.log.pageErrors, []);
});

test("the policy really is in force: no fetch of anything, no inline style", async () => {
  const fetched = await page.evaluate(() => fetch("data:text/plain,x").then(() => "fetched", (e) => e.name));
  assert.equal(fetched, "TypeError", "connect-src 'none' refuses even data: fetches");
  await page.evaluate(() => document.body.setAttribute("style", "color: red"));
  await page.waitForFunction(() => window.__csp.length > 0);
  assert.match((await page.evaluate(() => window.__csp)).join("\n"), /style-src/);
});
