// Data panel (数据): where the data came from, its columns with kind and role
// (editable), the cleaning applied, the validation report, a distribution
// chart, and a second file joined with the discrepancies between the two.
import { h, fill, select, setOptions } from "../ui/dom.js";
import { createTable } from "../ui/table.js";
import { createChart } from "../ui/chart.js";
import { stateBox, errorText } from "../ui/states.js";
import { help } from "../ui/tooltip.js";
import { fmt } from "../ui/format.js";
import { card, numericColumns, hasMethod, msg } from "./common.js";

const ROLES = ["employeeId", "name", "department", "managerId", "period", "jobLevel"];
const SHOWN_ISSUES = 100;

export function createDataPanel(ctx) {
  const { t } = ctx;
  let info = null;
  let chartColumn = null;
  let second = null; // the second file: { handle, rowCount, columns, label }
  let joined = null; // join result
  let issues = [];

  // ---- source and cleaning ----
  const source = h("p", { id: "source", class: "source-line" });
  const cleaning = h("ul", { class: "cleaning", id: "cleaning" });
  const roleList = h("ul", { class: "role-list", id: "role-list" });
  const skippedHead = h("h4", { i18n: "skippedTitle", text: t("skippedTitle"), hidden: true });
  const skippedList = h("ul", { class: "skipped", id: "skipped" });
  // Reading options: re-read the same file another way (sheet, header row, encoding, delimiter).
  const optEncoding = h("select", { id: "opt-encoding", aria: { label: t("encoding") } });
  const optDelimiter = h("select", { id: "opt-delimiter", aria: { label: t("delimiter") } });
  const optSheet = h("select", { id: "opt-sheet", aria: { label: t("sheet") } });
  const optHeader = h("input", { type: "number", id: "opt-header", min: 0, class: "num-input", aria: { label: t("headerRow") } });
  const optReload = h("button", { type: "button", id: "opt-reload", i18n: "reload", text: t("reload") });
  const sheetField = h("label", { class: "field" }, h("span", { i18n: "sheet", text: t("sheet") }), optSheet);
  const headerField = h("label", { class: "field" }, h("span", { class: "field-label" }, h("span", { i18n: "headerRow", text: t("headerRow") }), help(ctx, "headerRow")), optHeader);
  const delimiterField = h("label", { class: "field" }, h("span", { i18n: "delimiter", text: t("delimiter") }), optDelimiter);
  const readOptions = h(
    "div",
    { class: "row wrap read-options", id: "read-options", hidden: true },
    h("label", { class: "field" }, h("span", { class: "field-label" }, h("span", { i18n: "encoding", text: t("encoding") }), help(ctx, "encoding")), optEncoding),
    delimiterField,
    sheetField,
    headerField,
    optReload,
  );
  optReload.addEventListener("click", () => {
    const opts = {};
    if (optEncoding.value) opts.encoding = optEncoding.value;
    if (optDelimiter.value && !delimiterField.hidden) opts.delimiter = optDelimiter.value;
    if (optSheet.value && !sheetField.hidden) opts.sheet = optSheet.value;
    if (optHeader.value !== "" && !headerField.hidden && Number(optHeader.value) !== Number(ctx.store.get().dataset?.source?.headerRow)) opts.headerRow = Number(optHeader.value);
    ctx.reload(opts);
  });
  const kindLine = h("p", { class: "muted", id: "kind-line" });
  const sourceCard = card(
    ctx,
    { titleKey: "sourceTitle", tip: "source" },
    source,
    kindLine,
    h("h4", {}, h("span", { i18n: "rolesTitle", text: t("rolesTitle") }), " ", help(ctx, "role")),
    roleList,
    h("h4", { i18n: "cleaningTitle", text: t("cleaningTitle") }),
    cleaning,
    skippedHead,
    skippedList,
    readOptions,
  );

  // ---- columns ----
  let cols = [];
  const roleSelect = (i) => {
    const c = cols[i];
    const s = select(
      { class: "role-select", aria: { label: t("roleFor", c.name) }, dataset: { column: c.name } },
      [{ value: "", label: "—" }, ...ROLES.map((r) => ({ value: r, label: t("roles")[r] }))],
      c.role ?? "",
    );
    s.addEventListener("change", () => setRole(c.name, s.value || null));
    return s;
  };
  const columnsTable = createTable(ctx, {
    id: "columns",
    labelKey: "columnsTitle",
    exportName: "columns",
    rowHeight: 36,
    columns: [
      { key: "name", labelKey: "colName", width: "minmax(8rem, 1.4fr)", value: (i) => cols[i].name },
      { key: "kind", labelKey: "colKind", width: "6rem", value: (i) => t("kinds")[cols[i].kind] ?? cols[i].kind },
      { key: "role", labelKey: "colRole", tipKey: "role", width: "9rem", value: (i) => (cols[i].role ? t("roles")[cols[i].role] : ""), render: roleSelect, sortValue: (i) => cols[i].role ?? "~" },
      { key: "missing", labelKey: "colMissing", num: true, width: "6rem", value: (i) => cols[i].missing },
      { key: "distinct", labelKey: "colDistinct", num: true, width: "6rem", value: (i) => cols[i].distinct },
      { key: "notes", labelKey: "colNotes", width: "minmax(6rem, 1fr)", value: (i) => columnNotes(cols[i]) },
    ],
  });
  const columnsCard = card(ctx, { titleKey: "columnsTitle", tip: "columns" }, columnsTable.el);

  /** A kind code in words (warnings, cleaning steps); an unknown code as it is. */
  function kindText(family, code) {
    const k = `${family}.${code}`;
    const v = t(k);
    return v === k ? String(code) : v;
  }

  function columnNotes(c) {
    const notes = [];
    if (c.originalName && c.originalName !== c.name) notes.push(t("noteOriginal", c.originalName));
    if (c.percent) notes.push(t("notePercent"));
    if (c.boolean) notes.push(t("noteBoolean"));
    if (c.dateOrder) notes.push(t("noteDateOrder", c.dateOrder.toUpperCase(), Boolean(c.dateAmbiguous)));
    for (const x of c.cleaning ?? []) notes.push(typeof x === "string" ? x : x.step ? `${kindText("clean", x.step)} ${x.count}` : msg(ctx, x));
    return notes.filter(Boolean).join("；");
  }

  // ---- distribution ----
  const chartSelect = h("select", { id: "chart-column", aria: { label: t("chartColumn") } });
  const chart = createChart(ctx, { name: "distribution", labelKey: "chartTitle" });
  chart.box.id = "chart";
  const chartStats = h("p", { id: "chart-stats", class: "muted" });
  chartSelect.addEventListener("change", () => {
    chartColumn = chartSelect.value;
    drawChart().catch((e) => ctx.notify(e, "error"));
  });
  const chartCard = card(
    ctx,
    { titleKey: "chartTitle", tip: "histogram", actions: [h("label", { class: "inline" }, h("span", { i18n: "chartColumn", text: t("chartColumn") }), chartSelect)] },
    chart.el,
    chartStats,
  );

  // ---- validation report ----
  const issueSummary = h("p", { id: "issue-summary", class: "issue-summary" });
  const copyButton = h("button", { type: "button", class: "small", id: "copy-issues", i18n: "copyIssues", text: t("copyIssues"), tip: "copyIssues" });
  const issueList = h("ol", { id: "warnings", class: "warnings" });
  copyButton.addEventListener("click", copyIssues);
  const reportCard = card(ctx, { titleKey: "warningsTitle", tip: "validation", actions: [copyButton] }, issueSummary, issueList);

  // ---- join ----
  const joinFile = h("input", { type: "file", id: "join-file", accept: ".csv,.tsv,.txt,.xlsx,.json", hidden: true });
  const joinPick = h("label", { class: "button", htmlFor: "join-file", tip: "joinFile" }, h("span", { i18n: "joinAdd", text: t("joinAdd") }));
  const joinOn = h("select", { id: "join-on", aria: { label: t("joinOn") } });
  const joinRun = h("button", { type: "button", class: "primary", id: "join-run", i18n: "joinRun", text: t("joinRun"), disabled: true });
  const joinOnLabel = h("label", { class: "inline", hidden: true }, h("span", { i18n: "joinOn", text: t("joinOn") }), joinOn, help(ctx, "joinOn"));
  const joinOnRight = h("select", { id: "join-on-right", aria: { label: t("joinOnRight") } });
  const joinOnRightLabel = h("label", { class: "inline", hidden: true }, h("span", { i18n: "joinOnRight", text: t("joinOnRight") }), joinOnRight);
  const joinIds = h("ul", { class: "join-ids", id: "join-ids" });
  const joinUse = h("button", { type: "button", id: "join-use", i18n: "joinUse", text: t("joinUse"), hidden: true });
  const joinInfo = h("p", { id: "join-info", class: "muted" });
  const joinState = stateBox(ctx);
  let disc = [];
  const discTable = createTable(ctx, {
    id: "discrepancies",
    labelKey: "discTitle",
    exportName: "discrepancies",
    columns: [
      { key: "id", labelKey: "colId", width: "8rem", value: (i) => disc[i].id },
      { key: "period", labelKey: "period", width: "6rem", value: (i) => disc[i].period ?? "" },
      { key: "column", labelKey: "colName", width: "minmax(8rem, 1fr)", value: (i) => (disc[i].rightColumn && disc[i].rightColumn !== disc[i].column ? `${disc[i].column} / ${disc[i].rightColumn}` : disc[i].column) },
      { key: "left", labelKey: "colLeft", width: "minmax(6rem, 1fr)", value: (i) => disc[i].left },
      { key: "right", labelKey: "colRight", width: "minmax(6rem, 1fr)", value: (i) => disc[i].right },
      { key: "kind", labelKey: "colDiscKind", width: "7rem", value: (i) => (disc[i].kind ? t(`disc.${disc[i].kind}`) : "") },
      { key: "lines", labelKey: "colLines", width: "6rem", value: (i) => (disc[i].leftLine ? `${disc[i].leftLine} / ${disc[i].rightLine ?? "—"}` : "") },
    ],
    emptyKey: "noDiscrepancies",
  });
  discTable.el.hidden = true;
  joinFile.addEventListener("change", (e) => addSecond(e.target.files?.[0]));
  joinRun.addEventListener("click", runJoin);
  joinUse.addEventListener("click", () => {
    if (joined?.handle) ctx.useHandle(joined.handle, t("joinedLabel", ctx.store.get().dataset?.label ?? t("sampleLabel"), second?.label ?? ""));
  });
  const joinCard = card(
    ctx,
    { titleKey: "joinTitle", tip: "join", id: "join-card" },
    h("div", { class: "row wrap" }, joinPick, joinFile, joinOnLabel, joinOnRightLabel, joinRun, joinUse),
    joinInfo,
    joinIds,
    joinState.el,
    discTable.el,
  );

  const state = stateBox(ctx);
  const el = h("div", { class: "panel-grid data-grid" }, state.el, sourceCard, chartCard, columnsCard, reportCard, joinCard);

  // ---- behaviour ----
  async function setRole(column, role) {
    const ds = ctx.store.get().dataset;
    try {
      await ctx.hr.call(ds.handle, "setRole", column, role);
      ctx.useHandle(ds.handle, ds.label, { keepSelection: true });
    } catch (e) {
      ctx.notify(e, "error");
      renderColumns();
    }
  }

  function renderSource() {
    const s = info.source ?? {};
    const parts = [
      t("kv", t("format"), s.format === "sample" ? t("sampleLabel") : s.format ?? "?"),
      s.filename && t("kv", t("fileName"), s.filename),
      s.encoding && t("kv", t("encoding"), s.encoding),
      s.delimiter && t("kv", t("delimiter"), s.delimiter === "\t" ? "Tab" : s.delimiter),
      s.sheet && t("kv", t("sheet"), s.sheet),
      s.headerRow && t("kv", t("headerRow"), s.headerRow),
      t("kv", t("rows"), fmt(info.rowCount, ctx.i18n.lang(), 0)),
      t("kv", t("columnsCount"), info.columns.length),
    ];
    source.textContent = parts.filter(Boolean).join(" · ");
    const roles = info.columns.filter((c) => c.role);
    fill(
      roleList,
      roles.length
        ? roles.map((c) => h("li", {}, h("span", { class: "role-name", text: t("roles")[c.role] ?? c.role }), " ← ", h("span", { text: c.name })))
        : h("li", { class: "muted", text: t("noRoles") }),
    );
    const fromFile = !["sample", "join"].includes(s.format) && ctx.hasFile();
    readOptions.hidden = !fromFile;
    if (fromFile) {
      setOptions(optEncoding, ["", "utf-8", "gb18030", "gbk", "utf-16le", "utf-16be", "big5"].map((v) => ({ value: v, label: v || t("auto") })), "");
      delimiterField.hidden = s.format !== "csv";
      setOptions(optDelimiter, [{ value: "", label: t("auto") }, { value: ",", label: "," }, { value: ";", label: ";" }, { value: "\t", label: "Tab" }, { value: "|", label: "|" }], "");
      sheetField.hidden = !(s.sheets?.length > 1);
      if (s.sheets?.length > 1) setOptions(optSheet, s.sheets.map((x) => ({ value: x })), s.sheet);
      // The header-row override needs a build that reports it (headerRows).
      headerField.hidden = s.headerRows === undefined;
      optHeader.value = s.headerRow ?? "";
    }
    const kinds = {};
    for (const c of info.columns) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
    kindLine.textContent = Object.entries(kinds).map(([k, n]) => `${t("kinds")[k] ?? k} ${n}`).join(" · ");
    const items = [];
    for (const c of s.cleaning ?? []) items.push(typeof c === "string" ? c : msg(ctx, c) || [c.column, c.action, c.count].filter((x) => x !== undefined).join(" · "));
    for (const c of info.columns) for (const x of c.cleaning ?? []) items.push(`${c.name}: ${typeof x === "string" ? x : msg(ctx, x) || x.step}`);
    fill(
      skippedList,
      (s.skipped ?? []).slice(0, 50).map((x) =>
        h("li", {}, h("span", { class: "where", text: t("warningRow", x.line) }), h("span", { class: "muted", text: ` ${kindText("wkind", x.reason)} ` }), h("code", { text: x.text })),
      ),
    );
    skippedHead.hidden = !(s.skipped ?? []).length;
    // A percent column the engine did not describe (an older build) still says how it was read.
    if (s.format !== "sample") for (const c of info.columns) if (c.percent && !c.cleaning?.length) items.push(t("cleanPercent", c.name));
    const fromWarnings = (info.warnings ?? []).filter((w) => w.kind === "cleaning");
    for (const w of fromWarnings) items.push(msg(ctx, w));
    fill(cleaning, items.length ? items.map((x) => h("li", { text: x })) : h("li", { class: "muted", text: t(s.format === "sample" ? "cleanSample" : "cleanNone") }));
  }

  function renderColumns() {
    cols = info.columns;
    columnsTable.setData(cols.length);
  }

  function renderIssues() {
    issues = info.warnings ?? [];
    const rep = info.report;
    if (rep) {
      // The engine's counts (all warnings, by kind; rows skipped; cells cleaned).
      const kinds = Object.entries(rep.byKind ?? {}).map(([k, n]) => `${kindText("wkind", k)} ${n}`);
      const cleaned = Object.entries(rep.cleaned ?? {}).map(([k, n]) => `${kindText("clean", k)} ${n}`);
      issueSummary.textContent = rep.warnings
        ? t("reportSummary", rep.warnings, Math.min(SHOWN_ISSUES, issues.length), kinds.join("，"), rep.skippedRows ?? 0, cleaned.join("，"))
        : cleaned.length
          ? t("reportClean", cleaned.join("，"))
          : "";
    } else {
      const byColumn = new Map();
      for (const w of issues) {
        const k = w.column ?? t("noColumn");
        byColumn.set(k, (byColumn.get(k) ?? 0) + 1);
      }
      const top = [...byColumn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
      issueSummary.textContent = issues.length
        ? t("issueSummary", issues.length, Math.min(SHOWN_ISSUES, issues.length), top.map(([c, n]) => `${c} ${n}`).join("，"))
        : "";
    }
    copyButton.disabled = issues.length === 0;
    fill(
      issueList,
      issues.length === 0
        ? h("li", { class: "ok", text: t("noWarnings") })
        : issues.slice(0, SHOWN_ISSUES).map((w) =>
            h(
              "li",
              {},
              w.row ? h("span", { class: "where", text: t("warningRow", w.row) }) : null,
              w.column ? h("span", { class: "where col", text: w.column }) : null,
              w.file ? h("span", { class: "where", text: w.file }) : null,
              h("span", { class: "what", text: msg(ctx, w) }),
              w.count > 1 ? h("span", { class: "muted", text: ` ×${w.count}` }) : null,
            ),
          ),
    );
  }

  function issuesText() {
    return [t("issueHeader"), ...issues.slice(0, SHOWN_ISSUES).map((w) => [w.row ?? "", w.column ?? "", msg(ctx, w)].join("\t"))].join("\n");
  }

  async function copyIssues() {
    const text = issuesText();
    try {
      await navigator.clipboard.writeText(text);
      ctx.notify(t("copied", Math.min(SHOWN_ISSUES, issues.length)), "info");
    } catch {
      // No clipboard permission: select the list so the user can press Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(issueList);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      ctx.notify(t("copyManual"), "info");
    }
  }

  function renderChartSelect() {
    const numeric = numericColumns(info);
    const preferred = [chartColumn, "客户满意度"].find((n) => numeric.includes(n));
    chartColumn = preferred ?? numeric[0] ?? null;
    setOptions(chartSelect, numeric.map((n) => ({ value: n })), chartColumn);
  }

  async function drawChart() {
    const ds = ctx.store.get().dataset;
    chart.box.dataset.ready = "false";
    if (!chartColumn) {
      chart.clear();
      chartStats.textContent = t("noNumeric");
      return;
    }
    const column = chartColumn;
    const [hist, stats] = await Promise.all([ctx.hr.call(ds.handle, "histogram", column, 20), ctx.hr.call(ds.handle, "stats", column)]);
    if (column !== chartColumn) return;
    const lang = ctx.i18n.lang();
    const labels = hist.counts.map((_, i) => edge(hist.edges[i]));
    chart.set({
      grid: { left: 56, right: 16, top: 28, bottom: 44 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, name: column, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: t("count") },
      series: [{ type: "bar", data: hist.counts, itemStyle: { color: "#2f6fde" }, barCategoryGap: "8%" }],
    });
    chart.describe(t("chartAria", column));
    chartStats.textContent = t("stats", stats, lang);
    chart.box.dataset.column = column;
  }

  // ---- join ----
  async function addSecond(file) {
    if (!file) return;
    joinFile.value = "";
    joinState.loading("loadingSecond");
    try {
      if (second) ctx.hr.free(second.handle);
      const r = await ctx.hr.load(file, {});
      second = { ...r, label: file.name };
      joinState.clear();
      const mine = new Set(info.columns.map((c) => c.name));
      const common = second.columns.map((c) => c.name).filter((n) => mine.has(n));
      setOptions(joinOn, [{ value: "", label: t("joinAuto") }, ...info.columns.map((c) => ({ value: c.name }))], "");
      setOptions(joinOnRight, [{ value: "", label: t("joinSame") }, ...second.columns.map((c) => ({ value: c.name }))], "");
      joinOnLabel.hidden = false;
      joinOnRightLabel.hidden = false;
      joinRun.disabled = false;
      joinInfo.textContent = t("secondLoaded", file.name, second.rowCount, second.columns.length, common.length);
      if (!hasMethod(info, "join")) {
        joinRun.disabled = true;
        joinState.unavailable("joinUnavailable");
      }
    } catch (e) {
      joinState.error(e);
    }
  }

  async function runJoin() {
    const ds = ctx.store.get().dataset;
    if (!second) return;
    joinState.loading("joining");
    try {
      const opts = {};
      if (joinOn.value && joinOnRight.value && joinOnRight.value !== joinOn.value) opts.on = [joinOn.value, joinOnRight.value];
      else if (joinOn.value) opts.on = joinOn.value;
      // The worker's join op keeps the joined dataset and describes it; an
      // earlier join not in use is freed.
      if (joined?.handle && joined.handle !== ds.handle) ctx.hr.free(joined.handle);
      joined = await ctx.hr.join(ds.handle, second.handle, opts);
      joinState.clear();
      disc = joined.discrepancies ?? [];
      discTable.el.hidden = false;
      discTable.setData(disc.length);
      const sum = joined.summary ?? {};
      const left = sum.leftOnly ?? joined.leftOnly ?? [];
      const right = sum.rightOnly ?? joined.rightOnly ?? [];
      const count = (x) => (Array.isArray(x) ? x.length : x);
      joinInfo.textContent = t("joinResult", sum.discrepancies ?? disc.length, count(left), count(right), sum.matched ?? joined.matched);
      fill(
        joinIds,
        [["joinLeftOnly", sum.leftOnlyIds], ["joinRightOnly", sum.rightOnlyIds]]
          .filter(([, ids]) => ids?.length)
          .map(([k, ids]) => h("li", {}, h("span", { class: "where", text: t(k, ids.length) }), ids.slice(0, 50).join("、"), ids.length > 50 ? "…" : "")),
      );
      joinUse.hidden = !joined.handle;
      ctx.emit("join", { discrepancies: disc, leftOnly: left, rightOnly: right });
    } catch (e) {
      joinState.error(e);
    }
  }

  function edge(x) {
    return Math.abs(x) >= 100 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString();
  }

  return {
    key: "data",
    el,
    async refresh() {
      info = ctx.store.get().dataset;
      if (!info) {
        state.empty("noData");
        return;
      }
      state.clear();
      renderSource();
      renderColumns();
      renderIssues();
      renderChartSelect();
      if (!hasMethod(info, "join")) joinInfo.textContent = t("joinUnavailable");
      else if (!second) joinInfo.textContent = t("joinHint");
      await drawChart();
    },
    onLang() {
      if (!info) return;
      renderSource();
      columnsTable.rerender();
      renderIssues();
      discTable.rerender();
      drawChart().catch(() => {});
    },
    settings: () => ({ chartColumn }),
    restore(s) {
      if (s?.chartColumn) chartColumn = s.chartColumn;
    },
    errorText: (e) => errorText(ctx, e),
  };
}
