#!/usr/bin/env python3
"""Writes Benchmarks/results/clv-N.md from one run of Benchmarks/clv/bench_clv.sh.

    clv_report.py RAW_DIR OUT.md LOAD_START LOAD_BEFORE_LIFETIMES LOAD_AFTER_LIFETIMES LOAD_END

RAW_DIR holds clv-clientele.json (CLVBenchmarkTests), clv-lifetimes.json (clv_reference.py bench)
and, when the scaling run was made, pareto-scaling.json. Every figure in the file is read from
those; nothing is estimated here.
"""
import json
import os
import sys
from pathlib import Path

raw, out = Path(sys.argv[1]), sys.argv[2]
load_start, load_before, load_after, load_end = sys.argv[3:7]
c = json.loads((raw / "clv-clientele.json").read_text())
l = json.loads((raw / "clv-lifetimes.json").read_text())
scaling = json.loads((raw / "pareto-scaling.json").read_text()) if (raw / "pareto-scaling.json").exists() else None
cs, cc, ls, lc = c["seconds"], c["cpu_seconds"], l["seconds"], l["cpu_seconds"]
MODELS = [("bgnbd", "BG/NBD", "BetaGeoFitter"), ("mbgnbd", "MBG/NBD", "ModifiedBetaGeoFitter"),
          ("paretonbd", "Pareto/NBD", "ParetoNBDFitter")]


def rel(a, b):
    return abs(a - b) / abs(b) if b else float("nan")


def ratio(b, a, lower_bound=False):
    """b ÷ a as 'N×'; '≥ N×' when b is a lower bound (a lifetimes fit stopped at the cap)."""
    return ("≥ " if lower_bound else "") + f"{b / a:,.0f}×" if a > 0 else "—"


def finished(key):
    return l["models"][key].get("finished", True)


complete = l.get("complete", True)
bound = "" if complete else "≥ "


pareto_rows = l["models"]["paretonbd"]["rows_fitted"]
cap = l.get("pareto_cap_seconds")
lines = [
    f"# CLV benchmark: {c['customers']:,} customers, three purchase models", "",
    f"Clientele (Swift, release, {c.get('threads', 1)} thread{'s' if c.get('threads', 1) != 1 else ''}; fastest of {c['repeats']} runs per step, the intervals of {c['interval_repeats']}) "
    f"against lifetimes {l['versions']['lifetimes']} (numpy {l['versions']['numpy']}, scipy {l['versions']['scipy']}, "
    f"pandas {l['versions']['pandas']}, autograd {l['versions']['autograd']}, Python {l['versions']['python']}; one run) "
    f"on the same calibration summary, same machine, same run (`Benchmarks/clv/bench_clv.sh`). "
    f"Machine: {os.cpu_count()} cores; load average {load_start} before Clientele, "
    f"{load_before} before lifetimes, {load_after} after it, {load_end} at the end.", "",
    f"Distinct (x, t_x, T) patterns: {c['patterns']:,}. Not timed on either side: reading transactions "
    f"(Clientele {c['load_seconds']:.2f} s) and the summary (Clientele {cs['summary']:.3f} s; lifetimes reads a CSV, "
    f"{ls['read_summary']:.2f} s).", "",
]
if l["pareto_patterns"]:
    lines += [
        f"**lifetimes' ParetoNBDFitter was given the summary compressed to its {pareto_rows:,} distinct "
        f"(frequency, recency, T) patterns with `weights=`** (the number of customers of each), not the "
        f"{c['customers']:,} customer rows: on the customers its fit is out of reach in this run (see "
        "\"ParetoNBDFitter on 10^5 customers\" below). This is the same likelihood — lifetimes 0.11.3's "
        "`ParetoNBDFitter._negative_log_likelihood` is −Σ wᵢ ln Lᵢ / mean(w), a positive multiple of the "
        "per-customer sum, and Nelder-Mead only compares values — and the compression (a pandas groupby) is inside "
        "its timed fit. Its predictions are made for every customer, as for the other models. "
        "BetaGeoFitter and ModifiedBetaGeoFitter are fitted on the customers.", "",
    ]
if not finished("paretonbd"):
    lines += [
        f"**lifetimes' ParetoNBDFitter did not finish: it was stopped after {cap:,.0f} s** "
        f"({ls['fit_paretonbd']:,.0f} s wall, {lc['fit_paretonbd']:,.0f} s CPU, in a child process; the script's "
        "`--pareto-cap`). Its row shows that time as a lower bound (\"≥\"), it made no predictions, and every "
        "lifetimes total that includes it, and every ratio to such a total, is a lower bound too. The other "
        "fitters ran to the end.", "",
    ]
lines += [
    "| step | Clientele (s) | Clientele CPU (s) | lifetimes (s) | lifetimes CPU (s) | ratio (wall) |",
    "|---|---:|---:|---:|---:|---:|",
    f"| Patterns (x, t_x, T), shared by the three fits and the predictions | {cs['patterns']:.4f} | {cc['patterns']:.4f} | — | — | |",
]
for key, title, fitter in MODELS:
    mark = "" if finished(key) else "≥ "
    lines.append(f"| {title} fit ({fitter}) | {cs['fit_' + key]:.4f} | {cc['fit_' + key]:.4f} | "
                 f"{mark}{ls['fit_' + key]:.2f} | {mark}{lc['fit_' + key]:.2f} | "
                 f"{ratio(ls['fit_' + key], cs['fit_' + key], not finished(key))} |")
lines.append(f"| Gamma-Gamma fit | {cs['gamma_gamma_fit']:.4f} | {cc['gamma_gamma_fit']:.4f} | "
             f"{ls['gamma_gamma_fit']:.2f} | {lc['gamma_gamma_fit']:.2f} | {ratio(ls['gamma_gamma_fit'], cs['gamma_gamma_fit'])} |")
for key, title, _ in MODELS:
    if not finished(key):
        lines.append(f"| {title} predictions: P(alive), expected purchases, 12-month CLV | {cs['predictions_' + key]:.4f} | "
                     f"{cc['predictions_' + key]:.4f} | not run (no fit) | — | |")
        continue
    lines.append(f"| {title} predictions: P(alive), expected purchases, 12-month CLV | {cs['predictions_' + key]:.4f} | "
                 f"{cc['predictions_' + key]:.4f} | {ls['predictions_' + key]:.2f} | {lc['predictions_' + key]:.2f} | "
                 f"{ratio(ls['predictions_' + key], cs['predictions_' + key])} |")
lines.append(f"| **Fits + predictions, all three models** | **{cs['fits_and_predictions']:.4f}** | {cc['fits_and_predictions']:.4f} | "
             f"**{bound}{ls['fits_and_predictions']:.2f}** | {bound}{lc['fits_and_predictions']:.2f} | "
             f"**{ratio(ls['fits_and_predictions'], cs['fits_and_predictions'], not complete)}** |")
for key, title, _ in MODELS:
    lines.append(f"| Holdout validation, {title} (Clientele only) | {cs['holdout_' + key]:.4f} | {cc['holdout_' + key]:.4f} | — | — | |")
lines.append(f"| Model choice (`RepeatPurchaseModelSelection.select`) | {cs['selection']:.6f} | {cc['selection']:.6f} | — | — | |")
lines.append(f"| Bootstrap intervals, {c['intervals']['draws']} draws, {c['intervals']['model']} (Clientele only) | "
             f"{cs['intervals']:.4f} | {cc['intervals']:.4f} | — | — | |")
everything = cs["fits_predictions_holdout_selection"] + cs["intervals"]
everything_cpu = cc["fits_predictions_holdout_selection"] + cc["intervals"]
lines.append(f"| **Everything above, Clientele** (fits, predictions, holdout, choice, intervals) against lifetimes' fits + predictions | "
             f"**{everything:.4f}** | {everything_cpu:.4f} | **{bound}{ls['fits_and_predictions']:.2f}** | {bound}{lc['fits_and_predictions']:.2f} | "
             f"**{ratio(ls['fits_and_predictions'], everything, not complete)}** |")
whole = c["clv_model_fit"]
lines += [
    "",
    "Clientele CPU: process CPU time over all threads, the smallest of the runs (taken separately from the "
    "wall-clock minimum); lifetimes CPU: `time.process_time()` of its one run. Ratios are of wall-clock times; "
    "the totals are the sums of the steps' minima. Clientele's predictions also compute P(no purchase in 90 days), "
    "which lifetimes is not asked for.",
    "",
    "Per model, fit + predictions (Clientele's with the shared patterns, lifetimes' without Gamma-Gamma): "
    + "; ".join(
        f"{title} {cs['patterns'] + cs['fit_' + k] + cs['predictions_' + k]:.4f} s vs "
        f"{'' if finished(k) else '≥ '}{ls['fit_' + k] + ls.get('predictions_' + k, 0.0):.2f} s, "
        f"{ratio(ls['fit_' + k] + ls.get('predictions_' + k, 0.0), cs['patterns'] + cs['fit_' + k] + cs['predictions_' + k], not finished(k))}"
        for k, title, _ in MODELS) + ".",
    "",
    f"The production path, `CLVModel.fit` (auto: both summaries, the three fits side by side, Gamma-Gamma and the "
    f"holdout checks side by side, the choice, predictions and {whole['draws']}-draw intervals for the "
    f"{whole['current_customers']:,} current customers), timed once: {whole['seconds']:.3f} s "
    f"(CPU {whole['cpu_seconds']:.3f} s); it chose {whole['chosen']}.",
    "",
    "## Estimates",
    "",
    "| model | parameter | truth | Clientele | ± SE | lifetimes | ± SE | relative difference |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
]
truth = {"bgnbd": {"r": 0.5, "alpha": 12, "a": 1.5, "b": 3.5}}
for key, title, _ in MODELS:
    cm, lm = c["models"][key], l["models"][key]
    if not finished(key):  # the stopped fit has no estimates: Clientele's alone
        for name, value in cm["estimates"].items():
            se = cm["standard_errors"].get(name)
            lines.append(f"| {title} | {name} | — | {value:.6g} | " + (f"{se:.3g}" if se is not None else "none")
                         + " | not finished | — | — |")
        continue
    for name, value in cm["estimates"].items():
        se = cm["standard_errors"].get(name)
        lse = (lm["standard_errors"] or {}).get(name)
        t = truth.get(key, {}).get(name, "—")
        lines.append(f"| {title} | {name} | {t} | {value:.6g} | {se:.3g} | {lm['estimates'][name]:.6g} | "
                     + (f"{lse:.3g}" if lse is not None else "none") + f" | {rel(value, lm['estimates'][name]):.1e} |"
                     if se is not None else
                     f"| {title} | {name} | {t} | {value:.6g} | none | {lm['estimates'][name]:.6g} | "
                     + (f"{lse:.3g}" if lse is not None else "none") + f" | {rel(value, lm['estimates'][name]):.1e} |")
gtruth = {"p": 6, "q": 4, "v": 15}
for k in ["p", "q", "v"]:
    lines.append(f"| Gamma-Gamma | {k} | {gtruth[k]} | {c['gamma_gamma'][k]:.6g} | {c['gamma_gamma_se'][k]:.3g} | "
                 f"{l['gamma_gamma'][k]:.6g} | {l['gamma_gamma_se'][k]:.3g} | {rel(c['gamma_gamma'][k], l['gamma_gamma'][k]):.1e} |")
lines += [
    "",
    "The data were generated by BG/NBD (and Gamma-Gamma spend), so only those have a truth. Every one of their "
    "Clientele estimates within 3 standard errors of the generating value: "
    + ("yes" if all(abs(v) <= 3 for v in c["standard_errors_from_truth"].values()) else "NO")
    + " (" + ", ".join(f"{k} {v:+.2f}" for k, v in sorted(c["standard_errors_from_truth"].items())) + " SE). "
    "lifetimes' ParetoNBDFitter computes no Hessian, hence no standard errors (\"none\"). "
    "Fit diagnostics (Clientele): " + "; ".join(
        f"{title} {c['models'][k]['iterations']} iterations, {c['models'][k]['stop']}, ln L {c['models'][k]['log_likelihood']:.2f}"
        for k, title, _ in MODELS) + ".",
    "",
    "## Checksums over customers",
    "",
    "| model | Σ P(alive) Clientele | lifetimes | rel. diff. | Σ expected purchases Clientele | lifetimes | rel. diff. | Σ 12-month CLV Clientele | lifetimes | rel. diff. |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for key, title, _ in MODELS:
    a = c["models"][key]["checksums"]
    if not finished(key):
        lines.append(f"| {title} | " + " | ".join(f"{a[k]:.6f} | — | —" for k in ["p_alive_sum", "expected_purchases_sum", "clv_sum"]) + " |")
        continue
    b = l["models"][key]["checksums"]
    lines.append(f"| {title} | " + " | ".join(
        f"{a[k]:.6f} | {b[k]:.6f} | {rel(a[k], b[k]):.1e}" for k in ["p_alive_sum", "expected_purchases_sum", "clv_sum"]) + " |")
nan_note = [f"{title} {l['models'][k]['checksums']['nan']:,}" for k, title, _ in MODELS if finished(k) and l["models"][k]["checksums"]["nan"]]
lines += ["", "The checksums are at each side's own estimates, so they differ as much as the estimates do. "
          + ("lifetimes returned NaN for some customers (left out of its sums): " + ", ".join(nan_note) + "."
             if nan_note else "lifetimes returned no NaN."), ""]
lines += [
    "## Model choice and intervals",
    "",
    f"Chosen: **{c['selection']['chosen']}** (criterion {c['selection']['criterion']}): {c['selection']['reason']}.",
    "",
    "| calibration x | customers | actual mean | " + " | ".join(f"{t} predicted" for _, t, _ in MODELS) + " |",
    "|---|---:|---:|" + "---:|" * len(MODELS),
]
buckets = {k: c["models"][k]["holdout"]["buckets"] for k, _, _ in MODELS}
for i, (label, n, actual, _) in enumerate(buckets["bgnbd"]):
    lines.append(f"| {label} | {n:,} | {actual:.4f} | " + " | ".join(f"{buckets[k][i][3]:.4f}" for k, _, _ in MODELS) + " |")
lines += ["", "Holdout per model (actual " + f"{c['models']['bgnbd']['holdout']['actual']:.0f}" + " purchases): " + "; ".join(
    f"{t} predicted {c['models'][k]['holdout']['predicted']:.1f}, MSE {c['models'][k]['holdout']['mse']:.6f}, "
    f"MAE {c['models'][k]['holdout']['mae']:.4f}" for k, t, _ in MODELS) + ".", ""]
iv = c["intervals"]
if iv.get("unavailable"):
    lines.append(f"Intervals: none ({iv['unavailable']}).")
else:
    text = f"Intervals ({iv['draws']} parameter draws of {iv['model']}, level {iv['level']}): total expected purchases "
    text += f"{iv['total_expected_purchases'][0]:.1f} – {iv['total_expected_purchases'][1]:.1f}"
    if "total_predicted_clv" in iv:
        text += f", total 12-month CLV {iv['total_predicted_clv'][0]:.0f} – {iv['total_predicted_clv'][1]:.0f}"
    lines.append(text + ".")
if scaling:
    lines += ["", "## ParetoNBDFitter on 10^5 customers", "",
              "lifetimes' `ParetoNBDFitter.fit` (Nelder-Mead from its seeded random start, one ₂F₁ pass per evaluation) "
              "on random subsets of the same summary (fixed seed), measured in this run before the main lifetimes run:", "",
              "| customers | given | rows fitted | seconds | CPU seconds | r | alpha | s | beta |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in scaling["runs"]:
        e = r["estimates"]
        lines.append(f"| {r['customers']:,} | {'patterns, weights=' if r['patterns'] else 'customers'} | {r['rows_fitted']:,} | "
                     f"{r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {e['r']:.6g} | {e['alpha']:.6g} | {e['s']:.6g} | {e['beta']:.6g} |")
    lines += ["", "The choice of what to give ParetoNBDFitter at the full size follows from the per-customer row: the "
              "script fits the customers only if 10× that time stays under 25 minutes. That multiple is a decision rule, "
              "not a measurement; no figure above or in the table is extrapolated."]
Path(out).write_text("\n".join(lines) + "\n")
print("\n".join(lines))
