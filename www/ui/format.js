// Display formatting only (rounding for the eye); the numbers come from the engine.
const locales = { zh: "zh-CN", en: "en" };

export function fmt(x, lang, digits = 2) {
  if (x === null || x === undefined || (typeof x === "number" && !Number.isFinite(x))) return "—";
  if (typeof x !== "number") return String(x);
  return x.toLocaleString(locales[lang] ?? "en", { maximumFractionDigits: digits });
}

/** A relative change (0.05) as "+5.0%". */
export function pct(x, lang, digits = 1) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const s = (x * 100).toLocaleString(locales[lang] ?? "en", { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: "exceptZero" });
  return `${s}%`;
}

/** A share (0.2) as "20%". */
export function share(x, lang, digits = 0) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return `${(x * 100).toLocaleString(locales[lang] ?? "en", { maximumFractionDigits: digits })}%`;
}

/** A signed number "+1.25". */
export function signed(x, lang, digits = 2) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  // exceptZero: a value that rounds to 0 shows "0", never "-0" or "+0".
  return x.toLocaleString(locales[lang] ?? "en", { maximumFractionDigits: digits, signDisplay: "exceptZero" });
}

export const int = (x, lang) => fmt(x, lang, 0);

/** "2024-03" shown as "2024年3月" in Chinese. */
export function month(p, lang) {
  const m = /^(\d{4})-(\d{2})$/.exec(p ?? "");
  if (!m) return p ?? "—";
  return lang === "zh" ? `${m[1]}年${Number(m[2])}月` : `${m[1]}-${m[2]}`;
}
