"""Glue job (PySpark): raw application logs -> curated Snappy Parquet partitioned by dt/hour.

This script is the only place that talks to Glue (GlueContext, the DynamicFrame reader, Job and
its bookmark); everything else is plain Spark in ``pipeline.py`` and plain Python in
``transform.py`` and ``ledger.py`` (all three shipped with ``--extra-py-files``). The local run
(tools/etl/local.py) runs this same file with a stand-in for exactly the ``awsglue`` calls below.

Arguments (set by components/etl/layout.ts jobArguments):

  --raw_path         s3://<raw bucket>/app_logs/   the prefix Firehose writes and the raw table points at
  --curated_path     s3://<curated bucket>/app_logs/
  --quarantine_path  s3://<curated bucket>/quarantine/app_logs/
  --TempDir          s3://<curated bucket>/glue/temp/   (Glue's own parameter; the run stages its Parquet here)
  --event_schema     only for a stack whose datalake:format is not the hands-on's: that format as
                     compact JSON (components/shared/schema.ts EventSchema)

Without ``--event_schema`` the job reads the hands-on agent's JSON records (``format="json"``) and
curates them with transform.transform_record. With it, the job reads every raw line as text
(``format="csv"`` with transform.LINE_FORMAT_OPTIONS, which leaves a line as written) and curates it
with transform.EventCurator: the format's fields in their declared types, a JSON event's other keys
in ``attributes``, the rest to quarantine with a reason.

The raw prefix is read with ``from_options`` rather than ``from_catalog``: the raw table uses
Athena partition projection, which Glue's catalog reader does not apply (it lists registered
partitions, and the table has none). The read carries a ``transformation_ctx``, so the job
bookmark limits every run to objects it has not processed yet; ``job.commit()`` advances it. The
read's ``transformation_ctx`` names the curated shape and its generation (transform.bookmark_context,
ledger.shape_switch): a stack that changes its format, also back to one it had, starts a new
generation whose run moves what earlier shapes published to ``_superseded/`` and curates the raw
zone (what is not archived) again. The hands-on at generation 0 reads as ``raw_app_logs``.
"""

import sys
import uuid
from datetime import datetime, timezone

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

import ledger
import pipeline
import transform

ARGUMENTS = ["JOB_NAME", "raw_path", "curated_path", "quarantine_path", "TempDir"]
#: Arguments a job may lack: getResolvedOptions only reads the ones present (it fails on a missing one).
OPTIONAL_ARGUMENTS = ["event_schema"]

#: S3 connection options of the raw read (Glue "Amazon S3 connection option reference",
#: https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-s3-home.html).
RAW_CONNECTION_OPTIONS = {
    # Raw objects move to Glacier after rawTransitionToArchiveDays (components/batch/buckets.ts).
    # Glue lists but cannot read such objects, and a read that meets one fails the job with "The
    # operation is not valid for the object's storage class"; a re-read of the raw zone (a new
    # bookmark generation, a bookmark reset) therefore skips them ("excludeStorageClasses" in the
    # reference above; "Excluding Amazon S3 storage classes",
    # https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-storage-classes.html).
    "excludeStorageClasses": ["GLACIER", "DEEP_ARCHIVE"],
    "recurse": True,
    # Firehose writes many small objects; group them into fewer Spark tasks.
    "groupFiles": "inPartition",
    "groupSize": "134217728",
    # Each record carries the object it came from: the run manifest lists its inputs by it (ledger.py).
    "attachFilename": pipeline.SOURCE_COLUMN,
}


def main(argv=None):
    argv = sys.argv if argv is None else argv
    args = getResolvedOptions(argv, ARGUMENTS + [name for name in OPTIONAL_ARGUMENTS if "--" + name in argv])
    # A format the job cannot curate stops it here, before it reads anything or moves the bookmark.
    schema = transform.parse_event_schema(args["event_schema"]) if "event_schema" in args else None
    sc = SparkContext.getOrCreate()
    glue_context = GlueContext(sc)
    spark = glue_context.spark_session
    # event_time is an instant; keep Spark from shifting it into the cluster's zone.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    # The shape and generation come first: they name the bookmark the read continues.
    shape = pipeline.read_shape(spark, args["curated_path"], transform.shape_digest(schema))
    context = transform.bookmark_context(schema, shape.generation)
    if schema is None:
        raw = glue_context.create_dynamic_frame.from_options(
            connection_type="s3",
            connection_options=dict(RAW_CONNECTION_OPTIONS, paths=[args["raw_path"]]),
            format="json",
            transformation_ctx=context,
        )
        curation = pipeline.HANDS_ON
    else:
        raw = glue_context.create_dynamic_frame.from_options(
            connection_type="s3",
            connection_options=dict(RAW_CONNECTION_OPTIONS, paths=[args["raw_path"]]),
            format="csv",
            format_options=transform.LINE_FORMAT_OPTIONS,
            transformation_ctx=context,
        )
        curation = pipeline.event_curation(schema)
    # Records the reader could not read are not dropped: they go to quarantine as they are.
    unreadable = raw.errorsAsDynamicFrame().toDF()
    # A field seen with two types (number as int and as string) becomes a string; transform parses it.
    records = raw.resolveChoice(choice="cast:string").toDF()

    # Unique even for two runs started in the same second (a run id names the files it publishes).
    run = ledger.run_id(datetime.now(timezone.utc), f"{sc.applicationId}-{uuid.uuid4().hex[:8]}")
    paths = pipeline.Paths(args["curated_path"], args["quarantine_path"], args["TempDir"], run)
    return pipeline.run(
        spark, records, unreadable, paths, commit=job.commit, log=logger.info, curation=curation, shape=shape
    )


if __name__ == "__main__":
    main()
