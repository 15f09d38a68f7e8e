#!/usr/bin/env bash
# Spark check (issue 15, satisfaction): scripts/spark-run with --interactions (local[2], 8
# partitions) on generated customers writes correlations.csv whose Pearson and Spearman
# statistics (r, rho, p-values, interval; overall and per segment) equal `clientele run`'s to
# 1e-9 relative (the p_alive and predicted_clv pairs are not distributed), report.json's
# satisfaction section (quadrants, NPS, complaints) and interactions accounting (orphans included)
# equal to the single run's, and a sampled Kendall tau-b; and the churn regression with complaints and
# mean_satisfaction from the interactions, and the job's [churn] features read from them too
# (mean_recommend, support_contacts, interactions), as clientele run fits it (compare_spark_churn.py);
# and customers.csv's satisfaction columns (mean_satisfaction, mean_recommend, complaints,
# loyalty_group), the single run's cells exactly.
#
#   Tests/spark/check_spark_satisfaction.sh [BINARY] [CUSTOMERS]     default .build/release/clientele, 20000
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(readlink -f "${1:-$root/.build/release/clientele}")"
customers="${2:-20000}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
periods=(--as-of 2026-01-01 --calibration-end 2025-07-01)
"$bin" generate --customers "$customers" --seed 13 --out "$work/data" >/dev/null
printf '[churn]\nfeatures = ["mean_recommend", "support_contacts", "interactions"]\n' > "$work/job.toml"
"$bin" run "$work/job.toml" --transactions "$work/data/transactions.csv" --interactions "$work/data/interactions.csv" "${periods[@]}" \
    --out "$work/single" --quiet
started=$SECONDS
(cd "$work/data" && CLIENTELE="$bin" "$root/scripts/spark-run" --master 'local[2]' --partitions 8 -- \
    "$work/job.toml" --transactions transactions.csv --interactions interactions.csv "${periods[@]}" --out "$work/spark-report") \
    2>"$work/spark.log" || { tail -20 "$work/spark.log" >&2; exit 1; }
python3 - "$work/single" "$work/spark-report" <<'PY'
import csv, json, os, sys
single_dir, spark_dir = sys.argv[1:3]
assert not os.path.exists(f"{spark_dir}/satisfaction.json"), "the report folder holds satisfaction.json, which clientele run does not write"
def rows(d):
    return list(csv.DictReader(open(f"{d}/correlations.csv", encoding="utf-8")))
# correlations.csv: every row but the p_alive and predicted_clv pairs (not distributed), in the single run's order.
expected = [r for r in rows(single_dir) if r["y"] not in ("p_alive", "predicted_clv")]
got = rows(spark_dir)
assert [(r["group"], r["x"], r["y"]) for r in got] == [(r["group"], r["x"], r["y"]) for r in expected], "correlations.csv rows"
checked = 0
for g, e in zip(got, expected):
    assert g["n"] == e["n"], (g, e)
    for key in ["pearson_r", "pearson_p", "pearson_ci_low", "pearson_ci_high", "spearman_rho", "spearman_p"]:
        assert (g[key] == "") == (e[key] == ""), (key, g, e)
        if e[key]:
            a, b = float(g[key]), float(e[key])
            # 1e-9 relative; 1e-15 absolute where the true value is 0 (the single run leaves rounding residue there, e.g. -3e-18)
            assert abs(a - b) <= 1e-9 * max(abs(a), abs(b)) or abs(a - b) < 1e-15, (key, a, b)
            checked += 1
    # Kendall: sampled for group "all" (within a few standard errors of the exact tau), not computed per segment.
    assert g["group"] == "all" or g["kendall_tau_b"] == "", g
a, b = (json.load(open(f"{d}/report.json", encoding="utf-8")) for d in (single_dir, spark_dir))
sa, sb = a["satisfaction"], b["satisfaction"]
for key in ["respondents", "satisfaction_respondents", "recommend_respondents", "complaints", "customers_with_complaints", "classified",
            "nps", "nps_by_segment", "thresholds", "confidence_level", "satisfaction_measures"]:
    assert sa[key] == sb[key], (key, sa[key], sb[key])
assert abs(sa["mean_satisfaction"] - sb["mean_satisfaction"]) <= 1e-12 * sa["mean_satisfaction"]
assert sb["loyalty_measures"] == [m for m in sa["loyalty_measures"] if m not in ("p_alive", "predicted_clv")]
sample = sb["kendall_sample"]
assert sample["respondents"] > 0 and sample["sample_fraction"] == 0.0625 and "not_distributed" in sb
for q, e in zip(sb["quadrants"], sa["quadrants"]):
    assert (q["group"], q["customers"], q["nps"]) == (e["group"], e["customers"], e["nps"]), (q, e)
    for key in ["share", "mean_satisfaction", "mean_loyalty"]:
        x, y = q.get(key), e.get(key)
        assert (x is None) == (y is None) and (x is None or abs(x - y) <= 1e-9 * max(abs(x), abs(y))), (key, q, e)
for pair in sb["correlations"]:
    if pair["group"] == "all" and pair.get("kendall_tau_b") is not None:
        exact = next(p for p in sa["correlations"] if (p["group"], p["x"], p["y"]) == ("all", pair["x"], pair["y"]))
        assert abs(pair["kendall_tau_b"] - exact["kendall_tau_b"]) <= 5 * pair["kendall_standard_error"], (pair, exact)
# report.json's interactions accounting (orphans included) is the single run's.
strip = lambda i: {k: v for k, v in i.items() if k != "path"}
inputs = [strip(i) for i in b["inputs"]]
assert inputs == [strip(i) for i in a["inputs"]], (inputs, a["inputs"])
assert "satisfaction" not in {s["section"] for s in b.get("skipped", [])}
assert "correlations.csv" in b["outputs"]
page = open(f"{spark_dir}/report.html", encoding="utf-8").read()
for chart in ("correlations", "satisfaction-loyalty"):
    assert f'<section id="{chart}" class="report-section">' in page, f"report.html: the {chart} chart is not drawn"
ix = next(i for i in b["inputs"] if i["role"] == "interactions")
print(f"spark: correlations.csv ({checked} Pearson/Spearman statistics), report.json's satisfaction section (quadrants, NPS, complaints) "
      f"and the interactions' accounting equal the single run's; Kendall on a sample of {sample['respondents']}; "
      f"{ix['rows_read']} interaction rows, {ix['rows_unmatched_customer']} orphan rows")
PY
python3 "$root/Tests/spark/compare_spark_churn.py" "$work/single" "$work/spark-report"
python3 - "$work/single/customers.csv" "$work/spark-report/customers.csv" <<'PY'
import csv, sys
# customers.csv's satisfaction columns: each customer's own, so the single run's cells exactly.
names = ["mean_satisfaction", "mean_recommend", "complaints", "loyalty_group"]
def cells(path):
    rows = csv.DictReader(open(path, encoding="utf-8", newline=""))
    assert all(n in rows.fieldnames for n in names), (path, rows.fieldnames)
    return {r["customer_id"]: [r[n] for n in names] for r in rows}
single, spark = cells(sys.argv[1]), cells(sys.argv[2])
assert single.keys() == spark.keys(), (len(single), len(spark))
differ = [c for c in single if single[c] != spark[c]]
assert not differ, [(c, single[c], spark[c]) for c in differ[:5]]
grouped = sum(1 for v in spark.values() if v[3])
assert grouped > 0
print(f"spark: customers.csv satisfaction columns equal the single run's for {len(spark)} customers ({grouped} with a loyalty group)")
PY
echo "spark satisfaction: local[2], 8 partitions, $((SECONDS - started)) s"
