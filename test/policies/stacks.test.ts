/**
 * The real stacks against the pack. `tools/plan.ts` renders each stack once (one program per
 * process, both in parallel) and already runs the gate with policies/config/<stack>.json; its
 * JSON result is asserted here, so the gate is not run twice. Then, for every rule, a declared
 * mutation of the rendered prod graph must make the gate report exactly that rule as mandatory.
 * Where a rule's resource type is not in the prod graph yet, a compliant seed is planted first
 * and then broken; as the layers land, the same mutation switches to the real resource.
 */
import * as assert from "assert";
import * as path from "path";
import { allPolicies } from "../../policies/rules";
import { PackSession, readPolicyConfig } from "../../tools/offline/policyGate";
import { MUTATIONS, clone } from "./mutations";
import { RenderedStack, renderedStack } from "../helpers/renderedStacks";

const ROOT = path.resolve(__dirname, "..", "..");

// Both stacks are rendered once per test run and shared with test/iam (renderedStacks.ts).
type Rendered = RenderedStack;

describe("the dev and prod stacks against the policy pack", function () {
  const rendered: Record<string, Rendered> = {};
  let pack: PackSession;

  before(async () => {
    const [dev, prod] = await Promise.all([renderedStack("dev"), renderedStack("prod")]);
    rendered.dev = dev;
    rendered.prod = prod;
    pack = await PackSession.start();
  });
  after(() => {
    pack?.close();
  });

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: the offline plan's gate reports zero mandatory violations`, () => {
      const r = rendered[stack];
      const mandatory = r.gate.violations.filter((v) => v.level === "mandatory");
      assert.deepStrictEqual(
        mandatory,
        [],
        `plan ${stack} exit ${r.code}:\n${r.stdout
          .split("\n")
          .filter((l) => /^(mandatory|advisory) /.test(l))
          .join("\n")}\n${r.stderr}`,
      );
      assert.strictEqual(r.code, 0, r.stderr);
      const gateLine =
        /^Policy pack datalake@\d+\.\d+\.\d+: (\d+) resources \(the plan's (\d+), .*\), \d+ policies .* — passed\.$/m.exec(
          r.stdout,
        );
      assert.ok(gateLine, r.stdout);
      // The gate's breakdown names the plan's own count, and the parts add up to what it analyzed.
      const planLine = /^Plan for stack "[a-z]+" \(region [a-z0-9-]+\): (\d+) resources/m.exec(r.stdout);
      assert.strictEqual(gateLine[2], planLine?.[1]);
      const s = r.gate.summary;
      assert.strictEqual(s.plan + s.stacks + s.topLevelComponents + s.providers, s.resources);
      // The awsx Vpc is one opaque resource offline, and the summary says so.
      assert.deepStrictEqual(
        r.gate.notSeen.map((n) => n.type),
        ["awsx:ec2:Vpc"],
      );
      assert.match(
        r.stdout,
        /^Not seen offline: the children of 1 remote component \(awsx:ec2:Vpc network-vpc: /m,
      );
    });
  }

  it("declares a mutation for every rule of the pack", () => {
    assert.deepStrictEqual(Object.keys(MUTATIONS).sort(), allPolicies.map((p) => p.name).sort());
  });

  const prodConfig = readPolicyConfig(path.join(ROOT, "policies", "config", "prod.json"));
  for (const [policy, mutation] of Object.entries(MUTATIONS)) {
    it(`reports ${policy} as mandatory when we ${mutation.what}`, async () => {
      const mutated = mutation.apply(clone(rendered.prod.state));
      const result = await pack.analyze(mutated, prodConfig);
      const mandatory = [
        ...new Set(result.violations.filter((v) => v.level === "mandatory").map((v) => v.policy)),
      ];
      assert.deepStrictEqual(mandatory, [policy], JSON.stringify(result.violations, null, 1));
      assert.strictEqual(result.summary.passed, false);
    });
  }
});
