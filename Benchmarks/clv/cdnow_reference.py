#!/usr/bin/env python3
"""Reference values for Clientele's Pareto/NBD and MBG/NBD kernels on the CDNOW sample, by lifetimes 0.11.3.

Run it in the venv Benchmarks/clv/.venv (Benchmarks/clv/requirements-lifetimes.txt):

    PY=$(Benchmarks/setup-venv.sh Benchmarks/clv/.venv Benchmarks/clv/requirements-lifetimes.txt --only-binary=numpy,scipy,pandas | tail -n 1)
    $PY Benchmarks/clv/cdnow_reference.py Fixtures/clv/cdnow_reference.json

Data: CDNOW_sample.txt from the lifetimes wheel (lifetimes/datasets/; 2,357 customers of the
1997 cohort, 6,919 transactions). Two calibration summaries, calibration through 1997-09-30,
observation through 1998-06-30:
- `weeks`: lifetimes' `calibration_and_holdout_data(..., freq="W")` (whole weeks): the summary of
  the acceptance tests; the fitters run on it.
- `days`: the same with freq="D", then divided by 7 (weeks with fractions, as Fader & Hardie's
  CDNOW spreadsheets): the summary for the published estimates.

Fits: `ParetoNBDFitter` twice, lifetimes' defaults (Nelder-Mead, tol 1e-4, random start; seeded
here) and tightened (Nelder-Mead from the default fit, tol 1e-12, maxiter 20000) so that its
estimates are the likelihood's maximum to many digits; `ModifiedBetaGeoFitter` with its defaults
(BFGS on autograd gradients, tol 1e-7). Log-likelihoods are the per-customer sums in weeks:
for Pareto/NBD lifetimes' `_negative_log_likelihood` on the weeks data with unit weights is
already -sum (it divides by mean(weights) = 1); for MBG/NBD it is the mean, times -n.
Predictions are lifetimes' own methods at its fitted parameters.
"""
import json
import platform
import sys
from importlib.metadata import version

import numpy as np
import pandas as pd
import lifetimes
from lifetimes import ParetoNBDFitter, ModifiedBetaGeoFitter
from lifetimes.utils import calibration_and_holdout_data

HORIZONS = [1.0, 10.0, 39.0, 52.0]
NO_PURCHASE = [4.0, 13.0, 26.0]
UNCONDITIONAL = [1.0, 13.0, 39.0, 78.0]


def load():
    path = lifetimes.__path__[0] + "/datasets/CDNOW_sample.txt"
    df = pd.read_csv(path, header=None, sep=r"\s+", names=["customer_id", "customer_index", "date", "quantity", "amount"],
                     dtype={"customer_id": str, "date": str})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def summary(df, freq):
    s = calibration_and_holdout_data(df, "customer_id", "date", calibration_period_end="1997-09-30",
                                     observation_period_end="1998-06-30", freq=freq)
    scale = 7.0 if freq == "D" else 1.0
    return {
        "customer_id": list(s.index.astype(str)),
        "frequency": [int(v) for v in s["frequency_cal"]],
        "recency": [float(v) / scale for v in s["recency_cal"]],
        "T": [float(v) / scale for v in s["T_cal"]],
        "frequency_holdout": [int(v) for v in s["frequency_holdout"]],
        "duration_holdout": float(s["duration_holdout"].iloc[0]) / scale,
    }


def floats(a):
    return [float(v) for v in np.atleast_1d(a)]


def pareto(s, seed):
    x, t, T = np.array(s["frequency"]), np.array(s["recency"]), np.array(s["T"])
    ones = np.ones(len(x))
    np.random.seed(seed)
    default = ParetoNBDFitter().fit(x, t, T)
    d = default.params_[["r", "alpha", "s", "beta"]].values
    sc = default._scale
    tight = ParetoNBDFitter().fit(x, t, T, tol=1e-12, maxiter=20000,
                                  initial_params=np.array([d[0], d[1] * sc, d[2], d[3] * sc]))
    out = {}
    for name, f in (("default", default), ("tight", tight)):
        p = f.params_[["r", "alpha", "s", "beta"]].values
        ll = -ParetoNBDFitter._negative_log_likelihood(p, x, t, T, ones, 0.0)
        entry = {"parameters": floats(p), "log_likelihood": float(ll)}
        if name == "tight":
            entry["p_alive"] = floats(f.conditional_probability_alive(x, t, T))
            entry["conditional_expected"] = {str(h): floats(f.conditional_expected_number_of_purchases_up_to_time(h, x, t, T))
                                             for h in HORIZONS}
            entry["p_no_purchase"] = {str(h): floats(f.conditional_probability_of_n_purchases_up_to_time(0, h, x, t, T))
                                      for h in NO_PURCHASE}
            entry["expected"] = {str(h): float(f.expected_number_of_purchases_up_to_time(h)) for h in UNCONDITIONAL}
        out[name] = entry
    return out


def mbg(s):
    x, t, T = np.array(s["frequency"]), np.array(s["recency"]), np.array(s["T"])
    ones = np.ones(len(x))
    f = ModifiedBetaGeoFitter().fit(x, t, T)
    p = f.params_[["r", "alpha", "a", "b"]].values
    ll = -ModifiedBetaGeoFitter._negative_log_likelihood(np.log(p), x, t, T, ones, 0.0) * len(x)
    return {
        "parameters": floats(p),
        "standard_errors": floats(f.standard_errors_[["r", "alpha", "a", "b"]].values),
        "log_likelihood": float(ll),
        "p_alive": floats(f.conditional_probability_alive(x, t, T)),
        "conditional_expected": {str(h): floats(f.conditional_expected_number_of_purchases_up_to_time(h, x, t, T))
                                 for h in HORIZONS},
        "expected": {str(h): float(f.expected_number_of_purchases_up_to_time(h)) for h in UNCONDITIONAL},
    }


def main():
    out_path = sys.argv[1]
    df = load()
    weeks, days = summary(df, "W"), summary(df, "D")
    result = {
        "versions": {"python": platform.python_version(), "lifetimes": lifetimes.__version__,
                     "numpy": np.__version__, "scipy": version("scipy"), "pandas": pd.__version__},
        "source": "lifetimes/datasets/CDNOW_sample.txt; calibration through 1997-09-30, observation through 1998-06-30",
        "summary_weeks": weeks,
        "summary_days_over_7": {k: v for k, v in days.items() if k in ("frequency", "recency", "T")},
        "pareto_nbd": pareto(weeks, seed=20250101),
        "mbg_nbd": mbg(weeks),
        "pareto_nbd_days_over_7": pareto(days, seed=20250101)["tight"] | {},
        "mbg_nbd_days_over_7": {k: v for k, v in mbg(days).items() if k in ("parameters", "log_likelihood", "standard_errors")},
        "horizons": HORIZONS, "no_purchase_horizons": NO_PURCHASE, "unconditional_horizons": UNCONDITIONAL,
    }
    for k in ("p_alive", "conditional_expected", "p_no_purchase", "expected"):
        result["pareto_nbd_days_over_7"].pop(k, None)
    with open(out_path, "w") as fh:
        json.dump(result, fh, indent=1)
        fh.write("\n")
    print("pareto weeks:", result["pareto_nbd"]["default"]["parameters"], result["pareto_nbd"]["tight"]["parameters"],
          result["pareto_nbd"]["tight"]["log_likelihood"])
    print("pareto days/7:", result["pareto_nbd_days_over_7"])
    print("mbg weeks:", result["mbg_nbd"]["parameters"], result["mbg_nbd"]["log_likelihood"])
    print("mbg days/7:", result["mbg_nbd_days_over_7"])


if __name__ == "__main__":
    main()
