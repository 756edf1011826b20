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


def g(run, shape, generation, files=()):
    return dict(m(run, [A], files), shape=shape, generation=generation)


class ShapeSwitch(unittest.TestCase):
    def test_table(self):
        hands_on = {"shape": "hands-on", "generation": 0}
        at_b = {"shape": "B", "generation": 2}
        cases = [
            ("no state, the hands-on: generation 0, as always", hands_on, "hands-on", [g("20190620T000000Z-a", None, 0)], False, (0, False)),
            ("no state, a user format: its first generation", hands_on, "A", [g("20190620T000000Z-a", None, 0)], False, (1, True)),
            ("the recorded shape: no switch", at_b, "B", [g("20190620T000000Z-a", "B", 2)], False, (2, False)),
            ("back to an earlier shape: a new generation", at_b, "A", [g("20190620T000000Z-a", "B", 2)], False, (3, True)),
            ("a switch to C began and failed, the stack is back on B: the switch is finished in B", at_b, "B",
             [g("20190620T000000Z-a", "B", 2), g("20190620T010000Z-b", "C", 3)], False, (3, True)),
            ("a switch moved files and failed before its manifest: finished", at_b, "B", [], True, (3, True)),
            ("a switch to C that failed, repeated in C: the same generation", at_b, "C", [g("20190620T010000Z-b", "C", 3)], True, (3, True)),
        ]
        for title, recorded, shape, manifests, moved, expected in cases:
            with self.subTest(title):
                self.assertEqual(ledger.shape_switch(recorded, shape, manifests, moved), expected)

    def test_a_switch_moves_every_manifest_but_its_own_earlier_attempts(self):
        old, other, attempt = g("20190620T000000Z-a", "A", 1), g("20190620T010000Z-b", "B", 2), g("20190620T020000Z-c", "C", 2)
        legacy = m("20190619T000000Z-z", [A])
        self.assertEqual(ledger.manifests_to_supersede([attempt, other, old, legacy], "C", 2), [legacy, old, other])

    def test_a_switch_moves_every_published_file_but_those_of_the_manifests_it_keeps(self):
        names = [
            "_runs/20190620T000000Z-a.json",
            "_runs/shape.json",
            "_superseded/generation=1/dt=2019-06-20/hour=01/part-x.snappy.parquet",
            "dt=2019-06-20/hour=01/part-a-00000.snappy.parquet",
            "dt=2019-06-20/hour=01/part-c-00000.snappy.parquet",
            "dt=2019-06-20/hour=01_$folder$",
            ".hidden",
            "dt=2019-06-20/part-00000-legacy.parquet",
        ]
        self.assertEqual(
            ledger.files_to_supersede(names, ["dt=2019-06-20/hour=01/part-c-00000.snappy.parquet"]),
            ["dt=2019-06-20/hour=01/part-a-00000.snappy.parquet", "dt=2019-06-20/part-00000-legacy.parquet"],
        )

    def test_the_state_round_trips_and_a_foreign_one_stops_the_job_with_the_file_named(self):
        path = "s3://c/app_logs/_runs/shape.json"
        self.assertEqual(ledger.parse_shape_state(path, ledger.shape_state("abc", 3)), {"shape": "abc", "generation": 3})
        self.assertEqual(ledger.SHAPE_STATE, "_runs/shape.json")
        self.assertEqual(ledger.superseded_folder(3), "_superseded/generation=3/")
        for text in ["{", "[]", '{"version": 1, "shape": "a", "generation": -1}', '{"version": 1, "shape": "a", "generation": true}',
                     '{"version": 2, "shape": "a", "generation": 1}', '{"version": 1, "generation": 1}']:
            with self.subTest(text):
                with self.assertRaisesRegex(ledger.LedgerError, r"^shape state s3://c/app_logs/_runs/shape\.json is not one this job wrote; restore"):
                    ledger.parse_shape_state(path, text)

    def test_the_manifest_records_shape_generation_and_what_was_moved_aside(self):
        text = ledger.manifest("20190620T000000Z-app-1", [A], ["f"], None, "abc", 2, ["dt=x/b", "_runs/r.json"])
        parsed = ledger.parse_manifest("s3://c/app_logs/_runs/20190620T000000Z-app-1.json", text)
        self.assertEqual((parsed["shape"], parsed["generation"], parsed["superseded"]), ("abc", 2, ["_runs/r.json", "dt=x/b"]))


if __name__ == "__main__":
    unittest.main()
