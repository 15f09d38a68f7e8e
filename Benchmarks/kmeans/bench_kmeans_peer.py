#!/usr/bin/env python3
"""Helper of bench_kmeans.sh: generate the features, time scikit-learn, write the report."""
import json, os, platform, statistics, subprocess, sys, time
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from kmeans_reference import features, generate  # same generator and features as the fixtures


def cmd_generate(n, path):
    rec, freq, mon = generate(int(n), seed=1_000_003)
    X = np.ascontiguousarray(features(rec, freq, mon), dtype="<f8")
    X.tofile(path)


def cmd_time(path, reps):
    import sklearn
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_info
    X = np.fromfile(path, dtype="<f8").reshape(-1, 3)
    times, inertias, iters = [], [], []
    for r in range(int(reps)):
        t = time.perf_counter()
        km = KMeans(n_clusters=5, n_init=4, random_state=r, algorithm="lloyd").fit(X)
        times.append(time.perf_counter() - t)
        inertias.append(float(km.inertia_)); iters.append(int(km.n_iter_))
    json.dump({"seconds": statistics.median(times), "min_seconds": min(times), "inertias": inertias, "n_iter": iters,
               "sklearn": sklearn.__version__, "numpy": np.__version__,
               "threadpools": [{k: v for k, v in p.items() if k in ("user_api", "internal_api", "num_threads", "version", "architecture")}
                               for p in threadpool_info()]}, sys.stdout)


def cmd_report(n, ours_path, peer_path):
    ours = json.load(open(ours_path)); peer = json.load(open(peer_path))
    n = int(n)
    best_sklearn = min(peer["inertias"])
    print(f"# K-means benchmark, {n:,} customers\n")
    print(f"Run {time.strftime('%Y-%m-%d %H:%M')} by `Benchmarks/kmeans/bench_kmeans.sh {n}`: default RFM features "
          "(log1p, standardised), k = 5, 4 restarts (n_init = 4), Lloyd, tol 1e-4, max 300 iterations; the same "
          "float64 matrix in memory for both tools, so only the clustering is timed.\n")
    print("| tool | seconds (median) | seconds (min) | inertia | ratio scikit-learn ÷ tool |")
    print("|---|---:|---:|---:|---:|")
    print(f"| scikit-learn {peer['sklearn']} `KMeans(n_clusters=5, n_init=4, algorithm=\"lloyd\")` | {peer['seconds']:.3f} | "
          f"{peer['min_seconds']:.3f} | {best_sklearn:.6g} | 1.00× |")
    for run in ours["runs"]:
        ratio = peer["seconds"] / run["seconds"]
        print(f"| Clientele `KMeans` distances={run['method']}, threads={run['threads']} | {run['seconds']:.3f} | "
              f"{run['min_seconds']:.3f} | {run['inertia']:.6g} | {ratio:.2f}× |")
    default = ours["runs"][0]
    print(f"\nClientele's default (distances = loop, both cores) is **{peer['seconds'] / default['seconds']:.2f}×** "
          "scikit-learn's speed (above 1 = faster). ")
    print(f"Best-of-restarts inertia: Clientele {default['inertia']:.6f}, scikit-learn {best_sklearn:.6f} over its "
          f"{len(peer['inertias'])} seeded fits (relative difference {(default['inertia'] - best_sklearn) / best_sklearn:+.2e}). "
          "Both pick the best of 4 k-means++ seedings; the seeds (and so the restarts) differ.\n")
    print("`gemm` computes ‖c‖² − 2 X Cᵀ with one `dgemm` per block of ≤ 2,048 rows (small enough that OpenBLAS "
          "runs it on the calling thread), `loop` the same formula in a Swift loop; the blocks are spread over the "
          "threads by Clientele. Iterations per restart (Clientele): " + ", ".join(str(r["iterations"]) for r in ours["runs"][:1])
          + f"; scikit-learn n_iter of its best restart per fit: {peer['n_iter']}.\n")
    sel = ours.get("selection")
    if sel:
        print(f"Choosing k (`clusters = .silhouette`, over {sel['candidates'][0]}–{sel['candidates'][-1]}, 4 restarts "
              f"per candidate, silhouettes on a seeded sample of {sel['sample_size']:,} rows): {sel['seconds']:.2f} s, chose "
              f"k = {sel['k']}; silhouettes " + ", ".join(f"k={k}: {v:.4f}" for k, v in zip(sel["candidates"], sel["silhouettes"])) + ".\n")
    print("## Machine\n")
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except Exception:
        swift = "?"
    print(f"- nproc: {os.cpu_count()}; {platform.platform()}; load average before report: {os.getloadavg()}")
    print(f"- numpy {peer['numpy']}; BLAS/OpenMP pools used by scikit-learn: {peer['threadpools']}")
    print(f"- {swift}; Clientele built with `swift test -c release` (test harness `KMeansBenchmarkTests`)")


if __name__ == "__main__":
    {"generate": cmd_generate, "time": cmd_time, "report": cmd_report}[sys.argv[1]](*sys.argv[2:])
