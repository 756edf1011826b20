"""Which curated files a run may leave, and which it must retract (standard library only).

Why this exists: the job publishes Parquet into the curated table and only then commits
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

A change of curated shape (a stack's ``datalake:format``, transform.shape_digest) starts a new
*generation*: the shape state ``<curated>/_runs/shape.json`` records the shape and generation of
the last committed run. A run whose shape differs from it (or that finds a switch begun and not
committed) takes generation + 1, reads under a bookmark of that generation (never used before, so
the whole raw zone is offered again), and first moves every file published under earlier shapes,
with their manifests, to ``<curated>/_superseded/generation=<N>/<original path>``, where no table
reads them and nothing is deleted. The state is written only after ``job.commit()``, so a run that
fails anywhere in a switch is repeated as the same switch.
"""

import json
import re

#: Folder, inside the curated prefix, of the run manifests. Hadoop, Spark and Hive skip names that
#: start with ``_``, and Athena's partition projection only reads ``dt=.../hour=.../`` folders.
RUNS_FOLDER = "_runs/"
#: Version of the manifest format; a manifest of another version stops the job (never guess).
MANIFEST_VERSION = 1

#: The shape state, relative to the curated prefix (next to the manifests, which never use this name).
SHAPE_STATE = RUNS_FOLDER + "shape.json"
#: Folder, inside the curated prefix, of what a shape switch moved aside (``_``: no table reads it).
SUPERSEDED_FOLDER = "_superseded/"

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


def manifest(run, inputs, files, quarantine, shape=None, generation=0, superseded=()):
    """The manifest's JSON text: the run's input objects, published files and quarantine folder, the
    shape and generation it curated, and what its shape switch moved aside (relative to the curated
    prefix, below :func:`superseded_folder`)."""
    if not inputs:
        raise LedgerError(f"run {run} has no input objects; a manifest without inputs could never be retracted")
    return json.dumps(
        {
            "version": MANIFEST_VERSION,
            "run": run,
            "inputs": sorted(set(inputs)),
            "files": sorted(files),
            "quarantine": quarantine,
            "shape": shape,
            "generation": generation,
            "superseded": sorted(superseded),
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


def superseded_folder(generation):
    """Where the switch to ``generation`` moves earlier files, relative to the curated prefix."""
    return f"{SUPERSEDED_FOLDER}generation={generation}/"


def shape_state(shape, generation):
    """The shape state's JSON text, written after the commit of a run that switched shape."""
    return json.dumps({"version": MANIFEST_VERSION, "shape": shape, "generation": generation}, indent=1, sort_keys=True)


def parse_shape_state(path, text):
    """The shape state read back as ``{"shape", "generation"}``; raises LedgerError naming the file."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("version") != MANIFEST_VERSION
        or not isinstance(data.get("shape"), str)
        or type(data.get("generation")) is not int
        or data["generation"] < 0
    ):
        raise LedgerError(
            f"shape state {path} is not one this job wrote; restore its previous version from the bucket's versioning and run the job again"
        )
    return {"shape": data["shape"], "generation": data["generation"]}


def _generation_of(m):
    return m.get("generation", 0) if type(m.get("generation", 0)) is int else 0


def shape_switch(recorded, shape, manifests, superseded_next):
    """``(generation, switching)`` of a run curating ``shape``.

    ``recorded``: the shape state (``{"shape", "generation"}``, the initial one when there is none);
    ``manifests``: the manifests in the runs folder; ``superseded_next``: whether
    ``superseded_folder(recorded generation + 1)`` holds files. A run switches when its shape is not
    the recorded one, and also when a switch was begun and never committed (a manifest of a later
    generation, or files already moved aside): it then finishes that switch, in its own shape.
    """
    generation = recorded["generation"]
    begun = superseded_next or any(_generation_of(m) > generation for m in manifests)
    if shape != recorded["shape"] or begun:
        return generation + 1, True
    return generation, False


def manifests_to_supersede(manifests, shape, generation):
    """The manifests a switch to ``(shape, generation)`` moves aside: every one of another shape or
    generation. Those of this very shape and generation belong to an earlier attempt of the same
    switch that never committed; the re-run rule (:func:`runs_to_retract`) retracts them."""
    return sorted(
        (m for m in manifests if (m.get("shape"), _generation_of(m)) != (shape, generation)), key=lambda m: m["run"]
    )


def files_to_supersede(names, keep):
    """The published files among ``names`` (paths relative to the curated prefix) that a switch moves
    aside: everything outside the ``_``/``.`` folders (manifests, state, what was moved before) and
    not a directory marker, except ``keep`` (the files of the manifests the switch does not move)."""
    keep = set(keep)
    return [
        n
        for n in names
        if not n.split("/", 1)[0].startswith(("_", ".")) and not n.endswith("_$folder$") and n not in keep
    ]
