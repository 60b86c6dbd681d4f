// Tabs (WAI-ARIA tabs pattern): role=tablist/tab/tabpanel, roving tabindex,
// Left/Right/Home/End move between tabs and activate them.
import { h } from "./dom.js";

export function createTabs(ctx, { items, onSelect, labelKey = "panelsLabel" }) {
  const list = h("div", { class: "tabs", attrs: { role: "tablist", "data-i18n-label": labelKey }, aria: { label: ctx.t(labelKey) } });
  const tabs = items.map((it) =>
    h(
      "button",
      {
        type: "button",
        class: "tab",
        id: `tab-${it.key}`,
        attrs: { role: "tab", "aria-controls": `panel-${it.key}`, "aria-selected": "false", tabindex: "-1" },
        dataset: { panel: it.key },
        tip: `panel.${it.key}`,
        on: { click: () => select(it.key, true) },
      },
      h("span", { class: "tab-zh", i18n: it.labelKey, text: ctx.t(it.labelKey) }),
    ),
  );
  list.append(...tabs);
  let current = null;
  function select(key, focus = false, notify = true) {
    for (const t of tabs) {
      const on = t.dataset.panel === key;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      if (on && focus) t.focus();
    }
    if (key !== current) {
      current = key;
      if (notify) onSelect(key);
    }
  }
  list.addEventListener("keydown", (e) => {
    const i = tabs.indexOf(e.target);
    if (i < 0) return;
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(tabs[(to + tabs.length) % tabs.length].dataset.panel, true);
  });
  return { el: list, select, get current() { return current; } };
}
