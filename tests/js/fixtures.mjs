// Data files for the browser tests, made in Node from the npm package's own
// seeded sample (so a "loaded file" goes through the real CSV ingest).
import { readFile } from "node:fs/promises";

let hr = null;
async function pkg() {
  if (hr) return hr;
  const dir = new URL("../../pkg/", import.meta.url);
  hr = await import(new URL("hrlens.js", dir));
  await hr.default({ module_or_path: await readFile(new URL("hrlens_bg.wasm", dir)) });
  return hr;
}

const quote = (v) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The sample panel as a UTF-8 CSV (with a BOM, as Excel writes it). */
export async function sampleCsv({ employees = 300, months = 12, seed = 7 } = {}) {
  const { Dataset } = await pkg();
  const ds = Dataset.sample({ employees, months, seed });
  const cols = ds.columns().map((c) => c.name);
  const data = cols.map((c) => ds.column(c));
  const lines = [cols.map(quote).join(",")];
  for (let i = 0; i < ds.rowCount; i++) {
    lines.push(
      data
        .map((col) => {
          const v = col[i];
          if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
          return quote(v ?? "");
        })
        .join(","),
    );
  }
  ds.free();
  return Buffer.from("\ufeff" + lines.join("\n") + "\n", "utf8");
}
