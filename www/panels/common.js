// Pieces every panel uses: cards with a title and help, column lookups, messages.
import { h } from "../ui/dom.js";
import { help } from "../ui/tooltip.js";

/** A titled card; `tip` adds a help button explaining the method. */
export function card(ctx, { titleKey, tip, id, cls = "", actions = [] }, ...children) {
  const head = h("div", { class: "card-head" }, h("h3", { i18n: titleKey, text: ctx.t(titleKey) }), tip ? help(ctx, tip) : null, h("div", { class: "card-actions" }, ...actions));
  return h("section", { class: ["card", cls], id }, head, ...children);
}

export const numericColumns = (info) => (info?.columns ?? []).filter((c) => c.kind === "number").map((c) => c.name);
export const categoryColumns = (info) => (info?.columns ?? []).filter((c) => c.kind === "category" || c.kind === "text").map((c) => c.name);
export const roleColumn = (info, role) => info?.columns?.find((c) => c.role === role)?.name ?? null;
export const hasMethod = (info, m) => Boolean(info?.caps?.methods?.includes(m));
export const hasFunction = (info, f) => Boolean(info?.caps?.functions?.includes(f));

/** A bilingual message object ({ message, messageZh }) in the current language. */
export function msg(ctx, o) {
  if (!o) return "";
  if (typeof o === "string") return o;
  const zh = ctx.i18n.lang() === "zh";
  return (zh ? o.messageZh ?? o.zh ?? o.labelZh : o.message ?? o.en) ?? o.message ?? o.label ?? "";
}

/** A label that may come as a string, { en, zh } or with a labelZh sibling. */
export function label(ctx, o, key = "label") {
  if (!o) return "";
  const zh = ctx.i18n.lang() === "zh";
  const v = o[key];
  if (v && typeof v === "object") return (zh ? v.zh : v.en) ?? v.en ?? v.zh ?? "";
  if (zh && o[`${key}Zh`]) return o[`${key}Zh`];
  return v ?? "";
}

/** Row indices of the rows in `period` (the period column's display strings) — a selection filter, not maths. */
export function rowsOfPeriod(periodValues, period) {
  if (!period || !periodValues) return null;
  const out = [];
  for (let i = 0; i < periodValues.length; i++) if (periodValues[i].startsWith(period)) out.push(i);
  return out;
}

/** A debounced-to-animation-frame caller: many calls in a frame → one run with the latest args. */
export function perFrame(fn) {
  let raf = 0;
  let args = null;
  return (...a) => {
    args = a;
    if (raf) return;
    raf = requestAnimationFrame(() => {
      raf = 0;
      fn(...args);
    });
  };
}
