// End-to-end: the page's export menus and workspace menu with the product
// modules — CSV/XLSX files from a table, pseudonymised exports, an encrypted
// workspace saved and opened again (wrong passphrase refused), a scenario
// file with the weights and no data.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { startServer } from "../../tools/serve.mjs";
import { openBrowser, isLocal } from "./browser.mjs";

let server, browser, page;
const PASS = "correct horse battery";

before(async () => {
  server = await startServer({ port: 0, quiet: true });
  browser = await openBrowser({ locale: "en-US", viewport: { width: 1360, height: 900 } });
  page = await browser.context.newPage();
  browser.watch(page);
  await page.addInitScript(() => localStorage.setItem("hrlens.tour", "done"));
  await openScores();
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

async function openScores() {
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#chart[data-ready="true"]', { timeout: 30_000 });
  await page.click("#tab-scores");
  await page.waitForSelector("#ranking .vt-data");
}

async function download(trigger) {
  const [dl] = await Promise.all([page.waitForEvent("download"), trigger()]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

async function workspaceMenu(action) {
  await page.click("#workspace .menu-button");
  await page.click(`#workspace .menu-item[data-action="${action}"]`);
}

const exportRanking = (format) =>
  download(async () => {
    await page.click("#ranking .menu-button");
    await page.click(`#ranking .menu-item[data-action="${format}"]`);
  });

test("a table exports as CSV and as XLSX", async () => {
  const csv = await exportRanking("csv");
  assert.equal(csv.name, "Ranking.csv");
  const text = csv.bytes.toString("utf8").replace(/^\ufeff/, "");
  assert.match(text.split(/\r?\n/)[0], /^Rank,Id,Person,Band,Total,/);
  const xlsx = await exportRanking("xlsx");
  assert.equal(xlsx.name, "Ranking.xlsx");
  assert.equal(xlsx.bytes.subarray(0, 2).toString("latin1"), "PK", "an XLSX is a zip");
});

test("with pseudonymisation on, ids and names leave as stable pseudonyms", async () => {
  const plain = (await exportRanking("csv")).bytes.toString("utf8").split(/\r?\n/)[1].split(",");
  await workspaceMenu("privacy");
  await page.check("#privacy-pseudo");
  await page.click("#privacy-dialog .primary");
  const a = (await exportRanking("csv")).bytes.toString("utf8").split(/\r?\n/)[1].split(",");
  const b = (await exportRanking("csv")).bytes.toString("utf8").split(/\r?\n/)[1].split(",");
  assert.match(a[1], /^P-[0-9A-Z]{12}$/);
  assert.match(a[2], /^P-[0-9A-Z]{12}$/);
  assert.notEqual(a[1], plain[1]);
  assert.deepEqual(a, b, "the same person gets the same pseudonym every time");
  assert.equal(a[4], plain[4], "numbers are not touched");
});

test("the workspace saves encrypted and opens again with its weights", async () => {
  await page.locator('input[data-weight="服务质量"]').fill("10");
  await page.waitForSelector("#movers li");
  await workspaceMenu("save-workspace");
  await page.fill("#pass-1", PASS);
  await page.fill("#pass-2", "something else");
  await page.click("dialog.ask button[type=submit]");
  assert.match(await page.textContent("dialog.ask .error-text"), /differ/);
  await page.fill("#pass-2", PASS);
  const saved = await download(() => page.click("dialog.ask button[type=submit]"));
  assert.match(saved.name, /^hrlens-\d{4}-\d{2}-\d{2}\.hrlens$/);
  assert.equal(saved.bytes.subarray(0, 8).toString("latin1"), "HRLENSWS");
  assert.ok(!saved.bytes.includes(Buffer.from("服务质量")), "nothing readable in the file");

  // A fresh page: default weights; open the workspace.
  await openScores();
  assert.equal(await page.inputValue('input[data-weight="服务质量"]'), "40");
  const open = async (pass) => {
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), workspaceMenu("open-workspace")]);
    await chooser.setFiles({ name: saved.name, mimeType: "application/octet-stream", buffer: saved.bytes });
    await page.fill("#pass-1", pass);
    await page.click("dialog.ask button[type=submit]");
  };
  await open("not the passphrase");
  await page.waitForSelector(".toast.error");
  assert.match(await page.textContent(".toast.error"), /passphrase/i);
  await open(PASS);
  await page.waitForFunction(() => document.querySelector('input[data-weight="服务质量"]')?.value === "10");
  // The privacy settings came back with it (pseudonyms on, same secret).
  const row = (await exportRanking("csv")).bytes.toString("utf8").split(/\r?\n/)[1].split(",");
  assert.match(row[1], /^P-/);
});

test("a scenario file holds the weights and rules, never data", async () => {
  const sc = await download(() => workspaceMenu("save-scenario"));
  assert.match(sc.name, /scenario\.json$/);
  const json = JSON.parse(sc.bytes.toString("utf8"));
  assert.equal(json.kind, "hrlens-scenario");
  assert.equal(json.scorecards[0].dimensions.find((d) => d.name === "服务质量").weight, 10);
  assert.ok(json.alertRules.length > 0);
  assert.ok(!JSON.stringify(json).includes("E00001"), "no employee data in a scenario");
  assert.equal(json.options.privacy.secret, undefined, "the pseudonym secret stays in the workspace");
  await openScores();
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), workspaceMenu("open-scenario")]);
  await chooser.setFiles({ name: sc.name, mimeType: "application/json", buffer: sc.bytes });
  await page.waitForFunction(() => document.querySelector('input[data-weight="服务质量"]')?.value === "10");
});

test("nothing left the machine, no errors, the CSP held", async () => {
  assert.deepEqual(browser.log.requests.filter((u) => !isLocal(u)), []);
  assert.deepEqual(browser.log.pageErrors, []);
  assert.deepEqual(browser.log.consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
});
