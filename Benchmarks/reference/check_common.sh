# Shared by the reference checks (check_rfm.sh, check_cohorts.sh), sourced after `set -uo pipefail`:
# paths, the binary under test ($1, default .build/release/clientele), CUSTOMERS and SEED, the
# pass/fail tally with `finish`, and the pinned Python venv in $PY (Benchmarks/setup-python.sh).
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
bench="$(cd "$here/.." && pwd)"
root="$(cd "$bench/.." && pwd)"
bin="${1:-$root/.build/release/clientele}"
[[ "$bin" = /* ]] || bin="$PWD/$bin"
CUSTOMERS="${CUSTOMERS:-100000}"
SEED="${SEED:-11}"

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit $?; }

start=$SECONDS
if ! PY="$("$bench/setup-python.sh" | tail -n 1)"; then
    fail setup-python "could not create the venv (Benchmarks/setup-python.sh)"
    finish
fi
