"""Unit tests of the pure transform module (standard library only: python3 -m unittest)."""

import os
import sys
import unittest
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import transform  # noqa: E402

GOOD = {
    "timestamp": "2019-06-20 21:34:56+0900",
    "alarmlevel": "ERROR",
    "host": "prd-web002",
    "user": "uehara",
    "number": 1001,
    "text": "This is ERROR.",
}


def with_(**changes):
    record = dict(GOOD)
    for key, value in changes.items():
        if value is KeyError:
            record.pop(key)
        else:
            record[key] = value
    return record


class ParseEventTime(unittest.TestCase):
    def test_converts_the_jst_offset_to_utc(self):
        cases = [
            ("2019-06-20 21:34:56+0900", datetime(2019, 6, 20, 12, 34, 56, tzinfo=timezone.utc)),
            ("2019-06-20 08:59:59+0900", datetime(2019, 6, 19, 23, 59, 59, tzinfo=timezone.utc)),
            ("2019-06-20 09:00:00+0900", datetime(2019, 6, 20, 0, 0, 0, tzinfo=timezone.utc)),
            ("2020-01-01 00:30:00+0900", datetime(2019, 12, 31, 15, 30, 0, tzinfo=timezone.utc)),
            ("2019-06-20 12:00:00+0000", datetime(2019, 6, 20, 12, 0, 0, tzinfo=timezone.utc)),
            ("2019-06-20 07:00:00-0500", datetime(2019, 6, 20, 12, 0, 0, tzinfo=timezone.utc)),
        ]
        for text, expected in cases:
            with self.subTest(text=text):
                parsed = transform.parse_event_time(text)
                self.assertEqual(parsed, expected)
                self.assertEqual(parsed.utcoffset().total_seconds(), 0)

    def test_rejects_other_forms_with_a_reason(self):
        for text in [
            "2019-06-20T21:34:56+0900",
            "2019-06-20 21:34:56+09:00",
            "2019-06-20 21:34:56",
            "2019-6-20 21:34:56+0900",
            "2019-06-20 21:34:56Z",
            "2019-02-30 21:34:56+0900",
            "2019-06-20 25:00:00+0900",
            "",
            1561034096,
            None,
        ]:
            with self.subTest(text=text):
                with self.assertRaises(transform.RecordError) as ctx:
                    transform.parse_event_time(text)
                self.assertEqual(ctx.exception.reason, "bad_timestamp")


class Partitions(unittest.TestCase):
    def test_partitions_come_from_the_utc_event_time(self):
        cases = [
            ("2019-06-20 21:34:56+0900", {"dt": "2019-06-20", "hour": "12"}, "dt=2019-06-20/hour=12/"),
            ("2019-06-20 08:59:59+0900", {"dt": "2019-06-19", "hour": "23"}, "dt=2019-06-19/hour=23/"),
            ("2019-06-20 09:05:00+0900", {"dt": "2019-06-20", "hour": "00"}, "dt=2019-06-20/hour=00/"),
            ("2019-06-20 18:00:00+0900", {"dt": "2019-06-20", "hour": "09"}, "dt=2019-06-20/hour=09/"),
        ]
        for text, values, path in cases:
            with self.subTest(text=text):
                event_time = transform.parse_event_time(text)
                self.assertEqual(transform.partition_values(event_time), values)
                self.assertEqual(transform.partition_path(event_time), path)

    def test_partition_keys_are_the_lake_keys(self):
        self.assertEqual(transform.PARTITION_KEYS, ("dt", "hour"))


class ParseNumber(unittest.TestCase):
    def test_accepts_integers_and_digit_strings(self):
        for value, expected in [(1001, 1001), ("1001", 1001), (" 42 ", 42), ("-7", -7), (3.0, 3), (0, 0)]:
            with self.subTest(value=value):
                self.assertEqual(transform.parse_number(value), expected)

    def test_rejects_everything_else(self):
        for value in ["10a", "", 1.5, True, None, [1], 2**31, -(2**31) - 1]:
            with self.subTest(value=value):
                with self.assertRaises(transform.RecordError) as ctx:
                    transform.parse_number(value)
                self.assertEqual(ctx.exception.reason, "bad_number")


class TransformRecord(unittest.TestCase):
    def test_keeps_every_field_and_adds_event_time_and_partitions(self):
        row, bad = transform.transform_record(dict(GOOD))
        self.assertIsNone(bad)
        self.assertEqual(
            row,
            {
                "event_time": datetime(2019, 6, 20, 12, 34, 56, tzinfo=timezone.utc),
                "timestamp": "2019-06-20 21:34:56+0900",
                "alarmlevel": "ERROR",
                "host": "prd-web002",
                "user": "uehara",
                "number": 1001,
                "text": "This is ERROR.",
                "dt": "2019-06-20",
                "hour": "12",
            },
        )
        self.assertEqual(tuple(k for k in row if k not in transform.PARTITION_KEYS), transform.CURATED_FIELDS)

    def test_a_missing_text_is_kept_as_null(self):
        row, bad = transform.transform_record(with_(text=KeyError))
        self.assertIsNone(bad)
        self.assertIsNone(row["text"])

    def test_every_level_is_accepted(self):
        for level in ["INFO", "WARNING", "ERROR", "CRITICAL"]:
            with self.subTest(level=level):
                row, bad = transform.transform_record(with_(alarmlevel=level))
                self.assertIsNone(bad)
                self.assertEqual(row["alarmlevel"], level)

    def test_bad_records_are_quarantined_with_the_reason(self):
        cases = [
            (with_(timestamp="yesterday"), "bad_timestamp"),
            (with_(timestamp=KeyError), "missing_field"),
            (with_(user=""), "missing_field"),
            (with_(host=None), "missing_field"),
            (with_(number="many"), "bad_number"),
            (with_(alarmlevel="DEBUG"), "bad_alarmlevel"),
            (["not", "an", "object"], "not_an_object"),
            ("a plain line", "not_an_object"),
        ]
        for record, reason in cases:
            with self.subTest(reason=reason, record=record):
                row, bad = transform.transform_record(record)
                self.assertIsNone(row)
                self.assertEqual(bad["reason"], reason)
                self.assertTrue(bad["detail"])
                self.assertIn("record", bad)

    def test_the_quarantined_record_is_the_original_json(self):
        _row, bad = transform.transform_record(with_(number="many"))
        self.assertEqual(
            bad["record"],
            '{"alarmlevel": "ERROR", "host": "prd-web002", "number": "many", "text": "This is ERROR.", '
            '"timestamp": "2019-06-20 21:34:56+0900", "user": "uehara"}',
        )
        self.assertEqual(bad["detail"], "number 'many' is not an integer")

    def test_missing_fields_are_all_named(self):
        _row, bad = transform.transform_record({"text": "x"})
        self.assertEqual(bad["detail"], "missing timestamp, alarmlevel, host, user, number")


class TransformAll(unittest.TestCase):
    def test_no_record_is_dropped(self):
        records = [dict(GOOD), with_(number="x"), with_(timestamp="2019-06-20 09:00:00+0900"), 7]
        curated, quarantined = transform.transform_all(records)
        self.assertEqual(len(curated) + len(quarantined), len(records))
        self.assertEqual([r["hour"] for r in curated], ["12", "00"])
        self.assertEqual([q["reason"] for q in quarantined], ["bad_number", "not_an_object"])


if __name__ == "__main__":
    unittest.main()
