"""Clientele under Apache Spark: the exports' rows routed to partitions by customer, each partition
summarised by the clientele binary (`clientele partition summarise`), the statistics merged
exactly (`partition merge`), and every partition scored with the merged statistics
(`partition score`); the driver then writes customers.csv in customer_id order.

Run it through scripts/spark-run, which installs PySpark and a JVM. Python only moves bytes here:
every number comes from the clientele binary, the same code as `clientele run`.

This stage covers the RFM columns of customers.csv (customer_id … historical_clv) for the
`fill` and `share` tie rules, its predicted-value columns (p_alive … p_no_purchase_<h>d, without
value_quadrant) and clv_model.json (`partition clv` on the driver); the other models, report
files and the transactions' period defaults are still to come (see README, "Beyond one machine").
"""

import argparse
import csv
import heapq
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

from pyspark import SparkConf, SparkContext, SparkFiles

BINARY = "clientele"


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="spark-run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--master", default="local[2]", help="Spark master URL (default: local[2])")
    parser.add_argument("--partitions", type=int, default=8, help="customer partitions (default: 8)")
    parser.add_argument("--binary", required=True, help="the clientele binary shipped to the workers")
    parser.add_argument("run_options", nargs=argparse.REMAINDER, help="-- then clientele run's job file and options")
    args = parser.parse_args(argv)
    options = args.run_options[1:] if args.run_options[:1] == ["--"] else args.run_options
    run = argparse.ArgumentParser(prog="spark-run -- ")
    run.add_argument("job", nargs="?")
    run.add_argument("--transactions", required=True)
    run.add_argument("--as-of", dest="as_of", required=True,
                     help="required under Spark for now: the default needs the last transaction of every partition")
    run.add_argument("--calibration-end", dest="calibration_end")
    run.add_argument("--out", default="clientele-report")
    return args, run.parse_args(options)


def customer_key(line, column=0, delimiter=","):
    """The customer id field of one CSV line."""
    return next(csv.reader([line], delimiter=delimiter))[column]


def key_column(header, job):
    """Where the customer id is in the transactions header, and the delimiter: the job file's
    [transactions] delimiter and columns.customer_id when it sets them, as clientele reads them."""
    section = {}
    if job:
        with open(job, "rb") as f:
            section = tomllib.load(f).get("transactions", {})
    names = {",": ",", ";": ";", "|": "|", "tab": "\t", "\t": "\t"}
    delimiter = names.get(section.get("delimiter", ","), section.get("delimiter", ","))
    name = section.get("columns", {}).get("customer_id", "customer_id")
    fields = next(csv.reader([header.lstrip("\ufeff")], delimiter=delimiter))
    if name not in fields:
        sys.exit(f"error: the transactions header has no column {name!r} (it has {', '.join(fields)})")
    return fields.index(name), delimiter


def period_flags(run):
    flags = ["--as-of", run.as_of]
    if run.calibration_end:
        flags += ["--calibration-end", run.calibration_end]
    return flags


def run_worker(command):
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {result.returncode}: {result.stderr.decode(errors='replace').strip()}")


def main(argv):
    args, run = parse_arguments(argv)
    job = os.path.abspath(run.job) if run.job else None
    out = os.path.abspath(run.out)
    if os.path.exists(out):
        sys.exit(f"error: {out} exists; spark-run writes a new report folder")
    conf = SparkConf().setMaster(args.master).setAppName("clientele").set("spark.ui.showConsoleProgress", "false")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    sc.addFile(os.path.abspath(args.binary))
    if job:
        sc.addFile(job)
    job_name = os.path.basename(job) if job else None
    flags = period_flags(run)

    lines = sc.textFile(os.path.abspath(run.transactions))
    header = lines.first()
    column, delimiter = key_column(header, job)
    rows = (lines.filter(lambda line: line != header)
            .map(lambda line: (customer_key(line, column, delimiter), line))
            .partitionBy(args.partitions)
            .values()
            .cache())

    def with_partition_file(index, iterator, body):
        folder = tempfile.mkdtemp(prefix=f"clientele-part-{index}-")
        try:
            path = os.path.join(folder, "transactions.csv")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(header + "\n")
                for line in iterator:
                    f.write(line + "\n")
            binary = SparkFiles.get(BINARY)
            os.chmod(binary, 0o755)
            prefix = [binary]
            job_flags = [SparkFiles.get(job_name)] if job_name else []
            return body(folder, path, prefix, job_flags)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def summarise(index, iterator):
        def body(folder, path, prefix, job_flags):
            stats = os.path.join(folder, "stats.bin")
            run_worker(prefix + ["partition", "summarise"] + job_flags + ["--transactions", path, "--threads", "1",
                                                                        "--out", stats] + flags)
            with open(stats, "rb") as f:
                return [(index, f.read())]
        return with_partition_file(index, iterator, body)

    work = tempfile.mkdtemp(prefix="clientele-spark-")
    try:
        statistics = sorted(rows.mapPartitionsWithIndex(summarise).collect())
        paths = []
        for index, blob in statistics:
            path = os.path.join(work, f"stats-{index:05d}.bin")
            with open(path, "wb") as f:
                f.write(blob)
            paths.append(path)
        merged = os.path.join(work, "merged.bin")
        run_worker([os.path.abspath(args.binary), "partition", "merge"] + paths + ["--out", merged])
        sc.addFile(merged)

        def score(index, iterator):
            def body(folder, path, prefix, job_flags):
                scored = os.path.join(folder, "customers.csv")
                run_worker(prefix + ["partition", "score"] + job_flags + ["--statistics", SparkFiles.get("merged.bin"),
                                                                        "--transactions", path, "--threads", "1",
                                                                        "--out", scored] + flags)
                with open(scored, "rb") as f:
                    return [(index, f.read())]
            return with_partition_file(index, iterator, body)

        # --- predicted value (CLV): clv_model.json from the merged statistics, on the driver ---
        clv_model = driver_clv_model(os.path.abspath(args.binary), job, flags, merged, work)
        # --- end of the CLV step ---
        parts = sorted(rows.mapPartitionsWithIndex(score).collect())
        write_customers(out, [blob for _, blob in parts], extra_files=[clv_model] if clv_model else [])
    finally:
        shutil.rmtree(work, ignore_errors=True)
        sc.stop()


def driver_clv_model(binary, job, flags, merged, work):
    """The driver's CLV step: `clientele partition clv` fits the purchase models, their holdout
    check and model choice, and Gamma-Gamma on the merged statistics and writes clv_model.json
    (the partitions' `score` predict their customers with the same fit). Returns its path, or
    None when the run has no CLV section (disabled, margin 0, data the models cannot fit)."""
    path = os.path.join(work, "clv_model.json")
    run_worker([binary, "partition", "clv"] + ([job] if job else []) + ["--statistics", merged, "--out", path] + flags)
    return path if os.path.exists(path) else None


def write_customers(out, parts, extra_files=()):
    """customers.csv from the partitions' files, each sorted by customer_id: a k-way merge on the
    ids' UTF-8 bytes (Clientele's order), written to a staging folder renamed into place with
    `extra_files` (the driver's report files) beside it."""
    staging = out + ".staging"
    os.makedirs(staging)
    for path in extra_files:
        shutil.copyfile(path, os.path.join(staging, os.path.basename(path)))
    readers = []
    header = None
    for blob in parts:
        text = blob.decode("utf-8")
        first, _, body = text.partition("\n")
        header = header or first
        if first != header:
            raise RuntimeError("partitions wrote different customers.csv headers")
        records = [line for line in body.split("\n") if line]
        readers.append([(customer_key(line).encode("utf-8"), line) for line in records])
    with open(os.path.join(staging, "customers.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        for _, line in heapq.merge(*readers):
            f.write(line + "\n")
    os.rename(staging, out)


if __name__ == "__main__":
    main(sys.argv[1:])
