// English UI strings. Keys mirror zh.js.
export default {
  title: "hrlens HR analytics",
  tagline: "Your data is processed on this machine only: no upload, no network",
  lang: "中文",
  langLabel: "Language",
  open: "Open file",
  drop: "Drop a CSV file here, or use “Open file”",
  sample: "Sample data",
  loading: "Computing…",
  loadedSample: (n, c) => `Sample data: ${n.toLocaleString("en")} rows, ${c} columns`,
  loadedFile: (name, n, c) => `${name}: ${n.toLocaleString("en")} rows, ${c} columns`,
  source: "Source",
  format: "Format",
  encoding: "Encoding",
  delimiter: "Delimiter",
  columnsTitle: "Columns",
  colName: "Column",
  colKind: "Kind",
  colRole: "Role",
  colMissing: "Missing",
  colDistinct: "Distinct",
  kinds: { number: "number", category: "category", date: "date", text: "text" },
  roles: {
    employeeId: "employee id", name: "name", department: "department", managerId: "manager id", period: "period",
    jobLevel: "job level",
  },
  warningsTitle: "Data checks",
  noWarnings: "No problems found",
  warningRow: (r) => `line ${r}`,
  chartTitle: "Distribution",
  chartColumn: "Indicator",
  count: "rows",
  stats: (s) =>
    `mean ${fmt(s.mean)}, median ${fmt(s.median)}, range ${fmt(s.min)} – ${fmt(s.max)}, missing ${s.missing}`,
  error: "Something went wrong",
  privacy: "Privacy: everything is computed in your browser; after loading, the page makes no network requests.",
};

function fmt(x) {
  return Number.isFinite(x) ? x.toLocaleString("en", { maximumFractionDigits: 3 }) : "—";
}
