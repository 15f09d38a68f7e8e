"""Spark check (issue 15, churn): the churn regression under scripts/spark-run against `clientele run`
on the same export and periods.

    python3 Tests/spark/compare_spark_churn.py SINGLE_REPORT SPARK_REPORT

- churn_model.csv: the same terms in order; every number (coefficient, standard error, z, p-value,
  interval, odds ratios) equal to 1e-9 relative (1e-12 absolute near 0);
- customers.csv's churn_probability (matched by customer_id; the single run may have columns Spark
  does not write yet): the same customers scored, equal to 1e-9 relative;
- churn_risk.csv: the same ranks, customers, predicted_clv and segments row by row, churn_probability
  to 1e-9 relative, value_at_risk to the cent (probability × value, written to cents);
- report.json's churn section (the model's summary, its evaluation on the test rows and the
  recency-only baseline's): every count equal (rows, churners, confusion cells, decile counts, the
  ROC chart's points), every other number to 1e-9 relative, the comparison with P(no purchase)
  included (the same customers in the disagreement table); the churn charts in report.html.
"""
import json
import sys

from spark_compare import close, records


def same_numbers(got, want, where):
    """Counts (ints, and ints inside lists) equal; other numbers to 1e-9 relative; the rest equal."""
    if isinstance(want, dict):
        assert set(got) == set(want), f"{where}: keys {sorted(set(got) ^ set(want))}"
        for key in want:
            same_numbers(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert len(got) == len(want), f"{where}: {len(got)} items vs {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            same_numbers(g, w, f"{where}[{i}]")
    elif isinstance(want, bool) or want is None or isinstance(want, str) or isinstance(want, int):
        assert got == want, f"{where}: {got!r} vs {want!r}"
    else:
        close(str(got), str(want), where)


def main(single, spark):
    model, expected = records(f"{spark}/churn_model.csv"), records(f"{single}/churn_model.csv")
    assert [r["term"] for r in model] == [r["term"] for r in expected], ([r["term"] for r in model], [r["term"] for r in expected])
    for got, want in zip(model, expected):
        for key, value in want.items():
            if key != "term":
                close(got[key], value, f"churn_model.csv {want['term']} {key}")

    probability = {r["customer_id"]: r["churn_probability"] for r in records(f"{spark}/customers.csv")}
    scored = 0
    for row in records(f"{single}/customers.csv"):
        got, want = probability.pop(row["customer_id"]), row["churn_probability"]
        assert (got == "") == (want == ""), f"{row['customer_id']}: churn_probability {got!r} vs {want!r}"
        if want:
            close(got, want, f"customers.csv {row['customer_id']} churn_probability")
            scored += 1
    assert not probability, f"customers only under Spark: {list(probability)[:3]}"

    risk, expected = records(f"{spark}/churn_risk.csv"), records(f"{single}/churn_risk.csv")
    assert len(risk) == len(expected) == scored, (len(risk), len(expected), scored)
    for got, want in zip(risk, expected):
        same = ("rank", "customer_id", "predicted_clv", "segment")
        assert all(got[k] == want[k] for k in same), f"churn_risk.csv: {got} vs {want}"
        close(got["churn_probability"], want["churn_probability"], f"churn_risk.csv {want['customer_id']} churn_probability")
        assert abs(float(got["value_at_risk"]) - float(want["value_at_risk"])) <= 0.0100001, f"churn_risk.csv: {got} vs {want}"
    a, b = (json.load(open(f"{d}/report.json", encoding="utf-8")) for d in (single, spark))
    assert "churn" in a and "churn" in b, "report.json: no churn section"
    assert "churn" not in {s["section"] for s in b.get("skipped", [])}, b.get("skipped")
    want, got = a["churn"], b["churn"]
    assert ("no_purchase_comparison" in got) == ("no_purchase_comparison" in want), "report.json churn: no_purchase_comparison"
    same_numbers(got, want, "report.json churn")
    assert got["recency_baseline"] is not None
    page = open(f"{spark}/report.html", encoding="utf-8").read()
    for chart in ("roc", "lift-gains", "calibration"):
        assert f'<section id="{chart}" class="report-section">' in page, f"report.html: the {chart} chart is not drawn"
    print(f"spark: churn_model.csv ({len(model)} terms) equals the single run's to 1e-9; churn_probability of {scored} customers "
          f"and churn_risk.csv's ranking equal the single run's; report.json's churn section (AUC {got['model']['auc']:.6f}, "
          f"baseline {got['recency_baseline']['auc']:.6f}, {len(got['model']['roc']['thresholds'])} ROC points) equals it, counts exactly")


if __name__ == "__main__":
    main(*sys.argv[1:3])
