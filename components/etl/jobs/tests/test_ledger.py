"""Unit tests of the re-run rule (ledger.py): which runs are retracted, what a run publishes."""

import json
import os
import sys
import unittest
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import ledger  # noqa: E402

A, B, C = ("s3://raw/app_logs/dt=2019-06-20/hour=23/x-1-%s.gz" % n for n in "abc")


def m(run, inputs, files=()):
    return {"version": 1, "run": run, "inputs": list(inputs), "files": list(files), "quarantine": None}


class RunsToRetract(unittest.TestCase):
    def test_table(self):
        committed = m("20190620T000000Z-app-1", [A])
        failed = m("20190620T010000Z-app-2", [B])
        cases = [
            ("nothing ran before", [], [A], []),
            ("the previous run committed: its inputs are not offered again", [committed], [B], []),
            ("the previous run failed: the bookmark offers its inputs again", [committed, failed], [B, C], [failed]),
            ("new objects arrived meanwhile: still retracted", [failed], [C, B], [failed]),
            ("a bookmark reset offers everything: every run is retracted", [failed, committed], [A, B, C], [committed, failed]),
            ("no input at all: nothing to retract", [committed, failed], [], []),
        ]
        for title, manifests, inputs, expected in cases:
            with self.subTest(title):
                self.assertEqual(ledger.runs_to_retract(manifests, inputs), expected)


class Publish(unittest.TestCase):
    def test_published_names_carry_the_run_and_keep_the_partition_folder(self):
        plan = ledger.publish_plan(
            "20190620T000000Z-app-1",
            ["dt=2019-06-21/hour=00/part-00001-u.c000.snappy.parquet", "dt=2019-06-20/hour=23/part-00000-u.c000.snappy.parquet"],
        )
        self.assertEqual(
            [final for _, final in plan],
            [
                "dt=2019-06-20/hour=23/part-20190620T000000Z-app-1-00000.snappy.parquet",
                "dt=2019-06-21/hour=00/part-20190620T000000Z-app-1-00001.snappy.parquet",
            ],
        )

    def test_a_staged_file_outside_the_partition_layout_stops_the_run(self):
        for bad in ["part-0.parquet", "dt=2019-06-20/part-0.parquet", "dt=20190620/hour=1/part-0.parquet", "hour=01/dt=2019-06-20/part-0.parquet"]:
            with self.subTest(bad):
                with self.assertRaisesRegex(ledger.LedgerError, "dt=yyyy-MM-dd/hour=HH/"):
                    ledger.publish_plan("20190620T000000Z-app-1", [bad])

    def test_run_ids_sort_by_start_and_are_safe_file_names(self):
        run = ledger.run_id(datetime(2019, 6, 20, 1, 2, 3, tzinfo=timezone.utc), "local-17/x:y")
        self.assertEqual(run, "20190620T010203Z-local-17-x-y")
        self.assertEqual(ledger.manifest_name(run), "_runs/20190620T010203Z-local-17-x-y.json")


class Manifests(unittest.TestCase):
    def test_round_trip(self):
        text = ledger.manifest("20190620T000000Z-app-1", [B, A, A], ["f2", "f1"], "s3://c/quarantine/app_logs/run=x/")
        parsed = ledger.parse_manifest("s3://c/app_logs/_runs/20190620T000000Z-app-1.json", text)
        self.assertEqual(parsed["inputs"], [A, B])
        self.assertEqual(parsed["files"], ["f1", "f2"])

    def test_a_manifest_without_inputs_is_refused(self):
        with self.assertRaisesRegex(ledger.LedgerError, "no input objects"):
            ledger.manifest("20190620T000000Z-app-1", [], [], None)

    def test_foreign_or_broken_manifests_stop_the_job_with_the_file_named(self):
        path = "s3://c/app_logs/_runs/20190620T000000Z-app-1.json"
        good = json.loads(ledger.manifest("20190620T000000Z-app-1", [A], [], None))
        cases = [
            ("{", "is not JSON"),
            (json.dumps(dict(good, version=2)), "not a version 1"),
            (json.dumps(dict(good, inputs="x")), "no valid 'inputs'"),
            (json.dumps(dict(good, run="20190620T000000Z-other")), "does not match its file name"),
        ]
        for text, message in cases:
            with self.subTest(message):
                with self.assertRaisesRegex(ledger.LedgerError, path.replace(".", r"\.") + ".*" + message):
                    ledger.parse_manifest(path, text)


if __name__ == "__main__":
    unittest.main()
