#!/usr/bin/env python3
"""Reference values of the Gaussian hypergeometric function for Clientele's 2F1 tests, by mpmath.

Run it in the venv Benchmarks/clv/.venv-mpmath (Benchmarks/clv/requirements-mpmath.txt, mpmath 1.3.0):

    PY=$(Benchmarks/setup-venv.sh Benchmarks/clv/.venv-mpmath Benchmarks/clv/requirements-mpmath.txt | tail -n 1)
    $PY Benchmarks/clv/hyp2f1_reference.py Fixtures/clv/hyp2f1_mpmath.json

The grid is the Pareto/NBD likelihood's: 2F1(a, b; a + 1; z) with a = r + s + x and b = s + 1
(alpha >= beta) or b = r + x (alpha < beta), z = |alpha - beta| / (max(alpha, beta) + t), over
x up to 5,000 (large x), z from 1e-12 (alpha ~ beta) to 1 - 1e-4 (z -> 1), plus general
(a, b; c; z) cases for z < 0 (Pfaff) and c - a - b < 0. Values are computed with 60 significant
digits and stored as ln|2F1| (finite even where 2F1 exceeds the largest double) with its sign,
and as the value itself where it is a normal double; all as decimal strings of 25 digits.
"""
import json
import sys

import mpmath

mpmath.mp.dps = 60


def case(a, b, c, z, label):
    # mpf(float) is the double's exact binary value (not its shortest decimal): near z = 1 the
    # function is so sensitive that 0.9999 and the double nearest it differ at 5e-12.
    a, b, c, z = (mpmath.mpf(float(v)) for v in (a, b, c, z))
    v = mpmath.hyp2f1(a, b, c, z)
    out = {"a": float(a), "b": float(b), "c": float(c), "z": float(z), "label": label,
           "log": mpmath.nstr(mpmath.log(abs(v)), 25), "sign": int(mpmath.sign(v))}
    if mpmath.mpf("1e-300") < abs(v) < mpmath.mpf("1e300"):
        out["value"] = mpmath.nstr(v, 25)
    return out


def main():
    cases = []
    for r, s in ((0.5533, 0.6061), (0.24, 1.0), (2.0, 3.5), (0.05, 0.02)):
        for x in (0, 1, 7, 50, 500, 5000):
            a = r + s + x
            for z in (0.0, 1e-12, 1e-6, 0.01, 0.3, 0.5, 0.9, 0.99, 0.999, 0.9999):
                # Inputs as doubles, so that both sides evaluate exactly the same arguments.
                zf = float(z)
                cases.append(case(a, s + 1, a + 1, zf, f"pareto alpha>=beta r={r} s={s} x={x}"))
                cases.append(case(a, r + x, a + 1, zf, f"pareto alpha<beta r={r} s={s} x={x}"))
    for a, b, c in ((0.5, 1.5, 2.25), (3.0, 2.0, 1.5), (1.2, 0.8, 4.0), (10.0, 2.5, 12.5)):
        for z in (-0.5, -3.0, -50.0, 0.25, 0.75, 0.95):
            cases.append(case(a, b, c, z, "general"))
    with open(sys.argv[1], "w") as fh:
        json.dump({"mpmath": mpmath.__version__, "dps": mpmath.mp.dps, "cases": cases}, fh, indent=0)
        fh.write("\n")
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
