/**
 * Synthetic stack-export resources for the policy tests: one compliant seed per resource type the
 * pack checks, helpers to link resources through property dependencies, and a deep patch that
 * changes a value in both inputs (what resource policies read) and outputs (what stack policies
 * read).
 */
import { ExportedResource, ExportedState, UNKNOWN_STRING } from "../../tools/offline/policyGate";
import { DOMAIN_ALARM_DEFAULTS } from "../../policies/rules/monitoring";

export { UNKNOWN_STRING };

export const ARN_KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/11111111-2222-3333-4444-555555555555";
export const STACK_URN = "urn:pulumi:test::datalake::pulumi:pulumi:Stack::datalake-test";

export type Props = Record<string, unknown>;

/** A custom resource whose outputs equal its inputs (plus an id), parented to the stack. */
export function res(
  type: string,
  name: string,
  props: Props,
  opts: { protect?: boolean; deps?: Record<string, ExportedResource[]> } = {},
): ExportedResource {
  const urn = `urn:pulumi:test::datalake::${type}::${name}`;
  const inputs = JSON.parse(JSON.stringify(props)) as Props;
  const propertyDependencies: Record<string, string[]> = {};
  for (const k of Object.keys(inputs)) propertyDependencies[k] = [];
  for (const [k, rs] of Object.entries(opts.deps ?? {})) propertyDependencies[k] = rs.map((r) => r.urn);
  return {
    urn,
    custom: true,
    type,
    id: `${name}-id`,
    inputs,
    outputs: { ...JSON.parse(JSON.stringify(props)), id: `${name}-id` },
    parent: STACK_URN,
    dependencies: [...new Set(Object.values(propertyDependencies).flat())],
    propertyDependencies,
    ...(opts.protect ? { protect: true } : {}),
  };
}

export function state(...resources: ExportedResource[]): ExportedState {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.248.0" },
      resources: [
        { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", inputs: {}, outputs: {} },
        ...resources,
      ],
    },
  };
}

/** Sets (or with `undefined`, deletes) the value at a dotted path (`a.b.0.c`) in inputs and outputs. */
export function patch(r: ExportedResource, dotted: string, value: unknown): ExportedResource {
  const copy = JSON.parse(JSON.stringify(r)) as ExportedResource;
  for (const side of [copy.inputs, copy.outputs]) {
    const keys = dotted.split(".");
    let o = side as Record<string, any>;
    for (const k of keys.slice(0, -1)) {
      if (o[k] === undefined) o[k] = {};
      o = o[k];
    }
    const last = keys[keys.length - 1];
    if (value === undefined) {
      if (Array.isArray(o)) o.splice(Number(last), 1);
      else delete o[last];
    } else {
      o[last] = value;
    }
  }
  return copy;
}

export const T = {
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  sseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  versioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  lifecycleV2: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  logging: "aws:s3/bucketLogging:BucketLogging",
  kmsKey: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  domain: "aws:opensearch/domain:Domain",
  glueJob: "aws:glue/job:Job",
  glueCrawler: "aws:glue/crawler:Crawler",
  glueSecurityConfiguration: "aws:glue/securityConfiguration:SecurityConfiguration",
  glueDatabase: "aws:glue/catalogDatabase:CatalogDatabase",
  athenaWorkgroup: "aws:athena/workgroup:Workgroup",
  rsNamespace: "aws:redshiftserverless/namespace:Namespace",
  rsWorkgroup: "aws:redshiftserverless/workgroup:Workgroup",
  rsCluster: "aws:redshift/cluster:Cluster",
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  volume: "aws:ebs/volume:Volume",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  sgIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  topic: "aws:sns/topic:Topic",
  queue: "aws:sqs/queue:Queue",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamPolicy: "aws:iam/policy:Policy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  lambdaFunction: "aws:lambda/function:Function",
  lambdaPermission: "aws:lambda/permission:Permission",
  eventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  subscriptionFilter: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
  ssmParameter: "aws:ssm/parameter:Parameter",
} as const;

export const TLS_ONLY_POLICY = (bucket: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });

export type BucketPart = "sse" | "pab" | "policy" | "versioning" | "lifecycle";

/** A bucket with all five configuration resources, compliant; `v2` uses the deprecated tokens where they exist. */
export function lakeBucket(
  name: string,
  opts: { v2?: boolean; without?: BucketPart[] } = {},
): ExportedResource[] {
  const b = res(opts.v2 ? T.bucketV2 : T.bucket, name, { bucket: name }, { protect: true });
  const on = (p: BucketPart) => !(opts.without ?? []).includes(p);
  const parts: ExportedResource[] = [b];
  if (on("sse")) {
    parts.push(
      res(
        opts.v2 ? T.sseV2 : T.sse,
        `${name}-sse`,
        {
          bucket: name,
          rules: [
            {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ARN_KEY },
              bucketKeyEnabled: true,
            },
          ],
        },
        { deps: { bucket: [b] } },
      ),
    );
  }
  if (on("pab")) {
    parts.push(
      res(
        T.pab,
        `${name}-pab`,
        {
          bucket: name,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { deps: { bucket: [b] } },
      ),
    );
  }
  if (on("policy"))
    parts.push(
      res(
        T.bucketPolicy,
        `${name}-policy`,
        { bucket: name, policy: TLS_ONLY_POLICY(name) },
        { deps: { bucket: [b] } },
      ),
    );
  if (on("versioning")) {
    parts.push(
      res(
        opts.v2 ? T.versioningV2 : T.versioning,
        `${name}-versioning`,
        { bucket: name, versioningConfiguration: { status: "Enabled" } },
        { deps: { bucket: [b] } },
      ),
    );
  }
  if (on("lifecycle")) {
    parts.push(
      res(
        opts.v2 ? T.lifecycleV2 : T.lifecycle,
        `${name}-lifecycle`,
        {
          bucket: name,
          rules: [
            {
              id: "expire",
              status: "Enabled",
              expiration: { days: 365 },
              noncurrentVersionExpiration: { noncurrentDays: 30 },
            },
          ],
        },
        { deps: { bucket: [b] } },
      ),
    );
  }
  return parts;
}

/** Compliant seeds of the resource types with a resource policy. */
export const seeds = {
  kmsKey: () =>
    res(
      T.kmsKey,
      "key",
      { enableKeyRotation: true, deletionWindowInDays: 30, description: "lake" },
      { protect: true },
    ),
  logGroup: () => res(T.logGroup, "logs", { retentionInDays: 365, kmsKeyId: ARN_KEY }),
  firehose: () =>
    res(T.firehose, "stream", {
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: ARN_KEY },
      extendedS3Configuration: {
        bucketArn: "arn:aws:s3:::raw",
        roleArn: "arn:aws:iam::123456789012:role/firehose",
        prefix: "raw/dt=!{timestamp:yyyy-MM-dd}/",
        errorOutputPrefix: "errors/!{firehose:error-output-type}/",
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: "/aws/kinesisfirehose/stream",
          logStreamName: "S3Delivery",
        },
      },
    }),
  domain: () =>
    res(
      T.domain,
      "search",
      {
        encryptAtRest: { enabled: true, kmsKeyId: ARN_KEY },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
        advancedSecurityOptions: { enabled: true, internalUserDatabaseEnabled: false },
        vpcOptions: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
        logPublishingOptions: [
          {
            logType: "ES_APPLICATION_LOGS",
            cloudwatchLogGroupArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:/os/app",
          },
        ],
      },
      { protect: true },
    ),
  glueJob: () =>
    res(T.glueJob, "job", {
      roleArn: "arn:aws:iam::123456789012:role/glue",
      command: { scriptLocation: "s3://x/job.py" },
      securityConfiguration: "lake-sc",
    }),
  glueCrawler: () =>
    res(T.glueCrawler, "crawler", {
      role: "arn:aws:iam::123456789012:role/glue",
      databaseName: "lake",
      securityConfiguration: "lake-sc",
    }),
  glueSecurityConfiguration: () =>
    res(T.glueSecurityConfiguration, "sc", {
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: ARN_KEY },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: ARN_KEY },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: ARN_KEY },
      },
    }),
  athenaWorkgroup: () =>
    res(T.athenaWorkgroup, "wg", {
      configuration: {
        enforceWorkgroupConfiguration: true,
        bytesScannedCutoffPerQuery: 1073741824,
        resultConfiguration: {
          outputLocation: "s3://results/",
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: ARN_KEY },
        },
      },
    }),
  rsNamespace: () =>
    res(T.rsNamespace, "ns", { namespaceName: "lake", kmsKeyId: ARN_KEY }, { protect: true }),
  rsWorkgroup: () =>
    res(T.rsWorkgroup, "rswg", { namespaceName: "lake", workgroupName: "lake", publiclyAccessible: false }),
  rsCluster: () =>
    res(
      T.rsCluster,
      "cluster",
      {
        clusterIdentifier: "c",
        nodeType: "ra3.xlplus",
        encrypted: "true",
        kmsKeyId: ARN_KEY,
        publiclyAccessible: false,
      },
      { protect: true },
    ),
  instance: () =>
    res(T.instance, "vm", {
      ami: "ami-1",
      instanceType: "t4g.micro",
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: true, volumeSize: 8 },
    }),
  launchTemplate: () => res(T.launchTemplate, "lt", { metadataOptions: { httpTokens: "required" } }),
  volume: () => res(T.volume, "vol", { availabilityZone: "ap-northeast-1a", encrypted: true, size: 8 }),
  sg: () =>
    res(T.sg, "sg", {
      vpcId: "vpc-1",
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
      egress: [],
    }),
  sgRule: () =>
    res(T.sgRule, "sgrule", {
      type: "ingress",
      protocol: "tcp",
      fromPort: 5439,
      toPort: 5439,
      cidrBlocks: ["10.0.0.0/16"],
      securityGroupId: "sg-1",
    }),
  sgIngressRule: () =>
    res(T.sgIngressRule, "ingress", {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "10.0.0.0/16",
      securityGroupId: "sg-1",
    }),
  topic: () => res(T.topic, "topic", { kmsMasterKeyId: ARN_KEY }),
  queue: () => res(T.queue, "queue", { kmsMasterKeyId: ARN_KEY }),
  role: () =>
    res(T.role, "role", {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      inlinePolicies: [
        {
          name: "read",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::raw/*" }],
          }),
        },
      ],
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
    }),
  rolePolicy: () =>
    res(T.rolePolicy, "rolepolicy", {
      role: "r",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["es:ESHttpPost", "es:ESHttpPut"], Resource: "*" }],
      }),
    }),
  rolePolicyAttachment: () =>
    res(T.rolePolicyAttachment, "attach", {
      role: "r",
      policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    }),
  lambdaPermission: () =>
    res(T.lambdaPermission, "permission", {
      action: "lambda:InvokeFunction",
      function: "forwarder",
      principal: "logs.ap-northeast-1.amazonaws.com",
      sourceArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:app:*",
    }),
  catalogDatabase: () => res(T.glueDatabase, "db", { name: "lake" }, { protect: true }),
};

/** A function invoked asynchronously by CloudWatch Logs (permission + subscription filter), with a DLQ. */
export function asyncFunction(
  opts: { dlq?: boolean; onFailure?: boolean } = { dlq: true },
): ExportedResource[] {
  const fn = res(T.lambdaFunction, "forwarder", {
    role: "arn:aws:iam::123456789012:role/fwd",
    runtime: "nodejs20.x",
    handler: "index.handler",
    ...(opts.dlq ? { deadLetterConfig: { targetArn: "arn:aws:sqs:ap-northeast-1:123456789012:dlq" } } : {}),
  });
  const permission = res(
    T.lambdaPermission,
    "forwarder-permission",
    {
      action: "lambda:InvokeFunction",
      function: "forwarder",
      principal: "logs.ap-northeast-1.amazonaws.com",
      sourceArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:app:*",
    },
    { deps: { function: [fn] } },
  );
  const filter = res(
    T.subscriptionFilter,
    "forwarder-subscription",
    {
      destinationArn: "arn:aws:lambda:ap-northeast-1:123456789012:function:forwarder",
      filterPattern: "",
      logGroup: "app",
    },
    { deps: { destinationArn: [fn] } },
  );
  const out = [fn, permission, filter];
  if (opts.onFailure) {
    out.push(
      res(
        T.eventInvokeConfig,
        "forwarder-invoke",
        {
          functionName: "forwarder",
          destinationConfig: { onFailure: { destination: "arn:aws:sqs:ap-northeast-1:123456789012:dlq" } },
        },
        { deps: { functionName: [fn] } },
      ),
    );
  }
  return out;
}

// ---- Monitoring: alarms, failure rules and the topic they notify -----------------------------------

export const M = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
} as const;

const TOPIC_ARN = "arn:aws:sns:ap-northeast-1:123456789012:ops";

/** The AWS/ES metrics the domain health rule requires by default. */
export const DOMAIN_METRICS: readonly string[] = DOMAIN_ALARM_DEFAULTS.requiredMetrics;

/** A metric alarm on `metricName` whose dimensions come from `target`, notifying `topic` (none with null). */
export function alarm(
  name: string,
  target: ExportedResource,
  namespace: string,
  metricName: string,
  threshold: number,
  opts: { topic?: ExportedResource | null } = {},
): ExportedResource {
  const t = opts.topic === undefined ? seeds.topic() : opts.topic;
  return res(
    M.alarm,
    name,
    {
      namespace,
      metricName,
      dimensions: { Name: `${target.urn}-name` },
      threshold,
      actionsEnabled: true,
      alarmActions: t ? [TOPIC_ARN] : [],
    },
    { deps: { dimensions: [target], ...(t ? { alarmActions: [t] } : {}) } },
  );
}

/** A function whose on-failure destination is a queue, with (or without) a depth alarm on it. */
export function failureQueue(
  opts: { alarm?: boolean; threshold?: number; viaDeadLetterConfig?: boolean } = {},
): ExportedResource[] {
  const queue = seeds.queue();
  const fn = res(
    T.lambdaFunction,
    "fn",
    {
      role: "arn:aws:iam::123456789012:role/fn",
      runtime: "nodejs22.x",
      handler: "index.handler",
      ...(opts.viaDeadLetterConfig ? { deadLetterConfig: { targetArn: "arn:aws:sqs:::queue" } } : {}),
    },
    opts.viaDeadLetterConfig ? { deps: { deadLetterConfig: [queue] } } : {},
  );
  const out = [seeds.topic(), queue, fn];
  if (!opts.viaDeadLetterConfig) {
    out.push(
      res(
        T.eventInvokeConfig,
        "fn-async",
        { functionName: "fn", destinationConfig: { onFailure: { destination: "arn:aws:sqs:::queue" } } },
        { deps: { functionName: [fn], destinationConfig: [queue] } },
      ),
    );
  }
  if (opts.alarm ?? true) {
    out.push(alarm("dlq-depth", queue, "AWS/SQS", "ApproximateNumberOfMessagesVisible", opts.threshold ?? 1));
  }
  return out;
}

/** The Firehose seed (buffering `buffer` s) with a freshness alarm at `threshold` s, or none. */
export function streamWithAlarm(
  opts: { alarm?: boolean; threshold?: number; buffer?: number } = {},
): ExportedResource[] {
  const stream = patch(seeds.firehose(), "extendedS3Configuration.bufferingInterval", opts.buffer ?? 60);
  const out = [seeds.topic(), stream];
  if (opts.alarm ?? true)
    out.push(alarm("freshness", stream, "AWS/Firehose", "DeliveryToS3.DataFreshness", opts.threshold ?? 120));
  return out;
}

/** The EventBridge pattern for the seed job's runs that end in `states`. */
export const GLUE_PATTERN = (states: string[], jobName = "job") =>
  JSON.stringify({
    source: ["aws.glue"],
    "detail-type": ["Glue Job State Change"],
    detail: { jobName: [jobName], state: states },
  });

/** The failure rule of `job` (its pattern and, unless `target: false`, a target on `topic`). */
function failureRule(
  job: ExportedResource,
  topic: ExportedResource,
  opts: { states?: string[]; target?: boolean; pattern?: string } = {},
): ExportedResource[] {
  const name = `${job.urn.split("::").pop()}-failed`;
  const rule = res(
    M.rule,
    name,
    { name, eventPattern: opts.pattern ?? GLUE_PATTERN(opts.states ?? ["FAILED", "TIMEOUT", "ERROR"]) },
    { deps: { eventPattern: [job] } },
  );
  if (opts.target === false) return [rule];
  const target = res(
    M.target,
    `${name}-target`,
    { rule: name, arn: TOPIC_ARN },
    { deps: { rule: [rule], arn: [topic] } },
  );
  return [rule, target];
}

/** The Glue job seed with (or without) its failure rule. */
export function jobWithRule(
  opts: { rule?: boolean; states?: string[]; target?: boolean; pattern?: string } = {},
): ExportedResource[] {
  const job = seeds.glueJob();
  const t = seeds.topic();
  return [t, job, ...((opts.rule ?? true) ? failureRule(job, t, opts) : [])];
}

/** An alarm per metric on `domain`, named `<prefix>-<metric>`. */
const domainAlarms = (
  domain: ExportedResource,
  metrics: readonly string[],
  prefix: string,
  topic?: ExportedResource,
) =>
  metrics.map((m) =>
    alarm(`${prefix}-${m.toLowerCase().replace(/\./g, "-")}`, domain, "AWS/ES", m, 1, { topic }),
  );

/** The OpenSearch domain seed with an alarm per metric. */
export function domainWithAlarms(metrics: readonly string[] = DOMAIN_METRICS): ExportedResource[] {
  const domain = seeds.domain();
  return [seeds.topic(), domain, ...domainAlarms(domain, metrics, "domain")];
}

/**
 * `resources` plus the monitoring a real stack gives them (as the monitoring rules require): a
 * freshness alarm per Firehose stream, the health alarms per OpenSearch domain, a failure rule per
 * Glue job, all on one compliant topic. So a graph built for one rule's test is compliant with the
 * whole pack, and a violation names only what the test broke.
 */
export function monitored(resources: ExportedResource[]): ExportedResource[] {
  const topic = res(T.topic, "ops-topic", { kmsMasterKeyId: ARN_KEY });
  const extra: ExportedResource[] = [];
  for (const r of resources) {
    const n = r.urn.split("::").pop();
    if (r.type === T.firehose)
      extra.push(alarm(`${n}-freshness`, r, "AWS/Firehose", "DeliveryToS3.DataFreshness", 600, { topic }));
    else if (r.type === T.domain) extra.push(...domainAlarms(r, DOMAIN_METRICS, `${n}`, topic));
    else if (r.type === T.glueJob) extra.push(...failureRule(r, topic));
  }
  return extra.length ? [...resources, topic, ...extra] : resources;
}
