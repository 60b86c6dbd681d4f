// The page: wires the DOM to the worker. No analysis happens here; every
// number shown comes from the engine. Data is rendered with textContent only.
import * as echarts from "../node_modules/echarts/dist/echarts.esm.min.mjs";
import { applyStatic, lang, setLang, t } from "./i18n.js";
import { connect } from "./rpc.js";

const $ = (id) => document.getElementById(id);
const hr = connect();
const state = { handle: null, info: null, label: null, chartColumn: null };
let chart = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function showError(e) {
  const box = $("error");
  box.hidden = false;
  const where = [e.file, e.line && t("warningRow", e.line), e.column].filter(Boolean).join(" · ");
  const msg = lang() === "zh" && e.messageZh ? e.messageZh : e.message;
  box.textContent = `${t("error")} (${e.name ?? "Error"}): ${msg}${where && !msg.includes(String(e.line ?? "\u0000")) ? `\n${where}` : ""}`;
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

function renderSummary() {
  const { info } = state;
  if (!info) return;
  const cols = info.columns;
  $("status").textContent = state.label
    ? t("loadedFile", state.label, info.rowCount, cols.length)
    : t("loadedSample", info.rowCount, cols.length);
  const s = info.source;
  $("source").textContent = [
    `${t("format")}: ${s.format}`,
    s.encoding && `${t("encoding")}: ${s.encoding}`,
    s.delimiter && `${t("delimiter")}: ${s.delimiter === "\t" ? "Tab" : s.delimiter}`,
  ].filter(Boolean).join(" · ");

  const body = $("columns").tBodies[0];
  body.replaceChildren(
    ...cols.map((c) => {
      const tr = el("tr");
      tr.append(
        el("td", c.name),
        el("td", t("kinds")[c.kind] ?? c.kind),
        el("td", c.role ? t("roles")[c.role] ?? c.role : "—"),
        el("td", String(c.missing), "num"),
        el("td", String(c.distinct), "num"),
      );
      return tr;
    }),
  );

  const list = $("warnings");
  const ws = info.warnings;
  list.replaceChildren(
    ...(ws.length === 0
      ? [el("li", t("noWarnings"))]
      : ws.slice(0, 100).map((w) => {
          const where = [w.row && t("warningRow", w.row), w.column].filter(Boolean).join(" · ");
          return el("li", `${where ? where + ": " : ""}${lang() === "zh" ? w.messageZh : w.message}`);
        })),
  );

  const numeric = cols.filter((c) => c.kind === "number");
  const select = $("chart-column");
  select.replaceChildren(...numeric.map((c) => Object.assign(el("option", c.name), { value: c.name })));
  const preferred = ["客户满意度", state.chartColumn].find((n) => numeric.some((c) => c.name === n));
  state.chartColumn = preferred ?? numeric[0]?.name ?? null;
  if (state.chartColumn) select.value = state.chartColumn;
}

async function renderChart() {
  const box = $("chart");
  box.dataset.ready = "false";
  if (!state.chartColumn) {
    chart?.clear();
    $("chart-stats").textContent = "";
    return;
  }
  const [hist, stats] = await Promise.all([
    hr.call(state.handle, "histogram", state.chartColumn, 20),
    hr.call(state.handle, "stats", state.chartColumn),
  ]);
  chart ??= echarts.init(box, null, { renderer: "canvas" });
  const labels = hist.counts.map((_, i) => formatEdge(hist.edges[i]));
  chart.setOption(
    {
      animation: false,
      grid: { left: 48, right: 16, top: 24, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, name: state.chartColumn, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: t("count") },
      series: [{ type: "bar", data: hist.counts, itemStyle: { color: "#2f6fde" }, barCategoryGap: "8%" }],
    },
    true,
  );
  $("chart-stats").textContent = t("stats", stats);
  box.dataset.ready = "true";
  box.dataset.column = state.chartColumn;
}

function formatEdge(x) {
  return Math.abs(x) >= 100 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString();
}

async function show(promise, label) {
  clearError();
  $("status").textContent = t("loading");
  try {
    const info = await promise;
    if (state.handle) hr.free(state.handle);
    Object.assign(state, { handle: info.handle, info, label });
    renderSummary();
    await renderChart();
  } catch (e) {
    $("status").textContent = "";
    showError(e);
  }
}

function loadFile(file) {
  if (file) show(hr.load(file, {}), file.name);
}

function wire() {
  $("file").addEventListener("change", (e) => loadFile(e.target.files?.[0]));
  $("sample").addEventListener("click", () => show(hr.sample({}), null));
  $("lang").addEventListener("click", () => {
    setLang(lang() === "zh" ? "en" : "zh");
    applyStatic();
    renderSummary();
    if (state.handle) renderChart().catch(showError);
  });
  $("chart-column").addEventListener("change", (e) => {
    state.chartColumn = e.target.value;
    renderChart().catch(showError);
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    loadFile(e.dataTransfer?.files?.[0]);
  });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") $("file").click();
  });
  window.addEventListener("resize", () => chart?.resize());
}

applyStatic();
wire();
show(hr.sample({}), null);
