// Languages: Chinese by default in a Chinese browser, else English. Every
// string the page shows lives in i18n/zh.js and i18n/en.js (same keys).
// An instance per mounted app, so a page and an embedded <hr-lens lang="en">
// can speak different languages.
import zh from "./i18n/zh.js";
import en from "./i18n/en.js";

export const STRINGS = { zh, en };
const KEY = "hrlens.lang";

export function browserLang() {
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

function savedLang() {
  try {
    const s = localStorage.getItem(KEY);
    return s === "zh" || s === "en" ? s : null;
  } catch {
    return null; // storage unavailable (file://, privacy mode)
  }
}

/**
 * createI18n({ lang, persist }): lang forces a language (the component's
 * attribute); persist remembers the user's switch (the full page only).
 */
export function createI18n({ lang, persist = false } = {}) {
  let current = lang === "zh" || lang === "en" ? lang : (persist && savedLang()) || browserLang();
  const listeners = new Set();
  const t = (key, ...args) => {
    const v = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
    return typeof v === "function" ? v(...args) : v;
  };
  return {
    t,
    lang: () => current,
    set(l) {
      const next = l === "zh" ? "zh" : "en";
      if (next === current) return;
      current = next;
      if (persist) {
        try {
          localStorage.setItem(KEY, current);
        } catch {
          // not remembered; the switch still applies
        }
      }
      for (const fn of listeners) fn(current);
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Fill elements carrying data-i18n (text), data-i18n-label (aria-label), data-i18n-ph (placeholder). */
    apply(root) {
      for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
      for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
      for (const el of root.querySelectorAll("[data-i18n-ph]")) el.setAttribute("placeholder", t(el.dataset.i18nPh));
    },
  };
}
