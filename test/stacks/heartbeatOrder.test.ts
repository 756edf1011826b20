/**
 * The heartbeat alarm of the rendered stacks is created only after the agent ships: it depends,
 * through the agent association (which waits for its first successful run), on the OpenSearch
 * bootstrap the agent's configuration waits for. Before, it depended on the log group alone and
 * existed, in ALARM (silence breaches), for the 20-40 minutes the domain takes on a first deploy.
 */
import * as assert from "assert";
import { renderedStack } from "../helpers/renderedStacks";

for (const stack of ["dev", "prod"] as const) {
  describe(`${stack}: the heartbeat alarm's place in the deployment order`, function () {
    this.timeout(300_000);

    it("comes after the association's first success, hence after the domain and its bootstrap", async () => {
      const resources = (await renderedStack(stack)).state.deployment.resources ?? [];
      const byUrn = new Map(resources.map((r) => [r.urn, r]));
      const named = (suffix: string) => {
        const found = resources.filter((r) => r.urn.endsWith(`::${suffix}`));
        assert.strictEqual(found.length, 1, suffix);
        return found[0];
      };
      const before = new Set<string>();
      const walk = (urn: string) => {
        for (const d of byUrn.get(urn)?.dependencies ?? []) {
          if (!before.has(d)) {
            before.add(d);
            walk(d);
          }
        }
      };
      const alarm = named("generator-agent-app-log-heartbeat");
      walk(alarm.urn);
      const association = named("generator-agent-apply");
      assert.ok(before.has(association.urn), "after the association");
      assert.strictEqual(association.inputs?.waitForSuccessTimeoutSeconds, 1800);
      assert.ok(before.has(named("speed-bootstrap-run").urn), "after the OpenSearch bootstrap");
      assert.ok(before.has(named("speed-domain").urn), "after the domain");
      assert.strictEqual(alarm.inputs?.treatMissingData, "breaching");
    });
  });
}
