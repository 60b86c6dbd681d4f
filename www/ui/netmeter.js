// "0 network requests since load": proof of zero egress, shown to the user.
//
// How it counts real requests: the browser records every fetch it makes for
// a document or worker — scripts, styles, images, fetch()/XHR, beacons, the
// wasm module — as a Resource Timing entry (PerformanceResourceTiming). A
// PerformanceObserver on "resource" entries (buffered, so nothing before it
// started is missed) sees the page's, and worker.js runs the same observer in
// the worker and posts its entries here. Entries are compared in absolute
// time (timeOrigin + startTime, since page and worker clocks start apart)
// against the moment the app finished loading its own files (markLoaded):
// everything after that is a network request since load. Requests the CSP
// blocks never reach the network; they are counted apart as "blocked"
// (securitypolicyviolation events). What Resource Timing does not cover:
// WebSocket and WebRTC traffic; the CSP (connect-src 'self') and the e2e
// tests' browser-level request log cover those.
import { h } from "./dom.js";

export function createNetMeter(ctx, hr) {
  const entries = []; // { name, start, where }
  let loadedAt = Infinity;
  let blocked = 0;
  const label = h("span", { class: "net-text" });
  const el = h("span", { class: "netmeter", tip: "netmeter", tabIndex: 0, attrs: { role: "status" }, dataset: { count: "0" } }, h("span", { class: "net-dot", attrs: { "aria-hidden": "true" } }), label);

  const update = () => {
    const after = entries.filter((e) => e.start >= loadedAt);
    const n = after.length;
    el.dataset.count = String(n);
    el.dataset.blocked = String(blocked);
    el.classList.toggle("bad", n > 0 || blocked > 0);
    label.textContent = ctx.t("netCount", n, blocked);
    const origin = location.origin;
    const startup = entries.filter((e) => e.start < loadedAt);
    const foreign = entries.filter((e) => !e.name.startsWith(origin) && !e.name.startsWith("blob:") && !e.name.startsWith("data:"));
    el.dataset.tipText = ctx.t("netDetail", startup.length, foreign.length, after.slice(-3).map((e) => e.name));
  };

  if (typeof PerformanceObserver === "function") {
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) entries.push({ name: e.name, start: performance.timeOrigin + e.startTime, where: "page" });
        update();
      }).observe({ type: "resource", buffered: true });
    } catch {
      label.textContent = ctx.t("netUnavailable");
    }
  }
  hr.onNet((list) => {
    for (const e of list) entries.push({ ...e, where: "worker" });
    update();
  });
  document.addEventListener("securitypolicyviolation", () => {
    blocked++;
    update();
  });
  update();
  return {
    el,
    /** The app's own files are loaded: count from now on. */
    markLoaded() {
      loadedAt = performance.timeOrigin + performance.now();
      update();
    },
    refresh: update,
    get count() {
      return entries.filter((e) => e.start >= loadedAt).length;
    },
  };
}
