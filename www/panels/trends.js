// Trends panel (趋势): the org tree (team ↔ person drill-down; the selected
// node drives the charts and every other panel), the monthly line with its
// moving average, the standard as a threshold band and the forecast dashed
// with its interval, the comparison table (vs the previous month, last year,
// the trailing mean), and the alert list by severity; an alert opens its
// explanation (which members and which indicators drove the change).
import { h, fill, setOptions } from "../ui/dom.js";
import { createTable } from "../ui/table.js";
import { createChart, PALETTE } from "../ui/chart.js";
import { stateBox } from "../ui/states.js";
import { help, labelled } from "../ui/tooltip.js";
import { fmt, pct, signed, month } from "../ui/format.js";
import { card, numericColumns, roleColumn, msg } from "./common.js";

const SEVERITY = { critical: 0, warning: 1 };

export function createTrendsPanel(ctx) {
  const { t } = ctx;
  const L = () => ctx.i18n.lang();
  let info = null;
  let tree = null; // orgTree result
  let byId = new Map();
  let children = new Map();
  let expanded = new Set();
  let focusId = null;
  let series = []; // trend result for the selected node (node first, then its children)
  let alerts = [];
  let shownAlerts = [];
  let activeAlert = null;
  let generation = 0;
  let hidden = []; // per series row: suppressed by the small-group setting
  // "org": the tree drives (the selected unit and its direct reports); else a
  // category column (e.g. segments added as a column): every group, one in focus.
  let byMode = "org";
  let focus = 0;
  const orgMode = () => byMode === "org" && tree;
  const hv = (i, v) => (hidden[i] ? null : v);

  // ---- controls ----
  const metric = h("select", { id: "trend-metric", aria: { label: t("metric") } });
  const agg = h("select", { id: "trend-agg", aria: { label: t("agg") } });
  const windowInput = h("input", { type: "number", id: "trend-window", min: 2, max: 12, value: "3", class: "num-input", aria: { label: t("window") } });
  const standard = h("input", { type: "number", id: "trend-standard", step: "any", class: "num-input", aria: { label: t("standard") } });
  const horizon = h("input", { type: "number", id: "trend-horizon", min: 0, max: 12, value: "3", class: "num-input", aria: { label: t("horizon") } });
  const bySelect = h("select", { id: "trend-by", aria: { label: t("trendBy") } });
  const controls = h(
    "div",
    { class: "toolbar" },
    labelled(ctx, "trendBy", "trendBy", bySelect),
    labelled(ctx, "metric", "metric", metric),
    labelled(ctx, "agg", "agg", agg),
    labelled(ctx, "window", "movingavg", windowInput),
    labelled(ctx, "standard", "standard", standard),
    labelled(ctx, "horizon", "forecast", horizon),
  );
  for (const c of [agg, windowInput, horizon]) c.addEventListener("change", () => refreshSeries().catch(showError));
  bySelect.addEventListener("change", () => {
    byMode = bySelect.value || "org";
    focus = 0;
    treeCard.hidden = !orgMode();
    refreshSeries().catch(showError);
    computeAlerts().catch((e) => alertState.error(e));
  });
  metric.addEventListener("change", async () => {
    await suggestStandard();
    await refreshSeries().catch(showError);
  });
  // The standard starts as a suggestion (the metric's lower quartile, from the
  // engine's stats) so the threshold band shows; once edited it is the user's.
  let standardSuggested = true;
  standard.addEventListener("change", () => {
    standardSuggested = false;
    drawChart();
  });
  async function suggestStandard() {
    if (!standardSuggested || !metric.value) return;
    try {
      const st = await ctx.hr.call(info.handle, "stats", metric.value);
      standard.value = Number.isFinite(st.p25) ? String(Number(st.p25.toPrecision(3))) : "";
    } catch {
      standard.value = "";
    }
  }

  // ---- tree ----
  const treeSearch = h("input", { type: "search", id: "tree-search", class: "vt-filter", attrs: { "data-i18n-ph": "treeSearch", placeholder: t("treeSearch") }, aria: { label: t("treeSearch") } });
  const treeEl = h("div", { class: "tree", id: "org-tree", attrs: { role: "tree" }, aria: { label: t("orgTree") } });
  const treeState = stateBox(ctx);
  const treeCard = card(ctx, { titleKey: "orgTree", tip: "orgTree", id: "tree-card", cls: "tree-card" }, treeSearch, treeState.el, treeEl);
  treeSearch.addEventListener("input", () => renderTree());

  // ---- chart ----
  const crumbs = h("nav", { class: "crumbs", id: "crumbs", aria: { label: t("crumbs") } });
  const chart = createChart(ctx, { name: "trend", labelKey: "trendTitle", cls: "tall" });
  chart.box.id = "trend-chart";
  const chartState = stateBox(ctx);
  const chartNote = h("p", { class: "muted", id: "trend-note" });
  const chartCard = card(ctx, { titleKey: "trendTitle", tip: "trend", id: "trend-card" }, crumbs, chartState.el, chart.el, chartNote);

  // ---- comparison ----
  const cmpTable = createTable(ctx, {
    id: "trend-compare",
    labelKey: "compareTable",
    exportName: "trend-comparison",
    // Rows of units under the privacy setting's group size show "—" (hidden[i]).
    columns: [
      { key: "label", labelKey: "colGroup", width: "minmax(8rem, 1.3fr)", value: (i) => rowLabel(series[i], i) },
      { key: "value", labelKey: "colValue", num: true, width: "5.5rem", value: (i) => hv(i, series[i].comparison?.value), render: (i) => fmt(hv(i, series[i].comparison?.value), L(), 2) },
      { key: "prev", labelKey: "colVsPrev", tipKey: "momyoy", num: true, width: "8.5rem", value: (i) => hv(i, series[i].comparison?.previous?.rel), render: (i) => (hidden[i] ? "—" : changeCell(series[i].comparison?.previous)) },
      { key: "yoy", labelKey: "colVsYear", tipKey: "momyoy", num: true, width: "7rem", value: (i) => hv(i, series[i].comparison?.lastYear?.rel), render: (i) => (hidden[i] ? "—" : changeCell(series[i].comparison?.lastYear)) },
      { key: "trail", label: () => t("colVsTrail", series[0]?.comparison?.trailingMonths ?? 3), num: true, width: "8rem", value: (i) => hv(i, series[i].comparison?.trailing?.rel), render: (i) => (hidden[i] ? "—" : changeCell(series[i].comparison?.trailing)) },
      { key: "slope", labelKey: "colSlope", tipKey: "slope", num: true, width: "7rem", value: (i) => hv(i, series[i].slope), render: (i) => signed(hv(i, series[i].slope), L(), 3) },
      { key: "next", labelKey: "colForecast", tipKey: "forecast", num: true, width: "7rem", value: (i) => hv(i, series[i].forecast?.points?.[0]?.value), render: (i) => fmt(hv(i, series[i].forecast?.points?.[0]?.value), L(), 2) },
    ],
    onActivate: (i) => {
      if (!orgMode()) {
        focus = i;
        cmpTable.rerender();
        if (hidden[i]) chartState.message(t("suppressedView", ctx.privacy().minGroup));
        else {
          chartState.clear();
          drawChart();
        }
        renderCrumbs();
      } else if (i > 0) select(series[i].key);
    },
    rowClass: (i) => (i === focusIndex() ? "self" : ""),
  });
  const cmpCard = card(ctx, { titleKey: "compareTable", tip: "comparison", id: "trend-compare-card" }, h("p", { class: "muted", id: "compare-note" }), cmpTable.el);

  // ---- alerts ----
  const ruleDeclines = h("input", { type: "number", id: "rule-declines", min: 2, max: 12, value: "3", class: "num-input", aria: { label: t("ruleDeclines") } });
  const ruleDrop = h("input", { type: "number", id: "rule-drop", min: 1, max: 90, value: "5", class: "num-input", aria: { label: t("ruleDrop") } });
  const ruleBelow = h("input", { type: "checkbox", id: "rule-below", aria: { label: t("ruleBelow") } });
  const ruleSince = h("input", { type: "number", id: "rule-since", min: 1, max: 60, value: "3", class: "num-input", aria: { label: t("ruleSince") } });
  const level = h("select", { id: "alert-level", aria: { label: t("alertLevel") } });
  const runAlerts = h("button", { type: "button", class: "primary", id: "alerts-run", i18n: "alertsRun", text: t("alertsRun") });
  const alertList = h("ol", { class: "alerts", id: "alerts", aria: { label: t("alertsTitle") } });
  const alertNote = h("p", { class: "muted", id: "alerts-note" });
  const alertState = stateBox(ctx);
  const alertsCard = card(
    ctx,
    { titleKey: "alertsTitle", tip: "alerts", id: "alerts-card" },
    h(
      "div",
      { class: "rules" },
      labelled(ctx, "ruleDeclines", "ruleDeclines", ruleDeclines),
      labelled(ctx, "ruleDrop", "ruleDrop", ruleDrop),
      h("label", { class: "check" }, ruleBelow, h("span", { i18n: "ruleBelow", text: t("ruleBelow") }), help(ctx, "ruleBelow")),
      labelled(ctx, "ruleSince", "ruleSince", ruleSince),
      labelled(ctx, "alertLevel", "alertLevel", level),
      runAlerts,
    ),
    alertState.el,
    alertNote,
    alertList,
  );
  runAlerts.addEventListener("click", () => computeAlerts().catch((e) => alertState.error(e)));
  level.addEventListener("change", () => renderAlerts());

  // ---- explanation ----
  const explainTitle = h("p", { class: "explain-title", id: "explain-title" });
  const explainChart = createChart(ctx, { name: "explanation", labelKey: "explainTitle", cls: "short" });
  const explainOut = h("div", { id: "explain-out" });
  const explainState = stateBox(ctx);
  const explainCard = card(ctx, { titleKey: "explainTitle", tip: "explain", id: "explain-card" }, explainState.el, explainTitle, explainChart.el, explainOut);
  explainCard.hidden = true;

  const state = stateBox(ctx);
  const el = h("div", { class: "trends" }, controls, state.el, h("div", { class: "panel-grid trends-grid" }, treeCard, chartCard, cmpCard, alertsCard, explainCard));

  function showError(e) {
    ctx.notify(e, "error");
  }

  // ---- tree ----
  async function loadTree() {
    tree = null;
    byId = new Map();
    children = new Map();
    try {
      tree = await ctx.cache.orgTree();
    } catch (e) {
      treeState.error(e);
      fill(treeEl);
      return;
    }
    treeState.clear();
    for (const n of tree.nodes) {
      byId.set(n.id, n);
      if (n.parent !== null) {
        if (!children.has(n.parent)) children.set(n.parent, []);
        children.get(n.parent).push(n.id);
      }
    }
    const roots = tree.nodes.filter((n) => n.parent === null);
    expanded = new Set(roots.map((n) => n.id));
    for (const r of roots) for (const c of children.get(r.id) ?? []) expanded.add(c);
    if (tree.problems?.length) {
      treeState.el.hidden = false;
      fill(treeState.el, h("p", { class: "warn-text", text: t("treeProblems", tree.problems.length) }), h("ul", {}, tree.problems.slice(0, 5).map((p) => h("li", { text: msg(ctx, p) }))));
    }
  }

  function roots() {
    return tree ? tree.nodes.filter((n) => n.parent === null).map((n) => n.id) : [];
  }

  function path(id) {
    const out = [];
    let cur = byId.get(id);
    let guard = 0;
    while (cur && guard++ < 10_000) {
      out.unshift(cur.id);
      cur = cur.parent === null ? null : byId.get(cur.parent);
    }
    return out;
  }

  function visibleIds() {
    const q = treeSearch.value.trim().toLowerCase();
    if (q) {
      return tree.nodes.filter((n) => n.name.toLowerCase().includes(q) || n.id.toLowerCase().includes(q)).slice(0, 300).map((n) => n.id);
    }
    const out = [];
    const stack = [...roots()].reverse();
    while (stack.length) {
      const id = stack.pop();
      out.push(id);
      if (expanded.has(id)) {
        const cs = children.get(id) ?? [];
        for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
      }
    }
    return out;
  }

  function nodeText(n) {
    const leaf = !(children.get(n.id)?.length);
    return leaf ? `${n.name}${n.name !== n.id ? ` · ${n.id}` : ""}` : t("nodeText", n.name, n.headcount);
  }

  function renderTree() {
    if (!tree) return;
    const sel = ctx.store.get().selection.org ?? roots()[0];
    const ids = visibleIds();
    if (!focusId || !ids.includes(focusId)) focusId = ids.includes(sel) ? sel : ids[0];
    const q = treeSearch.value.trim();
    fill(
      treeEl,
      ids.map((id) => {
        const n = byId.get(id);
        const kids = children.get(id)?.length ?? 0;
        const item = h(
          "div",
          {
            class: ["tree-item", id === sel && "selected", kids ? "branch" : "leaf"],
            attrs: {
              role: "treeitem",
              "aria-level": q ? 1 : n.depth + 1,
              "aria-expanded": kids && !q ? String(expanded.has(id)) : undefined,
              "aria-selected": String(id === sel),
              tabindex: id === focusId ? "0" : "-1",
            },
            dataset: { id },
          },
          h("span", { class: "twisty", attrs: { "aria-hidden": "true" }, text: kids && !q ? (expanded.has(id) ? "▾" : "▸") : "·" }),
          h("span", { class: "tree-label", text: nodeText(n) }),
        );
        item.style.setProperty("--level", String(q ? 0 : n.depth));
        return item;
      }),
    );
  }

  treeEl.addEventListener("click", (e) => {
    const item = e.target instanceof Element ? e.target.closest(".tree-item") : null;
    if (!item) return;
    const id = item.dataset.id;
    focusId = id;
    if (e.target.closest(".twisty") && children.get(id)?.length) {
      toggle(id);
      return;
    }
    select(id);
  });
  treeEl.addEventListener("keydown", (e) => {
    const ids = visibleIds();
    const i = ids.indexOf(focusId);
    if (i < 0) return;
    const id = ids[i];
    const kids = children.get(id) ?? [];
    let next = null;
    switch (e.key) {
      case "ArrowDown":
        next = ids[Math.min(ids.length - 1, i + 1)];
        break;
      case "ArrowUp":
        next = ids[Math.max(0, i - 1)];
        break;
      case "Home":
        next = ids[0];
        break;
      case "End":
        next = ids[ids.length - 1];
        break;
      case "ArrowRight":
        if (kids.length && !expanded.has(id)) {
          toggle(id);
          e.preventDefault();
          return;
        }
        next = kids[0] ?? id;
        break;
      case "ArrowLeft":
        if (kids.length && expanded.has(id)) {
          toggle(id);
          e.preventDefault();
          return;
        }
        next = byId.get(id)?.parent ?? id;
        break;
      case "Enter":
      case " ":
        select(id);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    focusId = next;
    renderTree();
    treeEl.querySelector(`.tree-item[tabindex="0"]`)?.focus();
  });

  function toggle(id) {
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    renderTree();
    treeEl.querySelector(`.tree-item[tabindex="0"]`)?.focus();
  }

  /** Select an org node: expands the path to it; the shared selection follows. */
  function select(id) {
    for (const p of path(id)) expanded.add(p);
    if (children.get(id)?.length) expanded.add(id);
    focusId = id;
    ctx.store.select({ org: id });
  }

  // ---- series ----
  function byOption() {
    if (byMode !== "org") return byMode;
    const sel = ctx.store.get().selection.org ?? roots()[0];
    if (tree && sel) return `org:${sel}`;
    return roleColumn(info, "department") ?? undefined;
  }

  async function refreshSeries() {
    const gen = ++generation;
    const m = metric.value;
    if (!m) {
      chartState.empty("noNumeric");
      return;
    }
    chartState.loading("loading");
    const period = ctx.store.get().selection.period ?? undefined;
    const opts = { metric: m, agg: agg.value || "mean", window: Number(windowInput.value) || 3, horizon: Math.max(0, Number(horizon.value) || 0) };
    const by = byOption();
    if (by) opts.by = by;
    if (period) opts.period = period;
    let out;
    try {
      out = await ctx.hr.call(info.handle, "trend", opts);
    } catch (e) {
      if (gen === generation) chartState.error(e);
      return;
    }
    if (gen !== generation) return;
    chartState.clear();
    series = out;
    // Small-group suppression applies to units (a person's own series is not a group).
    let units;
    let sizes;
    if (orgMode()) {
      units = series.map((x, i) => [i, byId.get(x.key)]).filter(([, n]) => n && children.get(n.id)?.length);
      sizes = units.map(([, n]) => n.headcount);
    } else {
      // Groups of a column: their size is the rows counted in the last month.
      units = series.map((x, i) => [i, x]);
      sizes = series.map((x) => x.count?.[x.count.length - 1] ?? 0);
    }
    const flags = await ctx.suppressed(sizes);
    if (gen !== generation) return;
    hidden = series.map(() => false);
    units.forEach(([i], j) => (hidden[i] = flags[j]));
    if (focus >= series.length) focus = 0;
    renderCrumbs();
    if (hidden[focusIndex()]) {
      chart.clear();
      chart.box.dataset.key = series[focusIndex()].key;
      chartState.message(t("suppressedView", ctx.privacy().minGroup));
      chartNote.textContent = "";
    } else drawChart();
    cmpTable.setData(series.length);
    const s0 = series[0];
    el.querySelector("#compare-note").textContent = s0?.comparison?.period ? t("compareNote", month(s0.comparison.period, L()), series.length - 1) : "";
    ctx.emit("trends", { metric: m, key: s0?.key, series });
  }

  function renderCrumbs() {
    const sel = ctx.store.get().selection.org;
    if (!orgMode()) {
      fill(crumbs, h("span", { class: "crumb", text: byMode === "org" ? "" : byMode }), h("span", { class: "sep", text: " › " }), h("span", { class: "crumb current", text: series[focusIndex()]?.label ?? "" }));
      return;
    }
    if (!tree || !sel) {
      fill(crumbs, h("span", { text: series[0]?.label ?? "" }));
      return;
    }
    const p = path(sel);
    fill(
      crumbs,
      p.map((id, i) => {
        const n = byId.get(id);
        const last = i === p.length - 1;
        return [
          i ? h("span", { class: "sep", attrs: { "aria-hidden": "true" }, text: " › " }) : null,
          last
            ? h("span", { class: "crumb current", attrs: { "aria-current": "page" }, text: n.name })
            : h("button", { type: "button", class: "crumb link", text: n.name, on: { click: () => select(id) } }),
        ];
      }),
    );
  }

  function rowLabel(s, i) {
    if (!orgMode()) return s.label;
    if (i === 0) return `${s.label} (${t("thisNode")})`;
    const n = byId.get(s.key);
    return n && children.get(s.key)?.length ? t("nodeText", s.label, n.headcount) : s.label;
  }

  function changeCell(c) {
    if (!c || !Number.isFinite(c.rel)) return "—";
    return h("span", { class: c.rel < 0 ? "down" : c.rel > 0 ? "up" : "" }, pct(c.rel, L()));
  }

  const focusIndex = () => (orgMode() ? 0 : focus);

  function drawChart() {
    const s = series[focusIndex()];
    if (!s || hidden[focusIndex()]) {
      chart.clear();
      return;
    }
    const fc = s.forecast?.points ?? [];
    const periods = [...s.periods, ...fc.map((p) => p.period)];
    const labels = periods.map((p) => month(p, L()));
    const n = s.periods.length;
    const values = Array.from(s.values, (v) => (Number.isFinite(v) ? v : null));
    const ma = Array.from(s.movingAvg, (v) => (Number.isFinite(v) ? v : null));
    // The forecast line starts at the last actual value so it joins the series.
    let lastIdx = n - 1;
    while (lastIdx >= 0 && values[lastIdx] === null) lastIdx--;
    const fLine = periods.map(() => null);
    const band = [];
    if (fc.length && lastIdx >= 0) {
      fLine[lastIdx] = values[lastIdx];
      band.push([lastIdx, values[lastIdx], values[lastIdx]]);
      fc.forEach((p, j) => {
        fLine[n + j] = p.value;
        band.push([n + j, p.lower, p.upper]);
      });
    }
    const std = standard.value === "" ? null : Number(standard.value);
    const sel = ctx.store.get().selection.period;
    const alertsHere = alerts.filter((a) => a.key === s.key && a.metric === metric.value);
    chart.set({
      grid: { left: 56, right: 24, top: 40, bottom: 56 },
      legend: { top: 0, data: [s.label, t("movingAvg"), ...(fc.length ? [t("forecast"), t("interval")] : [])] },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, boundaryGap: false, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", scale: true, name: metric.value },
      dataZoom: [{ type: "inside" }],
      series: [
        {
          name: s.label,
          type: "line",
          data: values,
          connectNulls: false,
          symbolSize: 5,
          lineStyle: { width: 2.5 },
          itemStyle: { color: PALETTE[0] },
          markArea:
            std !== null && Number.isFinite(std)
              ? { silent: true, itemStyle: { color: "rgba(194,65,12,0.08)" }, label: { show: true, position: "insideBottomLeft", color: "#c2410c", formatter: t("belowStandard") }, data: [[{ yAxis: std }, { yAxis: Number.MIN_SAFE_INTEGER }]] }
              : undefined,
          markLine: {
            silent: true,
            symbol: "none",
            data: [
              ...(std !== null && Number.isFinite(std) ? [{ yAxis: std, lineStyle: { color: "#c2410c", type: "solid", width: 1.5 }, label: { formatter: `${t("standard")} ${fmt(std, L(), 2)}`, color: "#c2410c", position: "insideStartTop" } }] : []),
              ...(sel && s.periods.includes(sel) ? [{ xAxis: month(sel, L()), lineStyle: { color: "#7c5cc4", type: "dashed" }, label: { formatter: month(sel, L()), color: "#7c5cc4" } }] : []),
            ],
          },
          markPoint: alertsHere.length
            ? { symbol: "pin", symbolSize: 30, itemStyle: { color: "#c2410c" }, label: { formatter: "!", color: "#fff" }, data: alertsHere.slice(0, 20).map((a) => ({ coord: [month(a.period, L()), a.value] })) }
            : undefined,
        },
        { name: t("movingAvg"), type: "line", data: ma, symbol: "none", lineStyle: { width: 1.5, opacity: 0.8 }, itemStyle: { color: PALETTE[1] } },
        ...(fc.length
          ? [
              { name: t("forecast"), type: "line", data: fLine, symbol: "circle", symbolSize: 4, lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: PALETTE[4] } },
              {
                name: t("interval"),
                type: "custom",
                // The 95% interval: a polygon through (period, lower) and back through (period, upper).
                renderItem: (params, api) => {
                  if (params.dataIndex !== 0) return null;
                  const lower = band.map((b) => api.coord([b[0], b[1]]));
                  const upper = band.map((b) => api.coord([b[0], b[2]])).reverse();
                  return { type: "polygon", shape: { points: [...lower, ...upper] }, style: { fill: "rgba(124,92,196,0.15)" } };
                },
                data: band,
                encode: { x: 0, y: [1, 2] },
                itemStyle: { color: "rgba(124,92,196,0.35)" },
                z: 1,
              },
            ]
          : []),
      ],
    });
    chart.box.dataset.key = s.key;
    chart.describe(t("trendAria", s.label, metric.value, n));
    const f0 = fc[0];
    chartNote.textContent = [
      t("slopeNote", signed(s.slope, L(), 3)),
      f0 ? t("forecastNote", month(f0.period, L()), fmt(f0.value, L(), 2), fmt(f0.lower, L(), 2), fmt(f0.upper, L(), 2)) : "",
    ]
      .filter(Boolean)
      .join(" · ");
  }

  // ---- alerts ----
  function rules() {
    const m = metric.value;
    const periods = ctx.store.get().periods ?? [];
    const back = Math.max(1, Number(ruleSince.value) || 3);
    const since = periods[Math.max(0, periods.length - back)];
    const r = { metric: m, agg: agg.value || "mean", window: Number(windowInput.value) || 3 };
    if (byMode !== "org") r.by = byMode;
    else if (tree) r.by = "org";
    else if (roleColumn(info, "department")) r.by = roleColumn(info, "department");
    if (since) r.since = since;
    const list = [];
    const declines = Number(ruleDeclines.value);
    const drop = Number(ruleDrop.value);
    if (declines >= 1) list.push({ ...r, consecutiveDeclines: declines });
    if (drop > 0) list.push({ ...r, dropPct: drop });
    if (ruleBelow.checked && standard.value !== "") list.push({ ...r, below: Number(standard.value) });
    return list;
  }

  async function computeAlerts() {
    const list = rules();
    if (!list.length) {
      alertState.empty("noRules");
      return;
    }
    alertState.loading("alerting");
    const out = await ctx.hr.call(info.handle, "alerts", list);
    alertState.clear();
    alerts = out;
    renderAlerts();
    drawChart();
    ctx.emit("alerts", { rules: list, alerts });
  }

  function renderAlerts() {
    const lv = level.value || "teams";
    const isTeam = (a) => (orgMode() ? (children.get(a.key)?.length ?? 0) > 0 : true);
    shownAlerts = alerts
      .filter((a) => lv === "all" || (lv === "teams" ? isTeam(a) : !isTeam(a)))
      .sort((a, b) => (SEVERITY[a.severity] ?? 2) - (SEVERITY[b.severity] ?? 2) || (a.period < b.period ? 1 : a.period > b.period ? -1 : 0) || Math.abs(b.score) - Math.abs(a.score) || (a.key < b.key ? -1 : 1));
    const crit = shownAlerts.filter((a) => a.severity === "critical").length;
    alertNote.textContent = alerts.length ? t("alertsSummary", shownAlerts.length, crit, alerts.length) : t("alertsNone");
    fill(
      alertList,
      shownAlerts.slice(0, 300).map((a, i) =>
        h(
          "li",
          { class: ["alert", a.severity, a === activeAlert && "active"] },
          h(
            "button",
            { type: "button", class: "alert-button", dataset: { index: i, key: a.key, rule: a.rule }, on: { click: () => openAlert(a) } },
            h("span", { class: `sev ${a.severity}`, text: t(`sev.${a.severity}`) }),
            h("span", { class: "alert-when", text: month(a.period, L()) }),
            h("span", { class: "alert-msg", text: msg(ctx, a) }),
          ),
        ),
      ),
    );
  }

  async function openAlert(a) {
    activeAlert = a;
    renderAlerts();
    explainCard.hidden = false;
    explainState.loading("explaining");
    let ex = a.explanation;
    try {
      if (!ex) {
        const r = { metric: a.metric, key: a.key, period: a.period, agg: agg.value || "mean" };
        if (byMode !== "org") r.by = byMode;
        else if (tree) r.by = "org";
        ex = await ctx.hr.call(info.handle, "explain", r);
      }
    } catch (e) {
      explainState.error(e);
      return;
    }
    explainState.clear();
    renderExplanation(a, ex);
    explainCard.scrollIntoView({ block: "nearest" });
    // The alert's node and month become the shared selection.
    if (!orgMode()) {
      const i = series.findIndex((x) => x.key === a.key);
      if (i >= 0) focus = i;
      ctx.store.select({ period: a.period });
    } else if (tree && byId.has(a.key)) {
      for (const p of path(a.key)) expanded.add(p);
      ctx.store.select({ org: a.key, period: a.period });
    } else ctx.store.select({ period: a.period });
  }

  function renderExplanation(a, ex) {
    explainCard.dataset.key = a.key;
    explainTitle.textContent = t("explainHead", a.label, a.metric, month(ex.from, L()), month(ex.to, L()), fmt(ex.before, L(), 2), fmt(ex.after, L(), 2), signed(ex.change, L(), 2), ex.members);
    const cs = ex.contributors ?? [];
    explainChart.set({
      grid: { left: 110, right: 70, top: 30, bottom: 24 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: [...cs.map((c) => c.name ?? c.id), t("rest")], axisLabel: { width: 100, overflow: "truncate" } },
      series: [
        {
          type: "bar",
          data: [...cs.map((c) => c.effect), ex.rest ?? 0].map((v) => ({ value: v, itemStyle: { color: v < 0 ? "#c2410c" : "#1a7f37" } })),
          label: { show: true, position: "right", formatter: (p) => signed(p.value, L(), 3) },
        },
      ],
    });
    explainChart.describe(t("explainAria", a.label));
    const contrib = h(
      "table",
      { class: "mini", id: "explain-contributors" },
      h("caption", { text: t("contributors") }),
      h("thead", {}, h("tr", {}, ...["colPerson", "colStatus", "colBefore", "colAfter", "colEffect"].map((k) => h("th", { text: t(k), class: k === "colPerson" || k === "colStatus" ? "" : "num" })))),
      h(
        "tbody",
        {},
        cs.map((c) =>
          h(
            "tr",
            {},
            h("td", { text: [c.name, c.id].filter(Boolean).join(" · ") }),
            h("td", { text: t(`status.${c.status}`) }),
            h("td", { class: "num", text: fmt(c.before, L(), 2) }),
            h("td", { class: "num", text: fmt(c.after, L(), 2) }),
            h("td", { class: ["num", c.effect < 0 ? "down" : c.effect > 0 ? "up" : ""], text: signed(c.effect, L(), 3) }),
          ),
        ),
        h("tr", { class: "rest" }, h("td", { text: t("rest") }), h("td"), h("td"), h("td"), h("td", { class: "num", text: signed(ex.rest, L(), 3) })),
      ),
    );
    const inds = ex.indicators ?? [];
    const indTable = h(
      "table",
      { class: "mini", id: "explain-indicators" },
      h("caption", { text: t("indicatorsMoved") }),
      h("thead", {}, h("tr", {}, ...["colIndicator", "colBefore", "colAfter", "colChange", "colZ"].map((k) => h("th", { text: t(k), class: k === "colIndicator" ? "" : "num" })))),
      h(
        "tbody",
        {},
        inds.length ? null : h("tr", {}, h("td", { class: "muted", attrs: { colspan: "5" }, text: t("noIndicators") })),
        inds.map((x) =>
          h("tr", {}, h("td", { text: x.column }), h("td", { class: "num", text: fmt(x.before, L(), 3) }), h("td", { class: "num", text: fmt(x.after, L(), 3) }), h("td", { class: "num", text: pct(x.rel, L()) }), h("td", { class: ["num", x.z < 0 ? "down" : "up"], text: signed(x.z, L(), 2) })),
        ),
      ),
    );
    fill(explainOut, h("div", { class: "split" }, contrib, indTable), h("p", { class: "muted", text: t("explainMethod", ex.method) }));
    ctx.emit("explanation", { alert: a, explanation: ex });
  }

  function fillByOptions() {
    const cats = info.columns.filter((c) => c.kind === "category" && c.distinct > 1 && c.distinct <= 500).map((c) => c.name);
    if (byMode !== "org" && !cats.includes(byMode)) byMode = "org";
    setOptions(bySelect, [{ value: "org", label: t("byOrg") }, ...cats.map((n) => ({ value: n }))], byMode);
  }

  function fillControls() {
    fillByOptions();
    const nums = numericColumns(info).filter((n) => !["jobLevel"].includes(info.columns.find((c) => c.name === n)?.role));
    const pref = ["客户满意度", "csat"].find((n) => nums.includes(n)) ?? nums[0];
    setOptions(metric, nums.map((n) => ({ value: n })), nums.includes(metric.value) ? metric.value : pref);
    setOptions(agg, ["mean", "sum", "median"].map((v) => ({ value: v, label: t(`agg.${v}`) })), agg.value || "mean");
    setOptions(level, ["teams", "people", "all"].map((v) => ({ value: v, label: t(`level.${v}`) })), level.value || "teams");
  }

  return {
    key: "trends",
    el,
    async refresh(changed) {
      info = ctx.store.get().dataset;
      if (!info) {
        state.empty("noData");
        return;
      }
      state.clear();
      if (changed.includes("dataset") || !metric.options.length) {
        fillControls();
        await suggestStandard();
        alerts = [];
        shownAlerts = [];
        activeAlert = null;
        explainCard.hidden = true;
        fill(alertList);
        alertNote.textContent = t("alertsHint");
        await loadTree();
        if (!(ctx.store.get().periods ?? []).length) {
          state.unavailable("noPeriod");
        }
        if (tree && !ctx.store.get().selection.org) {
          const r = roots()[0];
          if (r) {
            focusId = r;
            renderTree();
            computeAlerts().catch((e) => alertState.error(e));
            ctx.store.select({ org: r });
            return; // the selection change refreshes the series
          }
        }
      }
      renderTree();
      if (changed.includes("privacy") && !changed.includes("org")) {
        await refreshSeries();
        return;
      }
      if (changed.includes("org")) {
        const sel = treeEl.querySelector(".tree-item.selected");
        // Keep the selected node in view inside the tree's own scroll box.
        if (sel && (sel.offsetTop < treeEl.scrollTop || sel.offsetTop > treeEl.scrollTop + treeEl.clientHeight - sel.offsetHeight)) {
          treeEl.scrollTop = sel.offsetTop - treeEl.clientHeight / 3;
        }
      }
      await refreshSeries();
      if (changed.includes("dataset")) computeAlerts().catch((e) => alertState.error(e));
    },
    onLang() {
      if (!info) return;
      fillControls();
      renderTree();
      renderCrumbs();
      drawChart();
      cmpTable.rerender();
      renderAlerts();
      if (activeAlert?.explanation) renderExplanation(activeAlert, activeAlert.explanation);
    },
    /** The alert rules as the engine takes them (for scenario files). */
    rules: () => {
      // Also before the panel was first shown: its controls hold the defaults then.
      if (!info) info = ctx.store.get().dataset;
      if (info && !metric.value) fillControls();
      return info && metric.value ? rules() : [];
    },
    settings: () => ({ metric: metric.value, agg: agg.value, window: windowInput.value, standard: standard.value, horizon: horizon.value, rules: { declines: ruleDeclines.value, drop: ruleDrop.value, below: ruleBelow.checked, since: ruleSince.value } }),
    restore(s) {
      if (!s) return;
      metric.value = s.metric ?? metric.value;
      agg.value = s.agg ?? agg.value;
      windowInput.value = s.window ?? windowInput.value;
      standard.value = s.standard ?? "";
      horizon.value = s.horizon ?? horizon.value;
      if (s.rules) {
        ruleDeclines.value = s.rules.declines;
        ruleDrop.value = s.rules.drop;
        ruleBelow.checked = Boolean(s.rules.below);
        ruleSince.value = s.rules.since;
      }
    },
  };
}
