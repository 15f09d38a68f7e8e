#!/usr/bin/env bash
# CLV benchmark: Clientele's three purchase models (BG/NBD, MBG/NBD, Pareto/NBD), Gamma-Gamma,
# predictions, holdout validation, model choice and bootstrap intervals next to lifetimes 0.11.3's
# BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter and GammaGammaFitter on the same
# calibration summary, in the same run. Writes Benchmarks/results/clv-N.md.
#
#   Benchmarks/clv/bench_clv.sh [CUSTOMERS=1000000] [SEED=11] [--skip-build]
#   ROW_ORDER=date|customer  rows of the generated data (default date, as exports come); the data
#                      lives in Benchmarks/data/clientele-nN-sSEED-ROW_ORDER (generated_data.sh)
#   LIFETIMES_PARETO=patterns|customers  what ParetoNBDFitter is given: the distinct (frequency,
#                      recency, T) rows with weights= (the same likelihood) or the customers.
#                      Unset: decided from the scaling run below (customers if 10x its largest
#                      per-customer fit stays under 25 minutes)
#   LIFETIMES_PARETO_CAP=SECONDS  stop lifetimes' ParetoNBDFitter after SECONDS (default 1200; 0: no
#                      cap); a stopped fit is reported as a lower bound ("≥"), and so is every total
#                      and ratio that includes it
#   PARETO_SCALING="N..."  first time ParetoNBDFitter.fit on random subsets of N customers (both
#                      ways) and report it (default 100000; empty: skip, and fit the patterns)
#   CLIENTELE_CLV_BENCH_REPEATS (5), CLIENTELE_CLV_BENCH_INTERVAL_REPEATS (3),
#   CLIENTELE_CLV_BENCH_DRAWS (200): the Swift side's repeats and bootstrap draws
#
# Steps: generate data with `clientele generate` (reused when present), build the tests in
# release, run the gated benchmark test (loads transactions, builds the summary, fits the three
# models and Gamma-Gamma, predicts with each, validates each on the holdout, chooses, bootstraps
# the chosen model's intervals; the fastest of the repeats per step; checks the BG/NBD and
# Gamma-Gamma estimates are within 3 standard errors of the truth; writes the summary), then
# times lifetimes on that summary (Benchmarks/clv/.venv).
# What is compared: fits + predictions from a calibration summary (patterns, three purchase-model
# fits, Gamma-Gamma fit; with each model P(alive), expected purchases over 12 × 30 days and
# 12-month CLV for every customer) against lifetimes' three fitters' fit +
# GammaGammaFitter.fit + conditional_probability_alive +
# conditional_expected_number_of_purchases_up_to_time + customer_lifetime_value for each model.
# lifetimes has no holdout choice and no intervals: those are Clientele's alone, reported beside.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
skip_build=0
args=()
for a in "$@"; do [[ "$a" == --skip-build ]] && skip_build=1 || args+=("$a"); done
n="${args[0]:-1000000}"
seed="${args[1]:-11}"
pareto="${LIFETIMES_PARETO:-}"
[[ -z "$pareto" || "$pareto" == patterns || "$pareto" == customers ]] || { echo "error: LIFETIMES_PARETO must be patterns or customers" >&2; exit 64; }
scaling="${PARETO_SCALING-100000}"
scratch="${CLIENTELE_CLV_SCRATCH:-$repo/.build-clv}"
raw="$repo/Benchmarks/results/raw/clv-$n"
mkdir -p "$raw" "$repo/Benchmarks/results"

cd "$repo"
# The test target uses @testable imports, so release builds need -enable-testing.
(( skip_build )) || swift build -c release -Xswiftc -enable-testing --scratch-path "$scratch" --build-tests >&2
source "$repo/Benchmarks/generated_data.sh"
data="$(generated_data "$scratch/release/clientele" "$n" "$seed" "${ROW_ORDER:-date}")"
py="$("$repo/Benchmarks/setup-venv.sh" "${CLIENTELE_LIFETIMES_VENV:-$here/.venv}" "$here/requirements-lifetimes.txt" --only-binary=numpy,scipy,pandas | tail -n 1)"

echo "bench_clv: Clientele ($n customers)" >&2
load_start="$(cut -d' ' -f1 /proc/loadavg)"
CLIENTELE_CLV_BENCH_DIR="$data" CLIENTELE_CLV_BENCH_OUT="$raw" \
    swift test -c release -Xswiftc -enable-testing --skip-build --scratch-path "$scratch" --filter CLVBenchmarkTests >"$raw/clientele-test.log" 2>&1 \
    || { tail -30 "$raw/clientele-test.log" >&2; exit 1; }
grep -q "passed after" "$raw/clientele-test.log" || { tail -30 "$raw/clientele-test.log" >&2; echo "error: the benchmark test did not run" >&2; exit 1; }
# lifetimes' ParetoNBDFitter (Nelder-Mead, a 2F1 pass per evaluation) first on 10^5 customers:
# how its time grows, and whether the full summary is within reach (LIFETIMES_PARETO unset: the
# customers if 10× the 10^5 fit's time stays under 25 minutes, else the distinct patterns).
rm -f "$raw/pareto-scaling.json"
if [[ -n "$scaling" ]]; then
    echo "bench_clv: ParetoNBDFitter scaling ($scaling customers)" >&2
    # shellcheck disable=SC2086
    "$py" "$here/clv_reference.py" pareto-scaling "$raw/clv-summary.csv" "$raw/pareto-scaling.json" $scaling >&2
fi
if [[ -z "$pareto" ]]; then
    pareto=patterns
    [[ -f "$raw/pareto-scaling.json" ]] && pareto="$("$py" - "$raw/pareto-scaling.json" "$n" <<'PY'
import json, sys
runs = [r for r in json.load(open(sys.argv[1]))["runs"] if not r["patterns"]]
big = max(runs, key=lambda r: r["customers"])
print("customers" if big["seconds"] * int(sys.argv[2]) / big["customers"] < 25 * 60 else "patterns")
PY
)"
fi
echo "bench_clv: lifetimes ($n customers, ParetoNBDFitter on $pareto)" >&2
load_before="$(cut -d' ' -f1 /proc/loadavg)"
pareto_flag=(); [[ "$pareto" == patterns ]] && pareto_flag=(--pareto-patterns)
cap="${LIFETIMES_PARETO_CAP:-1200}"
[[ "$cap" =~ ^[0-9]+$ ]] || { echo "error: LIFETIMES_PARETO_CAP must be a whole number of seconds" >&2; exit 64; }
(( cap > 0 )) && pareto_flag+=(--pareto-cap "$cap")
"$py" "$here/clv_reference.py" bench "$raw/clv-summary.csv" "$raw/clv-lifetimes.json" "${pareto_flag[@]}" >&2
load_after="$(cut -d' ' -f1 /proc/loadavg)"
load_end="$(cut -d' ' -f1 /proc/loadavg)"

"$py" "$here/clv_report.py" "$raw" "$repo/Benchmarks/results/clv-$n.md" "$load_start" "$load_before" "$load_after" "$load_end"
