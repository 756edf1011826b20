"""The job's Spark half: raw records -> curated Parquet and quarantine, published without duplicates.

Nothing here imports ``awsglue``: the Glue entry script (``app_logs_to_parquet.py``) hands this
module plain Spark DataFrames and a ``commit`` callback, so the same code runs on Glue and on local
Spark (tools/etl/local.py). Record logic is in ``transform.py``, the re-run rule in ``ledger.py``.
What a run curates is a :class:`Curation`: the hands-on format's (:data:`HANDS_ON`) or a user
format's (:func:`event_curation`); everything else (staging, manifest, publishing, retraction,
quarantine, the counts) is the same code for both.

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
#: Spark type of each Glue/Hive type a user format's curated column has (transform.FIELD_GLUE_TYPES,
#: transform.ATTRIBUTES_TYPE; the Spark tests read the Parquet back and compare with the catalog).
SPARK_TYPE_OF_GLUE = {
    "string": T.StringType(),
    "bigint": T.LongType(),
    "double": T.DoubleType(),
    "boolean": T.BooleanType(),
    "timestamp": T.TimestampType(),
    transform.ATTRIBUTES_TYPE: T.MapType(T.StringType(), T.StringType(), True),
}

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


def to_tuple(row, schema=CURATED_SCHEMA):
    """A curated row (dict) in the order of ``schema``."""
    return tuple(row[field.name] for field in schema.fields)


class Curation:
    """What a run curates: ``schema``, the Spark schema of its rows (the curated columns, then the
    partition keys); ``raw_columns``, the raw columns ``transform`` reads (added as null when no
    record of a run has one); ``transform``, the pure function from one raw record (a dict) to
    ``(curated_row, None)`` or ``(None, quarantine_row)``."""

    def __init__(self, schema, raw_columns, transform_record):
        self.schema = schema
        self.raw_columns = tuple(raw_columns)
        self.transform = transform_record


#: The hands-on format: the agent's JSON records, transform.transform_record, CURATED_SCHEMA.
HANDS_ON = Curation(CURATED_SCHEMA, transform.RAW_FIELDS, transform.transform_record)


def curated_schema(columns):
    """The Spark schema of ``[(name, glue type)]`` columns (the event time never null), then the partition keys."""
    return T.StructType(
        [T.StructField(name, SPARK_TYPE_OF_GLUE[glue], name != transform.EVENT_TIME_COLUMN) for name, glue in columns]
        + [T.StructField(key, T.StringType(), False) for key in transform.PARTITION_KEYS]
    )


def event_curation(schema):
    """A user format's curation (``--event_schema``, checked by transform.parse_event_schema): the
    raw lines of the CSV read (transform.line_of), curated by transform.EventCurator."""
    curator = transform.EventCurator(schema)
    return Curation(curated_schema(curator.columns), (), curator.transform_record)


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

    def write_text(self, path, text, overwrite=False):
        """Writes a file; fails if it exists unless ``overwrite`` (a run id is never reused)."""
        fs, p = self._fs(path)
        out = fs.create(p, overwrite)
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


def read_manifests(files, curated):
    """The run manifests below the curated prefix ``curated`` (ending with ``/``)."""
    folder = curated + ledger.RUNS_FOLDER
    state = ledger.SHAPE_STATE[len(ledger.RUNS_FOLDER) :]
    names = [n for n in files.list_files(folder) if n.endswith(".json") and n != state]
    return [ledger.parse_manifest(folder + n, files.read_text(folder + n)) for n in names]


class Shape:
    """The curated shape of a run (transform.shape_digest) and its generation; ``switching``: the run
    starts that generation (ledger.shape_switch), so it moves earlier files aside first and records
    the shape state after its commit."""

    def __init__(self, digest, generation, switching):
        self.digest = digest
        self.generation = generation
        self.switching = switching


def read_shape(spark, curated, digest):
    """The :class:`Shape` of a run curating ``digest`` into ``curated``, from the shape state (none:
    the hands-on's shape at generation 0) and what a begun switch left."""
    files = Files(spark)
    curated = curated.rstrip("/") + "/"
    path = curated + ledger.SHAPE_STATE
    if files.exists(path):
        recorded = ledger.parse_shape_state(path, files.read_text(path))
    else:
        recorded = {"shape": transform.HANDS_ON_SHAPE, "generation": 0}
    begun = bool(files.list_files(curated + ledger.superseded_folder(recorded["generation"] + 1)))
    generation, switching = ledger.shape_switch(recorded, digest, read_manifests(files, curated), begun)
    return Shape(digest, generation, switching)


def supersede(files, paths, shape, log):
    """Moves every file published under an earlier shape or generation, and its manifest, to
    ``_superseded/generation=<N>/<original path>``; returns what that folder holds (the original
    paths), which the run's manifest records. Idempotent: a repeated switch moves what is left."""
    folder = ledger.superseded_folder(shape.generation)
    manifests = read_manifests(files, paths.curated)
    moved = ledger.manifests_to_supersede(manifests, shape.digest, shape.generation)
    keep = {f for m in manifests if m not in moved for f in m["files"]}
    names = ledger.files_to_supersede(files.list_files(paths.curated), keep) + [ledger.manifest_name(m["run"]) for m in moved]
    for name in names:
        files.rename(paths.curated + name, paths.curated + folder + name)
    held = files.list_files(paths.curated + folder)
    log(f"shape switch to generation {shape.generation}: moved {len(names)} files to {paths.curated + folder} ({len(held)} there)")
    return held


def retract(files, paths, manifest, log):
    """Deletes what an uncommitted run published, then its manifest (so a crash here is retried)."""
    for name in manifest["files"]:
        files.delete(paths.curated + name)
    if manifest.get("quarantine"):
        files.delete(manifest["quarantine"])
    files.delete(paths.curated + ledger.manifest_name(manifest["run"]))
    log(f"retracted run {manifest['run']}: {len(manifest['files'])} files, its inputs are read again")


def with_raw_columns(df, names=transform.RAW_FIELDS):
    """The raw fields the transform reads, as null when no record of this run had one."""
    for name in tuple(names) + (SOURCE_COLUMN,):
        if name not in df.columns:
            df = df.withColumn(name, F.lit(None).cast("string"))
    return df


def run(spark, records, unreadable, paths, commit, log=print, curation=HANDS_ON, shape=None):
    """Curates one run's records and publishes them; returns the counts; calls ``commit`` last.

    ``records``: the raw records as a DataFrame (one column per JSON field, or per piece of a line
    for a user format, plus SOURCE_COLUMN); ``unreadable``: a DataFrame of the lines the reader
    could not read (written as they are); ``curation``: what the rows are (:class:`Curation`);
    ``shape``: the run's :class:`Shape` (default: the hands-on's at generation 0, no switch).
    """
    shape = shape or Shape(transform.HANDS_ON_SHAPE, 0, False)
    files = Files(spark)
    records = with_raw_columns(records, curation.raw_columns)
    sources = {r[0] for r in records.select(SOURCE_COLUMN).distinct().collect() if r[0] is not None}
    if SOURCE_COLUMN in unreadable.columns:
        sources |= {r[0] for r in unreadable.select(SOURCE_COLUMN).distinct().collect() if r[0] is not None}

    superseded = supersede(files, paths, shape, log) if shape.switching else []
    for stale in ledger.runs_to_retract(read_manifests(files, paths.curated), sources):
        retract(files, paths, stale, log)

    transform_record, schema = curation.transform, curation.schema
    pairs = records.rdd.map(lambda row: transform_record(row.asDict(recursive=True))).cache()
    curated = spark.createDataFrame(pairs.filter(lambda p: p[0] is not None).map(lambda p: to_tuple(p[0], schema)), schema)
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
            ledger.manifest(
                paths.run, sources, [final for _, final in plan], paths.quarantine_run, shape.digest, shape.generation, superseded
            ),
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
    if shape.switching:
        files.write_text(paths.curated + ledger.SHAPE_STATE, ledger.shape_state(shape.digest, shape.generation), overwrite=True)
    files.delete(paths.staging)
    log(
        "app_logs_to_parquet: run={} inputs={} curated={curated} quarantined={quarantined} "
        "unreadable={unreadable} files={files}".format(paths.run, len(sources), files=len(plan), **counts)
    )
    return dict(counts, inputs=len(sources), files=len(plan))
