import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createHash } from "crypto";
import { bundleScript } from "../shared/bundle";
import { assumeRolePolicy, toJson } from "../shared/iam";
import { BURST_LEVEL } from "../shared/logformat";
import { LOG_RETENTION_DAYS, isLogRetention } from "../shared/retention";
import { AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX } from "../shared/names";
import { BootstrapSettings, settingsHash } from "./bootstrap/requests";
import { FORWARDER_ENV } from "./forwarder/env";
import {
  DOMAIN_LOG_TYPES,
  bootstrapPolicy,
  dashboardsLocalUrl,
  domainAccessPolicy,
  domainArn as buildDomainArn,
  domainLogsResourcePolicy,
  domainName as buildDomainName,
  forwarderPolicy,
  generatorGrants,
  keyPolicy,
  logGroupSourceArn,
  portForwardCommand,
} from "./policies";

/** TLS policy of the domain endpoint: TLS 1.2 or later with perfect forward secrecy. */
export const TLS_SECURITY_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";
/** OpenSearch security role the agent's and the forwarder's IAM roles are mapped to. */
export const WRITER_ROLE = "datalake_log_writer";
/** Id of the ISM policy that deletes old log indices. */
export const ISM_POLICY_ID = "datalake-log-retention";
/** Internal master user (log in to Dashboards with it; the password is in Secrets Manager). */
export const MASTER_USER_NAME = "admin";
/** CloudWatch metric the error filter emits. */
export const ERROR_METRIC_NAME = "ErrorLogEvents";

/** Arguments of {@link SpeedLayer}. */
export interface SpeedLayerArgs {
  /** VPC of the domain and the Lambda functions. */
  readonly vpcId: pulumi.Input<string>;
  /** Workload subnets, one per zone; the domain uses the first `availabilityZoneCount`, the functions all. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group of the generator, admitted to the domain on 443. */
  readonly generatorSecurityGroupId: pulumi.Input<string>;
  /** Name of the generator's IAM role; this layer attaches its grants to it. */
  readonly generatorRoleName: pulumi.Input<string>;
  /** ARN of the generator's IAM role, mapped to the OpenSearch writer role. */
  readonly generatorRoleArn: pulumi.Input<string>;
  /** Generator instance, the hop of the Dashboards port forwarding. */
  readonly generatorInstanceId: pulumi.Input<string>;
  /** OpenSearch engine version. @default "OpenSearch_2.19" */
  readonly engineVersion?: string;
  /** Data node instance type. @default "t3.small.search" */
  readonly instanceType?: string;
  /** Data nodes; a multiple of availabilityZoneCount. @default 1 */
  readonly instanceCount?: number;
  /** Dedicated master nodes: 0, 3 or 5. @default 0 — no dedicated masters */
  readonly dedicatedMasterCount?: 0 | 3 | 5;
  /** Dedicated master instance type. @default "m6g.large.search" */
  readonly dedicatedMasterType?: string;
  /** Zones of the domain: 1 (one subnet, no zone awareness), 2 or 3 (zone awareness). @default 1 */
  readonly availabilityZoneCount?: 1 | 2 | 3;
  /** gp3 volume per data node (GiB). @default 10 */
  readonly volumeSizeGiB?: number;
  /** Days the ISM policy keeps a log index. @default 14 */
  readonly indexRetentionDays?: number;
  /** Retention of every log group of the layer (days, a CloudWatch Logs value). @default 14 */
  readonly logRetentionDays?: number;
  /** ERROR events per period that trip the alarm. @default 50 */
  readonly alarmThreshold?: number;
  /** Alarm period (seconds): 10, 30 or a multiple of 60. @default 60 */
  readonly alarmPeriodSeconds?: number;
  /** E-mail address subscribed to the alarm topic. @default undefined — no subscription */
  readonly alarmEmail?: string;
  /** Memory of the forwarder Lambda (MB). @default 256 */
  readonly forwarderMemoryMb?: number;
  /** Lambda's retries of a failed forwarder invocation before the dead-letter queue (0–2). @default 2 */
  readonly forwarderMaxRetryAttempts?: number;
  /**
   * Create the OpenSearch service-linked role (needed once per account before a VPC domain).
   * Set false where it already exists, or import it. @default true
   */
  readonly createServiceLinkedRole?: boolean;
  /** protect + retainOnDelete on the domain, the key and the secret. @default false */
  readonly protectStatefulResources?: boolean;
}

/**
 * Labs 2 and 3: OpenSearch with Dashboards for the live logs, the CloudWatch Logs group with the
 * ERROR alarm, and the subscription forwarder into `cwl-*`.
 *
 * The domain lives in the workload subnets behind a security group that admits the generator and
 * the two functions on 443; encryption at rest (the layer's key), node-to-node, HTTPS with TLS 1.2+
 * and fine-grained access control with the internal user database. A bootstrap Lambda in the VPC,
 * run by an `aws.lambda.Invocation` whenever its settings change, maps the writers' IAM roles to a
 * least-privilege role and installs the index templates and the ISM retention policy.
 */
export class SpeedLayer extends pulumi.ComponentResource {
  /** Domain endpoint host; resolves after the bootstrap ran, so writers start with mappings in place. */
  public readonly domainEndpoint: pulumi.Output<string>;
  /** Domain ARN. */
  public readonly domainArn: pulumi.Output<string>;
  /** The application log group the agent writes (and the alarm and subscription read). */
  public readonly appLogGroupName: pulumi.Output<string>;
  /** SNS topic of the alarm. */
  public readonly alarmTopicArn: pulumi.Output<string>;
  /** Secrets Manager secret with the Dashboards admin user name and password. */
  public readonly adminSecretArn: pulumi.Output<string>;
  /** Dead-letter queue of the forwarder (batches that could not be indexed). */
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** SSM command that forwards localhost:8443 to the domain through the generator. */
  public readonly dashboardsPortForwardCommand: pulumi.Output<string>;
  /** URL to open while the port forwarding runs. */
  public readonly dashboardsUrl: string;

  constructor(name: string, args: SpeedLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:speed:SpeedLayer", name, {}, opts);

    const engineVersion = args.engineVersion ?? "OpenSearch_2.19";
    const instanceType = args.instanceType ?? "t3.small.search";
    const instanceCount = args.instanceCount ?? 1;
    const dedicatedMasterCount = args.dedicatedMasterCount ?? 0;
    const dedicatedMasterType = args.dedicatedMasterType ?? "m6g.large.search";
    const availabilityZoneCount = args.availabilityZoneCount ?? 1;
    const volumeSizeGiB = args.volumeSizeGiB ?? 10;
    const indexRetentionDays = args.indexRetentionDays ?? 14;
    const logRetentionDays = args.logRetentionDays ?? 14;
    const alarmThreshold = args.alarmThreshold ?? 50;
    const alarmPeriodSeconds = args.alarmPeriodSeconds ?? 60;
    const forwarderMemoryMb = args.forwarderMemoryMb ?? 256;
    const forwarderMaxRetryAttempts = args.forwarderMaxRetryAttempts ?? 2;
    const createServiceLinkedRole = args.createServiceLinkedRole ?? true;
    const protect = args.protectStatefulResources ?? false;
    validate(name, {
      availabilityZoneCount,
      instanceCount,
      dedicatedMasterCount,
      indexRetentionDays,
      logRetentionDays,
      alarmThreshold,
      alarmPeriodSeconds,
      forwarderMemoryMb,
      forwarderMaxRetryAttempts,
      volumeSizeGiB,
    });
    const stateful = { parent: this, protect, retainOnDelete: protect };

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const domainName = buildDomainName(
      project,
      stack,
      name,
      createHash("sha256").update(`${project}/${stack}/${name}`).digest("hex"),
    );
    const domainArn = buildDomainArn(partition, region, accountId, domainName);
    const prefix = `${project}-${stack}-${name}`;
    const logPath = `/${project}/${stack}/${name}`;

    // One customer-managed key for the layer's data at rest: domain, log groups, secret, topic, queue.
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${prefix}: OpenSearch domain, log groups, admin secret, alarm topic, dead-letter queue`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: toJson(keyPolicy({ partition, region, accountId })),
      },
      stateful,
    );

    const logGroup = (role: string, logGroupName: string) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${role}`,
        { name: logGroupName, retentionInDays: logRetentionDays, kmsKeyId: key.arn },
        { parent: this },
      );
    const appLogs = logGroup("app-logs", `${logPath}/app`);
    const domainLogGroups = DOMAIN_LOG_TYPES.map((type) => ({
      type,
      group: logGroup(
        `domain-${type.toLowerCase().replace(/_/g, "-")}`,
        `${logPath}/opensearch/${type.toLowerCase()}`,
      ),
    }));
    const domainLogsPolicy = new aws.cloudwatch.LogResourcePolicy(
      `${name}-domain-logs-policy`,
      {
        policyName: `${prefix}-opensearch-logs`,
        policyDocument: toJson(
          domainLogsResourcePolicy(
            domainLogGroups.map((g) => g.group.arn),
            domainArn,
            accountId,
          ),
        ),
      },
      { parent: this },
    );

    // Network: the domain admits the generator and the two functions on 443 and nothing else.
    const sg = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(
        `${name}-${role}-sg`,
        { vpcId: args.vpcId, description, revokeRulesOnDelete: true, tags: { Name: `${prefix}-${role}` } },
        { parent: this },
      );
    const domainSg = sg(
      "domain",
      "OpenSearch domain: HTTPS from the generator, the forwarder and the bootstrap only",
    );
    const forwarderSg = sg("forwarder", "Forwarder Lambda: HTTPS to the OpenSearch domain only");
    const bootstrapSg = sg("bootstrap", "Bootstrap Lambda: HTTPS to the OpenSearch domain only");
    const ingress = [
      { role: "generator", source: args.generatorSecurityGroupId },
      { role: "forwarder", source: forwarderSg.id },
      { role: "bootstrap", source: bootstrapSg.id },
    ].map(
      ({ role, source }) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-domain-from-${role}`,
          {
            securityGroupId: domainSg.id,
            referencedSecurityGroupId: source,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: `HTTPS from the ${role}`,
          },
          { parent: this },
        ),
    );
    const egress = [
      { role: "forwarder", group: forwarderSg },
      { role: "bootstrap", group: bootstrapSg },
    ].map(
      ({ role, group }) =>
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-${role}-to-domain`,
          {
            securityGroupId: group.id,
            referencedSecurityGroupId: domainSg.id,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "HTTPS to the OpenSearch domain",
          },
          { parent: this },
        ),
    );

    // Admin (master) user of the internal user database: people log in to Dashboards with it.
    const password = new random.RandomPassword(
      `${name}-admin-password`,
      {
        length: 32,
        special: true,
        overrideSpecial: "!#%*-_=+.",
        minLower: 2,
        minUpper: 2,
        minNumeric: 2,
        minSpecial: 2,
      },
      { parent: this },
    );
    const secret = new aws.secretsmanager.Secret(
      `${name}-admin-secret`,
      {
        name: `${logPath}/opensearch-admin`,
        description: `OpenSearch Dashboards admin (internal master user) of ${domainName}`,
        kmsKeyId: key.arn,
        recoveryWindowInDays: 7,
      },
      stateful,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-admin-secret-value`,
      {
        secretId: secret.id,
        secretString: pulumi.secret(
          pulumi.jsonStringify({ username: MASTER_USER_NAME, password: password.result }),
        ),
      },
      { parent: this },
    );

    // A VPC domain needs the service-linked role; it is account-wide, so it is never deleted with the stack.
    const serviceLinkedRole = createServiceLinkedRole
      ? [
          new aws.iam.ServiceLinkedRole(
            `${name}-service-linked-role`,
            {
              awsServiceName: "opensearchservice.amazonaws.com",
              description: "Lets OpenSearch Service manage VPC network interfaces",
            },
            { parent: this, retainOnDelete: true },
          ),
        ]
      : [];

    const zoneAware = availabilityZoneCount > 1;
    const domain = new aws.opensearch.Domain(
      `${name}-domain`,
      {
        domainName,
        engineVersion,
        clusterConfig: {
          instanceType,
          instanceCount,
          zoneAwarenessEnabled: zoneAware,
          ...(zoneAware ? { zoneAwarenessConfig: { availabilityZoneCount } } : {}),
          dedicatedMasterEnabled: dedicatedMasterCount > 0,
          ...(dedicatedMasterCount > 0 ? { dedicatedMasterCount, dedicatedMasterType } : {}),
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: volumeSizeGiB },
        encryptAtRest: { enabled: true, kmsKeyId: key.arn },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: TLS_SECURITY_POLICY },
        advancedSecurityOptions: {
          enabled: true,
          anonymousAuthEnabled: false,
          internalUserDatabaseEnabled: true,
          masterUserOptions: { masterUserName: MASTER_USER_NAME, masterUserPassword: password.result },
        },
        vpcOptions: {
          // A single-zone domain takes exactly one subnet; a zone-aware one, one per zone.
          subnetIds: pulumi.output(args.subnetIds).apply((ids) => {
            if (ids.length < availabilityZoneCount) {
              throw new Error(
                `SpeedLayer ${name}: availabilityZoneCount is ${availabilityZoneCount} but only ${ids.length} subnets were given`,
              );
            }
            return ids.slice(0, availabilityZoneCount);
          }),
          securityGroupIds: [domainSg.id],
        },
        logPublishingOptions: domainLogGroups.map(({ type, group }) => ({
          logType: type,
          cloudwatchLogGroupArn: group.arn,
          enabled: true,
        })),
        accessPolicies: toJson(domainAccessPolicy(domainArn)),
      },
      { ...stateful, dependsOn: [domainLogsPolicy, ...serviceLinkedRole] },
    );
    this.domainArn = domain.arn;

    // Dead-letter queue of the forwarder: Lambda's on-failure destination (delivered by the Lambda
    // service, so it works from isolated subnets too).
    const deadLetter = new aws.sqs.Queue(
      `${name}-forwarder-dlq`,
      { kmsMasterKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600 },
      { parent: this },
    );

    // The forwarder: subscription → _bulk into cwl-*.
    const forwarderName = `${prefix}-forwarder`.slice(0, 64);
    const forwarderLogs = logGroup("forwarder-logs", `/aws/lambda/${forwarderName}`);
    const forwarderRole = new aws.iam.Role(
      `${name}-forwarder-role`,
      {
        description: "Speed layer forwarder: CloudWatch Logs subscription to OpenSearch",
        assumeRolePolicy: toJson(assumeRolePolicy("lambda.amazonaws.com")),
      },
      { parent: this },
    );
    const forwarderRolePolicy = new aws.iam.RolePolicy(
      `${name}-forwarder-policy`,
      {
        role: forwarderRole.id,
        policy: toJson(
          forwarderPolicy({
            functionLogGroupArn: forwarderLogs.arn,
            domainArn,
            queueArn: deadLetter.arn,
            keyArn: key.arn,
          }),
        ),
      },
      { parent: this },
    );
    const forwarderCode = bundleScript("components/speed/forwarder/handler.ts");
    const forwarder = new aws.lambda.Function(
      `${name}-forwarder`,
      {
        name: forwarderName,
        description: "Indexes CloudWatch Logs subscription batches into OpenSearch cwl-YYYY.MM.DD",
        role: forwarderRole.arn,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(forwarderCode) }),
        memorySize: forwarderMemoryMb,
        // Room for the sender's retries (5 attempts of up to 30 s plus backoff).
        timeout: 300,
        environment: {
          variables: {
            [FORWARDER_ENV.endpoint]: domain.endpoint,
            [FORWARDER_ENV.indexPrefix]: FORWARDER_INDEX_PREFIX,
            [FORWARDER_ENV.requestTimeoutMs]: "30000",
          },
        },
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [forwarderSg.id] },
        loggingConfig: { logFormat: "Text", logGroup: forwarderLogs.name },
      },
      { parent: this, dependsOn: [forwarderRolePolicy, ...egress] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-forwarder-async`,
      {
        functionName: forwarder.name,
        maximumRetryAttempts: forwarderMaxRetryAttempts,
        maximumEventAgeInSeconds: 21_600,
        destinationConfig: { onFailure: { destination: deadLetter.arn } },
      },
      { parent: this, dependsOn: [forwarderRolePolicy] },
    );

    // The bootstrap: role mapping, index templates, ISM retention.
    const bootstrapName = `${prefix}-bootstrap`.slice(0, 64);
    const bootstrapLogs = logGroup("bootstrap-logs", `/aws/lambda/${bootstrapName}`);
    const bootstrapRole = new aws.iam.Role(
      `${name}-bootstrap-role`,
      {
        description: "Speed layer bootstrap: configures the OpenSearch domain at deploy time",
        assumeRolePolicy: toJson(assumeRolePolicy("lambda.amazonaws.com")),
      },
      { parent: this },
    );
    const bootstrapRolePolicy = new aws.iam.RolePolicy(
      `${name}-bootstrap-policy`,
      { role: bootstrapRole.id, policy: toJson(bootstrapPolicy(bootstrapLogs.arn)) },
      { parent: this },
    );
    const bootstrapCode = bundleScript("components/speed/bootstrap/handler.ts");
    const bootstrap = new aws.lambda.Function(
      `${name}-bootstrap`,
      {
        name: bootstrapName,
        description: "Configures the OpenSearch domain: role mapping, index templates, ISM retention",
        role: bootstrapRole.arn,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bootstrapCode) }),
        memorySize: 256,
        timeout: 300,
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [bootstrapSg.id] },
        loggingConfig: { logFormat: "Text", logGroup: bootstrapLogs.name },
      },
      { parent: this, dependsOn: [bootstrapRolePolicy, ...egress] },
    );
    const settings = pulumi
      .all([args.generatorRoleArn, forwarderRole.arn])
      .apply(([generatorArn, forwarderArn]): BootstrapSettings => ({
        writerRole: WRITER_ROLE,
        writerBackendRoles: [generatorArn, forwarderArn],
        indexPrefixes: [AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX],
        retentionDays: indexRetentionDays,
        replicas: Math.min(availabilityZoneCount, instanceCount) - 1,
        ismPolicyId: ISM_POLICY_ID,
      }));
    const bootstrapRun = new aws.lambda.Invocation(
      `${name}-bootstrap-run`,
      {
        functionName: bootstrap.name,
        // The payload holds the admin password: a secret in the state, never logged by the function.
        input: pulumi.secret(
          pulumi.jsonStringify({
            endpoint: domain.endpoint,
            username: MASTER_USER_NAME,
            password: password.result,
            settings,
          }),
        ),
        triggers: {
          settings: settings.apply(settingsHash),
          code: createHash("sha256").update(bootstrapCode).digest("hex"),
          domain: domain.arn,
        },
      },
      { parent: this, dependsOn: [domain, ...ingress] },
    );

    // Alarm path: JSON events from the agent → metric filter → alarm → SNS (KMS) → e-mail.
    const metricNamespace = `DataLake/${stack}`;
    new aws.cloudwatch.LogMetricFilter(
      `${name}-error-filter`,
      {
        name: `${prefix}-error-events`,
        logGroupName: appLogs.name,
        pattern: `{ $.alarmlevel = "${BURST_LEVEL}" }`,
        metricTransformation: {
          name: ERROR_METRIC_NAME,
          namespace: metricNamespace,
          value: "1",
          unit: "Count",
        },
      },
      { parent: this },
    );
    const topic = new aws.sns.Topic(
      `${name}-alarm-topic`,
      { kmsMasterKeyId: key.arn, displayName: `${prefix} error alarm` },
      { parent: this },
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-error-alarm`,
      {
        name: `${prefix}-error-burst`,
        alarmDescription: `${BURST_LEVEL} log events reached ${alarmThreshold} within ${alarmPeriodSeconds} s in ${logPath}/app`,
        namespace: metricNamespace,
        metricName: ERROR_METRIC_NAME,
        statistic: "Sum",
        period: alarmPeriodSeconds,
        evaluationPeriods: 1,
        threshold: alarmThreshold,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [topic.arn],
        okActions: [topic.arn],
      },
      { parent: this },
    );
    if (args.alarmEmail !== undefined) {
      new aws.sns.TopicSubscription(
        `${name}-alarm-email`,
        { topic: topic.arn, protocol: "email", endpoint: args.alarmEmail },
        { parent: this },
      );
    }

    // Subscription: the invoke permission first (CloudWatch Logs tests it when the filter is created).
    const permission = new aws.lambda.Permission(
      `${name}-forwarder-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: forwarder.name,
        principal: pulumi.interpolate`logs.${region}.amazonaws.com`,
        sourceArn: logGroupSourceArn(partition, region, accountId, appLogs.name),
        sourceAccount: accountId,
      },
      { parent: this },
    );
    new aws.cloudwatch.LogSubscriptionFilter(
      `${name}-subscription`,
      {
        name: `${prefix}-to-opensearch`,
        logGroup: appLogs.name,
        filterPattern: "",
        destinationArn: forwarder.arn,
      },
      { parent: this, dependsOn: [permission] },
    );

    // The generator's grants: its log group and _bulk on the domain, nothing more.
    new aws.iam.RolePolicy(
      `${name}-generator-grants`,
      { role: args.generatorRoleName, policy: toJson(generatorGrants(appLogs.arn, domainArn)) },
      { parent: this },
    );

    this.domainEndpoint = pulumi.all([domain.endpoint, bootstrapRun.result]).apply(([endpoint]) => endpoint);
    this.appLogGroupName = appLogs.name;
    this.alarmTopicArn = topic.arn;
    this.adminSecretArn = secret.arn;
    this.deadLetterQueueUrl = deadLetter.url;
    this.dashboardsPortForwardCommand = pulumi
      .all([args.generatorInstanceId, domain.endpoint, region])
      .apply(([instanceId, host, r]) => portForwardCommand(instanceId, host, r));
    this.dashboardsUrl = dashboardsLocalUrl();
    this.registerOutputs({
      domainEndpoint: this.domainEndpoint,
      domainArn: this.domainArn,
      appLogGroupName: this.appLogGroupName,
      alarmTopicArn: this.alarmTopicArn,
      adminSecretArn: this.adminSecretArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      dashboardsPortForwardCommand: this.dashboardsPortForwardCommand,
      dashboardsUrl: this.dashboardsUrl,
    });
  }
}

/** Throws for args the services would reject, naming the arg, its value and the fix. */
function validate(
  name: string,
  a: {
    availabilityZoneCount: number;
    instanceCount: number;
    dedicatedMasterCount: number;
    indexRetentionDays: number;
    logRetentionDays: number;
    alarmThreshold: number;
    alarmPeriodSeconds: number;
    forwarderMemoryMb: number;
    forwarderMaxRetryAttempts: number;
    volumeSizeGiB: number;
  },
): void {
  const fail = (msg: string) => {
    throw new Error(`SpeedLayer ${name}: ${msg}`);
  };
  if (![1, 2, 3].includes(a.availabilityZoneCount))
    fail(`availabilityZoneCount is ${a.availabilityZoneCount}; use 1, 2 or 3.`);
  if (
    !Number.isInteger(a.instanceCount) ||
    a.instanceCount < 1 ||
    a.instanceCount % a.availabilityZoneCount !== 0
  ) {
    fail(
      `instanceCount is ${a.instanceCount}; use a positive multiple of availabilityZoneCount (${a.availabilityZoneCount}).`,
    );
  }
  if (![0, 3, 5].includes(a.dedicatedMasterCount))
    fail(`dedicatedMasterCount is ${a.dedicatedMasterCount}; use 0, 3 or 5.`);
  if (!Number.isInteger(a.indexRetentionDays) || a.indexRetentionDays < 1)
    fail(`indexRetentionDays is ${a.indexRetentionDays}; use a whole number of days, at least 1.`);
  if (!isLogRetention(a.logRetentionDays)) {
    fail(`logRetentionDays is ${a.logRetentionDays}; use one of ${LOG_RETENTION_DAYS.join(", ")}.`);
  }
  if (!Number.isInteger(a.alarmThreshold) || a.alarmThreshold < 1)
    fail(`alarmThreshold is ${a.alarmThreshold}; use a whole number of at least 1.`);
  if (!(
    a.alarmPeriodSeconds === 10 ||
    a.alarmPeriodSeconds === 30 ||
    (a.alarmPeriodSeconds >= 60 && a.alarmPeriodSeconds % 60 === 0)
  )) {
    fail(`alarmPeriodSeconds is ${a.alarmPeriodSeconds}; use 10, 30 or a multiple of 60.`);
  }
  if (!Number.isInteger(a.forwarderMemoryMb) || a.forwarderMemoryMb < 128 || a.forwarderMemoryMb > 10_240) {
    fail(`forwarderMemoryMb is ${a.forwarderMemoryMb}; use 128 to 10240.`);
  }
  if (![0, 1, 2].includes(a.forwarderMaxRetryAttempts))
    fail(`forwarderMaxRetryAttempts is ${a.forwarderMaxRetryAttempts}; use 0, 1 or 2.`);
  if (!Number.isInteger(a.volumeSizeGiB) || a.volumeSizeGiB < 10)
    fail(`volumeSizeGiB is ${a.volumeSizeGiB}; gp3 volumes need at least 10.`);
}
