#!/usr/bin/env bash
# What two threads buy on this machine for arithmetic and for reading memory (probe.c), with the
# load average around it. Writes Benchmarks/results/machine-probe.md.
#   Benchmarks/machine/probe.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/probe" "$here/probe.c" -lpthread
before="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$("$work/probe")"
after="$(cut -d' ' -f1-3 /proc/loadavg)"
out="$here/../results/machine-probe.md"
{
    echo "# What two threads buy on this machine"
    echo
    echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC by \`Benchmarks/machine/probe.sh\` ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); load average before **$before**, after **$after**."
    echo
    echo "$table"
    echo
    echo "Each thread does the same work as the single thread, so 2.00× is perfect scaling. A Clientele stage that streams columns through memory cannot scale beyond the sequential-read figure on this machine."
} > "$out"
cat "$out"
