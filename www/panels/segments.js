// Segments panel (分群): pick features, k automatic or by hand, run k-means
// in the engine (ds.segment), then see the 2-D map coloured by segment, why
// that k (the k-scan), a profile card per segment in words, rule-based tiers
// and their cross-tab with the segments, an editable strategy table, and the
// members of a segment (following the shared selection of org node and month).
// Built against the contract in DESIGN.md; when this build has no
// ds.segment / ds.tier the panel says so instead.
import { h, fill, setOptions } from "../ui/dom.js";
import { createTable } from "../ui/table.js";
import { createChart, PALETTE } from "../ui/chart.js";
import { stateBox } from "../ui/states.js";
import { help, labelled } from "../ui/tooltip.js";
import { fmt, share, signed } from "../ui/format.js";
import { tableExportMenu } from "../ui/menu.js";
import { card, numericColumns, roleColumn, hasMethod, label as labelOf, msg } from "./common.js";

const SAMPLE_FEATURES = ["登录次数", "考勤模块", "薪酬模块", "培训模块", "绩效模块", "满意度"];
// A starting point for the tier rules of the sample data (the seed's matrix:
// job attribute → 管理层/技术层/基层, usage → 高频/低频), in the engine's
// TierRules form; the engine validates it.
const SAMPLE_TIERS = {
  name: "岗位 × 使用频率",
  dimensions: [
    {
      name: "岗位层级",
      column: "职位族",
      levels: [
        { label: "管理层", values: ["管理层"] },
        { label: "技术层", values: ["技术支持"] },
        { label: "基层", otherwise: true },
      ],
    },
    {
      name: "使用频率",
      column: "登录次数",
      levels: [
        { label: "高频", minQuantile: 0.5 },
        { label: "低频", otherwise: true },
      ],
    },
  ],
};
const UNASSIGNED = 4294967295;

export function createSegmentsPanel(ctx) {
  const { t } = ctx;
  const L = () => ctx.i18n.lang();
  let info = null;
  let result = null;
  let tiers = null;
  let chosen = new Set();
  let members = [];
  let memberCols = [];
  let memberSeg = -1;
  let strategy = []; // per segment: the user's edits { needs?, strategy?, effect? }
  let suggested = []; // the engine's StrategyRow per segment (need/needZh, strategy/strategyZh, effect/effectZh, basis)
  let survey = null;

  const unavailable = stateBox(ctx, "big");

  // ---- controls ----
  const features = h("fieldset", { class: "features", id: "seg-features" }, h("legend", { i18n: "segFeatures", text: t("segFeatures") }));
  const kMode = h("select", { id: "seg-kmode", aria: { label: t("segK") } });
  const kInput = h("input", { type: "number", id: "seg-k", min: 2, max: 30, value: "4", class: "num-input", aria: { label: t("segKManual") } });
  const kMax = h("input", { type: "number", id: "seg-kmax", min: 3, max: 30, value: "8", class: "num-input", aria: { label: t("segKMax") } });
  const scaling = h("select", { id: "seg-scaling", aria: { label: t("segScaling") } });
  const seed = h("input", { type: "number", id: "seg-seed", value: "42", class: "num-input", aria: { label: t("segSeed") } });
  const run = h("button", { type: "button", class: "primary", id: "seg-run", i18n: "segRun", text: t("segRun") });
  const addColumn = h("button", { type: "button", id: "seg-add-column", i18n: "segAddColumn", text: t("segAddColumn"), tip: "segAddColumn", hidden: true });
  addColumn.addEventListener("click", async () => {
    if (!result) return;
    try {
      // The segment of each row as a category column: trends and scores can follow it.
      await ctx.hr.call(info.handle, "addLabels", t("segColumn"), result.labels, { names: segNames(), replace: true });
      ctx.useHandle(info.handle, ctx.store.get().dataset?.label ?? null, { keepSelection: true });
      ctx.notify(t("segColumnAdded", t("segColumn")), "info");
    } catch (e) {
      ctx.notify(e, "error");
    }
  });
  const state = stateBox(ctx);
  const quality = h("p", { class: "quality", id: "seg-quality" });
  const controlsCard = card(
    ctx,
    { titleKey: "segSetup", tip: "kmeans", id: "seg-setup", cls: "span-2" },
    features,
    h(
      "div",
      { class: "row wrap" },
      labelled(ctx, "segK", "kAuto", kMode),
      labelled(ctx, "segKManual", "kManual", kInput),
      labelled(ctx, "segKMax", "kMax", kMax),
      labelled(ctx, "segScaling", "scaling", scaling),
      labelled(ctx, "segSeed", "seed", seed),
      run,
      addColumn,
    ),
    state.el,
    quality,
  );
  kMode.addEventListener("change", () => (kInput.disabled = kMode.value === "auto"));
  run.addEventListener("click", () => runSegment().catch((e) => state.error(e)));

  // ---- map and k-scan ----
  const map = createChart(ctx, { name: "segment-map", labelKey: "segMap", cls: "tall" });
  map.box.id = "seg-map";
  const mapCard = card(ctx, { titleKey: "segMap", tip: "projection", id: "seg-map-card" }, map.el);
  const scan = createChart(ctx, { name: "k-scan", labelKey: "kScan" });
  const scanCard = card(ctx, { titleKey: "kScan", tip: "kscan", id: "seg-scan-card" }, scan.el, h("p", { class: "muted", id: "kscan-note" }));
  map.on("click", (p) => {
    if (typeof p.seriesIndex === "number") showMembers(p.seriesIndex);
  });

  // ---- profiles ----
  const profiles = h("div", { class: "profiles", id: "seg-profiles" });
  const profilesCard = card(ctx, { titleKey: "segProfiles", tip: "profiles", id: "seg-profiles-card", cls: "span-2" }, profiles);

  // ---- tiers ----
  const tierRules = h("textarea", { id: "tier-rules", class: "code", rows: 7, spellcheck: false, aria: { label: t("tierRules") } });
  const tierRun = h("button", { type: "button", id: "tier-run", i18n: "tierRun", text: t("tierRun") });
  const tierState = stateBox(ctx);
  const tierOut = h("div", { id: "tier-out" });
  const tierCard = card(ctx, { titleKey: "tierTitle", tip: "tiers", id: "tier-card", cls: "span-2" }, h("div", { class: "tier-edit" }, labelled(ctx, "tierRules", "tierRules", tierRules), tierRun), tierState.el, tierOut);
  tierRun.addEventListener("click", () => runTiers().catch((e) => tierState.error(e)));

  // ---- strategy ----
  const strategyBody = h("tbody", {});
  const strategyTable = h(
    "table",
    { class: "mini strategy", id: "strategy" },
    h("thead", {}, h("tr", {}, ...["colSegment", "colSize", "colNeeds", "colStrategy", "colExpected", "colBasis"].map((k) => h("th", { text: t(k), dataset: { i18n: k } })))),
    strategyBody,
  );
  const strategyCard = card(
    ctx,
    {
      titleKey: "strategyTitle",
      tip: "strategy",
      id: "strategy-card",
      cls: "span-2",
      actions: [tableExportMenu(ctx, "strategy", () => strategyExport())],
    },
    strategyTable,
  );

  // ---- survey by segment ----
  const surveyColumn = h("select", { id: "survey-column", aria: { label: t("surveyColumn") } });
  const surveyRun = h("button", { type: "button", id: "survey-run", i18n: "surveyRun", text: t("surveyRun") });
  const surveyState = stateBox(ctx);
  const surveyChart = createChart(ctx, { name: "survey", labelKey: "surveyTitle" });
  const surveyCard = card(
    ctx,
    { titleKey: "surveyTitle", tip: "survey", id: "survey-card", cls: "span-2" },
    h("div", { class: "row wrap" }, labelled(ctx, "surveyColumn", "surveyColumn", surveyColumn), surveyRun),
    surveyState.el,
    surveyChart.el,
  );
  surveyRun.addEventListener("click", () => runSurvey().catch((e) => surveyState.error(e)));

  // ---- members ----
  const memberTitle = h("p", { class: "muted", id: "members-note" });
  const memberWrap = h("div", {});
  const membersCard = card(ctx, { titleKey: "segMembers", tip: "members", id: "seg-members-card", cls: "span-2" }, memberTitle, memberWrap);

  const body = h("div", { class: "panel-grid segments-grid" }, controlsCard, mapCard, scanCard, profilesCard, tierCard, strategyCard, surveyCard, membersCard);
  const el = h("div", { class: "segments" }, unavailable.el, body);

  // ---- setup ----
  function fillControls(reset) {
    const nums = numericColumns(info).filter((n) => !info.columns.find((c) => c.name === n)?.role);
    // Category columns with few levels can be features too (one-hot in the engine).
    const cats = info.columns.filter((c) => c.kind === "category" && !c.role && c.distinct > 1 && c.distinct <= 30).map((c) => c.name);
    const defaults = SAMPLE_FEATURES.filter((f) => nums.includes(f));
    if (reset || !chosen.size) chosen = new Set(defaults.length >= 2 ? defaults : nums.slice(0, 4));
    fill(
      features,
      h("legend", {}, h("span", { i18n: "segFeatures", text: t("segFeatures") }), help(ctx, "features")),
      [...nums, ...cats].map((n) => {
        const box = h("input", { type: "checkbox", value: n, checked: chosen.has(n), dataset: { feature: n } });
        box.addEventListener("change", () => (box.checked ? chosen.add(n) : chosen.delete(n)));
        return h("label", { class: ["check", cats.includes(n) && "cat"] }, box, h("span", { text: n }));
      }),
    );
    const likert = info.columns.filter((c) => (c.kind === "number" && c.distinct > 1 && c.distinct <= 11) || (c.kind === "category" && !c.role && c.distinct <= 12)).map((c) => c.name);
    setOptions(surveyColumn, likert.map((n) => ({ value: n })), likert.includes(surveyColumn.value) ? surveyColumn.value : ["满意度", "satisfaction"].find((n) => likert.includes(n)) ?? likert[0]);
    setOptions(kMode, [{ value: "auto", label: t("kAutoOpt") }, { value: "manual", label: t("kManualOpt") }], kMode.value || "auto");
    kInput.disabled = kMode.value === "auto";
    setOptions(scaling, ["zscore", "robust", "minmax", "none"].map((v) => ({ value: v, label: t(`scale.${v}`) })), scaling.value || "zscore");
    if (!tierRules.value) tierRules.value = JSON.stringify(SAMPLE_TIERS, null, 2);
  }

  async function runSegment() {
    const feats = [...chosen];
    if (feats.length < 2) {
      state.empty("segNeedFeatures");
      return;
    }
    state.loading("segmenting");
    const opts = { features: feats, k: kMode.value === "auto" ? "auto" : Number(kInput.value), kMax: Number(kMax.value) || 8, seed: Number(seed.value) || 0, scaling: scaling.value };
    const r = await ctx.hr.call(info.handle, "segment", opts);
    state.clear();
    result = r;
    // Suggestions for the strategy table come from the engine (ds.strategy, from
    // the traits); the user's edits are kept per cell.
    suggested = [];
    if (hasMethod(info, "strategy")) {
      try {
        suggested = await ctx.hr.call(info.handle, "strategy", { features: feats.filter((f) => info.columns.find((c) => c.name === f)?.kind === "number"), segments: r.labels, names: segNames() });
      } catch {
        suggested = [];
      }
    }
    strategy = (r.profiles ?? []).map(() => ({}));
    await suppress();
    renderResult();
    addColumn.hidden = !hasMethod(info, "addLabels");
    surveyCard.hidden = !hasMethod(info, "surveyBySegment");
    if (!surveyCard.hidden) runSurvey().catch((e) => surveyState.error(e));
    ctx.emit("segments", { k: r.k, labels: r.labels, sizes: r.sizes, profiles: r.profiles, silhouette: r.silhouette, kScan: r.kScan });
    // The seed's tier matrix next to the segments, as soon as there is one.
    if (hasMethod(info, "tier")) runTiers().catch((e) => tierState.error(e));
  }

  /** Names for the engine's group lists (tiers × segments, strategy, survey, added columns). */
  function segNames() {
    return (result?.profiles ?? []).map((p) => segName(p.segment));
  }

  /** A strategy cell: the user's text if edited, else the engine's suggestion in the current language. */
  function cell(i, k) {
    const edited = strategy[i]?.[k];
    if (edited !== undefined) return edited;
    const row = suggested[i];
    if (!row) return "";
    const key = { needs: "need", strategy: "strategy", effect: "effect" }[k];
    return (ctx.i18n.lang() === "zh" ? row[`${key}Zh`] : row[key]) ?? row[key] ?? "";
  }

  function segName(s) {
    const p = result?.profiles?.find((x) => x.segment === s);
    const l = p ? labelOf(ctx, p) : "";
    return `${t("segment")} ${s + 1}${l ? ` · ${l}` : ""}`;
  }

  function axisName(j) {
    const e = result?.projectionExplained?.[j];
    return Number.isFinite(e) ? `PC${j + 1} (${share(e, L())})` : `PC${j + 1}`;
  }

  function renderResult() {
    const r = result;
    quality.textContent = [
      t("segQuality", r.k, fmt(r.silhouette, L(), 3), fmt(r.calinskiHarabasz, L(), 1), fmt(r.daviesBouldin, L(), 3), fmt(r.inertia, L(), 1)),
      r.unassigned ? t("segUnassigned", r.unassigned) : "",
      ...(r.warnings ?? []).map((w) => msg(ctx, w)),
    ]
      .filter(Boolean)
      .join(" · ");
    // Map: one series per segment, the engine's 2-D projection, large mode for 100k+ points.
    const proj = r.projection;
    const per = Array.from({ length: r.k }, () => []);
    if (proj) for (let i = 0; i < r.labels.length; i++) per[r.labels[i]]?.push([proj[2 * i], proj[2 * i + 1]]);
    map.set({
      grid: { left: 40, right: 40, top: 56, bottom: 30 },
      legend: { top: 0, type: "scroll", left: 0, right: 90 },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", scale: true, name: axisName(0) },
      yAxis: { type: "value", scale: true, name: axisName(1) },
      series: per.map((pts, s) => ({ name: segName(s), type: "scatter", data: pts, large: true, largeThreshold: 2000, symbolSize: 4, itemStyle: { color: PALETTE[s % PALETTE.length], opacity: 0.6 } })),
    });
    map.describe(t("segMapAria", r.k, r.labels.length));
    // k-scan: why this k.
    const ks = r.kScan ?? [];
    if (ks.length) {
      scan.set({
        grid: { left: 50, right: 50, top: 36, bottom: 30 },
        legend: { top: 0, data: [t("silhouette"), t("inertia")] },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: ks.map((x) => String(x.k)), name: "k" },
        yAxis: [{ type: "value", name: t("silhouette") }, { type: "value", name: t("inertia"), splitLine: { show: false } }],
        series: [
          { name: t("silhouette"), type: "line", data: ks.map((x) => x.silhouette), symbolSize: 7, markPoint: { data: [{ coord: [String(r.k), ks.find((x) => x.k === r.k)?.silhouette ?? null], value: `k=${r.k}` }] } },
          { name: t("inertia"), type: "bar", yAxisIndex: 1, data: ks.map((x) => x.inertia), itemStyle: { color: "rgba(107,114,128,0.35)" } },
        ],
      });
      // The engine's own reason for its k when it gives one.
      el.querySelector("#kscan-note").textContent = msg(ctx, { message: r.kReason, messageZh: r.kReasonZh }) || t("kscanNote", r.k);
    } else {
      scan.clear();
      el.querySelector("#kscan-note").textContent = t("kscanManual");
    }
    renderProfiles();
    renderStrategy();
    memberTitle.textContent = t("membersHint");
    memberWrap.replaceChildren();
  }

  let segHidden = [];
  async function suppress() {
    segHidden = await ctx.suppressed((result?.profiles ?? []).map((p) => p.size));
  }

  function renderProfiles() {
    fill(
      profiles,
      (result.profiles ?? []).map((p, i) =>
        segHidden[i]
          ? h(
              "button",
              { type: "button", class: "profile suppressed", dataset: { segment: p.segment }, disabled: true },
              h("span", { class: "swatch", dataset: { s: p.segment % PALETTE.length } }),
              h("span", { class: "profile-name", text: segName(p.segment) }),
              h("span", { class: "muted", text: t("suppressedView", ctx.privacy().minGroup) }),
            )
          :
        h(
          "button",
          { type: "button", class: "profile", dataset: { segment: p.segment }, on: { click: () => showMembers(p.segment) } },
          h("span", { class: "swatch", dataset: { s: p.segment % PALETTE.length } }),
          h("span", { class: "profile-name", text: segName(p.segment) }),
          h("span", { class: "profile-size", text: t("segSize", p.size, share(p.share, L(), 1)) }),
          h(
            "span",
            { class: "traits" },
            (p.traits ?? []).slice(0, 5).map((x) => h("span", { class: `trait ${x.z < 0 ? "down" : "up"}`, text: `${x.feature} ${signed(x.z, L(), 2)}σ` })),
          ),
          p.categories?.length
            ? h("span", { class: "muted", text: p.categories.slice(0, 3).map((c) => `${c.feature ?? c.column}: ${c.value}${Number.isFinite(c.share) ? ` ${share(c.share, L())}` : ""}`).join("；") })
            : null,
        ),
      ),
    );
  }

  function renderStrategy() {
    fill(
      strategyBody,
      (result.profiles ?? []).map((p, i) =>
        h(
          "tr",
          {},
          h("th", { text: segName(p.segment) }),
          h("td", { class: "num", text: String(p.size) }),
          ...["needs", "strategy", "effect"].map((k) => {
            const input = h("textarea", { class: "cell-edit", rows: 3, value: cell(i, k), aria: { label: `${segName(p.segment)} · ${t({ needs: "colNeeds", strategy: "colStrategy", effect: "colExpected" }[k])}` }, attrs: { "data-i18n-ph": "strategyPh", placeholder: t("strategyPh") } });
            input.addEventListener("input", () => (strategy[i][k] = input.value));
            return h("td", {}, input);
          }),
          h("td", { class: "muted basis", text: (suggested[i]?.basis ?? []).join("；") }),
        ),
      ),
    );
  }

  function strategyExport() {
    return {
      name: "strategy",
      title: t("strategyTitle"),
      columns: ["colSegment", "colSize", "colNeeds", "colStrategy", "colExpected"].map((k, i) => ({ key: k, label: t(k), kind: i === 1 ? "number" : "text" })),
      rows: (result?.profiles ?? []).map((p, i) => [segName(p.segment), p.size, cell(i, "needs"), cell(i, "strategy"), cell(i, "effect")]),
    };
  }

  // ---- members: the rows of a segment, within the shared selection ----
  async function showMembers(s) {
    if (!result) return;
    memberSeg = s;
    const sel = ctx.store.get().selection;
    const idCol = roleColumn(info, "employeeId");
    const nameCol = roleColumn(info, "name");
    const deptCol = roleColumn(info, "department");
    const perCol = roleColumn(info, "period");
    const feats = [...chosen].filter((f) => result.profiles?.some((p) => p.traits?.some((x) => x.feature === f))) ;
    const shown = [idCol, nameCol, deptCol, perCol, ...(feats.length ? feats : [...chosen])].filter(Boolean);
    const cols = await ctx.cache.columns(shown);
    const period = perCol ? cols[shown.indexOf(perCol)] : null;
    const ids = idCol ? cols[shown.indexOf(idCol)] : null;
    const sub = sel.org ? ctx.cache.subtreeSync(sel.org) : null;
    members = [];
    for (let i = 0; i < result.labels.length; i++) {
      if (result.labels[i] !== s) continue;
      if (sel.period && period && !String(period[i]).startsWith(sel.period)) continue;
      if (sub && ids && !sub.has(ids[i])) continue;
      members.push(i);
    }
    memberCols = shown.map((name, j) => ({ name, data: cols[j] }));
    const table = createTable(ctx, {
      id: "seg-members",
      labelKey: "segMembers",
      exportName: "segment-members",
      columns: memberCols.map((c) => ({
        key: c.name,
        label: () => c.name,
        pii: c.name === idCol || c.name === nameCol,
        num: c.data instanceof Float64Array,
        width: c.data instanceof Float64Array ? "6rem" : "minmax(6rem, 1fr)",
        value: (i) => c.data[members[i]],
        render: (i) => (c.data instanceof Float64Array ? fmt(c.data[members[i]], L(), 2) : c.data[members[i]]),
      })),
    });
    table.setData(members.length);
    fill(memberWrap, table.el);
    memberTitle.textContent = t("membersOf", segName(s), members.length, [sel.period, sel.org && ctx.cache.nodeNameSync(sel.org)].filter(Boolean).join(" · ") || t("everyone"));
    ctx.emit("segment", { segment: s, rows: members });
  }

  // ---- survey: mean and distribution of a satisfaction column per segment ----
  async function runSurvey() {
    if (!result || !surveyColumn.value) return;
    surveyState.loading("loading");
    survey = await ctx.hr.call(info.handle, "surveyBySegment", { column: surveyColumn.value, segments: result.labels, names: segNames() });
    surveyState.clear();
    drawSurvey();
    ctx.emit("survey", survey);
  }
  function drawSurvey() {
    if (!survey) return;
    const groups = [survey.overall, ...survey.groups];
    const names = groups.map((g, i) => (i === 0 ? t("everyone") : g.group));
    const hiddenIdx = new Set(groups.map((g, i) => (i > 0 && segHidden[i - 1] ? i : -1)));
    surveyChart.set({
      grid: { left: 170, right: 130, top: 36, bottom: 24 },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", max: 1, axisLabel: { formatter: (v) => share(v, L()) } },
      yAxis: { type: "category", inverse: true, data: names, axisLabel: { width: 160, overflow: "truncate" } },
      series: survey.levels.map((level, j) => ({
        name: level,
        type: "bar",
        stack: "shares",
        // Answers low → high on a diverging scale (red … green), grey in the middle.
        itemStyle: { color: likertColor(j, survey.levels.length) },
        data: groups.map((g, i) => (hiddenIdx.has(i) ? null : g.shares[j])),
        label: j === survey.levels.length - 1 ? { show: true, position: "right", formatter: (p) => (hiddenIdx.has(p.dataIndex) ? "—" : t("surveyMean", fmt(groups[p.dataIndex].mean, L(), 2), groups[p.dataIndex].n)) } : undefined,
      })),
    });
    surveyChart.describe(t("surveyAria", survey.column, groups.length - 1));
  }

  function likertColor(j, n) {
    const scale = ["#b42318", "#e8833a", "#f2c14e", "#c9ced6", "#9cc98a", "#4f9d5c", "#1a7f37"];
    if (n <= 1) return scale[3];
    return scale[Math.round((j * (scale.length - 1)) / (n - 1))];
  }

  // ---- tiers ----
  async function runTiers() {
    let rules;
    try {
      rules = JSON.parse(tierRules.value);
    } catch (e) {
      tierState.error(Object.assign(new Error(e.message), { name: "FormatError", messageZh: `规则 JSON 无法解析：${e.message}` }));
      return;
    }
    tierState.loading("tiering");
    // With a segmentation, the engine also crosses the tiers with the segments.
    const opts = result ? { segments: result.labels, names: segNames() } : undefined;
    tiers = await ctx.hr.call(info.handle, "tier", rules, opts);
    tierState.clear();
    const counts = tiers.tiers ? tiers.tiers.map((x) => [x.label, x.count, x.share]) : Object.entries(tiers.counts ?? {});
    const tierHidden = await ctx.suppressed(counts.map(([, v]) => v));
    const countTable = h(
      "table",
      { class: "mini", id: "tier-counts" },
      h("thead", {}, h("tr", {}, h("th", { text: t("tier") }), h("th", { class: "num", text: t("colSize") }), h("th", { class: "num", text: t("colShare") }))),
      h(
        "tbody",
        {},
        counts.map(([k, v, sh], i) => h("tr", {}, h("td", { text: k }), h("td", { class: "num", text: tierHidden[i] ? "—" : String(v) }), h("td", { class: "num", text: tierHidden[i] ? "—" : share(sh, L(), 1) }))),
        tiers.untiered ? h("tr", {}, h("td", { class: "muted", text: t("untiered") }), h("td", { class: "num", text: String(tiers.untiered) }), h("td")) : null,
      ),
    );
    const grid = (id, caption, rows, columns, cells) =>
      h(
        "table",
        { class: "mini", id },
        h("caption", { text: caption }),
        h("thead", {}, h("tr", {}, h("th"), ...columns.map((c) => h("th", { class: "num", text: String(c) })))),
        h("tbody", {}, rows.map((r, i) => h("tr", {}, h("th", { text: String(r) }), ...(cells[i] ?? []).map((v) => h("td", { class: "num", text: String(v) }))))),
      );
    const m = tiers.matrix;
    const matrixTable = m?.rows && m.columns ? grid("tier-matrix", t("tierMatrix2"), m.rows, m.columns, m.counts) : null;
    const x = tiers.crossTab;
    const crossTable = x?.tiers && x.segments ? grid("tier-cross", t("tierMatrix"), x.tiers, x.segments, x.counts) : null;
    const crossNote = crossTable ? null : h("p", { class: "muted", text: t(result ? "tierNoCross" : "tierRunSegments") });
    fill(tierOut, h("div", { class: "split" }, countTable, matrixTable), crossTable ?? crossNote, (tiers.warnings ?? []).length ? h("ul", { class: "muted" }, tiers.warnings.map((w) => h("li", { text: msg(ctx, w) }))) : null);
    ctx.emit("tiers", tiers);
  }

  return {
    key: "segments",
    el,
    async refresh(changed) {
      info = ctx.store.get().dataset;
      if (!info) {
        unavailable.empty("noData");
        body.hidden = true;
        return;
      }
      if (!hasMethod(info, "segment")) {
        unavailable.unavailable("segUnavailable");
        body.hidden = true;
        return;
      }
      unavailable.clear();
      body.hidden = false;
      tierCard.hidden = !hasMethod(info, "tier");
      if (changed.includes("dataset")) {
        result = null;
        tiers = null;
        fillControls(true);
        fill(profiles);
        fill(strategyBody);
        fill(tierOut);
        memberWrap.replaceChildren();
        quality.textContent = t("segHint");
        map.clear();
        scan.clear();
        await runSegment().catch((e) => state.error(e));
      } else if ((changed.includes("org") || changed.includes("period")) && memberSeg >= 0 && result) {
        await showMembers(memberSeg);
      } else if (changed.includes("privacy") && result) {
        await suppress();
        renderResult();
        if (tiers) await runTiers();
      }
    },
    onLang() {
      if (!info || !result) return;
      fillControls();
      renderResult();
      drawSurvey();
      if (memberSeg >= 0) showMembers(memberSeg).catch(() => {});
    },
    settings: () => ({ features: [...chosen], kMode: kMode.value, k: kInput.value, kMax: kMax.value, scaling: scaling.value, seed: seed.value, tierRules: tierRules.value, strategy }),
    restore(s) {
      if (!s) return;
      if (s.features) chosen = new Set(s.features);
      kMode.value = s.kMode ?? "auto";
      kInput.value = s.k ?? "4";
      kMax.value = s.kMax ?? "8";
      scaling.value = s.scaling ?? "zscore";
      seed.value = s.seed ?? "42";
      if (s.tierRules) tierRules.value = s.tierRules;
      if (s.strategy) strategy = s.strategy;
    },
    msg: (o) => msg(ctx, o),
  };
}
