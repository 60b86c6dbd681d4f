// One wrapper over ECharts (served from this origin, never a CDN): a themed
// canvas chart that sizes itself with its box, marks `data-ready` for tests,
// draws tooltips as canvas rich text (no HTML strings, so data can never
// become markup), and offers an export menu through hooks.js.
import * as echarts from "../../node_modules/echarts/dist/echarts.esm.min.mjs";
import { h } from "./dom.js";
import { chartExportMenu } from "./menu.js";

export { echarts };

export const PALETTE = ["#2f6fde", "#e8833a", "#2a9d8f", "#c2410c", "#7c5cc4", "#d4a017", "#3c8dbc", "#b83280", "#5b8c2a", "#6b7280"];
/** Band colours, best band first (A, B, C, D, E). */
export const BAND_COLORS = ["#1a7f37", "#2f6fde", "#d4a017", "#c2410c", "#8b1a1a", "#6b7280"];
const FONT = 'system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

function base() {
  return {
    animation: false,
    color: PALETTE,
    textStyle: { fontFamily: FONT, color: "#1f2933" },
    tooltip: { renderMode: "richText", confine: true, backgroundColor: "#1f2933", borderWidth: 0, textStyle: { color: "#fff", fontFamily: FONT } },
  };
}

/**
 * createChart(ctx, { name, height, labelKey }) → { el, set(option), instance, on, resize, dispose }
 * `name` is the export file stem; the box has role="img" and an aria-label
 * the caller keeps current with describe(text).
 */
export function createChart(ctx, { name, cls = "", labelKey, menu = true } = {}) {
  const box = h("div", { class: ["chart", cls], dataset: { ready: "false" }, attrs: { role: "img" }, aria: { label: labelKey ? ctx.t(labelKey) : name } });
  const head = menu ? h("div", { class: "chart-tools" }, chartExportMenu(ctx, name, () => instance)) : null;
  const el = h("div", { class: "chart-wrap" }, head, box);
  let instance = null;
  const handlers = [];
  const ro = new ResizeObserver(() => {
    if (instance && box.clientWidth > 0) instance.resize();
  });
  ro.observe(box);
  return {
    el,
    box,
    get instance() {
      return instance;
    },
    set(option, { merge = false } = {}) {
      instance ??= echarts.init(box, null, { renderer: "canvas" });
      for (const [ev, fn] of handlers.splice(0)) instance.on(ev, fn);
      const b = base();
      instance.setOption({ ...b, ...option, tooltip: option.tooltip === false ? { show: false } : { ...b.tooltip, ...(option.tooltip ?? {}) } }, !merge);
      if (box.clientWidth > 0) instance.resize();
      box.dataset.ready = "true";
    },
    describe(text) {
      box.setAttribute("aria-label", text);
    },
    on(ev, fn) {
      if (instance) instance.on(ev, fn);
      else handlers.push([ev, fn]);
    },
    clear() {
      instance?.clear();
      box.dataset.ready = "false";
    },
    resize() {
      if (instance && box.clientWidth > 0) instance.resize();
    },
    dispose() {
      ro.disconnect();
      instance?.dispose();
      instance = null;
    },
  };
}
