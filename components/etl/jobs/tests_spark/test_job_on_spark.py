"""The Glue job script end to end on local Spark (PySpark 3.5.4, Glue 5.0's Spark), fed what
Firehose writes: gzip objects of newline-delimited JSON records under dt=/hour= prefixes.

Run by test/components/etl/job.spark.ts (npm run test:spark), which builds the venv and passes the
TypeScript side's lake facts as JSON in $LAKE_FACTS, so the assertions compare with the catalog
columns and the projection template declared in code, not with constants retyped here.
"""

import glob
import gzip
import json
import os
import re
import shutil
import sys
import tempfile
import unittest
from collections import Counter
from datetime import datetime, timedelta, timezone
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "etl"))

import local  # noqa: E402  (tools/etl/local.py: puts the jobs folder and the awsglue stand-in on sys.path)
import ledger  # noqa: E402
import pipeline  # noqa: E402
from awsglue.job import Job  # noqa: E402  (the stand-in)

if not os.environ.get("LAKE_FACTS"):
    raise SystemExit("LAKE_FACTS is not set: run these tests with npm run test:spark, which writes the TypeScript lake facts.")
with open(os.environ["LAKE_FACTS"], encoding="utf-8") as f:
    FACTS = json.load(f)

JST = timezone(timedelta(hours=9))
STREAM = "datalake-dev-app-logs"


def record(when_jst, level="INFO", user="uehara", number=1001, text="This is Information.", host="prd-web001"):
    """A record as the agent sends it: the parser's fields, number typed as an integer."""
    return {
        "timestamp": when_jst.strftime("%Y-%m-%d %H:%M:%S%z"),
        "alarmlevel": level,
        "host": host,
        "user": user,
        "number": number,
        "text": text,
    }


def firehose_key(arrival_utc, n):
    """Firehose's object key: the prefix from lake.ts (arrival hour in UTC), then its own name."""
    prefix = FACTS["rawFirehosePrefix"]
    prefix = prefix.replace("!{timestamp:yyyy-MM-dd}", arrival_utc.strftime("%Y-%m-%d")).replace(
        "!{timestamp:HH}", arrival_utc.strftime("%H")
    )
    assert "!{" not in prefix, prefix
    return prefix + f"{STREAM}-1-{arrival_utc.strftime('%Y-%m-%d-%H-%M-%S')}-{n:08d}-aaaa-bbbb-cccc-dddddddddddd.gz"


def write_object(root, key, lines):
    path = os.path.join(root, key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gzip.compress("".join(line + "\n" for line in lines).encode("utf-8")))
    return path


def as_line(rec):
    # fluentd's json formatter writes UTF-8 as is, one object a line (append_new_line true).
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


# The day boundary: 08:59:59 JST is 23:59:59 UTC of the day before; 09:00:00 JST starts the UTC day.
BOUNDARY = datetime(2019, 6, 21, 9, 0, 0, tzinfo=JST)
GOOD = [
    record(BOUNDARY - timedelta(seconds=1), "ERROR", "uchida", 1001, "This is ERROR."),
    record(BOUNDARY - timedelta(minutes=30), "WARNING", "imai", 1002, "This is Warning."),
    record(BOUNDARY, "INFO", "saito", 1003, "日本語のメッセージ ✓"),
    record(BOUNDARY + timedelta(seconds=1), "CRITICAL", "kato", 1004, "This is CRITICAL.", host="prd-wéb002"),
    record(BOUNDARY + timedelta(hours=3, minutes=15), "INFO", "yamada", 9999, "これはテストです"),
    dict(record(BOUNDARY + timedelta(hours=3, minutes=16), "INFO", "suzuki", 1005), number="1005"),
    dict(record(BOUNDARY + timedelta(hours=3, minutes=17), "ERROR", "tanaka", 1006), text=None),
]
INVALID = [
    (dict(record(BOUNDARY), alarmlevel="DEBUG"), "bad_alarmlevel"),
    (dict(record(BOUNDARY), number="abc"), "bad_number"),
    (dict(record(BOUNDARY), number=2**40), "bad_number"),
    (dict(record(BOUNDARY), timestamp="2019-06-21 09:00:00"), "bad_timestamp"),
    ({k: v for k, v in record(BOUNDARY).items() if k != "user"}, "missing_field"),
]
UNREADABLE = ['{"timestamp": "2019-06-21 09:00:00+0900", "alarmlevel": "INFO"', '"just a string"']


def build_input(root):
    """Objects as Firehose would write them: one per buffer, keyed by the arrival time in UTC."""
    arrival = lambda rec: datetime.strptime(rec["timestamp"], "%Y-%m-%d %H:%M:%S%z").astimezone(timezone.utc) + timedelta(seconds=40)  # noqa: E731
    write_object(root, firehose_key(arrival(GOOD[1]), 1), [as_line(GOOD[1])])
    # 08:59:59 JST arrives at 00:00:39 UTC: the raw prefix says hour 00 of the 21st, the event is hour 23 of the 20th.
    write_object(root, firehose_key(arrival(GOOD[0]), 2), [as_line(GOOD[0]), as_line(GOOD[2]), as_line(GOOD[3])] + [as_line(r) for r, _ in INVALID] + UNREADABLE)
    write_object(root, firehose_key(arrival(GOOD[4]), 3), [as_line(r) for r in GOOD[4:]])
    write_object(root, firehose_key(arrival(GOOD[4]) + timedelta(seconds=60), 4), [])  # an empty object


def event_utc(rec):
    return datetime.strptime(rec["timestamp"], "%Y-%m-%d %H:%M:%S%z").astimezone(timezone.utc)


def template_regex():
    """The curated table's storage.location.template as a regex over a published file's path."""
    template = FACTS["curatedLocationTemplate"]
    base = f"s3://bucket/{FACTS['prefixes']['curated']}"
    assert template.startswith(base), template
    pattern = re.escape(template[len(base) :])
    for key in FACTS["partitionKeyOrder"]:
        pattern = pattern.replace(re.escape("${" + key + "}"), f"(?P<{key}>[^/]+)")
    return re.compile("^" + pattern + r"[^/]+\.parquet$")


SPARK_OF_HIVE = {"timestamp": "timestamp", "string": "string", "int": "int"}


class Workspace:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="etl-spark-")
        self.raw = os.path.join(self.root, "raw", FACTS["prefixes"]["raw"])
        self.out = os.path.join(self.root, "out")
        self.curated = os.path.join(self.out, FACTS["prefixes"]["curated"])
        self.quarantine = os.path.join(self.out, FACTS["prefixes"]["quarantine"])
        self.temp = os.path.join(self.out, FACTS["prefixes"]["temp"])
        self.bookmarks = os.path.join(self.out, ".bookmarks")
        os.makedirs(self.raw)
        build_input(os.path.join(self.root, "raw"))

    def run(self):
        return local.run_job(self.raw, self.curated, self.quarantine, self.temp, self.bookmarks)

    def published(self):
        found = []
        for path in glob.glob(os.path.join(self.curated, "**", "*.parquet"), recursive=True):
            found.append(os.path.relpath(path, self.curated))
        return sorted(found)

    def rows(self):
        spark = local.spark_session()
        return spark.read.option("basePath", self.curated).schema(catalog_schema()).parquet(self.curated)

    def quarantined(self):
        found = []
        for path in glob.glob(os.path.join(self.quarantine, "*", "*", "part-*")):
            with gzip.open(path, "rt", encoding="utf-8") as f:
                found += [json.loads(line) for line in f if line.strip()]
        return found


def catalog_schema():
    """The table as Athena sees it: the catalog columns, then the partition keys with their catalog types."""
    from pyspark.sql.types import StructType, _parse_datatype_string

    cols = FACTS["curatedColumns"] + FACTS["partitionKeys"]
    return StructType.fromJson(
        {"type": "struct", "fields": [{"name": c["name"], "type": _parse_datatype_string(SPARK_OF_HIVE[c["type"]]).jsonValue(), "nullable": True, "metadata": {}} for c in cols]}
    )


class JobOnSpark(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.counts = cls.ws.run()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.ws.root, ignore_errors=True)

    def test_every_record_is_curated_or_quarantined(self):
        self.assertEqual(
            self.counts,
            {"curated": len(GOOD), "quarantined": len(INVALID), "unreadable": len(UNREADABLE), "inputs": 3, "files": 3},
        )

    def test_the_partition_layout_is_the_curated_tables_projection_template(self):
        regex = template_regex()
        levels = {level["key"]: level["projection"] for level in FACTS["partitionLevels"]}
        self.assertEqual(levels["dt"]["format"], "yyyy-MM-dd")
        for name in self.ws.published():
            with self.subTest(file=name):
                match = regex.match(name)
                self.assertIsNotNone(match, f"{name} is not below {FACTS['curatedLocationTemplate']}")
                datetime.strptime(match["dt"], "%Y-%m-%d")
                lo, hi = (int(v) for v in levels["hour"]["range"].split(","))
                self.assertEqual(len(match["hour"]), int(levels["hour"]["digits"]))
                self.assertTrue(lo <= int(match["hour"]) <= hi)

    def test_row_counts_per_partition_follow_the_utc_event_time(self):
        expected = Counter((event_utc(r).strftime("%Y-%m-%d"), event_utc(r).hour) for r in GOOD)
        self.assertEqual(expected, Counter({("2019-06-20", 23): 2, ("2019-06-21", 0): 2, ("2019-06-21", 3): 3}))
        got = Counter({(r["dt"], r["hour"]): r["count"] for r in self.ws.rows().groupBy("dt", "hour").count().collect()})
        self.assertEqual(got, expected)

    def test_event_time_is_the_utc_instant_of_the_jst_timestamp(self):
        from pyspark.sql import functions as F

        got = {r["timestamp"]: r["epoch"] for r in self.ws.rows().select("timestamp", F.col("event_time").cast("long").alias("epoch")).collect()}
        self.assertEqual(got, {r["timestamp"]: int(event_utc(r).timestamp()) for r in GOOD})
        # 08:59:59 JST on the 21st is 23:59:59 UTC on the 20th.
        self.assertEqual(got["2019-06-21 08:59:59+0900"], int(datetime(2019, 6, 20, 23, 59, 59, tzinfo=timezone.utc).timestamp()))

    def test_the_parquet_files_carry_exactly_the_catalog_columns_and_types(self):
        spark = local.spark_session()
        expected = [(c["name"], SPARK_OF_HIVE[c["type"]]) for c in FACTS["curatedColumns"]]
        for name in self.ws.published():
            with self.subTest(file=name):
                schema = spark.read.parquet(os.path.join(self.ws.curated, name)).schema
                self.assertEqual([(f.name, f.dataType.simpleString()) for f in schema.fields], expected)

    def test_every_field_is_kept(self):
        rows = self.ws.rows().drop("event_time", "dt", "hour").collect()
        got = sorted((r.asDict() for r in rows), key=lambda r: r["timestamp"])
        want = sorted((dict(r, number=int(r["number"])) for r in GOOD), key=lambda r: r["timestamp"])
        self.assertEqual(got, want)
        self.assertEqual([c["name"] for c in FACTS["rawColumns"]], list(GOOD[0]))

    def test_malformed_records_are_in_quarantine_with_their_reason(self):
        rows = self.ws.quarantined()
        self.assertEqual(
            Counter(r["reason"] for r in rows),
            Counter([reason for _, reason in INVALID] + ["unreadable_json"] * len(UNREADABLE)),
        )
        unreadable = sorted(r["record"] for r in rows if r["reason"] == "unreadable_json")
        self.assertEqual(unreadable, sorted(UNREADABLE))
        for r in rows:
            self.assertTrue(r.get("detail") or r["reason"] == "unreadable_json", r)

    def test_a_second_run_with_the_bookmark_adds_nothing(self):
        before = self.ws.published()
        counts = self.ws.run()
        self.assertEqual(counts, {"curated": 0, "quarantined": 0, "unreadable": 0, "inputs": 0, "files": 0})
        self.assertEqual(self.ws.published(), before)
        self.assertEqual(self.ws.rows().count(), len(GOOD))


class ReRunAfterFailure(unittest.TestCase):
    """Issue 12: a run that fails between publishing and committing its bookmark, run again."""

    def setUp(self):
        self.ws = Workspace()

    def tearDown(self):
        shutil.rmtree(self.ws.root, ignore_errors=True)

    def assert_no_duplicates(self):
        rows = self.ws.rows()
        self.assertEqual(rows.count(), len(GOOD))
        self.assertEqual(rows.distinct().count(), len(GOOD))
        self.assertEqual(len(self.ws.quarantined()), len(INVALID) + len(UNREADABLE))

    def test_a_failure_before_the_bookmark_commit_leaves_no_duplicates(self):
        with mock.patch.object(Job, "commit", side_effect=RuntimeError("injected: the run dies before job.commit()")):
            with self.assertRaises(RuntimeError):
                self.ws.run()
        self.assertEqual(self.ws.rows().count(), len(GOOD))  # published, bookmark not committed
        # Firehose keeps writing meanwhile: the re-run sees the same objects plus a new one.
        late = record(BOUNDARY + timedelta(hours=5), "INFO", "kato", 1234)
        write_object(os.path.join(self.ws.root, "raw"), firehose_key(event_utc(late) + timedelta(seconds=40), 9), [as_line(late)])
        counts = self.ws.run()
        self.assertEqual(counts["curated"], len(GOOD) + 1)
        rows = self.ws.rows()
        self.assertEqual(rows.count(), len(GOOD) + 1)
        self.assertEqual(rows.distinct().count(), len(GOOD) + 1)
        self.assertEqual(len(self.ws.quarantined()), len(INVALID) + len(UNREADABLE))
        self.assertEqual(len(glob.glob(os.path.join(self.ws.curated, ledger.RUNS_FOLDER, "*.json"))), 1)

    def test_a_failure_halfway_through_publishing_leaves_no_duplicates(self):
        real = pipeline.Files.rename
        calls = []

        def rename_once(self_, source, target):
            if calls:
                raise RuntimeError("injected: the run dies after publishing one file")
            calls.append(target)
            return real(self_, source, target)

        with mock.patch.object(pipeline.Files, "rename", rename_once):
            with self.assertRaises(RuntimeError):
                self.ws.run()
        self.assertEqual(len(self.ws.published()), 1)
        self.ws.run()
        self.assert_no_duplicates()

    def test_a_bookmark_reset_rebuilds_the_table_once(self):
        self.ws.run()
        shutil.rmtree(self.ws.bookmarks)  # aws glue reset-job-bookmark
        counts = self.ws.run()
        self.assertEqual(counts["curated"], len(GOOD))
        self.assert_no_duplicates()


if __name__ == "__main__":
    unittest.main()
