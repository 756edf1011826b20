"""``GlueContext``: the Spark session, a logger, and the S3 JSON and CSV readers with a file bookmark."""

import logging
import os
import re
from urllib.parse import urlparse

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from awsglue.dynamicframe import CORRUPT, DynamicFrame, from_json_frame

_OPTIONS = {"paths", "recurse", "groupFiles", "groupSize", "attachFilename", "excludeStorageClasses"}
#: Storage classes Glue lists but cannot read; a local file has none of them, so excluding them skips nothing.
_ARCHIVE_CLASSES = {"GLACIER", "DEEP_ARCHIVE"}
#: The one CSV configuration the stand-in reads: a separator, quoting off, no header (and Glue's
#: default of no escaper), i.e. a line split at the separator and nothing else.
_CSV_OPTIONS = {"separator", "quoteChar", "withHeader"}


def _local(path):
    parsed = urlparse(path)
    if parsed.scheme not in ("", "file"):
        raise ValueError(f"the local stand-in reads local folders only, not {path}")
    return parsed.path


def list_objects(root, recurse):
    """Every object below ``root`` as a file:// URI, skipping names Hadoop treats as hidden."""
    found = []
    for folder, dirs, names in os.walk(_local(root)):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", "."))) if recurse else []
        found += [
            "file://" + os.path.abspath(os.path.join(folder, n)) for n in sorted(names) if not n.startswith(("_", "."))
        ]
    return found


class _Reader:
    def __init__(self, context):
        self._context = context

    def from_options(self, connection_type, connection_options, format, transformation_ctx=None, format_options=None, **rest):  # noqa: A002
        unknown = set(connection_options) - _OPTIONS
        csv = format == "csv" and format_options is not None and set(format_options) == _CSV_OPTIONS
        csv = csv and format_options["quoteChar"] == "-1" and format_options["withHeader"] is False
        if connection_type != "s3" or not (format == "json" and format_options is None or csv) or unknown or rest:
            raise NotImplementedError(
                f"the stand-in reads connection_type='s3', format='json', or format='csv' with format_options "
                f"{sorted(_CSV_OPTIONS)} (quoteChar '-1', withHeader False), with {sorted(_OPTIONS)}; "
                f"got {connection_type!r}, {format!r} {format_options!r}, extra {sorted(unknown)} {sorted(rest)}"
            )
        excluded = connection_options.get("excludeStorageClasses", [])
        if not isinstance(excluded, list) or not set(excluded) <= _ARCHIVE_CLASSES:
            raise NotImplementedError(f"the stand-in excludes the storage classes {sorted(_ARCHIVE_CLASSES)}, not {excluded!r}")
        job = self._context._job
        objects = [o for p in connection_options["paths"] for o in list_objects(p, connection_options.get("recurse"))]
        if job is not None and transformation_ctx:
            objects = job._bookmark_filter(transformation_ctx, objects)
        spark = self._context.spark_session
        source = connection_options.get("attachFilename")
        if not objects:
            empty = spark.createDataFrame([], "x string").drop("x")
            return from_json_frame(empty if source is None else empty.withColumn(source, F.lit(None).cast("string")), source)
        if csv:
            return self._split_lines(spark, objects, format_options["separator"], source)
        df = spark.read.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT).json(objects)
        if source is not None:
            df = df.withColumn(source, F.input_file_name())
        # Spark refuses queries over the raw JSON that touch only the corrupt-record column unless cached.
        return from_json_frame(df.cache(), source)

    @staticmethod
    def _split_lines(spark, objects, separator, source):
        """Glue's CSV read with quoting off and no header: each line (Hadoop's line reader, which
        Spark's text reader uses, ends a line at LF, CR LF or CR) split at the separator into the
        string columns ``col0``, ``col1``, ... (a line with fewer pieces has nulls in the last ones).
        A blank line carries no event and is no record."""
        lines = spark.read.text(objects)
        if source is not None:
            lines = lines.withColumn(source, F.input_file_name())
        lines = lines.where(F.col("value") != "").withColumn("_pieces", F.split("value", re.escape(separator), -1))
        widest = lines.agg(F.max(F.size("_pieces"))).first()[0] or 0
        columns = [F.col("_pieces").getItem(i).alias(f"col{i}") for i in range(widest)]
        df = lines.select(*columns, *([source] if source is not None else [])).cache()
        errors = spark.createDataFrame([], "reason string, record string" + ("" if source is None else f", {source} string"))
        return DynamicFrame(df, errors)


class GlueContext:
    def __init__(self, sc):
        self.spark_session = SparkSession(sc) if SparkSession.getActiveSession() is None else SparkSession.getActiveSession()
        self.create_dynamic_frame = _Reader(self)
        self._job = None

    def get_logger(self):
        logger = logging.getLogger("awsglue-local")
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
        return logger
