// Scores panel (考核): scorecards, weight sliders that re-score live
// (whatIf.setWeights, at most one call per animation frame), the ranking,
// bands against targets, a person against their team, who moved and why,
// how far each weight can move before anyone changes band, the weight
// assistant (AHP with its consistency light, entropy, CRITIC, combined),
// calibration by manager, the 9-box and a comparison of two cards.
// Every number shown comes from the engine.
import { h, fill, select, setOptions, download } from "../ui/dom.js";
import { createTable } from "../ui/table.js";
import { createChart, BAND_COLORS, PALETTE } from "../ui/chart.js";
import { stateBox } from "../ui/states.js";
import { help, labelled } from "../ui/tooltip.js";
import { fmt, signed, share, month } from "../ui/format.js";
import { card, numericColumns, categoryColumns, roleColumn, msg } from "./common.js";

// Saaty's 1–9 scale: the values a pairwise judgement can take.
const SAATY = [9, 8, 7, 6, 5, 4, 3, 2, 1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 7, 1 / 8, 1 / 9];
const SAATY_LABEL = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9"];
const MOVERS_SHOWN = 30;
const IDLE_MS = 250;
// Above this many people scored, the slower views (sensitivity: one re-scoring
// per weight and bound; calibration) run on request, so the worker stays free
// for the sliders.
const LARGE = 20_000;

export function createScoresPanel(ctx, { initialCard } = {}) {
  const { t } = ctx;
  const L = () => ctx.i18n.lang();
  let info = null;
  let templates = [];
  const userCards = []; // { id, label, card }
  let cardId = initialCard || "cs-manager-monthly";
  let baseCard = null; // the card as chosen (original weights)
  let current = null; // the card with the slider weights (for save/compare)
  let wh = null; // WhatIf handle
  let scores = null; // latest Scores (WhatIfScores after a move)
  let weights = {}; // name → value (dimensions and "dim/indicator")
  let lastMoved = [];
  let view = []; // indices into scores shown in the ranking (org filter)
  let selected = -1; // index into scores
  let people = { name: null, manager: null };
  let groupBy = "";
  let bandIndex = new Map();
  let sens = [];
  let generation = 0;

  // ---- controls ----
  const cardSelect = h("select", { id: "card-select", aria: { label: t("cardPick") } });
  const loadInput = h("input", { type: "file", id: "card-file", accept: ".json,application/json", hidden: true });
  const loadLabel = h("label", { class: "button", htmlFor: "card-file", tip: "cardLoad" }, h("span", { i18n: "cardLoad", text: t("cardLoad") }));
  const saveButton = h("button", { type: "button", id: "card-save", i18n: "cardSave", text: t("cardSave"), tip: "cardSave" });
  const csvButton = h("button", { type: "button", id: "card-template", i18n: "cardTemplateCsv", text: t("cardTemplateCsv"), tip: "cardTemplateCsv" });
  const resetButton = h("button", { type: "button", id: "weights-reset", i18n: "weightsReset", text: t("weightsReset"), tip: "weightsReset" });
  const groupSelect = h("select", { id: "group-by", aria: { label: t("groupBy") } });
  const periodNote = h("span", { class: "muted", id: "score-period" });
  const controls = h(
    "div",
    { class: "toolbar" },
    labelled(ctx, "cardPick", "card", cardSelect),
    loadLabel,
    loadInput,
    saveButton,
    csvButton,
    labelled(ctx, "groupBy", "groupRank", groupSelect),
    resetButton,
    periodNote,
  );
  const warnList = h("ul", { class: "score-warnings muted" });
  const state = stateBox(ctx);

  // ---- weights ----
  const sliders = h("div", { class: "sliders", id: "sliders" });
  const weightsCard = card(ctx, { titleKey: "weightsTitle", tip: "weights", id: "weights-card" }, sliders);

  // ---- ranking ----
  const dimCols = () =>
    (current?.dimensions ?? []).map((d) => ({
      key: `dim:${d.name}`,
      label: () => d.name,
      num: true,
      width: "5.5rem",
      value: (i) => scores.dimensions[d.name]?.[view[i]],
      keys: (rows) => Float64Array.from(rows, (i) => scores.dimensions[d.name]?.[view[i]] ?? NaN),
      render: (i) => fmt(scores.dimensions[d.name]?.[view[i]], L(), 1),
    }));
  const movedBy = new Map();
  let ranking = null;
  const rankingWrap = h("div", { class: "ranking-wrap" });
  const rankingCard = card(ctx, { titleKey: "rankingTitle", tip: "ranking", id: "ranking-card", cls: "span-2" }, rankingWrap);
  function buildRanking() {
    const cols = [
      { key: "rank", labelKey: "colRank", num: true, width: "4.6rem", value: (i) => scores.rank[view[i]], keys: (rows) => Float64Array.from(rows, (i) => scores.rank[view[i]]) },
      { key: "id", labelKey: "colId", width: "6rem", pii: true, value: (i) => scores.ids[view[i]] },
      { key: "name", labelKey: "colPerson", width: "minmax(6rem, 1fr)", pii: true, value: (i) => personName(view[i]) },
      {
        key: "band",
        labelKey: "colBand",
        width: "4rem",
        value: (i) => scores.band[view[i]],
        render: (i) => bandChip(scores.band[view[i]]),
        sortValue: (i) => bandIndex.get(scores.band[view[i]]) ?? 99,
      },
      { key: "total", labelKey: "colTotal", num: true, width: "5rem", value: (i) => scores.total[view[i]], keys: (rows) => Float64Array.from(rows, (i) => scores.total[view[i]]), render: (i) => fmt(scores.total[view[i]], L(), 1) },
      ...(scores?.groupRank ? [{ key: "groupRank", labelKey: "colGroupRank", num: true, width: "5rem", value: (i) => scores.groupRank[view[i]] }] : []),
      ...dimCols(),
      {
        key: "delta",
        labelKey: "colMove",
        tipKey: "move",
        width: "6rem",
        value: (i) => moveText(view[i]),
        sortValue: (i) => {
          const m = movedBy.get(scores.ids[view[i]]);
          return m ? -Math.abs(m.toRank - m.fromRank) : 0;
        },
      },
    ];
    ranking = createTable(ctx, {
      id: "ranking",
      labelKey: "rankingTitle",
      exportName: "ranking",
      columns: cols,
      defaultSort: { key: "rank", dir: 1 },
      rowClass: (i) => `band-${bandIndex.get(scores.band[view[i]]) ?? "x"}${view[i] === selected ? " picked" : ""}`,
      onActivate: (i) => pick(view[i]),
    });
    fill(rankingWrap, ranking.el);
  }
  function moveText(k) {
    const m = movedBy.get(scores.ids[k]);
    if (!m) return "";
    const arrow = m.toRank < m.fromRank ? "↑" : m.toRank > m.fromRank ? "↓" : "→";
    return `${arrow}${m.fromRank}→${m.toRank}${m.fromBand !== m.toBand ? ` ${m.fromBand}→${m.toBand}` : ""}`;
  }
  function bandChip(b) {
    return h("span", { class: `band-chip band-${bandIndex.get(b) ?? "x"}`, text: b || "—" });
  }
  // id → position in the scores, built once per what-if session (the people do not change).
  let idMap = null;
  function idIndex() {
    if (!idMap || idMap.ids !== scores.ids) idMap = { ids: scores.ids, map: new Map(scores.ids.map((id, k) => [id, k])) };
    return idMap.map;
  }
  function personName(k) {
    const row = scores.rows?.[k];
    return (people.name && row !== undefined ? people.name[row] : "") || "";
  }

  // ---- bands ----
  const bandChart = createChart(ctx, { name: "bands", labelKey: "bandsTitle", cls: "short" });
  const bandCard = card(ctx, { titleKey: "bandsTitle", tip: "bands", id: "bands-card" }, bandChart.el);

  // ---- radar ----
  const radarChart = createChart(ctx, { name: "radar", labelKey: "radarTitle" });
  const radarNote = h("p", { class: "muted", id: "radar-note" });
  const radarCard = card(ctx, { titleKey: "radarTitle", tip: "radar", id: "radar-card" }, radarNote, radarChart.el);

  // ---- movers ----
  const moversList = h("ol", { class: "movers", id: "movers" });
  const moversNote = h("p", { class: "muted", id: "movers-note" });
  const moversCard = card(ctx, { titleKey: "moversTitle", tip: "movers", id: "movers-card" }, moversNote, moversList);

  // ---- sensitivity ----
  const sensChart = createChart(ctx, { name: "sensitivity", labelKey: "sensTitle", cls: "tall" });
  const sensRun = h("button", { type: "button", class: "small", id: "sens-run", i18n: "sensRun", text: t("sensRun"), hidden: true });
  sensRun.addEventListener("click", () => drawSensitivity(generation).catch(showError));
  const sensCard = card(ctx, { titleKey: "sensTitle", tip: "sensitivity", id: "sens-card", actions: [sensRun] }, sensChart.el);

  // ---- AHP ----
  const ahpGrid = h("div", { class: "ahp-grid", id: "ahp" });
  const ahpLight = h("span", { class: "cr-light", id: "ahp-cr", attrs: { role: "status" } });
  const ahpWeightsOut = h("p", { class: "muted", id: "ahp-weights" });
  const ahpApply = h("button", { type: "button", id: "ahp-apply", i18n: "ahpApply", text: t("ahpApply"), disabled: true });
  let ahpMatrix = [];
  let ahpResult = null;
  const ahpCard = card(ctx, { titleKey: "ahpTitle", tip: "ahp", id: "ahp-card" }, ahpGrid, h("div", { class: "row wrap" }, ahpLight, ahpApply), ahpWeightsOut);

  // ---- objective weights ----
  const objTableWrap = h("div", { class: "obj-wrap", id: "objective" });
  const objRun = h("button", { type: "button", id: "objective-run", i18n: "objectiveRun", text: t("objectiveRun") });
  const objApply = select({ id: "objective-apply", aria: { label: t("objectiveApply") } }, []);
  const objApplyButton = h("button", { type: "button", id: "objective-apply-run", i18n: "apply", text: t("apply"), disabled: true });
  let objective = null; // { rows: [{ key, dim, column, current, entropy, critic, combined }] }
  const objCard = card(ctx, { titleKey: "objectiveTitle", tip: "objective", id: "objective-card" }, h("div", { class: "row wrap" }, objRun, objApply, objApplyButton), objTableWrap);

  // ---- calibration ----
  const calColumn = h("select", { id: "cal-column", aria: { label: t("calColumn") } });
  const calControl = h("select", { id: "cal-control", aria: { label: t("calControl") } });
  const calRun = h("button", { type: "button", class: "primary", id: "cal-run", i18n: "calRun", text: t("calRun") });
  const calState = stateBox(ctx);
  const calSummary = h("p", { class: "muted", id: "cal-summary" });
  const calChart = createChart(ctx, { name: "calibration", labelKey: "calTitle" });
  let calGroups = [];
  let calHidden = [];
  const ch = (i, v) => (calHidden[i] ? null : v);
  const calTable = createTable(ctx, {
    id: "cal-groups",
    labelKey: "calGroups",
    exportName: "calibration",
    // Groups under the privacy setting's size show "—" (calHidden); exports apply the same rule in the engine.
    columns: [
      { key: "group", labelKey: "colManager", width: "minmax(7rem, 1fr)", pii: true, value: (i) => groupLabel(calGroups[i].group) },
      { key: "n", labelKey: "colN", num: true, size: true, width: "3.5rem", value: (i) => calGroups[i].n },
      { key: "mean", labelKey: "colBefore", num: true, width: "5rem", value: (i) => ch(i, calGroups[i].mean), render: (i) => fmt(ch(i, calGroups[i].mean), L(), 2) },
      { key: "rest", labelKey: "colRestMean", num: true, width: "5rem", value: (i) => ch(i, calGroups[i].restMean), render: (i) => fmt(ch(i, calGroups[i].restMean), L(), 2) },
      { key: "d", labelKey: "colCohensD", tipKey: "cohensD", num: true, width: "5rem", value: (i) => ch(i, calGroups[i].cohensD), render: (i) => signed(ch(i, calGroups[i].cohensD), L(), 2) },
      { key: "flag", labelKey: "colFlag", width: "6rem", value: (i) => (calHidden[i] ? "—" : calGroups[i].flag ? t(`flag.${calGroups[i].flag}`) : ""), render: (i) => (calHidden[i] ? "—" : flagChip(calGroups[i].flag)) },
    ],
    emptyKey: "noRows",
  });
  const calCard = card(
    ctx,
    { titleKey: "calTitle", tip: "calibration", id: "cal-card", cls: "span-2" },
    h("div", { class: "row wrap" }, labelled(ctx, "calColumn", "calColumn", calColumn), labelled(ctx, "calControl", "calControl", calControl), calRun),
    calState.el,
    calSummary,
    h("div", { class: "split" }, calTable.el, calChart.el),
  );

  // ---- 9-box ----
  const nbColumn = h("select", { id: "ninebox-column", aria: { label: t("nineboxAxis") } });
  const nbGrid = h("div", { class: "ninebox", id: "ninebox", attrs: { role: "grid" } });
  const nbMembers = h("p", { class: "muted", id: "ninebox-members" });
  const nbState = stateBox(ctx);
  let nine = null;
  const nbCard = card(ctx, { titleKey: "nineboxTitle", tip: "ninebox", id: "ninebox-card" }, labelled(ctx, "nineboxAxis", "nineboxAxis", nbColumn), nbState.el, nbGrid, nbMembers);

  // ---- compare ----
  const cmpSelect = h("select", { id: "compare-card", aria: { label: t("compareWith") } });
  const cmpRun = h("button", { type: "button", class: "primary", id: "compare-run", i18n: "compareRun", text: t("compareRun") });
  const cmpOut = h("div", { id: "compare-out" });
  const cmpState = stateBox(ctx);
  const cmpCard = card(ctx, { titleKey: "compareTitle", tip: "compare", id: "compare-card-box", cls: "span-2" }, h("div", { class: "row wrap" }, labelled(ctx, "compareWith", "compareWith", cmpSelect), cmpRun), cmpState.el, cmpOut);

  const el = h(
    "div",
    { class: "scores" },
    controls,
    state.el,
    warnList,
    h("div", { class: "panel-grid scores-grid" }, weightsCard, rankingCard, bandCard, radarCard, moversCard, sensCard, nbCard, ahpCard, objCard, calCard, cmpCard),
  );

  // ---- events ----
  cardSelect.addEventListener("change", () => {
    cardId = cardSelect.value;
    start().catch(showError);
  });
  loadInput.addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    loadInput.value = "";
    if (!file) return;
    try {
      const text = await file.text();
      const parsed = JSON.parse(text);
      // The engine validates (unknown columns, weights, bands…) when the what-if starts.
      const id = `file:${userCards.length}:${file.name}`;
      userCards.push({ id, label: parsed.name || file.name, card: parsed });
      cardId = id;
      renderCardOptions();
      await start();
    } catch (err) {
      showError(err instanceof SyntaxError ? Object.assign(new Error(err.message), { name: "FormatError", messageZh: `评分卡 JSON 无法解析：${err.message}`, file: file.name }) : err);
    }
  });
  saveButton.addEventListener("click", () => {
    if (!current) return;
    download(new Blob([JSON.stringify(current, null, 2) + "\n"], { type: "application/json" }), `${current.name || "scorecard"}.json`);
  });
  csvButton.addEventListener("click", async () => {
    try {
      const csv = await ctx.hr.module("scorecardTemplateCsv", current ?? cardId);
      download(new Blob([csv], { type: "text/csv;charset=utf-8" }), `${current?.name || cardId}-template.csv`);
    } catch (e) {
      showError(e);
    }
  });
  resetButton.addEventListener("click", () => start().catch(showError));
  groupSelect.addEventListener("change", () => {
    groupBy = groupSelect.value;
    start().catch(showError);
  });
  calRun.addEventListener("click", () => runCalibration().catch((e) => calState.error(e)));
  nbColumn.addEventListener("change", () => runNineBox().catch((e) => nbState.error(e)));
  cmpRun.addEventListener("click", () => runCompare().catch((e) => cmpState.error(e)));
  objRun.addEventListener("click", () => runObjective().catch(showError));
  objApplyButton.addEventListener("click", applyObjective);
  ahpApply.addEventListener("click", applyAhp);

  function showError(e) {
    ctx.notify(e, "error");
  }

  // ---- cards ----
  function allCards() {
    return [...templates.map((x) => ({ id: x.id, label: `${x.card.name} (${x.id})`, card: x.card })), ...userCards];
  }
  function renderCardOptions() {
    setOptions(cardSelect, allCards().map((c) => ({ value: c.id, label: c.label })), cardId);
    setOptions(
      cmpSelect,
      [{ value: "__base", label: t("compareBase") }, ...allCards().map((c) => ({ value: c.id, label: c.label }))],
      cmpSelect.value || "__base",
    );
  }
  const cardOf = (id) => structuredClone(allCards().find((c) => c.id === id)?.card ?? null);

  // ---- start a what-if session ----
  async function start() {
    const gen = ++generation;
    info = ctx.store.get().dataset;
    if (!info) return;
    state.loading("scoring");
    if (!templates.length) templates = await ctx.hr.module("scorecardTemplates");
    renderCardOptions();
    const chosen = cardOf(cardId);
    if (!chosen) {
      state.empty("noCard");
      return;
    }
    const period = ctx.store.get().selection.period ?? undefined;
    const opts = { ...(period ? { period } : {}), ...(groupBy ? { groupBy } : {}) };
    let handle;
    try {
      handle = (await ctx.hr.call(info.handle, "whatIf", chosen, opts)).handle;
    } catch (e) {
      if (gen === generation) state.error(e);
      throw Object.assign(e, { shown: true });
    }
    if (gen !== generation) {
      ctx.hr.free(handle);
      return;
    }
    if (wh) ctx.hr.free(wh);
    wh = handle;
    baseCard = chosen;
    current = structuredClone(chosen);
    const [s, w] = await Promise.all([ctx.hr.call(wh, "scores"), ctx.hr.call(wh, "weights")]);
    if (gen !== generation) return;
    weights = w;
    lastMoved = [];
    movedBy.clear();
    const cols = await ctx.cache.columns([roleColumn(info, "name"), roleColumn(info, "managerId")]);
    people = { name: cols[0], manager: cols[1] };
    state.clear();
    scores = s;
    bandIndex = new Map(s.bandCounts.map((b, i) => [b.label, i]));
    selected = -1;
    buildRanking();
    renderSliders();
    applyScores(s, { fresh: true });
    renderAhp();
    renderMoversNote();
    renderObjective();
    idle();
    fillColumnSelects();
    runNineBox().catch((e) => nbState.error(e));
    if (s.ids.length <= LARGE) runCalibration().catch((e) => calState.error(e));
    else calState.empty("largeOnRequest");
  }

  // ---- sliders: coalesce input events to one setWeights per animation frame ----
  let pending = {};
  let inflight = false;
  let raf = 0;
  function queue(name, value) {
    pending[name] = value;
    weights[name] = value;
    setCardWeight(name, value);
    updatePercents();
    if (!raf) raf = requestAnimationFrame(flush);
  }
  async function flush() {
    raf = 0;
    if (inflight || !Object.keys(pending).length) return;
    const batch = pending;
    pending = {};
    inflight = true;
    const gen = generation;
    try {
      // ids and rows are the same people as before; bands cross as codes (see worker.js).
      const r = await ctx.hr.callShaped({ omit: ["ids", "rows"], codes: ["band"] }, wh, "setWeights", batch);
      if (gen !== generation) return;
      r.ids = scores.ids;
      r.rows = scores.rows;
      r.band = Array.from(r.band.codes, (c) => r.band.labels[c]);
      lastMoved = r.moved;
      movedBy.clear();
      for (const m of r.moved) movedBy.set(m.id, m);
      applyScores(r);
      renderMovers(r);
      idle();
    } catch (e) {
      showError(e);
    } finally {
      inflight = false;
      if (Object.keys(pending).length && !raf) raf = requestAnimationFrame(flush);
    }
  }
  function setCardWeight(name, value) {
    const [d, ind] = name.split("/");
    const dim = current.dimensions.find((x) => x.name === d);
    if (!dim) return;
    if (ind === undefined) dim.weight = value;
    else {
      const it = dim.indicators.find((x) => x.column === ind);
      if (it) it.weight = value;
    }
  }

  const sliderRefs = new Map(); // name → { input, out, pct }
  function renderSliders() {
    sliderRefs.clear();
    const dims = current.dimensions;
    fill(
      sliders,
      dims.map((d) => {
        const top = slider(d.name, d.name, "dim");
        const inds = d.indicators.map((it) => slider(`${d.name}/${it.column}`, it.column, "ind"));
        return h("div", { class: "slider-group" }, top, h("details", { class: "indicators" }, h("summary", { text: t("indicatorsOf", d.name, d.indicators.length) }), ...inds));
      }),
    );
    updatePercents();
  }
  function slider(name, text, level) {
    const v = weights[name] ?? 0;
    const input = h("input", {
      type: "range",
      min: 0,
      max: level === "dim" ? 100 : 100,
      step: 1,
      value: String(v),
      class: "weight-slider",
      aria: { label: t("weightOf", text) },
      dataset: { weight: name, level },
      tip: level === "dim" ? "sliderDim" : "sliderInd",
    });
    const out = h("output", { class: "weight-value", text: fmt(v, L(), 1) });
    const pct = h("span", { class: "weight-pct muted" });
    input.addEventListener("input", () => {
      out.textContent = fmt(Number(input.value), L(), 1);
      queue(name, Number(input.value));
    });
    sliderRefs.set(name, { input, out, pct });
    return h("div", { class: ["slider-row", level] }, h("span", { class: "slider-name", text }), input, out, pct);
  }
  // Shown as shares of their siblings (weights are relative; DESIGN.md: the page shows them as percentages).
  function updatePercents() {
    for (const d of current?.dimensions ?? []) {
      const dimSum = current.dimensions.reduce((a, x) => a + (weights[x.name] ?? 0), 0);
      const r = sliderRefs.get(d.name);
      if (r) r.pct.textContent = dimSum > 0 ? share((weights[d.name] ?? 0) / dimSum, L()) : "—";
      const names = d.indicators.map((it) => `${d.name}/${it.column}`);
      const s = names.reduce((a, n) => a + (weights[n] ?? 0), 0);
      for (const n of names) {
        const ri = sliderRefs.get(n);
        if (ri) ri.pct.textContent = s > 0 ? share((weights[n] ?? 0) / s, L()) : "—";
      }
    }
  }
  function setSliders(w) {
    for (const [name, v] of Object.entries(w)) {
      const r = sliderRefs.get(name);
      if (r) {
        r.input.value = String(v);
        r.out.textContent = fmt(v, L(), 1);
      }
    }
  }

  // ---- applying a result ----
  function applyScores(s, { fresh = false } = {}) {
    scores = s;
    computeView();
    if (fresh) ranking.setData(view.length);
    else ranking.setData(view.length, { keepActive: true });
    periodNote.textContent = s.period ? t("scoredPeriod", month(s.period, L()), s.ids.length, s.unscored?.length ?? 0) : "";
    const ws = L() === "zh" ? s.warningsZh ?? s.warnings : s.warnings;
    fill(warnList, (ws ?? []).map((w) => h("li", { text: w })));
    drawBands(fresh);
    ctx.emit("scores", { card: current?.name, period: s.period, ids: s.ids, total: s.total, rank: s.rank, band: s.band, bandCounts: s.bandCounts, moved: s.moved ?? [] });
  }

  function computeView() {
    const org = ctx.store.get().selection.org;
    const sub = org ? ctx.cache.subtreeSync(org) : null;
    view = [];
    for (let k = 0; k < scores.ids.length; k++) if (!sub || sub.has(scores.ids[k])) view.push(k);
  }

  function drawBands(fresh = true) {
    const b = scores.bandCounts;
    const hasTarget = b.some((x) => x.targetCount !== null && x.targetCount !== undefined);
    bandChart.set({
      grid: { left: 44, right: 12, top: 30, bottom: 28 },
      legend: hasTarget ? { top: 0, left: 0, data: [t("bandActual"), t("bandTarget")] } : { show: false },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: b.map((x) => x.label) },
      yAxis: { type: "value", name: t("people"), minInterval: 1 },
      series: [
        {
          name: t("bandActual"),
          type: "bar",
          data: b.map((x, i) => ({ value: x.count, itemStyle: { color: BAND_COLORS[i] ?? "#888" } })),
          label: { show: true, position: "top" },
        },
        ...(hasTarget
          ? [{ name: t("bandTarget"), type: "bar", data: b.map((x) => x.targetCount), itemStyle: { color: "rgba(0,0,0,0)", borderColor: "#1f2933", borderType: "dashed", borderWidth: 1.5 } }]
          : []),
      ],
    }, { merge: !fresh }); // while a slider moves, only the counts change
    bandChart.describe(t("bandsAria", b.map((x) => `${x.label} ${x.count}`).join(", ")));
  }

  function renderMoversNote() {
    moversNote.textContent = t("moversHint");
    moversList.replaceChildren();
  }
  function renderMovers(r) {
    const dims = current.dimensions.map((d) => d.name);
    const list = [...r.moved].sort((a, b) => Math.abs(b.toRank - b.fromRank) - Math.abs(a.toRank - a.fromRank) || (a.id < b.id ? -1 : 1)).slice(0, MOVERS_SHOWN);
    moversNote.textContent = t("moversSummary", r.rankChanges, r.bandChanges, r.moved.length > MOVERS_SHOWN ? MOVERS_SHOWN : r.moved.length);
    const idx = idIndex();
    fill(
      moversList,
      list.map((m) => {
        const k = idx.get(m.id);
        const name = k !== undefined ? personName(k) : "";
        const why = m.why
          .map((v, j) => ({ v, d: dims[j] }))
          .filter((x) => Math.abs(x.v) >= 0.005)
          .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))
          .map((x) => h("span", { class: `why ${x.v > 0 ? "up" : "down"}`, text: `${x.d} ${signed(x.v, L(), 2)}` }));
        return h(
          "li",
          { class: m.toRank < m.fromRank ? "up" : "down" },
          h("span", { class: "mover-name", text: [name, m.id].filter(Boolean).join(" · ") }),
          h("span", { class: "mover-rank", text: t("moverRank", m.fromRank, m.toRank) }),
          m.fromBand !== m.toBand ? h("span", { class: "mover-band" }, bandChip(m.fromBand), " → ", bandChip(m.toBand)) : null,
          h("span", { class: "mover-why" }, h("span", { class: "muted", text: t("why") }), ...why),
        );
      }),
    );
  }

  // ---- slow views, refreshed when the sliders rest ----
  let idleTimer = 0;
  function idle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      const gen = generation;
      const large = scores.ids.length > LARGE;
      sensRun.hidden = !large;
      Promise.all([large ? null : drawSensitivity(gen), drawRadar(gen)]).catch(showError);
    }, IDLE_MS);
  }

  async function drawSensitivity(gen) {
    sens = await ctx.hr.call(wh, "sensitivity");
    if (gen !== generation) return;
    const names = sens.map((s) => s.name);
    sensChart.set({
      grid: { left: 150, right: 24, top: 24, bottom: 30 },
      tooltip: { trigger: "item" },
      legend: { top: 0, data: [t("sensStable"), t("sensCurrent")] },
      xAxis: { type: "value", name: t("weight"), min: 0 },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
      series: [
        {
          name: t("sensStable"),
          type: "custom",
          // Draw [stableMin, stableMax] as a bar; an open end (null) runs to the plot's edge.
          renderItem: (params, api) => {
            const y = api.value(0);
            const start = api.coord([api.value(1), y]);
            const maxV = api.value(2);
            const cs = params.coordSys;
            const end = Number.isFinite(maxV) ? api.coord([maxV, y]) : [cs.x + cs.width, start[1]];
            const hgt = api.size([0, 1])[1] * 0.5;
            return { type: "rect", shape: { x: start[0], y: start[1] - hgt / 2, width: Math.max(1, end[0] - start[0]), height: hgt }, style: { fill: "rgba(47,111,222,0.35)", stroke: "#2f6fde" } };
          },
          encode: { x: [1, 2], y: 0 },
          data: sens.map((s, i) => [i, s.stableMin, s.stableMax ?? NaN]),
          tooltip: { formatter: (p) => `${names[p.value[0]]}: ${fmt(p.value[1], L(), 1)} – ${Number.isFinite(p.value[2]) ? fmt(p.value[2], L(), 1) : "∞"}` },
        },
        { name: t("sensCurrent"), type: "scatter", symbol: "diamond", symbolSize: 11, itemStyle: { color: "#c2410c" }, data: sens.map((s, i) => [s.weight, i]), encode: { x: 0, y: 1 } },
      ],
    });
    sensChart.describe(t("sensAria", sens.length));
  }

  async function drawRadar(gen) {
    const dims = current.dimensions.map((d) => d.name);
    if (selected < 0 && scores.ids.length) selected = Number(ranking.order[0] !== undefined ? view[ranking.order[0]] : 0);
    const k = selected;
    if (k < 0 || k === undefined) {
      radarChart.clear();
      return;
    }
    const row = scores.rows[k];
    const mgr = people.manager?.[row] ?? "";
    // Group codes: 1 = the people scored with the same manager (the team), 0 = the others;
    // the engine's means of code 1 and of everyone (all codes 0).
    const teamCodes = Uint32Array.from(scores.rows, (r) => ((people.manager?.[r] ?? "") === mgr ? 1 : 0));
    const allCodes = new Uint32Array(scores.rows.length);
    const results = await Promise.all(
      dims.flatMap((d) => [ctx.hr.module("groupMeans", scores.dimensions[d], teamCodes), ctx.hr.module("groupMeans", scores.dimensions[d], allCodes)]),
    );
    if (gen !== generation) return;
    const team = dims.map((_, j) => results[2 * j].means[1]);
    const all = dims.map((_, j) => results[2 * j + 1].means[0]);
    const person = dims.map((d) => scores.dimensions[d][k]);
    const name = personName(k) || scores.ids[k];
    radarNote.textContent = t("radarNote", name, scores.ids[k], fmt(scores.total[k], L(), 1), scores.rank[k], groupLabel(mgr));
    radarChart.set({
      legend: { bottom: 0, data: [name, t("teamAvg"), t("allAvg")] },
      tooltip: { trigger: "item" },
      radar: { indicator: dims.map((d) => ({ name: d, max: 100, min: 0 })), radius: "62%", axisName: { color: "#1f2933" } },
      series: [
        {
          type: "radar",
          data: [
            { name, value: person, areaStyle: { opacity: 0.18 }, lineStyle: { width: 2.5 }, itemStyle: { color: PALETTE[0] } },
            { name: t("teamAvg"), value: team, lineStyle: { type: "dashed" }, itemStyle: { color: PALETTE[1] } },
            { name: t("allAvg"), value: all, lineStyle: { type: "dotted" }, itemStyle: { color: "#6b7280" } },
          ],
        },
      ],
    });
    radarChart.describe(t("radarAria", name));
    radarCard.dataset.person = scores.ids[k];
  }

  function pick(k) {
    selected = k;
    ranking.rerender();
    drawRadar(generation).catch(showError);
    ctx.emit("person", { id: scores.ids[k], total: scores.total[k], rank: scores.rank[k], band: scores.band[k] });
  }

  // ---- AHP ----
  function renderAhp() {
    const dims = current.dimensions.map((d) => d.name);
    const n = dims.length;
    ahpMatrix = Array.from({ length: n }, () => Array.from({ length: n }, () => 8)); // index into SAATY; 8 = "1"
    const cells = [h("div", { class: "ahp-corner" })];
    for (const d of dims) cells.push(h("div", { class: "ahp-head", text: d }));
    const lower = [];
    for (let i = 0; i < n; i++) {
      cells.push(h("div", { class: "ahp-head row-head", text: dims[i] }));
      lower[i] = [];
      for (let j = 0; j < n; j++) {
        if (i === j) cells.push(h("div", { class: "ahp-cell diag", text: "1" }));
        else if (j > i) {
          const s = select(
            { class: "ahp-select", aria: { label: t("ahpCell", dims[i], dims[j]) }, dataset: { i, j } },
            SAATY_LABEL.map((l, x) => ({ value: x, label: l })),
            8,
          );
          s.addEventListener("change", () => {
            ahpMatrix[i][j] = Number(s.value);
            ahpMatrix[j][i] = SAATY.length - 1 - Number(s.value); // the reciprocal judgement on the same scale
            lower[j][i].textContent = SAATY_LABEL[ahpMatrix[j][i]];
            runAhp();
          });
          cells.push(h("div", { class: "ahp-cell" }, s));
        } else {
          const out = h("div", { class: "ahp-cell recip", text: "1" });
          lower[i][j] = out;
          cells.push(out);
        }
      }
    }
    ahpGrid.style.setProperty("--ahp-n", String(n + 1));
    fill(ahpGrid, cells);
    runAhp();
  }
  async function runAhp() {
    const m = ahpMatrix.map((r) => r.map((x) => SAATY[x]));
    try {
      ahpResult = await ctx.hr.module("ahpWeights", m);
      const cr = ahpResult.cr;
      const level = !Number.isFinite(cr) || cr < 0.1 ? "ok" : cr < 0.2 ? "warn" : "bad";
      ahpLight.className = `cr-light ${level}`;
      ahpLight.dataset.level = level;
      ahpLight.textContent = t(`cr.${level}`, fmt(cr, L(), 3));
      const dims = current.dimensions.map((d) => d.name);
      ahpWeightsOut.textContent = t("ahpOut", dims.map((d, i) => `${d} ${share(ahpResult.weights[i], L(), 1)}`).join("，"), fmt(ahpResult.lambdaMax, L(), 3), fmt(ahpResult.ci, L(), 3));
      ahpApply.disabled = false;
    } catch (e) {
      ahpResult = null;
      ahpApply.disabled = true;
      ahpLight.className = "cr-light bad";
      ahpLight.textContent = msg(ctx, e);
    }
  }
  function applyAhp() {
    if (!ahpResult) return;
    const dims = current.dimensions.map((d) => d.name);
    // Weights are relative: AHP's shares become slider values in percentage points.
    const w = Object.fromEntries(dims.map((d, i) => [d, Number((ahpResult.weights[i] * 100).toFixed(1))]));
    setSliders(w);
    for (const [k, v] of Object.entries(w)) queue(k, v);
  }

  // ---- objective weights ----
  function renderObjective() {
    objective = null;
    setOptions(objApply, [
      { value: "entropy", label: t("wEntropy") },
      { value: "critic", label: t("wCritic") },
      { value: "combined", label: t("wCombined") },
    ]);
    objApplyButton.disabled = true;
    fill(objTableWrap, h("p", { class: "muted", text: t("objectiveHint") }));
  }
  async function runObjective() {
    const rows = [];
    for (const d of current.dimensions) {
      const names = d.indicators.map((it) => it.column);
      const keys = d.indicators.map((it) => `${d.name}/${it.column}`);
      const cur = keys.map((k) => weights[k] ?? 0);
      const [en, cr] = await Promise.all([ctx.hr.call(info.handle, "entropyWeights", names), ctx.hr.call(info.handle, "criticWeights", names)]);
      const comb = await ctx.hr.module("combineWeights", cur, en, 0.5);
      keys.forEach((k, i) => rows.push({ key: k, dim: d.name, column: names[i], current: cur[i] / cur.reduce((a, b) => a + b, 0), entropy: en[i], critic: cr[i], combined: comb[i] }));
    }
    objective = rows;
    const table = h(
      "table",
      { class: "mini" },
      h("thead", {}, h("tr", {}, ...["colIndicator", "colCurrent", "wEntropy", "wCritic", "wCombined"].map((k) => h("th", { text: t(k), class: k === "colIndicator" ? "" : "num" })))),
      h(
        "tbody",
        {},
        rows.map((r) => h("tr", {}, h("td", { text: `${r.dim} / ${r.column}` }), ...[r.current, r.entropy, r.critic, r.combined].map((v) => h("td", { class: "num", text: share(v, L(), 1) })))),
      ),
    );
    fill(objTableWrap, table, h("p", { class: "muted", text: t("objectiveNote") }));
    objApplyButton.disabled = false;
  }
  function applyObjective() {
    if (!objective) return;
    const which = objApply.value;
    const w = Object.fromEntries(objective.map((r) => [r.key, Number((r[which] * 100).toFixed(1))]));
    setSliders(w);
    for (const [k, v] of Object.entries(w)) queue(k, v);
  }

  // ---- calibration ----
  function fillColumnSelects() {
    const nums = numericColumns(info);
    const prefer = (list, names) => names.find((n) => list.includes(n)) ?? list[0];
    setOptions(calColumn, nums.map((n) => ({ value: n })), calColumn.value || prefer(nums, ["上级评分", "manager_rating"]));
    setOptions(calControl, [{ value: "", label: t("none") }, ...nums.map((n) => ({ value: n }))], calControl.value || "");
    setOptions(nbColumn, nums.map((n) => ({ value: n })), nbColumn.value || prefer(nums, ["上级评分", "培训完成率"]));
    const cats = categoryColumns(info).filter((c) => !["employeeId", "name"].includes(info.columns.find((x) => x.name === c)?.role));
    setOptions(groupSelect, [{ value: "", label: t("none") }, ...cats.map((n) => ({ value: n }))], groupBy);
  }
  function groupLabel(id) {
    if (!id) return "—";
    const n = ctx.cache.nodeNameSync(id);
    return n && n !== id ? `${n} (${id})` : id;
  }
  function flagChip(f) {
    return f ? h("span", { class: `flag ${f}`, text: t(`flag.${f}`) }) : "";
  }
  async function runCalibration() {
    calState.loading("calibrating");
    const period = scores?.period ?? ctx.store.get().selection.period ?? undefined;
    const opts = { ...(period ? { period } : {}), ...(calControl.value ? { control: calControl.value } : {}) };
    await ctx.cache.orgTree().catch(() => null);
    const c = await ctx.hr.call(info.handle, "calibrate", calColumn.value, opts);
    calState.clear();
    calGroups = c.groups;
    calHidden = await ctx.suppressed(calGroups.map((g) => g.n));
    calTable.setData(calGroups.length);
    const flagged = calGroups.filter((g) => g.flag);
    calSummary.textContent = t("calSummary", c.column, groupLabel(c.by), month(c.period, L()), fmt(c.orgMean, L(), 2), fmt(c.orgSd, L(), 2), flagged.length, calGroups.length);
    const byCol = await ctx.cache.columns([c.by]);
    const flagOf = new Map(calGroups.map((g) => [g.group, g.flag]));
    const pts = { lenient: [], severe: [], none: [] };
    c.rows.forEach((r, i) => pts[flagOf.get(byCol[0]?.[r]) ?? "none"].push([c.values[i], c.calibrated[i]]));
    calChart.set({
      grid: { left: 56, right: 16, top: 16, bottom: 72 },
      legend: { bottom: 0 },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", name: t("calBefore"), nameLocation: "middle", nameGap: 26, scale: true },
      yAxis: { type: "value", name: t("calAfter"), nameLocation: "middle", nameGap: 36, scale: true },
      series: [
        { name: t("flag.none"), type: "scatter", symbolSize: 5, data: pts.none, itemStyle: { color: "rgba(107,114,128,0.45)" } },
        { name: t("flag.lenient"), type: "scatter", symbolSize: 7, data: pts.lenient, itemStyle: { color: "#d97706" } },
        { name: t("flag.severe"), type: "scatter", symbolSize: 7, data: pts.severe, itemStyle: { color: "#2f6fde" } },
      ],
    });
    calChart.describe(t("calAria", flagged.length));
    ctx.emit("calibration", { column: c.column, groups: c.groups });
  }

  // ---- 9-box ----
  async function runNineBox() {
    if (!nbColumn.value) return;
    nbState.loading("loading");
    const period = scores?.period ?? undefined;
    nine = await ctx.hr.call(info.handle, "nineBox", current, nbColumn.value, { ...(period ? { period } : {}) });
    nbState.clear();
    const cells = [];
    for (let other = 2; other >= 0; other--) {
      for (let perf = 0; perf <= 2; perf++) {
        const box = 3 * other + perf + 1;
        const count = nine.counts[other][perf];
        cells.push(
          h(
            "button",
            {
              type: "button",
              class: `nb-cell nb-${box}`,
              dataset: { box },
              attrs: { role: "gridcell" },
              aria: { label: t("nbCell", t(`nb.${box}`), count) },
              on: { click: () => showBox(box) },
            },
            h("span", { class: "nb-name", text: t(`nb.${box}`) }),
            h("span", { class: "nb-count", text: String(count) }),
          ),
        );
      }
    }
    fill(
      nbGrid,
      h("div", { class: "nb-y", text: t("nbYAxis", nine.column) }),
      h("div", { class: "nb-cells" }, cells),
      h("div", { class: "nb-x", text: t("nbXAxis") }),
    );
    nbMembers.textContent = nine.unplaced ? t("nbUnplaced", nine.unplaced) : t("nbHint");
  }
  function showBox(box) {
    if (!nine || !scores) return;
    const names = [];
    nine.boxes.forEach((b, k) => {
      if (b === box) names.push(personName(k) || scores.ids[k]);
    });
    nbMembers.textContent = t("nbMembers", t(`nb.${box}`), names.length, names.slice(0, 40).join("、"));
  }

  // ---- compare two cards ----
  async function runCompare() {
    cmpState.loading("comparing");
    const other = cmpSelect.value === "__base" ? baseCard : cardOf(cmpSelect.value);
    const period = scores?.period ?? undefined;
    const c = await ctx.hr.call(info.handle, "compareCards", other, current, { ...(period ? { period } : {}) });
    cmpState.clear();
    const bandsB = [...c.bandsB, t("noBand")];
    const matrix = h(
      "table",
      { class: "mini band-matrix", id: "compare-matrix" },
      h("caption", { text: t("bandMatrix") }),
      h("thead", {}, h("tr", {}, h("th", { text: t("aVsB") }), ...bandsB.map((b) => h("th", { class: "num", text: b })))),
      h(
        "tbody",
        {},
        [...c.bandsA, t("noBand")].map((a, i) => h("tr", {}, h("th", { text: a }), ...(c.bandMatrix[i] ?? []).map((v, j) => h("td", { class: ["num", i === j && "diag", v && i !== j && "off"], text: String(v) })))),
      ),
    );
    const idx = idIndex();
    const movers = h(
      "table",
      { class: "mini", id: "compare-movers" },
      h("caption", { text: t("compareMovers") }),
      h("thead", {}, h("tr", {}, ...["colPerson", "colRankA", "colRankB", "colBandA", "colBandB"].map((k) => h("th", { text: t(k) })))),
      h(
        "tbody",
        {},
        c.movers.map((m) => {
          const k = idx.get(m.id);
          return h("tr", {}, h("td", { text: [k !== undefined ? personName(k) : "", m.id].filter(Boolean).join(" · ") }), h("td", { class: "num", text: String(m.rankA) }), h("td", { class: "num", text: String(m.rankB) }), h("td", { text: m.bandA }), h("td", { text: m.bandB }));
        }),
      ),
    );
    fill(
      cmpOut,
      h("p", { class: "compare-summary", id: "compare-summary", text: t("compareSummary", c.common, fmt(c.spearman, L(), 3), fmt(c.kendall, L(), 3)) }),
      h("div", { class: "split" }, matrix, movers),
    );
    ctx.emit("compare", c);
  }

  return {
    key: "scores",
    el,
    async refresh(changed) {
      info = ctx.store.get().dataset;
      if (!info) {
        state.empty("noData");
        return;
      }
      if (changed.includes("dataset") || changed.includes("period") || !wh) {
        try {
          await start();
        } catch (e) {
          if (!e.shown) throw e;
        }
      } else if (changed.includes("recovered")) {
        // The engine restarted: the what-if was rebuilt with the weights set
        // here, so its scores are drawn again as the engine has them now.
        const gen = generation;
        const s = await ctx.hr.call(wh, "scores");
        if (gen !== generation) return;
        applyScores(s, { fresh: true });
        idle();
      } else if (changed.includes("org") && scores) {
        applyScores(scores, { fresh: true });
      } else if (changed.includes("privacy") && calGroups.length) {
        await runCalibration();
      }
    },
    onLang() {
      if (!scores) return;
      renderCardOptions();
      buildRanking();
      renderSliders();
      applyScores(scores, { fresh: true });
      renderAhp();
      if (lastMoved.length) renderMovers({ ...scores, moved: lastMoved, rankChanges: scores.rankChanges ?? 0, bandChanges: scores.bandChanges ?? 0 });
      idle();
      fillColumnSelects();
      if (nine) runNineBox().catch(() => {});
    },
    settings: () => ({ cardId, card: current, groupBy, userCards: userCards.map((c) => ({ label: c.label, card: c.card })) }),
    async restore(s) {
      if (!s) return;
      for (const c of s.userCards ?? []) userCards.push({ id: `file:${userCards.length}:${c.label}`, label: c.label, card: c.card });
      if (s.card) {
        const id = `restored:${userCards.length}`;
        userCards.push({ id, label: s.card.name ?? id, card: s.card });
        cardId = id;
      } else if (s.cardId) cardId = s.cardId;
      groupBy = s.groupBy ?? "";
      wh = null;
    },
    setCard(id) {
      cardId = id;
    },
  };
}
