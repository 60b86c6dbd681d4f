// The page's exports and workspace files, in one place: the export menu of
// every table and chart, and the workspace menu, call only these functions.
// They use the product modules (export.js: CSV/XLSX written in wasm with
// formula neutralisation, PNG; workspace.js: AES-GCM workspaces, scenario
// JSON). A portal can plug its own implementation in with provide().
//
// Table shape handed to exportTable (what the user sees, in display order):
//   { name: "ranking", title: "排名",
//     columns: [{ key: "total", label: "总分", kind: "number" | "text", pii?: true, size?: true }],
//     rows: [[cell, …], …] }            // numbers stay numbers, text stays text
// `pii` columns (ids, names) are pseudonymised when the privacy setting asks;
// a `size` column (a group's headcount) drives small-group suppression.
import * as exporter from "./export.js";
import * as ws from "./workspace.js";

export class NotAvailable extends Error {
  constructor(what) {
    super(`${what} is not available in this build`);
    this.name = "NotAvailable";
    this.what = what;
  }
}

const impl = {
  exportTable: null, // (name, table, opts) => Promise<void>
  exportChart: null, // (chart, name) => Promise<void>
};

/** For a portal: replace how tables or charts are exported. */
export function provide(name, fn) {
  if (!(name in impl)) throw new Error(`unknown hook ${name}`);
  impl[name] = fn;
}

/**
 * Export a table. opts: { format: "csv" | "xlsx", rpc (the app's worker
 * connection), privacy: { pseudonymize, secret, minGroup } }.
 */
export async function exportTable(name, table, opts = {}) {
  if (impl.exportTable) return impl.exportTable(name, table, opts);
  const { format = "csv", rpc, privacy = {} } = opts;
  const cols = table.columns;
  const engineOpts = {};
  const pii = cols.filter((c) => c.pii).map((c) => c.label);
  if (privacy.pseudonymize && pii.length && privacy.secret) engineOpts.pseudonymize = { columns: pii, secret: privacy.secret };
  const size = cols.find((c) => c.size);
  if (size && privacy.minGroup > 1) engineOpts.suppress = { sizeColumn: size.label, minSize: privacy.minGroup };
  return exporter.exportTable(table.title || name, { header: cols.map((c) => c.label), rows: table.rows }, { format, rpc, ...engineOpts });
}

export async function exportChart(chart, name = "chart") {
  if (impl.exportChart) return impl.exportChart(chart, name);
  if (!chart) throw new NotAvailable("exportChart");
  return exporter.exportChart(chart, name);
}

export const saveBlob = exporter.saveBlob;
export const newSecret = ws.newSecret;
export const WORKSPACE_EXTENSION = ws.WORKSPACE_EXTENSION;

/** Encrypt settings and files into one workspace file and save it. */
export async function saveWorkspace(snapshot, passphrase) {
  const { files = [], ...settings } = snapshot;
  const bytes = await ws.saveWorkspace({ files, settings }, passphrase);
  const stamp = new Date().toISOString().slice(0, 10);
  exporter.saveBlob(new Blob([bytes], { type: "application/octet-stream" }), `hrlens-${stamp}${ws.WORKSPACE_EXTENSION}`);
}

/** Decrypt a workspace file: the settings with the files back as File objects. */
export async function openWorkspace(file, passphrase) {
  const w = await ws.loadWorkspace(file, passphrase);
  return { ...w.settings, files: w.files.map((f) => new File([f.bytes], f.name, { type: f.type })) };
}

/** A scenario (cards, weights, rules; never data) saved as JSON. */
export function saveScenario(scenario) {
  const text = ws.saveScenario(scenario);
  exporter.saveBlob(new Blob([text], { type: "application/json" }), exporter.fileName(`${scenario.name || "hrlens"}-scenario`, "json"));
}

export const openScenario = (file) => ws.loadScenario(file);
