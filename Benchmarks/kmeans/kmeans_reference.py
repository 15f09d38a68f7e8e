#!/usr/bin/env python3
"""Reference values for Clientele's k-means tests, from scikit-learn (pinned in requirements.txt).

Writes, into Fixtures/kmeans/:
  customers-2000.csv      2,000 generated customers: recency_days, frequency, monetary (5 groups)
  sklearn_reference.json  default features (log1p, standardised with the population sd), and
                          scikit-learn results on them:
                          - lloyd_from_centres: KMeans(init=centres, n_init=1, algorithm="lloyd")
                            from given centres (labels, inertia, centres, n_iter);
                          - lloyd_empty_cluster: the same from centres of which one is far away,
                            so the first iteration leaves it empty and the repair runs;
                          - best_of_restarts: KMeans(n_clusters=5, n_init=4, random_state=0) inertia
                            (and for n_init=1, 10 seeds: the spread of single runs);
                          - silhouette: silhouette_score of the lloyd_from_centres labels, k = 2..6
                            labelings from fixed-centre runs.
Run:  Benchmarks/setup-venv.sh Benchmarks/kmeans/.venv Benchmarks/kmeans/requirements.txt && Benchmarks/kmeans/.venv/bin/python Benchmarks/kmeans/kmeans_reference.py
Python is never needed at test time: the Swift tests read the JSON.
"""
import json, os, sys
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
out = os.path.join(root, "Fixtures", "kmeans")
os.makedirs(out, exist_ok=True)


def generate(n, seed):
    """n customers from 5 groups with different recency / frequency / spend; integer days and
    orders, cents-rounded money (a few refunds-only customers with negative monetary)."""
    rng = np.random.default_rng(seed)
    groups = [  # share, recency mean (days), frequency mean, spend per order (median)
        (0.30, 20, 12, 60), (0.25, 90, 4, 35), (0.20, 250, 2, 25), (0.15, 400, 1, 120), (0.10, 30, 25, 200)]
    g = rng.choice(len(groups), size=n, p=[s for s, *_ in groups])
    rec = np.empty(n); freq = np.empty(n); mon = np.empty(n)
    for k, (_, r, f, m) in enumerate(groups):
        idx = np.where(g == k)[0]
        rec[idx] = np.floor(rng.exponential(r, size=idx.size))
        freq[idx] = 1 + rng.poisson(f - 1 if f > 1 else 0.3, size=idx.size)
        mon[idx] = np.round(freq[idx] * rng.lognormal(np.log(m), 0.5, size=idx.size), 2)
    refunds = rng.choice(n, size=max(1, n // 200), replace=False)
    mon[refunds] = -np.round(rng.uniform(5, 50, size=refunds.size), 2)
    return rec, freq, mon


def features(rec, freq, mon):
    cols = [np.log1p(rec), np.log1p(freq), np.log1p(np.maximum(mon, 0))]
    z = []
    for c in cols:
        sd = c.std(ddof=0)
        z.append((c - c.mean()) / (sd if sd > 0 else 1.0))
    return np.column_stack(z)


def lloyd(X, centres):
    km = KMeans(n_clusters=centres.shape[0], init=centres, n_init=1, algorithm="lloyd").fit(X)
    return {"initial_centres": centres.tolist(), "labels": km.labels_.tolist(), "inertia": float(km.inertia_),
            "centres": km.cluster_centers_.tolist(), "n_iter": int(km.n_iter_)}


def main():
    rec, freq, mon = generate(2000, seed=20240605)
    with open(os.path.join(out, "customers-2000.csv"), "w") as f:
        f.write("recency_days,frequency,monetary\n")
        for r, q, m in zip(rec, freq, mon):
            f.write(f"{int(r)},{int(q)},{m:.2f}\n")
    # Re-read as the Swift tests will (from the CSV text), so both sides start from the same numbers.
    data = np.loadtxt(os.path.join(out, "customers-2000.csv"), delimiter=",", skiprows=1)
    X = features(data[:, 0], data[:, 1], data[:, 2])

    rng = np.random.default_rng(7)
    init_rows = rng.choice(X.shape[0], size=5, replace=False)
    from_centres = lloyd(X, X[init_rows].copy())
    from_centres["initial_rows"] = init_rows.tolist()

    far = X[init_rows].copy()
    far[4] = [25.0, 25.0, 25.0]
    empty = lloyd(X, far)

    best = KMeans(n_clusters=5, n_init=4, random_state=0, algorithm="lloyd").fit(X)
    singles = [float(KMeans(n_clusters=5, n_init=1, random_state=s, algorithm="lloyd").fit(X).inertia_) for s in range(10)]

    sil = {"from_centres": float(silhouette_score(X, np.array(from_centres["labels"])))}
    by_k = []
    for k in range(2, 7):
        centres = X[rng.choice(X.shape[0], size=k, replace=False)].copy()
        res = lloyd(X, centres)
        by_k.append({"k": k, "labels": res["labels"], "silhouette": float(silhouette_score(X, np.array(res["labels"])))})
    sil["by_k"] = by_k

    ref = {
        "generator": "Benchmarks/kmeans/kmeans_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scikit-learn": sklearn.__version__},
        "n": int(X.shape[0]),
        "features": {"names": ["log1p_recency_days", "log1p_frequency", "log1p_monetary"],
                     "first_rows": X[:10].tolist(), "column_sums_of_squares": (X ** 2).sum(axis=0).tolist()},
        "lloyd_from_centres": from_centres,
        "lloyd_empty_cluster": empty,
        "best_of_restarts": {"k": 5, "n_init": 4, "random_state": 0, "inertia": float(best.inertia_),
                             "single_run_inertias": singles},
        "silhouette": sil,
    }
    with open(os.path.join(out, "sklearn_reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print("wrote", out, "inertia", from_centres["inertia"], "n_iter", from_centres["n_iter"],
          "empty-case n_iter", empty["n_iter"], "best", best.inertia_)


if __name__ == "__main__":
    main()
