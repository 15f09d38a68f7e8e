"""Spark check (issue 15, k-means): the clusters under scripts/spark-run against `clientele run` on
the same export and periods, seeded the same way (KMeansSeedingSample: the same customers seed
both, drawn by a hash of their ids).

    python3 Tests/spark/compare_spark_clusters.py SINGLE_REPORT SPARK_REPORT

- customers.csv's cluster column (matched by customer_id): every customer in the same cluster;
- clusters.csv: the same clusters and sizes, each profile mean to 1e-9 relative;
- report.json's clusters section: k, restarts, iterations, converged and the names equal, the
  inertia to 1e-9 relative (Spark adds the partitions' sums in another order: rounding only).
"""
import json
import sys

from spark_compare import close, records


def main(single, spark):
    want = {r["customer_id"]: r["cluster"] for r in records(f"{single}/customers.csv")}
    got = {r["customer_id"]: r["cluster"] for r in records(f"{spark}/customers.csv")}
    assert len(got) == len(want), f"{len(got)} customers under Spark, {len(want)} in the single run"
    moved = [c for c, k in want.items() if got.get(c) != k]
    assert not moved, f"{len(moved)} customers in another cluster, first {moved[0]}: {got.get(moved[0])} vs {want[moved[0]]}"

    a, b = records(f"{single}/clusters.csv"), records(f"{spark}/clusters.csv")
    assert len(a) == len(b) and list(a[0]) == list(b[0]), (a[:1], b[:1])
    for x, y in zip(a, b):
        assert (x["cluster"], x["customers"]) == (y["cluster"], y["customers"]), (x, y)
        for column in x:
            if x[column] != y[column]:
                close(y[column], x[column], f"clusters.csv cluster {x['cluster']} {column}")

    r, s = (json.load(open(f"{d}/report.json"))["clusters"] for d in (single, spark))
    for key in ("k", "restarts", "iterations", "converged", "features", "profile_names"):
        assert r[key] == s[key], f"report.json clusters.{key}: {s[key]} under Spark, {r[key]} in the single run"
    assert [p["name"] for p in r["profiles"]] == [p["name"] for p in s["profiles"]], "the clusters' names"
    close(s["inertia"], r["inertia"], "inertia")
    print(f"spark: k-means: {len(want)} customers in the single run's {r['k']} clusters, inertia {s['inertia']:.6f} "
          f"(single {r['inertia']:.6f}), {r['iterations']} iterations")


if __name__ == "__main__":
    main(*sys.argv[1:3])
