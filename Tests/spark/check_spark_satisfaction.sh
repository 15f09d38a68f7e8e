#!/usr/bin/env bash
# Spark check (issue 15, satisfaction): scripts/spark-run with --interactions (local[2], 8
# partitions) on generated customers writes satisfaction.json whose Pearson and Spearman
# statistics (r, rho, p-values, interval; overall and per segment) equal `clientele run`'s correlations.csv to
# 1e-9 relative, the interactions' accounting (orphans included), the Jones & Sasser quadrants and NPS
# those of report.json, and a sampled Kendall tau-b; and the churn regression with complaints and
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
python3 - "$work/single/correlations.csv" "$work/spark-report/satisfaction.json" "$work/single/report.json" <<'PY'
import csv, json, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["y"] not in ("p_alive", "predicted_clv")]
single = {(r["group"], r["x"], r["y"]): r for r in rows}
spark = json.load(open(sys.argv[2], encoding="utf-8"))
# Every row but the p_alive and predicted_clv pairs, in correlations.csv's order (all, then each segment).
assert [(p["group"], p["x"], p["y"]) for p in spark["correlations"]] == [(r["group"], r["x"], r["y"]) for r in rows]
checked = 0
for pair in spark["correlations"]:
    row = single[(pair["group"], pair["x"], pair["y"])]
    assert int(row["n"]) == pair["n"], (pair, row)
    for key in ["pearson_r", "pearson_p", "pearson_ci_low", "pearson_ci_high", "spearman_rho", "spearman_p"]:
        a, b = pair.get(key), (float(row[key]) if row[key] else None)
        assert (a is None) == (b is None), (key, pair, row)
        if a is not None:
            # 1e-9 relative; 1e-15 absolute where the true value is 0 (the single run leaves rounding residue there, e.g. -3e-18)
            assert abs(a - b) <= 1e-9 * max(abs(a), abs(b)) or abs(a - b) < 1e-15, (key, a, b)
            checked += 1
assert spark["kendall"]["exact"] is False and spark["kendall"]["sample"] > 0
report = json.load(open(sys.argv[3], encoding="utf-8"))
inputs = next(i for i in report["inputs"] if i["role"] == "interactions")
assert spark["interactions"]["orphan_rows"] == inputs["rows_unmatched_customer"] > 0, (spark["interactions"], inputs)
assert spark["interactions"]["orphan_customers"] == inputs["unmatched_customers"]
assert spark["interactions"]["orphan_examples"] == inputs["unmatched_customer_examples"]
assert spark["interactions"]["rows_read"] == inputs["rows_read"] and spark["interactions"]["rows_used"] == inputs["rows_used"]
sat = report["satisfaction"]
assert spark["nps"] == sat["nps"], (spark["nps"], sat["nps"])
assert spark["nps_by_segment"] == sat["nps_by_segment"], (spark["nps_by_segment"], sat["nps_by_segment"])
for key in ["respondents", "satisfaction_respondents", "recommend_respondents", "classified"]:
    assert spark[key] == sat[key], key
for q, e in zip(spark["quadrants"], sat["quadrants"]):
    assert (q["group"], q["customers"], q["nps"]) == (e["group"], e["customers"], e["nps"]), (q, e)
    for key in ["share", "mean_satisfaction", "mean_loyalty"]:
        a, b = q.get(key), e.get(key)
        assert (a is None) == (b is None) and (a is None or abs(a - b) <= 1e-9 * max(abs(a), abs(b))), (key, q, e)
print(f"spark: {checked} Pearson/Spearman statistics, the quadrants and NPS equal the single run's; Kendall on a sample of {spark['kendall']['sample']}; "
      f"{spark['interactions']['rows_read']} interaction rows, {spark['interactions']['orphan_rows']} orphan rows")
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
