// make bench: hrlens against its peers, same data, same run; prints medians
// and ratios and rewrites the tables in BENCHMARKS.md (between the
// <!-- bench:…:start/end --> markers). Every published figure is a ratio
// against a peer measured in the same run, on the same data.
//
//   node bench/run.mjs            everything (about 10–15 minutes here)
//   node bench/run.mjs --quick    small sizes only, no scale run (a few minutes; BENCHMARKS.md says so)
//   node bench/run.mjs --no-native --no-python --no-scale   skip parts
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, closeSync, statSync, readdirSync, renameSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { cpus, totalmem } from "node:os";
import { startServer } from "../tools/serve.mjs";
import { openBrowser } from "../tests/js/browser.mjs";

const root = new URL("..", import.meta.url);
const here = new URL(".", import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const want = (part) => !args.includes(`--no-${part}`) && !(quick && part === "scale");
const started = Date.now();
const step = (s) => console.log(`\n== ${s} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
const sh = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { encoding: "utf8", ...opts }).trim();

// 1. Peers bundled for the workers (no bundler at run time).
step("bundling the JS peers");
mkdirSync(new URL("vendor/", here), { recursive: true });
execFileSync(
  new URL("node_modules/.bin/esbuild", here).pathname,
  ["peers.js", "--bundle", "--format=esm", "--platform=browser", "--log-level=warning", "--outfile=vendor/peers.js"],
  { cwd: here.pathname, stdio: "inherit" },
);

// 2. Seeded benchmark data, generated once by the engine's CLI (bench-data,
//    see src/engine/sample.rs bench_panel); cached in bench/data/ by shape.
step("benchmark data");
execFileSync("cargo", ["build", "-q", "--release", "--bin", "hrlens"], { cwd: root.pathname, stdio: "inherit" });
const cli = new URL("target/release/hrlens", root).pathname;
const dataDir = new URL("data/", here);
mkdirSync(dataDir, { recursive: true });
const GEN = "v2"; // bump when bench_panel changes
function data(rows, features, kpis, months) {
  const name = `${GEN}_${rows}r_${features}f_${kpis}k_${months}m.csv`;
  const file = new URL(name, dataDir);
  if (!existsSync(file)) {
    const t0 = Date.now();
    const tmp = new URL(`${name}.tmp`, dataDir);
    const fd = openSync(tmp, "w");
    execFileSync(cli, ["bench-data", `${rows}`, `${features}`, `${kpis}`, "7", `${months}`], { stdio: ["ignore", fd, "inherit"] });
    closeSync(fd);
    renameSync(tmp, file);
    console.log(`generated ${name} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { url: `/bench/data/${name}`, path: file.pathname, mb: statSync(file).size / 1e6, rows };
}
const ingest100k = data(100_000, 16, 0, 12);
const ingest1m = quick ? null : data(1_000_000, 16, 0, 12);
const scoreFile = quick ? data(100_000, 0, 12, 1) : data(1_000_000, 0, 12, 1);
const trendFile = quick ? data(120_000, 0, 12, 12) : data(1_200_000, 0, 12, 12);
const scaleFile = want("scale") ? data(25_200_000, 0, 10, 12) : null;

// 3. Native criterion benches on the engine.
const native = [];
if (want("native")) {
  step("native criterion benches");
  const benches = ["score", "trend", "ingest", "kmeans"].filter((b) => existsSync(new URL(`benches/${b}.rs`, root)));
  const t0 = Date.now();
  const env = { ...process.env, ...(quick ? { HRLENS_BENCH_QUICK: "1" } : {}) };
  const r = spawnSync("cargo", ["bench", "-q", ...benches.flatMap((b) => ["--bench", b]), "--", "--noplot"], {
    cwd: root.pathname, stdio: "inherit", env,
  });
  if (r.status !== 0) console.log(`cargo bench failed (status ${r.status}); native figures are missing`);
  // Every estimate written by this run.
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name === "estimates.json" && p.endsWith("/new/estimates.json") && statSync(p).mtimeMs >= t0) {
        const est = JSON.parse(readFileSync(p, "utf8"));
        const bench = JSON.parse(readFileSync(p.replace("estimates.json", "benchmark.json"), "utf8"));
        native.push({ id: bench.full_id, ms: est.median.point_estimate / 1e6, throughput: bench.throughput ?? null });
      }
    }
  };
  const crit = new URL("target/criterion", root).pathname;
  if (existsSync(crit)) walk(crit);
  native.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}

// 4. Python peers (optional): a venv in bench/.venv, installed idempotently.
let python = null;
if (want("python")) {
  step("Python peers");
  python = pythonPeers();
}

function pythonPeers() {
  const venv = new URL(".venv/", here).pathname;
  const py = `${venv}bin/python`;
  const stamp = `${venv}.installed`;
  const req = new URL("requirements.txt", here).pathname;
  try {
    if (!existsSync(stamp) || statSync(stamp).mtimeMs < statSync(req).mtimeMs) {
      const sys = ["python3", "python"].find((p) => spawnSync(p, ["--version"]).status === 0);
      if (!sys) return { skipped: "no python3 on this machine" };
      if (!existsSync(py)) execFileSync(sys, ["-m", "venv", venv], { stdio: "inherit" });
      console.log("installing the Python peers into bench/.venv (once)");
      execFileSync(py, ["-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", req], { stdio: "inherit" });
      writeFileSync(stamp, new Date().toISOString());
    }
    const out = new URL("data/python.json", here).pathname;
    const files = [ingest100k, ingest1m].filter(Boolean).map((f) => f.path);
    execFileSync(py, [new URL("python_peers.py", here).pathname, out, ingest100k.path, "8", "300", quick ? "3" : "5", ...files], {
      stdio: "inherit",
      env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    });
    return JSON.parse(readFileSync(out, "utf8"));
  } catch (e) {
    return { skipped: `pip or the Python run failed: ${String(e.message).split("\n")[0]}` };
  }
}

// 5. The browser run.
step("browser run (Chromium)");
const server = await startServer({ port: 0, quiet: true });
const browser = await openBrowser();
const page = await browser.context.newPage();
browser.watch(page);
page.on("console", (m) => console.log(`  [page] ${m.text()}`));
await page.goto(`${server.url}/bench/index.html`);
await page.waitForSelector("body[data-ready=true]");
const FEATURES = [...Array(16).keys()].map((j) => `f${String(j + 1).padStart(2, "0")}`);
const label = (f, extra = "") => `${f.rows >= 1e6 ? `${f.rows / 1e6}M` : `${f.rows / 1e3}k`} rows${extra}`;
const plan = {
  ingest: [
    { label: `${label(ingest100k)} × 20 cols`, url: ingest100k.url, reps: 5 },
    ...(ingest1m ? [{ label: `${label(ingest1m)} × 20 cols`, url: ingest1m.url, reps: 3, papaReps: 2 }] : []),
  ],
  kmeans: { label: "100k × 16, k = 8", url: ingest100k.url, features: FEATURES, k: 8, maxIter: 300, tol: 0, reps: 5, mlReps: 3 },
  segment: [
    { label: `${label(ingest100k)} × 16, automatic k (2…10)`, url: ingest100k.url, features: FEATURES, k: "auto" },
    ...(ingest1m ? [{ label: `${label(ingest1m)} × 16, k = 8`, url: ingest1m.url, features: FEATURES, k: 8 }] : []),
  ],
  score: { label: `${label(scoreFile)} × 12 KPIs`, url: scoreFile.url, reps: 9, peerReps: 5 },
  trend: { label: `${label(trendFile, " (employees × 12 months)")}`, url: trendFile.url, reps: 9, peerReps: 5 },
  scale: scaleFile ? { label: "2.1M employees × 12 months × 10 KPIs", url: scaleFile.url, period: "2023-12", mb: scaleFile.mb } : null,
};
page.setDefaultTimeout(0);
const out = await page.evaluate((p) => window.runBench(p), plan);
const chromium = browser.context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
await browser.close();
server.server.close();
const { results, checks, scale } = out;
// scikit-learn from the same start must reach ml-kmeans' (and hrlens') fixed point.
for (const k of python?.kmeans ?? []) {
  const ml = results.find((r) => r.bench.startsWith("k-means") && r.who === "ml-kmeans" && r.info);
  if (!ml) continue;
  const rel = Math.abs(k.inertia - ml.info.inertia) / ml.info.inertia;
  checks.push({ bench: `k-means ${plan.kmeans.label}`, what: `${k.who} reaches ml-kmeans' inertia (rel. 1e-6) and sizes`,
                ok: rel <= 1e-6 && JSON.stringify(k.sizes) === JSON.stringify(ml.info.sizes),
                detail: `rel. diff ${rel.toExponential(2)}, ${k.iterations} vs ${ml.info.iterations} iterations` });
}

// 6. Sizes.
const wasm = readFileSync(new URL("pkg/hrlens_bg.wasm", root));
const size = { raw: wasm.byteLength, gzip: gzipSync(wasm, { level: 9 }).byteLength };

// 7. Goals, ratios, report.
step("report");
const ok = (r) => r && !r.error && !r.notMeasured;
const find = (bench, who) => results.find((r) => r.bench.startsWith(bench) && r.who === who);
// a / b as "N×"; below 1 it also says how much slower hrlens is.
const x = (a, b) => {
  const r = a / b;
  return r >= 1 ? `${r.toFixed(r >= 10 ? 0 : 1)}×` : `${r.toFixed(2)}× (hrlens ${(1 / r).toFixed(1)}× slower)`;
};
// A peer against hrlens, for the "vs hrlens" column.
const vs = (peer, h) => {
  const r = peer / h;
  return r >= 1 ? `${r.toFixed(r >= 10 ? 0 : 1)}× slower` : `${(1 / r).toFixed(1)}× faster`;
};
const ms = (v) => (v == null ? "—" : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const goals = [];
const mib = (b) => (b == null ? "—" : `${(b / 2 ** 20).toFixed(0)} MiB`);
const goal = (text, measured, met, why = "") => goals.push({ text, measured, met, why });
const missing = (r, who) => (r?.notMeasured ? `not measured: ${r.notMeasured}` : r?.error ? `failed: ${r.error}` : `${who} missing`);

// CSV ingest on the largest file.
{
  const b = plan.ingest.at(-1).label;
  const h = find(`CSV ingest ${b}`, "hrlens");
  const duck = find(`CSV ingest ${b}`, "DuckDB-Wasm read_csv");
  const papa = find(`CSV ingest ${b}`, "PapaParse (header + dynamicTyping)");
  if (ok(h) && ok(duck)) goal(`CSV ingest ${b}: ≥ 2× faster than DuckDB-Wasm`, x(duck.ms, h.ms), duck.ms / h.ms >= 2);
  else goal(`CSV ingest ${b}: ≥ 2× faster than DuckDB-Wasm`, missing(ok(h) ? duck : h), null);
  if (ok(h) && ok(papa)) goal(`CSV ingest ${b}: ≥ 10× faster than PapaParse (typed)`, x(papa.ms, h.ms), papa.ms / h.ms >= 10);
  if (ok(h)) goal(`CSV ingest ${b}: ≥ 250 MB/s in wasm`, `${h.mbps.toFixed(0)} MB/s`, h.mbps >= 250);
}
// k-means.
let sklearnBest = null;
{
  const b = "k-means";
  const single = find(b, "hrlens k-means (1 worker)");
  const pool = results.find((r) => r.bench.startsWith(b) && r.who.startsWith("hrlens k-means (worker pool") && ok(r));
  const h = [single, pool].filter(ok).sort((p, q) => p.ms - q.ms)[0];
  const ml = find(b, "ml-kmeans");
  const sk = (python?.kmeans ?? []).slice().sort((p, q) => p.ms - q.ms)[0];
  sklearnBest = sk ?? null;
  if (h && ok(ml)) goal(`k-means ${plan.kmeans.label}: ≥ 20× faster than ml-kmeans`, `${x(ml.ms, h.ms)} (${h.who})`, ml.ms / h.ms >= 20);
  else goal(`k-means ${plan.kmeans.label}: ≥ 20× faster than ml-kmeans`, missing(single, "hrlens"), null);
  if (h && sk) goal(`k-means: ≥ 2× faster than scikit-learn's best single thread (${sk.who})`, x(sk.ms, h.ms), sk.ms / h.ms >= 2);
  else goal("k-means: ≥ 2× faster than scikit-learn's best single thread", sk ? missing(single, "hrlens") : python?.skipped ?? "Python peers not run", null);
}
// Segments at size.
for (const c of plan.segment) {
  const r = results.find((q) => q.bench === `segment ${c.label}` && q.who.startsWith("hrlens"));
  const text = c.k === "auto" ? `automatic k on ${c.label.split(",")[0]}: seconds, not minutes (≤ 10 s)` : `ds.segment ${c.label} completes in the browser`;
  if (ok(r)) goal(text, `${(r.ms / 1000).toFixed(1)} s, k = ${r.info.k}, ${mib(r.wasmMemory)} wasm`, c.k === "auto" ? r.ms <= 10_000 : true);
  else goal(text, missing(r, "hrlens"), r?.error ? false : null);
}
// What-if.
{
  const b = `what-if score ${plan.score.label}`;
  const h = find(b, "hrlens whatIf.setWeights");
  const duck = find(b, "DuckDB-Wasm SQL");
  if (ok(h)) goal(`what-if re-score ${plan.score.label}: ≤ 16 ms`, `${ms(h.ms)} ms`, h.ms <= 16);
  if (ok(h) && ok(duck)) goal(`what-if re-score: ≥ 10× faster than DuckDB-Wasm`, x(duck.ms, h.ms), duck.ms / h.ms >= 10);
}
// Trend.
{
  const b = `monthly trend + alerts ${plan.trend.label}`;
  const h = find(b, "hrlens trend + alerts");
  const duck = find(b, "DuckDB-Wasm window queries");
  if (ok(h)) goal(`monthly trend + alerts ${plan.trend.label}: ≤ 15 ms`, `${ms(h.ms)} ms`, h.ms <= 15);
  if (ok(h) && ok(duck)) goal(`monthly trend + alerts: ≥ 30× faster than DuckDB-Wasm`, x(duck.ms, h.ms), duck.ms / h.ms >= 30);
}
goal("wasm ≤ 400 KB gzipped", `${(size.gzip / 1024).toFixed(0)} KB`, size.gzip <= 400 * 1024);
if (scale) {
  goal(`scale run (${scale.label}) completes in one tab`, scale.completed ? "completed" : `failed at ${scale.phases?.at(-1)?.name ?? "start"}`, !!scale.completed);
} else goal("scale run (2.1M employees × 12 months × 10 KPIs) completes", quick ? "not run (--quick)" : "not run (--no-scale)", null);

const cell = (s) => String(s).replaceAll("|", "/").replaceAll("\n", " ");
const benchRows = results.map((r) => {
  if (r.notMeasured) return `| ${r.bench} | ${r.who} | not measured: ${cell(r.notMeasured)} | | | | |`;
  if (r.error) return `| ${r.bench} | ${r.who} | failed: ${cell(r.error)} | | | ${mib(r.wasmMemory)} | |`;
  const h = results.find((q) => q.bench === r.bench && q.who.startsWith("hrlens") && ok(q) && !q.profile && !q.variant);
  const ratio = h && !r.who.startsWith("hrlens") && !r.profile ? vs(r.ms, h.ms) : "";
  const extra = [r.mbps ? `${r.mbps.toFixed(0)} MB/s` : "", r.info?.iterations ? `${r.info.iterations} iter` : ""].filter(Boolean).join(", ");
  // wasm memory of hrlens' own worker; DuckDB's buffer manager; the JS peers' heap is not
  // measurable in a worker (performance.memory is window-only in Chromium).
  const mem = (r.who.startsWith("hrlens") || r.profile) && r.wasmMemory != null ? `${mib(r.wasmMemory)} wasm`
    : r.engineMemory != null ? `${mib(r.engineMemory)} (DuckDB)` : "—";
  return `| ${r.bench} | ${r.who} | ${ms(r.ms)} | ${r.times.length} | ${extra} | ${mem} | ${ratio} |`;
});
const pyRows = [];
if (python && !python.skipped) {
  const hk = [find("k-means", "hrlens k-means (1 worker)")].filter(ok)[0];
  for (const k of python.kmeans) {
    pyRows.push(`| k-means ${plan.kmeans.label} | ${k.who} | ${ms(k.ms)} | ${k.times.length} | ${k.iterations} iter | | ${hk ? vs(k.ms, hk.ms) : ""} |`);
  }
  for (const f of python.ingest) {
    const b = plan.ingest.find((p) => f.file.endsWith(p.url.split("/").pop()))?.label ?? f.file;
    const h = find(`CSV ingest ${b}`, "hrlens");
    pyRows.push(`| CSV ingest ${b} | ${f.who} | ${ms(f.ms)} | ${f.times.length} | ${(f.mb / (f.ms / 1000)).toFixed(0)} MB/s | | ${ok(h) ? vs(f.ms, h.ms) : ""} |`);
  }
}
const table = [
  "| benchmark | who | median ms | reps | throughput | peak memory | vs hrlens |",
  "|---|---|---:|---:|---|---:|---|",
  ...benchRows,
  ...pyRows,
].join("\n");
const goalTable = [
  "| goal | measured | met |",
  "|---|---|---|",
  ...goals.map((g) => `| ${g.text} | ${cell(g.measured)} | ${g.met == null ? "not measured" : g.met ? "met" : "**not met**"} |`),
].join("\n");
const checkTable = [
  "| benchmark | check | result |",
  "|---|---|---|",
  ...checks.map((c) => `| ${c.bench} | ${c.what} | ${c.ok ? "agree" : "**disagree**"}${c.detail ? `: ${cell(c.detail)}` : ""} |`),
].join("\n");
const nativeTable = native.length
  ? ["| criterion id | median ms | throughput |", "|---|---:|---:|",
     ...native.map((n) => {
       const el = n.throughput?.Elements;
       return `| ${n.id} | ${ms(n.ms)} | ${el ? `${(el / (n.ms / 1000) / 1e6).toFixed(1)} M rows/s` : ""} |`;
     })].join("\n")
  : want("native") ? "Native benches did not run (see the make bench output)." : "Not run (--no-native).";
let scaleText = "Not run" + (quick ? " (--quick)." : " (--no-scale).");
if (scale) {
  const phases = (scale.phases ?? []).map((p) => `| ${p.name} | ${ms(p.ms)} | ${mib(p.wasmMemory)} | ${p.error ? `failed: ${cell(p.error)}` : "ok"} |`);
  scaleText = [
    `${scale.label}: **${scale.completed ? "completed" : "did not complete"}**` +
      (scale.completed ? ` — ${scale.rows} rows (${scale.mb.toFixed(0)} MB of CSV), ${scale.scored} people scored, ${scale.series} department series.` : "."),
    ...(scale.error ? ["", `Error: ${cell(scale.error)}`] : []),
    ...(scale.completed ? [] : ["", scaleWhy(scale)]),
    "",
    "| phase | ms | wasm memory after | result |",
    "|---|---:|---:|---|",
    ...phases,
  ].join("\n");
}
// Why the scale run did not fit: the file, where it stopped, and what the
// 1M-row ingest's memory per byte of CSV predicts for this file.
function scaleWhy(sc) {
  const last = sc.phases?.at(-1);
  const big = results.filter((r) => r.bench.startsWith("CSV ingest") && r.who === "hrlens" && ok(r)).at(-1);
  const file = plan.scale.mb * 1e6;
  const lines = [`It stopped in **${last?.name ?? "start"}** with ${mib(last?.wasmMemory)} of wasm memory (wasm32's limit is 4 GiB = 4096 MiB).`];
  if (big) {
    const perByte = big.wasmMemory / (big.mb * 1e6);
    lines.push(`The CSV is ${(file / 2 ** 30).toFixed(2)} GiB, streamed through \`DatasetLoader\` in 4 MiB chunks (the text is never whole in wasm memory); the ${big.bench.replace("CSV ingest ", "")} ingest above (f64 columns, whole file in memory) peaked at ${perByte.toFixed(1)}× its file size.`);
  }
  return lines.join(" ");
}

const v = (p) => { try { return JSON.parse(readFileSync(new URL(`node_modules/${p}/package.json`, here), "utf8")).version; } catch { return "?"; } };
const rustc = (() => { try { return sh("rustc", ["--version"]); } catch { return "rustc ?"; } })();
const crate = readFileSync(new URL("Cargo.toml", root), "utf8").match(/^version = "(.+)"/m)?.[1];
const machine = [
  `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (shared with other jobs)`,
  `Chromium ${chromium}; Node ${process.version}; ${rustc}; hrlens ${crate}`,
  `peers: DuckDB-Wasm ${v("@duckdb/duckdb-wasm")} (${out.versions.duckdb?.version ?? out.versions.duckdb ?? "?"}), Arquero ${v("arquero")}, ml-kmeans ${v("ml-kmeans")}, PapaParse ${v("papaparse")}` +
    (python && !python.skipped ? `; ${Object.entries(python.versions).map(([k, val]) => `${k} ${val}`).join(", ")}` : ""),
  `date ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; make bench took ${((Date.now() - started) / 60000).toFixed(1)} min`,
].join("  \n");
const block = `<!-- bench:results:start -->
Measured by \`make bench\`${quick ? " **--quick** (small sizes, no scale run; not the published sizes)" : ""}:  
${machine}

wasm: ${(size.raw / 1024).toFixed(0)} KB raw, ${(size.gzip / 1024).toFixed(0)} KB gzipped (pkg/hrlens_bg.wasm after wasm-opt -O3).
${python?.skipped ? `\nPython peers skipped: ${python.skipped}.\n` : ""}
### Goals

${goalTable}

### Browser (Chromium, each side in its own worker) and Python

${table}

### Do the sides agree?

${checkTable}

### Scale run

${scaleText}

### Native (criterion, \`cargo bench --bench score --bench trend --bench ingest --bench kmeans\`)

${nativeTable}
<!-- bench:results:end -->`;

console.log("\n" + goalTable + "\n\n" + table + "\n\n" + checkTable + "\n\n" + scaleText + "\n\n" + nativeTable + "\n");
const mdUrl = new URL("BENCHMARKS.md", root);
const md = readFileSync(mdUrl, "utf8");
const re = /<!-- bench:results:start -->[\s\S]*<!-- bench:results:end -->/;
writeFileSync(mdUrl, re.test(md) ? md.replace(re, block) : `${md.trimEnd()}\n\n${block}\n`);
writeFileSync(new URL("data/last-run.json", here), JSON.stringify({ plan, out, native, python, size, goals }, null, 1));
console.log(`BENCHMARKS.md updated (raw results in bench/data/last-run.json); ${((Date.now() - started) / 60000).toFixed(1)} min`);
const outside = browser.log.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("blob:") && !u.startsWith("data:"));
if (outside.length) console.log(`warning: requests outside loopback: ${outside.join(", ")}`);
if (checks.some((c) => !c.ok)) {
  console.log("some results disagree between hrlens and a peer (see above)");
  process.exitCode = 1;
}
