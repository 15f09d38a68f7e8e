#!/usr/bin/env python3
"""Independent pandas reference implementation of Clientele's RFM definitions.

Usage:
    rfm_reference.py TRANSACTIONS.csv OUT.csv [--as-of YYYY-MM-DD]
                     [--ties fill|share|split] [--quantiles 5] [--frequency-breaks 1,2,3,5]
    rfm_reference.py --self-check

Implements docs/definitions.md (RFM part) from scratch, sharing no code with Clientele:

- amounts are parsed as text into integer cents (never floats); monetary = net sum of
  cents per customer, written with exactly 2 decimals;
- as-of defaults to the day after the maximum order_date in the file; with an explicit
  --as-of, rows dated on or after it are left out (history is what happened before as-of);
- recency_days = as-of - last order date (calendar days); first/last_order_date are
  calendar days (the first 10 characters of order_date, YYYY-MM-DD);
- frequency = number of distinct order_id per customer;
- scores 1..N, 5 = best (smallest recency, largest frequency, largest monetary):
    fill (the default): the share score s, unless the measure has d >= N distinct values;
           then, over the distinct values ordered from worst (j = 0) to best (j = d - 1),
           score_j = min(score_{j-1} + 1, max(s_j, N - (d - 1 - j))) with score_{-1} = 0,
           computed here by that recurrence, one distinct value after the other (Clientele
           uses a closed form of it); every score 1..N is then used;
    share: score = 1 + floor(N * worse / n), worse = number of customers with a strictly
           worse value, n = number of customers;
    split: SQL NTILE(N) over customers ordered by (value from worst to best, then
           customer_id ascending); the first n mod N buckets hold ceil(n/N) rows, the rest
           floor(n/N). Also cross-checked against pandas
           qcut(rank(method="first"), N, labels=False) + 1, which must agree whenever n is
           a multiple of N (a note says how many customers differ otherwise);
- with --frequency-breaks b1,...,b(N-1) (Clientele's `[rfm] frequency_breaks`), the F score
  is not a quantile: pandas cut(frequency, bins=[0, b1, ..., b(N-1), inf], labels=1..N), so
  a break is the largest order count of its score (right-closed bins);
- rfm_cell = "RFM" digits, segment from (R, F) by the standard 10-segment map.

Output columns, one row per customer sorted by customer_id (byte order of UTF-8 = code
point order): customer_id, first_order_date, last_order_date, recency_days, frequency,
monetary, r_score, f_score, m_score, rfm_cell, segment.

--self-check verifies the vectorised share and split scoring and the fill recurrence against
brute-force definitions on many random small inputs (ties included) and exits 0/1.

Pinned versions it was written and run with (Benchmarks/requirements.txt):
    Python 3.11.7, numpy 2.4.6, pandas 3.1.1, pyarrow 26.0.1
Python is used only to produce reference outputs; Clientele never needs it at run time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

import numpy as np
import pandas as pd

SEGMENT_MAP = {
    1: {1: "Hibernating", 2: "Hibernating", 3: "At Risk", 4: "At Risk", 5: "Can't Lose Them"},
    2: {1: "Hibernating", 2: "Hibernating", 3: "At Risk", 4: "At Risk", 5: "Can't Lose Them"},
    3: {1: "About to Sleep", 2: "About to Sleep", 3: "Need Attention", 4: "Loyal Customers", 5: "Loyal Customers"},
    4: {1: "Promising", 2: "Potential Loyalists", 3: "Potential Loyalists", 4: "Loyal Customers", 5: "Loyal Customers"},
    5: {1: "New Customers", 2: "Potential Loyalists", 3: "Potential Loyalists", 4: "Champions", 5: "Champions"},
}

OUT_COLUMNS = [
    "customer_id", "first_order_date", "last_order_date", "recency_days", "frequency",
    "monetary", "r_score", "f_score", "m_score", "rfm_cell", "segment",
]


# --------------------------------------------------------------------------- parsing

def parse_cents(amount: pd.Series) -> np.ndarray:
    """Decimal text ('12.34', '-0.5', '+3', '7.') -> int64 cents, exactly. Rejects >2 decimals."""
    s = amount.astype(str).str.strip()
    neg = s.str.startswith("-").to_numpy()
    body = s.str.lstrip("+-")
    parts = body.str.split(".", n=1, expand=True)
    whole = parts[0]
    frac = parts[1] if parts.shape[1] > 1 else pd.Series([""] * len(s), index=s.index)
    frac = frac.fillna("")
    bad = ~whole.str.fullmatch(r"\d*") | ~frac.str.fullmatch(r"\d{0,2}") | (whole.str.len() + frac.str.len() == 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise SystemExit(f"error: amount {amount.iloc[i]!r} (data row {i + 1}) is not a decimal with at most 2 decimals")
    whole_i = whole.replace("", "0").astype("int64").to_numpy()
    frac_i = frac.str.ljust(2, "0").astype("int64").to_numpy()
    cents = whole_i * 100 + frac_i
    return np.where(neg, -cents, cents)


def format_cents(cents: np.ndarray) -> list[str]:
    out = []
    for c in cents.tolist():
        sign = "-" if c < 0 else ""
        a = -c if c < 0 else c
        out.append(f"{sign}{a // 100}.{a % 100:02d}")
    return out


def load_transactions(path: str) -> pd.DataFrame:
    df = pd.read_csv(
        path,
        dtype=str,
        usecols=["customer_id", "order_id", "order_date", "amount"],
        na_filter=False,
        encoding="utf-8-sig",  # optional BOM
    )
    if len(df) == 0:
        raise SystemExit(f"error: {path}: no data rows")
    days = pd.to_datetime(df["order_date"].str.slice(0, 10), format="%Y-%m-%d")
    # integer day numbers since 1970-01-01
    epoch_day = (days.to_numpy().astype("datetime64[D]").astype("int64"))
    return pd.DataFrame({
        "customer_id": df["customer_id"].to_numpy(dtype=object),
        "order_id": df["order_id"].to_numpy(dtype=object),
        "day": epoch_day,
        "cents": parse_cents(df["amount"]),
    })


def day_to_iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("int64").astype("datetime64[D]"), unit="D")


# --------------------------------------------------------------------------- scoring

def share_scores(worse: np.ndarray, n: int, q: int) -> np.ndarray:
    """score = 1 + floor(q * worse / n), in integers."""
    return 1 + (q * worse.astype("int64")) // n


def worse_counts(goodness: np.ndarray) -> np.ndarray:
    """Number of elements with strictly smaller goodness (rank(method='min') - 1)."""
    return pd.Series(goodness).rank(method="min").to_numpy().astype("int64") - 1


def ntile_of_positions(pos: np.ndarray, n: int, q: int) -> np.ndarray:
    """SQL NTILE(q) bucket (1-based) for 0-based row positions pos in an n-row window."""
    size, extra = divmod(n, q)  # first `extra` buckets hold size+1 rows
    big = extra * (size + 1)
    pos = pos.astype("int64")
    out = np.empty_like(pos)
    lo = pos < big
    out[lo] = pos[lo] // (size + 1) + 1
    if size > 0:
        out[~lo] = extra + (pos[~lo] - big) // size + 1
    return out


def split_scores(goodness: np.ndarray, q: int) -> np.ndarray:
    """NTILE(q) over rows ordered by (goodness ascending = worst first, then row order).

    Rows must already be in customer_id ascending order, so that row order is the
    customer_id tie-break. rank(method='first') gives exactly that position.
    """
    n = len(goodness)
    pos = pd.Series(goodness).rank(method="first").to_numpy().astype("int64") - 1
    return ntile_of_positions(pos, n, q)


def fill_scores(goodness: np.ndarray, q: int) -> np.ndarray:
    """fill: share, but with d >= q distinct values the score of the j-th distinct value (worst
    first) is min(previous + 1, max(share, q - (d - 1 - j))), so that no score 1..q is empty."""
    n = len(goodness)
    share = share_scores(worse_counts(goodness), n, q)
    dense = pd.Series(goodness).rank(method="dense").to_numpy().astype("int64") - 1  # distinct index j
    d = int(dense.max()) + 1 if n else 0
    if d < q:
        return share
    share_of = np.zeros(d, dtype="int64")
    share_of[dense] = share  # tied customers share their share score
    score_of = np.zeros(d, dtype="int64")
    previous = 0
    for j in range(d):
        previous = min(previous + 1, max(int(share_of[j]), q - (d - 1 - j)))
        score_of[j] = previous
    return score_of[dense]


def qcut_scores(goodness: np.ndarray, q: int) -> np.ndarray:
    r = pd.Series(goodness).rank(method="first")
    return pd.qcut(r, q, labels=False).to_numpy().astype("int64") + 1


# --------------------------------------------------------------------------- RFM

def compute_rfm(tx: pd.DataFrame, as_of: int | None, ties: str, q: int,
                frequency_breaks: list[int] | None = None) -> tuple[pd.DataFrame, int]:
    g = tx.groupby("customer_id", sort=True)
    cust = pd.DataFrame({
        "first_day": g["day"].min(),
        "last_day": g["day"].max(),
        "frequency": g["order_id"].nunique(),
        "cents": g["cents"].sum(),
    })
    # sort by customer_id in code point order (== UTF-8 byte order), independent of locale
    ids = cust.index.to_numpy(dtype=object)
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    cust = cust.iloc[order]
    ids = cust.index.to_numpy(dtype=object)

    if as_of is None:
        as_of = int(tx["day"].max()) + 1
    n = len(cust)
    recency = as_of - cust["last_day"].to_numpy().astype("int64")
    freq = cust["frequency"].to_numpy().astype("int64")
    cents = cust["cents"].to_numpy().astype("int64")

    # goodness: larger is better
    good = {"r": -recency, "f": freq, "m": cents}
    scores = {}
    for k, gv in good.items():
        if ties == "share":
            scores[k] = share_scores(worse_counts(gv), n, q)
        elif ties == "fill":
            scores[k] = fill_scores(gv, q)
            used = np.unique(scores[k])
            if len(np.unique(gv)) >= q and len(used) != q:
                raise SystemExit(f"error: {k}_score: fill left a score empty (used {used.tolist()})")
        else:
            scores[k] = split_scores(gv, q)
            qc = qcut_scores(gv, q)
            differ = int((qc != scores[k]).sum())
            if n % q == 0:
                assert differ == 0, f"{k}: NTILE and qcut(rank first) differ on {differ} customers with n % q == 0"
            elif differ:
                print(f"note: {k}_score: NTILE and qcut(rank(method='first')) differ on {differ} of {n} customers "
                      f"(n={n} is not a multiple of {q}; NTILE is the definition)", file=sys.stderr)

    if frequency_breaks is not None:
        bins = [0, *frequency_breaks, np.inf]
        scores["f"] = pd.cut(freq, bins=bins, labels=list(range(1, q + 1))).astype("int64")
        scores["f"] = np.asarray(scores["f"])
    r, f, m = scores["r"], scores["f"], scores["m"]
    if q <= 9:
        cell = [f"{a}{b}{c}" for a, b, c in zip(r.tolist(), f.tolist(), m.tolist())]
    else:
        cell = [f"{a}-{b}-{c}" for a, b, c in zip(r.tolist(), f.tolist(), m.tolist())]
    if q == 5:
        segment = [SEGMENT_MAP[a][b] for a, b in zip(r.tolist(), f.tolist())]
    else:
        segment = [""] * n  # the standard map is defined for 5 quantiles only

    out = pd.DataFrame({
        "customer_id": ids,
        "first_order_date": day_to_iso(cust["first_day"].to_numpy()),
        "last_order_date": day_to_iso(cust["last_day"].to_numpy()),
        "recency_days": recency,
        "frequency": freq,
        "monetary": format_cents(cents),
        "r_score": r,
        "f_score": f,
        "m_score": m,
        "rfm_cell": cell,
        "segment": segment,
    })
    return out[OUT_COLUMNS], as_of


# --------------------------------------------------------------------------- self-check

def brute_share(values_goodness: list[int], q: int) -> list[int]:
    n = len(values_goodness)
    return [1 + (q * sum(1 for w in values_goodness if w < v)) // n for v in values_goodness]


def brute_fill(values_goodness: list[int], q: int) -> list[int]:
    """Literal fill: for each distinct value (worst first) its share score from brute force, then
    the recurrence; fewer than q distinct values: share."""
    share = brute_share(values_goodness, q)
    distinct = sorted(set(values_goodness))
    d = len(distinct)
    if d < q:
        return share
    by_value, previous = {}, 0
    for j, v in enumerate(distinct):
        s = share[values_goodness.index(v)]
        previous = min(previous + 1, max(s, q - (d - 1 - j)))
        by_value[v] = previous
    return [by_value[v] for v in values_goodness]


def brute_ntile(values_goodness: list[int], ids: list[str], q: int) -> list[int]:
    """Deal rows in (goodness, id) order into q buckets: bucket b gets ceil/floor sizes."""
    n = len(values_goodness)
    order = sorted(range(n), key=lambda i: (values_goodness[i], ids[i]))
    sizes = [n // q + (1 if b < n % q else 0) for b in range(q)]
    out = [0] * n
    it = iter(order)
    for b, size in enumerate(sizes):
        for _ in range(size):
            out[next(it)] = b + 1
    return out


def self_check() -> int:
    rng = np.random.default_rng(20240611)
    failures = 0
    trials = 0
    for trial in range(3000):
        n = int(rng.integers(1, 40))
        q = int(rng.choice([2, 3, 4, 5, 7, 10]))
        spread = int(rng.integers(1, 12))  # small spread -> many ties
        g = rng.integers(-spread, spread + 1, size=n).tolist()
        ids = sorted({f"C{int(x):05d}" for x in rng.choice(100000, size=n * 2, replace=False)})[:n]
        # rows are in id order, as compute_rfm guarantees
        got_share = share_scores(worse_counts(np.array(g)), n, q).tolist()
        got_split = split_scores(np.array(g), q).tolist()
        got_fill = fill_scores(np.array(g), q).tolist()
        exp_share = brute_share(g, q)
        exp_split = brute_ntile(g, ids, q)
        exp_fill = brute_fill(g, q)
        trials += 1
        if got_share != exp_share or got_split != exp_split or got_fill != exp_fill:
            failures += 1
            if failures <= 3:
                print(f"self-check FAIL n={n} q={q} g={g}\n share {got_share} vs {exp_share}\n split {got_split} vs {exp_split}"
                      f"\n fill {got_fill} vs {exp_fill}")
        # fill: ties share a score, scores never fall as values get better, rise by at most one
        # between neighbouring distinct values, and use every score 1..q once d >= q
        pairs = sorted(zip(g, got_fill))
        for (v1, s1), (v2, s2) in zip(pairs, pairs[1:]):
            if s2 < s1 or (v1 == v2 and s1 != s2) or (len(set(g)) >= q and s2 > s1 + 1):
                failures += 1
                print(f"self-check FAIL fill order n={n} q={q} g={g} fill={got_fill}")
                break
        if len(set(g)) >= q and sorted(set(got_fill)) != list(range(1, q + 1)):
            failures += 1
            print(f"self-check FAIL fill leaves a score empty n={n} q={q} g={g} fill={got_fill}")
        if n % q == 0:
            if qcut_scores(np.array(g), q).tolist() != got_split:
                failures += 1
                print(f"self-check FAIL qcut vs NTILE n={n} q={q} g={g}")
        # invariants
        assert min(got_share) >= 1 and max(got_share) <= q
        assert min(got_split) >= 1 and max(got_split) <= q
        assert min(got_fill) >= 1 and max(got_fill) <= q
    # cents parsing
    cases = {"12.34": 1234, "-0.50": -50, "0.05": 5, "-12": -1200, "+3.1": 310, "7.": 700, ".25": 25,
             "1000000.99": 100000099, "-0.01": -1}
    got = parse_cents(pd.Series(list(cases))).tolist()
    if got != list(cases.values()):
        failures += 1
        print(f"self-check FAIL parse_cents {got}")
    if format_cents(np.array([1234, -50, 5, -1200, 0, -1])) != ["12.34", "-0.50", "0.05", "-12.00", "0.00", "-0.01"]:
        failures += 1
        print("self-check FAIL format_cents")
    # NTILE bucket sizes by the definition
    for n in range(1, 60):
        for q in (1, 2, 3, 5, 7):
            b = ntile_of_positions(np.arange(n), n, q)
            sizes = np.bincount(b, minlength=q + 1)[1:].tolist()
            exp = [n // q + (1 if i < n % q else 0) for i in range(q)]
            if sizes != exp or list(b) != sorted(b):
                failures += 1
                print(f"self-check FAIL ntile sizes n={n} q={q}: {sizes} vs {exp}")
    print(f"self-check: {trials} random scoring trials; {'OK' if failures == 0 else f'{failures} FAILURES'}")
    return 0 if failures == 0 else 1


# --------------------------------------------------------------------------- main

def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="pandas reference RFM (independent of Clientele)")
    ap.add_argument("transactions", nargs="?")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD; default: day after the last order_date")
    ap.add_argument("--ties", choices=["fill", "share", "split"], default="fill")
    ap.add_argument("--quantiles", type=int, default=5)
    ap.add_argument("--frequency-breaks", dest="frequency_breaks",
                    help="comma-separated order counts, N - 1 of them, ascending: F from fixed breaks")
    ap.add_argument("--self-check", action="store_true", help="brute-force check of the scoring, then exit")
    a = ap.parse_args(argv)
    if a.self_check:
        return self_check()
    if not a.transactions or not a.out:
        ap.error("TRANSACTIONS.csv and OUT.csv are required")
    if a.quantiles < 1:
        ap.error("--quantiles must be >= 1")

    tx = load_transactions(a.transactions)
    as_of = None
    if a.as_of:
        as_of = (dt.date.fromisoformat(a.as_of) - dt.date(1970, 1, 1)).days
        # The analysis looks at history strictly before the as-of day (docs/definitions.md: the holdout is
        # "orders dated after E and before as-of"; the default as-of is the day after the last
        # order). Rows dated on or after an explicit as-of are left out, and so are customers
        # whose every order is.
        later = tx["day"].to_numpy() >= as_of
        if later.any():
            print(f"note: {int(later.sum())} transaction rows dated on or after --as-of {a.as_of} "
                  f"are left out", file=sys.stderr)
            tx = tx[~later].reset_index(drop=True)
            if len(tx) == 0:
                raise SystemExit(f"error: no transaction dated before --as-of {a.as_of}")
    breaks = None
    if a.frequency_breaks:
        breaks = [int(b) for b in a.frequency_breaks.split(",")]
        if len(breaks) != a.quantiles - 1 or any(b < 1 for b in breaks) or breaks != sorted(set(breaks)):
            ap.error("--frequency-breaks: N - 1 positive, strictly ascending order counts")
    out, as_of = compute_rfm(tx, as_of, a.ties, a.quantiles, breaks)
    out.to_csv(a.out, index=False, lineterminator="\n")
    as_of_iso = (dt.date(1970, 1, 1) + dt.timedelta(days=as_of)).isoformat()
    print(f"rfm_reference: {len(tx)} rows, {len(out)} customers, as-of {as_of_iso}, ties {a.ties}, "
          f"N={a.quantiles} -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
