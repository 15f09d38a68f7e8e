#!/usr/bin/env bash
# Create (or reuse) the Python virtual environment at Benchmarks/.venv and install the
# pinned packages of Benchmarks/requirements.txt. Idempotent: when the venv already holds
# exactly these requirements, it returns at once (a stamp file keeps the requirements hash).
#
#   Benchmarks/setup-python.sh            # prints the venv's python path on the last line
#   PYTHON=python3.11 Benchmarks/setup-python.sh
#
# Python is used only for reference outputs and peer timings, never by Clientele at run time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CLIENTELE_BENCH_VENV:-$here/.venv}"
req="$here/requirements.txt"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"

want="$( (cat "$req"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$venv/bin/python"
    exit 0
fi

echo "setup-python: creating venv at $venv" >&2
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: -r "$req" >&2
"$venv/bin/python" - >&2 <<'PY'
import numpy, pandas, pyarrow, duckdb, polars
print("setup-python: numpy", numpy.__version__, "pandas", pandas.__version__,
      "pyarrow", pyarrow.__version__, "duckdb", duckdb.__version__, "polars", polars.__version__)
PY
echo "$want" > "$stamp"
echo "$venv/bin/python"
