#!/usr/bin/env bash
# Churn benchmark: Clientele's logistic regression (Newton/IRLS over BLAS dsyrk + LAPACK Cholesky)
# against statsmodels Logit(newton) and scikit-learn LogisticRegression(penalty=None, lbfgs) on the
# same design matrix of N generated customers, in the same run. Writes
# Benchmarks/results/churn-N.md (ratios) and Benchmarks/results/raw/churn-N/ (JSON, git-ignored).
#
#   Benchmarks/churn/bench_churn.sh [N]          # N defaults to 1000000
#   REPS=5 CLIENTELE_ROOT=/path/to/tree Benchmarks/churn/bench_churn.sh 1000000
#   ROW_ORDER=customer Benchmarks/churn/bench_churn.sh     # rows of the generated data (default date)
#
# Steps: pinned venv (Benchmarks/setup-venv.sh); release build of Benchmarks/churn/bench (the churn-bench driver,
# linked against the library at CLIENTELE_ROOT, default this repository); generated data in
# Benchmarks/data/clientele-nN-s11-ROW_ORDER (made by churn-bench generate when missing: the same
# bytes as `clientele generate --row-order ROW_ORDER`, generated_data.sh's name); the design matrix
# and the whole churn kernel timed once (churn-bench design); then the fit alone REPS times by
# each tool (churn-bench fit, bench_churn.py).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n="${1:-1000000}"
reps="${REPS:-5}"
seed=11
row_order="${ROW_ORDER:-date}"
[[ "$row_order" == date || "$row_order" == customer ]] || { echo "error: ROW_ORDER must be date or customer" >&2; exit 64; }
data="$repo/Benchmarks/data/clientele-n$n-s$seed-$row_order"
raw="$repo/Benchmarks/results/raw/churn-$n"
out="$repo/Benchmarks/results/churn-$n.md"
scratch="${CHURN_BENCH_SCRATCH:-$repo/.build-churn-bench}"
mkdir -p "$raw"

python="$("$here/../setup-venv.sh" "${CLIENTELE_CHURN_VENV:-$here/.venv}" "$here/requirements.txt" --only-binary=:all: --no-deps | tail -n 1)"

echo "bench_churn: building churn-bench (release)" >&2
swift build -c release --package-path "$here/bench" --scratch-path "$scratch" >&2
[[ -z "${CLIENTELE_ROOT:-}" ]] || echo "bench_churn: library from CLIENTELE_ROOT=$CLIENTELE_ROOT" >&2
bench="$scratch/release/churn-bench"

if [[ ! -f "$data/.complete" ]]; then
    echo "bench_churn: generating $n customers (seed $seed, $row_order order) into $data" >&2
    rm -rf "$data"
    "$bench" generate --customers "$n" --seed "$seed" --row-order "$row_order" --out "$data" > "$raw/generate.json"
    touch "$data/.complete"
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench_churn: design matrix and the whole churn kernel" >&2
/usr/bin/time -f '%e %U %S %M' -o "$raw/design.time" \
    "$bench" design --data "$data" --out "$raw/design.csv" > "$raw/design.json"
echo "bench_churn: Clientele fit x$reps" >&2
"$bench" fit "$raw/design.csv" --repeat "$reps" > "$raw/clientele.json"
echo "bench_churn: statsmodels and scikit-learn fits x$reps" >&2
"$python" "$here/bench_churn.py" "$raw/design.csv" --repeat "$reps" > "$raw/peers.json"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

"$python" "$here/render_results.py" --raw "$raw" --out "$out" --customers "$n" --reps "$reps" \
    --load-before "$load_before" --load-after "$load_after" --binary "$bench" --root "${CLIENTELE_ROOT:-$repo}" --repo "$repo"
echo "bench_churn: wrote ${out#$repo/}" >&2
