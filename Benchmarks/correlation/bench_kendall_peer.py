#!/usr/bin/env python3
"""Helper of bench_kendall.sh: generate pairs, time scipy.stats.kendalltau, write the report."""
import json, os, platform, statistics, subprocess, sys, time
import numpy as np


def cmd_generate(n, kind, path):
    n = int(n)
    rng = np.random.default_rng(2024)
    latent = rng.normal(size=n)
    if kind == "survey":
        x = np.clip(np.round(3.2 + 1.1 * latent + rng.normal(0, 0.8, n)), 1, 5)
        y = np.clip(np.round(7 + 2.0 * latent + rng.normal(0, 1.5, n)), 0, 10)
    else:
        x = latent + rng.normal(0, 1, n)
        y = np.exp(0.5 * latent + rng.normal(0, 1, n))
    np.concatenate([x, y]).astype("<f8").tofile(path)


def cmd_time(path, reps):
    import scipy
    from scipy import stats
    v = np.fromfile(path, dtype="<f8")
    x, y = v[: v.size // 2], v[v.size // 2:]
    times = []
    for _ in range(int(reps)):
        t = time.perf_counter()
        res = stats.kendalltau(x, y)
        times.append(time.perf_counter() - t)
    json.dump({"seconds": statistics.median(times), "min_seconds": min(times), "tau_b": float(res.statistic),
               "p_value": float(res.pvalue), "scipy": scipy.__version__, "numpy": np.__version__}, sys.stdout)


def cmd_report(n, work):
    n = int(n)
    print(f"# Kendall tau-b benchmark, {n:,} pairs\n")
    print(f"Run {time.strftime('%Y-%m-%d %H:%M')} by `Benchmarks/correlation/bench_kendall.sh {n}`: tau-b and its "
          "two-sided p-value on the same float64 arrays in memory (median of the repetitions).\n")
    print("| data | scipy s | Clientele s | ratio scipy ÷ Clientele | tau-b scipy | tau-b Clientele | p scipy | p Clientele |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, label in (("survey", "survey answers, CSAT 1–5 × recommend 0–10 (ties)"), ("continuous", "continuous, no ties")):
        s = json.load(open(os.path.join(work, f"{kind}-scipy.json")))
        c = json.load(open(os.path.join(work, f"{kind}-clientele.json")))
        print(f"| {label} | {s['seconds']:.3f} | {c['seconds']:.3f} | **{s['seconds'] / c['seconds']:.1f}×** | "
              f"{s['tau_b']:.15f} | {c['tau_b']:.15f} | {s['p_value']:.6g} | {c['p_value']:.6g} |")
    print("\nAbove 1 means Clientele is faster. Clientele: radix sorts to dense ranks (x and y on one core each), "
          "counting sorts by (x, y), then Knight's merge counting of discordant pairs starting from the runs of tied x "
          "(O(n log distinct x); short runs are insertion-sorted in blocks of 32 first), the merges of one level spread "
          "over both cores. scipy: two argsorts and a Fenwick-tree count (single thread). Timings on a shared 2-core "
          "machine vary from run to run by up to 2x (see the load average below); compare within one run.\n")
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except Exception:
        swift = "?"
    print("## Machine\n")
    print(f"- nproc: {os.cpu_count()}; {platform.platform()}; load average at report: {os.getloadavg()}")
    print(f"- scipy {s['scipy']}, numpy {s['numpy']}; {swift}; Clientele built with `swift test -c release`")


if __name__ == "__main__":
    {"generate": cmd_generate, "time": cmd_time, "report": cmd_report}[sys.argv[1]](*sys.argv[2:])
