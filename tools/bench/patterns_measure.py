"""Milliseconds the ETL job's line parser takes on each given line: the best of N runs per line.

    python3 tools/bench/patterns_measure.py < {"schema": {...}, "lines": ["...", ...], "runs": 5}

The parser is the job's own (components/etl/jobs/transform.py ``EventCurator.transform_line``: the
format's pattern run with JavaScript's meaning, then the casts), so the figure is what one raw line
costs the job. Prints one JSON object: {"ms": [best ms of each line, in the given order]}.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "components", "etl", "jobs"))

import transform  # noqa: E402


def main():
    task = json.load(sys.stdin)
    curator = transform.EventCurator(transform.parse_event_schema(json.dumps(task["schema"])))
    best = []
    for line in task["lines"]:
        fastest = None
        for _ in range(task["runs"]):
            start = time.perf_counter()
            curator.transform_line(line)
            took = (time.perf_counter() - start) * 1000
            fastest = took if fastest is None else min(fastest, took)
        best.append(fastest)
    json.dump({"ms": best}, sys.stdout)


if __name__ == "__main__":
    main()
