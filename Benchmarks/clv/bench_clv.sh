#!/usr/bin/env bash
# CLV benchmark: Clientele's BG/NBD + Gamma-Gamma fit and predictions next to lifetimes 0.11.3
# on the same calibration summary, in the same run. Writes Benchmarks/results/clv-N.md.
#
#   Benchmarks/clv/bench_clv.sh [CUSTOMERS=1000000] [SEED=11]
#   ROW_ORDER=date|customer  rows of the generated data (default date, as exports come); the data
#                      lives in Benchmarks/data/clientele-nN-sSEED-ROW_ORDER (generated_data.sh)
#
# Steps: generate data with `clientele generate` (reused when present), build the tests in
# release, run the gated benchmark test (loads transactions, builds the summary, fits and predicts
# 5 times, keeps the fastest, checks every estimate is within 3 standard errors of the truth and
# writes the summary), then time lifetimes on that summary (Benchmarks/clv/.venv).
# What is compared: fit + predictions from a calibration summary (patterns, BG/NBD fit,
# Gamma-Gamma fit, P(alive), expected purchases and 12-month CLV for every customer) against
# lifetimes' BetaGeoFitter.fit + GammaGammaFitter.fit + conditional_probability_alive +
# conditional_expected_number_of_purchases_up_to_time + customer_lifetime_value.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n="${1:-1000000}"
seed="${2:-11}"
scratch="${CLIENTELE_CLV_SCRATCH:-$repo/.build-clv}"
raw="$repo/Benchmarks/results/raw/clv-$n"
mkdir -p "$raw" "$repo/Benchmarks/results"

cd "$repo"
# The test target uses @testable imports, so release builds need -enable-testing.
swift build -c release -Xswiftc -enable-testing --scratch-path "$scratch" --build-tests >&2
source "$repo/Benchmarks/generated_data.sh"
data="$(generated_data "$scratch/release/clientele" "$n" "$seed" "${ROW_ORDER:-date}")"
py="$("$repo/Benchmarks/setup-venv.sh" "${CLIENTELE_LIFETIMES_VENV:-$here/.venv}" "$here/requirements-lifetimes.txt" --only-binary=numpy,scipy,pandas | tail -n 1)"

echo "bench_clv: Clientele ($n customers)" >&2
CLIENTELE_CLV_BENCH_DIR="$data" CLIENTELE_CLV_BENCH_OUT="$raw" \
    swift test -c release -Xswiftc -enable-testing --skip-build --scratch-path "$scratch" --filter CLVBenchmarkTests >"$raw/clientele-test.log" 2>&1 \
    || { tail -30 "$raw/clientele-test.log" >&2; exit 1; }
echo "bench_clv: lifetimes ($n customers)" >&2
load_before="$(cut -d' ' -f1 /proc/loadavg)"
"$py" "$here/clv_reference.py" bench "$raw/clv-summary.csv" "$raw/clv-lifetimes.json" >&2
load_after="$(cut -d' ' -f1 /proc/loadavg)"

"$py" - "$raw/clv-clientele.json" "$raw/clv-lifetimes.json" "$repo/Benchmarks/results/clv-$n.md" "$load_before" "$load_after" <<'PY'
import json, sys, platform, os
c = json.load(open(sys.argv[1])); l = json.load(open(sys.argv[2])); out = sys.argv[3]
cs, ls, cc = c["seconds"], l["seconds"], c["cpu_seconds"]
def rel(a, b): return abs(a - b) / abs(b)
rows = [
    ("BG/NBD fit (patterns + fit)", cs["patterns"] + cs["bgnbd_fit"], cc["patterns"] + cc["bgnbd_fit"], ls["bgnbd_fit"]),
    ("Gamma-Gamma fit", cs["gamma_gamma_fit"], cc["gamma_gamma_fit"], ls["gamma_gamma_fit"]),
    ("Predictions: P(alive), expected purchases, 12-month CLV", cs["predictions"], cc["predictions"], ls["predictions"]),
    ("**Fit + predictions**", cs["fit_and_predictions"], cc["fit_and_predictions"], ls["fit_and_predictions"]),
]
lines = [f"# CLV benchmark: {c['customers']:,} customers", "",
         f"Clientele (Swift, release, 2 cores; fastest of {c['repeats']} runs) against lifetimes {l['versions']['lifetimes']} "
         f"(numpy {l['versions']['numpy']}, scipy {l['versions']['scipy']}, pandas {l['versions']['pandas']}, "
         f"autograd {l['versions']['autograd']}, Python {l['versions']['python']}; one run) on the same calibration summary, "
         f"same machine, same run (`Benchmarks/clv/bench_clv.sh`). Machine: {os.cpu_count()} cores, "
         f"load average {sys.argv[4]} before and {sys.argv[5]} after lifetimes.", "",
         f"Distinct (x, t_x, T) patterns: {c['patterns']:,}. Not timed on either side: reading transactions "
         f"(Clientele {c['load_seconds']:.2f} s) and the summary (Clientele {cs['summary']:.3f} s; lifetimes reads a CSV, "
         f"{ls['read_summary']:.2f} s).", "",
         "| step | Clientele (s) | Clientele CPU (s) | lifetimes (s) | ratio |", "|---|---:|---:|---:|---:|"]
for name, a, cpu, b in rows:
    lines.append(f"| {name} | {a:.4f} | {cpu:.4f} | {b:.2f} | {b / a:,.0f}× |")
lines += ["", "Clientele CPU: process CPU time over all threads, the smallest of the runs (taken separately "
          "from the wall-clock minimum); the ratio is of wall-clock times."]
lines += ["", f"Holdout validation (26 weeks, by calibration frequency 0..7+): Clientele {cs['holdout_validation']:.4f} s.", "",
          "## Estimates", "", "| parameter | truth | Clientele | ± SE | lifetimes | ± SE | relative difference |", "|---|---:|---:|---:|---:|---:|---:|"]
truth = {"r": 0.5, "alpha": 12, "a": 1.5, "b": 3.5, "p": 6, "q": 4, "v": 15}
for k in ["r", "alpha", "a", "b"]:
    lines.append(f"| {k} | {truth[k]} | {c['bgnbd'][k]:.6g} | {c['bgnbd_se'][k]:.3g} | {l['bgnbd'][k]:.6g} | {l['bgnbd_se'][k]:.3g} | {rel(c['bgnbd'][k], l['bgnbd'][k]):.1e} |")
for k in ["p", "q", "v"]:
    lines.append(f"| {k} | {truth[k]} | {c['gamma_gamma'][k]:.6g} | {c['gamma_gamma_se'][k]:.3g} | {l['gamma_gamma'][k]:.6g} | {l['gamma_gamma_se'][k]:.3g} | {rel(c['gamma_gamma'][k], l['gamma_gamma'][k]):.1e} |")
lines += ["", "Every Clientele estimate within 3 standard errors of the generating value: "
          + ("yes" if all(abs(v) <= 3 for v in c["standard_errors_from_truth"].values()) else "NO")
          + " (" + ", ".join(f"{k} {v:+.2f}" for k, v in sorted(c["standard_errors_from_truth"].items())) + " SE).", "",
          "Checksums over customers (Clientele / lifetimes): "
          + "; ".join(f"{k} {c['checksums'][k]:.6f} / {l['checksums'][k]:.6f}" for k in ["p_alive_sum", "expected_purchases_sum", "clv_sum"]), "",
          f"Holdout: actual {c['holdout']['actual']:.0f}, predicted {c['holdout']['predicted']:.1f} (conditional), "
          f"{c['holdout']['unconditional']:.1f} (unconditional); per-customer MAE {c['holdout']['mae']:.4f}.", "",
          "| calibration x | customers | actual mean | predicted mean |", "|---|---:|---:|---:|"]
for label, n, a, p in c["holdout"]["buckets"]:
    lines.append(f"| {label} | {n:,} | {a:.4f} | {p:.4f} |")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
