"""Clientele under Apache Spark: the exports' rows routed to partitions by customer, each partition
summarised by the clientele binary (`clientele partition summarise`), the statistics merged
exactly (`partition merge`), and every partition scored with the merged statistics
(`partition score`); the driver then writes customers.csv in customer_id order.

Run it through scripts/spark-run, which installs PySpark and a JVM. Python only moves bytes here:
every number comes from the clientele binary, the same code as `clientele run`.

This first stage covers the RFM columns of customers.csv (customer_id … historical_clv) for
the `fill` and `share` tie rules; the models, the other report files and the transactions'
period defaults are still to come (see README, "Beyond one machine").
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
    run.add_argument("--interactions", help="the interactions export: satisfaction.json (write_satisfaction)")
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

        parts = sorted(rows.mapPartitionsWithIndex(score).collect())
        write_customers(out, [blob for _, blob in parts])
        # --- satisfaction (write_satisfaction): its own pass over both exports ---
        if run.interactions:
            write_satisfaction(sc, args, run, job, work, out)
        # --- end satisfaction ---
    finally:
        shutil.rmtree(work, ignore_errors=True)
        sc.stop()


def write_customers(out, parts):
    """customers.csv from the partitions' files, each sorted by customer_id: a k-way merge on the
    ids' UTF-8 bytes (Clientele's order), written to a staging folder renamed into place."""
    staging = out + ".staging"
    os.makedirs(staging)
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


def write_satisfaction(sc, args, run, job, work, out):
    """satisfaction.json in `out`: both exports routed by customer id with the same partitioner
    (every row of a customer, transaction or interaction, in one partition, orphans included),
    each partition summarised with --interactions, the statistics merged, the cross sums of every
    partition computed with the merged statistics (`partition correlate`, with each RFM segment's
    value counts), merged (`merge-sums`), each segment's cross sums (`correlate --segment-counts`),
    and `partition correlations` on the driver: the interactions' accounting, quadrants, NPS and the
    satisfaction–loyalty correlations overall and per segment (Pearson and Spearman exact;
    Kendall's tau-b on a sample)."""
    job_name = os.path.basename(job) if job else None
    flags = period_flags(run)
    tx_header, tx = keyed_export(sc, run.transactions, job, "transactions", 0)
    ix_header, ix = keyed_export(sc, run.interactions, job, "interactions", 1)
    tagged = tx.union(ix).partitionBy(args.partitions).values().cache()

    def with_partition_files(index, iterator, body):
        folder = tempfile.mkdtemp(prefix=f"clientele-sat-{index}-")
        try:
            paths = [os.path.join(folder, "transactions.csv"), os.path.join(folder, "interactions.csv")]
            files = [open(p, "w", encoding="utf-8", newline="") for p in paths]
            try:
                files[0].write(tx_header + "\n")
                files[1].write(ix_header + "\n")
                for tag, line in iterator:
                    files[tag].write(line + "\n")
            finally:
                for f in files:
                    f.close()
            binary = SparkFiles.get(BINARY)
            os.chmod(binary, 0o755)
            job_flags = [SparkFiles.get(job_name)] if job_name else []
            inputs = ["--transactions", paths[0], "--interactions", paths[1], "--threads", "1"]
            return body(folder, [binary], job_flags, inputs)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def summarise(index, iterator):
        def body(folder, prefix, job_flags, inputs):
            stats = os.path.join(folder, "stats.bin")
            run_worker(prefix + ["partition", "summarise"] + job_flags + inputs + ["--out", stats] + flags)
            with open(stats, "rb") as f:
                return [(index, f.read())]
        return with_partition_files(index, iterator, body)

    def save(blobs, name):
        paths = []
        for index, blob in sorted(blobs):
            path = os.path.join(work, f"{name}-{index:05d}.bin")
            with open(path, "wb") as f:
                f.write(blob)
            paths.append(path)
        return paths

    binary = os.path.abspath(args.binary)
    merged = os.path.join(work, "satisfaction-merged.bin")
    run_worker([binary, "partition", "merge"] + save(tagged.mapPartitionsWithIndex(summarise).collect(), "sat-stats")
               + ["--out", merged])
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
               + ["--statistics", merged, "--out", os.path.join(out, "satisfaction.json")])


if __name__ == "__main__":
    main(sys.argv[1:])
