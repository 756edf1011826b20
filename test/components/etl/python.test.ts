/**
 * Runs the Glue job's Python tests (standard library unittest, the machine's python3) and turns
 * each Python test into a mocha test, so `npm test` counts them and fails when one fails.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { RAW_PARTITION_LEVELS } from "../../../components/shared/lake";
import { curatedLocationTemplate } from "../../../components/etl/table";

const JOBS = path.resolve(__dirname, "../../../components/etl/jobs");

interface PyResult {
  readonly name: string;
  readonly status: string;
  readonly detail: string;
}

function python(args: string[]) {
  return spawnSync("python3", args, {
    cwd: JOBS,
    encoding: "utf8",
    // No __pycache__ in the source tree.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    timeout: 60_000,
  });
}

/**
 * `python3 -m unittest discover -v` prints "name (module.Class.name) ... status" per test; a test
 * whose subTest fails prints its header with no status, then one indented line per failing subtest.
 */
function runUnittest(): { results: PyResult[]; status: number | null; output: string } {
  const run = python(["-m", "unittest", "discover", "-v", "-s", "tests", "-t", "."]);
  const output = `${run.stdout}${run.stderr}`;
  const statuses = new Map<string, string[]>();
  for (const m of output.matchAll(/^\s*\w+ \(([\w.]+)\)(?: \(.*\))? \.\.\. ?(.*)$/gm)) {
    const list = statuses.get(m[1]) ?? [];
    if (m[2]) list.push(m[2].trim());
    statuses.set(m[1], list);
  }
  const failures = output.split(/^={10,}$/m);
  const results = [...statuses].map(([id, list]) => ({
    name: id.replace(/^tests\./, ""),
    status: list.find((st) => st !== "ok") ?? (list.length ? "ok" : "no result"),
    detail: failures
      .filter((b) => b.includes(`(${id})`) && /^(FAIL|ERROR):/m.test(b))
      .join("\n")
      .trim(),
  }));
  return { results, status: run.status, output };
}

describe("Glue job Python (python3 -m unittest)", () => {
  const run = runUnittest();

  it("runs the Python suite, which passes", () => {
    assert.ok(
      run.results.length >= 15,
      `expected the Python tests to run, got ${run.results.length}:\n${run.output}`,
    );
    assert.strictEqual(run.status, 0, run.output);
    assert.match(run.output, new RegExp(`^Ran ${run.results.length} tests? in`, "m"));
  });

  for (const r of run.results) {
    it(r.name, () => {
      assert.strictEqual(r.status, "ok", r.detail || r.status);
    });
  }

  it("writes the partition folders the curated table projects (one layout, both languages)", () => {
    const times = ["2019-06-20 21:34:56+0900", "2019-06-20 08:59:59+0900", "2024-02-29 09:00:00+0900"];
    const run = python([
      "-c",
      `import json, sys, transform; print(json.dumps([transform.partition_path(transform.parse_event_time(t)) for t in ${JSON.stringify(times)}]))`,
    ]);
    assert.strictEqual(run.status, 0, run.stderr);
    const written = JSON.parse(run.stdout) as string[];
    // Render the projection template for the same UTC instants, as Athena would.
    const template = curatedLocationTemplate("b").replace("s3://b/app_logs/", "");
    const levels = Object.fromEntries(RAW_PARTITION_LEVELS.map((l) => [l.key, l.projection]));
    assert.deepStrictEqual(levels.dt.format, "yyyy-MM-dd");
    const projected = times.map((t) => {
      const d = new Date(t.replace(" ", "T").replace(/(\d{2})(\d{2})$/, "$1:$2"));
      const dt = d.toISOString().slice(0, 10);
      const hour = String(d.getUTCHours()).padStart(Number(levels.hour.digits), "0");
      return template.replace("${dt}", dt).replace("${hour}", hour);
    });
    assert.deepStrictEqual(written, projected);
    assert.deepStrictEqual(written, [
      "dt=2019-06-20/hour=12/",
      "dt=2019-06-19/hour=23/",
      "dt=2024-02-29/hour=00/",
    ]);
  });
});
