#!/usr/bin/env python3
"""Compare a reference cohort table with Clientele's cohorts.csv, row by row.

Usage:
    compare_cohorts.py REFERENCE.csv CLIENTELE.csv [--show 10] [--label NAME] [--tolerance 0]

Both files must have the columns cohort_month, months_since_first, customers,
active_customers, active_share, revenue, revenue_per_customer and the same rows in the same
order (by cohort_month, then months_since_first). Requires exact equality of the keys and of
customers and active_customers (integers), revenue (integer cents), and of active_share and
revenue_per_customer read as doubles (|a - b| <= --tolerance, default 0: the same double).
Both files are read with every field as text.

Prints one summary line (and up to --show mismatching rows). Exit status: 0 when everything
matches, 1 on any mismatch, 2 when a file cannot be read or lacks a column.

Pinned versions it was written and run with (Benchmarks/requirements.txt):
    Python 3.11.7, numpy 2.4.6, pandas 3.1.1
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

COLUMNS = ["cohort_month", "months_since_first", "customers", "active_customers", "active_share",
           "revenue", "revenue_per_customer"]


def cents(s: str) -> int:
    sign = -1 if s.startswith("-") else 1
    whole, _, frac = s.lstrip("+-").partition(".")
    return sign * (int(whole or "0") * 100 + int(frac.ljust(2, "0")[:2] or "0"))


def load(path: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, na_filter=False, encoding="utf-8-sig")
    except Exception as e:  # noqa: BLE001 - any read failure is a usage error here
        print(f"error: {path}: {e}", file=sys.stderr)
        sys.exit(2)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        print(f"error: {path}: missing columns {missing}", file=sys.stderr)
        sys.exit(2)
    return df[COLUMNS]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reference")
    ap.add_argument("clientele")
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--label", default="cohorts")
    ap.add_argument("--tolerance", type=float, default=0.0)
    args = ap.parse_args()
    ref, cli = load(args.reference), load(args.clientele)
    if len(ref) != len(cli):
        print(f"{args.label}: {len(ref)} reference rows, {len(cli)} clientele rows")
        sys.exit(1)
    bad, worst = [], 0.0
    for i, (r, c) in enumerate(zip(ref.itertuples(index=False), cli.itertuples(index=False))):
        same = (r.cohort_month == c.cohort_month and int(r.months_since_first) == int(c.months_since_first)
                and int(r.customers) == int(c.customers) and int(r.active_customers) == int(c.active_customers)
                and cents(r.revenue) == cents(c.revenue))
        for column in ("active_share", "revenue_per_customer"):
            d = abs(float(getattr(r, column)) - float(getattr(c, column)))
            worst = max(worst, d)
            same = same and d <= args.tolerance
        if not same:
            bad.append((i, r, c))
    cohorts = ref["cohort_month"].nunique()
    if bad:
        print(f"{args.label}: {len(bad)} of {len(ref)} rows differ ({cohorts} cohorts; largest ratio difference {worst:g})")
        for i, r, c in bad[: args.show]:
            print(f"  row {i + 2}: reference {list(r)}\n          clientele {list(c)}")
        sys.exit(1)
    print(f"{args.label}: {len(ref)} rows, {cohorts} cohorts, all equal (largest ratio difference {worst:g})")


if __name__ == "__main__":
    main()
