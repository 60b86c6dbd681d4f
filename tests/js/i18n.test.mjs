// Every string the page shows exists in Chinese and in English: the two
// files have the same keys with the same kinds (text or function of the same
// arity), and every key the page's modules name is defined.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import zh from "../../www/i18n/zh.js";
import en from "../../www/i18n/en.js";

const www = new URL("../../www/", import.meta.url);

async function sources() {
  const out = [];
  for (const dir of ["", "ui/", "panels/"]) {
    for (const f of await readdir(new URL(dir, www))) {
      if (!f.endsWith(".js")) continue;
      const src = await readFile(new URL(`${dir}${f}`, www), "utf8");
      // Comments name keys as examples ("tip.key"); only code counts.
      out.push([`${dir}${f}`, src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")]);
    }
  }
  return out;
}

test("zh and en have the same keys, of the same kind", () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const k of Object.keys(en)) {
    assert.equal(typeof zh[k], typeof en[k], k);
    if (typeof en[k] === "function") assert.equal(zh[k].length, en[k].length, `${k} arity`);
    if (typeof en[k] === "object") assert.deepEqual(Object.keys(zh[k]).sort(), Object.keys(en[k]).sort(), k);
    if (typeof en[k] === "string") assert.ok(zh[k].length > 0 || en[k].length === 0, `${k} is empty in zh`);
  }
});

test("every key named in the page's modules is defined", async () => {
  const missing = [];
  for (const [file, src] of await sources()) {
    const keys = new Set();
    for (const m of src.matchAll(/\bt\(\s*"([^"]+)"/g)) keys.add(m[1]);
    for (const m of src.matchAll(/\b(?:i18n|labelKey|titleKey|emptyKey):\s*"([^"]+)"/g)) keys.add(m[1]);
    for (const m of src.matchAll(/\.(?:loading|empty|unavailable)\("([^"]+)"/g)) keys.add(m[1]);
    for (const m of src.matchAll(/labelled\(ctx, "([^"]+)"/g)) keys.add(m[1]);
    // Help texts: data-tip keys live under "tip.".
    for (const m of src.matchAll(/\b(?:tip|tipKey):\s*"([^"]+)"/g)) keys.add(`tip.${m[1]}`);
    for (const m of src.matchAll(/help\((?:ctx|\{ t \}), "([^"]+)"\)/g)) keys.add(`tip.${m[1]}`);
    for (const m of src.matchAll(/labelled\(ctx, "[^"]+", "([^"]+)"/g)) keys.add(`tip.${m[1]}`);
    for (const k of keys) if (!(k in en) || !(k in zh)) missing.push(`${file}: ${k}`);
  }
  assert.deepEqual(missing, []);
});

test("templated key families are complete", () => {
  const families = {
    "agg.": ["mean", "sum", "median"],
    "scale.": ["zscore", "robust", "minmax", "none"],
    "level.": ["teams", "people", "all"],
    "sev.": ["critical", "warning"],
    "status.": ["stayed", "joined", "left"],
    "flag.": ["lenient", "severe", "none"],
    "cr.": ["ok", "warn", "bad"],
    "nb.": ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
    "tip.panel.": ["data", "segments", "scores", "trends"],
  };
  for (const [prefix, items] of Object.entries(families)) for (const i of items) assert.ok(`${prefix}${i}` in en && `${prefix}${i}` in zh, `${prefix}${i}`);
});

test("the glossary and the tour exist in both languages", async () => {
  const { TERMS } = await import("../../www/ui/glossary.js").catch(() => ({ TERMS: null }));
  // glossary.js imports dom.js, which needs no DOM at import time.
  assert.ok(Array.isArray(TERMS) && TERMS.length >= 5);
  for (const k of ["kmeans", "silhouette", "ahp", "forced", "momyoy", ...TERMS]) {
    for (const l of [zh, en]) {
      assert.ok(l[`gloss.${k}`] && l[`gloss.${k}.body`], `gloss.${k}`);
    }
  }
  for (const step of ["data", "checks", "weights", "ranking", "tree", "alerts", "segments", "privacy"]) {
    for (const l of [zh, en]) assert.ok(l[`tour.${step}`] && l[`tour.${step}.body`], `tour.${step}`);
  }
});
