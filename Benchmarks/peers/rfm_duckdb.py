#!/usr/bin/env python3
"""Peer benchmark: RFM in DuckDB, written the way an analyst would write it in SQL.

Usage:
    rfm_duckdb.py TRANSACTIONS.csv INTERACTIONS.csv OUT.csv [--ties share|split]
                  [--quantiles 5] [--as-of YYYY-MM-DD] [--threads N]

Loads both input files (Clientele loads both, so the peer does too) with read_csv and
explicit column types (amount as DECIMAL(18,2): exact cents), computes per customer
first/last order date, recency_days, frequency (distinct order_id), monetary (net sum),
R/F/M scores (share: 1 + floor(N*worse/n) with worse = RANK()-1; split: NTILE(N) over
worst-to-best then customer_id), rfm_cell and segment, joins the per-customer interaction
aggregates (interactions, complaints, mean satisfaction, mean recommend), and writes one
CSV sorted by customer_id with COPY. The first 11 columns are exactly the reference
columns (rfm_reference.py), so the output can be checked with compare_customers.py.

Pinned versions it was written and run with: Python 3.11.7, duckdb 2.0.1.
"""
from __future__ import annotations

import argparse
import sys
import time

import duckdb

SEGMENT_SQL = """
CASE
  WHEN r_score <= 2 THEN CASE WHEN f_score <= 2 THEN 'Hibernating' WHEN f_score <= 4 THEN 'At Risk'
                              ELSE 'Can''t Lose Them' END
  WHEN r_score = 3 THEN CASE WHEN f_score <= 2 THEN 'About to Sleep' WHEN f_score = 3 THEN 'Need Attention'
                             ELSE 'Loyal Customers' END
  WHEN r_score = 4 THEN CASE WHEN f_score = 1 THEN 'Promising' WHEN f_score <= 3 THEN 'Potential Loyalists'
                             ELSE 'Loyal Customers' END
  ELSE CASE WHEN f_score = 1 THEN 'New Customers' WHEN f_score <= 3 THEN 'Potential Loyalists'
            ELSE 'Champions' END
END"""


def sql_path(p: str) -> str:
    return "'" + p.replace("'", "''") + "'"


def build_query(tx: str, it: str, ties: str, q: int, as_of: str | None) -> str:
    if ties == "share":
        # worse = customers with a strictly worse value = RANK() - 1 over worst-to-best order
        r = f"1 + ({q} * (RANK() OVER (ORDER BY recency_days DESC) - 1)) // n"
        f = f"1 + ({q} * (RANK() OVER (ORDER BY frequency ASC) - 1)) // n"
        m = f"1 + ({q} * (RANK() OVER (ORDER BY monetary ASC) - 1)) // n"
    else:
        r = f"NTILE({q}) OVER (ORDER BY recency_days DESC, customer_id ASC)"
        f = f"NTILE({q}) OVER (ORDER BY frequency ASC, customer_id ASC)"
        m = f"NTILE({q}) OVER (ORDER BY monetary ASC, customer_id ASC)"
    as_of_sql = f"DATE '{as_of}'" if as_of else "(SELECT max(order_date) + 1 FROM tx)"
    return f"""
COPY (
WITH tx AS (
  SELECT * FROM read_csv({sql_path(tx)}, header = true, auto_detect = false,
    columns = {{'customer_id': 'VARCHAR', 'order_id': 'VARCHAR', 'order_date': 'DATE',
               'amount': 'DECIMAL(18,2)', 'quantity': 'INTEGER', 'product_id': 'VARCHAR',
               'channel': 'VARCHAR'}})
  {f"WHERE order_date < DATE '{as_of}'" if as_of else ""}
),
it AS (
  SELECT customer_id,
         count(*) AS interactions,
         count(*) FILTER (WHERE kind = 'complaint') AS complaints,
         avg(satisfaction) AS mean_satisfaction,
         avg(recommend) AS mean_recommend
  FROM read_csv({sql_path(it)}, header = true, auto_detect = false,
    columns = {{'customer_id': 'VARCHAR', 'interaction_date': 'DATE', 'channel': 'VARCHAR',
               'kind': 'VARCHAR', 'satisfaction': 'DOUBLE', 'recommend': 'DOUBLE'}})
  GROUP BY customer_id
),
cust AS (
  SELECT customer_id,
         min(order_date) AS first_order_date,
         max(order_date) AS last_order_date,
         ({as_of_sql} - max(order_date))::BIGINT AS recency_days,
         count(DISTINCT order_id) AS frequency,
         sum(amount) AS monetary
  FROM tx GROUP BY customer_id
),
scored AS (
  SELECT *, {r} AS r_score, {f} AS f_score, {m} AS m_score
  FROM (SELECT *, count(*) OVER () AS n FROM cust)
)
SELECT s.customer_id, first_order_date, last_order_date, recency_days, frequency,
       monetary, r_score, f_score, m_score,
       r_score::VARCHAR || f_score::VARCHAR || m_score::VARCHAR AS rfm_cell,
       {SEGMENT_SQL} AS segment,
       coalesce(i.interactions, 0) AS interactions, coalesce(i.complaints, 0) AS complaints,
       i.mean_satisfaction, i.mean_recommend
FROM scored s LEFT JOIN it i USING (customer_id)
ORDER BY s.customer_id
) TO {{out}} (HEADER, DELIMITER ',')
"""


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="RFM in DuckDB (peer benchmark)")
    ap.add_argument("transactions")
    ap.add_argument("interactions")
    ap.add_argument("out")
    ap.add_argument("--ties", choices=["share", "split"], default="share")
    ap.add_argument("--quantiles", type=int, default=5)
    ap.add_argument("--as-of", dest="as_of")
    ap.add_argument("--threads", type=int, default=0, help="0 = DuckDB default (all cores)")
    a = ap.parse_args(argv)
    if a.quantiles != 5:
        ap.error("the segment map is defined for 5 quantiles")
    t0 = time.perf_counter()
    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    query = build_query(a.transactions, a.interactions, a.ties, a.quantiles, a.as_of)
    con.execute(query.replace("{out}", sql_path(a.out)))
    print(f"rfm_duckdb: {time.perf_counter() - t0:.3f} s -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
