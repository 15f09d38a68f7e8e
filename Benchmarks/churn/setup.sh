#!/usr/bin/env bash
# Create (or reuse) Benchmarks/churn/.venv with the pinned statsmodels, scikit-learn, numpy,
# pandas and scipy of requirements.txt beside this file. Idempotent: a stamp file keeps the hash
# of the requirements and the Python version, so a second call returns at once. Prints the
# venv's python on the last line.
#
#   Benchmarks/churn/setup.sh
#   PYTHON=python3.11 Benchmarks/churn/setup.sh
#
# Used only by churn_reference.py and bench_churn.sh; Swift tests read the committed
# Fixtures/churn/reference.json instead.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CLIENTELE_CHURN_VENV:-$here/.venv}"
req="$here/requirements.txt"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"

want="$( (cat "$req"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$venv/bin/python"
    exit 0
fi

echo "setup: creating venv at $venv" >&2
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: --no-deps -r "$req" >&2
"$venv/bin/python" - >&2 <<'PY'
import numpy, scipy, pandas, statsmodels, sklearn
print("setup: numpy", numpy.__version__, "scipy", scipy.__version__, "pandas", pandas.__version__,
      "statsmodels", statsmodels.__version__, "scikit-learn", sklearn.__version__)
PY
echo "$want" > "$stamp"
echo "$venv/bin/python"
