// make bench: hrlens against its peers, same data, same run, in Debian's
// Chromium; prints medians and ratios and rewrites the tables in BENCHMARKS.md.
// Every published figure is a ratio against a peer measured in the same run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, closeSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { cpus, totalmem } from "node:os";
import { startServer } from "../tools/serve.mjs";
import { openBrowser } from "../tests/js/browser.mjs";

const root = new URL("..", import.meta.url);
const here = new URL(".", import.meta.url);
const quick = process.argv.includes("--quick");

// 1. Peers bundled for the workers (no bundler at run time).
mkdirSync(new URL("vendor/", here), { recursive: true });
execFileSync(
  new URL("node_modules/.bin/esbuild", here).pathname,
  ["peers.js", "--bundle", "--format=esm", "--platform=browser", "--log-level=warning", "--outfile=vendor/peers.js"],
  { cwd: here.pathname, stdio: "inherit" },
);

// 2. Seeded benchmark data, generated once by the engine's CLI.
const dataDir = new URL("data/", here);
mkdirSync(dataDir, { recursive: true });
function data(name, rows, features, kpis) {
  const file = new URL(name, dataDir);
  if (!existsSync(file)) {
    console.log(`generating ${name} (${rows} rows)`);
    const fd = openSync(file, "w");
    execFileSync("cargo", ["run", "-q", "--release", "--bin", "hrlens", "--", "bench-data", `${rows}`, `${features}`, `${kpis}`, "7"], {
      cwd: root.pathname, stdio: ["ignore", fd, "inherit"],
    });
    closeSync(fd);
  }
  return { url: `/bench/data/${name}`, mb: statSync(file).size / 1e6 };
}
const csv100k = data("ingest_100k.csv", 100_000, 16, 0);
const csv1m = quick ? null : data("ingest_1m.csv", 1_000_000, 16, 0);

// 3. The browser run.
const server = await startServer({ port: 0, quiet: true });
const browser = await openBrowser();
const page = await browser.context.newPage();
browser.watch(page);
page.on("console", (m) => console.log(`  [page] ${m.text()}`));
await page.goto(`${server.url}/bench/index.html`);
await page.waitForSelector("body[data-ready=true]");
const plan = {
  ingest: [
    { label: "100k × 20", url: csv100k.url, reps: 5 },
    ...(csv1m ? [{ label: "1M × 20", url: csv1m.url, reps: 3 }] : []),
  ],
};
page.setDefaultTimeout(0);
const results = await page.evaluate((p) => window.runBench(p), plan);
const chromium = browser.context.browser()?.version() ?? "";
await browser.close();
server.server.close();

// 4. Sizes.
const wasm = readFileSync(new URL("pkg/hrlens_bg.wasm", root));
const size = { raw: wasm.byteLength, gzip: gzipSync(wasm, { level: 9 }).byteLength };

// 5. Goals, ratios, report.
const by = (bench, who) => results.find((r) => r.bench === bench && r.who === who && !r.error);
const goals = [];
for (const label of plan.ingest.map((f) => f.label)) {
  const b = `CSV ingest ${label}`;
  const h = by(b, "hrlens");
  const duck = by(b, "DuckDB-Wasm read_csv");
  const papa = by(b, "PapaParse (header + dynamicTyping)");
  if (h && duck) goals.push({ goal: `${b}: ≥ 2× faster than DuckDB-Wasm`, measured: `${(duck.ms / h.ms).toFixed(2)}×`, met: duck.ms / h.ms >= 2 });
  if (h && papa) goals.push({ goal: `${b}: ≥ 10× faster than PapaParse (typed)`, measured: `${(papa.ms / h.ms).toFixed(2)}×`, met: papa.ms / h.ms >= 10 });
  if (h) goals.push({ goal: `${b}: ≥ 250 MB/s in wasm`, measured: `${h.mbps.toFixed(0)} MB/s`, met: h.mbps >= 250 });
}
goals.push({ goal: "wasm ≤ 400 KB gzipped", measured: `${(size.gzip / 1024).toFixed(0)} KB`, met: size.gzip <= 400 * 1024 });

const mib = (b) => (b == null ? "—" : `${(b / 2 ** 20).toFixed(0)} MiB`);
const table = [
  "| benchmark | who | median ms | MB/s | rows | wasm memory | vs hrlens |",
  "|---|---|---:|---:|---:|---:|---:|",
  ...results.map((r) => {
    if (r.error) return `| ${r.bench} | ${r.who} | failed: ${r.error.replaceAll("|", "/")} | | | | |`;
    const h = by(r.bench, "hrlens");
    const ratio = h && r.who !== "hrlens" ? `${(r.ms / h.ms).toFixed(2)}× slower` : "";
    return `| ${r.bench} | ${r.who} | ${r.ms.toFixed(1)} | ${r.mbps ? r.mbps.toFixed(0) : ""} | ${r.rows ?? ""} | ${mib(r.wasmMemory)} | ${ratio} |`;
  }),
].join("\n");
const goalTable = [
  "| goal | measured | met |",
  "|---|---|---|",
  ...goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.met ? "met" : "**not met**"} |`),
].join("\n");
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Chromium ${chromium}; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`;
const block = `<!-- bench:browser:start -->
Measured by \`make bench\`${quick ? " (--quick: 100k only)" : ""} on ${machine}.
wasm: ${(size.raw / 1024).toFixed(0)} KB raw, ${(size.gzip / 1024).toFixed(0)} KB gzipped.

${goalTable}

${table}
<!-- bench:browser:end -->`;

console.log("\n" + goalTable + "\n\n" + table + "\n");
const mdUrl = new URL("BENCHMARKS.md", root);
const md = readFileSync(mdUrl, "utf8");
const re = /<!-- bench:browser:start -->[\s\S]*<!-- bench:browser:end -->/;
writeFileSync(mdUrl, re.test(md) ? md.replace(re, block) : `${md.trimEnd()}\n\n${block}\n`);
console.log("BENCHMARKS.md updated");
const outside = browser.log.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("blob:") && !u.startsWith("data:"));
if (outside.length) console.log(`warning: requests outside loopback: ${outside.join(", ")}`);
