/**
 * docs/teardown.md's audit table is the one generated from the rendered dev and prod graphs
 * (tools/offline/teardownAudit.ts): a resource added, removed, renamed, protected or retained
 * without the doc following fails here. `UPDATE_DOCS=1 npx mocha test/docs/teardown.test.ts`
 * rewrites the block.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { renderedStack } from "../helpers/renderedStacks";
import { AUDIT_BEGIN, AUDIT_END, teardownAudit, withAudit } from "../../tools/offline/teardownAudit";

const DOC = path.join(__dirname, "..", "..", "docs", "teardown.md");

describe("docs/teardown.md", function () {
  this.timeout(300_000);

  it("lists every resource of the rendered dev and prod stacks with what a destroy does to it", async () => {
    const table = teardownAudit((await renderedStack("dev")).state, (await renderedStack("prod")).state);
    const doc = fs.readFileSync(DOC, "utf8");
    const expected = withAudit(doc, table);
    if (process.env.UPDATE_DOCS === "1") fs.writeFileSync(DOC, expected);
    assert.ok(doc.includes(AUDIT_BEGIN) && doc.includes(AUDIT_END), "the audit markers are in the doc");
    assert.strictEqual(
      doc,
      expected,
      "docs/teardown.md's audit is out of date: run UPDATE_DOCS=1 npx mocha test/docs/teardown.test.ts and review the change",
    );
  });

  it("names the operations resources (alarms, rules, dashboard, ops key, probe, metric filter)", async () => {
    const doc = fs.readFileSync(DOC, "utf8");
    for (const name of [
      "datalake-<stack>-speed-forwarder-dlq-depth",
      "datalake-<stack>-etl-job-failed",
      "datalake-<stack>-pipeline",
      "ops-key",
      "speed-probe",
      "datalake-<stack>-speed-forwarder-rejected-documents",
      "datalake-<stack>-generator-agent-app-log-heartbeat",
    ]) {
      assert.ok(doc.includes(name), `${name} is missing`);
    }
  });
});
