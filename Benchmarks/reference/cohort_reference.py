#!/usr/bin/env python3
"""Independent pandas reference implementation of Clientele's cohort retention table.

Usage:
    cohort_reference.py TRANSACTIONS.csv OUT.csv [--as-of YYYY-MM-DD]

Implements docs/definitions.md ("Cohorts") from scratch, sharing no code with Clientele:

- amounts are parsed as text into integer cents (never floats);
- as-of defaults to the day after the maximum order_date; with an explicit --as-of, lines
  dated on or after it are left out (as Clientele's ingest does);
- an order is (customer_id, order_id), or (customer_id, order day) when the file has no
  order_id column; its day is its earliest line's day and its value the sum of all its
  lines (returns included);
- a customer's cohort is the calendar month of their first order; months since the first
  order k = (year, month of the order) - (year, month of the cohort), in months;
- the table runs, for every cohort that holds a customer, over k = 0 ... (month of
  as-of - 1) - cohort month, empty months included;
- customers = customers in the cohort; active_customers = distinct cohort customers with an
  order in month k; active_share = active_customers / customers; revenue = sum of the month's
  order values, exact cents; revenue_per_customer = (revenue cents / customers) / 100.

Output (sorted by cohort_month, then months_since_first): cohort_month, months_since_first,
customers, active_customers, active_share, revenue, revenue_per_customer; revenue with exactly
2 decimals, the two ratios as Python's repr (the shortest text that reads back as the same
double).

Pinned versions it was written and run with (Benchmarks/requirements.txt):
    Python 3.11.7, numpy 2.4.6, pandas 3.1.1
Python is used only to produce reference outputs; Clientele never needs it at run time.
"""
from __future__ import annotations

import argparse
import datetime as dt

import numpy as np
import pandas as pd

# Amounts to exact cents as the RFM reference reads them (same folder, same pinned pandas).
from rfm_reference import parse_cents

COLUMNS = ["cohort_month", "months_since_first", "customers", "active_customers", "active_share",
           "revenue", "revenue_per_customer"]


def format_cents(c: int) -> str:
    sign, a = ("-", -c) if c < 0 else ("", c)
    return f"{sign}{a // 100}.{a % 100:02d}"


def month_index(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 -> 12 * year + month - 1."""
    months = days.astype("int64").astype("datetime64[D]").astype("datetime64[M]").astype("int64")  # months since 1970-01
    return months + 12 * 1970


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def cohort_table(path: str, as_of: str | None) -> pd.DataFrame:
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    use = ["customer_id", "order_date", "amount"] + (["order_id"] if "order_id" in header else [])
    df = pd.read_csv(path, dtype=str, usecols=use, na_filter=False, encoding="utf-8-sig")
    day = pd.to_datetime(df["order_date"].str.slice(0, 10), format="%Y-%m-%d").to_numpy().astype("datetime64[D]").astype("int64")
    lines = pd.DataFrame({"customer": df["customer_id"].to_numpy(dtype=object), "day": day, "cents": parse_cents(df["amount"])})
    lines["order"] = df["order_id"].to_numpy(dtype=object) if "order_id" in header else lines["day"].astype(str)
    if as_of is None:
        cutoff = int(lines["day"].max()) + 1
    else:
        cutoff = (dt.date.fromisoformat(as_of) - dt.date(1970, 1, 1)).days
        lines = lines[lines["day"] < cutoff]
    orders = lines.groupby(["customer", "order"], sort=False).agg(day=("day", "min"), cents=("cents", "sum")).reset_index()
    orders["month"] = month_index(orders["day"].to_numpy())
    first = orders.groupby("customer")["month"].min().rename("cohort")
    orders = orders.join(first, on="customer")
    orders["k"] = orders["month"] - orders["cohort"]
    last_month = int(month_index(np.array([cutoff - 1]))[0])

    sizes = first.value_counts().sort_index()
    cells = orders.groupby(["cohort", "k"]).agg(active=("customer", "nunique"), cents=("cents", "sum"))
    rows = []
    for cohort, n in sizes.items():
        for k in range(last_month - int(cohort) + 1):
            active, cents = (int(cells.at[(cohort, k), "active"]), int(cells.at[(cohort, k), "cents"])) if (cohort, k) in cells.index else (0, 0)
            rows.append([month_text(int(cohort)), k, int(n), active, repr(active / int(n)), format_cents(cents), repr(cents / int(n) / 100)])
    return pd.DataFrame(rows, columns=COLUMNS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("transactions")
    ap.add_argument("out")
    ap.add_argument("--as-of")
    args = ap.parse_args()
    cohort_table(args.transactions, args.as_of).to_csv(args.out, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
