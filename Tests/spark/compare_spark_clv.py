"""Spark check, predicted value: the CLV columns of the Spark run's customers.csv (every column after
historical_clv) and its clv_model.json against `clientele run`'s on the same file.

    compare_spark_clv.py SINGLE_REPORT SPARK_REPORT

Every number is the same computation as the single run's (the purchase models on the same
merged patterns, their holdout errors over the same pooled rows, Gamma-Gamma on the same rows in
the same order), so the check asks 1e-9 relative — the bar the issue sets — and reports whether
Gamma-Gamma is bit for bit and the largest relative difference of a holdout figure (0 expected).
Money cells are written to the cent: a value within 1e-9 on a half-cent boundary could be written
a cent apart; such cells are counted and must be under 0.1% of the cells.
"""

import csv
import json
import sys


LARGEST = [0.0]  # the largest relative difference seen


def close(a, b, tolerance=1e-9):
    if a is None or b is None:
        return a is None and b is None
    if a != b:
        LARGEST[0] = max(LARGEST[0], abs(a - b) / max(abs(a), abs(b)))
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def compare_customers(single_path, spark_path):
    single = list(csv.reader(open(single_path, encoding="utf-8", newline="")))
    spark = list(csv.reader(open(spark_path, encoding="utf-8", newline="")))
    columns = spark[0][12:]
    assert all(c in columns for c in ("p_alive", "predicted_clv", "value_quadrant")), f"no CLV columns under Spark: {spark[0]}"
    missing = [c for c in columns if c not in single[0]]
    assert not missing, f"columns the single run does not write: {missing}"
    at = [single[0].index(c) for c in columns]
    assert len(spark) == len(single), f"{len(spark) - 1} customers under Spark, {len(single) - 1} in the single run"
    cells = cents = 0
    for s, p in zip(single[1:], spark[1:]):
        assert s[0] == p[0], f"customer order differs: {s[0]} vs {p[0]}"
        for k, j in enumerate(at):
            a, b = s[j], p[12 + k]
            cells += 1
            if a == b:
                continue
            x, y = number(a), number(b)
            assert x is not None and y is not None, f"{p[0]} {columns[k]}: {a!r} vs {b!r}"
            if close(x, y):
                continue
            assert "." in a and len(a.split(".")[1]) == 2 and abs(x - y) <= 0.0100001, \
                f"{p[0]} {columns[k]}: {a} vs {b}"
            cents += 1
    assert cents <= cells // 1000, f"{cents} money cells a cent apart of {cells}"
    print(f"spark: customers.csv CLV columns ({', '.join(columns)}) equal the single run's for {len(spark) - 1} customers"
          f" ({cents} of {cells} cells a cent apart)")


def estimates(model):
    return [(e["name"], e.get("value"), e.get("standard_error")) for e in (model or {}).get("estimates", [])]


def compare_model(single_path, spark_path):
    single, spark = json.load(open(single_path)), json.load(open(spark_path))
    LARGEST[0] = 0.0
    for key in ["calibration_end", "as_of", "calibration_customers", "predicted_customers", "purchase_model"]:
        assert single.get(key) == spark.get(key), f"clv_model.json {key}: {single.get(key)} vs {spark.get(key)}"
    for key in ["chosen", "criterion", "requested"]:
        assert single["selection"][key] == spark["selection"][key], f"selection.{key}"
    assert len(single["models"]) == len(spark["models"])
    for s, p in zip(single["models"], spark["models"]):
        assert estimates(s) == estimates(p), f"{s['kind']}: {estimates(s)} vs {estimates(p)}"
        for key in ["log_likelihood", "aic", "bic"]:
            assert s.get(key) == p.get(key), f"{s['kind']} {key}"
        for key in ["holdout_error", "holdout_mean_absolute_error", "holdout_bucket_error"]:
            assert close(s.get(key), p.get(key)), f"{s['kind']} {key}: {s.get(key)} vs {p.get(key)}"
    sg, pg = estimates(single.get("gamma_gamma")), estimates(spark.get("gamma_gamma"))
    assert len(sg) == 3 and len(pg) == 3, "no Gamma-Gamma block"
    for (name, value, se), (_, v, e) in zip(sg, pg):
        assert close(value, v) and close(se, e), f"Gamma-Gamma {name}: {value} ± {se} vs {v} ± {e}"
    sh, ph = single.get("holdout") or {}, spark.get("holdout") or {}
    for key in ["customers", "actual_purchases", "predicted_purchases", "mean_absolute_error", "holdout_error", "bucket_error"]:
        assert close(sh.get(key), ph.get(key)), f"holdout.{key}: {sh.get(key)} vs {ph.get(key)}"
    # The parts added up over the partitions: the value matrix (thresholds exact, cells' customers
    # equal, sums to 1e-9) and the totals.
    sv, pv = single["value_matrix"], spark["value_matrix"]
    for key in ["current_threshold", "future_threshold"]:
        assert sv.get(key) == pv.get(key), f"value_matrix.{key}: {sv.get(key)} vs {pv.get(key)}"
    assert [(q["quadrant"], q["customers"]) for q in sv["quadrants"]] == [(q["quadrant"], q["customers"]) for q in pv["quadrants"]]
    for a, b in zip(sv["quadrants"], pv["quadrants"]):
        for key in ["current_value", "future_value", "revenue"]:
            assert close(a.get(key), b.get(key)), f"value_matrix {a['quadrant']} {key}"
    assert close(single.get("total_predicted_clv"), spark.get("total_predicted_clv")), "total_predicted_clv"
    assert sorted(single["intervals"]) == sorted(spark["intervals"]), ("intervals", single["intervals"], spark["intervals"])
    exact = "bit for bit" if sg == pg else "to 1e-9"
    print(f"spark: clv_model.json estimates, value matrix and totals equal the single run's ({spark['purchase_model']} chosen by "
          f"{spark['selection']['criterion']}; Gamma-Gamma p, q, gamma {exact}; largest relative difference "
          f"of a holdout figure {LARGEST[0]:.1e})")


def compare_distribution(single_path, spark_path, single_page, spark_page):
    """report.json's CLV distribution: the percentiles and bin edges exactly (the order
    statistics found by the radix passes), every bin's customers equal, the sums to 1e-9; and
    report.html draws it."""
    single = json.load(open(single_path))["clv_charts"]["distribution"]
    spark = json.load(open(spark_path))["clv_charts"]["distribution"]
    for key in ("customers", "median", "percentile90", "percentile99", "horizon_months", "monthly_discount_rate"):
        assert single[key] == spark[key], f"distribution.{key}: {spark[key]} vs {single[key]}"
    assert [(b["lower"], b["upper"], b["customers"]) for b in single["bins"]] == [(b["lower"], b["upper"], b["customers"]) for b in spark["bins"]], \
        "distribution: bins differ"
    for key in ("total", "mean"):
        assert close(single[key], spark[key]), f"distribution.{key}: {spark[key]} vs {single[key]}"
    for a, b in zip(single["bins"], spark["bins"]):
        assert close(a["predicted_clv"], b["predicted_clv"]), f"distribution bin {a}: {b}"
    page = open(spark_page, encoding="utf-8").read()
    assert '<section id="clv-distribution" class="report-section">' in page, "report.html: the CLV distribution is not drawn"
    print(f"spark: report.json's CLV distribution equals the single run's ({spark['customers']} customers, {len(spark['bins'])} bins; "
          f"median {spark['median']:.2f}, 99th percentile {spark['percentile99']:.2f} exactly)")


def compare_alive_matrix(single_path, spark_path):
    """report.json's P(alive) matrix: the same grid and customers per cell, each cell's mean to
    1e-12 relative (summed per pattern under Spark, per customer in the single run); and its
    tracking plot, bit for bit."""
    single = json.load(open(single_path))["clv_charts"]["alive_matrix"]
    spark = json.load(open(spark_path))["clv_charts"]["alive_matrix"]
    for key in ["model", "summary", "frequencies", "last_column_open", "recency_weeks_per_row", "rows", "customers"]:
        assert single[key] == spark[key], f"alive_matrix.{key}: {single[key]} vs {spark[key]}"
    worst = 0.0
    for a, b in zip(single["mean_probability_alive"], spark["mean_probability_alive"]):
        assert (a is None) == (b is None), f"alive_matrix: a cell empty in one run only ({a}, {b})"
        if a is not None:
            worst = max(worst, abs(a - b) / max(abs(a), 1e-300))
    assert worst <= 1e-12, f"alive_matrix: a cell's mean differs by {worst:.1e} relative"
    print(f"spark: report.json's P(alive) matrix equals the single run's ({sum(single['customers'])} customers in "
          f"{single['rows']} x {len(single['frequencies'])} cells; largest relative difference of a mean {worst:.1e})")
    single, spark = (json.load(open(path))["clv_charts"].get("tracking") for path in (single_path, spark_path))
    assert single is not None and single == spark, "report.json's tracking plot differs from the single run's"
    print(f"spark: report.json's tracking plot equals the single run's ({single['customers']} calibration customers, "
          f"{len(single['days'])} points, bit for bit)")


if __name__ == "__main__":
    single, spark = sys.argv[1], sys.argv[2]
    compare_customers(f"{single}/customers.csv", f"{spark}/customers.csv")
    compare_model(f"{single}/clv_model.json", f"{spark}/clv_model.json")
    compare_alive_matrix(f"{single}/report.json", f"{spark}/report.json")
    compare_distribution(f"{single}/report.json", f"{spark}/report.json", f"{single}/report.html", f"{spark}/report.html")
