// Writes dist/hrlens.html: the page as ONE file that works opened from disk
// (file://) with no server and no network — for privacy-sensitive offline use.
//
//   node tools/single.mjs [--out dist/hrlens.html] [--page www/index.html]
//
// Generic over the page: it takes whatever index.html loads and inlines it.
// - Module scripts are bundled with esbuild (their whole import graph, ECharts
//   included) into inline <script type="module">. Every
//   `new URL("<file>", import.meta.url)` in that graph is resolved here: a
//   .js file (a worker) becomes a data: URL of its own bundle, a .wasm file
//   its bytes (base64, decoded in place — a fetch would need connect-src),
//   anything else a data: URL.
// - Stylesheets (with their @imports and url()s) become one inline <style>.
// - Icons and images become data: URLs; preloads and manifests are dropped.
// - The Content-Security-Policy is rewritten for the single file: inline code
//   is allowed by its SHA-256 hash only (no 'unsafe-inline'), workers only from
//   data: (the inlined worker), wasm by 'wasm-unsafe-eval', and connect-src 'none'.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, extname, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const PAGE = resolve(ROOT, arg("--page", "www/index.html"));
const OUT = resolve(ROOT, arg("--out", "dist/hrlens.html"));

const MIME = {
  ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
  ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
  ".json": "application/json", ".csv": "text/csv", ".wasm": "application/wasm", ".css": "text/css",
};
const ASSET_URL = /new\s+URL\(\s*(['"`])([^'"`$]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const warnings = [];

async function dataUrl(path) {
  const type = MIME[extname(path).toLowerCase()] ?? "application/octet-stream";
  return `data:${type};base64,${(await readFile(path)).toString("base64")}`;
}

// `new URL("x", import.meta.url)` → an import of the inlined asset.
// A worker's wasm is not put inside the worker's data: URL: Chromium caps a
// URL at 2 MiB, which the module alone nearly fills. The page holds the bytes
// once (see `wasmPrelude`) and posts them to each inlined worker as its first
// message; inside the worker the module's bytes are a promise of that message.
const workerWasm = new Set();
const inlineAssets = (inWorker) => ({
  name: "inline-assets",
  setup(build) {
    build.onLoad({ filter: /\.m?js$/ }, async (args) => {
      const src = await readFile(args.path, "utf8");
      if (!src.includes("import.meta.url")) return undefined;
      const imports = [];
      const out = src.replace(ASSET_URL, (_, _q, rel) => {
        const id = `__hrlens_asset_${imports.length}`;
        imports.push(`import ${id} from ${JSON.stringify(`inline-asset:${resolve(dirname(args.path), rel)}`)};`);
        return id;
      });
      return { contents: `${imports.join("\n")}\n${out}`, loader: "js", resolveDir: dirname(args.path) };
    });
    build.onResolve({ filter: /^inline-asset:/ }, (args) => ({ path: args.path.slice("inline-asset:".length), namespace: "inline-asset" }));
    build.onLoad({ filter: /.*/, namespace: "inline-asset" }, async ({ path }) => {
      if (/\.m?js$/.test(path)) {
        // A data: URL, not a blob: one: Chromium refuses module workers from
        // blob: URLs of a file:// page (an opaque origin), and takes data: ones.
        const code = await bundle(path, "esm", true);
        return {
          contents: `export default "data:text/javascript;charset=utf-8," + encodeURIComponent(${JSON.stringify(code)});`,
          loader: "js",
        };
      }
      if (path.endsWith(".wasm") && inWorker) {
        workerWasm.add(path);
        return {
          contents: `export default new Promise((resolve) => {
  self.addEventListener("message", function first(e) {
    const bytes = e.data && e.data.__hrlensWasm;
    if (!bytes) return;
    self.removeEventListener("message", first);
    e.stopImmediatePropagation();
    resolve(bytes);
  });
});`,
          loader: "js",
        };
      }
      if (path.endsWith(".wasm")) {
        const b64 = (await readFile(path)).toString("base64");
        return {
          contents: `const s = atob(${JSON.stringify(b64)}); const u = new Uint8Array(s.length);
for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
export default u;`,
          loader: "js",
        };
      }
      warnings.push(`${relative(ROOT, path)} is inlined as a data: URL: fine for <img>/CSS, but fetch() of it is refused (connect-src 'none')`);
      return { contents: `export default new URL(${JSON.stringify(await dataUrl(path))});`, loader: "js" };
    });
  },
});

/** One script with its whole import graph, as a single chunk of code. */
async function bundle(entry, format, inWorker = false) {
  const r = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format,
    platform: "browser",
    target: "es2022",
    minify: true,
    charset: "utf8",
    legalComments: "none",
    logLevel: "warning",
    plugins: [inlineAssets(inWorker)],
  });
  const code = r.outputFiles[0].text;
  if (code.includes("import.meta.url")) warnings.push(`${relative(ROOT, entry)}: import.meta.url is left in the bundle (it points at the HTML file)`);
  return code;
}

async function bundleCss(entry) {
  const r = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    charset: "utf8",
    logLevel: "warning",
    loader: Object.fromEntries(Object.keys(MIME).filter((e) => e !== ".css").map((e) => [e, "dataurl"])),
  });
  return r.outputFiles[0].text;
}

// Text that ends or confuses a <script>/<style> element cannot appear inside it.
// In module code these sequences occur only in strings, templates, regular
// expressions and comments, where the escapes mean the same characters.
function safeScript(code) {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "\\x3C!--").replace(/<(script)/gi, "\\x3C$1");
}
function safeStyle(css) {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

const sha256 = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

function attrs(s) {
  const out = {};
  for (const m of s.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? "";
  }
  return out;
}

function local(ref) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//")) return null; // data:, blob:, http:, …
  return resolve(dirname(PAGE), ref.split(/[?#]/)[0]);
}

async function replaceAsync(text, re, fn) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(text.slice(last, m.index), await fn(...m));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.join("");
}

let html = await readFile(PAGE, "utf8");
const scriptHashes = [];
const styles = [];

// Stylesheets become one <style> where the first one was; icons and images data: URLs.
let styleSlot = false;
html = await replaceAsync(html, /<link\b([^>]*)>/gi, async (whole, a) => {
  const at = attrs(a);
  const rel = (at.rel ?? "").toLowerCase().split(/\s+/);
  const path = at.href ? local(at.href) : null;
  if (rel.includes("stylesheet")) {
    if (!path) throw new Error(`single.mjs: the page loads a stylesheet from elsewhere (${at.href})`);
    styles.push(await bundleCss(path));
    if (styleSlot) return "";
    styleSlot = true;
    return "<!--hrlens-style-->";
  }
  if (rel.includes("icon") && path) return whole.replace(at.href, await dataUrl(path));
  if (path && rel.some((r) => ["modulepreload", "preload", "prefetch", "manifest", "preconnect", "dns-prefetch"].includes(r))) return "";
  if (path) warnings.push(`<link rel="${at.rel}"> to ${at.href} is left as it is`);
  return whole;
});
html = await replaceAsync(html, /<img\b([^>]*)>/gi, async (whole, a) => {
  const at = attrs(a);
  const path = at.src ? local(at.src) : null;
  return path ? whole.replace(at.src, await dataUrl(path)) : whole;
});
for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) styles.unshift(m[1]);
html = html.replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, "");
const css = safeStyle(styles.join("\n"));
const styleTag = css ? `<style>${css}</style>` : "";
html = styleSlot ? html.replace("<!--hrlens-style-->", styleTag) : html.replace(/<\/head>/i, `${styleTag}</head>`);
if (/<[a-z][^>]*\sstyle\s*=/i.test(html.replace(/<script[\s\S]*?<\/script>/gi, ""))) {
  warnings.push("the page has style=\"…\" attributes: the policy blocks them (move them to the stylesheet)");
}

// Scripts: external ones bundled and inlined, inline ones kept; all hashed.
html = await replaceAsync(html, /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi, async (whole, a, body) => {
  const at = attrs(a);
  const module = (at.type ?? "").toLowerCase() === "module";
  if (at.type && !module && !/javascript|ecmascript/i.test(at.type)) return whole; // data blocks (JSON, templates)
  let code = body;
  if (at.src) {
    const path = local(at.src);
    if (!path) throw new Error(`single.mjs: the page loads a script from elsewhere (${at.src}); it cannot work offline`);
    code = await bundle(path, module ? "esm" : "iife");
  }
  code = safeScript(code);
  scriptHashes.push(sha256(code));
  return `<script${module ? ' type="module"' : ""}>${code}</script>`;
});

// The wasm the inlined workers wait for: decoded once in the page, and posted
// to every worker made from a data: URL as its first message.
let preludeTag = "";
if (workerWasm.size > 1) throw new Error(`single.mjs: workers load ${workerWasm.size} different wasm modules; one is supported`);
for (const path of workerWasm) {
  const b64 = (await readFile(path)).toString("base64");
  const prelude = safeScript(`(() => {
  const s = atob(${JSON.stringify(b64)});
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url, opts) {
      super(url, opts);
      if (String(url).startsWith("data:text/javascript")) this.postMessage({ __hrlensWasm: bytes });
    }
  };
})();`);
  scriptHashes.unshift(sha256(prelude));
  preludeTag = `<script>${prelude}</script>`;
}

const csp = [
  "default-src 'none'",
  `script-src ${scriptHashes.join(" ")} 'wasm-unsafe-eval'`,
  `style-src ${css ? sha256(css) : "'none'"}`,
  "img-src data: blob:",
  "font-src data:",
  "worker-src data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
const meta = `<meta http-equiv="Content-Security-Policy" content="${csp}">`;
const cspTag = /<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/i;
if (cspTag.test(html)) html = html.replace(cspTag, meta);
else html = html.replace(/(<meta\b[^>]*charset[^>]*>)/i, `$1\n  ${meta}`);
// After the policy, so that it is in force for the prelude too.
if (preludeTag) html = html.replace(meta, `${meta}\n  ${preludeTag}`);
html = html.replace(/<head>/i, "<head>\n  <!-- hrlens single-file build: everything is inline; this page makes no network request. -->");

await mkdir(dirname(OUT), { recursive: true });
await writeFile(OUT, html);
for (const w of warnings) console.warn(`single.mjs: warning: ${w}`);
console.log(`${relative(ROOT, OUT)}: ${(Buffer.byteLength(html) / 1024 / 1024).toFixed(2)} MiB, ${scriptHashes.length} inline script(s)`);
