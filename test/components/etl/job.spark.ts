/**
 * The Glue job end to end on local Spark (`npm run test:spark`, which `.ci/run` always runs): builds
 * `.venv-spark/` from components/etl/jobs/requirements-local.txt, then runs the Spark tests in
 * components/etl/jobs/tests_spark/ and reports each as a mocha test. A missing Java, Python 3.11 or
 * package index fails the first test with a sentence saying what to install; nothing is skipped.
 * Not named *.test.ts, so `npm test` stays fast.
 */
import * as assert from "assert";
import { SetupError, ensureSparkVenv } from "../../../tools/etl/venv";
import { defineUnittestSuite, runUnittest } from "./pyunit";

let python: string | undefined;
let setupError: string | undefined;
try {
  python = ensureSparkVenv();
} catch (err) {
  if (!(err instanceof SetupError)) throw err;
  setupError = err.message;
}

describe("Glue job on local Spark (PySpark 3.5.4 in .venv-spark)", () => {
  it("has Java 17, Python 3.11 and the pinned packages", () => {
    assert.ok(python, setupError);
  });
  if (python) defineUnittestSuite(runUnittest(python, "tests_spark", 900_000), 11);
});
