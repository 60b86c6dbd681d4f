// Language selection: Chinese by default in a Chinese browser, else English.
import zh from "./i18n/zh.js";
import en from "./i18n/en.js";

const STRINGS = { zh, en };
let current = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
try {
  const saved = localStorage.getItem("hrlens.lang");
  if (saved === "zh" || saved === "en") current = saved;
} catch {
  // Storage may be unavailable (file://, privacy mode): keep the browser's language.
}

export const lang = () => current;
export const t = (key, ...args) => {
  const v = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return typeof v === "function" ? v(...args) : v;
};
export function setLang(l) {
  current = l === "zh" ? "zh" : "en";
  try {
    localStorage.setItem("hrlens.lang", current);
  } catch {
    // Not persisted; the switch still applies to this page.
  }
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
}
/** Fill every element with a data-i18n key from the current language (as text, never HTML). */
export function applyStatic(root = document) {
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}
