// DOM building without HTML strings. Every text goes in through textContent
// (or a Text node); attributes are set one by one and never `style` or an
// event-handler attribute, so nothing here can run data as code or trip the
// page's CSP (style-src 'self': no inline style attributes). Layout values
// that must be computed (virtual scrolling, tooltip position) are set through
// the CSSOM (`el.style.top = …`), which CSP does not restrict.

const FORBIDDEN_ATTR = /^(style$|on)/i;

/**
 * h("button", { class: "primary", text: "OK", on: { click } }, child, "text", …)
 *
 * props: class, text, i18n (a string key: textContent from the language and
 * data-i18n so a language switch refreshes it), tip (a help key shown by the
 * tooltip), attrs (setAttribute), dataset, aria ({ label: … } → aria-label),
 * on ({ event: handler }), and plain DOM properties (id, type, value, hidden,
 * disabled, checked, tabIndex, htmlFor, min, max, step, …).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null) continue;
    switch (k) {
      case "class":
        el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : v;
        break;
      case "text":
        el.textContent = String(v);
        break;
      case "i18n":
        el.dataset.i18n = v;
        break;
      case "tip":
        el.dataset.tip = v;
        break;
      case "attrs":
        for (const [a, x] of Object.entries(v)) {
          if (FORBIDDEN_ATTR.test(a)) throw new Error(`refusing attribute ${a}`);
          if (x !== undefined && x !== null && x !== false) el.setAttribute(a, x === true ? "" : String(x));
        }
        break;
      case "aria":
        for (const [a, x] of Object.entries(v)) if (x !== undefined && x !== null) el.setAttribute(`aria-${a}`, String(x));
        break;
      case "dataset":
        for (const [a, x] of Object.entries(v)) if (x !== undefined && x !== null) el.dataset[a] = String(x);
        break;
      case "on":
        for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
        break;
      default:
        if (FORBIDDEN_ATTR.test(k) || k === "innerHTML" || k === "outerHTML") throw new Error(`refusing property ${k}`);
        el[k] = v;
    }
  }
  append(el, children);
  return el;
}

/** Append children: nodes as they are, strings and numbers as Text nodes, arrays flattened, null skipped. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replace all children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A <select> with options [{ value, label }] (labels are text). */
export function select(props, options, value) {
  const s = h("select", props);
  setOptions(s, options, value);
  return s;
}

export function setOptions(s, options, value) {
  s.replaceChildren(
    ...options.map((o) => {
      const opt = document.createElement("option");
      opt.value = String(o.value);
      opt.textContent = o.label ?? String(o.value);
      if (o.disabled) opt.disabled = true;
      return opt;
    }),
  );
  if (value !== undefined && value !== null && options.some((o) => String(o.value) === String(value))) s.value = String(value);
}

let uid = 0;
/** A unique id for aria references (ids are scoped per shadow root, so a counter is enough). */
export const nextId = (prefix = "hl") => `${prefix}-${++uid}`;

/** Trigger a download of a Blob made here (no network: a blob: URL). */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Read a File as text (UTF-8). */
export const readText = (file) => file.text();
