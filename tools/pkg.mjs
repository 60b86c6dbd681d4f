// Completes pkg/ (wasm-bindgen's --target web output) into the npm package
// embedders install: package.json, the JSON Schemas, a README.
import { readFile, writeFile, readdir, copyFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";

const root = new URL("..", import.meta.url);
const pkg = new URL("pkg/", root);
const cargo = await readFile(new URL("Cargo.toml", root), "utf8");
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1] ?? "0.0.0";
const description = /^description\s*=\s*"([^"]+)"/m.exec(cargo)?.[1] ?? "";

// wasm-bindgen types an optional JsValue parameter as `opts: T | undefined`
// (required in TypeScript); the API makes trailing option objects optional.
const dtsUrl = new URL("hrlens.d.ts", pkg);
const dts = await readFile(dtsUrl, "utf8");
await writeFile(dtsUrl, dts.replace(/(\w+): (\w+) \| undefined\)/g, "$1?: $2)"));

const files = ["hrlens.js", "hrlens.d.ts", "hrlens_bg.wasm", "hrlens_bg.wasm.d.ts", "README.md"];
const schemaDir = new URL("schema/", root);
if (existsSync(schemaDir)) {
  await mkdir(new URL("schema/", pkg), { recursive: true });
  for (const f of await readdir(schemaDir)) {
    if (f.endsWith(".json")) {
      await copyFile(new URL(f, schemaDir), new URL(`schema/${f}`, pkg));
    }
  }
  files.push("schema/");
}

const manifest = {
  name: "hrlens",
  version,
  description,
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "hrlens.js",
  module: "hrlens.js",
  types: "hrlens.d.ts",
  exports: {
    ".": { types: "./hrlens.d.ts", default: "./hrlens.js" },
    "./hrlens_bg.wasm": "./hrlens_bg.wasm",
    "./schema/*": "./schema/*",
  },
  files,
  sideEffects: false,
  keywords: ["hr", "analytics", "wasm", "kpi", "k-means", "privacy"],
};
await writeFile(new URL("package.json", pkg), JSON.stringify(manifest, null, 2) + "\n");

const readme = `# hrlens

${description}

All computation runs in WebAssembly on the user's machine: no upload, no server.

\`\`\`js
import init, { Dataset, version } from "hrlens";
await init();                                   // Node: await init({ module_or_path: wasmBytes })
const ds = Dataset.sample({ employees: 200, months: 12, seed: 1 });
console.log(ds.rowCount, ds.columns());
\`\`\`

Errors are thrown as \`Error\`s whose \`name\` is \`FormatError\`, \`EncodingError\`, \`LimitError\`
or \`ParamError\`, with \`messageZh\`, \`file\`, \`line\` and \`column\` where known.
See the project README for the full API.
`;
await writeFile(new URL("README.md", pkg), readme);
console.log(`pkg/ ready: hrlens ${version}`);
