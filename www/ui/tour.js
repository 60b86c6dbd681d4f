// A first-run tour over the sample data: a few steps that point at the parts
// of the page, dismissable at any step and remembered in localStorage.
import { h } from "./dom.js";

const KEY = "hrlens.tour";

export function tourDone() {
  try {
    return localStorage.getItem(KEY) === "done";
  } catch {
    return true; // no storage: do not nag on every load
  }
}

/**
 * steps: [{ panel, target: () => Element | null, key }] — the panel is shown
 * first (showPanel), then the step's text (t("tour.<key>")) points at target.
 */
export function createTour(ctx, container, { steps, showPanel }) {
  let i = 0;
  const ring = h("div", { class: "tour-ring", attrs: { "aria-hidden": "true" } });
  const title = h("h2", { class: "tour-title", id: "tour-title" });
  const text = h("p", { class: "tour-text", id: "tour-text" });
  const count = h("span", { class: "tour-count muted" });
  const back = h("button", { type: "button", class: "tour-back", text: ctx.t("tourBack") });
  const next = h("button", { type: "button", class: "primary tour-next", text: ctx.t("tourNext") });
  const skip = h("button", { type: "button", class: "tour-skip", text: ctx.t("tourSkip") });
  const card = h(
    "div",
    { class: "tour-card", attrs: { role: "dialog", "aria-modal": "false", "aria-labelledby": "tour-title", "aria-describedby": "tour-text" }, tabIndex: -1 },
    title,
    text,
    h("div", { class: "tour-actions" }, count, skip, back, next),
  );
  const layer = h("div", { class: "tour", hidden: true }, ring, card);
  container.append(layer);

  const place = () => {
    const s = steps[i];
    const target = s?.target();
    const vw = document.documentElement.clientWidth;
    if (!target) {
      ring.hidden = true;
      card.style.left = `${Math.max(8, vw / 2 - 180)}px`;
      card.style.top = "120px";
      return;
    }
    target.scrollIntoView({ block: "nearest" });
    const r = target.getBoundingClientRect();
    ring.hidden = false;
    ring.style.left = `${r.left - 6}px`;
    ring.style.top = `${r.top - 6}px`;
    ring.style.width = `${r.width + 12}px`;
    ring.style.height = `${r.height + 12}px`;
    const cw = Math.min(360, vw - 16);
    const below = r.bottom + 14;
    if (below + 200 < window.innerHeight) {
      card.style.left = `${Math.min(Math.max(8, r.left), vw - cw - 8)}px`;
      card.style.top = `${below}px`;
    } else if (r.right + cw + 24 < vw) {
      // A tall target: beside it, so the card does not hide what it explains.
      card.style.left = `${r.right + 16}px`;
      card.style.top = `${Math.max(8, Math.min(r.top, window.innerHeight - 220))}px`;
    } else if (r.left - cw - 24 > 0) {
      card.style.left = `${r.left - cw - 16}px`;
      card.style.top = `${Math.max(8, Math.min(r.top, window.innerHeight - 220))}px`;
    } else {
      card.style.left = `${Math.min(Math.max(8, r.left), vw - cw - 8)}px`;
      card.style.top = `${Math.max(8, r.top - 214)}px`;
    }
  };
  const show = async () => {
    const s = steps[i];
    await showPanel(s.panel);
    title.textContent = ctx.t(`tour.${s.key}`);
    text.textContent = ctx.t(`tour.${s.key}.body`);
    count.textContent = ctx.t("tourStep", i + 1, steps.length);
    back.disabled = i === 0;
    next.textContent = ctx.t(i === steps.length - 1 ? "tourDone" : "tourNext");
    requestAnimationFrame(place);
    card.focus();
  };
  const end = () => {
    layer.hidden = true;
    try {
      localStorage.setItem(KEY, "done");
    } catch {
      // not remembered
    }
  };
  next.addEventListener("click", () => (i < steps.length - 1 ? (i++, show()) : end()));
  back.addEventListener("click", () => {
    if (i > 0) i--;
    show();
  });
  skip.addEventListener("click", end);
  layer.addEventListener("keydown", (e) => {
    if (e.key === "Escape") end();
  });
  window.addEventListener("resize", () => !layer.hidden && place());
  return {
    start() {
      i = 0;
      layer.hidden = false;
      skip.textContent = ctx.t("tourSkip");
      back.textContent = ctx.t("tourBack");
      show();
    },
    end,
    get open() {
      return !layer.hidden;
    },
  };
}
