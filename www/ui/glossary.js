// The glossary: short explanations of the methods, in the current language.
import { h, fill } from "./dom.js";

export const TERMS = ["kmeans", "silhouette", "kscan", "zscore", "ahp", "entropy", "forced", "sensitivity", "calibration", "ninebox", "momyoy", "movingavg", "forecast", "alerts", "explain"];

export function createGlossary(ctx) {
  const list = h("dl", { class: "glossary-list" });
  const title = h("h2", { id: "glossary-title", i18n: "glossary", text: ctx.t("glossary") });
  const close = h("button", { type: "button", class: "close", i18n: "close", text: ctx.t("close") });
  const dialog = h("dialog", { class: "glossary", aria: { labelledby: "glossary-title" } }, h("div", { class: "dialog-head" }, title, close), list);
  close.addEventListener("click", () => dialog.close());
  const render = () =>
    fill(
      list,
      TERMS.map((k) => [h("dt", { id: `term-${k}`, text: ctx.t(`gloss.${k}`) }), h("dd", { text: ctx.t(`gloss.${k}.body`) })]),
    );
  render();
  return {
    el: dialog,
    open(term) {
      render();
      dialog.showModal();
      const dt = term && dialog.querySelector(`#term-${term}`);
      dt?.scrollIntoView({ block: "nearest" });
    },
    render,
  };
}
