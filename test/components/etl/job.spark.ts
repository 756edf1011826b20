/**
 * The Glue job end to end on local Spark (`npm run test:spark`, which `.ci/run` always runs): builds
 * `.venv-spark/` from components/etl/jobs/requirements-local.txt, then runs the Spark tests in
 * components/etl/jobs/tests_spark/ and reports each as a mocha test. A missing Java, Python 3.11 or
 * package index fails the first test with a sentence saying what to install; nothing is skipped.
 * Before them it runs the job with `--event_schema` over the example stack's format (formatSample.ts),
 * whose output those Python tests check against what TypeScript counted from the same input. Last,
 * it runs the job over the generator's recent logs: the sample lake (tools/etl/sample.ts) that the
 * Trino suite, which runs next in `npm test`, queries. Not named *.test.ts, so `npm run test:unit` stays fast.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CURATED_DATA_PREFIX } from "../../../components/shared/lake";
import { SAMPLE_BUCKETS, buildLakeSample } from "../../../tools/etl/sample";
import { SetupError, ensureSparkVenv } from "../../../tools/etl/venv";
import { readLakeInput } from "../queries/lakeInput";
import { eventSchemaArgument } from "../../../components/etl/layout";
import {
  FormatSample,
  buildFormatSample,
  formatExpectations,
  formatSampleInput,
  formatSamplePaths,
} from "./formatSample";
import { defineUnittestSuite, runUnittest } from "./pyunit";

let python: string | undefined;
let setupError: string | undefined;
try {
  python = ensureSparkVenv();
} catch (err) {
  if (!(err instanceof SetupError)) throw err;
  setupError = err.message;
}

/** The example format's run, and what the Python tests check its output against. */
function formatSampleFacts(sample: FormatSample) {
  const input = formatSampleInput();
  return {
    dir: sample.dir,
    paths: formatSamplePaths(sample.dir),
    objects: sample.objects,
    argument: eventSchemaArgument(input.schema),
    bad: input.bad,
    expected: formatExpectations(input),
  };
}

let formatSample: FormatSample | undefined;
let formatError: string | undefined;
if (python) {
  try {
    formatSample = buildFormatSample(python);
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    formatError = err.message;
  }
}

describe("Glue job on local Spark (PySpark 3.5.4 in .venv-spark)", () => {
  it("has Java 17, Python 3.11 and the pinned packages", () => {
    assert.ok(python, setupError);
  });
  if (python) {
    it("runs the job with --event_schema over the example format's sample (3,000 events, 12 bad lines)", () => {
      assert.ok(formatSample, formatError);
      process.stdout.write(
        `spark: the example format's job run took ${((formatSample.jobMs ?? 0) / 1000).toFixed(1)} s over ${formatSample.objects} objects\n`,
      );
    });
    const extra = formatSample ? { formatSample: formatSampleFacts(formatSample) } : {};
    defineUnittestSuite(runUnittest(python, "tests_spark", 900_000, extra), 24);
  }
  const venvPython = python;
  if (venvPython) {
    it("curates the generator's last nine days into the partitions of their UTC event times (the Trino suite's sample)", function () {
      this.timeout(1_800_000);
      const sample = buildLakeSample(venvPython);
      const input = readLakeInput(path.join(sample.dir, SAMPLE_BUCKETS.raw));
      const curated = path.join(sample.dir, SAMPLE_BUCKETS.curated, CURATED_DATA_PREFIX);
      const published = new Set<string>();
      for (const dt of fs.readdirSync(curated).filter((d) => d.startsWith("dt="))) {
        for (const hour of fs.readdirSync(path.join(curated, dt))) {
          if (fs.readdirSync(path.join(curated, dt, hour)).some((f) => f.endsWith(".parquet"))) {
            published.add(`${dt}/${hour}`);
          }
        }
      }
      const expected = new Set(
        input.curated.map((r) => `dt=${r.dt}/hour=${String(r.hour).padStart(2, "0")}`),
      );
      assert.deepStrictEqual([...published].sort(), [...expected].sort());
      assert.ok(input.curated.length < input.raw.length, "the sample has no line the job leaves out");
    });
  }
});
