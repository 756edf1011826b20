"""The job's Spark half: raw records -> curated Parquet and quarantine, published without duplicates.

Nothing here imports ``awsglue``: the Glue entry script (``app_logs_to_parquet.py``) hands this
module plain Spark DataFrames and a ``commit`` callback, so the same code runs on Glue and on local
Spark (tools/etl/local.py). Record logic is in ``transform.py``, the re-run rule in ``ledger.py``.

File operations go through Hadoop's FileSystem API (the one Spark itself writes with), so the same
calls work on ``s3://`` in Glue and on local paths in the tests.
"""

import json

from pyspark.sql import functions as F
from pyspark.sql import types as T

import ledger
import transform

#: Column the Glue reader adds with each record's source object (``attachFilename``).
SOURCE_COLUMN = "source_object"

_SPARK_TYPES = {"timestamp": T.TimestampType(), "string": T.StringType(), "int": T.IntegerType()}

# Column order and types of the curated rows (transform.CURATED_COLUMN_TYPES, compared with
# components/shared/lake.ts CURATED_COLUMNS by the tests), then the partition keys, which Spark
# turns into dt=.../hour=.../ folders and which are written as the strings of the folder names.
CURATED_SCHEMA = T.StructType(
    [
        T.StructField(name, _SPARK_TYPES[transform.CURATED_COLUMN_TYPES[name]], name == "text")
        for name in transform.CURATED_FIELDS
    ]
    + [T.StructField(key, T.StringType(), False) for key in transform.PARTITION_KEYS]
)

#: Parquet write options (Snappy is also the curated table's declared ``parquet.compression``).
PARQUET_OPTIONS = {"compression": "snappy"}


def to_tuple(row):
    """A curated row (dict) in CURATED_SCHEMA order."""
    return tuple(row[field.name] for field in CURATED_SCHEMA.fields)


class Paths:
    """Where one run reads and writes; every path ends with ``/``."""

    def __init__(self, curated, quarantine, temp, run):
        self.curated = curated.rstrip("/") + "/"
        self.run = run
        self.quarantine_run = quarantine.rstrip("/") + f"/run={run}/"
        # Staged Parquet lives under the job's --TempDir: never inside the table, never published
        # unless the manifest that names its final files has been written first.
        self.staging = temp.rstrip("/") + f"/app_logs_to_parquet/{run}/"


class Files:
    """The Hadoop FileSystem calls the job needs, on whatever scheme a path has."""

    def __init__(self, spark):
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()
        self._sc = spark.sparkContext

    def _fs(self, path):
        p = self._jvm.org.apache.hadoop.fs.Path(path)
        return p.getFileSystem(self._conf), p

    def exists(self, path):
        fs, p = self._fs(path)
        return fs.exists(p)

    def list_files(self, folder):
        """Paths of the files below ``folder``, relative to it (none when it does not exist)."""
        fs, p = self._fs(folder)
        if not fs.exists(p):
            return []
        base = fs.makeQualified(p).toString().rstrip("/") + "/"
        found, it = [], fs.listFiles(p, True)
        while it.hasNext():
            name = it.next().getPath().toString()
            if not name.startswith(base):
                raise RuntimeError(f"listing {folder} returned {name}, which is outside it")
            found.append(name[len(base) :])
        return sorted(found)

    def read_text(self, path):
        fs, p = self._fs(path)
        stream = fs.open(p)
        try:
            return self._jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
        finally:
            stream.close()

    def write_text(self, path, text):
        """Writes a new file; fails if it exists (a run id is never reused)."""
        fs, p = self._fs(path)
        out = fs.create(p, False)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()

    def rename(self, source, target):
        fs, src = self._fs(source)
        _, dst = self._fs(target)
        fs.mkdirs(dst.getParent())
        if not fs.rename(src, dst):
            raise RuntimeError(f"could not move {source} to {target}")

    def delete(self, path):
        fs, p = self._fs(path)
        fs.delete(p, True)


def read_manifests(files, paths):
    folder = paths.curated + ledger.RUNS_FOLDER
    names = [n for n in files.list_files(folder) if n.endswith(".json")]
    return [ledger.parse_manifest(folder + n, files.read_text(folder + n)) for n in names]


def retract(files, paths, manifest, log):
    """Deletes what an uncommitted run published, then its manifest (so a crash here is retried)."""
    for name in manifest["files"]:
        files.delete(paths.curated + name)
    if manifest.get("quarantine"):
        files.delete(manifest["quarantine"])
    files.delete(paths.curated + ledger.manifest_name(manifest["run"]))
    log(f"retracted run {manifest['run']}: {len(manifest['files'])} files, its inputs are read again")


def with_raw_columns(df):
    """The raw fields the transform reads, as null when no record of this run had one."""
    for name in transform.RAW_FIELDS + (SOURCE_COLUMN,):
        if name not in df.columns:
            df = df.withColumn(name, F.lit(None).cast("string"))
    return df


def run(spark, records, unreadable, paths, commit, log=print):
    """Curates one run's records and publishes them; returns the counts; calls ``commit`` last.

    ``records``: the raw records as a DataFrame (one column per JSON field, plus SOURCE_COLUMN);
    ``unreadable``: a DataFrame of the lines the JSON reader could not read (written as they are).
    """
    files = Files(spark)
    records = with_raw_columns(records)
    sources = {r[0] for r in records.select(SOURCE_COLUMN).distinct().collect() if r[0] is not None}
    if SOURCE_COLUMN in unreadable.columns:
        sources |= {r[0] for r in unreadable.select(SOURCE_COLUMN).distinct().collect() if r[0] is not None}

    for stale in ledger.runs_to_retract(read_manifests(files, paths), sources):
        retract(files, paths, stale, log)

    pairs = records.rdd.map(lambda row: transform.transform_record(row.asDict(recursive=True))).cache()
    curated = spark.createDataFrame(pairs.filter(lambda p: p[0] is not None).map(lambda p: to_tuple(p[0])), CURATED_SCHEMA)
    quarantined = pairs.filter(lambda p: p[1] is not None).map(lambda p: json.dumps(p[1], ensure_ascii=False))

    # One shuffle by partition value, so each run adds one file per dt/hour instead of one per task.
    curated.repartition(*transform.PARTITION_KEYS).write.mode("errorifexists").partitionBy(
        *transform.PARTITION_KEYS
    ).options(**PARQUET_OPTIONS).parquet(paths.staging)
    staged = [n for n in files.list_files(paths.staging) if n.endswith(".parquet")]
    plan = ledger.publish_plan(paths.run, staged)

    counts = {"curated": curated.count(), "quarantined": quarantined.count(), "unreadable": unreadable.count()}
    if sources:
        files.write_text(
            paths.curated + ledger.manifest_name(paths.run),
            ledger.manifest(paths.run, sources, [final for _, final in plan], paths.quarantine_run),
        )
    if counts["unreadable"]:
        unreadable.write.mode("errorifexists").json(paths.quarantine_run + "reason=unreadable_json/", compression="gzip")
    if counts["quarantined"]:
        quarantined.saveAsTextFile(
            paths.quarantine_run + "reason=invalid_record/",
            compressionCodecClass="org.apache.hadoop.io.compress.GzipCodec",
        )
    for staged_name, final in plan:
        files.rename(paths.staging + staged_name, paths.curated + final)

    commit()
    files.delete(paths.staging)
    log(
        "app_logs_to_parquet: run={} inputs={} curated={curated} quarantined={quarantined} "
        "unreadable={unreadable} files={files}".format(paths.run, len(sources), files=len(plan), **counts)
    )
    return dict(counts, inputs=len(sources), files=len(plan))
