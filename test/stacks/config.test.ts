import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as awsConfigVars from "@pulumi/aws/config/vars";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  AWS_CONFIG_KEYS,
  CONFIG_SECTIONS,
  ConfigError,
  awsConfigProblems,
  parseConfig,
  secretExample,
} from "../../stacks/config";
import { parseStackConfig } from "../../tools/offline/stackConfig";

/** The raw sections of a stack file, as the program would read them. */
function stackFileSections(stack: string): Record<string, unknown> {
  const file = path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
  const { config } = parseStackConfig(fs.readFileSync(file, "utf8"), file, "datalake");
  const sections: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k.startsWith("datalake:")) sections[k.slice("datalake:".length)] = JSON.parse(v);
  }
  return sections;
}

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems;
  }
  assert.fail("expected the config to be rejected");
}

function problemsOfError(raw: Record<string, unknown>): unknown {
  try {
    parseConfig(raw);
  } catch (err) {
    return err;
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config", () => {
  it("fills every default when the stack file sets nothing", () => {
    const c = parseConfig({});
    assert.deepStrictEqual(c.network, {
      cidrBlock: "10.0.0.0/16",
      availabilityZones: 3,
      natGateways: "None",
    });
    assert.deepStrictEqual(c.generator, {
      enabled: true,
      instanceType: "t4g.micro",
      subnet: "public",
      rootVolumeGiB: 8,
      linesPerInterval: 10,
      intervalSeconds: 120,
      burstLines: 300,
      burstIntervalSeconds: 600,
    });
    assert.strictEqual(c.speed.alarmThreshold, 50);
    assert.strictEqual(c.speed.alarmPeriodSeconds, 60);
    assert.strictEqual(c.speed.alarmEmail, undefined);
    assert.strictEqual(c.lake.firehoseBufferSeconds, 60);
    assert.strictEqual(c.dwh.enabled, true);
    assert.strictEqual(c.bi.quicksightPrincipalArn, undefined);
    assert.strictEqual(c.etl.enableCrawler, false);
    assert.strictEqual(c.protection.protectStatefulResources, false);
  });

  it("returns a frozen object", () => {
    const c = parseConfig({});
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.network));
  });

  it("accepts the dev stack file: small, cheap, no NAT, short retention, unprotected", () => {
    const c = parseConfig(stackFileSections("dev"));
    assert.strictEqual(c.network.natGateways, "None");
    assert.strictEqual(c.generator.subnet, "public");
    assert.strictEqual(c.speed.instanceCount, 1);
    assert.strictEqual(c.speed.availabilityZoneCount, 1);
    assert.ok(c.lake.rawExpirationDays <= 90);
    assert.strictEqual(c.protection.protectStatefulResources, false);
  });

  it("accepts the prod stack file: NAT per zone, private generator, multi-AZ, long retention, protected", () => {
    const c = parseConfig(stackFileSections("prod"));
    assert.strictEqual(c.network.natGateways, "OnePerAz");
    assert.strictEqual(c.generator.subnet, "private");
    assert.strictEqual(c.speed.availabilityZoneCount, 3);
    assert.strictEqual(c.speed.dedicatedMasterCount, 3);
    assert.ok(c.lake.rawExpirationDays >= 365 * 5);
    assert.strictEqual(c.protection.protectStatefulResources, true);
  });

  // Each bad config names the key, shows the bad value and says what is allowed.
  const badConfigs: { title: string; raw: Record<string, unknown>; expected: string }[] = [
    {
      title: "a CIDR block that is not one",
      raw: { network: { cidrBlock: "10.0.0.0/33" } },
      expected:
        'datalake:network.cidrBlock is "10.0.0.0/33": must be an IPv4 CIDR block from /16 to /24, for example 10.0.0.0/16',
    },
    {
      title: "an unknown NAT strategy",
      raw: { network: { natGateways: "Two" } },
      expected:
        "datalake:network.natGateways is \"Two\": Invalid enum value. Expected 'None' | 'Single' | 'OnePerAz', received 'Two'",
    },
    {
      title: "four availability zones",
      raw: { network: { availabilityZones: 4 } },
      expected: "datalake:network.availabilityZones is 4: Number must be less than or equal to 3",
    },
    {
      title: "a misspelt key",
      raw: { generator: { instancetype: "t4g.nano" } },
      expected:
        'datalake:generator has unknown key(s) "instancetype"; allowed keys: enabled, instanceType, subnet, rootVolumeGiB, linesPerInterval, intervalSeconds, burstLines, burstIntervalSeconds',
    },
    {
      title: "a private generator without NAT",
      raw: { generator: { subnet: "private" } },
      expected:
        'datalake:generator.subnet is "private": cannot be "private" while network.natGateways is "None": the instance could not reach the package repositories or AWS APIs. Set network.natGateways to "Single" or "OnePerAz", or generator.subnet to "public"',
    },
    {
      title: "a log retention CloudWatch does not accept",
      raw: { speed: { logRetentionDays: 10 } },
      expected:
        "datalake:speed.logRetentionDays is 10: must be one of the retention periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    },
    {
      title: "an alarm period CloudWatch does not accept",
      raw: { speed: { alarmPeriodSeconds: 45 } },
      expected: "datalake:speed.alarmPeriodSeconds is 45: must be 10, 30, or a multiple of 60 up to 86400",
    },
    {
      title: "an e-mail address that is not one",
      raw: { speed: { alarmEmail: "ops-at-example.com" } },
      expected: 'datalake:speed.alarmEmail is "ops-at-example.com": must be an e-mail address',
    },
    {
      title: "a domain spread over more zones than the VPC has",
      raw: {
        network: { availabilityZones: 2 },
        dwh: { enabled: false },
        speed: { availabilityZoneCount: 3, instanceCount: 3 },
      },
      expected: "datalake:speed.availabilityZoneCount is 3: must not exceed network.availabilityZones (2)",
    },
    {
      title: "data nodes that do not divide evenly over the zones",
      raw: { speed: { availabilityZoneCount: 2, instanceCount: 3 } },
      expected:
        "datalake:speed.instanceCount is 3: must be a multiple of speed.availabilityZoneCount (2) so every zone holds the same number of nodes",
    },
    {
      title: "a Firehose buffer beyond 900 seconds",
      raw: { lake: { firehoseBufferSeconds: 901 } },
      expected: "datalake:lake.firehoseBufferSeconds is 901: Number must be less than or equal to 900",
    },
    {
      title: "an archive transition too soon after Standard-IA",
      raw: { lake: { rawTransitionToIaDays: 60, rawTransitionToArchiveDays: 80 } },
      expected:
        "datalake:lake.rawTransitionToArchiveDays is 80: must be at least 30 days after lake.rawTransitionToIaDays (60), as S3 lifecycle requires",
    },
    {
      title: "raw data expiring before it is archived",
      raw: { lake: { rawTransitionToArchiveDays: 120, rawExpirationDays: 100 } },
      expected:
        "datalake:lake.rawExpirationDays is 100: must be later than lake.rawTransitionToArchiveDays (120)",
    },
    {
      title: "an Athena cutoff below Athena's minimum",
      raw: { lake: { athenaBytesScannedCutoffMiB: 5 } },
      expected: "datalake:lake.athenaBytesScannedCutoffMiB is 5: Number must be greater than or equal to 10",
    },
    {
      title: "a Redshift capacity that is not a multiple of 8",
      raw: { dwh: { baseCapacityRpu: 12 } },
      expected: "datalake:dwh.baseCapacityRpu is 12: must be a multiple of 8",
    },
    {
      title: "Redshift on a two-zone VPC",
      raw: { network: { availabilityZones: 2 } },
      expected:
        "datalake:network.availabilityZones is 2: must be 3 while dwh.enabled is true: Redshift Serverless needs subnets in three availability zones",
    },
    {
      title: "a QuickSight principal that is not an ARN",
      raw: { bi: { quicksightPrincipalArn: "alice" } },
      expected:
        'datalake:bi.quicksightPrincipalArn is "alice": must be a QuickSight user or group ARN (arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>)',
    },
    {
      title: "a Glue schedule in rate() form",
      raw: { etl: { schedule: "rate(1 hour)" } },
      expected:
        'datalake:etl.schedule is "rate(1 hour)": must be a Glue cron expression such as cron(15 * * * ? *)',
    },
    {
      title: "a section that is not an object",
      raw: { protection: true },
      expected: "datalake:protection is true: Expected object, received boolean",
    },
  ];

  for (const bad of badConfigs) {
    it(`rejects ${bad.title}, naming the key, the value and what is allowed`, () => {
      assert.deepStrictEqual(problemsOf(bad.raw), [bad.expected]);
    });
  }

  it("reports every problem at once", () => {
    const problems = problemsOf({ network: { natGateways: "Two" }, lake: { firehoseBufferMiB: 0 } });
    assert.strictEqual(problems.length, 2);
    assert.ok(problems[0].startsWith("datalake:network.natGateways"));
    assert.ok(problems[1].startsWith("datalake:lake.firehoseBufferMiB is 0"));
  });
});

describe("stack config: errors under the CLI, aws keys, secrets", () => {
  it("ConfigError is a pulumi.RunError, which the SDK prints without a stack trace", () => {
    const err = problemsOfError({ lake: { firehoseBufferSeconds: 1200 } });
    assert.ok(pulumi.RunError.isInstance(err));
  });

  it("takes the AWS provider's keys from the provider package, not a hand list", () => {
    assert.ok(AWS_CONFIG_KEYS.includes("region") && AWS_CONFIG_KEYS.includes("defaultTags"));
    assert.ok(!AWS_CONFIG_KEYS.includes("requireRegion"), "a helper function of the module is not a key");
    assert.strictEqual(AWS_CONFIG_KEYS.length, Object.keys(awsConfigVars).length);
  });

  const awsCases: [string[], Record<string, string>, string[]][] = [
    [["aws:region", "aws:defaultTags"], {}, []],
    [
      ["aws:regon"],
      {},
      [
        "aws:regon is not a configuration key of the AWS provider; did you mean aws:region?",
        "aws:region is not set: set it in the stack file (pulumi config set aws:region ap-northeast-1) or in AWS_REGION, so the stack does not land in a region by accident",
      ],
    ],
    [
      ["aws:region", "aws:defaultTag"],
      {},
      ["aws:defaultTag is not a configuration key of the AWS provider; did you mean aws:defaultTags?"],
    ],
    [[], { AWS_REGION: "eu-west-1" }, []],
    [[], { AWS_DEFAULT_REGION: "eu-west-1" }, []],
    [["datalake:speed"], { AWS_REGION: "eu-west-1" }, []],
  ];
  for (const [keys, env, expected] of awsCases) {
    it(`aws keys ${JSON.stringify(keys)} with env ${JSON.stringify(env)}: ${expected.length} problem(s)`, () => {
      assert.deepStrictEqual(awsConfigProblems(keys, env), expected);
    });
  }

  it("names every AWS key when a bad one is not close to any", () => {
    const [p] = awsConfigProblems(["aws:zzzzzz", "aws:region"], {});
    assert.match(
      p,
      /^aws:zzzzzz is not a configuration key of the AWS provider; its keys are aws:accessKey, .*aws:region/,
    );
  });

  it("every string setting has a secure: stand-in that its own schema accepts", () => {
    for (const [section, schema] of Object.entries(CONFIG_SECTIONS)) {
      for (const [field, fieldSchema] of Object.entries((schema as z.AnyZodObject).shape)) {
        const example = secretExample(`datalake:${section}`, [field]);
        const acceptsString =
          (fieldSchema as z.ZodTypeAny).safeParse("x").success ||
          (fieldSchema as z.ZodTypeAny).safeParse(example ?? "").success;
        if (example === null) {
          assert.ok(!acceptsString, `${section}.${field} takes strings but has no stand-in`);
          continue;
        }
        assert.ok(
          (fieldSchema as z.ZodTypeAny).safeParse(example).success,
          `${section}.${field}: stand-in ${JSON.stringify(example)} is rejected`,
        );
      }
    }
    assert.strictEqual(secretExample("datalake:speed", ["alarmEmail"]), "alarm@example.com");
    assert.strictEqual(secretExample("datalake:speed", []), undefined, "a whole section cannot be a secret");
    assert.strictEqual(secretExample("aws:secretKey", []), null);
  });

  it("a section holding a secure e-mail address validates offline", () => {
    const c = parseConfig({ speed: { alarmEmail: secretExample("datalake:speed", ["alarmEmail"]) } });
    assert.strictEqual(c.speed.alarmEmail, "alarm@example.com");
  });
});
