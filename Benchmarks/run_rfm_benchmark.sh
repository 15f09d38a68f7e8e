#!/usr/bin/env bash
# RFM peer benchmark: Clientele vs DuckDB vs Polars on the same generated files, same run.
#
#   Benchmarks/run_rfm_benchmark.sh N            # N customers, e.g. 1000000
#
# Environment (all optional):
#   CLIENTELE=path     release binary (default .build/release/clientele; built if missing)
#   CLIENTELE_REV=text what that binary was built from, for the result file (default: the
#                      work tree's HEAD commit)
#   REPS=3             repetitions per tool (interleaved: C, D, P, C, D, P, ...)
#   TIES=share         --rfm-ties for Clientele and --ties for the peers (share | split)
#   SEED=11            seed for `clientele generate`
#   GENERATOR=clientele | python   python = the stand-in Benchmarks/peers/synth_data.py
#   VERIFY=1           after timing, check every tool's per-customer output against the
#                      pandas reference (rfm_reference.py + compare_customers.py); 0 = skip
#   TOOLS="clientele duckdb polars"   subset to run
#
# Each run is measured by /usr/bin/time -v: wall-clock time and maximum resident set size of
# the whole process (for the peers: the Python interpreter plus the engine). Files are read
# once before timing, so every tool starts with a warm page cache. Writes
# Benchmarks/results/rfm-N.md (table + machine facts); raw /usr/bin/time output goes to
# Benchmarks/results/raw/ (git-ignored) and data to Benchmarks/data/ (git-ignored).
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
TOOLS="${TOOLS:-clientele clientele-full duckdb polars}"
CLIENTELE="${CLIENTELE:-$root/.build/release/clientele}"

[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time not found (apt-get install time)" >&2; exit 69; }

PY="$("$here/setup-python.sh" | tail -n 1)"

need_clientele=0
[[ " $TOOLS " == *" clientele "* || "$GENERATOR" == clientele ]] && need_clientele=1
if (( need_clientele )) && [[ ! -x "$CLIENTELE" ]]; then
    echo "run_rfm_benchmark: building $CLIENTELE (swift build -c release)" >&2
    (cd "$root" && swift build -c release --product clientele >&2)
fi

data="$here/data/$GENERATOR-n$N-s$SEED"
tx="$data/transactions.csv"
it="$data/interactions.csv"
if [[ ! -s "$tx" || ! -s "$it" || ! -f "$data/.complete" ]]; then
    rm -rf "$data"; mkdir -p "$data"
    echo "run_rfm_benchmark: generating $N customers ($GENERATOR, seed $SEED) into $data" >&2
    if [[ "$GENERATOR" == clientele ]]; then
        "$CLIENTELE" generate --customers "$N" --seed "$SEED" --out "$data" >&2
    else
        "$PY" "$here/peers/synth_data.py" --customers "$N" --seed "$SEED" --out "$data"
    fi
    touch "$data/.complete"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/clientele-rfm-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
raw="$here/results/raw/rfm-$N"
rm -rf "$raw"; mkdir -p "$raw"

run_tool() {  # tool rep
    local tool="$1" rep="$2" out="$work/$1"
    rm -rf "$out"; mkdir -p "$out"
    local -a cmd
    case "$tool" in
        # What the peers compute: ingest + RFM + reports (the job file turns k-means and CLV off).
        clientele) cmd=("$CLIENTELE" run "$work/rfm-only.toml" --transactions "$tx" --interactions "$it" --out "$out/run"
                        --rfm-ties "$TIES" --quiet) ;;
        # The whole default pipeline: RFM, k-means, BG/NBD + Gamma-Gamma, holdout table, reports.
        clientele-full) cmd=("$CLIENTELE" run --transactions "$tx" --interactions "$it" --out "$out/run"
                        --rfm-ties "$TIES" --quiet) ;;
        duckdb)    cmd=("$PY" "$here/peers/rfm_duckdb.py" "$tx" "$it" "$out/customers.csv" --ties "$TIES") ;;
        polars)    cmd=("$PY" "$here/peers/rfm_polars.py" "$tx" "$it" "$out/customers.csv" --ties "$TIES") ;;
        *) echo "error: unknown tool $tool" >&2; exit 64 ;;
    esac
    if ! /usr/bin/time -v -o "$raw/$tool-$rep.time" "${cmd[@]}" >"$raw/$tool-$rep.out" 2>&1; then
        echo "error: $tool failed (rep $rep); see $raw/$tool-$rep.out" >&2
        tail -n 5 "$raw/$tool-$rep.out" >&2
        exit 70
    fi
    if [[ "$tool" == clientele* ]]; then
        cp "$out/run/customers.csv" "$work/$tool.customers.csv"
    else
        cp "$out/customers.csv" "$work/$tool.customers.csv"
    fi
}

printf '[clv]\nenabled = false\n[clusters]\nenabled = false\n[churn]\nenabled = false\n[satisfaction]\nenabled = false\n' > "$work/rfm-only.toml"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${load_before%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    echo "run_rfm_benchmark: warning: load average $load_before before the run; other work will skew timings" >&2
fi
cat "$tx" "$it" > /dev/null   # warm the page cache for everyone
for tool in $TOOLS; do run_tool "$tool" 0; done   # untimed warm-up (also JIT/page faults of binaries)
rm -f "$raw"/*-0.time
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

mkdir -p "$here/results"
result="$here/results/rfm-$N.md"
rev="${CLIENTELE_REV:-built from the work tree at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo n/a)}"
export LOAD_BEFORE="$load_before" LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" - "$raw" "$result" "$N" "$REPS" "$TIES" "$tx" "$it" "$GENERATOR" "$SEED" "$verify_note" "$CLIENTELE" "$rev" $TOOLS <<'PY'
import os, platform, re, statistics, subprocess, sys, datetime
raw, result, n, reps, ties, tx, it, gen, seed, verify, clientele, rev, *tools = sys.argv[1:]
reps = int(reps)

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
out.append(f"# RFM benchmark, {int(n):,} customers\n")
out.append(f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} by `Benchmarks/run_rfm_benchmark.sh {n}` "
           f"(REPS={reps}, TIES={ties}, generator {gen}, seed {seed}).\n")
out.append(f"Input: `transactions.csv` {lines(tx):,} rows ({os.path.getsize(tx) / 1e6:.1f} MB), "
           f"`interactions.csv` {lines(it):,} rows ({os.path.getsize(it) / 1e6:.1f} MB); warm page cache.\n")
out.append("| tool | wall s (median) | wall s (min–max) | wall s after start-up | CPU s (user+sys) | peak RSS MB | wall ratio to Clientele | CPU ratio to Clientele | RSS ratio to Clientele |")
out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
names = {"clientele": "Clientele, ingest + RFM + reports (`clientele run rfm-only.toml`)",
         "clientele-full": "Clientele, whole pipeline (+ k-means, BG/NBD + Gamma-Gamma, holdout, satisfaction–loyalty correlations, churn model)", "duckdb": "DuckDB (`peers/rfm_duckdb.py`)",
         "polars": "Polars (`peers/rfm_polars.py`)"}
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
out.append(f"Output check against the pandas reference (`--ties {ties}`): {verify}.\n")
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
