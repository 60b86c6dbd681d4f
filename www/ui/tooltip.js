// Tooltips for every control and method: any element with data-tip="key"
// shows t("tip.key") on hover and on keyboard focus (and on tap for touch),
// described to assistive technology through aria-describedby. One tooltip
// element per mounted app; positioned through the CSSOM (CSP-safe).
import { h, nextId } from "./dom.js";

export function installTooltips(ctx, container) {
  const tip = h("div", { class: "tooltip", id: nextId("tip"), attrs: { role: "tooltip" }, hidden: true });
  container.append(tip);
  let target = null;

  const show = (el) => {
    const key = el.dataset.tip;
    const text = el.dataset.tipText || ctx.t(`tip.${key}`);
    if (!text || text === `tip.${key}`) return;
    target = el;
    tip.textContent = text;
    tip.hidden = false;
    el.setAttribute("aria-describedby", tip.id);
    const r = el.getBoundingClientRect();
    const w = tip.offsetWidth;
    const hgt = tip.offsetHeight;
    const vw = document.documentElement.clientWidth;
    let left = Math.min(Math.max(8, r.left + r.width / 2 - w / 2), vw - w - 8);
    let top = r.bottom + 8;
    if (top + hgt > window.innerHeight - 8) top = Math.max(8, r.top - hgt - 8);
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  };
  const hide = () => {
    if (target) target.removeAttribute("aria-describedby");
    target = null;
    tip.hidden = true;
  };
  const find = (e) => e.target instanceof Element ? e.target.closest("[data-tip]") : null;

  container.addEventListener("pointerover", (e) => {
    const el = find(e);
    if (el && el !== target) show(el);
  });
  container.addEventListener("pointerout", (e) => {
    const el = find(e);
    if (el && el === target && !el.contains(e.relatedTarget)) hide();
  });
  container.addEventListener("focusin", (e) => {
    const el = find(e);
    if (el) show(el);
  });
  container.addEventListener("focusout", hide);
  container.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && target) hide();
  });
  container.addEventListener("click", (e) => {
    const el = find(e);
    if (el && el.classList.contains("help")) (target === el ? hide() : show(el));
  });
  return { hide };
}

/** A small "?" button explaining a method or control. */
export function help(ctx, key) {
  return h("button", {
    type: "button",
    class: "help",
    tip: key,
    text: "?",
    attrs: { "data-i18n-label": "helpLabel" },
    aria: { label: ctx.t("helpLabel") },
  });
}

/** A label with its help button: "<text> ?". */
export function labelled(ctx, i18nKey, tipKey, control) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, h("span", { i18n: i18nKey, text: ctx.t(i18nKey) }), tipKey ? help(ctx, tipKey) : null), control);
}
