/** datalake:generator.enabled and datalake:sources: defaults, and one sentence per bad value. */
import * as assert from "assert";
import { ConfigError, parseConfig } from "../../stacks/config";
import { MAX_SOURCE_LOG_GROUPS, sourceKey } from "../../components/shared/sources";

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems;
  }
  assert.fail("expected the config to be rejected");
}

const off = { enabled: false };
/** Without the generator the volume must be declared. */
const declared = { eventsPerSecond: 10 };

describe("config: sources and generator.enabled", () => {
  it("defaults: the generator on, no log groups, no producers", () => {
    const c = parseConfig({});
    assert.strictEqual(c.generator.enabled, true);
    assert.deepStrictEqual(c.sources, { logGroups: [], producers: [] });
  });

  it("accepts the generator off with a log group, and a producer with a service or a principal", () => {
    const c = parseConfig({
      generator: off,
      workload: declared,
      sources: {
        logGroups: ["/ecs/web/api", "API-Gateway-Execution-Logs_abc/prod", "my.app#1"],
        producers: [
          { name: "web", service: "ecs-tasks.amazonaws.com" },
          { name: "batch-2", principalArn: "arn:aws:iam::123456789012:role/batch" },
          { name: "policy-only" },
        ],
      },
    });
    assert.strictEqual(c.generator.enabled, false);
    assert.strictEqual(c.sources.producers.length, 3);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    [
      "the generator off with no source",
      { generator: off, workload: declared },
      "datalake:generator.enabled is false: leaves the lake with no source, so nothing would reach it: list log groups in sources.logGroups or producers in sources.producers, or keep the generator on",
    ],
    [
      "a log group name with a space",
      { sources: { logGroups: ["/ecs/web api"] } },
      'datalake:sources.logGroups.0 is "/ecs/web api": must be a CloudWatch Logs group name: 1 to 512 of a-z, A-Z, 0-9, _ - / . #',
    ],
    [
      "a log group listed twice",
      { sources: { logGroups: ["/a", "/a"] } },
      'datalake:sources.logGroups is ["/a","/a"]: lists a group twice; list each group once',
    ],
    [
      "the stack's own app log group",
      { sources: { logGroups: ["/datalake/dev/speed/app"] } },
      `datalake:sources.logGroups.0 is "/datalake/dev/speed/app": is one of the project's own log groups (/datalake/... or /aws/lambda/datalake-...): the app log group is subscribed already, and subscribing the functions' or the lake's own logs would feed them back into themselves; list your applications' groups only`,
    ],
    [
      "the forwarder's own log group",
      { sources: { logGroups: ["/aws/lambda/datalake-dev-speed-forwarder"] } },
      `datalake:sources.logGroups.0 is "/aws/lambda/datalake-dev-speed-forwarder": is one of the project's own log groups (/datalake/... or /aws/lambda/datalake-...): the app log group is subscribed already, and subscribing the functions' or the lake's own logs would feed them back into themselves; list your applications' groups only`,
    ],
    [
      "a producer with both a principal and a service",
      {
        sources: {
          producers: [
            { name: "x", service: "ecs-tasks.amazonaws.com", principalArn: "arn:aws:iam::123456789012:root" },
          ],
        },
      },
      'datalake:sources.producers.0 is {"name":"x","service":"ecs-tasks.amazonaws.com","principalArn":"arn:aws:iam::123456789012:root"}: sets both principalArn and service: a producer\'s role trusts one of them; set only one',
    ],
    [
      "a producer name with capitals",
      { sources: { producers: [{ name: "Web" }] } },
      'datalake:sources.producers.0.name is "Web": must start with a lowercase letter and use a-z, 0-9 and - (at most 32)',
    ],
    [
      "two producers with one name",
      { sources: { producers: [{ name: "web" }, { name: "web" }] } },
      'datalake:sources.producers is [{"name":"web"},{"name":"web"}]: has two producers with the same name; give each its own',
    ],
    [
      "a service that is not an AWS service principal",
      { sources: { producers: [{ name: "web", service: "example.com" }] } },
      'datalake:sources.producers.0.service is "example.com": must be an AWS service principal such as ecs-tasks.amazonaws.com',
    ],
    [
      "the generator off with no declared volume",
      { generator: off, sources: { logGroups: ["/a"] } },
      "datalake:workload.eventsPerSecond is (not set): must be declared while generator.enabled is false: without the generator the volume comes from your sources, so set their average events per second (and eventBytes, peakFactor) for npm run plan and npm run size to check every stage against it (docs/sizing.md)",
    ],
    [
      "an unknown key in sources",
      { sources: { logGroup: ["/a"] } },
      'datalake:sources has unknown key(s) "logGroup"; allowed keys: logGroups, producers',
    ],
  ];
  for (const [what, raw, message] of cases) {
    it(`rejects ${what} in one sentence`, () => {
      assert.deepStrictEqual(problemsOf(raw), [message]);
    });
  }

  it(`rejects more than ${MAX_SOURCE_LOG_GROUPS} log groups`, () => {
    const groups = Array.from({ length: MAX_SOURCE_LOG_GROUPS + 1 }, (_, i) => `/app/${i}`);
    const [p] = problemsOf({ sources: { logGroups: groups } });
    assert.match(
      p,
      /must list at most 20 groups \(the forwarder's resource policy holds one statement per group\)$/,
    );
  });

  it("ignores generator.subnet private without NAT when the generator is off", () => {
    parseConfig({
      generator: { enabled: false, subnet: "private" },
      sources: { logGroups: ["/a"] },
      workload: declared,
    });
  });

  it("sourceKey: readable, stable, distinct for names that read the same", () => {
    assert.strictEqual(sourceKey("/ecs/web-service/api"), sourceKey("/ecs/web-service/api"));
    assert.match(sourceKey("/ecs/web-service/api"), /^ecs-web-service-api-[0-9a-f]{8}$/);
    assert.notStrictEqual(sourceKey("/ecs/Web"), sourceKey("/ecs/web"));
    assert.match(sourceKey("#"), /^group-[0-9a-f]{8}$/);
    assert.ok(sourceKey("/x".repeat(200)).length <= 49);
  });
});
