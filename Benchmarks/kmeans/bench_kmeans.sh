#!/usr/bin/env bash
# K-means on 10^6 generated customers (default RFM features, k = 5, 4 restarts): Clientele beside
# scikit-learn in the same run. Writes Benchmarks/results/kmeans-N.md (ratios = scikit-learn ÷ Clientele).
#
#   Benchmarks/kmeans/bench_kmeans.sh [N]       # N default 1000000; REPS=3; BUILD_ROOT=checkout to build (default: this one)
#
# Clientele is timed through a release-built test harness (KMeansBenchmarkTests, enabled only by
# CLIENTELE_KMEANS_BENCH) on the same float64 feature matrix that scikit-learn gets, so both time
# the clustering alone, not file parsing. scikit-learn runs with its defaults (OpenMP on both
# cores); OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are unset for the Python process only (see
# /work/.library/env/README.md), and threadpoolctl's report of the BLAS it used goes in the results.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-1000000}"
reps="${REPS:-3}"
py="$("$root/Benchmarks/setup-venv.sh" "${CLIENTELE_KMEANS_VENV:-$here/.venv}" "$here/requirements.txt" | tail -n 1)"
work="$root/Benchmarks/results/raw/kmeans-$n"
mkdir -p "$work"

echo "bench_kmeans: generating $n customers" >&2
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/bench_kmeans_peer.py" generate "$n" "$work/features.f64"

echo "bench_kmeans: scikit-learn" >&2
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/bench_kmeans_peer.py" time "$work/features.f64" "$reps" > "$work/sklearn.json"

echo "bench_kmeans: clientele (release test harness)" >&2
(cd "${BUILD_ROOT:-$root}" && CLIENTELE_KMEANS_BENCH="$work/features.f64" CLIENTELE_KMEANS_BENCH_OUT="$work/clientele.json" \
    CLIENTELE_KMEANS_BENCH_REPS="$reps" swift test -c release --scratch-path "${SCRATCH:-.build-km-release}" \
    --filter 'KMeansBenchmarkTests' > "$work/swift-test.log" 2>&1) || { tail -30 "$work/swift-test.log" >&2; exit 1; }

"$py" "$here/bench_kmeans_peer.py" report "$n" "$work/clientele.json" "$work/sklearn.json" \
    > "$root/Benchmarks/results/kmeans-$n.md"
cat "$root/Benchmarks/results/kmeans-$n.md"
