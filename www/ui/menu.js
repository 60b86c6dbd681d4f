// A small menu button (export per table/chart, the workspace menu):
// a disclosure button, a list of items, arrow keys inside, Escape closes.
import { h, nextId } from "./dom.js";
import * as hooks from "../hooks.js";

export function menuButton(ctx, { labelKey, tipKey, items, cls = "" }) {
  const id = nextId("menu");
  const button = h("button", {
    type: "button",
    class: ["menu-button", cls],
    tip: tipKey,
    i18n: labelKey,
    text: ctx.t(labelKey),
    aria: { haspopup: "menu", expanded: "false", controls: id },
  });
  const list = h("div", { class: "menu", id, hidden: true, attrs: { role: "menu" } });
  const wrap = h("div", { class: "menu-wrap" }, button, list);
  const close = () => {
    list.hidden = true;
    button.setAttribute("aria-expanded", "false");
  };
  const open = () => {
    list.replaceChildren(
      ...items().map((it) =>
        h("button", {
          type: "button",
          class: "menu-item",
          text: ctx.t(it.labelKey),
          attrs: { role: "menuitem", tabindex: "-1" },
          dataset: { action: it.action ?? it.labelKey },
          on: {
            click: async () => {
              close();
              button.focus();
              try {
                await it.run();
              } catch (e) {
                ctx.notify(e instanceof hooks.NotAvailable ? ctx.t("notInBuild") : e, e instanceof hooks.NotAvailable ? "info" : "error");
              }
            },
          },
        }),
      ),
    );
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    list.querySelector("button")?.focus();
  };
  button.addEventListener("click", () => (list.hidden ? open() : close()));
  wrap.addEventListener("keydown", (e) => {
    const its = [...list.querySelectorAll("button")];
    const i = its.indexOf(e.target);
    if (e.key === "Escape" && !list.hidden) {
      close();
      button.focus();
      e.stopPropagation();
    } else if (e.key === "ArrowDown" && !list.hidden) {
      its[(i + 1) % its.length]?.focus();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && !list.hidden) {
      its[(i - 1 + its.length) % its.length]?.focus();
      e.preventDefault();
    }
  });
  wrap.addEventListener("focusout", (e) => {
    if (!wrap.contains(e.relatedTarget)) close();
  });
  return wrap;
}

/** The export menu of a table: getTable() returns the hooks.js table shape. */
export function tableExportMenu(ctx, name, getTable) {
  return menuButton(ctx, {
    labelKey: "export",
    tipKey: "export",
    cls: "small",
    items: () => [
      { labelKey: "exportCsv", action: "csv", run: () => hooks.exportTable(name, getTable(), { format: "csv", rpc: ctx.hr, privacy: ctx.privacy?.() }) },
      { labelKey: "exportXlsx", action: "xlsx", run: () => hooks.exportTable(name, getTable(), { format: "xlsx", rpc: ctx.hr, privacy: ctx.privacy?.() }) },
    ],
  });
}

/** The export menu of a chart: getChart() returns the ECharts instance. */
export function chartExportMenu(ctx, name, getChart) {
  return menuButton(ctx, {
    labelKey: "export",
    tipKey: "exportChart",
    cls: "small",
    items: () => [{ labelKey: "exportPng", action: "png", run: () => hooks.exportChart(getChart(), name) }],
  });
}
