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
    if (query) {
      const idx = [];
      const cols = columns.filter((c) => c.filter !== false);
      for (let i = 0; i < n; i++) if (cols.some((c) => text(c, i).toLowerCase().includes(query))) idx.push(i);
      order = Uint32Array.from(idx);
    } else {
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    if (sort) {
      const c = columns.find((x) => x.key === sort.key);
      if (c) order = sortRows(order, (i) => (c.sortValue ?? c.value)(i), sort.dir, c.keys ? c.keys(order) : null);
    }
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
      columns: columns
        .filter((c) => c.export !== false)
        .map((c) => ({ key: c.key, label: c.label ? c.label() : ctx.t(c.labelKey), kind: c.num ? "number" : "text", pii: Boolean(c.pii), size: Boolean(c.size) })),
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

/**
 * Rows in the order of their keys (dir 1 ascending, −1 descending), stable,
 * missing keys (null, "", NaN) last either way. Numbers take a typed path:
 * small integers (ranks) a counting sort, other numbers an LSD radix sort
 * over their IEEE-754 bits, both O(n); text a comparison sort. `keys` may be
 * given at once as a typed array aligned with `rows`. Ordering only: no value
 * is changed.
 */
export function sortRows(rows, key, dir, keys = null) {
  const n = rows.length;
  let k = keys;
  if (!k) {
    const raw = new Array(n);
    let numeric = true;
    for (let p = 0; p < n; p++) {
      const v = key(rows[p]);
      raw[p] = v;
      if (numeric && !(typeof v === "number" || v === null || v === undefined || v === "")) numeric = false;
    }
    if (!numeric) return sortText(rows, raw, dir);
    k = new Float64Array(n);
    for (let p = 0; p < n; p++) k[p] = typeof raw[p] === "number" ? raw[p] : NaN;
  }
  // Present keys first (in key order), then the missing ones in row order.
  const present = [];
  const absent = [];
  let ints = true;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < n; p++) {
    const v = k[p];
    if (Number.isNaN(v)) absent.push(p);
    else {
      present.push(p);
      if (ints && !Number.isInteger(v)) ints = false;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const m = present.length;
  let sorted;
  if (m && ints && hi - lo <= 4 * n + 16) {
    const span = hi - lo + 1;
    const start = new Uint32Array(span + 1);
    for (const p of present) start[(dir === 1 ? k[p] - lo : hi - k[p]) + 1]++;
    for (let b = 0; b < span; b++) start[b + 1] += start[b];
    sorted = new Uint32Array(m);
    for (const p of present) sorted[start[dir === 1 ? k[p] - lo : hi - k[p]]++] = p;
  } else {
    sorted = radixArgsort(present, k, dir);
  }
  const out = new Uint32Array(n);
  for (let q = 0; q < m; q++) out[q] = rows[sorted[q]];
  for (let q = 0; q < absent.length; q++) out[m + q] = rows[absent[q]];
  return out;
}

/** Stable argsort of finite doubles by their bits: 4 passes of 16-bit digits. */
function radixArgsort(positions, k, dir) {
  const m = positions.length;
  const hiW = new Uint32Array(m);
  const loW = new Uint32Array(m);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let q = 0; q < m; q++) {
    f[0] = dir === 1 ? k[positions[q]] : -k[positions[q]];
    if (f[0] === 0) f[0] = 0; // -0 and +0 tie
    let h = little ? u[1] : u[0];
    let l = little ? u[0] : u[1];
    // Order-preserving map: negative numbers flip all bits, positive ones the sign bit.
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hiW[q] = h;
    loW[q] = l;
  }
  let idx = new Uint32Array(m);
  for (let q = 0; q < m; q++) idx[q] = q;
  let tmp = new Uint32Array(m);
  const count = new Uint32Array(65537);
  for (const [words, shift] of [[loW, 0], [loW, 16], [hiW, 0], [hiW, 16]]) {
    count.fill(0);
    for (let q = 0; q < m; q++) count[((words[idx[q]] >>> shift) & 0xffff) + 1]++;
    for (let b = 0; b < 65536; b++) count[b + 1] += count[b];
    for (let q = 0; q < m; q++) tmp[count[(words[idx[q]] >>> shift) & 0xffff]++] = idx[q];
    [idx, tmp] = [tmp, idx];
  }
  return Uint32Array.from(idx, (q) => positions[q]);
}

function sortText(rows, raw, dir) {
  const n = rows.length;
  const missing = (v) => v === null || v === undefined || v === "";
  const pos = Array.from({ length: n }, (_, p) => p);
  pos.sort((a, b) => {
    const x = raw[a];
    const y = raw[b];
    const xm = missing(x);
    const ym = missing(y);
    if (xm || ym) return xm === ym ? a - b : xm ? 1 : -1;
    const c = String(x).localeCompare(String(y));
    return c ? c * dir : a - b;
  });
  return Uint32Array.from(pos, (p) => rows[p]);
}

export { nextId };
