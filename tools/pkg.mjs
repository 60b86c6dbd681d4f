// Completes pkg/ (wasm-bindgen's --target web output) into the npm package
// embedders install:
//
//   hrlens            hrlens.js + hrlens_bg.wasm + hrlens.d.ts   the wasm API
//   hrlens/worker     remote.js (browsers) / remote-node.js (Node) the same API in a worker, as promises
//   hrlens/export     export.js      tables to CSV/XLSX downloads, charts to PNG
//   hrlens/workspace  workspace.js   encrypted workspaces, scenario files
//   hrlens/hr-lens    hr-lens.js     the <hr-lens> web component (when www/hr-lens.js exists)
//   worker.js, rpc.js                the page's own worker and protocol, shared with the page
//
// The JS modules are the page's files in www/, bundled one per entry with
// esbuild so whatever they import comes along; an import of another entry
// stays an import (so page and package share one worker protocol), and the
// page's `../pkg/hrlens.js` becomes `./hrlens.js`.
import { readFile, writeFile, readdir, copyFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = new URL("..", import.meta.url);
const pkg = new URL("pkg/", root);
const www = fileURLToPath(new URL("www/", root));
const cargo = await readFile(new URL("Cargo.toml", root), "utf8");
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1] ?? "0.0.0";
const description = /^description\s*=\s*"([^"]+)"/m.exec(cargo)?.[1] ?? "";

// wasm-bindgen types an optional JsValue parameter as `opts: T | undefined`
// (required in TypeScript); the API makes trailing option objects optional.
const dtsUrl = new URL("hrlens.d.ts", pkg);
const dts = await readFile(dtsUrl, "utf8");
await writeFile(dtsUrl, dts.replace(/(\w+): (\w+) \| undefined\)/g, "$1?: $2)"));

// ---- JS modules -------------------------------------------------------------

const entries = [
  { file: "worker.js", platform: "browser" },
  { file: "rpc.js", platform: "browser" },
  { file: "remote.js", platform: "browser" },
  { file: "remote-node.js", platform: "node" },
  { file: "worker-node.js", platform: "node" },
  { file: "export.js", platform: "browser" },
  { file: "workspace.js", platform: "browser" },
  { file: "hr-lens.js", platform: "browser", optional: true },
].filter((e) => !e.optional || existsSync(resolve(www, e.file)));
const entryPaths = new Set(entries.map((e) => resolve(www, e.file)));
const wasmApi = fileURLToPath(new URL("pkg/hrlens.js", root));

const keepEntriesApart = (self) => ({
  name: "hrlens-package",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (path === wasmApi) return { path: "./hrlens.js", external: true };
      if (path !== self && entryPaths.has(path)) return { path: `./${basename(path)}`, external: true };
      return undefined;
    });
  },
});

for (const e of entries) {
  const self = resolve(www, e.file);
  await esbuild.build({
    entryPoints: [self],
    outfile: fileURLToPath(new URL(e.file, pkg)),
    bundle: true,
    format: "esm",
    platform: e.platform,
    target: "es2022",
    charset: "utf8",
    legalComments: "inline",
    // The component bundles ECharts: keep that part as compact as ECharts ships it.
    minify: e.file === "hr-lens.js",
    logLevel: "warning",
    banner: { js: `// hrlens ${version}: built from www/${e.file} by tools/pkg.mjs` },
    plugins: [keepEntriesApart(self)],
  });
}
// The component's shadow root links its stylesheet next to it (a <link>, so a
// host's `style-src 'self'` holds): ship www/style.css with it.
if (entries.some((e) => e.file === "hr-lens.js")) await copyFile(resolve(www, "style.css"), fileURLToPath(new URL("style.css", pkg)));
for (const f of await readdir(new URL("tools/pkg-types/", root))) {
  await copyFile(new URL(`tools/pkg-types/${f}`, root), new URL(f, pkg));
}

// ---- schemas, manifest, README -------------------------------------------------

const files = [
  "hrlens.js", "hrlens.d.ts", "hrlens_bg.wasm", "hrlens_bg.wasm.d.ts",
  ...entries.map((e) => e.file),
  "remote.d.ts", "export.d.ts", "workspace.d.ts",
  ...(entries.some((e) => e.file === "hr-lens.js") ? ["style.css"] : []),
  "README.md",
];
// JS that the facade inlines (#[wasm_bindgen(inline_js)]), imported by hrlens.js.
if (existsSync(new URL("snippets/", pkg))) files.push("snippets/");
const schemaDir = new URL("schema/", root);
if (existsSync(schemaDir)) {
  await mkdir(new URL("schema/", pkg), { recursive: true });
  for (const f of await readdir(schemaDir)) {
    if (f.endsWith(".json")) await copyFile(new URL(f, schemaDir), new URL(`schema/${f}`, pkg));
  }
  files.push("schema/");
}

const exports = {
  ".": { types: "./hrlens.d.ts", default: "./hrlens.js" },
  "./worker": { types: "./remote.d.ts", node: "./remote-node.js", default: "./remote.js" },
  "./export": { types: "./export.d.ts", default: "./export.js" },
  "./workspace": { types: "./workspace.d.ts", default: "./workspace.js" },
  "./worker.js": "./worker.js",
  "./rpc.js": "./rpc.js",
  "./hrlens_bg.wasm": "./hrlens_bg.wasm",
  "./schema/*": "./schema/*",
  "./package.json": "./package.json",
};
if (entries.some((e) => e.file === "hr-lens.js")) exports["./hr-lens"] = "./hr-lens.js";

const manifest = {
  name: "hrlens",
  version,
  description,
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "hrlens.js",
  module: "hrlens.js",
  types: "hrlens.d.ts",
  exports,
  files,
  // The web component registers a custom element when imported.
  sideEffects: ["./hr-lens.js"],
  engines: { node: ">=20" },
  keywords: ["hr", "analytics", "wasm", "kpi", "k-means", "privacy", "web-component", "web-worker"],
};
await writeFile(new URL("package.json", pkg), JSON.stringify(manifest, null, 2) + "\n");

const readme = (await readFile(new URL("tools/pkg-readme.md", root), "utf8"))
  .replaceAll("{{version}}", version)
  .replaceAll("{{description}}", description);
await writeFile(new URL("README.md", pkg), readme);
console.log(`pkg/ ready: hrlens ${version} (${entries.map((e) => e.file).join(", ")})`);
