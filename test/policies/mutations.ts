/**
 * One declared mutation of the rendered prod graph per rule of the pack, each breaking exactly
 * the property the rule guards. Where a rule's resource type is not in the prod graph yet, a
 * compliant seed is planted first and then broken; as the layers land, the same mutation switches
 * to the real resource. Used by the gate's own tests (stacks.test.ts) and by the comparison of
 * the gate with the Pulumi engine (engine.pulumi.ts).
 */
import * as assert from "assert";
import { ExportedResource, ExportedState } from "../../tools/offline/policyGate";
import { asyncFunction, M, patch, seeds, T } from "./fixtures";

export const clone = (s: ExportedState): ExportedState => JSON.parse(JSON.stringify(s));

// ---- Mutation helpers: each returns a new state -----------------------------------------------

const resourcesOf = (s: ExportedState) => s.deployment.resources!;
const ofType = (s: ExportedState, type: string) => resourcesOf(s).filter((r) => r.type === type);

/** The first resource of `type`, planting `seed` (compliant) when the graph has none. */
function ensure(s: ExportedState, type: string, seed: () => ExportedResource): ExportedResource {
  const found = ofType(s, type)[0];
  if (found) return found;
  const planted = seed();
  resourcesOf(s).push(planted);
  return planted;
}

function set(s: ExportedState, r: ExportedResource, dotted: string, value: unknown): ExportedState {
  const list = resourcesOf(s);
  list[list.findIndex((x) => x.urn === r.urn)] = patch(r, dotted, value);
  return s;
}

function remove(s: ExportedState, pred: (r: ExportedResource) => boolean): ExportedState {
  s.deployment.resources = resourcesOf(s).filter((r) => !pred(r));
  return s;
}

/** Change the first resource of a type, planting a compliant seed first if needed. */
const breakFirst =
  (type: string, seed: (() => ExportedResource) | undefined, dotted: string, value: unknown) =>
  (s: ExportedState) => {
    const r = seed ? ensure(s, type, seed) : ofType(s, type)[0];
    assert.ok(r, `no ${type} in the prod graph`);
    return set(s, r, dotted, value);
  };

const dropFirst = (type: string) => (s: ExportedState) => {
  const r = ofType(s, type)[0];
  assert.ok(r, `no ${type} in the prod graph`);
  return remove(s, (x) => x.urn === r.urn);
};

/** A function invoked asynchronously (the forwarder once the speed layer exists), planted otherwise. */
function asyncTarget(s: ExportedState): ExportedResource {
  const targets = new Set(
    resourcesOf(s)
      .filter(
        (r) =>
          r.type === T.subscriptionFilter ||
          (r.type === T.lambdaPermission &&
            /^(logs|sns|s3|events)[.a-z0-9-]*\.amazonaws\.com$/.test(String(r.inputs?.principal))),
      )
      .flatMap((r) => [
        ...(r.propertyDependencies?.destinationArn ?? []),
        ...(r.propertyDependencies?.function ?? []),
      ]),
  );
  const fn = ofType(s, T.lambdaFunction).find((f) => targets.has(f.urn));
  if (fn) return fn;
  const planted = asyncFunction({ dlq: true });
  resourcesOf(s).push(...planted);
  return planted[0];
}

/** The alarm on `metricName` whose dimensions were built from a resource of `targetType`. */
function alarmOn(s: ExportedState, targetType: string, metricName: string): ExportedResource {
  const targets = new Set(ofType(s, targetType).map((r) => r.urn));
  const found = ofType(s, M.alarm).find(
    (r) =>
      r.inputs?.metricName === metricName &&
      (r.propertyDependencies?.dimensions ?? []).some((u) => targets.has(u)),
  );
  assert.ok(found, `no ${metricName} alarm on a ${targetType} in the prod graph`);
  return found;
}

const WORLD_SSH = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
const S3_STAR = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
});

/** One declared mutation per rule: it breaks exactly the property the rule guards. */
export const MUTATIONS: Record<
  string,
  { readonly what: string; readonly apply: (s: ExportedState) => ExportedState }
> = {
  "datalake-s3-bucket-requires-sse-kms": {
    what: "drop the first bucket's encryption configuration",
    apply: dropFirst(T.sse),
  },
  "datalake-s3-bucket-blocks-public-access": {
    what: "turn restrictPublicBuckets off",
    apply: breakFirst(T.pab, undefined, "restrictPublicBuckets", false),
  },
  "datalake-s3-bucket-denies-insecure-transport": {
    what: "drop the first bucket policy",
    apply: dropFirst(T.bucketPolicy),
  },
  "datalake-s3-bucket-enables-versioning": {
    what: "suspend versioning",
    apply: breakFirst(T.versioning, undefined, "versioningConfiguration.status", "Suspended"),
  },
  "datalake-s3-bucket-expires-lake-data": {
    what: "drop the first lifecycle configuration",
    apply: dropFirst(T.lifecycle),
  },
  "datalake-kms-key-enables-rotation": {
    what: "turn key rotation off",
    apply: breakFirst(T.kmsKey, seeds.kmsKey, "enableKeyRotation", false),
  },
  "datalake-kms-key-bounds-deletion-window": {
    what: "shorten the deletion window to 7 days",
    apply: breakFirst(T.kmsKey, seeds.kmsKey, "deletionWindowInDays", 7),
  },
  "datalake-cloudwatch-loggroup-sets-retention": {
    what: "drop a log group's retention",
    apply: breakFirst(T.logGroup, seeds.logGroup, "retentionInDays", undefined),
  },
  "datalake-cloudwatch-loggroup-requires-kms-key": {
    what: "drop a log group's KMS key",
    apply: breakFirst(T.logGroup, seeds.logGroup, "kmsKeyId", undefined),
  },
  "datalake-firehose-deliverystream-requires-sse-cmk": {
    what: "drop the stream's SSE",
    apply: breakFirst(T.firehose, seeds.firehose, "serverSideEncryption", undefined),
  },
  "datalake-firehose-deliverystream-requires-error-prefix": {
    what: "drop the error-output prefix",
    apply: breakFirst(T.firehose, seeds.firehose, "extendedS3Configuration.errorOutputPrefix", undefined),
  },
  "datalake-firehose-deliverystream-enables-delivery-logging": {
    what: "turn delivery logging off",
    apply: breakFirst(
      T.firehose,
      seeds.firehose,
      "extendedS3Configuration.cloudwatchLoggingOptions.enabled",
      false,
    ),
  },
  "datalake-opensearch-domain-encrypts-at-rest": {
    what: "turn encryption at rest off",
    apply: breakFirst(T.domain, seeds.domain, "encryptAtRest.enabled", false),
  },
  "datalake-opensearch-domain-encrypts-node-to-node": {
    what: "turn node-to-node encryption off",
    apply: breakFirst(T.domain, seeds.domain, "nodeToNodeEncryption.enabled", false),
  },
  "datalake-opensearch-domain-enforces-https-tls12": {
    what: "allow TLS 1.0",
    apply: breakFirst(
      T.domain,
      seeds.domain,
      "domainEndpointOptions.tlsSecurityPolicy",
      "Policy-Min-TLS-1-0-2019-07",
    ),
  },
  "datalake-opensearch-domain-enables-fine-grained-access": {
    what: "turn FGAC off",
    apply: breakFirst(T.domain, seeds.domain, "advancedSecurityOptions.enabled", false),
  },
  "datalake-opensearch-domain-requires-vpc": {
    what: "move the domain out of the VPC",
    apply: breakFirst(T.domain, seeds.domain, "vpcOptions", undefined),
  },
  "datalake-opensearch-domain-publishes-logs": {
    what: "stop publishing logs",
    apply: breakFirst(T.domain, seeds.domain, "logPublishingOptions", []),
  },
  "datalake-glue-job-requires-security-configuration": {
    what: "detach the job's security configuration",
    apply: breakFirst(T.glueJob, seeds.glueJob, "securityConfiguration", undefined),
  },
  "datalake-glue-securityconfiguration-requires-kms": {
    what: "turn job bookmark encryption off",
    apply: breakFirst(
      T.glueSecurityConfiguration,
      seeds.glueSecurityConfiguration,
      "encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode",
      "DISABLED",
    ),
  },
  "datalake-athena-workgroup-enforces-configuration": {
    what: "stop enforcing the workgroup configuration",
    apply: breakFirst(
      T.athenaWorkgroup,
      seeds.athenaWorkgroup,
      "configuration.enforceWorkgroupConfiguration",
      false,
    ),
  },
  "datalake-athena-workgroup-encrypts-results-kms": {
    what: "encrypt results with SSE_S3",
    apply: breakFirst(
      T.athenaWorkgroup,
      seeds.athenaWorkgroup,
      "configuration.resultConfiguration.encryptionConfiguration.encryptionOption",
      "SSE_S3",
    ),
  },
  "datalake-athena-workgroup-sets-bytes-scanned-cutoff": {
    what: "drop the bytes-scanned cutoff",
    apply: breakFirst(
      T.athenaWorkgroup,
      seeds.athenaWorkgroup,
      "configuration.bytesScannedCutoffPerQuery",
      undefined,
    ),
  },
  "datalake-redshift-namespace-requires-kms-key": {
    what: "drop the namespace's KMS key",
    apply: breakFirst(T.rsNamespace, seeds.rsNamespace, "kmsKeyId", undefined),
  },
  "datalake-redshift-workgroup-disallows-public-access": {
    what: "make the workgroup public",
    apply: breakFirst(T.rsWorkgroup, seeds.rsWorkgroup, "publiclyAccessible", true),
  },
  "datalake-ec2-instance-requires-imdsv2": {
    what: "make IMDSv2 optional",
    apply: breakFirst(T.instance, seeds.instance, "metadataOptions.httpTokens", "optional"),
  },
  "datalake-ec2-instance-encrypts-volumes": {
    what: "leave the root volume unencrypted",
    apply: breakFirst(T.instance, seeds.instance, "rootBlockDevice.encrypted", false),
  },
  "datalake-ec2-instance-disallows-public-ip": {
    what: "give the generator a public IP",
    apply: breakFirst(T.instance, seeds.instance, "associatePublicIpAddress", true),
  },
  "datalake-ec2-securitygroup-disallows-world-ingress": {
    what: "open SSH to 0.0.0.0/0",
    apply: breakFirst(T.sg, seeds.sg, "ingress", [WORLD_SSH]),
  },
  "datalake-sns-topic-requires-kms": {
    what: "drop the topic's KMS key",
    apply: breakFirst(T.topic, seeds.topic, "kmsMasterKeyId", undefined),
  },
  "datalake-sqs-queue-requires-kms": {
    what: "drop the queue's KMS key",
    apply: breakFirst(T.queue, seeds.queue, "kmsMasterKeyId", undefined),
  },
  "datalake-iam-policy-disallows-wildcard-actions": {
    what: 'grant "s3:*" in a role policy',
    apply: breakFirst(T.rolePolicy, seeds.rolePolicy, "policy", S3_STAR),
  },
  "datalake-iam-role-disallows-fullaccess-policies": {
    what: "attach AmazonS3FullAccess to a role",
    apply: breakFirst(T.role, seeds.role, "managedPolicyArns", [
      "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    ]),
  },
  "datalake-lambda-permission-requires-source-arn": {
    what: "drop a permission's source ARN",
    apply: breakFirst(T.lambdaPermission, seeds.lambdaPermission, "sourceArn", undefined),
  },
  "datalake-lambda-function-requires-failure-destination": {
    what: "drop the async function's dead-letter queue and on-failure destinations",
    apply: (s) => {
      const fn = asyncTarget(s);
      remove(
        s,
        (r) =>
          r.type === T.eventInvokeConfig && (r.propertyDependencies?.functionName ?? []).includes(fn.urn),
      );
      return set(s, fn, "deadLetterConfig", undefined);
    },
  },
  "datalake-sqs-queue-requires-depth-alarm": {
    what: "point the dead-letter queue's alarm at another SQS metric",
    apply: (s) =>
      set(s, alarmOn(s, T.queue, "ApproximateNumberOfMessagesVisible"), "metricName", "NumberOfMessagesSent"),
  },
  "datalake-firehose-deliverystream-requires-freshness-alarm": {
    what: "raise the freshness alarm's threshold to an hour",
    apply: (s) => set(s, alarmOn(s, T.firehose, "DeliveryToS3.DataFreshness"), "threshold", 3600),
  },
  "datalake-cloudwatch-metricalarm-requires-sns-action": {
    what: "drop the heartbeat alarm's actions",
    apply: (s) => {
      const a = alarmOn(s, T.logGroup, "IncomingLogEvents");
      const next = patch(patch(a, "alarmActions", []), "okActions", []);
      next.propertyDependencies = { ...next.propertyDependencies, alarmActions: [], okActions: [] };
      const list = resourcesOf(s);
      list[list.indexOf(a)] = next;
      return s;
    },
  },
  "datalake-glue-job-requires-failure-rule": {
    what: "let the job's failure rule match FAILED only",
    apply: (s) => {
      const rule = ofType(s, M.rule).find((r) => String(r.inputs?.eventPattern).includes("aws.glue"));
      assert.ok(rule, "no Glue failure rule in the prod graph");
      const p = JSON.parse(String(rule.inputs!.eventPattern)) as { detail: { state: string[] } };
      p.detail.state = ["FAILED"];
      return set(s, rule, "eventPattern", JSON.stringify(p));
    },
  },
  "datalake-opensearch-domain-requires-health-alarms": {
    what: "turn the red-status alarm into a CPU alarm",
    apply: (s) => set(s, alarmOn(s, T.domain, "ClusterStatus.red"), "metricName", "CPUUtilization"),
  },
  "datalake-stack-statefulresource-requires-protection": {
    what: "unprotect the first bucket",
    apply: (s) => {
      const b = ofType(s, T.bucket)[0];
      assert.ok(b, "no bucket in the prod graph");
      b.protect = false;
      return s;
    },
  },
};
