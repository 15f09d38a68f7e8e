#!/usr/bin/env python3
"""Compare a reference RFM table with Clientele's customers.csv, customer by customer.

Usage:
    compare_customers.py REFERENCE.csv CLIENTELE.csv [--show 10] [--label NAME]

Joins on customer_id and requires, for every customer, exact equality of
first_order_date, last_order_date, recency_days, frequency, monetary (compared as
integer cents), r_score, f_score, m_score, rfm_cell and segment. The two customer sets must
be identical, customer_id must be unique, and CLIENTELE.csv must be sorted by customer_id
(the README's output contract). Extra columns in either file (historical_clv, cluster, ...)
are ignored. Both files are read as RFC 4180 CSV with every field as text.

Prints one summary line (and up to --show mismatching rows with both sides). Exit status:
0 when everything matches, 1 on any mismatch, 2 when a file cannot be read or lacks a
column.

Pinned versions it was written and run with (Benchmarks/requirements.txt):
    Python 3.11.7, numpy 2.4.6, pandas 3.1.1
"""
from __future__ import annotations

import argparse
import re
import sys

import pandas as pd

KEY = "customer_id"
TEXT_FIELDS = ["first_order_date", "last_order_date", "rfm_cell", "segment"]
INT_FIELDS = ["recency_days", "frequency", "r_score", "f_score", "m_score"]
MONEY_FIELDS = ["monetary"]
FIELDS = ["first_order_date", "last_order_date", "recency_days", "frequency", "monetary",
          "r_score", "f_score", "m_score", "rfm_cell", "segment"]

_INT_RE = re.compile(r"^[+-]?\d+$")
_DEC_RE = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?$")


def to_int(s: str):
    s = s.strip()
    return int(s) if _INT_RE.match(s) else None


def to_cents(s: str):
    """Exact decimal text -> integer cents; None if not a decimal or not a whole number of cents."""
    m = _DEC_RE.match(s.strip())
    if not m or (m.group(2) == "" and not m.group(3)):
        return None
    sign, whole, frac = m.group(1), m.group(2) or "0", (m.group(3) or "")
    if len(frac) > 2:
        if frac[2:].strip("0"):
            return None  # fractions of a cent
        frac = frac[:2]
    c = int(whole) * 100 + int(frac.ljust(2, "0"))
    return -c if sign == "-" else c


def load(path: str, label: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, na_filter=False, encoding="utf-8-sig")
    except Exception as e:  # noqa: BLE001 - report any read failure as one line
        print(f"error: {label} {path}: cannot read: {e}", file=sys.stderr)
        sys.exit(2)
    missing = [c for c in [KEY] + FIELDS if c not in df.columns]
    if missing:
        print(f"error: {label} {path}: missing column(s) {', '.join(missing)}; has {', '.join(df.columns)}",
              file=sys.stderr)
        sys.exit(2)
    return df[[KEY] + FIELDS]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reference")
    ap.add_argument("clientele")
    ap.add_argument("--show", type=int, default=10, help="mismatching rows to print (default 10)")
    ap.add_argument("--label", default="", help="prefix for the summary line")
    a = ap.parse_args(argv)
    prefix = f"{a.label}: " if a.label else ""

    ref = load(a.reference, "reference")
    cli = load(a.clientele, "clientele")
    problems: list[str] = []

    for name, df in (("reference", ref), ("clientele", cli)):
        dup = df[KEY][df[KEY].duplicated()]
        if len(dup):
            problems.append(f"{len(dup)} duplicate customer_id in {name} (e.g. {dup.iloc[0]!r})")
    ids = cli[KEY].tolist()
    unsorted = next((i for i in range(1, len(ids)) if ids[i - 1] > ids[i]), None)
    if unsorted is not None:
        problems.append(f"clientele not sorted by customer_id at data row {unsorted + 1}: "
                        f"{ids[unsorted - 1]!r} before {ids[unsorted]!r}")

    ref_ids, cli_ids = set(ref[KEY]), set(cli[KEY])
    only_ref = sorted(ref_ids - cli_ids)
    only_cli = sorted(cli_ids - ref_ids)
    if only_ref:
        problems.append(f"{len(only_ref)} customers only in reference (e.g. {only_ref[:3]})")
    if only_cli:
        problems.append(f"{len(only_cli)} customers only in clientele (e.g. {only_cli[:3]})")

    ref_u = ref.drop_duplicates(KEY)
    cli_u = cli.drop_duplicates(KEY)
    j = ref_u.merge(cli_u, on=KEY, how="inner", suffixes=("_ref", "_cli"))

    bad_any = pd.Series(False, index=j.index)
    per_field: dict[str, int] = {}
    for f in FIELDS:
        r, c = j[f + "_ref"], j[f + "_cli"]
        if f in TEXT_FIELDS:
            bad = r != c
        elif f in INT_FIELDS:
            rv, cv = r.map(to_int), c.map(to_int)
            bad = cv.isna() | (rv != cv)
        else:
            rv, cv = r.map(to_cents), c.map(to_cents)
            bad = cv.isna() | (rv != cv)
        bad = bad.fillna(True).astype(bool)
        n_bad = int(bad.sum())
        if n_bad:
            per_field[f] = n_bad
        bad_any |= bad

    n_bad_rows = int(bad_any.sum())
    if per_field:
        problems.append(f"{n_bad_rows} of {len(j)} joined customers differ ("
                        + ", ".join(f"{f}: {n}" for f, n in per_field.items()) + ")")

    if not problems:
        print(f"{prefix}OK: {len(j)} customers match on {', '.join(FIELDS)}")
        return 0

    print(f"{prefix}MISMATCH: " + "; ".join(problems))
    if n_bad_rows and a.show > 0:
        rows = j[bad_any].head(a.show)
        for _, row in rows.iterrows():
            diffs = [f"{f}: ref={row[f + '_ref']!r} clientele={row[f + '_cli']!r}"
                     for f in FIELDS if f in per_field and row[f + "_ref"] != row[f + "_cli"]]
            ref_line = ",".join(str(row[f + "_ref"]) for f in FIELDS)
            cli_line = ",".join(str(row[f + "_cli"]) for f in FIELDS)
            print(f"  {row[KEY]}: " + "; ".join(diffs))
            print(f"      reference: {ref_line}")
            print(f"      clientele: {cli_line}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
