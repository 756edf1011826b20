/**
 * Mocha global fixtures (run once per `mocha` invocation, in the main process, before any worker
 * starts): one temporary directory for the whole run, which `renderedStacks.ts` uses to render
 * each stack once across test files and worker processes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

let created: string | undefined;

export function mochaGlobalSetup(): void {
  if (process.env.DATALAKE_TEST_RUN) return;
  created = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-test-run-"));
  process.env.DATALAKE_TEST_RUN = created;
}

export function mochaGlobalTeardown(): void {
  if (created) fs.rmSync(created, { recursive: true, force: true });
}
