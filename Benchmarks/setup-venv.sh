#!/usr/bin/env bash
# Create (or reuse) a Python virtual environment and install pinned requirements into it.
# Idempotent: a stamp file in the venv holds the hash of the requirements and the Python
# version, so a second call returns at once; change a pin (or the Python) and the next call
# installs again. Prints the venv's python path on the last line of stdout; pip's output and the
# installed versions go to stderr.
#
#   Benchmarks/setup-venv.sh VENV REQUIREMENTS [PIP_OPTION...]
#
#   VENV          the venv folder (created if missing), e.g. Benchmarks/kmeans/.venv
#   REQUIREMENTS  a pinned requirements file
#   PIP_OPTION    passed to `pip install`; default --only-binary=:all: (wheels only)
#   PYTHON=python3.11 Benchmarks/setup-venv.sh …    the interpreter that creates the venv
#
# The venvs of the benchmarks (each git-ignored):
#   Benchmarks/.venv          requirements.txt                 (Benchmarks/setup-python.sh; CI's RFM check)
#   Benchmarks/kmeans/.venv   kmeans/requirements.txt          (k-means, correlation)
#   Benchmarks/churn/.venv    churn/requirements.txt           --only-binary=:all: --no-deps
#   Benchmarks/clv/.venv      clv/requirements-lifetimes.txt   --only-binary=numpy,scipy,pandas
#                             (lifetimes and future ship pure-Python wheels or sdists only)
#
# Python is used only for reference outputs and peer timings, never by Clientele at run time.
set -euo pipefail

if (( $# < 2 )); then
    echo "usage: setup-venv.sh VENV REQUIREMENTS [PIP_OPTION...]" >&2
    exit 64
fi
venv="$1"
req="$2"
shift 2
(( $# > 0 )) || set -- --only-binary=:all:
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"
[[ -r "$req" ]] || { echo "error: setup-venv: cannot read $req" >&2; exit 66; }

want="$( (cat "$req"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$venv/bin/python"
    exit 0
fi

echo "setup-venv: creating $venv from $req" >&2
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" -r "$req" >&2
# The installed version of every pinned distribution: a failed install stops here.
"$venv/bin/python" - "$req" >&2 <<'PY'
import re, sys
from importlib.metadata import version
names = [re.split(r"[\s=<>!~;\[]", line.strip(), maxsplit=1)[0]
         for line in open(sys.argv[1]) if line.strip() and not line.lstrip().startswith(("#", "-"))]
print("setup-venv:", ", ".join(f"{n} {version(n)}" for n in names))
PY
echo "$want" > "$stamp"
echo "$venv/bin/python"
