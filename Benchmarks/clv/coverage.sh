#!/usr/bin/env bash
# Coverage of the holdout predictive interval (issue 12): on data each purchase model generated,
# how often does the `level` interval of the total holdout purchases (clv_model.json
# holdout.predicted_purchases_low/high, `HoldoutPredictiveInterval`) contain the actual total
# (holdout.actual_purchases)? Writes Benchmarks/results/clv-coverage.md.
#
#   Benchmarks/clv/coverage.sh [CUSTOMERS=10000] [REPLICATIONS=100] [MODELS="bg-nbd mbg-nbd pareto-nbd"]
#   CLIENTELE=path   the clientele binary (default .build/release/clientele; build it first with
#                    `swift build -c release --product clientele`)
#   DRAWS=200        [clv] interval_draws;  LEVEL=0.9  [clv] interval_level
#
# Replication s = 1…REPLICATIONS of model M: `clientele generate --customers N --seed s
# --purchase-model M`, then `clientele run` on its transactions with the generator's as-of and
# calibration end, `--clv-model M` (the generating model, so this checks the interval, not the
# model choice), `--seed s`, interval_draws = DRAWS, and the other sections off. Coverage is the
# share of replications whose interval holds the actual total; its binomial standard error is
# √(c(1 − c)/R), and with the nominal level L an interval that is right gives c within about
# 2√(L(1 − L)/R) (±6 points at L = 0.9, R = 100) of L.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n="${1:-10000}"
reps="${2:-100}"
models="${3:-bg-nbd mbg-nbd pareto-nbd}"
bin="${CLIENTELE:-$repo/.build/release/clientele}"
draws="${DRAWS:-200}"
level="${LEVEL:-0.9}"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/clientele-coverage.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
raw="$repo/Benchmarks/results/raw/clv-coverage"
mkdir -p "$raw" "$repo/Benchmarks/results"
[[ -x "$bin" ]] || { echo "error: $bin not found; run swift build -c release --product clientele" >&2; exit 66; }

cat >"$scratch/job.toml" <<EOF
[clv]
interval_draws = $draws
interval_level = $level

[churn]
enabled = false

[clusters]
enabled = false

[satisfaction]
enabled = false
EOF

started=$(date +%s)
for model in $models; do
    rows="$raw/$model-n$n.tsv"
    printf 'seed\tactual\tlow\thigh\tcovered\tseconds\n' >"$rows"
    for seed in $(seq 1 "$reps"); do
        t0=$(date +%s.%N)
        line="$("$bin" generate --customers "$n" --seed "$seed" --purchase-model "$model" --out "$scratch/data")"
        asof="$(sed -n 's/.*as-of \([0-9-]*\), calibration end \([0-9-]*\);.*/\1/p' <<<"$line")"
        cend="$(sed -n 's/.*as-of \([0-9-]*\), calibration end \([0-9-]*\);.*/\2/p' <<<"$line")"
        "$bin" run "$scratch/job.toml" --transactions "$scratch/data/transactions.csv" --as-of "$asof" \
            --calibration-end "$cend" --clv-model "$model" --seed "$seed" --out "$scratch/out" --quiet >/dev/null
        jq -r --arg seed "$seed" --arg t0 "$t0" --arg t1 "$(date +%s.%N)" \
            '.holdout | [$seed, .actual_purchases, .predicted_purchases_low, .predicted_purchases_high,
              (if .predicted_purchases_low == null then "NA"
               elif .actual_purchases >= .predicted_purchases_low and .actual_purchases <= .predicted_purchases_high then 1 else 0 end),
              (($t1 | tonumber) - ($t0 | tonumber) | . * 100 | round / 100)] | @tsv' \
            "$scratch/out/clv_model.json" >>"$rows"
    done
    echo "coverage: $model done ($(awk -F'\t' 'NR > 1 && $5 != "NA" { c += $5; k++ } END { printf "%d of %d", c, k }' "$rows"))" >&2
done
elapsed=$(( $(date +%s) - started ))

out="$repo/Benchmarks/results/clv-coverage.md"
{
    echo "# Holdout predictive interval: coverage on generated data"
    echo
    echo "\`Benchmarks/clv/coverage.sh $n $reps \"$models\"\` ($(date -u +%Y-%m-%d), $(nproc) cores, ${elapsed} s in all):"
    echo "$reps seeded replications per model (\`clientele generate --customers $n --seed s --purchase-model M\`, s = 1…$reps),"
    echo "each run with \`--clv-model M\`, \`--seed s\` and \`[clv] interval_draws = $draws\`, \`interval_level = $level\`."
    echo "A replication is covered when clv_model.json's \`holdout.actual_purchases\` lies in"
    echo "[\`holdout.predicted_purchases_low\`, \`holdout.predicted_purchases_high\`] (\`HoldoutPredictiveInterval\`:"
    echo "parameter draws θ_d ~ N(θ̂, Σθ) in log space, then every calibration customer's holdout purchases"
    echo "drawn from the model's posterior given (x, t_x, T)). Standard error: √(c(1 − c)/R)."
    echo "Acceptance (issue 12): coverage of the 90% interval in 85–95%."
    echo
    echo "| generating and fitted model | replications with an interval | covered | coverage | ± SE | mean actual total | mean interval width | mean seconds per replication |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for model in $models; do
        awk -F'\t' -v m="$model" 'NR > 1 {
                r++; s += $6
                if ($5 != "NA") { k++; c += $5; a += $2; w += $4 - $3 }
            } END {
                cov = k ? c / k : 0
                printf "| %s | %d of %d | %d | %.2f | %.3f | %.1f | %.1f | %.2f |\n", m, k, r, c, cov, sqrt(cov * (1 - cov) / (k ? k : 1)), k ? a / k : 0, k ? w / k : 0, r ? s / r : 0
            }' "$raw/$model-n$n.tsv"
    done
    echo
    echo "Per-replication rows (seed, actual, low, high, covered, seconds): \`Benchmarks/results/raw/clv-coverage/<model>-n$n.tsv\`."
} >"$out"
cat "$out"
