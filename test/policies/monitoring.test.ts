/**
 * What is particular to the monitoring rules (policies/rules/monitoring.ts). Their generic cases
 * (compliant, violating, not applicable, unknown at preview) are in rules.test.ts, their wrong-type
 * cases in types.test.ts and their prod mutations in stacks.test.ts, like every other rule's; here:
 * that each applies to the rendered stacks (a rule that is never applicable guards nothing), that
 * a wrong-typed alarm or rule is reported on its own resource while the others are still checked,
 * how event patterns are read, the unknown config property under the CLI, and the messages.
 */
import * as assert from "assert";
import { monitoringPolicies } from "../../policies/rules/monitoring";
import { PackSession, PolicyConfigMap, reconcileConfig } from "../../tools/offline/policyGate";
import { renderedStack } from "../helpers/renderedStacks";
import {
  failureQueue,
  GLUE_PATTERN,
  jobWithRule,
  patch,
  res,
  seeds,
  state,
  streamWithAlarm,
  T,
} from "./fixtures";
import type { ExportedResource } from "../../tools/offline/policyGate";

const ALL_MANDATORY: PolicyConfigMap = { all: { enforcementLevel: "mandatory" } };
const names = monitoringPolicies.map((p) => p.name);

const withAt = (rs: ExportedResource[], name: string, dotted: string, value: unknown) =>
  rs.map((r) => (r.urn.endsWith(`::${name}`) ? patch(r, dotted, value) : r));

const mine = (policy: string) => (v: { policy: string }) => v.policy === policy;

describe("monitoring rules", function () {
  let pack: PackSession;
  before(async () => {
    pack = await PackSession.start();
  });
  after(() => pack?.close());

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: every monitoring rule applies to the rendered stack and passes`, async () => {
      const r = await renderedStack(stack);
      assert.deepStrictEqual(
        r.gate.violations.filter((v) => names.includes(v.policy)),
        [],
      );
      assert.deepStrictEqual(
        r.gate.notApplicable.filter((n) => names.includes(n.policy)),
        [],
      );
    });
  }

  it("reports a wrong-typed alarm on the alarm, and still checks the other streams", async () => {
    const broken = withAt(streamWithAlarm(), "freshness", "threshold", "120");
    const other = res(T.firehose, "other", seeds.firehose().inputs!);
    const result = await pack.analyze(state(...broken, other), ALL_MANDATORY);
    const found = result.violations.filter(mine("datalake-firehose-deliverystream-requires-freshness-alarm"));
    assert.deepStrictEqual(
      found.map((v) => v.urn.split("::").pop()),
      ["freshness", "other"],
    );
    assert.match(
      found[0].message,
      /Resource "freshness" \(aws:cloudwatch\/metricAlarm:MetricAlarm\): threshold is the string "120", not a number, so this rule cannot check it and fails\./,
    );
    assert.match(found[1].message, /Firehose stream "other" has no freshness alarm/);
  });

  it("reports an event pattern that is not JSON on the rule, not as a missing rule", async () => {
    const result = await pack.analyze(
      state(...withAt(jobWithRule(), "job-failed", "eventPattern", "not json")),
      ALL_MANDATORY,
    );
    const found = result.violations.filter(mine("datalake-glue-job-requires-failure-rule"));
    assert.deepStrictEqual(
      found.map((v) => v.urn.split("::").pop()),
      ["job-failed"],
    );
    assert.ok(found[0].message.includes('eventPattern is not a JSON event pattern (the string "not json")'));
  });

  it("accepts content filters beside the required states, and needs every required state", async () => {
    const pattern = (states: unknown[]) =>
      GLUE_PATTERN([]).replace('"state":[]', `"state":${JSON.stringify(states)}`);
    const withFilter = await pack.analyze(
      state(...jobWithRule({ pattern: pattern(["FAILED", "TIMEOUT", "ERROR", { prefix: "STOP" }]) })),
      ALL_MANDATORY,
    );
    assert.deepStrictEqual(withFilter.violations, []);
    const filterOnly = await pack.analyze(
      state(...jobWithRule({ pattern: pattern([{ "anything-but": "SUCCEEDED" }]) })),
      ALL_MANDATORY,
    );
    assert.deepStrictEqual(
      filterOnly.violations.map((v) => v.policy),
      ["datalake-glue-job-requires-failure-rule"],
    );
  });

  it("names the configured limit in the depth alarm's message", async () => {
    const result = await pack.analyze(state(...failureQueue({ threshold: 4 })), {
      ...ALL_MANDATORY,
      "datalake-sqs-queue-requires-depth-alarm": { properties: { maxThreshold: 3 } },
    });
    assert.deepStrictEqual(
      result.violations.map((v) => v.message.split("\n").pop()),
      [
        'SQS queue "queue": its depth alarm fires only above 3 visible messages. Set the threshold to at most 3.',
      ],
    );
  });

  // The offline gate rejects an unknown property before running (gate.test.ts); the CLI's engine
  // drops additionalProperties from the schema, so each rule must catch it itself.
  for (const policy of monitoringPolicies.filter((p) => p.configSchema)) {
    const known = Object.keys(policy.configSchema!.properties);
    const typo = known[0].slice(0, -1);
    it(`reports the unknown property "${typo}" of ${policy.name} under the CLI too`, async () => {
      const config = reconcileConfig(pack.info, {});
      config[policy.name] = { enforcementLevel: "mandatory", properties: { [typo]: 1 } };
      const graph = [...failureQueue(), ...streamWithAlarm(), ...jobWithRule()].filter(
        (r, i, all) => all.findIndex((x) => x.urn === r.urn) === i,
      );
      const result = await pack.analyzeConfigured(state(...graph, seeds.domain()), config);
      assert.deepStrictEqual(
        result.violations.filter(mine(policy.name)).map((v) => v.message.split("\n").pop()),
        [
          `The policy config of this rule has the unknown property "${typo}" (did you mean "${known[0]}"?); allowed: ${known.join(", ")}. Fix policies/config/<stack>.json.`,
        ],
      );
    });
  }
});
