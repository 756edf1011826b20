/**
 * Every rule, through the same path the gate uses: the real pack process (policies/index.ts) over
 * the analyzer gRPC protocol, one pack per file. Per rule: a compliant state, a violating one,
 * the wrong resource type (not applicable), a value unknown at preview (advisory "can't run"),
 * and the `...V2` tokens where pulumi-aws has them.
 *
 * A rule's graph is complete: besides the resources the rule checks, `run` adds the monitoring a
 * real stack gives them (fixtures.monitored: alarms, failure rules, the topic), so "compliant"
 * means compliant with the whole pack and a violating graph must break exactly the rule under
 * test. The monitoring rules' own graphs are built complete (or deliberately incomplete) by hand.
 */
import * as assert from "assert";
import { allPolicies } from "../../policies/rules";
import { monitoringPolicies } from "../../policies/rules/monitoring";
import { ExportedResource, GateResult, PackSession, PolicyConfigMap } from "../../tools/offline/policyGate";
import {
  alarm,
  asyncFunction,
  DOMAIN_METRICS,
  domainWithAlarms,
  failureQueue,
  jobWithRule,
  lakeBucket,
  monitored,
  patch,
  res,
  seeds,
  state,
  streamWithAlarm,
  T,
  UNKNOWN_STRING,
} from "./fixtures";

interface RuleCase {
  readonly compliant: ExportedResource[][];
  readonly violating: ExportedResource[][];
  /** States the rule does not apply to. */
  readonly notApplicable: ExportedResource[][];
  /** A state where a value the rule reads is unknown. */
  readonly unknown: ExportedResource[];
  readonly config?: Record<string, unknown>;
}

const bucketWith = (name: string, part: string, path: string, value: unknown, v2 = false) =>
  lakeBucket(name, { v2 }).map((r) => (r.urn.endsWith(`::${name}-${part}`) ? patch(r, path, value) : r));

const withAt = (rs: ExportedResource[], name: string, dotted: string, value: unknown) =>
  rs.map((r) => (r.urn.endsWith(`::${name}`) ? patch(r, dotted, value) : r));

const CASES: Record<string, RuleCase> = {
  "datalake-s3-bucket-requires-sse-kms": {
    compliant: [lakeBucket("lake"), lakeBucket("lake", { v2: true })],
    violating: [
      lakeBucket("lake", { without: ["sse"] }),
      bucketWith("lake", "sse", "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm", "AES256"),
      bucketWith("lake", "sse", "rules.0.bucketKeyEnabled", false, true),
      lakeBucket("lake", { v2: true, without: ["sse"] }),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: bucketWith(
      "lake",
      "sse",
      "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId",
      UNKNOWN_STRING,
    ),
  },
  "datalake-s3-bucket-blocks-public-access": {
    compliant: [lakeBucket("lake"), lakeBucket("lake", { v2: true })],
    violating: [
      lakeBucket("lake", { without: ["pab"] }),
      bucketWith("lake", "pab", "restrictPublicBuckets", false, true),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: bucketWith("lake", "pab", "blockPublicPolicy", UNKNOWN_STRING),
  },
  "datalake-s3-bucket-denies-insecure-transport": {
    compliant: [lakeBucket("lake"), lakeBucket("lake", { v2: true })],
    violating: [
      lakeBucket("lake", { without: ["policy"] }),
      bucketWith(
        "lake",
        "policy",
        "policy",
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
        }),
        true,
      ),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: bucketWith("lake", "policy", "policy", UNKNOWN_STRING),
  },
  "datalake-s3-bucket-enables-versioning": {
    compliant: [lakeBucket("lake"), lakeBucket("lake", { v2: true })],
    violating: [
      lakeBucket("lake", { without: ["versioning"] }),
      bucketWith("lake", "versioning", "versioningConfiguration.status", "Suspended", true),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: bucketWith("lake", "versioning", "versioningConfiguration.status", UNKNOWN_STRING),
  },
  "datalake-s3-bucket-expires-lake-data": {
    config: { minExpirationDays: 7, maxExpirationDays: 3653 },
    compliant: [lakeBucket("lake"), lakeBucket("lake", { v2: true })],
    violating: [
      lakeBucket("lake", { without: ["lifecycle"] }),
      lakeBucket("lake", { v2: true, without: ["lifecycle"] }),
      bucketWith("lake", "lifecycle", "rules.0.expiration.days", 3),
      bucketWith("lake", "lifecycle", "rules.0.expiration", undefined, true),
      bucketWith("lake", "lifecycle", "rules.0.noncurrentVersionExpiration", undefined),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: bucketWith("lake", "lifecycle", "rules.0.expiration.days", UNKNOWN_STRING),
  },
  "datalake-kms-key-enables-rotation": {
    compliant: [[seeds.kmsKey()]],
    violating: [
      [patch(seeds.kmsKey(), "enableKeyRotation", false)],
      [patch(seeds.kmsKey(), "enableKeyRotation", undefined)],
    ],
    notApplicable: [[seeds.logGroup()], [patch(seeds.kmsKey(), "customerMasterKeySpec", "RSA_2048")]],
    unknown: [patch(seeds.kmsKey(), "enableKeyRotation", UNKNOWN_STRING)],
  },
  "datalake-kms-key-bounds-deletion-window": {
    config: { minDays: 14, maxDays: 30 },
    compliant: [[seeds.kmsKey()], [patch(seeds.kmsKey(), "deletionWindowInDays", undefined)]],
    violating: [[patch(seeds.kmsKey(), "deletionWindowInDays", 7)]],
    notApplicable: [[seeds.logGroup()]],
    unknown: [patch(seeds.kmsKey(), "deletionWindowInDays", UNKNOWN_STRING)],
  },
  "datalake-cloudwatch-loggroup-sets-retention": {
    config: { minDays: 90, maxDays: 3653 },
    compliant: [[seeds.logGroup()]],
    violating: [
      [patch(seeds.logGroup(), "retentionInDays", undefined)],
      [patch(seeds.logGroup(), "retentionInDays", 14)],
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.logGroup(), "retentionInDays", UNKNOWN_STRING)],
  },
  "datalake-cloudwatch-loggroup-requires-kms-key": {
    compliant: [[seeds.logGroup()]],
    violating: [[patch(seeds.logGroup(), "kmsKeyId", undefined)]],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.logGroup(), "kmsKeyId", UNKNOWN_STRING)],
  },
  "datalake-firehose-deliverystream-requires-sse-cmk": {
    compliant: [[seeds.firehose()]],
    violating: [
      [patch(seeds.firehose(), "serverSideEncryption", undefined)],
      [patch(seeds.firehose(), "serverSideEncryption.keyType", "AWS_OWNED_CMK")],
    ],
    notApplicable: [
      [seeds.logGroup()],
      [patch(seeds.firehose(), "kinesisSourceConfiguration", { kinesisStreamArn: "arn", roleArn: "arn" })],
    ],
    unknown: [patch(seeds.firehose(), "serverSideEncryption.keyArn", UNKNOWN_STRING)],
  },
  "datalake-firehose-deliverystream-requires-error-prefix": {
    compliant: [[seeds.firehose()]],
    violating: [[patch(seeds.firehose(), "extendedS3Configuration.errorOutputPrefix", undefined)]],
    notApplicable: [
      [seeds.logGroup()],
      [patch(patch(seeds.firehose(), "destination", "http_endpoint"), "extendedS3Configuration", undefined)],
    ],
    unknown: [patch(seeds.firehose(), "extendedS3Configuration.errorOutputPrefix", UNKNOWN_STRING)],
  },
  "datalake-firehose-deliverystream-enables-delivery-logging": {
    compliant: [[seeds.firehose()]],
    violating: [
      [patch(seeds.firehose(), "extendedS3Configuration.cloudwatchLoggingOptions", undefined)],
      [patch(seeds.firehose(), "extendedS3Configuration.cloudwatchLoggingOptions.enabled", false)],
    ],
    notApplicable: [[seeds.logGroup()]],
    unknown: [
      patch(
        seeds.firehose(),
        "extendedS3Configuration.cloudwatchLoggingOptions.logGroupName",
        UNKNOWN_STRING,
      ),
    ],
  },
  "datalake-opensearch-domain-encrypts-at-rest": {
    compliant: [[seeds.domain()]],
    violating: [
      [patch(seeds.domain(), "encryptAtRest.enabled", false)],
      [patch(seeds.domain(), "encryptAtRest.kmsKeyId", undefined)],
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.domain(), "encryptAtRest.kmsKeyId", UNKNOWN_STRING)],
  },
  "datalake-opensearch-domain-encrypts-node-to-node": {
    compliant: [[seeds.domain()]],
    violating: [[patch(seeds.domain(), "nodeToNodeEncryption", undefined)]],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.domain(), "nodeToNodeEncryption.enabled", UNKNOWN_STRING)],
  },
  "datalake-opensearch-domain-enforces-https-tls12": {
    compliant: [
      [seeds.domain()],
      [patch(seeds.domain(), "domainEndpointOptions.tlsSecurityPolicy", "Policy-Min-TLS-1-2-2019-07")],
    ],
    violating: [
      [patch(seeds.domain(), "domainEndpointOptions.tlsSecurityPolicy", "Policy-Min-TLS-1-0-2019-07")],
      [patch(seeds.domain(), "domainEndpointOptions.enforceHttps", false)],
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.domain(), "domainEndpointOptions.tlsSecurityPolicy", UNKNOWN_STRING)],
  },
  "datalake-opensearch-domain-enables-fine-grained-access": {
    compliant: [[seeds.domain()]],
    violating: [
      [patch(seeds.domain(), "advancedSecurityOptions", undefined)],
      [patch(seeds.domain(), "advancedSecurityOptions.anonymousAuthEnabled", true)],
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.domain(), "advancedSecurityOptions.enabled", UNKNOWN_STRING)],
  },
  "datalake-opensearch-domain-requires-vpc": {
    compliant: [[seeds.domain()]],
    violating: [[patch(seeds.domain(), "vpcOptions", undefined)]],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.domain(), "vpcOptions.subnetIds", UNKNOWN_STRING)],
  },
  "datalake-opensearch-domain-publishes-logs": {
    config: { requiredLogTypes: ["ES_APPLICATION_LOGS"] },
    compliant: [[seeds.domain()]],
    violating: [
      [patch(seeds.domain(), "logPublishingOptions", [])],
      [patch(seeds.domain(), "logPublishingOptions.0.enabled", false)],
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.domain(), "logPublishingOptions.0.logType", UNKNOWN_STRING)],
  },
  "datalake-glue-job-requires-security-configuration": {
    compliant: [[seeds.glueJob(), seeds.glueCrawler()]],
    violating: [
      [patch(seeds.glueJob(), "securityConfiguration", undefined)],
      [patch(seeds.glueCrawler(), "securityConfiguration", "")],
    ],
    notApplicable: [[seeds.glueSecurityConfiguration()]],
    unknown: [patch(seeds.glueJob(), "securityConfiguration", UNKNOWN_STRING)],
  },
  "datalake-glue-securityconfiguration-requires-kms": {
    compliant: [[seeds.glueSecurityConfiguration()]],
    violating: [
      [
        patch(
          seeds.glueSecurityConfiguration(),
          "encryptionConfiguration.s3Encryption.s3EncryptionMode",
          "SSE-S3",
        ),
      ],
      [
        patch(
          seeds.glueSecurityConfiguration(),
          "encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode",
          "DISABLED",
        ),
      ],
      [
        patch(
          seeds.glueSecurityConfiguration(),
          "encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode",
          "DISABLED",
        ),
      ],
    ],
    notApplicable: [[seeds.glueJob()]],
    unknown: [
      patch(
        seeds.glueSecurityConfiguration(),
        "encryptionConfiguration.s3Encryption.kmsKeyArn",
        UNKNOWN_STRING,
      ),
    ],
  },
  "datalake-athena-workgroup-enforces-configuration": {
    compliant: [[seeds.athenaWorkgroup()]],
    violating: [[patch(seeds.athenaWorkgroup(), "configuration.enforceWorkgroupConfiguration", false)]],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.athenaWorkgroup(), "configuration.enforceWorkgroupConfiguration", UNKNOWN_STRING)],
  },
  "datalake-athena-workgroup-encrypts-results-kms": {
    compliant: [[seeds.athenaWorkgroup()]],
    violating: [
      [
        patch(
          seeds.athenaWorkgroup(),
          "configuration.resultConfiguration.encryptionConfiguration.encryptionOption",
          "SSE_S3",
        ),
      ],
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [
      patch(
        seeds.athenaWorkgroup(),
        "configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn",
        UNKNOWN_STRING,
      ),
    ],
  },
  "datalake-athena-workgroup-sets-bytes-scanned-cutoff": {
    config: { maxBytesScannedCutoffPerQuery: 10737418240 },
    compliant: [[seeds.athenaWorkgroup()]],
    violating: [
      [patch(seeds.athenaWorkgroup(), "configuration.bytesScannedCutoffPerQuery", undefined)],
      [patch(seeds.athenaWorkgroup(), "configuration.bytesScannedCutoffPerQuery", 10737418240 * 2)],
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: [patch(seeds.athenaWorkgroup(), "configuration.bytesScannedCutoffPerQuery", UNKNOWN_STRING)],
  },
  "datalake-redshift-namespace-requires-kms-key": {
    compliant: [[seeds.rsNamespace(), seeds.rsCluster()]],
    violating: [
      [patch(seeds.rsNamespace(), "kmsKeyId", undefined)],
      [patch(seeds.rsCluster(), "encrypted", "false")],
    ],
    notApplicable: [[seeds.rsWorkgroup()]],
    unknown: [patch(seeds.rsNamespace(), "kmsKeyId", UNKNOWN_STRING)],
  },
  "datalake-redshift-workgroup-disallows-public-access": {
    compliant: [[seeds.rsWorkgroup(), seeds.rsCluster()]],
    violating: [
      [patch(seeds.rsWorkgroup(), "publiclyAccessible", true)],
      [patch(seeds.rsCluster(), "publiclyAccessible", true)],
    ],
    notApplicable: [[seeds.rsNamespace()]],
    unknown: [patch(seeds.rsWorkgroup(), "publiclyAccessible", UNKNOWN_STRING)],
  },
  "datalake-ec2-instance-requires-imdsv2": {
    compliant: [[seeds.instance(), seeds.launchTemplate()]],
    violating: [
      [patch(seeds.instance(), "metadataOptions.httpTokens", "optional")],
      [patch(seeds.launchTemplate(), "metadataOptions", undefined)],
    ],
    notApplicable: [[seeds.volume()]],
    unknown: [patch(seeds.instance(), "metadataOptions.httpTokens", UNKNOWN_STRING)],
  },
  "datalake-ec2-instance-encrypts-volumes": {
    compliant: [[seeds.instance(), seeds.volume()]],
    violating: [
      [patch(seeds.instance(), "rootBlockDevice.encrypted", false)],
      [patch(seeds.instance(), "ebsBlockDevices", [{ deviceName: "/dev/sdb", encrypted: false }])],
      [patch(seeds.volume(), "encrypted", undefined)],
    ],
    notApplicable: [[seeds.launchTemplate()]],
    unknown: [patch(seeds.instance(), "rootBlockDevice.encrypted", UNKNOWN_STRING)],
  },
  "datalake-ec2-instance-disallows-public-ip": {
    config: { allowPublicIp: false },
    compliant: [[seeds.instance()]],
    violating: [[patch(seeds.instance(), "associatePublicIpAddress", true)]],
    notApplicable: [[seeds.volume()]],
    unknown: [patch(seeds.instance(), "associatePublicIpAddress", UNKNOWN_STRING)],
  },
  "datalake-ec2-securitygroup-disallows-world-ingress": {
    compliant: [[seeds.sg(), seeds.sgRule(), seeds.sgIngressRule(), patch(seeds.sgRule(), "type", "egress")]],
    violating: [
      [patch(seeds.sg(), "ingress.0.cidrBlocks", ["0.0.0.0/0"])],
      [patch(seeds.sg(), "ingress.0.ipv6CidrBlocks", ["::/0"])],
      [patch(seeds.sgRule(), "cidrBlocks", ["0.0.0.0/0"])],
      [patch(seeds.sgIngressRule(), "cidrIpv4", "0.0.0.0/0")],
    ],
    notApplicable: [[seeds.instance()]],
    unknown: [patch(seeds.sg(), "ingress.0.cidrBlocks", UNKNOWN_STRING)],
  },
  "datalake-sns-topic-requires-kms": {
    compliant: [[seeds.topic()]],
    violating: [[patch(seeds.topic(), "kmsMasterKeyId", undefined)]],
    notApplicable: [[seeds.queue()]],
    unknown: [patch(seeds.topic(), "kmsMasterKeyId", UNKNOWN_STRING)],
  },
  "datalake-sqs-queue-requires-kms": {
    compliant: [[seeds.queue()]],
    violating: [[patch(patch(seeds.queue(), "kmsMasterKeyId", undefined), "sqsManagedSseEnabled", true)]],
    notApplicable: [[seeds.topic()]],
    unknown: [patch(seeds.queue(), "kmsMasterKeyId", UNKNOWN_STRING)],
  },
  "datalake-iam-policy-disallows-wildcard-actions": {
    compliant: [[seeds.role(), seeds.rolePolicy()]],
    violating: [
      [
        patch(
          seeds.rolePolicy(),
          "policy",
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
          }),
        ),
      ],
      [
        patch(
          seeds.role(),
          "inlinePolicies.0.policy",
          JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["*"], Resource: "*" }] }),
        ),
      ],
      [
        res(T.iamPolicy, "p", {
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }],
          },
        }),
      ],
    ],
    notApplicable: [[seeds.rolePolicyAttachment()]],
    unknown: [patch(seeds.rolePolicy(), "policy", UNKNOWN_STRING)],
  },
  "datalake-iam-role-disallows-fullaccess-policies": {
    compliant: [[seeds.role(), seeds.rolePolicyAttachment()]],
    violating: [
      [patch(seeds.rolePolicyAttachment(), "policyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess")],
      [
        patch(seeds.role(), "managedPolicyArns", [
          "arn:aws:iam::aws:policy/AmazonOpenSearchServiceFullAccess",
        ]),
      ],
    ],
    notApplicable: [[seeds.rolePolicy()]],
    unknown: [patch(seeds.rolePolicyAttachment(), "policyArn", UNKNOWN_STRING)],
  },
  "datalake-lambda-permission-requires-source-arn": {
    compliant: [[seeds.lambdaPermission()]],
    violating: [[patch(seeds.lambdaPermission(), "sourceArn", undefined)]],
    notApplicable: [
      [seeds.topic()],
      [patch(patch(seeds.lambdaPermission(), "principal", "123456789012"), "sourceArn", undefined)],
    ],
    unknown: [patch(seeds.lambdaPermission(), "sourceArn", UNKNOWN_STRING)],
  },
  "datalake-lambda-function-requires-failure-destination": {
    compliant: [asyncFunction({ dlq: true }), asyncFunction({ onFailure: true }), [asyncFunction({})[0]]],
    violating: [asyncFunction({})],
    notApplicable: [[seeds.topic()]],
    unknown: asyncFunction({}).map((r, i) => (i === 1 ? patch(r, "principal", UNKNOWN_STRING) : r)),
  },
  "datalake-stack-statefulresource-requires-protection": {
    config: { requireProtection: true },
    compliant: [
      [seeds.kmsKey(), seeds.domain(), seeds.rsNamespace(), seeds.rsCluster(), seeds.catalogDatabase()],
      lakeBucket("lake"),
      lakeBucket("lake", { v2: true }),
    ],
    violating: [
      [{ ...seeds.kmsKey(), protect: false }],
      [{ ...seeds.catalogDatabase(), protect: false }],
      [
        { ...lakeBucket("lake", { v2: true })[0], protect: false },
        ...lakeBucket("lake", { v2: true }).slice(1),
      ],
    ],
    notApplicable: [[seeds.logGroup()]],
    // Protection is an option, never unknown; an unknown property of the resource does not matter.
    unknown: [],
  },
  "datalake-sqs-queue-requires-depth-alarm": {
    config: { maxThreshold: 5 },
    compliant: [failureQueue(), failureQueue({ viaDeadLetterConfig: true }), failureQueue({ threshold: 5 })],
    violating: [
      failureQueue({ alarm: false }),
      failureQueue({ alarm: false, viaDeadLetterConfig: true }),
      failureQueue({ threshold: 6 }),
      withAt(failureQueue(), "dlq-depth", "metricName", "NumberOfMessagesSent"),
    ],
    // A queue that catches no failures needs no depth alarm.
    notApplicable: [[seeds.queue()], [seeds.kmsKey()]],
    unknown: withAt(failureQueue(), "dlq-depth", "metricName", UNKNOWN_STRING),
  },
  "datalake-firehose-deliverystream-requires-freshness-alarm": {
    config: { maxBufferFactor: 2 },
    compliant: [
      streamWithAlarm(),
      streamWithAlarm({ buffer: 0, threshold: 120 }),
      streamWithAlarm({ buffer: 300, threshold: 600 }),
    ],
    violating: [
      streamWithAlarm({ alarm: false }),
      streamWithAlarm({ threshold: 121 }),
      withAt(streamWithAlarm(), "freshness", "metricName", "IncomingRecords"),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: withAt(streamWithAlarm(), "freshness", "metricName", UNKNOWN_STRING),
  },
  "datalake-cloudwatch-metricalarm-requires-sns-action": {
    compliant: [streamWithAlarm(), failureQueue()],
    violating: [
      [
        seeds.topic(),
        seeds.firehose(),
        alarm("freshness", seeds.firehose(), "AWS/Firehose", "DeliveryToS3.DataFreshness", 1, {
          topic: null,
        }),
      ],
      withAt(streamWithAlarm(), "freshness", "actionsEnabled", false),
    ],
    notApplicable: [[seeds.topic()]],
    unknown: withAt(streamWithAlarm(), "freshness", "actionsEnabled", UNKNOWN_STRING),
  },
  "datalake-glue-job-requires-failure-rule": {
    compliant: [jobWithRule(), jobWithRule({ states: ["FAILED", "TIMEOUT", "ERROR", "STOPPED"] })],
    violating: [
      jobWithRule({ rule: false }),
      jobWithRule({ target: false }),
      jobWithRule({ states: ["FAILED"] }),
      withAt(jobWithRule(), "job-failed", "eventPattern", JSON.stringify({ source: ["aws.s3"] })),
    ],
    notApplicable: [[seeds.glueCrawler()]],
    unknown: withAt(jobWithRule(), "job-failed", "eventPattern", UNKNOWN_STRING),
  },
  "datalake-opensearch-domain-requires-health-alarms": {
    compliant: [domainWithAlarms(), domainWithAlarms([...DOMAIN_METRICS, "ClusterStatus.yellow"])],
    violating: [
      domainWithAlarms([]),
      domainWithAlarms(DOMAIN_METRICS.slice(1)),
      domainWithAlarms(DOMAIN_METRICS.filter((m) => m !== "KMSKeyInaccessible")),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: withAt(domainWithAlarms(), "domain-freestoragespace", "metricName", UNKNOWN_STRING),
  },
};

const MONITORING = new Set(monitoringPolicies.map((p) => p.name));

describe("policy rules (through the gate's gRPC path)", function () {
  let pack: PackSession;
  before(async () => {
    pack = await PackSession.start();
  });
  after(() => pack?.close());

  /** The graph a case is run on: complete with its monitoring, except for the monitoring rules' own. */
  const graph = (policy: string, resources: ExportedResource[]) =>
    MONITORING.has(policy) ? resources : monitored(resources);

  const run = (policy: string, resources: ExportedResource[]): Promise<GateResult> => {
    const config: PolicyConfigMap = { all: { enforcementLevel: "mandatory" } };
    const props = CASES[policy].config;
    if (props) config[policy] = { properties: props };
    // The protection rule fires only where asked; the other rules' seeds are protected anyway.
    if (policy !== "datalake-stack-statefulresource-requires-protection") {
      config["datalake-stack-statefulresource-requires-protection"] = {
        properties: { requireProtection: true },
      };
    }
    return pack.analyze(state(...graph(policy, resources)), config);
  };

  it("has a case for every rule of the pack", () => {
    assert.deepStrictEqual(Object.keys(CASES).sort(), allPolicies.map((p) => p.name).sort());
  });

  for (const [policy, c] of Object.entries(CASES)) {
    describe(policy, () => {
      c.compliant.forEach((resources, i) => {
        it(`passes compliant resources (${i + 1})`, async () => {
          const result = await run(policy, resources);
          assert.deepStrictEqual(result.violations, []);
          assert.ok(!result.notApplicable.some((n) => n.policy === policy), `${policy} did not apply`);
        });
      });
      c.violating.forEach((resources, i) => {
        it(`reports a violation when the guarded property is broken (${i + 1})`, async () => {
          const result = await run(policy, resources);
          assert.ok(result.violations.length > 0, "no violation");
          assert.deepStrictEqual(
            [...new Set(result.violations.map((v) => `${v.level} ${v.policy}`))],
            [`mandatory ${policy}`],
          );
          const all = graph(policy, resources);
          for (const v of result.violations) {
            assert.ok(
              all.some((r) => r.urn === v.urn),
              `violation names ${v.urn}`,
            );
            assert.match(v.message, /\.\s|\.$/);
          }
          assert.strictEqual(result.summary.passed, false);
        });
      });
      c.notApplicable.forEach((resources, i) => {
        it(`is not applicable to other resources (${i + 1})`, async () => {
          const result = await run(policy, resources);
          assert.deepStrictEqual(
            result.violations.filter((v) => v.policy === policy),
            [],
          );
          assert.ok(
            result.notApplicable.some((n) => n.policy === policy),
            `${policy} applied`,
          );
        });
      });
      if (c.unknown.length) {
        it("downgrades to advisory when a value is unknown at preview", async () => {
          const result = await run(policy, c.unknown);
          const mine = result.violations.filter((v) => v.policy === policy);
          assert.strictEqual(mine.length, 1, JSON.stringify(result.violations));
          assert.strictEqual(mine[0].level, "advisory");
          assert.match(mine[0].message, /can't run policy .* during preview/);
          assert.deepStrictEqual(
            result.violations.filter((v) => v.level === "mandatory"),
            [],
          );
        });
      }
    });
  }
});
