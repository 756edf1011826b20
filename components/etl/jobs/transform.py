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
"""

import json
import re
from datetime import datetime, timezone

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
