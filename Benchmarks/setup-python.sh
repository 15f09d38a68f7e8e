#!/usr/bin/env bash
# The venv of the RFM reference and the peer benchmarks: Benchmarks/.venv with the pinned
# packages of Benchmarks/requirements.txt (numpy, pandas, pyarrow, duckdb, polars), through
# Benchmarks/setup-venv.sh. Kept under this name for CI (Benchmarks/reference/check_rfm.sh).
#
#   Benchmarks/setup-python.sh            # prints the venv's python path on the last line
#   PYTHON=python3.11 Benchmarks/setup-python.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/setup-venv.sh" "${CLIENTELE_BENCH_VENV:-$here/.venv}" "$here/requirements.txt"
