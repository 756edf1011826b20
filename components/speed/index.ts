import * as pulumi from "@pulumi/pulumi";
import { OPS_DEFAULTS } from "../shared/alarms";
import { EventSchema, HANDS_ON_SCHEMA } from "../shared/schema";
import { alarm } from "./alarm";
import { bootstrapFunction, indexReplicas } from "./bootstrapFunction";
import { layerContext } from "./context";
import { ServiceLinkedRoleMode, openSearchDomain } from "./domain";
import { forwarderEnvironmentProblem, forwarderFunction } from "./forwarderFunction";
import { generatorAccess } from "./generatorAccess";
import { healthAlarms } from "./healthAlarms";
import { layerKey } from "./key";
import { logGroups } from "./logs";
import { network } from "./network";
import { probeFunction } from "./probeFunction";
import { dashboardsLocalUrl, portForwardCommand } from "./policies";
import { validate } from "./validate";

export { ERROR_METRIC_NAME } from "./alarm";
export { REJECTED_DOCUMENTS_METRIC_NAME, metricNamespace } from "./metrics";
export { ISM_POLICY_ID, WRITER_ROLE, indexReplicas } from "./bootstrapFunction";
export { freeStorageThresholdMiB } from "./healthAlarms";
export {
  MASTER_USER_NAME,
  SERVICE_LINKED_ROLE_MODES,
  ServiceLinkedRoleMode,
  SLR_OWNER_TAG,
  TLS_SECURITY_POLICY,
} from "./domain";
export { READER_ROLE } from "./probeFunction";
export { forwarderEnvironmentProblem } from "./forwarderFunction";

/**
 * What `dashboardsPortForwardCommand` says when the stack has no generator: the port forwarding
 * hops through the generator instance, the only host of the stack inside the VPC.
 */
export const NO_PORT_FORWARD_HOP =
  "(no hop: the generator is off, datalake:generator.enabled false; reach Dashboards from a host in the VPC, docs/speed.md)";

/** Arguments of {@link SpeedLayer}. */
export interface SpeedLayerArgs {
  /** VPC of the domain and the Lambda functions. */
  readonly vpcId: pulumi.Input<string>;
  /** Workload subnets, one per zone; the domain uses the first `availabilityZoneCount`, the functions all. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The log generator, when the stack has one: its security group (admitted to the domain on
   * 443), its role (granted the app log group and `_bulk`, mapped to the writer role) and its
   * instance (the hop of the Dashboards port forwarding, and what the heartbeat alarm watches).
   * @default undefined — no generator: none of these grants, no heartbeat alarm, no port forwarding
   */
  readonly generatorSecurityGroupId?: pulumi.Input<string>;
  /** Name of the generator's IAM role; this layer attaches its grants to it. @default undefined */
  readonly generatorRoleName?: pulumi.Input<string>;
  /** ARN of the generator's IAM role, mapped to the OpenSearch writer role. @default undefined */
  readonly generatorRoleArn?: pulumi.Input<string>;
  /** Generator instance, the hop of the Dashboards port forwarding. @default undefined */
  readonly generatorInstanceId?: pulumi.Input<string>;
  /**
   * Existing CloudWatch log groups (names) the forwarder also subscribes to, so their events land
   * in OpenSearch beside the app log group's. Each takes one of the group's two subscription
   * filters. @default [] — the app log group only
   */
  readonly sourceLogGroupNames?: readonly string[];
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
   * The OpenSearch service-linked role (needed once per account before a VPC domain). "auto":
   * create it when the account lacks it, keep managing the one this stack created (tagged
   * `datalake:owner-stack`), use any other as it is; "always": declare it without looking (fails
   * where it exists); "never": the account has it. @default "auto"
   */
  readonly createServiceLinkedRole?: ServiceLinkedRoleMode;
  /**
   * protect + retainOnDelete on the domain, the key and the secret; also a 7-day recovery window
   * on the secret (0 without protection, so a re-created stack can reuse its name). @default false
   */
  readonly protectStatefulResources?: boolean;
  /**
   * The operations topic (from `Operations`) the health alarms notify: dead-letter queue, forwarder
   * errors and throttles, OpenSearch health. @default undefined — no health alarms
   */
  readonly operationsTopicArn?: pulumi.Input<string>;
  /** Visible messages in the forwarder's dead-letter queue that raise its alarm. @default 1 */
  readonly dlqDepthThreshold?: number;
  /** Free storage per data node, as a percentage of its volume, below which the alarm fires. @default 25 */
  readonly freeStorageSharePercent?: number;
  /** JVM memory pressure (percent, 3 minutes) that raises the alarm. @default 95 */
  readonly jvmMemoryPressurePercent?: number;
  /**
   * The event schema (`datalake:format`): the index templates declare its fields with their
   * types, and the forwarder reads its events by it (a text format's lines split by its pattern).
   * @default HANDS_ON_SCHEMA
   */
  readonly eventSchema?: EventSchema;
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
  /** Name of the forwarder's dead-letter queue (its CloudWatch metrics are keyed by it). */
  public readonly deadLetterQueueName: pulumi.Output<string>;
  /** Name of the subscription forwarder function. */
  public readonly forwarderFunctionName: pulumi.Output<string>;
  /** ARN of the subscription forwarder function (subscription filters of other log groups point at it). */
  public readonly forwarderFunctionArn: pulumi.Output<string>;
  /** Name of the OpenSearch domain (its CloudWatch metrics are keyed by it). */
  public readonly domainName: pulumi.Output<string>;
  /** SSM command that forwards localhost:8443 to the domain through the generator (or why there is none). */
  public readonly dashboardsPortForwardCommand: pulumi.Output<string>;
  /** URL to open while the port forwarding runs. */
  public readonly dashboardsUrl: string;
  /** The verify probe Lambda (`npm run verify`): read-only `_search` inside the VPC. */
  public readonly probeFunctionName: pulumi.Output<string>;

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
    const createServiceLinkedRole = args.createServiceLinkedRole ?? "auto";
    const protect = args.protectStatefulResources ?? false;
    const dlqDepthThreshold = args.dlqDepthThreshold ?? OPS_DEFAULTS.dlqDepthThreshold;
    const freeStorageSharePercent = args.freeStorageSharePercent ?? OPS_DEFAULTS.freeStorageSharePercent;
    const jvmMemoryPressurePercent = args.jvmMemoryPressurePercent ?? OPS_DEFAULTS.jvmMemoryPressurePercent;
    const eventSchema = args.eventSchema ?? HANDS_ON_SCHEMA;
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
      createServiceLinkedRole,
      dlqDepthThreshold,
      freeStorageSharePercent,
      jvmMemoryPressurePercent,
    });
    const environmentProblem = forwarderEnvironmentProblem(instanceType, eventSchema);
    if (environmentProblem !== undefined) {
      throw new Error(`SpeedLayer ${name}: eventSchema (datalake:format) ${environmentProblem}.`);
    }

    // The units, in dependency order. Each registers its children with `parent: this` and
    // `${name}-<role>` names (see context.ts), so the URNs are those of the single constructor.
    const ctx = layerContext(name, this, protect);
    const key = layerKey(ctx);
    const logs = logGroups({ ...ctx, key, logRetentionDays });
    const net = network({
      ...ctx,
      vpcId: args.vpcId,
      generatorSecurityGroupId: args.generatorSecurityGroupId,
    });
    const { domain, password, secret } = openSearchDomain({
      ...ctx,
      key,
      logs,
      securityGroup: net.domainSg,
      subnetIds: args.subnetIds,
      engineVersion,
      instanceType,
      instanceCount,
      dedicatedMasterCount,
      dedicatedMasterType,
      availabilityZoneCount,
      volumeSizeGiB,
      createServiceLinkedRole,
      protect,
    });
    const forwarder = forwarderFunction({
      ...ctx,
      key,
      logGroup: logs.logGroup,
      appLogs: logs.appLogs,
      domain,
      instanceType,
      subnetIds: args.subnetIds,
      securityGroup: net.forwarderSg,
      egress: net.egress,
      memoryMb: forwarderMemoryMb,
      maxRetryAttempts: forwarderMaxRetryAttempts,
      sourceLogGroupNames: args.sourceLogGroupNames ?? [],
      eventSchema,
    });
    const probe = probeFunction({
      ...ctx,
      logGroup: logs.logGroup,
      domain,
      subnetIds: args.subnetIds,
      securityGroup: net.probeSg,
      egress: net.egress,
    });
    const bootstrapRun = bootstrapFunction({
      ...ctx,
      logGroup: logs.logGroup,
      domain,
      password,
      generatorRoleArn: args.generatorRoleArn,
      forwarderRoleArn: forwarder.role.arn,
      probeRoleArn: probe.role.arn,
      subnetIds: args.subnetIds,
      securityGroup: net.bootstrapSg,
      egress: net.egress,
      ingress: net.ingress,
      indexRetentionDays,
      availabilityZoneCount,
      instanceCount,
      eventSchema,
    });
    const topic = alarm({
      ...ctx,
      key,
      appLogs: logs.appLogs,
      threshold: alarmThreshold,
      periodSeconds: alarmPeriodSeconds,
      email: args.alarmEmail,
    });
    if (args.generatorRoleName !== undefined) {
      generatorAccess({ ...ctx, generatorRoleName: args.generatorRoleName, appLogs: logs.appLogs });
    }
    if (args.operationsTopicArn !== undefined) {
      healthAlarms({
        ...ctx,
        topicArn: args.operationsTopicArn,
        forwarder: forwarder.forwarder,
        deadLetter: forwarder.deadLetter,
        domain,
        volumeSizeGiB,
        replicas: indexReplicas(availabilityZoneCount, instanceCount),
        dedicatedMasterCount,
        dlqDepthThreshold,
        freeStorageSharePercent,
        jvmMemoryPressurePercent,
      });
    }

    this.domainArn = domain.arn;
    this.domainEndpoint = pulumi.all([domain.endpoint, bootstrapRun.result]).apply(([endpoint]) => endpoint);
    this.appLogGroupName = logs.appLogs.name;
    this.alarmTopicArn = topic.arn;
    this.adminSecretArn = secret.arn;
    this.deadLetterQueueUrl = forwarder.deadLetter.url;
    this.deadLetterQueueName = forwarder.deadLetter.name;
    this.forwarderFunctionName = forwarder.forwarder.name;
    this.forwarderFunctionArn = forwarder.forwarder.arn;
    this.domainName = domain.domainName;
    const hop = args.generatorInstanceId;
    this.dashboardsPortForwardCommand =
      hop === undefined
        ? pulumi.output(NO_PORT_FORWARD_HOP)
        : pulumi
            .all([hop, domain.endpoint, ctx.region])
            .apply(([instanceId, host, r]) => portForwardCommand(instanceId, host, r));
    this.dashboardsUrl = dashboardsLocalUrl();
    this.probeFunctionName = probe.function.name;
    this.registerOutputs({
      domainEndpoint: this.domainEndpoint,
      domainArn: this.domainArn,
      appLogGroupName: this.appLogGroupName,
      alarmTopicArn: this.alarmTopicArn,
      adminSecretArn: this.adminSecretArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      deadLetterQueueName: this.deadLetterQueueName,
      forwarderFunctionName: this.forwarderFunctionName,
      forwarderFunctionArn: this.forwarderFunctionArn,
      domainName: this.domainName,
      dashboardsPortForwardCommand: this.dashboardsPortForwardCommand,
      dashboardsUrl: this.dashboardsUrl,
      probeFunctionName: this.probeFunctionName,
    });
  }
}
