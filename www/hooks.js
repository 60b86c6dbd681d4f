// Hook points for the exports and the workspace, which the `product` branch
// provides (www/export.js, www/workspace.js). The page calls only these
// functions; until those modules are wired here they report "not available
// in this build" and nothing else happens.
//
// Table shape handed to exportTable (what the user sees, in display order):
//   { name: "ranking", title: "排名",
//     columns: [{ key: "total", label: "总分", kind: "number" | "text" }],
//     rows: [[cell, …], …] }            // numbers stay numbers, text stays text (never formulas)
// exportChart receives the ECharts instance and a file-name stem.
// The workspace actions receive the app's snapshot() (settings of every panel,
// the selection, the loaded files as File objects) and give back one to restore().

export class NotAvailable extends Error {
  constructor(what) {
    super(`${what} is not available in this build`);
    this.name = "NotAvailable";
    this.what = what;
  }
}

const impl = {
  exportTable: null, // (name, table, { format: "csv" | "xlsx" }) => Promise<void>
  exportChart: null, // (chart, name) => Promise<void>
  saveWorkspace: null, // (snapshot) => Promise<void>
  openWorkspace: null, // () => Promise<snapshot>
  saveScenario: null, // (snapshot) => Promise<void>
  openScenario: null, // () => Promise<snapshot>
};

/** Used by the product modules (or a portal) to plug an implementation in. */
export function provide(name, fn) {
  if (!(name in impl)) throw new Error(`unknown hook ${name}`);
  impl[name] = fn;
}

export const has = (name) => typeof impl[name] === "function";

export async function exportTable(name, table, opts = { format: "csv" }) {
  if (!impl.exportTable) throw new NotAvailable("exportTable");
  return impl.exportTable(name, table, opts);
}

export async function exportChart(chart, name = "chart") {
  if (!impl.exportChart) throw new NotAvailable("exportChart");
  return impl.exportChart(chart, name);
}

export async function workspace(action, snapshot) {
  if (!impl[action]) throw new NotAvailable(action);
  return impl[action](snapshot);
}
