"""Runs the Glue job script on local Spark, with the awsglue stand-in beside this file.

    python tools/etl/local.py --raw DIR --curated DIR --quarantine DIR --temp DIR [--bookmarks DIR] [--event_schema JSON]

``npm run etl:local`` (tools/etl/local.ts) calls this with the lake's prefixes below one output
folder; the Spark tests import :func:`run_job` and call it in-process.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
JOBS = os.path.join(HERE, "..", "..", "components", "etl", "jobs")
JOB_NAME = "app_logs_to_parquet_local"

for folder in (HERE, JOBS):
    if folder not in sys.path:
        sys.path.insert(0, folder)


def spark_session():
    """A local Spark with Glue's relevant defaults (UTC session zone is set by the script itself)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName(JOB_NAME)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Few, small local tasks; Glue's adaptive execution coalesces its shuffle the same way.
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # The executors get the job's modules the way Glue ships them (--extra-py-files, from the same
    # list), so a module missing from components/etl/jobs/modules.json fails here as it would on Glue.
    for name in shipped_modules():
        spark.sparkContext.addPyFile(os.path.join(JOBS, name))
    return spark


def shipped_modules():
    with open(os.path.join(JOBS, "modules.json"), encoding="utf-8") as f:
        return json.load(f)["extraPyFiles"]


def run_job(raw, curated, quarantine, temp, bookmarks=None, event_schema=None):
    """Runs app_logs_to_parquet.main once; returns its counts. ``bookmarks`` None: no bookmark;
    ``event_schema``: the job's ``--event_schema`` (a user format as JSON), None for the hands-on's."""
    spark_session()
    if bookmarks:
        os.environ["AWSGLUE_LOCAL_BOOKMARK_DIR"] = bookmarks
    else:
        os.environ.pop("AWSGLUE_LOCAL_BOOKMARK_DIR", None)
    import app_logs_to_parquet

    argv = ["app_logs_to_parquet.py", "--JOB_NAME", JOB_NAME]
    for name, value in (("raw_path", raw), ("curated_path", curated), ("quarantine_path", quarantine), ("TempDir", temp)):
        argv += ["--" + name, os.path.abspath(value) + "/"]
    if event_schema is not None:
        argv += ["--event_schema", event_schema]
    return app_logs_to_parquet.main(argv)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("raw", "curated", "quarantine", "temp"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--bookmarks")
    parser.add_argument("--event_schema")
    a = parser.parse_args()
    if not os.path.isdir(a.raw):
        sys.exit(f"etl:local: the input folder {a.raw} does not exist; pass a folder of dt=/hour= prefixes.")
    counts = run_job(a.raw, a.curated, a.quarantine, a.temp, a.bookmarks, a.event_schema)
    print("etl:local: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
