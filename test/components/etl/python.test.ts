/**
 * Runs the Glue job's pure Python tests (standard library unittest, the machine's python3; the Spark
 * tests are job.spark.ts, `npm run test:spark`) and turns each into a mocha test, so `npm test`
 * counts them and fails when one fails.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { RAW_PARTITION_LEVELS } from "../../../components/shared/lake";
import { curatedLocationTemplate } from "../../../components/etl/table";
import { JOBS, defineUnittestSuite, runUnittest } from "./pyunit";

function python(args: string[]) {
  return spawnSync("python3", args, {
    cwd: JOBS,
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    timeout: 60_000,
  });
}

describe("Glue job Python (python3 -m unittest)", () => {
  defineUnittestSuite(runUnittest("python3", "tests", 60_000), 55);

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
