#!/usr/bin/env bash
# Spark check (issue 15, first stage): the README's scripts/spark-run example (local[2], 8
# partitions), run as written on generated customers in date order, writes the RFM columns of
# customers.csv (customer_id … historical_clv) exactly as `clientele run` does on the same file,
# and its CLV columns and clv_model.json as `clientele run` does to 1e-9 (compare_spark_clv.py).
#
#   Tests/spark/check_spark_rfm.sh [BINARY] [CUSTOMERS]     default .build/release/clientele, 100000
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(readlink -f "${1:-$root/.build/release/clientele}")"
customers="${2:-100000}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
periods=(--as-of 2026-01-01 --calibration-end 2025-07-01)
"$bin" generate --customers "$customers" --seed 12 --row-order date --out "$work/data" >/dev/null
"$bin" run --transactions "$work/data/transactions.csv" "${periods[@]}" --out "$work/single" --quiet
# The README's example, as written (section "Beyond one machine"), in a folder holding the export.
example="$(awk '/^## Beyond one machine/{s=1} s&&/^```sh/{c=1; next} c&&/^```/{exit} c' "$root/README.md" | sed 's/\\$//' | tr '\n' ' ')"
case "$example" in "scripts/spark-run "*"--as-of 2026-01-01 --calibration-end 2025-07-01 --out spark-report"*) ;;
    *) echo "check_spark_rfm: the README example is not the command this check runs: $example" >&2; exit 1 ;; esac
cp "$work/data/transactions.csv" "$work/transactions.csv"
started=$SECONDS
(cd "$work" && export CLIENTELE="$bin" && eval "$root/$example") 2>"$work/spark.log" || { tail -20 "$work/spark.log" >&2; exit 1; }
python3 - "$work/single/customers.csv" "$work/spark-report/customers.csv" <<'PY'
import csv, sys
single = [row[:12] for row in csv.reader(open(sys.argv[1], encoding="utf-8", newline=""))]
spark = [row[:12] for row in csv.reader(open(sys.argv[2], encoding="utf-8", newline=""))]
assert spark[0] == single[0], f"headers differ: {spark[0]} vs {single[0]}"
assert len(spark) == len(single), f"{len(spark) - 1} customers under Spark, {len(single) - 1} in the single run"
bad = [i for i, (a, b) in enumerate(zip(single, spark)) if a != b]
assert not bad, f"{len(bad)} rows differ, first: {single[bad[0]]} vs {spark[bad[0]]}"
print(f"spark: customers.csv RFM columns equal the single run's for {len(spark) - 1} customers")
PY
# The predicted value: customers.csv's CLV columns and clv_model.json (Tests/spark/compare_spark_clv.py).
python3 "$root/Tests/spark/compare_spark_clv.py" "$work/single" "$work/spark-report"
echo "spark: local[2], 8 partitions, $((SECONDS - started)) s"
