#!/usr/bin/env python3
"""Peer timings for the churn benchmark: statsmodels and scikit-learn fit the same logistic model
as `churn-bench fit` on the same design matrix (Benchmarks/churn/bench_churn.sh runs both).

    bench_churn.py DESIGN.csv [--repeat 5]

Each timed fit starts from the raw training features in memory (the CSV is read once, untimed)
and includes what Clientele's `LogisticRegression.fit` includes: standardisation with the
training mean and population SD, the fit, and the standard errors where the tool gives them.

- statsmodels: `Logit(y, [1, Z]).fit(method="newton")` (defaults: tol 1e-8, maxiter 35) and
  `.bse` (inverse Hessian);
- scikit-learn: `LogisticRegression(penalty=None, solver="lbfgs", max_iter=1000)` (default
  tol 1e-4), no standard errors.

Prints one JSON object: wall and CPU seconds per repeat, coefficients, test AUC, versions.
"""
import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
import threadpoolctl
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

FEATURES = ["recency_days", "frequency", "monetary", "tenure_days", "complaints", "mean_satisfaction"]


def standardise(x):
    means = x.mean(axis=0)
    sds = x.std(axis=0, ddof=0)
    return means, sds, (x - means) / sds


def fit_statsmodels(x, y):
    means, sds, z = standardise(x)
    result = sm.Logit(y, sm.add_constant(z, has_constant="add")).fit(method="newton", disp=False)
    bse = np.asarray(result.bse)
    return means, sds, np.asarray(result.params), bse, int(result.mle_retvals["iterations"])


def fit_sklearn(x, y):
    means, sds, z = standardise(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None, solver="lbfgs", max_iter=1000).fit(z, y)
    return means, sds, np.concatenate([model.intercept_, model.coef_[0]]), None, int(model.n_iter_[0])


def timed(function, x, y, repeat):
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = function(x, y)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return walls, cpus, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("design")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    df = pd.read_csv(args.design, dtype={"customer_id": str, "split": str})
    train, test = df[df["split"] == "train"], df[df["split"] == "test"]
    x = train[FEATURES].to_numpy(dtype=np.float64)
    y = train["churned"].to_numpy(dtype=np.float64)
    x_test = test[FEATURES].to_numpy(dtype=np.float64)
    y_test = test["churned"].to_numpy(dtype=np.int64)

    report = {
        "rows": int(len(df)), "train_rows": int(len(train)), "test_rows": int(len(test)),
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                     "pandas": pd.__version__, "statsmodels": statsmodels.__version__,
                     "scikit-learn": sklearn.__version__},
        "blas": [{k: info.get(k) for k in ("internal_api", "version", "num_threads")}
                 for info in threadpoolctl.threadpool_info()],
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
    }
    for name, function in (("statsmodels", fit_statsmodels), ("sklearn", fit_sklearn)):
        walls, cpus, (means, sds, coef, bse, iterations) = timed(function, x, y, args.repeat)
        eta = coef[0] + ((x_test - means) / sds) @ coef[1:]
        p = 1 / (1 + np.exp(-eta))
        report[name] = {
            "fit_seconds": walls, "fit_cpu_seconds": cpus, "iterations": iterations,
            "coefficients": coef.tolist(), "standard_errors": None if bse is None else bse.tolist(),
            "auc": float(roc_auc_score(y_test, p)), "log_loss": float(log_loss(y_test, p)),
            "brier": float(brier_score_loss(y_test, p)),
        }
        print(f"bench_churn.py: {name} fit median {np.median(walls):.3f} s", file=sys.stderr)
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
