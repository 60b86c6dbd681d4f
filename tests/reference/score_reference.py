#!/usr/bin/env python3
"""Reference scores for tests/data/score/panel.csv (numpy only).

An independent implementation of DESIGN.md "Scorecard" and the definitions in
src/engine/score/mod.rs: normalisations, missing policies (exclude re-weights
within each dimension, then over the dimensions present), competition ranks
(1224, NaN last), threshold bands and forced distributions (cuts
floor(n * cumulative share + 1/2), ties at a cut go to the better band).

Regenerate:  python3 tests/reference/score_reference.py
writes       tests/data/score/expected.json
"""
import csv
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "score")

NORMS = {
    "minmax": ["minmax"] * 5,
    "zscore": ["zscore"] * 5,
    "percentile": ["percentile"] * 5,
    "target": [
        {"target": 95, "floor": 70},
        {"target": 0.02, "floor": 0.10},
        {"target": 90, "floor": 80},
        {"target": 95, "floor": 60},
        {"target": 1.0, "floor": 0.5},
    ],
    "mixed": ["minmax", {"target": 0.02, "floor": 0.10}, "percentile", "zscore", "minmax"],
}
BANDS = {
    "thresholds": {"thresholds": [{"label": "A", "min": 80}, {"label": "B", "min": 60},
                                  {"label": "C", "min": 40}, {"label": "D", "min": 0}]},
    "distribution": {"distribution": [{"label": "A", "share": 0.2}, {"label": "B", "share": 0.5},
                                      {"label": "C", "share": 0.3}]},
}


def card(norm_name, missing, bands):
    n = NORMS[norm_name]

    def ind(col, w, i, direction="higher"):
        d = {"column": col, "weight": w, "normalize": n[i]}
        if not isinstance(n[i], dict):
            d["direction"] = direction
        return d

    return {
        "name": f"{norm_name}-{missing}-{bands}",
        "dimensions": [
            {"name": "服务质量", "weight": 40, "indicators": [ind("客户满意度", 60, 0), ind("投诉率", 40, 1, "lower")]},
            {"name": "效率", "weight": 35, "indicators": [ind("工单解决量", 50, 2), ind("质检得分", 50, 3)]},
            {"name": "成长", "weight": 25, "indicators": [ind("培训完成率", 1, 4)]},
        ],
        "missing": missing,
        "bands": BANDS[bands],
    }


def constant_card(missing):
    return {
        "name": f"constant-{missing}",
        "dimensions": [
            {"name": "q", "weight": 1, "indicators": [
                {"column": "固定值", "weight": 1, "normalize": "minmax"},
                {"column": "客户满意度", "weight": 3, "normalize": "percentile", "direction": "lower"}]},
            {"name": "z", "weight": 2, "indicators": [{"column": "固定值", "weight": 1, "normalize": "zscore"}]},
        ],
        "missing": missing,
        "bands": BANDS["distribution"],
    }


def normalize(x, how, direction):
    out = np.full(len(x), np.nan)
    p = ~np.isnan(x)
    v = x[p]
    if v.size == 0:
        return out
    if isinstance(how, dict):
        t, f = how["target"], how["floor"]
        out[p] = np.clip(100 * (v - f) / (t - f), 0, 100)
        return out
    lower = direction == "lower"
    if how == "minmax":
        lo, hi = v.min(), v.max()
        out[p] = 100.0 if hi == lo else (100 * (hi - v) / (hi - lo) if lower else 100 * (v - lo) / (hi - lo))
    elif how == "zscore":
        sd = v.std()  # population
        if sd == 0:
            out[p] = 100.0
        else:
            z = (v - v.mean()) / sd
            out[p] = np.clip(50 - 10 * z if lower else 50 + 10 * z, 0, 100)
    elif how == "percentile":
        if v.min() == v.max():
            out[p] = 100.0
        else:
            pct = np.array([100 * ((v < a).sum() + 0.5 * (v == a).sum()) / v.size for a in v])
            out[p] = 100 - pct if lower else pct
    return out


def score(rows, c):
    n = len(rows)
    dims = []
    for d in c["dimensions"]:
        cols = []
        for ind in d["indicators"]:
            x = np.array([r[ind["column"]] for r in rows], dtype=float)
            s = normalize(x, ind["normalize"], ind.get("direction", "higher"))
            present = s[~np.isnan(s)]
            if present.size and c["missing"] == "zero":
                s = np.where(np.isnan(s), 0.0, s)
            elif present.size and c["missing"] == "mean":
                s = np.where(np.isnan(s), present.mean(), s)
            cols.append((ind["weight"], s))
        wsum = sum(w for w, _ in cols)
        num = np.zeros(n)
        den = np.zeros(n)
        for w, s in cols:
            a = w / wsum
            ok = ~np.isnan(s)
            num[ok] += a * s[ok]
            den[ok] += a
        with np.errstate(invalid="ignore", divide="ignore"):
            dims.append(np.where(den > 0, num / den, np.nan))
    dw = np.array([d["weight"] for d in c["dimensions"]], dtype=float)
    dw = dw / dw.sum()
    num = np.zeros(n)
    den = np.zeros(n)
    for a, v in zip(dw, dims):
        ok = ~np.isnan(v)
        num[ok] += a * v[ok]
        den[ok] += a
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(den > 0, num / den, np.nan)
    return total, dims


def competition(total, groups=None):
    n = len(total)
    groups = groups if groups is not None else [0] * n
    rank = [0] * n
    for i in range(n):
        if math.isnan(total[i]):
            valid = sum(1 for j in range(n) if groups[j] == groups[i] and not math.isnan(total[j]))
            rank[i] = valid + 1
        else:
            rank[i] = 1 + sum(1 for j in range(n) if groups[j] == groups[i]
                              and not math.isnan(total[j]) and total[j] > total[i])
    return rank


def bands(total, rank, spec):
    if "thresholds" in spec:
        t = sorted(spec["thresholds"], key=lambda b: -b["min"])
        out = []
        for x in total:
            lab = ""
            if not math.isnan(x):
                for b in t:
                    if b["min"] <= x:
                        lab = b["label"]
                        break
            out.append(lab)
        return out
    d = spec["distribution"]
    valid = sum(1 for x in total if not math.isnan(x))
    cum, cuts = 0.0, []
    for k, b in enumerate(d):
        cum += b["share"]
        cuts.append(valid if k == len(d) - 1 else min(valid, math.floor(valid * cum + 0.5)))
    out = []
    for x, r in zip(total, rank):
        if math.isnan(x):
            out.append("")
            continue
        out.append(next(b["label"] for b, c in zip(d, cuts) if r - 1 < c))
    return out


def num(s):
    return float(s) if s.strip() else float("nan")


def main():
    with open(os.path.join(DATA, "panel.csv"), encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    rows = [r for r in raw if r["月份"] == "2024-06"]
    for r in rows:
        for k in ("客户满意度", "投诉率", "工单解决量", "质检得分", "培训完成率", "固定值"):
            r[k] = num(r[k])
    cards = [card(nm, ms, b) for nm in NORMS for ms in ("exclude", "zero", "mean") for b in BANDS]
    cards += [constant_card(ms) for ms in ("exclude", "zero", "mean")]
    cases = []
    for i, c in enumerate(cards):
        total, dims = score(rows, c)
        rank = competition(list(total))
        grank = competition(list(total), [r["部门"] for r in rows])
        cases.append({
            "card": c,
            "period": "2024-06" if i % 2 == 0 else None,
            "groupBy": "部门",
            "ids": [r["工号"] for r in rows],
            "total": [None if math.isnan(x) else float(x) for x in total],
            "dimensions": {d["name"]: [None if math.isnan(x) else float(x) for x in v]
                           for d, v in zip(c["dimensions"], dims)},
            "rank": rank,
            "groupRank": grank,
            "band": bands(list(total), rank, c["bands"]),
        })
    with open(os.path.join(DATA, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"source": "tests/reference/score_reference.py", "cases": cases}, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
