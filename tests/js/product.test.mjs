// The page's product modules in Chromium, on the served page: exports through
// a worker, a chart to PNG, an encrypted workspace round trip in WebCrypto.
// Generic over the page's layout: it needs only an ECharts chart on it.
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
  await page.goto(`${server.url}/`);
  await page.waitForSelector("[_echarts_instance_] canvas", { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

test("exportTable writes CSV and XLSX in a worker and downloads them", async () => {
  const [dl] = await Promise.all([
    page.waitForEvent("download"),
    page.evaluate(async () => {
      const { connect } = await import("/www/rpc.js");
      const { exportTable, useWorker } = await import("/www/export.js");
      useWorker(connect());
      const rows = [{ 姓名: "=cmd|' /C calc'!A0", 分: 1.5 }, { 姓名: "<img src=x onerror=alert(1)>", 分: -2 }];
      window.__xlsx = (await exportTable("结果", rows, { format: "xlsx", download: false })).size;
      await exportTable("结果", rows);
    }),
  ]);
  assert.equal(dl.suggestedFilename(), "结果.csv");
  const csv = await readFile(await dl.path());
  assert.equal(csv.toString("utf8"), "\uFEFF姓名,分\r\n'=cmd|' /C calc'!A0,1.5\r\n<img src=x onerror=alert(1)>,-2\r\n");
  assert.ok((await page.evaluate(() => window.__xlsx)) > 500);
});

test("exportChart saves the page's chart as a PNG", async () => {
  const [dl] = await Promise.all([
    page.waitForEvent("download"),
    page.evaluate(async () => {
      const echarts = await import("/node_modules/echarts/dist/echarts.esm.min.mjs");
      const { exportChart } = await import("/www/export.js");
      exportChart(echarts.getInstanceByDom(document.querySelector("[_echarts_instance_]")), "图表");
    }),
  ]);
  assert.equal(dl.suggestedFilename(), "图表.png");
  const png = await readFile(await dl.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 2000, "a real picture");
});

test("a workspace encrypts and decrypts in the browser's WebCrypto", async () => {
  const r = await page.evaluate(async () => {
    const ws = await import("/www/workspace.js");
    const bytes = await ws.saveWorkspace(
      { files: [new File(["工号\nE1\n"], "a.csv", { type: "text/csv" })], settings: { lang: "zh" } },
      "口令 passphrase",
    );
    const back = await ws.loadWorkspace(new Blob([bytes]), "口令 passphrase");
    let wrong;
    try {
      await ws.loadWorkspace(bytes, "not the passphrase");
    } catch (e) {
      wrong = { name: e.name, code: e.code, zh: e.messageZh };
    }
    return { magic: new TextDecoder().decode(bytes.slice(0, 8)), text: new TextDecoder().decode(back.files[0].bytes), settings: back.settings, wrong };
  });
  assert.equal(r.magic, "HRLENSWS");
  assert.equal(r.text, "工号\nE1\n");
  assert.deepEqual(r.settings, { lang: "zh" });
  assert.deepEqual(r.wrong, { name: "WorkspaceError", code: "wrong-passphrase", zh: "口令错误（或文件头已损坏）。" });
});

test("nothing left 127.0.0.1, no CSP violation, no console error", async () => {
  const outside = browser.log.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("blob:") && !u.startsWith("data:"));
  assert.deepEqual(outside, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(browser.log.consoleErrors, []);
});
