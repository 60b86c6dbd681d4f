"""The Python peers of `make bench`, on the same files as the browser run.

    python_peers.py OUT.json KMEANS_CSV K MAX_ITER REPS INGEST_CSV...

- scikit-learn KMeans with one thread (OMP_NUM_THREADS=1, set by run.mjs
  and enforced with threadpoolctl), Lloyd and Elkan, n_init=1, from the
  same initial centroids as the browser run (bench/shared.js kmeansInit:
  row floor((c + 0.5) * n / k) for c = 0..k-1), tol=0 (until no label moves);
- pandas read_csv with the C engine and with the pyarrow engine.

Times are medians of REPS (ms). Only the fit / the read is timed.
"""

import json
import statistics
import sys
import time


def median_ms(fn, reps):
    times = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times, out


def main():
    out_path, km_csv, k, max_iter, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    ingest = sys.argv[6:]
    import numpy as np
    import pandas as pd
    import sklearn
    import pyarrow
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    results = {"versions": {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
                            "pyarrow": pyarrow.__version__, "scikit-learn": sklearn.__version__},
               "kmeans": [], "ingest": []}
    df = pd.read_csv(km_csv)
    feats = [c for c in df.columns if c.startswith("f")]
    x = np.ascontiguousarray(df[feats].to_numpy(dtype=np.float64))
    n = x.shape[0]
    init = np.array([x[int(((c + 0.5) * n) // k)] for c in range(k)])
    with threadpool_limits(limits=1):
        for algo in ("lloyd", "elkan"):
            def fit():
                return KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=0.0, algorithm=algo).fit(x)
            fit()  # warm-up
            ms, times, m = median_ms(fit, reps)
            sizes = np.bincount(m.labels_, minlength=k).tolist()
            results["kmeans"].append({"who": f"scikit-learn KMeans {algo} (1 thread)", "ms": ms, "times": times,
                                      "iterations": int(m.n_iter_), "inertia": float(m.inertia_), "sizes": sizes,
                                      "rows": n, "features": len(feats)})
    for path in ingest:
        mb = __import__("os").path.getsize(path) / 1e6
        for engine in ("c", "pyarrow"):
            ms, times, d = median_ms(lambda: pd.read_csv(path, engine=engine), reps)
            results["ingest"].append({"file": path, "who": f"pandas read_csv (engine={engine})", "ms": ms,
                                      "times": times, "rows": int(d.shape[0]), "mb": mb})
    with open(out_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
