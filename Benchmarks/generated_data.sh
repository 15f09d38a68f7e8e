# Sourced by the benchmark scripts: one name per generated data set, generated when missing.
#
#   source "$here/generated_data.sh"
#   data="$(generated_data "$CLIENTELE" N SEED ROW_ORDER [INTERACTIONS_PER_CUSTOMER])"
#
# The folder is Benchmarks/data/clientele-nN-sSEED-ROW_ORDER, with -ipcX appended when
# INTERACTIONS_PER_CUSTOMER is given (`clientele generate --interactions-per-customer X`; empty:
# the generator's default 0.2, about 1.3 interactions a customer; 1.9 gives about 3). ROW_ORDER
# is `date` (how exports come) or `customer` (each customer's rows together). A `.complete` stamp
# marks a finished generation; a folder without one is generated again. Progress goes to stderr,
# the folder's path to stdout.

generated_data() {
    local bin="$1" n="$2" seed="$3" order="$4" ipc="${5:-}"
    local base
    base="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/data"
    [[ "$order" == date || "$order" == customer ]] || {
        echo "error: ROW_ORDER must be date or customer, got '$order'" >&2
        return 64
    }
    local dir="$base/clientele-n$n-s$seed-$order${ipc:+-ipc$ipc}"
    if [[ ! -f "$dir/.complete" || ! -s "$dir/transactions.csv" || ! -s "$dir/interactions.csv" ]]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        echo "generating $n customers (seed $seed, $order order${ipc:+, --interactions-per-customer $ipc}) into $dir" >&2
        "$bin" generate --customers "$n" --seed "$seed" --row-order "$order" \
            ${ipc:+--interactions-per-customer "$ipc"} --out "$dir" >&2
        touch "$dir/.complete"
    fi
    echo "$dir"
}

# "N rows (M MB)" of a generated CSV, header excluded.
csv_size() {
    local rows bytes
    rows=$(( $(wc -l < "$1") - 1 ))
    bytes=$(stat -c %s "$1")
    awk -v r="$rows" -v b="$bytes" 'BEGIN { printf "%d rows (%.1f MB)", r, b / 1e6 }'
}
