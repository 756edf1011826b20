"""Glue job (PySpark): raw application-log JSON -> curated Snappy Parquet partitioned by dt/hour.

Only the Glue/Spark wiring lives here; the record logic is in ``transform.py`` (shipped with
``--extra-py-files``, unit-tested without Spark). Arguments (set by components/etl/index.ts):

  --raw_path         s3://<raw bucket>/app_logs/   the prefix Firehose writes and the raw table points at
  --curated_path     s3://<curated bucket>/app_logs/
  --quarantine_path  s3://<curated bucket>/quarantine/app_logs/

The raw prefix is read with ``from_options`` rather than ``from_catalog``: the raw table uses
Athena partition projection, which Glue's catalog reader does not apply (it lists registered
partitions, and the table has none). The read carries a ``transformation_ctx``, so the job
bookmark limits every run to objects it has not processed yet; ``job.commit()`` advances it.
"""

import json
import sys
from datetime import datetime, timezone

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import types as T

import transform

ARGUMENTS = ["JOB_NAME", "raw_path", "curated_path", "quarantine_path"]

# Column order and types of the curated table (components/shared/lake.ts CURATED_COLUMNS), then
# the partition keys, which Spark turns into dt=.../hour=.../ folders.
CURATED_SCHEMA = T.StructType(
    [
        T.StructField("event_time", T.TimestampType(), False),
        T.StructField("timestamp", T.StringType(), False),
        T.StructField("alarmlevel", T.StringType(), False),
        T.StructField("host", T.StringType(), False),
        T.StructField("user", T.StringType(), False),
        T.StructField("number", T.IntegerType(), False),
        T.StructField("text", T.StringType(), True),
        T.StructField("dt", T.StringType(), False),
        T.StructField("hour", T.StringType(), False),
    ]
)


def to_tuple(row):
    """A curated row (dict) in CURATED_SCHEMA order."""
    return tuple(row[field.name] for field in CURATED_SCHEMA.fields)


def main():
    args = getResolvedOptions(sys.argv, ARGUMENTS)
    sc = SparkContext.getOrCreate()
    glue_context = GlueContext(sc)
    spark = glue_context.spark_session
    # event_time is an instant; keep Spark from shifting it into the cluster's zone.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    run_folder = "run={}-{}/".format(datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"), sc.applicationId)
    quarantine_run = args["quarantine_path"].rstrip("/") + "/" + run_folder

    raw = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={
            "paths": [args["raw_path"]],
            "recurse": True,
            # Firehose writes many small objects; group them into fewer Spark tasks.
            "groupFiles": "inPartition",
            "groupSize": "134217728",
        },
        format="json",
        transformation_ctx="raw_app_logs",
    )

    # Records the JSON reader could not read are not dropped: they go to quarantine as they are.
    unreadable = raw.errorsAsDynamicFrame().toDF()
    unreadable_count = unreadable.count()
    if unreadable_count:
        unreadable.write.mode("errorifexists").json(quarantine_run + "reason=unreadable_json/", compression="gzip")

    # A field seen with two types (number as int and as string) becomes a string; transform parses it.
    df = raw.resolveChoice(choice="cast:string").toDF()
    pairs = df.rdd.map(lambda row: transform.transform_record(row.asDict(recursive=True))).cache()

    curated = spark.createDataFrame(pairs.filter(lambda p: p[0] is not None).map(lambda p: to_tuple(p[0])), CURATED_SCHEMA)
    quarantined = pairs.filter(lambda p: p[1] is not None).map(lambda p: json.dumps(p[1], ensure_ascii=False))

    curated_count = curated.count()
    quarantined_count = quarantined.count()
    if curated_count:
        (
            curated.write.mode("append")
            .partitionBy(*transform.PARTITION_KEYS)
            .option("compression", "snappy")
            .parquet(args["curated_path"])
        )
    if quarantined_count:
        quarantined.saveAsTextFile(
            quarantine_run + "reason=invalid_record/",
            compressionCodecClass="org.apache.hadoop.io.compress.GzipCodec",
        )

    logger.info(
        "app_logs_to_parquet: curated={} quarantined={} unreadable={} quarantine={}".format(
            curated_count, quarantined_count, unreadable_count, quarantine_run
        )
    )
    job.commit()


if __name__ == "__main__":
    main()
