"""What the Spark checks' comparisons share: a CSV file's rows, and numbers equal to 1e-9."""
import csv


def records(path):
    """The rows of a CSV file with a header, as dicts."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def close(spark, single, what):
    """Spark's number equals the single run's to 1e-9 relative (1e-12 absolute near 0)."""
    a, b = float(spark), float(single)
    assert abs(a - b) <= 1e-9 * max(abs(a), abs(b)) or abs(a - b) < 1e-12, f"{what}: {a} under Spark, {b} in the single run"
