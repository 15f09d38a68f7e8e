#!/usr/bin/env bash
# RFM peer benchmark: Clientele vs DuckDB vs Polars on the same generated files, same run.
#
#   Benchmarks/run_rfm_benchmark.sh N            # N customers, e.g. 1000000
#
# Data: `clientele generate` in date order (as exports come: by purchase or contact date,
# customer ids scattered) with about 3 interactions a customer, the issue's acceptance data;
# Benchmarks/data/clientele-nN-sSEED-ROW_ORDER-ipcX (see generated_data.sh).
#
# Environment (all optional):
#   CLIENTELE=path     release binary (default .build/release/clientele; built if missing)
#   CLIENTELE_REV=text what that binary was built from, for the result file (default: the
#                      work tree's HEAD commit)
#   REPS=3             repetitions per tool (interleaved: C, D, P, C, D, P, ...)
#   TIES=share         --rfm-ties for Clientele and --ties for the peers (share | split). Not
#                      Clientele's default (fill), which the peers' SQL does not implement: the
#                      tie rule is pinned, in the job file and on the command line, so that every
#                      tool computes the same scores as the pandas reference's --ties TIES
#   SEED=11            seed for `clientele generate`
#   ROW_ORDER=date     rows of the files every tool reads: date | customer
#   SECOND_ORDER=customer  the other order, run by Clientele (both jobs) as second rows in the
#                      same run, for the date ÷ customer CPU ratio; empty = skip
#   INTERACTIONS_PER_CUSTOMER=1.9  `generate --interactions-per-customer` (1.9: about 3
#                      interactions a customer; empty: the generator's default, about 1.3)
#   THREADS=2          --threads of the Clientele runs compared with the peers
#   STAGES=1           also run both Clientele jobs with --threads 1, for the per-stage table
#                      (1 thread beside THREADS); 0 = skip
#   RESULT_TAG=text    appended to the result file's name (rfm-N-ROW_ORDER-TAG.md)
#   GENERATOR=clientele | python   python = the stand-in Benchmarks/peers/synth_data.py
#   VERIFY=1           after timing, check every tool's per-customer output against the
#                      pandas reference (rfm_reference.py + compare_customers.py); 0 = skip
#   TOOLS="clientele duckdb polars"   subset to run
#
# Each run is measured by /usr/bin/time -v: wall-clock time and maximum resident set size of
# the whole process (for the peers: the Python interpreter plus the engine). Clientele runs with
# CLIENTELE_TRACE=1 and --format json, which give its per-stage wall and CPU seconds (stages.py).
# Files are read once before timing, so every tool starts with a warm page cache. Writes
# Benchmarks/results/rfm-N-ROW_ORDER[-TAG].md (tables, acceptance figures, machine facts and
# load); raw output goes to Benchmarks/results/raw/ (git-ignored) and data to Benchmarks/data/
# (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
N="${1:?usage: run_rfm_benchmark.sh N_CUSTOMERS}"
[[ "$N" =~ ^[0-9]+$ ]] || { echo "error: N must be a positive integer, got '$N'" >&2; exit 64; }
REPS="${REPS:-3}"
TIES="${TIES:-share}"
SEED="${SEED:-11}"
GENERATOR="${GENERATOR:-clientele}"
VERIFY="${VERIFY:-1}"
ROW_ORDER="${ROW_ORDER:-date}"
SECOND_ORDER="${SECOND_ORDER-customer}"
INTERACTIONS_PER_CUSTOMER="${INTERACTIONS_PER_CUSTOMER-1.9}"
THREADS="${THREADS:-2}"
STAGES="${STAGES:-1}"
RESULT_TAG="${RESULT_TAG:-}"
TOOLS="${TOOLS:-clientele clientele-full duckdb polars}"
CLIENTELE="${CLIENTELE:-$root/.build/release/clientele}"
[[ "$TIES" == share || "$TIES" == split ]] || { echo "error: TIES must be share or split (the rules DuckDB and Polars implement), got '$TIES'" >&2; exit 64; }
[[ "$ROW_ORDER" == date || "$ROW_ORDER" == customer ]] || { echo "error: ROW_ORDER must be date or customer" >&2; exit 64; }
[[ "$SECOND_ORDER" != "$ROW_ORDER" ]] || SECOND_ORDER=""
[[ "$GENERATOR" == clientele ]] || SECOND_ORDER=""   # the stand-in generator has one layout
# Extra Clientele runs: both jobs at one thread (per-stage table), both jobs on the second order.
if [[ " $TOOLS " == *" clientele "* || " $TOOLS " == *" clientele-full "* ]]; then
    extra=""
    for job in clientele clientele-full; do
        [[ " $TOOLS " == *" $job "* ]] || continue
        (( STAGES )) && extra+=" $job-t1"
        # The per-stage table times each stage alone: the whole pipeline again with its side-by-side
        # stages run in turn (CLIENTELE_SEQUENTIAL_STAGES=1).
        (( STAGES )) && [[ "$job" == clientele-full ]] && extra+=" $job-seq"
        [[ -n "$SECOND_ORDER" ]] && extra+=" $job-$SECOND_ORDER"
    done
    TOOLS="$TOOLS$extra"
fi

[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time not found (apt-get install time)" >&2; exit 69; }

PY="$("$here/setup-python.sh" | tail -n 1)"

need_clientele=0
[[ " $TOOLS " == *" clientele "* || "$GENERATOR" == clientele ]] && need_clientele=1
if (( need_clientele )) && [[ ! -x "$CLIENTELE" ]]; then
    echo "run_rfm_benchmark: building $CLIENTELE (swift build -c release)" >&2
    (cd "$root" && swift build -c release --product clientele >&2)
fi

source "$here/generated_data.sh"
if [[ "$GENERATOR" == clientele ]]; then
    data="$(generated_data "$CLIENTELE" "$N" "$SEED" "$ROW_ORDER" "$INTERACTIONS_PER_CUSTOMER")"
    if [[ -n "$SECOND_ORDER" ]]; then
        data2="$(generated_data "$CLIENTELE" "$N" "$SEED" "$SECOND_ORDER" "$INTERACTIONS_PER_CUSTOMER")"
        tx2="$data2/transactions.csv"
        it2="$data2/interactions.csv"
    fi
else
    ROW_ORDER="python-generator"
    data="$here/data/$GENERATOR-n$N-s$SEED"
    if [[ ! -s "$data/transactions.csv" || ! -s "$data/interactions.csv" || ! -f "$data/.complete" ]]; then
        rm -rf "$data"; mkdir -p "$data"
        echo "run_rfm_benchmark: generating $N customers ($GENERATOR, seed $SEED) into $data" >&2
        "$PY" "$here/peers/synth_data.py" --customers "$N" --seed "$SEED" --out "$data"
        touch "$data/.complete"
    fi
fi
tx="$data/transactions.csv"
it="$data/interactions.csv"
export CLIENTELE_TRACE=1   # stage lines on Clientele's stderr (the peers ignore it)

work="$(mktemp -d "${TMPDIR:-/tmp}/clientele-rfm-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
name="rfm-$N-$ROW_ORDER${RESULT_TAG:+-$RESULT_TAG}"
raw="$here/results/raw/$name"
rm -rf "$raw"; mkdir -p "$raw"

run_tool() {  # tool rep
    local tool="$1" rep="$2" out="$work/$1"
    rm -rf "$out"; mkdir -p "$out"
    local -a cmd
    local t="$tx" i="$it" threads="$THREADS"
    [[ "$tool" == clientele*-t1 ]] && threads=1
    if [[ -n "$SECOND_ORDER" && "$tool" == clientele*-"$SECOND_ORDER" ]]; then t="$tx2"; i="$it2"; fi
    case "$tool" in
        # What the peers compute: ingest + RFM + reports (the job file turns k-means, CLV, churn and
        # satisfaction off).
        clientele|clientele-t1|clientele-"$SECOND_ORDER")
            cmd=("$CLIENTELE" run "$work/rfm-only.toml" --transactions "$t" --interactions "$i" --out "$out/run"
                 --rfm-ties "$TIES" --threads "$threads" --quiet --format json) ;;
        # The whole default pipeline: RFM, k-means, BG/NBD + Gamma-Gamma, holdout table, churn, reports.
        clientele-full|clientele-full-t1|clientele-full-seq|clientele-full-"$SECOND_ORDER")
            cmd=("$CLIENTELE" run --transactions "$t" --interactions "$i" --out "$out/run"
                 --rfm-ties "$TIES" --threads "$threads" --quiet --format json) ;;
        duckdb)    cmd=("$PY" "$here/peers/rfm_duckdb.py" "$tx" "$it" "$out/customers.csv" --ties "$TIES") ;;
        polars)    cmd=("$PY" "$here/peers/rfm_polars.py" "$tx" "$it" "$out/customers.csv" --ties "$TIES") ;;
        *) echo "error: unknown tool $tool" >&2; exit 64 ;;
    esac
    [[ "$tool" == *-seq ]] && cmd=(env CLIENTELE_SEQUENTIAL_STAGES=1 "${cmd[@]}")
    local errors="$raw/$tool-$rep.out" status=0
    if [[ "$tool" == clientele* ]]; then   # stdout: the JSON summary; stderr: the trace lines
        errors="$raw/$tool-$rep.err"
        /usr/bin/time -v -o "$raw/$tool-$rep.time" "${cmd[@]}" >"$raw/$tool-$rep.out" 2>"$errors" || status=$?
    else
        /usr/bin/time -v -o "$raw/$tool-$rep.time" "${cmd[@]}" >"$raw/$tool-$rep.out" 2>&1 || status=$?
    fi
    if (( status != 0 )); then
        echo "error: $tool failed (rep $rep, exit $status); see $errors" >&2
        tail -n 5 "$errors" >&2
        exit 70
    fi
    if [[ "$tool" == clientele* ]]; then
        cp "$out/run/customers.csv" "$work/$tool.customers.csv"
    else
        cp "$out/customers.csv" "$work/$tool.customers.csv"
    fi
}

printf '[rfm]\nties = "%s"\n[clv]\nenabled = false\n[clusters]\nenabled = false\n[churn]\nenabled = false\n[satisfaction]\nenabled = false\n' "$TIES" > "$work/rfm-only.toml"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${load_before%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    echo "run_rfm_benchmark: warning: load average $load_before before the run; other work will skew timings" >&2
fi
cat "$tx" "$it" ${tx2:+"$tx2" "$it2"} > /dev/null   # warm the page cache for everyone
for tool in $TOOLS; do run_tool "$tool" 0; done   # untimed warm-up (also JIT/page faults of binaries)
rm -f "$raw"/*-0.*
for rep in $(seq 1 "$REPS"); do
    for tool in $TOOLS; do
        echo "run_rfm_benchmark: $tool rep $rep/$REPS" >&2
        run_tool "$tool" "$rep"
    done
done

verify_note="not checked (VERIFY=0)"
if [[ "$VERIFY" == 1 ]]; then
    echo "run_rfm_benchmark: computing the pandas reference for the output check" >&2
    "$PY" "$here/reference/rfm_reference.py" "$tx" "$work/reference.csv" --ties "$TIES" 2>>"$raw/reference.log"
    verify_note=""
    for tool in $TOOLS; do
        [[ -n "$SECOND_ORDER" && "$tool" == clientele*-"$SECOND_ORDER" ]] && continue   # other files
        if line="$("$PY" "$here/reference/compare_customers.py" "$work/reference.csv" "$work/$tool.customers.csv" \
                 --label "$tool" --show 3)"; then
            verify_note+="${verify_note:+; }$tool OK"
        else
            verify_note+="${verify_note:+; }$tool MISMATCH"
            echo "$line" >&2
            echo "$line" > "$raw/$tool.mismatch.txt"
        fi
    done
fi

# Second-order rows must read the same customers: their customers.csv equals the first order's.
order_note=""
if [[ -n "$SECOND_ORDER" ]]; then
    for job in clientele clientele-full; do
        [[ -f "$work/$job-$SECOND_ORDER.customers.csv" ]] || continue
        if cmp -s "$work/$job.customers.csv" "$work/$job-$SECOND_ORDER.customers.csv"; then
            order_note+="${order_note:+; }$job: customers.csv byte-identical in $ROW_ORDER and $SECOND_ORDER order"
        else
            order_note+="${order_note:+; }$job: customers.csv DIFFERS between $ROW_ORDER and $SECOND_ORDER order"
            diff "$work/$job.customers.csv" "$work/$job-$SECOND_ORDER.customers.csv" | head -20 > "$raw/$job.order-diff.txt" || true
        fi
    done
fi

mkdir -p "$here/results"
result="$here/results/$name.md"
rev="${CLIENTELE_REV:-built from the work tree at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo n/a)}"
export LOAD_BEFORE="$load_before" LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
export ROW_ORDER SECOND_ORDER THREADS ORDER_NOTE="$order_note" BENCH_DIR="$here"
export INTERACTIONS_NOTE="${INTERACTIONS_PER_CUSTOMER:+generate --interactions-per-customer $INTERACTIONS_PER_CUSTOMER}"
"$PY" - "$raw" "$result" "$N" "$REPS" "$TIES" "$tx" "$it" "$GENERATOR" "$SEED" "$verify_note" "$CLIENTELE" "$rev" $TOOLS <<'PY'
import os, platform, re, statistics, subprocess, sys, datetime
raw, result, n, reps, ties, tx, it, gen, seed, verify, clientele, rev, *tools = sys.argv[1:]
reps = int(reps)
sys.path.insert(0, os.environ["BENCH_DIR"])
import stages
order, second, threads = os.environ["ROW_ORDER"], os.environ.get("SECOND_ORDER", ""), os.environ["THREADS"]

def parse(path):
    text = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    parts = [float(p) for p in m.group(1).split(":")]
    wall = 0.0
    for p in parts:
        wall = wall * 60 + p
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    user = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
    sys_ = float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
    return wall, rss, user + sys_

def engine_seconds(path):
    """The peers print 'rfm_<tool>: T s' measured after their imports: time without interpreter start-up."""
    m = re.search(r"^rfm_\w+: ([0-9.]+) s", open(path).read(), re.M)
    return float(m.group(1)) if m else None

stats = {}
for t in tools:
    runs = [parse(os.path.join(raw, f"{t}-{r}.time")) for r in range(1, reps + 1)]
    eng = [engine_seconds(os.path.join(raw, f"{t}-{r}.out")) for r in range(1, reps + 1)]
    walls = [r[0] for r in runs]
    stats[t] = dict(wall=statistics.median(walls), wmin=min(walls), wmax=max(walls),
                    rss=statistics.median([r[1] for r in runs]) / 1024.0,
                    cpu=statistics.median([r[2] for r in runs]),
                    eng=statistics.median(eng) if None not in eng else None)

def cmd(*a):
    try:
        return subprocess.run(a, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "n/a"

cpu = "unknown"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip(); break
mem_gib = "?"
for line in open("/proc/meminfo"):
    if line.startswith("MemTotal"):
        mem_gib = f"{int(line.split()[1]) / 1024 / 1024:.1f}"; break
def lines(p):
    with open(p, "rb") as f:
        return sum(1 for _ in f) - 1
import duckdb, polars
base = stats.get("clientele")
out = []
out.append(f"# RFM benchmark, {int(n):,} customers, {order} order\n")
out.append(f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} by `Benchmarks/run_rfm_benchmark.sh {n}` "
           f"(REPS={reps}, TIES={ties}, generator {gen}, seed {seed}, ROW_ORDER={order}"
           f"{', SECOND_ORDER=' + second if second else ''}, THREADS={threads}"
           f"{', ' + os.environ['INTERACTIONS_NOTE'] if os.environ.get('INTERACTIONS_NOTE') else ''}).\n")
out.append(f"- load average (1, 5, 15 min) before the run: **{os.environ.get('LOAD_BEFORE')}**; after: "
           f"**{os.environ.get('LOAD_AFTER')}** on {os.cpu_count()} cores (a quiet machine shows values near 0 "
           f"before; above about 1.5 other work shares the cores, so compare CPU seconds rather than wall seconds)\n")
customers = int(n)
out.append(f"Input ({order} order): `transactions.csv` {lines(tx):,} rows ({os.path.getsize(tx) / 1e6:.1f} MB), "
           f"`interactions.csv` {lines(it):,} rows ({os.path.getsize(it) / 1e6:.1f} MB, "
           f"{lines(it) / customers:.2f} a customer); warm page cache.\n")
out.append("| tool | wall s (median) | wall s (min–max) | wall s after start-up | CPU s (user+sys) | peak RSS MB | wall ratio to Clientele | CPU ratio to Clientele | RSS ratio to Clientele |")
out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
names = {"clientele": f"Clientele, ingest + RFM + reports (`clientele run rfm-only.toml`), {threads} threads",
         "clientele-full": f"Clientele, whole pipeline (+ k-means, BG/NBD + Gamma-Gamma, holdout, satisfaction–loyalty correlations, churn model), {threads} threads",
         "clientele-t1": "Clientele, ingest + RFM + reports, 1 thread",
         "clientele-full-t1": "Clientele, whole pipeline, 1 thread",
         "clientele-full-seq": f"Clientele, whole pipeline, {threads} threads, stages in turn (`CLIENTELE_SEQUENTIAL_STAGES=1`, for the per-stage table)",
         "duckdb": "DuckDB (`peers/rfm_duckdb.py`)", "polars": "Polars (`peers/rfm_polars.py`)"}
if second:
    names[f"clientele-{second}"] = f"Clientele, ingest + RFM + reports, {threads} threads, **{second} order**"
    names[f"clientele-full-{second}"] = f"Clientele, whole pipeline, {threads} threads, **{second} order**"
for t in tools:
    s = stats[t]
    wr = f"{s['wall'] / base['wall']:.2f}×" if base else "–"
    rr = f"{s['rss'] / base['rss']:.2f}×" if base else "–"
    cr = f"{s['cpu'] / base['cpu']:.2f}×" if base else "–"
    es = f"{s['eng']:.2f}" if s["eng"] is not None else "–"
    out.append(f"| {names.get(t, t)} | {s['wall']:.2f} | {s['wmin']:.2f}–{s['wmax']:.2f} | {es} | {s['cpu']:.2f} | "
               f"{s['rss']:.0f} | {wr} | {cr} | {rr} |")
out.append("")
out.append("Ratios are tool ÷ Clientele: above 1 means the tool took longer (or more memory) than Clientele. "
           "CPU s is user + system time of the process (all threads): on a busy machine it is the steadier figure, "
           "while wall time includes waiting for the cores.")
out.append("'wall s after start-up' is the peers' own timer, started after Python and the engine are imported "
           "(median); the ratios use the whole-process figures.")
out.append("Clientele's `run` computes every kernel it runs by default (not only RFM); the peers compute "
           "ingest of both files, RFM scores, segments and per-customer interaction aggregates.\n")
out.append(f"Output check against the pandas reference (`--ties {ties}`): {verify}.")
if os.environ.get("ORDER_NOTE"):
    out.append(f"Row order: {os.environ['ORDER_NOTE']}.")
out.append("")

# The issue's acceptance figures ("the customer table … fast on exports in any row order").
def get(t, k):
    return stats[t][k] if t in stats else None
def ratio(a, b):
    return a / b if a is not None and b else None
def verdict(x, ok):
    return "–" if x is None else ("met" if ok(x) else "**not met**")
acc = []
r = ratio(get("clientele", "wall"), get("duckdb", "wall"))
acc.append(("RFM-only job ÷ DuckDB, wall", r, "≤ 0.50", verdict(r, lambda x: x <= 0.5)))
peers_rss = [get(p, "rss") for p in ("duckdb", "polars") if p in stats]
m = get("clientele", "rss")
if m is not None and peers_rss:
    acc.append(("RFM-only job peak RSS ÷ the smaller peer's", m / min(peers_rss), "< 1", verdict(m / min(peers_rss), lambda x: x < 1)))
r = ratio(get("clientele-full", "wall"), get("duckdb", "wall"))
acc.append(("whole pipeline ÷ DuckDB's RFM-only, wall", r, "≤ 1.00", verdict(r, lambda x: x <= 1.0)))
if second:
    for job, label in (("clientele", "RFM-only job"), ("clientele-full", "whole pipeline")):
        a, b = (get(job, "cpu"), get(f"{job}-{second}", "cpu")) if order == "date" else (get(f"{job}-{second}", "cpu"), get(job, "cpu"))
        r = ratio(a, b)
        acc.append((f"{label}: CPU, date ÷ customer order", r, "≤ 1.10", verdict(r, lambda x: x <= 1.10)))
stage_runs = {}
for t in tools:
    if t.startswith("clientele"):
        stage_runs[t] = [stages.read_run_files(os.path.join(raw, f"{t}-{k}.out"), os.path.join(raw, f"{t}-{k}.err"))
                         for k in range(1, reps + 1)]
tables = []
for job, label in (("clientele", "RFM-only job"), ("clientele-full", "whole pipeline")):
    # Each stage alone: with more than one thread the whole pipeline runs some stages side by
    # side, so its table compares the run with the stages in turn.
    many = f"{job}-seq" if f"{job}-seq" in stage_runs else job
    if job in stage_runs and f"{job}-t1" in stage_runs:
        lines_, misses = stages.threads_table(stage_runs[f"{job}-t1"], stage_runs[many], threads,
                                             (get(f"{job}-t1", "wall"), get(f"{job}-t1", "cpu")),
                                             (get(many, "wall"), get(many, "cpu")))
        tables.append((label, lines_))
        acc.append((f"{label}: stages over {stages.SIGNIFICANT_SECONDS * 1000:.0f} ms (1 thread) below "
                    f"{stages.SPEEDUP_TARGET}× with {threads} threads",
                    len(misses), "0", ("met" if not misses else "**not met**: " + ", ".join(f"{s} {x:.2f}×" for s, x in misses))))
out.append("## Acceptance figures (same run)\n")
out.append("| figure | value | target | |")
out.append("|---|---:|---:|---|")
for label, value, target, v in acc:
    shown = "–" if value is None else (f"{value}" if isinstance(value, int) else f"{value:.2f}")
    out.append(f"| {label} | {shown} | {target} | {v} |")
out.append("")
if tables:
    out.append(f"## Clientele per stage, {order} order, 1 thread and {threads} threads (median of {reps})\n")
    out.append("Wall seconds are the run's own stage timings; CPU seconds (all threads) come from "
               "`CLIENTELE_TRACE=1` (`Benchmarks/stages.py`). The speedup target applies to stages over "
               f"{stages.SIGNIFICANT_SECONDS * 1000:.0f} ms with one thread.\n")
    for label, lines_ in tables:
        out.append(f"### {label}\n")
        out += lines_
        out.append("")
if second:
    for job, label in (("clientele", "RFM-only job"), ("clientele-full", "whole pipeline")):
        if job in stage_runs and f"{job}-{second}" in stage_runs:
            out.append(f"### {label}: {order} beside {second} order, {threads} threads\n")
            out += stages.orders_table(stage_runs[job], stage_runs[f"{job}-{second}"], names=(order, second))
            out.append("")
out.append("## Machine\n")
out.append(f"- nproc: {os.cpu_count()}; CPU: {cpu}; memory: {mem_gib} GiB")
out.append(f"- kernel: {platform.release()}; {platform.platform()}")
out.append(f"- load average (1, 5, 15 min) before the run: {os.environ.get('LOAD_BEFORE')}; after: "
           f"{os.environ.get('LOAD_AFTER')} (a quiet machine shows values near 0 before; "
           f"the run itself raises them)")
out.append(f"- OPENBLAS_CORETYPE: {os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
out.append(f"- Python {platform.python_version()}, duckdb {duckdb.__version__}, polars {polars.__version__}")
if "clientele" in tools or gen == "clientele":
    sw = cmd("swift", "--version").splitlines()
    out.append(f"- {sw[0] if sw else 'swift: n/a'}")
    out.append(f"- clientele: `{clientele}` ({rev})")
open(result, "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
echo "run_rfm_benchmark: wrote $result" >&2
