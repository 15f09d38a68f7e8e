#!/usr/bin/env python3
"""Stand-in synthetic data for peer timings when `clientele generate` is not available.

Usage:
    synth_data.py --customers N --seed S --out DIR

Writes DIR/transactions.csv (customer_id like C00000042, order_id like 42-3, order_date
YYYY-MM-DD, amount with 2 decimals (about 6% negative: returns), quantity, product_id,
channel; about 5.3 lines per customer) and DIR/interactions.csv (customer_id,
interaction_date, channel, kind, satisfaction, recommend; blanks allowed), in the same
layout as the README's input formats. The benchmark proper uses `clientele generate`; this file
exists so that the peers can be installed and timed on their own.

Pinned versions: Python 3.11.7, numpy 2.4.6, polars 2.1.0 (Benchmarks/requirements.txt).
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import polars as pl

START = np.datetime64("2022-01-01")
SPAN_DAYS = 3 * 365


def money(cents: pl.Expr) -> pl.Expr:
    a = cents.abs()
    return (pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
            + (a // 100).cast(pl.String) + pl.lit(".")
            + (a % 100).cast(pl.String).str.zfill(2))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, required=True)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(a.seed)
    n = a.customers
    os.makedirs(a.out, exist_ok=True)

    # orders per customer: 1 + geometric, mean 2.5
    orders = rng.geometric(1 / 2.5, size=n).astype(np.int64)
    cust_of_order = np.repeat(np.arange(n, dtype=np.int64), orders)
    n_orders = len(cust_of_order)
    first = np.cumsum(orders) - orders
    order_no = np.arange(n_orders, dtype=np.int64) - np.repeat(first, orders) + 1
    # first purchase uniform over the span; later orders drift forward
    start = rng.integers(0, SPAN_DAYS - 30, size=n)
    gaps = rng.exponential(60.0, size=n_orders).astype(np.int64)
    gaps[np.repeat(first, orders) == np.arange(n_orders)] = 0
    day = np.repeat(start, orders) + (np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first] - gaps[first], orders))
    day = np.minimum(day, SPAN_DAYS - 1)
    # lines per order: 1 + Poisson(1.12) -> about 2.12 lines/order, 5.3 lines/customer
    lines = 1 + rng.poisson(1.12, size=n_orders)
    line_order = np.repeat(np.arange(n_orders), lines)
    m = len(line_order)
    cents = np.round(rng.lognormal(3.2, 0.9, size=m) * 100).astype(np.int64) + 1
    qty = rng.integers(1, 4, size=m)
    ret = rng.random(m) < 0.06
    cents[ret] = -cents[ret]
    qty[ret] = -qty[ret]

    tx = pl.DataFrame({
        "c": cust_of_order[line_order],
        "o": order_no[line_order],
        "d": (START + day[line_order].astype("timedelta64[D]")),
        "cents": cents,
        "quantity": qty,
        "p": rng.integers(1, 5000, size=m),
        "ch": rng.integers(0, 4, size=m),
    })
    tx = tx.select(
        customer_id=pl.lit("C") + pl.col("c").cast(pl.String).str.zfill(8),
        order_id=pl.col("c").cast(pl.String) + pl.lit("-") + pl.col("o").cast(pl.String),
        order_date=pl.col("d").cast(pl.Date),
        amount=money(pl.col("cents")),
        quantity=pl.col("quantity"),
        product_id=pl.lit("P") + pl.col("p").cast(pl.String).str.zfill(5),
        channel=pl.col("ch").replace_strict([0, 1, 2, 3], ["web", "store", "phone", "app"],
                                            return_dtype=pl.String),
    )
    tx.write_csv(os.path.join(a.out, "transactions.csv"))

    # interactions: Poisson(2) per customer
    k = rng.poisson(2.0, size=n)
    ic = np.repeat(np.arange(n), k)
    q = len(ic)
    sat = rng.integers(1, 6, size=q).astype(float)
    sat[rng.random(q) < 0.4] = np.nan
    rec = rng.integers(0, 11, size=q).astype(float)
    rec[rng.random(q) < 0.5] = np.nan
    it = pl.DataFrame({
        "c": ic,
        "d": START + rng.integers(0, SPAN_DAYS, size=q).astype("timedelta64[D]"),
        "ch": rng.integers(0, 5, size=q),
        "k": rng.integers(0, 4, size=q),
        "s": sat, "r": rec,
    }).select(
        customer_id=pl.lit("C") + pl.col("c").cast(pl.String).str.zfill(8),
        interaction_date=pl.col("d").cast(pl.Date),
        channel=pl.col("ch").replace_strict([0, 1, 2, 3, 4], ["phone", "email", "chat", "store", "web"],
                                            return_dtype=pl.String),
        kind=pl.col("k").replace_strict([0, 1, 2, 3], ["support", "complaint", "survey", "marketing"],
                                        return_dtype=pl.String),
        satisfaction=pl.col("s").fill_nan(None).cast(pl.Int64),
        recommend=pl.col("r").fill_nan(None).cast(pl.Int64),
    )
    it.write_csv(os.path.join(a.out, "interactions.csv"))
    print(f"synth_data: {n} customers, {m} transaction lines ({m / n:.2f}/customer), "
          f"{q} interactions -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
