#!/usr/bin/env bash
# Check Clientele's RFM output, customer by customer, against the independent pandas
# reference (rfm_reference.py), for the three tie rules.
#
#   Benchmarks/reference/check_rfm.sh [CLIENTELE_BINARY]   # default .build/release/clientele
#
# Environment: CUSTOMERS=100000 SEED=11 (generated set), DEMO_SEED=1 (the demo's data, `clientele
# demo`'s default seed), KEEP=1 keeps the work folder.
# If the binary is missing it is built with `swift build -c release` first.
#
# Tests (each prints PASS/FAIL; the last line is "N passed, N failed"; exit 1 on any failure):
#   reference-self-check         brute-force check of the reference's fill/share/NTILE scoring
#   reference-testdata-{fill,share,split}   reference on testdata/ equals the hand-checked expected files
#   clientele-testdata-{fill,share,split}   clientele run on testdata/ equals the expected files
#   clientele-testdata-default              clientele run without --rfm-ties equals expected_fill.csv
#   clientele-testdata-asof            the same with --as-of 2024-06-15 (inside the history)
#   clientele-generated-{fill,share,split}  clientele generate --customers $CUSTOMERS --seed $SEED,
#                                      clientele run --rfm-ties ..., compared with the reference
#   clientele-generated-frequency-breaks  the generated set with a job file's [rfm] frequency_breaks =
#                                      [1, 2, 3, 5] (F from fixed breaks, R and M by fill), against
#                                      the reference's --frequency-breaks 1,2,3,5 (pandas cut)
#   clientele-demo-fill                clientele demo --customers $CUSTOMERS --seed $DEMO_SEED (the demo
#                                      data and its as-of, default tie rule) against the reference
# The reference fails on its own when fill leaves a score value empty on a measure with at least
# 5 distinct values, so the fill tests also check that no score value is empty.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/check_common.sh"
DEMO_SEED="${DEMO_SEED:-1}"

work="$(mktemp -d "${TMPDIR:-/tmp}/clientele-check-rfm.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi

# -- the reference itself
if out="$("$PY" "$here/rfm_reference.py" --self-check 2>&1)"; then pass reference-self-check
else fail reference-self-check "$(echo "$out" | tail -n 3)"; fi

td="$here/testdata"
for ties in fill share split; do
    "$PY" "$here/rfm_reference.py" "$td/transactions.csv" "$work/ref-testdata-$ties.csv" --ties "$ties" 2>/dev/null
    if out="$("$PY" "$here/compare_customers.py" "$td/expected_$ties.csv" "$work/ref-testdata-$ties.csv" 2>&1)"; then
        pass "reference-testdata-$ties"
    else
        fail "reference-testdata-$ties" "$out"
    fi
done

# -- the clientele binary
if [[ ! -x "$bin" ]]; then
    echo "check_rfm: $bin not found; building it (swift build -c release)" >&2
    (cd "$root" && swift build -c release --product clientele >&2) || true
fi
if [[ ! -x "$bin" ]]; then
    fail clientele-binary "$bin does not exist and could not be built"
    finish
fi

run_clientele() {  # name tx it outdir ties [extra run flags...] -> 0 ok
    local name="$1" tx="$2" it="$3" out="$4" ties="$5" log="$work/$1.log"
    shift 5
    if ! "$bin" run --transactions "$tx" --interactions "$it" --out "$out" --rfm-ties "$ties" --quiet "$@" \
            >"$log" 2>&1; then
        fail "$name" "clientele run exited $? ($(tail -n 3 "$log" | tr '\n' ' '))"
        return 1
    fi
    if [[ ! -s "$out/customers.csv" ]]; then
        fail "$name" "clientele run wrote no $out/customers.csv"
        return 1
    fi
}

compare() {  # name reference clientele
    local out
    if out="$("$PY" "$here/compare_customers.py" "$2" "$3" --label "$1" --show 5 2>&1)"; then
        pass "$1"; echo "    $out"
    else
        fail "$1" "$out"
    fi
}

for ties in fill share split; do
    name="clientele-testdata-$ties"
    run_clientele "$name" "$td/transactions.csv" "$td/interactions.csv" "$work/cli-testdata-$ties" "$ties" &&
        compare "$name" "$td/expected_$ties.csv" "$work/cli-testdata-$ties/customers.csv"
done

# no --rfm-ties: the default rule is fill
name="clientele-testdata-default"
if "$bin" run --transactions "$td/transactions.csv" --interactions "$td/interactions.csv" --out "$work/cli-testdata-default" \
        --quiet >"$work/$name.log" 2>&1; then
    compare "$name" "$td/expected_fill.csv" "$work/cli-testdata-default/customers.csv"
else
    fail "$name" "clientele run exited non-zero ($(tail -n 3 "$work/$name.log" | tr '\n' ' '))"
fi

# explicit --as-of inside the history: orders dated on or after it are left out
name="clientele-testdata-asof"
run_clientele "$name" "$td/transactions.csv" "$td/interactions.csv" "$work/cli-testdata-asof" share \
        --as-of 2024-06-15 &&
    compare "$name" "$td/expected_share_asof_2024-06-15.csv" "$work/cli-testdata-asof/customers.csv"

gen="$work/generated"
if ! "$bin" generate --customers "$CUSTOMERS" --seed "$SEED" --out "$gen" >"$work/generate.log" 2>&1; then
    fail clientele-generate "clientele generate exited non-zero ($(tail -n 3 "$work/generate.log" | tr '\n' ' '))"
    finish
fi
for f in transactions.csv interactions.csv; do
    [[ -s "$gen/$f" ]] || { fail clientele-generate "generate wrote no $f"; finish; }
done
echo "check_rfm: generated $CUSTOMERS customers, $(($(wc -l < "$gen/transactions.csv") - 1)) transaction rows" >&2

for ties in fill share split; do
    name="clientele-generated-$ties"
    if ! "$PY" "$here/rfm_reference.py" "$gen/transactions.csv" "$work/ref-gen-$ties.csv" --ties "$ties" \
            2>"$work/ref-gen-$ties.log"; then
        fail "$name" "reference failed: $(tail -n 3 "$work/ref-gen-$ties.log")"
        continue
    fi
    run_clientele "$name" "$gen/transactions.csv" "$gen/interactions.csv" "$work/cli-gen-$ties" "$ties" &&
        compare "$name" "$work/ref-gen-$ties.csv" "$work/cli-gen-$ties/customers.csv"
done

# F from fixed frequency breaks (a job file: there is no flag for them), R and M by the default fill
name="clientele-generated-frequency-breaks"
printf '[rfm]\nfrequency_breaks = [1, 2, 3, 5]\n' >"$work/breaks.toml"
if ! "$PY" "$here/rfm_reference.py" "$gen/transactions.csv" "$work/ref-gen-breaks.csv" --ties fill \
        --frequency-breaks 1,2,3,5 2>"$work/ref-gen-breaks.log"; then
    fail "$name" "reference failed: $(tail -n 3 "$work/ref-gen-breaks.log")"
else
    run_clientele "$name" "$gen/transactions.csv" "$gen/interactions.csv" "$work/cli-gen-breaks" fill "$work/breaks.toml" &&
        compare "$name" "$work/ref-gen-breaks.csv" "$work/cli-gen-breaks/customers.csv"
fi

# the demo's own data and report (seed DEMO_SEED, its as-of, the default tie rule)
name="clientele-demo-fill"
if "$bin" demo --customers "$CUSTOMERS" --seed "$DEMO_SEED" --out "$work/demo" >"$work/$name.log" 2>&1; then
    as_of="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["settings"]["as_of"])' "$work/demo/report/report.json")"
    if "$PY" "$here/rfm_reference.py" "$work/demo/data/transactions.csv" "$work/ref-demo-fill.csv" --ties fill \
            --as-of "$as_of" 2>"$work/ref-demo-fill.log"; then
        compare "$name" "$work/ref-demo-fill.csv" "$work/demo/report/customers.csv"
    else
        fail "$name" "reference failed: $(tail -n 3 "$work/ref-demo-fill.log")"
    fi
else
    fail "$name" "clientele demo exited non-zero ($(tail -n 3 "$work/$name.log" | tr '\n' ' '))"
fi

echo "check_rfm: $((SECONDS - start)) s" >&2
finish
