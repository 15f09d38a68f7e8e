#!/usr/bin/env bash
# Kendall's tau-b on 10^6 pairs: Clientele beside scipy.stats.kendalltau in the same run, on two
# data sets: survey-like answers full of ties (CSAT 1-5 against recommend 0-10) and continuous
# values without ties. Writes Benchmarks/results/kendall-N.md (ratios = scipy ÷ Clientele).
#
#   Benchmarks/correlation/bench_kendall.sh [N]   # N default 1000000; REPS=5; BUILD_ROOT as bench_kmeans.sh
#
# Clientele is timed through a release-built test harness (CorrelationBenchmarkTests, enabled only
# by CLIENTELE_KENDALL_BENCH) on the same float64 arrays scipy gets; both return tau-b and its
# p-value (scipy's default method: asymptotic for n > 33).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-1000000}"
reps="${REPS:-5}"
py="$("$root/Benchmarks/setup-venv.sh" "${CLIENTELE_KMEANS_VENV:-$root/Benchmarks/kmeans/.venv}" "$root/Benchmarks/kmeans/requirements.txt" | tail -n 1)"
work="$root/Benchmarks/results/raw/kendall-$n"
mkdir -p "$work"

for data in survey continuous; do
    echo "bench_kendall: $data: generating and timing scipy" >&2
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/bench_kendall_peer.py" generate "$n" "$data" "$work/$data.f64"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/bench_kendall_peer.py" time "$work/$data.f64" "$reps" > "$work/$data-scipy.json"
    echo "bench_kendall: $data: clientele (release test harness)" >&2
    (cd "${BUILD_ROOT:-$root}" && CLIENTELE_KENDALL_BENCH="$work/$data.f64" CLIENTELE_KENDALL_BENCH_OUT="$work/$data-clientele.json" \
        CLIENTELE_KENDALL_BENCH_REPS="$reps" swift test -c release --scratch-path "${SCRATCH:-.build-km-release}" \
        --filter 'CorrelationBenchmarkTests' > "$work/$data-swift-test.log" 2>&1) || { tail -30 "$work/$data-swift-test.log" >&2; exit 1; }
done

"$py" "$here/bench_kendall_peer.py" report "$n" "$work" > "$root/Benchmarks/results/kendall-$n.md"
cat "$root/Benchmarks/results/kendall-$n.md"
