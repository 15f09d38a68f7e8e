#!/usr/bin/env bash
# Fault-injection suite: replays the failures operators meet (a failing system call at every step
# of a run, kill -9 at random points, a full disk on each output, invalid settings, hostile folder
# layouts, damaged exports and job files) and checks after every case that no run lost data.
# See Tests/faults/README.md.
#
#   Tests/faults/run.sh [BINARY]          default BINARY: .build/release/clientele
#
# Environment (all optional):
#   FAULTS_CASES=GLOB   run only the cases whose name matches (e.g. 'step-37-EIO', 'fuzz-job-*')
#   FAULTS_SEED=N       seed of the kill delays and the mutations (default 1)
#   FAULTS_KILLS=N      kill cases (default 60)
#   FAULTS_FUZZ=N       mutation cases, split over transactions, interactions and the job file (300)
#   FAULTS_JOBS=N       cases run at once (default: the number of cores)
#   FAULTS_TIMEOUT=S    a run that takes longer fails its case (default 20; a clean run takes 0.1 s)
#   FAULTS_WORK=DIR     work folder (default: a new one under /tmp, removed unless a case failed)
#
# Needs bash, coreutils, cc and the sqlite3 CLI (installed with apt-get when missing and root).
# Prints one line per group, each failing case with its reproduction, and last
# "faults: P passed, F failed"; exits 1 when a case failed, 2 when the suite could not start.
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:-.build/release/clientele}
[[ $bin == /* ]] || bin=$PWD/$bin
seed=${FAULTS_SEED:-1}
kills=${FAULTS_KILLS:-60}
fuzz=${FAULTS_FUZZ:-300}
parallel=${FAULTS_JOBS:-$(nproc 2>/dev/null || echo 2)}
timeout_s=${FAULTS_TIMEOUT:-20}
only=${FAULTS_CASES:-*}
started=$SECONDS

die() { echo "faults: $*" >&2; exit 2; }

[ -x "$bin" ] || die "$bin: no such executable (swift build -c release --product clientele)"
command -v cc >/dev/null || die "cc is missing (apt-get install gcc)"
command -v timeout >/dev/null || die "timeout (coreutils) is missing"
if ! command -v sqlite3 >/dev/null; then
    [ "$(id -u)" -eq 0 ] || die "the sqlite3 CLI is missing (apt-get install sqlite3)"
    echo "faults: installing sqlite3" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends sqlite3; } >/dev/null || die "cannot install sqlite3"
fi
[ "$(sqlite3 :memory: "SELECT json_valid('{}') AND readfile('/dev/null') IS NOT NULL" 2>/dev/null)" = 1 ] \
    || die "this sqlite3 CLI lacks json_valid() or readfile()"
trap 'jobs -p | xargs -r kill 2>/dev/null; exit 130' INT TERM

work=${FAULTS_WORK:-$(mktemp -d /tmp/clientele-faults.XXXXXX)}
mkdir -p "$work" || die "cannot create $work"
work=$(cd "$work" && pwd -P)
rm -rf "$work/cases" "$work/results"
mkdir -p "$work/cases" "$work/results"
cc -shared -fPIC -O2 -o "$work/faultfs.so" "$here/faultfs.c" -ldl || die "cannot build faultfs.so"
cc -O2 -o "$work/mutate" "$here/mutate.c" || die "cannot build mutate"
so=$work/faultfs.so

# The run every case makes (with --quiet, so a failure prints nothing but its error line).
run_args=(run job.toml --quiet)
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- the baseline: exports, a job file, a note, and one successful run (old report + old history) ----

base=$work/base
rm -rf "$base"
mkdir -p "$base"
"$bin" generate --customers 1500 --seed 3 --out "$base/exports" >/dev/null 2>"$work/generate.err" \
    || die "generate failed: $(head -c 300 "$work/generate.err")"
printf 'operator notes beside the exports: clientele must never touch this file\n' >"$base/notes.txt"
cat >"$base/job.toml" <<'EOF'
# The fault suite's job: every kernel on, small k.
[transactions]
path = "exports/transactions.csv"

[interactions]
path = "exports/interactions.csv"
satisfaction_scale = [1, 5]
recommend_scale = [0, 10]

[run]
on_bad_row = "fail"
max_reject_share = 0.01
threads = 2
seed = 42

[clusters]
k = 3
restarts = 2

[churn]
test_share = 0.3

[satisfaction]
satisfied_at_least = 4
confidence_level = 0.95

[clv]
horizon_months = 12
monthly_discount_rate = 0.01

[rfm]
quantiles = 5
margin = 0.3
EOF
(cd "$base" && "$bin" "${run_args[@]}" --history "$base/history.db" --out "$base/report" >/dev/null 2>"$work/base.err") \
    || die "the baseline run failed: $(head -c 300 "$work/base.err")"

# The same exports with three bad rows, for the rejects cases.
bad=$work/bad-transactions.csv
awk 'NR == 40 { print "C00000007,bad-1,2024-01-01,twelve,1,P0001,store" }
     NR == 400 { print "C00000008,bad-2,2024-13-45,10.00,1,P0001,store" }
     NR == 4000 { print "C00000009,bad-3,2024-02-02,1.005,1,P0001,store" } { print }' \
    "$base/exports/transactions.csv" >"$bad"

# A fresh folder: the exports and the job, no report, no history (the first run ever).
fresh=$work/fresh
rm -rf "$fresh"
mkdir -p "$fresh"
cp -a "$base/exports" "$base/job.toml" "$base/notes.txt" "$fresh/"

marker=.clientele-report
token_of() { [ -f "$1/$marker" ] && sed -n 's/^run_token=//p' "$1/$marker" | head -n 1; return 0; }
base_token=$(token_of "$base/report")
[ -n "$base_token" ] || die "the baseline report has no $marker with a run_token line: the checks need a binary that writes it"

# Every file of a report folder with its hash (the marker and all).
report_fp() { [ -d "$1" ] && (cd "$1" && find . -type f -exec sha256sum {} + | sort); return 0; }
# Every entry of a case folder except the run's own outputs: type, path, and a hash for files.
protected_fp() {
    (cd "$1" && find . -mindepth 1 \( -path ./report -o -path ./report.rejects.csv -o -path './history.db' \
        -o -path './history.db-wal' -o -path './history.db-shm' -o -path './history.db-journal' \
        -o -path './.report.staging-*' -o -path './.report.rejects.csv.staging-*' \) -prune \
        -o -type f -exec sha256sum {} + -o -printf '%y %p\n' | sort)
}
base_fp=$(report_fp "$base/report")

# ---- the reference: a clean second run, counted (its steps) and timed; its data files ----

ref=$work/ref
rm -rf "$ref"
cp -a "$base" "$ref"
t0=$(now_ms)
(cd "$ref" && env LD_PRELOAD="$so" FAULTFS_ROOT="$ref" FAULTFS_COUNT="$work/ref.steps" \
    "$bin" "${run_args[@]}" --history "$ref/history.db" --out "$ref/report" >/dev/null 2>"$work/ref.err") \
    || die "the clean second run failed: $(head -c 300 "$work/ref.err")"
run_ms=$(($(now_ms) - t0))
steps=$(wc -l <"$work/ref.steps")
# Data files are deterministic (seeded); report.json, .md and .html carry timings and dates.
data_files=()
for f in customers.csv segments.csv cohorts.csv clusters.csv clv_model.json correlations.csv churn_model.csv churn_risk.csv; do
    [ -f "$ref/report/$f" ] || continue
    if cmp -s "$ref/report/$f" "$base/report/$f"; then data_files+=("$f"); else echo "faults: note: $f differs between two clean runs; not compared" >&2; fi
done
(cd "$ref/report" && sha256sum "${data_files[@]}") >"$work/ref.sha"
ref_customers=$(($(wc -l <"$ref/report/customers.csv") - 1))

# First-run steps (no report, no history yet).
cp -a "$fresh" "$work/fresh-count"
(cd "$work/fresh-count" && env LD_PRELOAD="$so" FAULTFS_ROOT="$work/fresh-count" FAULTFS_COUNT="$work/fresh.steps" \
    "$bin" "${run_args[@]}" --history "$work/fresh-count/history.db" --out "$work/fresh-count/report" >/dev/null 2>&1) \
    || die "the clean first run failed"
fresh_steps=$(wc -l <"$work/fresh.steps")
rm -rf "$work/fresh-count"

# The shim must see the staging folder, the report files, the exchange, the history, its WAL and journal.
saw() { awk -v p="$2" '$3 == p || (p !~ /history\.db$/ && index($0, p) > 0) { found = 1 } END { exit !found }' "$1"; }
for want in "$ref/.report.staging-" "/customers.csv" "/report.json" "/$marker" "renameat2" "$ref/history.db-wal" "$ref/history.db"; do
    saw "$work/ref.steps" "$want" || echo "faults: note: the shim saw no call on $want in a clean run" >&2
done
saw "$work/fresh.steps" "/history.db-journal" || echo "faults: note: the shim saw no call on history.db-journal in a first run" >&2

echo "faults: $bin; work folder $work; baseline report token $base_token"
echo "faults: clean run ${run_ms} ms, $steps intercepted calls (first run: $fresh_steps); ${#data_files[@]} data files compared"

# ---- one case ----
#
# A case runs in its own copy of a source folder (base or fresh); verify() checks the invariants
# and collects problems; finish() writes results/NAME.pass (holding the exit status) or
# results/NAME.fail (with the reproduction, and keeps the case folder).

d="" name="" rc=0 err="" out="" repro="" setup="" note=""
problems=() outs=()

new_case() {  # NAME SOURCE
    name=$1
    d=$work/cases/$name
    rm -rf "$d" "$d".*
    cp -a "$2" "$d"
    err=$d.err out=$d.out
    setup="cp -a $(printf %q "$2") $(printf %q "$d")"
    repro="" note=""
    outs=(--history "$d/history.db" --out "$d/report")
    problems=()
}

# invoke [VAR=value ...] -- [extra args]: the case's run, under timeout, in the case folder, with
# the outputs in outs (default: --history CASE/history.db --out CASE/report).
invoke() {
    local envs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    local cmd=("$bin" "${run_args[@]}" "${outs[@]}" "$@")
    repro=${repro:+$repro; then }"cd $(printf %q "$d") && $(printf '%q ' env "${envs[@]+"${envs[@]}"}" "${cmd[@]}")"
    (cd "$d" && timeout -k 5 "$timeout_s" env "${envs[@]+"${envs[@]}"}" "${cmd[@]}" >"$out" 2>"$err")
    rc=$?
}

# Checks the invariants after a run, adding to problems. Arguments (name=value words):
#   killed=1        the run was killed with SIGKILL (exit 137; staging leftovers allowed)
#   leftover=ok     staging leftovers allowed (the injected fault was their removal)
#   expect=fail     a fault was injected that the run must report (it must not exit 0)
#   expect=success  the run must exit 0
#   expect=N        the run must exit N
#   pair=no         skip (ii), for runs whose --out or --history is not the case's report and history
#   same_input=1    a new report must hold the clean run's data files and customer count
#   old_token= old_fp=  the report in place before the run: its token and report_fp (default: the baseline's)
#   pre=FILE        protected_fp of the case folder before the run
verify() {
    local killed=0 leftover=no expect=any same_input=0 old_token=$base_token old_fp=$base_fp pre="" pair=yes kv
    for kv in "$@"; do
        case $kv in
        killed=*) killed=${kv#*=} ;; leftover=*) leftover=${kv#*=} ;; expect=*) expect=${kv#*=} ;;
        same_input=*) same_input=${kv#*=} ;; old_token=*) old_token=${kv#*=} ;; old_fp=*) old_fp=${kv#*=} ;;
        pre=*) pre=${kv#*=} ;; pair=*) pair=${kv#*=} ;;
        esac
    done

    # (i), (iv): the exit status, and exactly one clean error line on failure.
    if [ "$killed" != 1 ]; then
        case $rc in
        0 | 64 | 65 | 66 | 73 | 74) ;;
        70) problems+=("exit 70 (internal error)") ;;
        124) problems+=("still running after ${timeout_s}s (timeout)") ;;
        *) if [ "$rc" -ge 128 ]; then problems+=("exit $rc: crash (signal $((rc - 128)))"); else problems+=("exit $rc: not in the exit-code contract"); fi ;;
        esac
        if [ "$rc" != 0 ]; then
            local newlines errors
            newlines=$(tr -cd '\n' <"$err" | wc -c)
            errors=$(grep -ac '^error:' "$err")
            if [ "$newlines" != 1 ] || [ "$errors" != 1 ] || [ "$(head -c 6 "$err")" != "error:" ] || [ -n "$(tail -c 1 "$err")" ]; then
                problems+=("stderr is not exactly one 'error:' line ($newlines lines, $errors starting with error:)")
            fi
            if [ "$(tr -d '\n' <"$err" | tr -d '\040-\176\200-\377' | wc -c)" != 0 ]; then
                problems+=("the error line holds control characters")
            fi
        fi
        case $expect in
        fail) [ "$rc" = 0 ] && problems+=("exit 0 although the run could not do its work (the fault was swallowed)") ;;
        success) [ "$rc" = 0 ] || problems+=("exit $rc where a plain run must succeed") ;;
        [0-9]*) [ "$rc" = "$expect" ] || problems+=("exit $rc where the contract says $expect") ;;
        esac
    fi

    # (iii): nothing outside the run's own outputs changed; no leftovers but a killed run's.
    if [ -n "$pre" ] && ! protected_fp "$d" | cmp -s - "$pre"; then
        problems+=("files outside the outputs changed: $(protected_fp "$d" | diff "$pre" - | grep '^[<>]' | head -n 4 | tr '\n' ' ')")
    fi
    local left
    left=$(cd "$d" && ls -d .report.staging-* .report.rejects.csv.staging-* 2>/dev/null | tr '\n' ' ')
    [ -n "$left" ] && [ "$killed" != 1 ] && [ "$leftover" != ok ] && problems+=("left behind: $left")

    [ "$pair" = no ] && return 0
    # (ii): old report + old history, or new report + new history. The report in place is the
    # run whose token its marker holds; the history's visible runs are the complete ones and the
    # one with that token.
    local now_fp token visible="" snapshots="" state
    now_fp=$(report_fp "$d/report")
    token=$(token_of "$d/report")
    [ -d "$d/report" ] && [ -z "$token" ] && problems+=("report folder without a run_token marker")
    if [[ -n $token && ! $token =~ ^[0-9a-f]+$ ]]; then problems+=("marker token is not hex: $token"); token=""; fi
    if [ -f "$d/history.db" ]; then
        local probe tables columns check result
        probe=$(sqlite3 -readonly -separator ' ' "$d/history.db" \
            "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'runs'),
                    (SELECT count(*) FROM pragma_table_info('runs') WHERE name IN ('state', 'report_token')),
                    (SELECT group_concat(quick_check, '/') FROM pragma_quick_check);" 2>&1 | tr '\n' ' ')
        read -r tables columns check <<<"$probe"
        if [[ ! $tables =~ ^[01]$ ]]; then
            problems+=("history unreadable: $probe")
        elif [ "$check" != ok ]; then
            problems+=("history integrity: $check")
        elif [ "$tables" = 1 ] && [ "$columns" = 2 ]; then
            result=$(sqlite3 -readonly -separator ' ' "$d/history.db" \
                "SELECT 'visible', report_token, (SELECT count(*) FROM customer_snapshots s WHERE s.run_id = runs.id)
                   FROM runs WHERE state = 'complete' OR report_token = '$token' ORDER BY id DESC LIMIT 1;" 2>&1)
            [[ -z $result || $result == visible* ]] || problems+=("history unreadable: $(echo "$result" | tr '\n' ' ')")
            [[ $result == visible* ]] && read -r _ visible snapshots <<<"$result"
        elif [ "$tables" = 1 ]; then
            # A history left at an older schema by a failed first run must hold no run.
            result=$(sqlite3 -readonly "$d/history.db" "SELECT count(*) FROM runs" 2>&1)
            [ "$result" = 0 ] || visible="($result runs without report tokens)"
        fi
    fi
    [ "$visible" = "$token" ] || problems+=("report token '$token' but the newest visible history run has '$visible'")
    if [ "$token" = "$old_token" ]; then state=old; else state=new; fi

    if [ "$state" = old ]; then
        [ "$now_fp" = "$old_fp" ] || problems+=("the previous report was changed by a run that did not replace it")
        [ "$rc" = 0 ] && [ "$killed" != 1 ] && problems+=("exit 0 but the previous report is still in place")
    else
        local rj=$d/report/report.json r incomplete
        r=$(sqlite3 :memory: "SELECT 'json ' || coalesce(json_valid(readfile('$rj')), 'missing');
            SELECT 'missing ' || value FROM json_each(CASE WHEN json_valid(readfile('$rj')) THEN readfile('$rj') ELSE '{}' END, '\$.outputs')
             WHERE readfile('$d/report/' || value) IS NULL OR length(readfile('$d/report/' || value)) = 0;
            SELECT 'accounting ' || json_extract(value, '\$.role') FROM json_each(CASE WHEN json_valid(readfile('$rj')) THEN readfile('$rj') ELSE '{}' END, '\$.inputs')
             WHERE json_extract(value, '\$.rows_read') != json_extract(value, '\$.rows_used') + json_extract(value, '\$.rows_rejected');" 2>&1)
        [ "$(echo "$r" | head -n 1)" = "json 1" ] || problems+=("new report: report.json is not valid JSON ($(echo "$r" | head -n 1))")
        incomplete=$(echo "$r" | grep -E '^(missing|accounting) ' | tr '\n' ' ')
        [ -z "$incomplete" ] || problems+=("new report incomplete: $incomplete")
        if [ "$same_input" = 1 ]; then
            (cd "$d/report" 2>/dev/null && sha256sum -c --quiet "$work/ref.sha" >/dev/null 2>&1) \
                || problems+=("new report: data files differ from a clean run's")
            [ "$snapshots" = "$ref_customers" ] \
                || problems+=("the new history run holds '$snapshots' customer snapshots, the report $ref_customers customers")
        fi
    fi
}

finish() {
    if [ ${#problems[@]} -eq 0 ]; then
        echo "$rc" >"$work/results/$name.pass"
        rm -rf "$d" "$d".*
        return
    fi
    {
        echo "FAIL $name: $(printf '%s; ' "${problems[@]}")"
        [ -s "$err" ] && echo "  stderr: $(head -c 400 "$err" | cat -v | tr '\n' '|')"
        [ -n "$note" ] && echo "  fault: $note"
        echo "  setup: $setup"
        echo "  run:   $repro"
        echo "  rerun: FAULTS_CASES='$name' FAULTS_SEED=$seed FAULTS_KILLS=$kills FAULTS_FUZZ=$fuzz $(printf %q "$here/run.sh") $(printf %q "$bin")"
        echo "  kept:  $d (state after the run)"
    } >"$work/results/$name.fail"
}

# After a run that may leave a dead run's staging behind: a plain run must succeed, replace the
# report and remove the leftovers.
then_plain_run() {
    local after_token after_fp
    after_token=$(token_of "$d/report")
    after_fp=$(report_fp "$d/report")
    invoke --
    note="$note; then a plain run: exit $rc"
    verify pre="$d.pre" expect=success same_input=1 old_token="$after_token" old_fp="$after_fp"
}

# ---- the groups ----

# 1. The Nth intercepted call fails (of a second run: PREFIX step; of a first run: PREFIX first).
case_step() {  # PREFIX N ERRNO
    local prefix=$1 n=$2 e=$3 src=$base steps_file=$work/ref.steps
    [ "$prefix" = first ] && src=$fresh steps_file=$work/fresh.steps
    new_case "$prefix-$n-$e" "$src"
    protected_fp "$d" >"$d.pre"
    invoke LD_PRELOAD="$so" FAULTFS_ROOT="$d" FAULTFS_FAIL_AT="$n" FAULTFS_ERRNO="$e" FAULTFS_COUNT="$d.steps" --
    note=$(grep -m1 ' FAILED$' "$d.steps" 2>/dev/null)
    [ -n "$note" ] || note="not reached (the clean run's call $n: $(sed -n "${n}p" "$steps_file"))"
    # When the fault was the removal of a staging folder, the folder may stay: the next run removes it.
    local leftover=no
    [[ $note =~ (unlink|unlinkat|rmdir|remove)\ [^\ ]*/\.report\.(rejects\.csv\.)?staging- ]] && leftover=ok
    if [ "$prefix" = first ]; then
        verify pre="$d.pre" same_input=1 old_token="" old_fp="" leftover=$leftover
    else
        verify pre="$d.pre" same_input=1 leftover=$leftover
    fi
    # The exit status names the side that failed: 66 for an input that cannot be read (the job
    # file, an export), 73 or 74 for an output (report, staging, history, rejects).
    if [ "$rc" != 0 ] && [[ $note == *" FAILED" ]]; then
        local path
        read -r _ _ path _ <<<"$note"
        case $path in
        "$d"/job.toml | "$d"/exports/*) [ "$rc" = 66 ] || problems+=("exit $rc when an input cannot be read (the contract says 66)") ;;
        *) [ "$rc" = 73 ] || [ "$rc" = 74 ] || problems+=("exit $rc when an output cannot be written (the contract says 73 or 74)") ;;
        esac
    fi
    if [ ${#problems[@]} -eq 0 ] && [ "$leftover" = ok ] && compgen -G "$d/.report.*staging-*" >/dev/null; then
        : >"$work/results/$name.leftover"
        then_plain_run
    fi
    finish
}

# 2. kill -9 after a seeded delay; then a plain run must succeed and remove the dead run's staging.
case_kill() {  # K
    local k=$1
    new_case "kill-$k" "$base"
    RANDOM=$((seed * 1000 + k))
    local ms=$(((RANDOM * 32768 + RANDOM) % (run_ms + 1)))
    local delay
    delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
    protected_fp "$d" >"$d.pre"
    local cmd=("$bin" "${run_args[@]}" --history "$d/history.db" --out "$d/report")
    (cd "$d" && exec "${cmd[@]}" >"$out" 2>"$err") &
    local pid=$!
    sleep "$delay"
    { kill -9 "$pid"; wait "$pid"; } 2>/dev/null
    rc=$?
    local killed=0
    [ "$rc" = 137 ] && killed=1
    repro="cd $(printf %q "$d") && { $(printf '%q ' "${cmd[@]}")& sleep $delay; kill -9 \$!; wait; }"
    note="kill -9 after $delay s (a clean run takes $run_ms ms): exit $rc"
    verify pre="$d.pre" killed=$killed same_input=1
    [ ${#problems[@]} -eq 0 ] && then_plain_run
    finish
}

# 3. A full disk on one output: every write to a path holding SUBSTR fails with ENOSPC.
#    SCENARIO: plain; skip (three bad rows, --on-bad-row skip: rejects.csv in the folder);
#    rejected (the same rows over --max-reject-share: exit 65 and OUT.rejects.csv beside it);
#    first (the first run ever: no report, a new history).
case_disk() {  # LABEL SUBSTR SCENARIO
    local label=$1 substr=$2 scenario=$3 extra=() same=1 src=$base
    [ "$scenario" = first ] && src=$fresh
    new_case "disk-$label" "$src"
    case $scenario in
    skip) cp "$bad" "$d/exports/transactions.csv"; extra=(--on-bad-row skip --max-reject-share 0.5); same=0 ;;
    rejected) cp "$bad" "$d/exports/transactions.csv"; extra=(--on-bad-row skip --max-reject-share 0.0001); same=0 ;;
    esac
    [ "$same" = 1 ] || setup="$setup && cp $(printf %q "$bad") $(printf %q "$d/exports/transactions.csv")"
    protected_fp "$d" >"$d.pre"
    invoke LD_PRELOAD="$so" FAULTFS_ROOT="$d" FAULTFS_FAIL_PATH="$substr" FAULTFS_ERRNO=ENOSPC FAULTFS_COUNT="$d.steps" -- "${extra[@]+"${extra[@]}"}"
    local hits expect=any
    hits=$(grep -c ' FAILED$' "$d.steps" 2>/dev/null)
    note="${hits:-0} writes failed with ENOSPC, the first: $(grep -m1 ' FAILED$' "$d.steps" 2>/dev/null)"
    # A write that fails must fail the run -- except on the history's main file, which SQLite
    # writes only when it checkpoints after COMMIT (the run is then safe in the WAL).
    [ "${hits:-0}" -gt 0 ] && [ "$label" != history.db ] && expect=fail
    [ "${hits:-0}" -gt 0 ] || problems+=("the run wrote no path holding '$substr': the case injects nothing")
    if [ "$scenario" = first ]; then
        verify pre="$d.pre" same_input=$same expect=$expect old_token="" old_fp=""
    else
        verify pre="$d.pre" same_input=$same expect=$expect
    fi
    finish
}

# 6. Mutated inputs: the transactions, the interactions, the job file.
case_fuzz() {  # TARGET S
    local target=$1 s=$2 file kind=csv extra=()
    case $target in
    transactions) file=exports/transactions.csv ;;
    interactions) file=exports/interactions.csv ;;
    job) file=job.toml kind=toml ;;
    esac
    new_case "fuzz-$target-$s" "$base"
    local mseed=$((seed * 100000 + s))
    note=$("$work/mutate" "$mseed" "$kind" "$base/$file" "$d/$file")
    setup="$setup && $(printf %q "$work/mutate") $mseed $kind $(printf %q "$base/$file") $(printf %q "$d/$file")"
    # Odd cases set bad rows aside instead of failing on the first.
    [ $((s % 2)) = 1 ] && extra=(--on-bad-row skip --max-reject-share 0.5)
    protected_fp "$d" >"$d.pre"
    invoke -- "${extra[@]+"${extra[@]}"}"
    verify pre="$d.pre"
    finish
}

# 4. Invalid settings, from a flag or the job file: non-finite or out-of-range numbers exit 64.
case_setting() {  # LABEL (--flag value | key=value)
    local label=$1 extra=()
    shift
    new_case "setting-$label" "$base"
    if [[ $1 == --* ]]; then
        extra=("$@")
    else
        local key=${1%%=*} value=${1#*=}
        grep -q "^$key = " "$d/job.toml" || problems+=("the suite's job file has no key $key")
        sed -i "s|^$key = .*|$key = $value|" "$d/job.toml"
        setup="$setup && sed -i 's|^$key = .*|$key = $value|' $(printf %q "$d/job.toml")"
    fi
    protected_fp "$d" >"$d.pre"
    invoke -- "${extra[@]+"${extra[@]}"}"
    verify pre="$d.pre" expect=64
    finish
}

# Runs shell commands in the case folder and adds them to the case's setup line.
in_case() {
    local c
    for c in "$@"; do
        (cd "$d" && eval "$c") || problems+=("setup failed: $c")
        setup="$setup && (cd $(printf %q "$d") && $c)"
    done
}

# 5. Hostile layouts: links and foreign files where the outputs go, outputs that name inputs. The
#    run must refuse or succeed without following a link or touching a file that is not its own.
case_layout() {  # LABEL
    local label=$1 extra=() expect=any pair=yes keep="" keep_fp="" target=""
    new_case "layout-$label" "$base"
    case $label in
    rejects-link-to-input)  # a failing run's OUT.rejects.csv is a link to an export
        in_case 'ln -s exports/transactions.csv report.rejects.csv' "cp $(printf %q "$bad") exports/bad.csv"
        extra=(--transactions "$d/exports/bad.csv" --on-bad-row skip --max-reject-share 0.0001) expect=fail ;;
    rejects-link-to-notes)  # a successful run removes a stale OUT.rejects.csv: here a link to notes.txt
        in_case 'ln -s notes.txt report.rejects.csv' "cp $(printf %q "$bad") exports/bad.csv"
        extra=(--transactions "$d/exports/bad.csv" --on-bad-row skip --max-reject-share 0.5) expect=0 ;;
    rejects-dangling-link)  # a link to a file that does not exist yet, outside the case folder
        target=$work/cases/$name.outside
        in_case "ln -s $(printf %q "$target") report.rejects.csv" "cp $(printf %q "$bad") exports/bad.csv"
        extra=(--transactions "$d/exports/bad.csv" --on-bad-row skip --max-reject-share 0.0001) expect=fail ;;
    report-link-to-exports)  # the report folder is a link to the exports
        in_case 'rm -rf report' 'ln -s exports report'
        expect=73 pair=no ;;
    report-foreign-folder)  # the report folder holds someone else's file and no marker
        in_case 'rm -rf report' 'mkdir report' 'echo "quarterly plan" >report/plan.txt'
        keep=$d/report expect=73 pair=no ;;
    report-is-a-file)
        in_case 'rm -rf report' 'echo "not a folder" >report'
        keep=$d/report expect=73 pair=no ;;
    out-is-exports) outs=(--history "$d/history.db" --out "$d/exports") expect=73 ;;
    out-is-case-folder) outs=(--history "$d/history.db" --out "$d") expect=73 ;;
    out-is-dot) outs=(--history "$d/history.db" --out .) expect=73 ;;
    out-holds-history) outs=(--history "$d/report/history.db" --out "$d/report") expect=73 ;;
    history-is-an-export) outs=(--history "$d/exports/transactions.csv" --out "$d/report") expect=73 ;;
    history-is-notes) outs=(--history "$d/notes.txt" --out "$d/report") expect=73 ;;
    history-is-foreign-sqlite)  # another application's database: refused, left byte for byte
        in_case "sqlite3 other.db 'CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)'"
        outs=(--history "$d/other.db" --out "$d/report") expect=73 ;;
    staging-of-live-process)  # a staging folder of a process that is alive (pid 1) stays
        in_case 'mkdir .report.staging-1' 'echo "in use" >.report.staging-1/customers.csv'
        keep=$d/.report.staging-1 expect=0 ;;
    staging-foreign-files)  # a dead pid's staging name holding files that are not a report stays
        in_case 'mkdir .report.staging-999999999' 'echo "a draft" >.report.staging-999999999/draft.txt'
        keep=$d/.report.staging-999999999 expect=0 ;;
    esac
    [ -n "$keep" ] && keep_fp=$( [ -d "$keep" ] && report_fp "$keep" || sha256sum "$keep")
    protected_fp "$d" >"$d.pre"
    invoke -- "${extra[@]+"${extra[@]}"}"
    local same=0
    [ "$expect" = 0 ] && [ "${#extra[@]}" = 0 ] && same=1
    verify pre="$d.pre" expect=$expect pair=$pair same_input=$same leftover=$([ -n "$keep" ] && echo ok || echo no)
    if [ -n "$keep" ]; then
        [ "$keep_fp" = "$( [ -d "$keep" ] && report_fp "$keep" || sha256sum "$keep")" ] || problems+=("$keep was changed or removed")
        local left
        left=$(cd "$d" && ls -d .report.staging-* .report.rejects.csv.staging-* 2>/dev/null | grep -vx "${keep##*/}" | tr '\n' ' ')
        [ -z "$left" ] || problems+=("left behind: $left")
    fi
    [ -n "$target" ] && [ -e "$target" ] && problems+=("followed report.rejects.csv, a link, and created $target")
    if [ -L "$d/report" ] && [ "$(readlink "$d/report")" != exports ]; then problems+=("the report link was changed"); fi
    finish
}

# ---- run the cases, a few at a time ----

dispatch() {  # NAME FUNCTION ARGS...
    # shellcheck disable=SC2053 # $only is a glob
    [[ $1 == $only ]] || return 0
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
    ("${@:2}") &
}

group_times=()
group() {  # NAME: marks the start of a group (and waits for the previous one)
    wait
    [ -n "${group_name:-}" ] && group_times+=("$group_name $((SECONDS - group_start))")
    group_name=$1 group_start=$SECONDS
}

group steps
for ((n = 1; n <= steps; n++)); do dispatch "step-$n-EIO" case_step step "$n" EIO; done
# ENOSPC on every fourth write-like call and every sixteenth call.
for ((n = 1; n <= steps; n++)); do
    line=$(sed -n "${n}p" "$work/ref.steps")
    if [[ $line == *" write "* || $line == *" pwrite"* || $line == *" writev "* ]] && ((n % 4 == 0)) || ((n % 16 == 3)); then
        dispatch "step-$n-ENOSPC" case_step step "$n" ENOSPC
    fi
done
# The first run ever (no report, no history): every third call.
for ((n = 1; n <= fresh_steps; n += 3)); do dispatch "first-$n-EIO" case_step first "$n" EIO; done

group kills
for ((k = 1; k <= kills; k++)); do dispatch "kill-$k" case_kill "$k"; done

group disk
for f in customers.csv segments.csv cohorts.csv clusters.csv clv_model.json correlations.csv churn_model.csv churn_risk.csv \
    report.json report.md report.html "$marker"; do
    dispatch "disk-$f" case_disk "$f" "/$f" plain
done
dispatch "disk-history.db" case_disk history.db "/history.db" plain
dispatch "disk-history.db-wal" case_disk history.db-wal "/history.db-wal" plain
dispatch "disk-rejects.csv" case_disk rejects.csv "/rejects.csv" skip
dispatch "disk-report.rejects.csv" case_disk report.rejects.csv "report.rejects.csv" rejected
dispatch "disk-first-history.db" case_disk first-history.db "/history.db" first
dispatch "disk-first-history.db-journal" case_disk first-history.db-journal "/history.db-journal" first
dispatch "disk-first-history.db-wal" case_disk first-history.db-wal "/history.db-wal" first
dispatch "disk-first-report.html" case_disk first-report.html "/report.html" first

group settings
for s in max-reject-share=nan max-reject-share=inf max-reject-share=-1 max-reject-share=2 margin=nan margin=inf \
    margin=-0.5 threads=0 k=0 k-range=8-2; do
    dispatch "setting-flag-$s" case_setting "flag-$s" "--${s%%=*}" "${s#*=}"
done
for s in max_reject_share=nan max_reject_share=-inf margin=inf margin=nan confidence_level=nan confidence_level=1 \
    test_share=nan test_share=0 monthly_discount_rate=nan monthly_discount_rate=-0.1 satisfied_at_least=nan \
    satisfied_at_least=inf horizon_months=-1 threads=0 threads=100000 k=0 quantiles=0 restarts=0 \
    'satisfaction_scale=[5, 1]' 'recommend_scale=[nan, 10]' 'seed=-1'; do
    dispatch "setting-job-${s%%=*}=${s#*=}" case_setting "job-${s%%=*}=${s#*=}" "$s"
done

group layout
for l in rejects-link-to-input rejects-link-to-notes rejects-dangling-link report-link-to-exports report-foreign-folder \
    report-is-a-file out-is-exports out-is-case-folder out-is-dot out-holds-history history-is-an-export \
    history-is-notes history-is-foreign-sqlite staging-of-live-process staging-foreign-files; do
    dispatch "layout-$l" case_layout "$l"
done

group fuzz
for ((s = 1; s <= fuzz; s++)); do
    case $((s % 5)) in
    0 | 1) target=transactions ;; 2 | 3) target=interactions ;; *) target=job ;;
    esac
    dispatch "fuzz-$target-$s" case_fuzz "$target" "$s"
done
group end

# ---- summary ----

# One line per group: cases, passed, failed, seconds, and the exit statuses of the passing runs.
summary() {  # TITLE SECONDS PATTERN...
    local title=$1 secs=$2 p=0 f=0 pat
    shift 2
    for pat in "$@"; do
        p=$((p + $(find "$work/results" -name "$pat.pass" | wc -l)))
        f=$((f + $(find "$work/results" -name "$pat.fail" | wc -l)))
    done
    [ $((p + f)) -gt 0 ] || return 0
    local exits
    exits=$(for pat in "$@"; do find "$work/results" -name "$pat.pass" -exec cat {} +; done | sort -n | uniq -c | awk '{ printf " %s:%s", $2, $1 }')
    echo "faults: $title: $((p + f)) cases, $p passed, $f failed, $secs s (exit:count$exits)"
}
for g in "${group_times[@]}"; do
    read -r g_name g_secs <<<"$g"
    case $g_name in
    steps) summary "failing call (second run, first run)" "$g_secs" 'step-*' 'first-*' ;;
    kills) summary "kill -9, then a plain run" "$g_secs" 'kill-*' ;;
    disk) summary "full disk" "$g_secs" 'disk-*' ;;
    settings) summary "invalid settings" "$g_secs" 'setting-*' ;;
    layout) summary "hostile layouts" "$g_secs" 'layout-*' ;;
    fuzz) summary "mutated inputs" "$g_secs" 'fuzz-*' ;;
    esac
done
leftovers=0
for f in "$work"/results/*.leftover; do [ -e "${f%.leftover}.pass" ] && leftovers=$((leftovers + 1)); done
[ "$leftovers" -gt 0 ] && echo "faults: $leftovers cases left a staging folder when its removal failed; the next run removed it"
passed=$(find "$work/results" -name '*.pass' | wc -l)
failed=$(find "$work/results" -name '*.fail' | wc -l)
if [ "$failed" -gt 0 ]; then
    echo
    find "$work/results" -name '*.fail' | sort -V | xargs cat
    echo
    echo "faults: kept $work for the reproductions"
elif [ -z "${FAULTS_WORK:-}" ]; then
    rm -rf "$work"
fi
echo "faults: $((SECONDS - started)) s"
echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
