#!/usr/bin/env bash
# Check Clientele's cohorts.csv against the independent pandas reference (cohort_reference.py).
#
#   Benchmarks/reference/check_cohorts.sh [CLIENTELE_BINARY]   # default .build/release/clientele
#
# Environment: CUSTOMERS=100000 SEED=11 (generated set), KEEP=1 keeps the work folder.
# If the binary is missing it is built with `swift build -c release` first.
#
# Tests (each prints PASS/FAIL; the last line is "N passed, N failed"; exit 1 on any failure):
#   reference-testdata[-asof]   the reference on testdata/ equals expected_cohorts*.csv (checked by hand)
#   clientele-testdata[-asof]   clientele run on testdata/ (and --as-of 2024-06-15) equals them
#   clientele-generated         clientele generate --customers $CUSTOMERS --seed $SEED, then
#                               clientele run, compared with the reference row by row: integers
#                               and cents exactly, shares and revenue per customer as the same double
#   clientele-generated-asof    the same with --as-of 2025-06-15 (a partial last month)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/check_common.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/clientele-check-cohorts.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi

compare() {  # name reference clientele
    local out
    if out="$("$PY" "$here/compare_cohorts.py" "$2" "$3" --label "$1" --show 5 2>&1)"; then
        pass "$1"; echo "    $out"
    else
        fail "$1" "$out"
    fi
}

td="$here/testdata"
for variant in "" "-asof"; do
    asof=(); expected="$td/expected_cohorts.csv"
    [[ -n "$variant" ]] && asof=(--as-of 2024-06-15) && expected="$td/expected_cohorts_asof_2024-06-15.csv"
    "$PY" "$here/cohort_reference.py" "$td/transactions.csv" "$work/ref-testdata$variant.csv" "${asof[@]}"
    if cmp -s "$expected" "$work/ref-testdata$variant.csv"; then pass "reference-testdata$variant"
    else fail "reference-testdata$variant" "the reference's output differs from $(basename "$expected")"; fi
done

if [[ ! -x "$bin" ]]; then
    echo "check_cohorts: $bin not found; building it (swift build -c release)" >&2
    (cd "$root" && swift build -c release --product clientele >&2) || true
fi
if [[ ! -x "$bin" ]]; then
    fail clientele-binary "$bin does not exist and could not be built"
    finish
fi

run_clientele() {  # name transactions outdir [extra run flags...] -> 0 ok
    local name="$1" tx="$2" out="$3" log="$work/$1.log"
    shift 3
    if ! "$bin" run --transactions "$tx" --out "$out" --quiet "$@" >"$log" 2>&1; then
        fail "$name" "clientele run exited non-zero ($(tail -n 3 "$log" | tr '\n' ' '))"
        return 1
    fi
    [[ -s "$out/cohorts.csv" ]] || { fail "$name" "clientele run wrote no $out/cohorts.csv"; return 1; }
}

run_clientele clientele-testdata "$td/transactions.csv" "$work/cli-testdata" &&
    compare clientele-testdata "$td/expected_cohorts.csv" "$work/cli-testdata/cohorts.csv"
run_clientele clientele-testdata-asof "$td/transactions.csv" "$work/cli-testdata-asof" --as-of 2024-06-15 &&
    compare clientele-testdata-asof "$td/expected_cohorts_asof_2024-06-15.csv" "$work/cli-testdata-asof/cohorts.csv"

gen="$work/generated"
if ! "$bin" generate --customers "$CUSTOMERS" --seed "$SEED" --out "$gen" >"$work/generate.log" 2>&1; then
    fail clientele-generate "clientele generate exited non-zero ($(tail -n 3 "$work/generate.log" | tr '\n' ' '))"
    finish
fi
echo "check_cohorts: generated $CUSTOMERS customers, $(($(wc -l < "$gen/transactions.csv") - 1)) transaction rows" >&2
for variant in "" "-asof"; do
    name="clientele-generated$variant"; asof=()
    [[ -n "$variant" ]] && asof=(--as-of 2025-06-15)
    if ! "$PY" "$here/cohort_reference.py" "$gen/transactions.csv" "$work/ref-gen$variant.csv" "${asof[@]}" 2>"$work/ref-gen$variant.log"; then
        fail "$name" "reference failed: $(tail -n 3 "$work/ref-gen$variant.log")"
        continue
    fi
    run_clientele "$name" "$gen/transactions.csv" "$work/cli-gen$variant" "${asof[@]}" &&
        compare "$name" "$work/ref-gen$variant.csv" "$work/cli-gen$variant/cohorts.csv"
done

echo "check_cohorts: $((SECONDS - start)) s" >&2
finish
