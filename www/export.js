// Exports for the page: result tables to CSV or XLSX (written in wasm, in the
// worker) and charts to PNG, each handed to the browser as a download.
//
//   import { useWorker, exportTable, exportChart } from "./export.js";
//   useWorker(hr);                                    // hr = connect() from rpc.js
//   await exportTable("考核结果", { columns: [{ name: "工号", values: ids }, …] },
//                     { format: "xlsx", pseudonymize: { columns: ["工号"], secret } });
//   exportChart(chart, "趋势");                        // an ECharts instance
//
// Every protection of the engine applies: formula-looking text is neutralised
// (unless `neutralizeFormulas: false`), `pseudonymize` and `suppress` are
// passed through. Nothing leaves the machine: the bytes become a Blob and a
// temporary <a download> saves it.

let defaultRpc = null;

/** The worker connection (rpc.js `connect()`) exports go through by default. */
export function useWorker(rpc) {
  defaultRpc = rpc;
}

export const MIME = {
  csv: "text/csv;charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  png: "image/png",
  svg: "image/svg+xml",
};

/** A file name from a title: no path or reserved characters, at most 100 characters. */
export function fileName(name, ext) {
  const stem = String(name ?? "")
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, "_")
    .replace(/^[\s.]+|[\s.]+$/g, "")
    .slice(0, 100);
  return `${stem || "hrlens"}.${ext}`;
}

/**
 * Any of the table shapes the page holds, as the engine's ExportTable
 * `{ name, columns: [{ name, values, numFormat? }] }`:
 * - that shape itself;
 * - `{ header: string[], rows: unknown[][] }`;
 * - an array of row objects (columns from the first row's keys).
 */
export function toExportTable(name, table) {
  if (table && Array.isArray(table.columns)) return { name: table.name ?? name, columns: table.columns };
  if (table && Array.isArray(table.header) && Array.isArray(table.rows)) {
    return {
      name,
      columns: table.header.map((h, j) => ({ name: String(h), values: table.rows.map((r) => cellValue(r?.[j])) })),
    };
  }
  if (Array.isArray(table)) {
    const keys = table.length ? Object.keys(table[0]) : [];
    return { name, columns: keys.map((k) => ({ name: k, values: table.map((r) => cellValue(r?.[k])) })) };
  }
  throw Object.assign(new Error("exportTable: expected { columns }, { header, rows } or an array of rows"), {
    name: "ParamError",
    messageZh: "exportTable：应为 { columns }、{ header, rows } 或行对象数组",
  });
}

function cellValue(v) {
  if (v === null || v === undefined || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return String(v);
}

/**
 * Export a result table as CSV (default) or XLSX and save it.
 * @returns {Promise<{ filename: string, blob: Blob, size: number }>}
 */
export async function exportTable(name, table, opts = {}) {
  const { format = "csv", rpc = defaultRpc, download = true, ...engineOpts } = opts;
  if (format !== "csv" && format !== "xlsx") {
    throw Object.assign(new Error(`unknown export format "${format}"`), { name: "ParamError", messageZh: `未知的导出格式“${format}”` });
  }
  if (!rpc) throw Object.assign(new Error("exportTable: call useWorker(hr) first"), { name: "ParamError", messageZh: "请先调用 useWorker(hr)" });
  const fn = format === "xlsx" ? "exportXlsx" : "exportCsv";
  const bytes = await rpc.module(fn, toExportTable(name, table), engineOpts);
  const filename = fileName(name, format);
  const blob = new Blob([bytes], { type: MIME[format] });
  if (download) saveBlob(blob, filename);
  return { filename, blob, size: blob.size };
}

/**
 * Save an ECharts chart as a PNG (an SVG when the chart uses the SVG renderer).
 * @returns {{ filename: string, blob: Blob }}
 */
export function exportChart(chart, name, opts = {}) {
  const { pixelRatio = 2, backgroundColor = "#ffffff", download = true } = opts;
  const url = chart.getDataURL({ type: "png", pixelRatio, backgroundColor, excludeComponents: ["toolbox", "dataZoom"] });
  const blob = dataUrlToBlob(url);
  const filename = fileName(name, blob.type === MIME.svg ? "svg" : "png");
  if (download) saveBlob(blob, filename);
  return { filename, blob };
}

/** A data: URL's bytes as a Blob (decoded here: fetching it would be a request). */
export function dataUrlToBlob(url) {
  const m = /^data:([^;,]+)?((?:;[^;,]+)*?)(;base64)?,(.*)$/s.exec(url);
  if (!m) throw Object.assign(new Error("not a data: URL"), { name: "ParamError", messageZh: "不是 data: URL" });
  const type = m[1] || "application/octet-stream";
  if (m[3]) {
    const bin = atob(m[4]);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Blob([bytes], { type });
  }
  return new Blob([decodeURIComponent(m[4])], { type });
}

/** Hand a Blob to the browser as a download, through a temporary <a download>. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke once the download has started (it holds its own reference by then).
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
