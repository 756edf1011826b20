/**
 * Runs a folder of Python unittest modules and turns each Python test into a mocha test, so the
 * mocha run counts them and fails when one fails. Shared by python.test.ts (the pure modules, the
 * machine's python3, in `npm test`) and job.spark.ts (Spark, the venv, in `npm run test:spark`).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lakeFacts } from "../../../tools/etl/lakeFacts";
import { formatTestFacts } from "./formatFixtures";

export const JOBS = path.resolve(__dirname, "../../../components/etl/jobs");

export interface PyResult {
  readonly name: string;
  readonly status: string;
  readonly detail: string;
}

/**
 * Writes the TypeScript lake facts for the Python tests, with the user formats they curate and
 * anything a suite adds (`extra`); returns the file's path.
 */
export function writeLakeFacts(extra: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-facts-"));
  const file = path.join(dir, "lake-facts.json");
  fs.writeFileSync(file, JSON.stringify({ ...lakeFacts(), ...formatTestFacts(), ...extra }, null, 1));
  return file;
}

/**
 * `python -m unittest discover -v` prints "name (module.Class.name) ... status" per test (the
 * status may follow the job's own log lines); a test whose subTest fails prints its header with no
 * status, then one indented line per failing subtest.
 */
export function runUnittest(
  python: string,
  folder: string,
  timeoutMs: number,
  extraFacts: Record<string, unknown> = {},
): { results: PyResult[]; status: number | null; output: string } {
  const run = spawnSync(python, ["-m", "unittest", "discover", "-v", "-s", folder, "-t", "."], {
    cwd: JOBS,
    encoding: "utf8",
    // No __pycache__ in the source tree; Spark's socket warnings are noise here.
    env: {
      ...process.env,
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONWARNINGS: "ignore",
      LAKE_FACTS: writeLakeFacts(extraFacts),
    },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${run.stdout}${run.stderr}${run.error ? `\n${run.error.message}` : ""}`;
  const statuses = new Map<string, string[]>();
  const prefix = new RegExp(`^${folder}\\.`);
  const lines = output.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*\w+ \(([\w.]+)\)(?: \(.*\))? \.\.\. ?(.*)$/.exec(lines[i]);
    if (!m) continue;
    const list = statuses.get(m[1]) ?? [];
    let status = m[2].trim();
    // A test that logs prints its status alone on a later line.
    for (let j = i + 1; !/^(ok|FAIL|ERROR|skipped.*)$/.test(status) && j < lines.length && j < i + 50; j++) {
      if (/^(ok|FAIL|ERROR)$/.test(lines[j].trim())) status = lines[j].trim();
      if (/ \.\.\. /.test(lines[j])) break;
    }
    if (status) list.push(status);
    statuses.set(m[1], list);
  }
  const failures = output.split(/^={10,}$/m);
  const results = [...statuses].map(([id, list]) => ({
    name: id.replace(prefix, ""),
    status: list.find((st) => st !== "ok") ?? (list.length ? "ok" : "no result"),
    detail: failures
      .filter((b) => b.includes(`(${id})`) && /^(FAIL|ERROR):/m.test(b))
      .join("\n")
      .trim(),
  }));
  return { results, status: run.status, output };
}

/** The mocha tests of one unittest run: the suite passed and ran at least `minimum` tests, then one test per Python test. */
export function defineUnittestSuite(run: ReturnType<typeof runUnittest>, minimum: number): void {
  it("runs the Python suite, which passes", () => {
    assert.ok(
      run.results.length >= minimum,
      `expected at least ${minimum} Python tests to run, got ${run.results.length}:\n${run.output}`,
    );
    assert.strictEqual(run.status, 0, run.output);
    assert.match(run.output, new RegExp(`^Ran ${run.results.length} tests? in`, "m"));
  });
  for (const r of run.results) {
    it(r.name, () => {
      assert.strictEqual(r.status, "ok", r.detail || r.status);
    });
  }
}
