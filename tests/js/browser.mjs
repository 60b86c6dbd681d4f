// Shared set-up for the browser tests: Debian's Chromium driven by
// playwright-core (never a downloaded browser), a fresh profile each time, and
// a log of every request, console error and CSP violation.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/** options: locale ("zh-CN" for a Chinese browser), viewport, permissions (e.g. clipboard). */
export async function openBrowser({ locale, viewport, permissions } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "hrlens-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: locale ? [...FLAGS, `--lang=${locale}`] : FLAGS,
    acceptDownloads: true,
    ...(locale ? { locale } : {}),
    ...(viewport ? { viewport } : {}),
    ...(permissions ? { permissions } : {}),
  });
  const log = { requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  context.on("request", (r) => log.requests.push(r.url()));
  // Belt and braces: anything not for loopback is recorded and aborted.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (!isLocal(url)) {
      log.requests.push(url);
      return route.abort();
    }
    return route.continue();
  });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const watch = (page) => {
    page.on("console", (m) => {
      if (m.type() === "error") log.consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => log.pageErrors.push(String(e)));
    // An alert() would mean injected script ran: record it and dismiss.
    page.on("dialog", (d) => {
      log.dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    page.on("worker", (w) => log.requests.push(w.url()));
  };
  context.on("page", watch);
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, log, watch, close };
}

export function isLocal(url) {
  if (url.startsWith("data:") || url.startsWith("blob:") || url === "about:blank") return true;
  try {
    return new URL(url).hostname === "127.0.0.1";
  } catch {
    return false;
  }
}
