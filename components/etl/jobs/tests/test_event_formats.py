"""Unit tests of a user format's curation in transform.py (standard library only): every cast and
quarantine reason, the example stack's JSON format and a text format as the TypeScript side defines
them (the lake facts in $LAKE_FACTS, written by test/components/etl/python.test.ts), and the
JavaScript patterns run in Python, compared group by group with what Node.js captured."""

import json
import os
import re
import sys
import time
import unittest
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import transform  # noqa: E402
from transform import RecordError, SchemaError  # noqa: E402

if not os.environ.get("LAKE_FACTS"):
    raise SystemExit("LAKE_FACTS is not set: run these tests through npm test (test/components/etl/python.test.ts writes it).")
with open(os.environ["LAKE_FACTS"], encoding="utf-8") as f:
    FACTS = json.load(f)

EXAMPLE = FACTS["formats"]["exampleApp"]
TEXT = FACTS["formats"]["text"]
UTC = timezone.utc


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def curator(fixture):
    return transform.EventCurator(transform.parse_event_schema(fixture["argument"]))


def reason_of(function, *args):
    with_reason = None
    try:
        function(*args)
    except RecordError as err:
        with_reason = err
    if with_reason is None:
        raise AssertionError(f"{function.__name__}{args!r} did not raise RecordError")
    return with_reason


class AgreesWithTypeScript(unittest.TestCase):
    def test_glue_types_attributes_and_reserved_names(self):
        self.assertEqual(transform.FIELD_GLUE_TYPES, FACTS["glueTypes"])
        self.assertEqual(transform.ATTRIBUTES_TYPE, FACTS["attributesType"])
        self.assertEqual(list(transform.RESERVED_FIELD_NAMES), FACTS["reservedFieldNames"])

    def test_javascript_white_space_and_line_terminators_as_the_java_conversion_has_them(self):
        # Every code point of the Basic Multilingual Plane: JS_SPACE is exactly TypeScript's
        # JS_WHITESPACE (components/shared/javaRegex.ts), JS_DOT refuses exactly its terminators.
        space, dot = re.compile("[" + transform.JS_SPACE + "]"), re.compile(transform.JS_DOT)
        ranges = FACTS["jsWhitespace"]
        terminators = set(FACTS["jsLineTerminators"])
        for cp in range(0x10000):
            c = chr(cp)
            self.assertEqual(bool(space.fullmatch(c)), any(lo <= cp <= hi for lo, hi in ranges), hex(cp))
            self.assertEqual(bool(dot.fullmatch(c)), cp not in terminators, hex(cp))

    def test_time_formats_and_strftime_directives(self):
        self.assertEqual(list(transform.TIME_FORMAT_KEYWORDS), FACTS["timeFormatKeywords"])
        self.assertEqual(sorted(transform.STRFTIME_DIRECTIVES), sorted(FACTS["strftimeDirectives"]))

    def test_the_argument_reads_back_as_the_schema_and_gives_the_curated_tables_columns(self):
        for name, fixture in FACTS["formats"].items():
            with self.subTest(format=name):
                schema = transform.parse_event_schema(fixture["argument"])
                self.assertEqual(schema, fixture["schema"])
                self.assertEqual(
                    transform.curated_columns(schema), [(c["name"], c["type"]) for c in fixture["curatedColumns"]]
                )

    def test_the_example_app_format_is_the_stacks(self):
        self.assertEqual(
            [(c["name"], c["type"]) for c in EXAMPLE["curatedColumns"]],
            [
                ("event_time", "timestamp"),
                ("timestamp", "timestamp"),
                ("method", "string"),
                ("path", "string"),
                ("status", "bigint"),
                ("latency_ms", "double"),
                ("user_id", "string"),
                ("attributes", "map<string,string>"),
            ],
        )
        self.assertEqual(EXAMPLE["schema"]["timeFormat"], "iso8601")
        self.assertNotIn("attributes", [c["name"] for c in TEXT["curatedColumns"]])


class Casts(unittest.TestCase):
    def test_long(self):
        good = [(200, 200), ("201", 201), ("-7", -7), ("+7", 7), ("007", 7), (2.0, 2), (1e3, 1000),
                (2**63 - 1, 2**63 - 1), (str(-(2**63)), -(2**63)), ("0" * 5000 + "1", 1)]
        for value, expected in good:
            with self.subTest(value=repr(value)[:40]):
                got = transform.to_long("status", value)
                self.assertEqual(got, expected)
                self.assertIs(type(got), int)
        bad = [2**63, "9223372036854775808", "9" * 5000, 1.5, "1.0", " 1", "1e3", "", "abc", True, None, [1], {"a": 1},
               float("inf"), float("nan")]
        for value in bad:
            with self.subTest(value=repr(value)[:40]):
                err = reason_of(transform.to_long, "status", value)
                self.assertEqual(err.reason, "bad_long")
                self.assertTrue(err.detail.startswith("status is "), err.detail)

    def test_double(self):
        good = [(1.5, 1.5), (2, 2.0), ("2.5", 2.5), ("-1e3", -1000.0), (".5", 0.5), ("7", 7.0), (0, 0.0)]
        for value, expected in good:
            with self.subTest(value=value):
                got = transform.to_double("latency_ms", value)
                self.assertEqual(got, expected)
                self.assertIs(type(got), float)
        for value in ["fast", "1_000", "NaN", "Infinity", "1e999", 10**400, float("inf"), float("nan"), True, "", [1.0]]:
            with self.subTest(value=value):
                err = reason_of(transform.to_double, "latency_ms", value)
                self.assertEqual(err.reason, "bad_double")
                self.assertTrue(err.detail.startswith("latency_ms is "), err.detail)

    def test_boolean(self):
        for value, expected in [(True, True), (False, False), ("true", True), ("false", False)]:
            with self.subTest(value=value):
                self.assertIs(transform.to_boolean("cached", value), expected)
        for value in ["True", "yes", "1", 1, 0, "", None, [True]]:
            with self.subTest(value=value):
                err = reason_of(transform.to_boolean, "cached", value)
                self.assertEqual(err.reason, "bad_boolean")
                self.assertTrue(err.detail.startswith("cached is "), err.detail)

    def test_json_numbers_by_their_text(self):
        n = transform.JsonNumber
        self.assertEqual(transform.to_string("s", n("1.10")), "1.10")
        self.assertEqual(transform.to_long("l", n("2.000")), 2)
        self.assertEqual(transform.to_long("l", n("-0")), 0)
        self.assertEqual(transform.to_double("d", n("1E3")), 1000.0)
        self.assertEqual(reason_of(transform.to_long, "l", n("1.5")).reason, "bad_long")
        self.assertEqual(reason_of(transform.to_boolean, "b", n("1")).reason, "bad_boolean")
        self.assertEqual(reason_of(transform.to_double, "d", n("1e400")).reason, "bad_double")

    def test_string(self):
        for value, expected in [("GET", "GET"), ("", ""), ("日本語", "日本語"), (42, "42"), (1.5, "1.5"), (True, "true"), (False, "false")]:
            with self.subTest(value=value):
                self.assertEqual(transform.to_string("method", value), expected)
        for value in [{"a": 1}, ["GET"]]:
            with self.subTest(value=value):
                err = reason_of(transform.to_string, "method", value)
                kind = "an object" if isinstance(value, dict) else "an array"
                self.assertEqual((err.reason, err.detail), ("bad_string", f"method is {kind}, not text"))


class Times(unittest.TestCase):
    def test_iso8601_with_an_offset_or_z(self):
        parse = transform.time_parser("iso8601")
        cases = [
            ("2026-12-01T09:30:00Z", utc(2026, 12, 1, 9, 30)),
            ("2026-12-01T18:30:00+09:00", utc(2026, 12, 1, 9, 30)),
            ("2026-12-01T18:30:00+0900", utc(2026, 12, 1, 9, 30)),
            ("2026-12-01T00:30:00-05:30", utc(2026, 12, 1, 6, 0)),
            ("2026-12-01T09:30:00.25Z", utc(2026, 12, 1, 9, 30, 0, 250000)),
            ("2026-12-01T09:30:00.123456789Z", utc(2026, 12, 1, 9, 30, 0, 123456)),
            ("2027-01-01T08:59:59+09:00", utc(2026, 12, 31, 23, 59, 59)),
        ]
        for text, expected in cases:
            with self.subTest(text=text):
                got = parse("timestamp", text)
                self.assertEqual(got, expected)
                self.assertEqual(got.utcoffset(), timedelta(0))
        for value in ["2026-12-01T09:30:00", "2026-12-01 09:30:00Z", "2026-12-01", "2026-02-30T00:00:00Z",
                      "2026-12-01T24:00:00Z", "2026-12-01T09:30:00+24:00", "2026-12-01T09:30:00Z\n", "yesterday",
                      "２０２６-12-01T09:30:00Z", 1796117400000, True, ""]:
            with self.subTest(value=value):
                err = reason_of(parse, "timestamp", value)
                self.assertEqual(err.reason, "bad_timestamp")
                self.assertTrue(err.detail.startswith("timestamp is "), err.detail)

    def test_epoch_ms(self):
        parse = transform.time_parser("epoch_ms")
        for value in [1796117400000, "1796117400000", 1796117400000.0]:
            with self.subTest(value=value):
                self.assertEqual(parse("t", value), utc(2026, 12, 1, 9, 30))
        self.assertEqual(parse("t", 1796117400123), utc(2026, 12, 1, 9, 30, 0, 123000))
        self.assertEqual(parse("t", -1000), utc(1969, 12, 31, 23, 59, 59))
        for value in ["2026-12-01T09:30:00Z", 1.5, "1e12", 10**20, True, [1]]:
            with self.subTest(value=value):
                self.assertEqual(reason_of(parse, "t", value).reason, "bad_timestamp")

    def test_strftime_patterns(self):
        parse = transform.time_parser("%Y-%m-%d %H:%M:%S.%L%z")
        self.assertEqual(parse("t", "2026-12-01 18:30:00.250+0900"), utc(2026, 12, 1, 9, 30, 0, 250000))
        self.assertEqual(parse("t", "2026-12-01 18:30:00.250+09:00"), utc(2026, 12, 1, 9, 30, 0, 250000))
        self.assertEqual(parse("t", "2026-12-01 09:30:00.000Z"), utc(2026, 12, 1, 9, 30))
        for value in ["2026-12-01 18:30:00+0900", "2026-12-01 18:30:00.25+0900", "2026-13-01 18:30:00.250+0900", "x", 5]:
            with self.subTest(value=value):
                self.assertEqual(reason_of(parse, "t", value).reason, "bad_timestamp")
        hands_on_style = transform.time_parser("[%d/%m/%Y:%H:%M:%S %z]")
        self.assertEqual(hands_on_style("t", "[01/12/2026:18:30:00 +0900]"), utc(2026, 12, 1, 9, 30))

    def test_a_time_format_the_job_cannot_read_stops_it_with_a_sentence(self):
        for time_format, words in [("%Y-%m-%d %H:%M:%S", "without %z"), ("%Y-%m-%dT%H:%M:%S%Z", "the directive '%Z'")]:
            with self.subTest(time_format=time_format):
                with self.assertRaises(SchemaError) as ctx:
                    transform.time_parser(time_format)
                self.assertIn(words, str(ctx.exception))


class JsonFormat(unittest.TestCase):
    """The example stack's format, one line at a time."""

    @classmethod
    def setUpClass(cls):
        cls.curator = curator(EXAMPLE)

    def good(self, **changes):
        record = {"timestamp": "2026-12-01T18:30:00.250+09:00", "method": "GET", "path": "/api/items", "status": 200,
                  "latency_ms": 12.5, "user_id": "user-001"}
        record.update(changes)
        return json.dumps({k: v for k, v in record.items() if v is not KeyError}, ensure_ascii=False)

    def test_a_good_line_is_typed_and_partitioned_by_its_utc_time(self):
        row, bad = self.curator.transform_line(self.good())
        self.assertIsNone(bad)
        self.assertEqual(
            row,
            {
                "event_time": utc(2026, 12, 1, 9, 30, 0, 250000),
                "timestamp": utc(2026, 12, 1, 9, 30, 0, 250000),
                "method": "GET",
                "path": "/api/items",
                "status": 200,
                "latency_ms": 12.5,
                "user_id": "user-001",
                "attributes": {},
                "dt": "2026-12-01",
                "hour": "09",
            },
        )

    def test_undeclared_keys_go_to_attributes_as_text(self):
        line = self.good(trace_id="t-1", retry=2, ratio=0.5, ok=True, none=None, tags=["a", "b"], geo={"country": "JP", "city": "東京"})
        row = self.curator.curate_line(line)
        self.assertEqual(
            row["attributes"],
            {"trace_id": "t-1", "retry": "2", "ratio": "0.5", "ok": "true", "none": "null", "tags": '["a","b"]',
             "geo": '{"country":"JP","city":"東京"}'},
        )

    def test_absent_or_null_declared_fields_are_null(self):
        row = self.curator.curate_line(self.good(path=KeyError, status=None, user_id=KeyError, latency_ms=None))
        self.assertEqual([row[k] for k in ("path", "status", "latency_ms", "user_id")], [None] * 4)

    def test_casts_apply_to_the_declared_fields(self):
        row = self.curator.curate_line(self.good(status="204", latency_ms=7, method=5))
        self.assertEqual((row["status"], row["latency_ms"], row["method"]), (204, 7.0, "5"))

    def test_every_bad_line_is_quarantined_with_its_reason_a_detail_naming_the_field_and_the_line_as_written(self):
        cases = [
            ('{"timestamp": "2026-12-01T09:30:00Z", "method": "GET"', "not_json", "the line is not JSON"),
            ("GET /api 200", "not_json", "the line is not JSON"),
            ('{"timestamp": "2026-12-01T09:30:00Z", "latency_ms": NaN}', "not_json", "the line is not JSON"),
            ("", "not_json", "the line is not JSON"),
            ('["2026-12-01T09:30:00Z", "GET"]', "not_an_object", "the line is an array"),
            ('"just text"', "not_an_object", "the line is a string"),
            ("42", "not_an_object", "the line is a number"),
            ("[" * 100000 + "]" * 100000, "not_json", "the line nests JSON deeper"),
            (self.good(timestamp=KeyError), "missing_time", "timestamp (the time field) is missing"),
            (self.good(timestamp=None), "missing_time", "timestamp (the time field) is null"),
            (self.good(timestamp="2026-12-01 09:30:00"), "bad_timestamp", 'timestamp is "2026-12-01 09:30:00"'),
            (self.good(timestamp=1796117400000), "bad_timestamp", "timestamp is 1796117400000"),
            (self.good(status="two hundred"), "bad_long", 'status is "two hundred"'),
            (self.good(status=1e30), "bad_long", "status is 1e+30"),
            (self.good(status=200.5), "bad_long", "status is 200.5"),
            (self.good(latency_ms="fast"), "bad_double", 'latency_ms is "fast"'),
            (self.good(method={"verb": "GET"}), "bad_string", "method is an object"),
            (self.good(user_id=["a"]), "bad_string", "user_id is an array"),
        ]
        for line, reason, detail in cases:
            with self.subTest(line=line[:60]):
                row, bad = self.curator.transform_line(line)
                self.assertIsNone(row)
                self.assertEqual(set(bad), {"reason", "detail", "record"})
                self.assertEqual(bad["reason"], reason)
                self.assertTrue(bad["detail"].startswith(detail), bad["detail"])
                self.assertLess(len(bad["detail"]), 300)
                self.assertEqual(bad["record"], line)

    def test_a_boolean_field_takes_true_false_or_their_text(self):
        schema = dict(EXAMPLE["schema"], fields=EXAMPLE["schema"]["fields"] + [{"name": "cached", "type": "boolean"}])
        c = transform.EventCurator(transform.parse_event_schema(json.dumps(schema)))
        self.assertIs(c.curate_line(self.good(cached="true"))["cached"], True)
        self.assertIs(c.curate_line(self.good(cached=False))["cached"], False)
        row, bad = c.transform_line(self.good(cached="yes"))
        self.assertEqual((row, bad["reason"], bad["detail"]), (None, "bad_boolean", 'cached is "yes", not true or false'))

    def numbers(self, **raw):
        """A good line with ``raw`` as JSON text written into it (numbers exactly as given)."""
        line = self.good(**{k: KeyError for k in raw})
        return line[:-1] + "".join(f', "{k}": {v}' for k, v in raw.items()) + "}"

    def test_json_numbers_keep_their_digits_as_written(self):
        cases = [
            ("a string field keeps the text of a number", {"user_id": "1.10"}, "user_id", "1.10"),
            ("an exponent stays as written in a string field", {"method": "1E3"}, "method", "1E3"),
            ("a long written with .0 is exact", {"status": "12345678901234567.0"}, "status", 12345678901234567),
            ("a long with an exponent that is integral", {"status": "1E3"}, "status", 1000),
            ("the largest long", {"status": "9223372036854775807"}, "status", 2**63 - 1),
            ("a double from its text", {"latency_ms": "0.1"}, "latency_ms", 0.1),
            ("a double beyond the range of a long", {"latency_ms": "1e300"}, "latency_ms", 1e300),
        ]
        for title, raw, field, expected in cases:
            with self.subTest(title):
                got = self.curator.curate_line(self.numbers(**raw))[field]
                self.assertEqual(got, expected)
                self.assertIs(type(got), type(expected))

    def test_attributes_keep_numbers_as_written_at_any_depth(self):
        row = self.curator.curate_line(self.numbers(a="1E3", b="1.10", c="1e400", d="-0", e='{"x": [1.10, 2e-5, "t", null]}'))
        self.assertEqual(
            row["attributes"], {"a": "1E3", "b": "1.10", "c": "1e400", "d": "-0", "e": '{"x":[1.10,2e-5,"t",null]}'}
        )

    def test_a_number_its_type_cannot_hold_exactly_is_quarantined(self):
        cases = [
            ({"status": "9223372036854775808"}, "bad_long", "status is 9223372036854775808, outside the range of a long"),
            ({"status": "-9223372036854775809.0"}, "bad_long", "status is -9223372036854775809.0, outside the range of a long"),
            ({"status": "1e400"}, "bad_long", "status is 1e400, outside the range of a long"),
            ({"status": "1" + "0" * 5000}, "bad_long", "status is 1000"),
            ({"status": "200.5"}, "bad_long", "status is 200.5, not an integer"),
            ({"status": "1e-400"}, "bad_long", "status is 1e-400, not an integer"),
            ({"latency_ms": "1e400"}, "bad_double", "latency_ms is 1e400, outside the range of a double"),
            ({"latency_ms": "-1E309"}, "bad_double", "latency_ms is -1E309, outside the range of a double"),
            ({"timestamp": "1796117400000.5"}, "bad_timestamp", "timestamp is 1796117400000.5"),
        ]
        for raw, reason, detail in cases:
            with self.subTest(raw=str(raw)[:60]):
                row, bad = self.curator.transform_line(self.numbers(**raw))
                self.assertEqual((row, bad["reason"]), (None, reason))
                self.assertTrue(bad["detail"].startswith(detail), bad["detail"])

    def test_a_record_of_the_csv_read_is_curated_as_its_line(self):
        record = {"col0": self.good(), "col1": None, "source_object": "s3://raw/x.gz"}
        self.assertEqual(self.curator.transform_record(record), self.curator.transform_line(self.good()))
        # A valid JSON line cannot hold the separator unescaped; a line that does is kept as written.
        line = '{"timestamp": "2026-12-01T09:30:00Z", "note": "a\x01b"}\x01\x01'
        record = {f"col{i}": p for i, p in enumerate(line.split(transform.LINE_SEPARATOR))}
        record.update({"col4": None, "source_object": "s3://raw/x.gz"})
        row, bad = self.curator.transform_record(record)
        self.assertEqual((row, bad["reason"], bad["record"]), (None, "not_json", line))


class QuarantineReasons(unittest.TestCase):
    """One list of a user format's quarantine reasons: the code raises only those, the docs list exactly those."""

    def test_every_reason_of_the_user_format_path_is_in_the_list_and_each_is_used(self):
        import ast

        with open(transform.__file__, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        start = next(
            n.lineno for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "QUARANTINE_REASONS"
        )
        calls = [
            n for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "RecordError" and n.lineno > start
        ]
        reasons = [ast.literal_eval(c.args[0]) for c in calls]
        self.assertGreater(len(reasons), 10)
        self.assertEqual(sorted(set(reasons)), sorted(transform.QUARANTINE_REASONS))
        self.assertEqual(len(set(transform.QUARANTINE_REASONS)), len(transform.QUARANTINE_REASONS))

    def test_the_docs_list_exactly_these_reasons(self):
        import re

        docs = os.path.join(os.path.dirname(transform.__file__), "..", "..", "..", "docs")
        with open(os.path.join(docs, "etl.md"), encoding="utf-8") as f:
            etl = f.read()
        # docs/etl.md: the rows of the table under "| reason | the line |" (a row may name several).
        table = etl[etl.index("| reason | the line |") :].split("\n\n", 1)[0]
        in_etl = [name for row in table.splitlines()[2:] for name in re.findall(r"`([a-z_]+)`", row.split("|")[1])]
        self.assertEqual(sorted(in_etl), sorted(transform.QUARANTINE_REASONS))
        with open(os.path.join(docs, "sources.md"), encoding="utf-8") as f:
            sources = f.read()
        # docs/sources.md: the parenthesis after "with its reason".
        listed = re.search(r"with its reason \(([^)]*)\)", sources).group(1)
        self.assertEqual(sorted(re.findall(r"`([a-z_]+)`", listed)), sorted(transform.QUARANTINE_REASONS))


class BookmarkContext(unittest.TestCase):
    def test_the_hands_on_at_generation_0_keeps_its_bookmark(self):
        self.assertEqual(transform.shape_digest(None), transform.HANDS_ON_SHAPE)
        self.assertEqual(transform.bookmark_context(None, 0), "raw_app_logs")
        self.assertEqual(transform.bookmark_context(None, 2), "raw_app_logs_g2")

    def test_one_shape_per_format_a_new_bookmark_per_generation(self):
        schema = EXAMPLE["schema"]
        digest = transform.shape_digest(schema)
        self.assertRegex(digest, r"^[0-9a-f]{64}$")
        self.assertEqual(transform.bookmark_context(schema, 1), f"raw_app_logs_{digest[:16]}_g1")
        self.assertEqual(transform.shape_digest(dict(schema, name="renamed", keywordField="path")), digest)
        self.assertEqual(transform.shape_digest(dict(reversed(list(schema.items())))), digest)
        changed = [
            dict(schema, timeFormat="epoch_ms"),
            dict(schema, timeField="other"),
            dict(schema, fields=schema["fields"][:-1]),
            dict(schema, fields=[dict(f, type="string") if f["name"] == "status" else f for f in schema["fields"]]),
            TEXT["schema"],
            None,
        ]
        self.assertEqual(len({transform.shape_digest(s) for s in changed} | {digest}), len(changed) + 1)
        # A shape a stack returns to reads under a bookmark it never used before.
        contexts = {transform.bookmark_context(s, g) for s in (schema, None) for g in range(4)}
        self.assertEqual(len(contexts), 8)


class LineOf(unittest.TestCase):
    def test_columns_in_numeric_order_trailing_nulls_dropped_inner_nulls_empty_and_typed_values_as_text(self):
        record = {"col10": "k", "col2": None, "col0": "a", "col1": 7, "col3": True, "col4": 1.5, "col5": "", "col6": "f",
                  "col7": "g", "col8": "h", "col9": "i", "col11": None, "source_object": "x"}
        self.assertEqual(transform.line_of(record), "\x01".join(["a", "7", "", "true", "1.5", "", "f", "g", "h", "i", "k"]))
        self.assertEqual(transform.line_of({"col0": None, "source_object": "x"}), "")
        self.assertEqual(transform.LINE_FORMAT_OPTIONS, {"separator": "\x01", "quoteChar": "-1", "withHeader": False})


class TextFormat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.curator = curator(TEXT)

    def test_a_matching_line_is_typed(self):
        row = self.curator.curate_line("2026-12-01T18:30:00+0900 WARN 503 upstream timed out \u00e9")
        self.assertEqual(
            row,
            {
                "event_time": utc(2026, 12, 1, 9, 30),
                "ts": utc(2026, 12, 1, 9, 30),
                "level": "WARN",
                "status": 503,
                "msg": "upstream timed out \u00e9",
                "dt": "2026-12-01",
                "hour": "09",
            },
        )

    def test_bad_lines_are_quarantined_with_their_reason(self):
        cases = [
            ("not a log line", "no_match", "the line does not match the format's pattern"),
            ("2026-12-01T18:30:00+0900 WARN 503 ends with a newline\n", "no_match", "the line does not match"),
            ("2026-12-01T18:30:00+0900 WARN 5030 four digits", "no_match", "the line does not match"),
            ("2026-12-01T18:30:00 WARN 503 no offset", "bad_timestamp", 'ts is "2026-12-01T18:30:00"'),
        ]
        for line, reason, detail in cases:
            with self.subTest(line=line):
                row, bad = self.curator.transform_line(line)
                self.assertIsNone(row)
                self.assertEqual((bad["reason"], bad["record"]), (reason, line))
                self.assertTrue(bad["detail"].startswith(detail), bad["detail"])

    def test_a_group_that_takes_no_part_is_null_and_the_time_group_is_required(self):
        schema = {
            "name": "optional", "kind": "text",
            "pattern": r"^(?<ts>[^ ]+)(?: (?<bytes>\d+)| -)?(?: (?<flag>true|false))?$",
            "fields": [{"name": "ts", "type": "timestamp"}, {"name": "bytes", "type": "long"}, {"name": "flag", "type": "boolean"}],
            "timeField": "ts", "timeFormat": "epoch_ms",
        }
        c = transform.EventCurator(transform.parse_event_schema(json.dumps(schema)))
        self.assertEqual(c.curate_line("1796117400000 -")["bytes"], None)
        self.assertEqual(c.curate_line("1796117400000 12 true")["bytes"], 12)
        self.assertIs(c.curate_line("1796117400000 12 true")["flag"], True)
        timeless = dict(schema, pattern=r"^(?:(?<ts>\d+) )?(?<bytes>\d+)(?<flag>x)?$")
        c = transform.EventCurator(transform.parse_event_schema(json.dumps(timeless)))
        row, bad = c.transform_line("12")
        self.assertEqual((bad["reason"], bad["detail"]), ("missing_time", "ts (the time field) is missing"))

    def test_a_256_kb_adversarial_line_runs_in_a_few_milliseconds(self):
        # The example text pattern on CloudWatch Logs' largest event (256 KB of UTF-8), built from the
        # pieces of the config check's linear-time test and an astral character: the slowest line's
        # best of three runs (the machine is shared, so one run can be descheduled).
        pattern = self.curator.pattern
        pieces = [" ", "a", "[", "]", "0", "\t", "-", ":", '"', "A ", "1 ", "a b ", "[x] ", "\\", "é", "😀"]
        size = 256 * 1024
        worst, worst_line = 0.0, None
        for piece in pieces:
            body = piece * (size // len(piece.encode("utf-8")))
            for line in [body, "2026-12-01T00:00:00Z " + body + "\n"]:
                best = min(self._time(pattern, line) for _ in range(3))
                if best > worst:
                    worst, worst_line = best, line[:30]
        print(f"slowest 256 KB line: {worst:.2f} ms ({worst_line!r}...)", file=sys.stderr)
        self.assertLess(worst, 10.0, f"slowest line took {worst:.2f} ms")

    @staticmethod
    def _time(pattern, line):
        start = time.perf_counter()
        pattern.exec(line)
        return (time.perf_counter() - start) * 1000


class JavaScriptPatternsInPython(unittest.TestCase):
    def test_every_group_equals_what_nodejs_captured(self):
        checked = 0
        for case in FACTS["patternParity"]:
            pattern = transform.JsPattern(case["pattern"])
            for capture in case["captures"]:
                with self.subTest(pattern=case["pattern"], line=capture["line"]):
                    self.assertEqual(pattern.exec(capture["line"]), capture["groups"], pattern.python)
                    checked += 1
        self.assertGreaterEqual(checked, 800)
        self.assertGreater(sum(c["groups"] is not None for case in FACTS["patternParity"] for c in case["captures"]), 150)

    def test_the_conversion_of_the_constructs_that_differ(self):
        cases = [
            (r"^(?<a>x)$", r"^(?P<a>x)\Z"),
            (r"(?<a>.)", r"(?P<a>[^\n\r\u2028\u2029])"),
            (r"(?<a>\s)", "(?P<a>[" + transform.JS_SPACE + "])"),
            (r"(?<a>a{,2})", r"(?P<a>a\{\,2\})"),
            (r"(?<a>[^])", r"(?P<a>(?s:.))"),
            (r"(?<a>\e)", r"(?P<a>e)"),
        ]
        for js, python in cases:
            with self.subTest(js=js):
                self.assertEqual(transform.js_pattern_to_python(js), python)

    def test_a_backreference_stops_the_job_with_a_sentence(self):
        for pattern in [r"(?<a>x)\1", r"(?<a>x)\k<a>"]:
            with self.subTest(pattern=pattern):
                with self.assertRaises(SchemaError) as ctx:
                    transform.JsPattern(pattern)
                self.assertIn("backreference", str(ctx.exception))


class SchemaArgument(unittest.TestCase):
    def test_a_broken_argument_stops_the_job_with_one_sentence(self):
        base = EXAMPLE["schema"]
        cases = [
            ("{", "is not JSON"),
            ("[]", "is not a JSON object"),
            (json.dumps(dict(base, kind="xml")), "has kind 'xml'"),
            (json.dumps(dict(base, fields=[])), "declares no fields"),
            (json.dumps(dict(base, fields=base["fields"] + [{"name": "status", "type": "long"}])), "declares the field 'status' twice"),
            (json.dumps(dict(base, fields=base["fields"] + [{"name": "attributes", "type": "string"}])), "a name the lake reserves"),
            (json.dumps(dict(base, fields=base["fields"] + [{"name": "x", "type": "int"}])), "that is not {name, type}"),
            (json.dumps(dict(base, timeField="method")), "which is no declared timestamp field"),
            (json.dumps(dict(base, pattern="(?<timestamp>.*)")), "is a json format with a pattern"),
            (json.dumps(dict(TEXT["schema"], pattern=r"^(?<ts>\S+)$")), "named groups ['ts'] are not the fields"),
        ]
        for text, words in cases:
            with self.subTest(text=text[:60]):
                with self.assertRaises(SchemaError) as ctx:
                    transform.parse_event_schema(text)
                message = str(ctx.exception)
                self.assertIn(words, message)
                self.assertTrue(message.startswith("--event_schema ") and message.endswith("deploy again"), message)
                self.assertNotIn("\n", message)


if __name__ == "__main__":
    unittest.main()
