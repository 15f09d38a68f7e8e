#!/usr/bin/env bash
# Clientele per stage at N customers: wall and CPU seconds of every stage with --threads 1 and
# --threads 2, on a date-ordered and a customer-ordered copy of the same generated data, in one run.
#
#   Benchmarks/run_scaling.sh N          # e.g. 1000000, or 10000000 for time and bytes a customer
#
# Environment (all optional):
#   CLIENTELE=path     release binary (default .build/release/clientele; built if missing)
#   CLIENTELE_REV=text what that binary was built from (default: the work tree's HEAD commit)
#   REPS=3             timed runs per (order, threads), interleaved
#   SEED=11            seed of the generated data (Benchmarks/data/clientele-nN-sSEED-ORDER[-ipcX])
#   ROW_ORDERS="date customer"   row orders to run; the first is the one the issue measures
#   THREADS_LIST="1 2" --threads values; the speedup columns compare the first with the last
#   INTERACTIONS_PER_CUSTOMER=1.9  `generate --interactions-per-customer` (about 3 interactions a
#                      customer); empty: the generator's default (about 1.3)
#   JOB=full           full: the whole default pipeline; rfm: ingest + RFM + reports (the peers' job)
#   RESULT_TAG=text    appended to the result file's name
#
# Each run: `clientele run … --threads T --quiet --format json` with CLIENTELE_TRACE=1 under
# /usr/bin/time -v. Stage wall seconds are the run's own timings, stage CPU seconds come from the
# trace lines (Benchmarks/stages.py); process wall, CPU and peak RSS from /usr/bin/time. The page
# cache is warmed and each (order, threads) runs once untimed first. Writes
# Benchmarks/results/stages-N[-rfm][-TAG].md with the machine load before and after and the commit;
# raw output in Benchmarks/results/raw/ (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
N="${1:?usage: run_scaling.sh N_CUSTOMERS}"
[[ "$N" =~ ^[0-9]+$ ]] || { echo "error: N must be a positive integer, got '$N'" >&2; exit 64; }
REPS="${REPS:-3}"
SEED="${SEED:-11}"
ROW_ORDERS="${ROW_ORDERS:-date customer}"
THREADS_LIST="${THREADS_LIST:-1 2}"
INTERACTIONS_PER_CUSTOMER="${INTERACTIONS_PER_CUSTOMER-1.9}"
JOB="${JOB:-full}"
RESULT_TAG="${RESULT_TAG:-}"
CLIENTELE="${CLIENTELE:-$root/.build/release/clientele}"
CLIENTELE_REV="${CLIENTELE_REV:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
[[ "$JOB" == full || "$JOB" == rfm ]] || { echo "error: JOB must be full or rfm, got '$JOB'" >&2; exit 64; }
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time not found (apt-get install time)" >&2; exit 69; }

if [[ ! -x "$CLIENTELE" ]]; then
    echo "run_scaling: building $CLIENTELE (swift build -c release)" >&2
    (cd "$root" && swift build -c release --product clientele >&2)
fi

source "$here/generated_data.sh"
declare -A data
for order in $ROW_ORDERS; do
    data[$order]="$(generated_data "$CLIENTELE" "$N" "$SEED" "$order" "$INTERACTIONS_PER_CUSTOMER")"
done

name="stages-$N"
[[ "$JOB" == rfm ]] && name+="-rfm"
name+="${RESULT_TAG:+-$RESULT_TAG}"
raw="$here/results/raw/$name"
work="$(mktemp -d "${TMPDIR:-/tmp}/clientele-scaling.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rm -rf "$raw"; mkdir -p "$raw"
printf '[clv]\nenabled = false\n[clusters]\nenabled = false\n[churn]\nenabled = false\n[satisfaction]\nenabled = false\n' > "$work/rfm-only.toml"

run_once() {  # order threads rep
    local order="$1" threads="$2" rep="$3" d="${data[$1]}"
    local -a job=()
    [[ "$JOB" == rfm ]] && job=("$work/rfm-only.toml")
    local base="$raw/$order-t$threads-$rep"
    rm -rf "$work/report"
    if ! CLIENTELE_TRACE=1 /usr/bin/time -v -o "$base.time" "$CLIENTELE" run "${job[@]}" \
            --transactions "$d/transactions.csv" --interactions "$d/interactions.csv" --out "$work/report" \
            --threads "$threads" --quiet --format json > "$base.out" 2> "$base.err"; then
        echo "error: clientele failed ($order order, $threads threads, rep $rep); see $base.err" >&2
        tail -n 5 "$base.err" >&2
        exit 70
    fi
}

for order in $ROW_ORDERS; do cat "${data[$order]}/transactions.csv" "${data[$order]}/interactions.csv" > /dev/null; done
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
uptime_before="$(uptime)"
if awk -v l="${load_before%% *}" 'BEGIN { exit !(l > 1.5) }'; then
    echo "run_scaling: warning: load average $load_before before the run; wall times will be inflated" >&2
fi
for order in $ROW_ORDERS; do for threads in $THREADS_LIST; do run_once "$order" "$threads" 0; done; done
for rep in $(seq 1 "$REPS"); do
    for order in $ROW_ORDERS; do
        for threads in $THREADS_LIST; do
            echo "run_scaling: $order order, $threads threads, rep $rep/$REPS" >&2
            run_once "$order" "$threads" "$rep"
        done
    done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
uptime_after="$(uptime)"

inputs=""
for order in $ROW_ORDERS; do
    inputs+="${inputs:+; }$order: transactions.csv $(csv_size "${data[$order]}/transactions.csv"), interactions.csv $(csv_size "${data[$order]}/interactions.csv")"
done
mkdir -p "$here/results"
export LOAD_BEFORE="$load_before" LOAD_AFTER="$load_after" UPTIME_BEFORE="$uptime_before" UPTIME_AFTER="$uptime_after"
export INPUTS="$inputs" ROW_ORDERS THREADS_LIST JOB INTERACTIONS_PER_CUSTOMER SEED CLIENTELE CLIENTELE_REV
python3 - "$here" "$raw" "$N" "$REPS" "$here/results/$name.md" <<'PY'
import datetime, os, re, statistics, sys
here, raw, n, reps, result = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, here)
import stages
env = os.environ
orders, threads = env["ROW_ORDERS"].split(), env["THREADS_LIST"].split()
lo, hi = threads[0], threads[-1]

def process(path):
    text = open(path).read()
    wall = 0.0
    for p in re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1).split(":"):
        wall = wall * 60 + float(p)
    cpu = float(re.search(r"User time \(seconds\): (\S+)", text).group(1)) + \
        float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) * 1024
    return wall, cpu, rss

runs, proc = {}, {}
for o in orders:
    for t in threads:
        base = [f"{raw}/{o}-t{t}-{k}" for k in range(1, reps + 1)]
        runs[o, t] = [stages.read_run_files(b + ".out", b + ".err") for b in base]
        p = [process(b + ".time") for b in base]
        proc[o, t] = tuple(statistics.median(x[i] for x in p) for i in range(3))

cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
mem = next((f"{int(l.split()[1]) / 1024 / 1024:.1f} GiB" for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
job = "the whole default pipeline" if env["JOB"] == "full" else "ingest + RFM + reports (clusters, CLV, churn, satisfaction off)"
load1 = float(env["LOAD_BEFORE"].split()[0])
out = [f"# Clientele per stage at {n:,} customers: {', '.join(orders)} order, threads {' and '.join(threads)}", "",
       f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} by `Benchmarks/run_scaling.sh {n}` (REPS={reps}, "
       f"JOB={env['JOB']}: {job}; seed {env['SEED']}"
       f"{', generate --interactions-per-customer ' + env['INTERACTIONS_PER_CUSTOMER'] if env.get('INTERACTIONS_PER_CUSTOMER') else ''}). "
       f"Medians of {reps} runs. Binary: `{env['CLIENTELE']}`, built from **{env['CLIENTELE_REV']}** (release).", "",
       f"- machine load before: `{env['UPTIME_BEFORE'].strip()}`",
       f"- machine load after: `{env['UPTIME_AFTER'].strip()}`",
       f"- {os.cpu_count()} cores ({cpu_model}), {mem}"]
if load1 > 1.5:
    out.append(f"- **the machine was busy** (1-minute load {load1:.2f} on {os.cpu_count()} cores before the run): wall "
               "seconds and speedups are inflated by other work; CPU seconds are the steadier figures")
out += ["", f"Input: {env['INPUTS']}.", ""]
acceptance = []
for o in orders:
    (w1, c1, r1), (w2, c2, r2) = proc[o, lo], proc[o, hi]
    out += [f"## {o} order: {lo} thread{'s' if lo != '1' else ''} and {hi} threads", ""]
    lines, misses = stages.threads_table(runs[o, lo], runs[o, hi], hi, (w1, c1), (w2, c2))
    out += lines
    out += ["", f"Peak RSS: {r1 / 1e6:.0f} MB with {lo} thread{'s' if lo != '1' else ''}, {r2 / 1e6:.0f} MB with {hi} "
            f"threads: **{r2 / n:.0f} bytes a customer**; process wall {w2:.2f} s with {hi} threads "
            f"(**{w2 / n * 1e6:.2f} µs a customer**), CPU {c2:.2f} s.", ""]
    acceptance.append(f"- {o} order: stages over {stages.SIGNIFICANT_SECONDS * 1000:.0f} ms (1 thread) at least "
                      f"{stages.SPEEDUP_TARGET}× faster with {hi} threads: "
                      + ("**met**" if not misses else "**not met** (" + ", ".join(f"{s} {x:.2f}×" for s, x in misses) + ")"))
if "date" in orders and "customer" in orders:
    for t in threads:
        out += [f"## date beside customer order, {t} thread{'s' if t != '1' else ''}", ""]
        out += stages.orders_table(runs["date", t], runs["customer", t])
        (_, cd, _), (_, cc, _) = proc["date", t], proc["customer", t]
        out += ["", f"Process CPU: date {cd:.2f} s, customer {cc:.2f} s: date ÷ customer **{cd / cc:.2f}**.", ""]
        acceptance.append(f"- {t} thread{'s' if t != '1' else ''}: process CPU date ÷ customer order {cd / cc:.2f} "
                          f"(target ≤ 1.10): {'**met**' if cd / cc <= 1.10 else '**not met**'}")
out += ["## Acceptance figures", ""] + acceptance + [""]
out += ["Stage wall seconds are the run's own timings; stage CPU seconds are process CPU seconds (all threads) "
        "between the trace lines that end consecutive stages (`Benchmarks/stages.py`); the first stage also "
        "holds the process start. 'run total' is the run's own total; 'process' is /usr/bin/time.", ""]
open(result, "w").write("\n".join(out))
print("\n".join(out))
PY
echo "run_scaling: wrote Benchmarks/results/$name.md" >&2
