/**
 * Wrong types never pass: for every rule, a checked property that is present with the wrong type
 * (or a policy document that does not parse) is a violation that names the property — before,
 * such values compared with NaN or as "not equal" and the rules passed. Run through the real pack
 * process, like rules.test.ts; one case per rule (a test fails for a rule without an entry).
 */
import * as assert from "assert";
import { allPolicies } from "../../policies/rules";
import { editDistance, nearest } from "../../policies/rules/common";
import { ExportedResource, nestingDepth, PackSession, PolicyConfigMap } from "../../tools/offline/policyGate";
import {
  asyncFunction,
  domainWithAlarms,
  failureQueue,
  GLUE_PATTERN,
  jobWithRule,
  lakeBucket,
  patch,
  seeds,
  state,
  streamWithAlarm,
} from "./fixtures";

interface TypeCase {
  /** The state with one property of the wrong type. */
  readonly resources: ExportedResource[];
  /** What the violation must say: the property's path and what is wrong with it. */
  readonly says: string;
}

const bucketWith = (part: string, path: string, value: unknown) =>
  lakeBucket("lake").map((r) => (r.urn.endsWith(`::lake-${part}`) ? patch(r, path, value) : r));

const with_ = (r: ExportedResource, path: string, value: unknown) => [patch(r, path, value)];

/** A graph with one property of the resource named `name` set to `value`. */
const withAt = (rs: ExportedResource[], name: string, path: string, value: unknown) =>
  rs.map((r) => (r.urn.endsWith(`::${name}`) ? patch(r, path, value) : r));

const CASES: Record<string, TypeCase | { readonly readsNoProperty: string }> = {
  "datalake-s3-bucket-requires-sse-kms": {
    resources: bucketWith("sse", "rules.0.bucketKeyEnabled", "yes"),
    says: 'rules[0].bucketKeyEnabled is the string "yes", not true or false',
  },
  "datalake-s3-bucket-blocks-public-access": {
    resources: bucketWith("pab", "blockPublicAcls", "true"),
    says: 'blockPublicAcls is the string "true", not true or false',
  },
  "datalake-s3-bucket-denies-insecure-transport": {
    resources: bucketWith("policy", "policy", JSON.stringify({ Version: "2012-10-17", Statement: 5 })),
    says: "policy.Statement is the number 5, not a list",
  },
  "datalake-s3-bucket-enables-versioning": {
    resources: bucketWith("versioning", "versioningConfiguration.status", 1),
    says: "versioningConfiguration.status is the number 1, not a string",
  },
  "datalake-s3-bucket-expires-lake-data": {
    resources: bucketWith("lifecycle", "rules.0.expiration.days", "thirty"),
    says: 'rules[0].expiration.days is the string "thirty", not a number',
  },
  "datalake-kms-key-enables-rotation": {
    resources: with_(seeds.kmsKey(), "enableKeyRotation", "true"),
    says: 'enableKeyRotation is the string "true", not true or false',
  },
  "datalake-kms-key-bounds-deletion-window": {
    resources: with_(seeds.kmsKey(), "deletionWindowInDays", "thirty"),
    says: 'deletionWindowInDays is the string "thirty", not a number',
  },
  "datalake-cloudwatch-loggroup-sets-retention": {
    resources: with_(seeds.logGroup(), "retentionInDays", { days: 30 }),
    says: "retentionInDays is an object, not a number",
  },
  "datalake-cloudwatch-loggroup-requires-kms-key": {
    resources: with_(seeds.logGroup(), "kmsKeyId", 5),
    says: "kmsKeyId is the number 5, not a string",
  },
  "datalake-firehose-deliverystream-requires-sse-cmk": {
    resources: with_(seeds.firehose(), "serverSideEncryption.enabled", "true"),
    says: 'serverSideEncryption.enabled is the string "true", not true or false',
  },
  "datalake-firehose-deliverystream-requires-error-prefix": {
    resources: with_(seeds.firehose(), "extendedS3Configuration.errorOutputPrefix", 5),
    says: "extendedS3Configuration.errorOutputPrefix is the number 5, not a string",
  },
  "datalake-firehose-deliverystream-enables-delivery-logging": {
    resources: with_(seeds.firehose(), "extendedS3Configuration.cloudwatchLoggingOptions", "on"),
    says: 'extendedS3Configuration.cloudwatchLoggingOptions is the string "on", not an object',
  },
  "datalake-opensearch-domain-encrypts-at-rest": {
    resources: with_(seeds.domain(), "encryptAtRest.enabled", "yes"),
    says: 'encryptAtRest.enabled is the string "yes", not true or false',
  },
  "datalake-opensearch-domain-encrypts-node-to-node": {
    resources: with_(seeds.domain(), "nodeToNodeEncryption", true),
    says: "nodeToNodeEncryption is the boolean true, not an object",
  },
  "datalake-opensearch-domain-enforces-https-tls12": {
    resources: with_(seeds.domain(), "domainEndpointOptions.enforceHttps", "true"),
    says: 'domainEndpointOptions.enforceHttps is the string "true", not true or false',
  },
  "datalake-opensearch-domain-enables-fine-grained-access": {
    resources: with_(seeds.domain(), "advancedSecurityOptions.enabled", 1),
    says: "advancedSecurityOptions.enabled is the number 1, not true or false",
  },
  "datalake-opensearch-domain-requires-vpc": {
    resources: with_(seeds.domain(), "vpcOptions.subnetIds", "subnet-1"),
    says: 'vpcOptions.subnetIds is the string "subnet-1", not a list of strings',
  },
  "datalake-opensearch-domain-publishes-logs": {
    resources: with_(seeds.domain(), "logPublishingOptions", { logType: "ES_APPLICATION_LOGS" }),
    says: "logPublishingOptions is an object, not a list",
  },
  "datalake-glue-job-requires-security-configuration": {
    resources: with_(seeds.glueJob(), "securityConfiguration", ["lake-sc"]),
    says: "securityConfiguration is a list, not a string",
  },
  "datalake-glue-securityconfiguration-requires-kms": {
    resources: with_(seeds.glueSecurityConfiguration(), "encryptionConfiguration.s3Encryption.kmsKeyArn", 7),
    says: "encryptionConfiguration.s3Encryption.kmsKeyArn is the number 7, not a string",
  },
  "datalake-athena-workgroup-enforces-configuration": {
    resources: with_(seeds.athenaWorkgroup(), "configuration.enforceWorkgroupConfiguration", "false"),
    says: 'configuration.enforceWorkgroupConfiguration is the string "false", not true or false',
  },
  "datalake-athena-workgroup-encrypts-results-kms": {
    resources: with_(
      seeds.athenaWorkgroup(),
      "configuration.resultConfiguration.encryptionConfiguration.encryptionOption",
      1,
    ),
    says: "configuration.resultConfiguration.encryptionConfiguration.encryptionOption is the number 1, not a string",
  },
  "datalake-athena-workgroup-sets-bytes-scanned-cutoff": {
    resources: with_(seeds.athenaWorkgroup(), "configuration.bytesScannedCutoffPerQuery", "1 GB"),
    says: 'configuration.bytesScannedCutoffPerQuery is the string "1 GB", not a number',
  },
  "datalake-redshift-namespace-requires-kms-key": {
    resources: with_(seeds.rsNamespace(), "kmsKeyId", { arn: "x" }),
    says: "kmsKeyId is an object, not a string",
  },
  "datalake-redshift-workgroup-disallows-public-access": {
    resources: with_(seeds.rsWorkgroup(), "publiclyAccessible", "true"),
    says: 'publiclyAccessible is the string "true", not true or false',
  },
  "datalake-ec2-instance-requires-imdsv2": {
    resources: with_(seeds.instance(), "metadataOptions", "required"),
    says: 'metadataOptions is the string "required", not an object',
  },
  "datalake-ec2-instance-encrypts-volumes": {
    resources: with_(seeds.instance(), "rootBlockDevice.encrypted", "true"),
    says: 'rootBlockDevice.encrypted is the string "true", not true or false',
  },
  "datalake-ec2-instance-disallows-public-ip": {
    resources: with_(seeds.instance(), "associatePublicIpAddress", "true"),
    says: 'associatePublicIpAddress is the string "true", not true or false',
  },
  "datalake-ec2-securitygroup-disallows-world-ingress": {
    resources: with_(seeds.sg(), "ingress.0.cidrBlocks", "0.0.0.0/0"),
    says: 'ingress[0].cidrBlocks is the string "0.0.0.0/0", not a list of strings',
  },
  "datalake-sns-topic-requires-kms": {
    resources: with_(seeds.topic(), "kmsMasterKeyId", true),
    says: "kmsMasterKeyId is the boolean true, not a string",
  },
  "datalake-sqs-queue-requires-kms": {
    resources: with_(seeds.queue(), "kmsMasterKeyId", 0),
    says: "kmsMasterKeyId is the number 0, not a string",
  },
  "datalake-iam-policy-disallows-wildcard-actions": {
    resources: with_(seeds.role(), "assumeRolePolicy", "{ not json"),
    says: 'assumeRolePolicy is not a JSON policy document (the string "{ not json")',
  },
  "datalake-iam-role-disallows-fullaccess-policies": {
    resources: with_(seeds.role(), "managedPolicyArns", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
    says: 'managedPolicyArns is the string "arn:aws:iam::aws:policy/AmazonS3FullAcce…", not a list of strings',
  },
  "datalake-lambda-permission-requires-source-arn": {
    resources: with_(seeds.lambdaPermission(), "sourceArn", ["arn:aws:logs:x"]),
    says: "sourceArn is a list, not a string",
  },
  "datalake-lambda-function-requires-failure-destination": {
    resources: asyncFunction().map((r) =>
      r.urn.endsWith("::forwarder") ? patch(r, "deadLetterConfig", 5) : r,
    ),
    says: "deadLetterConfig is the number 5, not an object",
  },
  "datalake-sqs-queue-requires-depth-alarm": {
    resources: withAt(failureQueue(), "dlq-depth", "threshold", "1"),
    says: 'threshold is the string "1", not a number',
  },
  "datalake-firehose-deliverystream-requires-freshness-alarm": {
    resources: withAt(streamWithAlarm(), "stream", "extendedS3Configuration.bufferingInterval", "60"),
    says: 'extendedS3Configuration.bufferingInterval is the string "60", not a number',
  },
  "datalake-cloudwatch-metricalarm-requires-sns-action": {
    resources: withAt(streamWithAlarm(), "freshness", "alarmActions", "arn:aws:sns:ap-northeast-1:1:ops"),
    says: 'alarmActions is the string "arn:aws:sns:ap-northeast-1:1:ops", not a list',
  },
  "datalake-glue-job-requires-failure-rule": {
    resources: withAt(
      jobWithRule(),
      "job-failed",
      "eventPattern",
      GLUE_PATTERN(["FAILED", "TIMEOUT", "ERROR"]).replace('["FAILED","TIMEOUT","ERROR"]', '"FAILED"'),
    ),
    says: 'eventPattern.detail.state is the string "FAILED", not a list',
  },
  "datalake-opensearch-domain-requires-health-alarms": {
    resources: withAt(domainWithAlarms(), "domain-clusterstatus-red", "dimensions", "search"),
    says: 'dimensions is the string "search", not an object',
  },
  "datalake-stack-statefulresource-requires-protection": {
    readsNoProperty: "it checks the protect option only, which the analyzer protocol sends as a boolean",
  },
};

const ALL_MANDATORY: PolicyConfigMap = { all: { enforcementLevel: "mandatory" } };

describe("policy rules: wrong types never pass", function () {
  let pack: PackSession;
  before(async () => {
    pack = await PackSession.start();
  });
  after(() => pack?.close());

  it("has a case for every rule of the pack", () => {
    assert.deepStrictEqual(Object.keys(CASES).sort(), allPolicies.map((p) => p.name).sort());
  });

  for (const [policy, c] of Object.entries(CASES)) {
    if ("readsNoProperty" in c) continue;
    it(`reports a violation when a property ${policy} checks has the wrong type`, async () => {
      const result = await pack.analyze(state(...c.resources), ALL_MANDATORY);
      const mine = result.violations.filter((v) => v.policy === policy);
      assert.strictEqual(mine.length, 1, JSON.stringify(result.violations, null, 2));
      assert.ok(mine[0].message.includes(c.says), mine[0].message);
      assert.match(mine[0].message, /so this rule cannot check it and fails/);
      assert.strictEqual(mine[0].level, "mandatory");
    });
  }

  it("names the resource of the wrong property in a stack policy, and still checks the other buckets", async () => {
    const broken = bucketWith("versioning", "versioningConfiguration", "Enabled");
    const other = lakeBucket("other", { without: ["versioning"] });
    const result = await pack.analyze(state(...broken, ...other), ALL_MANDATORY);
    const mine = result.violations.filter((v) => v.policy === "datalake-s3-bucket-enables-versioning");
    assert.deepStrictEqual(
      mine.map((v) => v.urn.split("::").pop()),
      ["lake-versioning", "other"],
    );
    assert.match(
      mine[0].message,
      /\nResource "lake-versioning" \(aws:s3\/bucketVersioning:BucketVersioning\): /,
    );
  });

  it("reports a role policy whose Statement is numeric, and an inline policy that is not JSON", async () => {
    const rolePolicy = patch(seeds.rolePolicy(), "policy", JSON.stringify({ Statement: 5 }));
    const role = patch(seeds.role(), "inlinePolicies.0.policy", "not json");
    const result = await pack.analyze(state(rolePolicy, role), ALL_MANDATORY);
    const messages = result.violations
      .filter((v) => v.policy === "datalake-iam-policy-disallows-wildcard-actions")
      .map((v) => v.message);
    assert.strictEqual(messages.length, 2, JSON.stringify(messages));
    assert.ok(messages.some((m) => m.includes("policy.Statement is the number 5, not a list")));
    assert.ok(messages.some((m) => m.includes("inlinePolicies[0].policy is not a JSON policy document")));
  });
});

describe("shared helpers", () => {
  it("measures edit distance and suggests only close names", () => {
    assert.strictEqual(editDistance("minDay", "minDays"), 1);
    assert.strictEqual(editDistance("", "abc"), 3);
    assert.strictEqual(nearest("minDay", ["minDays", "maxDays"]), "minDays");
    assert.strictEqual(nearest("colour", ["minDays", "maxDays"]), undefined);
  });

  it("measures nesting depth without recursion, even 100,000 levels deep", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.strictEqual(nestingDepth(deep), 100_000);
    assert.strictEqual(nestingDepth({ a: [{ b: 1 }] }), 3);
    assert.strictEqual(nestingDepth("x"), 0);
    assert.ok(nestingDepth(deep, 10) > 10);
  });
});
