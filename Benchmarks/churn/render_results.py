#!/usr/bin/env python3
"""Writes Benchmarks/results/churn-N.md from the JSON files of one bench_churn.sh run."""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
from pathlib import Path


def load(path):
    return json.loads(Path(path).read_text())


def sh(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--reps", type=int, required=True)
    parser.add_argument("--load-before", default="")
    parser.add_argument("--load-after", default="")
    parser.add_argument("--binary", default="")
    parser.add_argument("--root", default="")
    parser.add_argument("--repo", default="")
    args = parser.parse_args()
    raw = Path(args.raw)
    design, ours, peers = load(raw / "design.json"), load(raw / "clientele.json"), load(raw / "peers.json")
    wall, user, system, rss_kb = (raw / "design.time").read_text().split()[:4]

    reference = peers["statsmodels"]["coefficients"]

    def max_relative(coefficients):
        return max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(coefficients, reference))

    rows = [("Clientele (`LogisticRegression.fit`)", ours, "Newton/IRLS, dsyrk + dpotrf/dpotrs/dpotri, SEs")]
    rows.append(("statsmodels `Logit.fit(method=\"newton\")` + `bse`", peers["statsmodels"], "Newton, numpy/OpenBLAS, SEs"))
    rows.append(("scikit-learn `LogisticRegression(penalty=None, solver=\"lbfgs\")`", peers["sklearn"], "L-BFGS (tol 1e-4), no SEs"))
    base_wall = statistics.median(ours["fit_seconds"])
    base_cpu = statistics.median(ours["fit_cpu_seconds"])

    lines = [f"# Churn benchmark, {args.customers:,} customers", ""]
    lines.append(f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} by `Benchmarks/churn/bench_churn.sh {args.customers}` "
                 f"(REPS={args.reps}, generator `churn-bench generate`, seed 11, split seed 1, test share 0.3).")
    lines.append("")
    lines.append(f"Design matrix: {ours['rows']:,} labelled customers × {len(ours['features'])} features "
                 f"({', '.join(ours['features'])}); {ours['train_rows']:,} training rows, {ours['test_rows']:,} test rows; "
                 f"churn rate {design['churn_rate']:.3f}. Every tool fits the same training rows of the same file, "
                 "standardised with the training mean and population SD inside the timed region.")
    lines.append("")
    lines.append("| tool | method | fit wall s (median) | wall s (min–max) | CPU s (median) | iterations | test AUC | max rel. coefficient diff. vs statsmodels | wall ratio to Clientele | CPU ratio to Clientele |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, result, method in rows:
        w, c = result["fit_seconds"], result["fit_cpu_seconds"]
        difference = "(reference)" if result is peers["statsmodels"] else f"{max_relative(result['coefficients']):.1e}"
        lines.append(f"| {name} | {method} | {statistics.median(w):.3f} | {min(w):.3f}–{max(w):.3f} | {statistics.median(c):.3f} | "
                     f"{result['iterations']} | {result['auc']:.6f} | {difference} | "
                     f"{statistics.median(w) / base_wall:.2f}× | {statistics.median(c) / base_cpu:.2f}× |")
    lines.append("")
    lines.append("Ratios are tool ÷ Clientele: above 1 means the tool took longer. CPU s is user + system time of the "
                 "process (all threads) during the fit; on a busy machine it is the steadier figure. Timers run inside "
                 "each process after the data are in memory (no interpreter start-up, no CSV parsing). "
                 "scikit-learn's L-BFGS stops at its default tolerance (1e-4), so its smallest coefficients differ "
                 "visibly from the Newton optimum (the AUC barely moves) and it gives no standard errors; Clientele and "
                 "statsmodels both converge to the same maximum.")
    lines.append("")
    lines.append("## The whole churn kernel in Clientele")
    lines.append("")
    lines.append(f"`churn-bench design` on the generated files (one run, wall / CPU seconds): load transactions and "
                 f"interactions {design['load_seconds']:.2f} s; label and features for {design['labelled']:,} labelled and "
                 f"{design['current']:,} current customers {design['features_seconds']:.2f} / {design['features_cpu_seconds']:.2f} s; "
                 f"`Churn.fit` (model, recency baseline, both evaluations, scoring every current customer) "
                 f"{design['kernel_seconds']:.2f} / {design['kernel_cpu_seconds']:.2f} s; value-at-risk ranking of "
                 f"{design['ranked']:,} customers {design['ranking_seconds']:.2f} s. Whole process {wall} s wall, "
                 f"{float(user) + float(system):.2f} s CPU, peak RSS {int(rss_kb) / 1024:.0f} MB.")
    lines.append("")
    lines.append(f"Test AUC: model {design['test_auc']:.4f}, recency-only baseline {design['baseline_test_auc']:.4f} "
                 f"(log loss {design['test_log_loss']:.4f} vs {design['baseline_test_log_loss']:.4f}; Brier "
                 f"{design['test_brier']:.4f} vs {design['baseline_test_brier']:.4f}).")
    lines.append("")
    lines.append("## Machine")
    lines.append("")
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines.append(f"- nproc: {os.cpu_count()}; CPU: {cpu}")
    lines.append(f"- kernel: {platform.release()}")
    lines.append(f"- load average (1, 5, 15 min) before: {args.load_before}; after: {args.load_after}")
    lines.append(f"- OPENBLAS_NUM_THREADS: {os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}; "
                 f"OPENBLAS_CORETYPE: {os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    versions = peers["versions"]
    lines.append("- " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    lines.append("- Python's BLAS: " + "; ".join(f"{b['internal_api']} {b['version']} ({b['num_threads']} threads)" for b in peers["blas"]))
    lines.append(f"- {sh('swift', '--version').splitlines()[0] if sh('swift', '--version') else 'swift: unknown'}")
    commit = sh("git", "-C", args.root, "rev-parse", "--short", "HEAD")
    where = f"commit {commit}" if commit else f"a copy of the working tree of {args.repo} at commit {sh('git', '-C', args.repo, 'rev-parse', '--short', 'HEAD') or 'unknown'}"
    lines.append(f"- churn-bench: `{args.binary}` (release build against `{args.root}`, {where})")
    Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
