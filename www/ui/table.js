// A table with sorting, filtering and virtual scrolling (only the rows in
// view exist in the DOM, so 100k+ rows scroll smoothly). Cells are text or
// nodes built by the caller; never HTML.
//
//   const table = createTable(ctx, { id: "ranking", labelKey: "rankingTitle", exportName: "ranking",
//     columns: [{ key: "rank", labelKey: "colRank", num: true, width: "4.5rem", value: (i) => rank[i] }, …],
//     onActivate: (i) => …, rowClass: (i) => "band-0" });
//   table.setData(n);      // rows are 0..n-1; columns read them through value(i) / render(i)
//   table.refresh();       // the values behind the same rows changed (re-sorts, re-filters)
import { h, fill, nextId } from "./dom.js";
import { tableExportMenu } from "./menu.js";

const OVERSCAN = 8;

export function createTable(ctx, opts) {
  const {
    id,
    labelKey,
    columns,
    rowHeight = 32,
    exportName,
    filter = true,
    onActivate,
    rowClass,
    emptyKey = "noRows",
    virtualThreshold = 300,
    defaultSort = null, // { key, dir: 1 | -1 }
  } = opts;
  let n = 0;
  let order = new Uint32Array(0); // visible rows (filtered, sorted): data indices
  let sort = defaultSort ? { ...defaultSort } : null;
  let query = "";
  let active = -1; // position in `order`
  let printing = false;

  const root = h("div", { class: "vt", id, attrs: { role: "table" }, aria: { label: ctx.t(labelKey) } });
  root.dataset.i18nLabel = labelKey;
  root.style.setProperty("--vt-cols", columns.map((c) => c.width ?? "minmax(6rem, 1fr)").join(" "));
  root.style.setProperty("--vt-row", `${rowHeight}px`);

  const count = h("span", { class: "vt-count muted" });
  const filterInput = filter
    ? h("input", {
        type: "search",
        class: "vt-filter",
        attrs: { "data-i18n-ph": "filterPh", placeholder: ctx.t("filterPh") },
        aria: { label: ctx.t("filterLabel") },
        dataset: { i18nLabel: "filterLabel" },
        on: {
          input: (e) => {
            query = e.target.value.trim().toLowerCase();
            rebuild();
          },
        },
      })
    : null;
  const tools = h(
    "div",
    { class: "vt-tools" },
    filterInput,
    count,
    exportName ? tableExportMenu(ctx, exportName, () => toExport()) : null,
  );

  const headRow = h("div", { class: "vt-row vt-head", attrs: { role: "row", "aria-rowindex": 1 } });
  const head = h("div", { class: "vt-headgroup", attrs: { role: "rowgroup" } }, headRow);
  const rows = h("div", { class: "vt-rows", attrs: { role: "rowgroup" } });
  const spacer = h("div", { class: "vt-spacer" }, rows);
  const empty = h("div", { class: "vt-empty muted", hidden: true });
  const body = h("div", { class: "vt-body", tabIndex: 0, aria: { label: ctx.t("tableKeys") }, dataset: { i18nLabel: "tableKeys" } }, head, spacer, empty);
  root.append(tools, body);

  function renderHead() {
    fill(
      headRow,
      columns.map((c) => {
        const dir = sort?.key === c.key ? sort.dir : 0;
        const cell = h(
          "div",
          {
            class: ["vt-cell", "vt-th", c.num && "num", c.sortable !== false && "sortable"],
            attrs: {
              role: "columnheader",
              "aria-sort": dir === 1 ? "ascending" : dir === -1 ? "descending" : c.sortable !== false ? "none" : undefined,
              tabindex: c.sortable !== false ? "0" : undefined,
            },
            tip: c.tipKey,
            dataset: { key: c.key },
          },
          c.label ? c.label() : ctx.t(c.labelKey),
          dir ? h("span", { class: "sort-mark", attrs: { "aria-hidden": "true" }, text: dir === 1 ? " ▲" : " ▼" }) : null,
        );
        if (c.sortable !== false) {
          const toggle = () => {
            sort = sort?.key === c.key ? (sort.dir === 1 ? { key: c.key, dir: -1 } : null) : { key: c.key, dir: c.num ? -1 : 1 };
            if (!sort && defaultSort) sort = { ...defaultSort };
            rebuild();
          };
          cell.addEventListener("click", toggle);
          cell.addEventListener("keydown", (e) => {
            if (e.key === "Enter" || e.key === " ") {
              e.preventDefault();
              toggle();
            }
          });
        }
        return cell;
      }),
    );
  }

  function text(c, i) {
    const v = c.value(i);
    return v === null || v === undefined ? "" : String(v);
  }

  function rebuild() {
    let idx = [];
    if (query) {
      const cols = columns.filter((c) => c.filter !== false);
      for (let i = 0; i < n; i++) if (cols.some((c) => text(c, i).toLowerCase().includes(query))) idx.push(i);
    } else {
      idx = Array.from({ length: n }, (_, i) => i);
    }
    if (sort) {
      const c = columns.find((x) => x.key === sort.key);
      if (c) {
        const key = (i) => (c.sortValue ?? c.value)(i);
        const vals = new Array(n);
        for (const i of idx) vals[i] = key(i);
        const d = sort.dir;
        idx.sort((a, b) => {
          const x = vals[a];
          const y = vals[b];
          const xm = x === null || x === undefined || (typeof x === "number" && Number.isNaN(x)) || x === "";
          const ym = y === null || y === undefined || (typeof y === "number" && Number.isNaN(y)) || y === "";
          if (xm || ym) return xm === ym ? a - b : xm ? 1 : -1; // missing last, either direction
          if (x < y) return -d;
          if (x > y) return d;
          return a - b;
        });
      }
    }
    order = Uint32Array.from(idx);
    if (active >= order.length) active = order.length - 1;
    count.textContent = ctx.t("rowCount", order.length, n);
    root.setAttribute("aria-rowcount", String(order.length + 1));
    renderHead();
    render();
  }

  function virtual() {
    return !printing && order.length > virtualThreshold;
  }

  function render() {
    empty.hidden = order.length > 0;
    if (!order.length) empty.textContent = ctx.t(n ? "noMatch" : emptyKey);
    let start = 0;
    let end = order.length;
    if (virtual()) {
      spacer.style.height = `${order.length * rowHeight}px`;
      const top = Math.max(0, body.scrollTop - head.offsetHeight);
      const visible = Math.ceil((body.clientHeight || 480) / rowHeight);
      start = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
      end = Math.min(order.length, start + visible + 2 * OVERSCAN);
      rows.style.transform = `translateY(${start * rowHeight}px)`;
      root.classList.add("virtual");
    } else {
      if (printing) end = Math.min(order.length, 500);
      spacer.style.height = "";
      rows.style.transform = "";
      root.classList.remove("virtual");
    }
    const hadFocus = root.contains(document.activeElement) && document.activeElement?.classList?.contains("vt-data");
    const out = [];
    for (let p = start; p < end; p++) {
      const i = order[p];
      const r = h("div", {
        class: ["vt-row", "vt-data", p === active && "active", rowClass?.(i)],
        attrs: { role: "row", "aria-rowindex": p + 2, tabindex: "-1", "aria-selected": p === active ? "true" : undefined },
        dataset: { index: i, pos: p },
      });
      for (const c of columns) {
        const v = c.render ? c.render(i) : text(c, i);
        r.append(h("div", { class: ["vt-cell", c.num && "num", c.cls?.(i)], attrs: { role: "cell" } }, v));
      }
      out.push(r);
    }
    rows.replaceChildren(...out);
    if (hadFocus) rows.querySelector(".vt-data.active")?.focus({ preventScroll: true });
  }

  function setActive(p, activate = false) {
    if (!order.length) return;
    active = Math.max(0, Math.min(order.length - 1, p));
    if (virtual()) {
      const top = active * rowHeight;
      const viewTop = body.scrollTop - head.offsetHeight;
      const h2 = body.clientHeight - head.offsetHeight;
      if (top < viewTop) body.scrollTop = top;
      else if (top + rowHeight > viewTop + h2) body.scrollTop = top + rowHeight - h2 + head.offsetHeight;
    }
    render();
    const el = rows.querySelector(".vt-data.active");
    el?.focus({ preventScroll: !virtual() ? false : true });
    if (activate) onActivate?.(order[active]);
  }

  let raf = 0;
  body.addEventListener("scroll", () => {
    if (!virtual() || raf) return;
    raf = requestAnimationFrame(() => {
      raf = 0;
      render();
    });
  });
  rows.addEventListener("click", (e) => {
    const r = e.target instanceof Element ? e.target.closest(".vt-data") : null;
    if (!r || e.target.closest("select, input, button, a")) return;
    setActive(Number(r.dataset.pos), true);
  });
  body.addEventListener("keydown", (e) => {
    if (e.target.closest?.("select, input, button, .vt-th")) return;
    const page = Math.max(1, Math.floor(body.clientHeight / rowHeight) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) setActive((active < 0 ? -1 : active) + moves[e.key], false);
    else if (e.key === "Home") setActive(0);
    else if (e.key === "End") setActive(order.length - 1);
    else if (e.key === "Enter" && active >= 0) setActive(active, true);
    else return;
    e.preventDefault();
  });
  window.addEventListener("beforeprint", () => {
    printing = true;
    render();
  });
  window.addEventListener("afterprint", () => {
    printing = false;
    render();
  });

  function toExport() {
    return {
      name: exportName,
      title: ctx.t(labelKey),
      columns: columns.filter((c) => c.export !== false).map((c) => ({ key: c.key, label: c.label ? c.label() : ctx.t(c.labelKey), kind: c.num ? "number" : "text" })),
      rows: Array.from(order, (i) =>
        columns.filter((c) => c.export !== false).map((c) => {
          const v = (c.exportValue ?? c.value)(i);
          return typeof v === "number" && !Number.isFinite(v) ? null : v ?? null;
        }),
      ),
    };
  }

  renderHead();
  return {
    el: root,
    setData(count, { keepActive = false } = {}) {
      n = count;
      if (!keepActive) active = -1;
      rebuild();
    },
    refresh: rebuild,
    rerender: () => {
      renderHead();
      render();
      count.textContent = ctx.t("rowCount", order.length, n);
    },
    /** Select the row holding data index i (scrolling to it). */
    reveal(i) {
      const p = order.indexOf(i);
      if (p >= 0) setActive(p, false);
    },
    get order() {
      return order;
    },
    toExport,
  };
}

export { nextId };
