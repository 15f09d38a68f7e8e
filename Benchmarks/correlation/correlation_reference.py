#!/usr/bin/env python3
"""Reference values for Clientele's correlation tests, from scipy.stats (pinned in
Benchmarks/kmeans/requirements.txt; shared venv Benchmarks/kmeans/.venv).

Writes into Fixtures/correlation/:
  survey-400.csv          400 generated customers: satisfaction (1-5, blanks), recommend (0-10,
                          blanks), complaints (0-4), frequency, tenure_days, clv, a constant
                          column, a no-ties column, and a segment (0-3, segment 3 has 2 rows)
  scipy_reference.json    for every (x, y) pair and group, on the pair's complete rows:
                          pearsonr (r, p, 95% CI), spearmanr, kendalltau(variant="b") with
                          scipy's default method ("auto": exact for n <= 33 without ties, else
                          asymptotic) and with method="asymptotic"; plus special-function values
                          (betainc, betaincc, stdtr, ndtr, ndtri) for the distribution tests.
Undefined cases (n < 3, a constant column) are recorded with scipy's own output (NaN becomes
null; n = 2 gives r = +-1, p = 1) so the tests can show what Clientele reports instead.
"""
import json, math, os, sys, warnings
import numpy as np
import scipy
from scipy import special, stats

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
out = os.path.join(root, "Fixtures", "correlation")
os.makedirs(out, exist_ok=True)

X_NAMES = ["satisfaction", "recommend", "complaints", "constant"]
Y_NAMES = ["frequency", "tenure_days", "clv", "distinct"]


def generate(n, seed):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    sat = np.clip(np.round(3.2 + 1.1 * latent + rng.normal(0, 0.8, n)), 1, 5)
    rec = np.clip(np.round(7 + 2.0 * latent + rng.normal(0, 1.5, n)), 0, 10)
    comp = np.clip(rng.poisson(np.exp(-0.2 - 0.6 * latent)), 0, 4).astype(float)
    freq = 1 + rng.poisson(np.exp(1.2 + 0.35 * latent))
    tenure = np.floor(rng.uniform(10, 900, n) + 60 * latent).clip(1)
    clv = np.round(freq * rng.lognormal(3.5 + 0.2 * latent, 0.6), 2)
    const = np.full(n, 3.0)
    distinct = rng.permutation(n).astype(float) + 0.5 * latent  # no ties (almost surely)
    sat[rng.random(n) < 0.12] = np.nan
    rec[rng.random(n) < 0.20] = np.nan
    seg = rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
    seg[[5, 17]] = 3  # a segment with two customers: n < 3
    # a segment-1 subset of 30 rows without ties in x or y for the exact Kendall path lives in "distinct".
    return {"satisfaction": sat, "recommend": rec, "complaints": comp, "constant": const,
            "frequency": freq.astype(float), "tenure_days": tenure, "clv": clv, "distinct": distinct}, seg


def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def pair_stats(x, y):
    keep = ~np.isnan(x) & ~np.isnan(y)
    xs, ys = x[keep], y[keep]
    n = int(keep.sum())
    res = {"n": n}
    if n < 2:
        return res
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = stats.pearsonr(xs, ys)
        ci = p.confidence_interval(0.95)
        s = stats.spearmanr(xs, ys)
        k = stats.kendalltau(xs, ys)
        try:
            ka_p = stats.kendalltau(xs, ys, method="asymptotic").pvalue
        except ZeroDivisionError:  # n = 2: scipy divides by n - 2
            ka_p = float("nan")
    res.update({"pearson_r": num(p.statistic), "pearson_p": num(p.pvalue), "pearson_ci_low": num(ci.low),
                "pearson_ci_high": num(ci.high), "spearman_rho": num(s.statistic), "spearman_p": num(s.pvalue),
                "kendall_tau_b": num(k.statistic), "kendall_p": num(k.pvalue), "kendall_p_asymptotic": num(ka_p)})
    return res


def main():
    cols, seg = generate(400, seed=515)
    names = X_NAMES + Y_NAMES
    with open(os.path.join(out, "survey-400.csv"), "w") as f:
        f.write(",".join(names + ["segment"]) + "\n")
        for i in range(400):
            cells = ["" if np.isnan(cols[c][i]) else repr(float(cols[c][i])) for c in names]
            f.write(",".join(cells + [str(int(seg[i]))]) + "\n")
    data = {c: np.array(v) for c, v in cols.items()}
    groups = {"all": np.ones(400, dtype=bool)}
    for g in range(4):
        groups[f"segment-{g}"] = seg == g
    # Small exact-Kendall cases: the first 25 rows of (distinct, clv) and (distinct, tenure_days).
    pairs = []
    for gname, mask in groups.items():
        for xn in X_NAMES:
            for yn in Y_NAMES:
                pairs.append({"group": gname, "x": xn, "y": yn, **pair_stats(data[xn][mask], data[yn][mask])})
    exact = []
    for m in (5, 12, 25, 33, 34):
        for xn, yn in (("distinct", "clv"), ("distinct", "tenure_days")):
            x = data[xn][:m]; y = data[yn][:m]
            exact.append({"rows": m, "x": xn, "y": yn, **pair_stats(x, y)})
    # Perfect (anti-)monotone samples: tau = +-1, exact p = 2/n!.
    for m in (4, 10, 40):
        x = np.arange(m, dtype=float); y = -x ** 3
        exact.append({"rows": m, "x": "arange", "y": "minus_cube", **pair_stats(x, y)})

    grid_beta = []
    for a, b, x in [(0.5, 0.5, 0.3), (1.5, 1.5, 0.05), (9.0, 9.0, 0.2), (49.0, 49.0, 0.35), (199.0, 199.0, 0.4),
                    (2.0, 0.5, 0.9), (150.0, 0.5, 0.7), (0.5, 150.0, 0.001), (1000.0, 1000.0, 0.45), (3.0, 7.0, 0.999)]:
        grid_beta.append({"a": a, "b": b, "x": x, "betainc": float(special.betainc(a, b, x)),
                          "betaincc": float(special.betaincc(a, b, x))})
    grid_t = [{"df": df, "t": t, "stdtr": float(special.stdtr(df, t))}
              for df in (1.0, 2.5, 10.0, 98.0, 1000.0) for t in (-40.0, -6.0, -2.0, -0.3, 0.0, 0.7, 3.0)]
    grid_n = [{"x": x, "ndtr": float(special.ndtr(x))} for x in (-38.0, -12.0, -5.0, -1.0, -0.2, 0.0, 0.5, 2.0, 7.0)]
    grid_q = [{"p": p, "ndtri": float(special.ndtri(p))} for p in (1e-300, 1e-20, 1e-5, 0.02, 0.3, 0.5, 0.8, 0.975, 0.999999)]
    ref = {"generator": "Benchmarks/correlation/correlation_reference.py",
           "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
           "x": X_NAMES, "y": Y_NAMES, "pairs": pairs, "exact_kendall": exact,
           "special": {"beta": grid_beta, "stdtr": grid_t, "ndtr": grid_n, "ndtri": grid_q}}
    with open(os.path.join(out, "scipy_reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print("wrote", out, len(pairs), "pairs")


if __name__ == "__main__":
    main()
