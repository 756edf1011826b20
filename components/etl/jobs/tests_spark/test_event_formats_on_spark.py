"""The Glue job script with ``--event_schema`` on local Spark (PySpark 3.5.4, Glue 5.0's Spark).

- The example stack's JSON format: test/components/etl/formatSample.ts wrote 3,000 generated events
  and the lines to quarantine in Firehose's layout and ran the job once over them; the facts
  ($LAKE_FACTS, ``formatSample``) hold the folders and what TypeScript counted from the same input.
  These tests read the output back with Spark and run the job a second time (the bookmark).
- A text format (docs/sources.md's example pattern): lines written here, the job run here.
- Format changes A, A, B, B, A of that text format with new objects between runs: every event once,
  in the last shape, and what earlier shapes published moved aside, not lost.
"""

import glob
import gzip
import json
import os
import shutil
import sys
import tempfile
import unittest
from collections import Counter
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "etl"))

import local  # noqa: E402  (puts the jobs folder and the awsglue stand-in on sys.path)
import ledger  # noqa: E402
import transform  # noqa: E402
from tests_spark.test_job_on_spark import firehose_key, write_object  # noqa: E402

if not os.environ.get("LAKE_FACTS"):
    raise SystemExit("LAKE_FACTS is not set: run these tests with npm run test:spark, which writes the TypeScript lake facts.")
with open(os.environ["LAKE_FACTS"], encoding="utf-8") as f:
    FACTS = json.load(f)

UTC = timezone.utc


def parquet_files(curated):
    """The Parquet files the curated table reads: those outside the ``_`` folders (``_superseded/``)."""
    found = (os.path.relpath(p, curated) for p in glob.glob(os.path.join(curated, "**", "*.parquet"), recursive=True))
    return sorted(p for p in found if not p.startswith("_"))


def quarantined(folder, *pattern):
    """The quarantine rows below ``folder`` (default: the quarantine prefix, run=*/reason=*/part-*)."""
    rows = []
    for path in glob.glob(os.path.join(folder, *(pattern or ("*", "*", "part-*")))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def catalog_types(columns):
    """The Spark simpleString of each catalog column: Spark writes a Glue type under the same name."""
    return [(c["name"], c["type"]) for c in columns]


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class ExampleFormatOnSpark(unittest.TestCase):
    """Pulumi.example-app.yaml's format: the output of the run formatSample.ts made."""

    @classmethod
    def setUpClass(cls):
        sample = FACTS.get("formatSample")
        if not sample:
            raise AssertionError("the facts hold no formatSample: job.spark.ts builds it before this suite runs; see its output.")
        cls.sample = sample
        cls.paths = sample["paths"]
        cls.expected = sample["expected"]
        cls.spark = local.spark_session()
        cls.rows = cls.spark.read.option("basePath", cls.paths["curated"]).parquet(cls.paths["curated"]).cache()

    def test_the_parquet_files_have_the_declared_types_in_the_catalogs_order(self):
        columns = catalog_types(FACTS["formats"]["exampleApp"]["curatedColumns"])
        self.assertEqual(
            columns,
            [("event_time", "timestamp"), ("timestamp", "timestamp"), ("method", "string"), ("path", "string"),
             ("status", "bigint"), ("latency_ms", "double"), ("user_id", "string"), ("attributes", "map<string,string>")],
        )
        files = parquet_files(self.paths["curated"])
        self.assertEqual(len(files), len(self.expected["perHour"]))
        for name in files:
            with self.subTest(file=name):
                schema = self.spark.read.parquet(os.path.join(self.paths["curated"], name)).schema
                self.assertEqual([(f.name, f.dataType.simpleString()) for f in schema.fields], columns)

    def test_rows_per_utc_hour_partition_equal_the_typescript_count(self):
        got = {f"dt={r['dt']}/hour={int(r['hour']):02d}": r["count"] for r in self.rows.groupBy("dt", "hour").count().collect()}
        self.assertEqual(got, self.expected["perHour"])
        self.assertEqual(self.rows.count(), self.expected["total"])

    def test_every_event_is_there_at_its_instant_with_its_method(self):
        from pyspark.sql import functions as F

        instants = sorted(
            r["ms"] for r in self.rows.select((F.unix_micros("event_time") / 1000).cast("long").alias("ms")).collect()
        )
        self.assertEqual(instants, self.expected["eventMs"])
        self.assertEqual(self.rows.where(F.col("event_time") != F.col("timestamp")).count(), 0)
        got = {r["method"]: r["count"] for r in self.rows.groupBy("method").count().collect()}
        self.assertEqual(got, self.expected["perMethod"])
        # Every 23rd event sent its status as text; all are integers here.
        self.assertEqual(self.rows.where(F.col("status").isNull()).count(), 0)

    def test_undeclared_keys_are_in_attributes_as_text(self):
        from pyspark.sql import functions as F

        keys = Counter(k for r in self.rows.select(F.map_keys("attributes").alias("k")).collect() for k in r["k"])
        self.assertEqual(dict(keys), self.expected["attributeKeys"])
        values = {
            key: Counter(r["v"] for r in self.rows.select(F.element_at("attributes", key).alias("v")).collect() if r["v"] is not None)
            for key in ("tags", "note", "retry")
        }
        self.assertEqual(values["tags"], Counter({'["a","b"]': self.expected["attributeKeys"]["tags"]}))
        self.assertEqual(values["note"], Counter({"null": self.expected["attributeKeys"]["note"]}))
        self.assertEqual(set(values["retry"]), {"0", "1", "2"})

    def test_every_bad_line_is_in_quarantine_as_written_with_its_reason(self):
        rows = quarantined(self.paths["quarantine"])
        self.assertEqual(dict(Counter(r["reason"] for r in rows)), self.expected["quarantine"])
        self.assertEqual(sorted((r["record"], r["reason"]) for r in rows), sorted((b["line"], b["reason"]) for b in self.sample["bad"]))
        for r in rows:
            self.assertTrue(r["detail"], r)

    def test_the_run_manifest_lists_every_input_object(self):
        folder = os.path.join(self.paths["curated"], ledger.RUNS_FOLDER)
        manifests = [read_json(os.path.join(folder, n)) for n in os.listdir(folder) if n.endswith(".json") and n != "shape.json"]
        self.assertEqual(len(manifests), 1)
        self.assertEqual(len(manifests[0]["inputs"]), self.sample["objects"])
        self.assertEqual(sorted(manifests[0]["files"]), parquet_files(self.paths["curated"]))

    def test_z_a_second_run_with_the_bookmark_adds_nothing(self):
        before = parquet_files(self.paths["curated"])
        p = self.paths
        counts = local.run_job(p["raw"], p["curated"], p["quarantine"], p["temp"], p["bookmarks"], self.sample["argument"])
        self.assertEqual(counts, {"curated": 0, "quarantined": 0, "unreadable": 0, "inputs": 0, "files": 0})
        self.assertEqual(parquet_files(self.paths["curated"]), before)


# docs/sources.md's text example, as the facts define it: "<ts> <LEVEL> <status> <message>".
JST = timezone(timedelta(hours=9))
BOUNDARY = datetime(2026, 12, 2, 9, 0, 0, tzinfo=JST)  # 00:00 UTC on the 2nd


def text_line(when, level, status, message):
    return f"{when.strftime('%Y-%m-%dT%H:%M:%S%z')} {level} {status} {message}"


TEXT_GOOD = [
    (BOUNDARY - timedelta(seconds=1), "INFO", 200, "last second of the UTC day"),
    (BOUNDARY, "WARN", 503, "first second of the next ✓"),
    (BOUNDARY + timedelta(hours=2), "ERROR", 500, "emoji 😀 and a Ctrl-A \x01 inside"),
    (BOUNDARY + timedelta(hours=2, minutes=1), "INFO", 204, "trailing spaces  "),
]
TEXT_BAD = [
    ("not a log line", "no_match"),
    (text_line(BOUNDARY, "INFO", 2000, "four-digit status"), "no_match"),
    ("2026-12-02T09:00:00 INFO 200 no offset", "bad_timestamp"),
    ("2026-12-02T25:00:00+0900 INFO 200 no such hour", "bad_timestamp"),
]


class TextFormatOnSpark(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="etl-text-format-")
        raw = os.path.join(cls.root, "raw")
        arrival = BOUNDARY.astimezone(UTC) + timedelta(seconds=30)
        write_object(raw, firehose_key(arrival, 1), [text_line(*g) for g in TEXT_GOOD[:2]] + [line for line, _ in TEXT_BAD])
        write_object(raw, firehose_key(arrival + timedelta(hours=2), 2), [text_line(*g) for g in TEXT_GOOD[2:]])
        out = os.path.join(cls.root, "out")
        cls.paths = {
            "raw": os.path.join(raw, FACTS["prefixes"]["raw"]),
            "curated": os.path.join(out, FACTS["prefixes"]["curated"]),
            "quarantine": os.path.join(out, FACTS["prefixes"]["quarantine"]),
            "temp": os.path.join(out, FACTS["prefixes"]["temp"]),
            "bookmarks": os.path.join(out, ".bookmarks"),
        }
        cls.argument = FACTS["formats"]["text"]["argument"]
        cls.counts = cls.run_job()

    @classmethod
    def run_job(cls):
        p = cls.paths
        return local.run_job(p["raw"], p["curated"], p["quarantine"], p["temp"], p["bookmarks"], cls.argument)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def test_every_line_is_curated_or_quarantined(self):
        self.assertEqual(self.counts, {"curated": len(TEXT_GOOD), "quarantined": len(TEXT_BAD), "unreadable": 0, "inputs": 2, "files": 3})

    def test_the_parquet_has_the_groups_in_their_declared_types_and_no_attributes(self):
        spark = local.spark_session()
        columns = catalog_types(FACTS["formats"]["text"]["curatedColumns"])
        self.assertEqual(columns, [("event_time", "timestamp"), ("ts", "timestamp"), ("level", "string"), ("status", "bigint"), ("msg", "string")])
        for name in parquet_files(self.paths["curated"]):
            with self.subTest(file=name):
                schema = spark.read.parquet(os.path.join(self.paths["curated"], name)).schema
                self.assertEqual([(f.name, f.dataType.simpleString()) for f in schema.fields], columns)

    def test_rows_are_the_lines_values_in_the_utc_hour_of_their_time(self):
        from pyspark.sql import functions as F

        spark = local.spark_session()
        rows = (
            spark.read.option("basePath", self.paths["curated"])
            .parquet(self.paths["curated"])
            .select((F.unix_micros("event_time") / 1000).cast("long").alias("ms"), "level", "status", "msg", "dt", "hour")
            .collect()
        )
        got = sorted((r["ms"], r["level"], r["status"], r["msg"], str(r["dt"]), int(r["hour"])) for r in rows)
        want = sorted(
            (int(w.timestamp() * 1000), level, status, message, w.astimezone(UTC).strftime("%Y-%m-%d"), w.astimezone(UTC).hour)
            for w, level, status, message in TEXT_GOOD
        )
        self.assertEqual(got, want)
        self.assertEqual(Counter(r[4] for r in got), Counter({"2026-12-01": 1, "2026-12-02": 3}))

    def test_bad_lines_are_in_quarantine_as_written_with_their_reason(self):
        rows = quarantined(self.paths["quarantine"])
        self.assertEqual(sorted((r["record"], r["reason"]) for r in rows), sorted(TEXT_BAD))

    def test_z_a_second_run_with_the_bookmark_adds_nothing(self):
        before = parquet_files(self.paths["curated"])
        self.assertEqual(self.run_job(), {"curated": 0, "quarantined": 0, "unreadable": 0, "inputs": 0, "files": 0})
        self.assertEqual(parquet_files(self.paths["curated"]), before)

    def test_zz_a_changed_format_re_curates_the_raw_zone_once_in_its_new_shape(self):
        before = parquet_files(self.paths["curated"])
        schema = json.loads(self.argument)
        schema["fields"] = [dict(f, type="string") if f["name"] == "status" else f for f in schema["fields"]]
        p = self.paths
        counts = local.run_job(p["raw"], p["curated"], p["quarantine"], p["temp"], p["bookmarks"], json.dumps(schema))
        self.assertEqual(counts, {"curated": len(TEXT_GOOD), "quarantined": len(TEXT_BAD), "unreadable": 0, "inputs": 2, "files": 3})
        after = parquet_files(self.paths["curated"])
        self.assertEqual(len(after), 3)
        self.assertFalse(set(after) & set(before), "the earlier run's files are still in the table")
        # The first run was the format's generation 1; the change moved its files aside as generation 2.
        self.assertEqual(parquet_files(os.path.join(p["curated"], ledger.superseded_folder(2))), before)
        spark = local.spark_session()
        rows = spark.read.option("basePath", p["curated"]).parquet(p["curated"])
        self.assertEqual(dict(rows.dtypes)["status"], "string")
        self.assertEqual(sorted(r["status"] for r in rows.collect()), sorted(str(g[2]) for g in TEXT_GOOD))
        # A format change moves curated files only: the earlier run's quarantine folder stays where it
        # was, and the new run quarantines the bad lines again in its own.
        runs = sorted(os.listdir(p["quarantine"]))
        self.assertEqual(len(runs), 2)
        for run in runs:
            with self.subTest(run=run):
                rows = quarantined(os.path.join(p["quarantine"], run), "*", "part-*")
                self.assertEqual(sorted((r["record"], r["reason"]) for r in rows), sorted(TEXT_BAD))


class FormatChangesOnSpark(unittest.TestCase):
    """A stack switches its format A, A, B, B, A (B types ``status`` as a string); an object of 10
    events arrives before each run. The B runs re-curate the raw zone, and so does the return to A:
    its bookmark is a new generation's, so the objects whose A rows B moved aside are read again."""

    EVENTS = 10

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="etl-format-changes-")
        cls.raw_root = os.path.join(cls.root, "raw")
        out = os.path.join(cls.root, "out")
        cls.paths = {
            "raw": os.path.join(cls.raw_root, FACTS["prefixes"]["raw"]),
            "curated": os.path.join(out, FACTS["prefixes"]["curated"]),
            "quarantine": os.path.join(out, FACTS["prefixes"]["quarantine"]),
            "temp": os.path.join(out, FACTS["prefixes"]["temp"]),
            "bookmarks": os.path.join(out, ".bookmarks"),
        }
        a = json.loads(FACTS["formats"]["text"]["argument"])
        b = dict(a, fields=[dict(f, type="string") if f["name"] == "status" else f for f in a["fields"]])
        cls.shapes = {"A": a, "B": b}
        cls.events, cls.counts = [], []
        for n, name in enumerate("AABBA", start=1):
            when = BOUNDARY + timedelta(hours=n)
            events = [(when + timedelta(seconds=i), "INFO", 200 + n, f"object {n} event {i}") for i in range(cls.EVENTS)]
            write_object(cls.raw_root, firehose_key(when.astimezone(UTC), n), [text_line(*e) for e in events])
            cls.events += events
            p = cls.paths
            cls.counts.append(local.run_job(p["raw"], p["curated"], p["quarantine"], p["temp"], p["bookmarks"], json.dumps(cls.shapes[name])))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def rows(self, folder):
        from pyspark.sql import functions as F

        spark = local.spark_session()
        df = spark.read.option("basePath", folder).parquet(folder)
        got = [(r["ms"], r["status"], r["msg"]) for r in df.select((F.unix_micros("event_time") / 1000).cast("long").alias("ms"), "status", "msg").collect()]
        return sorted(got), dict(df.dtypes)["status"]

    def expected(self, objects, status_type):
        return sorted((int(w.timestamp() * 1000), status_type(s), m) for w, _, s, m in self.events[: objects * self.EVENTS])

    def test_each_run_reads_its_new_object_and_each_switch_the_whole_raw_zone(self):
        self.assertEqual([c["curated"] for c in self.counts], [10, 10, 30, 10, 50])
        self.assertEqual([c["quarantined"] + c["unreadable"] for c in self.counts], [0] * 5)

    def test_the_table_holds_every_event_exactly_once_in_the_last_shape(self):
        rows, status_type = self.rows(self.paths["curated"])
        self.assertEqual(status_type, "bigint")
        self.assertEqual(rows, self.expected(5, int))

    def test_earlier_shapes_rows_are_moved_aside_by_generation_not_deleted(self):
        curated = self.paths["curated"]
        folders = sorted(os.listdir(os.path.join(curated, ledger.SUPERSEDED_FOLDER)))
        # Generation 1 is the first A (it had nothing to move), 2 is B (moved A's two runs), 3 is A again.
        self.assertEqual(folders, ["generation=2", "generation=3"])
        a_rows, a_type = self.rows(os.path.join(curated, ledger.superseded_folder(2)))
        self.assertEqual((a_type, a_rows), ("bigint", self.expected(2, int)))
        b_rows, b_type = self.rows(os.path.join(curated, ledger.superseded_folder(3)))
        self.assertEqual((b_type, b_rows), ("string", self.expected(4, str)))
        for generation, runs in ((2, 2), (3, 2)):
            with self.subTest(generation=generation):
                moved = glob.glob(os.path.join(curated, ledger.superseded_folder(generation), ledger.RUNS_FOLDER, "*.json"))
                self.assertEqual(len(moved), runs)

    def test_the_last_manifest_records_what_it_moved_and_the_state_its_shape(self):
        curated = self.paths["curated"]
        folder = os.path.join(curated, ledger.RUNS_FOLDER)
        manifests = [read_json(os.path.join(folder, n)) for n in sorted(os.listdir(folder)) if n.endswith(".json") and n != "shape.json" and not n.startswith(".")]
        self.assertEqual(len(manifests), 1)
        last = manifests[0]
        self.assertEqual((last["shape"], last["generation"]), (transform.shape_digest(self.shapes["A"]), 3))
        held = os.path.join(curated, ledger.superseded_folder(3))
        on_disk = sorted(os.path.relpath(os.path.join(d, n), held) for d, _, names in os.walk(held) for n in names if not n.startswith("."))
        self.assertEqual(last["superseded"], on_disk)
        self.assertEqual(read_json(os.path.join(curated, ledger.SHAPE_STATE)), {"version": 1, "shape": last["shape"], "generation": 3})
        # Each generation reads under a bookmark of its own; none was used twice.
        bookmarks = read_json(glob.glob(os.path.join(self.paths["bookmarks"], "*.json"))[0])
        self.assertEqual(
            sorted(bookmarks),
            sorted(transform.bookmark_context(self.shapes[s], g) for s, g in (("A", 1), ("B", 2), ("A", 3))),
        )


if __name__ == "__main__":
    unittest.main()
