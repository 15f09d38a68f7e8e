#!/usr/bin/env bash
# Spark check (issue 15): the README's scripts/spark-run example (local[2], 8 partitions, no
# --as-of), run as written on generated customers in date order, writes the RFM columns of
# customers.csv (customer_id … historical_clv) exactly as `clientele run` does on the same file
# with the default periods, its CLV columns (value_quadrant included) and clv_model.json as
# `clientele run` does (compare_spark_clv.py), the churn regression's churn_model.csv,
# churn_probability and churn_risk.csv (compare_spark_churn.py), and k-means' clusters
# (compare_spark_clusters.py: every customer's cluster, clusters.csv, the inertia to 1e-9). Then a smaller export with explicit
# periods and ids that customers.csv quotes (commas, quotes, formula leads written "'…") is run with
# --part-files: the parts, each sorted and headed, hold the single run's rows in order. Both runs'
# report.json (settings, inputs, customers, RFM totals, cohorts), segments.csv and cohorts.csv are the single runs'.
#
#   Tests/spark/check_spark_rfm.sh [BINARY] [CUSTOMERS]     default .build/release/clientele, 100000
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(readlink -f "${1:-$root/.build/release/clientele}")"
customers="${2:-100000}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export CLIENTELE="$bin"
"$bin" generate --customers "$customers" --seed 12 --row-order date --out "$work/data" >/dev/null
"$bin" run --transactions "$work/data/transactions.csv" --out "$work/single" --quiet
# The README's example, as written (section "Beyond one machine"), in a folder holding the export.
example="$(awk '/^## Beyond one machine/{s=1} s&&/^```sh/{c=1; next} c&&/^```/{exit} c' "$root/README.md" | sed 's/\\$//' | tr '\n' ' ')"
case "$example" in *--as-of*|*--calibration-end*) echo "check_spark_rfm: the README example should show the default periods: $example" >&2; exit 1 ;;
    "scripts/spark-run "*"--transactions transactions.csv --out spark-report"*) ;;
    *) echo "check_spark_rfm: the README example is not the command this check runs: $example" >&2; exit 1 ;; esac
cp "$work/data/transactions.csv" "$work/transactions.csv"
started=$SECONDS
(cd "$work" && eval "$root/$example") 2>"$work/spark.log" || { tail -20 "$work/spark.log" >&2; exit 1; }
first=$((SECONDS - started))

# A smaller export, with customer ids customers.csv quotes, explicit periods and --part-files.
"$bin" generate --customers 3000 --seed 13 --row-order date --out "$work/small" >/dev/null
python3 - "$work/small/transactions.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    header = f.readline().rstrip("\n").split(",")
with open(sys.argv[1], "a", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for n, key in enumerate(["-5", "+44 20", "=x", "@home", "(a", "'q", "'-z", "a,b", 'say "hi"', "~t"]):
        for o, day in enumerate(["2025-02-03", "2025-09-14"][: 1 + n % 2]):
            row = {"customer_id": key, "order_id": f"Q{n}-{o}", "order_date": day, "amount": f"{12 + n}.50"}
            w.writerow([row.get(c, "1" if c == "quantity" else "") for c in header])
PY
periods=(--as-of 2026-01-01 --calibration-end 2025-07-01)
"$bin" run --transactions "$work/small/transactions.csv" "${periods[@]}" --out "$work/small-single" --quiet
started=$SECONDS
"$root/scripts/spark-run" --partitions 3 --part-files -- --transactions "$work/small/transactions.csv" "${periods[@]}" \
    --out "$work/small-spark" 2>"$work/spark-parts.log" || { tail -20 "$work/spark-parts.log" >&2; exit 1; }
second=$((SECONDS - started))

python3 - "$work" <<'PY'
import csv, glob, json, os, sys
work = sys.argv[1]
def records(path, columns=None):
    with open(path, encoding="utf-8", newline="") as f:
        return [row[:columns] if columns else row for row in csv.reader(f)]
def same(single, spark, what):
    assert spark[0] == single[0], f"{what}: headers differ: {spark[0]} vs {single[0]}"
    assert len(spark) == len(single), f"{what}: {len(spark) - 1} customers under Spark, {len(single) - 1} in the single run"
    bad = [i for i, (a, b) in enumerate(zip(single, spark)) if a != b]
    assert not bad, f"{what}: {len(bad)} rows differ, first: {single[bad[0]]} vs {spark[bad[0]]}"

single = records(f"{work}/single/customers.csv", 12)
same(single, records(f"{work}/spark-report/customers.csv", 12), "default periods")
print(f"spark: customers.csv RFM columns equal the single run's for {len(single) - 1} customers (default periods)")

assert not os.path.exists(f"{work}/small-spark/customers.csv"), "--part-files wrote customers.csv"
parts = sorted(glob.glob(f"{work}/small-spark/customers/part-*.csv"))
assert [os.path.basename(p) for p in parts] == [f"part-{i:05d}.csv" for i in range(3)], parts
single = records(f"{work}/small-single/customers.csv", 12)
rows = [single[0]]
for path in parts:
    part = records(path, 12)
    assert part[0] == single[0], f"{path}: header {part[0]}"
    rows += part[1:]
same(single, rows, "--part-files")
print(f"spark: {len(parts)} part files hold customers.csv's {len(single) - 1} rows in order, quoted ids included")

# report.json's totals and segments.csv (partition report), both runs.
for single_dir, spark_dir, outputs in ((f"{work}/single", f"{work}/spark-report", "customers.csv"),
                                       (f"{work}/small-single", f"{work}/small-spark", "customers")):
    for name in ("segments.csv", "cohorts.csv"):
        with open(f"{single_dir}/{name}", "rb") as a, open(f"{spark_dir}/{name}", "rb") as b:
            assert a.read() == b.read(), f"{spark_dir}: {name} differs from the single run's"
    # report.html: the sections drawn from merged figures are the single run's bytes.
    pages = [open(f"{d}/report.html", encoding="utf-8").read() for d in (single_dir, spark_dir)]
    for section in ("summary", "actions", "rfm-grid", "segments", "cohorts", "value-concentration", "holdout-purchases"):
        cut = lambda page: page[page.index(f'<section id="{section}"'):][:page[page.index(f'<section id="{section}"'):].index("</section>")]
        assert cut(pages[0]) == cut(pages[1]), f"{spark_dir}: report.html section {section} differs from the single run's"
    a, b = (json.load(open(f"{d}/report.json")) for d in (single_dir, spark_dir))
    for key in ("customers", "rfm", "cohorts", "concentration"):
        assert a[key] == b[key], f"{spark_dir}: report.json {key}: {b[key]} vs {a[key]}"
    # The value matrix's cells, from the partitions' sums: the same customers, the sums to 1e-9.
    qa, qb = a["clv"]["value_matrix"]["quadrants"], b["clv"]["value_matrix"]["quadrants"]
    assert [(q["quadrant"], q["customers"]) for q in qa] == [(q["quadrant"], q["customers"]) for q in qb], (qa, qb)
    for x, y in zip(qa, qb):
        for k in ("current_value", "future_value", "revenue"):
            assert abs(x[k] - y[k]) <= 1e-9 * max(1, abs(x[k])), (k, x, y)
    # The first screen (report.json's summary): counts and top at-risk customers equal, sums to 1e-9;
    # the CLV totals from the partitions' exact sums.
    def same(x, y, where):
        if isinstance(x, dict):
            assert set(x) == set(y), (where, sorted(set(x) ^ set(y)))
            for k in x:
                same(x[k], y[k], f"{where}.{k}")
        elif isinstance(x, list):
            assert len(x) == len(y), (where, len(x), len(y))
            for i, (u, v) in enumerate(zip(x, y)):
                same(u, v, f"{where}[{i}]")
        elif isinstance(x, float) and not isinstance(y, bool) and isinstance(y, (int, float)):
            assert abs(x - y) <= 1e-9 * max(1.0, abs(x)), (where, x, y)
        else:
            assert x == y, (where, x, y)
    same(a["summary"], b["summary"], f"{spark_dir}: report.json summary")
    if "clv" in a:
        same(a["clv"]["total_predicted_clv"], b["clv"]["total_predicted_clv"], "clv.total_predicted_clv")
        same(a["clv"]["intervals"], b["clv"]["intervals"], "clv.intervals")
    # The README example runs in another folder: the same file, named from there.
    unnamed = lambda d, name: {k: v for k, v in d.items() if k != name}
    assert [unnamed(i, "path") for i in a["inputs"]] == [unnamed(i, "path") for i in b["inputs"]], f"{spark_dir}: report.json inputs"
    assert all(os.path.basename(i["path"]) == "transactions.csv" for i in b["inputs"])
    assert unnamed(unnamed(a["settings"], "threads"), "transactions") == unnamed(unnamed(b["settings"], "threads"), "transactions"), \
        f"{spark_dir}: report.json settings"
    # The single run's files in its order (customers.csv as part files is the folder "customers").
    assert b["outputs"] == [outputs if name == "customers.csv" else name for name in a["outputs"]], (b["outputs"], a["outputs"])
print("spark: report.json's settings, inputs, outputs, customers, RFM totals, cohorts, concentration, value matrix cells, first-screen summary and CLV totals, "
      "segments.csv, cohorts.csv and report.html's "
      "first screen, RFM grid, segments, cohorts, concentration and holdout sections equal the single runs'")
PY
# The predicted value: customers.csv's CLV columns and clv_model.json (Tests/spark/compare_spark_clv.py).
python3 "$root/Tests/spark/compare_spark_clv.py" "$work/single" "$work/spark-report"
# The churn regression: coefficients to 1e-9, churn_probability, churn_risk.csv (Tests/spark/compare_spark_churn.py).
python3 "$root/Tests/spark/compare_spark_churn.py" "$work/single" "$work/spark-report"
# k-means: every customer's cluster, clusters.csv and the inertia (Tests/spark/compare_spark_clusters.py).
python3 "$root/Tests/spark/compare_spark_clusters.py" "$work/single" "$work/spark-report"
# A bad row under on_bad_row = "fail" (the default): spark-run stops as clientele run does, exit 65,
# naming the export's line and column, not a partition's temporary file.
awk 'NR == 1500 { sub(/20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]/, "2025-13-01") } { print }' "$work/small/transactions.csv" > "$work/bad.csv"
single_message="$("$bin" run --transactions "$work/bad.csv" "${periods[@]}" --out "$work/bad-single" --quiet 2>&1 >/dev/null || true)"
set +e
"$root/scripts/spark-run" --partitions 3 -- --transactions "$work/bad.csv" "${periods[@]}" --out "$work/bad-spark" 2>"$work/spark-bad.log"
status=$?
set -e
spark_message="$(grep '^error:' "$work/spark-bad.log" || true)"
[ "$status" = 65 ] && [ "$spark_message" = "$single_message" ] && [ ! -e "$work/bad-spark" ] || {
    echo "check_spark_rfm: a bad row: spark-run exit $status, message '$spark_message'; clientele run: '$single_message'" >&2
    tail -5 "$work/spark-bad.log" >&2; exit 1; }
echo "spark: a bad row at line 1500 stops spark-run with clientele run's message and exit 65: $spark_message"
echo "spark: local[2], 8 partitions, $first s; --part-files, 3 partitions, $second s"
