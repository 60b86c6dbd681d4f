// Types of `hrlens/export` (export.js).
import type { ExportOptions, ExportTable } from "./hrlens.js";

/** Anything with the worker connection's `module` call (rpc.js), or a direct adapter. */
export interface ModuleCaller { module(fn: "exportCsv" | "exportXlsx", ...args: unknown[]): Promise<unknown> | unknown }

/** Tables as the page holds them: the engine's shape, header + rows, or row objects. */
export type TableInput =
  | ExportTable
  | { header: string[]; rows: unknown[][] }
  | Record<string, unknown>[];

export interface ExportTableOptions extends ExportOptions {
  format?: "csv" | "xlsx";
  /** Default: the connection given to useWorker(). */
  rpc?: ModuleCaller;
  /** Start a download (default true). */
  download?: boolean;
}

export const MIME: { csv: string; xlsx: string; png: string; svg: string };
export function useWorker(rpc: ModuleCaller): void;
export function fileName(name: string, ext: string): string;
export function toExportTable(name: string, table: TableInput): ExportTable;
export function exportTable(name: string, table: TableInput, opts?: ExportTableOptions): Promise<{ filename: string; blob: Blob; size: number }>;
/** An ECharts instance (anything with getDataURL) to PNG. */
export function exportChart(
  chart: { getDataURL(opts: object): string },
  name: string,
  opts?: { pixelRatio?: number; backgroundColor?: string; download?: boolean },
): { filename: string; blob: Blob };
export function dataUrlToBlob(url: string): Blob;
export function saveBlob(blob: Blob, filename: string): void;
