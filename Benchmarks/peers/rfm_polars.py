#!/usr/bin/env python3
"""Peer benchmark: RFM in Polars, lazy scan_csv and one optimised query plan.

Usage:
    rfm_polars.py TRANSACTIONS.csv INTERACTIONS.csv OUT.csv [--ties share|split]
                  [--quantiles 5] [--as-of YYYY-MM-DD] [--engine streaming|in-memory]

Loads both input files (Clientele loads both, so the peer does too) with scan_csv and an
explicit schema (amount as Decimal(18, 2): exact cents), computes per customer first/last
order date, recency_days, frequency (n_unique order_id), monetary (net sum), R/F/M scores
(share: 1 + floor(N*worse/n) with worse = rank("min")-1; split: SQL NTILE(N) over
worst-to-best then customer_id, from rank("ordinal") on the customer_id-sorted frame),
rfm_cell and segment, joins per-customer interaction aggregates (interactions, complaints,
mean satisfaction, mean recommend), and writes one CSV sorted by customer_id. The first
11 columns are exactly the reference columns (rfm_reference.py), so the output can be
checked with compare_customers.py.

Pinned versions it was written and run with: Python 3.11.7, polars 2.1.0.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import polars as pl

TX_SCHEMA = {
    "customer_id": pl.String, "order_id": pl.String, "order_date": pl.Date,
    "amount": pl.Decimal(18, 2), "quantity": pl.Int32, "product_id": pl.String,
    "channel": pl.String,
}
IT_SCHEMA = {
    "customer_id": pl.String, "interaction_date": pl.Date, "channel": pl.String,
    "kind": pl.String, "satisfaction": pl.Float64, "recommend": pl.Float64,
}


def segment_expr(r: pl.Expr, f: pl.Expr) -> pl.Expr:
    return (
        pl.when(r <= 2).then(
            pl.when(f <= 2).then(pl.lit("Hibernating")).when(f <= 4).then(pl.lit("At Risk"))
            .otherwise(pl.lit("Can't Lose Them")))
        .when(r == 3).then(
            pl.when(f <= 2).then(pl.lit("About to Sleep")).when(f == 3).then(pl.lit("Need Attention"))
            .otherwise(pl.lit("Loyal Customers")))
        .when(r == 4).then(
            pl.when(f == 1).then(pl.lit("Promising")).when(f <= 3).then(pl.lit("Potential Loyalists"))
            .otherwise(pl.lit("Loyal Customers")))
        .otherwise(
            pl.when(f == 1).then(pl.lit("New Customers")).when(f <= 3).then(pl.lit("Potential Loyalists"))
            .otherwise(pl.lit("Champions")))
    )


def share_score(goodness: pl.Expr, n: pl.Expr, q: int) -> pl.Expr:
    worse = goodness.rank("min").cast(pl.Int64) - 1
    return (1 + (q * worse) // n).cast(pl.Int64)


def ntile_score(goodness: pl.Expr, n: pl.Expr, q: int) -> pl.Expr:
    # frame is sorted by customer_id, so ordinal rank breaks ties by customer_id ascending
    pos = goodness.rank("ordinal").cast(pl.Int64) - 1
    size = n // q
    extra = n % q
    big = extra * (size + 1)
    return (pl.when(pos < big).then(pos // (size + 1) + 1)
            .otherwise(extra + (pos - big) // pl.max_horizontal(size, 1) + 1)).cast(pl.Int64)


def build(tx_path: str, it_path: str, ties: str, q: int, as_of: dt.date | None) -> pl.LazyFrame:
    tx = pl.scan_csv(tx_path, schema=TX_SCHEMA)
    if as_of:  # history is what happened before as-of
        tx = tx.filter(pl.col("order_date") < pl.lit(as_of))
    it = pl.scan_csv(it_path, schema=IT_SCHEMA)
    as_of_expr = pl.lit(as_of) if as_of else (pl.col("order_date").max() + pl.duration(days=1))

    cust = (
        tx.group_by("customer_id")
        .agg(
            first_order_date=pl.col("order_date").min(),
            last_order_date=pl.col("order_date").max(),
            frequency=pl.col("order_id").n_unique().cast(pl.Int64),
            monetary=pl.col("amount").sum(),
        )
    )
    max_day = tx.select(as_of=as_of_expr)
    inter = it.group_by("customer_id").agg(
        interactions=pl.len().cast(pl.Int64),
        complaints=(pl.col("kind") == "complaint").sum().cast(pl.Int64),
        mean_satisfaction=pl.col("satisfaction").mean(),
        mean_recommend=pl.col("recommend").mean(),
    )
    score = share_score if ties == "share" else ntile_score
    n = pl.len().cast(pl.Int64)
    out = (
        cust.join(max_day, how="cross")
        .with_columns(recency_days=(pl.col("as_of") - pl.col("last_order_date")).dt.total_days().cast(pl.Int64))
        .sort("customer_id")
        .with_columns(
            r_score=score(-pl.col("recency_days"), n, q),
            f_score=score(pl.col("frequency"), n, q),
            m_score=score(pl.col("monetary"), n, q),
        )
        .with_columns(
            rfm_cell=pl.concat_str([pl.col("r_score"), pl.col("f_score"), pl.col("m_score")]),
            segment=segment_expr(pl.col("r_score"), pl.col("f_score")),
        )
        .join(inter, on="customer_id", how="left", maintain_order="left")
        .with_columns(pl.col("interactions", "complaints").fill_null(0))
        .select("customer_id", "first_order_date", "last_order_date", "recency_days", "frequency",
                "monetary", "r_score", "f_score", "m_score", "rfm_cell", "segment",
                "interactions", "complaints", "mean_satisfaction", "mean_recommend")
    )
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="RFM in Polars (peer benchmark)")
    ap.add_argument("transactions")
    ap.add_argument("interactions")
    ap.add_argument("out")
    ap.add_argument("--ties", choices=["share", "split"], default="share")
    ap.add_argument("--quantiles", type=int, default=5)
    ap.add_argument("--as-of", dest="as_of", type=dt.date.fromisoformat)
    ap.add_argument("--engine", choices=["streaming", "in-memory"], default="streaming")
    a = ap.parse_args(argv)
    if a.quantiles != 5:
        ap.error("the segment map is defined for 5 quantiles")
    t0 = time.perf_counter()
    lf = build(a.transactions, a.interactions, a.ties, a.quantiles, a.as_of)
    lf.collect(engine=a.engine).write_csv(a.out)
    print(f"rfm_polars: {time.perf_counter() - t0:.3f} s ({a.engine}) -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
