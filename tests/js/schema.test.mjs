// The scorecard JSON Schema shipped in pkg/schema/ agrees with the engine:
// every built-in template and the engine's own JSON pass it, and cards the
// schema rejects for their shape the engine rejects too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import Ajv2020 from "ajv/dist/2020.js";

const pkgDir = new URL("../../pkg/", import.meta.url);
const hr = await import(new URL("hrlens.js", pkgDir));
await hr.default({ module_or_path: await readFile(new URL("hrlens_bg.wasm", pkgDir)) });
const schema = JSON.parse(await readFile(new URL("schema/scorecard.schema.json", pkgDir), "utf8"));
const validate = new Ajv2020({ allErrors: true }).compile(schema);
const ds = hr.Dataset.sample({ employees: 120, months: 2, seed: 4 });

test("the package ships the schema and lists it in files", async () => {
  const manifest = JSON.parse(await readFile(new URL("package.json", pkgDir), "utf8"));
  assert.ok(manifest.files.includes("schema/"));
});

test("every built-in template is valid under the schema", () => {
  const templates = hr.scorecardTemplates();
  assert.ok(templates.length >= 1);
  for (const { id, card } of templates) assert.ok(validate(card), `${id}: ${JSON.stringify(validate.errors)}`);
});

const base = () => ({
  name: "t",
  dimensions: [{ name: "d", weight: 1, indicators: [{ column: "客户满意度", weight: 1 }] }],
});

const shapes = [
  ["a minimal card", (c) => c, true],
  ["target/floor normalisation", (c) => (c.dimensions[0].indicators[0].normalize = { target: 95, floor: 60 }), true],
  ["forced distribution", (c) => (c.bands = { distribution: [{ label: "A", share: 0.2 }, { label: "B", share: 0.8 }] }), true],
  ["appliesTo", (c) => (c.appliesTo = { column: "区域", values: ["华东"] }), true],
  ["missing mean", (c) => (c.missing = "mean"), true],
  ["unknown top-level key", (c) => (c.dimension = []), false],
  ["weight as a string", (c) => (c.dimensions[0].weight = "x"), false],
  ["negative weight", (c) => (c.dimensions[0].indicators[0].weight = -1), false],
  ["unknown normalisation", (c) => (c.dimensions[0].indicators[0].normalize = "robust"), false],
  ["unknown direction", (c) => (c.dimensions[0].indicators[0].direction = "up"), false],
  ["unknown missing policy", (c) => (c.missing = "drop"), false],
  ["no dimensions", (c) => (c.dimensions = []), false],
  ["empty dimension", (c) => (c.dimensions[0].indicators = []), false],
  ["both band kinds", (c) => (c.bands = { thresholds: [{ label: "A", min: 0 }], distribution: [{ label: "A", share: 1 }] }), false],
  ["a band without min", (c) => (c.bands = { thresholds: [{ label: "A" }] }), false],
];

for (const [what, edit, ok] of shapes) {
  test(`schema and engine agree: ${what}`, () => {
    const card = base();
    edit(card);
    assert.equal(validate(card), ok, JSON.stringify(validate.errors));
    if (ok) {
      assert.doesNotThrow(() => ds.score(card));
    } else {
      assert.throws(() => ds.score(card), { name: "ParamError" });
    }
  });
}
