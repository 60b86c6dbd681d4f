#!/usr/bin/env python3
"""Reference numbers for hrlens's k-means, from scikit-learn.

    python3 tests/reference/sklearn_kmeans.py            # write tests/data/segment/sklearn_kmeans.json
    python3 tests/reference/sklearn_kmeans.py --bench CSV  # time scikit-learn on a bench table (1 thread)

Fixtures (read by tests/segment_sklearn.rs) for iris, wine, breast_cancer and
digits from ../shared/data/sklearn (features = every column but target and
target_name), for several scalings:

- best-of-10 inertia: KMeans(k, init="k-means++", n_init=10, algorithm="lloyd",
  random_state=0), and the best over random_state 0..9 of that (context);
- from a fixed start (the first k rows, scaled), n_init=1: inertia, n_iter_
  and labels — the same start must give the same result in hrlens;
- silhouette, Calinski-Harabasz and Davies-Bouldin of the true classes.

Scalings: zscore = StandardScaler, minmax = MinMaxScaler, robust =
RobustScaler, none = raw. Made with scikit-learn 1.9.1 (pip install scikit-learn).
"""
import json
import os
import sys
import time

import numpy as np
from sklearn import __version__ as sk_version
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data", "sklearn")
OUT = os.path.join(ROOT, "tests", "data", "segment", "sklearn_kmeans.json")

CASES = [
    ("iris", 3, ["zscore", "none", "minmax"]),
    ("wine", 3, ["zscore", "minmax", "robust"]),
    ("breast_cancer", 2, ["zscore", "robust"]),
    ("digits", 10, ["zscore", "none"]),
]


def load(name):
    with open(os.path.join(DATA, f"{name}.csv"), encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        rows = [line.strip().split(",") for line in f if line.strip()]
    feat = [i for i, h in enumerate(header) if h not in ("target", "target_name")]
    x = np.array([[float(r[i]) for i in feat] for r in rows])
    y = np.array([int(r[header.index("target")]) for r in rows])
    return [header[i] for i in feat], x, y


def scale(x, kind):
    if kind == "zscore":
        return StandardScaler().fit_transform(x)
    if kind == "minmax":
        return MinMaxScaler().fit_transform(x)
    if kind == "robust":
        return RobustScaler().fit_transform(x)
    return x.copy()


def fixtures():
    out = {"sklearn": sk_version, "cases": []}
    for name, k, scalings in CASES:
        features, x, y = load(name)
        for kind in scalings:
            xs = scale(x, kind)
            best10 = KMeans(k, n_init=10, algorithm="lloyd", random_state=0).fit(xs)
            seeds = [KMeans(k, n_init=10, algorithm="lloyd", random_state=s).fit(xs).inertia_ for s in range(10)]
            start = xs[:k]
            fixed = KMeans(k, init=start, n_init=1, algorithm="lloyd", tol=1e-4, max_iter=300).fit(xs)
            out["cases"].append({
                "dataset": name, "k": k, "scaling": kind, "rows": int(x.shape[0]), "features": features,
                "bestOf10Inertia": float(best10.inertia_),
                "bestOf10InertiaOverSeeds": [float(v) for v in seeds],
                "fixedStart": {"inertia": float(fixed.inertia_), "iterations": int(fixed.n_iter_),
                               "labels": [int(v) for v in fixed.labels_]},
                "trueClasses": {"silhouette": float(silhouette_score(xs, y)),
                                "calinskiHarabasz": float(calinski_harabasz_score(xs, y)),
                                "daviesBouldin": float(davies_bouldin_score(xs, y))},
            })
            print(f"{name:14} {kind:7} k={k:2} best-of-10 {best10.inertia_:.6f}  fixed start {fixed.inertia_:.6f} ({fixed.n_iter_} it)")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


def bench(csv, reps=7):
    """Time KMeans (1 thread) from the first 8 rows, the start every peer uses."""
    from threadpoolctl import threadpool_limits
    with open(csv, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        cols = [i for i, h in enumerate(header) if h.startswith("f") and h[1:].isdigit()]
        x = np.array([[float(r.split(",")[i]) for i in cols] for r in f if r.strip()])
    start = x[:8].copy()
    with threadpool_limits(1):
        for algo in ("lloyd", "elkan"):
            times = []
            for _ in range(reps):
                t = time.perf_counter()
                km = KMeans(8, init=start, n_init=1, algorithm=algo, tol=1e-4, max_iter=300).fit(x)
                times.append((time.perf_counter() - t) * 1e3)
            times.sort()
            print(json.dumps({"algorithm": algo, "rows": x.shape[0], "features": x.shape[1], "medianMs": times[len(times) // 2],
                              "minMs": times[0], "iterations": int(km.n_iter_), "inertia": float(km.inertia_)}))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--bench":
        bench(sys.argv[2])
    else:
        fixtures()
