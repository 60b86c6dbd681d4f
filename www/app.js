// The app: header, the shared selection, the four panels and the guidance,
// mounted into any container — the full page (main.js) or the shadow root of
// the <hr-lens> web component (hr-lens.js). It wires the DOM to the worker;
// no analysis happens here.
import { h, fill, setOptions } from "./ui/dom.js";
import { createI18n } from "./i18n.js";
import { connect } from "./rpc.js";
import { createStore } from "./store.js";
import { installTooltips, help } from "./ui/tooltip.js";
import { createTabs } from "./ui/tabs.js";
import { errorText } from "./ui/states.js";
import { progressBar } from "./ui/states.js";
import { menuButton } from "./ui/menu.js";
import { askPassphrase, pickFile } from "./ui/ask.js";
import { createGlossary } from "./ui/glossary.js";
import { createTour, tourDone } from "./ui/tour.js";
import { createNetMeter } from "./ui/netmeter.js";
import { month } from "./ui/format.js";
import * as hooks from "./hooks.js";
import { createDataPanel } from "./panels/data.js";
import { createSegmentsPanel } from "./panels/segments.js";
import { createScoresPanel } from "./panels/scores.js";
import { createTrendsPanel } from "./panels/trends.js";
import { numericColumns, roleColumn } from "./panels/common.js";

export const PANELS = ["data", "segments", "scores", "trends"];

/**
 * mountApp(container, options) → app
 *
 * options: lang ("zh" | "en"; default: saved or the browser's), panel (first
 * panel shown), scorecard (template id or card JSON), sample (load the sample
 * data at once; default true), persist (remember language and tour in
 * localStorage; the full page), tour (offer the first-run tour), host (the
 * element that dispatches `hrlens:*` events; default the container), worker
 * (a worker URL or Worker-like object for rpc.js; default www/worker.js).
 */
export function mountApp(container, options = {}) {
  const opts = { sample: true, persist: false, tour: false, ...options };
  const host = opts.host ?? container;
  const i18n = createI18n({ lang: opts.lang, persist: opts.persist });
  const t = i18n.t;
  // A spare worker, started with the page: a crash of the engine is then
  // recovered from without any network request (see rpc.js).
  const hr = connect(opts.worker, { spare: true });
  const store = createStore({ dataset: null, periods: [], selection: { org: null, period: null } });
  let files = [];

  // ---- per-dataset cache: columns, org tree, subtrees (fetched once from the engine) ----
  let cache = newCache(null);
  function newCache(handle) {
    const cols = new Map();
    let tree = null;
    let treeData = null;
    const subtrees = new Map();
    const names = new Map();
    return {
      columns(list) {
        return Promise.all(
          list.map((name) => {
            if (!name) return Promise.resolve(null);
            if (!cols.has(name)) cols.set(name, hr.call(handle, "column", name).catch(() => null));
            return cols.get(name);
          }),
        );
      },
      orgTree() {
        tree ??= hr.call(handle, "orgTree").then((o) => {
          treeData = o;
          for (const n of o.nodes) names.set(n.id, n.name);
          return o;
        });
        return tree;
      },
      /** The ids in a node's subtree (itself included); null until the tree is loaded. */
      subtreeSync(id) {
        if (!treeData) return null;
        if (subtrees.has(id)) return subtrees.get(id);
        const kids = new Map();
        for (const n of treeData.nodes) if (n.parent !== null) (kids.get(n.parent) ?? kids.set(n.parent, []).get(n.parent)).push(n.id);
        const out = new Set();
        const stack = [id];
        while (stack.length) {
          const x = stack.pop();
          if (out.has(x)) continue;
          out.add(x);
          for (const c of kids.get(x) ?? []) stack.push(c);
        }
        subtrees.set(id, out);
        return out;
      },
      nodeNameSync: (id) => names.get(id) ?? id,
    };
  }

  // ---- shell ----
  const root = h("div", { class: "hrlens", attrs: { lang: i18n.lang() === "zh" ? "zh-CN" : "en" } });
  const fileInput = h("input", { id: "file", type: "file", accept: ".csv,.tsv,.txt,.xlsx,.json,text/csv", hidden: true });
  const openLabel = h("label", { class: "button primary", htmlFor: "file", tip: "open" }, h("span", { i18n: "open", text: t("open") }));
  const sampleButton = h("button", { id: "sample", type: "button", i18n: "sample", text: t("sample"), tip: "sample" });
  const langButton = h("button", { id: "lang", type: "button", i18n: "lang", text: t("lang"), attrs: { "data-i18n-label": "langLabel" }, aria: { label: t("langLabel") }, tip: "lang" });
  const printButton = h("button", { id: "print", type: "button", i18n: "print", text: t("print"), tip: "print" });
  const glossaryButton = h("button", { id: "glossary-open", type: "button", i18n: "glossary", text: t("glossary"), tip: "glossary" });
  const tourButton = h("button", { id: "tour-open", type: "button", i18n: "tour", text: t("tour"), tip: "tour" });
  // Privacy settings: pseudonymised exports (a per-workspace secret), small-group suppression.
  let privacy = { pseudonymize: false, minGroup: 5, secret: hooks.newSecret() };
  const workspace = menuButton(
    { t, notify: (...a) => notify(...a) },
    {
      labelKey: "workspace",
      tipKey: "workspace",
      items: () => [
        {
          labelKey: "wsSave",
          action: "save-workspace",
          run: async () => {
            const pass = await askPassphrase({ t }, root, { confirm: true });
            if (!pass) return;
            await hooks.saveWorkspace(snapshot(), pass);
            notify(t("wsSaved"));
          },
        },
        {
          labelKey: "wsOpen",
          action: "open-workspace",
          run: async () => {
            const file = await pickFile(root, `${hooks.WORKSPACE_EXTENSION},application/octet-stream`);
            if (!file) return;
            const pass = await askPassphrase({ t }, root);
            if (!pass) return;
            await restore(await hooks.openWorkspace(file, pass));
            notify(t("wsOpened", file.name));
          },
        },
        { labelKey: "scSave", action: "save-scenario", run: () => hooks.saveScenario(toScenario()) },
        {
          labelKey: "scOpen",
          action: "open-scenario",
          run: async () => {
            const file = await pickFile(root, ".json,application/json");
            if (!file) return;
            await restore(fromScenario(await hooks.openScenario(file)));
            notify(t("scOpened", file.name));
          },
        },
        { labelKey: "privacySettings", action: "privacy", run: () => openPrivacy() },
      ],
    },
  );
  workspace.id = "workspace";
  const title = h("h1", { i18n: "title", text: t("title") });
  const header = h(
    "header",
    { class: "bar" },
    h("div", { class: "brand" }, title, h("p", { class: "tagline", i18n: "tagline", text: t("tagline") })),
    h("div", { class: "actions" }, openLabel, fileInput, sampleButton, workspace, printButton, glossaryButton, tourButton, langButton),
  );

  const status = h("p", { id: "status", class: "status", attrs: { role: "status", "aria-live": "polite" } });
  const errorBox = h("p", { id: "error", class: "error", attrs: { role: "alert" }, hidden: true });
  // What happened when the engine crashed and was restarted (or could not be).
  const recoverBox = h("div", { id: "recover-notice", class: "notice", attrs: { role: "alert" }, hidden: true });
  const progress = progressBar({ t });
  const drop = h("div", { id: "drop", class: "drop", tabIndex: 0, attrs: { role: "button", "aria-describedby": "status" }, tip: "drop" }, h("span", { i18n: "drop", text: t("drop") }));
  const periodSelect = h("select", { id: "period", aria: { label: t("period") } });
  const orgChip = h("span", { class: "org-chip", id: "org-chip", hidden: true });
  const net = createNetMeter({ t }, hr);
  const selectionBar = h(
    "div",
    { class: "selection", attrs: { role: "group", "data-i18n-label": "selection" }, aria: { label: t("selection") } },
    h("label", { class: "inline" }, h("span", { i18n: "period", text: t("period") }), periodSelect, help({ t }, "period")),
    orgChip,
  );
  const context = h("div", { class: "context" }, h("div", { class: "context-main" }, drop, h("div", { class: "status-wrap" }, status, progress.el, errorBox, recoverBox)), selectionBar, net.el);
  periodSelect.addEventListener("change", () => store.select({ period: periodSelect.value || null }));

  const toasts = h("div", { class: "toasts", attrs: { "aria-live": "polite", role: "log" } });
  const printHead = h("div", { class: "print-head" });
  const main = h("main", { class: "panels" });
  const footer = h("footer", {}, h("p", { i18n: "privacy", text: t("privacy") }));

  const ctx = {
    hr,
    i18n,
    t,
    store,
    get cache() {
      return cache;
    },
    emit,
    notify,
    useHandle,
    privacy: () => ({ ...privacy }),
    /**
     * Which groups of a group view to show as "—" (the engine's small-group
     * rule, with complementary suppression); sizes = headcounts.
     */
    async suppressed(sizes) {
      if (!(privacy.minGroup > 1) || !sizes.length) return sizes.map(() => false);
      const r = await hr.module("suppressSmallGroups", sizes.map((x) => Number(x) || 0), { minSize: privacy.minGroup });
      return r.suppressed;
    },
    /** Re-read the loaded file with other options (sheet, header row, encoding, delimiter). */
    reload: (loadOpts) => (files[0] ? showDataset(hr.load(files[0], loadOpts, (p) => progress.update(p)), files[0].name, files) : null),
    hasFile: () => files.length > 0,
  };

  const panels = {
    data: createDataPanel(ctx),
    segments: createSegmentsPanel(ctx),
    scores: createScoresPanel(ctx, { initialCard: cardIdOf(opts.scorecard) }),
    trends: createTrendsPanel(ctx),
  };
  const labels = { data: "panelData", segments: "panelSegments", scores: "panelScores", trends: "panelTrends" };
  const sections = {};
  for (const key of PANELS) {
    sections[key] = h(
      "section",
      { class: "panel", id: `panel-${key}`, hidden: true, tabIndex: 0, attrs: { role: "tabpanel", "aria-labelledby": `tab-${key}` }, dataset: { panel: key } },
      h("h2", { class: "panel-title", i18n: labels[key], text: t(labels[key]) }),
      panels[key].el,
    );
    main.append(sections[key]);
  }
  const pending = Object.fromEntries(PANELS.map((k) => [k, new Set(["dataset"])]));
  if (opts.scorecard) setScorecard(opts.scorecard, false);
  let active = null;
  const tabs = createTabs({ t }, { items: PANELS.map((key) => ({ key, labelKey: labels[key] })), onSelect: show });

  root.append(header, context, tabs.el, printHead, main, footer, toasts);
  container.append(root);
  const tooltips = installTooltips({ t }, root);
  const glossary = createGlossary({ t });
  root.append(glossary.el);
  const tour = createTour({ t }, root, {
    showPanel: (p) => show(p),
    steps: [
      { panel: "data", key: "data", target: () => root.querySelector("#columns") },
      { panel: "data", key: "checks", target: () => root.querySelector("#warnings")?.closest(".card") },
      { panel: "scores", key: "weights", target: () => root.querySelector("#weights-card") },
      { panel: "scores", key: "ranking", target: () => root.querySelector("#ranking-card") },
      { panel: "trends", key: "tree", target: () => root.querySelector("#tree-card") },
      { panel: "trends", key: "alerts", target: () => root.querySelector("#alerts-card") },
      { panel: "segments", key: "segments", target: () => root.querySelector("#seg-map-card:not([hidden])") ?? root.querySelector("#panel-segments") },
      { panel: "segments", key: "privacy", target: () => net.el },
    ],
  });

  // ---- panels ----
  async function show(key) {
    if (!PANELS.includes(key)) return;
    active = key;
    for (const k of PANELS) sections[k].hidden = k !== key;
    tabs.select(key, false, false);
    await runActive();
    for (const c of sections[key].querySelectorAll(".chart-wrap")) c.dispatchEvent(new Event("shown"));
    emit("panel", { panel: key });
  }
  // One refresh per panel at a time; callers wait for the one in flight.
  const running = {};
  async function runActive() {
    const key = active;
    const keys = [...pending[key]];
    pending[key].clear();
    if (!keys.length || !store.get().dataset) return running[key];
    const run = (async () => {
      await running[key];
      try {
        await panels[key].refresh(keys);
      } catch (e) {
        notify(e, "error");
      }
    })();
    running[key] = run;
    return run;
  }
  store.subscribe((s, changed) => {
    const keys = new Set(changed.filter((k) => k !== "selection"));
    if (changed.includes("selection")) {
      if (s.selection.org !== prevSel.org) keys.add("org");
      if (s.selection.period !== prevSel.period) keys.add("period");
      prevSel = s.selection;
      renderSelection();
      emit("selection", { ...s.selection });
    }
    for (const k of PANELS) for (const x of keys) pending[k].add(x);
    runActive();
  });
  let prevSel = store.get().selection;

  function renderSelection() {
    const { selection, periods } = store.get();
    setOptions(periodSelect, [...periods].reverse().map((p) => ({ value: p, label: month(p, i18n.lang()) })), selection.period ?? "");
    if (selection.org) {
      orgChip.hidden = false;
      fill(
        orgChip,
        h("span", { class: "muted", text: t("orgNode") }),
        h("span", { class: "org-name", text: cache.nodeNameSync(selection.org) }),
        h("button", { type: "button", class: "chip-clear", text: "×", aria: { label: t("clearOrg") }, on: { click: () => store.select({ org: null }) } }),
      );
    } else orgChip.hidden = true;
    const ds = store.get().dataset;
    printHead.textContent = ds ? t("printHead", ds.label ?? t("sampleLabel"), selection.period ? month(selection.period, i18n.lang()) : "—", selection.org ? cache.nodeNameSync(selection.org) : t("everyone"), new Date().toLocaleString(i18n.lang() === "zh" ? "zh-CN" : "en")) : "";
  }

  // ---- loading ----
  async function showDataset(promise, label, sourceFiles) {
    clearError();
    status.textContent = t("loading");
    progress.start(t("loading"));
    try {
      const info = await promise;
      files = sourceFiles ?? [];
      await setDataset(info, label);
      return info;
    } catch (e) {
      status.textContent = "";
      showError(e);
      emit("error", { name: e.name, message: e.message, messageZh: e.messageZh });
      return null;
    } finally {
      progress.done();
    }
  }

  async function setDataset(info, label, { keepSelection = false, free = true } = {}) {
    const old = store.get().dataset;
    if (free && old && old.handle !== info.handle) hr.free(old.handle);
    if (!old || old.handle !== info.handle) cache = newCache(info.handle);
    const ds = { ...info, label };
    let periods = [];
    const metric = numericColumns(info)[0];
    if (metric && roleColumn(info, "period")) {
      try {
        periods = (await hr.call(info.handle, "trend", { metric, horizon: 0 }))[0]?.periods ?? [];
      } catch {
        periods = [];
      }
    }
    const sel = keepSelection ? store.get().selection : { org: null, period: periods.at(-1) ?? null };
    if (!keepSelection) cache.orgTree().catch(() => null);
    status.textContent = label ? t("loadedFile", label, info.rowCount, info.columns.length) : t("loadedSample", info.rowCount, info.columns.length);
    store.set({ dataset: ds, periods, selection: sel });
    renderSelection();
    emit("load", { rowCount: info.rowCount, columns: info.columns, source: info.source, label });
  }

  async function useHandle(handle, label, { keepSelection = false } = {}) {
    try {
      const info = await hr.describe(handle);
      await setDataset(info, label, { keepSelection });
    } catch (e) {
      notify(e, "error");
    }
  }

  function loadFile(file) {
    if (!file) return null;
    return showDataset(
      hr.load(file, {}, (p) => progress.update(p)),
      file.name,
      [file],
    );
  }
  const loadSample = (sampleOpts = {}) => showDataset(hr.sample(sampleOpts), null, []);

  fileInput.addEventListener("change", (e) => {
    loadFile(e.target.files?.[0]);
    fileInput.value = "";
  });
  sampleButton.addEventListener("click", () => loadSample());
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      fileInput.click();
    }
  });
  root.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  root.addEventListener("dragleave", (e) => {
    if (!root.contains(e.relatedTarget)) drop.classList.remove("over");
  });
  root.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    loadFile(e.dataTransfer?.files?.[0]);
  });

  // ---- crash recovery ----
  // rpc.js has replaced the worker and rebuilt every dataset and what-if under
  // the same handles; the settings (weights, month, language, panel) live here,
  // so the panels only draw again from the restored handles.
  let recovery = null;
  hr.onRecover((ev) => {
    recovery = ev;
    renderRecovery();
    if (ev.ok) {
      for (const k of PANELS) pending[k].add("recovered");
      runActive();
    }
    emit("recover", { ok: ev.ok, name: ev.error?.name, during: ev.error?.during ?? null, restored: ev.restored, failed: ev.failed });
  });
  function renderRecovery() {
    if (!recovery) {
      recoverBox.hidden = true;
      return;
    }
    const ev = recovery;
    const close = h("button", { type: "button", class: "chip-clear", text: "×", aria: { label: t("close") }, on: { click: () => ((recovery = null), renderRecovery()) } });
    if (ev.ok) {
      const failed = ev.failed.map((f) => f.filename ?? f.what);
      fill(recoverBox, h("span", { text: t("recovered", ev.error?.during ?? null, ev.restored.files, failed) }), close);
    } else {
      const reload = h("button", { type: "button", id: "recover-reload", text: t("reloadPage"), on: { click: () => location.reload() } });
      fill(recoverBox, h("span", { text: t("recoverFailed") }), reload);
    }
    recoverBox.dataset.ok = String(ev.ok);
    recoverBox.hidden = false;
  }

  // ---- language ----
  langButton.addEventListener("click", () => setLang(i18n.lang() === "zh" ? "en" : "zh"));
  function setLang(l) {
    i18n.set(l);
  }
  i18n.onChange((l) => {
    root.setAttribute("lang", l === "zh" ? "zh-CN" : "en");
    if (opts.persist) document.documentElement.lang = l === "zh" ? "zh-CN" : "en";
    i18n.apply(root);
    const ds = store.get().dataset;
    if (ds) status.textContent = ds.label ? t("loadedFile", ds.label, ds.rowCount, ds.columns.length) : t("loadedSample", ds.rowCount, ds.columns.length);
    renderSelection();
    renderRecovery();
    net.refresh();
    glossary.render();
    for (const k of PANELS) {
      try {
        panels[k].onLang();
      } catch (e) {
        notify(e, "error");
      }
    }
    emit("lang", { lang: l });
  });

  printButton.addEventListener("click", () => window.print());
  glossaryButton.addEventListener("click", () => glossary.open());
  tourButton.addEventListener("click", () => tour.start());

  // ---- messages ----
  function showError(e) {
    errorBox.hidden = false;
    errorBox.textContent = errorText({ t, i18n }, e);
  }
  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }
  function notify(m, kind = "info") {
    const text = m instanceof Error || (m && typeof m === "object" && "message" in m) ? errorText({ t, i18n }, m) : String(m);
    const item = h("div", { class: ["toast", kind], attrs: { role: kind === "error" ? "alert" : "status" } }, h("span", { text }), h("button", { type: "button", class: "chip-clear", text: "×", aria: { label: t("close") }, on: { click: () => item.remove() } }));
    toasts.append(item);
    setTimeout(() => item.remove(), kind === "error" ? 12_000 : 5_000);
  }
  function emit(name, detail) {
    host.dispatchEvent(new CustomEvent(`hrlens:${name}`, { detail, bubbles: true, composed: true }));
  }

  // ---- scorecard attribute ----
  function cardIdOf(v) {
    if (!v) return undefined;
    return v.trim().startsWith("{") ? undefined : v.trim();
  }
  function setScorecard(v, refresh = true) {
    if (!v) return;
    if (v.trim().startsWith("{")) {
      try {
        panels.scores.restore({ card: JSON.parse(v) });
      } catch (e) {
        notify(Object.assign(new Error(e.message), { name: "FormatError" }), "error");
        return;
      }
    } else panels.scores.setCard(v.trim());
    pending.scores.add("dataset");
    if (refresh && active === "scores") runActive();
  }

  // ---- privacy settings ----
  const pseudoBox = h("input", { type: "checkbox", id: "privacy-pseudo" });
  const minGroupInput = h("input", { type: "number", id: "privacy-min", min: 0, max: 1000, class: "num-input" });
  const privacyDone = h("button", { type: "button", class: "primary", text: t("close"), i18n: "close" });
  const privacyDialog = h(
    "dialog",
    { class: "ask", id: "privacy-dialog", aria: { labelledby: "privacy-title" } },
    h(
      "div",
      { class: "ask-form" },
      h("h2", { id: "privacy-title", i18n: "privacySettings", text: t("privacySettings") }),
      h("label", { class: "check" }, pseudoBox, h("span", { i18n: "privacyPseudo", text: t("privacyPseudo") })),
      h("p", { class: "muted", i18n: "privacyPseudoHint", text: t("privacyPseudoHint") }),
      h("label", { class: "field" }, h("span", { i18n: "privacyMin", text: t("privacyMin") }), minGroupInput),
      h("p", { class: "muted", i18n: "privacyMinHint", text: t("privacyMinHint") }),
      h("div", { class: "row" }, privacyDone),
    ),
  );
  root.append(privacyDialog);
  function openPrivacy() {
    pseudoBox.checked = privacy.pseudonymize;
    minGroupInput.value = String(privacy.minGroup);
    privacyDialog.showModal();
  }
  privacyDone.addEventListener("click", () => privacyDialog.close());
  privacyDialog.addEventListener("close", () => setPrivacy({ pseudonymize: pseudoBox.checked, minGroup: Math.max(0, Math.floor(Number(minGroupInput.value) || 0)) }));
  function setPrivacy(p) {
    const before = privacy;
    privacy = { ...privacy, ...p };
    if (before.minGroup !== privacy.minGroup) {
      for (const k of PANELS) pending[k].add("privacy");
      runActive();
    }
  }

  // ---- workspace and scenarios ----
  function snapshot({ data = true } = {}) {
    return {
      version: 1,
      lang: i18n.lang(),
      panel: active,
      selection: { ...store.get().selection },
      files: data ? files : [],
      sample: data && files.length === 0,
      privacy: data ? { ...privacy } : { pseudonymize: privacy.pseudonymize, minGroup: privacy.minGroup },
      panels: Object.fromEntries(PANELS.map((k) => [k, panels[k].settings()])),
    };
  }
  /** A scenario file: the card with its weights, the alert and tier rules, the settings — no data. */
  function toScenario() {
    const snap = snapshot({ data: false });
    const card = snap.panels.scores.card;
    let tierRules = [];
    try {
      const parsed = JSON.parse(snap.panels.segments.tierRules ?? "null");
      tierRules = Array.isArray(parsed) ? parsed : Array.isArray(parsed?.rules) ? parsed.rules : [];
    } catch {
      tierRules = [];
    }
    const options = { ...snap };
    delete options.files;
    delete options.sample;
    return {
      name: card?.name ?? "hrlens",
      scorecards: card ? [card] : [],
      alertRules: panels.trends.rules(),
      tierRules,
      options,
    };
  }
  function fromScenario(sc) {
    const o = sc.options ?? {};
    const card = sc.scorecards?.[0];
    const scores = { ...(o.panels?.scores ?? {}) };
    if (card && typeof card === "object") scores.card = card;
    else if (typeof card === "string") Object.assign(scores, { card: null, cardId: card });
    return { lang: o.lang, panel: o.panel, selection: o.selection, privacy: o.privacy, panels: { ...(o.panels ?? {}), scores } };
  }
  async function restore(s) {
    if (!s) return;
    if (s.lang) setLang(s.lang);
    if (s.privacy) setPrivacy({ pseudonymize: Boolean(s.privacy.pseudonymize), minGroup: Number(s.privacy.minGroup) || 0, ...(s.privacy.secret ? { secret: s.privacy.secret } : {}) });
    for (const k of PANELS) panels[k].restore?.(s.panels?.[k]);
    if (s.files?.length) await loadFile(s.files[0]);
    else if (s.sample) await loadSample();
    else for (const k of PANELS) pending[k].add("dataset");
    if (s.selection) store.select(s.selection);
    if (s.panel) await show(s.panel);
  }

  // ---- start ----
  const ready = (async () => {
    await show(PANELS.includes(opts.panel) ? opts.panel : "data");
    if (opts.sample) await loadSample();
    else status.textContent = t("noDataYet");
    await hr.ready(); // the spare worker has loaded too: its files count as the page's own
    net.markLoaded();
    emit("ready", { lang: i18n.lang() });
    if (opts.tour && !tourDone()) tour.start();
  })();

  return {
    ready,
    root,
    load: loadFile,
    loadSample,
    setLang,
    setPanel: (p) => show(p),
    setScorecard,
    snapshot,
    restore,
    get selection() {
      return { ...store.get().selection };
    },
    select: (sel) => store.select(sel),
    destroy() {
      tooltips.hide();
      hr.terminate();
      root.remove();
    },
    netCount: () => net.count,
    /** For testing crash recovery: makes the engine trap (debugTrap), as a real crash would. */
    debugTrap: () => hr.module("debugTrap"),
  };
}
