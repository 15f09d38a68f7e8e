"""Per-stage wall and CPU seconds of `clientele run`, for the benchmark result files.

Wall seconds per stage are the run's own timings (the `timings` of its `--format json` summary).
CPU seconds per stage come from CLIENTELE_TRACE=1: every stage ends with a trace line carrying the
process's CPU seconds so far (all threads), so a stage's CPU time is the difference between its
line and the previous stage's line (summed when a stage ends twice, as reports does); the first
stage also holds the process start (a few ms). Imported
by run_rfm_benchmark.sh and run_scaling.sh; standard library only.
"""
import json
import re
import statistics

# Stage order of a run (Pipeline/Run.swift); stages a run does not have are left out.
STAGES = ["ingest_transactions", "ingest_interactions", "customer_table", "rfm", "clusters", "clv", "satisfaction", "churn", "reports"]
TRACE = re.compile(r"^trace: (.+?) \+([-0-9.eE+]+) seconds, cpu \+([-0-9.eE+]+) seconds "
                   r"\(cpu so far ([-0-9.eE+]+) seconds\)")
# A stage counts for the two-thread target when it takes longer than this with one thread.
SIGNIFICANT_SECONDS = 0.05
SPEEDUP_TARGET = 1.7


def read_run(stdout_text, stderr_text):
    """{'wall': {stage: s}, 'cpu': {stage: s}, 'total_wall': s, 'total_cpu': s} of one run."""
    summary = {}
    for line in stdout_text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except ValueError:
                pass
    timings = summary.get("timings", {})
    cpu, previous, last = {}, 0.0, 0.0
    for line in stderr_text.splitlines():
        m = TRACE.match(line.strip())
        if not m:
            continue
        name, so_far = m.group(1), float(m.group(4))
        last = max(last, so_far)
        if name in timings and name != "total":
            # A stage may end twice (reports: once assembled, once its last file is written).
            cpu[name] = cpu.get(name, 0.0) + so_far - previous
            previous = so_far
    return {"wall": {s: v for s, v in timings.items() if s != "total"}, "cpu": cpu,
            "total_wall": timings.get("total"), "total_cpu": last}


def read_run_files(stdout_path, stderr_path):
    return read_run(open(stdout_path).read(), open(stderr_path).read())


def stage_names(*groups):
    """Stages that took 0.5 ms or more in some run of the groups (a stage the job turns off still
    gets a timing, near zero), in pipeline order (unknown ones last)."""
    seen = []
    for runs in groups:
        for r in runs:
            for s, seconds in r["wall"].items():
                if seconds >= 0.0005 and s not in seen:
                    seen.append(s)
    return [s for s in STAGES if s in seen] + [s for s in seen if s not in STAGES]


def median_of(runs, kind, stage):
    values = [r[kind][stage] for r in runs if stage in r[kind]]
    return statistics.median(values) if values else None


def total_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def fmt(x, digits=3):
    return "–" if x is None else f"{x:.{digits}f}"


def threads_table(one, many, threads, process_one=None, process_many=None):
    """Markdown lines of a per-stage table, one thread beside `threads` threads, and the list of
    stages over SIGNIFICANT_SECONDS (one thread) whose wall speedup misses SPEEDUP_TARGET.
    `process_*` are optional (wall, cpu) medians of the whole process from /usr/bin/time."""
    lines = [f"| stage | wall s, 1 thread | CPU s, 1 thread | wall s, {threads} threads | CPU s, {threads} threads "
             f"| speedup (wall 1 ÷ {threads}) | CPU {threads} ÷ 1 | |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    misses = []
    for s in stage_names(one, many):
        w1, c1 = median_of(one, "wall", s), median_of(one, "cpu", s)
        w2, c2 = median_of(many, "wall", s), median_of(many, "cpu", s)
        speedup = w1 / w2 if w1 and w2 else None
        cpu_ratio = c2 / c1 if c1 and c2 else None
        note = ""
        if w1 is not None and w1 > SIGNIFICANT_SECONDS and speedup is not None:
            if speedup < SPEEDUP_TARGET:
                note = f"below {SPEEDUP_TARGET}×"
                misses.append((s, speedup))
            else:
                note = "meets"
        lines.append(f"| {s} | {fmt(w1)} | {fmt(c1)} | {fmt(w2)} | {fmt(c2)} | "
                     f"{fmt(speedup, 2)}{'×' if speedup else ''} | {fmt(cpu_ratio, 2)} | {note} |")
    w1, w2 = total_of(one, "total_wall"), total_of(many, "total_wall")
    c1, c2 = total_of(one, "total_cpu"), total_of(many, "total_cpu")
    lines.append(f"| **run total** (the run's timing; CPU: last trace line) | {fmt(w1)} | {fmt(c1)} | {fmt(w2)} | "
                 f"{fmt(c2)} | {fmt(w1 / w2 if w1 and w2 else None, 2)}× | {fmt(c2 / c1 if c1 and c2 else None, 2)} | |")
    if process_one and process_many:
        (pw1, pc1), (pw2, pc2) = process_one, process_many
        lines.append(f"| **process** (/usr/bin/time) | {fmt(pw1)} | {fmt(pc1)} | {fmt(pw2)} | {fmt(pc2)} | "
                     f"{fmt(pw1 / pw2, 2)}× | {fmt(pc2 / pc1, 2)} | |")
    return lines, misses


def orders_table(first, second, names=("date", "customer"), label=""):
    """Markdown lines comparing two row orders' per-stage wall and CPU seconds (same thread count)."""
    a, b = names
    lines = [f"| stage{label} | wall s, {a} | wall s, {b} | CPU s, {a} | CPU s, {b} | CPU {a} ÷ {b} |",
             "|---|---:|---:|---:|---:|---:|"]
    for s in stage_names(first, second):
        wa, wb = median_of(first, "wall", s), median_of(second, "wall", s)
        ca, cb = median_of(first, "cpu", s), median_of(second, "cpu", s)
        lines.append(f"| {s} | {fmt(wa)} | {fmt(wb)} | {fmt(ca)} | {fmt(cb)} | {fmt(ca / cb if ca and cb else None, 2)} |")
    ca, cb = total_of(first, "total_cpu"), total_of(second, "total_cpu")
    wa, wb = total_of(first, "total_wall"), total_of(second, "total_wall")
    lines.append(f"| **run total** | {fmt(wa)} | {fmt(wb)} | {fmt(ca)} | {fmt(cb)} | {fmt(ca / cb if ca and cb else None, 2)} |")
    return lines
