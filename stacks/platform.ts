/**
 * Composes the components into one environment. Differences between stacks are config values,
 * never `if (stack === "prod")`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BatchLayer } from "../components/batch";
import { EtlLayer } from "../components/etl";
import { GeneratorAgent, NetworkWithGenerator } from "../components/network";
import { Operations, PipelineDashboard } from "../components/ops";
import { ERROR_METRIC_NAME, SpeedLayer, metricNamespace } from "../components/speed";
import { AGENT_INDEX_PREFIX } from "../components/shared/names";
import { AgentDestinations } from "../components/network/agent/render";
import { heartbeatCadenceProblem } from "../components/network/alarms";
import { LogSources } from "../components/sources";
import { ConfigError, PlatformConfig, eventSchemaOf } from "./config";

export interface Platform {
  readonly ops: Operations;
  readonly network: NetworkWithGenerator;
  readonly batch: BatchLayer;
  readonly etl: EtlLayer;
  readonly speed: SpeedLayer;
  /** The generator's agent, when the generator is on. */
  readonly agent?: GeneratorAgent;
  /** The configured log groups and producers, when any is configured. */
  readonly sources?: LogSources;
  readonly dashboard: PipelineDashboard;
}

/**
 * The components whose alarms and rules notify the operations topic: the three layers always, the
 * generator's agent when there is a generator, the log-group sources' stream when there are groups.
 */
export function publisherLayersOf(generator: boolean, logGroups: boolean): string[] {
  return [
    "batch",
    "etl",
    "speed",
    ...(generator ? ["generator-agent"] : []),
    ...(logGroups ? ["sources"] : []),
  ];
}

export function createPlatform(config: PlatformConfig): Platform {
  const g = config.generator;
  const o = config.ops;
  const src = config.sources;
  const eventSchema = eventSchemaOf(config);
  const cadence = {
    linesPerInterval: g.linesPerInterval,
    intervalSeconds: g.intervalSeconds,
    burstLines: g.burstLines,
    burstIntervalSeconds: g.burstIntervalSeconds,
  };
  // The heartbeat must span more than the generator's longest silence, or it fires between lines.
  const heartbeatProblem = g.enabled ? heartbeatCadenceProblem(o.heartbeatMinutes, cadence) : undefined;
  if (heartbeatProblem !== undefined) throw new ConfigError([heartbeatProblem]);
  // First: every layer's health alarms and rules notify its topic.
  const ops = new Operations("ops", {
    // The component names below whose alarms and rules notify the topic (a test checks that every
    // alarm and rule of the rendered stacks matches one of them): only those the stack has, so the
    // topic's and its key's policies grant no publisher that does not exist.
    publisherLayers: publisherLayersOf(g.enabled, src.logGroups.length > 0),
    alarmEmail: o.alarmEmail,
    protectStatefulResources: config.protection.protectStatefulResources,
  });
  const operationsTopicArn = ops.topicArn;

  const network = new NetworkWithGenerator("network", {
    cidrBlock: config.network.cidrBlock,
    availabilityZones: config.network.availabilityZones,
    natGateways: config.network.natGateways,
    generatorInstanceType: g.instanceType,
    generatorSubnet: g.subnet,
    rootVolumeGiB: g.rootVolumeGiB,
    cadence,
    enableGenerator: g.enabled,
  });

  const lake = config.lake;
  const batch = new BatchLayer("batch", {
    generatorRoleName: network.generatorRoleName,
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    vpcCidrBlock: network.vpcCidrBlock,
    rawTransitionToIaDays: lake.rawTransitionToIaDays,
    rawTransitionToArchiveDays: lake.rawTransitionToArchiveDays,
    rawExpirationDays: lake.rawExpirationDays,
    curatedExpirationDays: lake.curatedExpirationDays,
    projectionStartDate: lake.projectionStartDate,
    athenaResultsExpirationDays: lake.athenaResultsExpirationDays,
    noncurrentVersionExpirationDays: lake.noncurrentVersionExpirationDays,
    accessLogExpirationDays: lake.accessLogExpirationDays,
    firehoseBufferSeconds: lake.firehoseBufferSeconds,
    firehoseBufferMiB: lake.firehoseBufferMiB,
    athenaBytesScannedCutoffMiB: lake.athenaBytesScannedCutoffMiB,
    logRetentionDays: lake.logRetentionDays,
    emptyBucketsOnDestroy: lake.emptyBucketsOnDestroy,
    enableWarehouse: config.dwh.enabled,
    warehouseBaseCapacityRpu: config.dwh.baseCapacityRpu,
    warehouseAdminUsername: config.dwh.adminUsername,
    warehouseDatabaseName: config.dwh.databaseName,
    quicksightPrincipalArn: config.bi.quicksightPrincipalArn,
    protectStatefulResources: config.protection.protectStatefulResources,
    operationsTopicArn,
    firehoseFreshnessFactor: o.firehoseFreshnessFactor,
    eventSchema,
  });

  const e = config.etl;
  const etl = new EtlLayer("etl", {
    keyArn: batch.keyArn,
    rawBucketName: batch.rawBucketName,
    rawBucketArn: batch.rawBucketArn,
    curatedBucketName: batch.curatedBucketName,
    curatedBucketArn: batch.curatedBucketArn,
    databaseName: batch.databaseName,
    rawTableName: batch.rawTableName,
    workgroupName: batch.workgroupName,
    glueVersion: e.glueVersion,
    workerType: e.workerType,
    numberOfWorkers: e.numberOfWorkers,
    timeoutMinutes: e.timeoutMinutes,
    schedule: e.schedule,
    enableCrawler: e.enableCrawler,
    logRetentionDays: e.logRetentionDays,
    // The curated table projects as many days as curated objects live.
    projectionRangeDays: lake.curatedExpirationDays,
    projectionStartDate: lake.projectionStartDate,
    protectStatefulResources: config.protection.protectStatefulResources,
    operationsTopicArn,
    eventSchema,
  });

  const sp = config.speed;
  const speed = new SpeedLayer("speed", {
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    generatorSecurityGroupId: network.generatorSecurityGroupId,
    generatorRoleName: network.generatorRoleName,
    generatorRoleArn: network.generatorRoleArn,
    generatorInstanceId: network.generatorInstanceId,
    engineVersion: sp.engineVersion,
    instanceType: sp.instanceType,
    instanceCount: sp.instanceCount,
    dedicatedMasterCount: sp.dedicatedMasterCount,
    dedicatedMasterType: sp.dedicatedMasterType,
    availabilityZoneCount: sp.availabilityZoneCount as 1 | 2 | 3,
    volumeSizeGiB: sp.volumeSizeGiB,
    indexRetentionDays: sp.indexRetentionDays,
    logRetentionDays: sp.logRetentionDays,
    alarmThreshold: sp.alarmThreshold,
    alarmPeriodSeconds: sp.alarmPeriodSeconds,
    alarmEmail: sp.alarmEmail,
    forwarderMemoryMb: sp.forwarderMemoryMb,
    createServiceLinkedRole: sp.createServiceLinkedRole,
    protectStatefulResources: config.protection.protectStatefulResources,
    operationsTopicArn,
    dlqDepthThreshold: o.dlqDepthThreshold,
    freeStorageSharePercent: o.freeStorageSharePercent,
    jvmMemoryPressurePercent: o.jvmMemoryPressurePercent,
    sourceLogGroupNames: src.logGroups,
    eventSchema,
  });

  // The configured sources besides the generator (none by default: nothing is registered then).
  const sources =
    src.logGroups.length > 0 || src.producers.length > 0
      ? new LogSources("sources", {
          logGroupNames: src.logGroups,
          producers: src.producers.map((p) => ({
            name: p.name,
            principal: p.principalArn
              ? { principalArn: p.principalArn }
              : p.service
                ? { service: p.service }
                : undefined,
          })),
          rawStreamArn: batch.firehoseStreamArn,
          rawBucketArn: batch.rawBucketArn,
          keyArn: batch.keyArn,
          bufferSeconds: lake.firehoseBufferSeconds,
          bufferMiB: lake.firehoseBufferMiB,
          logRetentionDays: lake.logRetentionDays,
          operationsTopicArn,
          freshnessFactor: o.firehoseFreshnessFactor,
        })
      : undefined;

  // Each layer contributes its destination; the agent is built last so nothing depends on a later layer.
  // pulumi.output unwraps the outputs nested in the object (stream name, region...).
  const region = aws.getRegionOutput().region;
  const destinations: pulumi.Input<AgentDestinations> = pulumi.output({
    // The speed layer's endpoint resolves once the bootstrap mapped the agent's role (lab 2).
    opensearch: { endpoint: speed.domainEndpoint, region, indexPrefix: AGENT_INDEX_PREFIX },
    cloudwatchLogs: { logGroupName: speed.appLogGroupName, region },
    firehose: { deliveryStreamName: batch.firehoseStreamName, region },
  });

  const agent =
    network.generatorInstanceId && network.agentDocumentName && network.agentParameterName
      ? new GeneratorAgent("generator-agent", {
          instanceId: network.generatorInstanceId,
          documentName: network.agentDocumentName,
          parameterName: network.agentParameterName,
          destinations,
          operationsTopicArn,
          heartbeatLogGroupName: speed.appLogGroupName,
          heartbeatMinutes: o.heartbeatMinutes,
        })
      : undefined;

  // Last: the dashboard reads the names every layer returned.
  const dashboard = new PipelineDashboard("pipeline", {
    appLogGroupName: speed.appLogGroupName,
    errorMetricNamespace: metricNamespace(pulumi.getStack()),
    errorMetricName: ERROR_METRIC_NAME,
    forwarderFunctionName: speed.forwarderFunctionName,
    deadLetterQueueName: speed.deadLetterQueueName,
    domainName: speed.domainName,
    firehoseStreamName: batch.firehoseStreamName,
    glueJobName: etl.jobName,
    glueFailureRuleName: etl.failureRuleName.apply((n) => n ?? ""),
    dlqDepthThreshold: o.dlqDepthThreshold,
    firehoseFreshnessThresholdSeconds: batch.firehoseFreshnessThresholdSeconds,
    ...(sources?.logsStreamName
      ? { sourceLogGroupNames: sources.logGroupNames, sourcesStreamName: sources.logsStreamName }
      : {}),
  });

  return { ops, network, batch, etl, speed, agent, sources, dashboard };
}
