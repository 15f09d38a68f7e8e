"""Clientele under Apache Spark: the exports' rows routed to partitions by customer, each partition
summarised by the clientele binary (`clientele partition summarise`), the statistics merged
exactly in a tree on the executors (`partition merge`), and every partition scored with the merged
statistics (`partition score`); the driver then writes customers.csv in customer_id order.

Run it through scripts/spark-run, which installs PySpark and a JVM. Python only moves bytes here:
every number comes from the clientele binary, the same code as `clientele run`.

This stage covers the RFM columns of customers.csv (customer_id … historical_clv) for the
`fill` and `share` tie rules, its predicted-value columns (p_alive … p_no_purchase_<h>d, with
value_quadrant from the medians of all customers found in a few exact passes) and clv_model.json
(`partition clv` on the driver), and the churn model's churn_model.csv, churn_probability,
churn_risk.csv and report.json's churn section (ChurnSource: the Newton loop on the driver, the
evaluation over the partitions' sorted test rows); what is not distributed yet is listed in
report.json's `skipped` (see README, "Beyond one machine").
"""

import argparse
import base64
import contextlib
import csv
import heapq
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

from pyspark import SparkConf, SparkContext, SparkFiles, StorageLevel, TaskContext

# Scored rows travel from the executors to the driver in blocks of this many bytes.
CHUNK = 1 << 20


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="spark-run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--master", default="local[2]", help="Spark master URL (default: local[2])")
    parser.add_argument("--partitions", type=int, default=8, help="customer partitions (default: 8)")
    parser.add_argument("--part-files", dest="part_files", action="store_true",
                        help="write customers/part-00000.csv … (each sorted, each with the header) instead of customers.csv")
    parser.add_argument("--driver-memory", dest="driver_memory",
                        help="the driver JVM's heap, e.g. 8g (Spark's default: 1g); in local mode it also holds the cached partitions")
    parser.add_argument("--binary", required=True, help="the clientele binary shipped to the workers")
    parser.add_argument("run_options", nargs=argparse.REMAINDER, help="-- then clientele run's job file and options")
    args = parser.parse_args(argv)
    options = args.run_options[1:] if args.run_options[:1] == ["--"] else args.run_options
    run = argparse.ArgumentParser(prog="spark-run -- ")
    run.add_argument("job", nargs="?")
    run.add_argument("--transactions", required=True)
    run.add_argument("--as-of", dest="as_of", help="default: the day after the last transaction of all partitions")
    run.add_argument("--calibration-end", dest="calibration_end", help="default: clientele run's default holdout")
    run.add_argument("--interactions", help="the interactions export: report.json's satisfaction section and correlations.csv (write_satisfaction)")
    run.add_argument("--out", default="clientele-report")
    return args, run.parse_args(options)


def customer_key(line, column=0, delimiter=","):
    """The customer id field of one CSV line."""
    return next(csv.reader([line], delimiter=delimiter))[column]


def key_column(header, job):
    """Where the customer id is in the transactions header, and the delimiter (export_key_column)."""
    return export_key_column(header, job, "transactions")


def run_worker(command):
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {result.returncode}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


# A worker's message about a bad row of a partition's file travels to the driver tagged with the
# row itself (base64 JSON between two of these), so that the driver can name the export's line.
BAD_ROW = "clientele-bad-row"


def located(error, files):
    """`error` (run_worker's, exit 65) about a row of one of `files` — (export name, the partition
    file's path, its rows' bytes) — as a RuntimeError carrying that row and the message; any other
    error unchanged."""
    message = str(error)
    if ": exit 65: " not in message:
        return error
    stderr = message.split(": exit 65: ", 1)[1]
    for export, path, blob in files:
        found = re.search(re.escape(path) + r":(\d+):", stderr)
        rows = blob.split(b"\n")
        if found and 2 <= int(found.group(1)) <= len(rows) + 1:
            line = int(found.group(1))
            info = {"export": export, "path": path, "line": line, "row": rows[line - 2].decode("utf-8", "replace"), "message": stderr}
            return RuntimeError(f"{BAD_ROW}:{base64.b64encode(json.dumps(info).encode()).decode()}:{BAD_ROW}")
    return error


def exit_on_bad_row(sc, error, run):
    """When `error` carries a bad row (located), finds the row's line in the export (its first
    line with that text) and stops as `clientele run` would: its message with the export's path
    and line, exit status 65. Returns otherwise."""
    found = re.search(BAD_ROW + r":([A-Za-z0-9+/=]+):" + BAD_ROW, str(error))
    if not found:
        return
    info = json.loads(base64.b64decode(found.group(1)))
    export = run.transactions if info["export"] == "transactions" else run.interactions
    row = info["row"]
    index = sc.textFile(os.path.abspath(export)).zipWithIndex().filter(lambda t: t[0] == row).map(lambda t: t[1]).min()
    message = info["message"].replace(f"{info['path']}:{info['line']}:", f"{export}:{index + 1}:")
    sys.stderr.write(message if message.endswith("\n") else message + "\n")
    sys.exit(65)


def worker_on_blob(prefix, blob, command):
    """Runs `command` (a list that names `IN` and `OUT`) on `blob` written to a scratch file as IN,
    and returns the bytes it wrote to OUT: one partition pass over a cached file."""
    folder = tempfile.mkdtemp(prefix=f"clientele-{prefix}-")
    try:
        paths = {"IN": os.path.join(folder, "in.bin"), "OUT": os.path.join(folder, "out")}
        with open(paths["IN"], "wb") as f:
            f.write(blob)
        run_worker([paths.get(arg, arg) for arg in command])
        with open(paths["OUT"], "rb") as f:
            return f.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def saved(pairs, pattern):
    """(index, bytes) pairs written in index order to the paths `pattern.format(index)`; returns the paths."""
    paths = []
    for index, blob in sorted(pairs):
        paths.append(pattern.format(index))
        with open(paths[-1], "wb") as f:
            f.write(blob)
    return paths


def partition_blobs(rdd, tagged=False):
    """Each partition's rows as one element, the bytes of its file (or, `tagged`, of its
    transactions and interactions files), kept in memory and spilled to disk when they do not fit:
    every later pass writes them out in one call instead of a line at a time through Python, and
    never routes the rows again."""
    def pack(iterator):
        if not tagged:
            yield b"".join(line.encode("utf-8") + b"\n" for line in iterator)
            return
        files = ([], [])
        for tag, line in iterator:
            files[tag].append(line.encode("utf-8") + b"\n")
        yield b"".join(files[0]), b"".join(files[1])
    return rdd.mapPartitions(pack, preservesPartitioning=True).persist(StorageLevel.MEMORY_AND_DISK)


class Worker:
    """What every partition step needs on an executor: the shipped binary and job file, and the
    transactions header that heads each partition's file. Pickled into the tasks."""

    def __init__(self, binary, job, header):
        self.driver_binary = os.path.abspath(binary)
        self.binary_name = os.path.basename(binary)
        self.job_name = os.path.basename(job) if job else None
        self.header = header

    def binary(self):
        """The clientele binary: the shipped copy in a task, the driver's own outside one."""
        if TaskContext.get() is None:
            return self.driver_binary
        path = SparkFiles.get(self.binary_name)
        os.chmod(path, 0o755)
        return path

    def job_flags(self):
        return [SparkFiles.get(self.job_name)] if self.job_name else []

    @contextlib.contextmanager
    def partition_file(self, index, iterator):
        """A scratch folder holding the partition's rows as transactions.csv, removed afterwards."""
        folder = tempfile.mkdtemp(prefix=f"clientele-part-{index}-")
        try:
            path = os.path.join(folder, "transactions.csv")
            blob = next(iterator, b"")  # the partition's one blob (partition_blobs)
            with open(path, "wb") as f:
                f.write(self.header.encode("utf-8") + b"\n")
                f.write(blob)
            try:
                yield folder, path
            except RuntimeError as error:
                raise located(error, [("transactions", path, blob)]) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    @contextlib.contextmanager
    def partition_inputs(self, index, iterator, interactions_header=None):
        """The partition's rows as files and the flags that name them: transactions.csv alone, or
        with interactions.csv when `interactions_header` is given (the partition's element is then
        the pair of blobs of partition_blobs(tagged=True))."""
        if interactions_header is None:
            with self.partition_file(index, iterator) as (folder, path):
                yield folder, ["--transactions", path]
            return
        folder = tempfile.mkdtemp(prefix=f"clientele-part-{index}-")
        try:
            paths = [os.path.join(folder, "transactions.csv"), os.path.join(folder, "interactions.csv")]
            blobs = next(iterator, (b"", b""))  # the partition's files (partition_blobs, tagged)
            for path, head, blob in zip(paths, (self.header, interactions_header), blobs):
                with open(path, "wb") as f:
                    f.write(head.encode("utf-8") + b"\n")
                    f.write(blob)
            try:
                yield folder, ["--transactions", paths[0], "--interactions", paths[1]]
            except RuntimeError as error:
                raise located(error, list(zip(("transactions", "interactions"), paths, blobs))) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def step(self, index, iterator, command, out_name, flags):
        """Runs `clientele partition COMMAND` on the partition and returns [(index, the file it wrote)]."""
        with self.partition_file(index, iterator) as (folder, path):
            out = os.path.join(folder, out_name)
            run_worker([self.binary(), "partition", command] + self.job_flags()
                       + ["--transactions", path, "--threads", "1", "--out", out] + flags)
            with open(out, "rb") as f:
                return [(index, f.read())]


def resolve_periods(worker, rows, run, job, work):
    """`--as-of` and `--calibration-end` for every later step, and which of them were defaulted
    (`partition report`'s flags). When either is not given, each partition's extent (first order
    day, last transaction day; `partition extent`) is read and `partition periods` resolves the
    defaults by `clientele run`'s rules, so they live in Swift. With interactions, every flag list
    names them (`--run-interactions`): a step that reads the transactions alone then accepts a job
    whose features come from the interactions, as `clientele run` does."""
    base = ["--run-interactions", os.path.abspath(run.interactions)] if run.interactions else []
    if run.as_of and run.calibration_end:
        return base + ["--as-of", run.as_of, "--calibration-end", run.calibration_end], []
    given = base + (["--as-of", run.as_of] if run.as_of else [])
    extents = rows.mapPartitionsWithIndex(lambda i, it: worker.step(i, it, "extent", "extent.bin", given)).collect()
    paths = []
    for index, blob in extents:  # 32 bytes a partition
        path = os.path.join(work, f"extent-{index:05d}.bin")
        with open(path, "wb") as f:
            f.write(blob)
        paths.append(path)
    command = [worker.driver_binary, "partition", "periods"] + ([job] if job else []) + given
    if run.calibration_end:
        command += ["--calibration-end", run.calibration_end]
    periods = json.loads(run_worker(command + ["--extents"] + paths))
    flags = base + ["--as-of", periods["as_of"]]
    if periods["calibration_end"] is not None:
        flags += ["--calibration-end", periods["calibration_end"]]
    defaulted = ["--as-of-defaulted"] if periods["as_of_defaulted"] else []
    defaulted += ["--calibration-end-defaulted"] if periods["calibration_end_defaulted"] else []
    return flags, defaulted


def merge_statistics(worker, rows, flags, out, buckets):
    """Every partition's statistics merged into the file `out`: summarised per partition, then
    merged pairwise by `partition merge` in Spark's treeAggregate on the executors (exact and
    order-free, so the tree's shape does not change a byte); the driver gets the merged blobs of
    the tree's last level only. Gamma-Gamma's rows, which grow with the customers, stay on the
    executors: each partition writes them in `buckets` buckets of x (`summarise
    --repeat-spend-buckets`), Spark routes every partition's share of a bucket to one task, which
    merges them (`partition merge-spend`). Returns the merged buckets, (bucket, bytes) pairs kept in
    Spark's cache, for the driver's Gamma-Gamma passes (gamma_gamma_passes)."""
    def summarise(index, iterator):
        with worker.partition_file(index, iterator) as (folder, path):
            stats, prefix = os.path.join(folder, "stats.bin"), os.path.join(folder, "spend")
            run_worker([worker.binary(), "partition", "summarise"] + worker.job_flags()
                       + ["--transactions", path, "--threads", "1", "--out", stats,
                          "--repeat-spend-buckets", str(buckets), "--repeat-spend-out", prefix] + flags)
            with open(stats, "rb") as f:
                yield "stats", index, f.read()
            for bucket in range(buckets):
                if os.path.exists(f"{prefix}-{bucket}.bin"):
                    with open(f"{prefix}-{bucket}.bin", "rb") as f:
                        yield "spend", bucket, f.read()

    def merge(a, b):
        if a is None or b is None:
            return b if a is None else a
        folder = tempfile.mkdtemp(prefix="clientele-merge-")
        try:
            paths = [os.path.join(folder, name) for name in ("a.bin", "b.bin", "merged.bin")]
            for path, blob in zip(paths, (a, b)):
                with open(path, "wb") as f:
                    f.write(blob)
            run_worker([worker.binary(), "partition", "merge", paths[0], paths[1], "--out", paths[2]])
            with open(paths[2], "rb") as f:
                return f.read()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def merge_spend(iterator):
        shares = list(iterator)
        if not shares:
            return
        folder = tempfile.mkdtemp(prefix="clientele-spend-")
        try:
            paths = []
            for n, (_, blob) in enumerate(shares):
                paths.append(os.path.join(folder, f"{n}.bin"))
                with open(paths[-1], "wb") as f:
                    f.write(blob)
            out = os.path.join(folder, "merged.bin")
            run_worker([worker.binary(), "partition", "merge-spend"] + paths + ["--out", out])
            with open(out, "rb") as f:
                yield shares[0][0], f.read()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    summaries = rows.mapPartitionsWithIndex(summarise).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        merged = summaries.filter(lambda t: t[0] == "stats").map(lambda t: t[2]).treeAggregate(None, merge, merge, depth=2)
        with open(out, "wb") as f:
            f.write(merged)
        spend = (summaries.filter(lambda t: t[0] == "spend").map(lambda t: (t[1], t[2]))
                 .partitionBy(buckets, lambda bucket: bucket).mapPartitions(merge_spend)
                 .persist(StorageLevel.MEMORY_AND_DISK))
        spend.count()  # merged while the summaries are cached
    finally:
        summaries.unpersist()
    return spend


def gamma_gamma_passes(worker, spend, command, work):
    """Runs `command` (`partition clv --gamma-gamma-passes`) on the driver and answers each request
    of its Gamma-Gamma fit (a line of JSON on its standard output) with one pass over the merged
    buckets (`partition gamma-gamma-pass` on each, a few numbers per distinct x), handing it the
    answers' paths (a JSON array on its standard input). About seven passes; the driver never
    holds the rows."""
    log = os.path.join(work, "clv.log")
    with open(log, "wb") as errors:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True)
        for number, line in enumerate(proc.stdout):
            request = line.strip()

            def answer(item, request=request):
                bucket, blob = item
                return bucket, worker_on_blob("gg", blob, [worker.binary(), "partition", "gamma-gamma-pass", "--spend", "IN",
                                                           "--request", request, "--out", "OUT"])

            answers = saved(spend.map(answer).collect(), os.path.join(work, f"gamma-gamma-{number:03d}-{{:05d}}.json"))
            proc.stdin.write(json.dumps(answers) + "\n")
            proc.stdin.flush()
        proc.stdin.close()
        status = proc.wait()
    if status != 0:
        with open(log, "rb") as f:
            raise RuntimeError(f"{' '.join(command)}: exit {status}: {f.read().decode(errors='replace').strip()}")


def value_medians(sc, worker, rows, flags, merged_name, clv_fit_name, work):
    """The value matrix's thresholds, the medians of historical and predicted CLV over every
    customer with both, found exactly: `partition value-medians` keeps the middle values' key
    prefixes, each pass narrows them by 16 bits from every partition's counts (`partition
    value-counts`, a few thousand numbers at most, predicted with the driver's fit
    `clv_fit_name`), four passes at most. Returns the name of the complete medians file, added
    to the Spark files for `score`."""
    path = os.path.join(work, "value-medians-0.json")
    run_worker([worker.driver_binary, "partition", "value-medians", "--out", path])
    for number in itertools.count():
        name = os.path.basename(path)
        sc.addFile(path)

        def counts(index, iterator, name=name):
            return worker.step(index, iterator, "value-counts", "counts.json",
                               ["--statistics", SparkFiles.get(merged_name), "--medians", SparkFiles.get(name),
                                "--clv-fit", SparkFiles.get(clv_fit_name)] + flags)

        paths = []
        for index, blob in rows.mapPartitionsWithIndex(counts).collect():
            paths.append(os.path.join(work, f"value-counts-{number}-{index:05d}.json"))
            with open(paths[-1], "wb") as f:
                f.write(blob)
        path = os.path.join(work, f"value-medians-{number + 1}.json")
        state = run_worker([worker.driver_binary, "partition", "value-medians", "--medians", os.path.join(work, name),
                            "--out", path] + paths)
        if json.loads(state)["complete"]:
            sc.addFile(path)
            return os.path.basename(path)


def kmeans_state(sc, worker, rows, job, flags, merged_name, scoring_name, work):
    """k-means over the partitions (PartitionKMeansState): `partition kmeans-seed` says whether the
    run clusters; if so every partition writes its standardised features once (`kmeans-features`,
    kept in Spark's cache on the executors) and its candidates for the seeding sample, the driver
    seeds every restart from the merged sample, and each Lloyd iteration is one pass (`kmeans-pass`
    on every partition, `kmeans-step` on the driver adding their sums in partition order) until the
    state is done or skipped. The driver reads the merged statistics `merged_name`, the executors
    their scoring copy `scoring_name`. Returns the final state's name, added to the Spark files."""
    binary, job_flags = worker.driver_binary, ([job] if job else [])
    merged = os.path.join(work, merged_name)
    state = os.path.join(work, "kmeans-00000.json")
    seed = [binary, "partition", "kmeans-seed"] + job_flags + ["--statistics", merged, "--out", state] + flags
    if json.loads(run_worker(seed))["phase"] == "skipped":
        sc.addFile(state)
        return os.path.basename(state)

    def features(index, iterator):
        with worker.partition_file(index, iterator) as (folder, path):
            outs = [os.path.join(folder, "features.bin"), os.path.join(folder, "sample.bin")]
            run_worker([worker.binary(), "partition", "kmeans-features"] + worker.job_flags()
                       + ["--transactions", path, "--threads", "1", "--statistics", SparkFiles.get(scoring_name),
                          "--out", outs[0], "--sample-out", outs[1]] + flags)
            blobs = []
            for out in outs:
                with open(out, "rb") as f:
                    blobs.append(f.read())
            return [(index, blobs[0], blobs[1])]

    cached = rows.mapPartitionsWithIndex(features).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        samples = []
        for index, sample in sorted(cached.map(lambda t: (t[0], t[2])).collect()):
            samples += ["--sample", os.path.join(work, f"kmeans-sample-{index:05d}.bin")]
            with open(samples[-1], "wb") as f:
                f.write(sample)
        phase = json.loads(run_worker(seed + samples))["phase"]
        for number in itertools.count(1):
            name = os.path.basename(state)
            sc.addFile(state)
            if phase in ("done", "skipped"):
                return name

            def kmeans_pass(item, name=name):
                index, blob, _ = item
                return index, worker_on_blob("kmeans", blob, [worker.binary(), "partition", "kmeans-pass", "--features", "IN",
                                                              "--state", SparkFiles.get(name), "--out", "OUT"])

            passes = saved(cached.map(kmeans_pass).collect(), os.path.join(work, f"kmeans-pass-{number:05d}-{{:05d}}.json"))
            state = os.path.join(work, f"kmeans-{number:05d}.json")
            phase = json.loads(run_worker([binary, "partition", "kmeans-step", "--state", os.path.join(work, name),
                                           "--out", state] + passes))["phase"]
    finally:
        cached.unpersist()


def scored_parts(worker, rows, flags, merged_name, staging, medians_name=None, churn=None, clusters_name=None,
                 interactions_header=None, clv_fit_name=None):
    """Each partition's customers.csv rows (sorted by customer_id, with the header), scored on the
    executors and kept on their disks, then brought to the driver one partition at a time and
    written to `staging/part-NNNNN.csv`, and its totals for the report (`--totals`, a few hundred
    bytes) to `staging/totals-NNNNN.json`. Returns the part files and the totals files. With
    `churn` (a ChurnSource whose fit is done), churn_probability is scored too and each
    partition's churn_risk.csv rows land in `staging/risk-NNNNN.csv` (ChurnSource.risk_parts) and
    its test rows, sorted for the evaluation, in `staging/test-NNNNN.bin` (ChurnSource.test_parts).
    With `interactions_header`, `rows` are tagged rows with the interactions (tagged_rows), which
    the churn features and the satisfaction columns (`--satisfaction-columns` in `flags`) read.
    With `clv_fit_name`, the CLV columns are predicted with the driver's fit (`partition clv
    --scoring-fit`)."""
    header, state_name = interactions_header, (churn.state_name if churn else None)  # not the SparkContext

    def score(index, iterator):
        with worker.partition_inputs(index, iterator, header) as (folder, inputs):
            outs = {"part": os.path.join(folder, "customers.csv"), "risk": os.path.join(folder, "churn_risk.csv"),
                    "test": os.path.join(folder, "churn-test.bin"), "comparison": os.path.join(folder, "churn-comparison.json"),
                    "totals": os.path.join(folder, "totals.json")}
            medians = ["--value-medians", SparkFiles.get(medians_name)] if medians_name else []
            extra = ["--churn-state", SparkFiles.get(state_name), "--churn-risk-out", outs["risk"],
                     "--churn-test-out", outs["test"], "--churn-comparison-out", outs["comparison"]] if state_name else []
            extra += ["--clusters", SparkFiles.get(clusters_name)] if clusters_name else []
            extra += ["--clv-fit", SparkFiles.get(clv_fit_name)] if clv_fit_name else []
            run_worker([worker.binary(), "partition", "score"] + worker.job_flags()
                       + ["--statistics", SparkFiles.get(merged_name)] + inputs + ["--threads", "1",
                          "--out", outs["part"], "--totals", outs["totals"]] + medians + extra + flags)
            for kind in ("totals", "part", "risk", "test", "comparison") if state_name else ("totals", "part"):
                with open(outs[kind], "rb") as f:
                    while chunk := f.read(CHUNK):
                        yield index, kind, chunk

    scored = rows.mapPartitionsWithIndex(score).persist(StorageLevel.DISK_ONLY)
    try:
        scored.count()  # scores every partition in parallel; the blocks stay on the executors
        files = {}
        for index, kind, chunk in scored.toLocalIterator():
            if (kind, index) not in files:
                suffix = {"totals": "json", "test": "bin", "comparison": "json"}.get(kind, "csv")
                files[kind, index] = open(os.path.join(staging, f"{kind}-{index:05d}.{suffix}"), "wb")
            files[kind, index].write(chunk)
        for f in files.values():
            f.close()
    finally:
        scored.unpersist()
    if churn:
        churn.risk_parts = [os.path.join(staging, f"risk-{index:05d}.csv") for kind, index in sorted(files) if kind == "risk"]
        churn.test_parts = [os.path.join(staging, f"test-{index:05d}.bin") for kind, index in sorted(files) if kind == "test"]
        churn.comparison_parts = [os.path.join(staging, f"comparison-{index:05d}.json") for kind, index in sorted(files) if kind == "comparison"]
    totals = [os.path.join(staging, f"totals-{index:05d}.json") for kind, index in sorted(files) if kind == "totals"]
    return [os.path.join(staging, f"part-{index:05d}.csv") for kind, index in sorted(files) if kind == "part"], totals


def driver_report(binary, job, run, flags, defaulted, merged, medians, totals, outputs, work, clusters=None, clv_report=None,
                  churn=None, satisfaction=None):
    """report.json, report.md, report.html, segments.csv and cohorts.csv (and clusters.csv when k-means ran) on
    the driver (`partition report`) from the merged statistics and every partition's totals; with
    `churn` (a fitted ChurnSource), the churn section evaluated on the test rows and the
    comparison with P(no purchase); with `satisfaction` (write_satisfaction's files), the
    satisfaction section, the interactions' accounting and correlations.csv. Returns their paths."""
    folder = os.path.join(work, "report")
    os.makedirs(folder)
    command = [binary, "partition", "report"] + ([job] if job else []) + ["--statistics", merged, "--out", folder]
    command += ["--transactions", run.transactions] + (["--interactions", run.interactions] if run.interactions else [])
    command += ["--value-medians", medians] if medians else []
    command += defaulted
    command += ["--clusters", clusters] if clusters else []
    command += ["--churn-report", churn.evaluate(flags, work), "--churn-comparison"] + churn.comparison_parts if churn else []
    command += ["--clv-report", clv_report] if clv_report else []
    command += ["--satisfaction-statistics", satisfaction[1], "--satisfaction-sums"] + satisfaction[2] if satisfaction else []
    for name in outputs:
        command += ["--output", name]
    for path in totals:
        command += ["--totals", path]
    run_worker(command + flags)
    names = ("clv_model.json", "cohorts.csv", "clusters.csv", "correlations.csv", "segments.csv", "report.json", "report.md", "report.html")
    return [os.path.join(folder, name) for name in names if os.path.exists(os.path.join(folder, name))]


def main(argv):
    args, run = parse_arguments(argv)
    job = os.path.abspath(run.job) if run.job else None
    out = os.path.abspath(run.out)
    if os.path.exists(out):
        sys.exit(f"error: {out} exists; spark-run writes a new report folder")
    conf = SparkConf().setMaster(args.master).setAppName("clientele").set("spark.ui.showConsoleProgress", "false")
    if args.driver_memory:
        conf.set("spark.driver.memory", args.driver_memory)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    sc.addFile(os.path.abspath(args.binary))
    if job:
        sc.addFile(job)

    lines = sc.textFile(os.path.abspath(run.transactions))
    header = lines.first()
    column, delimiter = key_column(header, job)
    rows = partition_blobs(lines.filter(lambda line: line != header)
                           .map(lambda line: (customer_key(line, column, delimiter), line))
                           .partitionBy(args.partitions)
                           .values())
    worker = Worker(args.binary, job, header)

    work = tempfile.mkdtemp(prefix="clientele-spark-")
    try:
        flags, defaulted = resolve_periods(worker, rows, run, job, work)
        merged = os.path.join(work, "merged.bin")
        spend = merge_statistics(worker, rows, flags, merged, args.partitions)
        check_rejects(os.path.abspath(args.binary), job, flags, merged, ["--transactions", run.transactions])
        # The executors' copy leaves out the CLV step's pooled rows, which grow with the customers:
        # they predict with the driver's fit (clv-fit.json) instead of refitting.
        scoring_statistics = scoring_copy(worker.driver_binary, merged, "scoring.bin")
        sc.addFile(scoring_statistics)
        # --- predicted value (CLV): clv_model.json and the scoring fit from the merged statistics, on the driver ---
        clv_model, clv_fit, clv_report = driver_clv_model(worker, job, flags, merged, spend, work)
        spend.unpersist()
        if clv_fit:
            sc.addFile(clv_fit)
        # --- end of the CLV step ---
        # --- satisfaction (write_satisfaction): its own pass over both exports ---
        satisfaction = write_satisfaction(sc, args, run, job, work, flags) if run.interactions else None
        # --- end satisfaction ---
        scoring_flags = flags
        clv_fit_name = os.path.basename(clv_fit) if clv_fit else None
        # --- value matrix: its medians over all customers, a few passes (value_medians) ---
        medians = value_medians(sc, worker, rows, scoring_flags, "scoring.bin", clv_fit_name, work) if clv_fit else None
        # --- end value matrix ---
        # --- clusters (kmeans_state): the seeds and Lloyd steps on the driver, the passes on the executors ---
        clusters = kmeans_state(sc, worker, rows, job, flags, "merged.bin", "scoring.bin", work)
        # --- end clusters ---
        # --- churn (ChurnSource): the Newton loop on the driver, its sums on the executors ---
        churn = ChurnSource(sc, args, run, job, worker, rows).fit(flags, work)
        # --- end churn ---
        # The satisfaction columns of customers.csv when the analysis ran (each customer's own,
        # from the partition's interactions): the scoring rows then carry the interactions.
        ran = bool(satisfaction) and satisfaction_ran(satisfaction[0])
        if ran:
            scoring_flags = scoring_flags + ["--satisfaction-columns"]
        score_header, score_rows = (None, rows)
        if churn and churn.interactions_header:
            score_header, score_rows = churn.interactions_header, churn.rows
        elif "--satisfaction-columns" in scoring_flags:
            _, score_header, score_rows = tagged_rows(sc, args, run, job)
        parts, totals = scored_parts(worker, score_rows, scoring_flags, "scoring.bin", work, medians, churn, clusters,
                                     interactions_header=score_header, clv_fit_name=clv_fit_name)
        extra = [path for path in (clv_model, satisfaction[0] if satisfaction and not ran else None) if path]
        extra += churn.report_files(work) if churn else []
        # --- report.json, report.md, segments.csv (driver_report) ---
        outputs = ["customers" if args.part_files else "customers.csv"] + [os.path.basename(path) for path in extra]
        # clv_model.json lands from the report step, which adds the totals and value matrix to the CLV step's.
        extra = [path for path in extra if path != clv_model]
        extra += driver_report(os.path.abspath(args.binary), job, run, flags, defaulted, merged,
                               os.path.join(work, medians) if medians else None, totals, outputs, work,
                               os.path.join(work, clusters), clv_report, churn, satisfaction if ran else None)
        # --- end report ---
        write_customers(out, parts, args.part_files, cells_neutralized(job), extra_files=extra)
    except Exception as error:
        exit_on_bad_row(sc, error, run)  # a bad row under on_bad_row = "fail": the export's line, exit 65
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        sc.stop()


# The first bytes that make a spreadsheet cell a formula: customers.csv writes such an id `"'…"`
# unless [run] raw_csv is set (CSVCellPolicy).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def sort_key(line, neutralized=True):
    """The customer_id's UTF-8 bytes (Clientele's order) of one customers.csv line. A quoted id
    is read as CSV, and a `'` the writer put before a formula lead is dropped, so ids sort as
    themselves, not as their written form. (A raw id that itself starts with `'` and a formula
    lead and holds a comma or quote reads the same as the neutralised one; two such ids may
    then come out in the other order.)"""
    if not line.startswith(b'"'):
        return line.split(b",", 1)[0].rstrip(b"\r\n")
    cell = next(csv.reader([line.decode("utf-8")]))[0]
    if neutralized and cell[:1] == "'" and cell[1:2] in FORMULA_LEADS:
        cell = cell[1:]
    return cell.encode("utf-8")


def cells_neutralized(job):
    """Whether customers.csv neutralises formula-like ids: unless the job sets [run] raw_csv."""
    if not job:
        return True
    with open(job, "rb") as f:
        return not tomllib.load(f).get("run", {}).get("raw_csv", False)


def check_rejects(binary, job, flags, merged, inputs):
    """max_reject_share on every partition's rows together (a partition cannot judge alone): too
    many rejected rows stop the run with clientele run's message and exit status (65)."""
    check = subprocess.run([binary, "partition", "check"] + ([job] if job else []) + ["--statistics", merged]
                           + inputs + flags, capture_output=True)
    if check.returncode != 0:
        sys.stderr.write(check.stderr.decode(errors="replace"))
        sys.exit(check.returncode)


def scoring_copy(binary, merged, name):
    """The merged statistics without the CLV step's pooled rows (`partition merge
    --omit-clv-rows`), beside them as `name`: what the executors read. Returns its path."""
    path = os.path.join(os.path.dirname(merged), name)
    run_worker([binary, "partition", "merge", merged, "--omit-clv-rows", "--out", path])
    return path


def driver_clv_model(worker, job, flags, merged, spend, work):
    """The driver's CLV step: `clientele partition clv` fits the purchase models, their holdout
    check and model choice on the merged statistics, and Gamma-Gamma by passes over the buckets
    `spend` (gamma_gamma_passes), once, and writes clv_model.json, the fit the partitions'
    `score` predict their customers with (clv-fit.json: the chosen model's and Gamma-Gamma's
    estimates) and the fit `partition report` reads (clv-report.json). Returns the three paths;
    the first two are None when the run has no CLV section (disabled, margin 0, data the models
    cannot fit)."""
    path, fit, report = (os.path.join(work, name) for name in ("clv_model.json", "clv-fit.json", "clv-report.json"))
    gamma_gamma_passes(worker, spend, [worker.driver_binary, "partition", "clv"] + ([job] if job else [])
                       + ["--statistics", merged, "--out", path, "--scoring-fit", fit, "--report-fit", report,
                          "--gamma-gamma-passes"] + flags, work)
    return ((path, fit) if os.path.exists(path) else (None, None)) + (report,)


def write_customers(out, parts, part_files, neutralized=True, extra_files=()):
    """customers.csv from the partitions' part files, each sorted by customer_id: a k-way merge
    streamed line by line, written to a staging folder renamed into place. With `part_files`,
    customers/part-00000.csv … instead: the merged order cut into as many parts as partitions
    (row counts differing by one at most), each with the header, so their rows concatenated are
    customers.csv's. `extra_files` (the driver's report files) land beside it."""
    staging = out + ".staging"
    os.makedirs(staging)  # fails if it exists: the folder removed below is always this run's own
    try:
        fill_report_folder(staging, parts, part_files, neutralized, extra_files)
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def fill_report_folder(staging, parts, part_files, neutralized, extra_files):
    """write_customers's files, in the staging folder."""
    for path in extra_files:
        shutil.copyfile(path, os.path.join(staging, os.path.basename(path)))
    with contextlib.ExitStack() as stack:
        readers = [stack.enter_context(open(path, "rb")) for path in parts]
        headers = {reader.readline() for reader in readers}
        if len(headers) != 1:
            raise RuntimeError("partitions wrote different customers.csv headers")
        header = headers.pop()
        merged = heapq.merge(*readers, key=lambda line: sort_key(line, neutralized))
        if not part_files:
            with open(os.path.join(staging, "customers.csv"), "wb") as f:
                f.write(header)
                f.writelines(merged)
        else:
            os.makedirs(os.path.join(staging, "customers"))
            total = 0
            for path in parts:
                with open(path, "rb") as f:
                    total += sum(1 for _ in f) - 1
            for number in range(len(parts)):
                size = total * (number + 1) // len(parts) - total * number // len(parts)
                with open(os.path.join(staging, "customers", f"part-{number:05d}.csv"), "wb") as f:
                    f.write(header)
                    f.writelines(itertools.islice(merged, size))


def export_key_column(header, job, section_name):
    """key_column for any export: the job file's [section_name] delimiter and columns.customer_id."""
    section = {}
    if job:
        with open(job, "rb") as f:
            section = tomllib.load(f).get(section_name, {})
    names = {",": ",", ";": ";", "|": "|", "tab": "\t", "\t": "\t"}
    delimiter = names.get(section.get("delimiter", ","), section.get("delimiter", ","))
    name = section.get("columns", {}).get("customer_id", "customer_id")
    fields = next(csv.reader([header.lstrip("\ufeff")], delimiter=delimiter))
    if name not in fields:
        sys.exit(f"error: the {section_name} header has no column {name!r} (it has {', '.join(fields)})")
    return fields.index(name), delimiter


def keyed_export(sc, path, job, section_name, tag):
    """An export's data lines keyed by customer id and tagged (0 transactions, 1 interactions), with its header."""
    lines = sc.textFile(os.path.abspath(path))
    header = lines.first()
    column, delimiter = export_key_column(header, job, section_name)
    keyed = (lines.filter(lambda line: line != header)
             .map(lambda line: (customer_key(line, column, delimiter), (tag, line))))
    return header, keyed


def satisfaction_ran(path):
    """Whether satisfaction.json found respondents among the scored customers, as the single run's
    analysis needs to run (and to write customers.csv's satisfaction columns)."""
    with open(path, encoding="utf-8") as f:
        return (json.load(f).get("respondents") or 0) > 0


def tagged_rows(sc, args, run, job):
    """Both exports routed by customer id with the same partitioner (every row of a customer,
    transaction or interaction, in one partition, orphans included), each partition's rows as
    tagged blobs (partition_blobs): the transactions' and the interactions' headers, and the rows."""
    tx_header, tx = keyed_export(sc, run.transactions, job, "transactions", 0)
    ix_header, ix = keyed_export(sc, run.interactions, job, "interactions", 1)
    return tx_header, ix_header, partition_blobs(tx.union(ix).partitionBy(args.partitions).values(), tagged=True)


def write_satisfaction(sc, args, run, job, work, flags):
    """satisfaction.json in `work`, the merged statistics and the sums files (returned: `partition
    report` turns the last two into report.json's satisfaction section and correlations.csv;
    satisfaction.json lands only when the analysis found no respondents): both exports routed by customer id with the same partitioner
    (every row of a customer, transaction or interaction, in one partition, orphans included),
    each partition summarised with --interactions (without the CLV step's pooled rows, which this
    step does not read and which grow with the customers), the statistics merged, the cross sums of every
    partition computed with the merged statistics (`partition correlate`, with each RFM segment's
    value counts), merged (`merge-sums`), each segment's cross sums (`correlate --segment-counts`),
    and `partition correlations` on the driver: the interactions' accounting, quadrants, NPS and the
    satisfaction–loyalty correlations overall and per segment (Pearson and Spearman exact;
    Kendall's tau-b on a sample)."""
    job_name = os.path.basename(job) if job else None
    tx_header, ix_header, tagged = tagged_rows(sc, args, run, job)

    def with_partition_files(index, iterator, body):
        folder = tempfile.mkdtemp(prefix=f"clientele-sat-{index}-")
        try:
            paths = [os.path.join(folder, "transactions.csv"), os.path.join(folder, "interactions.csv")]
            blobs = next(iterator, (b"", b""))  # the partition's files (partition_blobs, tagged)
            for path, head, blob in zip(paths, (tx_header, ix_header), blobs):
                with open(path, "wb") as f:
                    f.write(head.encode("utf-8") + b"\n")
                    f.write(blob)
            binary = SparkFiles.get(os.path.basename(args.binary))
            os.chmod(binary, 0o755)
            job_flags = [SparkFiles.get(job_name)] if job_name else []
            inputs = ["--transactions", paths[0], "--interactions", paths[1], "--threads", "1"]
            try:
                return body(folder, [binary], job_flags, inputs)
            except RuntimeError as error:
                raise located(error, list(zip(("transactions", "interactions"), paths, blobs))) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def summarise(index, iterator):
        def body(folder, prefix, job_flags, inputs):
            stats = os.path.join(folder, "stats.bin")
            run_worker(prefix + ["partition", "summarise"] + job_flags + inputs + ["--omit-clv-rows", "--out", stats] + flags)
            with open(stats, "rb") as f:
                return [(index, f.read())]
        return with_partition_files(index, iterator, body)

    def save(blobs, name):
        return saved(blobs, os.path.join(work, f"{name}-{{:05d}}.bin"))

    binary = os.path.abspath(args.binary)
    merged = os.path.join(work, "satisfaction-merged.bin")
    run_worker([binary, "partition", "merge"] + save(tagged.mapPartitionsWithIndex(summarise).collect(), "sat-stats")
               + ["--out", merged])
    # the interactions' rejected rows, all partitions together, against max_reject_share
    check_rejects(binary, job, flags, merged, ["--transactions", run.transactions, "--interactions", run.interactions])
    sc.addFile(merged)

    def correlate(segment_counts):
        def task(index, iterator):
            def body(folder, prefix, job_flags, inputs):
                sums = os.path.join(folder, "sums.bin")
                extra = ["--segment-counts", SparkFiles.get(segment_counts)] if segment_counts else []
                run_worker(prefix + ["partition", "correlate"] + job_flags + inputs + extra
                           + ["--statistics", SparkFiles.get("satisfaction-merged.bin"), "--out", sums] + flags)
                with open(sums, "rb") as f:
                    return [(index, f.read())]
            return with_partition_files(index, iterator, body)
        return task

    sums = save(tagged.mapPartitionsWithIndex(correlate(None)).collect(), "sat-sums")
    counts = os.path.join(work, "satisfaction-segment-counts.bin")
    run_worker([binary, "partition", "merge-sums"] + sums + ["--out", counts])
    sc.addFile(counts)
    sums += save(tagged.mapPartitionsWithIndex(correlate("satisfaction-segment-counts.bin")).collect(), "sat-segment-sums")
    run_worker([binary, "partition", "correlations"] + sums + (["--job", job] if job else [])
               + ["--statistics", merged, "--out", os.path.join(work, "satisfaction.json")])
    return os.path.join(work, "satisfaction.json"), merged, sums


class ChurnSource:
    """The churn regression under Spark. Every partition summarises its churn rows
    (`partition churn-summary`: counts, exact feature sums), and the Newton loop runs on the
    driver: `partition churn-fit` replays the single run's iterations over the merged passes so
    far and names the next coefficients, every partition sums its training rows there
    (`partition churn-pass`: log-likelihood, gradient and information as exact sums), and
    `partition churn-merge` adds them, until the fit (churn_model.csv) or the single run's skip.
    The rows are the transactions, with the interactions routed beside them when the run has them
    (complaints, mean_satisfaction). Python only moves files; the math is the binary's."""

    def __init__(self, sc, args, run, job, worker, rows):
        self.sc, self.worker, self.job = sc, worker, job
        self.binary = os.path.abspath(args.binary)
        self.interactions_header = None
        self.rows = rows
        if run.interactions:
            _, self.interactions_header, self.rows = tagged_rows(sc, args, run, job)
        self.state_name = None
        self.model_csv = None
        self.risk_parts, self.test_parts, self.comparison_parts = [], [], []
        self.summary, self.passes, self.state = None, [], None

    def each_partition(self, command, out_name, extra_files=(), flags=()):
        """`partition COMMAND` on every partition (files named in `extra_files` are the driver's,
        shipped with addFile): the JSON each wrote."""
        worker, header = self.worker, self.interactions_header

        def task(index, iterator):
            with worker.partition_inputs(index, iterator, header) as (folder, inputs):
                out = os.path.join(folder, out_name)
                shipped = [part for name, flag in extra_files for part in (flag, SparkFiles.get(name))]
                run_worker([worker.binary(), "partition", command] + worker.job_flags() + inputs
                           + ["--threads", "1", "--out", out] + shipped + list(flags))
                with open(out, "rb") as f:
                    return [(index, f.read())]
        return self.rows.mapPartitionsWithIndex(task).collect()

    def merge(self, blobs, name, work, passes=False):
        """The partitions' JSON merged on the driver (exact sums: the order does not matter)."""
        paths = []
        for index, blob in sorted(blobs):
            path = os.path.join(work, f"{name}-{index:05d}.json")
            with open(path, "wb") as f:
                f.write(blob)
            paths.append(path)
        out = os.path.join(work, f"{name}.json")
        run_worker([self.binary, "partition", "churn-merge"] + (["--passes"] if passes else []) + paths + ["--out", out])
        return out

    def fit(self, flags, work):
        """Runs the loop; returns self when fitted (state shipped for `score`), None when the run has no churn section."""
        job = [self.job] if self.job else []
        summary = self.merge(self.each_partition("churn-summary", "summary.json", flags=flags), "churn-summary", work)
        passes, requested = [], []
        for step in itertools.count():
            state = os.path.join(work, f"churn-state-{step:03d}.json")
            model_csv = os.path.join(work, "churn_model.csv")
            run_worker([self.binary, "partition", "churn-fit"] + job + flags + ["--summary", summary, "--model-csv", model_csv,
                                                                             "--out", state] + (["--passes"] + passes if passes else []))
            with open(state, encoding="utf-8") as f:
                status = json.load(f)
            if status["status"] == "skipped":
                print(f"churn skipped: {status.get('reason')}", file=sys.stderr)
                return None
            if status["status"] == "pass" and status["beta"] in requested:
                raise RuntimeError(f"partition churn-fit asked again for coefficients it was given: {status['beta']}")
            requested.append(status["beta"])
            self.sc.addFile(state)
            if status["status"] == "fitted":
                self.state_name, self.model_csv = os.path.basename(state), model_csv
                self.summary, self.passes, self.state = summary, passes, state
                return self
            blobs = self.each_partition("churn-pass", "pass.json", [(os.path.basename(state), "--state")], flags)
            passes.append(self.merge(blobs, f"churn-pass-{step:03d}", work, passes=True))

    def evaluate(self, flags, work):
        """report.json's churn section: the model and the recency-only baseline evaluated on every
        partition's test rows, which the binary merges in the single run's order and reads
        twice (`partition churn-evaluate`). Returns its path."""
        out = os.path.join(work, "churn-report.json")
        run_worker([self.binary, "partition", "churn-evaluate"] + ([self.job] if self.job else []) + flags
                   + ["--summary", self.summary, "--state", self.state, "--out", out]
                   + (["--passes"] + self.passes if self.passes else []) + ["--test-rows"] + self.test_parts)
        return out

    def report_files(self, work):
        """churn_model.csv, and churn_risk.csv merged from the partitions' sorted rows: by the sort
        key that leads each row (value at risk, descending), then customer_id, numbered from 1."""
        risk = os.path.join(work, "churn_risk.csv")
        with contextlib.ExitStack() as stack, open(risk, "wb") as out:
            readers = [stack.enter_context(open(path, "rb")) for path in self.risk_parts]
            headers = {reader.readline() for reader in readers}
            if len(headers) != 1:
                raise RuntimeError("partitions wrote different churn_risk.csv headers")
            out.write(headers.pop())
            rest = (((line.split(b",", 1)) for line in reader) for reader in readers)
            neutralized = cells_neutralized(self.job)
            merged = heapq.merge(*rest, key=lambda kv: (kv[0], sort_key(kv[1], neutralized)))
            for rank, (_, line) in enumerate(merged, 1):
                out.write(b"%d," % rank + line)
        return [self.model_csv, risk]


if __name__ == "__main__":
    main(sys.argv[1:])
