#!/usr/bin/env python3
"""Independent reference for Clientele's churn model: statsmodels and scikit-learn on the
committed design matrix Fixtures/churn/design.csv, written to Fixtures/churn/reference.json.

    Benchmarks/setup-venv.sh Benchmarks/churn/.venv Benchmarks/churn/requirements.txt --only-binary=:all: --no-deps
    Benchmarks/churn/.venv/bin/python Benchmarks/churn/churn_reference.py

The design matrix holds one labelled customer a row: its split side (train/test), the churn label
and the default features in raw units (recency_days, frequency, monetary, tenure_days,
complaints, mean_satisfaction), plus a `probe` score with heavy ties and exact 0/1 values.

What is computed (the Swift tests compare each number):
- standardisation: training rows' mean and population standard deviation (numpy, ddof=0);
- statsmodels `Logit(y, [1, Z]).fit(method="newton", tol=1e-12)` on the standardised training
  rows: params, bse, z, p-values, 95 % intervals, llf, llnull, McFadden pseudo-R², AIC, BIC;
- the same on raw features (params and bse per raw unit);
- the recency-only baseline (intercept + standardised recency);
- scikit-learn `roc_auc_score`, `log_loss`, `brier_score_loss` on the test rows, for the model's
  and the baseline's predicted probabilities and for the probe column;
- an L2-penalised fit: scikit-learn `LogisticRegression(C=1/lambda, solver="newton-cholesky")` on
  the standardised training rows (its penalty skips the intercept, like Clientele's).
"""
import hashlib
import json
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

ROOT = Path(__file__).resolve().parents[2]
DESIGN = ROOT / "Fixtures" / "churn" / "design.csv"
OUT = ROOT / "Fixtures" / "churn" / "reference.json"
FEATURES = ["recency_days", "frequency", "monetary", "tenure_days", "complaints", "mean_satisfaction"]
RIDGE_LAMBDA = 25.0


def logit_summary(result):
    ci = np.asarray(result.conf_int(alpha=0.05))
    n = float(result.nobs)
    n1 = float(result.model.endog.sum())
    return {
        "params": result.params.tolist(),
        "bse": result.bse.tolist(),
        "z": result.tvalues.tolist(),
        "p_values": result.pvalues.tolist(),
        "ci_low": ci[:, 0].tolist(),
        "ci_high": ci[:, 1].tolist(),
        "llf": float(result.llf),
        "llnull": float(result.llnull),
        # statsmodels fits the null model numerically; the closed form n1 log(ybar) + n0 log(1 - ybar):
        "llnull_closed_form": float(n1 * np.log(n1 / n) + (n - n1) * np.log((n - n1) / n)),
        "prsquared": float(result.prsquared),
        "aic": float(result.aic),
        "bic": float(result.bic),
        "iterations": int(result.mle_retvals["iterations"]),
        "converged": bool(result.mle_retvals["converged"]),
    }


def scores(y, p):
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "log_loss": float(log_loss(y, p)),
        "brier": float(brier_score_loss(y, p)),
    }


def main():
    raw = DESIGN.read_bytes()
    df = pd.read_csv(DESIGN, dtype={"customer_id": str, "split": str})
    train = df[df["split"] == "train"]
    test = df[df["split"] == "test"]
    x_train = train[FEATURES].to_numpy(dtype=np.float64)
    x_test = test[FEATURES].to_numpy(dtype=np.float64)
    y_train = train["churned"].to_numpy(dtype=np.float64)
    y_test = test["churned"].to_numpy(dtype=np.int64)

    means = x_train.mean(axis=0)
    sds = x_train.std(axis=0, ddof=0)
    z_train = sm.add_constant((x_train - means) / sds, has_constant="add")
    z_test = sm.add_constant((x_test - means) / sds, has_constant="add")

    model = sm.Logit(y_train, z_train).fit(method="newton", tol=1e-12, maxiter=100, disp=False)
    raw_model = sm.Logit(y_train, sm.add_constant(x_train, has_constant="add")).fit(
        method="newton", tol=1e-12, maxiter=100, disp=False)
    baseline = sm.Logit(y_train, z_train[:, :2]).fit(method="newton", tol=1e-12, maxiter=100, disp=False)

    p_model = model.predict(z_test)
    p_baseline = baseline.predict(z_test[:, :2])

    ridge = LogisticRegression(C=1 / RIDGE_LAMBDA, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    ridge.fit(z_train[:, 1:], y_train.astype(np.int64))

    out = {
        "generator": "Benchmarks/churn/churn_reference.py",
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "pandas": pd.__version__,
            "statsmodels": statsmodels.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "design": {
            "file": "Fixtures/churn/design.csv",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "rows": int(len(df)),
            "train_rows": int(len(train)),
            "test_rows": int(len(test)),
            "train_churners": int(y_train.sum()),
            "test_churners": int(y_test.sum()),
            "features": FEATURES,
        },
        "standardisation": {"means": means.tolist(), "sds": sds.tolist()},
        "logit": logit_summary(model),
        "logit_raw": {"params": raw_model.params.tolist(), "bse": raw_model.bse.tolist(),
                      "llf": float(raw_model.llf)},
        "baseline": logit_summary(baseline),
        "test": {
            "model": scores(y_test, p_model),
            "baseline": scores(y_test, p_baseline),
            "probe": scores(y_test, test["probe"].to_numpy(dtype=np.float64)),
        },
        "ridge": {
            "lambda": RIDGE_LAMBDA,
            "intercept": float(ridge.intercept_[0]),
            "coef": ridge.coef_[0].tolist(),
        },
    }
    OUT.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: logit iterations {out['logit']['iterations']}, "
          f"test AUC {out['test']['model']['roc_auc']:.6f} vs baseline {out['test']['baseline']['roc_auc']:.6f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
