#!/usr/bin/env bash
# Clientele under Spark beside the single-machine run, on the same generated export in date order
# (issue "Beyond one machine"): wall time and peak RSS of `clientele run` and of `scripts/spark-run
# --master local[2] --partitions 32`, and every worker command's wall time and peak RSS, for the
# per-partition costs a cluster projection starts from.
#
#   Benchmarks/run_spark_benchmark.sh N          # e.g. 10000000
#
# Environment (all optional):
#   CLIENTELE=path   release binary (default .build/release/clientele)
#   PARTITIONS=32    Spark partitions;   MASTER='local[2]'   Spark master
#   SEED=11          seed of the generated data (Benchmarks/data/clientele-nN-sSEED-date)
#   DRIVER_MEMORY=8g spark-run --driver-memory (the cached partitions live in the driver's JVM in local mode)
#   RESULT_TAG=text  appended to the result file's name
#
# The export is transactions only (satisfaction has its own passes; issue 15's acceptance names
# customers and order lines). The worker binary is wrapped so that each `clientele partition …`
# call appends its subcommand, wall seconds and peak RSS to a log (/usr/bin/time); Spark's own
# processes (the JVM, the Python driver and workers) are sampled from ps. Writes
# Benchmarks/results/spark-N[-TAG].md with the machine load before and after.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
N="${1:?usage: run_spark_benchmark.sh N_CUSTOMERS}"
PARTITIONS="${PARTITIONS:-32}"
MASTER="${MASTER:-local[2]}"
SEED="${SEED:-11}"
RESULT_TAG="${RESULT_TAG:-}"
CLIENTELE="$(readlink -f "${CLIENTELE:-$root/.build/release/clientele}")"
[ -x "$CLIENTELE" ] || { echo "error: no release binary at $CLIENTELE (swift build -c release)" >&2; exit 66; }
source "$here/generated_data.sh"
data="$(generated_data "$CLIENTELE" "$N" "$SEED" date)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
log="$work/worker.log"
cat > "$work/clientele" <<EOF
#!/bin/sh
t=\$(mktemp)
/usr/bin/time -o "\$t" -f "%e %M" "$CLIENTELE" "\$@"
rc=\$?
echo "\$2 \$(cat "\$t")" >> "$log"
rm -f "\$t"
exit \$rc
EOF
chmod +x "$work/clientele"
cat "$data/transactions.csv" > /dev/null   # warm the page cache

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -o "$work/single.time" -f "%e %M %U %S" "$CLIENTELE" run --transactions "$data/transactions.csv" --out "$work/single" --quiet
# Spark's JVM (driver and executors in one process in local mode) and its Python processes are not
# all children spark-run waits for: their peak RSS is sampled from ps twice a second.
( while :; do ps -eo rss=,comm= | awk '$2 == "java" { j = $1 > j ? $1 : j } $2 ~ /^python/ { p = $1 > p ? $1 : p }
      END { print j + 0, p + 0 }' >> "$work/rss.samples"; sleep 0.5; done ) & sampler=$!
/usr/bin/time -o "$work/spark.time" -f "%e %M %U %S" env CLIENTELE="$work/clientele" "$root/scripts/spark-run" \
    --master "$MASTER" --partitions "$PARTITIONS" ${DRIVER_MEMORY:+--driver-memory "$DRIVER_MEMORY"} \
    -- --transactions "$data/transactions.csv" --out "$work/spark" 2> "$work/spark.log" \
    || { kill "$sampler"; tail -20 "$work/spark.log" >&2; exit 1; }
kill "$sampler"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
# The two report folders hold the same customers (the Spark checks compare them column by column).
[ "$(wc -l < "$work/single/customers.csv")" = "$(wc -l < "$work/spark/customers.csv")" ]

out="$here/results/spark-$N${RESULT_TAG:+-$RESULT_TAG}.md"
python3 - "$work" "$data" "$N" "$PARTITIONS" "$MASTER" "$load_before" "$load_after" "$(git -C "$root" rev-parse --short HEAD)" > "$out" <<'PY'
import collections, os, sys
work, data, n, parts, master, before, after, rev = sys.argv[1:9]
def times(name):
    wall, rss, user, sys_ = open(f"{work}/{name}.time").read().split()
    return float(wall), int(rss) / 1024, float(user) + float(sys_)
single, spark = times("single"), times("spark")
samples = [tuple(map(int, l.split())) for l in open(f"{work}/rss.samples") if l.strip()]
jvm, python = (max((s[i] for s in samples), default=0) / 1024 for i in (0, 1))
lines = int(os.popen(f"wc -l < {data}/transactions.csv").read()) - 1
steps = collections.OrderedDict()
for line in open(f"{work}/worker.log"):
    cmd, wall, rss = line.split()
    steps.setdefault(cmd, []).append((float(wall), int(rss) / 1024))
print(f"# Clientele under Spark, {int(n):,} customers in date order\n")
print(f"Export: `{os.path.relpath(data)}/transactions.csv`, {lines:,} lines; commit {rev}; `scripts/spark-run --master '{master}' "
      f"--partitions {parts}` beside `clientele run` (release, default job, default periods), same file, same run. "
      f"Machine: {os.cpu_count()} cores; load average before {before}, after {after}.\n")
print("| run | wall s | CPU s | peak RSS MB |\n|---|---:|---:|---:|")
print(f"| clientele run | {single[0]:.1f} | {single[2]:.1f} | {single[1]:.0f} |")
print(f"| spark-run ({parts} partitions) | {spark[0]:.1f} | | JVM (driver and executors) {jvm:.0f}; largest Python process {python:.0f} |")
print(f"\nSpark / single wall time: {spark[0] / single[0]:.1f}×.\n")
print("Worker commands (`clientele partition …`, each a process on an executor or the driver; peak RSS is one worker's):\n")
print("| command | calls | total s | mean s | max s | peak RSS MB (max) |\n|---|---:|---:|---:|---:|---:|")
for cmd, runs in steps.items():
    walls = [w for w, _ in runs]
    print(f"| {cmd} | {len(runs)} | {sum(walls):.1f} | {sum(walls) / len(runs):.2f} | {max(walls):.2f} | {max(r for _, r in runs):.0f} |")
worker_total = sum(w for runs in steps.values() for w, _ in runs)
print(f"\nWorker processes in all: {worker_total:.0f} s of wall time (two run at once under local[2]); "
      f"the rest of Spark's wall time is reading, routing and caching the rows and the driver's Python.")
PY
echo "wrote $out" >&2
cat "$out"
