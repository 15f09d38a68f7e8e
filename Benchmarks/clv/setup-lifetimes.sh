#!/usr/bin/env bash
# Create (or reuse) Benchmarks/clv/.venv with lifetimes 0.11.3 and the pinned versions of
# requirements-lifetimes.txt that work with it. Idempotent: a stamp file holds the hash of the
# requirements and the Python version, so a second call returns at once.
#
#   Benchmarks/clv/setup-lifetimes.sh            # prints the venv's python path on the last line
#   PYTHON=python3.11 Benchmarks/clv/setup-lifetimes.sh
#
# Used only by clv_reference.py and bench_clv.sh; Swift tests read the committed JSON instead.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CLIENTELE_LIFETIMES_VENV:-$here/.venv}"
req="$here/requirements-lifetimes.txt"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"

want="$( (cat "$req"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$venv/bin/python"
    exit 0
fi

echo "setup-lifetimes: creating venv at $venv" >&2
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
# lifetimes and future ship pure-Python wheels or sdists only; everything else is a binary wheel.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --only-binary=numpy,scipy,pandas -r "$req" >&2
"$venv/bin/python" - >&2 <<'PY'
import lifetimes, numpy, scipy, pandas, autograd
print("setup-lifetimes: lifetimes", lifetimes.__version__, "numpy", numpy.__version__,
      "scipy", scipy.__version__, "pandas", pandas.__version__)
PY
echo "$want" > "$stamp"
echo "$venv/bin/python"
