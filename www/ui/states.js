// Empty, loading, error and "not in this build" states, one box per view.
import { h, fill } from "./dom.js";

/** The text of an engine error in the current language, with where it happened. */
export function errorText(ctx, e) {
  const zh = ctx.i18n.lang() === "zh";
  const msg = (zh && e?.messageZh) || e?.message || String(e);
  const where = [e?.file, e?.line && ctx.t("warningRow", e.line), e?.column].filter(Boolean).join(" · ");
  const already = e?.line && msg.includes(String(e.line));
  return `${ctx.t("error")} (${e?.name ?? "Error"}): ${msg}${where && !already ? `\n${where}` : ""}`;
}

export function stateBox(ctx, cls = "") {
  const el = h("div", { class: ["state", cls], attrs: { "aria-live": "polite" }, hidden: true });
  const set = (kind, ...children) => {
    el.hidden = false;
    el.dataset.state = kind;
    el.setAttribute("role", kind === "error" ? "alert" : "status");
    fill(el, ...children);
  };
  return {
    el,
    loading(key = "loading") {
      set("loading", h("span", { class: "spinner", attrs: { "aria-hidden": "true" } }), h("span", { text: ctx.t(key) }));
    },
    empty(key, ...actions) {
      set("empty", h("p", { text: ctx.t(key) }), ...actions);
    },
    /** A note in words already translated (e.g. with a number in it). */
    message(text) {
      set("unavailable", h("p", { class: "unavailable", text }));
    },
    unavailable(key) {
      set("unavailable", h("p", { class: "unavailable", text: ctx.t(key) }));
    },
    error(e) {
      set("error", h("p", { class: "error-text", text: errorText(ctx, e) }));
    },
    clear() {
      el.hidden = true;
      el.dataset.state = "";
      el.replaceChildren();
    },
  };
}

/** A progress bar: a native <progress> (no value = indeterminate), with a caption. */
export function progressBar(ctx) {
  const bar = h("progress", { class: "progress", max: 1 });
  bar.removeAttribute("value");
  const caption = h("span", { class: "progress-caption" });
  const el = h("div", { class: "progress-wrap", hidden: true, attrs: { role: "status" } }, bar, caption);
  return {
    el,
    start(text) {
      el.hidden = false;
      bar.removeAttribute("value");
      caption.textContent = text ?? ctx.t("loading");
    },
    /** p = { bytes, total, rows, rowsPerSec } as the worker reports it. */
    update(p) {
      if (p.total) {
        bar.max = p.total;
        bar.value = p.bytes ?? 0;
      }
      caption.textContent = ctx.t("progress", p);
    },
    done() {
      el.hidden = true;
    },
  };
}
