// A small static server for the page, bound to loopback only.
//
//   node tools/serve.mjs [--port 8080] [--quiet]
//
// Serves the repository root (the page is www/, the wasm package pkg/, the
// charting library node_modules/echarts/dist), with the right MIME type for
// .wasm and the same Content-Security-Policy as the page's <meta> tag, so
// workers (which do not inherit a <meta> CSP) are held to it too.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  // No string becomes markup or script: only the page's own policies
  // (www/trusted-types.js, www/rpc.js) may create trusted values.
  "require-trusted-types-for 'script'",
  "trusted-types hrlens default",
].join("; ");

// The benchmark page runs peers that need eval (Arquero compiles expressions
// with new Function; DuckDB-Wasm's loader too): it gets its own, looser policy.
// The product's pages never do.
export const BENCH_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; worker-src 'self' blob:";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

const BIG = 256 * 2 ** 20;
const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
// Only these top-level folders are served: nothing else of the checkout leaks.
const ALLOWED = ["www", "pkg", "node_modules/echarts/dist", "bench", "tests/e2e/fixtures", "examples/plain-html"];

export function startServer({ port = 8080, host = "127.0.0.1", quiet = false } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let path = decodeURIComponent(url.pathname);
    if (path === "/" || path === "/index.html") {
      res.writeHead(302, { Location: "/www/index.html" });
      res.end();
      return;
    }
    const file = normalize(join(ROOT, path));
    const rel = file.slice(ROOT.length + 1).split(sep).join("/");
    if (!file.startsWith(ROOT + sep) || !ALLOWED.some((a) => rel === a || rel.startsWith(a + "/"))) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
      return;
    }
    try {
      const s = await stat(file);
      const target = s.isDirectory() ? join(file, "index.html") : file;
      const headers = {
        "Content-Type": TYPES[extname(target)] ?? "application/octet-stream",
        "Content-Security-Policy": rel.startsWith("bench/") ? BENCH_CSP : CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
      };
      if (s.isFile() && s.size > BIG) {
        // Big files (the benchmark's scale data, > 2 GiB) are streamed: readFile cannot hold them.
        res.writeHead(200, { ...headers, "Content-Length": String(s.size) });
        await pipeline(createReadStream(target), res).catch(() => res.destroy());
        return;
      }
      const body = await readFile(target);
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const addr = server.address();
      if (!quiet) console.log(`hrlens is served at http://${host}:${addr.port}/www/index.html  (Ctrl-C to stop)`);
      ok({ server, port: addr.port, url: `http://${host}:${addr.port}` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8080);
  startServer({ port, quiet: process.argv.includes("--quiet") }).catch((e) => {
    console.error(`cannot serve on 127.0.0.1:${port}: ${e.message}`);
    process.exit(1);
  });
}
