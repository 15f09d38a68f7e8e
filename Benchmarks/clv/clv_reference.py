#!/usr/bin/env python3
"""Reference values for Clientele's CLV kernels, computed by lifetimes 0.11.3.

Run it in the venv Benchmarks/clv/.venv (pinned lifetimes, numpy, scipy, pandas, autograd):

    PY=$(Benchmarks/setup-venv.sh Benchmarks/clv/.venv Benchmarks/clv/requirements-lifetimes.txt --only-binary=numpy,scipy,pandas | tail -n 1)
    $PY Benchmarks/clv/clv_reference.py fixture TRANSACTIONS.csv PARAMETERS.json Fixtures/clv
    $PY Benchmarks/clv/clv_reference.py bench SUMMARY.csv OUT.json [--pareto-patterns] [--pareto-cap SECONDS]
    $PY Benchmarks/clv/clv_reference.py pareto-scaling SUMMARY.csv OUT.json N...

`fixture` computes the calibration summary of docs/definitions.md from a transactions
file independently of the Swift code (pandas, integer cents), writes it as
Fixtures/clv/summary.csv, runs lifetimes' BetaGeoFitter and GammaGammaFitter on it and writes
every value the Swift tests compare with to Fixtures/clv/lifetimes_reference.json.
`bench` fits BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter and GammaGammaFitter on a
summary CSV written by the Swift benchmark, predicts with each purchase model and records wall
times, estimates and checksums; with --pareto-patterns ParetoNBDFitter is given the distinct
(frequency, recency, T) patterns with `weights=` (the same likelihood) instead of the customers;
with --pareto-cap the ParetoNBDFitter fit runs in a child process that is stopped after SECONDS:
then its time is recorded as "at least SECONDS" (`finished: false`) and it makes no predictions.
`pareto-scaling` times ParetoNBDFitter.fit on random subsets of N customers (both ways).

Units: Clientele works in weeks. lifetimes is given recency and T in weeks (days / 7); it
rescales time internally (1 / max T) and reports alpha in weeks, as Clientele does. Its stored
`_negative_log_likelihood_` is minus the MEAN log-likelihood on the scaled time, so the
log-likelihood compared here is lifetimes' own `_negative_log_likelihood` function evaluated on
the weeks data and multiplied by -sum(weights): the per-customer sum in weeks.
"""
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def versions():
    import autograd
    import lifetimes
    import scipy
    try:
        from importlib.metadata import version
        autograd_version = version("autograd")
    except Exception:  # pragma: no cover
        autograd_version = getattr(autograd, "__version__", "unknown")
    return {
        "python": platform.python_version(),
        "lifetimes": lifetimes.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "autograd": autograd_version,
    }


def to_cents(text):
    """Decimal text to integer cents, without floats."""
    s = text.strip()
    neg = s.startswith("-")
    if neg or s.startswith("+"):
        s = s[1:]
    whole, _, frac = s.partition(".")
    frac = (frac + "00")[:2]
    value = int(whole or "0") * 100 + int(frac)
    return -value if neg else value


def summarize(transactions, calibration_end, as_of):
    """the calibration summary of docs/definitions.md, one row per customer with an order <= E."""
    lines = pd.read_csv(transactions, dtype=str, keep_default_na=False)
    lines["day"] = pd.to_datetime(lines["order_date"].str.slice(0, 10)).values.astype("datetime64[D]").astype(np.int64)
    lines["cents"] = lines["amount"].map(to_cents)
    orders = lines.groupby(["customer_id", "order_id"], sort=False).agg(
        first_day=("day", "min"), last_day=("day", "max"), cents=("cents", "sum"), lines=("cents", "size")
    ).reset_index()
    end = int(np.datetime64(calibration_end, "D").astype(np.int64))
    cutoff = int(np.datetime64(as_of, "D").astype(np.int64))
    orders = orders[orders["first_day"] < cutoff]
    # Within a customer, orders in (day, last day, value, lines) order: the first is the earliest;
    # ties on the same day go to the smaller last day, then the smaller value (Clientele's OrderTable).
    orders = orders.sort_values(["customer_id", "first_day", "last_day", "cents", "lines"], kind="mergesort")
    cal = orders[orders["first_day"] <= end]
    hold = orders[orders["first_day"] > end].groupby("customer_id").size()
    g = cal.groupby("customer_id", sort=True)
    first = g["first_day"].min()
    last = g["first_day"].max()
    count = g.size()
    total = g["cents"].sum()
    first_cents = g["cents"].first()
    out = pd.DataFrame({
        "frequency": count - 1,
        "recency_days": last - first,
        "T_days": end - first,
        "repeat_cents": total - first_cents,
    })
    out["holdout_purchases"] = hold.reindex(out.index).fillna(0).astype(int)
    out.index.name = "customer_id"
    return out.reset_index()


def lifetimes_inputs(summary):
    x = summary["frequency"].to_numpy().astype(int)
    t = summary["recency_days"].to_numpy() / 7.0
    T = summary["T_days"].to_numpy() / 7.0
    spend = np.where(x > 0, summary["repeat_cents"].to_numpy() / 100.0 / np.maximum(x, 1), 0.0)
    return x, t, T, spend


def bgnbd_loglik(params, x, t, T):
    from lifetimes import BetaGeoFitter
    w = np.ones_like(t, dtype=int)
    nll = BetaGeoFitter._negative_log_likelihood(np.log(np.array(params, dtype=float)), x, t, T, w, 0.0)
    return float(-nll * w.sum())


def gg_loglik(params, x, m):
    from lifetimes import GammaGammaFitter
    w = np.ones_like(m, dtype=int)
    nll = GammaGammaFitter._negative_log_likelihood(np.log(np.array(params, dtype=float)), x.astype(float), m, w, 0.0)
    return float(-nll * w.sum())


def bgf_with(params):
    from lifetimes import BetaGeoFitter
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series(list(params), index=["r", "alpha", "a", "b"])
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time
    return bgf


def ggf_with(params):
    from lifetimes import GammaGammaFitter
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series(list(params), index=["p", "q", "v"])
    return ggf


def predictions(params, x, t, T, times):
    bgf = bgf_with(params)
    return {
        "p_alive": [float(v) for v in bgf.conditional_probability_alive(x, t, T)],
        "conditional_expected_purchases": {
            str(h): [float(v) for v in bgf.conditional_expected_number_of_purchases_up_to_time(h, x, t, T)]
            for h in times
        },
        "expected_purchases": {str(h): float(bgf.expected_number_of_purchases_up_to_time(h)) for h in times},
    }


def clv(bg_params, gg_params, x, t_days, T_days, spend, months, rate):
    """lifetimes' customer_lifetime_value in the two month conventions Clientele can follow."""
    index = pd.RangeIndex(len(x))
    xs = pd.Series(x, index=index)
    ggf = ggf_with(gg_params)
    # Customers without positive repeat spend get the population mean order value (Clientele's
    # rule); lifetimes' shrinkage gives exactly that when their monetary value is that mean.
    p, q, v = gg_params
    ms = pd.Series(np.where((x > 0) & (spend > 0), spend, v * p / (q - 1)), index=index)
    r, alpha, a, b = bg_params
    # freq="D": data in days, one month = 30 days; the model's alpha in days = 7 * alpha in weeks.
    days = ggf.customer_lifetime_value(bgf_with([r, alpha * 7, a, b]), xs, pd.Series(t_days, index=index),
                                       pd.Series(T_days, index=index), ms, time=months, discount_rate=rate, freq="D")
    # freq="W": data in weeks, one month = 4.345 weeks.
    weeks = ggf.customer_lifetime_value(bgf_with(bg_params), xs, pd.Series(t_days / 7.0, index=index),
                                        pd.Series(T_days / 7.0, index=index), ms, time=months, discount_rate=rate, freq="W")
    return [float(v) for v in days], [float(v) for v in weeks]


def fit_both(x, t, T, spend):
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    started = time.perf_counter()
    bgf = BetaGeoFitter(penalizer_coef=0.0).fit(x, t, T)
    bg_seconds = time.perf_counter() - started
    mask = (x > 0) & (spend > 0)
    started = time.perf_counter()
    ggf = GammaGammaFitter(penalizer_coef=0.0).fit(x[mask], spend[mask])
    gg_seconds = time.perf_counter() - started
    return bgf, ggf, mask, bg_seconds, gg_seconds


def fixture(transactions, parameters_path, out_dir):
    parameters = json.loads(Path(parameters_path).read_text())
    E, as_of = parameters["calibration_end"], parameters["as_of"]
    summary = summarize(transactions, E, as_of)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary.to_csv(out_dir / "summary.csv", index=False)
    x, t, T, spend = lifetimes_inputs(summary)
    holdout_weeks = (int(np.datetime64(as_of, "D").astype(np.int64)) - 1 - int(np.datetime64(E, "D").astype(np.int64))) / 7.0

    bgf, ggf, mask, _, _ = fit_both(x, t, T, spend)
    fitted_bg = [float(bgf.params_[k]) for k in ["r", "alpha", "a", "b"]]
    fitted_gg = [float(ggf.params_[k]) for k in ["p", "q", "v"]]
    true_bg = [parameters["bgnbd"][k] for k in ["r", "alpha", "a", "b"]]
    true_gg = [parameters["gamma_gamma"][k] for k in ["p", "q", "gamma"]]
    other_bg = [0.24, 4.41, 0.79, 2.43]  # FHL 2005's CDNOW estimates: a distant point
    times = [1.0, 26.0, holdout_weeks, 52.0, 104.0]
    ggp = ggf_with(fitted_gg)
    clv_days, clv_weeks = clv(fitted_bg, fitted_gg, x, summary["recency_days"].to_numpy().astype(float),
                              summary["T_days"].to_numpy().astype(float), spend, 12, 0.01)
    reference = {
        "generated_by": "Benchmarks/clv/clv_reference.py fixture",
        "versions": versions(),
        "source": {"generator": "clientele generate", "customers": parameters["customers"], "seed": parameters["seed"],
                   "calibration_end": E, "as_of": as_of, "holdout_weeks": holdout_weeks},
        "customers": int(len(x)),
        "bgnbd": {
            "log_likelihood_at": [
                {"parameters": p, "log_likelihood": bgnbd_loglik(p, x, t, T)} for p in (true_bg, other_bg, fitted_bg)
            ],
            "fitted": {
                "parameters": fitted_bg,
                "standard_errors": [float(v) for v in bgf.standard_errors_[["r", "alpha", "a", "b"]]],
                "lifetimes_negative_log_likelihood_scaled_mean": float(bgf._negative_log_likelihood_),
                "log_likelihood": bgnbd_loglik(fitted_bg, x, t, T),
            },
            "times": times,
            "at_generating": predictions(true_bg, x, t, T, times),
            "at_fitted": predictions(fitted_bg, x, t, T, times),
        },
        "gamma_gamma": {
            "customers": int(mask.sum()),
            "log_likelihood_at": [
                {"parameters": p, "log_likelihood": gg_loglik(p, x[mask], spend[mask])} for p in (true_gg, fitted_gg)
            ],
            "fitted": {
                "parameters": fitted_gg,
                "standard_errors": [float(v) for v in ggf.standard_errors_[["p", "q", "v"]]],
                "log_likelihood": gg_loglik(fitted_gg, x[mask], spend[mask]),
            },
            "conditional_expected_average_profit": [
                float(v) for v in ggp.conditional_expected_average_profit(pd.Series(np.where(mask, x, 0)), pd.Series(np.where(mask, spend, 0.0)))
            ],
            "frequency_spend_pearson": float(np.corrcoef(x[mask], spend[mask])[0, 1]),
        },
        "clv": {
            "months": 12, "monthly_discount_rate": 0.01,
            "note": "lifetimes GammaGammaFitter.customer_lifetime_value at the fitted parameters; "
                    "customers without positive repeat spend are given the population mean order value as monetary value",
            "days_30_per_month": clv_days,
            "weeks_4_345_per_month": clv_weeks,
        },
    }
    (out_dir / "lifetimes_reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {out_dir}/summary.csv ({len(x)} customers) and lifetimes_reference.json; "
          f"BG/NBD {fitted_bg}, Gamma-Gamma {fitted_gg}")


def compress(x, t, T):
    """Distinct (frequency, recency, T) patterns and their customer counts (lifetimes' `weights`)."""
    keys = pd.DataFrame({"x": x, "t": t, "T": T})
    grouped = keys.groupby(["x", "t", "T"], sort=False).size().reset_index(name="w")
    return grouped["x"].to_numpy(), grouped["t"].to_numpy(), grouped["T"].to_numpy(), grouped["w"].to_numpy()


def fit_pareto(x, t, T, patterns):
    """lifetimes' ParetoNBDFitter on the customers, or on their distinct (x, t_x, T) patterns with
    `weights=` (the same likelihood: each pattern's log-likelihood times its customers; lifetimes
    divides the weighted sum by the mean weight, a positive constant). lifetimes starts
    Nelder-Mead from N(1, 0.05) draws of numpy's global generator: seeded here, so a run repeats."""
    from lifetimes import ParetoNBDFitter
    np.random.seed(20201)
    started = time.perf_counter()
    if patterns:
        px, pt, pT, w = compress(x, t, T)
        fitted = ParetoNBDFitter(penalizer_coef=0.0).fit(px, pt, pT, weights=w)
        rows = len(px)
    else:
        fitted = ParetoNBDFitter(penalizer_coef=0.0).fit(x, t, T)
        rows = len(x)
    return fitted, time.perf_counter() - started, rows


def fit_pareto_capped(x, t, T, patterns, cap):
    """`fit_pareto` in a forked child stopped after `cap` seconds. Returns (fitted or None, wall
    seconds, rows, child CPU seconds); None when the fit had not finished when it was stopped."""
    import multiprocessing
    import os
    import resource
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child():
        fitted, seconds, rows = fit_pareto(x, t, T, patterns)
        queue.put(({k: float(fitted.params_[k]) for k in ["r", "alpha", "s", "beta"]}, seconds, rows))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = context.Process(target=child)
    process.start()
    process.join(cap)
    if process.is_alive():
        process.terminate()
        process.join()
        finished = None
    else:
        finished = queue.get()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rows = len(compress(x, t, T)[0]) if patterns else len(x)
    if finished is None:
        return None, wall, rows, cpu
    from lifetimes import ParetoNBDFitter
    fitted = ParetoNBDFitter(penalizer_coef=0.0)
    fitted.params_ = pd.Series(finished[0])
    return fitted, finished[1], finished[2], cpu


def in_days(model, names):
    """A copy of a fitted purchase model with its time-scale parameters in days (× 7), so that
    `customer_lifetime_value(freq="D")` counts a month as 30 days, as Clientele does."""
    copy = type(model)()
    copy.params_ = pd.Series([float(model.params_[k]) * (7.0 if k in ("alpha", "beta") else 1.0) for k in names], index=names)
    copy.predict = copy.conditional_expected_number_of_purchases_up_to_time
    return copy


MODELS = {"bgnbd": ("BetaGeoFitter", ["r", "alpha", "a", "b"]),
          "mbgnbd": ("ModifiedBetaGeoFitter", ["r", "alpha", "a", "b"]),
          "paretonbd": ("ParetoNBDFitter", ["r", "alpha", "s", "beta"])}


def bench(summary_csv, out_json, pareto_patterns=False, pareto_cap=None):
    """Fits BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma with lifetimes on the summary, predicts
    P(alive), expected purchases over 12 months (360 days) and 12-month CLV with each purchase
    model for every customer, and records each step's wall time, the estimates and checksums."""
    import lifetimes
    started = time.perf_counter()
    summary = pd.read_csv(summary_csv)
    read_seconds = time.perf_counter() - started
    x, t, T, spend = lifetimes_inputs(summary)
    seconds = {"read_summary": read_seconds}
    cpu = {}
    fitted, rows = {}, {}
    for key in ("bgnbd", "mbgnbd"):
        started, cpu_started = time.perf_counter(), time.process_time()
        fitted[key] = getattr(lifetimes, MODELS[key][0])(penalizer_coef=0.0).fit(x, t, T)
        seconds["fit_" + key] = time.perf_counter() - started
        cpu["fit_" + key] = time.process_time() - cpu_started
        rows[key] = len(x)
        print(f"lifetimes {MODELS[key][0]}: {seconds['fit_' + key]:.2f} s", file=sys.stderr, flush=True)
    mask = (x > 0) & (spend > 0)
    started, cpu_started = time.perf_counter(), time.process_time()
    ggf = lifetimes.GammaGammaFitter(penalizer_coef=0.0).fit(x[mask], spend[mask])
    seconds["gamma_gamma_fit"] = time.perf_counter() - started
    cpu["gamma_gamma_fit"] = time.process_time() - cpu_started
    p, q, v = (ggf.params_[k] for k in ["p", "q", "v"])
    index = pd.RangeIndex(len(x))
    xs = pd.Series(x, index=index)
    t_days = pd.Series(summary["recency_days"].to_numpy().astype(float), index=index)
    T_days = pd.Series(summary["T_days"].to_numpy().astype(float), index=index)
    monetary = pd.Series(np.where(mask, spend, v * p / (q - 1)), index=index)
    horizon = 12 * 30 / 7.0
    models = {}
    for key, (name, names) in MODELS.items():
        if key == "paretonbd":
            # Last, after every timed step of the other models: a capped fit's time is its cap
            # whatever else runs meanwhile, so the machine may be busy again from here on.
            if pareto_cap is None:
                cpu_started = time.process_time()
                fitted["paretonbd"], seconds["fit_paretonbd"], rows["paretonbd"] = fit_pareto(x, t, T, pareto_patterns)
                cpu["fit_paretonbd"] = time.process_time() - cpu_started
            else:
                fitted["paretonbd"], seconds["fit_paretonbd"], rows["paretonbd"], cpu["fit_paretonbd"] = \
                    fit_pareto_capped(x, t, T, pareto_patterns, pareto_cap)
            status = "" if fitted["paretonbd"] is not None else f" (stopped unfinished after {pareto_cap:.0f} s)"
            print(f"lifetimes ParetoNBDFitter ({rows['paretonbd']} rows): {seconds['fit_paretonbd']:.2f} s{status}", file=sys.stderr, flush=True)
        model = fitted[key]
        if model is None:  # the capped ParetoNBDFitter that did not finish: nothing to predict with
            models[key] = {"fitter": name, "rows_fitted": rows[key], "finished": False, "cap_seconds": pareto_cap}
            continue
        started, cpu_started = time.perf_counter(), time.process_time()
        p_alive = model.conditional_probability_alive(x, t, T)
        expected = model.conditional_expected_number_of_purchases_up_to_time(horizon, x, t, T)
        value = ggf.customer_lifetime_value(in_days(model, names), xs, t_days, T_days, monetary,
                                            time=12, discount_rate=0.01, freq="D")
        seconds["predictions_" + key] = time.perf_counter() - started
        cpu["predictions_" + key] = time.process_time() - cpu_started
        print(f"lifetimes {name} predictions: {seconds['predictions_' + key]:.2f} s", file=sys.stderr, flush=True)
        try:
            errors = {k: float(model.standard_errors_[k]) for k in names}
        except Exception:  # ParetoNBDFitter computes no Hessian, hence no standard errors
            errors = None
        models[key] = {
            "fitter": name, "rows_fitted": rows[key], "finished": True,
            "estimates": {k: float(model.params_[k]) for k in names},
            "standard_errors": errors,
            "checksums": {"p_alive_sum": float(np.nansum(p_alive)), "expected_purchases_sum": float(np.nansum(expected)),
                          "clv_sum": float(np.nansum(value)),
                          "nan": int(np.isnan(p_alive).sum() + np.isnan(expected).sum() + np.isnan(np.asarray(value)).sum())},
        }
    for times in (seconds, cpu):
        times["fits_and_predictions"] = times["gamma_gamma_fit"] + sum(times["fit_" + k] + times.get("predictions_" + k, 0.0) for k in MODELS)
    result = {
        "versions": versions(),
        "customers": int(len(x)),
        "pareto_patterns": bool(pareto_patterns),
        "pareto_cap_seconds": pareto_cap,
        # False when the capped Pareto fit was stopped: the totals are then lower bounds
        "complete": all(m.get("finished", True) for m in models.values()),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "models": models,
        "bgnbd": models["bgnbd"]["estimates"], "bgnbd_se": models["bgnbd"]["standard_errors"],
        "gamma_gamma": {k: float(ggf.params_[k]) for k in ["p", "q", "v"]},
        "gamma_gamma_se": {k: float(ggf.standard_errors_[k]) for k in ["p", "q", "v"]},
    }
    Path(out_json).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result["seconds"]))


def pareto_scaling(summary_csv, out_json, sizes):
    """Times lifetimes' ParetoNBDFitter.fit on random subsets of the summary (fixed seed), once on
    the customers and once on their distinct patterns with `weights=`: how its time grows with n."""
    summary = pd.read_csv(summary_csv)
    x, t, T, _ = lifetimes_inputs(summary)
    rng = np.random.default_rng(7)
    runs = []
    for n in sizes:
        pick = np.sort(rng.choice(len(x), size=min(n, len(x)), replace=False))
        for patterns in (False, True):
            cpu_started = time.process_time()
            model, seconds, rows = fit_pareto(x[pick], t[pick], T[pick], patterns)
            runs.append({"customers": int(len(pick)), "patterns": patterns, "rows_fitted": rows, "seconds": seconds,
                         "cpu_seconds": time.process_time() - cpu_started,
                         "estimates": {k: float(model.params_[k]) for k in ["r", "alpha", "s", "beta"]}})
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    Path(out_json).write_text(json.dumps({"versions": versions(), "runs": runs}, indent=1) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "fixture":
        fixture(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] == "bench":
        options = sys.argv[4:]
        cap = None
        if "--pareto-cap" in options:
            at = options.index("--pareto-cap")
            cap = float(options[at + 1])
            del options[at:at + 2]
        if options not in ([], ["--pareto-patterns"]):
            sys.exit(__doc__)
        bench(sys.argv[2], sys.argv[3], pareto_patterns=bool(options), pareto_cap=cap)
    elif len(sys.argv) >= 5 and sys.argv[1] == "pareto-scaling":
        pareto_scaling(sys.argv[2], sys.argv[3], [int(n) for n in sys.argv[4:]])
    else:
        sys.exit(__doc__)
