"""Which curated files a run may leave, and which it must retract (standard library only).

Why this exists (issue 12): the job publishes Parquet into the curated table and only then commits
its job bookmark. A run that fails between the two leaves its rows in the table, and its input
objects are offered again by the bookmark to the next run, which would write the same rows twice.

The rule: before a run publishes anything it writes a *manifest* (``<curated>/_runs/<run>.json``)
naming its input objects and the exact files it will publish. The next run compares its own input
objects (what the bookmark offers it) with every manifest:

- a manifest that shares an input object with the current run belongs to a run whose bookmark was
  never committed (a committed bookmark never offers those objects again), so its files are
  retracted (deleted) before the current run publishes the same rows again;
- a manifest with no shared input object belongs to a committed run and is left alone.

A bookmark reset (``aws glue reset-job-bookmark``) offers every object again, so every manifest is
retracted and the table is rebuilt once, without duplicates. The decision needs nothing but the
manifests and the input list, so it is unit-tested here; the Spark side (pipeline.py) only lists,
writes, renames and deletes.

The bookmark only moves when the script calls ``job.commit()`` (Glue, "Using job bookmarks":
job.commit "update[s] the state change to the service",
https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html), so a run that
fails before that call leaves its input objects to the next run.
"""

import json
import re

#: Folder, inside the curated prefix, of the run manifests. Hadoop, Spark and Hive skip names that
#: start with ``_``, and Athena's partition projection only reads ``dt=.../hour=.../`` folders.
RUNS_FOLDER = "_runs/"
#: Version of the manifest format; a manifest of another version stops the job (never guess).
MANIFEST_VERSION = 1

_RUN_ID_RE = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9_-]{1,80}$")
# A staged Spark output file below the staging folder: dt=yyyy-MM-dd/hour=HH/part-....parquet.
_STAGED_RE = re.compile(r"^(dt=\d{4}-\d{2}-\d{2}/hour=\d{2}/)part-[^/]+\.parquet$")


class LedgerError(ValueError):
    """A manifest or staged file the job cannot interpret; the message says which and why."""


def run_id(started_utc, unique):
    """``20250101T000000Z-<unique>``: sortable by start time, unique by the Spark application id."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", str(unique))[:80]
    value = started_utc.strftime("%Y%m%dT%H%M%SZ") + "-" + safe
    if not _RUN_ID_RE.match(value):
        raise LedgerError(f"run id {value!r} is not of the form YYYYMMDDTHHMMSSZ-<id>")
    return value


def manifest_name(run):
    """The manifest's path relative to the curated prefix."""
    return f"{RUNS_FOLDER}{run}.json"


def publish_plan(run, staged_files):
    """``[(staged, published), ...]``: each staged file's final path relative to the curated prefix.

    Final names carry the run id (``dt=.../hour=.../part-<run>-00000.snappy.parquet``) so a
    retraction deletes exactly what the run published and nothing an earlier run wrote.
    """
    plan = []
    for index, staged in enumerate(sorted(staged_files)):
        match = _STAGED_RE.match(staged)
        if not match:
            raise LedgerError(
                f"staged file {staged!r} is not below a dt=yyyy-MM-dd/hour=HH/ folder; "
                "the curated table could not find it"
            )
        plan.append((staged, f"{match.group(1)}part-{run}-{index:05d}.snappy.parquet"))
    return plan


def manifest(run, inputs, files, quarantine):
    """The manifest's JSON text: the run's input objects, published files and quarantine folder."""
    if not inputs:
        raise LedgerError(f"run {run} has no input objects; a manifest without inputs could never be retracted")
    return json.dumps(
        {
            "version": MANIFEST_VERSION,
            "run": run,
            "inputs": sorted(set(inputs)),
            "files": sorted(files),
            "quarantine": quarantine,
        },
        indent=1,
        sort_keys=True,
    )


def parse_manifest(path, text):
    """A manifest read back; raises LedgerError naming the file when it is not one this job wrote."""
    try:
        data = json.loads(text)
    except ValueError as err:
        raise LedgerError(f"manifest {path} is not JSON ({err})") from None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        raise LedgerError(f"manifest {path} is not a version {MANIFEST_VERSION} run manifest")
    for key, kind in (("run", str), ("inputs", list), ("files", list)):
        if not isinstance(data.get(key), kind):
            raise LedgerError(f"manifest {path} has no valid {key!r}")
    if not _RUN_ID_RE.match(data["run"]) or not path.endswith(manifest_name(data["run"])):
        raise LedgerError(f"manifest {path} names run {data['run']!r}, which does not match its file name")
    return data


def runs_to_retract(manifests, current_inputs):
    """The manifests whose runs never committed their bookmark: they share an input with this run."""
    current = set(current_inputs)
    return sorted((m for m in manifests if current.intersection(m["inputs"])), key=lambda m: m["run"])
