#!/usr/bin/env python3
"""Reference weights (numpy + pymcdm 1.4) for tests/weights.rs.

AHP: weights from pymcdm's AHP (numpy eigenvector), lambda_max from numpy's
eigenvalues, CI = (lambda - n)/(n - 1), CR = CI / Saaty RI (pymcdm itself uses
the Tummala-Ling RI table, so its CR is not used). The matrices: a textbook 3x3;
the criteria matrix of Wikipedia's "choose a leader" worked example (its
published weights are asserted to 1.5e-3); a 5x5, an inconsistent 6x6, a 2x2.
Entropy and CRITIC: pymcdm.weights on tests/data/weights/matrix.csv.

Regenerate:  python3 tests/reference/weights_reference.py
"""
import csv
import json
import os

import numpy as np
from pymcdm.weights import critic_weights, entropy_weights
from pymcdm.weights.subjective import AHP

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "weights")
RI = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]

MATRICES = {
    "saaty-3": [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]],
    "leader-criteria-4": [[1, 4, 3, 7], [1 / 4, 1, 1 / 3, 3], [1 / 3, 3, 1, 5], [1 / 7, 1 / 3, 1 / 5, 1]],
    "example-5": [[1, 5, 3, 7, 6], [1 / 5, 1, 1 / 3, 5, 3], [1 / 3, 3, 1, 6, 3],
                [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3], [1 / 6, 1 / 3, 1 / 3, 3, 1]],
    "inconsistent-6": [[1, 9, 1 / 9, 3, 5, 1 / 2], [1 / 9, 1, 7, 1 / 3, 1, 2], [9, 1 / 7, 1, 5, 1 / 4, 3],
                       [1 / 3, 3, 1 / 5, 1, 8, 1], [1 / 5, 1, 4, 1 / 8, 1, 6], [2, 1 / 2, 1 / 3, 1, 1 / 6, 1]],
    "two": [[1, 3], [1 / 3, 1]],
}


def main():
    ahp = []
    for name, m in MATRICES.items():
        a = np.array(m, dtype=float)
        w = AHP(matrix=a)()
        lam = float(max(np.linalg.eigvals(a).real))
        n = len(m)
        ci = 0.0 if n <= 2 else (lam - n) / (n - 1)
        cr = 0.0 if n <= 2 else ci / RI[n - 1]
        ahp.append({"name": name, "matrix": m, "weights": [float(x) for x in w], "lambdaMax": lam, "ci": ci, "cr": cr})
    # Published weights of the leader example (Wikipedia): 0.547, 0.127, 0.270, 0.056.
    assert np.allclose(ahp[1]["weights"], [0.547, 0.127, 0.270, 0.056], atol=1.5e-3)

    rng = np.random.default_rng(3)
    mat = np.column_stack([
        rng.uniform(60, 100, 15).round(1),
        rng.uniform(0.01, 0.2, 15).round(3),
        rng.integers(50, 400, 15).astype(float),
        rng.uniform(1, 5, 15).round(1),
        rng.uniform(80, 90, 15).round(2),
    ])
    cols = ["客户满意度", "投诉率", "工单解决量", "上级评分", "质检得分"]
    with open(os.path.join(DATA, "matrix.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["工号"] + cols)
        for i, row in enumerate(mat):
            wr.writerow([f"E{i + 1:02d}"] + [repr(float(x)) for x in row])
    out = {
        "source": "tests/reference/weights_reference.py (pymcdm 1.4, numpy)",
        "ahp": ahp,
        "columns": cols,
        "entropy": [float(x) for x in entropy_weights(mat)],
        "critic": [float(x) for x in critic_weights(mat)],
    }
    with open(os.path.join(DATA, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print("ok", out["entropy"], out["critic"])


if __name__ == "__main__":
    main()
