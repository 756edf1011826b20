"""Pure transformation of raw application-log records into curated rows (standard library only).

The Glue job (``app_logs_to_parquet.py``) applies :func:`transform_record` to every raw record;
this module knows nothing about Spark or Glue, so it is unit-tested with ``python3 -m unittest``.

Raw records are the hands-on parser's fields as the agent ships them (JSON, one object a line):
``timestamp`` ("2019-06-20 21:34:56+0900"), ``alarmlevel``, ``host``, ``user``, ``number``
(an integer) and ``text``. Every field is kept; the parsed event time is added as ``event_time``
(UTC), and the partition values ``dt``/``hour`` are derived from it.

Partitions come from the event time in UTC, not JST and not the arrival time: a UTC day is the
lake's common calendar (Firehose writes the raw prefix in UTC as well), so ``dt=2019-06-20/hour=12``
means the same hour in every table, and a late record still lands in the hour it happened.

A stack with its own format (``datalake:format``, the job's ``--event_schema``) is curated by the
second half of this module, from :func:`parse_event_schema` on: one raw line at a time
(:class:`EventCurator`), with the same partitions and the same quarantine row shape.
"""

import decimal
import hashlib
import json
import math
import re
from datetime import datetime, timedelta, timezone

#: Fields of a raw record, in the hands-on parser's order.
RAW_FIELDS = ("timestamp", "alarmlevel", "host", "user", "number", "text")
#: Fields that must be present and non-empty for a record to be curated.
REQUIRED_FIELDS = ("timestamp", "alarmlevel", "host", "user", "number")
#: Levels the generator writes (components/shared/logformat.ts LOG_LEVELS).
LOG_LEVELS = ("INFO", "WARNING", "ERROR", "CRITICAL")
#: strftime format of ``timestamp`` (components/shared/logformat.ts LOG_TIME_FORMAT).
LOG_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%z"
#: Partition keys, in folder order (components/shared/lake.ts PARTITION_KEYS).
PARTITION_KEYS = ("dt", "hour")
#: strftime format of the ``dt`` partition value (Athena projection format yyyy-MM-dd).
DT_FORMAT = "%Y-%m-%d"
#: Columns of a curated row, in table order (components/shared/lake.ts CURATED_COLUMNS), then the partition keys.
CURATED_FIELDS = ("event_time",) + RAW_FIELDS
#: Hive/Glue type of every curated column (components/shared/lake.ts CURATED_COLUMNS). The Python
#: side cannot import TypeScript, so test/components/etl/python.test.ts hands these tests the TS
#: facts as JSON (tools/etl/lakeFacts.ts) and fails when the two differ.
CURATED_COLUMN_TYPES = {
    "event_time": "timestamp",
    "timestamp": "string",
    "alarmlevel": "string",
    "host": "string",
    "user": "string",
    "number": "int",
    "text": "string",
}
#: Hive/Glue type of the partition keys in the catalog (components/shared/lake.ts RAW_PARTITION_LEVELS).
#: The job writes them as folder names (``hour=07``); Athena reads ``hour`` back as an int.
PARTITION_KEY_TYPES = {"dt": "string", "hour": "int"}
#: Range of the ``number`` column (a Hive/Athena ``int``).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# The exact written form: no ``T``, a numeric offset without a colon. strptime alone would also
# accept single-digit fields and "Z"; the regex keeps the accepted form exactly the generator's.
_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{4}$")


class RecordError(ValueError):
    """A raw record that cannot be curated; ``reason`` is a stable, machine-readable code."""

    def __init__(self, reason, detail):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def parse_event_time(value):
    """Parses ``2019-06-20 21:34:56+0900`` into an aware UTC datetime; raises RecordError."""
    if not isinstance(value, str):
        raise RecordError("bad_timestamp", f"timestamp is {type(value).__name__}, not a string")
    if not _TIMESTAMP_RE.match(value):
        raise RecordError("bad_timestamp", f"timestamp {value!r} is not in the form YYYY-MM-DD HH:MM:SS+HHMM")
    try:
        parsed = datetime.strptime(value, LOG_TIME_FORMAT)
    except ValueError as err:
        raise RecordError("bad_timestamp", f"timestamp {value!r} is not a valid time ({err})") from None
    return parsed.astimezone(timezone.utc)


def partition_values(event_time):
    """The ``dt`` and ``hour`` partition values of an aware datetime, taken in UTC."""
    utc = event_time.astimezone(timezone.utc)
    return {"dt": utc.strftime(DT_FORMAT), "hour": f"{utc.hour:02d}"}


def partition_path(event_time):
    """The Hive-style folder a row is written to, e.g. ``dt=2019-06-20/hour=12/``."""
    values = partition_values(event_time)
    return "".join(f"{key}={values[key]}/" for key in PARTITION_KEYS)


def parse_number(value):
    """The ``number`` field as an int (the agent types it; older lines may carry a digit string)."""
    if isinstance(value, bool):
        raise RecordError("bad_number", f"number is a boolean ({value!r})")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        number = int(value.strip())
    else:
        raise RecordError("bad_number", f"number {value!r} is not an integer")
    if not INT_MIN <= number <= INT_MAX:
        raise RecordError("bad_number", f"number {number} is outside the int range")
    return number


def curate(record):
    """The curated row of one raw record (a dict); raises RecordError with the reason."""
    if not isinstance(record, dict):
        raise RecordError("not_an_object", f"record is {type(record).__name__}, not a JSON object")
    missing = [f for f in REQUIRED_FIELDS if record.get(f) is None or record.get(f) == ""]
    if missing:
        raise RecordError("missing_field", "missing " + ", ".join(missing))
    level = record["alarmlevel"]
    if level not in LOG_LEVELS:
        raise RecordError("bad_alarmlevel", f"alarmlevel {level!r} is not one of {', '.join(LOG_LEVELS)}")
    event_time = parse_event_time(record["timestamp"])
    text = record.get("text")
    row = {
        "event_time": event_time,
        "timestamp": record["timestamp"],
        "alarmlevel": level,
        "host": str(record["host"]),
        "user": str(record["user"]),
        "number": parse_number(record["number"]),
        "text": None if text is None else str(text),
    }
    row.update(partition_values(event_time))
    return row


def quarantine_row(record, error):
    """What is written to the quarantine prefix for a record that cannot be curated."""
    try:
        original = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        original = repr(record)
    return {"reason": error.reason, "detail": error.detail, "record": original}


def transform_record(record):
    """``(curated_row, None)`` or ``(None, quarantine_row)``: every record ends up in exactly one."""
    try:
        return curate(record), None
    except RecordError as err:
        return None, quarantine_row(record, err)


def transform_all(records):
    """Splits records into curated and quarantined rows (the job's per-partition function)."""
    curated, quarantined = [], []
    for record in records:
        row, bad = transform_record(record)
        if row is not None:
            curated.append(row)
        else:
            quarantined.append(bad)
    return curated, quarantined


# ------------------------------------------------------------------------------------------------
# A user's format (``datalake:format``): the job's ``--event_schema`` argument, one raw line per
# event. Everything above is the hands-on format's and stays as it is; everything below serves any
# other format. The TypeScript side (components/shared/schema.ts) defines the schema, its checks
# and the curated table's columns; the Python tests compare these constants with its facts.
# ------------------------------------------------------------------------------------------------

#: Every reason a user format's line is quarantined with (``RecordError.reason`` below this line;
#: docs/etl.md and docs/sources.md list exactly these, and the tests hold both to it).
QUARANTINE_REASONS = (
    "not_json",
    "not_an_object",
    "no_match",
    "missing_time",
    "bad_timestamp",
    "bad_long",
    "bad_double",
    "bad_boolean",
    "bad_string",
)
#: The types a field may declare, and the Glue/Hive type of its curated column (schema.ts glueType).
FIELD_GLUE_TYPES = {"string": "string", "long": "bigint", "double": "double", "boolean": "boolean", "timestamp": "timestamp"}
#: The curated event time in UTC, first column of every format's curated table.
EVENT_TIME_COLUMN = "event_time"
#: A JSON format's undeclared keys, the last column of its curated table (schema.ts curatedColumnsFor).
ATTRIBUTES_COLUMN = "attributes"
ATTRIBUTES_TYPE = "map<string,string>"
#: Field names a format may not use: the partition keys, the event time, the attributes (schema.ts RESERVED_FIELD_NAMES).
RESERVED_FIELD_NAMES = PARTITION_KEYS + (EVENT_TIME_COLUMN, ATTRIBUTES_COLUMN)
#: Time formats that are not strftime patterns (schema.ts TIME_FORMAT_KEYWORDS).
TIME_FORMAT_KEYWORDS = ("iso8601", "epoch_ms")
#: The strftime directives a time pattern may use (schema.ts STRFTIME_TO_JAVA), as the regular
#: expression of the digits each reads. ``%z`` is the offset as ``+0900``, ``+09:00`` or ``Z``.
STRFTIME_DIRECTIVES = {
    "%Y": "[0-9]{4}",
    "%m": "[0-9]{2}",
    "%d": "[0-9]{2}",
    "%H": "[0-9]{2}",
    "%M": "[0-9]{2}",
    "%S": "[0-9]{2}",
    "%L": "[0-9]{3}",
    "%z": "Z|[+-][0-9]{2}:?[0-9]{2}",
}
#: Range of a ``long`` (a Glue/Athena ``bigint``).
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1

#: How the job reads raw lines for a user's format. Glue's readers with job bookmarks are format
#: readers (csv, json, ...), none of them "text"; its CSV reader with quoting off
#: (``quoteChar`` ``-1``), no escaper (its default) and no header splits a line at the separator and
#: nothing else ("Using the CSV format in AWS Glue": Job bookmarks: Supported; CSV configuration
#: reference, https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-csv-home.html).
#: The separator is Ctrl-A, which a JSON line cannot hold unescaped and a log line hardly ever
#: holds; where one does, the line is split into col0, col1, ... and :func:`line_of` joins the
#: pieces back with the same character, so every line is read exactly as written.
LINE_SEPARATOR = "\x01"
LINE_FORMAT_OPTIONS = {"separator": LINE_SEPARATOR, "quoteChar": "-1", "withHeader": False}

_COLUMN_RE = re.compile(r"col([0-9]+)")


class SchemaError(ValueError):
    """``--event_schema`` is not a format this job can curate; the message says what and how to fix it."""


def _schema_problem(message):
    raise SchemaError(f"--event_schema {message}; set datalake:format as docs/sources.md describes and deploy again")


def parse_event_schema(text):
    """The format of ``--event_schema`` (compact JSON of schema.ts EventSchema), checked; raises SchemaError."""
    try:
        schema = json.loads(text)
    except ValueError as err:
        _schema_problem(f"is not JSON ({err})")
    if not isinstance(schema, dict):
        _schema_problem("is not a JSON object")
    if schema.get("kind") not in ("json", "text"):
        _schema_problem(f"has kind {schema.get('kind')!r}, not json or text")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        _schema_problem("declares no fields")
    names = []
    for f in fields:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or f.get("type") not in FIELD_GLUE_TYPES:
            _schema_problem(f"has a field {f!r} that is not {{name, type}} with a type of {', '.join(FIELD_GLUE_TYPES)}")
        if f["name"] in names or f["name"] in RESERVED_FIELD_NAMES:
            _schema_problem(f"declares the field {f['name']!r} twice or uses a name the lake reserves")
        names.append(f["name"])
    time_field = schema.get("timeField")
    if not any(f["name"] == time_field and f["type"] == "timestamp" for f in fields):
        _schema_problem(f"has timeField {time_field!r}, which is no declared timestamp field")
    time_format = schema.get("timeFormat")
    if not isinstance(time_format, str):
        _schema_problem("has no timeFormat")
    time_parser(time_format)
    if schema["kind"] == "text":
        if not isinstance(schema.get("pattern"), str):
            _schema_problem("is a text format without a pattern")
        groups = JsPattern(schema["pattern"]).group_names
        if sorted(groups) != sorted(names):
            _schema_problem(f"has a pattern whose named groups {groups} are not the fields {names}")
    elif "pattern" in schema:
        _schema_problem("is a json format with a pattern")
    return schema


#: The hands-on read's ``transformation_ctx`` at generation 0 (every stack's first); a user format's
#: read adds its shape, and a later generation its number (:func:`bookmark_context`).
HANDS_ON_BOOKMARK_CONTEXT = "raw_app_logs"
#: The hands-on's curated shape in the shape state (ledger.SHAPE_STATE); a stack without one has
#: curated this shape at generation 0.
HANDS_ON_SHAPE = "hands-on"


def shape_digest(schema):
    """The curated shape of a format (``None``: the hands-on's): what its rows are (kind, pattern,
    fields, time). A new name or keyword field changes no row and keeps the shape."""
    if schema is None:
        return HANDS_ON_SHAPE
    shape = {key: schema.get(key) for key in ("kind", "pattern", "fields", "timeField", "timeFormat")}
    return hashlib.sha256(json.dumps(shape, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def bookmark_context(schema, generation):
    """The ``transformation_ctx`` of the raw read of a format (``None``: the hands-on's) at a
    generation of the curated shape (ledger.shape_switch).

    Glue keeps a source's bookmark under its ``transformation_ctx`` and warns that changing the
    source while keeping the key "may make the previous bookmark invalid" ("Tracking processed data
    using job bookmarks", https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html).
    Every shape switch starts a new generation, so its bookmark is one never used before: the run
    reads the whole raw zone again, even when a stack returns to a shape it had earlier (whose old
    bookmark would not offer again the objects whose rows the switch moved aside). The hands-on at
    generation 0 keeps the name it always had.
    """
    base = HANDS_ON_BOOKMARK_CONTEXT if schema is None else f"{HANDS_ON_BOOKMARK_CONTEXT}_{shape_digest(schema)[:16]}"
    return base if generation == 0 else f"{base}_g{generation}"


def curated_columns(schema):
    """``[(name, glue type)]`` of the curated table: the event time, the declared fields, and for a
    JSON format the map of undeclared keys (schema.ts curatedColumnsFor, compared by the tests)."""
    columns = [(EVENT_TIME_COLUMN, "timestamp")] + [(f["name"], FIELD_GLUE_TYPES[f["type"]]) for f in schema["fields"]]
    if schema["kind"] == "json":
        columns.append((ATTRIBUTES_COLUMN, ATTRIBUTES_TYPE))
    return columns


def line_of(record):
    """The raw line of a record of the CSV reader (:data:`LINE_FORMAT_OPTIONS`): its columns
    ``col0``, ``col1``, ... joined with the separator they were split at. A column the reader left
    out or null at the end of a line is not part of it; a value the reader typed is turned back into
    its text."""
    values = [v for _, v in sorted((int(m.group(1)), v) for k, v in record.items() for m in [_COLUMN_RE.fullmatch(k)] if m)]
    while values and values[-1] is None:
        values.pop()
    return LINE_SEPARATOR.join("" if v is None else v if isinstance(v, str) else _text_of_scalar(v) for v in values)


def _text_of_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return str(value)


# -- JavaScript patterns in Python ----------------------------------------------------------------
#
# A text format's pattern is a JavaScript regular expression (the forwarder runs it in Node.js, the
# config check compiles it there); the job runs it with Python's ``re``. The two dialects agree on
# most syntax and differ in meaning in a few places, which the conversion below makes exact:
#
# - named groups ``(?<name>...)`` are ``(?P<name>...)`` in Python;
# - JavaScript's ``\d``, ``\w``, ``\b`` are ASCII: the pattern is compiled with ``re.ASCII``;
# - JavaScript's ``\s`` is Unicode white space plus U+FEFF, a set neither of Python's ``\s`` has,
#   so it is spelled out (:data:`JS_SPACE`), and ``\S`` as its complement;
# - ``.`` excludes the four JavaScript line terminators, not only ``\n``;
# - ``$`` (no multiline flag) is the end of the input only, which is Python's ``\Z`` (Python's ``$``
#   also matches before a final newline);
# - Annex B forms: ``{`` that starts no quantifier, ``\c`` without a letter, identity escapes of
#   letters (``\e`` is ``e``), legacy octal escapes, ``[]`` (matches nothing) and ``[^]`` (anything);
# - a pattern without the ``u`` flag sees a line as UTF-16 code units, so a character outside the
#   Basic Multilingual Plane is two units: the line (and the pattern) are matched in that form and
#   the groups turned back into text (:class:`JsPattern`).
#
# ``exec`` without the global flag searches from the start: Python's ``search``. The tests run
# Node.js and Python on the same patterns and lines and compare every group.

#: JavaScript's ``\s`` (WhiteSpace and LineTerminator of ECMA-262), as the inside of a Python class.
JS_SPACE = r"\t\n\x0b\x0c\r\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
#: JavaScript's ``.`` without the ``s`` flag.
JS_DOT = r"[^\n\r\u2028\u2029]"

_QUANTIFIER_RE = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
_GROUP_NAME_RE = re.compile(r"\(\?<([A-Za-z_$][A-Za-z0-9_$]*)>")
_HEX = "0123456789abcdefABCDEF"


class _Utf16Units(dict):
    """``str.translate`` table: a character outside the BMP to its two surrogates, any other to
    itself, filled on first use (bounded: the table is emptied when it holds many characters)."""

    def __missing__(self, code):
        if len(self) > 200_000:
            self.clear()
        v = code - 0x10000
        self[code] = code if v < 0 else chr(0xD800 + (v >> 10)) + chr(0xDC00 + (v & 0x3FF))
        return self[code]


_UTF16_UNITS = _Utf16Units()


def _utf16_units(text):
    """``text`` with every character outside the BMP as its two UTF-16 surrogates (JavaScript's view)."""
    # Both checks run in C at memory speed; the translation only runs on a line that needs it.
    if text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return text
    return text.translate(_UTF16_UNITS)


def _from_utf16_units(text):
    """Surrogate pairs back into characters; a lone surrogate (half a character) becomes U+FFFD,
    as when JavaScript writes such a string as UTF-8."""
    if text is None:
        return None
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _literal(ch):
    """One character as a Python pattern literal (inside or outside a class)."""
    if ch.isascii():
        return ch if ch.isalnum() else "\\" + ch
    if ord(ch) < 0x10000 and (0xD800 <= ord(ch) <= 0xDFFF or not ch.isprintable()):
        return f"\\u{ord(ch):04x}"
    return ch


def _legacy_octal(p, j):
    """Annex B's legacy octal escape at ``p[j]`` (an octal digit): its character and the next index."""
    digits = p[j]
    limit = 3 if p[j] in "0123" else 2
    while len(digits) < limit and j + len(digits) < len(p) and p[j + len(digits)] in "01234567":
        digits += p[j + len(digits)]
    return chr(int(digits, 8)), j + len(digits)


class _Converter:
    """One pass over a JavaScript pattern (already in UTF-16 units), writing the Python pattern."""

    def __init__(self, pattern):
        self.p = pattern
        self.named = bool(_GROUP_NAME_RE.search(pattern))
        self.groups = self._count_groups()

    def _count_groups(self):
        count, in_class, i = 0, False, 0
        while i < len(self.p):
            c = self.p[i]
            if c == "\\":
                i += 2
                continue
            if in_class:
                in_class = c != "]"
            elif c == "[":
                in_class = True
            elif c == "(" and (not self.p.startswith("(?", i) or _GROUP_NAME_RE.match(self.p, i)):
                count += 1
            i += 1
        return count

    def unsupported(self, what):
        raise SchemaError(
            f"--event_schema has a pattern with {what}, which JavaScript's check of datalake:format refuses as well; "
            "fix the pattern and deploy again"
        )

    def convert(self):
        p, out, i = self.p, [], 0
        while i < len(p):
            c = p[i]
            if c == "\\":
                piece, i = self._escape(i)
            elif c == "[":
                piece, i = self._class(i)
            elif c == ".":
                piece, i = JS_DOT, i + 1
            elif c == "$":
                piece, i = r"\Z", i + 1
            elif c == "(":
                named = _GROUP_NAME_RE.match(p, i)
                if named:
                    piece, i = f"(?P<{named.group(1)}>", named.end()
                    if "$" in named.group(1):
                        self.unsupported(f"the group name {named.group(1)!r}")
                else:
                    prefix = next((x for x in ("(?:", "(?=", "(?!", "(?<=", "(?<!") if p.startswith(x, i)), "(")
                    piece, i = prefix, i + len(prefix)
            elif c == "{":
                quantifier = _QUANTIFIER_RE.match(p, i)
                piece, i = (quantifier.group(), quantifier.end()) if quantifier else ("\\{", i + 1)
            elif c in "^)|*+?":
                piece, i = c, i + 1
            else:
                piece, i = _literal(c), i + 1
            out.append(piece)
        return "".join(out)

    def _escape(self, i):
        """An escape outside a class: the Python text and the next index."""
        p = self.p
        if i + 1 >= len(p):
            self.unsupported("a \\ at its end")
        d = p[i + 1]
        if d in "dDwWbBtnvfr":
            return "\\" + d, i + 2
        if d == "s":
            return f"[{JS_SPACE}]", i + 2
        if d == "S":
            return f"[^{JS_SPACE}]", i + 2
        if d.isdigit():
            if d != "0":
                end = i + 1
                while end < len(p) and p[end].isdigit():
                    end += 1
                if int(p[i + 1 : end]) <= self.groups:
                    self.unsupported(f"the backreference {p[i:end]}")
                if d in "89":
                    return d, i + 2
            if d == "0" and not (i + 2 < len(p) and p[i + 2].isdigit()):
                return "\\x00", i + 2
            ch, j = _legacy_octal(p, i + 1)
            return _literal(ch), j
        if d in "xu":
            size = 2 if d == "x" else 4
            digits = p[i + 2 : i + 2 + size]
            if len(digits) == size and all(h in _HEX for h in digits):
                return _literal(chr(int(digits, 16))), i + 2 + size
            return d, i + 2
        if d == "c":
            if i + 2 < len(p) and p[i + 2].isascii() and p[i + 2].isalpha():
                return _literal(chr(ord(p[i + 2]) % 32)), i + 3
            return "\\\\", i + 1
        if d == "k" and self.named:
            self.unsupported("the backreference \\k")
        return _literal(d), i + 2

    def _class_atom(self, i):
        """One atom of a class at ``p[i]``: ``("char", c)`` or ``("set", python_text)`` or
        ``("nonspace", None)``, and the next index."""
        p = self.p
        if p[i] != "\\":
            return ("char", p[i]), i + 1
        if i + 1 >= len(p):
            self.unsupported("a \\ at its end")
        d = p[i + 1]
        if d in "dDwW":
            return ("set", "\\" + d), i + 2
        if d == "s":
            return ("set", JS_SPACE), i + 2
        if d == "S":
            return ("nonspace", None), i + 2
        if d == "b":
            return ("char", "\x08"), i + 2
        simple = {"t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c", "r": "\r", "-": "-"}
        if d in simple:
            return ("char", simple[d]), i + 2
        if d in "01234567":
            if d == "0" and not (i + 2 < len(p) and p[i + 2].isdigit()):
                return ("char", "\x00"), i + 2
            ch, j = _legacy_octal(p, i + 1)
            return ("char", ch), j
        if d in "xu":
            size = 2 if d == "x" else 4
            digits = p[i + 2 : i + 2 + size]
            if len(digits) == size and all(h in _HEX for h in digits):
                return ("char", chr(int(digits, 16))), i + 2 + size
            return ("char", d), i + 2
        if d == "c":
            if i + 2 < len(p) and p[i + 2].isascii() and (p[i + 2].isalnum() or p[i + 2] == "_"):
                return ("char", chr(ord(p[i + 2]) % 32)), i + 3
            return ("char", "\\"), i + 1
        if d == "k" and self.named:
            self.unsupported("\\k in a character class")
        return ("char", d), i + 2

    def _class(self, i):
        """A character class ``[...]`` at ``p[i]``: the Python text and the next index."""
        p = self.p
        i += 1
        negated = i < len(p) and p[i] == "^"
        if negated:
            i += 1
        items, nonspace = [], False
        while True:
            if i >= len(p):
                self.unsupported("an unterminated character class")
            if p[i] == "]":
                i += 1
                break
            (kind, value), i = self._class_atom(i)
            if kind == "char" and i + 1 < len(p) and p[i] == "-" and p[i + 1] != "]":
                (kind2, value2), j = self._class_atom(i + 1)
                if kind2 == "char":
                    if ord(value2) < ord(value):
                        self.unsupported("a character range out of order")
                    items.append(f"{_literal(value)}-{_literal(value2)}")
                    i = j
                    continue
            if kind == "char":
                items.append(_literal(value))
            elif kind == "set":
                items.append(value)
            else:
                nonspace = True
        base = "".join(items)
        if not nonspace:
            if not base:
                return ("(?s:.)" if negated else "(?!)"), i
            return f"[{'^' if negated else ''}{base}]", i
        if negated:
            return (f"(?:(?![{base}])[{JS_SPACE}])" if base else f"[{JS_SPACE}]"), i
        return (f"(?:[{base}]|[^{JS_SPACE}])" if base else f"[^{JS_SPACE}]"), i


def js_pattern_to_python(pattern):
    """The Python ``re`` pattern (for ``re.ASCII``) that matches what a JavaScript RegExp without flags matches,
    on text in UTF-16 units (:func:`_utf16_units`)."""
    return _Converter(_utf16_units(pattern)).convert()


class JsPattern:
    """A JavaScript pattern run as JavaScript's ``RegExp.prototype.exec`` runs it (no flags)."""

    def __init__(self, pattern):
        self.source = pattern
        self.python = js_pattern_to_python(pattern)
        try:
            self.regex = re.compile(self.python, re.ASCII)
        except (re.error, OverflowError, RecursionError) as err:
            raise SchemaError(
                f"--event_schema has a pattern the job cannot run in Python ({err}); rewrite the construct that error names "
                "(a look-behind of varying length, a repeat count above 4294967295, a very deep nesting) and deploy again"
            ) from None
        self.group_names = list(self.regex.groupindex)

    def exec(self, line):
        """The named groups of the first match in ``line`` (``None`` for a group that took no part),
        or ``None`` when there is no match."""
        units = _utf16_units(line)
        match = self.regex.search(units)
        if match is None:
            return None
        if units is line:
            return match.groupdict()
        return {name: _from_utf16_units(value) for name, value in match.groupdict().items()}


# -- Casts ------------------------------------------------------------------------------------------

_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ISO8601_RE = re.compile(
    r"(?P<Y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})T(?P<H>[0-9]{2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2})"
    r"(?:\.(?P<f>[0-9]{1,9}))?(?P<z>Z|[+-][0-9]{2}:?[0-9]{2})"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class JsonNumber:
    """A number of a JSON line as written (``1.10``, ``1E3``, ``12345678901234567.0``): the parser
    hands every number over as its text, so no digit is lost to a float before a field's type
    decides what the number is (:func:`to_long`, :func:`to_double`, :func:`to_string`)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, JsonNumber) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    def __repr__(self):
        return f"JsonNumber({self.text!r})"


def parse_json_line(line):
    """A JSON line with its numbers as :class:`JsonNumber` (``NaN`` and ``Infinity`` are not JSON)."""
    return json.loads(line, parse_float=JsonNumber, parse_int=JsonNumber, parse_constant=_reject_constant)


def compact_json(value):
    """The compact JSON text of a parsed value, its numbers as written."""
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, list):
        return "[" + ",".join(compact_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + compact_json(v) for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _show(value):
    """A value for a quarantine detail, cut short (a line may be 256 KB)."""
    text = compact_json(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _kind(value):
    return {dict: "an object", list: "an array", bool: "a boolean", str: "a string", type(None): "null"}.get(
        type(value), "a number"
    )


def _integral(number):
    """The int an exact decimal stands for, or None when it has a fraction; beyond any long when its
    magnitude is (without computing an int of thousands of digits)."""
    if not number.is_finite():
        return None
    if number.adjusted() > 19:
        return LONG_MAX + 1 if number > 0 else LONG_MIN - 1
    whole = int(number)
    return whole if decimal.Decimal(whole) == number else None


def _integer(value):
    """The int a long, epoch_ms or integral text stands for, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, JsonNumber):
        return _integral(decimal.Decimal(value.text))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and _INTEGER_RE.fullmatch(value):
        digits = value.lstrip("+-").lstrip("0") or "0"
        # More than 19 digits is outside any long (and Python refuses int() of thousands of digits).
        if len(digits) > 19:
            return LONG_MAX + 1
        return -int(digits) if value.startswith("-") else int(digits)
    return None


def to_long(name, value):
    """A JSON integer (or a number without a fraction) or an integer's text, within a long."""
    number = _integer(value)
    if number is None:
        raise RecordError("bad_long", f"{name} is {_show(value)}, not an integer")
    if not LONG_MIN <= number <= LONG_MAX:
        raise RecordError("bad_long", f"{name} is {_show(value)}, outside the range of a long")
    return number


def to_double(name, value):
    """A JSON number or a decimal number's text, finite."""
    number = None
    if isinstance(value, JsonNumber):
        number = float(value.text)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    elif isinstance(value, str) and _DECIMAL_RE.fullmatch(value):
        number = float(value)
    if number is None:
        raise RecordError("bad_double", f"{name} is {_show(value)}, not a number")
    if not math.isfinite(number):
        raise RecordError("bad_double", f"{name} is {_show(value)}, outside the range of a double")
    return number


def to_boolean(name, value):
    """``true``/``false``, as JSON booleans or as that text."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise RecordError("bad_boolean", f"{name} is {_show(value)}, not true or false")


def to_string(name, value):
    """Text as it is; a number or a boolean as its JSON text."""
    if isinstance(value, str):
        return value
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, (bool, int, float)):
        return _text_of_scalar(value)
    raise RecordError("bad_string", f"{name} is {_kind(value)}, not text")


def _offset(text):
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {text} is out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _from_parts(parts, microsecond):
    local = datetime(
        int(parts["Y"]), int(parts["m"]), int(parts["d"]), int(parts["H"]), int(parts["M"]), int(parts["S"]),
        microsecond, tzinfo=_offset(parts["z"]),
    )
    return local.astimezone(timezone.utc)


def time_parser(time_format):
    """The function ``(name, value) -> aware UTC datetime`` of a time format; raises SchemaError for
    a format the job does not know."""
    if time_format == "iso8601":

        def parse_iso(name, value):
            match = _ISO8601_RE.fullmatch(value) if isinstance(value, str) else None
            if match is None:
                raise RecordError(
                    "bad_timestamp",
                    f"{name} is {_show(value)}, not ISO 8601 with an offset (2026-12-01T09:30:00Z, 2026-12-01T18:30:00.250+09:00)",
                )
            fraction = (match["f"] or "")[:6].ljust(6, "0")
            try:
                return _from_parts(match.groupdict(), int(fraction))
            except (ValueError, OverflowError) as err:
                raise RecordError("bad_timestamp", f"{name} is {_show(value)}, not a valid time ({err})") from None

        return parse_iso
    if time_format == "epoch_ms":

        def parse_epoch(name, value):
            ms = _integer(value)
            if ms is None:
                raise RecordError("bad_timestamp", f"{name} is {_show(value)}, not epoch milliseconds")
            try:
                return _EPOCH + timedelta(milliseconds=ms)
            except OverflowError:
                raise RecordError("bad_timestamp", f"{name} is {_show(value)}, outside the years 1 to 9999") from None

        return parse_epoch
    regex, seen, i = "", set(), 0
    while i < len(time_format):
        if time_format[i] == "%":
            directive = time_format[i : i + 2]
            if directive not in STRFTIME_DIRECTIVES:
                raise SchemaError(
                    f"--event_schema has timeFormat {time_format!r} with the directive {directive!r}, which the job does not know; "
                    f"use {' '.join(STRFTIME_DIRECTIVES)}, iso8601 or epoch_ms"
                )
            key = directive[1]
            regex += f"(?P={key})" if key in seen else f"(?P<{key}>{STRFTIME_DIRECTIVES[directive]})"
            seen.add(key)
            i += 2
        else:
            regex += re.escape(time_format[i])
            i += 1
    missing = [d for d in ("%Y", "%m", "%d", "%H", "%M", "%S", "%z") if d[1] not in seen]
    if missing:
        raise SchemaError(f"--event_schema has timeFormat {time_format!r} without {', '.join(missing)}; the job cannot place its events in UTC")
    compiled = re.compile(regex)

    def parse_strftime(name, value):
        match = compiled.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise RecordError("bad_timestamp", f"{name} is {_show(value)}, not in the form {time_format}")
        try:
            return _from_parts(match.groupdict(), int(match.groupdict().get("L") or 0) * 1000)
        except (ValueError, OverflowError) as err:
            raise RecordError("bad_timestamp", f"{name} is {_show(value)}, not a valid time ({err})") from None

    return parse_strftime


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


class EventCurator:
    """Curates the raw lines of one format: the job's per-line function for ``--event_schema``."""

    def __init__(self, schema):
        self.schema = schema
        self.kind = schema["kind"]
        self.fields = [(f["name"], f["type"]) for f in schema["fields"]]
        self.declared = {name for name, _ in self.fields}
        self.time_field = schema["timeField"]
        self.parse_time = time_parser(schema["timeFormat"])
        self.pattern = JsPattern(schema["pattern"]) if self.kind == "text" else None
        self.columns = curated_columns(schema)
        self._casts = {
            "string": to_string,
            "long": to_long,
            "double": to_double,
            "boolean": to_boolean,
            "timestamp": self.parse_time,
        }

    def values_of(self, line):
        """The line's values by field name (and for JSON the whole object); raises RecordError."""
        if self.kind == "text":
            groups = self.pattern.exec(line)
            if groups is None:
                raise RecordError("no_match", f"the line does not match the format's pattern {_show(self.pattern.source)}")
            return groups
        try:
            value = parse_json_line(line)
        except ValueError as err:
            raise RecordError("not_json", f"the line is not JSON ({err})") from None
        except RecursionError:
            raise RecordError("not_json", "the line nests JSON deeper than the job reads") from None
        if not isinstance(value, dict):
            raise RecordError("not_an_object", f"the line is {_kind(value)}, not a JSON object")
        return value

    def curate_line(self, line):
        """The curated row of one raw line; raises RecordError with the reason."""
        values = self.values_of(line)
        if values.get(self.time_field) is None:
            state = "null" if self.kind == "json" and self.time_field in values else "missing"
            raise RecordError("missing_time", f"{self.time_field} (the time field) is {state}")
        row = {}
        for name, kind in self.fields:
            value = values.get(name)
            row[name] = None if value is None else self._casts[kind](name, value)
        row[EVENT_TIME_COLUMN] = row[self.time_field]
        if self.kind == "json":
            try:
                row[ATTRIBUTES_COLUMN] = {
                    key: value if isinstance(value, str) else compact_json(value)
                    for key, value in values.items()
                    if key not in self.declared
                }
            except RecursionError:
                raise RecordError("not_json", "the line nests JSON deeper than the job reads") from None
        row.update(partition_values(row[EVENT_TIME_COLUMN]))
        return row

    def transform_line(self, line):
        """``(curated_row, None)`` or ``(None, quarantine_row)`` for one raw line (kept as written)."""
        try:
            return self.curate_line(line), None
        except RecordError as err:
            return None, {"reason": err.reason, "detail": err.detail, "record": line}

    def transform_record(self, record):
        """:meth:`transform_line` of a record of the job's CSV read (see :func:`line_of`)."""
        return self.transform_line(line_of(record))
